"""The built site's internal links, checked after MkDocs and before the swap: no page may link nowhere.

MkDocs' strict mode checks links between Markdown pages; redirect pages from
mkdocs-redirects and theme-generated links are HTML it never validates, so
this pass reads every built page and resolves every internal href and #anchor.
"""

from __future__ import annotations

import html
import marshal
import os
import posixpath
import re
from collections import defaultdict
from pathlib import Path
from typing import NamedTuple
from urllib.parse import unquote, urlsplit

# Links readers follow and the stylesheets pages need; images in content are not links (and may be sanitised away).
_LINK_ATTRS = {"a": "href", "link": "href"}


# MkDocs, Material and nh3 write well-formed, double-quoted attributes, so regex passes are exact
# here and ~10x faster than html.parser (which would double the cost of large builds). A page is read
# as the matches, in order and not overlapping, of r'<(a|link|img|script)\b([^>]*)>|\sid="([^"]*)"'
# (IGNORECASE), its two alternatives searched one at a time (parse_html): 2-3x faster than the one regex.
_LINK_TAG = re.compile(r"<(a|link|img|script)\b([^>]*)>", re.I)
_ATTR = re.compile(r"\s(href|src|name)=\"([^\"]*)\"", re.I)
_INNER_ID = re.compile(r"\sid=\"([^\"]*)\"")
_I = "iI\u0130\u0131"  # what IGNORECASE takes for "i"
_URLSPLIT_REMOVES = re.compile(r"[\t\r\n]")  # from anywhere in a URL, its #anchor too
_UNKNOWN = object()


# Saved beside a generation's site: each page's ids and the places its links lead, so the next build
# follows no link of a page it copied unless one of those places changed (check_site_links).
# marshal, not JSON: 5x faster to read, and only ever read from a generation this machine sealed
# (generations.trusted_generation), never from one found in the repository.
LINKS_FILE = "links.marshal"
SELF = "\0self"        # a located link to the page it is on ("#anchor", "?query")
OUTSIDE = "\0outside"  # a located link that leaves the site


class _Page:
    def __init__(self, ids: set[str], links: list[str], located: list[tuple[str, str, str]] | None = None):
        self.ids = ids
        self.links = links
        # (href, site path before index.html lookup | SELF | OUTSIDE, #anchor) of each internal link, once resolved
        self.located = located

    def summary(self) -> "Summary":
        targets: defaultdict[str, set[str]] = defaultdict(set)  # a role page has 14,000 links: no set made per link
        for _, where, anchor in self.located or ():
            targets[where].add(anchor)
        return Summary(tuple(sorted(self.ids)), {where: tuple(sorted(anchors - {""}))
                                                 for where, anchors in sorted(targets.items())})


class Summary(NamedTuple):
    """What a later build needs of a page that passed the check: its ids, and the places its links lead
    (site paths before index.html lookup, SELF, OUTSIDE) with the #anchors it links to there."""

    ids: tuple[str, ...]  # sorted, as every field: saved as loaded, and compared only where a page changed
    targets: dict[str, tuple[str, ...]]


def load_summaries(path: Path) -> dict[str, Summary]:
    """A generation's saved summaries ({} when missing or unreadable: every page is then followed)."""
    try:
        return {page: Summary(*fields) for page, fields in marshal.loads(path.read_bytes()).items()}
    except (OSError, ValueError, EOFError, TypeError, AttributeError):
        return {}


def save_summaries(path: Path, summaries: dict[str, Summary]) -> None:
    path.write_bytes(marshal.dumps({page: tuple(summary) for page, summary in summaries.items()}))


def pack(parsed: dict[str, _Page]) -> dict[str, tuple]:
    """Located pages as plain tuples, for a MkDocs worker to send back."""
    return {page: (tuple(p.ids), p.located) for page, p in parsed.items() if p.located is not None}


def unpack(pages: dict[str, tuple]) -> dict[str, _Page]:
    return {page: _Page(set(ids), [link[0] for link in located], located) for page, (ids, located) in pages.items()}


def parse_html(text: str) -> _Page:
    """A page's ids and the hrefs of its links, from its HTML (a link tag searched from "<", an id from 'd="')."""
    ids: set[str] = set()
    links: list[str] = []
    tag = _LINK_TAG.search(text)
    id_matches = _Ids(text)
    found_id = id_matches.first(0)
    while tag is not None or found_id is not None:
        if found_id is not None and (tag is None or found_id[0] < tag.start()):
            _, end, value = found_id
            ids.add(html.unescape(value))
        else:
            end = tag.end()
            tag_name = tag[1].lower()
            attributes = tag[2]
            if attributes.startswith(' href="') and attributes.count('"') == 2 and attributes.endswith('"'):
                # a link with only an href (most of a role page's 14,000): what the passes below find in it
                if _LINK_ATTRS.get(tag_name) == "href":
                    links.append(html.unescape(attributes[7:-1]))
                tag = _LINK_TAG.search(text, end)
                if found_id is not None and found_id[0] < end:
                    found_id = id_matches.first(end)
                continue
            attrs = {name.lower(): html.unescape(value) for name, value in _ATTR.findall(attributes)}
            if tag_name == "a" and attrs.get("name"):
                ids.add(attrs["name"])
            wanted = _LINK_ATTRS.get(tag_name)
            if wanted and attrs.get(wanted) is not None:
                links.append(attrs[wanted])
            inner_id = _INNER_ID.search(tag[2])
            if inner_id:
                ids.add(html.unescape(inner_id[1]))
        if tag is not None and tag.start() < end:
            tag = _LINK_TAG.search(text, end)
        if found_id is not None and found_id[0] < end:
            found_id = id_matches.first(end)
    return _Page(ids, links)


class _Ids:
    r"""The matches of r'\sid="([^"]*)"' (IGNORECASE) from any position on."""

    def __init__(self, text: str):
        self.text = text
        # every 'd="' after an i and a space, found by str.find: the regex has no literal to search for
        self.starts = sorted(at for literal in ('d="', 'D="') for at in _finds(text, literal)
                             if at >= 2 and text[at - 1] in _I and text[at - 2].isspace())  # re's \s is str.isspace
        self.next = 0

    def first(self, start: int) -> tuple[int, int, str] | None:
        """(start, end, value) of the first match beginning at or after `start` (never less than the last asked)."""
        starts = self.starts
        while self.next < len(starts) and starts[self.next] - 2 < start:
            self.next += 1
        if self.next == len(starts):
            return None
        at = starts[self.next]
        close = self.text.find('"', at + 3)
        return (at - 2, close + 1, self.text[at + 3:close]) if close >= 0 else None


def _finds(text: str, literal: str):
    at = text.find(literal)
    while at >= 0:
        yield at
        at = text.find(literal, at + 1)


class Locator:
    """Resolves each link of a page to (site path before index.html lookup | SELF | OUTSIDE, #anchor).

    Needs only the page's own path, so MkDocs processes locate the pages they write as they write them
    (mkdocs_plugin.py); remembers each (folder, href), role chips repeating the same hrefs everywhere, and for a link
    with an #anchor each (folder, part before it), a role page's 14,000 links to steps leading into a thousand pages.
    """

    def __init__(self, base_path: str = "/"):
        """`base_path`: the path the site is served under ("/", "/docs/"); site-absolute links must start with it."""
        self.base_path = f"/{base_path.strip('/')}/" if base_path.strip("/") else "/"
        self._known: dict[tuple[str, str], tuple[str, str] | None] = {}
        self._paths: dict[tuple[str, str], tuple[str, str] | None] = {}  # the same, for a link's part before its #anchor

    @classmethod
    def for_site(cls, site_url: str) -> "Locator":
        return cls(urlsplit(site_url).path)

    def page(self, relative: str, text: str, pieces=None) -> _Page:
        """A written page, parsed and located. `pieces`: (pieces, known, made) as page_in_pieces takes them."""
        parsed = (self.page_in_pieces(relative, text, *pieces) if pieces else None) or parse_html(text)
        self.locate(relative, parsed)
        return parsed

    def page_in_pieces(self, relative: str, text: str, pieces: list[tuple[bytes, str]], known: dict, made: dict) -> _Page | None:
        """The page `text` holding `pieces` ((digest, HTML), in order: sanitised_pieces.py), parsed and located, each
        piece's (ids, links, located links) taken from `known` or `made` by its digest, else made from the piece alone
        and put in `made`; None when a piece is not in the page. A piece is whole elements (`<li>…</li>` rows, no tag
        cut), so it reads alone as in the page: an edit re-renders six role pages of 14,000 links each, of which a few
        rows changed. `known` comes from this page's last build: the same page, so the same folder to locate from."""
        ids: set[str] = set()
        links: list[str] = []
        located: list[tuple[str, str, str]] = []

        def add(part: _Page) -> None:
            ids.update(part.ids)
            links.extend(part.links)
            located.extend(self.locate(relative, part))

        at = 0
        for digest, piece in pieces:
            start = text.find(piece, at)
            if start < 0:
                return None
            add(parse_html(text[at:start]))
            found = made.get(digest) or known.get(digest)
            if not (isinstance(found, (tuple, list)) and len(found) == 3):
                one = parse_html(piece)
                found = (tuple(sorted(one.ids)), one.links, self.locate(relative, one))
            made[digest] = found
            add(_Page(set(found[0]), list(found[1]), list(found[2])))
            at = start + len(piece)
        add(parse_html(text[at:]))
        return _Page(ids, links, located)

    def locate(self, relative: str, page: _Page) -> list[tuple[str, str, str]]:
        if page.located is None:
            here = posixpath.dirname(relative)
            page.located = located = []
            known, paths = self._known, self._paths
            for href in page.links:
                path, hash_mark, fragment = href.partition("#")
                if hash_mark and not _URLSPLIT_REMOVES.search(fragment):
                    # a page's links to the anchors of one page (a role page's thousand steps) share one path's
                    # resolution; each such link is resolved once per page (a role page's 14,000 are all different)
                    where = paths.get((here, path), _UNKNOWN)
                    if where is _UNKNOWN:
                        where = paths[here, path] = self._resolve(here, path)
                    if where is not None:
                        located.append((href, where[0], "" if where[0] == OUTSIDE else unquote(fragment)))
                    continue
                where = known.get((here, href), _UNKNOWN)  # a link resolves the same from every page of a folder
                if where is _UNKNOWN:
                    where = known[here, href] = self._resolve(here, href)
                if where is not None:
                    located.append((href, *where))
        return page.located

    def _resolve(self, here: str, href: str) -> tuple[str, str] | None:
        """(site path, SELF or OUTSIDE; anchor) of a link, or None for an external one."""
        parts = urlsplit(href)
        if parts.scheme or parts.netloc or href.startswith(("mailto:", "javascript:", "data:")):
            return None
        path = unquote(parts.path)
        if not path:
            return SELF, unquote(parts.fragment)
        if path.startswith("/"):
            if not path.startswith(self.base_path):
                return OUTSIDE, ""
            resolved = path[len(self.base_path):]
        else:
            resolved = posixpath.normpath(posixpath.join(here, path))
            if resolved.startswith(".."):
                return OUTSIDE, ""
            if path.endswith("/") and not resolved.endswith("/"):
                resolved += "/"
            resolved = "" if resolved in (".", "./") else resolved
        return resolved, unquote(parts.fragment)


def _target_file(files: set[str], path: str) -> str | None:
    """The site file a resolved path serves (a folder serves its index.html), from the set of built files."""
    if path == "" or path.endswith("/"):
        candidate = path + "index.html"
    elif path in files:
        return path
    else:
        candidate = path + "/index.html"
    return candidate if candidate in files else None


def _site_files(site_dir: Path) -> set[str]:
    """Every file's site path, as `rglob("*")` + `is_file()` finds them, from directory entries alone
    (a stat per file made this a tenth of a second at 1,000 pages)."""
    found: set[str] = set()

    def walk(folder: str, prefix: str) -> None:
        with os.scandir(folder) as entries:
            for entry in entries:
                if entry.is_dir(follow_symlinks=False):
                    walk(entry.path, f"{prefix}{entry.name}/")
                elif entry.is_file():
                    found.add(prefix + entry.name)

    walk(str(site_dir), "")
    return found


def check_site_links(site_dir: Path, locator: Locator | None = None, parsed: dict[str, _Page] | None = None,
                     vouched: dict[str, Summary] | None = None, previous: dict[str, Summary] | None = None
                     ) -> tuple[list[str], dict[str, Summary]]:
    """'page: href' for every internal link whose file or #anchor does not exist in the built site, and every
    page's summary (for the next build).

    `parsed`: the pages MkDocs processes located as they wrote them; every other page is read and parsed.
    `vouched`: pages with the bytes they had in a site that passed this check, by their summary there;
    `previous`: that site's summaries. A vouched page's links are followed only if one leads to a file that
    is gone or to an #anchor its page no longer has: an edit at 1,000 playbooks follows a few thousand links,
    not 180,000, and a deleted playbook (whose phase page every page's navigation links to) no more.
    """
    files = _site_files(site_dir)
    pages = sorted(f for f in files if f.endswith(".html"))
    parsed = {} if parsed is None else parsed
    vouched, previous = vouched or {}, previous or {}
    locator = locator or Locator()

    def page(relative: str) -> _Page:
        if relative not in parsed:
            parsed[relative] = parse_html((site_dir / relative).read_text(encoding="utf-8", errors="replace"))
            locator.locate(relative, parsed[relative])
        return parsed[relative]

    vouched_ids: dict[str, set[str]] = {}

    def ids(relative: str) -> set[str]:
        if relative in vouched and relative not in parsed:
            if relative not in vouched_ids:
                vouched_ids[relative] = set(vouched[relative].ids)
            return vouched_ids[relative]
        return page(relative).ids

    changed = {relative for relative in pages if relative not in vouched and relative != "404.html"
               and (relative not in previous or set(previous[relative].ids) != page(relative).ids)}
    served: dict[str, str | None] = {}  # resolved path -> the file it serves

    def lands(relative: str, summary: Summary, anchors_on: set[str] | None) -> bool:
        """Whether every link of a page lands: on a file that exists and on an #anchor its page has, checked on
        pages `anchors_on` (all when None: a page parsed here, whose links may lead anywhere new)."""
        for where, anchors in summary.targets.items():
            if where == SELF:
                target = relative
            else:
                if where not in served:
                    served[where] = None if where == OUTSIDE else _target_file(files, where)
                target = served[where]
                if target is None:
                    return False
            if (anchors and target.endswith(".html") and (anchors_on is None or target in anchors_on)
                    and not ids(target).issuperset(anchors)):
                return False
        return True

    broken = []
    summaries = {}
    for relative in pages:
        if relative == "404.html":
            continue  # Material writes it with site-absolute links for any depth; not a page readers link to
        # a vouched page's links are followed only where a page it links to changed its ids (a phase page every
        # page's navigation links to); a page parsed here is checked by the places its links lead, once each (a
        # role page's 14,000 links lead into a thousand pages), and link by link only when one does not land
        if relative in vouched and relative not in parsed and lands(relative, vouched[relative], changed):
            summaries[relative] = vouched[relative]
            continue
        located = locator.locate(relative, page(relative))
        summaries[relative] = parsed[relative].summary()
        if lands(relative, summaries[relative], None):
            continue
        for href, where, anchor in located:
            if where == OUTSIDE:
                broken.append(f"{relative}: {href} (outside the site)")
                continue
            target = relative if where == SELF else _target_file(files, where)
            if target is None:
                broken.append(f"{relative}: {href} (no such file)")
            elif anchor and target.endswith(".html") and anchor not in ids(target):
                broken.append(f"{relative}: {href} (no #{anchor} on {target})")
    return broken, summaries
