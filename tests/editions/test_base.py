"""The Edition contract and BuildInfo's timestamp: what every edition is and may depend on."""

from __future__ import annotations

import datetime as dt
import types

import pytest

from paperpress.editions.base import Edition, Output, build_timestamp, edition
from paperpress.errors import UsageError
from paperpress.options import source_date
from paperpress.registry import EDITIONS, EditionSpec
from tests.support import reaches as _reaches

_WHOLE = EditionSpec("whole", "Whole", "the whole", "text/plain", "{issue}.whole", "tests.editions.test_base:_Whole", None)


@pytest.mark.parametrize("name", list(EDITIONS))
def test_every_registered_edition_is_an_edition_described_by_its_entry(name: str) -> None:
    found = edition(name)
    assert isinstance(found, Edition) and found.spec is EDITIONS[name]


def test_a_registered_class_that_is_no_edition_is_refused() -> None:
    odd = EditionSpec("odd", "Odd", "odd", "text/plain", "{issue}.odd", "types:SimpleNamespace", None)
    with pytest.raises(TypeError, match="types:SimpleNamespace is not an Edition"):
        edition("odd", {"odd": odd})


def test_the_timestamp_is_noon_on_the_issue_date_unless_source_date_epoch_says() -> None:
    assert build_timestamp(dt.date(2026, 3, 6), None) == dt.datetime(2026, 3, 6, 12, tzinfo=dt.UTC)
    assert build_timestamp(dt.date(2026, 3, 6), source_date("0")) == dt.datetime(1970, 1, 1, tzinfo=dt.UTC)


@pytest.mark.parametrize("value", ["1.5", "-1", "soon", "999999999999"])
def test_a_source_date_epoch_that_is_not_a_time_is_a_usage_error(value: str) -> None:
    with pytest.raises(UsageError):
        source_date(value)


class _Whole(Edition):
    spec = _WHOLE

    def render(self, issue, layouts, info) -> list[Output]:
        return [self.main(issue, issue.text.encode())]


class _Composed(_Whole):
    def compose(self, issue, layouts, info):
        made = self.render(issue, layouts, info)
        return lambda: [made[0]._replace(data=made[0].data + b" composed")]


def test_an_edition_names_its_main_file_from_its_description() -> None:
    issue = types.SimpleNamespace(name="issue-7", text="words")
    assert _Whole().render(issue, None, None) == [Output("issue-7.whole", "text/plain", b"words")]


def test_compose_holds_the_issue_only_for_an_edition_that_cannot_finish_without_it() -> None:
    issue = types.SimpleNamespace(name="issue-7", text="words")
    whole, lean = _Whole().compose(issue, None, None), _Composed().compose(issue, None, None)
    assert whole() == [("issue-7.whole", "text/plain", b"words")]  # the default: render, called later
    assert lean() == [("issue-7.whole", "text/plain", b"words composed")]
    assert _reaches(whole, issue)  # held for the render to come
    assert not _reaches(lean, issue)  # the composed step keeps what it made, not the issue
