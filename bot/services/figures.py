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
from operator import attrgetter
from pathlib import Path
from typing import Protocol

from bot.clock import Clock
from bot.domain.dossiers import new_date_given
from bot.domain.figures import (
    STARS,
    Depth,
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
from bot.storage.figures import (
    CountedEvent,
    FigureRepository,
    Overdue,
    ReportRepository,
    TicketRow,
    TicketTally,
    TicketTimes,
)
from bot.storage.outbox import OutboxRepository, Outgoing

log = logging.getLogger(__name__)

COUNTED_EVENTS = ("reopened", "acknowledge_missed", "resolve_missed")


class FiguresUnavailable(RuntimeError):
    """The figures could not be counted now (their child process failed); said politely."""


class FigureService:
    def __init__(
        self,
        repository: FigureRepository,
        clock: Clock,
        calendar: Callable[[], WorkCalendar],
        admins: Iterable[int] = (),
        apart: Callable[[Period, dt.datetime, Depth], Awaitable[tuple[Figures, Figures]]]
        | None = None,
    ) -> None:
        self._repository = repository
        self._apart = apart  # counts in a child process (bot/services/counting.py)
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

    async def compared(
        self, period: Period, before: Depth = Depth.BESIDE
    ) -> tuple[Figures, Figures]:
        """The period's figures and, counted to ``before``'s depth, the period before's:
        in a child process where the bot serves citizens, else here."""
        await self.flush()  # the questions of the last minute count too
        now = self._clock.now()
        if self._apart is not None:
            return await self._apart(period, now, before)
        return await self.count(period, now, before)

    async def count(
        self, period: Period, now: dt.datetime, before: Depth
    ) -> tuple[Figures, Figures]:
        return (
            await self.figures(period, now, Depth.FULL),
            await self.figures(period.previous(), now, before),
        )

    async def tickets(self, period: Period) -> list[TicketRow]:
        """The tickets filed in the period, one row each, for the spreadsheet."""
        return await self._repository.tickets_filed(*self._bounds(period))

    async def figures(self, period: Period, now: dt.datetime, depth: Depth) -> Figures:
        start, end = self._bounds(period)
        repository = self._repository
        facts = [_fact(tally) for tally in await repository.ticket_tallies(start, end, now)]
        questions = QuestionFigures(await repository.questions(period.first, period.last))
        if depth == Depth.BESIDE:
            return Figures(
                period, _counted(facts, [], []), (), (), 0, 0, DossierFigures(), questions, 0, 0,
                depth,
            )  # fmt: skip
        detail = depth == Depth.FULL
        took: list[Took] = []
        if detail:
            calendar = self._calendar()
            took = [_took(times, calendar) async for times in repository.ticket_times(start, end)]
        events = await repository.ticket_events(COUNTED_EVENTS, start, end)
        # What is open and overdue now is the same for any period: counted with the one asked.
        open_now, overdue_now = await repository.open_tickets_now(now) if detail else (0, 0)
        delivered, reached = await repository.delivered(start, end, self._admins)
        return Figures(
            period=period,
            tickets=_counted(facts, took, [event.action for event in events]),
            by_department=_broken_down(facts, took, events, "department", detail),
            by_category=_broken_down(facts, took, events, "category", detail),
            open_now=open_now,
            overdue_now=overdue_now,
            dossiers=await self._dossiers(period, start, end, now if detail else None),
            questions=questions,
            people_reached=reached,
            notifications=delivered,
            depth=depth,
        )

    async def _dossiers(
        self, period: Period, start: dt.datetime, end: dt.datetime, now: dt.datetime | None
    ) -> DossierFigures:
        """``now``: also how many are overdue at that moment."""
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
            overdue_now=await repository.dossiers_overdue(now.astimezone(tz).date()) if now else 0,
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
    """What ``n`` alike tickets add to the figures."""

    department: str
    category: str
    status: Status
    n: int
    acknowledged: bool
    acknowledged_on_time: bool
    resolved: bool  # a result given
    resolved_on_time: bool
    overdue: bool  # open and past a deadline now
    rating: int | None


@dataclass(frozen=True, slots=True)
class Took:
    """How long one ticket took, in working hours on the unit's calendar."""

    department: str
    category: str
    acknowledge_hours: float
    resolve_hours: float | None


def _fact(tally: TicketTally) -> Fact:
    resolved = tally.status.has_result
    return Fact(
        department=tally.department,
        category=tally.category,
        status=tally.status,
        n=tally.n,
        acknowledged=tally.acknowledged,
        acknowledged_on_time=tally.acknowledged
        and tally.acknowledged_by_due
        and not tally.acknowledge_missed,
        resolved=resolved,
        resolved_on_time=resolved and tally.resolved_by_due and not tally.resolve_missed,
        overdue=tally.status.open and tally.past_due,
        rating=tally.rating,
    )


def _took(times: TicketTimes, calendar: WorkCalendar) -> Took:
    filed = calendar.elapsed(times.created_at)
    resolved = times.resolved_at if times.status.has_result else None
    return Took(
        department=times.department,
        category=times.category,
        acknowledge_hours=calendar.elapsed(times.acknowledged_at) - filed,
        resolve_hours=calendar.elapsed(resolved) - filed if resolved else None,
    )


def _broken_down(
    facts: list[Fact], took: list[Took], events: list[CountedEvent], by: str, detail: bool
) -> tuple[tuple[str, TicketFigures], ...]:
    """The figures per ``department`` or per ``category``, the busiest first."""
    if not detail:
        return ()
    key = attrgetter(by)
    facts_of: dict[str, list[Fact]] = defaultdict(list)
    took_of: dict[str, list[Took]] = defaultdict(list)
    actions_of: dict[str, list[str]] = defaultdict(list)
    for fact in facts:
        facts_of[key(fact)].append(fact)
    for one in took:
        took_of[key(one)].append(one)
    for event in events:
        actions_of[key(event)].append(event.action)
    counted = [
        (code, _counted(kept, took_of[code], actions_of[code])) for code, kept in facts_of.items()
    ]
    return tuple(sorted(counted, key=lambda pair: -pair[1].received))


def _counted(facts: list[Fact], took: list[Took], actions: Iterable[str]) -> TicketFigures:
    ratings: Counter[int] = Counter()
    for fact in facts:
        if fact.rating is not None:
            ratings[fact.rating] += fact.n
    done = Counter(actions)

    def how_many(which: Callable[[Fact], bool]) -> int:
        return sum(fact.n for fact in facts if which(fact))

    return TicketFigures(
        received=how_many(lambda f: True),
        acknowledged=how_many(lambda f: f.acknowledged),
        acknowledged_on_time=how_many(lambda f: f.acknowledged_on_time),
        resolved=how_many(lambda f: f.resolved),
        resolved_on_time=how_many(lambda f: f.resolved_on_time),
        rejected=how_many(lambda f: f.status == Status.REJECTED),
        withdrawn=how_many(lambda f: f.status == Status.WITHDRAWN),
        open_now=how_many(lambda f: f.status.open),
        overdue_now=how_many(lambda f: f.overdue),
        acknowledge_hours=median(t.acknowledge_hours for t in took),
        resolve_hours=median(h for t in took if (h := t.resolve_hours) is not None),
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
        try:
            counted, before = await figures.compared(period)
        except FiguresUnavailable:
            return False  # asked again in a minute
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
