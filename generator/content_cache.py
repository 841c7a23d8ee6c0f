"""Parsed and shape-checked content files kept between runs, keyed by their bytes.

Parsing YAML with every value's position and checking each file's shape is most
of `csops validate` and of an edit rebuild's first stage (1.4 s of 1.7 at 1,000
playbooks); a file whose bytes, path and csops code are unchanged gives the same
data and problems, so each file's result is kept in build/cache/content/. The
cross-file rules still run on every file. Entries are pickles, so each carries
an HMAC made with this machine's secret (trust.py) and is unpickled only when it
verifies: an entry planted through the repository is never loaded. Entries the
run did not use are deleted, so the folder holds one entry per content file.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import pickle
from pathlib import Path

from .fingerprints import code_digest
from .paths import content_cache_dir
from .trust import machine_secret

_MAC_BYTES = 32


class ContentCache:
    """Per-file (data, parse problems, shape problems), looked up by the file's path and text."""

    def __init__(self, project: Path):
        self.folder = content_cache_dir(project)
        self.used: set[str] = set()
        self.pending: dict[str, tuple[str, object, list]] = {}  # path -> (entry name, data, parse problems)
        self.shapes: dict[str, list] = {}  # path -> shape problems of the files found here

    def _name(self, path: str, text: str) -> str:
        return hashlib.sha256("\0".join((code_digest(), path, text)).encode("utf-8")).hexdigest()

    def lookup(self, path: str, text: str) -> tuple[object, list] | None:
        """(data, parse problems) as the last run found them, or None; the shape problems wait in `shapes`."""
        name = self._name(path, text)
        self.used.add(name)
        try:
            raw = (self.folder / name).read_bytes()
        except OSError:
            self.pending[path] = (name, None, [])
            return None
        mac, body = raw[:_MAC_BYTES], raw[_MAC_BYTES:]
        if not hmac.compare_digest(mac, hmac.new(machine_secret(), body, hashlib.sha256).digest()):
            self.pending[path] = (name, None, [])
            return None
        try:
            data, problems, shape = pickle.loads(body)
        except Exception:  # a damaged entry (the MAC matched, so it is ours): parse again
            self.pending[path] = (name, None, [])
            return None
        self.shapes[path] = shape
        return data, problems

    def parsed(self, path: str, data, problems: list) -> None:
        if path in self.pending:
            self.pending[path] = (self.pending[path][0], data, problems)

    def checked(self, path: str, shape: list) -> None:
        """The file's shape problems complete its entry; only then is it written."""
        if path not in self.pending:
            return
        name, data, problems = self.pending.pop(path)
        body = pickle.dumps((data, problems, shape), protocol=pickle.HIGHEST_PROTOCOL)
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            temporary = self.folder / f".{name}.{os.getpid()}"
            temporary.write_bytes(hmac.new(machine_secret(), body, hashlib.sha256).digest() + body)
            os.replace(temporary, self.folder / name)
        except OSError:
            pass  # an unwritable build/ only costs the next run a parse

    def prune(self) -> None:
        """Delete entries of files that no longer have these bytes (or no longer exist)."""
        try:
            entries = list(self.folder.iterdir())
        except OSError:
            return
        for entry in entries:
            if entry.name not in self.used and not entry.name.startswith("."):
                entry.unlink(missing_ok=True)
