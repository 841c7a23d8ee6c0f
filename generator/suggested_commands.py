"""A command csops suggests to a person (`csops mv --finish`), and a problem's file, written as they must type or open
it where they ran csops.

Messages name their fix as typed in the portal's folder. Run with --project from elsewhere (the repository's root,
CI), that command typed as shown failed ('no portal in .') or acted on the portal the folder holds. It is completed
here, where text leaves csops for a person (the CLI's errors, problem listings, a command's hint), not in each
message; files csops writes (CODEOWNERS, the URL manifest) and JSON for tools keep their words. In backticks a
message names a command to type; one it only mentions it writes bare ('the text csops new wrote'). A problem's
file:line:col is the portal's path the same way (path_from_here): from the repository's root
`content/x.yml:3:4` was no file, so a terminal's click on it opened nothing.
"""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import click

from .escaping import visible

_GIVEN_PROJECT = "csops.given_project"  # click's ctx.meta, shared by the group and its command
_SUGGESTED = re.compile(r"`(csops [a-z][^`\n]*)`")
_NAMES_PROJECT = re.compile(r"(?:^| )--project(?:[ =]|$)")


def remember_project(ctx: click.Context, project: Path) -> None:
    """The --project this run was given, when it is not the folder the command runs in."""
    try:
        here = Path.cwd().resolve()
    except OSError:  # the folder it was run in is gone: no command typed there works without the portal named
        here = None
    if project.resolve() != here:
        ctx.meta[_GIVEN_PROJECT] = project


def _given_project() -> Path | None:
    ctx = click.get_current_context(silent=True)
    return ctx.meta.get(_GIVEN_PROJECT) if ctx is not None else None


def path_from_here(path: str) -> str:
    """A path in the portal (`content/x.yml`) as opened from where csops ran: under this run's --project, as typed
    (`portal/content/x.yml`); unchanged when the run had none, or it was this folder."""
    project = _given_project()
    return path if project is None else (project / path).as_posix()


def as_typed_here(text: str) -> str:
    """`text` with each suggested `csops …` given this run's --project (as typed, shell-quoted); unchanged when the
    run had none, or it was this folder."""
    project = _given_project()
    return text if project is None else _naming(text, str(project))


def as_typed_at_the_root(text: str, folder: str) -> str:
    """`text` for a reader at the repository's root (a pull request's comment), its suggested commands given
    --project `folder`, the portal's folder in its repository ('' at the root: unchanged). Not this run's
    --project: CI may have run in the portal, or named it by an absolute path of its own machine."""
    folder = folder.rstrip("/")
    if not folder or "`" in folder:  # a backtick would end the comment's code span: the command is left as written
        return text
    return _naming(text, folder)


def _naming(text: str, project: str) -> str:
    if "`csops " not in text:
        return text
    quoted = visible(shlex.quote(project))

    def named(m: re.Match) -> str:
        if _NAMES_PROJECT.search(m[1]):
            return m[0]
        # git in a command substitution ('csops diff $(git merge-base A B) B') runs where the command is typed: from
        # the repository's parent it failed, and csops diff compared B with the working tree instead (red team)
        return f"`{m[1].replace('$(git ', f'$(git -C {quoted} ')} --project {quoted}`"

    return _SUGGESTED.sub(named, text)
