"""Composed texts that several handlers show: the unit's contact card and office hours."""

from __future__ import annotations

from bot.domain.unit import WEEKDAYS, OpeningHours, UnitProfile
from bot.html import NEWLINE, Html
from bot.i18n import Texts
from bot.ui.memo import Rendered


def _day_span(texts: Texts, days: list[int]) -> str:
    """Consecutive days as a range ("Thứ Hai – Thứ Sáu"), others listed."""
    spans: list[list[int]] = []
    for day in sorted(set(days)):
        if spans and spans[-1][-1] == day - 1:
            spans[-1].append(day)
        else:
            spans.append([day])
    parts = []
    for span in spans:
        first, last = texts.weekday(span[0]), texts.weekday(span[-1])
        parts.append(
            first
            if len(span) == 1
            else f"{first} – {last}"
            if len(span) > 2
            else f"{first}, {last}"
        )
    return ", ".join(parts)


_hours: Rendered[Html] = Rendered(limit=8)


def office_hours(texts: Texts, hours: list[OpeningHours]) -> Html:
    """Shown on every card; kept per language and list (each office may have its own) until
    the profile, and with it the list, is replaced."""
    return _hours.get((texts.language, id(hours)), (hours,), lambda: _hours_of(texts, hours))


def _hours_of(texts: Texts, hours: list[OpeningHours]) -> Html:
    lines: list[Html] = []
    for block in hours:
        days = _day_span(texts, [WEEKDAYS.index(d) for d in block.days])
        ranges = ", ".join(f"{texts.time(r.start)}–{texts.time(r.end)}" for r in block.hours)
        lines.append(texts("unit.hours_line", days=days, hours=ranges))
    return NEWLINE.join(lines)


_contacts: Rendered[Html] = Rendered(limit=8)


def unit_contacts(texts: Texts, profile: UnitProfile) -> Html:
    """Address, office hours and whatever ways of reaching the office the profile has.

    Shown in most replies and changed rarely, so kept per language until the profile object
    is replaced."""
    return _contacts.get(texts.language, (profile,), lambda: _contacts_of(texts, profile))


def _contacts_of(texts: Texts, profile: UnitProfile) -> Html:
    lines = [
        texts("unit.address", address=profile.address),
        texts("unit.hours", hours=office_hours(texts, profile.office_hours)),
    ]
    if profile.hotline:
        lines.append(texts("unit.hotline", hotline=profile.hotline))
    if profile.email:
        lines.append(texts("unit.email", email=profile.email))
    if profile.website:
        lines.append(texts("unit.website", website=profile.website))
    return NEWLINE.join(lines)
