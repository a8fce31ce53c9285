"""The one traversal of the model: every node of an issue, in reading order, for every "find all X".

Photos to package, photos to fingerprint, words to check: when each had its own walker, each missed a place
where a photo or a word can be (a footnote, a list item, a table cell). Only this module spells out which
fields of which node hold further nodes; tests/model/test_walk.py fails when the model gains a node it does not
know. Standard library and model only, so loaders, renderers and the build can all use it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import Any, TypeGuard

from . import (
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
    Quote,
    Rule,
    Section,
    Strike,
    Strong,
    Table,
    TableCell,
    Text,
)

Node = (
    Issue | Section | Article | Footnote | Image | TableCell
    | Paragraph | Heading | Quote | ListBlock | Table | Figure | CodeBlock | Rule
    | Text | Code | Emphasis | Strong | Strike | LineBreak | Link | FootnoteRef | InlineImage
)


def _none(node: Any) -> tuple[Node, ...]:
    return ()


def _children(node: Any) -> tuple[Node, ...]:
    return tuple(node.children)


#: Each node type → its child nodes in reading order. An article's `links` are left out: they are the
#: links of its body again, numbered, and the body already leads to each.
CHILDREN: dict[type, Callable[[Any], Iterable[Node]]] = {
    Issue: lambda n: ((n.cover,) if n.cover is not None else ()) + n.sections,
    Section: lambda n: n.articles,
    Article: lambda n: n.images + n.blocks + n.footnotes,
    Footnote: _children,
    Image: _none,
    Paragraph: _children,
    Heading: _children,
    Quote: _children,
    ListBlock: lambda n: tuple(block for item in n.items for block in item),
    Table: lambda n: n.header + tuple(cell for row in n.rows for cell in row),
    TableCell: _children,
    Figure: lambda n: (n.image,),
    CodeBlock: _none,
    Rule: _none,
    Text: _none,
    Code: _none,
    Emphasis: _children,
    Strong: _children,
    Strike: _children,
    LineBreak: _none,
    Link: _children,
    FootnoteRef: _none,
    InlineImage: lambda n: (n.image,),
}


def walk(nodes: Node | Iterable[Node]) -> Iterator[Node]:
    """Each node and everything under it, parents before children, in reading order.

    Iterative, so the deepest nesting markdown-it allows cannot exhaust the stack.
    """
    stack: list[Node] = [nodes] if _is_node(nodes) else list(reversed(list(nodes)))  # type: ignore[arg-type]
    while stack:
        node = stack.pop()
        yield node
        try:
            children = CHILDREN[type(node)](node)
        except KeyError:
            raise TypeError(f"the walk does not know {type(node).__name__}") from None
        stack.extend(reversed(tuple(children)))


def _is_node(value: object) -> TypeGuard[Node]:
    return type(value) in CHILDREN


def images(nodes: Node | Iterable[Node]) -> tuple[Image, ...]:
    """Every photo under `nodes`, in reading order: front matter, body, notes (an issue's cover first)."""
    return tuple(node for node in walk(nodes) if isinstance(node, Image))


def texts(nodes: Node | Iterable[Node]) -> tuple[str, ...]:
    """Every run of prose under `nodes` (not code, not alt text: what an editor wrote as words)."""
    return tuple(node.text for node in walk(nodes) if isinstance(node, Text))


def subheads(nodes: Node | Iterable[Node]) -> tuple[Heading, ...]:
    """Every subhead under `nodes` in reading order, those in quotes, lists and notes included: what links name."""
    return tuple(node for node in walk(nodes) if isinstance(node, Heading))


def words(nodes: Node | Iterable[Node]) -> str:
    """The words of inline content as one string, a line break as a space: how a subhead is named or slugged."""
    return "".join(
        " " if isinstance(node, LineBreak) else node.text
        for node in walk(nodes)
        if isinstance(node, (Text, Code, LineBreak))
    )
