"""Buttons of the one-stop office's dossier card (and of its daily reminder of late ones)."""

from __future__ import annotations

from dataclasses import dataclass

from bot.ui.buttons import Button


@dataclass(frozen=True)
class SetStatus(Button, prefix="do:set"):
    """A status button on the office's card; a press may create the dossier."""

    status: str  # a DossierStatus; anything else is answered "not here", as a forged press
    code: str


@dataclass(frozen=True)
class SetDue(Button, prefix="do:due"):
    """«📅 Hẹn ngày trả mới»: the new date is asked by a reply prompt."""

    code: str


@dataclass(frozen=True)
class AddNote(Button, prefix="do:note"):
    """«📝 Ghi chú cho người dân»: the note is asked by a reply prompt."""

    code: str


@dataclass(frozen=True)
class ShowQr(Button, prefix="do:qr"):
    """The receipt's QR code, as a picture to print."""

    code: str


@dataclass(frozen=True)
class OpenDossier(Button, prefix="do:open"):
    """A late dossier in the office's reminder: its card, one tap away."""

    code: str
