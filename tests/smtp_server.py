"""A real SMTP server for the tests and the benchmark: aiosmtpd on 127.0.0.1, in a process of its own.

`python -m tests.smtp_server STORE` listens on a free port, prints `ready PORT` once it accepts connections
(what callers wait for, instead of sleeping), and stores each message it accepts as STORE/N.eml, written
before it answers 250, so a client that heard 250 finds the file. Recipients choose how they are treated by
a tag in their address: `+451` is put off (451) every time, `+451once` the first time only, `+550` is refused
(550), `+cut` loses the connection after RCPT the first time (the server goes away mid-transaction), and
`+drop` loses it after the whole message arrived but before the reply (the one case SMTP cannot settle), and
`+hold` keeps the whole message (stored) but answers only once the client has gone, printing `holding` first:
the moment a test kills the client between the message's last byte and the server's reply.
With `--tls CERT KEY` the server requires STARTTLS and a login (`courier`, password `s3cret`) before mail.
With `--log`, only each message's Message-ID and recipient are kept, a line each in STORE/received.log (the
benchmark's thousands of messages are counted, not stored).
"""

from __future__ import annotations

import asyncio
import itertools
import os
import socket
import sys
import threading
from pathlib import Path
from typing import Any

from aiosmtpd.smtp import SMTP


class Store:
    """The aiosmtpd handler: answers by tag and stores what it accepts."""

    def __init__(self, folder: Path, log: bool = False) -> None:
        self.folder = folder
        self.log = (folder / "received.log").open("a", encoding="utf-8") if log else None
        self.numbers = itertools.count(1)
        self.seen: set[str] = set()
        self.lock = threading.Lock()

    def _first(self, key: str) -> bool:
        with self.lock:
            first = key not in self.seen
            self.seen.add(key)
            return first

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str, options: list[str]) -> str:
        if "+451once" in address and self._first("451:" + address):
            return "451 4.7.1 Greylisted, try again later"
        if "+451" in address and "+451once" not in address:
            return "451 4.3.0 Mailbox busy, try again later"
        if "+550" in address:
            return "550 5.1.1 No such user here"
        if "+cut" in address and self._first("cut:" + address):
            server.transport.abort()
            return "421 4.4.2 Going away"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        if any("+drop" in r for r in envelope.rcpt_tos) and self._first("drop:" + ",".join(envelope.rcpt_tos)):
            server.transport.abort()  # the whole message arrived; the client never hears so
            return "421 4.4.2 Going away"
        if any("+hold" in r for r in envelope.rcpt_tos):
            self._store(envelope)
            print("holding", flush=True)
            while not server.transport.is_closing():
                await asyncio.sleep(0.05)
            return "250 Message accepted"
        if self.log is not None:
            data = envelope.original_content or envelope.content
            head = data.split(b"\r\n\r\n", 1)[0].decode("utf-8", "replace")
            found = [line.split(":", 1)[1].strip() for line in head.split("\r\n") if line.lower().startswith("message-id:")]
            self.log.write(f"{found[0] if found else '-'}\t{','.join(envelope.rcpt_tos)}\n")
            self.log.flush()
            return "250 Message accepted"
        self._store(envelope)
        return "250 Message accepted"

    def _store(self, envelope: Any) -> None:
        number = next(self.numbers)
        temp = self.folder / f".{number}.tmp"
        temp.write_bytes(envelope.original_content or envelope.content)
        os.replace(temp, self.folder / f"{number}.eml")


def _login(server: Any, session: Any, envelope: Any, mechanism: str, auth_data: Any) -> Any:
    from aiosmtpd.smtp import AuthResult, LoginPassword

    ok = isinstance(auth_data, LoginPassword) and (auth_data.login, auth_data.password) == (b"courier", b"s3cret")
    return AuthResult(success=ok, handled=False)  # handled=False: aiosmtpd answers a refusal with 535


async def serve(folder: Path, log: bool, tls: tuple[str, str] | None = None) -> None:
    handler = Store(folder, log)
    options: dict[str, Any] = {}
    if tls:
        import ssl

        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(*tls)
        options = {"tls_context": context, "require_starttls": True, "authenticator": _login, "auth_require_tls": True}
    listening = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listening.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listening.bind(("127.0.0.1", 0))
    loop = asyncio.get_running_loop()
    server = await loop.create_server(lambda: SMTP(handler, data_size_limit=60 * 2**20, **options), sock=listening)
    print(f"ready {listening.getsockname()[1]}", flush=True)
    closed = loop.create_future()

    def wait_for_eof() -> None:
        sys.stdin.buffer.read()
        loop.call_soon_threadsafe(closed.set_result, None)

    threading.Thread(target=wait_for_eof, daemon=True).start()
    async with server:
        await closed  # until the caller closes our input (or kills us)


if __name__ == "__main__":
    store = Path(sys.argv[1])
    store.mkdir(parents=True, exist_ok=True)
    flags = sys.argv[2:]
    tls = (flags[flags.index("--tls") + 1], flags[flags.index("--tls") + 2]) if "--tls" in flags else None
    asyncio.run(serve(store, "--log" in flags, tls))


class Running:
    """A server started by `python -m tests.smtp_server` for one test: its port and what it stored."""

    def __init__(self, store: Path, log: bool = False, tls: tuple[Path, Path] | None = None) -> None:
        import subprocess

        self.store = store
        flags = (["--log"] if log else []) + (["--tls", str(tls[0]), str(tls[1])] if tls else [])
        self.process = subprocess.Popen(
            [sys.executable, "-m", "tests.smtp_server", str(store), *flags], cwd=Path(__file__).resolve().parent.parent,
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, env={**os.environ, "PYTHONUNBUFFERED": "1"},
        )
        assert self.process.stdout is not None
        line = self.process.stdout.readline().decode()  # blocks until the server listens
        assert line.startswith("ready "), line
        self.port = int(line.split()[1])

    def messages(self) -> list[bytes]:
        """What the server accepted, in the order it did."""
        return [p.read_bytes() for p in sorted(self.store.glob("*.eml"), key=lambda p: int(p.stem))]

    def recipients(self) -> list[str]:
        """The To address of each message accepted, in order."""
        from email import message_from_bytes, policy

        return [str(message_from_bytes(m, policy=policy.default)["To"].addresses[0].addr_spec) for m in self.messages()]

    def wait_for(self, word: str) -> None:
        """Blocks until the server prints `word` (its own signal, never a sleep)."""
        assert self.process.stdout is not None
        line = self.process.stdout.readline().decode().strip()
        assert line == word, line

    def logged(self) -> list[tuple[str, str]]:
        """With `log`: (Message-ID, recipient) of each message accepted, in order."""
        path = self.store / "received.log"
        if not path.is_file():
            return []
        return [tuple(line.split("\t", 1)) for line in path.read_text().splitlines()]  # type: ignore[misc]

    def stop(self) -> None:
        if self.process.poll() is None:
            assert self.process.stdin is not None
            self.process.stdin.close()
            try:
                self.process.wait(timeout=10)
            except Exception:
                self.process.kill()
                self.process.wait()


def mail_settings(port: int) -> str:
    """The `mail:` section (and website) a test publication sends with, to the server on `port`."""
    return (
        "website: https://example.org/bulletin\n"
        "mail:\n"
        "  host: 127.0.0.1\n"
        f"  port: {port}\n"
        "  security: none\n"
        "  from: bulletin@example.org\n"
        "  reply_to: editor@example.org\n"
        "  unsubscribe: https://example.org/bulletin/unsubscribe\n"
    )


def subscribe(pub: Path, *rows: str) -> None:
    """Adds rows ("ann@example.org,Ann,email") to the publication's subscribers.csv."""
    with (pub / "subscribers.csv").open("a") as f:
        f.write("".join(row + "\n" for row in rows))
