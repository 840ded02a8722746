"""How the figures read: text in the reader's language and number format, and the chart's
labels (the chart itself is drawn by bot/ui/chart.py)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence

from telegram import InlineKeyboardMarkup

from bot.domain.figures import STARS, Figures, Period, PeriodKind, TicketFigures
from bot.domain.routing import Routing
from bot.domain.tickets import Ticket, ticket_code
from bot.handlers.figures.buttons import ExportFor, FiguresFor, OverdueTicket
from bot.html import Html
from bot.i18n import I18n, Texts
from bot.services.views import View
from bot.storage.figures import Overdue
from bot.ui.chart import Chart, Series
from bot.ui.text import moment, shorten

CHOSEN = (
    PeriodKind.THIS_WEEK, PeriodKind.LAST_WEEK, PeriodKind.MONTH, PeriodKind.LAST_MONTH,
    PeriodKind.QUARTER,
)  # fmt: skip
ANSWER_KINDS = ("card", "faq", "choices", "elsewhere", "nothing")
CHART_GROUPS = 8  # departments on the chart; the text lists them all


def _share(texts: Texts, value: float | None) -> str:
    return texts.percent(value) if value is not None else texts.plain("figures.none")


def _hours(texts: Texts, value: float | None) -> str:
    return texts.number(round(value, 1)) if value is not None else texts.plain("figures.none")


def period_name(texts: Texts, period: Period) -> Html:
    return texts(
        "figures.period",
        name=texts.plain(f"figures.period.{period.kind.value}"),
        first=texts.date(period.first, texts.plain("format.date")),
        last=texts.date(period.last, texts.plain("format.date")),
    )


def text(texts: Texts, routing: Routing, now: Figures, before: Figures) -> Html:
    n = texts.number
    t = now.tickets
    parts = [
        texts("figures.title", period=period_name(texts, now.period)),
        texts(
            "figures.tickets",
            received=n(t.received),
            before=n(before.tickets.received),
            acknowledged=n(t.acknowledged),
            ack_on_time=n(t.acknowledged_on_time),
            ack_share=_share(texts, t.acknowledged_on_time_share),
            resolved=n(t.resolved),
            resolved_on_time=n(t.resolved_on_time),
            resolved_share=_share(texts, t.resolved_on_time_share),
            resolved_share_before=_share(texts, before.tickets.resolved_on_time_share),
            ack_hours=_hours(texts, t.acknowledge_hours),
            resolve_hours=_hours(texts, t.resolve_hours),
            open=n(t.open_now),
            overdue=n(t.overdue_now),
            rejected=n(t.rejected),
            withdrawn=n(t.withdrawn),
            satisfied=n(t.satisfied),
            rated=n(t.rated),
            satisfied_share=_share(texts, t.satisfied_share),
            satisfied_share_before=_share(texts, before.tickets.satisfied_share),
            average=_hours(texts, t.average_rating),
            stars=" · ".join(
                texts.plain("figures.stars", stars=s, n=n(k))
                for s, k in zip(STARS, t.ratings, strict=True)
            ),
            reopened=n(t.reopened),
            apologies=n(t.apologies),
        ),
        texts("figures.now", open=n(now.open_now), overdue=n(now.overdue_now)),
    ]
    for title, groups, name_of in (
        ("figures.by_department", now.by_department, department_name),
        ("figures.by_category", now.by_category, category_name),
    ):
        if groups:
            lines = [texts(title)]
            lines += [_group_line(texts, name_of(texts, routing, code), f) for code, f in groups]
            parts.append(Html("\n").join(lines))
    d = now.dossiers
    parts.append(
        texts(
            "figures.dossiers",
            received=n(d.received),
            results=n(d.results),
            on_time=n(d.on_time),
            on_time_share=_share(texts, d.on_time_share),
            late=n(d.late),
            new_dates=n(d.new_dates),
            overdue=n(d.overdue_now),
        )
    )
    q = now.questions
    parts.append(
        texts(
            "figures.questions",
            asked=n(q.asked),
            before=n(before.questions.asked),
            **{kind: n(q.by_kind.get(kind, 0)) for kind in ANSWER_KINDS},
        )
    )
    parts.append(
        texts("figures.reached", people=n(now.people_reached), messages=n(now.notifications))
    )
    return Html("\n\n").join(parts)


def department_name(texts: Texts, routing: Routing, code: str) -> str:
    department = routing.department(code)
    return department.name.get(texts.language) if department else code


def category_name(texts: Texts, routing: Routing, code: str) -> str:
    category = routing.category(code)
    return category.name.get(texts.language) if category else code


def _group_line(texts: Texts, name: str, f: TicketFigures) -> Html:
    n = texts.number
    return texts(
        "figures.group_line",
        name=name,
        received=n(f.received),
        resolved_on_time=n(f.resolved_on_time),
        resolved=n(f.resolved),
        overdue=n(f.overdue_now),
        satisfied_share=_share(texts, f.satisfied_share),
    )


def periods(texts: Texts, shown: PeriodKind) -> InlineKeyboardMarkup:
    """Another period, one tap away; the one shown is not offered again."""
    buttons = [
        FiguresFor(kind).button(texts.plain(f"figures.button.{kind.value}"))
        for kind in CHOSEN
        if kind != shown
    ]
    return InlineKeyboardMarkup([buttons[:2], buttons[2:]])


def exports(texts: Texts) -> InlineKeyboardMarkup:
    buttons = [
        ExportFor(kind).button(texts.plain(f"figures.button.{kind.value}")) for kind in CHOSEN
    ]
    return InlineKeyboardMarkup([buttons[:2], buttons[2:4], buttons[4:]])


def chart(texts: Texts, routing: Routing, figures: Figures) -> Chart:
    groups = figures.by_department[:CHART_GROUPS]
    n = texts.number

    def series(key: str, values: list[int]) -> Series:
        return Series(texts.plain(f"figures.chart.{key}"), values, [n(v) for v in values])

    stars = list(figures.tickets.ratings)
    return Chart(
        title=texts.plain("figures.chart.title", period=str(period_name(texts, figures.period))),
        groups_title=texts.plain("figures.chart.departments"),
        groups=[department_name(texts, routing, code) for code, _ in groups],
        series=[
            series("received", [f.received for _, f in groups]),
            series("on_time", [f.resolved_on_time for _, f in groups]),
            series("overdue", [f.overdue_now for _, f in groups]),
        ],
        bars_title=texts.plain("figures.chart.ratings"),
        bars=[texts.plain("figures.stars_short", stars=s) for s in STARS],
        bar_values=stars,
        bar_shown=[n(v) for v in stars],
        empty=texts.plain("figures.chart.empty"),
        notes=[
            texts.plain(
                "figures.chart.note",
                satisfied=_share(texts, figures.tickets.satisfied_share),
                on_time=_share(texts, figures.tickets.resolved_on_time_share),
            )
        ],
    )


class TelegramReportViews:
    """The scheduled reports, in the officials' language, with the most overdue tickets as
    buttons (bot/services/figures.py queues them)."""

    def __init__(self, i18n: I18n, routing: Callable[[], Routing], tz: dt.tzinfo) -> None:
        self._i18n = i18n
        self._routing = routing
        self._tz = tz

    @property
    def _texts(self) -> Texts:
        return self._i18n.texts(self._i18n.default_language)

    def caption(self, now: Figures) -> Html:
        return chart_caption(self._texts, now)

    def report(self, now: Figures, before: Figures, overdue: Sequence[Overdue]) -> View:
        texts = self._texts
        body = text(texts, self._routing(), now, before)
        intro = texts(f"figures.report.{now.period.kind.value}")
        buttons = tuple(
            (
                OverdueTicket(item.id).pair(
                    texts.plain(
                        "figures.button.overdue",
                        code=ticket_code(item.kind, item.id),
                        due=moment(texts, item.due, self._tz),
                    )
                ),
            )
            for item in overdue
        )
        if overdue:
            body = body + "\n\n" + texts("figures.report.overdue")
        return View(intro + "\n\n" + body, buttons)

    def chart(self, now: Figures) -> Chart:
        return chart(self._texts, self._routing(), now)


def chart_caption(texts: Texts, figures: Figures) -> Html:
    return texts("figures.chart.caption", period=period_name(texts, figures.period))


def overdue_ticket(
    texts: Texts, routing: Routing, tz: dt.tzinfo, ticket: Ticket, hours_late: float | None
) -> Html:
    """A listed overdue ticket, as the leadership reads it: whose, since when, how late
    (``None``: no longer open, so no deadline to speak of)."""
    deadline = Html("")
    if hours_late is not None:
        due = moment(texts, ticket.waiting_due, tz)
        deadline = (
            texts("figures.overdue_ticket.late", due=due, late=_hours(texts, hours_late))
            if hours_late > 0
            else texts("figures.overdue_ticket.due", due=due)
        )
    return texts(
        "figures.overdue_ticket",
        kind=texts.plain(f"ticket.kind.{ticket.kind}"),
        code=ticket.code,
        category=category_name(texts, routing, ticket.category),
        department=department_name(texts, routing, ticket.department),
        status=texts.plain(f"ticket.status.{ticket.status.value}"),
        actor=ticket.assignee_name or texts.plain("figures.nobody"),
        filed=moment(texts, ticket.created_at, tz),
        deadline=deadline,
        body=shorten(ticket.body, 600) or texts.plain("ticket.body_erased"),
    )
