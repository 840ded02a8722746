"""The baseline: a bare python-telegram-bot echo bot (same Bot API server, same rate limiter),
with PTB's default HTTP layer (httpx), or ours (aiohttp, bot/transport.py) when
ECHO_TRANSPORT=aiohttp, so a run can also compare like with like."""

from __future__ import annotations

import os

from telegram import Update
from telegram.ext import AIORateLimiter, Application, ContextTypes, MessageHandler, filters


async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    if update.effective_message is not None:
        await update.effective_message.reply_text(update.effective_message.text or "ok")


def main() -> None:
    rate = float(os.environ.get("BOT_MAX_MESSAGES_PER_SECOND", "30"))
    builder = Application.builder()
    if os.environ.get("ECHO_TRANSPORT") == "aiohttp":  # the same HTTP layer as ours
        from bot.transport import AiohttpRequest

        builder.request(AiohttpRequest()).get_updates_request(AiohttpRequest(1))
    app = (
        builder.token(os.environ["BOT_TOKEN"])
        .base_url(os.environ["BOT_API_URL"])
        .rate_limiter(AIORateLimiter(overall_max_rate=rate, max_retries=3))
        .build()
    )
    app.add_handler(MessageHandler(filters.ALL, echo))
    app.run_polling(poll_interval=0.0, timeout=10, allowed_updates=Update.ALL_TYPES)


if __name__ == "__main__":
    main()
