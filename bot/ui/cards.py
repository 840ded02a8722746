"""A procedure as a citizen reads it: what to bring, what it costs, how long, where to go.

The first screen stays short; steps, conditions, legal basis, fee details and very long
document lists are sections opened with buttons.
"""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.domain.procedure import Channel, DocumentItem, Procedure
from bot.domain.unit import UnitProfile
from bot.i18n import Html, Texts
from bot.ui.callbacks import encode
from bot.ui.render import office_hours

CARD_DOCUMENTS = 8  # more than this, or a long list, goes behind a button
CARD_DOCUMENTS_CHARS = 1500
ITEM_CHARS = 220
BUTTON_CHARS = 60
SECTIONS = ("docs", "steps", "conditions", "legal", "fees")


def shorten(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip(" ,;:.") + "…"


def button_label(text: str) -> str:
    return shorten(text, BUTTON_CHARS)


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
            shown = procedure.documents[:CARD_DOCUMENTS]
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
