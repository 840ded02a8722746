"""Inline keyboards; every label comes from the catalogue, every data from the codec."""

from __future__ import annotations

from collections.abc import Sequence

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.i18n import Texts
from bot.ui.buttons import Button, CancelDraft, MenuEntry, MenuItem

MENU_ITEMS = (
    MenuEntry.ASK,
    MenuEntry.COMPLAIN,
    MenuEntry.DOSSIER,
    MenuEntry.MINE,
    MenuEntry.LANGUAGE,
)
HOME = MenuItem(MenuEntry.HOME)


_menus: dict[str, InlineKeyboardMarkup] = {}


def main_menu(texts: Texts) -> InlineKeyboardMarkup:
    """The main menu; built once per language (keyboards are immutable)."""
    menu = _menus.get(texts.language)
    if menu is None:
        rows = [[MenuItem(item).button(texts.plain(f"menu.{item.value}"))] for item in MENU_ITEMS]
        menu = _menus[texts.language] = InlineKeyboardMarkup(rows)
    return menu


def inline(rows: Sequence[Sequence[tuple[str, str]]]) -> InlineKeyboardMarkup | None:
    """Rows of (label, callback data), as services describe buttons, for Telegram."""
    if not rows:
        return None
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(label, callback_data=data) for label, data in row] for row in rows]
    )


def cancel_only(texts: Texts, cancel: Button | None = None) -> InlineKeyboardMarkup:
    """Just «✖️ Hủy» under a question: the feature's own ``cancel``, else a draft's."""
    label = texts.plain("complaint.button.cancel")
    return InlineKeyboardMarkup([[(cancel or CancelDraft()).button(label)]])


def above_last(
    markup: InlineKeyboardMarkup, rows: Sequence[Sequence[InlineKeyboardButton]]
) -> InlineKeyboardMarkup:
    """``markup`` with ``rows`` added before its last row: the way back stays at the bottom."""
    kept = markup.inline_keyboard
    return InlineKeyboardMarkup([*kept[:-1], *rows, *kept[-1:]])


def back_button(texts: Texts) -> InlineKeyboardButton:
    """«⬅️ Về menu chính»."""
    return HOME.button(texts.plain("menu.back"))


def back_key(texts: Texts) -> tuple[str, str]:
    """«⬅️ Về menu chính», as services describe a button."""
    return HOME.pair(texts.plain("menu.back"))


def back_to_menu(texts: Texts) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[back_button(texts)]])
