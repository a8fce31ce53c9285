"""The preview hears saves through file events: in issues/, layouts/ and fonts/ with their subfolders, and
paperpress.yaml; not dist/ or the preview's own folder."""

from __future__ import annotations

import queue
import threading
from pathlib import Path

from paperpress.preview.watch import Watcher, watched


def test_the_watched_folders_are_those_that_exist(tmp_path: Path) -> None:
    (tmp_path / "issues").mkdir()
    (tmp_path / "layouts").mkdir()
    assert watched(tmp_path) == [tmp_path / "issues", tmp_path / "layouts"]


def test_a_save_is_heard_and_what_lies_beside_is_not(tmp_path: Path) -> None:
    (tmp_path / "issues" / "issue-7").mkdir(parents=True)
    (tmp_path / "dist").mkdir()
    (tmp_path / "paperpress.yaml").write_text("title: T\n")
    watcher = Watcher(tmp_path).start()
    batches: queue.Queue[set[Path]] = queue.Queue()
    reader = threading.Thread(target=lambda: [batches.put(b) for b in watcher], daemon=True)
    reader.start()
    try:
        (tmp_path / "dist" / "index.html").write_text("built\n")
        (tmp_path / "notes.txt").write_text("not the publication's\n")
        (tmp_path / "issues" / "issue-7" / "first.md").write_text("---\ntitle: T\n---\n")
        heard = batches.get(timeout=20)
        while tmp_path / "issues" / "issue-7" / "first.md" not in heard:
            heard |= batches.get(timeout=20)
        assert heard == {tmp_path / "issues" / "issue-7" / "first.md"}
        (tmp_path / "paperpress.yaml").write_text("title: U\n")
        assert batches.get(timeout=20) == {tmp_path / "paperpress.yaml"}
    finally:
        watcher.stop()
        reader.join(timeout=10)
    assert not reader.is_alive()


def test_asked_to_stop_from_a_signal_handler_the_iteration_ends_with_no_batch_to_wake_it(tmp_path: Path) -> None:
    """Ctrl-C's exception can be dropped by Python (raised while a finaliser runs); the handler's request to
    stop must end the preview's loop by itself, as the sentinel of `stop` would."""
    (tmp_path / "issues").mkdir()
    watcher = Watcher(tmp_path).start()
    reader = threading.Thread(target=lambda: list(watcher), daemon=True)
    reader.start()
    watcher.stop_soon()  # what the preview's handler does; no sentinel is put
    reader.join(timeout=30)
    try:
        assert not reader.is_alive()
    finally:
        watcher.stop()
