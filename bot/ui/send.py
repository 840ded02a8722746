"""Sending HTML that always fits Telegram's limits."""

from __future__ import annotations

from telegram import (
    Bot,
    ForceReply,
    InlineKeyboardMarkup,
    Message,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
)

from bot.ui.text import split_html

Markup = InlineKeyboardMarkup | ReplyKeyboardMarkup | ReplyKeyboardRemove | ForceReply


async def send_html(
    bot: Bot,
    chat_id: int,
    text: str,
    reply_markup: Markup | None = None,
    message_thread_id: int | None = None,
) -> list[Message]:
    """Send ``text`` in as many messages as it needs; buttons go under the last one."""
    pieces = split_html(text)
    sent = []
    for index, piece in enumerate(pieces):
        last = index == len(pieces) - 1
        sent.append(
            await bot.send_message(
                chat_id,
                piece,
                reply_markup=reply_markup if last else None,
                message_thread_id=message_thread_id,
            )
        )
    return sent
