"""Officials in their department's group: /link, the alert's buttons, and replies that are
relayed to the citizen. Whoever presses a button is checked against the group's members at
that moment, whatever the button's data says."""

from __future__ import annotations

import enum
from dataclasses import dataclass

from telegram import Message, Update

from bot.domain.people import Conversation
from bot.domain.tickets import MAX_BODY, Ticket, ticket_of_ref
from bot.handlers.alerts import refresh_alert
from bot.handlers.complaints.buttons import Action, TicketAction, TransferTo
from bot.handlers.context import BotContext
from bot.handlers.conversations import Dialogue
from bot.handlers.groups import (
    answer,
    answers_prompt,
    asked_lately,
    asked_now,
    in_group,
    is_member,
    prompt,
    replied_ref,
    topic_of,
)
from bot.handlers.pressing import acknowledge
from bot.html import NEWLINE, Html
from bot.services.tickets import Official
from bot.services.views import NotAllowed
from bot.ui.send import send_html


class NoteStep(enum.StrEnum):
    """What the official was asked to write, by reply to the bot's prompt."""

    RESOLVE = "resolve"  # the result
    REJECT = "reject"  # the reason


@dataclass
class Note:
    ticket: int = 0
    prompt: str | int | None = None  # the prompt's ref (a message id, asked before refs)
    asked_at: str | None = None  # groups.asked_now(): one prompt for a hammered button


# An official writing a result or a reason, in the group. Group messages reach it through the
# group chain (group_message), not the private chats' router.
NOTE = Dialogue("ticket_note", NoteStep, Note)


async def link(update: Update, context: BotContext) -> None:
    """``/link <code>`` in a department's group links it; ``/link`` alone lists the codes."""
    chat, user = update.effective_chat, update.effective_user
    if chat is None or user is None:
        return
    texts = context.texts
    departments = context.services.departments

    async def say(text: Html) -> None:
        if in_group(update):
            await answer(context, chat.id, text, to=update.effective_message)
        else:
            await send_html(context.bot, chat.id, text)

    if user.id not in context.services.settings.admins:
        await say(texts("link.only_admins"))
        return
    routing = departments.routing
    code = (context.args[0] if context.args else "").strip().lower()
    if not code:
        lines = NEWLINE.join(
            texts("link.line", code=d.code, name=d.name.get(texts.language))
            for d in routing.departments
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
    await departments.link(department.code, chat.id, bool(chat.is_forum), user.id)
    await say(texts("link.done", department=department.name.get(texts.language)))


def _official(update: Update) -> Official | None:
    chat, user = update.effective_chat, update.effective_user
    if chat is None or user is None:
        return None
    return Official(user.id, user.full_name, chat.id)


async def _member(update: Update, context: BotContext) -> Official | None:
    """Who pressed, if they are a member of this group now; anyone else is told so."""
    official = _official(update)
    if official is None:
        return None
    if not in_group(update) or not await is_member(context, official.chat_id, official.user_id):
        await acknowledge(update, context.texts.plain("ticket.refused.not_member"), alert=True)
        return None
    return official


async def alert_pressed(update: Update, context: BotContext, button: TicketAction) -> None:
    """A button under the alert: take it, or ask where to transfer it, or for a note."""
    official = await _member(update, context)
    if official is None:
        return
    texts = context.texts
    try:
        if button.action is Action.ACCEPT:
            ticket = await context.services.tickets.accept(button.ticket_id, official)
            await acknowledge(update, texts.plain("ticket.done.accepted", code=ticket.code))
            refresh_alert(context, ticket, official.chat_id)
        elif button.action is Action.TRANSFER:
            await _pick_department(update, context, button.ticket_id, official)
        else:
            await _ask_note(
                update, context, button.ticket_id, official, NoteStep(button.action.value)
            )
    except NotAllowed as refused:
        await acknowledge(update, texts.plain(f"ticket.refused.{refused.reason}"), alert=True)


async def transfer_to(update: Update, context: BotContext, button: TransferTo) -> None:
    """The department chosen in the transfer picker."""
    official = await _member(update, context)
    if official is None:
        return
    texts = context.texts
    try:
        ticket = await context.services.tickets.transfer(
            button.ticket_id, official, button.department
        )
    except NotAllowed as refused:
        await acknowledge(update, texts.plain(f"ticket.refused.{refused.reason}"), alert=True)
        return
    await acknowledge(update, texts.plain("ticket.done.transferred", code=ticket.code))
    refresh_alert(context, ticket, official.chat_id)


async def _pick_department(
    update: Update, context: BotContext, ticket_id: int, official: Official
) -> None:
    texts = context.texts
    ticket = await _open_here(context, ticket_id, official)
    await acknowledge(update)
    routing = context.services.departments.routing
    rows = tuple(
        (TransferTo(ticket.id, d.code).pair(d.name.get(texts.language)),)
        for d in routing.departments
        if d.code not in (ticket.department, routing.leadership)
    )
    picker = texts("ticket.pick_department", code=ticket.code)
    message = update.callback_query.message if update.callback_query else None
    await answer(context, official.chat_id, picker, to=message, buttons=rows)


async def _ask_note(
    update: Update, context: BotContext, ticket_id: int, official: Official, step: NoteStep
) -> None:
    """Ask for the result or the reason, by reply: only a reply to this prompt is the note,
    so their other messages stay their own."""
    texts = context.texts
    ticket = await _open_here(context, ticket_id, official)
    people = context.services.people
    asked = await people.conversation(official.chat_id, official.user_id)
    if asked_lately(context, asked, NOTE.name, step=step.value, ticket=ticket.id):
        await acknowledge(update, texts.plain("ticket.already_asked", code=ticket.code))
        return  # one prompt, however often the button is pressed
    await acknowledge(update)
    text = texts(f"ticket.ask_{step.value}", actor=official.name, code=ticket.code)
    message = update.callback_query.message if update.callback_query else None
    ref = await prompt(context, official.chat_id, text, thread=topic_of(message))
    note = Note(ticket=ticket.id, prompt=ref, asked_at=asked_now(context))
    await NOTE.begin(context, official.chat_id, official.user_id, step, note)


async def _open_here(context: BotContext, ticket_id: int, official: Official) -> Ticket:
    """The ticket, if it is still open and this group's department's."""
    ticket = await context.services.tickets.get(ticket_id)
    if ticket is None:
        raise NotAllowed("gone")
    if context.services.departments.group_of(ticket.department) != official.chat_id:
        raise NotAllowed("not_this_group")
    if not ticket.status.open:
        raise NotAllowed("closed")
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
    asked = await services.people.conversation(official.chat_id, official.user_id)
    noted = await _note_written(context, message, asked)
    answered = None if noted else await _ticket_of_message(context, message)
    if noted is None and answered is None:
        return False  # officials talking among themselves
    chat_id = official.chat_id
    try:
        if not await is_member(context, chat_id, official.user_id):
            raise NotAllowed("not_member")
        if noted is not None:
            step, note = noted
            if not text:
                await answer(context, chat_id, texts(f"ticket.ask_{step.value}_text"), to=message)
                return True
            await services.people.end(chat_id, official.user_id)
            written = text[:MAX_BODY]
            if step is NoteStep.RESOLVE:
                ticket = await services.tickets.resolve(note.ticket, official, written, photo)
            else:
                ticket = await services.tickets.reject(note.ticket, official, written)
            done = "resolved" if step is NoteStep.RESOLVE else "rejected"
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


async def _note_written(
    context: BotContext, message: Message, asked: Conversation | None
) -> tuple[NoteStep, Note] | None:
    """The note ``message`` writes, if it replies to the prompt its writer was asked."""
    step = NOTE.step_of(asked)
    if asked is None or step is None:
        return None
    note = NOTE.data_of(asked)
    return (step, note) if await answers_prompt(context, message, note.prompt) else None


async def _ticket_of_message(context: BotContext, message: Message) -> int | None:
    """The ticket a message answers: only an explicit reply to one of the bot's messages about
    it, so officials can still talk among themselves in a ticket's topic."""
    replied = message.reply_to_message
    if replied is None:
        return None
    if message.is_topic_message and replied.message_id == message.message_thread_id:
        return None  # Telegram's pointer to the topic's start, not a reply
    return ticket_of_ref(await replied_ref(context, message))
