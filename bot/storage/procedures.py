"""SQL for the procedure catalogue, its view counts and the questions that found nothing."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable
from dataclasses import dataclass

from bot.domain.procedure import Procedure
from bot.storage.db import Database


@dataclass(frozen=True)
class UpsertCounts:
    added: int
    changed: int
    unchanged: int
    removed: int


_UPSERT = (
    "INSERT INTO procedures (code, field, name, data, updated_at) VALUES (?, ?, ?, ?, ?)"
    " ON CONFLICT(code) DO UPDATE SET field = excluded.field, name = excluded.name,"
    " data = excluded.data, updated_at = excluded.updated_at"
)
_BATCH = 100


class ProcedureRepository:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def each(self, batch: int = 200) -> AsyncIterator[Procedure]:
        """Every procedure, a page at a time: never the whole catalogue's text in memory, and
        no statement left open between pages (it would pin the reader to an old snapshot)."""
        after = ""
        while True:
            rows = list(
                await self._db.fetchall(
                    "SELECT code, data FROM procedures WHERE code > ? ORDER BY code LIMIT ?",
                    (after, batch),
                )
            )
            if not rows:
                return
            for row in rows:
                yield Procedure.model_validate_json(row["data"])
            after = str(rows[-1]["code"])

    async def get(self, code: str) -> Procedure | None:
        row = await self._db.fetchone("SELECT data FROM procedures WHERE code = ?", (code,))
        return Procedure.model_validate_json(row["data"]) if row else None

    async def is_empty(self) -> bool:
        return await self._db.fetchone("SELECT 1 FROM procedures LIMIT 1") is None

    async def replace(self, procedures: Iterable[Procedure], prune: bool) -> UpsertCounts:
        """Store the catalogue; unchanged rows are left alone, so a re-import is a no-op."""
        existing = {
            str(row["code"]): str(row["data"])
            for row in await self._db.fetchall("SELECT code, data FROM procedures")
        }
        added = changed = unchanged = 0
        seen: set[str] = set()
        writes: list[tuple[str, str, str, str, str]] = []
        stamp = self._db.clock.stamp()
        async with self._db.transaction() as conn:
            # Written a batch at a time: the whole catalogue as JSON at once would cost the
            # bot's peak memory some 20 MB on its first start.
            for procedure in procedures:
                seen.add(procedure.code)
                data = procedure.model_dump_json()
                before = existing.get(procedure.code)
                if before == data:
                    unchanged += 1
                    continue
                if before is None:
                    added += 1
                else:
                    changed += 1
                writes.append((procedure.code, procedure.field, procedure.name, data, stamp))
                if len(writes) == _BATCH:
                    await conn.executemany(_UPSERT, writes)
                    writes.clear()
            await conn.executemany(_UPSERT, writes)
            gone = [code for code in existing if code not in seen] if prune else []
            await conn.executemany("DELETE FROM procedures WHERE code = ?", [(c,) for c in gone])
        return UpsertCounts(added, changed, unchanged, len(gone))

    async def views(self) -> dict[str, int]:
        rows = await self._db.fetchall("SELECT code, views FROM procedure_views")
        return {str(r["code"]): int(r["views"]) for r in rows}

    async def add_views(self, counts: dict[str, int]) -> None:
        await self._db.write_many(
            "INSERT INTO procedure_views (code, views) VALUES (?, ?) "
            "ON CONFLICT(code) DO UPDATE SET views = views + excluded.views",
            list(counts.items()),
        )
