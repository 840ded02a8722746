"""The last resort: log what broke without personal data, apologise, keep serving."""

from __future__ import annotations

import logging

from telegram import Update
from telegram.constants import ChatType
from telegram.error import Forbidden, NetworkError, TelegramError

from bot.handlers.context import BotContext

log = logging.getLogger("bot.errors")


async def on_error(update: object, context: BotContext) -> None:
    error = context.error
    if isinstance(update, Update):
        log.error("update %s failed: %s", update.update_id, type(error).__name__, exc_info=error)
    else:
        log.error("background job failed: %s", type(error).__name__, exc_info=error)
    if isinstance(error, NetworkError | Forbidden) or not isinstance(update, Update):
        return  # nothing a person can be told, or no one to tell
    if update.callback_query is not None:  # else the button spins until Telegram gives up
        try:
            await update.callback_query.answer(context.texts.plain("error.sorry"), show_alert=True)
        except TelegramError:
            log.warning("could not answer the button of update %s", update.update_id)
    chat = update.effective_chat
    if chat is None or chat.type != ChatType.PRIVATE:
        return
    try:
        await context.bot.send_message(chat.id, context.texts("error.sorry"))
    except TelegramError:
        log.warning("could not deliver the apology for update %s", update.update_id)
