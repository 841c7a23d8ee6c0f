"""`csops validate FILE...`: which of the project's files an editor or a pre-commit hook named, and which
problems are theirs.

The whole project is still checked (a step renamed in one file breaks links in others), but only the named
files' problems, and the errors their change made in other files, are shown and decide the exit code; the rest
are counted in one line, never hidden silently.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import click

from .file_writes import copy_folder, scratch_folder
from .loader import problem_path
from .problems import Problem
from .rules.labels import LABELS_FILE
from .mkdocs_yaml import CONFIG_FILE

# Files outside content/ whose problems validate reports
_PROJECT_FILES = (CONFIG_FILE, LABELS_FILE)


def resolve_named(project: Path, paths: tuple[Path, ...]) -> tuple[str, ...]:
    """Each path as the project-relative name its problems carry (a folder of content/ ends in '/'). A path is
    read from the current folder first, then from the project (`--project site content/faq/x.yml`)."""
    root = Path(os.path.realpath(project))
    named = []
    for given in paths:
        typed = problem_path(str(given))  # quoted in a refusal: never a name's escape sequence on the terminal
        candidates = [Path.cwd() / given, project / given] if not given.is_absolute() else [given]
        # the folder is resolved, not the file: a content file that links outside the project is validate's to report
        found = [(c, _where(c)) for c in candidates if os.path.lexists(c)]
        if not found:
            raise click.BadParameter(f"{typed}: no such file (in this folder or in the project {_shown(project)})",
                                     param_hint="FILE")
        # in this folder or the project's: the one inside the project (the repository and examples/ja both
        # hold content/playbooks/qbr.yml)
        found, where = next(((c, w) for c, w in found if w.is_relative_to(root)), found[0])
        if not where.is_relative_to(root):
            raise click.BadParameter(f"{typed} is outside the project {_shown(project)}; name files in its content/ "
                                     "(or pass --project for the portal it belongs to)", param_hint="FILE")
        relative = where.relative_to(root).as_posix()
        if found.is_dir() and where != root and (relative + "/").startswith("content/"):
            named.append(problem_path(relative + "/"))
        elif relative.startswith(("content/", "templates/")) or relative in _PROJECT_FILES:
            # as its problems name it: content/playbooks/q<ESC>.yml, named, was 'valid (no errors)' and exit 0, its
            # file-name error being content/playbooks/q\u001b.yml's
            named.append(problem_path(relative))
        else:
            raise click.BadParameter(f"{typed} is not a file csops validates; name files in content/, "
                                     f"templates/ or {CONFIG_FILE}", param_hint="FILE")
    return tuple(dict.fromkeys(named))


def _where(path: Path) -> Path:
    """`path` with its folder's links and '..' resolved, the last name kept unless it is '..' itself: content/faq/..
    was named as the folder 'content/faq/../', which no problem's path is in, so content's errors passed."""
    if path.name == "..":
        return Path(os.path.realpath(path))
    return Path(os.path.realpath(path.parent)) / path.name


def split_problems(problems: list[Problem], named: tuple[str, ...]) -> tuple[list[Problem], list[Problem]]:
    """(the named files' problems, everyone else's)."""
    folders = tuple(n for n in named if n.endswith("/"))
    mine, others = [], []
    for problem in problems:
        (mine if problem.path in named or problem.path.startswith(folders) else others).append(problem)
    return mine, others


def caused_elsewhere(project: Path, named: tuple[str, ...], others: list[Problem]) -> list[Problem]:
    """The errors of files not named that the named files' change made: those a check of the project with the
    named files as the last commit has them does not find. A step renamed in a named file broke the links to it
    in others and the published-URL manifest, and a pre-commit hook passing only the edited file let the commit
    through. Outside git (nothing to compare with) none are."""
    if not any(p.severity == "error" for p in others):
        return []
    from .git_revisions import GitError

    with scratch_folder(project, "named") as scratch:
        try:
            before = _problems_as_committed(project, named, scratch / "portal")
        except GitError:
            return []
        except OSError as error:  # a full disk was a traceback (shutil.Error listing every file)
            raise click.ClickException(
                f"cannot check what the files named changed in other files: {error.strerror or error}"
                + (f" ({error.filename})" if error.filename else "")
                + f"; free disk space on the device holding {scratch.parent}, then run it again") from None
    known = {(p.path, p.code, p.message) for p in before}
    return [p for p in others if p.severity == "error" and (p.path, p.code, p.message) not in known]


def _problems_as_committed(project: Path, named: tuple[str, ...], copy: Path) -> list[Problem]:
    """What validate finds in a copy of the project whose named files are as HEAD has them (absent if new)."""
    from .git_revisions import GitError, git, write_at_revision
    from .pipeline import validate_project

    git(project, "rev-parse", "--git-dir")  # GitError outside git
    try:
        git(project, "rev-parse", "--verify", "--quiet", "HEAD")
        committed = True
    except GitError:
        committed = False  # no commit yet: every named file is new
    copy.mkdir(parents=True)
    for name in ("content", "templates"):
        if (project / name).is_dir():
            copy_folder(project / name, copy / name, symlinks=True)
    for name in _PROJECT_FILES:
        if (project / name).is_file():
            shutil.copy2(project / name, copy / name)
    for entry in named:
        target = copy / entry.rstrip("/")
        if target.is_dir() and not target.is_symlink():
            shutil.rmtree(target)
        elif os.path.lexists(target):
            target.unlink()
    if committed:
        write_at_revision(project, "HEAD", [entry.rstrip("/") for entry in named], copy)
    return validate_project(copy)


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
