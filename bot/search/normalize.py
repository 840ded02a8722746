"""Folding Vietnamese text so that every way of typing a word meets the same key.

Citizens type with or without marks, in NFC or NFD, with old or new tone placement
(hoà/hòa, thuý/thúy), "kí" or "ký", capitals, NBSP. Folding removes every mark (two-mark
letters such as ế and ộ included, which FTS5's remove_diacritics=1 would leave), maps đ to d,
lowercases, and keeps only letters and digits, so "Đăng kí" and "dang ky" both become
"dang ky". The cost is that "ma" and "mà" meet too; ranking on whole names makes that rare.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_MARKS = re.compile(r"[\u0300-\u036f]")
_NOT_WORD = re.compile(r"[^0-9a-z]+")
# i and y are interchangeable after consonants in many words (kí/ký, lí/lý, quí/quý).
_I_Y = re.compile(r"\b(k|l|m|qu|h|t|s)i\b")


def fold(text: str) -> str:
    """Lowercase ASCII words separated by single spaces."""
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    plain = _MARKS.sub("", decomposed).lower()
    words = _NOT_WORD.sub(" ", plain).strip()
    return _I_Y.sub(lambda m: m.group(1) + "y", words)


def words(text: str) -> list[str]:
    return fold(text).split()


_TONES = {"\u0300": "2", "\u0301": "1", "\u0303": "4", "\u0309": "3", "\u0323": "5"}
_KEEP = re.compile(r"[^0-9a-zđ\u0302\u0306\u031b]")


def has_marks(word: str) -> bool:
    return fold(word) != word.lower()


def mark_key(word: str) -> str:
    """A word with its marks, wherever the tone was placed: "hoà" and "hòa", "thuý" and
    "thúy", "kí" and "ký" meet, while "căn" and "cần" (which fold alike) stay apart."""
    decomposed = unicodedata.normalize("NFD", word.lower())
    tone = next((_TONES[c] for c in decomposed if c in _TONES), "")
    base = unicodedata.normalize("NFC", _KEEP.sub("", decomposed))
    return _I_Y.sub(lambda m: m.group(1) + "y", base) + tone


def tokens(text: str) -> list[tuple[str, str | None]]:
    """(folded, mark key if the word was typed with marks) for each word of ``text``."""
    out: list[tuple[str, str | None]] = []
    for raw in _WORD_SPLIT.split(unicodedata.normalize("NFC", text.replace("\xa0", " "))):
        if raw:
            out.extend(_word_tokens(raw))
    return out


_WORD_SPLIT = re.compile(r"[^\w]+")


# Each word typed, with its tokens, costs some 270 bytes here: 16,384 hold the word lists'
# (some 5,000) and the words citizens use most; 65,536 would come to some 17 MB.
@lru_cache(maxsize=16384)
def _word_tokens(raw: str) -> tuple[tuple[str, str | None], ...]:
    folded_all = fold(raw)
    marked = mark_key(raw) if folded_all != raw.lower() else None
    return tuple((f, marked if f == folded_all else None) for f in folded_all.split())


# Initials that sound alike in one region or another and are often swapped in writing.
_SOUND = [
    ("ngh", "ng"),
    ("gh", "g"),
    ("tr", "ch"),
    ("gi", "d"),
    ("r", "d"),
    ("x", "s"),
    ("q", "k"),
    ("c", "k"),
]


def sound(word: str) -> str:
    """A folded syllable with confusable initials merged: "tru" and "chu" meet, as do
    "sinh"/"xinh" and "dang"/"giang"/"rang"."""
    for written, heard in _SOUND:
        if word.startswith(written) and not (written == "c" and word.startswith("ch")):
            return heard + word[len(written) :]
    if word.startswith("n") and not word.startswith(("ng", "nh")):
        return "l" + word[1:]
    return word


def sound_key(term: str) -> str:
    return " ".join(sound(w) for w in term.split())
