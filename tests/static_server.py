"""The tests' static HTTP server for a built site, as a host without csops serves it (no /api/).

Imported by browser_support for a server in the test's own thread (one that records requests), and run as a
program for the sites built once per session: a server thread living in the test process made every later
build there spawn its workers instead of forking them (workers.start_method: fork only where no other thread
runs), about half a second of CPU and a second of waiting per build. As a program it prints its port, serves
until its stdin closes (the test process ended, however it ended), and lets the browser keep the assets.
"""

from __future__ import annotations

import contextlib
import functools
import http.server
import socket
import sys
import threading


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    requested: list[str] | None = None  # when a test sets a list: every request's path, in order
    assets_kept = False  # when set: the browser keeps the theme's and csops' scripts and styles for an hour

    def do_GET(self):
        if self.requested is not None:
            self.requested.append(self.path)
        try:
            super().do_GET()
        except (BrokenPipeError, ConnectionResetError):  # the browser left the page before it had it all
            pass

    def end_headers(self):
        # A rebuild within the same second keeps Last-Modified, so a reload could show the old page. A site built
        # once for the session never changes: there a tab walking its pages reads the assets from its cache, as
        # a reader's browser does, instead of fetching and compiling them again (a fifth of each page load).
        kept = self.assets_kept and self.path.startswith("/assets/")
        self.send_header("Cache-Control", "max-age=3600" if kept else "no-store")
        super().end_headers()

    def log_message(self, *args):
        pass


class ClosingServer(http.server.ThreadingHTTPServer):
    """Closing, it closes the connections a browser keeps open and waits for their threads: each waited in a thread
    of the test process for the browser's next request, long after the test, and made that process's builds spawn."""

    daemon_threads = False  # server_close joins them

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.connections: set[socket.socket] = set()

    def process_request(self, request, client_address):
        self.connections.add(request)
        super().process_request(request, client_address)

    def shutdown_request(self, request):
        self.connections.discard(request)
        super().shutdown_request(request)

    def server_close(self):
        for connection in list(self.connections):
            with contextlib.suppress(OSError):
                connection.shutdown(socket.SHUT_RDWR)
        super().server_close()


def server_for(site: str, requested: list[str] | None = None, built_once: bool = False) -> http.server.HTTPServer:
    """A server on a free loopback port for the site folder; `built_once` lets the browser keep its assets."""
    handler = functools.partial(type("Handler", (QuietHandler,), {"requested": requested, "assets_kept": built_once}),
                                directory=site)
    return ClosingServer(("127.0.0.1", 0), handler)


if __name__ == "__main__":
    server = server_for(sys.argv[1], built_once=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    print(server.server_address[1], flush=True)
    sys.stdin.read()  # until the test process closes the pipe, or dies
    server.shutdown()
