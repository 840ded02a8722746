"""The HTTP endpoint other software (the one-stop system) uses to push dossier statuses.

Served by the bot process on ``BOT_HTTP_HOST:BOT_HTTP_PORT`` when ``BOT_HTTP_TOKEN`` is set.
``POST /dossiers`` takes one JSON object or a list of them (the CSV's fields: code, status,
due, received, procedure, note, check); ``GET /dossiers/<code>`` answers its status. A bad
request gets a 4xx with a JSON ``error`` that says what to fix (in English, or in Vietnamese
for ``Accept-Language: vi``); the whole request is refused if any object is, so a caller can
fix and resend it.
"""

from __future__ import annotations

import json
import logging
import secrets
from collections.abc import Awaitable, Callable
from functools import partial

from aiohttp import web

from bot.config import SettingsError
from bot.domain.dossiers import DossierChange, normal_code
from bot.i18n import I18n, Texts
from bot.services.dossier_import import FieldError, Refusal, change_from_json
from bot.services.dossiers import DossierService
from bot.ui.dossiers import refusal_text

log = logging.getLogger(__name__)

MAX_BODY_BYTES = 1_000_000
MAX_ITEMS = 1000
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def _json(body: object, status: int = 200) -> web.Response:
    """UTF-8 as it is, so a Vietnamese message reads as such in a terminal."""
    return web.json_response(body, status=status, dumps=partial(json.dumps, ensure_ascii=False))


def _error(status: int, message: str, **details: object) -> web.Response:
    return _json({"error": message, **details}, status)


def _texts(i18n: I18n, request: web.Request) -> Texts:
    """English for software, unless the caller asks for Vietnamese."""
    wanted = request.headers.get("Accept-Language", "").strip().lower()
    return i18n.texts("vi" if wanted.startswith("vi") else "en")


class DossierApi:
    def __init__(self, dossiers: DossierService, token: str, i18n: I18n) -> None:
        self._dossiers = dossiers
        self._token = token
        self._i18n = i18n
        self._runner: web.AppRunner | None = None

    def application(self) -> web.Application:
        app = web.Application(middlewares=[self._authenticate], client_max_size=MAX_BODY_BYTES)
        app.router.add_post("/dossiers", self._post)
        app.router.add_get("/dossiers/{code}", self._get)
        return app

    async def start(self, host: str, port: int) -> int:
        """Serve; returns the port (useful with 0, as tests do)."""
        self._runner = web.AppRunner(self.application(), access_log=None)
        await self._runner.setup()
        try:
            await web.TCPSite(self._runner, host, port).start()
        except OSError as error:
            await self.stop()
            raise SettingsError(
                f"BOT_HTTP_HOST/BOT_HTTP_PORT: cannot listen on {host}:{port} ({error.strerror})"
            ) from None
        return int(self._runner.addresses[0][1])

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    @web.middleware
    async def _authenticate(self, request: web.Request, handler: Handler) -> web.StreamResponse:
        texts = _texts(self._i18n, request)
        given = request.headers.get("Authorization", "")
        scheme, _, token = given.partition(" ")
        if scheme.lower() != "bearer" or not secrets.compare_digest(token, self._token):
            return _error(401, texts.plain("http.token"))
        try:
            return await handler(request)
        except web.HTTPRequestEntityTooLarge:
            return _error(413, texts.plain("http.too_big", n=MAX_BODY_BYTES))

    async def _post(self, request: web.Request) -> web.Response:
        texts = _texts(self._i18n, request)
        if request.content_type != "application/json":
            return _error(415, texts.plain("http.media_type"))
        try:
            body = json.loads(await request.read())
        except (UnicodeDecodeError, json.JSONDecodeError) as error:
            return _error(400, texts.plain("http.not_json", why=str(error)))
        items = body if isinstance(body, list) else [body]
        if not items or len(items) > MAX_ITEMS:
            return _error(400, texts.plain("http.count", n=MAX_ITEMS))
        changes: list[DossierChange] = []
        for index, item in enumerate(items):
            try:
                changes.append(change_from_json(item))
            except FieldError as error:
                refusal = Refusal("", None, error.reason, error.field, error.values)
                why = refusal_text(texts, refusal)
                return _error(400, why, index=index, field=error.field)
        results = []
        for change in changes:
            applied = await self._dossiers.apply(change, "http", "api")
            results.append(
                {"code": applied.dossier.code, "outcome": applied.outcome, "told": applied.told}
            )
        log.info("http: %d dossier change(s) applied", len(results))
        return _json({"results": results})

    async def _get(self, request: web.Request) -> web.Response:
        code = normal_code(request.match_info["code"])
        dossier = await self._dossiers.get(code) if code else None
        if dossier is None:
            return _error(404, _texts(self._i18n, request).plain("http.not_found"))
        return _json(
            {
                "code": dossier.code,
                "status": dossier.status.value,
                "received": dossier.received_on.isoformat(),
                "due": dossier.due_on.isoformat() if dossier.due_on else None,
                "note": dossier.note,
                "check": dossier.check_value,
            }
        )
