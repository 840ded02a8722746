"""Questions about procedures: search answers, cards and their sections, browsing by field."""

from __future__ import annotations

from telegram import Update

from bot.handlers.context import BotContext
from bot.handlers.pressing import on_press
from bot.handlers.procedures import handlers
from bot.handlers.procedures.buttons import Field, Fields, NoneFit, ShowSection
from bot.handlers.wiring import QUESTIONS, Wiring
from bot.ui.buttons import MenuEntry, ShowCard


def register(wiring: Wiring) -> None:
    async def ask(update: Update, context: BotContext) -> None:
        more = [row for rows in wiring.ask_screen for row in rows(context)]
        await handlers.ask_item(update, context, more)

    async def link(update: Update, context: BotContext, argument: str) -> bool:
        """``/start p-1_001193``: a QR code on a poster opens a procedure's card."""
        chat = update.effective_chat
        if chat is None:
            return False
        return await handlers.show_card(context, chat.id, argument.replace("_", "."))

    wiring.menu[MenuEntry.ASK] = ask
    wiring.menu[MenuEntry.BROWSE] = handlers.browse_item
    wiring.questions = handlers.answer_question
    wiring.router.register(handlers.ASK, handlers.question_asked)
    wiring.text.add(handlers.free_text, QUESTIONS)
    wiring.links.register("p", link)
    for press in (
        on_press(ShowCard, handlers.card_pressed),
        on_press(ShowSection, handlers.section_pressed),
        on_press(NoneFit, handlers.none_fit),
        on_press(Fields, handlers.fields_pressed),
        on_press(Field, handlers.field_pressed),
    ):
        wiring.app.add_handler(press)
