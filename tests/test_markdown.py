"""Markdown photos: a figure where a photo stands alone, an inline photo among words, never lost as text."""

from __future__ import annotations

from paperpress.markdown import parse_body
from paperpress.model import Emphasis, Figure, Image, InlineImage, Link, ListBlock, Paragraph, Quote, Table, Text
from paperpress.walk import images


def _resolve(src: str, alt: str, caption: str | None, line: int | None) -> Image:
    return Image(f"a1-{src}", src, b"", "image/png", 10, 10, alt, caption)


def _body(text: str):
    return parse_body(text, "a1", _resolve)


def test_a_photo_in_a_table_cell_is_an_inline_photo_not_its_alt_as_text() -> None:
    (table,) = _body("| Prize | Rosette |\n|---|---|\n| First | ![A red rosette](red.png \"Gold\") |\n").blocks
    assert isinstance(table, Table)
    (photo,) = table.rows[0][1].children
    assert isinstance(photo, InlineImage)
    assert (photo.image.source, photo.image.alt, photo.image.caption) == ("red.png", "A red rosette", "Gold")


def test_photos_in_a_footnote_a_list_item_and_a_quotation_are_figures() -> None:
    body = _body("Text.[^1]\n\n- An item.\n\n  ![In a list](list.png)\n\n> Said.\n>\n> ![In a quote](quote.png)\n\n"
                 "[^1]: A note.\n\n    ![In a note](note.png)\n")
    _, items, quote = body.blocks
    assert isinstance(items, ListBlock) and isinstance(items.items[0][1], Figure)
    assert isinstance(quote, Quote) and isinstance(quote.children[1], Figure)
    assert isinstance(body.footnotes[0].children[1], Figure)
    assert [i.source for i in images(body.blocks + body.footnotes)] == ["list.png", "quote.png", "note.png"]


def test_a_photo_inside_a_link_or_emphasis_stays_there_instead_of_breaking_the_paragraph() -> None:
    linked, emphasised = _body("See [the board ![A rosette](r.png)](https://example.org).\n\n*Rosettes ![Blue](b.png) all*\n").blocks
    assert isinstance(linked, Paragraph) and isinstance(emphasised, Paragraph)
    link = linked.children[1]
    assert isinstance(link, Link) and isinstance(link.children[-1], InlineImage)
    em = emphasised.children[0]
    assert isinstance(em, Emphasis) and isinstance(em.children[1], InlineImage)


def test_a_photo_alone_in_a_paragraph_splits_it_around_a_figure() -> None:
    before, figure, after = _body("Before ![Alone](a.png) after.\n").blocks
    assert isinstance(before, Paragraph) and isinstance(after, Paragraph)
    assert [before.children, after.children] == [(Text("Before "),), (Text(" after."),)]
    assert isinstance(figure, Figure) and figure.image.source == "a.png"


def test_a_photo_title_gets_the_same_smart_punctuation_as_a_front_matter_caption() -> None:
    (figure,) = _body("![A shed](shed.png \"The society's shed -- 1987\")\n").blocks
    assert isinstance(figure, Figure) and figure.image.caption == "The society\u2019s shed \u2013 1987"
