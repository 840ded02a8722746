"""The People's Committee this bot serves: its name, address and office hours are data."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

Weekday = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
WEEKDAYS: tuple[Weekday, ...] = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


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


class UnitProfile(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: Localized
    address: str = Field(min_length=1, max_length=300)
    office_hours: list[OpeningHours] = Field(min_length=1)
    hotline: str | None = Field(default=None, max_length=40)
    email: str | None = Field(default=None, max_length=120)
    website: str | None = Field(default=None, max_length=200)

    @field_validator("website")
    @classmethod
    def _website_url(cls, value: str | None) -> str | None:
        if value and not value.startswith(("http://", "https://")):
            raise ValueError("must start with http:// or https://")
        return value
