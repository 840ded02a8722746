"""Files admins edit (unit profile, word lists, guided flows): validated, applied at once,
every version kept so the previous one can be restored.

A file that fails validation changes nothing; the error names the file, line and field.
"""

from __future__ import annotations

import asyncio
import dataclasses
import inspect
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from importlib import resources
from typing import TYPE_CHECKING, Any

from bot.storage.documents import DocumentRepository, StoredDocument
from bot.yamldoc import DocumentError

if TYPE_CHECKING:
    from bot.i18n import Texts

log = logging.getLogger(__name__)

Validator = Callable[[str, str], Any]  # (text, filename) -> parsed; raises DocumentError
Applier = Callable[[Any], Awaitable[None] | None]


async def _run(apply: Applier, value: Any) -> None:
    applied = apply(value)
    if inspect.isawaitable(applied):
        await applied


class NoPreviousVersion(Exception):
    """There is no earlier version to go back to."""


class ChangedSince(Exception):
    """Another version was saved after the one a form showed: saving it would undo that one
    unseen."""


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

    def then(self, after: Applier) -> EditableFile:
        """This file, with ``after`` called once each value is applied: a service built on
        what another applies follows its edits at once."""
        first = self.apply

        async def apply(value: Any) -> None:
            await _run(first, value)
            await _run(after, value)

        return dataclasses.replace(self, apply=apply)


@dataclass(frozen=True)
class FileVersion:
    name: str
    version: int
    author_id: int | None
    created_at: str


NOT_APPLIED = "not applied"


@dataclass(frozen=True)
class SetAside:
    version: int  # the newest version, which failed validation at start-up
    reasons: DocumentError
    using: int | None  # the stored version in use instead, if one is
    shipped: bool  # the shipped file is in use instead

    def told(self, texts: Texts, most: int) -> dict[str, object]:
        """What an admin is told of it, in Telegram or on the web: the version, what is used
        instead, and the first ``most`` reasons."""
        if self.using is not None:
            using = texts.plain("admin.files.using_version", version=self.using)
        elif self.shipped:
            using = texts.plain("admin.files.using_shipped")
        else:
            using = texts.plain("admin.files.using_none")
        reasons = "\n".join(self.reasons.lines(texts)[:most])
        return {"version": self.version, "using": using, "reasons": reasons}


class DocumentService:
    def __init__(self, repository: DocumentRepository, files: list[EditableFile]) -> None:
        self._repository = repository
        self._files = {f.name: f for f in files}
        self._versions: dict[str, int] = {}
        self._applied: dict[str, int | None] = {}  # version in use; None: the shipped text
        self._problems: dict[str, DocumentError] = {}
        # One change at a time per file: a form, a taught phrase and a file sent to the bot at
        # the same moment would otherwise each write over what the other just saved.
        self._changing = {name: asyncio.Lock() for name in self._files}

    @property
    def names(self) -> list[str]:
        return list(self._files)

    def handles(self, filename: str) -> bool:
        return filename in self._files

    async def load(self) -> None:
        """Apply the newest stored version of each file, storing the shipped one on first start.

        A stored version can stop validating (a catalogue import removed a procedure a flow
        leads to): the bot still starts, with the newest version that does validate, else the
        shipped one, else without the file; ``problem`` tells admins what was set aside."""
        for file in self._files.values():
            newest = await self._repository.latest(file.kind)
            if newest is None:
                await self._repository.add(file.kind, file.shipped_text(), author_id=None)
                newest = await self._repository.latest(file.kind)
                assert newest is not None
            self._versions[file.name] = newest.version
            async for text, version in self._candidates(file, newest):
                try:
                    parsed = file.validate(text, file.name)
                except DocumentError as error:
                    if version == newest.version:
                        self._problems[file.name] = error
                        log.warning("%s version %s set aside: %s", file.name, version, error)
                    continue
                await self._apply(file, parsed)
                self._applied[file.name] = version
                break
            else:
                log.error("%s: no stored or shipped version validates; not applied", file.name)

    async def _candidates(
        self, file: EditableFile, newest: StoredDocument
    ) -> AsyncIterator[tuple[str, int | None]]:
        """The stored versions, newest first, read one at a time; then the shipped text."""
        stored: StoredDocument | None = newest
        while stored is not None:
            yield stored.content, stored.version
            stored = await self._repository.before(file.kind, stored.version)
        yield file.shipped_text(), None

    def set_aside(self, name: str) -> SetAside | None:
        """Whether the newest version was set aside at start-up, and what is used instead."""
        if name not in self._problems:
            return None
        using = self._applied.get(name, NOT_APPLIED)
        return SetAside(
            version=self._versions[name],
            reasons=self._problems[name],
            using=using if isinstance(using, int) else None,
            shipped=name in self._applied and using is None,
        )

    async def text(self, name: str) -> str:
        """The newest version (also when it was set aside), read when asked for, not kept."""
        newest = await self._repository.latest(self._files[name].kind)
        return newest.content if newest is not None else ""

    async def in_use(self, name: str) -> str:
        """The text the bot uses: the newest version, unless it was set aside at start-up;
        then the one used instead (the newest, if none is, to be mended)."""
        using = self._applied.get(name, NOT_APPLIED) if name in self._problems else NOT_APPLIED
        if isinstance(using, int):
            return await self.content(name, using) or ""
        if using is None:
            return self._files[name].shipped_text()
        return await self.text(name)

    def version(self, name: str) -> int:
        return self._versions[name]

    async def replace(self, name: str, text: str, author_id: int | None, shown_as: str = "") -> int:
        """Validate (raising DocumentError, nothing changed) and apply; returns the version."""
        async with self._changing[name]:
            return await self._replace(name, text, author_id, shown_as)

    async def edit(
        self,
        name: str,
        change: Callable[[str], str],
        author_id: int | None,
        based_on: int | None = None,
    ) -> int:
        """The newest text, changed by ``change``, as a new version, with no other saved in
        between; a version set aside at start-up is replaced by the one in use, changed.
        ``based_on``: the version a form showed; ChangedSince if it is no longer the newest."""
        async with self._changing[name]:
            if based_on is not None and based_on != self._versions[name]:
                raise ChangedSince(name)
            return await self._replace(name, change(await self.in_use(name)), author_id, "")

    async def _replace(self, name: str, text: str, author_id: int | None, shown_as: str) -> int:
        file = self._files[name]
        parsed = file.validate(text, shown_as or name)
        version = await self._repository.add(file.kind, text, author_id)
        await self._apply(file, parsed)
        self._versions[name] = version
        self._applied[name] = version
        self._problems.pop(name, None)
        return version

    async def restore_previous(self, name: str, author_id: int | None) -> int:
        """Go back to the version before the current one, as a new version."""
        kind = self._files[name].kind
        current = self._versions.get(name)
        previous = await (
            self._repository.latest(kind)
            if current is None
            else self._repository.before(kind, current)
        )
        if previous is None:
            raise NoPreviousVersion(name)
        return await self.replace(name, previous.content, author_id)

    async def content(self, name: str, version: int) -> str | None:
        stored = await self._repository.get(self._files[name].kind, version)
        return stored.content if stored is not None else None

    async def restore(self, name: str, version: int, author_id: int | None) -> int:
        """That version again, as a new one (checked as any new version is)."""
        text = await self.content(name, version)
        if text is None:
            raise NoPreviousVersion(name)
        return await self.replace(name, text, author_id)

    async def history(self, name: str) -> list[FileVersion]:
        rows = await self._repository.history(self._files[name].kind)
        return [FileVersion(name, d.version, d.author_id, d.created_at) for d in rows]

    @staticmethod
    async def _apply(file: EditableFile, parsed: Any) -> None:
        await _run(file.apply, parsed)
