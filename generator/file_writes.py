"""How csops writes files so that a failure or a planted link does no harm: a file replaced whole, never
written through a link (`replace_file`); a folder copied, failing with its first file's error (`copy_folder`);
a scratch folder that a killed command does not leave for ever (`scratch_folder`).
Where it writes them is paths.py's."""

from __future__ import annotations

import errno
import os
import shutil
import tempfile
from contextlib import contextmanager
from pathlib import Path


def copy_folder(source: Path, target: Path, ignore=None, symlinks: bool = False) -> None:
    """shutil.copytree, failing with the first file's OSError (its errno and names) instead of one shutil.Error
    listing every file's as text: a disk that filled while the build copied the live index said 'cannot write the
    build: [(…), (…)]', thousands of characters and no fix, where a full disk is one line saying to free space."""
    failed: list[OSError] = []

    def copy(source_file, target_file):
        try:
            return shutil.copy2(source_file, target_file)
        except OSError as error:
            failed.append(error)
            raise

    try:
        shutil.copytree(source, target, ignore=ignore, copy_function=copy, symlinks=symlinks)
    except shutil.Error:
        if failed:
            raise failed[0] from None
        raise


def replace_file(target: Path, data: bytes) -> None:
    """Write `target` whole: into a file beside it (.<name>.<pid>), renamed over it, so a reader never sees half of
    it and a link at either name is replaced, never written through. The draft is a fresh file: links named so
    (content/.published-urls.txt.<pid>, build/cache/content/..references.json.<pid>) came with the repository, and
    each one the writing process met overwrote the file it named outside the project."""
    temporary = draft_of(target)
    temporary.unlink(missing_ok=True)
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC, 0o666)
    try:
        with open(descriptor, "wb") as out:
            out.write(data)
        os.replace(temporary, target)
    except OSError as error:
        temporary.unlink(missing_ok=True)
        if error.filename is None:  # write and close name no file: a full disk said 'No space left on device' alone
            raise OSError(error.errno, error.strerror, str(target)) from error
        raise
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


def draft_of(target: Path) -> Path:
    """Where replace_file writes `target` first: .<name>.<process id> beside it (a kill -9 leaves it there, which the
    starter project's .gitignore keeps out of commits)."""
    return target.with_name(f".{target.name}.{os.getpid()}")


def device_fix(error: OSError) -> str | None:
    """What to do when the file system refused a write for the whole device or a limit (a full disk, a quota, a
    read-only mount, a file-size limit), or None when the refusal was about the file named (its folder, its
    permissions): naming another file would not help then."""
    return {errno.ENOSPC: "free disk space on that device, then run it again",
            errno.EDQUOT: "free disk space on that device, then run it again",
            errno.EROFS: "the file system is read-only: run csops where it may write",
            errno.EFBIG: "a file-size limit refused it (ulimit -f, or the file system's): raise it, then run it again",
            }.get(error.errno)


def refusal(error: OSError) -> str:
    """What the file system refused, with the file it was writing: a copy's or rename's error names its source first,
    and the file it could not write second (csops mv and the CLI's one line for any refused write say this)."""
    name = error.filename2 or error.filename
    return f"{error.strerror or error}" + (f" ({name})" if name else "")


@contextmanager
def scratch_folder(project: Path, use: str):
    """A new folder for a command's scratch copy, removed when the command ends; `use` names it ("mv", "history").

    It is made in the project's build/scratch (git-ignored), and the folders there of processes that are gone
    are removed first: made in the system's temp folder, a copy of content/ that `csops mv` or the What's new
    of a build was working on when killed (kill -9, the out-of-memory killer) stayed there for ever, one per
    kill (18 csops-mv-* in /tmp after the crash tests). Where build/ cannot be written (a read-only checkout
    running validate), the system's temp folder, as before."""
    from .generations import pid_alive
    from .paths import scratch_root, without_planted_links

    root = without_planted_links(project, scratch_root(project))
    folder = None
    if root is not None:
        try:
            root.mkdir(parents=True, exist_ok=True)
            for left in root.iterdir():
                owner = left.name.split("-")[1:2]
                if owner and owner[0].isdigit() and int(owner[0]) != os.getpid() and not pid_alive(int(owner[0])):
                    shutil.rmtree(left, ignore_errors=True)
            folder = Path(tempfile.mkdtemp(prefix=f"{use}-{os.getpid()}-", dir=root))
        except OSError:
            folder = None
    if folder is None:
        folder = Path(tempfile.mkdtemp(prefix=f"csops-{use}-"))
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)
