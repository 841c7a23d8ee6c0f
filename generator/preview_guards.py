"""The preview's guards on each request, between the browser and MkDocs' live-reload server.

MkDocs' server is made for one developer's browser: it waits for ever on a slow client, answers what the HTTP
layer cannot parse with HTML, takes any Host and any path. Each guard here closes one of those
gaps: every connection has a read/idle timeout and a deadline, a request the HTTP layer cannot parse gets a JSON
4xx like the API's own errors, a HEAD gets no body, unsafe paths and other hosts' names are refused, and every
answer says nosniff. preview.py puts them around the site and the API; production serves the API with gunicorn
instead (generator/gunicorn_conf.py), which has guards of its own.
"""

from __future__ import annotations

import io
import ipaddress
import json
import re
import socket
from http import HTTPStatus
from urllib.parse import urlsplit, urlunsplit

from .api_errors import error_body
from .problems import shown
from .request_deadline import DeadlineReader

CONNECTION_TIMEOUT = 15.0  # seconds a connection may sit idle or take to send one read's worth of a request
_LONG_NUMBER = re.compile(r"[0-9]{21}")


def guarded_handler(timeout: float = CONNECTION_TIMEOUT):
    """The preview's request handler: MkDocs' own, with a socket timeout and JSON errors from the HTTP layer."""
    from mkdocs.livereload import _Handler

    class GuardedHandler(_Handler):
        def setup(self):
            self.timeout = timeout  # StreamRequestHandler applies it to every read and write of the connection
            super().setup()
            # the request must arrive whole within the timeout too (request_deadline.py): a header line or a body
            # byte every few seconds never let the socket timeout fire, and held a thread for as long as it went on
            self.rfile.close()
            self.request_reader = DeadlineReader(self.connection, timeout)
            self.rfile = io.BufferedReader(self.request_reader)

        def get_environ(self):
            # wsgiref hands an untyped body on as text/plain, so the API read untyped JSON (what Python's requests
            # sends for data=json.dumps(...)) as ticket text, its "limit" and typos ignored; gunicorn passes none
            environ = super().get_environ()
            if self.headers.get("Content-Type") is None:
                environ["CONTENT_TYPE"] = ""
            return environ

        def log_request(self, code="-", size="-"):
            # MkDocs logs each answer but a 200 by the request line as the client sent it: bytes 0x80-0x9f, read as
            # Latin-1, reached the terminal as C1 controls (U+009B starts an escape sequence), written out here
            from .escaping import visible

            self.requestline = visible(self.requestline)
            super().log_request(code, size)

        def handle(self):
            try:
                if not self.rfile.peek(1):  # an idle connection's wait for its first byte is the socket timeout's
                    return
                self.request_reader.deadline.start()
                super().handle()
            except (TimeoutError, ConnectionError):  # a client that stopped sending: drop it, quietly
                self.close_connection = True

        def parse_request(self):
            # http.server treats "GET /" as HTTP/0.9 and then waits for headers 0.9 never sends: refuse it now
            if len(self.raw_requestline.split()) == 2:
                self.command, self.request_version, self.close_connection = None, "HTTP/1.0", True
                self.requestline = self.raw_requestline.decode("iso-8859-1", "replace").rstrip("\r\n")
                self.send_error(400, "HTTP/0.9 requests are not supported: send 'GET /path HTTP/1.1'")
                return False
            if not super().parse_request():
                return False
            # A request target in absolute form (GET http://host/api/search?q=… HTTP/1.1, as a client talking to a
            # proxy sends it) is its path and query (RFC 9112 3.2.2: servers must take it). It was looked up as a
            # file named "http:", and an API call got the site's 404 page, where gunicorn answered it.
            target = urlsplit(self.path)
            if target.scheme.lower() in ("http", "https") and target.netloc:
                self.path = urlunsplit(("", "", target.path or "/", target.query, ""))
            # A fragment is no part of what is asked for (no browser sends one; a script's URL may): gunicorn leaves
            # it off, and the preview looked up /api/health#top as an endpoint (404) that gunicorn answered 200
            self.path = self.path.partition("#")[0]
            # Two framings of one body (two Content-Lengths, or one beside chunked): a proxy in front that reads
            # the other framing would see a second, smuggled request. gunicorn refuses both; so does the preview.
            lengths = self.headers.get_all("Content-Length") or []
            if len(lengths) > 1 or (lengths and self.headers.get("Transfer-Encoding")):
                self.close_connection = True
                self.send_error(400, "send one Content-Length header and no Transfer-Encoding beside it")
                return False
            return True

        def send_error(self, code, message=None, explain=None):
            """JSON, not http.server's HTML page (whose quoting of the request line is not JSON-safe).

            505 for a request line naming HTTP/2 or later becomes a 400 like any other bad request line
            (gunicorn answers those 400 too): a client's malformed request never gets a 5xx."""
            if code == 505:
                code, message = 400, f"{message}: send HTTP/1.1 or HTTP/1.0"
            try:
                phrase = HTTPStatus(code).phrase
            except ValueError:
                phrase = ""
            body = json.dumps(error_body(code, message or phrase), ensure_ascii=True).encode("ascii")
            if self.request_version == "HTTP/0.9":  # refused before the version was read: still send a status line
                self.request_version = "HTTP/1.0"
            self.log_error("code %d, message %s", code, message)
            self.send_response(code, phrase)
            self.send_header("Content-Type", "application/json; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Connection", "close")
            self.end_headers()
            if self._method() != "HEAD" and code >= 200 and code not in (204, 304):
                self.wfile.write(body)

        def _method(self) -> str:
            """The method the request line names, also when http.server refused the line before setting
            self.command (HTTP/2.0, a bad version, a line too long): such a HEAD got the JSON after its headers."""
            if self.command:
                return self.command
            words = getattr(self, "raw_requestline", b"").split(maxsplit=1)
            return words[0].decode("iso-8859-1") if words else ""

    return GuardedHandler


def no_body_for_head(app):
    """A HEAD answered with the headers GET would get and no body (RFC 9110): the server under MkDocs' preview
    wrote the whole page or JSON after them, which a client keeping the connection reads as the next response."""

    def headers_only(environ, start_response):
        if environ.get("REQUEST_METHOD") != "HEAD":
            return app(environ, start_response)
        answered = []
        body = app(environ, lambda status, headers, exc_info=None: answered.append((status, list(headers), exc_info)))
        try:
            # the body is read only for the length GET would send, or from an app that answers as it is read
            if not answered or not _has_length(answered[0][1]):
                size = sum(len(chunk) for chunk in body)
                if not _has_length(answered[0][1]):
                    answered[0][1].append(("Content-Length", str(size)))
        finally:
            if hasattr(body, "close"):
                body.close()
        start_response(*answered[0])
        return []

    return headers_only


def _has_length(headers) -> bool:
    return any(name.lower() == "content-length" for name, _ in headers)


def refuse_unsafe_paths(app):
    """Paths MkDocs' server cannot take get a JSON 400 (`_path_refusal`) instead of a 500 or another page.

    A path that starts with slashes encoded as %2f (/%2f%2fevil.com%2f..%2fplaybooks) is taken as one slash:
    MkDocs' redirect to the folder's slash sent it back as Location ///evil.com/../playbooks/, which browsers
    follow off the site."""

    def guarded(environ, start_response):
        path = environ.get("PATH_INFO", "")
        if path.startswith("//"):
            environ = {**environ, "PATH_INFO": "/" + path.lstrip("/")}
        refusal = _path_refusal(environ.get("PATH_INFO", ""))
        if refusal:
            body = json.dumps(error_body(400, refusal, "bad-path")).encode("ascii")
            start_response("400 Bad Request", [("Content-Type", "application/json; charset=utf-8"),
                                               ("Content-Length", str(len(body)))])
            return [body]
        return app(environ, start_response)

    return guarded


def _path_refusal(path: str) -> str | None:
    """Why MkDocs' server must not see `path` (PEP 3333: its bytes as Latin-1), or None.

    NUL and control characters made its file lookups raise (a 500). Bytes that are not UTF-8 it drops
    silently: /playbooks/%ff%fe/ answered 200 with /playbooks/. A live-reload poll's number of more than
    4,300 digits made its int() raise (a 500 and a traceback)."""
    from .api_requests import path_refusal  # the API's own rule: both servers refuse the same paths

    refusal = path_refusal(path)
    if refusal:
        return refusal
    if path.startswith("/livereload/") and _LONG_NUMBER.search(path):
        return "a live-reload poll is /livereload/<epoch>/<request id>, numbers of at most 20 digits"
    return None


# What every answer of the preview says, as a static host would be configured to: no file is read as another type
# than the one it is served as. Not X-Frame-Options or frame-ancestors: editors open the preview in VS Code's Simple
# Browser, an iframe of another origin, which then showed a blank page; a framed preview's clicks reach only ticks
# kept for the preview itself.
_SAFETY_HEADERS = (("X-Content-Type-Options", "nosniff"),)


def with_safety_headers(app):
    """`app` whose answers carry _SAFETY_HEADERS, each unless the answer sets it itself (the API's nosniff)."""

    def headed(environ, start_response):
        def start(status, headers, exc_info=None):
            have = {name.lower() for name, _ in headers}
            return start_response(status, [*headers, *(h for h in _SAFETY_HEADERS if h[0].lower() not in have)], exc_info)

        return app(environ, start)

    return headed


def only_local_hosts(app, bound_host: str):
    """Requests named for another host get a JSON 403 while the preview listens on loopback (`_host_refusal`).

    DNS rebinding: a page on http://evil.example:8000/, its name then pointed at 127.0.0.1, is the same origin as
    the preview in the editor's browser, and read every unpublished page and the search API's answers, and wrote
    to the search log. Such requests carry that name in their Host header, which the preview's own pages never do
    (as Jupyter and Vite refuse them). Listening on another address (--host 0.0.0.0) is serving the network:
    colleagues may use any name for the machine, and no Host is refused."""
    if not _is_loopback(bound_host):
        return app

    def guarded(environ, start_response):
        refusal = _host_refusal(environ.get("HTTP_HOST", ""), environ.get("SERVER_PORT", ""), bound_host)
        if refusal:
            body = json.dumps(error_body(403, refusal, "foreign-host")).encode("ascii")
            start_response("403 Forbidden", [("Content-Type", "application/json; charset=utf-8"),
                                             ("Content-Length", str(len(body))), ("Cache-Control", "no-store")])
            return [body]
        return app(environ, start_response)

    return guarded


def _is_loopback(host: str) -> bool:
    """Whether binding `host` listens on loopback only: by the addresses the bind resolves it to, since
    --host with the machine's own name (127.0.1.1 on Debian), ip6-localhost or ::ffff:127.0.0.1 does so too, and
    was left unguarded. A name that resolves to nothing is guarded: it will not bind anyway."""
    host = host.strip("[]")
    if not host:  # '' is every address, as 0.0.0.0
        return False
    try:
        literal = ipaddress.ip_address(host)
    except ValueError:
        literal = None
    family = socket.AF_INET6 if isinstance(literal, ipaddress.IPv6Address) else socket.AF_INET  # as MkDocs binds
    try:
        found = {info[4][0] for info in socket.getaddrinfo(host, None, family, socket.SOCK_STREAM)}
    except (OSError, UnicodeError):
        return True
    addresses = [ipaddress.ip_address(address.partition("%")[0]) for address in found]
    return bool(addresses) and all((getattr(a, "ipv4_mapped", None) or a).is_loopback for a in addresses)


def _host_refusal(host_header: str, port: str, bound_host: str = "127.0.0.1") -> str | None:
    """Why a request naming `host_header` is not the preview's, or None: localhost (and *.localhost, which browsers
    resolve to loopback themselves) and any IP address pass, since no DNS answer stands behind either; an HTTP/1.0
    client sending no Host too."""
    name = host_header.strip().lower()
    if name.startswith("["):
        name = name[1:name.find("]")] if "]" in name else name
    elif name.count(":") == 1:
        name = name.partition(":")[0]
    name = name.rstrip(".")
    if not name or name == "localhost" or name.endswith(".localhost"):
        return None
    try:
        ipaddress.ip_address(name)
        return None
    except ValueError:
        pass
    # the address it listens on, as a browser opens it: bound to ::1, 'only http://127.0.0.1:PORT/' named one that
    # does not connect
    address = bound_host.strip("[]")
    address = f"[{address}]" if ":" in address else address
    named = f"http://{address}:{port}/ and " if address != "localhost" else ""
    return (f"this preview answers only {named}http://localhost:{port}/, not a request for "
            f"host {shown(host_header, 80)!r}: another site's page may reach a preview through a name of its own "
            "(DNS rebinding). To share it on a network, start csops serve with --host 0.0.0.0")
