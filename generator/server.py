"""The search HTTP API as a plain WSGI app: it reads the index and writes only the query log.

`csops serve` mounts it at /api/ next to the site (a preview); production runs it under gunicorn with
`-c python:generator.gunicorn_conf 'generator.server:create_app("/srv/portal")'` (see README).

    GET  /api/search?q=&kind=&role=&phase=&tag=&limit=   ranked hits with snippets and facet counts (correct=0: no typo fix)
    POST /api/suggest   {"text": "<ticket>"} or text/plain   runbook links most related to a ticket
    POST /api/click     {"q": "...", "url": "..."}           a reader opened a hit (for the low-click report)
    GET  /api/health                                          200 when an index is there to search

Any query a reader can type gets a 200 or a 400 with a message, never a 500. Every request passes one
guard (`app` below, reading the request through api_requests.py): size limits on the query string and body, a body read that cannot hang (short
bodies, negative lengths, a socket timeout), JSON that is nested too deeply or holds lone surrogates:
each is a 4xx with a JSON message. CORS is off unless origins are configured (`cors_origins`).
"""

from __future__ import annotations

import json
import logging
import os
import re
from pathlib import Path
from urllib.parse import unquote, urlsplit

from .api_errors import ApiError, error_body
from .api_requests import decoded_path, is_on, json_body, param, query_params
from .live_index import IndexMissing
from .problems import shown
from .query_log import FILTERS, log_event
from .search import Searcher
from .search_query import QueryError

log = logging.getLogger("csops.api")
# log=0: a search box's type-ahead, one request per key, which `csops report searches` would list as "r", "re",
# "ren" found nothing; the box logs the query the reader settles on (templates/assets/search.js)
# "_": the cache-buster jQuery and others add (_=1733300000000), ignored
SEARCH_PARAMS = frozenset({"q", "limit", "correct", "log", "_", *FILTERS})
SUGGEST_PARAMS = frozenset({"limit", "_"})  # the ticket and its limit come in the body; ?limit= for text/plain
CORS_ENV = "CSOPS_API_CORS_ORIGINS"


def _json(start_response, status: str, payload: dict, extra: list[tuple[str, str]] = ()):
    # backslashreplace: a surrogate from a path or header never turns an answer into a 500
    body = json.dumps(payload, ensure_ascii=False).encode("utf-8", "backslashreplace")
    start_response(status, [("Content-Type", "application/json; charset=utf-8"), ("Content-Length", str(len(body))),
                            ("Cache-Control", "no-store"), ("X-Content-Type-Options", "nosniff"), *extra])
    return [body]


def cors_origins_for(project: Path, configured=None) -> frozenset[str]:
    """Origins allowed to call the API from a browser: the argument, else $CSOPS_API_CORS_ORIGINS
    (comma-separated), else mkdocs.yml `extra.csops.api.cors_origins`; none by default."""
    if configured is None and os.environ.get(CORS_ENV):
        configured = os.environ[CORS_ENV].split(",")
    if configured is None and (project / "mkdocs.yml").is_file():
        # Read as `csops validate` reads it, problems returned, never raised: gunicorn starts a worker anew every
        # 20,000 requests (and after a crash or a reload), and a mkdocs.yml broken since the last good build
        # failed that worker's boot, which shut the whole API down while the live index was fine.
        from .mkdocs_yaml import read_config

        config = read_config(project)
        raw, problems = config.raw, config.problems
        if raw is None and problems:
            log.warning("%s; the API answers without CORS until mkdocs.yml reads again and the server restarts",
                        problems[0].text())
        extra = (raw.get("extra") if isinstance(raw, dict) else None) or {}
        api = ((extra.get("csops") or {}) if isinstance(extra, dict) else {}).get("api") or {}
        configured = api.get("cors_origins") if isinstance(api, dict) else None
    if isinstance(configured, str):
        configured = [configured]
    # as a browser sends it (https://tickets.example.com): "https://Tickets.Example.com" or ":443" as written in
    # mkdocs.yml never matched it; one that is no origin matches nothing (validate says why)
    from .rules.site_addresses import browser_origin

    return frozenset(filter(None, (browser_origin(o) for o in configured or [] if isinstance(o, str))))


def create_app(project: Path | str, *, log_queries: bool = True, cors_origins=None):
    """The WSGI application serving the search API of the portal in `project`.

    `cors_origins`: origins (``https://tickets.example.com``, or ``*``) whose pages may call the API.
    """
    project = Path(project)
    searcher = Searcher(project)
    origins = cors_origins_for(project, cors_origins)

    def search(environ):
        params = query_params(environ, "/api/search", SEARCH_PARAMS)
        query = param(params, "q")
        limit = param(params, "limit") or "10"
        if not re.fullmatch(r"[0-9]{1,3}", limit) or not 1 <= int(limit) <= 100:  # int() reads ٣ and ３ too
            raise ApiError("400 Bad Request", "limit must be a whole number between 1 and 100", code="bad-limit")
        filters = {name: param(params, name) for name in FILTERS}
        result = searcher.search(query, **filters, limit=int(limit),
                                 correct=is_on(param(params, "correct")))
        # a link or window.open from another site's page is answered but is no reader's search: such a page could
        # navigate a window it opened through any number of planted queries into `csops report searches`.
        # Logged with its filters: "renewal" that found no FAQ for csm is no missing renewal page
        if log_queries and is_on(param(params, "log")) and not from_unlisted_site(environ):
            log_event(project, "search", query, count=result.total, **{k: v for k, v in filters.items() if v})
        return result.as_dict()

    def suggest(environ):
        data = json_body(environ)
        text = data.get("text")
        if not isinstance(text, str):
            raise ApiError("400 Bad Request", 'send the ticket as {"text": "..."} or as text/plain',
                           code="missing-field")
        unknown = sorted(set(data) - {"text", "limit"})
        if unknown:  # a filter sent here ("kind": "stepz") was silently ignored, as if it had been applied
            raise ApiError("400 Bad Request", f"unknown field {unknown[0]!r}: /api/suggest takes \"text\" and \"limit\" "
                                              "(filters are for /api/search)", code="unknown-field")
        # ?limit= too: a text/plain ticket has no other place for it, and POST /api/suggest?limit=1 was answered
        # with 5 links, the query string unread
        in_query = param(query_params(environ, "/api/suggest", SUGGEST_PARAMS), "limit")
        # a number in the query string is its value (?limit=05 and "limit": 5 are one limit, not two)
        from_query = int(in_query) if re.fullmatch(r"[0-9]{1,2}", in_query) else in_query
        if in_query and "limit" in data and from_query != data["limit"]:
            raise ApiError("400 Bad Request", "limit given in the query string and the body with different values; "
                                              "send it once", code="repeated-parameter")
        limit = from_query if in_query else data.get("limit", 5)  # ?limit=0 is a limit, refused below
        if isinstance(limit, bool) or not isinstance(limit, int) or not 1 <= limit <= 20:
            raise ApiError("400 Bad Request", "limit must be a whole number between 1 and 20", code="bad-limit")
        hits = searcher.suggest_for_ticket(text, limit=limit)
        return {"links": [hit.__dict__ for hit in hits]}

    def click(environ):
        data = json_body(environ)
        query, url = data.get("q"), data.get("url")
        if not isinstance(query, str) or not isinstance(url, str) or not query.strip():
            raise ApiError("400 Bad Request", 'send {"q": "<query>", "url": "<hit url>"}', code="missing-field")
        if log_queries:
            log_event(project, "click", query, url=url[:500])
        return {"ok": True}

    def health(environ):
        return {"ok": True, "site_url": searcher.site_url}

    routes = {("GET", "/api/search"): search, ("POST", "/api/suggest"): suggest,
              ("POST", "/api/click"): click, ("GET", "/api/health"): health}
    allowed = {}
    for method, path in routes:
        allowed.setdefault(path, []).append(method)

    def cors_headers(environ) -> list[tuple[str, str]]:
        if not origins:
            return []
        origin = environ.get("HTTP_ORIGIN", "")
        headers = [("Vary", "Origin")]  # caches must not hand one origin's answer to another
        if "*" in origins:
            headers.append(("Access-Control-Allow-Origin", "*"))
        elif origin in origins:
            headers.append(("Access-Control-Allow-Origin", origin))
        return headers

    def preflight(environ, path):
        origin = environ.get("HTTP_ORIGIN", "")
        if not origins or path not in allowed or not environ.get("HTTP_ACCESS_CONTROL_REQUEST_METHOD"):
            return None
        if "*" not in origins and origin not in origins:
            raise ApiError("403 Forbidden", f"origin {origin[:200]!r} may not call this API (see cors_origins)")
        return [("Access-Control-Allow-Methods", ", ".join(allowed[path] + ["OPTIONS"])),
                ("Access-Control-Allow-Headers", "Content-Type"), ("Access-Control-Max-Age", "600")]

    def from_unlisted_site(environ) -> bool:
        """A browser's request made by a page of another site whose origin `cors_origins` does not list. A browser
        without Sec-Fetch-Site (Safari before 16.4, Firefox before 90) still names the page's origin in Origin (or
        its address in Referer): such a form posting a click from another site was logged (red team). A request
        naming neither is no page's (curl, scripts); an Origin or Referer that is no origin ('null': a sandboxed
        frame, a file: page) is another site's."""
        if "*" in origins:
            return False
        site = environ.get("HTTP_SEC_FETCH_SITE", "").lower()
        origin = environ.get("HTTP_ORIGIN", "")
        if site:
            return site in ("cross-site", "same-site") and not (origin and origin in origins)
        if not origin:
            referer = urlsplit(environ.get("HTTP_REFERER", ""))
            origin = f"{referer.scheme}://{referer.netloc}" if environ.get("HTTP_REFERER") else ""
        if not origin:
            return False
        from .rules.site_addresses import browser_origin

        sender = browser_origin(origin)
        own = browser_origin(f"{environ.get('wsgi.url_scheme', 'http')}://{environ.get('HTTP_HOST', '')}")
        return sender is None or not (sender in origins or sender == own or sender == _site_origin())

    def _site_origin() -> str | None:
        """The portal's own origin, from its site_url: behind a proxy the Host the API sees may be the proxy's."""
        from .rules.site_addresses import browser_origin

        try:
            return browser_origin(searcher.site_url) if searcher.site_url else None
        except IndexMissing:
            return None

    def cross_site_refusal(environ, method: str) -> ApiError | None:
        """A browser's request from another site's page, unless its origin is listed (`cors_origins`): CORS hid the
        answer from that page, but the request itself was served, so any page a reader opened could write searches
        and clicks into the log `csops report searches` reads (a form posting text=…&q=…&url=… to /api/click needs
        no preflight). Browsers say where a request comes from in Sec-Fetch-Site; curl, scripts and the portal's own
        pages (same-origin) are answered as before, and so is a link to the API opened in a tab (unlogged)."""
        if not from_unlisted_site(environ):
            return None
        origin = environ.get("HTTP_ORIGIN", "")
        if (method in ("GET", "HEAD") and environ.get("HTTP_SEC_FETCH_MODE", "").lower() == "navigate"
                and environ.get("HTTP_SEC_FETCH_DEST", "document").lower() == "document"):
            return None
        if method in ("GET", "HEAD") and not environ.get("HTTP_SEC_FETCH_SITE"):
            return None  # an older browser's link or image: answered as it may be a tab's, and not logged (search)
        return ApiError("403 Forbidden", f"a page of another site ({shown(origin or 'origin not sent', 200)}) may not call "
                                         "this API: list its origin in cors_origins")

    def site_relative(path: str) -> tuple[str, str]:
        """(site path, the rest): /docs/api/search is ('/docs', '/api/search') when site_url is https://x/docs/: the
        portal's search box calls the API below the site's path, as `csops serve` answers it, and gunicorn answered
        404 'no such endpoint'. Any path below the site's API is taken apart so, a wrong one too: its 404 then names
        the path as sent and the endpoints beside it, as the preview, which mounts the API there, names them."""
        if path in allowed:
            return "", path
        try:
            # unquoted as the request's path is: a site_url copied from the address bar writes /ドキュメント/ as
            # /%E3%83%89…/, and gunicorn answered the box's /ドキュメント/api/search 404
            prefix = unquote(urlsplit(searcher.site_url).path).rstrip("/")
        except IndexMissing:  # answered as the API's own path would be: 503 until there is an index
            prefix = path[:path.rindex("/api/")] if path.endswith(tuple(allowed)) else ""
        if prefix and (path.startswith(prefix + "/api/") or path == prefix + "/api"):
            return prefix, path[len(prefix):]
        return "", path

    def app(environ, start_response):
        method, path = environ.get("REQUEST_METHOD", "GET"), environ.get("PATH_INFO", "")
        try:
            extra = cors_headers(environ)
        except Exception:
            extra = []
        try:
            prefix, path = site_relative(decoded_path(path))
            # where the API was asked: the preview mounts it at the site's path (SCRIPT_NAME), gunicorn at /
            base = unquote(environ.get("SCRIPT_NAME", "")).rstrip("/") + prefix
            handler = routes.get(("GET" if method == "HEAD" else method, path))
            if method == "OPTIONS":
                allow = preflight(environ, path)
                if allow is not None:
                    return _json(start_response, "200 OK", {"ok": True}, extra + allow)
            refused = cross_site_refusal(environ, method) if handler is not None else None
            if refused is not None:
                raise refused
            if handler is None:
                if path in allowed:
                    raise ApiError("405 Method Not Allowed", f"{base}{path} accepts {', '.join(allowed[path])}",
                                   [("Allow", ", ".join(allowed[path] + (["HEAD"] if "GET" in allowed[path] else [])))])
                raise ApiError("404 Not Found", f"no such endpoint {(base + path)[:200]!r}; see GET {base[:200]}/api/search "
                                                f"and POST {base[:200]}/api/suggest")
            return _json(start_response, "200 OK", handler(environ), extra)
        except ApiError as error:
            return _json(start_response, error.status, error.as_dict(), extra + error.headers)
        except QueryError as error:  # an unknown filter is raised before the log is written: a typo is no content gap
            return _json(start_response, "400 Bad Request", error.as_dict(), extra)
        except IndexMissing as error:
            return _json(start_response, "503 Service Unavailable", error.as_dict(), extra)
        except Exception:  # a bug, not the reader's fault: log it, answer without a traceback
            log.exception("search API failed on %s %r", method, path)
            return _json(start_response, "500 Internal Server Error", error_body(500, "internal error; see the server log"),
                         extra)

    return app
