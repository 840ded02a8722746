"""One-time sign-ins to the web admin, by the digest of their secret."""

from __future__ import annotations

import datetime as dt

from bot.storage.db import Database


class SignInRepository:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def issue(self, digest: str, user_id: int, expires_at: dt.datetime) -> None:
        clock = self._db.clock
        await self._db.write(
            "INSERT INTO sign_ins (digest, user_id, expires_at) VALUES (?, ?, ?)",
            (digest, user_id, clock.stamp(expires_at)),
        )

    async def consume(self, digest: str) -> int | None:
        """The user a link signs in, once: None if it was never issued, is used or expired."""
        now = self._db.clock.stamp()
        rows = await self._db.write(
            "UPDATE sign_ins SET used_at = ? "
            "WHERE digest = ? AND used_at IS NULL AND expires_at > ? RETURNING user_id",
            (now, digest, now),
        )
        return int(rows[0]["user_id"]) if rows else None

    async def take_once(self, digest: str, user_id: int, expires_at: dt.datetime) -> bool:
        """Records signed data as used; False if it was used before (a replay)."""
        clock = self._db.clock
        rows = await self._db.write(
            "INSERT INTO sign_ins (digest, user_id, expires_at, used_at) VALUES (?, ?, ?, ?) "
            "ON CONFLICT (digest) DO NOTHING RETURNING digest",
            (digest, user_id, clock.stamp(expires_at), clock.stamp()),
        )
        return bool(rows)

    async def forget_expired(self) -> int:
        rows = await self._db.write(
            "DELETE FROM sign_ins WHERE expires_at <= ? RETURNING digest", (self._db.clock.stamp(),)
        )
        return len(rows)
