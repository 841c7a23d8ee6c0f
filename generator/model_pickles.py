"""Each playbook pickled once a build: the bytes its page's render key is made from (render.py), and the form the
search-index job carries it in to its worker (workers.start_index).

A build wrote out every playbook twice before any page was made: as repr() for its page key, and pickled within
the portal for the index worker, about 0.1 s of the build process's CPU at 1,000 playbooks on each edit rebuild.
Pickled bytes serve both: equal bytes mean equal playbooks, so a key made from them holds all a repr did.
"""

from __future__ import annotations

import io
import pickle

from .model import Playbook
from .run_memory import RunMemory

# In a process that builds again and again (`csops serve`), an unchanged playbook is the last build's very object
# (model_builder.py): its bytes need not be made again.
_kept = RunMemory()


class ModelPickles:
    """Playbooks' pickled bytes, each made once a build, by the object they are made from."""

    def __init__(self) -> None:
        self._bytes: dict[int, tuple[object, bytes]] = {}  # the object is held with its bytes: its id stays its own

    def of(self, value) -> bytes:
        """`value` (a playbook, or one as its page shows it) pickled."""
        found = self._bytes.get(id(value))
        if found is None or found[0] is not value:
            found = self._bytes[id(value)] = (value, _kept.get_by(value, lambda: pickle.dumps(value, pickle.HIGHEST_PROTOCOL)))
        return found[1]

    def dumps(self, value) -> bytes:
        """`value` pickled, each playbook in it as the bytes `of` made of it (`loads` reads it)."""
        out = io.BytesIO()
        _Pickler(out, self).dump(value)
        return out.getvalue()


class _Pickler(pickle.Pickler):
    def __init__(self, file, pickles: ModelPickles):
        super().__init__(file, pickle.HIGHEST_PROTOCOL)
        self._pickles = pickles

    def persistent_id(self, obj):
        # a playbook as its bytes, which pickle writes once however often the portal holds it (playbooks, documents)
        return self._pickles.of(obj) if type(obj) is Playbook else None


class _Unpickler(pickle.Unpickler):
    def __init__(self, file):
        super().__init__(file)
        self._loaded: dict[int, tuple[bytes, Playbook]] = {}

    def persistent_load(self, pid: bytes) -> Playbook:
        # one object per playbook, however often it is referred to, as a plain pickle would give: pickle hands
        # each later reference the very bytes object of the first
        found = self._loaded.get(id(pid))
        if found is None or found[0] is not pid:
            found = self._loaded[id(pid)] = (pid, pickle.loads(pid))
        return found[1]


def loads(data: bytes):
    """What `ModelPickles.dumps` wrote."""
    return _Unpickler(io.BytesIO(data)).load()
