"""End-to-end benchmark: N citizens send /start and a free-text question at once.

Our bot and a bare python-telegram-bot echo bot run in turn on the same stand-in, in the same
run, alternating over several rounds; the medians and their ratios are compared with the bar:
our throughput at least 0.8 of the echo bot's, our p95 latency at most 1.25 times its p95.

By default the stand-in does not enforce Telegram's 30 messages/s (and both bots' limiters are
raised), so the figures measure the bots, not Telegram's ceiling; ``--telegram-limits`` turns
the limits on for both.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.harness import Report, echo_bot, measure, our_bot, standin_for, temp_database

STEPS = ("/start", "cho tôi hỏi làm giấy khai sinh cho con cần những gì")


async def main(citizens: int, rounds: int, telegram_limits: bool) -> int:
    rate = 30.0 if telegram_limits else 100_000.0
    report = Report("e2e")
    print(
        f"{citizens} citizens x {len(STEPS)} messages, {rounds} rounds, "
        f"Telegram limits {'on' if telegram_limits else 'off'}",
        flush=True,
    )
    async with standin_for(telegram_limits) as standin:
        database = temp_database()
        for round_no in range(rounds):
            print(f"round {round_no + 1}")
            base = 1_000_000 * (round_no + 1)
            report.add(await measure(standin, echo_bot(rate), base, citizens, STEPS))
            report.add(
                await measure(standin, our_bot(database, rate), base + 500_000, citizens, STEPS)
            )
        refused = sum(1 for c in standin.calls if not c.ok)
    ours_tp, echo_tp = (
        report.median("our bot", "throughput"),
        report.median("echo bot", "throughput"),
    )
    ours_p95, echo_p95 = report.median("our bot", "p95"), report.median("echo bot", "p95")
    tp_ratio, p95_ratio = ours_tp / echo_tp, ours_p95 / echo_p95
    rss = max(r.peak_rss_mb for r in report.rows if r.name == "our bot")
    startup = max(r.startup_s for r in report.rows if r.name == "our bot")
    print()
    print(
        f"median throughput: ours {ours_tp:.1f}/s, echo {echo_tp:.1f}/s, ratio {tp_ratio:.2f}"
        f"  (bar >= 0.80: {'ok' if tp_ratio >= 0.8 else 'MISSED'})"
    )
    print(
        f"median p95:        ours {ours_p95 * 1000:.1f} ms, echo {echo_p95 * 1000:.1f} ms, "
        f"ratio {p95_ratio:.2f}  (bar <= 1.25: {'ok' if p95_ratio <= 1.25 else 'MISSED'})"
    )
    print(
        f"our peak RSS {rss:.1f} MB (bar < 150: {'ok' if rss < 150 else 'MISSED'}), "
        f"start-up {startup:.2f} s (bar < 3: {'ok' if startup < 3 else 'MISSED'})"
    )
    print(f"Bot API calls refused by the stand-in: {refused}")
    return 0 if tp_ratio >= 0.8 and p95_ratio <= 1.25 else 1


if __name__ == "__main__":
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--citizens", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--telegram-limits", action="store_true")
    args = parser.parse_args()
    raise SystemExit(asyncio.run(main(args.citizens, args.rounds, args.telegram_limits)))
