"""Break points in runs that have none: `[[[[…` and `aaaa…` break every few characters, words stay whole."""

from __future__ import annotations

import re

from paperpress.typeset.breaks import LONGEST_RUN, ZERO_WIDTH_SPACE, Breaks


def _longest_stretch(text: str) -> int:
    return max(len(piece) for piece in re.split(rf"[\s{ZERO_WIDTH_SPACE}/-]", text))


def test_ordinary_copy_and_hyphenatable_compounds_are_left_to_the_layout() -> None:
    breaks = Breaks("de")
    copy = ("Die Verkehrsinfrastrukturinstandhaltungsabteilungsleiterinnenstellvertreterin sprach "
            "über https://example.org/ausschreibungen/2026/haltestellen und Nordstadthaltestellenwartehäuschen.")
    assert breaks(copy) == copy


def test_a_run_with_nowhere_to_break_gets_an_invisible_break_every_few_characters() -> None:
    breaks = Breaks("en-GB")
    for run in ("[" * 5_000, "a" * 300, "![" * 400, "x7" * 100):
        marked = breaks(f"Before {run} after.")
        assert marked.replace(ZERO_WIDTH_SPACE, "") == f"Before {run} after."
        assert _longest_stretch(marked) <= LONGEST_RUN


def test_a_language_without_a_dictionary_still_breaks_long_runs() -> None:
    marked = Breaks("tlh")("q" * 100)
    assert _longest_stretch(marked) <= LONGEST_RUN


def test_a_long_unhyphenatable_stretch_inside_a_word_is_broken_but_its_syllables_are_kept() -> None:
    marked = Breaks("en")("Extraordinary" + "z" * 60)
    assert "Extraordinary" in marked  # the word's own hyphenation points are the layout's to use
    assert _longest_stretch(marked) <= LONGEST_RUN


def test_the_dictionary_is_loaded_only_once_a_run_holds_a_word_to_hyphenate() -> None:
    breaks = Breaks("en")
    copy = "Ordinary copy, a code 4242-4242-4242-4242-4242-4242 and " + "1234567890" * 5
    assert breaks.unbreakable(copy) == 50 and breaks(copy).count(ZERO_WIDTH_SPACE) == 4
    assert "_dictionary" not in vars(breaks)
    assert breaks.unbreakable("Extraordinarily" + "z" * 60) > 0
    assert "_dictionary" in vars(breaks)


def test_a_narrower_column_keeps_shorter_stretches_whole() -> None:
    code = "QX7" * 6  # 18 characters with nowhere to break
    assert Breaks("en")(f"Code {code} here.") == f"Code {code} here."  # a column holds it
    marked = Breaks("en", longest=14)(f"Code {code} here.")
    assert marked.replace(ZERO_WIDTH_SPACE, "") == f"Code {code} here." and _longest_stretch(marked) <= 14
    assert Breaks("en", longest=99)("q" * 30) != "q" * 30  # never longer than LONGEST_RUN
