"""The aiohttp request layer fails the way python-telegram-bot expects, so its retries, the
outbox and the error handler treat a slow or absent server as they would with httpx. (Every
other test already sends and uploads through it, to the stand-in.)"""

from __future__ import annotations

import asyncio
import socket

import pytest
from aiohttp import web
from telegram import Bot
from telegram.error import NetworkError, TimedOut

from bot.transport import AiohttpRequest

TOKEN = "4242:TRANSPORT-abcdefghijklmnopqrstuvwxyz"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def test_no_server_is_a_network_error() -> None:
    bot = Bot(TOKEN, base_url=f"http://127.0.0.1:{_free_port()}/bot", request=AiohttpRequest())
    with pytest.raises(NetworkError):
        await bot.initialize()  # getMe, to nobody


async def test_a_server_too_slow_is_timed_out() -> None:
    async def slow(_: web.Request) -> web.Response:
        await asyncio.sleep(2)
        return web.json_response({"ok": True, "result": True})

    app = web.Application()
    app.router.add_route("POST", "/{tail:.*}", slow)
    runner = web.AppRunner(app)
    await runner.setup()
    port = _free_port()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    try:
        bot = Bot(
            TOKEN,
            base_url=f"http://127.0.0.1:{port}/bot",
            request=AiohttpRequest(read_timeout=0.2, write_timeout=0.2),
        )
        with pytest.raises(TimedOut):
            await bot.initialize()
    finally:
        await runner.cleanup()
