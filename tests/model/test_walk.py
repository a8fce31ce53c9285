"""The one walk over the model: it knows every node type, visits every node, and skips no field that holds one."""

from __future__ import annotations

import dataclasses
import datetime as dt
import inspect
import typing

import pytest

from paperpress import model
from paperpress.model import (
    Article,
    Code,
    CodeBlock,
    Emphasis,
    Figure,
    Footnote,
    FootnoteRef,
    Heading,
    Image,
    InlineImage,
    Issue,
    LineBreak,
    Link,
    ListBlock,
    Paragraph,
    Publication,
    Quote,
    Rule,
    Section,
    Strike,
    Strong,
    Table,
    TableCell,
    Target,
    Text,
)
from paperpress.model.walk import CHILDREN, images, texts, walk

#: Model classes that hold no content to walk: they describe the publication, not an issue's copy.
NOT_NODES = {Publication, Target}  # content-free: what an issue is of, and where a link leads
#: Fields that repeat nodes found elsewhere in the tree: an article's links are its body's links, numbered.
REPEATS = {(Article, "links")}


def _image(n: int) -> Image:
    return Image(f"a1-img{n}", f"photos/{n}.png", b"", "image/png", 10, 10, f"photo {n}")


def every_kind() -> Issue:
    """An issue holding each kind of node at least once, photos in every place a photo can stand."""
    link = Link((Text("link words"), InlineImage(_image(1))), "https://example.org", 1)
    inlines = (
        Text("plain"), Code("code"), Emphasis((Text("em"),)), Strong((Text("strong"),)), Strike((Text("gone"),)),
        LineBreak(), link, FootnoteRef(1, "a1-fn1"),
    )
    table = Table(
        (TableCell((Text("head"),)),),
        ((TableCell((Text("cell"), InlineImage(_image(2)))),),),
        ("",),
    )
    blocks = (
        Paragraph(inlines),
        Heading(2, (Text("subhead"),), "a1-h-subhead", "subhead"),
        Quote((Paragraph((Text("quoted"),)), Figure(_image(3)))),
        ListBlock(False, 1, ((Paragraph((Text("item"),)), Figure(_image(4))),)),
        table,
        Figure(_image(5)),
        CodeBlock("print()"),
        Rule(),
    )
    note = Footnote(1, "a1-fn1", (Paragraph((Text("noted"),)), Figure(_image(6))))
    article = Article("a1", "one", "issues/issue-1/one.md", "One", None, None, (_image(0),), blocks, (note,), (link,))
    publication = Publication("P", None, None, "en", "urn:x", None)
    return Issue(publication, 1, dt.date(2026, 1, 2), None, _image(9), (Section("s1", "news", "News", (article,)),),
                 "issues/issue-1.yaml", "issue-1")


def model_classes() -> set[type]:
    return {c for _, c in inspect.getmembers(model, inspect.isclass)
            if dataclasses.is_dataclass(c) and c.__module__ == model.__name__}


def test_the_walk_has_a_handler_for_every_block_and_inline_and_every_other_node() -> None:
    unions = set(typing.get_args(model.Block)) | set(typing.get_args(model.Inline))
    assert unions - set(CHILDREN) == set()
    assert model_classes() - NOT_NODES == set(CHILDREN), "a model class is neither walked nor listed in NOT_NODES"


def test_each_kind_of_node_is_visited() -> None:
    assert {type(node) for node in walk(every_kind())} == set(CHILDREN)


def _nodes_in(value: object) -> list[object]:
    """The nodes a field's value holds, through tuples of any depth (a list's items, a table's rows)."""
    if isinstance(value, tuple):
        return [node for item in value for node in _nodes_in(item)]
    return [value] if type(value) in CHILDREN else []


def test_no_field_that_holds_nodes_is_left_out() -> None:
    for node in walk(every_kind()):
        children = [id(child) for child in CHILDREN[type(node)](node)]
        for field in dataclasses.fields(node):  # type: ignore[arg-type]
            if (type(node), field.name) in REPEATS:
                continue
            for held in _nodes_in(getattr(node, field.name)):
                assert id(held) in children, f"{type(node).__name__}.{field.name} holds a {type(held).__name__} the walk skips"


def test_photos_in_every_place_are_found_in_reading_order() -> None:
    issue = every_kind()
    assert [image.id for image in images(issue)] == [f"a1-img{n}" for n in (9, 0, 1, 3, 4, 2, 5, 6)]
    assert [image.id for image in images(issue.sections)] == [f"a1-img{n}" for n in (0, 1, 3, 4, 2, 5, 6)]


def test_texts_come_from_the_body_cells_and_notes_but_not_code() -> None:
    words = texts(every_kind())
    assert {"plain", "em", "link words", "head", "cell", "quoted", "item", "noted", "subhead"} <= set(words)
    assert "code" not in words and "print()" not in words


def test_a_node_the_walk_does_not_know_is_an_error_not_a_silent_gap() -> None:
    @dataclasses.dataclass(frozen=True)
    class Sticker:
        kind: typing.ClassVar[str] = "sticker"

    with pytest.raises(TypeError, match="does not know Sticker"):
        list(walk(Paragraph((Sticker(),))))  # type: ignore[arg-type]


def test_nesting_far_deeper_than_markdown_allows_does_not_exhaust_the_stack() -> None:
    block: Quote = Quote((Paragraph((Text("deep"),)),))
    for _ in range(5_000):
        block = Quote((block,))
    assert texts(block) == ("deep",)


def test_words_join_text_and_code_with_a_space_for_a_line_break() -> None:
    from paperpress.model.walk import words

    inline = (Text("Mill "), Emphasis((Text("Lane"),)), LineBreak(), Code("A1"), FootnoteRef(1, "a1-fn1"))
    assert words(inline) == "Mill Lane A1"
