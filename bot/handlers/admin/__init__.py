"""Admin work in a private chat: the bot's data files (``/files``, ``/unit``, a file sent
back) and who may not file (``/block``). The questions the bot could not answer
(``/misses``) are the teaching feature's (bot/handlers/teaching)."""

from __future__ import annotations

from bot.handlers.admin import handlers
from bot.handlers.admin.buttons import GetFile, RestoreFile
from bot.handlers.pressing import on_press
from bot.handlers.wiring import Wiring

FILES = 0  # an admin's data file or dossier list is asked about before any other use of a file


def register(wiring: Wiring) -> None:
    wiring.commands(handlers.unit_command, "unit")
    wiring.commands(handlers.files_command, "files")
    wiring.commands(handlers.block_command, "block", "unblock")
    wiring.commands(handlers.web_command, "admin")
    wiring.documents.add(handlers.document_received, FILES)
    wiring.app.add_handler(on_press(GetFile, handlers.get_pressed))
    wiring.app.add_handler(on_press(RestoreFile, handlers.restore_pressed))
