"""Characters that must never reach an edition or a terminal, taken out of every text as it is loaded.

Control characters (C0 but tab and newline, DEL, C1) and Unicode noncharacters are invisible, invalid in
XML, or able to drive a terminal (ESC). An editor's file holding one is still valid copy: the character is
taken out with a warning at its line. Those that separate words (vertical tab, form feed, the information
separators, NEL) become a space so the words stay apart; the others are removed, since U+FFFD would
only show readers a box that no font of ours has.

A file's text is cleaned before it is parsed, and every string is cleaned again once parsed, because YAML
escapes and Markdown character references (`&#12;`, `&#10;`) make new characters from harmless ones: the
loader cleans each front-matter field after smart punctuation and each run of body text after markdown-it
has decoded it, so the model's strings are clean before any edition sees them. A single-line field
(headline, byline, standfirst, caption, credit, alt, section title) also has its line breaks read as one
space: an M3U entry, an ID3 title or a line of the contents list cannot hold two lines.
"""

from __future__ import annotations

import re
from pathlib import PurePosixPath

from .errors import Problem, Severity

_NONCHARACTERS = "\ufdd0-\ufdef" + "".join(
    chr(plane << 16 | 0xFFFE) + chr(plane << 16 | 0xFFFF) for plane in range(17)
)
#: Every character no text of ours may hold; tab and newline are fine. A lone surrogate (a YAML "\\ud800")
#: cannot even be written as UTF-8.
FORBIDDEN = re.compile(f"[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff{_NONCHARACTERS}]")
#: The same test in two steps that are each many times faster over a long text: the characters of the Basic
#: Multilingual Plane, then (only in a text that has any) those beyond it.
_FORBIDDEN_BMP = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff\ufdd0-\ufdef\ufffe\uffff]")
_ASTRAL = re.compile("[\U00010000-\U0010ffff]")
_SPACES = frozenset("\x0b\x0c\x1c\x1d\x1e\x1f\x85")
_SHOWN_LINES = 5
#: Line breaks a single-line field reads as a space, with the blanks around them.
_LINE_BREAK = re.compile("[ \t]*[\n\r\u2028\u2029]\\s*")


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


def clean_string(text: str, *, single_line: bool) -> tuple[str, list[str]]:
    """A parsed string as editions get it, and the forbidden characters taken out of it (in order).

    With `single_line`, each line break (and the blanks around it) becomes one space, and the ends are trimmed.
    """
    cleaned, found = without_controls(text) if has_forbidden(text) else (text, [])
    if single_line:
        cleaned = (_LINE_BREAK.sub(" ", cleaned) if _LINE_BREAK.search(cleaned) else cleaned).strip()
    return cleaned, found


def clean_field(text: str, file: PurePosixPath, line: int | None, field: str | None, problems: list[Problem]) -> str:
    """A single-line field's text once parsed (smart punctuation decodes `&#12;`), cleaned, with a warning
    at its line when a character was taken out."""
    cleaned, found = clean_string(text, single_line=True)
    if found:
        problems.append(removed(file, line, field, found))
    return cleaned


def refuse_forbidden(text: str, what: str) -> str:
    """`text`, unchanged, or a ValueError: the last guard of a writer whose format forbids these characters.

    The loader cleans every string, so this is never reached by copy; reaching it is a bug, and a bug must
    stop the build rather than leave a file that readers and feed parsers reject.
    """
    found = FORBIDDEN.search(text) if has_forbidden(text) else None
    if found:
        raise ValueError(f"internal error: {what} would hold U+{ord(found.group()):04X}, which its format forbids")
    return text


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


#: Why a character was taken out, and what to do: the hint of every warning that says so.
REMOVED_HINT = "readers cannot see them and some readers reject them; check the text was pasted correctly"


def removed_message(found: list[str]) -> str:
    """"removed 2 invisible control characters (U+000C, U+001B)": what a warning says was taken out."""
    codes = sorted(set(found))
    named = ", ".join(f"U+{ord(c):04X}" for c in codes[:_SHOWN_LINES]) + (", …" if len(codes) > _SHOWN_LINES else "")
    return f"removed {len(found)} invisible control character{'s' if len(found) != 1 else ''} ({named})"


def removed(file: PurePosixPath, line: int | None, field: str | None, found: list[str], where: str = "") -> Problem:
    """The warning for characters taken out of the editor's text."""
    return Problem(
        file,
        line,
        field,
        removed_message(found) + (f" on {where}" if where else ""),
        REMOVED_HINT,
        Severity.WARNING,
    )
