"""Questions typed in a private chat: «Hỏi về thủ tục» and any words no other feature took,
answered with a procedure's card, an everyday answer (faq.yaml) or a short list of both."""

from __future__ import annotations

from telegram import Update

from bot.handlers.answers import handlers
from bot.handlers.answers.buttons import Related, ShowFaq, ShowOffice
from bot.handlers.context import BotContext
from bot.handlers.pressing import on_press
from bot.handlers.wiring import QUESTIONS, Wiring
from bot.ui.buttons import MenuEntry


def register(wiring: Wiring) -> None:
    async def ask(update: Update, context: BotContext) -> None:
        more = [row for rows in wiring.ask_screen for row in rows(context)]
        await handlers.ask_item(update, context, more)

    wiring.menu[MenuEntry.ASK] = ask
    wiring.questions = handlers.answer_question
    wiring.router.register(handlers.ASK, handlers.question_asked)
    wiring.text.add(handlers.free_text, QUESTIONS)
    wiring.app.add_handler(on_press(ShowFaq, handlers.faq_pressed))
    wiring.app.add_handler(on_press(ShowOffice, handlers.office_pressed))
    wiring.app.add_handler(on_press(Related, handlers.related_pressed))
