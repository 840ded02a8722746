"""The leadership's figures for a period: ``/thongke`` (``/stats``), text and a chart, and
``/xuatbaocao`` (``/export``), a spreadsheet."""

from __future__ import annotations

from bot.handlers.figures import handlers
from bot.handlers.figures.buttons import ExportFor, FiguresFor, OverdueTicket
from bot.handlers.pressing import on_press
from bot.handlers.wiring import Wiring


def register(wiring: Wiring) -> None:
    wiring.commands(handlers.command, "thongke", "stats")
    wiring.commands(handlers.export_command, "xuatbaocao", "export")
    wiring.app.add_handler(on_press(FiguresFor, handlers.period_pressed))
    wiring.app.add_handler(on_press(ExportFor, handlers.export_pressed))
    wiring.app.add_handler(on_press(OverdueTicket, handlers.overdue_pressed))
