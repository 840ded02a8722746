"""Personal data under Decree 13/2023/NĐ-CP: the notice a person agrees to before their first
complaint, what erasing their data touches, and how long phones, photos and places are kept."""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass

from bot.domain.tickets import typed_ticket_id

# The notice's version (``privacy.notice`` in locales/): raise it when what the notice says
# changes, and everyone who agreed to an older one is asked again before their next complaint.
NOTICE_VERSION = 1


@dataclass(frozen=True, slots=True)
class Consent:
    """A person agreed to version ``version`` of the notice at ``at``."""

    version: int
    at: dt.datetime

    @property
    def current(self) -> bool:
        return self.version >= NOTICE_VERSION


@dataclass(frozen=True, slots=True)
class Holdings:
    """What erasing a person's data would touch, as they are told before they confirm."""

    tickets: int
    open_tickets: int  # whose answers would no longer reach them
    follows: int  # dossiers followed


@dataclass(frozen=True, slots=True)
class Erased:
    """What one erasure did: the tickets unlinked (each still counted in the figures)."""

    tickets: tuple[int, ...]
    open_tickets: tuple[int, ...]
    follows: int


def months_before(moment: dt.datetime, months: int) -> dt.datetime:
    """The same day and time ``months`` calendar months earlier (the 31st becomes the month's
    last day): "deleted 12 months after" means the same date a year on, not 360 days."""
    index = moment.year * 12 + (moment.month - 1) - months
    year, month = divmod(index, 12)
    day = min(moment.day, calendar.monthrange(year, month + 1)[1])
    return moment.replace(year=year, month=month + 1, day=day)


@dataclass(frozen=True, slots=True)
class Subject:
    """Whom an admin asks about (``/xuatdulieu``, ``python -m bot people export``): a
    Telegram user id, or the code of one of their tickets."""

    user_id: int | None = None
    ticket_id: int | None = None


_USER_ID = re.compile(r"[0-9]{1,15}")  # ASCII digits only: "²".isdigit() is true


def subject_of(text: str) -> Subject | None:
    """``123456789`` (a user id) or ``PA-000123`` (as typed: ``pa 123``); None otherwise."""
    text = text.strip()
    if _USER_ID.fullmatch(text):
        return Subject(user_id=int(text))
    ticket_id = typed_ticket_id(text)
    return Subject(ticket_id=ticket_id) if ticket_id is not None else None
