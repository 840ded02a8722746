"""The guided-flow engine on its own: where answers lead, what a text step refuses, and the
checks that keep a broken flows file from ever being applied."""

from __future__ import annotations

import pytest

from bot.flows.engine import FlowEngine
from bot.yamldoc import DocumentError
from tests.texts import ENGLISH

FLOWS = """
flows:
  - id: demo
    title: {vi: "Thử", en: "Demo"}
    start: ask-name
    steps:
      ask-name:
        ask: {vi: "Tên cháu là gì?"}
        input: {key: name, max_length: 10, next: pick}
      pick:
        ask: {vi: "Chọn một"}
        options:
          - label: {vi: "Một"}
            next: done
          - label: {vi: "Hai"}
            next: ask-name
      done:
        result: ["1.001193"]
"""


def engine(text: str = FLOWS) -> FlowEngine:
    flows = FlowEngine(known_code=lambda code: code == "1.001193")
    file = flows.editable_file()
    file.apply(file.validate(text, "flows.yaml"))
    return flows


def test_text_step_keeps_the_answer_and_moves_on() -> None:
    flows = engine()
    start = flows.at("demo")
    assert start is not None and start.name == "ask-name"
    outcome = flows.answer(start, "  Bé   Na ")
    assert outcome.position is not None and outcome.position.name == "pick"
    assert (outcome.key, outcome.value) == ("name", "Bé Na")


@pytest.mark.parametrize(("text", "problem"), [("   ", "empty"), ("x" * 11, "too_long")])
def test_text_step_refuses_empty_and_too_long(text: str, problem: str) -> None:
    flows = engine()
    start = flows.at("demo")
    assert start is not None
    outcome = flows.answer(start, text)
    assert outcome.position is None and outcome.problem == problem


def test_options_lead_where_they_say_and_bad_indexes_lead_nowhere() -> None:
    flows = engine()
    pick = flows.at("demo", "pick")
    assert pick is not None
    done = flows.choose(pick, 0)
    assert done is not None and done.step.result == ["1.001193"]
    back = flows.choose(pick, 1)
    assert back is not None and back.name == "ask-name"
    assert flows.choose(pick, 2) is None


def test_a_saved_position_resumes_and_a_removed_one_does_not() -> None:
    flows = engine()
    pick = flows.at("demo", "pick")
    assert pick is not None
    saved = pick.conversation({"name": "Na"})
    resumed = flows.resume(saved)
    assert resumed is not None and resumed.name == "pick"
    assert flows.at("demo", "gone") is None and flows.at("nope") is None


def test_broken_references_are_reported_with_their_lines() -> None:
    broken = FLOWS.replace("next: done", "next: finish").replace('["1.001193"]', '["9.999"]')
    with pytest.raises(DocumentError) as info:
        engine(broken)
    lines = info.value.lines(ENGLISH)
    assert any(
        line.startswith("flows.yaml:14: flows.0.steps.pick.options.0.next") for line in lines
    ), lines
    assert any("flows.yaml:18: flows.0.steps.done.result.0" in line for line in lines), lines


def test_a_step_must_be_exactly_one_kind() -> None:
    broken = FLOWS.replace('        result: ["1.001193"]', '        ask: {vi: "?"}')
    with pytest.raises(DocumentError) as info:
        engine(broken)
    assert any("exactly one of: options, input, result" in x for x in info.value.lines(ENGLISH))
