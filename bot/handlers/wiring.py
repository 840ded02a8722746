"""What a feature's ``register`` is handed: the Application and the shared ways in.

Commands and buttons a feature adds to the Application itself. Free text, group messages and
files pass along a :class:`Chain` (each feature's handler says whether it took the update),
so no module lists what every feature does.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Coroutine
from dataclasses import dataclass, field
from typing import Any

from telegram import InlineKeyboardButton, Update
from telegram.ext import Application, CommandHandler, filters

from bot.handlers.context import BotContext, BotData
from bot.handlers.conversations import ConversationRouter
from bot.handlers.deeplinks import DeepLinks
from bot.ui.buttons import MenuEntry

BotApp = Application[Any, BotContext, Any, Any, BotData, Any]
Taker = Callable[[Update, BotContext], Awaitable[bool]]
Asker = Callable[[Update, BotContext, str], Awaitable[None]]
Rows = Callable[[BotContext], list[list[InlineKeyboardButton]]]
CommandCallback = Callable[[Update, BotContext], Coroutine[Any, Any, None]]


class Chain:
    """Handlers asked in turn until one takes the update."""

    def __init__(self) -> None:
        self._takers: list[tuple[int, Taker]] = []

    def add(self, taker: Taker, order: int) -> None:
        """Lower ``order`` is asked first; features say where they stand, not who is around."""
        self._takers.append((order, taker))
        self._takers.sort(key=lambda pair: pair[0])

    async def offer(self, update: Update, context: BotContext) -> bool:
        for _, taker in self._takers:
            if await taker(update, context):
                return True
        return False


# Where a feature's taker stands in a chain.
REPLIES = 10  # a reply to one of the bot's messages about a thing
OWN_CODES = 15  # a code the bot gave the citizen («PA-000001»), before a receipt's codes
RECOGNISED = 20  # text that is plainly one kind of thing (a dossier code)
QUESTIONS = 90  # anything else in words is a question


@dataclass
class Wiring:
    app: BotApp
    router: ConversationRouter = field(default_factory=ConversationRouter)
    links: DeepLinks = field(default_factory=DeepLinks)
    text: Chain = field(default_factory=Chain)  # free text in a private chat, no conversation
    group_text: Chain = field(default_factory=Chain)  # words or a photo in a group
    media: Chain = field(default_factory=Chain)  # a photo, pin, contact... in a private chat
    documents: Chain = field(default_factory=Chain)  # a file sent in a private chat
    # What each main-menu item does, said by the feature that owns it.
    menu: dict[MenuEntry, CommandCallback] = field(default_factory=dict)
    # Words taken as a question about procedures (the procedures feature answers them).
    questions: Asker | None = None
    # More ways in on the "ask a question" screen (the guided flows).
    ask_screen: list[Rows] = field(default_factory=list)

    async def ask(self, update: Update, context: BotContext, text: str) -> None:
        """Answer ``text`` as a question; a feature whose step got words it cannot use."""
        assert self.questions is not None, "the procedures feature answers questions"
        await self.questions(update, context, text)

    def commands(
        self, callback: CommandCallback, *names: str, chats: filters.BaseFilter | None = None
    ) -> None:
        """``callback`` for ``/name`` in new messages (an edited command is not run again);
        only in ``chats`` if given, so two features can share a name (``/hs`` is a citizen's
        look-up in a private chat, the office's in its group)."""
        only = filters.UpdateType.MESSAGE if chats is None else filters.UpdateType.MESSAGE & chats
        self.app.add_handler(CommandHandler(list(names), callback, filters=only))
