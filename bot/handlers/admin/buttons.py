"""The buttons of ``/files``: each data file by its place in the list."""

from __future__ import annotations

from dataclasses import dataclass

from bot.ui.buttons import Button


@dataclass(frozen=True)
class GetFile(Button, prefix="af:get"):
    """«⬇️ <file>»: the file's current version, to edit and send back."""

    index: int


@dataclass(frozen=True)
class RestoreFile(Button, prefix="af:restore"):
    """«↩️ …»: the file's previous version, saved again as a new one."""

    index: int
