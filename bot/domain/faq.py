"""Everyday questions a ward office is asked daily (faq.yaml), how citizens ask for each
procedure (phrasings.yaml), and the phrases admins taught the bot (aliases.yaml). All are
admin-edited files: versioned, applied at once, undoable."""

from __future__ import annotations

import enum
import re
import string
import unicodedata
from typing import Annotated, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    field_validator,
    model_validator,
)

from bot.domain.offices import LOCAL, OfficeKind
from bot.domain.procedure import CODE
from bot.domain.unit import Localized
from bot.search.normalize import fold
from bot.yamldoc import invalid

ID = re.compile(r"^[a-z0-9][a-z0-9-]{0,40}$")
MAX_PHRASE = 300  # characters of a phrase taught or a phrasing
UNIT_FACTS = ("unit", "address", "hours", "hotline", "email", "website", "parking")
# Offices an answer may name: those a ward's citizens walk into, in unit.yaml. A customs or a
# border commune's office has no address there to fill in.
ANSWER_OFFICES = tuple(kind for kind in OfficeKind if kind in LOCAL)
PLACEHOLDERS = frozenset(
    [*UNIT_FACTS, *(f"office_{kind.value}" for kind in ANSWER_OFFICES)]
)  # filled from unit.yaml, so a fact lives in one file only


class MenuTarget(enum.StrEnum):
    """Menu entries an FAQ answer may point to."""

    DOSSIER = "dossier"
    COMPLAINT = "complaint"
    BROWSE = "browse"
    ASK = "ask"
    MINE = "mine"


class FaqButton(BaseModel):
    """Exactly one of: a procedure's card, a menu entry, an office's place on the map."""

    model_config = ConfigDict(extra="forbid")
    procedure: str | None = Field(default=None, pattern=CODE.pattern)
    menu: MenuTarget | None = None
    office: OfficeKind | None = None

    @model_validator(mode="after")
    def _one(self) -> FaqButton:
        if sum(x is not None for x in (self.procedure, self.menu, self.office)) != 1:
            raise invalid("faq.button_one")
        if self.office is not None and self.office not in LOCAL:
            known = ", ".join(kind.value for kind in ANSWER_OFFICES)
            raise invalid("faq.office_place", office=self.office.value, known=known)
        return self


class LongLocalized(Localized):
    """An answer: longer than a name, Vietnamese required."""

    vi: str = Field(min_length=1, max_length=1500)
    en: str | None = Field(default=None, max_length=1500)

    @field_validator("vi", "en")
    @classmethod
    def _placeholders(cls, value: str | None) -> str | None:
        if value is None:
            return None
        value = unicodedata.normalize("NFC", value)
        try:
            names = [name for _, name, _, _ in string.Formatter().parse(value) if name is not None]
        except ValueError as error:
            raise invalid("faq.braces", error=str(error)) from None
        for name in names:
            if name not in PLACEHOLDERS:
                known = ", ".join(f"{{{p}}}" for p in sorted(PLACEHOLDERS))
                raise invalid("faq.placeholder", name=name, known=known)
        return value


class FaqEntry(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    id: str = Field(pattern=ID.pattern)
    kind: Literal["faq", "smalltalk"] = "faq"
    title: Localized | None = None  # how a list names it; else its first phrasing in the language
    questions: list[str] = Field(min_length=1, max_length=100)
    answer: LongLocalized
    buttons: list[FaqButton] = Field(default_factory=list, max_length=6)

    @property
    def smalltalk(self) -> bool:
        """A greeting or thanks: answered in a line, never mistaken for a question."""
        return self.kind == "smalltalk"

    @field_validator("questions")
    @classmethod
    def _questions(cls, value: list[str]) -> list[str]:
        out = []
        for question in value:
            if not fold(question):
                raise invalid("faq.no_letter", question=question)
            out.append(unicodedata.normalize("NFC", question.strip()))
        return out

    def __hash__(self) -> int:
        return hash(self.id)

    @property
    def name(self) -> str:
        """How lists show the entry: its first phrasing."""
        return self.questions[0]

    @property
    def for_citizens(self) -> bool:
        return True


class Faq(BaseModel):
    model_config = ConfigDict(extra="forbid")
    entries: list[FaqEntry] = Field(default_factory=list)

    @model_validator(mode="after")
    def _unique(self) -> Faq:
        seen: set[str] = set()
        for entry in self.entries:
            if entry.id in seen:
                raise invalid("faq.id_twice", id=entry.id)
            seen.add(entry.id)
        return self

    def entry(self, entry_id: str) -> FaqEntry | None:
        return next((e for e in self.entries if e.id == entry_id), None)


def _nfc_phrase(value: str) -> str:
    if not fold(value):
        raise invalid("faq.phrase_letter")
    return unicodedata.normalize("NFC", value)


# A way of asking (taught, or in phrasings.yaml): NFC, so that it is compared as typed.
Phrase = Annotated[str, Field(min_length=1, max_length=MAX_PHRASE), AfterValidator(_nfc_phrase)]


class Alias(BaseModel):
    """A phrase citizens used, taught by an admin: it now means this procedure or entry."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    phrase: Phrase
    procedure: str | None = Field(default=None, pattern=CODE.pattern)
    faq: str | None = Field(default=None, pattern=ID.pattern)

    @model_validator(mode="after")
    def _one(self) -> Alias:
        if (self.procedure is None) == (self.faq is None):
            raise invalid("faq.alias_one")
        return self


class Aliases(BaseModel):
    model_config = ConfigDict(extra="forbid")
    aliases: list[Alias] = Field(default_factory=list)


class Phrasings(BaseModel):
    """How citizens ask for each procedure: the situation in their words ("căn cước bị gãy",
    "mua xe cũ của người quen"), which official names do not say, and which tells a procedure
    from its near-twins (cấp đổi / cấp lại). Matched whole, like the FAQ's phrasings."""

    model_config = ConfigDict(extra="forbid")
    procedures: dict[Annotated[str, Field(pattern=CODE.pattern)], list[Phrase]] = Field(
        default_factory=dict
    )
