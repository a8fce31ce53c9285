"""Checking YAML against declarations: numbers are read as the editor wrote them, not as YAML 1.1 coerces them."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import PurePosixPath

import pytest

from paperpress.errors import Problem
from paperpress.load.schema import validate, validate_field
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


# --- every kind of declaration, and what the editor is told --------------------------------------------


def _short(value: str) -> str | None:
    return None if len(value) < 6 else "too shouty | say it in five letters"


@dataclass(frozen=True, slots=True)
class Credit:
    name: str
    year: int | None = None


@dataclass(frozen=True, slots=True)
class Entry:
    title: str = field(metadata={"doc": "the headline", "max": 12})
    kind: str = field(default="news", metadata={"choices": ("news", "letters")})
    pages: int = field(default=1, metadata={"min": 2, "max": 4})
    tags: tuple[str, ...] = field(default=(), metadata={"min": 1, "max": 2})
    pair: tuple[int, ...] = field(default=(), metadata={"min": 2})
    shout: str = field(default="hi", metadata={"check": _short})
    note: str = field(default="x", metadata={"min": 1})
    credit: Credit | None = None
    rate: float = 1.0
    live: bool = False
    on: dt.date | None = None
    source: str = field(default="", metadata={"key": "from"})


def check(text: str, cls: type = Entry) -> tuple[object, list[str]]:
    doc, problems = parse_yaml(text, FILE)
    assert doc is not None and problems == []
    value = validate(cls, doc, FILE, problems)
    return value, [str(p) for p in problems]


def test_a_full_declaration_reads_every_kind_of_value_as_written() -> None:
    value, problems = check("title: ' The vote '\nkind: letters\npages: 4\ntags: [a, b]\npair: [1, 2]\nshout: calm\n"
                            "credit:\n  name: Ada\n  year: 1987\nrate: 3\nlive: true\non: 2024-01-05\nfrom: wire\n")
    assert problems == []
    assert value == Entry("The vote", "letters", 4, ("a", "b"), (1, 2), "calm", "x", Credit("Ada", 1987), 3.0, True,
                          dt.date(2024, 1, 5), "wire")
    assert isinstance(value.rate, float)


def test_a_title_typed_as_a_yaml_word_or_number_stays_the_text_typed() -> None:
    assert check("title: no\n")[0] == Entry("no")
    assert check("title: 1984\n")[0] == Entry("1984")
    assert check("name:\n", Credit) == (None, ["issues/issue-0010.yaml:1: name: required: add 'name:'"])


def test_a_required_key_left_out_or_empty_is_named_with_what_it_is_for() -> None:
    assert check("kind: news\n") == (None, ["issues/issue-0010.yaml:1: title: required: add 'title:' (the headline)"])
    assert check("title:\nkind: news\n") == (None, ["issues/issue-0010.yaml:1: title: required: add 'title:' (the headline)"])
    assert check('title: ""\n') == (Entry(""), [])  # quoted, it is text: empty, but written


def test_an_unknown_key_is_named_with_the_closest_known_one_or_the_list() -> None:
    assert check("title: a\ntitel: b\n")[1] == ["issues/issue-0010.yaml:2: titel: unknown key 'titel' (did you mean 'title'?)"]
    assert check("name: a\nzzz: 1\n", Credit)[1] == [
        "issues/issue-0010.yaml:2: zzz: unknown key 'zzz' (allowed keys: name, year)"
    ]
    assert check("title: a\ncredit:\n  name: b\n  yaer: 1\n")[1] == [
        "issues/issue-0010.yaml:4: credit.yaer: unknown key 'yaer' (did you mean 'year'?)"
    ]


def test_each_broken_value_is_named_at_its_line_and_all_are_reported_at_once() -> None:
    value, problems = check("title: a title far too long\nkind: lettres\npages: 1\ntags: []\npair: [1]\nshout: LOUDER\n"
                            "note: ''\nrate: fast\nlive: maybe\non: 2024-13-01\ncredit: Ada\n")
    assert value is None
    assert problems == [
        "issues/issue-0010.yaml:1: title: too long: at most 12 characters",
        "issues/issue-0010.yaml:2: kind: 'lettres' is not one of: news, letters (did you mean 'letters'?)",
        "issues/issue-0010.yaml:3: pages: must be at least 2",
        "issues/issue-0010.yaml:4: tags: empty: list at least one",
        "issues/issue-0010.yaml:5: pair: list at least 2",
        "issues/issue-0010.yaml:6: shout: too shouty (say it in five letters)",
        "issues/issue-0010.yaml:7: note: empty: write something here",
        "issues/issue-0010.yaml:11: credit: expected keys and values, found 'Ada' (indent 'key: value' lines under it)",
        "issues/issue-0010.yaml:8: rate: expected a number, found 'fast' (write a number such as 10.5)",
        "issues/issue-0010.yaml:9: live: expected true or false, found 'maybe' (write true or false)",
        "issues/issue-0010.yaml:10: on: expected a date, found '2024-13-01' (write the date as YYYY-MM-DD, e.g. 2021-01-08)",
    ]


def test_too_many_and_too_large_are_said_in_their_own_words() -> None:
    assert check("title: a\nkind: sport\npages: 5\ntags: [a, b, c]\n")[1] == [
        "issues/issue-0010.yaml:2: kind: 'sport' is not one of: news, letters",
        "issues/issue-0010.yaml:3: pages: too large: at most 4",
        "issues/issue-0010.yaml:4: tags: too long: at most 2 items",
    ]


def test_a_list_a_mapping_or_a_scalar_in_the_wrong_place_is_named_by_its_shape() -> None:
    assert check("title: [a]\ntags: {a: 1}\npair: a\ncredit: [x]\n")[1] == [
        "issues/issue-0010.yaml:1: title: expected text, found a list",
        "issues/issue-0010.yaml:2: tags: expected a list, found a mapping (indented keys) (put each item on its own line starting with '- ')",
        "issues/issue-0010.yaml:3: pair: expected a list, found 'a' (put each item on its own line starting with '- ')",
        "issues/issue-0010.yaml:4: credit: expected keys and values, found a list (indent 'key: value' lines under it)",
    ]
    assert check("title: a\ntags: [[b]]\npair: [1, x]\n")[1] == [
        "issues/issue-0010.yaml:2: tags[0]: expected text, found a list",
        "issues/issue-0010.yaml:3: pair[1]: expected a whole number, found 'x' (write digits only, without quotes)",
    ]


def test_true_is_not_a_number_and_a_time_of_day_is_not_a_date() -> None:
    assert check("title: a\npages: true\nrate: false\non: 2024-01-05 10:00:00\n")[1] == [
        "issues/issue-0010.yaml:2: pages: expected a whole number, found 'true' (write digits only, without quotes)",
        "issues/issue-0010.yaml:3: rate: expected a number, found 'false' (write a number such as 10.5)",
        "issues/issue-0010.yaml:4: on: expected a date, found '2024-01-05 10:00:00' (write the date as YYYY-MM-DD, e.g. 2021-01-08)",
    ]
    assert check("title: a\nlive: 1\n")[1] == ["issues/issue-0010.yaml:2: live: expected true or false, found '1' (write true or false)"]
    assert check("title: a\non: '2024-01-05'\n")[0] == Entry("a", on=dt.date(2024, 1, 5))


def test_a_document_that_is_not_a_mapping_is_refused_as_a_whole() -> None:
    assert check("- a\n- b\n") == (None, ["issues/issue-0010.yaml:1: the file must be a mapping of keys to values"])
    doc, problems = parse_yaml("- a\n", FILE)
    assert doc is not None
    assert validate(Entry, doc, FILE, problems, "manifest") is None
    assert [p.message for p in problems] == ["the manifest must be a mapping of keys to values"]


def test_one_field_is_read_alone_even_when_the_rest_is_broken() -> None:
    doc, problems = parse_yaml("titel: x\ntags: [a]\npages: 9\n", FILE)
    assert doc is not None
    assert validate_field(Entry, "tags", doc, FILE, problems) == ("a",)
    assert validate_field(Entry, "title", doc, FILE, problems) is None
    assert validate_field(Entry, "pages", doc, FILE, problems) is None
    assert [str(p) for p in problems] == ["issues/issue-0010.yaml:3: pages: too large: at most 4"]
    listed, problems = parse_yaml("- a\n", FILE)
    assert listed is not None and validate_field(Entry, "tags", listed, FILE, problems) is None


@dataclass(frozen=True, slots=True)
class Listed:
    names: tuple[str, ...] | None = None


def test_an_optional_list_is_read_as_a_list_and_a_broken_nested_mapping_refuses_the_whole() -> None:
    assert check("names: [a, b]\n", Listed) == (Listed(("a", "b")), [])
    value, problems = check("title: a\ncredit:\n  name: [x]\n")
    assert value is None and problems == ["issues/issue-0010.yaml:3: credit.name: expected text, found a list"]
