"""Applying a planned rename (rename.py): the plan's values, a staged copy that must validate, exact writes.

Files are read and written as exact bytes (BOM and line endings untouched) so a
rename changes only the renamed tokens.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import click

from .file_writes import copy_folder, scratch_folder
from .problems import ContentError, summarize
from .rename_journal import NotAPlainFile, replace_files

LINE_BREAK = re.compile("\r\n|[\r\n\x85\u2028\u2029]")  # what YAML counts as a line break


class RenameError(click.ClickException):
    """The rename cannot be done (unknown or taken id, bad id): nothing was changed."""


class RenameRefused(ContentError):
    """The content does not validate: a rename on half-broken content could rewrite the wrong thing."""

    def format_message(self) -> str:
        return super().format_message() + "; fix them, then run csops mv again (nothing was changed)"


@dataclass(frozen=True)
class Edit:
    """Replace text[start:end] of one file (project-relative path, before any move) by `new`."""

    path: str
    start: int
    end: int
    new: str
    line: int
    col: int
    shown: str  # what the line of output says, e.g. "playbook:a#x -> playbook:b#x"
    is_reference: bool = True


@dataclass(frozen=True)
class RenamePlan:
    """Everything one rename changes, computed before anything is written."""

    subject: str  # "playbook 'success-plan'"
    new: str
    edits: tuple[Edit, ...]
    texts: dict  # project-relative path -> new text (BOM included), before any move
    move: tuple[str, str] | None  # (old path, new path)
    added_urls: tuple[str, ...]
    manifest: tuple[str, str] | None  # (path, new text)
    alias_kept: bool = True  # False: OLD was never published, so it is not kept as an alias

    def lines(self) -> list[str]:
        """The plan as output: the move, every edit at its file:line:col, the URLs recorded."""
        out = [f"{self.move[0]} -> {self.move[1]}"] if self.move else []
        # a moved file's edits at its new path: the one an editor opens once the rename is done
        shown = dict([self.move]) if self.move else {}
        out += [f"{shown.get(e.path, e.path)}:{e.line}:{e.col}: {e.shown}"
                for e in sorted(self.edits, key=lambda e: (shown.get(e.path, e.path), e.start))]
        out += [f"+ {url}" for url in self.added_urls]
        if self.manifest:
            out.append(f"{self.manifest[0]}: {len(self.added_urls)} added, 0 removed")
        return out

    def summary(self) -> str:
        references = [e for e in self.edits if e.is_reference]
        if not references:
            return "no references"
        files = len({e.path for e in references})
        return (f"{len(references)} reference{'s' if len(references) != 1 else ''} in {files} "
                f"file{'s' if files != 1 else ''}")


def file_newline(text: str) -> str:
    """The file's own line break, for the lines a rename adds."""
    found = LINE_BREAK.search(text)
    return found.group() if found else "\n"


def apply_edits(text: str, edits: list[Edit]) -> str:
    for edit in sorted(edits, key=lambda e: e.start, reverse=True):
        text = text[: edit.start] + edit.new + text[edit.end:]
    return text


def read_exact(project: Path, path: str) -> tuple[str, str]:
    """(BOM, text) exactly as stored: line endings untranslated, so unchanged bytes stay unchanged."""
    raw = (project / path).read_bytes().decode("utf-8")
    return ("\ufeff", raw[1:]) if raw.startswith("\ufeff") else ("", raw)


def staged_manifest(project: Path, changed: dict, move, parses) -> tuple[list[str], tuple[str, str] | None]:
    """Apply the plan to a copy of content/; it must validate and keep every published URL; returns what the manifest
    gains. `parses`: the parses the project's own check looked up (content_cache.RevisionParses), for the files the
    plan leaves as they are."""
    from .manifest import MANIFEST, read_manifest, updated_manifest
    from .pipeline import check_content_and_urls

    with scratch_folder(project, "mv") as stage:
        copy_folder(project / "content", stage / "content")  # a full disk: one OSError naming a file, not a list
        _write(stage, changed, move)
        parses.next_revision()
        _, problems, portal = check_content_and_urls(stage, parses)
        errors = [p for p in problems if p.severity == "error"]
        if errors:  # a case the planner does not handle: say so rather than write it
            lines = "\n".join(p.text() for p in errors)
            raise RenameError(f"the rename would leave content invalid, so nothing was changed:\n{lines}\n{summarize(errors)}")
        recorded = read_manifest(stage)
        if recorded is None:
            return [], None
        before = {url for _, url in recorded}
        added = sorted(set(updated_manifest(stage, portal)) - before)
    if not added:
        return [], None
    bom, text = read_exact(project, MANIFEST)
    return added, (MANIFEST, bom + _insert_sorted(text, added))


def _insert_sorted(text: str, urls: list[str]) -> str:
    """Add URL lines where they sort among the existing ones, keeping every other line (comments too) as it is."""
    newline = file_newline(text)
    lines = text.splitlines(keepends=True)
    if lines and not lines[-1].endswith(("\n", "\r")):
        lines[-1] += newline
    for url in urls:
        index = next((i for i, line in enumerate(lines)
                      if line.strip() and not line.lstrip().startswith("#") and line.strip() > url), len(lines))
        lines.insert(index, url + newline)
    return "".join(lines)


def _write(root: Path, texts: dict, move) -> None:
    """Write a staged copy (staged_manifest): a scratch folder, so no care for interruptions."""
    for path, text in texts.items():
        (root / path).write_bytes(text.encode("utf-8"))
    if move:
        (root / move[0]).rename(root / move[1])


def apply_plan(project: Path, plan: RenamePlan) -> None:
    """Write the planned texts, move the file and record the new URLs, all or nothing across an interruption
    (rename_journal.py)."""
    texts = dict(plan.texts)
    removed: list[str] = []
    if plan.move:
        old, new = plan.move
        texts[new] = texts.pop(old) if old in texts else "".join(read_exact(project, old))
        removed.append(old)
    if plan.manifest:
        texts[plan.manifest[0]] = plan.manifest[1]  # last: URLs are recorded once their pages' files are in place
    try:
        replace_files(project, f"{plan.subject} to '{plan.new}'",
                      {path: text.encode("utf-8") for path, text in texts.items()}, removed)
    except NotAPlainFile as link:
        raise linked_file(str(link)) from None


def linked_file(path: str) -> RenameError:
    return RenameError(f"{path} is a symbolic link (or leads out of content/); csops mv changes plain files only: "
                       "put the file itself there, or make this rename by hand")
