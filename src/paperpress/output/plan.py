"""Which issues a build names (`--all`, ranges, lists, `--since`) and which of their outputs are out of date.

Decides from the manifests' names and the states in dist/ alone, never by loading an issue, so planning
a no-op run over hundreds of issues costs a few milliseconds per issue. Planning writes nothing: states
worth refreshing come back in the plan, for the build to save.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from ..errors import Problem, UsageError
from ..load.manifest import read_manifest
from ..names import LIST_MARK, RANGE_MARK, Manifests, list_manifests, manifest_path, stem_number, typed_number
from ..registry import EDITIONS, EditionSpec, followers
from .state import (
    ART,
    Checked,
    FileRecord,
    IssueState,
    current_inputs,
    edition_of,
    inputs_digest,
    output_is_current,
    read_state,
)


@dataclass(frozen=True, slots=True)
class Job:
    """One issue to build: the editions that are out of date, whether its cover art is, and why."""

    name: str
    formats: tuple[str, ...]
    art: bool
    reason: str


@dataclass(frozen=True, slots=True)
class Plan:
    jobs: tuple[Job, ...]
    skipped: tuple[str, ...]  # issues whose every output is current
    #: Skipped issues whose input files were touched but not changed (a checkout, a copy): their states
    #: with the new stat data, so that the next run need not hash those files again.
    refreshed: tuple[tuple[str, IssueState], ...] = ()
    #: Each skipped issue's state as read, with the outputs found as recorded, for the catalog (fingerprint.Checked).
    checked: tuple[tuple[str, Checked], ...] = ()

    @property
    def total(self) -> int:
        return len(self.jobs) + len(self.skipped)


def select_issues(root: Path, names: Sequence[str], every: bool = False, since: dt.date | None = None) -> list[str]:
    """`1142`, `issue-0901`, `900..0902`, `0901,902`, `--all`, `--since`: the manifests' names, newest first.

    A range takes the issues that exist inside it; a single number must exist. `--since` keeps issues
    dated on or after the day (reading only their manifests), and alone means every issue since then.
    """
    manifests = list_manifests(root)
    known = manifests.numbers
    chosen: set[int] = set(known) if every or (since and not names) else set()
    for written in names:
        for part in (p.strip() for p in written.split(LIST_MARK)):
            if not part:
                continue
            if RANGE_MARK in part:
                chosen.update(_range(part, known))
            else:
                chosen.add(manifests.number(part))
    if since is not None:
        chosen = {n for n in chosen if _dated_since(root, manifests.name(n), since)}
    if not chosen:
        if since is not None:
            raise UsageError(f"no issue is dated {since.isoformat()} or later", "check the date given to --since")
        raise UsageError("no issues named", "name issues as 1142, 1100..1142 or 1140,1142, or use --all")
    return [manifests.name(n) for n in sorted(chosen, reverse=True)]


def plan_builds(
    root: Path, out: Path, names: Sequence[str], formats: Sequence[str], fingerprints: Mapping[str, str], *, force: bool,
    strict: bool, registry: Mapping[str, EditionSpec] = EDITIONS,
) -> Plan:
    """A job for every issue with an output that is missing, altered, or made from other inputs or settings.

    An edition that follows another (the web pages give the audio's length) joins every job that makes that
    one, when it is asked for or was made before."""
    jobs: list[Job] = []
    skipped: list[str] = []
    refreshed: list[tuple[str, IssueState]] = []
    checked: list[tuple[str, Checked]] = []
    manifests = list_manifests(root)
    for name in names:
        job = _job(root, out / name, name, formats, fingerprints, force, strict, manifests)
        if isinstance(job, Job):
            jobs.append(with_followers(job, formats, out / name, registry))
            continue
        found, refresh = job
        skipped.append(name)
        checked.append((name, found))
        if refresh:
            refreshed.append((name, found.state))
    return Plan(tuple(jobs), tuple(skipped), tuple(refreshed), tuple(checked))


def _job(
    root: Path, folder: Path, name: str, formats: Sequence[str], fingerprints: Mapping[str, str], force: bool, strict: bool,
    manifests: Manifests,
) -> Job | tuple[Checked, bool]:
    """The job, or when every output is current what was checked, and whether its state is worth saving again."""
    everything = Job(name, tuple(formats), True, "")
    state = read_state(folder)
    if force:
        return _because(everything, "forced")
    number = stem_number(name)
    if number is not None and manifests.clash(number):
        return _because(everything, "two manifests")  # never skipped: its build reports the clash
    if state is None:
        return _because(everything, "new")
    if strict and state.warnings:
        return _because(everything, "has warnings")
    current = current_inputs(root, state.inputs)
    if current is None:
        return _because(everything, "an input file is gone")
    now, refreshed = current
    digest = inputs_digest(now)

    # One pass over the recorded outputs of the editions asked for and of the art: the web edition's pages
    # and photos are most of an archive's 18,000 files, each stated once.
    place = os.fspath(folder)
    wanted = {*formats, *ART}
    verified: set[str] = set()
    stale: set[str] = set()  # editions (or art) with an output not as recorded
    for kind, record in state.outputs.items():
        edition = edition_of(kind)
        if edition not in wanted:
            continue
        if output_is_current(place, record, fingerprints[edition], digest):
            verified.add(kind)
        else:
            stale.add(edition)
    todo = tuple(f for f in formats if f in stale or f not in state.outputs)
    art = any(kind in stale or kind not in state.outputs for kind in ART)
    if not todo and not art:
        return Checked(_with_inputs(state, now) if refreshed else state, frozenset(verified)), refreshed
    return Job(name, todo, art, _reason(state, now, digest, fingerprints, (*todo, *ART)))


def with_followers(job: Job, formats: Sequence[str], folder: Path, registry: Mapping[str, EditionSpec]) -> Job:
    """`job`, with the editions that follow one it makes, asked for now or found made before, after the rest."""
    wanted = followers(job.formats, registry) - set(job.formats)
    if not wanted:
        return job
    state = read_state(folder)
    made_before = set(state.outputs) if state is not None else set()
    more = tuple(name for name in registry if name in wanted and (name in formats or name in made_before))
    return Job(job.name, job.formats + more, job.art, job.reason) if more else job


def _because(job: Job, reason: str) -> Job:
    return Job(job.name, job.formats, job.art, reason)


def _reason(state: IssueState, now: dict[str, FileRecord], digest: str | None, fingerprints: Mapping[str, str], kinds: Sequence[str]
) -> str:
    changed = sorted(p for p in now if now[p].sha256 != state.inputs[p].sha256)
    if changed:
        more = f" and {len(changed) - 1} more" if len(changed) > 1 else ""
        return f"{changed[0]} changed{more}"
    records = {k: state.outputs.get(k) for k in kinds}
    if any(r is not None and r.fingerprint != fingerprints[k] for k, r in records.items()):
        return "settings, layouts or software changed"
    if any(r is None for r in records.values()):
        return "not built before"
    if digest is None or any(r is not None and r.inputs != digest for r in records.values()):
        return "inputs changed"
    return "output missing or altered"


def _with_inputs(state: IssueState, inputs: dict[str, FileRecord]) -> IssueState:
    return IssueState(state.name, state.number, state.date, state.catalog, inputs, state.outputs, state.warnings)


def _range(part: str, known: list[int]) -> list[int]:
    first, _, last = part.partition(RANGE_MARK)
    try:
        low, high = sorted((typed_number(first), typed_number(last)))
    except UsageError:
        raise UsageError(f"'{part}' is not a range of issues", "write a range as 1100..1142") from None
    found = [n for n in known if low <= n <= high]
    if not found:
        raise UsageError(f"no issues between {low} and {high}", f"issues here: {_span(known)}")
    return found


def _span(known: list[int]) -> str:
    return f"{known[0]}..{known[-1]}" if known else "none"


def _dated_since(root: Path, name: str, since: dt.date) -> bool:
    """Reads only the manifest; one that cannot be read is kept, so the build reports its problems."""
    problems: list[Problem] = []
    read = read_manifest(root, manifest_path(root, name), problems)
    return read is None or read.manifest is None or read.manifest.date >= since
