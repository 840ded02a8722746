"""The bot's texts in each language, loaded once for tests that read a message outside a chat."""

from __future__ import annotations

from bot.i18n import I18n

_I18N = I18n("vi")
VIETNAMESE = _I18N.texts("vi")
ENGLISH = _I18N.texts("en")
