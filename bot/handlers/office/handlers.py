"""The one-stop office's group: ``/hs <code>`` shows a dossier with a button per status, a new
due date, a note for the citizen and the receipt's QR code.

What the citizen must read (which documents to add, the new date) is asked for with a reply
prompt, so it reaches the bot even with Telegram's group privacy on, and goes out with the
status in one message rather than as a bare "more documents needed".
"""

from __future__ import annotations

import datetime as dt
import enum
import logging
from dataclasses import dataclass

from telegram import CallbackQuery, InlineKeyboardMarkup, Message, Update
from telegram.error import TelegramError

from bot.delivery.pace import BACKGROUND
from bot.domain.dossiers import NOTE_CHARS, Dossier, DossierChange, DossierStatus, normal_code
from bot.handlers.context import BotContext
from bot.handlers.conversations import Dialogue
from bot.handlers.groups import (
    answer,
    answers_prompt,
    asked_lately,
    asked_now,
    edits,
    in_group,
    is_member,
    prompt,
    topic_of,
)
from bot.handlers.office.buttons import AddNote, OpenDossier, SetDue, SetStatus, ShowQr
from bot.handlers.office.views import card_buttons
from bot.html import Html
from bot.i18n import Texts
from bot.services.dossier_import import FieldError, parse_date
from bot.services.dossiers import Applied
from bot.storage.outbox import Buttons
from bot.ui import keyboards
from bot.ui.dossiers import day, follow_link, qr_png, status_label
from bot.ui.send import send_captioned, send_html

log = logging.getLogger(__name__)


class PromptStep(enum.StrEnum):
    """What the office's reply prompt asks for."""

    NEED_MORE = "need_more"  # the documents to add (the status "more documents needed")
    NOTE = "note"  # a note for the citizen
    DUE = "due"  # a new due date


@dataclass
class Prompt:
    code: str = ""  # the dossier
    prompt: str | int | None = None  # the prompt's ref (its message id, if asked long ago)
    asked_at: str = ""  # when, for asked_lately
    card: int | None = None  # the card pressed on, edited once the answer is in


# Answered by replying to the prompt in the group, so not routed as a private chat's step.
PROMPT = Dialogue("dossier_office", PromptStep, Prompt)
ASKED_FIRST = {DossierStatus.NEED_MORE}  # statuses that mean nothing without a note


def _office_group(context: BotContext) -> int | None:
    departments = context.services.departments
    one_stop = departments.routing.one_stop
    return departments.group_of(one_stop) if one_stop else None


async def command(update: Update, context: BotContext) -> None:
    """``/hs <code>`` in the one-stop office's group, by one of its members."""
    chat, user, message = update.effective_chat, update.effective_user, update.effective_message
    if chat is None or user is None:
        return
    texts = context.texts
    if chat.id != _office_group(context):
        if in_group(update):
            await answer(context, chat.id, texts("dossier.office.only_one_stop"), to=message)
        else:
            await send_html(context.bot, chat.id, texts("dossier.office.only_one_stop"))
        return
    if not await is_member(context, chat.id, user.id):
        await answer(context, chat.id, texts("ticket.refused.not_member"), to=message)
        return
    args = context.args or []
    code = normal_code(args[0]) if args else None
    if code is None:
        usage = texts("dossier.office.usage")
        if args:
            typed = " ".join(args)[:60]
            usage = texts("dossier.office.bad_code", value=typed) + "\n" + usage
        await answer(context, chat.id, usage, thread=topic_of(message))
        return
    body, buttons = await _card(context, code)
    await answer(context, chat.id, body, buttons=buttons, thread=topic_of(message))


async def _card(context: BotContext, code: str) -> tuple[Html, Buttons]:
    """The dossier as the office sees it (with the check value and link for the receipt)."""
    texts = context.texts
    dossier = await context.services.dossiers.get(code)
    if dossier is None:
        body = texts("dossier.office.new", code=code)
    else:
        link = follow_link(context.bot.username, dossier)
        body = (
            context.services.dossiers.card(dossier, texts.language)
            + "\n\n"
            + texts("dossier.office.receipt", check=dossier.check_value, link=link)
        )
    return body, card_buttons(texts, code, known=dossier is not None)


async def _allowed(
    update: Update, context: BotContext, raw_code: str, known: bool = True
) -> str | None:
    """The code a press in the office's group acts on, if it may: pressed in that group, by a
    member, on a button we made (``known``); else the press is answered and None."""
    query, chat, user = update.callback_query, update.effective_chat, update.effective_user
    if query is None or chat is None or user is None:
        return None
    texts = context.texts
    code = normal_code(raw_code)
    if chat.id != _office_group(context) or code is None or not known:
        await query.answer(texts.plain("dossier.office.not_here"), show_alert=True)
        return None
    if not await is_member(context, chat.id, user.id):
        await query.answer(texts.plain("ticket.refused.not_member"), show_alert=True)
        return None
    return code


async def _existing(
    update: Update, context: BotContext, raw_code: str
) -> tuple[str, Dossier] | None:
    """As :func:`_allowed`, for a dossier that must exist (a press on an old card may not)."""
    code = await _allowed(update, context, raw_code)
    if code is None:
        return None
    dossier = await context.services.dossiers.get(code)
    if dossier is None:
        assert update.callback_query is not None
        await update.callback_query.answer(context.texts.plain("button.stale"), show_alert=True)
        return None
    return code, dossier


def _card_of(query: CallbackQuery) -> int | None:
    """The card the button was pressed on, to be edited once the change is made."""
    return query.message.message_id if isinstance(query.message, Message) else None


async def status_pressed(update: Update, context: BotContext, button: SetStatus) -> None:
    """A status: set at once, or (more documents needed) after the prompt says which."""
    status = next((s for s in DossierStatus if s.value == button.status), None)
    code = await _allowed(update, context, button.code, known=status is not None)
    query, chat, user = update.callback_query, update.effective_chat, update.effective_user
    if code is None or status is None or query is None or chat is None or user is None:
        return
    if status in ASKED_FIRST:
        await _ask(update, context, PromptStep(status.value), code)
        return
    texts = context.texts
    applied = await _apply(context, DossierChange(code, status), user.id)
    label = status_label(texts, applied.dossier)
    done = texts.plain("dossier.office.done", code=code, status=label, n=applied.told)
    await query.answer(done)
    _refresh(context, chat.id, _card_of(query), code)


async def due_pressed(update: Update, context: BotContext, button: SetDue) -> None:
    """«📅 Hẹn ngày trả mới»: the date is asked by a reply prompt (group privacy allows it)."""
    found = await _existing(update, context, button.code)
    if found is not None:
        await _ask(update, context, PromptStep.DUE, found[0])


async def note_pressed(update: Update, context: BotContext, button: AddNote) -> None:
    """«📝 Ghi chú cho người dân»: the note is asked by a reply prompt."""
    found = await _existing(update, context, button.code)
    if found is not None:
        await _ask(update, context, PromptStep.NOTE, found[0])


async def qr_pressed(update: Update, context: BotContext, button: ShowQr) -> None:
    """The receipt's QR code; a picture made here, so not through the outbox: beside the
    handler."""
    query, chat = update.callback_query, update.effective_chat
    found = await _existing(update, context, button.code)
    if found is None or query is None or chat is None:
        return
    code, dossier = found
    await query.answer()
    context.application.create_task(
        _send_qr(context, chat.id, dossier, topic_of(query.message)), name=f"qr-{code}"
    )


async def open_pressed(update: Update, context: BotContext, button: OpenDossier) -> None:
    """A late dossier from the office's daily reminder: its card."""
    query, chat = update.callback_query, update.effective_chat
    found = await _existing(update, context, button.code)
    if found is None or query is None or chat is None:
        return
    await query.answer()
    body, buttons = await _card(context, found[0])
    await answer(context, chat.id, body, buttons=buttons, thread=topic_of(query.message))


async def _ask(update: Update, context: BotContext, step: PromptStep, code: str) -> None:
    """The reply prompt for ``step``: one question, however often the button is pressed."""
    query, chat, user = update.callback_query, update.effective_chat, update.effective_user
    if query is None or chat is None or user is None:
        return
    texts = context.texts
    people = context.services.people
    asked = await people.conversation(chat.id, user.id)
    if asked_lately(context, asked, PROMPT.name, step=step.value, code=code):
        await query.answer(texts.plain("ticket.already_asked", code=code))
        return
    await query.answer()
    question = texts(f"dossier.office.ask_{step.value}", code=code, actor=user.full_name)
    ref = await prompt(context, chat.id, question, thread=topic_of(query.message))
    data = Prompt(code, ref, asked_now(context), _card_of(query))
    await PROMPT.begin(context, chat.id, user.id, step, data)


async def group_reply(update: Update, context: BotContext) -> bool:
    """An official's answer to one of our prompts; False if the message is not one."""
    message, chat, user = update.effective_message, update.effective_chat, update.effective_user
    if message is None or chat is None or user is None or chat.id != _office_group(context):
        return False
    conversation = await context.services.people.conversation(chat.id, user.id)
    step = PROMPT.step_of(conversation)
    if step is None or conversation is None:
        return False
    asked = PROMPT.data_of(conversation)
    if not await answers_prompt(context, message, asked.prompt):
        return False
    texts = context.texts
    if not await is_member(context, chat.id, user.id):
        await answer(context, chat.id, texts("ticket.refused.not_member"), to=message)
        return True
    typed = (message.text or "").strip()
    code = asked.code
    dossier = await context.services.dossiers.get(code)
    if dossier is None and step is not PromptStep.NEED_MORE:  # only a status can create one
        await context.services.people.end(chat.id, user.id)
        await answer(context, chat.id, texts("button.stale"), to=message)
        return True
    now = dossier.status if dossier is not None else DossierStatus.NEED_MORE
    today = context.services.dossiers.today()
    problem, change = _change_from(texts, today, code, now, step, typed)
    if change is None:  # they reply to the prompt again
        await answer(context, chat.id, problem, to=message)
        return True
    await context.services.people.end(chat.id, user.id)
    applied = await _apply(context, change, user.id)
    facts = {"code": code, "n": applied.told, "status": status_label(texts, applied.dossier)}
    if step is PromptStep.DUE:
        assert applied.dossier.due_on is not None
        facts["due"] = day(texts, applied.dossier.due_on)
    key = "dossier.office.done_apology" if applied.apology else f"dossier.office.done_{step.value}"
    await answer(context, chat.id, texts(key, **facts), to=message)
    _refresh(context, chat.id, asked.card, code, topic_of(message))
    return True


def _change_from(
    texts: Texts, today: dt.date, code: str, now: DossierStatus, step: PromptStep, typed: str
) -> tuple[Html, DossierChange | None]:
    """The change an official's answer asks for, or why it cannot be taken."""
    if not typed:
        return texts(f"dossier.office.ask_{step.value}_text", code=code), None
    if step is PromptStep.DUE:
        due = _date(typed, today)
        if due is None:
            return texts("dossier.office.bad_date", value=typed[:40]), None
        if due < today:
            return texts("dossier.office.past_date", value=typed[:40]), None
        return Html(), DossierChange(code, now, due_on=due)
    if len(typed) > NOTE_CHARS:
        return texts("dossier.office.too_long", n=NOTE_CHARS), None
    status = DossierStatus.NEED_MORE if step is PromptStep.NEED_MORE else now
    return Html(), DossierChange(code, status, note=typed)


def _date(typed: str, today: dt.date) -> dt.date | None:
    """28/11/2026, 2026-11-28, or 28/11 (the next such day)."""
    for candidate in (typed, f"{typed}/{today.year}", f"{typed}/{today.year + 1}"):
        try:
            found = parse_date(candidate)
        except FieldError:
            continue
        if candidate is typed or found >= today:
            return found
    return None


async def _apply(context: BotContext, change: DossierChange, user_id: int) -> Applied:
    return await context.services.dossiers.apply(change, source="official", actor=str(user_id))


def _refresh(
    context: BotContext, chat_id: int, card: int | None, code: str, thread: int | None = None
) -> None:
    """The office's card, edited to say what the dossier now is (sent anew if it was not
    pressed on a card), beside the handler."""

    async def render() -> tuple[Html, InlineKeyboardMarkup | None]:
        body, buttons = await _card(context, code)
        return body, keyboards.inline(buttons)

    if card is not None:
        edits(context).refresh(context, chat_id, card, render)
        return

    async def send() -> None:
        body, buttons = await _card(context, code)
        await answer(context, chat_id, body, buttons=buttons, thread=thread)

    context.application.create_task(send(), name=f"card-{code}")


async def _send_qr(context: BotContext, chat_id: int, dossier: Dossier, thread: int | None) -> None:
    """The receipt's QR code as a picture the office can print."""
    BACKGROUND.set(True)  # its own task: people waiting for an answer go first
    link = follow_link(context.bot.username, dossier)
    caption = context.texts("dossier.office.qr", code=dossier.code, check=dossier.check_value)
    try:
        await send_captioned(
            context.bot, chat_id, caption, photo=qr_png(link), message_thread_id=thread
        )
    except TelegramError as error:  # the office presses again; nothing else waits on it
        log.warning("QR code not sent (%s)", type(error).__name__)
