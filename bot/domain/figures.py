"""What the leadership reads to see whether the ten rules are kept: counts for a period, as
Hanoi publishes them (share satisfied, on-time ratio) and the 1022 system ranks units by."""

from __future__ import annotations

import datetime as dt
import enum
import statistics
from collections.abc import Iterable
from dataclasses import dataclass, field

STARS = (1, 2, 3, 4, 5)
SATISFIED_FROM = 4  # 4 or 5 stars count as satisfied


class PeriodKind(enum.StrEnum):
    THIS_WEEK = "this_week"
    LAST_WEEK = "last_week"
    MONTH = "month"  # this calendar month so far
    LAST_MONTH = "last_month"
    QUARTER = "quarter"  # this quarter so far
    DATES = "dates"  # chosen days


class Depth(enum.IntEnum):
    """How much of a period is counted. The period before is only set beside the period
    asked for, and counting what nobody reads of it was half the wait for a quarter."""

    BESIDE = 1  # what the text sets beside: tickets received, on time, satisfied; questions
    TOTALS = 2  # the period's totals (the spreadsheet's period before): no medians, no
    # breakdown, nothing counted as of now (open, overdue), which the period asked gives
    FULL = 3


@dataclass(frozen=True, slots=True)
class Period:
    """Whole local days, ``first`` to ``last`` inclusive."""

    kind: PeriodKind
    first: dt.date
    last: dt.date

    @property
    def days(self) -> int:
        return (self.last - self.first).days + 1

    def previous(self) -> Period:
        """The period to compare with: the same days of the week before; the whole month
        before a whole month, and as many days of it as have passed of this one; likewise a
        quarter; chosen dates, as many days just before."""
        if self.kind in (PeriodKind.THIS_WEEK, PeriodKind.LAST_WEEK):
            week = dt.timedelta(days=7)
            return Period(self.kind, self.first - week, self.last - week)
        if self.kind in (PeriodKind.MONTH, PeriodKind.LAST_MONTH, PeriodKind.QUARTER):
            last = self.first - dt.timedelta(days=1)
            months = 3 if self.kind == PeriodKind.QUARTER else 1
            first = dt.date(last.year, last.month - months + 1, 1)
            if self.kind != PeriodKind.LAST_MONTH:  # "so far": as many days
                last = min(last, first + dt.timedelta(days=self.days - 1))
            return Period(self.kind, first, last)
        return Period(
            self.kind, self.first - dt.timedelta(days=self.days), self.first - dt.timedelta(days=1)
        )

    @staticmethod
    def of(kind: PeriodKind, today: dt.date) -> Period:
        monday = today - dt.timedelta(days=today.weekday())
        if kind == PeriodKind.THIS_WEEK:
            return Period(kind, monday, today)
        if kind == PeriodKind.LAST_WEEK:
            return Period(kind, monday - dt.timedelta(days=7), monday - dt.timedelta(days=1))
        if kind == PeriodKind.MONTH:
            return Period(kind, today.replace(day=1), today)
        if kind == PeriodKind.LAST_MONTH:
            last = today.replace(day=1) - dt.timedelta(days=1)
            return Period(kind, last.replace(day=1), last)
        if kind == PeriodKind.QUARTER:
            return Period(kind, dt.date(today.year, (today.month - 1) // 3 * 3 + 1, 1), today)
        raise ValueError(f"{kind} needs its dates")


def share(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def median(values: Iterable[float]) -> float | None:
    kept = list(values)
    return statistics.median(kept) if kept else None


@dataclass(frozen=True, slots=True)
class TicketFigures:
    """Complaints and questions to officials filed in a period (or a department's, or a
    category's share of them). Times are working hours on the unit's calendar."""

    received: int = 0
    acknowledged: int = 0
    acknowledged_on_time: int = 0
    resolved: int = 0  # a result given (rated or not)
    resolved_on_time: int = 0  # ... with no resolution deadline missed on the way
    rejected: int = 0
    withdrawn: int = 0
    open_now: int = 0  # of those filed in the period, still open
    overdue_now: int = 0  # ... and past their date
    acknowledge_hours: float | None = None  # median
    resolve_hours: float | None = None  # median
    ratings: tuple[int, ...] = (0, 0, 0, 0, 0)  # how many gave 1..5 stars
    reopened: int = 0
    apologies: int = 0  # deadlines missed, each told to the citizen with a new date

    @property
    def rated(self) -> int:
        return sum(self.ratings)

    @property
    def satisfied(self) -> int:
        return sum(
            n for stars, n in zip(STARS, self.ratings, strict=True) if stars >= SATISFIED_FROM
        )

    @property
    def average_rating(self) -> float | None:
        rated = self.rated
        return (
            sum(s * n for s, n in zip(STARS, self.ratings, strict=True)) / rated if rated else None
        )

    @property
    def satisfied_share(self) -> float | None:
        return share(self.satisfied, self.rated)

    @property
    def acknowledged_on_time_share(self) -> float | None:
        return share(self.acknowledged_on_time, self.acknowledged)

    @property
    def resolved_on_time_share(self) -> float | None:
        return share(self.resolved_on_time, self.resolved)


@dataclass(frozen=True, slots=True)
class DossierFigures:
    received: int = 0
    results: int = 0  # a result ready or returned in the period
    on_time: int = 0  # ... by the date first promised
    new_dates: int = 0  # a later date given after the promised one had passed (an apology)
    overdue_now: int = 0  # past their date without a result, today

    @property
    def late(self) -> int:
        return self.results - self.on_time

    @property
    def on_time_share(self) -> float | None:
        return share(self.on_time, self.results)


@dataclass(frozen=True, slots=True)
class QuestionFigures:
    """Questions typed to the bot, by how they were answered."""

    by_kind: dict[str, int] = field(default_factory=dict)  # card, faq, choices, elsewhere, nothing

    @property
    def asked(self) -> int:
        return sum(self.by_kind.values())


@dataclass(frozen=True, slots=True)
class Figures:
    """What ``depth`` leaves out is zero or empty."""

    period: Period
    tickets: TicketFigures
    by_department: tuple[tuple[str, TicketFigures], ...]  # department code, its figures
    by_category: tuple[tuple[str, TicketFigures], ...]
    open_now: int  # every open ticket today, whenever filed
    overdue_now: int
    dossiers: DossierFigures
    questions: QuestionFigures
    people_reached: int  # citizens the bot wrote to of its own accord
    notifications: int  # messages it delivered of its own accord
    depth: Depth = Depth.FULL

    @property
    def activity(self) -> bool:
        """Whether there is anything worth a report: something happened in the period, or
        something is overdue now."""
        d = self.dossiers
        return bool(
            self.tickets.received or d.received or d.results or self.questions.asked
            or self.overdue_now or d.overdue_now
        )  # fmt: skip
