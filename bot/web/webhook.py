"""Webhook mode: Telegram posts each update to ``BOT_WEBHOOK_URL``; a reverse proxy hands it
to this server on ``BOT_WEBHOOK_LISTEN:BOT_WEBHOOK_PORT``, which checks the secret header and
puts the update in the Application's queue — the same queue long polling fills, so the same
handlers answer.

Anything without the right ``X-Telegram-Bot-Api-Secret-Token`` is refused with 403 before its
body is read: only Telegram knows the secret, so no one else can make the bot act.
"""

from __future__ import annotations

import json
import logging
import secrets
from typing import Any

from aiohttp import web
from telegram import Update
from telegram.error import TelegramError
from telegram.ext import Application

from bot.clock import Clock
from bot.config import Settings, SettingsError
from bot.services.health import Health, WebhookState
from bot.transport import escapes_surrogates, valid_unicode

log = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
MAX_UPDATE_BYTES = 1_000_000  # an update is a few kB; a 4096-character text with entities ~60 kB
REFUSALS_LOGGED_EVERY_S = 60.0  # someone posting forgeries in a loop must not fill the log


class Webhook:
    def __init__(
        self, app: Application[Any, Any, Any, Any, Any, Any], settings: Settings, health: Health
    ) -> None:
        assert settings.webhook_url is not None
        self._app = app
        self._url = settings.webhook_url
        self._path = settings.webhook_path
        self._secret = settings.webhook_token.encode()
        self._listen = settings.webhook_listen
        self._port = settings.webhook_port
        self._health = health
        self._runner: web.AppRunner | None = None
        self._refused = 0  # posts refused since the last line about them
        self._refused_logged_at = -REFUSALS_LOGGED_EVERY_S
        self.port: int | None = None

    async def start(self) -> int:
        """Listen, then ask Telegram to post here; returns the port (0 picks one, as tests
        do)."""
        app = web.Application(client_max_size=MAX_UPDATE_BYTES)
        app.router.add_post(self._path, self._take)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        try:
            await web.TCPSite(self._runner, self._listen, self._port).start()
        except OSError as error:
            await self.stop()
            raise SettingsError(
                f"BOT_WEBHOOK_LISTEN/BOT_WEBHOOK_PORT: cannot listen on "
                f"{self._listen}:{self._port} ({error.strerror})"
            ) from None
        self.port = int(self._runner.addresses[0][1])
        await self.register()
        log.info("webhook: listening on %s:%d%s", self._listen, self.port, self._path)
        return self.port

    async def register(self) -> None:
        await self._app.bot.set_webhook(
            self._url,
            secret_token=self._secret.decode(),
            allowed_updates=Update.ALL_TYPES,
        )

    async def stop(self) -> None:
        """Stop taking posts; the webhook stays set, so Telegram keeps what arrives until the
        bot is back."""
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def watch(self) -> None:
        """Ask Telegram how delivery goes (every minute): the health check reports it, and a
        webhook someone removed or pointed elsewhere is set again. Telegram out of reach
        stops nothing else the minute's job does (the backup comes after)."""
        try:
            info = await self._app.bot.get_webhook_info()
        except TelegramError as error:  # the health check says Telegram is out of reach
            log.warning(
                "webhook: could not ask Telegram how delivery goes (%s)", type(error).__name__
            )
            return
        self._health.saw_webhook(
            WebhookState(
                info.url, info.pending_update_count, info.last_error_date, info.last_error_message
            )
        )
        if info.url != self._url:
            log.warning("webhook: Telegram had another address; setting ours again")
            await self.register()

    async def _take(self, request: web.Request) -> web.Response:
        given = request.headers.get(SECRET_HEADER, "").encode("utf-8", "surrogateescape")
        if not secrets.compare_digest(given, self._secret):
            self._refused += 1
            now = Clock.monotonic()
            if now - self._refused_logged_at >= REFUSALS_LOGGED_EVERY_S:
                log.warning("webhook: refused %d post(s) without the right secret", self._refused)
                self._refused, self._refused_logged_at = 0, now
            return web.Response(status=403)
        try:
            raw = await request.read()
            data = json.loads(raw.decode("utf-8", "replace"))
        except web.HTTPRequestEntityTooLarge:
            return web.Response(status=413)
        except (ValueError, RecursionError):
            log.warning("webhook: a post that is not JSON")
            return web.Response(status=400)
        if not isinstance(data, dict) or not isinstance(data.get("update_id"), int):
            return web.Response(status=400)
        if escapes_surrogates(raw):
            data = valid_unicode(data)
        try:
            update = Update.de_json(data, self._app.bot)
        except Exception:  # a shape PTB cannot read: Telegram's to fix, not to retry forever
            log.warning("webhook: update %s could not be read", data.get("update_id"))
            return web.Response(status=200)
        self._health.answered(200)
        await self._app.update_queue.put(update)
        return web.Response(status=200)
