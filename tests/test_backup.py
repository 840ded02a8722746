"""Backups as the ward's IT person uses them: ``python -m bot backup`` while citizens file
complaints, ``python -m bot restore`` refusing what it cannot trust, and the bot's own daily
copy under a travelled clock."""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import hashlib
import logging
import re
import shutil
import sqlite3
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.clock import Clock
from bot.config import Settings
from bot.services.backups import DailyBackup
from bot.standin import Limits, StandIn
from bot.standin.sims import UserSim
from bot.storage.backup import shipped_schema
from bot.storage.db import Database
from tests.conftest import BotRunner, run_bot
from tests.test_complaints import KINH_TE, file_complaint, linked

CITIZENS = 200
BACKUP_AFTER = 50  # tickets committed when the admin runs the backup
CODE = re.compile(r"PA-\d{6}")
HANOI = dt.timezone(dt.timedelta(hours=7))


@pytest.fixture
async def roomy(settings: Settings, standin: StandIn) -> AsyncIterator[BotRunner]:
    """Neither the bot nor the stand-in held to Telegram's 30 messages a second: 200
    citizens' 1,600 answers would take a minute (the pace is tested in test_pace.py)."""
    standin.limits = Limits.off()
    runner = BotRunner(
        settings.model_copy(
            update={"max_messages_per_second": 1000.0, "max_group_messages_per_minute": 10_000}
        )
    )
    await runner.start()
    try:
        yield runner
    finally:
        await runner.stop()


async def file_one(user: UserSim, number: int) -> str | None:
    """A citizen's whole intake, each step waiting for the bot (as bench/complaints.py)."""
    notice = await user.reply("/phananh", 60)
    await user.press("✅ Tôi đồng ý", notice)  # a first complaint: the privacy notice
    menu = await user.next_message(60)
    await user.press("Rác thải, vệ sinh môi trường", menu)
    await user.next_message(60)
    photos = await user.reply(f"Rác thải ở đầu ngõ {number} chưa được thu gom, bốc mùi.", 60)
    await user.press("➡️ Tiếp tục", photos)
    place = await user.next_message(60)
    await user.press("⏭ Bỏ qua", place)
    await user.next_message(60)
    await user.reply("⏭ Bỏ qua", 60)  # no phone; the keyboard goes away
    privacy = await user.next_message(60)
    await user.press("👤 Để tên", privacy)
    review = await user.next_message(60)
    await user.press("📨 Gửi phản ánh", review)
    sent = await user.next_message(60)
    found = CODE.search(sent.plain)
    return found.group(0) if found else None


def tickets_in(database: Path) -> dict[int, tuple[int, str]]:
    """Ticket id -> (citizen, description), as committed (a reader of its own, read-only)."""
    with contextlib.closing(sqlite3.connect(f"{database.as_uri()}?mode=ro", uri=True)) as db:
        return {
            row[0]: (row[1], row[2]) for row in db.execute("SELECT id, user_id, body FROM tickets")
        }


def integrity(database: Path) -> list[str]:
    with contextlib.closing(sqlite3.connect(f"{database.as_uri()}?mode=ro", uri=True)) as db:
        return [row[0] for row in db.execute("PRAGMA integrity_check")]


def names(folder: Path, pattern: str = "*") -> list[str]:
    return sorted(p.name for p in folder.glob(pattern))


def dump(database: Path) -> list[str]:
    """What the database holds, as SQL: the same for a copy in another journal mode."""
    with contextlib.closing(sqlite3.connect(f"{database.as_uri()}?mode=ro", uri=True)) as db:
        return list(db.iterdump())


def out_of_step(database: Path, index: str, change: str) -> None:
    """Damage that ``quick_check`` does not see: ``index`` no longer matches its table (the
    index is hidden from SQLite while ``change`` is made, then put back as it was)."""

    def schema(sql: str) -> None:
        with contextlib.closing(sqlite3.connect(database)) as db, db:
            db.execute("PRAGMA writable_schema=ON")
            db.execute("UPDATE sqlite_master SET sql = ? WHERE name = ?", (sql, index))

    with contextlib.closing(sqlite3.connect(database)) as db:
        (sql,) = db.execute("SELECT sql FROM sqlite_master WHERE name = ?", (index,)).fetchone()
    schema(f"{sql} WHERE 0")  # a partial index of nothing: the change leaves it alone
    with contextlib.closing(sqlite3.connect(database)) as db, db:
        db.execute(change)
    schema(sql)
    with contextlib.closing(sqlite3.connect(database)) as db:
        assert db.execute("PRAGMA quick_check").fetchall() == [("ok",)]


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.mark.timeout(120)  # 200 citizens' 1,600 steps: about 10 s here
async def test_a_backup_taken_while_200_citizens_file_restores_every_ticket_committed_before_it(
    roomy: BotRunner, standin: StandIn, settings: Settings, tmp_path: Path
) -> None:
    await linked(standin, KINH_TE, "kinh-te")
    people = [standin.user(600_000 + n, f"Dân {n}", language_code="vi") for n in range(CITIZENS)]
    filing = [asyncio.create_task(file_one(p, n)) for n, p in enumerate(people)]
    while len(tickets_in(settings.database)) < BACKUP_AFTER:
        assert not all(task.done() for task in filing), "the filing ended before the backup"
        await asyncio.sleep(0.02)
    before = tickets_in(settings.database)  # committed before the backup began
    copy = tmp_path / "copies" / "during.sqlite3"
    made = await asyncio.to_thread(run_bot, settings.database, "backup", copy)
    during = len(tickets_in(settings.database))
    codes = await asyncio.gather(*filing)

    assert made.returncode == 0, made.stderr
    assert f"copied to {copy}" in made.stdout and "integrity check ok" in made.stdout
    assert during < CITIZENS, "citizens were still filing when the backup ended"
    assert len({c for c in codes if c}) == CITIZENS == len(tickets_in(settings.database))

    await roomy.stop()
    fresh = tmp_path / "elsewhere" / "bot.sqlite3"
    fresh.parent.mkdir()  # a new machine's folder, no database in it yet
    restored = run_bot(fresh, "restore", copy)
    assert restored.returncode == 0, restored.stderr
    assert f"{fresh} restored from {copy}" in restored.stdout
    assert "There was no database" in restored.stdout
    assert integrity(fresh) == ["ok"]
    back = tickets_in(fresh)
    assert {n: back.get(n) for n in before} == before  # each, with what the citizen wrote

    await roomy.start(database=fresh)
    by_id = {person.id: person for person in people}

    async def listed(ticket_id: int, citizen: int) -> bool:
        mine = await by_id[citizen].reply("/mine", 30)
        return f"PA-{ticket_id:06d} · Chờ tiếp nhận" in mine.plain

    seen = await asyncio.gather(*(listed(n, who) for n, (who, _) in before.items()))
    assert all(seen), [n for n, ok in zip(before, seen, strict=True) if not ok]


async def test_restore_refuses_what_it_cannot_trust_and_changes_nothing(
    bot: BotRunner, standin: StandIn, settings: Settings, tmp_path: Path
) -> None:
    database = settings.database
    citizen = standin.user(3201, "Lan", language_code="vi")
    await file_complaint(citizen)
    made = await asyncio.to_thread(run_bot, database, "backup")  # no FILE: the backup folder
    assert made.returncode == 0, made.stderr
    (manual,) = names(tmp_path / "backups", "bot-manual-*.sqlite3")
    good = tmp_path / "backups" / manual

    # A running bot holds the database: refused, and the bot goes on as before.
    held = await asyncio.to_thread(run_bot, database, "restore", good)
    assert held.returncode == 1
    assert held.stderr.splitlines() == [
        f"Not restored: {database}: in use by a running bot; stop it, restore, then start it again",
        f"Nothing was changed in {database}.",
    ]
    assert "PA-000001 · Chờ tiếp nhận" in (await citizen.reply("/mine")).plain
    await bot.stop()

    damaged = tmp_path / "damaged.sqlite3"
    shutil.copy(good, damaged)
    out_of_step(damaged, "tickets_user", "UPDATE tickets SET user_id = user_id + 1")
    text = tmp_path / "notes.sqlite3"
    text.write_text("Sổ tay cán bộ, không phải cơ sở dữ liệu.\n", encoding="utf-8")
    newer = tmp_path / "newer.sqlite3"
    shutil.copy(good, newer)
    with contextlib.closing(sqlite3.connect(newer)) as db:
        db.execute(f"PRAGMA user_version={shipped_schema() + 1}")

    as_was = tmp_path / "compare" / "as-was.sqlite3"
    as_was.parent.mkdir()
    shutil.copy(database, as_was)
    files_before = names(tmp_path)
    content_before = digest(database)
    refusals = {
        damaged: f"{damaged}: damaged: integrity check says: row 1 missing from index tickets_user",
        text: f"{text}: not an SQLite database",
        newer: f"{newer}: schema version {shipped_schema() + 1} is newer than this bot's "
        f"({shipped_schema()})",
        tmp_path / "missing.sqlite3": f"{tmp_path / 'missing.sqlite3'}: no such file",
    }
    for source, why in refusals.items():
        refused = run_bot(database, "restore", source)
        assert refused.returncode == 1, refused.stdout
        assert refused.stderr.startswith(f"Not restored: {why}"), refused.stderr
        assert "Traceback" not in refused.stderr and refused.stdout == ""
        assert names(tmp_path) == files_before
        assert digest(database) == content_before

    # Stopped, the good copy goes in; what it replaced is kept, whole.
    done = run_bot(database, "restore", good)
    assert done.returncode == 0, done.stderr
    (kept_name,) = names(tmp_path, "bot.sqlite3.before-restore-*")
    kept = tmp_path / kept_name
    assert f"The database it replaced is kept as {kept}." in done.stdout
    assert dump(kept) == dump(as_was) and integrity(kept) == ["ok"]
    assert not (tmp_path / "bot.sqlite3-wal").exists()
    await bot.start()
    assert "PA-000001 · Chờ tiếp nhận" in (await citizen.reply("/mine")).plain


async def test_the_daily_backup_is_made_once_a_day_after_the_set_time_keeping_the_newest(
    bot: BotRunner, settings: Settings, tmp_path: Path
) -> None:
    folder = tmp_path / "daily"
    clock = bot.services.clock
    daily = DailyBackup(settings.database, folder, 3, dt.time(2, 30), settings.tz, clock)
    folder.mkdir()
    manual = folder / "bot-manual-2026-11-30-101500.sqlite3"  # `backup` without FILE
    manual.write_bytes(b"kept whatever its age")

    def made() -> list[str]:
        return [name for name in names(folder) if name != manual.name]

    for day in range(1, 6):
        clock.travel(dt.datetime(2026, 12, day, 2, 29, tzinfo=HANOI))
        assert await daily.run() is None  # not yet
        clock.travel(dt.datetime(2026, 12, day, 2, 31, tzinfo=HANOI))
        assert await daily.run() == folder / f"bot-2026-12-0{day}.sqlite3"
        clock.travel(dt.datetime(2026, 12, day, 23, 59, tzinfo=HANOI))
        assert await daily.run() is None  # once a day
    assert made() == ["bot-2026-12-03.sqlite3", "bot-2026-12-04.sqlite3", "bot-2026-12-05.sqlite3"]
    assert manual.exists()

    # A bot that was down at 02:30 makes the day's copy when it comes up, and a new one
    # (another process) finds it made.
    clock.travel(dt.datetime(2026, 12, 6, 10, 0, tzinfo=HANOI))
    assert await daily.run() == folder / "bot-2026-12-06.sqlite3"
    again = DailyBackup(settings.database, folder, 3, dt.time(2, 30), settings.tz, clock)
    assert await again.run() is None
    assert made()[0] == "bot-2026-12-04.sqlite3" and len(made()) == 3
    newest = folder / "bot-2026-12-06.sqlite3"
    assert integrity(newest) == ["ok"]
    off = DailyBackup(settings.database, tmp_path / "off", 0, dt.time(2, 30), settings.tz, clock)
    assert await off.run() is None and not (tmp_path / "off").exists()


async def test_a_failing_daily_backup_warns_once_a_day_and_the_minute_goes_on(
    settings: Settings, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    async with Database(settings.database):
        pass
    not_a_folder = tmp_path / "backups"
    not_a_folder.write_text("a file where the folder should be")
    clock = Clock()
    daily = DailyBackup(settings.database, not_a_folder, 7, dt.time(2, 30), settings.tz, clock)
    caplog.set_level(logging.WARNING, logger="bot.services.backups")
    for moment in (
        dt.datetime(2026, 12, 1, 2, 31, tzinfo=HANOI),
        dt.datetime(2026, 12, 1, 2, 32, tzinfo=HANOI),
        dt.datetime(2026, 12, 1, 3, 0, tzinfo=HANOI),  # tried again, not said again
        dt.datetime(2026, 12, 2, 2, 31, tzinfo=HANOI),
    ):
        clock.travel(moment)
        assert await daily.run() is None
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert (
        warnings
        == [f"daily database backup failed (retrying later): {not_a_folder}: not a folder"] * 2
    )
