"""Filing a complaint, or a question to an official, step by step (rules 8 and 9).

Each step is saved before the bot answers, so a restart resumes it; wrong input at a step
(a sticker, an empty or over-long text, one photo too many) gets a prompt for that step, and
/cancel leaves at any time. The ticket is committed before the citizen sees its code.
"""

from __future__ import annotations

import logging

from telegram import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
    Update,
)
from telegram.error import TelegramError

from bot.domain.people import Conversation
from bot.domain.tickets import MAX_BODY, MAX_PHOTOS, MIN_BODY, Draft
from bot.handlers.context import BotContext
from bot.i18n import Html, Texts
from bot.services.views import NotAllowed
from bot.ui import keyboards
from bot.ui.callbacks import Callback, encode, number
from bot.ui.render import unit_contacts
from bot.ui.send import Markup, send_html

log = logging.getLogger(__name__)

CONVERSATION = "complaint"
CANCELLABLE = {CONVERSATION, "ticket_add"}  # the conversations whose "✖️ Hủy" buttons we show


def _button(label: str, *data: object) -> InlineKeyboardButton:
    return InlineKeyboardButton(label, callback_data=encode("c", *data))


def _draft(conversation: Conversation) -> Draft:
    return Draft.from_json(conversation.data)


async def _save(context: BotContext, chat_id: int, user_id: int, step: str, draft: Draft) -> None:
    await context.services.people.begin(
        chat_id, user_id, Conversation(CONVERSATION, step, draft.to_json())
    )


async def _say(context: BotContext, chat_id: int, text: Html, markup: Markup | None = None) -> None:
    await send_html(context.bot, chat_id, text, markup)


def _cancel_row(texts: Texts) -> list[InlineKeyboardButton]:
    return [_button(texts.plain("complaint.button.cancel"), "cancel")]


# --- starting ------------------------------------------------------------------------------


async def command(update: Update, context: BotContext) -> None:
    """/phananh (or /complain) in the private chat."""
    if update.effective_chat is not None and update.effective_chat.type == "private":
        await start(update, context)


async def start(update: Update, context: BotContext, draft: Draft | None = None) -> None:
    """The menu's "send a complaint" (or /phananh); with a question draft, "ask an official"."""
    chat, user = update.effective_chat, update.effective_user
    if chat is None or user is None:
        return
    texts = context.texts
    tickets = context.services.tickets
    if tickets.is_blocked(user.id):
        await context.services.people.end(chat.id, user.id)
        contacts = unit_contacts(texts, context.services.unit.profile)
        await _say(context, chat.id, texts("complaint.blocked", contacts=contacts))
        return
    most = context.services.settings.max_tickets_per_day
    if len(await tickets.filed_today(user.id)) >= most:
        await context.services.people.end(chat.id, user.id)
        await _say(
            context,
            chat.id,
            texts("complaint.limit", n=most),
            keyboards.back_to_menu(texts),
        )
        return
    draft = draft or Draft()
    if draft.kind == "question":
        await _save(context, chat.id, user.id, "body", draft)
        await _say(context, chat.id, _body_prompt(context, draft), _cancel_markup(texts))
        return
    await _save(context, chat.id, user.id, "category", draft)
    await _ask_category(context, chat.id)


def shows_keyboard(conversation: Conversation) -> bool:
    """Whether this step put the phone keyboard under the chat (leaving must remove it)."""
    return conversation.name == CONVERSATION and conversation.step == "phone"


def _cancel_markup(texts: Texts) -> InlineKeyboardMarkup:
    return keyboards.cancel_only(texts, "c")


async def _ask_category(context: BotContext, chat_id: int) -> None:
    texts = context.texts
    language = texts.language
    categories = context.services.tickets.routing.complaint_categories()
    rows = [[_button(c.name.get(language), "cat", c.code)] for c in categories]
    rows.append(_cancel_row(texts))
    await _say(context, chat_id, texts("complaint.start"), InlineKeyboardMarkup(rows))


def _body_prompt(context: BotContext, draft: Draft) -> Html:
    texts = context.texts
    if draft.kind == "question":
        procedure = (
            context.services.catalogue.get(draft.procedure_code) if draft.procedure_code else None
        )
        if procedure is not None:
            return texts("question.ask_about", name=procedure.name, min=MIN_BODY)
        return texts("question.ask", min=MIN_BODY)
    return texts("complaint.ask_body", min=MIN_BODY)


# --- steps ---------------------------------------------------------------------------------


async def step(update: Update, context: BotContext, conversation: Conversation) -> None:
    """Whatever the citizen sent at the current step: text, photo, location or contact."""
    chat, user, message = update.effective_chat, update.effective_user, update.effective_message
    if chat is None or user is None or message is None:
        return
    texts = context.texts
    draft = _draft(conversation)
    where = conversation.step
    if where == "category":
        await _say(context, chat.id, texts("complaint.pick_category"))
        await _ask_category(context, chat.id)
    elif where == "body":
        await _body_step(update, context, draft)
    elif where == "photos":
        await _photo_step(update, context, draft)
    elif where == "place":
        if message.location is not None:
            draft.latitude, draft.longitude = message.location.latitude, message.location.longitude
        elif message.text and message.text.strip():
            draft.address = " ".join(message.text.split())[:300]
        else:
            await _say(context, chat.id, texts("complaint.place_hint"), _skip_markup(texts))
            return
        await _ask_phone(context, chat.id, user.id, draft)
    elif where == "phone":
        skip = texts.plain("complaint.button.skip")
        if message.contact is not None and message.contact.user_id == user.id:  # their own
            draft.phone = message.contact.phone_number
        elif not (message.text and message.text.strip() == skip):
            await _say(context, chat.id, texts("complaint.phone_hint"), _phone_keyboard(texts))
            return
        await _ask_privacy(context, chat.id, user.id, draft)
    else:  # privacy, review, duplicate: they answer with buttons
        await _say(context, chat.id, texts("complaint.use_buttons"))


async def _body_step(update: Update, context: BotContext, draft: Draft) -> None:
    chat, user, message = update.effective_chat, update.effective_user, update.effective_message
    assert chat is not None and user is not None and message is not None
    texts = context.texts
    text = (message.text or message.caption or "").strip()  # a photo may carry the words
    if not text:
        await _say(context, chat.id, texts("complaint.need_text", min=MIN_BODY))
        return
    if len(text) < MIN_BODY:
        await _say(context, chat.id, texts("complaint.body_short", min=MIN_BODY))
        return
    if len(text) > MAX_BODY:
        await _say(
            context,
            chat.id,
            texts(
                "complaint.body_long",
                max=texts.number(MAX_BODY),
                n=texts.number(len(text)),
            ),
        )
        return
    draft.body = text
    if message.photo and len(draft.photos) < MAX_PHOTOS:
        draft.photos.append(message.photo[-1].file_id)
    same = await context.services.tickets.same_open_ticket(user.id, text)
    if same is not None:
        await _save(context, chat.id, user.id, "duplicate", draft)
        markup = InlineKeyboardMarkup(
            [
                [_button(texts.plain("complaint.button.add_to", code=same.code), "dup", same.id)],
                [_button(texts.plain("complaint.button.new"), "dup", "new")],
                _cancel_row(texts),
            ]
        )
        await _say(context, chat.id, texts("complaint.duplicate", code=same.code), markup)
        return
    if draft.kind == "question":
        await _ask_privacy(context, chat.id, user.id, draft)
        return
    await _save(context, chat.id, user.id, "photos", draft)
    await _say(context, chat.id, texts("complaint.ask_photos", max=MAX_PHOTOS), _next_markup(texts))


def _next_markup(texts: Texts) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [[_button(texts.plain("complaint.button.continue"), "next")], _cancel_row(texts)]
    )


def _skip_markup(texts: Texts) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [[_button(texts.plain("complaint.button.skip"), "skip")], _cancel_row(texts)]
    )


async def _photo_step(update: Update, context: BotContext, draft: Draft) -> None:
    chat, user, message = update.effective_chat, update.effective_user, update.effective_message
    assert chat is not None and user is not None and message is not None
    texts = context.texts
    if not message.photo:
        await _say(context, chat.id, texts("complaint.photos_hint"), _next_markup(texts))
        return
    if len(draft.photos) >= MAX_PHOTOS:
        await _say(
            context,
            chat.id,
            texts("complaint.too_many_photos", max=MAX_PHOTOS),
            _next_markup(texts),
        )
        return
    draft.photos.append(message.photo[-1].file_id)
    await _save(context, chat.id, user.id, "photos", draft)
    await _say(
        context,
        chat.id,
        texts("complaint.photo_added", n=len(draft.photos), max=MAX_PHOTOS),
        _next_markup(texts),
    )


async def _ask_place(context: BotContext, chat_id: int, user_id: int, draft: Draft) -> None:
    await _save(context, chat_id, user_id, "place", draft)
    texts = context.texts
    await _say(context, chat_id, texts("complaint.ask_place"), _skip_markup(texts))


def _phone_keyboard(texts: Texts) -> ReplyKeyboardMarkup:
    return ReplyKeyboardMarkup(
        [
            [KeyboardButton(texts.plain("complaint.button.share_phone"), request_contact=True)],
            [KeyboardButton(texts.plain("complaint.button.skip"))],
        ],
        resize_keyboard=True,
        one_time_keyboard=True,
    )


async def _ask_phone(context: BotContext, chat_id: int, user_id: int, draft: Draft) -> None:
    await _save(context, chat_id, user_id, "phone", draft)
    texts = context.texts
    await _say(context, chat_id, texts("complaint.ask_phone"), _phone_keyboard(texts))


async def _ask_privacy(context: BotContext, chat_id: int, user_id: int, draft: Draft) -> None:
    await _save(context, chat_id, user_id, "privacy", draft)
    texts = context.texts
    if draft.kind == "complaint":  # the contact keyboard goes away once it has done its job
        said = "complaint.phone_saved" if draft.phone else "complaint.phone_skipped"
        await _say(context, chat_id, texts(said), ReplyKeyboardRemove())
    markup = InlineKeyboardMarkup(
        [
            [
                _button(texts.plain("complaint.button.show"), "hide", 0),
                _button(texts.plain("complaint.button.hide"), "hide", 1),
            ],
            _cancel_row(texts),
        ]
    )
    await _say(context, chat_id, texts("complaint.ask_privacy"), markup)


async def _review(context: BotContext, chat_id: int, user_id: int, draft: Draft) -> None:
    await _save(context, chat_id, user_id, "review", draft)
    texts = context.texts
    tickets = context.services.tickets
    category = tickets.category_for(draft)
    if draft.address:
        place = draft.address
    elif draft.latitude is not None:
        place = texts.plain("ticket.place_pin")
    else:
        place = texts.plain("ticket.place_none")
    body = texts(
        "complaint.review",
        kind=texts.plain(f"ticket.kind.{draft.kind}"),
        category=category.name.get(texts.language),
        body=draft.body,
        photos=len(draft.photos),
        place=place,
        phone=draft.phone or texts.plain("complaint.no_phone"),
        name=texts.plain("complaint.name_hidden" if draft.hide_name else "complaint.name_shown"),
    )
    markup = InlineKeyboardMarkup(
        [
            [_button(texts.plain(f"complaint.button.send_{draft.kind}"), "send")],
            [_button(texts.plain("complaint.button.edit"), "edit")],
            _cancel_row(texts),
        ]
    )
    await _say(context, chat_id, body, markup)


# --- buttons -------------------------------------------------------------------------------


async def pressed(update: Update, context: BotContext, callback: Callback) -> None:
    """``c:<what>[:<arg>]``: buttons of the intake; a button from an earlier intake, or one
    pressed out of turn, is answered without acting."""
    query, chat, user = update.callback_query, update.effective_chat, update.effective_user
    if query is None or chat is None or user is None:
        return
    texts = context.texts
    people = context.services.people
    conversation = await people.conversation(chat.id, user.id)
    what = callback.arg(0)
    if what == "cancel" and conversation is not None and conversation.name in CANCELLABLE:
        await query.answer()
        await people.end(chat.id, user.id)
        await _say(context, chat.id, texts("complaint.cancelled"), ReplyKeyboardRemove())
        await _say(context, chat.id, texts("menu.title"), keyboards.main_menu(texts))
        return
    expected = {
        "cat": "category",
        "next": "photos",
        "skip": "place",
        "hide": "privacy",
        "send": "review",
        "edit": "review",
        "dup": "duplicate",
    }
    if (
        conversation is None
        or conversation.name != CONVERSATION
        or expected.get(what) != conversation.step
    ):
        await query.answer(texts.plain("button.stale"), show_alert=True)
        return
    await query.answer()
    draft = _draft(conversation)
    if what == "cat":
        category = context.services.tickets.routing.category(callback.arg(1))
        if category is None or category.kind != "complaint":
            await _ask_category(context, chat.id)
            return
        draft.category = category.code
        await _save(context, chat.id, user.id, "body", draft)
        await _say(context, chat.id, _body_prompt(context, draft), _cancel_markup(texts))
    elif what == "next":
        await _ask_place(context, chat.id, user.id, draft)
    elif what == "skip":
        await _ask_phone(context, chat.id, user.id, draft)
    elif what == "hide":
        draft.hide_name = callback.arg(1) == "1"
        await _review(context, chat.id, user.id, draft)
    elif what == "edit":
        await _save(context, chat.id, user.id, "body", draft)
        await _say(
            context, chat.id, texts("complaint.edit", body=draft.body), _cancel_markup(texts)
        )
    elif what == "dup":
        await _duplicate(update, context, draft, callback.arg(1))
    elif what == "send":
        await _send(update, context, draft)


async def _duplicate(update: Update, context: BotContext, draft: Draft, choice: str) -> None:
    chat, user = update.effective_chat, update.effective_user
    assert chat is not None and user is not None
    texts = context.texts
    if choice == "new":
        if draft.kind == "question":
            await _ask_privacy(context, chat.id, user.id, draft)
        else:
            await _save(context, chat.id, user.id, "photos", draft)
            await _say(
                context, chat.id, texts("complaint.ask_photos", max=MAX_PHOTOS), _next_markup(texts)
            )
        return
    await context.services.people.end(chat.id, user.id)
    try:
        ticket = await context.services.tickets.add_from_citizen(
            number(choice), user.id, draft.body
        )
    except NotAllowed:
        await _say(context, chat.id, texts("ticket.refused.gone"), keyboards.back_to_menu(texts))
        return
    await _say(
        context, chat.id, texts("mine.added", code=ticket.code), keyboards.back_to_menu(texts)
    )


async def _send(update: Update, context: BotContext, draft: Draft) -> None:
    chat, user = update.effective_chat, update.effective_user
    assert chat is not None and user is not None
    texts = context.texts
    services = context.services
    field = None
    if draft.procedure_code:
        procedure = services.catalogue.get(draft.procedure_code)
        field = procedure.field if procedure else None
    ticket, _ = await services.tickets.file(
        draft,
        user_id=user.id,
        chat_id=chat.id,
        name=user.full_name,
        language=texts.language,
        update_id=update.update_id,
        procedure_field=field,
    )
    await services.people.end(chat.id, user.id)
    # Committed: now the code. If Telegram cannot take it this moment, the outbox will.
    answer = services.tickets.acknowledgement(ticket)
    try:
        await send_html(context.bot, chat.id, answer.text, keyboards.inline(answer.buttons))
    except TelegramError as error:
        log.warning(
            "ticket %s: acknowledgement left to the outbox (%s)", ticket.id, type(error).__name__
        )
        await services.tickets.acknowledge_later(ticket)
