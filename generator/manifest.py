"""The published-URL manifest: every URL a reader may have pasted into a ticket, and the check that none vanishes.

`content/published-urls.txt` is committed next to the content. A build fails
when one of its URLs would stop resolving, naming the URL and the alias that
keeps it alive; `csops urls --update` records an intended change.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from . import urls
from .kinds import CATALOG_FILES, ITEM_NOUNS, KINDS, NOUNS, PAGE_FOLDERS
from .portal import Portal
from .model_builder import build_portal as build_model
from .file_writes import replace_file
from .problems import Problem

MANIFEST = "content/published-urls.txt"
HEADER = (
    "# Every published portal URL (site-relative), sorted. Links in tickets rely on these.\n"
    "# `csops build` fails if one would disappear; after an intended change run `csops urls --update`.\n"
)
_FOLDER_KINDS = {folder: kind for kind, folder in PAGE_FOLDERS.items()}
GLOSSARY_SOURCE = f"content/{CATALOG_FILES['glossary']}"


@dataclass(frozen=True)
class PageAnchors:
    """One content page as the manifest sees it: kind, id, its source file and every anchor that lands on it."""

    kind: str
    id: str
    source: str
    anchors: frozenset[str]  # sub-item ids and their aliases
    own_anchors: frozenset[str]  # sub-item ids only (what `published_urls` lists)
    aliases: tuple[str, ...] = ()


def content_pages(portal: Portal) -> list[PageAnchors]:
    pages = []
    for doc in portal.documents:
        own = frozenset(item.id for item in doc.anchored_items)
        every = own | {alias for item in doc.anchored_items for alias in item.aliases}
        pages.append(PageAnchors(doc.kind, doc.id, doc.source, every, own, doc.aliases))
    for r in portal.roles:
        pages.append(PageAnchors("role", r.id, "content/roles.yml", frozenset(), frozenset(), r.aliases))
    for phase in portal.phases:
        pages.append(PageAnchors("phase", phase, f"content/{PAGE_FOLDERS['playbook']}/", frozenset(), frozenset()))
    # the one glossary page (id ''): its terms are its anchors, a renamed term's former ids too
    terms = frozenset(term.id for term in portal.glossary)
    pages.append(PageAnchors("glossary", "", GLOSSARY_SOURCE, terms | {a for t in portal.glossary for a in t.aliases}, terms))
    return pages


def published_urls(portal: Portal) -> list[str]:
    """Every URL a reader may have pasted somewhere: each page content_pages lists, with its own anchors (the
    glossary page once it has a term)."""
    found: set[str] = set()
    for page in content_pages(portal):
        if page.kind == "glossary" and not page.own_anchors:
            continue
        base = page_base(page.kind, page.id)
        found.add(base)
        found.update(f"{base}#{anchor}" for anchor in page.own_anchors)
    return sorted(found)


def page_base(kind: str, page_id: str) -> str:
    """The site-relative URL of a page content_pages lists."""
    return urls.page_url(urls.GLOSSARY_PAGE if kind == "glossary" else urls.page_source(kind, page_id))


def live_urls(portal: Portal) -> set[str]:
    """Every URL that resolves in the built site: pages, anchors, alias anchors, and redirects (which carry #hash)."""
    alive: set[str] = set()
    for page in content_pages(portal):
        for page_id in (page.id,) + page.aliases:
            base = page_base(page.kind, page_id)
            alive.add(base)
            alive.update(f"{base}#{anchor}" for anchor in page.anchors)
    return alive


def read_manifest(project: Path) -> list[tuple[int, str]] | None:
    """(line number, URL) for every URL in the manifest, or None when the project has none yet.

    Raises ContentError when the file cannot be read as text: a manifest saved in another encoding was a
    UnicodeDecodeError traceback in validate, build, `csops urls` and the PR comment's `csops diff`.
    """
    from .loader import outside_project, read_text
    from .problems import ContentError

    file = project / MANIFEST
    if not file.is_file():
        return None
    outside = outside_project(file, Path(project).resolve(), MANIFEST)
    if outside:
        raise ContentError([outside])
    text, problems = read_text(file, MANIFEST, "keep the URLs of both sides (each may be in tickets already) and delete "
                                               "the '<<<<<<<', '=======' and '>>>>>>>' lines; then run `csops urls --check`")
    if text is None:
        raise ContentError(problems)
    entries = []
    for number, line in enumerate(text.splitlines(), start=1):
        line = line.strip()
        if line and not line.startswith("#"):
            entries.append((number, line))
    return entries


def manifest_text(entries) -> str:
    return HEADER + "".join(f"{url}\n" for url in sorted(set(entries)))


def updated_manifest(project: Path, portal: Portal) -> list[str]:
    """Current URLs plus earlier ones still alive through aliases, so removing an alias later is caught too."""
    alive = live_urls(portal)
    kept = {url for _, url in read_manifest(project) or [] if url in alive}
    return sorted(set(published_urls(portal)) | kept)


def write_manifest(project: Path, portal: Portal) -> tuple[list[str], list[str]]:
    """Rewrite the manifest; returns (added, removed) URLs."""
    before = {url for _, url in read_manifest(project) or []}
    after = updated_manifest(project, portal)
    target = project / MANIFEST
    target.parent.mkdir(parents=True, exist_ok=True)
    replace_file(target, manifest_text(after).encode("utf-8"))  # a link there is replaced, never written through
    return sorted(set(after) - before), sorted(before - set(after))


def was_published(project: Path, kind: str, page_ids: set[str], anchor: str = "") -> bool:
    """Whether the manifest records the page (any of `page_ids`) of `kind`, or `anchor` on it: a link to it may be in a
    ticket. True when the project keeps no manifest, since nothing says otherwise."""
    entries = read_manifest(project)
    if entries is None:
        return True
    return any(found[0] == kind and found[1] in page_ids and found[2] == anchor
               for found in (_split(url) for _, url in entries))


def _split(url: str) -> tuple[str, str, str]:
    """'playbooks/renewal/#step' -> ('playbook', 'renewal', 'step'); kind '' when it is not a content page."""
    path, _, anchor = url.partition("#")
    parts = path.strip("/").split("/")
    if path == page_base("glossary", ""):
        return "glossary", "", anchor
    if len(parts) == 2 and parts[0] in _FOLDER_KINDS:
        return _FOLDER_KINDS[parts[0]], parts[1], anchor
    return "", path, anchor


def _vanished_problem(number: int, url: str, hidden: int, pages: dict, new_ids: dict, recorded: set) -> Problem:
    kind, page_id, anchor = _split(url)
    noun = NOUNS.get(kind, "page")
    more = f" (and {hidden} anchor{'s' if hidden != 1 else ''} on it)" if hidden else ""
    undo = "if it was removed on purpose, run `csops urls --update`"
    message = f"published URL '{url}' would disappear{more}"
    if not kind:
        return Problem(MANIFEST, number, 1, "vanished-url", message, undo)
    page = pages.get((kind, page_id))
    if page is None:
        if kind == "role":
            # as for a page: its former id in aliases makes roles/<old>/ a redirect
            candidates = new_ids.get(kind, [])
            renamed = (f"if it was renamed to '{candidates[0].id}', add `aliases: [{page_id}]` to role "
                       f"'{candidates[0].id}'" if len(candidates) == 1 else f"if it was renamed, add "
                       f"`aliases: [{page_id}]` to the renamed role")
            return Problem(MANIFEST, number, 1, "vanished-url", f"{message}: role '{page_id}' no longer exists",
                           f"{renamed} in content/roles.yml (`csops mv role` does that and rewrites every reference); "
                           + undo)
        if kind == "phase":
            return Problem(MANIFEST, number, 1, "vanished-url", f"{message}: no playbook is in phase '{page_id}' any more",
                           f"a phase has a page while a playbook is in it and cannot redirect; keep one there "
                           f"(phase: {page_id}), or " + undo)
        candidates = [p for p in new_ids.get(kind, [])]
        gone = f"{message}: {noun} '{page_id}' no longer exists"
        if len(candidates) == 1:
            # Most likely a plain `git mv`: adding the alias alone leaves every reference to the old id broken,
            # while `csops mv` refuses to start on content that does not validate, so say how to get there.
            new = candidates[0]
            folder, _, name = new.source.rpartition("/")
            stem, _, suffix = name.rpartition(".")
            # a file whose name is not its id has `id:`: the rename was an edit of that line, not a move, and
            # moving the file changes nothing (csops mv keeps such a file's name too)
            undone = (f"move {new.source} back to {folder}/{page_id}.{suffix}" if stem == new.id
                      else f"set its id back to '{page_id}' in {new.source}")
            return Problem(MANIFEST, number, 1, "vanished-url", gone,
                           f"if it was renamed to '{new.id}', {undone} and run "
                           f"`csops mv {KINDS[kind].cli_word} {page_id} {new.id}`: it keeps the old URL as an alias "
                           f"and rewrites every reference; {undo}")
        return Problem(MANIFEST, number, 1, "vanished-url", gone,
                       f"if it was renamed, add `aliases: [{page_id}]` to the renamed {noun}; {undo}")
    item = ITEM_NOUNS.get(kind, "anchor")
    bases = {page_base(kind, page.id), page_base(kind, page_id)}
    fresh = sorted(a for a in page.own_anchors if not any(f"{base}#{a}" in recorded for base in bases))
    if kind == "glossary":
        return Problem(MANIFEST, number, 1, "vanished-url", f"{message}: the glossary has no term '{anchor}' any more",
                       _renamed_item_hint("term", "term", "", anchor, fresh, page.source, undo))
    subject = f"{noun} '{page_id}' now redirects to '{page.id}', which" if page.id != page_id else f"{noun} '{page.id}'"
    moved_to = _moved_to(kind, anchor, page, pages, recorded)
    if moved_to is not None:
        # an alias on another step of this page would land old links on the wrong step, and the new page's
        # anchor is a different URL: say so, and how to keep the old one landing
        return Problem(MANIFEST, number, 1, "vanished-url",
                       f"{message}: {subject} has no {item} '{anchor}' any more; it moved to {noun} '{moved_to.id}' "
                       f"({moved_to.source})",
                       f"a link cannot follow it to another page: keep a short {item} '{anchor}' in "
                       f"{page.source} that points to [its new place]({kind}:{moved_to.id}#{anchor}), or, to let old "
                       f"links open the top of '{page.id}', run `csops urls --update`")
    words = KINDS[kind].item_cli_words
    mv_word = words[0] if len(words) == 1 else ""  # a checklist's anchors are sections or items: not said which
    return Problem(MANIFEST, number, 1, "vanished-url",
                   f"{message}: {subject} has no {item} '{anchor}' any more",
                   _renamed_item_hint(item, mv_word, f"{page.id} ", anchor, fresh, page.source, undo))


def _renamed_item_hint(item: str, mv_word: str, document: str, anchor: str, fresh: list[str], source: str,
                       undo: str) -> str:
    """With one new item on the page, most likely a rename by hand: the alias alone leaves every reference to the
    old id broken, and `csops mv` does both (it refuses to start on content that does not validate: undo it first)."""
    if mv_word and len(fresh) == 1:
        return (f"if it was renamed to '{fresh[0]}', set its id back to '{anchor}' in {source} and run "
                f"`csops mv {mv_word} {document}{anchor} {fresh[0]}`: it keeps the old URL as an alias and rewrites "
                f"every reference; {undo}")
    guess = f" (new here: {', '.join(fresh)})" if fresh and len(fresh) <= 3 else ""
    return f"if it was renamed, add `aliases: [{anchor}]` to the renamed {item} in {source}{guess}; {undo}"


def _moved_to(kind: str, anchor: str, page: PageAnchors, pages: dict, recorded: set) -> PageAnchors | None:
    """The one other page of the kind that now holds an item `anchor` never published there: where it moved."""
    found = {p.id: p for p in pages.values() if p.kind == kind and p.id != page.id and anchor in p.own_anchors
             and f"{page_base(kind, p.id)}#{anchor}" not in recorded}
    return next(iter(found.values())) if len(found) == 1 else None


def check_manifest(project: Path, portal: Portal) -> list[Problem]:
    """A Problem for every manifest URL that would no longer resolve, with the fix."""
    from .problems import ContentError

    try:
        entries = read_manifest(project)
    except ContentError as unreadable:
        return unreadable.problems
    if not entries:
        return []
    alive = live_urls(portal)
    recorded = {url for _, url in entries}
    vanished = [(n, url) for n, url in entries if url not in alive]
    if not vanished:
        return []
    pages: dict = {}
    for page in content_pages(portal):
        for page_id in (page.id,) + page.aliases:
            pages[(page.kind, page_id)] = page
    new_ids: dict = {}
    for page in content_pages(portal):
        if page_base(page.kind, page.id) not in recorded:
            new_ids.setdefault(page.kind, []).append(page)
    gone_pages = {url for _, url in vanished if "#" not in url}
    problems = []
    for number, url in vanished:
        base = url.partition("#")[0]
        if "#" in url and base in gone_pages:
            continue  # reported once with its page
        hidden = sum(1 for _, other in vanished if other.startswith(base + "#")) if "#" not in url else 0
        problems.append(_vanished_problem(number, url, hidden, pages, new_ids, recorded))
    return problems


def stale_entries(project: Path, portal: Portal) -> tuple[list[str], list[str]]:
    """(URLs missing from the manifest, URLs it lists that `--update` would drop)."""
    current = {url for _, url in read_manifest(project) or []}
    wanted = set(updated_manifest(project, portal))
    return sorted(wanted - current), sorted(current - wanted)


def require_published_urls(project: Path, portal: Portal) -> None:
    """Raise ContentError when a published URL would vanish; the build stops before MkDocs runs."""
    from .problems import ContentError

    problems = check_manifest(project, portal)
    if problems:
        raise ContentError(problems)


def resolve_url(portal: Portal, url: str) -> str | None:
    """Where a (possibly old) URL lands now: its canonical URL, or None when it no longer resolves."""
    kind, page_id, anchor = _split(url)
    if not kind:
        return None
    for page in content_pages(portal):
        if page.kind == kind and page_id in (page.id,) + page.aliases:
            base = page_base(kind, page.id)
            if not anchor:
                return base
            if anchor in page.own_anchors:
                return f"{base}#{anchor}"
            target = _item_for_alias(portal, page, anchor)
            return f"{base}#{target}" if target else None
    return None


def _item_for_alias(portal: Portal, page: PageAnchors, alias: str) -> str | None:
    if page.kind == "glossary":
        return next((term.id for term in portal.glossary if alias in term.aliases), None)
    doc = next((d for d in portal.documents if d.kind == page.kind and d.id == page.id), None)
    for item in doc.anchored_items if doc else ():
        if alias in item.aliases:
            return item.id
    return None


def vanished_url_problems(project: Path, documents: list, problems: list[Problem], misshapen) -> list[Problem]:
    """The manifest's problems (published URLs that would disappear) for content with errors, when its pages are
    still what they will be: only references and rules are wrong. A renamed step showed only 'unknown step' in the
    files linking to it, which nudged the editor to edit those links; the missing alias came a run later."""
    if misshapen or any(p.severity == "error" and (p.unreadable or p.code in _MODEL_BREAKING) for p in problems):
        return []
    return check_manifest(project, build_model(documents))


# Errors after which the model may not be the pages the content will give (two pages with one id)
_MODEL_BREAKING = {"duplicate-id", "duplicate-key", "invalid-id", "reserved-id"}
