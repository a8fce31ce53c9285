"""Property-based (issue 26): whatever Unicode an editor puts in any text field, every XML file paperpress
writes parses, the playlist holds one entry per article, and no edition holds a character its format forbids.

Each example is a real build of the minimal publication (text, EPUB and audio editions, and the catalog with
its Atom, OPDS, sitemap and podcast feeds), with a stand-in voice that answers silence at once, so the audio
edition's playlist, chapters and tags are made without the cost of speech. Text the fonts can draw, with
control characters, references to them, line breaks and markup among it, is always built; any Unicode at
all is built or refused with a located content error. A build never raises, and never writes a file a
parser rejects.
"""

from __future__ import annotations

import json
import tempfile
import zipfile
from collections.abc import Iterator
from pathlib import Path
from unittest import mock

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree
from typer.testing import CliRunner

from paperpress.characters import has_forbidden
from paperpress.cli import app
from tests.support import FIXTURES, copy_publication

ARTICLE = "issues/issue-7/second.md"
#: What a hostile editor reaches for: references to characters no text may hold, line breaks, escapes.
TRICKS = st.sampled_from(
    ["&#12;", "&#10;", "&#13;", "&#9;", "&#xC;", "&#x0A;", "&#x2028;", "\u2028", "\u2029",
     "\x0c", "\x0b", "\x85", "\x00", "\ufffe", "\U0010ffff", "\r", "\n", "]]>", "<![CDATA[", "&amp;", "&", "<", '"',
     "#EXTINF:1,x", "--", "\ufeff", "\u202e", "\t"]
)
#: Latin text with every C0 and C1 control character among it: what the fonts draw, and what they need not.
LATIN = st.text(st.characters(max_codepoint=0x17F), max_size=12)
TEXT = st.lists(st.one_of(LATIN, TRICKS), max_size=6).map("".join)


class Silent:
    """A voice that says nothing, at once: a twentieth of a second of silence a word."""

    sample_rate = 22050

    def identity(self) -> str:
        return "silent"

    def stream(self, text: str) -> Iterator[bytes]:
        yield bytes(2 * (self.sample_rate // 20) * max(1, len(text.split())))

    def synthesise(self, text: str) -> bytes:
        return b"".join(self.stream(text))


@st.composite
def fields(draw: st.DrawFn, text: st.SearchStrategy[str]) -> dict[str, str]:
    names = ("title", "byline", "standfirst", "alt", "caption", "credit", "body", "section", "cover_line")
    return {name: draw(text) for name in names}


def publication(folder: Path, drawn: dict[str, str]) -> Path:
    pub = copy_publication(FIXTURES / "minimal", folder / "pub")
    config = pub / "paperpress.yaml"
    config.write_text(config.read_text() + "website: https://example.org/bulletin/\n")
    front = {
        "title": "T" + drawn["title"],
        "byline": drawn["byline"],
        "standfirst": drawn["standfirst"],
        "images": [{"src": "photos/square.png", "alt": "A" + drawn["alt"], "caption": drawn["caption"],
                    "credit": drawn["credit"]}],
    }
    (pub / "issues/issue-7/photos").mkdir(exist_ok=True)
    (pub / "issues/issue-7/photos/square.png").write_bytes((FIXTURES / "minimal/issues/issue-7/photos/square.png").read_bytes())
    dumped = yaml.safe_dump(front, allow_unicode=True, default_style='"', width=10_000)
    (pub / ARTICLE).write_text(f"---\n{dumped}---\n{drawn['body']}\n", encoding="utf-8", newline="")
    manifest = {"number": 7, "date": "2026-03-06", "title": "C" + drawn["cover_line"],
                "sections": [{"title": "News", "articles": ["issue-7/first.md"]},
                             {"title": "S" + drawn["section"], "articles": ["issue-7/second.md"]}]}
    (pub / "issues/issue-7.yaml").write_text(yaml.safe_dump(manifest, allow_unicode=True, default_style='"', width=10_000),
                                           encoding="utf-8", newline="")
    return pub


def xml_files(dist: Path) -> dict[str, bytes]:
    found = {p.name: p.read_bytes() for p in dist.glob("*.xml")}
    for epub in dist.rglob("*.epub"):
        with zipfile.ZipFile(epub) as zf:
            found |= {f"{epub.name}!{n}": zf.read(n) for n in zf.namelist()
                      if n.endswith((".xml", ".opf", ".ncx", ".xhtml", ".smil"))}
    return found


COMMON = {"deadline": None, "derandomize": True, "suppress_health_check": [HealthCheck.too_slow]}


@settings(max_examples=60, **COMMON)  # type: ignore[arg-type]
@given(fields(TEXT))
def test_every_xml_file_parses_and_the_playlist_has_one_entry_per_article(drawn: dict[str, str]) -> None:
    assert build_and_check(drawn), "drawable text, whatever it holds besides, is built"


@settings(max_examples=15, **COMMON)  # type: ignore[arg-type]
@given(fields(st.text(max_size=8)))
def test_any_unicode_at_all_is_built_or_refused_at_its_line_never_a_crash(drawn: dict[str, str]) -> None:
    """Most of it the fonts cannot draw, so the issue is refused: with a located reason, never a traceback."""
    build_and_check(drawn)


def build_and_check(drawn: dict[str, str]) -> bool:
    """Builds the issue; checks what it wrote if it was built (True), and how it said no if not (False)."""
    with tempfile.TemporaryDirectory() as tmp, mock.patch("paperpress.editions.speech.sound.make_voice", lambda *a: Silent()):
        pub = publication(Path(tmp), drawn)
        result = CliRunner().invoke(app, ["build", "7", "--root", str(pub), "-j", "1", "-f", "txt", "-f", "epub", "-f", "audio"])
        assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
        if result.exit_code != 0:  # refused (an empty headline, say): with a located reason, and nothing written
            assert result.exit_code == 1 and result.stderr.startswith("issues/"), result.output
            assert not (pub / "dist/issue-7").exists()
            return False
        dist = pub / "dist"
        found = xml_files(dist)
        assert {"feed.xml", "opds.xml", "sitemap.xml", "podcast.xml", "issue-7.epub!EPUB/content.opf"} <= set(found)
        for name, data in found.items():
            try:
                etree.fromstring(data, etree.XMLParser(resolve_entities=False, no_network=True))
            except etree.XMLSyntaxError as err:
                raise AssertionError(f"{name} is not well-formed: {err}") from None
        assert not has_forbidden((dist / "issue-7/issue-7.txt").read_text(encoding="utf-8"))
        audio = dist / "issue-7/audio"
        playlist = (audio / "issue-7.m3u").read_text(encoding="utf-8").split("\n")
        assert [line for line in playlist if line and not line.startswith("#")] == [
            "issue-7-01-first.mp3", "issue-7-02-second.mp3"
        ]
        assert sum(line.startswith("#EXTINF:") for line in playlist) == 2
        chapters = json.loads((audio / "issue-7.chapters.json").read_text(encoding="utf-8"))["chapters"]
        assert all(not has_forbidden(c["title"]) and "\n" not in c["title"] for c in chapters)
        return True
