"""The Edition contract, held against every registered edition: main file first, reproducible, writes nothing."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest

from paperpress.cache import Caches
from paperpress.editions.base import BuildInfo, edition
from paperpress.load import load_config, load_issue
from paperpress.registry import EDITIONS
from paperpress.templates import Layouts
from tests.support import FIXTURES, copy_publication, require_tool


def _tree(root: Path) -> dict[str, tuple[int, int]]:
    """Every file and folder under `root`, with its size and modification time."""
    found = {}
    for folder, dirs, files in os.walk(root):
        for name in dirs + files:
            st = os.lstat(os.path.join(folder, name))
            found[os.path.relpath(os.path.join(folder, name), root)] = (st.st_size, st.st_mtime_ns)
    return found


@pytest.mark.slow
@pytest.mark.parametrize("name", list(EDITIONS))
def test_an_edition_gives_its_main_file_first_the_same_bytes_twice_and_writes_nothing(name: str, tmp_path: Path) -> None:
    if name in ("audio", "read-aloud"):
        require_tool("espeak-ng")
    root = copy_publication(FIXTURES / "minimal", tmp_path / "pub")
    config = load_config(root).value
    assert config is not None
    issue = load_issue(root, config, root / "issues" / "issue-7.yaml").value
    assert issue is not None
    layouts = Layouts.for_publication(root)
    before = _tree(root)
    info = BuildInfo(dt.datetime(2026, 3, 6, 12, tzinfo=dt.UTC), config, caches=Caches(root))
    made = edition(name).render(issue, layouts, info)
    spec = EDITIONS[name]
    assert made[0].file == spec.main_file(issue.name) and made[0].media_type == spec.media_type
    assert len({output.file for output in made}) == len(made)  # no file twice
    assert all(output.data for output in made)
    # What it made for the cache waits for the build to write the issue; only the publication's templates,
    # compiled as they are first used, are kept at once (templates.py), and they hold nothing of the copy.
    compiled = {path for path in _tree(root).keys() - before.keys() if path.startswith(".paperpress-cache")}
    assert {p.split(os.sep)[1] for p in compiled if os.sep in p} <= {"layouts"}
    before = _tree(root)
    again = edition(name).render(issue, layouts, BuildInfo(info.timestamp, config, caches=Caches(root)))
    assert again == made
    assert _tree(root) == before
    info.caches.commit()
    if name != "txt":  # the text edition keeps nothing; the others keep photos, fonts or speech
        assert _tree(root) != before
