"""Dossiers in a citizen's chat: look one up by its receipt's code, follow it with the check
value (or in one tap from the receipt's QR link). The office's side is in dossier_office.py.

Look-ups and check values share a per-person limit, so codes cannot be farmed.
"""

from __future__ import annotations

import time

from telegram import InlineKeyboardMarkup, Update
from telegram.constants import ChatType

from bot.domain.dossiers import (
    normal_code,
    parse_follow_payload,
)
from bot.domain.people import Conversation
from bot.handlers import dossier_office
from bot.handlers.context import BotContext
from bot.handlers.procedures import answer_question
from bot.i18n import Html
from bot.services.flood import Verdict
from bot.services.views import NotAllowed
from bot.ui import keyboards
from bot.ui.callbacks import Callback, encode
from bot.ui.render import unit_contacts
from bot.ui.send import send_html

CONVERSATION = "dossier"  # steps: code (which dossier), check (the receipt's check value)


def _back(context: BotContext) -> InlineKeyboardMarkup:
    return keyboards.back_to_menu(context.texts)


def _cancel(context: BotContext) -> InlineKeyboardMarkup:
    return keyboards.cancel_only(context.texts, "ds")


async def _limited(update: Update, context: BotContext) -> bool:
    """Count a look-up or a check value; True (and a polite word once) past the limit."""
    user, chat = update.effective_user, update.effective_chat
    assert user is not None and chat is not None
    verdict = context.services.lookups.check(user.id, time.monotonic())
    if verdict is Verdict.WARN:
        await send_html(context.bot, chat.id, context.texts("dossier.limit"), _back(context))
    return verdict is not Verdict.OK


async def ask_code(update: Update, context: BotContext) -> None:
    """The menu's "look up a dossier"."""
    chat, user = update.effective_chat, update.effective_user
    assert chat is not None and user is not None
    await context.services.people.begin(chat.id, user.id, Conversation(CONVERSATION, "code", {}))
    await send_html(context.bot, chat.id, context.texts("dossier.ask_code"), _cancel(context))


async def command(update: Update, context: BotContext) -> None:
    """``/hoso [code [check]]`` in the private chat; ``/hs <code>`` in the one-stop group."""
    chat = update.effective_chat
    if chat is None:
        return
    if chat.type != ChatType.PRIVATE:
        await dossier_office.command(update, context)
        return
    args = context.args or []
    if not args:
        await ask_code(update, context)
    elif len(args) == 1:
        await show(update, context, args[0])
    else:
        await _follow(update, context, args[0], args[1])


async def step(update: Update, context: BotContext, conversation: Conversation) -> None:
    message = update.effective_message
    if message is None:
        return
    typed = (message.text or "").strip()
    if conversation.step == "check":
        await _follow(update, context, str(conversation.data.get("code", "")), typed)
    elif normal_code(typed) is None and " " in typed:
        # Not a code but words: a question after all. Answer it rather than "not found".
        chat, user = update.effective_chat, update.effective_user
        assert chat is not None and user is not None
        await context.services.people.end(chat.id, user.id)
        await answer_question(update, context, typed)
    else:
        await show(update, context, typed)


async def show(update: Update, context: BotContext, typed: str) -> None:
    chat, user = update.effective_chat, update.effective_user
    assert chat is not None and user is not None
    texts = context.texts
    if await _limited(update, context):
        return
    code = normal_code(typed)
    dossier = await context.services.dossiers.get(code) if code else None
    if dossier is None:
        # They stay in the look-up, so the next try is just the code again.
        await context.services.people.begin(
            chat.id, user.id, Conversation(CONVERSATION, "code", {})
        )
        contacts = unit_contacts(texts, context.services.unit.profile)
        body = texts("dossier.not_found", code=typed[:60], contacts=contacts)
        await send_html(context.bot, chat.id, body, _back(context))
        return
    await context.services.people.end(chat.id, user.id)
    if await context.services.dossiers.follows(dossier.code, user.id):
        button = (texts.plain("dossier.button.unfollow"), encode("ds", "unf", dossier.code))
    else:
        button = (texts.plain("dossier.button.follow"), encode("ds", "fol", dossier.code))
    rows = [[button], [(texts.plain("menu.back"), encode("m", "home"))]]
    card = context.services.dossiers.card(dossier, texts.language)
    await send_html(context.bot, chat.id, card, keyboards.inline(rows))


async def _follow(update: Update, context: BotContext, raw_code: str, check: str) -> None:
    chat, user = update.effective_chat, update.effective_user
    assert chat is not None and user is not None
    texts = context.texts
    if await _limited(update, context):
        return
    code = normal_code(raw_code) or ""
    try:
        dossier, _ = await context.services.dossiers.follow(code, check, user.id)
    except NotAllowed as refused:
        if refused.reason == "wrong_check":  # let them type it again
            await context.services.people.begin(
                chat.id, user.id, Conversation(CONVERSATION, "check", {"code": code})
            )
        body = texts(f"dossier.refused.{refused.reason}", code=code or raw_code[:60])
        await send_html(context.bot, chat.id, body, _back(context))
        return
    await context.services.people.end(chat.id, user.id)
    body = Html(
        texts("dossier.following", code=dossier.code)
        + "\n\n"
        + context.services.dossiers.card(dossier, texts.language)
    )
    await send_html(context.bot, chat.id, body, _back(context))


async def opened_from_link(update: Update, context: BotContext, argument: str) -> bool:
    """``/start h-...`` from the QR code on a receipt: follow in one tap."""
    parsed = parse_follow_payload(argument)
    if parsed is None:
        return False
    await _follow(update, context, *parsed)
    return True


async def pressed(update: Update, context: BotContext, callback: Callback) -> None:
    """``ds:fol:<code>``, ``ds:unf:<code>``, ``ds:cancel``."""
    query, chat, user = update.callback_query, update.effective_chat, update.effective_user
    if query is None or chat is None or user is None:
        return
    texts = context.texts
    what = callback.arg(0)
    if what == "cancel":
        await query.answer()
        ended = await context.services.people.end(chat.id, user.id)
        body = texts("cancel.done" if ended else "cancel.nothing")
        await send_html(context.bot, chat.id, body, keyboards.main_menu(texts))
        return
    code = normal_code(callback.arg(1)) or ""
    dossier = await context.services.dossiers.get(code) if code else None
    if dossier is None or what not in ("fol", "unf"):
        await query.answer(texts.plain("button.stale"), show_alert=True)
        return
    await query.answer()
    if what == "unf":
        await context.services.dossiers.unfollow(code, user.id)
        await send_html(
            context.bot, chat.id, texts("dossier.unfollowed", code=code), _back(context)
        )
        return
    await context.services.people.begin(
        chat.id, user.id, Conversation(CONVERSATION, "check", {"code": code})
    )
    await send_html(context.bot, chat.id, texts("dossier.ask_check", code=code), _cancel(context))
