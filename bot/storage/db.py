"""One SQLite file through aiosqlite: a single writer behind a lock, a separate reader.

aiosqlite runs one thread per connection, so two writers would race for SQLite's lock; all
writes go through :meth:`Database.transaction` (``BEGIN IMMEDIATE`` under an asyncio lock) and
reads use their own connection, which WAL lets proceed while a write is open.
"""

from __future__ import annotations

import asyncio
import logging
import sqlite3
from collections.abc import AsyncIterator, Callable, Iterable, Mapping, Sequence
from contextlib import asynccontextmanager
from importlib import resources
from pathlib import Path
from typing import Any

import aiosqlite

from bot.clock import Clock

log = logging.getLogger(__name__)
Params = Sequence[Any] | Mapping[str, Any]  # by position, or by :name

BUSY_TIMEOUT_MS = 5000
# 256 kB of pages a connection, not SQLite's 2 MB: what is read again comes from the system's
# file cache at once, and a ward's small server keeps 3.5 MB more (the backup's connections 4 MB).
SMALL_CACHE = "PRAGMA cache_size=-256"
_PRAGMAS = (
    "PRAGMA journal_mode=WAL",
    f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}",
    "PRAGMA foreign_keys=ON",
    "PRAGMA synchronous=NORMAL",
    SMALL_CACHE,
)


def migrations() -> list[tuple[int, str, str]]:
    """Numbered ``NNNN_name.sql`` files shipped in ``bot/storage/migrations``."""
    found = []
    for entry in resources.files("bot.storage.migrations").iterdir():
        name = entry.name
        if name.endswith(".sql") and name[:4].isdigit():
            found.append((int(name[:4]), name, entry.read_text(encoding="utf-8")))
    return sorted(found)


class DatabaseUnavailable(Exception):
    """The database file cannot be opened or migrated (not SQLite, unreadable, locked)."""

    def __init__(self, path: Path, error: sqlite3.Error | OSError) -> None:
        super().__init__(f"cannot open {path}: {error}")


class Database:
    def __init__(self, path: Path | str, clock: Clock | None = None) -> None:
        self.path = Path(path)
        # Repositories pass the time to SQL from here; SQLite's own clock decides nothing.
        self.clock = clock or Clock()
        self._writer: aiosqlite.Connection | None = None
        self._reader: aiosqlite.Connection | None = None
        self._write_lock = asyncio.Lock()
        self._on_commit: list[Callable[[], None]] = []

    async def open(self) -> None:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._writer = await self._connect()
            await self.migrate()
            self._reader = await self._connect()
        except BaseException as error:
            await self.close()  # each connection has a thread that would keep the process up
            if isinstance(error, sqlite3.Error | OSError):
                raise DatabaseUnavailable(self.path, error) from error
            raise

    async def _connect(self) -> aiosqlite.Connection:
        # isolation_level=None: we issue BEGIN ourselves, so sqlite3 never opens one behind us.
        conn = await aiosqlite.connect(self.path, isolation_level=None)
        try:
            conn.row_factory = aiosqlite.Row
            for pragma in _PRAGMAS:
                await conn.execute(pragma)
        except BaseException:
            await conn.close()
            raise
        return conn

    async def close(self) -> None:
        for conn in (self._reader, self._writer):
            if conn is not None:
                await conn.close()
        self._reader = self._writer = None

    async def __aenter__(self) -> Database:
        await self.open()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    async def migrate(self) -> int:
        """Apply every migration newer than ``PRAGMA user_version``; returns the new version."""
        conn = self._require(self._writer)
        async with conn.execute("PRAGMA user_version") as cur:
            row = await cur.fetchone()
        current = int(row["user_version"]) if row else 0
        for number, name, sql in migrations():
            if number <= current:
                continue
            log.info("applying migration %s", name)
            async with self._write_lock:
                await conn.execute("BEGIN IMMEDIATE")
                try:
                    for statement in _split_sql(sql):
                        await conn.execute(statement)
                    await conn.execute(f"PRAGMA user_version={number}")
                    await conn.execute("COMMIT")
                except BaseException:
                    await conn.execute("ROLLBACK")
                    raise
            current = number
        return current

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[aiosqlite.Connection]:
        """The only way to write: one writer at a time, committed or rolled back as a whole."""
        conn = self._require(self._writer)
        async with self._write_lock:
            self._on_commit = []
            await conn.execute("BEGIN IMMEDIATE")
            try:
                yield conn
            except BaseException:
                self._on_commit = []
                await conn.execute("ROLLBACK")
                raise
            await conn.execute("COMMIT")
            done, self._on_commit = self._on_commit, []
        for callback in done:
            callback()

    def on_commit(self, callback: Callable[[], None]) -> None:
        """Call ``callback`` once the open transaction has committed (not if it rolls back):
        whoever reacts to the change then sees it. Only inside :meth:`transaction`."""
        if not self._write_lock.locked():
            raise RuntimeError("on_commit outside a transaction")
        self._on_commit.append(callback)

    async def fetchone(self, sql: str, params: Params = ()) -> aiosqlite.Row | None:
        rows = await self._require(self._reader).execute_fetchall(sql, params)
        return next(iter(rows), None)

    async def stream(
        self, sql: str, params: Params = (), batch: int = 1000
    ) -> AsyncIterator[aiosqlite.Row]:
        """The rows a batch at a time: a quarter's tickets are turned into what is counted
        without the whole result held at once beside it."""
        async with self._require(self._reader).execute(sql, params) as cursor:
            while rows := await cursor.fetchmany(batch):
                for row in rows:
                    yield row

    async def fetchall(self, sql: str, params: Params = ()) -> Iterable[aiosqlite.Row]:
        return await self._require(self._reader).execute_fetchall(sql, params)

    async def write(self, sql: str, params: Sequence[Any] = ()) -> list[aiosqlite.Row]:
        """One statement, atomic on its own (autocommit), with any RETURNING rows.

        Each aiosqlite call is a hop to its thread; a lone statement needs no BEGIN/COMMIT,
        so the common writes cost one hop instead of three.
        """
        conn = self._require(self._writer)
        async with self._write_lock:
            return list(await conn.execute_fetchall(sql, params))

    async def write_many(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        """One statement for many rows, in one transaction."""
        async with self.transaction() as conn:
            await conn.executemany(sql, rows)

    @staticmethod
    def _require(conn: aiosqlite.Connection | None) -> aiosqlite.Connection:
        if conn is None:
            raise RuntimeError("database is not open")
        return conn


def _split_sql(script: str) -> list[str]:
    """Split a migration into statements (executescript would COMMIT behind our back)."""
    statements, buffer = [], ""
    for line in script.splitlines(keepends=True):
        if line.lstrip().startswith("--"):
            continue
        buffer += line
        if _complete(buffer):
            if buffer.strip():
                statements.append(buffer.strip())
            buffer = ""
    if buffer.strip():
        statements.append(buffer.strip())
    return statements


def _complete(sql: str) -> bool:
    return sql.strip().endswith(";") and sqlite3.complete_statement(sql)
