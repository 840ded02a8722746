"""Dossiers for citizens: look one up by its receipt's code, follow it with the check value."""

from __future__ import annotations

from telegram import Update
from telegram.ext import filters

from bot.domain.dossiers import LINK_KIND
from bot.handlers.context import BotContext
from bot.handlers.dossiers import handlers
from bot.handlers.dossiers.buttons import CancelLookup, Follow, Unfollow
from bot.handlers.pressing import on_press
from bot.handlers.wiring import RECOGNISED, Wiring
from bot.ui.buttons import MenuEntry


def register(wiring: Wiring) -> None:
    async def step(
        update: Update, context: BotContext, at: handlers.LookupStep, data: handlers.Lookup
    ) -> None:
        await handlers.step(update, context, at, data, wiring.ask)

    # In a group, /hoso and /hs are the one-stop office's (bot/handlers/office).
    wiring.commands(handlers.command, "hoso", "hs", chats=filters.ChatType.PRIVATE)
    wiring.menu[MenuEntry.DOSSIER] = handlers.ask_code
    wiring.router.register(handlers.LOOKUP, step)
    wiring.text.add(handlers.receipt, RECOGNISED)
    wiring.links.register(LINK_KIND, handlers.opened_from_link)
    for press in (
        on_press(Follow, handlers.follow_pressed),
        on_press(Unfollow, handlers.unfollow_pressed),
        on_press(CancelLookup, handlers.cancel_pressed),
    ):
        wiring.app.add_handler(press)
