"""One SQLite file: WAL, migrations once, and concurrent writes that all land."""

from __future__ import annotations

import asyncio
import contextlib
import sqlite3
from pathlib import Path

import pytest

from bot.config import Settings
from bot.domain.people import Conversation
from bot.standin import StandIn
from bot.storage.db import Database, migrations
from bot.storage.users import ConversationRepository, UserRepository
from tests.conftest import BotRunner


async def test_migrations_apply_once_and_wal_is_on(tmp_path: Path) -> None:
    path = tmp_path / "db.sqlite3"
    async with Database(path) as db:
        row = await db.fetchone("PRAGMA journal_mode")
        assert row is not None and row[0] == "wal"
        version = await db.migrate()
    async with Database(path) as db:
        assert await db.migrate() == version == max(n for n, _, _ in migrations())


async def test_concurrent_writes_are_all_kept(tmp_path: Path) -> None:
    async with Database(tmp_path / "db.sqlite3") as db:
        users = UserRepository(db)
        conversations = ConversationRepository(db)

        async def citizen(i: int) -> None:
            await users.touch_many([(i, f"Người {i}", "vi")])
            await users.set_language(i, "en" if i % 2 else "vi")
            await conversations.save(i, i, Conversation("ask", "question", {"n": i}))

        await asyncio.gather(*(citizen(i) for i in range(300)))
        row = await db.fetchone("SELECT COUNT(*), SUM(language = 'en') FROM users")
        assert row is not None and tuple(row) == (300, 150)
        saved = await conversations.get(299, 299)
        assert saved == Conversation("ask", "question", {"n": 299})


async def test_failed_transaction_leaves_nothing(tmp_path: Path) -> None:
    async with Database(tmp_path / "db.sqlite3") as db:
        try:
            async with db.transaction() as conn:
                await conn.execute(
                    "INSERT INTO users (user_id, first_name, created_at, last_seen_at) "
                    "VALUES (1, 'A', '2026-11-29T09:00:00.000Z', '2026-11-29T09:00:00.000Z')"
                )
                raise RuntimeError("boom")
        except RuntimeError:
            pass
        row = await db.fetchone("SELECT COUNT(*) FROM users")
        assert row is not None and row[0] == 0


async def test_what_waits_for_a_commit_runs_after_it_and_never_after_a_rollback(
    tmp_path: Path,
) -> None:
    async with Database(tmp_path / "db.sqlite3") as db:
        seen: list[int] = []

        async def count() -> None:
            row = await db.fetchone("SELECT COUNT(*) FROM users")  # the reader's view
            assert row is not None
            seen.append(int(row[0]))

        tasks: list[asyncio.Task[None]] = []

        def react() -> None:
            tasks.append(asyncio.get_running_loop().create_task(count()))

        async with db.transaction() as conn:
            await conn.execute(
                "INSERT INTO users (user_id, first_name, created_at, last_seen_at) "
                "VALUES (1, 'A', '2026-11-29T09:00:00.000Z', '2026-11-29T09:00:00.000Z')"
            )
            db.on_commit(react)
            assert not tasks  # not yet: the row is invisible until the commit
        await asyncio.gather(*tasks)
        assert seen == [1]
        with contextlib.suppress(RuntimeError):
            async with db.transaction() as conn:
                await conn.execute(
                    "INSERT INTO users (user_id, first_name, created_at, last_seen_at) "
                    "VALUES (2, 'B', '2026-11-29T09:00:00.000Z', '2026-11-29T09:00:00.000Z')"
                )
                db.on_commit(react)
                raise RuntimeError("rolled back")
        async with db.transaction():
            pass  # a later transaction does not inherit the rolled-back one's callbacks
        assert len(tasks) == 1
        with pytest.raises(RuntimeError, match="outside a transaction"):
            db.on_commit(react)


async def test_people_who_wrote_are_recorded_by_shutdown(
    bot: BotRunner, standin: StandIn, settings: Settings
) -> None:
    await standin.user(901, "Lan", language_code="vi").reply("/start")
    await standin.user(902, "Tom", language_code="en").reply("/help")
    await bot.stop()  # the last batch is written on the way out
    with sqlite3.connect(settings.database) as conn:
        rows = conn.execute(
            "SELECT user_id, first_name, tg_language FROM users ORDER BY user_id"
        ).fetchall()
    assert rows == [(901, "Lan", "vi"), (902, "Tom", "en")]
