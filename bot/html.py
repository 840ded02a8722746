"""HTML that is safe to send to Telegram, as its own type.

``Html`` is markupsafe's ``Markup``: joining, ``+``, ``%``, ``format`` and slicing escape
every plain ``str`` operand and keep the type, while an f-string or ``str.join`` gives back a
plain ``str`` that mypy refuses wherever text goes to Telegram. So user text is escaped once,
where it meets HTML, and a rendered fragment is never escaped a second time.
"""

from __future__ import annotations

from markupsafe import Markup as Html
from markupsafe import escape

__all__ = ["Html", "escape", "lines"]

NEWLINE = Html("\n")


def lines(*parts: Html | str | None) -> Html:
    """Parts one per line, plain text escaped, ``None`` left out (an empty part is a blank
    line)."""
    return NEWLINE.join(p for p in parts if p is not None)
