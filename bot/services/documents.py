"""Files admins edit (unit profile, word lists, guided flows): validated, applied at once,
every version kept so the previous one can be restored.

A file that fails validation changes nothing; the error names the file, line and field.
"""

from __future__ import annotations

import inspect
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from importlib import resources
from typing import Any

from bot.storage.documents import DocumentRepository, StoredDocument

Validator = Callable[[str, str], Any]  # (text, filename) -> parsed; raises DocumentError
Applier = Callable[[Any], Awaitable[None] | None]


class NoPreviousVersion(Exception):
    """There is no earlier version to go back to."""


@dataclass(frozen=True)
class EditableFile:
    name: str  # what the admin sends and receives, e.g. "lexicon.yaml"
    validate: Validator
    apply: Applier
    package: str = "bot.data"  # where the shipped version lives

    @property
    def kind(self) -> str:
        return self.name.rsplit(".", 1)[0]

    def shipped_text(self) -> str:
        return resources.files(self.package).joinpath(self.name).read_text(encoding="utf-8")


@dataclass(frozen=True)
class FileVersion:
    name: str
    version: int
    author_id: int | None
    created_at: str


class DocumentService:
    def __init__(self, repository: DocumentRepository, files: list[EditableFile]) -> None:
        self._repository = repository
        self._files = {f.name: f for f in files}
        self._texts: dict[str, str] = {}
        self._versions: dict[str, int] = {}

    @property
    def names(self) -> list[str]:
        return list(self._files)

    def handles(self, filename: str) -> bool:
        return filename in self._files

    async def load(self) -> None:
        """Apply the newest stored version of each file, storing the shipped one on first start."""
        for file in self._files.values():
            stored = await self._repository.latest(file.kind)
            if stored is None:
                text = file.shipped_text()
                parsed = file.validate(text, file.name)
                version = await self._repository.add(file.kind, text, author_id=None)
            else:
                text, version = stored.content, stored.version
                parsed = file.validate(text, file.name)
            await self._apply(file, parsed)
            self._texts[file.name], self._versions[file.name] = text, version

    def text(self, name: str) -> str:
        return self._texts[name]

    def version(self, name: str) -> int:
        return self._versions[name]

    async def replace(self, name: str, text: str, author_id: int | None, shown_as: str = "") -> int:
        """Validate (raising DocumentError, nothing changed) and apply; returns the version."""
        file = self._files[name]
        parsed = file.validate(text, shown_as or name)
        version = await self._repository.add(file.kind, text, author_id)
        await self._apply(file, parsed)
        self._texts[name], self._versions[name] = text, version
        return version

    async def restore_previous(self, name: str, author_id: int | None) -> int:
        """Go back to the version before the current one, as a new version."""
        history = await self._repository.history(self._files[name].kind)
        current = self._versions.get(name)
        earlier = [d for d in history if current is None or d.version < current]
        previous: StoredDocument | None = earlier[0] if earlier else None
        if previous is None:
            raise NoPreviousVersion(name)
        return await self.replace(name, previous.content, author_id)

    async def history(self, name: str) -> list[FileVersion]:
        rows = await self._repository.history(self._files[name].kind)
        return [FileVersion(name, d.version, d.author_id, d.created_at) for d in rows]

    @staticmethod
    async def _apply(file: EditableFile, parsed: Any) -> None:
        result = file.apply(parsed)
        if inspect.isawaitable(result):
            await result
