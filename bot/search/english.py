"""How foreign residents ask, as data (bot/data/english.yaml): English names for fields and the
most-asked procedures, and the English phrases that stand for the words official Vietnamese
names use. A question in English is rewritten into those words and searched like any other,
so one index and one set of tuned thresholds serve both languages."""

from __future__ import annotations

import copy
import sys
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from pydantic import BaseModel, ConfigDict, Field, field_validator
from rapidfuzz import process
from rapidfuzz.distance import DamerauLevenshtein

from bot.domain.procedure import CODE
from bot.search.normalize import fold, words
from bot.yamldoc import invalid


class EnglishPhrase(BaseModel):
    model_config = ConfigDict(extra="forbid")
    words: list[str] = Field(min_length=1)  # how it is asked in English
    means: str = Field(min_length=1)  # the Vietnamese words official names use

    @field_validator("means")
    @classmethod
    def _nfc(cls, value: str) -> str:
        return unicodedata.normalize("NFC", value)


class English(BaseModel):
    model_config = ConfigDict(extra="forbid")
    fields: dict[str, str] = Field(default_factory=dict)  # Vietnamese field -> English
    procedures: dict[str, str] = Field(default_factory=dict)  # code -> English name
    stopwords: list[str] = Field(default_factory=list)
    phrases: list[EnglishPhrase] = Field(default_factory=list)
    everyday: list[EnglishPhrase] = Field(default_factory=list)  # about the office itself
    foreign: list[str] = Field(default_factory=list)  # words implying a foreign element

    @field_validator("procedures")
    @classmethod
    def _codes(cls, value: dict[str, str]) -> dict[str, str]:
        for code in value:
            if not CODE.match(code):
                raise invalid("english.code", code=code)
        return value


FOREIGN_MEANS = "nước ngoài"  # how official names say a procedure has a foreign element
MIN_TYPO = 5  # shorter English words are one letter away from too many others
LONG_TYPO = 8  # ... from this length, two letters may be wrong ("certifcate", "buisness")
PLURAL_FROM = 3  # a longer word ending in "s" may be a plural («dads»); «as», «its» are not
TYPOS_KEPT = 4096
# Words a phrase may skip ("change her first name" is "change first name"); never "is" or
# "and", which join what a phrase would wrongly take as one ("girlfriend is vietnamese").
SKIPPABLE = frozenset(
    (
        "a",
        "an",
        "the",
        "my",
        "your",
        "his",
        "her",
        "its",
        "our",
        "their",
        "this",
        "that",
        "these",
        "those",
        "s",
        # ... and the fillers that say nothing of what is asked ("was never actually
        # registered" is "was never registered")
        "actually",
        "actual",  # as "actually" is folded
        "really",
        "ever",
        "just",
        "even",
        "still",
        "already",
    )
)
# Endings an English word takes, and what its stem may have lost («living» is «live»).
_ENDINGS = (("ing", "e"), ("ed", "e"), ("es", ""), ("s", ""), ("er", "e"), ("ly", ""))
LOOSE_GAP = 2  # such words in a row a phrase may skip ("change the name of my son")


@dataclass(frozen=True, slots=True)
class Reading:
    """A question as the search should read it."""

    text: str  # what to search for, in the words official names use
    english: bool
    foreign: bool = False  # an English question implying a foreign element
    everyday: str = ""  # an English question in the words of the Vietnamese everyday phrasings
    unread: int = 0  # English words no phrase covered: the more, the less sure the reading
    asked: str = ""  # compared with phrasings, held the same way (English without stopwords)


def _key(text: str) -> tuple[str, ...]:
    """A phrase's words as the tables hold them: interned, since thousands of phrases share
    "my", "the", "card" (a copy each cost the tables some 1.3 MB)."""
    return tuple(sys.intern(w) for w in words(text))


class EnglishReader:
    """Tells English questions from Vietnamese ones typed without marks, and rewrites them."""

    def __init__(
        self, english: English, vietnamese_words: set[str], english_words: Iterable[str] = ()
    ) -> None:
        """``english_words``: what the bot's English phrasings say besides (the FAQ's, the
        procedures'): real words, never "corrected" into another ("password" is no typo of
        "passport"). They do not tell English from Vietnamese: phrasings quote Vietnamese
        words («tam tru») that are no evidence of English."""
        self.data = english
        self._stop = {sys.intern(fold(w)) for w in english.stopwords}
        # Words or phrases ("foreign national", "home country") implying a foreign element.
        self._foreign = {key for w in english.foreign if (key := _key(w))}
        # What each phrase means, and whether it is about the office itself ("opening
        # hours", "parking"): those say nothing about which procedure is meant.
        phrases: dict[tuple[str, ...], tuple[str, bool]] = {}
        for group, everyday in ((english.phrases, False), (english.everyday, True)):
            for phrase in group:
                found = (phrase.means, everyday)  # one for all its wordings
                for said in phrase.words:
                    if key := _key(said):
                        phrases.setdefault(key, found)
        self._phrases = phrases
        self._longest = max((len(k) for k in phrases), default=1)
        # The same phrases without their SKIPPABLE words, so that one in between does not
        # hide a phrase: "change her first name" is "change first name".
        loose: dict[tuple[str, ...], tuple[str, bool]] = {}
        for key, found in phrases.items():
            bare = tuple(w for w in key if w not in SKIPPABLE)
            if len(bare) >= 2:
                loose.setdefault(bare, found)
        self._loose = loose
        self._loosest = max((len(k) for k in loose), default=1)
        named = {sys.intern(w) for name in english.procedures.values() for w in words(name)}
        foreign_words = {w for key in self._foreign for w in key}
        vocabulary = self._stop | foreign_words | named | {w for key in phrases for w in key}
        self._vocabulary = vocabulary
        self._phrased = {w for key in phrases for w in key}
        self._spellings = sorted(w for w in vocabulary if len(w) >= MIN_TYPO - 1)
        self._learn(vietnamese_words, english_words)

    def knowing(self, vietnamese_words: set[str], english_words: Iterable[str]) -> EnglishReader:
        """This reader with other word lists; the phrase tables, the costly part, are shared."""
        reader = copy.copy(self)
        reader._learn(vietnamese_words, english_words)
        return reader

    def _learn(self, vietnamese_words: set[str], english_words: Iterable[str]) -> None:
        self._known = self._vocabulary | set(english_words)
        self._vietnamese = vietnamese_words
        self._typos: dict[str, str] = {}
        # A word is evidence of English only where it is not also a Vietnamese syllable
        # typed without marks ("the" is "thẻ", "can" is "cần").
        self._english_only = self._vocabulary - vietnamese_words
        self._vietnamese_only = vietnamese_words - self._vocabulary

    def is_english(self, text: str, language: str) -> bool:
        # A word with marks is Vietnamese (folding alone cannot tell: "hi" folds to "hy"),
        # unless English words outnumber such words ("my fiancée", "a «tạm trú» card").
        marked = sum(any(c.isalpha() and not c.isascii() for c in w) for w in text.split())
        folded = words(text)
        english = sum(w in self._english_only for w in folded)
        if marked and marked >= english:
            return False
        vietnamese = sum(w in self._vietnamese_only for w in folded) + marked
        if language == "en":
            return english >= vietnamese and (english > 0 or vietnamese == 0)
        return english > 0 and english >= vietnamese

    def read(self, text: str, language: str) -> Reading:
        if not self.is_english(text, language):
            return Reading(text, english=False, asked=text)
        folded = [self._spelled(w) for w in words(text)]
        spans = list(self._spans(folded))
        vietnamese = self._typed_vietnamese(folded)
        out: list[str] = []
        everyday: list[str] = []
        foreign = False
        unread = 0
        named = False  # a phrase naming a procedure
        for said, found in spans:
            if found is not None:
                meaning, about_the_office = found
                (everyday if about_the_office else out).append(meaning)
                named = named or not about_the_office
            elif said in self._foreign:
                foreign = True
                out.append(FOREIGN_MEANS)
            elif said[0] not in self._stop or said[0] in vietnamese:
                out.append(said[0])
                everyday.append(said[0])
                unread += not said[0].isdigit()
        # A foreign element is implied by the words even where a phrase took them ("foreigner
        # renting" -> tạm trú): say it once, so names "có yếu tố nước ngoài" rank first.
        foreign = foreign or self._implies_foreign(folded)
        if foreign and FOREIGN_MEANS not in out:
            out.append(FOREIGN_MEANS)
        # Only a question that names no procedure is about the office itself: in "how long
        # does a birth registration take", "how long" is asked of the procedure's card.
        about_the_office = not named and any(found is not None and found[1] for _, found in spans)
        if not about_the_office:
            # ... and its words about the office stay in the procedure's reading as words no
            # phrase covered: «a priority counter» is no reason to be surer of «my dad».
            for said, found in spans:
                if found is not None and found[1]:
                    out.extend(w for w in said if w not in self._stop)
        return Reading(
            " ".join(out), english=True, foreign=foreign,
            everyday=" ".join(everyday) if about_the_office else "",
            unread=0 if about_the_office else unread, asked=self._kept(spans),
        )  # fmt: skip

    def _spans(
        self, folded: list[str]
    ) -> Iterator[tuple[tuple[str, ...], tuple[str, bool] | None]]:
        """The words in order, the longest known phrase at each point taken whole with its
        meaning; any other word alone, without one."""
        i = 0
        while i < len(folded):
            exact = 0
            for size in range(min(self._longest, len(folded) - i), 0, -1):
                if tuple(folded[i : i + size]) in self._phrases:
                    exact = size
                    break
            loose = self._loose_at(folded, i)
            if loose is not None:
                bare, end = loose
                content = sum(w not in SKIPPABLE for w in folded[i : i + exact])
                if len(bare) > content:
                    yield bare, self._loose[bare]
                    i = end
                    continue
            if exact:
                said = tuple(folded[i : i + exact])
                yield said, self._phrases[said]
                i += exact
            else:
                yield (folded[i],), None
                i += 1

    def _loose_at(self, folded: list[str], i: int) -> tuple[tuple[str, ...], int] | None:
        """The longest phrase starting at ``i`` once the SKIPPABLE words are left out (at
        most LOOSE_GAP in a row), with where it ends; only one longer than the phrase taken
        word for word is used."""
        if folded[i] in SKIPPABLE:
            return None
        bare: list[str] = []
        ends: list[int] = []
        j, gap = i, 0
        while j < len(folded) and len(bare) < self._loosest:
            if folded[j] in SKIPPABLE:
                gap += 1
                if gap > LOOSE_GAP:
                    break
            else:
                gap = 0
                bare.append(folded[j])
                ends.append(j + 1)
            j += 1
        for size in range(len(bare), 1, -1):
            if tuple(bare[:size]) in self._loose:
                return tuple(bare[:size]), ends[size - 1]
        return None

    def _spelled(self, word: str) -> str:
        """A misspelt English word as the word lists spell it ("houshold" -> "household"); a
        word they know, a Vietnamese syllable or a number as it is; a plural or possessive
        typed without its apostrophe as the word the phrases use («dads name» is «dad name»)."""
        if (
            len(word) > PLURAL_FROM
            and word.endswith("s")
            and word not in self._phrased
            and word[:-1] in self._phrased
        ):
            return word[:-1]
        if (
            len(word) < MIN_TYPO
            or not word.isalpha()
            or word in self._known
            or word in self._vietnamese
            or self._inflected(word)
        ):
            return word
        if word not in self._typos:
            if len(self._typos) >= TYPOS_KEPT:
                self._typos.clear()
            near = process.extractOne(
                word,
                self._spellings,
                scorer=DamerauLevenshtein.distance,
                score_cutoff=2 if len(word) >= LONG_TYPO else 1,
            )
            self._typos[word] = near[0] if near is not None else word
        return self._typos[word]

    def _inflected(self, word: str) -> bool:
        """A known word with an ending («walking», «rented», «tenants»): a word in its own
        right, not a misspelling of a known one («walking» is not «talking»)."""
        known = self._known
        for ending, restored in _ENDINGS:
            if word.endswith(ending) and len(word) - len(ending) >= 3:
                base = word[: -len(ending)]
                if base in known or base + restored in known:
                    return True
                if len(base) >= 4 and base[-1] == base[-2] and base[:-1] in known:
                    return True  # «shopping», «planned»
        return False

    def _typed_vietnamese(self, folded: list[str]) -> set[str]:
        """Words that are Vietnamese here, though English has them too: those beside a word
        only Vietnamese has («can cuoc» is «căn cước», not the verb and an unknown word)."""
        only = [False, *(w in self._vietnamese_only for w in folded), False]
        return {
            word
            for i, word in enumerate(folded)
            if word in self._vietnamese and (only[i] or only[i + 2])  # the word before or after
        }

    def _implies_foreign(self, folded: list[str]) -> bool:
        sizes = {len(key) for key in self._foreign}
        return any(
            tuple(folded[i : i + size]) in self._foreign
            for size in sizes
            for i in range(len(folded) - size + 1)
        )

    def without_stopwords(self, text: str) -> str:
        """An English phrasing as the phrase index holds it, and a question as it is compared
        with them: without its stopwords, except inside a phrase ("make a will" keeps
        "will", which alone is only the future tense)."""
        return self._kept(list(self._spans(words(text))))

    def _kept(self, spans: list[tuple[tuple[str, ...], tuple[str, bool] | None]]) -> str:
        kept: list[str] = []
        for said, found in spans:
            kept.extend(said if found is not None else [w for w in said if w not in self._stop])
        return " ".join(kept)

    def field(self, name: str) -> str | None:
        return self.data.fields.get(name)

    def procedure(self, code: str) -> str | None:
        return self.data.procedures.get(code)
