"""Clean raw records of the National Public Service Portal export into ``Procedure`` objects.

The export was scraped from HTML: every table was flattened by gluing its cells together with no
separator, and the text carries NFD accents, odd spaces and portal UI labels. Most of the work
here is finding the cell boundaries again; where that cannot be done with confidence the raw text
is kept (in a note or a single item) and a warning is returned instead of guessing silently.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from pydantic import ValidationError

from bot.domain.procedure import Channel, ChannelKind, DocumentItem, Procedure

__all__ = [
    "WARD_LEVEL",
    "RecordProblem",
    "clean_record",
    "normalise_text",
    "parse_channels",
    "parse_documents",
    "parse_legal_basis",
    "parse_result",
    "parse_steps",
    "read_records",
    "split_glued",
    "ward_channels",
]


class RecordProblem(Exception):
    """Something wrong with one raw record; raised when fatal, returned as a warning otherwise."""

    def __init__(self, code: str, field: str, message: str, line: int | None = None) -> None:
        super().__init__(f"{code}: {field}: {message}")
        self.code = code
        self.field = field
        self.message = message
        self.line = line  # in the export file, once the importer knows it

    def __str__(self) -> str:
        return f"{self.code}: {self.field}: {self.message}"


# --------------------------------------------------------------------------------------------
# Text

_EMPTY = {"", "-", "--", "không có thông tin"}
_NEW_LINES = re.compile(r"\r\n?|[\x85\u2028\u2029]")
_ODD_NEW_LINE = re.compile(r"[\r\x85\u2028\u2029]")
# Spaces of other widths, tabs, and the private-use "bullets" Word's Symbol and Wingdings fonts
# leave behind ("\uf0fc\tTrường hợp …", "kèm theo: \uf0a7 Đối với cá nhân"): each becomes a space.
_ODD_SPACES = re.compile(r"[\t\v\f\xa0\u1680\u2000-\u200b\u202f\u205f\u3000\ue000-\uf8ff]")
# Invisible format characters (Unicode category Cf, but U+200B above, a break between words) and
# control characters: removed. The export has 30 LEFT-TO-RIGHT MARKs inside words ("đăng k\u200eý")
# and a SOFT HYPHEN ("tr\xadường"); the others (bidi embeddings and isolates, word joiners,
# zero-width (non-)joiners, BOMs, surrogates) would hide the same way.
_INVISIBLE = re.compile(
    "[\x00-\x08\x0e-\x1f\x7f-\x84\x86-\x9f\xad\u0600-\u0605\u061c\u06dd\u070f"
    "\u0890\u0891\u08e2\u180e\u200c-\u200f\u202a-\u202e\u2060-\u206f\ud800-\udfff"
    "\ufeff\ufff9-\ufffb]"
)
# The same beyond the first 65,536 code points (looked for only in the rare text that has any):
# format characters (tags, musical and shorthand controls) go, private-use characters are spaces.
_INVISIBLE_ASTRAL = re.compile(
    "[\U000110bd\U000110cd\U00013430-\U0001343f\U0001bca0-\U0001bca3\U0001d173-\U0001d17a"
    "\U000e0001\U000e0020-\U000e007f]"
)
_PRIVATE_ASTRAL = re.compile("[\U000f0000-\U0010ffff]")
_ASTRAL = re.compile("[\U00010000-\U0010ffff]")
_RUNS_OF_SPACES = re.compile(r" {2,}")
_ONLY_DASHES = re.compile(r"[-–—\s]+")


def _prep(value: object) -> str:
    """NFC, plain spaces and nothing invisible, but no collapsing: the parsers below still need
    the raw layout."""
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        return ""
    text = str(value).replace("\r\n", "\n")
    if _ODD_NEW_LINE.search(text):
        text = _NEW_LINES.sub("\n", text)
    text = _INVISIBLE.sub("", text)
    if _ASTRAL.search(text):
        text = _PRIVATE_ASTRAL.sub(" ", _INVISIBLE_ASTRAL.sub("", text))
    return _ODD_SPACES.sub(" ", unicodedata.normalize("NFC", text))


def normalise_text(value: object) -> str | None:
    """Readable text from a portal string: NFC, plain single spaces, no blank lines; or None.

    The portal writes "Không có thông tin" (or "-", "--") for an empty cell; those become None so
    callers test for absence in one way only.
    """
    lines = (_RUNS_OF_SPACES.sub(" ", line).strip() for line in _prep(value).split("\n"))
    text = "\n".join(line for line in lines if line)
    if text.casefold().rstrip(".") in _EMPTY or _ONLY_DASHES.fullmatch(text):
        return None
    return text


def _one_line(value: object) -> str | None:
    """Like :func:`normalise_text` for names and labels, which must not wrap."""
    text = normalise_text(value)
    return None if text is None else text.replace("\n", " ")


_LINE_BULLET = re.compile(r"^[-+*•●]+\s*")


def _one_line_of_lines(value: object) -> str | None:
    """One line from a short text the portal wrote as a bulleted list (an address, an office).

    Bullets go; a line that does not end with punctuation runs on with "; " into a next line that
    starts a new phrase (a capital), and with a space into one cut mid-phrase ("đường Nguyễn Chí
    Thanh," / "phường Thành Sen").
    """
    text = normalise_text(value)
    if text is None:
        return None
    out = ""
    for line in text.split("\n"):
        bare = _LINE_BULLET.sub("", line)
        if not bare:
            continue
        if out and out[-1] not in ".;:,(" and bare[0].isupper():
            out += "; "
        elif out:
            out += " "
        out += bare
    return out or None


def _split_list(value: object) -> tuple[str, ...]:
    """Split a comma-separated portal list, respecting parentheses and multi-comma labels.

    "Tổ chức (không bao gồm doanh nghiệp, HTX)" has a comma inside parentheses, and
    "Cán bộ, công chức, viên chức" is one category although its commas are bare: a piece that
    starts with a lower-case letter continues the previous one (every category is capitalised).
    """
    text = _one_line(value)
    if text is None:
        return ()
    pieces: list[str] = []
    depth, current = 0, ""
    for char in text + ",":
        if char == "," and depth == 0:
            piece = current.strip()
            if piece and pieces and piece[0].islower():
                pieces[-1] = f"{pieces[-1]}, {piece}"
            elif piece:
                pieces.append(piece)
            current = ""
            continue
        depth += (char == "(") - (char == ")")
        depth = max(depth, 0)
        current += char
    return tuple(dict.fromkeys(pieces))


def _matching_paren(text: str, start: int) -> int | None:
    """Index of the ")" closing the "(" at ``start``, or None if it is never closed."""
    depth = 0
    for index in range(start, len(text)):
        if text[index] == "(":
            depth += 1
        elif text[index] == ")":
            depth -= 1
            if depth == 0:
                return index
    return None


def _lower_first(text: str) -> str:
    """ "Quy định ..." -> "quy định ...", leaving acronyms and all-caps titles alone."""
    if len(text) > 1 and text[0].isupper() and text[1].islower():
        return text[0].lower() + text[1:]
    return text


# --------------------------------------------------------------------------------------------
# Amounts

_AMOUNT = re.compile(r"[1-9]\d{0,2}(?:,\d{3})+|[1-9]\d{0,2}(?:\.\d{3})+|[1-9]\d*|0")


def _amount_value(text: str) -> int | None:
    """The integer an amount stands for, if it is correctly written ("20,000", "20.000", "20")."""
    if not _AMOUNT.fullmatch(text):
        return None
    return int(text.replace(",", "").replace(".", ""))


def _render_amount(text: str, currency: str) -> str:
    """Vietnamese style: dot thousands separator and "đồng" ("70,000 VNĐ" -> "70.000 đồng")."""
    value = _amount_value(text)
    number = text if value is None else f"{value:,}".replace(",", ".")
    return f"{number} USD" if currency == "USD" else f"{number} đồng"


_STATED_AMOUNT = re.compile(
    r"(\d{1,3}(?:[.,]\d{3})+|\d+)\s*(?:đồng|đ\b|vnđ|vnd|usd)", re.IGNORECASE
)
_STATED_DAYS = re.compile(r"(?<![\d.,/])(\d{1,3})\s*(?:ngày|giờ)", re.IGNORECASE)


# --------------------------------------------------------------------------------------------
# Channels (cách thức thực hiện)

_CHANNEL_HEADER = "Hình thức nộpThời gianPhí, lệ phíMô tả"
_KINDS: dict[str, ChannelKind] = {
    "Trực tiếp": "in_person",
    "Trực tuyến": "online",
    "Dịch vụ bưu chính": "post",
}
_KIND = re.compile("|".join(_KINDS))
_CURRENCY = r"(?P<cur>VNĐ|Việt Nam Đồng|USD)"
_FEE = re.compile(rf"(?P<word>Miễn phí|Không có thông tin)|(?P<amount>\d[\d.,]*) ?{_CURRENCY}")
_TIME_WITH_UNIT = re.compile(
    r"(?P<num>\d+(?:[.,]\d+)?) ?(?P<unit>Ngày làm việc|Ngày|Giờ|Tháng|Năm|Tuần|Phút)"
)
_BARE_TIME = re.compile(r"\d+(?=Miễn phí|Không có thông tin)")
_GLUED = re.compile(rf"(?P<digits>\d[\d.,]*) ?{_CURRENCY}")
_WORD_TIME = re.compile(r"Không có thông tin|Không quy định")
_FREE_TIME = re.compile(
    r"[^()\d\n]{1,120}?(?=Miễn phí|Không có thông tin|\d[\d.,]* ?(?:VNĐ|Việt Nam Đồng|USD))"
)
_TRIVIAL_NOTES = {"không", "không có", "không có thông tin", "không quy định", "-", "--"}


@dataclass(frozen=True)
class _Head:
    """The time and fee cells of one channel row, read from just after its kind."""

    time: str | None
    fee: str | None
    end: int
    glued: str | None = None  # digits of a bare time stuck to a fee amount, resolved later
    currency: str = ""
    amount: int | None = None  # the fee's value when it is an amount
    bare_time: str | None = None  # the time's digits when the portal gave no unit


def _render_time(number: str, unit: str | None) -> str:
    """Lower-case unit, as in running text; a bare "7" -> "7 ngày" (the portal lost the unit)."""
    number = number.replace(".", ",")  # a decimal comma: "1.5 Ngày" -> "1,5 ngày"
    return f"{number} {unit.lower()}" if unit else f"{number} ngày"


def _fee_at(text: str, pos: int) -> tuple[str | None, int, int | None, str] | None:
    """(rendered fee, end, amount, currency) for the fee cell at ``pos``."""
    match = _FEE.match(text, pos)
    if match is None:
        return None
    if match["word"]:
        fee = None if match["word"] == "Không có thông tin" else "Miễn phí"
        return fee, match.end(), None, ""
    value = _amount_value(match["amount"])
    if value is None:
        return None
    return _render_amount(match["amount"], match["cur"]), match.end(), value, match["cur"]


def _head_at(text: str, pos: int) -> _Head | None:
    """Read the time and fee cells at ``pos``, or None if no channel row starts there."""
    bare = None
    if match := _TIME_WITH_UNIT.match(text, pos):
        time: str | None = _render_time(match["num"], match["unit"])
    elif match := _BARE_TIME.match(text, pos):
        time, bare = _render_time(match[0], None), match[0]
    elif match := _GLUED.match(text, pos):
        return _Head(None, None, match.end(), match["digits"], match["cur"])
    elif match := _WORD_TIME.match(text, pos):
        time = None if match[0] == "Không có thông tin" else match[0]
    elif pos < len(text) and text[pos].isupper() and (match := _FREE_TIME.match(text, pos)):
        if _KIND.search(match[0]):
            return None
        time = _one_line(match[0])
        if time is not None and time.casefold() == "không":
            time = None
    else:
        return None
    fee = _fee_at(text, match.end())
    if fee is None:
        return None
    return _Head(time, fee[0], fee[1], currency=fee[3], amount=fee[2], bare_time=bare)


def split_glued(
    digits: str, description: str, record_times: frozenset[str] = frozenset()
) -> tuple[str, str] | None:
    """Split "<bare time><fee amount>" glued digits into (time, amount); None if undecided.

    The time cell is never empty in the export (every one of 7,120 rows in 2,642 records has a
    number, a unit or "Không có thông tin" before the fee), so in "Trực tuyến120,000 VNĐ" the
    leading digits *must* include a time. The candidates are every split into a non-empty time
    of at most three digits and a fee that is a correctly written, non-zero amount; then:

    1. one candidate only: take it. This decides 81 of the 104 glued rows: "120,000" can only be
       1 + "20,000" ("0,000" is not an amount), "1100,000" only 1 + "100,000", "120" only
       1 + "20", "220" only 2 + "20" ("0" and "00" are not fees);
    2. the description states an amount that equals a candidate fee, or a thousand times it
       (the portal often enters fees in thousands): "123 VNĐ (… 23.000 đồng/01 Giấy …)" ->
       1 + 23, not 12 + 3;
    3. the description states a time ("05 ngày") that equals a candidate time;
    4. another row of the same record has that time unglued ("Trực tuyến1Miễn phí" next to
       "Trực tiếp125 VNĐ" -> 1 + 25), passed in as ``record_times``.

    Anything else is left to the caller, which reads a one-digit time and warns: "1" is the
    time in 598 of the 757 rows where a bare time is not glued to anything.
    """
    candidates = _glued_candidates(digits)
    if len(candidates) <= 1:
        return candidates[0] if candidates else None
    stated = _stated_amounts(description)
    by_fee = [
        (time, fee)
        for time, fee in candidates
        if (value := _amount_value(fee)) is not None and (value in stated or value * 1000 in stated)
    ]
    days = {str(int(match[1])) for match in _STATED_DAYS.finditer(description)}
    for evidence in (by_fee, [c for c in candidates if c[0] in days]):
        if len(evidence) == 1:
            return evidence[0]
    by_record = [c for c in candidates if c[0] in record_times]
    return by_record[0] if len(by_record) == 1 else None


def _stated_amounts(description: str) -> set[int]:
    return {
        value
        for match in _STATED_AMOUNT.finditer(description)
        if (value := _amount_value(match[1])) is not None
    }


def _glued_candidates(digits: str) -> list[tuple[str, str]]:
    lead = re.match(r"\d+", digits)
    out: list[tuple[str, str]] = []
    for size in range(1, min(3, len(lead[0]) if lead else 0) + 1):
        time, fee = digits[:size], digits[size:]
        if len(time) > 1 and time[0] == "0":
            continue
        if _amount_value(fee):  # None (malformed) and 0 are both out
            out.append((time, fee))
    return out


_STATED_IN = re.compile(
    r"(?<![\d.,])(\d{1,3}(?:[.,]\d{3})+|\d+)\s*(?P<cur>đồng|vnđ|vnd|usd|đ\b)", re.IGNORECASE
)


def _stated_by_currency(description: str) -> set[tuple[int, str]]:
    """(value, "USD" or "đồng") of each amount the description states with its currency."""
    return {
        (value, "USD" if match["cur"].casefold() == "usd" else "đồng")
        for match in _STATED_IN.finditer(description)
        if (value := _amount_value(match[1])) is not None
    }


def _checked_fee(amount: int, currency: str, description: str) -> tuple[int, str]:
    """The fee's (value, currency), corrected where the description, which a person wrote,
    shows the portal's fee cell was entered wrongly; only ever when the description states the
    corrected amount and not the published one:

    - in the wrong currency: "50 VNĐ" beside "Phí hải quan 50USD/chuyến bay đến" (1.009094) is
      50 USD;
    - in thousands (or hundreds, or tens) of đồng: "1100 VNĐ(Phí công bố …: 100.000 đồng/lần)"
      publishes 100 đồng for 100.000 đồng; "40 VNĐ(4.000 đ/giấy thông hành)" (1.003133) 40 for
      4.000. No fee in đồng is under 1.000, so only smaller amounts are looked at.
    """
    unit = "USD" if currency == "USD" else "đồng"
    stated = _stated_by_currency(description)
    if unit == "đồng" and (amount, "USD") in stated and (amount, "đồng") not in stated:
        return amount, "USD"
    if unit == "đồng" and amount < 1000 and (amount, "đồng") not in stated:
        for factor in (1000, 100, 10):
            if (amount * factor, "đồng") in stated:
                return amount * factor, "đồng"
    return amount, unit


_UNIT_CELL = re.compile(r"\s*\(\s*/\s*([^()/\d]{1,30}?)\s*\)")
_FEE_PER = re.compile(
    r"(?<![\d.,])(\d{1,3}(?:[.,]\d{3})+|\d+)\s*(?P<cur>đồng|vnđ|vnd|usd|đ)\s*/\s*"
    r"(?P<unit>[^.;,:()\n]+)",
    re.IGNORECASE,
)
# Words that end a unit and start an explanation: "50USD/chuyến bay đến đối với chuyến bay …",
# "275.000 đ/tấn Đồng (…", "5.000 đồng/giấy thông hành xuất, nhập cảnh …".
_UNIT_STOP = frozenset(
    {"theo", "đối", "trong", "áp", "kể", "khi", "từ", "về", "của", "do", "tại", "nếu", "và"}
    | {"hoặc", "cho", "được", "thì", "là", "đã", "đồng", "xuất", "-", "+", "–"}
)
_ONE = re.compile(r"^0?1\s+(?=\D)")  # "01 lần cấp", "1 giấy": the count of one goes


def _short_unit(text: str) -> str | None:
    """ "Giấy chứng nhận" -> "giấy chứng nhận"; None when it is a whole explanation."""
    words: list[str] = []
    for word in _ONE.sub("", text.strip()).rstrip(" .").split():
        if word.casefold() in _UNIT_STOP:
            break
        words.append(word)
    if not words or len(words) > 4:
        return None
    return _lower_first(" ".join(words))


def _stated_unit(value: int, currency: str, description: str) -> str | None:
    """What the fee is counted per, where the description states this very fee with a unit.

    "Phí Thẩm tra, thẩm định: 100.000 đồng/lần" -> "lần"; "20.000 vnđ /tờ khai" -> "tờ khai";
    "8.000 đồng/Văn bản xác nhận về một việc hộ tịch …" -> "văn bản xác nhận". A statement of
    another amount ("thu 7.000 đồng/lần" beside a 5.000 đồng fee) says nothing about this one.
    """
    for match in _FEE_PER.finditer(description):
        stated = "USD" if match["cur"].casefold() == "usd" else "đồng"
        if (
            stated == currency
            and _amount_value(match[1]) == value
            and (unit := _short_unit(match["unit"])) is not None
        ):
            return unit
    return None


def _fee_with_unit(amount: int, currency: str, description: str) -> tuple[str, str]:
    """(fee, description left for the note) for an amount read from the fee cell.

    The portal has a unit cell of its own that the export glued into the description:
    "2,000 Việt Nam Đồng(/trang)Tại Ủy ban nhân dân cấp xã …" is "2.000 đồng/trang" (24 rows
    in the whole export, among them the certified copies and signatures of every ward). Failing
    that, the unit is read where the description states the same fee: see :func:`_stated_unit`.
    """
    unit = None
    if cell := _UNIT_CELL.match(description):
        unit, description = _short_unit(cell[1]), description[cell.end() :]
    value, currency = _checked_fee(amount, currency, description)
    unit = unit or _stated_unit(value, currency, description)
    fee = _render_amount(str(value), currency)
    return (f"{fee}/{unit}" if unit else fee), description


def _channel_note(description: str, fee: str | None) -> str | None:
    """The description cell, minus the parentheses the portal wraps fee details in."""
    text = description.strip()
    parts = [text]
    if text.startswith("(") and (close := _matching_paren(text, 0)) is not None:
        parts = [text[1:close], text[close + 1 :]]
    kept: list[str] = []
    for part in parts:
        note = normalise_text(part)
        if note is None or note.casefold().rstrip(".") in _TRIVIAL_NOTES:
            continue
        if fee is not None and note.casefold() == fee.casefold():
            continue
        if note not in kept:
            kept.append(note)
    return "\n".join(kept) or None


def parse_channels(raw: object) -> tuple[tuple[Channel, ...], list[str]]:
    """Channels from the flattened "Hình thức nộp / Thời gian / Phí, lệ phí / Mô tả" table.

    A row starts at a kind ("Trực tiếp", "Trực tuyến", "Dịch vụ bưu chính") that is directly
    followed by a time and a fee cell; the same words inside a description ("Trực tuyến: nộp hồ
    sơ ...") are not followed by such cells and stay in the description. Time and fee:

    - "2 Ngày làm việcMiễn phí" -> "2 ngày làm việc", "Miễn phí";
    - "7Miễn phí" -> "7 ngày" (a bare number: the portal dropped the unit);
    - "30 Ngày70,000 VNĐ" -> "30 ngày", "70.000 đồng"; "20,000 Việt Nam Đồng" -> "20.000 đồng";
    - "Không có thông tin" in either cell -> None;
    - "Trực tuyến120,000 VNĐ" -> a bare time glued to the fee, split by :func:`split_glued`;
    - free text in the time cell ("Không phải trả kết quả cho người nộp thuế") is kept.

    Returns the channels and warning messages.
    """
    text = _prep(raw)
    if normalise_text(text) is None:
        return (), []
    warnings: list[str] = []
    if text.startswith(_CHANNEL_HEADER):
        text = text[len(_CHANNEL_HEADER) :]
    else:
        warnings.append("channel table has no header")
    rows: list[tuple[ChannelKind, int, _Head]] = []
    for match in _KIND.finditer(text):
        if rows and match.start() < rows[-1][2].end:
            continue
        head = _head_at(text, match.end())
        if head is not None:
            rows.append((_KINDS[match[0]], match.start(), head))
    if not rows:
        return (), [f"channel table not parsed: {_clip(text)!r}"]
    if (before := normalise_text(text[: rows[0][1]])) is not None:
        warnings.append(f"text before the first channel row dropped: {_clip(before)!r}")
    descriptions = [
        text[head.end : rows[index + 1][1] if index + 1 < len(rows) else len(text)]
        for index, (_kind, _start, head) in enumerate(rows)
    ]
    splits = [
        split_glued(head.glued, description) if head.glued is not None else None
        for (_kind, _start, head), description in zip(rows, descriptions, strict=True)
    ]
    record_times = frozenset(
        [head.bare_time for _kind, _start, head in rows if head.bare_time is not None]
        + [split[0] for split in splits if split is not None]
    )
    channels: list[Channel] = []
    for (kind, _start, head), description, split in zip(rows, descriptions, splits, strict=True):
        time, fee, amount, currency = head.time, head.fee, head.amount, head.currency
        if head.glued is not None:
            split = split or split_glued(head.glued, description, record_times)
            if split is None and (candidates := _glued_candidates(head.glued)):
                split = candidates[0]
                others = ", ".join(f"{t} + {f}" for t, f in candidates[1:])
                warnings.append(
                    f"time and fee glued as {head.glued!r}: read as time {split[0]},"
                    f" fee {split[1]} (could be {others})"
                )
            if split is None:
                raw_cells = f"{head.glued} {head.currency}"
                warnings.append(f"time and fee not separable: {raw_cells!r}")
                note = "\n".join(n for n in (raw_cells, _channel_note(description, None)) if n)
                channels.append(Channel(kind=kind, note=note))
                continue
            time, fee = _render_time(split[0], None), _render_amount(split[1], currency)
            amount = _amount_value(split[1])
        if amount is not None:
            fee, description = _fee_with_unit(amount, currency, description)
        channel = Channel(kind=kind, time=time, fee=fee, note=_channel_note(description, fee))
        if channel not in channels:
            channels.append(channel)
    return _units_from_other_rows(channels), warnings


def _units_from_other_rows(channels: list[Channel]) -> tuple[Channel, ...]:
    """A fee without a unit takes the unit another row of the record gives the same amount.

    1.014364: the online row's description has a typo ("0.000đ/giấy thông hành") where the
    other rows say "50.000đ/giấy thông hành" for the same 50.000 đồng fee.
    """
    units: dict[str, set[str]] = {}
    for channel in channels:
        if channel.fee is not None and "/" in channel.fee:
            amount, unit = channel.fee.split("/", 1)
            units.setdefault(amount, set()).add(unit)
    out: list[Channel] = []
    for channel in channels:
        found = units.get(channel.fee or "", set())
        if len(found) == 1:
            channel = channel.model_copy(update={"fee": f"{channel.fee}/{next(iter(found))}"})
        if channel not in out:
            out.append(channel)
    return tuple(out)


_ABROAD = re.compile(
    r"^(?:Tại|Nộp (?:hồ sơ )?(?:tại|cho)|Nếu nộp hồ sơ tại) (?:các )?"
    r"(?:cơ quan đại diện|đại sứ quán|(?:tổng )?lãnh sự quán|cơ quan lãnh sự)",
    re.IGNORECASE,
)


def ward_channels(channels: tuple[Channel, ...]) -> tuple[tuple[Channel, ...], list[str]]:
    """The channels of a ward-level procedure without the rows of Vietnam's missions abroad.

    Some ward procedures are also done by an embassy or consulate (cơ quan đại diện), and the
    portal lists that office's fee as one more channel row: "Chứng thực bản sao từ bản chính"
    (2.000815) and "Chứng thực chữ ký" (2.000884) each have a row "10 USD(/bản)Tại cơ quan đại
    diện: 10 USD/bản." beside the ward's "2.000 đồng/trang". The rule, from the 588 ward-level
    records (3 of them have fees in USD):

    - a row with a fee in USD whose description says it is for a mission abroad ("Tại cơ quan
      đại diện", "Nộp cho Đại sứ quán", "Nếu nộp hồ sơ tại Cơ quan đại diện …") is dropped: no
      one pays it at a ward;
    - any other fee in USD is kept, with the currency in the fee ("50 USD/chuyến bay đến", the
      customs fee for a foreign flight in 1.009094, which the customs branch receives) and a
      warning, so that the import report names it for an admin to check.

    Returns the channels kept and the warnings.
    """
    kept: list[Channel] = []
    warnings: list[str] = []
    for channel in channels:
        if channel.fee is None or " USD" not in channel.fee:
            kept.append(channel)
        elif _ABROAD.match(channel.note or ""):
            continue
        else:
            kept.append(channel)
            if (warning := f"fee in USD at the ward level kept: {channel.fee!r}") not in warnings:
                warnings.append(warning)
    return tuple(kept), warnings


def _clip(text: str, size: int = 60) -> str:
    return text if len(text) <= size else text[: size - 1] + "…"


# --------------------------------------------------------------------------------------------
# Documents (thành phần hồ sơ)

_DOCUMENT_HEADER = "Tên giấy tờMẫu đơn, tờ khaiSố lượng"
_COPIES = re.compile(r"(\d+) bản chính(?:,(\d+) bản sao)?")
_FORM_EXTENSION = re.compile(r"\.(?:docx?|pdf|xlsx?|odt|rtf|rar|zip)$", re.IGNORECASE)
_FORM_SLUG = re.compile(r"\d\.[A-Za-z][A-Za-z0-9_-]{4,}$")
_FORM_START = re.compile(
    r"Mẫu|Mau|MẪU|MAU|mẫu|mau|Phụ lục|PHỤ LỤC|Phu luc|PL|Đơn|Don|Tờ khai|TK|BM|Phiếu|Bien|Biểu"
)
_LIST_MARKER = re.compile(
    r"^(?:\(?(?:[a-zđ]|[ivx]+|\d{1,2})(?:\.\d+)?\)|\d{1,2}\.(?=\s|[^\W\d])|[-+*•]+)\s*"
)


@dataclass(frozen=True)
class _Copies:
    start: int
    end: int
    text: str | None


def _copies_tokens(text: str) -> list[_Copies]:
    """The "Số lượng" cells: "1 bản chính" or "0 bản chính,1 bản sao", glued after each name.

    The cell's count is one digit, so in "… năm 20261 bản chính" the count is the last "1" and
    "2026" ends the name. "01 bản chính" is prose inside a name (the portal never writes a
    leading zero), as in "Hóa đơn thương mại (01 bản chính)".
    """
    tokens: list[_Copies] = []
    for match in _COPIES.finditer(text):
        digits = match[1]
        if len(digits) == 2 and digits[0] == "0":
            continue
        originals, copies = int(digits[-1]), int(match[2] or 0)
        parts = [f"{originals} bản chính"] if originals else []
        parts += [f"{copies} bản sao"] if copies else []
        tokens.append(_Copies(match.end(1) - 1, match.end(), ", ".join(parts) or None))
    return tokens


def _form_start(text: str) -> int | None:
    """Where a form's file name glued to the end of a document name begins, if visible.

    The file name follows the name with no separator: "…NĐ-CPMẫu số 01", "…sảnMau 01-Phu luc",
    "…trắng.mau so 12 (1)", "…(mẫu NA17)101-Mau A17", "…TT-BCA).1.MuCT01banhnhkm". Glue points
    are where a non-space meets a usual file-name start ("Mẫu", "Mau", "Phụ lục", "PL", ...);
    the last of those wins, because slugs such as "Mau01-Phuluc IV_87" have capitals inside.
    Failing that, in this order: ")", ";" or a full stop glued to the next word ("công an.12-Mẫu");
    a lower-case letter before a capital; a letter before a digit ("theo mẫu1.000312").
    """
    if slug := _FORM_SLUG.search(text):
        return slug.start()
    found: list[int | None] = [None] * 4  # by strength: file-name word, punctuation, case, digit
    for pos in range(1, len(text)):
        before, char = text[pos - 1], text[pos]
        if before.isspace() or char.isspace() or before in "(-_/":
            continue
        if _FORM_START.match(text, pos):
            found[0] = pos
        elif before in ");" or (
            before == "." and char.isalnum() and text[pos - 2 : pos - 1].isalpha()
        ):
            found[1] = pos
        elif before.islower() and char.isupper():
            found[2] = pos
        elif before.isalpha() and char.isdigit():
            found[3] = pos
    return next((pos for pos in found if pos is not None), None)


_NOTE_HEADING = re.compile(r"^[-+*•\s]*(?:Lưu ý|Ghi chú|Chú ý|Thời hạn)\b", re.IGNORECASE)
_NOTE_START = re.compile(
    r"^[-+*•\s]*(?:Lưu ý|Ghi chú|Chú ý|Ví dụ|Số lượng (?:hồ sơ|mỗi thành phần|Giấy)"
    r"|Thời hạn nộp|Không quy định$)",
    re.IGNORECASE,
)
# Remarks the portal typed among the documents without a count of copies: how to submit, what
# the office does, what a previous item means ("Phiếu này là biểu mẫu điện tử …").
_REMARK_START = re.compile(
    r"^(?:Người (?:có )?yêu cầu [^:]{0,120}?(?:thực hiện việc nộp|có trách nhiệm)"
    r"|Phiếu này\b|Khi \S|Người tiếp nhận\b|Đối với (?:các )?(?:chứng từ|giấy tờ) (?:quy định|nêu))"
)
# What follows "thì" in a case that asks for one more document to bring.
_MORE_DOCUMENTS = re.compile(
    r"nộp thêm|bổ sung|các giấy tờ sau|\d+ bản (?:chính|sao|chụp|gốc)"
    r"|phải có (?:văn bản|giấy|biên bản)|xuất trình thêm|hồ sơ còn có|cung cấp các giấy tờ"
    r"|kèm theo (?:văn bản|giấy|bản sao giấy)",
    re.IGNORECASE,
)


def _item_kind(name: str, copies: str | None, group: str | None) -> Literal["document", "note"]:
    """Whether an item of the document table is a document to bring or a remark ("note").

    Read from the 3,781 items of the 588 ward-level procedures, the portal's editors put remarks
    in the table as rows, and as headings of rows:

    - every row under a "* Lưu ý:" (or "Ghi chú", "Chú ý", "Thời hạn …") heading — 442 rows, all
      remarks ("Người tiếp nhận có trách nhiệm …"), a few even with a count of copies;
    - a row that says it is one: "Lưu ý: …", "Ví dụ: …", "Số lượng hồ sơ: 01 bộ",
      "Thời hạn nộp hồ sơ giấy: …", "Không quy định";
    - and, only where the row has no count of copies (a document always has one in the ward
      tables, but for a few customs forms whose count sits in the name):
      a heading about how to submit ("Người có yêu cầu đăng ký khai sinh thực hiện việc nộp/xuất
      trình … các giấy tờ sau:"), a remark on the office's work or on rows above ("Người yêu
      cầu … có trách nhiệm nộp đầy đủ bản sao các giấy tờ nêu trên", "Phiếu này là biểu mẫu điện
      tử …"), and a case "Trường hợp … thì …" that brings nothing more ("Trường hợp gửi hồ sơ qua
      hệ thống bưu chính thì phải gửi kèm theo bản sao có chứng thực các giấy tờ phải xuất trình
      nêu trên", "… thì không phải tải lên").

    A case that brings one more document stays a document, with or without a count ("Trường
    hợp trẻ em bị bỏ rơi thì phải có biên bản …", "… thì nộp thêm các giấy tờ sau: …").
    """
    if group is not None and _NOTE_HEADING.match(group):
        return "note"
    if _NOTE_START.match(name):
        return "note"
    if copies is not None:
        return "document"
    if _REMARK_START.match(name):
        return "note"
    if " thì " in name and name.startswith(("Trường hợp", "Người chưa đủ")):
        return "document" if _MORE_DOCUMENTS.search(name) else "note"
    return "document"


def _document_item(segment: str, copies: str | None, group: str | None) -> DocumentItem | None:
    text = segment.rstrip()
    forms: list[str] = []
    while (extension := _FORM_EXTENSION.search(text)) is not None:
        stem = text[: extension.start()]
        start = _form_start(stem)
        if start is None:
            break
        forms.insert(0, text[start:].strip())
        text = stem[:start]
    name = _one_line(text)
    if name is not None:
        name = _one_line(_LIST_MARKER.sub("", name, count=1))
    form = ", ".join(f for f in forms if f) or None
    name = name or form
    if name is None:
        return None
    kind = _item_kind(name, copies, group)
    return DocumentItem(name=name, copies=copies, group=group, form=form, kind=kind)


def parse_documents(raw: object) -> tuple[tuple[DocumentItem, ...], list[str]]:
    """Documents from the flattened "Tên giấy tờ / Mẫu đơn, tờ khai / Số lượng" tables.

    The field is "<group heading><header><items>" repeated; each item is "<name>[<form file>]
    <copies>", so items are cut at the copies cells and the text after a group's last copies
    cell is the next group's heading. If no table is found, the whole text is one item.
    """
    text = _prep(raw)
    whole = _one_line(text)
    if whole is None:
        return (), []
    pieces = text.split(_DOCUMENT_HEADER)
    if len(pieces) == 1:
        return (DocumentItem(name=whole),), ["document table not found; kept as one item"]
    warnings: list[str] = []
    items: list[DocumentItem] = []
    heading = pieces[0]
    for index, piece in enumerate(pieces[1:], start=1):
        group = _one_line(heading)
        position = 0
        for token in _copies_tokens(piece):
            item = _document_item(piece[position : token.start], token.text, group)
            position = token.end
            if item is not None and item not in items:
                items.append(item)
        rest = piece[position:]
        if index == len(pieces) - 1:
            item = _document_item(rest, None, group)
            if item is not None:
                items.append(item)
        elif position == 0 and normalise_text(rest) is not None:
            warnings.append(f"document group {group!r} has no copies column; merged into heading")
        heading = rest
    if not items:
        return (DocumentItem(name=whole),), ["document table not parsed; kept as one item"]
    return tuple(items), warnings


# --------------------------------------------------------------------------------------------
# Legal basis (căn cứ pháp lý)

_LAW_HEADER = "Tên văn bản pháp lýMã văn bản"
_SUFFIX_PART = r"(?:[A-ZĐÐ]*QH\d{0,2}|TTg|[A-ZĐÐ]+)"
_SUFFIX = rf"{_SUFFIX_PART}(?:-{_SUFFIX_PART})*"
_NUMBER = (
    r"(?:(?:19|20)\d\d(?=\d{1,4}/\d{4}/))?"  # a title ending in a year: "… năm 202076/2025/QH15"
    rf"(?P<num>\d+(?:\.\d+)?/\d{{4}}/{_SUFFIX}(?:/{_SUFFIX})?)"  # "46/2005/TTLT/BQP-BTC"
)
_LAW_NUMBER = re.compile(r"(?<!\d)(?<!\d\.)" + _NUMBER)
_LAW_NUMBER_AFTER_CELL = re.compile(_NUMBER)  # right after a cell: "QH1559/2025/TT-NHNN"
# Issuer codes seen in the numbers' suffixes, longest first so that a regex alternation finds the
# longest: a suffix glued to the next title ("NĐ-CPQUY ĐỊNH", "TT-BGTVTSửa đổi") is cut back to it.
_ISSUERS = sorted(
    [
        "CP",
        "TT",
        "NĐ",
        "ND",
        "NÐ",
        "NQ",
        "QĐ",
        "TTg",
        "TTLT",
        "PL",
        "BTC",
        "BTP",
        "BCA",
        "BNNMT",
        "NHNN",
        "BGTVT",
        "BXD",
        "BTNMT",
        "BNNPTNT",
        "BKHĐT",
        "UBND",
        "HĐND",
        "BLĐTBXH",
        "BQP",
        "BKHCN",
        "BNV",
        "BYT",
        "BCT",
        "BVHTTDL",
        "BTTTT",
        "BNG",
        "BGDĐT",
        "VPCP",
        "TANDTC",
        "VKSNDTC",
        "KTNN",
        "TCHQ",
        "HĐTP",
    ],
    key=len,
    reverse=True,
)
_ISSUER = re.compile(r"(?:UBTV)?QH\d{0,2}|" + "|".join(_ISSUERS))
_LAW_PREFIX = re.compile(
    r"(?<=\S)(?:(?:Bộ luật|Luật|Pháp lệnh|Nghị định|Nghị quyết|Thông tư|Quyết định)(?: số)?"
    r"|[Ss]ố) ?$"
)
_LAW_TYPES = (
    "Bộ luật",
    "Luật",
    "Pháp lệnh",
    "Lệnh",
    "Nghị định",
    "Nghị quyết",
    "Thông tư",
    "Quyết định",
    "Chỉ thị",
    "Văn bản hợp nhất",
    "Công ước",
    "Hiệp định",
)


def _law_type(number: str) -> str | None:
    """The kind of document a number's suffix tells: "…/NĐ-CP" is a decree, "…/QH15" a law."""
    suffix = number.split("/", 2)[2].replace("Ð", "Đ")
    for prefix, name in (
        ("TTLT-", "Thông tư liên tịch"),
        ("TT-", "Thông tư"),
        ("NĐ-", "Nghị định"),
        ("NQ-", "Nghị quyết"),
        ("QĐ-", "Quyết định"),
        ("CT-", "Chỉ thị"),
        ("L-", "Lệnh"),
    ):
        if suffix.startswith(prefix):
            return name
    return "Luật" if re.fullmatch(r"QH\d*", suffix) else None


def _law_item(title: str | None, number: str | None) -> str | None:
    """One readable line: the title, with the number in parentheses unless the title has it.

    "Nghị định quy định về phòng, chống tiền giả" + "87/2023/NĐ-CP" ->
    "Nghị định quy định về phòng, chống tiền giả (87/2023/NĐ-CP)"; a title that does not say
    what it is gets the type from the number: "quy định về phân quyền" + "144/2025/NĐ-CP" ->
    "Nghị định 144/2025/NĐ-CP — quy định về phân quyền".
    """
    if number is None:
        return title
    if title is None:
        kind = _law_type(number)
        return f"{kind} {number}" if kind else number
    if number in title:
        return title
    if title.casefold().startswith(tuple(t.casefold() for t in _LAW_TYPES)):
        return f"{title} ({number})"
    kind = _law_type(number)
    return f"{kind} {number} — {_lower_first(title)}" if kind else f"{title} ({number})"


def _trim_suffix(number: str, following: str) -> str:
    """The number without the start of a next title its last suffix part swallowed."""
    head, _, part = number.rpartition("-") if "-" in number else number.rpartition("/")
    known = _ISSUER.match(part)
    if known is not None:
        kept = known[0]
    elif following.islower() and len(part) > 1:
        kept = part[:-1]  # an unknown issuer, then a capitalised word: "XYZQuy"
    else:
        return number
    sep = "-" if "-" in number else "/"
    return f"{head}{sep}{kept}" if kept else head


def _law_rows(text: str) -> list[tuple[str, str | None]]:
    """(title, number) rows of the flattened "Tên văn bản pháp lý / Mã văn bản" table.

    A "Mã văn bản" cell is a number ("123/2015/NĐ-CP") glued to what follows: the next title or
    the end. A number inside a title is followed by a space or punctuation instead. Where the
    title ends with its own number, the number comes twice ("Luật 54/2014/QH1354/2014/QH13").
    A number glued to the text before it ("… Bộ Tư pháp18/2026/NĐ-CP Nghị định …") is a cell too.
    A suffix that runs into the next title gives the title its first letters back
    ("NĐ-CPQuy định" -> "NĐ-CP" + "Quy định", "TT-BGTVTLUẬT" -> "TT-BGTVT" + "LUẬT").
    """
    rows: list[tuple[str, str | None]] = []
    position = 0
    search_from = 0
    while match := (
        _LAW_NUMBER_AFTER_CELL.match(text, position) if 0 < position == search_from else None
    ) or _LAW_NUMBER.search(text, search_from):
        number, start, end = match["num"], match.start("num"), match.end("num")
        if text.startswith(number, end):  # the title's own number, then the cell
            rows.append((text[position:end], number))
            position = search_from = end + len(number)
            continue
        number = _trim_suffix(number, text[end : end + 1])
        end = start + len(number)
        following, before = text[end : end + 1], text[start - 1 : start]
        if following == "" or following.isalnum() or following in "“\"'(" or before.isalpha():
            rows.append((text[position:start], number))
            position = end
        search_from = max(end, match.start() + 1)
    if text[position:].strip():
        rows.append((text[position:], None))
    return rows


def parse_legal_basis(raw: object) -> tuple[tuple[str, ...], list[str]]:
    """Legal documents from the flattened "Tên văn bản pháp lý / Mã văn bản" table, deduplicated."""
    text = _prep(raw)
    if normalise_text(text) is None or text.startswith("Không có thông tin"):
        return (), []
    if not text.startswith(_LAW_HEADER):
        whole = _one_line(text)
        return ((whole,) if whole else ()), ["legal basis table not found; kept as one item"]
    items: list[str] = []
    numbers: set[str] = set()
    for title_text, number in _law_rows(text[len(_LAW_HEADER) :]):
        if number is not None and (prefix := _LAW_PREFIX.search(title_text)):
            title_text = title_text[: prefix.start()]
        item = _law_item(_one_line(title_text), number)
        if item is None or item in items or (number is not None and number in numbers):
            continue
        items.append(item)
        if number is not None:
            numbers.add(number)
    return tuple(items), []


# --------------------------------------------------------------------------------------------
# Steps and result

_STEP_IN_LINE = re.compile(r"(?<=[^\s*+•-]) +(?=Bước \d+ ?[:.] ?[^\W\d_])")
_STEP_MARKER = re.compile(r"^[-+*•] *(?=Bước \d)")
_RESULT_CODE = re.compile(r"Mã: ?KQ(?:\.[A-Z]?\d+)+")
_RESULT_JUNK = re.compile(r"Từ khóa|Chọn cơ quan thực hiện|Mô tảKhông có thông tin|Nộp hồ sơ$")


def parse_steps(raw: object) -> str | None:
    """One step per line: "Bước N" starts a line even when the portal ran steps together."""
    text = normalise_text(raw)
    if text is None:
        return None
    lines: list[str] = []
    for line in text.split("\n"):
        for part in _STEP_IN_LINE.split(line):
            part = _STEP_MARKER.sub("", part).strip()
            if part:
                lines.append(part)
    return "\n".join(lines) or None


def _cut_junk(text: str) -> str:
    """Text before the portal's page furniture ("Từ khóa…Mô tả…Chọn cơ quan thực hiện…")."""
    junk = _RESULT_JUNK.search(text)
    return text if junk is None else text[: junk.start()]


def parse_result(raw: object) -> str | None:
    """The result, without the portal's "Mã: KQ… Từ khóa … Nộp hồ sơ" page furniture.

    Several results each end in their own "Mã: KQ…" code; they become one line each.
    """
    text = _cut_junk(_prep(raw))
    lines: list[str] = []
    for part in _RESULT_CODE.split(text):
        line = normalise_text(part)
        if line is not None and line not in lines:
            lines.append(line)
    return "\n".join(lines) or None


# --------------------------------------------------------------------------------------------
# Records

WARD_LEVEL = "Cấp xã"  # as the portal writes the ward level among the levels
_CODE = re.compile(r"\d+\.\d+(?:\.\d+)?")
_RESULT_CODE_ONLY = re.compile(r"(?:Mã: ?)?KQ(?:\.[A-Z]?\d+)+")
_STEP_WORD = re.compile(r"\bBước \d")


def _is_spilled_steps(steps: str, documents: object) -> bool:
    """Whether the export cut the steps short and put their end in the documents field.

    It happens where the steps point at the document list ("lập hồ sơ theo quy định tại mục
    5.3 (" + "); nộp hồ sơ cho cơ quan BHXH …"): the documents field then has no table, and
    either continues a sentence (starts lower-case or with punctuation) or has more steps.
    """
    text = normalise_text(documents)
    if text is None or _DOCUMENT_HEADER in _prep(documents) or not normalise_text(steps):
        return False
    return not text[0].isupper() or bool(_STEP_WORD.search(text))


def _join_cut(head: str, tail: str) -> str:
    """Glue text the export cut in two, dropping the "()" left where the cut was."""
    head, tail = head.rstrip(), tail.lstrip()
    space = " " if head[-1:].isalnum() and tail[:1].isalnum() else ""
    return re.sub(r"\(\s*\)", "", head + space + tail)


def clean_record(raw: dict[str, object]) -> tuple[Procedure, list[RecordProblem]]:
    """A ``Procedure`` from one raw record, plus the non-fatal problems met on the way.

    Raises ``RecordProblem`` when the record cannot be a procedure at all: not an object, or a
    missing or malformed code, name or field.
    """
    if not isinstance(raw, dict):
        raise RecordProblem("?", "record", f"not a JSON object: {type(raw).__name__}")
    code_text = _one_line(raw.get("ma_thu_tuc"))
    if code_text is None:
        raise RecordProblem("?", "ma_thu_tuc", "missing")
    if not _CODE.fullmatch(code_text):
        raise RecordProblem("?", "ma_thu_tuc", f"not a procedure code: {_clip(code_text)!r}")
    code = code_text
    name = _one_line(raw.get("ten_thu_tuc"))
    if name is None:
        raise RecordProblem(code, "ten_thu_tuc", "missing")
    field = _one_line(raw.get("linh_vuc"))
    if field is None:
        raise RecordProblem(code, "linh_vuc", "missing")

    problems: list[RecordProblem] = []

    def warn(field_name: str, messages: list[str]) -> None:
        problems.extend(RecordProblem(code, field_name, message) for message in messages)

    levels = _split_list(raw.get("cap_thuc_hien"))
    channels, messages = parse_channels(raw.get("cach_thuc_thuc_hien"))
    if WARD_LEVEL in levels:
        channels, more = ward_channels(channels)
        messages += more
    warn("cach_thuc_thuc_hien", messages)
    steps_text, documents_text = _prep(raw.get("trinh_tu_thuc_hien")), raw.get("thanh_phan_ho_so")
    if _is_spilled_steps(steps_text, documents_text):
        steps_text = _join_cut(steps_text, _prep(documents_text))
        documents: tuple[DocumentItem, ...] = ()
        warn("thanh_phan_ho_so", ["holds the end of trinh_tu_thuc_hien, not documents; moved"])
    elif _RESULT_CODE_ONLY.fullmatch(_one_line(documents_text) or ""):
        documents = ()
        warn("thanh_phan_ho_so", ["holds only a result code; dropped"])
    else:
        documents, messages = parse_documents(documents_text)
        warn("thanh_phan_ho_so", messages)
    legal_basis, messages = parse_legal_basis(raw.get("can_cu_phap_ly"))
    warn("can_cu_phap_ly", messages)
    url = _one_line(raw.get("detail_url"))
    try:
        procedure = Procedure(
            code=code,
            name=name,
            field=field,
            levels=levels,
            applicants=_split_list(raw.get("doi_tuong_thuc_hien")),
            agency=_one_line(raw.get("co_quan_thuc_hien")),
            authority=_one_line_of_lines(raw.get("co_quan_co_tham_quyen")),
            receiving_address=_one_line_of_lines(raw.get("dia_chi_tiep_nhan")),
            documents=documents,
            channels=channels,
            steps=parse_steps(steps_text),
            conditions=normalise_text(_cut_junk(_prep(raw.get("yeu_cau_dieu_kien")))),
            legal_basis=legal_basis,
            result=parse_result(raw.get("ket_qua_xu_ly")),
            url=url if url is not None and url.startswith("https://") else None,
            ministry=_one_line(raw.get("bo")),
        )
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(part) for part in first["loc"]) or "record"
        raise RecordProblem(code, where, f"invalid: {first['msg']}") from error
    return procedure, problems


def read_records(path: str | Path) -> Iterator[tuple[int, dict[str, object] | RecordProblem]]:
    """(line number, raw record) for each non-empty line; a bad line yields a problem instead.

    One bad line must not lose the rest of a 2,642-record export, so nothing here raises.
    """
    with Path(path).open(encoding="utf-8-sig") as lines:
        for number, line in enumerate(lines, start=1):
            if not line.strip():
                continue
            try:
                value = json.loads(line)
            except json.JSONDecodeError as error:
                yield number, RecordProblem("?", "record", f"not valid JSON: {error.msg}", number)
                continue
            if isinstance(value, dict):
                yield number, value
            else:
                kind = type(value).__name__
                yield number, RecordProblem("?", "record", f"not a JSON object: {kind}", number)
