"""Filing a complaint, or a question to an official, step by step (rules 8 and 9).

Each step is saved before the bot answers, so a restart resumes it; wrong input at a step
(a sticker, an empty or over-long text, one photo too many) gets a prompt for that step, and
/cancel leaves at any time. The ticket is committed before the citizen sees its code.

A complaint asks for photos, a place and a phone: before a person's first one (and again
when the notice changes) they read what is kept, why and for how long (Decree 13/2023), and
agree, or go on without those three for this complaint. A question asks none of them.
"""

from __future__ import annotations

import enum
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

from bot.domain.tickets import MAX_BODY, MAX_PHOTOS, MIN_BODY, Draft
from bot.handlers.common import private
from bot.handlers.complaints.buttons import (
    NEW,
    Category,
    Consent,
    ConsentChoice,
    Continue,
    Duplicate,
    Edit,
    Privacy,
    Send,
    SkipPlace,
)
from bot.handlers.context import BotContext
from bot.handlers.conversations import ConversationRouter, Dialogue
from bot.handlers.pressing import acknowledge
from bot.html import Html
from bot.i18n import Texts
from bot.services.views import NotAllowed
from bot.ui import keyboards
from bot.ui.buttons import AskOfficial, CancelDraft
from bot.ui.render import unit_contacts
from bot.ui.send import Markup, send_html

log = logging.getLogger(__name__)

QUESTION_CATEGORY = "hoi-dap"  # where a question to an official is filed


class Step(enum.StrEnum):
    CONSENT = "consent"  # the privacy notice, before a person's first complaint
    CATEGORY = "category"
    BODY = "body"
    PHOTOS = "photos"
    PLACE = "place"
    PHONE = "phone"  # the only step with a reply keyboard (share the phone number)
    PRIVACY = "privacy"
    REVIEW = "review"
    DUPLICATE = "duplicate"  # the same words as one of their open tickets


# What is gathered is the ticket's Draft itself, saved as it will be filed.
COMPLAINT = Dialogue(
    "complaint", Step, Draft, draft=True, keyboard_steps=frozenset({Step.PHONE.value})
)


async def _save(context: BotContext, chat_id: int, user_id: int, step: Step, draft: Draft) -> None:
    await COMPLAINT.begin(context, chat_id, user_id, step, draft)


async def _say(context: BotContext, chat_id: int, text: Html, markup: Markup | None = None) -> None:
    await send_html(context.bot, chat_id, text, markup)


def _cancel_row(texts: Texts) -> list[InlineKeyboardButton]:
    return [CancelDraft().button(texts.plain("complaint.button.cancel"))]


# --- starting ------------------------------------------------------------------------------


async def command(update: Update, context: BotContext) -> None:
    """/phananh (or /complain) in the private chat."""
    if private(update):
        await start(update, context)


async def complain(update: Update, context: BotContext) -> None:
    """The main menu's «Gửi phản ánh»."""
    await start(update, context)


async def ask_official(update: Update, context: BotContext, button: AskOfficial) -> None:
    """«Hỏi cán bộ» (from a procedure's card, about it): a question is a ticket too."""
    await acknowledge(update)
    draft = Draft(kind="question", category=QUESTION_CATEGORY, procedure_code=button.code or None)
    await start(update, context, draft)


async def start(update: Update, context: BotContext, draft: Draft | None = None) -> None:
    """A complaint from its category; with a question draft, straight to the question."""
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
        await _save(context, chat.id, user.id, Step.BODY, draft)
        await _say(context, chat.id, _body_prompt(context, draft), keyboards.cancel_only(texts))
        return
    if await context.services.privacy.needs_consent(user.id):
        await _save(context, chat.id, user.id, Step.CONSENT, draft)
        await _ask_consent(context, chat.id)
        return
    await _save(context, chat.id, user.id, Step.CATEGORY, draft)
    await _ask_category(context, chat.id)


async def _ask_consent(context: BotContext, chat_id: int) -> None:
    """The notice of what is kept, why and for how long, with the ways on."""
    texts = context.texts
    markup = InlineKeyboardMarkup(
        [
            [Consent(ConsentChoice.AGREE).button(texts.plain("privacy.button.agree"))],
            [Consent(ConsentChoice.BARE).button(texts.plain("privacy.button.bare"))],
            _cancel_row(texts),
        ]
    )
    months = context.services.privacy.months
    await _say(context, chat_id, texts("privacy.notice", months=texts.number(months)), markup)


async def _ask_category(context: BotContext, chat_id: int) -> None:
    texts = context.texts
    language = texts.language
    categories = context.services.departments.routing.complaint_categories()
    rows = [[Category(c.code).button(c.name.get(language))] for c in categories]
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


async def step(update: Update, context: BotContext, at: Step, draft: Draft) -> None:
    """Whatever the citizen sent at the current step: text, photo, location or contact."""
    chat, user, message = update.effective_chat, update.effective_user, update.effective_message
    if chat is None or user is None or message is None:
        return
    texts = context.texts
    if at is Step.CONSENT:
        await _say(context, chat.id, texts("privacy.use_buttons"))
    elif at is Step.CATEGORY:
        await _say(context, chat.id, texts("complaint.pick_category"))
        await _ask_category(context, chat.id)
    elif at is Step.BODY:
        await _body_step(update, context, draft)
    elif at is Step.PHOTOS:
        await _photo_step(update, context, draft)
    elif at is Step.PLACE:
        if message.location is not None:
            draft.latitude, draft.longitude = message.location.latitude, message.location.longitude
        elif message.text and message.text.strip():
            draft.address = " ".join(message.text.split())[:300]
        else:
            await _say(context, chat.id, texts("complaint.place_hint"), _skip_markup(texts))
            return
        await _ask_phone(context, chat.id, user.id, draft)
    elif at is Step.PHONE:
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
    if message.photo and len(draft.photos) < MAX_PHOTOS and not draft.bare:
        draft.photos.append(message.photo[-1].file_id)
    same = await context.services.tickets.same_open_ticket(user.id, text)
    if same is not None:
        await _save(context, chat.id, user.id, Step.DUPLICATE, draft)
        add_to = texts.plain("complaint.button.add_to", code=same.code)
        markup = InlineKeyboardMarkup(
            [
                [Duplicate(str(same.id)).button(add_to)],
                [Duplicate(NEW).button(texts.plain("complaint.button.new"))],
                _cancel_row(texts),
            ]
        )
        await _say(context, chat.id, texts("complaint.duplicate", code=same.code), markup)
        return
    await _after_body(context, chat.id, user.id, draft)


async def _after_body(context: BotContext, chat_id: int, user_id: int, draft: Draft) -> None:
    """Photos, place and phone next; a question, or a complaint sent without them, skips
    to the name."""
    if draft.kind == "question" or draft.bare:
        await _ask_privacy(context, chat_id, user_id, draft)
    else:
        await _ask_photos(context, chat_id, user_id, draft)


async def _ask_photos(context: BotContext, chat_id: int, user_id: int, draft: Draft) -> None:
    await _save(context, chat_id, user_id, Step.PHOTOS, draft)
    texts = context.texts
    await _say(context, chat_id, texts("complaint.ask_photos", max=MAX_PHOTOS), _next_markup(texts))


def _next_markup(texts: Texts) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [[Continue().button(texts.plain("complaint.button.continue"))], _cancel_row(texts)]
    )


def _skip_markup(texts: Texts) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [[SkipPlace().button(texts.plain("complaint.button.skip"))], _cancel_row(texts)]
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
    await _save(context, chat.id, user.id, Step.PHOTOS, draft)
    await _say(
        context,
        chat.id,
        texts("complaint.photo_added", n=len(draft.photos), max=MAX_PHOTOS),
        _next_markup(texts),
    )


async def _ask_place(context: BotContext, chat_id: int, user_id: int, draft: Draft) -> None:
    await _save(context, chat_id, user_id, Step.PLACE, draft)
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
    await _save(context, chat_id, user_id, Step.PHONE, draft)
    texts = context.texts
    await _say(context, chat_id, texts("complaint.ask_phone"), _phone_keyboard(texts))


async def _ask_privacy(context: BotContext, chat_id: int, user_id: int, draft: Draft) -> None:
    await _save(context, chat_id, user_id, Step.PRIVACY, draft)
    texts = context.texts
    if draft.kind == "complaint" and not draft.bare:  # the contact keyboard's job is done
        said = "complaint.phone_saved" if draft.phone else "complaint.phone_skipped"
        await _say(context, chat_id, texts(said), ReplyKeyboardRemove())
    markup = InlineKeyboardMarkup(
        [
            [
                Privacy(hide=False).button(texts.plain("complaint.button.show")),
                Privacy(hide=True).button(texts.plain("complaint.button.hide")),
            ],
            _cancel_row(texts),
        ]
    )
    await _say(context, chat_id, texts("complaint.ask_privacy"), markup)


async def _review(context: BotContext, chat_id: int, user_id: int, draft: Draft) -> None:
    await _save(context, chat_id, user_id, Step.REVIEW, draft)
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
            [Send().button(texts.plain(f"complaint.button.send_{draft.kind}"))],
            [Edit().button(texts.plain("complaint.button.edit"))],
            _cancel_row(texts),
        ]
    )
    await _say(context, chat_id, body, markup)


# --- buttons -------------------------------------------------------------------------------


async def _at(update: Update, context: BotContext, step: Step) -> Draft | None:
    """The draft, if the intake is at ``step``: a button from an earlier intake, or one
    pressed out of turn, is answered without acting."""
    chat, user = update.effective_chat, update.effective_user
    if chat is None or user is None:
        return None
    conversation = await context.services.people.conversation(chat.id, user.id)
    if conversation is None or COMPLAINT.step_of(conversation) is not step:
        await acknowledge(update, context.texts.plain("button.stale"), alert=True)
        return None
    await acknowledge(update)
    return COMPLAINT.data_of(conversation)


def _ids(update: Update) -> tuple[int, int]:
    chat, user = update.effective_chat, update.effective_user
    assert chat is not None and user is not None  # _at has answered only with both
    return chat.id, user.id


async def consent_chosen(update: Update, context: BotContext, button: Consent) -> None:
    """Agreed (recorded with its time), or on without photos, place and phone for this
    complaint only: the next one asks again."""
    draft = await _at(update, context, Step.CONSENT)
    if draft is None:
        return
    chat_id, user_id = _ids(update)
    texts = context.texts
    if button.choice is ConsentChoice.AGREE:
        await context.services.privacy.agree(user_id)
        draft.bare = False
    else:
        draft.bare = True
    await _save(context, chat_id, user_id, Step.CATEGORY, draft)
    if draft.bare:
        await _say(context, chat_id, texts("privacy.bare"))
    await _ask_category(context, chat_id)


async def category_chosen(update: Update, context: BotContext, button: Category) -> None:
    draft = await _at(update, context, Step.CATEGORY)
    if draft is None:
        return
    chat_id, user_id = _ids(update)
    category = context.services.departments.routing.category(button.code)
    if category is None or category.kind != "complaint":
        await _ask_category(context, chat_id)
        return
    draft.category = category.code
    await _save(context, chat_id, user_id, Step.BODY, draft)
    texts = context.texts
    await _say(context, chat_id, _body_prompt(context, draft), keyboards.cancel_only(texts))


async def photos_done(update: Update, context: BotContext, button: Continue) -> None:
    draft = await _at(update, context, Step.PHOTOS)
    if draft is not None:
        await _ask_place(context, *_ids(update), draft)


async def place_skipped(update: Update, context: BotContext, button: SkipPlace) -> None:
    draft = await _at(update, context, Step.PLACE)
    if draft is not None:
        await _ask_phone(context, *_ids(update), draft)


async def privacy_chosen(update: Update, context: BotContext, button: Privacy) -> None:
    draft = await _at(update, context, Step.PRIVACY)
    if draft is not None:
        draft.hide_name = button.hide
        await _review(context, *_ids(update), draft)


async def edit_pressed(update: Update, context: BotContext, button: Edit) -> None:
    draft = await _at(update, context, Step.REVIEW)
    if draft is None:
        return
    chat_id, user_id = _ids(update)
    await _save(context, chat_id, user_id, Step.BODY, draft)
    texts = context.texts
    await _say(
        context, chat_id, texts("complaint.edit", body=draft.body), keyboards.cancel_only(texts)
    )


async def duplicate_chosen(update: Update, context: BotContext, button: Duplicate) -> None:
    draft = await _at(update, context, Step.DUPLICATE)
    if draft is None:
        return
    chat_id, user_id = _ids(update)
    texts = context.texts
    if button.choice == NEW:
        await _after_body(context, chat_id, user_id, draft)
        return
    await context.services.people.end(chat_id, user_id)
    try:
        ticket = await context.services.tickets.add_from_citizen(
            button.ticket_id, user_id, draft.body
        )
    except NotAllowed:
        await _say(context, chat_id, texts("ticket.refused.gone"), keyboards.back_to_menu(texts))
        return
    await _say(
        context, chat_id, texts("mine.added", code=ticket.code), keyboards.back_to_menu(texts)
    )


async def send_pressed(update: Update, context: BotContext, button: Send) -> None:
    draft = await _at(update, context, Step.REVIEW)
    if draft is None:
        return
    chat, user = update.effective_chat, update.effective_user
    assert chat is not None and user is not None
    texts = context.texts
    services = context.services
    field = office = None
    if draft.procedure_code:
        procedure = services.catalogue.get(draft.procedure_code)
        field = procedure.field if procedure else None
        office = services.catalogue.office(draft.procedure_code) if procedure else None
    ticket, _ = await services.tickets.file(
        draft,
        user_id=user.id,
        chat_id=chat.id,
        name=user.full_name,
        language=texts.language,
        update_id=update.update_id,
        procedure_field=field,
        procedure_office=office,
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


async def cancel_pressed(
    update: Update, context: BotContext, button: CancelDraft, router: ConversationRouter
) -> None:
    """«✖️ Hủy» under any draft's question (a complaint, an addition): the draft is dropped;
    with none open, the button is an old one."""
    chat, user = update.effective_chat, update.effective_user
    if chat is None or user is None:
        return
    texts = context.texts
    people = context.services.people
    if not router.holds_draft(await people.conversation(chat.id, user.id)):
        await acknowledge(update, texts.plain("button.stale"), alert=True)
        return
    await acknowledge(update)
    await people.end(chat.id, user.id)
    await _say(context, chat.id, texts("complaint.cancelled"), ReplyKeyboardRemove())
    await _say(context, chat.id, texts("menu.title"), keyboards.main_menu(texts))
