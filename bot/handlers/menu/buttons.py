"""The menu feature's own buttons (the main menu's items are shared: bot/ui/buttons.py)."""

from __future__ import annotations

from dataclasses import dataclass

from bot.ui.buttons import Button


@dataclass(frozen=True)
class ChooseLanguage(Button, prefix="lang"):
    code: str
