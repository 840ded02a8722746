"""In-memory search over procedures, built for a citizen's wording.

Every name is folded (no marks, đ -> d) and indexed by its words and word pairs; the field,
the result and the document names are indexed too, as weaker evidence. A question is folded
too, chat shorthand is expanded, everyday phrases bring in the words official names use,
filler words are dropped, and a word pair no procedure contains is matched to one that sounds
alike (ch/tr, s/x...) or is an edit or two away (a typo). Each procedure then scores how much
of the question it explains (recall, each concept weighted by how few procedures match it) and
how much of its name the question asked for (precision, so "Đăng ký khai sinh" beats its
longer variants). The answer is a card when one procedure clearly wins, a short list when
several are close, and nothing when the question's words are mostly unexplained.
"""

from __future__ import annotations

import heapq
import math
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import pairwise

from rapidfuzz import process
from rapidfuzz.distance import DamerauLevenshtein

from bot.domain.procedure import Procedure
from bot.search.lexicon import FoldedLexicon, Word
from bot.search.normalize import sound_key

# Tuned on the "dev" half of tests/data/questions.yaml as a whole, never on one question;
# bench/search_quality.py reports the other half separately.
NOTHING_BELOW = 0.45  # best score under this: nothing fits
CARD_FROM = 0.62  # best score from this, with a clear lead: show its card
CARD_LEAD = 0.08  # lead over the runner-up needed for a card
LIST_SHARE = 0.75  # list the runners-up scoring at least this share of the best
LIST_SIZE = 5
TYPO_WEIGHT = 0.7  # a typo-corrected word counts for less than one typed right
MIN_WORD_TO_CORRECT = 5  # shorter syllables are one letter away from too many others
MIN_PAIR_TO_CORRECT = 7
PAIR_DISTANCE = 2
EDIT_LIKELIHOOD = 0.3  # how much less likely each further edit makes a correction
SYNONYM_IMPORTANCE = 2.0
FIELD_WEIGHT = 0.3  # a word found only in the field's name counts for less
BODY_WEIGHT = 0.5  # ... and one found only in the result or the documents
BODY_ITEM_CHARS = 200
HEAD_WORDS = 16
KEEP_HITS = 30
MAX_CORRECTIONS = 20_000
COMMON_SHARE = 0.15  # a word in more procedures' text than this is skipped outside names
COMMON_MIN_DOCS = 50
RECALL_EXPONENT = 0.6  # score = recall^0.6 x precision^0.4: explain the question, fit the name

_BOILERPLATE = (("thu", "tuc"),)


@dataclass(frozen=True, slots=True)
class Hit:
    procedure: Procedure
    score: float
    recall: float


@dataclass(frozen=True, slots=True)
class SearchResult:
    """``card`` when one procedure clearly fits; else ``choices`` (maybe empty)."""

    query: str
    hits: tuple[Hit, ...]
    card: Procedure | None
    choices: tuple[Procedure, ...]

    @property
    def found_nothing(self) -> bool:
        return self.card is None and not self.choices


@dataclass
class _Concept:
    """One thing the question asks about: a word, a word pair, or an everyday phrase's meaning.

    Concepts are weighted by how few names match them, so "photo công chứng" (a handful of
    procedures) outweighs "sổ đỏ" (dozens) in "photo công chứng sổ đỏ"."""

    terms: dict[str, float]  # term -> weight (below 1 for typo corrections)
    known: bool = True
    importance: float = 1.0  # a curated everyday phrase says more than a stray word


def _pairs(words: Sequence[str]) -> list[str]:
    return [f"{a} {b}" for a, b in pairwise(words)]


def _terms(words: list[str]) -> set[str]:
    return {*words, *_pairs(words)}


def _body(procedure: Procedure) -> str:
    """What else says what a procedure is about: its result, documents, who applies."""
    parts = [procedure.result or "", " ".join(procedure.applicants)]
    parts.extend(d.name[:BODY_ITEM_CHARS] for d in procedure.documents)
    return " | ".join(parts)


def _head_length(name: str, lexicon: FoldedLexicon) -> int:
    """How many words say what the procedure is: the name before any bracket or semicolon,
    at most HEAD_WORDS; the rest qualifies it and should not count against a short question."""
    head = name.split("(")[0].split(";")[0]
    return min(HEAD_WORDS, len(_name_words(head, lexicon)) or HEAD_WORDS)


def _name_words(name: str, lexicon: FoldedLexicon) -> list[str]:
    words = [w for w, _ in lexicon.expand(name)]
    for prefix in _BOILERPLATE:
        if words[: len(prefix)] == list(prefix):
            words = words[len(prefix) :]
    return words


class SearchIndex:
    def __init__(self, procedures: Iterable[Procedure], lexicon: FoldedLexicon) -> None:
        self.lexicon = lexicon
        self.procedures: list[Procedure] = list(procedures)
        self._postings: dict[str, list[int]] = defaultdict(list)  # in the name
        self._field_postings: dict[str, set[int]] = defaultdict(set)
        self._body_postings: dict[str, set[int]] = defaultdict(set)  # result, documents...
        self._name_mass: list[float] = []
        names: list[list[str]] = []
        for doc, procedure in enumerate(self.procedures):
            words = _name_words(procedure.name, lexicon)
            names.append(words)
            for term in _terms(words):
                self._postings[term].append(doc)
            for term in _terms([w for w, _ in lexicon.expand(procedure.field)]):
                self._field_postings[term].add(doc)
            for term in _terms([w for w, _ in lexicon.expand(_body(procedure))]):
                self._body_postings[term].add(doc)
        total = max(1, len(self.procedures))
        self._idf = {term: math.log(1 + total / len(docs)) for term, docs in self._postings.items()}
        self._body_idf = {
            term: math.log(1 + total / len(docs)) for term, docs in self._body_postings.items()
        }
        self._rare_idf = math.log(1 + total)
        self._common = max(COMMON_MIN_DOCS, int(total * COMMON_SHARE))
        # Precision is measured on the head of each name (before brackets and semicolons), on
        # both sides: the words asked for and the words the head holds.
        in_head: dict[str, set[int]] = defaultdict(set)
        for doc, (procedure, words) in enumerate(zip(self.procedures, names, strict=True)):
            head = set(words[: _head_length(procedure.name, lexicon)])
            self._name_mass.append(sum(self._idf[w] for w in head) or 1.0)
            for word in head:
                in_head[word].add(doc)
        self._in_head = {word: frozenset(docs) for word, docs in in_head.items()}
        self._in_name = {term: frozenset(docs) for term, docs in self._postings.items()}
        self._words = sorted(t for t in self._postings if " " not in t)
        self._word_pairs = sorted(t for t in self._postings if " " in t)
        self._corrections: dict[tuple[str, int], list[str]] = {}
        self._pairs_with: dict[str, list[str]] = defaultdict(list)
        for pair in self._word_pairs:
            for word in set(pair.split()):
                self._pairs_with[word].append(pair)
        self._sounds: dict[str, list[str]] = defaultdict(list)
        for term in self._postings:
            self._sounds[sound_key(term)].append(term)

    def __len__(self) -> int:
        return len(self.procedures)

    def _parse(self, text: str) -> list[_Concept]:
        words = self.lexicon.expand(text)
        concepts: list[_Concept] = []
        runs: list[list[str]] = [[]]
        i = 0
        while i < len(words):
            found = self._phrase_at(words, i)
            if found is not None:
                length, meaning = found
                if meaning:  # an everyday phrase: replaced by the words official names use
                    terms = dict.fromkeys([*meaning, *_pairs(meaning)], 1.0)
                    concepts.append(_Concept(terms, importance=SYNONYM_IMPORTANCE))
                runs.append([])  # no word pair across a phrase or filler
                i += length
            else:
                runs[-1].append(words[i][0])
                i += 1
        for run in runs:
            concepts.extend(self._run_concepts(run))
        return concepts

    def _phrase_at(self, words: list[Word], i: int) -> tuple[int, list[str]] | None:
        """(length, meaning) of a synonym or filler phrase starting at ``words[i]``."""
        first = words[i][0]
        for entry, meaning in self.lexicon.synonyms_by_first.get(first, ()):
            if entry.matches(words, i):
                return len(entry), meaning
        for entry in self.lexicon.filler_by_first.get(first, ()):
            if entry.matches(words, i):
                return len(entry), []
        return None

    def _run_concepts(self, run: list[str]) -> list[_Concept]:
        """Concepts of consecutive content words; a word pair no name contains is checked for
        a typo ("khia sinh" -> "khai sinh", "tạm chú" -> "tạm trú"), the correction added
        beside what was typed."""
        options = [self._word_concept(word).terms for word in run]
        for i, pair in enumerate(_pairs(run)):
            if self._known(pair) or len(pair) < MIN_PAIR_TO_CORRECT:
                continue
            alike = self._sounds.get(sound_key(pair), [])
            if not alike and all(w in self._postings for w in pair.split()):
                continue  # two words names use, just not together: nothing to correct
            for corrected in self._nearest(pair, self._word_pairs, PAIR_DISTANCE)[:1]:
                for j, word in zip((i, i + 1), corrected.split(), strict=True):
                    if word not in options[j]:
                        options[j] = {w: t for w, t in options[j].items() if t > 0}
                        options[j][word] = TYPO_WEIGHT
        concepts = [
            _Concept(terms) if any(t > 0 for t in terms.values()) else _Concept(terms, False)
            for terms in options
        ]
        for left, right in pairwise(options):
            pairs = {
                f"{a} {b}": min(wa, wb)
                for a, wa in left.items()
                for b, wb in right.items()
                if wa > 0 and wb > 0 and self._known(f"{a} {b}")
            }
            if pairs:
                concepts.append(_Concept(pairs))
        return concepts

    def _known(self, term: str) -> bool:
        return term in self._postings or term in self._body_postings or term in self._field_postings

    def _word_concept(self, word: str) -> _Concept:
        if word in self._postings or word in self._field_postings or word in self._body_postings:
            return _Concept({word: 1.0})
        if len(word) >= MIN_WORD_TO_CORRECT:
            near = self._nearest(word, self._words, 1)
            if near:
                return _Concept(dict.fromkeys(near, TYPO_WEIGHT))
        return _Concept({word: 0.0}, known=False)

    def _nearest(self, term: str, vocabulary: list[str], max_distance: int) -> list[str]:
        """Likeliest intended terms: one that sounds the same (ch/tr, s/x, d/gi/r, l/n), else
        common ones a few edits away (a noisy-channel guess). Remembered: the vocabulary is
        fixed for this index, and scanning it is the slowest step of a search."""
        key = (term, max_distance)
        if key not in self._corrections:
            if len(self._corrections) >= MAX_CORRECTIONS:
                self._corrections.clear()
            self._corrections[key] = self._find_nearest(term, vocabulary, max_distance)
        return self._corrections[key]

    def _find_nearest(self, term: str, vocabulary: list[str], max_distance: int) -> list[str]:
        if " " in term:
            # A typo in one word of a pair keeps the other: look among pairs that share it.
            first, second = term.split(" ", 1)
            shared = self._pairs_with.get(first, []) + self._pairs_with.get(second, [])
            if shared:
                vocabulary = shared
        alike = [t for t in self._sounds.get(sound_key(term), ()) if t != term]
        if alike:
            return sorted(alike, key=lambda t: -len(self._postings[t]))[:3]
        near = process.extract(
            term,
            vocabulary,
            scorer=DamerauLevenshtein.distance,
            score_cutoff=max_distance,
            limit=10,
        )
        ranked = sorted(near, key=lambda c: -len(self._postings[c[0]]) * EDIT_LIKELIHOOD ** c[1])
        return [candidate for candidate, _, _ in ranked[:3]]

    def search(self, text: str) -> SearchResult:
        return self._decide(text, tuple(self._score(self._parse(text))))

    def _score(self, concepts: list[_Concept]) -> list[Hit]:
        total_docs = len(self.procedures)
        name_hit: dict[int, float] = defaultdict(float)
        credited: set[str] = set()  # a name word counts once, however often it is asked for
        explained: dict[int, float] = defaultdict(float)
        wanted = 0.0
        for concept in concepts:
            if not concept.known:
                wanted += self._rare_idf
                continue
            mass: dict[int, float] = defaultdict(float)
            full = 0.0
            for term, weight in concept.terms.items():
                idf = self._idf.get(term) or self._body_idf.get(term) or self._rare_idf
                full += idf
                in_name = self._in_name.get(term, frozenset())
                share = weight * idf
                for doc in in_name:
                    mass[doc] += share
                if " " not in term and term not in credited:
                    credited.add(term)
                    for doc in self._in_head.get(term, ()):
                        name_hit[doc] += idf
                for zone, factor in (
                    (self._field_postings.get(term, ()), FIELD_WEIGHT),
                    (self._body_postings.get(term, ()), BODY_WEIGHT),
                ):
                    if len(zone) > self._common:
                        continue  # in most procedures' text: says nothing, costs much
                    for doc in zone:
                        if doc not in in_name:
                            mass[doc] += factor * weight * idf
            if full <= 0:
                continue
            half = full / 2
            matching = sum(1 for m in mass.values() if m >= half)
            importance = concept.importance * math.log(1 + total_docs / max(1, matching))
            wanted += importance
            for doc, m in mass.items():
                explained[doc] += importance * (1.0 if m >= full else m / full)
        if not name_hit or wanted <= 0:
            return []
        scored = []
        for doc, hit_mass in name_hit.items():  # no word of the name asked for: not a match
            recall = min(1.0, explained[doc] / wanted)
            precision = min(1.0, hit_mass / self._name_mass[doc])
            score = recall**RECALL_EXPONENT * precision ** (1 - RECALL_EXPONENT)
            scored.append((score, -len(self.procedures[doc].name), doc, recall))
        best = heapq.nlargest(KEEP_HITS, scored)
        return [Hit(self.procedures[doc], score, recall) for score, _, doc, recall in best]

    def _decide(self, text: str, hits: tuple[Hit, ...]) -> SearchResult:
        if not hits or hits[0].score < NOTHING_BELOW:
            return SearchResult(text, hits, None, ())
        best = hits[0]
        runner_up = next((h for h in hits[1:] if h.procedure.name != best.procedure.name), None)
        if best.score >= CARD_FROM and (
            runner_up is None or best.score - runner_up.score >= CARD_LEAD
        ):
            return SearchResult(text, hits, best.procedure, ())
        choices: list[Procedure] = []
        names: set[str] = set()
        for hit in hits:
            if hit.score < max(NOTHING_BELOW, best.score * LIST_SHARE) or len(choices) >= LIST_SIZE:
                break
            if hit.procedure.name not in names:
                names.add(hit.procedure.name)
                choices.append(hit.procedure)
        if len(choices) == 1 and best.score >= CARD_FROM:  # strong, and nothing else close
            return SearchResult(text, hits, choices[0], ())
        return SearchResult(text, hits, None, tuple(choices))
