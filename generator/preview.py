"""`csops serve`: build, then serve the site with live reload and the search API next to it.

On every change to content/, templates/ or mkdocs.yml the whole pipeline runs
again (validate included); a failing rebuild keeps serving the last good site,
with the failure shown on every page. Each request passes preview_guards.py's
guards first; source_watch.py says which files a save is watched in.
Production serves the API with gunicorn instead (generator/gunicorn_conf.py).
"""

from __future__ import annotations

import contextlib
import errno
import html
import json
import logging
import posixpath
import re
import socket
import time
from pathlib import Path
from typing import Callable
from urllib.parse import quote, urljoin

import click

from .api_errors import error_body
from .preview_guards import (CONNECTION_TIMEOUT, guarded_handler, no_body_for_head, only_local_hosts,
                             refuse_unsafe_paths, with_safety_headers)
from .source_watch import watch_sources

log = logging.getLogger("csops")


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
    if ":" in host:  # MkDocs wrote http://::1:8000/, which no browser opens: an IPv6 address goes in brackets
        server.url = server.url.replace(f"//{host}:", f"//[{host}]:", 1)
    server.RequestHandlerClass = guarded_handler(timeout)
    static = server.serve_request
    mounted_api = server.mount_path + "api/"

    def dispatch(environ, start_response):
        path = environ.get("PATH_INFO", "")
        # /api itself is the API's too, as under gunicorn (its JSON 404), not the site's HTML 404 page
        if api_app is not None and _is_api(path, mounted_api) and mounted_api != "/api/":
            environ = {**environ, "PATH_INFO": path[len(server.mount_path) - 1:],
                       "SCRIPT_NAME": server.mount_path.rstrip("/")}
            path = environ["PATH_INFO"]
        if api_app is not None and _is_api(path, "/api/"):
            return api_app(environ, start_response)
        if environ.get("REQUEST_METHOD") not in ("GET", "HEAD"):  # MkDocs answered POST and DELETE with the page
            body = json.dumps(error_body(405, "the site is read-only: use GET")).encode("ascii")
            start_response("405 Method Not Allowed", [("Allow", "GET, HEAD"), ("Content-Length", str(len(body))),
                                                      ("Content-Type", "application/json; charset=utf-8")])
            return [body]
        moved = _moved_to(Path(site_dir), server.mount_path, environ)
        if moved is not None:
            # not 301: a browser keeps a 301 for good, and an alias removed while editing would still send it on
            start_response("302 Found", [("Location", moved), ("Cache-Control", "no-store"), ("Content-Length", "0")])
            return []
        return static(environ, start_response)

    # no_body_for_head outermost: a HEAD gets headers alone whichever guard answers it (the host guard's 403 had a body)
    server.set_app(no_body_for_head(with_safety_headers(only_local_hosts(refuse_unsafe_paths(dispatch), host))))
    # The site's own 404 page (Material's, with search and nav), as `mkdocs serve` does.
    server.error_handler = server.error_page
    return server


# Where a redirect page of mkdocs-redirects (mkdocs_plugin.REDIRECT_PAGE) sends the reader: its canonical link
_REDIRECT_PAGE_TARGET = re.compile(rb'<link rel="canonical" href="([^"]*)">')
_REDIRECT_PAGE_BYTES = 4096  # csops' redirect page is some 800 bytes; a page of the portal is never this small
# What a query keeps as it is in the Location (RFC 3986's query characters, and '%' of the escapes it came with): a
# raw NUL, DEL or byte above 0x7f in the request's query went back into the header as sent (red team), which HTTP
# forbids there and a client reading headers as text cuts or refuses
_QUERY_SAFE = "!$&'()*+,/:;=?@-._~%"


def _moved_to(site_dir: Path, mount_path: str, environ) -> str | None:
    """The Location of an HTTP redirect for an old address (a renamed page's, whose redirect page the build wrote),
    with the request's query kept, or None for any other path.

    The redirect page keeps ?v= and the #step anchor with script only: its meta refresh cannot carry them, so with
    JavaScript off (or in a link preview) a step link pasted into a ticket before a rename opened the top of the new
    page, without its 'this step changed' notice. A browser gives an HTTP redirect's target the #anchor it was asked
    with (Fetch: a Location without a fragment inherits the request's), so a 302 loses neither."""
    path = environ.get("PATH_INFO", "").encode("latin-1").decode("utf-8", "ignore")
    if not (path + "/").startswith(mount_path):
        return None
    relative = path[len(mount_path):]
    if not relative.endswith(".html"):  # /playbooks/old and /playbooks/old/ both: MkDocs' own slash redirect drops ?v=
        relative = relative.rstrip("/") + "/index.html" if relative.strip("/") else "index.html"
    relative = posixpath.normpath("/" + relative).lstrip("/")
    page = site_dir / relative
    try:
        if not page.is_file() or page.stat().st_size > _REDIRECT_PAGE_BYTES:
            return None
        text = page.read_bytes()
    except OSError:
        return None
    found = _REDIRECT_PAGE_TARGET.search(text) if b'http-equiv="refresh"' in text else None
    if found is None:
        return None
    target = urljoin(quote(mount_path + relative), html.unescape(found[1].decode("utf-8", "replace")))
    address, hash_mark, anchor = target.partition("#")
    query = environ.get("QUERY_STRING", "")
    if query:  # its bytes as sent (PEP 3333: Latin-1), each one a header may not carry percent-encoded
        address += ("&" if "?" in address else "?") + quote(query.encode("latin-1", "replace"), safe=_QUERY_SAFE)
    return address + hash_mark + anchor


def _is_api(path: str, api: str) -> bool:
    """Whether `path` is the API's, mounted at `api` ('/api/'): what is below it, and the folder's own name."""
    return path.startswith(api) or path == api.rstrip("/")


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
    from .mkdocs_config import read_site_config
    from .generations import current_generation
    from .pipeline import build_portal
    from .problems import ContentError
    from .suggested_commands import as_typed_here

    site = read_site_config(project)
    port = _require_free_port(host, port)  # before the first build: a busy port should not cost a build to find out
    from .workers import BuildWorkers

    workers = BuildWorkers(project)  # kept for every rebuild: a save starts no processes

    failure: list[str] = []  # the last save's problems, while it did not build
    # the run's context (its --project) for the rebuilds, which run in the server's thread: a failed save's problems
    # and the commands they suggest read as typed where csops serve ran, as the first build's do (suggested_commands)
    run = click.get_current_context(silent=True)

    def rebuild():
        with run.scope(cleanup=False) if run is not None else contextlib.nullcontext():
            _rebuild()

    def _rebuild():
        start, report = time.perf_counter(), None
        try:
            report = build_portal(project, workers=workers)
            failure.clear()
            click.echo(f"rebuilt {report.pages} pages in {time.perf_counter() - start:.1f}s")
        except (ContentError, click.ClickException) as error:
            failure[:] = [as_typed_here(error.format_message())]
            click.echo(failure[0], err=True)
            click.echo("keeping the last good site", err=True)
        except Exception as error:  # noqa: BLE001 - a csops fault must not leave every page waiting for a build
            log.exception("the rebuild failed")
            failure[:] = [f"csops could not build this save ({type(error).__name__}: {error}); the terminal running "
                          "csops serve shows the details"]
            click.echo("keeping the last good site", err=True)
        if sources is not None:  # what mkdocs.yml names now, this save's INHERIT or hook included (as the build
            # read it; a failed build may not have: read again)
            sources.follow_config(server, report.site if report is not None else None)

    sources = None
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
                # mkdocs.yml as read above, unless a save came before the watch began
                build_portal(project, progress=for_terminal(quiet=False), workers=workers, site=site)
            except (ContentError, click.ClickException) as error:
                if current_generation(project) is None or not site.site_dir.is_dir():
                    raise  # nothing to show yet
                failure[:] = [as_typed_here(error.format_message())]  # an editor starting on work in progress sees
                click.echo(failure[0], err=True)  # the last good site
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


def _failure_words(site) -> tuple[str, str]:
    """The banner's heading and its close button's name in the portal's language, from csops' own words when the
    project's labels.yml is what the save broke."""
    from .paths import PACKAGE_TEMPLATES
    from .ui_labels import load_labels

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
