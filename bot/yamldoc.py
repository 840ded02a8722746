"""Admin-edited YAML checked against a model, with errors that name file, line and field.

An admin who sends a broken file must be told exactly where it is wrong, so we keep PyYAML's
node positions and map each pydantic error location back to a line. A problem holds a key of
``locales/`` and its values, not words: the admin reads it in their own language, and the
command line in the bot's default one.
"""

from __future__ import annotations

import dataclasses
import difflib
import io
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError
from pydantic_core import PydanticCustomError

if TYPE_CHECKING:
    from bot.i18n import Texts

M = TypeVar("M", bound=BaseModel)

KEY = "doc."  # every problem's text is a key of locales/ under this prefix
BUILT_IN = KEY + "type."  # pydantic's own checks (a missing field, a wrong type…) by their type


@dataclass(frozen=True)
class Problem:
    line: int | None
    field: str
    key: str
    params: Mapping[str, object] = dataclasses.field(default_factory=dict)

    def reason(self, texts: Texts) -> str:
        if texts.has(self.key):
            return texts.plain(self.key, **self.params)
        # A check of pydantic's that no text of ours words yet: its own English, framed.
        return texts.plain("doc.invalid", detail=self.params.get("detail", self.key))

    def text(self, texts: Texts, filename: str) -> str:
        """Where (file, line, field) and why, as the admin reads it."""
        where = ("line_" if self.line else "") + ("field" if self.field else "file")
        return texts.plain(
            f"doc.at.{where}",
            file=filename,
            line=self.line,
            field=self.field,
            reason=self.reason(texts),
        )


def invalid(key: str, /, **params: object) -> PydanticCustomError:
    """What a model's validator raises: worded by the reader's catalogue, as ``doc.<key>``."""
    return PydanticCustomError(KEY + key, KEY + key, params)


def problems_of(error: ValidationError, node: yaml.Node | None = None) -> list[Problem]:
    problems = []
    for err in error.errors():
        loc = tuple(err["loc"])
        # pydantic appends validator names for unions/functions; keep the data path only.
        path = tuple(p for p in loc if isinstance(p, int) or not str(p).startswith("function"))
        kind = err["type"]
        params: dict[str, object] = dict(err.get("ctx") or {})
        if isinstance(expected := params.get("expected"), str):  # "'a', 'b' or 'c'"
            params["expected"] = ", ".join(expected.rsplit(" or ", 1))
        if not kind.startswith(KEY):
            params["detail"] = str(err["msg"]).removeprefix("Value error, ")
            kind = BUILT_IN + kind
        problems.append(Problem(_line_of(node, path), ".".join(map(str, path)), kind, params))
    return problems


class DocumentError(Exception):
    """A document failed validation; ``problems`` says where and why."""

    def __init__(self, filename: str, problems: list[Problem]) -> None:
        self.filename = filename
        self.problems = problems
        # For logs: keys, not words (and not what the admin wrote).
        where = (f"{filename}:{p.line or ''}: {p.field}: {p.key}" for p in problems)
        super().__init__("; ".join(where))

    def lines(self, texts: Texts) -> list[str]:
        return [problem.text(texts, self.filename) for problem in self.problems]


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


def problem_at(
    node: yaml.Node | None, path: tuple[int | str, ...], key: str, /, **params: object
) -> Problem:
    """A problem at ``path`` in the document (e.g. ``("flows", 0, "start")``)."""
    return Problem(_line_of(node, path), ".".join(map(str, path)), KEY + key, params)


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
        problem = Problem(line, "", "doc.yaml.syntax", {"reason": reason})
        raise DocumentError(filename, [problem]) from None
    except ValueError as exc:  # a value YAML reads itself but cannot build: 2026-02-30
        problem = Problem(None, "", "doc.yaml.value", {"reason": str(exc)})
        raise DocumentError(filename, [problem]) from None
    except RecursionError:  # "[[[[…" thousands deep: no admin writes that, but a file may hold it
        raise DocumentError(filename, [Problem(None, "", "doc.yaml.deep")]) from None
    finally:
        loader.dispose()
    return data, node


class _Dumper(yaml.SafeDumper):
    """yaml.safe_dump, with a text of several lines written as the lines it has."""


def _text(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _text)
_HEADER = re.compile(r"\A(?:[ \t]*(?:#[^\n]*)?\n)*")


def dump_yaml(data: object) -> str:
    """YAML as a form writes it: Vietnamese as it is, fields in their order, long texts as
    their lines."""
    return yaml.dump(data, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=100)


def header_of(text: str) -> str:
    """The comments (and blank lines) at the top of a file: what it tells whoever edits it by
    hand, kept when a form writes the file anew."""
    found = _HEADER.match(text)
    return found.group(0) if found else ""


def rewritten(text: str, data: Any) -> str:
    """``text`` saying ``data`` instead. What a form changed is replaced where it stands, so
    every comment the admin wrote stays beside what it explains (ruamel.yaml's round trip); a
    text that is not a YAML mapping is written anew under its header."""
    from ruamel.yaml import YAML  # only when a form saves: the bot never needs it otherwise

    writer = YAML()
    writer.preserve_quotes = True
    writer.allow_duplicate_keys = True  # as PyYAML reads them: the last one counts
    writer.width = 4096  # lines stay as the admin wrapped them
    writer.indent(mapping=2, sequence=4, offset=2)
    try:
        old = writer.load(text)
    except Exception:  # ruamel's errors share no base class; the text is replaced anyway
        old = None
    if not isinstance(old, dict):
        return header_of(text) + dump_yaml(data)
    out = io.StringIO()
    writer.dump(_merged(old, data), out)
    return out.getvalue()


def _merged(old: Any, new: Any) -> Any:
    """``old`` (ruamel's, with its comments) changed in place to say ``new``."""
    if isinstance(old, dict) and isinstance(new, dict):
        for key in [k for k in old if k not in new]:
            del old[key]
        if any(isinstance(v, str) and "\n" in v for v in new.values()) and hasattr(old, "fa"):
            old.fa.set_block_style()  # «{vi: x}» cannot hold a text's lines as lines
        for key, value in new.items():
            if key in old:
                old[key] = _merged(old[key], value)
            else:
                old[_fresh(key)] = _fresh(value)
        return old
    if isinstance(old, list) and isinstance(new, list):
        # Entries are matched by what names them (an id, a code, a text…), and the removed
        # ones deleted where they stand: ruamel keeps a list's comments by place, so every
        # comment stays beside the entry it was written for.
        names = difflib.SequenceMatcher(None, _names(old), _names(new), autojunk=False)
        for op, i1, i2, j1, j2 in reversed(names.get_opcodes()):
            # An entry named anew where another stood is that one changed (a relabelled
            # option), unless an id or code names it: then it is another entry.
            renamed = op == "replace" and not _identified(new[j1:j2])
            paired = min(i2 - i1, j2 - j1) if op == "equal" or renamed else 0
            for k in range(paired):
                old[i1 + k] = _merged(old[i1 + k], new[j1 + k])
            for _ in range(i2 - i1 - paired):
                del old[i1 + paired]
            for k in range(paired, j2 - j1):
                old.insert(i1 + k, _fresh(new[j1 + k]))
        return old
    return old if old == new and type(old) is not bool else _fresh(new)


_RESOLVER = yaml.resolver.Resolver()


def _plain_text(value: str) -> bool:
    """Whether PyYAML reads ``value``, written unquoted, as this text."""
    tag: str = _RESOLVER.resolve(yaml.ScalarNode, value, (True, False))  # type: ignore[no-untyped-call]
    return tag == "tag:yaml.org,2002:str"


_NAMING = ("id", "code", "means", "label", "name", "text")  # what names a list's entry
_IDENTITIES = ("id", "code")


def _identified(items: list[Any]) -> bool:
    return any(isinstance(item, dict) and any(k in item for k in _IDENTITIES) for item in items)


def _names(items: list[Any]) -> list[str]:
    def name(item: Any) -> str:
        if isinstance(item, dict):
            key = next((k for k in _NAMING if k in item), None)
            return "" if key is None else key + json.dumps(item[key], default=str)
        return "" if isinstance(item, list) else json.dumps(item, default=str)

    return [name(item) for item in items]


def _fresh(value: Any) -> Any:
    """A new value, with a text of several lines written as its lines. ruamel writes YAML 1.2,
    where «No», «on» or «7:30» are texts and go unquoted; the bot reads with PyYAML, YAML 1.1,
    where they are a yes/no and a number: such a text is quoted, so it is read as written."""
    from ruamel.yaml.scalarstring import LiteralScalarString, SingleQuotedScalarString

    if isinstance(value, str) and "\n" in value:
        return LiteralScalarString(value)
    if isinstance(value, str) and not _plain_text(value):
        return SingleQuotedScalarString(value)
    if isinstance(value, dict):
        return {_fresh(k): _fresh(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_fresh(v) for v in value]
    return value


def comparable(text: str) -> str:
    """The document as :func:`dump_yaml` writes it, so two versions compare by what they say,
    not by how each was laid out (a form's save against a hand-edited file); a text that is
    not YAML stays as it is."""
    try:
        return dump_yaml(yaml.load(text, Loader=_Loader))
    except (yaml.YAMLError, ValueError, RecursionError):
        return text


def parse_document(text: str, model: type[M], filename: str) -> M:
    return parse_with_node(text, model, filename)[0]


def parse_with_node(text: str, model: type[M], filename: str) -> tuple[M, yaml.Node | None]:
    """The validated model and the YAML node tree, for checks that need line numbers."""
    data, node = load_yaml(text, filename)
    if not isinstance(data, dict):
        raise DocumentError(filename, [Problem(1, "", "doc.yaml.top")])
    try:
        return model.model_validate(data), node
    except ValidationError as exc:
        raise DocumentError(filename, problems_of(exc, node)) from None
