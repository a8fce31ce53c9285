"""YAML is read safely, with lines, and without YAML 1.1 surprises."""

from __future__ import annotations

from pathlib import PurePosixPath

from paperpress.load.yamlfile import Scalar, parse_yaml

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
