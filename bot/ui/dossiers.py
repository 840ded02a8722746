"""How a dossier reads: the look-up card, and what a follower is told when it changes, with
what to do next (bring documents, come for the result) in their language."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable

import segno

from bot.domain.dossiers import LINK_KIND, Dossier, follow_payload
from bot.domain.unit import UnitProfile
from bot.i18n import Html, I18n, Texts
from bot.services.dossier_import import Refusal
from bot.services.views import View
from bot.ui.callbacks import encode
from bot.ui.cards import shorten
from bot.ui.render import office_hours


def follow_link(bot_username: str, dossier: Dossier) -> str:
    """What the receipt prints (and its QR code holds): opens the bot following the dossier."""
    payload = f"{LINK_KIND}-{follow_payload(dossier.code, dossier.check_value)}"
    return f"https://t.me/{bot_username.lstrip('@')}?start={payload}"


def qr_png(link: str) -> bytes:
    """A QR code a phone's camera reads off a printed receipt."""
    out = io.BytesIO()
    segno.make(link, error="m").save(out, kind="png", scale=8, border=4)
    return out.getvalue()


def day(texts: Texts, value: dt.date) -> str:
    """A date as people write it: "Thứ Sáu 04/12/2026"."""
    return texts.date(value, texts.plain("format.day"))


def refusal_text(texts: Texts, refusal: Refusal) -> str:
    """ "motcua.csv:5: Ngày hẹn trả: «31/11/2026» không phải ngày…", in the reader's language."""
    where = f"{refusal.file}:{refusal.line}" if refusal.line else refusal.file
    why = texts.plain(f"dossier.refusal.{refusal.reason}", **dict(refusal.values))
    return ": ".join(part for part in (where, refusal.field, why) if part)


def status_label(texts: Texts, dossier: Dossier) -> str:
    return texts.plain(f"dossier.status.{dossier.status.value}")


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
        return Html("\n".join(lines))

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
            text = Html(text + "\n" + texts("dossier.note", note=dossier.note))
        unfollow = texts.plain("dossier.button.unfollow")
        return View(text, (((unfollow, encode("ds", "unf", dossier.code)),),))

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
            ((dossier.code, encode("do", "open", dossier.code)),)
            for dossier in late[:OVERDUE_BUTTONS]
        )
        return View(Html("\n".join(lines)), buttons)
