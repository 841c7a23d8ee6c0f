"""How csops writes files so that a failure or a planted link does no harm: a file replaced whole, never
written through a link (`replace_file`); a folder copied, failing with its first file's error (`copy_folder`).
Where it writes them is paths.py's."""

from __future__ import annotations

import os
from pathlib import Path


def copy_folder(source: Path, target: Path, ignore=None, symlinks: bool = False) -> None:
    """shutil.copytree, failing with the first file's OSError (its errno and names) instead of one shutil.Error
    listing every file's as text: a disk that filled while the build copied the live index said 'cannot write the
    build: [(…), (…)]', thousands of characters and no fix, where a full disk is one line saying to free space."""
    import shutil

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
    temporary = target.with_name(f".{target.name}.{os.getpid()}")
    temporary.unlink(missing_ok=True)
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC, 0o666)
    try:
        with open(descriptor, "wb") as out:
            out.write(data)
        os.replace(temporary, target)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
