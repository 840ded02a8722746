"""Refusals: how a Bot API method says no, answered by the transport in Telegram's JSON shape."""

from __future__ import annotations

from .state import JSON


class ApiError(Exception):
    """A refusal, carried to the HTTP layer and answered with Telegram's JSON shape."""

    def __init__(self, code: int, description: str, parameters: JSON | None = None) -> None:
        super().__init__(description)
        self.code = code
        self.description = description
        self.parameters = parameters


def bad_request(reason: str) -> ApiError:
    """A 400 worded as Telegram words it ("Bad Request: " + reason)."""
    return ApiError(400, f"Bad Request: {reason}")
