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

from .paths import template_cache_dir, without_planted_links


class TemplateCache(FileSystemBytecodeCache):
    def load_bytecode(self, bucket) -> None:
        try:
            super().load_bytecode(bucket)
        except Exception:  # a damaged or foreign entry: compile as if there were none
            bucket.reset()


def template_cache(project: Path) -> TemplateCache | None:
    """The project's cache (build/cache/templates-<seal>), or None where it cannot be written or a planted link
    that cannot be removed is on the way (the build then compiles every template)."""
    folder = without_planted_links(project, template_cache_dir(project))
    if folder is None:
        return None
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        return None
    return TemplateCache(str(folder))
