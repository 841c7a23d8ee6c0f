"""The What's-new feed kept between builds, under a key naming everything it is made from.

Making the feed loads content/ as it was at each of the last commits and compares
them (history.py): in a git checkout of 1,000 playbooks that was most of every
rebuild (15 s of 19), though the feed changes only when a commit lands. So the
last feed is kept in build/cache/history, and reused while its key holds:
  - csops' code (fingerprints.code_digest);
  - the commits it covers and the one before them (an id names a tree and a message);
  - the portal's folder in the repository, and what decides how git writes a past
    file there: the .gitattributes files on the way to content/ and inside it,
    info/attributes, the global attributes file, and git's configuration (filters).
An edit of a title or a step leaves all of these as they were. What the feed read of
the portal being built (where each old id is today, the renamed targets its item
versions name) is kept with it and asked again before it is reused (history._KeptFeed):
keyed on every page's ids and on every rename, adding, deleting or renaming any
playbook made the whole feed again (2 s at 1,000 playbooks and 4 commits). The entry
is a pickle, signed (signed_files.py), so one planted through the repository is never
unpickled.
"""

from __future__ import annotations

import hashlib
import os
import pickle
from pathlib import Path

from .fingerprints import code_digest
from .git_revisions import GitError, git
from .paths import build_root, without_planted_links
from .signed_files import read_signed, write_signed

_ENTRY = "feed"


def feed_key(project: Path, top: Path, prefix: str, commits: list[str], base: str | None, info_attributes: Path) -> str:
    """The key of the feed of `commits` (newest first) after `base`, in the repository at `top` (the project's
    folder in it: `prefix`; its info/attributes file: `info_attributes`)."""
    digest = hashlib.sha256()

    def add(*parts) -> None:
        for part in parts:
            digest.update(part if isinstance(part, bytes) else str(part).encode("utf-8", "surrogateescape"))
            digest.update(b"\0")

    add(code_digest(), prefix, base or "", *commits, "")
    for file in _attribute_files(project, top) + [info_attributes]:
        add(file.as_posix(), _bytes_of(file))
    add(_git_config(top))
    return digest.hexdigest()


def _attribute_files(project: Path, top: Path) -> list[Path]:
    """The files besides info/attributes that git reads attributes from for a file under content/: on the way
    down from the top, inside content/, and the global one (a missing one counts as empty)."""
    files = []
    folder = project.resolve()
    while True:
        files.append(folder / ".gitattributes")
        if folder == top or folder.parent == folder:
            break
        folder = folder.parent
    for root, folders, names in os.walk(project / "content"):
        folders.sort()
        if ".gitattributes" in names:
            files.append(Path(root) / ".gitattributes")
    configured = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    files.append(Path(configured) / "git" / "attributes")
    return files


def _git_config(top: Path) -> bytes:
    """git's configuration as it applies here (filter drivers, core.attributesFile, eol settings among it)."""
    try:
        return git(top, "config", "-z", "--list")
    except GitError:
        return b""


def _bytes_of(file: Path) -> bytes:
    try:
        return file.read_bytes() if file.is_file() else b""
    except OSError:
        return b""


def _folder(project: Path) -> Path | None:
    return without_planted_links(project, build_root(project) / "cache" / "history")


def kept_feed(project: Path, key: str):
    """The feed kept under `key` (as keep_feed was given it), or None (none kept, another key, not signed here, or
    damaged)."""
    folder = _folder(project)
    body = read_signed(folder / _ENTRY) if folder is not None else None
    if body is None:
        return None
    try:
        kept_key, feed = pickle.loads(body)
    except Exception:  # signed here, so ours: damaged on disk; made again
        return None
    return feed if kept_key == key else None


def keep_feed(project: Path, key: str, feed) -> None:
    """Keep `feed` under `key` for the next build (an unwritable build/ only costs that build the work)."""
    folder = _folder(project)
    if folder is None:
        return
    body = pickle.dumps((key, feed), protocol=pickle.HIGHEST_PROTOCOL)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        write_signed(folder / _ENTRY, body)
    except OSError:
        pass
