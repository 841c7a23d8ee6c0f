"""Where csops writes inside a project: the one home of every generated path (all git-ignored).

    build/current -> .generations/<id>     the live generation (generations.py flips it)
    build/docs, build/index                stable links through build/current
    build/search-log/queries.jsonl         the search API's query log
    build/cache/templates                  compiled Jinja templates between builds
"""

from __future__ import annotations

from pathlib import Path

GENERATED_DIR = "build"


def build_root(project: Path) -> Path:
    return Path(project) / GENERATED_DIR


def live_docs_dir(project: Path) -> Path:
    return build_root(project) / "docs"


def live_index_dir(project: Path) -> Path:
    """The live search index: a link through build/current, so resolving it once gives one complete index."""
    return build_root(project) / "index"


def query_log_file(project: Path) -> Path:
    return build_root(project) / "search-log" / "queries.jsonl"


def template_cache_dir(project: Path) -> Path:
    """Compiled Jinja templates (ours and the theme's), reused by the next build: template_cache.py."""
    return build_root(project) / "cache" / "templates"
