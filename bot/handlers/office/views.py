"""The one-stop office's dossier card: what the dossier is, and a button for each thing the
office does to it."""

from __future__ import annotations

from bot.domain.dossiers import DossierStatus
from bot.handlers.office.buttons import AddNote, SetDue, SetStatus, ShowQr
from bot.i18n import Texts
from bot.storage.outbox import Buttons


def card_buttons(texts: Texts, code: str, known: bool) -> Buttons:
    """A status per button, two a row; for a dossier we have (``known``), also a new due
    date, a note for the citizen and the receipt's QR code."""
    statuses = list(DossierStatus)
    rows = [
        [
            SetStatus(status.value, code).pair(texts.plain(f"dossier.status.{status.value}"))
            for status in statuses[i : i + 2]
        ]
        for i in range(0, len(statuses), 2)
    ]
    if known:
        rows.append(
            [
                SetDue(code).pair(texts.plain("dossier.office.button.due")),
                AddNote(code).pair(texts.plain("dossier.office.button.note")),
            ]
        )
        rows.append([ShowQr(code).pair(texts.plain("dossier.office.button.qr"))])
    return tuple(tuple(row) for row in rows)
