"""Procedure Q&A in Telegram: search answers, cards and their sections, browsing by field."""

from __future__ import annotations

import math

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update

from bot.handlers.context import BotContext
from bot.i18n import Html, Texts
from bot.search.index import SearchResult
from bot.ui import cards
from bot.ui.callbacks import Callback, encode, number
from bot.ui.render import unit_contacts
from bot.ui.send import send_html

FIELDS_PER_PAGE = 8
PROCEDURES_PER_PAGE = 8
MAX_QUERY = 500


def _chat_id(update: Update) -> int | None:
    return update.effective_chat.id if update.effective_chat else None


async def answer_question(update: Update, context: BotContext, text: str) -> None:
    """Search the catalogue for what the citizen typed and answer with a card, a short list,
    or a kind "not found" with ways forward."""
    chat_id = _chat_id(update)
    if chat_id is None:
        return
    catalogue = context.services.catalogue
    result = catalogue.search(text[:MAX_QUERY])
    if result.card is not None:
        if not await show_card(context, chat_id, result.card.code):  # gone since the search
            await send_html(context.bot, chat_id, context.texts("card.gone"))
    elif result.choices:
        await send_html(
            context.bot,
            chat_id,
            context.texts("search.choices"),
            _choices_keyboard(context.texts, result),
        )
    else:
        await catalogue.record_miss(text, context.texts.language)
        await send_nothing_found(context, chat_id, text)


DOSSIER_LOOKUP = encode("m", "dossier")


async def send_nothing_found(context: BotContext, chat_id: int, text: str) -> None:
    texts = context.texts
    body = texts(
        "search.nothing",
        query=cards.shorten(" ".join(text.split()), 80),
        contacts=unit_contacts(texts, context.services.unit.profile),
    )
    markup = InlineKeyboardMarkup(
        [
            [InlineKeyboardButton(texts.plain("browse.button"), callback_data=encode("fl", 0))],
            [
                InlineKeyboardButton(
                    texts.plain("card.button.ask_official"), callback_data=encode("q")
                )
            ],
            # "Where is my dossier?" is the question asked most; its answer is not a procedure.
            [
                InlineKeyboardButton(
                    texts.plain("menu.dossier"), callback_data=encode("m", "dossier")
                )
            ],
            [InlineKeyboardButton(texts.plain("menu.back"), callback_data=encode("m", "home"))],
        ]
    )
    await send_html(context.bot, chat_id, body, markup)


def _choices_keyboard(texts: Texts, result: SearchResult) -> InlineKeyboardMarkup:
    rows = cards.procedure_rows(result.choices)
    rows.append([InlineKeyboardButton(texts.plain("search.none_fit"), callback_data=encode("sn"))])
    return InlineKeyboardMarkup(rows)


async def show_card(context: BotContext, chat_id: int, code: str) -> bool:
    """Send a procedure's card; False if the catalogue no longer has it."""
    catalogue = context.services.catalogue
    procedure = await catalogue.procedure(code)
    if procedure is None:
        return False
    catalogue.viewed(code)
    body, markup = cards.card_message(context.texts, procedure, context.services.unit.profile)
    await send_html(context.bot, chat_id, body, markup)
    return True


async def card_pressed(update: Update, context: BotContext, callback: Callback) -> None:
    """``p:<code>``: a procedure from a list, a flow's result or "back to the card"."""
    query, chat_id = update.callback_query, _chat_id(update)
    code = callback.arg(0)
    if query is None or chat_id is None:
        return
    if await context.services.catalogue.procedure(code) is None:  # kept for show_card
        await answer_gone(update, context)
        return
    await query.answer()
    await show_card(context, chat_id, code)


async def section_pressed(update: Update, context: BotContext, callback: Callback) -> None:
    """``pd:<code>:<section>``: steps, conditions, legal basis, fees or the full document list."""
    query, chat_id = update.callback_query, _chat_id(update)
    if query is None or chat_id is None:
        return
    procedure = await context.services.catalogue.procedure(callback.arg(0))
    text = cards.section(context.texts, procedure, callback.arg(1)) if procedure else None
    if procedure is None or text is None:
        await answer_gone(update, context)
        return
    await query.answer()
    await send_html(context.bot, chat_id, text, cards.back_to_card(context.texts, procedure))


async def none_fit(update: Update, context: BotContext, callback: Callback) -> None:
    """``sn``: none of the listed procedures is the one; offer browsing and the office."""
    query, chat_id = update.callback_query, _chat_id(update)
    if query is None or chat_id is None:
        return
    await query.answer()
    texts = context.texts
    body = texts(
        "search.none_fit_text", contacts=unit_contacts(texts, context.services.unit.profile)
    )
    markup = InlineKeyboardMarkup(
        [
            [InlineKeyboardButton(texts.plain("browse.button"), callback_data=encode("fl", 0))],
            [
                InlineKeyboardButton(
                    texts.plain("card.button.ask_official"), callback_data=encode("q")
                )
            ],
            # "Where is my dossier?" is the question asked most; its answer is not a procedure.
            [
                InlineKeyboardButton(
                    texts.plain("menu.dossier"), callback_data=encode("m", "dossier")
                )
            ],
            [InlineKeyboardButton(texts.plain("menu.back"), callback_data=encode("m", "home"))],
        ]
    )
    await send_html(context.bot, chat_id, body, markup)


async def answer_gone(update: Update, context: BotContext) -> None:
    """A button for a procedure or field the catalogue no longer has."""
    query = update.callback_query
    if query is not None:
        await query.answer(context.texts.plain("card.gone"), show_alert=True)


def _pager(
    action: str, key: str | None, page: int, pages: int, texts: Texts
) -> list[InlineKeyboardButton]:
    def data(target: int) -> str:
        return encode(action, key, target) if key is not None else encode(action, target)

    row = []
    if page > 0:
        row.append(
            InlineKeyboardButton(texts.plain("browse.previous"), callback_data=data(page - 1))
        )
    if page < pages - 1:
        row.append(InlineKeyboardButton(texts.plain("browse.next"), callback_data=data(page + 1)))
    return row


def _page(arg: str, pages: int) -> int:
    return min(number(arg), pages - 1)


async def fields_pressed(update: Update, context: BotContext, callback: Callback) -> None:
    """``fl:<page>``: the fields, featured and most used first."""
    query, chat_id = update.callback_query, _chat_id(update)
    if query is None or chat_id is None:
        return
    await query.answer()
    await send_fields(context, chat_id, callback.arg(0, "0"))


async def send_fields(context: BotContext, chat_id: int, page_arg: str = "0") -> None:
    texts = context.texts
    fields = context.services.catalogue.fields
    pages = max(1, math.ceil(len(fields) / FIELDS_PER_PAGE))
    page = _page(page_arg, pages)
    shown = fields[page * FIELDS_PER_PAGE : (page + 1) * FIELDS_PER_PAGE]
    rows = [
        [
            InlineKeyboardButton(
                cards.button_label(f"{f.name} ({f.size})"), callback_data=encode("fp", f.key, 0)
            )
        ]
        for f in shown
    ]
    pager = _pager("fl", None, page, pages, texts)
    if pager:
        rows.append(pager)
    rows.append([InlineKeyboardButton(texts.plain("menu.back"), callback_data=encode("m", "home"))])
    body = texts("browse.fields", page=page + 1, pages=pages)
    await send_html(context.bot, chat_id, body, InlineKeyboardMarkup(rows))


async def field_pressed(update: Update, context: BotContext, callback: Callback) -> None:
    """``fp:<field key>:<page>``: the procedures of one field, most used first."""
    query, chat_id = update.callback_query, _chat_id(update)
    if query is None or chat_id is None:
        return
    catalogue = context.services.catalogue
    field = catalogue.field(callback.arg(0))
    if field is None:
        await answer_gone(update, context)
        return
    await query.answer()
    texts = context.texts
    members = catalogue.in_field(field.name)
    pages = max(1, math.ceil(len(members) / PROCEDURES_PER_PAGE))
    page = _page(callback.arg(1, "0"), pages)
    shown = members[page * PROCEDURES_PER_PAGE : (page + 1) * PROCEDURES_PER_PAGE]
    rows = cards.procedure_rows(shown)
    pager = _pager("fp", field.key, page, pages, texts)
    if pager:
        rows.append(pager)
    rows.append(
        [InlineKeyboardButton(texts.plain("browse.all_fields"), callback_data=encode("fl", 0))]
    )
    body = Html(
        texts("browse.procedures", field=field.name, page=page + 1, pages=pages)
        + "\n"
        + texts.plural("browse.count", "browse.count_plural", len(members))
    )
    await send_html(context.bot, chat_id, body, InlineKeyboardMarkup(rows))


async def procedure_link(update: Update, context: BotContext, argument: str) -> bool:
    """``/start p-1_001193``: a QR code on a poster opens a procedure's card."""
    chat_id = _chat_id(update)
    if chat_id is None:
        return False
    return await show_card(context, chat_id, argument.replace("_", "."))
