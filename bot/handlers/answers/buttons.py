"""Buttons of answers: an entry of faq.yaml, an office's place on the map, and a «↪» choice
under an outright answer."""

from __future__ import annotations

from dataclasses import dataclass

from bot.domain.offices import OfficeKind
from bot.ui.buttons import Button, Meaning


@dataclass(frozen=True)
class ShowFaq(Button, prefix="fq"):
    """An everyday answer, from a list that mixes them with procedures."""

    entry: str


@dataclass(frozen=True)
class ShowOffice(Button, prefix="fo"):
    """Where an office is: its pin on the map, address, hours and phone."""

    kind: OfficeKind  # one the unit no longer lists is answered as gone


@dataclass(frozen=True)
class Related(Button, prefix="rl"):
    """«↪» under an outright answer: what else the question may have meant. Pressed, it says
    the answer was not it (``ticket``: the question, remembered by the admins' queue)."""

    ticket: int
    meaning: Meaning
    key: str  # a procedure's code or an FAQ entry's id
