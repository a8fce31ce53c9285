"""Test doubles for build plumbing: editions that return known bytes, and a small archive to build them from."""

from __future__ import annotations

import atexit
import dataclasses
import functools
import gc
import hashlib
import os
import shutil
import signal
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, ClassVar

import pytest

from paperpress.build import build_archive
from paperpress.editions.base import BuildInfo, Edition, Output
from paperpress.editions.site import share_photo, site_map
from paperpress.errors import PaperpressError, Problem
from paperpress.model import Issue
from paperpress.model.walk import images
from paperpress.options import BuildOptions
from paperpress.registry import EDITIONS, WEB, EditionSpec
from paperpress.run import issue as issue_module
from paperpress.run.issue import OpenPublication, open_publication
from paperpress.templates import Layouts
from tests.support import FIXTURES, copy_publication


def _spec(name: str, cls: str, **more: Any) -> EditionSpec:
    """A test edition's description: made as `{issue}.<name>`, from the shared layouts only."""
    return EditionSpec(name, name.upper(), f"the {name} edition", f"application/x-{name}", f"{{issue}}.{name}",
                       f"tests.fakes:{cls}", name, **more)


FAKE = _spec("fake", "FakeEdition")
FAKE_WEB = dataclasses.replace(
    WEB, media_type="text/html; charset=utf-8", edition="tests.fakes:FakeWebEdition"
)
SLOW = _spec("slow", "SlowEdition")
STUCK = _spec("stuck", "StuckEdition")
PACED = _spec("paced", "PacedEdition")
SNAG = _spec("snag", "SnagEdition")
HEAVY = _spec("heavy", "HeavyEdition", heavy=True, preload=("json",))  # json: what a sidecar started ahead imports
LEAN = _spec("lean", "LeanEdition", heavy=True)
#: A download that plays (as the audio edition's MP3), and an edition whose pages give its length (as the web's).
TIMED = dataclasses.replace(_spec("timed", "TimedEdition"), media_type="audio/mpeg")
LISTING = _spec("listing", "ListingEdition", follows=("timed",))
#: The registry a test passes to a build: the real editions and the fakes that finish (so "every edition" ends).
WITH_FAKES = {**EDITIONS, "fake": FAKE, "slow": SLOW, "heavy": HEAVY}
#: The same with a stand-in for the web edition, for tests of what the catalog makes of one.
WITH_FAKE_WEB = {**WITH_FAKES, "web": FAKE_WEB}
#: The fakes with a follower, the follower first as the web edition is in the real registry.
WITH_FOLLOWER = {**WITH_FAKES, "listing": LISTING, "timed": TIMED}


class FakeEdition(Edition):
    """Known bytes from the issue: its name, articles, timestamp and options. A cover line 'crash' is a bug."""

    spec = FAKE

    def render(self, issue: Issue, layouts: Layouts, info: BuildInfo) -> list[Output]:
        return [self.main(issue, self.known(issue, info))]

    def known(self, issue: Issue, info: BuildInfo) -> bytes:
        if issue.cover_line == "crash":
            raise RuntimeError("the fake edition has a bug")
        lines = [issue.name, info.timestamp.isoformat(), repr(sorted(info.options.items()))]
        lines += [f"{a.title}: {len(images(a))} images" for a in issue.articles]
        return ("\n".join(lines) + "\n").encode()


class FakeWebEdition(FakeEdition):
    """The web edition as the catalog sees it: a small valid page wherever editions/site.py puts one, the front
    page first, and each lead photo's shared variant; recorded as kind "web" and its companions."""

    spec = FAKE_WEB

    def render(self, issue: Issue, layouts: Layouts, info: BuildInfo) -> list[Output]:
        pages = [
            Output(path, self.spec.media_type, _page(f"{issue.name}: {path}").encode()) for path in site_map(issue).pages
        ]
        photos = [
            Output(share_photo(a.lead_image), "image/jpeg", f"the photo of {a.title}".encode())
            for a in issue.articles if a.lead_image
        ]
        return pages + photos


class TimedEdition(FakeEdition):
    """An MP3's tag that says the issue lasts a minute per article, and then the issue's cover line as "sound"."""

    spec = TIMED

    def known(self, issue: Issue, info: BuildInfo) -> bytes:
        return timed_mp3(str(60_000 * len(issue.articles))) + (issue.cover_line or "").encode()


class ListingEdition(FakeEdition):
    """What a page listing the issue's other editions would be told of them: BuildInfo.lengths."""

    spec = LISTING

    def known(self, issue: Issue, info: BuildInfo) -> bytes:
        return repr(sorted((name, tuple(length)) for name, length in info.lengths.items())).encode()


def _page(title: str) -> str:
    return (f'<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n<title>{title}</title>\n</head>\n'
            f"<body>\n<main><h1>{title}</h1></main>\n</body>\n</html>\n")


#: The issue whose slow edition never finishes, when this is set in the environment: a build that cannot end
#: before a test kills it.
HOLD_ISSUE = "PAPERPRESS_TEST_HOLD_ISSUE"


class SlowEdition(FakeEdition):
    """Tens of megabytes after a short pause: writing takes most of a build, so a kill often lands mid-write.

    The issue named by $PAPERPRESS_TEST_HOLD_ISSUE is never finished, so a kill lands while the build runs.
    """

    spec = SLOW

    def known(self, issue: Issue, info: BuildInfo) -> bytes:
        if issue.name == os.environ.get(HOLD_ISSUE):
            threading.Event().wait()
        time.sleep(0.05)
        seed = hashlib.sha256(super().known(issue, info)).digest()
        return seed * (24 * 1024 * 1024 // len(seed))


class StuckEdition(FakeEdition):
    """Never finishes (a render caught in a loop): only a time limit ends it."""

    spec = STUCK

    def known(self, issue: Issue, info: BuildInfo) -> bytes:
        threading.Event().wait()
        raise AssertionError("unreachable")


class SnagEdition(FakeEdition):
    """Stuck on an issue titled 'stuck' (one pathological issue in an archive), the fake's bytes for the others."""

    spec = SNAG

    def known(self, issue: Issue, info: BuildInfo) -> bytes:
        if issue.cover_line == "stuck":
            threading.Event().wait()
        return super().known(issue, info)


class HeavyEdition(FakeEdition):
    """An edition that asks for a core of its own (`heavy`, as the PDF does), saying which process made it.

    A cover line 'crash' is a bug, 'problem' a located problem, 'stuck' never ends, 'die' kills its process,
    'exit' leaves Python a last thing to do as it exits: write the file named by $PAPERPRESS_FAKE_AT_EXIT.
    """

    spec = HEAVY

    def known(self, issue: Issue, info: BuildInfo) -> bytes:
        if issue.cover_line == "exit":
            atexit.register(Path(os.environ["PAPERPRESS_FAKE_AT_EXIT"]).write_text, "Python exited as usual")
        if issue.cover_line == "problem":
            raise PaperpressError([Problem(issue.source, 3, "cover_line", "a heavy problem", "say something else")])
        if issue.cover_line == "stuck":
            threading.Event().wait()
        if issue.cover_line == "die":
            os.kill(os.getpid(), signal.SIGKILL)
        return super().known(issue, info) + f"made by {os.getpid()}\n".encode()


class LeanEdition(HeavyEdition):
    """A heavy edition whose last step needs none of the issue (`compose`, as the PDF's layout): the step
    says which process ran it and how many issues that process held when it did."""

    spec = LEAN

    def compose(self, issue: Issue, layouts: Layouts, info: BuildInfo) -> Callable[[], list[Output]]:
        return functools.partial(_finished, self.main(issue, self.known(issue, info)))


def _finished(made: Output) -> list[Output]:
    held = sum(isinstance(o, Issue) for o in gc.get_objects())
    return [made._replace(data=made.data + f"finished by {os.getpid()}\nissues held: {held}\n".encode())]


class PacedEdition(FakeEdition):
    """Takes `PACE` seconds an issue however idle the machine: a long render, for what a time limit measures."""

    spec = PACED
    PACE: ClassVar[float] = 3.0

    def known(self, issue: Issue, info: BuildInfo) -> bytes:
        time.sleep(self.PACE)  # the work itself, not a wait for another process
        return super().known(issue, info)


def fake_art(issue: Issue, caches: object = None) -> dict[str, Output]:
    """Stands in for editions.cover.render_art where drawing real covers would only slow a test down."""
    return {
        kind: Output(f"{issue.name}-{kind}.jpg", "image/jpeg", f"{kind} of {issue.name}".encode())
        for kind in ("cover", "thumbnail")
    }


def make_archive(dest: Path, numbers: range = range(1, 5), width: int = 1) -> Path:
    """The minimal fixture with its one issue cloned as issues 1…N, in date order, each with its own files.

    With `width`, the manifests are named as back issues often are, zero-padded: issue-0001.yaml.
    """
    pub = copy_publication(FIXTURES / "minimal", dest)
    source = pub / "issues" / "issue-7"
    manifest = (pub / "issues" / "issue-7.yaml").read_text()
    for n in numbers:
        name = f"issue-{n:0{width}d}"
        shutil.copytree(source, pub / "issues" / name)
        text = manifest.replace("number: 7", f"number: {n}").replace("issue-7/", f"{name}/")
        text = text.replace("date: 2026-03-06", f"date: {2026 + n // 48}-{1 + n // 4 % 12:02d}-{1 + (n % 4) * 7:02d}")
        (pub / "issues" / f"{name}.yaml").write_text(text.replace("A small issue", f"Small issue {n}"))
    shutil.rmtree(source)
    (pub / "issues" / "issue-7.yaml").unlink()
    time.sleep(0.05)  # files younger than a clock tick are not trusted by the first build (fingerprint.RACY_NS)
    return pub


def _published_at(dest: Path, numbers: range, website: str | None) -> tuple[Path, OpenPublication]:
    """make_archive's issues, published at `website` (when given), and the publication opened."""
    pub = make_archive(dest, numbers)
    if website:
        with open(pub / "paperpress.yaml", "a") as config:
            config.write(f"website: {website}\n")
    return pub, open_publication(pub)


def make_web_archive(dest: Path, website: str | None, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Issues 1 to 3 built with the stand-in web edition, but issue 1 without it (as one built before there was
    one), and with drawn covers left out."""
    monkeypatch.setattr(issue_module, "render_art", fake_art)
    pub, opened = _published_at(dest, range(1, 4), website)
    for names, formats in ((["issue-1"], ("txt",)), (["issue-2", "issue-3"], ("txt", "web"))):
        result = build_archive(opened, names, pub / "dist", BuildOptions(formats), editions=WITH_FAKE_WEB)
        assert not result.failed, [str(p) for r in result.failed for p in r.problems]
    return pub


def fabricate_archive(dest: Path, monkeypatch: pytest.MonkeyPatch, count: int, days: int = 5,
                      website: str | None = None) -> Path:
    """A dist/ of `count` issues made cheaply: issue 1 really built (text and the stand-in web edition), then its
    folder and state cloned as issues 2…count, `days` apart from 2024-01-05, each with its own files, ids and
    date, as the catalog reads them. Returns the publication (dist/ in it, no catalog written yet for the clones)."""
    import datetime as dt
    import json

    from paperpress.catalog.index import write_catalog
    from paperpress.output.state import STATE_NAME

    monkeypatch.setattr(issue_module, "render_art", fake_art)
    pub, opened = _published_at(dest, range(1, 2), website)
    dist = pub / "dist"
    result = build_archive(opened, ["issue-1"], dist, BuildOptions(("txt", "web")), editions=WITH_FAKE_WEB)
    assert not result.failed, [str(p) for r in result.failed for p in r.problems]
    raw = json.loads((dist / "issue-1" / STATE_NAME).read_text())
    first = dt.date(2024, 1, 5)
    for n in range(1, count + 1):
        add_fabricated_issue(dist, raw, n, first + dt.timedelta(days=days * (n - 1)))
    write_catalog(dist, opened.layouts, opened.config)
    return pub


def add_fabricated_issue(dist: Path, raw: dict[str, Any], n: int, date: Any) -> None:
    """Issue `n` of date `date` cloned from issue 1's folder and state `raw` (see fabricate_archive)."""
    import json
    import uuid

    from paperpress.output.state import STATE_NAME

    name = f"issue-{n}"
    folder = dist / name
    if n != 1:
        shutil.copytree(dist / "issue-1", folder, copy_function=shutil.copy2)
        for path in list(folder.iterdir()):
            if path.name.startswith("issue-1"):
                path.rename(folder / path.name.replace("issue-1", name, 1))
    state = json.loads(json.dumps(raw).replace('"issue-1', f'"{name}'))
    state.update(name=name, number=n, date=date.isoformat())
    catalog = state["catalog"]
    identifier = "urn:uuid:" + str(uuid.uuid5(uuid.NAMESPACE_URL, f"fabricated/{n}"))
    catalog.update(label=f"Issue {n}", date_text=date.strftime("%A %-d %B %Y"), cover_line=f"Small issue {n}",
                   identifier=identifier, updated=f"{date.isoformat()}T12:00:00Z")
    for article in catalog["articles"]:
        article["id"] = "urn:uuid:" + str(uuid.uuid5(uuid.NAMESPACE_URL, f"{identifier}/{article['id']}"))
    (folder / STATE_NAME).write_text(json.dumps(state, indent=1))


def narrated_epub(total: str | None) -> bytes:
    """A small EPUB whose package declares `total` as its narration's length ("0:48:21.400"), or no length; one
    overlay's own length is there too, which must not be taken for the total."""
    import io
    import zipfile

    meta = f'<meta property="media:duration">{total}</meta>' if total else ""
    opf = (f'<package xmlns="http://www.idpf.org/2007/opf" version="3.0"><metadata>'
           f'<meta property="media:duration" refines="#f-a1-smil">0:00:09.000</meta>{meta}</metadata></package>')
    container = ('<container xmlns="urn:oasis:names:tc:opendocument:xmlns:container" version="1.0"><rootfiles>'
                 '<rootfile full-path="EPUB/content.opf" media-type="application/oebps-package+xml"/></rootfiles></container>')
    made = io.BytesIO()
    with zipfile.ZipFile(made, "w") as book:
        book.writestr("mimetype", "application/epub+zip")
        book.writestr("META-INF/container.xml", container)
        book.writestr("EPUB/content.opf", opf)
    return made.getvalue()


def timed_mp3(millis: str | None) -> bytes:
    """An ID3 tag (all an MP3 needs here) with a TLEN frame of `millis`, or only a title."""
    import io

    from mutagen.id3 import ID3, TIT2, TLEN

    tags = ID3()
    tags.add(TLEN(encoding=3, text=millis) if millis else TIT2(encoding=3, text="A title"))
    made = io.BytesIO()
    tags.save(made)
    return made.getvalue()
