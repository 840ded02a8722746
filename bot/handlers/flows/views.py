"""The guided flows' keyboards: the flows on the "ask" screen, a step's options, and the way
back to the flow's start or the menu."""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.flows.engine import Position
from bot.handlers.context import BotContext
from bot.handlers.flows.buttons import GuidedFlow
from bot.i18n import Texts
from bot.ui import keyboards
from bot.ui.lists import button_label

FLOW_MARK = "🧭 "


def flow_buttons(context: BotContext) -> list[list[InlineKeyboardButton]]:
    """One button per guided flow, for the "ask" screen."""
    language = context.texts.language
    return [
        [GuidedFlow(flow.id).button(button_label(FLOW_MARK + flow.title.get(language)))]
        for flow in context.services.flows.flows
    ]


def step_keyboard(texts: Texts, position: Position) -> InlineKeyboardMarkup:
    """A button per option of the step (none for a step that wants typed words), then the
    way back."""
    rows = [
        [GuidedFlow(position.flow.id, position.name, str(i)).button(button_label(label))]
        for i, label in enumerate(
            option.label.get(texts.language) for option in position.step.options or []
        )
    ]
    rows.append(restart_row(texts, position))
    return InlineKeyboardMarkup(rows)


def restart_row(texts: Texts, position: Position) -> list[InlineKeyboardButton]:
    """«↩️ Làm lại» (the flow's first question again) and «⬅️ Về menu chính»."""
    return [
        GuidedFlow(position.flow.id).button(texts.plain("flow.restart")),
        keyboards.back_button(texts),
    ]
