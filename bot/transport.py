"""python-telegram-bot's Bot API requests carried by aiohttp instead of httpx.

Every update costs the bot two or three Bot API calls (answer the button, send the reply, the
outbox's alerts), and with httpx the HTTP layer was the largest share of the bot's CPU (see
bench/e2e.py and bench/complaints.py). aiohttp does the same work for less; the calls, their
timeouts and their errors are python-telegram-bot's own. Bodies go as JSON, which the Bot API
accepts for every method; uploads go as multipart forms.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import aiohttp
from telegram._utils.defaultvalue import DefaultValue
from telegram._utils.types import JSONDict, ODVInput
from telegram.error import NetworkError, TimedOut
from telegram.request import BaseRequest, RequestData


def _seconds(value: ODVInput[float], default: float | None) -> float | None:
    return default if isinstance(value, DefaultValue) else value


def valid_unicode(value: Any) -> Any:
    """``value`` with every lone surrogate (``"\\ud800"`` in JSON, which no UTF-8 text can
    hold) replaced by U+FFFD: text that arrives so would break wherever it is encoded again —
    SQLite, a log line, our own reply."""
    if isinstance(value, str):
        return value.encode("utf-16", "surrogatepass").decode("utf-16", "replace")
    if isinstance(value, list):
        return [valid_unicode(item) for item in value]
    if isinstance(value, dict):
        return {valid_unicode(key): valid_unicode(item) for key, item in value.items()}
    return value


def escapes_surrogates(payload: bytes) -> bool:
    """JSON holding a surrogate escape (``\\ud800``), maybe a lone one: only then is it worth
    walking what it decodes to with :func:`valid_unicode`."""
    return b"\\ud" in payload or b"\\uD" in payload


class AiohttpRequest(BaseRequest):
    @staticmethod
    def parse_json_payload(payload: bytes) -> JSONDict:
        data = BaseRequest.parse_json_payload(payload)
        return valid_unicode(data) if escapes_surrogates(payload) else data

    def __init__(
        self,
        connection_pool_size: int = 16,
        read_timeout: float | None = 5.0,
        write_timeout: float | None = 5.0,
        connect_timeout: float | None = 5.0,
        media_write_timeout: float | None = 20.0,
    ) -> None:
        self._pool_size = connection_pool_size
        self._read_timeout = read_timeout
        self._write_timeout = write_timeout
        self._connect_timeout = connect_timeout
        self._media_write_timeout = media_write_timeout
        self._session: aiohttp.ClientSession | None = None
        # Each answer's HTTP status, as it comes (the health check and the metrics listen).
        self.on_answer: Callable[[int], None] = lambda status: None

    @property
    def read_timeout(self) -> float | None:
        return self._read_timeout

    async def initialize(self) -> None:
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(
                connector=aiohttp.TCPConnector(limit=self._pool_size),
                headers={"User-Agent": self.USER_AGENT},
            )

    async def shutdown(self) -> None:
        if self._session is not None and not self._session.closed:
            await self._session.close()

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        write_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        connect_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        pool_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        if self._session is None or self._session.closed:
            raise RuntimeError("This AiohttpRequest is not initialized!")
        uploads = request_data is not None and request_data.contains_files
        write_default = self._media_write_timeout if uploads else self._write_timeout
        read = _seconds(read_timeout, self._read_timeout)
        write = _seconds(write_timeout, write_default)
        total = None if read is None or write is None else read + write
        timeout = aiohttp.ClientTimeout(
            total=total,
            sock_connect=_seconds(connect_timeout, self._connect_timeout),
            sock_read=read,
        )
        body: Any = None
        headers: dict[str, str] = {}
        if request_data is not None and uploads:
            form = aiohttp.FormData()
            for name, value in request_data.json_parameters.items():
                form.add_field(name, value)
            for name, (filename, content, mime_type) in request_data.multipart_data.items():
                form.add_field(name, content, filename=filename, content_type=mime_type)
            body = form
        elif request_data is not None:
            body = request_data.json_payload
            headers["Content-Type"] = "application/json"
        try:
            async with self._session.request(
                method, url, data=body, headers=headers, timeout=timeout
            ) as response:
                body = await response.read()
        except TimeoutError as error:  # asyncio's timeouts are this class since 3.11
            raise TimedOut from error
        except aiohttp.ClientError as error:
            raise NetworkError(f"aiohttp.{type(error).__name__}: {error}") from error
        self.on_answer(response.status)
        return response.status, body
