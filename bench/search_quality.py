"""Search quality on the labelled questions in tests/data/questions.yaml.

Prints top-1 and top-3 accuracy (over questions that have an answer), how often a question
that matches nothing still got a confident card (bar: never), and every miss. The set is split
in two by a hash of each question: "dev" is what tuning may look at, "held-out" is not looked
at while tuning, so the two figures together show whether tuning overfitted.

Bars: top-1 >= 85 %, top-3 >= 95 %, no confident card for a no-match question.
"""

from __future__ import annotations

import argparse
import hashlib
import sys
import time
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.search.index import SearchIndex, SearchResult
from bot.search.lexicon import FoldedLexicon, Lexicon
from bot.services.catalogue import shipped_procedures

ROOT = Path(__file__).resolve().parent.parent
QUESTIONS = ROOT / "tests" / "data" / "questions.yaml"
LEXICON = ROOT / "bot" / "data" / "lexicon.yaml"


@dataclass(frozen=True)
class Question:
    text: str
    codes: frozenset[str]
    forms: tuple[str, ...]

    @property
    def split(self) -> str:
        digest = hashlib.sha1(self.text.encode("utf-8")).digest()[0]
        return "dev" if digest % 2 == 0 else "held-out"


def load_questions(path: Path = QUESTIONS) -> list[Question]:
    out = []
    for entry in yaml.safe_load(path.read_text(encoding="utf-8")):
        text = entry["q"]
        if entry.get("nfd"):
            text = unicodedata.normalize("NFD", text)
        out.append(Question(text, frozenset(entry["codes"]), tuple(entry.get("forms", ()))))
    return out


def build_index() -> SearchIndex:
    lexicon = Lexicon.model_validate(yaml.safe_load(LEXICON.read_text(encoding="utf-8")))
    return SearchIndex.of(shipped_procedures(), FoldedLexicon(lexicon))


@dataclass
class Tally:
    answerable: int = 0
    top1: int = 0
    top3: int = 0
    cards: int = 0
    wrong_cards: int = 0
    no_match: int = 0
    no_match_cards: int = 0
    no_match_nothing: int = 0

    def line(self, name: str) -> str:
        a = max(1, self.answerable)
        return (
            f"{name:<9} top-1 {self.top1 / a:6.1%}  top-3 {self.top3 / a:6.1%}  "
            f"({self.answerable} answerable; cards {self.cards}, wrong cards {self.wrong_cards})"
            f"  no-match {self.no_match}: confident cards {self.no_match_cards}, "
            f"said nothing {self.no_match_nothing}"
        )


def grade(question: Question, result: SearchResult, tally: Tally) -> str | None:
    """Adds to the tally; returns a description of the miss, if it is one."""
    ranked = [h.procedure.code for h in result.hits]
    shown = result.card.code if result.card else ", ".join(p.code for p in result.choices)
    if not question.codes:
        tally.no_match += 1
        tally.no_match_cards += result.card is not None
        tally.no_match_nothing += result.found_nothing
        if result.card is not None:
            return f"CARD for a no-match question: {result.card.code} {result.card.name}"
        return None
    tally.answerable += 1
    top1 = bool(ranked) and ranked[0] in question.codes
    top3 = bool(question.codes & set(ranked[:3]))
    tally.top1 += top1
    tally.top3 += top3
    if result.card is not None:
        tally.cards += 1
        tally.wrong_cards += result.card.code not in question.codes
    if top1:
        return None
    best = result.hits[0].procedure if result.hits else None
    got = f"{best.code} {best.name[:70]}" if best else "nothing"
    return f"{'top-3' if top3 else 'MISS '} got {got}  [shown: {shown or '-'}]"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "--split",
        choices=["all", "dev", "held-out"],
        default="all",
        help="which misses to print (figures are always printed for all)",
    )
    args = parser.parse_args()
    started = time.perf_counter()
    index = build_index()
    print(f"catalogue: {len(index)} procedures, indexed in {time.perf_counter() - started:.2f} s")
    questions = load_questions()
    tallies = {"all": Tally(), "dev": Tally(), "held-out": Tally()}
    misses: list[str] = []
    for question in questions:
        result = index.search(question.text)
        miss = None
        for name in ("all", question.split):
            miss = grade(question, result, tallies[name])
        if miss and args.split in ("all", question.split):
            misses.append(f"  [{question.split}] {question.text!r}: {miss}")
    print(f"{len(questions)} questions")
    for name, tally in tallies.items():
        print(tally.line(name))
    print("by form (answerable questions, top-1 / top-3):")
    forms = sorted({f for q in questions for f in q.forms if q.codes})
    for form in forms:
        tally = Tally()
        for q in questions:
            if form in q.forms and q.codes:
                grade(q, index.search(q.text), tally)
        a = max(1, tally.answerable)
        print(f"  {form:<20} {tally.answerable:4d}  {tally.top1 / a:6.1%} / {tally.top3 / a:6.1%}")
    if misses:
        print("misses:")
        print("\n".join(misses))
    total = tallies["all"]
    a = max(1, total.answerable)
    ok = total.top1 / a >= 0.85 and total.top3 / a >= 0.95 and total.no_match_cards == 0
    print(f"bars (top-1 >= 85 %, top-3 >= 95 %, no card for no-match): {'ok' if ok else 'MISSED'}")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
