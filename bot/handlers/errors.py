"""The last resort: log what broke without personal data, apologise, keep serving."""

from __future__ import annotations

import contextlib
import logging

from telegram import Update
from telegram.constants import ChatType
from telegram.error import BadRequest, Forbidden, NetworkError, TelegramError

from bot.handlers.context import BotContext
from bot.ui.send import not_modified, send_html

log = logging.getLogger("bot.errors")
_LATE = ("query is too old", "query id is invalid")


async def on_error(update: object, context: BotContext) -> None:
    error = context.error
    if error is not None and not_modified(error):
        # An edit that changes nothing (a button pressed twice): the message already reads as
        # wanted. Nothing broke and no one needs an apology.
        log.debug("update %s: message already up to date", getattr(update, "update_id", None))
        if isinstance(update, Update) and update.callback_query is not None:
            with contextlib.suppress(TelegramError):  # most likely answered already
                await update.callback_query.answer()
        return
    if isinstance(error, BadRequest) and any(late in error.message.lower() for late in _LATE):
        # A button answered after Telegram stopped waiting (a slow moment): what it did is
        # done, only the little pop-up is gone. No apology for a success.
        log.info("update %s: the button's answer came too late", getattr(update, "update_id", None))
        return
    if isinstance(update, Update):
        log.error("update %s failed: %s", update.update_id, type(error).__name__, exc_info=error)
    else:
        log.error("background job failed: %s", type(error).__name__, exc_info=error)
    refused = isinstance(error, BadRequest)  # Telegram refused what we sent: our mistake
    if (isinstance(error, NetworkError | Forbidden) and not refused) or not isinstance(
        update, Update
    ):
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
        await send_html(context.bot, chat.id, context.texts("error.sorry"))
    except TelegramError:
        log.warning("could not deliver the apology for update %s", update.update_id)
