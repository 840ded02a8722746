"""Greeting, help, menu, language and cancel: rules 1 and 2 (greet, never a dead end)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping

from telegram import BotCommandScopeChat, InlineKeyboardMarkup, ReplyKeyboardRemove, Update

from bot.handlers.common import private, send_menu, stale_button
from bot.handlers.context import BotContext
from bot.handlers.conversations import ConversationRouter
from bot.handlers.deeplinks import DeepLinks, parse
from bot.handlers.menu.buttons import ChooseLanguage
from bot.handlers.pressing import acknowledge
from bot.html import Html, lines
from bot.i18n import Texts
from bot.ui import keyboards
from bot.ui.buttons import MenuEntry
from bot.ui.render import unit_contacts
from bot.ui.send import edit_html, send_html

EntryHandler = Callable[[Update, BotContext], Awaitable[None]]
COMMANDS = (
    "start",
    "menu",
    "phananh",
    "hoso",
    "mine",
    "help",
    "language",
    "xoadulieu",
    "cancel",
)


async def start(update: Update, context: BotContext, links: DeepLinks) -> None:
    chat, user = update.effective_chat, update.effective_user
    if chat is None or user is None:
        return
    texts = context.texts
    if not private(update):
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
        greeting = greeting + "\n\n" + texts("start.unknown_link")
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
    markup = keyboards.main_menu(texts) if private(update) else None
    await send_html(context.bot, chat.id, body, markup)


def help_commands(texts: Texts) -> Html:
    """Every command a citizen can use, one a line: the command menu's, then the news ones."""
    help_lines = [
        texts("help.command", command=name, description=texts.plain(f"command.{name}"))
        for name in COMMANDS
    ]
    return lines(*help_lines, texts("help.news"))


async def menu_command(update: Update, context: BotContext, router: ConversationRouter) -> None:
    if private(update):
        await back_to_menu(update, context, router)


async def back_to_menu(update: Update, context: BotContext, router: ConversationRouter) -> None:
    """The main menu, asked for (``/menu``, «⬅️ Về menu chính»): the step that was open is
    left, so what they type or send next is not taken as its answer. A draft is said to be
    dropped, as /cancel says it."""
    chat, user = update.effective_chat, update.effective_user
    if chat is None or user is None:
        return
    people = context.services.people
    conversation = await people.conversation(chat.id, user.id) if private(update) else None
    if router.holds_draft(conversation):
        await cancel(update, context, router)
        return
    if conversation is not None:
        await people.end(chat.id, user.id)
    await send_menu(update, context)


async def cancel(update: Update, context: BotContext, router: ConversationRouter) -> None:
    chat, user = update.effective_chat, update.effective_user
    if chat is None or user is None or not private(update):
        return
    people = context.services.people
    conversation = await people.conversation(chat.id, user.id)
    ended = await people.end(chat.id, user.id)
    texts = context.texts
    if router.shows_keyboard(conversation):
        await send_html(context.bot, chat.id, texts("cancel.done"), ReplyKeyboardRemove())
        await send_menu(update, context)
        return
    await send_menu(update, context, texts("cancel.done" if ended else "cancel.nothing"))


async def language_command(update: Update, context: BotContext) -> None:
    chat = update.effective_chat
    if chat is None or not private(update):
        return
    texts = context.texts
    await send_html(
        context.bot,
        chat.id,
        texts("language.choose"),
        languages_keyboard(texts, list(context.services.i18n.languages)),
    )


async def language_chosen(update: Update, context: BotContext, button: ChooseLanguage) -> None:
    query, chat, user = update.callback_query, update.effective_chat, update.effective_user
    if query is None or chat is None or user is None:
        return
    services = context.services
    code = button.code
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


async def open_item(
    update: Update, context: BotContext, items: Mapping[MenuEntry, EntryHandler], entry: MenuEntry
) -> None:
    """A main-menu item: the owning feature said what it does (``Wiring.menu``)."""
    await acknowledge(update)
    await items[entry](update, context)


async def open_link(
    update: Update, context: BotContext, items: Mapping[MenuEntry, EntryHandler], argument: str
) -> bool:
    """``/start m-ask``: a poster's QR code opens a menu item directly."""
    try:
        entry = MenuEntry(argument)
    except ValueError:
        return False
    if entry not in items:
        return False
    await items[entry](update, context)
    return True


def languages_keyboard(texts: Texts, available: list[str]) -> InlineKeyboardMarkup:
    """One button per language, labelled in that language's own name; the current one ticked."""
    rows = []
    for code in available:
        label = texts.plain(f"language.name.{code}")
        if code == texts.language:
            label = "✓ " + label
        rows.append([ChooseLanguage(code).button(label)])
    return InlineKeyboardMarkup(rows)
