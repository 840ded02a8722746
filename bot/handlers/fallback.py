"""Whatever no feature claimed: free text, media, unknown commands. Never silence in a
private chat; in a group, stay quiet unless spoken to."""

from __future__ import annotations

from telegram import Update

from bot.handlers.common import private, send_menu
from bot.handlers.context import BotContext
from bot.handlers.conversations import ConversationRouter
from bot.ui.send import send_html


async def edited(update: Update, context: BotContext, router: ConversationRouter) -> None:
    """A text the person edited. If it is the message the open step just turned down (a
    description too short, a mistyped code or check value), the edit is their new answer:
    fixing a typo is how people retry. Any other edit is ignored on purpose: the answer to
    the original stands, and an old message must not become the answer to a later step."""
    if private(update):
        await router.route(update, context, edited=True)


async def not_text(update: Update, context: BotContext) -> None:
    """A sticker, photo, voice note... where we expect words."""
    if not private(update):
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
    if not private(update):
        return
    await send_menu(update, context, context.texts("fallback.command"))
