"""Dossiers in a citizen's chat: look one up by its receipt's code, follow it with the check
value (or in one tap from the receipt's QR link). The office's side is bot/handlers/office.

Look-ups and check values share a per-person limit, so codes cannot be farmed.
"""

from __future__ import annotations

import enum
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from telegram import InlineKeyboardMarkup, Update

from bot.domain.dossiers import looks_like_receipt, normal_code, parse_follow_payload
from bot.handlers.context import BotContext
from bot.handlers.conversations import Dialogue
from bot.handlers.dossiers.buttons import CancelLookup, Follow, Unfollow
from bot.services.flood import Verdict
from bot.services.views import NotAllowed
from bot.ui import keyboards
from bot.ui.render import unit_contacts
from bot.ui.send import send_html

Ask = Callable[[Update, BotContext, str], Awaitable[None]]


class LookupStep(enum.StrEnum):
    CODE = "code"  # which dossier: the receipt's code
    CHECK = "check"  # the receipt's check value, to follow the dossier ``code``


@dataclass
class Lookup:
    code: str = ""  # the dossier whose check value is asked for


LOOKUP = Dialogue("dossier", LookupStep, Lookup)


def _back(context: BotContext) -> InlineKeyboardMarkup:
    return keyboards.back_to_menu(context.texts)


def _cancel(context: BotContext) -> InlineKeyboardMarkup:
    return keyboards.cancel_only(context.texts, CancelLookup())


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
    await LOOKUP.begin(context, chat.id, user.id, LookupStep.CODE, Lookup())
    await send_html(context.bot, chat.id, context.texts("dossier.ask_code"), _cancel(context))


async def command(update: Update, context: BotContext) -> None:
    """``/hoso [code [check]]`` in the private chat (in a group it is the office's)."""
    if update.effective_chat is None:
        return
    args = context.args or []
    if not args:
        await ask_code(update, context)
    elif len(args) == 1:
        await show(update, context, args[0])
    else:
        await follow(update, context, args[0], args[1])


async def step(update: Update, context: BotContext, at: LookupStep, data: Lookup, ask: Ask) -> None:
    """What was typed for the code or the check value; words that are no code are a
    question after all, and ``ask`` answers them rather than "not found"."""
    message = update.effective_message
    if message is None:
        return
    typed = (message.text or "").strip()
    if at is LookupStep.CHECK:
        await follow(update, context, data.code, typed)
    elif normal_code(typed) is None and " " in typed:
        chat, user = update.effective_chat, update.effective_user
        assert chat is not None and user is not None
        await context.services.people.end(chat.id, user.id)
        await ask(update, context, typed)
    else:
        await show(update, context, typed)


async def receipt(update: Update, context: BotContext) -> bool:
    """A receipt's code typed without the menu: its card; False for anything else."""
    text = update.effective_message.text if update.effective_message else None
    if not looks_like_receipt(text or ""):
        return False
    await show(update, context, text or "")
    return True


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
        await LOOKUP.begin(context, chat.id, user.id, LookupStep.CODE, Lookup())
        contacts = unit_contacts(texts, context.services.unit.profile)
        body = texts("dossier.not_found", code=typed[:60], contacts=contacts)
        await send_html(context.bot, chat.id, body, _back(context))
        return
    await context.services.people.end(chat.id, user.id)
    if await context.services.dossiers.follows(dossier.code, user.id):
        button = Unfollow(dossier.code).button(texts.plain("dossier.button.unfollow"))
    else:
        button = Follow(dossier.code).button(texts.plain("dossier.button.follow"))
    markup = InlineKeyboardMarkup([[button], [keyboards.back_button(texts)]])
    card = context.services.dossiers.card(dossier, texts.language)
    await send_html(context.bot, chat.id, card, markup)


async def follow(update: Update, context: BotContext, raw_code: str, check: str) -> None:
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
            await LOOKUP.begin(context, chat.id, user.id, LookupStep.CHECK, Lookup(code))
        body = texts(f"dossier.refused.{refused.reason}", code=code or raw_code[:60])
        await send_html(context.bot, chat.id, body, _back(context))
        return
    await context.services.people.end(chat.id, user.id)
    body = (
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
    await follow(update, context, *parsed)
    return True


async def cancel_pressed(update: Update, context: BotContext, button: CancelLookup) -> None:
    """«✖️ Hủy» under the code or check-value question: the look-up ends, the menu shows."""
    query, chat, user = update.callback_query, update.effective_chat, update.effective_user
    if query is None or chat is None or user is None:
        return
    texts = context.texts
    await query.answer()
    ended = await context.services.people.end(chat.id, user.id)
    body = texts("cancel.done" if ended else "cancel.nothing")
    await send_html(context.bot, chat.id, body, keyboards.main_menu(texts))


async def follow_pressed(update: Update, context: BotContext, button: Follow) -> None:
    """«🔔 Theo dõi hồ sơ này»: the check value on the receipt is asked for."""
    query, chat, user = update.callback_query, update.effective_chat, update.effective_user
    if query is None or chat is None or user is None:
        return
    code = await _known(update, context, button.code)
    if code is None:
        return
    await query.answer()
    await LOOKUP.begin(context, chat.id, user.id, LookupStep.CHECK, Lookup(code))
    body = context.texts("dossier.ask_check", code=code)
    await send_html(context.bot, chat.id, body, _cancel(context))


async def unfollow_pressed(update: Update, context: BotContext, button: Unfollow) -> None:
    """«🔕 Bỏ theo dõi», under a card or under the news of a change."""
    query, chat, user = update.callback_query, update.effective_chat, update.effective_user
    if query is None or chat is None or user is None:
        return
    code = await _known(update, context, button.code)
    if code is None:
        return
    await query.answer()
    await context.services.dossiers.unfollow(code, user.id)
    body = context.texts("dossier.unfollowed", code=code)
    await send_html(context.bot, chat.id, body, _back(context))


async def _known(update: Update, context: BotContext, raw_code: str) -> str | None:
    """The code of a dossier we have; None (and the press answered "stale") otherwise."""
    code = normal_code(raw_code)
    if code is not None and await context.services.dossiers.get(code) is not None:
        return code
    assert update.callback_query is not None
    await update.callback_query.answer(context.texts.plain("button.stale"), show_alert=True)
    return None
