"""Procedures in Telegram: cards and their sections, browsing by field, "not found"."""

from __future__ import annotations

import math

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update

from bot.handlers.context import BotContext
from bot.handlers.pressing import acknowledge
from bot.handlers.procedures import views
from bot.handlers.procedures.buttons import Field, Fields, NoneFit, Section, ShowSection
from bot.html import Html, lines
from bot.i18n import Texts
from bot.ui import keyboards
from bot.ui.buttons import AskOfficial, MenuEntry, MenuItem, ShowCard
from bot.ui.lists import button_label, procedure_rows
from bot.ui.render import unit_contacts
from bot.ui.send import send_html
from bot.ui.text import shorten

FIELDS_PER_PAGE = 8
PROCEDURES_PER_PAGE = 8


def _chat_id(update: Update) -> int | None:
    return update.effective_chat.id if update.effective_chat else None


async def send_nothing_found(context: BotContext, chat_id: int, text: str) -> None:
    texts = context.texts
    body = texts(
        "search.nothing",
        query=shorten(" ".join(text.split()), 80),
        contacts=unit_contacts(texts, context.services.unit.profile),
    )
    await send_html(context.bot, chat_id, body, _ways_forward(texts))


def _ways_forward(texts: Texts) -> InlineKeyboardMarkup:
    """Browsing, the office, a complaint (someone telling of rubbish or a broken lamp asks
    for no procedure), and "where is my dossier?" (the question asked most, whose answer is
    not a procedure)."""
    return InlineKeyboardMarkup(
        [
            [Fields(0).button(texts.plain("browse.button"))],
            [AskOfficial().button(texts.plain("card.button.ask_official"))],
            [MenuItem(MenuEntry.COMPLAIN).button(texts.plain("menu.complain"))],
            [MenuItem(MenuEntry.DOSSIER).button(texts.plain("menu.dossier"))],
            [keyboards.back_button(texts)],
        ]
    )


async def card_for(context: BotContext, code: str) -> tuple[Html, InlineKeyboardMarkup] | None:
    """A procedure's card and its buttons, counted as viewed; None if the catalogue no longer
    has it."""
    services, texts = context.services, context.texts
    catalogue, profile = services.catalogue, services.unit.profile
    ref = catalogue.get(code)
    if ref is None:
        return None
    translated = services.answers.translation(ref, texts.language)
    made = views.kept_card(texts, ref, profile, translated)
    if made is None:
        procedure = await catalogue.procedure(code)
        if procedure is None:
            return None
        made = views.card_message(texts, ref, procedure, profile, translated)
    catalogue.viewed(code)
    return made


async def show_card(context: BotContext, chat_id: int, code: str) -> bool:
    """Send a procedure's card; False if the catalogue no longer has it."""
    card = await card_for(context, code)
    if card is not None:
        await send_html(context.bot, chat_id, *card)
    return card is not None


async def card_pressed(update: Update, context: BotContext, button: ShowCard) -> None:
    """A procedure from a list, a flow's result or "back to the card"; a flow whose result is
    one procedure runs this without a press (``act``), after a typed answer or a link."""
    chat_id = _chat_id(update)
    code = button.code
    if chat_id is None:
        return
    if context.services.catalogue.get(code) is None:
        await answer_gone(update, context)
        return
    await acknowledge(update)
    if not await show_card(context, chat_id, code):  # pruned from the database since
        await send_html(context.bot, chat_id, context.texts("card.gone"))


async def section_pressed(update: Update, context: BotContext, button: ShowSection) -> None:
    """Steps, conditions, legal basis, fees or the full document list."""
    query, chat_id = update.callback_query, _chat_id(update)
    if query is None or chat_id is None:
        return
    procedure = await context.services.catalogue.procedure(button.code)
    section = next((s for s in Section if s.value == button.section), None)
    text = views.section(context.texts, procedure, section) if procedure and section else None
    if procedure is None or text is None:
        await answer_gone(update, context)
        return
    await query.answer()
    await send_html(context.bot, chat_id, text, views.back_to_card(context.texts, procedure))


async def none_fit(update: Update, context: BotContext, button: NoneFit) -> None:
    """Nothing listed is what the citizen wanted; offer browsing and the office."""
    query, chat_id = update.callback_query, _chat_id(update)
    if query is None or chat_id is None:
        return
    await query.answer()
    if button.miss:
        await context.services.misses.none_fit(button.miss)
    texts = context.texts
    body = texts(
        "search.none_fit_mixed_text" if button.answers else "search.none_fit_text",
        contacts=unit_contacts(texts, context.services.unit.profile),
    )
    await send_html(context.bot, chat_id, body, _ways_forward(texts))


async def answer_gone(update: Update, context: BotContext) -> None:
    """A button for a procedure or field the catalogue no longer has."""
    await acknowledge(update, context.texts.plain("card.gone"), alert=True)


def _pager(
    previous: Fields | Field | None, following: Fields | Field | None, texts: Texts
) -> list[InlineKeyboardButton]:
    row = []
    if previous is not None:
        row.append(previous.button(texts.plain("browse.previous")))
    if following is not None:
        row.append(following.button(texts.plain("browse.next")))
    return row


async def fields_pressed(update: Update, context: BotContext, button: Fields) -> None:
    """The fields, featured and most used first."""
    query, chat_id = update.callback_query, _chat_id(update)
    if query is None or chat_id is None:
        return
    await query.answer()
    await send_fields(context, chat_id, button.page)


async def send_fields(context: BotContext, chat_id: int, page: int = 0) -> None:
    texts = context.texts
    fields = context.services.catalogue.fields
    pages = max(1, math.ceil(len(fields) / FIELDS_PER_PAGE))
    page = min(page, pages - 1)
    shown = fields[page * FIELDS_PER_PAGE : (page + 1) * FIELDS_PER_PAGE]
    named = context.services.answers.field_name
    rows = [
        [Field(f.key, 0).button(button_label(f"{named(f.name, texts.language)} ({f.size})"))]
        for f in shown
    ]
    pager = _pager(
        Fields(page - 1) if page > 0 else None,
        Fields(page + 1) if page < pages - 1 else None,
        texts,
    )
    if pager:
        rows.append(pager)
    rows.append([keyboards.back_button(texts)])
    body = texts("browse.fields", page=page + 1, pages=pages)
    await send_html(context.bot, chat_id, body, InlineKeyboardMarkup(rows))


async def field_pressed(update: Update, context: BotContext, button: Field) -> None:
    """The procedures of one field, most used first."""
    query, chat_id = update.callback_query, _chat_id(update)
    if query is None or chat_id is None:
        return
    catalogue = context.services.catalogue
    field = catalogue.field(button.key)
    if field is None:
        await answer_gone(update, context)
        return
    await query.answer()
    texts = context.texts
    members = catalogue.in_field(field.name)
    pages = max(1, math.ceil(len(members) / PROCEDURES_PER_PAGE))
    page = min(button.page, pages - 1)
    shown = members[page * PROCEDURES_PER_PAGE : (page + 1) * PROCEDURES_PER_PAGE]
    answers = context.services.answers
    rows = procedure_rows([answers.named(p, texts.language) for p in shown])
    pager = _pager(
        Field(field.key, page - 1) if page > 0 else None,
        Field(field.key, page + 1) if page < pages - 1 else None,
        texts,
    )
    if pager:
        rows.append(pager)
    rows.append([Fields(0).button(texts.plain("browse.all_fields"))])
    body = lines(
        texts(
            "browse.procedures",
            field=answers.field_name(field.name, texts.language),
            page=page + 1,
            pages=pages,
        ),
        texts.plural("browse.count", "browse.count_plural", len(members)),
    )
    await send_html(context.bot, chat_id, body, InlineKeyboardMarkup(rows))


async def browse_item(update: Update, context: BotContext) -> None:
    chat_id = _chat_id(update)
    if chat_id is not None:
        await send_fields(context, chat_id)
