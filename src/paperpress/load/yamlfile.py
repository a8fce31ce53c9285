"""Safe YAML to plain data, keeping the line of every value; knows nothing of what the data means.

We walk the composed nodes ourselves instead of calling `safe_load` so that every value keeps its line,
duplicate keys are errors that name both lines, and aliases (the way into an "alias bomb") are refused at
their first use, before anything is expanded.
Scalars keep the text the editor typed, so a schema that wants a string can use it as written rather than
a YAML 1.1 coercion (`no` → False, `1:20` → 80).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Any

import yaml

from ..characters import removed, without_controls
from ..errors import Problem


@dataclass(frozen=True, slots=True)
class Scalar:
    """A YAML scalar: the value YAML would give, the text as written, and whether it was quoted."""

    value: Any
    text: str
    quoted: bool


@dataclass(frozen=True, slots=True)
class YamlDoc:
    """Plain data (dicts, lists, Scalars) plus the 1-based line of every field path."""

    data: Any
    lines: dict[str, int]

    def line(self, path: str) -> int | None:
        """The line of `path`, or of its nearest parent that has one."""
        while True:
            if path in self.lines:
                return self.lines[path]
            if not path:
                return None
            cut = max(path.rfind("."), path.rfind("["))
            path = path[:cut] if cut > 0 else ""


#: libyaml's parser where PyYAML was built with it (about 20 times faster), else the pure-Python one.
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


#: Deeper than this is no configuration or front matter anyone writes; refused before it costs a deep recursion.
MAX_DEPTH = 50


class _TooDeep(Exception):
    """A value nested deeper than MAX_DEPTH."""

    def __init__(self, node: yaml.Node) -> None:
        self.node = node


class _Alias(Exception):
    """A node reached twice: YAML shares the anchored node with every alias that names it."""

    def __init__(self, node: yaml.Node) -> None:
        self.node = node


def parse_yaml(text: str, file: PurePosixPath, line_offset: int = 0) -> tuple[YamlDoc | None, list[Problem]]:
    """Parses one YAML document; `line_offset` shifts lines when the YAML sits inside a larger file."""
    try:
        loader = _LOADER(text)
        try:
            node = loader.get_single_node()
        finally:
            loader.dispose()
    except yaml.MarkedYAMLError as err:
        mark = err.problem_mark or err.context_mark
        # An error found at the end of the text (an unclosed bracket) belongs to its last written line.
        last = max(len(text.rstrip().splitlines()) - 1, 0)
        line = min(mark.line, last) + 1 + line_offset if mark else None
        what = (err.problem or err.context or "not valid YAML").strip()
        return None, [Problem(file, line, None, f"YAML syntax: {what}", _syntax_hint(what))]
    except yaml.YAMLError as err:
        return None, [Problem(file, None, None, f"YAML syntax: {err}")]
    except RecursionError:  # the pure-Python parser, where libyaml is missing, recurses on nesting
        return None, [_too_deep(file, None)]
    if node is None:
        return YamlDoc({}, {}), []
    problems: list[Problem] = []
    lines: dict[str, int] = {}
    constructor = yaml.SafeLoader("")
    try:
        data = _walk(node, "", lines, problems, file, line_offset, constructor, set())
    except _TooDeep as deep:
        return None, [_too_deep(file, deep.node.start_mark.line + 1 + line_offset)]
    except _Alias as alias:
        # Refused at the first reuse, before anything is expanded: an alias bomb costs nothing.
        line = alias.node.start_mark.line + 1 + line_offset
        what = "anchors and aliases are not allowed: the value here (&name) is reused elsewhere (*name)"
        return None, [Problem(file, line, None, f"YAML syntax: {what}", _syntax_hint(what))]
    return YamlDoc(data, lines), problems


def _too_deep(file: PurePosixPath, line: int | None) -> Problem:
    return Problem(file, line, None, f"YAML nested more than {MAX_DEPTH} levels deep", "flatten the structure")


def _syntax_hint(what: str) -> str:
    if "alias" in what or "anchor" in what:
        return "write the value out in full"
    if "nesting depth" in what:
        return "flatten the structure"
    if "tab" in what:
        return "indent with spaces, not tabs"
    if "expected <block end>" in what or "did not find expected" in what or "mapping values are not allowed" in what:
        return "the indentation does not line up: items at the same level must start in the same column"
    return "check the indentation and quoting on this line or the one above it"


def _walk(
    node: yaml.Node,
    path: str,
    lines: dict[str, int],
    problems: list[Problem],
    file: PurePosixPath,
    offset: int,
    constructor: yaml.SafeLoader,
    seen: set[int],
    depth: int = 0,
) -> Any:
    if id(node) in seen:
        raise _Alias(node)
    if depth > MAX_DEPTH:
        raise _TooDeep(node)
    seen.add(id(node))
    line = node.start_mark.line + 1 + offset
    lines.setdefault(path, line)
    if isinstance(node, yaml.MappingNode):
        out: dict[str, Any] = {}
        first_line: dict[str, int] = {}
        for key_node, value_node in node.value:
            key_line = key_node.start_mark.line + 1 + offset
            if not isinstance(key_node, yaml.ScalarNode) or key_node.tag == "tag:yaml.org,2002:merge":
                problems.append(Problem(file, key_line, path or None, "keys must be plain words"))
                continue
            key = str(key_node.value)
            child = f"{path}.{key}" if path else key
            if key in out:
                problems.append(
                    Problem(
                        file,
                        key_line,
                        child,
                        f"duplicate key: '{key}' is also given on line {first_line[key]}",
                        "keep one of them",
                    )
                )
                continue
            first_line[key] = key_line
            lines[child] = key_line
            out[key] = _walk(value_node, child, lines, problems, file, offset, constructor, seen, depth + 1)
        return out
    if isinstance(node, yaml.SequenceNode):
        return [
            _walk(item, f"{path}[{i}]", lines, problems, file, offset, constructor, seen, depth + 1)
            for i, item in enumerate(node.value)
        ]
    assert isinstance(node, yaml.ScalarNode)
    try:
        value = constructor.construct_object(node, deep=True)
    except (yaml.constructor.ConstructorError, ValueError):
        value = node.value  # e.g. an impossible timestamp such as 2021-02-30: the schema says why
    text, found = without_controls(node.value)  # a quoted "\u001b" is one only once YAML unescapes it
    if found:
        problems.append(removed(file, line, path or None, found))
        value = without_controls(value)[0] if isinstance(value, str) else value
    return Scalar(value, text, node.style not in (None, ""))
