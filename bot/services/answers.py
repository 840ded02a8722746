"""What the bot answers a question with: a procedure's card, an everyday answer (FAQ), a short
list of both, who handles it when this ward does not, or nothing.

Procedures and FAQ entries are ranked together: procedures by the catalogue's index; the
FAQ's phrasings, and the ways of asking for a procedure (its English name, phrasings.yaml), by
two more indexes built the same way, so the scores mean the same thing; phrases admins taught
(aliases) join the index of what they point to. English questions are read into the words
official names use first (bot/search/english.py).
"""

from __future__ import annotations

import enum
import re
import sys
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import TypeVar

import yaml

from bot.domain.faq import Alias, Aliases, Faq, FaqEntry, Phrasings
from bot.domain.procedure import UNTRANSLATED, ProcedureRef, Translation
from bot.search.english import English, EnglishReader, Reading
from bot.search.index import Hit, Phrasing, SearchIndex
from bot.search.normalize import fold, has_marks, words
from bot.services.catalogue import CatalogueService
from bot.services.documents import EditableFile
from bot.yamldoc import DocumentError, Problem, parse_document, parse_with_node, problem_at

FAQ_FILE = "faq.yaml"
PHRASINGS_FILE = "phrasings.yaml"
ALIASES_FILE = "aliases.yaml"
ENGLISH_FILE = "english.yaml"
ANSWERS_KEPT = 1024

# Tuned on the "dev" half of tests/data/questions.yaml, like the index's own thresholds.
PHRASE_FROM = 0.72  # a phrasing scoring this answers on its own...
PHRASE_LEAD = 0.05  # ...when it beats the best procedure by this much
PHRASE_LISTED = 0.5  # an FAQ phrasing this good joins a list of procedures
# ... and a way of asking for a procedure this good: phrasings.yaml names one procedure each,
# so a weaker match still points somewhere useful (lower, nonsense gets lists more often).
ASKED_LISTED = 0.4
# Evidence for a choice, on a score's scale: the stronger of its two scores (its official name's,
# a way of asking's) plus this share of the weaker, over 1 + the share.
AGREEMENT = 0.5
FAQ_BONUS = 0.25  # an FAQ entry is only ever asked for: its score counts as if half agreed
EVIDENCE_LEAD = 0.07  # an outright answer needs this lead over the next choice's evidence
NAMED_WHOLE = 0.95  # a procedure scoring this names what the question asks, near enough
SUPPORT_FROM = 0.3  # a way of asking this good is evidence (weaker ones: see below)
# A question read only in part: the words no phrase covered (the story around what is asked)
# weigh down every phrasing's score alike, so the best few still count as agreeing, from this.
PARTLY_READ_SUPPORTERS = 3
PARTLY_READ_SUPPORT_FROM = 0.2
# Whatever joins a list has evidence: lists take phrasings scoring at least SUPPORT_FROM.
assert min(PHRASE_LISTED, ASKED_LISTED) >= SUPPORT_FROM
LIST_FLOOR = 0.34  # below the index's own "nothing", a best procedure this good is still listed
FLOOR_LIST_SIZE = 3
MAX_QUERY = 500  # characters of a question read (and kept for the admins' queue)
CLAUSE_BREAK = re.compile(r"[.,;:!?\n]+")  # where a long message's clauses end
MIN_CLAUSE_WORDS = 2  # shorter pieces ("dạ", "ạ") are read with the whole message only
MAX_CLAUSES = 8  # a pasted essay must not slow the bot down
LIST_SIZE = 5
# An English question with words no phrase covered was read only in part: it is answered
# outright only from this score; below, its best few are offered (the first the same).
PARTLY_READ_FROM = 0.9
SURE_FROM = 0.75  # a card below this is an answer the admins may want to check
# Beside an outright answer, the next choices with at least this share of its evidence (and
# at least RELATED_FROM) are offered one tap away: of the dev half's wrong outright answers,
# five of six had the right one among the next two.
RELATED_SHARE = 0.5
RELATED_FROM = 0.35
RELATED_SIZE = 2

FAQ_TARGET = "faq:"
PROCEDURE_TARGET = "p:"

Choice = ProcedureRef | FaqEntry
ChoiceT = TypeVar("ChoiceT", ProcedureRef, FaqEntry, Choice)


class AnswerKind(enum.StrEnum):
    CARD = "card"
    FAQ = "faq"
    CHOICES = "choices"
    ELSEWHERE = "elsewhere"  # a procedure no office of this ward receives
    NOTHING = "nothing"


@dataclass(frozen=True, slots=True)
class Answer:
    query: str
    kind: AnswerKind
    procedure: ProcedureRef | None = None  # CARD, ELSEWHERE
    faq: FaqEntry | None = None  # FAQ
    choices: tuple[Choice, ...] = ()  # CHOICES
    related: tuple[Choice, ...] = ()  # CARD, FAQ: what else the question may have meant
    english: bool = False
    sure: bool = True  # False: a list or a weak card, worth an admin's look in /misses
    score: float = 0.0


@dataclass(frozen=True, slots=True)
class Candidate:
    """A possible answer and how well it fits, for an admin choosing what a phrase means."""

    choice: Choice
    score: float


class AnswerService:
    def __init__(self, catalogue: CatalogueService) -> None:
        self._catalogue = catalogue
        self._faq = Faq()
        self._aliases = Aliases()
        self._phrasings = Phrasings()
        self._english = English()
        # One object per procedure, so that a card rendered for it is found again (bot/ui/memo).
        self._translations: dict[tuple[str, str], Translation] = {}
        self._reader = EnglishReader(English(), set())
        self._phrases: _PhraseIndexes | None = None
        self._exact: dict[str, str] = {}
        self._answer: Callable[[str, str], Answer] = self._compute
        self._built_for = -1  # the catalogue's words_generation the phrase index was built for
        self._answered_for = -1  # the catalogue's generation the answers kept were computed for
        self._prepared = False

    # ---------------------------------------------------------------- the admin-edited files

    def files(self) -> list[EditableFile]:
        return [
            EditableFile(FAQ_FILE, self._parse_faq, self._set_faq),
            EditableFile(PHRASINGS_FILE, self._parse_phrasings, self._set_phrasings),
            EditableFile(ALIASES_FILE, self._parse_aliases, self._set_aliases),
            EditableFile(ENGLISH_FILE, self._parse_english, self._set_english),
        ]

    def _parse_faq(self, text: str, filename: str) -> Faq:
        faq = parse_document(text, Faq, filename)
        for index, entry in enumerate(faq.entries):
            for b, button in enumerate(entry.buttons):
                if button.procedure and self._catalogue.get(button.procedure) is None:
                    where = f"entries.{index}.buttons.{b}.procedure"
                    self._unknown(filename, where, button.procedure)
        return faq

    def _parse_phrasings(self, text: str, filename: str) -> Phrasings:
        phrasings, node = parse_with_node(text, Phrasings, filename)
        unknown = [code for code in phrasings.procedures if self._catalogue.get(code) is None]
        if unknown:
            problems = [
                problem_at(node, ("procedures", code), "unknown", value=code) for code in unknown
            ]
            raise DocumentError(filename, problems)
        return phrasings

    def _parse_aliases(self, text: str, filename: str) -> Aliases:
        aliases = parse_document(text, Aliases, filename)
        for index, alias in enumerate(aliases.aliases):
            if alias.procedure and self._catalogue.get(alias.procedure) is None:
                self._unknown(filename, f"aliases.{index}.procedure", alias.procedure)
            if alias.faq and self._faq.entry(alias.faq) is None:
                self._unknown(filename, f"aliases.{index}.faq", alias.faq)
        return aliases

    @staticmethod
    def _unknown(filename: str, where: str, value: str) -> None:
        raise DocumentError(filename, [Problem(None, where, "doc.unknown", {"value": value})])

    @staticmethod
    def _parse_english(text: str, filename: str) -> English:
        return parse_document(text, English, filename)

    def _set_faq(self, faq: Faq) -> None:
        self._faq = faq
        self.refresh()

    def _set_phrasings(self, phrasings: Phrasings) -> None:
        self._phrasings = phrasings
        self.refresh()

    def _set_aliases(self, aliases: Aliases) -> None:
        self._aliases = aliases
        self.refresh()

    def _set_english(self, english: English) -> None:
        self._english = english
        self._translations = {}
        self.refresh()

    # ---------------------------------------------------------------- reading the files

    @property
    def faq(self) -> Faq:
        return self._faq

    @property
    def aliases(self) -> list[Alias]:
        return list(self._aliases.aliases)

    @property
    def english(self) -> EnglishReader:
        return self._reader

    def entry(self, entry_id: str) -> FaqEntry | None:
        return self._faq.entry(entry_id)

    def named(self, ref: ProcedureRef, language: str) -> ProcedureRef:
        """The procedure as a list shows it to a reader of ``language``."""
        english = self._english.procedures.get(ref.code) if language == "en" else None
        return replace(ref, name=english) if english else ref

    def field_name(self, field: str, language: str) -> str:
        return (self._english.fields.get(field) if language == "en" else None) or field

    def translation(self, ref: ProcedureRef, language: str) -> Translation:
        if language != "en":
            return UNTRANSLATED
        key = (ref.code, ref.field)
        if key not in self._translations:
            self._translations[key] = Translation(
                self._english.procedures.get(ref.code), self._english.fields.get(ref.field)
            )
        return self._translations[key]

    def title(self, entry: FaqEntry, language: str) -> str:
        """How a list names an entry: its title, else its first phrasing in that language."""
        if entry.title is not None:
            return entry.title.get(language)
        english = [q for q in entry.questions if self._reader.is_english(q, "vi")]
        if language == "en" and english:
            return english[0]
        return next((q for q in entry.questions if q not in english and has_marks(q)), entry.name)

    def prepare(self) -> None:
        """Build the phrase index now rather than on the first citizen's question; from now
        on, an admin's edit rebuilds it at once, while the admin waits, not a citizen."""
        self._index()
        self._prepared = True

    @property
    def built(self) -> bool:
        """The phrase indexes are built on the catalogue's words of now: the next question
        does not wait for them."""
        return self._phrases is not None and self._built_for == self._catalogue.words_generation

    def refresh(self) -> None:
        """Rebuild the phrase index, after a file changed."""
        self._phrases = None
        self._answer = lru_cache(maxsize=ANSWERS_KEPT)(self._compute)
        if self._prepared:
            self._index()

    def _index(self) -> _PhraseIndexes:
        if not self.built:
            self._build()
        assert self._phrases is not None
        return self._phrases

    def _build(self) -> None:
        vocabulary = set(self._catalogue.vocabulary())
        first = EnglishReader(self._english, set(vocabulary))
        # The Vietnamese phrasings' words, not the English ones'; each phrasing is judged once.
        english: set[str] = set()
        for question in self._asked():
            if first.is_english(question, "vi"):
                english.add(question)
            else:
                vocabulary.update(fold(question).split())
        said = {w for question in english for w in words(question)}
        reader = first.knowing(vocabulary, said)

        def held(phrase: str) -> str:
            """An English phrasing is held without its stopwords, as English questions are."""
            return reader.without_stopwords(phrase) if phrase in english else phrase

        # Each target one string, however many phrasings lead to it.
        phrasings: list[Phrasing] = []
        for entry in self._faq.entries:
            target = sys.intern(FAQ_TARGET + entry.id)
            phrasings.extend(Phrasing(target, held(question)) for question in entry.questions)
        for code, name in self._english.procedures.items():
            if self._catalogue.get(code) is not None:
                target = sys.intern(PROCEDURE_TARGET + code)
                phrasings.append(Phrasing(target, reader.without_stopwords(name)))
        for code, asked in self._phrasings.procedures.items():
            if self._catalogue.get(code) is not None:
                target = sys.intern(PROCEDURE_TARGET + code)
                phrasings.extend(Phrasing(target, held(q)) for q in asked)
        for alias in self._aliases.aliases:
            target = (
                FAQ_TARGET + alias.faq if alias.faq else PROCEDURE_TARGET + str(alias.procedure)
            )
            if reader.is_english(alias.phrase, "vi"):
                english.add(alias.phrase)
            phrasings.append(Phrasing(target, held(alias.phrase)))
        phrasings = [p for p in phrasings if fold(p.name)]
        self._exact = {fold(p.name): p.target for p in phrasings}
        self._built_for = self._catalogue.words_generation
        self._reader = reader
        everyday = self._catalogue.lexicon.everyday()
        # Two indexes, so that how rare a word is among the FAQ's phrasings is not diluted by
        # the thousands of ways of asking for procedures ("photo" is rare among the FAQ's).
        faq = [p for p in phrasings if p.target.startswith(FAQ_TARGET)]
        procedures = [p for p in phrasings if not p.target.startswith(FAQ_TARGET)]
        self._phrases = _PhraseIndexes(
            SearchIndex.of_phrasings(faq, everyday), SearchIndex.of_phrasings(procedures, everyday)
        )

    def _asked(self) -> Iterator[str]:
        """Every phrasing of an FAQ entry or a procedure."""
        for entry in self._faq.entries:
            yield from entry.questions
        for asked in self._phrasings.procedures.values():
            yield from asked

    # ---------------------------------------------------------------- answering

    def answer(self, text: str, language: str) -> Answer:
        if self._answered_for != self._catalogue.generation:  # say, the ward's scope changed
            self._answer = lru_cache(maxsize=ANSWERS_KEPT)(self._compute)
            self._answered_for = self._catalogue.generation
        return self._answer(text, language)

    def _compute(self, text: str, language: str) -> Answer:
        if not any(char.isalpha() for char in text):
            # «5», «12», a date: no word names anything (a number typed for a button, say),
            # and a list of whatever phrasing holds that number would only puzzle.
            return Answer(text, AnswerKind.NOTHING, english=language == "en", sure=False)
        whole = self._whole(text, language)
        clauses = _clauses(text)
        if whole.kind != AnswerKind.NOTHING or len(clauses) < 2:
            return whole
        # A long story hides its question in one clause ("... giờ muốn lãnh bảo hiểm xã hội một
        # lần thì nộp ở đâu"): each clause is read alone, and what they name is offered as a
        # list, never as a sure answer, since the rest of the story was not understood.
        listed: list[tuple[float, Choice]] = []
        for clause in clauses[:MAX_CLAUSES]:
            said = self._whole(clause, language)
            named = [c for c in (said.procedure, said.faq) if c is not None] + list(said.choices)
            listed.extend((said.score, choice) for choice in named if self._offered(choice))
        return self._listed(whole, listed)

    def _whole(self, text: str, language: str) -> Answer:
        indexes = self._index()
        reading = self._reader.read(text, language)
        asked = reading.asked
        exact = self._exact.get(fold(asked))
        if exact is not None and (choice := self._target(exact)) is not None:
            return self._chosen(text, choice, reading, 1.0)
        phrase = indexes.best(asked)
        if reading.english:  # ... and as read into Vietnamese, like the Vietnamese phrasings
            phrase = _best_first([*phrase, *_search(indexes.everyday, reading.everyday)])
        procedures = (
            self._catalogue.search(reading.text, english=reading.english)
            if fold(reading.text)
            else None
        )
        hits = procedures.hits if procedures else ()
        local = tuple(h for h in hits if self._catalogue.in_scope(h.procedure.code))
        best_local = local[0].score if local else 0.0
        best_recall = local[0].recall if local else 0.0
        if hits and hits[0] not in local:
            elsewhere = hits[0]
            decided = self._catalogue.decide(reading.text, hits)
            if decided.card is not None and elsewhere.score - best_local >= PHRASE_LEAD:
                return Answer(
                    text, AnswerKind.ELSEWHERE, procedure=elsewhere.procedure,
                    english=reading.english, score=elsewhere.score,
                )  # fmt: skip
        evidence, agreed = self._evidence(reading, hits, phrase, best_recall)
        phrased = self._target(phrase[0].procedure.target) if phrase else None
        if (
            phrased is not None
            and phrase[0].score >= PHRASE_FROM
            and phrase[0].score - best_local >= PHRASE_LEAD
            # ... and explains as much of the question as the best procedure does: in "chứng
            # thực chữ ký giấy ủy quyền", the phrasing "giấy ủy quyền" is only a part.
            and phrase[0].recall >= best_recall
            and not _unsure(reading, phrase[0].score)
            # ... and nothing else has about as much evidence (a procedure named and asked
            # for alike): an outright answer needs a clear lead, however it was found.
            and not _rivals(evidence, phrased)
        ):
            chosen = self._chosen(text, phrased, reading, phrase[0].score)
            if chosen.kind == AnswerKind.ELSEWHERE:  # who handles it is the whole answer
                return chosen
            return replace(chosen, related=self._related(evidence, phrased))
        decided = self._catalogue.decide(reading.text, local)
        card = decided.card if decided.card is not None and local[0].score < NAMED_WHOLE else None
        # A card needs both readings: another choice with about as much evidence (the ways of
        # asking for something else fit as well) or no way of asking for it that fits at all
        # («vay tín chấp không cần thế chấp» is no contract to certify) makes it a list. A
        # question that is the name itself («đăng ký tạm trú ở đâu») needs neither.
        rivals = _rivals(evidence, card) if card is not None else ()
        unasked = card is not None and _listing_key(card) not in map(_listing_key, agreed)
        if decided.card is not None and (rivals or unasked or _unsure(reading, local[0].score)):
            decided = replace(decided, card=None, choices=_firsts(local))
        if decided.card is not None:
            score = local[0].score
            return Answer(
                text, AnswerKind.CARD, procedure=decided.card, english=reading.english,
                sure=score >= SURE_FROM, score=score,
                related=self._related(evidence, decided.card, local[0].score),
            )  # fmt: skip
        offered: list[Choice] = [*decided.choices, *rivals]
        if not offered and best_local >= LIST_FLOOR:
            # Weak but not nothing: a few to choose from beat "not found" for a citizen who
            # wrote a long story or a typo, and a wrong guess costs one tap on «none of these».
            offered = list(_firsts(local))
        for hit in phrase:
            choice = self._target(hit.procedure.target)
            listed_from = PHRASE_LISTED if isinstance(choice, FaqEntry) else ASKED_LISTED
            if hit.score >= listed_from and choice is not None:
                offered.append(choice)
        # ... and a procedure both its name and a way of asking for it point to, however far
        # down either list.
        offered.extend(c for c in evidence if c in agreed)
        listed = [(evidence[c], c) for c in offered if self._offered(c)]
        return self._listed(
            Answer(text, AnswerKind.NOTHING, english=reading.english, sure=False), listed
        )

    def _evidence(
        self,
        reading: Reading,
        hits: tuple[Hit[ProcedureRef], ...],
        phrase: list[Hit[Phrasing]],
        best_recall: float,
    ) -> tuple[dict[Choice, float], set[Choice]]:
        """How strongly each choice fits, and which both its name and a way of asking for it
        point to: two independent readings agreeing is stronger evidence than either alone.
        Procedures the ward does not receive are weighed too (see ``_offered``)."""
        named: dict[Choice, float] = {h.procedure: h.score for h in hits}
        asked: dict[Choice, float] = {}
        for hit in phrase:
            if hit.score < SUPPORT_FROM and not (
                reading.unread and len(asked) < PARTLY_READ_SUPPORTERS
                and hit.score >= PARTLY_READ_SUPPORT_FROM
            ):  # fmt: skip
                break
            choice = self._target(hit.procedure.target)
            if choice is not None and choice not in asked:
                # Weighed down beside a procedure that explains more of the question ("khai tử
                # ... cần mang gì" is about the procedure more than about what to bring).
                explained = min(1.0, hit.recall / best_recall) if best_recall > 0 else 1.0
                asked[choice] = hit.score * explained
        evidence: dict[Choice, float] = {}
        for choice in [*named, *(c for c in asked if c not in named)]:
            by_name, by_asking = named.get(choice, 0.0), asked.get(choice, 0.0)
            if isinstance(choice, FaqEntry):
                found = by_asking * (1 + FAQ_BONUS)
            else:
                found = max(by_name, by_asking) + AGREEMENT * min(by_name, by_asking)
            evidence[choice] = found / (1 + AGREEMENT)
        return evidence, {c for c in named if c in asked}

    @staticmethod
    def _listed(nothing: Answer, listed: list[tuple[float, Choice]]) -> Answer:
        """A list of the best distinct choices, or ``nothing`` when there are none."""
        choices = _distinct(c for _, c in sorted(listed, key=lambda sc: -sc[0]))
        if not choices:
            return nothing
        return replace(
            nothing, kind=AnswerKind.CHOICES, choices=tuple(choices[:LIST_SIZE]),
            score=max(score for score, _ in listed),
        )  # fmt: skip

    def _chosen(self, text: str, choice: Choice, reading: Reading, score: float) -> Answer:
        if isinstance(choice, FaqEntry):
            return Answer(text, AnswerKind.FAQ, faq=choice, english=reading.english, score=score)
        kind = AnswerKind.CARD if self._catalogue.in_scope(choice.code) else AnswerKind.ELSEWHERE
        return Answer(text, kind, procedure=choice, english=reading.english, score=score)

    def _target(self, target: str) -> Choice | None:
        if target.startswith(FAQ_TARGET):
            return self._faq.entry(target.removeprefix(FAQ_TARGET))
        return self._catalogue.get(target.removeprefix(PROCEDURE_TARGET))

    def _related(
        self, evidence: dict[Choice, float], answer: Choice, named: float = 0.0
    ) -> tuple[Choice, ...]:
        """What else a question answered outright may have meant, best first: the answer is
        sometimes wrong, and the right one is then mostly next in line. None under a question
        that is the procedure's name (``named``) or under small talk; never small talk itself,
        a procedure the ward does not receive, or one the everyday answer has a button for."""
        if named >= NAMED_WHOLE or (isinstance(answer, FaqEntry) and answer.smalltalk):
            return ()
        taken = {_listing_key(answer)}
        if isinstance(answer, FaqEntry):
            buttons = (self._catalogue.get(b.procedure) for b in answer.buttons if b.procedure)
            taken.update(_listing_key(ref) for ref in buttons if ref is not None)
        floor = max(RELATED_FROM, RELATED_SHARE * evidence.get(answer, 0.0))
        near = (
            choice
            for choice in sorted(evidence, key=lambda c: -evidence[c])
            if evidence[choice] >= floor
            and _listing_key(choice) not in taken
            and self._offered(choice)
            and not (isinstance(choice, FaqEntry) and choice.smalltalk)
        )
        return tuple(_distinct(near)[:RELATED_SIZE])

    def _offered(self, choice: Choice) -> bool:
        """Whether a choice may be offered (listed, or under an outright answer): a procedure
        no office of the ward receives is answered only when asked for outright, with who
        handles it. It still counts as a rival: a question as close to it as to a procedure
        of the ward gets no outright card («border pass» is no lost pass)."""
        return not isinstance(choice, ProcedureRef) or self._catalogue.in_scope(choice.code)

    def candidates(self, text: str, language: str, limit: int = 6) -> list[Candidate]:
        """What a phrase could mean, best first, whether or not it is good enough to answer
        with: an admin teaching the bot picks from these."""
        reading = self._reader.read(text, language)
        asked = reading.asked
        found: list[Candidate] = []
        for hit in self._index().best(asked):
            if (choice := self._target(hit.procedure.target)) is not None:
                found.append(Candidate(choice, hit.score))
        if fold(reading.text):
            found.extend(
                Candidate(h.procedure, h.score)
                for h in self._catalogue.search(reading.text, english=reading.english).hits
            )
        found.sort(key=lambda c: -c.score)
        out: list[Candidate] = []
        for candidate in found:
            if all(c.choice != candidate.choice for c in out):
                out.append(candidate)
        return out[:limit]

    def alias_yaml(self, phrase: str, choice: Choice) -> str:
        """aliases.yaml with one more phrase taught (the caller stores it as a new version)."""
        alias = (
            Alias(phrase=phrase, faq=choice.id)
            if isinstance(choice, FaqEntry)
            else Alias(phrase=phrase, procedure=choice.code)
        )
        kept = [a for a in self._aliases.aliases if fold(a.phrase) != fold(phrase)]
        return dump_aliases([*kept, alias])


ALIASES_HEADER = """\
# Cụm từ quản trị viên đã dạy bot (qua /misses): mỗi cụm từ dẫn tới một thủ tục hoặc một câu
# hỏi thường gặp. Có thể sửa tay rồi gửi lại tệp này cho bot; /files để khôi phục bản trước.
# Phrases admins taught the bot (through /misses): each leads to a procedure or an FAQ entry.
# Edit by hand and send the file back to the bot; /files restores the previous version.
"""


def dump_aliases(aliases: list[Alias]) -> str:
    rows = [a.model_dump(exclude_none=True) for a in aliases]
    body = yaml.safe_dump({"aliases": rows}, allow_unicode=True, sort_keys=False, width=100)
    return ALIASES_HEADER + body


@dataclass(frozen=True, slots=True)
class _PhraseIndexes:
    everyday: SearchIndex[Phrasing]  # the FAQ's phrasings and phrases taught for its entries
    procedures: SearchIndex[Phrasing]  # English names, phrasings.yaml, phrases taught for them

    def best(self, text: str) -> list[Hit[Phrasing]]:
        """The best-scoring phrasing of each target, best first."""
        return _best_first([*_search(self.everyday, text), *_search(self.procedures, text)])


def _search(index: SearchIndex[Phrasing], text: str) -> list[Hit[Phrasing]]:
    return list(index.search(text).hits) if fold(text) else []


def _best_first(hits: list[Hit[Phrasing]]) -> list[Hit[Phrasing]]:
    """The best hit of each target, best first."""
    best: dict[str, Hit[Phrasing]] = {}
    for hit in sorted(hits, key=lambda h: -h.score):
        best.setdefault(hit.procedure.target, hit)
    return list(best.values())


def _rivals(evidence: dict[Choice, float], answer: Choice) -> tuple[Choice, ...]:
    """The other choices with evidence within EVIDENCE_LEAD of the answer's; the same
    procedure published under another code is no rival."""
    least = evidence.get(answer, 0.0) - EVIDENCE_LEAD
    return tuple(
        choice
        for choice, value in evidence.items()
        if value > least and _listing_key(choice) != _listing_key(answer)
    )


def _firsts(local: tuple[Hit[ProcedureRef], ...]) -> tuple[ProcedureRef, ...]:
    """The best few procedures, each once."""
    return tuple(_distinct(h.procedure for h in local)[:FLOOR_LIST_SIZE])


def _unsure(reading: Reading, score: float) -> bool:
    """Too weak to answer outright for a question read only in part: one tap on a short list
    costs an English reader less than a wrong card (1 in 6 of such cards was wrong)."""
    return reading.unread > 0 and score < PARTLY_READ_FROM


def target_of(choice: Choice) -> str:
    """How a choice is named where a string must say which it is (the phrase indexes, the
    admins' queue): "faq:<id>" or "p:<code>"."""
    if isinstance(choice, FaqEntry):
        return FAQ_TARGET + choice.id
    return PROCEDURE_TARGET + choice.code


def _clauses(text: str) -> list[str]:
    parts = (part.strip() for part in CLAUSE_BREAK.split(text))
    return [part for part in parts if len(part.split()) >= MIN_CLAUSE_WORDS]


def _listing_key(choice: Choice) -> str:
    """What a list shows a choice as: a procedure the portal publishes under several codes
    (one name) is one choice, since two buttons reading the same would leave the citizen
    guessing; an FAQ entry is itself."""
    return choice.name if isinstance(choice, ProcedureRef) else target_of(choice)


def _distinct(choices: Iterable[ChoiceT]) -> list[ChoiceT]:
    """Each choice once, as a list shows it."""
    out: dict[str, ChoiceT] = {}
    for choice in choices:
        out.setdefault(_listing_key(choice), choice)
    return list(out.values())
