"""``/misses``: the questions the bot could not answer well, as a queue admins work through.

Two taps teach the bot: «🎓 Dạy bot» on a question shows what it could mean (the same search
citizens get, procedures and everyday answers together), and tapping one stores the question's
words as an alias, effective at once, with «↩️ Hoàn tác» to take it back. An admin may also
search with their own words, write a new everyday answer, or dismiss the question.

Only admins, in their private chat: every press is checked again, since button data can be
copied or forged."""

from __future__ import annotations

import enum
from dataclasses import dataclass

from telegram import Update

from bot.domain.faq import FaqEntry
from bot.handlers.common import is_admin, meant, refuse_non_admin
from bot.handlers.context import BotContext
from bot.handlers.conversations import Dialogue
from bot.handlers.pressing import acknowledge
from bot.handlers.teaching import views
from bot.handlers.teaching.buttons import (
    DismissMiss,
    FindOther,
    MissesPage,
    StopTeaching,
    TeachAs,
    TeachMiss,
    UndoTeach,
    WriteAnswer,
)
from bot.html import NEWLINE
from bot.services.answers import Candidate, Choice
from bot.services.documents import NoPreviousVersion
from bot.services.misses import ChangedSince, MissGroup, MissHandled, Taught
from bot.ui.send import send_html
from bot.yamldoc import DocumentError

PER_PAGE = 8
CANDIDATES = 6
MAX_WORDS = 200  # of an admin's search words
MAX_ANSWER = 1500  # faq.yaml's limit for an answer


class Step(enum.StrEnum):
    WORDS = "words"  # «Tìm thủ tục khác»: the admin types words to search with
    ANSWER = "answer"  # «Viết câu trả lời mới»: the admin types the answer


@dataclass
class Teaching:
    miss: int = 0


TEACH = Dialogue("teach", Step, Teaching)


async def _admin(update: Update, context: BotContext) -> tuple[int, int] | None:
    """(chat, admin) ids, or None after telling a non-admin this is not for them."""
    chat, user = update.effective_chat, update.effective_user
    if chat is None or user is None:
        return None
    if not is_admin(update, context):
        await refuse_non_admin(update, context)
        return None
    return chat.id, user.id


async def _handled(update: Update, context: BotContext) -> None:
    """A press about a question that was taught or dismissed since the button was sent."""
    await acknowledge(update, context.texts.plain("misses.handled"), alert=True)


def _title(context: BotContext, choice: Choice) -> str:
    if isinstance(choice, FaqEntry):
        return context.services.answers.title(choice, context.texts.language)
    return choice.name


def _titled(context: BotContext, candidates: list[Candidate]) -> list[tuple[Candidate, str]]:
    return [(c, _title(context, c.choice)) for c in candidates]


# -------------------------------------------------------------------- the queue


async def misses_command(update: Update, context: BotContext) -> None:
    ids = await _admin(update, context)
    if ids is not None:
        await send_queue(context, ids[0], 0)


async def send_queue(context: BotContext, chat_id: int, page: int) -> None:
    services = context.services
    shown = await services.misses.queue(page, PER_PAGE)
    text, markup = views.queue(context.texts, services.settings.tz, shown)
    await send_html(context.bot, chat_id, text, markup)


async def page_pressed(update: Update, context: BotContext, button: MissesPage) -> None:
    """``ms:page:<n>``: another page of the queue (the weekly list opens the first)."""
    ids = await _admin(update, context)
    if ids is None:
        return
    await acknowledge(update)
    await send_queue(context, ids[0], button.page)


# -------------------------------------------------------------------- teaching


async def teach_pressed(update: Update, context: BotContext, button: TeachMiss) -> None:
    """``ms:teach:<id>``: what the question could mean, each a button that teaches it."""
    ids = await _admin(update, context)
    if ids is None:
        return
    services = context.services
    group = await services.misses.group(button.miss)
    if group is None:
        await _handled(update, context)
        return
    await acknowledge(update)
    candidates = services.answers.candidates(group.query, group.language, CANDIDATES)
    text, markup = views.meanings(
        context.texts, services.settings.tz, group, _titled(context, candidates)
    )
    await send_html(context.bot, ids[0], text, markup)


async def teach_as_pressed(update: Update, context: BotContext, button: TeachAs) -> None:
    """``ms:as:<id>:<p|f>:<key>``: the question means this; taught at once."""
    ids = await _admin(update, context)
    if ids is None:
        return
    chat_id, admin_id = ids
    choice = meant(context, button.meaning, button.key)
    if choice is None:  # the procedure or entry is gone since the list was shown
        await acknowledge(update, context.texts.plain("button.stale"), alert=True)
        return
    try:
        done = await context.services.misses.teach(button.miss, choice, admin_id)
    except MissHandled:
        await _handled(update, context)
        return
    except DocumentError as error:
        await acknowledge(update)
        await _rejected(context, chat_id, error)
        return
    await acknowledge(update)
    await _end_step(context, chat_id, admin_id)
    await _confirm(context, chat_id, done)


async def _confirm(context: BotContext, chat_id: int, done: Taught) -> None:
    text, markup = views.taught(context.texts, done, _title(context, done.choice))
    await send_html(context.bot, chat_id, text, markup)


async def _rejected(context: BotContext, chat_id: int, error: DocumentError) -> None:
    texts = context.texts
    problems = NEWLINE.join(texts("admin.file.problem", text=line) for line in error.lines(texts))
    await send_html(context.bot, chat_id, texts("misses.rejected", problems=problems))


async def _end_step(context: BotContext, chat_id: int, admin_id: int) -> None:
    people = context.services.people
    if TEACH.step_of(await people.conversation(chat_id, admin_id)) is not None:
        await people.end(chat_id, admin_id)


async def undo_pressed(update: Update, context: BotContext, button: UndoTeach) -> None:
    """``ms:undo:<id>:<a|f>:<version>``: the file as before the teaching, the question open
    again."""
    ids = await _admin(update, context)
    if ids is None:
        return
    chat_id, admin_id = ids
    texts = context.texts
    file = button.file.filename
    try:
        version = await context.services.misses.undo(
            button.miss, button.file, button.version, admin_id
        )
    except (MissHandled, NoPreviousVersion):
        await acknowledge(update, texts.plain("misses.undo.stale"), alert=True)
        return
    except ChangedSince:
        await acknowledge(update, texts.plain("misses.undo.changed", file=file), alert=True)
        return
    except DocumentError as error:  # the earlier version no longer fits the catalogue
        await acknowledge(update)
        await _rejected(context, chat_id, error)
        return
    await acknowledge(update)
    await send_html(context.bot, chat_id, texts("misses.undone", file=file, version=version))


async def dismiss_pressed(update: Update, context: BotContext, button: DismissMiss) -> None:
    """``ms:skip:<id>``: not a question for the bot; it leaves the queue."""
    ids = await _admin(update, context)
    if ids is None:
        return
    try:
        group = await context.services.misses.dismiss(button.miss, ids[1])
    except MissHandled:
        await _handled(update, context)
        return
    await acknowledge(update)
    await _end_step(context, *ids)
    text = context.texts("misses.dismissed", question=views.question(group), asked=group.asked)
    await send_html(context.bot, ids[0], text)


# -------------------------------------------------------------------- words, an answer


async def find_pressed(update: Update, context: BotContext, button: FindOther) -> None:
    """``ms:find:<id>``: the admin's next words are searched like a citizen's question."""
    await _begin(update, context, button.miss, Step.WORDS, "misses.find.prompt")


async def write_pressed(update: Update, context: BotContext, button: WriteAnswer) -> None:
    """``ms:write:<id>``: the admin's next message is the answer of a new FAQ entry."""
    await _begin(update, context, button.miss, Step.ANSWER, "misses.write.prompt")


async def _begin(update: Update, context: BotContext, miss: int, step: Step, key: str) -> None:
    ids = await _admin(update, context)
    if ids is None:
        return
    group = await context.services.misses.group(miss)
    if group is None:
        await _handled(update, context)
        return
    await acknowledge(update)
    await TEACH.begin(context, ids[0], ids[1], step, Teaching(group.id))
    text = context.texts(key, question=views.question(group))
    await send_html(context.bot, ids[0], text, views.stop_only(context.texts))


async def stop_pressed(update: Update, context: BotContext, button: StopTeaching) -> None:
    """``ms:stop``: no words, no answer after all."""
    ids = await _admin(update, context)
    if ids is None:
        return
    await acknowledge(update)
    await _end_step(context, *ids)
    await send_html(context.bot, ids[0], context.texts("misses.stopped"))


async def step(update: Update, context: BotContext, at: Step, data: Teaching) -> None:
    """The admin's words (a search) or answer (a new FAQ entry) for the question."""
    message = update.effective_message
    ids = await _admin(update, context)
    if ids is None or message is None:
        return
    chat_id, admin_id = ids
    text = (message.text or "").strip()
    texts = context.texts
    services = context.services
    group = await services.misses.group(data.miss)
    if group is None:
        await _end_step(context, chat_id, admin_id)
        await send_html(context.bot, chat_id, texts("misses.handled"))
        return
    if not text:
        await send_html(context.bot, chat_id, texts("misses.text_only"), views.stop_only(texts))
        return
    if at is Step.WORDS:
        await _search(context, chat_id, group, text[:MAX_WORDS])
        return
    if len(text) > MAX_ANSWER:
        await send_html(
            context.bot, chat_id, texts("misses.write.too_long", max=MAX_ANSWER),
            views.stop_only(texts),
        )  # fmt: skip
        return
    try:
        done = await services.misses.write_answer(group.id, text, admin_id)
    except MissHandled:
        await _end_step(context, chat_id, admin_id)
        await send_html(context.bot, chat_id, texts("misses.handled"))
        return
    except DocumentError as error:  # a stray brace, say: they may write it again
        await _rejected(context, chat_id, error)
        return
    await _end_step(context, chat_id, admin_id)
    await _confirm(context, chat_id, done)


async def _search(context: BotContext, chat_id: int, group: MissGroup, words: str) -> None:
    answers = context.services.answers
    candidates = answers.candidates(words, context.texts.language, CANDIDATES)
    text, markup = views.found(context.texts, group, words, _titled(context, candidates))
    await send_html(context.bot, chat_id, text, markup)
