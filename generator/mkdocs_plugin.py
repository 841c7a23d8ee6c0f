"""The thin MkDocs integration: page-level HTML safety and "edit this page" pointing at the YAML source.

It is injected by `csops build`/`serve` rather than listed in mkdocs.yml, so the
user's config stays theirs and the rest of the package never imports MkDocs.
"""

from __future__ import annotations

import nh3
from mkdocs.plugins import BasePlugin

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


def sanitize_html(html: str) -> str:
    """Reduce page HTML to the allow-list: no script, no event handlers, no javascript: URLs."""
    return nh3.clean(
        html, tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES, generic_attribute_prefixes={"data-", "aria-"},
        url_schemes={"http", "https", "mailto", "tel"}, link_rel=None, strip_comments=True,
        filter_style_properties=ALLOWED_STYLES,
    )


class CsopsPlugin(BasePlugin):
    """Injected into every MkDocs run of csops-portal."""

    def __init__(self, repo_url: str = "", edit_uri: str = "", pre_build=None):
        super().__init__()
        self.repo_url = repo_url
        self.edit_uri = edit_uri
        self.pre_build = pre_build

    def on_pre_build(self, config, **kwargs):
        # `csops serve` regenerates the Markdown from YAML before each rebuild.
        if self.pre_build is not None:
            self.pre_build(config)

    def on_page_content(self, html, page, config, files, **kwargs):
        return sanitize_html(html)

    def on_page_context(self, context, page, config, nav, **kwargs):
        source = page.meta.get("csops_source")
        if source and page.edit_url:
            page.edit_url = _edit_url(config, source)
        elif page.edit_url and not source:
            page.edit_url = None  # generated index pages have no single source to edit
        return context


def _edit_url(config, source: str) -> str | None:
    """Edit link for the YAML file a page came from: repo_url + edit_uri root + project-relative path."""
    repo_url = (config.get("repo_url") or "").rstrip("/")
    edit_uri = config.get("edit_uri") or ""
    if not repo_url:
        return None
    # edit_uri points at the docs folder (e.g. edit/main/build/docs/); the YAML lives at the project root.
    root = config.get("extra", {}).get("csops_edit_root") or _edit_root(edit_uri)
    return f"{repo_url}/{root.strip('/')}/{source}"


def _edit_root(edit_uri: str) -> str:
    parts = [p for p in edit_uri.strip("/").split("/") if p]
    # "edit/<branch>/<docs path…>" -> "edit/<branch>"
    return "/".join(parts[:2]) if len(parts) >= 2 else "edit/main"
