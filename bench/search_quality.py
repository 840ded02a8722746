"""Answer quality on the labelled questions in tests/data/questions.yaml.

The bot's real answering (procedures, everyday questions, English, taught phrases; only the
procedures this ward receives) is built from the shipped data in a throwaway database and asked
every question. Prints top-1 and top-3 accuracy over the questions that have an answer (a
procedure code or an FAQ entry; top-3 counts the first three a citizen can open in one tap: a
list's first three, or an outright answer, an everyday answer's procedure buttons and the «↪»
choices under it), by kind (Vietnamese, English, everyday), how often a question that matches
nothing still got a confident answer (bar: never), and every miss. The set is split in two by
a hash of each question: "dev" is what tuning may look at, "held-out" is not looked at while
tuning, so the two figures together show whether tuning overfitted. Questions
marked ``split: dev`` (sets written later by someone who had not seen the bot's word
lists, to tune on) are always "dev".

Latency: every question is asked once of each of ``--passes`` freshly built bots (nothing
remembered from a pass before) and its median time kept, so that a stall of a shared machine
is not taken for a slow answer; the accuracy is that of the first pass.

Bars, on the held-out half: top-1 >= 90 %, top-3 >= 97 % overall, English top-3 >= 90 %, no
confident answer to a question that matches nothing; answer p99 < 10 ms.
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import statistics
import sys
import tempfile
import time
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import yaml
from pydantic import SecretStr

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.harness import percentile
from bench.search_speed import P99_BAR_MS, peak_rss_mb
from bot.config import Settings
from bot.domain.faq import FaqEntry
from bot.services.answers import Answer, AnswerKind, AnswerService

ROOT = Path(__file__).resolve().parent.parent
QUESTIONS = ROOT / "tests" / "data" / "questions.yaml"
TOP1_BAR, TOP3_BAR, ENGLISH_TOP3_BAR = 0.90, 0.97, 0.90


@dataclass(frozen=True)
class Question:
    text: str
    codes: frozenset[str]  # procedure codes and "faq:<id>" labels a helpful official accepts
    forms: tuple[str, ...]
    english: bool
    everyday: bool
    tuning: bool = False  # written to tune on: always "dev"

    @property
    def split(self) -> str:
        if self.tuning:
            return "dev"
        digest = hashlib.sha1(self.text.encode("utf-8")).digest()[0]
        return "dev" if digest % 2 == 0 else "held-out"

    @property
    def kind(self) -> str:
        if not self.codes:
            return "no-match"
        return "everyday" if self.everyday else "english" if self.english else "vietnamese"


def load_questions(path: Path = QUESTIONS) -> list[Question]:
    out = []
    for entry in yaml.safe_load(path.read_text(encoding="utf-8")):
        text = entry["q"]
        if entry.get("nfd"):
            text = unicodedata.normalize("NFD", text)
        labels = set(entry.get("codes") or ())
        if entry.get("faq"):
            labels.add(f"faq:{entry['faq']}")
        out.append(
            Question(
                text,
                frozenset(labels),
                tuple(entry.get("forms", ())),
                english=entry.get("lang") == "en",
                everyday=bool(entry.get("faq")),
                tuning=entry.get("split") == "dev",
            )
        )
    return out


def label(choice: object) -> str:
    return f"faq:{choice.id}" if isinstance(choice, FaqEntry) else str(getattr(choice, "code", ""))


def ranked(answer: Answer) -> list[str]:
    # An outright answer's related choices are buttons under it: one tap, like a list's; so
    # are the procedures an everyday answer has buttons for (the related ones leave them out).
    if answer.faq is not None:
        own = [b.procedure for b in answer.faq.buttons if b.procedure]
        return [label(answer.faq), *own, *map(label, answer.related)]
    if answer.procedure is not None:
        return [answer.procedure.code, *map(label, answer.related)]
    return [label(c) for c in answer.choices]


def confident(answer: Answer) -> bool:
    return answer.kind in (AnswerKind.CARD, AnswerKind.FAQ, AnswerKind.ELSEWHERE)


@dataclass
class Tally:
    answerable: int = 0
    top1: int = 0
    top3: int = 0
    confident: int = 0
    wrong_confident: int = 0
    no_match: int = 0
    no_match_confident: int = 0
    no_match_nothing: int = 0

    def rate(self, value: int) -> float:
        return value / max(1, self.answerable)

    def line(self, name: str) -> str:
        return (
            f"{name:<20} top-1 {self.rate(self.top1):6.1%}  top-3 {self.rate(self.top3):6.1%}  "
            f"({self.answerable} answerable; confident {self.confident}, "
            f"wrong {self.wrong_confident})  no-match {self.no_match}: "
            f"confident {self.no_match_confident}, said nothing {self.no_match_nothing}"
        )


def grade(question: Question, answer: Answer, tally: Tally) -> str | None:
    """Adds to the tally; returns a description of the miss, if it is one."""
    got = ranked(answer)
    if not question.codes:
        tally.no_match += 1
        tally.no_match_confident += confident(answer)
        tally.no_match_nothing += answer.kind == AnswerKind.NOTHING
        if confident(answer):
            return f"CONFIDENT answer to a no-match question: {answer.kind} {got[:1]}"
        return None
    tally.answerable += 1
    top1 = bool(got) and got[0] in question.codes
    top3 = bool(question.codes & set(got[:3]))
    tally.top1 += top1
    tally.top3 += top3
    if confident(answer):
        tally.confident += 1
        tally.wrong_confident += not top1
    if top1:
        return None
    return f"{'top-3' if top3 else 'MISS '} {answer.kind} {got[:3]} want {sorted(question.codes)}"


async def build_answers(folder: Path) -> AnswerService:
    from bot.app import open_services
    from bot.storage.db import Database

    settings = Settings(
        _env_file=None,  # type: ignore[call-arg]
        token=SecretStr("0:bench"),
        database=folder / "bench.sqlite3",
    )
    db = Database(settings.database)
    services = await open_services(settings, db)
    # Answering works from memory; the database is closed so that the benchmark can exit.
    await services.close()
    await db.close()
    return services.answers


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "--split",
        choices=["all", "dev", "held-out"],
        default="all",
        help="which misses to print (figures are always printed for all)",
    )
    parser.add_argument(
        "--passes", type=int, default=3, help="how many times each question is timed"
    )
    args = parser.parse_args()
    questions = load_questions()
    # Each pass asks every question once of a freshly built bot, so nothing is remembered
    # from an earlier pass; a question's time is its median over the passes, so that one
    # stall of a shared machine is not taken for a slow answer.
    passes: list[list[float]] = []
    given: list[Answer] = []
    peak = 0.0
    for number in range(args.passes):
        started = time.perf_counter()
        with tempfile.TemporaryDirectory() as folder:
            answers = asyncio.run(build_answers(Path(folder)))
        if number == 0:
            print(f"answers ready in {time.perf_counter() - started:.2f} s (shipped data)")
        spent: list[float] = []
        for question in questions:
            began = time.perf_counter()
            answer = answers.answer(question.text, "en" if question.english else "vi")
            spent.append(time.perf_counter() - began)
            if number == 0:
                given.append(answer)
        passes.append(spent)
        if number == 0:
            peak = peak_rss_mb()  # one bot's: the passes after it only time the answers
    times = [statistics.median(each) for each in zip(*passes, strict=True)]
    tallies: dict[str, Tally] = {}
    misses: list[str] = []
    for question, answer in zip(questions, given, strict=True):
        for name in ("all", question.split, f"{question.split} {question.kind}"):
            miss = grade(question, answer, tallies.setdefault(name, Tally()))
        if miss and args.split in ("all", question.split):
            misses.append(f"  [{question.split} {question.kind}] {question.text!r}: {miss}")
    print(f"{len(questions)} questions")
    for name in sorted(tallies, key=lambda n: (n != "all", n)):
        print(tallies[name].line(name))
    if misses:
        print("misses:")
        print("\n".join(misses))
    p99 = percentile(times, 99) * 1000
    print(
        f"answer latency over {len(times)} questions (median of {args.passes} passes):"
        f" p50 {percentile(times, 50) * 1000:.2f} ms,"
        f" p99 {p99:.2f} ms, max {max(times) * 1000:.2f} ms (bar p99 < {P99_BAR_MS:.0f} ms: "
        f"{'ok' if p99 < P99_BAR_MS else 'MISSED'})"
    )
    held = tallies.get("held-out", Tally())
    english = tallies.get("held-out english", Tally())
    nonsense = tallies.get("all", Tally()).no_match_confident
    ok = (
        held.rate(held.top1) >= TOP1_BAR
        and held.rate(held.top3) >= TOP3_BAR
        and english.rate(english.top3) >= ENGLISH_TOP3_BAR
        and nonsense == 0
        and p99 < P99_BAR_MS
    )
    print(
        f"bars on held-out (top-1 >= {TOP1_BAR:.0%}, top-3 >= {TOP3_BAR:.0%}, English top-3 >= "
        f"{ENGLISH_TOP3_BAR:.0%}, no confident answer to no-match): {'ok' if ok else 'MISSED'}"
    )
    print(f"peak RSS {peak:.1f} MB (the bot built and every question answered once)")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
