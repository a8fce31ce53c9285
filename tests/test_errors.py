"""Problems print as one safe line: whatever they quote, a terminal gets no command from it."""

from __future__ import annotations

from pathlib import PurePosixPath

from paperpress.errors import Problem, printable


def test_control_characters_and_direction_overrides_are_shown_escaped() -> None:
    assert printable("a\x1b[2Jb\x07c\x9bd\u202ee\nf\U0001ffffg") == "a\\x1b[2Jb\\x07c\\x9bd\\u202ee\\x0af\\U0001ffffg"
    assert printable("tab\tcafé 中文 — ok") == "tab\tcafé 中文 — ok"


def test_a_problem_quoting_an_escape_sequence_prints_it_as_text() -> None:
    problem = Problem(PurePosixPath("issues/a\x1b]0;x\x07.md"), 3, "ke\x1by", "link to 'x:\x1b[2J' is not allowed", "fix\nit")
    assert str(problem) == "issues/a\\x1b]0;x\\x07.md:3: ke\\x1by: link to 'x:\\x1b[2J' is not allowed (fix\\x0ait)"
