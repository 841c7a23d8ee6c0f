"""The search HTTP API as a plain WSGI app: it reads the index and writes only the query log.

`csops serve` mounts it at /api/ next to the site (a preview); production runs it under gunicorn with
`-c python:generator.gunicorn_conf 'generator.server:create_app("/srv/portal")'` (see README).

    GET  /api/search?q=&kind=&role=&phase=&tag=&limit=   ranked hits with snippets and facet counts (correct=0: no typo fix)
    POST /api/suggest   {"text": "<ticket>"} or text/plain   runbook links most related to a ticket
    POST /api/click     {"q": "...", "url": "..."}           a reader opened a hit (for the low-click report)
    GET  /api/health                                          200 when an index is there to search

Any query a reader can type gets a 200 or a 400 with a message, never a 500. Every request passes one
guard (`app` below): size limits on the query string and body, a body read that cannot hang (short
bodies, negative lengths, a socket timeout), JSON that is nested too deeply or holds lone surrogates:
each is a 4xx with a JSON message. CORS is off unless origins are configured (`cors_origins`).
"""

from __future__ import annotations

import difflib
import json
import logging
import os
import re
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

from .api_errors import error_body
from .live_index import IndexMissing
from .problems import shown
from .query_log import FILTERS, log_event
from .search import MAX_TICKET_CHARS, Searcher
from .search_query import QueryError

log = logging.getLogger("csops.api")
# bytes: a ticket of MAX_TICKET_CHARS however it is sent. JSON as Python writes it (json.dumps, requests' json=)
# escapes each non-ASCII character as \uXXXX, 6 bytes: with 4 a byte, a 35,000-character Japanese ticket was refused
# as too large while the ticket limit said 50,000 characters
MAX_BODY = MAX_TICKET_CHARS * 6 + 1024
# log=0: a search box's type-ahead, one request per key, which `csops report searches` would list as "r", "re",
# "ren" found nothing; the box logs the query the reader settles on (templates/assets/search.js)
# "_": the cache-buster jQuery and others add (_=1733300000000), ignored
SEARCH_PARAMS = frozenset({"q", "limit", "correct", "log", "_", *FILTERS})
SUGGEST_PARAMS = frozenset({"limit", "_"})  # the ticket and its limit come in the body; ?limit= for text/plain
MAX_QUERY_STRING = 16 * 1024  # a 500-character query percent-encoded as 3-byte characters is 4.5 KB
# seconds a client may take to send its body (gunicorn leaves body reads unbounded); the same setting as
# gunicorn_conf's socket timeouts
READ_TIMEOUT = float(os.environ.get("CSOPS_API_IO_TIMEOUT", "10"))
CORS_ENV = "CSOPS_API_CORS_ORIGINS"
_LENGTH = re.compile(r"[0-9]{1,12}")


class ApiError(Exception):
    def __init__(self, status: str, message: str, headers: list[tuple[str, str]] = (), code: str = ""):
        super().__init__(message)
        self.status = status
        self.headers = list(headers)  # e.g. a 405's Allow (RFC 9110: a 405 must name the methods allowed)
        self.code = code

    def as_dict(self) -> dict:
        return error_body(int(self.status.split()[0]), str(self), self.code)


def _json(start_response, status: str, payload: dict, extra: list[tuple[str, str]] = ()):
    # backslashreplace: a surrogate from a path or header never turns an answer into a 500
    body = json.dumps(payload, ensure_ascii=False).encode("utf-8", "backslashreplace")
    start_response(status, [("Content-Type", "application/json; charset=utf-8"), ("Content-Length", str(len(body))),
                            ("Cache-Control", "no-store"), ("X-Content-Type-Options", "nosniff"), *extra])
    return [body]


def _too_large() -> ApiError:
    return ApiError("413 Content Too Large", f"request body too large (at most {MAX_BODY:,} bytes; a ticket holds at most "
                                              f"{MAX_TICKET_CHARS:,} characters)")


def _read_body(environ) -> bytes:
    chunked = "chunked" in environ.get("HTTP_TRANSFER_ENCODING", "").lower() and not environ.get("CONTENT_LENGTH")
    sock = environ.get("gunicorn.socket")
    if chunked:
        if sock is None:  # the preview server hands the raw stream on: the chunk framing would be read as the body
            raise ApiError("411 Length Required", "send the body with a Content-Length header (this server reads no "
                                                  "chunked bodies; the API under gunicorn does)")
        return _read_to(environ, sock, MAX_BODY, to_end=True)  # gunicorn takes the chunks apart
    raw_length = (environ.get("CONTENT_LENGTH") or "0").strip()
    if not _LENGTH.fullmatch(raw_length):
        raise ApiError("400 Bad Request", "invalid Content-Length: send the body's size in bytes",
                       code="bad-content-length")
    length = int(raw_length)
    if length > MAX_BODY:
        raise _too_large()
    if not length:
        return b""
    body = _read_to(environ, sock, length, to_end=False)
    if len(body) < length:
        raise ApiError("400 Bad Request", f"request body shorter than its Content-Length ({len(body)} of {length} bytes)",
                       code="incomplete-body")
    return body


def _read_to(environ, sock, limit: int, to_end: bool) -> bytes:
    """Up to `limit` bytes of the body (`to_end`: all of it, refused when longer), each read bounded in time."""
    if sock is not None:  # gunicorn times out idle connections, not a body that stops half-way
        sock.settimeout(READ_TIMEOUT)
    chunks, received = [], 0
    wanted = limit + 1 if to_end else limit
    try:
        while received < wanted:
            chunk = environ["wsgi.input"].read(wanted - received)
            if not chunk:
                break
            chunks.append(chunk)
            received += len(chunk)
    except (TimeoutError, BlockingIOError):  # socket timeout, or SO_RCVTIMEO's EAGAIN under gunicorn_conf
        # a silent socket (READ_TIMEOUT) or the request's whole deadline (request_deadline.py): no one number is true
        raise ApiError("408 Request Timeout", "the request body did not arrive in time: send it whole, without pauses") from None
    except Exception:  # the server's own parser refused the body (bad chunking, connection reset)
        raise ApiError("400 Bad Request", "could not read the request body", code="unreadable-body") from None
    if received > limit:
        raise _too_large()
    return b"".join(chunks)


_FORM = "application/x-www-form-urlencoded"  # curl -d's default


def _json_body(environ) -> dict:
    """The body as a JSON object; a text/plain body (or an untyped one not starting with "{") is the ticket's text.

    A byte-order mark is dropped (PowerShell and .NET clients send one); curl's default form type is read as
    text, or as its `text` field when it is one (`--data-urlencode text@ticket.txt`).
    """
    raw = _read_body(environ)
    media_type = environ.get("CONTENT_TYPE", "").split(";", 1)[0].strip().lower()
    if media_type and not (media_type.startswith("text/") or "json" in media_type or media_type == _FORM):
        # curl -F (multipart) or XML was read whole as the ticket's text: boundaries, field names and a "limit"
        # field searched as words, and the limit ignored
        raise ApiError("415 Unsupported Media Type", f"a body of type {shown(media_type, 60)!r} is not read: send JSON "
                                                     '({"text": "..."}), text/plain, or a form with one text field')
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ApiError("400 Bad Request", "request body is not UTF-8", code="not-utf-8") from None
    if media_type == _FORM:
        fields = parse_qs(text, keep_blank_values=True)
        if "text" not in fields:  # curl -d '<the ticket>': the text itself
            return {"text": text}
        repeated = next((name for name, values in fields.items() if len(set(values)) > 1), None)
        if repeated is not None:  # `curl -d text=… -d text=…` searched the first alone, as a JSON key twice did
            raise ApiError("400 Bad Request", f"request body gives '{shown(repeated, 60)}' twice: send it once",
                           code="repeated-field")
        # the form's fields as JSON's ('curl -d text=… -d limit=1' searched 'text=…&limit=1' whole, 5 links): a
        # limit is a number as a form writes it, and a field the endpoint does not take is refused by name there
        data = {name: values[0] for name, values in fields.items()}
        if re.fullmatch(r"[0-9]{1,2}", data.get("limit", "")):
            data["limit"] = int(data["limit"])
        return data
    typed_text = media_type.startswith("text/")
    if "json" in media_type or (not typed_text and text.lstrip().startswith("{")):
        try:
            data = json.loads(text or "{}", object_pairs_hook=_one_value_each, parse_int=_whole_number)
        except RecursionError:
            raise ApiError("400 Bad Request", "request body is nested too deeply: send a flat JSON object",
                           code="bad-json") from None
        except _LongNumber as error:
            raise ApiError("400 Bad Request", f"request body holds a number of {error} digits: no field takes one "
                                              f"longer than {_MAX_DIGITS}", code="bad-json") from None
        except _RepeatedKey as error:
            raise ApiError("400 Bad Request", f"request body gives '{shown(str(error), 60)}' twice: send it once",
                           code="repeated-field") from None
        except ValueError as error:
            raise ApiError("400 Bad Request", f"request body is not valid JSON: {error}", code="bad-json") from None
        if not isinstance(data, dict):
            raise ApiError("400 Bad Request", "request body must be a JSON object", code="bad-json")
        for value in data.values():
            _require_unicode(value)
        return data
    return {"text": text}


class _LongNumber(ValueError):
    """A JSON number of more digits than any field takes."""


_MAX_DIGITS = 20


def _whole_number(digits: str) -> int:
    """A JSON integer; one of thousands of digits is refused by name (Python's own error told the client to call
    sys.set_int_max_str_digits(), and a long one under its limit cost a quadratic conversion)."""
    if len(digits.lstrip("-")) > _MAX_DIGITS:
        raise _LongNumber(len(digits.lstrip("-")))
    return int(digits)


class _RepeatedKey(ValueError):
    """A JSON object naming one key twice (json.loads keeps the last silently)."""


def _one_value_each(pairs: list) -> dict:
    """A JSON object, refused when it names a key twice: {"text": a, "text": b} searched b alone, as a
    duplicated query parameter or Content-Length is refused too."""
    data: dict = {}
    for key, value in pairs:
        if key in data:
            raise _RepeatedKey(key)
        data[key] = value
    return data


def _require_unicode(value) -> None:
    """JSON's \\ud800 escapes decode to lone surrogates, which no log line or response can encode."""
    if isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            raise ApiError("400 Bad Request", "request body holds a lone surrogate (\\ud800-\\udfff): "
                                              "send valid Unicode text", code="lone-surrogate") from None


_CONTROL_IN_PATH = re.compile(r"[\x00-\x1f\x7f]")


def path_refusal(path: str) -> str | None:
    """Why a request path (PEP 3333: its bytes as Latin-1) is refused, or None: one rule for the API under gunicorn
    and for the preview, which refused /api/%1b[31m while gunicorn handed it to the API (a 404 naming it)."""
    if _CONTROL_IN_PATH.search(path):
        return "the path holds a NUL or control character"
    try:
        path.encode("latin-1").decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return "the path is not UTF-8: percent-encode its UTF-8 bytes"
    return None


def _decoded_path(path: str) -> str:
    """The request path as text: WSGI hands its bytes over as Latin-1 (PEP 3333). Under gunicorn /api/%ff answered
    404 "no such endpoint '/api/ÿ'", and /api/更新 was named '/api/æ\x9b´', where the preview refuses the first."""
    refusal = path_refusal(path)
    if refusal:
        raise ApiError("400 Bad Request", refusal, code="bad-path")
    return path.encode("latin-1").decode("utf-8")


def _param(params: dict, name: str) -> str:
    """A parameter's value; one sent twice with two values is refused (the first was used, the second ignored)."""
    values = params.get(name) or [""]
    if len(set(values)) > 1:
        raise ApiError("400 Bad Request", f"parameter '{name}' given {len(values)} times with different values; send it once",
                       code="repeated-parameter")
    return values[0]


def _query_params(environ, endpoint: str, known: frozenset[str]) -> dict[str, list[str]]:
    """The query string's parameters, refused when not UTF-8 or when one is not among `known`."""
    query_string = environ.get("QUERY_STRING", "")
    if len(query_string) > MAX_QUERY_STRING:
        raise ApiError("414 URI Too Long", f"query string too long (at most {MAX_QUERY_STRING} bytes)")
    try:  # strict: %ff%fe was searched (and logged) as two U+FFFD, where a body that is not UTF-8 is a 400
        # WSGI hands over the raw bytes as Latin-1 (PEP 3333): an unescaped ?q=更新 read as æ´æ° under the
        # preview server, which gunicorn refuses outright; taken back to bytes, it is UTF-8 or refused
        query_string = query_string.encode("latin-1").decode("utf-8")
        params = parse_qs(query_string, keep_blank_values=True, errors="strict")
    except (UnicodeEncodeError, UnicodeDecodeError):
        raise ApiError("400 Bad Request", "query string is not UTF-8: percent-encode the query's UTF-8 bytes",
                       code="not-utf-8") from None
    unknown = sorted(set(params) - known)
    if unknown:  # ?knd=faq answered every kind, as if the filter had been applied
        close = difflib.get_close_matches(unknown[0], sorted(known - {"_"}), n=1)
        raise ApiError("400 Bad Request", f"unknown parameter {unknown[0][:100]!r}"
                                          + (f": did you mean {close[0]!r}?" if close else ";")
                                          + f" {endpoint} takes {', '.join(sorted(known - {'_'}))}",
                       code="unknown-parameter")
    return params


def _is_on(value: str) -> bool:
    """An on/off parameter: on unless sent as 0, false, no or off."""
    return value.lower() not in ("0", "false", "no", "off")


def cors_origins_for(project: Path, configured=None) -> frozenset[str]:
    """Origins allowed to call the API from a browser: the argument, else $CSOPS_API_CORS_ORIGINS
    (comma-separated), else mkdocs.yml `extra.csops.api.cors_origins`; none by default."""
    if configured is None and os.environ.get(CORS_ENV):
        configured = os.environ[CORS_ENV].split(",")
    if configured is None and (project / "mkdocs.yml").is_file():
        # Read as `csops validate` reads it, problems returned, never raised: gunicorn starts a worker anew every
        # 20,000 requests (and after a crash or a reload), and a mkdocs.yml broken since the last good build
        # failed that worker's boot, which shut the whole API down while the live index was fine.
        from .rules.site_config import read_config

        _, raw, problems = read_config(project)
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
    from .rules.site_config import browser_origin

    return frozenset(filter(None, (browser_origin(o) for o in configured or [] if isinstance(o, str))))


def create_app(project: Path | str, *, log_queries: bool = True, cors_origins=None):
    """The WSGI application serving the search API of the portal in `project`.

    `cors_origins`: origins (``https://tickets.example.com``, or ``*``) whose pages may call the API.
    """
    project = Path(project)
    searcher = Searcher(project)
    origins = cors_origins_for(project, cors_origins)

    def search(environ):
        params = _query_params(environ, "/api/search", SEARCH_PARAMS)
        query = _param(params, "q")
        limit = _param(params, "limit") or "10"
        if not re.fullmatch(r"[0-9]{1,3}", limit) or not 1 <= int(limit) <= 100:  # int() reads ٣ and ３ too
            raise ApiError("400 Bad Request", "limit must be a whole number between 1 and 100", code="bad-limit")
        filters = {name: _param(params, name) for name in FILTERS}
        result = searcher.search(query, **filters, limit=int(limit),
                                 correct=_is_on(_param(params, "correct")))
        # a link or window.open from another site's page is answered but is no reader's search: such a page could
        # navigate a window it opened through any number of planted queries into `csops report searches`.
        # Logged with its filters: "renewal" that found no FAQ for csm is no missing renewal page
        if log_queries and _is_on(_param(params, "log")) and not from_unlisted_site(environ):
            log_event(project, "search", query, count=result.total, **{k: v for k, v in filters.items() if v})
        return result.as_dict()

    def suggest(environ):
        data = _json_body(environ)
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
        in_query = _param(_query_params(environ, "/api/suggest", SUGGEST_PARAMS), "limit")
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
        data = _json_body(environ)
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
        """A browser's request made by a page of another site whose origin `cors_origins` does not list."""
        site = environ.get("HTTP_SEC_FETCH_SITE", "").lower()
        if site not in ("cross-site", "same-site") or "*" in origins:
            return False
        origin = environ.get("HTTP_ORIGIN", "")
        return not (origin and origin in origins)

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
        return ApiError("403 Forbidden", f"a page of another site ({shown(origin or 'origin not sent', 200)}) may not call "
                                         "this API: list its origin in cors_origins")

    def site_relative(path: str) -> str:
        """/docs/api/search as /api/search when site_url is https://x/docs/: the portal's search box calls the API
        below the site's path, as `csops serve` answers it, and gunicorn answered 404 'no such endpoint'."""
        if path in allowed or not path.endswith(tuple(allowed)):
            return path
        try:
            # unquoted as the request's path is: a site_url copied from the address bar writes /ドキュメント/ as
            # /%E3%83%89…/, and gunicorn answered the box's /ドキュメント/api/search 404
            prefix = unquote(urlsplit(searcher.site_url).path).rstrip("/")
        except IndexMissing:  # answered as the API's own path would be: 503 until there is an index
            prefix = path[:path.rindex("/api/")]
        return path[len(prefix):] if prefix and path.startswith(prefix + "/api/") else path

    def app(environ, start_response):
        method, path = environ.get("REQUEST_METHOD", "GET"), environ.get("PATH_INFO", "")
        try:
            extra = cors_headers(environ)
        except Exception:
            extra = []
        try:
            path = site_relative(_decoded_path(path))
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
                    raise ApiError("405 Method Not Allowed", f"{path} accepts {', '.join(allowed[path])}",
                                   [("Allow", ", ".join(allowed[path] + (["HEAD"] if "GET" in allowed[path] else [])))])
                raise ApiError("404 Not Found", f"no such endpoint {path[:200]!r}; see GET /api/search and POST /api/suggest")
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
