"""The last build's search documents, reused for each content document whose every input is unchanged.

Every build collects the search documents of the whole portal again (index.collect_documents: 9,000 at
1,000 playbooks, a third of a second), though an edit changes one file. What one content document gives is
a function of that document's model object, the portal's language (an item's due as readers ask it), the
ids renamed targets had first (item versions read fields through them) and csops' code. So the documents
are kept beside the index, each group under a key of its model object's repr (every field, asked_as
included) with the first ids of the renamed targets it names (FirstNames.read_by), and a build takes a group
back only under the same key and the same shared key.

Kept in the index folder, which a build reuses only from a generation this machine built (trust.py): the
file is a pickle, as Whoosh's own segments are.
"""

from __future__ import annotations

import hashlib
import pickle
from pathlib import Path
from typing import Callable

from .fingerprints import code_digest

DOCUMENTS_FILE = "csops-documents.pickle"


def _digest(text: str) -> str:
    return hashlib.blake2b(text.encode("utf-8"), digest_size=16).hexdigest()


class DocumentReuse:
    """The live index's documents by group (index.SearchDoc.group), and this build's, saved with the new index."""

    def __init__(self, live_index: Path | None, shared: str, renames: Callable[[str], str]):
        """`live_index`: the trusted live index folder, or None (nothing to reuse); `shared`: what every document
        depends on besides its own source (shared_key); `renames`: the first ids a source's repr() names
        (FirstNames.read_by)."""
        self.shared = shared
        self.renames = renames
        self.previous: dict[str, tuple[str, list]] = {}
        self.kept: dict[str, tuple[str, list]] = {}
        self.reused = 0
        if live_index is not None:
            try:
                with (live_index / DOCUMENTS_FILE).open("rb") as handle:
                    saved = pickle.load(handle)
                if saved.get("shared") == shared:
                    self.previous = saved["groups"]
            except Exception:  # noqa: BLE001 - missing, truncated or from another version: collect afresh
                self.previous = {}

    def documents(self, group: str, source, collect: Callable[[], list]) -> list:
        """The group's documents: the last build's when `source` (a model object) reads the same, else `collect()`."""
        text = repr(source)
        key = _digest(text + "\x1e" + self.renames(text))
        found = self.previous.get(group)
        if found is not None and found[0] == key:
            docs = found[1]
            self.reused += 1
        else:
            docs = collect()
        self.kept[group] = (key, docs)
        return docs

    def save(self, index_dir: Path) -> None:
        """Written into the staged index: it goes live with it, or not at all."""
        with (index_dir / DOCUMENTS_FILE).open("wb") as handle:
            pickle.dump({"shared": self.shared, "groups": self.kept}, handle, protocol=pickle.HIGHEST_PROTOCOL)


def shared_key(language: str, schema_version: int) -> str:
    """What every group's documents depend on besides their own source and the renames it names: csops' code, the
    search schema and the language."""
    return _digest("\x1f".join((code_digest(), str(schema_version), language)))
