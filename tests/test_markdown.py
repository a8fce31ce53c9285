"""Markdown caps that bound the parser's own cost: they stop the parse at the cap, before the rest is paid for."""

from __future__ import annotations

import paperpress.markdown as markdown
from paperpress.markdown import MAX_BLOCK_QUOTE_MARKS, MAX_TABLE_CELLS, parse_body, smarten


def _table(columns: int, rows: int) -> str:
    line = "|" + "|".join("x" for _ in range(columns)) + "|\n"
    return line + "|" + "|".join("-" for _ in range(columns)) + "|\n" + line * rows


def test_smart_quotes_skip_a_paragraph_over_the_cap_and_report_it(monkeypatch) -> None:
    calls = []
    process = markdown.process_inlines
    monkeypatch.setattr(markdown, "process_inlines", lambda tokens, state: calls.append(len(tokens)) or process(tokens, state))
    body = parse_body('"Fine," she said.\n\n' + " ".join(['"*a*'] * (MAX_BLOCK_QUOTE_MARKS + 1)), "a1", lambda *a: None)
    assert len(calls) == 1  # only the first paragraph was smartened
    assert [(i.line, i.message) for i in body.issues] == [(3, f"{MAX_BLOCK_QUOTE_MARKS + 1:,} quotation marks in one paragraph")]


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
    body = parse_body(text, "a1", lambda *a: None)
    assert len(tables) == 4  # the fourth passes the cap; the other eight are never parsed
    assert body.blocks == () and len(body.issues) == 1
    assert body.issues[0].line == tables[-1] + 1 and "10,000 cells" in body.issues[0].message


def test_many_small_tables_of_autocompleted_cells_are_counted() -> None:
    # A wide header then rows of one word each: markdown-it fills in the missing cells, hundreds a line.
    wide = "|" + "|".join("h" for _ in range(500)) + "|\n|" + "|".join("-" for _ in range(500)) + "|\n" + "x\n" * 30
    body = parse_body("\n".join([wide] * 2), "a1", lambda *a: None)
    assert body.blocks == () and "cells" in body.issues[0].message
