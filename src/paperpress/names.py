"""Issue names, decided once: what a person may type, which files are manifests, and what outputs are called.

An issue is a manifest `issues/issue-<digits>.yaml`, padded or not (`issue-0901.yaml`, `issue-1142.yaml`).
Its number is the digits read as a decimal; its name is the file's stem, which its folder of articles
and every output keeps (`dist/issue-0901/issue-0901.epub`). Standard library only, so that the command
line, the planner, the loader and the catalog can all use it.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from .errors import PaperpressError, Problem, UsageError, nothing_written

ISSUES = "issues"
#: Output folders in dist/ are named like manifests; this finds them.
OUTPUT_FOLDERS = "issue-*"
_STEM = re.compile(r"issue-([0-9]{1,18})")
# What a person types: 0901, issue-0901, issue-0901.yaml, or (completed by a shell) issues/issue-0901.yaml or issue-0901/.
_TYPED = re.compile(r"(?:\./)?(?:issues/)?(?:issue-)?([0-9]{1,18})(?:\.yaml|/)?", re.IGNORECASE)
_SLUG_BREAKS = re.compile(r"[^a-z0-9]+")
#: The catalog's files, beside the issues' folders in dist/: its pages, the OPDS and Atom feeds, the
#: podcast, the sitemap and the checksums. The editions link some of them; the preview server serves them.
CATALOG_NAME = "index.html"
OPDS_NAME = "opds.xml"
SUMS_NAME = "SHA256SUMS"
ATOM_NAME = "feed.xml"
ATOM_TYPE = "application/atom+xml"
PODCAST_NAME = "podcast.xml"
SITEMAP_NAME = "sitemap.xml"
#: The catalog's pages past the front page, each bounded however large the archive grows: the back issues by
#: year (and month), the OPDS acquisition feeds by year, the Atom feed's archived documents, the sitemaps
#: by year, and the search page with Pagefind's index and the page's own script.
ARCHIVE_FOLDER = "archive"
OPDS_FOLDER = "opds"
FEEDS_FOLDER = "feeds"
SITEMAPS_FOLDER = "sitemaps"
SEARCH_NAME = "search.html"
SEARCH_SCRIPT = "search.js"
SEARCH_STYLE = "catalog.css"
SEARCH_INDEX = "pagefind"
#: What the last catalog was made from and the files it wrote: bookkeeping beside the issues' states (stat
#: data, so never the same bytes twice), hidden, never served nor listed, as the states are not.
CATALOG_STAMP = ".paperpress-catalog"
#: How a command line lists issues and ranges of them: `1140,1142`, `1100..1142` (plan.select_issues).
LIST_MARK, RANGE_MARK = ",", ".."


def names_one_issue(typed: Sequence[str]) -> bool:
    """Whether the issues typed on a command line can only be one: a number or a name, no list, no range."""
    return len(typed) == 1 and LIST_MARK not in typed[0] and RANGE_MARK not in typed[0]


def typed_number(text: str) -> int:
    """The issue number in what a person typed; a usage error when it names no issue."""
    match = _TYPED.fullmatch(text.strip())
    if not match:
        raise UsageError(f"'{text}' is not an issue", "name an issue as issue-1142, 1142 or issue-1142.yaml")
    return int(match.group(1))


def stem_number(stem: str) -> int | None:
    """The number of a manifest stem (`issue-0901` → 901), or None when the stem is not a manifest's."""
    match = _STEM.fullmatch(stem)
    return int(match.group(1)) if match else None


def manifest_file(name: str) -> PurePosixPath:
    """The manifest of the issue `name`, relative to the root, as problems show it."""
    return PurePosixPath(ISSUES) / f"{name}.yaml"


def manifest_path(root: Path, name: str) -> Path:
    return root / manifest_file(name)


def articles_folder(root: Path, name: str) -> Path:
    """Where an issue's articles live by convention: beside its manifest, under the same name."""
    return root / ISSUES / name


def issue_name(manifest: Path | PurePosixPath) -> str:
    """The name of the issue a manifest holds, kept by its outputs: the manifest's own stem."""
    return manifest.stem


def padding(name: str) -> int:
    """The digits a zero-padded name keeps (`issue-0901` → 4); 1 for a name that is not padded."""
    digits = name.removeprefix("issue-")
    return len(digits) if len(digits) > 1 and digits.startswith("0") else 1


def padded(number: int, width: int) -> str:
    """The name of issue `number` in a publication whose names have `width` digits at least."""
    return f"issue-{str(number).zfill(width)}"


@dataclass(frozen=True, slots=True)
class Manifests:
    """The manifests in issues/: each number with the stems that claim it (two only by mistake)."""

    stems: Mapping[int, tuple[str, ...]]

    @property
    def numbers(self) -> list[int]:
        return sorted(self.stems)

    @property
    def width(self) -> int:
        """The publication's padding: the widest zero-padded name's digits (1 when none is padded)."""
        return max((padding(name) for names in self.stems.values() for name in names), default=1)

    def name(self, number: int) -> str:
        """The stem of issue `number` (the first, if two claim it); a new issue's name if none does."""
        found = self.stems.get(number)
        return found[0] if found else padded(number, self.width)

    def clash(self, number: int) -> tuple[Problem, ...]:
        """One problem in each manifest when two or more claim the same number; none otherwise."""
        found = self.stems.get(number, ())
        if len(found) < 2:
            return ()
        other = "the other" if len(found) == 2 else "the others"
        return tuple(
            Problem(
                manifest_file(name), None, None,
                f"another manifest is also issue {number}: " + ", ".join(str(manifest_file(n)) for n in found if n != name),
                f"keep one manifest per issue: remove {other}, or change its number and its file name",
            )
            for name in found
        )

    def number(self, typed: str) -> int:
        """The number of the issue a person named; a usage error if no manifest has it."""
        number = typed_number(typed)
        if number not in self.stems:
            known = self.numbers
            hint = f"issues here: {', '.join(map(str, known[-5:]))}" if known else "create issues/issue-NNNN.yaml"
            raise UsageError(f"no issue {number}: {manifest_file(self.name(number))} does not exist", hint)
        return number

    def find(self, root: Path, typed: str) -> Path:
        """The manifest of the issue a person named; also an error naming every manifest when two claim it."""
        number = self.number(typed)
        clash = self.clash(number)
        if clash:
            raise PaperpressError(clash, nothing_written(f"{len(clash)} manifests for issue {number}"))
        return manifest_path(root, self.name(number))


def list_manifests(root: Path) -> Manifests:
    """Every manifest in issues/, by number, from one listing of the folder (no file is opened)."""
    found: dict[int, list[str]] = {}
    try:
        entries = list(os.scandir(root / ISSUES))
    except (FileNotFoundError, NotADirectoryError):
        entries = []
    for entry in entries:
        stem, dot, suffix = entry.name.rpartition(".")
        number = stem_number(stem) if dot and suffix == "yaml" else None
        if number is not None and entry.is_file():
            found.setdefault(number, []).append(stem)
    return Manifests({n: tuple(sorted(stems)) for n, stems in found.items()})


def find_manifest(root: Path, typed: str) -> Path:
    """`issue-0901`, `0901`, `901` or `issue-0901.yaml` → that issue's manifest (see Manifests.find)."""
    return list_manifests(root).find(root, typed)


def slug(text: str, default: str) -> str:
    """Lower-case ASCII letters and digits joined by hyphens, for ids and file names; `default` if none remain."""
    return _SLUG_BREAKS.sub("-", text.lower()).strip("-") or default
