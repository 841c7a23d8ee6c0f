"""The `csops` command line: each command parses options, runs one pipeline, and picks the exit code."""

from __future__ import annotations

import errno
import gc
import shlex
import sys
import time
from pathlib import Path

import click

from . import __version__
from .options import (FORMAT_OPTION, NEW_PROJECT_OPTION, PROJECT_OPTION, STRICT_OPTION, HostParam, NewFolder, examples,
                      writing_to)


class _ErrorsWrittenOut(click.Group):
    """Every command's error is printed with its control, direction and invisible characters written out, line by
    line (escaping.visible): an id, revision or name given on the command line was quoted raw ('x<ESC>]0;…' is not a
    valid id), its escape sequence run by the terminal. What the file system refused and no command words itself is
    one line too (_os_error)."""

    def invoke(self, ctx):
        try:
            try:
                return super().invoke(ctx)
            except OSError as error:
                if error.errno == errno.EPIPE:  # `csops search … | head`: Click ends it quietly
                    raise
                raise click.ClickException(_os_error(error)) from None
        except click.ClickException as error:
            from .escaping import visible
            from .suggested_commands import as_typed_here

            # now, while this run's context (its --project) is current: Click prints the message after leaving it
            text = "\n".join(visible(line) for line in as_typed_here(error.format_message()).split("\n"))
            error.format_message = lambda: text
            raise


def _os_error(error: OSError) -> str:
    """A refusal of the file system as one line with its fix: on a read-only checkout or a full disk, `csops urls
    --update` and `csops new` ended in a traceback (red team)."""
    from .file_writes import device_fix, refusal

    said = refusal(error)
    if device_fix(error) is not None:
        fix = device_fix(error)
    elif error.errno in (errno.EACCES, errno.EPERM):
        fix = "this user may not read or write it: change its permissions, or run csops as its owner"
    else:
        fix = "fix that, then run it again"
    return f"the file system refused: {said}; {fix}"


@click.group(cls=_ErrorsWrittenOut, context_settings={"help_option_names": ["-h", "--help"]},
             epilog=examples("csops init my-portal          # a new portal that builds at once",
                             "csops validate                # every problem at file:line:col",
                             "csops serve                   # the site and search at http://127.0.0.1:8000/",
                             "csops link \"escalate a P1\"    # the best link for a ticket",
                             "csops COMMAND -h              # a command's options and examples"))
@click.version_option(__version__, prog_name="csops")
def main():
    """csops-portal: build a searchable Customer Success enablement portal from YAML playbooks, checklists, FAQs and RACI charts."""


@main.command(epilog=examples("csops init my-portal", "csops init --lang ja my-portal"))
@NEW_PROJECT_OPTION
@click.option("--lang", "language", type=click.Choice(["en", "ja"]), default="en", show_default=True,
              help="Language of the starter content and of the portal's interface.")
@click.argument("directory", required=False, type=NewFolder(), metavar="[DIRECTORY]")
@click.pass_context
def init(ctx: click.Context, project: Path, language: str, directory: Path | None):
    """Start a new portal: mkdocs.yml, roles, settings, one example of each kind, CI workflow and pre-commit hooks.

    DIRECTORY, as in `git init my-portal`, is the same as --project."""
    from .escaping import visible
    from .starter_project import init_project

    if directory is not None:  # `csops init my-portal` said "Got unexpected extra argument (my-portal)"
        if ctx.get_parameter_source("project") is not click.core.ParameterSource.DEFAULT and directory != project:
            raise click.UsageError(f"two folders given, {directory} and --project {project}: give one")
        project = directory

    with writing_to(project):
        written = init_project(project, language)
    for path in written:
        click.echo(f"created {path}")
    # as the shell takes it back, and as a terminal shows it: 'my portal' was two words, and a name holding an escape
    # sequence ran it in the terminal printing these lines
    where = "" if project.resolve() == Path.cwd().resolve() else f" --project {visible(shlex.quote(str(project)))}"
    click.echo(f"\nNext: put your team's roles in content/roles.yml, set site_url in mkdocs.yml, then\n"
               f"  csops validate{where}\n  csops serve{where}\n  csops new playbook ID{where}\n"
               # the pre-commit hook refuses a commit whose new pages' URLs are not recorded: say so before it does
               f"  csops urls --update{where}   (after adding pages: records their URLs, commit it with them)")


@main.command(epilog=examples("csops validate", "csops validate content/playbooks/qbr.yml   # only this file's problems", "csops validate --strict --format github"))
@PROJECT_OPTION
@FORMAT_OPTION
@STRICT_OPTION
@click.argument("files", nargs=-1, type=click.Path(path_type=Path), metavar="[FILE]...")
def validate(project: Path, fmt: str, strict: bool, files: tuple[Path, ...]):
    """Check all content and report every problem as path:line:col (warnings fail only with --strict).

    With FILE names (content files, mkdocs.yml, templates/labels.yml: a pre-commit hook's staged files), the whole
    project is still checked, but only those files' problems, and the errors their change made in other files
    (a link to a step they renamed), are listed and decide the exit code; the others are counted in one line.
    """
    from .codeowners import repo_prefix
    from .named_files import caused_elsewhere, elsewhere_note, resolve_named, split_problems
    from .pipeline import validate_project
    from .problems import failing, summarize
    from .report import format_problems

    named = resolve_named(project, files) if files else ()
    problems = validate_project(project)
    elsewhere = ""
    if named:
        problems, others = split_problems(problems, named)
        caused = caused_elsewhere(project, named, others)  # a link elsewhere to a step a named file renamed
        problems, others = sorted(problems + caused), [p for p in others if p not in caused]
        elsewhere = elsewhere_note(others)
    summary = summarize(problems, strict)
    if fmt == "json" and elsewhere:
        summary, elsewhere = f"{summary}; {elsewhere}", ""
    if problems or fmt == "json":
        click.echo(format_problems(problems, fmt, summary, repo_prefix=lambda: repo_prefix(project)))
    else:
        what = ("content is" if not named else "the files named are" if len(named) > 1
                else f"the files in {named[0]} are" if named[0].endswith("/") else "the file named is")
        click.echo(f"{what} valid ({summary})")
    if elsewhere:
        click.echo(elsewhere)
    sys.exit(1 if failing(problems, strict) else 0)


@main.command(epilog=examples("csops schema --out schemas"))
@PROJECT_OPTION
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), default=Path("schemas"), show_default=True,
              help="Folder to write one <kind>.schema.json per content kind (relative to --project).")
def schema(project: Path, out_dir: Path):
    """Write the JSON Schema of each content kind, for editor autocompletion."""
    from .schema import export_schemas

    with writing_to(project / out_dir):
        written = export_schemas(project / out_dir)
    for path in written:
        click.echo(path.as_posix())


@main.command(epilog=examples("csops build", "csops build --strict --quiet   # in CI"))
@PROJECT_OPTION
@click.option("--timings", is_flag=True, help="Print how long each stage took.")
@click.option("--quiet", "-q", is_flag=True, help="No stage progress on stderr (warnings, errors and a wait for another build still show).")
@STRICT_OPTION
def build(project: Path, timings: bool, quiet: bool, strict: bool):
    """Validate content, generate pages and build the site (strict); the old site stays if anything fails."""
    from .pipeline import build_portal
    from .progress import for_terminal
    from .suggested_commands import as_typed_here

    started = time.perf_counter()
    report = build_portal(project, strict=strict, progress=for_terminal(quiet))
    for warning in report.warnings:
        click.echo(as_typed_here(warning.text()), err=True)
    click.echo(f"built {report.pages} pages into {_shown_path(report.site_dir)}/ in {time.perf_counter() - started:.1f}s")
    if timings:
        for stage, seconds in report.timings.items():
            click.echo(f"  {stage}: {seconds:.2f}s")
    # The process ends here, and Python's last collection would walk every object the build kept (the model,
    # pages, link tables: about 35 ms of a 0.7 s edit rebuild at 300 playbooks, farm-bench). Frozen, they are left
    # to the exit.
    gc.freeze()


def _shown_path(path: Path) -> str:
    """A path as the user would type it: relative to where they are when it is below, else absolute."""
    try:
        # absolute(), not resolve(): site/ is a link to the live generation, and the user types site/
        return path.absolute().relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return path.as_posix()


@main.command(epilog=examples("csops serve", "csops serve --port 8001 --no-reload"))
@PROJECT_OPTION
@click.option("--host", default="127.0.0.1", show_default=True, type=HostParam(),
              help="Address to bind (loopback by default).")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(0, 65535),
              help="Port to listen on (0: any free port).")
@click.option("--no-reload", is_flag=True,
              help="Build once and serve that: no rebuild or browser reload when content/, templates/ or mkdocs.yml change.")
def serve(project: Path, host: str, port: int, no_reload: bool):
    """Preview the portal with live reload, and the search API at /api/ (GET /api/search, POST /api/suggest)."""
    from .preview import serve_preview

    from .server import create_app

    serve_preview(project, host, port, reload=not no_reload, api_app=create_app(project))


from .workflow_cli import WORKFLOW_COMMANDS  # noqa: E402 - urls, new, diff, stale, codeowners

for _command in WORKFLOW_COMMANDS:
    main.add_command(_command)

from .search_cli import SEARCH_COMMANDS  # noqa: E402 - search, link, suggest, report searches

for _command in SEARCH_COMMANDS:
    main.add_command(_command)


def run() -> None:
    """The `csops` program (pyproject's entry point): `main`, then the process ends without freeing its objects one
    by one. Python's own exit deallocates every module and everything a build loaded (the model, caches, parsed
    pages), for memory the system takes back at once anyway: an edit rebuild at 300 playbooks ended 21 ms after its
    last line, and ends 9 ms after it (12 runs each).

    Everything else of Python's exit happens, in its order: threading's exit hooks and the wait for non-daemon
    threads, then every atexit function (workers' and logging's clean-ups), then stdout and stderr flushed, and the
    exit code SystemExit asks for. An exception that escapes `main` ends the process the usual way, traceback and all.
    """
    import atexit
    import os
    import threading

    try:
        main()
        code = 0
    except SystemExit as exiting:
        code = 0 if exiting.code is None else exiting.code
        if not isinstance(code, int):  # a message: Python prints it and exits 1
            print(code, file=sys.stderr)
            code = 1
    threading._shutdown()  # what Python's exit runs first (CPython's own function: no public one waits the same way)
    atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):  # a reader that left the pipe (`csops search | head`), a closed stream
            pass
    os._exit(code)


if __name__ == "__main__":  # pragma: no cover
    run()
