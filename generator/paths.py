"""Where csops writes inside a project: the one home of every generated path (all git-ignored).

    build/current -> .generations/<id>     the live generation (generations.py flips it)
    build/docs, build/index                stable links through build/current
    build/search-log/queries.jsonl         the search API's query log
    build/cache/templates-<seal>           compiled Jinja templates between builds (trust.py)
    build/cache/content/<digest>           each content file parsed and shape-checked (content_cache.py)
    build/mv-journal.json                  a `csops mv` being written (rename_staging.py); gone when it is done
    build/scratch/<use>-<pid>-<random>     a command's scratch copy (file_writes.scratch_folder); gone when it ends
"""

from __future__ import annotations

from pathlib import Path

GENERATED_DIR = "build"
# csops' own templates and labels.yml: beside the package in a checkout, inside it when installed from a wheel
PACKAGE_TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
if not PACKAGE_TEMPLATES.is_dir():
    PACKAGE_TEMPLATES = Path(__file__).resolve().parent / "_templates"
# where the files of templates/assets (csops' and the project's) are in the docs folder, and so in the site
ASSETS_PREFIX = "assets/csops"


def is_portal(folder: Path) -> bool:
    """A portal project is a folder holding mkdocs.yml and content/ (found above a subfolder, refused around init)."""
    return (Path(folder) / "mkdocs.yml").is_file() and (Path(folder) / "content").is_dir()


# What to do in a folder that holds no portal
NO_PORTAL_FIX = "run this in a portal's folder, pass --project DIR, or start one with `csops init`"


def no_portal(folder: Path) -> str:
    """What a command says in a folder that holds no portal: search told a new user in the wrong folder to run
    `csops build` there, `report searches` that 0 searches were logged, and build to copy a mkdocs.yml."""
    return f"no portal in {folder}: a portal holds mkdocs.yml and content/ ({NO_PORTAL_FIX})"


def build_root(project: Path) -> Path:
    """build/, never followed as a link: csops makes it a folder, so a link there came with the repository (build
    committed as a link to ~ or any folder), and it is removed. Followed, `csops validate` pruned the files of the
    folder it named as stale cache entries, and builds wrote and replaced their folders there."""
    root = Path(project) / GENERATED_DIR
    if root.is_symlink():
        root.unlink()
    return root


def live_docs_dir(project: Path) -> Path:
    return build_root(project) / "docs"


def live_index_dir(project: Path) -> Path:
    """The live search index: a link through build/current, so resolving it once gives one complete index."""
    return build_root(project) / "index"


def query_log_file(project: Path) -> Path:
    return build_root(project) / "search-log" / "queries.jsonl"


def template_cache_dir(project: Path) -> Path:
    """Compiled Jinja templates (ours and the theme's), reused by the next build: template_cache.py.

    Compiled templates are code: the folder is named by this machine's secret (trust.py), so
    entries committed to the repository or copied from elsewhere are never found, let alone run.
    """
    from .trust import seal

    return build_root(project) / "cache" / f"templates-{seal('template-cache')[:24]}"


def without_planted_links(project: Path, folder: Path) -> Path | None:
    """`folder`, a cache folder under build/, once no link lies on the way to it (build/cache, the folder itself):
    csops makes none there, so one came with the repository (`git add -f`), and it is removed, never followed.
    build/cache/content committed as a link to ~/.ssh had `csops validate` prune the keys there as stale entries.
    None when such a link cannot be removed (the cache is then not used)."""
    root = build_root(project)
    current = root
    for part in folder.relative_to(root).parts:
        current = current / part
        if current.is_symlink():
            try:
                current.unlink()
            except OSError:
                return None
    return folder


def content_cache_dir(project: Path) -> Path:
    """Parsed, shape-checked content files by digest of path and bytes: content_cache.py."""
    return build_root(project) / "cache" / "content"


def scratch_root(project: Path) -> Path:
    """Where commands copy content for a while (csops mv's staged copy, What's new's past revisions, csops diff's
    sides, validate FILE's committed copy): file_writes.scratch_folder."""
    return build_root(project) / "scratch"


# A file `csops mv` writes beside the one it replaces, before any is replaced (rename_staging.py)
MV_PENDING_SUFFIX = ".csops-mv"


def mv_journal_file(project: Path) -> Path:
    """What a `csops mv` replaces, written once every new text is on disk: an interrupted one is finished from it."""
    return build_root(project) / "mv-journal.json"
