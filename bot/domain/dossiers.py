"""A dossier (hồ sơ) submitted at the one-stop office: its status, its dates, and the check
value that lets the person holding the receipt follow it (rule 5: tell them before they ask)."""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import re
import secrets
import unicodedata
from dataclasses import dataclass
from enum import StrEnum

CODE_CHARS = 39  # longer than receipt codes seen ("000.00.12.H26-261128-0001"); fits a link
NOTE_CHARS = 1000
CHECK_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"  # no 0/O, 1/I/L: read off paper
CHECK_LENGTH = 6
_CHECK = re.compile(r"[0-9A-Z]{4,16}")  # what other software may print, ASCII only
LINK_KIND = "h"  # t.me/<bot>?start=h-<code and check value>
_CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9.\-/_]*$")


class DossierStatus(StrEnum):
    RECEIVED = "received"
    IN_PROGRESS = "in_progress"
    NEED_MORE = "need_more"  # more documents needed
    RESULT_READY = "result_ready"
    RETURNED = "returned"  # the result was handed over
    WITHDRAWN = "withdrawn"

    @property
    def finished(self) -> bool:
        """Nothing more will happen to it: no reminders, no apologies."""
        return self in (DossierStatus.RETURNED, DossierStatus.WITHDRAWN)


@dataclass(frozen=True, slots=True)
class Dossier:
    code: str
    check_value: str
    procedure_code: str | None
    received_on: dt.date
    due_on: dt.date | None
    status: DossierStatus
    note: str | None
    updated_at: dt.datetime


@dataclass(frozen=True, slots=True)
class DossierChange:
    """What a source says a dossier now is. ``None`` leaves a field as it was; a new dossier
    needs ``received_on`` (today if not said) and gets a fresh check value if none is given."""

    code: str
    status: DossierStatus
    note: str | None = None
    due_on: dt.date | None = None
    received_on: dt.date | None = None
    procedure_code: str | None = None
    check_value: str | None = None


def new_date_given(
    before: dt.date | None, after: dt.date | None, status: DossierStatus, today: dt.date
) -> bool:
    """The promised date had passed without a result and the office set a later one: the
    citizen is owed an apology with it (rule 7), and the leadership counts it."""
    return (
        before is not None
        and after is not None
        and before < today
        and after > before
        and status is not DossierStatus.RESULT_READY
        and not status.finished
    )


def normal_code(raw: str) -> str | None:
    """A receipt code as people type it (spaces, lower case) in the form it is stored."""
    code = unicodedata.normalize("NFKC", raw).strip().upper().replace(" ", "")
    if not code or len(code) > CODE_CHARS or not _CODE.match(code):
        return None
    return code


def looks_like_receipt(text: str) -> bool:
    """A receipt's code typed on its own ("000.00.12.H26-261128-0001"), not words."""
    code = normal_code(text)
    return (
        code is not None and sum(c.isdigit() for c in code) >= 6 and any(c in code for c in ".-/")
    )


def new_check_value() -> str:
    return "".join(secrets.choice(CHECK_ALPHABET) for _ in range(CHECK_LENGTH))


def normal_check(raw: str) -> str:
    """As printed, whatever the case and spacing the person typed it in."""
    return unicodedata.normalize("NFKC", raw).strip().upper().replace(" ", "").replace("-", "")


def valid_check(raw: str) -> str | None:
    """A check value the one-stop software may print: ASCII letters and digits only, so what
    a citizen types can be compared in constant time (and a mistyped 'é' simply differs)."""
    check = normal_check(raw)
    return check if _CHECK.fullmatch(check) else None


def checks_match(stored: str, typed: str) -> bool:
    """Compared as UTF-8 bytes: ``compare_digest`` refuses non-ASCII text, and people type
    anything ("không biết mã") where the check value is asked for."""
    return secrets.compare_digest(
        normal_check(stored).encode("utf-8", "surrogatepass"),
        normal_check(typed).encode("utf-8", "surrogatepass"),
    )


def follow_payload(code: str, check_value: str) -> str:
    """The argument of a ``t.me/<bot>?start=h-...`` link: code and check value in Telegram's
    deep-link alphabet (a receipt code has dots, which deep links do not allow)."""
    raw = f"{code}|{normal_check(check_value)}".encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def parse_follow_payload(argument: str) -> tuple[str, str] | None:
    try:
        raw = base64.urlsafe_b64decode(argument + "=" * (-len(argument) % 4)).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError):
        return None
    code, sep, check = raw.partition("|")
    normal = normal_code(code)
    if not sep or normal is None or not check:
        return None
    return normal, check
