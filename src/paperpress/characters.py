"""Characters that must never reach an edition or a terminal, taken out of every text file as it is loaded.

Control characters (C0 but tab and newline, DEL, C1) and Unicode noncharacters are invisible, invalid in
XML, or able to drive a terminal (ESC). An editor's file holding one is still valid copy: the character is
taken out with a warning at its line. Those that separate words (vertical tab, form feed, the information
separators, NEL) become a space so the words stay apart; the others are removed, since U+FFFD would
only show readers a box that no font of ours has.
"""

from __future__ import annotations

import re
from pathlib import PurePosixPath

from .errors import Problem, Severity

_NONCHARACTERS = "\ufdd0-\ufdef" + "".join(
    chr(plane << 16 | 0xFFFE) + chr(plane << 16 | 0xFFFF) for plane in range(17)
)
#: Every character no text of ours may hold; tab and newline are fine.
FORBIDDEN = re.compile(f"[\x00-\x08\x0b-\x1f\x7f-\x9f{_NONCHARACTERS}]")
#: The same test in two steps that are each many times faster over a long text: the characters of the Basic
#: Multilingual Plane, then (only in a text that has any) those beyond it.
_FORBIDDEN_BMP = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ufdd0-\ufdef\ufffe\uffff]")
_ASTRAL = re.compile("[\U00010000-\U0010ffff]")
_SPACES = frozenset("\x0b\x0c\x1c\x1d\x1e\x1f\x85")
_SHOWN_LINES = 5


def _replacement(match: re.Match[str]) -> str:
    return " " if match.group() in _SPACES else ""


def has_forbidden(text: str) -> bool:
    """Whether `text` holds a character FORBIDDEN matches (quicker than asking it directly)."""
    if _FORBIDDEN_BMP.search(text):
        return True
    return _ASTRAL.search(text) is not None and FORBIDDEN.search(text) is not None


def without_controls(text: str) -> tuple[str, list[str]]:
    """`text` with the forbidden characters taken out, and the characters taken (in order)."""
    found = FORBIDDEN.findall(text)
    return (FORBIDDEN.sub(_replacement, text), found) if found else (text, [])


def clean_file_text(text: str, file: PurePosixPath, problems: list[Problem]) -> str:
    """A whole file's text with line ends normalised and the forbidden characters taken out.

    One warning per file, at the first line that held one, names the characters and their lines.
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not has_forbidden(text):
        return text
    lines = [n for n, line in enumerate(text.split("\n"), start=1) if FORBIDDEN.search(line)]
    cleaned, found = without_controls(text)
    shown = ", ".join(map(str, lines[:_SHOWN_LINES])) + (f" and {len(lines) - _SHOWN_LINES} more" if len(lines) > _SHOWN_LINES else "")
    where = f"line {shown}" if len(lines) == 1 else f"lines {shown}"
    problems.append(removed(file, lines[0], None, found, where))
    return cleaned


def removed(file: PurePosixPath, line: int | None, field: str | None, found: list[str], where: str = "") -> Problem:
    """The warning for characters taken out of the editor's text."""
    codes = sorted(set(found))
    named = ", ".join(f"U+{ord(c):04X}" for c in codes[:_SHOWN_LINES]) + (", …" if len(codes) > _SHOWN_LINES else "")
    count = f"{len(found)} invisible control character{'s' if len(found) != 1 else ''}"
    return Problem(
        file,
        line,
        field,
        f"removed {count} ({named})" + (f" on {where}" if where else ""),
        "readers cannot see them and some readers reject them; check the text was pasted correctly",
        Severity.WARNING,
    )
