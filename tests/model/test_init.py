"""The model: frozen values with the few derived views every edition uses."""

from __future__ import annotations

import dataclasses
import weakref

import pytest

from paperpress.load import load_config, load_issue
from tests.support import FIXTURES


def _issue():  # type: ignore[no-untyped-def]
    root = FIXTURES / "minimal"
    config = load_config(root).value
    assert config is not None
    return load_issue(root, config, root / "issues" / "issue-7.yaml").value


def test_articles_are_in_reading_order_and_the_lead_is_the_first() -> None:
    issue = _issue()
    assert [a.title for a in issue.articles] == ["The first article", "The second article"]
    assert issue.lead_article is issue.articles[0]


def test_the_cover_line_is_the_manifests_title() -> None:
    assert _issue().cover_line == "A small issue"


def test_an_issue_is_frozen_and_can_be_held_weakly() -> None:
    issue = _issue()
    with pytest.raises(dataclasses.FrozenInstanceError):
        issue.number = 8  # type: ignore[misc]
    assert weakref.ref(issue)() is issue
