"""Sending HTML that always fits Telegram's limits."""

from __future__ import annotations

import logging

from telegram import (
    Bot,
    ForceReply,
    InlineKeyboardMarkup,
    InputFile,
    Message,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
)
from telegram.error import BadRequest

from bot.html import Html
from bot.ui.text import MESSAGE_LIMIT, cut_to_units, plain_text, split_html

log = logging.getLogger(__name__)

Markup = InlineKeyboardMarkup | ReplyKeyboardMarkup | ReplyKeyboardRemove | ForceReply


async def send_html(
    bot: Bot,
    chat_id: int,
    text: Html,
    reply_markup: Markup | None = None,
    message_thread_id: int | None = None,
) -> list[Message]:
    """Send ``text`` in as many messages as it needs; buttons go under the last one.

    A piece Telegram refuses (too long, markup it cannot parse) is sent again as plain text,
    so the person still gets an answer."""
    pieces = split_html(text)
    sent = []
    for index, piece in enumerate(pieces):
        markup = reply_markup if index == len(pieces) - 1 else None
        try:
            message = await bot.send_message(
                chat_id, piece, reply_markup=markup, message_thread_id=message_thread_id
            )
        except BadRequest as error:
            # The class name only: Telegram's reason may quote the text.
            log.warning(
                "send_html: Telegram refused a piece (%s); sent as plain text", type(error).__name__
            )
            fallback = cut_to_units(plain_text(piece).strip(), MESSAGE_LIMIT).strip()
            message = await bot.send_message(
                chat_id,
                fallback or "…",
                parse_mode=None,
                reply_markup=markup,
                message_thread_id=message_thread_id,
            )
        sent.append(message)
    return sent


async def send_captioned(
    bot: Bot,
    chat_id: int,
    caption: Html,
    *,
    photo: InputFile | bytes | None = None,
    document: InputFile | bytes | None = None,
    filename: str | None = None,
    message_thread_id: int | None = None,
) -> Message:
    """A picture or a file with its caption, which must be Html like any text we send."""
    if photo is not None:
        return await bot.send_photo(
            chat_id, photo, caption=caption, message_thread_id=message_thread_id
        )
    if document is None:
        raise ValueError("send_captioned needs a photo or a document")
    return await bot.send_document(
        chat_id,
        document,
        filename=filename,
        caption=caption,
        message_thread_id=message_thread_id,
    )


def not_modified(error: Exception) -> bool:
    """Telegram's answer to an edit that changes nothing ("message is not modified"), as when
    a button is pressed twice: the message already reads as wanted, so it is no failure."""
    return isinstance(error, BadRequest) and "not modified" in error.message.lower()


async def edit_html(
    bot: Bot,
    chat_id: int,
    message_id: int,
    text: Html,
    reply_markup: InlineKeyboardMarkup | None = None,
) -> None:
    """Edit a message's text (and buttons); one that already reads so is left as it is."""
    try:
        await bot.edit_message_text(text, chat_id, message_id, reply_markup=reply_markup)
    except BadRequest as error:
        if not not_modified(error):
            raise
        log.debug("message %s in chat %s already up to date", message_id, chat_id)
