"""One side of a content comparison: the model of whatever content is sound at one revision, and its errors.

A pull request that does not validate yet still gets its summary, and a commit of What's new its entry: a file
with errors is left out of the model and counted (named in `broken_files`), never half-read and never fatal.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .manifest import read_manifest, vanished_url_problems
from .portal import Portal
from .model_builder import build_portal as build_model
from .problems import ContentError
from .site_diff import site_files
from .validate import check_project_shapes


# The loader keeps a document with duplicate keys (last one wins, as YAML says) but its data is not what the editor meant.
_READ_CODES = frozenset({"duplicate-key"})


@dataclass(frozen=True)
class PartialPortal:
    """The model of whatever files are sound, for a summary of content that may not validate yet."""

    portal: Portal
    errors: int  # validation errors in the whole content, broken files included
    broken_files: tuple[str, ...]


def load_sound_content(project: Path, parses=None) -> PartialPortal:
    """Model every document whose file has no shape errors; the rest are counted, not guessed at.

    Cross-file problems (an unknown role in one step) leave a file modelled: its shape
    is sound, so the model can hold it. A file with a shape error is left out, never
    half-read.
    """

    documents, problems, misshapen = check_project_shapes(project, parses)
    broken = misshapen | {p.path for p in problems if p.severity == "error" and (p.code in _READ_CODES or p.unreadable)}
    sound = [d for d in documents if d.path not in broken]
    # as `csops validate` counts them: a published URL the content drops is an error too ('has 1 validation error'
    # while validate listed 2); an unreadable manifest is counted by load_side
    vanished = [p for p in vanished_url_problems(project, documents, problems, misshapen) if p.code == "vanished-url"]
    errors = sum(1 for p in problems + vanished if p.severity == "error")
    return PartialPortal(build_model(sound), errors, tuple(sorted(broken)))


@dataclass
class Side:
    """One side of the comparison: its model and how many validation errors it had."""

    label: str
    portal: Portal
    errors: int = 0
    manifest: list[str] = field(default_factory=list)
    broken_files: tuple[str, ...] = ()  # left out of the model: their entries are unknown, not removed
    site: dict[str, bytes] = field(default_factory=dict)  # mkdocs.yml, templates/ and the files they name (site_diff.site_files)


def load_side(project: Path, label: str, listed=None) -> Side:
    """Model whatever content is sound enough; a broken file is counted, not fatal, so a failing PR still gets a diff.
    `listed`: which site files the side holds under some paths (site_diff.site_files; default: all there are)."""
    content = load_sound_content(project)
    site = site_files(project, listed)
    try:
        manifest = [url for _, url in read_manifest(project) or []]
    except ContentError as unreadable:  # counted like a broken content file: the PR still gets its comment
        return Side(label, content.portal, content.errors + len(unreadable.problems), [], content.broken_files, site)
    return Side(label, content.portal, content.errors, manifest, content.broken_files, site)
