"""Changing the flows file from a form: the whole file is written out again as YAML and saved
as a new version of flows.yaml, so a web edit is checked exactly as a file sent to the bot is
(one validation, one history) and the YAML round trip keeps working.

A form's fields stay plain dictionaries until the file is checked: a mistake is reported by
the file's own validation, in the admin's language, rather than by a second set of rules."""

from __future__ import annotations

from typing import Any

from bot.flows.schema import Flow, FlowFile
from bot.yamldoc import dump_yaml


def as_data(flows: list[Flow]) -> list[dict[str, Any]]:
    dumped = FlowFile(flows=flows).model_dump(mode="json", exclude_none=True)
    return list(dumped["flows"])


def flows_yaml(flows: list[dict[str, Any]], header: str) -> str:
    return header + dump_yaml({"flows": flows})
