"""Complaints and questions to officials, from filing to rating (rules 4, 7, 8, 9, 10).

Every change commits once with what it must tell people: the ticket, its history and the
messages in the outbox go together, so a crash never leaves a ticket nobody was told about.
What the messages say is rendered by ``TicketViews`` (bot/ui), so this module never needs
Telegram. Where a department works is :class:`DepartmentDirectory`'s to know; the deadlines are
watched by :class:`~bot.services.deadlines.DeadlineWatcher`.
"""

from __future__ import annotations

import datetime as dt
import logging
import unicodedata
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Protocol

import aiosqlite

from bot.domain.offices import OfficeKind
from bot.domain.routing import OTHER, Category, Routing
from bot.domain.tickets import Draft, Status, Ticket, TicketEvent, TicketFilter
from bot.domain.workcalendar import WorkCalendar
from bot.html import Html
from bot.search.normalize import fold, has_marks
from bot.services.departments import DepartmentDirectory
from bot.services.views import NotAllowed, View
from bot.storage.db import Database
from bot.storage.outbox import OutboxRepository, Outgoing
from bot.storage.tickets import TicketRepository

log = logging.getLogger(__name__)


class TicketViews(Protocol):
    """What each kind of message says; bot/handlers/complaints/views.py renders them in our
    languages."""

    def alert(self, ticket: Ticket, routing: Routing, here: bool = True) -> View: ...
    def full_body(self, ticket: Ticket) -> View | None: ...
    def acknowledgement(self, ticket: Ticket, routing: Routing) -> View: ...
    def group_note(
        self, ticket: Ticket, action: str, actor: str, note: str | None, routing: Routing
    ) -> View: ...
    def citizen_update(
        self, ticket: Ticket, action: str, note: str | None, routing: Routing
    ) -> View: ...
    def unlinked(self, ticket: Ticket, routing: Routing) -> View: ...
    def topic(self, ticket: Ticket, routing: Routing) -> str: ...


@dataclass(frozen=True, slots=True)
class Official:
    user_id: int
    name: str
    chat_id: int  # the group the action came from (0: none, at the web desk)
    # An admin at the web desk may act on any ticket, a department's without a group too;
    # anyone else only from the group of the ticket's department as it is now.
    anywhere: bool = False


class TicketService:
    def __init__(
        self,
        db: Database,
        repository: TicketRepository,
        outbox: OutboxRepository,
        views: TicketViews,
        departments: DepartmentDirectory,
        calendar: Callable[[], WorkCalendar],
        admins: Sequence[int],
    ) -> None:
        self._db = db
        self._repository = repository
        self._outbox = outbox
        self._views = views
        self._departments = departments
        self._calendar = calendar
        self._admins = list(admins)
        self._clock = db.clock
        self._blocked: set[int] = set()

    async def load(self) -> None:
        self._blocked = await self._repository.blocklist()

    @property
    def _routing(self) -> Routing:
        return self._departments.routing

    # --- tickets and people ---------------------------------------------------------------

    def alert_in(self, ticket: Ticket, chat_id: int) -> View:
        """The ticket's alert as it should now read in that group (it may have moved on)."""
        here = self._departments.group_of(ticket.department) == chat_id
        return self._views.alert(ticket, self._routing, here=here)

    def is_blocked(self, user_id: int) -> bool:
        """On the admin's blocklist: barred from filing, the one thing the list stops."""
        return user_id in self._blocked

    async def set_blocked(self, user_id: int, blocked: bool, by: int) -> None:
        await self._repository.set_blocked(user_id, blocked, by)
        (self._blocked.add if blocked else self._blocked.discard)(user_id)

    async def get(self, ticket_id: int) -> Ticket | None:
        return await self._repository.get(ticket_id)

    async def of_user(self, user_id: int, limit: int = 10) -> list[Ticket]:
        """The citizen's newest tickets first."""
        return await self._repository.of_user(user_id, limit)

    async def find(self, wanted: TicketFilter, limit: int) -> list[Ticket]:
        """The newest tickets a desk's list shows; "overdue" as of now."""
        return await self._repository.find(wanted, self._clock.now(), limit)

    async def history(self, ticket_id: int) -> list[TicketEvent]:
        return await self._repository.events(ticket_id)

    async def filed_today(self, user_id: int) -> list[Ticket]:
        return await self._repository.filed_since(user_id, self._clock.now() - dt.timedelta(days=1))

    async def same_open_ticket(self, user_id: int, body: str) -> Ticket | None:
        """An open ticket of the last day with the same text: the citizen may mean to add."""
        wanted = fold(body)
        for ticket in reversed(await self.filed_today(user_id)):
            if ticket.status.open and fold(ticket.body) == wanted:
                return ticket
        return None

    # --- filing ---------------------------------------------------------------------------

    def category_for(self, draft: Draft) -> Category:
        routing = self._routing
        category = routing.category(draft.category or OTHER) or routing.category(OTHER)
        assert category is not None  # Routing guarantees "khac"
        return category

    def department_for(
        self,
        draft: Draft,
        procedure_field: str | None = None,
        procedure_office: OfficeKind | None = None,
    ) -> str:
        """The category's department; a question about a procedure goes to the department of
        the office that receives it, or of its field; "Khác" goes by keywords in the text,
        else to the default desk."""
        routing = self._routing
        department = routing.procedure_department(procedure_office, procedure_field)
        if department is not None:
            return department
        category = self.category_for(draft)
        if category.code != OTHER:
            return category.department
        # Words compare with their marks when the citizen typed marks ("ồn" is not "ơn" in
        # "cảm ơn"); folded only when they typed none.
        marked = has_marks(draft.body)
        prepare = (
            (lambda t: " ".join(unicodedata.normalize("NFC", t).lower().split()))
            if (marked)
            else fold
        )
        text = f" {prepare(draft.body)} "
        for candidate in routing.categories:
            if any(f" {prepare(k)} " in text for k in candidate.keywords if prepare(k)):
                return candidate.department
        return routing.default_department

    async def file(
        self,
        draft: Draft,
        *,
        user_id: int,
        chat_id: int,
        name: str,
        language: str,
        update_id: int | None,
        procedure_field: str | None = None,
        procedure_office: OfficeKind | None = None,
    ) -> tuple[Ticket, bool]:
        """Commit the ticket with the department's alert; (ticket, False) if this update
        already filed it. The caller answers the citizen at once (``acknowledgement``)."""
        routing = self._routing
        category = self.category_for(draft)
        department = self.department_for(draft, procedure_field, procedure_office)
        now = self._clock.now()
        calendar = self._calendar()
        ack_due = calendar.add_working_hours(now, routing.acknowledge_hours_for(category))
        resolve_due = calendar.add_working_days(now, routing.resolve_days_for(category))
        draft.category = category.code
        async with self._db.transaction() as conn:
            ticket, new = await self._repository.insert(
                conn,
                draft,
                user_id=user_id,
                chat_id=chat_id,
                department=department,
                citizen_name=name,
                language=language,
                now=now,
                acknowledge_due=ack_due,
                resolve_due=resolve_due,
                update_id=update_id,
            )
            if new:
                await self._repository.add_event(conn, ticket.id, now, user_id, "filed")
                await self._alert(conn, ticket)
        return ticket, new

    def acknowledgement(self, ticket: Ticket) -> View:
        """The answer to filing: the code, who has it, by when."""
        return self._views.acknowledgement(ticket, self._routing)

    async def acknowledge_later(self, ticket: Ticket) -> None:
        """The answer could not be sent at once: the outbox keeps trying."""
        if ticket.erased:
            return
        view = self.acknowledgement(ticket)
        item = Outgoing(ticket.chat_id, view.text, ref=ticket.ref, buttons=view.buttons)
        async with self._db.transaction() as conn:
            await self._outbox.enqueue(conn, [item])

    async def _alert(self, conn: aiosqlite.Connection, ticket: Ticket) -> None:
        """The department's alert (with photos and location), or the admins' warning that
        the department has no group yet."""
        routing = self._routing
        linked = self._departments.linked(ticket.department)
        if linked is None:
            view = self._views.unlinked(ticket, routing)
            await self._outbox.enqueue(
                conn, [Outgoing(admin, view.text, ref=ticket.ref) for admin in self._admins]
            )
            log.warning("ticket %s: department %s has no group", ticket.id, ticket.department)
            return
        chat_id, is_forum = linked
        topic = self._views.topic(ticket, routing) if is_forum else None
        alert = self._views.alert(ticket, routing)
        items = [Outgoing(chat_id, alert.text, ref=ticket.ref, topic=topic, buttons=alert.buttons)]
        full = self._views.full_body(ticket)
        if full is not None:
            items.append(Outgoing(chat_id, full.text, ref=ticket.ref))
        items += [Outgoing(chat_id, Html(""), ref=ticket.ref, photo=p) for p in ticket.photos]
        if ticket.latitude is not None and ticket.longitude is not None:
            location = (ticket.latitude, ticket.longitude)
            items.append(Outgoing(chat_id, Html(""), ref=ticket.ref, location=location))
        await self._outbox.enqueue(conn, items)

    # --- officials' actions ---------------------------------------------------------------

    async def _change(
        self,
        ticket_id: int,
        official: Official | None,
        allowed: Callable[[Ticket], str | None],
        change: Callable[[aiosqlite.Connection, Ticket, dt.datetime], Awaitable[None]],
        citizen: int | None = None,
    ) -> Ticket:
        """Check and change one ticket in one transaction; returns it as it is afterwards.
        A ``citizen`` acts on their own tickets only; anyone else's is "not found", whatever
        its state, so a guessed number reveals nothing."""
        now = self._clock.now()
        async with self._db.transaction() as conn:
            ticket = await self._repository.get_in(conn, ticket_id)
            if ticket is None or (citizen is not None and ticket.user_id != citizen):
                raise NotAllowed("gone")
            if (
                official is not None
                and not official.anywhere
                and self._departments.group_of(ticket.department) != official.chat_id
            ):
                raise NotAllowed("not_this_group")
            reason = allowed(ticket)
            if reason is not None:
                raise NotAllowed(reason)
            await change(conn, ticket, now)
            after = await self._repository.get_in(conn, ticket_id)
            assert after is not None
        return after

    async def _tell(
        self,
        conn: aiosqlite.Connection,
        ticket: Ticket,
        action: str,
        note: str | None,
        actor: str,
        photo: str | None = None,
    ) -> None:
        """The citizen hears of the change (unless they erased their data); the department's
        thread keeps a line of it."""
        routing = self._routing
        items: list[Outgoing] = []
        if not ticket.erased:
            update = self._views.citizen_update(ticket, action, note, routing)
            items.append(
                Outgoing(ticket.chat_id, update.text, ref=ticket.ref, buttons=update.buttons)
            )
            if photo:
                items.append(Outgoing(ticket.chat_id, Html(""), ref=ticket.ref, photo=photo))
        group = self._departments.group_of(ticket.department)
        if group is not None and action not in ("reply",):
            note_view = self._views.group_note(ticket, action, actor, note, self._routing)
            items.append(Outgoing(group, note_view.text, ref=ticket.ref))
        await self._outbox.enqueue(conn, items)

    async def accept(self, ticket_id: int, official: Official) -> Ticket:
        async def change(conn: aiosqlite.Connection, t: Ticket, now: dt.datetime) -> None:
            await self._repository.update(
                conn,
                t.id,
                status=Status.ACCEPTED,
                assignee_id=official.user_id,
                assignee_name=official.name,
                acknowledged_at=t.acknowledged_at or now,
            )
            await self._repository.add_event(conn, t.id, now, official.user_id, "accepted")
            after = await self._repository.get_in(conn, t.id)
            assert after is not None
            await self._tell(conn, after, "accepted", None, official.name)

        return await self._change(ticket_id, official, _must_be_new, change)

    async def transfer(self, ticket_id: int, official: Official, department: str) -> Ticket:
        if self._routing.department(department) is None or department == self._routing.leadership:
            raise NotAllowed("gone")

        async def change(conn: aiosqlite.Connection, t: Ticket, now: dt.datetime) -> None:
            if department == t.department:
                raise NotAllowed("same_department")
            old_group = self._departments.group_of(t.department)
            await self._repository.update(
                conn,
                t.id,
                department=department,
                status=Status.NEW,
                assignee_id=None,
                assignee_name=None,
            )
            await self._repository.add_event(
                conn, t.id, now, official.user_id, "transferred", department
            )
            after = await self._repository.get_in(conn, t.id)
            assert after is not None
            items = []
            if old_group is not None:
                note = self._views.group_note(
                    after, "transferred", official.name, None, self._routing
                )
                items.append(Outgoing(old_group, note.text, ref=t.ref))
            if not after.erased:
                update = self._views.citizen_update(after, "transferred", None, self._routing)
                items.append(Outgoing(t.chat_id, update.text, ref=t.ref))
            await self._outbox.enqueue(conn, items)
            await self._alert(conn, after)

        return await self._change(ticket_id, official, _must_be_open, change)

    async def resolve(
        self, ticket_id: int, official: Official, result: str, photo: str | None = None
    ) -> Ticket:
        async def change(conn: aiosqlite.Connection, t: Ticket, now: dt.datetime) -> None:
            await self._repository.update(
                conn,
                t.id,
                status=Status.RESOLVED,
                result=result,
                resolved_at=now,
                acknowledged_at=t.acknowledged_at or now,
                assignee_id=t.assignee_id or official.user_id,
                assignee_name=t.assignee_name or official.name,
            )
            await self._repository.add_event(conn, t.id, now, official.user_id, "resolved", result)
            after = await self._repository.get_in(conn, t.id)
            assert after is not None
            await self._tell(conn, after, "resolved", result, official.name, photo)

        return await self._change(ticket_id, official, _must_be_open, change)

    async def reject(self, ticket_id: int, official: Official, reason: str) -> Ticket:
        async def change(conn: aiosqlite.Connection, t: Ticket, now: dt.datetime) -> None:
            await self._repository.update(
                conn, t.id, status=Status.REJECTED, result=reason, resolved_at=now
            )
            await self._repository.add_event(conn, t.id, now, official.user_id, "rejected", reason)
            after = await self._repository.get_in(conn, t.id)
            assert after is not None
            await self._tell(conn, after, "rejected", reason, official.name)

        return await self._change(ticket_id, official, _must_be_open, change)

    async def reply_to_citizen(
        self, ticket_id: int, official: Official, text: str, photo: str | None = None
    ) -> Ticket:
        """An official's answer in the ticket's thread, relayed to the citizen."""

        async def change(conn: aiosqlite.Connection, t: Ticket, now: dt.datetime) -> None:
            await self._repository.add_event(conn, t.id, now, official.user_id, "reply", text)
            await self._tell(conn, t, "reply", text, official.name, photo)

        return await self._change(ticket_id, official, _reachable, change)

    def erasure_notes(self, ticket: Ticket) -> list[Outgoing]:
        """The department is told that an open ticket's citizen erased their data: it may
        still act on it, but no answer reaches them any more."""
        view = self._views.group_note(ticket, "erased", "", None, self._routing)
        return [
            Outgoing(chat, view.text, ref=ticket.ref)
            for chat in self._departments.department_chats(ticket.department)
        ]

    # --- the citizen's side ---------------------------------------------------------------

    async def _to_department(
        self,
        conn: aiosqlite.Connection,
        ticket: Ticket,
        action: str,
        note: str | None,
        photo: str | None = None,
    ) -> None:
        view = self._views.group_note(ticket, action, "", note, self._routing)
        items = []
        for chat in self._departments.department_chats(ticket.department):
            items.append(Outgoing(chat, view.text, ref=ticket.ref))
            if photo:
                items.append(Outgoing(chat, Html(""), ref=ticket.ref, photo=photo))
        await self._outbox.enqueue(conn, items)

    async def add_from_citizen(
        self, ticket_id: int, user_id: int, text: str, photo: str | None = None
    ) -> Ticket:
        """More information, or an answer to an official: into the department's thread."""

        async def change(conn: aiosqlite.Connection, t: Ticket, now: dt.datetime) -> None:
            await self._repository.add_event(conn, t.id, now, user_id, "citizen_added", text)
            await self._to_department(conn, t, "citizen_added", text, photo)

        return await self._change(ticket_id, None, _not_closed, change, user_id)

    async def rate(self, ticket_id: int, user_id: int, stars: int) -> Ticket:
        async def change(conn: aiosqlite.Connection, t: Ticket, now: dt.datetime) -> None:
            await self._repository.update(conn, t.id, status=Status.CLOSED, rating=stars)
            await self._repository.add_event(conn, t.id, now, user_id, "rated", str(stars))
            await self._to_department(conn, t, "rated", str(stars))

        return await self._change(ticket_id, None, _must_be_resolved, change, user_id)

    async def comment(self, ticket_id: int, user_id: int, text: str) -> Ticket:
        async def change(conn: aiosqlite.Connection, t: Ticket, now: dt.datetime) -> None:
            await self._repository.update(conn, t.id, rating_comment=text)
            await self._repository.add_event(conn, t.id, now, user_id, "commented", text)
            await self._to_department(conn, t, "commented", text)

        return await self._change(ticket_id, None, _any_state, change, user_id)

    async def reopen(self, ticket_id: int, user_id: int, reason: str) -> Ticket:
        """ "Not satisfied", and why: back to the department, which is told so."""

        async def change(conn: aiosqlite.Connection, t: Ticket, now: dt.datetime) -> None:
            status = Status.ACCEPTED if t.assignee_id else Status.NEW
            calendar = self._calendar()
            due = calendar.add_working_days(now, self._routing.apology_extension_days)
            await self._repository.update(
                conn,
                t.id,
                status=status,
                resolved_at=None,
                rating=None,
                resolve_due=due,
                resolve_reminded=True,  # counted from filing, a reminder would be due at once
                resolve_missed=False,
            )
            await self._repository.add_event(conn, t.id, now, user_id, "reopened", reason)
            after = await self._repository.get_in(conn, t.id)
            assert after is not None
            await self._tell(conn, after, "reopened", reason, t.citizen_name)

        return await self._change(ticket_id, None, self.reopen_refused, change, user_id)

    def reopen_refused(self, ticket: Ticket) -> str | None:
        """Why this ticket cannot be reopened now, if it cannot: a result is needed, and the
        citizen has ``reopen_days`` after it to find it wanting."""
        until = ticket.reopen_until(self._routing.reopen_days)
        if until is None:
            return "no_result"
        return "too_late" if self._clock.now() > until else None

    def reopen_until(self, ticket: Ticket) -> dt.datetime | None:
        return ticket.reopen_until(self._routing.reopen_days)

    async def withdraw(self, ticket_id: int, user_id: int) -> Ticket:
        """The citizen takes back an open ticket (settled by itself, sent by mistake): the
        department stops and is told; its deadlines are watched no more."""

        async def change(conn: aiosqlite.Connection, t: Ticket, now: dt.datetime) -> None:
            await self._repository.update(conn, t.id, status=Status.WITHDRAWN)
            await self._repository.add_event(conn, t.id, now, user_id, "withdrawn")
            await self._to_department(conn, t, "withdrawn", None)

        return await self._change(ticket_id, None, _must_be_open, change, user_id)

    async def own(self, ticket_id: int, user_id: int) -> Ticket | None:
        """The citizen's own ticket; None for anyone else's, which reveals nothing."""
        ticket = await self._repository.get(ticket_id)
        return ticket if ticket is not None and ticket.user_id == user_id else None


def _must_be_new(ticket: Ticket) -> str | None:
    """Taking a ticket is done once: a second press (or a colleague's, on a button the alert's
    edit has not yet removed) changes nothing and tells no one."""
    if ticket.status == Status.NEW:
        return None
    return "taken" if ticket.status.open else "closed"


def _must_be_open(ticket: Ticket) -> str | None:
    return None if ticket.status.open else "closed"


def _must_be_resolved(ticket: Ticket) -> str | None:
    return None if ticket.status == Status.RESOLVED else "not_resolved"


def _not_closed(ticket: Ticket) -> str | None:
    finished = (Status.CLOSED, Status.REJECTED, Status.WITHDRAWN)
    return None if ticket.status not in finished else "closed"


def _any_state(ticket: Ticket) -> str | None:
    return None


def _reachable(ticket: Ticket) -> str | None:
    """Words for the citizen need a citizen: one who erased their data is no longer known."""
    return "erased" if ticket.erased else None
