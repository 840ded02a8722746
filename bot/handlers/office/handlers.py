"""The one-stop office's group: ``/hs <code>`` shows a dossier with a button per status, a new
due date, a note for the citizen and the receipt's QR code.

What the citizen must read (which documents to add, the new date) is asked for with a reply
prompt, so it reaches the bot even with Telegram's group privacy on, and goes out with the
status in one message rather than as a bare "more documents needed".
"""

from __future__ import annotations

import datetime as dt
import logging

from telegram import InlineKeyboardMarkup, Message, Update
from telegram.constants import ParseMode
from telegram.error import TelegramError

from bot.domain.dossiers import NOTE_CHARS, Dossier, DossierChange, DossierStatus, normal_code
from bot.domain.people import Conversation
from bot.handlers.context import BotContext
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
from bot.i18n import Html, Texts
from bot.services.dossier_import import FieldError, parse_date
from bot.services.dossiers import Applied
from bot.storage.outbox import Buttons
from bot.ui import keyboards
from bot.ui.callbacks import Callback, encode
from bot.ui.dossiers import day, follow_link, qr_png, status_label
from bot.ui.pace import BACKGROUND
from bot.ui.send import send_html

log = logging.getLogger(__name__)

PROMPT = "dossier_office"  # steps: need_more | note | due, answered by replying to the prompt
ASKED_FIRST = {DossierStatus.NEED_MORE}  # statuses that mean nothing without a note


def _office_group(context: BotContext) -> int | None:
    tickets = context.services.tickets
    one_stop = tickets.routing.one_stop
    return tickets.group_of(one_stop) if one_stop else None


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
            usage = Html(texts("dossier.office.bad_code", value=typed) + "\n" + usage)
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
        body = Html(
            context.services.dossiers.card(dossier, texts.language)
            + "\n\n"
            + texts("dossier.office.receipt", check=dossier.check_value, link=link)
        )
    statuses = list(DossierStatus)
    rows = [
        [
            (texts.plain(f"dossier.status.{status.value}"), encode("do", "set", status.value, code))
            for status in statuses[i : i + 2]
        ]
        for i in range(0, len(statuses), 2)
    ]
    if dossier is not None:
        rows.append(
            [
                (texts.plain("dossier.office.button.due"), encode("do", "due", code)),
                (texts.plain("dossier.office.button.note"), encode("do", "note", code)),
            ]
        )
        rows.append([(texts.plain("dossier.office.button.qr"), encode("do", "qr", code))])
    return body, tuple(tuple(row) for row in rows)


async def pressed(update: Update, context: BotContext, callback: Callback) -> None:
    """``do:set:<status>:<code>``, ``do:due:<code>``, ``do:note:<code>``, ``do:qr:<code>``,
    and ``do:open:<code>`` from the reminder of late dossiers."""
    query, chat, user = update.callback_query, update.effective_chat, update.effective_user
    if query is None or chat is None or user is None:
        return
    texts = context.texts
    what = callback.arg(0)
    value = callback.arg(1) if what == "set" else ""
    code = normal_code(callback.arg(2) if what == "set" else callback.arg(1))
    known = what in ("set", "due", "note", "qr", "open") and (
        what != "set" or value in set(DossierStatus)
    )
    if chat.id != _office_group(context) or code is None or not known:
        await query.answer(texts.plain("dossier.office.not_here"), show_alert=True)
        return
    if not await is_member(context, chat.id, user.id):
        await query.answer(texts.plain("ticket.refused.not_member"), show_alert=True)
        return
    dossier = await context.services.dossiers.get(code)
    if dossier is None and what != "set":
        await query.answer(texts.plain("button.stale"), show_alert=True)
        return
    card = query.message.message_id if isinstance(query.message, Message) else None
    if what in ("qr", "open"):
        assert dossier is not None
        await query.answer()
        if what == "qr":  # a picture made here, so not through the outbox: beside the handler
            context.application.create_task(
                _send_qr(context, chat.id, dossier, topic_of(query.message)), name=f"qr-{code}"
            )
        else:
            body, buttons = await _card(context, code)
            await answer(context, chat.id, body, buttons=buttons, thread=topic_of(query.message))
        return
    if what == "set" and DossierStatus(value) not in ASKED_FIRST:
        change = DossierChange(code, DossierStatus(value))
        applied = await _apply(context, change, user.id)
        label = status_label(texts, applied.dossier)
        done = texts.plain("dossier.office.done", code=code, status=label, n=applied.told)
        await query.answer(done)
        _refresh(context, chat.id, card, code)
        return
    step = value if what == "set" else what
    people = context.services.people
    asked = await people.conversation(chat.id, user.id)
    if asked_lately(context, asked, PROMPT, step=step, code=code):
        await query.answer(texts.plain("ticket.already_asked", code=code))
        return  # one question, however often the button is pressed
    await query.answer()
    question = texts(f"dossier.office.ask_{step}", code=code, actor=user.full_name)
    ref = await prompt(context, chat.id, question, thread=topic_of(query.message))
    data: dict[str, object] = {"code": code, "prompt": ref, "asked_at": asked_now(context)}
    if card is not None:
        data["card"] = card
    await people.begin(chat.id, user.id, Conversation(PROMPT, step, data))


async def group_reply(update: Update, context: BotContext) -> bool:
    """An official's answer to one of our prompts; False if the message is not one."""
    message, chat, user = update.effective_message, update.effective_chat, update.effective_user
    if message is None or chat is None or user is None or chat.id != _office_group(context):
        return False
    conversation = await context.services.people.conversation(chat.id, user.id)
    if (
        conversation is None
        or conversation.name != PROMPT
        or not await answers_prompt(context, message, conversation.data.get("prompt"))
    ):
        return False
    texts = context.texts
    if not await is_member(context, chat.id, user.id):
        await answer(context, chat.id, texts("ticket.refused.not_member"), to=message)
        return True
    typed = (message.text or "").strip()
    step, code = conversation.step, str(conversation.data.get("code", ""))
    dossier = await context.services.dossiers.get(code)
    if dossier is None and step != "need_more":  # only a status can create a dossier
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
    if step == "due":
        assert applied.dossier.due_on is not None
        facts["due"] = day(texts, applied.dossier.due_on)
    key = "dossier.office.done_apology" if applied.apology else f"dossier.office.done_{step}"
    await answer(context, chat.id, texts(key, **facts), to=message)
    card = conversation.data.get("card")
    card_id = card if isinstance(card, int) else None
    _refresh(context, chat.id, card_id, code, topic_of(message))
    return True


def _change_from(
    texts: Texts, today: dt.date, code: str, now: DossierStatus, step: str, typed: str
) -> tuple[Html, DossierChange | None]:
    """The change an official's answer asks for, or why it cannot be taken."""
    if not typed:
        return texts(f"dossier.office.ask_{step}_text", code=code), None
    if step == "due":
        due = _date(typed, today)
        if due is None:
            return texts("dossier.office.bad_date", value=typed[:40]), None
        if due < today:
            return texts("dossier.office.past_date", value=typed[:40]), None
        return Html(""), DossierChange(code, now, due_on=due)
    if len(typed) > NOTE_CHARS:
        return texts("dossier.office.too_long", n=NOTE_CHARS), None
    status = DossierStatus.NEED_MORE if step == "need_more" else now
    return Html(""), DossierChange(code, status, note=typed)


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

    async def render() -> tuple[str, InlineKeyboardMarkup | None]:
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
        await context.bot.send_photo(
            chat_id,
            qr_png(link),
            caption=caption,
            parse_mode=ParseMode.HTML,
            message_thread_id=thread,
        )
    except TelegramError as error:  # the office presses again; nothing else waits on it
        log.warning("QR code not sent (%s)", type(error).__name__)
