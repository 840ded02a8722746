"""A procedure as a citizen reads it: what to bring, what it costs, how long, where to go.

The first screen stays short; steps, conditions, legal basis, fee details and very long
document lists are sections opened with buttons.
"""

from __future__ import annotations

from telegram import InlineKeyboardMarkup

from bot.domain.procedure import Channel, DocumentItem, Procedure
from bot.domain.unit import UnitProfile
from bot.handlers.procedures.buttons import Section, ShowSection
from bot.html import NEWLINE, Html, lines
from bot.i18n import Texts
from bot.ui import keyboards
from bot.ui.buttons import AskOfficial, MenuEntry, MenuItem, ShowCard
from bot.ui.memo import Rendered
from bot.ui.render import office_hours
from bot.ui.text import shorten

CARD_DOCUMENTS = 5  # more than this, or a long list, goes behind a button
CARD_DOCUMENTS_CHARS = 800
ITEM_CHARS = 160
# Items that begin so apply only in some cases, or are remarks rather than documents; what
# everyone brings comes first on the card.
CASE_OPENINGS = ("trường hợp", "trong trường hợp", "đối với", "nếu", "ví dụ", "lưu ý", "ghi chú")
CARDS_KEPT = 512
BOLD = Html("<b>{}</b>")


def _document_lines(texts: Texts, items: tuple[DocumentItem, ...], limit: int | None) -> list[Html]:
    out: list[Html] = []
    group: str | None = None
    for item in items:
        if item.group and item.group != group:
            group = item.group
            out.append(texts("card.document_group", group=shorten(group, ITEM_CHARS)))
        name = item.name if limit is None else shorten(item.name, limit)
        key = "card.document_copies" if item.copies else "card.document"
        out.append(texts(key, name=name, copies=item.copies or ""))
    return out


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


def _channel_line(texts: Texts, channel: Channel) -> Html:
    return texts(
        "card.channel",
        channel=texts.plain(f"channel.{channel.kind}"),
        time=channel.time or texts.plain("card.time_unknown"),
        fee=channel.fee or texts.plain("card.fee_unknown"),
    )


def card(texts: Texts, procedure: Procedure, profile: UnitProfile) -> Html:
    out = [
        BOLD.format(texts("card.title", name=procedure.name)),
        texts("card.code", code=procedure.code, field=procedure.field),
    ]
    if procedure.applicants:
        out.append(texts("card.applicants", applicants=", ".join(procedure.applicants)))
    out.append(Html())
    if procedure.documents:
        out.append(texts("card.documents"))
        if _long_documents(procedure):
            shown = _first_documents(procedure.documents)
            out.extend(_document_lines(texts, shown, ITEM_CHARS))
            rest = len(procedure.documents) - len(shown)
            if rest > 0:
                out.append(texts.plural("card.documents_more", "card.documents_more_plural", rest))
        else:
            out.extend(_document_lines(texts, procedure.documents, None))
    else:
        out.append(texts("card.no_documents"))
    out.append(Html())
    if procedure.channels:
        out.append(texts("card.channels"))
        out.extend(_channel_line(texts, c) for c in procedure.channels)
    else:
        out.append(texts("card.no_channels"))
    out.append(Html())
    out.append(
        texts(
            "card.where", address=profile.address, hours=office_hours(texts, profile.office_hours)
        )
    )
    if any(c.kind == "online" for c in procedure.channels):
        out.append(texts("card.online"))
    if procedure.url:
        out.append(texts("card.portal", url=procedure.url))
    return lines(*out)


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
        Section.DOCS: _long_documents(procedure),
        Section.STEPS: bool(procedure.steps),
        Section.CONDITIONS: bool(procedure.conditions),
        Section.LEGAL: bool(procedure.legal_basis),
        Section.FEES: any(c.note for c in procedure.channels),
    }
    buttons = [
        ShowSection(procedure.code, section.value).button(
            texts.plain(f"card.button.{section.value}")
        )
        for section in Section
        if available[section]
    ]
    rows = [buttons[i : i + 2] for i in range(0, len(buttons), 2)]
    rows.append([AskOfficial(procedure.code).button(texts.plain("card.button.ask_official"))])
    rows.append(
        [
            MenuItem(MenuEntry.ASK).button(texts.plain("search.again")),
            keyboards.back_button(texts),
        ]
    )
    return InlineKeyboardMarkup(rows)


def section(texts: Texts, procedure: Procedure, name: Section) -> Html | None:
    """The text behind one of the card's buttons; None if the procedure has no such section."""
    title = texts(f"card.section.{name.value}", name=procedure.name)
    if name == "docs" and procedure.documents:
        body = lines(*_document_lines(texts, procedure.documents, None))
    elif name == "steps" and procedure.steps:
        body = texts("card.text", text=procedure.steps)
    elif name == "conditions" and procedure.conditions:
        body = texts("card.text", text=procedure.conditions)
    elif name == "legal" and procedure.legal_basis:
        body = NEWLINE.join(texts("card.document", name=item) for item in procedure.legal_basis)
    elif name == "fees" and any(c.note for c in procedure.channels):
        body = Html("\n\n").join(
            lines(_channel_line(texts, c), texts("card.text", text=c.note))
            for c in procedure.channels
            if c.note
        )
    else:
        return None
    return BOLD.format(title) + "\n\n" + body


def back_to_card(texts: Texts, procedure: Procedure) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [[ShowCard(procedure.code).button(texts.plain("card.back")), keyboards.back_button(texts)]]
    )
