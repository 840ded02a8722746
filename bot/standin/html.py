"""Telegram-flavoured HTML: validate as Telegram does and extract the visible text.

Telegram accepts only a handful of tags, four named entities and numeric character
references (``&#39;``, ``&#x27;``: markupsafe escapes quotes so), counts message length on the
visible text, and refuses broken markup with "can't parse entities". A bot that passes here
should not meet those errors in production.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any

_SIMPLE_TAGS = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "tg-spoiler": "spoiler",
    "code": "code",
    "pre": "pre",
    "blockquote": "blockquote",
}
_SUPPORTED = {*_SIMPLE_TAGS, "span", "a", "tg-emoji"}
_NAMED_ENTITIES = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
_TAG_NAME = re.compile(r"[^\s>/]*")


class HtmlError(ValueError):
    """Markup Telegram would refuse; ``str(err)`` is Telegram's reason after the colon."""


def utf16_len(text: str) -> int:
    """Length in UTF-16 code units, the unit Telegram uses for limits and entity offsets."""
    return len(text.encode("utf-16-le")) // 2


@dataclass
class Parsed:
    """Visible text and the entities Telegram would derive from the markup."""

    text: str
    entities: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class _Open:
    tag: str
    type: str | None
    offset: int
    extra: dict[str, Any]


class _TelegramHTML(HTMLParser):
    def __init__(self, source: str) -> None:
        super().__init__(convert_charrefs=False)
        self.source = source
        self.line_starts = [0] + [m.end() for m in re.finditer("\n", source)]
        self.parts: list[str] = []
        self.utf16 = 0
        self.stack: list[_Open] = []
        self.entities: list[dict[str, Any]] = []

    # -- positions -----------------------------------------------------------------------
    def _index(self) -> int:
        line, col = self.getpos()
        return self.line_starts[line - 1] + col

    def _byte_offset(self, index: int | None = None) -> int:
        at = self._index() if index is None else index
        return len(self.source[:at].encode("utf-8"))

    def _emit(self, text: str) -> None:
        self.parts.append(text)
        self.utf16 += utf16_len(text)

    # -- handlers ------------------------------------------------------------------------
    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in _SUPPORTED:
            raise HtmlError(f'Unsupported start tag "{tag}" at byte offset {self._byte_offset()}')
        attributes = {k: v or "" for k, v in attrs}
        kind: str | None = _SIMPLE_TAGS.get(tag)
        extra: dict[str, Any] = {}
        if tag == "span":
            if attributes.get("class") != "tg-spoiler":
                raise HtmlError('Tag "span" must have class "tg-spoiler"')
            kind = "spoiler"
        elif tag == "a":
            href = attributes.get("href", "")
            kind = "text_link" if href else None
            extra = {"url": href}
        elif tag == "tg-emoji":
            kind = "custom_emoji"
            extra = {"custom_emoji_id": attributes.get("emoji-id", "")}
        elif tag == "blockquote" and "expandable" in attributes:
            kind = "expandable_blockquote"
        elif tag == "code" and self.stack and self.stack[-1].tag == "pre":
            language = attributes.get("class", "")
            if language.startswith("language-"):
                self.stack[-1].extra["language"] = language.removeprefix("language-")
                kind = None  # Telegram folds it into the enclosing pre entity
        self.stack.append(_Open(tag, kind, self.utf16, extra))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        raise HtmlError(f'Unsupported start tag "{tag}/" at byte offset {self._byte_offset()}')

    def handle_endtag(self, tag: str) -> None:
        if not self.stack:
            raise HtmlError(f"Unexpected end tag at byte offset {self._byte_offset()}")
        top = self.stack[-1]
        if top.tag != tag:
            raise HtmlError(
                f"Unmatched end tag at byte offset {self._byte_offset()}, "
                f'expected "</{top.tag}>", found "</{tag}>"'
            )
        self.stack.pop()
        length = self.utf16 - top.offset
        if top.type is not None and length > 0:
            entity: dict[str, Any] = {"type": top.type, "offset": top.offset, "length": length}
            entity.update(top.extra)
            self.entities.append(entity)

    def handle_data(self, data: str) -> None:
        if "<" in data:
            at = self._index() + data.index("<")
            name = _TAG_NAME.match(self.source, at + 1)
            tag = name.group(0) if name else ""
            offset = self._byte_offset(at)
            if self.source.find(">", at) < 0:
                raise HtmlError(f"Unclosed start tag at byte offset {offset}")
            raise HtmlError(f'Unsupported start tag "{tag}" at byte offset {offset}')
        self._emit(data)

    def handle_entityref(self, name: str) -> None:
        if name in _NAMED_ENTITIES:
            self._emit(_NAMED_ENTITIES[name])
            return
        # Telegram keeps unknown entities as literal text.
        at = self._index()
        end = at + 1 + len(name)
        has_semicolon = self.source.startswith(";", end)
        self._emit(self.source[at : end + (1 if has_semicolon else 0)])

    def handle_charref(self, name: str) -> None:
        try:
            code = int(name[1:], 16) if name[:1] in "xX" else int(name)
            self._emit(chr(code))
        except (ValueError, OverflowError):
            self._emit(f"&#{name};")

    def _unsupported(self) -> None:
        raise HtmlError(f'Unsupported start tag "!" at byte offset {self._byte_offset()}')

    def handle_comment(self, data: str) -> None:
        self._unsupported()

    def handle_decl(self, decl: str) -> None:
        self._unsupported()

    def handle_pi(self, data: str) -> None:
        self._unsupported()

    def unknown_decl(self, data: str) -> None:
        self._unsupported()


def parse_html(source: str) -> Parsed:
    """Parse Telegram HTML; raise :class:`HtmlError` with Telegram's wording if it is broken."""
    parser = _TelegramHTML(source)
    parser.feed(source)
    parser.close()
    if parser.stack:
        raise HtmlError(f'Can\'t find end tag corresponding to start tag "{parser.stack[-1].tag}"')
    entities = sorted(parser.entities, key=lambda e: (e["offset"], -e["length"]))
    return Parsed("".join(parser.parts), entities)


_NUMERIC_REFERENCE = re.compile(r"&#(?:([0-9]+)|[xX]([0-9a-fA-F]+));")


def _decode_reference(match: re.Match[str]) -> str:
    """``&#39;`` or ``&#x27;`` as the character it names; an impossible one stays as written."""
    decimal, hexadecimal = match.groups()
    try:
        return chr(int(decimal) if decimal is not None else int(hexadecimal, 16))
    except (ValueError, OverflowError):
        return match.group(0)


def to_plain(source: str) -> str:
    """Visible text of Telegram HTML; falls back to crude tag stripping for broken markup."""
    try:
        return parse_html(source).text
    except HtmlError:
        stripped = _NUMERIC_REFERENCE.sub(_decode_reference, re.sub(r"<[^>]*>", "", source))
        for name, char in (("lt", "<"), ("gt", ">"), ("quot", '"'), ("amp", "&")):
            stripped = stripped.replace(f"&{name};", char)
        return stripped
