"""The one orchestrator: load -> check -> model -> render -> build -> index, in that order.

Every command, the preview server, `csops diff` and `csops stale` call these
functions; no stage reaches back, and only this module knows all of them (as
MkDocs keeps its whole build in commands/build.py). Heavy stages (MkDocs,
Whoosh) are imported only by the functions that run them, so `csops validate`
never pays for a search engine.
"""

from __future__ import annotations

import gc
import os
from contextlib import contextmanager
from pathlib import Path
from typing import Callable

from .located_values import LocDict
from .manifest import vanished_url_problems
from .mkdocs_yaml import ConfigRead, read_config
from .kinds import DOCUMENT_KINDS
from .portal import Portal
from .model_builder import build_portal as build_model
from .problems import ContentError, Problem, failing
from .rules.placeholders import check_site_url
from .rules.labels import check_labels
from .rules.templates_folder import check_links
from .rules import site_redirects
from .rules.site_config import check_config
from .run_memory import keeps_between_runs, start_run
from .validate import check_project as check_content  # load + check: every command's first two stages


def load_portal(project: Path, strict: bool = False) -> Portal:
    """The model of a project whose content has no errors; raises ContentError listing every problem."""
    return load_checked_portal(project, strict)[0]


def load_checked_portal(project: Path, strict: bool = False, config: ConfigRead | None = None,
                        config_problems: Callable[[], list[Problem]] | None = None) -> tuple[Portal, list[Problem]]:
    """The model and the warnings that did not stop it; raises ContentError on errors (on warnings too if strict).
    `config`: mkdocs.yml as the build read it (SiteConfig.as_read); read here for a caller that has not.
    `config_problems`: check_config's problems, as a build worker found them (mkdocs_config.checked_settings)."""
    config = config if config is not None else read_config(project)
    with _left_uncollected():
        documents, problems = check_content(project, cache=True, config=config)
        configured = config_problems() if config_problems is not None else check_config(project, config)
        problems = sorted(problems + check_site_url(config) + configured + check_labels(project)
                          + check_links(project, config))
        if failing(problems, strict):
            raise ContentError(problems, strict)
        portal = build_model(documents)
        problems = sorted(problems + site_redirects.check(portal, config))  # what the site's redirects do to the model's
        if failing(problems, strict):
            raise ContentError(problems, strict)
    return portal, [p for p in problems if p.severity == "warning"]


@contextmanager
def _left_uncollected():
    """Every file's parse and the model live to the end of the run and hold no reference cycles, yet Python's
    cyclic collector walked them as they were made, and again in its older generations (0.13 s CPU of an edit rebuild
    at 1,000 playbooks, 0.2 s of csops validate's 1.2; loaded machine). So a one-run process makes them with the
    collector off, then freezes them: never walked, still freed when nothing holds them; the few cycles a load makes
    are left to the exit. Not in csops serve, where a freeze would also keep the last build's uncollected garbage for
    good; nor when content fails a build."""
    if keeps_between_runs():
        yield
        return
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
        gc.freeze()
    finally:
        if enabled:
            gc.enable()


def validate_project(project: Path) -> list[Problem]:
    """Everything `csops validate` reports: content problems, then (when content is sound) vanished published URLs.
    mkdocs.yml is read once, here, and each check that needs it is handed that reading."""
    from .rename_journal import content_settled
    from .validate import kept_parses

    config = read_config(project)
    with content_settled(project), _left_uncollected():
        _, problems, portal = check_content_and_urls(project, kept_parses(project), config)
    return sorted(problems + check_site_url(config) + check_config(project, config) + check_labels(project)
                  + check_links(project, config) + (site_redirects.check(portal, config) if portal is not None else []))


def check_content_and_urls(project: Path, parses=None,
                           config: ConfigRead | None = None) -> tuple[list, list[Problem], Portal | None]:
    """Content problems, then (when content has no errors) vanished published URLs; the model when it could be built.

    `parses`: where each file's parse is looked up, as check_project_shapes takes it: the project's build/cache
    (validate.kept_parses: validate, build), or content_cache.RevisionParses over it, which writes nothing (`csops mv`
    and its staged copy leave the project as it was; a dry run changes nothing at all); None parses every file.
    `config`: mkdocs.yml as validate read it.
    """
    from .manifest import check_manifest
    from .validate import check_project_shapes

    documents, problems, misshapen = check_project_shapes(project, parses, config)
    if not any(p.severity == "error" for p in problems):
        portal = build_model(documents)
        return documents, sorted(problems + check_manifest(project, portal)), portal
    return documents, sorted(problems + vanished_url_problems(project, documents, problems, misshapen)), None


def assess_freshness(project: Path, today, within_days: int):
    """Review status of every document (`csops stale`), located at its `reviewed:` line, and the day it is judged
    on: `today`, else the portal's day (settings.yml `timezone:`), the same on CI and on every editor's machine."""
    from .freshness import assess
    from .portal_time import local_today

    documents, problems = check_content(project)
    if any(p.severity == "error" for p in problems):
        raise ContentError(problems)
    positions = {}
    for doc in documents:
        if isinstance(doc.data, LocDict):
            positions[doc.path] = doc.data.where("reviewed") if "reviewed" in doc.data else doc.data.pos
    portal = build_model(documents)
    today = today or local_today(portal.settings.timezone)
    return assess(portal, positions, today, within_days), today


def diff_revisions(project: Path, base: str, head: str | None = None, fmt: str = "markdown") -> str:
    """Compare content/ at git revision `base` with `head` (default: the working tree), as Markdown or JSON:
    git -> each side's sound content -> compare -> the report (`csops diff`)."""
    from .diff import compare
    from .diff_report import diff_json, diff_markdown
    from .diff_sides import load_side
    from .file_writes import scratch_folder
    from .git_revisions import export_content, git

    with scratch_folder(project, "diff") as tmp:
        base_side = load_side(export_content(project, base, tmp / "base"), base)
        if head is None:  # the site files a commit would hold: an editor's swap file in templates/ is no change
            def committable(paths):  # names from mkdocs.yml are paths, not pathspecs (':/' is the repository's root)
                listed = git(project, "--literal-pathspecs", "ls-files", "-z", "--cached", "--others",
                             "--exclude-standard", "--", *paths)
                return [name for name in os.fsdecode(listed).split("\0") if name]
            head_side = load_side(project, "working tree", committable)
        else:
            head_side = load_side(export_content(project, head, tmp / "head"), head)
    diff = compare(base_side, head_side)
    return diff_json(diff) if fmt == "json" else diff_markdown(diff)


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}" + ("" if number == 1 else "s")


@contextmanager
def _few_collections():
    """A build allocates millions of small objects it keeps to the end (the model, pages, link tables); Python's
    cyclic collector would walk them again and again (5-10% of an edit rebuild at 1,000 playbooks), so it runs
    less often during the build. Reference counting still frees everything as usual."""
    before = gc.get_threshold()
    gc.set_threshold(50_000, 20, 100)
    try:
        yield
    finally:
        gc.set_threshold(*before)


def build_portal(project: Path, strict: bool = False, progress=None, workers=None, site=None):
    """`workers`: a workers.BuildWorkers kept across builds (`csops serve`); else this build starts its own.
    `site`: mkdocs.yml as the caller read it (a SiteConfig), used while its files still read so; else read here.

    A worker that died (kill -9, the out-of-memory killer) or a file system that refuses a write anywhere in the
    build (not only where the site is written) ends it with one line, like any other failed build."""
    from concurrent.futures.process import BrokenProcessPool

    from .build import BuildError, describe_os_error
    from .mkdocs_config import read_site_config

    try:
        with _few_collections():
            return _build_portal(project, strict, progress, workers, site)
    except BrokenProcessPool:
        raise BuildError("a build worker process died (killed, or out of memory?); the previous site is untouched: "
                         "build again") from None
    except OSError as error:
        raise BuildError(describe_os_error(error, read_site_config(project))) from None


def _build_portal(project: Path, strict: bool = False, progress=None, kept_workers=None, site=None):
    """One build at a time per project, from reading the content to going live: taken only to publish, two
    overlapping builds (CI and `csops serve`) went live in the order they finished, so a build that had read
    older content could replace a newer site (red-team run, 2026-12-04).

    `progress` (progress.Progress) hears each stage end, and each page MkDocs renders.
    """
    from . import generations
    from .mkdocs_config import read_site_config, still_as_read
    from .progress import Progress

    from .workers import start_method

    # a build with workers of its own, forked, runs MkDocs only in them (mkdocs_host.py), and checks mkdocs.yml there
    delegates = kept_workers is None and start_method() == "fork"
    site = site if site is not None and still_as_read(site) else read_site_config(project, check=not delegates)
    progress = progress or Progress()
    with generations.build_lock(site.project, lambda: progress.note("waiting for another build of this portal to finish…")):
        progress.start("load")  # the first stage's time starts now, not before the wait
        return _build_locked(project, site, strict, progress, kept_workers, delegates)


def _build_locked(project: Path, site, strict: bool, progress, kept_workers, delegates: bool):
    """load -> check -> model -> history -> render -> MkDocs build and search index side by side -> swap in;
    returns the report. `delegates`: MkDocs runs in the build's MkDocs host (workers.BuildWorkers), which checks
    mkdocs.yml's settings too (read_site_config did not)."""
    import jinja2

    from .build import BuildError, BuildReport, build_site, timed
    from .index_job import SEARCH_KINDS, IndexJob
    from . import generations
    from .template_cache import template_cache
    from .manifest import require_published_urls
    from .rename_journal import content_settled
    from .mkdocs_config import checked_settings, navigation, settings_verdict
    from .feed import atom_feed
    from .history import read_change_feed, whats_new_commits
    from .incremental import PreviousPages
    from .render import Page, Renderer, template_failure
    from .urls import FEED_FILE, redirect_map
    from .workers import BuildWorkers

    report = BuildReport(site=site)
    if kept_workers is not None:  # a process that keeps its workers builds again (csops serve): keep parses too
        from .run_memory import keep_between_runs

        keep_between_runs()
    start_run()
    # a build's own workers start up while this process loads the content
    with kept_workers.for_build() if kept_workers is not None else BuildWorkers(site.project, delegates) as workers:
        config_problems = None
        if workers.delegates:  # mkdocs.yml's settings, checked by the MkDocs host while this process loads content
            checking = workers.host.submit(checked_settings, site.project, site.as_read)
            config_problems = lambda: settings_verdict(checking.result())  # noqa: E731
        with timed(report, "load+validate"), content_settled(project, lambda: progress.note(
                "waiting for a csops mv to finish replacing files…")):
            portal, report.warnings = load_checked_portal(project, strict, site.as_read, config_problems)
            require_published_urls(project, portal)  # before MkDocs: a vanished ticket link fails fast
        progress.done("content checked: " + ", ".join(_count(len(getattr(portal, kind.portal_attr)), kind.noun)
                                                      for kind in DOCUMENT_KINDS))
        with timed(report, "history"):
            changes = read_change_feed(project, portal, whats_new_commits(site.raw))
        with timed(report, "render"):
            # reuse (Markdown, index) only from a live generation this machine built (trust.py): Whoosh
            # unpickles what it opens, and reused Markdown is not rendered again
            trusted = generations.trusted_generation(site.project)
            renderer = Renderer(portal, site.templates_dir, site.language, site.site_url, changes,
                                bytecode_cache=template_cache(site.project),
                                previous=PreviousPages(trusted))
            # what the header search shows for each filter value: the pages' own words (labels.yml), not ids
            facet_names = {"kind": {k: renderer.labels[f"search_kind_{k}"] for k in SEARCH_KINDS},
                           "role": {r.id: r.name for r in portal.roles},
                           "phase": {p: renderer.phase_name(p) for p in portal.phases}}
            # and the language of a name written in another than the pages' (roles.yml's lang), for its lang attribute
            facet_langs = {"role": {r.id: lang for r in portal.roles if (lang := renderer.role_lang(r.id))}}
            # the index needs only the model: written while the pages are rendered and built
            previous_index = trusted / "index" if trusted is not None else None
            workers.start_index(IndexJob(previous_index, portal, site.site_url, site.language, facet_names,
                                         renderer.labels["glossary"], facet_langs), renderer.pickles)
            try:
                pages = renderer.render_pages()
            except jinja2.TemplateError as error:
                raise BuildError(str(template_failure(error, site.templates_dir))) from None
            pages.append(Page(FEED_FILE, atom_feed(changes, renderer.labels, site.raw.get("site_name") or "", site.site_url)))
        reused = f", {renderer.reused} taken unchanged from the last build" if renderer.reused else ""
        progress.done(f"generated {len(pages)} pages{reused}")
        nav = navigation(renderer.labels, [(p, renderer.phase_name(p)) for p in portal.phases])
        build_site(site, pages, nav, redirect_map(portal), report, workers=workers, progress=progress,
                   search_docs=workers.static_search_docs, render_keys=renderer.render_keys,
                   role_rows=renderer.role_rows)
    return report
