"""One issue's build, the same for every executor: the publication opened, then load → render → write.

Every output of an issue is rendered before any is written, so a failure leaves the previous editions
exactly as they were; the issue's state (what its editions were made from) is recorded after them. The
steps are apart (`IssueBuilder.prepare`, `Renderer`, `IssueBuilder.write`) so that an executor may render
somewhere else than it loads and writes (dask/). How many issues, and where, is the executor's business.
"""

from __future__ import annotations

import contextlib
import dataclasses
import os
import time
from collections.abc import Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from .. import __version__
from ..cache import Caches, Learnt
from ..catalog.entry import catalog_entry
from ..catalog.podcast import spoken_seconds
from ..config import Config
from ..editions.base import BuildInfo, Edition, Length, Output, build_timestamp, edition
from ..editions.cover import render_art
from ..errors import Loaded, PaperpressError, Problem, Severity, errors_in, nothing_written
from ..load import load_config, load_issue
from ..load.memo import ArticleMemo
from ..model import Issue
from ..model.walk import images
from ..names import find_manifest, issue_name
from ..options import BuildOptions
from ..output.lengths import running_seconds
from ..output.plan import Job
from ..output.state import (
    ART,
    IssueState,
    companion,
    input_records,
    library_versions,
    output_fingerprints,
    record_build,
    settings_digest,
)
from ..output.write import OutsideOutput, contained, contained_all, write_all_atomic
from ..registry import EditionSpec, heavy_editions
from ..templates import Layouts
from .executor import Builder, IssueResult, TimeUp, deadline, time_up
from .sidecar import Sidecar


@dataclass(frozen=True, slots=True)
class OpenPublication:
    """A publication folder opened for building: its root, checked configuration and layouts."""

    root: Path
    config: Config
    layouts: Layouts
    warnings: tuple[Problem, ...] = ()  # what paperpress.yaml holds that is odd but not wrong


def open_publication(root: Path) -> OpenPublication:
    """Loads paperpress.yaml; raises PaperpressError with every problem in it."""
    loaded = load_config(root)
    if loaded.value is None or errors_in(loaded.problems):
        raise PaperpressError(loaded.problems, nothing_written("paperpress.yaml has problems"))
    return OpenPublication(root, loaded.value, Layouts.for_publication(root), loaded.problems)


def check_issue(
    pub: OpenPublication, name: str, time_limit: float = 0, learnt: Learnt | None = None, memo: ArticleMemo | None = None
) -> Loaded[Issue]:
    """Loads the issue a person named, in any of the ways names.py reads (`0901`, `issue-0901.yaml`, …).

    Stopped with a problem after `time_limit` seconds (0: no limit), as a build would be. Without a limit of
    its own, a limit around it (a build's) is left to stop it and say so. Cache entries found on the way
    join `learnt` (a build keeps them once it has written the issue). A `memo` keeps unchanged articles from
    one load to the next (load/memo.py), for a preview.
    """
    path = find_manifest(pub.root, name)
    if time_limit <= 0:
        return load_issue(pub.root, pub.config, path, learnt, memo)
    try:
        with deadline(time_limit):
            return load_issue(pub.root, pub.config, path, learnt, memo)
    except TimeUp:
        return Loaded(None, (time_up(issue_name(path), "checking", time_limit),))


def rendering_versions() -> dict[str, str]:
    """paperpress and the rendering libraries, as BuildInfo.versions holds them."""
    return {"paperpress": __version__, **library_versions()}


def build_info(
    pub: OpenPublication, issue: Issue, options: BuildOptions | None = None, versions: Mapping[str, str] | None = None,
    caches: Caches | None = None,
) -> BuildInfo:
    """What an edition may know beyond the issue; `versions` as `rendering_versions()` gives them, `caches` the
    session's (by default a session of its own over the publication's cache folder, never committed)."""
    options = options or BuildOptions()
    return BuildInfo(
        timestamp=build_timestamp(issue.date, options.source_date),
        config=pub.config,
        versions=dict(versions) if versions is not None else rendering_versions(),
        options=options.edition_options,
        caches=caches if caches is not None else Caches(pub.root),
    )


@dataclass(frozen=True, slots=True)
class IssueWork:
    """What every worker needs to build any issue of one run; small and picklable (the `executor.Work`)."""

    root: Path
    out: Path
    options: BuildOptions
    fingerprints: Mapping[str, str]  # output kind → fingerprint.output_fingerprints
    editions: Mapping[str, EditionSpec]  # the registry the caller chose
    pub: OpenPublication | None = field(default=None, compare=False, repr=False)  # already open, in this process

    def __reduce__(self) -> tuple[Any, ...]:
        """Travels without the open publication: a worker process opens its own once."""
        return IssueWork, (self.root, self.out, self.options, dict(self.fingerprints), dict(self.editions))

    def open(self, cores: int = 1) -> Builder:
        return IssueBuilder(self, self.pub or open_publication(self.root), cores)


def issue_work(pub: OpenPublication, out: Path, options: BuildOptions, editions: Mapping[str, EditionSpec]) -> IssueWork:
    digest = settings_digest(pub.root, options.edition_options, options.source_date_epoch)
    folders = {name: spec.layouts for name, spec in editions.items()} | dict.fromkeys(ART)
    fingerprints = output_fingerprints(digest, pub.layouts.files(), folders)
    return IssueWork(pub.root, out, options, fingerprints, dict(editions), pub)


@dataclass(frozen=True, slots=True)
class Rendering:
    """One loaded, checked issue ready to render: all an edition needs, photos included, and picklable."""

    job: Job
    issue: Issue
    info: BuildInfo
    problems: tuple[Problem, ...]  # the warnings found while loading it
    loading_began: int  # time.time_ns() when its files were first read, for fingerprint.input_records
    learnt: Learnt = field(default_factory=Learnt)  # cache entries to keep once the issue is written


class IssueBuilder:
    """Kept for the life of a worker: the publication, its compiled templates, edition objects, versions.

    Building one issue is `prepare` (load and check), `render` (bytes only, from the model alone) and
    `write` (atomic, then the state), so an executor may render somewhere else than it loads and writes.
    With two `cores` or more, the heavy editions among those asked for (the PDF) render in a sidecar beside
    the rest; it starts now, so that it imports WeasyPrint while the first issue loads.
    """

    def __init__(self, work: IssueWork, pub: OpenPublication, cores: int = 1) -> None:
        self.work = work
        self.pub = pub
        heavy = heavy_editions(work.options.formats, work.editions)
        sidecar = Sidecar(work.editions, heavy) if cores > 1 and heavy else None
        self.renderer = Renderer(pub.layouts, work.editions, sidecar)
        self.versions = rendering_versions()
        #: The session's caches, for every issue this builder builds: what an issue's editions made is kept
        #: on disk once that issue is written (`write`), and forgotten if it is not.
        self.caches = Caches(pub.root)

    def __call__(self, job: Job) -> IssueResult:
        """Load → render → write → record, for one issue; the problems found come back in the result."""
        self.caches.discard()  # an issue stopped mid-render (a time limit) made what no build wrote
        prepared = self.prepare(job)
        if isinstance(prepared, IssueResult):
            return prepared
        try:
            outputs = self.renderer(prepared)
        except PaperpressError as err:
            self.caches.discard()
            return IssueResult(prepared.issue.name, problems=prepared.problems + err.problems)
        return self.write(prepared, outputs)

    def prepare(self, job: Job) -> Rendering | IssueResult:
        """The issue loaded and checked, or the result of an issue that cannot be built."""
        work, pub = self.work, self.pub
        loading_began = time.time_ns()
        learnt = Learnt()
        try:
            loaded = check_issue(pub, job.name, learnt=learnt)
        except PaperpressError as err:  # its manifest is gone since planning, or another one claims its number
            return IssueResult(job.name, problems=err.problems)
        issue, problems = loaded.value, loaded.problems
        info = None
        if issue is not None:
            info = dataclasses.replace(
                build_info(pub, issue, work.options, self.versions, self.caches),
                lengths=found_lengths(work.out / issue.name, issue.name, job.formats, work.editions),
            )
            problems = (*problems, *self.renderer.warnings(job.formats, issue, info))
        if work.options.strict:
            problems = tuple(dataclasses.replace(p, severity=Severity.ERROR) for p in problems)
        if issue is None or info is None or errors_in(problems):
            return IssueResult(job.name, problems=problems)
        return Rendering(job, issue, info, problems, loading_began, learnt)

    def write(self, prepared: Rendering, outputs: Mapping[str, tuple[str, str, bytes]]) -> IssueResult:
        """Writes every output at once (or none), then records the issue's state."""
        work, pub, issue, problems = self.work, self.pub, prepared.issue, prepared.problems
        inputs = input_records(pub.root, _inputs(issue), prepared.loading_began)
        try:
            folder = contained(work.out, issue.name)
            paths = contained_all(work.out, (f"{issue.name}/{file}" for file, _, _ in outputs.values()))
            targets = dict(zip(outputs, paths, strict=True))
        except OutsideOutput as err:
            shown = PurePosixPath(os.path.relpath(err.path, work.root))
            self.caches.discard()
            return IssueResult(issue.name, problems=problems + (Problem(shown, None, None, err.reason, err.hint),))
        try:
            write_all_atomic({targets[kind]: data for kind, (_, _, data) in outputs.items()})
        except OSError as err:  # a full disk, a file-size limit, a read-only folder: nothing was replaced
            self.caches.discard()
            return IssueResult(issue.name, problems=problems + (_unwritable(work.root, folder, err),))
        state = IssueState(
            issue.name, issue.number, issue.date.isoformat(), catalog_entry(issue, prepared.info.timestamp), inputs, {},
            tuple(str(p) for p in problems),
        )
        lasting = spoken_seconds(outputs)
        for record in record_build(folder, state, outputs, work.fingerprints, prepared.job.formats, lasting):
            with contextlib.suppress(OSError, OutsideOutput):
                contained(work.out, issue.name, *record.file.split("/")).unlink()
        prepared.learnt.keep()
        self.caches.commit()
        return IssueResult(issue.name, tuple(targets.values()), problems, tuple(prepared.job.formats))


class Renderer:
    """Renders a prepared issue into bytes, keeping each edition object for the next issue; writes nothing.

    With a sidecar, its editions are rendered there at the same time as the others are here.
    """

    def __init__(self, layouts: Layouts, registry: Mapping[str, EditionSpec], sidecar: Sidecar | None = None) -> None:
        self.layouts = layouts
        self.registry = dict(registry)
        self.editions: dict[str, Edition] = {}
        self.sidecar = sidecar

    def __call__(self, prepared: Rendering) -> dict[str, Output]:
        """kind → (file name, media type, bytes): every output of the job, before any is written."""
        issue, job, info = prepared.issue, prepared.job, prepared.info
        aside = [fmt for fmt in job.formats if self.sidecar is not None and fmt in self.sidecar.formats]
        sidecar = self.sidecar if aside else None  # None when this job asks it for nothing
        if sidecar is not None:  # composed here (the PDF's HTML and photos), laid out there
            sidecar.submit({fmt: self._edition(fmt).compose(issue, self.layouts, info) for fmt in aside})
        here = [fmt for fmt in job.formats if fmt not in aside]
        try:
            with ThreadPoolExecutor(max_workers=1) as pool:
                # The cover art is drawn in a thread while the editions render, Pillow letting go of the
                # interpreter; the EPUB asks for the same cover and waits for this drawing (cover.cover_image).
                drawing = pool.submit(render_art, issue, info.caches) if job.art else None
                if drawing is not None and (sidecar is not None or heavy_editions(here, self.registry)):
                    # But first when there is a layout: made here, its peak would hold the art's full-size frames
                    # too (by half again); made in the sidecar, it has the other core, which a thread would take.
                    drawing.result()
                made: dict[str, list[Output]] = {}
                for fmt in _leaders_first(here, self.registry):  # what a page lists is made before the page
                    made[fmt] = self._edition(fmt).render(issue, self.layouts, self._info(fmt, info, made))
                art = drawing.result() if drawing is not None else {}
        except BaseException:
            if sidecar is not None:
                sidecar.stop()  # the issue failed or was stopped: its PDF is not wanted
            raise
        if sidecar is not None:
            made |= sidecar.result()
        outputs: dict[str, Output] = {}
        for fmt in job.formats:
            for n, output in enumerate(made[fmt]):
                outputs[fmt if n == 0 else companion(fmt, output[0])] = output
        outputs.update(art)
        return outputs

    def warnings(self, formats: Sequence[str], issue: Issue, info: BuildInfo) -> list[Problem]:
        """What each edition in `formats` has to say of `issue` before it is made (Edition.warnings)."""
        return [problem for fmt in formats for problem in self._edition(fmt).warnings(issue, self.layouts, info)]

    def _info(self, fmt: str, info: BuildInfo, made: Mapping[str, list[Output]]) -> BuildInfo:
        """`info`, with the lengths of what `fmt` follows that this job has just made, read from their bytes."""
        fresh = {name: length_of(made[name][0]) for name in self.registry[fmt].follows if name in made}
        return dataclasses.replace(info, lengths={**info.lengths, **fresh}) if fresh else info

    def _edition(self, fmt: str) -> Edition:
        return self.editions.get(fmt) or self.editions.setdefault(fmt, edition(fmt, self.registry))


def _leaders_first(formats: Sequence[str], registry: Mapping[str, EditionSpec]) -> list[str]:
    """`formats` with every edition that follows another of them after the rest (EditionSpec.follows)."""
    return sorted(formats, key=lambda fmt: bool(set(registry[fmt].follows) & set(formats)))


def length_of(output: Output) -> Length:
    return Length(len(output.data), running_seconds(output.media_type, output.data))


def found_lengths(folder: Path, issue_name: str, job_formats: Sequence[str], registry: Mapping[str, EditionSpec]
) -> dict[str, Length]:
    """The lengths of the editions that the job's editions follow but the job does not make, from their main
    files in `folder` made by an earlier build; those not there are left out."""
    found: dict[str, Length] = {}
    for name in {n for fmt in job_formats for n in registry[fmt].follows} - set(job_formats):
        spec = registry.get(name)
        if spec is None:
            continue
        path = folder / spec.main_file(issue_name)
        if path.is_file():
            found[name] = Length(path.stat().st_size, running_seconds(spec.media_type, path))
    return found


def _inputs(issue: Issue) -> list[tuple[str, bytes | None]]:
    """Every file this issue was made from, as it was read: the manifest, its articles and their photos."""
    files: list[tuple[str, bytes | None]] = [(str(issue.source), None)]
    files += [(str(article.source), None) for article in issue.articles]
    files += [(str(image.source), image.data) for image in images(issue)]
    return files


def _unwritable(root: Path, folder: Path, err: OSError) -> Problem:
    shown = PurePosixPath(os.path.relpath(folder, root))
    return Problem(
        shown, None, None, f"the editions could not be written: {err.strerror or err}",
        "free some disk space or fix the folder's permissions; the previous editions are untouched",
    )
