"""``python -m bot run`` serves any Bot-API server on loopback by long polling."""

from __future__ import annotations

import asyncio
import signal
import socket
import sys
from pathlib import Path

from bench.harness import service_command
from bot.standin import StandIn
from tests.conftest import TOKEN, bot_process_env


async def test_bot_process_serves_the_standin_and_stops_cleanly(
    standin: StandIn, tmp_path: Path
) -> None:
    """Started as a ward's service starts it: ``python -OO``, without docstrings or asserts."""
    env = bot_process_env(
        BOT_TOKEN=TOKEN, BOT_API_URL=standin.api_url, BOT_DATABASE=str(tmp_path / "bot.sqlite3")
    )
    command = service_command()
    assert command[1:] == ["-OO", "-m", "bot", "run"]
    process = await asyncio.create_subprocess_exec(
        *command,
        cwd=tmp_path,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        user = standin.user(801, "Lan", language_code="vi")
        reply = await user.reply("/start", timeout=20)
        assert reply.plain.startswith("Xin chào Lan!")
    finally:
        process.send_signal(signal.SIGTERM)
        _, stderr = await asyncio.wait_for(process.communicate(), 30)
    assert process.returncode == 0, stderr.decode()
    log = stderr.decode()
    assert "serving" in log
    assert TOKEN.split(":")[1] not in log
    assert (tmp_path / "bot.sqlite3").exists()


async def test_a_webhook_port_in_use_is_one_line_naming_the_settings(
    standin: StandIn, tmp_path: Path
) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        env = bot_process_env(
            BOT_TOKEN=TOKEN,
            BOT_API_URL=standin.api_url,
            BOT_DATABASE=str(tmp_path / "bot.sqlite3"),
            BOT_WEBHOOK_URL=f"http://127.0.0.1:{port}/hook",
            BOT_WEBHOOK_PORT=str(port),
        )
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot", "run", cwd=tmp_path, env=env,
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
        )  # fmt: skip
        _, stderr = await asyncio.wait_for(process.communicate(), 30)
    said = stderr.decode()
    assert process.returncode == 2, said
    assert f"BOT_WEBHOOK_LISTEN/BOT_WEBHOOK_PORT: cannot listen on 127.0.0.1:{port}" in said
    assert "Traceback" not in said
    assert not standin.calls_to("setWebhook")  # Telegram was not sent to a dead address
