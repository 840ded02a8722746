"""An unexpected error: logged without personal data, an apology, and the bot keeps serving."""

from __future__ import annotations

import logging

import pytest
from telegram import Update
from telegram.ext import CommandHandler

from bot.handlers.context import BotContext
from bot.logs import RedactingFormatter
from bot.standin import StandIn
from tests.conftest import TOKEN, BotRunner


async def test_error_in_a_handler_apologises_and_logs_safely(
    bot: BotRunner, standin: StandIn, caplog: pytest.LogCaptureFixture
) -> None:
    async def broken(update: Update, context: BotContext) -> None:
        raise RuntimeError("lookup failed for 0912345678")

    assert bot.app is not None
    bot.app.add_handler(CommandHandler("broken", broken), group=-2)
    caplog.set_level(logging.ERROR, logger="bot.errors")
    victim = standin.user(501, "Nguyễn Thị Hoa", language_code="vi")
    apology = await victim.reply("/broken")
    assert apology.plain.startswith("Xin lỗi anh/chị, hệ thống vừa gặp sự cố")

    record = next(r for r in caplog.records if r.name == "bot.errors")
    formatted = RedactingFormatter("%(message)s", [TOKEN]).format(record)
    assert "update " in formatted and "RuntimeError" in formatted
    assert "0912345678" not in formatted and "[phone]" in formatted
    assert "Hoa" not in formatted and TOKEN not in formatted

    # Others are still served.
    other = await standin.user(502, "Lan", language_code="vi").reply("/start")
    assert other.plain.startswith("Xin chào Lan!")
