"""A second process for an issue's heavy edition (the PDF's layout), so the rest of the build runs beside it.

On two cores, one issue's build is the PDF's layout (most of the time) and everything else: starting up,
loading the issue, the other editions, writing. The sidecar starts as soon as a builder opens and imports
what the heavy edition needs (WeasyPrint) while the issue loads. This process composes the edition (`Edition.compose`: the
PDF's HTML and photos as drawn) and sends its last step, which the sidecar runs (the layout) while this
process renders the others; it hands back the bytes, the problems or the bug. It is the build's own helper,
not a second executor: one issue at a time, killed with the work it serves when that work is stopped (a time
limit, Ctrl-C), started again for the next issue. The step is the one `render` would run here, so the bytes
are the same.
"""

from __future__ import annotations

import contextlib
import ctypes
import importlib
import os
import pickle
import select
import signal
import socket
import subprocess
import sys
import threading
import traceback
import weakref
from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from multiprocessing.connection import Connection
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import PaperpressError
from ..registry import EDITIONS, EditionSpec, default_editions, heavy_editions

if TYPE_CHECKING:  # imported where used: the build imports this module before it spawns a sidecar (`ahead`)
    from ..editions.base import Output


class SidecarFailed(Exception):
    """The sidecar died or hit a bug while rendering; its traceback, when it sent one, is the cause."""


class _RemoteTraceback(Exception):
    def __str__(self) -> str:
        return str(self.args[0])


class Sidecar:
    """One helper process rendering the editions in `formats`, one request at a time; see the module's text."""

    def __init__(self, registry: Mapping[str, EditionSpec], formats: Collection[str]) -> None:
        self.registry = dict(registry)
        self.formats = frozenset(formats)
        self._process: subprocess.Popen[bytes] | None = None
        self._conn: Connection | None = None
        self._sending: list[threading.Thread] = []  # the request on its way, while the sidecar still imports
        self._unsent: list[Exception] = []  # why it could not be sent
        self._finalizer: weakref.finalize | None = None
        self._start()

    def submit(self, steps: Mapping[str, Callable[[], list[Output]]]) -> None:
        """Starts each edition's last step (`Edition.compose`, by format) over there; `result` waits for their
        outputs. One request at a time.

        Sent from a thread: the steps hold the photos as drawn, more than the socket takes at once, and the
        sidecar reads them only once it has imported WeasyPrint; this process renders the other editions meanwhile.
        """
        if self._conn is None:
            self._start()
        assert self._conn is not None
        self._unsent.clear()
        sending = threading.Thread(target=_send, args=(self._conn, dict(steps), self._unsent),
                                   daemon=True, name="paperpress-sidecar-request")
        self._sending[:] = [sending]
        sending.start()

    def result(self) -> dict[str, list[Output]]:
        """Format → the outputs of each submitted edition; raises the first one's PaperpressError, or
        SidecarFailed for a bug or a death. Anything that stops the wait (a time limit, Ctrl-C) stops the
        sidecar too."""
        assert self._conn is not None
        try:
            for thread in self._sending:
                thread.join()
            if self._unsent:
                raise SidecarFailed(f"the issue could not be sent to the sidecar: {self._unsent[0]}") from self._unsent[0]
            answer = self._conn.recv()
        except EOFError:
            self.stop()
            raise SidecarFailed("the process rendering the PDF stopped (killed, or out of memory)") from None
        except BaseException:
            self.stop()  # its work is abandoned; the next issue starts a fresh one
            raise
        kind, *rest = answer
        if kind == "done":
            return rest[0]  # type: ignore[no-any-return]
        if kind == "problems":
            raise PaperpressError(rest[0], rest[1])
        raise SidecarFailed(rest[0]) from _RemoteTraceback(rest[1])

    def stop(self) -> None:
        """Ends the process, whatever it is doing; it exits on its own, watched from a thread.

        Called while a time limit may still be ringing (its TimeUp comes again every 0.1 s until the work
        is left), so it forgets the process first and waits for nothing in this thread.
        """
        finalizer, self._process, self._conn, self._finalizer = self._finalizer, None, None, None
        detached = finalizer.detach() if finalizer is not None else None
        if detached is not None:
            _, _, (process, conn, sending), _ = detached
            _end(process, conn, sending, wait=False)

    def _start(self) -> None:
        process, conn = _spares.pop() if _spares else _spawn(_preloads(self.registry, self.formats))
        self._process, self._conn = process, conn
        self._finalizer = weakref.finalize(self, _end, process, conn, self._sending)


#: Sidecar processes started ahead of their builders (`ahead`), each waiting to be told its publication.
_spares: list[tuple[subprocess.Popen[bytes], Connection]] = []


def ahead_of_the_command_line(argv: Sequence[str]) -> None:
    """Starts a sidecar for a `build` command before its command line is read (__main__.py), for the
    editions built by default: 50 ms before `ahead` could, once the command-line library is imported. `ahead`
    then takes it, or stops it when the build lays out no PDF here; a command that never gets there
    (`build --help`, a usage error) stops it as it ends (`stop_spares`)."""
    if argv[:1] != ["build"] or _spares:
        return
    preloads = _preloads(EDITIONS, default_editions(EDITIONS))
    if preloads:
        _spares.append(_spawn(preloads))


@contextlib.contextmanager
def ahead(formats: Collection[str], registry: Mapping[str, EditionSpec] = EDITIONS) -> Iterator[None]:
    """Starts a sidecar now, for the one-issue build this block runs, if `formats` hold a heavy edition: it
    imports what they need (WeasyPrint) while this process still imports and plans the build, so the PDF's
    layout starts 0.25 s sooner. One started ahead of the command line is taken instead, and stopped at
    once when `formats` hold no heavy edition. The first Sidecar takes it; one left untaken (the issue was
    up to date, or the publication makes no PDF) is stopped as the block ends.
    """
    preloads = _preloads(registry, formats)
    if not preloads:
        stop_spares()
    elif not _spares:
        _spares.append(_spawn(preloads))
    try:
        yield
    finally:
        stop_spares()


def stop_spares() -> None:
    """Stops every sidecar started ahead and not taken."""
    while _spares:
        process, conn = _spares.pop()
        process.terminate()  # given nothing, it leaves at once, even while importing: a no-op build stays quick
        _end(process, conn, [])


def _preloads(registry: Mapping[str, EditionSpec], formats: Collection[str]) -> list[str]:
    """The modules the heavy editions among `formats` import before they can render (their `preload`)."""
    heavy = heavy_editions(formats, registry)
    return sorted({module for fmt in heavy for module in registry[fmt].preload})


def _spawn(preloads: Collection[str]) -> tuple[subprocess.Popen[bytes], Connection]:
    # A fresh interpreter running this module alone: it inherits no locks or threads (the parent may run a
    # progress thread), and unlike multiprocessing's spawn it does not import the parent's __main__ again.
    ours, theirs = socket.socketpair()
    package = Path(__file__).resolve().parent.parent  # where this paperpress is imported from
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [str(package), os.environ.get("PYTHONPATH")])))
    with theirs:
        process = subprocess.Popen(
            [sys.executable, "-m", "paperpress.run.sidecar", str(theirs.fileno()), str(os.getpid()), *preloads],
            pass_fds=(theirs.fileno(),), stdin=subprocess.DEVNULL, env=env,
        )
    return process, Connection(ours.detach())


def _send(conn: Connection, request: tuple[Any, ...], unsent: list[Exception]) -> None:
    try:
        conn.send(request)
    except OSError:
        pass  # the sidecar died or was stopped: `result` says so
    except Exception as err:  # noqa: BLE001 - a request that cannot be pickled is a bug `result` reports
        unsent.append(err)


#: Seconds a sidecar has to leave once its pipe is shut (idle, it exits at once), then after SIGTERM.
_IDLE = 0.5
_GRACE = 5.0


def _end(process: subprocess.Popen[bytes], conn: Connection, sending: list[threading.Thread], wait: bool = True) -> None:
    """Stops the process so that it leaves as `_leave` does, a render it was in removing its temporary files
    (WeasyPrint keeps each render's fonts in a folder, 2 MB, which a killed process leaves behind for good).

    The pipe is shut down first: an idle sidecar sees its end and exits, and a request being sent fails at
    once. It is closed last: closed while the sending thread still writes, its number could be given to
    another file. A sidecar still busy after `_IDLE` seconds gets SIGTERM, and one still there `_GRACE`
    seconds later is killed; all that waiting happens here, or with `wait` false in a thread of its own.
    """
    with contextlib.suppress(OSError):
        _shut(conn)
    for thread in sending:
        if thread.ident is not None:  # a time limit may ring between listing the request's thread and starting it
            thread.join()
    conn.close()
    if wait:
        _reap(process)
    else:
        threading.Thread(target=_reap, args=(process,), daemon=True, name="paperpress-sidecar-reaper").start()


def _reap(process: subprocess.Popen[bytes]) -> None:
    if _ended_within(process, _IDLE):
        return
    process.terminate()  # busy: it leaves its render
    if not _ended_within(process, _GRACE):
        process.kill()
        process.wait()


def _ended_within(process: subprocess.Popen[bytes], seconds: float) -> bool:
    """Whether the process ended (and is reaped) within `seconds`, known the moment it ends: the kernel says
    so through a pidfd, where `Popen.wait` polls at growing intervals and saw the sidecar's end up to 15 ms
    late, which the build then waited for."""
    if process.returncode is not None:
        return True
    try:
        handle = os.pidfd_open(process.pid)
    except OSError:  # a kernel before Linux 5.3
        try:
            process.wait(seconds)
        except subprocess.TimeoutExpired:
            return False
        return True
    try:
        waiting = select.poll()
        waiting.register(handle, select.POLLIN)
        ended = waiting.poll(seconds * 1000)
    finally:
        os.close(handle)
    if ended:
        process.wait()
    return bool(ended)


def _shut(conn: Connection) -> None:
    sock = socket.socket(fileno=conn.fileno())
    try:
        sock.shutdown(socket.SHUT_RDWR)
    finally:
        sock.detach()  # the descriptor stays the connection's, closed by it


def _serve(conn: Connection, parent: int, preloads: list[str]) -> None:
    """The sidecar's life, `_answer`, ended by the end of its pipe or by SIGTERM, then `_leave`."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C reaches the whole group; the build stops us itself
    signal.signal(signal.SIGTERM, _stopped)  # how the build stops us: leave whatever we do, and exit cleanly
    try:
        if _die_with(parent):
            for module in preloads:  # before the publication is known: a sidecar started ahead waits for it
                with contextlib.suppress(ImportError):  # the edition says so itself when it renders
                    importlib.import_module(module)
            _answer(conn)
    except _Stop:
        pass  # a render stopped half-way has removed its files on its way out (editions/pdf/layout.py)
    finally:
        # Leaving: a SIGTERM now would break off a render's clean-up half-way. The kill after `_GRACE` still ends us.
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
    _leave()


def _leave() -> None:
    """Exits at once, its work done and answered, or left.

    Python's own exit takes the heap a layout leaves apart object by object, module by module: 0.5 s after
    the sample's PDF on a loaded machine, which the build waits for before writing its catalog; collecting
    that heap so that WeasyPrint's font folders went (their `__del__`) still took 0.05 s. A render removes
    its font files itself (editions/pdf/layout.py), so nothing is left to do. It has nothing else to write.
    """
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(0)


def _die_with(parent: int) -> bool:
    """Asks Linux for SIGTERM when the build's process ends, however it ends (killed, or gone before the
    thread that was to stop us had its turn); False when it has already ended."""
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)
    return os.getppid() == parent


#: prctl's option for the signal a process gets when its parent ends (linux/prctl.h).
_PR_SET_PDEATHSIG = 1


class _Stop(BaseException):
    """SIGTERM arrived: a BaseException, so that no `except Exception` in a render can swallow it."""


def _stopped(signum: int, frame: object) -> None:
    raise _Stop


def _answer(conn: Connection) -> None:
    """Runs each request's steps until the pipe closes (at once for one started ahead and not needed)."""
    while True:
        try:
            request = conn.recv_bytes()
        except EOFError:
            return
        steps: dict[str, Callable[[], list[Output]]] = {}
        try:
            steps = pickle.loads(request)
            del request
            answer: tuple[Any, ...] = ("done", {fmt: step() for fmt, step in steps.items()})
        except PaperpressError as err:
            answer = ("problems", err.problems, err.summary)
        except Exception as err:  # noqa: BLE001 - a bug goes back to the build, which reports it for its issue
            answer = ("bug", f"{type(err).__name__}: {err}", traceback.format_exc())
        steps.clear()  # nothing of this issue is held while the next one is awaited
        conn.send(answer)

if __name__ == "__main__":
    _serve(Connection(int(sys.argv[1])), int(sys.argv[2]), sys.argv[3:])
