"""A department's alert kept up to date wherever its ticket changes (an official's button or
note, a citizen's rating or reopening), so officials see at a glance what was done and are
not offered what can no longer be done."""

from __future__ import annotations

from telegram import InlineKeyboardMarkup

from bot.domain.tickets import Ticket
from bot.handlers.context import BotContext
from bot.handlers.groups import edits
from bot.html import Html
from bot.ui import keyboards


def refresh_alert(context: BotContext, ticket: Ticket, chat_id: int | None) -> None:
    """Bring the alert in ``chat_id`` up to date (state, buttons); beside the handler, with
    the ticket as it is when the edit goes."""
    if chat_id is None:
        return
    services = context.services

    async def render() -> tuple[Html, InlineKeyboardMarkup | None] | None:
        now = await services.tickets.get(ticket.id)
        if now is None:
            return None
        view = services.tickets.alert_in(now, chat_id)
        return view.text, keyboards.inline(view.buttons)

    async def start() -> None:
        place = await services.outbox.thread(ticket.ref, chat_id)
        if place is None or place.first_message_id is None:
            return  # not delivered yet: it will go out as it is then
        edits(context).refresh(context, chat_id, place.first_message_id, render)

    context.application.create_task(start(), name=f"alert-{ticket.id}")
