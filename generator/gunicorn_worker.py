"""gunicorn's threaded worker with a deadline on reading each request, which takes no new connection while its
threads are all busy (DeadlineThreadWorker says why; gunicorn_conf.py names it).

gthread hands a connection to a thread once its first byte arrives, and the thread then reads the request
line, headers and body with blocking reads. The socket timeout cuts off a client that goes silent, but not
one that sends a header line every few seconds: eight such connections held every thread of the default
two workers, and searches waited until they gave up (red-team run, 2026-12-04). Here a request must arrive
whole within the deadline from when it is queued for a thread, plus a second for each 16 KB it brings;
reading a slower one times out, as reading a silent one does, and gunicorn drops it. Behind a buffering reverse proxy (nginx, a cloud load balancer) this never triggers: the proxy sends
each request whole.
"""

from __future__ import annotations

import socket

from gunicorn.http.errors import NoMoreData
from gunicorn.workers.gthread import ThreadWorker

from .gunicorn_conf import IO_TIMEOUT_SECONDS as REQUEST_DEADLINE_SECONDS  # the connection timeout, whole
from .request_deadline import RequestDeadline


class DeadlineThreadWorker(ThreadWorker):
    """ThreadWorker whose connections read each request against REQUEST_DEADLINE_SECONDS, and which takes no new
    connection while every one of its threads is busy.

    gthread accepts up to worker_connections (1,000) and queues them for its threads: four clients trickling
    their requests held the four threads of one worker, and the searches that worker went on accepting waited
    behind them for the deadline (9.7 s) while the other worker sat idle. Left in the listening socket's queue,
    a connection goes to a worker with a thread free.
    """

    busy = 0  # requests handed to the thread pool and not yet finished

    def enqueue_req(self, conn):
        """A connection with a request coming (a new one, or a kept-alive one with bytes waiting) gets its deadline
        now, not when a thread takes it up: trickles queued behind busy threads had each started a fresh 10 s."""
        if not conn.initialized and not self.cfg.is_ssl and not isinstance(conn.sock, _DeadlineSocket):
            conn.sock = _DeadlineSocket(conn.sock)  # (TLS needs the real socket: terminate it at the proxy)
        if isinstance(conn.sock, _DeadlineSocket):
            conn.sock.begin_request()
        self.busy += 1
        if self.busy >= self.cfg.threads:
            self.set_accept_enabled(False)
        super().enqueue_req(conn)

    def finish_request(self, *args):
        """A thread is free again: accept again (gthread's loop asks set_accept_enabled each turn too). (conn, fs)
        since gunicorn 24, called on the worker's main loop; (fs) before."""
        self.busy -= 1
        super().finish_request(*args)
        self.set_accept_enabled(True)

    def set_accept_enabled(self, enabled):
        """gthread's own rule (fewer connections than worker_connections), and a thread free for a new one."""
        if hasattr(ThreadWorker, "set_accept_enabled"):  # gunicorn >= 24; older ones queue as before
            super().set_accept_enabled(enabled and self.busy < self.cfg.threads)


class RequestTimedOut(NoMoreData, TimeoutError):
    """A read of the request that timed out. gunicorn takes it as a client that stopped sending (NoMoreData: the
    connection is closed, noted at debug level), where a plain TimeoutError was logged as an ERROR with a
    30-line traceback for every client that went silent or trickled (red-team run, 2026-12-04); the API reading
    a body still sees a TimeoutError and answers its JSON 408."""

    def __init__(self, message: str):
        OSError.__init__(self, message)
        self.buf = b""

    def __str__(self) -> str:
        return str(self.args[0])


class _DeadlineSocket:
    """A connection's socket whose reads time out once the request's deadline has passed."""

    def __init__(self, sock: socket.socket):
        self._sock = sock
        self.deadline = RequestDeadline(REQUEST_DEADLINE_SECONDS)
        # the first bytes of the request being read: gunicorn refuses a bad request line or header before it knows
        # the method, and its error writer (gunicorn_conf.write_json_error) leaves a HEAD's body out by them
        self.request_start = b""

    def begin_request(self) -> None:
        """A request is coming: its deadline starts, and its first bytes are kept anew."""
        self.deadline.start()
        self.request_start = b""

    def recv(self, size: int, *flags) -> bytes:
        """As socket.recv, but a read past the deadline times out as a silent socket's would (the API answers
        a body that stops coming with a JSON 408; gunicorn closes a connection whose headers stop)."""
        try:
            data = self.deadline.read(self._sock, lambda: self._sock.recv(size, *flags))
        except (TimeoutError, BlockingIOError):  # (BlockingIOError: SO_RCVTIMEO's EAGAIN on a blocking socket)
            raise RequestTimedOut(f"the request did not arrive whole within {REQUEST_DEADLINE_SECONDS:g} s") from None
        if len(self.request_start) < 16:
            self.request_start += data[:16]
        return data

    def recv_into(self, buffer, size: int = 0, *flags) -> int:
        data = self.recv(size or len(buffer), *flags)
        buffer[:len(data)] = data
        return len(data)

    def __getattr__(self, name):
        return getattr(self._sock, name)
