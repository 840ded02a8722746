"""The People's Committee this bot serves: its name, address, hours and days off are data."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
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

from bot.domain.offices import LOCAL, OfficeKind
from bot.domain.procedure import CODE
from bot.yamldoc import invalid

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
            raise invalid("unit.time_order")
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
        raise invalid("unit.date")
    return value


Holiday = Annotated[dt.date, BeforeValidator(_date_only)]
MAP_URL = "https://www.google.com/maps/search/?api=1&query={lat},{lon}"


class Location(BaseModel):
    """Where an office is on a map, in decimal degrees (as Google Maps shows them)."""

    model_config = ConfigDict(extra="forbid")
    lat: float
    lon: float

    @field_validator("lat")
    @classmethod
    def _latitude(cls, value: float) -> float:
        if not -90 <= value <= 90:
            raise invalid("unit.latitude")
        return value

    @field_validator("lon")
    @classmethod
    def _longitude(cls, value: float) -> float:
        if not -180 <= value <= 180:
            raise invalid("unit.longitude")
        return value

    @property
    def map_url(self) -> str:
        return MAP_URL.format(lat=f"{self.lat:.6f}", lon=f"{self.lon:.6f}")


class Office(BaseModel):
    """An office of this ward that receives dossiers: the UBND's one-stop office, the ward
    police, the tax office… Hours default to the unit's office_hours; the UBND's name,
    address and phone default to the unit's own."""

    model_config = ConfigDict(extra="forbid")
    kind: OfficeKind
    name: Localized | None = None
    address: str | None = Field(default=None, min_length=1, max_length=300)
    location: Location | None = None
    hours: list[OpeningHours] | None = Field(default=None, min_length=1)
    phone: str | None = Field(default=None, max_length=40)

    @field_validator("kind", mode="before")
    @classmethod
    def _local(cls, value: object) -> object:
        local = ", ".join(k.value for k in OfficeKind if k in LOCAL)
        if value not in {k.value for k in OfficeKind}:
            raise invalid("unit.office_kind", value=value, known=local)
        if OfficeKind(str(value)) not in LOCAL:
            raise invalid("unit.office_elsewhere", value=value, known=local)
        return value

    @model_validator(mode="after")
    def _named(self) -> Office:
        if self.kind != OfficeKind.UBND:
            for name in ("name", "address"):
                if getattr(self, name) is None:
                    raise invalid("unit.office_needs", kind=self.kind.value, field=name)
        return self


@dataclass(frozen=True, slots=True)
class Place:
    """An office as a citizen is told about it, every default filled in."""

    kind: OfficeKind
    name: Localized | None  # None for the UBND: the unit's address already names it
    address: str
    hours: list[OpeningHours]
    phone: str | None
    location: Location | None


def _procedure_codes(value: object) -> object:
    """YAML reads an unquoted 1.001190 as the number 1.00119: the code would be lost."""
    if isinstance(value, dict):
        for code in value:
            if not isinstance(code, str) or not CODE.match(code):
                raise invalid("unit.code_quotes", code=code)
    return value


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
    # Where each kind of dossier is received; the UBND's one-stop office is the unit itself.
    offices: list[Office] = Field(default_factory=list)
    parking: Localized | None = None
    # The admin's corrections to who receives a procedure (code -> office kind).
    procedure_offices: Annotated[dict[str, OfficeKind], BeforeValidator(_procedure_codes)] = Field(
        default_factory=dict
    )
    # Fields no office of this ward receives (customs, maritime…) that browsing shows anyway.
    shown_fields: list[str] = Field(default_factory=list)

    @field_validator("website")
    @classmethod
    def _website_url(cls, value: str | None) -> str | None:
        if value and not value.startswith(("http://", "https://")):
            raise invalid("unit.website")
        return value

    @field_validator("working_days")
    @classmethod
    def _working_days(cls, value: list[Weekday], info: ValidationInfo) -> list[Weekday]:
        """Deadlines are counted in office hours on working days, so some must exist."""
        _no_duplicates(value)
        blocks: list[OpeningHours] = info.data.get("office_hours", [])  # absent if it was invalid
        if blocks and not {day for block in blocks for day in block.days}.intersection(value):
            raise invalid("unit.no_working_hours")
        return value

    @field_validator("holidays")
    @classmethod
    def _holidays(cls, value: list[dt.date]) -> list[dt.date]:
        return _no_duplicates(value)

    @field_validator("offices")
    @classmethod
    def _one_office_per_kind(cls, value: list[Office]) -> list[Office]:
        seen: set[OfficeKind] = set()
        for office in value:
            if office.kind in seen:
                raise invalid("unit.office_twice", kind=office.kind.value)
            seen.add(office.kind)
        return value

    @field_validator("shown_fields")
    @classmethod
    def _shown_fields(cls, value: list[str]) -> list[str]:
        return _no_duplicates(value)

    def place(self, kind: OfficeKind) -> Place | None:
        """The office of ``kind`` with its defaults; None when unit.yaml does not list it
        (the UBND is always known: it is the unit)."""
        office = next((o for o in self.offices if o.kind == kind), None)
        if office is None and kind != OfficeKind.UBND:
            return None
        ubnd = kind == OfficeKind.UBND
        return Place(
            kind=kind,
            name=office.name if office else None,
            address=(office.address if office else None) or self.address,
            hours=(office.hours if office else None) or self.office_hours,
            phone=(office.phone if office else None) or (self.hotline if ubnd else None),
            location=office.location if office else None,
        )


def _no_duplicates(value: list[_T]) -> list[_T]:
    seen: set[_T] = set()
    for item in value:
        if item in seen:
            raise invalid("twice", item=item)
        seen.add(item)
    return value
