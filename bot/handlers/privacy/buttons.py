"""Buttons of /xoadulieu (``xd``): erase, or keep. The consent notice's buttons are the
complaint intake's (bot/handlers/complaints/buttons.py: ``Consent``)."""

from __future__ import annotations

from dataclasses import dataclass

from bot.ui.buttons import Button


@dataclass(frozen=True)
class Forget(Button, prefix="xd"):
    """Under the list of what would be erased. ``nonce`` names that one list: a press counts
    only while it is the person's latest and still waits, so an old, repeated or copied
    button erases nothing."""

    nonce: int
    erase: bool
