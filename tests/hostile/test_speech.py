"""The audio edition against hostile copy (issue 26, findings 3 and 4): any number can be said, and what an
article may cost to say is bounded, refused at its file when it would be read for longer than the cap."""

from __future__ import annotations

import pytest

from paperpress.render.speakable import speakable

LONG = {
    "400 digits": "1" * 400,
    "5,000 digits": "9" * 5000,
    "grouped": "1," + ",".join(["000"] * 200),
    "money": "£" + "7" * 600 + ".5" + "0" * 300,
    "money range": "£" + "2" * 500 + "-" + "3" * 500 + "m",
    "ordinal": "4" * 500 + "th",
    "percent": "5" * 500 + "%",
    "decimals": "6" * 500 + "." + "7" * 5000,
    "range": "1" * 500 + "–" + "2" * 500,
    "unit": "8" * 500 + " km",
    "scaled": "9" * 500 + "bn",
}


@pytest.mark.parametrize("language", ["en-GB", "fr", "de", "ja"])
@pytest.mark.parametrize("name", sorted(LONG))
def test_a_number_too_long_for_words_is_read_digit_by_digit(name: str, language: str) -> None:
    said = speakable(f"It was {LONG[name]} in all.", language)
    assert not any(char.isdigit() for char in said), said[:200]
    assert len(said.split()) > 300  # every digit is said, none dropped


def test_the_digits_read_one_by_one_are_the_digits_written() -> None:
    assert speakable("Code 1234567890123456789.") == (
        "Code one two three four five six seven eight nine zero one two three four five six seven eight nine."
    )
    assert speakable("£" + "1" * 20) == " ".join(["one"] * 20) + " pounds"
    assert speakable("123456789012345").startswith("one hundred and twenty-three trillion")  # 15 digits: words
