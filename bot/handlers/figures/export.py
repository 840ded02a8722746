"""The figures as sheets of a spreadsheet: one per table of figures and one row per ticket.
Citizens' names and phone numbers are written only for admins; otherwise masked."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import TYPE_CHECKING

from bot.domain.figures import Figures, Period, TicketFigures
from bot.domain.routing import Routing
from bot.domain.tickets import ticket_code
from bot.handlers.figures.views import category_name, department_name
from bot.i18n import Texts
from bot.storage.figures import TicketRow
from bot.ui.child import child_env, made_by
from bot.ui.spreadsheet import Cell, Sheet, at
from bot.ui.text import masked_name, masked_phone

if TYPE_CHECKING:
    from bot.handlers.context import Services

EXPORT_WITHIN_S = 120.0
GROUP_COLUMNS = (
    "received", "acknowledged", "acknowledged_on_time", "resolved", "resolved_on_time",
    "open_now", "overdue_now", "rejected", "withdrawn", "rated", "average", "satisfied_share",
    "reopened", "apologies",
)  # fmt: skip
TICKET_COLUMNS = (
    "code", "kind", "category", "department", "filed", "acknowledge_due", "acknowledged_at",
    "resolve_due", "resolved_at", "status", "rating", "name", "phone",
)  # fmt: skip


def _percent(value: float | None) -> float | None:
    return round(value * 100, 1) if value is not None else None


def _group_cells(f: TicketFigures) -> list[Cell]:
    average = round(f.average_rating, 2) if f.average_rating is not None else None
    return [
        f.received, f.acknowledged, f.acknowledged_on_time, f.resolved, f.resolved_on_time,
        f.open_now, f.overdue_now, f.rejected, f.withdrawn, f.rated, average,
        _percent(f.satisfied_share), f.reopened, f.apologies,
    ]  # fmt: skip


async def spreadsheet(services: Services, period: Period, language: str, names: bool) -> bytes:
    """The period's spreadsheet, written by ``python -m bot report`` in a child process: a
    quarter's rows and openpyxl stay out of the process that serves citizens. Raises
    ChildFailed."""
    args = [
        "report", "--from", period.first.isoformat(), "--to", period.last.isoformat(),
        "--out", "-", "--language", language, "--at", services.clock.now().isoformat(),
    ]  # fmt: skip
    if names:
        args.append("--names")
    settings = services.settings
    env = child_env(
        BOT_DATABASE=str(settings.database),
        BOT_TIMEZONE=settings.timezone,
        BOT_DEFAULT_LANGUAGE=settings.default_language,
    )
    return await made_by("bot", b"", EXPORT_WITHIN_S, b"PK", args=args, env=env)


def filename(period: Period) -> str:
    return f"bao-cao-{period.first.isoformat()}_{period.last.isoformat()}.xlsx"


def sheets(
    texts: Texts,
    routing: Routing,
    tz: dt.tzinfo,
    now: Figures,
    before: Figures,
    tickets: Sequence[TicketRow],
    names: bool,
) -> list[Sheet]:
    """``names``: write the citizens' names and phone numbers (for admins only)."""
    p = texts.plain
    t, b = now.tickets, before.tickets
    summary = [
        [p(f"export.row.{key}"), *values]
        for key, values in (
            ("received", (t.received, b.received)),
            ("acknowledged_on_time", (t.acknowledged_on_time, b.acknowledged_on_time)),
            ("acknowledged_share", (_percent(t.acknowledged_on_time_share),
                                    _percent(b.acknowledged_on_time_share))),
            ("resolved_on_time", (t.resolved_on_time, b.resolved_on_time)),
            ("resolved_share", (_percent(t.resolved_on_time_share),
                                _percent(b.resolved_on_time_share))),
            ("satisfied_share", (_percent(t.satisfied_share), _percent(b.satisfied_share))),
            ("open_now", (now.open_now, None)),
            ("overdue_now", (now.overdue_now, None)),
            ("dossiers_received", (now.dossiers.received, before.dossiers.received)),
            ("dossiers_on_time", (now.dossiers.on_time, before.dossiers.on_time)),
            ("dossiers_late", (now.dossiers.late, before.dossiers.late)),
            ("dossiers_new_dates", (now.dossiers.new_dates, before.dossiers.new_dates)),
            ("questions", (now.questions.asked, before.questions.asked)),
            ("people_reached", (now.people_reached, before.people_reached)),
        )
    ]  # fmt: skip
    group_header = [p(f"export.column.{key}") for key in GROUP_COLUMNS]
    return [
        Sheet(
            p("export.sheet.summary"),
            [p("export.column.figure"), p("export.column.now"), p("export.column.before")],
            summary,
        ),
        Sheet(
            p("export.sheet.departments"),
            [p("export.column.department"), *group_header],
            [
                [department_name(texts, routing, code), *_group_cells(f)]
                for code, f in now.by_department
            ],
        ),
        Sheet(
            p("export.sheet.categories"),
            [p("export.column.category"), *group_header],
            [
                [category_name(texts, routing, code), *_group_cells(f)]
                for code, f in now.by_category
            ],
        ),
        Sheet(
            p("export.sheet.questions"),
            [p("export.column.answered"), p("export.column.count")],
            [[p(f"export.answer.{kind}"), n] for kind, n in sorted(now.questions.by_kind.items())],
        ),
        Sheet(
            p("export.sheet.tickets"),
            [p(f"export.column.{key}") for key in TICKET_COLUMNS],
            [_ticket_row(texts, routing, tz, row, names) for row in tickets],
        ),
    ]


def _ticket_row(
    texts: Texts, routing: Routing, tz: dt.tzinfo, row: TicketRow, names: bool
) -> list[Cell]:
    hidden = texts.plain("ticket.hidden_name")
    if row.hide_name:
        name, phone = hidden, None
    elif names:
        name, phone = row.citizen_name, row.phone
    else:
        name, phone = masked_name(row.citizen_name), masked_phone(row.phone)
    return [
        ticket_code(row.kind, row.id),
        texts.plain(f"ticket.kind.{row.kind}"),
        category_name(texts, routing, row.category),
        department_name(texts, routing, row.department),
        at(row.created_at, tz),
        at(row.acknowledge_due, tz),
        at(row.acknowledged_at, tz),
        at(row.resolve_due, tz),
        at(row.resolved_at, tz),
        texts.plain(f"ticket.status.{row.status.value}"),
        row.rating,
        name,
        phone,
    ]
