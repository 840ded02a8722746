"""The unit's profile (name, address, office hours, contacts): an admin-edited file."""

from __future__ import annotations

from bot.domain.unit import UnitProfile
from bot.services.documents import EditableFile
from bot.yamldoc import parse_document

FILENAME = "unit.yaml"


class UnitService:
    def __init__(self) -> None:
        self._profile: UnitProfile | None = None

    @property
    def profile(self) -> UnitProfile:
        if self._profile is None:
            raise RuntimeError("the unit profile was not loaded")
        return self._profile

    def editable_file(self) -> EditableFile:
        return EditableFile(FILENAME, self._parse, self._set)

    @staticmethod
    def _parse(text: str, filename: str) -> UnitProfile:
        return parse_document(text, UnitProfile, filename)

    def _set(self, profile: UnitProfile) -> None:
        self._profile = profile
