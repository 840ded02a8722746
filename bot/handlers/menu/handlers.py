"""Greeting, help, menu, language and cancel: rules 1 and 2 (greet, never a dead end)."""

from __future__ import annotations

import time

from telegram import (
    BotCommandScopeChat,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    ReplyKeyboardRemove,
    Update,
)
from telegram.constants import ChatType
from telegram.ext import ApplicationHandlerStop

from bot.domain.people import Conversation
from bot.handlers import complaints, dossiers, requests
from bot.handlers.context import BotContext
from bot.handlers.deeplinks import DeepLinks, parse
from bot.handlers.flows import flow_buttons
from bot.handlers.procedures import answer_question, send_fields
from bot.i18n import Html, Texts
from bot.services.flood import Verdict
from bot.ui import keyboards
from bot.ui.callbacks import Callback, encode
from bot.ui.render import unit_contacts
from bot.ui.send import edit_html, send_html

ASK = "ask"
# Conversations holding what the person has written so far: leaving one for the menu says so.
DRAFTS = (complaints.CONVERSATION, requests.ADD, requests.COMMENT)


def _private(update: Update) -> bool:
    return update.effective_chat is not None and update.effective_chat.type == ChatType.PRIVATE


async def identify(update: Update, context: BotContext) -> None:
    """Runs before every handler: remember the sender and settle the language of the reply."""
    user = update.effective_user
    if user is None or user.is_bot:
        return
    people = context.services.people
    if _private(update):
        people.seen(user.id, user.first_name, user.language_code)
    context.language = people.language_of(user.id, user.language_code)
    typed = update.message or update.edited_message  # what a person sends; edits count too
    if _private(update) and typed is not None:
        verdict = context.services.flood.check(user.id, time.monotonic())
        if verdict is not Verdict.OK:
            if verdict is Verdict.WARN:
                await send_html(context.bot, user.id, context.texts("limit.messages"))
            raise ApplicationHandlerStop


async def send_menu(update: Update, context: BotContext, intro: Html | None = None) -> None:
    chat = update.effective_chat
    if chat is None:
        return
    texts = context.texts
    await send_html(context.bot, chat.id, intro or texts("menu.title"), keyboards.main_menu(texts))


async def start(update: Update, context: BotContext, links: DeepLinks) -> None:
    chat, user = update.effective_chat, update.effective_user
    if chat is None or user is None:
        return
    texts = context.texts
    if not _private(update):
        await send_html(context.bot, chat.id, texts("group.start"))
        return
    link = parse(context.args[0] if context.args else None)
    await context.services.people.end(chat.id, user.id)
    if link is not None and await links.dispatch(link, update, context):
        return
    profile = context.services.unit.profile
    greeting = texts(
        "start.greeting",
        name=user.first_name,
        unit=profile.name.get(texts.language),
        contacts=unit_contacts(texts, profile),
    )
    if context.args:
        # Came through a link we could not honour (old poster, mistyped QR): say so kindly.
        greeting = Html(greeting + "\n\n" + texts("start.unknown_link"))
    await send_html(context.bot, chat.id, greeting, keyboards.main_menu(texts))


async def help_command(update: Update, context: BotContext) -> None:
    chat = update.effective_chat
    if chat is None:
        return
    texts = context.texts
    body = texts(
        "help.text",
        commands=help_commands(texts),
        contacts=unit_contacts(texts, context.services.unit.profile),
    )
    markup = keyboards.main_menu(texts) if _private(update) else None
    await send_html(context.bot, chat.id, body, markup)


def help_commands(texts: Texts) -> Html:
    """Every command a citizen can use, one a line: the command menu's, then the news ones."""
    lines = [
        texts("help.command", command=name, description=texts.plain(f"command.{name}"))
        for name in COMMANDS
    ]
    return Html("\n".join([*lines, texts("help.news")]))


async def menu_command(update: Update, context: BotContext) -> None:
    if _private(update):
        await back_to_menu(update, context)


async def back_to_menu(update: Update, context: BotContext) -> None:
    """The main menu, asked for (``/menu``, «⬅️ Về menu chính»): the step that was open is
    left, so what they type or send next is not taken as its answer. A draft is said to be
    dropped, as /cancel says it."""
    chat, user = update.effective_chat, update.effective_user
    if chat is None or user is None:
        return
    people = context.services.people
    conversation = await people.conversation(chat.id, user.id) if _private(update) else None
    if conversation is not None and conversation.name in DRAFTS:
        await cancel(update, context)
        return
    if conversation is not None:
        await people.end(chat.id, user.id)
    await send_menu(update, context)


async def cancel(update: Update, context: BotContext) -> None:
    chat, user = update.effective_chat, update.effective_user
    if chat is None or user is None or not _private(update):
        return
    people = context.services.people
    conversation = await people.conversation(chat.id, user.id)
    ended = await people.end(chat.id, user.id)
    texts = context.texts
    if conversation is not None and complaints.shows_keyboard(conversation):
        await send_html(context.bot, chat.id, texts("cancel.done"), ReplyKeyboardRemove())
        await send_menu(update, context)
        return
    await send_menu(update, context, texts("cancel.done" if ended else "cancel.nothing"))


async def language_command(update: Update, context: BotContext) -> None:
    chat = update.effective_chat
    if chat is None or not _private(update):
        return
    texts = context.texts
    await send_html(
        context.bot,
        chat.id,
        texts("language.choose"),
        keyboards.languages(texts, list(context.services.i18n.languages)),
    )


async def language_chosen(update: Update, context: BotContext, callback: Callback) -> None:
    query, chat, user = update.callback_query, update.effective_chat, update.effective_user
    if query is None or chat is None or user is None:
        return
    services = context.services
    code = callback.arg(0)
    if code not in services.i18n.languages:
        await stale_button(update, context)
        return
    await services.people.choose_language(user.id, code)
    context.language = code
    texts = context.texts
    await query.answer()
    # The command menu follows the person's choice, not only their phone's language.
    await context.bot.set_my_commands(command_list_for(texts), scope=BotCommandScopeChat(chat.id))
    if query.message is not None:  # pressed twice, it already says so: no error
        await edit_html(context.bot, chat.id, query.message.message_id, texts("language.changed"))
    await send_menu(update, context)


def command_list_for(texts: Texts) -> list[tuple[str, str]]:
    return [(name, texts.plain(f"command.{name}")) for name in COMMANDS]


COMMANDS = ("start", "menu", "phananh", "hoso", "mine", "help", "language", "cancel")


async def menu_pressed(update: Update, context: BotContext, callback: Callback) -> None:
    query, chat, user = update.callback_query, update.effective_chat, update.effective_user
    if query is None or chat is None or user is None:
        return
    await query.answer()
    await open_menu_item(update, context, callback.arg(0))


async def open_menu_item(update: Update, context: BotContext, item: str) -> bool:
    """Act on a main-menu item; False if there is no such item."""
    chat, user = update.effective_chat, update.effective_user
    if chat is None or user is None:
        return False
    texts = context.texts
    people = context.services.people
    if item == "home":
        await back_to_menu(update, context)
    elif item == "language":
        await language_command(update, context)
    elif item == ASK:
        await people.begin(chat.id, user.id, Conversation(ASK, "question"))
        rows = [
            *flow_buttons(context),
            [InlineKeyboardButton(texts.plain("browse.button"), callback_data=encode("fl", 0))],
            [InlineKeyboardButton(texts.plain("menu.back"), callback_data=encode("m", "home"))],
        ]
        await send_html(context.bot, chat.id, texts("ask.prompt"), InlineKeyboardMarkup(rows))
    elif item == "browse":
        await send_fields(context, chat.id)
    elif item == "complain":
        await complaints.start(update, context)
    elif item == "mine":
        await people.end(chat.id, user.id)
        await requests.show_mine(update, context)
    elif item == "dossier":
        await dossiers.ask_code(update, context)
    else:
        return False
    return True


async def question_asked(update: Update, context: BotContext, conversation: Conversation) -> None:
    """The question typed after choosing "ask"."""
    chat, user, message = update.effective_chat, update.effective_user, update.effective_message
    if chat is None or user is None or message is None:
        return
    await context.services.people.end(chat.id, user.id)
    await answer_question(update, context, message.text or "")


async def stale_button(update: Update, context: BotContext) -> None:
    """A button from an old message, or data we never produced: explain, then offer the menu."""
    query = update.callback_query
    if query is None:
        return
    texts = context.texts
    await query.answer(texts.plain("button.stale"), show_alert=True)
    if _private(update):
        await send_menu(update, context)


async def menu_link(update: Update, context: BotContext, item: str) -> bool:
    """``/start m-ask``: a poster's QR code opens a menu item directly."""
    return await open_menu_item(update, context, item)
