"""The single source of every URL: id-based page paths, anchors, cross-references, redirects.

URLs are built from ids, never titles, so a link pasted into a ticket keeps
working when a title changes (in any language).
"""

from __future__ import annotations

import bisect
import posixpath
import re
from functools import lru_cache
from dataclasses import dataclass

from .escaping import literal_markdown
from .kinds import PAGE_FOLDERS, REF_SCHEMES
from .portal import Portal, tag_key

_SCHEMES = "|".join(REF_SCHEMES)
REF_PATTERN = re.compile(rf"^(?P<scheme>{_SCHEMES}):(?P<id>[^#\s)]*)(?:#(?P<anchor>[^\s)]*))?$")
# A Markdown link or image target using one of our schemes, inline, [text](scheme:id#anchor "title"),
# or in a reference definition line, [label]: scheme:id "title", so that [text][label] is checked and resolved too.
MARKDOWN_REF = re.compile(rf"(?:(?<=\]\()|^ {{0,3}}\[[^\]\n]+\]:[ \t]*<?)"
                          rf"(?P<ref>(?:{_SCHEMES}):[^\s)>]*)", re.MULTILINE)

# Schemes a link in content may use besides ours: the page sanitiser (mkdocs_plugin.py) drops any other
# link's target, so [text](playbok:x) showed as plain text.
WEB_SCHEMES = ("http", "https", "mailto", "tel")
# Any link target that starts with a scheme, inline or in a reference definition (checked against the two lists above).
MARKDOWN_SCHEME_LINK = re.compile(r"(?:(?<=\]\()<?|^ {0,3}\[[^\]\n]+\]:[ \t]*<?)(?P<ref>(?P<scheme>[A-Za-z][A-Za-z0-9+.-]*):[^\s)>]*)",
                                  re.MULTILINE)

HOME_PAGE = "index.md"
GLOSSARY_PAGE = "glossary.md"
WHATS_NEW_PAGE = "whats-new.md"
FEED_FILE = "feed.xml"  # the What's-new Atom feed, next to the home page
TAGS_PAGE = "tags.md"


def tag_anchor(tag: str) -> str:
    """Anchor of a tag on the tags page: letters and digits of any script kept, the rest one hyphen."""
    return "tag-" + tag_key(tag)


def page_source(kind: str, doc_id: str) -> str:
    """Path of a generated Markdown page, relative to the docs folder."""
    return f"{PAGE_FOLDERS[kind]}/{doc_id}.md"


def section_index(kind: str) -> str:
    return f"{PAGE_FOLDERS[kind]}/index.md"


def page_url(source: str) -> str:
    """Site-relative URL of a docs page, as MkDocs writes it with directory URLs."""
    if source == HOME_PAGE:
        return ""
    stem = source.removesuffix(".md")
    if stem.endswith("/index") or stem == "index":
        return stem.removesuffix("index")
    return stem + "/"


def relative_link(from_source: str, to_source: str, anchor: str = "") -> str:
    """A Markdown link between two docs pages; MkDocs checks and rewrites it to the final URL."""
    link = _relative_path(posixpath.dirname(from_source) or ".", to_source)
    return link + (f"#{anchor}" if anchor else "")


@lru_cache(maxsize=65536)
def _relative_path(start: str, to_source: str) -> str:
    # Thousands of links share a handful of (folder, target) pairs; relpath is costly.
    return posixpath.relpath(to_source, start)


def site_href(from_source: str, to_source: str, anchor: str = "") -> str:
    """The final relative URL between two built pages (directory URLs), for links emitted as raw HTML.

    Raw HTML links skip Python-Markdown's inline parsing and MkDocs' per-link rewriting,
    which dominate build time on pages with hundreds of role chips; the built-site link
    check still verifies every one of them.
    """
    # Up to the site root, then down to the target: always right, and cheap enough for pages with thousands of links.
    depth = page_url(from_source).count("/")
    target = page_url(to_source)
    link = ("../" * depth + target) or "./"
    return link + (f"#{anchor}" if anchor else "")


@dataclass(frozen=True)
class Ref:
    scheme: str
    id: str
    anchor: str = ""


def parse_ref(text: str) -> Ref | None:
    match = REF_PATTERN.fullmatch(text)  # fullmatch: `$` alone lets a final line break through
    if not match:
        return None
    return Ref(match["scheme"], match["id"], match["anchor"] or "")


def ref_target(ref: Ref) -> tuple[str, str]:
    """(docs page, anchor) a cross-reference points at."""
    if ref.scheme == "glossary":
        return GLOSSARY_PAGE, ref.id
    return page_source(ref.scheme, ref.id), ref.anchor


def resolve_refs(markdown: str, from_source: str) -> str:
    """Rewrite scheme links (playbook:id#step) in Markdown into relative page links; code spans and fenced blocks
    are shown as written (a sample `[x](playbook:qbr)` became `[x](../qbr.md)` on the page)."""
    blanked = without_code(markdown)
    pieces, cursor = [], 0
    for match in MARKDOWN_REF.finditer(blanked):
        ref = parse_ref(match["ref"])
        if ref is None:
            continue
        page, anchor = ref_target(ref)
        pieces += [markdown[cursor:match.start("ref")], relative_link(from_source, page, anchor)]
        cursor = match.end("ref")
    return "".join(pieces) + markdown[cursor:]


_FENCE = re.compile(r" {0,3}(`{3,}|~{3,})")
_BACKTICKS = re.compile(r"`+")


def without_code(text: str) -> str:
    """`text` with fenced code blocks and code spans blanked out, character for character (offsets still point
    at the same places). A block is fenced as the pages' superfences reads one: closed by the same fence exactly,
    and no code at all when never closed (the page shows its lines as text, and their links as links)."""
    if "`" not in text and "~~~" not in text:  # most text holds no code: returned as it is, at no cost
        return text
    lines, fence = text.split("\n"), None
    written = list(lines)
    for index, line in enumerate(lines):
        opened = _FENCE.match(line)
        if fence is None and opened is None:
            continue
        if fence is None:
            fence, start = opened[1], index
        elif opened and opened[1] == fence and not line[opened.end():].strip():
            fence = None  # the closing fence, blanked with the block
        lines[index] = " " * len(line)
    if fence is not None:
        lines[start:] = written[start:]
    return _blank_code_spans("\n".join(lines))


def _blank_code_spans(text: str) -> str:
    """`text` with each code span blanked: a run of backticks, or the end of one, opens a span that the next run of
    exactly as many backticks closes (what the pattern `(`+)(?!`).*?(?<!`)\\1(?!`)` finds, as Python-Markdown's does).

    Worked out from the runs, not with that pattern: a regex tries each backtick that opens nothing against all the
    text after it, and 400 runs of different lengths (80 KB in one body) kept validate and the build busy 40 s."""
    runs = [(m.start(), m.end()) for m in _BACKTICKS.finditer(text)]
    by_length: dict[int, list[int]] = {}  # run length -> the indexes of the runs that long, in order
    for index, (start, end) in enumerate(runs):
        by_length.setdefault(end - start, []).append(index)
    spans, index = [], 0
    while index < len(runs):
        start, end = runs[index]
        for opening in range(start, end):  # the whole run first, then its end: as the pattern tries them
            later = by_length.get(end - opening, [])
            at = bisect.bisect_right(later, index)
            if at < len(later):
                spans.append((opening, runs[later[at]][1]))
                index = later[at]
                break
        index += 1
    if not spans:
        return text
    pieces, cursor = [], 0
    for start, end in spans:
        pieces += [text[cursor:start], re.sub(r"[^\n]", " ", text[start:end])]
        cursor = end
    return "".join(pieces) + text[cursor:]



def redirect_map(portal: Portal) -> dict[str, str]:
    """Former page ids -> current page, for the redirects plugin (docs-relative paths): documents' and roles'."""
    redirects = {}
    for doc in portal.documents:
        for alias in doc.aliases:
            redirects[page_source(doc.kind, alias)] = page_source(doc.kind, doc.id)
    for role in portal.roles:
        for alias in role.aliases:
            redirects[page_source("role", alias)] = page_source("role", role.id)
    return dict(sorted(redirects.items()))


def absolute_url(site_url: str, url: str) -> str:
    """Join the configured site_url and a site-relative URL."""
    base = (site_url or "").rstrip("/") + "/"
    return base + url.lstrip("/")


def versioned_url(url: str, version: str) -> str:
    """`url` with `?v=version` before its #anchor: the page tells a reader who opens it once the step has changed
    (csops.js), as for a link taken with the page's Copy link."""
    if not version:
        return url
    page, hash_mark, anchor = url.partition("#")
    return f"{page}?v={version}{hash_mark}{anchor}"


def markdown_link(text: str, url: str) -> str:
    """`[text](url)` for a ticket or chat, `text` literal (escaping.literal_markdown): a title holding brackets
    ("Renewals [EMEA]") stays one link, and one holding '<img src=…>', '<https://…>' or '@team' makes no image,
    no second link and no mention where the ticket is read."""
    return f"[{literal_markdown(text)}]({url})"

