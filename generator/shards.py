"""Which pages each MkDocs run renders: the whole site in one process, or the pages shared out over the machine's cores.

MkDocs renders pages one after the other in one process, and a page's HTML
depends only on its own Markdown plus what every page shares (the build key in
incremental.py, which is why sharding needs the same eligible configuration).
So when there is enough to render, one run (the MkDocs host's in a one-run
build, mkdocs_host.py; the build process's own in `csops serve`) and a worker
process per other core each run MkDocs over the same pages, and each page is
rendered by the run that claims it first (a file created exclusively in a folder
the runs share). The runs take pages as they get to them, so none waits for
another: a fixed split by Markdown size left the main run, which also writes everything
site-wide (theme assets, 404, sitemap, redirects, search index) and shares its
cores with the search index, rendering half a second after its worker had
finished (300 playbooks, cold), since a role page's raw HTML renders about six
times faster per byte than a playbook's Markdown (0.1 against 0.6 ms per KB).
A worker writes its pages into a folder of its own, whose HTML is then moved in.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .incremental import RecycledSite

# Below this much Markdown to render, one process renders it all. The workers are started and have imported
# MkDocs before the pages are rendered (workers.py), so a share costs its run's config and navigation, about
# 0.05 s at 300 playbooks: an edit rebuild there (1.7 MB of role pages to render again) took 0.83 s shared
# against 0.89 s in one process (farm-bench, 10 pairs), and 100 playbooks (0.56 MB) 0.59 against 0.61 s.
MIN_SHARD_BYTES = 300_000
MAX_SHARDS = 4


@dataclass
class PagePlan:
    """One MkDocs run's pages: `render` these, copy the rest from `copy_from`.

    With `claims` (a folder every run of this build shares), a page of `render` is rendered only by the run
    that claims it first, and the others leave it alone. With no `copy_from`, every page outside `render` is
    left alone (a worker's run). `site_wide`: this run writes theme assets, 404 page and sitemap (only one run does).
    """

    render: set[str]
    copy_from: Path | None = None
    site_wide: bool = True
    claims: Path | None = None
    recycled: "RecycledSite | None" = None  # the site folder's start: the generation before `copy_from`'s site
    rendered: list[str] = field(default_factory=list)  # dest paths of the pages this run rendered
    copied: list[str] = field(default_factory=list)  # dest paths copied byte for byte from `copy_from`
    # the theme's assets and 404 page taken from `copy_from` instead of copied and rendered again (the build key
    # vouches for their bytes: mkdocs_plugin.CsopsPlugin.on_files)
    copied_site_wide: list[str] = field(default_factory=list)

    @property
    def reused(self) -> int:
        return len(self.copied)

    def claim(self, source: str) -> bool:
        """Whether this run renders `source`, a page of `render`: always without claims, else if no other run
        claimed it before (ask once per page: a second ask finds this run's own claim)."""
        if self.claims is None:
            return True
        name = hashlib.sha1(source.encode("utf-8")).hexdigest()
        try:
            os.close(os.open(self.claims / name, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
        except FileExistsError:
            return False
        return True


def available_cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


def share_count(sizes: dict[str, int], cores: int) -> int:
    """How many MkDocs runs render these pages (docs path -> Markdown bytes): one per core, each with at least
    MIN_SHARD_BYTES to render, and one when that is little."""
    return max(1, min(cores, MAX_SHARDS, sum(sizes.values()) // MIN_SHARD_BYTES, len(sizes)))
