"""How a dossier reads in Telegram: the look-up card, what a follower is told when it changes
(with what to do next, in their language), and the office's daily reminder of late ones.

The service renders through :class:`TelegramDossierViews`, so its buttons are the features'
own: «Bỏ theo dõi» is this feature's, a late dossier's card is the office's.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from bot.domain.dossiers import Dossier
from bot.domain.unit import UnitProfile
from bot.handlers.dossiers.buttons import Unfollow
from bot.handlers.office.buttons import OpenDossier
from bot.html import NEWLINE, Html
from bot.i18n import I18n, Texts
from bot.services.views import View
from bot.ui.dossiers import day, status_label
from bot.ui.render import office_hours
from bot.ui.text import shorten

OVERDUE_SHOWN = 30  # dossiers listed in the office's reminder; the count says how many more
OVERDUE_BUTTONS = 6  # the oldest, one tap away from their card


class TelegramDossierViews:
    def __init__(
        self,
        i18n: I18n,
        procedure_name: Callable[[str], str | None],
        profile: Callable[[], UnitProfile],
    ) -> None:
        self._i18n = i18n
        self._procedure_name = procedure_name
        self._profile = profile

    def _due(self, texts: Texts, dossier: Dossier) -> str:
        return day(texts, dossier.due_on) if dossier.due_on else texts.plain("dossier.no_due")

    def card(self, dossier: Dossier, language: str) -> Html:
        texts = self._i18n.texts(language)
        name = self._procedure_name(dossier.procedure_code) if dossier.procedure_code else None
        lines = [
            texts(
                "dossier.card",
                code=dossier.code,
                status=status_label(texts, dossier),
                received=day(texts, dossier.received_on),
                due=self._due(texts, dossier),
            )
        ]
        if name:
            lines.append(texts("dossier.procedure", name=name))
        if dossier.note:
            lines.append(texts("dossier.note", note=dossier.note))
        return NEWLINE.join(lines)

    def update(self, dossier: Dossier, before: Dossier, language: str, late: bool) -> View:
        texts = self._i18n.texts(language)
        facts = {"code": dossier.code, "due": self._due(texts, dossier)}
        if late:
            assert before.due_on is not None
            text = texts("dossier.apology", old_due=day(texts, before.due_on), **facts)
        elif dossier.status != before.status:
            hours = office_hours(texts, self._profile().office_hours)
            text = texts(f"dossier.update.{dossier.status.value}", hours=hours, **facts)
        elif dossier.due_on != before.due_on:
            text = texts("dossier.update.due", **facts)
        else:
            text = texts("dossier.update.note", **facts)
        if dossier.note:
            text = text + "\n" + texts("dossier.note", note=dossier.note)
        unfollow = Unfollow(dossier.code).pair(texts.plain("dossier.button.unfollow"))
        return View(text, ((unfollow,),))

    def overdue(self, late: list[Dossier], today: dt.date) -> View:
        """The office's daily reminder, in the unit's language, oldest first."""
        texts = self._i18n.texts(self._i18n.default_language)
        lines: list[str] = [texts("dossier.overdue.head", n=len(late))]
        for dossier in late[:OVERDUE_SHOWN]:
            assert dossier.due_on is not None
            name = self._procedure_name(dossier.procedure_code) if dossier.procedure_code else None
            lines.append(
                texts.plural(
                    "dossier.overdue.line",
                    "dossier.overdue.line_plural",
                    (today - dossier.due_on).days,
                    code=dossier.code,
                    due=day(texts, dossier.due_on),
                    status=status_label(texts, dossier),
                )
                + (texts("dossier.overdue.procedure", name=shorten(name, 80)) if name else "")
            )
        if len(late) > OVERDUE_SHOWN:
            lines.append(texts("dossier.overdue.more", n=len(late) - OVERDUE_SHOWN))
        lines.append(texts("dossier.overdue.tail"))
        buttons = tuple(
            (OpenDossier(dossier.code).pair(dossier.code),) for dossier in late[:OVERDUE_BUTTONS]
        )
        return View(NEWLINE.join(lines), buttons)
