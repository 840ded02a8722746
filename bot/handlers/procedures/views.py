"""A procedure as a citizen reads it: what to bring, what it costs, how long, where to go.

The first screen stays short; steps, conditions, legal basis, fee details and very long
document lists are sections opened with buttons.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.domain.procedure import Channel, DocumentItem, Procedure, ProcedureRef
from bot.domain.unit import UnitProfile
from bot.i18n import Html, Texts
from bot.ui.callbacks import encode
from bot.ui.memo import Rendered
from bot.ui.render import office_hours

CARD_DOCUMENTS = 5  # more than this, or a long list, goes behind a button
CARD_DOCUMENTS_CHARS = 800
ITEM_CHARS = 160
# Items that begin so apply only in some cases, or are remarks rather than documents; what
# everyone brings comes first on the card.
CASE_OPENINGS = ("trường hợp", "trong trường hợp", "đối với", "nếu", "ví dụ", "lưu ý", "ghi chú")
BUTTON_CHARS = 60
DISTINCT_TAIL_WORDS = 4
CARDS_KEPT = 512
SECTIONS = ("docs", "steps", "conditions", "legal", "fees")


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
                callback_data=encode("p", p.code),
            )
        ]
        for p, label in zip(procedures, labels, strict=True)
    ]


def _with_tail(words: list[str], tail: list[str]) -> str:
    """The name's start, then the words that tell it from its siblings."""
    end = shorten(" ".join(tail), BUTTON_CHARS // 2)
    head = shorten(" ".join(words[: len(words) - len(tail)]), BUTTON_CHARS - len(end) - 2)
    return f"{head.removesuffix('…')}… {end}"


def _document_lines(texts: Texts, items: tuple[DocumentItem, ...], limit: int | None) -> list[str]:
    lines: list[str] = []
    group: str | None = None
    for item in items:
        if item.group and item.group != group:
            group = item.group
            lines.append(texts("card.document_group", group=shorten(group, ITEM_CHARS)))
        name = item.name if limit is None else shorten(item.name, limit)
        key = "card.document_copies" if item.copies else "card.document"
        lines.append(texts(key, name=name, copies=item.copies or ""))
    return lines


def _for_some_cases(item: DocumentItem) -> bool:
    group = (item.group or "").lstrip("*-•0123456789. ").lower()
    return item.name[:20].lower().startswith(CASE_OPENINGS) or group.startswith(CASE_OPENINGS)


def _first_documents(items: tuple[DocumentItem, ...]) -> tuple[DocumentItem, ...]:
    """The few items the card shows: what everyone brings first, in the published order."""
    ranked = sorted(range(len(items)), key=lambda i: (_for_some_cases(items[i]), i))
    return tuple(items[i] for i in sorted(ranked[:CARD_DOCUMENTS]))


def _long_documents(procedure: Procedure) -> bool:
    size = sum(len(d.name) for d in procedure.documents)
    return len(procedure.documents) > CARD_DOCUMENTS or size > CARD_DOCUMENTS_CHARS


def _channel_line(texts: Texts, channel: Channel) -> str:
    return texts(
        "card.channel",
        channel=texts.plain(f"channel.{channel.kind}"),
        time=channel.time or texts.plain("card.time_unknown"),
        fee=channel.fee or texts.plain("card.fee_unknown"),
    )


def card(texts: Texts, procedure: Procedure, profile: UnitProfile) -> Html:
    lines = [
        f"<b>{texts('card.title', name=procedure.name)}</b>",
        texts("card.code", code=procedure.code, field=procedure.field),
    ]
    if procedure.applicants:
        lines.append(texts("card.applicants", applicants=", ".join(procedure.applicants)))
    lines.append("")
    if procedure.documents:
        lines.append(texts("card.documents"))
        if _long_documents(procedure):
            shown = _first_documents(procedure.documents)
            lines.extend(_document_lines(texts, shown, ITEM_CHARS))
            rest = len(procedure.documents) - len(shown)
            if rest > 0:
                lines.append(
                    texts.plural("card.documents_more", "card.documents_more_plural", rest)
                )
        else:
            lines.extend(_document_lines(texts, procedure.documents, None))
    else:
        lines.append(texts("card.no_documents"))
    lines.append("")
    if procedure.channels:
        lines.append(texts("card.channels"))
        lines.extend(_channel_line(texts, c) for c in procedure.channels)
    else:
        lines.append(texts("card.no_channels"))
    lines.append("")
    lines.append(
        texts(
            "card.where", address=profile.address, hours=office_hours(texts, profile.office_hours)
        )
    )
    if any(c.kind == "online" for c in procedure.channels):
        lines.append(texts("card.online"))
    if procedure.url:
        lines.append(texts("card.portal", url=procedure.url))
    return Html("\n".join(lines))


_cards: Rendered[tuple[Html, InlineKeyboardMarkup]] = Rendered(limit=CARDS_KEPT)


def card_message(
    texts: Texts, procedure: Procedure, profile: UnitProfile
) -> tuple[Html, InlineKeyboardMarkup]:
    """The card and its buttons; popular procedures are asked for all day, so each is rendered
    once per language until the procedure or the unit profile is replaced."""
    return _cards.get(
        (texts.language, procedure.code),
        (procedure, profile),
        lambda: (card(texts, procedure, profile), card_keyboard(texts, procedure)),
    )


def card_keyboard(texts: Texts, procedure: Procedure) -> InlineKeyboardMarkup:
    available = {
        "docs": _long_documents(procedure),
        "steps": bool(procedure.steps),
        "conditions": bool(procedure.conditions),
        "legal": bool(procedure.legal_basis),
        "fees": any(c.note for c in procedure.channels),
    }
    buttons = [
        InlineKeyboardButton(
            texts.plain(f"card.button.{section}"),
            callback_data=encode("pd", procedure.code, section),
        )
        for section in SECTIONS
        if available[section]
    ]
    rows = [buttons[i : i + 2] for i in range(0, len(buttons), 2)]
    rows.append(
        [
            InlineKeyboardButton(
                texts.plain("card.button.ask_official"), callback_data=encode("q", procedure.code)
            )
        ]
    )
    rows.append(
        [
            InlineKeyboardButton(texts.plain("search.again"), callback_data=encode("m", "ask")),
            InlineKeyboardButton(texts.plain("menu.back"), callback_data=encode("m", "home")),
        ]
    )
    return InlineKeyboardMarkup(rows)


def section(texts: Texts, procedure: Procedure, name: str) -> Html | None:
    """The text behind one of the card's buttons; None if the procedure has no such section."""
    title = texts(f"card.section.{name}", name=procedure.name)
    if name == "docs" and procedure.documents:
        body = "\n".join(_document_lines(texts, procedure.documents, None))
    elif name == "steps" and procedure.steps:
        body = texts("card.text", text=procedure.steps)
    elif name == "conditions" and procedure.conditions:
        body = texts("card.text", text=procedure.conditions)
    elif name == "legal" and procedure.legal_basis:
        body = "\n".join(texts("card.document", name=item) for item in procedure.legal_basis)
    elif name == "fees" and any(c.note for c in procedure.channels):
        body = "\n\n".join(
            _channel_line(texts, c) + "\n" + texts("card.text", text=c.note)
            for c in procedure.channels
            if c.note
        )
    else:
        return None
    return Html(f"<b>{title}</b>\n\n{body}")


def back_to_card(texts: Texts, procedure: Procedure) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(
                    texts.plain("card.back"), callback_data=encode("p", procedure.code)
                ),
                InlineKeyboardButton(texts.plain("menu.back"), callback_data=encode("m", "home")),
            ]
        ]
    )
