"""Buttons of complaints: the intake's steps (``c:...``) and the department alert's (``t``,
``tt``). «✖️ Hủy» and «Hỏi cán bộ» are shared (``CancelDraft``, ``AskOfficial``:
bot/ui/buttons.py). The data is what earlier versions sent, so buttons in chats still work."""

from __future__ import annotations

import enum
from dataclasses import dataclass

from bot.ui.buttons import Button

NEW = "new"  # Duplicate.choice: file a new one after all


class ConsentChoice(enum.StrEnum):
    AGREE = "ok"  # «✅ Tôi đồng ý»: recorded, with its time
    BARE = "bare"  # on without photos, place and phone, for this complaint only


@dataclass(frozen=True)
class Consent(Button, prefix="c:consent"):
    """Under the privacy notice, before a person's first complaint."""

    choice: ConsentChoice


@dataclass(frozen=True)
class Category(Button, prefix="c:cat"):
    """The kind of problem, the intake's first step."""

    code: str


@dataclass(frozen=True)
class Continue(Button, prefix="c:next"):
    """«➡️ Tiếp tục»: no more photos."""


@dataclass(frozen=True)
class SkipPlace(Button, prefix="c:skip"):
    """«⏭ Bỏ qua» where the place is asked."""


@dataclass(frozen=True)
class Privacy(Button, prefix="c:hide"):
    """Show the citizen's name to officials, or hide it."""

    hide: bool


@dataclass(frozen=True)
class Send(Button, prefix="c:send"):
    """Under the review: file it."""


@dataclass(frozen=True)
class Edit(Button, prefix="c:edit"):
    """Under the review: write the description again."""


@dataclass(frozen=True)
class Duplicate(Button, prefix="c:dup"):
    """The same words as an open ticket: ``choice`` is that ticket's id (add to it) or
    ``new`` (file a new one); a string, as both have always shared this prefix."""

    choice: str

    @property
    def ticket_id(self) -> int:
        """The ticket to add to; 0, never an id, for anything forged."""
        digits = self.choice
        return int(digits) if digits.isascii() and digits.isdigit() and len(digits) <= 9 else 0


class Action(enum.StrEnum):
    """What an official can do from the alert."""

    ACCEPT = "accept"
    TRANSFER = "transfer"  # asks which department
    RESOLVE = "resolve"  # asks for the result
    REJECT = "reject"  # asks for the reason


@dataclass(frozen=True)
class TicketAction(Button, prefix="t"):
    """A button under a department's alert."""

    ticket_id: int
    action: Action


@dataclass(frozen=True)
class TransferTo(Button, prefix="tt"):
    """The department chosen in the transfer picker."""

    ticket_id: int
    department: str
