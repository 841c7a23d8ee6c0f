"""Pure rendering: the model in, Markdown pages out, through the Jinja2 templates in `templates/`.

Nothing here touches the disk except reading templates; the same model always
gives byte-identical pages, so pull-request diffs of generated output stay clean.
"""

from __future__ import annotations

import functools
import hashlib
import json
import re
from dataclasses import replace
from functools import cached_property
from pathlib import Path
from typing import Callable

import jinja2

from . import urls
from .change_lines import change_html
from .conflict_markers import conflict_problems
from .durations import parse_due
from .escaping import escape_attr, escape_text, escape_text_code, literal_markdown
from .fingerprints import code_digest, files_digest
from .markdown_text import code_text_words
from .kinds import KINDS
from .model_pickles import ModelPickles
from .page_context import SEPARATOR, PageContext
from .paths import PACKAGE_TEMPLATES
from .portal import Duty, Portal
from .portal_time import local_date, local_time
from .run_memory import RunMemory
from .term_matching import spellings_in
from .ui_labels import load_labels
from .versions import SEARCH_ONLY_FIELDS, item_version, tick_version

# Kana, kanji and full-width forms: a text with none of them is not Japanese.
_JAPANESE = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef]")

_PLAIN_WORD = re.compile(r"[A-Z][a-z]+")
# Three or more line ends, which a page keeps as two. Spelled with its three-character prefix, which the regex
# engine finds with a fast scan: r"\n{3,}" tried a match at each line end, 9-19 ms of CPU per large role page
# (2-3 ms this way), on each of the pages an edit rebuild renders again.
_BLANK_LINES = re.compile(r"\n\n\n+")
# What each playbook's page shows of it, pickled, as its page key holds it: in a rebuilding process an unchanged
# playbook is the last build's very object (model_builder.py), whose steps need not be written out again.
_shown = RunMemory()


def indent(text: str, width: int = 4) -> str:
    pad = " " * width
    return "\n".join(pad + line if line.strip() else "" for line in text.splitlines())


class TemplateFailed(Exception):
    """A page template could not be rendered: where (template:line) and why, for one line of output."""


def template_failure(error: jinja2.TemplateError, templates_dir: Path) -> TemplateFailed:
    """A Jinja error as `templates/playbook.md.j2:12: unexpected '}'`: a template a team edited (a tag left open,
    a field that does not exist) ended `csops build` in a traceback, and `csops serve` hung every page."""
    import traceback

    where = ""
    if isinstance(error, jinja2.TemplateSyntaxError):
        where = f"{error.filename or error.name}:{error.lineno}"
    else:  # Jinja puts the template's own lines into the traceback
        frames = [f for f in traceback.extract_tb(error.__traceback__) if f.filename.endswith((".j2", ".html"))]
        if frames:
            where = f"{frames[-1].filename}:{frames[-1].lineno}"
    for root in (templates_dir.parent, PACKAGE_TEMPLATES.parent):
        where = where.replace(str(root) + "/", "")
    message = getattr(error, "message", None) or str(error)
    return TemplateFailed(f"{where + ': ' if where else ''}template error: {message} (fix the template and build again)")


class _ConflictCheckingLoader(jinja2.FileSystemLoader):
    """Templates as read from the disk, a merge-conflict block refused at its line: Jinja reads git's markers as
    text, and a pulled template published '<<<<<<< HEAD' and both versions on every page it makes."""

    def get_source(self, environment, template):
        source, filename, uptodate = super().get_source(environment, template)
        conflicts = conflict_problems(filename, source, markdown=filename.endswith(".md.j2"))
        if conflicts:
            raise jinja2.TemplateSyntaxError(f"{conflicts[0].message} ({conflicts[0].hint})", conflicts[0].line,
                                             template, filename)
        return source, filename, uptodate


class Page:
    """One generated Markdown page: its docs-relative path and content.

    A page taken unchanged from the live generation (`previous`: its file there) is read only if its
    text is asked for: the build hard-links that file, so an edit at 1,000 playbooks no longer reads
    a thousand unchanged pages. `remake` renders it again should that file be gone by then.
    """

    __slots__ = ("source", "_text", "previous", "_remake")

    def __init__(self, source: str, text: str | None = None, previous: Path | None = None,
                 remake: Callable[[], str] | None = None):
        self.source, self._text, self.previous, self._remake = source, text, previous, remake

    @property
    def text(self) -> str:
        if self._text is None:
            try:
                self._text = self.previous.read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError):  # another build replaced that generation meanwhile
                self._text = self._remake()
        return self._text

    def __repr__(self) -> str:
        return f"Page({self.source!r})"


class Renderer:
    """Renders every page of a portal. Holds the Jinja2 environment and the lookup tables templates use."""

    def __init__(self, portal: Portal, templates_dir: Path | None = None, language: str = "en",
                 site_url: str = "", changes=None, bytecode_cache=None, previous=None, pickles: ModelPickles | None = None):
        self.portal = portal
        # the playbooks' pickled bytes, which their page keys are made from (shared with the search-index job)
        self.pickles = pickles or ModelPickles()
        # incremental.PreviousPages: the live generation's Markdown by render key; a playbook, phase or role page
        # whose key is unchanged is taken from there instead of rendered (the bulk of an edit rebuild's rendering)
        self.previous = previous
        self.render_keys: dict[str, str] = {}  # source -> render key of each reusable page, saved for the next build
        self.reused = 0  # pages taken from `previous`
        # The What's-new history (a history.ChangeFeed); None: built without one, and the page says so.
        self.changes = changes
        self.templates_dir = templates_dir or PACKAGE_TEMPLATES
        self.labels = load_labels(self.templates_dir, language)
        self.language = language
        self.site_url = site_url
        self.chip_cache: dict[tuple[str, str, bool], str] = {}
        self._shown_bytes: dict[tuple[str, str], bytes] = {}  # ("playbook", id) -> the playbook as its page key holds it
        self._shown_digests: dict[tuple[str, str], bytes] = {}
        loader = _ConflictCheckingLoader([str(self.templates_dir), str(PACKAGE_TEMPLATES)])
        # bytecode_cache: template_cache.TemplateCache, so a rebuild does not compile every template again
        self.env = jinja2.Environment(loader=loader, undefined=jinja2.StrictUndefined, autoescape=False,
                                      trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True,
                                      bytecode_cache=bytecode_cache)
        self.env.filters.update(text=escape_text, attr=escape_attr, indent_md=indent, tojson=lambda v: json.dumps(v, ensure_ascii=False))
        self.env.tests["contains"] = lambda container, value: value in container
        self.env.globals.update(review_due=portal.review_due)
        self.env.filters.update(text_code=escape_text_code, literal_md=literal_markdown, text_code_words=code_text_words)
        self.env.globals.update(lc=self.label_colon, colon_gap=self.labels.get("colon_gap", " "), sep=SEPARATOR, due_text=self.due_text,
                                role_code=portal.role_code,
                                tag_anchor=urls.tag_anchor)
        self.env.globals.update(label=self.label, role_name=self.role_name, portal=portal,
                                tick_version=functools.partial(tick_version, portal),
                                segment_name=self.segment_name, phase_name=self.phase_name,
                                phase_description=self.phase_description, by_phase=self.by_phase)
        self.env.globals.update(changes=changes, item_versions=self.item_versions, item_noun=lambda kind: KINDS[kind].item_noun, change_line=self.change_line,
                                local_date=self.local_date, local_time=self.local_time, role_lang=self.role_lang,
                                role_lang_attr=self.role_lang_attr)
        self.env.filters.update(own_language=self.own_language, in_language=self.in_language)

    # -- lookups templates call -------------------------------------------------
    @cached_property
    def _segments(self) -> dict:
        return {s.id: s.name for s in self.portal.settings.segments}

    def label(self, key: str, **values) -> str:
        return self.labels[key].format(**values)

    def label_colon(self, key: str) -> str:
        """A label that introduces a value: "Owner:" in English, 「管理担当：」 with a full-width colon in Japanese."""
        return self.labels[key] + self.labels["colon"]

    def due_text(self, due: str) -> str:
        """A due offset as readers of the UI language say it (120日前, 3日後); as written when no wording is set."""
        days = parse_due(due)
        if days is None:
            return due
        unit = due[-1]
        number = abs(days) // 7 if unit == "w" else abs(days)
        if days == 0:
            return self.labels.get("due_on") or due
        wording = self.labels.get(f"due_{'before' if days < 0 else 'after'}_{unit}")
        return wording.format(n=number) if wording else due

    def own_language(self, text: str) -> str:
        """`text` escaped for Markdown, marked as English where a Japanese page shows it without one Japanese
        character (a commit subject its developers wrote in English): a Japanese voice read it as Japanese.
        Guessed, as git says nothing of a subject's language; content says its own (`foreign_language`)."""
        escaped = escape_text(text)
        if self.language.split("-")[0] != "ja" or not text.strip() or _JAPANESE.search(text):
            return escaped
        return self.in_language(escaped, "en")

    def foreign_language(self, lang: str) -> str:
        """`lang` (what the content says its text is written in) when pages are in another language, else "":
        a screen reader reads text in its page's voice unless an element says otherwise."""
        return lang if lang and lang.split("-")[0].lower() != self.language.split("-")[0].lower() else ""

    def in_language(self, escaped: str, lang: str) -> str:
        """Escaped text (Markdown or HTML) written in `lang`, in a span saying so where that is not the pages'."""
        lang = self.foreign_language(lang)
        return f'<span lang="{escape_attr(lang)}">{escaped}</span>' if lang and escaped.strip() else escaped

    def role_lang(self, role_id: str) -> str:
        """The language a role's name and short name are written in, where pages are in another; else ""."""
        role = self.portal.roles_by_id.get(role_id)
        return self.foreign_language(role.lang) if role else ""

    def role_lang_attr(self, role_id: str) -> str:
        """` lang="en"` for an element showing only a role's name or short name in another language; else ""."""
        lang = self.role_lang(role_id)
        return f' lang="{escape_attr(lang)}"' if lang else ""

    def role_name(self, role_id: str) -> str:
        role = self.portal.roles_by_id.get(role_id)
        return role.name if role else role_id

    def segment_name(self, segment_id: str) -> str:
        return self._segments.get(segment_id, segment_id)

    @cached_property
    def _phases(self) -> dict:
        return {p.id: p for p in self.portal.settings.phases}

    def phase_name(self, phase_id: str) -> str:
        """settings.yml's name, else the UI language's name for a common phase, else the slug made readable."""
        if phase_id in self._phases:
            return self._phases[phase_id].name
        return self.labels.get(f"phase_{phase_id}") or phase_id.replace("-", " ").replace("_", " ").capitalize()

    def phase_description(self, phase_id: str) -> str:
        phase = self._phases.get(phase_id)
        return phase.description if phase else ""

    def by_phase(self, duties: list[Duty]) -> list[tuple[str, list[Duty]]]:
        """Playbook duties grouped by phase, in the portal's phase order (steps of unphased playbooks last)."""
        order = {phase: index for index, phase in enumerate(self.portal.phases)}
        groups: dict[str, list[Duty]] = {}
        for duty in duties:
            groups.setdefault(duty.group, []).append(duty)
        return sorted(groups.items(), key=lambda kv: (kv[0] == "", order.get(kv[0], len(order)), kv[0]))

    def item_versions(self, source: str, doc) -> dict:
        """Each versioned item's (step's, FAQ answer's, chart duty's) current version and past changes ([version
        before, date, What's-new link]) for csops.js."""
        found = {}
        for item in doc.anchored_items:
            past = self.changes.item_changes(doc.kind, doc.id, item.id) if self.changes is not None else ()
            found[item.id] = {"v": item_version(item, self.portal),
                              "changes": [[c.before, self.local_date(c.timestamp),
                                           urls.site_href(source, urls.WHATS_NEW_PAGE, c.anchor)]
                                          for c in past]}
        return found

    def local_date(self, timestamp: int) -> str:
        """A commit's day as the portal's readers count days (settings.yml `timezone:`)."""
        return local_date(timestamp, self.portal.settings.timezone)

    def local_time(self, timestamp: int) -> str:
        """A commit's time of day with its zone, as the portal's readers read clocks ('08:30 JST'): beside the
        heading's date, which repeated here read as two dates for one commit."""
        return local_time(timestamp, self.portal.settings.timezone)

    def change_line(self, page: PageContext, change) -> str:
        """A What's-new line for the page, linking to where the change is today."""
        def href(target):
            return urls.site_href(page.source, urls.page_source(target.kind, target.doc_id), target.anchor)
        return change_html(change, self.labels.__getitem__, href, escape_text)

    # -- page rendering ---------------------------------------------------------
    def _render(self, template: str, source: str, **context) -> Page:
        page_context = PageContext(self, source)
        text = self.env.get_template(template).render(page=page_context, **context)
        text = _BLANK_LINES.sub("\n\n", text).strip() + "\n"
        return Page(source, _after_front_matter(text, self._abbreviations(text)))

    def _abbreviations(self, text: str) -> str:
        """Glossary terms present on the page, as Markdown abbreviations (hover definitions), each its own block:
        Python-Markdown re-reads the rest of a block after each definition line, so 1,400 spellings in one
        block took 18 s of a build."""
        shown = spellings_in(text, self._defined_spellings)
        return "".join(f"*[{spelling}]: {definition}\n\n" for spelling, definition in self._defined_spellings.items()
                       if spelling in shown)

    @cached_property
    def _defined_spellings(self) -> dict[str, str]:
        """Each spelling that can carry a hover definition, with its definition on one line (a break would end it),
        in glossary order. Ordinary capitalised words (Renewal, Churn) would underline every heading and sentence
        start, so their definitions stay on the glossary page; a spelling with "]" or "\\" cannot be an
        abbreviation (validate refuses it): it would show as text."""
        spellings = {}
        for term in self.portal.glossary:
            definition = " ".join(term.definition.split())
            for spelling in (term.term,) + term.synonyms:
                if spelling.strip() and not {"]", "\\"} & set(spelling) and not _PLAIN_WORD.fullmatch(spelling):
                    spellings[spelling] = definition  # as abbr reads them: the last definition of a spelling wins
        return spellings

    @cached_property
    def _shared_key(self) -> str:
        """Everything a reusable page may show besides its own content: templates, csops' code, the UI
        language and site URL, roles, glossary and settings. A change to any of them re-renders every page."""
        portal = self.portal
        shared = (code_digest(), files_digest([self.templates_dir, PACKAGE_TEMPLATES]), self.language, self.site_url,
                  portal.roles, portal.glossary, portal.settings)
        return hashlib.sha256(repr(shared).encode("utf-8")).hexdigest()

    def _playbook_page(self, playbook) -> Page:
        """A playbook's page, taken from the live generation when nothing it shows has changed."""
        source = urls.page_source("playbook", playbook.id)
        related = [(r, p.title, p.summary) for r in playbook.related for p in [self.portal.playbooks_by_id.get(r)] if p]
        # the page's step versions (item_versions) come from the steps and their past changes: the key holds
        # both instead of the versions, which would hash every step of every playbook again on each build
        past = ([self.changes.item_changes("playbook", playbook.id, step.id) for step in playbook.steps]
                if self.changes is not None else [])
        shown = self._shown_bytes["playbook", playbook.id] = _shown.get_by(
            playbook, lambda: self.pickles.of(_as_shown(playbook)))
        # versions spell references by their targets' first ids (FirstNames.as_first_named): an alias added to a target
        # changes them without a change to this playbook
        first_names = self.portal.first_names
        first_named = first_names.as_first_named(repr(_as_shown(playbook))) if first_names.may_rename(shown) else ""
        key = self._key(hashlib.blake2b(shown).hexdigest(), first_named, repr(related), repr(past))
        return self._reused_or(source, key, lambda: self._render("playbook.md.j2", source, doc=playbook))

    @cached_property
    def role_rows(self):
        """The rows of role pages this build (incremental.RoleRows), taken from the live generation where made from
        the same."""
        from .incremental import RoleRows

        return RoleRows(self.previous, self._shared_key)

    def shown_digest(self, kind: str, doc_id: str) -> bytes:
        """All a document shows on other pages, as a few bytes: a playbook as its page key holds it, a chart whole."""
        digest = self._shown_digests.get((kind, doc_id))
        if digest is None:
            shown = self._shown_bytes.get((kind, doc_id))
            if shown is None:
                doc = (self.portal.playbooks_by_id[doc_id] if kind == "playbook"
                       else next(chart for chart in self.portal.charts if chart.id == doc_id))
                shown = self.pickles.of(_as_shown(doc) if kind == "playbook" else doc)
            digest = hashlib.blake2b(f"{kind}\x1f{doc_id}\x1f".encode("utf-8") + shown, digest_size=16).digest()
            self._shown_digests[kind, doc_id] = digest
        return digest

    def _role_page(self, role) -> Page:
        """A role's page, taken from the live generation when nothing it shows changed: its duties (document and
        step titles, anchors, letters, phases), the playbooks it owns and the checklists for it. A step's body is
        not on it: keyed by its playbooks' page keys, a one-word body edit rendered all six role pages again
        (0.1 s of a 1.2 s edit rebuild at 1,000 playbooks)."""
        portal, source = self.portal, urls.page_source("role", role.id)
        owned = [(p.id, p.title, p.phase, p.owner, len(p.steps)) for p in portal.playbooks if p.owner == role.id]
        key = self._key(repr(role), _strings_key(portal.role_duties(role.id)), repr(owned),
                        repr([(c.id, c.title) for c in portal.checklists if role.id in c.audience]))
        page = self._reused_or(source, key, lambda: self._render("role.md.j2", source, role=role,
                                                                 duty_groups=portal.role_duties_by_letter(role.id)))
        if page.previous is not None:
            self.role_rows.carry(source)
        return page

    def _phase_page(self, phase: str) -> Page:
        """A phase's page, taken from the live generation when none of its playbooks' titles, summaries, or
        steps' titles and owners changed (what it shows of them)."""
        source, playbooks = urls.page_source("phase", phase), self.portal.playbooks_in_phase(phase)
        shown = [(p.id, p.title, p.summary, [(s.id, s.title, s.owner) for s in p.steps]) for p in playbooks]
        key = self._key(phase, repr(shown))
        return self._reused_or(source, key, lambda: self._render("phase.md.j2", source, phase=phase, playbooks=playbooks))

    def _key(self, *parts: str) -> str:
        """A page's render key: what it shows of its own, and what every page may show (`_shared_key`)."""
        return hashlib.sha256("\x1f".join((self._shared_key,) + parts).encode("utf-8")).hexdigest()

    def _reused_or(self, source: str, key: str, render: Callable[[], Page]) -> Page:
        """The live generation's page made with this very key, else `render()`; the key is kept for the next build."""
        self.render_keys[source] = key
        previous = self.previous.markdown_file(source, key) if self.previous is not None else None
        if previous is None:
            return render()
        self.reused += 1
        return Page(source, previous=previous, remake=lambda: render().text)

    def render_pages(self) -> list[Page]:
        """Every page of the portal, sorted by path."""
        portal = self.portal
        pages = [self._render("home.md.j2", urls.HOME_PAGE),
                 self._render("playbooks_index.md.j2", urls.section_index("playbook")),
                 self._render("onboarding_index.md.j2", urls.section_index("onboarding")),
                 self._render("faq_index.md.j2", urls.section_index("faq")),
                 self._render("charts_index.md.j2", urls.section_index("chart")),
                 self._render("roles_index.md.j2", urls.section_index("role")),
                 self._render("glossary.md.j2", urls.GLOSSARY_PAGE),
                 self._render("whats_new.md.j2", urls.WHATS_NEW_PAGE, feed=self.changes)]
        if portal.tags:
            pages.append(self._render("tags.md.j2", urls.TAGS_PAGE))
        pages += [self._playbook_page(playbook) for playbook in portal.playbooks]
        pages += [self._phase_page(phase) for phase in portal.phases]
        for checklist in portal.checklists:
            pages.append(self._render("checklist.md.j2", urls.page_source("onboarding", checklist.id), doc=checklist))
        for topic in portal.faqs:
            pages.append(self._render("faq.md.j2", urls.page_source("faq", topic.id), doc=topic))
        for chart in portal.charts:
            pages.append(self._render("chart.md.j2", urls.page_source("chart", chart.id), doc=chart,
                                      chart_roles=portal.chart_roles(chart)))
        pages += [self._role_page(role) for role in portal.roles]
        return sorted(pages, key=lambda p: p.source)


def _strings_key(rows: list[tuple[str, ...]]) -> str:
    """Rows of strings as one string for a page key: joined by separators that no content holds as a rule, and
    written out by repr() when one does. repr() took 33 ms a build for the 32,000 duties of 1,000 playbooks."""
    text = "\x1f".join(["\x1e".join(row) for row in rows])
    if text.count("\x1e") + text.count("\x1f") != max(sum(map(len, rows)) - 1, 0):
        return repr([tuple(row) for row in rows])
    return text


def _as_shown(playbook):
    """The playbook as pages show it, without what only search reads (SEARCH_ONLY_FIELDS): editing a step's
    asked_as re-rendered its page and every role page listing the playbook, to the same bytes."""
    if not any(getattr(step, name) for step in playbook.steps for name in SEARCH_ONLY_FIELDS):
        return playbook
    return replace(playbook, steps=tuple(replace(step, **{name: () for name in SEARCH_ONLY_FIELDS}) for step in playbook.steps))


def _after_front_matter(text: str, block: str) -> str:
    """`text` with `block` put right after its front matter: at the end, a content's unclosed <div> took the
    hover definitions into its raw HTML and showed them as text."""
    if not block:
        return text
    end = text.find("\n---\n", 4) + 5 if text.startswith("---\n") else 0
    return text[:end] + "\n" + block + text[end:].lstrip("\n") if end >= 5 else block + text


def render_pages(portal: Portal, templates_dir: Path | None = None, language: str = "en", site_url: str = "",
                 changes=None) -> list[Page]:
    return Renderer(portal, templates_dir, language, site_url, changes).render_pages()
