"""Buttons of everyday answers: an entry of faq.yaml, and an office's place on the map."""

from __future__ import annotations

from dataclasses import dataclass

from bot.domain.offices import OfficeKind
from bot.ui.buttons import Button


@dataclass(frozen=True)
class ShowFaq(Button, prefix="fq"):
    """An everyday answer, from a list that mixes them with procedures."""

    entry: str


@dataclass(frozen=True)
class ShowOffice(Button, prefix="fo"):
    """Where an office is: its pin on the map, address, hours and phone."""

    kind: OfficeKind  # one the unit no longer lists is answered as gone
