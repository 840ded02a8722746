"""The guided-flow engine: where each answer leads. Pure decisions; Telegram glue lives in
``bot/handlers/flows/`` and the position is saved as the person's conversation."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from bot.domain.people import Conversation
from bot.flows.loader import load_flows
from bot.flows.schema import Flow, Step
from bot.services.documents import EditableFile

FILENAME = "flows.yaml"
CONVERSATION = "flow"


@dataclass(frozen=True)
class Position:
    flow: Flow
    name: str
    step: Step

    def conversation(self, answers: dict[str, object] | None = None) -> Conversation:
        return Conversation(CONVERSATION, f"{self.flow.id}:{self.name}", dict(answers or {}))


@dataclass(frozen=True)
class TextOutcome:
    position: Position | None  # where the answer leads; None if it was refused
    problem: Literal["empty", "too_long"] | None = None
    key: str = ""
    value: str = ""


class FlowEngine:
    def __init__(self, known_code: Callable[[str], bool]) -> None:
        self._known_code = known_code
        self._flows: dict[str, Flow] = {}

    def editable_file(self) -> EditableFile:
        return EditableFile(FILENAME, self._parse, self._set, package="bot.flows")

    def _parse(self, text: str, filename: str) -> list[Flow]:
        return load_flows(text, filename, self._known_code)

    def _set(self, flows: list[Flow]) -> None:
        self._flows = {f.id: f for f in flows}

    @property
    def flows(self) -> list[Flow]:
        return list(self._flows.values())

    def at(self, flow_id: str, step_name: str | None = None) -> Position | None:
        """The flow's step (its start if no step is named); None if either is gone."""
        flow = self._flows.get(flow_id)
        if flow is None:
            return None
        name = step_name or flow.start
        step = flow.steps.get(name)
        return Position(flow, name, step) if step is not None else None

    def resume(self, conversation: Conversation) -> Position | None:
        flow_id, _, step_name = conversation.step.partition(":")
        return self.at(flow_id, step_name)

    def choose(self, position: Position, index: int) -> Position | None:
        options = position.step.options or []
        if not 0 <= index < len(options):
            return None
        return self.at(position.flow.id, options[index].next)

    def answer(self, position: Position, text: str) -> TextOutcome:
        spec = position.step.input
        if spec is None:
            return TextOutcome(None)
        value = " ".join(text.split())
        if not value:
            return TextOutcome(None, "empty")
        if len(value) > spec.max_length:
            return TextOutcome(None, "too_long")
        return TextOutcome(self.at(position.flow.id, spec.next), None, spec.key, value)
