"""`make run` without a token: the local chat shell greets in Vietnamese, buttons work, and a
complaint can be followed from both sides."""

from __future__ import annotations

import asyncio
import sys
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import IO

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


@asynccontextmanager
async def _shell(
    tmp_path: Path, stdin: int | IO[bytes] = asyncio.subprocess.PIPE
) -> AsyncIterator[asyncio.subprocess.Process]:
    """``python -m bot run`` with no token, as ``make run`` starts it, typed into through a
    pipe unless ``stdin`` says otherwise; killed if a test leaves it running."""
    shell = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        "run",
        cwd=tmp_path,
        env=bot_process_env(BOT_DATABASE=str(tmp_path / "shell.sqlite3")),
        stdin=stdin,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        yield shell
    finally:
        if shell.returncode is None:
            shell.kill()
            await shell.wait()


async def _leave(shell: asyncio.subprocess.Process, line: bytes = b":quit\n") -> tuple[str, str]:
    """Type ``line`` (ending with :quit) and wait for the shell to end: (stdout, stderr)."""
    assert shell.stdin is not None
    shell.stdin.write(line)
    await shell.stdin.drain()
    out, errors = await asyncio.wait_for(shell.communicate(), 20)
    assert shell.returncode == 0, errors.decode()
    return out.decode(), errors.decode()


Say = Callable[[str, str], Awaitable[None]]


def _typist(shell: asyncio.subprocess.Process, seen: list[str]) -> Say:
    """Type a line into the shell and wait until its output shows ``until``."""
    stdin, stdout = shell.stdin, shell.stdout
    assert stdin is not None and stdout is not None

    async def say(line: str, until: str) -> None:
        stdin.write(line.encode() + b"\n")
        await stdin.drain()
        await _read_until(stdout, until, seen)

    return say


async def _greeted(shell: asyncio.subprocess.Process) -> tuple[Say, list[str]]:
    """Once the greeting's menu is shown: a typist, and the output it has seen."""
    assert shell.stdout is not None
    seen: list[str] = []
    await _read_until(shell.stdout, "[5] 🌐 Ngôn ngữ / Language", seen)
    return _typist(shell, seen), seen


async def test_shell_greets_and_presses_numbered_buttons(tmp_path: Path) -> None:
    async with _shell(tmp_path) as shell:
        assert shell.stdin is not None and shell.stdout is not None
        seen: list[str] = []
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

        shell.stdin.write(b"xyzzy plugh\n")
        await _read_until(shell.stdout, "Sorry, I could not find a procedure matching", seen)

        rest, errors = await _leave(shell, b":nonsense\n:quit\n")
    assert "Không có lệnh :nonsense" in rest
    assert "Traceback" not in errors


async def test_a_complaint_followed_in_the_shell_as_citizen_and_as_official(
    tmp_path: Path,
) -> None:
    async with _shell(tmp_path) as shell:
        say, seen = await _greeted(shell)
        await say("/phananh", "[1] ✅ Tôi đồng ý")  # the privacy notice, a first complaint
        await say("1", "[11] Khác")
        await say("2", "Mời anh/chị mô tả sự việc")
        await say("Đèn đường trước số 8 ngõ Thịnh Hào tắt ba tối nay.", "[1] ➡️ Tiếp tục")
        await say("1", "Sự việc ở đâu?")
        await say("1", "[2] ⏭ Bỏ qua")  # the phone keyboard's buttons are numbered too
        await say("2", "[1] 👤 Để tên")
        await say("1", "[1] 📨 Gửi phản ánh")
        await say("1", "✅ Đã nhận phản ánh PA-000001")

        await say(":official", "[1] ✋ Nhận xử lý")
        await say("1", "(thông báo nhanh) Đã nhận xử lý PA-000001.")  # Telegram's pop-up
        assert shell.stdout is not None
        await _read_until(shell.stdout, "📌 Trạng thái: Đang xử lý", seen)  # the alert, edited
        await say(":reply Chị cho biết cột đèn số mấy ạ?", "Đã chuyển tới người dân")
        await say(":citizen", "[1] 💬 Trả lời cán bộ")
        await asyncio.sleep(0.5)  # a person reads before answering; the bot files the id
        await say(":reply Cột số 12 ạ.", "Đã chuyển phần bổ sung cho PA-000001")
        # Back in the group the alert is shown again, so its numbers are on screen.
        back = len(seen)
        await say(":official", "Cột số 12 ạ.")
        assert any("📣 Phản ánh PA-000001" in line for line in seen[back:])
        await say("2", "kết quả giải quyết PA-000001")
        await say(":reply Đã thay bóng đèn.", "Đã ghi nhận kết quả")
        await say(":citizen", "[5] 5 ⭐")
        await say("5", "Cảm ơn anh/chị đã đánh giá 5/5")

        # The shell's officials' group is the one-stop office's too.
        await say(":official", "Bạn đang là cán bộ")
        await say("/hs 000.00.12.H26-261128-0001", "[6] Đã rút hồ sơ")
        await say("1", "(thông báo nhanh) Đã cập nhật 000.00.12.H26-261128-0001: Đã tiếp nhận.")
        await say("7", "Hãy trả lời tin nhắn này")
        await say(":reply 31/12/2030", "Đã đổi ngày hẹn trả hồ sơ 000.00.12.H26-261128-0001")
        await _leave(shell)


async def test_the_shell_reads_a_script_from_a_file(tmp_path: Path) -> None:
    """``make run < script.txt`` plays typed lines from a file, as a pipe or a terminal."""
    script = tmp_path / "script.txt"
    script.write_text("thu 7 co lam viec khong\n:quit\n", encoding="utf-8")
    with script.open("rb") as lines:
        async with _shell(tmp_path, stdin=lines) as shell:
            out, errors = await asyncio.wait_for(shell.communicate(), 30)
    assert shell.returncode == 0, errors.decode()
    assert "Thứ Bảy: 07:30–11:30" in out.decode()
    assert "Traceback" not in errors.decode()


async def test_the_shell_saves_the_chart_and_lets_days_pass(tmp_path: Path) -> None:
    """The shell's citizen is an admin: /thongke's chart is saved where it can be opened, and
    ``:wait`` moves the bot's clock, so a result can be found wanting days later."""
    async with _shell(tmp_path) as shell:
        say, seen = await _greeted(shell)
        await say("/thongke", "[ảnh, đã lưu: ")
        saved = next(line for line in seen if "[ảnh, đã lưu: " in line)
        path = Path(saved.split("[ảnh, đã lưu: ", 1)[1].split("]", 1)[0])
        assert path.parent == tmp_path / "shell-files"
        png = await asyncio.to_thread(path.read_bytes)
        assert png.startswith(b"\x89PNG")
        await say(":wait 2d", "⏩ Đồng hồ của bot đã sang")
        await say(":wait soon", "Cách dùng: :wait 2d")
        await _leave(shell)
