"""Buttons under the leadership's figures: another period."""

from __future__ import annotations

from dataclasses import dataclass

from bot.domain.figures import PeriodKind
from bot.ui.buttons import Button


@dataclass(frozen=True)
class FiguresFor(Button, prefix="fg"):
    """The figures for a period counted back from today (this week, last month...)."""

    period: PeriodKind


@dataclass(frozen=True)
class ExportFor(Button, prefix="fx"):
    """The spreadsheet for a period counted back from today."""

    period: PeriodKind


@dataclass(frozen=True)
class OverdueTicket(Button, prefix="fd"):
    """One of the most overdue tickets a report lists, opened in the leadership's group."""

    ticket_id: int
