"""The procedure catalogue in memory: search, browse by field, cards, and what was not found."""

from __future__ import annotations

import gzip
import hashlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from bot.domain.procedure import Procedure
from bot.search.index import SearchIndex, SearchResult
from bot.search.lexicon import FoldedLexicon, Lexicon
from bot.services.batching import WriteBehind, total
from bot.services.documents import EditableFile
from bot.storage.procedures import ProcedureRepository, UpsertCounts
from bot.yamldoc import parse_document

SHIPPED = "procedures.jsonl.gz"
LEXICON_FILE = "lexicon.yaml"
SEARCHES_KEPT = 1024


@dataclass(frozen=True, slots=True)
class Field:
    key: str  # short and stable, for buttons
    name: str
    size: int


def field_key(name: str) -> str:
    return hashlib.sha1(name.encode("utf-8")).hexdigest()[:8]


def shipped_procedures() -> Iterator[Procedure]:
    """The cleaned ward-level catalogue that ships with the bot."""
    raw = resources.files("bot.data").joinpath(SHIPPED).read_bytes()
    for line in gzip.decompress(raw).decode("utf-8").splitlines():
        if line.strip():
            yield Procedure.model_validate_json(line)


class CatalogueService:
    def __init__(self, repository: ProcedureRepository) -> None:
        self._repository = repository
        self._procedures: dict[str, Procedure] = {}
        self._lexicon = FoldedLexicon(Lexicon())
        self._index = SearchIndex([], self._lexicon)
        self._search = self._index.search
        self._fields: list[Field] = []
        self._by_field: dict[str, list[Procedure]] = {}
        self._views: dict[str, int] = {}
        self._view_writes: WriteBehind[str, int] = WriteBehind(repository.add_views, total)

    async def load(self) -> None:
        """The stored catalogue, or the shipped one on first start."""
        procedures = await self._repository.all()
        if not procedures:
            procedures = list(shipped_procedures())
            await self._repository.replace(procedures, prune=False)
        self._views = await self._repository.views()
        self._set_procedures(procedures)

    def start(self) -> None:
        self._view_writes.start()

    async def close(self) -> None:
        await self._view_writes.close()

    async def replace(self, procedures: Iterable[Procedure], prune: bool) -> UpsertCounts:
        counts = await self._repository.replace(procedures, prune)
        self._set_procedures(await self._repository.all())
        return counts

    def lexicon_file(self) -> EditableFile:
        return EditableFile(LEXICON_FILE, self._parse_lexicon, self._set_lexicon)

    @staticmethod
    def _parse_lexicon(text: str, filename: str) -> Lexicon:
        return parse_document(text, Lexicon, filename)

    def _set_lexicon(self, lexicon: Lexicon) -> None:
        self._lexicon = FoldedLexicon(lexicon)
        self._rebuild()

    def _set_procedures(self, procedures: list[Procedure]) -> None:
        self._procedures = {p.code: p for p in procedures}
        self._rebuild()

    def _rebuild(self) -> None:
        procedures = list(self._procedures.values())
        self._index = SearchIndex(procedures, self._lexicon)
        # Many citizens ask the same few things in the same words; a new index forgets them.
        self._search = lru_cache(maxsize=SEARCHES_KEPT)(self._index.search)
        by_field: dict[str, list[Procedure]] = {}
        for procedure in procedures:
            by_field.setdefault(procedure.field, []).append(procedure)
        self._by_field = by_field
        self._order()

    def _order(self) -> None:
        """Featured fields first (in the lexicon's order), then the most viewed, the largest."""
        featured = {name: i for i, name in enumerate(self._lexicon.featured_fields)}

        def field_views(name: str) -> int:
            return sum(self._views.get(p.code, 0) for p in self._by_field[name])

        names = sorted(
            self._by_field,
            key=lambda n: (
                featured.get(n, len(featured)),
                -field_views(n),
                -len(self._by_field[n]),
                n,
            ),
        )
        self._fields = [Field(field_key(n), n, len(self._by_field[n])) for n in names]
        for members in self._by_field.values():
            members.sort(key=lambda p: (-self._views.get(p.code, 0), p.name))

    def __len__(self) -> int:
        return len(self._procedures)

    def get(self, code: str) -> Procedure | None:
        return self._procedures.get(code)

    def search(self, text: str) -> SearchResult:
        return self._search(text)

    async def record_miss(self, text: str, language: str) -> None:
        await self._repository.record_miss(text[:500], language)

    async def misses(self, limit: int = 20) -> list[tuple[str, str, str]]:
        return await self._repository.misses(limit)

    def viewed(self, code: str) -> None:
        self._views[code] = self._views.get(code, 0) + 1
        self._view_writes.put(code, 1)

    @property
    def fields(self) -> list[Field]:
        return self._fields

    def field(self, key: str) -> Field | None:
        return next((f for f in self._fields if f.key == key), None)

    def in_field(self, name: str) -> list[Procedure]:
        return self._by_field.get(name, [])
