"""What every feature's handlers share: who is writing and in which language, the private-chat
check, the main menu, and the answer to a button no feature owns."""

from __future__ import annotations

import time

from telegram import Update
from telegram.constants import ChatType
from telegram.ext import ApplicationHandlerStop

from bot.handlers.context import BotContext
from bot.html import Html
from bot.services.answers import Choice
from bot.services.flood import Verdict
from bot.ui import keyboards
from bot.ui.buttons import Meaning
from bot.ui.send import send_html


def private(update: Update) -> bool:
    return update.effective_chat is not None and update.effective_chat.type == ChatType.PRIVATE


def is_admin(update: Update, context: BotContext) -> bool:
    """One of the configured admins, in their private chat: admin work is never done in a
    group, where others would see the files and drafts."""
    user = update.effective_user
    return private(update) and user is not None and user.id in context.services.settings.admins


def meant(context: BotContext, meaning: Meaning, key: str) -> Choice | None:
    """The procedure or everyday answer a button names; None once it is gone."""
    if meaning is Meaning.FAQ:
        return context.services.answers.entry(key)
    return context.services.catalogue.get(key)


async def refuse_non_admin(update: Update, context: BotContext) -> None:
    """«Lệnh này chỉ dành cho quản trị viên», as an alert on a press or as a message."""
    chat, query = update.effective_chat, update.callback_query
    if query is not None:
        await query.answer(context.texts.plain("admin.only"), show_alert=True)
    elif chat is not None:
        await send_html(context.bot, chat.id, context.texts("admin.only"))


async def send_menu(update: Update, context: BotContext, intro: Html | None = None) -> None:
    chat = update.effective_chat
    if chat is None:
        return
    texts = context.texts
    await send_html(context.bot, chat.id, intro or texts("menu.title"), keyboards.main_menu(texts))


async def stale_button(update: Update, context: BotContext) -> None:
    """A button from an old message, or data we never produced: explain, then offer the menu."""
    query = update.callback_query
    if query is None:
        return
    await query.answer(context.texts.plain("button.stale"), show_alert=True)
    if private(update):
        await send_menu(update, context)


async def identify(update: Update, context: BotContext) -> None:
    """Runs before every handler: remember the sender and settle the language of the reply."""
    user = update.effective_user
    if user is None or user.is_bot:
        return
    people = context.services.people
    if private(update):
        people.seen(user.id, user.first_name, user.language_code)
    context.language = people.language_of(user.id, user.language_code)
    typed = update.message or update.edited_message  # what a person sends; edits count too
    if private(update) and typed is not None:
        verdict = context.services.flood.check(user.id, time.monotonic())
        if verdict is not Verdict.OK:
            if verdict is Verdict.WARN:
                await send_html(context.bot, user.id, context.texts("limit.messages"))
            raise ApplicationHandlerStop
