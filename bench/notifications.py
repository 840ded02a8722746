"""Notifications benchmark: N dossier status changes (default 5,000) for N followers, delivered
against the stand-in enforcing Telegram's limits (30 messages a second overall).

The followers and their dossiers are written to the database before the bot starts (following
5,000 dossiers through the chat would itself take minutes at Telegram's pace); the changes
arrive through the HTTP endpoint, as the one-stop software would send them, in batches of
1,000 (``--source csv``: as the one-stop software's CSV exports of 1,000 rows that an admin
sends to the bot, each answered with the import's report). Printed: sustained messages per
second as a fraction of the 30/s limit (bar: at least 0.9), 429s received, lost (bar: 0) and
duplicated notifications. Then the same with the bot
killed (SIGKILL) halfway through and started again: lost 0, duplicates no more than the sends
in flight (the sender has at most 8 at once). Peak RSS and start-up as every benchmark.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import signal
import socket
import sqlite3
import sys
import time
from collections import Counter
from pathlib import Path

import aiohttp

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.harness import BotProcess, our_bot, standin_for, temp_database
from bot.standin import StandIn
from bot.storage.db import Database

HTTP_TOKEN = "bench-http-token-0123456789"
ADMIN = 699_999
LIMIT = 30.0
IN_FLIGHT = 8  # DeliveryWorker's default concurrency
FIRST_USER = 700_000


def code_of(n: int) -> str:
    return f"000.00.12.H26-261128-{n:05d}"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def seed(database: Path, followers: int) -> None:
    """Dossiers in progress, each followed by one citizen who has written to the bot."""
    async with Database(database):
        pass  # the schema
    now = dt.datetime.now(dt.UTC).isoformat()
    with sqlite3.connect(database) as db:
        db.executemany(
            "INSERT INTO users (user_id, first_name, language, created_at, last_seen_at) "
            "VALUES (?, ?, 'vi', ?, ?)",
            [(FIRST_USER + n, f"Dân {n}", now, now) for n in range(followers)],
        )
        db.executemany(
            "INSERT INTO dossiers (code, check_value, received_on, due_on, status, updated_at) "
            "VALUES (?, 'ABC234', '2026-11-20', '2026-12-04', 'in_progress', ?)",
            [(code_of(n), now) for n in range(followers)],
        )
        db.executemany(
            "INSERT INTO dossier_followers (code, user_id, since) VALUES (?, ?, ?)",
            [(code_of(n), FIRST_USER + n, now) for n in range(followers)],
        )


def bot_process(database: Path, port: int) -> BotProcess:
    return our_bot(
        database,
        LIMIT,
        BOT_HTTP_TOKEN=HTTP_TOKEN,
        BOT_HTTP_PORT=str(port),
        BOT_QUIET_HOURS="off",  # measured at any hour
        BOT_ADMINS=str(ADMIN),
    )


async def post_changes(port: int, followers: int) -> None:
    url = f"http://127.0.0.1:{port}/dossiers"
    headers = {"Authorization": f"Bearer {HTTP_TOKEN}"}
    async with aiohttp.ClientSession() as http:
        for start in range(0, followers, 1000):
            batch = [
                {"code": code_of(n), "status": "result_ready"}
                for n in range(start, min(start + 1000, followers))
            ]
            async with http.post(url, json=batch, headers=headers) as response:
                if response.status != 200:
                    raise RuntimeError(f"endpoint said {response.status}: {await response.text()}")


async def send_exports(standin: StandIn, followers: int) -> float:
    """The admin sends the exports; returns the slowest import's seconds until its report."""
    admin = standin.user(ADMIN, "Quản trị", language_code="vi")
    slowest = 0.0
    for start in range(0, followers, 1000):
        rows = "".join(
            f"{code_of(n)};Đã có kết quả\n" for n in range(start, min(start + 1000, followers))
        )
        export = ("Mã hồ sơ;Trạng thái\n" + rows).encode()
        sent = time.monotonic()
        await admin.send_document(export, filename=f"motcua-{start // 1000 + 1}.csv")
        report = await admin.next_message(timeout=120)
        if "📥 Đã nhập" not in report.plain or "chưa nhập được" in report.plain:
            raise RuntimeError(f"the import said: {report.plain}")
        slowest = max(slowest, time.monotonic() - sent)
    return slowest


def delivered(standin: StandIn) -> Counter[int]:
    """Notifications each follower received (a resend after a crash counts twice)."""
    counts: Counter[int] = Counter()
    for call in standin.calls_to("sendMessage"):
        if call.ok and "đã có kết quả" in str(call.params.get("text", "")):
            counts[int(call.params["chat_id"])] += 1
    return counts


async def run(followers: int, kill_at: int | None, source: str) -> dict[str, float]:
    database = temp_database()
    await seed(database, followers)
    port = free_port()
    async with standin_for(limits=True) as standin:
        for n in range(followers):
            standin.user(FIRST_USER + n, f"Dân {n}")
        bot = bot_process(database, port)
        await bot.start(standin)
        began = time.monotonic()
        slowest_import = 0.0
        if source == "csv":
            slowest_import = await send_exports(standin, followers)
        else:
            await post_changes(port, followers)
        rss = [bot.peak_rss_mb()]
        killed_with = 0
        deadline = time.monotonic() + followers / LIMIT * 3 + 60
        while time.monotonic() < deadline:
            got = sum(delivered(standin).values())
            if kill_at is not None and got >= kill_at and killed_with == 0:
                rss.append(bot.peak_rss_mb())
                assert bot.process is not None
                bot.process.send_signal(signal.SIGKILL)
                await bot.process.wait()
                killed_with = got
                bot = bot_process(database, port)
                await bot.start(standin)
            if len(delivered(standin)) >= followers:
                break
            await asyncio.sleep(0.2)
        await asyncio.sleep(2.0)  # a doubled message would arrive now
        rss.append(bot.peak_rss_mb())
        await bot.stop()
        counts = delivered(standin)
        sends = sorted(
            c.at
            for c in standin.calls_to("sendMessage")
            if c.ok and "đã có kết quả" in str(c.params.get("text", ""))
        )
        refused = sum(1 for c in standin.calls if c.error_code == 429)
    span = (sends[-1] - sends[0]) if len(sends) > 1 else float("nan")
    return {
        "rate": (len(sends) - 1) / span if span else float("nan"),
        "lost": followers - len(counts),
        "duplicates": sum(n - 1 for n in counts.values() if n > 1),
        "429s": refused,
        "killed_after": killed_with,
        "wall": time.monotonic() - began,
        "rss": max(rss),
        "startup": bot.startup_s,
        "slowest_import": slowest_import,
    }


def report(title: str, figures: dict[str, float], followers: int) -> bool:
    fraction = figures["rate"] / LIMIT
    print(title)
    print(
        f"  sustained {figures['rate']:.1f} messages/s = {fraction:.2f} of Telegram's {LIMIT:.0f}/s"
        f" (bar >= 0.9: {'ok' if fraction >= 0.9 else 'MISSED'}); {followers} notifications in "
        f"{figures['wall']:.0f} s"
    )
    print(
        f"  429s received {figures['429s']:.0f}, lost {figures['lost']:.0f} (bar 0: "
        f"{'ok' if figures['lost'] == 0 else 'MISSED'}), duplicates {figures['duplicates']:.0f}"
    )
    if figures["slowest_import"]:
        print(
            f"  slowest import of 1,000 rows, until the admin's report: "
            f"{figures['slowest_import']:.1f} s"
        )
    rss_ok = figures["rss"] < 150
    print(
        f"  peak RSS {figures['rss']:.1f} MB (bar < 150: {'ok' if rss_ok else 'MISSED'}), "
        f"start-up {figures['startup']:.2f} s"
    )
    return fraction >= 0.9 and figures["lost"] == 0 and rss_ok


async def main(followers: int, source: str) -> int:
    print(
        f"{followers} dossier status changes for {followers} followers, Telegram's limits on, "
        f"through {'the admin sending CSV exports' if source == 'csv' else 'the HTTP endpoint'}"
    )
    calm = await run(followers, None, source)
    ok = report("uninterrupted:", calm, followers) and calm["duplicates"] == 0
    crashed = await run(followers, followers // 2, source)
    ok = (
        report(
            f"killed (SIGKILL) after {crashed['killed_after']:.0f} and restarted:",
            crashed,
            followers,
        )
        and ok
    )
    bound = crashed["duplicates"] <= IN_FLIGHT
    print(
        f"  duplicates after the crash {crashed['duplicates']:.0f} (bar <= {IN_FLIGHT} in flight: "
        f"{'ok' if bound else 'MISSED'})"
    )
    return 0 if ok and bound else 1


if __name__ == "__main__":
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--followers", type=int, default=5000)
    parser.add_argument("--source", choices=("http", "csv"), default="http")
    args = parser.parse_args()
    raise SystemExit(asyncio.run(main(args.followers, args.source)))
