"""Every documented cap, probed by generated input at the cap and one step over it.

At the cap the issue checks clean (or with a warning); one step over, `paperpress check` fails with a
located error and no traceback. The caps are read from the code, so the probes move with them. Costs are
not timed here: the tests beside each module assert what drives them (reads, decodes, loads, parse steps).
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from PIL import Image
from typer.testing import CliRunner

from paperpress.cli import app
from paperpress.load import MAX_ARTICLES
from paperpress.load.article import MAX_ARTICLE_BYTES, MAX_FRONT_MATTER_BYTES, MAX_QUOTE_MARKS
from paperpress.load.images import MAX_FILE_BYTES, MAX_PIXELS
from paperpress.load.manifest import MAX_MANIFEST_BYTES
from paperpress.load.markdown import MAX_BLOCK_QUOTE_MARKS, MAX_TABLE_CELLS, MAX_TABLE_ROWS
from paperpress.load.yamlfile import MAX_DEPTH
from tests.support import FIXTURES, copy_publication

ARTICLE = "issues/issue-7/second.md"
MANIFEST = "issues/issue-7.yaml"
HEAD = "---\ntitle: At the limit\n---\n"


def write(pub: Path, rel: str, data: str | bytes) -> None:
    path = pub / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data.encode() if isinstance(data, str) else data)


def sized_article(size: int) -> str:
    """An article file of exactly `size` bytes of ordinary prose."""
    body = ("Words of an ordinary report. " * (size // 29 + 1))[: size - len(HEAD) - 1]
    return HEAD + body + "\n"


def table(columns: int, rows: int) -> str:
    """A table of `columns` × (1 + `rows`) cells: a header row and `rows` rows."""
    line = "|" + "|".join("x" for _ in range(columns)) + "|\n"
    return line + "|" + "|".join("-" for _ in range(columns)) + "|\n" + line * rows


def quotes(marks: int) -> str:
    """One paragraph of `marks` quotation marks, each opening a quoted word."""
    return " ".join('"a' for _ in range(marks))


def nested(depth: int) -> str:
    """A YAML value of `depth` levels under the document's top level: lists in flow style."""
    return "[" * (depth - 1) + "1" + "]" * (depth - 1)


def articles(count: int) -> Callable[[Path], None]:
    def make(pub: Path) -> None:
        listed = "".join(f"      - issue-7/n{i}.md\n" for i in range(count))
        write(pub, MANIFEST, f"number: 7\ndate: 2026-03-06\nsections:\n  - title: All\n    articles:\n{listed}")
        for i in range(count):
            write(pub, f"issues/issue-7/n{i}.md", f"---\ntitle: Note {i}\n---\nA note.\n")
    return make


def photo(size: tuple[int, int], pad_to: int = 0) -> Callable[[Path], None]:
    """A 1-bit PNG (cheap to decode at any size), padded with trailing bytes to `pad_to`, placed in the article."""
    def make(pub: Path) -> None:
        buf = io.BytesIO()
        Image.new("1", size).save(buf, "PNG")
        data = buf.getvalue()
        write(pub, "issues/issue-7/photos/edge.png", data + b"\0" * max(0, pad_to - len(data)))
        write(pub, ARTICLE, "---\ntitle: A photo\nimages:\n  - src: photos/edge.png\n    alt: Blank\n    credit: Desk\n---\nBody.\n")
    return make


def body(text: str) -> Callable[[Path], None]:
    return lambda pub: write(pub, ARTICLE, HEAD + text + "\n")


@dataclass(frozen=True)
class Cap:
    name: str
    at: Callable[[Path], None]  # input at the cap: checks clean
    over: Callable[[Path], None]  # one step over: a located error
    says: str  # the start of the error line


CAPS = [
    Cap("article bytes", lambda p: write(p, ARTICLE, sized_article(MAX_ARTICLE_BYTES)),
        lambda p: write(p, ARTICLE, sized_article(MAX_ARTICLE_BYTES + 1)), f"{ARTICLE}: the article is"),
    Cap("front matter bytes",
        lambda p: write(p, ARTICLE, "---\ntitle: x\n#" + "y" * (MAX_FRONT_MATTER_BYTES - 10) + "\n---\nBody.\n"),
        lambda p: write(p, ARTICLE, "---\ntitle: x\n#" + "y" * (MAX_FRONT_MATTER_BYTES - 9) + "\n---\nBody.\n"),
        f"{ARTICLE}:1: the front matter is over 64 KB"),
    Cap("manifest bytes",
        lambda p: write(p, MANIFEST, (p / MANIFEST).read_text() + "#" * (MAX_MANIFEST_BYTES - (p / MANIFEST).stat().st_size - 1) + "\n"),
        lambda p: write(p, MANIFEST, (p / MANIFEST).read_text() + "#" * (MAX_MANIFEST_BYTES - (p / MANIFEST).stat().st_size) + "\n"),
        f"{MANIFEST}: the manifest is over 256 KB"),
    Cap("articles", articles(MAX_ARTICLES), articles(MAX_ARTICLES + 1), f"{MANIFEST}:3: sections: {MAX_ARTICLES + 1} articles"),
    Cap("table cells", body(table(100, MAX_TABLE_CELLS // 100 - 1)),
        body(table(100, MAX_TABLE_CELLS // 100 - 1) + "\n" + table(1, 0)),
        f"{ARTICLE}:106: body: the tables hold over {MAX_TABLE_CELLS:,} cells"),
    Cap("table rows", body(table(1, MAX_TABLE_ROWS)), body(table(1, MAX_TABLE_ROWS + 1)),
        f"{ARTICLE}:4: body: a table of {MAX_TABLE_ROWS + 1} rows"),
    Cap("quotation marks in a paragraph", body(quotes(MAX_BLOCK_QUOTE_MARKS)), body(quotes(MAX_BLOCK_QUOTE_MARKS + 1)),
        f"{ARTICLE}:4: body: {MAX_BLOCK_QUOTE_MARKS + 1:,} quotation marks in one paragraph"),
    Cap("quotation marks in an article",
        body("\n\n".join([quotes(MAX_BLOCK_QUOTE_MARKS)] * (MAX_QUOTE_MARKS // MAX_BLOCK_QUOTE_MARKS))),
        body("\n\n".join([quotes(MAX_BLOCK_QUOTE_MARKS)] * (MAX_QUOTE_MARKS // MAX_BLOCK_QUOTE_MARKS)) + '\n\n"'),
        f"{ARTICLE}:4: body: {MAX_QUOTE_MARKS + 1} quotation marks in one article"),
    Cap("YAML depth in front matter", lambda p: write(p, ARTICLE, f"---\ntitle: x\nimages: {nested(MAX_DEPTH)}\n---\nB.\n"),
        lambda p: write(p, ARTICLE, f"---\ntitle: x\nimages: {nested(MAX_DEPTH + 1)}\n---\nB.\n"),
        f"{ARTICLE}:3: YAML nested more than {MAX_DEPTH} levels deep"),
    Cap("YAML depth in the manifest",
        lambda p: write(p, MANIFEST, (p / MANIFEST).read_text() + f"extra: {nested(MAX_DEPTH)}\n"),
        lambda p: write(p, MANIFEST, (p / MANIFEST).read_text() + f"extra: {nested(MAX_DEPTH + 1)}\n"),
        f"{MANIFEST}:11: YAML nested more than {MAX_DEPTH} levels deep"),
    Cap("YAML depth in paperpress.yaml",
        lambda p: write(p, "paperpress.yaml", (p / "paperpress.yaml").read_text() + f"extra: {nested(MAX_DEPTH)}\n"),
        lambda p: write(p, "paperpress.yaml", (p / "paperpress.yaml").read_text() + f"extra: {nested(MAX_DEPTH + 1)}\n"),
        f"paperpress.yaml:7: YAML nested more than {MAX_DEPTH} levels deep"),  # under the fixture's six lines
    Cap("photo pixels", photo((7500, MAX_PIXELS // 7500)), photo((7500, MAX_PIXELS // 7500 + 1)),
        f"{ARTICLE}:4: images[0].src: 'photos/edge.png' has too many pixels"),
    Cap("photo bytes", photo((40, 30), MAX_FILE_BYTES), photo((40, 30), MAX_FILE_BYTES + 1),
        f"{ARTICLE}:4: images[0].src: 'photos/edge.png' is 40 MB"),
]

#: Where the input at the cap is not clean but still must not be an error: the unknown key is the schema's.
_AT_CAP_OK = {
    "YAML depth in front matter": "images",
    "YAML depth in the manifest": "extra",
    "YAML depth in paperpress.yaml": "extra",
}


def check(pub: Path) -> tuple[int, str]:
    result = CliRunner().invoke(app, ["check", "7", "--root", str(pub)])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.output


@pytest.mark.parametrize("cap", CAPS, ids=[c.name for c in CAPS])
def test_at_the_cap_passes_and_one_over_is_a_located_error(cap: Cap, tmp_path: Path) -> None:
    at = copy_publication(FIXTURES / "minimal", tmp_path / "at")
    cap.at(at)
    status, output = check(at)
    if cap.name in _AT_CAP_OK:
        # Deep YAML at the cap is read; what fails is only the schema, which names the field.
        assert "nested more than" not in output and _AT_CAP_OK[cap.name] in output, output
    else:
        assert status == 0, output

    over = copy_publication(FIXTURES / "minimal", tmp_path / "over")
    cap.over(over)
    status, output = check(over)
    assert status == 1, output
    assert any(line.startswith(cap.says) for line in output.splitlines()), output
    assert "Traceback" not in output
