"""Problems found in a publication, and the one exception that carries them to the CLI.

The error tree::

    Exception
     └── PaperpressError        carries one or more Problems; the CLI prints them and exits 1
          └── UsageError        a bad command line (no such issue, unknown format); exit 2

Anything else raised inside paperpress is a bug and is allowed to show a traceback.
Knows nothing of YAML, templates or editions.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import Any, Generic, TypeVar

T = TypeVar("T")


def nothing_written(summary: str) -> str:
    """The last line of a refused build, the same everywhere: "2 problems in issue-7; nothing was written."."""
    return f"{summary}; nothing was written."


class Severity(enum.Enum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong in the editor's files, said where it is and how to fix it."""

    file: PurePosixPath | None  # relative to the publication root, as the editor sees it
    line: int | None  # 1-based
    field: str | None  # "sections[1].articles[0]", "images[0].alt"
    message: str  # what is wrong, in the editor's words
    hint: str | None = None  # how to fix it
    severity: Severity = Severity.ERROR

    def __str__(self) -> str:
        where = ""
        if self.file is not None:
            where = str(self.file) + (f":{self.line}" if self.line else "") + ": "
        what = f"{self.field}: " if self.field else ""
        level = "warning: " if self.severity is Severity.WARNING else ""
        hint = f" ({self.hint})" if self.hint else ""
        return printable(f"{where}{level}{what}{self.message}{hint}")

    def sort_key(self) -> tuple[str, int, str]:
        return (str(self.file or ""), self.line or 0, self.field or "")


#: What a terminal could act on or hide: control characters (new lines too: one problem is one line),
#: noncharacters, and the bidirectional overrides that can make a line read as something else.
_UNPRINTABLE = re.compile(
    "[\x00-\x08\x0a-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\ufdd0-\ufdef\ufffe\uffff"
    + "".join(chr(plane << 16 | 0xFFFE) + chr(plane << 16 | 0xFFFF) for plane in range(1, 17))
    + "]"
)


def printable(text: str) -> str:
    """`text` safe for a terminal: every such character is shown escaped, as `\\x1b` or `\\u202e`.

    Messages quote the editors' and contributors' strings (file names, links, YAML keys); an escape
    sequence among them must reach the screen as the characters it is made of, never as a command.
    """
    return _UNPRINTABLE.sub(_escaped, text)


def _escaped(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"


def sorted_problems(problems: Iterable[Problem]) -> tuple[Problem, ...]:
    """Sorts by file then line, so a report reads top to bottom like the files do."""
    return tuple(sorted(problems, key=Problem.sort_key))


def errors_in(problems: Iterable[Problem]) -> tuple[Problem, ...]:
    return tuple(p for p in problems if p.severity is Severity.ERROR)


def count_problems(problems: Iterable[Problem]) -> str:
    """"2 problems and 1 warning": the one wording every report uses."""
    found = tuple(problems)
    errors = len(errors_in(found))
    warnings = len(found) - errors
    parts = []
    if errors:
        parts.append(f"{errors} problem{'s' if errors != 1 else ''}")
    if warnings:
        parts.append(f"{warnings} warning{'s' if warnings != 1 else ''}")
    return " and ".join(parts)


@dataclass(frozen=True, slots=True)
class Loaded(Generic[T]):
    """What a loader returns: a value (None when it could not be built) and everything it noticed."""

    value: T | None
    problems: tuple[Problem, ...] = field(default=())

    @property
    def ok(self) -> bool:
        return self.value is not None and not errors_in(self.problems)


class PaperpressError(Exception):
    """Content problems that stop a command; the CLI prints each one and exits 1."""

    exit_code = 1

    def __init__(self, problems: Iterable[Problem], summary: str | None = None) -> None:
        self.problems = sorted_problems(problems)
        self.summary = summary
        super().__init__("\n".join(str(p) for p in self.problems))

    def __reduce__(self) -> tuple[Any, ...]:
        """Pickled as its problems, so it comes back whole from another process (run/sidecar.py, a pool worker)."""
        return PaperpressError, (self.problems, self.summary)


class UsageError(PaperpressError):
    """The command line asks for something that cannot be: exit 2."""

    exit_code = 2

    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__([Problem(None, None, None, message, hint)])
