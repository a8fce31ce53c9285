"""The saves a preview follows, heard through the operating system's file events (watchfiles), never polled.

The issues' folder (manifests, articles, photos), `layouts/` and `fonts/` are watched with their subfolders;
the publication's folder itself only for `paperpress.yaml`, so that a virtual environment or dist/ beside it
costs no watch at all. watchfiles groups the events of one save (an editor's temporary file, its rename) and
leaves out editors' swap and backup files. The events come from the kernel (inotify); idle, each watching
thread only wakes every STEP_MS to see whether it is stopped, which the benchmark finds costs the whole
preview under 0.2 % of a core.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from ..load import CONFIG_NAME
from ..names import ISSUES

#: Milliseconds without a new event before a batch of changes is handed over.
STEP_MS = 30
#: Milliseconds at most over which the events of one save are gathered.
DEBOUNCE_MS = 400
#: Milliseconds a stop waits at most to be noticed by a watching thread.
_WAKE_MS = 1000


def watched(root: Path) -> list[Path]:
    """The folders watched with their subfolders, those that exist: issues/, layouts/ and fonts/."""
    return [folder for folder in (root / ISSUES, root / "layouts", root / "fonts") if folder.is_dir()]


class Watcher:
    """Hands over each batch of changed files under `root` (iterate it); `stop` ends it.

    The watches are in place once `start` returns, so a save made after it is never missed. watchfiles'
    `watch()` sets them up only when its first change is awaited, in the thread that awaits it; its
    RustNotify, which it wraps in a few lines, is used here directly for that (hence the pin below 2).
    """

    def __init__(self, root: Path) -> None:
        self.root = root
        self._stop = threading.Event()
        self._batches: queue.Queue[set[Path] | None] = queue.Queue()
        self._threads: list[threading.Thread] = []

    def start(self) -> Watcher:
        from watchfiles import DefaultFilter

        default = DefaultFilter()
        for paths, recursive, wanted in (
            (watched(self.root), True, lambda path: default(None, path)),  # type: ignore[arg-type]
            ([self.root], False, lambda path: Path(path).name == CONFIG_NAME),
        ):
            if paths:
                thread = threading.Thread(target=self._watch, args=(_notifier(paths, recursive), wanted), daemon=True,
                                          name="paperpress-watch")
                self._threads.append(thread)
                thread.start()
        return self

    def __iter__(self) -> Iterator[set[Path]]:
        """Each batch, merged with any that came while the last one was being made (one refresh for both);
        it ends within a wake-up once `stop_soon` is called, from a signal handler too."""
        while not self._stop.is_set():
            try:
                batch = self._batches.get(timeout=_WAKE_MS / 1000)
            except queue.Empty:
                continue
            if batch is None:
                return
            while True:
                try:
                    more = self._batches.get_nowait()
                except queue.Empty:
                    break
                if more is None:
                    return
                batch |= more
            yield batch

    def stop_soon(self) -> None:
        """Asks the watches and the iteration to end; for a signal handler: both only read the flag."""
        self._stop.set()

    def stop(self) -> None:
        self._stop.set()
        self._batches.put(None)
        for thread in self._threads:
            thread.join()

    def _watch(self, notifier: Any, wanted: Callable[[str], bool]) -> None:
        with notifier:
            while not self._stop.is_set():
                raw = notifier.watch(DEBOUNCE_MS, STEP_MS, _WAKE_MS, self._stop)
                if raw in ("stop", "signal"):
                    return
                if raw == "timeout":
                    continue
                found = {Path(path) for _, path in raw if wanted(path)}
                if found:
                    self._batches.put(found)


def _notifier(paths: list[Path], recursive: bool) -> Any:
    """watchfiles' RustNotify over `paths`, its watches in place when it returns."""
    from watchfiles._rust_notify import RustNotify

    return RustNotify([str(p) for p in paths], False, False, 300, recursive, False)
