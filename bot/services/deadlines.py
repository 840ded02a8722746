"""The watch over tickets' deadlines: a reminder before one, and when one passes, the
leadership told and the citizen given an apology with a new date.

Run every minute from the database alone, so a restart misses nothing; each change commits with
its messages in the outbox, like the officials' actions in :mod:`bot.services.tickets`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Protocol

from bot.domain.routing import Routing
from bot.domain.tickets import Ticket
from bot.domain.workcalendar import WorkCalendar
from bot.services.departments import DepartmentDirectory
from bot.services.views import View
from bot.storage.db import Database
from bot.storage.outbox import OutboxRepository, Outgoing
from bot.storage.tickets import TicketRepository

REMIND_AT = 0.75  # share of the time to a deadline after which the department is reminded


class DeadlineViews(Protocol):
    """What the watcher's messages say; bot/handlers/complaints/views.py renders them in our
    languages."""

    def group_note(
        self, ticket: Ticket, action: str, actor: str, note: str | None, routing: Routing
    ) -> View: ...
    def reminder(self, ticket: Ticket, which: str) -> View: ...
    def escalation(self, ticket: Ticket, which: str, routing: Routing) -> View: ...
    def apology(self, ticket: Ticket, which: str, new_due: dt.datetime) -> View: ...


class DeadlineWatcher:
    def __init__(
        self,
        db: Database,
        repository: TicketRepository,
        outbox: OutboxRepository,
        views: DeadlineViews,
        departments: DepartmentDirectory,
        calendar: Callable[[], WorkCalendar],
    ) -> None:
        self._db = db
        self._repository = repository
        self._outbox = outbox
        self._views = views
        self._departments = departments
        self._calendar = calendar
        self._clock = db.clock

    async def check(self) -> int:
        """Remind before a deadline; when one passes, tell the leadership and apologise to the
        citizen with a new date, once per deadline. Returns how many tickets were touched."""
        now = self._clock.now()
        touched = 0
        for ticket in await self._repository.open_tickets():
            for which in ("acknowledge", "resolve"):
                if await self._check(ticket, which, now):
                    touched += 1
        return touched

    async def _check(self, ticket: Ticket, which: str, now: dt.datetime) -> bool:
        """One deadline of one ticket, decided on the ticket as it is inside the transaction
        (an official may have resolved it a moment ago). A missed acknowledgement is told once;
        a missed resolution moves the date, and the new date is watched like the first."""
        departments = self._departments
        routing = departments.routing
        async with self._db.transaction() as conn:
            current = await self._repository.get_in(conn, ticket.id)
            if current is None or not current.status.open:
                return False
            if which == "acknowledge" and (
                current.acknowledged_at is not None or current.acknowledge_missed
            ):
                return False
            due: dt.datetime = getattr(current, f"{which}_due")
            if now >= due:
                extended = self._calendar().add_working_days(now, routing.apology_extension_days)
                new_due = max(current.resolve_due, extended)
                changes: dict[str, object] = {"resolve_due": new_due, "resolve_reminded": True}
                if which == "acknowledge":
                    changes["acknowledge_missed"] = True
                else:
                    changes["resolve_missed"] = True
                await self._repository.update(conn, current.id, **changes)
                await self._repository.add_event(
                    conn, current.id, now, None, f"{which}_missed", new_due.isoformat()
                )
                after = await self._repository.get_in(conn, current.id)
                assert after is not None
                items: list[Outgoing] = []
                if not after.erased:  # nobody to apologise to once they erased their data
                    apology = self._views.apology(after, which, new_due)
                    items.append(Outgoing(current.chat_id, apology.text, ref=current.ref))
                escalation = self._views.escalation(after, which, routing)
                for chat in departments.department_chats(routing.leadership):
                    items.append(Outgoing(chat, escalation.text, ref=f"escalation:{current.id}"))
                group = departments.group_of(current.department)
                if group is not None:
                    note = self._views.group_note(after, f"{which}_missed", "", None, routing)
                    items.append(Outgoing(group, note.text, ref=current.ref))
                await self._outbox.enqueue(conn, items)
                return True
            start = current.created_at
            remind_at = start + (due - start) * REMIND_AT
            group = departments.group_of(current.department)
            if now < remind_at or getattr(current, f"{which}_reminded") or group is None:
                return False
            await self._repository.update(conn, current.id, **{f"{which}_reminded": True})
            view = self._views.reminder(current, which)
            await self._outbox.enqueue(conn, [Outgoing(group, view.text, ref=current.ref)])
            return True
