"""Inline keyboards; every label comes from the catalogue, every data from the codec."""

from __future__ import annotations

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
