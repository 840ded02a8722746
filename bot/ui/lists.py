"""Buttons that list things by name: short enough to read, and never two alike."""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Sequence

from telegram import InlineKeyboardButton

from bot.domain.procedure import ProcedureRef
from bot.ui.buttons import ShowCard
from bot.ui.text import clip_words

BUTTON_CHARS = 60  # Telegram shows about this much of a button's label on a phone
TAIL_CHARS = BUTTON_CHARS // 2  # the words that tell siblings apart: at most this much
DISTINCT_TAIL_WORDS = 4  # a name that is the start of its sibling's: its last words
GAP = " … "  # between a name's start and the words that set it apart
_WORD = re.compile(r"[^\W_]+")
# Words a shortened start does not end on, as they read without marks.
_LEADS_ON = frozenset(
    {
        "va",
        "hoac",
        "cua",
        "ve",
        "tai",
        "trong",
        "cho",
        "theo",
        "duoc",
        "thi",
        "voi",
        "de",
        "tu",
        "cac",
        "nhung",
        "doi",
        "la",
        "co",
        "do",
        "bi",
        "da",
    }
)


def button_label(text: str) -> str:
    return clip_words(text, BUTTON_CHARS)


def reads(text: str) -> str:
    """What a label reads as: case, marks' placement ("hoá"/"hóa"), punctuation and the
    ellipsis ignored, so two labels a person cannot tell apart compare equal."""
    bare = "".join(
        c for c in unicodedata.normalize("NFD", text.casefold()) if not unicodedata.combining(c)
    )
    return " ".join(_WORD.findall(bare.replace("đ", "d")))


def procedure_rows(procedures: Sequence[ProcedureRef]) -> list[list[InlineKeyboardButton]]:
    """A button per procedure, no two that read alike: names that read the same once shortened
    (variants differing only at the end: "… toàn trình", "… có yếu tố nước ngoài") keep the
    start they share, shortened, and then the words that set them apart; the same name twice
    shows the codes."""
    labels = [button_label(p.name) for p in procedures]
    groups: dict[str, list[int]] = {}
    for i, label in enumerate(labels):
        groups.setdefault(reads(label), []).append(i)
    for members in groups.values():
        if len(members) > 1:
            told = _told_apart([procedures[i].name for i in members])
            for i, label in zip(members, told, strict=True):
                labels[i] = label
    repeated = {key for key, n in Counter(map(reads, labels)).items() if n > 1}
    return [
        [
            InlineKeyboardButton(
                f"{clip_words(p.name, BUTTON_CHARS - len(p.code) - 3)} · {p.code}"
                if reads(label) in repeated
                else label,
                callback_data=ShowCard(p.code).data,
            )
        ]
        for p, label in zip(procedures, labels, strict=True)
    ]


def _told_apart(names: list[str]) -> list[str]:
    """Labels for names that read alike once shortened: their shared start, shortened alike,
    then each one's own words (from the first word that differs)."""
    words = [re.sub(r"\s*/\s*", "/", name).split() for name in names]
    folded = [[reads(w) for w in own] for own in words]
    shared = 0
    while all(len(f) > shared for f in folded) and len({f[shared] for f in folded}) == 1:
        shared += 1
    if all(len(own) == shared for own in words):  # the same name: the codes will tell
        return [button_label(name) for name in names]
    tails = [
        clip_words(" ".join(own[shared:] or own[-DISTINCT_TAIL_WORDS:]), TAIL_CHARS)
        for own in words
    ]
    room = BUTTON_CHARS - max(map(len, tails)) - len(GAP)
    out = []
    for own, tail in zip(words, tails, strict=True):
        start = (
            own[: len(own) - len(tail.rstrip("…").split())] if not own[shared:] else own[:shared]
        )
        head = _start(start, room)
        whole = len(head.split()) == len(start)
        out.append(f"{head} {tail}" if whole and own[shared:] else f"{head}{GAP}{tail}")
    return out


def _start(words: list[str], room: int) -> str:
    """As many of ``words`` as fit in ``room``, whole; cut short, it ends at a comma if one
    comes late enough, and never on a word that leads on ("… đối với", "… của")."""
    kept: list[str] = []
    for word in words:
        if len(" ".join([*kept, word])) > room:
            break
        kept.append(word)
    if len(kept) < len(words):
        commas = [i for i, word in enumerate(kept) if word.endswith(",") and i >= len(kept) // 2]
        if commas:
            kept = kept[: commas[-1] + 1]
        while len(kept) > 2 and reads(kept[-1]) in _LEADS_ON:
            kept.pop()
    return " ".join(kept or words[:1]).rstrip(" ,;:–-")
