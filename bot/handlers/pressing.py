"""Button presses: each typed button is handled by the one function registered for its class.

``on_press(ShowCard, card_pressed)`` is a ``CallbackQueryHandler`` whose pattern is the class's
own decoder, so data that does not decode (forged, stale, another version's) matches no feature
and reaches ``common.stale_button``, registered last, which answers it politely.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from telegram import Update
from telegram.constants import ChatType
from telegram.ext import CallbackQueryHandler

from bot.handlers.context import BotContext
from bot.ui.buttons import Button

B = TypeVar("B", bound=Button)
PressHandler = Callable[[Update, BotContext, B], Awaitable[None]]


_HANDLERS: dict[type[Button], PressHandler[Any]] = {}


def on_press(kind: type[B], handler: PressHandler[B]) -> CallbackQueryHandler[BotContext, None]:
    """The handler for every press of a ``kind`` button (and for :func:`act` with one)."""
    _HANDLERS[kind] = handler

    async def pressed(update: Update, context: BotContext) -> None:
        query = update.callback_query
        button = kind.parse(query.data) if query is not None else None
        if query is None or button is None:  # the pattern let it through: cannot happen
            return
        chat = update.effective_chat
        if chat is None or chat.type == ChatType.PRIVATE or query.message is None:
            await handler(update, context, button)
            return
        # An official tapping on while the group's answer comes: one press, one prompt.
        repeats = context.services.repeats
        press = (query.from_user.id, chat.id, query.message.message_id, query.data)
        if repeats.repeated(press, update.update_id):
            await query.answer(context.texts.plain("button.repeat"))
            return
        try:
            await handler(update, context, button)
        finally:
            repeats.done(press, context.updates_received_up_to, time.monotonic())

    return CallbackQueryHandler(pressed, pattern=kind.matches)


async def act(update: Update, context: BotContext, button: Button) -> None:
    """Do what pressing ``button`` does, without a press (a deep link, a menu command)."""
    await _HANDLERS[type(button)](update, context, button)


async def acknowledge(update: Update, text: str | None = None, alert: bool = False) -> None:
    """Answer the press, if this is one (``act`` runs handlers without a press)."""
    if update.callback_query is not None:
        await update.callback_query.answer(text, show_alert=alert)
