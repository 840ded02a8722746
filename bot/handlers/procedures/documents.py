"""What to bring, as the data implies it: what everyone brings (the form first), the documents
needed only in some cases, and the portal's remarks, which are notes and never documents.

Pure functions over a procedure's ``DocumentItem``s, so cards, the full list and the checklist
agree on the order and the count. Long names get a short form that names the item whole: the
published text up to its first clause, never a word cut in two.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from bot.domain.procedure import DocumentItem

# An item (or its group heading) that begins so applies only in some cases.
CASE_OPENINGS = (
    "trường hợp",
    "trong trường hợp",
    "đối với trường hợp",
    "đối với",
    "nếu",
    "trừ trường hợp",
)
# Words in an item's first clause that make the whole item conditional ("Văn bản ủy quyền …
# trong trường hợp ủy quyền", "Giấy tờ … trong trường hợp cơ quan … không thể khai thác").
CASE_WORDS = (" trong trường hợp ", " đối với trường hợp ")
# A remark the portal put among the documents, when the import did not already mark it.
NOTE_OPENINGS = ("lưu ý", "ghi chú", "chú ý", "ví dụ")
# The form everyone fills in: it comes first.
FORM_OPENINGS = (
    "tờ khai",
    "đơn ",
    "mẫu đơn",
    "phiếu đề nghị",
    "phiếu yêu cầu",
    "bản khai",
    "giấy đề nghị",
    "văn bản đề nghị",
)
OPTIONAL = "(nếu có)"

SHORT_CHARS = 110  # a longer name gets its short form on the first screen and the checklist
SHORT_MIN_CHARS = 12  # a short form is at least this long ...
SHORT_MIN_WORDS = 3  # ... and has at least this many words
TOLD_APART_CHARS = 60  # how much further a short form may run to tell two items apart
CONDITION_TAIL = 12  # what a case needs, at least, after its condition
CASE_MIN_CHARS = 40  # a case whose condition has no clear end: at least this much of it
CASE_SLACK_PERCENT = 30  # a case's first clause may be this much longer than the limit

_MARKERS = re.compile(r"^(?:[\s*•+\-–—]+|\(?\d{1,2}(?:\.\d{1,2})*[.)]\s+|[a-zđ]\)\s+)+")
# Where a name's first clause ends: a comma, semicolon, colon, parenthesis, the end of a
# sentence, a dash between words, or the words that begin a qualification ("theo mẫu …",
# "do … cấp", "trong trường hợp …").
_CLAUSE_END = re.compile(
    r"\s*[(;,:]"
    r"|\.(?:\s|$)"
    r"|\s[–—-]\s"
    r"|\s(?:theo mẫu|theo Mẫu|theo quy định|trong trường hợp|đối với trường hợp|trong đó"
    r"|ban hành kèm|để|nếu|trừ)\s"
    r"|\sdo\s[^,;.()]{1,80}?\s(?:cấp|lập|ban hành|xác nhận|chứng thực|phát hành)\b",
)
# Failing that, a join between two parts of the name, of which the first names the item.
_JOIN = re.compile(r"\s(?:hoặc|và|của|về|tại|trong|cho|theo|được|thì|với|đối với)\s")
_SPACES = re.compile(r"\s+")
# Words a name does not end on ("… được cấp theo", "… khoản 1 Điều").
_DANGLING = frozenset(
    {
        "và",
        "hoặc",
        "của",
        "về",
        "tại",
        "trong",
        "cho",
        "theo",
        "được",
        "thì",
        "với",
        "để",
        "từ",
        "các",
        "những",
        "số",
        "điều",
        "khoản",
        "kèm",
        "đã",
        "là",
        "có",
        "không",
        "phải",
        "khi",
        "nếu",
        "do",
        "bị",
        "đến",
        "sau",
        "gồm",
    }
)


def plain(text: str) -> str:
    """One line: runs of white space as one space, no bullet or numbering in front."""
    return _MARKERS.sub("", _SPACES.sub(" ", text).strip()).strip()


def heading(group: str | None) -> str | None:
    """A group heading as shown: without its bullet and closing colon."""
    if not group:
        return None
    text = _SPACES.sub(" ", group).strip().lstrip("*•+-–— ").rstrip(" :").strip()
    return text or None


def _opening(text: str) -> str:
    return plain(text).lower()


def is_note(item: DocumentItem) -> bool:
    """A remark, not a document: marked so by the import, under a "Lưu ý" heading, or a line
    that only leads in to what follows ("… các giấy tờ sau:")."""
    if item.kind == "note":
        return True
    group = _opening(item.group or "")
    name = _opening(item.name)
    lead_in = item.name.rstrip().endswith(":") and not item.copies
    return group.startswith(NOTE_OPENINGS) or name.startswith(NOTE_OPENINGS) or lead_in


def is_form(item: DocumentItem) -> bool:
    return _opening(item.name).startswith(FORM_OPENINGS)


def is_case(item: DocumentItem) -> bool:
    """Needed only in some cases: its heading or its own words say "trường hợp …", "nếu …"."""
    if _opening(item.group or "").startswith(CASE_OPENINGS):
        return True
    name = _opening(item.name)
    if name.startswith(CASE_OPENINGS) or name.startswith(("(trường hợp", "(đối với", "(nếu")):
        return True
    if is_form(item):
        return False
    first = re.split(r";|\.\s", re.sub(r"\([^)]*\)", "", name), maxsplit=1)[0]
    return any(word in f" {first} " for word in CASE_WORDS)


@dataclass(frozen=True, slots=True)
class Group:
    heading: str | None  # as shown, without bullet and colon; None: no heading of its own
    items: tuple[DocumentItem, ...]


@dataclass(frozen=True, slots=True)
class Documents:
    """A procedure's documents, in the order a citizen reads them."""

    everyone: tuple[Group, ...]  # what everyone brings, the form first
    cases: tuple[Group, ...]  # what only some cases need
    notes: tuple[DocumentItem, ...]  # remarks: shown, never counted

    @property
    def count(self) -> int:
        """Documents only: notes are not counted."""
        return sum(len(g.items) for g in (*self.everyone, *self.cases))

    @property
    def everyone_items(self) -> tuple[DocumentItem, ...]:
        return tuple(item for group in self.everyone for item in group.items)

    @property
    def case_items(self) -> tuple[DocumentItem, ...]:
        return tuple(item for group in self.cases for item in group.items)


def arrange(items: Iterable[DocumentItem]) -> Documents:
    everyone: list[tuple[int, DocumentItem]] = []
    cases: list[tuple[int, DocumentItem]] = []
    notes: list[DocumentItem] = []
    for index, item in enumerate(items):
        if is_note(item):
            notes.append(item)
        elif is_case(item):
            cases.append((index, item))
        else:
            everyone.append((index, item))
    return Documents(_everyone_groups(everyone), _groups(cases), tuple(notes))


def _groups(indexed: list[tuple[int, DocumentItem]]) -> tuple[Group, ...]:
    """Items under their headings, headings in the order they first appear."""
    grouped: dict[str | None, list[DocumentItem]] = {}
    for _, item in indexed:
        grouped.setdefault(heading(item.group), []).append(item)
    return tuple(Group(name, tuple(members)) for name, members in grouped.items())


def _everyone_groups(indexed: list[tuple[int, DocumentItem]]) -> tuple[Group, ...]:
    """The group holding the form first, then the others as published; in each group the form
    first and what is needed only "if any" last."""
    by_heading: dict[str | None, list[tuple[int, DocumentItem]]] = {}
    for index, item in indexed:
        by_heading.setdefault(heading(item.group), []).append((index, item))

    def group_rank(name: str | None) -> tuple[bool, bool, int]:
        members = by_heading[name]
        with_form = any(is_form(item) for _, item in members)
        return (not with_form, name is not None, members[0][0])

    def item_rank(entry: tuple[int, DocumentItem]) -> tuple[bool, bool, int]:
        index, item = entry
        return (not is_form(item), OPTIONAL in item.name.lower(), index)

    return tuple(
        Group(name, tuple(item for _, item in sorted(by_heading[name], key=item_rank)))
        for name in sorted(by_heading, key=group_rank)
    )


def short_name(text: str, limit: int = SHORT_CHARS) -> str:
    """The item named whole in at most ``limit`` characters where its words allow: up to the
    end of its first clause, else up to a join ("… hoặc …", "… của …"), else its first words.
    Never a word cut in two, never an ellipsis: the full text is one button away."""
    text = plain(text).rstrip(" .;,:")
    if len(text) <= limit:
        return text
    floor = _floor(text)
    # A case may run a little longer than the limit to say what it asks for.
    room = limit + limit * CASE_SLACK_PERCENT // 100 if floor else limit
    short = _first_clause(text, floor, room) or _last_end(_JOIN, text, floor, limit)
    if short:
        return short
    # No clause ends in reach: as many words as fit, not ending on one that leads on.
    words = text[: limit + 1].split(" ")[:-1]
    while len(words) > SHORT_MIN_WORDS and words[-1].lower() in _DANGLING:
        words.pop()
    return " ".join(words).rstrip(" .;,:") if words else text


def short_names(items: Iterable[DocumentItem], limit: int = SHORT_CHARS) -> dict[str, str]:
    """Each item's name as a list shows it, by its published name: in short, except that two
    items whose short forms read the same («Tờ khai … theo Mẫu 13», «… theo Mẫu 14») run on to
    the end of the clause holding the first word that tells them apart, where that is at most
    TOLD_APART_CHARS further."""
    shown = {item.name: short_name(item.name, limit) for item in items}
    alike: dict[str, list[str]] = {}
    for name, short in shown.items():
        alike.setdefault(short.lower(), []).append(name)
    for names in alike.values():
        for name in names if len(names) > 1 else ():
            shown[name] = _told_apart(name, names, limit + TOLD_APART_CHARS) or shown[name]
    return shown


def _told_apart(name: str, alike: list[str], limit: int) -> str | None:
    text = plain(name).rstrip(" .;,:")
    own = text.lower().split(" ")
    differs = 0
    for other in alike:
        theirs = plain(other).lower().split(" ")
        if theirs != own:
            pairs = zip(own, theirs)  # noqa: B905 - they may differ in length
            same = next((i for i, (a, b) in enumerate(pairs) if a != b), len(theirs))
            differs = max(differs, same)
    if differs >= len(own):  # all of it is the start of another: nothing of its own to add
        return None
    end = len(" ".join(own[: differs + 1]))
    if len(text) <= limit and not _CLAUSE_END.search(text, end):
        return text
    told = _first_clause(text, end, limit) or _last_end(_JOIN, text, end, limit)
    if told and told.count("(") > told.count(")"):  # stopped inside a bracket: close it
        told += ")"
    return told


def _first_clause(text: str, start: int, limit: int) -> str | None:
    for match in _CLAUSE_END.finditer(text, start):
        short = text[: match.start()].rstrip(" .;,:")
        if len(short) > limit:
            return None
        if _acceptable(short):
            return short
    return None


def _last_end(pattern: re.Pattern[str], text: str, start: int, limit: int) -> str | None:
    """The longest start of ``text`` within ``limit`` that ends where ``pattern`` begins."""
    ends = [m.start() for m in pattern.finditer(text, start, limit + 1) if m.start() <= limit]
    for end in reversed(ends):
        short = text[:end].rstrip(" .;,:")
        if _acceptable(short):
            return short
    return None


def _floor(text: str) -> int:
    """Where a short form may end at the earliest: after a case's condition ("Trường hợp …
    thì <what to bring>") and after a lead-in ("… các giấy tờ sau: <which>"), the words that
    follow are the item."""
    lower = text.lower()
    if lower.startswith((*CASE_OPENINGS, "trong thời hạn")):
        ends = [i for i in (lower.find(" thì "), lower.find(":")) if i > 0]
        return min(ends) + CONDITION_TAIL if ends else CASE_MIN_CHARS
    colon = lower.find(":")
    if colon > 0 and lower[:colon].rstrip().endswith(("sau", "gồm", "như sau")):
        return colon + CONDITION_TAIL
    return 0


def _acceptable(short: str) -> bool:
    words = short.split()
    long_enough = len(short) >= SHORT_MIN_CHARS and len(words) >= SHORT_MIN_WORDS
    return long_enough and words[-1].lower() not in _DANGLING


def note_text(item: DocumentItem) -> tuple[str, ...]:
    """A note's text, its own "Lưu ý:" left out (the card labels notes), a list written on one
    line ("- a. - b.") back on lines of its own."""
    text = _SPACES.sub(" ", item.name).strip()
    text = re.sub(r"^(?:lưu ý|ghi chú|chú ý)\s*:?\s*", "", text, flags=re.IGNORECASE)
    parts: list[str] = []
    for part in re.split(r"(?:^|\s)[-–+]\s+", text):
        if parts and not part[:1].isupper():  # "Việt Nam - Trung Quốc" is no list
            parts[-1] = f"{parts[-1]} - {part}"
        elif part.strip():
            parts.append(part)
    return tuple(plain(p) for p in parts if plain(p)) or (text,)
