"""The unit's working calendar: the clock that complaint and dossier deadlines run on.

Vietnamese law sets administrative deadlines in working days (ngày làm việc) or working hours,
not calendar days: evenings, weekends and public holidays do not count. Tết and Giỗ Tổ follow the
lunar calendar and the government fixes the exact days off every year, so the holidays come from
the unit profile (data the admin updates), never from a formula here.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterator

from bot.domain.unit import WEEKDAYS, UnitProfile

_Range = tuple[dt.time, dt.time]
_Span = tuple[dt.datetime, dt.datetime]  # [start, end) in UTC
_HOUR = dt.timedelta(hours=1)
_ORIGIN = dt.date(2000, 1, 1)  # where ``elapsed`` counts from


class WorkCalendar:
    """Working time = the profile's office hours on its working days that are not holidays.

    Arithmetic is done in UTC so that it stays right in a zone with daylight saving; every
    result is given in the calendar's time zone. Inputs must be timezone-aware.
    """

    def __init__(self, profile: UnitProfile, tz: dt.tzinfo) -> None:
        working = set(profile.working_days)
        per_weekday: list[list[_Range]] = [[] for _ in WEEKDAYS]
        for block in profile.office_hours:
            for day in block.days:
                if day in working:
                    per_weekday[WEEKDAYS.index(day)].extend((r.start, r.end) for r in block.hours)
        self._ranges = tuple(_merged(ranges) for ranges in per_weekday)
        if not any(self._ranges):
            # Without this every search for the next working moment would never end.
            raise ValueError(
                "the unit profile has no working time: none of its working_days has office_hours"
            )
        self._holidays = frozenset(profile.holidays)
        self._tz = tz
        self._before: list[float] = [0.0]  # working hours before _ORIGIN + i days
        self._day_spans: dict[dt.date, tuple[_Span, ...]] = {}

    @property
    def tz(self) -> dt.tzinfo:
        return self._tz

    def is_working_day(self, day: dt.date) -> bool:
        return bool(self._day_ranges(day))

    def is_working_time(self, at: dt.datetime) -> bool:
        moment = self._utc(at)
        day = moment.astimezone(self._tz).date()
        return any(start <= moment < end for start, end in self._spans(day))

    def next_working_time(self, at: dt.datetime) -> dt.datetime:
        """``at`` itself if it is working time, else the moment the office next opens."""
        return next(self._spans_from(self._utc(at)))[0].astimezone(self._tz)

    def add_working_hours(self, start: dt.datetime, hours: float) -> dt.datetime:
        """The moment ``hours`` of working time after ``start``.

        A deadline that runs out exactly at closing time is due then, not at the next opening.
        """
        if not math.isfinite(hours) or hours < 0:
            raise ValueError(f"hours must be a finite number of at least 0, not {hours}")
        left = dt.timedelta(hours=hours)
        moment = self._utc(start)
        if not left:
            return moment.astimezone(self._tz)
        for begin, end in self._spans_from(moment):
            if left <= end - begin:
                return (begin + left).astimezone(self._tz)
            left -= end - begin
        raise AssertionError("unreachable: the working time never ends")

    def add_working_days(self, start: dt.datetime, days: int) -> dt.datetime:
        """Closing time of the ``days``-th working day after the day ``start`` counts for.

        Something received outside working time (evening, lunch break, weekend, holiday) counts
        as received when the office next opens, so Friday 18:00 + 1 day is Tuesday at closing.
        ``days=0`` means by closing time of the day it counts for.
        """
        if days < 0:
            raise ValueError(f"days must be at least 0, not {days}")
        day = self.next_working_time(start).date()
        for _ in range(days):
            day += dt.timedelta(days=1)
            while not self.is_working_day(day):
                day += dt.timedelta(days=1)
        closing = self._day_ranges(day)[-1][1]
        return dt.datetime.combine(day, closing, tzinfo=self._tz)

    def working_hours_between(self, start: dt.datetime, end: dt.datetime) -> float:
        """Working hours from ``start`` to ``end``; negative if ``end`` comes first.

        The sign makes "working hours left until the deadline" go below zero once it is missed.
        """
        begin, finish = self._utc(start), self._utc(end)
        if finish < begin:
            return -self.working_hours_between(end, start)
        total = dt.timedelta(0)
        for span_start, span_end in self._spans_from(begin):
            if span_start >= finish:
                break
            total += min(span_end, finish) - span_start
        return total / _HOUR

    def elapsed(self, at: dt.datetime) -> float:
        """Working hours from the calendar's origin (1/1/2000) to ``at``: the difference of
        two is :meth:`working_hours_between` them, at a lookup each for thousands of tickets."""
        moment = self._utc(at)
        day = moment.astimezone(self._tz).date()
        index = (day - _ORIGIN).days
        if index < 0:
            return -self.working_hours_between(moment, self._utc(self._midnight(_ORIGIN)))
        while len(self._before) <= index:
            done = _ORIGIN + dt.timedelta(days=len(self._before) - 1)
            spent = sum((end - start for start, end in self._spans_of(done)), dt.timedelta())
            self._before.append(self._before[-1] + spent / _HOUR)
        today = sum(
            (min(end, moment) - start for start, end in self._spans(day) if start < moment),
            dt.timedelta(),
        )
        return self._before[index] + today / _HOUR

    def _midnight(self, day: dt.date) -> dt.datetime:
        return dt.datetime.combine(day, dt.time(), tzinfo=self._tz)

    def _day_ranges(self, day: dt.date) -> tuple[_Range, ...]:
        return () if day in self._holidays else self._ranges[day.weekday()]

    def _spans(self, day: dt.date) -> tuple[_Span, ...]:
        """Kept per day asked about: a quarter's figures ask about the same few dozen days
        tens of thousands of times, and a calendar lives only until the profile changes."""
        spans = self._day_spans.get(day)
        if spans is None:
            spans = self._day_spans[day] = self._spans_of(day)
        return spans

    def _spans_of(self, day: dt.date) -> tuple[_Span, ...]:
        return tuple(
            (
                dt.datetime.combine(day, start, tzinfo=self._tz).astimezone(dt.UTC),
                dt.datetime.combine(day, end, tzinfo=self._tz).astimezone(dt.UTC),
            )
            for start, end in self._day_ranges(day)
        )

    def _spans_from(self, moment: dt.datetime) -> Iterator[_Span]:
        """Working spans from ``moment`` on, the first one cut to begin at it; never ends.

        It always yields again: some weekday has office hours and the holidays are finite.
        """
        day = moment.astimezone(self._tz).date()
        while True:
            for start, end in self._spans(day):
                if end > moment:
                    yield max(start, moment), end
            day += dt.timedelta(days=1)

    @staticmethod
    def _utc(at: dt.datetime) -> dt.datetime:
        if at.utcoffset() is None:
            raise ValueError(f"expected a timezone-aware datetime, got {at.isoformat()}")
        return at.astimezone(dt.UTC)


def _merged(ranges: list[_Range]) -> tuple[_Range, ...]:
    """Sorted, with overlapping or touching ranges (from two office-hours blocks) joined."""
    out: list[_Range] = []
    for start, end in sorted(ranges):
        if out and start <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], end))
        else:
            out.append((start, end))
    return tuple(out)
