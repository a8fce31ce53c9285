"""Recorded states: what an issue read and wrote, written after its files, read back or refused when torn."""

from __future__ import annotations

import hashlib
import time
from pathlib import Path

from paperpress.output import state as fingerprint
from paperpress.output.state import (
    STATE_NAME,
    IssueState,
    OutputRecord,
    current_inputs,
    input_records,
    inputs_digest,
    output_is_current,
    read_state,
    record_build,
    save_state,
    settings_digest,
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


def test_settings_digest_follows_options_and_source_date(tmp_path: Path) -> None:
    (tmp_path / "paperpress.yaml").write_text("title: T\n")
    plain = settings_digest(tmp_path, {}, "")
    assert settings_digest(tmp_path, {}, "") == plain
    assert settings_digest(tmp_path, {"pdf_profile": "print"}, "") != plain
    assert settings_digest(tmp_path, {}, "1700000000") != plain
