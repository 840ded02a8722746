"""Every text a person reads exists in Vietnamese and English, is NFC, and is valid HTML."""

from __future__ import annotations

import re
import string
import unicodedata
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from bot.i18n import LOCALES_DIR, I18n
from bot.standin.html import parse_html

ROOT = Path(__file__).resolve().parent.parent
KEY_CALL = re.compile(r"""texts(?:\.plain)?\(\s*f?["']([a-z_]+(?:\.[a-z_{}]+)+)["']""")


def _catalogue(language: str) -> dict[str, str]:
    with (LOCALES_DIR / language / "LC_MESSAGES" / "bot.po").open("rb") as fh:
        catalog = read_po(fh)
    return {str(m.id): str(m.string) for m in catalog if m.id}


def _keys_in_code() -> set[str]:
    keys = set()
    for path in (ROOT / "bot").rglob("*.py"):
        keys.update(KEY_CALL.findall(path.read_text(encoding="utf-8")))
    return keys


@pytest.mark.parametrize("language", ["vi", "en"])
def test_every_key_used_in_code_is_translated(language: str) -> None:
    catalogue = _catalogue(language)
    known = set(catalogue)
    for key in _keys_in_code():
        if "{" in key:  # f-string family such as menu.{item}: at least one member exists
            prefix = key.split("{")[0]
            assert any(k.startswith(prefix) for k in known), key
        else:
            assert key in known, f"{key} missing from {language}"
    assert all(value.strip() for value in catalogue.values())


def test_languages_have_the_same_keys_and_placeholders() -> None:
    vi, en = _catalogue("vi"), _catalogue("en")
    assert vi.keys() == en.keys()
    fields = string.Formatter()
    for key in vi:
        assert {f for _, f, _, _ in fields.parse(vi[key]) if f} == {
            f for _, f, _, _ in fields.parse(en[key]) if f
        }, key


@pytest.mark.parametrize("language", ["vi", "en"])
def test_texts_are_nfc_and_valid_telegram_html(language: str) -> None:
    for key, value in _catalogue(language).items():
        assert unicodedata.is_normalized("NFC", value), key
        parse_html(value)  # raises on markup Telegram would refuse


def test_vietnamese_has_its_diacritics() -> None:
    vi = _catalogue("vi")
    assert "Xin chào" in vi["start.greeting"] and vi["command.language"] == "Đổi ngôn ngữ"


def test_formats_follow_the_language() -> None:
    import datetime as dt

    i18n = I18n("vi")
    assert i18n.texts("vi").number(1234567.5) == "1.234.567,5"
    assert i18n.texts("en").number(1234567.5) == "1,234,567.5"
    assert i18n.texts("vi").date(dt.date(2026, 2, 17), "full") == "Thứ Ba, 17 tháng 2, 2026"
