"""The ward's own data at a desk: the unit's profile and its offices, the departments and the
complaint categories, and the word lists search reads (shorthand, everyday phrases). Each
form changes only what it shows and writes it into the file, comments kept, as a new version
checked as a file sent to the bot is; the bot uses it at once. Admins only."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from typing import Any

import yaml
from aiohttp import web

from bot.services.documents import ChangedSince
from bot.web.admin.pages import PREFIX, Desk, Visit, localized

BLANK_ROWS = 3  # empty rows under a table, to add to it
Form = Mapping[str, Any]


class OfficePages:
    def __init__(self, desk: Desk) -> None:
        self._desk = desk
        self._documents = desk.services.documents

    def add_to(self, router: web.UrlDispatcher) -> None:
        pages: dict[str, tuple[str, Callable[[Any, Form], None]]] = {
            "unit": ("unit.yaml", _unit_from_form),
            "departments": ("departments.yaml", _departments_from_form),
            "lexicon": ("lexicon.yaml", _lexicon_from_form),
        }
        for page, (name, change) in pages.items():
            router.add_get(f"{PREFIX}/{page}", self._shower(page, name))
            router.add_post(f"{PREFIX}/{page}", self._saver(page, name, change))

    async def _editor(self, request: web.Request) -> Visit:
        visit = await self._desk.visit(request)
        if not visit.member.edits:
            raise visit.refuse(403, "web.admins_only")
        return visit

    async def _data(self, name: str) -> dict[str, Any]:
        loaded = yaml.safe_load(await self._documents.in_use(name))
        return loaded if isinstance(loaded, dict) else {}

    def _page(
        self, visit: Visit, page: str, name: str, data: dict[str, Any], problems: list[str]
    ) -> web.Response:
        done = visit.texts.plain("web.flows.saved") if "saved" in visit.request.query else None
        return visit.page(
            f"{page}.html",
            visit.texts.plain(f"web.{page}.title"),
            status=400 if problems else 200,
            data=data,
            name=name,
            version=self._documents.version(name),
            blank=BLANK_ROWS,
            problems=problems,
            done=None if problems else done,
        )

    def _shower(self, page: str, name: str) -> Any:
        async def show(request: web.Request) -> web.StreamResponse:
            visit = await self._editor(request)
            return self._page(visit, page, name, await self._data(name), [])

        return show

    def _saver(self, page: str, name: str, change: Callable[[Any, Form], None]) -> Any:
        async def save(request: web.Request) -> web.StreamResponse:
            visit = await self._editor(request)
            form = await self._desk.form(visit)
            data = await self._data(name)
            change(data, form)
            try:
                problems = await self._desk.save(visit, name, data, form)
            except ChangedSince:  # by someone else, or in Telegram: the page as it is now
                changed = [visit.texts.plain("web.changed_since")]
                return self._page(visit, page, name, await self._data(name), changed)
            if problems:
                return self._page(visit, page, name, data, problems)
            raise web.HTTPSeeOther(f"{PREFIX}/{page}?saved")

        return save


def _text(form: Form, field: str) -> str:
    return str(form.get(field, "")).strip()


def _set(data: dict[str, Any], key: str, value: object) -> None:
    """A field the form may leave empty: then it is left out of the file."""
    if value in (None, "", []):
        data.pop(key, None)
    else:
        data[key] = value


def _number(text: str) -> float | int | str:
    """What the admin typed, as a number when it is one (the file's check says if not)."""
    try:
        return int(text)
    except ValueError:
        try:
            return float(text)
        except ValueError:
            return text


def _day(text: str) -> dt.date | str:
    """A date as the file writes one (2026-09-02, unquoted); else as typed, for the check."""
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        return text


def _unit_from_form(data: dict[str, Any], form: Form) -> None:
    data["name"] = localized(form, "name") or {"vi": ""}
    data["address"] = _text(form, "address")
    for field in ("hotline", "email", "website"):
        _set(data, field, _text(form, field))
    _set(data, "parking", localized(form, "parking"))
    days = [_day(line.strip()) for line in _text(form, "holidays").splitlines() if line.strip()]
    _set(data, "holidays", days)
    for i, office in enumerate(data.get("offices") or []):
        _set(office, "name", localized(form, f"office_{i}_name"))
        for field in ("address", "phone"):
            _set(office, field, _text(form, f"office_{i}_{field}"))
        lat, lon = _text(form, f"office_{i}_lat"), _text(form, f"office_{i}_lon")
        _set(office, "location", {"lat": _number(lat), "lon": _number(lon)} if lat or lon else None)


def _departments_from_form(data: dict[str, Any], form: Form) -> None:
    # A row whose names were cleared is removed (its code cannot be changed); the file's check
    # refuses removing a department that a category or a setting still names.
    departments = []
    had = {d.get("code") for d in data.get("departments") or []}
    for i in range(len(data.get("departments") or []) + BLANK_ROWS):
        code, name = _text(form, f"department_{i}_code"), localized(form, f"department_{i}_name")
        if (code or name) and not (name is None and code in had):
            departments.append({"code": code, "name": name or {"vi": ""}})
    data["departments"] = departments
    categories = []
    had = {c.get("code") for c in data.get("categories") or []}
    for i in range(len(data.get("categories") or []) + BLANK_ROWS):
        code, name = _text(form, f"category_{i}_code"), localized(form, f"category_{i}_name")
        if not (code or name) or (name is None and code in had):
            continue
        before: dict[str, Any] = next(
            (c for c in data.get("categories") or [] if c.get("code") == code), {}
        )
        category = {**before, "code": code, "name": name or {"vi": ""}}
        category["department"] = _text(form, f"category_{i}_department")
        for field in ("acknowledge_hours", "resolve_days"):
            _set(category, field, _number(_text(form, f"category_{i}_{field}")) or None)
        categories.append(category)
    data["categories"] = categories
    for field in ("acknowledge_hours", "resolve_days", "apology_extension_days", "reopen_days"):
        data[field] = _number(_text(form, field))


def _lexicon_from_form(data: dict[str, Any], form: Form) -> None:
    shorthand = {}
    for i in range(len(data.get("shorthand") or {}) + BLANK_ROWS):
        short, full = _text(form, f"short_{i}"), _text(form, f"full_{i}")
        if short or full:
            shorthand[short] = full
    data["shorthand"] = shorthand
    synonyms = []
    for i in range(len(data.get("synonyms") or []) + BLANK_ROWS):
        words = [w.strip() for w in _text(form, f"words_{i}").split(",") if w.strip()]
        means = _text(form, f"means_{i}")
        if words or means:
            synonyms.append({"words": words, "means": means})
    data["synonyms"] = synonyms
