"""Command line: ``python -m bot run`` (Telegram, or the local shell without a token),
``python -m bot files load FILE``, ``python -m bot catalogue import EXPORT``, ``python -m bot
report --from … --to … --out report.xlsx``, ``python -m bot backup [FILE]``, ``python -m bot
restore FILE``, ``python -m bot people export ID --out FILE``."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import datetime as dt
import signal
import sys
from collections.abc import AsyncIterator
from pathlib import Path
from typing import TYPE_CHECKING

from bot.config import Settings, SettingsError, load_settings
from bot.logs import redact, setup_logging

if TYPE_CHECKING:
    from bot.handlers.context import Services

# What `files load` and `files restore` take; the bot's DocumentService is the authority (a
# test checks that this list names each of its files).
EDITABLE_FILES = (
    "unit.yaml",
    "lexicon.yaml",
    "flows.yaml",
    "departments.yaml",
    "faq.yaml",
    "phrasings.yaml",
    "aliases.yaml",
    "english.yaml",
)


def _settings() -> Settings:
    try:
        return load_settings()
    except SettingsError as exc:
        print(f"Configuration error: {exc}", file=sys.stderr)
        raise SystemExit(2) from None


async def _serve(settings: Settings) -> None:
    from bot.app import create_app, serve_forever

    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError):
            loop.add_signal_handler(sig, stop.set)
    await serve_forever(create_app(settings), stop)


def cmd_run(_: argparse.Namespace) -> int:
    settings = _settings()
    secrets = [s.get_secret_value() for s in (settings.token, settings.http_token) if s]
    if settings.token is None:
        from bot.shell import run_shell

        setup_logging("WARNING", secrets)
        with contextlib.suppress(KeyboardInterrupt):
            asyncio.run(run_shell(settings))
        return 0
    setup_logging(settings.log_level, secrets)
    from telegram.error import InvalidToken, NetworkError

    try:
        asyncio.run(_serve(settings))
    except SettingsError as exc:
        print(f"Configuration error: {exc}", file=sys.stderr)
        return 2
    except InvalidToken:  # Telegram's 401, or a 404 from a wrong address
        print(
            "Configuration error: BOT_TOKEN or BOT_API_URL: the Bot API refused the token "
            f"(is BOT_API_URL={redact(settings.api_url, secrets)} right?)",
            file=sys.stderr,
        )
        return 2
    except NetworkError as exc:
        print(
            f"Cannot reach the Bot API at BOT_API_URL={redact(settings.api_url, secrets)}: "
            f"{redact(str(exc), secrets)}",
            file=sys.stderr,
        )
        return 2
    return 0


def cmd_shell(_: argparse.Namespace) -> int:
    from bot.shell import run_shell

    settings = _settings()
    setup_logging("WARNING", [])
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(run_shell(settings))
    return 0


async def _check_database(path: Path) -> None:
    from bot.storage.db import Database

    async with Database(path):
        pass


def cmd_catalogue_import(args: argparse.Namespace) -> int:
    """Clean an export of the national portal and store it (or write the shipped file)."""
    from bot.catalogue.importer import clean_export, write_catalogue
    from bot.storage.db import Database
    from bot.storage.procedures import ProcedureRepository

    path = Path(args.file)
    if not path.is_file():
        print(f"{path}: no such file", file=sys.stderr)
        return 1
    settings = None if args.export else _settings()
    if settings is not None:  # a database that cannot take the result: say so before cleaning
        asyncio.run(_check_database(settings.database))
    tty = sys.stderr.isatty()

    def progress(line: int) -> None:
        if (tty and line % 25 == 0) or line % 500 == 0:
            print(f"\r{path.name}: line {line}", end="" if tty else "\n", file=sys.stderr)

    result = clean_export(path, all_levels=args.all_levels, progress=progress)
    if tty:
        print(file=sys.stderr)
    for problem in result.refused:
        print(f"{path}:{problem.line}: refused {problem}", file=sys.stderr)
    for problem in result.warnings:
        print(f"{path}:{problem.line}: note {problem}", file=sys.stderr)
    print(
        f"{result.lines} lines: {len(result.procedures)} procedures cleaned, "
        f"{len(result.refused)} refused, {len(result.warnings)} notes"
        + ("" if args.all_levels else f", {result.other_levels} not at the ward level (skipped)")
    )
    if args.export:
        write_catalogue(result.procedures, Path(args.export))
        print(f"wrote {args.export}")
        return 0
    assert settings is not None

    async def store() -> str:
        async with Database(settings.database) as db:
            counts = await ProcedureRepository(db).replace(result.procedures, prune=args.prune)
        return (
            f"{settings.database}: {counts.added} added, {counts.changed} changed, "
            f"{counts.unchanged} unchanged, {counts.removed} removed"
        )

    print(asyncio.run(store()))
    print("Restart the bot to use the new catalogue.")
    return 0


@contextlib.asynccontextmanager
async def _services(settings: Settings) -> AsyncIterator[Services]:
    """The bot's services without Telegram, as the CLI commands use them."""
    from bot.app import open_services
    from bot.storage.db import Database

    db = Database(settings.database)
    services = await open_services(settings, db)
    try:
        yield services
    finally:
        await services.close()
        await db.close()


def cmd_files(args: argparse.Namespace) -> int:
    """Load an edited data file (one of EDITABLE_FILES) or restore the previous version,
    exactly as an admin would through the bot."""
    from bot.services.documents import NoPreviousVersion
    from bot.yamldoc import DocumentError

    settings = _settings()
    path = Path(args.file) if args.files_command == "load" else None
    name = path.name if path is not None else args.name
    text = ""
    if path is not None:
        try:
            text = path.read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as exc:
            print(f"{path}: cannot read: {exc}", file=sys.stderr)
            return 1

    async def apply() -> int:
        async with _services(settings) as services:
            if not services.documents.handles(name):
                known = ", ".join(services.documents.names)
                raise SystemExit(f"{name}: not an editable file (expected one of: {known})")
            if path is not None:
                return await services.documents.replace(name, text, None, shown_as=str(path))
            return await services.documents.restore_previous(name, None)

    try:
        version = asyncio.run(apply())
    except DocumentError as exc:
        from bot.i18n import I18n

        print("\n".join(exc.lines(I18n(settings.default_language).texts("en"))), file=sys.stderr)
        print("Nothing was changed.", file=sys.stderr)
        return 1
    except NoPreviousVersion:
        print(f"{name}: there is no earlier version to restore.", file=sys.stderr)
        return 1
    print(f"{name} is now version {version} in {settings.database}; restart a running bot.")
    return 0


def cmd_dossiers(args: argparse.Namespace) -> int:
    """Import the one-stop software's CSV export, or print a dossier's receipt link (and write
    its QR code), as the office's staff would through the bot."""
    from bot.ui.dossiers import follow_link, qr_png, refusal_text

    settings = _settings()
    data = b""
    if args.dossiers_command == "import":
        try:
            data = Path(args.file).read_bytes()
        except OSError as exc:
            print(f"{args.file}: cannot read: {exc.strerror}", file=sys.stderr)
            return 1

    async def work() -> int:
        async with _services(settings) as services:
            if args.dossiers_command == "import":
                report = await services.dossiers.import_csv(data, args.file, "cli")
                english = services.i18n.texts("en")
                for problem in report.refused:
                    print(f"refused {refusal_text(english, problem)}", file=sys.stderr)
                print(
                    f"{args.file}: {report.created} created, {report.changed} changed, "
                    f"{report.unchanged} unchanged, {len(report.refused)} refused; "
                    f"{report.told} follower notifications queued (a running bot sends them)."
                )
                return 1 if report.refused else 0
            from bot.domain.dossiers import normal_code

            code = normal_code(args.code)
            dossier = await services.dossiers.get(code) if code else None
            if dossier is None:
                print(f"{args.code}: no such dossier in {settings.database}", file=sys.stderr)
                return 1
            if not settings.username:
                print("Set BOT_USERNAME (the bot's @name) to make links.", file=sys.stderr)
                return 2
            link = follow_link(settings.username, dossier)
            print(f"{dossier.code}  check value {dossier.check_value}  {link}")
            if args.qr:
                await asyncio.to_thread(Path(args.qr).write_bytes, qr_png(link))
                print(f"QR code written to {args.qr}")
            return 0

    return asyncio.run(work())


def _day(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a date (YYYY-MM-DD)") from None


def _moment(value: str) -> dt.datetime:
    try:
        moment = dt.datetime.fromisoformat(value)
    except ValueError:
        moment = None
    if moment is None or moment.tzinfo is None:
        raise argparse.ArgumentTypeError(
            f"{value!r} is not a moment with its offset (YYYY-MM-DDTHH:MM+07:00)"
        )
    return moment


def cmd_report(args: argparse.Namespace) -> int:
    """The leadership's spreadsheet for chosen days, as ``/xuatbaocao`` sends it (names and
    phone numbers masked unless ``--names``)."""
    from bot.app import open_reporting
    from bot.domain.figures import Depth, Period, PeriodKind
    from bot.handlers.figures import export
    from bot.storage.db import Database
    from bot.ui.spreadsheet import workbook

    if args.last < args.first:
        print("--to: the last day comes before --from", file=sys.stderr)
        return 2
    settings = _settings()

    async def work() -> int:
        db = Database(settings.database)
        reporting = await open_reporting(settings, db)
        try:
            if args.at is not None:  # the bot's own moment, which a test or the shell moves
                reporting.clock.travel(args.at)
            figures = reporting.figures
            period = Period(PeriodKind.DATES, args.first, args.last)
            now, before = await figures.compared(period, before=Depth.TOTALS)
            texts = reporting.i18n.texts(args.language or settings.default_language)
            sheets = export.sheets(
                texts, reporting.departments.routing, settings.tz, now, before,
                await figures.tickets(period), names=args.names,
            )  # fmt: skip
            data = workbook(sheets)
            said = (
                f"{args.out}: {now.tickets.received} complaints and questions, "
                f"{now.dossiers.received} dossiers received, {args.first} to {args.last}"
            )
            if args.out == "-":  # for the bot's /xuatbaocao, which runs this command
                sys.stdout.buffer.write(data)
                print(said, file=sys.stderr)
            else:
                await asyncio.to_thread(Path(args.out).write_bytes, data)
                print(said)
            return 0
        finally:
            await db.close()

    return asyncio.run(work())


def cmd_people(args: argparse.Namespace) -> int:
    """Everything the bot holds about one person, as the admins' ``/xuatdulieu`` sends it: for
    a request under Decree 13/2023, answered from the server."""
    import json

    from bot.domain.privacy import subject_of
    from bot.domain.tickets import NOBODY
    from bot.services.privacy import PrivacyService
    from bot.storage.db import Database
    from bot.storage.outbox import OutboxRepository
    from bot.storage.privacy import PrivacyRepository
    from bot.storage.tickets import TicketRepository

    subject = subject_of(args.subject)
    if subject is None:
        print("ID: a user id (123456789) or a request's code (PA-000123)", file=sys.stderr)
        return 2
    settings = _settings()

    async def work() -> int:
        async with Database(settings.database) as db:
            privacy = PrivacyService(
                db,
                PrivacyRepository(db),
                OutboxRepository(db),
                TicketRepository(db),
                months=settings.personal_data_months,
            )
            user_id = subject.user_id
            if subject.ticket_id is not None:
                user_id = await privacy.owner_of(subject.ticket_id)
                if user_id is None or user_id == NOBODY:
                    said = "no such request" if user_id is None else "its citizen erased their data"
                    print(f"{args.subject}: {said}; nothing exported", file=sys.stderr)
                    return 1
            assert user_id is not None  # a subject names a user or a ticket
            data = await privacy.export(user_id)
        if data is None:
            print(f"nothing is held about user {user_id}; nothing exported", file=sys.stderr)
            return 1
        text = json.dumps(data, ensure_ascii=False, indent=2) + "\n"
        if args.out == "-":
            sys.stdout.write(text)
            return 0
        await asyncio.to_thread(Path(args.out).write_text, text, encoding="utf-8")
        print(
            f"{args.out}: user {user_id}, {len(data['tickets'])} complaints and questions, "
            f"{len(data['dossiers_followed'])} dossiers followed"
        )
        return 0

    return asyncio.run(work())


def _size(size: int) -> str:
    return f"{size / 1_000_000:.1f} MB" if size >= 100_000 else f"{size / 1000:.0f} kB"


def cmd_backup(args: argparse.Namespace) -> int:
    """A consistent copy of the database, safe while the bot runs (SQLite's online backup)."""
    from bot.clock import Clock
    from bot.storage.backup import BackupError, take

    settings = _settings()
    if args.file is not None:
        out = Path(args.file)
    else:
        moment = Clock().now().astimezone(settings.tz)
        out = settings.backup_folder / f"bot-manual-{moment:%Y-%m-%d-%H%M%S}.sqlite3"
    try:
        copy = take(settings.database, out)
    except BackupError as exc:
        print(f"Backup failed: {exc}", file=sys.stderr)
        return 1
    print(
        f"{settings.database} copied to {copy.path} ({_size(copy.size)}, schema version "
        f"{copy.schema}, integrity check ok)"
    )
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    """Put a backup in place of the database, once it has passed the checks; the replaced
    file is kept beside it."""
    from bot.clock import Clock
    from bot.storage.backup import BackupError, restore, shipped_schema

    settings = _settings()
    moment = Clock().now().astimezone(settings.tz)
    try:
        done = restore(Path(args.file), settings.database, moment)
    except BackupError as exc:
        print(f"Not restored: {exc}", file=sys.stderr)
        print(f"Nothing was changed in {settings.database}.", file=sys.stderr)
        return 1
    print(f"{done.database} restored from {done.source} (schema version {done.schema}).")
    if done.kept is not None:
        print(f"The database it replaced is kept as {done.kept}.")
    else:
        print(f"There was no database at {done.database} before.")
    if done.schema < shipped_schema():
        print(f"The bot brings it to schema version {shipped_schema()} when it starts.")
    print("Start the bot to use it.")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("run", help="serve Telegram (BOT_TOKEN set) or open the local chat shell")
    sub.add_parser("shell", help="open the local chat shell even if BOT_TOKEN is set")
    editable = ", ".join(EDITABLE_FILES)
    files = sub.add_parser(
        "files",
        help=f"data files admins edit: {editable}",
        description=f"Load or restore a data file admins edit: {editable}.",
    )
    files_sub = files.add_subparsers(dest="files_command", required=True)
    load = files_sub.add_parser("load", help="validate and store an edited file")
    load.add_argument("file", help=f"the edited file, named as the original: {editable}")
    restore = files_sub.add_parser("restore", help="go back to a file's previous version")
    restore.add_argument("name", help=f"one of: {editable}")
    catalogue = sub.add_parser("catalogue", help="the procedure catalogue")
    catalogue_sub = catalogue.add_subparsers(dest="catalogue_command", required=True)
    imp = catalogue_sub.add_parser(
        "import", help="clean an export of the national portal (JSON lines) and store it"
    )
    imp.add_argument("file")
    imp.add_argument("--all-levels", action="store_true", help="keep procedures of every level")
    imp.add_argument("--prune", action="store_true", help="remove procedures not in the file")
    imp.add_argument("--export", metavar="OUT", help="write a .jsonl.gz instead of storing")
    dossiers = sub.add_parser("dossiers", help="dossiers of the one-stop office")
    dossiers_sub = dossiers.add_subparsers(dest="dossiers_command", required=True)
    dossiers_import = dossiers_sub.add_parser(
        "import", help="apply the one-stop software's CSV export (safe to import again)"
    )
    dossiers_import.add_argument("file")
    dossiers_link = dossiers_sub.add_parser("link", help="a dossier's receipt link and QR code")
    dossiers_link.add_argument("code")
    dossiers_link.add_argument("--qr", metavar="OUT.png", help="write the QR code as a PNG")
    report = sub.add_parser("report", help="the leadership's figures as a spreadsheet (.xlsx)")
    report.add_argument("--from", dest="first", type=_day, required=True, help="first day")
    report.add_argument("--to", dest="last", type=_day, required=True, help="last day")
    report.add_argument("--out", required=True, metavar="OUT.xlsx", help="- for stdout")
    report.add_argument("--names", action="store_true", help="citizens' names and phones")
    report.add_argument("--language", choices=("vi", "en"), help="default: BOT_DEFAULT_LANGUAGE")
    report.add_argument(
        "--at", type=_moment, help="count open and overdue as at this moment (default: now)"
    )
    backup = sub.add_parser(
        "backup",
        help="copy the database, safe while the bot runs",
        description="Copy the database consistently, safe while the bot runs (SQLite's online "
        "backup), and check the copy. The running bot also makes one a day itself: "
        "BOT_BACKUP_TIME, BOT_BACKUP_KEEP, BOT_BACKUP_DIR.",
    )
    backup.add_argument(
        "file",
        nargs="?",
        metavar="FILE",
        help="where to write the copy (must not exist); default: "
        "BOT_BACKUP_DIR/bot-manual-YYYY-MM-DD-HHMMSS.sqlite3 (local time), which the daily "
        "clean-up never deletes",
    )
    restore_db = sub.add_parser(
        "restore",
        help="replace the database by a backup (stop the bot first)",
        description="Check a backup (whole integrity check, a schema version this bot knows) "
        "and only then put it in place of BOT_DATABASE; the replaced file is kept beside it "
        "as NAME.before-restore-YYYYMMDD-HHMMSS. Refused while a bot has the database open.",
    )
    restore_db.add_argument("file", metavar="FILE", help="a copy made by `backup`")
    people = sub.add_parser("people", help="one person's data (Decree 13/2023)")
    people_sub = people.add_subparsers(dest="people_command", required=True)
    people_export = people_sub.add_parser(
        "export",
        help="everything the bot holds about one person, as JSON (what /xuatdulieu sends)",
    )
    people_export.add_argument("subject", metavar="ID", help="a user id, or PA-000123")
    people_export.add_argument("--out", required=True, metavar="FILE", help="- for stdout")
    args = parser.parse_args(argv)
    handlers = {
        "run": cmd_run,
        "shell": cmd_shell,
        "files": cmd_files,
        "catalogue": cmd_catalogue_import,
        "dossiers": cmd_dossiers,
        "report": cmd_report,
        "backup": cmd_backup,
        "restore": cmd_restore,
        "people": cmd_people,
    }
    from bot.storage.db import DatabaseUnavailable

    try:
        return handlers[args.command](args)
    except DatabaseUnavailable as exc:
        print(f"Configuration error: BOT_DATABASE: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    raise SystemExit(main())
