"""Logging that never writes the bot token, a phone number or what people sent in clear.

httpx logs every request URL, and Telegram's URLs contain the token; exceptions can carry
what a citizen typed. Redaction happens on the final formatted line, traceback included.
At DEBUG, python-telegram-bot logs every update and every call's parameters and answer
(names, phones, complaints) and aiosqlite every statement's parameters: from those
libraries only the message and its short plain arguments (an endpoint's name, a number)
are written, never the payloads (Decree 13/2023/NĐ-CP; tests/test_privacy.py checks a
whole session's log).
"""

from __future__ import annotations

import copy
import logging
import re
from collections.abc import Mapping
from typing import TextIO

_PHONE = re.compile(r"(?<!\d)(?:\+?84|0)(?:[\s.-]?\d){8,10}(?!\d)")
_TOKEN = re.compile(r"(?<!\d)\d{5,}:[A-Za-z0-9_-]{20,}")


# Libraries whose log arguments are what passed through them: updates, API parameters and
# answers, SQL parameters.
_PAYLOAD_LOGGERS = frozenset({"telegram", "aiosqlite", "httpx", "httpcore"})
_PLAIN_ARGUMENT = re.compile(r"[A-Za-z0-9_./:()-]{0,64}")  # `sendMessage`, `getUpdates`
_WITHHELD = "[…]"


def _argument(value: object) -> object:
    """A log argument kept if it cannot carry what a person sent, else withheld."""
    if value is None or isinstance(value, bool | int | float):
        return value
    if isinstance(value, str) and _PLAIN_ARGUMENT.fullmatch(value):
        return value
    return _WITHHELD


class RedactingFormatter(logging.Formatter):
    def __init__(self, fmt: str, secrets: list[str]) -> None:
        super().__init__(fmt)
        self._secrets = [s for s in secrets if s]

    def format(self, record: logging.LogRecord) -> str:
        if record.args and record.name.split(".", 1)[0] in _PAYLOAD_LOGGERS:
            record = copy.copy(record)  # other handlers still get the record as it was
            args = record.args
            if isinstance(args, Mapping):
                record.args = {key: _argument(value) for key, value in args.items()}
            elif isinstance(args, tuple):
                record.args = tuple(_argument(value) for value in args)
        return redact(super().format(record), self._secrets)


def redact(text: str, secrets: list[str] = []) -> str:  # noqa: B006 - read only
    for secret in secrets:
        text = text.replace(secret, "[token]")
    text = _TOKEN.sub("[token]", text)
    return _PHONE.sub("[phone]", text)


def log_handler(secrets: list[str], stream: TextIO | None = None) -> logging.Handler:
    """The bot's log, to ``stream`` (standard error by default), redacted."""
    handler = logging.StreamHandler(stream)
    handler.setFormatter(
        RedactingFormatter("%(asctime)s %(levelname)s %(name)s: %(message)s", secrets)
    )
    return handler


def setup_logging(level: str, secrets: list[str]) -> None:
    handler = log_handler(secrets)
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    # Request lines are noise at INFO and carry the token in their URL.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger("apscheduler").setLevel(logging.WARNING)
