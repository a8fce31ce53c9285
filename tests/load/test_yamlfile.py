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


@pytest.mark.parametrize(
    ("text", "said"),
    [
        ("a: 1\n\tb: 2\n", "x.yaml:4: YAML syntax: found a tab character that violates indentation (indent with spaces, not tabs)"),
        ("a:\n  - x\n - y\n", "x.yaml:5: YAML syntax: did not find expected key (the indentation does not line up: items at"
                              " the same level must start in the same column)"),
        ("a: b: c\n", "x.yaml:3: YAML syntax: mapping values are not allowed in this context (the indentation does not line"
                      " up: items at the same level must start in the same column)"),
        ("a: [1, 2\n\n\n", "x.yaml:3: YAML syntax: did not find expected ',' or ']' (the indentation does not line up: items"
                           " at the same level must start in the same column)"),
        ("a: 'x\n", "x.yaml:3: YAML syntax: found unexpected end of stream (check the indentation and quoting on this line"
                    " or the one above it)"),
        ("a: *x\n", "x.yaml:3: YAML syntax: found undefined alias (write the value out in full)"),
        ("a: &x 1\nb: *x\n", "x.yaml:3: YAML syntax: anchors and aliases are not allowed: the value here (&name) is reused"
                             " elsewhere (*name) (write the value out in full)"),
        ("a: 1\n---\nb: 2\n", "x.yaml:4: YAML syntax: but found another document (check the indentation and quoting on"
                              " this line or the one above it)"),
    ],
    ids=["tab", "indent", "colon", "bracket", "quote", "undefined-alias", "alias", "two-documents"],
)
def test_a_syntax_error_is_named_at_its_line_with_how_to_fix_it(text: str, said: str) -> None:
    doc, problems = parse_yaml(text, F, line_offset=2)
    assert doc is None and [str(p) for p in problems] == [said]


def test_an_alias_is_refused_at_the_line_of_the_value_it_reuses_the_message_says_here() -> None:
    _, problems = parse_yaml("a: 1\nb: &x [1]\nc: 2\nd: *x\n", F, line_offset=1)
    assert [p.line for p in problems] == [3]


def test_keys_that_are_not_plain_words_are_dropped_and_named() -> None:
    doc, problems = parse_yaml("? [a]\n: 1\nb:\n  <<: {c: 1}\n  d: 2\n", F)
    assert doc is not None and doc.data == {"b": {"d": Scalar(2, "2", False)}}
    assert [str(p) for p in problems] == ["x.yaml:1: keys must be plain words", "x.yaml:4: b: keys must be plain words"]


def test_a_duplicate_key_in_a_nested_mapping_is_named_by_its_path_and_the_first_kept() -> None:
    doc, problems = parse_yaml("a:\n  b: 1\n  b: 2\n", F, line_offset=3)
    assert doc is not None and doc.data == {"a": {"b": Scalar(1, "1", False)}}
    assert [str(p) for p in problems] == ["x.yaml:6: a.b: duplicate key: 'b' is also given on line 5 (keep one of them)"]


def test_a_control_character_in_a_quoted_value_is_taken_out_with_a_warning_at_its_line() -> None:
    doc, problems = parse_yaml('title: fine\nalt: "x\\u001by"\n', F)
    assert doc is not None and doc.data["alt"] == Scalar("xy", "xy", True)
    assert [(p.line, p.field, p.severity.name) for p in problems] == [(2, "alt", "WARNING")]
    assert "U+001B" in problems[0].message


def test_values_keep_whether_they_were_quoted_and_an_impossible_date_stays_text() -> None:
    doc, problems = parse_yaml("a: 'no'\nb: no\nc: |\n  x\nd: 2021-02-30\ne: 2021-02-03\n", F)
    assert problems == [] and doc is not None
    assert [doc.data[k].quoted for k in "abcd"] == [True, False, True, False]
    assert doc.data["a"].value == "no" and doc.data["b"].value is False
    assert doc.data["d"] == Scalar("2021-02-30", "2021-02-30", False)
    assert doc.data["e"].value.isoformat() == "2021-02-03"


def test_an_empty_file_is_an_empty_mapping_and_a_list_keeps_its_lines() -> None:
    assert parse_yaml("", F) == (parse_yaml("# only a comment\n", F)[0], [])
    assert parse_yaml("", F)[0] is not None and parse_yaml("", F)[0].data == {}
    doc, _ = parse_yaml("- a\n- [b, c]\n", F, line_offset=2)
    assert doc is not None and doc.lines == {"": 3, "[0]": 3, "[1]": 4, "[1][0]": 4, "[1][1]": 4}
    assert doc.line("[1][1].z") == 4 and doc.line("nowhere") == 3
    assert parse_yaml("", F)[0].line("a.b") is None  # type: ignore[union-attr]


def test_nesting_past_the_parser_s_own_limit_or_ours_is_said_plainly_with_its_fix() -> None:
    for text in ("x: " + "[" * 5000 + "]" * 5000, "x: " + "[" * (MAX_DEPTH + 1) + "]" * (MAX_DEPTH + 1)):
        _, problems = parse_yaml(text, F)
        assert [(str(p.file), p.hint) for p in problems] == [("x.yaml", "flatten the structure")]
    _, problems = parse_yaml("x: " + "[" * (MAX_DEPTH + 1) + "]" * (MAX_DEPTH + 1), F)
    assert problems[0].message == f"YAML nested more than {MAX_DEPTH} levels deep"
    _, problems = parse_yaml("x: " + "[" * 5000 + "]" * 5000, F)
    assert problems[0].message == "YAML syntax: exceeded maximum nesting depth"
