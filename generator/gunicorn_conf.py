"""gunicorn settings for serving the search API in production: `gunicorn -c python:generator.gunicorn_conf ...`.

The API is CPU-bound Python (Whoosh scoring holds the GIL), so one process per core does the work and a few
threads per process keep a core busy while another request waits on its socket. Measured with
benchmarks/load.py on 2 shared cores (load average 5-7), three rebuilds during each run, 0 errors:
2 workers x 4 threads 493-816 req/s over five runs, 3 x 2 573-728, 2 x 1 527 (indistinguishable
under the machine's other load, so one process per core). Override any value on the command line (`--workers 4`) or with $GUNICORN_CMD_ARGS.
"""

import multiprocessing
import os

bind = os.environ.get("CSOPS_API_BIND", "127.0.0.1:8080")
worker_class = "generator.gunicorn_worker.DeadlineThreadWorker"  # gthread, with a deadline per request
workers = multiprocessing.cpu_count()
threads = 4
timeout = 30  # a worker silent this long (stuck) is killed and replaced
graceful_timeout = 10
keepalive = 5  # seconds an idle keep-alive connection is kept
# request line, header count and header size: gunicorn answers 4xx past these
limit_request_line = 8190
limit_request_fields = 50
limit_request_field_size = 8190
# the index is opened per worker; restart workers now and then so memory never creeps
max_requests = 20000
max_requests_jitter = 2000
control_socket_disable = True  # gunicorn >= 24's control socket is one path per user: two portals on a host would clash
accesslog = None  # the API keeps its own query log (build/search-log); add --access-logfile - to see requests

# gthread workers read a request's headers and body with no timeout of their own: a client that sends
# "GET /" and stops would hold a thread forever. Receive and send timeouts on the listening socket are
# inherited by every accepted connection (Linux), so any read or write that stalls this long fails and
# gunicorn closes that connection.
IO_TIMEOUT_SECONDS = int(os.environ.get("CSOPS_API_IO_TIMEOUT", "10"))


def when_ready(server):
    import socket
    import struct

    timeval = struct.pack("ll", IO_TIMEOUT_SECONDS, 0)
    for listener in server.LISTENERS:
        listener.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVTIMEO, timeval)
        listener.sock.setsockopt(socket.SOL_SOCKET, socket.SO_SNDTIMEO, timeval)


def post_worker_init(worker):
    """Requests gunicorn itself refuses (bad request line, bad Content-Length, oversized headers, unknown
    transfer codings) are answered in JSON like the API's own errors, not with gunicorn's HTML page."""
    import json

    from gunicorn import util

    from generator.api_errors import error_body

    def write_json_error(sock, status_int, reason, mesg):
        if int(status_int) == 501:  # an unknown Transfer-Encoding is the client's error: 400, never a 5xx
            status_int, reason = 400, "Bad Request"
        body = json.dumps(error_body(int(status_int), f"{reason}: {mesg}"), ensure_ascii=True)
        # a HEAD's answer has no body (RFC 9110), refused here too: a client keeping the connection read the JSON
        # as its next response. The method comes from the request's first bytes (gunicorn_worker's socket keeps
        # them): a refused request line or header comes before gunicorn knows it
        head_only = getattr(sock, "request_start", b"").lstrip(b"\r\n").startswith(b"HEAD ")
        response = (f"HTTP/1.1 {int(status_int)} {reason}\r\nConnection: close\r\n"
                    f"Content-Type: application/json; charset=utf-8\r\nContent-Length: {len(body)}\r\n\r\n"
                    + ("" if head_only else body))
        util.write_nonblock(sock, response.encode("latin-1"))

    if hasattr(util, "write_error") and hasattr(util, "write_nonblock"):
        util.write_error = write_json_error
