"""Build options are checked once, where they enter: formats, the PDF profile and SOURCE_DATE_EPOCH."""

from __future__ import annotations

import datetime as dt
import pickle

import pytest

from paperpress.errors import UsageError
from paperpress.options import PDF_PROFILES, BuildOptions, build_options, chosen_formats, source_date

KNOWN = ["txt", "epub", "pdf"]


def test_typed_options_become_one_frozen_value() -> None:
    options = build_options(["pdf", "txt,PDF"], KNOWN, pdf_profile="print", strict=True, time_limit=5,
                            environ={"SOURCE_DATE_EPOCH": " 1767225600 "})
    assert options == BuildOptions(("pdf", "txt"), "print", True, 5, dt.datetime(2026, 1, 1, tzinfo=dt.UTC))
    assert options.edition_options == {"pdf_profile": "print"}
    assert options.source_date_epoch == "1767225600"
    assert pickle.loads(pickle.dumps(options)) == options  # it travels to worker processes
    with pytest.raises(AttributeError):
        options.strict = False  # type: ignore[misc]


def test_nothing_given_means_every_edition_and_the_configured_profile() -> None:
    options = build_options(None, KNOWN)
    assert options.formats == ("txt", "epub", "pdf")
    assert build_options(None, KNOWN, default=("txt",)).formats == ("txt",)  # paperpress.yaml's editions
    assert build_options(["pdf"], KNOWN, default=("txt",)).formats == ("pdf",)  # -f wins
    assert options.edition_options == {} and options.source_date is None and options.source_date_epoch == ""


def test_an_unknown_format_or_profile_is_a_usage_error() -> None:
    with pytest.raises(UsageError, match=r"unknown format 'docx' \(choose from txt, epub, pdf\)"):
        chosen_formats(["txt,docx"], KNOWN)
    with pytest.raises(UsageError, match=r"unknown PDF profile 'glossy' \(choose from screen, print, archive\)"):
        build_options(None, KNOWN, pdf_profile="glossy")
    assert PDF_PROFILES == ("screen", "print", "archive")


@pytest.mark.parametrize("value", ["soon", "-1", "1.5", "253402300800", "١٢٣"])
def test_a_malformed_source_date_epoch_is_refused(value: str) -> None:
    with pytest.raises(UsageError, match="SOURCE_DATE_EPOCH is"):
        source_date(value)


def test_the_largest_and_an_empty_source_date_epoch() -> None:
    assert source_date("253402300799") == dt.datetime(9999, 12, 31, 23, 59, 59, tzinfo=dt.UTC)
    assert source_date("") is None and source_date(None) is None
