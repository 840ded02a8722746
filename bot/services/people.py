"""Who is talking, in which language, and where they are in a conversation."""

from __future__ import annotations

from bot.domain.people import Conversation
from bot.i18n import I18n
from bot.services.batching import WriteBehind, latest
from bot.storage.users import ConversationRepository, UserRepository

CONVERSATION_MAX_AGE_DAYS = 7


class PeopleService:
    """Everything here is asked on every update, so it is answered from memory: this process is
    the database's only writer. What a person chose (language, conversation step) is written
    through before the reply; that someone wrote (name, phone language, last seen) is written
    behind, in batches."""

    def __init__(
        self, users: UserRepository, conversations: ConversationRepository, i18n: I18n
    ) -> None:
        self._users = users
        self._conversations = conversations
        self._i18n = i18n
        self._choices: dict[int, str] = {}
        self._seen: dict[int, tuple[str, str | None]] = {}
        self._steps: dict[tuple[int, int], Conversation] = {}
        self._recent: WriteBehind[int, tuple[str, str | None]] = WriteBehind(
            self._store_recent, latest
        )

    async def load(self) -> None:
        self._steps = await self._conversations.active(CONVERSATION_MAX_AGE_DAYS)
        self._choices = await self._users.language_choices()

    def start(self) -> None:
        self._recent.start()

    async def close(self) -> None:
        await self._recent.close()

    async def flush(self) -> None:
        """Store who wrote now rather than with the next batch (before counting people)."""
        await self._recent.flush()

    def seen(self, user_id: int, first_name: str, tg_language: str | None) -> None:
        """Note that the person wrote; stored with the next batch."""
        last = self._seen.get(user_id)
        tg_language = tg_language or (last[1] if last else None)
        if last != (first_name, tg_language):
            self._seen[user_id] = (first_name, tg_language)
            self._recent.put(user_id, (first_name, tg_language))

    async def _store_recent(self, batch: dict[int, tuple[str, str | None]]) -> None:
        await self._users.touch_many([(uid, name, lang) for uid, (name, lang) in batch.items()])

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

    def forget(self, user_id: int) -> None:
        """Their data was erased (bot/services/privacy.py): what memory holds of them goes
        too, so a message they send later starts them afresh, as a new visitor."""
        self._choices.pop(user_id, None)
        self._seen.pop(user_id, None)
        for key in [key for key in self._steps if key[1] == user_id]:
            del self._steps[key]

    async def end(self, chat_id: int, user_id: int) -> bool:
        if (chat_id, user_id) not in self._steps:
            return False
        await self._conversations.clear(chat_id, user_id)
        del self._steps[(chat_id, user_id)]
        return True
