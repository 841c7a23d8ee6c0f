"""What changed for readers: the content's recent git history as a ChangeFeed (the What's-new page and Atom feed).

Each of the last N commits that touched content/ (first-parent, so a merged pull
request is one entry) is compared with the content before it by `diff.compare`,
the same semantic diff `csops diff` prints for reviewers. Everything here comes
from git (commit dates, never the build's clock), so the same history always
gives the same feed. Without git or without commits the feed is empty and says why.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import TYPE_CHECKING

from . import urls
from .content_cache import ContentCache, RevisionParses
from .escaping import controls_written_out
from .file_writes import scratch_folder
from .git_revisions import FILE_MODES, GitError, checkout_path, git, tree_files, write_blobs
from .history_cache import feed_key, keep_feed, kept_feed
from .portal import Portal
from .portal_time import utc_instant
from .run_memory import RunMemory, kept_within
from .rules import site_config
from .versions import SEARCH_ONLY_FIELDS, item_version

if TYPE_CHECKING:
    from .diff_sides import Side

# diff.py and diff_sides.py are imported where the feed is made: a build that takes the kept feed (history_cache.py)
# compares nothing

# Item classes -> the label key naming them on the page and in the feed.
_ITEM_NOUNS = {"Step": "step", "Section": "section", "ChecklistItem": "item", "FaqEntry": "entry", "Activity": "activity"}


def _changed_fields(old, new, portal) -> tuple[str, ...]:
    """`portal`: the commit's own, whose aliases say what it renamed. The very same object (an unchanged file's
    model, kept from one commit to the next) has no changed field."""
    from .diff import IGNORED_FIELDS, same_target

    if old is new:
        return ()
    if type(old) is not type(new):
        return ("kind",)
    # what readers never see (SEARCH_ONLY_FIELDS) is no news to them, nor a link `csops mv` rewrote to the renamed
    # target it leads to (a chart rename listed ten untouched steps and answers as 'Changed … — text')
    return tuple(f.name for f in fields(new) if f.name not in IGNORED_FIELDS | SEARCH_ONLY_FIELDS
                 and getattr(old, f.name) != getattr(new, f.name)
                 and not same_target(portal, f.name, getattr(old, f.name), getattr(new, f.name)))


@dataclass(frozen=True)
class Target:
    """Where a change can be read today: a page of the portal being built, and an anchor on it."""

    kind: str
    doc_id: str
    anchor: str = ""


@dataclass(frozen=True)
class Change:
    """One thing a reader follows that was added, renamed, changed or removed."""

    action: str  # added | renamed | moved (to another page of its kind) | changed | removed
    kind: str  # playbook | onboarding | faq | chart
    noun: str  # "page" or the item's label key: step, section, item, entry, activity
    title: str  # the item's (or page's) name after the change; before it, if removed
    page_title: str  # the page it is on
    old_id: str = ""  # renamed: the former id
    new_id: str = ""
    fields: tuple[str, ...] = ()  # changed: which fields
    target: Target | None = None  # where it is today; None when it no longer exists in the portal being built
    from_page: str = ""  # moved: the title of the page it left
    page: Target | None = None  # the page it was on (`page_title`), today: an item moved away since is not on it
    place: Target | None = None  # where it was just after the commit, by that commit's ids (to follow later moves)


@dataclass(frozen=True)
class FeedEntry:
    """One commit's changes, dated by the commit: an instant, which pages show as the portal's day and time of day
    (portal_time), its readers' calendar."""

    commit: str
    timestamp: int  # committer date, seconds since the epoch
    subject: str
    changes: tuple[Change, ...]

    @property
    def anchor(self) -> str:
        return f"c-{self.commit[:12]}"

    @property
    def updated(self) -> str:
        """The instant for machines (Atom's <updated>, <time datetime>): in UTC, whatever the portal's zone."""
        return utc_instant(self.timestamp)


@dataclass(frozen=True)
class ItemChange:
    """A versioned item's (a step's, an FAQ answer's, a chart duty's) version before one change, when that change happened and
    which entry tells about it."""

    before: str
    timestamp: int  # the change's commit date: pages show its day in the portal's zone
    anchor: str


@dataclass(frozen=True)
class ChangeFeed:
    """The recent changes, newest first, and the past versions of each current item whose links carry one
    (`Kind.versioned_items`: steps, FAQ answers, chart duties), for links that know they are old."""

    entries: tuple[FeedEntry, ...] = ()
    status: str = "ok"  # ok | off (extra.csops.whats_new.commits: 0) | no-git | no-commits | shallow
    detail: str = ""  # why there is no history, for the build log
    item_history: dict = field(default_factory=dict)  # (kind, page id, item id) -> tuple[ItemChange, ...] oldest first

    @property
    def available(self) -> bool:
        return self.status == "ok"

    def item_changes(self, kind: str, doc_id: str, item_id: str) -> tuple[ItemChange, ...]:
        return self.item_history.get((kind, doc_id, item_id), ())


def whats_new_commits(raw_config: dict) -> int:
    """`extra.csops.whats_new.commits` in mkdocs.yml: how many content commits the feed covers. A value out of
    range is validate's error at its line (rules/site_config), and a build stops before it gets here."""
    count = site_config.whats_new_commits(raw_config)
    return site_config.WHATS_NEW_COMMITS if count is None else count


HEADLINE_CHARS = 72  # git's own advice for a subject line; longer ones took three lines of a heading
# Where a commit message's lines break: git's line feed (a CR before it, or alone, from a Windows or old Mac editor).
# Not str.splitlines, which also breaks at U+2028, U+2029 and U+0085: a subject holding one (pasted from a web page or
# a word processor) lost its headline from there on. Those read as a space, as a browser shows them.
_MESSAGE_LINE_BREAK = re.compile(r"\r\n?|\n")
_READ_AS_A_SPACE = str.maketrans({"\u2028": " ", "\u2029": " ", "\x85": " "})


def headline(message: str) -> str:
    """A commit message's first line, cut at a word within HEADLINE_CHARS: a What's-new heading, not its story.
    Its control and direction characters are written out (the page and the feed both show this text)."""
    lines = (line.translate(_READ_AS_A_SPACE).strip() for line in _MESSAGE_LINE_BREAK.split(message))
    first = next((line for line in lines if line), "")
    if len(first) <= HEADLINE_CHARS:
        return controls_written_out(first)
    cut = first[:HEADLINE_CHARS].rsplit(" ", 1)[0] if " " in first[:HEADLINE_CHARS] else first[:HEADLINE_CHARS]
    return controls_written_out(cut.rstrip(" ,;:-–—")) + "…"


# The last second a page or feed can date (9999-12-31T23:59:59Z): Python's datetime ends there.
_LAST_DATE = 253402300799


def _commit_time(text: str) -> int:
    """A commit's date as `git log %ct` gives it, in seconds, held to the dates a page can show. A commit dated past
    year 9999 (a committer clock far off: `git commit` takes up to 2^63 - 1) raised in every build's What's new
    while it was among the last twenty; one whose date git cannot read (%ct empty) did too. Such a date shows as
    git shows it: 1970-01-01 when unreadable, the last showable day when too late."""
    return min(int(text), _LAST_DATE) if text.isascii() and text.isdigit() else 0


@dataclass(frozen=True)
class _Commit:
    sha: str
    timestamp: int
    subject: str


def _content_commits(project: Path, limit: int) -> tuple[list[_Commit], str | None]:
    """The last `limit` first-parent commits touching content/, newest first, and the parent of the oldest."""
    # %B, not %s: git's subject is the whole first paragraph, joined, and a message whose first lines ran on
    # became a fifteen-line heading on What's new. Records end with NUL (-z), the one byte git keeps out of a
    # message: a message holding the separator we used before (\x1e) failed every build that read it.
    out = git(project, "log", "-z", "--first-parent", f"-n{limit + 1}", "--format=%H %ct%n%B", "--", "content")
    commits = []
    for record in out.decode("utf-8", errors="replace").split("\x00"):
        if record.strip():
            header, _, message = record.lstrip("\n").partition("\n")
            sha, _, timestamp = header.partition(" ")
            commits.append(_Commit(sha, _commit_time(timestamp), headline(message)))
    if len(commits) > limit:
        # The commit before the window is the base of the oldest entry (its content is what the oldest changed).
        return commits[:limit], commits[limit].sha
    if not commits:
        return [], None
    try:
        parent = git(project, "rev-parse", "--verify", "--quiet", f"{commits[-1].sha}^1").decode().strip()
    except GitError:
        parent = ""
    return commits, parent or None


class _Checkout:
    """content/ of one revision in a temp folder, moved from commit to commit by writing only the files each changed.

    A commit usually touches one or two of the content files, so this is one `git diff-tree`, one `git cat-file`
    of those files and one `git check-attr` for their filters (git_revisions.write_blobs) per commit instead of
    exporting everything again.
    """

    def __init__(self, root: Path, top: Path, prefix: str, kept: ContentCache | None = None):
        self.root, self.revision = root, None  # None: the empty content/ it starts as
        self.top, self.prefix = top, prefix  # the repository's folder, and the portal's path in it
        (root / "content").mkdir(parents=True)
        self.parses = RevisionParses(kept)  # one commit's unchanged files are parsed and checked once for all

    def move_to(self, revision: str) -> None:
        # Names are decoded as the file system does (os.fsdecode): a file once committed with a name that is not
        # UTF-8 failed every build while its commit was in the feed; now it round-trips to git and to the disk,
        # and the loader reports it as the broken file it is.
        content = f"{self.prefix}content"
        if self.revision is None:
            written, removed = tree_files(self.top, revision, [content]), []
        else:
            # each change as ':old-mode new-mode old-blob new-blob status', then its path: a file that became a link
            # (or was deleted) is removed, as a checkout's links are not followed
            listing = git(self.top, "diff-tree", "-r", "-z", "--no-renames", self.revision, revision, "--", content)
            fields = listing.split(b"\0")
            written, removed = [], []
            for meta, name in zip(fields[0::2], fields[1::2]):
                _, mode, _, blob, _ = meta.split(b" ")
                if mode in FILE_MODES:
                    written.append((os.fsdecode(name), blob.decode("ascii")))
                else:
                    removed.append(os.fsdecode(name))
        for path in removed:
            gone = checkout_path(self.root, path, self.prefix)
            if gone is not None and not gone.is_dir():  # a folder that became a link or a file: its files are listed
                gone.unlink(missing_ok=True)
                self._prune_empty_folders(gone.parent)
        write_blobs(self.top, written, self.prefix, self.root)
        self.revision = revision

    def _prune_empty_folders(self, folder: Path) -> None:
        """Remove `folder` and the folders above it left empty, up to content/, as a checkout does: a folder whose
        files a commit replaced by one file of its name stood in the way of writing it (IsADirectoryError)."""
        content = self.root / "content"
        while folder != content and folder.is_relative_to(content) and not any(folder.iterdir()):
            folder.rmdir()
            folder = folder.parent

    def side(self, revision: str | None) -> tuple[Side, frozenset[str]]:
        """The model of content/ at `revision` (None: no content yet) and its files too broken to model."""
        key = (str(self.top), self.prefix, revision)
        if revision is not None and key in _SIDES:
            return _SIDES[key]
        if revision is not None:
            self.move_to(revision)
        from .diff_sides import Side, load_sound_content

        self.parses.next_revision()
        content = load_sound_content(self.root, self.parses)
        loaded = Side(revision or "empty", content.portal, content.errors), frozenset(content.broken_files)
        if revision is not None:
            # A commit's content never changes: `csops serve` rebuilds reuse it (bounded: oldest go first).
            _SIDES[key] = loaded
            while len(_SIDES) > 2 * (site_config.MAX_WHATS_NEW_COMMITS + 1):
                del _SIDES[next(iter(_SIDES))]
        return loaded


_SIDES: dict[tuple[str, str, str], tuple[Side, frozenset[str]]] = {}


def head_log(project: Path) -> Path | None:
    """The file git appends a line to whenever HEAD moves (commit, amend, checkout, reset, pull), or None outside
    git or before the first commit: what the preview watches so What's new follows commits made while it runs."""
    try:
        log = project / git(project, "rev-parse", "--git-path", "logs/HEAD").decode().strip()
    except GitError:
        return None
    return log.resolve() if log.is_file() else None


def read_change_feed(project: Path, portal: Portal, limit: int = site_config.WHATS_NEW_COMMITS) -> ChangeFeed:
    """The feed of the last `limit` content commits, linked to the anchors of `portal` (the one being built)."""
    if limit == 0:
        return ChangeFeed(status="off", detail="extra.csops.whats_new.commits is 0")
    try:
        git(project, "rev-parse", "--git-dir")
    except GitError as error:
        return ChangeFeed(status="no-git", detail=error.format_message())
    try:
        git(project, "rev-parse", "--verify", "--quiet", "HEAD")
    except GitError:
        return ChangeFeed(status="no-commits", detail="the repository has no commits yet")
    commits, base = _content_commits(project, limit)
    if not commits:
        return ChangeFeed(status="no-commits", detail="no commit touches content/")
    shallow, prefix, top, attributes = git(project, "rev-parse", "--is-shallow-repository", "--show-prefix",
                                           "--show-toplevel", "--git-path", "info/attributes").decode().split("\n")[:4]
    if base is None and shallow == "true":
        # A shallow clone's oldest commit has no parent here: what it changed is unknown, so it is left out.
        base = commits.pop().sha if len(commits) > 1 else None
        if not base:
            return ChangeFeed(status="shallow", detail="shallow clone: fetch more history (fetch-depth: 0)")
    key = feed_key(project, Path(top), prefix, [commit.sha for commit in commits], base, project / attributes)
    kept = kept_feed(project, key)
    if isinstance(kept, _KeptFeed) and kept.holds_for(portal):
        return kept.feed
    resolver, spelled = _Resolver(portal), set()
    feed = _change_feed(project, portal, commits, base, Path(top), prefix, resolver, spelled)
    keep_feed(project, key, _KeptFeed(feed, resolver.asked, frozenset(spelled), portal.first_names.read_of(spelled)))
    return feed


@dataclass(frozen=True)
class _KeptFeed:
    """A feed as kept between builds, with all it read of the portal it was made for: where it asked each past id to
    be today (the answers), and the ids its item versions spell, with the renamed targets among them (the versions
    read references through the ids those had first, FirstNames). A portal giving the same answers and the same
    renames gets the same feed: a playbook added, deleted or renamed that the feed never named leaves it as it was."""

    feed: ChangeFeed
    asked: dict  # (kind, page id, item id) -> Target | None
    spelled: frozenset[str]
    renames: str  # FirstNames.read_of(spelled) of the portal it was made for

    def holds_for(self, portal: Portal) -> bool:
        if portal.first_names.read_of(self.spelled) != self.renames:
            return False
        resolver = _Resolver(portal)
        return all(resolver.target(*place) == found for place, found in self.asked.items())


def _change_feed(project: Path, portal: Portal, commits: list[_Commit], base: str | None, top: Path,
                 prefix: str, resolver: "_Resolver", spelled: set[str]) -> ChangeFeed:
    """The feed, today's places found through `resolver` (which keeps what it was asked); `spelled` gathers the
    ids the item versions spell."""
    from .diff import compare

    entries: list[tuple[int, FeedEntry]] = []
    items: dict[tuple[str, str, str], list[ItemChange]] = {}
    with scratch_folder(project, "history") as tmp, kept_within():  # an unchanged file's model: one for all commits
        checkout = _Checkout(tmp, top, prefix, ContentCache(project))  # the working tree's parses, for its bytes
        previous = checkout.side(base)
        for index, commit in enumerate(reversed(commits)):  # oldest first: renames carry item histories forward
            current = checkout.side(commit.sha)
            diff = compare(previous[0], current[0])
            entry = FeedEntry(commit.sha, commit.timestamp, commit.subject,
                              tuple(_changes(diff, previous[1], current[1], resolver)))
            _record_items(diff, entry, items, portal, spelled)
            resolver.note_moves(index, diff)
            if entry.changes:
                entries.append((index, entry))
            previous = current
    history = {key: tuple(value) for key, value in items.items()}
    followed = (replace(entry, changes=tuple(resolver.followed(change, index) for change in entry.changes))
                for index, entry in entries)
    return ChangeFeed(tuple(reversed(list(followed))), item_history=resolver.current_items(history))


# Each item's version (versions.item_version) by the item object, read by today's portal (its first names), whose
# aliases name every renamed target, as the build that gave a link its ?v= did: an unchanged item is the same object
# at every commit (run_memory.kept_within), and was versioned twice for each (48,000 hashes at 1,000 playbooks and
# 5 commits).
_versions = RunMemory()


def _record_items(diff, entry: FeedEntry, items: dict, portal: Portal, spelled: set[str]) -> None:
    """Follow renames, and note the version each changed versioned item had before this commit (`portal`: today's);
    `spelled` gathers the ids each versioned item spells (all through which its version reads today's renames)."""
    first_names = portal.first_names

    def version(item) -> str:
        ids, made = _versions.get_by(item, lambda: (first_names.ids_spelled(repr(item)), item_version(item, portal)),
                                     first_names.state)
        spelled.update(ids)
        return made

    moved: dict[tuple[str, str, str], list[ItemChange]] = {}
    for changes in diff.kinds:
        if not changes.kind.versioned_items:
            continue
        kind = changes.kind.name
        for document in changes.documents:
            old_doc, new_doc = document.old, document.new
            for old, new in document.items.kept + document.items.renamed:
                past = items.pop((kind, old_doc.id, old.id), [])
                before, after = version(old), version(new)
                if before != after:
                    past = past + [ItemChange(before, entry.timestamp, entry.anchor)]
                if past:
                    moved[(kind, new_doc.id, new.id)] = past
    items.clear()  # items removed in this commit (or on pages it removed) are no longer followed
    items.update(moved)


class _Resolver:
    """Where an id from a past revision is today: current ids first, then aliases (a rename keeps its old id there)."""

    def __init__(self, portal: Portal):
        # (commit index, kind, page id it left, item id, page id it went to), oldest first: an item moved to another
        # page keeps its id but not its page, which no alias records
        self.moves: list[tuple[int, str, str, str, str]] = []
        self.docs: dict[tuple[str, str], object] = {}
        for doc in portal.documents:
            for name in (doc.id,) + tuple(doc.aliases):
                self.docs.setdefault((doc.kind, name), doc)
        self.asked: dict[tuple[str, str, str], Target | None] = {}  # each place asked, and the answer (_KeptFeed)

    def doc(self, kind: str, doc_id: str):
        return self.docs.get((kind, doc_id))

    def target(self, kind: str, doc_id: str, item_id: str = "") -> Target | None:
        place = (kind, doc_id, item_id)
        if place not in self.asked:
            self.asked[place] = self._target(kind, doc_id, item_id)
        return self.asked[place]

    def _target(self, kind: str, doc_id: str, item_id: str) -> Target | None:
        doc = self.doc(kind, doc_id)
        if doc is None:
            return None
        if not item_id:
            return Target(kind, doc.id)
        for item in doc.anchored_items:
            if item.id == item_id or item_id in item.aliases:
                return Target(kind, doc.id, item.id)
        return None

    def note_moves(self, index: int, diff) -> None:
        for changes in diff.kinds:
            for document in changes.documents:
                for item, source in document.moved_in:
                    self.moves.append((index, changes.kind.name, source, item.id, document.new.id))

    def followed(self, change: Change, index: int) -> Change:
        """`change` (of commit `index`) linked to where its item is today when a later commit moved it to another
        page: an answer changed, then moved, was listed unlinked, 'in Renewals', though it lives on elsewhere."""
        place = change.place
        if change.target is not None or place is None or not place.anchor:
            return change
        doc_id = place.doc_id
        for when, kind, source, item_id, destination in self.moves:
            if when > index and (kind, source, item_id) == (place.kind, doc_id, place.anchor):
                doc_id = destination
        if doc_id == place.doc_id:
            return change
        return replace(change, target=self.target(place.kind, doc_id, place.anchor))

    def current_items(self, history: dict) -> dict:
        """The history keyed by where each item is today (a page renamed after the last change keeps its items')."""
        found = {}
        for (kind, doc_id, item_id), changes in sorted(history.items()):
            target = self.target(kind, doc_id, item_id)
            if target is not None:
                found.setdefault((kind, target.doc_id, target.anchor), changes)
        return found


def _noun(item) -> str:
    return _ITEM_NOUNS.get(type(item).__name__, "item")


def _changes(diff, base_broken: frozenset[str], head_broken: frozenset[str], resolver: _Resolver):
    """The commit's changes in reader terms; a file broken at one side is neither added nor removed by it."""
    for changes in diff.kinds:
        kind = changes.kind.name

        def on_page(action, doc, **more) -> Change:
            target = resolver.target(kind, doc.id)
            return Change(action, kind, "page", doc.title, doc.title, target=target, page=target, **more)

        def on_item(action, item, doc, **more) -> Change:
            return Change(action, kind, _noun(item), item.label, doc.title, page=resolver.target(kind, doc.id),
                          target=resolver.target(kind, doc.id, item.id), place=Target(kind, doc.id, item.id), **more)

        for doc in changes.pages.added:
            if doc.source not in base_broken:
                yield on_page("added", doc, new_id=doc.id)
        renamed = {new.id for _, new in changes.pages.renamed}
        for old, new in changes.pages.renamed:
            yield on_page("renamed", new, old_id=old.id, new_id=new.id,
                          fields=_changed_fields(old, new, diff.head.portal))
        for doc in changes.pages.removed:
            if doc.source not in head_broken:
                yield Change("removed", kind, "page", doc.title, doc.title, old_id=doc.id)
        titles = {document.new.id: document.new.title for document in changes.documents}
        for document in changes.documents:
            new_doc = document.new
            page_fields = _changed_fields(document.old, new_doc, diff.head.portal)
            if page_fields and new_doc.id not in renamed:  # a renamed page's fields are on its "renamed" line
                yield on_page("changed", new_doc, new_id=new_doc.id, fields=page_fields)
            items = document.items
            for item in items.added:
                yield on_item("added", item, new_doc, new_id=item.id)
            for old, new in items.renamed:
                yield on_item("renamed", new, new_doc, old_id=old.id, new_id=new.id,
                              fields=_changed_fields(old, new, diff.head.portal))
            # an answer or step moved to another page: its old link no longer lands on it, so say where it went
            for item, source in document.moved_in:
                yield on_item("moved", item, new_doc, new_id=item.id, from_page=titles.get(source, source))
            for old, new in items.kept:
                item_fields = _changed_fields(old, new, diff.head.portal)
                if item_fields:
                    yield on_item("changed", new, new_doc, new_id=new.id, fields=item_fields)
            for item in items.removed:  # its page is linked, where it was
                page = resolver.target(kind, new_doc.id)
                yield Change("removed", kind, _noun(item), item.label, new_doc.title, old_id=item.id, target=page,
                             page=page)


def target_source(target: Target) -> str:
    """The docs page a target is on."""
    return urls.page_source(target.kind, target.doc_id)
