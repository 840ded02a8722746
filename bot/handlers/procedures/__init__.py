"""Procedures: cards and their sections, browsing by field, deep links to a card."""

from __future__ import annotations

from telegram import Update

from bot.handlers.context import BotContext
from bot.handlers.pressing import on_press
from bot.handlers.procedures import handlers
from bot.handlers.procedures.buttons import Field, Fields, NoneFit, ShowSection
from bot.handlers.wiring import Wiring
from bot.ui.buttons import MenuEntry, ShowCard


def register(wiring: Wiring) -> None:
    async def link(update: Update, context: BotContext, argument: str) -> bool:
        """``/start p-1_001193``: a QR code on a poster opens a procedure's card."""
        chat = update.effective_chat
        if chat is None:
            return False
        return await handlers.show_card(context, chat.id, argument.replace("_", "."))

    wiring.menu[MenuEntry.BROWSE] = handlers.browse_item
    wiring.links.register("p", link)
    for press in (
        on_press(ShowCard, handlers.card_pressed),
        on_press(ShowSection, handlers.section_pressed),
        on_press(NoneFit, handlers.none_fit),
        on_press(Fields, handlers.fields_pressed),
        on_press(Field, handlers.field_pressed),
    ):
        wiring.app.add_handler(press)
