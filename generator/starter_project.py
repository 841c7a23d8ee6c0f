"""`csops init`: a new portal project that validates and builds at once, in English or Japanese.

The starter files live in generator/starter/ as real YAML, so what `init` writes
is what the tests validate and build; the published-URL manifest is computed
from them, never copied.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

import click

from .paths import is_portal

STARTER = Path(__file__).resolve().parent / "starter"
LANGUAGES = ("en", "ja")
# Files shipped without their leading dot (packaging tools skip dotfiles) -> where they go.
_COMMON = {"gitignore": ".gitignore", "pre-commit-config.yaml": ".pre-commit-config.yaml",
           "github/workflows/portal.yml": ".github/workflows/portal.yml"}


class InitError(click.ClickException):
    """The folder already holds a portal (or files init would overwrite)."""


@dataclass(frozen=True)
class StarterFile:
    source: Path
    target: str  # project-relative


def starter_files(language: str) -> list[StarterFile]:
    root = STARTER / language
    files = [StarterFile(f, f.relative_to(root).as_posix()) for f in sorted(root.rglob("*")) if f.is_file()]
    files += [StarterFile(STARTER / "common" / name, target) for name, target in _COMMON.items()]
    return sorted(files, key=lambda f: f.target)


def _enclosing_portal_folder(project: Path) -> Path | None:
    """The folder of an existing portal (content/, templates/, build/, site/) that `project` would be inside: csops
    init run in content/playbooks wrote a portal the outer one then loaded (32 errors in 11 files)."""
    target = Path(project).resolve()
    for folder in target.parents:
        if is_portal(folder):
            for name in ("content", "templates", "build", "site"):
                if target == folder / name or target.is_relative_to(folder / name):
                    return folder / name
    return None


def init_project(project: Path, language: str) -> list[str]:
    """Write the starter portal into `project`; returns the project-relative paths written.

    Refuses before writing anything if one of the files already exists, so an
    existing portal is never half-overwritten.
    """
    enclosing = _enclosing_portal_folder(project)
    if enclosing is not None:
        raise InitError(f"{project} is inside {enclosing.name}/ of the portal in {enclosing.parent}, which would read "
                        "this one's files as its own (or replace them when it builds); pick a folder outside it with "
                        "--project DIR")
    files = starter_files(language)
    # a link counts as taken, dangling or not, and so does a file a linked folder would put outside the project:
    # the starter files were copied through them (content/ linked to a folder elsewhere got the examples)
    root = Path(project).resolve()
    taken = [f.target for f in files if (project / f.target).exists() or (project / f.target).is_symlink()
             or not (project / f.target).parent.resolve().is_relative_to(root)]
    if taken:
        raise InitError(f"{project} already has {', '.join(taken[:5])}{' …' if len(taken) > 5 else ''}; "
                        "csops init only starts new portals (pick an empty folder with --project DIR)")
    for file in files:
        target = project / file.target
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(file.source, target)
    from .manifest import MANIFEST, write_manifest
    from .pipeline import load_portal

    write_manifest(project, load_portal(project))
    return [f.target for f in files] + [MANIFEST]
