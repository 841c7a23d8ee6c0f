"""The JSON of every refusal a client of the search API can get: from the API itself, the preview's HTTP layer and
gunicorn's own (a bad request line). One shape, {"error": message, "code": code}, so a ticket tool's widget branches
on `code` and shows `error`, whichever layer refused (README: the API's error codes). The API raises an `ApiError` for each."""

from __future__ import annotations

# The code of a refusal no finer code names, by HTTP status.
STATUS_CODES = {400: "bad-request", 403: "origin-not-allowed", 404: "no-such-endpoint", 405: "method-not-allowed",
                408: "request-timeout", 411: "length-required", 413: "body-too-large", 414: "query-string-too-long",
                415: "unsupported-media-type",
                500: "internal-error", 503: "index-missing"}


def error_body(status: int, message: str, code: str = "") -> dict:
    """An error's JSON: the message says how to fix it, `code` which refusal it is."""
    return {"error": message, "code": code or STATUS_CODES.get(status, "bad-request")}


class ApiError(Exception):
    """A request the API refuses: its HTTP status, the message saying what to send instead, and its code."""

    def __init__(self, status: str, message: str, headers: list[tuple[str, str]] = (), code: str = ""):
        super().__init__(message)
        self.status = status
        self.headers = list(headers)  # e.g. a 405's Allow (RFC 9110: a 405 must name the methods allowed)
        self.code = code

    def as_dict(self) -> dict:
        return error_body(int(self.status.split()[0]), str(self), self.code)
