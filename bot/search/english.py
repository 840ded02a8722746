"""How foreign residents ask, as data (bot/data/english.yaml): English names for fields and the
most-asked procedures, and the English phrases that stand for the words official Vietnamese
names use. A question in English is rewritten into those words and searched like any other,
so one index and one set of tuned thresholds serve both languages."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from pydantic import BaseModel, ConfigDict, Field, field_validator

from bot.search.normalize import fold, words

CODE = re.compile(r"^\d+\.\d+(\.\d+)?$")


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
    foreign: list[str] = Field(default_factory=list)  # words implying a foreign element

    @field_validator("procedures")
    @classmethod
    def _codes(cls, value: dict[str, str]) -> dict[str, str]:
        for code in value:
            if not CODE.match(code):
                raise ValueError(f"{code!r} is not a procedure code (like 1.001193)")
        return value


FOREIGN_MEANS = "nước ngoài"  # how official names say a procedure has a foreign element


@dataclass(frozen=True, slots=True)
class Reading:
    """A question as the search should read it."""

    text: str  # what to search for, in the words official names use
    english: bool
    foreign: bool = False  # an English question implying a foreign element


class EnglishReader:
    """Tells English questions from Vietnamese ones typed without marks, and rewrites them."""

    def __init__(self, english: English, vietnamese_words: set[str]) -> None:
        self.data = english
        self._stop = {fold(w) for w in english.stopwords}
        self._foreign = {fold(w) for w in english.foreign}
        phrases: dict[tuple[str, ...], str] = {}
        for phrase in english.phrases:
            for said in phrase.words:
                key = tuple(words(said))
                if key:
                    phrases.setdefault(key, phrase.means)
        self._phrases = phrases
        self._longest = max((len(k) for k in phrases), default=1)
        named = {w for name in english.procedures.values() for w in words(name)}
        vocabulary = self._stop | self._foreign | named | {w for key in phrases for w in key}
        # A word is evidence of English only where it is not also a Vietnamese syllable
        # typed without marks ("the" is "thẻ", "can" is "cần").
        self._english_only = vocabulary - vietnamese_words
        self._vietnamese_only = vietnamese_words - vocabulary

    def is_english(self, text: str, language: str) -> bool:
        if any(char.isalpha() and not char.isascii() for char in text):
            return False  # Vietnamese marks (folding alone cannot tell: "hi" folds to "hy")
        folded = words(text)
        english = sum(w in self._english_only for w in folded)
        vietnamese = sum(w in self._vietnamese_only for w in folded)
        if language == "en":
            return english >= vietnamese and (english > 0 or vietnamese == 0)
        return english > 0 and english >= vietnamese

    def read(self, text: str, language: str) -> Reading:
        if not self.is_english(text, language):
            return Reading(text, english=False)
        folded = words(text)
        out: list[str] = []
        foreign = False
        i = 0
        while i < len(folded):
            for size in range(min(self._longest, len(folded) - i), 0, -1):
                meaning = self._phrases.get(tuple(folded[i : i + size]))
                if meaning is not None:
                    out.append(meaning)
                    i += size
                    break
            else:
                word = folded[i]
                if word in self._foreign:
                    foreign = True
                    out.append(FOREIGN_MEANS)
                elif word not in self._stop:
                    out.append(word)
                i += 1
        # A foreign element is implied by the words even where a phrase took them ("foreigner
        # renting" -> tạm trú): say it once, so names "có yếu tố nước ngoài" rank first.
        foreign = foreign or any(word in self._foreign for word in folded)
        if foreign and FOREIGN_MEANS not in out:
            out.append(FOREIGN_MEANS)
        return Reading(" ".join(out), english=True, foreign=foreign)

    def without_stopwords(self, text: str) -> str:
        """An English phrasing as the FAQ index should hold it."""
        return " ".join(w for w in words(text) if w not in self._stop)

    def field(self, name: str) -> str | None:
        return self.data.fields.get(name)

    def procedure(self, code: str) -> str | None:
        return self.data.procedures.get(code)
