"""Fixtures: a stand-in server and a small real PTB bot long-polling it."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from bot.standin import StandIn
from tests.conftest import assert_no_markup_errors

TOKEN = "123456:TEST"


@pytest.fixture
async def standin() -> AsyncIterator[StandIn]:
    async with StandIn(token=TOKEN, bot_username="ubnd_demo_bot") as server:
        yield server
    assert_no_markup_errors(server)


async def _echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    assert update.effective_message is not None
    await update.effective_message.reply_text(update.effective_message.text or "")


async def _start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    assert update.effective_message is not None
    payload = " ".join(context.args or [])
    keyboard = InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton("Có", callback_data="yes"),
                InlineKeyboardButton("Không", callback_data="no"),
            ]
        ]
    )
    await update.effective_message.reply_text(f"start:{payload}", reply_markup=keyboard)


async def _button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    assert query is not None
    await query.answer(f"đã chọn {query.data}", show_alert=query.data == "no")
    await query.edit_message_text(f"<b>Bạn chọn</b> {query.data}", parse_mode="HTML")


async def _photo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    message = update.effective_message
    assert message is not None and message.photo
    telegram_file = await message.photo[-1].get_file()
    data = await telegram_file.download_as_bytearray()
    await message.reply_text(f"photo {len(data)} bytes, caption={message.caption}")


@pytest.fixture
async def app(standin: StandIn) -> AsyncIterator[Application]:  # type: ignore[type-arg]
    application = (
        Application.builder()
        .token(TOKEN)
        .base_url(standin.api_url)
        .base_file_url(standin.file_url)
        .build()
    )
    application.add_handler(CommandHandler("start", _start))
    application.add_handler(CallbackQueryHandler(_button))
    application.add_handler(MessageHandler(filters.PHOTO, _photo))
    application.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND, _echo))
    async with application:
        await application.start()
        assert application.updater is not None
        await application.updater.start_polling(poll_interval=0.0, timeout=1)
        yield application
        await application.updater.stop()
        await application.stop()
