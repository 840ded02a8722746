"""Buttons of a citizen's follow-ups on their tickets: the data is what earlier versions sent
(``rq:add:12``, ``rt:12:5``...), so the buttons already in people's chats keep working."""

from __future__ import annotations

from dataclasses import dataclass

from bot.ui.buttons import Button


@dataclass(frozen=True)
class AddToTicket(Button, prefix="rq:add"):
    """«Bổ sung»: more information for an open ticket, from «Phản ánh của tôi»."""

    ticket_id: int


@dataclass(frozen=True)
class AnswerOfficial(Button, prefix="rq:ans"):
    """«💬 Trả lời cán bộ» under an official's message (few know swipe-to-reply)."""

    ticket_id: int


@dataclass(frozen=True)
class SkipComment(Button, prefix="rq:skip"):
    """No comment after rating."""


@dataclass(frozen=True)
class Rate(Button, prefix="rt"):
    """Stars for a resolved ticket; 1 to 5, checked when pressed."""

    ticket_id: int
    stars: int


@dataclass(frozen=True)
class Reopen(Button, prefix="ro"):
    """«😞 Chưa hài lòng»: the result did not settle it."""

    ticket_id: int


@dataclass(frozen=True)
class MyRequests(Button, prefix="mine"):
    """«⬅️ Yêu cầu của tôi»: back to the list."""


@dataclass(frozen=True)
class OpenTicket(Button, prefix="mo"):
    """One of the citizen's own requests, with what can be done about it now."""

    ticket_id: int


@dataclass(frozen=True)
class TicketHistory(Button, prefix="mh"):
    ticket_id: int


@dataclass(frozen=True)
class Withdraw(Button, prefix="mw"):
    """«🗑 Rút yêu cầu»: asks to confirm first."""

    ticket_id: int


@dataclass(frozen=True)
class ConfirmWithdraw(Button, prefix="mwy"):
    ticket_id: int
