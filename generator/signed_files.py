"""Files kept between runs that only this user on this machine can have written: each body carries an HMAC made with
the machine's secret (trust.py), and is read back only when it verifies. What is kept this way is unpickled or run
(parsed content, the What's-new feed, compiled validators), so one planted through the repository, copied from
another machine or damaged on disk is never loaded: its reader makes the value again."""

from __future__ import annotations

import hashlib
import hmac
from pathlib import Path

from .file_writes import replace_file
from .trust import machine_secret

MAC_BYTES = 32


def _mac(body: bytes) -> bytes:
    return hmac.new(machine_secret(), body, hashlib.sha256).digest()


def write_signed(path: Path, body: bytes) -> None:
    """Write `body` signed, whole (replace_file); OSError as replace_file raises it."""
    replace_file(path, _mac(body) + body)


def read_signed(path: Path) -> bytes | None:
    """The body at `path` if this machine signed it, else None (missing, unreadable, planted, damaged)."""
    try:
        raw = path.read_bytes()
    except OSError:
        return None
    mac, body = raw[:MAC_BYTES], raw[MAC_BYTES:]
    return body if hmac.compare_digest(mac, _mac(body)) else None
