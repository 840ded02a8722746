"""A person erases their data, after seeing what that touches; an admin exports everything the
bot holds about one person, on that person's request."""

from __future__ import annotations

import enum
import json
import logging
import secrets
from dataclasses import dataclass

from telegram import InlineKeyboardMarkup, Update
from telegram.error import TelegramError

from bot.domain.privacy import subject_of
from bot.domain.tickets import NOBODY
from bot.handlers.alerts import refresh_alert
from bot.handlers.common import is_admin, private, refuse_non_admin, send_menu
from bot.handlers.context import BotContext
from bot.handlers.conversations import Dialogue
from bot.handlers.pressing import acknowledge
from bot.handlers.privacy.buttons import Forget
from bot.html import Html
from bot.ui.send import send_captioned, send_html

log = logging.getLogger(__name__)

_NONCE_MAX = 999_999_999  # a button's number field holds nine digits


class Step(enum.StrEnum):
    CONFIRM = "confirm"  # what would be erased is shown; «Xóa» or «Giữ lại» is awaited


@dataclass
class Asked:
    nonce: int = 0


# Not given to the router (see register): only its buttons answer it.
FORGET = Dialogue("forget", Step, Asked)


async def forget_command(update: Update, context: BotContext) -> None:
    """``/xoadulieu`` (``/forgetme``) in the private chat, whatever follows it: what would be
    erased, the warning about open requests, and the two buttons."""
    chat, user = update.effective_chat, update.effective_user
    if chat is None or user is None or not private(update):
        return
    texts = context.texts
    held = await context.services.privacy.holdings(user.id)
    nonce = secrets.randbelow(_NONCE_MAX) + 1
    await FORGET.begin(context, chat.id, user.id, Step.CONFIRM, Asked(nonce))
    parts = [
        texts(
            "forget.ask",
            tickets=texts.number(held.tickets),
            follows=texts.number(held.follows),
        )
    ]
    if held.open_tickets:
        parts.append(texts("forget.open_warning", n=texts.number(held.open_tickets)))
    parts.append(texts("forget.sure"))
    markup = InlineKeyboardMarkup(
        [
            [Forget(nonce, erase=True).button(texts.plain("forget.button.erase"))],
            [Forget(nonce, erase=False).button(texts.plain("forget.button.keep"))],
        ]
    )
    await send_html(context.bot, chat.id, Html("\n\n").join(parts), markup)


async def forget_pressed(update: Update, context: BotContext, button: Forget) -> None:
    """``xd:<nonce>:1`` erases, ``xd:<nonce>:0`` keeps: only for the person whose list with
    that nonce still waits. Pressed again, from an older list, or forged, it does nothing
    and says so."""
    chat, user, query = update.effective_chat, update.effective_user, update.callback_query
    if chat is None or user is None:
        return
    texts = context.texts
    services = context.services
    conversation = await services.people.conversation(chat.id, user.id)
    asked = (
        FORGET.data_of(conversation)
        if conversation is not None and FORGET.step_of(conversation) is Step.CONFIRM
        else None
    )
    if not private(update) or asked is None or asked.nonce != button.nonce:
        await acknowledge(update, texts.plain("forget.stale"), alert=True)
        return
    await acknowledge(update)
    if not button.erase:
        await services.people.end(chat.id, user.id)
        await send_menu(update, context, texts("forget.kept"))
    else:
        erased = await services.privacy.erase(user.id)
        await send_menu(update, context, texts("forget.done"))
        # Each department's alert is rewritten as the ticket now reads: no name, no phone,
        # no place, no words of theirs.
        for ticket_id in erased.tickets:
            ticket = await services.tickets.get(ticket_id)
            if ticket is not None:
                refresh_alert(context, ticket, services.departments.group_of(ticket.department))
    if query is not None and query.message is not None:
        try:  # the list's buttons go: it has been answered
            await context.bot.edit_message_reply_markup(chat.id, query.message.message_id)
        except TelegramError as error:
            log.debug("list of what would be erased kept its buttons (%s)", type(error).__name__)


async def export_command(update: Update, context: BotContext) -> None:
    """``/xuatdulieu <user id | PA-000123>``, admins only: a JSON file of everything the bot
    holds about that person, for a request made under Decree 13."""
    chat, message = update.effective_chat, update.effective_message
    if chat is None or message is None:
        return
    if not is_admin(update, context):
        await refuse_non_admin(update, context)
        return
    texts = context.texts
    privacy = context.services.privacy
    argument = " ".join(context.args or [])
    subject = subject_of(argument)
    if subject is None:
        await send_html(context.bot, chat.id, texts("data_export.usage"))
        return
    user_id = subject.user_id
    if subject.ticket_id is not None:
        user_id = await privacy.owner_of(subject.ticket_id)
        code = " ".join(argument.split())  # as typed, its spacing squeezed
        if user_id is None:
            await send_html(context.bot, chat.id, texts("data_export.no_ticket", code=code))
            return
        if user_id == NOBODY:
            await send_html(context.bot, chat.id, texts("data_export.erased_ticket", code=code))
            return
    assert user_id is not None  # a subject names a user or a ticket
    await context.services.people.flush()  # who wrote last second is held too
    data = await privacy.export(user_id)
    if data is None:
        await send_html(context.bot, chat.id, texts("data_export.nothing", user_id=user_id))
        return
    document = json.dumps(data, ensure_ascii=False, indent=2).encode("utf-8")
    caption = texts(
        "data_export.caption",
        user_id=user_id,
        tickets=texts.number(len(data["tickets"])),
        follows=texts.number(len(data["dossiers_followed"])),
    )
    await send_captioned(
        context.bot,
        chat.id,
        caption,
        document=document,
        filename=f"du-lieu-ca-nhan-{user_id}.json",
    )
    log.info("personal data exported for an admin: %d tickets", len(data["tickets"]))
