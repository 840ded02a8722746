"""HTTP transport: the aiohttp app serving ``/bot<token>/<method>`` and file downloads.

It authenticates, decodes parameters, applies injected failures, dispatches to the registered
method, logs every call as answered, and turns :class:`ApiError` into Telegram's JSON reply.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

from aiohttp import web

from . import registry
from .errors import ApiError
from .params import Params, decode_request
from .state import JSON, ApiCall

if TYPE_CHECKING:
    from .server import StandIn


def _refusal(code: int, description: str, parameters: JSON | None = None) -> web.Response:
    body: JSON = {"ok": False, "error_code": code, "description": description}
    if parameters:
        body["parameters"] = parameters
    return web.json_response(body, status=code)


class HttpTransport:
    """Serves one :class:`StandIn` on a TCP port until stopped."""

    def __init__(self, server: StandIn) -> None:
        self._server = server
        self._runner: web.AppRunner | None = None

    async def start(self, host: str, port: int) -> int:
        """Listen on ``host:port``; returns the port actually bound (port 0 picks one)."""
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_route("*", "/bot{token}/{method}", self._handle_api)
        app.router.add_get("/file/bot{token}/{path:.+}", self._handle_file)
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=1.0)
        await self._runner.setup()
        site = web.TCPSite(self._runner, host, port)
        await site.start()
        return int(self._runner.addresses[0][1])

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def _handle_api(self, request: web.Request) -> web.Response:
        server = self._server
        at = time.monotonic()
        method = request.match_info["method"]
        canonical = registry.canonical(method)
        # Calls are logged when answered; a long poll is answered late, so count arrivals too.
        server.arrived[canonical] += 1
        params: Params = {}
        try:
            if request.match_info["token"] != server.token:
                raise ApiError(401, "Unauthorized")
            handler = registry.lookup(method)
            if handler is None:
                raise ApiError(404, "Not Found")
            params = await decode_request(request)
            failure = server._failures.take(method, params)
            if failure is not None:
                extra = {"retry_after": failure.retry_after} if failure.retry_after else None
                raise ApiError(failure.status, failure.description, extra)
            result: Any = await handler(server, params)
        except ApiError as err:
            if err.code == 429:
                server.rate_limited_count += 1
            server.calls.append(
                ApiCall(canonical, params, False, err.code, err.description, None, at)
            )
            return _refusal(err.code, err.description, err.parameters)
        server.calls.append(ApiCall(canonical, params, True, None, None, result, at))
        return web.json_response({"ok": True, "result": result})

    async def _handle_file(self, request: web.Request) -> web.Response:
        server = self._server
        if request.match_info["token"] != server.token:
            return _refusal(401, "Unauthorized")
        stored = server._files_by_path.get(request.match_info["path"])
        if stored is None:
            return _refusal(404, "Not Found")
        return web.Response(
            body=stored.data, content_type=stored.mime_type or "application/octet-stream"
        )
