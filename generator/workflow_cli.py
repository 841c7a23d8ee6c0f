"""Click wiring of the pull-request workflow commands: urls, new, mv, diff, stale, codeowners.

Kept apart from cli.py so the core build/serve wiring stays short; each
command parses options, calls one module, and picks the exit code.
"""

from __future__ import annotations

import errno
import json
import sys
from pathlib import Path

import click

from .kinds import ITEMS_BY_CLI_WORD, KINDS_BY_CLI_WORD, MV_WORDS, RENAMED_ENTRIES
from .options import FORMAT_OPTION, PROJECT_OPTION, DateParam, examples, output_format_option, writing_to
from .suggested_commands import as_typed_here


class IntervalType(click.ParamType):
    """A number of days written as content writes them: 30d or 4w; anything else is a usage error."""

    name = "interval"

    def convert(self, value, param, ctx):
        from .durations import parse_days

        if isinstance(value, int):
            return value
        try:
            return parse_days(value) or 0
        except ValueError:
            from .problems import shown

            self.fail(f"'{shown(value)}' is not an interval; write e.g. 30d or 4w", param, ctx)


INTERVAL = IntervalType()


@click.command(epilog=examples("csops urls --update   # after adding pages; commit the manifest with them", "csops urls --check"))
@PROJECT_OPTION
@click.option("--update", is_flag=True, help="Rewrite content/published-urls.txt after an intended change.")
@click.option("--check", is_flag=True, help="Exit 1 when the manifest is not up to date (for CI).")
@output_format_option("text", "json")
def urls(project: Path, update: bool, check: bool, fmt: str):
    """List published URLs; --update records them in content/published-urls.txt, --check verifies it."""
    from .manifest import MANIFEST, check_manifest, stale_entries, updated_manifest, write_manifest
    from .problems import ContentError
    from .pipeline import load_portal

    if update and check:
        raise click.UsageError("--update rewrites the manifest and --check verifies it: use one of them")
    portal = load_portal(project)
    if update:
        added, removed = write_manifest(project, portal)
        if fmt == "json":
            click.echo(json.dumps({"manifest": MANIFEST, "added": added, "removed": removed}, indent=2))
            return
        for url in added:
            click.echo(f"+ {url}")
        for url in removed:
            click.echo(f"- {url}")
        click.echo(f"{MANIFEST}: {len(added)} added, {len(removed)} removed")
        return
    if check:
        vanished = check_manifest(project, portal)
        if vanished and fmt != "json":
            raise ContentError(vanished)
        missing, dropped = stale_entries(project, portal)
        if fmt == "json":
            click.echo(json.dumps({"manifest": MANIFEST, "up_to_date": not (vanished or missing or dropped),
                                   "vanished": [p.message for p in vanished], "not_recorded": missing,
                                   "no_longer_published": dropped}, ensure_ascii=False, indent=2))
            sys.exit(1 if vanished or missing or dropped else 0)
        if not (project / MANIFEST).is_file():  # 'out of date (27 new, 0 dropped)' above 27 'not recorded' lines
            click.echo(as_typed_here(f"{MANIFEST} does not exist yet ({len(missing)} URLs published); run "
                                     "`csops urls --update` to create it, and commit it"))
            sys.exit(1)
        if missing or dropped:
            for url in missing:
                click.echo(f"not recorded: {url}")
            for url in dropped:
                click.echo(f"no longer published: {url}")
            click.echo(as_typed_here(f"{MANIFEST} is out of date ({len(missing)} new, {len(dropped)} dropped); "
                                     "run `csops urls --update` and commit it"))
            sys.exit(1)
        click.echo(f"{MANIFEST} is up to date")
        return
    listed = updated_manifest(project, portal)
    if fmt == "json":
        click.echo(json.dumps({"urls": listed}, indent=2))
        return
    for url in listed:
        click.echo(url)


# Where the file goes and what ID may be: a new editor typed `csops new playbook 解約対応` to learn it from an error
_NEW_HELP = f"""Scaffold a valid content file whose comments explain each field: content/FOLDER/ID.yml, FOLDER by
its kind ({", ".join(f"{word}: {kind.folder}" for word, kind in KINDS_BY_CLI_WORD.items())}).

ID is the page's address, FOLDER/ID/, kept when the title changes: lowercase ASCII letters, digits and single
hyphens. The title readers see, in any language, is --title."""


@click.command(help=_NEW_HELP, epilog=examples('csops new playbook exec-sponsor-check --title "Executive sponsor check"',
                                               'csops new faq billing', 'csops new playbook churn-call --title "解約相談の一次対応"'))
@PROJECT_OPTION
@click.argument("kind", type=click.Choice(list(KINDS_BY_CLI_WORD)))
@click.argument("doc_id", metavar="ID")
@click.option("--title", help="Title of the new document (default: from the id).")
def new(project: Path, kind: str, doc_id: str, title: str | None):
    from .scaffold import scaffold

    path = scaffold(project, kind, doc_id, title=title)
    # its URLs are new: the pre-commit hook and CI's `csops urls --check` refuse it until they are recorded
    click.echo(as_typed_here(f"created {path.relative_to(project).as_posix()}; edit it, then run `csops validate`, "
                             "and `csops urls --update` to record its URLs (commit content/published-urls.txt with it)"))


# KIND named in the help text rather than as {playbook|…} in the usage line, which Click wrapped mid-word
_MV_HELP = f"""Rename a document (playbook OLD NEW), an item in one (step PLAYBOOK OLD NEW), a role or a glossary term
(role OLD NEW, term OLD NEW): rewrites every reference, records OLD as an alias so old links keep working (unless
content/published-urls.txt never listed it), and adds the new URLs to content/published-urls.txt.
The files change together: an interrupted rename is completed by the next `csops mv`.

KIND is a document ({", ".join(KINDS_BY_CLI_WORD)}), an item in one ({", ".join(ITEMS_BY_CLI_WORD)}) or an entry of
a catalog file ({", ".join(RENAMED_ENTRIES)})."""


@click.command(help=_MV_HELP, epilog=examples("csops mv playbook success-plan customer-success-plan",
                                              "csops mv step qbr follow-up recap --dry-run",
                                              "csops mv role cs-lead team-lead", "csops mv --finish"))
@PROJECT_OPTION
@click.argument("kind", type=click.Choice(MV_WORDS), required=False, metavar="KIND")  # needed, but for --finish
@click.argument("ids", nargs=-1, metavar="[DOCUMENT] OLD NEW")
@click.option("--dry-run", is_flag=True, help="Print what would change, and change nothing.")
@click.option("--finish", is_flag=True, help="Only complete a rename that was interrupted (validate names one).")
def mv(project: Path, kind: str | None, ids: tuple[str, ...], dry_run: bool, finish: bool):
    from .rename_journal import RenameRunning, one_rename_at_a_time

    try:
        with one_rename_at_a_time(project):
            _mv(project, kind, ids, dry_run, finish)
    except RenameRunning as busy:
        raise click.ClickException(str(busy)) from None
    except OSError as error:  # a file the rename must replace became a folder, a disk filled: said, not a traceback
        from .file_writes import refusal
        from .rename_journal import interrupted

        said = refusal(error)
        if interrupted(project) is None:  # stopped before its journal: it took its new texts back
            fix = "free disk space, then run it again" if error.errno == errno.ENOSPC else "run it again once that is fixed"
            raise click.ClickException(f"the rename stopped before changing any file: {said}: nothing was changed; {fix}") from None
        raise click.ClickException(f"the rename stopped: {said}; `csops validate` says what is left, "
                                   "`csops mv --finish` completes it") from None


def _mv(project: Path, kind: str | None, ids: tuple[str, ...], dry_run: bool, finish: bool) -> None:
    from .manifest import MANIFEST
    from .rename import plan_rename
    from .rename_journal import finish_interrupted, interrupted
    from .rename_staging import apply_plan

    if finish and (kind or ids):
        raise click.UsageError("--finish takes no KIND or ids: run it alone, then the next rename")
    if dry_run and interrupted(project) is not None:
        raise click.UsageError(f"the rename of {interrupted(project)} was interrupted: run `csops mv --finish` first")
    finished = finish_interrupted(project)
    if finished is not None:
        click.echo(f"finished the interrupted rename of {finished}")
    if finish:
        if finished is None and not (project / "content").is_dir():
            # typed where validate was run with --project: 'no interrupted rename to finish' said all was well
            from .paths import NO_PORTAL_FIX

            raise click.ClickException(f"no content/ folder in {project}, so no rename to finish here ({NO_PORTAL_FIX})")
        if finished is None:
            click.echo("no interrupted rename to finish")
        return
    if kind is None:
        raise click.UsageError("Missing argument 'KIND'.")
    if kind in ITEMS_BY_CLI_WORD:
        document = ITEMS_BY_CLI_WORD[kind][0].cli_word.upper()
        expected = f"{document} OLD NEW"
    else:
        expected = "OLD NEW"
    if len(ids) != len(expected.split()):
        # the example in backticks, as a command to type (suggested_commands.py gives it this run's --project)
        raise click.UsageError(f"csops mv {kind} takes {expected}, e.g. "
                               + ("`csops mv step qbr prep internal-prep`" if kind in ITEMS_BY_CLI_WORD
                                  else f"`csops mv {kind} old-id new-id`"))
    plan = plan_rename(project, kind, ids)
    for line in plan.lines():
        click.echo(line)
    if dry_run:
        click.echo(f"dry run: would rename {plan.subject} to '{plan.new}' ({plan.summary()}); nothing changed")
        return
    apply_plan(project, plan)
    kept = ("the old id is an alias, so old links keep working" if plan.alias_kept else
            f"the old id was never published ({MANIFEST} does not list it), so it is not kept as an alias")
    click.echo(f"renamed {plan.subject} to '{plan.new}': {plan.summary()} rewritten; {kept}")


@click.command(epilog=examples("csops diff main              # this branch's working tree against main",
                               "csops diff main HEAD --output comment.md"))
@PROJECT_OPTION
@click.argument("base")
@click.argument("head", required=False)
@click.option("--output", type=click.Path(dir_okay=False, path_type=Path), help="Also write the summary to this file.")
@output_format_option("markdown", "json", default="markdown")
def diff(project: Path, base: str, head: str | None, output: Path | None, fmt: str):
    """Summarise content changes between git revisions BASE and HEAD (default: the working tree) as Markdown for a PR."""
    from .pipeline import diff_revisions
    from .rename_journal import interrupted

    half_done = interrupted(project) if head is None else None
    if half_done is not None:  # a half state nobody made: not a change to review
        raise click.ClickException(f"the working tree holds the rename of {half_done} half done: "
                                   "run `csops mv --finish`, then `csops diff`")
    text = diff_revisions(project, base, head, fmt)
    if fmt == "markdown":  # the comment's reader is at the repository's root, wherever CI ran csops
        from .codeowners import repo_prefix
        from .suggested_commands import as_typed_at_the_root

        text = as_typed_at_the_root(text, repo_prefix(project))
    click.echo(text, nl=False)
    if output:
        from .file_writes import replace_file

        with writing_to(output):  # whole or not at all: CI posts whatever the file holds as the PR's comment
            replace_file(output, text.encode("utf-8"))


@click.command(epilog=examples("csops stale", "csops stale --within 60d --fail-on-expired   # a merge gate"))
@PROJECT_OPTION
@FORMAT_OPTION
@click.option("--fail-on-expired", is_flag=True, help="Exit 1 when any content is past its review date (a merge gate).")
@click.option("--within", default="30d", show_default=True, type=INTERVAL,
              help="Also list content due for review within this interval (e.g. 30d, 4w).")
@click.option("--today", type=DateParam(),
              help="Pretend today is this date (YYYY-MM-DD); default: today in settings.yml's timezone (UTC when absent).")
def stale(project: Path, fmt: str, fail_on_expired: bool, within: str, today):
    """List content past (or near) its review date: reviewed + review_interval."""
    from .codeowners import repo_prefix
    from .freshness import freshness_json, freshness_summary, stale_problems
    from .pipeline import assess_freshness
    from .report import format_problems

    items, day = assess_freshness(project, today, within)
    if fmt == "json":
        click.echo(freshness_json(items, day))
    else:
        click.echo(format_problems(stale_problems(items, day, fail_on_expired), fmt, summary=freshness_summary(items),
                                   keep_order=True, repo_prefix=lambda: repo_prefix(project)))
    if fail_on_expired and any(i.status == "expired" for i in items):
        sys.exit(1)


@click.command(epilog=examples("csops codeowners", "csops codeowners --check   # in CI"))
@PROJECT_OPTION
@click.option("--output", type=click.Path(dir_okay=False, path_type=Path),
              help="CODEOWNERS file to write (default: .github/CODEOWNERS at the git root; outside a git repository, "
                   "CODEOWNERS in the project folder).")
@click.option("--check", is_flag=True, help="Exit 1 when the file is not up to date instead of writing it.")
def codeowners(project: Path, output: Path | None, check: bool):
    """Generate CODEOWNERS from each document's owner role and settings.yml `codeowners` teams."""
    import shlex

    from .codeowners import codeowners_target, codeowners_text
    from .escaping import visible
    from .file_writes import replace_file
    from .pipeline import load_portal

    portal = load_portal(project)
    target = output or codeowners_target(project)
    text = codeowners_text(portal, project)
    if check:
        # the file checked is the one it writes: without --output, the fix wrote .github/CODEOWNERS and the next
        # check still failed on the file it was asked about
        fix = "csops codeowners" + (f" --output {visible(shlex.quote(str(output)))}" if output else "")
        if not target.is_file():
            click.echo(as_typed_here(f"{target} does not exist; run `{fix}` to create it, then commit it"))
            sys.exit(1)
        if target.read_text(encoding="utf-8") != text:
            click.echo(as_typed_here(f"{target} is out of date; run `{fix}` and commit it"))
            sys.exit(1)
        click.echo(f"{target} is up to date")
        return
    with writing_to(target):
        target.parent.mkdir(parents=True, exist_ok=True)
        replace_file(target, text.encode("utf-8"))  # a committed link there is replaced, never written through
    click.echo(f"wrote {target}")


WORKFLOW_COMMANDS = (urls, new, mv, diff, stale, codeowners)
