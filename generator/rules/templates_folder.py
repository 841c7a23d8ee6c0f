"""No link leads out of the project from templates/, nor from a file or folder mkdocs.yml makes the build read.

templates/ is laid over csops' own and published: an asset is copied into the site as it is, a template's text
renders into every page. templates/assets/leak.css committed as a link to ~/.aws/credentials (or a CI runner's
credentials) was published with the site. What mkdocs.yml names is read the same way: the theme's custom_dir is
copied into the site, an INHERIT file's settings (site_description among them) go into every page, a hook runs.
Content files, published-urls.txt and labels.yml are refused so already (loader.outside_project).
"""

from __future__ import annotations

import os
from pathlib import Path

from ..loader import outside_project, resolves_inside
from ..mkdocs_yaml import ConfigRead, config_file, files_it_names, is_there, named_path
from ..problems import Problem
from .labels import LABELS_FILE


def check_links(project: Path, config: ConfigRead | None = None) -> list[Problem]:
    """`config`: mkdocs.yml as this run read it, whose named files are checked too."""
    folder = Path(project) / "templates"
    problems = _outside(project, folder) if folder.is_symlink() else _links_under(project, folder)
    return problems + (_named_links(project, config) if config is not None and isinstance(config.raw, dict) else [])


def _named_links(project: Path, config: ConfigRead) -> list[Problem]:
    """mkdocs.yml, its INHERIT chain, custom_dir, hooks and watch entries written as paths in the project: none
    reached through a link out of it, and no link out under the custom_dir. A committed link base.yml ->
    ~/.aws/credentials passed validate and its settings were built; a custom_dir holding such a link was published
    (red team: a key file beside the project served at /id_rsa.txt). A path written beside the project ('INHERIT:
    ../shared.yml', hooks in ../hooks/) is named on purpose, as files portals share are, and left alone."""
    root = Path(project).resolve()
    problems: list[Problem] = []
    for path in [config_file(project), *files_it_names(project, config.raw, config.inherited)]:
        if path == root or root not in path.parents:
            continue
        link = _first_link_out(project, path.relative_to(root).parts)
        if link is not None:
            problems += _outside(project, link)
    theme = config.raw.get("theme") if isinstance(config.raw.get("theme"), dict) else {}
    custom_dir = named_path(project, theme["custom_dir"]) if isinstance(theme.get("custom_dir"), str) else None
    if (custom_dir is not None and root in custom_dir.parents and _resolves_inside(custom_dir, root)
            and root / "templates" not in [custom_dir, *custom_dir.parents]):  # templates/ is walked already
        # as MkDocs lists a theme's files (mkdocs_plugin.ThemeFilesLoader): none under a dot folder (.git, .venv)
        problems += _links_under(project, Path(project) / custom_dir.relative_to(root), dot_folders=False)
    return sorted(set(problems))  # one link named twice (a custom_dir and a hook under one linked folder): one error


def _resolves_inside(path: Path, root: Path) -> bool:
    try:
        return resolves_inside(path, root)
    except (OSError, RuntimeError):  # a link loop
        return False


def _first_link_out(project: Path, parts: tuple[str, ...]) -> Path | None:
    """The first of the path's folders (or the path itself) that is a link leading out of the project."""
    here, root = Path(project), Path(project).resolve()
    for part in parts:
        here = here / part
        # is_there: a name longer than the file system takes is mkdocs_refusals' error, not a traceback here
        if is_there(here, Path.is_symlink) and not _resolves_inside(here, root):
            return here
    return None


def _links_under(project: Path, folder: Path, dot_folders: bool = True) -> list[Problem]:
    """An error at each link under `folder` leading out of the project; `dot_folders` False: none under a folder
    whose name starts with a dot."""
    if not is_there(folder, Path.is_dir):
        return []
    problems = []
    for directory, folders, files in os.walk(folder):  # links to folders are listed, not walked into
        if not dot_folders:
            folders[:] = [name for name in folders if not name.startswith(".")]
        for name in sorted(folders + files):
            entry = Path(directory) / name
            if entry.is_symlink() and entry != Path(project) / LABELS_FILE:  # check_labels reports that one
                problems += _outside(project, entry)
    return problems


def _outside(project: Path, entry: Path) -> list[Problem]:
    problem = outside_project(entry, Path(project).resolve(), entry.relative_to(project).as_posix())
    return [problem] if problem else []
