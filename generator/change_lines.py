"""One What's-new change as a line of inline HTML, in the portal's words: the What's-new page (render.py) and
its Atom feed (feed.py) say the same."""

from __future__ import annotations

import re

from .escaping import escape_attr


def change_html(change, label, href, escape) -> str:
    """One What's-new line as inline HTML: the page and the Atom feed say the same words.

    `label(key)` gives the UI text, `href(target)` the link to where the change is today,
    `escape` makes text safe where the line goes (Markdown on the page, HTML in the feed).
    """
    noun = label(f"noun_{change.kind}" if change.noun == "page" else f"noun_{change.noun}")
    title = escape(change.title)
    page_link = href(change.page) if change.page is not None else ""  # the page it was on: it may have moved since
    if change.target is not None and change.action != "removed":  # a removed item's page is still linked
        title = f'<a href="{escape_attr(href(change.target))}">{title}</a>'

    page_title = escape(change.page_title)
    if page_link and change.noun != "page":
        page_title = f'<a href="{escape_attr(page_link)}">{page_title}</a>'
    pattern = label("change_page" if change.noun == "page" else "change_item")
    # Labels are text too: escape them around the placeholders, then put the (escaped) pieces in.
    pieces = {"noun": escape(noun), "title": title, "page": page_title}
    line = _fill(pattern, pieces, escape)
    if change.old_id and change.action == "renamed":
        line += _fill(label("change_formerly"), {"id": f"<code>{escape_attr(change.old_id)}</code>"}, escape)
    if change.from_page:
        line += _fill(label("change_moved_from"), {"page": escape(change.from_page)}, escape)
    if change.fields and change.action != "removed":
        names = escape(label("list_separator")).join(escape(_field_name(label, name)) for name in change.fields)
        line += _fill(label("change_fields"), {"fields": names}, escape)
    action = escape(label(f"change_{change.action}"))
    return f'<span class="csops-change csops-change-{change.action}">{action}</span> {line}'


def _field_name(label, name: str) -> str:
    """A changed field as readers name it ("answer", 「回答」), else its YAML name (a template's own field)."""
    try:
        return label(f"field_{name}")
    except KeyError:
        return name


def _fill(pattern: str, pieces: dict[str, str], escape) -> str:
    """'{noun} {title} in {page}' with the label's own words escaped and the pieces (already safe) put in."""
    parts = re.split(r"\{(\w+)\}", pattern)  # odd positions are placeholder names
    return "".join(pieces.get(part, "") if index % 2 else escape(part) for index, part in enumerate(parts))
