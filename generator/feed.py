"""The What's-new Atom feed (RFC 4287) written from a ChangeFeed, for feed readers and Slack's RSS app.

ElementTree escapes every text and attribute; characters XML 1.0 cannot carry at all
(control characters a commit subject may hold) are dropped first. Dates are commit
dates, so the same history gives byte-identical XML.
"""

from __future__ import annotations

import html
import re
import uuid
import xml.etree.ElementTree as ET

from . import urls
from .history import ChangeFeed
from .change_lines import change_html

ATOM = "http://www.w3.org/2005/Atom"
# What XML 1.0 cannot hold, spelled as itself: the same set written as the complement of what it can hold took 4.5 ms
# of every build to compile (the regex compiler makes a map of the whole of Unicode for a negated range that wide)
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
# Without any commit there is no date to give; a fixed one keeps the feed valid and the build deterministic.
_NO_DATE = "1970-01-01T00:00:00Z"


def _text(value: str) -> str:
    return _NOT_XML.sub("", str(value))


def _sub(parent, tag: str, text: str | None = None, **attributes) -> ET.Element:
    node = ET.SubElement(parent, tag, {k: _text(v) for k, v in attributes.items()})
    if text is not None:
        node.text = _text(text)
    return node


def _urn(seed: str) -> str:
    """A stable id for a commit or a site, as an IRI every reader accepts."""
    return uuid.uuid5(uuid.NAMESPACE_URL, seed).urn


def atom_feed(feed: ChangeFeed, labels: dict[str, str], site_name: str, site_url: str) -> str:
    """The feed's XML text: one entry per commit, newest first, linking to its What's-new section."""
    page_url = urls.absolute_url(site_url, urls.page_url(urls.WHATS_NEW_PAGE))

    def href(target) -> str:
        return urls.absolute_url(site_url, urls.page_url(urls.page_source(target.kind, target.doc_id))) + \
            (f"#{target.anchor}" if target.anchor else "")

    root = ET.Element("feed", {"xmlns": ATOM})
    title = f"{site_name} — {labels['whats_new']}" if site_name else labels["whats_new"]
    _sub(root, "title", title)
    _sub(root, "subtitle", labels["whats_new_description"])
    _sub(root, "id", _urn(f"csops-whats-new:{site_url or site_name}"))
    _sub(root, "link", rel="alternate", type="text/html", href=page_url)
    _sub(root, "link", rel="self", type="application/atom+xml", href=urls.absolute_url(site_url, urls.FEED_FILE))
    _sub(root, "updated", feed.entries[0].updated if feed.entries else _NO_DATE)
    _sub(_sub(root, "author"), "name", site_name or "csops-portal")
    _sub(root, "generator", "csops-portal")
    for entry in feed.entries:
        node = _sub(root, "entry")
        _sub(node, "title", entry.subject)
        _sub(node, "id", _urn(f"csops-commit:{entry.commit}"))
        _sub(node, "link", rel="alternate", type="text/html", href=f"{page_url}#{entry.anchor}")
        _sub(node, "updated", entry.updated)
        items = "".join(f"<li>{change_html(c, labels.__getitem__, href, html.escape)}</li>" for c in entry.changes)
        _sub(node, "content", f"<ul>{items}</ul>", type="html")
    ET.indent(root)
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"
