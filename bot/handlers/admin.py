"""Admins change the unit's profile by sending back an edited ``unit.yaml``."""

from __future__ import annotations

import io

from telegram import Update
from telegram.constants import ChatType

from bot.handlers.context import BotContext
from bot.i18n import Html
from bot.services.unit import FILENAME
from bot.ui.send import send_html
from bot.yamldoc import DocumentError

MAX_DOCUMENT_BYTES = 256 * 1024


def is_admin(update: Update, context: BotContext) -> bool:
    user, chat = update.effective_user, update.effective_chat
    return (
        user is not None
        and chat is not None
        and chat.type == ChatType.PRIVATE
        and user.id in context.services.settings.admins
    )


async def unit_command(update: Update, context: BotContext) -> None:
    chat = update.effective_chat
    if chat is None:
        return
    texts = context.texts
    if not is_admin(update, context):
        await send_html(context.bot, chat.id, texts("admin.only"))
        return
    data = context.services.unit.text.encode("utf-8")
    await context.bot.send_document(
        chat.id,
        document=io.BytesIO(data),
        filename=FILENAME,
        caption=texts("admin.unit.current"),
    )


async def document_received(update: Update, context: BotContext) -> bool:
    """Apply an admin's ``unit.yaml``; False if this document is not one we handle."""
    message, chat, user = update.effective_message, update.effective_chat, update.effective_user
    if message is None or message.document is None or chat is None or user is None:
        return False
    if not is_admin(update, context) or (message.document.file_name or "") != FILENAME:
        return False
    texts = context.texts
    if (message.document.file_size or 0) > MAX_DOCUMENT_BYTES:
        await send_html(context.bot, chat.id, texts("admin.file.too_big", name=FILENAME))
        return True
    file = await message.document.get_file()
    raw = bytes(await file.download_as_bytearray())
    try:
        content = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        await send_html(context.bot, chat.id, texts("admin.file.not_utf8", name=FILENAME))
        return True
    try:
        version = await context.services.unit.replace(content, user.id, FILENAME)
    except DocumentError as exc:
        problems = Html("\n".join(texts("admin.file.problem", text=line) for line in exc.lines()))
        await send_html(
            context.bot, chat.id, texts("admin.file.rejected", name=FILENAME, problems=problems)
        )
        return True
    await send_html(context.bot, chat.id, texts("admin.unit.applied", version=version))
    return True
