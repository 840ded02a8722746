"""Typed inline buttons: each a small frozen dataclass with its own prefix.

A button's callback data is ``prefix:field:field`` (at most 64 bytes, as Telegram requires).
Fields are ``str``, ``int`` (0 to 999,999,999), ``bool`` or a ``StrEnum``; trailing fields at
their defaults are left out (``q``, not ``q:``), and read back as their defaults. ``parse`` gives
``None`` for anything we could never have produced (forged, stale, or another button's data),
and the handler that owns a button is found by its class (``on_press`` in bot/handlers/pressing).
No prefix is another's prefix followed by ``:``, so a piece of data belongs to one class at most.
"""

from __future__ import annotations

import dataclasses
import enum
import typing
from typing import Any, ClassVar, Self

from telegram import InlineKeyboardButton

from bot.domain.faq import FaqEntry
from bot.domain.procedure import ProcedureRef

MAX_BYTES = 64
SEPARATOR = ":"
_MAX_DIGITS = 9  # never an id SQLite cannot hold, never "²" or "١٢"


class ButtonError(ValueError):
    """A button that could not be encoded: a programming mistake, caught in tests."""


def number(text: str) -> int | None:
    """A small non-negative number, or None for anything forged."""
    ok = text.isascii() and text.isdigit() and len(text) <= _MAX_DIGITS
    return int(text) if ok else None


_KINDS: dict[str, type[Button]] = {}


@dataclasses.dataclass(frozen=True)
class Button:
    """Base of every inline button; a subclass names its prefix: ``class X(Button, prefix="x")``."""

    PREFIX: ClassVar[str] = ""
    _hints: ClassVar[list[tuple[str, Any, bool]]]  # (name, type, has a default)

    def __init_subclass__(cls, prefix: str = "", **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if not prefix:
            raise TypeError(f"{cls.__name__} needs a prefix")
        for other in _KINDS:
            if other != prefix and (
                other.startswith(prefix + SEPARATOR) or prefix.startswith(other + SEPARATOR)
            ):
                raise TypeError(f"button prefixes {prefix!r} and {other!r} overlap")
        known = _KINDS.get(prefix)
        if known is not None and known.__qualname__ != cls.__qualname__:
            raise TypeError(f"prefix {prefix!r} is taken by {known.__qualname__}")
        cls.PREFIX = prefix
        _KINDS[prefix] = cls

    @classmethod
    def _fields(cls) -> list[tuple[str, Any, bool]]:
        found = cls.__dict__.get("_hints")
        if found is None:
            hints = typing.get_type_hints(cls)
            found = [
                (
                    f.name,
                    hints[f.name],
                    f.default is not dataclasses.MISSING
                    or f.default_factory is not dataclasses.MISSING,
                )
                for f in dataclasses.fields(cls)
            ]
            cls._hints = found
        return found

    @property
    def data(self) -> str:
        parts = [self.PREFIX]
        fields = self._fields()
        # Trailing fields at their defaults are left out, as the buttons before them were.
        while (
            fields
            and fields[-1][2]
            and getattr(self, fields[-1][0]) == _default(type(self), fields[-1][0])
        ):
            fields = fields[:-1]
        for name, _, _ in fields:
            value = getattr(self, name)
            if isinstance(value, bool):
                part = "1" if value else "0"
            elif isinstance(value, enum.Enum):
                part = str(value.value)
            else:
                part = str(value)
            if SEPARATOR in part:
                raise ButtonError(f"{type(self).__name__}.{name} contains {SEPARATOR!r}: {part!r}")
            parts.append(part)
        data = SEPARATOR.join(parts)
        if len(data.encode("utf-8")) > MAX_BYTES:
            raise ButtonError(f"callback data over {MAX_BYTES} bytes: {data!r}")
        return data

    @classmethod
    def parse(cls, data: object) -> Self | None:
        """The button ``data`` encodes, or None if it is not one of ours of this kind."""
        if not isinstance(data, str) or len(data.encode("utf-8")) > MAX_BYTES:
            return None
        if data == cls.PREFIX:
            args: list[str] = []
        elif data.startswith(cls.PREFIX + SEPARATOR):
            args = data[len(cls.PREFIX) + 1 :].split(SEPARATOR)
        else:
            return None
        fields = cls._fields()
        if len(args) > len(fields):
            return None
        values: dict[str, Any] = {}
        for (name, kind, _), raw in zip(fields, args, strict=False):
            value = _decode(kind, raw)
            if value is None:
                return None
            values[name] = value
        if any(not has_default for name, _, has_default in fields[len(args) :]):
            return None
        return cls(**values)

    @classmethod
    def matches(cls, data: object) -> bool:
        return cls.parse(data) is not None

    def pair(self, label: str) -> tuple[str, str]:
        """(label, data): a button as services describe one."""
        return label, self.data

    def button(self, label: str) -> InlineKeyboardButton:
        return InlineKeyboardButton(label, callback_data=self.data)


class Meaning(enum.StrEnum):
    """What a button's key names: a procedure's code or an everyday answer's id."""

    PROCEDURE = "p"
    FAQ = "f"


def meaning_of(choice: ProcedureRef | FaqEntry) -> tuple[Meaning, str]:
    """How a button names a procedure or an everyday answer (``meant`` reads it back)."""
    if isinstance(choice, FaqEntry):
        return Meaning.FAQ, choice.id
    return Meaning.PROCEDURE, choice.code


def _default(kind: type[Button], name: str) -> object:
    found = next(f for f in dataclasses.fields(kind) if f.name == name)
    if found.default_factory is not dataclasses.MISSING:
        return found.default_factory()
    return found.default


def _decode(kind: Any, raw: str) -> object | None:
    if kind is bool:
        return {"1": True, "0": False}.get(raw)
    if kind is int:
        return number(raw)
    if isinstance(kind, type) and issubclass(kind, enum.Enum):
        try:
            return kind(raw)
        except ValueError:
            return None
    if kind is str:
        return raw
    raise ButtonError(f"a button field cannot be {kind!r}")


class MenuEntry(enum.StrEnum):
    """The main menu's items; each feature says what its own item does."""

    HOME = "home"
    ASK = "ask"
    BROWSE = "browse"
    COMPLAIN = "complain"
    MINE = "mine"
    DOSSIER = "dossier"
    LANGUAGE = "language"


@dataclasses.dataclass(frozen=True)
class MenuItem(Button, prefix="m"):
    """An item of the main menu, shown under many answers (``m:home`` is «Về menu chính»)."""

    item: MenuEntry


@dataclasses.dataclass(frozen=True)
class CancelDraft(Button, prefix="c:cancel"):
    """«✖️ Hủy» under a question whose answers are a draft (a complaint, an addition)."""


@dataclasses.dataclass(frozen=True)
class ShowCard(Button, prefix="p"):
    """A procedure's card: from a search, a field's list, a flow's result, "back to the card"."""

    code: str


@dataclasses.dataclass(frozen=True)
class AskOfficial(Button, prefix="q"):
    """«Hỏi cán bộ»: a question for the office, about a procedure if ``code`` is given."""

    code: str = ""
