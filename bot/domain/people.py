"""The people the bot serves and where they are in a conversation."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True, slots=True)
class User:
    user_id: int
    first_name: str
    language: str | None  # explicit choice with /language
    tg_language: str | None  # Telegram's language_code


@dataclass(slots=True)
class Conversation:
    """A multi-step exchange in progress: which one, which step, what was gathered so far."""

    name: str
    step: str
    data: dict[str, Any] = field(default_factory=dict)
