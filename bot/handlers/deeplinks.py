"""``/start <payload>`` entry points (QR codes on receipts and posters).

A payload is ``<kind>-<argument>`` in Telegram's alphabet (A-Z a-z 0-9 _ -, at most 64).
Features register a kind; an unknown or malformed payload falls back to the plain greeting.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from telegram import Update

from bot.handlers.context import BotContext

PAYLOAD = re.compile(r"^[A-Za-z0-9_-]{1,64}$")

DeepLinkHandler = Callable[[Update, BotContext, str], Awaitable[bool]]


@dataclass(frozen=True)
class DeepLink:
    kind: str
    argument: str


def parse(payload: str | None) -> DeepLink | None:
    if not payload or not PAYLOAD.match(payload):
        return None
    kind, _, argument = payload.partition("-")
    return DeepLink(kind.lower(), argument)


def make_payload(kind: str, argument: str = "") -> str:
    payload = f"{kind}-{argument}" if argument else kind
    if not PAYLOAD.match(payload):
        raise ValueError(f"not a valid deep-link payload: {payload!r}")
    return payload


class DeepLinks:
    """Registry of payload kinds; a handler returns False when its argument is not valid."""

    def __init__(self) -> None:
        self._handlers: dict[str, DeepLinkHandler] = {}

    def register(self, kind: str, handler: DeepLinkHandler) -> None:
        self._handlers[kind.lower()] = handler

    async def dispatch(self, link: DeepLink, update: Update, context: BotContext) -> bool:
        handler = self._handlers.get(link.kind)
        return bool(handler and await handler(update, context, link.argument))
