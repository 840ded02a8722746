"""No test reaches the internet; no log line carries the token or a phone number."""

from __future__ import annotations

import socket

import pytest

from bot.logs import redact
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
