"""Character references and escapes that decode to characters no edition may hold (issue 26, findings 1 and 2).

The file's own cleaning sees `&#12;` as five harmless characters; markdown-it decodes it. The loader cleans
each string once parsed, so a form feed never reaches an XML file and a `&#10;` never splits a single-line
field: `check` warns at the line, and every edition is well-formed.
"""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest
from lxml import etree
from typer.testing import CliRunner

from paperpress.cli import app
from paperpress.templates import Layouts
from tests.support import FIXTURES, copy_publication, require_tool

ARTICLE = "issues/issue-7/second.md"

#: field → (the article with `&#12;` in it, the line the warning names)
FIELDS = {
    "title": ('---\ntitle: "A&#12;B"\n---\nBody.\n', 2),
    "byline": ("---\ntitle: T\nbyline: A&#12;B\n---\nBody.\n", 3),
    "standfirst": ("---\ntitle: T\nstandfirst: A&#12;B\n---\nBody.\n", 3),
    "images[0].alt": ("---\ntitle: T\nimages:\n  - src: photos/square.png\n    alt: A&#12;B\n    credit: C\n---\nBody.\n", 5),
    "images[0].caption": ("---\ntitle: T\nimages:\n  - src: photos/square.png\n    alt: A\n    caption: A&#12;B\n"
                          "    credit: C\n---\nBody.\n", 6),
    "images[0].credit": ("---\ntitle: T\nimages:\n  - src: photos/square.png\n    alt: A\n    credit: A&#12;B\n---\nBody.\n", 6),
    "body": ("---\ntitle: T\n---\nBody.\n\nA&#12;B and `c&#12;` and ![A&#12;B](photos/square.png)\n", 6),
}


def publication(tmp_path: Path, article: str) -> Path:
    pub = copy_publication(FIXTURES / "minimal", tmp_path / "pub")
    (pub / ARTICLE).write_text(article)
    return pub


def build(pub: Path, *formats: str) -> str:
    args = ["build", "7", "--root", str(pub), "-j", "1"] + [f"-f{f}" for f in formats]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    return result.stderr


def xml_outputs(dist: Path) -> dict[str, bytes]:
    """Every XML file paperpress wrote: the catalog's feeds and every XML member of each EPUB."""
    found = {p.name: p.read_bytes() for p in dist.glob("*.xml")}
    for epub in dist.rglob("*.epub"):
        with zipfile.ZipFile(epub) as zf:
            found |= {f"{epub.name}!{n}": zf.read(n) for n in zf.namelist() if n.endswith((".xml", ".opf", ".ncx", ".xhtml", ".smil"))}
    return found


def assert_well_formed(outputs: dict[str, bytes]) -> None:
    for name, data in outputs.items():
        try:
            etree.fromstring(data, etree.XMLParser(resolve_entities=False, no_network=True))
        except etree.XMLSyntaxError as err:
            pytest.fail(f"{name} is not well-formed: {err}")


@pytest.mark.parametrize("field", sorted(FIELDS))
def test_a_form_feed_reference_is_taken_out_with_a_warning_and_every_xml_file_parses(field: str, tmp_path: Path) -> None:
    article, line = FIELDS[field]
    pub = publication(tmp_path, article)

    report = build(pub, "txt", "epub")

    where = f"{ARTICLE}:{line}: warning: {field}: removed"
    assert where in report, report
    outputs = xml_outputs(pub / "dist")
    assert {"feed.xml", "opds.xml", "issue-7.epub!EPUB/content.opf", "issue-7.epub!EPUB/toc.ncx"} <= set(outputs)
    assert_well_formed(outputs)
    assert not any(b"\x0c" in data for data in outputs.values())
    assert "\x0c" not in (pub / "dist/issue-7/issue-7.txt").read_text()
    strict = CliRunner().invoke(app, ["check", "7", "--root", str(pub), "--strict"])
    assert strict.exit_code == 1 and where in strict.stderr


def test_a_new_line_reference_leaves_a_headline_on_one_line_in_the_text_edition(tmp_path: Path) -> None:
    pub = publication(tmp_path, '---\ntitle: "Line one&#10;#EXTINF:1,forged&#10;http://example.net/x.mp3"\n---\nBody.\n')
    build(pub, "txt")
    text = (pub / "dist/issue-7/issue-7.txt").read_text()
    headline = "Line one #EXTINF:1,forged http://example.net/x.mp3"
    assert headline in text
    assert not any(line.startswith(("#EXTINF", "http://example.net")) for line in text.splitlines())


def test_a_new_line_reference_forges_no_playlist_entry_nor_a_chapter_title(tmp_path: Path) -> None:
    require_tool("espeak-ng")
    pub = publication(tmp_path, '---\ntitle: "Line one&#10;#EXTINF:1,forged&#10;http://example.net/x.mp3"\n---\nBody.\n')
    build(pub, "audio")
    audio = pub / "dist/issue-7/audio"
    playlist = (audio / "issue-7.m3u").read_text().splitlines()
    assert sum(line.startswith("#EXTINF") for line in playlist) == 2  # one per article
    assert not any(line.startswith("http") for line in playlist)
    titles = [c["title"] for c in json.loads((audio / "issue-7.chapters.json").read_text())["chapters"]]
    assert "Line one #EXTINF:1,forged http://example.net/x.mp3" in titles
    assert not any("\n" in title for title in titles)
    assert b"Line one\n" not in (audio / "issue-7.mp3").read_bytes()


def test_a_writer_refuses_a_forbidden_character_that_reached_it_anyway() -> None:
    """The loader cleans every string; if a bug let one through, the build stops instead of writing a broken file."""
    from paperpress.characters import refuse_forbidden
    from paperpress.editions.audio.edition import _one_line as audio_line

    layouts = Layouts.for_publication(None)
    with pytest.raises(ValueError, match="U\\+000C"):
        layouts.render("html", "catalog/sitemap.xml", {"urls": [("a\x0cb", None)], "link": str})
    with pytest.raises(ValueError, match="U\\+0007"):
        refuse_forbidden("a\x07b", "a test")
    assert refuse_forbidden("a\tb\nc", "a test") == "a\tb\nc"
    with pytest.raises(ValueError, match="line break"):
        audio_line("#EXTINF:1,a\nhttp://example.net/x.mp3", "a playlist entry")


def test_a_headline_or_alt_text_of_nothing_but_references_is_refused_at_its_line(tmp_path: Path) -> None:
    pub = publication(tmp_path, '---\ntitle: "&#12;&#10;"\nimages:\n  - src: photos/square.png\n    alt: "&#13;"\n'
                                "    credit: C\n---\nBody.\n")
    result = CliRunner().invoke(app, ["check", "7", "--root", str(pub)])
    assert result.exit_code == 1
    assert result.stderr.splitlines()[:2] == [
        f"{ARTICLE}:2: title: the headline has no visible words (write the headline)",
        f"{ARTICLE}:5: images[0].alt: the alt text has no visible words (describe the photo for readers who cannot see it)",
    ]
