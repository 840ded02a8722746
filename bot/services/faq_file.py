"""faq.yaml changed from a form or from teaching: an entry added (as text after the last one
when it can be, so every comment the admin wrote stays) or replaced."""

from __future__ import annotations

import re
from typing import Any

import yaml

from bot.search.normalize import fold
from bot.yamldoc import dump_yaml, rewritten

ID_CHARS = 34  # of an FAQ id made from a phrase, leaving room for "-2"…


def new_entry_id(phrase: str, taken: set[str]) -> str:
    """An id from the phrase's folded words ("giay-phep-nuoi-cho"), unlike any taken."""
    base = ""
    for word in fold(phrase).split():
        longer = f"{base}-{word}" if base else word
        if len(longer) > ID_CHARS:
            break
        base = longer
    base = base or "cau-hoi"
    found, n = base, 2
    while found in taken:
        found, n = f"{base}-{n}", n + 1
    return found


def with_entry(text: str, entry: dict[str, Any]) -> str:
    """faq.yaml with one more entry. Appended as text when the entries come last, so every
    comment in the file stays; else dumped anew under the file's header comment."""
    loaded = yaml.safe_load(text) or {}
    if not isinstance(loaded, dict):
        loaded = {}
    wanted = {**loaded, "entries": [*(loaded.get("entries") or []), entry]}
    item = dump_yaml([entry])
    found = re.search(r"^( *)- id:", text, re.MULTILINE)
    indent = found.group(1) if found else "  "
    lines = item.splitlines(keepends=True)
    appended = text.rstrip("\n") + "\n" + "".join(indent * bool(x.strip()) + x for x in lines)
    try:
        if yaml.safe_load(appended) == wanted:
            return appended
    except yaml.YAMLError:
        pass
    return rewritten(text, wanted)


def replacing_entry(text: str, entry: dict[str, Any]) -> str:
    """faq.yaml with the entry of the same id replaced (its place in the list kept)."""
    loaded = yaml.safe_load(text) or {}
    entries = [entry if e.get("id") == entry["id"] else e for e in loaded.get("entries") or []]
    return rewritten(text, {**loaded, "entries": entries})
