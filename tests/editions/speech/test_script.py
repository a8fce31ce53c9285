"""The speech script: every node type is read, links as words, notes and photos in their places."""

from __future__ import annotations

import dataclasses

from paperpress.editions.speech.script import BLOCKS, INLINES, PARTS, article_script, opening_script, section_script
from paperpress.model import Article, Footnote, FootnoteRef, Link, Paragraph, Table, TableCell, Text
from paperpress.model.walk import CHILDREN
from tests.model.test_walk import NOT_NODES, every_kind, model_classes


def test_every_node_type_has_speech_handling() -> None:
    handled = set(BLOCKS) | set(INLINES) | set(PARTS)
    assert model_classes() - NOT_NODES - handled == set(), "a model node has no speech handling in editions/audio/script.py"
    assert set(CHILDREN) == handled


def _said(article: Article) -> str:
    return " ".join(u.text for u in article_script(article, "en"))


def test_the_words_of_every_kind_of_node_are_said_and_no_url() -> None:
    issue = every_kind()
    said = _said(issue.articles[0])
    for words in ("One.", "plain", "code", "em", "strong", "crossed out: gone", "link words", "subhead", "Quote.",
                  "quoted", "End of quote.", "item", "head: cell", "print()", "Note one. noted", "Photo: photo five."):
        assert words in said, words
    assert "https" not in said and "example.org" not in said


def _article(blocks: tuple[object, ...], notes: tuple[Footnote, ...] = ()) -> Article:
    return Article("a1", "one", "issues/issue-1/one.md", "Headline", "Our reporter", "The standfirst.", (),
                   blocks, notes, ())  # type: ignore[arg-type]


def test_a_short_note_follows_its_paragraph_and_a_long_one_waits_for_the_end() -> None:
    long = Footnote(2, "a1-fn2", (Paragraph((Text("word " * 60),)),))
    short = Footnote(1, "a1-fn1", (Paragraph((Text("Short note."),)),))
    blocks = (
        Paragraph((Text("First"), FootnoteRef(1, "a1-fn1"), FootnoteRef(2, "a1-fn2"))),
        Paragraph((Text("Second."),)),
    )
    texts = [u.text for u in article_script(_article(blocks, (short, long)), "en")]
    assert texts[:5] == ["Headline.", "By Our reporter.", "The standfirst.", "First", "Note one. Short note."]
    assert texts[5] == "Second."
    assert texts[6] == "Notes." and texts[7].startswith("Note two. word")


def test_a_table_is_read_row_by_row_with_its_headers() -> None:
    cell = lambda t: TableCell((Text(t),))  # noqa: E731
    table = Table((cell("Branch"), cell("Visits")), ((cell("Central"), cell("12,000")), (cell("Eastside"), cell("800"))),
                  ("", "right"))
    texts = [u.text for u in article_script(_article((table,)), "en")]
    assert "Table, two rows: Branch, Visits." in texts
    assert "Branch: Central; Visits: twelve thousand." in texts
    assert "Branch: Eastside; Visits: eight hundred." in texts


def test_a_link_reads_as_its_words_and_a_bare_address_as_a_link() -> None:
    words = Link((Text("the report"),), "https://example.org/r.pdf", 1)
    bare = Link((Text("https://example.org"),), "https://example.org", 2)
    said = _said(_article((Paragraph((Text("Read "), words, Text(" or "), bare)),)))
    assert "Read the report or a web link" in said


def test_pauses_separate_headline_paragraphs_and_articles() -> None:
    script = article_script(_article((Paragraph((Text("One."),)), Paragraph((Text("Two."),)))), "en")
    assert script[0].pause_ms > script[3].pause_ms > 0  # headline longer than a paragraph
    assert script[-1].pause_ms >= 2000  # the article's end


def test_the_opening_names_the_masthead_issue_and_date_and_sections_are_announced() -> None:
    issue = every_kind()
    opening = opening_script(issue)[0].text
    assert opening.startswith("P. Issue one, Friday the second of January twenty twenty-six")
    assert section_script(issue.sections[0], "en")[0].text == "Section: News."


def test_the_script_follows_the_publication_language() -> None:
    issue = every_kind()
    french = dataclasses.replace(issue.publication, language="fr")
    opening = opening_script(dataclasses.replace(issue, publication=french))[0].text
    assert "Numéro un" in opening
