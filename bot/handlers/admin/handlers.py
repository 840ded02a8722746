"""Admins edit the bot's data files by sending them back: the unit's profile, the word lists
for search, the guided flows. ``/files`` lists them, each with buttons to download the current
version or restore the previous one; ``/unit`` sends the profile."""

from __future__ import annotations

import re

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update, WebAppInfo

from bot.handlers.admin.buttons import GetFile, RestoreFile
from bot.handlers.common import is_admin, refuse_non_admin
from bot.handlers.context import BotContext
from bot.handlers.pressing import acknowledge
from bot.html import NEWLINE, Html
from bot.i18n import Texts
from bot.services.documents import NoPreviousVersion, SetAside
from bot.services.dossier_import import MAX_MB as MAX_CSV_MB
from bot.services.dossiers import ImportReport
from bot.services.sign_ins import SIGN_IN_WINDOW
from bot.services.unit import FILENAME as UNIT_FILE
from bot.ui.dossiers import refusal_text
from bot.ui.send import send_captioned, send_html
from bot.yamldoc import DocumentError

MAX_DOCUMENT_MB = 1  # the largest word list (phrasings.yaml) is about a third of this
SHOWN_REFUSALS = 20  # refused rows listed in the reply; the count says how many more
MAX_REASONS = 5  # of a file set aside at start-up; the admin sees all when sending it again


async def _admin_chat(update: Update, context: BotContext) -> int | None:
    """The admin's chat id, or None after telling a non-admin this is not for them."""
    chat = update.effective_chat
    if chat is None:
        return None
    if not is_admin(update, context):
        await refuse_non_admin(update, context)
        return None
    return chat.id


async def files_command(update: Update, context: BotContext) -> None:
    chat_id = await _admin_chat(update, context)
    if chat_id is None:
        return
    texts = context.texts
    documents = context.services.documents
    rows = []
    lines = [texts("admin.files.title")]
    for index, name in enumerate(documents.names):
        lines.append(texts("admin.files.line", name=name, version=documents.version(name)))
        aside = documents.set_aside(name)
        if aside is not None:
            lines.append(_set_aside_text(texts, aside))
        rows.append(
            [
                GetFile(index).button(texts.plain("admin.files.get", name=name)),
                RestoreFile(index).button(texts.plain("admin.files.restore")),
            ]
        )
    lines.append(texts("admin.files.how"))
    await send_html(context.bot, chat_id, NEWLINE.join(lines), InlineKeyboardMarkup(rows))


def _set_aside_text(texts: Texts, aside: SetAside) -> Html:
    return texts("admin.files.set_aside", **aside.told(texts, MAX_REASONS))


async def unit_command(update: Update, context: BotContext) -> None:
    if await _admin_chat(update, context) is not None:
        await send_file(update, context, UNIT_FILE)


async def send_file(update: Update, context: BotContext, name: str) -> None:
    chat = update.effective_chat
    if chat is None:
        return
    documents = context.services.documents
    await send_captioned(
        context.bot,
        chat.id,
        context.texts("admin.files.current", name=name, version=documents.version(name)),
        document=(await documents.text(name)).encode("utf-8"),
        filename=name,
    )


async def _pressed_file(update: Update, context: BotContext, index: int) -> str | None:
    """The file a ``/files`` button names, the press answered; None (said why) if the one
    pressing is no admin or the list has since grown shorter."""
    if not is_admin(update, context):
        await refuse_non_admin(update, context)
        return None
    names = context.services.documents.names
    if index >= len(names):
        await acknowledge(update, context.texts.plain("button.stale"), alert=True)
        return None
    await acknowledge(update)
    return names[index]


async def get_pressed(update: Update, context: BotContext, button: GetFile) -> None:
    """``af:get:<n>``: the file's current version."""
    name = await _pressed_file(update, context, button.index)
    if name is not None:
        await send_file(update, context, name)


async def restore_pressed(update: Update, context: BotContext, button: RestoreFile) -> None:
    """``af:restore:<n>``: back to the file's previous version."""
    chat, user = update.effective_chat, update.effective_user
    if chat is None or user is None:
        return
    name = await _pressed_file(update, context, button.index)
    if name is None:
        return
    texts = context.texts
    try:
        version = await context.services.documents.restore_previous(name, user.id)
    except NoPreviousVersion:
        await send_html(context.bot, chat.id, texts("admin.files.no_previous", name=name))
        return
    except DocumentError as exc:  # the old version no longer fits (e.g. a code is gone)
        await send_html(context.bot, chat.id, _rejection(context, name, exc))
        return
    await send_html(context.bot, chat.id, texts("admin.files.restored", name=name, version=version))


def _rejection(context: BotContext, name: str, error: DocumentError) -> Html:
    texts = context.texts
    problems = NEWLINE.join(texts("admin.file.problem", text=line) for line in error.lines(texts))
    return texts("admin.file.rejected", name=name, problems=problems)


async def document_received(update: Update, context: BotContext) -> bool:
    """Apply an admin's edited data file; False if this document is not one we handle."""
    message, chat, user = update.effective_message, update.effective_chat, update.effective_user
    if message is None or message.document is None or chat is None or user is None:
        return False
    documents = context.services.documents
    name = message.document.file_name or ""
    is_csv = name.lower().endswith(".csv")
    if not is_admin(update, context) or not (documents.handles(name) or is_csv):
        return False
    texts = context.texts
    limit = MAX_CSV_MB if is_csv else MAX_DOCUMENT_MB
    if (message.document.file_size or 0) > limit * 1_000_000:
        await send_html(context.bot, chat.id, texts("admin.file.too_big", name=name, limit=limit))
        return True
    file = await message.document.get_file()
    raw = bytes(await file.download_as_bytearray())
    if is_csv:
        report = await context.services.dossiers.import_csv(raw, name, f"admin:{user.id}")
        await send_html(context.bot, chat.id, import_summary(texts, name, report))
        return True
    try:
        content = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        await send_html(context.bot, chat.id, texts("admin.file.not_utf8", name=name))
        return True
    try:
        version = await documents.replace(name, content, user.id)
    except DocumentError as exc:
        await send_html(context.bot, chat.id, _rejection(context, name, exc))
        return True
    await send_html(context.bot, chat.id, texts("admin.file.applied", name=name, version=version))
    return True


def import_summary(texts: Texts, name: str, report: ImportReport) -> Html:
    """What a dossier import did, and each refused row with its line and field."""
    lines = [
        texts(
            "dossier.import.done",
            name=name,
            created=report.created,
            changed=report.changed,
            unchanged=report.unchanged,
            told=report.told,
        )
    ]
    if report.refused:
        lines.append(texts("dossier.import.refused", n=len(report.refused)))
        lines += [
            texts("dossier.import.line", problem=refusal_text(texts, p))
            for p in report.refused[:SHOWN_REFUSALS]
        ]
        if len(report.refused) > SHOWN_REFUSALS:
            lines.append(texts("dossier.import.more", n=len(report.refused) - SHOWN_REFUSALS))
    return NEWLINE.join(lines)


USER_ID = re.compile(r"-?[0-9]{1,15}")


async def block_command(update: Update, context: BotContext) -> None:
    """``/block <user id>`` bars a person from filing; ``/unblock <user id>`` lifts it."""
    chat_id = await _admin_chat(update, context)
    message, user = update.effective_message, update.effective_user
    if chat_id is None or message is None or user is None:
        return
    texts = context.texts
    command = (message.text or "").split()[0].lstrip("/").split("@")[0]
    target = context.args[0] if context.args else ""
    # ASCII digits only ("²".isdigit() is true) and few enough for SQLite's 64-bit integers;
    # Telegram's ids fit in 52 bits.
    if not USER_ID.fullmatch(target):
        await send_html(context.bot, chat_id, texts("admin.block.usage"))
        return
    blocked = command == "block"
    await context.services.tickets.set_blocked(int(target), blocked, user.id)
    key = "admin.block.done" if blocked else "admin.block.undone"
    await send_html(context.bot, chat_id, texts(key, user_id=target))


async def web_command(update: Update, context: BotContext) -> None:
    """/admin: a one-time link to the web admin for a desk's browser, and a button that opens
    it inside Telegram. For staff only, in a private chat: the link signs its holder in."""
    chat, user = update.effective_chat, update.effective_user
    if chat is None or user is None:
        return
    texts = context.texts
    if chat.type != chat.PRIVATE:
        await send_html(context.bot, chat.id, texts("web.private_only"))
        return
    site = context.bot_data.admin_site
    if site is None or context.services.settings.public_url is None:
        await send_html(context.bot, chat.id, texts("web.not_configured"))
        return
    link = await site.link_for(user.id)
    if link is None:
        await send_html(context.bot, chat.id, texts("web.staff_only"))
        return
    minutes = int(SIGN_IN_WINDOW.total_seconds() // 60)
    rows = []
    if (app := site.mini_app_url()) is not None:
        rows.append([InlineKeyboardButton(texts.plain("web.open_app"), web_app=WebAppInfo(app))])
        rows.append([InlineKeyboardButton(texts.plain("web.open_link"), url=link)])
    markup = InlineKeyboardMarkup(rows) if rows else None
    await send_html(context.bot, chat.id, texts("web.link", link=link, minutes=minutes), markup)
