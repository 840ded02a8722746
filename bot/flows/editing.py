"""Changing the flows file from a form: the whole file is written out again as YAML and saved
as a new version of flows.yaml, so a web edit is checked exactly as a file sent to the bot is
(one validation, one history) and the YAML round trip keeps working.

A form's fields stay plain dictionaries until the file is checked: a mistake is reported by
the file's own validation, in the admin's language, rather than by a second set of rules."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bot.flows.schema import Flow, FlowFile
from bot.yamldoc import dump_yaml

MAX_OPTIONS = 8
MAX_RESULTS = 5
Fields = Mapping[str, Any]  # a posted form


def header_of(text: str) -> str:
    """The comment lines at the top of the file: what it says to whoever edits it by hand."""
    lines = []
    for line in text.splitlines(keepends=True):
        if not line.startswith("#"):
            break
        lines.append(line)
    return "".join(lines)


def as_data(flows: list[Flow]) -> list[dict[str, Any]]:
    dumped = FlowFile(flows=flows).model_dump(mode="json", exclude_none=True)
    return list(dumped["flows"])


def flows_yaml(flows: list[dict[str, Any]], header: str) -> str:
    return header + dump_yaml({"flows": flows})


def _localized(form: Fields, name: str) -> dict[str, str] | None:
    vi = str(form.get(f"{name}_vi", "")).strip()
    en = str(form.get(f"{name}_en", "")).strip()
    if not vi and not en:
        return None
    return {"vi": vi, **({"en": en} if en else {})}


def step_from_form(form: Fields, kind: str, before: Mapping[str, Any] | None) -> dict[str, Any]:
    """The step as the form describes it: options (rows whose label is left empty are
    dropped), a typed answer, or a result (codes, and a remark)."""
    step: dict[str, Any] = {}
    if kind in ("options", "input") and (ask := _localized(form, "ask")) is not None:
        step["ask"] = ask
    if kind == "options":
        options = []
        for i in range(MAX_OPTIONS + 1):
            label = _localized(form, f"label_{i}")
            if label is not None:
                options.append({"label": label, "next": str(form.get(f"next_{i}", ""))})
        step["options"] = options
    elif kind == "input":
        spec = dict((before or {}).get("input") or {})
        spec["next"] = str(form.get("next_0", spec.get("next", "")))
        step["input"] = spec
    else:
        codes = [str(form.get(f"code_{i}", "")).strip() for i in range(MAX_RESULTS)]
        step["result"] = [code for code in codes if code]
        if (say := _localized(form, "say")) is not None:
            step["say"] = say
    return step
