"""Compiled Jinja templates kept between builds: the theme's and csops' own, compiled once instead of every run.

MkDocs compiles Material's templates afresh in every process of every build;
on an edit rebuild that is the largest fixed cost after imports (≈0.8 s on the
reference machine). Jinja's file-system bytecode cache keys each template by
name and checks its source before use, and writes by rename, so builds running
side by side share it; an unreadable entry just compiles again.
"""

from __future__ import annotations

from pathlib import Path

from jinja2 import FileSystemBytecodeCache


class TemplateCache(FileSystemBytecodeCache):
    def load_bytecode(self, bucket) -> None:
        try:
            super().load_bytecode(bucket)
        except Exception:  # a damaged or foreign entry: compile as if there were none
            bucket.reset()


def template_cache(folder: Path) -> TemplateCache | None:
    """The cache in `folder`, or None where it cannot be written (the build then compiles every template)."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        return None
    return TemplateCache(str(folder))
