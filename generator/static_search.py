"""The static search index (Material's `search/search_index.json`) written from the model, not parsed out of every page.

Static hosting has no API, so readers search with Material's client-side search.
Material's plugin builds that index by running Python's HTML parser over every
rendered page: about a third of the MkDocs stage on a large portal, and the reason
an incremental build had to merge the old index with the rebuilt pages' entries.
The search documents the Whoosh index is written from (index.collect_documents)
already say what a reader looks for, page by page and item by item, so the
client index gets the same documents: one home for what is searchable, whichever
engine answers. Material treats `title` and `text` as HTML, so both are escaped:
content is shown as typed, never run.
"""

from __future__ import annotations

import html
import json

from . import urls
from .portal import Portal


def _entry(location: str, title: str, text: str) -> dict:
    return {"location": location, "title": html.escape(title, quote=False), "text": html.escape(text, quote=False)}


def material_entries(docs, portal: Portal, glossary_title: str) -> list[dict]:
    """Entries in the order Material lists them: each page, then its items (anchors); the glossary last.

    `docs` are index.SearchDoc values (pages and items, in page order).
    """
    entries = [_entry(d.url, d.title, d.body) for d in docs]
    if portal.glossary:
        page = urls.page_url(urls.GLOSSARY_PAGE)
        entries.append(_entry(page, glossary_title, ""))
        for term in portal.glossary:
            text = term.definition + (f"\n{', '.join(term.synonyms)}" if term.synonyms else "")
            entries.append(_entry(f"{page}#{term.id}", term.term, text))
    return entries


def material_docs_json(entries: list[dict]) -> str:
    """The entries as Material's plugin writes its index's `docs` list (its json.dumps settings), made by the
    index worker: written by the build process, 7 MB of JSON at 1,000 playbooks and its 9,000 dicts sent back
    from the worker took 50 ms of every build's MkDocs stage."""
    return json.dumps(entries, separators=(",", ":"), default=str)
