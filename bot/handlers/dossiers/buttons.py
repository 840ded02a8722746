"""Buttons of a citizen's dossier look-up: follow, stop following, leave the look-up."""

from __future__ import annotations

from dataclasses import dataclass

from bot.ui.buttons import Button


@dataclass(frozen=True)
class Follow(Button, prefix="ds:fol"):
    """«🔔 Theo dõi hồ sơ này» under a looked-up card: asks for the receipt's check value."""

    code: str  # as typed on the card; one no longer known is answered "stale"


@dataclass(frozen=True)
class Unfollow(Button, prefix="ds:unf"):
    """«🔕 Bỏ theo dõi» under a card or under the news of a change."""

    code: str


@dataclass(frozen=True)
class CancelLookup(Button, prefix="ds:cancel"):
    """«✖️ Hủy» under "which code?" and "which check value?"."""
