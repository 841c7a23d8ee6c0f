"""pymdownx.snippets as a site lists it, reading no file that a link leads out of its base folders to.

Its restrict_base_path (on unless the site turns it off) compares the path as written: a link committed inside
the project (notes.txt -> ~/.ssh/id_rsa, docs/etc -> /etc) passed, and `--8<-- "notes.txt"` in a step's body
published the file it named in the page and the search index. The build lists this extension in its place
(mkdocs_config._merge_extensions), with the site's own options.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

from pymdownx import snippets

log = logging.getLogger("mkdocs.plugins.csops")


class LinkedOutBase(ValueError):
    """A base_path folder inside the project that is a link out of it (the build refuses the site)."""


def site_options(options: dict, project: Path) -> dict:
    """The site's snippets options, its relative base_path read from `project` (the extension's own default is the
    working directory: `csops build --project portal` run from the home folder let a body include
    `--8<-- ".ssh/id_rsa"`)."""
    options = dict(options)
    bases = options.get("base_path", ["."])
    options["base_path"] = [os.path.abspath(os.path.join(project, base)) if isinstance(base, str) else base
                            for base in ([bases] if isinstance(bases, str) else bases or [])]
    _refuse_linked_out_bases(options["base_path"], project)
    return options


def _refuse_linked_out_bases(bases: list, project: Path) -> None:
    """A base folder written inside the project that is a link out of it: a snippet's real path is checked against
    its base's, so `shared -> ~` committed in the repository let `--8<-- ".ssh/id_rsa"` publish the key. A folder
    outside named as such in base_path (../shared) is the site's choice and is read."""
    written_root = os.path.join(os.path.abspath(project), "")
    real_root = os.path.join(os.path.realpath(project), "")
    for base in bases:
        if not isinstance(base, str) or not os.path.join(base, "").startswith(written_root):
            continue
        real = os.path.realpath(base)
        if not os.path.join(real, "").startswith(real_root):
            shown = os.path.relpath(base, written_root)
            raise LinkedOutBase(f"mkdocs.yml: pymdownx.snippets base_path {shown!r} is a link to {real}, outside the "
                                f"project, so a snippet would publish files from there: make {shown} a folder in the "
                                "project (or, to read that folder, write its own path in base_path)")


class _WithinBases(snippets.SnippetPreprocessor):
    def get_snippet_path(self, path):
        found = super().get_snippet_path(path)
        if found is None or not self.restrict_base_path:
            return found
        real = os.path.realpath(found)
        for base, is_dir in self.get_bases():
            if is_dir and real.startswith(os.path.join(os.path.realpath(base), "")):
                return found
            if not is_dir and real == os.path.realpath(base):
                return found
        log.warning("snippet '%s' is a link to a file outside %s, not included: pymdownx.snippets reads only files "
                    "in its base_path; copy the file there instead of linking it", path, " or ".join(self.base_path))
        return None

    def read_lines(self, path):
        """A snippet that cannot be read (not in the site's encoding, a folder) is a warning, which the strict build
        turns into a refusal naming it: it was a traceback (UnicodeDecodeError) or a 'cannot write the build'."""
        try:
            return super().read_lines(path)
        except UnicodeDecodeError as error:
            log.warning("snippet '%s' is not %s text (byte %d), not included: save it as %s", path, self.encoding,
                        error.start, self.encoding)
        except OSError as error:
            log.warning("snippet '%s' cannot be read (%s), not included: name a file in %s", path,
                        error.strerror or error, " or ".join(self.base_path))
        return []

    def run(self, lines):
        """check_paths: a snippet that is missing (or, here, a link out of the base folders) fails the build as a
        warning the strict build refuses with the others, not as a traceback."""
        try:
            return super().run(lines)
        except snippets.SnippetMissingError as error:
            log.warning("%s in %s (check_paths is on): create it there or correct the name in --8<--", error,
                        " or ".join(self.base_path))
            return lines


class ProjectSnippetExtension(snippets.SnippetExtension):
    def extendMarkdown(self, md):  # noqa: N802 - Python-Markdown's name
        self.md = md
        md.registerExtension(self)
        md.preprocessors.register(_WithinBases(self.getConfigs(), md), "snippet", 32)


def makeExtension(*args, **kwargs):  # noqa: N802 - Python-Markdown's name
    return ProjectSnippetExtension(*args, **kwargs)
