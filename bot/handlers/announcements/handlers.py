"""Announcements: an admin writes one (``/announce <text>``), sees it as citizens will with how
many will get it, and confirms; citizens can say no (``/tatthongbao``, or the button under an
announcement) and yes again (``/batthongbao``)."""

from __future__ import annotations

from telegram import Update

from bot.domain.people import Conversation
from bot.handlers.admin import is_admin
from bot.handlers.context import BotContext
from bot.i18n import Html
from bot.services.announcements import MAX_CHARS
from bot.ui import keyboards
from bot.ui.callbacks import Callback, encode
from bot.ui.send import send_html

CONVERSATION = "announce"  # an admin's draft, waiting for "send"


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
    await services.people.begin(
        chat.id, user.id, Conversation(CONVERSATION, "confirm", {"text": text})
    )
    await services.people.flush()  # everyone who has written so far counts
    audience = await services.announcements.audience()
    preview = services.announcements.preview(text, texts.language)
    rows = [
        [(texts.plain("announce.button.send", n=audience), encode("an", "send"))],
        [(texts.plain("complaint.button.cancel"), encode("an", "cancel"))],
    ]
    body = Html(texts("announce.preview", n=audience) + "\n\n" + preview.text)
    await send_html(context.bot, chat.id, body, keyboards.inline(rows))


async def pressed(update: Update, context: BotContext, callback: Callback) -> None:
    """``an:send`` / ``an:cancel`` for the admin's draft; ``an:off`` for a citizen."""
    query, chat, user = update.callback_query, update.effective_chat, update.effective_user
    if query is None or chat is None or user is None:
        return
    texts = context.texts
    services = context.services
    what = callback.arg(0)
    if what == "off":
        await query.answer()
        await services.announcements.set_wanted(user.id, False)
        await send_html(context.bot, chat.id, texts("announce.off"))
        return
    conversation = await services.people.conversation(chat.id, user.id)
    draft = (
        conversation.data.get("text")
        if conversation and conversation.name == CONVERSATION
        else None
    )
    if (
        not is_admin(update, context)
        or not isinstance(draft, str)
        or what not in ("send", "cancel")
    ):
        await query.answer(texts.plain("button.stale"), show_alert=True)
        return
    await query.answer()
    await services.people.end(chat.id, user.id)
    if what == "cancel":
        await send_html(context.bot, chat.id, texts("announce.cancelled"))
        return
    await services.people.flush()
    queued = await services.announcements.send(draft, user.id)
    await send_html(context.bot, chat.id, texts("announce.sent", n=queued))


async def opt(update: Update, context: BotContext) -> None:
    """``/tatthongbao`` or ``/stopnews`` (no announcements), ``/batthongbao`` or ``/news``
    (announcements again)."""
    chat, user, message = update.effective_chat, update.effective_user, update.effective_message
    if chat is None or user is None or message is None or chat.type != "private":
        return
    command = (message.text or "").lstrip("/").split(maxsplit=1)[0].split("@")[0].lower()
    wanted = command in ("batthongbao", "news")
    await context.services.announcements.set_wanted(user.id, wanted)
    await send_html(
        context.bot, chat.id, context.texts("announce.on" if wanted else "announce.off")
    )
