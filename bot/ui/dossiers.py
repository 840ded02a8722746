"""What several features say about a dossier: its day, its status, the receipt's link and QR
code, an import's refusal. The views that build buttons are the dossier features' own."""

from __future__ import annotations

import datetime as dt
import io

from bot.domain.dossiers import LINK_KIND, Dossier, follow_payload
from bot.i18n import Texts
from bot.services.dossier_import import Refusal


def follow_link(bot_username: str, dossier: Dossier) -> str:
    """What the receipt prints (and its QR code holds): opens the bot following the dossier."""
    payload = f"{LINK_KIND}-{follow_payload(dossier.code, dossier.check_value)}"
    return f"https://t.me/{bot_username.lstrip('@')}?start={payload}"


def qr_png(link: str) -> bytes:
    """A QR code a phone's camera reads off a printed receipt."""
    import segno  # only the one-stop office's receipts need it: 0.8 MB not every bot carries

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
