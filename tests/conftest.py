"""Fixtures: the real Application, on a real SQLite file, against the loopback stand-in."""

from __future__ import annotations

import asyncio
import datetime as dt
import os
import subprocess
import sys
import time
from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager
from pathlib import Path
from typing import Any

import pytest
from pydantic import SecretStr

from bot.app import create_app, running
from bot.clock import start_all_clocks_at
from bot.config import Settings
from bot.handlers.context import Services
from bot.handlers.wiring import BotApp
from bot.standin import Limits, StandIn
from bot.standin.sims import UserSim
from bot.standin.state import JSON, SentMessage
from tests import netguard

TOKEN = "4242:TEST-TOKEN-abcdefghijklmnopqrstuvwxyz"
ADMIN_ID = 9001

# The headless browser's fixtures (browser, page, offsite), and the web admin's (web, http).
pytest_plugins = ["tests.browser", "tests.webadmin"]

# Settings must come from the tests alone, not from a developer's .env or shell.
for _name in list(os.environ):
    if _name.startswith("BOT_"):
        del os.environ[_name]


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--clock-at",
        metavar="ISO",
        help="run every bot's clock from this moment (e.g. 2027-02-06T02:00+07:00, Tết at 2 am)",
    )
    parser.addoption(
        "--screenshots",
        metavar="DIR",
        help="where tests/test_web_screens.py keeps the web admin's pages (make screenshots)",
    )


def pytest_configure(config: pytest.Config) -> None:
    netguard.install()
    moment = config.getoption("--clock-at")
    if moment:
        start_all_clocks_at(dt.datetime.fromisoformat(moment))


def pytest_report_header(config: pytest.Config) -> str | None:
    moment = config.getoption("--clock-at")
    return f"bot clocks start at {moment}" if moment else None


def assert_no_markup_errors(server: StandIn) -> None:
    """The bot showed no one escaped markup they had not typed (``&lt;b&gt;``, a stray
    ``<b>``): the trace of text escaped twice, or of a rendered fragment escaped again."""
    errors = server.markup_errors
    assert not errors, "the bot showed escaped markup nobody typed:\n" + "\n".join(map(str, errors))


@pytest.fixture
async def standin() -> AsyncIterator[StandIn]:
    async with StandIn(token=TOKEN, bot_username="ubnd_test_bot", limits=Limits()) as server:
        yield server
    assert_no_markup_errors(server)


@pytest.fixture
def settings(standin: StandIn, tmp_path: Path) -> Settings:
    return Settings(
        _env_file=None,  # type: ignore[call-arg]
        token=SecretStr(TOKEN),
        api_url=standin.api_url,
        database=tmp_path / "bot.sqlite3",
        admins=[ADMIN_ID],
        quiet_hours="off",  # tests that want the night set it and a clock
    )


class BotRunner:
    """Starts and restarts the real bot; ``app`` is the running Application."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.app: BotApp | None = None
        self._running: AbstractAsyncContextManager[Any] | None = None

    async def start(self, **changes: Any) -> BotApp:
        if changes:
            self.settings = self.settings.model_copy(update=changes)
        self.app = create_app(self.settings)
        self._running = running(self.app, poll_timeout=1)
        await self._running.__aenter__()
        return self.app

    async def stop(self) -> None:
        if self._running is not None:
            await self._running.__aexit__(None, None, None)
            self._running = None

    async def restart(self) -> BotApp:
        await self.stop()
        return await self.start()

    @property
    def services(self) -> Services:
        assert self.app is not None and self.app.bot_data.services is not None
        return self.app.bot_data.services

    @property
    def http_url(self) -> str:
        """The running bot's dossier endpoint."""
        assert self.app is not None and self.app.bot_data.http_port is not None
        return f"http://127.0.0.1:{self.app.bot_data.http_port}/dossiers"


@pytest.fixture
async def bot(settings: Settings) -> AsyncIterator[BotRunner]:
    runner = BotRunner(settings)
    await runner.start()
    try:
        yield runner
    finally:
        await runner.stop()


def bot_process_env(**settings: str) -> dict[str, str]:
    """Environment for ``python -m bot`` in a child process: ours, not the developer's."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("BOT_")}
    env.update(PYTHONPATH=str(Path(__file__).resolve().parent.parent), **settings)
    return env


def run_bot(database: Path, *args: str | Path, **settings: str) -> subprocess.CompletedProcess[str]:
    """``python -m bot ARGS`` against ``database`` (and any other ``BOT_*`` settings), as an
    admin would run it."""
    return subprocess.run(
        [sys.executable, "-m", "bot", *map(str, args)],
        env=bot_process_env(BOT_DATABASE=str(database), **settings),
        cwd=database.parent,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


async def alert(user: UserSim, within: float = 5.0) -> JSON:
    """The next answer to a pressed button (the bot answers callbacks outside the chat log)."""
    seen = len(user.callback_answers)
    deadline = time.monotonic() + within
    while len(user.callback_answers) == seen:
        if time.monotonic() > deadline:
            raise AssertionError(f"no answer to the button within {within}s")
        await asyncio.sleep(0.02)
    return user.callback_answers[-1]


async def pressed(user: UserSim, button: str, message: SentMessage | None = None) -> SentMessage:
    reply = await user.click(button, message)
    assert reply is not None, f"nothing came of pressing {button!r}"
    return reply
