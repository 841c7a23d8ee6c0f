"""Run every check over loaded documents: shape first, then the cross-file rules; Problems out.

Shape checks run first; cross-file rules run on every document whose shape
is sound, so one run reports everything an Ops editor needs to fix.
"""

from __future__ import annotations

import calendar
import datetime as dt
import hashlib
import re
from dataclasses import replace
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from .freshness import dated_ahead, future_review
from .loader import Document, load_content
from .mkdocs_yaml import ConfigRead, read_config
from .located_values import LocDict
from .kinds import CATALOG_FILES, CATALOG_LISTS
from .portal_time import DEFAULT_ZONE, is_zone, local_today
from .problems import Problem
from .rules import (asked_as, build_catalog, chart_accountability, control_chars, folder, glossary, ids, markdown_html,
                    placeholders, portal_hooks, raci, references, repeated_items, timezone)
from .schema import DATE, SLUG, matches
from .shape_check import check_shape

if TYPE_CHECKING:
    from .content_cache import ContentCache


def _check_dates(doc: Document) -> list[Problem]:
    value = doc.data.get("reviewed") if isinstance(doc.data, LocDict) else None
    if not isinstance(value, str) or not matches(DATE, value):
        return []  # not written as YYYY-MM-DD at all: the shape check says so, once
    try:
        dt.date.fromisoformat(value)
    except ValueError:
        return [Problem(doc.path, *doc.data.where("reviewed"), "invalid-value",
                        f"'{value}' is not a real date: {_impossible_part(value)}", "write the day of the review as YYYY-MM-DD")]
    return []


def _impossible_part(value: str) -> str:
    """Which part of a YYYY-MM-DD date is off the calendar: the format is already right, so 'write dates as
    YYYY-MM-DD' told the editor nothing (2026-13-40)."""
    year, month, day = (int(part) for part in value.split("-"))
    if year < 1:
        return "there is no year 0"
    if not 1 <= month <= 12:
        return f"there is no month {month:02d} (months run 01-12)"
    last = calendar.monthrange(year, month)[1]
    return f"{dt.date(year, month, 1):%B %Y} has days 01-{last}"


def _future_reviews(documents: list[Document], today: dt.date) -> list[Problem]:
    """Reviews dated after today. Not kept per file by the content cache: tomorrow the same text is fine."""
    problems = []
    for doc in documents:
        value = doc.data.get("reviewed")
        try:  # only YYYY-MM-DD: Python also reads 20991231, which the shape check already refuses
            reviewed = dt.date.fromisoformat(value) if isinstance(value, str) and matches(DATE, value) else None
        except ValueError:
            continue  # _check_dates reports it
        if dated_ahead(reviewed, today):
            problems.append(Problem(doc.path, *doc.data.where("reviewed"), "future-review-date",
                                    future_review(reviewed, today), severity="warning"))
    return problems


def portal_zone(documents: list[Document]) -> str:
    """settings.yml's timezone read from the documents, before there is a model, when it is one (else it is its
    own error): reviews are checked, and `csops new` dates them, by the portal's day."""
    zone = next((doc.data.get("timezone") for doc in documents if doc.kind == "settings"), None)
    return zone if isinstance(zone, str) and is_zone(zone) else DEFAULT_ZONE


def check_document_alone(doc: Document) -> tuple[list[Problem], list[Problem]]:
    """What is wrong with one file on its own: (shape, dates and text left as scaffolded, which stop the file
    being modelled; its RACI problems, which do not). Kept per file by the content cache."""
    wrong_folder = folder.misplaced(doc)
    if wrong_folder is not None:  # its fields are another kind's: every shape error would be a wrong fix
        return [wrong_folder], []
    problems = check_shape(doc) + _check_dates(doc) + timezone.check_file(doc)
    if isinstance(doc.data, LocDict):
        problems += placeholders.check_file(doc) + control_chars.check_file(doc)
    return problems, (raci.check_file(doc) + glossary.check_file(doc) + markdown_html.check_file(doc)
                      + asked_as.check_file(doc) + repeated_items.check_file(doc) + portal_hooks.check_file(doc))


def check_documents(documents: list[Document], unreadable: tuple[str, ...] = ()) -> list[Problem]:
    """All shape and rule problems of the given documents, sorted; `unreadable` files' ids are not called unknown."""
    return _check_documents(documents, unreadable)[0]


def _check_documents(documents: list[Document], unreadable: tuple[str, ...], cache=None,
                     heading_ids=None) -> tuple[list[Problem], set[str]]:
    """The problems, and the paths whose own shape is broken (they cannot be modelled). `heading_ids`: what a
    text's headings are called on its page (_SiteHeadingIds), if a site can say."""
    problems: list[Problem] = []
    sound = []
    misshapen: set[str] = set()
    undefined: set[str] = set()  # catalog files with an id or a list that is not what it should be
    for doc in documents:
        alone = cache.alone.get(doc.path) if cache is not None else None
        if alone is None:
            alone = check_document_alone(doc)
            if cache is not None:
                cache.checked(doc.path, alone)
        shape, file_rules = alone
        problems += shape + file_rules
        if any(p.severity == "error" for p in shape) or not isinstance(doc.data, LocDict):
            misshapen.add(doc.path)
        if doc.kind in CATALOG_FILES and not _defines_its_entries(doc):
            undefined.add(doc.path)
        if isinstance(doc.data, LocDict):
            sound.append(doc)
    # A file that is a list or text defines nothing, and roles, settings or a glossary with a bad id or list may
    # not define what others use: references into them wait for them, as for a file that did not parse (a list
    # settings.yml gave 66 'unknown segment' errors in 12 files; one role id written 'CS Ops', 154 in 22).
    unusable = tuple(sorted(({doc.path for doc in documents if not isinstance(doc.data, LocDict)} | undefined)
                            - set(unreadable)))
    catalog = build_catalog(sound, unreadable + unusable)
    catalog.heading_ids = heading_ids
    problems += ids.check(sound, catalog) + asked_as.check(sound) + _reference_problems(sound, catalog, cache)
    problems += chart_accountability.check(sound, catalog.former_ids.get("role", {}))
    problems += _future_reviews(sound, local_today(portal_zone(sound)))
    taken = {doc.path for doc in documents} | set(unreadable)
    problems = [folder.with_free_target(p, taken) for p in problems]
    problems = [replace(p, unreadable=True) if p.path in unusable else p for p in problems]  # the root cause first
    return sorted(set(problems)), misshapen


def _defines_its_entries(doc: Document) -> bool:
    """Whether a roles, glossary or settings file's lists are lists of entries with valid ids: if not, what it
    means to define is unknown, and references into it wait for it (a codeowners typo is no such case)."""
    if not isinstance(doc.data, LocDict):
        return False
    for name, _ in CATALOG_LISTS.get(doc.kind, ()):
        entries = doc.data.get(name)
        if entries is None:
            continue
        if not isinstance(entries, list) or not all(
                isinstance(entry, LocDict) and isinstance(entry.get("id"), str) and re.fullmatch(SLUG, entry["id"])
                for entry in entries):
            return False
    return True


def _reference_problems(documents: list[Document], catalog, cache) -> list[Problem]:
    """The reference rules' problems; with the content cache, a file found clean is not checked again while
    its text is unchanged and every reference it makes still resolves (when a file is unread, references
    into it are counted across files, and every file is checked)."""
    if cache is None or catalog.unread or catalog.unread_catalogs:
        return references.check(documents, catalog)
    # a link beside a heading is judged by the site's heading ids: found clean under other toc settings (or none
    # known, when mkdocs.yml did not read) it is checked again
    context = getattr(catalog.heading_ids, "settings", "")
    kept = cache.clean_references(context)
    still_clean = {doc.path for doc in documents if doc.path in kept and references.still_resolve(kept[doc.path], catalog)}
    found = references.check_each([doc for doc in documents if doc.path not in still_clean], catalog)
    clean = {path: kept[path] for path in still_clean}
    clean.update((path, made) for path, (problems, made, _) in found.items() if not problems)
    if clean.keys() != kept.keys() or any(clean[path] is not kept.get(path) for path in clean):
        cache.keep_clean_references(clean, context)
    # a file naming a renamed page has an error, so it is never kept clean: every such reference is in `found`
    renamed: dict = {}
    for _, _, refs in found.values():
        for target, paths in refs.items():
            renamed.setdefault(target, []).extend(paths)
    return ([problem for problems, _, _ in found.values() for problem in problems]
            + references.renamed_problems(catalog, renamed))


def check_project(project: Path, cache: bool = False, config: ConfigRead | None = None) -> tuple[list[Document], list[Problem]]:
    """Load and check every content file; never raises on bad content.

    `cache`: keep each file's parse and shape check in build/cache for the next run (content_cache.py).
    `config`: mkdocs.yml as this run read it (mkdocs_yaml.read_config), when it has.
    """
    documents, problems, _ = check_project_shapes(project, kept_parses(project) if cache else None, config)
    return documents, problems


def kept_parses(project: Path) -> ContentCache:
    """The project's content cache (build/cache): each file's parse and shape check, kept for the next run."""
    from .content_cache import ContentCache

    return ContentCache(project)


class _SiteHeadingIds:
    """What a content text's headings are called on its page (markdown_extensions.heading_ids_reader), with
    mkdocs.yml read for it only when a #link first needs it: most runs never do, and parsing it here on every
    validate and build was a second parse of mkdocs.yml. `known` is False when mkdocs.yml does not read (validate
    reports that) or lists other extensions: a link beside a heading is then left to MkDocs."""

    def __init__(self, config: ConfigRead):
        self.config = config
        # what the content cache's clean references were judged under (slugify, separator, extensions), in
        # mkdocs.yml or a file it INHERITs
        self.settings = hashlib.sha256(config.settings_text.encode("utf-8", "surrogatepass")).hexdigest()

    @cached_property
    def _reader(self):
        from .markdown_extensions import heading_ids_reader

        if self.config.problems or not isinstance(self.config.raw, dict):
            return None
        return heading_ids_reader(self.config.raw.get("markdown_extensions"))

    @property
    def known(self) -> bool:
        return self._reader is not None

    def __call__(self, text: str) -> set[str]:
        return self._reader(text)


def check_project_shapes(project: Path, parses: ContentCache | None = None,
                         config: ConfigRead | None = None) -> tuple[list[Document], list[Problem], set[str]]:
    """check_project, plus the paths of loaded files whose own shape is broken (for lenient summaries). `parses`:
    where each file's parse and shape check are looked up and kept, the project's build/cache (kept_parses) or a
    run's own in memory (content_cache.RevisionParses); None reads every file afresh and keeps nothing. `config`:
    mkdocs.yml as this run read it; read here for a caller that has not."""
    documents, problems = load_content(project, parses)
    loaded = {doc.path for doc in documents}
    unreadable = tuple(sorted({p.path for p in problems if p.severity == "error" and p.path not in loaded}))
    # A file that could not be read is the root cause of what follows: it is reported first.
    problems = [replace(p, unreadable=True) if p.path in unreadable else p for p in problems]
    config = config if config is not None else read_config(project)
    checked, misshapen = _check_documents(documents, unreadable, parses, _SiteHeadingIds(config))
    if parses is not None:
        parses.prune()
    return documents, sorted(set(problems + checked)), misshapen
