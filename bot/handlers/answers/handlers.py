"""Questions typed in a private chat, answered: a procedure's card, an everyday answer
(faq.yaml), a short list of both, or a kind "not found"; and an office's pin on the map."""

from __future__ import annotations

import enum
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update

from bot.domain.faq import FaqEntry
from bot.domain.procedure import ProcedureRef
from bot.handlers.answers import views
from bot.handlers.answers.buttons import Related, ShowFaq, ShowOffice
from bot.handlers.common import meant
from bot.handlers.context import BotContext
from bot.handlers.conversations import Dialogue
from bot.handlers.pressing import acknowledge
from bot.handlers.procedures.buttons import Fields, NoneFit
from bot.handlers.procedures.handlers import card_for, send_nothing_found, show_card
from bot.handlers.procedures.where import send_office
from bot.services.answers import MAX_QUERY, Answer, AnswerKind
from bot.services.misses import MissKind
from bot.ui import keyboards
from bot.ui.send import send_html


class AskStep(enum.StrEnum):
    QUESTION = "question"  # the question typed after choosing «Hỏi về thủ tục»


@dataclass
class Nothing:
    """The question step gathers nothing before the question itself."""


ASK = Dialogue("ask", AskStep, Nothing)


def _chat_id(update: Update) -> int | None:
    return update.effective_chat.id if update.effective_chat else None


async def answer_question(update: Update, context: BotContext, text: str) -> None:
    """Answer what the citizen typed: a procedure's card, an everyday answer, a short list of
    both, or a kind "not found" with ways forward. What found nothing, and what was answered
    without confidence, goes to the admins' queue (/misses) to teach the bot."""
    chat_id = _chat_id(update)
    if chat_id is None:
        return
    services, language = context.services, context.texts.language
    answer = services.answers.answer(text[:MAX_QUERY], language)
    services.figures.count_question(answer.kind.value, language)
    if answer.kind == AnswerKind.NOTHING:
        await services.misses.record(text, language, MissKind.NOTHING)
        await send_nothing_found(context, chat_id, text)
        return
    miss = 0 if answer.sure else await services.misses.record(text, language, MissKind.UNSURE)
    related = _related(context, answer, miss) if answer.related else []
    if answer.faq is not None:
        await send_answer(context, chat_id, answer.faq, related)
    elif answer.procedure is not None:  # a card; or who handles it, when this ward does not
        card = await card_for(context, answer.procedure.code)
        if card is None:  # gone since
            await send_html(context.bot, chat_id, context.texts("card.gone"))
        else:
            await send_html(
                context.bot, chat_id, *views.with_related(context.texts, *card, related)
            )
    else:
        await send_choices(context, chat_id, answer.choices, miss)


def _related(context: BotContext, answer: Answer, miss: int) -> list[list[InlineKeyboardButton]]:
    """The «↪» buttons under an outright answer; the question is remembered for them."""
    language = context.texts.language
    ticket = context.services.misses.offered(answer.query, language, miss)
    card = context.services.answers.named(answer.procedure, language) if answer.procedure else None
    return views.related_rows(
        context.texts, card, _shown(context, answer.related), _title(context), ticket
    )


def _shown(
    context: BotContext, choices: Sequence[ProcedureRef | FaqEntry]
) -> list[ProcedureRef | FaqEntry]:
    """The choices, procedures named in the reader's language."""
    answers, language = context.services.answers, context.texts.language
    return [answers.named(c, language) if isinstance(c, ProcedureRef) else c for c in choices]


def _title(context: BotContext) -> Callable[[FaqEntry], str]:
    answers, language = context.services.answers, context.texts.language
    return lambda entry: answers.title(entry, language)


async def send_choices(
    context: BotContext, chat_id: int, choices: Sequence[ProcedureRef | FaqEntry], miss: int
) -> None:
    texts = context.texts
    rows = views.choice_rows(texts, _shown(context, choices), _title(context))
    mixed = any(isinstance(c, FaqEntry) for c in choices)
    none_fit = texts.plain("search.none_fit_mixed" if mixed else "search.none_fit")
    rows.append([NoneFit(miss, mixed).button(none_fit)])
    if len(choices) == 1:  # "a few" would be wrong: it asks whether this is it
        body = texts("search.choice_one")
    else:
        body = texts("search.choices_mixed" if mixed else "search.choices")
    await send_html(context.bot, chat_id, body, InlineKeyboardMarkup(rows))


async def ask_item(
    update: Update, context: BotContext, more: list[list[InlineKeyboardButton]]
) -> None:
    """«Hỏi về thủ tục»: the next words typed are the question; ``more`` are other ways in."""
    chat, user = update.effective_chat, update.effective_user
    if chat is None or user is None:
        return
    texts = context.texts
    await ASK.begin(context, chat.id, user.id, AskStep.QUESTION, Nothing())
    rows = [
        *more,
        [Fields(0).button(texts.plain("browse.button"))],
        [keyboards.back_button(texts)],
    ]
    await send_html(context.bot, chat.id, texts("ask.prompt"), InlineKeyboardMarkup(rows))


async def question_asked(update: Update, context: BotContext, step: AskStep, data: Nothing) -> None:
    """The question typed after choosing "ask"."""
    chat, user, message = update.effective_chat, update.effective_user, update.effective_message
    if chat is None or user is None or message is None:
        return
    await context.services.people.end(chat.id, user.id)
    await answer_question(update, context, message.text or "")


async def free_text(update: Update, context: BotContext) -> bool:
    """Words no one else took: a question about procedures."""
    message = update.effective_message
    if message is None:
        return False
    await answer_question(update, context, message.text or "")
    return True


async def send_answer(
    context: BotContext,
    chat_id: int,
    entry: FaqEntry,
    related: Sequence[Sequence[InlineKeyboardButton]] = (),
) -> None:
    """An everyday answer, with the ``related`` buttons of a question it answers."""
    services = context.services
    text = views.answer_text(context.texts, entry, services.unit.profile)
    if entry.smalltalk and not entry.buttons:
        await send_html(context.bot, chat_id, text)
        return

    def named(code: str) -> ProcedureRef | None:
        ref = services.catalogue.get(code)
        return services.answers.named(ref, context.texts.language) if ref else None

    markup = views.answer_keyboard(context.texts, entry, services.unit.profile, named)
    await send_html(context.bot, chat_id, *views.with_related(context.texts, text, markup, related))


async def faq_pressed(update: Update, context: BotContext, button: ShowFaq) -> None:
    chat = update.effective_chat
    entry = context.services.answers.entry(button.entry)
    if chat is None or entry is None:
        await acknowledge(update, context.texts.plain("button.stale"), alert=True)
        return
    await acknowledge(update)
    await send_answer(context, chat.id, entry)


async def related_pressed(update: Update, context: BotContext, button: Related) -> None:
    """A «↪» choice: the answer above it was not what the question meant, which the admins'
    queue hears of; then the choice itself, as from a list."""
    chat = update.effective_chat
    choice = meant(context, button.meaning, button.key)
    if chat is None or choice is None:
        await acknowledge(update, context.texts.plain("button.stale"), alert=True)
        return
    await context.services.misses.other_chosen(button.ticket)
    await acknowledge(update)
    if isinstance(choice, FaqEntry):
        await send_answer(context, chat.id, choice)
    elif not await show_card(context, chat.id, choice.code):  # gone since
        await send_html(context.bot, chat.id, context.texts("card.gone"))


async def office_pressed(update: Update, context: BotContext, button: ShowOffice) -> None:
    chat = update.effective_chat
    if chat is None:
        await acknowledge(update, context.texts.plain("button.stale"), alert=True)
        return
    await acknowledge(update)
    await send_office(context, chat.id, button.kind)
