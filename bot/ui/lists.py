"""Buttons that list things by name: short enough to read, and never two alike."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from telegram import InlineKeyboardButton

from bot.domain.procedure import ProcedureRef
from bot.ui.buttons import ShowCard
from bot.ui.text import shorten

BUTTON_CHARS = 60
DISTINCT_TAIL_WORDS = 4


def button_label(text: str) -> str:
    return shorten(text, BUTTON_CHARS)


def procedure_rows(procedures: Sequence[ProcedureRef]) -> list[list[InlineKeyboardButton]]:
    """A button per procedure, no two alike: names that read the same once shortened (variants
    differing only at the end, "... có yếu tố nước ngoài") keep the words that set them apart,
    and the same name twice shows the codes."""
    labels = [button_label(p.name) for p in procedures]
    groups: dict[str, list[int]] = {}
    for i, label in enumerate(labels):
        groups.setdefault(label, []).append(i)
    for members in groups.values():
        words = [procedures[i].name.split() for i in members]
        columns = enumerate(zip(*words, strict=False))  # as far as the shortest name goes
        shared = next(
            (i for i, words_at in columns if len(set(words_at)) > 1), min(map(len, words))
        )
        if len(members) < 2 or all(len(w) == shared for w in words):
            continue
        for i, own in zip(members, words, strict=True):
            labels[i] = _with_tail(own, own[shared:] or own[-DISTINCT_TAIL_WORDS:])
    repeated = {label for label, n in Counter(labels).items() if n > 1}
    return [
        [
            InlineKeyboardButton(
                f"{shorten(p.name, BUTTON_CHARS - len(p.code) - 3)} · {p.code}"
                if label in repeated
                else label,
                callback_data=ShowCard(p.code).data,
            )
        ]
        for p, label in zip(procedures, labels, strict=True)
    ]


def _with_tail(words: list[str], tail: list[str]) -> str:
    """The name's start, then the words that tell it from its siblings."""
    end = shorten(" ".join(tail), BUTTON_CHARS // 2)
    head = shorten(" ".join(words[: len(words) - len(tail)]), BUTTON_CHARS - len(end) - 2)
    return f"{head.removesuffix('…')}… {end}"
