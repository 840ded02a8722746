"""The web admin's pages under ``/admin`` on the bot's HTTP server: signing in (a one-time
link or the Mini App), the tickets' list and each ticket with the officials' actions.

The actions go through the same TicketService as the group's buttons, so the citizen and the
group hear exactly what they hear today, and the group's alert is brought up to date.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Mapping
from importlib import resources
from typing import Any

import jinja2
from aiohttp import web
from telegram.error import TelegramError
from telegram.ext import Application

from bot.domain.tickets import MAX_BODY, Status, Ticket, TicketFilter
from bot.handlers.alerts import refresh_alert
from bot.handlers.context import BotContext, Services
from bot.i18n import Texts
from bot.services.sign_ins import SignedIn, SignInRefused, SignIns
from bot.services.staff import Staff, StaffMember
from bot.services.tickets import Official
from bot.services.views import NotAllowed
from bot.storage.sign_ins import SignInRepository
from bot.web.admin.sessions import Session, Sessions

log = logging.getLogger(__name__)

# Pages with personal data: not kept by the browser, never framed but by Telegram Web (where
# the Mini App opens), no address leaked to a link's target, scripts only our own and Telegram's.
HEADERS = {
    "Cache-Control": "no-store",
    "Referrer-Policy": "no-referrer",
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self' https://telegram.org; "
        "style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
        "frame-ancestors 'self' https://web.telegram.org"
    ),
}
ERRORS: dict[int, type[web.HTTPException]] = {
    401: web.HTTPUnauthorized,
    403: web.HTTPForbidden,
    404: web.HTTPNotFound,
}

PREFIX = "/admin"
LISTED = 200  # tickets on one page of the list: a ward files a few a day
ACTIONS = ("accept", "transfer", "resolve", "reject", "reply")
NEEDS_NOTE = ("resolve", "reject", "reply")

_templates = jinja2.Environment(
    loader=jinja2.PackageLoader("bot.web.admin", "templates"),
    autoescape=True,
    undefined=jinja2.StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)


class AdminSite:
    def __init__(
        self,
        app: Application[Any, Any, Any, Any, Any, Any],
        services: Services,
        sign_ins: SignInRepository,
        token: str,
    ) -> None:
        settings = services.settings
        self._app = app
        self._services = services
        self._sign_ins = SignIns(sign_ins, services.clock, token)
        self._staff = Staff(settings.admins, services.departments, self._is_member)
        secure = (settings.public_url or "").startswith("https://")
        self._sessions = Sessions(token, services.clock, secure)

    def add_to(self, app: web.Application) -> None:
        router = app.router
        router.add_get(PREFIX, self._home)
        router.add_get(PREFIX + "/", self._home)
        router.add_get(PREFIX + "/sign-in", self._sign_in_by_link)
        router.add_post(PREFIX + "/sign-in", self._sign_in_by_mini_app)
        router.add_get(PREFIX + "/app", self._mini_app)
        router.add_get(PREFIX + "/app.js", self._mini_app_script)
        router.add_post(PREFIX + "/sign-out", self._sign_out)
        router.add_post(PREFIX + "/language", self._language)
        router.add_get(PREFIX + "/tickets", self._tickets)
        router.add_get(PREFIX + "/tickets/{id:\\d{1,12}}", self._ticket)
        router.add_post(PREFIX + "/tickets/{id:\\d{1,12}}", self._act)

    # --- who is here ------------------------------------------------------------------------

    async def _is_member(self, chat_id: int, user_id: int) -> bool:
        try:
            member = await self._app.bot.get_chat_member(chat_id, user_id)
        except TelegramError as error:
            log.info("membership in %s not known (%s)", chat_id, type(error).__name__)
            return False
        return member.status in ("creator", "administrator", "member")

    async def _here(self, request: web.Request) -> tuple[Session, StaffMember, Texts]:
        session = self._sessions.read(request)
        if session is None:
            raise self._page_error(request, 401, "web.signed_out")
        member = await self._staff.who(session.user_id)
        texts = self._services.i18n.texts(session.language)
        if member is None:
            raise self._page_error(request, 403, "web.not_staff", texts)
        return session, member, texts

    def _page_error(
        self, request: web.Request, status: int, key: str, texts: Texts | None = None
    ) -> web.HTTPException:
        texts = texts or self._default_texts(request)
        body = _render("message.html", texts, title=texts.plain("web.title"), message=key)
        return ERRORS[status](text=body, content_type="text/html", headers=HEADERS)

    def _default_texts(self, request: web.Request) -> Texts:
        wanted = request.headers.get("Accept-Language", "").strip().lower()
        i18n = self._services.i18n
        return i18n.texts("en" if wanted.startswith("en") else i18n.default_language)

    async def _signed_in(self, request: web.Request, person: SignedIn) -> web.StreamResponse:
        await self._sign_ins.forget_expired()
        member = await self._staff.who(person.user_id)
        i18n = self._services.i18n
        language = i18n.resolve(None, person.language_code)
        if member is None:
            raise self._page_error(request, 403, "web.not_staff", i18n.texts(language))
        response = web.HTTPSeeOther(PREFIX + "/tickets")
        self._sessions.start(response, person.user_id, language)
        log.info("web admin: %s signed in", member.role.value)
        raise response

    async def link_for(self, user_id: int) -> str | None:
        """A one-time link for a member of staff to sign in with; None for anyone else."""
        address = self._services.settings.public_url
        if address is None or await self._staff.who(user_id) is None:
            return None
        return f"{address}{PREFIX}/sign-in?t={await self._sign_ins.link_secret(user_id)}"

    def mini_app_url(self) -> str | None:
        """Telegram opens only https:// addresses as a Mini App."""
        address = self._services.settings.public_url
        return f"{address}{PREFIX}/app" if address and address.startswith("https://") else None

    # --- signing in and out -----------------------------------------------------------------

    async def _home(self, request: web.Request) -> web.StreamResponse:
        raise web.HTTPSeeOther(PREFIX + "/tickets")

    async def _sign_in_by_link(self, request: web.Request) -> web.StreamResponse:
        try:
            person = await self._sign_ins.by_link(request.query.get("t", ""))
        except SignInRefused:
            raise self._page_error(request, 403, "web.link_used") from None
        return await self._signed_in(request, person)

    async def _sign_in_by_mini_app(self, request: web.Request) -> web.StreamResponse:
        form = await request.post()
        try:
            person = await self._sign_ins.by_mini_app(str(form.get("init_data", "")))
        except SignInRefused as refused:
            log.info("web admin: Mini App sign-in refused (%s)", refused.refusal.value)
            raise self._page_error(request, 403, "web.app_refused") from None
        return await self._signed_in(request, person)

    async def _mini_app(self, request: web.Request) -> web.StreamResponse:
        texts = self._default_texts(request)
        return _page(_render("app.html", texts, title=texts.plain("web.title")))

    async def _mini_app_script(self, request: web.Request) -> web.StreamResponse:
        return web.Response(
            text=SCRIPT, content_type="text/javascript", headers={"Cache-Control": "max-age=3600"}
        )

    async def _sign_out(self, request: web.Request) -> web.StreamResponse:
        session, _, _ = await self._here(request)
        await self._check_csrf(request, session)
        texts = self._services.i18n.texts(session.language)
        response = _page(
            _render(
                "message.html", texts, title=texts.plain("web.title"), message="web.signed_out_done"
            )
        )
        self._sessions.end(response)
        return response

    async def _language(self, request: web.Request) -> web.StreamResponse:
        session, _, _ = await self._here(request)
        form = await self._check_csrf(request, session)
        language = str(form.get("language", ""))
        back = str(form.get("back", "")) or PREFIX + "/tickets"
        response = web.HTTPSeeOther(back if back.startswith(PREFIX + "/") else PREFIX)
        if language in self._services.i18n.languages:
            self._sessions.with_language(response, session, language)
        raise response

    async def _check_csrf(self, request: web.Request, session: Session) -> Mapping[str, Any]:
        form = await request.post()
        if not self._sessions.csrf_matches(session, str(form.get("csrf", ""))):
            texts = self._services.i18n.texts(session.language)
            raise self._page_error(request, 403, "web.csrf", texts)
        return form

    # --- tickets ------------------------------------------------------------------------------

    async def _tickets(self, request: web.Request) -> web.StreamResponse:
        session, member, texts = await self._here(request)
        services = self._services
        routing = services.departments.routing
        query = request.query
        status = query.get("status", "open")
        department = query.get("department") or None
        category = query.get("category") or None
        wanted = TicketFilter(
            status=Status(status) if status in set(Status) else None,
            open_only=status == "open",
            department=department,
            departments=None if member.role.value != "official" else member.departments,
            category=category,
            overdue=query.get("overdue") == "1",
            filed_from=_day(query.get("from"), services.settings.tz),
            filed_before=_day(query.get("to"), services.settings.tz, after=True),
        )
        tickets = await services.tickets.find(wanted, LISTED)
        shown = [
            d
            for d in routing.departments
            if member.role.value != "official" or d.code in member.departments
        ]
        return _page(
            _render(
                "tickets.html",
                texts,
                title=texts.plain("web.tickets.title"),
                session=session,
                csrf=self._sessions.csrf(session),
                member=member,
                tickets=[self._row(t, texts) for t in tickets],
                departments=[(d.code, d.name.get(texts.language)) for d in shown],
                categories=[(c.code, c.name.get(texts.language)) for c in routing.categories],
                statuses=[s.value for s in Status],
                chosen={
                    "status": status,
                    "department": department or "",
                    "category": category or "",
                    "overdue": query.get("overdue") == "1",
                    "from": query.get("from", ""),
                    "to": query.get("to", ""),
                },
                path=request.path_qs,
            )
        )

    def _row(self, ticket: Ticket, texts: Texts) -> dict[str, object]:
        routing = self._services.departments.routing
        category = next((c for c in routing.categories if c.code == ticket.category), None)
        department = next((d for d in routing.departments if d.code == ticket.department), None)
        tz = self._services.settings.tz
        now = self._services.clock.now()
        return {
            "id": ticket.id,
            "code": ticket.code,
            "status": texts.plain(f"ticket.status.{ticket.status.value}"),
            "open": ticket.status.open,
            "overdue": ticket.status.open
            and (
                ticket.resolve_due < now
                or (ticket.acknowledged_at is None and ticket.acknowledge_due < now)
            ),
            "category": category.name.get(texts.language) if category else ticket.category,
            "department": department.name.get(texts.language) if department else ticket.department,
            "filed": texts.datetime(ticket.created_at.astimezone(tz), texts.plain("format.moment")),
            "due": texts.datetime(ticket.resolve_due.astimezone(tz), texts.plain("format.moment")),
            "body": "" if ticket.erased else ticket.body,
        }

    async def _ticket(self, request: web.Request) -> web.StreamResponse:
        session, member, texts = await self._here(request)
        ticket = await self._visible(request, member, texts)
        return self._ticket_page(
            request, session, member, texts, ticket, await self._services.tickets.history(ticket.id)
        )

    def _ticket_page(
        self,
        request: web.Request,
        session: Session,
        member: StaffMember,
        texts: Texts,
        ticket: Ticket,
        history: list[Any],
        done: str | None = None,
        refused: str | None = None,
    ) -> web.Response:
        tz = self._services.settings.tz
        routing = self._services.departments.routing
        events = [
            {
                "at": texts.datetime(e.at.astimezone(tz), texts.plain("format.moment")),
                "what": texts.plain(f"web.event.{e.action}")
                if texts.has(f"web.event.{e.action}")
                else e.action,
                "note": e.note or "",
            }
            for e in history
        ]
        others = [
            (d.code, d.name.get(texts.language))
            for d in routing.departments
            if d.code not in (ticket.department, routing.leadership)
        ]
        return _page(
            _render(
                "ticket.html",
                texts,
                title=ticket.code,
                session=session,
                csrf=self._sessions.csrf(session),
                member=member,
                ticket=self._row(ticket, texts),
                citizen="" if ticket.erased or ticket.hide_name else ticket.citizen_name,
                phone=ticket.phone or "",
                address=ticket.address or "",
                result=ticket.result or "",
                photos=len(ticket.photos),
                events=events,
                acts=member.acts_on(ticket),
                can_take=ticket.status == Status.NEW,
                is_open=ticket.status.open,
                others=others,
                done=done,
                refused=refused,
                path=request.path_qs,
                max_note=MAX_BODY,
            )
        )

    async def _visible(self, request: web.Request, member: StaffMember, texts: Texts) -> Ticket:
        ticket = await self._services.tickets.get(int(request.match_info["id"]))
        if ticket is None or not member.sees(ticket):
            # Another department's ticket is as absent as one that does not exist.
            raise self._page_error(request, 404, "web.ticket_absent", texts)
        return ticket

    async def _act(self, request: web.Request) -> web.StreamResponse:
        session, member, texts = await self._here(request)
        form = await self._check_csrf(request, session)
        ticket = await self._visible(request, member, texts)
        if not member.acts_on(ticket):
            raise self._page_error(request, 403, "web.read_only", texts)
        action = str(form.get("action", ""))
        note = str(form.get("note", "")).strip()[:MAX_BODY]
        tickets = self._services.tickets
        group = self._services.departments.group_of(ticket.department)
        official = Official(session.user_id, await self._name(session.user_id), group or 0)
        refused = None
        try:
            if action not in ACTIONS:
                raise NotAllowed("gone")
            if action in NEEDS_NOTE and not note:
                raise _NoteMissing()
            if action == "accept":
                after = await tickets.accept(ticket.id, official)
            elif action == "transfer":
                after = await tickets.transfer(ticket.id, official, str(form.get("department", "")))
            elif action == "resolve":
                after = await tickets.resolve(ticket.id, official, note)
            elif action == "reject":
                after = await tickets.reject(ticket.id, official, note)
            else:
                after = await tickets.reply_to_citizen(ticket.id, official, note)
        except NotAllowed as error:
            refused = texts.plain(f"ticket.refused.{error.reason}")
            after = ticket
        except _NoteMissing:
            refused = texts.plain("web.note_missing")
            after = ticket
        else:
            refresh_alert(BotContext(self._app), after, group)
        done = None if refused else texts.plain(f"web.done.{action}", code=after.code)
        if refused is None and not member.sees(after):  # transferred away from an official
            raise web.HTTPSeeOther(PREFIX + "/tickets")
        page = self._ticket_page(
            request, session, member, texts, after, await tickets.history(after.id), done, refused
        )
        page.set_status(409 if refused else 200)
        return page

    async def _name(self, user_id: int) -> str:
        """How the group's note names the official: their Telegram name."""
        try:
            chat = await self._app.bot.get_chat(user_id)
        except TelegramError:
            return str(user_id)
        return chat.full_name or str(user_id)


SCRIPT = resources.files("bot.web.admin").joinpath("templates", "app.js").read_text("utf-8")


class _NoteMissing(Exception):
    pass


def _day(text: str | None, tz: dt.tzinfo, after: bool = False) -> dt.datetime | None:
    try:
        day = dt.date.fromisoformat(text or "")
    except ValueError:
        return None
    if after:
        day += dt.timedelta(days=1)
    return dt.datetime.combine(day, dt.time(), tz)


def _render(name: str, texts: Texts, **values: object) -> str:
    return _templates.get_template(name).render(t=texts.plain, language=texts.language, **values)


def _page(body: str, status: int = 200) -> web.Response:
    return web.Response(text=body, status=status, content_type="text/html", headers=HEADERS)
