"""Teaching the bot: ``/misses``, the admins' queue of questions it could not answer well,
and what an admin does about each (an alias, a new everyday answer, or dismissing it)."""

from __future__ import annotations

from bot.handlers.pressing import on_press
from bot.handlers.teaching import handlers
from bot.handlers.teaching.buttons import (
    DismissMiss,
    FindOther,
    MissesPage,
    StopTeaching,
    TeachAs,
    TeachMiss,
    UndoTeach,
    WriteAnswer,
)
from bot.handlers.wiring import Wiring


def register(wiring: Wiring) -> None:
    wiring.commands(handlers.misses_command, "misses")
    wiring.router.register(handlers.TEACH, handlers.step)
    app = wiring.app
    app.add_handler(on_press(MissesPage, handlers.page_pressed))
    app.add_handler(on_press(TeachMiss, handlers.teach_pressed))
    app.add_handler(on_press(TeachAs, handlers.teach_as_pressed))
    app.add_handler(on_press(FindOther, handlers.find_pressed))
    app.add_handler(on_press(WriteAnswer, handlers.write_pressed))
    app.add_handler(on_press(DismissMiss, handlers.dismiss_pressed))
    app.add_handler(on_press(UndoTeach, handlers.undo_pressed))
    app.add_handler(on_press(StopTeaching, handlers.stop_pressed))
