"""Incremental builds: reuse the live generation's HTML for every page whose Markdown is byte-identical.

A page's HTML depends on its own Markdown and on what every page shares: the
navigation, mkdocs.yml, the MkDocs overrides csops applies, the theme, the
assets and the code of csops, MkDocs, Material and the Markdown extensions.
The shared part is one hash (the build key), stored in each generation; when it
matches the live generation's, only pages whose Markdown changed are rendered
and the others' HTML is hard-linked from the live generation (copy_page
says why the live site stays intact; copied where links cannot be made).
Anything the key cannot vouch for (a user `nav`, a theme `custom_dir`, plugins
other than search and redirects, whose output may depend on more than the
page, and `hooks:`, which are plugins of the site's own code) means a full
build, the safe default.

What MkDocs writes for the whole site (search index, sitemap, redirects) is
written in full by every build. The search index can be, because its entries
come from the model (static_search.py), not from the pages a run happens to
render; so the theme must be Material, whose search plugin csops feeds. The
theme's assets and the 404 page depend on the key alone: they are taken from the
live generation like an unchanged page (mkdocs_plugin._theme_assets).
"""

from __future__ import annotations

import functools
import hashlib
import json
import marshal
import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path

from .fingerprints import code_digest, files_digest
from .installed import version
from .mkdocs_entries import plugin_entries

BUILD_KEY_FILE = "build-key.json"
_SAFE_PLUGINS = frozenset({"search", "material/search", "redirects"})
_PACKAGES = ("mkdocs", "mkdocs-material", "pymdown-extensions", "markdown", "mkdocs-redirects", "nh3", "csops-portal")


@dataclass
class Reuse:
    """A build that renders `dirty` pages and copies every other page's HTML from `previous_site`."""

    previous_site: Path
    dirty: set[str] = field(default_factory=set)  # docs-relative Markdown paths to render


def eligible(raw: dict) -> bool:
    """Whether pages of this config depend only on their own Markdown plus the build key."""
    theme = raw.get("theme") or {}
    name = theme.get("name") if isinstance(theme, dict) else theme
    # hooks: MkDocs runs them as plugins; their code is in no key, and they read pages raw_blocks would have lifted
    if name != "material" or raw.get("nav") or raw.get("hooks") or (isinstance(theme, dict) and theme.get("custom_dir")):
        return False
    return {entry[0] for entry in plugin_entries(raw.get("plugins") or ["search"]) if entry} <= _SAFE_PLUGINS


def _stable(value):
    """A config value JSON cannot hold (a slugify function, a partial of one) named without its memory address; a
    YAML !!set as its sorted items (Python lists a set's texts in an order that changes from one process to the
    next, so a !!set anywhere in mkdocs.yml made every build a full one)."""
    if isinstance(value, (set, frozenset)):
        return {"!!set": sorted(json.dumps(item, sort_keys=True, default=_stable) for item in value)}
    if isinstance(value, functools.partial):
        return f"partial({_stable(value.func)}, {value.args!r}, {sorted(value.keywords.items())!r})"
    name = getattr(value, "__qualname__", None)
    if name is not None:
        return f"{getattr(value, '__module__', '')}.{name}"
    return f"{type(value).__module__}.{type(value).__qualname__}({sorted(vars(value).items())!r})" if hasattr(value, "__dict__") else repr(value)


def build_key(settings: dict, overrides: dict, assets: dict[str, bytes], templates: list[Path]) -> str:
    """Hash of everything every page's HTML shares (redirect maps excluded: they only add redirect pages).

    `settings`: mkdocs.yml as MkDocs reads it (SiteConfig.raw), not its bytes: a file it INHERITs and the !ENV
    values it names shape every page too (a copyright edited in base.yml stayed on every unchanged page).

    The page templates only shape Markdown, which is compared page by page; they are in the key
    anyway, so a template edit is a full build (the safe default when the look of pages changes).
    """
    digest = hashlib.sha256()
    shared = {k: v for k, v in overrides.items() if k not in ("docs_dir", "site_dir", "plugins")}
    plugins = []
    for entry in overrides.get("plugins") or []:
        if entry == "redirects":
            continue
        if isinstance(entry, dict) and "redirects" in entry:
            options = {k: v for k, v in (entry["redirects"] or {}).items() if k != "redirect_maps"}
            if not options:  # a first alias switches the plugin on: still the same pages
                continue
            entry = {"redirects": options}
        plugins.append(entry)
    shared["plugins"] = plugins
    digest.update(json.dumps(shared, sort_keys=True, default=_stable).encode("utf-8"))
    try:
        digest.update(json.dumps(settings, default=_stable).encode("utf-8"))
    except (TypeError, ValueError):  # a key JSON cannot hold (a !!python/tuple): a repr that never matches twice
        digest.update(repr(settings).encode("utf-8") + os.urandom(16))
    for name, data in sorted(assets.items()):
        digest.update(name.encode("utf-8") + b"\0" + hashlib.sha256(data).digest())
    for package in _PACKAGES:
        if (installed := version(package)) is not None:
            digest.update(f"{package}={installed}".encode("utf-8"))
    digest.update(files_digest(templates).encode("ascii"))
    # all of csops, not a list of the modules that shape HTML: the link parses a rebuild reuses come from
    # linkcheck.py too, and a list is one more place to forget a module
    digest.update(code_digest().encode("ascii"))
    return digest.hexdigest()


def plan(previous: Path | None, raw: dict, key: str, pages, unchanged: set[str]) -> Reuse | None:
    """The reuse plan against the live generation `previous`, or None for a full build.

    `pages`: this build's docs-relative paths; `unchanged`: those whose Markdown is byte-identical to
    `previous`'s (build.write_pages compares them as it writes).
    """
    if previous is None or not eligible(raw):
        return None
    try:
        if json.loads((previous / BUILD_KEY_FILE).read_text(encoding="utf-8")).get("key") != key:
            return None
    except (OSError, ValueError):
        return None
    return Reuse(previous / "site", {source for source in pages if source.endswith(".md") and source not in unchanged})


RENDER_KEYS_FILE = "render-keys.json"


class PreviousPages:
    """The live generation's generated Markdown, by the render key each page was made with (render.py).

    Only a trusted generation (generations.trusted_generation) is read: its pages were rendered here.
    """

    def __init__(self, generation: Path | None):
        self.generation = generation
        self.docs = generation / "docs" if generation is not None else None
        self.keys: dict[str, str] = {}
        if generation is not None:
            try:
                keys = json.loads((generation / RENDER_KEYS_FILE).read_text(encoding="utf-8"))
                self.keys = {str(k): str(v) for k, v in keys.items()}
            except (OSError, ValueError, AttributeError):
                pass

    def markdown_file(self, source: str, key: str) -> Path | None:
        """The live generation's file of a page rendered with this very key, or None."""
        if self.docs is None or self.keys.get(source) != key:
            return None
        path = self.docs / source
        return path if path.is_file() else None


ROLE_ROWS_FILE = "role-rows.marshal"


class RoleRows:
    """Role pages' rows (a document's duties under one letter, raw HTML: page_context.duty_lists), kept with each
    generation for the next build by the page and what the row is made from.

    An edit to one playbook's title at 1,000 playbooks re-renders six role pages of 20,000 rows; a build takes every
    other row from the live generation (30-80 ms of the render stage's CPU, which runs before MkDocs starts, in a
    one-run edit rebuild). Rows are kept only under the shared key they were made with (render.Renderer._shared_key:
    labels, templates, code), and read only from a trusted generation (marshal, as linkcheck.LINKS_FILE).
    """

    def __init__(self, previous: PreviousPages | None, shared_key: str):
        generation = previous.generation if previous is not None else None
        self._file = generation / ROLE_ROWS_FILE if generation is not None else None
        self._shared_key = shared_key
        self._previous: dict[str, dict[bytes, str]] | None = None  # read when a role page is first rendered
        self.pages: dict[str, dict[bytes, str]] = {}  # each role page this build rendered: its rows
        self._carried: list[str] = []  # role pages taken whole from the live generation

    def _last(self) -> dict[str, dict[bytes, str]]:
        if self._previous is None:
            self._previous = {}
            try:
                kept = marshal.loads(self._file.read_bytes()) if self._file is not None else None
            except (OSError, ValueError, EOFError, TypeError):
                kept = None
            if isinstance(kept, dict) and kept.get("key") == self._shared_key and isinstance(kept.get("pages"), dict):
                self._previous = kept["pages"]
        return self._previous

    def page(self, source: str) -> tuple[dict[bytes, str], dict[bytes, str]]:
        """Role page `source`'s rows in the live generation, and those of this build (each row looked up by what it
        is made from, and put into the second whether taken or made)."""
        last = self._last().get(source)
        return last if isinstance(last, dict) else {}, self.pages.setdefault(source, {})

    def carry(self, source: str) -> None:
        """Role page `source` was taken whole from the live generation: so are its rows."""
        self._carried.append(source)

    def save(self, stage: Path) -> None:
        target = stage / ROLE_ROWS_FILE
        if not self.pages and self._file is not None and hard_link(self._file, target):
            return  # every role page, and so every row, as the live generation has it
        last = self._last() if self._carried else {}
        pages = {source: last[source] for source in self._carried if source in last} | self.pages
        target.write_bytes(marshal.dumps({"key": self._shared_key, "pages": pages}))


def write_render_keys(stage: Path, keys: dict[str, str]) -> None:
    (stage / RENDER_KEYS_FILE).write_text(json.dumps(keys, sort_keys=True), encoding="utf-8")


def write_key(stage: Path, key: str) -> None:
    (stage / BUILD_KEY_FILE).write_text(json.dumps({"key": key}), encoding="utf-8")


COPIED_FILE = "copied.json"


def write_copied(stage: Path, source_generation: str, pages: list[str]) -> None:
    """Which pages this generation took byte for byte from `source_generation` (the next build's RecycledSite)."""
    (stage / COPIED_FILE).write_text(json.dumps({"from": source_generation, "pages": sorted(pages)}), encoding="utf-8")


def read_copied(generation: Path) -> tuple[str, set[str]]:
    """(the generation `generation` copied pages from, those pages' site paths); ("", set()) when unknown."""
    try:
        record = json.loads((generation / COPIED_FILE).read_text(encoding="utf-8"))
        source, pages = record["from"], record["pages"]
        if isinstance(source, str) and isinstance(pages, list) and all(isinstance(p, str) for p in pages):
            return source, set(pages)
    except (OSError, ValueError, TypeError, KeyError):
        pass
    return "", set()


class RecycledSite:
    """The site of the generation before the live one, as the start of this build's site.

    Laying out a site of unchanged pages cost a folder and a link per page (0.1 s at 1,000 playbooks), and deleting
    the oldest generation as many unlinks. That generation's pages the live one copied from it (read_copied) hold
    the live one's bytes, so a page (or theme asset) this build takes from the live generation is already in place;
    every other file goes before MkDocs writes anything (a page of it may share its file with the live generation:
    no file of the folder is ever written in place).
    """

    def __init__(self, root: Path, same: set[str]):
        self.root = root
        self.same = same  # site paths whose file equals the live generation's
        self.files: set[str] = set()  # regular files found
        self.other: list[str] = []  # anything else that is not a folder (removed)
        self.folders: list[str] = []  # parents before children
        self._walk(str(root), "")
        self.kept: set[str] = set()

    def _walk(self, folder: str, prefix: str) -> None:
        with os.scandir(folder) as entries:
            for entry in entries:
                if entry.is_dir(follow_symlinks=False):
                    self.folders.append(prefix + entry.name)
                    self._walk(entry.path, f"{prefix}{entry.name}/")
                elif entry.is_file(follow_symlinks=False):
                    self.files.add(prefix + entry.name)
                else:
                    self.other.append(prefix + entry.name)

    def keep(self, pages) -> None:
        """Keep `pages` (site paths this build takes from the live generation) where they are in place; remove
        every other file, and every folder left empty."""
        self.kept = set(pages) & self.same & self.files
        root = str(self.root) + os.sep
        for name in sorted(self.files - self.kept) + self.other:
            os.unlink(root + name)
        holding = {os.path.dirname(name) for name in self.kept}
        for name in list(holding):
            while name:
                name = os.path.dirname(name)
                holding.add(name)
        for name in reversed(self.folders):
            if name not in holding:
                os.rmdir(root + name)


def copy_page(previous_site: Path, site_dir: Path, dest_uri: str) -> bool:
    """Take one page's HTML from the previous site; False when it is missing (then the page is rendered).

    Hard-linked, as unchanged docs are (build.write_pages): no build writes into a file of a sealed
    generation, and this build writes no page it took (MkDocs skips them, and ids rules keep redirect
    paths off pages). Copied where links cannot be made.
    """
    source = previous_site / dest_uri
    if not source.is_file():
        return False
    target = Path(site_dir) / dest_uri
    target.parent.mkdir(parents=True, exist_ok=True)
    if not hard_link(source, target):
        shutil.copyfile(source, target)
    return True


def hard_link(source: Path, target: Path) -> bool:
    """Link a sealed generation's file into the one being built; False where links cannot be made (or the
    file is gone), and the caller writes or copies it instead."""
    try:
        os.link(source, target)
        return True
    except OSError:
        return False
