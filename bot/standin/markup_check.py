"""Escaped markup in what people see: the trace of text escaped once too often.

The bot writes Telegram HTML. Text escaped twice shows people ``&lt;b&gt;`` or ``&amp;``
instead of what was meant; an already rendered fragment escaped once more shows them literal
``<b>`` tags. Either way the visible text (tags dropped, entities decoded) holds an entity or
a tag. It is the bot's error unless a person typed that very substring (people may write
``<b>`` or ``&lt;`` themselves, and the bot rightly shows it back), so the stand-in keeps
everything people sent it and excuses what appears there.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass

_TELEGRAM_TAGS = "b|strong|i|em|u|ins|s|strike|del|code|pre|blockquote|tg-spoiler|tg-emoji|span|a"
_SUSPECT = re.compile(
    # a whole escaped tag (any name: "&lt;query&gt;" is no less a double escape)
    r"&lt;/?[A-Za-z][\w-]*(?:\s[^<>\n]*?)?&gt;"
    # an escaped entity left in the visible text
    r"|&(?:lt|gt|amp|quot|#[0-9]+|#[xX][0-9a-fA-F]+);"
    # a literal Telegram tag, opening (with attributes) or closing
    rf"|(?i:</?(?:{_TELEGRAM_TAGS})(?:\s[^<>\n]*)?>)"
    # a link tag cut before its ">"
    r"|(?i:<a\s+href\b[^<>\n]*)"
)
_CONTEXT = 30  # characters shown either side of a snippet


@dataclass(frozen=True)
class MarkupError:
    """Markup the bot showed in a chat that no person typed."""

    chat_id: int
    method: str
    snippet: str
    context: str

    def __str__(self) -> str:
        return f"chat {self.chat_id} {self.method}: {self.snippet!r} in …{self.context!r}…"


def suspects(visible: str) -> list[tuple[str, str]]:
    """Each escaped entity or literal tag in ``visible``, with the text around it."""
    found = []
    for match in _SUSPECT.finditer(visible):
        start, end = match.span()
        context = visible[max(0, start - _CONTEXT) : end + _CONTEXT]
        found.append((match.group(0), context))
    return found


class MarkupWatch:
    """What people typed, and the markup errors found in what the bot showed them."""

    def __init__(self) -> None:
        self.errors: list[MarkupError] = []
        self._typed: list[str] = []
        self._excused: set[str] = set()  # snippets found typed (typing only grows)
        self._searched: dict[str, int] = {}  # snippet -> typed texts already searched in vain

    def typed(self, text: str | None) -> None:
        """A person sent ``text`` (case is ignored: the bot may fold it)."""
        if text:
            self._typed.append(text.casefold())

    def _was_typed(self, snippet: str) -> bool:
        key = snippet.casefold()
        if key in self._excused:
            return True
        typed = self._typed
        if any(key in text for text in itertools.islice(typed, self._searched.get(key, 0), None)):
            self._excused.add(key)
            return True
        self._searched[key] = len(typed)  # a long run searches each text once per snippet
        return False

    def check(self, chat_id: int, method: str, visible: str) -> None:
        """Record each snippet of escaped markup in ``visible`` that nobody typed, once per
        chat and method (a retried send or a long list would repeat it)."""
        for snippet, context in suspects(visible):
            if self._was_typed(snippet):
                continue
            seen = (chat_id, method, snippet)
            if any((e.chat_id, e.method, e.snippet) == seen for e in self.errors):
                continue
            self.errors.append(MarkupError(chat_id, method, snippet, context))
