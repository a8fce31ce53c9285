"""One issue kept open for preview: the publication, its layouts and the loaded issue in memory between saves,
each save making again only the editions it touched, fastest first, into the preview's own folder.

The web pages and the text come first (what the editor looks at), then the EPUB; the PDF is laid out in a
process of its own (run/sidecar.py), which a newer save kills. Files are written atomically
(output/write.py), only those whose bytes changed, into `<root>/.paperpress-preview/`: never dist/, its
catalog, feeds or state files. A save that makes the issue invalid leaves the last good files where they
are and keeps its problems for the server to show. Prints nothing: what the editor should read goes to
`report`, the paths whose content changed to `notify`.
"""

from __future__ import annotations

import dataclasses
import threading
import time
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from ..cache import Caches, Learnt
from ..config import TIME_LIMIT
from ..editions.base import BuildInfo, Edition, Output, edition
from ..editions.site import site_map
from ..editions.web.edition import WebEdition
from ..errors import PaperpressError, Problem, count_problems, errors_in
from ..load import CONFIG_NAME
from ..load.memo import ArticleMemo
from ..model import Article, Issue
from ..output.write import OutsideOutput, contained_all, write_all_atomic
from ..registry import EDITIONS, EditionSpec
from ..run.executor import TimeUp, deadline, time_up
from ..run.issue import OpenPublication, build_info, check_issue, open_publication
from ..run.sidecar import Sidecar
from ..templates import Layouts

#: Beside `paperpress.yaml`, as the cache folder is; hidden, and never dist/.
PREVIEW_FOLDER = ".paperpress-preview"
#: What the editor looks at first, made before anything else after a save.
FIRST = ("web", "txt")
#: Editions a preview never makes: the audio is synthesised, far too slow to follow saves.
SKIPPED = frozenset({"audio"})
#: Everything: a change that no single edition owns (paperpress.yaml, fonts/, shared layouts, the copy).
EVERY = "*"


@dataclass(frozen=True, slots=True)
class Touched:
    """What a batch of changed files means for the preview."""

    config: bool = False  # paperpress.yaml: open the publication again
    layouts: bool = False  # layouts/: compile the layouts again
    copy: bool = False  # the manifest, an article, a photo, a font: load the issue again
    editions: frozenset[str] = frozenset()  # the editions to make again; EVERY for all


def touched(root: Path, changed: Collection[Path], registry: Mapping[str, EditionSpec] = EDITIONS) -> Touched:
    """Which editions `changed` (paths under `root`) make stale: a layouts folder only its edition reads
    (`layouts/web/`) only that edition; shared layouts, fonts, the configuration and the copy, all of them."""
    own = {spec.layouts: name for name, spec in registry.items() if spec.layouts}
    config = layouts = copy = False
    editions: set[str] = set()
    for path in changed:
        try:
            parts = path.relative_to(root).parts
        except ValueError:
            parts = ()
        if parts == (CONFIG_NAME,):
            config = True
            editions.add(EVERY)
        elif parts[:1] == ("layouts",):
            layouts = True
            editions.add(own[parts[1]] if len(parts) > 2 and parts[1] in own else EVERY)
        else:
            copy = True
            editions.add(EVERY)
    return Touched(config, layouts, copy, frozenset(editions))


@dataclass(frozen=True, slots=True)
class Refreshed:
    """What one refresh made: the editions, the files whose bytes changed (in the preview folder), how long
    until the first ones (the web and text) were written and until all were, and those left to the background."""

    editions: tuple[str, ...]
    files: tuple[str, ...]
    first: float
    seconds: float
    background: tuple[str, ...] = ()


class Session:
    """The preview of one issue; `refresh` after each batch of saves, from the main thread (so that the time
    limit, a signal, can stop a pathological issue as it stops a build).

    Thread-safe to read (`status`) from the server's threads while a refresh or the PDF runs.
    """

    def __init__(
        self, root: Path, name: str, *, out: Path | None = None, registry: Mapping[str, EditionSpec] = EDITIONS,
        report: Callable[[str], None] = lambda line: None, notify: Callable[[Collection[str]], None] = lambda paths: None,
        time_limit: float = TIME_LIMIT, pdf: bool = True,
    ) -> None:
        self.root = root
        self.name = name
        self.out = out or root / PREVIEW_FOLDER
        self.registry = dict(registry)
        self.report = report
        self.notify = notify
        self.time_limit = time_limit
        self.pdf = pdf
        self.pub: OpenPublication | None = None
        self.issue: Issue | None = None  # the last issue that loaded without errors
        self.problems: tuple[Problem, ...] = ()  # of the last refresh: errors mean the preview shows them
        self.pdf_problems: tuple[Problem, ...] = ()
        self.pdf_state = "none"  # none, making, made, failed
        self.saved_article: str | None = None  # the id of the article last saved, for the PDF's link
        self.caches = Caches(root)
        self.memo = ArticleMemo()  # the articles of the last clean load: a save parses its own article alone
        self._editions: dict[str, Edition] = {}
        self._files: dict[str, dict[str, bytes]] = {}  # edition → file in the preview folder → its bytes there
        self._lock = threading.Lock()
        self._reported: tuple[Problem, ...] = ()
        self._generation = 0  # each refresh's; a PDF made for an older one is dropped
        self._sidecar: Sidecar | None = None  # laying out the PDF of the latest refresh
        self._spare: Sidecar | None = None  # started once a PDF is made, warm for the next save
        self._closed = False

    # -- what the server reads -------------------------------------------------------------------------------

    @property
    def failing(self) -> bool:
        return bool(errors_in(self.problems))

    def formats(self) -> list[str]:
        """The editions the publication makes, as the preview makes them: the web and text first, the heavy last
        (unless the preview was told to leave them out)."""
        made = self.pub.config.editions if self.pub is not None else tuple(self.registry)
        wanted = [f for f in made if f in self.registry and f not in SKIPPED and (self.pdf or not self.registry[f].heavy)]
        return sorted(wanted, key=lambda f: (self.registry[f].heavy, f not in FIRST, FIRST.index(f) if f in FIRST else 0))

    # -- refreshing ------------------------------------------------------------------------------------------

    def refresh(self, changed: Collection[Path] | None = None) -> Refreshed | None:
        """Makes again what `changed` touched (everything when None, the first time); None when the issue
        has errors, which are then in `problems` (and told to `report` once)."""
        began = time.perf_counter()
        what = Touched(True, True, True, frozenset({EVERY})) if changed is None else touched(self.root, changed, self.registry)
        if not what.editions:
            return None
        with self._lock:
            self._generation += 1  # a PDF still being laid out for an older save is no longer wanted
        if EVERY in what.editions or any(self.registry[f].heavy for f in what.editions if f in self.registry):
            self.cancel()
        try:
            with deadline(self.time_limit):
                made = self._refresh(what, changed or (), began)
        except TimeUp:
            self._fail((time_up(self.name, "previewing", self.time_limit),))
            return None
        except PaperpressError as err:
            self._fail(err.problems)
            return None
        except OSError as err:  # a file taken away mid-save (deleted, then written again) while it was read
            lost = Path(err.filename) if err.filename else None
            where = PurePosixPath(lost.relative_to(self.root)) if lost and lost.is_relative_to(self.root) else None
            self._fail((Problem(where, None, None, f"could not be read: {err.strerror or err}",
                                "save it again; the preview tries once more on every save"),))
            return None
        return made

    def _refresh(self, what: Touched, changed: Collection[Path], began: float) -> Refreshed | None:
        if what.config or self.pub is None:
            self.pub = open_publication(self.root)
        elif what.layouts:
            self.pub = dataclasses.replace(self.pub, layouts=Layouts.for_publication(self.root))
        if what.config or what.layouts:
            self._editions.clear()  # an edition may hold what it compiled of the layouts
        pub = self.pub
        learnt = Learnt()
        issue = self.issue
        problems = self.problems if not what.copy else ()
        if what.copy or what.config or issue is None:
            loaded = check_issue(pub, self.name, learnt=learnt, memo=self.memo)
            issue, problems = loaded.value, loaded.problems
            if issue is None or errors_in(problems):
                self._fail(problems)
                return None
        assert issue is not None
        saved = _saved_article(self.root, issue, changed)
        info = build_info(pub, issue, caches=self.caches)
        formats = self.formats()
        if EVERY not in what.editions:
            formats = [f for f in formats if f in what.editions]
        if what.copy or what.config:
            problems = (*problems, *(p for f in formats for p in self._edition(f).warnings(issue, pub.layouts, info)))
        if errors_in(problems):
            self._fail(problems)
            return None
        was_failing = self.failing
        with self._lock:
            self.issue, self.problems = issue, problems
            if saved is not None:
                self.saved_article = saved
        self._tell(problems)
        if was_failing:
            self.notify([EVERY])  # the problems' page goes: every page shows its own again
        light = [f for f in formats if not self.registry[f].heavy]
        heavy = [f for f in formats if self.registry[f].heavy]
        files: list[str] = []
        first = 0.0
        pages = _pages_of(issue, saved_all(self.root, issue, changed))
        web = self._edition("web") if "web" in light else None
        groups = [[f for f in light if f in FIRST], [f for f in light if f not in FIRST]]
        if pages and isinstance(web, WebEdition):  # the saved article's page with the text, written together
            made = {"web": web.render_pages(issue, pub.layouts, info, pages)}
            made |= {f: self._edition(f).render(issue, pub.layouts, info) for f in light if f in FIRST and f != "web"}
            files += self._write(issue.name, made, partial={"web"})
            first = time.perf_counter() - began
            groups = [["web"], groups[1]]
        for group in groups:
            if group:
                files += self._make(issue, group, info)
                first = first or time.perf_counter() - began
        if heavy and self.pdf:
            self._start_heavy(issue, heavy, info)
        learnt.keep()
        self.caches.commit()
        return Refreshed(tuple(light), tuple(files), first, time.perf_counter() - began, tuple(heavy) if self.pdf else ())

    def _make(self, issue: Issue, formats: Sequence[str], info: BuildInfo) -> list[str]:
        """Renders `formats`, writes the files whose bytes changed, removes those no longer made, and tells
        which changed."""
        assert self.pub is not None
        outputs = {fmt: self._edition(fmt).render(issue, self.pub.layouts, info) for fmt in formats}
        return self._write(issue.name, outputs)

    def _write(self, name: str, outputs: Mapping[str, list[Output]], partial: Collection[str] = ()) -> list[str]:
        """Writes the files of `outputs` whose bytes changed and removes those an edition no longer makes
        (of the editions in `partial`, only some files were made: none is removed); tells which changed."""
        changed: dict[str, bytes] = {}
        gone: list[str] = []
        with self._lock:
            for fmt, made in outputs.items():
                before = self._files.get(fmt, {})
                now = {f"{name}/{output.file}": output.data for output in made}
                changed |= {file: data for file, data in now.items() if before.get(file) != data}
                if fmt in partial:
                    self._files[fmt] = before | now
                    continue
                gone += [file for file in before if file not in now]
                self._files[fmt] = now
        try:
            paths = contained_all(self.out, list(changed) + gone)
        except OutsideOutput as err:
            raise PaperpressError([Problem(None, None, None, f"{err.path} {err.reason}", err.hint)]) from None
        write_all_atomic(dict(zip(paths, changed.values(), strict=False)))
        for path in paths[len(changed):]:
            path.unlink(missing_ok=True)
        if changed:
            self.notify(["/" + file for file in changed])
        return list(changed)

    def _start_heavy(self, issue: Issue, formats: list[str], info: BuildInfo) -> None:
        """Lays the heavy editions (the PDF) out in their own process, awaited in a thread; a newer refresh
        kills it. They are composed here (the PDF's HTML and photos); the process is the spare one started with
        the last, warm already; another spare starts now.

        Sidecars are started here, in the main thread: Linux ends a sidecar when the thread that started it
        ends (run/sidecar.py asks for SIGTERM at its parent's death, and the parent is that thread)."""
        assert self.pub is not None
        self.cancel()
        try:
            steps = {fmt: self._edition(fmt).compose(issue, self.pub.layouts, info) for fmt in formats}
        except PaperpressError as err:
            self._heavy_failed(self._generation, err.problems, f"the PDF could not be made ({count_problems(err.problems)}):")
            return
        with self._lock:
            sidecar, self._spare = self._spare, None
        if sidecar is None or sidecar.formats != frozenset(formats):
            if sidecar is not None:
                sidecar.stop()
            sidecar = Sidecar(self.registry, formats)
        spare = Sidecar(self.registry, formats)  # imports WeasyPrint while this one lays out
        with self._lock:
            self._sidecar, self._spare, self.pdf_state = sidecar, spare, "making"
        sidecar.submit(steps)
        threading.Thread(
            target=self._heavy, args=(sidecar, issue.name, self._generation), daemon=True, name="paperpress-preview-pdf",
        ).start()
        self.notify(["/"])

    def _heavy(self, sidecar: Sidecar, name: str, generation: int) -> None:
        began = time.perf_counter()
        try:
            made = sidecar.result()
        except PaperpressError as err:
            self._heavy_failed(generation, err.problems, f"the PDF could not be made ({count_problems(err.problems)}):")
            return
        except Exception:  # noqa: BLE001 - stopped by a newer save (that one tells), or the process died
            self._heavy_failed(generation, (), "the PDF's process stopped before it was done; save again to retry")
            return
        with self._lock:
            current = generation == self._generation and not self._closed
            if self._sidecar is sidecar:
                self._sidecar = None
        if not current:
            return
        files = self._write(name, made)
        with self._lock:
            self.pdf_state, self.pdf_problems = "made", ()
        self.report(f"refreshed {', '.join(made)} in {time.perf_counter() - began:.1f} s ({files_changed(len(files))})")
        self.notify(["/"])

    def _heavy_failed(self, generation: int, problems: tuple[Problem, ...], message: str) -> None:
        if generation != self._generation:
            return
        with self._lock:
            self.pdf_state, self.pdf_problems = "failed", problems
        self.report(message)
        for problem in problems:
            self.report(str(problem))
        self.notify(["/"])

    def cancel(self) -> None:
        """Stops the heavy editions' process, if one runs."""
        with self._lock:
            sidecar, self._sidecar = self._sidecar, None
        if sidecar is not None:
            sidecar.stop()

    def close(self) -> None:
        """Stops every process the session started."""
        with self._lock:
            self._closed = True
            self._generation += 1
            spare, self._spare = self._spare, None
        self.cancel()
        if spare is not None:
            spare.stop()

    def _edition(self, fmt: str) -> Edition:
        return self._editions.get(fmt) or self._editions.setdefault(fmt, edition(fmt, self.registry))

    def _fail(self, problems: Sequence[Problem]) -> None:
        new = not self.failing or tuple(problems) != self.problems
        with self._lock:
            self.problems = tuple(problems)
        self._tell(self.problems)
        if new:
            self.notify([EVERY])  # every page shows the problems instead

    def _tell(self, problems: tuple[Problem, ...]) -> None:
        """Prints problems once: a save that leaves them as they were says nothing again."""
        if problems == self._reported:
            return
        self._reported = problems
        for problem in problems:
            self.report(str(problem))
        if errors_in(problems):
            self.report(f"{count_problems(problems)} in {self.name}; the preview shows them, and keeps the last good files")


def files_changed(count: int) -> str:
    """"1 file changed", "3 files changed": how a refresh's line counts them."""
    return f"{count} file{'' if count == 1 else 's'} changed"


def saved_all(root: Path, issue: Issue, changed: Collection[Path]) -> list[Article]:
    """The articles of `issue` among the changed files, in reading order."""
    sources = {str(path.relative_to(root)) if path.is_relative_to(root) else str(path) for path in changed}
    return [article for article in issue.articles if article.source in sources]


def _saved_article(root: Path, issue: Issue, changed: Collection[Path]) -> str | None:
    """The id of the article among the changed files (the last one, if several), for the PDF's link."""
    found = saved_all(root, issue, changed)
    return found[-1].id if found else None


def _pages_of(issue: Issue, articles: list[Article]) -> set[str]:
    site = site_map(issue)
    return {site.article_page(article) for article in articles}

