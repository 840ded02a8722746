"""No test reaches the internet; no log line carries the token or a phone number."""

from __future__ import annotations

import logging
import socket

import pytest

from bot.logs import RedactingFormatter, redact
from tests.netguard import NetworkAccessError


def test_connecting_outside_loopback_fails_loudly() -> None:
    with pytest.raises(NetworkAccessError), socket.create_connection(("93.184.216.34", 443), 1):
        pass


def test_resolving_a_public_name_fails_loudly() -> None:
    with pytest.raises(NetworkAccessError):
        socket.getaddrinfo("api.telegram.org", 443)


def test_redaction_of_token_and_phones() -> None:
    line = (
        "POST https://api.telegram.org/bot123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw/sendMessage"
        " for 0912 345 678 and +84987654321"
    )
    out = redact(line)
    assert "AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw" not in out
    assert "345 678" not in out and "987654321" not in out
    assert out.count("[phone]") == 2


def test_library_payloads_are_withheld_from_the_log_but_their_names_kept() -> None:
    """python-telegram-bot and aiosqlite log what passed through them at DEBUG: the citizen's
    name and words are withheld, the endpoint and the numbers kept; our own lines are as
    written (tests/test_privacy.py checks a whole session)."""
    formatter = RedactingFormatter("%(name)s: %(message)s", [])

    def line(name: str, message: str, *args: object) -> str:
        record = logging.LogRecord(name, logging.DEBUG, __file__, 1, message, args, None)
        return formatter.format(record)

    params = {"chat_id": 1, "text": "Nhà bà Nguyễn Thị Lan ngõ 4"}
    sent = line("telegram.ext.ExtBot", "Calling `%s` with `%s`", "sendMessage", params)
    assert sent == "telegram.ext.ExtBot: Calling `sendMessage` with `[…]`"
    assert line("aiosqlite", "executing %s", ("INSERT", ("Lan",))) == "aiosqlite: executing […]"
    assert line("telegram.ext.Updater", "update %s of %d", "Lan Anh", 7) == (
        "telegram.ext.Updater: update […] of 7"
    )
    assert line("bot.delivery.worker", "row %s: %s", 3, "Lan Anh") == (
        "bot.delivery.worker: row 3: Lan Anh"
    )
