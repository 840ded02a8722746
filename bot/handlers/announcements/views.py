"""How an announcement reads: the office's name over the admin's words (escaped, as written),
and the way to say no to more."""

from __future__ import annotations

from collections.abc import Callable

from bot.domain.unit import UnitProfile
from bot.handlers.announcements.buttons import NoMoreNews
from bot.i18n import I18n
from bot.services.views import View


def announcement_view(i18n: I18n, profile: Callable[[], UnitProfile]) -> Callable[[str, str], View]:
    def view(text: str, language: str) -> View:
        texts = i18n.texts(language)
        body = texts("announce.message", unit=profile().name.get(language), text=text)
        return View(body, ((NoMoreNews().pair(texts.plain("announce.button.off")),),))

    return view
