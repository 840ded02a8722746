"""SQL for the Telegram group each department works in."""

from __future__ import annotations

from bot.storage.db import Database


class DepartmentGroupRepository:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def link(self, department: str, chat_id: int, is_forum: bool, by: int) -> None:
        await self._db.write(
            "INSERT INTO department_groups (department, chat_id, is_forum, linked_by, linked_at) "
            "VALUES (?, ?, ?, ?, ?) ON CONFLICT(department) DO UPDATE SET "
            "chat_id = excluded.chat_id, is_forum = excluded.is_forum, "
            "linked_by = excluded.linked_by, linked_at = excluded.linked_at",
            (department, chat_id, int(is_forum), by, self._db.clock.stamp()),
        )

    async def groups(self) -> dict[str, tuple[int, bool]]:
        """Each linked department's (chat id, whether the group has forum topics)."""
        rows = await self._db.fetchall(
            "SELECT department, chat_id, is_forum FROM department_groups"
        )
        return {str(r["department"]): (int(r["chat_id"]), bool(r["is_forum"])) for r in rows}
