"""Reading the one-stop software's export (CSV) into dossier changes.

Header names and status words are taken in English or in Vietnamese (with or without marks),
dates as 2026-11-28 or 28/11/2026, commas or semicolons, with or without Excel's BOM. A row
that cannot be read is refused with its file, line and field; the others go through. A
refusal is a message key and its values, so the admin reads it in their own language.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TypeVar

from bot.domain.dossiers import (
    NOTE_CHARS,
    DossierChange,
    DossierStatus,
    normal_code,
    valid_check,
)
from bot.search.normalize import fold

# Each field's accepted header names, folded (lower case, no marks, spaces as "_").
HEADERS: dict[str, tuple[str, ...]] = {
    "code": ("code", "ma_ho_so", "so_ho_so", "ma_hs"),
    "status": ("status", "trang_thai", "tinh_trang"),
    "due": ("due", "due_on", "ngay_hen_tra", "han_tra", "ngay_hen"),
    "received": ("received", "received_on", "ngay_tiep_nhan", "ngay_nhan"),
    "procedure": ("procedure", "procedure_code", "ma_thu_tuc", "ma_tthc"),
    "note": ("note", "ghi_chu"),
    "check": ("check", "check_value", "ma_kiem_tra"),
}
# Status words as the office's software and people write them, folded.
STATUS_WORDS: dict[str, DossierStatus] = {
    **{status.value: status for status in DossierStatus},
    "da_tiep_nhan": DossierStatus.RECEIVED,
    "tiep_nhan": DossierStatus.RECEIVED,
    "dang_giai_quyet": DossierStatus.IN_PROGRESS,
    "dang_xu_ly": DossierStatus.IN_PROGRESS,
    "can_bo_sung": DossierStatus.NEED_MORE,
    "bo_sung": DossierStatus.NEED_MORE,
    "can_bo_sung_giay_to": DossierStatus.NEED_MORE,
    "da_co_ket_qua": DossierStatus.RESULT_READY,
    "co_ket_qua": DossierStatus.RESULT_READY,
    "da_tra_ket_qua": DossierStatus.RETURNED,
    "da_tra": DossierStatus.RETURNED,
    "da_rut_ho_so": DossierStatus.WITHDRAWN,
    "rut_ho_so": DossierStatus.WITHDRAWN,
    "da_rut": DossierStatus.WITHDRAWN,
}
MAX_MB = 5
MAX_BYTES = MAX_MB * 1_000_000


def _key(text: str) -> str:
    return "_".join(fold(text).replace("-", " ").replace("_", " ").split())


@dataclass(frozen=True, slots=True)
class Refusal:
    """Why a file, a row or a JSON object was not taken: ``dossier.refusal.<reason>`` with its
    values, at a file's line and field as the file names it."""

    file: str
    line: int | None
    reason: str
    field: str | None = None
    values: tuple[tuple[str, str], ...] = ()


class FieldError(ValueError):
    """One field of a row (or of a JSON object) cannot be read."""

    def __init__(self, field: str, reason: str, **values: str) -> None:
        super().__init__(f"{field}: {reason}")
        self.field, self.reason, self.values = field, reason, tuple(values.items())


@dataclass
class ParsedFile:
    changes: list[tuple[int, DossierChange]] = field(default_factory=list)  # (line, change)
    problems: list[Refusal] = field(default_factory=list)


def parse_date(raw: str) -> dt.date:
    raw = raw.strip()
    for form in ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y"):
        try:
            return dt.datetime.strptime(raw, form).date()
        except ValueError:
            continue
    raise FieldError("due", "not_date", value=raw)


def parse_status(raw: str) -> DossierStatus:
    found = STATUS_WORDS.get(_key(raw))
    if found is None:
        raise FieldError("status", "not_status", value=raw)
    return found


def parse_csv(data: bytes, name: str) -> ParsedFile:
    parsed = ParsedFile()
    if len(data) > MAX_BYTES:
        parsed.problems.append(Refusal(name, None, "too_big", values=(("mb", str(MAX_MB)),)))
        return parsed
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        parsed.problems.append(
            Refusal(name, None, "not_utf8", values=(("byte", str(error.start)),))
        )
        return parsed
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") > first.count(",") else ","
    rows = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    header = next(rows, None)
    if not header:
        parsed.problems.append(Refusal(name, 1, "empty_file"))
        return parsed
    columns: dict[str, int] = {}
    for index, title in enumerate(header):
        wanted = next((f for f, names in HEADERS.items() if _key(title) in names), None)
        if wanted is not None and wanted not in columns:
            columns[wanted] = index
    missing = [f for f in ("code", "status") if f not in columns]
    if missing:
        values = (("columns", ", ".join(HEADERS[f][0] for f in missing)),)
        parsed.problems.append(Refusal(name, 1, "missing_columns", values=values))
        return parsed
    for row in rows:
        line = rows.line_num
        if not any(cell.strip() for cell in row):
            continue
        try:
            parsed.changes.append((line, _change(row, columns)))
        except FieldError as error:
            title = header[columns[error.field]].strip() if error.field in columns else error.field
            parsed.problems.append(Refusal(name, line, error.reason, title, error.values))
    return parsed


T = TypeVar("T")


def _read(name: str, raw: str, parse: Callable[[str], T]) -> T | None:
    if not raw:
        return None
    try:
        return parse(raw)
    except FieldError as error:  # named for the field it was read from
        raise FieldError(name, error.reason, **dict(error.values)) from None


def _change(row: list[str], columns: dict[str, int]) -> DossierChange:
    def cell(name: str) -> str:
        index = columns.get(name)
        return row[index].strip() if index is not None and index < len(row) else ""

    return change_of(cell)


def change_from_json(item: object) -> DossierChange:
    """One JSON object of the HTTP endpoint: the CSV's field names, values as strings."""
    if not isinstance(item, dict):
        raise FieldError("(object)", "not_object")
    unknown = sorted(set(item) - set(HEADERS))
    if unknown:
        raise FieldError(unknown[0], "unknown_field", known=", ".join(HEADERS))

    def cell(name: str) -> str:
        value = item.get(name)
        if value is not None and not isinstance(value, str):
            raise FieldError(name, "not_string")
        return (value or "").strip()

    return change_of(cell)


def change_of(cell: Callable[[str], str]) -> DossierChange:
    """A change from its fields' text, however they arrived; :class:`FieldError` names the
    first field that cannot be read."""
    code = normal_code(cell("code"))
    if code is None:
        raise FieldError("code", "not_code", value=cell("code"))
    if not cell("status"):
        raise FieldError("status", "empty")
    note = cell("note") or None
    if note is not None and len(note) > NOTE_CHARS:
        raise FieldError("note", "too_long", n=str(NOTE_CHARS))
    status = _read("status", cell("status"), parse_status)
    assert status is not None
    check = cell("check")
    if check and valid_check(check) is None:
        raise FieldError("check", "not_check", value=check[:40])
    return DossierChange(
        code=code,
        status=status,
        note=note,
        due_on=_read("due", cell("due"), parse_date),
        received_on=_read("received", cell("received"), parse_date),
        procedure_code=cell("procedure") or None,
        check_value=valid_check(check) if check else None,
    )
