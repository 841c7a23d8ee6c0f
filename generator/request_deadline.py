"""The deadline a request must arrive within, on both servers: the connection timeout, plus a second for each
16 KB it brings.

A socket timeout cuts off a client that goes silent, but not one that sends a header line (or a body byte) every
few seconds: such a request held a thread for as long as the client liked. gunicorn's worker (gunicorn_worker.py)
and the preview (preview_guards.py, through DeadlineReader) read each request against this deadline instead.
"""

from __future__ import annotations

import io
import socket
import time

# Each 16 KB that arrives earns a second more: a ticket of 60 KB sent at 5 KB/s (a slow mobile link) took 12 s
# and got 408. A trickle still earns next to nothing (a header line: half a millisecond), and the largest body
# the API takes (300 KB) can hold a thread for 29 s at most.
BYTES_PER_EXTRA_SECOND = 16 * 1024


class RequestDeadline:
    """When the request being read must have arrived whole: `seconds` after `start`, a second later for each 16 KB
    that arrives. Until `start`, reads wait as long as the socket's own timeout allows (an idle connection)."""

    def __init__(self, seconds: float):
        self.seconds = seconds
        self.at = float("inf")

    def start(self) -> None:
        self.at = time.monotonic() + self.seconds

    def read(self, sock: socket.socket, receive):
        """`receive()` (a read of `sock`: bytes, or a count read into a buffer) within the time left, which is
        then pushed back by what arrived; past the deadline, a TimeoutError as a silent socket's."""
        left = self.at - time.monotonic()
        if left <= 0:
            raise TimeoutError(f"the request did not arrive whole within {self.seconds:g} s")
        previous = sock.gettimeout()
        sock.settimeout(left if previous is None else min(left, previous))
        try:
            got = receive()
        finally:
            sock.settimeout(previous)
        self.at += (got if isinstance(got, int) else len(got)) / BYTES_PER_EXTRA_SECOND
        return got


class DeadlineReader(io.RawIOBase):
    """A connection's reads (the preview's rfile) against a RequestDeadline."""

    def __init__(self, sock: socket.socket, seconds: float):
        super().__init__()
        self._sock = sock
        self.deadline = RequestDeadline(seconds)

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        return self.deadline.read(self._sock, lambda: self._sock.recv_into(buffer))
