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
            problems.append(problem_at(node, (*here, "id"), f"flow id {flow.id!r} is used twice"))
        seen.add(flow.id)
        if flow.start not in flow.steps:
            problems.append(
                problem_at(node, (*here, "start"), f"there is no step named {flow.start!r}")
            )
        for name, step in flow.steps.items():
            at = (*here, "steps", name)
            if not re.match(ID, name):
                problems.append(
                    problem_at(node, at, "step names are short lowercase letters and digits")
                )
            for j, option in enumerate(step.options or []):
                if option.next not in flow.steps:
                    problems.append(
                        problem_at(
                            node,
                            (*at, "options", j, "next"),
                            f"there is no step named {option.next!r}",
                        )
                    )
            if step.input is not None and step.input.next not in flow.steps:
                problems.append(
                    problem_at(
                        node, (*at, "input", "next"), f"there is no step named {step.input.next!r}"
                    )
                )
            for j, code in enumerate(step.result or []):
                if not known_code(code):
                    problems.append(
                        problem_at(
                            node,
                            (*at, "result", j),
                            f"no procedure with code {code!r} in the catalogue",
                        )
                    )
    if problems:
        raise DocumentError(filename, problems)
    return document.flows
