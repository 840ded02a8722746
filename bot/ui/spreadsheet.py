"""The figures as a spreadsheet (openpyxl). Only ``python -m bot report`` writes one: the bot
runs that command as a child process for /xuatbaocao, so a quarter's rows, the sheets and
openpyxl are never held by the process that serves citizens."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

DATE_FORMAT = "dd/mm/yyyy hh:mm"
Cell = str | int | float | dt.datetime | None


@dataclass(frozen=True, slots=True)
class Sheet:
    title: str  # at most 31 characters, as Excel requires
    header: list[str]
    rows: list[list[Cell]]


def at(moment: dt.datetime | None, tz: dt.tzinfo) -> dt.datetime | None:
    """A time as the office reads it: local, to the minute (a spreadsheet has no zones)."""
    if moment is None:
        return None
    return moment.astimezone(tz).replace(tzinfo=None, second=0, microsecond=0)


def workbook(sheets: Sequence[Sheet]) -> bytes:
    import io

    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
    from openpyxl.styles import Font

    book = Workbook(write_only=True)
    for spec in sheets:
        sheet = book.create_sheet(spec.title[:31])
        header = spec.header
        for index, name in enumerate(header):
            width = max(len(name), *(len(str(r[index] or "")) for r in spec.rows[:200]), 8)
            sheet.column_dimensions[_column(index)].width = min(width + 2, 60)
        sheet.freeze_panes = "A2"
        bold = []
        for name in header:
            cell = WriteOnlyCell(sheet, value=name)
            cell.font = Font(bold=True)
            bold.append(cell)
        sheet.append(bold)
        for row in spec.rows:
            cells: list[Any] = []
            for value in row:
                if isinstance(value, dt.datetime):
                    cell = WriteOnlyCell(sheet, value=value)
                    cell.number_format = DATE_FORMAT
                    cells.append(cell)
                elif isinstance(value, str):
                    # Control characters a citizen typed are no reason to lose the report.
                    cells.append(ILLEGAL_CHARACTERS_RE.sub("", value))
                else:
                    cells.append(value)
            sheet.append(cells)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _column(index: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(index + 1)
