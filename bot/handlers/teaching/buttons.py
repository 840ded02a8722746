"""Buttons of the admins' queue of questions the bot could not answer (``/misses``).

Each names a question by the id of its newest row; a press finds the question it belongs to,
so a button pressed after the question was taught or dismissed is answered as handled."""

from __future__ import annotations

from dataclasses import dataclass

from bot.services.misses import TaughtFile
from bot.ui.buttons import Button, Meaning


@dataclass(frozen=True)
class MissesPage(Button, prefix="ms:page"):
    """«Trang sau»/«Trang trước» of the queue."""

    page: int


@dataclass(frozen=True)
class TeachMiss(Button, prefix="ms:teach"):
    """«🎓 Dạy bot» on a question: what it could mean, to choose from."""

    miss: int


@dataclass(frozen=True)
class TeachAs(Button, prefix="ms:as"):
    """A procedure or everyday answer the question means: taught at once."""

    miss: int
    meaning: Meaning
    key: str  # a procedure's code or an FAQ entry's id


@dataclass(frozen=True)
class FindOther(Button, prefix="ms:find"):
    """«🔎 Tìm thủ tục khác»: the admin types words, the same search offers what they find."""

    miss: int


@dataclass(frozen=True)
class WriteAnswer(Button, prefix="ms:write"):
    """«✍️ Viết câu trả lời mới»: a new entry of faq.yaml."""

    miss: int


@dataclass(frozen=True)
class DismissMiss(Button, prefix="ms:skip"):
    """«✖️ Bỏ qua»: not a question the bot should answer."""

    miss: int


@dataclass(frozen=True)
class UndoTeach(Button, prefix="ms:undo"):
    """«↩️ Hoàn tác» under a teaching: the file's previous version, the question open again."""

    miss: int
    file: TaughtFile
    version: int


@dataclass(frozen=True)
class StopTeaching(Button, prefix="ms:stop"):
    """«✖️ Thôi» under the prompt for words or an answer."""
