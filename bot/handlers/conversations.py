"""Conversations: typed steps and data, and routing a person's free text to theirs.

The step lives in SQLite (PeopleService), so a restart, even a crash, resumes where they were.
Each multi-step conversation is a :class:`Dialogue`: its steps an Enum, what it gathers a
dataclass; in SQLite both are plain strings and JSON, so a step saved by an older version still
reads (unknown data keys are dropped, missing ones take their defaults).
"""

from __future__ import annotations

import dataclasses
import enum
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from telegram import Update

from bot.domain.people import Conversation
from bot.handlers.context import BotContext

S = TypeVar("S", bound=enum.StrEnum)
D = TypeVar("D")


@dataclass(frozen=True)
class Dialogue(Generic[S, D]):
    """A conversation's name, its steps and the dataclass of what it has gathered."""

    name: str
    steps: type[S]
    data: type[D]
    # Leaving it for the menu says what was written is dropped (a complaint, an addition).
    draft: bool = False
    # Steps that put a reply keyboard on screen, which leaving must take away.
    keyboard_steps: frozenset[str] = frozenset()

    def at(self, step: S, data: D) -> Conversation:
        """The conversation saved at ``step`` holding ``data``."""
        assert dataclasses.is_dataclass(data) and not isinstance(data, type)
        return Conversation(self.name, step.value, dataclasses.asdict(data))

    def step_of(self, conversation: Conversation | None) -> S | None:
        """The step ``conversation`` is at, if it is this dialogue's and a step it knows."""
        if conversation is None or conversation.name != self.name:
            return None
        try:
            return self.steps(conversation.step)
        except ValueError:
            return None

    def data_of(self, conversation: Conversation) -> D:
        names = {f.name for f in dataclasses.fields(self.data)}  # type: ignore[arg-type]
        known: dict[str, Any] = {k: v for k, v in conversation.data.items() if k in names}
        try:
            return self.data(**known)
        except TypeError:  # a required field missing from an old row: start it empty
            return self.data()

    async def begin(
        self, context: BotContext, chat_id: int, user_id: int, step: S, data: D
    ) -> None:
        """Save the step before anything is sent, so a crash after it resumes here."""
        await context.services.people.begin(chat_id, user_id, self.at(step, data))


class ConversationRouter:
    def __init__(self) -> None:
        self._steps: dict[str, Callable[[Update, BotContext, Conversation], Awaitable[bool]]] = {}
        self._drafts: set[str] = set()  # conversations holding a draft
        self._keyboards: dict[str, frozenset[str]] = {}  # steps showing a reply keyboard
        self._media: set[str] = set()
        # (chat, user) -> the message last answered in a step that it did not move on, and
        # that step: the only message whose edit is an answer (a fixed typo); an edit of an
        # older message must not become the answer to a later step.
        self._retry: dict[tuple[int, int], tuple[int, str, str]] = {}

    def register(
        self,
        dialogue: Dialogue[S, D],
        handler: Callable[[Update, BotContext, S, D], Awaitable[None]],
        media: bool = False,
    ) -> None:
        """``media``: the conversation also takes photos, locations and contacts."""

        async def step(update: Update, context: BotContext, conversation: Conversation) -> bool:
            at = dialogue.step_of(conversation)
            if at is None:  # a step this version no longer has: not an answer to anything
                return False
            await handler(update, context, at, dialogue.data_of(conversation))
            return True

        self._add(dialogue.name, step, media, dialogue.draft, dialogue.keyboard_steps)

    def _add(
        self,
        name: str,
        step: Callable[[Update, BotContext, Conversation], Awaitable[bool]],
        media: bool,
        draft: bool,
        keyboard_steps: frozenset[str],
    ) -> None:
        self._steps[name] = step
        if media:
            self._media.add(name)
        if draft:
            self._drafts.add(name)
        self._keyboards[name] = keyboard_steps

    def holds_draft(self, conversation: Conversation | None) -> bool:
        return conversation is not None and conversation.name in self._drafts

    def shows_keyboard(self, conversation: Conversation | None) -> bool:
        if conversation is None:
            return False
        return conversation.step in self._keyboards.get(conversation.name, frozenset())

    def register_raw(
        self,
        name: str,
        handler: Callable[[Update, BotContext, Conversation], Awaitable[None]],
    ) -> None:
        """A conversation whose steps are data, not code (an admin's FAQ flows)."""

        async def step(update: Update, context: BotContext, conversation: Conversation) -> bool:
            await handler(update, context, conversation)
            return True

        self._add(name, step, False, False, frozenset())

    async def route(
        self, update: Update, context: BotContext, media: bool = False, edited: bool = False
    ) -> bool:
        """Hand the message to the active conversation; False if there is none we know (a
        conversation or step this version no longer has is ended), or it is media and the
        conversation takes only text, or (``edited``) it is an edit of a message other than
        the last one the open step turned down."""
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
        if not await handler(update, context, conversation):
            await people.end(chat.id, user.id)
            self._retry.pop(key, None)
            return False
        after = await people.conversation(chat.id, user.id)
        if after is not None and (after.name, after.step) == (conversation.name, conversation.step):
            self._retry[key] = (message.message_id, after.name, after.step)
        else:
            self._retry.pop(key, None)
        return True
