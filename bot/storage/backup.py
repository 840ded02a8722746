"""Copies of the database taken while the bot runs, checked, and put back.

Taking a copy: sqlite3's online backup API, from a connection of our own that first opens a
read transaction and holds it to the end. In WAL mode a reader blocks no writer, so citizens
keep filing while the pages are copied; and the held snapshot keeps the copy consistent as of
its first moment. Without it, every commit by another connection makes SQLite restart the copy
from page one, and a busy bot could keep it restarting for ever. The copy is written in steps
(the GIL is free during each) to a temporary file, switched out of WAL mode so that it is one
self-contained file, checked with ``PRAGMA integrity_check`` and only then renamed into place.

Putting one back: the file is copied beside the database, the copy checked (whole integrity
check, a schema version this code knows), and only then does anything happen to the database.
A running bot is recognised by SQLite itself: leaving WAL mode needs every other connection
gone, and fails with "database is locked" while a bot holds it (``BEGIN EXCLUSIVE`` would
not: in WAL mode it excludes writers only, and an idle bot writes nothing). The old file is
kept under another name (a hard link, so the swap is one atomic rename) together with any
``-wal``/``-shm``/``-journal`` of its own: left beside the new file, SQLite would replay them
into it.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import os
import shutil
import sqlite3
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from bot.storage.db import SMALL_CACHE, migrations

SQLITE_HEADER = b"SQLite format 3\x00"
STEP_PAGES = 512  # 2 MB of 4 KB pages a step
STEP_PAUSE_S = 0.002  # the bot's writer gets the disk between steps
BUSY_TIMEOUT_S = 5.0  # for the snapshot: as long as the bot waits for its own lock
LOCK_WAIT_S = 0.5  # restore: a bot holding the database will not let go in this time
SIDE_FILES = ("-wal", "-shm", "-journal")
PROBLEMS_SHOWN = 3


class BackupError(Exception):
    """A copy cannot be taken or put back; one line that names the file and says why."""


@dataclass(frozen=True, slots=True)
class Copy:
    """A checked copy of the database."""

    path: Path
    schema: int  # PRAGMA user_version: the last migration applied
    size: int  # bytes


@dataclass(frozen=True, slots=True)
class Restored:
    database: Path
    source: Path
    schema: int
    kept: Path | None  # the database it replaced, under its new name (None: there was none)


def shipped_schema() -> int:
    """The newest schema this code can open: its highest migration number."""
    return max((number for number, _, _ in migrations()), default=0)


def take(database: Path, out: Path) -> Copy:
    """Copy ``database`` (live or not) to ``out``, which must not exist yet; blocks, so the
    bot calls :func:`take_in_thread`."""
    if not database.is_file():
        raise BackupError(f"{database}: no such database")
    if out.exists():
        raise BackupError(f"{out}: already exists; remove it or choose another name")
    if out.parent.exists() and not out.parent.is_dir():
        raise BackupError(f"{out.parent}: not a folder")
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        partial = _temporary(out, ".partial")
    except OSError as error:
        raise BackupError(f"{out}: cannot write: {_reason(error)}") from None
    try:
        _copy(database, partial, source_uri=f"{database.resolve().as_uri()}?mode=rw")
        schema = _sound(partial, shown_as=database)
        _sync(partial)
        os.replace(partial, out)
        _sync(out.parent)
    except BackupError:
        _remove(partial)
        raise
    except (sqlite3.Error, OSError) as error:
        _remove(partial)
        raise BackupError(f"{database} -> {out}: {_reason(error)}") from None
    return Copy(out, schema, out.stat().st_size)


async def take_in_thread(database: Path, out: Path) -> Copy:
    """:func:`take` off the event loop: the bot goes on answering while the pages are copied."""
    return await asyncio.to_thread(take, database, out)


def restore(source: Path, database: Path, now: dt.datetime) -> Restored:
    """Replace ``database`` by a checked copy of ``source``; the old file is kept beside it,
    named after ``now`` (local time). Nothing is touched unless every check passes."""
    _require_sqlite(source)
    if database.exists() and source.resolve() == database.resolve():
        raise BackupError(f"{source}: this is the database itself")
    try:
        database.parent.mkdir(parents=True, exist_ok=True)
        incoming = _temporary(database, ".restoring")
    except OSError as error:
        raise BackupError(f"{database}: cannot write beside it: {_reason(error)}") from None
    try:
        try:
            _copy(source, incoming, source_uri=f"{source.resolve().as_uri()}?mode=ro")
            schema = _known_schema(_sound(incoming, shown_as=source), shown_as=source)
        except sqlite3.OperationalError as error:  # unreadable, or no room beside the database
            raise BackupError(f"{source}: not copied beside {database}: {_reason(error)}") from None
        except sqlite3.Error as error:
            raise BackupError(f"{source}: damaged: {_reason(error)}") from None
        _sync(incoming)
        kept = _swap(incoming, database, now)
    except BackupError:
        _remove(incoming)
        raise
    except OSError as error:
        _remove(incoming)
        raise BackupError(f"{database}: not replaced: {_reason(error)}") from None
    return Restored(database, source, schema, kept)


def _copy(source: Path, target: Path, *, source_uri: str) -> None:
    src = sqlite3.connect(source_uri, uri=True, timeout=BUSY_TIMEOUT_S, isolation_level=None)
    try:
        src.execute(SMALL_CACHE)
        # The snapshot: held across the steps, it keeps the copy consistent and unrestarted.
        src.execute("BEGIN")
        src.execute("SELECT count(*) FROM sqlite_master").fetchone()
        dst = sqlite3.connect(target, isolation_level=None)
        try:
            dst.execute(SMALL_CACHE)
            src.backup(dst, pages=STEP_PAGES, progress=_pause)
            # The copy carries the source's WAL flag; one self-contained file is what we keep.
            dst.execute("PRAGMA journal_mode=DELETE").fetchone()
        finally:
            dst.close()
        src.execute("COMMIT")
    finally:
        src.close()


def _pause(status: int, remaining: int, total: int) -> None:
    if remaining:
        time.sleep(STEP_PAUSE_S)


def _sound(path: Path, *, shown_as: Path) -> int:
    """The copy's schema version, once the whole integrity check has passed (``quick_check``
    does not hold the indexes against their tables)."""
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        conn.execute(SMALL_CACHE)
        said = [str(row[0]) for row in conn.execute("PRAGMA integrity_check(100)")]
        if said != ["ok"]:
            problems = [
                line.strip()
                for text in said
                for line in text.splitlines()
                if line.strip() and not line.startswith("***")  # "*** in database main ***"
            ]
            shown = "; ".join(problems[:PROBLEMS_SHOWN])
            more = len(problems) - PROBLEMS_SHOWN
            shown += f" (and {more} more)" if more > 0 else ""
            raise BackupError(f"{shown_as}: damaged: integrity check says: {shown}")
        return int(conn.execute("PRAGMA user_version").fetchone()[0])
    finally:
        conn.close()


def _known_schema(schema: int, *, shown_as: Path) -> int:
    """A schema this code can open: an older one it migrates; a newer one could hold what it
    would misread or drop."""
    if schema == 0:
        raise BackupError(f"{shown_as}: no schema version: not a copy of this bot's database")
    newest = shipped_schema()
    if schema > newest:
        raise BackupError(
            f"{shown_as}: schema version {schema} is newer than this bot's ({newest}); "
            "update the bot before restoring it"
        )
    return schema


def _require_sqlite(path: Path) -> None:
    try:
        with path.open("rb") as file:
            head = file.read(len(SQLITE_HEADER))
    except FileNotFoundError:
        raise BackupError(f"{path}: no such file") from None
    except OSError as error:
        raise BackupError(f"{path}: cannot read: {_reason(error)}") from None
    if head != SQLITE_HEADER:
        raise BackupError(f"{path}: not an SQLite database (it lacks SQLite's file header)")


def _swap(incoming: Path, database: Path, now: dt.datetime) -> Path | None:
    """Put ``incoming`` in place of ``database`` in one rename, the old file kept aside; while
    the old file is locked, so that no bot opens it half-way."""
    hold = _hold(database)
    try:
        kept = _kept_name(database, now)
        stray = [(_side(database, s), _side(kept, s)) for s in SIDE_FILES]
        if database.exists():
            try:
                os.link(database, kept)
            except OSError:  # no hard links here: a copy (closing it lets go of our lock,
                shutil.copy2(database, kept)  # POSIX locks being per process, for an instant)
        for old, new in stray:
            if old.exists():
                os.replace(old, new)
        os.replace(incoming, database)
        _sync(database.parent)
    finally:
        if hold is not None:
            with contextlib.suppress(sqlite3.Error):
                hold.execute("ROLLBACK")
            hold.close()
    return kept if any(p.exists() for p in (kept, *(new for _, new in stray))) else None


def _hold(database: Path) -> sqlite3.Connection | None:
    """An exclusive lock on the current database, refused while a bot has it open."""
    if not database.exists():
        return None
    uri = f"{database.resolve().as_uri()}?mode=rw"
    conn = sqlite3.connect(uri, uri=True, timeout=LOCK_WAIT_S, isolation_level=None)
    try:
        mode = conn.execute("PRAGMA journal_mode=DELETE").fetchone()[0]
        if str(mode).lower() != "delete":  # still in WAL mode: another connection has it
            raise sqlite3.OperationalError("database is locked")
        conn.execute("BEGIN EXCLUSIVE")
    except sqlite3.OperationalError as error:
        conn.close()
        if "locked" in str(error) or "busy" in str(error):
            raise BackupError(
                f"{database}: in use by a running bot; stop it, restore, then start it again"
            ) from None
        raise BackupError(f"{database}: cannot lock it: {_reason(error)}") from None
    except sqlite3.DatabaseError:
        # Not a database (or damaged beyond reading): no bot runs on it; it is kept all the same.
        conn.close()
        return None
    return conn


def _kept_name(database: Path, now: dt.datetime) -> Path:
    base = f"{database.name}.before-restore-{now:%Y%m%d-%H%M%S}"
    kept, n = database.with_name(base), 1
    while kept.exists() or any(_side(kept, s).exists() for s in SIDE_FILES):
        n += 1
        kept = database.with_name(f"{base}-{n}")
    return kept


def _side(path: Path, suffix: str) -> Path:
    return path.with_name(path.name + suffix)


def _temporary(beside: Path, suffix: str) -> Path:
    handle, name = tempfile.mkstemp(prefix=f"{beside.name}.", suffix=suffix, dir=beside.parent)
    os.close(handle)
    return Path(name)


def _remove(path: Path) -> None:
    for name in (path, *(_side(path, s) for s in SIDE_FILES)):
        with contextlib.suppress(FileNotFoundError):
            name.unlink()


def _sync(path: Path) -> None:
    """On disk before it counts: a copy that a power cut leaves half-written is worse than
    none. A folder that cannot be opened for it (some systems) still had its rename."""
    if path.is_dir():
        with contextlib.suppress(OSError):
            handle = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
            try:
                os.fsync(handle)
            finally:
                os.close(handle)
        return
    with path.open("rb") as file:
        os.fsync(file.fileno())


def _reason(error: BaseException) -> str:
    if isinstance(error, OSError) and error.strerror:
        return error.strerror
    return str(error) or type(error).__name__
