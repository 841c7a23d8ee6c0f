"""`asked_as` phrases that would mislead search: each phrase lifts its item for readers who type those words.

A paragraph pasted as a phrase, or a dozen phrases, lets one item outrank the ones that answer (keyword
stuffing); a phrase two items share sends its readers to whichever ranks higher that day; a blank one is
a slip. All are warnings: search still works, but an Ops editor should see them before readers do.
"""

from __future__ import annotations

import re
import unicodedata

from ..escaping import visible
from ..loader import Document
from ..located_values import LocDict, LocList
from ..problems import Problem, shown
from . import doc_id, sub_items

CODES = ("asked-as-phrase", "asked-as-duplicate")
MAX_PHRASE_CHARS = 150  # a question typed into a search box, not a ticket's whole text
MAX_PHRASES = 10
# Phrases one file shares with another from which they are reported as one warning (a handful stay one per
# phrase, each its own fix): a copied playbook buried its one real problem under a warning per phrase (43 for
# a copy of the QBR playbook).
COPIED_FILE_PHRASES = 6


def _phrases(doc: Document):
    """(item, its phrases as a LocList) for every item of `doc` that has `asked_as:`."""
    if not isinstance(doc.data, LocDict):
        return
    for item in sub_items(doc):
        phrases = item.get("asked_as")
        if isinstance(phrases, LocList):
            yield item, phrases


def _key(phrase: str) -> str:
    """Phrases search cannot tell apart (ＱＢＲ and QBR, case, spacing, punctuation) are one phrase."""
    return " ".join(re.sub(r"[^\w\s]", " ", unicodedata.normalize("NFKC", phrase).casefold()).split())


def check_file(doc: Document) -> list[Problem]:
    """One file's blank, overlong, surplus and repeated phrases (kept per file by the content cache)."""
    problems: list[Problem] = []
    for item, phrases in _phrases(doc):
        if len(phrases) > MAX_PHRASES:
            problems.append(Problem(doc.path, *phrases.where(MAX_PHRASES), "asked-as-phrase",
                                    f"{len(phrases)} asked_as phrases on one item: past {MAX_PHRASES}, they lift it above "
                                    "the items that answer those words", "keep the ways readers really ask; at most "
                                    f"{MAX_PHRASES}", severity="warning"))
        seen: set[str] = set()
        for index, phrase in enumerate(phrases):
            if not isinstance(phrase, str) or not phrase:
                continue  # the shape check names the wrong type, and an empty phrase
            where = phrases.where(index)
            if not _key(phrase):  # spaces, punctuation or control characters only: no word to search for
                problems.append(Problem(doc.path, *where, "asked-as-phrase", "blank asked_as phrase", "remove it",
                                        severity="warning"))
            elif visible(phrase) != phrase:  # a zero-width space split one word in two: typed whole, it found nothing
                problems.append(Problem(doc.path, *where, "asked-as-phrase",
                                        f"asked_as phrase '{shown(phrase.strip(), 80)}' holds invisible or control characters",
                                        "retype it: pasted text can carry characters that split or reverse its words",
                                        severity="warning"))
            elif len(phrase) > MAX_PHRASE_CHARS:
                problems.append(Problem(doc.path, *where, "asked-as-phrase",
                                        f"asked_as phrase of {len(phrase)} characters: every word in it would lead here",
                                        f"write it as a reader types it into the search box, at most {MAX_PHRASE_CHARS} "
                                        "characters", severity="warning"))
            elif _key(phrase) in seen:
                problems.append(Problem(doc.path, *where, "asked-as-duplicate",
                                        f"'{shown(phrase.strip())}' is already an asked_as phrase of this item", "remove it",
                                        severity="warning"))
            seen.add(_key(phrase))
    return problems


def check(documents: list[Document]) -> list[Problem]:
    """Phrases that two items share, across all files: each place names another, so the line a pull request
    added is annotated too, whichever file loads first."""
    places: dict[str, list[tuple[str, str, int, int, str]]] = {}  # phrase -> (item, path, line, col, as written)
    for doc in documents:
        for item, phrases in _phrases(doc):
            name = f"{doc.kind} {doc_id(doc)}#{item.get('id', '?')}"
            for index, phrase in enumerate(phrases):
                if isinstance(phrase, str) and _key(phrase):
                    places.setdefault(_key(phrase), []).append((name, doc.path, *phrases.where(index), phrase.strip()))
    shared: dict[tuple[str, str], list[tuple]] = {}  # (this file, the other item's file) -> each place
    for found in places.values():
        items = {name for name, *_ in found}
        if len(items) < 2:
            continue
        warned: set[str] = set()
        for name, path, line, col, phrase in found:
            if name in warned:
                continue  # the item's own repeat: check_file says so
            warned.add(name)
            other = next(place for place in found if place[0] != name)
            shared.setdefault((path, other[1]), []).append((line, col, phrase, other))
    problems: list[Problem] = []
    for (path, other_path), found in shared.items():
        found.sort(key=lambda place: place[:2])
        # a copied file: one warning, not one per phrase of it. Two items of one file are no copy: the pair's
        # places both count under (file, file), and each item keeps its own warning per phrase
        if len(found) >= COPIED_FILE_PHRASES and path != other_path:
            line, col, phrase, other = found[0]
            problems.append(Problem(path, line, col, "asked-as-duplicate",
                                    f"{len(found)} asked_as phrases here are also phrases in {other_path}, the first "
                                    f"'{shown(phrase)}' (of {shown(other[0], 160)}, line {other[2]}): readers who type "
                                    "one get either page", "a copied file? write its own phrases, "
                                    "or remove them; keep each on the item that answers it", severity="warning"))
            continue
        for line, col, phrase, other in found:
            problems.append(Problem(path, line, col, "asked-as-duplicate",
                                    f"'{shown(phrase)}' is also an asked_as phrase of {shown(other[0], 160)} "
                                    f"({other[1]}:{other[2]}): readers who type it get either",
                                    "keep it on the item that answers it", severity="warning"))
    return problems
