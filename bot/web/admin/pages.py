"""What every page of the web admin shares: the templates, the headers, who is visiting and
how a refusal is worded."""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol

import jinja2
from aiohttp import web
from telegram.ext import Application

from bot.handlers.context import Services
from bot.i18n import Texts
from bot.services.staff import StaffMember
from bot.web.admin.sessions import Session
from bot.yamldoc import DocumentError

PREFIX = "/admin"
# Pages with personal data: not kept by the browser, never framed but by Telegram Web (where
# the Mini App opens), no address leaked to a link's target, scripts only our own and Telegram's.
HEADERS = {
    "Cache-Control": "no-store",
    "Referrer-Policy": "no-referrer",
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self' https://telegram.org; "
        "style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
        "frame-ancestors 'self' https://web.telegram.org; form-action 'self'; base-uri 'none'"
    ),
}
ERRORS: dict[int, type[web.HTTPException]] = {
    401: web.HTTPUnauthorized,
    403: web.HTTPForbidden,
    404: web.HTTPNotFound,
    503: web.HTTPServiceUnavailable,
}

_templates = jinja2.Environment(
    loader=jinja2.PackageLoader("bot.web.admin", "templates"),
    autoescape=True,
    undefined=jinja2.StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
BotApp = Application[Any, Any, Any, Any, Any, Any]


def render(template: str, texts: Texts, /, **values: object) -> str:
    return _templates.get_template(template).render(
        t=texts.plain, language=texts.language, **values
    )


def page(body: str, status: int = 200) -> web.Response:
    return web.Response(text=body, status=status, content_type="text/html", headers=HEADERS)


@dataclass(frozen=True)
class Visit:
    """A signed-in member of staff's request, and what every page of theirs needs."""

    request: web.Request
    session: Session
    member: StaffMember
    texts: Texts
    csrf: str
    # For admins: each editable file whose newest version was set aside at start-up.
    warnings: tuple[tuple[str, str], ...] = ()  # (file, what to tell)

    def page(
        self, template: str, title: str, /, status: int = 200, **values: object
    ) -> web.Response:
        body = render(
            template,
            self.texts,
            title=title,
            session=self.session,
            csrf=self.csrf,
            member=self.member,
            path=self.request.path_qs,
            warnings=self.warnings,
            **values,
        )
        return page(body, status)

    def refuse(self, status: int, key: str) -> web.HTTPException:
        return refusal(status, key, self.texts)

    def problems(self, error: DocumentError) -> list[str]:
        """What a saved form got wrong, each by the field it is in (the file's lines mean
        nothing to someone who never saw the file)."""
        return [
            self.texts.plain("web.problem", where=p.field, reason=p.reason(self.texts))
            for p in error.problems
        ]


def localized(form: Mapping[str, Any], name: str) -> dict[str, str] | None:
    """A text in Vietnamese and, if given, English, from the form's ``<name>_vi`` and
    ``<name>_en``; None if both are empty."""
    vi = str(form.get(f"{name}_vi", "")).strip()
    en = str(form.get(f"{name}_en", "")).strip()
    if not vi and not en:
        return None
    return {"vi": vi, **({"en": en} if en else {})}


def based_on(form: Mapping[str, Any]) -> int | None:
    """The version of the file a form was made from (its hidden «version»): a save is refused
    if another was saved since, which it would undo unseen."""
    text = str(form.get("version", ""))
    return int(text) if text.isdigit() and len(text) < 10 else None


def refusal(status: int, key: str, texts: Texts) -> web.HTTPException:
    """A page that says, in the person's language, why they got no further."""
    body = render("message.html", texts, title=texts.plain("web.title"), message=key)
    return ERRORS[status](text=body, content_type="text/html", headers=HEADERS)


class Desk(Protocol):
    """What a feature's pages ask of the site."""

    app: BotApp
    services: Services

    async def visit(self, request: web.Request) -> Visit: ...

    async def form(self, visit: Visit) -> Mapping[str, Any]: ...

    async def name_of(self, user_id: int) -> str: ...

    async def save(
        self, visit: Visit, name: str, data: Any, form: Mapping[str, Any]
    ) -> list[str]: ...

    def moment(self, texts: Texts, at: dt.datetime) -> str: ...
