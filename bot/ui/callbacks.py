"""Callback data: ``action:arg:arg``, at most 64 bytes as Telegram requires.

Anything that does not decode to a known action is treated as a stale or forged button: the
handler answers politely and shows the menu instead of acting on it.
"""

from __future__ import annotations

from dataclasses import dataclass

MAX_BYTES = 64
SEPARATOR = ":"


class CallbackDataError(ValueError):
    pass


@dataclass(frozen=True, slots=True)
class Callback:
    action: str
    args: tuple[str, ...] = ()

    def arg(self, index: int, default: str = "") -> str:
        return self.args[index] if index < len(self.args) else default


def encode(action: str, *args: object) -> str:
    parts = [action, *map(str, args)]
    if any(SEPARATOR in p or not p for p in parts[:1]) or any(SEPARATOR in p for p in parts):
        raise CallbackDataError(f"callback part contains {SEPARATOR!r} or is empty: {parts!r}")
    data = SEPARATOR.join(parts)
    if len(data.encode("utf-8")) > MAX_BYTES:
        raise CallbackDataError(f"callback data over {MAX_BYTES} bytes: {data!r}")
    return data


def number(text: str) -> int:
    """A small non-negative number from callback data; 0 (never an id) for anything forged:
    "²", "١٢", or 20 digits SQLite cannot hold."""
    return int(text) if text.isascii() and text.isdigit() and len(text) <= 9 else 0


def decode(data: str | None) -> Callback | None:
    """The callback, or None for data we could never have produced."""
    if not data or len(data.encode("utf-8")) > MAX_BYTES:
        return None
    action, *args = data.split(SEPARATOR)
    if not action.isascii() or not action.replace("_", "").replace(".", "").isalnum():
        return None
    return Callback(action, tuple(args))
