"""The procedure catalogue: search, browse by field, cards, and what was not found."""

from __future__ import annotations

import gzip
import hashlib
from collections import OrderedDict
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from bot.domain.offices import LOCAL, OfficeKind, receiving_office
from bot.domain.procedure import Procedure, ProcedureRef
from bot.domain.unit import UnitProfile
from bot.search.index import Hit, ProcedureBuilder, SearchIndex, SearchResult
from bot.search.lexicon import FoldedLexicon, Lexicon
from bot.services.batching import WriteBehind, total
from bot.services.documents import EditableFile
from bot.storage.procedures import ProcedureRepository
from bot.yamldoc import parse_document

SHIPPED = "procedures.jsonl.gz"
LEXICON_FILE = "lexicon.yaml"
# Searches kept: few, since AnswerService keeps its answers (ANSWERS_KEPT), and a question
# asked again is answered from those; these spare what a few messages share (a clause, an
# English reading) and questions asked again after an admin's edit. A result holds its 30
# best hits: 1,024 of them cost some 3 MB.
SEARCHES_KEPT = 128
# Whole procedures (some 26 kB each) kept after one was read, for the sections asked for next:
# a card kept (CARDS_KEPT) needs none, and one not kept is read again in about 0.2 ms.
PROCEDURES_KEPT = 32
# Procedures read from the database at a time when the index is built: each page's text is
# held until its last procedure is indexed (200 cost start-up's peak some 3 MB).
READ_BATCH = 50
# After the lexicon's featured fields, the order a ward's citizens need them in: their own
# papers (residence, ID, civil status), their house and land, their family's benefits, their
# vehicle and small business; then everything else by use and size. Fields this ward only shows
# because unit.yaml asks (customs, maritime…) come last of all.
FIELDS_BY_USE = (
    "Đăng ký, quản lý cư trú",
    "Cấp, quản lý căn cước",
    "Hộ tịch",
    "Chứng thực",
    "Đất đai",
    "Hoạt động xây dựng",
    "Nhà ở và công sở",
    "Người có công",
    "Giảm nghèo",
    "Thực hiện chính sách BHXH",
    "Thực hiện chính sách BHYT",
    "Thu BHXH, BHYT, BHTN, BH tai nạn lao động, BNN",
    "Cấp sổ BHXH, thẻ BHYT",
    "Chi trả các chế độ BHXH",
    "Định danh và xác thực điện tử",
    "Đăng ký, quản lý phương tiện giao thông cơ giới, xe máy chuyên dùng",
    "Quản lý xuất nhập cảnh",
    "Thành lập và hoạt động doanh nghiệp (hộ kinh doanh)",
    "Nuôi con nuôi",
    "Hòa giải ở cơ sở",
    "Khiếu nại, tố cáo",
    "Đăng ký biện pháp bảo đảm",
    "Tài chính đất đai",
    "Thuế",
    "Chính sách",
    "Phòng cháy, chữa cháy",
    "Bồi thường nhà nước",
    "Tổ chức cai nghiên ma túy và quản lý sau cai nghiện",
)


@dataclass(frozen=True, slots=True)
class Field:
    key: str  # short and stable, for buttons
    name: str
    size: int


def field_key(name: str) -> str:
    return hashlib.sha1(name.encode("utf-8")).hexdigest()[:8]


def shipped_procedures() -> Iterator[Procedure]:
    """The cleaned ward-level catalogue that ships with the bot."""
    with (
        resources.files("bot.data").joinpath(SHIPPED).open("rb") as raw,
        gzip.open(raw, "rt", encoding="utf-8") as lines,
    ):
        for line in lines:  # a line at a time: the whole text would be some 16 MB
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
        self._indexed = False  # the index holds the stored catalogue (see load)
        self._opened: OrderedDict[str, Procedure] = OrderedDict()
        self._fields: list[Field] = []
        self._by_field: dict[str, list[ProcedureRef]] = {}
        self._classified: dict[str, OfficeKind] = {}  # what the data says receives each one
        self._corrections: Mapping[str, OfficeKind] = {}  # unit.yaml procedure_offices
        self._shown_fields: frozenset[str] = frozenset()  # unit.yaml shown_fields
        self._views: dict[str, int] = {}
        self._view_writes: WriteBehind[str, int] = WriteBehind(repository.add_views, total)
        self.generation = 0  # bumped by any change answers kept from before may depend on
        self.words_generation = 0  # ... and by a new index only (its vocabulary may differ)

    async def load(self) -> None:
        """Read the stored catalogue (storing the shipped one on first start): names and
        receiving offices, which the admin files are checked against. The search index is
        built when lexicon.yaml is applied, with its words, not once before it as well."""
        if await self._repository.is_empty():
            await self._repository.replace(shipped_procedures(), prune=False)
        self._views = await self._repository.views()
        await self._rebuild(index=False)

    async def ready(self) -> None:
        """After the admin files were applied: the index, if no lexicon.yaml could be."""
        if not self._indexed:
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

    async def _rebuild(self, index: bool = True) -> None:
        builder = ProcedureBuilder(self._lexicon)
        refs: dict[str, ProcedureRef] = {}
        classified: dict[str, OfficeKind] = {}
        async for procedure in self._repository.each(batch=READ_BATCH):
            if index:
                builder.add(procedure)
            else:
                refs[procedure.code] = procedure.ref
            classified[procedure.code] = receiving_office(procedure)
        self._classified = classified
        self.generation += 1
        if index:
            self._index = builder.build()
            self._indexed = True
            self.words_generation += 1  # what is built on its words (the phrase indexes) too
            # Many citizens ask the same few things in the same words; a new index forgets them.
            self._search = lru_cache(maxsize=SEARCHES_KEPT)(self._index.search)
            refs = {ref.code: ref for ref in self._index.procedures}
        self._refs = refs
        self._opened.clear()
        self._browse()

    def _browse(self) -> None:
        """Browsing lists what this ward receives: by field, in the order citizens need. What
        the portal publishes under several codes (one page, one name: ten records of «Hỗ trợ
        phát triển sản xuất cộng đồng») is listed once, as the first code."""
        by_field: dict[str, list[ProcedureRef]] = {}
        listed: set[tuple[str, str]] = set()
        for ref in self._refs.values():
            if self.in_scope(ref.code) and (ref.field, ref.name) not in listed:
                listed.add((ref.field, ref.name))
                by_field.setdefault(ref.field, []).append(ref)
        self._by_field = by_field
        self._order()

    def _order(self) -> None:
        """Featured fields first (in the lexicon's order), then those a ward's citizens use
        most (``FIELDS_BY_USE``), then the most viewed, the largest; fields shown only because
        unit.yaml turns them back on last."""
        featured = {name: i for i, name in enumerate(self._lexicon.featured_fields)}
        common = {name: i for i, name in enumerate(FIELDS_BY_USE)}

        def field_views(name: str) -> int:
            return sum(self._views.get(p.code, 0) for p in self._by_field[name])

        def shown_on_request(name: str) -> bool:
            return not any(self._local(p.code) for p in self._by_field[name])

        names = sorted(
            self._by_field,
            key=lambda n: (
                shown_on_request(n),
                featured.get(n, len(featured)),
                common.get(n, len(common)),
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

    def search(self, text: str, english: bool = False) -> SearchResult[ProcedureRef]:
        return self._search(text, english)

    def decide(self, text: str, hits: tuple[Hit[ProcedureRef], ...]) -> SearchResult[ProcedureRef]:
        """A card, a list or nothing from hits the caller filtered."""
        return self._index.decide(text, hits)

    @property
    def lexicon(self) -> FoldedLexicon:
        return self._lexicon

    def vocabulary(self) -> frozenset[str]:
        """Every word of every procedure's name, folded."""
        return self._index.vocabulary

    def viewed(self, code: str) -> None:
        self._views[code] = self._views.get(code, 0) + 1
        self._view_writes.put(code, 1)

    @property
    def fields(self) -> list[Field]:
        return self._fields

    def field(self, key: str) -> Field | None:
        return next((f for f in self._fields if f.key == key), None)

    def in_field(self, name: str) -> list[ProcedureRef]:
        """The field's procedures this ward receives (or shows: unit.yaml shown_fields)."""
        return self._by_field.get(name, [])

    # --- who receives what: the classifier, corrected by unit.yaml --------------------------

    def office(self, code: str) -> OfficeKind:
        """The office that receives the procedure: the admin's correction (unit.yaml
        ``procedure_offices``) or what its data says. KeyError for a code not in the catalogue."""
        return self._corrections.get(code) or self._classified[code]

    def _local(self, code: str) -> bool:
        return code in self._classified and self.office(code) in LOCAL

    def in_scope(self, code: str) -> bool:
        """An office of this ward receives it, or unit.yaml shows its field anyway: it may be
        browsed and offered in answers. Out of scope (customs, maritime, a provincial body…),
        a citizen who asks for it directly is told who handles it instead."""
        ref = self._refs.get(code)
        if ref is None:
            return False
        return self._local(code) or ref.field in self._shown_fields

    def set_unit(self, profile: UnitProfile) -> None:
        """The admin's corrections and shown fields from unit.yaml, applied at once."""
        self._corrections = dict(profile.procedure_offices)
        self._shown_fields = frozenset(profile.shown_fields)
        self._browse()
        self.generation += 1  # answers kept from before may offer what is now out of scope

    def following(self, unit_file: EditableFile) -> EditableFile:
        """unit.yaml as the unit service applies it, with the catalogue's scope following.
        A correction for a code the catalogue does not have is ignored, not refused: a new
        catalogue dropping one procedure must not set the ward's whole profile aside."""
        return unit_file.then(self.set_unit)
