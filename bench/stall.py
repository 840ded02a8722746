"""Stall benchmark: does one busy group hold up everyone else?

With Telegram's limits on in the stand-in (30 messages a second overall, 20 a minute into a
group, 429s past them), one bot process serves 200 citizens who each send /start and a
question at once, in turn:

- ``quiet``: the department's group is idle;
- ``hammered``: the group is at its limit (30 complaints were just filed, so their alerts wait
  for the group's minute) and an official hammers the alerts' buttons — «Nhận xử lý» 20 times
  on each, «Đã giải quyết» 5 times — and replies to each alert, all while the citizens ask.

With ``--rounds N`` they alternate (quiet, hammered, quiet ...; each round waits for the
group's backlog, minutes at 20 a minute) and the medians of the citizens' p95 reply latency
are compared. Bar: hammered p95 at most 1.25 times quiet p95. It also
prints the 429s Telegram answered, the most messages the group got in any rolling minute
(must be at most 20), that each ticket was taken exactly once, and peak RSS / start-up.
"""

from __future__ import annotations

import argparse
import asyncio
import re
import sqlite3
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.complaints import ADMIN, GROUP, OFFICIAL, STEP_NAMES, file_one
from bench.e2e import STEPS
from bench.harness import our_bot, percentile, run_citizens, standin_for, temp_database
from bot.standin import StandIn
from bot.standin.sims import GroupSim, UserSim
from bot.standin.state import SentMessage

TICKET = re.compile(r"\bt:(\d+):accept\b")
BAR = 1.25


def most_in_a_minute(times: list[float]) -> int:
    times = sorted(times)
    return max((sum(1 for t in times if s <= t < s + 60) for s in times), default=0)


def alerts(group: GroupSim) -> dict[int, SentMessage]:
    """Alerts in the group by ticket id, from their «take it» button."""
    found: dict[int, SentMessage] = {}
    for message in group.messages:
        for row in message.button_data:
            for data in row:
                if data and (match := TICKET.fullmatch(data)):
                    found[int(match.group(1))] = message
    return found


async def hammer(group: GroupSim, official: UserSim, stop: asyncio.Event) -> int:
    """Every alert that arrives: «take it» 20 times, «resolved» 5 times, and a reply."""
    done: set[int] = set()
    presses = 0
    while not stop.is_set():
        for ticket, message in alerts(group).items():
            if ticket in done:
                continue
            done.add(ticket)
            for _ in range(20):
                await group.press_data(official, f"t:{ticket}:accept", message)
            for _ in range(5):
                await group.press_data(official, f"t:{ticket}:resolve", message)
            await group.send(official, f"Cán bộ hỏi thêm về việc số {ticket}.", message)
            presses += 25
        await asyncio.sleep(0.05)
    return presses


async def group_full(group: GroupSim, count: int, within: float = 120.0) -> None:
    """Wait until the group has ``count`` alerts: its minute is then used up."""
    deadline = asyncio.get_running_loop().time() + within
    while len(alerts(group)) < count:
        if asyncio.get_running_loop().time() > deadline:
            raise RuntimeError(f"only {len(alerts(group))} alerts arrived in {within:.0f}s")
        await asyncio.sleep(0.1)


async def group_drained(database: Path, within: float = 900.0) -> float:
    """Seconds until the outbox holds nothing more for the group (it carries 20 a minute)."""
    began = time.monotonic()
    while time.monotonic() - began < within:
        with sqlite3.connect(database) as db:
            (pending,) = db.execute(
                "SELECT COUNT(*) FROM outbox WHERE chat_id = ? AND state = 'pending'", (GROUP,)
            ).fetchone()
        if not pending:
            return time.monotonic() - began
        await asyncio.sleep(1.0)
    raise RuntimeError(f"the group's messages were not all sent within {within:.0f}s")


async def file_many(standin: StandIn, first_id: int, count: int) -> None:
    by_step: list[list[float]] = [[] for _ in STEP_NAMES]
    people = [standin.user(first_id + i, f"Dân {first_id + i}") for i in range(count)]
    await asyncio.gather(*(file_one(p, i, by_step) for i, p in enumerate(people)))


async def main(citizens: int, rounds: int, tickets: int) -> int:
    print(
        f"{citizens} citizens send {len(STEPS)} messages at once, with Telegram's limits on; "
        f"quiet vs. a group at its limit whose official hammers {tickets} alerts' buttons",
        flush=True,
    )
    database = temp_database()
    bot = our_bot(database, 30.0, BOT_ADMINS=str(ADMIN), BOT_MAX_TICKETS_PER_DAY="5")
    p95: dict[str, list[float]] = {"quiet": [], "hammered": []}
    async with standin_for(limits=True) as standin:
        await bot.start(standin)
        try:
            admin = standin.user(ADMIN, "Quản trị")
            official = standin.user(OFFICIAL, "Hùng")
            group = standin.group(
                GROUP, "Phòng Kinh tế", members={ADMIN: "administrator", OFFICIAL: "member"}
            )
            await group.add_bot(admin)
            await group.reply(admin, "/link kinh-te", timeout=30)
            await run_citizens(standin, 99_000, 1, STEPS)  # warm caches, as both runs need
            next_id = 100_000
            taken = 0
            for number in range(rounds):
                await asyncio.sleep(61)  # the group's minute starts clean for every round
                latencies, _, wall = await run_citizens(standin, next_id, citizens, STEPS)
                next_id += citizens
                p95["quiet"].append(percentile(latencies, 95))
                print(
                    f"  round {number + 1} quiet     p50 {percentile(latencies, 50) * 1000:7.1f}"
                    f" ms   p95 {p95['quiet'][-1] * 1000:7.1f} ms   wall {wall:5.1f} s",
                    flush=True,
                )
                refused_before = standin.rate_limited_count
                known = len(alerts(group))
                await file_many(standin, next_id, tickets)  # their alerts fill the group's minute
                next_id += tickets
                await group_full(group, known + min(tickets, 20))
                stop = asyncio.Event()
                hammering = asyncio.create_task(hammer(group, official, stop))
                latencies, _, wall = await run_citizens(standin, next_id, citizens, STEPS)
                next_id += citizens
                stop.set()
                presses = await hammering
                taken += presses // 25
                p95["hammered"].append(percentile(latencies, 95))
                print(
                    f"  round {number + 1} hammered  p50 {percentile(latencies, 50) * 1000:7.1f}"
                    f" ms   p95 {p95['hammered'][-1] * 1000:7.1f} ms   wall {wall:5.1f} s   "
                    f"({presses} presses, "
                    f"{standin.rate_limited_count - refused_before} 429s)",
                    flush=True,
                )
                sent_before = len(group.messages)
                drained = await group_drained(database)
                print(
                    f"  the group's backlog went out {drained:.0f} s after the citizens' run, "
                    f"at its pace ({len(group.messages) - sent_before} more messages)",
                    flush=True,
                )
            rss = bot.peak_rss_mb()
        finally:
            await bot.stop()
        to_group = [
            c.at
            for c in standin.calls
            if c.params.get("chat_id") == GROUP and c.ok and c.method.startswith(("send", "edit"))
        ]
        accepted = sum("đã nhận xử lý" in m.plain.lower() for m in group.messages)
    quiet, hammered = statistics.median(p95["quiet"]), statistics.median(p95["hammered"])
    ratio = hammered / quiet
    window = most_in_a_minute(to_group)
    print()
    print(
        f"citizens' p95: quiet {quiet * 1000:.1f} ms, hammered group {hammered * 1000:.1f} ms, "
        f"ratio {ratio:.2f} (bar <= {BAR}: {'ok' if ratio <= BAR else 'MISSED'})"
    )
    print(
        f"most messages into the group in any rolling minute: {window} "
        f"(Telegram's limit 20: {'ok' if window <= 20 else 'MISSED'}); "
        f"429s in the whole run: {standin.rate_limited_count}; "
        f"«taken» notes in the group: {accepted} for the {taken} tickets hammered (one each)"
    )
    rss_ok, startup_ok = rss < 150, bot.startup_s < 3
    print(
        f"peak RSS {rss:.1f} MB (bar < 150: {'ok' if rss_ok else 'MISSED'}), "
        f"start-up {bot.startup_s:.2f} s (bar < 3: {'ok' if startup_ok else 'MISSED'})"
    )
    return 0 if ratio <= BAR and window <= 20 and rss_ok and startup_ok else 1


if __name__ == "__main__":
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--citizens", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--tickets", type=int, default=30)
    args = parser.parse_args()
    raise SystemExit(asyncio.run(main(args.citizens, args.rounds, args.tickets)))
