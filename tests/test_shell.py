"""`make run` without a token: the local chat shell greets in Vietnamese and buttons work."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

from tests.conftest import bot_process_env


async def _read_until(stream: asyncio.StreamReader, marker: str, seen: list[str]) -> None:
    async def scan() -> None:
        while True:
            line = await stream.readline()
            if not line:
                raise AssertionError(f"shell ended before {marker!r}:\n" + "".join(seen))
            seen.append(line.decode())
            if marker in seen[-1]:
                return

    try:
        await asyncio.wait_for(scan(), 20)
    except TimeoutError:
        raise AssertionError(f"no {marker!r} in shell output:\n" + "".join(seen)) from None


async def test_shell_greets_and_presses_numbered_buttons(tmp_path: Path) -> None:
    env = bot_process_env(BOT_DATABASE=str(tmp_path / "shell.sqlite3"))
    shell = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        "run",
        cwd=tmp_path,
        env=env,
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    assert shell.stdin is not None and shell.stdout is not None
    seen: list[str] = []
    try:
        await _read_until(shell.stdout, "[5] 🌐 Ngôn ngữ / Language", seen)
        output = "".join(seen)
        assert "Trò chuyện thử với bot" in output
        assert "Xin chào Lan! 👋" in output
        assert "[1] 📋 Hỏi về thủ tục hành chính" in output
        assert "\033[" not in output  # no colour codes when not on a terminal

        shell.stdin.write(b"5\n")
        await _read_until(shell.stdout, "[2] 🇬🇧 English", seen)
        shell.stdin.write(b"2\n")
        await _read_until(shell.stdout, "Switched to English.", seen)

        shell.stdin.write(b"hello there\n")
        await _read_until(shell.stdout, "Sorry, I could not find a procedure matching", seen)

        shell.stdin.write(b":nonsense\n:quit\n")
        await shell.stdin.drain()
        rest, errors = await asyncio.wait_for(shell.communicate(), 20)
    finally:
        if shell.returncode is None:
            shell.kill()
            await shell.wait()
    assert "Không có lệnh :nonsense" in rest.decode()
    assert shell.returncode == 0, errors.decode()
    assert "Traceback" not in errors.decode()
