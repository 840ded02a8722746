"""The announcements' buttons: an admin's draft sent or dropped, and a citizen's "no more"."""

from __future__ import annotations

from dataclasses import dataclass

from bot.ui.buttons import Button


@dataclass(frozen=True)
class SendAnnouncement(Button, prefix="an:send"):
    """«Gửi cho N người» under the admin's preview."""


@dataclass(frozen=True)
class DropAnnouncement(Button, prefix="an:cancel"):
    """«✖️ Hủy» under the admin's preview."""


@dataclass(frozen=True)
class NoMoreNews(Button, prefix="an:off"):
    """Under every announcement: the citizen wants no more of them."""
