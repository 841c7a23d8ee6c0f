"""`csops validate FILE...`: which of the project's files an editor or a pre-commit hook named, and which
problems are theirs.

The whole project is still checked (a step renamed in one file breaks links in others), but only the named
files' problems are shown and decide the exit code; the rest are counted in one line, never hidden silently.
"""

from __future__ import annotations

import os
from pathlib import Path

import click

from .problems import Problem
from .rules.labels import LABELS_FILE
from .rules.site_config import CONFIG_FILE

# Files outside content/ whose problems validate reports
_PROJECT_FILES = (CONFIG_FILE, LABELS_FILE)


def resolve_named(project: Path, paths: tuple[Path, ...]) -> tuple[str, ...]:
    """Each path as the project-relative name its problems carry (a folder of content/ ends in '/'). A path is
    read from the current folder first, then from the project (`--project site content/faq/x.yml`)."""
    root = Path(os.path.realpath(project))
    named = []
    for given in paths:
        candidates = [Path.cwd() / given, project / given] if not given.is_absolute() else [given]
        # the folder is resolved, not the file: a content file that links outside the project is validate's to report
        found = [(c, Path(os.path.realpath(c.parent)) / c.name) for c in candidates if os.path.lexists(c)]
        if not found:
            raise click.BadParameter(f"{given}: no such file (in this folder or in the project {_shown(project)})",
                                     param_hint="FILE")
        # in this folder or the project's: the one inside the project (the repository and examples/ja both
        # hold content/playbooks/qbr.yml)
        found, where = next(((c, w) for c, w in found if w.is_relative_to(root)), found[0])
        if not where.is_relative_to(root):
            raise click.BadParameter(f"{given} is outside the project {_shown(project)}; name files in its content/ "
                                     "(or pass --project for the portal it belongs to)", param_hint="FILE")
        relative = where.relative_to(root).as_posix()
        if found.is_dir() and where != root and (relative + "/").startswith("content/"):
            named.append(relative + "/")
        elif relative.startswith(("content/", "templates/")) or relative in _PROJECT_FILES:
            named.append(relative)
        else:
            raise click.BadParameter(f"{given} is not a file csops validates; name files in content/, "
                                     f"templates/ or {CONFIG_FILE}", param_hint="FILE")
    return tuple(dict.fromkeys(named))


def split_problems(problems: list[Problem], named: tuple[str, ...]) -> tuple[list[Problem], list[Problem]]:
    """(the named files' problems, everyone else's)."""
    folders = tuple(n for n in named if n.endswith("/"))
    mine, others = [], []
    for problem in problems:
        (mine if problem.path in named or problem.path.startswith(folders) else others).append(problem)
    return mine, others


def elsewhere_note(others: list[Problem]) -> str:
    """One line counting the problems of files not named, or '' when there are none."""
    errors = sum(1 for p in others if p.severity == "error")
    warnings = sum(1 for p in others if p.severity == "warning")
    counts = [f"{n} {word}{'' if n == 1 else 's'}" for n, word in ((errors, "error"), (warnings, "warning")) if n]
    if not counts:
        return ""
    files = len({p.path for p in others})
    return (f"also {' and '.join(counts)} in {files} file{'' if files == 1 else 's'} not named: "
            "csops validate without file names lists them")


def _shown(project: Path) -> str:
    try:
        return Path(os.path.relpath(project)).as_posix()
    except ValueError:
        return project.as_posix()
