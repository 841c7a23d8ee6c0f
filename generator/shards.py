"""Which pages each MkDocs run renders: the whole site in one process, or shares of it over the machine's cores.

MkDocs renders pages one after the other in one process, and a page's HTML
depends only on its own Markdown plus what every page shares (the build key in
incremental.py, which is why sharding needs the same eligible configuration).
So the pages to render are split into shares of about equal Markdown size (a
role page of a large portal weighs a hundred playbook pages): this process
renders the first share and writes everything site-wide (theme assets, 404,
sitemap, redirects, search index), and a worker process per other share renders
only its pages into a folder of its own, whose HTML is then moved in.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

# Below this much Markdown to render, starting another MkDocs process (≈1 s of imports and
# config on the reference 2-core machine) costs more than it saves: ~1.2 ms per KiB to render.
MIN_SHARD_BYTES = 1_500_000
MAX_SHARDS = 4


@dataclass
class PagePlan:
    """One MkDocs run's pages: `render` these, leave `skip` to another run, copy the rest from `copy_from`.

    With no `copy_from`, every page outside `render` is left alone (a worker's share).
    `site_wide`: this run writes theme assets, 404 page and sitemap (only one run does).
    """

    render: set[str]
    skip: set[str] = field(default_factory=set)
    copy_from: Path | None = None
    site_wide: bool = True
    rendered: list[str] = field(default_factory=list)  # dest paths of the pages this run rendered
    copied: list[str] = field(default_factory=list)  # dest paths copied byte for byte from `copy_from`

    @property
    def reused(self) -> int:
        return len(self.copied)


def available_cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


def split(sizes: dict[str, int], cores: int) -> list[set[str]]:
    """Pages (docs path -> Markdown bytes) in shares of about equal size; one share when small.

    The lightest share comes first: it is this process's, which also writes the site-wide files.
    """
    total = sum(sizes.values())
    count = max(1, min(cores, MAX_SHARDS, total // MIN_SHARD_BYTES, len(sizes)))
    shares: list[set[str]] = [set() for _ in range(count)]
    weights = [0] * count
    for source in sorted(sizes, key=lambda s: (-sizes[s], s)):  # largest first: a greedy split stays even
        lightest = weights.index(min(weights))
        shares[lightest].add(source)
        weights[lightest] += sizes[source]
    return sorted(shares, key=lambda share: sum(sizes[s] for s in share))
