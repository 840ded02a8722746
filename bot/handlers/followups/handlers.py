"""The citizen's side of tickets once filed: "my requests", adding information, answering an
official, rating the result and reopening it (rule 10)."""

from __future__ import annotations

import enum
from dataclasses import dataclass

from telegram import InlineKeyboardMarkup, Update

from bot.domain.tickets import MAX_BODY, ticket_of_ref
from bot.handlers.alerts import refresh_alert
from bot.handlers.common import private
from bot.handlers.context import BotContext
from bot.handlers.conversations import Dialogue
from bot.handlers.followups.buttons import AddToTicket, AnswerOfficial, Rate, Reopen, SkipComment
from bot.handlers.pressing import acknowledge
from bot.html import Html
from bot.services.views import NotAllowed
from bot.ui import keyboards
from bot.ui.send import send_html
from bot.ui.text import shorten

SHOWN = 10
STARS = range(1, 6)


class AddStep(enum.StrEnum):
    TEXT = "text"


@dataclass
class Addition:
    ticket: int = 0
    answer: bool = False  # answering an official's message, not adding of their own accord


class CommentStep(enum.StrEnum):
    COMMENT = "comment"


@dataclass
class Comment:
    ticket: int = 0


# The citizen writing more for an open ticket, and their comment after rating.
ADD = Dialogue("ticket_add", AddStep, Addition, draft=True)
COMMENT = Dialogue("ticket_comment", CommentStep, Comment, draft=True)


async def mine_command(update: Update, context: BotContext) -> None:
    """/mine in the private chat."""
    if private(update):
        await show_mine(update, context)


async def mine_item(update: Update, context: BotContext) -> None:
    """The main menu's «Phản ánh của tôi»: whatever step was open is left."""
    chat, user = update.effective_chat, update.effective_user
    if chat is not None and user is not None:
        await context.services.people.end(chat.id, user.id)
        await show_mine(update, context)


async def show_mine(update: Update, context: BotContext) -> None:
    chat, user = update.effective_chat, update.effective_user
    if chat is None or user is None:
        return
    texts = context.texts
    tickets = await context.services.tickets.of_user(user.id)
    if not tickets:
        await send_html(context.bot, chat.id, texts("mine.empty"), keyboards.main_menu(texts))
        return
    routing = context.services.departments.routing
    lines = [texts("mine.title")]
    rows = []
    for ticket in tickets[:SHOWN]:
        category = routing.category(ticket.category)
        lines.append(
            texts(
                "mine.line",
                code=ticket.code,
                status=texts.plain(f"ticket.status.{ticket.status.value}"),
                category=category.name.get(texts.language) if category else "",
                body=shorten(ticket.body, 80),
            )
        )
        if ticket.status.open:
            label = texts.plain("mine.button.add", code=ticket.code)
            rows.append([AddToTicket(ticket.id).button(label)])
    rows.append([keyboards.back_button(texts)])
    await send_html(context.bot, chat.id, Html("\n\n").join(lines), InlineKeyboardMarkup(rows))


# --- buttons -------------------------------------------------------------------------------


async def add_pressed(update: Update, context: BotContext, button: AddToTicket) -> None:
    await _write_to(update, context, button.ticket_id, answering=False)


async def answer_pressed(update: Update, context: BotContext, button: AnswerOfficial) -> None:
    await _write_to(update, context, button.ticket_id, answering=True)


async def _write_to(update: Update, context: BotContext, ticket_id: int, answering: bool) -> None:
    """Ask for what they want to add to their open ticket (or their answer to an official)."""
    chat, user = update.effective_chat, update.effective_user
    if chat is None or user is None:
        return
    texts = context.texts
    services = context.services
    ticket = await services.tickets.get(ticket_id)
    if ticket is None or ticket.user_id != user.id:
        await _refused(update, context, "gone")
        return
    if not ticket.status.open:
        await _refused(update, context, "closed")
        return
    await acknowledge(update)
    await ADD.begin(context, chat.id, user.id, AddStep.TEXT, Addition(ticket.id, answering))
    prompt = "mine.ask_answer" if answering else "mine.ask_add"
    cancel = keyboards.cancel_only(texts)
    await send_html(context.bot, chat.id, texts(prompt, code=ticket.code), cancel)


async def rate_pressed(update: Update, context: BotContext, button: Rate) -> None:
    """Stars for the result; then a comment is welcome, or skipped."""
    chat, user = update.effective_chat, update.effective_user
    if chat is None or user is None:
        return
    texts = context.texts
    services = context.services
    try:
        if button.stars not in STARS:
            raise NotAllowed("gone")
        ticket = await services.tickets.rate(button.ticket_id, user.id, button.stars)
    except NotAllowed as refused:
        await _refused(update, context, refused.reason)
        return
    await acknowledge(update)
    refresh_alert(context, ticket, services.departments.group_of(ticket.department))
    await COMMENT.begin(context, chat.id, user.id, CommentStep.COMMENT, Comment(ticket.id))
    skip = InlineKeyboardMarkup([[SkipComment().button(texts.plain("complaint.button.skip"))]])
    rated = texts("ticket.rated", stars=button.stars, code=ticket.code)
    await send_html(context.bot, chat.id, rated, skip)


async def reopen_pressed(update: Update, context: BotContext, button: Reopen) -> None:
    chat, user = update.effective_chat, update.effective_user
    if chat is None or user is None:
        return
    services = context.services
    try:
        ticket = await services.tickets.reopen(button.ticket_id, user.id)
    except NotAllowed as refused:
        await _refused(update, context, refused.reason)
        return
    await acknowledge(update)
    refresh_alert(context, ticket, services.departments.group_of(ticket.department))
    await send_html(context.bot, chat.id, context.texts("ticket.reopened", code=ticket.code))


async def skip_pressed(update: Update, context: BotContext, button: SkipComment) -> None:
    chat, user = update.effective_chat, update.effective_user
    if chat is None or user is None:
        return
    texts = context.texts
    await acknowledge(update)
    await context.services.people.end(chat.id, user.id)
    await send_html(context.bot, chat.id, texts("ticket.thanks"), keyboards.main_menu(texts))


async def _refused(update: Update, context: BotContext, reason: str) -> None:
    await acknowledge(update, context.texts.plain(f"ticket.refused.{reason}"), alert=True)


# --- what they write -----------------------------------------------------------------------


async def _written(
    update: Update, context: BotContext, chat_id: int
) -> tuple[str, str | None] | None:
    """Their words and photo; None (and a prompt) for what officials could not read."""
    message = update.effective_message
    if message is None:
        return None
    text = (message.text or message.caption or "").strip()[:MAX_BODY]
    photo = message.photo[-1].file_id if message.photo else None
    if not text and photo is None:
        await send_html(context.bot, chat_id, context.texts("mine.need_text"))
        return None
    return text, photo


async def added(update: Update, context: BotContext, step: AddStep, data: Addition) -> None:
    """Text or a photo for an open ticket: more information, or an answer to an official."""
    chat, user = update.effective_chat, update.effective_user
    if chat is None or user is None:
        return
    written = await _written(update, context, chat.id)
    if written is None:
        return
    text, photo = written
    texts = context.texts
    await context.services.people.end(chat.id, user.id)
    try:
        ticket = await context.services.tickets.add_from_citizen(data.ticket, user.id, text, photo)
    except NotAllowed as refused:
        await send_html(context.bot, chat.id, texts(f"ticket.refused.{refused.reason}"))
        return
    done = "mine.answered" if data.answer else "mine.added"
    await send_html(
        context.bot, chat.id, texts(done, code=ticket.code), keyboards.back_to_menu(texts)
    )


async def commented(update: Update, context: BotContext, step: CommentStep, data: Comment) -> None:
    """The comment after rating (a photo alone is a comment too)."""
    chat, user = update.effective_chat, update.effective_user
    if chat is None or user is None:
        return
    written = await _written(update, context, chat.id)
    if written is None:
        return
    text, _ = written
    texts = context.texts
    await context.services.people.end(chat.id, user.id)
    try:
        await context.services.tickets.comment(data.ticket, user.id, text or "📷")
    except NotAllowed as refused:
        await send_html(context.bot, chat.id, texts(f"ticket.refused.{refused.reason}"))
        return
    await send_html(context.bot, chat.id, texts("ticket.thanks"), keyboards.main_menu(texts))


async def reply_to_ticket(update: Update, context: BotContext) -> bool:
    """A citizen's reply to one of the bot's messages about a ticket: relayed to officials."""
    chat, user, message = update.effective_chat, update.effective_user, update.effective_message
    if chat is None or user is None or message is None or message.reply_to_message is None:
        return False
    if not private(update):  # in a group, a reply to an alert is the officials' (complaints)
        return False
    ref = await context.services.outbox.ref_of(chat.id, message.reply_to_message.message_id)
    ticket_id = ticket_of_ref(ref)
    if ticket_id is None:
        return False
    text = (message.text or message.caption or "").strip()[:MAX_BODY]
    photo = message.photo[-1].file_id if message.photo else None
    texts = context.texts
    if not text and photo is None:  # a pin, a contact, a sticker: nothing officials can read
        await send_html(context.bot, chat.id, texts("mine.words_or_photo"))
        return True
    try:
        ticket = await context.services.tickets.add_from_citizen(ticket_id, user.id, text, photo)
    except NotAllowed as refused:
        await send_html(context.bot, chat.id, texts(f"ticket.refused.{refused.reason}"))
        return True
    await send_html(context.bot, chat.id, texts("mine.added", code=ticket.code))
    return True
