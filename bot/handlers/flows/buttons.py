"""The guided flows' one button: start a flow, or answer one of its questions."""

from __future__ import annotations

from dataclasses import dataclass

from bot.ui.buttons import Button


@dataclass(frozen=True)
class GuidedFlow(Button, prefix="g"):
    """``g:<flow>`` starts a flow; ``g:<flow>:<step>:<option>`` answers one of its questions.

    The button carries where it was pressed, so an older message still leads somewhere
    sensible. Flows are data an admin edits: ``step`` and ``option`` are kept as written, and
    one the flow no longer has (or an option we never wrote) is "gone", as a
    removed flow is."""

    flow: str
    step: str = ""
    option: str = ""

    @property
    def index(self) -> int | None:
        """The option chosen, or None for anything we never wrote ("x", "01", "")."""
        written = self.option.isascii() and self.option.isdigit()
        return int(self.option) if written and str(int(self.option)) == self.option else None
