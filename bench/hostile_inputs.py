"""Hostile publications that stay inside the documented caps (or just past one), for bench_hostile.py.

Each maker writes into a copy of the minimal fixture: it replaces the second article (and adds photos or
articles) and returns nothing. Sizes are chosen to sit at the caps the README documents.
"""

from __future__ import annotations

import io
import os
import shutil
from collections.abc import Callable
from pathlib import Path

from PIL import Image

REPO = Path(__file__).resolve().parent.parent
MINIMAL = REPO / "tests" / "fixtures" / "minimal"
ARTICLE = "issues/issue-7/second.md"
MANIFEST = "issues/issue-7.yaml"
#: An article just under the 512 KB cap (HOSTILE_ARTICLE_KB sets another, e.g. 2048 for the old cap).
MAX_BYTES = int(os.environ.get("HOSTILE_ARTICLE_KB", "512")) * 1024 - 4096


def _write(pub: Path, rel: str, data: str | bytes) -> None:
    path = pub / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data.encode() if isinstance(data, str) else data)


def _article(body: str, front: str = "title: A hostile letter\n") -> str:
    return f"---\n{front}---\n{body}\n"


def _fill(unit: str, budget: int = MAX_BYTES) -> str:
    return unit * (budget // len(unit.encode()))


def large_photo(pub: Path, references: int) -> None:
    """One 38 MB photo of noise (12 megapixels, under both caps), placed `references` times in one article."""
    noise = Image.frombytes("RGB", (3560, 3560), os.urandom(3560 * 3560 * 3))
    buf = io.BytesIO()
    noise.save(buf, "PNG", compress_level=1)
    _write(pub, "issues/issue-7/photos/large.png", buf.getvalue())
    _write(pub, ARTICLE, _article("".join(f"![Noise {i}](photos/large.png)\n\n" for i in range(references))))


def png_bombs(pub: Path, count: int = 4) -> None:
    """`count` PNGs of 59.9 megapixels (just under the 60 megapixel cap) that compress to a few hundred KB."""
    side = 7740
    front = "title: Blank pages\nimages:\n"
    for i in range(count):
        buf = io.BytesIO()
        Image.new("RGBA", (side, side), (200, 30 * i, 40, 128)).save(buf, "PNG", compress_level=9)
        _write(pub, f"issues/issue-7/photos/blank{i}.png", buf.getvalue())
        front += f"  - src: photos/blank{i}.png\n    alt: Blank {i}\n    credit: Desk\n"
    _write(pub, ARTICLE, _article("Nothing to see.", front))


def wide_table(pub: Path, columns: int = 400, rows: int = 600) -> None:
    """A table of 400 × 600 cells (under 512 KB): few rows, so the row cap never sees it."""
    header = "|" + "|".join(f"c{i}" for i in range(columns)) + "|\n"
    rule = "|" + "|".join("-" for _ in range(columns)) + "|\n"
    row = "|" + "|".join("x" for _ in range(columns)) + "|\n"
    _write(pub, ARTICLE, _article(header + rule + row * rows))


def punctuation(unit: str) -> Callable[[Path], None]:
    """An article body that is one run of `unit` (e.g. `![` or `[^`) up to the article cap."""

    def make(pub: Path) -> None:
        _write(pub, ARTICLE, _article(_fill(unit)))

    return make


def quotes_one_paragraph(pub: Path) -> None:
    """19,999 quotation marks in one paragraph, each followed by a word (the quadratic case for smart quotes)."""
    _write(pub, ARTICLE, _article(" ".join(['"a' if i % 2 else "'b" for i in range(19_999)])))


def quotes_at_the_caps(pub: Path) -> None:
    """20,000 quotation marks, 2,000 a paragraph (both caps), each mark before emphasis: smart quotes' worst case."""
    paragraph = " ".join(['"*a*'] * 2_000)
    _write(pub, ARTICLE, _article("\n\n".join([paragraph] * 10)))


def prose(pub: Path) -> None:
    """Ordinary sentences up to the article cap, in paragraphs."""
    _write(pub, ARTICLE, _article(_fill("A plain sentence of an ordinary article about the council budget.\n\n")))


def numbers(pub: Path) -> None:
    """Numbers up to the article cap, 50 to a paragraph: each said as up to 20 words, so the article's
    speech would last days (the audio edition's worst case for what a byte costs)."""
    paragraph = " ".join(f"{i * 7_919_113 % 10**9:,}" for i in range(50)) + "\n\n"
    _write(pub, ARTICLE, _article(_fill(paragraph)))


def hour_of_prose(pub: Path) -> None:
    """Prose just inside the audio edition's 60-minute cap (8,470 words at 165 a minute and a pause after each paragraph):
    the longest article it synthesises, built, not refused."""
    _write(pub, ARTICLE, _article("A plain sentence of an ordinary article about the council budget.\n\n" * 770))


def many_articles(pub: Path, count: int = 501) -> None:
    """One article over the 500-article cap, each with a body of 200 KB, so loading them all would be felt."""
    shutil.rmtree(pub / "issues" / "issue-7")
    body = _fill("A plain sentence of an ordinary article. ", 200_000)
    lines = ["number: 7", "date: 2026-03-06", "sections:", "  - title: News", "    articles:"]
    for i in range(count):
        _write(pub, f"issues/issue-7/a{i}.md", _article(body, f"title: Article {i}\n"))
        lines.append(f"      - issue-7/a{i}.md")
    _write(pub, MANIFEST, "\n".join(lines) + "\n")


def nested_yaml(pub: Path, depth: int = 5000) -> None:
    """Front matter nested `depth` lists deep."""
    _write(pub, ARTICLE, _article("Body.", "title: Deep\nextra: " + "[" * depth + "]" * depth + "\n"))


CASES: dict[str, Callable[[Path], None]] = {
    "large photo x40": lambda pub: large_photo(pub, 40),
    "4 PNG bombs": png_bombs,
    "wide table": wide_table,
    "run of ![": punctuation("!["),
    "run of [^": punctuation("[^"),
    "run of [": punctuation("["),
    "quotes in one paragraph": quotes_one_paragraph,
    "quotes at the caps": quotes_at_the_caps,
    "prose at the cap": prose,
    "numbers at the cap": numbers,
    "an hour of prose": hour_of_prose,
    "501 articles": many_articles,
    "YAML 5000 deep": nested_yaml,
}


def make_case(name: str, folder: Path) -> Path:
    """A fresh publication in `folder` holding the hostile input `name`."""
    shutil.copytree(MINIMAL, folder)
    CASES[name](folder)
    return folder


if __name__ == "__main__":  # python hostile_inputs.py CASE FOLDER: makes one case in a process of its own
    import sys

    make_case(sys.argv[1], Path(sys.argv[2]))
