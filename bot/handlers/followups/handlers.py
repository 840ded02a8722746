"""The citizen's side of tickets: "my requests", adding information, answering an official,
rating the result (rule 10) and asking an official a question (rule 9)."""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update

from bot.domain.people import Conversation
from bot.domain.tickets import MAX_BODY, Draft, ticket_of_ref
from bot.handlers import complaints, officials
from bot.handlers.context import BotContext
from bot.i18n import Html
from bot.services.views import NotAllowed
from bot.ui import keyboards
from bot.ui.callbacks import Callback, encode, number
from bot.ui.cards import shorten
from bot.ui.send import send_html

ADD = "ticket_add"  # the citizen writing more for an open ticket
COMMENT = "ticket_comment"  # the citizen's comment after rating
QUESTION_CATEGORY = "hoi-dap"
SHOWN = 10


async def show_mine(update: Update, context: BotContext) -> None:
    chat, user = update.effective_chat, update.effective_user
    if chat is None or user is None:
        return
    texts = context.texts
    tickets = await context.services.tickets.of_user(user.id)
    if not tickets:
        await send_html(context.bot, chat.id, texts("mine.empty"), keyboards.main_menu(texts))
        return
    routing = context.services.tickets.routing
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
            rows.append([InlineKeyboardButton(label, callback_data=encode("rq", "add", ticket.id))])
    rows.append([InlineKeyboardButton(texts.plain("menu.back"), callback_data=encode("m", "home"))])
    await send_html(context.bot, chat.id, Html("\n\n".join(lines)), InlineKeyboardMarkup(rows))


async def pressed(update: Update, context: BotContext, callback: Callback) -> None:
    """``rq:add:<id>`` / ``rq:ans:<id>`` (write to an open ticket), ``rq:skip``;
    ``rt:<id>:<stars>``; ``ro:<id>``; ``q[:<code>]``."""
    query, chat, user = update.callback_query, update.effective_chat, update.effective_user
    if query is None or chat is None or user is None:
        return
    texts = context.texts
    services = context.services
    ticket_id = number(callback.arg(0))
    try:
        if callback.action == "q":
            await query.answer()
            code = callback.arg(0) or None
            draft = Draft(kind="question", category=QUESTION_CATEGORY, procedure_code=code)
            await complaints.start(update, context, draft)
        elif callback.action == "rt":
            stars = number(callback.arg(1))
            if not 1 <= stars <= 5:
                raise NotAllowed("gone")
            ticket = await services.tickets.rate(ticket_id, user.id, stars)
            await query.answer()
            officials.refresh_alert(context, ticket, services.tickets.group_of(ticket.department))
            await services.people.begin(
                chat.id, user.id, Conversation(COMMENT, "comment", {"ticket": ticket.id})
            )
            skip = keyboards.inline(
                [[(texts.plain("complaint.button.skip"), encode("rq", "skip"))]]
            )
            await send_html(
                context.bot, chat.id, texts("ticket.rated", stars=stars, code=ticket.code), skip
            )
        elif callback.action == "ro":
            ticket = await services.tickets.reopen(ticket_id, user.id)
            await query.answer()
            officials.refresh_alert(context, ticket, services.tickets.group_of(ticket.department))
            await send_html(context.bot, chat.id, texts("ticket.reopened", code=ticket.code))
        elif callback.arg(0) in ("add", "ans"):
            answering = callback.arg(0) == "ans"
            found = await services.tickets.get(number(callback.arg(1)))
            if found is None or found.user_id != user.id:
                raise NotAllowed("gone")
            if not found.status.open:
                raise NotAllowed("closed")
            ticket = found
            await query.answer()
            await services.people.begin(
                chat.id,
                user.id,
                Conversation(ADD, "text", {"ticket": ticket.id, "answer": answering}),
            )
            prompt = "mine.ask_answer" if answering else "mine.ask_add"
            cancel = keyboards.cancel_only(texts, "c")
            await send_html(context.bot, chat.id, texts(prompt, code=ticket.code), cancel)
        elif callback.arg(0) == "skip":
            await query.answer()
            await services.people.end(chat.id, user.id)
            await send_html(
                context.bot, chat.id, texts("ticket.thanks"), keyboards.main_menu(texts)
            )
        else:
            raise NotAllowed("gone")
    except NotAllowed as refused:
        await query.answer(texts.plain(f"ticket.refused.{refused.reason}"), show_alert=True)


async def conversation_step(
    update: Update, context: BotContext, conversation: Conversation
) -> None:
    """Text or a photo for ``ticket_add`` (more information) or ``ticket_comment``."""
    chat, user, message = update.effective_chat, update.effective_user, update.effective_message
    if chat is None or user is None or message is None:
        return
    texts = context.texts
    services = context.services
    text = (message.text or message.caption or "").strip()[:MAX_BODY]
    photo = message.photo[-1].file_id if message.photo else None
    if not text and photo is None:
        await send_html(context.bot, chat.id, texts("mine.need_text"))
        return
    ticket_id = int(conversation.data.get("ticket", 0))
    await services.people.end(chat.id, user.id)
    try:
        if conversation.name == COMMENT:
            await services.tickets.comment(ticket_id, user.id, text or "📷")
            await send_html(
                context.bot, chat.id, texts("ticket.thanks"), keyboards.main_menu(texts)
            )
            return
        ticket = await services.tickets.add_from_citizen(ticket_id, user.id, text, photo)
    except NotAllowed as refused:
        await send_html(context.bot, chat.id, texts(f"ticket.refused.{refused.reason}"))
        return
    done = "mine.answered" if conversation.data.get("answer") else "mine.added"
    await send_html(
        context.bot, chat.id, texts(done, code=ticket.code), keyboards.back_to_menu(texts)
    )


async def reply_to_ticket(update: Update, context: BotContext) -> bool:
    """A citizen's reply to one of the bot's messages about a ticket: relayed to officials."""
    chat, user, message = update.effective_chat, update.effective_user, update.effective_message
    if chat is None or user is None or message is None or message.reply_to_message is None:
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


async def mine_command(update: Update, context: BotContext) -> None:
    if update.effective_chat is not None and update.effective_chat.type == "private":
        await show_mine(update, context)
