"""``/thongke`` (``/stats``): the figures for a period, as text and one chart; and
``/xuatbaocao`` (``/export``): the same as a spreadsheet with a row per ticket. For the
leadership in its group and for admins in their private chat; anyone else is told politely
whom they are for."""

from __future__ import annotations

import logging

from telegram import Update

from bot.domain.figures import PeriodKind
from bot.handlers.common import is_admin
from bot.handlers.context import BotContext
from bot.handlers.figures import export, views
from bot.handlers.figures.buttons import ExportFor, FiguresFor, OverdueTicket
from bot.handlers.groups import in_group, is_member, topic_of
from bot.handlers.pressing import acknowledge
from bot.services.figures import FiguresUnavailable
from bot.ui.chart import render
from bot.ui.child import ChildFailed
from bot.ui.send import send_captioned, send_html

log = logging.getLogger(__name__)


async def _allowed(update: Update, context: BotContext) -> bool:
    """An admin in their private chat, or a member of the leadership's group in it."""
    if is_admin(update, context):
        return True
    chat, user = update.effective_chat, update.effective_user
    if chat is None or user is None or not in_group(update):
        return False
    departments = context.services.departments
    leadership = departments.group_of(departments.routing.leadership)
    return chat.id == leadership and await is_member(context, chat.id, user.id)


async def command(update: Update, context: BotContext) -> None:
    await show(update, context, PeriodKind.THIS_WEEK)


async def period_pressed(update: Update, context: BotContext, button: FiguresFor) -> None:
    await show(update, context, button.period)


async def _refused(update: Update, context: BotContext) -> bool:
    """Whether the asker was refused (and told so)."""
    if await _allowed(update, context):
        return False
    texts = context.texts
    if update.callback_query is not None:
        await acknowledge(update, texts.plain("figures.refused"), alert=True)
    elif update.effective_chat is not None:
        await send_html(context.bot, update.effective_chat.id, texts("figures.refused"))
    return True


def _thread(update: Update) -> int | None:
    message = update.effective_message
    return topic_of(message) if message is not None else None


async def show(update: Update, context: BotContext, kind: PeriodKind) -> None:
    chat = update.effective_chat
    if chat is None or await _refused(update, context):
        return
    texts = context.texts
    await acknowledge(update)
    services = context.services
    thread = _thread(update)
    try:
        now, before = await services.figures.compared(services.figures.period(kind))
    except FiguresUnavailable:
        await send_html(
            context.bot, chat.id, texts("figures.unavailable"), message_thread_id=thread
        )
        return
    routing = services.departments.routing
    # The figures first (what was asked); the chart, drawn in a child process, follows.
    await send_html(
        context.bot,
        chat.id,
        views.text(texts, routing, now, before),
        views.periods(texts, kind),
        message_thread_id=thread,
    )
    png = await render(views.chart(texts, routing, now))
    if png is not None:
        caption = views.chart_caption(texts, now)
        await send_captioned(context.bot, chat.id, caption, photo=png, message_thread_id=thread)


async def export_command(update: Update, context: BotContext) -> None:
    """Which period: the spreadsheet of a quarter takes a few seconds, so it is asked first."""
    chat = update.effective_chat
    if chat is None or await _refused(update, context):
        return
    texts = context.texts
    await send_html(
        context.bot, chat.id, texts("export.which"), views.exports(texts),
        message_thread_id=_thread(update),
    )  # fmt: skip


async def export_pressed(update: Update, context: BotContext, button: ExportFor) -> None:
    """The spreadsheet of the period chosen; names and phones for admins only."""
    chat = update.effective_chat
    if chat is None or await _refused(update, context):
        return
    texts = context.texts
    await acknowledge(update, texts.plain("export.working"))
    services = context.services
    period = services.figures.period(button.period)
    names = is_admin(update, context)
    try:
        book = await export.spreadsheet(services, period, texts.language, names)
    except ChildFailed as error:
        log.warning("export: no spreadsheet (%s)", str(error)[-200:])
        await send_html(context.bot, chat.id, texts("export.failed"))
        return
    caption = texts("export.caption", period=views.period_name(texts, period))
    await send_captioned(
        context.bot, chat.id, caption, document=book, filename=export.filename(period),
        message_thread_id=_thread(update),
    )  # fmt: skip


async def overdue_pressed(update: Update, context: BotContext, button: OverdueTicket) -> None:
    """One of the report's most overdue tickets, whole, for the leadership to follow up."""
    chat = update.effective_chat
    if chat is None or await _refused(update, context):
        return
    services = context.services
    ticket = await services.tickets.get(button.ticket_id)
    texts = context.texts
    if ticket is None:
        await acknowledge(update, texts.plain("ticket.refused.gone"), alert=True)
        return
    await acknowledge(update)
    # Pressed days later, the ticket may have been resolved or withdrawn since: it is shown
    # as it is, and how late only while it is still open.
    late = None
    if ticket.status.open:
        calendar = services.figures.calendar()
        late = calendar.working_hours_between(ticket.waiting_due, services.clock.now())
    body = views.overdue_ticket(
        texts, services.departments.routing, services.settings.tz, ticket, late
    )
    await send_html(context.bot, chat.id, body, message_thread_id=_thread(update))
