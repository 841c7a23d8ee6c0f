"""The live build: versioned generation folders switched in by one atomic rename, and the clean-up after crashes.

    build/.staging-<pid>-<ns>/{docs,site,index}   a build in progress (removed at the next build once <pid> is dead)
    build/.generations/<pid>-<ns>/{docs,site,index}   a complete build
    build/current -> .generations/<pid>-<ns>      the one link a build flips (a new link renamed over it)
    build/docs -> current/docs, build/index -> current/index, site -> build/current/site   stable relative links

An incremental build starts its site from the generation before the live one, which it would delete anyway:
its folder is moved into the staging folder, and every file a build would not link from the live generation
is removed before MkDocs writes (incremental.RecycledSite), so no file another generation shares is written.

Every reader path goes through `build/current`, so docs, site and index always
come from the same build, and renaming one link over another is atomic: a
crash or kill at any moment leaves either the previous build or the new one,
complete. The previous generation is kept, so a reader that resolved the old
link a moment ago still finds its files.
"""

from __future__ import annotations

import ctypes
import errno
import fcntl
import os
import shutil
import threading
import time
from contextlib import contextmanager
from typing import Callable
from pathlib import Path

from .paths import build_root
from .trust import is_sealed, seal

CURRENT = "current"
GENERATIONS = ".generations"
STAGING_PREFIX = ".staging-"
PARTS = ("docs", "site", "index")


def pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process: alive
        return True
    return True


def _owner_pid(name: str, prefix: str) -> int | None:
    """The pid in `.staging-<pid>-<ns>`, `.current-<pid>`, `.site.old-<pid>` style names."""
    digits = name[len(prefix):].split("-")[0] if name.startswith(prefix) else ""
    return int(digits) if digits.isdigit() else None


def _remove(path: Path) -> None:
    if path.is_symlink() or path.is_file():
        path.unlink(missing_ok=True)
    else:
        shutil.rmtree(path, ignore_errors=True)


def clean_stale(project: Path, site_dir: Path) -> list[Path]:
    """Remove what killed builds left behind (staging folders, temporary links, old-layout `.old-` folders)
    whose owning process is dead; a live build's folders are never touched. A `.generations` that is a link
    or a file, or a `current` that is not a link, is removed (never followed): csops makes neither so."""
    removed = []
    root = build_root(project)
    generations, current = root / GENERATIONS, root / CURRENT
    if generations.is_symlink() or generations.is_file():  # planted: pruning would empty the folder it points to
        generations.unlink()
        removed.append(generations)
    if current.exists() and not current.is_symlink():  # only ever a link: a folder or file there blocks every flip
        _remove(current)
        removed.append(current)
    candidates = [(p, STAGING_PREFIX) for p in root.glob(STAGING_PREFIX + "*")]
    candidates += [(p, ".link-") for p in root.glob(".link-*")] + [(p, ".link-") for p in site_dir.parent.glob(".link-*")]
    for name in ("docs", "index"):  # the swap of csops before generations
        candidates += [(p, f".{name}.old-") for p in root.glob(f".{name}.old-*")]
    candidates += [(p, f".{site_dir.name}.old-") for p in site_dir.parent.glob(f".{site_dir.name}.old-*")]
    for path, prefix in candidates:
        pid = _owner_pid(path.name, prefix)
        if pid is not None and pid != os.getpid() and not pid_alive(pid):
            _remove(path)
            removed.append(path)
    return removed


@contextmanager
def build_lock(project: Path, waiting: Callable[[], None] | None = None):
    """One build at a time per project (a `csops serve` rebuild and a `csops build` may overlap); `waiting` is
    called first when another build holds it."""
    root = build_root(project)
    root.mkdir(parents=True, exist_ok=True)
    lock = root / ".lock"
    if lock.is_symlink():  # planted (csops makes a plain file): opened for writing, it emptied the file it named
        lock.unlink()
    # never truncated, never through a link: only its lock matters
    with open(os.open(lock, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC, 0o644), "rb") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            if waiting is not None:
                waiting()
            fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def new_staging(project: Path) -> Path:
    stage = build_root(project) / f"{STAGING_PREFIX}{os.getpid()}-{time.time_ns()}"
    stage.mkdir(parents=True)
    return stage


def current_generation(project: Path) -> Path | None:
    link = build_root(project) / CURRENT
    return (link.parent / os.readlink(link)) if link.is_symlink() else None


STAMP_FILE = "stamp"


def stamp(stage: Path, generation_name: str) -> None:
    """Seal a staged build as this machine's (trust.py), under the name it will be published as."""
    (stage / STAMP_FILE).write_text(seal(f"generation:{generation_name}"), encoding="utf-8")


def trusted_generation(project: Path) -> Path | None:
    """The live generation when this user on this machine built it: the only one a build may reuse from.

    One committed to the repository, or built elsewhere, is served as it is but never reused
    (its index would be unpickled, its HTML copied past the sanitiser).
    """
    generation = current_generation(project)
    return generation if generation is not None and is_trusted(generation) else None


def is_trusted(generation: Path) -> bool:
    """Whether this user on this machine built `generation` (its stamp seals its own name)."""
    try:
        sealed = (generation / STAMP_FILE).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return False
    return is_sealed(f"generation:{generation.name}", sealed)


RETIRED_SITE = "retired-site"


def take_retired_site(live: Path, retired_name: str, stage: Path) -> Path | None:
    """Move the site of the generation before the live one (`retired_name`, which this build's pruning would
    delete) into `stage` as RETIRED_SITE, for the build to start its site from (incremental.RecycledSite); None
    when there is none to take: not a trusted generation of this folder, or no real folder for its site.

    Done before prune_old_generations starts: a reader of that generation finds its pages gone or replaced by
    renames, never a file written in place, as when it is deleted.
    """
    if not retired_name or retired_name != Path(retired_name).name or retired_name.startswith(".") or retired_name == live.name:
        return None
    retired = live.parent / retired_name
    site = retired / "site"
    if retired.is_symlink() or not retired.is_dir() or site.is_symlink() or not site.is_dir() or not is_trusted(retired):
        return None
    target = stage / RETIRED_SITE
    try:
        site.rename(target)
    except OSError:
        return None
    return target


def _point(link: Path, target: str) -> None:
    """Make `link` a symlink to `target` in one rename of a fresh link over it (atomic; never absent)."""
    temporary = link.with_name(f".link-{os.getpid()}-{link.name}")
    temporary.unlink(missing_ok=True)
    os.symlink(target, temporary)
    os.replace(temporary, link)


_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


def _exchange(a: Path, b: Path) -> None:
    """Swap two paths atomically (Linux renameat2 RENAME_EXCHANGE): for turning an old-layout folder into a link."""
    libc = ctypes.CDLL(None, use_errno=True)
    renameat2 = getattr(libc, "renameat2", None)
    if renameat2 is None:
        raise OSError(errno.ENOSYS, "renameat2 is not available", str(b))
    if renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE) != 0:
        code = ctypes.get_errno()
        raise OSError(code, os.strerror(code), str(b))


def _link_in(path: Path, target: str) -> Path | None:
    """Make `path` a link to `target`. An old-layout real folder is exchanged for the link and returned
    (the caller deletes it once every path is switched, or exchanges it back on failure)."""
    if path.is_symlink():
        if os.readlink(path) != target:
            _point(path, target)
        return None
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        _point(path, target)
        return None
    temporary = path.with_name(f".link-{os.getpid()}-{path.name}")
    temporary.unlink(missing_ok=True)
    os.symlink(target, temporary)
    try:
        _exchange(temporary, path)
    except OSError as error:
        temporary.unlink(missing_ok=True)
        if error.errno not in (errno.ENOSYS, errno.EINVAL):
            raise
        # no atomic exchange here (not Linux, or a file system without it): two renames, a short window
        old = path.with_name(f".{path.name}.old-{os.getpid()}")
        path.rename(old)
        _point(path, target)
        return old
    return temporary  # now the old folder


def stable_links(project: Path, site_dir: Path) -> list[tuple[Path, str]]:
    """(path, relative link target) for site/, build/docs and build/index; site first (the one a user may have
    made hard to replace, e.g. a mount point) so a refusal happens before anything else changed."""
    root = build_root(project)
    current = root / CURRENT
    return [(site_dir, os.path.relpath(current / "site", site_dir.parent)),
            (root / "docs", f"{CURRENT}/docs"), (root / "index", f"{CURRENT}/index")]


def publish(project: Path, stage: Path, site_dir: Path) -> Path:
    """Make the complete build in `stage` the live one; returns its generation folder.

    Order: move the staged build to its generation folder (invisible to readers), flip `build/current`
    (the one atomic switch), then make sure the stable links exist, then delete all but this and the
    previous generation. A failure before the flip changes nothing readers see; a failure while first
    turning old-layout folders into links puts `current` and the folders back as they were.
    """
    root = build_root(project)
    generations = root / GENERATIONS
    generations.mkdir(exist_ok=True)
    generation = generations / stage.name[len(STAGING_PREFIX):]
    previous = current_generation(project)
    previous_target = os.readlink(root / CURRENT) if previous is not None else None
    stamp(stage, generation.name)
    stage.rename(generation)
    _sync_files(root)  # the new generation's pages and index reach the disk before the link says they are live
    _point(root / CURRENT, f"{GENERATIONS}/{generation.name}")
    switched: list[tuple[Path, Path]] = []
    try:
        for path, target in stable_links(project, site_dir):
            old = _link_in(path, target)
            if old is not None:
                switched.append((path, old))
    except OSError:
        for path, old in reversed(switched):
            _exchange(old, path)
        if previous_target is not None:
            _point(root / CURRENT, previous_target)
        else:
            (root / CURRENT).unlink(missing_ok=True)
        raise
    for _, old in switched:
        _remove(old)
    _fsync_dir(root)
    keep = {generation.name} | ({previous.name} if previous is not None else set())
    for folder in generations.iterdir():
        if folder.name not in keep:
            _remove(folder)
    return generation


def prune_old_generations(project: Path) -> threading.Thread:
    """Start deleting every generation but the live one, in a thread alongside the build.

    publish() keeps the live generation as the previous one, so these would be deleted at its
    end anyway; deleting them now overlaps the unlinks (seconds on a busy disk) with MkDocs'
    rendering. Join the thread before publish(). A kill midway leaves a partial folder that is
    not live and that the next build deletes.
    """
    folder = build_root(project) / GENERATIONS
    live = current_generation(project)
    doomed = [g for g in folder.iterdir() if live is None or g.name != live.name] if folder.is_dir() else []
    thread = threading.Thread(target=lambda: [_remove(g) for g in doomed], name="csops-prune-generations", daemon=True)
    thread.start()
    return thread


def _sync_files(path: Path) -> None:
    """Write everything the build wrote on `path`'s file system to the disk (Linux syncfs; elsewhere sync).

    Without it, a power cut a few seconds after a build could leave the new link pointing at pages and an index
    the kernel had not written yet: empty files served as the live site. 20-40 ms after an edit rebuild of 300
    playbooks (the machine's other writes included)."""
    syncfs = getattr(ctypes.CDLL(None, use_errno=True), "syncfs", None)
    if syncfs is None:
        os.sync()
        return
    fd = os.open(path, os.O_RDONLY)
    try:
        if syncfs(fd) != 0:
            os.sync()
    finally:
        os.close(fd)


def _fsync_dir(path: Path) -> None:
    """Persist the flip itself (a power cut right after a build keeps the new link)."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


# ---------------------------------------------------------------------------------------------
# Worker processes die with their parent

_PR_SET_PDEATHSIG = 1


def die_with_parent(parent: int) -> None:
    """Pool initializer: a worker whose build was killed (kill -9 included) exits at once instead of
    writing on for minutes and holding the caller's stdout open."""
    import signal
    import threading

    try:
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    except (AttributeError, OSError):  # not Linux: the watchdog below is the only guard
        pass
    if os.getppid() != parent:  # the parent died before prctl took effect
        os._exit(1)

    def watch():
        while True:
            time.sleep(0.5)
            if os.getppid() != parent:
                os._exit(1)

    threading.Thread(target=watch, name="csops-parent-watchdog", daemon=True).start()
