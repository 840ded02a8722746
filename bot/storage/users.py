"""SQL for people and their conversations."""

from __future__ import annotations

import json

import aiosqlite

from bot.domain.people import Conversation, User
from bot.storage.db import Database


class UserRepository:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def touch_many(self, people: list[tuple[int, str, str | None]]) -> None:
        """Record (user_id, first_name, tg_language) for everyone who wrote lately."""
        now = self._db.clock.stamp()
        await self._db.write_many(
            "INSERT INTO users (user_id, first_name, tg_language, last_seen_at, created_at) "
            "VALUES (?, ?, ?, ?, ?) "
            "ON CONFLICT(user_id) DO UPDATE SET first_name = excluded.first_name, "
            "tg_language = COALESCE(excluded.tg_language, tg_language), "
            "last_seen_at = excluded.last_seen_at",
            [(*person, now, now) for person in people],
        )

    async def get(self, user_id: int) -> User | None:
        row = await self._db.fetchone(
            "SELECT user_id, first_name, language, tg_language FROM users WHERE user_id = ?",
            (user_id,),
        )
        if row is None:
            return None
        return User(
            user_id=row["user_id"],
            first_name=row["first_name"],
            language=row["language"],
            tg_language=row["tg_language"],
        )

    async def language_choices(self) -> dict[int, str]:
        rows = await self._db.fetchall(
            "SELECT user_id, language FROM users WHERE language IS NOT NULL"
        )
        return {int(r["user_id"]): str(r["language"]) for r in rows}

    async def set_language(self, user_id: int, language: str) -> None:
        await self._db.write(
            "INSERT INTO users (user_id, language, created_at, last_seen_at) VALUES (?, ?, ?, ?) "
            "ON CONFLICT(user_id) DO UPDATE SET language = excluded.language",
            (user_id, language, *[self._db.clock.stamp()] * 2),
        )


def _conversation(row: aiosqlite.Row) -> Conversation:
    return Conversation(name=row["name"], step=row["step"], data=json.loads(row["data"]))


class ConversationRepository:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def get(self, chat_id: int, user_id: int) -> Conversation | None:
        row = await self._db.fetchone(
            "SELECT name, step, data FROM conversations WHERE chat_id = ? AND user_id = ?",
            (chat_id, user_id),
        )
        return _conversation(row) if row else None

    async def active(self, max_age_days: int) -> dict[tuple[int, int], Conversation]:
        """Every conversation in progress, keyed by (chat, user); older ones are dropped, since
        nobody expects a question from last month to still be waiting for its answer."""
        await self._db.write(
            "DELETE FROM conversations WHERE updated_at < ?",
            (self._db.clock.stamp(plus=-max_age_days * 86400.0),),
        )
        rows = await self._db.fetchall(
            "SELECT chat_id, user_id, name, step, data FROM conversations"
        )
        return {(r["chat_id"], r["user_id"]): _conversation(r) for r in rows}

    async def save(self, chat_id: int, user_id: int, conversation: Conversation) -> None:
        await self._db.write(
            "INSERT INTO conversations (chat_id, user_id, name, step, data, updated_at) "
            "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT(chat_id, user_id) DO UPDATE SET "
            "name = excluded.name, step = excluded.step, data = excluded.data, "
            "updated_at = excluded.updated_at",
            (
                chat_id,
                user_id,
                conversation.name,
                conversation.step,
                json.dumps(conversation.data, ensure_ascii=False),
                self._db.clock.stamp(),
            ),
        )

    async def clear(self, chat_id: int, user_id: int) -> bool:
        """Forget the conversation; True if there was one."""
        rows = await self._db.write(
            "DELETE FROM conversations WHERE chat_id = ? AND user_id = ? RETURNING name",
            (chat_id, user_id),
        )
        return bool(rows)
