"""Telegram-HTML that fits: split long texts at natural breaks without cutting a tag.

Telegram counts a message's length on the visible text (after entity parsing) in UTF-16 code
units, at most 4096 for a message and 1024 for a caption.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

MESSAGE_LIMIT = 4096
CAPTION_LIMIT = 1024

_TOKEN = re.compile(r"(<[^>]+>|&[#\w]+;)")
_TAG = re.compile(r"<(/?)([a-zA-Z-]+)[^>]*>")


def visible_length(text: str) -> int:
    """Length Telegram counts: UTF-16 code units of the text with tags removed."""
    plain = html.unescape(re.sub(r"<[^>]+>", "", text))
    return len(plain.encode("utf-16-le")) // 2


def split_html(text: str, limit: int = MESSAGE_LIMIT) -> list[str]:
    """Split into pieces of at most ``limit`` visible units, preferring paragraph, line, then
    word breaks in the second half of a piece; tags open at a break are closed there and
    reopened in the next piece."""
    # Each character is at most two UTF-16 units, so short texts need no measuring.
    if len(text) * 2 <= limit or visible_length(text) <= limit:
        return [text]
    pieces: list[str] = []
    open_tags: list[tuple[str, str]] = []  # (name, opening tag as written)
    current: list[str] = []
    size = 0
    breaks: list[_Break] = []

    def cut(at: _Break | None) -> None:
        nonlocal current, size
        if at is None:  # no break in this piece: cut where we are
            at = _Break(len(current), 0, list(open_tags), size)
        index, tags, before = at.index, at.tags, at.size
        closing = "".join(f"</{name}>" for name, _ in reversed(tags))
        pieces.append("".join(current[:index]).strip() + closing)
        current = ["".join(tag for _, tag in tags), *current[index:]]
        size -= before
        breaks.clear()

    for token in _tokens(text):
        tag = _TAG.match(token) if token.startswith("<") else None
        if tag:
            if tag.group(1):
                if open_tags and open_tags[-1][0] == tag.group(2).lower():
                    open_tags.pop()
            else:
                open_tags.append((tag.group(2).lower(), token))
            current.append(token)
            continue
        units = len(html.unescape(token).encode("utf-16-le")) // 2
        if size + units > limit:
            late = [b for b in breaks if b.size >= limit // 2]
            best = max(late, key=lambda b: (b.priority, b.index)) if late else None
            cut(best or (breaks[-1] if breaks else None))
        current.append(token)
        size += units
        priority = _BREAKS.get(token, 0)
        if priority:
            breaks.append(_Break(len(current), priority, list(open_tags), size))
    rest = "".join(current).strip()
    if rest:
        pieces.append(rest)
    return [p for p in pieces if visible_length(p) > 0]


_BREAKS = {"\n\n": 3, "\n": 2, " ": 1}
_LONGEST_WORD = 500


@dataclass(frozen=True, slots=True)
class _Break:
    index: int
    priority: int
    tags: list[tuple[str, str]]
    size: int


def _tokens(text: str) -> list[str]:
    """Tags, entities, and text cut into words and separators."""
    out: list[str] = []
    for part in _TOKEN.split(text):
        if not part:
            continue
        if part.startswith("<") or (part.startswith("&") and part.endswith(";")):
            out.append(part)
        else:
            for word in re.split(r"(\n\n|\n| )", part):
                out.extend(word[i : i + _LONGEST_WORD] for i in range(0, len(word), _LONGEST_WORD))
    return out
