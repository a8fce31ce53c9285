"""Test doubles for build plumbing: editions that return known bytes, and a small archive to build them from."""

from __future__ import annotations

import hashlib
import shutil
import threading
import time
from pathlib import Path
from typing import ClassVar

from paperpress.layouts import Layouts
from paperpress.model import Issue
from paperpress.render import EDITIONS, BuildInfo
from paperpress.walk import images

from .conftest import FIXTURES, copy_publication

FAKE = "tests.fakes:FakeEdition"
SLOW = "tests.fakes:SlowEdition"
STUCK = "tests.fakes:StuckEdition"
PACED = "tests.fakes:PacedEdition"
SNAG = "tests.fakes:SnagEdition"
#: The registry a test passes to a build: the real editions and the fakes that finish (so "every edition" ends).
WITH_FAKES = {**EDITIONS, "fake": FAKE, "slow": SLOW}


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


class SlowEdition(FakeEdition):
    """Tens of megabytes after a short pause: writing takes most of a build, so a kill often lands mid-write."""

    name: ClassVar[str] = "slow"
    suffix: ClassVar[str] = ".slow"

    def render(self, issue: Issue, layouts: Layouts, info: BuildInfo) -> bytes:
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
