"""Whatever no feature claimed: free text, media, unknown commands. Never silence in a
private chat; in a group, stay quiet unless spoken to."""

from __future__ import annotations

from telegram import Update
from telegram.constants import ChatType

from bot.domain.dossiers import looks_like_receipt
from bot.handlers import dossiers, requests
from bot.handlers.basics import send_menu
from bot.handlers.context import BotContext
from bot.handlers.conversations import ConversationRouter
from bot.handlers.procedures import answer_question
from bot.ui.send import send_html


def _private(update: Update) -> bool:
    chat = update.effective_chat
    return chat is not None and chat.type == ChatType.PRIVATE


async def text(update: Update, context: BotContext, router: ConversationRouter) -> None:
    """Free text outside a conversation is a question about a procedure."""
    message = update.effective_message
    if not _private(update) or message is None:
        return
    if await router.route(update, context):
        return
    if await reply_to_ticket(update, context):
        return
    if looks_like_receipt(message.text or ""):  # a dossier's code, typed without the menu
        await dossiers.show(update, context, message.text or "")
        return
    await answer_question(update, context, message.text or "")


async def edited(update: Update, context: BotContext, router: ConversationRouter) -> None:
    """A text the person edited. If it is the message the open step just turned down (a
    description too short, a mistyped code or check value), the edit is their new answer:
    fixing a typo is how people retry. Any other edit is ignored on purpose: the answer to
    the original stands, and an old message must not become the answer to a later step."""
    if _private(update):
        await router.route(update, context, edited=True)


async def reply_to_ticket(update: Update, context: BotContext) -> bool:
    """A reply to one of the bot's messages about a ticket goes to its officials."""
    if not _private(update):
        return False
    return await requests.reply_to_ticket(update, context)


async def not_text(update: Update, context: BotContext) -> None:
    """A sticker, photo, voice note... where we expect words."""
    if not _private(update):
        return
    chat, user = update.effective_chat, update.effective_user
    if chat is None or user is None:
        return
    texts = context.texts
    if await context.services.people.conversation(chat.id, user.id):
        # Mid-conversation: keep them where they are instead of pulling up the menu.
        await send_html(context.bot, chat.id, texts("fallback.media_in_conversation"))
        return
    await send_menu(update, context, texts("fallback.media"))


async def unknown_command(update: Update, context: BotContext) -> None:
    if not _private(update):
        return
    await send_menu(update, context, context.texts("fallback.command"))
