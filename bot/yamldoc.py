"""Admin-edited YAML checked against a model, with errors that name file, line and field.

An admin who sends a broken file must be told exactly where it is wrong, so we keep PyYAML's
node positions and map each pydantic error location back to a line.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

M = TypeVar("M", bound=BaseModel)


@dataclass(frozen=True)
class Problem:
    line: int | None
    field: str
    message: str


class DocumentError(Exception):
    """A document failed validation; ``problems`` says where and why."""

    def __init__(self, filename: str, problems: list[Problem]) -> None:
        self.filename = filename
        self.problems = problems
        super().__init__("; ".join(self.lines()))

    def lines(self) -> list[str]:
        out = []
        for p in self.problems:
            where = f"{self.filename}:{p.line}" if p.line else self.filename
            out.append(f"{where}: {p.field}: {p.message}" if p.field else f"{where}: {p.message}")
        return out


def _line_of(node: yaml.Node | None, path: tuple[int | str, ...]) -> int | None:
    """The 1-based line of the node at ``path``, or of its nearest existing parent."""
    line = node.start_mark.line + 1 if node is not None else None
    for key in path:
        if isinstance(node, yaml.MappingNode):
            match = next((v for k, v in node.value if getattr(k, "value", None) == key), None)
        elif isinstance(node, yaml.SequenceNode) and isinstance(key, int):
            match = node.value[key] if 0 <= key < len(node.value) else None
        else:
            match = None
        if match is None:
            break
        node = match
        line = node.start_mark.line + 1
    return line


def problem_at(node: yaml.Node | None, path: tuple[int | str, ...], message: str) -> Problem:
    """A problem at ``path`` in the document (e.g. ``("flows", 0, "start")``)."""
    return Problem(_line_of(node, path), ".".join(map(str, path)), message)


# libyaml's parser when PyYAML was built with it (its wheels are): several times faster, and the
# word lists are read at every start.
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def load_yaml(text: str, filename: str) -> tuple[Any, yaml.Node | None]:
    """The data and the node tree it was built from (for line numbers), parsed once."""
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        reason = getattr(exc, "problem", None) or str(exc)
        raise DocumentError(filename, [Problem(line, "", f"not valid YAML: {reason}")]) from None
    except ValueError as exc:  # a value YAML reads itself but cannot build: 2026-02-30
        raise DocumentError(filename, [Problem(None, "", f"not a valid value: {exc}")]) from None
    except RecursionError:  # "[[[[…" thousands deep: no admin writes that, but a file may hold it
        raise DocumentError(filename, [Problem(None, "", "nested too deeply")]) from None
    finally:
        loader.dispose()
    return data, node


def parse_document(text: str, model: type[M], filename: str) -> M:
    return parse_with_node(text, model, filename)[0]


def parse_with_node(text: str, model: type[M], filename: str) -> tuple[M, yaml.Node | None]:
    """The validated model and the YAML node tree, for checks that need line numbers."""
    data, node = load_yaml(text, filename)
    if not isinstance(data, dict):
        raise DocumentError(filename, [Problem(1, "", "expected a mapping of fields at the top")])
    try:
        return model.model_validate(data), node
    except ValidationError as exc:
        problems = []
        for err in exc.errors():
            loc = tuple(err["loc"])
            # pydantic appends validator names for unions/functions; keep the data path only.
            path = tuple(p for p in loc if isinstance(p, int) or not str(p).startswith("function"))
            message = str(err["msg"]).removeprefix("Value error, ")
            problems.append(Problem(_line_of(node, path), ".".join(map(str, path)), message))
        raise DocumentError(filename, problems) from None
