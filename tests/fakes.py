"""Test doubles for build plumbing: editions that return known bytes, and a small archive to build them from."""

from __future__ import annotations

import gc
import hashlib
import os
import shutil
import signal
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import ClassVar

import pytest

from paperpress import build as build_module
from paperpress.build import build_archive, open_publication
from paperpress.errors import PaperpressError, Problem
from paperpress.layouts import Layouts
from paperpress.model import Issue
from paperpress.options import BuildOptions
from paperpress.render import EDITIONS, BuildInfo, Output
from paperpress.render.site import share_photo, site_map
from paperpress.walk import images

from .conftest import FIXTURES, copy_publication

FAKE = "tests.fakes:FakeEdition"
FAKE_WEB = "tests.fakes:FakeWebEdition"
SLOW = "tests.fakes:SlowEdition"
STUCK = "tests.fakes:StuckEdition"
PACED = "tests.fakes:PacedEdition"
SNAG = "tests.fakes:SnagEdition"
HEAVY = "tests.fakes:HeavyEdition"
LEAN = "tests.fakes:LeanEdition"
#: The registry a test passes to a build: the real editions and the fakes that finish (so "every edition" ends).
WITH_FAKES = {**EDITIONS, "fake": FAKE, "slow": SLOW, "heavy": HEAVY}
#: The same with a stand-in for the web edition, for tests of what the catalog makes of one.
WITH_FAKE_WEB = {**WITH_FAKES, "web": FAKE_WEB}


class FakeEdition:
    """Known bytes from the issue: its name, articles, timestamp and options. A cover line 'crash' is a bug."""

    name: ClassVar[str] = "fake"
    suffix: ClassVar[str] = ".fake"
    media_type: ClassVar[str] = "application/x-fake"

    def render(self, issue: Issue, layouts: Layouts, info: BuildInfo) -> bytes:
        if issue.cover_line == "crash":
            raise RuntimeError("the fake edition has a bug")
        lines = [issue.name, info.timestamp.isoformat(), repr(sorted(info.options.items()))]
        lines += [f"{a.title}: {len(images(a))} images" for a in issue.articles]
        return ("\n".join(lines) + "\n").encode()


class FakeWebEdition(FakeEdition):
    """The web edition as the catalog sees it: a small valid page wherever render/site.py puts one, the front
    page first, and each lead photo's shared variant; recorded as kind "web" and its companions."""

    name: ClassVar[str] = "web"
    suffix: ClassVar[str] = ".html"
    media_type: ClassVar[str] = "text/html; charset=utf-8"

    def render_files(self, issue: Issue, layouts: Layouts, info: BuildInfo) -> list[Output]:
        pages: list[Output] = [
            (path, self.media_type, _page(f"{issue.name}: {path}").encode()) for path in site_map(issue).pages
        ]
        photos: list[Output] = [
            (share_photo(a.lead_image), "image/jpeg", f"the photo of {a.title}".encode())
            for a in issue.articles if a.lead_image
        ]
        return pages + photos


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

    name: ClassVar[str] = "slow"
    suffix: ClassVar[str] = ".slow"

    def render(self, issue: Issue, layouts: Layouts, info: BuildInfo) -> bytes:
        if issue.name == os.environ.get(HOLD_ISSUE):
            threading.Event().wait()
        time.sleep(0.05)
        seed = hashlib.sha256(super().render(issue, layouts, info)).digest()
        return seed * (24 * 1024 * 1024 // len(seed))


class StuckEdition(FakeEdition):
    """Never finishes (a render caught in a loop): only a time limit ends it."""

    name: ClassVar[str] = "stuck"
    suffix: ClassVar[str] = ".stuck"

    def render(self, issue: Issue, layouts: Layouts, info: BuildInfo) -> bytes:
        threading.Event().wait()
        raise AssertionError("unreachable")


class SnagEdition(FakeEdition):
    """Stuck on an issue titled 'stuck' (one pathological issue in an archive), the fake's bytes for the others."""

    name: ClassVar[str] = "snag"
    suffix: ClassVar[str] = ".snag"

    def render(self, issue: Issue, layouts: Layouts, info: BuildInfo) -> bytes:
        if issue.cover_line == "stuck":
            threading.Event().wait()
        return super().render(issue, layouts, info)


class HeavyEdition(FakeEdition):
    """An edition that asks for a core of its own (`heavy`, as the PDF does), saying which process made it.

    A cover line 'crash' is a bug, 'problem' a located problem, 'stuck' never ends, 'die' kills its process.
    """

    name: ClassVar[str] = "heavy"
    suffix: ClassVar[str] = ".heavy"
    heavy: ClassVar[bool] = True
    preload: ClassVar[tuple[str, ...]] = ("json",)  # what a sidecar started ahead imports first

    def render(self, issue: Issue, layouts: Layouts, info: BuildInfo) -> bytes:
        if issue.cover_line == "problem":
            raise PaperpressError([Problem(issue.source, 3, "cover_line", "a heavy problem", "say something else")])
        if issue.cover_line == "stuck":
            threading.Event().wait()
        if issue.cover_line == "die":
            os.kill(os.getpid(), signal.SIGKILL)
        return super().render(issue, layouts, info) + f"made by {os.getpid()}\n".encode()


class LeanEdition(HeavyEdition):
    """A heavy edition whose last step needs none of the issue (`compose`, as the PDF's layout): the step
    says how many issues its process still held when it ran."""

    name: ClassVar[str] = "lean"
    suffix: ClassVar[str] = ".lean"

    def compose(self, issue: Issue, layouts: Layouts, info: BuildInfo) -> Callable[[], bytes]:
        made = self.render(issue, layouts, info)
        return lambda: made + f"issues held: {sum(isinstance(o, Issue) for o in gc.get_objects())}\n".encode()


class PacedEdition(FakeEdition):
    """Takes `PACE` seconds an issue however idle the machine: a long render, for what a time limit measures."""

    name: ClassVar[str] = "paced"
    suffix: ClassVar[str] = ".paced"
    PACE: ClassVar[float] = 3.0

    def render(self, issue: Issue, layouts: Layouts, info: BuildInfo) -> bytes:
        time.sleep(self.PACE)  # the work itself, not a wait for another process
        return super().render(issue, layouts, info)


def fake_art(issue: Issue) -> dict[str, tuple[str, str, bytes]]:
    """Stands in for catalog.render_art where drawing real covers would only slow a test down."""
    return {
        kind: (f"{issue.name}-{kind}.jpg", "image/jpeg", f"{kind} of {issue.name}".encode())
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


def make_web_archive(dest: Path, website: str | None, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Issues 1 to 3 built with the stand-in web edition, but issue 1 without it (as one built before there was
    one), and with drawn covers left out."""
    monkeypatch.setattr(build_module, "render_art", fake_art)
    pub = make_archive(dest, range(1, 4))
    if website:
        with open(pub / "paperpress.yaml", "a") as config:
            config.write(f"website: {website}\n")
    opened = open_publication(pub)
    for names, formats in ((["issue-1"], ("txt",)), (["issue-2", "issue-3"], ("txt", "web"))):
        result = build_archive(opened, names, pub / "dist", BuildOptions(formats), editions=WITH_FAKE_WEB)
        assert not result.failed, [str(p) for r in result.failed for p in r.problems]
    return pub
