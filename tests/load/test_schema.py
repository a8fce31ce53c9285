"""Checking YAML against declarations: numbers are read as the editor wrote them, not as YAML 1.1 coerces them."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import PurePosixPath

import pytest

from paperpress.errors import Problem
from paperpress.load.schema import validate
from paperpress.load.yamlfile import parse_yaml

FILE = PurePosixPath("issues/issue-0010.yaml")


@dataclass(frozen=True, slots=True)
class Numbers:
    count: int
    size: float = 1.0


def read(text: str) -> tuple[Numbers | None, list[Problem]]:
    doc, problems = parse_yaml(text, FILE)
    assert doc is not None and problems == []
    return validate(Numbers, doc, FILE, problems), problems


@pytest.mark.parametrize(("text", "count"), [("010", 10), ("0901", 901), ("0008", 8), ("0", 0), ("1142", 1142)])
def test_digits_with_leading_zeros_are_decimal(text: str, count: int) -> None:
    """YAML 1.1 reads `010` as octal 8 and `0901` as text; an editor means 10 and 901."""
    assert read(f"count: {text}\n") == (Numbers(count), [])


def test_a_float_written_with_a_leading_zero_is_decimal_too() -> None:
    assert read("count: 1\nsize: 010\n") == (Numbers(1, 10.0), [])


def test_a_quoted_number_is_still_text() -> None:
    value, problems = read('count: "010"\n')
    assert value is None
    assert [str(p) for p in problems] == [
        "issues/issue-0010.yaml:1: count: expected a whole number, found '010' (write digits only, without quotes)"
    ]
