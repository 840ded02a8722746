"""Who handles what: the unit's departments, the categories citizens choose from, and the
time each category allows. All of it is data an admin edits (departments.yaml), because no
two wards are organised alike and the two-level government reform keeps changing them."""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator

from bot.domain.offices import OfficeKind
from bot.domain.unit import Localized
from bot.yamldoc import invalid

CODE = re.compile(r"^[a-z0-9][a-z0-9-]{0,30}$")  # short, typed in /link, safe in callback data
OTHER = "khac"  # the category every list ends with: "Khác" (other)


def _code(value: str) -> str:
    if not CODE.match(value):
        raise invalid("routing.code")
    return value


Code = Annotated[str, AfterValidator(_code)]


class Department(BaseModel):
    model_config = ConfigDict(extra="forbid")
    code: Code
    name: Localized


class Category(BaseModel):
    model_config = ConfigDict(extra="forbid")
    code: Code
    name: Localized
    department: str  # a department's code
    kind: str = Field(default="complaint", pattern=r"^(complaint|question)$")
    acknowledge_hours: float | None = Field(default=None, gt=0, le=200)
    resolve_days: int | None = Field(default=None, gt=0, le=90)
    keywords: list[str] = Field(default_factory=list)  # route "Khác" by words in the text


class Routing(BaseModel):
    """The whole departments.yaml: validated as one, so an edit either fits together or is
    refused (a category pointing to a department that does not exist, say)."""

    model_config = ConfigDict(extra="forbid")
    departments: list[Department] = Field(min_length=1)
    default_department: str  # where "Khác" goes when no keyword matches
    leadership: str  # the department whose group hears of missed deadlines
    one_stop: str | None = None  # the department whose group sets dossiers' statuses
    acknowledge_hours: float = Field(default=8, gt=0, le=200)  # working hours
    resolve_days: int = Field(default=10, gt=0, le=90)  # working days
    apology_extension_days: int = Field(default=5, gt=0, le=60)  # new date after a miss
    reopen_days: int = Field(default=7, gt=0, le=90)  # days after a result it may be reopened
    # A question about a procedure goes to the department of the office that receives it
    # (office kind -> department); the UBND's own procedures by their field, then "ubnd".
    offices: dict[OfficeKind, str] = Field(default_factory=dict)
    fields: dict[str, str] = Field(default_factory=dict)  # procedure field -> department
    categories: list[Category] = Field(min_length=1, max_length=24)

    @model_validator(mode="after")
    def _consistent(self) -> Routing:
        codes = [d.code for d in self.departments]
        if len(set(codes)) != len(codes):
            raise invalid("routing.department_twice")
        known = set(codes)
        for name in ("default_department", "leadership", "one_stop"):
            if getattr(self, name) not in known | {None}:
                raise invalid("routing.no_department", name=name, code=getattr(self, name))
        categories = [c.code for c in self.categories]
        if len(set(categories)) != len(categories):
            raise invalid("routing.category_twice")
        if OTHER not in categories:
            raise invalid("routing.other_missing", code=OTHER)
        for category in self.categories:
            if category.department not in known:
                raise invalid(
                    "routing.category_department", category=category.code, code=category.department
                )
        for kind, department in self.offices.items():
            if department not in known:
                raise invalid("routing.unknown", section="offices", key=kind.value, code=department)
        for field, department in self.fields.items():
            if department not in known:
                raise invalid("routing.unknown", section="fields", key=field, code=department)
        return self

    def procedure_department(self, office: OfficeKind | None, field: str | None) -> str | None:
        """Who answers a question about a procedure: the department of the office that
        receives it (Công an phường for residence, whatever its field); within the UBND, the
        department of its field, else the UBND's own. None: nothing says, ask the category."""
        if office is not None and office != OfficeKind.UBND and office in self.offices:
            return self.offices[office]
        if field and field in self.fields:
            return self.fields[field]
        if office is not None:
            return self.offices.get(office)
        return None

    def department(self, code: str) -> Department | None:
        return next((d for d in self.departments if d.code == code), None)

    def category(self, code: str) -> Category | None:
        return next((c for c in self.categories if c.code == code), None)

    def complaint_categories(self) -> list[Category]:
        """As citizens see them: "Khác" last."""
        chosen = [c for c in self.categories if c.kind == "complaint" and c.code != OTHER]
        other = self.category(OTHER)
        return chosen + ([other] if other else [])

    def acknowledge_hours_for(self, category: Category) -> float:
        return category.acknowledge_hours or self.acknowledge_hours

    def resolve_days_for(self, category: Category) -> int:
        return category.resolve_days or self.resolve_days
