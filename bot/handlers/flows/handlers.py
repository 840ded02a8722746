"""Guided flows in Telegram: a question with buttons at each step, procedures at the end."""

from __future__ import annotations

from telegram import InlineKeyboardMarkup, Update

from bot.domain.people import Conversation
from bot.flows.engine import CONVERSATION, Position
from bot.handlers.context import BotContext
from bot.handlers.flows import views
from bot.handlers.flows.buttons import GuidedFlow
from bot.handlers.pressing import acknowledge, act
from bot.handlers.wiring import Asker
from bot.ui.buttons import ShowCard
from bot.ui.lists import procedure_rows
from bot.ui.send import send_html


async def flow_pressed(update: Update, context: BotContext, button: GuidedFlow) -> None:
    """Start a flow, or go where the chosen option leads; a flow, step or option an admin has
    since removed answers as a procedure gone from the catalogue does."""
    engine = context.services.flows
    position = engine.at(button.flow, button.step or None)
    if position is not None and button.step:
        index = button.index
        position = engine.choose(position, index) if index is not None else None
    if position is None:
        await acknowledge(update, context.texts.plain("card.gone"), alert=True)
        return
    await show_step(update, context, position)


async def show_step(update: Update, context: BotContext, position: Position) -> None:
    """Ask the step's question, or, at a result, show its procedures: one is shown as its card
    (by the card's own handler, which also answers the press), several as a list."""
    chat, user = update.effective_chat, update.effective_user
    if chat is None or user is None:
        return
    texts = context.texts
    services = context.services
    people = services.people
    step = position.step
    language = texts.language
    if step.result is not None:
        await people.end(chat.id, user.id)
        found = [p for c in step.result if (p := services.catalogue.get(c)) is not None]
        alone = len(found) == 1
        if not alone:
            await acknowledge(update)
        if step.say is not None:
            await send_html(context.bot, chat.id, texts("flow.say", text=step.say.get(language)))
        if alone:
            await act(update, context, ShowCard(found[0].code))
            return
        rows = procedure_rows(found)
        rows.append(views.restart_row(texts, position))
        await send_html(context.bot, chat.id, texts("flow.results"), InlineKeyboardMarkup(rows))
        return
    await acknowledge(update)
    previous = await people.conversation(chat.id, user.id)
    answers = previous.data if previous and previous.name == CONVERSATION else {}
    await people.begin(chat.id, user.id, position.conversation(answers))
    question = texts("flow.ask", text=step.ask.get(language) if step.ask else "")
    await send_html(context.bot, chat.id, question, views.step_keyboard(texts, position))


async def text_in_flow(
    update: Update, context: BotContext, conversation: Conversation, ask: Asker
) -> None:
    """Typed text during a flow: the answer to a text step, or, at a step with buttons, a new
    question (``ask``), so the citizen is never stuck in a flow they no longer want."""
    message, chat, user = update.effective_message, update.effective_chat, update.effective_user
    if message is None or chat is None or user is None:
        return
    engine = context.services.flows
    position = engine.resume(conversation)
    text = message.text or ""
    if position is None or position.step.input is None:
        await context.services.people.end(chat.id, user.id)
        await ask(update, context, text)
        return
    outcome = engine.answer(position, text)
    if outcome.position is None:
        texts = context.texts
        problem = (
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
