"""Hostile and broken publications: each is refused with a clear message, or rendered harmless.

Every case runs a real build of every registered edition against a copy of the minimal fixture, while a
listener on a loopback port (which the hostile content points at) counts connection attempts. For each
case we check the exit status, that the message names the file (and line where there is one), that no
traceback is shown, that nothing outside dist/ changes, that a failed build leaves the previous editions
intact, and that nothing tried to reach the network.
"""

from __future__ import annotations

import io
import socket
import threading
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from lxml import html
from PIL import Image
from typer.testing import CliRunner

from paperpress.cli import app
from paperpress.config import DEFAULT_EDITIONS
from paperpress.names import SEARCH_NAME, SEARCH_SCRIPT
from paperpress.templates import CACHE_FOLDER
from tests.support import FIXTURES, copy_publication

ARTICLE = "issues/issue-7/second.md"
FIRST = "issues/issue-7/first.md"
MANIFEST = "issues/issue-7.yaml"


class Listener:
    """A loopback TCP server that only counts who connects."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.connections = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except OSError:
                continue
            self.connections += 1
            conn.close()

    def close(self) -> None:
        self._stop.set()
        self._thread.join()
        self.sock.close()


@pytest.fixture(scope="module")
def listener():
    server = Listener()
    yield server
    server.close()


def write(pub: Path, rel: str, text: str | bytes) -> None:
    path = pub / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text.encode() if isinstance(text, str) else text)


def article(body: str, front: str = "title: A hostile letter\n") -> str:
    return f"---\n{front}---\n{body}\n"


def photo_article(src: str) -> str:
    return article("Body.", f"title: A photo\nimages:\n  - src: {src}\n    alt: Something\n    credit: Desk\n")


def png(mode: str, size=(40, 30)) -> bytes:
    buf = io.BytesIO()
    Image.new(mode, size).save(buf, "PNG")
    return buf.getvalue()


def bomb_png() -> bytes:
    """A small, well-formed PNG header that claims 100,000 × 100,000 pixels."""
    buf = io.BytesIO()
    Image.new("1", (64, 64)).save(buf, "PNG")
    data = bytearray(buf.getvalue())
    data[16:24] = (100000).to_bytes(4, "big") * 2  # width and height in the IHDR chunk
    data[29:33] = zlib.crc32(bytes(data[12:29])).to_bytes(4, "big")  # keep the chunk's checksum valid
    return bytes(data)


@dataclass(frozen=True)
class Case:
    name: str
    setup: Callable[[Path, int, Path], None]  # (publication, listener port, a folder outside it)
    exit: int
    says: tuple[str, ...]  # fragments the report must contain, starting with the file (and line)


def _symlink(rel: str, target_name: str) -> Callable[[Path, int, Path], None]:
    def setup(pub: Path, port: int, outside: Path) -> None:
        secret = outside / target_name
        secret.write_bytes((FIXTURES / "minimal" / ("issues/issue-7/photos/square.png" if target_name.endswith(".png") else ARTICLE)).read_bytes())
        link = pub / rel
        link.unlink()
        link.symlink_to(secret)

    return setup


def _moved_out(rel: str) -> Callable[[Path, int, Path], None]:
    """Moves an editor's file outside the publication and leaves a symbolic link to it in its place."""

    def setup(pub: Path, port: int, outside: Path) -> None:
        link = pub / rel
        moved = outside / link.name
        if link.exists():
            link.rename(moved)
        else:  # a font: the publication has none of its own
            import font_source_sans_pro

            moved.write_bytes(Path(font_source_sans_pro.font_files_ttf["SourceSansPro"]).read_bytes())
            link.parent.mkdir(parents=True, exist_ok=True)
        link.symlink_to(moved)

    return setup


CASES = [
    Case("symlinked-manifest", _moved_out(MANIFEST), 1,
         (f"{MANIFEST}: '{MANIFEST}' leads outside the publication (a symbolic link)",)),
    Case("symlinked-config", _moved_out("paperpress.yaml"), 1,
         ("paperpress.yaml: 'paperpress.yaml' leads outside the publication (a symbolic link)",)),
    Case("symlinked-font", _moved_out("fonts/Outside.ttf"), 1,
         ("fonts/Outside.ttf: 'fonts/Outside.ttf' leads outside the publication (a symbolic link)",)),
    Case("remote-photo", lambda p, port, o: write(p, ARTICLE, photo_article(f"http://127.0.0.1:{port}/x.jpg")), 1,
         (f"{ARTICLE}:4: images[0].src: 'http://127.0.0.1:", "is a URL; paperpress never fetches")),
    Case("remote-photo-in-body", lambda p, port, o: write(p, ARTICLE, article(f"![alt](http://127.0.0.1:{port}/y.png)")), 1,
         (f"{ARTICLE}:4: body: 'http://127.0.0.1:", "is a URL")),
    Case("file-url-photo", lambda p, port, o: write(p, ARTICLE, photo_article(f"file://{o}/x.png")), 1,
         (f"{ARTICLE}:4: images[0].src: 'file://", "is a URL")),
    Case("data-url-photo", lambda p, port, o: write(p, ARTICLE, photo_article("data:image/png;base64,iVBORw0KGgo=")), 1,
         (f"{ARTICLE}:4: images[0].src: 'data:image/png", "is a URL")),
    Case("dotdot-photo", lambda p, port, o: write(p, ARTICLE, photo_article("../../../../secret.png")), 1,
         (f"{ARTICLE}:4: images[0].src: '../../../../secret.png' is outside the publication",)),
    Case("symlinked-article", _symlink(ARTICLE, "secret.md"), 1,
         (f"{MANIFEST}:10: sections[1].articles[0]: 'issue-7/second.md' leads outside the publication",)),
    Case("symlinked-photo", _symlink("issues/issue-7/photos/square.png", "secret.png"), 1,
         (f"{FIRST}:6: images[0].src: 'photos/square.png' leads outside the publication",)),
    Case("absolute-article", lambda p, port, o: write(p, MANIFEST, (p / MANIFEST).read_text().replace("issue-7/second.md", str(o / "x.md"))), 1,
         (f"{MANIFEST}:10: sections[1].articles[0]:", "is an absolute path")),
    Case("javascript-link", lambda p, port, o: write(p, ARTICLE, article("[click](javascript:alert(document.cookie))")), 1,
         (f"{ARTICLE}:4: body: link to 'javascript:alert(document.cookie)' is not allowed",)),
    Case("data-link", lambda p, port, o: write(p, ARTICLE, article("[x](data:text/html;base64,PHNjcmlwdD4=)")), 1,
         (f"{ARTICLE}:4: body: link to 'data:text/html;base64,PHNjcmlwdD4=' is not allowed",)),
    Case("vbscript-link-in-reference", lambda p, port, o: write(p, ARTICLE, article("[x][r]\n\n[r]: vbscript:msgbox")), 1,
         (f"{ARTICLE}:4: body: link to 'vbscript:msgbox' is not allowed",)),
    Case("alias-bomb", lambda p, port, o: write(p, MANIFEST, "a: &a [x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a]\nc: [*b, *b, *b, *b, *b, *b, *b, *b]\n"), 1,
         (f"{MANIFEST}:1: YAML syntax: anchors and aliases",)),
    Case("alias-in-front-matter", lambda p, port, o: write(p, ARTICLE, article("Body.", "title: &t x\nbyline: *t\n")), 1,
         (f"{ARTICLE}:2: YAML syntax: anchors and aliases",)),
    Case("python-tag-in-yaml", lambda p, port, o: write(p, MANIFEST, "!!python/object/apply:os.system ['true']\n"), 1,
         (f"{MANIFEST}:1: the manifest must be a mapping of keys to values",)),
    Case("wrong-type-sections", lambda p, port, o: write(p, MANIFEST, "number: 7\ndate: 2026-03-06\nsections: 5\n"), 1,
         (f"{MANIFEST}:3: sections: expected a list, found '5'",)),
    Case("huge-manifest", lambda p, port, o: write(p, MANIFEST, (p / MANIFEST).read_text() + "#" * 300_000 + "\n"), 1,
         (f"{MANIFEST}: the manifest is over 256 KB",)),
    Case("huge-article", lambda p, port, o: write(p, ARTICLE, article("word " * 500_000)), 1,
         (f"{ARTICLE}: the article is", "articles must be under 512 KB")),
    Case("huge-front-matter", lambda p, port, o: write(p, ARTICLE, article("Body.", "title: x\n#" + "y" * 70_000 + "\n")), 1,
         (f"{ARTICLE}:1: the front matter is over 64 KB",)),
    Case("three-thousand-row-table", lambda p, port, o: write(p, ARTICLE, article("|a|\n|-|\n" + "|1|\n" * 3_000)), 1,
         (f"{ARTICLE}:4: body: a table of 3000 rows",)),
    Case("half-a-megabyte-of-quotes", lambda p, port, o: write(p, ARTICLE, article('"\'' * 250_000)), 1,
         (f"{ARTICLE}:4: body: 500000 quotation marks in one article",)),
    Case("svg-with-script", lambda p, port, o: (write(p, "issues/issue-7/photos/x.svg", f'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script><image href="http://127.0.0.1:{port}/z"/></svg>'), write(p, ARTICLE, photo_article("photos/x.svg"))), 1,
         (f"{ARTICLE}:4: images[0].src: 'photos/x.svg' is not an image paperpress can read",)),
    Case("decompression-bomb", lambda p, port, o: (write(p, "issues/issue-7/photos/bomb.png", bomb_png()), write(p, ARTICLE, photo_article("photos/bomb.png"))), 1,
         (f"{ARTICLE}:4: images[0].src: 'photos/bomb.png' has too many pixels",)),
    Case("jpeg-named-png-truncated", lambda p, port, o: (write(p, "issues/issue-7/photos/t.png", (FIXTURES / "broken/truncated-photo/files/issues/issue-7/photos/square.png").read_bytes()), write(p, ARTICLE, photo_article("photos/t.png"))), 1,
         (f"{ARTICLE}:4: images[0].src: 'photos/t.png' is damaged",)),
    Case("non-utf8-manifest", lambda p, port, o: write(p, MANIFEST, (p / MANIFEST).read_text().replace("A small issue", "Caf\xe9").encode("latin-1")), 1,
         (f"{MANIFEST}: not UTF-8 text",)),
    Case("article-is-a-folder", lambda p, port, o: ((p / ARTICLE).unlink(), (p / ARTICLE).mkdir()), 1,
         (f"{MANIFEST}:10: sections[1].articles[0]: 'issue-7/second.md' is not a file",)),
    Case("hundred-thousand-nested-quotes", lambda p, port, o: write(p, ARTICLE, article(">" * 100_000 + " deep")), 1,
         (f"{ARTICLE}:4: body: quotes or lists nested more than 20 levels deep",)),
    Case("too-many-articles", lambda p, port, o: write(p, MANIFEST, "number: 7\ndate: 2026-03-06\nsections:\n  - title: All\n    articles:\n" + "".join(f"      - issue-7/n{i}.md\n" for i in range(501))) or [write(p, f"issues/issue-7/n{i}.md", article("x")) for i in range(501)], 1,
         (f"{MANIFEST}:3: sections: 501 articles in one issue",)),
]

#: Cases that must build, with what each edition must (not) contain.
HARMLESS = {
    "raw-html-and-scripts": article(
        '<script>alert(1)</script>\n\n<img src="http://127.0.0.1:PORT/p.png" onerror="alert(2)">\n\n'
        '<a href="#" onclick="steal()">click</a> and <iframe src="http://127.0.0.1:PORT/"></iframe>'
    ),
    "jinja-in-article": article("Total: {{ 7*7 }} {% include 'x' %} {{ config.__class__ }}", "title: '{{ 7*7 }} ways'\n"),
    "yaml-1.1-words-stay-words": article("Body.", "title: no\nbyline: 1984\nstandfirst: 'on'\n"),
    "nested-quotes-at-the-limit": article(">" * 20 + " deep"),
    "bom-and-crlf": "\ufeff---\r\ntitle: Windows letter\r\n---\r\nBody from Windows.\r\n",
    "character-references": article("Body&#12;text and &#10;more.", 'title: "Head&#12;line&#10;two"\n'),
}


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file, but the compiled layouts: made from the layouts alone, never from the copy under test."""
    return {
        str(p.relative_to(folder)): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and not p.is_symlink() and CACHE_FOLDER not in p.relative_to(folder).parts
    }


def outputs(pub: Path) -> dict[str, bytes]:
    """Every file of every edition, EPUB members unpacked, as text-searchable bytes."""
    found: dict[str, bytes] = {}
    for path in sorted((pub / "dist").rglob("*")):
        if path.suffix == ".epub":
            with zipfile.ZipFile(path) as epub:
                for name in epub.namelist():
                    found[f"{path.name}!{name}"] = epub.read(name)
        elif path.is_file():  # the web edition's pages by their path in web/, the other files by name
            parts = path.relative_to(pub / "dist").parts
            found["/".join(parts[1:]) if len(parts) > 2 else path.name] = path.read_bytes()
    return found


def live_markup(data: bytes) -> list[str]:
    """Scripts, frames, event handlers and script URLs in an (X)HTML document (JSON-LD is data, never run)."""
    from lxml import etree, html

    try:
        tree = etree.fromstring(data)
    except etree.XMLSyntaxError:
        tree = html.fromstring(data)
    found = []
    for element in tree.iter():
        tag = etree.QName(element).localname.lower() if isinstance(element.tag, str) else ""
        if tag in ("script", "iframe", "object", "embed") and not (tag == "script" and element.get("type") == "application/ld+json"):
            found.append(tag)
        for attr, value in element.attrib.items():
            name = attr.split("}")[-1].lower()
            if name.startswith("on") or value.strip().lower().startswith(("javascript:", "data:text")):
                found.append(f"{tag}@{name}")
    return found


def run_build(pub: Path):
    return CliRunner().invoke(app, ["build", "7", "--root", str(pub)])


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_hostile_input_is_refused_clearly(case: Case, tmp_path: Path, listener: Listener) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    pub = copy_publication(FIXTURES / "minimal", tmp_path / "pub")
    previous = pub / "dist" / "issue-7" / "issue-7.txt"
    previous.parent.mkdir(parents=True)
    previous.write_bytes(b"previous edition\n")
    case.setup(pub, listener.port, outside)
    before, before_outside = snapshot(pub), snapshot(outside)

    result = run_build(pub)

    assert result.exit_code == case.exit, result.output
    assert "Traceback" not in result.output, result.output
    # A refusal ends in typer.Exit (a SystemExit); any other exception escaped the CLI, which is a bug.
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    for fragment in case.says:
        assert fragment in result.stderr, f"{fragment!r} not in:\n{result.stderr}"
    assert result.stderr.splitlines()[-1].endswith("nothing was written.")
    assert snapshot(pub) == before and snapshot(outside) == before_outside
    assert listener.connections == 0


@pytest.mark.slow  # every edition, the PDF included
@pytest.mark.parametrize("name", sorted(HARMLESS))
def test_hostile_text_builds_harmlessly_in_every_edition(name: str, tmp_path: Path, listener: Listener) -> None:
    pub = copy_publication(FIXTURES / "minimal", tmp_path / "pub")
    write(pub, ARTICLE, HARMLESS[name].replace("PORT", str(listener.port)))
    result = run_build(pub)
    assert result.exit_code == 0, result.output
    assert listener.connections == 0
    built = outputs(pub)
    editions = {p.split("!")[0].rsplit(".", 1)[1] for p in built if p.startswith("issue-7.")}
    editions |= {p.split("/")[0] for p in built if p.startswith("web/")}
    assert editions == set(DEFAULT_EDITIONS)  # every default edition (audio: tests/editions/audio/test_edition.py)
    for member, data in built.items():
        if member == SEARCH_NAME:  # the catalog's one page with a script: its own file, and no other markup live
            assert live_markup(data) == ["script"], member
            assert [s.get("src") for s in html.fromstring(data).iter("script")] == [SEARCH_SCRIPT]
        elif member.endswith((".xhtml", ".html")):
            assert live_markup(data) == [], member
        if member.endswith(".pdf"):
            assert b"/JavaScript" not in data and b"/JS " not in data and b"/Launch" not in data
    text = built["issue-7.txt"].decode()
    if name == "jinja-in-article":
        assert "{{ 7*7 }} ways" in text and "Total: {{ 7*7 }} {% include \u2018x\u2019 %}" in text
        assert "49" not in text
    if name == "raw-html-and-scripts":
        assert "<script>alert(1)</script>" in text  # shown to the reader as the words it is
        assert b"&lt;script&gt;alert(1)&lt;/script&gt;" in built["web/letters/second.html"]
    if name == "yaml-1.1-words-stay-words":
        assert "\nno\n\n  on\n\n1984\n" in text  # headline, standfirst, byline
    if name == "nested-quotes-at-the-limit":
        assert "deep" in text
    if name == "bom-and-crlf":
        assert "Windows letter" in text and "\r" not in text
    if name == "character-references":  # every edition built (the PDF's fonts had no glyph for a form feed)
        assert "Head line two" in text and "Body text and more." in " ".join(text.split())
        assert "\x0c" not in text
