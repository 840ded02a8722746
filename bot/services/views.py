"""What services hand to the Telegram side: a message to show, and an action refused."""

from __future__ import annotations

from dataclasses import dataclass

from bot.html import Html
from bot.storage.outbox import Buttons


@dataclass(frozen=True, slots=True)
class View:
    text: Html  # every piece of user text escaped
    buttons: Buttons = ()  # rows of (label, callback data)


class NotAllowed(Exception):
    """The action does not fit the thing's state, the person, or the group it was pressed in."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason  # a key under "ticket.refused." or "dossier.refused."
