"""The built site's internal links, checked after MkDocs and before the swap: no page may link nowhere.

MkDocs' strict mode checks links between Markdown pages; redirect pages from
mkdocs-redirects and theme-generated links are HTML it never validates, so
this pass reads every built page and resolves every internal href and #anchor.
"""

from __future__ import annotations

import posixpath
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

_LINK_ATTRS = {"a": "href", "link": "href", "img": "src", "script": "src"}


class _PageParser(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.ids: set[str] = set()
        self.links: list[str] = []

    def handle_starttag(self, tag, attrs):
        values = dict(attrs)
        for name in ("id", "name") if tag == "a" else ("id",):
            if values.get(name):
                self.ids.add(values[name])
        wanted = _LINK_ATTRS.get(tag)
        if wanted and values.get(wanted) is not None:
            self.links.append(values[wanted])


def _parse(file: Path) -> _PageParser:
    parser = _PageParser()
    parser.feed(file.read_text(encoding="utf-8", errors="replace"))
    return parser


def _target_file(site_dir: Path, path: str) -> Path | None:
    candidate = site_dir / path
    if path.endswith("/") or path == "":
        candidate = candidate / "index.html"
    elif candidate.is_dir():
        candidate = candidate / "index.html"
    return candidate if candidate.is_file() else None


def check_site_links(site_dir: Path, base_path: str = "/") -> list[str]:
    """'page: href' for every internal link whose file or #anchor does not exist in the built site."""
    pages = {f.relative_to(site_dir).as_posix(): f for f in sorted(site_dir.rglob("*.html"))}
    parsed: dict[str, _PageParser] = {}

    def page(relative: str) -> _PageParser:
        if relative not in parsed:
            parsed[relative] = _parse(pages[relative])
        return parsed[relative]

    base_path = "/" + base_path.strip("/") + "/" if base_path.strip("/") else "/"
    broken = []
    for relative in pages:
        if relative == "404.html":
            continue  # Material writes it with site-absolute links for any depth; not a page readers link to
        here = posixpath.dirname(relative)
        for href in page(relative).links:
            parts = urlsplit(href)
            if parts.scheme or parts.netloc or href.startswith(("mailto:", "javascript:", "data:")):
                continue
            path = unquote(parts.path)
            if path.startswith("/"):
                if not path.startswith(base_path):
                    broken.append(f"{relative}: {href} (outside the site)")
                    continue
                resolved = path[len(base_path):]
            else:
                resolved = posixpath.normpath(posixpath.join(here, path)) if path else relative
                if resolved.startswith(".."):
                    broken.append(f"{relative}: {href} (outside the site)")
                    continue
                if path.endswith("/") and not resolved.endswith("/"):
                    resolved += "/"
                resolved = "" if resolved in (".", "./") else resolved
            target = pages.get(relative) if not path else _target_file(site_dir, resolved)
            if target is None:
                broken.append(f"{relative}: {href} (no such file)")
                continue
            anchor = unquote(parts.fragment)
            if anchor and target.suffix == ".html":
                key = target.relative_to(site_dir).as_posix()
                if key in pages and anchor not in page(key).ids:
                    broken.append(f"{relative}: {href} (no #{anchor} on {key})")
    return broken
