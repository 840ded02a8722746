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

import math
from array import array
from collections import OrderedDict, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import pairwise
from typing import Generic, Protocol, TypeVar

import numpy as np
from numpy.typing import NDArray
from rapidfuzz import process
from rapidfuzz.distance import DamerauLevenshtein

from bot.domain.procedure import Procedure, ProcedureRef
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
# Concepts' worth remembered per index, the least recently asked forgotten first: over the
# labelled questions, 1,536 so kept are recomputed less often than 2,048 emptied all at once
# when full were, and hold a quarter less (some 1.6 MB for the catalogue's at most).
CONCEPTS_KEPT = 1_536
# Misspellings looked up per question, the first ones in it: a long story of words no name
# uses holds few typos, and each look-up scans the vocabulary. Remembered look-ups count too,
# so that a question gets the same answer whatever was asked before it.
MAX_TYPO_LOOKUPS = 6
# An English question's words no phrase covered are English, mostly the story around what is
# asked ("we just moved", "my landlord says"): they count for less against a match than a
# Vietnamese word no name uses, which is more likely part of the question itself.
ENGLISH_UNKNOWN_WEIGHT = 0.3
COMMON_SHARE = 0.15  # a word in more procedures' text than this is skipped outside names
COMMON_MIN_DOCS = 50
RECALL_EXPONENT = 0.6  # score = recall^0.6 x precision^0.4: explain the question, fit the name

_BOILERPLATE = (("thu", "tuc"),)


class Entry(Protocol):
    """What the index ranks: a procedure, or a phrasing of an FAQ entry or an alias."""

    @property
    def name(self) -> str: ...

    @property
    def for_citizens(self) -> bool: ...


E = TypeVar("E", bound=Entry)


@dataclass(slots=True)
class _Lookups:
    """How many more misspellings one search may look up."""

    left: int


@dataclass(frozen=True, slots=True)
class Phrasing:
    """One way of asking for a target (an FAQ entry, or a procedure an admin taught)."""

    target: str
    name: str  # the phrasing itself
    for_citizens: bool = True


@dataclass(frozen=True, slots=True)
class Hit(Generic[E]):
    procedure: E
    score: float
    recall: float


@dataclass(frozen=True, slots=True)
class SearchResult(Generic[E]):
    """``card`` when one entry clearly fits; else ``choices`` (maybe empty)."""

    query: str
    hits: tuple[Hit[E], ...]
    card: E | None
    choices: tuple[E, ...]

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


Docs = NDArray[np.int32]
Weights = NDArray[np.float64]


class _Postings:
    """Term id -> (procedures, values), packed in flat arrays: far smaller than a set per
    term, and read by numpy in one step. A term's entries run from the previous id's end to
    its own. A value is one of a handful (1 in a name, 0.3 in a field...): each is kept as
    its number in a table of them, a byte where a float takes eight."""

    def __init__(self, ends: Docs, docs: Docs, codes: NDArray[np.uint8], table: Weights) -> None:
        self._ends, self._docs, self._codes, self._table = ends, docs, codes, table
        self._empty = (docs[:0], table[:0])

    def get(self, term: int) -> tuple[Docs, Weights]:
        start = int(self._ends[term - 1]) if term else 0
        end = int(self._ends[term])
        if start == end:
            return self._empty
        return self._docs[start:end], self._table.take(self._codes[start:end])

    def docs(self, term: int) -> Docs:
        """The term's procedures alone."""
        start = int(self._ends[term - 1]) if term else 0
        return self._docs[start : int(self._ends[term])]


class _Collector:
    """Postings written term by term, in id order, into growing ``array``s that numpy then
    reads in place: building the index never holds every term's entries as Python objects
    at once, nor a second copy of them (start-up's peak was some 10 MB higher)."""

    def __init__(self) -> None:
        self._ends = array("i")
        self._docs = array("i")
        self._codes = array("B")
        self._table: dict[float, int] = {}  # value -> its code

    def add(self, docs: Iterable[int], values: Iterable[float] = ()) -> None:
        """A term's procedures, with their values (none: only ``docs`` will read them)."""
        self._docs.extend(docs)
        table = self._table
        self._codes.extend([table.setdefault(value, len(table)) for value in values])
        self._ends.append(len(self._docs))

    def postings(self) -> _Postings:
        """The postings; the arrays are numpy's from now on, and no longer to be added to."""
        if len(self._table) > 256:
            raise ValueError("more than 256 different values: they do not fit a byte")
        return _Postings(
            np.frombuffer(self._ends, dtype=np.int32),
            np.frombuffer(self._docs, dtype=np.int32),
            np.frombuffer(self._codes, dtype=np.uint8),
            np.array(list(self._table), dtype=np.float64),
        )


@dataclass(frozen=True, slots=True)
class _Worth:
    """A concept as an index holds it."""

    docs: Docs  # procedures holding any of its terms
    share: NDArray[np.float64]  # ... and how much of it each holds, at most all
    rarity: float | None  # log(1 + procedures / those holding half of it); None: worth nothing
    # Each word, the names holding it in their head, and its idf: one number, not an array of
    # it for every name (the concepts kept cost a quarter less).
    heads: tuple[tuple[str, Docs, float], ...]


def _totals(parts: list[tuple[Docs, NDArray[np.float64]]], size: int) -> NDArray[np.float64]:
    """Each procedure's sum over ``parts``, added in their order."""
    if not parts:
        return np.zeros(size)
    docs = np.concatenate([d for d, _ in parts])
    summed = np.bincount(docs, weights=np.concatenate([v for _, v in parts]), minlength=size)
    return summed.astype(np.float64, copy=False)


def _named(parts: list[Docs], idfs: list[float], size: int) -> NDArray[np.float64]:
    """Each procedure's sum of the idf of the words its head holds, added in their order (as
    ``_totals`` would with an array of each word's idf)."""
    if not parts:
        return np.zeros(size)
    weights = np.repeat(np.array(idfs, dtype=np.float64), [len(docs) for docs in parts])
    summed = np.bincount(np.concatenate(parts), weights=weights, minlength=size)
    return summed.astype(np.float64, copy=False)


def _summed(found: list[tuple[Docs, NDArray[np.float64]]]) -> tuple[Docs, NDArray[np.float64]]:
    """Each procedure's total over a concept's terms, only where a term is found: a concept
    costs what its postings hold, not the size of the catalogue (a long story asks for dozens)."""
    if len(found) == 1:
        return found[0]
    if not found:
        return np.empty(0, dtype=np.int32), np.empty(0)
    docs, where = np.unique(np.concatenate([d for d, _ in found]), return_inverse=True)
    summed = np.bincount(where, weights=np.concatenate([v for _, v in found]))
    return docs.astype(np.int32, copy=False), summed.astype(np.float64, copy=False)


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


class IndexBuilder(Generic[E]):
    """Takes entries one at a time and keeps only what search needs of each, so building
    the index never holds the whole catalogue's text."""

    def __init__(self, lexicon: FoldedLexicon, typos: bool = True) -> None:
        self.lexicon = lexicon
        self.typos = typos
        self.refs: list[E] = []
        self.names: list[list[str]] = []
        self.head_lengths: list[int] = []
        self.in_name: dict[str, list[int]] = defaultdict(list)
        self.in_field: dict[str, list[int]] = defaultdict(list)
        self.in_body: dict[str, list[int]] = defaultdict(list)  # result, documents, applicants

    def add_entry(self, entry: E, field: str = "", body: str = "") -> None:
        doc, lexicon = len(self.refs), self.lexicon
        self.refs.append(entry)
        words = _name_words(entry.name, lexicon)
        self.names.append(words)
        self.head_lengths.append(_head_length(entry.name, lexicon))
        for term in _terms(words):
            self.in_name[term].append(doc)
        for term in _terms([w for w, _ in lexicon.expand(field)]):
            self.in_field[term].append(doc)
        for term in _terms([w for w, _ in lexicon.expand(body)]):
            self.in_body[term].append(doc)

    def build(self) -> SearchIndex[E]:
        return SearchIndex(self)


class ProcedureBuilder(IndexBuilder[ProcedureRef]):
    def add(self, procedure: Procedure) -> None:
        self.add_entry(procedure.ref, procedure.field, _body(procedure))


class SearchIndex(Generic[E]):
    @classmethod
    def of(
        cls, procedures: Iterable[Procedure], lexicon: FoldedLexicon
    ) -> SearchIndex[ProcedureRef]:
        builder = ProcedureBuilder(lexicon)
        for procedure in procedures:
            builder.add(procedure)
        return builder.build()

    @classmethod
    def of_phrasings(
        cls, phrasings: Iterable[Phrasing], lexicon: FoldedLexicon
    ) -> SearchIndex[Phrasing]:
        """Phrasings are matched as typed, without typo look-ups: the catalogue's search
        corrects those, and a phrasing matched only through a guessed word is no reason to
        answer with it. It keeps the index small and its searches fast."""
        builder: IndexBuilder[Phrasing] = IndexBuilder(lexicon, typos=False)
        for phrasing in phrasings:
            builder.add_entry(phrasing)
        return builder.build()

    def __init__(self, built: IndexBuilder[E]) -> None:
        self.lexicon = built.lexicon
        self.procedures = built.refs
        in_name, in_field, in_body = built.in_name, built.in_field, built.in_body
        total = max(1, len(self.procedures))
        idf = {term: math.log(1 + total / len(docs)) for term, docs in in_name.items()}
        self._rare_idf = math.log(1 + total)
        common = max(COMMON_MIN_DOCS, int(total * COMMON_SHARE))
        # Precision is measured on the head of each name (before brackets and semicolons), on
        # both sides: the words asked for and the words the head holds.
        in_head: dict[str, list[int]] = defaultdict(list)
        head_mass: list[float] = []
        for doc, (words, length) in enumerate(zip(built.names, built.head_lengths, strict=True)):
            head = set(words[:length])
            head_mass.append(sum(idf[w] for w in head) or 1.0)
            for word in head:
                in_head[word].append(doc)
        self._name_mass = np.array(head_mass)
        # Ties (names alike in their first words): the one a citizen may apply for, who is
        # the one asking; then the shorter name.
        self._for_citizens = np.array([p.for_citizens for p in self.procedures], dtype=bool)
        self._shorter_first = np.array([-len(p.name) for p in self.procedures], dtype=np.int64)
        # Every term gets an id; what the index knows of it is kept in arrays by id. What
        # finding a term in a procedure is worth: 1 in its name, less in its field or body
        # alone; a term in most procedures' text says nothing outside names and is left out.
        self._ids = {
            term: i for i, term in enumerate(dict.fromkeys([*in_name, *in_field, *in_body]))
        }
        worth, heads = _Collector(), _Collector()
        idfs = array("d")
        for term in self._ids:
            weights: dict[int, float] = {}
            for zone, factor in ((in_field, FIELD_WEIGHT), (in_body, BODY_WEIGHT)):
                docs = zone.get(term, [])
                if len(docs) <= common:
                    for doc in docs:
                        weights[doc] = weights.get(doc, 0.0) + factor
            named = in_name.get(term, [])
            weights.update(dict.fromkeys(named, 1.0))
            worth.add(weights.keys(), weights.values())
            heads.add(in_head.get(term, []))
            body = len(in_body.get(term, []))
            idfs.append(
                idf.get(term) or (math.log(1 + total / body) if body else 0) or self._rare_idf
            )
        self._worth = worth.postings()
        self._head = heads.postings()
        self._idf = np.array(idfs, dtype=np.float64)
        self.vocabulary = frozenset(t for t in in_name if " " not in t)
        # What typo look-ups need, for an index that makes them.
        self._typos = built.typos
        self._name_docs: dict[str, int] = {}
        self._words: list[str] = []
        self._word_pairs: list[str] = []
        self._corrections: dict[tuple[str, int], list[str]] = {}
        self._concepts: OrderedDict[tuple[tuple[str, float], ...], _Worth] = OrderedDict()
        self._pairs_with: dict[str, tuple[str, ...]] = {}
        self._sounds: dict[str, tuple[str, ...]] = {}
        if built.typos:
            self._name_docs = {term: len(docs) for term, docs in in_name.items()}
            self._words = sorted(self.vocabulary)
            self._word_pairs = sorted(t for t in in_name if " " in t)
            pairs_with: dict[str, list[str]] = defaultdict(list)
            for pair in self._word_pairs:
                for word in set(pair.split()):
                    pairs_with[word].append(pair)
            sounds: dict[str, list[str]] = defaultdict(list)
            for term in in_name:
                key = sound_key(term)
                sounds[term if key == term else key].append(term)  # one string, not two
            # Kept as tuples (they never change), each key the term's own string where it
            # can be: the typo tables cost a fifth less.
            self._pairs_with = {word: tuple(pairs) for word, pairs in pairs_with.items()}
            self._sounds = {key: tuple(terms) for key, terms in sounds.items()}

    def __len__(self) -> int:
        return len(self.procedures)

    def _parse(self, text: str, typos: _Lookups | None) -> list[_Concept]:
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
            concepts.extend(self._run_concepts(run, typos))
        return concepts

    def _phrase_at(self, words: list[Word], i: int) -> tuple[int, list[str]] | None:
        """(length, meaning) of a synonym or filler phrase starting at ``words[i]``."""
        first = words[i][0]
        for entry, meaning in self.lexicon.synonyms_by_first.get(first, ()):
            if entry.matches(words, i):
                return len(entry), meaning
        for entry in self.lexicon.filler_by_first.get(first, ()):
            if entry.matches(words, i) and not self._names_begin(words, i + len(entry) - 1):
                return len(entry), []
        return None

    def _names_begin(self, words: list[Word], i: int) -> bool:
        """``words[i]``, typed without marks, begins a word pair names use: it is no filler.
        Without marks «đang» (filler) and «đăng» read alike, and «dang ky» is «đăng ký»."""
        if words[i][1] is not None or i + 1 >= len(words):
            return False
        return self._known(f"{words[i][0]} {words[i + 1][0]}")

    def _run_concepts(self, run: list[str], typos: _Lookups | None) -> list[_Concept]:
        """Concepts of consecutive content words; a word pair no name contains is checked for
        a typo ("khia sinh" -> "khai sinh", "tạm chú" -> "tạm trú"), the correction added
        beside what was typed."""
        options = [self._word_concept(word, typos).terms for word in run]
        for i, pair in enumerate(_pairs(run)):
            if typos is None or self._known(pair) or len(pair) < MIN_PAIR_TO_CORRECT:
                continue
            alike = self._sounds.get(sound_key(pair), ())
            if not alike and all(w in self._name_docs for w in pair.split()):
                continue  # two words names use, just not together: nothing to correct
            for corrected in self._nearest(pair, self._word_pairs, PAIR_DISTANCE, typos)[:1]:
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
        return term in self._ids

    def _word_concept(self, word: str, typos: _Lookups | None) -> _Concept:
        if self._known(word):
            return _Concept({word: 1.0})
        if typos is not None and len(word) >= MIN_WORD_TO_CORRECT:
            near = self._nearest(word, self._words, 1, typos)
            if near:
                return _Concept(dict.fromkeys(near, TYPO_WEIGHT))
        return _Concept({word: 0.0}, known=False)

    def _nearest(
        self, term: str, vocabulary: Sequence[str], max_distance: int, lookups: _Lookups
    ) -> list[str]:
        """Likeliest intended terms: one that sounds the same (ch/tr, s/x, d/gi/r, l/n), else
        common ones a few edits away (a noisy-channel guess). Remembered: the vocabulary is
        fixed for this index, and scanning it is the slowest step of a search."""
        if lookups.left <= 0:
            return []
        lookups.left -= 1
        key = (term, max_distance)
        if key not in self._corrections:
            if len(self._corrections) >= MAX_CORRECTIONS:
                self._corrections.clear()
            self._corrections[key] = self._find_nearest(term, vocabulary, max_distance)
        return self._corrections[key]

    def _find_nearest(self, term: str, vocabulary: Sequence[str], max_distance: int) -> list[str]:
        if " " in term:
            # A typo in one word of a pair keeps the other: look among pairs that share it.
            # Neither word in any name's pairs is more likely a word no name uses (a place,
            # English) than two typos in a row, and scanning every pair costs milliseconds.
            first, second = term.split(" ", 1)
            vocabulary = self._pairs_with.get(first, ()) + self._pairs_with.get(second, ())
            if not vocabulary:
                return []
        alike = [t for t in self._sounds.get(sound_key(term), ()) if t != term]
        if alike:
            return sorted(alike, key=lambda t: -self._name_docs[t])[:3]
        near = process.extract(
            term,
            vocabulary,
            scorer=DamerauLevenshtein.distance,
            score_cutoff=max_distance,
            limit=10,
        )
        ranked = sorted(near, key=lambda c: -self._name_docs[c[0]] * EDIT_LIKELIHOOD ** c[1])
        return [candidate for candidate, _, _ in ranked[:3]]

    def search(self, text: str, english: bool = False) -> SearchResult[E]:
        """``english``: a question read from English, whose words left over are English, not
        Vietnamese typos: none is looked up as a misspelling, and they weigh less."""
        lookups = _Lookups(MAX_TYPO_LOOKUPS) if self._typos and not english else None
        unknown = ENGLISH_UNKNOWN_WEIGHT if english else 1.0
        return self.decide(text, tuple(self._score(self._parse(text, lookups), unknown)))

    def _score(self, concepts: list[_Concept], unknown: float = 1.0) -> list[Hit[E]]:
        """How much of the question each procedure explains and how much of its name was
        asked for, over all procedures at once; a concept costs what its postings hold."""
        size = len(self.procedures)
        credited: set[str] = set()  # a name word counts once, however often it is asked for
        named: list[Docs] = []
        idfs: list[float] = []
        held: list[tuple[Docs, NDArray[np.float64]]] = []
        wanted = 0.0
        for concept in concepts:
            if not concept.known:
                wanted += self._rare_idf * unknown
                continue
            worth = self._worth_of(concept)
            for term, heads, idf in worth.heads:
                if term not in credited:
                    credited.add(term)
                    named.append(heads)
                    idfs.append(idf)
            if worth.rarity is None:
                continue
            importance = concept.importance * worth.rarity
            wanted += importance
            held.append((worth.docs, importance * worth.share))
        name_hit = _named(named, idfs, size)
        explained = _totals(held, size)
        candidates = np.flatnonzero(name_hit)  # no word of the name asked for: not a match
        if not len(candidates) or wanted <= 0:
            return []
        recall = np.minimum(explained[candidates] / wanted, 1.0)
        precision = np.minimum(name_hit[candidates] / self._name_mass[candidates], 1.0)
        score = recall**RECALL_EXPONENT * precision ** (1 - RECALL_EXPONENT)
        # Best first; ties as above, then to the later procedure.
        order = np.lexsort(
            (
                candidates,
                self._shorter_first[candidates],
                self._for_citizens[candidates],
                score,
            )
        )[::-1]
        return [
            Hit(self.procedures[candidates[i]], float(score[i]), float(recall[i]))
            for i in order[:KEEP_HITS]
        ]

    def _worth_of(self, concept: _Concept) -> _Worth:
        """What a concept's terms are worth here, the same whatever question asks for them:
        remembered, since everyday questions ask for the same few hundred concepts."""
        key = tuple(concept.terms.items())
        worth = self._concepts.get(key)
        if worth is not None:
            self._concepts.move_to_end(key)
            return worth
        found: list[tuple[Docs, NDArray[np.float64]]] = []
        heads: list[tuple[str, Docs, float]] = []
        full = 0.0
        for term, weight in concept.terms.items():
            known = self._ids.get(term)
            if known is None:  # a word no text holds: it only adds to what is asked
                full += self._rare_idf
                continue
            idf = float(self._idf[known])
            full += idf
            docs, values = self._worth.get(known)
            found.append((docs, values * (weight * idf)))
            if " " not in term:
                heads.append((term, self._head.docs(known), idf))
        docs, mass = _summed(found)
        if full <= 0:
            worth = _Worth(docs, mass, None, tuple(heads))
        else:
            matching = int(np.count_nonzero(mass >= full / 2))
            rarity = math.log(1 + len(self.procedures) / max(1, matching))
            worth = _Worth(docs, np.minimum(mass / full, 1.0), rarity, tuple(heads))
        self._concepts[key] = worth
        if len(self._concepts) > CONCEPTS_KEPT:
            self._concepts.popitem(last=False)
        return worth

    def decide(self, text: str, hits: tuple[Hit[E], ...]) -> SearchResult[E]:
        """A card, a short list or nothing from ranked hits (also after a caller filtered
        them, say to the procedures this ward receives)."""
        if not hits or hits[0].score < NOTHING_BELOW:
            return SearchResult(text, hits, None, ())
        best = hits[0]
        runner_up = next((h for h in hits[1:] if h.procedure.name != best.procedure.name), None)
        if best.score >= CARD_FROM and (
            runner_up is None or best.score - runner_up.score >= CARD_LEAD
        ):
            return SearchResult(text, hits, best.procedure, ())
        choices: list[E] = []
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
