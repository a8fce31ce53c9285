"""Writes under the output folder: atomic, all or none, contained, locked, and quiet when nothing changed."""

from __future__ import annotations

import errno
import os
import stat
import threading
from pathlib import Path

import pytest

from paperpress.output import write
from paperpress.output.write import (
    TEMP_PREFIX,
    TEMP_SUFFIX,
    OutsideOutput,
    contained,
    contained_all,
    locked,
    remove_stale_temps,
    write_all_atomic,
    write_atomic,
    write_if_changed,
)


class Waited(Exception):
    """Raised by `on_wait`, so a test learns the lock was busy without blocking on it."""


def _must_not_wait() -> None:
    raise AssertionError("the lock was free; nothing should have waited")


def _raise_waited() -> None:
    raise Waited


def _temps(folder: Path) -> list[Path]:
    return [p for p in folder.rglob("*") if p.name.startswith(TEMP_PREFIX)]


def test_write_atomic_makes_folders_and_leaves_no_temporary_file(tmp_path: Path) -> None:
    target = tmp_path / "dist/issue-7/issue-7.txt"
    write_atomic(target, b"the issue")
    assert target.read_bytes() == b"the issue"
    assert target.stat().st_mode & 0o777 == 0o644
    assert _temps(tmp_path) == []


def test_write_atomic_replaces_an_existing_file(tmp_path: Path) -> None:
    target = tmp_path / "issue-7.txt"
    target.write_bytes(b"old and longer content")
    write_atomic(target, b"new")
    assert target.read_bytes() == b"new"


def test_a_full_disk_leaves_the_old_file_and_no_temporary_file(tmp_path: Path, monkeypatch) -> None:
    target = tmp_path / "issue-1.fake"
    target.write_bytes(b"old content")

    def full_disk(fd: int) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "fsync", full_disk)
    with pytest.raises(OSError):
        write_atomic(target, b"new content")
    assert target.read_bytes() == b"old content"
    assert _temps(tmp_path) == []


def test_write_all_atomic_renames_nothing_until_every_file_is_written(tmp_path: Path, monkeypatch) -> None:
    first, second = tmp_path / "a.txt", tmp_path / "b.txt"
    first.write_bytes(b"old a")
    second.write_bytes(b"old b")
    real_fsync = os.fsync
    calls = []

    def fail_on_second(fd: int) -> None:
        calls.append(fd)
        if len(calls) == 2:
            raise OSError(errno.EFBIG, "File too large")
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", fail_on_second)
    with pytest.raises(OSError):
        write_all_atomic({first: b"new a", second: b"new b"})
    assert (first.read_bytes(), second.read_bytes()) == (b"old a", b"old b")
    assert _temps(tmp_path) == []


def test_write_all_atomic_writes_every_file(tmp_path: Path) -> None:
    files = {tmp_path / "one/a.txt": b"a", tmp_path / "two/b.txt": b"b"}
    write_all_atomic(files)
    assert {path: path.read_bytes() for path in files} == files


def test_write_all_atomic_leaves_alone_a_file_that_holds_its_bytes(tmp_path: Path) -> None:
    same, other, mode = tmp_path / "photos/a.webp", tmp_path / "b.html", tmp_path / "c.css"
    write_all_atomic({same: b"photo", other: b"page", mode: b"rules"})
    mode.chmod(0o600)
    before = {path: os.stat(path) for path in (same, other, mode)}
    write_all_atomic({same: b"photo", other: b"PAGE", mode: b"rules"})
    assert (os.stat(same).st_ino, os.stat(same).st_mtime_ns) == (before[same].st_ino, before[same].st_mtime_ns)
    assert os.stat(other).st_ino != before[other].st_ino and other.read_bytes() == b"PAGE"
    assert os.stat(mode).st_mode & 0o777 == 0o644  # the same bytes, but not readable as written: replaced
    assert _temps(tmp_path) == []


def test_write_if_changed_writes_only_a_difference(tmp_path: Path, monkeypatch) -> None:
    target = tmp_path / "feed.xml"
    assert write_if_changed(target, b"<feed/>") is True
    assert target.read_bytes() == b"<feed/>"

    writes = []
    monkeypatch.setattr(write, "write_atomic", lambda path, data: writes.append((path, data)))
    assert write_if_changed(target, b"<feed/>") is False
    assert writes == []
    assert write_if_changed(target, b"<feed2>") is True  # the same size, other bytes
    assert writes == [(target, b"<feed2>")]


def test_contained_returns_the_path_below_the_output_folder(tmp_path: Path) -> None:
    out = tmp_path / "dist"
    (out / "issue-7").mkdir(parents=True)
    assert contained(out, "issue-7", "issue-7.epub") == (out / "issue-7/issue-7.epub").resolve()
    assert contained(out, "not-yet", "made.txt") == (out / "not-yet/made.txt").resolve()


def test_contained_refuses_a_path_outside_the_output_folder(tmp_path: Path) -> None:
    out = tmp_path / "dist"
    out.mkdir()
    with pytest.raises(OutsideOutput) as refused:
        contained(out, "..", "elsewhere.txt")
    assert refused.value.reason == f"is outside {out}"
    assert refused.value.hint == "choose output names inside the output folder"
    assert refused.value.path == tmp_path / "elsewhere.txt"


def test_contained_refuses_a_symbolic_link_on_the_way(tmp_path: Path) -> None:
    out = tmp_path / "dist"
    out.mkdir()
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (out / "issue-7").symlink_to(elsewhere)
    with pytest.raises(OutsideOutput) as refused:
        contained(out, "issue-7", "issue-7.txt")
    assert refused.value.path == out / "issue-7"
    assert refused.value.reason == "is a symbolic link"
    assert "remove the link (issue-7)" in refused.value.hint


def test_contained_all_checks_each_file_as_contained_does(tmp_path: Path) -> None:
    out = tmp_path / "dist"
    (out / "issue-7/web/photos").mkdir(parents=True)
    files = ["issue-7/web/index.html", "issue-7/web/photos/a.webp", "issue-7/web/photos/../../issue-7.txt"]
    assert contained_all(out, files) == [contained(out, *f.split("/")) for f in files]
    assert contained_all(out, files)[2] == (out / "issue-7/issue-7.txt").resolve()
    (out / "issue-7/web/photos/b.webp").symlink_to(tmp_path / "victim")
    with pytest.raises(OutsideOutput, match="is a symbolic link"):  # the folders were checked, the file still is
        contained_all(out, ["issue-7/web/photos/a.webp", "issue-7/web/photos/b.webp"])
    with pytest.raises(OutsideOutput, match="is outside"):
        contained_all(out, ["issue-7/web/index.html", "issue-7/../../elsewhere.txt"])


def test_contained_refuses_a_link_as_the_file_itself(tmp_path: Path) -> None:
    out = tmp_path / "dist"
    out.mkdir()
    (out / "SHA256SUMS").symlink_to(tmp_path / "victim")
    with pytest.raises(OutsideOutput, match="is a symbolic link"):
        contained(out, "SHA256SUMS")


def test_contained_refuses_a_file_where_a_folder_must_be(tmp_path: Path) -> None:
    out = tmp_path / "dist"
    out.mkdir()
    (out / "issue-7").write_text("a file")
    with pytest.raises(OutsideOutput) as refused:
        contained(out, "issue-7", "issue-7.txt")
    assert refused.value.reason == "is a file, not a folder"
    assert str(refused.value) == f"{out / 'issue-7'} is a file, not a folder"


def test_remove_stale_temps_deletes_only_temporary_files(tmp_path: Path) -> None:
    out = tmp_path / "dist"
    (out / "issue-1").mkdir(parents=True)
    stale = [out / f"{TEMP_PREFIX}SHA256SUMS.0123456789ab{TEMP_SUFFIX}",
             out / "issue-1" / f"{TEMP_PREFIX}issue-1.pdf.ba9876543210{TEMP_SUFFIX}"]
    kept = [out / "issue-1/issue-1.pdf", out / "notes.tmp", out / f"{TEMP_PREFIX}state.json"]
    for path in stale + kept:
        path.write_bytes(b"x")
    assert remove_stale_temps(out) == 2
    assert not any(p.exists() for p in stale)
    assert all(p.exists() for p in kept)


def test_remove_stale_temps_looks_in_every_folder_but_never_through_a_link(tmp_path: Path) -> None:
    out = tmp_path / "dist"
    deep = out / "issue-1" / "web" / "photos"
    deep.mkdir(parents=True)
    (deep / f"{TEMP_PREFIX}a.jpg.0123456789ab{TEMP_SUFFIX}").write_bytes(b"x")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / f"{TEMP_PREFIX}b.0123456789ab{TEMP_SUFFIX}").write_bytes(b"x")
    (out / "issue-2").symlink_to(elsewhere, target_is_directory=True)
    assert remove_stale_temps(out) == 1
    assert list(deep.iterdir()) == [] and len(list(elsewhere.iterdir())) == 1


def test_remove_stale_temps_without_an_output_folder_is_zero(tmp_path: Path) -> None:
    assert remove_stale_temps(tmp_path / "dist") == 0


def test_a_free_lock_is_taken_without_waiting_and_writes_nothing(tmp_path: Path) -> None:
    out = tmp_path / "pub/dist"
    with locked(out, _must_not_wait):
        assert list((tmp_path / "pub").iterdir()) == []
    with locked(out, _must_not_wait):  # released at the end of the first
        pass


def test_a_held_lock_tells_the_second_builder_before_it_waits(tmp_path: Path) -> None:
    out = tmp_path / "pub/dist"
    with locked(out, _must_not_wait):
        with pytest.raises(Waited), locked(out, _raise_waited):
            raise AssertionError("the second build ran while the first held the lock")
        # A sibling output folder in the same publication takes turns too.
        with pytest.raises(Waited), locked(tmp_path / "pub/preview", _raise_waited):
            pass
    with locked(out, _must_not_wait):
        pass


def test_many_files_wait_for_the_disk_at_the_same_time(tmp_path: Path, monkeypatch) -> None:
    real_fsync, together = os.fsync, threading.Barrier(2, timeout=10)

    def fsync_in_pairs(fd: int) -> None:
        if stat.S_ISREG(os.fstat(fd).st_mode):  # a file's, not the folder's after the renames
            together.wait()  # passes only when a second file is being made durable at the same time
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", fsync_in_pairs)
    files = {tmp_path / f"page-{n}.html": f"page {n}".encode() for n in range(4)}
    write_all_atomic(files)
    assert {path: path.read_bytes() for path in files} == files and _temps(tmp_path) == []


def test_a_file_already_there_is_written_over_and_the_output_folder_may_itself_be_a_link(tmp_path: Path) -> None:
    """Only what lies below the output folder must be real: dist/ may be a link to a bigger disk."""
    real = tmp_path / "big-disk"
    (real / "issue-7").mkdir(parents=True)
    (real / "issue-7" / "issue-7.txt").write_text("last week's")
    out = tmp_path / "dist"
    out.symlink_to(real)
    assert contained(out, "issue-7", "issue-7.txt") == real / "issue-7" / "issue-7.txt"
    assert contained_all(out, ["issue-7/issue-7.txt"]) == [real / "issue-7" / "issue-7.txt"]


def test_the_hint_names_the_file_that_stands_where_a_folder_must(tmp_path: Path) -> None:
    out = tmp_path / "dist"
    out.mkdir()
    (out / "issue-7").write_text("a file")
    with pytest.raises(OutsideOutput) as refused:
        contained_all(out, ["issue-7/issue-7.txt"])
    assert refused.value.hint == "move or delete the file issue-7; paperpress makes the folder itself"


def test_contained_all_finds_a_link_in_the_middle_of_a_path_and_looks_at_each_folder_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "dist"
    (out / "issue-7/web").mkdir(parents=True)
    looked: list[str] = []
    real_lstat = os.lstat
    monkeypatch.setattr(write.os, "lstat", lambda p: looked.append(os.fspath(p)) or real_lstat(p))
    contained_all(out, ["issue-7/web/a.html", "issue-7/web/b.html"])
    below = [p for p in looked if p.startswith(os.fspath(out) + os.sep)]  # resolving dist/ itself looks above it
    assert sorted(below) == sorted(os.path.join(out, p) for p in ("issue-7", "issue-7/web", "issue-7/web/a.html", "issue-7/web/b.html"))
    monkeypatch.undo()
    (out / "issue-8").symlink_to(tmp_path)
    with pytest.raises(OutsideOutput, match="is a symbolic link"):
        contained_all(out, ["issue-8/web/a.html"])


def test_a_write_that_fails_before_any_temporary_file_exists_raises_its_own_error(tmp_path: Path) -> None:
    """The clean-up after a failure must not hide it behind a missing temporary file of its own."""
    (tmp_path / "a-file").write_text("in the way")
    with pytest.raises(FileExistsError):
        write_all_atomic({tmp_path / "a-file" / "x.txt": b"x", tmp_path / "ok.txt": b"y"})
    assert _temps(tmp_path) == []
