"""Guided flows in Telegram: a question with buttons at each step, procedures at the end."""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update

from bot.domain.people import Conversation
from bot.flows.engine import Position
from bot.handlers import procedures
from bot.handlers.context import BotContext
from bot.i18n import Html
from bot.ui import cards
from bot.ui.callbacks import Callback, encode, number
from bot.ui.send import send_html


def flow_buttons(context: BotContext) -> list[list[InlineKeyboardButton]]:
    """One button per guided flow, for the "ask" screen."""
    language = context.texts.language
    return [
        [
            InlineKeyboardButton(
                cards.button_label("🧭 " + flow.title.get(language)),
                callback_data=encode("g", flow.id),
            )
        ]
        for flow in context.services.flows.flows
    ]


async def flow_pressed(update: Update, context: BotContext, callback: Callback) -> None:
    """``g:<flow>`` starts a flow; ``g:<flow>:<step>:<option>`` answers one of its questions.

    The buttons carry where they were pressed, so an older message still leads somewhere
    sensible; a flow or step an admin has since removed is a stale button."""
    query, chat, user = update.callback_query, update.effective_chat, update.effective_user
    if query is None or chat is None or user is None:
        return
    engine = context.services.flows
    flow_id, step_name, option = callback.arg(0), callback.arg(1), callback.arg(2)
    position = engine.at(flow_id, step_name or None)
    if position is not None and step_name:
        position = (
            engine.choose(position, number(option)) if str(number(option)) == option else None
        )
    if position is None:
        await procedures.answer_gone(update, context)
        return
    await query.answer()
    await show_step(update, context, position)


async def show_step(update: Update, context: BotContext, position: Position) -> None:
    chat, user = update.effective_chat, update.effective_user
    if chat is None or user is None:
        return
    texts = context.texts
    people = context.services.people
    step = position.step
    language = texts.language
    if step.result is not None:
        await people.end(chat.id, user.id)
        found = [p for c in step.result if (p := context.services.catalogue.get(c)) is not None]
        if step.say is not None:
            await send_html(context.bot, chat.id, texts("flow.say", text=step.say.get(language)))
        if len(found) == 1 and await procedures.show_card(context, chat.id, found[0].code):
            return
        rows = cards.procedure_rows(found)
        rows.append(_restart_row(context, position))
        await send_html(context.bot, chat.id, texts("flow.results"), InlineKeyboardMarkup(rows))
        return
    previous = await people.conversation(chat.id, user.id)
    answers = previous.data if previous and previous.name == "flow" else {}
    await people.begin(chat.id, user.id, position.conversation(answers))
    question = texts("flow.ask", text=step.ask.get(language) if step.ask else "")
    if step.options is not None:
        rows = [
            [
                InlineKeyboardButton(
                    cards.button_label(option.label.get(language)),
                    callback_data=encode("g", position.flow.id, position.name, i),
                )
            ]
            for i, option in enumerate(step.options)
        ]
        rows.append(_restart_row(context, position))
        await send_html(context.bot, chat.id, question, InlineKeyboardMarkup(rows))
    else:
        await send_html(
            context.bot, chat.id, question, InlineKeyboardMarkup([_restart_row(context, position)])
        )


def _restart_row(context: BotContext, position: Position) -> list[InlineKeyboardButton]:
    texts = context.texts
    return [
        InlineKeyboardButton(
            texts.plain("flow.restart"), callback_data=encode("g", position.flow.id)
        ),
        InlineKeyboardButton(texts.plain("menu.back"), callback_data=encode("m", "home")),
    ]


async def text_in_flow(update: Update, context: BotContext, conversation: Conversation) -> None:
    """Typed text during a flow: the answer to a text step, or, at a step with buttons, a new
    question, so the citizen is never stuck in a flow they no longer want."""
    message, chat, user = update.effective_message, update.effective_chat, update.effective_user
    if message is None or chat is None or user is None:
        return
    engine = context.services.flows
    position = engine.resume(conversation)
    text = message.text or ""
    if position is None or position.step.input is None:
        await context.services.people.end(chat.id, user.id)
        await procedures.answer_question(update, context, text)
        return
    outcome = engine.answer(position, text)
    if outcome.position is None:
        texts = context.texts
        problem = Html(
            texts("flow.too_long", max=position.step.input.max_length)
            if outcome.problem == "too_long"
            else texts("flow.empty")
        )
        await send_html(context.bot, chat.id, problem)
        return
    answers = {**conversation.data, outcome.key: outcome.value}
    await context.services.people.begin(chat.id, user.id, outcome.position.conversation(answers))
    await show_step(update, context, outcome.position)


async def flow_link(update: Update, context: BotContext, argument: str) -> bool:
    """``/start g-khai-sinh``: a poster's QR code starts a guided flow."""
    position = context.services.flows.at(argument)
    if position is None:
        return False
    await show_step(update, context, position)
    return True
