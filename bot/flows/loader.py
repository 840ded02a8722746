"""Reading a flows file: structure from the schema, then the references between its parts
(start step, where each option leads, which procedures a result offers), each problem with
its line."""

from __future__ import annotations

import re
from collections.abc import Callable

from bot.flows.schema import ID, Flow, FlowFile
from bot.yamldoc import DocumentError, Problem, parse_with_node, problem_at


def load_flows(text: str, filename: str, known_code: Callable[[str], bool]) -> list[Flow]:
    document, node = parse_with_node(text, FlowFile, filename)
    problems: list[Problem] = []
    seen: set[str] = set()
    for i, flow in enumerate(document.flows):
        here: tuple[int | str, ...] = ("flows", i)
        if flow.id in seen:
            problems.append(problem_at(node, (*here, "id"), "flow.id_twice", id=flow.id))
        seen.add(flow.id)
        if flow.start not in flow.steps:
            problems.append(problem_at(node, (*here, "start"), "flow.no_step", name=flow.start))
        for name, step in flow.steps.items():
            at = (*here, "steps", name)
            if not re.match(ID, name):
                problems.append(problem_at(node, at, "flow.step_name"))
            for j, option in enumerate(step.options or []):
                if option.next not in flow.steps:
                    problems.append(
                        problem_at(
                            node, (*at, "options", j, "next"), "flow.no_step", name=option.next
                        )
                    )
            if step.input is not None and step.input.next not in flow.steps:
                problems.append(
                    problem_at(node, (*at, "input", "next"), "flow.no_step", name=step.input.next)
                )
            for j, code in enumerate(step.result or []):
                if not known_code(code):
                    problems.append(
                        problem_at(node, (*at, "result", j), "flow.no_procedure", code=code)
                    )
    if problems:
        raise DocumentError(filename, problems)
    return document.flows
