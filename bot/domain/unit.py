"""The People's Committee this bot serves: its name, address, hours and days off are data."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal, TypeVar

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationInfo,
    field_validator,
    model_validator,
)

Weekday = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
WEEKDAYS: tuple[Weekday, ...] = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_T = TypeVar("_T")


class Localized(BaseModel):
    """A text given per language; Vietnamese is required, English falls back to it."""

    model_config = ConfigDict(extra="forbid")
    vi: str = Field(min_length=1, max_length=200)
    en: str | None = Field(default=None, max_length=200)

    def get(self, language: str) -> str:
        return (self.en if language == "en" else None) or self.vi


class TimeRange(BaseModel):
    model_config = ConfigDict(extra="forbid")
    start: dt.time
    end: dt.time

    @model_validator(mode="after")
    def _ordered(self) -> TimeRange:
        if self.end <= self.start:
            raise ValueError("end must be after start")
        return self


class OpeningHours(BaseModel):
    model_config = ConfigDict(extra="forbid")
    days: list[Weekday] = Field(min_length=1)
    hours: list[TimeRange] = Field(min_length=1)

    @field_validator("hours", mode="before")
    @classmethod
    def _parse_ranges(cls, value: object) -> object:
        """Accept "07:30-11:30" as well as {start, end}."""
        if isinstance(value, list):
            out: list[object] = []
            for item in value:
                if isinstance(item, str) and "-" in item:
                    start, _, end = item.partition("-")
                    out.append({"start": start.strip(), "end": end.strip()})
                else:
                    out.append(item)
            return out
        return value


def _date_only(value: object) -> object:
    """Refuse numbers: pydantic would read 20260101 as seconds since 1970, not as a date."""
    if isinstance(value, bool | int | float):
        raise ValueError("expected a date written as YYYY-MM-DD")
    return value


Holiday = Annotated[dt.date, BeforeValidator(_date_only)]


class UnitProfile(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: Localized
    address: str = Field(min_length=1, max_length=300)
    office_hours: list[OpeningHours] = Field(min_length=1)
    hotline: str | None = Field(default=None, max_length=40)
    email: str | None = Field(default=None, max_length=120)
    website: str | None = Field(default=None, max_length=200)
    # Legal deadlines count working days (Monday to Friday for state offices), not every day the
    # office is open: a Saturday-morning reception does not make Saturday a working day.
    working_days: list[Weekday] = Field(
        default_factory=lambda: list(WEEKDAYS[:5]), validate_default=True
    )
    # Days off for public offices; Tết and Giỗ Tổ follow the lunar calendar and the government
    # sets the exact days each year, so they are data the admin updates, never computed here.
    holidays: list[Holiday] = Field(default_factory=list)

    @field_validator("website")
    @classmethod
    def _website_url(cls, value: str | None) -> str | None:
        if value and not value.startswith(("http://", "https://")):
            raise ValueError("must start with http:// or https://")
        return value

    @field_validator("working_days")
    @classmethod
    def _working_days(cls, value: list[Weekday], info: ValidationInfo) -> list[Weekday]:
        """Deadlines are counted in office hours on working days, so some must exist."""
        _no_duplicates(value)
        blocks: list[OpeningHours] = info.data.get("office_hours", [])  # absent if it was invalid
        if blocks and not {day for block in blocks for day in block.days}.intersection(value):
            raise ValueError("none of these days has office_hours, so no deadline could be counted")
        return value

    @field_validator("holidays")
    @classmethod
    def _holidays(cls, value: list[dt.date]) -> list[dt.date]:
        return _no_duplicates(value)


def _no_duplicates(value: list[_T]) -> list[_T]:
    seen: set[_T] = set()
    for item in value:
        if item in seen:
            raise ValueError(f"{item} is listed twice")
        seen.add(item)
    return value
