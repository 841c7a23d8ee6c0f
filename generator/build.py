"""Stage generated pages, run MkDocs strictly into a temporary folder, and swap the result in only on success.

A failed build (bad content, a broken link, a template error, a full disk) leaves
the previous site, generated pages and search index exactly as they were; the
swap itself is one atomic link flip (generations.py), so a killed build does too.
"""

from __future__ import annotations

import copy
import errno
import functools
import logging
import marshal
import os
import secrets
import shutil
import time
from concurrent.futures import wait
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Callable

import click

from . import generations, incremental, linkcheck, sanitised_pieces, shards
from .mkdocs_config import SettingsRefused, SiteConfig, mkdocs_overrides
from .paths import ASSETS_PREFIX, GENERATED_DIR, PACKAGE_TEMPLATES
from .problems import shown
from .progress import Progress
from .render import Page
from .rules.mkdocs_refusals import hook_problem
from . import template_cache

if TYPE_CHECKING:  # the index imports Whoosh: only the worker process loads it
    from .index_job import IndexStats
    from .workers import BuildWorkers


# raw_blocks.py: generated raw-HTML blocks skip Python-Markdown (same bytes; tests compare both ways).
LIFT_RAW_BLOCKS = True


class BuildError(click.ClickException):
    """MkDocs refused the generated site; nothing was replaced."""


def asset_files(templates_dir: Path) -> dict[str, bytes]:
    """Static assets shipped with the templates, keyed by their docs-relative path."""
    found = {}
    for folder in (PACKAGE_TEMPLATES / "assets", templates_dir / "assets"):
        if folder.is_dir():
            for file in sorted(folder.rglob("*")):
                if file.is_file():
                    found[f"{ASSETS_PREFIX}/{file.relative_to(folder).as_posix()}"] = file.read_bytes()
    return found


def write_pages(docs_dir: Path, pages: list[Page], assets: dict[str, bytes],
                previous_docs: Path | None = None) -> tuple[int, set[str]]:
    """Write generated pages and assets into an empty docs folder; returns (bytes written, unchanged pages).

    A page whose bytes equal the previous generation's (`previous_docs`, a sealed generation's docs,
    which nothing ever writes to again: MkDocs only reads docs) is hard-linked instead of written;
    a page the renderer took from that very file (Page.previous) is linked without being read.
    """
    written = 0
    unchanged: set[str] = set()
    created: set[Path] = set()
    for source, content in [(p.source, p) for p in pages] + sorted(assets.items()):
        target = docs_dir / source
        if target.parent not in created:
            target.parent.mkdir(parents=True, exist_ok=True)
            created.add(target.parent)
        previous = previous_docs / source if previous_docs is not None else None
        is_page = isinstance(content, Page)
        if previous is not None and is_page and content.previous == previous and incremental.hard_link(previous, target):
            unchanged.add(source)
            continue
        data = content.text.encode("utf-8") if is_page else content
        if previous is not None and _link_if_same(previous, data, target):
            unchanged.add(source)
            continue
        target.write_bytes(data)
        written += len(data)
    return written, unchanged


def _link_if_same(previous: Path, data: bytes, target: Path) -> bool:
    try:
        if previous.stat().st_size != len(data) or previous.read_bytes() != data:
            return False
    except OSError:  # missing or unreadable: write it
        return False
    return incremental.hard_link(previous, target)


class _WarningCollector(logging.Handler):
    def __init__(self):
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record):
        self.messages.append(record.getMessage())


@contextmanager
def _collect_mkdocs_warnings():
    collector = _WarningCollector()
    logger = logging.getLogger("mkdocs")
    logger.addHandler(collector)
    try:
        yield collector
    finally:
        logger.removeHandler(collector)


class _DirtyNotice(logging.Filter):
    """MkDocs warns that a dirty build may be inaccurate; csops' incremental plan (incremental.py) is exact."""

    def filter(self, record):
        return not str(record.msg).startswith("A 'dirty' build is being performed")


def _forget_loaded_hooks() -> None:
    """MkDocs keeps each hook module it has loaded for the life of the process (Hooks._load_hook is cached on the one
    schema instance every config shares), and csops serve's processes live from one rebuild to the next: a save to
    a hook was rebuilt, and published, with the hook's old code. Each build loads its hooks afresh, as a cold one."""
    from mkdocs.config.config_options import Hooks

    cached = getattr(Hooks._load_hook, "cache_clear", None)
    if cached is not None:
        cached()


def run_mkdocs(site: SiteConfig, overrides: dict, plan=None, progress=None, search_docs=None, links=None, pieces=None):
    """Run a strict MkDocs build with the user's config plus our overrides; raise BuildError on any warning.

    `plan` (shards.PagePlan): render only its pages, copy or leave the others.
    `search_docs` (a function giving static_search.material_docs_json): Material's search index's entries, instead
    of parsing every page.
    `links` (a dict): filled with each rendered page's located links, for the link check.
    `pieces`: (kept, written) folders of large raw blocks' sanitised pieces (sanitised_pieces.py).
    """
    from mkdocs.commands.build import build as mkdocs_build
    from mkdocs.config import load_config
    from mkdocs.exceptions import Abort, ConfigurationError

    from .mkdocs_plugin import CsopsPlugin, prepare_theme

    _forget_loaded_hooks()
    notice = _DirtyNotice()
    build_logger = logging.getLogger("mkdocs.commands.build")
    build_logger.addFilter(notice)
    with _collect_mkdocs_warnings() as warnings:
        try:
            with site.config_file.open("rb") as handle:
                # a copy: load_config empties the extension dicts it reads, and a worker may still be pickling them
                try:
                    config = load_config(config_file=handle, **copy.deepcopy(overrides))
                except (Abort, ConfigurationError):
                    raise
                except (Exception, SystemExit) as error:  # a setting MkDocs takes apart without checking (INHERIT of
                    # a non-mapping); a hook's top-level code raising, or calling sys.exit(), as MkDocs imports it
                    raised = hook_problem(site.project, site.raw, error)
                    if raised is not None:
                        raise BuildError(raised.text()) from None
                    raise BuildError(f"MkDocs could not read mkdocs.yml ({type(error).__name__}: {error}); check the "
                                     "settings it reads besides csops' (INHERIT, plugins, markdown_extensions, theme); "
                                     "the previous site is untouched") from None
            prepare_theme(config.theme, template_cache.template_cache(site.project))
            config.plugins["csops"] = CsopsPlugin(plan, progress, search_docs,
                                                  lift_blocks=LIFT_RAW_BLOCKS and incremental.eligible(site.raw),
                                                  links=(linkcheck.Locator.for_site(site.site_url), links) if links is not None else None,
                                                  pieces=pieces)
            try:
                mkdocs_build(config, dirty=plan is not None)
            except (Abort, ConfigurationError, click.ClickException, OSError):
                raise
            except Exception as error:
                stopped = _stopped_on_a_setting(error, site)
                if stopped is None:
                    raise
                raise BuildError(stopped) from None
        except (Abort, ConfigurationError) as error:
            details = "\n".join(f"  - {m}" for m in warnings.messages) or f"  - {error}"
            raise BuildError(f"MkDocs refused the site (strict mode); the previous site is untouched:\n{details}") from None
        finally:
            build_logger.removeFilter(notice)
    return config


def _stopped_on_a_setting(error: Exception, site: SiteConfig) -> str | None:
    """What MkDocs or its theme stopped on, said in one line, when it stopped in their code on a value mkdocs.yml
    gave it that validate does not know (`extra: {alternate: 5}` failed in Material's alternate.html, as `theme:
    {palette: 5}` did in its base.html), or in a hook of the project's: each ended `csops build` in a traceback.
    None when csops' own code was running (its plugin: a bug, whose traceback is the report, or a failure
    pipeline.py words itself, such as a worker process that died)."""
    import traceback

    frames = traceback.extract_tb(error.__traceback__)[1:]  # below run_mkdocs' own frame
    package = Path(__file__).resolve().parent
    # csops' theme templates (generator/theme) extend Material's: a frame there is the theme's, not csops' code
    if not frames or any(f.filename.endswith(".py") and Path(f.filename).resolve().is_relative_to(package)
                         for f in frames):
        return None
    raised = hook_problem(site.project, site.raw, error, imported=False)
    if raised is not None:
        return raised.text()
    what = f"{type(error).__name__}: {shown(str(error), 160)}"
    templates = [f for f in frames if f.filename.endswith(".html")]  # Jinja puts the template's own lines there
    where = (templates or frames)[-1]
    return (f"MkDocs stopped building the site: {what} (in {'/'.join(Path(where.filename).parts[-3:])}:{where.lineno}); "
            "a setting of mkdocs.yml holds a value of a type MkDocs or the theme does not take (a number or list where "
            "they read text or a mapping: theme, extra, extra_templates): write it as their documentation shows. The "
            "previous site is untouched")


def require_working_links(site_dir: Path, site_url: str, plan=None, rendered: dict | None = None) -> None:
    """Fail the build when the built HTML (redirect pages included) links to a missing page or anchor.

    Pages an incremental build copied (`plan.copied`) are not parsed again unless a link of theirs leads to
    something that changed (linkcheck.check_site_links); each page's summary is saved beside the site.
    `rendered`: the pages MkDocs parsed as it wrote them (run_mkdocs' `links`).
    """
    before, vouched = {}, {}
    if plan is not None and plan.copy_from is not None and plan.copied:
        before = linkcheck.load_summaries(plan.copy_from.parent / linkcheck.LINKS_FILE)
        # the live site passed this check, so the pages copied from it stand on that pass
        vouched = {page: before[page] for page in plan.copied if page in before}
    broken, summaries = linkcheck.check_site_links(site_dir, linkcheck.Locator.for_site(site_url), dict(rendered or {}),
                                                   vouched, before)
    linkcheck.save_summaries(site_dir.parent / linkcheck.LINKS_FILE, summaries)
    if broken:
        details = "\n".join(f"  - {b}" for b in broken[:50]) + (f"\n  … and {len(broken) - 50} more" if len(broken) > 50 else "")
        raise BuildError(f"{len(broken)} broken internal link{'s' if len(broken) != 1 else ''} in the built site; "
                         f"the previous site is untouched:\n{details}")


def describe_os_error(error: OSError, site: SiteConfig) -> str:
    """One line with the fix for what the file system refused (the previous site is untouched by then)."""
    # a copy names its source first (a theme file under site-packages): name the side inside the project
    inside = [name for name in (error.filename2, error.filename)
              if name and Path(os.fspath(name)).resolve().is_relative_to(site.project)]
    where = inside[0] if inside else site.project / GENERATED_DIR
    if error.errno in (errno.ENOSPC, errno.EDQUOT):
        fix = f"free disk space on the device holding {site.project / GENERATED_DIR} and build again"
    elif error.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        fix = f"make {site.project / GENERATED_DIR} and the folder holding {site.site_dir.name}/ writable by this user"
    elif error.errno in (errno.EBUSY, errno.EXDEV, errno.ENOTEMPTY, errno.EEXIST):
        fix = (f"{site.site_dir.name}/ must be replaceable by a link to build/current/site: it cannot be a mount point "
               "or on another file system (mount or serve the folder holding it instead)")
    else:
        fix = "fix the file system problem and build again"
    return f"cannot write the build: {error.strerror or error} ({where}); {fix}. The previous site is untouched."

@dataclass
class BuildReport:
    pages: int = 0
    bytes_written: int = 0
    timings: dict[str, float] = field(default_factory=dict)
    site_dir: Path | None = None
    index: "IndexStats | None" = None  # when the search index was written
    rendered: int = 0  # pages MkDocs rendered; the rest (reused) had byte-identical Markdown and were copied
    reused: int = 0
    processes: int = 1  # MkDocs processes the pages were rendered in (shards.py)
    warnings: list = field(default_factory=list)  # Problems that showed but did not stop the build
    site: SiteConfig | None = None  # mkdocs.yml as this build read it: what the preview then watches (follow_config)


@contextmanager
def timed(report: BuildReport, stage: str):
    start = time.perf_counter()
    yield
    report.timings[stage] = report.timings.get(stage, 0.0) + time.perf_counter() - start


def build_site(site: SiteConfig, pages: list[Page], nav: list | None, redirects: dict[str, str],
               report: BuildReport, workers: "BuildWorkers | None" = None, progress=None,
               search_docs: Callable[[], str] | None = None, render_keys: dict[str, str] | None = None,
               role_rows: "incremental.RoleRows | None" = None) -> BuildReport:
    """Write pages, build the site strictly, then switch docs, site and index in together.

    `workers` (workers.py) render MkDocs shares, and may be writing the search index already;
    the index goes live with the site, in the same flip.
    `search_docs` gives the static search index's entries as JSON (static_search.py) when MkDocs writes it.
    `render_keys` (render.Renderer.render_keys) and `role_rows` (its RoleRows) are saved with the generation for the
    next build's renderer.
    Call it holding generations.build_lock, as pipeline.build_portal does from before it reads the content.
    """
    generations.clean_stale(site.project, site.site_dir)
    try:
        stage = generations.new_staging(site.project)
        retired = _take_retired_site(site.project, stage)  # before pruning starts deleting that generation
        pruning = generations.prune_old_generations(site.project)
        try:
            _build_into(stage, site, pages, nav, redirects, report, workers, progress or Progress(), search_docs,
                        retired)
            incremental.write_render_keys(stage, render_keys or {})
            if role_rows is not None:
                role_rows.save(stage)
            pruning.join()
            generations.publish(site.project, stage, site.site_dir)
        finally:
            pruning.join()
            if stage.exists():
                generations._remove(stage)
    except OSError as error:
        raise BuildError(describe_os_error(error, site)) from None
    report.pages = len(pages)
    report.site_dir = site.site_dir
    return report


def _take_retired_site(project: Path, stage: Path) -> tuple[Path, set[str]] | None:
    """The site folder of the generation before the live one, moved into `stage`, and the site paths of its pages
    the live generation copied from it (so holding the live one's bytes); None when there is none to take."""
    live = generations.trusted_generation(project)
    if live is None:
        return None
    retired_name, same = incremental.read_copied(live)
    folder = generations.take_retired_site(live, retired_name, stage) if same else None
    return (folder, same) if folder is not None else None


def _build_into(stage: Path, site: SiteConfig, pages, nav, redirects, report: BuildReport, workers, progress,
                search_docs, retired: tuple[Path, set[str]] | None = None) -> None:
    assets = asset_files(site.templates_dir)
    previous = generations.trusted_generation(site.project)
    with timed(report, "write"):
        report.bytes_written, unchanged = write_pages(stage / "docs", pages, assets,
                                                      previous / "docs" if previous is not None else None)
    try:
        overrides = mkdocs_overrides(site, stage / "docs", stage / "site", nav, redirects, sorted(assets))
    except SettingsRefused as refused:
        raise BuildError(str(refused)) from None
    key = incremental.build_key(site.raw, overrides, assets, [site.templates_dir, PACKAGE_TEMPLATES])
    sources = [p.source for p in pages]
    reuse = incremental.plan(previous, site.raw, key, sources, unchanged)
    markdown_pages = sum(1 for source in sources if source.endswith(".md"))
    to_render = reuse.dirty if reuse is not None else {s for s in sources if s.endswith(".md")}
    sizes = {p.source: len(p.text.encode("utf-8")) for p in pages if p.source in to_render}
    runs = (shards.share_count(sizes, shards.available_cores())
            if incremental.eligible(site.raw) and workers is not None else 1)
    claims = stage / "claims" if runs > 1 else None
    if claims is not None:
        claims.mkdir()
    # kept pieces only from a generation built with this very key: sanitised with the same settings and code
    pieces = (reuse.previous_site.parent / sanitised_pieces.FOLDER if reuse is not None else None,
              stage / sanitised_pieces.FOLDER)
    recycled = None
    if retired is not None:
        if reuse is not None:  # the site starts from it (incremental.RecycledSite)
            retired[0].rename(stage / "site")
            recycled = incremental.RecycledSite(stage / "site", retired[1])
        else:  # a full build: nothing of it is kept
            generations._remove(retired[0])
    plan = None
    if reuse is not None or claims is not None:
        plan = shards.PagePlan(set(to_render), reuse.previous_site if reuse else None, claims=claims, recycled=recycled)
    share_specs = [(stage / f"site-share-{n}", {**overrides, "site_dir": str(stage / f"site-share-{n}")},
                    shards.PagePlan(set(to_render), site_wide=False, claims=claims)) for n in range(1, runs)]
    progress.start("MkDocs" + (f" ({runs} processes)" if runs > 1 else ""), len(to_render))
    rendered: dict = {}  # each rendered page's located links, from the process that wrote it
    with timed(report, "mkdocs"):
        if workers is not None and workers.delegates and incremental.eligible(site.raw):
            place = f'["{secrets.token_hex(16)}"]'  # where the host's run leaves the search entries
            call = workers.host.submit(_render_in_host, site, overrides, plan, pieces, functools.partial(str, place),
                                       [(share_overrides, share_plan) for _, share_overrides, share_plan in share_specs])
            _follow_claims(call, claims, progress)
            own, *shared = call.result()
            refusals = [outcome for outcome in (own, *shared) if isinstance(outcome, BuildError)]
            if refusals:
                raise _merged_refusals(refusals)
            taken, located = own
            if plan is not None:
                plan.rendered, plan.copied, plan.copied_site_wide = taken
            rendered.update(_links_from(located))
            if search_docs is not None:
                _place_search_docs(stage / "site", place, search_docs)
        else:
            share_runs = [workers.submit(_render_share, site, share_overrides, share_plan, pieces)
                          for _, share_overrides, share_plan in share_specs]
            try:
                run_mkdocs(site, overrides, plan, progress, search_docs, rendered, pieces)
            except BuildError as refused:
                raise _merged_refusals([refused, *_refusals_of(share_runs)]) from None
            # the main run passed: every worker's refusal together, not the first one's alone (two workers each
            # refusing a page listed one, and the editor met the other on the next build)
            refusing = _refusals_of(share_runs)
            if refusing:
                raise _merged_refusals(refusing) from None
            shared = [run.result() for run in share_runs]
        for (share_site, _, _), (pages_written, located) in zip(share_specs, shared):
            _move_pages(share_site, stage / "site", pages_written)
            rendered.update(_links_from(located))
    if claims is not None:
        shutil.rmtree(claims)
    if plan is not None:
        sanitised_pieces.carry(pieces[0], pieces[1], plan.copied)
    report.reused = plan.reused if plan is not None else 0
    report.processes = runs
    report.rendered = markdown_pages - report.reused
    progress.done(f"MkDocs rendered {report.rendered} page{'s' if report.rendered != 1 else ''}" + (f", reused {report.reused} unchanged" if report.reused else "")
                  + (f" ({runs} processes)" if runs > 1 else ""))
    incremental.write_key(stage, key)
    if reuse is not None:
        incremental.write_copied(stage, previous.name, plan.copied + plan.copied_site_wide)
    progress.start("links")
    with timed(report, "links"):
        require_working_links(stage / "site", site.site_url, plan, rendered)
    progress.done("internal links checked")
    if workers is not None and workers.index is not None:
        progress.start("search index")
        pending, folder = workers.index
        output, seconds = pending.result()
        workers.release()
        os.replace(folder / "index", stage / "index")
        report.timings["index (in parallel)"] = seconds
        stats = report.index = output.stats
        progress.done(f"search index: {stats.added} added, {stats.updated} updated, {stats.deleted} deleted, "
                      f"{stats.unchanged} unchanged"
                      + (" (the live index could not be read: written afresh)" if stats.unreadable_replaced else ""))


def _refusals_of(runs: list) -> list["BuildError"]:
    """The refusals of the runs that refused, once every run has ended: the stage is removed only after the workers
    stop writing into it."""
    return [run.exception() for run in runs if isinstance(run.exception(), BuildError)]


def _merged_refusals(refusals: list["BuildError"]) -> "BuildError":
    """The first refusal with every other run's: each run renders pages the others do not, so one run's list alone
    varied from build to build."""
    lines = refusals[0].format_message().split("\n")
    for other in refusals[1:]:
        lines += [line for line in other.format_message().split("\n")[1:] if line not in lines]
    return BuildError("\n".join(lines))


def _render_share(site: SiteConfig, overrides: dict, plan: "shards.PagePlan", pieces=None,
                  links_file: Path | None = None) -> tuple[list[str], dict | Path]:
    """A worker's MkDocs run over the pages it claims; returns the site paths it wrote them to, and their
    located links (linkcheck.pack), or the file it wrote them to (`links_file`, for `_links_from`)."""
    located: dict = {}
    run_mkdocs(site, overrides, plan, search_docs=lambda: "[]", links=located, pieces=pieces)  # no entries: its search plugin parses nothing
    return plan.rendered, _links_to(linkcheck.pack(located), links_file)


def _links_to(packed: dict, links_file: Path | None) -> dict | Path:
    """A run's located links as the build process gets them: written to `links_file` when given. Sent through the
    host (mkdocs_host.py) instead, half a megabyte a run at 300 playbooks took 20-30 ms from one process to the next."""
    if links_file is None:
        return packed
    links_file.write_bytes(marshal.dumps(packed))
    return links_file


def _links_from(sent: dict | Path) -> dict:
    """linkcheck.unpack of what `_links_to` gave; a file is read once, from this build's stage, and removed."""
    if isinstance(sent, Path):
        packed = marshal.loads(sent.read_bytes())
        sent.unlink()
        sent = packed
    return linkcheck.unpack(sent)


def _render_in_host(site: SiteConfig, overrides: dict, plan: "shards.PagePlan | None", pieces,
                    search_docs: Callable[[], str], other_shares: list[tuple[dict, "shards.PagePlan"]]) -> list:
    """Every MkDocs run of the build, in the MkDocs host (mkdocs_host.py): the site-wide run there, the other shares
    in its workers. The site-wide run is the one a build process running MkDocs itself makes, but that it shows
    no progress (`_follow_claims` does) and leaves the search entries' place (`search_docs` gives it) for
    `_place_search_docs`. Returns each run's outcome, the site-wide run's first: its refusal (a BuildError), or
    what it took of the plan (rendered, copied, copied_site_wide) and its pages' located links; a share's refusal
    or (pages written, located links). Any other failure is raised, once every run has ended."""
    from .mkdocs_host import shares

    site_dir = Path(overrides["site_dir"])
    runs = [shares().submit(_render_share, site, share_overrides, share_plan, pieces,
                            site_dir.with_name(f"links-{n}.marshal"))
            for n, (share_overrides, share_plan) in enumerate(other_shares, 1)]
    located: dict = {}
    try:
        run_mkdocs(site, overrides, plan, search_docs=search_docs, links=located, pieces=pieces)
        own = ((plan.rendered, plan.copied, plan.copied_site_wide) if plan is not None else None,
               _links_to(linkcheck.pack(located), site_dir.with_name("links-0.marshal")))
    except BuildError as refused:
        own = refused
    finally:
        wait(runs)
    refusing = _refusals_of(runs)
    if isinstance(own, BuildError) or refusing:
        return [own, *refusing]
    return [own, *(run.result() for run in runs)]


def _follow_claims(call, claims: Path | None, progress) -> None:
    """Wait for the host's MkDocs runs, showing as progress the pages they claimed (a shared build's runs claim each
    page as they reach it)."""
    shown = 0
    while not call.done(timeout=0.1):
        claimed = len(os.listdir(claims)) if claims is not None and claims.is_dir() else 0
        if claimed > shown:
            progress.advance(claimed - shown)
            shown = claimed


def _place_search_docs(site_dir: Path, place: str, search_docs: Callable[[], str]) -> None:
    """Material's search index, written by a worker's site-wide run, with the entries in their place (what
    CsopsPlugin.on_post_build puts there in the build process's own run). Written anew, not in place."""
    index_file = site_dir / "search" / "search_index.json"
    try:
        text = index_file.read_bytes()
    except FileNotFoundError:  # no search plugin
        return
    if place.encode() in text:
        staged = index_file.with_name(index_file.name + ".part")
        staged.write_bytes(text.replace(place.encode(), search_docs().encode("utf-8"), 1))
        os.replace(staged, index_file)


def _move_pages(share_site: Path, site_dir: Path, rendered: list[str]) -> None:
    """Bring a worker's pages into the site; its other output (redirects, an empty search index) is the main run's too."""
    for dest in rendered:
        target = site_dir / dest
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(share_site / dest, target)
    shutil.rmtree(share_site, ignore_errors=True)
