"""Shared benchmark harness: a stand-in in this process, a bot in a child process, simulated
citizens, and the figures every benchmark prints (latency, throughput, start-up, peak RSS).

Later benchmarks reuse ``BotProcess``, ``run_citizens`` and ``Report``.
"""

from __future__ import annotations

import asyncio
import os
import statistics
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from bot.standin import Limits, StandIn
from bot.standin.sims import UserSim
from bot.standin.state import SentMessage

ROOT = Path(__file__).resolve().parent.parent
TOKEN = "777000:BENCH-TOKEN-abcdefghijklmnopqrstuvwxyz"

# What each citizen sends: the same messages for all, or per citizen (by their number in the
# run, 0 for the first), e.g. a different question for each.
Steps = Sequence[str] | Callable[[int], Sequence[str]]


def percentile(values: Sequence[float], q: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    index = min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))
    return ordered[index]


@dataclass
class BotProcess:
    """A bot in its own process, so its memory and start-up are its own."""

    name: str
    argv: list[str]
    env: dict[str, str] = field(default_factory=dict)
    process: asyncio.subprocess.Process | None = None
    startup_s: float = float("nan")

    async def start(self, standin: StandIn, within_s: float = 30.0) -> None:
        polls_before = standin.arrived["getUpdates"]
        env = {k: v for k, v in os.environ.items() if not k.startswith("BOT_")}
        env.update(
            BOT_TOKEN=standin.token,
            BOT_API_URL=standin.api_url,
            BOT_LOG_LEVEL="WARNING",
            PYTHONPATH=str(ROOT),
            **self.env,
        )
        began = time.monotonic()
        self.process = await asyncio.create_subprocess_exec(
            *self.argv, env=env, cwd=ROOT, stdout=asyncio.subprocess.DEVNULL
        )
        # Serving starts with the first long poll after everything is initialised.
        while standin.arrived["getUpdates"] == polls_before:
            if time.monotonic() - began > within_s:
                raise RuntimeError(f"{self.name} did not start polling within {within_s}s")
            if self.process.returncode is not None:
                raise RuntimeError(f"{self.name} exited with {self.process.returncode}")
            await asyncio.sleep(0.005)
        self.startup_s = time.monotonic() - began

    def peak_rss_mb(self) -> float:
        """VmHWM: the most resident memory the process ever had."""
        assert self.process is not None
        status = Path(f"/proc/{self.process.pid}/status").read_text()
        for line in status.splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
        return float("nan")

    async def stop(self) -> None:
        if self.process is None or self.process.returncode is not None:
            return
        self.process.terminate()
        try:
            await asyncio.wait_for(self.process.wait(), 20)
        except TimeoutError:
            self.process.kill()
            await self.process.wait()


def service_command() -> list[str]:
    """``python -m bot run`` with the interpreter's options as a ward's service starts it
    (``ExecStart`` in deploy/ubnd-bot.service: ``-OO``), by this interpreter."""
    unit = (ROOT / "deploy" / "ubnd-bot.service").read_text(encoding="utf-8")
    start = next(line for line in unit.splitlines() if line.startswith("ExecStart="))
    return [sys.executable, *start.split()[1:]]


def our_bot(
    database: Path, max_rate: float, command: Sequence[str] = (), **settings: str
) -> BotProcess:
    """The bot as a ward's service starts it (or by ``command``), with ``settings`` as
    ``BOT_*`` variables."""
    env = {"BOT_DATABASE": str(database), "BOT_MAX_MESSAGES_PER_SECOND": str(max_rate)}
    return BotProcess("our bot", list(command) or service_command(), env | settings)


ECHO_TRANSPORT = os.environ.get("ECHO_TRANSPORT", "httpx")  # or aiohttp, as our bot uses


def echo_bot(max_rate: float) -> BotProcess:
    """PTB's bare echo bot; ECHO_TRANSPORT=aiohttp gives it our HTTP layer."""
    return BotProcess(
        "echo bot",
        [sys.executable, str(ROOT / "bench" / "echo_bot.py")],
        {"BOT_MAX_MESSAGES_PER_SECOND": str(max_rate), "ECHO_TRANSPORT": ECHO_TRANSPORT},
    )


@dataclass
class Result:
    name: str
    latencies: list[float]
    updates: int
    wall_s: float
    startup_s: float
    peak_rss_mb: float
    answers: Counter[str] = field(default_factory=Counter)

    @property
    def p50(self) -> float:
        return percentile(self.latencies, 50)

    @property
    def p95(self) -> float:
        return percentile(self.latencies, 95)

    @property
    def throughput(self) -> float:
        return self.updates / self.wall_s if self.wall_s else float("nan")


def reply_kind(message: SentMessage) -> str:
    """What a reply is, from its buttons' callback data: a procedure's ``card`` (section buttons,
    or "ask again" beside "back to menu"), a ``list`` of close matches ("none of these fit"),
    ``not found`` (browse by field), the ``menu``, or plain ``text`` (what the echo bot sends)."""
    data = {d for row in message.button_data for d in row if d}
    actions = {d.split(":", 1)[0] for d in data}
    if "sn" in actions:
        return "list"
    if "fl" in actions:
        return "not found"
    if "pd" in actions or {"m:ask", "m:home"} <= data:
        return "card"
    if "m" in actions:
        return "menu"
    return "text" if not message.reply_markup else "other"


async def run_citizens(
    standin: StandIn,
    first_id: int,
    count: int,
    steps: Steps,
    reply_s: float = 60.0,
    answers: Counter[str] | None = None,
) -> tuple[list[float], int, float]:
    """``count`` citizens each send ``steps`` in turn, waiting for the bot's reply to each;
    returns reply latencies (s), updates sent and wall time from first send to last reply.

    With ``answers``, once every reply is in (so outside the figures), each citizen waits for
    the bot to fall silent and counts what its last message was answered with (``reply_kind``;
    a long answer split in parts carries its buttons on its last part)."""
    latencies: list[float] = []
    plans = [steps(i) if callable(steps) else steps for i in range(count)]

    async def citizen(number: int) -> tuple[float, UserSim, SentMessage | None]:
        user_id = first_id + number
        user = standin.user(user_id, f"Dân {user_id}", language_code="vi")
        last, reply = 0.0, None
        for step in plans[number]:
            sent_at = time.monotonic()
            await user.send(step)
            reply = await user.next_message(reply_s)
            latencies.append(reply.at - sent_at)
            last = reply.at
        return last, user, reply

    began = time.monotonic()
    finished = await asyncio.gather(*(citizen(i) for i in range(count)))
    wall = max(last for last, _, _ in finished) - began

    async def answered(user: UserSim, reply: SentMessage | None) -> str:
        parts = [reply] if reply is not None else []
        parts.extend(await user.settle(quiet=0.2, timeout=reply_s))
        return next((k for k in map(reply_kind, parts) if k != "text"), "text")

    if answers is not None:
        answers.update(await asyncio.gather(*(answered(u, r) for _, u, r in finished)))
    return latencies, sum(map(len, plans)), wall


async def measure(
    standin: StandIn, bot: BotProcess, first_id: int, count: int, steps: Steps
) -> Result:
    await bot.start(standin)
    try:
        # One citizen first so lazy imports and caches are warm for both bots alike.
        await run_citizens(standin, first_id - 1, 1, steps)
        answers: Counter[str] = Counter()
        latencies, updates, wall = await run_citizens(
            standin, first_id, count, steps, answers=answers
        )
        return Result(bot.name, latencies, updates, wall, bot.startup_s, bot.peak_rss_mb(), answers)
    finally:
        await bot.stop()


class Report:
    def __init__(self, title: str) -> None:
        self.title = title
        self.rows: list[Result] = []

    def add(self, result: Result) -> None:
        self.rows.append(result)
        print(
            f"  {result.name:<9} p50 {result.p50 * 1000:7.1f} ms   p95 {result.p95 * 1000:7.1f} ms"
            f"   {result.throughput:7.1f} updates/s   start-up {result.startup_s:5.2f} s"
            f"   peak RSS {result.peak_rss_mb:6.1f} MB",
            flush=True,
        )

    def median(self, name: str, attr: str) -> float:
        return float(statistics.median(getattr(r, attr) for r in self.rows if r.name == name))


def temp_database() -> Path:
    return Path(tempfile.mkdtemp(prefix="bench-")) / "bot.sqlite3"


def standin_for(limits: bool) -> StandIn:
    return StandIn(
        token=TOKEN, bot_username="ubnd_bench_bot", limits=Limits() if limits else Limits.off()
    )
