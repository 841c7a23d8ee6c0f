"""Parsed and shape-checked content files kept between runs, keyed by their bytes.

Parsing YAML with every value's position and checking each file's shape is most
of `csops validate` and of an edit rebuild's first stage (1.4 s of 1.7 at 1,000
playbooks); a file whose bytes, path and csops code are unchanged gives the same
data and problems, so each file's result is kept in build/cache/content/. The
references a clean file makes are kept too, and it is not checked again while they
all still resolve (`clean_references`). Entries are pickles, so each carries
an HMAC made with this machine's secret (signed_files.py) and is unpickled only when it
verifies: an entry planted through the repository is never loaded. Entries the
run did not use are deleted, so the folder holds one entry per content file.
"""

from __future__ import annotations

import hashlib
import json
import pickle
from pathlib import Path

from .fingerprints import code_digest
from .paths import content_cache_dir, without_planted_links
from .run_memory import RunMemory
from .signed_files import read_signed, write_signed

_REFERENCES = ".references.json"  # a dot name: prune keeps it

# In a process that builds again and again, an unchanged file's entry is taken from memory instead of read and
# unpickled again. Nothing downstream changes a parse, so sharing them is safe (and model_builder keeps the
# model it made from each, by the parse's identity).
_parses = RunMemory()


class ContentCache:
    """Per-file (data, parse problems, problems of the file alone), looked up by the file's path and text."""

    def __init__(self, project: Path):
        self.folder = without_planted_links(project, content_cache_dir(project))  # None: no cache this run
        self.used: set[str] = set()
        self.names: dict[str, str] = {}  # path -> entry name of the text it has now
        self.pending: dict[str, tuple[str, object, list]] = {}  # path -> (entry name, data, parse problems)
        self.alone: dict[str, object] = {}  # path -> validate.check_document_alone's result, for files found here

    def _name(self, path: str, text: str) -> str:
        return hashlib.sha256("\0".join((code_digest(), path, text)).encode("utf-8")).hexdigest()

    def lookup(self, path: str, text: str) -> tuple[object, list] | None:
        """(data, parse problems) as the last run found them, or None; the file's own problems wait in `alone`."""
        name = self._name(path, text)
        self.used.add(name)
        self.names[path] = name
        entry = _parses.find(name)
        if entry is None:
            entry = self.entry(name)
            if entry is None:
                self.pending[path] = (name, None, [])
                return None
            _parses.keep(name, entry)
        data, problems, self.alone[path] = entry
        return data, list(problems)

    def entry(self, name: str) -> tuple | None:
        """The entry kept under `name`: (data, parse problems, the file's own problems), or None."""
        body = self._read(name)
        try:
            return pickle.loads(body) if body is not None else None
        except Exception:  # a damaged entry (the MAC matched, so it is ours): parse again
            return None

    def parsed(self, path: str, data, problems: list) -> None:
        if path in self.pending:
            self.pending[path] = (self.pending[path][0], data, problems)

    def checked(self, path: str, alone) -> None:
        """The file's own problems complete its entry; only then is it written."""
        if path not in self.pending:
            return
        name, data, problems = self.pending.pop(path)
        _parses.keep(name, (data, problems, alone))
        self._write(name, pickle.dumps((data, problems, alone), protocol=pickle.HIGHEST_PROTOCOL))

    def _write(self, name: str, body: bytes) -> None:
        if self.folder is None:
            return
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            write_signed(self.folder / name, body)
        except OSError:
            pass  # an unwritable build/ only costs the next run a parse

    def _read(self, name: str) -> bytes | None:
        """An entry's body if this machine wrote it, else None."""
        return read_signed(self.folder / name) if self.folder is not None else None

    def clean_references(self, context: str) -> dict[str, list]:
        """The references each file made when the last run found them all resolving, by path, for the files
        whose text is unchanged since (signed like every entry: a planted file hides nothing), if that run checked
        them in the same `context` (what else a link's verdict depends on: the site's heading ids)."""
        files = self.clean_by_entry(context)
        return {path: files[name] for path, name in self.names.items() if name in files}

    def clean_by_entry(self, context: str) -> dict[str, list]:
        """clean_references by entry name, for every file the last run kept ({} when it checked in another context)."""
        body = self._read(_REFERENCES)
        try:
            kept = json.loads(body) if body is not None else {}
            if kept.get("context") != context:
                return {}
            return {name: [tuple(made) for made in files] for name, files in kept["files"].items()}
        except (ValueError, TypeError, AttributeError, KeyError):
            return {}

    def keep_clean_references(self, clean: dict[str, list], context: str) -> None:
        """Keep, by each file's current entry name, the references of the files found clean (path -> references)."""
        files = {self.names[path]: sorted(made) for path, made in clean.items() if path in self.names}
        self._write(_REFERENCES, json.dumps({"context": context, "files": files}, sort_keys=True).encode("utf-8"))

    def prune(self) -> None:
        """Delete entries of files that no longer have these bytes (or no longer exist)."""
        if self.folder is None:
            return
        try:
            entries = list(self.folder.iterdir())
        except OSError:
            return
        for entry in entries:
            if entry.name not in self.used and not entry.name.startswith("."):
                try:
                    entry.unlink(missing_ok=True)
                except OSError:  # a read-only checkout: validate and build run on, as with an unwritable entry
                    return


class RevisionParses(ContentCache):
    """The content cache of one run that loads content/ as it was at many commits (What's new, each of the last
    commits): kept in memory only, since most files have the same bytes from one commit to the next, and their parse,
    own checks and clean references are what the commit before found. Call `next_revision` before each load.

    `kept`: the project's own cache (read, never written or pruned here), for the files a commit holds with the bytes
    the working tree has: at 1,000 playbooks the oldest commit's content was all parsed again (4-8 s of a build in a
    fresh clone) though the build had just parsed the same files."""

    def __init__(self, kept: ContentCache | None = None) -> None:
        self.folder = None
        self.kept = kept
        self.used, self.names, self.pending, self.alone = set(), {}, {}, {}
        self.entries: dict[str, tuple] = {}
        self.references: tuple[str | None, dict] = (None, {})  # (context, entry name -> references), as clean_references

    def next_revision(self) -> None:
        self.names, self.pending, self.alone = {}, {}, {}

    def lookup(self, path: str, text: str) -> tuple[object, list] | None:
        name = self._name(path, text)
        self.names[path] = name
        entry = self.entries.get(name)
        if entry is None and self.kept is not None:
            entry = self.kept.entry(name)
            if entry is not None:
                self.entries[name] = entry
        if entry is None:
            self.pending[path] = (name, None, [])
            return None
        data, problems, self.alone[path] = entry
        return data, list(problems)

    def checked(self, path: str, alone) -> None:
        if path in self.pending:
            name, data, problems = self.pending.pop(path)
            self.entries[name] = (data, problems, alone)

    def clean_references(self, context: str) -> dict[str, list]:
        """As the project's cache: the first revision starts from what it kept (each reference is still checked to
        resolve, references.still_resolve), the next ones from the revision before."""
        kept_context, files = self.references
        if kept_context != context:
            files = self.kept.clean_by_entry(context) if self.kept is not None else {}
            self.references = (context, files)
        return {path: files[name] for path, name in self.names.items() if name in files}

    def keep_clean_references(self, clean: dict[str, list], context: str) -> None:
        self.references = (context, {self.names[path]: sorted(made) for path, made in clean.items() if path in self.names})

    def prune(self) -> None:
        pass  # one run's entries: a few commits' changed files beside the files they share
