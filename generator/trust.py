"""What csops reuses from build/ must have been written by this user on this machine.

build/ sits inside the repository, and a pull request can commit files there
(.gitignore does not stop `git add -f`). What the next build reuses from it is
dangerous if planted: compiled templates are code Jinja runs, a Whoosh index
holds a pickle it loads, and reused HTML skips the sanitiser. So every reuse is
keyed with a secret that lives outside the project (in the user's cache
folder): a planted generation or cache never matches, and the build simply does
the work afresh. Where the secret cannot be stored, each process makes its own,
so nothing is reused across processes (slower, never unsafe).
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import os
from pathlib import Path

SECRET_BYTES = 32


def secret_file() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or (Path.home() / ".cache")
    return Path(base) / "csops-portal" / "secret"


@functools.lru_cache(maxsize=None)
def machine_secret() -> bytes:
    """This user's secret, created on first use (0600); two processes racing agree on the first one written."""
    path = secret_file()
    try:
        data = path.read_bytes()
        if len(data) == SECRET_BYTES:
            return data
    except OSError:
        pass
    secret = os.urandom(SECRET_BYTES)
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        temporary = path.with_name(f".secret-{os.getpid()}")
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        try:
            os.write(descriptor, secret)
        finally:
            os.close(descriptor)
        try:
            os.link(temporary, path)  # fails if another process won: then its secret is the one
        except FileExistsError:
            pass
        finally:
            temporary.unlink(missing_ok=True)
        data = path.read_bytes()
        return data if len(data) == SECRET_BYTES else secret
    except OSError:
        return secret


def seal(label: str) -> str:
    """A stamp only this user on this machine can produce for `label` (hex HMAC-SHA256)."""
    return hmac.new(machine_secret(), label.encode("utf-8"), hashlib.sha256).hexdigest()


def is_sealed(label: str, stamp: str) -> bool:
    return hmac.compare_digest(seal(label), stamp.strip())
