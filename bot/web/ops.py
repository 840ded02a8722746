"""``GET /healthz`` and ``GET /metrics`` on the bot's HTTP server.

Open to the machine itself (a container's health check, a Prometheus beside it) and to anyone
with the HTTP token. A request that came through a reverse proxy carries ``X-Forwarded-For`` or
``Forwarded`` and is not taken as local, so a proxy on the same host exposes nothing by
accident.
"""

from __future__ import annotations

import json

from aiohttp import web

from bot.i18n import I18n
from bot.services.health import Health
from bot.services.metrics import Metrics
from bot.web.access import bearer_matches, from_this_machine, texts_for
from bot.web.exposition import CONTENT_TYPE, exposition


class OpsEndpoints:
    PATHS = ("/healthz", "/metrics")

    def __init__(self, health: Health, metrics: Metrics, token: str, i18n: I18n) -> None:
        self._health = health
        self._metrics = metrics
        self._token = token
        self._i18n = i18n

    def add_to(self, app: web.Application) -> None:
        app.router.add_get("/healthz", self._healthz, allow_head=True)
        app.router.add_get("/metrics", self._scrape)

    def _allowed(self, request: web.Request) -> bool:
        return from_this_machine(request) or bearer_matches(request, self._token)

    async def _healthz(self, request: web.Request) -> web.Response:
        if not self._allowed(request):
            return self._refused(request)
        report = await self._health.report()
        return web.json_response(report.to_json(), status=200 if report.ok else 503, dumps=_dumps)

    async def _scrape(self, request: web.Request) -> web.Response:
        if not self._allowed(request):
            return self._refused(request)
        body = exposition(await self._metrics.figures())
        return web.Response(body=body, headers={"Content-Type": CONTENT_TYPE})

    def _refused(self, request: web.Request) -> web.Response:
        error = texts_for(self._i18n, request).plain("http.ops_token")
        return web.json_response({"error": error}, status=401, dumps=_dumps)


def _dumps(value: object) -> str:
    return json.dumps(value, ensure_ascii=False)
