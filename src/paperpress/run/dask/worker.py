"""What runs inside a Dask worker: the publication kit laid out once, and the task that renders one issue.

Imported only where Dask is installed (on the workers, and by run/dask/executor.py once it has checked).
"""

from __future__ import annotations

import tempfile
import traceback
from pathlib import Path
from typing import Any

from distributed import WorkerPlugin, get_worker

from ...errors import PaperpressError
from ...templates import Layouts
from ..issue import Renderer, Rendering
from .kit import Kit

#: The topic a task logs its start under, with its key and worker: the client's time limit counts from it.
STARTED = "paperpress-started"


class KitPlugin(WorkerPlugin):
    """A Dask worker plugin: lays the kit out in a private folder once and keeps a warm Renderer."""

    def __init__(self, kit: Kit) -> None:
        self.kit = kit
        self.renderer: Renderer | None = None
        self._folder: tempfile.TemporaryDirectory[str] | None = None

    def setup(self, worker: Any) -> None:
        self._folder = tempfile.TemporaryDirectory(prefix="paperpress-kit-")
        root = Path(self._folder.name)
        for rel, data in self.kit.files.items():
            (root / rel).parent.mkdir(parents=True, exist_ok=True)
            (root / rel).write_bytes(data)
        self.renderer = Renderer(Layouts.for_publication(root), self.kit.editions)

    def teardown(self, worker: Any) -> None:
        if self._folder is not None:
            self._folder.cleanup()


def render(plugin: str, prepared: Rendering) -> tuple[str, Any]:
    """The task: ("outputs", kind → (file, media type, bytes)), ("problems", [...]) or ("bug", (what, traceback))."""
    worker = get_worker()
    worker.log_event(STARTED, {"key": str(worker.get_current_task()), "worker": worker.address})
    kit: KitPlugin = worker.plugins[plugin]  # type: ignore[assignment]
    assert kit.renderer is not None, "the paperpress worker plugin was not set up"
    try:
        return "outputs", kit.renderer(prepared)
    except PaperpressError as err:
        return "problems", list(err.problems)
    except Exception as err:  # noqa: BLE001 - isolates one issue's bug from the others, as locally
        return "bug", (f"{type(err).__name__}: {err}", traceback.format_exc())
