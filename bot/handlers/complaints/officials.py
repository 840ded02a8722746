"""Officials in their department's group: /link, the alert's buttons, and replies that are
relayed to the citizen. Whoever presses a button is checked against the group's members at
that moment, whatever the button's data says."""

from __future__ import annotations

import logging

from telegram import InlineKeyboardMarkup, Message, Update

from bot.domain.people import Conversation
from bot.domain.tickets import MAX_BODY, Ticket, ticket_of_ref
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
from bot.i18n import Html
from bot.services.tickets import Official
from bot.services.views import NotAllowed
from bot.ui import keyboards
from bot.ui.callbacks import Callback, encode, number
from bot.ui.send import send_html

log = logging.getLogger(__name__)

NOTE = "ticket_note"  # an official writing a result or a reason, in the group


async def link(update: Update, context: BotContext) -> None:
    """``/link <code>`` in a department's group links it; ``/link`` alone lists the codes."""
    chat, user = update.effective_chat, update.effective_user
    if chat is None or user is None:
        return
    texts = context.texts
    tickets = context.services.tickets

    async def say(text: Html) -> None:
        if in_group(update):
            await answer(context, chat.id, text, to=update.effective_message)
        else:
            await send_html(context.bot, chat.id, text)

    if user.id not in context.services.settings.admins:
        await say(texts("link.only_admins"))
        return
    routing = tickets.routing
    code = (context.args[0] if context.args else "").strip().lower()
    if not code:
        lines = Html(
            "\n".join(
                texts("link.line", code=d.code, name=d.name.get(texts.language))
                for d in routing.departments
            )
        )
        await say(texts("link.list", lines=lines))
        return
    department = routing.department(code)
    if department is None:
        await say(texts("link.unknown", code=code))
        return
    if not in_group(update):
        await say(texts("link.only_groups"))
        return
    await tickets.link(department.code, chat.id, bool(chat.is_forum), user.id)
    await say(texts("link.done", department=department.name.get(texts.language)))


def refresh_alert(context: BotContext, ticket: Ticket, chat_id: int | None) -> None:
    """Bring the alert in ``chat_id`` up to date (state, buttons), so officials see at a
    glance what was done and are not offered what can no longer be done; beside the handler,
    with the ticket as it is when the edit goes."""
    if chat_id is None:
        return
    services = context.services

    async def render() -> tuple[str, InlineKeyboardMarkup | None] | None:
        now = await services.tickets.get(ticket.id)
        if now is None:
            return None
        view = services.tickets.alert_in(now, chat_id)
        return view.text, keyboards.inline(view.buttons)

    async def start() -> None:
        place = await services.outbox.thread(ticket.ref, chat_id)
        if place is None or place.first_message_id is None:
            return  # not delivered yet: it will go out as it is then
        edits(context).refresh(context, chat_id, place.first_message_id, render)

    context.application.create_task(start(), name=f"alert-{ticket.id}")


def _official(update: Update) -> Official | None:
    chat, user = update.effective_chat, update.effective_user
    if chat is None or user is None:
        return None
    return Official(user.id, user.full_name, chat.id)


async def pressed(update: Update, context: BotContext, callback: Callback) -> None:
    """``t:<ticket>:<action>`` and ``tt:<ticket>:<department>`` (transfer target)."""
    query, official = update.callback_query, _official(update)
    if query is None or official is None:
        return
    texts = context.texts
    tickets = context.services.tickets
    if not in_group(update) or not await is_member(context, official.chat_id, official.user_id):
        await query.answer(texts.plain("ticket.refused.not_member"), show_alert=True)
        return
    ticket_id = number(callback.arg(0))
    action = callback.arg(1) if callback.action == "t" else "to"
    try:
        if action == "accept":
            ticket = await tickets.accept(ticket_id, official)
            await query.answer(texts.plain("ticket.done.accepted", code=ticket.code))
            refresh_alert(context, ticket, official.chat_id)
        elif action == "to":
            ticket = await tickets.transfer(ticket_id, official, callback.arg(1))
            await query.answer(texts.plain("ticket.done.transferred", code=ticket.code))
            refresh_alert(context, ticket, official.chat_id)
        elif action == "transfer":
            ticket = await _ticket_here(context, ticket_id, official)
            if not ticket.status.open:
                raise NotAllowed("closed")
            await query.answer()
            rows = tuple(
                ((d.name.get(texts.language), encode("tt", ticket.id, d.code)),)
                for d in tickets.routing.departments
                if d.code not in (ticket.department, tickets.routing.leadership)
            )
            picker = texts("ticket.pick_department", code=ticket.code)
            await answer(context, official.chat_id, picker, to=query.message, buttons=rows)
        elif action in ("resolve", "reject"):
            ticket = await _ticket_here(context, ticket_id, official)
            if not ticket.status.open:
                raise NotAllowed("closed")
            people = context.services.people
            asked = await people.conversation(official.chat_id, official.user_id)
            if asked_lately(context, asked, NOTE, step=action, ticket=ticket.id):
                await query.answer(texts.plain("ticket.already_asked", code=ticket.code))
                return  # one prompt, however often the button is pressed
            await query.answer()
            text = texts(f"ticket.ask_{action}", actor=official.name, code=ticket.code)
            ref = await prompt(context, official.chat_id, text, thread=topic_of(query.message))
            # Only a reply to this prompt is the note: their other messages stay their own.
            await people.begin(
                official.chat_id,
                official.user_id,
                Conversation(
                    NOTE,
                    action,
                    {"ticket": ticket.id, "prompt": ref, "asked_at": asked_now(context)},
                ),
            )
        else:
            raise NotAllowed("gone")
    except NotAllowed as refused:
        await query.answer(texts.plain(f"ticket.refused.{refused.reason}"), show_alert=True)


async def _ticket_here(context: BotContext, ticket_id: int, official: Official) -> Ticket:
    ticket = await context.services.tickets.get(ticket_id)
    if ticket is None:
        raise NotAllowed("gone")
    if context.services.tickets.group_of(ticket.department) != official.chat_id:
        raise NotAllowed("not_this_group")
    return ticket


async def group_message(update: Update, context: BotContext) -> bool:
    """Text or a photo in a group: a pending result or reason, else a reply to a ticket's
    message (or a message in its topic) relayed to the citizen. False if it was neither."""
    message, official = update.effective_message, _official(update)
    if message is None or official is None or not in_group(update):
        return False
    services = context.services
    text = (message.text or message.caption or "").strip()
    photo = message.photo[-1].file_id if message.photo else None
    if not text and photo is None:
        return False
    texts = context.texts
    conversation = await services.people.conversation(official.chat_id, official.user_id)
    noting = (
        conversation is not None
        and conversation.name == NOTE
        and await answers_prompt(context, message, conversation.data.get("prompt"))
    )
    answered = None if noting else await _ticket_of_message(context, message)
    if not noting and answered is None:
        return False  # officials talking among themselves
    chat_id = official.chat_id
    try:
        if not await is_member(context, chat_id, official.user_id):
            raise NotAllowed("not_member")
        if conversation is not None and noting:
            if not text:
                await answer(
                    context, chat_id, texts(f"ticket.ask_{conversation.step}_text"), to=message
                )
                return True
            ticket_id = int(conversation.data.get("ticket", 0))
            await services.people.end(chat_id, official.user_id)
            note = text[:MAX_BODY]
            if conversation.step == "resolve":
                ticket = await services.tickets.resolve(ticket_id, official, note, photo)
            else:
                ticket = await services.tickets.reject(ticket_id, official, note)
            done = "resolved" if conversation.step == "resolve" else "rejected"
            await answer(
                context, chat_id, texts(f"ticket.done.{done}", code=ticket.code), to=message
            )
            refresh_alert(context, ticket, chat_id)
            return True
        assert answered is not None
        ticket = await services.tickets.reply_to_citizen(answered, official, text[:MAX_BODY], photo)
        await answer(context, chat_id, texts("ticket.done.relayed", code=ticket.code), to=message)
        return True
    except NotAllowed as refused:
        await answer(context, chat_id, texts(f"ticket.refused.{refused.reason}"), to=message)
        return True


async def _ticket_of_message(context: BotContext, message: Message) -> int | None:
    """The ticket a message answers: only an explicit reply to one of the bot's messages about
    it, so officials can still talk among themselves in a ticket's topic."""
    replied = message.reply_to_message
    if replied is None or replied.from_user is None or replied.from_user.id != context.bot.id:
        return None
    if message.is_topic_message and replied.message_id == message.message_thread_id:
        return None  # Telegram's pointer to the topic's start, not a reply
    return ticket_of_ref(await context.services.outbox.ref_of(message.chat_id, replied.message_id))
