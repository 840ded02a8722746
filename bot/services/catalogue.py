"""The procedure catalogue: search, browse by field, cards, and what was not found."""

from __future__ import annotations

import gzip
import hashlib
from collections import OrderedDict
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from bot.domain.procedure import Procedure, ProcedureRef
from bot.search.index import IndexBuilder, SearchIndex, SearchResult
from bot.search.lexicon import FoldedLexicon, Lexicon
from bot.services.batching import WriteBehind, total
from bot.services.documents import EditableFile
from bot.storage.procedures import ProcedureRepository
from bot.yamldoc import parse_document

SHIPPED = "procedures.jsonl.gz"
LEXICON_FILE = "lexicon.yaml"
SEARCHES_KEPT = 1024
PROCEDURES_KEPT = 256  # whole procedures kept after their card was opened


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
    """Search and browsing work from memory (names and an index); a procedure's full text is
    read from the database when its card is opened, and the most recent ones are kept."""

    def __init__(self, repository: ProcedureRepository) -> None:
        self._repository = repository
        self._refs: dict[str, ProcedureRef] = {}
        self._lexicon = FoldedLexicon(Lexicon())
        self._index = SearchIndex.of([], self._lexicon)
        self._search = self._index.search
        self._opened: OrderedDict[str, Procedure] = OrderedDict()
        self._fields: list[Field] = []
        self._by_field: dict[str, list[ProcedureRef]] = {}
        self._views: dict[str, int] = {}
        self._view_writes: WriteBehind[str, int] = WriteBehind(repository.add_views, total)

    async def load(self) -> None:
        """Index the stored catalogue, storing the shipped one on first start."""
        if await self._repository.is_empty():
            await self._repository.replace(shipped_procedures(), prune=False)
        self._views = await self._repository.views()
        await self._rebuild()

    def start(self) -> None:
        self._view_writes.start()

    async def close(self) -> None:
        await self._view_writes.close()

    def lexicon_file(self) -> EditableFile:
        return EditableFile(LEXICON_FILE, self._parse_lexicon, self._set_lexicon)

    @staticmethod
    def _parse_lexicon(text: str, filename: str) -> Lexicon:
        return parse_document(text, Lexicon, filename)

    async def _set_lexicon(self, lexicon: Lexicon) -> None:
        self._lexicon = FoldedLexicon(lexicon)
        await self._rebuild()

    async def _rebuild(self) -> None:
        builder = IndexBuilder(self._lexicon)
        async for procedure in self._repository.each():
            builder.add(procedure)
        self._index = builder.build()
        # Many citizens ask the same few things in the same words; a new index forgets them.
        self._search = lru_cache(maxsize=SEARCHES_KEPT)(self._index.search)
        self._refs = {ref.code: ref for ref in self._index.procedures}
        self._opened.clear()
        by_field: dict[str, list[ProcedureRef]] = {}
        for ref in self._refs.values():
            by_field.setdefault(ref.field, []).append(ref)
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
        return len(self._refs)

    def get(self, code: str) -> ProcedureRef | None:
        return self._refs.get(code)

    async def procedure(self, code: str) -> Procedure | None:
        """The whole procedure, for its card and sections."""
        if code not in self._refs:
            return None
        procedure = self._opened.get(code)
        if procedure is None:
            procedure = await self._repository.get(code)
            if procedure is None:
                return None
            self._opened[code] = procedure
            if len(self._opened) > PROCEDURES_KEPT:
                self._opened.popitem(last=False)
        self._opened.move_to_end(code)
        return procedure

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

    def in_field(self, name: str) -> list[ProcedureRef]:
        return self._by_field.get(name, [])
