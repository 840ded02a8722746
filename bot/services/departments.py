"""Which department handles what (the admin's ``departments.yaml``) and which Telegram group
each department works in.

Tickets, their deadlines and the dossier office all ask the same questions (who handles this,
where do they read it); one directory answers them, so a group linked once is known to all.
"""

from __future__ import annotations

from collections.abc import Sequence

from bot.domain.routing import Routing
from bot.services.documents import EditableFile
from bot.storage.departments import DepartmentGroupRepository
from bot.yamldoc import parse_document

FILENAME = "departments.yaml"


class DepartmentDirectory:
    def __init__(self, groups: DepartmentGroupRepository, admins: Sequence[int]) -> None:
        self._repository = groups
        self._admins = list(admins)
        self._routing: Routing | None = None
        self._groups: dict[str, tuple[int, bool]] = {}

    async def load(self) -> None:
        self._groups = await self._repository.groups()

    # --- the admin's routing file ---------------------------------------------------------

    def editable_file(self) -> EditableFile:
        return EditableFile(FILENAME, self._parse, self._set)

    @staticmethod
    def _parse(text: str, filename: str) -> Routing:
        return parse_document(text, Routing, filename)

    def _set(self, routing: Routing) -> None:
        self._routing = routing

    @property
    def routing(self) -> Routing:
        if self._routing is None:
            raise RuntimeError("departments.yaml was not loaded")
        return self._routing

    # --- groups ---------------------------------------------------------------------------

    async def link(self, department: str, chat_id: int, is_forum: bool, by: int) -> None:
        await self._repository.link(department, chat_id, is_forum, by)
        self._groups[department] = (chat_id, is_forum)

    def departments_of_chat(self, chat_id: int) -> list[str]:
        return [code for code, (chat, _) in self._groups.items() if chat == chat_id]

    def group_of(self, department: str) -> int | None:
        linked = self._groups.get(department)
        return linked[0] if linked else None

    def linked(self, department: str) -> tuple[int, bool] | None:
        """The department's group and whether it has forum topics; ``None`` until linked."""
        return self._groups.get(department)

    def department_chats(self, department: str | None) -> list[int]:
        """The department's group; while it has none, the admins, so nothing goes unheard."""
        group = self.group_of(department) if department else None
        return [group] if group is not None else list(self._admins)
