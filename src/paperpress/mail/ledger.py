"""The ledger of deliveries: one SQLite row per (issue, subscriber), moved through its states around each SMTP
transaction, so that a run killed anywhere is resumed without sending anything twice.

    pending ─► sending ─► committing ─► sent
       ▲          │            │
       └──────────┘            └─► (killed here) uncertain ─► pending only with --resend-uncertain
    pending ─► refused   (a permanent 5xx; a 4xx goes back to pending with its reply, and is retried)
    pending ─► withdrawn (the reader left the list before their message was sent; back to pending if they return)

`sending` is written before the transaction starts, `committing` just before the message's last bytes go (the
server keeps nothing of a message whose end it never saw), `sent` once the server has said 250. A run that
finds a row still `sending` knows its message was never complete: it sends it again. A row still
`committing` may or may not have been accepted (SMTP cannot say): it becomes `uncertain`. Each change is its
own transaction in WAL mode, so it survives the process at once. Only `committing` is worth a flush to disk
(it is what makes a resend after a power cut safe): a lost `sending` leaves a row pending whose message the
server never finished, and a lost `sent` leaves it `committing`, so uncertain, never sent twice. The WAL keeps
the changes in order, so no later one survives an earlier one lost; one flush a message, not three.
Knows SQLite and addresses, not messages or SMTP.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import secrets
import sqlite3
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from ..errors import PaperpressError, Problem

#: The default ledger, at the publication's root: it lists readers' addresses, so never under dist/.
LEDGER_NAME = ".paperpress-send.sqlite"
STATES = ("pending", "sending", "committing", "sent", "refused", "uncertain", "withdrawn")

_SCHEMA = """
CREATE TABLE IF NOT EXISTS deliveries (
    issue TEXT NOT NULL,
    email TEXT NOT NULL,          -- as the list gives it; compared in lower case
    name TEXT NOT NULL,
    receives TEXT NOT NULL,
    position INTEGER NOT NULL,    -- the order of the list, so a run sends in the editor's order
    state TEXT NOT NULL DEFAULT 'pending',
    attempts INTEGER NOT NULL DEFAULT 0,
    detail TEXT,                  -- the server's last reply, for refused and deferred deliveries
    changed REAL NOT NULL,
    PRIMARY KEY (issue, email)
);
CREATE INDEX IF NOT EXISTS by_state ON deliveries (issue, state, position);
CREATE TABLE IF NOT EXISTS tokens (
    email TEXT PRIMARY KEY,       -- lower case
    token TEXT NOT NULL UNIQUE    -- what the unsubscribe link carries, in place of the address
);
"""


@dataclass(frozen=True, slots=True)
class Delivery:
    """One row: who gets the issue, how, and how far its delivery has gone."""

    issue: str
    email: str
    name: str
    receives: str
    state: str
    attempts: int
    detail: str | None


@dataclass(frozen=True, slots=True)
class Tally:
    """How many deliveries of an issue are in each state."""

    counts: dict[str, int]

    def __getitem__(self, state: str) -> int:
        return self.counts.get(state, 0)

    @property
    def total(self) -> int:
        return sum(self.counts.values())


class Ledger:
    """The ledger file, open: every method commits before it returns."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock: int | None = None
        self.db = sqlite3.connect(path, isolation_level=None, timeout=30)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=NORMAL")
        self.db.executescript(_SCHEMA)

    def close(self) -> None:
        self.db.close()
        if self._lock is not None:
            os.close(self._lock)
            self._lock = None

    def exclusive(self) -> None:
        """Makes this the only run sending from the ledger until it is closed; raises PaperpressError when
        another is (two runs would both find a delivery pending). The kernel lets go when the run dies."""
        fd = os.open(f"{self.path}.lock", os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            raise PaperpressError([Problem(None, None, None, "another `paperpress send` is running for this publication",
                                           "wait for it to end; what it sends is recorded")]) from None
        self._lock = fd

    def __enter__(self) -> Ledger:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def enlist(self, issue: str, subscribers: Iterable[tuple[str, str, str]]) -> int:
        """Adds a pending row for each (email, name, receives) not yet in the issue's ledger; returns how many.

        A subscriber already there keeps the state it has: a second run never sends twice. A pending one no
        longer on the list is withdrawn (and pending again if they come back). One transaction, so a list is
        recorded whole or not at all.
        """
        now = time.time()
        with self._transaction():
            start = self.db.execute("SELECT COALESCE(MAX(position), -1) + 1 FROM deliveries WHERE issue = ?",
                                    (issue,)).fetchone()[0]
            self.db.execute("CREATE TEMP TABLE IF NOT EXISTS listed (email TEXT PRIMARY KEY)")
            self.db.execute("DELETE FROM listed")
            before = self.db.execute("SELECT COUNT(*) FROM deliveries WHERE issue = ?", (issue,)).fetchone()[0]
            for i, (email, name, receives) in enumerate(subscribers):
                self.db.execute("INSERT OR IGNORE INTO listed (email) VALUES (?)", (email.lower(),))
                self.db.execute(
                    "INSERT INTO deliveries (issue, email, name, receives, position, changed) VALUES (?, ?, ?, ?, ?, ?) "
                    "ON CONFLICT (issue, email) DO UPDATE SET state = 'pending' WHERE state = 'withdrawn'",
                    (issue, email.lower(), name, receives, start + i, now))
            # A reader who left the list since the run that enlisted them is not sent what they left.
            self.db.execute("UPDATE deliveries SET state = 'withdrawn', changed = ? WHERE issue = ? AND state = 'pending' "
                            "AND email NOT IN (SELECT email FROM listed)", (now, issue))
            after = self.db.execute("SELECT COUNT(*) FROM deliveries WHERE issue = ?", (issue,)).fetchone()[0]
            return int(after - before)

    def recover(self, issue: str) -> tuple[int, int]:
        """What a run left behind, settled before sending: rows `sending` go back to pending (their message was
        never complete), rows `committing` become uncertain. Returns (requeued, uncertain)."""
        with self._transaction():
            requeued = self.db.execute(
                "UPDATE deliveries SET state = 'pending' WHERE issue = ? AND state = 'sending'", (issue,)).rowcount
            uncertain = self.db.execute(
                "UPDATE deliveries SET state = 'uncertain', detail = 'the run stopped before the server answered' "
                "WHERE issue = ? AND state = 'committing'", (issue,)).rowcount
        return requeued, uncertain

    def resend_uncertain(self, issue: str) -> int:
        """Puts the uncertain deliveries back among the pending: the editor chose a possible duplicate over a gap."""
        return self.db.execute("UPDATE deliveries SET state = 'pending' WHERE issue = ? AND state = 'uncertain'",
                               (issue,)).rowcount

    def pending(self, issue: str, batch: int = 500) -> Iterator[Delivery]:
        """The pending deliveries in the list's order, read a batch at a time (the list may be long)."""
        after = -1
        while True:
            rows = self.db.execute(
                "SELECT issue, email, name, receives, state, attempts, detail, position FROM deliveries "
                "WHERE issue = ? AND state = 'pending' AND position > ? ORDER BY position LIMIT ?",
                (issue, after, batch)).fetchall()
            if not rows:
                return
            for row in rows:
                yield Delivery(*row[:7])
            after = rows[-1][7]

    def mark(self, issue: str, email: str, state: str, detail: str | None = None) -> None:
        """Moves one delivery to `state` (one of STATES), committed before this returns."""
        if state not in STATES:
            raise ValueError(state)
        count = ", attempts = attempts + 1" if state == "sending" else ""
        durable = state == "committing"
        if durable:
            self.db.execute("PRAGMA synchronous=FULL")
        self.db.execute(f"UPDATE deliveries SET state = ?, detail = ?, changed = ?{count} WHERE issue = ? AND email = ?",
                        (state, detail, time.time(), issue, email.lower()))
        if durable:
            self.db.execute("PRAGMA synchronous=NORMAL")

    def tally(self, issue: str) -> Tally:
        rows = self.db.execute("SELECT state, COUNT(*) FROM deliveries WHERE issue = ? GROUP BY state", (issue,))
        return Tally(dict(rows.fetchall()))

    def listed(self, issue: str, states: tuple[str, ...]) -> list[Delivery]:
        marks = ", ".join("?" * len(states))
        rows = self.db.execute(
            "SELECT issue, email, name, receives, state, attempts, detail FROM deliveries "
            f"WHERE issue = ? AND state IN ({marks}) ORDER BY position", (issue, *states))
        return [Delivery(*row) for row in rows.fetchall()]

    def token(self, email: str) -> str:
        """The subscriber's unsubscribe token: random, made once and kept, so every issue's link is the same
        and the link never shows the address. Whoever runs the unsubscribe page looks it up here."""
        key = email.lower()
        found = self.db.execute("SELECT token FROM tokens WHERE email = ?", (key,)).fetchone()
        if found:
            return str(found[0])
        made = secrets.token_urlsafe(18)
        self.db.execute("INSERT INTO tokens (email, token) VALUES (?, ?)", (key, made))
        return made

    def _transaction(self) -> _Transaction:
        return _Transaction(self.db)


class _Transaction:
    def __init__(self, db: sqlite3.Connection) -> None:
        self.db = db

    def __enter__(self) -> None:
        self.db.execute("BEGIN IMMEDIATE")

    def __exit__(self, kind: object, *exc: object) -> None:
        self.db.execute("COMMIT" if kind is None else "ROLLBACK")


def fingerprint(email: str) -> str:
    """A short stable digest of an address, for Message-IDs and file names that must not show it."""
    return hashlib.sha256(email.lower().encode()).hexdigest()[:20]
