"""Article Markdown to model blocks: subhead levels and ids, notes cited twice, links of every kind, and photos
wherever they stand (a figure alone, an inline photo among words, never lost as text)."""

from __future__ import annotations

import paperpress.load.markdown as markdown
from paperpress.errors import Severity
from paperpress.load.markdown import MAX_BLOCK_QUOTE_MARKS, MAX_TABLE_CELLS, Body, anchor_slug, parse_body, smarten
from paperpress.model import (
    Code,
    CodeBlock,
    Emphasis,
    Figure,
    FootnoteRef,
    Heading,
    Image,
    InlineImage,
    LineBreak,
    Link,
    ListBlock,
    Paragraph,
    Quote,
    Rule,
    Strike,
    Strong,
    Table,
    Target,
    Text,
)
from paperpress.model.walk import images


def parse(text: str, targets: dict[str, Target] | None = None) -> tuple[Body, list[tuple[str, int | None]]]:
    """Parses with a link resolver that records what it was asked and answers from `targets`."""
    asked: list[tuple[str, int | None]] = []

    def resolve(href: str, line: int | None) -> Target | None:
        asked.append((href, line))
        return (targets or {}).get(href)

    return parse_body(text, "a3", lambda *args: None, resolve), asked


def headings(body: Body) -> list[tuple[int, str]]:
    return [(b.level, b.id) for b in body.blocks if isinstance(b, Heading)]


def inlines(body: Body) -> list:
    return [node for block in body.blocks if isinstance(block, Paragraph) for node in block.children]


def test_subhead_levels_follow_nesting_and_never_skip() -> None:
    body, _ = parse("#### First\n\n###### Under it\n\n## Back up\n\n#### Under that\n\n### Between\n")
    assert [level for level, _ in headings(body)] == [2, 3, 2, 3, 3]


def test_a_first_level_heading_in_the_body_is_a_subhead_and_deep_ones_stop_at_four() -> None:
    body, _ = parse("# One\n\n## Two\n\n### Three\n\n#### Four\n\n##### Five\n\n###### Six\n")
    assert [level for level, _ in headings(body)] == [2, 3, 4, 4, 4, 4]


def test_subhead_ids_come_from_the_words_and_are_unique() -> None:
    body, _ = parse('## The council\'s "position"\n\n## Tomatoes\n\n## Tomatoes\n\n## ???\n\n## Café\n')
    assert [i for _, i in headings(body)] == [
        "a3-h-the-councils-position", "a3-h-tomatoes", "a3-h-tomatoes-2", "a3-h-section", "a3-h-cafe"
    ]
    assert [b.slug for b in body.blocks if isinstance(b, Heading)][:2] == ["the-councils-position", "tomatoes"]


def test_a_heading_called_like_a_note_keeps_its_own_id() -> None:
    body, _ = parse("## fn1\n\nText.[^1]\n\n[^1]: A note.\n")
    assert headings(body) == [(2, "a3-h-fn1")]
    assert body.footnotes[0].id == "a3-fn1"


def test_a_subhead_inside_a_note_sits_below_the_notes_title() -> None:
    body, _ = parse("## Main\n\n### Deeper\n\nText.[^n]\n\n[^n]: A note.\n\n    #### In the note\n")
    note_heads = [b for b in body.footnotes[0].children if isinstance(b, Heading)]
    assert [h.level for h in note_heads] == [3]


def test_anchor_slug_is_lenient_about_how_a_fragment_is_written() -> None:
    assert anchor_slug("What-Changes") == anchor_slug("what changes") == anchor_slug("What  changes!") == "what-changes"
    assert anchor_slug("The council’s position") == "the-councils-position"


def test_a_note_cited_twice_gives_each_mark_its_own_citation() -> None:
    body, _ = parse("First[^a] and again[^a], then[^b].\n\n[^a]: Note A.\n[^b]: Note B.\n")
    refs = [n for n in inlines(body) if isinstance(n, FootnoteRef)]
    assert [(r.id, r.citation) for r in refs] == [("a3-fn1", 1), ("a3-fn1", 2), ("a3-fn2", 1)]
    assert len(body.footnotes) == 2


def test_placeholder_links_are_warnings_and_plain_words() -> None:
    body, asked = parse("See [our last report](#) and [the prices]().\n")
    assert [(i.line, i.severity, i.message) for i in body.problems] == [
        (1, Severity.WARNING, "the link 'our last report' goes nowhere ('#'), so it is printed as plain words"),
        (1, Severity.WARNING, "the link 'the prices' goes nowhere (''), so it is printed as plain words"),
    ]
    assert inlines(body) == [Text("See "), Text("our last report"), Text(" and "), Text("the prices"), Text(".")]
    assert asked == [] and body.links == ()


def test_links_without_a_scheme_go_to_the_resolver_and_carry_its_target() -> None:
    here = Target("a3", "a3-h-details", True)
    there = Target("a1", None, False)
    body, asked = parse("Intro.\n\nSee [below](#details), [the other](other.md) and [the web](https://example.org).\n",
                        {"#details": here, "other.md": there})
    assert asked == [("#details", 3), ("other.md", 3)]
    links = [n for n in inlines(body) if isinstance(n, Link)]
    assert [(link.href, link.number, link.target) for link in links] == [
        ("#details", None, here), ("other.md", None, there), ("https://example.org", 1, None)
    ]
    assert body.links == (links[2],)  # only links out of the issue are listed as references


def test_a_link_the_resolver_refuses_keeps_its_words() -> None:
    body, asked = parse("See [nowhere](missing.md).\n")
    assert asked == [("missing.md", 1)]
    assert inlines(body) == [Text("See "), Text("nowhere"), Text(".")]


def test_dangerous_and_network_path_links_are_refused_without_asking_the_resolver() -> None:
    body, asked = parse("[a](javascript:alert(1)) [b](JavaScript:x) [c](data:text/html,x) [d](//evil.example/x)"
                        " [e](file:///etc/passwd) [f](vbscript:x)\n")
    assert asked == []
    assert [i.severity for i in body.problems] == [Severity.ERROR] * 6
    assert all("is not allowed" in i.message for i in body.problems)


def _resolve(src: str, alt: str, caption: str | None, line: int | None) -> Image:
    return Image(f"a1-{src}", src, b"", "image/png", 10, 10, alt, caption)


def _body(text: str):
    return parse_body(text, "a1", _resolve, lambda href, line: None)


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


# --- caps ----------------------------------------------------------------------------------------------


def _table(columns: int, rows: int) -> str:
    line = "|" + "|".join("x" for _ in range(columns)) + "|\n"
    return line + "|" + "|".join("-" for _ in range(columns)) + "|\n" + line * rows


def test_smart_quotes_skip_a_paragraph_over_the_cap_and_report_it(monkeypatch) -> None:
    calls = []
    process = markdown.process_inlines
    monkeypatch.setattr(markdown, "process_inlines", lambda tokens, state: calls.append(len(tokens)) or process(tokens, state))
    body = parse_body('"Fine," she said.\n\n' + " ".join(['"*a*'] * (MAX_BLOCK_QUOTE_MARKS + 1)), "a1", lambda *a: None, lambda *a: None)
    assert len(calls) == 1  # only the first paragraph was smartened
    assert [(i.line, i.message) for i in body.problems] == [(3, f"{MAX_BLOCK_QUOTE_MARKS + 1:,} quotation marks in one paragraph")]


def test_a_headline_over_the_quote_cap_is_kept_as_typed() -> None:
    text = '"a ' * (MAX_BLOCK_QUOTE_MARKS + 1)
    assert smarten(text) == text


def test_the_parse_stops_at_the_table_that_passes_the_cell_cap(monkeypatch) -> None:
    tables = []
    rule = markdown._table_rule

    def counting(state, start, end, silent):
        found = rule(state, start, end, silent)
        if found and not silent:
            tables.append(start)
        return found

    monkeypatch.setattr(markdown, "_table_rule", counting)
    quarter = MAX_TABLE_CELLS // 4 // 50  # rows of 50 cells filling a quarter of the cap, plus a header row
    text = "\n".join(_table(50, quarter) for _ in range(12))  # three times the cap in all
    body = parse_body(text, "a1", lambda *a: None, lambda *a: None)
    assert len(tables) == 4  # the fourth passes the cap; the other eight are never parsed
    assert body.blocks == () and len(body.problems) == 1
    assert body.problems[0].line == tables[-1] + 1 and "10,000 cells" in body.problems[0].message


def test_many_small_tables_of_autocompleted_cells_are_counted() -> None:
    # A wide header then rows of one word each: markdown-it fills in the missing cells, hundreds a line.
    wide = "|" + "|".join("h" for _ in range(500)) + "|\n|" + "|".join("-" for _ in range(500)) + "|\n" + "x\n" * 30
    body = parse_body("\n".join([wide] * 2), "a1", lambda *a: None, lambda *a: None)
    assert body.blocks == () and "cells" in body.problems[0].message


# --- tables, lists, photos and messages as a reader meets them ------------------------------------------


def _words(cells: tuple) -> list[str]:
    return ["".join(node.text for node in cell.children) for cell in cells]


def test_a_table_keeps_its_header_its_rows_and_each_column_s_alignment_and_what_follows_it() -> None:
    body, _ = parse("| Left | Mid | Right | Plain |\n|:--|:-:|--:|---|\n| a | b | c | d |\n| e | f | g | h |\n\nAfter.\n")
    table, after = body.blocks
    assert isinstance(table, Table)
    assert _words(table.header) == ["Left", "Mid", "Right", "Plain"]
    assert [_words(row) for row in table.rows] == [["a", "b", "c", "d"], ["e", "f", "g", "h"]]
    assert table.align == ("left", "center", "right", "")
    assert after == Paragraph((Text("After."),)) and body.lines == (1, 6)


def test_a_problem_in_a_table_cell_is_at_the_cell_s_own_line() -> None:
    body, _ = parse("Intro.\n\n| A | B |\n|---|---|\n| x | y |\n| [nowhere](#) | z |\n")
    assert [(p.line, p.severity) for p in body.problems] == [(6, Severity.WARNING)]


def test_a_table_over_the_row_cap_is_refused_at_its_line_and_the_rest_is_kept(monkeypatch) -> None:
    monkeypatch.setattr(markdown, "MAX_TABLE_ROWS", 2)
    body, _ = parse("Intro.\n\n| A |\n|---|\n| 1 |\n| 2 |\n| 3 |\n\n| B |\n|---|\n| 1 |\n| 2 |\n")
    assert [(p.line, p.message, p.hint) for p in body.problems] == [(3, "a table of 3 rows", "at most 2; link to the data instead")]
    assert [type(b).__name__ for b in body.blocks] == ["Paragraph", "Table"] and body.lines == (1, 9)


def test_a_list_inside_a_list_item_does_not_end_the_outer_list() -> None:
    body, _ = parse("3. one\n   - inner\n   - more\n4. two\n\nAfter.\n")
    outer, after = body.blocks
    assert isinstance(outer, ListBlock) and outer.ordered and outer.start == 3 and len(outer.items) == 2
    inner = outer.items[0][1]
    assert isinstance(inner, ListBlock) and not inner.ordered and inner.start == 1 and len(inner.items) == 2
    assert outer.items[1] == (Paragraph((Text("two"),)),) and after == Paragraph((Text("After."),))


def test_subheads_of_the_same_level_are_siblings() -> None:
    body, _ = parse("## A\n\n## B\n\n### C\n\n### D\n\n## E\n")
    assert [level for level, _ in headings(body)] == [2, 2, 3, 3, 2]


def test_a_photo_s_alt_text_is_all_its_words_and_a_photo_without_a_title_has_no_caption() -> None:
    asked = []

    def resolve(src: str, alt: str, caption: str | None, line: int | None) -> None:
        asked.append((src, alt, caption, line))

    parse_body("Intro.\n\n![A *red* `rosette` here](r.png)\n\n![Empty]()\n", "a1", resolve, lambda *a: None)
    assert asked == [("r.png", "A red rosette here", None, 3), ("", "Empty", None, 5)]


def test_a_long_refused_address_is_shortened_in_the_message_and_one_of_sixty_characters_is_not() -> None:
    sixty = "ftp://" + "x" * 54
    body, _ = parse(f"[a]({sixty}) [b]({sixty}y)\n")
    assert [p.message for p in body.problems] == [
        f"link to '{sixty}' is not allowed", f"link to '{sixty[:57]}...' is not allowed"]


def test_quotes_or_lists_nested_past_the_limit_are_refused_at_the_line_where_text_would_be_lost() -> None:
    quotes, _ = parse("Intro.\n\n" + ">" * 30 + " deep\n")
    lists, _ = parse("Intro.\n\n" + "".join("  " * i + "- x\n" for i in range(30)))
    assert [(p.line, p.message, p.hint) for p in quotes.problems + lists.problems] == [
        (3, "quotes or lists nested more than 20 levels deep", "flatten the nesting; text inside would be lost"),
        (13, "quotes or lists nested more than 20 levels deep", "flatten the nesting; text inside would be lost"),
    ]
    shallow, _ = parse("> " * 10 + "fine\n")
    assert shallow.problems == ()


def test_the_parser_reads_the_house_markdown_and_nothing_more() -> None:
    """The parser as built (made once at import, so its settings are read here on a fresh one)."""
    md = markdown._parser()
    types = {t.type for t in md.parse("| a |\n|---|\n| b |\n\n~~gone~~ x[^1]\n\n[^1]: n\n\n<b>raw</b>\n\n[l](javascript:x)\n")}
    assert {"table_open", "footnote_block_open"} <= types and "html_block" not in types
    inline = [c for t in md.parse("~~gone~~ \"said\" -- (c) [l](javascript:x) <i>x</i>\n") if t.children for c in t.children]
    assert [c.type for c in inline if c.type in ("s_open", "link_open", "html_inline")] == ["s_open", "link_open"]
    assert "\u201csaid\u201d \u2013 \u00a9" in "".join(c.content for c in inline if c.type == "text")
    assert md.options["maxNesting"] == markdown.MAX_NESTING and md.options["linkify"] is False


def test_a_table_may_follow_a_paragraph_line_without_a_blank_line() -> None:
    """As in the parser made at import: a table interrupts the paragraph above it."""
    md = markdown._parser()
    assert [t.type for t in md.parse("Text\n| a |\n|---|\n| b |\n")][:4] == [
        "paragraph_open", "inline", "paragraph_close", "table_open"]


def test_a_second_level_subhead_inside_a_note_still_sits_below_the_notes_title() -> None:
    body, _ = parse("Text.[^n]\n\n[^n]: A note.\n\n    ## In the note\n")
    assert [h.level for h in body.footnotes[0].children if isinstance(h, Heading)] == [3]


def test_hidden_characters_decoded_in_a_photo_s_alt_or_title_are_warned_of_at_the_photo_s_line() -> None:
    for text in ("Intro.\n\n![A&#12;b](x.png)\n\nLater &#12; too.\n", "Intro.\n\n![Ab](x.png \"T&#12;x\")\n"):
        body = parse_body(text, "a1", lambda *a: None, lambda *a: None)
        assert [(p.line, p.severity) for p in body.problems] == [(3, Severity.WARNING)], text


def test_every_kind_of_inline_markup_becomes_its_own_node_in_order() -> None:
    body, _ = parse("A *em* **strong** ~~gone~~ `co*de*` end\nnext  \nhard [x](https://a.example) [y](https://a.example)"
                    " [z](https://b.example)\n")
    (paragraph,) = body.blocks
    first, again, other = Link((Text("x"),), "https://a.example", 1), Link((Text("y"),), "https://a.example", 1), \
        Link((Text("z"),), "https://b.example", 2)
    assert paragraph == Paragraph((
        Text("A "), Emphasis((Text("em"),)), Text(" "), Strong((Text("strong"),)), Text(" "), Strike((Text("gone"),)),
        Text(" "), Code("co*de*"), Text(" end"), Text(" "), Text("next"), LineBreak(), Text("hard "), first, Text(" "),
        again, Text(" "), other))
    assert body.links == (first, other)  # a reference is listed once, however often it is linked


def test_photos_side_by_side_make_figures_with_no_empty_paragraph_between() -> None:
    blocks = _body("Text ![A](a.png) ![B](b.png)\n").blocks
    assert [type(b).__name__ for b in blocks] == ["Paragraph", "Figure", "Figure"]


def test_a_refused_link_and_a_decoded_hidden_character_are_reported_at_their_lines() -> None:
    body, _ = parse("Intro.\n\nText &#12; here `co&#12;de`.\n\nSee [it](ftp://x.example).\n")  # a code span decodes nothing
    assert [(p.line, p.message, p.hint, p.severity) for p in body.problems] == [
        (5, "link to 'ftp://x.example' is not allowed", "links must start with https://, http:// or mailto:", Severity.ERROR),
        (3, "removed 1 invisible control character (U+000C), written as character references",
         "readers cannot see them and some readers reject them; check the text was pasted correctly", Severity.WARNING),
    ]


def test_anchor_slugs_drop_apostrophes_and_keep_words_apart() -> None:
    assert anchor_slug("The Council's -- view!") == "the-councils-view"
    assert anchor_slug("¿Qué pasó?") == "que-paso" and anchor_slug("!!!") == ""


def test_code_keeps_its_lines_and_a_rule_and_a_decoded_line_break_in_text_read_as_they_should() -> None:
    body, _ = parse("```\nline 1\nline 2\n```\n\n    indented\n    code\n\n---\n\nText&#10;more\n")
    assert body.blocks == (CodeBlock("line 1\nline 2"), CodeBlock("indented\ncode"), Rule(), Paragraph((Text("Text more"),)))
    assert body.lines == (1, 6, 9, 11)


def test_a_quotation_ends_where_it_ends_and_lists_start_where_they_say() -> None:
    body, _ = parse("> Quoted.\n\nOutside.\n\n1. one\n\n- dot\n")
    assert body.blocks[:2] == (Quote((Paragraph((Text("Quoted."),)),)), Paragraph((Text("Outside."),)))
    assert [(b.ordered, b.start) for b in body.blocks[2:]] == [(True, 1), (False, 1)]


def test_problems_in_a_subhead_a_photo_in_a_link_and_a_paragraph_split_by_a_photo_have_their_lines() -> None:
    asked = []
    text = "Intro.\n\n## See [x](#)\n\nA [link ![In](a.png)](https://e.example)\n\nNo [y](#) ![B](b.png) here\n"
    body = parse_body(text, "a1", lambda src, alt, caption, line: asked.append((src, line)), lambda *a: None)
    assert [p.line for p in body.problems] == [3, 7]
    assert asked == [("a.png", 5), ("b.png", 7)]


def test_a_note_mark_carries_its_number() -> None:
    body, _ = parse("One[^a] two[^b].\n\n[^a]: A.\n[^b]: B.\n")
    assert [(r.number, r.id) for r in inlines(body) if isinstance(r, FootnoteRef)] == [(1, "a3-fn1"), (2, "a3-fn2")]


def test_a_refused_parse_keeps_nothing_but_its_problem() -> None:
    body = parse_body('"' * (MAX_BLOCK_QUOTE_MARKS + 1), "a1", lambda *a: None, lambda *a: None)
    assert body == Body((), (), (), body.problems) and len(body.problems) == 1
    assert body.problems[0].hint == f"at most {MAX_BLOCK_QUOTE_MARKS:,}; break it into paragraphs"


def test_the_caps_let_through_what_is_at_them() -> None:
    marks = ("\"a' " * (MAX_BLOCK_QUOTE_MARKS // 2))  # both kinds of mark count
    assert parse_body(marks, "a1", lambda *a: None, lambda *a: None).problems == ()
    assert len(parse_body(marks + "'", "a1", lambda *a: None, lambda *a: None).problems) == 1
    assert parse_body("> " * 21 + "deep\n", "a1", lambda *a: None, lambda *a: None).problems == ()
    assert [p.line for p in parse_body("> " * 22 + "deep\n", "a1", lambda *a: None, lambda *a: None).problems] == [1]
    at_cap = _table(50, MAX_TABLE_CELLS // 50 - 1)  # a header row and rows of 50 cells: the cap exactly
    assert parse_body(at_cap, "a1", lambda *a: None, lambda *a: None).problems == ()
    over = parse_body(at_cap + "\n" + _table(1, 0), "a1", lambda *a: None, lambda *a: None).problems
    assert [(p.message, p.hint) for p in over] == [
        (f"the tables hold over {MAX_TABLE_CELLS:,} cells", f"at most {MAX_TABLE_CELLS:,} in one article; link to the data instead")]


def test_front_matter_text_is_smartened_as_plain_words() -> None:
    assert smarten("") == ""
    assert smarten("It's *very* good -- and\nnew") == "It\u2019s very good \u2013 and new"
    assert smarten("See ![the shed](s.png) `now`  \nthen") == "See the shed now then"


def test_a_subhead_keeps_its_words_a_code_block_its_last_characters_and_a_placeholder_link_its_fix() -> None:
    body, _ = parse("## The *plan*\n\n```\nkeep  \n```\n\n```\nmaX\n```\n\n[x](#)\n")
    heading, spaced, ending, _ = body.blocks
    assert isinstance(heading, Heading) and heading.children == (Text("The "), Emphasis((Text("plan"),)))
    assert (spaced, ending) == (CodeBlock("keep  "), CodeBlock("maX"))
    assert [p.hint for p in body.problems] == ["give a web address, an article or a '#subhead'"]
