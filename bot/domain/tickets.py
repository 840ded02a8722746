"""A citizen's complaint or question to officials: every one has a code, an owner (the
department) and deadlines (rule 4), and every action on it is kept."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import StrEnum

MAX_BODY = 2000  # characters of a description
MIN_BODY = 10
MAX_PHOTOS = 5
PREFIX = {"complaint": "PA", "question": "HD"}  # phản ánh, hỏi đáp


class Status(StrEnum):
    NEW = "new"
    ACCEPTED = "accepted"
    RESOLVED = "resolved"
    REJECTED = "rejected"
    CLOSED = "closed"  # rated after resolution

    @property
    def open(self) -> bool:
        return self in (Status.NEW, Status.ACCEPTED)


def ticket_code(kind: str, ticket_id: int) -> str:
    return f"{PREFIX.get(kind, 'PA')}-{ticket_id:06d}"


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
    def ref(self) -> str:
        """How outgoing messages about this ticket are tagged, so replies find their way back."""
        return f"ticket:{self.id}"


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
