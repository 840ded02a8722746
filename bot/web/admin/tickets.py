"""The tickets at a desk: a list with filters, and each ticket with its history and the
group's actions. The actions go through the same TicketService as the group's buttons, so the
citizen and the group hear exactly what they hear today, and the group's alert follows."""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from aiohttp import web
from telegram.error import TelegramError

from bot.domain.tickets import MAX_BODY, Status, Ticket, TicketFilter
from bot.handlers.alerts import refresh_alert
from bot.handlers.context import BotContext
from bot.services.staff import Role
from bot.services.tickets import Official
from bot.services.views import NotAllowed
from bot.ui.text import masked_name, masked_phone
from bot.web.admin.pages import HEADERS, PREFIX, Desk, Visit

log = logging.getLogger(__name__)

LISTED = 200  # tickets on one page of the list: a ward files a few a day
NEEDS_NOTE = ("resolve", "reject", "reply")
ID = "{id:\\d{1,12}}"


class TicketPages:
    def __init__(self, desk: Desk) -> None:
        self._desk = desk
        self._services = desk.services

    def add_to(self, router: web.UrlDispatcher) -> None:
        router.add_get(PREFIX + "/tickets", self._list)
        router.add_get(f"{PREFIX}/tickets/{ID}", self._one)
        router.add_post(f"{PREFIX}/tickets/{ID}", self._act)
        router.add_get(f"{PREFIX}/tickets/{ID}/photos/{{n:\\d}}", self._photo)

    async def _list(self, request: web.Request) -> web.StreamResponse:
        visit = await self._desk.visit(request)
        member, texts = visit.member, visit.texts
        routing = self._services.departments.routing
        query = request.query
        status = query.get("status", "open")
        tz = self._services.settings.tz
        wanted = TicketFilter(
            status=Status(status) if status in set(Status) else None,
            open_only=status == "open",
            department=query.get("department") or None,
            departments=None if member.sees_all else member.departments,
            category=query.get("category") or None,
            overdue=query.get("overdue") == "1",
            filed_from=_day(query.get("from"), tz),
            filed_before=_day(query.get("to"), tz, after=True),
        )
        tickets = await self._services.tickets.find(wanted, LISTED)
        shown = [d for d in routing.departments if member.sees_all or d.code in member.departments]
        language = texts.language
        return visit.page(
            "tickets.html",
            texts.plain("web.tickets.title"),
            tickets=[self._row(visit, t) for t in tickets],
            departments=[(d.code, d.name.get(language)) for d in shown],
            categories=[(c.code, c.name.get(language)) for c in routing.categories],
            statuses=[s.value for s in Status],
            chosen={
                "status": status,
                "department": wanted.department or "",
                "category": wanted.category or "",
                "overdue": wanted.overdue,
                "from": query.get("from", ""),
                "to": query.get("to", ""),
            },
        )

    def _row(self, visit: Visit, ticket: Ticket) -> dict[str, object]:
        texts = visit.texts
        routing = self._services.departments.routing
        category = next((c for c in routing.categories if c.code == ticket.category), None)
        department = next((d for d in routing.departments if d.code == ticket.department), None)
        return {
            "id": ticket.id,
            "code": ticket.code,
            "status": texts.plain(f"ticket.status.{ticket.status.value}"),
            "open": ticket.status.open,
            "overdue": ticket.overdue(self._services.clock.now()),
            "category": category.name.get(texts.language) if category else ticket.category,
            "department": department.name.get(texts.language) if department else ticket.department,
            "filed": self._desk.moment(texts, ticket.created_at),
            "due": self._desk.moment(texts, ticket.waiting_due),
            "body": "" if ticket.erased else ticket.body,
        }

    async def _one(self, request: web.Request) -> web.StreamResponse:
        visit = await self._desk.visit(request)
        return await self._page(visit, await self._visible(visit))

    async def _page(
        self, visit: Visit, ticket: Ticket, done: str | None = None, refused: str | None = None
    ) -> web.Response:
        texts = visit.texts
        routing = self._services.departments.routing
        events = [
            {
                "at": self._desk.moment(texts, e.at),
                "what": texts.plain(key) if texts.has(key := f"web.event.{e.action}") else e.action,
                "note": e.note or "",
            }
            for e in await self._services.tickets.history(ticket.id)
        ]
        others = [
            (d.code, d.name.get(texts.language))
            for d in routing.departments
            if d.code not in (ticket.department, routing.leadership)
        ]
        return visit.page(
            "ticket.html",
            ticket.code,
            status=409 if refused else 200,
            ticket=self._row(visit, ticket),
            **self._who(visit, ticket),
            address=ticket.address or "",
            result=ticket.result or "",
            photos=len(ticket.photos),
            events=events,
            acts=visit.member.acts_on(ticket),
            can_take=ticket.status == Status.NEW,
            is_open=ticket.status.open,
            others=others,
            done=done,
            refused=refused,
            max_note=MAX_BODY,
        )

    @staticmethod
    def _who(visit: Visit, ticket: Ticket) -> dict[str, str]:
        """The citizen as this person may see them: no name or phone when the citizen asked to
        stay unnamed (as in the group's alert); initials for a leader, who only reads (as in
        the export); in full for whoever may act on the ticket and may need to call."""
        if ticket.erased:
            return {"citizen": "", "phone": ""}
        if ticket.hide_name:
            return {"citizen": visit.texts.plain("ticket.hidden_name"), "phone": ""}
        if not visit.member.acts_on(ticket):
            name, phone = masked_name(ticket.citizen_name), masked_phone(ticket.phone)
            return {"citizen": name, "phone": phone or ""}
        return {"citizen": ticket.citizen_name, "phone": ticket.phone or ""}

    async def _photo(self, request: web.Request) -> web.StreamResponse:
        """A photo the citizen sent, fetched from Telegram when asked (nothing is kept here)."""
        visit = await self._desk.visit(request)
        ticket = await self._visible(visit)
        n = int(request.match_info["n"])
        if n >= len(ticket.photos):
            raise visit.refuse(404, "web.photo_absent")
        try:
            file = await self._desk.app.bot.get_file(ticket.photos[n])
            data = bytes(await file.download_as_bytearray())
        except TelegramError as error:
            log.info("photo %d of ticket %d not fetched (%s)", n, ticket.id, type(error).__name__)
            raise visit.refuse(404, "web.photo_absent") from None
        kind = "image/png" if data.startswith(b"\x89PNG") else "image/jpeg"
        return web.Response(body=data, content_type=kind, headers=HEADERS)

    async def _visible(self, visit: Visit) -> Ticket:
        ticket = await self._services.tickets.get(int(visit.request.match_info["id"]))
        if ticket is None or not visit.member.sees(ticket):
            # Another department's ticket is as absent as one that does not exist.
            raise visit.refuse(404, "web.ticket_absent")
        return ticket

    async def _act(self, request: web.Request) -> web.StreamResponse:
        visit = await self._desk.visit(request)
        form = await self._desk.form(visit)
        ticket = await self._visible(visit)
        if not visit.member.acts_on(ticket):
            raise visit.refuse(403, "web.read_only")
        action = str(form.get("action", ""))
        note = str(form.get("note", "")).strip()[:MAX_BODY]
        if action in NEEDS_NOTE and not note:
            return await self._page(visit, ticket, refused=visit.texts.plain("web.note_missing"))
        group = self._services.departments.group_of(ticket.department)
        user_id = visit.session.user_id
        anywhere = visit.member.role == Role.ADMIN
        official = Official(user_id, await self._desk.name_of(user_id), group or 0, anywhere)
        try:
            after = await self._do(action, ticket, official, note, form)
        except NotAllowed as error:
            refused = visit.texts.plain(f"ticket.refused.{error.reason}")
            return await self._page(visit, ticket, refused=refused)
        refresh_alert(BotContext(self._desk.app), after, group)
        if not visit.member.sees(after):  # an official transferred it away
            raise web.HTTPSeeOther(PREFIX + "/tickets")
        done = visit.texts.plain(f"web.done.{action}", code=after.code)
        return await self._page(visit, after, done=done)

    async def _do(
        self, action: str, ticket: Ticket, official: Official, note: str, form: Any
    ) -> Ticket:
        tickets = self._services.tickets
        if action == "accept":
            return await tickets.accept(ticket.id, official)
        if action == "transfer":
            return await tickets.transfer(ticket.id, official, str(form.get("department", "")))
        if action == "resolve":
            return await tickets.resolve(ticket.id, official, note)
        if action == "reject":
            return await tickets.reject(ticket.id, official, note)
        if action == "reply":
            return await tickets.reply_to_citizen(ticket.id, official, note)
        raise NotAllowed("gone")


def _day(text: str | None, tz: dt.tzinfo, after: bool = False) -> dt.datetime | None:
    """The start of a day the filter names (of the next, for "to"); None if it names none."""
    try:
        day = dt.date.fromisoformat(text or "") + dt.timedelta(days=1 if after else 0)
        start = dt.datetime.combine(day, dt.time(), tz)
        start.astimezone(dt.UTC)  # as it is stored: 1/1/0001 in Hà Nội is before year 1
    except (ValueError, OverflowError):  # not a day, or one at the very ends of the calendar
        return None
    return start
