"""The search HTTP API as a plain WSGI app: it reads the index and writes only the query log.

`csops serve` mounts it at /api/ next to the site; production servers import
`generator.server:create_app(project)` (e.g. `gunicorn 'generator.server:create_app("/srv/portal")'`).

    GET  /api/search?q=&kind=&role=&phase=&tag=&limit=   ranked hits with snippets and facet counts
    POST /api/suggest   {"text": "<ticket>"} or text/plain   runbook links most related to a ticket
    POST /api/click     {"q": "...", "url": "..."}           a reader opened a hit (for the low-click report)
    GET  /api/health                                          200 when an index is there to search

Any query a reader can type gets a 200 or a 400 with a message, never a 500.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path
from urllib.parse import parse_qs

from .search import MAX_TICKET_CHARS, IndexMissing, QueryError, Searcher, log_event

log = logging.getLogger("csops.api")
MAX_BODY = MAX_TICKET_CHARS * 4 + 1024  # bytes: UTF-8 Japanese is 3 bytes a character


class ApiError(Exception):
    def __init__(self, status: str, message: str):
        super().__init__(message)
        self.status = status


def _json(start_response, status: str, payload: dict):
    body = json.dumps(payload, ensure_ascii=False).encode("utf-8")
    start_response(status, [("Content-Type", "application/json; charset=utf-8"), ("Content-Length", str(len(body))),
                            ("Cache-Control", "no-store"), ("X-Content-Type-Options", "nosniff")])
    return [body]


def _read_body(environ) -> bytes:
    try:
        length = int(environ.get("CONTENT_LENGTH") or 0)
    except ValueError:
        raise ApiError("400 Bad Request", "invalid Content-Length") from None
    if length > MAX_BODY:
        raise ApiError("413 Content Too Large", f"request body too large (at most {MAX_BODY} bytes)")
    return environ["wsgi.input"].read(length) if length else b""


def _json_body(environ) -> dict:
    raw = _read_body(environ)
    content_type = environ.get("CONTENT_TYPE", "")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise ApiError("400 Bad Request", "request body is not UTF-8") from None
    if "json" in content_type or text.lstrip().startswith("{"):
        try:
            data = json.loads(text or "{}")
        except ValueError as error:
            raise ApiError("400 Bad Request", f"request body is not valid JSON: {error}") from None
        if not isinstance(data, dict):
            raise ApiError("400 Bad Request", "request body must be a JSON object")
        return data
    return {"text": text}


def _param(params: dict, name: str) -> str:
    values = params.get(name) or [""]
    return values[0]


def create_app(project: Path | str, *, log_queries: bool = True):
    """The WSGI application serving the search API of the portal in `project`."""
    project = Path(project)
    searcher = Searcher(project)

    def search(environ):
        params = parse_qs(environ.get("QUERY_STRING", ""), keep_blank_values=True)
        query = _param(params, "q")
        try:
            limit = int(_param(params, "limit") or 10)
        except ValueError:
            raise ApiError("400 Bad Request", "limit must be a whole number between 1 and 100") from None
        if not 1 <= limit <= 100:
            raise ApiError("400 Bad Request", "limit must be a whole number between 1 and 100")
        result = searcher.search(query, kind=_param(params, "kind"), role=_param(params, "role"),
                                 phase=_param(params, "phase"), tag=_param(params, "tag"), limit=limit)
        if log_queries:
            log_event(project, "search", query, count=result.total)
        return result.as_dict()

    def suggest(environ):
        data = _json_body(environ)
        text = data.get("text")
        if not isinstance(text, str):
            raise ApiError("400 Bad Request", 'send the ticket as {"text": "..."} or as text/plain')
        limit = data.get("limit", 5)
        if not isinstance(limit, int) or not 1 <= limit <= 20:
            raise ApiError("400 Bad Request", "limit must be a whole number between 1 and 20")
        hits = searcher.suggest_for_ticket(text, limit=limit)
        return {"links": [hit.__dict__ for hit in hits]}

    def click(environ):
        data = _json_body(environ)
        query, url = data.get("q"), data.get("url")
        if not isinstance(query, str) or not isinstance(url, str) or not query.strip():
            raise ApiError("400 Bad Request", 'send {"q": "<query>", "url": "<hit url>"}')
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

    def app(environ, start_response):
        method, path = environ.get("REQUEST_METHOD", "GET"), environ.get("PATH_INFO", "")
        handler = routes.get(("GET" if method == "HEAD" else method, path))
        try:
            if handler is None:
                if path in allowed:
                    raise ApiError("405 Method Not Allowed", f"{path} accepts {', '.join(allowed[path])}")
                raise ApiError("404 Not Found", f"no such endpoint {path}; see GET /api/search and POST /api/suggest")
            return _json(start_response, "200 OK", handler(environ))
        except ApiError as error:
            return _json(start_response, error.status, {"error": str(error)})
        except QueryError as error:
            return _json(start_response, "400 Bad Request", {"error": str(error)})
        except IndexMissing as error:
            return _json(start_response, "503 Service Unavailable", {"error": str(error)})
        except Exception:  # a bug, not the reader's fault: log it, answer without a traceback
            log.exception("search API failed on %s %s", method, path)
            return _json(start_response, "500 Internal Server Error", {"error": "internal error; see the server log"})

    return app
