"""Who is talking, in which language, and where they are in a conversation."""

from __future__ import annotations

import asyncio
import contextlib
import logging

from bot.domain.people import Conversation
from bot.i18n import I18n
from bot.storage.users import ConversationRepository, UserRepository

log = logging.getLogger(__name__)

CONVERSATION_MAX_AGE_DAYS = 7
FLUSH_SECONDS = 1.0
FLUSH_BATCH = 200


class PeopleService:
    """Everything here is asked on every update, so it is answered from memory: this process is
    the database's only writer. What a person chose (language, conversation step) is written
    through before the reply; that someone wrote (name, phone language, last seen) is written
    in batches, since losing a second of it in a crash costs nobody anything."""

    def __init__(
        self, users: UserRepository, conversations: ConversationRepository, i18n: I18n
    ) -> None:
        self._users = users
        self._conversations = conversations
        self._i18n = i18n
        self._choices: dict[int, str] = {}
        self._seen: dict[int, tuple[str, str | None]] = {}
        self._pending: dict[int, tuple[str, str | None]] = {}
        self._steps: dict[tuple[int, int], Conversation] = {}
        self._wake = asyncio.Event()
        self._flusher: asyncio.Task[None] | None = None

    async def load(self) -> None:
        self._steps = await self._conversations.active(CONVERSATION_MAX_AGE_DAYS)
        self._choices = await self._users.language_choices()

    def start(self) -> None:
        self._flusher = asyncio.create_task(self._flush_regularly(), name="people-flush")

    async def close(self) -> None:
        if self._flusher is not None:
            self._flusher.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._flusher
            self._flusher = None
        await self.flush()

    def seen(self, user_id: int, first_name: str, tg_language: str | None) -> None:
        """Note that the person wrote; stored with the next batch."""
        last = self._seen.get(user_id)
        tg_language = tg_language or (last[1] if last else None)
        if last != (first_name, tg_language):
            self._seen[user_id] = self._pending[user_id] = (first_name, tg_language)
            if len(self._pending) >= FLUSH_BATCH:
                self._wake.set()

    async def flush(self) -> None:
        if not self._pending:
            return
        batch, self._pending = self._pending, {}
        try:
            await self._users.touch_many([(uid, n, lang) for uid, (n, lang) in batch.items()])
        except BaseException:
            self._pending = {**batch, **self._pending}  # keep them for the next try
            raise

    async def _flush_regularly(self) -> None:
        while True:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), FLUSH_SECONDS)
            self._wake.clear()
            try:
                await self.flush()
            except Exception:
                log.exception("could not record recent users; will retry")

    def language_of(self, user_id: int, tg_language: str | None = None) -> str:
        """Their own choice, else their phone's language if we speak it, else the default."""
        if not tg_language and user_id in self._seen:
            tg_language = self._seen[user_id][1]
        return self._i18n.resolve(self._choices.get(user_id), tg_language)

    async def choose_language(self, user_id: int, language: str) -> None:
        if language not in self._i18n.languages:
            raise ValueError(f"unsupported language {language!r}")
        await self._users.set_language(user_id, language)
        self._choices[user_id] = language

    async def conversation(self, chat_id: int, user_id: int) -> Conversation | None:
        return self._steps.get((chat_id, user_id))

    async def begin(self, chat_id: int, user_id: int, conversation: Conversation) -> None:
        """Save the step before anything is sent, so a crash after it resumes here."""
        await self._conversations.save(chat_id, user_id, conversation)
        self._steps[(chat_id, user_id)] = conversation

    async def end(self, chat_id: int, user_id: int) -> bool:
        if (chat_id, user_id) not in self._steps:
            return False
        await self._conversations.clear(chat_id, user_id)
        del self._steps[(chat_id, user_id)]
        return True
