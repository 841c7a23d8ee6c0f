"""The search commands (`csops search`, `csops link`, `csops report searches`), kept out of cli.py so it stays small."""

from __future__ import annotations

import json
import os
import re
import sys
from pathlib import Path

import click

from .api_errors import error_body
from .escaping import printable_json, visible
from .options import PROJECT_OPTION, examples, output_format_option


def _searcher(project: Path):
    # Imported when a search command runs: the rest of the CLI never loads Whoosh.
    from .search import Searcher

    return Searcher(project)


class SearchFailed(click.ClickException):
    """A query that cannot be searched, or no index: exit 2, as grep's errors, apart from 1 for "nothing found"."""

    exit_code = 2


def _refused(error: Exception, fmt: str, code: str = "") -> SearchFailed:
    """A refusal (exit 2), with the reason on stderr and, in JSON mode, as {"error": …, "code": …} on stdout too: a
    tool reading stdout got an empty stream, where the API answers the same refusal in JSON. The terminal gets it
    with control characters written out: a ticket file name quoted in 'cannot read …' wrote its escapes raw."""
    if fmt == "json":
        body = error.as_dict() if hasattr(error, "as_dict") else error_body(400, str(error), code)
        click.echo(printable_json(body))
    return SearchFailed(visible(str(error)))


def _run(searcher, query: str, fmt: str, correct: bool = True, **filters):
    from .live_index import IndexMissing
    from .search_filters import UnknownFilter
    from .search_query import QueryError

    try:
        return searcher.search(query, correct=correct, **filters)
    except UnknownFilter as error:  # a usage error (exit 2), as for any option value Click itself refuses
        _refused(error, fmt)
        typed_as = f"--{error.name}" if filters.get(error.name) else f"{error.name}:"
        raise click.BadParameter(str(error), param_hint=repr(typed_as)) from None
    except (QueryError, IndexMissing) as error:
        raise _refused(error, fmt) from None


class FilterValue(click.ParamType):
    """A --kind/--role/--phase value; the shell completes the values the built index (or the content) holds.

    Checking stays with the searcher, which knows the live index: completion only helps type a real value.
    """

    name = "value"

    def __init__(self, field: str):
        self.field = field

    def shell_complete(self, ctx, param, incomplete):
        from click.shell_completion import CompletionItem

        project = Path(ctx.params.get("project") or ".")
        return [CompletionItem(value, help=help_text) for value, help_text in filter_choices(project, self.field)
                if value.startswith(incomplete)]


def filter_choices(project: Path, field: str) -> list[tuple[str, str]]:
    """(value, display name) a filter accepts: from the built index's meta, else from the content; [] if neither."""
    if field == "kind":
        from .index import SEARCH_KINDS

        return [(kind, "") for kind in SEARCH_KINDS]
    try:
        names = json.loads((project / "build/index/csops-meta.json").read_text(encoding="utf-8"))["facet_names"][field]
    except (OSError, ValueError, KeyError, TypeError):
        try:  # no index yet: the content says which roles and phases there are
            from .pipeline import load_portal

            portal = load_portal(project)
            names = {r.id: r.name for r in portal.roles} if field == "role" else {p: p for p in portal.phases}
        except Exception:  # completion must never print a traceback into the reader's shell
            return []
    return sorted((str(k), str(v)) for k, v in (names or {}).items()) if isinstance(names, dict) else []


def _terminal(snippet_html: str) -> str:
    """<mark>word</mark> -> bold in a terminal; other entities back to text, its control characters written out."""
    import html

    parts = re.split(r"(<mark>.*?</mark>)", snippet_html)
    return "".join(click.style(visible(html.unescape(p[6:-7])), bold=True) if p.startswith("<mark>")
                   else visible(html.unescape(p)) for p in parts)


def _quoted(words: str) -> str:
    """Words a reader typed, quoted as they typed them: repr() wrote an input method's ideographic space (U+3000,
    which Japanese typing puts between words) as \\u3000. Only control, direction and invisible characters are
    written out."""
    words = visible(words)
    return f'"{words}"' if "'" in words and '"' not in words else f"'{words}'"


def _hit_line(number: int, hit) -> str:
    """'3. Playbook › Step  [step]': text from the index (content, and labels.yml's words) as typed, never a
    terminal sequence (a label's ESC ]0; set the terminal's title in `csops search`)."""
    where = f"{hit.parent_title} › " if hit.parent_title else ""
    return visible(f"{number}. {where}{hit.title}  [{hit.kind}]")


# A query's words may start with '-' (renewal -churn -kind:faq): Click read them as options ("No such option:
# -c") and -h in -churn as --help. Unknown options go to the query, help is --help only, and a mistyped long
# option (--limt) is still refused (query_words).
QUERY_COMMAND = {"ignore_unknown_options": True, "help_option_names": ["--help"]}


def query_words(ctx: click.Context, param, words: tuple[str, ...]) -> tuple[str, ...]:
    """The query as typed; '-h' alone asks for help, and a word starting with '--' is a mistyped option."""
    if words == ("-h",):
        click.echo(ctx.get_help())
        ctx.exit()
    for word in words:
        if word.startswith("--") and len(word) > 2:
            import difflib  # only for a mistyped option: every command imports this module

            name = word.split("=", 1)[0]
            options = [opt for p in ctx.command.params for opt in p.opts if opt.startswith("--")]
            raise click.NoSuchOption(name, possibilities=difflib.get_close_matches(name, options, n=1), ctx=ctx)
    return words


@click.command(context_settings=QUERY_COMMAND, epilog=examples('csops search "renewal 60 days out" --limit 3',
                                                                'csops search "role:csm renewal -churn" --kind step',
                                                                'csops search "QBR deck" --role "CS Lead" --format json'))
@click.argument("query", nargs=-1, required=True, callback=query_words)
@PROJECT_OPTION
@click.option("--kind", default="", type=FilterValue("kind"), help="Only this kind: playbook, step, checklist, faq, chart, role, term (a glossary entry the query names); also by the other words csops uses for it (onboarding, entry, activity, glossary, plurals).")
@click.option("--role", default="", type=FilterValue("role"), help="Only items this role is involved in (owner or R/A/C/I): its id (csm), or its name or short name as the portal shows them (CS Lead).")
@click.option("--phase", default="", type=FilterValue("phase"), help="Only this customer-lifecycle phase: its id (renewal) or the name the portal shows (契約更新).")
@click.option("--tag", default="", help="Only items with this tag.")
@click.option("--limit", default=10, show_default=True, type=click.IntRange(1, 100), help="How many hits to show.")
@click.option("--no-correct", "exact", is_flag=True, help="Search the words as typed, even an unknown one.")
@output_format_option("text", "json")
def search(query, project: Path, kind: str, role: str, phase: str, tag: str, limit: int, exact: bool, fmt: str):
    """Search the built portal; hits deep-link to the step or entry. Field syntax works: role:csm renewal;
    -word or NOT word leaves out what holds the word, -role:csm what involves the role: renewal -churn -kind:faq.

    Exits 1 when nothing matches (like grep), after printing suggestions; 2 when the query cannot be searched.
    """
    result = _run(_searcher(project), " ".join(query), fmt, kind=kind, role=role, phase=phase, tag=tag, limit=limit,
                  correct=not exact)
    if fmt == "json":
        click.echo(printable_json(result.as_dict()))
        if not result.hits:
            raise SystemExit(1)  # as in text: a script tells "nothing found" by the exit status either way
        return
    if result.showing_results_for:
        click.echo(f"Showing results for: {visible(result.showing_results_for)}")
        click.echo(f"Search instead for: {visible(result.search_instead_for)}  (csops search --no-correct …)")
    elif result.did_you_mean:
        click.echo(f"Did you mean: {visible(result.did_you_mean)}")
    if not result.hits:
        click.echo(f"No hits for {_quoted(result.query)}.")
        if result.suggestions:
            click.echo("Try: " + visible(", ".join(result.suggestions)))
        raise SystemExit(1)
    searched = result.showing_results_for or result.query  # the hits are the corrected query's
    click.echo(f"{result.total} hit{'s' if result.total != 1 else ''} for {_quoted(searched)}"
               + (f", showing {len(result.hits)}" if result.total > len(result.hits) else ""))
    for number, hit in enumerate(result.hits, 1):
        click.echo(f"\n{_hit_line(number, hit)}")
        click.echo(f"   {hit.url}")
        if hit.snippet:
            click.echo(f"   {_terminal(hit.snippet)}")


@click.command(context_settings=QUERY_COMMAND, epilog=examples('csops link "escalate a P1 to support"',
                                                                'csops link "champion left" --format json'))
@click.argument("query", nargs=-1, required=True, callback=query_words)
@PROJECT_OPTION
@output_format_option("text", "json")
def link(query, project: Path, fmt: str):
    """Print only the best matching URL, for pasting into a ticket. A misspelt word is corrected when the words as
    typed find nothing; otherwise they are searched as typed. Either way stderr says so.

    Exits 1 when nothing matches (stdout empty; in JSON, "url": null); 2 when the query cannot be searched.
    """
    searcher = _searcher(project)
    asked = " ".join(query)
    result = _run(searcher, asked, fmt, limit=1)
    if result.showing_results_for:  # said on stderr: the URL on stdout stays pasteable
        click.echo(f"(showing results for {_quoted(result.showing_results_for)}, not {_quoted(asked)})", err=True)
    elif result.did_you_mean and result.hits:  # searched as typed: a hurried reader sees the typo before pasting
        click.echo(f"(searched as typed; did you mean {_quoted(result.did_you_mean)}?)", err=True)
    hit = result.hits[0] if result.hits else None
    if fmt == "json":  # JSON on stdout even when nothing matched: a ticket tool reads "url": null, not an empty stream
        click.echo(printable_json({"query": asked, "searched": result.showing_results_for or asked,
                                   "url": hit and hit.url, "title": hit and hit.title, "kind": hit and hit.kind,
                                   "markdown": hit and hit.markdown, "did_you_mean": result.did_you_mean or None}))
    if hit is None:
        message = f"no hits for {_quoted(result.query)}"
        if result.did_you_mean:
            message += f"; did you mean: {visible(result.did_you_mean)}"
        raise click.ClickException(message)
    if fmt == "json":
        return
    click.echo(hit.url)


# A file name as people give one: a name with an extension (ticket.txt, mail.eml) or a path (tickets/4512)
_FILE_NAME = re.compile(r"[^\s]*(?:/|\.[A-Za-z0-9]{1,5}$)[^\s]*")


def _ticket_text(argument: str) -> str | None:
    """The ticket itself when TICKET is its words (`csops suggest "Acme wants to cancel…"`): no such file, and
    not written like a file name; a mistyped file name is still refused as a file that cannot be read. A ticket's
    words are longer than a file name can be: asked whether they name a file, Path.exists() raised 'File name too
    long' (a traceback); os.path.exists says no."""
    if argument == "-" or os.path.exists(argument) or _FILE_NAME.fullmatch(argument.strip()):
        return None
    return argument


@click.command(epilog=examples('csops suggest "Acme wants to cancel at renewal: the champion left"',
                               "csops suggest ticket.txt --limit 3", "csops suggest < ticket.txt"))
@click.argument("ticket", type=click.Path(dir_okay=False, allow_dash=True, path_type=Path), default="-")
@PROJECT_OPTION
@click.option("--limit", default=5, show_default=True, type=click.IntRange(1, 20), help="How many runbooks to list.")
@output_format_option("text", "json")
def suggest(ticket: Path, project: Path, limit: int, fmt: str):
    """The runbooks most related to a ticket, as POST /api/suggest ranks them: the ticket's subject and description
    from TICKET (a file, or the ticket's words in quotes), or pasted on stdin. `csops link` reads a query, not a ticket: a ticket's prose is weighed
    by how telling each word is, and its quotes, parentheses and NOT are only words.

    Exits 1 when nothing in the portal relates to the ticket; 2 when it cannot be read.
    """
    from .live_index import IndexMissing
    from .search import MAX_TICKET_CHARS
    from .search_query import QueryError

    if str(ticket) == "-" and sys.stdin.isatty():
        click.echo("Paste the ticket, then press Ctrl-D on a line of its own.", err=True)
    source = "stdin" if str(ticket) == "-" else str(ticket)
    # read no further than the longest ticket can be (4 bytes a character, a byte-order mark): `yes | csops suggest`,
    # /dev/zero or a log file given by mistake filled the memory and ended in a MemoryError traceback
    most = MAX_TICKET_CHARS * 4 + 3
    typed = _ticket_text(str(ticket))
    if typed is not None:
        source = "the ticket given"
    try:
        if typed is not None:
            raw = typed.encode("utf-8", "surrogateescape")
        elif str(ticket) == "-":
            raw = sys.stdin.buffer.read(most + 1)
        else:
            with ticket.open("rb") as stream:
                raw = stream.read(most + 1)
        if len(raw) > most:
            raise _refused(QueryError(f"{source} holds more than {most:,} bytes; a ticket is at most "
                                      f"{MAX_TICKET_CHARS:,} characters: paste its subject and latest messages",
                                      "ticket-too-long"), fmt)
        text = raw.decode("utf-8-sig")
    except OSError as error:
        raise _refused(ValueError(f"cannot read {ticket}: {error.strerror or error} (to give the ticket's words instead "
                                  "of a file, quote them or pipe them in)"), fmt, "unreadable-ticket") from None
    except UnicodeDecodeError:
        raise _refused(ValueError(f"{source} is not UTF-8 text"), fmt, "not-utf-8") from None
    try:
        links = _searcher(project).suggest_for_ticket(text, limit=limit)
    except (QueryError, IndexMissing) as error:
        raise _refused(error, fmt) from None
    if fmt == "json":  # the API's answer, byte for byte in its fields
        click.echo(printable_json({"links": [hit.__dict__ for hit in links]}))
    else:
        for number, hit in enumerate(links, 1):
            click.echo(f"{_hit_line(number, hit)}\n   {hit.url}")
        if not links:
            click.echo("No runbook relates to this ticket.")
    if not links:
        raise SystemExit(1)


@click.group()
def report():
    """Reports for CS Ops."""


@report.command("searches", epilog=examples("csops report searches --top 10"))
@PROJECT_OPTION
@click.option("--top", default=20, show_default=True, type=click.IntRange(1, 1000), help="How many queries per list.")
@output_format_option("text", "json")
def report_searches_command(project: Path, top: int, fmt: str):
    """Top zero-result and low-click queries from the search API's log: which FAQ or playbook to write next."""
    from .escaping import visible
    from .paths import is_portal, no_portal
    from .query_log import report_searches

    if not is_portal(project):
        raise click.ClickException(no_portal(project))
    data = report_searches(project, top=top)
    if fmt == "json":
        click.echo(printable_json({"searches": data.searches,
                                   "zero_results": [{"query": q, "count": n} for q, n in data.zero_results],
                                   "low_click": [{"query": q, "searches": n, "clicks": c} for q, n, c in data.low_click]}))
        return
    click.echo(f"{data.searches} searches logged")
    click.echo("\nQueries that found nothing:")
    for q, n in data.zero_results:  # readers typed these: shown, never run as terminal sequences
        click.echo(f"  {n:5d}  {visible(q)}")
    if data.zero_results:
        click.echo("  Where an item answers one, add the query to its asked_as (docs/content-model.md); "
                   "else write the FAQ entry.")
    else:
        click.echo("  (none)")
    click.echo("\nQueries whose hits were rarely clicked (searches, clicks):")
    for q, n, c in data.low_click:
        click.echo(f"  {n:5d} {c:5d}  {visible(q)}")
    if not data.low_click:
        click.echo("  (none)")


SEARCH_COMMANDS = (search, link, suggest, report)
