"""What the health check and the metrics read of the database: each a single query, cheap
enough for a scrape every few seconds."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from bot.domain.tickets import Status
from bot.storage.db import Database


@dataclass(frozen=True, slots=True)
class Backlog:
    pending: int  # every row not yet sent, including those held for the morning
    due: int  # of them, those whose time has come
    oldest_due_s: float  # how long the longest-waiting due row has been due


@dataclass(frozen=True, slots=True)
class Overdue:
    acknowledge: int  # open tickets no one took in time
    resolve: int  # open tickets past the date promised


class OpsRepository:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def probe(self) -> None:
        """Write one row: raises if the database does not take writes."""
        await self._db.write(
            "INSERT INTO health_probe (id, at) VALUES (1, ?) "
            "ON CONFLICT (id) DO UPDATE SET at = excluded.at",
            (self._db.clock.stamp(),),
        )

    async def backlog(self) -> Backlog:
        clock = self._db.clock
        now = clock.stamp()
        row = await self._db.fetchone(
            "SELECT count(*) AS pending, "
            "coalesce(sum(next_at <= :now), 0) AS due, "
            "coalesce(max(CASE WHEN next_at <= :now "
            "THEN (julianday(:now) - julianday(next_at)) * 86400.0 END), 0.0) AS oldest "
            "FROM outbox WHERE state = 'pending'",
            {"now": now},
        )
        assert row is not None  # an aggregate always answers
        return Backlog(int(row["pending"]), int(row["due"]), float(row["oldest"]))

    async def tickets_by_state(self) -> dict[str, int]:
        rows = await self._db.fetchall("SELECT status, count(*) AS n FROM tickets GROUP BY status")
        counted = {status.value: 0 for status in Status}
        counted.update({str(row["status"]): int(row["n"]) for row in rows})
        return counted

    async def overdue(self, now: dt.datetime) -> Overdue:
        row = await self._db.fetchone(
            "SELECT coalesce(sum(status = :new "
            "AND julianday(acknowledge_due) < julianday(:now)), 0) AS acknowledge, "
            "coalesce(sum(julianday(resolve_due) < julianday(:now)), 0) AS resolve "
            "FROM tickets WHERE status IN (:new, :accepted)",
            {
                "new": Status.NEW.value,
                "accepted": Status.ACCEPTED.value,
                "now": self._db.clock.stamp(now),
            },
        )
        assert row is not None
        return Overdue(int(row["acknowledge"]), int(row["resolve"]))
