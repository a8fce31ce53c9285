"""The command line: exact output and exit status for check, new, --version and usage errors."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from paperpress import __version__
from paperpress.cli import app
from tests.support import FIXTURES, REPO, copy_publication, require_tool

runner = CliRunner()


def test_version() -> None:
    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0 and result.stdout == f"paperpress {__version__}\n"


def test_check_sample_issues() -> None:
    result = runner.invoke(app, ["check", "1140", "issue-1141", "issue-1142.yaml", "--root", str(REPO)])
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        "issue-1140: 4 articles in 3 sections, ok",
        "issue-1141: 4 articles in 3 sections, ok",
        "issue-1142: 14 articles in 5 sections, ok",
    ]


def test_unknown_issue_is_a_usage_error() -> None:
    result = runner.invoke(app, ["check", "999", "--root", str(REPO)])
    assert result.exit_code == 2
    assert result.stderr == "no issue 999: issues/issue-999.yaml does not exist (issues here: 1140, 1141, 1142)\n"


def test_unknown_format_is_a_usage_error(tmp_path: Path) -> None:
    result = runner.invoke(app, ["build", "7", "-f", "docx", "--root", str(FIXTURES / "minimal"), "--out", str(tmp_path)])
    assert result.exit_code == 2
    assert result.stderr.startswith("unknown format 'docx' (choose from txt")
    assert list(tmp_path.iterdir()) == []


def test_folder_without_config_is_a_usage_error(tmp_path: Path) -> None:
    result = runner.invoke(app, ["check", "7", "--root", str(tmp_path)])
    assert result.exit_code == 2 and "has no paperpress.yaml" in result.stderr


def test_root_is_found_from_a_subfolder(tmp_path: Path, monkeypatch) -> None:
    pub = copy_publication(FIXTURES / "minimal", tmp_path / "pub")
    monkeypatch.chdir(pub / "issues" / "issue-7")
    result = runner.invoke(app, ["check", "7"])
    assert result.exit_code == 0 and result.stdout == "issue-7: 2 articles in 2 sections, ok\n"


def test_build_text_writes_the_edition(tmp_path: Path) -> None:
    pub = copy_publication(FIXTURES / "minimal", tmp_path / "pub")
    result = runner.invoke(app, ["build", "issue-7", "-f", "txt", "--root", str(pub)])
    assert result.exit_code == 0, result.output
    assert (pub / "dist" / "issue-7" / "issue-7.txt").read_text().startswith("The Minimal Bulletin\n")


def test_new_scaffolds_the_next_issue_that_then_checks(tmp_path: Path) -> None:
    pub = copy_publication(FIXTURES / "minimal", tmp_path / "pub")
    result = runner.invoke(app, ["new", "--root", str(pub)])
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        "created issues/issue-8.yaml",
        "created issues/issue-8/news-draft.md",
        "created issues/issue-8/letters-draft.md",
    ]
    manifest = (pub / "issues" / "issue-8.yaml").read_text()
    assert "date: 2026-03-13" in manifest and "  - title: Letters\n" in manifest
    check = runner.invoke(app, ["check", "8", "--root", str(pub)])
    assert check.exit_code == 0, check.output
    again = runner.invoke(app, ["new", "8", "--root", str(pub)])
    assert again.exit_code == 2 and again.stderr.startswith("issue 8 already exists")


# The libraries the editions render with (pyproject.toml's dependencies): `--help` needs none of them.
RENDERING_LIBRARIES = ("weasyprint", "pydyf", "PIL", "jinja2", "pyphen", "fontTools", "brotli", "lameenc", "mutagen",
                       "num2words", "lxml")


@pytest.mark.parametrize("args", [["--help"], ["build", "--help"], ["check", "--help"]])
def test_help_imports_no_rendering_library(args: list[str]) -> None:
    """What keeps `--help` instant (the CLI imports them inside the commands that render); timed in bench/."""
    code = (
        "import sys; from paperpress.cli import app\n"
        "try:\n    app(sys.argv[1:], prog_name='paperpress')\nexcept SystemExit as done:\n    assert not done.code, done\n"
        "print('imported:', *sorted({name.split('.')[0] for name in sys.modules} | set(sys.modules)))"
    )
    done = subprocess.run([sys.executable, "-c", code, *args], check=True, capture_output=True, text=True)
    assert "Usage: paperpress" in done.stdout
    imported = set(done.stdout.rpartition("imported:")[2].split())
    assert sorted(imported & set(RENDERING_LIBRARIES)) == []
    assert sorted(name for name in imported if name.startswith("paperpress.editions.base")) == []


def test_a_no_op_build_imports_no_library_only_loading_or_rendering_needs(tmp_path: Path) -> None:
    """A no-op `build --all` over an archive decides from the states alone; importing what loads and renders
    an issue would be most of its time."""
    pub = copy_publication(FIXTURES / "minimal", tmp_path / "pub")
    build = ["build", "--all", "-f", "txt", "--root", str(pub), "--jobs", "1"]
    assert runner.invoke(app, build).exit_code == 0
    code = (
        "import sys; from paperpress.cli import app\n"
        "try:\n    app(sys.argv[1:], prog_name='paperpress')\nexcept SystemExit as done:\n    assert not done.code, done\n"
        "print('imported:', *sorted({name.split('.')[0] for name in sys.modules} | set(sys.modules)))"
    )
    done = subprocess.run([sys.executable, "-c", code, *build], check=True, capture_output=True, text=True)
    assert "0 issues built" in done.stdout and "1 unchanged" in done.stdout
    imported = set(done.stdout.rpartition("imported:")[2].split())
    assert sorted(imported & {*RENDERING_LIBRARIES, "pyphen"} - {"PIL", "jinja2"}) == []


def test_no_escape_sequence_from_an_article_reaches_the_terminal(tmp_path: Path) -> None:
    pub = copy_publication(FIXTURES / "minimal", tmp_path / "pub")
    (pub / "issues/issue-7/second.md").write_text(
        '---\ntitle: A letter\n"bad\\u001b[2Jkey": 1\n---\n'
        "[a link](javascript:\x1b[2J) and ![a photo](photos/\x1b]0;owned\x07.png) and [b](vbscript:%1b[31m)\n"
    )
    result = runner.invoke(app, ["build", "7", "--root", str(pub)])
    assert result.exit_code == 1
    assert "\x1b" not in result.output and "\x07" not in result.output
    assert "issues/issue-7/second.md:3: bad\\x1b[2Jkey: unknown key 'bad\\x1b[2Jkey'" in result.stderr
    assert "issues/issue-7/second.md:5: body: link to 'javascript:%5B2J' is not allowed" in result.stderr
    assert "issues/issue-7/second.md:5: body: no such file 'photos/]0;owned.png'" in result.stderr


def test_warnings_about_the_configuration_are_told_once_and_strict_refuses_them(tmp_path: Path) -> None:
    pub = copy_publication(FIXTURES / "minimal", tmp_path / "pub")
    config = pub / "paperpress.yaml"
    config.write_text(config.read_text() + "publisher: The Bell\x07 Press\n")
    result = runner.invoke(app, ["check", "7", "--root", str(pub)])
    assert result.exit_code == 0, result.output
    assert result.stderr.count("paperpress.yaml:") == 1
    assert result.stderr.startswith("paperpress.yaml:")
    assert "warning: removed 1 invisible control character (U+0007)" in result.stderr
    strict = runner.invoke(app, ["check", "7", "--strict", "--root", str(pub)])
    assert strict.exit_code == 1
    assert strict.stderr.splitlines()[-1] == "paperpress.yaml has warnings and --strict is set; nothing was written."


def test_the_unusual_padded_issue_builds_every_edition_under_its_own_name(tmp_path: Path) -> None:
    """issues/issue-0901.yaml, `number: 0901`, a section titled with a backslash: valid copy, named as written."""
    root = FIXTURES / "unusual"
    check = runner.invoke(app, ["check", "0901", "--root", str(root)])
    assert check.exit_code == 0 and check.stdout == "issue-0901: 2 articles in 2 sections, ok\n", check.output
    result = runner.invoke(app, ["build", "issue-0901.yaml", "--root", str(root), "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in (tmp_path / "issue-0901").iterdir()) == [
        ".paperpress-state.json", "issue-0901-cover.jpg", "issue-0901-thumbnail.jpg",
        "issue-0901.epub", "issue-0901.pdf", "issue-0901.txt", "web",
    ]
    assert (tmp_path / "issue-0901" / "web" / "index.html").is_file()
    text = (tmp_path / "issue-0901" / "issue-0901.txt").read_text()
    assert "Issue 901, Friday 12 June 2009" in text and "\nNature \\ Wildlife\n" in text
    assert "../issue-0901/issue-0901.epub" in (tmp_path / "opds/2009.xml").read_text()


def test_check_names_a_failing_padded_issue_by_its_file_and_goes_on(tmp_path: Path) -> None:
    pub = copy_publication(FIXTURES / "minimal", tmp_path / "pub")
    (pub / "issues/issue-7.yaml").rename(pub / "issues/issue-0007.yaml")
    (pub / "issues/issue-0008.yaml").write_text("number: 8\n")
    (pub / "issues/issue-08.yaml").write_text("number: 8\n")
    result = runner.invoke(app, ["check", "0008", "issue-0007", "8..8", "--root", str(pub)])
    assert result.exit_code == 2 and result.stderr.endswith("'8..8' is not an issue (name an issue as issue-1142, 1142 or issue-1142.yaml)\n")
    result = runner.invoke(app, ["check", "8", "7", "--root", str(pub)])
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert result.stderr.splitlines()[-1] == "2 manifests for issue 8; nothing was written."
    assert result.stdout == "issue-0007: 2 articles in 2 sections, ok\n"
    (pub / "issues/issue-08.yaml").unlink()
    result = runner.invoke(app, ["check", "issue-8.yaml", "--root", str(pub)])
    assert result.exit_code == 1 and result.stderr.splitlines()[-1] == "2 problems in issue-0008."


def test_check_stops_at_the_time_limit(tmp_path: Path, monkeypatch) -> None:
    import paperpress.run.issue as build

    def endless(*args: object) -> None:
        while True:  # an issue that never finishes loading; only the deadline can end it
            pass

    pub = copy_publication(FIXTURES / "minimal", tmp_path / "pub")
    monkeypatch.setattr(build, "load_issue", endless)
    result = CliRunner().invoke(app, ["check", "7", "--root", str(pub), "--time-limit", "0.2"])
    assert result.exit_code == 1
    assert "issues/issue-7.yaml: checking this issue took longer than 0.2 seconds and was stopped" in result.output


def test_editions_in_paperpress_yaml_choose_what_a_plain_build_makes(tmp_path: Path) -> None:
    pub = copy_publication(FIXTURES / "minimal", tmp_path / "pub")
    with open(pub / "paperpress.yaml", "a") as config:
        config.write("editions: [txt]\n")
    result = runner.invoke(app, ["build", "7", "--root", str(pub)])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in (pub / "dist/issue-7").iterdir() if not p.name.startswith(".")) == [
        "issue-7-cover.jpg", "issue-7-thumbnail.jpg", "issue-7.txt",
    ]


def test_an_audio_voice_espeak_lacks_is_a_clear_error_and_nothing_is_written(tmp_path: Path) -> None:
    require_tool("espeak-ng")
    pub = copy_publication(FIXTURES / "minimal", tmp_path / "pub")
    with open(pub / "paperpress.yaml", "a") as config:
        config.write("  voice: zz-nowhere\n")  # under the fixture's audio:
    result = runner.invoke(app, ["build", "7", "-f", "audio", "--root", str(pub)])
    assert result.exit_code == 1
    assert "paperpress.yaml: audio.voice: eSpeak NG has no voice 'zz-nowhere' (set audio.voice to one that" in result.stderr
    assert "Traceback" not in result.output and not (pub / "dist/issue-7").exists()


def test_audio_is_built_only_when_asked_for(tmp_path: Path) -> None:
    require_tool("espeak-ng")
    pub = copy_publication(FIXTURES / "minimal", tmp_path / "pub")
    with open(pub / "paperpress.yaml", "a") as config:
        config.write("  speed: 450\n")  # under the fixture's audio:
    result = runner.invoke(app, ["build", "7", "-f", "audio", "--root", str(pub)])
    assert result.exit_code == 0, result.output
    assert "dist/podcast.xml" in result.stderr + result.stdout
    assert "audio: read by eSpeak NG (en)\n" in result.stdout  # the voice the fixture pins
    assert (pub / "dist/issue-7/audio/issue-7.mp3").is_file() and not (pub / "dist/issue-7/issue-7.txt").exists()


def test_the_read_aloud_epub_says_which_voice_reads_it(tmp_path: Path) -> None:
    require_tool("espeak-ng")
    pub = copy_publication(FIXTURES / "minimal", tmp_path / "pub")
    result = runner.invoke(app, ["build", "7", "-f", "read-aloud", "--root", str(pub)])
    assert result.exit_code == 0, result.output
    assert "audio: read by eSpeak NG (en)\n" in result.stdout
    assert (pub / "dist/issue-7/issue-7-read-aloud.epub").is_file() and not (pub / "dist/issue-7/audio").exists()

