"""SQL for personal data (Decree 13/2023/NĐ-CP): consent to the notice, what a person's data
is, erasing it, and the purge of phones, photos and places of long-closed tickets.

Erasing takes the caller's transaction connection: the service commits it whole, with the
notes it leaves the departments."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import aiosqlite

from bot.domain.privacy import Consent, Erased, Holdings
from bot.domain.tickets import NOBODY, Status
from bot.storage.db import Database

_OPEN = tuple(s.value for s in Status if s.open)
_FINISHED = tuple(s.value for s in Status if not s.open)  # resolved, rejected, closed, withdrawn
# Must read as the tickets_personal index's condition (0013_personal_data.sql) for SQLite to
# use it: the purge then looks only at tickets that still hold something.
_HOLDS_PERSONAL = (
    "(phone IS NOT NULL OR photos != '[]' OR latitude IS NOT NULL OR address IS NOT NULL)"
)


def _iso(moment: dt.datetime) -> str:
    """As tickets and their events store their times (bot/storage/tickets.py)."""
    return moment.astimezone(dt.UTC).isoformat()


def _each(values: list[Any]) -> str:
    """A list for ``IN (SELECT value FROM json_each(?))``: one parameter, any length."""
    return json.dumps(values)


class PrivacyRepository:
    def __init__(self, db: Database) -> None:
        self._db = db

    # --- consent -------------------------------------------------------------------------

    async def consent(self, user_id: int) -> Consent | None:
        row = await self._db.fetchone(
            "SELECT consent_version, consent_at FROM users WHERE user_id = ?", (user_id,)
        )
        if row is None or row["consent_version"] is None or not row["consent_at"]:
            return None
        at = dt.datetime.fromisoformat(str(row["consent_at"]).replace("Z", "+00:00"))
        return Consent(int(row["consent_version"]), at)

    async def record_consent(self, user_id: int, version: int) -> None:
        now = self._db.clock.stamp()
        await self._db.write(
            "INSERT INTO users (user_id, consent_version, consent_at, created_at, last_seen_at) "
            "VALUES (?, ?, ?, ?, ?) ON CONFLICT (user_id) DO UPDATE SET "
            "consent_version = excluded.consent_version, consent_at = excluded.consent_at",
            (user_id, version, now, now, now),
        )

    # --- erasing -------------------------------------------------------------------------

    async def holdings(self, user_id: int) -> Holdings:
        marks = ", ".join("?" * len(_OPEN))
        row = await self._db.fetchone(
            f"SELECT COUNT(*) AS n, COALESCE(SUM(status IN ({marks})), 0) AS open "
            "FROM tickets WHERE user_id = ?",
            (*_OPEN, user_id),
        )
        follows = await self._db.fetchone(
            "SELECT COUNT(*) AS n FROM dossier_followers WHERE user_id = ?", (user_id,)
        )
        return Holdings(
            tickets=int(row["n"]) if row else 0,
            open_tickets=int(row["open"]) if row else 0,
            follows=int(follows["n"]) if follows else 0,
        )

    @staticmethod
    async def erase(conn: aiosqlite.Connection, user_id: int) -> Erased:
        """Everything that names the person, in the caller's transaction. Their tickets stay
        for the figures, nobody's (``NOBODY``) and without what identifies them: name, phone,
        photos, place, and every word they wrote (the description, additions, comments,
        reasons), which is where people say who and where they are. Their settings, consent,
        follows and conversation go; so do the messages queued for them and every message
        kept about their tickets. Events keep what happened and when, not who did it."""
        rows = list(
            await conn.execute_fetchall(
                "SELECT id, status, chat_id FROM tickets WHERE user_id = ?", (user_id,)
            )
        )
        ids = [int(r["id"]) for r in rows]
        open_ids = [int(r["id"]) for r in rows if r["status"] in _OPEN]
        chats = sorted({user_id, *(int(r["chat_id"]) for r in rows)})
        refs = [f"ticket:{i}" for i in ids] + [f"escalation:{i}" for i in ids]
        await conn.execute(
            "UPDATE ticket_events SET actor_id = NULL, "
            "note = CASE WHEN action = 'rated' THEN note END "  # the stars; not who gave them
            "WHERE ticket_id IN (SELECT value FROM json_each(?)) AND actor_id = ?",
            (_each(ids), user_id),
        )
        await conn.execute(
            "UPDATE tickets SET user_id = ?, chat_id = ?, citizen_name = '', hide_name = 1, "
            "phone = NULL, photos = '[]', latitude = NULL, longitude = NULL, address = NULL, "
            "body = '', rating_comment = NULL WHERE user_id = ?",
            (NOBODY, NOBODY, user_id),
        )
        # Queued for them, or kept after sending: gone. A department's alert still waiting
        # to go out stays queued: the department has the ticket to handle.
        await conn.execute(
            "DELETE FROM outbox WHERE chat_id IN (SELECT value FROM json_each(?)) "
            "OR (state != 'pending' AND ref IN (SELECT value FROM json_each(?)))",
            (_each(chats), _each(refs)),
        )
        for table in ("outbox_messages", "outbox_threads"):
            await conn.execute(
                f"DELETE FROM {table} WHERE chat_id IN (SELECT value FROM json_each(?))",
                (_each(chats),),
            )
        follows = await conn.execute_fetchall(
            "DELETE FROM dossier_followers WHERE user_id = ? RETURNING code", (user_id,)
        )
        await conn.execute("DELETE FROM conversations WHERE user_id = ?", (user_id,))
        await conn.execute("DELETE FROM sign_ins WHERE user_id = ?", (user_id,))
        await conn.execute("DELETE FROM users WHERE user_id = ?", (user_id,))
        return Erased(tickets=tuple(ids), open_tickets=tuple(open_ids), follows=len(list(follows)))

    # --- the purge -----------------------------------------------------------------------

    async def purge(self, closed_before: dt.datetime) -> list[int]:
        """Phones, photos and places of tickets finished (resolved, rejected, closed after
        a rating, withdrawn) before ``closed_before``; ids of those purged. A ticket is
        finished when its last event happened (the result, the rating, the withdrawal, or a
        later comment), which is never earlier than it was closed. One filed later cannot
        have finished earlier, so the index on filing time narrows it first."""
        marks = ", ".join("?" * len(_FINISHED))
        cutoff = _iso(closed_before)
        rows = await self._db.write(
            "UPDATE tickets SET phone = NULL, photos = '[]', latitude = NULL, longitude = NULL, "
            "address = NULL WHERE id IN ("
            f" SELECT t.id FROM tickets AS t WHERE {_HOLDS_PERSONAL} AND t.created_at < ?"
            f" AND t.status IN ({marks})"
            " AND (SELECT MAX(e.at) FROM ticket_events AS e WHERE e.ticket_id = t.id) < ?"
            ") RETURNING id",
            (cutoff, *_FINISHED, cutoff),
        )
        return sorted(int(r["id"]) for r in rows)

    # --- a person's data, whole ----------------------------------------------------------

    async def profile(self, user_id: int) -> dict[str, Any] | None:
        row = await self._db.fetchone(
            "SELECT user_id, first_name, language, tg_language, announcements, blocked_at, "
            "consent_version, consent_at, created_at, last_seen_at FROM users WHERE user_id = ?",
            (user_id,),
        )
        return dict(row) if row is not None else None

    async def blocked_since(self, user_id: int) -> str | None:
        row = await self._db.fetchone(
            "SELECT added_at FROM blocklist WHERE user_id = ?", (user_id,)
        )
        return str(row["added_at"]) if row is not None else None

    async def tickets(self, user_id: int) -> list[dict[str, Any]]:
        rows = await self._db.fetchall(
            "SELECT id, kind, category, department, status, body, photos, latitude, longitude, "
            "address, phone, hide_name, citizen_name, language, procedure_code, created_at, "
            "acknowledge_due, resolve_due, acknowledged_at, resolved_at, assignee_name, result, "
            "rating, rating_comment FROM tickets WHERE user_id = ? ORDER BY id",
            (user_id,),
        )
        return [dict(r) for r in rows]

    async def events(self, ticket_ids: list[int]) -> list[dict[str, Any]]:
        rows = await self._db.fetchall(
            "SELECT ticket_id, at, actor_id, action, note FROM ticket_events "
            "WHERE ticket_id IN (SELECT value FROM json_each(?)) ORDER BY ticket_id, id",
            (_each(ticket_ids),),
        )
        return [dict(r) for r in rows]

    async def follows(self, user_id: int) -> list[dict[str, Any]]:
        rows = await self._db.fetchall(
            "SELECT f.code, f.since, d.status FROM dossier_followers AS f "
            "LEFT JOIN dossiers AS d ON d.code = f.code WHERE f.user_id = ? ORDER BY f.since",
            (user_id,),
        )
        return [dict(r) for r in rows]

    async def conversations(self, user_id: int) -> list[dict[str, Any]]:
        rows = await self._db.fetchall(
            "SELECT chat_id, name, step, data, updated_at FROM conversations WHERE user_id = ?",
            (user_id,),
        )
        return [dict(r) for r in rows]

    async def owner_of(self, ticket_id: int) -> int | None:
        """The user a ticket belongs to; ``NOBODY`` once they erased their data."""
        row = await self._db.fetchone("SELECT user_id FROM tickets WHERE id = ?", (ticket_id,))
        return int(row["user_id"]) if row is not None else None
