"""SQL for tickets, their history and the admin's blocklist.

Writes take the caller's transaction connection: the service decides what commits together
(a ticket, its first event and its alert in the outbox, say)."""

from __future__ import annotations

import datetime as dt
import json

import aiosqlite

from bot.domain.tickets import Draft, Status, Ticket, TicketEvent, TicketFilter
from bot.storage.db import Database

_COLUMNS = (
    "id, kind, user_id, chat_id, category, department, status, body, photos, latitude, "
    "longitude, address, phone, hide_name, citizen_name, language, procedure_code, created_at, "
    "acknowledge_due, resolve_due, acknowledged_at, resolved_at, assignee_id, assignee_name, "
    "result, rating, acknowledge_reminded, acknowledge_missed, resolve_reminded, resolve_missed"
)
# What a service may change on a ticket after filing.
_UPDATABLE = {
    "department",
    "status",
    "acknowledge_due",
    "resolve_due",
    "acknowledged_at",
    "resolved_at",
    "assignee_id",
    "assignee_name",
    "result",
    "rating",
    "rating_comment",
    "acknowledge_reminded",
    "acknowledge_missed",
    "resolve_reminded",
    "resolve_missed",
}


# Past a deadline now: taking the ticket up, or resolving it (only open tickets can be).
PAST_DUE = "(t.resolve_due < :now OR (t.acknowledged_at IS NULL AND t.acknowledge_due < :now))"
OPEN = "t.status IN ({})".format(", ".join(f"'{s.value}'" for s in Status if s.open))


def _time(value: str | None) -> dt.datetime | None:
    return dt.datetime.fromisoformat(value) if value else None


def _stored(value: object) -> object:
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).isoformat()
    if isinstance(value, Status):
        return value.value
    if isinstance(value, bool):
        return int(value)
    return value


def _ticket(row: aiosqlite.Row) -> Ticket:
    created, ack_due, resolve_due = (
        _time(row[name]) for name in ("created_at", "acknowledge_due", "resolve_due")
    )
    assert created is not None and ack_due is not None and resolve_due is not None
    return Ticket(
        id=row["id"],
        kind=row["kind"],
        user_id=row["user_id"],
        chat_id=row["chat_id"],
        category=row["category"],
        department=row["department"],
        status=Status(row["status"]),
        body=row["body"],
        photos=tuple(json.loads(row["photos"])),
        latitude=row["latitude"],
        longitude=row["longitude"],
        address=row["address"],
        phone=row["phone"],
        hide_name=bool(row["hide_name"]),
        citizen_name=row["citizen_name"],
        language=row["language"],
        procedure_code=row["procedure_code"],
        created_at=created,
        acknowledge_due=ack_due,
        resolve_due=resolve_due,
        acknowledged_at=_time(row["acknowledged_at"]),
        resolved_at=_time(row["resolved_at"]),
        assignee_id=row["assignee_id"],
        assignee_name=row["assignee_name"],
        result=row["result"],
        rating=row["rating"],
        acknowledge_reminded=bool(row["acknowledge_reminded"]),
        acknowledge_missed=bool(row["acknowledge_missed"]),
        resolve_reminded=bool(row["resolve_reminded"]),
        resolve_missed=bool(row["resolve_missed"]),
    )


class TicketRepository:
    def __init__(self, db: Database) -> None:
        self._db = db

    # --- writes, inside the caller's transaction ------------------------------------------

    @staticmethod
    async def insert(
        conn: aiosqlite.Connection,
        draft: Draft,
        *,
        user_id: int,
        chat_id: int,
        department: str,
        citizen_name: str,
        language: str,
        now: dt.datetime,
        acknowledge_due: dt.datetime,
        resolve_due: dt.datetime,
        update_id: int | None,
    ) -> tuple[Ticket, bool]:
        """(the ticket, whether it is new): the same update filing twice finds the first."""
        rows = await conn.execute_fetchall(
            "INSERT INTO tickets (kind, user_id, chat_id, category, department, status, body, "
            "photos, latitude, longitude, address, phone, hide_name, citizen_name, language, "
            "procedure_code, created_at, acknowledge_due, resolve_due, update_id) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
            f"ON CONFLICT (update_id) DO NOTHING RETURNING {_COLUMNS}",
            (
                draft.kind,
                user_id,
                chat_id,
                draft.category,
                department,
                Status.NEW.value,
                draft.body,
                json.dumps(draft.photos),
                draft.latitude,
                draft.longitude,
                draft.address,
                draft.phone,
                int(draft.hide_name),
                citizen_name,
                language,
                draft.procedure_code,
                _stored(now),
                _stored(acknowledge_due),
                _stored(resolve_due),
                update_id,
            ),
        )
        for row in rows:
            return _ticket(row), True
        found = await conn.execute_fetchall(
            f"SELECT {_COLUMNS} FROM tickets WHERE update_id = ?", (update_id,)
        )
        return _ticket(next(iter(found))), False

    @staticmethod
    async def update(conn: aiosqlite.Connection, ticket_id: int, **changes: object) -> None:
        unknown = set(changes) - _UPDATABLE
        if unknown:
            raise ValueError(f"not updatable: {sorted(unknown)}")
        assignments = ", ".join(f"{name} = ?" for name in changes)
        await conn.execute(
            f"UPDATE tickets SET {assignments} WHERE id = ?",
            (*(_stored(v) for v in changes.values()), ticket_id),
        )

    @staticmethod
    async def add_event(
        conn: aiosqlite.Connection,
        ticket_id: int,
        at: dt.datetime,
        actor_id: int | None,
        action: str,
        note: str | None = None,
    ) -> None:
        await conn.execute(
            "INSERT INTO ticket_events (ticket_id, at, actor_id, action, note) "
            "VALUES (?, ?, ?, ?, ?)",
            (ticket_id, _stored(at), actor_id, action, note),
        )

    @staticmethod
    async def get_in(conn: aiosqlite.Connection, ticket_id: int) -> Ticket | None:
        """Read inside a transaction, to decide on the state the change will be made to."""
        rows = await conn.execute_fetchall(
            f"SELECT {_COLUMNS} FROM tickets WHERE id = ?", (ticket_id,)
        )
        return next((_ticket(row) for row in rows), None)

    # --- reads ----------------------------------------------------------------------------

    async def get(self, ticket_id: int) -> Ticket | None:
        row = await self._db.fetchone(f"SELECT {_COLUMNS} FROM tickets WHERE id = ?", (ticket_id,))
        return _ticket(row) if row else None

    async def of_user(self, user_id: int, limit: int = 10) -> list[Ticket]:
        rows = await self._db.fetchall(
            f"SELECT {_COLUMNS} FROM tickets WHERE user_id = ? ORDER BY id DESC LIMIT ?",
            (user_id, limit),
        )
        return [_ticket(r) for r in rows]

    async def open_tickets(self) -> list[Ticket]:
        rows = await self._db.fetchall(
            f"SELECT {_COLUMNS} FROM tickets WHERE status IN ('new', 'accepted') ORDER BY id"
        )
        return [_ticket(r) for r in rows]

    async def find(self, wanted: TicketFilter, now: dt.datetime, limit: int) -> list[Ticket]:
        """The newest tickets that ``wanted`` lets through, at most ``limit``."""
        where, params = ["1"], {"now": _stored(now), "limit": limit}
        if wanted.status is not None:
            where.append("status = :status")
            params["status"] = wanted.status.value
        if wanted.open_only or wanted.overdue:
            where.append(OPEN)
        if wanted.overdue:
            where.append(PAST_DUE)
        if wanted.department is not None:
            where.append("department = :department")
            params["department"] = wanted.department
        if wanted.departments is not None:
            names = [f":d{i}" for i in range(len(wanted.departments))]
            where.append(f"department IN ({', '.join(names) or 'NULL'})")
            params.update(zip((n[1:] for n in names), sorted(wanted.departments), strict=True))
        if wanted.category is not None:
            where.append("category = :category")
            params["category"] = wanted.category
        if wanted.filed_from is not None:
            where.append("created_at >= :filed_from")
            params["filed_from"] = _stored(wanted.filed_from)
        if wanted.filed_before is not None:
            where.append("created_at < :filed_before")
            params["filed_before"] = _stored(wanted.filed_before)
        rows = await self._db.fetchall(
            f"SELECT {_COLUMNS} FROM tickets t WHERE {' AND '.join(where)} "
            "ORDER BY id DESC LIMIT :limit",
            params,
        )
        return [_ticket(r) for r in rows]

    async def filed_since(self, user_id: int, since: dt.datetime) -> list[Ticket]:
        rows = await self._db.fetchall(
            f"SELECT {_COLUMNS} FROM tickets WHERE user_id = ? AND created_at >= ? ORDER BY id",
            (user_id, _stored(since)),
        )
        return [_ticket(r) for r in rows]

    async def events(self, ticket_id: int) -> list[TicketEvent]:
        rows = await self._db.fetchall(
            "SELECT at, actor_id, action, note FROM ticket_events WHERE ticket_id = ? ORDER BY id",
            (ticket_id,),
        )
        return [
            TicketEvent(
                at=dt.datetime.fromisoformat(r["at"]),
                actor_id=r["actor_id"],
                action=r["action"],
                note=r["note"],
            )
            for r in rows
        ]

    # --- the blocklist --------------------------------------------------------------------

    async def set_blocked(self, user_id: int, blocked: bool, by: int) -> None:
        if blocked:
            await self._db.write(
                "INSERT OR IGNORE INTO blocklist (user_id, added_by, added_at) VALUES (?, ?, ?)",
                (user_id, by, self._db.clock.stamp()),
            )
        else:
            await self._db.write("DELETE FROM blocklist WHERE user_id = ?", (user_id,))

    async def blocklist(self) -> set[int]:
        rows = await self._db.fetchall("SELECT user_id FROM blocklist")
        return {int(r["user_id"]) for r in rows}
