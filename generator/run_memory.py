"""What a process that builds again and again (`csops serve`) keeps from one build for the next.

After a save, most of the model and the page keys are what the last build made: a process that rebuilds
takes them from here instead of making them again (0.15 s of a 1.2 s rebuild at 1,000 playbooks, with the role
pages' rows, which every build now takes from the live generation: incremental.RoleRows). A one-run process
keeps nothing, since it would only hold on to every value until it exits. Only what the last build used is
kept, so memory stays one build's worth.

A value is kept under a key that names everything it is made from, or by the identity of the object it is
made from (`get_by`).
"""

from __future__ import annotations

from contextlib import contextmanager
from typing import Callable, Hashable, TypeVar

T = TypeVar("T")

_memories: list["RunMemory"] = []
_keeping = False


def keep_between_runs() -> None:
    """This process builds again and again: keep what each build makes for the next."""
    global _keeping
    _keeping = True


@contextmanager
def kept_within():
    """Keep what is made during the block, in a process that keeps nothing between builds: What's new models the
    content of many commits, most of it the very parses of the commit before (content_cache.RevisionParses), and
    made each one's model again (3.4 s of a fresh clone's build at 1,000 playbooks and 5 commits). Let go after."""
    global _keeping
    if _keeping:  # kept anyway (csops serve)
        yield
        return
    _keeping = True
    try:
        yield
    finally:
        _keeping = False
        for memory in _memories:
            memory.last, memory.now = {}, {}


def keeps_between_runs() -> bool:
    """Whether this process keeps values for its next build (csops serve), or is within `kept_within`."""
    return _keeping


def start_run() -> None:
    """A build starts: what the build before it used stays available to it; anything older goes."""
    if not _keeping:
        return
    for memory in _memories:
        memory.last, memory.now = memory.now, {}


class RunMemory:
    """Values by key, kept from the last build to this one (in a process that keeps them)."""

    def __init__(self) -> None:
        self.last: dict = {}
        self.now: dict = {}
        _memories.append(self)

    def find(self, key: Hashable):
        """The value kept under `key` (one that names all the value is made from), or None."""
        if not _keeping:
            return None
        found = self.now.get(key)
        if found is None:
            found = self.last.get(key)
            if found is not None:
                self.now[key] = found
        return found

    def keep(self, key: Hashable, value) -> None:
        if _keeping:
            self.now[key] = value

    def get(self, key: Hashable, make: Callable[[], T]) -> T:
        """The value kept under `key`, else `make()` (kept for the next build)."""
        found = self.find(key)
        if found is None:
            found = make()
            self.keep(key, found)
        return found

    def get_by(self, obj: object, make: Callable[[], T], *more: Hashable) -> T:
        """The value the last build made from the very object `obj` (and `more`), else `make()`. For objects too
        large to compare, such as an unchanged file's parse, which is the last build's own (content_cache.py)."""
        if not _keeping:
            return make()
        key = (id(obj), *more)
        found = self.find(key)
        if found is None or found[0] is not obj:
            found = (obj, make())  # the object is kept with its value, so its id passes to no other object
            self.keep(key, found)
        return found[1]
