"""Inline keyboards; every label comes from the catalogue, every data from the codec."""

from __future__ import annotations

from collections.abc import Sequence

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.i18n import Texts
from bot.ui.callbacks import encode

MENU_ITEMS = ("ask", "complain", "dossier", "mine", "language")


_menus: dict[str, InlineKeyboardMarkup] = {}


def main_menu(texts: Texts) -> InlineKeyboardMarkup:
    """The main menu; built once per language (keyboards are immutable)."""
    menu = _menus.get(texts.language)
    if menu is None:
        rows = [
            [InlineKeyboardButton(texts.plain(f"menu.{item}"), callback_data=encode("m", item))]
            for item in MENU_ITEMS
        ]
        menu = _menus[texts.language] = InlineKeyboardMarkup(rows)
    return menu


def inline(rows: Sequence[Sequence[tuple[str, str]]]) -> InlineKeyboardMarkup | None:
    """Rows of (label, callback data), as services describe buttons, for Telegram."""
    if not rows:
        return None
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(label, callback_data=data) for label, data in row] for row in rows]
    )


def cancel_only(texts: Texts, action: str) -> InlineKeyboardMarkup:
    """Just «✖️ Hủy» under a question, for the feature ``action`` to answer."""
    label = texts.plain("complaint.button.cancel")
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(label, callback_data=encode(action, "cancel"))]]
    )


def back_to_menu(texts: Texts) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(texts.plain("menu.back"), callback_data=encode("m", "home"))]]
    )


def languages(texts: Texts, available: list[str]) -> InlineKeyboardMarkup:
    """One button per language, labelled in that language's own name; the current one ticked."""
    rows = []
    for code in available:
        label = texts.plain(f"language.name.{code}")
        if code == texts.language:
            label = "✓ " + label
        rows.append([InlineKeyboardButton(label, callback_data=encode("lang", code))])
    return InlineKeyboardMarkup(rows)
