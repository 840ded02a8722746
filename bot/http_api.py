"""The HTTP endpoint other software (the one-stop system) uses to push dossier statuses.

Served by the bot process on ``BOT_HTTP_HOST:BOT_HTTP_PORT`` when ``BOT_HTTP_TOKEN`` is set.
``POST /dossiers`` takes one JSON object or a list of them (the CSV's fields: code, status,
due, received, procedure, note, check); ``GET /dossiers/<code>`` answers its status. A bad
request gets a 4xx with a JSON ``error`` that says what to fix (in English, or in Vietnamese
for ``Accept-Language: vi``); the whole request is refused if any object is, so a caller can
fix and resend it.

The same server answers ``GET /healthz`` and ``GET /metrics`` (:mod:`bot.web.ops`), which
check their callers themselves.
"""

from __future__ import annotations

import json
import logging
import sys
from collections.abc import Awaitable, Callable
from decimal import Decimal
from functools import partial
from typing import TYPE_CHECKING, Any

from aiohttp import web
from aiohttp.http_exceptions import HttpProcessingError

from bot.config import SettingsError
from bot.domain.dossiers import DossierChange, normal_code
from bot.i18n import I18n
from bot.services.dossier_import import FieldError, Refusal, change_from_json
from bot.services.dossiers import DossierService
from bot.ui.dossiers import refusal_text
from bot.web.access import bearer_matches, texts_for
from bot.web.ops import OpsEndpoints

if TYPE_CHECKING:
    from bot.web.admin.site import AdminSite

PREFIX = "/admin"  # the web admin's pages: they sign people in themselves

log = logging.getLogger(__name__)

MAX_BODY_BYTES = 1_000_000
MAX_ITEMS = 1000
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def _json(body: object, status: int = 200) -> web.Response:
    """UTF-8 as it is, so a Vietnamese message reads as such in a terminal."""
    return web.json_response(body, status=status, dumps=partial(json.dumps, ensure_ascii=False))


def _error(status: int, message: str, **details: object) -> web.Response:
    return _json({"error": message, **details}, status)


def _unicode_error(item: object) -> FieldError | None:
    """A field (or a field's name) holding a lone surrogate such as ``"\\ud800"``: valid JSON,
    but not text that can be stored or shown."""
    if not isinstance(item, dict):
        return None
    for key, value in item.items():
        if not _is_text(key):
            return FieldError(key.encode("utf-8", "backslashreplace").decode(), "not_unicode")
        if isinstance(value, str) and not _is_text(value):
            return FieldError(key, "not_unicode")
    return None


def _is_text(value: str) -> bool:
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


class _ServerLog(logging.LoggerAdapter[logging.Logger]):
    """aiohttp's server log. A request aiohttp refuses by itself as malformed (a request line
    or header too long, a bad method) is answered 400 and logged as a warning without the
    traceback; any other error stays an error."""

    def exception(self, msg: object, *args: object, exc_info: Any = True, **kwargs: Any) -> None:
        error = exc_info if isinstance(exc_info, BaseException) else sys.exc_info()[1]
        if isinstance(error, HttpProcessingError) and 400 <= error.code < 500:
            log.warning("http: refused a malformed request (%s)", type(error).__name__)
            return
        super().exception(msg, *args, exc_info=exc_info, **kwargs)


class DossierApi:
    def __init__(
        self,
        dossiers: DossierService,
        token: str,
        i18n: I18n,
        ops: OpsEndpoints | None = None,
        admin: AdminSite | None = None,
    ) -> None:
        self._dossiers = dossiers
        self._token = token
        self._i18n = i18n
        self._ops = ops
        self._admin = admin
        self._open_paths = OpsEndpoints.PATHS if ops is not None else ()
        self._runner: web.AppRunner | None = None

    def application(self) -> web.Application:
        app = web.Application(middlewares=[self._authenticate], client_max_size=MAX_BODY_BYTES)
        app.router.add_post("/dossiers", self._post)
        app.router.add_get("/dossiers/{code}", self._get)
        if self._ops is not None:
            self._ops.add_to(app)
        if self._admin is not None:
            self._admin.add_to(app)
        return app

    async def start(self, host: str, port: int) -> int:
        """Serve; returns the port (useful with 0, as tests do)."""
        self._runner = web.AppRunner(
            self.application(),
            access_log=None,
            logger=_ServerLog(logging.getLogger("aiohttp.server"), {}),
        )
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
        texts = texts_for(self._i18n, request)
        if request.path in self._open_paths or self._admin_page(request.path):
            return await handler(request)  # they check the caller themselves
        if not bearer_matches(request, self._token):
            return _error(401, texts.plain("http.token"))
        try:
            return await handler(request)
        except web.HTTPRequestEntityTooLarge:
            return _error(413, texts.plain("http.too_big", n=MAX_BODY_BYTES))

    def _admin_page(self, path: str) -> bool:
        return self._admin is not None and (path == PREFIX or path.startswith(PREFIX + "/"))

    async def _post(self, request: web.Request) -> web.Response:
        texts = texts_for(self._i18n, request)
        if request.content_type != "application/json":
            return _error(415, texts.plain("http.media_type"))
        try:
            raw = await request.read()
        except ConnectionError:  # the caller went away mid-upload: no one to answer
            log.warning("http: the connection was lost before the request's end")
            return _error(400, texts.plain("http.incomplete"))
        try:
            # No field is a number: read numbers as Decimal, which has no limit on digits
            # (int() refuses more than 4,300), so a long one is refused as "not a string".
            body = json.loads(raw, parse_int=Decimal)
        except (UnicodeDecodeError, json.JSONDecodeError) as error:
            return _error(400, texts.plain("http.not_json", why=str(error)))
        except RecursionError:
            return _error(400, texts.plain("http.too_deep"))
        except ValueError as error:
            return _error(400, texts.plain("http.not_json", why=str(error)))
        items = body if isinstance(body, list) else [body]
        if not items or len(items) > MAX_ITEMS:
            return _error(400, texts.plain("http.count", n=MAX_ITEMS))
        changes: list[DossierChange] = []
        for index, item in enumerate(items):
            try:
                broken = _unicode_error(item)
                if broken is not None:
                    raise broken
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
            return _error(404, texts_for(self._i18n, request).plain("http.not_found"))
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
