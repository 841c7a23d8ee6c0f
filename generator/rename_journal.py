"""Replacing several content files as one change, for `csops mv`: an interruption never leaves half of it.

Written in place one file after another, a rename killed between two writes (Ctrl+C, kill -9, a full disk)
left references to an id no file had yet, and `csops mv` then refused to run on the broken content
(red-team run, 2026-12-04). Now every new text is first written beside its file (MV_PENDING_SUFFIX), then a
journal lists the replacements, then each replaces its file by an atomic rename and the journal goes.
Interrupted before the journal is written, nothing changed (the next `csops mv` clears the new texts);
after, `csops mv --finish` completes it, and until then validate and build name it as an error.
A build or validate reads content/ only while no rename is replacing files (`content_settled`).
"""

from __future__ import annotations

import fcntl
import json
import os
from contextlib import contextmanager
from pathlib import Path, PurePosixPath
from typing import Callable

from .paths import MV_PENDING_SUFFIX, mv_journal_file


class NotAPlainFile(ValueError):
    """A file the rename would change is a link, or lies outside content/ once links are followed."""


def replace_files(project: Path, subject: str, texts: dict[str, bytes], removed: list[str]) -> None:
    """Give each project-relative path in `texts` its new bytes and delete `removed`, as one change.

    Refused up front when a path is not a plain file under content/: the journal would not be trusted and the
    rename would stop half done, after saying it had succeeded (a playbook kept as a link to a shared file)."""
    for path in [*texts, *removed]:
        if not plain_content_file(project, path):
            raise NotAPlainFile(path)
    with _replacing(project):
        _replace(project, subject, texts, removed)


def _replace(project: Path, subject: str, texts: dict[str, bytes], removed: list[str]) -> None:
    clear_pending(project)
    journal = mv_journal_file(project)
    draft = journal.with_name(journal.name + ".tmp")
    try:
        for path, data in texts.items():
            _write_synced(project / (path + MV_PENDING_SUFFIX), data)
        journal.parent.mkdir(parents=True, exist_ok=True)
        _write_synced(draft, json.dumps({"subject": subject, "replace": list(texts), "remove": removed},
                                        ensure_ascii=False).encode("utf-8"))
        os.replace(draft, journal)
    except OSError:  # (a full disk) before the journal nothing changed: leave no half-written new texts either
        clear_pending(project)
        draft.unlink(missing_ok=True)
        raise
    _finish(project)


def interrupted(project: Path) -> str | None:
    """What an interrupted `csops mv` was doing ("playbook 'a' to 'b'"), or None when none is half written."""
    steps = _journal(project)
    return steps["subject"] if steps is not None else None


def finish_interrupted(project: Path) -> str | None:
    """Complete the rename the journal lists (each step again or found done); returns its subject, or None."""
    with _replacing(project):
        return _finish(project)


def _finish(project: Path) -> str | None:
    steps = _journal(project)
    if steps is None:
        return None
    for path in steps["replace"]:
        pending = project / (path + MV_PENDING_SUFFIX)
        if pending.exists():
            os.replace(pending, project / path)
    for path in steps["remove"]:
        (project / path).unlink(missing_ok=True)
    mv_journal_file(project).unlink()
    return steps["subject"]


def _journal(project: Path) -> dict | None:
    """The journal, if it is one a rename writes: every path a file under content/, also once links are
    followed (build/ is not committed, but a journal forced into a repository, or a folder of content/ that
    links elsewhere, must not delete or replace anything else), each new text a plain file."""
    try:
        steps = json.loads(mv_journal_file(project).read_text(encoding="utf-8"))
        paths = [*steps["replace"], *steps["remove"]]
        if not isinstance(steps["subject"], str) or not all(isinstance(path, str) and plain_content_file(project, path)
                                                            for path in paths):
            return None
        if not all(_plain_file_or_none(project / (path + MV_PENDING_SUFFIX)) for path in steps["replace"]):
            return None
        return steps
    except (OSError, ValueError, KeyError, TypeError, RecursionError):  # (JSON nested thousands deep)
        return None


def plain_content_file(project: Path, path: str) -> bool:
    """`path` (project-relative) is a plain file under content/, or none yet, with no link on the way."""
    parts = PurePosixPath(path).parts
    if len(parts) < 2 or parts[0] != "content" or {"..", ".", ""} & set(parts) or "\\" in path:
        return False
    target = project / path
    content = (project / "content").resolve()
    return target.parent.resolve().is_relative_to(content) and _plain_file_or_none(target)


def _plain_file_or_none(path: Path) -> bool:
    return not path.exists() and not path.is_symlink() or (path.is_file() and not path.is_symlink())


def clear_pending(project: Path) -> None:
    """Remove new texts a rename wrote before it was interrupted, ahead of its journal (nothing was changed)."""
    if interrupted(project) is None:
        for pending in (project / "content").rglob("*" + MV_PENDING_SUFFIX):
            if pending.is_file() and not pending.is_symlink():
                pending.unlink(missing_ok=True)


class RenameRunning(RuntimeError):
    """Another `csops mv` is changing this portal's files."""


@contextmanager
def one_rename_at_a_time(project: Path):
    """Two renames at once lost content: the second cleared the first's new texts as leftovers of an interrupted
    one, and the first then deleted the renamed file (red-team run, 2026-12-04). The lock is on the content/
    folder itself, so no lock file is left in the project."""
    try:
        folder = os.open(Path(project) / "content", os.O_RDONLY | os.O_DIRECTORY)
    except OSError:  # no content/ yet: planning the rename says so
        yield
        return
    try:
        try:
            fcntl.flock(folder, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise RenameRunning("another csops mv is changing this portal's files: wait for it, then run yours "
                                "again") from None
        yield
    finally:
        os.close(folder)


@contextmanager
def content_settled(project: Path, waiting: Callable[[], None] | None = None):
    """Read content/ (and its URL manifest) in this: never while a rename is replacing its files. A build reading
    during a `csops mv` in another shell read some files before their rename and the manifest after it, and failed
    on "published URL 'playbooks/<new id>/' would disappear", telling the editor to add an alias or to run
    `csops urls --update` (red team: 3 of 6 builds started beside a rename). Many may read at once; `waiting` is
    called first when a rename is writing (for a few milliseconds, or as long as its disk takes to sync)."""
    with _project_lock(project, fcntl.LOCK_SH, waiting):
        yield


def _replacing(project: Path):
    return _project_lock(project, fcntl.LOCK_EX)


@contextmanager
def _project_lock(project: Path, mode: int, waiting: Callable[[], None] | None = None):
    """A lock on the project folder itself (no lock file in the project; content/ holds one_rename_at_a_time's)."""
    try:
        folder = os.open(Path(project), os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    except OSError:  # no such folder: the command says so itself
        yield
        return
    try:
        try:
            fcntl.flock(folder, mode | fcntl.LOCK_NB)
        except BlockingIOError:
            if waiting is not None:
                waiting()
            fcntl.flock(folder, mode)
        yield
    finally:
        os.close(folder)


def _write_synced(path: Path, data: bytes) -> None:
    """Write and flush to the disk: the journal must never list a text that a power cut could lose. The path is
    csops' own (a new text beside its file, the journal's draft): a link there came with the repository, and writing
    through it replaced the file it named outside the project, so it is removed first and never followed."""
    if path.is_symlink():
        path.unlink()
    with open(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_NOFOLLOW | os.O_CLOEXEC, 0o644), "wb") as out:
        out.write(data)
        out.flush()
        os.fsync(out.fileno())
