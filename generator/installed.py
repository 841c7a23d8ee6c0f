"""What this Python environment has installed (MkDocs' themes and plugins, package versions), read once per change.

importlib.metadata reads every installed distribution's metadata on each call (11 ms for the plugins' entry
points here): one build asked four times for entry points and seven for versions (the theme and plugin checks,
run by validate and again by the build, and the build key), and every `csops serve` rebuild asked again. The
answers change only when a package is installed, upgraded or removed, which changes a folder on sys.path: they
are kept until one does.
"""

from __future__ import annotations

import os
import sys
from importlib import metadata

_kept: dict = {}


def _environment_stamp() -> tuple:
    """The folders Python imports from, with their modification times: an install or removal changes one."""
    stamps = []
    for folder in sys.path:
        try:
            stamps.append((folder, os.stat(folder or ".").st_mtime_ns))
        except OSError:
            stamps.append((folder, None))
    return tuple(stamps)


def _read(key: tuple, compute):
    stamp = _environment_stamp()
    if _kept.get("stamp") != stamp:
        _kept.clear()
        _kept["stamp"] = stamp
    if key not in _kept:
        _kept[key] = compute()
    return _kept[key]


def entry_points(group: str) -> dict[str, metadata.EntryPoint]:
    """The entry points of `group` ("mkdocs.plugins", "mkdocs.themes", "markdown.extensions") by name, from one
    reading of every distribution's metadata for all groups (each group read apart read it all again: 5 ms each)."""
    return _read(("entry_points", group), lambda: {entry.name: entry for entry in _every_entry_point().select(group=group)})


def _every_entry_point():
    return _read(("entry_points",), metadata.entry_points)


def version(package: str) -> str | None:
    """The installed version of `package`, or None when it is not installed."""
    def read() -> str | None:
        try:
            return metadata.version(package)
        except metadata.PackageNotFoundError:
            return None
    return _read(("version", package), read)
