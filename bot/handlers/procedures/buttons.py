"""Buttons of the procedures feature (a card itself is ``ShowCard``, shared: bot/ui/buttons.py)."""

from __future__ import annotations

import enum
from dataclasses import dataclass

from bot.ui.buttons import Button


class Section(enum.StrEnum):
    """What a card keeps behind a button."""

    DOCS = "docs"
    CHECKLIST = "checklist"  # «Danh sách cần mang»: a list to tick, forward or print
    STEPS = "steps"
    CONDITIONS = "conditions"
    LEGAL = "legal"
    FEES = "fees"


@dataclass(frozen=True)
class ShowSection(Button, prefix="pd"):
    code: str
    section: str  # a Section; one a procedure no longer has is "gone", as the procedure is


@dataclass(frozen=True)
class NoneFit(Button, prefix="sn"):
    """«Không có thủ tục tôi cần»: under a list of search results; ``miss`` is the question
    recorded for admins (0 on buttons sent before questions were recorded); ``answers`` when
    the list also held everyday answers, so that the words are not about procedures only."""

    miss: int = 0
    answers: bool = False


@dataclass(frozen=True)
class Fields(Button, prefix="fl"):
    """The fields (lĩnh vực) to browse, a page of them."""

    page: int


@dataclass(frozen=True)
class Field(Button, prefix="fp"):
    """The procedures of one field, a page of them."""

    key: str
    page: int
