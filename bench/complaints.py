"""Complaints benchmark: N citizens (default 200) file a complaint at the same time.

Each citizen walks the whole intake through the stand-in, as a person would: /phananh,
"I agree" under the privacy notice (a first complaint), a category button, the description,
"continue" (no photo), "skip" (no place), "skip" (no phone), "show my name", "send". Every
step waits for the bot's answer; the step latencies give p50/p95. In the same run, on the
same stand-in, a bare python-telegram-bot echo bot gets the same number of messages from the
same number of citizens (its p95 is the baseline).

Then it checks what matters more than speed: every citizen got a ticket code, the database
holds exactly N tickets, and the department's group received exactly one alert per ticket.
Bars: p95 step latency at most 1.5 times the echo bot's p95; nothing lost or doubled; peak RSS
under 150 MB; start-up under 3 s. Telegram's limits are off (``--telegram-limits`` turns them
on; the group's 20 messages a minute then makes the alerts take minutes, by design).
"""

from __future__ import annotations

import argparse
import asyncio
import re
import sqlite3
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.harness import (
    ECHO_TRANSPORT,
    BotProcess,
    Report,
    Result,
    echo_bot,
    measure,
    our_bot,
    percentile,
    standin_for,
    temp_database,
)
from bot.standin import StandIn
from bot.standin.sims import UserSim
from bot.standin.state import SentMessage

ADMIN = 9_000_001
OFFICIAL = 9_000_002
GROUP = -100_900_000_001
CODE = re.compile(r"PA-\d{6}")
STEP_NAMES = (
    "start",
    "consent",
    "category",
    "text",
    "no photo",
    "no place",
    "no phone",
    "name",
    "send",
)
STEPS = len(STEP_NAMES)
DESCRIPTION = "Rác thải ở đầu ngõ {n} chưa được thu gom mấy hôm nay, bốc mùi rất khó chịu."


def bot_for(database: Path, rate: float) -> BotProcess:
    return our_bot(
        database,
        rate,
        BOT_MAX_GROUP_MESSAGES_PER_MINUTE=str(20 if rate <= 30 else rate * 60),
        BOT_ADMINS=str(ADMIN),
    )


async def file_one(user: UserSim, number: int, by_step: list[list[float]]) -> str | None:
    """One citizen's intake; returns the code the bot acknowledged, if any."""
    done = 0

    async def step(action: object) -> SentMessage:
        nonlocal done
        began = time.monotonic()
        await action  # type: ignore[misc]
        reply = await user.next_message(60)
        by_step[done].append(reply.at - began)
        done += 1
        return reply

    notice = await step(user.send("/phananh"))
    menu = await step(user.press("✅ Tôi đồng ý", notice))
    await step(user.press("Rác thải, vệ sinh môi trường", menu))
    photos = await step(user.send(DESCRIPTION.format(n=number)))
    place = await step(user.press("➡️ Tiếp tục", photos))
    await step(user.press("⏭ Bỏ qua", place))
    await step(user.send("⏭ Bỏ qua"))  # "no problem", taking the phone keyboard away
    privacy = await user.next_message(60)  # then the question about the name
    review = await step(user.press("👤 Để tên", privacy))
    sent = await step(user.press("📨 Gửi phản ánh", review))
    found = CODE.search(sent.plain)
    return found.group(0) if found else None


async def run_ours(standin: StandIn, citizens: int, rate: float) -> tuple[Result, dict[str, int]]:
    database = temp_database()
    bot = bot_for(database, rate)
    await bot.start(standin)
    try:
        admin = standin.user(ADMIN, "Quản trị")
        group = standin.group(
            GROUP, "Phòng Kinh tế", members={ADMIN: "administrator", OFFICIAL: "member"}
        )
        await group.add_bot(admin)
        await group.reply(admin, "/link kinh-te", timeout=30)
        by_step: list[list[float]] = [[] for _ in STEP_NAMES]
        began = time.monotonic()
        people = [standin.user(500_000 + i, f"Dân {i}") for i in range(citizens)]
        codes = await asyncio.gather(*(file_one(p, i, by_step) for i, p in enumerate(people)))
        wall = time.monotonic() - began
        # Alerts go out through the outbox; wait until every ticket's alert is there.
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            alerts = [CODE.search(m.plain) for m in group.messages if m.plain.startswith("📣")]
            if len(alerts) >= citizens:
                break
            await asyncio.sleep(0.1)
        await asyncio.sleep(1.0)  # a doubled alert would arrive now
        alerted = [m.group(0) for m in alerts if m]
        rss = bot.peak_rss_mb()
        slowest = (
            f"{n} {percentile(v, 95) * 1000:.0f}" for n, v in zip(STEP_NAMES, by_step, strict=True)
        )
        print(f"  our p95 by step (ms): {', '.join(slowest)}", flush=True)
    finally:
        await bot.stop()
    with sqlite3.connect(database) as db:
        stored = db.execute("SELECT COUNT(*) FROM tickets").fetchone()[0]
    counts = {
        "acknowledged": sum(1 for c in codes if c),
        "distinct codes": len({c for c in codes if c}),
        "tickets stored": int(stored),
        "alerts": len(alerted),
        "distinct alerts": len(set(alerted)),
    }
    latencies = [latency for step in by_step for latency in step]
    result = Result("our bot", latencies, citizens * STEPS, wall, bot.startup_s, rss)
    return result, counts


async def main(citizens: int, telegram_limits: bool) -> int:
    rate = 30.0 if telegram_limits else 100_000.0
    report = Report("complaints")
    print(
        f"{citizens} citizens file a complaint at once ({STEPS} steps each); "
        f"echo bot's HTTP layer: {ECHO_TRANSPORT}",
        flush=True,
    )
    async with standin_for(telegram_limits) as standin:
        echo_steps = [f"tin nhắn {i}" for i in range(STEPS)]
        report.add(await measure(standin, echo_bot(rate), 1_000_000, citizens, echo_steps))
        ours, counts = await run_ours(standin, citizens, rate)
        report.add(ours)
    echo = next(r for r in report.rows if r.name == "echo bot")
    ratio = ours.p95 / echo.p95
    exact = all(v == citizens for v in counts.values())
    print()
    print(", ".join(f"{name} {n}" for name, n in counts.items()))
    print(f"every ticket created and alerted exactly once: {'ok' if exact else 'MISSED'}")
    print(
        f"p95 step latency: ours {ours.p95 * 1000:.1f} ms, echo {echo.p95 * 1000:.1f} ms, "
        f"ratio {ratio:.2f} (bar <= 1.5: {'ok' if ratio <= 1.5 else 'MISSED'}); "
        f"p50 ours {percentile(ours.latencies, 50) * 1000:.1f} ms"
    )
    rss_ok, startup_ok = ours.peak_rss_mb < 150, ours.startup_s < 3
    print(
        f"our peak RSS {ours.peak_rss_mb:.1f} MB (bar < 150: {'ok' if rss_ok else 'MISSED'}), "
        f"start-up {ours.startup_s:.2f} s (bar < 3: {'ok' if startup_ok else 'MISSED'})"
    )
    return 0 if exact and ratio <= 1.5 and rss_ok and startup_ok else 1


if __name__ == "__main__":
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--citizens", type=int, default=200)
    parser.add_argument("--telegram-limits", action="store_true")
    args = parser.parse_args()
    raise SystemExit(asyncio.run(main(args.citizens, args.telegram_limits)))
