"""YAML is read safely, with lines, and without YAML 1.1 surprises."""

from __future__ import annotations

from pathlib import PurePosixPath

import pytest

from paperpress.load.yamlfile import MAX_DEPTH, Scalar, parse_yaml

F = PurePosixPath("x.yaml")


def test_lines_are_kept_for_every_field() -> None:
    doc, problems = parse_yaml("a: 1\nlist:\n  - x\n  - y: 2\n", F)
    assert not problems and doc is not None
    assert doc.line("a") == 1 and doc.line("list[1].y") == 4 and doc.line("list[1].y.missing") == 4


def test_text_is_kept_as_typed() -> None:
    doc, _ = parse_yaml("title: no\nyear: 1984\n", F)
    assert doc is not None
    assert doc.data["title"] == Scalar(False, "no", False)
    assert doc.data["year"].text == "1984"


def test_alias_bomb_is_refused_before_expansion() -> None:
    bomb = "a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: [*b, *b, *b, *b]\n"
    doc, problems = parse_yaml(bomb, F)
    assert doc is None and "anchors and aliases" in problems[0].message and problems[0].line == 1


def test_duplicate_keys_name_both_lines() -> None:
    _, problems = parse_yaml("title: a\nother: b\ntitle: c\n", F)
    assert [(p.line, p.message) for p in problems] == [(3, "duplicate key: 'title' is also given on line 1")]


def test_offset_shifts_lines_for_front_matter() -> None:
    _, problems = parse_yaml("title: [\n", F, line_offset=1)
    assert problems[0].line == 2  # the unclosed bracket's line, one below the '---' that opens the file


@pytest.mark.parametrize(
    "text",
    [
        "x: " + "[" * 5000 + "]" * 5000,  # past libyaml's own limit
        "x: " + "[" * 900 + "]" * 900,  # under libyaml's limit, deep enough to exhaust Python's recursion
        "".join("  " * i + "k:\n" for i in range(MAX_DEPTH + 1)) + "  " * (MAX_DEPTH + 1) + "v\n",
    ],
    ids=["5000-flow", "900-flow", "block"],
)
def test_deep_nesting_is_a_located_error_not_a_recursion_error(text: str) -> None:
    doc, problems = parse_yaml(text, F, line_offset=1)
    assert doc is None and len(problems) == 1
    assert problems[0].line is not None and "nest" in problems[0].message and problems[0].hint


def test_nesting_at_the_limit_is_read() -> None:
    doc, problems = parse_yaml("x: " + "[" * (MAX_DEPTH - 1) + "1" + "]" * (MAX_DEPTH - 1), F)
    assert problems == [] and doc is not None
