"""Announcements: an admin writes one (``/announce <text>``), sees it as citizens will with how
many will get it, and confirms; citizens can say no (``/tatthongbao``, or the button under an
announcement) and yes again (``/batthongbao``)."""

from __future__ import annotations

import enum
from dataclasses import dataclass

from telegram import InlineKeyboardMarkup, Update

from bot.handlers.announcements.buttons import DropAnnouncement, NoMoreNews, SendAnnouncement
from bot.handlers.common import is_admin, private
from bot.handlers.context import BotContext
from bot.handlers.conversations import Dialogue
from bot.handlers.pressing import acknowledge
from bot.services.announcements import MAX_CHARS
from bot.ui.send import send_html


class Step(enum.StrEnum):
    CONFIRM = "confirm"  # the preview is shown, waiting for "send" or "cancel"


@dataclass
class Draft:
    text: str = ""


# Not given to the router: words typed while the preview waits are no answer to it, so the
# draft is left (as for any conversation nobody routes) and the words are taken as usual.
ANNOUNCE = Dialogue("announce", Step, Draft)


async def command(update: Update, context: BotContext) -> None:
    chat, user, message = update.effective_chat, update.effective_user, update.effective_message
    if chat is None or user is None or message is None:
        return
    texts = context.texts
    if not is_admin(update, context):
        await send_html(context.bot, chat.id, texts("announce.only_admins"))
        return
    text = (message.text or "").partition(" ")[2].strip()
    if not text:
        await send_html(context.bot, chat.id, texts("announce.usage"))
        return
    if len(text) > MAX_CHARS:
        await send_html(context.bot, chat.id, texts("announce.too_long", max=MAX_CHARS))
        return
    services = context.services
    await ANNOUNCE.begin(context, chat.id, user.id, Step.CONFIRM, Draft(text))
    await services.people.flush()  # everyone who has written so far counts
    audience = await services.announcements.audience()
    preview = services.announcements.preview(text, texts.language)
    markup = InlineKeyboardMarkup(
        [
            [SendAnnouncement().button(texts.plain("announce.button.send", n=audience))],
            [DropAnnouncement().button(texts.plain("complaint.button.cancel"))],
        ]
    )
    body = texts("announce.preview", n=audience) + "\n\n" + preview.text
    await send_html(context.bot, chat.id, body, markup)


async def no_more_news(update: Update, context: BotContext, button: NoMoreNews) -> None:
    """``an:off`` under an announcement: this citizen wants no more of them."""
    chat, user = update.effective_chat, update.effective_user
    if chat is None or user is None:
        return
    await acknowledge(update)
    await context.services.announcements.set_wanted(user.id, False)
    await send_html(context.bot, chat.id, context.texts("announce.off"))


async def send_pressed(update: Update, context: BotContext, button: SendAnnouncement) -> None:
    """``an:send``: the admin's draft goes to everyone who has not said no."""
    await _decided(update, context, send=True)


async def drop_pressed(update: Update, context: BotContext, button: DropAnnouncement) -> None:
    """``an:cancel``: the admin's draft is dropped."""
    await _decided(update, context, send=False)


async def _decided(update: Update, context: BotContext, send: bool) -> None:
    """A press under the preview counts only for the admin whose draft still waits; any other
    (an old preview, a copied button) is stale."""
    chat, user = update.effective_chat, update.effective_user
    if chat is None or user is None:
        return
    texts = context.texts
    services = context.services
    conversation = await services.people.conversation(chat.id, user.id)
    draft = (
        ANNOUNCE.data_of(conversation).text
        if conversation is not None and ANNOUNCE.step_of(conversation) is not None
        else ""
    )
    if not is_admin(update, context) or not draft:
        await acknowledge(update, texts.plain("button.stale"), alert=True)
        return
    await acknowledge(update)
    await services.people.end(chat.id, user.id)
    if not send:
        await send_html(context.bot, chat.id, texts("announce.cancelled"))
        return
    await services.people.flush()
    queued = await services.announcements.send(draft, user.id)
    await send_html(context.bot, chat.id, texts("announce.sent", n=queued))


async def opt(update: Update, context: BotContext) -> None:
    """``/tatthongbao`` or ``/stopnews`` (no announcements), ``/batthongbao`` or ``/news``
    (announcements again)."""
    chat, user, message = update.effective_chat, update.effective_user, update.effective_message
    if chat is None or user is None or message is None or not private(update):
        return
    command = (message.text or "").lstrip("/").split(maxsplit=1)[0].split("@")[0].lower()
    wanted = command in ("batthongbao", "news")
    await context.services.announcements.set_wanted(user.id, wanted)
    await send_html(
        context.bot, chat.id, context.texts("announce.on" if wanted else "announce.off")
    )
