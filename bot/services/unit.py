"""The unit's profile: shipped example on first start, replaced by admins, every version kept."""

from __future__ import annotations

from importlib import resources

from bot.domain.unit import UnitProfile
from bot.storage.documents import DocumentRepository
from bot.yamldoc import parse_document

KIND = "unit"
FILENAME = "unit.yaml"


def example_profile_text() -> str:
    return resources.files("bot.data").joinpath(FILENAME).read_text(encoding="utf-8")


class UnitService:
    def __init__(self, documents: DocumentRepository) -> None:
        self._documents = documents
        self._profile: UnitProfile | None = None
        self._text = ""

    async def load(self) -> UnitProfile:
        """Read the newest stored version, storing the shipped example on first start."""
        stored = await self._documents.latest(KIND)
        if stored is None:
            text = example_profile_text()
            profile = parse_document(text, UnitProfile, FILENAME)
            await self._documents.add(KIND, text, author_id=None)
        else:
            text = stored.content
            profile = parse_document(text, UnitProfile, FILENAME)
        self._profile, self._text = profile, text
        return profile

    @property
    def profile(self) -> UnitProfile:
        if self._profile is None:
            raise RuntimeError("UnitService.load() was not awaited")
        return self._profile

    @property
    def text(self) -> str:
        """The current profile as the YAML an admin edits."""
        return self._text

    async def replace(self, text: str, author_id: int | None, filename: str = FILENAME) -> int:
        """Validate and apply a new profile; raises DocumentError and changes nothing if bad."""
        profile = parse_document(text, UnitProfile, filename)
        version = await self._documents.add(KIND, text, author_id)
        self._profile, self._text = profile, text
        return version
