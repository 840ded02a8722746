"""SQL for admin-edited documents, kept in every version."""

from __future__ import annotations

from dataclasses import dataclass

import aiosqlite

from bot.storage.db import Database


@dataclass(frozen=True, slots=True)
class StoredDocument:
    kind: str
    version: int
    content: str
    author_id: int | None
    created_at: str


def _document(row: aiosqlite.Row) -> StoredDocument:
    return StoredDocument(
        kind=row["kind"],
        version=row["version"],
        content=row["content"],
        author_id=row["author_id"],
        created_at=row["created_at"],
    )


class DocumentRepository:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def latest(self, kind: str) -> StoredDocument | None:
        row = await self._db.fetchone(
            "SELECT kind, version, content, author_id, created_at FROM documents "
            "WHERE kind = ? ORDER BY version DESC LIMIT 1",
            (kind,),
        )
        return _document(row) if row else None

    async def before(self, kind: str, version: int) -> StoredDocument | None:
        """The newest version older than ``version``."""
        row = await self._db.fetchone(
            "SELECT kind, version, content, author_id, created_at FROM documents "
            "WHERE kind = ? AND version < ? ORDER BY version DESC LIMIT 1",
            (kind, version),
        )
        return _document(row) if row else None

    async def get(self, kind: str, version: int) -> StoredDocument | None:
        row = await self._db.fetchone(
            "SELECT kind, version, content, author_id, created_at FROM documents "
            "WHERE kind = ? AND version = ?",
            (kind, version),
        )
        return _document(row) if row else None

    async def history(self, kind: str) -> list[StoredDocument]:
        """Every version, newest first, without its content: a year of edits of a large word
        list is megabytes, and only one version is ever read at a time."""
        rows = await self._db.fetchall(
            "SELECT kind, version, '' AS content, author_id, created_at FROM documents "
            "WHERE kind = ? ORDER BY version DESC",
            (kind,),
        )
        return [_document(row) for row in rows]

    async def add(self, kind: str, content: str, author_id: int | None) -> int:
        """Store a new version; returns its number."""
        rows = await self._db.write(
            "INSERT INTO documents (kind, version, content, author_id, created_at) "
            "SELECT ?, COALESCE(MAX(version), 0) + 1, ?, ?, ? FROM documents WHERE kind = ? "
            "RETURNING version",
            (kind, content, author_id, self._db.clock.stamp(), kind),
        )
        return int(rows[0]["version"])
