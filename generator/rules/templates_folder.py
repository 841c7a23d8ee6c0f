"""A project's templates/ folder holds no link leading out of the project.

Its files are laid over csops' own and published: an asset is copied into the site as it is, a template's text
renders into every page. templates/assets/leak.css committed as a link to ~/.aws/credentials (or a CI runner's
credentials) was published with the site. Content files, published-urls.txt and labels.yml are refused so already
(loader.outside_project).
"""

from __future__ import annotations

import os
from pathlib import Path

from ..loader import outside_project
from ..problems import Problem
from .labels import LABELS_FILE


def check_links(project: Path) -> list[Problem]:
    folder = Path(project) / "templates"
    if folder.is_symlink():
        return _outside(project, folder)
    if not folder.is_dir():
        return []
    problems = []
    for directory, folders, files in os.walk(folder):  # links to folders are listed, not walked into
        for name in sorted(folders + files):
            entry = Path(directory) / name
            if entry.is_symlink() and entry != Path(project) / LABELS_FILE:  # check_labels reports that one
                problems += _outside(project, entry)
    return problems


def _outside(project: Path, entry: Path) -> list[Problem]:
    problem = outside_project(entry, Path(project).resolve(), entry.relative_to(project).as_posix())
    return [problem] if problem else []
