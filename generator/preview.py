"""`csops serve`: build, then serve the site with live reload and the search API next to it.

On every change to content/, templates/ or mkdocs.yml the whole pipeline runs
again (validate included); a failing rebuild keeps serving the last good site.
Every connection has a read/idle timeout, and a request the HTTP layer cannot
parse gets a JSON 4xx, like the API's own errors. Production serves the API
with gunicorn instead (generator/gunicorn_conf.py).
"""

from __future__ import annotations

import errno
import html
import io
import ipaddress
import json
import logging
import os
import re
import socket
import stat
import time
from http import HTTPStatus
from pathlib import Path
from typing import Callable
from urllib.parse import urlsplit, urlunsplit

import click

from .api_errors import error_body
from .problems import shown
from .request_deadline import DeadlineReader

log = logging.getLogger("csops")
CONNECTION_TIMEOUT = 15.0  # seconds a connection may sit idle or take to send one read's worth of a request
_LONG_NUMBER = re.compile(r"[0-9]{21}")
# Files editors write beside the one being edited, never content (folders with such names may be: 2024/):
# vim's swap files (.name.swp, .swo, ...), its probe that it may create files (4913, 5036, ...) and backups
# (name~); emacs' auto-save (#name#) and lock (.#name) files; JetBrains' safe-write copies (name___jb_tmp___).
EDITOR_SCRATCH = re.compile(r"\..+\.sw[a-p]|[0-9]+|.+~|#.*#|\.#.*|.+___jb_(?:tmp|old)___")


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
            if self.command != "HEAD" and code >= 200 and code not in (204, 304):
                self.wfile.write(body)

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
    from .server import path_refusal  # the API's own rule: both servers refuse the same paths

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
        refusal = _host_refusal(environ.get("HTTP_HOST", ""), environ.get("SERVER_PORT", ""))
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


def _host_refusal(host_header: str, port: str) -> str | None:
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
    return (f"this preview answers only http://127.0.0.1:{port}/ and http://localhost:{port}/, not a request for "
            f"host {shown(host_header, 80)!r}: another site's page may reach a preview through a name of its own "
            "(DNS rebinding). To share it on a network, start csops serve with --host 0.0.0.0")


def preview_server(site_dir: Path, host: str, port: int, builder=lambda: None, api_app=None,
                   timeout: float = CONNECTION_TIMEOUT, failed: Callable[[], str | None] = lambda: None,
                   failed_words: Callable[[], tuple[str, str]] = lambda: ("", ""), mount_path: str = "/"):
    """MkDocs' live-reload server over `site_dir`, guarded, with the API at /api/ (not yet bound).

    `failed` gives the problems of the last save when it did not build (else None): every page then shows
    them under `failed_words()`, its heading and close button (asked then: labels.yml may be what the save
    changed), since the browser reloads after a failed rebuild too, and showed the old page as if the save had
    done nothing.

    `mount_path`: site_url's path, where the site is served (as `mkdocs serve` does): the 404 page links its
    styles and its home link from there (site_url https://x/docs/: /docs/assets/…), so served at / it was
    unstyled and its home link a 404. The pages' own links are relative and ask the API at <mount>api/."""
    from mkdocs.livereload import LiveReloadServer

    class PreviewServer(LiveReloadServer):
        def _inject_js_into_html(self, content, epoch):
            content = super()._inject_js_into_html(content, epoch)
            problems = failed()
            return content if problems is None else _with_failure_banner(content, failed_words(), problems)

        def error_page(self, code: int) -> bytes | None:
            """The site's 404 page, live like every page: a page whose file has not built yet (a new playbook with
            a slip) or that a save removed showed no reason and never reloaded, so the fix built unseen."""
            page = _error_page(Path(site_dir), code)
            if page is None or not self._watched_paths:  # --no-reload: no rebuild to wait for
                return page
            return self._inject_js_into_html(page, self._visible_epoch)

    server = PreviewServer(builder=builder, host=host, port=port, root=str(site_dir), mount_path=mount_path)
    server.RequestHandlerClass = guarded_handler(timeout)
    static = server.serve_request
    mounted_api = server.mount_path + "api/"

    def dispatch(environ, start_response):
        path = environ.get("PATH_INFO", "")
        if api_app is not None and path.startswith(mounted_api) and mounted_api != "/api/":
            environ = {**environ, "PATH_INFO": path[len(server.mount_path) - 1:],
                       "SCRIPT_NAME": server.mount_path.rstrip("/")}
            path = environ["PATH_INFO"]
        if api_app is not None and path.startswith("/api/"):
            return api_app(environ, start_response)
        if environ.get("REQUEST_METHOD") not in ("GET", "HEAD"):  # MkDocs answered POST and DELETE with the page
            body = json.dumps(error_body(405, "the site is read-only: use GET")).encode("ascii")
            start_response("405 Method Not Allowed", [("Allow", "GET, HEAD"), ("Content-Length", str(len(body))),
                                                      ("Content-Type", "application/json; charset=utf-8")])
            return [body]
        return static(environ, start_response)

    server.set_app(with_safety_headers(only_local_hosts(no_body_for_head(refuse_unsafe_paths(dispatch)), host)))
    # The site's own 404 page (Material's, with search and nav), as `mkdocs serve` does.
    server.error_handler = server.error_page
    return server


def _mount_path(site_url: str) -> str:
    """Where the preview serves the site: site_url's path (validate refused a site_url that is no web address)."""
    from urllib.parse import urlsplit

    return urlsplit(site_url).path or "/"


def _port_error(host: str, port: int, error: OSError) -> click.ClickException:
    """One line naming what to change: the port when it is taken, the address when this machine has no such one."""
    if isinstance(error, socket.gaierror) or error.errno == errno.EADDRNOTAVAIL:
        return click.ClickException(f"cannot listen on {host}: {error.strerror or error}; pick an address of this "
                                    "machine with --host (127.0.0.1, the default, serves this machine only)")
    reason = "is already in use (another csops serve?)" if error.errno == errno.EADDRINUSE else f"cannot be opened: {error.strerror}"
    return click.ClickException(f"port {port} on {host} {reason}; pick another with --port, e.g. --port {port + 1}")


def _require_free_port(host: str, port: int) -> int:
    """The port to serve on: `port`, or for 0 one the system finds free now (the server binds only once the
    first build is done, and the address it says it serves on must be the one it gets)."""
    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as the server binds: TIME_WAIT is not "in use"
        try:
            probe.bind((host, port))
        except OSError as error:
            raise _port_error(host, port, error) from None
        return probe.getsockname()[1]


def serve_preview(project: Path, host: str, port: int, reload: bool = True, api_app=None) -> None:
    from .build import read_site_config
    from .generations import current_generation
    from .pipeline import build_portal
    from .problems import ContentError

    site = read_site_config(project)
    port = _require_free_port(host, port)  # before the first build: a busy port should not cost a build to find out
    from .workers import BuildWorkers

    workers = BuildWorkers(project)  # kept for every rebuild: a save starts no processes

    failure: list[str] = []  # the last save's problems, while it did not build

    def rebuild():
        start = time.perf_counter()
        try:
            report = build_portal(project, workers=workers)
            failure.clear()
            click.echo(f"rebuilt {report.pages} pages in {time.perf_counter() - start:.1f}s")
        except (ContentError, click.ClickException) as error:
            failure[:] = [error.format_message()]
            click.echo(error.format_message(), err=True)
            click.echo("keeping the last good site", err=True)
        except Exception as error:  # noqa: BLE001 - a csops fault must not leave every page waiting for a build
            log.exception("the rebuild failed")
            failure[:] = [f"csops could not build this save ({type(error).__name__}: {error}); the terminal running "
                          "csops serve shows the details"]
            click.echo("keeping the last good site", err=True)

    from .progress import for_terminal

    try:
        try:
            server = preview_server(site.site_dir, host, port, rebuild, api_app, failed=lambda: failure[0] if failure else None,
                                    failed_words=lambda: _failure_words(site), mount_path=_mount_path(site.site_url))
        except OSError as error:
            raise _port_error(host, port, error) from None
        try:
            # from before the first build: a save made while it runs is built once it is done
            sources = watch_sources(server, site) if reload else None
            try:  # the first build is the long one: show it move
                build_portal(project, progress=for_terminal(quiet=False), workers=workers)
            except (ContentError, click.ClickException) as error:
                if current_generation(project) is None or not site.site_dir.is_dir():
                    raise  # nothing to show yet
                failure[:] = [error.format_message()]  # an editor starting on work in progress sees the last good site
                click.echo(error.format_message(), err=True)
                # --no-reload builds nothing more: "until a save builds" had the editor save and wait for ever
                click.echo("serving the last good site until a save builds" if reload else "serving the last good "
                           "site: --no-reload builds nothing more, so fix the problems and start csops serve again",
                           err=True)
            if sources is not None:
                sources.published_made()
            click.echo(f"serving {site.site_dir} on {server.url} (Ctrl+C to stop)")
            try:
                server.serve()
            except KeyboardInterrupt:
                pass
        finally:
            server.shutdown()
    finally:
        workers.close()


class SourceTree:
    """The files a rebuild reads, as the preview's watcher lists them: in the project folder only content/,
    templates/ and mkdocs.yml (never build/, site/ or .git/), and below them no link to a folder and no file an
    editor writes while one edits (EDITOR_SCRATCH: each rewrite of vim's swap file rebuilt and reloaded the page).

    MkDocs watched content/ itself: deleting and recreating it (`rm -r content && git checkout content`) stopped
    the watch for good, so no later save rebuilt; and a link in content/ to a large folder outside the project,
    which the build does not read, was walked every half second (half a core, for as long as the server ran).

    `published`: the name of the link to the live site (site/) when it is in the project folder, watched as the
    link alone (a build leaves it as it is): `git clean -fdx` or `rm -r build site` while serving left every page
    a 404 until the next save. Only its going away is a change: a new project's first build makes it, and that
    rebuilt the site once more and reloaded the page ("rebuilt 20 pages" right after "serving", nothing saved).

    Of .git/ only logs/HEAD, the record git appends to whenever HEAD moves: What's new is built from the history,
    and a repository begun while serving (`git init`, the first commit) has no such file when the preview starts."""

    GIT_HEAD_LOG = (".git", "logs", "HEAD")

    def __init__(self, project: Path, names: tuple[str, ...], published: str | None = None):
        self.root = str(project)
        self.names = frozenset(names) | ({published} if published else set()) | {self.GIT_HEAD_LOG[0]}
        self.published = os.path.join(self.root, published) if published else None
        self.published_name = published
        self.git_steps = {os.path.join(self.root, *self.GIT_HEAD_LOG[:depth]): self.GIT_HEAD_LOG[depth]
                          for depth in range(1, len(self.GIT_HEAD_LOG))}
        self.published_seen = False  # until the first build has made the link, it is listed as if it were there

    def listdir(self, folder: str):
        folder = os.path.abspath(folder)
        with os.scandir(folder) as entries:
            if folder in self.git_steps:
                return [entry for entry in entries if entry.name == self.git_steps[folder]]
            if folder != self.root:
                return [entry for entry in entries if entry.is_dir() or not EDITOR_SCRATCH.fullmatch(entry.name)]
            listed = [entry for entry in entries if entry.name in self.names]
        if self.published and not self.published_seen and all(e.name != self.published_name for e in listed):
            listed.append(_Named(self.published_name))  # not made yet: listed as it will be (stat() says how)
        return listed

    def stat(self, path: str) -> os.stat_result:
        """A link's target (a change to a linked file rebuilds), except a link to a folder below the project's top
        level: given as the link itself, so the walk does not enter it. content/ may itself be a link."""
        if path == self.published:
            return self._published_stat()
        own = os.lstat(path)
        if not stat.S_ISLNK(own.st_mode):
            return own
        try:
            target = os.stat(path)
        except OSError:  # a dangling link (an emacs lock file): its own change is the change
            return own
        if stat.S_ISDIR(target.st_mode) and os.path.dirname(os.path.abspath(path)) != self.root:
            return own
        return target

    def published_made(self) -> None:
        """The first build is over: from now on the link's absence is a deletion to rebuild after, even when it
        went before the watcher's next look (`rm -r build site` right after the first build was never built)."""
        self.published_seen = True

    def _published_stat(self) -> os.stat_result:
        """One and the same stat while the link is there or not made yet, so the first build's making it and
        each build's publishing are no change; once made, it is no longer listed while missing: deleting it is."""
        if os.path.lexists(self.published):
            self.published_seen = True
        return _UNCHANGING


_UNCHANGING = os.stat_result((stat.S_IFLNK | 0o777, 0, 0, 1, 0, 0, 0, 0, 0, 0))


class _Named:
    """A directory entry for a path not made yet: all the watcher reads of one is its name."""

    def __init__(self, name: str):
        self.name = name


def watch_sources(server, site) -> SourceTree:
    """Rebuild on any change to what the build reads, from now on, the project's top folder watched so content/ or
    templates/ can be deleted and made again; csops' own templates too when the project has none, and git's
    record of HEAD (What's new showed a commit made while serving only after the next save): in the project's own
    .git/ through the tree's walk, so a repository begun while serving is seen too."""
    import watchdog.observers.polling

    from .history import head_log
    from .rules.site_config import CONFIG_FILE

    class StartedOnce(watchdog.observers.polling.PollingObserverVFS):
        """Started here, before the first build (its first look at the files is then); MkDocs' serve() starts it
        again, which does nothing. Started by serve() only, a save during the first build was never built."""

        def start(self):
            if not self.is_alive():
                super().start()

    project = site.project
    published = site.site_dir.name if site.site_dir.parent == project else None
    tree = SourceTree(project, ("content", "templates", CONFIG_FILE), published)
    server.observer = StartedOnce(tree.stat, tree.listdir, polling_interval=0.5)
    server.watch(str(project))
    if not site.templates_dir.resolve().is_relative_to(project):
        server.watch(str(site.templates_dir.resolve()))
    commits = head_log(project)  # What's new and the feed are built from the content's git history
    if commits is not None and commits != project.joinpath(*SourceTree.GIT_HEAD_LOG).resolve():
        server.watch(str(commits))  # a repository whose top is above the project, or a worktree's
    server.observer.start()
    return tree


def _failure_words(site) -> tuple[str, str]:
    """The banner's heading and its close button's name in the portal's language, from csops' own words when the
    project's labels.yml is what the save broke."""
    from .paths import PACKAGE_TEMPLATES
    from .render import load_labels

    try:
        labels = load_labels(site.templates_dir, site.language)
    except Exception:  # noqa: BLE001 - the banner says what is wrong with it
        labels = load_labels(PACKAGE_TEMPLATES, site.language)
    return labels["serve_failed"], labels["serve_failed_hide"]


def _with_failure_banner(page: bytes, words: tuple[str, str], problems: str) -> bytes:
    """The page with the failed save's problems fixed to the bottom of the window (styled inline: it is not
    the theme's), escaped: problem lines quote content."""
    title, hide = words
    banner = ('<div class="csops-build-failed" role="alert" style="position:fixed;left:0;right:0;bottom:0;'
              'z-index:1000;max-height:45vh;overflow:auto;margin:0;padding:0.8rem 1rem;background:#8e0000;'
              'color:#fff;font:0.8rem/1.5 var(--md-text-font-family, sans-serif);box-shadow:0 -2px 8px rgba(0,0,0,.3)">'
              f'<button type="button" aria-label="{html.escape(hide)}" onclick="this.parentNode.remove()" style="float:right;'
              'border:0;background:none;color:#fff;font-size:1.2rem;line-height:1;cursor:pointer">×</button>'
              f'<strong>{html.escape(title)}</strong><pre style="margin:0.4rem 0 0;white-space:pre-wrap;'
              f'overflow-wrap:anywhere;font-family:var(--md-code-font-family, monospace);color:#fff;background:none">'
              f'{html.escape(problems)}</pre></div>')
    try:
        end = page.rindex(b"</body>")
    except ValueError:
        end = len(page)
    return page[:end] + banner.encode("utf-8") + page[end:]


def _error_page(site_dir: Path, code: int) -> bytes | None:
    page = site_dir / f"{code}.html"
    return page.read_bytes() if code in (404, 500) and page.is_file() else None
