"""subscribers.csv → the subscribers to send to, or every problem in it with its line.

The editor keeps the list: one row per reader, with the columns `email`, `name` and `receives` (`email` for
the newsletter, `kindle` for the EPUB sent to a Send to Kindle address). Everything is checked before anything
is sent: an address that is not one, the same address twice, an unknown kind, a name that would break a header.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from ..characters import FORBIDDEN
from ..config import mail_address
from ..errors import Loaded, Problem

#: The default list, at the publication's root.
SUBSCRIBERS_NAME = "subscribers.csv"
COLUMNS = ("email", "name", "receives")
KINDS = ("email", "kindle")


@dataclass(frozen=True, slots=True)
class Subscriber:
    email: str
    name: str
    receives: str  # one of KINDS


def read_subscribers(path: Path, shown: PurePosixPath) -> Loaded[tuple[Subscriber, ...]]:
    """Every subscriber in the file; with problems (`shown` is how they name the file), the rows that are fine
    (so a caller can tell what else the list needs) and `ok` false."""
    problems: list[Problem] = []
    found: list[Subscriber] = []
    try:
        handle = path.open(encoding="utf-8-sig", newline="")
    except OSError as err:
        return Loaded(None, (Problem(shown, None, None, f"cannot read the subscribers: {err.strerror}",
                                     f"write {SUBSCRIBERS_NAME} with the columns " + ", ".join(COLUMNS)),))
    with handle:
        try:
            found = list(_rows(csv.reader(handle), shown, problems))
        except UnicodeDecodeError:
            return Loaded(None, (Problem(shown, None, None, "not UTF-8 text", "save the file as UTF-8"),))
        except csv.Error as err:
            return Loaded(None, (Problem(shown, None, None, f"not a CSV file: {err}"),))
    return Loaded(tuple(found), tuple(problems))


def _rows(reader: Iterator[list[str]], shown: PurePosixPath, problems: list[Problem]) -> Iterator[Subscriber]:
    header = next(reader, None)
    if header is None:
        problems.append(Problem(shown, 1, None, "empty: the first line names the columns", ", ".join(COLUMNS)))
        return
    names = [h.strip().lower() for h in header]
    missing = [c for c in COLUMNS if c not in names]
    if missing:
        problems.append(Problem(shown, 1, None, f"no column '{missing[0]}'", "the first line is: " + ",".join(COLUMNS)))
        return
    where = {c: names.index(c) for c in COLUMNS}
    seen: dict[str, int] = {}
    for row in reader:
        line = reader.line_num  # type: ignore[attr-defined]  # the last line of the row, as csv counts them
        if not any(cell.strip() for cell in row):
            continue
        cells = {c: (row[i].strip() if i < len(row) else "") for c, i in where.items()}
        email, name, receives = cells["email"], cells["name"], cells["receives"].lower() or "email"
        before = len(problems)
        wrong = mail_address(email)
        if wrong:
            message, _, hint = wrong.partition(" | ")
            problems.append(Problem(shown, line, "email", message, hint))
        elif email.lower() in seen:
            problems.append(Problem(shown, line, "email", f"'{email}' is listed twice",
                                    f"it is already on line {seen[email.lower()]}; keep one"))
        if receives not in KINDS:
            problems.append(Problem(shown, line, "receives", f"'{receives}' is not a way to receive the issue",
                                    "write email or kindle"))
        elif receives == "kindle" and not email.lower().endswith(("@kindle.com", "@free.kindle.com")):
            problems.append(Problem(shown, line, "email", f"'{email}' is not a Send to Kindle address",
                                    "Kindle addresses end in @kindle.com"))
        if FORBIDDEN.search(name) or any(c in name for c in "\r\n"):
            problems.append(Problem(shown, line, "name", "the name holds a control character or a line break",
                                    "write the name on one line, in plain characters"))
        if len(problems) == before:
            seen[email.lower()] = line
            yield Subscriber(email, name, receives)
