"""The stand-in: a loopback Telegram Bot API server plus simulated people, for end-to-end tests.

A real PTB ``Application`` long-polls it on 127.0.0.1, so the bot under test runs unmodified
while tests play the people it talks to (see :mod:`bot.standin.sims`). The pieces:

- :mod:`~bot.standin.transport`: HTTP, routing, parameter decoding, Telegram's error replies;
- :mod:`~bot.standin.control`: the simulated world and the calls tests make on it;
- :mod:`~bot.standin.methods`: the Bot API methods, registered in :mod:`~bot.standin.registry`;
- :mod:`~bot.standin.markup_check`: escaped markup in what the bot shows people.
"""

from __future__ import annotations

from types import TracebackType

from . import methods  # noqa: F401  (importing registers the Bot API methods)
from .control import ControlApi, Observer
from .errors import ApiError, bad_request
from .limits import Limits
from .params import Upload
from .registry import Handler
from .transport import HttpTransport

__all__ = ["ApiError", "Handler", "Observer", "StandIn", "Upload", "bad_request"]


class StandIn(ControlApi):
    """A loopback Telegram Bot API server plus simulated people, for end-to-end tests."""

    def __init__(
        self,
        token: str = "123456:TEST",
        bot_username: str = "ubnd_demo_bot",
        bot_first_name: str = "UBND Demo",
        limits: Limits | None = None,
    ) -> None:
        super().__init__(token, bot_username, bot_first_name, limits)
        self.port = 0
        self._host = "127.0.0.1"
        self._transport = HttpTransport(self)

    @property
    def api_url(self) -> str:
        """Base URL for PTB's ``base_url``; PTB appends the token."""
        return f"http://{self._host}:{self.port}/bot"

    @property
    def file_url(self) -> str:
        """Base URL for PTB's ``base_file_url``."""
        return f"http://{self._host}:{self.port}/file/bot"

    async def start(self, host: str = "127.0.0.1", port: int = 0) -> None:
        """Listen on ``host:port`` (port 0 picks a free port, see :attr:`port`)."""
        self.updates.reopen()
        bound = await self._transport.start(host, port)
        self._host = host
        self.port = bound

    async def stop(self) -> None:
        """Stop serving; pending long polls are answered first so shutdown is quick."""
        self.updates.close()
        await self.set_webhook(None)
        await self._transport.stop()

    async def __aenter__(self) -> StandIn:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.stop()
