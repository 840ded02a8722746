"""What a guided flow file may say. Validated with pydantic; errors are mapped back to the
file's lines by :mod:`bot.yamldoc`.

A flow is a set of named steps. A step either asks a question with buttons (``ask`` with
``options``), asks for typed text (``ask`` with ``input``), or ends by offering procedures
(``result``) with an optional remark (``say``).
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, model_validator

from bot.domain.unit import Localized
from bot.yamldoc import invalid

ID = r"^[a-z0-9][a-z0-9_-]{0,19}$"  # short: ids travel in 64-byte button data


class Option(BaseModel):
    model_config = ConfigDict(extra="forbid")
    label: Localized
    next: str = Field(pattern=ID)


class TextInput(BaseModel):
    model_config = ConfigDict(extra="forbid")
    key: str = Field(pattern=ID)  # where the answer is kept
    max_length: int = Field(default=1000, ge=1, le=4000)
    next: str = Field(pattern=ID)


class Step(BaseModel):
    model_config = ConfigDict(extra="forbid")
    ask: Localized | None = None
    options: list[Option] | None = Field(default=None, min_length=1, max_length=8)
    input: TextInput | None = None
    result: list[str] | None = Field(default=None, min_length=1, max_length=5)
    say: Localized | None = None

    @model_validator(mode="after")
    def _one_kind(self) -> Step:
        kinds = [self.options is not None, self.input is not None, self.result is not None]
        if sum(kinds) != 1:
            raise invalid("flow.one_kind")
        if (self.options is not None or self.input is not None) and self.ask is None:
            raise invalid("flow.ask")
        return self

    def targets(self) -> list[str]:
        if self.options is not None:
            return [o.next for o in self.options]
        if self.input is not None:
            return [self.input.next]
        return []


class Flow(BaseModel):
    model_config = ConfigDict(extra="forbid")
    id: str = Field(pattern=ID)
    title: Localized
    start: str = Field(pattern=ID)
    steps: dict[str, Step] = Field(min_length=1)


class FlowFile(BaseModel):
    model_config = ConfigDict(extra="forbid")
    flows: list[Flow] = Field(min_length=1)
