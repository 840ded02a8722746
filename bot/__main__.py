"""Command line: ``python -m bot run`` (Telegram, or the local shell without a token),
``python -m bot unit load FILE``."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import signal
import sys
from pathlib import Path

from bot.config import Settings, SettingsError, load_settings
from bot.logs import setup_logging


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
    secrets = [settings.token.get_secret_value()] if settings.token else []
    if settings.token is None:
        from bot.shell import run_shell

        setup_logging("WARNING", secrets)
        with contextlib.suppress(KeyboardInterrupt):
            asyncio.run(run_shell(settings))
        return 0
    setup_logging(settings.log_level, secrets)
    asyncio.run(_serve(settings))
    return 0


def cmd_shell(_: argparse.Namespace) -> int:
    from bot.shell import run_shell

    settings = _settings()
    setup_logging("WARNING", [])
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(run_shell(settings))
    return 0


def cmd_unit_load(args: argparse.Namespace) -> int:
    from bot.services.unit import UnitService
    from bot.storage.db import Database
    from bot.storage.documents import DocumentRepository
    from bot.yamldoc import DocumentError

    settings = _settings()
    path = Path(args.file)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        print(f"{path}: cannot read: {exc}", file=sys.stderr)
        return 1

    async def load() -> int:
        async with Database(settings.database) as db:
            service = UnitService(DocumentRepository(db))
            return await service.replace(text, author_id=None, filename=str(path))

    try:
        version = asyncio.run(load())
    except DocumentError as exc:
        print("\n".join(exc.lines()), file=sys.stderr)
        print("Nothing was changed.", file=sys.stderr)
        return 1
    print(f"Unit profile updated to version {version} in {settings.database}.")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("run", help="serve Telegram (BOT_TOKEN set) or open the local chat shell")
    sub.add_parser("shell", help="open the local chat shell even if BOT_TOKEN is set")
    unit = sub.add_parser("unit", help="the unit's profile")
    unit_sub = unit.add_subparsers(dest="unit_command", required=True)
    load = unit_sub.add_parser("load", help="validate and apply a unit.yaml")
    load.add_argument("file")
    args = parser.parse_args(argv)
    handlers = {"run": cmd_run, "shell": cmd_shell}
    if args.command == "unit":
        return cmd_unit_load(args)
    return handlers[args.command](args)


if __name__ == "__main__":
    raise SystemExit(main())
