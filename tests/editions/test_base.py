"""The edition registry and BuildInfo's timestamp: what every edition is found by and may depend on."""

from __future__ import annotations

import datetime as dt
import types

import pytest

from paperpress.editions.base import (
    EDITION_LAYOUTS,
    EDITIONS,
    WITHOUT_LAYOUTS,
    build_timestamp,
    composed,
    edition,
    heavy_editions,
)
from paperpress.errors import UsageError
from paperpress.options import source_date
from paperpress.templates import DEFAULTS
from tests.conftest import reaches as _reaches


@pytest.mark.parametrize("name", list(EDITIONS))
def test_every_registered_edition_answers_to_its_name_and_has_its_own_layouts_folder(name: str) -> None:
    found = edition(name)
    assert found.name == name and found.suffix.startswith(".")
    assert name in WITHOUT_LAYOUTS or (DEFAULTS / EDITION_LAYOUTS[name]).is_dir()


def test_no_two_editions_share_a_layouts_folder() -> None:
    assert set(EDITION_LAYOUTS) | WITHOUT_LAYOUTS == set(EDITIONS) and not set(EDITION_LAYOUTS) & WITHOUT_LAYOUTS
    assert len(set(EDITION_LAYOUTS.values())) == len(EDITION_LAYOUTS)


def test_the_timestamp_is_noon_on_the_issue_date_unless_source_date_epoch_says() -> None:
    assert build_timestamp(dt.date(2026, 3, 6), None) == dt.datetime(2026, 3, 6, 12, tzinfo=dt.UTC)
    assert build_timestamp(dt.date(2026, 3, 6), source_date("0")) == dt.datetime(1970, 1, 1, tzinfo=dt.UTC)


@pytest.mark.parametrize("value", ["1.5", "-1", "soon", "999999999999"])
def test_a_source_date_epoch_that_is_not_a_time_is_a_usage_error(value: str) -> None:
    with pytest.raises(UsageError):
        source_date(value)


def test_the_pdf_alone_is_heavy_and_a_name_the_registry_lacks_is_passed_over() -> None:
    assert heavy_editions(["txt", "pdf", "epub", "web", "audio", "nowhere"]) == ["pdf"]


class _Whole:
    name, suffix, media_type = "whole", ".whole", "text/plain"

    def render(self, issue, layouts, info) -> bytes:
        return issue.text.encode()


class _Composed(_Whole):
    def compose(self, issue, layouts, info):
        made = self.render(issue, layouts, info)
        return lambda: made + b" composed"


def test_composed_holds_the_issue_only_for_an_edition_that_cannot_finish_without_it() -> None:
    issue = types.SimpleNamespace(name="issue-7", text="words")
    whole, lean = composed(_Whole(), issue, None, None), composed(_Composed(), issue, None, None)
    assert whole() == [("issue-7.whole", "text/plain", b"words")]  # render_outputs, called later
    assert lean() == [("issue-7.whole", "text/plain", b"words composed")]
    assert _reaches(whole, issue)  # held for the render to come
    assert not _reaches(lean, issue)  # the composed step keeps what it made, not the issue
