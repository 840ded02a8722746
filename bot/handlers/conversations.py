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
        # (chat, user) -> the message last answered in a step that it did not move on, and
        # that step: the only message whose edit is an answer (a fixed typo); an edit of an
        # older message must not become the answer to a later step.
        self._retry: dict[tuple[int, int], tuple[int, str, str]] = {}

    def register(self, name: str, handler: StepHandler, media: bool = False) -> None:
        """``media``: the conversation also takes photos, locations and contacts."""
        self._steps[name] = handler
        if media:
            self._media.add(name)

    async def route(
        self, update: Update, context: BotContext, media: bool = False, edited: bool = False
    ) -> bool:
        """Hand the message to the active conversation; False if there is none we know, or
        it is media and the conversation takes only text, or (``edited``) it is an edit of
        a message other than the last one the open step turned down."""
        chat, user, message = update.effective_chat, update.effective_user, update.effective_message
        if chat is None or user is None or message is None:
            return False
        people = context.services.people
        key = (chat.id, user.id)
        conversation = await people.conversation(chat.id, user.id)
        if conversation is None:
            self._retry.pop(key, None)
            return False
        handler = self._steps.get(conversation.name)
        if handler is None:  # a conversation from a feature that no longer exists
            await people.end(chat.id, user.id)
            return False
        if media and conversation.name not in self._media:
            return False
        if edited and self._retry.get(key) != (
            message.message_id,
            conversation.name,
            conversation.step,
        ):
            return False
        await handler(update, context, conversation)
        after = await people.conversation(chat.id, user.id)
        if after is not None and (after.name, after.step) == (conversation.name, conversation.step):
            self._retry[key] = (message.message_id, after.name, after.step)
        else:
            self._retry.pop(key, None)
        return True
