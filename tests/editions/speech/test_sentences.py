"""Where sentences end: at a full stop before a capital, but not after a title, an initial or inside a price."""

from __future__ import annotations

import pytest

from paperpress.editions.speech.script import PAUSES, article_script
from paperpress.editions.speech.sentences import Sentence, sentences
from paperpress.model import Article, Emphasis, FootnoteRef, Link, Paragraph, Text


def _split(text: str, language: str = "en") -> list[str]:
    return ["".join(node.text for node in sentence if isinstance(node, Text)) for sentence in sentences(text, language)]


@pytest.mark.parametrize(("text", "expected"), [
    ("The hall opens today. It closes in May.", ["The hall opens today.", "It closes in May."]),
    ("Dr. Reed met Mr. and Mrs. Hale at St. Mark's.", ["Dr. Reed met Mr. and Mrs. Hale at St. Mark's."]),
    ("Tickets cost £3.50 each. Some 2.5 per cent sold.", ["Tickets cost £3.50 each.", "Some 2.5 per cent sold."]),
    ("J. K. Rowling and E. Nesbit wrote. Both did.", ["J. K. Rowling and E. Nesbit wrote.", "Both did."]),
    ("Bring food, e.g. Bread, or i.e. Rice.", ["Bring food, e.g. Bread, or i.e. Rice."]),
    ("It starts at 7 p.m. The doors open at six.", ["It starts at 7 p.m.", "The doors open at six."]),
    ("Chairs, tables etc. The rest stays.", ["Chairs, tables etc.", "The rest stays."]),
    ("Trade with the U.S. Rose sharply.", ["Trade with the U.S. Rose sharply."]),
    ('"Why?" she asked. "Because!" He left... 40 stayed.', ['"Why?" she asked.', '"Because!"', "He left...", "40 stayed."]),
    ("A list of no. 4 and no. 5. then lower case. Next", ["A list of no. 4 and no. 5. then lower case.", "Next"]),
    ("Plenty of  space.   Then more.", ["Plenty of  space.", "Then more."]),
    ("", []),
])
def test_sentences_end_where_a_reader_hears_them_end(text: str, expected: list[str]) -> None:
    assert _split(text) == expected


def test_french_titles_do_not_end_a_sentence() -> None:
    assert _split("M. Dupont est venu. Mme Roy aussi.", "fr") == ["M. Dupont est venu.", "Mme Roy aussi."]


def test_a_sentence_breaks_only_in_the_paragraph_s_own_text_so_its_markup_stays_whole() -> None:
    children = (Text("He said "), Emphasis((Text("stop. Now."),)), Text(" Then "), FootnoteRef(1, "a1-fn1"),
                Text("went. Off."), Link((Text("Home. Here"),), "https://example.org", 1))
    assert sentences(children, "en") == (
        (Text("He said "), Emphasis((Text("stop. Now."),))),  # no break inside the emphasis
        (Text("Then "), FootnoteRef(1, "a1-fn1"), Text("went.")),
        (Text("Off."), Link((Text("Home. Here"),), "https://example.org", 1)),
    )


def test_the_script_says_a_paragraph_sentence_by_sentence_with_a_short_pause_between() -> None:
    paragraph = Paragraph((Text("Dr. Reed paid £3.50. The vote is on 4 May."),))
    article = Article("a1", "one", "issues/issue-1/one.md", "Headline", None, "First. Second.", (), (paragraph,), (), ())
    script = article_script(article, "en")
    said = [(u.text, u.pause_ms, u.node.index) for u in script if isinstance(u.node, Sentence)]
    assert said == [
        ("First.", PAUSES["sentence"], 0), ("Second.", PAUSES["standfirst"], 1),
        ("Doctor Reed paid three pounds fifty.", PAUSES["sentence"], 0),
        ("The vote is on the fourth of May.", PAUSES["article"], 1),
    ]
    assert [u.node.owner for u in script if isinstance(u.node, Sentence)][2] is paragraph
