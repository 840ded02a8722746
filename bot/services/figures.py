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
from bot.domain.dossiers import new_date_given
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
        calendar = self._calendar()
        facts = [
            _fact(row, calendar, now, detail)
            async for row in repository.tickets_streamed(start, end)
        ]
        events = await repository.ticket_events(COUNTED_EVENTS, start, end)
        by_department: dict[str, list[Fact]] = defaultdict(list)
        by_category: dict[str, list[Fact]] = defaultdict(list)
        for fact in facts if detail else ():
            by_department[fact.department].append(fact)
            by_category[fact.category].append(fact)
        department_events: dict[str, list[str]] = defaultdict(list)
        category_events: dict[str, list[str]] = defaultdict(list)
        for action, department, category in events:
            department_events[department].append(action)
            category_events[category].append(action)
        open_now, overdue_now = await repository.open_tickets_now(now)
        delivered, reached = await repository.delivered(start, end, self._admins)
        return Figures(
            period=period,
            tickets=_counted(facts, [a for a, _, _ in events]),
            by_department=tuple(
                (code, _counted(kept, department_events[code]))
                for code, kept in sorted(by_department.items(), key=lambda kv: -len(kv[1]))
            ),
            by_category=tuple(
                (code, _counted(kept, category_events[code]))
                for code, kept in sorted(by_category.items(), key=lambda kv: -len(kv[1]))
            ),
            open_now=open_now,
            overdue_now=overdue_now,
            dossiers=await self._dossiers(period, start, end),
            questions=QuestionFigures(await repository.questions(period.first, period.last)),
            people_reached=reached,
            notifications=delivered,
        )

    async def _dossiers(
        self, period: Period, start: dt.datetime, end: dt.datetime
    ) -> DossierFigures:
        repository = self._repository
        tz = self._tz
        results = on_time = new_dates = 0
        async for result in repository.dossier_results(start, end):
            results += 1
            on_time += result.first_due_on is None or (
                result.first_result_at.astimezone(tz).date() <= result.first_due_on
            )
        async for change in repository.dossier_due_changes(start, end):
            # A later date given once the promised one had passed: an apology with a new date.
            new_dates += new_date_given(
                change.before, change.due_on, change.status, change.at.astimezone(tz).date()
            )
        return DossierFigures(
            received=await repository.dossiers_received(period.first, period.last),
            results=results,
            on_time=on_time,
            new_dates=new_dates,
            overdue_now=await repository.dossiers_overdue(self.today()),
        )

    # --- questions typed to the bot -----------------------------------------------------------

    def count_question(self, kind: str, language: str) -> None:
        """Counted in memory and written each minute (``flush``), never on the citizen's
        path: the tally has a few keys a day, and a write per question would cost every
        citizen a turn at the database's one writer."""
        self._tally[(self.today().isoformat(), kind, language)] += 1

    async def flush(self) -> None:
        tally, self._tally = self._tally, Counter()
        if tally:
            try:
                await self._repository.count_questions(tally)
            except BaseException:
                self._tally.update(tally)  # counted next time
                raise


@dataclass(frozen=True, slots=True)
class Fact:
    """What one ticket adds to the figures, kept instead of the ticket: a quarter's worth
    stays small in the process that serves citizens."""

    department: str
    category: str
    status: Status
    acknowledged: bool
    acknowledged_on_time: bool
    resolved: bool  # a result given
    resolved_on_time: bool
    overdue: bool  # open and past a deadline now
    rating: int | None
    acknowledge_hours: float | None  # working hours; only counted in ``detail``
    resolve_hours: float | None


def _fact(row: TicketRow, calendar: WorkCalendar, now: dt.datetime, detail: bool) -> Fact:
    taken, resolved = row.acknowledged_at, row.resolved_at if row.status.has_result else None
    filed = calendar.elapsed(row.created_at) if detail else 0.0
    return Fact(
        department=row.department,
        category=row.category,
        status=row.status,
        acknowledged=taken is not None,
        acknowledged_on_time=taken is not None
        and not row.acknowledge_missed
        and taken <= row.acknowledge_due,
        resolved=resolved is not None,
        resolved_on_time=resolved is not None
        and not row.resolve_missed
        and resolved <= row.resolve_due,
        overdue=row.status.open
        and (row.resolve_due < now or (taken is None and row.acknowledge_due < now)),
        rating=row.rating,
        acknowledge_hours=calendar.elapsed(taken) - filed if detail and taken else None,
        resolve_hours=calendar.elapsed(resolved) - filed if detail and resolved else None,
    )


def _counted(facts: list[Fact], actions: Iterable[str]) -> TicketFigures:
    ratings = Counter(f.rating for f in facts if f.rating is not None)
    done = Counter(actions)
    return TicketFigures(
        received=len(facts),
        acknowledged=sum(f.acknowledged for f in facts),
        acknowledged_on_time=sum(f.acknowledged_on_time for f in facts),
        resolved=sum(f.resolved for f in facts),
        resolved_on_time=sum(f.resolved_on_time for f in facts),
        rejected=sum(f.status == Status.REJECTED for f in facts),
        withdrawn=sum(f.status == Status.WITHDRAWN for f in facts),
        open_now=sum(f.status.open for f in facts),
        overdue_now=sum(f.overdue for f in facts),
        acknowledge_hours=median(h for f in facts if (h := f.acknowledge_hours) is not None),
        resolve_hours=median(h for f in facts if (h := f.resolve_hours) is not None),
        ratings=tuple(ratings.get(stars, 0) for stars in STARS),
        reopened=done["reopened"],
        apologies=done["acknowledge_missed"] + done["resolve_missed"],
    )


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
        if not counted.activity:
            # Nothing happened (a bot installed since): no report of zeros, and no asking
            # again every minute.
            async with self._db.transaction() as conn:
                await self._repository.mark_sent(conn, key, now)
            return False
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
