"""The web admin under ``/admin`` on the bot's HTTP server: who is here (a one-time link or
the Mini App signs in; a signed cookie keeps the session), and the pages each feature adds
(tickets, guided flows, versions), each rendered in the person's language.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Mapping
from importlib import resources
from typing import Any, Protocol

from aiohttp import web
from telegram.error import TelegramError
from yarl import URL

from bot.handlers.admin.handlers import MAX_REASONS
from bot.handlers.context import Services
from bot.handlers.groups import membership
from bot.i18n import Texts
from bot.services.sign_ins import SignedIn, SignInRefused, SignIns
from bot.services.staff import Staff
from bot.storage.sign_ins import SignInRepository
from bot.web.admin.answers import AnswerPages
from bot.web.admin.figures import FigurePages
from bot.web.admin.flows import FlowPages
from bot.web.admin.office import OfficePages
from bot.web.admin.pages import (
    PREFIX,
    BotApp,
    Visit,
    based_on,
    page,
    refusal,
    render,
)
from bot.web.admin.sessions import Sessions
from bot.web.admin.tickets import TicketPages
from bot.web.admin.versions import VersionPages
from bot.yamldoc import DocumentError, rewritten

log = logging.getLogger(__name__)

SCRIPTS = ("app.js", "preview.js")


class Feature(Protocol):
    def add_to(self, router: web.UrlDispatcher) -> None: ...


class AdminSite:
    def __init__(
        self, app: BotApp, services: Services, sign_ins: SignInRepository, token: str
    ) -> None:
        settings = services.settings
        self.app = app
        self.services = services
        self._sign_ins = SignIns(sign_ins, services.clock, token)
        self._staff = Staff(
            settings.admins,
            services.departments,
            lambda chat_id, user_id: membership(app.bot, chat_id, user_id),
            services.clock,
        )
        secure = (settings.public_url or "").startswith("https://")
        self._sessions = Sessions(token, services.clock, secure)
        self._features: list[Feature] = [
            TicketPages(self),
            FlowPages(self),
            AnswerPages(self),
            FigurePages(self),
            OfficePages(self),
            VersionPages(self),
        ]

    def add_to(self, app: web.Application) -> None:
        router = app.router
        router.add_get(PREFIX, self._home)
        router.add_get(PREFIX + "/", self._home)
        router.add_get(PREFIX + "/sign-in", self._sign_in_page)
        router.add_post(PREFIX + "/sign-in", self._sign_in)
        router.add_get(PREFIX + "/app", self._mini_app)
        router.add_get(PREFIX + "/{script:(app|preview)\\.js}", self._script)
        router.add_post(PREFIX + "/sign-out", self._sign_out)
        router.add_post(PREFIX + "/language", self._language)
        for feature in self._features:
            feature.add_to(router)

    # --- who is here ------------------------------------------------------------------------

    async def visit(self, request: web.Request) -> Visit:
        """The signed-in member of staff, or a refusal that says how to sign in."""
        session = self._sessions.read(request)
        if session is None:
            raise refusal(401, "web.signed_out", self._default_texts(request))
        texts = self.services.i18n.texts(session.language)
        member = await self._staff.who(session.user_id)
        if member is None:
            raise refusal(403, "web.not_staff", texts)
        warnings = self._set_aside(texts) if member.edits else ()
        return Visit(request, session, member, texts, self._sessions.csrf(session), warnings)

    def _set_aside(self, texts: Texts) -> tuple[tuple[str, str], ...]:
        """A file whose newest version the bot could not use: its editor builds on what it
        shows, so the admin is told before a save replaces that version."""
        documents = self.services.documents
        return tuple(
            (name, texts.plain("web.set_aside", file=name, **aside.told(texts, MAX_REASONS)))
            for name in documents.names
            if (aside := documents.set_aside(name)) is not None
        )

    async def form(self, visit: Visit) -> Mapping[str, Any]:
        """A posted form, once its CSRF token is ours for this session."""
        form = await visit.request.post()
        if not self._sessions.csrf_matches(visit.session, str(form.get("csrf", ""))):
            raise visit.refuse(403, "web.csrf")
        return form

    async def name_of(self, user_id: int) -> str:
        """How a group's note names someone acting from the web: their Telegram name."""
        try:
            chat = await self.app.bot.get_chat(user_id)
        except TelegramError:
            return str(user_id)
        return chat.full_name or str(user_id)

    async def save(self, visit: Visit, name: str, data: Any, form: Mapping[str, Any]) -> list[str]:
        """``data`` written into the editable file ``name`` (its comments kept) as a new
        version, checked as a file sent to the bot is and used at once; what is wrong with
        it, empty once saved. Raises ChangedSince if another version was saved after the
        one ``form`` was made from."""
        try:
            await self.services.documents.edit(
                name, lambda text: rewritten(text, data), visit.session.user_id, based_on(form)
            )
        except DocumentError as error:
            return visit.problems(error)
        return []

    def _default_texts(self, request: web.Request) -> Texts:
        wanted = request.headers.get("Accept-Language", "").strip().lower()
        i18n = self.services.i18n
        return i18n.texts("en" if wanted.startswith("en") else i18n.default_language)

    def moment(self, texts: Texts, at: dt.datetime) -> str:
        return texts.datetime(
            at.astimezone(self.services.settings.tz), texts.plain("format.moment")
        )

    # --- signing in and out -----------------------------------------------------------------

    async def link_for(self, user_id: int) -> str | None:
        """A one-time link for a member of staff to sign in with; None for anyone else."""
        address = self.services.settings.public_url
        if address is None or await self._staff.who(user_id) is None:
            return None
        return f"{address}{PREFIX}/sign-in?t={await self._sign_ins.link_secret(user_id)}"

    def mini_app_url(self) -> str | None:
        """Telegram opens only https:// addresses as a Mini App."""
        address = self.services.settings.public_url
        return f"{address}{PREFIX}/app" if address and address.startswith("https://") else None

    async def _signed_in(self, request: web.Request, person: SignedIn) -> web.StreamResponse:
        await self._sign_ins.forget_expired()
        member = await self._staff.who(person.user_id)
        i18n = self.services.i18n
        language = i18n.resolve(None, person.language_code)
        if member is None:
            raise refusal(403, "web.not_staff", i18n.texts(language))
        response = web.HTTPSeeOther(PREFIX + "/tickets")
        self._sessions.start(response, person.user_id, language)
        log.info("web admin: %s signed in", member.role.value)
        raise response

    async def _home(self, request: web.Request) -> web.StreamResponse:
        raise web.HTTPSeeOther(PREFIX + "/tickets")

    async def _sign_in_page(self, request: web.Request) -> web.StreamResponse:
        """The link's page asks for a press: Telegram's link previews and browsers that fetch
        links ahead would otherwise use up the one-time link before the person opens it."""
        texts = self._default_texts(request)
        secret = request.query.get("t", "")[:100]
        return page(render("sign_in.html", texts, title=texts.plain("web.title"), secret=secret))

    async def _sign_in(self, request: web.Request) -> web.StreamResponse:
        """A one-time link's secret (``t``), or the Mini App's signed data (``init_data``)."""
        texts = self._default_texts(request)
        if _from_elsewhere(request, self.services.settings.public_url):
            # Another site's form would sign the reader in as whoever's link it holds.
            log.info("web admin: sign-in posted from another site refused")
            raise refusal(403, "web.sign_in_elsewhere", texts)
        form = await request.post()
        try:
            if "t" in form:
                person = await self._sign_ins.by_link(str(form["t"]))
            else:
                person = await self._sign_ins.by_mini_app(str(form.get("init_data", "")))
        except SignInRefused as refused:
            log.info("web admin: sign-in refused (%s)", refused.refusal.value)
            raise refusal(
                403, "web.link_used" if "t" in form else "web.app_refused", texts
            ) from None
        return await self._signed_in(request, person)

    async def _mini_app(self, request: web.Request) -> web.StreamResponse:
        texts = self._default_texts(request)
        return page(render("app.html", texts, title=texts.plain("web.title")))

    async def _script(self, request: web.Request) -> web.StreamResponse:
        text = _SCRIPTS[request.match_info["script"]]
        return web.Response(
            text=text, content_type="text/javascript", headers={"Cache-Control": "max-age=3600"}
        )

    async def _sign_out(self, request: web.Request) -> web.StreamResponse:
        visit = await self.visit(request)
        await self.form(visit)
        response = page(
            render(
                "message.html",
                visit.texts,
                title=visit.texts.plain("web.title"),
                message="web.signed_out_done",
            )
        )
        self._sessions.end(response)
        return response

    async def _language(self, request: web.Request) -> web.StreamResponse:
        visit = await self.visit(request)
        form = await self.form(visit)
        language = str(form.get("language", ""))
        back = str(form.get("back", ""))
        response = web.HTTPSeeOther(back if back.startswith(PREFIX + "/") else PREFIX)
        if language in self.services.i18n.languages:
            self._sessions.with_language(response, visit.session, language)
        raise response


_SCRIPTS = {
    name: resources.files("bot.web.admin").joinpath("templates", name).read_text("utf-8")
    for name in SCRIPTS
}


def _from_elsewhere(request: web.Request, public_url: str | None) -> bool:
    """Whether the browser says a page of another site sent this request. One that says
    nothing is believed (no page an attacker sends people to runs in it); so is «null», which
    our own pages send, their referrer policy being no-referrer."""
    if request.headers.get("Sec-Fetch-Site", "same-origin") not in ("same-origin", "none"):
        return True
    origin = request.headers.get("Origin")
    ours = {request.url.host, URL(public_url or "").host}  # behind a proxy, the public name
    return origin not in (None, "null") and URL(origin).host not in ours
