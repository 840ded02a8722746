"""Who may call the bot's HTTP server, and in which language a refusal is worded."""

from __future__ import annotations

import ipaddress
import secrets

from aiohttp import web

from bot.i18n import I18n, Texts

PROXIED = ("X-Forwarded-For", "Forwarded", "X-Real-IP")


def bearer_matches(request: web.Request, token: str) -> bool:
    scheme, _, given = request.headers.get("Authorization", "").partition(" ")
    # Bytes, not str: compare_digest refuses non-ASCII text, and a header may hold any.
    same = secrets.compare_digest(given.encode("utf-8", "surrogateescape"), token.encode())
    return scheme.lower() == "bearer" and same


def from_this_machine(request: web.Request) -> bool:
    """A loopback caller that no proxy stands in front of: a reverse proxy on the same host
    adds ``X-Forwarded-For`` (or ``Forwarded``), so what it passes on is not local."""
    if any(header in request.headers for header in PROXIED):
        return False
    try:
        return ipaddress.ip_address(request.remote or "").is_loopback
    except ValueError:
        return False


def texts_for(i18n: I18n, request: web.Request) -> Texts:
    """English for software, unless the caller asks for Vietnamese."""
    wanted = request.headers.get("Accept-Language", "").strip().lower()
    return i18n.texts("vi" if wanted.startswith("vi") else "en")
