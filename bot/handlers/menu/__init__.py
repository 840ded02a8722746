"""Greeting, help, the main menu, language and cancel: every conversation's way out."""

from __future__ import annotations

from telegram import Update

from bot.handlers.context import BotContext
from bot.handlers.menu import handlers
from bot.handlers.menu.buttons import ChooseLanguage
from bot.handlers.menu.handlers import command_list_for
from bot.handlers.pressing import on_press
from bot.handlers.wiring import Wiring
from bot.ui.buttons import MenuEntry, MenuItem

__all__ = ["command_list_for", "register"]


def register(wiring: Wiring) -> None:
    router, items = wiring.router, wiring.menu

    async def start(update: Update, context: BotContext) -> None:
        await handlers.start(update, context, wiring.links)

    async def menu(update: Update, context: BotContext) -> None:
        await handlers.menu_command(update, context, router)

    async def home(update: Update, context: BotContext) -> None:
        await handlers.back_to_menu(update, context, router)

    async def cancel(update: Update, context: BotContext) -> None:
        await handlers.cancel(update, context, router)

    async def item_pressed(update: Update, context: BotContext, button: MenuItem) -> None:
        await handlers.open_item(update, context, items, button.item)

    async def link(update: Update, context: BotContext, argument: str) -> bool:
        return await handlers.open_link(update, context, items, argument)

    wiring.commands(start, "start")
    wiring.commands(handlers.help_command, "help")
    wiring.commands(menu, "menu")
    wiring.commands(cancel, "cancel")
    wiring.commands(handlers.language_command, "language")
    items[MenuEntry.HOME] = home
    items[MenuEntry.LANGUAGE] = handlers.language_command
    wiring.app.add_handler(on_press(MenuItem, item_pressed))
    wiring.app.add_handler(on_press(ChooseLanguage, handlers.language_chosen))
    wiring.links.register("m", link)
