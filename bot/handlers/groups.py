"""What every officials' group handler shares: who may act there, and how the bot answers there.

Whoever acts for a group — a button, a reply, a command — is checked against the group's
members at that moment: someone who left still has the old messages and their buttons.

Answers into a group go through the outbox rather than inline: a group has 20 messages a
minute, and a handler waiting for the group's turn would keep the official's button spinning
(and, before, stalled everyone). Reply prompts get a ref of their own, so the answer to one
is recognised by the message it replies to once the outbox has delivered it.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import secrets
from collections.abc import Awaitable, Callable

from telegram import Bot, ChatMemberRestricted, InlineKeyboardMarkup, Message, Update
from telegram.constants import ChatMemberStatus, ChatType
from telegram.error import TelegramError

from bot.delivery.pace import BACKGROUND
from bot.domain.people import Conversation
from bot.handlers.context import BotContext
from bot.html import Html
from bot.storage.outbox import Buttons, Outgoing
from bot.ui.send import edit_html

log = logging.getLogger(__name__)

MEMBERS = {ChatMemberStatus.OWNER, ChatMemberStatus.ADMINISTRATOR, ChatMemberStatus.MEMBER}
_PROMPT = "prompt:"
_ASK_AGAIN_AFTER = dt.timedelta(minutes=10)


def in_group(update: Update) -> bool:
    chat = update.effective_chat
    return chat is not None and chat.type in (ChatType.GROUP, ChatType.SUPERGROUP)


async def membership(bot: Bot, chat_id: int, user_id: int) -> bool | None:
    """Whether the user is in the group now, as Telegram says (one who may only read counts);
    None when Telegram could not say."""
    try:
        member = await bot.get_chat_member(chat_id, user_id)
    except TelegramError as error:
        log.info("membership in %s not known (%s)", chat_id, type(error).__name__)
        return None
    return member.status in MEMBERS or (
        isinstance(member, ChatMemberRestricted) and member.is_member
    )


async def is_member(context: BotContext, chat_id: int, user_id: int) -> bool:
    """A member now (Telegram asked each time), not whoever once had the group's messages;
    refused when Telegram cannot say."""
    return await membership(context.bot, chat_id, user_id) is True


def topic_of(message: object) -> int | None:
    """The forum topic a message is in, so our answer goes there too."""
    if isinstance(message, Message) and message.is_topic_message:
        return message.message_thread_id
    return None


async def answer(
    context: BotContext,
    chat_id: int,
    text: Html,
    *,
    to: object = None,
    buttons: Buttons = (),
    thread: int | None = None,
) -> None:
    """Say ``text`` in the group, as a reply to the message ``to`` (if it is one), in its
    topic; delivered by the outbox at the group's pace."""
    reply_to = to.message_id if isinstance(to, Message) else None
    await context.services.outbox.post(
        Outgoing(
            chat_id,
            text,
            buttons=buttons,
            reply_to=reply_to,
            thread_id=thread if thread is not None else topic_of(to),
        )
    )


async def prompt(context: BotContext, chat_id: int, text: Html, *, thread: int | None) -> str:
    """Ask for an answer by reply (works with Telegram's group privacy on); returns the
    prompt's ref for :func:`answers_prompt`."""
    ref = f"{_PROMPT}{secrets.token_hex(8)}"
    await context.services.outbox.post(
        Outgoing(
            chat_id,
            text,
            ref=ref,
            force_reply=True,
            thread_id=thread,
        )
    )
    return ref


async def answers_prompt(context: BotContext, message: Message, ref: object) -> bool:
    """Whether ``message`` replies to the prompt ``ref`` names."""
    replied = message.reply_to_message
    if isinstance(ref, int) and not isinstance(ref, bool):  # asked before prompts had refs
        return replied is not None and _from_bot(context, replied) and replied.message_id == ref
    if not isinstance(ref, str) or not ref.startswith(_PROMPT):
        return False
    return await replied_ref(context, message) == ref


async def replied_ref(context: BotContext, message: Message) -> str | None:
    """The ref of the bot's message that ``message`` replies to, if the outbox sent it.
    Telegram shows a message a moment before the outbox has recorded which it was: a reply
    to one still being recorded waits for the record."""
    replied = message.reply_to_message
    if replied is None or not _from_bot(context, replied):
        return None
    outbox = context.services.outbox
    found = await outbox.ref_of(message.chat_id, replied.message_id)
    sender = context.bot_data.sender
    if found is None and sender is not None:
        await sender.settled(message.chat_id)
        found = await outbox.ref_of(message.chat_id, replied.message_id)
    return found


def _from_bot(context: BotContext, message: Message) -> bool:
    return message.from_user is not None and message.from_user.id == context.bot.id


def asked_lately(
    context: BotContext, asked: Conversation | None, name: str, step: str, **about: object
) -> bool:
    """Whether this person was asked the same (``name``, ``step``, and ``about``: the ticket,
    the code) within the last minutes: one prompt however often the button is pressed, but a
    prompt that never arrived or was deleted does not lock them out for good."""
    if asked is None or asked.name != name or asked.step != step:
        return False
    if any(asked.data.get(key) != value for key, value in about.items()):
        return False
    at = asked.data.get("asked_at")
    if not isinstance(at, str):
        return False
    try:
        moment = dt.datetime.fromisoformat(at)
    except ValueError:
        return False
    return context.services.clock.now() - moment < _ASK_AGAIN_AFTER


def asked_now(context: BotContext) -> str:
    """When a prompt is asked, as :func:`asked_lately` reads it."""
    return context.services.clock.now().isoformat()


Render = Callable[[], Awaitable[tuple[Html, InlineKeyboardMarkup | None] | None]]


class Edits:
    """Edits of the bot's own messages in groups (an alert's state, the office's card), done
    beside the handler so the official's button answers at once. Several presses in a row
    make one edit with what is true at the end: the group's minute is not spent on states
    that are already gone, and Telegram's "message is not modified" is no error."""

    def __init__(self) -> None:
        self._running: dict[tuple[int, int], asyncio.Task[None]] = {}
        self._again: set[tuple[int, int]] = set()

    def refresh(self, context: BotContext, chat_id: int, message_id: int, render: Render) -> None:
        key = (chat_id, message_id)
        if key in self._running:
            self._again.add(key)
            return
        self._running[key] = context.application.create_task(
            self._edit(context, key, render), name=f"edit-{chat_id}-{message_id}"
        )

    async def _edit(self, context: BotContext, key: tuple[int, int], render: Render) -> None:
        BACKGROUND.set(True)  # nobody waits on screen for it: answers to people go first
        try:
            while True:
                self._again.discard(key)
                view = await render()
                if view is not None:
                    text, markup = view
                    try:
                        await edit_html(context.bot, key[0], key[1], text, markup)
                    except TelegramError as error:  # deleted, too old, or already so
                        log.debug("message not edited (%s)", type(error).__name__)
                if key not in self._again:
                    return
        finally:
            self._running.pop(key, None)


def edits(context: BotContext) -> Edits:
    found = context.bot_data.edits
    if not isinstance(found, Edits):
        found = context.bot_data.edits = Edits()
    return found
