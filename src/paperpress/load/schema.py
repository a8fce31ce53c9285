"""Checks YAML data against a frozen dataclass that declares it, collecting every problem with its line.

A declaration is an ordinary dataclass: a field without a default is required, `X | None` is optional,
`tuple[X, ...]` is a list, a nested dataclass is a mapping, and `field(metadata=...)` may add `doc`,
`choices`, `min`, `max`, `check` (a function returning a message, or None when the value is fine) and `key`
(the key as written, where it cannot be a Python name: `from`).
Unknown keys are errors with a "did you mean" hint, so a typo never passes silently.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import difflib
import re
import types
import typing
from pathlib import PurePosixPath
from typing import Any, TypeVar

from ..errors import Problem
from .yamlfile import Scalar, YamlDoc

T = TypeVar("T")

_LEADING_ZEROS = re.compile(r"0[0-9]{1,17}")
_KIND_WORDS = {str: "text", int: "a whole number", float: "a number", bool: "true or false", dt.date: "a date"}


def validate(
    cls: type[T], doc: YamlDoc, file: PurePosixPath, problems: list[Problem], what: str = "file"
) -> T | None:
    """Builds `cls` from the whole document, or returns None after adding problems."""
    if not isinstance(doc.data, dict):
        problems.append(Problem(file, doc.line(""), None, f"the {what} must be a mapping of keys to values"))
        return None
    return _mapping(cls, doc.data, "", doc, file, problems)


def validate_field(
    cls: type, name: str, doc: YamlDoc, file: PurePosixPath, problems: list[Problem]
) -> Any:
    """One field of a declaration on its own, so that a broken manifest can still have its articles checked."""
    if not isinstance(doc.data, dict) or name not in doc.data:
        return None
    meta = next(f.metadata for f in dataclasses.fields(cls) if f.name == name)
    value = _value(_hints(cls)[name], meta, doc.data[name], name, doc, file, problems)
    return None if value is _INVALID else value


_HINTS: dict[type, dict[str, Any]] = {}


def _hints(cls: type) -> dict[str, Any]:
    """A declaration's field types, evaluated once: they are strings until then, and every article asks."""
    found = _HINTS.get(cls)
    if found is None:
        found = _HINTS[cls] = typing.get_type_hints(cls)
    return found


def _mapping(
    cls: type[T], data: dict[str, Any], path: str, doc: YamlDoc, file: PurePosixPath, problems: list[Problem]
) -> T | None:
    hints = _hints(cls)
    fields = {f.metadata.get("key", f.name): f for f in dataclasses.fields(cls)}  # type: ignore[arg-type]
    values: dict[str, Any] = {}
    ok = True
    for key in data:
        if key not in fields:
            child = _join(path, key)
            close = difflib.get_close_matches(key, list(fields), n=1)
            hint = f"did you mean '{close[0]}'?" if close else "allowed keys: " + ", ".join(fields)
            problems.append(Problem(file, doc.line(child), child, f"unknown key '{key}'", hint))
            ok = False
    for name, f in fields.items():
        child = _join(path, name)
        raw = data.get(name)
        if isinstance(raw, Scalar) and raw.value is None and not raw.quoted:
            raw = None  # `key:` with nothing after it
        required = f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING
        if raw is None:
            if required:
                doc_text = f.metadata.get("doc")
                problems.append(
                    Problem(
                        file,
                        doc.line(path),
                        child,
                        f"required: add '{name}:'" + (f" ({doc_text})" if doc_text else ""),
                    )
                )
                ok = False
            continue
        value = _value(hints[f.name], f.metadata, raw, child, doc, file, problems)
        if value is _INVALID:
            ok = False
        else:
            values[f.name] = value
    return cls(**values) if ok else None


_INVALID = object()


def _value(
    hint: Any,
    meta: typing.Mapping[str, Any],
    raw: Any,
    path: str,
    doc: YamlDoc,
    file: PurePosixPath,
    problems: list[Problem],
) -> Any:
    line = doc.line(path)
    origin = typing.get_origin(hint)
    if origin in (typing.Union, types.UnionType):
        hint = next(a for a in typing.get_args(hint) if a is not type(None))
        origin = typing.get_origin(hint)
    if dataclasses.is_dataclass(hint):
        if not isinstance(raw, dict):
            problems.append(Problem(file, line, path, f"expected keys and values, {_shape(raw)}", "indent 'key: value' lines under it"))
            return _INVALID
        result = _mapping(hint, raw, path, doc, file, problems)  # type: ignore[arg-type]
        return _INVALID if result is None else result
    if origin is tuple:
        item_hint = typing.get_args(hint)[0]
        if not isinstance(raw, list):
            problems.append(
                Problem(file, line, path, f"expected a list, {_shape(raw)}", "put each item on its own line starting with '- '")
            )
            return _INVALID
        items = [_value(item_hint, {}, item, f"{path}[{i}]", doc, file, problems) for i, item in enumerate(raw)]
        if any(item is _INVALID for item in items):
            return _INVALID
        return _checked(tuple(items), meta, path, line, file, problems)
    if not isinstance(raw, Scalar):
        problems.append(Problem(file, line, path, f"expected {_KIND_WORDS.get(hint, 'a value')}, {_shape(raw)}"))
        return _INVALID
    value = _scalar(hint, raw)
    if value is _INVALID:
        problems.append(
            Problem(file, line, path, f"expected {_KIND_WORDS[hint]}, found '{raw.text}'", _example(hint))
        )
        return _INVALID
    return _checked(value, meta, path, line, file, problems)


def _scalar(hint: Any, raw: Scalar) -> Any:
    value = raw.value
    if hint is str:
        # Use the text as typed: a title `no` stays "no", a title `1984` stays "1984".
        text = value if isinstance(value, str) else raw.text
        return text.strip()
    if hint is bool:
        return value if isinstance(value, bool) else _INVALID
    if hint in (int, float) and not raw.quoted and _LEADING_ZEROS.fullmatch(raw.text):
        # Digits are a decimal number, as editors mean them: YAML 1.1 reads `010` as octal 8 and `0901` as text.
        value = int(raw.text)
    if hint is int:
        return value if isinstance(value, int) and not isinstance(value, bool) else _INVALID
    if hint is float:
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return float(value)
        return _INVALID
    if hint is dt.date:
        if isinstance(value, dt.datetime):
            return _INVALID
        if isinstance(value, dt.date):
            return value
        try:
            return dt.date.fromisoformat(str(value))
        except ValueError:
            return _INVALID
    raise TypeError(f"unsupported schema type {hint!r}")


def _checked(
    value: Any, meta: typing.Mapping[str, Any], path: str, line: int | None, file: PurePosixPath, problems: list[Problem]
) -> Any:
    message: str | None = None
    hint: str | None = None
    choices = meta.get("choices")
    if choices is not None and value not in choices:
        message = f"'{value}' is not one of: " + ", ".join(map(str, choices))
        close = difflib.get_close_matches(str(value), list(map(str, choices)), n=1)
        hint = f"did you mean '{close[0]}'?" if close else None
    elif "min" in meta and _size(value) < meta["min"]:
        message = _too_small(value, meta["min"])
        hint = meta.get("doc")
    elif "max" in meta and _size(value) > meta["max"]:
        message = f"{'too long' if isinstance(value, (str, tuple)) else 'too large'}: at most {meta['max']}"
        message += " characters" if isinstance(value, str) else (" items" if isinstance(value, tuple) else "")
    elif "check" in meta:
        found = meta["check"](value)
        if found:
            message, _, hint = found.partition(" | ")
            hint = hint or None
    if message:
        problems.append(Problem(file, line, path, message, hint))
        return _INVALID
    return value


def _size(value: Any) -> float:
    return len(value) if isinstance(value, (str, tuple)) else value


def _too_small(value: Any, least: Any) -> str:
    if isinstance(value, tuple):
        return "empty: list at least one" if least == 1 else f"list at least {least}"
    if isinstance(value, str):
        return "empty: write something here"
    return f"must be at least {least}"


def _shape(raw: Any) -> str:
    if isinstance(raw, list):
        return "found a list"
    if isinstance(raw, dict):
        return "found a mapping (indented keys)"
    return f"found '{raw.text}'" if isinstance(raw, Scalar) else "found something else"


def _example(hint: Any) -> str | None:
    return {
        dt.date: "write the date as YYYY-MM-DD, e.g. 2021-01-08",
        int: "write digits only, without quotes",
        bool: "write true or false",
        float: "write a number such as 10.5",
    }.get(hint)


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key
