"""SQL for the questions the bot could not answer well (``search_misses``) and the weekly list
of them that admins get. A row's ``query`` is what a citizen typed: personal data, never
logged."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import aiosqlite

from bot.storage.db import Database

# The strongest signal a group holds decides how it is shown: a citizen choosing another
# answer under an outright one says it was wrong; "none of these" is surer than a search
# finding nothing, which is surer than a weak answer.
_STRONGEST_FIRST = ("other_chosen", "none_fit", "nothing", "unsure")
_KIND_OF_WEIGHT = {len(_STRONGEST_FIRST) - i: kind for i, kind in enumerate(_STRONGEST_FIRST)}
_WEIGHT = (
    "CASE kind "
    + " ".join(f"WHEN '{kind}' THEN {weight}" for weight, kind in _KIND_OF_WEIGHT.items())
    + " ELSE 1 END"
)


@dataclass(frozen=True, slots=True)
class MissRow:
    id: int
    query: str
    folded: str
    language: str
    kind: str
    status: str
    created_at: str
    handled_by: int | None
    handled_at: str | None
    taught_as: str | None


@dataclass(frozen=True, slots=True)
class GroupRow:
    """Open rows with the same folded text: how often, when last, and the newest's words."""

    id: int  # the newest row
    query: str
    folded: str
    language: str
    kind: str
    asked: int
    last_at: str


def _row(row: aiosqlite.Row) -> MissRow:
    return MissRow(
        id=int(row["id"]),
        query=str(row["query"]),
        folded=str(row["folded"] or ""),
        language=str(row["language"]),
        kind=str(row["kind"]),
        status=str(row["status"]),
        created_at=str(row["created_at"]),
        handled_by=row["handled_by"],
        handled_at=row["handled_at"],
        taught_as=row["taught_as"],
    )


def _group(row: aiosqlite.Row) -> GroupRow:
    return GroupRow(
        id=int(row["id"]),
        query=str(row["query"]),
        folded=str(row["folded"]),
        language=str(row["language"]),
        kind=_KIND_OF_WEIGHT[int(row["weight"])],
        asked=int(row["asked"]),
        last_at=str(row["last_at"]),
    )


_COLUMNS = (
    "id, query, folded, language, kind, status, created_at, handled_by, handled_at, taught_as"
)

# Open groups, most asked first, then the most recently asked; ``since`` counts only rows
# asked from then on (the weekly list).
_GROUPS = f"""
SELECT m.id, m.query, m.language, g.folded, g.asked, g.last_at, g.weight
FROM (
    SELECT folded, COUNT(*) AS asked, MAX(id) AS last_id, MAX(created_at) AS last_at,
           MAX({_WEIGHT}) AS weight
    FROM search_misses
    WHERE status = 'open' AND folded IS NOT NULL AND created_at >= ?
    GROUP BY folded
) AS g JOIN search_misses AS m ON m.id = g.last_id
ORDER BY g.asked DESC, g.last_at DESC, m.id DESC
LIMIT ? OFFSET ?
"""


class MissRepository:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def add(self, query: str, folded: str, language: str, kind: str) -> int:
        rows = await self._db.write(
            "INSERT INTO search_misses (query, folded, language, kind, created_at) "
            "VALUES (?, ?, ?, ?, ?) RETURNING id",
            (query, folded, language, kind, self._db.clock.stamp()),
        )
        return int(rows[0]["id"])

    async def fold_missing(self, fold: Callable[[str], str]) -> int:
        """Fold the rows stored without their folded text (before this version, or by the
        catalogue's old ``record_miss``)."""
        rows = list(
            await self._db.fetchall("SELECT id, query FROM search_misses WHERE folded IS NULL")
        )
        if rows:
            await self._db.write_many(
                "UPDATE search_misses SET folded = ? WHERE id = ?",
                [(fold(str(r["query"])), int(r["id"])) for r in rows],
            )
        return len(rows)

    async def get(self, miss_id: int) -> MissRow | None:
        row = await self._db.fetchone(
            f"SELECT {_COLUMNS} FROM search_misses WHERE id = ?", (miss_id,)
        )
        return _row(row) if row else None

    async def became(self, miss_id: int, kind: str) -> bool:
        """A citizen said what was offered did not fit (none of a list, or another choice than
        the answer): the row says so, if it is still an open "not sure" one."""
        rows = await self._db.write(
            "UPDATE search_misses SET kind = ? "
            "WHERE id = ? AND kind = 'unsure' AND status = 'open' RETURNING id",
            (kind, miss_id),
        )
        return bool(rows)

    async def groups(self, offset: int, limit: int, since: str = "") -> list[GroupRow]:
        rows = await self._db.fetchall(_GROUPS, (since, limit, offset))
        return [_group(r) for r in rows]

    async def group(self, folded: str) -> GroupRow | None:
        """The open group of this folded text, if any is open."""
        row = await self._db.fetchone(
            f"""
            SELECT m.id, m.query, m.language, g.folded, g.asked, g.last_at, g.weight
            FROM (
                SELECT folded, COUNT(*) AS asked, MAX(id) AS last_id,
                       MAX(created_at) AS last_at, MAX({_WEIGHT}) AS weight
                FROM search_misses WHERE status = 'open' AND folded = ?
                GROUP BY folded
            ) AS g JOIN search_misses AS m ON m.id = g.last_id
            """,
            (folded,),
        )
        return _group(row) if row else None

    async def count_groups(self, since: str = "") -> int:
        row = await self._db.fetchone(
            "SELECT COUNT(DISTINCT folded) AS n FROM search_misses "
            "WHERE status = 'open' AND folded IS NOT NULL AND created_at >= ?",
            (since,),
        )
        return int(row["n"]) if row else 0

    async def handle(
        self, folded: str, status: str, admin_id: int, taught_as: str | None = None
    ) -> int:
        """Mark the open rows of a group taught or dismissed; returns how many changed."""
        rows = await self._db.write(
            "UPDATE search_misses SET status = ?, handled_by = ?, handled_at = ?, taught_as = ? "
            "WHERE folded = ? AND status = 'open' RETURNING id",
            (status, admin_id, self._db.clock.stamp(), taught_as, folded),
        )
        return len(rows)

    async def reopen(self, folded: str, taught_as: str) -> int:
        """What was taught to mean ``taught_as`` is a question to answer again (an undo)."""
        rows = await self._db.write(
            "UPDATE search_misses SET status = 'open', handled_by = NULL, handled_at = NULL, "
            "taught_as = NULL WHERE folded = ? AND status = 'taught' AND taught_as = ? "
            "RETURNING id",
            (folded, taught_as),
        )
        return len(rows)

    async def claim_week(self, conn: aiosqlite.Connection, week: str) -> bool | None:
        """Inside the caller's transaction: True if this week's list was not sent before,
        False if it was, None if no week's list ever was (the week is claimed all the same)."""
        before = list(await conn.execute_fetchall("SELECT 1 FROM miss_summaries LIMIT 1"))
        rows = await conn.execute_fetchall(
            "INSERT INTO miss_summaries (week, sent_at) VALUES (?, ?) "
            "ON CONFLICT (week) DO NOTHING RETURNING week",
            (week, self._db.clock.stamp()),
        )
        claimed = bool(list(rows))
        return None if claimed and not before else claimed

    async def purge(self, before: str) -> int:
        """Forget questions asked before ``before`` (they are personal data)."""
        rows = await self._db.write(
            "DELETE FROM search_misses WHERE created_at < ? RETURNING id", (before,)
        )
        return len(rows)
