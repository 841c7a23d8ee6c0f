"""A document saved in another kind's folder: a FAQ topic in content/playbooks/ was "missing required field
'steps'" and "unknown field 'entries' (did you mean 'steps'?)", a fix that turns the answers into steps.

The folder decides the kind, so the file's own list field (steps, sections, entries, activities) says where it
belongs when it holds another kind's instead of its folder's.
"""

from __future__ import annotations

from dataclasses import replace

from ..kinds import DOCUMENT_KINDS, KINDS
from ..loader import Document
from ..located_values import LocDict
from ..problems import Problem


def misplaced(doc: Document) -> Problem | None:
    """The Problem naming the folder `doc` belongs in, when it is another kind's document."""
    kind = KINDS.get(doc.kind)
    if kind is None or not isinstance(doc.data, LocDict) or kind.items in doc.data:
        return None
    others = [other for other in DOCUMENT_KINDS if other is not kind and other.items in doc.data]
    if len(others) != 1:
        return None
    other = others[0]
    target = f"content/{other.folder}/{doc.path.rsplit('/', 1)[-1]}"
    return Problem(doc.path, *doc.data.where_key(other.items), "wrong-folder",
                   f"'{other.items}:' makes this file {_article(other.noun)} {other.noun}, but content/{kind.folder}/ "
                   f"holds {kind.noun}s",
                   _move(doc.path, target), root_cause=True)  # links to it are unknown until then


def _move(path: str, target: str) -> str:
    return f"move it: git mv {path} {target}"


def with_free_target(problem: Problem, taken: set[str]) -> Problem:
    """A wrong-folder problem whose target file exists, with a hint git follows: `git mv` refuses to overwrite it.
    Completed where every file's path is known, so misplaced() stays a check of the file alone (the content cache
    keeps it)."""
    prefix = _move(problem.path, "")
    if problem.code != "wrong-folder" or not problem.hint.startswith(prefix) or problem.hint[len(prefix):] not in taken:
        return problem
    target = problem.hint[len(prefix):]
    stem, dot, extension = target.rpartition(".") if "." in target.rsplit("/", 1)[-1] else (target, "", "")
    free = next(name for n in range(2, len(taken) + 3) if (name := f"{stem}-{n}{dot}{extension}") not in taken)
    return replace(problem, hint=f"{target} exists, so git mv would refuse: merge the file into it, or move it "
                                 f"under another name: git mv {problem.path} {free}")


def _article(noun: str) -> str:
    return "an" if noun[:1].lower() in "aeio" or noun.startswith("FAQ") else "a"
