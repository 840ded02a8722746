"""The Bot API methods the stand-in answers, each registered under its name with ``@method``.

Telegram matches method names case-insensitively, so the table is keyed by the lower-case
name and remembers the canonical spelling for the call log.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from .params import Params

if TYPE_CHECKING:
    from .server import StandIn

Handler = Callable[["StandIn", Params], Awaitable[Any]]

_METHODS: dict[str, tuple[str, Handler]] = {}


def register(name: str, handler: Handler) -> None:
    """Answer Bot API method ``name`` with ``handler(server, params)``."""
    key = name.lower()
    if key in _METHODS:
        raise ValueError(f"Bot API method {name} registered twice")
    _METHODS[key] = (name, handler)


def method(name: str) -> Callable[[Handler], Handler]:
    """Decorator form of :func:`register`."""

    def decorate(handler: Handler) -> Handler:
        register(name, handler)
        return handler

    return decorate


def lookup(name: str) -> Handler | None:
    """The handler for ``name`` in any capitalisation, or ``None`` (Telegram answers 404)."""
    entry = _METHODS.get(name.lower())
    return entry[1] if entry else None


def canonical(name: str) -> str:
    """The registered spelling of ``name``; unknown names are kept as given."""
    entry = _METHODS.get(name.lower())
    return entry[0] if entry else name
