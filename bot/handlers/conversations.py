"""Routing a person's free text to the conversation they are in.

The step lives in SQLite (PeopleService), so a restart, even a crash, resumes where they were.
Features register a handler per conversation name.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from telegram import Update

from bot.domain.people import Conversation
from bot.handlers.context import BotContext

StepHandler = Callable[[Update, BotContext, Conversation], Awaitable[None]]


class ConversationRouter:
    def __init__(self) -> None:
        self._steps: dict[str, StepHandler] = {}
        self._media: set[str] = set()

    def register(self, name: str, handler: StepHandler, media: bool = False) -> None:
        """``media``: the conversation also takes photos, locations and contacts."""
        self._steps[name] = handler
        if media:
            self._media.add(name)

    async def route(self, update: Update, context: BotContext, media: bool = False) -> bool:
        """Hand the message to the active conversation; False if there is none we know, or
        it is media and the conversation takes only text."""
        chat, user = update.effective_chat, update.effective_user
        if chat is None or user is None:
            return False
        people = context.services.people
        conversation = await people.conversation(chat.id, user.id)
        if conversation is None:
            return False
        handler = self._steps.get(conversation.name)
        if handler is None:  # a conversation from a feature that no longer exists
            await people.end(chat.id, user.id)
            return False
        if media and conversation.name not in self._media:
            return False
        await handler(update, context, conversation)
        return True
