"""`csops diff`'s output: a ContentDiff as the Markdown a reviewer wants in a PR comment, or as JSON for tools.

Only presentation: what changed is decided in diff.py. The comment stays within what GitHub accepts, and content
text in it is literal (no link, mention or HTML is made from it).
"""

from __future__ import annotations

import datetime as dt

from .diff import CATALOG_FILES, ContentDiff, DocumentChange, KindChanges, OwnershipChange, UrlChange, item_noun
from .escaping import literal_code, literal_markdown, printable_json
from .kinds import Kind
from .manifest import MANIFEST, page_base
from .portal import Portal
from .site_diff import SiteChange
from .versions import item_version


def _plural(noun: str) -> str:
    return noun[:-1] + "ies" if noun.endswith("y") else noun + "s"


def _count(number: int, noun: str) -> str:
    return f"{number} {noun if number == 1 else _plural(noun)}"


def _size(kind: str, doc, noun: str) -> str:
    if kind == "onboarding":
        return f"{_count(len(doc.sections), 'section')}, {_count(sum(len(s.items) for s in doc.sections), 'item')}"
    return _count(len(doc.anchored_items), noun)


def _code(value: str) -> str:
    """An id, path or revision in a code span, as it is (escaping.literal_code): a template named with a backtick or a
    line break ended a plain `…` span, and its name put a link, a heading or an @mention into the comment."""
    return literal_code(value)


def _cell(text: str) -> str:
    """Content text in the comment: literal, whatever it holds (escaping.literal_markdown)."""
    return literal_markdown(text)


_LABEL_FIELDS = ("title", "q", "name", "text")  # the field an item's or page's label comes from (model .label)


_SHORT_VALUE = 60  # a changed value up to this long shows before → after; a body or answer is only named


def _short_values(old, new, names: list[str]) -> dict[str, tuple[str, str]]:
    """The changed fields whose values are one short line on both sides (a phase, a due offset, segments, tags),
    as the comment shows them: 'phase' and 'due' alone told a reviewer something moved, not where to."""
    def text(value) -> str | None:  # words in quotes; a slug, an offset (T-45d) or a list of them as they are
        if isinstance(value, tuple) and all(isinstance(v, str) and " " not in v for v in value):
            joined = ", ".join(value)
            return f"[{_cell(joined)}]" if len(joined) <= _SHORT_VALUE else None
        if isinstance(value, str) and "\n" not in value.strip() and len(value) <= _SHORT_VALUE:
            value = value.strip()
            return f"“{_cell(value)}”" if " " in value else _cell(value) or "—"
        if isinstance(value, (dt.date, int)) and not isinstance(value, bool):  # a review date, a review interval
            return str(value)
        if value is None:
            return "—"
        return None

    found = {}
    for name in names:
        before, after = text(getattr(old, name, None)), text(getattr(new, name, None))
        if before is not None and after is not None:
            found[name] = (before, after)
    return found


def _values_shown(doc: DocumentChange) -> dict[str, dict[str, tuple[str, str]]]:
    """Item id ("" for the page) -> its short values before → after (_short_values), worked out here: What's new
    compares every commit and shows none of them."""
    old_of = {id(new): old for old, new in doc.items.kept + doc.items.renamed}
    values = {"": _short_values(doc.old, doc.new, doc.fields)}
    for item, names in doc.item_fields:
        values[item.id] = _short_values(old_of[id(item)], item, names)
    return values


def _field_names(names: list[str], phrases: tuple[tuple[str, ...], tuple[str, ...]] | None,
                 label: tuple[str, str] | None = None, values: dict[str, tuple[str, str]] | None = None) -> str:
    """An item's changed fields, asked_as with the phrases added (+) and removed (−), its label and short values
    before → after."""
    added, removed = phrases or ((), ())
    shown = [f"+ “{_cell(p)}”" for p in added] + [f"− “{_cell(p)}”" for p in removed]

    def named(name: str) -> str:
        if name == "asked_as" and shown:
            return f"asked_as ({'; '.join(shown)})"
        if name in _LABEL_FIELDS and label is not None:
            return f"{name} “{_cell(label[0])}” → “{_cell(label[1])}”"
        if name in (values or {}):
            return f"{name} {values[name][0]} → {values[name][1]}"
        return name

    return ", ".join(named(name) for name in names)


def _item_json(item_id: str, names: list[str], phrases: tuple[tuple[str, ...], tuple[str, ...]] | None) -> dict:
    found = {"id": item_id, "fields": names}
    if phrases is not None:
        found["asked_as"] = {"added": list(phrases[0]), "removed": list(phrases[1])}
    return found


def _kind_section(changes: KindChanges) -> tuple[list[str], list[str]]:
    """The kind's Markdown section, and its pages' 'Edited' lines."""
    kind, noun = changes.kind, changes.kind.item_noun
    nouns = " and ".join(_plural(word) for word in kind.item_cli_words)  # "steps"; "sections and items"

    def named(item) -> str:  # an item's id, with its noun where the page holds two kinds of them
        return f"{item_noun(kind, item)} {_code(item.id)}" if kind.nested_items else _code(item.id)
    rows = [f"| ➕ added | {_code(doc.id)} | {_cell(doc.title)} — {_size(kind.name, doc, noun)}"
            + (f", owner {_code(doc.owner)}" if doc.owner else "") + " |" for doc in changes.pages.added]
    rows += [f"| 🔀 renamed | {_code(old.id)} → {_code(new.id)} | {_cell(new.title)} (old id kept in `aliases`) |"
             for old, new in changes.pages.renamed]
    rows += [f"| ➖ removed | {_code(doc.id)} | {_cell(doc.title)} |" for doc in changes.pages.removed]
    item_lines, edited = [], []
    for doc in changes.documents:
        sub = doc.items
        listed = ([f"➕ {named(i)} {_cell(i.label)}" for i in sub.added]
                  + [f"🔀 {named(o)} → {_code(n.id)}" for o, n in sub.renamed]
                  + [f"🚚 {named(i)} {_cell(i.label)} moved from {_code(source)} to {_code(doc.new.id)}"
                     for i, source in doc.moved_in]
                  + [f"➖ {named(i)} {_cell(i.label)}" for i in sub.removed])
        if listed:
            item_lines.append(f"- {_code(doc.new.id)} {nouns}: " + "; ".join(listed))
        title = (doc.old.title, doc.new.title) if doc.old.title != doc.new.title else None
        values = _values_shown(doc)
        touched = [_field_names(doc.fields, None, title, values.get(""))] if doc.fields else []
        touched += [f"{item_noun(kind, item)} {_code(item.id)}: "
                    f"{_field_names(names, doc.phrases.get(item.id), doc.labels.get(item.id), values.get(item.id))}"
                    for item, names in doc.item_fields]
        touched += [f"{noun} {_code(item)} moved from section {_code(before)} to {_code(after)}"
                    for item, before, after in doc.moved]
        if doc.order:
            touched.append(f"{nouns} in a new order: " + ", ".join(_code(item) for item in doc.order))
        if touched:
            edited.append(f"- {_code(doc.new.id)} ({kind.name}): " + "; ".join(touched))
    section = []
    if rows or item_lines:
        section += [f"### {kind.heading}", ""]
        if rows:
            section += ["| Change | Id | Details |", "| --- | --- | --- |", *rows, ""]
        if item_lines:
            section += [f"**{nouns.capitalize()}**", "", *item_lines, ""]
    return section, edited


def diff_markdown(diff: ContentDiff) -> str:
    """The Markdown PR comment."""
    base, head = diff.base, diff.head
    out: list[str] = [f"## Portal content changes: {_code(base.label)} → {_code(head.label)}", ""]
    sections: list[str] = []
    edited: list[str] = []
    for changes in diff.kinds:
        section, edited_lines = _kind_section(changes)
        sections += section
        edited += edited_lines
    ownership = diff.ownership
    changes_word = "change" if len(ownership) == 1 else "changes"
    uncovered, retired = diff.uncovered_urls, len(diff.retired_urls)
    shared = sum(1 for c in diff.catalogs if c.action != "unreadable")
    site = len(diff.site)
    changed_links = [f"- {_code(_ticket_url(changes, doc, old))} {_cell(new.label)}"
                     for changes in diff.kinds for doc in changes.documents
                     for old, new in _new_versions(doc, changes.kind, diff.head.portal)]
    said_changed = len(changed_links)  # the reviewer's first question: what will Support's tickets show?
    out.append(f"**Pages: {diff.page_count('added')} added · {diff.page_count('renamed')} renamed · "
               f"{diff.page_count('removed')} removed · {diff.changed_pages} changed"
               + (f" · {diff.search_only_pages} with only search phrases changed" if diff.search_only_pages else "")
               + f" — Items: {diff.item_count('added')} "
               f"added · {diff.item_count('renamed')} renamed · {diff.item_count('removed')} removed"
               + (f" · {diff.item_count('moved')} moved to another page" if diff.item_count("moved") else "") + " — "
               f"{len(ownership)} owner/RACI {changes_word} — "
               + (f"{said_changed} ticket link{'s' if said_changed != 1 else ''} will say “changed” — "
                  if said_changed else "")
               + (f"{shared} glossary/role/setting change{'s' if shared != 1 else ''} — " if shared else "")
               + (f"{site} site setting/template change{'s' if site != 1 else ''}" + (
                   f" (⚠️ {', '.join(dict.fromkeys(c.setting or c.file for c in diff.site if c.warning))})"
                   if any(c.warning for c in diff.site) else "") + " — " if site else "")
               + (f"⚠️ {uncovered} old URL{'s' if uncovered != 1 else ''} not covered by aliases" if uncovered
                  else "all old URLs still resolve" if not retired else "every other old URL still resolves")
               + (f" · {retired} URL{'s' if retired != 1 else ''} retired on purpose" if retired else "") + "**")
    out.append("")
    for side in (base, head):
        if side.errors:
            out += [f"> ⚠️ {_code(side.label)} has {side.errors} validation error{'s' if side.errors != 1 else ''}; "
                    "run `csops validate`. Broken files are left out of this summary.", ""]
            # catalog files are named below, under glossary, roles and settings
            pages = [path for path in side.broken_files if path.rsplit(".", 1)[0] not in CATALOG_FILES]
            if pages:
                out += [f"> Not compared, as they have errors in {_code(side.label)}: "
                        + ", ".join(_code(path) for path in pages), ""]
    if not (sections or ownership or edited or diff.urls or diff.catalogs or diff.site):
        return "\n".join(out + ["No content changes.", ""])
    out += sections
    if diff.catalogs:
        marks = {"added": "➕", "removed": "➖", "renamed": "🔀", "changed": "✏️", "unreadable": "⚠️"}
        out += ["### Glossary, roles and settings (shown on every page)", "",
                *[f"- {marks[c.action]} {c.noun} " + (f"{_code(c.old_id)} → " if c.old_id else "")
                  + f"{_code(c.id)} {_cell(c.name)}"
                  + (f": {', '.join(c.fields)}" if c.fields else "") for c in diff.catalogs], ""]
    if diff.site:
        out += ["### Site settings and templates (every page)", "",
                *[_site_line(c) for c in diff.site], ""]
    if ownership:
        out += ["### Owners and RACI", "", "| Where | Change |", "| --- | --- |",
                *[f"| {_where(row)} | {_cell(row.change)} |" for row in ownership], ""]
    if diff.urls:
        out += ["### Changed URLs", "", "| Old URL | Now | Status |", "| --- | --- | --- |",
                *[_url_row(change) for change in diff.urls], ""]
    if changed_links:
        out += ["### Ticket links that will say “changed”", "",
                "Links to these already copied into tickets will open with “This … changed on …, after this link "
                "was copied”:", "", *changed_links, ""]
    if edited:
        out += ["### Edited", "", *edited, ""]
    return _within_comment_limit(out)


def _where(row: OwnershipChange) -> str:
    """`qbr` owner; `qbr` › `run-qbr` RACI · A: the page, the item and what of it changed hands."""
    return _code(row.page) + (f" › {_code(row.item)}" if row.item else "") + f" {row.what}"


def _site_line(change: SiteChange) -> str:
    """`mkdocs.yml` `site_url`: `https://old/` → `https://new/`: what it means (values verbatim, in code spans)."""
    where = _code(change.file) + (f" {literal_code(change.setting)}" if change.setting else "")
    values = (f"{literal_code(change.before) if change.before is not None else '—'} → "
              f"{literal_code(change.after) if change.after is not None else '—'}"
              if change.before is not None or change.after is not None else "")
    said = ": ".join(filter(None, (values, _cell(change.note))))
    return f"- {'⚠️' if change.warning else '✏️'} {where}" + (f": {said}" if said else "")


# GitHub refuses a comment over 65,536 characters ("Body is too long"), and the PR then got no summary at all.
# The budget leaves room for the note, and for characters GitHub may count twice (UTF-16 pairs such as 🔀).
COMMENT_BUDGET = 60_000


def _within_comment_limit(lines: list[str]) -> str:
    """The comment's lines, cut at a line before COMMENT_BUDGET characters with a note saying how much is left out:
    the headline with every count comes first, so what is cut is only detail."""
    if sum(len(line) + 1 for line in lines) <= COMMENT_BUDGET:
        return "\n".join(lines)
    kept, size = [], 0
    for line in lines:
        if size + len(line) + 1 > COMMENT_BUDGET:
            break
        kept.append(line)
        size += len(line) + 1
    left_out = len(lines) - len(kept)
    return "\n".join(kept + ["", f"> ⚠️ {left_out:,} more lines are not shown: a GitHub comment holds at most 65,536 "
                                  "characters. `csops diff --format json` lists every change.", ""])


def _new_versions(document: DocumentChange, kind: Kind, portal: Portal) -> list[tuple[object, object]]:
    """(old, new) items whose version (`?v=`, Kind.versioned_items) the change makes new: a link to one already
    copied into a ticket will open with 'This … changed on …'. A retag or a role rename is not among them. Read for
    the comment and the JSON only: What's new compares every commit (history.py), by today's portal, and reading
    them in compare() as well took a third of its time."""
    if not kind.versioned_items:
        return []
    return [(o, n) for o, n in document.items.kept + document.items.renamed
            if item_version(o, portal) != item_version(n, portal)]


def _ticket_url(changes: KindChanges, document: DocumentChange, old_item) -> str:
    """An item's URL as tickets hold it: the one published before the change, before any rename."""
    return f"{page_base(changes.kind.name, document.old.id)}#{old_item.id}"


def _url_row(change: UrlChange) -> str:
    also = f" and its {_count(change.anchors, 'anchor')}" if change.anchors else ""
    if change.fate == "redirect":
        return f"| {_code(change.url)}{also} | {_code(change.landing or '?')}{also} | ✅ redirect / alias anchor |"
    if change.fate == "retired":
        return f"| {_code(change.url)}{also} | — | ➖ retired: removed from `{MANIFEST}` in this change |"
    return f"| {_code(change.url)}{also} | — | ❌ breaks: {_fix(change)}, or `csops urls --update` if intended |"


def _fix(change: UrlChange) -> str:
    """How to keep a URL that breaks landing."""
    page, _, anchor = change.url.partition("#")
    page_id = page.strip("/").split("/")[-1]
    if change.page_gone:  # every anchor row of a page that went said "renamed item"
        return f"its page is gone: add `aliases: [{page_id}]` to the page that replaces it"
    if change.moved_to:  # an alias on another item of this page would land old links on the wrong one
        now, noun = change.moved_to
        return (f"the {noun} moved to another page, {_code(now)}, and a link cannot follow it there: keep a "
                f"short {noun} {_code(anchor)} in {_code(page_id)} that links to its new place")
    if anchor:
        return f"add `aliases: [{anchor}]` to the renamed item"
    return f"add `aliases: [{page_id}]` to the renamed page"


def diff_json(diff: ContentDiff) -> str:
    """The same comparison for tools: ids per change, changed fields, ownership and URL changes."""
    def ids(items):
        return [item.id for item in items]

    kinds = {}
    for changes in diff.kinds:
        pages = changes.pages
        kinds[changes.kind.name] = {
            "added": ids(pages.added), "removed": ids(pages.removed),
            "renamed": [{"from": old.id, "to": new.id} for old, new in pages.renamed],
            "changed": [{"id": d.new.id, "fields": d.fields, "search_only": d.search_only,
                         "items": {"added": ids(d.items.added), "removed": ids(d.items.removed),
                                   "renamed": [{"from": o.id, "to": n.id} for o, n in d.items.renamed],
                                   "changed": [_item_json(item.id, names, d.phrases.get(item.id)) for item, names in d.item_fields],
                                   "order": list(d.order),
                                   "moved": [{"id": i, "from_section": a, "to_section": b} for i, a, b in d.moved],
                                   "moved_in": [{"id": i.id, "from": page} for i, page in d.moved_in],
                                   "moved_out": [{"id": i.id, "to": page} for i, page in d.moved_out],
                                   "new_versions": [{"id": n.id, "url": _ticket_url(changes, d, o)}
                                                    for o, n in _new_versions(d, changes.kind, diff.head.portal)]},
                         "ownership": [{"where": _where(row).replace("`", ""), "change": row.change} for row in d.ownership]}
                        for d in changes.documents if d.changed]}
    payload = {"base": diff.base.label, "head": diff.head.label,
               "errors": {"base": diff.base.errors, "head": diff.head.errors},
               "kinds": kinds, "uncovered_urls": diff.uncovered_urls, "retired_urls": diff.retired_urls,
               # each URL the range moves or breaks, as the comment's Changed URLs table: tools read which, not how many
               "urls": [{"url": c.url, "fate": c.fate, "to": c.landing, "anchors": c.anchors}
                        | ({"fix": _fix(c)} if c.fate == "breaks" else {}) for c in diff.urls],
               "catalogs": [{"noun": c.noun, "action": c.action, "id": c.id, "name": c.name, "fields": c.fields}
                            | ({"from": c.old_id} if c.old_id else {}) for c in diff.catalogs],
               "site": [{"file": c.file, "setting": c.setting, "before": c.before, "after": c.after, "note": c.note,
                         "warning": c.warning} for c in diff.site]}
    return printable_json(payload) + "\n"
