"""Telegram-HTML that fits: split long texts at natural breaks without cutting a tag.

Telegram counts a message's length on the visible text (after entity parsing) in UTF-16 code
units, at most 4096 for a message and 1024 for a caption. It decodes only ``&lt;``, ``&gt;``,
``&amp;``, ``&quot;`` and numeric references; any other ``&name;`` stays as it is written.
"""

from __future__ import annotations

import datetime as dt
import html
import re
from dataclasses import dataclass

from bot.html import Html
from bot.i18n import Texts

MESSAGE_LIMIT = 4096
CAPTION_LIMIT = 1024

_TOKEN = re.compile(r"(<[^>]+>|&[#\w]+;)")
_TAG = re.compile(r"<(/?)([a-zA-Z-]+)[^>]*>")
_NAMED = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
_NUMERIC = re.compile(r"&#(?:([0-9]{1,7})|[xX]([0-9a-fA-F]{1,6}));")


def units(text: str) -> int:
    """UTF-16 code units, the unit Telegram counts in (a lone surrogate counts one)."""
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


def _entity(token: str) -> str:
    """What Telegram shows for ``&…;``: its character if it knows it, else the text as is."""
    named = _NAMED.get(token[1:-1])
    if named is not None:
        return named
    numeric = _NUMERIC.fullmatch(token)
    if numeric:
        code = int(numeric.group(1)) if numeric.group(1) else int(numeric.group(2), 16)
        if 0 < code <= 0x10FFFF and not 0xD800 <= code <= 0xDFFF:
            return chr(code)
    return token


def _is_entity(token: str) -> bool:
    return _TOKEN.fullmatch(token) is not None and token.startswith("&")


def plain_text(text: str) -> str:
    """The visible text of Telegram HTML: tags dropped, entities decoded as Telegram does."""
    out: list[str] = []
    for i, part in enumerate(_TOKEN.split(text)):
        if i % 2 == 0:  # text between tags and entities
            out.append(part)
        elif part.startswith("&"):
            out.append(_entity(part))
    return "".join(out)


def visible_length(text: str) -> int:
    """Length Telegram counts: UTF-16 code units of the text after entity parsing."""
    return units(plain_text(text))


def cut_to_units(text: str, limit: int) -> str:
    """The longest start of ``text`` of at most ``limit`` UTF-16 units."""
    return _chunks(text, limit)[0] if text else text


def split_html(text: Html, limit: int = MESSAGE_LIMIT) -> list[Html]:
    """Split into pieces of at most ``limit`` visible units, preferring paragraph, line, then
    word breaks in the second half of a piece; tags open at a break are closed there and
    reopened in the next piece. A cut is only ever made between tags, entities and characters,
    and every piece is measured again before it is returned."""
    if limit < 2:
        raise ValueError("limit must be at least 2 UTF-16 units")
    # Each character is at most two UTF-16 units, so short texts need no measuring.
    if len(text) * 2 <= limit or visible_length(text) <= limit:
        return [text]
    out: list[str] = []
    for piece in _split(text, limit):
        out.extend(_refit(piece, limit))
    # Cut only between tags and entities, with open tags closed and reopened: still safe.
    return [Html(p) for p in out if visible_length(p) > 0]


def _refit(piece: str, limit: int) -> list[str]:
    """``piece`` if it fits; else split again, each time as much tighter as the longest piece
    was over; as a last resort, its visible text escaped and cut in plain pieces (still valid
    HTML, never over the limit)."""
    if visible_length(piece) <= limit:
        return [piece]
    budget = limit
    for _ in range(3):
        pieces = _split(piece, budget)
        over = max((visible_length(p) for p in pieces), default=0) - limit
        if over <= 0:
            return pieces
        budget = max(2, budget - over)
    return [html.escape(chunk, quote=False) for chunk in _chunks(plain_text(piece), limit)]


def _split(text: str, limit: int) -> list[str]:
    pieces: list[str] = []
    open_tags: list[tuple[str, str]] = []  # (name, opening tag as written)
    current: list[str] = []
    size = 0
    breaks: list[_Break] = []

    def cut(at: _Break | None) -> None:
        nonlocal current, size, breaks
        if at is None:  # no break in this piece: cut where we are
            at = _Break(len(current), 0, list(open_tags), size)
        index, tags, before = at.index, at.tags, at.size
        closing = "".join(f"</{name}>" for name, _ in reversed(tags))
        pieces.append("".join(current[:index]).strip() + closing)
        current = ["".join(tag for _, tag in tags), *current[index:]]
        size -= before
        # Breaks after the cut stay usable in the next piece.
        breaks = [
            _Break(b.index - index + 1, b.priority, b.tags, b.size - before)
            for b in breaks
            if b.index > index
        ]

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
        entity = _is_entity(token)
        width = units(_entity(token) if entity else token)
        # A word longer than a whole piece is cut between characters (never inside an entity:
        # an entity is at most a few units wide).
        parts = [token] if entity or width <= limit else _chunks(token, limit)
        for part in parts:
            width = units(_entity(part) if entity else part)
            while size + width > limit and size > 0:
                late = [b for b in breaks if b.size >= limit // 2]
                best = max(late, key=lambda b: (b.priority, b.index)) if late else None
                cut(best or (breaks[-1] if breaks else None))
            current.append(part)
            size += width
            priority = _BREAKS.get(part, 0)
            if priority:
                breaks.append(_Break(len(current), priority, list(open_tags), size))
    rest = "".join(current).strip()
    if rest:
        pieces.append(rest)
    return pieces


_BREAKS = {"\n\n": 3, "\n": 2, " ": 1}
_LONGEST_WORD = 500


@dataclass(frozen=True, slots=True)
class _Break:
    index: int
    priority: int
    tags: list[tuple[str, str]]
    size: int


def _chunks(text: str, limit: int) -> list[str]:
    """``text`` cut between characters into pieces of at most ``limit`` UTF-16 units."""
    out: list[str] = []
    start = size = 0
    for i, char in enumerate(text):
        width = 2 if ord(char) > 0xFFFF else 1
        if size + width > limit:
            out.append(text[start:i])
            start, size = i, 0
        size += width
    out.append(text[start:])
    return out


def _tokens(text: str) -> list[str]:
    """Tags, entities, and text cut into words and separators."""
    out: list[str] = []
    for index, part in enumerate(_TOKEN.split(text)):
        if not part:
            continue
        if index % 2:  # a tag or an entity, never cut
            out.append(part)
        else:
            for word in re.split(r"(\n\n|\n| )", part):
                out.extend(word[i : i + _LONGEST_WORD] for i in range(0, len(word), _LONGEST_WORD))
    return out


def shorten(text: str, limit: int) -> str:
    """At most ``limit`` characters on one line, cut between words where one ends late enough."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    space = cut.rfind(" ")
    if space > limit * 2 // 3:
        cut = cut[:space]
    return cut.rstrip(" ,;:.-–") + "…"


def clip_words(text: str, limit: int) -> str:
    """At most ``limit`` characters on one line, cut only between words (a first word longer
    than that is cut where it must); "…" marks a cut."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    kept = text[:limit].rsplit(" ", 1)[0] if " " in text[:limit] else text[: limit - 1]
    return kept.rstrip(" ,;:.-–") + "…"


def moment(texts: Texts, value: dt.datetime, tz: dt.tzinfo) -> str:
    """A deadline as people read it: "16:30, Thứ Hai 30/11/2026"."""
    return texts.datetime(value.astimezone(tz), texts.plain("format.moment"))


def masked_name(name: str) -> str:
    """«Nguyễn Văn An» as «N*** V*** A***»: enough to tell two apart, not to name anyone."""
    return " ".join(word[0] + "***" for word in name.split())


def masked_phone(phone: str | None) -> str | None:
    """«0912345678» as «091*****78»."""
    if not phone:
        return phone
    digits = phone.strip()
    keep = 3 if len(digits) > 6 else 1
    return digits[:keep] + "*" * max(len(digits) - keep - 2, 1) + digits[-2:]
