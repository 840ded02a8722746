"""The figures' chart, drawn by matplotlib in a child process: matplotlib costs the process
that imports it some 55 MB, which the bot, serving citizens all day, should not carry for a
picture a few leaders ask for. The bot hands the child a :class:`Chart` (labels already in
the reader's language and number format) and gets a PNG back.

Run as ``python -m bot.ui.chart`` with the chart as JSON on stdin; the PNG goes to stdout."""

from __future__ import annotations

import json
import logging
import sys
from dataclasses import asdict, dataclass, field
from typing import Any

from bot.ui.child import ChildFailed, made_by

log = logging.getLogger(__name__)

RENDER_TIMEOUT_S = 60.0
# The groups' series in order: how many, good (on time), bad (overdue).
PALETTE = ("#1f77b4", "#2ca02c", "#d62728", "#9467bd")


@dataclass(frozen=True, slots=True)
class Series:
    name: str
    values: list[int]
    shown: list[str]  # each value as the reader writes numbers («1.234»)


@dataclass(frozen=True, slots=True)
class Chart:
    title: str
    groups_title: str  # left: a few series per group (departments)
    groups: list[str]
    series: list[Series]
    bars_title: str  # right: one series (how many gave 1..5 stars)
    bars: list[str]
    bar_values: list[int]
    bar_shown: list[str]
    empty: str  # said where there is nothing to draw
    notes: list[str] = field(default_factory=list)


async def render(chart: Chart) -> bytes | None:
    """The chart as a PNG, or None (said in the log) if it could not be drawn: the figures'
    text goes alone."""
    given = json.dumps(asdict(chart)).encode()
    try:
        return await made_by("bot.ui.chart", given, RENDER_TIMEOUT_S, b"\x89PNG")
    except ChildFailed as error:
        log.warning("no chart: %s", str(error)[-200:])
        return None


def _draw(spec: dict[str, Any]) -> bytes:
    import io

    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    # DejaVu Sans ships with matplotlib and has every Vietnamese letter.
    plt.rcParams["font.family"] = "DejaVu Sans"
    figure, (left, right) = plt.subplots(
        1, 2, figsize=(12, 5.5), gridspec_kw={"width_ratios": [3, 2]}
    )
    figure.suptitle(spec["title"], fontsize=14, fontweight="bold")
    groups: list[str] = spec["groups"]
    series: list[dict[str, Any]] = spec["series"]
    left.set_title(spec["groups_title"])
    if groups and any(any(s["values"]) for s in series):
        height = 0.8 / max(len(series), 1)
        for i, one in enumerate(series):
            ys = [g + i * height for g in range(len(groups))]
            colour = PALETTE[i % len(PALETTE)]
            bars = left.barh(ys, one["values"], height=height, label=one["name"], color=colour)
            left.bar_label(bars, labels=one["shown"], padding=2, fontsize=8)
        left.set_yticks([g + height * (len(series) - 1) / 2 for g in range(len(groups))])
        left.set_yticklabels([_wrapped(name) for name in groups], fontsize=9)
        left.invert_yaxis()
        left.legend(loc="lower right", fontsize=8)
        left.xaxis.set_visible(False)
    else:
        _nothing(left, spec["empty"])
    right.set_title(spec["bars_title"])
    if any(spec["bar_values"]):
        bars = right.bar(spec["bars"], spec["bar_values"], color="#f2b01e")
        right.bar_label(bars, labels=spec["bar_shown"], padding=2, fontsize=9)
        right.yaxis.set_visible(False)
    else:
        _nothing(right, spec["empty"])
    for side in (left, right):
        for edge in ("top", "right"):
            side.spines[edge].set_visible(False)
    if spec.get("notes"):
        figure.text(0.01, 0.01, "\n".join(spec["notes"]), fontsize=9, va="bottom")
    figure.tight_layout(rect=(0, 0.06 if spec.get("notes") else 0, 1, 0.95))
    out = io.BytesIO()
    figure.savefig(out, format="png", dpi=110)
    plt.close(figure)
    return out.getvalue()


def _nothing(axes: Any, said: str) -> None:
    axes.text(0.5, 0.5, said, ha="center", va="center", fontsize=11, color="#777777")
    axes.set_axis_off()


def _wrapped(name: str, width: int = 24) -> str:
    """A long department's name on two lines rather than squeezing the bars."""
    if len(name) <= width:
        return name
    cut = name.rfind(" ", 0, width)
    return name if cut <= 0 else name[:cut] + "\n" + name[cut + 1 :]


def main() -> None:
    spec = json.loads(sys.stdin.buffer.read())
    sys.stdout.buffer.write(_draw(spec))


if __name__ == "__main__":
    main()
