"""The process that runs every MkDocs run of a one-run build, so the build process never imports MkDocs.

Importing MkDocs, Markdown, Material and the extensions, and checking mkdocs.yml's
settings with them, took the build process ~80 ms before it could load the
content: a tenth of an edit rebuild at 300 playbooks. Forked before that, the
host does it on the other core while the build process loads and renders, then
forks the workers of the other MkDocs shares, which start with MkDocs imported
(a worker importing it for itself cost each ~70 ms of CPU, and three of them
left the other core no time for the search index). The host and its workers run
at a lower priority than the build process, whose work is the one waited for.

Requests are answered in the order sent. A host that dies (kill -9, the
out-of-memory killer) fails the call waiting on it with BrokenProcessPool, as a
pool's worker does; its workers die with it, and it dies with the build.
"""

from __future__ import annotations

import atexit
import multiprocessing
import os
import signal
import sys
import traceback
import weakref
from contextlib import contextmanager
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool

from . import generations, shards

# Below the build process's priority: the host works while the build process does (workers.py's index worker too).
NICENESS = 10

_shares: ProcessPoolExecutor | None = None  # in the host: the workers of the other MkDocs shares


def shares() -> ProcessPoolExecutor:
    """The host's workers for the MkDocs shares besides its own (called in the host)."""
    _start_shares()
    return _shares


def _start_shares() -> None:
    """Fork the share workers, with MkDocs and what mkdocs.yml's settings named imported: after the host's first
    request, the settings check, which imports those (forked before it, each share's run imported them again:
    60 ms of an edit rebuild's MkDocs stage)."""
    global _shares
    cores = min(shards.available_cores(), shards.MAX_SHARDS)
    if _shares is None and cores > 1:
        _shares = ProcessPoolExecutor(max_workers=cores - 1, mp_context=multiprocessing.get_context("fork"),
                                      initializer=generations.die_with_parent, initargs=(os.getpid(),))
        _shares.submit(int)


def lower_priority(parent: int) -> None:
    """Pool initializer for the build's workers besides the build process: dies with it, works below it, and
    leaves Ctrl-C to it (which stops them). Forked with Ctrl-C held (`ctrl_c_held`), a worker lets it through only
    once it ignores it."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})
    generations.die_with_parent(parent)
    os.nice(NICENESS)


@contextmanager
def ctrl_c_held():
    """Ctrl-C held, not lost, in this thread while it forks the build's workers: each starts with it held until it
    ignores it (`lower_priority`). Pressed between a worker's fork and that, it printed the worker's
    KeyboardInterrupt traceback under the build's "Aborted!". This thread gets it once the block ends."""
    held = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, held)


def _host_loop(connection, parent: int) -> None:
    """The host: MkDocs imported, then each request run and answered, until the build process says it is done."""
    from .workers import _import_mkdocs

    # Ctrl-C in a terminal reaches every process of the group: the build process stops the host, which prints no
    # traceback of its own (its share workers, forked from it, ignore it too)
    lower_priority(parent)
    _import_mkdocs()
    while True:
        try:
            request = connection.recv()
        except EOFError:  # the build process is gone
            break
        if request is None:
            break
        function, args = request
        try:
            reply = (True, function(*args))
        except BaseException as error:  # noqa: BLE001  (sent back and raised there, as a pool does)
            reply = (False, error, traceback.format_exc())
        try:
            connection.send(reply)
        except Exception as unsendable:  # an exception that does not pickle: its words, as a RuntimeError
            connection.send((False, RuntimeError(f"{type(unsendable).__name__}: {unsendable}"), reply[-1]))
        _start_shares()
    if _shares is not None:  # idle: ended before the host, which the build process may be waiting for
        _shares.shutdown(wait=True, cancel_futures=True)
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):
            pass
    os._exit(0)


class _RemoteTraceback(Exception):
    def __init__(self, text: str):
        self.text = text

    def __str__(self) -> str:
        return self.text


class HostCall:
    """A request sent to the host; `result()` waits for its answer."""

    def __init__(self, host: "MkDocsHost", number: int):
        self.host, self.number = host, number

    def done(self, timeout: float = 0.0) -> bool:
        """Whether the answer is in, waiting up to `timeout` seconds for it."""
        return self.host._receive_until(self.number, timeout)

    def result(self):
        self.host._receive_until(self.number, None)
        reply = self.host.replies.pop(self.number)
        if reply[0]:
            return reply[1]
        error = reply[1]
        error.__cause__ = _RemoteTraceback(reply[2])
        raise error


_running: "weakref.WeakSet[MkDocsHost]" = weakref.WeakSet()


@atexit.register  # after multiprocessing's own exit function, which would wait for ever for a host left running
def _end_running() -> None:
    for host in list(_running):
        host.kill()


class MkDocsHost:
    """The host process, forked from the build process (which must run no other thread yet: see workers.start_method).
    One the build process did not end (a bug) is killed as it exits: joined, as multiprocessing joins every child
    at exit, it would wait on its requests for ever."""

    def __init__(self):
        context = multiprocessing.get_context("fork")
        self.connection, theirs = context.Pipe()
        self.process = context.Process(target=_host_loop, args=(theirs, os.getpid()), name="csops-mkdocs")
        self.process.start()
        _running.add(self)
        theirs.close()
        self.sent = self.received = 0
        self.finished = False
        self.replies: dict[int, tuple] = {}

    def submit(self, function, *args) -> HostCall:
        """Run `function(*args)` in the host, after what was sent before."""
        try:
            self.connection.send((function, args))
        except OSError:
            raise BrokenProcessPool("the MkDocs process died") from None
        self.sent += 1
        return HostCall(self, self.sent)

    def _receive_until(self, number: int, timeout: float | None) -> bool:
        while self.received < number:
            try:
                if timeout is not None and not self.connection.poll(timeout):
                    return False
                reply = self.connection.recv()
            except (EOFError, OSError):
                raise BrokenProcessPool("the MkDocs process died") from None
            self.received += 1
            self.replies[self.received] = reply
        return True

    def finish(self) -> None:
        """Let the host end once it has answered everything sent, without waiting for it."""
        if not self.finished:
            self.finished = True
            try:
                self.connection.send(None)
            except OSError:
                pass

    def close(self) -> None:
        """Let the host end once it has answered everything sent, and wait for it."""
        self.finish()
        self.process.join(timeout=10)
        if self.process.exitcode is None:
            self.kill()
        self.connection.close()
        _running.discard(self)

    def kill(self) -> None:
        """End the host at once (its share workers die with it)."""
        self.process.kill()
        self.process.join(timeout=5)
        self.connection.close()
        _running.discard(self)
