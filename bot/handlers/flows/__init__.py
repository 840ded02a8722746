"""Guided FAQ flows: a question or two with buttons leads a citizen to the right procedure.

The flow conversation stays on ``router.register_raw``: its steps are not code but data an
admin writes in flows.yaml (saved as ``"<flow>:<step>"``), so no Enum can list them.
"""

from __future__ import annotations

from telegram import Update

from bot.domain.people import Conversation
from bot.flows.engine import CONVERSATION
from bot.handlers.context import BotContext
from bot.handlers.flows import handlers, views
from bot.handlers.flows.buttons import GuidedFlow
from bot.handlers.pressing import on_press
from bot.handlers.wiring import Wiring


def register(wiring: Wiring) -> None:
    async def typed(update: Update, context: BotContext, conversation: Conversation) -> None:
        await handlers.text_in_flow(update, context, conversation, wiring.ask)

    wiring.router.register_raw(CONVERSATION, typed)
    wiring.links.register("g", handlers.flow_link)
    wiring.ask_screen.append(views.flow_buttons)
    wiring.app.add_handler(on_press(GuidedFlow, handlers.flow_pressed))
