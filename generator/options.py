"""Click options several commands share, defined once so their help and defaults never drift apart."""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import os
import re
import shlex
from pathlib import Path

import click

from .durations import DATE_PATTERN
from .paths import is_portal
from .report import FORMATS
from .suggested_commands import remember_project

def _portal_above(ctx, param, project: Path) -> Path:
    """Without --project, the folder holding mkdocs.yml and content/: this one, else the nearest one above (as git
    finds its repository). Run from content/playbooks, validate said 'no content/ folder in .', build 'mkdocs.yml:
    not found' and `csops new` 'content/roles.yml defines no roles yet'. A folder holding content/ is the project
    even without mkdocs.yml, as with --project: validate there checked a portal above it and said 'no errors'."""
    if ctx.get_parameter_source(param.name) is not click.core.ParameterSource.DEFAULT:
        project = _given_portal(project)
        remember_project(ctx, project)  # the commands csops suggests then name it (suggested_commands.py)
        return project
    if is_portal(project) or (project / "content").is_dir():  # content/ here is this folder's, mkdocs.yml or not
        return project
    for here in dict.fromkeys(_working_folders()):
        for folder in here.parents:
            if is_portal(folder):
                return folder
    return project


def _given_portal(project: Path) -> Path:
    """--project as given, unless it is a folder inside a portal rather than one (`--project content` said 'no
    content/ folder in content'): then the portal around it is named for the fix."""
    if (project / "content").is_dir():
        return project
    for folder in dict.fromkeys([*project.absolute().parents, *project.resolve().parents]):
        if is_portal(folder):
            portal = os.path.relpath(folder)
            raise click.BadParameter(
                f"'{project}' is a folder inside the portal '{portal}', not a portal: a portal holds mkdocs.yml and "
                f"content/ (pass --project {shlex.quote(portal)}" + (", or leave --project out" if portal == "." else "") + ")",
                param_hint="'--project'")
    return project


def _working_folders() -> list[Path]:
    """The folder as the shell names it ($PWD: content/faq may be a link to a folder outside the portal), then as
    the file system does."""
    cwd = Path.cwd()
    shell = os.environ.get("PWD")
    named = [Path(shell)] if shell and Path(shell).is_absolute() and _same_folder(Path(shell), cwd) else []
    return named + [cwd.resolve()]


def _same_folder(a: Path, b: Path) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:
        return False


@contextlib.contextmanager
def writing_to(path: Path):
    """Where a command writes a file it was told to (--output, --out): a folder that does not exist, a file in the
    way or no permission is one error line, not a FileNotFoundError traceback."""
    from .file_writes import device_fix, refusal

    try:
        yield
    except OSError as error:
        fix = device_fix(error)  # a full disk or a size limit: another name would not help
        if fix is not None:
            raise click.ClickException(f"cannot write {path}: {refusal(error)}; {fix}") from None
        raise click.ClickException(f"cannot write {path}: {error.strerror or error} "
                                   "(name a file in a folder you can write to)") from None


# An existing folder: a mistyped --project was answered as an empty portal ("content/roles.yml defines no roles yet").
PROJECT_OPTION = click.option(
    "--project", "project", type=click.Path(exists=True, file_okay=False, path_type=Path), default=Path("."),
    callback=_portal_above,
    help="Portal folder holding mkdocs.yml and content/.  [default: this folder, or the nearest one above]")

class NewFolder(click.Path):
    """The folder a new portal goes in; an empty name is refused, where Path('') is this folder: `csops init "$DIR"`
    with DIR unset wrote a portal into whatever folder the script ran in (a home folder, a checkout)."""

    def __init__(self):
        super().__init__(file_okay=False, path_type=Path)

    def convert(self, value, param, ctx):
        if isinstance(value, str) and not value.strip():
            self.fail("is empty: name the new portal's folder, or '.' for this one", param, ctx)
        return super().convert(value, param, ctx)


NEW_PROJECT_OPTION = click.option(
    "--project", "project", type=NewFolder(), default=Path("."), show_default=True,
    help="Folder to create the portal in (made if missing).")

STRICT_OPTION = click.option(
    "--strict", is_flag=True, help="Fail on warnings too (placeholder text, the example site_url): for CI.")

FORMAT_OPTION = click.option(
    "--format", "fmt", type=click.Choice(FORMATS), default="auto", show_default=True,
    help="Output format; auto picks GitHub annotations inside GitHub Actions.")


def output_format_option(*choices: str, default: str = "text"):
    """`--format` for commands whose output tools may read; `--json` stays as a hidden alias of `--format json`."""
    def decorate(command):
        @functools.wraps(command)
        def with_format(*args, json_alias: bool = False, fmt: str = default, **kwargs):
            return command(*args, fmt="json" if json_alias else fmt, **kwargs)

        with_format = click.option("--json", "json_alias", is_flag=True, hidden=True,
                                   help="Same as --format json.")(with_format)
        for_people = next(c for c in choices if c != "json")  # text, or markdown for a PR comment (csops diff)
        return click.option("--format", "fmt", type=click.Choice(choices), default=default, show_default=True,
                            help=f"Output format: {for_people} for people, json for tools.")(with_format)
    return decorate


class DateParam(click.ParamType):
    """A YYYY-MM-DD date; one that does not exist says so (Click's DateTime said 'does not match the format'
    for 2027-02-30, whose format is right)."""

    name = "YYYY-MM-DD"

    def convert(self, value, param, ctx):
        if isinstance(value, dt.date):
            return value
        text = str(value).strip()
        if not re.match(DATE_PATTERN, text):  # ASCII digits only, as content dates are
            self.fail(f"{text!r} is not a date written YYYY-MM-DD (e.g. 2027-02-28)", param, ctx)
        try:
            return dt.date.fromisoformat(text)
        except ValueError as error:
            self.fail(f"{text} is not a date on the calendar ({error})", param, ctx)


class HostParam(click.ParamType):
    """The address `csops serve` listens on. An empty one is refused: the socket reads '' as every address, so
    `--host "$HOST"` with HOST unset served the network (printing http://:8000/) where loopback was meant."""

    name = "ADDRESS"

    def convert(self, value, param, ctx):
        if not str(value).strip():
            self.fail("is empty: give the address to listen on (127.0.0.1, the default, serves this machine only; "
                      "0.0.0.0 serves the network)", param, ctx)
        if str(value).startswith("[") and str(value).endswith("]"):  # [::1], as a URL writes an IPv6 address
            return str(value)[1:-1]
        return value


def examples(*lines: str) -> str:
    """A command's help epilog: runs a new user can copy, kept as written (Click rewraps other text), and parsed by
    tests/test_cli_reference.py so an option renamed later cannot leave one behind."""
    return "\b\nExamples:\n" + "\n".join(f"  {line}" for line in lines)
