"""Deadlines run on the unit's working calendar: office hours, Monday to Friday, minus holidays."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

import bot
from bot.domain.unit import UnitProfile
from bot.domain.workcalendar import WorkCalendar
from bot.yamldoc import DocumentError, parse_document
from tests.texts import ENGLISH

HANOI = ZoneInfo("Asia/Ho_Chi_Minh")
SHIPPED = Path(bot.__file__).parent / "data" / "unit.yaml"

# The shape every unit.yaml had before working days and holidays existed.
OLD_SHAPE = """\
name:
  vi: UBND xã Minh Phú
address: Xóm 1, xã Minh Phú
office_hours:
  - days: [mon, tue, wed, thu, fri]
    hours: ["07:30-11:30", "13:30-17:00"]
  - days: [sat]
    hours: ["07:30-11:30"]
hotline: "0240 000 000"
"""


def at(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, tzinfo=HANOI)


def profile(extra: str = "") -> UnitProfile:
    return parse_document(OLD_SHAPE + extra, UnitProfile, "unit.yaml")


@pytest.fixture
def shipped() -> WorkCalendar:
    text = SHIPPED.read_text(encoding="utf-8")
    return WorkCalendar(parse_document(text, UnitProfile, "unit.yaml"), HANOI)


def test_friday_afternoon_complaint_runs_over_the_weekend(shipped: WorkCalendar) -> None:
    friday = at(2026, 3, 6, 16, 30)
    # Half an hour on Friday, none on Saturday-morning reception, 7.5 hours on Monday.
    assert shipped.add_working_hours(friday, 8) == at(2026, 3, 9, 17, 0)
    assert shipped.add_working_hours(friday, 9) == at(2026, 3, 10, 8, 30)
    assert not shipped.is_working_time(at(2026, 3, 7, 9, 0))


def test_lunch_break_does_not_count(shipped: WorkCalendar) -> None:
    assert shipped.add_working_hours(at(2026, 3, 9, 11, 0), 1) == at(2026, 3, 9, 14, 0)
    assert not shipped.is_working_time(at(2026, 3, 9, 12, 0))
    assert shipped.is_working_time(at(2026, 3, 9, 13, 30))
    assert not shipped.is_working_time(at(2026, 3, 9, 17, 0))


def test_reunification_day_and_labour_day_are_skipped(shipped: WorkCalendar) -> None:
    wednesday = at(2026, 4, 29, 16, 0)
    assert shipped.add_working_hours(wednesday, 2) == at(2026, 5, 4, 8, 30)
    assert shipped.add_working_days(wednesday, 1) == at(2026, 5, 4, 17, 0)
    assert not shipped.is_working_time(at(2026, 4, 30, 9, 0))


def test_tet_holiday_pauses_the_deadline(shipped: WorkCalendar) -> None:
    # Filed the last morning before Tết 2026 (14–22 February): three working days end on Wednesday.
    before_tet = at(2026, 2, 13, 9, 0)
    assert shipped.add_working_days(before_tet, 3) == at(2026, 2, 25, 17, 0)
    assert shipped.add_working_hours(at(2026, 2, 13, 16, 0), 2) == at(2026, 2, 23, 8, 30)
    assert shipped.working_hours_between(at(2026, 2, 14), at(2026, 2, 23)) == 0


def test_shipped_profile_knows_compensatory_days_and_tet_2027(shipped: WorkCalendar) -> None:
    assert not shipped.is_working_day(dt.date(2026, 4, 27))  # Giỗ Tổ fell on a Sunday
    assert not shipped.is_working_day(dt.date(2027, 2, 8))  # Tết Đinh Mùi
    assert shipped.is_working_day(dt.date(2027, 2, 11))


def test_start_outside_office_hours_counts_from_the_next_opening(shipped: WorkCalendar) -> None:
    saturday = at(2026, 3, 7, 9, 0)
    assert shipped.next_working_time(saturday) == at(2026, 3, 9, 7, 30)
    assert shipped.add_working_hours(saturday, 1) == at(2026, 3, 9, 8, 30)
    # Received Saturday or Friday evening: it counts as received Monday, so one day is Tuesday.
    assert shipped.add_working_days(saturday, 1) == at(2026, 3, 10, 17, 0)
    assert shipped.add_working_days(at(2026, 3, 6, 18, 0), 1) == at(2026, 3, 10, 17, 0)
    # Received Friday before closing: Friday is day zero.
    assert shipped.add_working_days(at(2026, 3, 6, 16, 59), 1) == at(2026, 3, 9, 17, 0)
    assert shipped.add_working_days(at(2026, 3, 9, 6, 0), 0) == at(2026, 3, 9, 17, 0)


def test_days_count_whole_days_hours_count_hours(shipped: WorkCalendar) -> None:
    monday = at(2026, 3, 9, 8, 0)
    assert shipped.add_working_days(monday, 2) == at(2026, 3, 11, 17, 0)
    # 7 hours left on Monday, 7.5 on Tuesday, so 16 hours end at 09:00 on Wednesday.
    assert shipped.add_working_hours(monday, 16) == at(2026, 3, 11, 9, 0)


@pytest.mark.parametrize(
    "start",
    [at(2026, 3, 6, 16, 30), at(2026, 3, 7, 10, 0), at(2026, 4, 29, 12, 15), at(2026, 2, 12, 7)],
)
@pytest.mark.parametrize("hours", [0, 0.25, 1, 4, 7.5, 8, 40, 123.4])
def test_hours_between_agrees_with_adding_hours(
    shipped: WorkCalendar, start: dt.datetime, hours: float
) -> None:
    due = shipped.add_working_hours(start, hours)
    assert shipped.working_hours_between(start, due) == pytest.approx(hours)
    assert shipped.working_hours_between(due, start) == pytest.approx(-hours)


def test_hours_left_turn_negative_once_a_deadline_is_missed(shipped: WorkCalendar) -> None:
    due = at(2026, 3, 9, 17, 0)
    assert shipped.working_hours_between(at(2026, 3, 6, 16, 30), due) == 8
    assert shipped.working_hours_between(at(2026, 3, 10, 9, 0), due) == -1.5


def test_results_are_in_the_calendar_time_zone(shipped: WorkCalendar) -> None:
    friday_utc = dt.datetime(2026, 3, 6, 9, 30, tzinfo=dt.UTC)  # 16:30 in Hà Nội
    due = shipped.add_working_hours(friday_utc, 8)
    assert due == at(2026, 3, 9, 17, 0)
    assert due.tzinfo is HANOI
    with pytest.raises(ValueError, match="timezone-aware"):
        shipped.add_working_hours(dt.datetime(2026, 3, 6, 16, 30), 8)


def test_negative_amounts_are_refused(shipped: WorkCalendar) -> None:
    with pytest.raises(ValueError, match="hours"):
        shipped.add_working_hours(at(2026, 3, 9, 8), -1)
    with pytest.raises(ValueError, match="hours"):
        shipped.add_working_hours(at(2026, 3, 9, 8), float("inf"))
    with pytest.raises(ValueError, match="days"):
        shipped.add_working_days(at(2026, 3, 9, 8), -1)


def test_old_profile_without_calendar_fields_still_loads() -> None:
    old = profile()
    assert old.working_days == ["mon", "tue", "wed", "thu", "fri"]
    assert old.holidays == []
    calendar = WorkCalendar(old, HANOI)
    assert calendar.add_working_days(at(2026, 4, 29, 10, 0), 1) == at(2026, 4, 30, 17, 0)


def test_bad_holiday_is_refused_naming_the_field() -> None:
    with pytest.raises(DocumentError) as info:
        profile('holidays:\n  - 2026-01-01\n  - "2026-02-30"\n')
    assert any(line.startswith("unit.yaml:12: holidays.1: ") for line in info.value.lines(ENGLISH))

    with pytest.raises(DocumentError) as info:
        profile("holidays: [2026-04-30, 2026-05-01, 2026-04-30]\n")
    assert "unit.yaml:10: holidays: 2026-04-30 is listed twice" in info.value.lines(ENGLISH)

    with pytest.raises(DocumentError) as info:
        profile("holidays: [20260101]\n")
    assert "unit.yaml:10: holidays.0: expected a date written as YYYY-MM-DD" in info.value.lines(
        ENGLISH
    )


def test_profile_without_working_time_is_refused() -> None:
    with pytest.raises(DocumentError) as info:
        profile("working_days: [sun]\n")
    assert any(
        line.startswith("unit.yaml:10: working_days: none") for line in info.value.lines(ENGLISH)
    )
    with pytest.raises(DocumentError) as info:
        profile("working_days: [mon, someday]\n")
    assert any(
        "working_days.1: must be one of: 'mon'" in line for line in info.value.lines(ENGLISH)
    )

    # The calendar guards itself too, e.g. against a profile built without validation.
    closed = profile().model_copy(update={"working_days": ["sun"]})
    with pytest.raises(ValueError, match="no working time"):
        WorkCalendar(closed, HANOI)
