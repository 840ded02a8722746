"""Personal data (Decree 13/2023/NĐ-CP): a person erases theirs (``/xoadulieu``,
``/forgetme``), an admin exports one person's (``/xuatdulieu``). The consent notice is a
step of the complaint intake (bot/handlers/complaints/intake.py)."""

from __future__ import annotations

from bot.handlers.pressing import on_press
from bot.handlers.privacy import handlers
from bot.handlers.privacy.buttons import Forget
from bot.handlers.wiring import Wiring


def register(wiring: Wiring) -> None:
    # The confirmation is not given to the router: words typed while it waits are no answer
    # to it, so it is dropped (nothing erased) and the words are taken as usual.
    wiring.commands(handlers.forget_command, "xoadulieu", "forgetme")
    wiring.commands(handlers.export_command, "xuatdulieu", "exportdata")
    wiring.app.add_handler(on_press(Forget, handlers.forget_pressed))
