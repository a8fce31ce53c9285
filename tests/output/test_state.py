"""Recorded states: what an issue read and wrote, written after its files, read back or refused when torn."""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import time
import types
from pathlib import Path

import pytest

from paperpress.output import state as fingerprint
from paperpress.output.state import (
    STATE_NAME,
    FileRecord,
    IssueState,
    OutputRecord,
    companion,
    current_inputs,
    edition_of,
    input_records,
    inputs_digest,
    library_versions,
    output_fingerprints,
    output_is_current,
    read_state,
    record_build,
    record_file,
    save_state,
    settings_digest,
    sha256_file,
    state_bytes,
)


def _state(inputs: dict, outputs: dict | None = None) -> IssueState:
    return IssueState("issue-7", 7, "2026-03-06", {"title": "A small issue"}, inputs, outputs or {}, ("a warning",))


def _old_files(root: Path) -> dict:
    (root / "a.md").write_text("first")
    (root / "b.png").write_bytes(b"png")
    return input_records(root, [("a.md", None), ("b.png", b"png")], time.time_ns() + 10 * fingerprint.RACY_NS)


def test_input_records_hash_what_was_read_and_distrust_a_file_changed_while_loading(tmp_path: Path) -> None:
    records = _old_files(tmp_path)
    assert records["a.md"].sha256 == hashlib.sha256(b"first").hexdigest()
    assert records["b.png"].sha256 == hashlib.sha256(b"png").hexdigest()
    assert inputs_digest(records) is not None
    racy = input_records(tmp_path, [("a.md", None)], 0)  # loading began before the file's last change
    assert racy["a.md"].sha256 is None and inputs_digest(racy) is None


def test_record_build_keeps_earlier_kinds_and_makes_the_outputs_current(tmp_path: Path) -> None:
    folder = tmp_path / "dist" / "issue-7"
    folder.mkdir(parents=True)
    inputs = _old_files(tmp_path)
    kept = OutputRecord("issue-7.pdf", "application/pdf", 3, "x", 1, "pdf-print", "old")
    save_state(folder, _state(inputs, {"pdf": kept}))
    (folder / "issue-7.txt").write_bytes(b"text\n")
    record_build(folder, _state(inputs), {"txt": ("issue-7.txt", "text/plain", b"text\n")}, {"txt": "txt-print"})
    state = read_state(folder)
    assert state is not None and set(state.outputs) == {"txt", "pdf"} and state.outputs["pdf"] == kept
    txt = state.outputs["txt"]
    assert (txt.size, txt.sha256) == (5, hashlib.sha256(b"text\n").hexdigest())
    assert output_is_current(folder, txt, "txt-print", inputs_digest(inputs))
    assert not output_is_current(folder, txt, "txt-other-settings", inputs_digest(inputs))
    (folder / "issue-7.txt").write_bytes(b"edited by hand\n")
    assert not output_is_current(folder, txt, "txt-print", inputs_digest(inputs))
    assert state.warnings == ("a warning",) and state.inputs == inputs


def test_a_rebuilt_edition_drops_the_companions_it_no_longer_makes(tmp_path: Path) -> None:
    folder = tmp_path / "dist" / "issue-7"
    (folder / "audio").mkdir(parents=True)
    inputs = _old_files(tmp_path)
    old = {kind: OutputRecord(file, "audio/mpeg", 1, "x", 1, "audio-fp", "old") for kind, file in [
        ("audio", "issue-7.mp3"), ("audio/audio/issue-7-01-a.mp3", "audio/issue-7-01-a.mp3"),
        ("audio/audio/issue-7-02-b.mp3", "audio/issue-7-02-b.mp3"),
    ]}
    kept = OutputRecord("issue-7.pdf", "application/pdf", 3, "x", 1, "pdf-print", "old")
    save_state(folder, _state(inputs, {**old, "pdf": kept}))
    written = {"audio": ("issue-7.mp3", "audio/mpeg", b"all"), "audio/audio/issue-7-01-a.mp3": ("audio/issue-7-01-a.mp3", "audio/mpeg", b"a")}
    for file, _, data in written.values():
        (folder / file).write_bytes(data)
    gone = record_build(folder, _state(inputs), written, {"audio": "audio-fp2"}, rebuilt=("audio",))
    assert [record.file for record in gone] == ["audio/issue-7-02-b.mp3"]
    state = read_state(folder)
    assert state is not None and set(state.outputs) == {"audio", "audio/audio/issue-7-01-a.mp3", "pdf"}
    assert state.outputs["audio/audio/issue-7-01-a.mp3"].fingerprint == "audio-fp2"  # its edition's fingerprint


def test_a_spoken_output_keeps_its_length_until_it_is_rebuilt_and_other_records_say_none(tmp_path: Path) -> None:
    folder = tmp_path / "dist" / "issue-7"
    (folder / "audio").mkdir(parents=True)
    inputs = _old_files(tmp_path)
    written = {"audio": ("audio/issue-7.mp3", "audio/mpeg", b"all"), "txt": ("issue-7.txt", "text/plain", b"text\n")}
    for file, _, data in written.values():
        (folder / file).write_bytes(data)
    record_build(folder, _state(inputs), written, {"audio": "audio-fp", "txt": "txt-fp"}, ("audio", "txt"), {"audio": 61})
    raw = json.loads((folder / STATE_NAME).read_bytes())["outputs"]
    assert raw["audio"]["seconds"] == 61 and "seconds" not in raw["txt"]  # a state without audio is as it was
    record_build(folder, _state(inputs), {"txt": written["txt"]}, {"txt": "txt-fp"}, ("txt",))
    state = read_state(folder)
    assert state is not None and (state.outputs["audio"].seconds, state.outputs["txt"].seconds) == (61, None)
    record_build(folder, _state(inputs), {"audio": written["audio"]}, {"audio": "audio-fp"}, ("audio",), {"audio": 0})
    state = read_state(folder)
    assert state is not None and state.outputs["audio"].seconds == 0  # measured: the file does not say


def test_a_torn_or_foreign_state_reads_as_none(tmp_path: Path) -> None:
    save_state(tmp_path, _state({}))
    assert read_state(tmp_path) is not None
    (tmp_path / STATE_NAME).write_bytes((tmp_path / STATE_NAME).read_bytes()[:30])
    assert read_state(tmp_path) is None
    (tmp_path / STATE_NAME).write_text('{"format": 999}')
    assert read_state(tmp_path) is None


def test_current_inputs_notice_an_edit_and_a_removal(tmp_path: Path) -> None:
    records = _old_files(tmp_path)
    now = current_inputs(tmp_path, records)
    assert now is not None and inputs_digest(now[0]) == inputs_digest(records)
    (tmp_path / "a.md").write_text("second")
    now = current_inputs(tmp_path, records)
    assert now is not None and inputs_digest(now[0]) != inputs_digest(records)
    (tmp_path / "b.png").unlink()
    assert current_inputs(tmp_path, records) is None


def test_settings_digest_covers_every_edition_s_code(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Not only output/'s own modules (as once it did, after the move from a module at the top of the tree):
    a change to an edition's code must make its outputs stale."""
    hashed: list[Path] = []
    real = fingerprint.sha256_file
    monkeypatch.setattr(fingerprint, "sha256_file", lambda path: hashed.append(path) or real(path))
    settings_digest(tmp_path, {}, "")
    package = Path(fingerprint.__file__).parent.parent
    assert {package / "editions" / "text.py", package / "editions" / "pdf" / "edition.py", package / "build.py"} <= set(hashed)


def test_settings_digest_follows_options_and_source_date(tmp_path: Path) -> None:
    (tmp_path / "paperpress.yaml").write_text("title: T\n")
    plain = settings_digest(tmp_path, {}, "")
    assert settings_digest(tmp_path, {}, "") == plain
    assert settings_digest(tmp_path, {"pdf_profile": "print"}, "") != plain
    assert settings_digest(tmp_path, {}, "1700000000") != plain


def test_a_companion_is_recorded_under_its_edition() -> None:
    assert companion("audio", "audio/issue-7-01-vote.mp3") == "audio/audio/issue-7-01-vote.mp3"
    assert [edition_of(k) for k in ("pdf", "audio/audio/issue-7-01-vote.mp3")] == ["pdf", "audio"]


def test_a_file_changed_just_before_loading_began_is_distrusted_and_one_older_is_hashed(tmp_path: Path) -> None:
    (tmp_path / "a.md").write_text("first")
    changed = max(os.stat(tmp_path / "a.md").st_mtime_ns, os.stat(tmp_path / "a.md").st_ctime_ns)
    assert record_file(tmp_path / "a.md", changed + fingerprint.RACY_NS).sha256 is None  # at the edge: racy
    older = record_file(tmp_path / "a.md", changed + fingerprint.RACY_NS + 1)
    assert older.sha256 == hashlib.sha256(b"first").hexdigest()
    assert (older.size, older.ino) == (5, os.stat(tmp_path / "a.md").st_ino)
    assert record_file(tmp_path / "a.md", changed + 2 * fingerprint.RACY_NS, b"as read").sha256 == hashlib.sha256(b"as read").hexdigest()
    big = tmp_path / "big"
    big.write_bytes(bytes(range(256)) * 8193)  # past the 1 MiB a read takes at a time
    assert sha256_file(big) == hashlib.sha256(big.read_bytes()).hexdigest()


def test_the_inputs_digest_covers_each_path_and_its_content_in_any_order() -> None:
    one = FileRecord(1, 1, 1, 1, "aa")
    two = FileRecord(1, 1, 1, 2, "bb")
    digest = inputs_digest({"a.md": one, "b.md": two})
    assert digest == inputs_digest({"b.md": two, "a.md": one})
    assert digest == hashlib.sha256(b"a.md\0aa\nb.md\0bb\n").hexdigest()
    assert inputs_digest({"a.md": one, "c.md": two}) != digest
    assert inputs_digest({"a.md": one, "b.md": FileRecord(1, 1, 1, 2, None)}) is None


def test_a_settled_unmoved_file_is_not_read_again_and_a_touched_one_is_rehashed_and_refreshed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    records = _old_files(tmp_path)
    monkeypatch.setattr(fingerprint, "SETTLE_NS", -10**12)  # every stat counts as settled: from the future on
    monkeypatch.setattr(fingerprint, "sha256_file", lambda path: pytest.fail(f"{path} was read again"))
    assert current_inputs(tmp_path, records) == (records, False)
    monkeypatch.undo()
    monkeypatch.setattr(fingerprint, "SETTLE_NS", -10**12)
    os.utime(tmp_path / "a.md", ns=(1, 1))  # same bytes, new times: hashed again, and worth saving
    now, refreshed = current_inputs(tmp_path, records) or ({}, False)
    assert refreshed and now["a.md"].sha256 == records["a.md"].sha256 and now["a.md"].mtime_ns == 1
    monkeypatch.setattr(fingerprint, "SETTLE_NS", 10**12)  # nothing settled yet: hashed again, nothing to save
    assert current_inputs(tmp_path, records)[1] is False  # type: ignore[index]
    (tmp_path / "a.md").write_text("longer now")
    now, _ = current_inputs(tmp_path, records) or ({}, False)
    assert now["a.md"].sha256 == "changed" and now["a.md"].size == 10  # another size: changed without a read
    (tmp_path / "a.md").write_text("tsrif")
    now, _ = current_inputs(tmp_path, records) or ({}, False)
    assert now["a.md"].sha256 == hashlib.sha256(b"tsrif").hexdigest()


def test_an_unknown_record_is_hashed_again_whatever_its_stat(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "a.md").write_text("first")
    racy = input_records(tmp_path, [("a.md", None)], 0)
    monkeypatch.setattr(fingerprint, "SETTLE_NS", -10**12)
    now, refreshed = current_inputs(tmp_path, racy) or ({}, True)
    assert now["a.md"].sha256 == hashlib.sha256(b"first").hexdigest() and not refreshed


def test_each_kind_is_fingerprinted_with_its_own_layouts_and_the_shared_ones(tmp_path: Path) -> None:
    for name in ("epub/a.html", "pdf/b.css", "macros/m.html", "catalog/index.html"):
        (tmp_path / name).parent.mkdir(exist_ok=True)
        (tmp_path / name).write_text(name)
    files = [(name, tmp_path / name) for name in ("epub/a.html", "pdf/b.css", "macros/m.html", "catalog/index.html")]
    folders = {"epub": "epub", "pdf": "pdf", "cover": None}

    def prints() -> dict[str, str]:
        return output_fingerprints("settings", files, folders)

    before = prints()
    assert len(set(before.values())) == 3
    (tmp_path / "pdf/b.css").write_text("changed")
    after = prints()
    assert (after["epub"], after["cover"]) == (before["epub"], before["cover"]) and after["pdf"] != before["pdf"]
    (tmp_path / "catalog/index.html").write_text("changed")
    assert prints() == after  # the catalog's folder is read by no edition
    (tmp_path / "macros/m.html").write_text("changed")
    shared = prints()
    assert shared["epub"] != after["epub"] and shared["pdf"] != after["pdf"] and shared["cover"] == after["cover"]
    assert output_fingerprints("other settings", files, folders)["cover"] != shared["cover"]


def test_an_output_is_current_only_as_recorded_from_these_settings_and_inputs(tmp_path: Path) -> None:
    (tmp_path / "issue-7.txt").write_bytes(b"text\n")
    st = os.stat(tmp_path / "issue-7.txt")
    record = OutputRecord("issue-7.txt", "text/plain", 5, "x", st.st_mtime_ns, "fp", "in")
    assert output_is_current(tmp_path, record, "fp", "in")
    assert not output_is_current(tmp_path, record, "fp", None)
    assert not output_is_current(tmp_path, record, "fp", "other inputs")
    assert not output_is_current(tmp_path, dataclasses.replace(record, size=6), "fp", "in")
    assert not output_is_current(tmp_path, dataclasses.replace(record, mtime_ns=st.st_mtime_ns + 1), "fp", "in")
    assert not output_is_current(tmp_path, dataclasses.replace(record, file="gone.txt"), "fp", "in")


def test_a_state_is_written_sorted_readable_and_whole_and_read_back_the_same(tmp_path: Path) -> None:
    record = FileRecord(5, 1, 2, 3, "aa")
    out = OutputRecord("issue-7.txt", "text/plain", 5, "x", 1, "fp", "in")
    state = IssueState("issue-7", 7, "2026-03-06", {"cover_line": "Café"}, {"b.md": record, "a.md": record},
                       {"txt": out, "epub": out})
    data = state_bytes(state)
    assert data.endswith(b"}\n") and "Café".encode() in data and b'"format": 1' in data
    assert data.index(b'"a.md"') < data.index(b'"b.md"') and data.index(b'"epub"') < data.index(b'"txt"')
    save_state(tmp_path, state)
    assert read_state(tmp_path) == state
    older = data.replace(b',\n "warnings": []', b"")  # a state written before warnings were kept
    assert b"warnings" not in older
    (tmp_path / STATE_NAME).write_bytes(older)
    assert read_state(tmp_path) == state
    (tmp_path / STATE_NAME).write_bytes(data.replace(b'"format": 1', b'"format": 2'))
    assert read_state(tmp_path) is None
    (tmp_path / STATE_NAME).write_bytes(b"[]")
    assert read_state(tmp_path) is None


def test_settings_follow_the_configuration_and_the_fonts_but_not_a_bytecode_cache(tmp_path: Path) -> None:
    plain = settings_digest(tmp_path, {}, "")
    (tmp_path / "paperpress.yaml").write_text("title: T\n")
    configured = settings_digest(tmp_path, {}, "")
    assert configured != plain
    (tmp_path / "fonts" / "__pycache__").mkdir(parents=True)
    (tmp_path / "fonts" / "__pycache__" / "x.pyc").write_bytes(b"x")
    (tmp_path / "fonts" / "sub").mkdir()
    assert settings_digest(tmp_path, {}, "") == configured
    (tmp_path / "fonts" / "house.ttf").write_bytes(b"font")
    with_font = settings_digest(tmp_path, {}, "")
    assert with_font != configured
    (tmp_path / "fonts" / "house.ttf").rename(tmp_path / "fonts" / "other.ttf")
    assert settings_digest(tmp_path, {}, "") != with_font  # the same bytes under another name
    assert settings_digest(tmp_path, {"a": "1", "b": "2"}, "") == settings_digest(tmp_path, {"b": "2", "a": "1"}, "")


def test_a_library_that_is_not_installed_is_recorded_as_absent(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(fingerprint, "LIBRARIES", ("jinja2", "no-such-library-here"))
    fingerprint._library_versions.cache_clear()
    try:
        found = library_versions()
        assert found["no-such-library-here"] == "absent" and found["jinja2"] not in ("", "absent")
        found["jinja2"] = "changed"
        assert library_versions()["jinja2"] != "changed"  # a copy: the cached answer cannot be changed
    finally:
        fingerprint._library_versions.cache_clear()


def test_a_stat_exactly_as_old_as_the_settling_time_is_not_trusted_yet(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The edge of SETTLE_NS: a file changed exactly that long ago may still change within the same tick."""
    records = _old_files(tmp_path)
    ctime = records["a.md"].ctime_ns
    monkeypatch.setattr(fingerprint, "time", types.SimpleNamespace(time_ns=lambda: ctime + fingerprint.SETTLE_NS))
    read: list[Path] = []
    monkeypatch.setattr(fingerprint, "sha256_file", lambda path: read.append(path) or records["a.md"].sha256)
    now, refreshed = current_inputs(tmp_path, {"a.md": records["a.md"]}) or ({}, True)
    assert read == [tmp_path / "a.md"] and now == {"a.md": records["a.md"]} and not refreshed
    os.utime(tmp_path / "a.md", ns=(1, 1))
    st = os.stat(tmp_path / "a.md")
    monkeypatch.setattr(fingerprint, "time", types.SimpleNamespace(time_ns=lambda: st.st_ctime_ns + fingerprint.SETTLE_NS))
    now, refreshed = current_inputs(tmp_path, {"a.md": records["a.md"]}) or ({}, True)
    assert now == {"a.md": FileRecord(st.st_size, 1, st.st_ctime_ns, st.st_ino, records["a.md"].sha256)}
    assert not refreshed  # touched just now: saving it would only have it checked again


def test_a_states_bytes_are_pinned_because_every_earlier_build_wrote_its_state_so() -> None:
    """A state another version wrote must read back: the format changes only with STATE_FORMAT."""
    record = FileRecord(5, 1, 2, 3, "aa")
    out = OutputRecord("issue-7.txt", "text/plain", 5, "x", 1, "fp", "in")
    data = state_bytes(IssueState("issue-7", 7, "2026-03-06", {"cover_line": "Café"}, {"b.md": record}, {"txt": out}, ("w",)))
    assert json.loads(data) == {
        "catalog": {"cover_line": "Café"}, "date": "2026-03-06", "format": 1,
        "inputs": {"b.md": {"ctime_ns": 2, "ino": 3, "mtime_ns": 1, "sha256": "aa", "size": 5}},
        "name": "issue-7", "number": 7,
        "outputs": {"txt": {"file": "issue-7.txt", "fingerprint": "fp", "inputs": "in", "media_type": "text/plain",
                            "mtime_ns": 1, "sha256": "x", "size": 5}},
        "warnings": ["w"],
    }
    assert data.startswith('{\n "catalog": {\n  "cover_line": "Café"\n },\n "date"'.encode()) and data.endswith(b"]\n}\n")


def test_the_bytes_read_are_hashed_not_the_file_as_it_is_now(tmp_path: Path) -> None:
    (tmp_path / "a.md").write_text("saved again since")
    records = input_records(tmp_path, [("a.md", b"as read")], time.time_ns() + 10 * fingerprint.RACY_NS)
    assert records["a.md"].sha256 == hashlib.sha256(b"as read").hexdigest()


def test_a_change_to_paperpress_own_code_changes_the_settings_but_not_other_files_beside_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    package = tmp_path / "package"
    (package / "editions").mkdir(parents=True)
    (package / "editions" / "text.py").write_text("WIDTH = 72\n")
    monkeypatch.setattr(fingerprint, "_PACKAGE", package)
    before = settings_digest(tmp_path, {}, "")
    (package / "editions" / "notes.txt").write_text("not code")
    assert settings_digest(tmp_path, {}, "") == before
    (package / "editions" / "text.py").write_text("WIDTH = 66\n")
    assert settings_digest(tmp_path, {}, "") != before
