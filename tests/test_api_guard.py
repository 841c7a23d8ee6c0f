"""The API's request guard over real sockets, on both servers we ship (the `csops serve` preview and gunicorn
with generator/gunicorn_conf.py): malformed requests get a 4xx with a JSON message, stalled ones are cut off
by timeouts, arbitrary bytes never get a 500, CORS answers only listed origins, and queries keep being
answered while `csops build` swaps new index generations in.
"""

from __future__ import annotations

import json
import os
import shutil
import re
import select
import socket
import subprocess
import sys
import threading
import time
from contextlib import contextmanager
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from generator.preview import preview_server
from generator.api_requests import MAX_BODY
from generator.server import create_app

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "benchmarks"))
import load  # noqa: E402  (benchmarks/load.py: the gunicorn command and the keep-alive clients)

TIMEOUT = 1  # seconds: the connection timeout both servers get in these tests


@contextmanager
def preview(project: Path, mount_path: str = "/", **app_options):
    """`mount_path`: site_url's path, where `csops serve` serves the site and its API (preview._mount_path)."""
    server = preview_server(project / "site", "127.0.0.1", 0, api_app=create_app(project, log_queries=False, **app_options),
                            timeout=TIMEOUT, mount_path=mount_path)
    server.server_bind()
    server.server_activate()
    # as MkDocs' own serve() does: its shutdown() stops only `serve_thread`; a loop started in another thread
    # kept running on the closed socket at full CPU, and later test modules' timings ran on what was left
    server.serve_thread = threading.Thread(target=server.serve_forever, daemon=True)
    server.serve_thread.start()
    try:
        yield server.server_port
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="module")
def served_copy(built_bundled, tmp_path_factory):
    """A copy of the built portal (links copied as links: the relative site -> build/current/site still works)."""
    target = tmp_path_factory.mktemp("served") / "portal"
    shutil.copytree(built_bundled, target, symlinks=True, ignore=shutil.ignore_patterns("search-log"))
    return target


@pytest.fixture(scope="module")
def preview_port(served_copy):
    with preview(served_copy) as port:
        yield port


@pytest.fixture(scope="module")
def gunicorn_port(served_copy):
    port = load.free_port()
    process = load.start_gunicorn(served_copy, port, "--workers", "1", "--threads", "4", "--keep-alive", "1",
                                  env={"CSOPS_API_IO_TIMEOUT": str(TIMEOUT)})
    yield port
    process.terminate()
    process.wait(timeout=30)


@pytest.fixture(params=["preview", "gunicorn"], scope="module")
def port(request):
    return request.getfixturevalue(f"{request.param}_port")


def exchange(port: int, raw: bytes, half_close: bool = True, wait: float = 15.0):
    """Send `raw`, read until the server closes; (status or None, headers, body, seconds)."""
    started = time.monotonic()
    with socket.create_connection(("127.0.0.1", port), timeout=wait) as sock:
        try:
            sock.sendall(raw)
            if half_close:
                sock.shutdown(socket.SHUT_WR)
        except OSError:  # the server answered and closed before taking everything
            pass
        data = b""
        try:
            while chunk := sock.recv(65536):
                data += chunk
        except ConnectionResetError:
            pass
    seconds = time.monotonic() - started
    if not data.startswith(b"HTTP/"):
        return None, "", data, seconds
    head, _, body = data.partition(b"\r\n\r\n")
    status = int(head.split(b" ", 2)[1])
    return status, head.decode("latin-1").lower(), body, seconds


def post(path: str, body: bytes, content_type: str = "application/json", length: str | None = None) -> bytes:
    return (f"POST {path} HTTP/1.1\r\nHost: localhost\r\nContent-Type: {content_type}\r\n"
            f"Content-Length: {len(body) if length is None else length}\r\nConnection: close\r\n\r\n").encode() + body


def assert_json_4xx(answer, message: str = ""):
    status, headers, body, _ = answer
    assert status is not None and 400 <= status < 500, answer
    assert "content-type: application/json" in headers
    data = json.loads(body)
    # in any case: gunicorn names a header it refuses in capitals ("Invalid HTTP Header: 'CONTENT-LENGTH'")
    assert message.lower() in data["error"].lower() and isinstance(data["code"], str) and data["code"], data


def get(path: str) -> bytes:
    return f"GET {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n".encode()


# what a ticket tool's widget sends wrong, and the code it branches on (README: Search); before, only a query's
# own slips (empty-query, unknown-filter, ...) had a code, and a script reading `code` got none for the rest
REFUSALS = {
    "unknown parameter": (get("/api/search?q=renewal&knd=faq"), 400, "unknown-parameter"),
    "parameter sent twice": (get("/api/search?q=renewal&kind=faq&kind=step"), 400, "repeated-parameter"),
    "limit out of range": (get("/api/search?q=renewal&limit=500"), 400, "bad-limit"),
    "query string not UTF-8": (get("/api/search?q=%ff"), 400, "not-utf-8"),
    "ticket not JSON": (post("/api/suggest", b'{"text": '), 400, "bad-json"),
    "ticket field unknown": (post("/api/suggest", b'{"text": "renewal", "kind": "faq"}'), 400, "unknown-field"),
    "ticket without text": (post("/api/suggest", b'{"limit": 3}'), 400, "missing-field"),
    "lone surrogate": (post("/api/suggest", b'{"text": "\\ud800"}'), 400, "lone-surrogate"),
    "control character in the path": (get("/api/%1b"), 400, "bad-path"),
    "bare HTTP/0.9 request line": (b"GET /api/health\r\n", 400, "bad-request"),
    "unknown endpoint": (get("/api/nope"), 404, "no-such-endpoint"),
    "wrong method": (get("/api/suggest"), 405, "method-not-allowed"),
    # README: a body of at most 301,024 bytes; one that size is read, and refused for its ticket's length alone
    "ticket too large": (post("/api/suggest", b"x" * 301_025, "text/plain"), 413, "body-too-large"),
    "ticket of the largest body": (post("/api/suggest", b"x" * 301_024, "text/plain"), 400, "ticket-too-long"),
    "query string too long": (get("/api/search?q=" + "r" * 17_000), 414, "query-string-too-long"),
    # curl -F: the boundaries and field names were searched as the ticket's words, and its limit ignored
    "ticket as a multipart form": (post("/api/suggest", b'--b\r\nContent-Disposition: form-data; name="text"\r\n\r\n'
                                        b'customer wants to cancel\r\n--b\r\nContent-Disposition: form-data; '
                                        b'name="limit"\r\n\r\n1\r\n--b--\r\n', "multipart/form-data; boundary=b"),
                                   415, "unsupported-media-type"),
    "ticket as XML": (post("/api/suggest", b"<text>customer wants to cancel</text>", "application/xml"), 415,
                      "unsupported-media-type"),
}


@pytest.mark.parametrize("case", REFUSALS)
def test_every_refusal_carries_a_code_for_scripts(port, case):
    raw, status, code = REFUSALS[case]
    answer = exchange(port, raw)
    assert_json_4xx(answer)
    assert (answer[0], json.loads(answer[2])["code"]) == (status, code), answer


MALFORMED = {
    "nested JSON 20,000 deep": (post("/api/suggest", b"[" * 20_000 + b"]" * 20_000), ""),
    "nested object 20,000 deep": (post("/api/suggest", b'{"a":' * 20_000 + b"1" + b"}" * 20_000), ""),
    "negative Content-Length": (post("/api/suggest", b"abc", length="-5"), "Content-Length"),
    "Content-Length not a number": (post("/api/suggest", b"abc", length="3x"), ""),
    "lone surrogate in a logged query": (post("/api/click", b'{"q": "\\ud800 renewal", "url": "/faq/"}'), "surrogate"),
    "lone surrogate in a ticket": (post("/api/suggest", b'{"text": "churn \\udfff"}'), "surrogate"),
    "NUL in a static path": (b"GET /index.html%00 HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n", ""),
    "NUL in an API path": (b"GET /api/search%00?q=renewal HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n", ""),
    # the preview's MkDocs server dropped the bytes and answered 200 with /playbooks/
    "bytes that are not UTF-8 in a path": (b"GET /playbooks/%ff%fe/ HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n", ""),
    # the preview refused it, gunicorn handed it to the API: a 404 naming '/api/\x1b[31m'
    "a control character in an API path": (b"GET /api/%1b%5b31m HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n",
                                           "the path holds a NUL or control character"),
    # DEL, as terminals take it: the path named in a 404 and a log line is refused first, as a control character is
    "a DEL in an API path": (b"GET /api/search%7f HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n",
                             "the path holds a NUL or control character"),
    # gunicorn handed them to the API as Latin-1: a 404 naming '/api/ÿþ'
    "bytes that are not UTF-8 in an API path": (b"GET /api/%ff%fe HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n",
                                                "the path is not UTF-8"),
    # the preview's MkDocs server raised in int(): a plain-text 500 and a traceback
    "a live-reload poll numbered with 5,000 digits": (
        b"GET /livereload/" + b"9" * 5000 + b"/1 HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n", ""),
    "bare HTTP/0.9 request line": (b"GET /api/health\r\n", ""),
    "body shorter than Content-Length, then EOF": (post("/api/suggest", b'{"text": "ren', length="100"), ""),
    # a whole JSON ticket that stops short of its length: read as sent, it was a ticket, though the client said
    # more was coming (a proxy cut it, or another request follows in the same bytes)
    "a whole ticket shorter than its Content-Length, then EOF": (
        post("/api/suggest", b'{"text": "renewal"}', length="100"), "shorter than its Content-Length"),
    # two framings of one body: a proxy that reads the other one sees a second, smuggled request
    "two different Content-Lengths": (post("/api/suggest", b'{"text": "renewal"}GET /x HTTP/1.1\r\n\r\n', length="19\r\nContent-Length: 40"), ""),
    "Content-Length and chunked both": (post("/api/suggest", b'{"text": "renewal"}', length="19\r\nTransfer-Encoding: chunked"), ""),
}


@pytest.mark.parametrize("case", MALFORMED)
def test_malformed_requests_get_a_json_4xx(port, case):
    raw, message = MALFORMED[case]
    assert_json_4xx(exchange(port, raw), message)


def test_an_unknown_api_path_is_named_as_sent(port):
    """Under gunicorn a UTF-8 path was named in Latin-1: "no such endpoint '/api/æ\\x9b´æ\\x96°'" for /api/更新."""
    status, _, body, _ = exchange(port, b"GET /api/%E6%9B%B4%E6%96%B0 HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
    assert status == 404 and "'/api/更新'" in json.loads(body)["error"], body


def test_both_servers_name_a_wrong_api_path_below_site_urls_path_alike(tmp_path):
    """With site_url https://…/docs/ the search box calls /docs/api/…; a wrong path there was named
    '/api/nope' by `csops serve` (which mounts the API at the site's path) and '/docs/api/nope' by gunicorn, both
    pointing at 'GET /api/search'. Both now name the path as sent and the endpoints beside it."""
    from click.testing import CliRunner

    from conftest import MINIMAL_MKDOCS, make_project
    from generator.cli import main

    project = make_project(tmp_path / "portal", {
        "mkdocs.yml": MINIMAL_MKDOCS.format(language="en").replace("https://portal.acme.test/",
                                                                   "https://portal.acme.test/docs/"),
        "content/playbooks/renewal-runway.yml": "title: Renewal runway\nsteps:\n  - {id: confirm, title: Confirm}\n"})
    assert CliRunner().invoke(main, ["build", "--project", str(project), "--quiet"]).exit_code == 0
    asked = {"/docs/api/nope": (404, "no such endpoint '/docs/api/nope'; see GET /docs/api/search and POST "
                                     "/docs/api/suggest"),
             "/docs/api": (404, "no such endpoint '/docs/api'; see GET /docs/api/search and POST /docs/api/suggest"),
             "/docs/api/suggest": (405, "/docs/api/suggest accepts POST"),
             "/api/nope": (404, "no such endpoint '/api/nope'; see GET /api/search and POST /api/suggest")}
    port = load.free_port()
    process = load.start_gunicorn(project, port, "--workers", "1")
    try:
        with preview(project, mount_path="/docs/") as preview_at:
            for server in (preview_at, port):
                answers = {path: exchange(server, get(path)) for path in asked}
                assert {path: (status, json.loads(body)["error"]) for path, (status, _, body, _) in answers.items()} \
                    == asked, server
    finally:
        process.terminate()
        process.wait(timeout=30)


def chunked(path: str, body: bytes, content_type: str = "text/plain") -> bytes:
    framed = b"".join(b"%x\r\n%s\r\n" % (len(piece), piece) for piece in (body[:9], body[9:]) if piece) + b"0\r\n\r\n"
    return (f"POST {path} HTTP/1.1\r\nHost: localhost\r\nContent-Type: {content_type}\r\n"
            "Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n").encode() + framed


def test_the_previews_log_writes_out_the_control_characters_of_a_request_line(preview_port, caplog):
    """A 404 is logged by its request line as sent: 'GET /a\xc2\x9b31m' printed U+009B (CSI) to the terminal
    running csops serve (found by the red-team pass)."""
    with caplog.at_level("WARNING", logger="mkdocs.livereload"):
        status = exchange(preview_port, b"GET /a\xc2\x9b31m HTTP/1.1\r\nHost: localhost\r\n\r\n")[0]
        time.sleep(0.2)
    assert status == 404
    logged = [r.getMessage() for r in caplog.records if "GET /a" in r.getMessage()]
    assert logged and not any(re.search("[\x80-\x9f]", line) for line in logged), logged


def test_a_chunked_ticket_is_read_under_gunicorn_and_refused_with_411_by_the_preview(gunicorn_port, preview_port):
    """curl sends a piped body chunked: gunicorn's API read it as empty ("empty ticket text")."""
    ticket = b"Initech renewal due in 40 days, no reply from the admin"
    status, _, body, _ = exchange(gunicorn_port, chunked("/api/suggest", ticket))
    assert status == 200 and json.loads(body)["links"], body
    assert_json_4xx(exchange(gunicorn_port, chunked("/api/suggest", b"x" * (MAX_BODY + 10))), "too large")
    status, _, body, _ = exchange(preview_port, chunked("/api/suggest", ticket))
    assert status == 411 and "Content-Length" in json.loads(body)["error"]
    assert json.loads(body)["code"] == "length-required", body  # README: the API's error codes


@pytest.mark.parametrize("case, raw", [
    ("body shorter than its Content-Length", post("/api/suggest", b'{"text": "ren', length="100")),
    ("request line never finished", b"GET /api/health"),
    ("headers never finished", b"GET /api/health HTTP/1.1\r\nHost: localhost\r\n"),
    ("idle connection", b""),
])
def test_requests_that_never_finish_are_cut_off(port, case, raw):
    """Before: each held a worker thread forever. Now the connection ends within the timeout (plus gunicorn's
    fixed 5 s wait for a first byte on an idle connection), with a JSON 408 where an answer is possible."""
    status, headers, body, seconds = exchange(port, raw, half_close=False, wait=20)
    assert seconds < 12, f"{case}: connection held for {seconds:.1f} s"
    if status is not None:
        assert status == 408 and "application/json" in headers
        assert json.loads(body)["code"] == "request-timeout", body  # README: the API's error codes


def test_clients_that_stall_leave_no_traceback_in_gunicorns_log(served_copy, tmp_path):
    """Each connection that went silent or trickled past the deadline was logged as an ERROR with a 30-line
    TimeoutError traceback ("Socket error processing request."): any client could fill the log with them, and
    real errors drowned. Now it is a dropped client (debug level); a body that stops still gets its JSON 408."""
    log_file = tmp_path / "gunicorn.log"
    port = load.free_port()
    process = load.start_gunicorn(served_copy, port, "--workers", "1", "--threads", "4", "--error-logfile", str(log_file),
                                  env={"CSOPS_API_IO_TIMEOUT": str(TIMEOUT)})
    try:
        for raw in (b"GET /api/hea", b"GET /api/health HTTP/1.1\r\nHost: localhost\r\n"):
            assert exchange(port, raw, half_close=False, wait=20)[0] is None
        with socket.create_connection(("127.0.0.1", port), timeout=20) as trickle:  # past the deadline, never silent
            trickle.sendall(b"GET /api/health HTTP/1.1\r\n")
            started = time.monotonic()
            with pytest.raises(OSError):
                while time.monotonic() - started < 10:
                    time.sleep(0.2)
                    trickle.sendall(b"X-Slow: 1\r\n")
                    if select.select([trickle], [], [], 0)[0] and not trickle.recv(100):
                        raise ConnectionResetError("closed")
        assert_json_4xx(exchange(port, post("/api/suggest", b'{"text": "ren', length="100"), half_close=False, wait=20),
                        "did not arrive")
        status, _, _, _ = exchange(port, b"GET /api/search?q=renewal HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
        assert status == 200
    finally:
        process.terminate()
        process.wait(timeout=30)
    log = log_file.read_text(encoding="utf-8")
    assert "Traceback" not in log and "[ERROR]" not in log, log[-3000:]


@pytest.mark.parametrize("start, more", [
    (b"GET /api/health HTTP/1.1\r\nHost: localhost\r\n", b"X-Slow: 1\r\n"),
    (post("/api/suggest", b"", "text/plain", length="100000"), b"a"),
], ids=["header lines", "body bytes"])
def test_requests_trickling_in_are_cut_off_and_leave_threads_for_other_clients(port, start, more):
    """A header line (or a body byte) every 0.3 s never lets the socket timeout fire: eight such connections held
    every thread of gunicorn's two default workers, and searches waited until they gave up; the preview, a thread
    for each connection, kept every one of them for as long as the client went on. Now a request must arrive whole
    within the timeout, so each trickle is dropped and a search sent among six of them (the worker here has
    four threads) is answered."""
    trickles = [socket.create_connection(("127.0.0.1", port), timeout=10) for _ in range(6)]
    for trickle in trickles:
        trickle.sendall(start)
    started = time.monotonic()
    answered: list = []
    search = threading.Thread(target=lambda: answered.append(exchange(
        port, b"GET /api/search?q=renewal HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n", wait=20)))
    time.sleep(0.3)
    search.start()
    dropped: dict[int, float] = {}
    try:
        while len(dropped) < len(trickles) and time.monotonic() - started < 8:
            for number, trickle in enumerate(trickles):
                if number in dropped:
                    continue
                if select.select([trickle], [], [], 0)[0]:  # the server answered or closed it
                    dropped[number] = time.monotonic() - started
                    continue
                try:
                    trickle.sendall(more)
                except OSError:
                    dropped[number] = time.monotonic() - started
            time.sleep(0.3)
    finally:
        for trickle in trickles:
            trickle.close()
    search.join(20)
    assert len(dropped) == len(trickles) and max(dropped.values()) < TIMEOUT + 3, dropped
    status, _, body, seconds = answered[0]
    assert status == 200 and json.loads(body)["total"] > 0 and seconds < TIMEOUT + 3, (status, seconds)


def test_a_worker_whose_threads_are_all_busy_leaves_new_clients_to_another(served_copy):
    """gthread accepted connections while every thread of its worker was taken and queued them behind: a client
    trickling its request line by line held the one thread of a worker, and a search that worker accepted waited
    for the trickle's 10 s deadline (9.7 s measured with four trickles on the default 2 x 4) while the other worker
    sat idle. A busy worker now leaves new connections in the listening queue, for a worker with a thread free."""
    port = load.free_port()
    process = load.start_gunicorn(served_copy, port, "--workers", "2", "--threads", "1",
                                  env={"CSOPS_API_IO_TIMEOUT": "10"})
    trickle = socket.create_connection(("127.0.0.1", port), timeout=10)
    stop = threading.Event()

    def go_on_trickling():
        while not stop.wait(0.3):
            try:
                trickle.sendall(b"X-Slow: 1\r\n")
            except OSError:
                return

    keeper = threading.Thread(target=go_on_trickling)
    try:
        trickle.sendall(b"GET /api/health HTTP/1.1\r\nHost: localhost\r\n")
        keeper.start()
        time.sleep(0.5)  # taken up by one worker's only thread
        waits = []
        for _ in range(6):  # each on a new connection: either worker may take it from the queue
            status, _, body, seconds = exchange(
                port, b"GET /api/search?q=renewal HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n", wait=20)
            assert status == 200 and json.loads(body)["total"] > 0, body
            waits.append(round(seconds, 2))
        assert max(waits) < 5, waits  # behind the trickle: its 10 s deadline
    finally:
        stop.set()
        trickle.close()
        if keeper.is_alive():
            keeper.join(5)
        process.terminate()
        process.wait(timeout=30)


@pytest.mark.parametrize("path", ["/%2f%2fevil.example%2f..%2fplaybooks", "/%2F%2F%2Fevil.example/..%2Ffaq"])
def test_the_preview_never_redirects_off_the_site(preview_port, path):
    """MkDocs' redirect to a folder's slash answered /%2f%2fevil.com%2f..%2fplaybooks with
    Location: ///evil.com/../playbooks/, which a browser follows to evil.com."""
    status, headers, _, _ = exchange(preview_port, f"GET {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n".encode())
    location = re.search(r"^location: (.*)$", headers, re.MULTILINE)
    assert status in (302, 404), (status, headers)
    assert location is None or (location.group(1).startswith("/") and not location.group(1).startswith("//")), headers


def test_a_renamed_pages_redirect_carries_the_query_percent_encoded(preview_port):
    """The preview's 302 for a renamed page's old address (renewal-prep, now renewal-runway) keeps the query: a raw
    NUL, DEL or byte above 0x7f in it went back into the Location header as sent, which HTTP forbids in a header
    (red team); a browser's own escapes and a query holding an address stay as they were."""
    raw = (b"GET /playbooks/renewal-prep/?a=\x00b\x7f\xc3\xa9<x>&v=%41&u=https://evil.example/ HTTP/1.1\r\n"
           b"Host: localhost\r\nConnection: close\r\n\r\n")
    status, headers, _, _ = exchange(preview_port, raw)
    assert status == 302, headers
    assert re.search(r"^location: (\S*)", headers, re.MULTILINE).group(1) == (
        "/playbooks/renewal-runway/?a=%00b%7f%c3%a9%3cx%3e&v=%41&u=https://evil.example/")  # headers are lower-cased


@pytest.mark.parametrize("method", ["POST", "DELETE", "PUT"])
def test_the_previews_site_is_read_only(preview_port, method):
    status, headers, body, _ = exchange(preview_port, f"{method} /index.html HTTP/1.1\r\nHost: localhost\r\n"
                                                      "Content-Length: 0\r\nConnection: close\r\n\r\n".encode())
    assert status == 405 and "allow: get, head" in headers and "read-only" in json.loads(body)["error"]


def test_a_large_ticket_on_a_slow_link_is_read_whole(gunicorn_port):
    """A 60 KB ticket at 5 KB/s took longer than the request deadline and got 408: each 16 KB that arrives earns
    a second more. Here 40 KB over about 2 s against the tests' 1 s timeout."""
    ticket = ("Customer wants to cancel the renewal. " * 1100).encode()[:40_000]
    head = (f"POST /api/suggest HTTP/1.1\r\nHost: localhost\r\nContent-Type: text/plain\r\nContent-Length: {len(ticket)}\r\n"
            "Connection: close\r\n\r\n").encode()
    with socket.create_connection(("127.0.0.1", gunicorn_port), timeout=15) as sock:
        sock.sendall(head)
        for start in range(0, len(ticket), 5_000):
            sock.sendall(ticket[start:start + 5_000])
            time.sleep(0.25)
        answer = b""
        while chunk := sock.recv(65536):
            answer += chunk
    assert answer.startswith(b"HTTP/1.1 200"), answer[:200]
    assert json.loads(answer.partition(b"\r\n\r\n")[2])["links"]


def test_an_untyped_json_ticket_is_read_as_json_on_both(port):
    """Python's requests sends data=json.dumps(...) with no Content-Type. The preview read such a body as the
    ticket's text (wsgiref calls an untyped body text/plain): "limit" was ignored and a misspelt field too."""
    def untyped(body: bytes):
        return exchange(port, (f"POST /api/suggest HTTP/1.1\r\nHost: localhost\r\nContent-Length: {len(body)}\r\n"
                               "Connection: close\r\n\r\n").encode() + body)

    status, _, body, _ = untyped(b'{"text": "customer renewal at risk", "limit": 1}')
    assert status == 200 and len(json.loads(body)["links"]) == 1, body
    assert_json_4xx(untyped(b'{"text": "customer renewal at risk", "limt": 1}'), "unknown field 'limt'")


def test_a_request_in_absolute_form_is_answered_on_both(port):
    """GET http://host/api/search?q=… (a request target in absolute form, which servers must take): gunicorn answered
    it, the preview looked up a file named 'http:' and answered the site's 404 page, in HTML."""
    status, headers, body, _ = exchange(port, b"GET http://portal.example/api/search?q=renewal HTTP/1.1\r\nHost: localhost\r\n"
                                              b"Connection: close\r\n\r\n")
    assert status == 200 and json.loads(body)["total"] > 0, (status, body[:200])


def test_a_valid_request_still_works_on_both(port):
    status, _, body, _ = exchange(port, b"GET /api/search?q=renewal HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
    assert status == 200 and json.loads(body)["total"] > 0


def _api_paths() -> list[str]:
    """Each endpoint the API documents (server.py's docstring), in the forms a script or a proxy may write it, and the
    API's own folder: /api itself, beside it, below it."""
    import generator.server

    endpoints = sorted(set(re.findall(r"^    (?:GET|POST) +(/api/\w+)", generator.server.__doc__, re.MULTILINE)))
    assert endpoints == ["/api/click", "/api/health", "/api/search", "/api/suggest"], endpoints
    variants = [form.format(e=endpoint, tail=endpoint.removeprefix("/api/")) for endpoint in endpoints for form in (
        "{e}", "{e}/", "{e}?q=renewal&limit=1", "{e}/?q=renewal", "{e}#top", "{e}?q=renewal#top", "/api//{tail}",
        "/api/{tail}/more", "/api/{tail}.json")]
    return variants + ["/api", "/api/", "/api?q=renewal", "/api/?q=renewal", "/api#top", "/api/nope", "/api/nope/"]


def _answer(port: int, method: str, path: str):
    """What a client sees: the status, the type, and the JSON (a HEAD's empty body as b'')."""
    if method == "POST":
        raw = post(path, b'{"text": "renewal", "q": "renewal", "url": "/playbooks/renewal-runway/"}')
    else:
        raw = f"{method} {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n".encode()
    status, headers, body, _ = exchange(port, raw)
    kind = re.search(r"^content-type: *(.*?)\s*$", headers, re.MULTILINE)
    try:
        return status, kind and kind[1], json.loads(body) if body else body
    except ValueError:  # not JSON (the site's HTML page): the bytes, to show what differs
        return status, kind and kind[1], body[:60]


def test_every_api_path_is_answered_alike_by_the_preview_and_gunicorn(preview_port, gunicorn_port):
    """A script tried against `csops serve` and run against production met another API: GET /api got the preview's
    HTML page of the site ("page not found") and POST /api its "the site is read-only", where gunicorn answered the
    API's JSON 404; /api/health#top was an unknown endpoint to the preview (404) and 200 under gunicorn, which leaves
    a fragment off the request target. Every documented endpoint, in each form (a trailing slash, a query, a
    fragment, a doubled slash, a path below it) and each method, and /api itself, now get the same status, type and
    JSON from both."""
    differ = []
    for method in ("GET", "HEAD", "POST", "OPTIONS", "PUT"):
        for path in _api_paths():
            preview_answer, gunicorn_answer = _answer(preview_port, method, path), _answer(gunicorn_port, method, path)
            if preview_answer != gunicorn_answer:
                differ.append(f"{method} {path}: preview {preview_answer!r:.200}, gunicorn {gunicorn_answer!r:.200}")
    assert differ == [], "\n".join(differ)
    assert _answer(preview_port, "GET", "/api/health#top")[0] == 200  # the fragment left off, on both
    assert _answer(preview_port, "GET", "/api")[1] == "application/json; charset=utf-8"


_TOKEN = st.text(st.characters(min_codepoint=33, max_codepoint=126), min_size=1, max_size=12)
_STRUCTURED = st.builds(
    lambda method, path, version, headers, body: (
        f"{method} {path} {version}".rstrip().encode("latin-1", "replace") + b"\r\n"
        + b"".join(name + b": " + value + b"\r\n" for name, value in headers) + b"\r\n" + body),
    st.sampled_from(["GET", "POST", "HEAD", "OPTIONS", "PUT", "get", "P\x00ST"]) | _TOKEN,
    st.sampled_from(["/api/search?q=", "/api/suggest", "/api/click", "/api/health", "/", "/index.html"]).flatmap(
        lambda base: st.builds(lambda tail: base + tail, st.text(max_size=30).map(
            lambda t: "".join(c if 32 < ord(c) < 127 else f"%{ord(c) & 0xFF:02X}" for c in t)))),
    st.sampled_from(["HTTP/1.1", "HTTP/1.0", "", "HTTP/2", "HTTP/9.9"]) | _TOKEN,
    st.lists(st.tuples(st.sampled_from([b"Content-Length", b"Content-Type", b"Transfer-Encoding", b"Origin", b"Host",
                                        b"Expect"]) | st.binary(min_size=1, max_size=10),
                       st.sampled_from([b"-5", b"0", b"10", b"99999999999999", b"chunked", b"application/json",
                                        b"100-continue"]) | st.binary(max_size=20)), max_size=5),
    st.sampled_from([b"", b"{}", b'{"text": "renewal"}', b'{"q": "\\ud800", "url": "/"}', b"[" * 5000]) | st.binary(max_size=200),
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(raw=st.binary(max_size=400) | _STRUCTURED)
@example(raw=b"\x00\t\x00\tHTTP/2.0")  # found at 400 examples: http.server answered 505
@example(raw=b"GET / HTTP/2.0\r\n\r\n")
@example(raw=b"GET / HTTP/1.0\r\nTransfer-Encoding:\r\n\r\n")  # gunicorn answered 501
def test_arbitrary_bytes_never_get_a_500(port, raw):
    status, _, body, seconds = exchange(port, raw)
    assert status is None or status < 500, (raw[:200], body[:300])
    assert seconds < 10


@pytest.mark.parametrize("how", ["read-only mount", "log folder taken by a file"])
def test_searches_are_answered_when_the_search_log_cannot_be_written(served_copy, tmp_path, how):
    """gunicorn serving a read-only deployment (or a build/ its user may not write, or a full disk) answered
    every logged search and every click with a 500: the query log's write failed the request."""
    project = tmp_path / "portal"
    shutil.copytree(served_copy, project, symlinks=True)
    mounted = False
    if how == "read-only mount":
        if os.geteuid() != 0 or subprocess.run(["mount", "--bind", str(project), str(project)], capture_output=True).returncode:
            pytest.skip("needs root to mount the project read-only")
        mounted = True
        subprocess.run(["mount", "-o", "remount,ro,bind", str(project)], check=True)
    else:
        shutil.rmtree(project / "build/search-log", ignore_errors=True)
        (project / "build/search-log").write_text("not a folder", encoding="utf-8")
    port = load.free_port()
    process = load.start_gunicorn(project, port, "--workers", "1", "--threads", "2")
    try:
        status, _, body, _ = exchange(port, b"GET /api/search?q=renewal HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
        assert status == 200 and json.loads(body)["total"] > 0, body
        status, _, body, _ = exchange(port, post("/api/click", b'{"q": "renewal", "url": "/faq/renewals/"}'))
        assert status == 200, body
    finally:
        process.terminate()
        process.wait(timeout=30)
        if mounted:
            subprocess.run(["umount", "-l", str(project)], check=False)


def test_workers_restarted_while_mkdocs_yml_is_broken_keep_serving(served_copy, tmp_path):
    """gunicorn starts a worker anew every 20,000 requests (and after a crash or a reload). A mkdocs.yml broken
    on the server since the last good build (which `csops build` refuses, keeping the live site) failed the new
    worker's boot, and gunicorn then shut the whole API down: every later request was refused."""
    project = tmp_path / "portal"
    shutil.copytree(served_copy, project, symlinks=True)
    port = load.free_port()
    process = load.start_gunicorn(project, port, "--workers", "1", "--threads", "1", "--max-requests", "2",
                                  "--max-requests-jitter", "0")
    try:
        with (project / "mkdocs.yml").open("a", encoding="utf-8") as config:
            config.write("\nextra: [\n")
        statuses = []
        for _ in range(8):  # four worker restarts
            statuses.append(exchange(port, b"GET /api/search?q=renewal&log=0 HTTP/1.1\r\nHost: localhost\r\n"
                                           b"Connection: close\r\n\r\n")[0])
        assert statuses == [200] * 8 and process.poll() is None, statuses
    finally:
        process.terminate()
        process.wait(timeout=30)


@pytest.fixture(scope="module")
def cors_port(served_copy):
    with preview(served_copy, cors_origins=["https://tickets.example.com"]) as port:
        yield port


def request(port: int, method: str, path: str, headers: dict[str, str], body: bytes = b""):
    head = "".join(f"{k}: {v}\r\n" for k, v in {"Host": "localhost", "Connection": "close", "Content-Length": str(len(body)),
                                                  **headers}.items())
    return exchange(port, f"{method} {path} HTTP/1.1\r\n{head}\r\n".encode() + body)


def test_cors_preflight_and_answers_echo_only_listed_origins(cors_port):
    status, headers, _, _ = request(cors_port, "OPTIONS", "/api/suggest", {
        "Origin": "https://tickets.example.com", "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "content-type"})
    assert status == 200
    assert "access-control-allow-origin: https://tickets.example.com" in headers
    assert "access-control-allow-methods: post, options" in headers and "access-control-allow-headers: content-type" in headers
    assert "vary: origin" in headers
    status, headers, _, _ = request(cors_port, "GET", "/api/search?q=renewal", {"Origin": "https://tickets.example.com"})
    assert status == 200 and "access-control-allow-origin: https://tickets.example.com" in headers and "vary: origin" in headers
    status, headers, _, _ = request(cors_port, "GET", "/api/search?q=renewal", {"Origin": "https://evil.example"})
    assert status == 200 and "access-control-allow-origin" not in headers and "vary: origin" in headers
    status, headers, body, _ = request(cors_port, "OPTIONS", "/api/suggest", {
        "Origin": "https://evil.example", "Access-Control-Request-Method": "POST"})
    assert status == 403 and "access-control-allow-origin" not in headers and "may not call" in json.loads(body)["error"]


@pytest.mark.parametrize("host", ["evil.example", "evil.example:8000", "127.0.0.1.evil.example", "localhost.evil.example"])
def test_the_preview_refuses_requests_named_for_another_host(preview_port, host):
    """DNS rebinding: a page on http://evil.example/, its name then pointed at 127.0.0.1, is the preview's own origin
    in the browser: it read every page and the API's answers (200) and wrote to the search log."""
    for method, path, body in (("GET", "/", b""), ("GET", "/api/search?q=renewal", b""),
                               ("POST", "/api/click", b'{"q": "renewal", "url": "/x"}')):
        status, headers, answer, _ = request(preview_port, method, path, {"Host": host, "Content-Type": "application/json"},
                                             body)
        assert status == 403, (host, path, status)
        data = json.loads(answer)
        assert data["code"] == "foreign-host" and "--host 0.0.0.0" in data["error"] and "access-control" not in headers


def test_a_head_named_for_another_host_is_refused_without_a_body(preview_port):
    """A HEAD for another host got the 403's JSON after its headers (RFC 9110: a HEAD's answer has no body; a client
    keeping the connection reads those bytes as its next response): the host guard stood outside the one that
    leaves a HEAD's body out, so only the answers below it came without one."""
    for path in ("/", "/api/health"):
        status, headers, body, _ = request(preview_port, "HEAD", path, {"Host": "evil.example"})
        assert status == 403 and "content-length: " in headers and body == b"", (path, headers, body[:80])


def test_a_head_the_http_layer_refuses_gets_no_body_either(preview_port):
    """A HEAD refused before it reaches the site (two Content-Lengths) is answered by the handler's own send_error,
    which must leave the JSON out as the site's answers do: a client keeping the connection reads those bytes as its
    next response. And a request line naming HTTP/2 is a client's bad request, a 400 as gunicorn answers, not a 505."""
    raw = b"HEAD / HTTP/1.1\r\nHost: localhost\r\nContent-Length: 0\r\nContent-Length: 0\r\n\r\n"
    status, headers, body, _ = exchange(preview_port, raw)
    assert status == 400 and "content-length: " in headers and body == b"", (headers, body[:80])
    status, _, body, _ = exchange(preview_port, b"GET / HTTP/2.0\r\nHost: localhost\r\n\r\n")
    assert status == 400 and "send HTTP/1.1" in json.loads(body)["error"], body


@pytest.mark.parametrize("line", [b"HEAD / HTTP/2.0", b"HEAD / HTTP/3", b"HEAD / HTTX/1.1", b"HEAD / HTTP/1.1 x",
                                  b"HEAD /", b"HEAD /" + b"a" * 70000 + b" HTTP/1.1", b"HEAD /api/\xff HTTP/1.1",
                                  b"HEAD /api/health HTTP/1.1\r\nX-Big: " + b"a" * 100_000])
def test_a_head_refused_for_its_request_line_gets_no_body(port, line):
    """http.server refuses a bad request line (HTTP/2.0, an unknown version, a fourth word, no version, a line too
    long) before it sets the method: send_error read self.command as None, not HEAD, and wrote the JSON after the
    headers, which a client keeping the connection reads as its next response. gunicorn's error writer, which
    answers a refused request line or header (a 100 KB one: 431) before gunicorn knows the method, did the same
    (red team)."""
    status, headers, body, _ = exchange(port, line + b"\r\nHost: localhost\r\n\r\n", wait=10.0)
    assert status in (400, 414, 431) and "content-length: " in headers and body == b"", (line[:20], headers, body[:80])
    status, _, body, _ = exchange(port, line.replace(b"HEAD", b"GET", 1) + b"\r\nHost: localhost\r\n\r\n",
                                  wait=10.0)
    assert status in (400, 414, 431) and json.loads(body)["error"], body  # a GET so refused still says why


@pytest.mark.parametrize("host", ["localhost", "127.0.0.1:8000", "LOCALHOST.", "portal.localhost:8000", "[::1]:8000",
                                  "192.168.1.20:8000"])
def test_the_preview_answers_its_own_names_and_any_address(preview_port, host):
    assert request(preview_port, "GET", "/api/health", {"Host": host})[0] == 200


def test_a_preview_serving_the_network_answers_any_name(served_copy):
    from generator.preview_guards import only_local_hosts

    answered = []
    app = only_local_hosts(lambda environ, start_response: answered.append(environ["HTTP_HOST"]) or [b""], "0.0.0.0")
    app({"HTTP_HOST": "laptop.corp.example:8000"}, lambda *args: None)
    assert answered == ["laptop.corp.example:8000"]


CROSS_SITE = {"Sec-Fetch-Site": "cross-site", "Sec-Fetch-Mode": "no-cors", "Sec-Fetch-Dest": "empty",
              "Origin": "https://evil.example"}


def test_another_sites_pages_cannot_write_searches_or_clicks(port):
    """Any page a reader opened wrote to the search log: a form posting text=…&q=…&url=… to /api/click (no
    preflight) was logged as a click, and an <img> of /api/search?q=… as a search. CORS only hid the answers."""
    form = b"text=x&q=planted&url=/x"
    status, _, body, _ = request(port, "POST", "/api/click", {**CROSS_SITE, "Content-Type": "application/x-www-form-urlencoded"}, form)
    assert status == 403 and json.loads(body)["code"] == "origin-not-allowed" and "cors_origins" in json.loads(body)["error"]
    status, _, body, _ = request(port, "GET", "/api/search?q=planted", {**CROSS_SITE, "Sec-Fetch-Site": "same-site"})
    assert status == 403 and "https://evil.example" in json.loads(body)["error"]
    # the portal's own pages, a link to the API opened in a tab, and clients that are no browser, as before
    assert request(port, "POST", "/api/click", {"Sec-Fetch-Site": "same-origin", "Content-Type": "application/json"},
                   b'{"q": "renewal", "url": "/x"}')[0] == 200
    assert request(port, "GET", "/api/search?q=renewal", {"Sec-Fetch-Site": "cross-site", "Sec-Fetch-Mode": "navigate",
                                                          "Sec-Fetch-Dest": "document"})[0] == 200
    assert request(port, "GET", "/api/search?q=renewal", {"Sec-Fetch-Site": "cross-site", "Sec-Fetch-Mode": "navigate",
                                                          "Sec-Fetch-Dest": "iframe"})[0] == 403
    assert request(port, "POST", "/api/click", {"Content-Type": "application/x-www-form-urlencoded"}, form)[0] == 200


def test_another_sites_links_to_the_api_are_answered_but_not_logged(gunicorn_port, served_copy):
    """A page of another site navigating a window it opened (window.open, then location = …) through
    /api/search?q=… wrote each planted query into the log `csops report searches` reads, as a top-level navigation
    is answered. It still is; only the reader's own searches, and scripts', are logged (as by csops serve, whose
    API is the same app)."""
    from generator.query_log import query_log_file

    navigation = {"Sec-Fetch-Site": "cross-site", "Sec-Fetch-Mode": "navigate", "Sec-Fetch-Dest": "document"}
    for site in ("cross-site", "same-site"):
        assert request(gunicorn_port, "GET", f"/api/search?q=plantedby{site.replace('-', '')}&log=1",
                       {**navigation, "Sec-Fetch-Site": site})[0] == 200
    for headers in ({"Sec-Fetch-Site": "same-origin", "Sec-Fetch-Mode": "cors", "Sec-Fetch-Dest": "empty"},
                    {**navigation, "Sec-Fetch-Site": "none"}, {}):
        assert request(gunicorn_port, "GET", "/api/search?q=ownsearch" + headers.get("Sec-Fetch-Site", "script").replace("-", ""),
                       headers)[0] == 200
    logged = query_log_file(served_copy).read_text(encoding="utf-8")
    assert "plantedby" not in logged
    assert all(f'"ownsearch{kind}"' in logged for kind in ("sameorigin", "none", "script")), logged


def test_an_older_browsers_request_from_another_site_is_known_by_its_origin_or_referer(gunicorn_port, served_copy):
    """A browser that sends no Sec-Fetch-Site (Safari before 16.4, Firefox before 90) was taken for a script: another
    site's form posting to /api/click was logged, and so was its <img> of /api/search?…&log=1 (red team). Such a
    browser names the page in Origin or Referer: a click from another site, or from a page with no origin ('null': a
    sandboxed frame), is refused, a search answered but not logged; the portal's own pages (by the Host asked or,
    behind a proxy, site_url) and scripts as before."""
    from generator.query_log import query_log_file

    typed = {"Content-Type": "application/x-www-form-urlencoded"}
    for sender in ({"Origin": "https://evil.example"}, {"Origin": "null"}, {"Referer": "https://evil.example/page"}):
        status, _, body, _ = request(gunicorn_port, "POST", "/api/click", {**typed, **sender}, b"text=x&q=plantedold&url=/x")
        assert status == 403 and json.loads(body)["code"] == "origin-not-allowed", (sender, body)
        assert request(gunicorn_port, "GET", "/api/search?q=plantedold&log=1", sender)[0] == 200
    for sender in ({"Origin": "http://localhost"}, {"Referer": "http://localhost/playbooks/renewal/"},
                   {"Origin": "https://cs-portal.example.com"}, {}):
        assert request(gunicorn_port, "POST", "/api/click", {**typed, **sender}, b"text=x&q=ownclick&url=/x")[0] == 200
    logged = query_log_file(served_copy).read_text(encoding="utf-8")
    assert "plantedold" not in logged and logged.count('"ownclick"') == 4, logged


def test_a_listed_origin_still_calls_the_api_from_its_pages(cors_port):
    headers = {**CROSS_SITE, "Sec-Fetch-Mode": "cors", "Origin": "https://tickets.example.com"}
    status, answer_headers, _, _ = request(cors_port, "POST", "/api/suggest", {**headers, "Content-Type": "text/plain"},
                                           b"customer asks about renewal discount")
    assert status == 200 and "access-control-allow-origin: https://tickets.example.com" in answer_headers
    assert request(cors_port, "GET", "/api/search?q=renewal", {**CROSS_SITE, "Sec-Fetch-Mode": "cors"})[0] == 403


@pytest.mark.parametrize("path", ["/", "/search/search_index.json", "/assets/csops/csops.js", "/no-such-page/",
                                  "/api/health"])
def test_the_previews_files_are_never_sniffed_and_may_be_framed(preview_port, path):
    """Files carried no nosniff, so one could be read as a type it is not served as. Framing stays allowed: VS Code's
    Simple Browser shows the preview in an iframe of its own origin, blank under X-Frame-Options."""
    status, headers, _, _ = request(preview_port, "GET", path, {})
    assert status in (200, 404)
    assert headers.count("x-content-type-options: nosniff") == 1, headers
    assert "x-frame-options" not in headers and "frame-ancestors" not in headers


def test_cors_is_off_by_default(preview_port):
    status, headers, _, _ = request(preview_port, "GET", "/api/search?q=renewal", {"Origin": "https://tickets.example.com"})
    assert status == 200 and "access-control-allow-origin" not in headers
    status, _, _, _ = request(preview_port, "OPTIONS", "/api/suggest", {
        "Origin": "https://tickets.example.com", "Access-Control-Request-Method": "POST"})
    assert status == 405


def test_cors_origins_from_mkdocs_yml_or_the_environment(tmp_path, monkeypatch):
    from generator.server import CORS_ENV, cors_origins_for

    (tmp_path / "mkdocs.yml").write_text("site_name: x\nextra:\n  csops:\n    api:\n      cors_origins:\n"
                                         "        - https://tickets.example.com/\n", encoding="utf-8")
    assert cors_origins_for(tmp_path) == {"https://tickets.example.com"}
    monkeypatch.setenv(CORS_ENV, "https://a.example, https://b.example")
    assert cors_origins_for(tmp_path) == {"https://a.example", "https://b.example"}
    assert cors_origins_for(tmp_path, ["https://c.example"]) == {"https://c.example"}
    # as written by hand; the browser's Origin is lowercase, and the mixed-case entry never matched it
    assert cors_origins_for(tmp_path, ["https://Tickets.Example.com/"]) == {"https://tickets.example.com"}
    # one origin written as a value, not a list (validate takes it): it is that origin, not its letters
    (tmp_path / "mkdocs.yml").write_text("site_name: x\nextra:\n  csops:\n    api:\n"
                                         "      cors_origins: https://tickets.example.com\n", encoding="utf-8")
    monkeypatch.delenv(CORS_ENV)
    assert cors_origins_for(tmp_path) == {"https://tickets.example.com"}


def test_a_cors_origin_is_matched_as_the_browser_writes_it(tmp_path, run):
    """The browser's Origin leaves out the default port and writes an international host in ASCII: configured as
    https://tickets.example.com:443 or https://bücher.example, an origin was never matched, and validate said
    nothing. An origin with a user name was told to write itself."""
    from generator.server import cors_origins_for

    written = ["https://tickets.example.com:443", "http://Intranet.example:80/", "https://bücher.example",
               "http://[::1]:8080", "https://c.example.com:8443"]
    assert cors_origins_for(tmp_path, written) == {
        "https://tickets.example.com", "http://intranet.example", "https://xn--bcher-kva.example", "http://[::1]:8080",
        "https://c.example.com:8443"}
    (tmp_path / "content").mkdir()
    (tmp_path / "mkdocs.yml").write_text("site_name: x\nsite_url: https://portal.acme.test/\nextra:\n  csops:\n"
                                         "    api:\n      cors_origins:\n" + "".join(f"        - {o}\n" for o in written)
                                         + "        - https://agent@tickets.example.com\n", encoding="utf-8")
    from generator.mkdocs_yaml import read_config
    from generator.rules.site_config import check_config

    found = [(p.message, p.hint) for p in check_config(tmp_path, read_config(tmp_path)) if p.code == "cors-origin"]
    assert found == [("CORS origin 'https://agent@tickets.example.com' is never matched: an origin has no user name: a "
                      "browser sends only the scheme and host", "write https://tickets.example.com")], found


def test_queries_never_fail_while_csops_build_swaps_new_indexes_in(served_copy, tmp_path):
    """Before: 500 (EmptyIndexError), 503 (no search index) or 400 (cannot parse query) in the swap window.
    Bounded: 3 rebuilds, 8 clients, at most 12 s or 6,000 requests."""
    project = tmp_path / "portal"
    shutil.copytree(served_copy, project, symlinks=True)
    with preview(project) as port:
        rebuilder, builds = load.rebuild_during(project, 3, 6.0, load.touch_content(project))
        result = load.run_clients(port, 8, 12.0, load.mixed_requests(), max_requests=6000)
        rebuilder.join()
    assert builds == [0, 0, 0]
    assert result["errors"] == 0, result["failures"]
    assert result["requests"] > 100


def test_a_reader_that_resolved_a_generation_just_removed_resolves_again(project_factory, monkeypatch):
    """The flip stress test's rare failure, made certain: a reader resolved build/index, a build flipped the link and
    removed that generation, and the reader's stat of its meta failed: "no search index; run `csops build` first"
    while a complete index was live."""
    from click.testing import CliRunner

    from generator import live_index
    from generator.cli import main
    from generator.search import Searcher

    project = project_factory({"content/playbooks/renewal-runway.yml": "title: Renewal runway\nsteps:\n"
                                                                        "  - {id: confirm, title: Confirm the stakeholders}\n"})
    assert CliRunner().invoke(main, ["build", "--project", str(project)]).exit_code == 0
    searcher = Searcher(project, cache_size=0)
    live = os.path.realpath(searcher.live.path)
    gone = project / "build" / ".generations" / "removed-by-a-build"
    shutil.copytree(live, gone)  # the generation the reader resolved, removed at the unlucky moment
    real_realpath = os.path.realpath
    calls = {"realpath": 0}

    def stale_first(path, *args, **kwargs):
        calls["realpath"] += 1
        return str(gone) if calls["realpath"] == 1 and str(path) == str(searcher.live.path) else real_realpath(path, *args, **kwargs)

    monkeypatch.setattr(live_index.os.path, "realpath", stale_first)
    shutil.rmtree(gone)  # removed between the reader's resolving and its stat
    assert searcher.search("renewal stakeholders").total > 0


def test_readers_see_the_old_or_the_new_index_never_an_error_across_many_flips(project_factory):
    """Many more generation flips than a load test's rebuilds, against readers in tight loops: the swap has no
    window (before: 503 'no search index', EmptyIndexError, or 400 'cannot parse query' when parse() reopened
    the index and closed the searcher the query was using). Bounded: 40 flips, 4 readers."""
    from generator import generations
    from generator.search import Searcher

    project = project_factory({"content/playbooks/renewal-runway.yml": "title: Renewal runway\nsteps:\n"
                                                                        "  - {id: confirm, title: Confirm the stakeholders}\n"})
    from click.testing import CliRunner

    from generator.cli import main

    assert CliRunner().invoke(main, ["build", "--project", str(project)]).exit_code == 0
    template = project / "build" / "template"
    shutil.copytree(project / "build/current", template)
    # each flip's build staged before the readers start: the copies are not what is tried, and copying 40 of them
    # while four readers hold the interpreter took most of the test's minutes
    stages = []
    for _ in range(40):
        stage = generations.new_staging(project)
        stage.rmdir()
        shutil.copytree(template, stage)
        stages.append(stage)
    searcher = Searcher(project, cache_size=0)
    errors: list[str] = []
    answered = [0]
    stop = threading.Event()

    def read():
        while not stop.is_set():
            try:
                assert searcher.search("renewal stakeholders").total > 0
                assert searcher.search("title:renewal OR confirm").total > 0
                answered[0] += 1
            except Exception as error:  # noqa: BLE001 - any failure is what this test looks for
                errors.append(repr(error))
            time.sleep(0.001)

    readers = [threading.Thread(target=read) for _ in range(4)]
    # the interpreter handed between threads every 0.5 ms, not 5, and each reader resting 1 ms between queries:
    # four readers in unbroken loops made each of the publish's hundreds of file calls wait its turn (2 s a flip on
    # a loaded machine, most of the test's minute); the readers still always have queries under way
    switch_interval = sys.getswitchinterval()
    sys.setswitchinterval(0.0005)
    for reader in readers:
        reader.start()
    try:
        for stage in stages:
            generations.publish(project, stage, project / "site")
            time.sleep(0.05)
    finally:
        stop.set()
        for reader in readers:
            reader.join()
        sys.setswitchinterval(switch_interval)
    assert errors == [] and answered[0] > 40


@pytest.mark.parametrize("bound", ["::ffff:127.0.0.1", "laptop", "localhost."])
def test_a_preview_bound_to_loopback_by_another_name_refuses_other_hosts(monkeypatch, bound):
    """--host with the machine's own name (127.0.1.1 on Debian) or an IPv4-mapped loopback address listens on
    loopback only, as 127.0.0.1 does, and answered a rebound evil.example unguarded."""
    import socket

    from generator.preview_guards import only_local_hosts

    resolve = socket.getaddrinfo
    monkeypatch.setattr(socket, "getaddrinfo", lambda host, *args: [(socket.AF_INET, socket.SOCK_STREAM, 6, "",
                                                                       ("127.0.1.1", 0))] if host == "laptop"
                        else resolve(host, *args))
    answered, statuses = [], []
    app = only_local_hosts(lambda environ, start_response: answered.append(environ["HTTP_HOST"]) or [b""], bound)
    app({"HTTP_HOST": "evil.example:8000", "SERVER_PORT": "8000"}, lambda status, headers: statuses.append(status))
    app({"HTTP_HOST": "localhost:8000", "SERVER_PORT": "8000"}, lambda status, headers: statuses.append(status))
    assert statuses == ["403 Forbidden"] and answered == ["localhost:8000"]


@pytest.mark.parametrize("bound", ["0.0.0.0", "::", "", "192.168.1.20"])
def test_a_preview_bound_to_every_or_a_network_address_answers_any_name(bound):
    from generator.preview_guards import only_local_hosts

    answered = []
    app = only_local_hosts(lambda environ, start_response: answered.append(environ["HTTP_HOST"]) or [b""], bound)
    app({"HTTP_HOST": "laptop.corp.example:8000", "SERVER_PORT": "8000"}, lambda *args: None)
    assert answered == ["laptop.corp.example:8000"]


def test_a_name_bound_to_loopback_and_the_network_answers_any_name_and_no_host_is_the_previews(monkeypatch):
    """--host with a name that resolves to a network address beside a loopback one (laptop: 127.0.1.1 and
    192.168.1.20) serves the network, so colleagues' names for the machine are answered; and on loopback an HTTP/1.0
    client that sends no Host at all names no other site, so it is answered too."""
    import socket

    from generator.preview_guards import only_local_hosts

    resolve = socket.getaddrinfo
    monkeypatch.setattr(socket, "getaddrinfo", lambda host, *args: [
        (socket.AF_INET, socket.SOCK_STREAM, 6, "", (address, 0)) for address in ("127.0.1.1", "192.168.1.20")]
        if host == "laptop" else resolve(host, *args))
    answered, statuses = [], []

    def app(environ, start_response):
        return answered.append(environ.get("HTTP_HOST", "(none)")) or [b""]

    only_local_hosts(app, "laptop")({"HTTP_HOST": "laptop.corp.example:8000", "SERVER_PORT": "8000"},
                                    lambda status, headers: statuses.append(status))
    only_local_hosts(app, "127.0.0.1")({"SERVER_PORT": "8000"}, lambda status, headers: statuses.append(status))
    assert answered == ["laptop.corp.example:8000", "(none)"] and statuses == []
