"""A citizen's complaint or question to officials: every one has a code, an owner (the
department) and deadlines (rule 4), and every action on it is kept."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass, field
from enum import StrEnum

MAX_BODY = 2000  # characters of a description
MIN_BODY = 10
MAX_PHOTOS = 5
PREFIX = {"complaint": "PA", "question": "HD"}  # phản ánh, hỏi đáp
# The user and chat of a ticket whose citizen erased their data (/xoadulieu): Telegram gives
# no one id 0, so the ticket is nobody's, is still counted, and no message goes to it.
NOBODY = 0


class Status(StrEnum):
    NEW = "new"
    ACCEPTED = "accepted"
    RESOLVED = "resolved"
    REJECTED = "rejected"
    CLOSED = "closed"  # rated after resolution
    WITHDRAWN = "withdrawn"  # the citizen took it back while it was open

    @property
    def open(self) -> bool:
        return self in (Status.NEW, Status.ACCEPTED)

    @property
    def has_result(self) -> bool:
        """An official's result the citizen may rate or find wanting."""
        return self in (Status.RESOLVED, Status.CLOSED)


def ticket_code(kind: str, ticket_id: int) -> str:
    return f"{PREFIX.get(kind, 'PA')}-{ticket_id:06d}"


# A ticket's code typed on its own, as people copy or retype it: "PA-000123", "pa 123", "HD123".
_TYPED_CODE = re.compile(r"\s*(?:PA|HD)\s*[-‐–—.]?\s*(\d{1,9})\s*", re.IGNORECASE)


def typed_ticket_id(text: str) -> int | None:
    """The ticket a message that is nothing but a ticket's code names; None for other words."""
    match = _TYPED_CODE.fullmatch(unicodedata.normalize("NFKC", text))
    return int(match.group(1)) if match else None


def ticket_id_of(code: str) -> int | None:
    """PA-000123 (or pa000123, 123) -> 123, as a citizen might type it."""
    digits = "".join(ch for ch in code if ch.isdigit())
    return int(digits) if digits and len(digits) <= 9 else None


@dataclass(slots=True)
class Draft:
    """What a citizen has told us so far, kept in the conversation between steps."""

    kind: str = "complaint"
    category: str | None = None
    body: str = ""
    photos: list[str] = field(default_factory=list)
    latitude: float | None = None
    longitude: float | None = None
    address: str | None = None
    phone: str | None = None
    hide_name: bool = False
    procedure_code: str | None = None
    # The citizen went on without agreeing to the notice: no photos, place or phone asked.
    bare: bool = False


@dataclass(frozen=True, slots=True)
class Ticket:
    id: int
    kind: str
    user_id: int
    chat_id: int
    category: str
    department: str
    status: Status
    body: str
    photos: tuple[str, ...]
    latitude: float | None
    longitude: float | None
    address: str | None
    phone: str | None
    hide_name: bool
    citizen_name: str
    language: str
    procedure_code: str | None
    created_at: dt.datetime
    acknowledge_due: dt.datetime
    resolve_due: dt.datetime
    acknowledged_at: dt.datetime | None
    resolved_at: dt.datetime | None
    assignee_id: int | None
    assignee_name: str | None
    result: str | None
    rating: int | None
    acknowledge_reminded: bool = False
    acknowledge_missed: bool = False
    resolve_reminded: bool = False
    resolve_missed: bool = False

    @property
    def code(self) -> str:
        return ticket_code(self.kind, self.id)

    @property
    def erased(self) -> bool:
        """Its citizen erased their data: it is nobody's, and nobody can be told of it."""
        return self.chat_id == NOBODY

    @property
    def ref(self) -> str:
        """How outgoing messages about this ticket are tagged, so replies find their way back."""
        return f"ticket:{self.id}"

    @property
    def waiting_due(self) -> dt.datetime:
        """The deadline it waits on: being taken up, and once taken up, being resolved."""
        return self.resolve_due if self.acknowledged_at else self.acknowledge_due

    def overdue(self, now: dt.datetime) -> bool:
        """Open past the deadline it waits on (as the figures count it)."""
        return self.status.open and self.waiting_due < now

    def reopen_until(self, days: int) -> dt.datetime | None:
        """Until when the citizen may find the result wanting and have it looked at again."""
        if not self.status.has_result or self.resolved_at is None:
            return None
        return self.resolved_at + dt.timedelta(days=days)


@dataclass(frozen=True, slots=True)
class TicketEvent:
    at: dt.datetime
    actor_id: int | None
    action: str
    note: str | None


def ticket_of_ref(ref: str | None) -> int | None:
    if ref and ref.startswith("ticket:") and ref[7:].isdigit():
        return int(ref[7:])
    return None


@dataclass(frozen=True, slots=True)
class TicketFilter:
    """What a desk's list of tickets shows: every field left empty shows all. ``departments``
    is who may look (an official's own), ``department`` what they chose among them."""

    status: Status | None = None
    open_only: bool = False
    department: str | None = None
    departments: frozenset[str] | None = None
    category: str | None = None
    overdue: bool = False
    filed_from: dt.datetime | None = None
    filed_before: dt.datetime | None = None
