"""SQL for dossiers, their history and their followers. Writes take the caller's transaction:
a status change, its event and its notifications commit together."""

from __future__ import annotations

import datetime as dt

import aiosqlite

from bot.domain.dossiers import Dossier, DossierStatus
from bot.storage.db import Database

_COLUMNS = "code, check_value, procedure_code, received_on, due_on, status, note, updated_at"


def _dossier(row: aiosqlite.Row) -> Dossier:
    return Dossier(
        code=row["code"],
        check_value=row["check_value"],
        procedure_code=row["procedure_code"],
        received_on=dt.date.fromisoformat(row["received_on"]),
        due_on=dt.date.fromisoformat(row["due_on"]) if row["due_on"] else None,
        status=DossierStatus(row["status"]),
        note=row["note"],
        updated_at=dt.datetime.fromisoformat(row["updated_at"]),
    )


class DossierRepository:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def get(self, code: str) -> Dossier | None:
        row = await self._db.fetchone(f"SELECT {_COLUMNS} FROM dossiers WHERE code = ?", (code,))
        return _dossier(row) if row else None

    @staticmethod
    async def get_in(conn: aiosqlite.Connection, code: str) -> Dossier | None:
        rows = await conn.execute_fetchall(
            f"SELECT {_COLUMNS} FROM dossiers WHERE code = ?", (code,)
        )
        return next((_dossier(row) for row in rows), None)

    @staticmethod
    async def put(conn: aiosqlite.Connection, dossier: Dossier) -> None:
        await conn.execute(
            f"INSERT INTO dossiers ({_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?) "
            "ON CONFLICT (code) DO UPDATE SET procedure_code = excluded.procedure_code, "
            "received_on = excluded.received_on, due_on = excluded.due_on, "
            "status = excluded.status, note = excluded.note, updated_at = excluded.updated_at",
            (
                dossier.code,
                dossier.check_value,
                dossier.procedure_code,
                dossier.received_on.isoformat(),
                dossier.due_on.isoformat() if dossier.due_on else None,
                dossier.status.value,
                dossier.note,
                dossier.updated_at.isoformat(),
            ),
        )

    @staticmethod
    async def add_event(
        conn: aiosqlite.Connection, dossier: Dossier, source: str, actor: str | None
    ) -> int:
        rows = await conn.execute_fetchall(
            "INSERT INTO dossier_events (code, at, status, due_on, note, source, actor) "
            "VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id",
            (
                dossier.code,
                dossier.updated_at.isoformat(),
                dossier.status.value,
                dossier.due_on.isoformat() if dossier.due_on else None,
                dossier.note,
                source,
                actor,
            ),
        )
        return int(next(iter(rows))["id"])

    @staticmethod
    async def followers_in(conn: aiosqlite.Connection, code: str) -> list[int]:
        rows = await conn.execute_fetchall(
            "SELECT user_id FROM dossier_followers WHERE code = ? ORDER BY since", (code,)
        )
        return [int(row["user_id"]) for row in rows]

    @staticmethod
    async def overdue_unreminded(conn: aiosqlite.Connection, today: dt.date) -> list[Dossier]:
        """Dossiers the office still works on whose date has passed, not yet reminded of
        today, marked as reminded; oldest date first."""
        rows = await conn.execute_fetchall(
            "UPDATE dossiers SET reminded_on = :today "
            "WHERE status IN ('received', 'in_progress') AND due_on < :today "
            f"AND (reminded_on IS NULL OR reminded_on < :today) RETURNING {_COLUMNS}",
            {"today": today.isoformat()},
        )
        return sorted((_dossier(row) for row in rows), key=lambda d: (d.due_on or today, d.code))

    async def history(self, code: str) -> list[tuple[dt.datetime, DossierStatus, str | None]]:
        rows = await self._db.fetchall(
            "SELECT at, status, note FROM dossier_events WHERE code = ? ORDER BY id", (code,)
        )
        return [
            (dt.datetime.fromisoformat(r["at"]), DossierStatus(r["status"]), r["note"])
            for r in rows
        ]

    async def follow(self, code: str, user_id: int, now: dt.datetime) -> bool:
        """True if the person was not following it already."""
        rows = await self._db.write(
            "INSERT INTO dossier_followers (code, user_id, since) VALUES (?, ?, ?) "
            "ON CONFLICT (code, user_id) DO NOTHING RETURNING code",
            (code, user_id, now.isoformat()),
        )
        return bool(rows)

    async def unfollow(self, code: str, user_id: int) -> bool:
        rows = await self._db.write(
            "DELETE FROM dossier_followers WHERE code = ? AND user_id = ? RETURNING code",
            (code, user_id),
        )
        return bool(rows)

    async def follows(self, code: str, user_id: int) -> bool:
        row = await self._db.fetchone(
            "SELECT 1 FROM dossier_followers WHERE code = ? AND user_id = ?", (code, user_id)
        )
        return row is not None
