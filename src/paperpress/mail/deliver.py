"""The SMTP loop: every pending delivery of an issue sent once, each step recorded in the ledger around it.

One connection is kept for the run and opened again when the server drops it. A temporary refusal (4xx) is
tried again later in the run, waiting longer each time, and stays pending (with the reply) if it never
passes; a permanent one (5xx) is recorded as refused and the others go on. A connection lost after the
message's last bytes left is recorded as uncertain (the server may have accepted it), never sent again unless
the editor asks. Knows SMTP, the ledger and the messages; never prints.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import heapq
import smtplib
import ssl
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import PaperpressError, Problem
from .ledger import Delivery, Ledger, fingerprint
from .message import Mailing, build_message, signed

if TYPE_CHECKING:
    from _typeshed import ReadableBuffer

_END_OF_DATA = b"\r\n.\r\n"
_LOOPBACK = ("127.0.0.1", "::1", "localhost")


@dataclass(frozen=True, slots=True)
class Server:
    """Where and how to reach the SMTP server; the password comes from the environment, never a file."""

    host: str
    port: int
    security: str = "starttls"  # starttls | tls | none
    user: str | None = None
    password: str | None = None
    timeout: float = 60.0


@dataclass(frozen=True, slots=True)
class Signing:
    """The DKIM key and where its public half is published."""

    key: bytes
    domain: str
    selector: str


@dataclass(slots=True)
class Report:
    """What one run did: counts, and each address the server refused or put off, with its reply."""

    sent: int = 0
    refused: list[tuple[str, str]] = field(default_factory=list)
    deferred: list[tuple[str, str]] = field(default_factory=list)
    uncertain: list[str] = field(default_factory=list)
    requeued: int = 0  # deliveries a stopped run had begun but not finished, sent again
    found_uncertain: int = 0  # deliveries a stopped run left uncertain


class _Recorded:
    """An SMTP connection that calls `on_commit` just before the bytes that end a message, and remembers
    whether they left: after that, only the server knows whether it took the message."""

    on_commit: Callable[[], None] | None = None
    ended = False

    def send(self, s: ReadableBuffer | str) -> None:
        last = isinstance(s, bytes) and s.endswith(_END_OF_DATA)
        if last and self.on_commit is not None:
            self.on_commit()
        super().send(s)  # type: ignore[misc]
        if last:
            self.ended = True


class _Plain(_Recorded, smtplib.SMTP):
    pass


class _Tls(_Recorded, smtplib.SMTP_SSL):
    pass


def connect(server: Server) -> _Plain | _Tls:
    """An open, authenticated connection; raises OSError or smtplib's errors when the server cannot be reached."""
    if server.security == "none" and server.password and server.host not in _LOOPBACK:
        raise PaperpressError([Problem(None, None, "mail.security", "a password is never sent unencrypted",
                                       "use starttls or tls, or a relay on this machine")])
    context = ssl.create_default_context()
    conn: _Plain | _Tls
    if server.security == "tls":
        conn = _Tls(server.host, server.port, timeout=server.timeout, context=context)
    else:
        conn = _Plain(server.host, server.port, timeout=server.timeout)
        if server.security == "starttls":
            conn.starttls(context=context)
            conn.ehlo()
    if server.user:
        conn.login(server.user, server.password or "")
    return conn


def deliver(
    ledger: Ledger,
    mailing: Mailing,
    server: Server,
    *,
    signing: Signing | None = None,
    rate: float | None = None,
    retries: int = 4,
    backoff: float = 30.0,
    sleep: Callable[[float], None] = time.sleep,
    clock: Callable[[], float] = time.monotonic,
    on_sent: Callable[[Delivery], None] | None = None,
) -> Report:
    """Sends every pending delivery of `mailing.issue` in the ledger; returns what happened.

    `rate` is messages a minute (None: as fast as the server takes them). A delivery put off by a 4xx is
    tried up to `retries` more times, `backoff` seconds later, then twice that, and so on. Raises
    PaperpressError when the server cannot be reached `retries` times in a row: what was sent is recorded,
    and the same command sends the rest.
    """
    report = Report()
    report.requeued, report.found_uncertain = ledger.recover(mailing.issue)
    later: list[tuple[float, int, Delivery]] = []  # (when, attempt, delivery): deliveries put off
    state = _Run(ledger, mailing, server, signing, report, rate, sleep, clock, on_sent)
    try:
        for delivery in ledger.pending(mailing.issue):
            state.attempt(delivery, 0, later, retries, backoff)
        while later:
            when, attempt, delivery = heapq.heappop(later)
            wait = when - clock()
            if wait > 0:
                sleep(wait)
            state.attempt(delivery, attempt, later, retries, backoff)
    finally:
        state.close()
    return report


class _Run:
    """One run's connection, pace and report."""

    def __init__(self, ledger: Ledger, mailing: Mailing, server: Server, signing: Signing | None, report: Report,
                 rate: float | None, sleep: Callable[[float], None], clock: Callable[[], float],
                 on_sent: Callable[[Delivery], None] | None) -> None:
        self.ledger, self.mailing, self.server, self.signing, self.report = ledger, mailing, server, signing, report
        self.interval = 60.0 / rate if rate else 0.0
        self.sleep, self.clock, self.on_sent = sleep, clock, on_sent
        self.conn: _Plain | _Tls | None = None
        self.next_slot = clock()
        self.unreachable = 0
        self.sender = mailing.sender.addr_spec
        self.backoff = 0.0

    def attempt(self, d: Delivery, attempt: int, later: list[tuple[float, int, Delivery]], retries: int,
                backoff: float) -> None:
        issue = self.mailing.issue
        self.backoff = backoff
        self._pace()
        data = signed(
            build_message(self.mailing, d.email, d.name, d.receives, self.ledger.token(d.email),
                          dt.datetime.now(dt.UTC)),
            *((self.signing.key, self.signing.domain, self.signing.selector) if self.signing else (None, None, None)),
        )
        self.ledger.mark(issue, d.email, "sending")
        try:
            conn = self._connection()
            conn.ended = False
            conn.on_commit = lambda: self.ledger.mark(issue, d.email, "committing")
            conn.sendmail(self.sender, [d.email], data)
        except smtplib.SMTPRecipientsRefused as err:
            code, reply = err.recipients.get(d.email, next(iter(err.recipients.values()), (550, b"refused")))
            self._refused(d, code, reply, attempt, later, retries, backoff)
        except (smtplib.SMTPDataError, smtplib.SMTPSenderRefused) as err:
            self._refused(d, err.smtp_code, err.smtp_error, attempt, later, retries, backoff)
        except (smtplib.SMTPAuthenticationError, smtplib.SMTPNotSupportedError, ssl.SSLCertVerificationError) as err:
            self.ledger.mark(issue, d.email, "pending")  # nothing was sent: a setting is wrong, not the message
            self._drop()
            raise PaperpressError([_refused_login(self.server, err)]) from None
        except (OSError, smtplib.SMTPException) as err:
            ended = self.conn is not None and self.conn.ended
            self._drop()
            if ended:
                self.ledger.mark(issue, d.email, "uncertain", f"the connection was lost before the server answered: {err}")
                self.report.uncertain.append(d.email)
                return
            self.ledger.mark(issue, d.email, "pending", f"not sent: {err}")
            self.unreachable += 1
            if self.unreachable > retries:
                raise PaperpressError([Problem(None, None, None, f"the SMTP server {self.server.host}:{self.server.port}"
                                               f" cannot be reached: {err}", "run the same command again to send the rest")]
                                      ) from None
            heapq.heappush(later, (self.clock() + backoff * 2 ** min(attempt, 6), attempt + 1, d))
        else:
            self.unreachable = 0
            self.ledger.mark(issue, d.email, "sent")
            self.report.sent += 1
            if self.on_sent is not None:
                self.on_sent(d)

    def _refused(self, d: Delivery, code: int, reply: bytes | str, attempt: int,
                 later: list[tuple[float, int, Delivery]], retries: int, backoff: float) -> None:
        self.unreachable = 0
        text = reply.decode("utf-8", "replace") if isinstance(reply, bytes) else str(reply)
        detail = f"{code} {' '.join(text.split())}"
        if 400 <= code < 500:
            self.ledger.mark(self.mailing.issue, d.email, "pending", detail)
            if attempt < retries:
                heapq.heappush(later, (self.clock() + backoff * 2 ** attempt, attempt + 1, d))
            else:
                self.report.deferred.append((d.email, detail))
            return
        self.ledger.mark(self.mailing.issue, d.email, "refused", detail)
        self.report.refused.append((d.email, detail))

    def _pace(self) -> None:
        if not self.interval:
            return
        wait = self.next_slot - self.clock()
        if wait > 0:
            self.sleep(wait)
        self.next_slot = max(self.next_slot, self.clock()) + self.interval

    def _connection(self) -> _Plain | _Tls:
        if self.conn is None:
            if self.unreachable:  # the server went away: give it time before knocking again
                self.sleep(self.backoff * 2 ** min(self.unreachable - 1, 6))
            self.conn = connect(self.server)
        return self.conn

    def _drop(self) -> None:
        conn, self.conn = self.conn, None
        if conn is not None:
            with contextlib.suppress(OSError):
                conn.close()

    def close(self) -> None:
        conn, self.conn = self.conn, None
        if conn is not None:
            try:
                conn.quit()
            except (OSError, smtplib.SMTPException):
                conn.close()


def _refused_login(server: Server, err: Exception) -> Problem:
    """What to tell when the server cannot be used at all: a wrong password, no STARTTLS, a certificate."""
    where = f"the SMTP server {server.host}:{server.port}"
    if isinstance(err, smtplib.SMTPAuthenticationError):
        reply = err.smtp_error.decode("utf-8", "replace") if isinstance(err.smtp_error, bytes) else str(err.smtp_error)
        return Problem(None, None, "mail.user", f"{where} refused the login of '{server.user}': {err.smtp_code} {reply}",
                       "check the user and PAPERPRESS_SMTP_PASSWORD")
    if isinstance(err, ssl.SSLCertVerificationError):
        return Problem(None, None, "mail.host", f"{where}'s certificate cannot be trusted: {err.verify_message}",
                       "give the name the certificate is for")
    return Problem(None, None, "mail.security", f"{where} does not offer what mail.security asks: {err}",
                   "use the security and port the server's documentation gives")


def write_outbox(folder: Path, mailing: Mailing, subscribers: list[tuple[str, str, str]], tokens: Callable[[str], str],
                 signing: Signing | None = None) -> list[Path]:
    """--dry-run: each subscriber's message as an .eml file in `folder`, exactly as it would be sent."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for n, (email, name, receives) in enumerate(subscribers, 1):
        msg = build_message(mailing, email, name, receives, tokens(email), dt.datetime.now(dt.UTC))
        data = signed(msg, *((signing.key, signing.domain, signing.selector) if signing else (None, None, None)))
        path = folder / f"{n:05d}-{receives}-{fingerprint(email)[:10]}.eml"
        path.write_bytes(data)
        written.append(path)
    return written
