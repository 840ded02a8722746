"""The leadership's figures for a period (rule 10, and the rules on deadlines): what counts as
on time, satisfied or late is decided here, from the rows storage gives, on the unit's
calendar and clock."""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from collections import Counter, defaultdict
from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from bot.clock import Clock
from bot.domain.figures import (
    STARS,
    DossierFigures,
    Figures,
    Period,
    PeriodKind,
    QuestionFigures,
    TicketFigures,
    median,
)
from bot.domain.quiet import QuietHours
from bot.domain.tickets import Status
from bot.domain.workcalendar import WorkCalendar
from bot.html import Html
from bot.services.views import View
from bot.storage.db import Database
from bot.storage.figures import FigureRepository, Overdue, ReportRepository, TicketRow
from bot.storage.outbox import OutboxRepository, Outgoing

log = logging.getLogger(__name__)

COUNTED_EVENTS = ("reopened", "acknowledge_missed", "resolve_missed")
NONE: tuple[float | None, float | None] = (None, None)  # hours not counted
FLUSH_AT = 500  # questions counted in memory before they are written anyway


class FigureService:
    def __init__(
        self,
        repository: FigureRepository,
        clock: Clock,
        calendar: Callable[[], WorkCalendar],
        admins: Iterable[int] = (),
    ) -> None:
        self._repository = repository
        self._admins = tuple(admins)  # what the bot tells them is no news to citizens
        self._clock = clock
        self._calendar = calendar
        self._tally: Counter[tuple[str, str, str]] = Counter()

    @property
    def _tz(self) -> dt.tzinfo:
        return self._calendar().tz

    def calendar(self) -> WorkCalendar:
        return self._calendar()

    def today(self) -> dt.date:
        return self._clock.now().astimezone(self._tz).date()

    def period(self, kind: PeriodKind) -> Period:
        return Period.of(kind, self.today())

    def _bounds(self, period: Period) -> tuple[dt.datetime, dt.datetime]:
        """The period's first and the next day's local midnights."""
        tz = self._tz
        start = dt.datetime.combine(period.first, dt.time(), tz)
        end = dt.datetime.combine(period.last + dt.timedelta(days=1), dt.time(), tz)
        return start, end

    async def compared(self, period: Period) -> tuple[Figures, Figures]:
        """The period's figures and the period before's, which every report sets beside them."""
        return await self.figures(period), await self.figures(period.previous(), detail=False)

    async def tickets(self, period: Period) -> list[TicketRow]:
        """The tickets filed in the period, one row each, for the spreadsheet."""
        return await self._repository.tickets_filed(*self._bounds(period))

    async def figures(self, period: Period, detail: bool = True) -> Figures:
        """Without ``detail`` (the period compared with), no medians and no breakdown by
        department and kind: they are never set side by side, and cost the most."""
        await self.flush()  # the questions of the last minute count too
        start, end = self._bounds(period)
        repository = self._repository
        now = self._clock.now()
        rows = await repository.tickets_filed(start, end)
        events = await repository.ticket_events(COUNTED_EVENTS, start, end)
        by_department: dict[str, list[TicketRow]] = defaultdict(list)
        by_category: dict[str, list[TicketRow]] = defaultdict(list)
        for row in rows if detail else ():
            by_department[row.department].append(row)
            by_category[row.category].append(row)
        department_events: dict[str, list[str]] = defaultdict(list)
        category_events: dict[str, list[str]] = defaultdict(list)
        for action, department, category in events:
            department_events[department].append(action)
            category_events[category].append(action)
        hours = self._hours(rows) if detail else {}
        open_now, overdue_now = await repository.open_tickets_now(now)
        delivered, reached = await repository.delivered(start, end, self._admins)
        return Figures(
            period=period,
            tickets=self._tickets(rows, [a for a, _, _ in events], hours, now),
            by_department=tuple(
                (code, self._tickets(kept, department_events[code], hours, now))
                for code, kept in sorted(by_department.items(), key=lambda kv: -len(kv[1]))
            ),
            by_category=tuple(
                (code, self._tickets(kept, category_events[code], hours, now))
                for code, kept in sorted(by_category.items(), key=lambda kv: -len(kv[1]))
            ),
            open_now=open_now,
            overdue_now=overdue_now,
            dossiers=await self._dossiers(period, start, end),
            questions=QuestionFigures(await repository.questions(period.first, period.last)),
            people_reached=reached,
            notifications=delivered,
        )

    def _hours(self, rows: list[TicketRow]) -> dict[int, tuple[float | None, float | None]]:
        """Each ticket's working hours to be taken up and to be resolved, counted once for
        the whole and every department and kind it is part of."""
        calendar = self._calendar()
        hours: dict[int, tuple[float | None, float | None]] = {}
        for row in rows:
            filed = calendar.elapsed(row.created_at)
            taken = row.acknowledged_at
            resolved = row.resolved_at if row.status.has_result else None
            hours[row.id] = (
                calendar.elapsed(taken) - filed if taken is not None else None,
                calendar.elapsed(resolved) - filed if resolved is not None else None,
            )
        return hours

    @staticmethod
    def _tickets(
        rows: list[TicketRow],
        actions: Iterable[str],
        hours: dict[int, tuple[float | None, float | None]],
        now: dt.datetime,
    ) -> TicketFigures:
        acknowledged = [r for r in rows if r.acknowledged_at is not None]
        resolved = [r for r in rows if r.status.has_result and r.resolved_at is not None]
        open_rows = [r for r in rows if r.status.open]
        ratings = Counter(r.rating for r in rows if r.rating is not None)
        done = Counter(actions)
        return TicketFigures(
            received=len(rows),
            acknowledged=len(acknowledged),
            acknowledged_on_time=sum(
                not r.acknowledge_missed and r.acknowledged_at <= r.acknowledge_due  # type: ignore[operator]
                for r in acknowledged
            ),
            resolved=len(resolved),
            resolved_on_time=sum(
                not r.resolve_missed and r.resolved_at <= r.resolve_due  # type: ignore[operator]
                for r in resolved
            ),
            rejected=sum(r.status == Status.REJECTED for r in rows),
            withdrawn=sum(r.status == Status.WITHDRAWN for r in rows),
            open_now=len(open_rows),
            overdue_now=sum(
                r.resolve_due < now or (r.acknowledged_at is None and r.acknowledge_due < now)
                for r in open_rows
            ),
            acknowledge_hours=median(
                h for r in rows if (h := hours.get(r.id, NONE)[0]) is not None
            ),
            resolve_hours=median(h for r in rows if (h := hours.get(r.id, NONE)[1]) is not None),
            ratings=tuple(ratings.get(stars, 0) for stars in STARS),
            reopened=done["reopened"],
            apologies=done["acknowledge_missed"] + done["resolve_missed"],
        )

    async def _dossiers(
        self, period: Period, start: dt.datetime, end: dt.datetime
    ) -> DossierFigures:
        repository = self._repository
        tz = self._tz
        results = await repository.dossier_results(start, end)
        changes = await repository.dossier_due_changes(start, end)
        return DossierFigures(
            received=await repository.dossiers_received(period.first, period.last),
            results=len(results),
            on_time=sum(
                r.first_due_on is None or r.first_result_at.astimezone(tz).date() <= r.first_due_on
                for r in results
            ),
            new_dates=sum(
                c.before is not None
                and c.due_on is not None
                and c.due_on > c.before
                and c.before < c.at.astimezone(tz).date()
                for c in changes
            ),
            overdue_now=await repository.dossiers_overdue(self.today()),
        )

    # --- questions typed to the bot -----------------------------------------------------------

    async def count_question(self, kind: str, language: str) -> None:
        """Counted in memory and written in batches (``flush``): a write per question would
        cost every citizen a turn at the database's one writer."""
        self._tally[(self.today().isoformat(), kind, language)] += 1
        if sum(self._tally.values()) >= FLUSH_AT:
            await self.flush()

    async def flush(self) -> None:
        tally, self._tally = self._tally, Counter()
        if tally:
            await self._repository.count_questions(tally)


class ReportViews(Protocol):
    """How the scheduled reports read, in the officials' language (bot/handlers/figures)."""

    def report(self, now: Figures, before: Figures, overdue: Sequence[Overdue]) -> View: ...
    def caption(self, now: Figures) -> Html: ...


@dataclass(frozen=True, slots=True)
class Schedule:
    kind: PeriodKind  # the period reported on, counted back from today
    key: str  # names the period in reports_sent: week, month


SCHEDULES = (Schedule(PeriodKind.LAST_WEEK, "week"), Schedule(PeriodKind.LAST_MONTH, "month"))
OVERDUE_LISTED = 3


class ReportService:
    """The weekly report on the first working morning of the week, and the monthly one on the
    first working day of the month, to the leadership's group: each once, recorded with the
    messages it queues, so a restart (or a bot that was down that morning) sends it once."""

    def __init__(
        self,
        db: Database,
        repository: ReportRepository,
        figures: FigureService,
        outbox: OutboxRepository,
        views: ReportViews,
        draw: Callable[[Figures], Awaitable[bytes | None]],
        charts: Path,
        leadership: Callable[[], list[int]],
        quiet: QuietHours | None = None,
    ) -> None:
        self._db = db
        self._repository = repository
        self._figures = figures
        self._outbox = outbox
        self._views = views
        self._draw = draw  # the chart as a PNG (a child process draws it), None if it failed
        self._charts = charts  # where the charts wait for the outbox to send them
        self._leadership = leadership  # the leadership group's chat, if linked
        self._quiet = quiet  # a bot that was down all night reports in the morning

    async def send_due(self) -> int:
        """Queue every report that is due and not yet sent; returns how many."""
        sent = 0
        for schedule in SCHEDULES:
            sent += await self._send(schedule)
        return sent

    async def _send(self, schedule: Schedule) -> bool:
        figures = self._figures
        period = figures.period(schedule.kind)
        now = self._db.clock.now()
        calendar = figures.calendar()
        starts = dt.datetime.combine(period.last + dt.timedelta(days=1), dt.time(), calendar.tz)
        key = f"{schedule.key}:{period.first.isoformat()}"
        chats = self._leadership()
        if now < calendar.next_working_time(starts) or not chats:
            return False
        if await self._repository.sent(key):
            return False
        counted, before = await figures.compared(period)
        overdue = await self._repository.most_overdue(now, OVERDUE_LISTED)
        chart: Path | None = None
        png = await self._draw(counted)
        if png is not None:
            path = self._charts / f"{key.replace(':', '-')}.png"
            try:
                await asyncio.to_thread(_written, path, png)
                chart = path
            except OSError as error:
                log.warning("report %s: chart not kept (%s)", key, type(error).__name__)
        view = self._views.report(counted, before, overdue)
        caption = self._views.caption(counted)
        hold = self._quiet.wait_until(now, calendar.tz) if self._quiet else None
        async with self._db.transaction() as conn:
            if not await self._repository.mark_sent(conn, key, now):
                return False
            items = []
            for chat in chats:
                if chart is not None:
                    items.append(
                        Outgoing(
                            chat, caption, photo=str(chart), dedupe=f"{key}:{chat}:chart",
                            not_before=hold,
                        )
                    )  # fmt: skip
                items.append(
                    Outgoing(
                        chat, view.text, buttons=view.buttons, dedupe=f"{key}:{chat}",
                        not_before=hold,
                    )
                )  # fmt: skip
            await self._outbox.enqueue(conn, items)
        log.info("report %s queued for %d chat(s)", key, len(chats))
        return True


def _written(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
