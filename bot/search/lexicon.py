"""The words citizens use, as data admins can extend: shorthand, synonyms, filler words.

Shipped as ``bot/data/lexicon.yaml``; an admin sends an edited copy to the bot. Everything is
folded (see :mod:`bot.search.normalize`) when loaded, so entries may be written with or
without marks.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass

from pydantic import BaseModel, ConfigDict, Field, field_validator

from bot.search.normalize import fold, tokens
from bot.yamldoc import invalid


class Synonym(BaseModel):
    model_config = ConfigDict(extra="forbid")
    words: list[str] = Field(min_length=1)  # what citizens say
    means: str = Field(min_length=1)  # the words official names use

    @field_validator("words")
    @classmethod
    def _not_blank(cls, value: list[str]) -> list[str]:
        if any(not fold(w) for w in value):
            raise invalid("lexicon.no_letter")
        return value


class Lexicon(BaseModel):
    model_config = ConfigDict(extra="forbid")
    shorthand: dict[str, str] = Field(default_factory=dict)
    synonyms: list[Synonym] = Field(default_factory=list)
    filler: list[str] = Field(default_factory=list)
    # Words that only make a message polite: the one filler everyday questions (faq.yaml) drop,
    # since "ở đâu", "mấy giờ" or "có được không" are what those questions ask.
    politeness: list[str] = Field(default_factory=list)
    featured_fields: list[str] = Field(default_factory=list)

    @field_validator("shorthand")
    @classmethod
    def _single_words(cls, value: dict[str, str]) -> dict[str, str]:
        for short, full in value.items():
            if len(fold(short).split()) != 1:
                raise invalid("lexicon.one_word", short=short)
            if not fold(full):
                raise invalid("lexicon.meaning", short=short)
        return value


Word = tuple[str, str | None]  # (folded, mark key when typed with marks)


@dataclass(frozen=True, slots=True)
class Phrase:
    """An entry's words, matched with marks against words typed with marks ("cần" is filler,
    "căn" is not) and without them against words typed without."""

    folded: tuple[str, ...]
    marked: tuple[str | None, ...]

    def __len__(self) -> int:
        return len(self.folded)

    def matches(self, words: list[Word], at: int) -> bool:
        if at + len(self.folded) > len(words):
            return False
        for j, (folded, marked) in enumerate(words[at : at + len(self.folded)]):
            wanted = self.marked[j]
            if marked is not None and wanted is not None:
                if marked != wanted:
                    return False
            elif folded != self.folded[j]:
                return False
        return True


def phrase(text: str) -> Phrase:
    return _phrase(tokens(text))


def _phrase(words: list[Word]) -> Phrase:
    """Its words interned: the word lists hold "giay", "dang", "ky" thousands of times."""
    return Phrase(
        tuple(sys.intern(f) for f, _ in words),
        tuple(None if m is None else sys.intern(m) for _, m in words),
    )


def interned(words: list[str]) -> list[str]:
    """The same words, each one string however many lists hold it."""
    return [sys.intern(w) for w in words]


class FoldedLexicon:
    """The lexicon ready for matching."""

    def everyday(self) -> FoldedLexicon:
        """For everyday questions: shorthand written out, only politeness dropped."""
        return FoldedLexicon(Lexicon(shorthand=self._shorthand, filler=self._politeness))

    def __init__(self, lexicon: Lexicon) -> None:
        self.shorthand = {
            sys.intern(fold(k)): interned(fold(v).split()) for k, v in lexicon.shorthand.items()
        }
        self.synonyms: list[tuple[Phrase, list[str]]] = []
        for synonym in lexicon.synonyms:
            meaning = interned([w for w, _ in self.expand(synonym.means)])
            for words in synonym.words:
                # Written out as a question will be: "mất cccd" meets "mất căn cước công dân".
                self.synonyms.append((_phrase(self.expand(words)), meaning))
        # Longest phrases first, so "nhập hộ khẩu" wins over "hộ khẩu".
        self.synonyms.sort(key=lambda item: -len(item[0]))
        self.filler = sorted((phrase(p) for p in lexicon.filler), key=lambda p: -len(p))
        self.featured_fields = lexicon.featured_fields
        # What the everyday lexicon is made of; not the whole model, whose synonyms are kept
        # folded above (the model's copy of them cost some 0.6 MB).
        self._shorthand = lexicon.shorthand
        self._politeness = lexicon.politeness
        # Looked up by first word: checking every phrase at every word is too slow.
        self.synonyms_by_first: dict[str, list[tuple[Phrase, list[str]]]] = {}
        for said, meaning in self.synonyms:
            if said.folded:
                self.synonyms_by_first.setdefault(said.folded[0], []).append((said, meaning))
        self.filler_by_first: dict[str, list[Phrase]] = {}
        for filler in self.filler:
            if filler.folded:
                self.filler_by_first.setdefault(filler.folded[0], []).append(filler)

    def expand(self, text: str) -> list[Word]:
        """The words of ``text`` with chat shorthand written out."""
        out: list[Word] = []
        for folded, marked in tokens(text):
            full = self.shorthand.get(folded) if marked is None or len(folded) <= 3 else None
            if full:
                out.extend((w, None) for w in full)
            else:
                out.append((folded, marked))
        return out
