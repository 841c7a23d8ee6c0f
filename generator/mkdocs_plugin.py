"""The thin MkDocs integration: page-level HTML safety and "edit this page" pointing at the YAML source.

It is injected by `csops build`/`serve` rather than listed in mkdocs.yml, so the
user's config stays theirs and the rest of the package never imports MkDocs.
"""

from __future__ import annotations

import functools
import html
import os
import re
import secrets
from pathlib import Path
from typing import Callable
from urllib.parse import quote, urljoin

import jinja2
import markupsafe
import nh3
from mkdocs.plugins import BasePlugin, event_priority
from mkdocs.utils import get_relative_url

from .urls import FEED_FILE, WEB_SCHEMES

# Everything Python-Markdown, pymdown-extensions, Material and our templates emit; nothing that runs script.
ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "button", "caption", "code", "col", "colgroup", "dd", "del", "details",
    "div", "dl", "dt", "em", "figcaption", "figure", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "input",
    "ins", "kbd", "label", "li", "mark", "ol", "p", "pre", "q", "s", "samp", "small", "span", "strong", "sub",
    "summary", "sup", "table", "tbody", "td", "tfoot", "th", "thead", "time", "tr", "u", "ul", "var",
}
ALLOWED_ATTRIBUTES = {
    "*": {"class", "id", "title", "lang", "dir", "role", "tabindex", "hidden"},
    "a": {"href", "name", "target", "rel"},
    "img": {"src", "alt", "width", "height", "loading"},
    "input": {"type", "checked", "disabled", "name", "value"},
    "label": {"for"},
    "td": {"colspan", "rowspan", "align", "style"},
    "th": {"colspan", "rowspan", "align", "style", "scope"},
    "ol": {"start", "type"},
    "details": {"open"},
    "time": {"datetime"},
    "button": {"type"},
    "code": {"data-lang"},
}
# Table alignment from Markdown is the only inline style we keep.
ALLOWED_STYLES = {"text-align"}


# Ids and names the page's scripts look up: Material's `__config`, `__search`, `__drawer`, … and
# its `document$`-style globals, search.js's `__csopsSearch`, csops.js's `csopsSegmentHandler`.
# A body element carrying one would be found instead of the theme's (DOM clobbering: every id and
# some names also become `window.<id>`), so content gets them prefixed. Python-Markdown
# extensions write `__tabbed_1_2`, `__codelineno-0-1`, `__span-0-1` into pages themselves; those stay.
_RESERVED_ID = re.compile(r"(?!__(?:tabbed_[0-9_]+|codelineno-[0-9-]+|span-[0-9-]+)$)__.*|.*\$|csopsSegmentHandler")
RESERVED_ID_PREFIX = "user-"


# Material draws every <pre class="mermaid"> with Mermaid, which it first loads from unpkg.com (its latest 11.x,
# whatever that serves that day) when the site has none: a content body writing that class made every reader's
# browser run a third-party script on the portal's origin. Kept only where the site draws diagrams itself.
_DIAGRAM_CLASS = "mermaid"


def _attribute_filter(tooltips: bool, diagrams: bool = False):
    def keep(element: str, attribute: str, value: str) -> str | None:
        if attribute in ("id", "name", "for") and _RESERVED_ID.fullmatch(value):
            return RESERVED_ID_PREFIX + value
        if attribute == "class" and not diagrams and _DIAGRAM_CLASS in value.split():
            return " ".join(name for name in value.split() if name != _DIAGRAM_CLASS) or None
        if attribute.startswith(("data-md-", "data-search-")):
            return None  # Material mounts its components on these; search markers mean nothing here (static_search.py)
        if attribute == "title" and tooltips:
            # Material's tooltips put an element's title into the page as HTML; escaped,
            # the tooltip shows the text as typed.
            return html.escape(value, quote=False)
        return value
    return keep


def sanitize_html(page_html: str, tooltips: bool = False, diagrams: bool = False) -> str:
    """Reduce page HTML to the allow-list: no script, no event handlers, no javascript: URLs, no clobbering ids.

    `tooltips`: the theme shows title attributes as HTML (Material's `content.tooltips`).
    `diagrams`: the site draws Mermaid diagrams (`site_draws_diagrams`), so the class that asks for one is kept.
    """
    return nh3.clean(
        page_html, tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES, generic_attribute_prefixes={"data-", "aria-"},
        url_schemes=set(WEB_SCHEMES), link_rel=None, strip_comments=True,
        filter_style_properties=ALLOWED_STYLES, attribute_filter=_attribute_filter(tooltips, diagrams),
    )


def site_draws_diagrams(config) -> bool:
    """Whether the site set up Mermaid diagrams, as Material documents it: a superfences custom fence whose class
    is `mermaid`, or a Mermaid script of its own in extra_javascript."""
    try:
        fences = (config["mdx_configs"].get("pymdownx.superfences") or {}).get("custom_fences") or []
        scripts = [str(getattr(script, "path", script)) for script in config["extra_javascript"] or []]
    except (KeyError, TypeError, AttributeError):
        return False
    return (any(isinstance(fence, dict) and fence.get("class") == _DIAGRAM_CLASS for fence in fences)
            or any(_DIAGRAM_CLASS in script.lower() for script in scripts))


def theme_tooltips(config) -> bool:
    """Whether Material renders title attributes as HTML tooltips on this site."""
    try:
        features = config["theme"]["features"] or []
    except (KeyError, TypeError):
        return False
    return "content.tooltips" in features


# mkdocs-redirects' page for an old URL, keeping the query as well as the #anchor: a step link copied before a
# rename (playbooks/old/?v=…#step) lost its ?v= on the way, and with it the "this step changed" notice.
# Its `{url}` is the new page, relative, and may end in an #anchor of its own, which the reader's replaces.
REDIRECT_PAGE = """
<!doctype html>
<html lang="{lang}">
<head>
    <meta charset="utf-8">
    <title>{title}</title>
    <link rel="canonical" href="{{url}}">
    <script>var anchor=window.location.hash.substr(1),target="{{url}}",cut=target.indexOf("#");location.href=(cut<0?target:target.slice(0,cut))+window.location.search+(anchor?"#"+anchor:(cut<0?"":target.slice(cut)))</script>
    <meta http-equiv="refresh" content="0; url={{url}}">
</head>
<body>
<p>{text}</p>
<p><a href="{{url}}">{link}</a></p>
</body>
</html>
"""


def keep_query_in_redirects(language: str = "en", words: dict | None = None) -> None:
    """Have mkdocs-redirects write REDIRECT_PAGE (its page template is a module setting it formats per page), in the
    portal's language: the page shows without script, and a screen reader reads it by its lang.

    `words`: labels.yml's redirect_title, redirect_text and redirect_link (mkdocs_overrides puts them in
    extra.csops_redirect)."""
    try:
        from mkdocs_redirects import plugin as redirects
    except ImportError:  # the plugin is a dependency; a site without redirects needs nothing here
        return
    words = words or {}

    def text(key: str, default: str) -> str:  # escaped, and its braces kept from the plugin's str.format
        return html.escape(str(words.get(key) or default)).replace("{", "{{").replace("}", "}}")

    redirects.HTML_TEMPLATE = REDIRECT_PAGE.format(
        lang=text("lang", language.split("-")[0] or "en"), title=text("title", "Page moved"),
        text=text("text", "This page has moved to a new address."), link=text("link", "Go to the page"))


class ThemeFilesLoader(jinja2.FileSystemLoader):
    """The theme's template loader, listing no file under a dot folder.

    MkDocs lists every file of the theme to copy the static ones, and drops each path with a part that
    starts with a dot ('.*', '*/.*'); Material's .icons folder holds 14,348 of its 14,509 files, and
    walking and filtering them took 0.06 s of every build. Templates load as before.
    """

    def list_templates(self) -> list[str]:
        found = set()
        for searchpath in self.searchpath:
            for folder, subfolders, files in os.walk(searchpath, followlinks=self.followlinks):
                subfolders[:] = [name for name in subfolders if not name.startswith(".")]
                for name in files:
                    if not name.startswith("."):
                        found.add(os.path.relpath(os.path.join(folder, name), searchpath).replace(os.path.sep, "/"))
        return sorted(found)


def prepare_theme(theme, bytecode_cache=None) -> None:
    """Give every Jinja environment of this build's theme a ThemeFilesLoader and the compiled-template cache.

    Set on the theme before MkDocs runs any plugin: Material's search plugin builds its own environment in its
    `on_config` to read the language's defaults from partials/language.html, and compiled that template and its
    language file afresh in every run (6 ms per MkDocs process; 1 ms from the cache).
    `bytecode_cache`: template_cache.TemplateCache, or None where it cannot be written.
    """
    make_env = theme.get_env
    # csops' own theme templates (a 404 page in the portal's language) come before Material's, after the user's
    # custom_dir, whose templates still win
    ours = os.path.join(os.path.dirname(__file__), "theme")
    if ours not in theme.dirs:
        theme.dirs.insert(1 if theme.custom_dir else 0, ours)

    def get_env():
        env = make_env()
        env.loader = ThemeFilesLoader(theme.dirs)
        if bytecode_cache is not None:
            env.bytecode_cache = bytecode_cache
        return env

    theme.get_env = get_env


class CsopsPlugin(BasePlugin):
    """Injected into every MkDocs run of csops-portal.

    `plan` (a shards.PagePlan) says which pages this run renders: the others get their HTML
    copied from the live generation (an incremental build) or are left to another process
    (a share of a sharded build); MkDocs' dirty mode, driven by csops' own lists instead of file times.
    `search_docs`, called when the site is written, gives Material's search index's entries as JSON
    (static_search.material_docs_json), and Material's search plugin no longer parses every page's HTML for it.
    """

    def __init__(self, plan=None, progress=None, search_docs: Callable[[], str] | None = None, lift_blocks: bool = False,
                 links=None, pieces: tuple[Path | None, Path] | None = None):
        super().__init__()
        # (the live generation's sanitised_pieces folder when its build key is this build's, else None; this
        # build's): large lifted blocks' sanitised pieces, kept by page
        self.pieces = pieces
        self.piece_caches: dict = {}  # page -> sanitised_pieces.PieceCache, from its content to its writing
        # (linkcheck.Locator, {page: _Page}): each page's ids and links, located as it is written, so the
        # link check reads and parses no page this run rendered (and each MkDocs process does its own share)
        self.links = links
        self.plan = plan
        self.progress = progress
        self.search_docs = search_docs
        self.search = None
        self.lift_blocks = lift_blocks  # raw_blocks.py; only when no other plugin reads pages in between
        self.lifted: dict[str, tuple[str, list[str]]] = {}
        self.sanitizing: dict[str, bool] = {}  # sanitize_html's site settings, read once per build in on_config

    def on_config(self, config, **kwargs):
        keep_query_in_redirects(config.theme.get("language") or "en", (config.extra or {}).get("csops_redirect"))
        theme_safe_words(config)
        self.sanitizing = {"tooltips": theme_tooltips(config), "diagrams": site_draws_diagrams(config)}
        self.search = material_search(config) if self.search_docs is not None else None
        if self.search is not None:
            events = config.plugins.events["page_context"]
            events[:] = [m for m in events if getattr(m, "__self__", None) is not self.search]
        if self.plan is not None and not self.plan.site_wide:
            config.theme.static_templates.clear()  # 404 page and sitemap: the main run writes them
        return config

    @event_priority(-100)  # after any other plugin's changes to the Markdown
    def on_page_markdown(self, markdown, page, **kwargs):
        if not self.lift_blocks:
            return markdown
        from .raw_blocks import lift

        lifted, blocks = lift(markdown)
        if blocks:
            self.lifted[page.file.src_uri] = (markdown, blocks)
        return lifted

    def on_page_content(self, html, page, config, files, **kwargs):
        clean = functools.partial(sanitize_html, **self.sanitizing)
        if page.file.src_uri in self.lifted:
            from . import sanitised_pieces

            original, blocks = self.lifted.pop(page.file.src_uri)
            cache = sanitised_pieces.load(self.pieces[0] if self.pieces is not None else None, page.file.dest_uri)
            cleaned = sanitised_pieces.sanitize_lifted(html, blocks, clean, cache)
            if cleaned is not None:
                if cache.order:
                    self.piece_caches[page.file.dest_uri] = cache  # for the link check, then saved
                return cleaned
            # a placeholder moved (never seen): convert the page the slow way
            page.markdown = original
            page.render(config, files)
            html = page.content
        return clean(html)

    def on_page_context(self, context, page, config, nav, **kwargs):
        source = page.meta.get("csops_source")
        if source and page.edit_url:
            page.edit_url = _edit_url(config, source)
        elif page.edit_url and not source:
            page.edit_url = None  # generated index pages have no single source to edit
        return context

    def on_files(self, files, config, **kwargs):
        # The What's-new Atom feed, when the build wrote one (pipeline.build_portal does).
        self.feed = files.get_file_from_path(FEED_FILE)
        plan = self.plan
        if plan is not None:
            recycled = plan.recycled if plan.copy_from is not None else None
            taking = plan.site_wide and plan.copy_from is not None  # site-wide files from the live generation
            assets = _theme_assets(files, config) if taking else set()
            not_found = NOT_FOUND_PAGE if taking and NOT_FOUND_PAGE in config.theme.static_templates else None
            if recycled is not None:  # before any page is linked in: what it does not keep is removed
                recycled.keep([*(file.dest_uri for file in files
                                 if file.is_documentation_page() and file.src_uri not in plan.render),
                               *assets, *([not_found] if not_found else [])])
            if not_found and _from_live(plan, recycled, not_found, config.site_dir, plan.copied_site_wide):
                config.theme.static_templates.discard(not_found)  # the live one is this build's, byte for byte
            for file in files:
                if not file.is_documentation_page():
                    if not plan.site_wide:
                        file.is_modified = lambda: False  # theme and static assets: the main run copies them
                    elif file.dest_uri in assets and _from_live(plan, recycled, file.dest_uri, config.site_dir,
                                                                plan.copied_site_wide):
                        file.is_modified = lambda: False
                    continue
                if file.src_uri in plan.render:
                    file.is_modified = self._claimer(plan, file)  # MkDocs asks as it reaches the page
                    continue
                if plan.copy_from is None:
                    render = False
                elif _from_live(plan, recycled, file.dest_uri, config.site_dir, plan.copied):
                    render = False
                else:  # missing from the live site: rendered here
                    render = True
                    plan.rendered.append(file.dest_uri)
                file.is_modified = (lambda: True) if render else (lambda: False)
        return files

    def _claimer(self, plan, file):
        """`file.is_modified` for a page of the plan: claimed (shards.PagePlan.claim) the first time MkDocs asks,
        the same answer after. A page another run took counts as progress here: this bar is the build's."""
        answer = None

        def is_modified() -> bool:
            nonlocal answer
            if answer is None:
                answer = plan.claim(file.src_uri)
                if answer:
                    plan.rendered.append(file.dest_uri)
                elif self.progress is not None:
                    self.progress.advance()
            return answer

        return is_modified

    @event_priority(100)  # before Material's search plugin writes its index
    def on_post_build(self, config, **kwargs):
        """Material's search index gets the model's entries, the same however many pages this run rendered: Material
        writes its index with one entry, a word no text holds, whose place the entries' JSON takes (the index
        worker wrote it: static_search.material_docs_json), so the rest of the file stays Material's own. Its
        `previous` index, which `mkdocs serve` merges, is always None here: each run loads its plugins afresh."""
        if self.search is None:
            return
        index, docs = self.search.search_index, self.search_docs()
        place = secrets.token_hex(16)
        generate = index.generate_search_index
        index.entries = [place]
        index.generate_search_index = lambda previous: generate(previous).replace(f'["{place}"]', docs, 1)

    @event_priority(-100)  # last: what it parses for the link check is what MkDocs writes
    def on_post_page(self, output, page, config, **kwargs):
        """Every page's head announces the feed, so feed readers find it from any URL a reader pastes; then
        the page as written is parsed for the link check (`links`)."""
        if self.progress is not None:
            self.progress.advance()
        if getattr(self, "feed", None) is not None and "</head>" in output:
            href = get_relative_url(self.feed.url, page.url)
            title = config.get("site_name") or ""  # escaped by theme_safe_words
            link = f'<link rel="alternate" type="application/atom+xml" title="{title}" href="{html.escape(href, quote=True)}">'
            head_end = output.index("</head>")
            output = output[:head_end] + link + "\n" + output[head_end:]
        dest = page.file.dest_uri
        pieces = self.piece_caches.pop(dest, None)
        if self.links is not None:
            locator, parsed = self.links
            parsed[dest] = locator.page(dest, output, (pieces.order, pieces.kept_links, pieces.links) if pieces else None)
        if pieces is not None and self.pieces is not None:
            from . import sanitised_pieces

            sanitised_pieces.save(self.pieces[1], dest, pieces)
        return output


def _from_live(plan, recycled, dest: str, site_dir: str, taken: list[str]) -> bool:
    """Take a file of the site from the live generation: already in place in the recycled site, or linked from the
    live one; listed in `taken`. False when the live site lacks it, and MkDocs writes it."""
    from .incremental import copy_page

    if (recycled is not None and dest in recycled.kept) or copy_page(plan.copy_from, site_dir, dest):
        taken.append(dest)
        return True
    return False


# Material's 404 page, a theme template MkDocs renders for the whole site
NOT_FOUND_PAGE = "404.html"


def _theme_assets(files, config) -> set[str]:
    """The site paths of the files MkDocs copies from the theme's folders (Material's and csops' own). Their bytes,
    and the 404 page's, come from nothing but the build key's parts (mkdocs.yml, csops' overrides and navigation,
    the versions of MkDocs, Material and csops): an incremental build, whose key is the live generation's, takes
    them from it instead of copying some fifty files and rendering the 404 page with the whole navigation again
    (25 ms of the build process's edit rebuild at 300 playbooks). Files of the docs folder (the feed, csops' assets
    written there) are MkDocs' to copy, as before."""
    theme_dirs = {os.path.normpath(folder) for folder in config.theme.dirs}
    return {file.dest_uri for file in files
            if not file.is_documentation_page() and file.src_dir is not None and not file.generated_by
            and os.path.normpath(file.src_dir) in theme_dirs}


# mkdocs.yml's words that Material writes into every page as they are, in text or an attribute, and elsewhere
# through `| e`: `site_name: R&D "Support"` broke the header's aria-label, and `<script>` in site_name,
# site_author or repo_name ran on every page (content's words are escaped where they are written; these are too)
THEME_WORDS = ("site_name", "site_description", "site_author", "repo_name")


# The settings below the top level Material writes as they are, each word of them: a palette toggle's name (its
# aria-label), analytics' property (into a script), feedback's title and each rating's name and data (attributes),
# consent's title and cookie names, a social link's name, a language switcher's names (red team: a toggle name
# '"><img onerror=…>' and a rating's ran on every page, a property '</script><script>…' ran). Their HTML keys, as
# Material documents them (a rating's note, consent's description), go through the sanitiser as copyright does.
THEME_SETTINGS = (("theme", "palette"), ("extra", "analytics"), ("extra", "consent"), ("extra", "social"),
                  ("extra", "alternate"))
_HTML_KEYS = ("copyright", "note", "description")  # what Material documents as HTML: sanitised, not escaped


def theme_safe_words(config) -> None:
    """Each of THEME_WORDS, and every word of THEME_SETTINGS, as escaped Markup, which Jinja's `| e` leaves as it is,
    so both kinds of place show it once escaped; copyright, which Material documents as HTML, through the pages' own
    sanitiser."""
    for name in (*THEME_WORDS, "copyright"):
        if isinstance(config.get(name), str):
            config[name] = _safe_words(config[name], name)
    for top, name in THEME_SETTINGS:
        settings = config.get(top)
        if settings is not None and name in settings:
            settings[name] = _safe_words(settings[name])


def _safe_words(value, key: str = ""):
    """`value` with each text in it escaped (one under an _HTML_KEYS key sanitised), lists and mappings alike."""
    if isinstance(value, markupsafe.Markup):
        return value
    if isinstance(value, str):
        return markupsafe.Markup(sanitize_html(value) if key in _HTML_KEYS else html.escape(value, quote=True))
    if isinstance(value, dict):
        return {name: _safe_words(item, name) for name, item in value.items()}
    if isinstance(value, list):
        return [_safe_words(item, key) for item in value]
    return value


def material_search(config):
    """Material's search plugin in this build, or None (MkDocs' own search, or no search at all)."""
    from material.plugins.search.plugin import SearchPlugin

    return next((p for p in config.plugins.values() if isinstance(p, SearchPlugin)), None)


def _edit_url(config, source: str) -> str | None:
    """Edit link for the YAML file a page came from: repo_url + edit_uri root + project-relative path, or
    edit_uri_template with that path as its {path}.

    Material writes the link into href="" as it is, so the path is percent-encoded: a file name is
    never markup, and `My playbook.yml` still opens the right file.
    """
    repo_url = (config.get("repo_url") or "").rstrip("/")
    template = config.get("edit_uri_template")
    if template:
        # MkDocs' own template ({path}, {path_noext}, {path!q}), its {path} the YAML file: with edit_uri_template set
        # (and edit_uri not, which MkDocs refuses beside it) the edit button had silently disappeared
        link = template.format(quote(source), quote(os.path.splitext(source)[0]))
        return urljoin(repo_url + "/", link) if repo_url else link
    edit_uri = config.get("edit_uri") or ""
    if not repo_url and edit_uri.startswith(("https://", "http://")):
        # No repo_url (so Material shows no repository widget and fetches no stars) but an absolute
        # edit_uri: it names the project root in the repository's edit view.
        return f"{edit_uri.rstrip('/')}/{quote(source)}"
    if not repo_url:
        return None
    # edit_uri points at the docs folder (e.g. edit/main/build/docs/); the YAML lives at the project root.
    root = config.get("extra", {}).get("csops_edit_root") or _edit_root(edit_uri)
    return f"{repo_url}/{quote(root.strip('/'))}/{quote(source)}"


def _edit_root(edit_uri: str) -> str:
    parts = [p for p in edit_uri.strip("/").split("/") if p]
    # "edit/<branch>/<docs path…>" -> "edit/<branch>"
    return "/".join(parts[:2]) if len(parts) >= 2 else "edit/main"
