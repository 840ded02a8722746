"""The citizen's side of tickets once filed: "my requests", adding information, answering an
official, rating the result and reopening it (rule 10)."""

from __future__ import annotations

import enum
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from telegram import InlineKeyboardMarkup, Update

from bot.domain.tickets import MAX_BODY, Ticket, ticket_of_ref, typed_ticket_id
from bot.handlers.alerts import refresh_alert
from bot.handlers.common import private
from bot.handlers.context import BotContext
from bot.handlers.conversations import Dialogue
from bot.handlers.followups import views
from bot.handlers.followups.buttons import (
    AddToTicket,
    AnswerOfficial,
    ConfirmWithdraw,
    MyRequests,
    OpenTicket,
    Rate,
    Reopen,
    SkipComment,
    TicketHistory,
    Withdraw,
)
from bot.handlers.groups import replied_ref
from bot.handlers.pressing import acknowledge
from bot.services.views import NotAllowed
from bot.ui import keyboards
from bot.ui.send import send_html

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


class ReopenStep(enum.StrEnum):
    REASON = "reason"


@dataclass
class Reopening:
    ticket: int = 0


# The citizen writing more for an open ticket, their comment after rating, and why a result
# did not settle it.
ADD = Dialogue("ticket_add", AddStep, Addition, draft=True)
COMMENT = Dialogue("ticket_comment", CommentStep, Comment, draft=True)
REOPEN = Dialogue("ticket_reopen", ReopenStep, Reopening, draft=True)


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
    services = context.services
    tickets = await services.tickets.of_user(user.id, views.SHOWN + 1)  # one more: "older"
    if not tickets:
        await send_html(context.bot, chat.id, texts("mine.empty"), keyboards.main_menu(texts))
        return
    routing = services.departments.routing
    text, markup = views.mine(texts, services.settings.tz, routing, tickets)
    await send_html(context.bot, chat.id, text, markup)


async def show_ticket(update: Update, context: BotContext, ticket: Ticket) -> None:
    """One of the citizen's requests, with what can be done about it now."""
    chat = update.effective_chat
    if chat is None:
        return
    services = context.services
    events = await services.tickets.history(ticket.id)
    last_reply = max((i for i, e in enumerate(events) if e.action == "reply"), default=None)
    standing = views.Standing(
        official_wrote=last_reply is not None,
        reopen_until=(
            services.tickets.reopen_until(ticket)
            if services.tickets.reopen_refused(ticket) is None
            else None
        ),
    )
    routing = services.departments.routing
    text, markup = views.card(context.texts, services.settings.tz, routing, ticket, standing)
    await send_html(context.bot, chat.id, text, markup)


async def typed_code(update: Update, context: BotContext) -> bool:
    """A request's code typed on its own («PA-000001»): the citizen's own opens; anyone
    else's, or one that does not exist, gets the same answer, which reveals nothing."""
    chat, user, message = update.effective_chat, update.effective_user, update.effective_message
    if chat is None or user is None or message is None or not private(update):
        return False
    typed = (message.text or "").strip()
    ticket_id = typed_ticket_id(typed)
    if ticket_id is None:
        return False
    ticket = await context.services.tickets.own(ticket_id, user.id)
    if ticket is None:
        texts = context.texts
        await send_html(
            context.bot, chat.id, texts("mine.not_yours", code=typed), views.after(texts)
        )
        return True
    await show_ticket(update, context, ticket)
    return True


# --- buttons -------------------------------------------------------------------------------


async def _own(update: Update, context: BotContext, ticket_id: int) -> Ticket | None:
    """The presser's own ticket; None (and "not found") for a stale or forged button."""
    user = update.effective_user
    ticket = await context.services.tickets.own(ticket_id, user.id) if user else None
    if ticket is None:
        await _refused(update, context, "gone")
    return ticket


async def list_pressed(update: Update, context: BotContext, button: MyRequests) -> None:
    await acknowledge(update)
    await show_mine(update, context)


async def open_pressed(update: Update, context: BotContext, button: OpenTicket) -> None:
    ticket = await _own(update, context, button.ticket_id)
    if ticket is not None:
        await acknowledge(update)
        await show_ticket(update, context, ticket)


async def history_pressed(update: Update, context: BotContext, button: TicketHistory) -> None:
    chat = update.effective_chat
    ticket = await _own(update, context, button.ticket_id)
    if ticket is None or chat is None:
        return
    await acknowledge(update)
    services = context.services
    events = await services.tickets.history(ticket.id)
    text, markup = views.history(
        context.texts, services.settings.tz, services.departments.routing, ticket, events
    )
    await send_html(context.bot, chat.id, text, markup)


async def withdraw_pressed(update: Update, context: BotContext, button: Withdraw) -> None:
    chat = update.effective_chat
    ticket = await _own(update, context, button.ticket_id)
    if ticket is None or chat is None:
        return
    if not ticket.status.open:
        await _refused(update, context, "closed")
        return
    await acknowledge(update)
    text, markup = views.withdraw_question(context.texts, ticket)
    await send_html(context.bot, chat.id, text, markup)


async def withdraw_confirmed(update: Update, context: BotContext, button: ConfirmWithdraw) -> None:
    chat, user = update.effective_chat, update.effective_user
    if chat is None or user is None:
        return
    services = context.services
    try:
        ticket = await services.tickets.withdraw(button.ticket_id, user.id)
    except NotAllowed as refused:
        await _refused(update, context, refused.reason)
        return
    await acknowledge(update)
    refresh_alert(context, ticket, services.departments.group_of(ticket.department))
    texts = context.texts
    await send_html(
        context.bot, chat.id, texts("mine.withdrawn", code=ticket.code), views.after(texts)
    )


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
    """«😞 Chưa hài lòng»: why, in their words, goes to the department with the request."""
    chat, user = update.effective_chat, update.effective_user
    if chat is None or user is None:
        return
    ticket = await _own(update, context, button.ticket_id)
    if ticket is None:
        return
    refused = context.services.tickets.reopen_refused(ticket)
    if refused is not None:
        await _refused(update, context, refused)
        return
    await acknowledge(update)
    texts = context.texts
    await REOPEN.begin(context, chat.id, user.id, ReopenStep.REASON, Reopening(ticket.id))
    cancel = keyboards.cancel_only(texts)
    await send_html(context.bot, chat.id, texts("mine.ask_reopen", code=ticket.code), cancel)


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


async def _finish_step(
    update: Update,
    context: BotContext,
    act: Callable[[int, str, str | None], Awaitable[Ticket]],
) -> tuple[int, Ticket] | None:
    """A step's words (or photo) handed to ``act`` (user id, text, photo), and the step over.
    None when there was nothing officials could read (asked again), or the ticket refused it
    (said why)."""
    chat, user = update.effective_chat, update.effective_user
    if chat is None or user is None:
        return None
    written = await _written(update, context, chat.id)
    if written is None:
        return None
    await context.services.people.end(chat.id, user.id)
    try:
        return chat.id, await act(user.id, *written)
    except NotAllowed as refused:
        await send_html(context.bot, chat.id, context.texts(f"ticket.refused.{refused.reason}"))
        return None


async def added(update: Update, context: BotContext, step: AddStep, data: Addition) -> None:
    """Text or a photo for an open ticket: more information, or an answer to an official."""
    tickets = context.services.tickets
    done = await _finish_step(
        update, context, lambda user, text, photo: tickets.add_from_citizen(
            data.ticket, user, text, photo
        ),
    )  # fmt: skip
    if done is not None:
        chat_id, ticket = done
        texts = context.texts
        said = texts("mine.answered" if data.answer else "mine.added", code=ticket.code)
        await send_html(context.bot, chat_id, said, keyboards.back_to_menu(texts))


async def commented(update: Update, context: BotContext, step: CommentStep, data: Comment) -> None:
    """The comment after rating (a photo alone is a comment too)."""
    tickets = context.services.tickets
    done = await _finish_step(
        update, context, lambda user, text, _: tickets.comment(data.ticket, user, text or "📷")
    )
    if done is not None:
        texts = context.texts
        await send_html(context.bot, done[0], texts("ticket.thanks"), keyboards.main_menu(texts))


async def reopen_reason(
    update: Update, context: BotContext, step: ReopenStep, data: Reopening
) -> None:
    """Why the result did not settle it: the request opens again with that reason."""
    services = context.services
    done = await _finish_step(
        update, context, lambda user, text, _: services.tickets.reopen(
            data.ticket, user, text or "📷"
        ),
    )  # fmt: skip
    if done is not None:
        chat_id, ticket = done
        refresh_alert(context, ticket, services.departments.group_of(ticket.department))
        texts = context.texts
        reopened = texts("ticket.reopened", code=ticket.code)
        await send_html(context.bot, chat_id, reopened, views.after(texts))


async def reply_to_ticket(update: Update, context: BotContext) -> bool:
    """A citizen's reply to one of the bot's messages about a ticket: relayed to officials."""
    chat, user, message = update.effective_chat, update.effective_user, update.effective_message
    if chat is None or user is None or message is None or message.reply_to_message is None:
        return False
    if not private(update):  # in a group, a reply to an alert is the officials' (complaints)
        return False
    ticket_id = ticket_of_ref(await replied_ref(context, message))
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
