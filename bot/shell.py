"""The local chat shell: the real bot against the stand-in, a citizen typing in the terminal.

It is how a newcomer meets the bot and how an admin previews a change, with no Telegram
account and no network. Buttons are numbered; typing the number presses one.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import html
import os
import re
import shlex
import stat
import sys
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import SecretStr

from bot.app import create_app, running
from bot.config import Settings
from bot.handlers.context import Services
from bot.i18n import I18n, Texts
from bot.services.departments import DepartmentDirectory
from bot.standin import GroupSim, Limits, SentMessage, StandIn, UserSim
from bot.standin.state import JSON

SHELL_TOKEN = "1000001:LOCAL-SHELL-TOKEN-not-a-real-one"
CITIZEN_ID = 1001
OFFICIAL_ID = 2001
WAIT = re.compile(r"(\d{1,3}(?:\.\d+)?)\s*([dh])")  # ":wait 2d", ":wait 5h"
GROUP_ID = -1001000000001

BOLD, ITALIC, DIM, CYAN, RESET = "\033[1m", "\033[3m", "\033[2m", "\033[36m", "\033[0m"

# A 1x1 PNG, so ":photo" works without a file at hand.
TINY_PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000100e5270de40000000049454e44ae426082"
)


def to_terminal(text: str, enable_colour: bool) -> str:
    """Telegram HTML rendered for a terminal."""
    styles = {"b": BOLD, "strong": BOLD, "i": ITALIC, "em": ITALIC, "code": CYAN, "pre": CYAN}

    def tag(match: re.Match[str]) -> str:
        closing, name = match.group(1), match.group(2).lower()
        if not enable_colour:
            return ""
        if name in styles:
            return RESET if closing else styles[name]
        return ""

    return html.unescape(re.sub(r"<(/?)([a-zA-Z-]+)[^>]*>", tag, text))


@dataclass
class ShellState:
    colour: bool
    as_official: bool = False
    buttoned: dict[int, SentMessage] = field(default_factory=dict)  # chat -> latest with buttons
    seen: dict[int, int] = field(default_factory=dict)  # chat -> messages shown there


class Shell:
    def __init__(
        self,
        standin: StandIn,
        citizen: UserSim,
        group: GroupSim,
        texts: Texts,
        colour: bool,
        files: Path,
    ) -> None:
        self.standin = standin
        self.files = files  # where the pictures and files the bot sends are saved
        self.services: Services | None = None  # once the bot runs
        self.texts = texts
        self.citizen = citizen
        self.official = standin.user(OFFICIAL_ID, "Trần Văn Hùng", language_code="vi")
        self.group = group
        self.state = ShellState(colour=colour)
        standin.on_bot_message(self._show)
        standin.on_callback_answer(self._pop_up)

    def _chat(self) -> int:
        return self.group.chat_id if self.state.as_official else self.citizen.chat_id

    def _show(self, event: str, msg: SentMessage) -> None:
        if msg.chat_id != self._chat() or event == "deleted":
            return
        c, t = self.state.colour, self.texts
        who = t.plain("shell.bot_edited" if event == "edited" else "shell.bot")
        caption = msg.caption or ""
        if (msg.parse_mode or "").upper() != "HTML":
            caption = html.escape(caption)  # plain text: its < and & are characters
        body = (msg.text or "") if msg.kind == "text" else caption
        if msg.kind == "document":
            body = t("shell.document", name=msg.filename, path=self._kept(msg)) + " " + body
        elif msg.kind == "photo":
            body = t("shell.photo", path=self._kept(msg)) + " " + body
        elif msg.kind in ("location", "venue") and msg.location:
            body = t("shell.location", lat=msg.location[0], lon=msg.location[1])
            if msg.kind == "venue":  # its title and address are plain text
                body += "\n" + html.escape(msg.text or "")
        lines = [f"{DIM if c else ''}── {who}{RESET if c else ''}", to_terminal(body or "", c)]
        last = self.state.buttoned.get(msg.chat_id)
        if msg.buttons or msg.keyboard:  # a note without buttons leaves the last ones usable
            self.state.buttoned[msg.chat_id] = msg
        elif last is not None and last.message_id == msg.message_id:  # its buttons went
            del self.state.buttoned[msg.chat_id]
        number = 1
        for row in [*msg.buttons, *(msg.keyboard or [])]:
            lines.append("   ".join(f"[{number + i}] {label}" for i, label in enumerate(row)))
            number += len(row)
        print("\n".join(lines), flush=True)

    def _pressable(self) -> list[tuple[SentMessage, str]]:
        """The buttons the numbers stand for: the chat's latest message that has any, inline
        buttons (pressed) before keyboard buttons (their label is sent as text)."""
        msg = self.state.buttoned.get(self._chat())
        if msg is None:
            return []
        inline = [(msg, label) for row in msg.buttons for label in row]
        return inline + [(msg, "text:" + label) for row in msg.keyboard or [] for label in row]

    async def handle(self, line: str) -> bool:
        """Act on one typed line; False to leave."""
        line = line.strip()
        if not line:
            return True
        pressable = self._pressable()
        if line.isdigit() and 1 <= int(line) <= len(pressable):
            msg, target = pressable[int(line) - 1]
            if target.startswith("text:"):
                await self._send_text(target.removeprefix("text:"))
            else:
                await self._press(str(target), msg)
            return True
        if not line.startswith(":"):
            await self._send_text(line)
            return True
        command, _, rest = line[1:].partition(" ")
        return await self._command(command.lower(), rest.strip())

    async def _send_text(self, text: str) -> None:
        if self.state.as_official:
            await self.group.send(self.official, text)
        else:
            await self.citizen.send(text)

    async def _press(self, label: str, msg: SentMessage) -> None:
        if self.state.as_official:
            await self.group.press(self.official, label, message=msg)
        else:
            await self.citizen.press(label, message=msg)

    def _kept(self, msg: SentMessage) -> str:
        """A picture or file the bot sent, saved where a person can open it."""
        if msg.file_bytes is None:
            return "—"
        name = Path(msg.filename or ("photo.png" if msg.kind == "photo" else "file")).name
        path = self.files / f"{msg.message_id}-{name}"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(msg.file_bytes)
        return str(path)

    async def _wait(self, rest: str) -> None:
        """Let time pass for the bot: deadlines run out, apologies and reports go out."""
        match = WAIT.fullmatch(rest.strip().lower())
        if match is None or self.services is None:
            self.say("shell.wait_usage")
            return
        amount, unit = float(match.group(1)), match.group(2)
        services = self.services
        services.clock.travel(
            services.clock.now() + dt.timedelta(**{"days" if unit == "d" else "hours": amount})
        )
        await services.deadlines.check()
        await services.reports.send_due()
        moment = services.clock.now().astimezone(services.settings.tz)
        self.say(
            "shell.waited", moment=self.texts.datetime(moment, self.texts.plain("format.moment"))
        )

    def _pop_up(self, user_id: int, answer: JSON) -> None:
        """The answer to a press, which Telegram shows as a pop-up, for whoever you are now."""
        person = self.official if self.state.as_official else self.citizen
        if user_id == person.id and answer.get("text"):
            self.say(
                "shell.alert" if answer.get("show_alert") else "shell.toast", text=answer["text"]
            )

    async def _read(self, name: str) -> bytes | None:
        path = Path(name)
        try:
            return await asyncio.to_thread(lambda: path.expanduser().read_bytes())
        except OSError:
            self.say("shell.no_file", path=path)
            return None

    def _switch(self, *, official: bool) -> None:
        """Leave the current chat, remembering how much of it was shown."""
        left = self.group if self.state.as_official else self.citizen
        self.state.seen[left.chat_id] = len(left.messages)
        self.state.as_official = official

    def _catch_up(self, chat_id: int, messages: list[SentMessage]) -> None:
        """What arrived in the chat while you were the other person; if none of it has
        buttons, the latest message that has some first, so its numbers are on screen."""
        unseen = messages[self.state.seen.get(chat_id, 0) :]
        earlier = self.state.buttoned.get(chat_id)
        if earlier is not None and not any(m.buttons or m.keyboard for m in unseen):
            self._show("sent", earlier)
        for msg in unseen:
            self._show("sent", msg)

    def say(self, key: str, **kwargs: object) -> None:
        print(to_terminal(self.texts(key, **kwargs), self.state.colour), flush=True)

    async def _command(self, command: str, rest: str) -> bool:
        if command in ("quit", "q", "exit"):
            return False
        if command == "help":
            self.say("shell.help", files=self.files)
        elif command == "official":
            self._switch(official=True)
            self.say("shell.you_are_official", title=self.group.chat.title or "")
            self._catch_up(self.group.chat_id, self.group.messages)
        elif command == "citizen":
            self._switch(official=False)
            self.say("shell.you_are_citizen", name=self.citizen.chat.first_name or "")
            self._catch_up(self.citizen.chat_id, self.citizen.messages)
        elif command == "reply":
            messages = self.group.messages if self.state.as_official else self.citizen.messages
            target = messages[-1] if messages else None
            if not rest or target is None:
                self.say("shell.reply_usage")
            elif self.state.as_official:
                await self.group.send(self.official, rest, reply_to=target)
            else:
                await self.citizen.send(rest, reply_to=target)
        elif command == "text":
            await self._send_text(rest)
        elif command == "photo":
            data = await self._read(rest) if rest else TINY_PNG
            if data is None:
                pass
            elif self.state.as_official:
                await self.group.send_photo(self.official, data)
            else:
                await self.citizen.send_photo(data)
        elif command == "file" and rest:
            data = await self._read(rest)
            if data is not None:
                await self.citizen.send_document(data, filename=Path(rest).name)
        elif command == "location":
            try:
                lat, lon = (float(x) for x in shlex.split(rest)[:2])
            except ValueError:
                self.say("shell.location_usage")
            else:
                await self.citizen.send_location(lat, lon)
        elif command == "contact":
            await self.citizen.share_contact(phone=rest or "+84900000000")
        elif command == "sticker":
            await self.citizen.send_sticker()
        elif command == "wait":
            await self._wait(rest)
        else:
            self.say("shell.unknown_command", command=command)
        return True


async def _lines() -> AsyncIterator[bytes]:
    """Typed lines; also from a file (``make run < script.txt``), which asyncio cannot watch
    like a terminal or a pipe, so it is read line by line beside the loop."""
    if stat.S_ISREG(os.fstat(sys.stdin.fileno()).st_mode):
        while line := await asyncio.to_thread(sys.stdin.buffer.readline):
            yield line
        return
    loop = asyncio.get_running_loop()
    reader = asyncio.StreamReader()
    await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), sys.stdin)
    while line := await reader.readline():
        yield line


async def _link_demo_group(departments: DepartmentDirectory) -> None:
    """Departments with no group yet send their alerts to the shell's officials' group, so a
    complaint can be followed end to end; a deployment's real links are left as they are."""
    for department in departments.routing.departments:
        if departments.group_of(department.code) is None:
            await departments.link(department.code, GROUP_ID, False, CITIZEN_ID)


async def run_shell(settings: Settings, *, first_name: str = "Lan") -> None:
    standin = StandIn(token=SHELL_TOKEN, bot_username="ubnd_demo_bot", limits=Limits())
    await standin.start(host="127.0.0.1", port=0)
    try:
        shell_settings = settings.model_copy(
            update={
                "token": SecretStr(SHELL_TOKEN),
                "api_url": standin.api_url,
                "admins": [*settings.admins, CITIZEN_ID],
                "quiet_hours": "off",  # a preview shows at once what would wait for morning
            }
        )
        citizen = standin.user(CITIZEN_ID, first_name, language_code=settings.default_language)
        group = standin.group(
            GROUP_ID, "Nhóm cán bộ (thử)", forum=False, members={OFFICIAL_ID: "member"}
        )
        texts = I18n(settings.default_language).texts(settings.default_language)
        files = settings.database.parent / "shell-files"
        shell = Shell(standin, citizen, group, texts, colour=sys.stdout.isatty(), files=files)
        async with running(create_app(shell_settings), poll_timeout=1) as app:
            assert app.bot_data.services is not None  # opened before serving
            shell.services = app.bot_data.services
            await _link_demo_group(app.bot_data.services.departments)
            shell.say("shell.help", files=files)
            shell.say("shell.you_are_citizen", name=first_name)
            await citizen.send("/start")
            async for raw in _lines():
                if not await shell.handle(raw.decode("utf-8", "replace")):
                    break
                await asyncio.sleep(0.05)
    finally:
        await standin.stop()
