"""The worker side of the Dask executor, in this process: the kit laid out once, and the task that renders one issue
into the same bytes as a local render, its content problems and bugs coming back as values."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from pathlib import Path

import pytest

from paperpress.errors import PaperpressError, Problem
from paperpress.options import BuildOptions
from paperpress.output.plan import Job
from paperpress.run.dask.kit import publication_kit
from paperpress.run.issue import Rendering, issue_work, open_publication
from tests.fakes import WITH_FAKES, make_archive
from tests.support import require_module

require_module("distributed", "Dask")  # an optional package: skipped without it here, a failure in CI
from paperpress.run.dask import worker as dask_worker  # noqa: E402 - ours: an error in it fails these tests wherever they run

FORMATS = ("fake", "txt")


@pytest.fixture
def pub(tmp_path: Path) -> Path:
    root = make_archive(tmp_path / "pub", range(1, 3))
    (root / "layouts" / "pdf").mkdir(parents=True)
    (root / "layouts" / "pdf" / "print.css").write_text("/* house */\n")
    return root


class _Worker:
    """What `render` asks of the Dask worker it runs in: its plugins, its address, the task's key, the event log."""

    address = "tcp://127.0.0.1:4000"

    def __init__(self, plugins: dict[str, object]) -> None:
        self.plugins = plugins
        self.events: list[tuple[str, object]] = []

    def get_current_task(self) -> str:
        return "paperpress-issue-1-1"

    def log_event(self, topic: str, msg: object) -> None:
        self.events.append((topic, msg))


def _prepared(pub: Path, name: str = "issue-1") -> tuple[Rendering, dict[str, tuple[str, str, bytes]]]:
    """The issue as the executor ships it, and what a local render makes of it."""
    work = issue_work(open_publication(pub), pub / "dist", BuildOptions(FORMATS), WITH_FAKES)
    builder = work.open()
    prepared = builder.prepare(Job(name, FORMATS, False, "new"))
    assert isinstance(prepared, Rendering), prepared
    return prepared, builder.renderer(prepared)


@pytest.fixture
def plugin(pub: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[dask_worker.KitPlugin]:
    """The plugin set up as a worker would, and registered where `render` looks for it."""
    kit = publication_kit(pub, (), WITH_FAKES)
    made = dask_worker.KitPlugin(kit)
    made.setup(worker=None)
    worker = _Worker({kit.name: made})
    monkeypatch.setattr(dask_worker, "get_worker", lambda: worker)
    yield made
    made.teardown(worker=None)


def test_setup_lays_the_kit_out_in_a_private_folder_that_teardown_removes(pub: Path) -> None:
    kit = publication_kit(pub, (), WITH_FAKES)
    plugin = dask_worker.KitPlugin(kit)
    plugin.setup(worker=None)
    assert plugin._folder is not None
    folder = Path(plugin._folder.name)
    assert folder != pub and not folder.is_relative_to(pub)
    assert {p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()} == kit.files
    assert plugin.renderer is not None and plugin.renderer.registry == WITH_FAKES
    assert plugin.renderer.layouts.root == folder  # the worker's own copy, not the editor's folder
    assert dict(plugin.renderer.layouts.files())["pdf/print.css"] == folder / "layouts/pdf/print.css"  # the house's
    plugin.teardown(worker=None)
    assert not folder.exists()


def test_the_task_renders_the_same_bytes_as_a_local_render(pub: Path, plugin: dask_worker.KitPlugin) -> None:
    for name in ("issue-1", "issue-2"):
        prepared, local = _prepared(pub, name)
        kind, outputs = dask_worker.render(plugin.kit.name, prepared)
        assert kind == "outputs" and outputs == local and set(outputs) == set(FORMATS)
        assert name.encode() in outputs["fake"][2]


def test_the_task_says_when_it_starts_so_the_time_limit_counts_from_there(
    pub: Path, plugin: dask_worker.KitPlugin
) -> None:
    worker = dask_worker.get_worker()
    dask_worker.render(plugin.kit.name, _prepared(pub)[0])
    assert worker.events == [(dask_worker.STARTED, {"key": "paperpress-issue-1-1", "worker": "tcp://127.0.0.1:4000"})]


def test_the_task_keeps_its_renderer_warm_between_issues(pub: Path, plugin: dask_worker.KitPlugin) -> None:
    renderer = plugin.renderer
    dask_worker.render(plugin.kit.name, _prepared(pub, "issue-1")[0])
    assert plugin.renderer is renderer and renderer is not None
    editions = dict(renderer.editions)
    dask_worker.render(plugin.kit.name, _prepared(pub, "issue-2")[0])
    assert set(editions) == set(FORMATS) and all(renderer.editions[f] is editions[f] for f in FORMATS)


def test_a_bug_in_an_edition_comes_back_as_a_value_with_its_traceback(pub: Path, plugin: dask_worker.KitPlugin) -> None:
    prepared, _ = _prepared(pub)
    crashing = dataclasses.replace(prepared, issue=dataclasses.replace(prepared.issue, cover_line="crash"))
    kind, (what, trace) = dask_worker.render(plugin.kit.name, crashing)
    assert kind == "bug" and what == "RuntimeError: the fake edition has a bug"
    assert "Traceback" in trace and "fakes.py" in trace


def test_content_problems_come_back_as_problems(pub: Path, plugin: dask_worker.KitPlugin) -> None:
    problem = Problem(None, None, "epub", "issue-1.epub would be 60.0 MB", "export a smaller photo")

    def refuses(prepared: Rendering) -> dict[str, tuple[str, str, bytes]]:
        raise PaperpressError([problem])

    plugin.renderer = refuses  # type: ignore[assignment]
    assert dask_worker.render(plugin.kit.name, _prepared(pub)[0]) == ("problems", [problem])


def test_a_worker_without_the_plugin_set_up_is_told_so(pub: Path, plugin: dask_worker.KitPlugin) -> None:
    plugin.renderer = None
    with pytest.raises(AssertionError, match="the paperpress worker plugin was not set up"):
        dask_worker.render(plugin.kit.name, _prepared(pub)[0])
