"""The plain-text edition: exact output on the minimal fixture, and readable on the sample."""

from __future__ import annotations

import pytest

from paperpress.editions.base import BuildInfo, build_timestamp
from paperpress.editions.text import TextEdition
from paperpress.run.issue import check_issue, open_publication
from tests.support import FIXTURES, REPO, check_golden


def render(root, name: str) -> str:
    pub = open_publication(root)
    checked = check_issue(pub, name)
    issue, problems = checked.value, checked.problems
    assert issue is not None, problems
    info = BuildInfo(build_timestamp(issue.date, None), pub.config)
    return TextEdition().render(issue, pub.layouts, info)[0].data.decode("utf-8")


@pytest.fixture(scope="module")
def sample() -> str:
    return render(REPO, "issue-1142")


def test_minimal_issue_matches_golden(request: pytest.FixtureRequest) -> None:
    check_golden(request, "minimal-issue-7.txt", render(FIXTURES / "minimal", "7"))


def test_sample_issue_matches_golden(request: pytest.FixtureRequest, sample: str) -> None:
    check_golden(request, "sample-issue-1142.txt", sample)


def test_lines_fit_the_width(sample: str) -> None:
    too_long = [line for line in sample.splitlines() if len(line) > 72 and "https://" not in line]
    assert too_long == []


def test_masthead_contents_and_every_headline(sample: str) -> None:
    head = sample[:400]
    assert "The Riverside Courier" in head and "Issue 1142, Friday 20 November 2026" in head
    contents = sample[sample.index("Contents") :]
    pub = open_publication(REPO)
    issue = check_issue(pub, "1142").value
    assert issue is not None
    for article in issue.articles:
        assert sample.count(article.title) >= 2, article.title  # in the contents and above the article
    for section in issue.sections:
        assert f"{'=' * 72}\n{section.title}\n{'=' * 72}" in contents


def test_no_markup_reaches_the_reader(sample: str) -> None:
    for mark in ("**", "](", "<p>", "##", "[^"):
        assert mark not in sample


def test_links_photos_notes_and_tables_are_plain_text(sample: str) -> None:
    assert "[1]   https://example.org/" in sample
    assert "[Photo: " in sample and "Photo: Courier photo desk" in sample
    assert "Staff group               Balloted  Returned" in sample  # columns aligned
    assert "Drivers                        236       191" in sample  # numbers right-aligned


def _article_text(sample: str, title: str) -> str:
    """The part of the text edition from the article's headline to the rule that ends it (the next article's or
    section's), or to the end."""
    start = sample.index(f"\n{title}\n")
    ends = [sample.find(f"\n{rule * 72}\n", start) for rule in "-="]
    return sample[start : min([end for end in ends if end >= 0], default=len(sample))]


# The footnotes of the sample issue's articles, as the Markdown gives them (with the typographer's apostrophe).
SAMPLE_NOTES = {
    "Two branch libraries face closure in council budget vote": "The campaign’s figures have not been independently"
    " checked. The council says it will publish a full breakdown of one-off costs alongside the final budget.",
    "Foundry Road: inside the depot that voted to stop the trams": "Under current law, industrial action in transport is only"
    " lawful if at least half of the members balloted return a paper. The turnout at Foundry Road was 78 per cent.",
    "Home care workers lodge claim for paid travel time": "Time spent travelling between appointments counts as"
    " working time for minimum wage purposes. Employers who fail to pay it can be ordered to make up the difference.",
}


def test_notes_are_printed_after_their_article(sample: str) -> None:
    for title, note in SAMPLE_NOTES.items():
        article = _article_text(sample, title)
        body, notes_heading, notes = article.rpartition("\n\nNotes\n")
        assert notes_heading, f"no Notes after {title!r}"
        assert notes.startswith("[note\u00a01] "), notes[:40]  # the mark never splits across lines
        assert " ".join(notes.split()) == f"[note 1] {note}"
        assert "[note\u00a01]" in body  # the mark in the text, where the reader meets it


def test_an_empty_list_item_keeps_its_number() -> None:
    text = render(FIXTURES / "unusual", "1")
    assert "  1. Bring your own ball.\n  2.\n  3. Boots must be clean" in text


def test_links_into_the_issue_name_the_subhead_or_the_article_they_lead_to() -> None:
    text = " ".join(render(FIXTURES / "unusual", "30").split())
    assert "The details are below (see “What changes”), and the reasons are in our report on the harbour wall" \
        " repairs (see “Inside the work to save the old harbour wall”, Features)." in text
    assert "the engineers’ findings (see “What the engineers found” in “Inside the work to save the old harbour" \
        " wall”, Features)" in text
    assert "the winter ferry timetable (see “What changes” in “Winter ferry timetable cuts the late sailings”," \
        " News)" in text
    # Words that already name the subhead are not repeated; placeholders are plain words.
    assert "is in What changes above." in text
    assert "As our last report explained" in text and "The seed list is still to come" in text
    assert "#" not in text and ".md" not in text


@pytest.fixture(scope="module")
def long_words() -> str:
    return render(FIXTURES / "unusual", "issue-40")


def test_only_a_single_word_or_url_may_run_past_the_width(long_words: str) -> None:
    """Words are never cut (a screen reader would read two fragments, a URL would stop working)."""
    too_long = [line for line in long_words.splitlines() if len(line) > 72]
    assert too_long and all(len(line.split()) == 1 for line in too_long), too_long


def test_a_table_too_wide_for_the_page_is_given_row_by_row(long_words: str) -> None:
    assert "Lot: North\nShelters: 34\nContract: Nordstadthaltestellenwartehäuschenbeleuchtungsinstandsetzung\n" in long_words
    assert "\nAnswers questions:\n  Verkehrsinfrastrukturinstandhaltungsabteilungsleiterinnenstellvertreterin\n" in long_words


# --- tables, exactly as a reader of the text edition sees them ------------------------------------------------


def _cells(*texts: str) -> tuple:
    from paperpress.model import TableCell, Text

    return tuple(TableCell((Text(t),) if t else ()) for t in texts)


def _table_of(header: tuple[str, ...], rows: list[tuple[str, ...]], align: tuple[str, ...]) -> object:
    from paperpress.model import Table

    return Table(_cells(*header), tuple(_cells(*row) for row in rows), align)


def _no_links(link: object, text: str) -> str:
    return text


def test_a_table_pads_each_column_to_its_widest_cell_aligned_as_the_markdown_says() -> None:
    from paperpress.editions.text import _table

    table = _table_of(("Group", "Votes", "Mid"), [("Drivers", "170", "a"), ("Cleaning staff", "29", "bcd")],
                      ("", "right", "center"))
    assert _table(table, 72, _no_links) == [
        "Group           Votes  Mid",
        "--------------  -----  ---",
        "Drivers           170   a",
        "Cleaning staff     29  bcd",
    ]


def test_a_short_row_is_padded_with_empty_cells_and_missing_alignments_are_left() -> None:
    from paperpress.editions.text import _table

    table = _table_of(("A", "B", "C"), [("x",), ("y", "z", "w")], ("right",))
    assert _table(table, 72, _no_links) == ["A  B  C", "-  -  -", "x", "y  z  w"]


def test_a_wide_table_wraps_its_widest_column_first_never_cutting_a_word() -> None:
    from paperpress.editions.text import _table

    table = _table_of(("Branch", "What the council proposes"),
                      [("Eastfield", "close the branch in March and move its books to the mobile library")], ("", ""))
    assert _table(table, 40, _no_links) == [
        "Branch     What the council proposes",
        "---------  -----------------------------",
        "Eastfield  close the branch in March and",
        "           move its books to the mobile",
        "           library",
    ]


def test_a_table_too_wide_even_wrapped_is_given_row_by_row_as_heading_and_value() -> None:
    from paperpress.editions.text import _table

    long = "Verwaltungsgerichtsentscheidungssammlung"
    table = _table_of(("Court", "", "Note"), [(long, "unnamed", ""), ("Low", "x", long + " and more words here")],
                      ("", "", ""))
    assert _table(table, 30, _no_links) == [
        "Court:",  # a word longer than the line goes whole on a line of its own
        f"  {long}",
        "unnamed",  # a column without a heading gives its value alone
        "",
        "Court: Low",
        "x",
        "Note:",
        f"  {long}",
        "  and more words here",
    ]


def test_a_row_given_as_heading_and_value_never_breaks_a_line_at_a_hyphen() -> None:
    from paperpress.editions.text import _records

    rows = [["Note"], ["the twenty-four-hour-a-day service"]]
    assert _records(rows, 30) == ["Note: the", "  twenty-four-hour-a-day", "  service"]


def test_tidy_keeps_a_first_line_s_indent_and_the_letters_at_either_end() -> None:
    from paperpress.editions.text import _tidy

    assert _tidy("\n\n  X first  \n\n\n\nlast X  \n\n") == "  X first\n\nlast X\n"
