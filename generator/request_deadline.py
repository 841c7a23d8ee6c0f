"""The deadline a request must arrive within, on both servers: the connection timeout, plus a second for each
16 KB it brings.

A socket timeout cuts off a client that goes silent, but not one that sends a header line (or a body byte) every
few seconds: such a request held a thread for as long as the client liked. gunicorn's worker (gunicorn_worker.py)
and the preview (preview.py, through DeadlineReader) read each request against this deadline instead.
"""

from __future__ import annotations

import io
import socket
import time

# Each 16 KB that arrives earns a second more: a ticket of 60 KB sent at 5 KB/s (a slow mobile link) took 12 s
# and got 408. A trickle still earns next to nothing (a header line: half a millisecond), and the largest body
# the API takes (300 KB) can hold a thread for 29 s at most.
BYTES_PER_EXTRA_SECOND = 16 * 1024


class DeadlineReader(io.RawIOBase):
    """A connection's reads, timing out once the request being read is past its deadline (`start`).

    Until `start`, reads wait as long as the socket's own timeout allows (an idle connection's wait for its
    first byte); a read past the deadline raises TimeoutError, as a silent socket's does."""

    def __init__(self, sock: socket.socket, seconds: float):
        super().__init__()
        self._sock = sock
        self._seconds = seconds
        self.deadline = float("inf")

    def start(self) -> None:
        self.deadline = time.monotonic() + self._seconds

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        left = self.deadline - time.monotonic()
        if left <= 0:
            raise TimeoutError(f"the request did not arrive whole within {self._seconds:g} s")
        previous = self._sock.gettimeout()
        self._sock.settimeout(left if previous is None else min(left, previous))
        try:
            size = self._sock.recv_into(buffer)
        finally:
            self._sock.settimeout(previous)
        self.deadline += size / BYTES_PER_EXTRA_SECOND
        return size
