"""End-to-end benchmark: N citizens send /start and then a message at once.

Scenarios (``--scenario``):

- ``start`` (the default): /start, then the same free-text question from everyone, answered
  with the same card (the foundation's scenario, with its bar);
- ``questions``: /start, then a realistic question, a different one per citizen, taken in turn
  from the answerable labelled questions of tests/data/questions.yaml (NFD where the file says
  so); our bot answers with a card, a short list or "not found", and the counts are printed.
  Its ratios are reported for information: each citizen costs a fresh search and card;
- ``all``: both, one after the other.

Our bot and a bare python-telegram-bot echo bot run in turn on the same stand-in, in the same
run, alternating over several rounds; the medians and their ratios are compared with the bar
(``start`` only): our throughput at least 0.8 of the echo bot's, our p95 latency at most 1.25
times its p95. Peak RSS (under 150 MB) and start-up (under 3 s) have a bar in every scenario.

By default the stand-in does not enforce Telegram's 30 messages/s (and both bots' limiters are
raised), so the figures measure the bots, not Telegram's ceiling; ``--telegram-limits`` turns
the limits on for both.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import unicodedata
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.harness import (
    ECHO_TRANSPORT,
    Report,
    Steps,
    echo_bot,
    measure,
    our_bot,
    standin_for,
    temp_database,
)

ROOT = Path(__file__).resolve().parent.parent
QUESTIONS = ROOT / "tests" / "data" / "questions.yaml"
STEPS = ("/start", "cho tôi hỏi làm giấy khai sinh cho con cần những gì")


@dataclass(frozen=True)
class Scenario:
    name: str
    steps: Steps
    messages: str  # what each citizen sends, for the heading
    answers: bool = False  # print what our bot answered with
    ratio_bar: bool = True  # the throughput and p95 ratios must meet the bar


def answerable_questions(path: Path = QUESTIONS) -> list[str]:
    out = []
    for entry in yaml.safe_load(path.read_text(encoding="utf-8")):
        if entry["codes"]:
            text = entry["q"]
            out.append(unicodedata.normalize("NFD", text) if entry.get("nfd") else text)
    return out


def scenario(name: str) -> Scenario:
    if name == "start":
        return Scenario(name, STEPS, f"{len(STEPS)} messages")
    questions = answerable_questions()

    def ask(number: int) -> Sequence[str]:
        return ("/start", questions[number % len(questions)])

    return Scenario(
        name,
        ask,
        f"2 messages (/start, one of {len(questions)} questions in turn)",
        answers=True,
        ratio_bar=False,
    )


async def run(scenario: Scenario, citizens: int, rounds: int, telegram_limits: bool) -> bool:
    rate = 30.0 if telegram_limits else 100_000.0
    report = Report("e2e")
    print(
        f"{citizens} citizens x {scenario.messages}, {rounds} rounds, "
        f"Telegram limits {'on' if telegram_limits else 'off'}, "
        f"echo bot's HTTP layer: {ECHO_TRANSPORT}",
        flush=True,
    )
    async with standin_for(telegram_limits) as standin:
        database = temp_database()
        for round_no in range(rounds):
            print(f"round {round_no + 1}")
            base = 1_000_000 * (round_no + 1)
            steps = scenario.steps
            report.add(await measure(standin, echo_bot(rate), base, citizens, steps))
            report.add(
                await measure(standin, our_bot(database, rate), base + 500_000, citizens, steps)
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
    tp_ok, p95_ok = tp_ratio >= 0.8, p95_ratio <= 1.25
    rss_ok, startup_ok = rss < 150, startup < 3

    def verdict(ok: bool, bar: str, applies: bool = True) -> str:
        return f"bar {bar}: {'ok' if ok else 'MISSED'}" if applies else "for information"

    print(
        f"median throughput: ours {ours_tp:.1f}/s, echo {echo_tp:.1f}/s, ratio {tp_ratio:.2f}"
        f"  ({verdict(tp_ok, '>= 0.80', scenario.ratio_bar)})"
    )
    print(
        f"median p95:        ours {ours_p95 * 1000:.1f} ms, echo {echo_p95 * 1000:.1f} ms, "
        f"ratio {p95_ratio:.2f}  ({verdict(p95_ok, '<= 1.25', scenario.ratio_bar)})"
    )
    print(
        f"our peak RSS {rss:.1f} MB ({verdict(rss_ok, '< 150')}), "
        f"start-up {startup:.2f} s ({verdict(startup_ok, '< 3')})"
    )
    if scenario.answers:
        answers: Counter[str] = Counter()
        for row in report.rows:
            if row.name == "our bot":
                answers.update(row.answers)
        print(
            f"our bot answered the questions ({rounds} rounds) with: "
            + ", ".join(f"{kind} {n}" for kind, n in answers.most_common())
        )
    print(f"Bot API calls refused by the stand-in: {refused}")
    return rss_ok and startup_ok and (not scenario.ratio_bar or (tp_ok and p95_ok))


async def main(scenarios: list[str], citizens: int, rounds: int, telegram_limits: bool) -> int:
    failed = []
    for number, name in enumerate(scenarios):
        if len(scenarios) > 1:
            print(f"{'' if number == 0 else chr(10)}== scenario {name}", flush=True)
        if not await run(scenario(name), citizens, rounds, telegram_limits):
            failed.append(name)
    if len(scenarios) > 1:
        print(f"\nscenarios missing a bar: {', '.join(failed) or 'none'}")
    return 1 if failed else 0


if __name__ == "__main__":
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--scenario",
        choices=["start", "questions", "all"],
        default="start",
        help="what each citizen sends after /start (default: start)",
    )
    parser.add_argument("--citizens", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--telegram-limits", action="store_true")
    args = parser.parse_args()
    chosen = ["start", "questions"] if args.scenario == "all" else [args.scenario]
    raise SystemExit(asyncio.run(main(chosen, args.citizens, args.rounds, args.telegram_limits)))
