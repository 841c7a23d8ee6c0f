"""A digest of csops' own code: what is kept between runs (parsed content, rendered pages) is only used by the
same code that made it, so upgrading csops or editing it never serves a result the new code would not give."""

from __future__ import annotations

import functools
import hashlib
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent


def files_digest(folders) -> str:
    """Every file under `folders` (each once, in a stable order), by path and bytes: templates and assets."""
    digest = hashlib.sha256()
    for folder in dict.fromkeys(Path(f) for f in folders):
        for file in sorted(folder.rglob("*")) if folder.is_dir() else ():
            if file.is_file():
                digest.update(file.as_posix().encode("utf-8") + b"\0" + hashlib.sha256(file.read_bytes()).digest())
    return digest.hexdigest()


@functools.lru_cache(maxsize=None)
def code_digest() -> str:
    digest = hashlib.sha256()
    # the code, and the theme templates it adds to every build (theme/404.html)
    for file in sorted(list(PACKAGE.rglob("*.py")) + [f for f in (PACKAGE / "theme").rglob("*") if f.is_file()]):
        digest.update(file.relative_to(PACKAGE).as_posix().encode("utf-8") + b"\0" + file.read_bytes() + b"\0")
    return digest.hexdigest()
