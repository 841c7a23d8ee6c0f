"""Reading a request to the search API without trusting it: the body within its size and in time (short bodies,
negative lengths, chunks, a client that stops sending), JSON without deep nesting, long numbers, repeated keys or
lone surrogates, the path and query string as UTF-8, each parameter known and given once. Whatever is refused is
an ApiError naming what to send instead; the API under gunicorn and the preview read requests alike.
"""

from __future__ import annotations

import difflib
import json
import os
import re
from urllib.parse import parse_qs

from .api_errors import ApiError
from .problems import shown
from .search import MAX_TICKET_CHARS

# bytes: a ticket of MAX_TICKET_CHARS however it is sent. JSON as Python writes it (json.dumps, requests' json=)
# escapes each non-ASCII character as \uXXXX, 6 bytes: with 4 a byte, a 35,000-character Japanese ticket was refused
# as too large while the ticket limit said 50,000 characters
MAX_BODY = MAX_TICKET_CHARS * 6 + 1024
MAX_QUERY_STRING = 16 * 1024  # a 500-character query percent-encoded as 3-byte characters is 4.5 KB
# seconds a client may take to send its body (gunicorn leaves body reads unbounded); the same setting as
# gunicorn_conf's socket timeouts
READ_TIMEOUT = float(os.environ.get("CSOPS_API_IO_TIMEOUT", "10"))
_LENGTH = re.compile(r"[0-9]{1,12}")


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


def json_body(environ) -> dict:
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


def decoded_path(path: str) -> str:
    """The request path as text: WSGI hands its bytes over as Latin-1 (PEP 3333). Under gunicorn /api/%ff answered
    404 "no such endpoint '/api/ÿ'", and /api/更新 was named '/api/æ\x9b´', where the preview refuses the first."""
    refusal = path_refusal(path)
    if refusal:
        raise ApiError("400 Bad Request", refusal, code="bad-path")
    return path.encode("latin-1").decode("utf-8")


def param(params: dict, name: str) -> str:
    """A parameter's value; one sent twice with two values is refused (the first was used, the second ignored)."""
    values = params.get(name) or [""]
    if len(set(values)) > 1:
        raise ApiError("400 Bad Request", f"parameter '{name}' given {len(values)} times with different values; send it once",
                       code="repeated-parameter")
    return values[0]


def query_params(environ, endpoint: str, known: frozenset[str]) -> dict[str, list[str]]:
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


def is_on(value: str) -> bool:
    """An on/off parameter: on unless sent as 0, false, no or off."""
    return value.lower() not in ("0", "false", "no", "off")
