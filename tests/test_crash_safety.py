"""Crash safety of `csops build`: kill -9 at random moments, a full disk, a site folder that cannot be replaced.

After any of them the previous site and index are complete and from the same build, no index worker
outlives its build, and the next build cleans up what the dead one left.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

from generator.search import Searcher
from generator.workers import _timed_index
from tests.conftest import MINIMAL_MKDOCS, make_project

REPO = Path(__file__).resolve().parent.parent
CSOPS = [sys.executable, "-m", "generator.cli"]


def playbook(version: int) -> str:
    return f"""\
title: Renewal runway v{version}
summary: Version {version} of the renewal runway.
steps:
  - id: confirm-stakeholders
    title: Confirm the stakeholders
    body: Marker zzversion{version} for the index.
"""


def tagged_processes(tag: str) -> list[int]:
    """Processes started by a build carrying CSOPS_TEST_TAG=<tag> (the build and its workers, nobody else's)."""
    found = []
    needle = f"CSOPS_TEST_TAG={tag}".encode()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if needle in (entry / "environ").read_bytes().split(b"\0"):
                    state = (entry / "stat").read_text().rsplit(")", 1)[1].split()[0]
                    if state != "Z":
                        found.append(int(entry.name))
            except OSError:
                continue
    return found


def wait_until_gone(tag: str, seconds: float) -> list[int]:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        alive = tagged_processes(tag)
        if not alive:
            return []
        time.sleep(0.05)
    return tagged_processes(tag)


def start_build(project: Path, tag: str) -> subprocess.Popen:
    return subprocess.Popen([*CSOPS, "build", "--project", str(project)], cwd=REPO, env={**os.environ, "CSOPS_TEST_TAG": tag},
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def live_version(project: Path) -> tuple[int, int]:
    """(version in the built page, version in the index): both must exist and agree."""
    page = (project / "site/playbooks/renewal-runway/index.html").read_text(encoding="utf-8")
    site_version = int(page.split("Renewal runway v", 1)[1].split("<", 1)[0].split()[0])
    hits = [h for h in Searcher(project, cache_size=0).search("renewal runway", limit=50).hits if h.kind == "playbook"]
    index_version = int(hits[0].title.rsplit("v", 1)[1])
    assert (project / "build/docs/playbooks/renewal-runway.md").is_file()
    return site_version, index_version


def test_kill_9_at_random_moments_keeps_a_complete_consistent_site_and_index(tmp_path):
    project = make_project(tmp_path / "portal", {"content/playbooks/renewal-runway.yml": playbook(0)})
    path = project / "content/playbooks/renewal-runway.yml"
    assert subprocess.run([*CSOPS, "build", "--project", str(project)], cwd=REPO, capture_output=True).returncode == 0
    # the kills hit rebuilds after an edit, which reuse the last build: time one of those, not the cold build
    path.write_text(playbook(1), encoding="utf-8")
    started = time.monotonic()
    assert subprocess.run([*CSOPS, "build", "--project", str(project)], cwd=REPO, capture_output=True).returncode == 0
    duration = time.monotonic() - started
    assert live_version(project) == (1, 1)
    rng = random.Random(8)
    published, interrupted = {1}, 0
    for version in range(2, 8):  # bounded: six kills, each within one rebuild's duration
        path.write_text(playbook(version), encoding="utf-8")
        tag = uuid.uuid4().hex
        build = start_build(project, tag)
        time.sleep(rng.uniform(0.2, duration * 1.1))
        finished = build.poll() is not None
        if not finished:
            os.kill(build.pid, signal.SIGKILL)
            interrupted += 1
        build.wait(timeout=10)
        assert wait_until_gone(tag, 3.0) == [], "an index worker outlived its killed build"
        site_version, index_version = live_version(project)
        assert site_version == index_version, "site and index come from different builds"
        assert site_version in published | {version}
        if site_version == version:
            published.add(version)
        assert not finished or site_version == version
    assert interrupted >= 3, "the kills must land inside builds"
    # the next build removes the staging folders of the killed ones, and goes live
    path.write_text(playbook(99), encoding="utf-8")
    assert subprocess.run([*CSOPS, "build", "--project", str(project)], cwd=REPO, capture_output=True).returncode == 0
    assert live_version(project) == (99, 99)
    assert not list((project / "build").glob(".staging-*"))
    assert len(list((project / "build/.generations").iterdir())) <= 2


def _site_files(project: Path) -> dict[str, bytes]:
    """The published site's files and bytes (the gzipped sitemap aside: gzip stamps the time it was written)."""
    site = (project / "site").resolve()
    return {path.relative_to(site).as_posix(): path.read_bytes() for path in sorted(site.rglob("*"))
            if path.is_file() and path.name != "sitemap.xml.gz"}


def _write_side(project: Path, side: int) -> None:
    """One of two states of a portal whose mkdocs.yml INHERITs base.yml: the second edits a playbook and base.yml's
    copyright, so going from one to the other is a full build (README: the build key holds the merged settings)."""
    (project / "content/playbooks").mkdir(parents=True, exist_ok=True)
    (project / "content/playbooks/renewal-runway.yml").write_text(playbook(side), encoding="utf-8")
    (project / "base.yml").write_text(f"copyright: Acme side {side}\n", encoding="utf-8")


def test_after_kill_9_the_site_is_one_sides_cold_build_and_the_next_build_is_byte_identical_to_a_cold_one(tmp_path):
    """README: after a kill -9 at any point the published site/ is the previous complete site or the new one, and the
    next build's site is byte for byte a cold build's. The kill test above checks one page and the index; this one
    compares every file of the site with cold builds of each side, across rebuilds of the newest paths (INHERIT,
    full builds), killed at uniformly random moments of one build's duration (red team: 30 kills of bundled builds
    and 14 of `csops serve`'s rebuild found no half site; kept here bounded, 8 kills)."""
    def build(project):
        result = subprocess.run([*CSOPS, "build", "--project", str(project), "-q"], cwd=REPO, capture_output=True, text=True)
        assert result.returncode == 0, result.stderr

    cold = {}
    for side in (0, 1):
        reference = make_project(tmp_path / f"cold-{side}", {"mkdocs.yml": "INHERIT: base.yml\n" + MINIMAL_MKDOCS.format(language="en")})
        _write_side(reference, side)
        build(reference)
        cold[side] = _site_files(reference)
    assert cold[0] != cold[1] and "Acme side 1" in cold[1]["index.html"].decode("utf-8")
    project = make_project(tmp_path / "portal", {"mkdocs.yml": "INHERIT: base.yml\n" + MINIMAL_MKDOCS.format(language="en")})
    _write_side(project, 0)
    build(project)
    started = time.monotonic()
    _write_side(project, 1)
    build(project)
    duration = time.monotonic() - started
    assert _site_files(project) == cold[1]
    rng, live, interrupted = random.Random(42), 1, 0
    for _ in range(8):  # bounded: eight builds, each killed at a uniformly random moment of one build's duration
        side = 1 - live
        _write_side(project, side)
        build_process = start_build(project, uuid.uuid4().hex)
        time.sleep(rng.uniform(0, duration))
        if build_process.poll() is None:
            os.kill(build_process.pid, signal.SIGKILL)
            interrupted += 1
        build_process.wait(timeout=10)
        published = _site_files(project)
        assert published in (cold[live], cold[side]), "the site is neither side's complete cold build"
        live = side if published == cold[side] else live
    assert interrupted >= 3, "the kills must land inside builds"
    build(project)
    assert _site_files(project) == cold[side]


def test_index_worker_dies_with_its_killed_build(tmp_path):
    """The worker starts (spawn) while MkDocs builds; kill -9 the build right then: the worker goes too."""
    project = make_project(tmp_path / "portal", {"content/playbooks/renewal-runway.yml": playbook(1)})
    tag = uuid.uuid4().hex
    build = start_build(project, tag)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and len(tagged_processes(tag)) < 2:
        time.sleep(0.02)
    workers = [pid for pid in tagged_processes(tag) if pid != build.pid]
    assert workers, "the build never started its index worker"
    os.kill(build.pid, signal.SIGKILL)
    build.wait(timeout=10)
    assert wait_until_gone(tag, 1.5) == []


def test_stale_staging_of_dead_builds_is_removed_and_live_ones_kept(tmp_path, run):
    project = make_project(tmp_path / "portal", {"content/playbooks/renewal-runway.yml": playbook(1)})
    dead = subprocess.Popen(["true"])
    dead.wait()
    stale = project / f"build/.staging-{dead.pid}-1"
    live = project / f"build/.staging-{os.getppid()}-2"  # pytest's parent: alive, owned by someone else
    for folder in (stale, live):
        (folder / "site").mkdir(parents=True)
    assert run("build", "--project", project).exit_code == 0
    assert not stale.exists() and live.exists()


def test_a_builds_files_are_on_the_disk_before_the_switch_makes_them_live(tmp_path, run, monkeypatch):
    """The switch was durable, the files it switched to were not: a power cut seconds after a build could leave
    `build/current` pointing at pages and an index the kernel had not written. The file system is now synced
    (syncfs) while the old generation is still the live one, after every file of the new one is written."""
    from generator import generations

    project = make_project(tmp_path / "portal", {"content/playbooks/renewal-runway.yml": playbook(1)})
    assert run("build", "--project", project).exit_code == 0
    old = os.readlink(project / "build/current")
    seen = []
    real = generations._sync_files

    def spying(path):
        newest = max((project / "build/.generations").iterdir(), key=lambda p: p.stat().st_mtime_ns)
        seen.append((os.readlink(project / "build/current"), (newest / "site/index.html").is_file()))
        real(path)

    monkeypatch.setattr(generations, "_sync_files", spying)
    (project / "content/playbooks/renewal-runway.yml").write_text(playbook(2), encoding="utf-8")
    assert run("build", "--project", project).exit_code == 0
    assert seen == [(old, True)] and os.readlink(project / "build/current") != old


@pytest.fixture
def small_disk(tmp_path):
    mount = tmp_path / "disk"
    mount.mkdir()
    if os.geteuid() != 0 or subprocess.run(["mount", "-t", "tmpfs", "-o", "size=24m", "tmpfs", str(mount)],
                                           capture_output=True).returncode != 0:
        pytest.skip("needs root to mount a small tmpfs")
    yield mount
    subprocess.run(["umount", "-l", str(mount)], check=False)


def test_a_full_disk_is_one_line_with_the_fix_and_the_previous_site_stays(small_disk, run):
    project = make_project(small_disk / "portal", {"content/playbooks/renewal-runway.yml": playbook(1)})
    assert run("build", "--project", project).exit_code == 0
    before = (project / "site/playbooks/renewal-runway/index.html").read_bytes()
    (project / "content/playbooks/renewal-runway.yml").write_text(playbook(2), encoding="utf-8")
    stats = os.statvfs(small_disk)
    with open(small_disk / "filler", "wb") as filler:  # leave ~100 KB: the pages fit, the site does not
        filler.write(b"\0" * max(stats.f_bavail * stats.f_frsize - 100_000, 0))
    result = subprocess.run([*CSOPS, "build", "--quiet", "--project", str(project)], cwd=REPO, capture_output=True, text=True)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: cannot write the build: No space left on device")
    assert "free disk space" in lines[0] and "previous site is untouched" in lines[0]
    assert (project / "site/playbooks/renewal-runway/index.html").read_bytes() == before
    assert live_version(project) == (1, 1)
    (small_disk / "filler").unlink()
    assert run("build", "--project", project).exit_code == 0
    assert live_version(project) == (2, 2)


def test_a_rename_stopped_by_a_full_disk_before_its_journal_leaves_nothing_and_says_so(small_disk):
    """The disk filled while `csops mv` wrote its new texts: it said '`csops mv --finish` completes it', --finish said
    there was nothing to finish, and the half-written new texts stayed in content/ (a warning on every validate)."""
    from tests.conftest import copy_bundled

    project = copy_bundled(small_disk / "portal")
    before = {p: p.read_bytes() for p in (project / "content").rglob("*") if p.is_file()}
    stats = os.statvfs(small_disk)
    with open(small_disk / "filler", "wb") as filler:
        filler.write(b"\0" * (stats.f_bavail * stats.f_frsize))
    result = subprocess.run([*CSOPS, "mv", "playbook", "success-plan", "customer-success-plan", "--project", str(project)],
                            cwd=REPO, capture_output=True, text=True)
    (small_disk / "filler").unlink()
    assert result.returncode == 1 and "Traceback" not in result.stderr
    said = result.stderr.strip().splitlines()[-1]  # the staged copy it tries the rename on (build/scratch) fills it
    assert said.startswith(f"Error: the rename stopped before changing any file: No space left on device ({project}/")
    assert said.endswith("): nothing was changed; free disk space, then run it again")
    assert {p: p.read_bytes() for p in (project / "content").rglob("*") if p.is_file()} == before
    checked = subprocess.run([*CSOPS, "validate", "--project", str(project)], cwd=REPO, capture_output=True, text=True)
    assert checked.returncode == 0 and "skipped-file" not in checked.stdout + checked.stderr


def test_a_full_disk_while_urls_update_writes_leaves_no_draft_in_content(small_disk):
    """The manifest is written into a draft beside it, then renamed over it: a disk that filled during the write
    must leave no '.published-urls.txt.<pid>' in content/, where git status shows it and the next refused write
    adds another beside it."""
    project = make_project(small_disk / "portal", {"content/playbooks/renewal-runway.yml": playbook(1)})
    stats = os.statvfs(small_disk)
    with open(small_disk / "filler", "wb") as filler:
        filler.write(b"\0" * (stats.f_bavail * stats.f_frsize))
    result = subprocess.run([*CSOPS, "urls", "--update", "--project", str(project)], cwd=REPO, capture_output=True, text=True)
    (small_disk / "filler").unlink()
    assert result.returncode == 1 and "Traceback" not in result.stderr
    # the file it could not write, as the CLI's other refused writes name theirs (it said 'No space left on device' alone)
    assert f"No space left on device ({project}/content/published-urls.txt)" in result.stderr, result.stderr
    assert sorted(p.name for p in (project / "content").iterdir() if p.name.startswith(".")) == [], result.stderr


def _index_copied_onto_a_full_disk(job, output):
    """The index job, except when the project holds a `full` file: then every file copy in this worker fails as on a
    full disk (the live index is copied into the staging folder first, to be updated)."""
    import errno
    import shutil

    if (Path(output).parents[2] / "full").exists():  # output: <project>/build/.staging-…/index
        def no_space(source, target, *args, **kwargs):
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(source), None, str(target))

        shutil.copyfile = no_space  # in this worker, which ends with its build
    return _timed_index(job, output)


def test_a_full_disk_while_the_live_index_is_copied_is_one_line_with_the_fix(tmp_path, monkeypatch):
    """The copy of the live index gathers its failures in one shutil.Error, whose message is a list: a disk that
    filled then (seen on a 64 MB tmpfs under csops serve) read 'cannot write the build: [('…/index/csops-meta.json',
    '…', "[Errno 28] No space left on device: …"), …]', thousands of characters and no fix."""
    from generator import workers as workers_module
    from generator.build import BuildError
    from generator.pipeline import build_portal

    project = make_project(tmp_path / "portal", {"content/playbooks/renewal-runway.yml": playbook(1)})
    build_portal(project)
    (project / "content/playbooks/renewal-runway.yml").write_text(playbook(2), encoding="utf-8")
    (project / "full").touch()
    monkeypatch.setattr(workers_module, "_timed_index", _index_copied_onto_a_full_disk)  # before any worker is forked
    with pytest.raises(BuildError) as refused:
        build_portal(project)
    message = str(refused.value)
    assert message.startswith(f"cannot write the build: No space left on device ({project / 'build'}/.staging-"), message
    assert "/index/" in message and "\n" not in message and len(message) < 400
    assert message.endswith(f"); free disk space on the device holding {project / 'build'} and build again. The previous "
                            "site is untouched.")
    assert live_version(project) == (1, 1)


def test_a_site_folder_that_cannot_be_replaced_is_one_line_and_the_old_site_stays(tmp_path):
    """An old-layout site/ that is a mount point cannot be renamed (EBUSY): before, a raw OSError traceback."""
    project = make_project(tmp_path / "portal", {"content/playbooks/renewal-runway.yml": playbook(1)})
    site = project / "site"
    site.mkdir()
    (site / "index.html").write_text("old site", encoding="utf-8")
    if os.geteuid() != 0 or subprocess.run(["mount", "--bind", str(site), str(site)], capture_output=True).returncode:
        pytest.skip("needs root to make site/ a mount point")
    try:
        result = subprocess.run([*CSOPS, "build", "--quiet", "--project", str(project)], cwd=REPO, capture_output=True, text=True)
        assert result.returncode == 1 and "Traceback" not in result.stderr
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("Error: cannot write the build: Device or resource busy")
        assert "cannot be a mount point" in lines[0]
        assert (site / "index.html").read_text(encoding="utf-8") == "old site"
        assert not (project / "build/current").exists()
    finally:
        subprocess.run(["umount", "-l", str(site)], check=False)


def _index_or_die(job, output):
    """The index job, except when the project holds a `die` file (taken away first): then its worker is killed
    (the out-of-memory killer, kill -9) before it writes anything. A file, since workers forked earlier or later
    all have this function and see the same disk."""
    flag = Path(output).parents[2] / "die"  # output: <project>/build/.staging-…/index
    try:
        flag.unlink()
    except FileNotFoundError:
        return _timed_index(job, output)  # the real one: imported before any test patches it
    os.kill(os.getpid(), signal.SIGKILL)


def test_a_worker_killed_mid_build_is_one_line_and_a_kept_pool_recovers(tmp_path, monkeypatch):
    """A dead worker ended the build with a BrokenProcessPool traceback, and `csops serve`'s pool stayed broken:
    every later save failed until a restart (and each failure left a staging folder behind)."""
    from generator import workers as workers_module
    from generator.build import BuildError
    from generator.pipeline import build_portal
    from generator.workers import BuildWorkers

    project = make_project(tmp_path / "portal", {"content/playbooks/renewal-runway.yml": playbook(1)})
    monkeypatch.setattr(workers_module, "_timed_index", _index_or_die)  # before any worker is forked
    kept = BuildWorkers(project)  # as csops serve keeps them
    try:
        build_portal(project, workers=kept)
        (project / "content/playbooks/renewal-runway.yml").write_text(playbook(2), encoding="utf-8")
        (project / "die").touch()
        with pytest.raises(BuildError, match=r"^a build worker process died .*previous site is untouched"):
            build_portal(project, workers=kept)
        assert live_version(project) == (1, 1)
        build_portal(project, workers=kept)  # the next save rebuilds on a fresh pool
        assert live_version(project) == (2, 2)
        for process in list(kept.pool._processes.values()):  # a worker dies while the server waits for a save
            os.kill(process.pid, signal.SIGKILL)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and not kept.pool._broken:
            time.sleep(0.05)
        (project / "content/playbooks/renewal-runway.yml").write_text(playbook(3), encoding="utf-8")
        build_portal(project, workers=kept)
        assert live_version(project) == (3, 3)
    finally:
        kept.close()
    assert list((project / "build").glob(".staging-*")) == []


def test_a_build_folder_refusing_a_write_before_the_site_is_written_is_one_line(tmp_path, run):
    """build/.lock a folder (or build/ read-only) failed outside the site-writing step: a raw OSError traceback."""
    project = make_project(tmp_path / "portal", {"content/playbooks/renewal-runway.yml": playbook(1)})
    (project / "build/.lock").mkdir(parents=True)
    result = subprocess.run([*CSOPS, "build", "--quiet", "--project", str(project)], cwd=REPO, capture_output=True, text=True)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: cannot write the build: Is a directory")
    assert str(project / "build/.lock") in lines[0]


def test_a_build_that_read_older_content_never_replaces_a_newer_site(tmp_path):
    """Two overlapping builds (CI and `csops serve`): A reads the content, the content changes, B starts and
    would finish first. Locked only to publish, A then went live after B with the older title; now B waits for
    A, says so, then reads the content as it is and goes live last."""
    from conftest import REPO
    from generator.pipeline import build_portal

    project = make_project(tmp_path / "portal", {"content/playbooks/qbr.yml": playbook(1)})  # what matters is timing
    build_portal(project)
    qbr = project / "content/playbooks/qbr.yml"
    original = qbr.read_text(encoding="utf-8")
    qbr.write_text(original.replace("title: Renewal runway v1", "title: QBR as read by A", 1), encoding="utf-8")
    rendering = tmp_path / "a-is-rendering"
    slowed = ("import sys, time, pathlib; from generator import render; real = render.Renderer.render_pages\n"
              f"def slow(self):\n    pathlib.Path({str(rendering)!r}).touch(); time.sleep(3); return real(self)\n"
              "render.Renderer.render_pages = slow\n"
              "from generator.cli import main; sys.argv = ['csops'] + sys.argv[1:]; main()")
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    first = subprocess.Popen([sys.executable, "-c", slowed, "build", "--project", str(project)], env=env,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 60
    while not rendering.exists() and time.monotonic() < deadline and first.poll() is None:
        time.sleep(0.05)
    assert rendering.exists(), first.communicate()
    qbr.write_text(original.replace("title: Renewal runway v1", "title: QBR as read by B", 1), encoding="utf-8")
    # --quiet drops stage progress, not the reason for the wait: a silent wait looked like a hung build
    second = subprocess.run([sys.executable, "-m", "generator.cli", "build", "--quiet", "--project", str(project)],
                            env=env, capture_output=True, text=True, timeout=120)
    assert first.wait(120) == 0 and second.returncode == 0, (first.communicate(), second.stderr)
    assert "csops: waiting for another build of this portal to finish…\n" in second.stderr
    assert "content checked" not in second.stderr
    live = (project / "site/playbooks/qbr/index.html").read_text(encoding="utf-8")
    assert "QBR as read by B" in live and "QBR as read by A" not in live


@pytest.mark.parametrize("damaged, size", [("*.seg", 0), ("*.seg", "half"), ("_MAIN_*.toc", 0), ("_MAIN_*.toc", "half")])
def test_a_damaged_live_index_is_written_afresh_by_the_next_build(tmp_path, damaged, size):
    """A live index file cut short (a full disk, a power cut before the data reached the disk, a careless hand)
    made every later build fail: a struct or pickle traceback, or Click's bare "Aborted!" for an EOFError,
    until build/ was deleted by hand. Now the next build says so and writes the index afresh."""
    project = make_project(tmp_path / "portal", {"content/playbooks/renewal-runway.yml": playbook(1)})
    assert subprocess.run([*CSOPS, "build", "--project", str(project)], cwd=REPO, capture_output=True).returncode == 0
    for file in (project / "build/index").glob(damaged):
        os.truncate(file, 0 if size == 0 else file.stat().st_size // 2)
    (project / "content/playbooks/renewal-runway.yml").write_text(playbook(2), encoding="utf-8")
    result = subprocess.run([*CSOPS, "build", "--project", str(project)], cwd=REPO, capture_output=True, text=True)
    assert result.returncode == 0 and "Traceback" not in result.stderr, result.stderr[-2000:]
    assert "the live index could not be read: written afresh" in result.stderr
    assert live_version(project) == (2, 2)


def test_searching_a_damaged_index_says_to_rebuild_it(tmp_path):
    """The API's 503 and `csops search` said the index "kept changing while opening it" when one generation's
    index could not be read at all: an operator waited for a build that was not running."""
    project = make_project(tmp_path / "portal", {"content/playbooks/renewal-runway.yml": playbook(1)})
    assert subprocess.run([*CSOPS, "build", "--project", str(project)], cwd=REPO, capture_output=True).returncode == 0
    for file in (project / "build/index").glob("*.seg"):
        os.truncate(file, 0)
    result = subprocess.run([*CSOPS, "search", "renewal", "--project", str(project)], cwd=REPO, capture_output=True, text=True)
    assert result.returncode != 0 and "Traceback" not in result.stderr
    assert "the search index cannot be read" in result.stderr and f"run `csops build --project {project}`" in result.stderr, \
        result.stderr
    assert "kept changing" not in result.stderr


@pytest.mark.parametrize("damage", ["{", ""])
def test_a_damaged_index_description_says_to_rebuild_and_the_build_repairs_it(tmp_path, damage):
    """With build/index/csops-meta.json cut short or emptied, `csops search` quietly answered without its glossary
    hits, filter names and corrections (red team of this stop's commits); it now says the index cannot be read,
    and the next build writes it afresh."""
    project = make_project(tmp_path / "portal", {"content/playbooks/renewal-runway.yml": playbook(1)})
    assert subprocess.run([*CSOPS, "build", "--project", str(project)], cwd=REPO, capture_output=True).returncode == 0
    (project / "build/index/csops-meta.json").write_text(damage, encoding="utf-8")
    search = [*CSOPS, "search", "stakeholders", "--project", str(project)]
    result = subprocess.run(search, cwd=REPO, capture_output=True, text=True)
    assert result.returncode != 0 and "Traceback" not in result.stderr
    assert "csops-meta.json is missing or damaged" in result.stderr and f"run `csops build --project {project}`" in \
        result.stderr, result.stderr
    assert subprocess.run([*CSOPS, "build", "--project", str(project)], cwd=REPO, capture_output=True).returncode == 0
    repaired = subprocess.run(search, cwd=REPO, capture_output=True, text=True)
    assert repaired.returncode == 0 and "confirm-stakeholders" in repaired.stdout, repaired.stdout + repaired.stderr


def _half_sent_result():
    """A job that dies half way through sending its result, as a worker killed while sending one does."""
    import struct

    frame = sys._getframe()
    while frame is not None and "result_queue" not in frame.f_locals:  # concurrent.futures' _process_worker
        frame = frame.f_back
    writer = frame.f_locals["result_queue"]._writer
    os.write(writer.fileno(), struct.pack("!i", 1_000_000) + b"x" * 100)
    time.sleep(600)


def test_a_failed_build_whose_worker_was_sending_its_result_leaves_the_pool_usable(tmp_path):
    """A save that failed while the index worker was sending its entries (a template error, in `csops serve`) had
    the worker killed half way through its message: the pool's manager thread waited for the rest for ever, the
    rebuild with it, and the preview answered no request again."""
    import threading

    from generator.workers import BuildWorkers

    project = make_project(tmp_path / "portal", {"content/playbooks/renewal-runway.yml": playbook(1)})
    kept = BuildWorkers(project)
    failed = []

    def failing_build():
        try:
            with kept.for_build():
                kept.submit(_half_sent_result)
                time.sleep(2)  # the manager thread has read the message's length and waits for the rest
                raise RuntimeError("a template error")
        except RuntimeError as error:
            failed.append(error)

    build = threading.Thread(target=failing_build, daemon=True)
    build.start()
    build.join(timeout=30)
    assert not build.is_alive(), "the failed build never returned: the pool's manager thread waits for ever"
    try:
        assert len(failed) == 1 and kept.pool.submit(int, "3").result(timeout=60) == 3  # the next save's pool works
    finally:
        kept.close()


def test_a_switch_refused_after_the_flip_puts_the_previous_generation_back(tmp_path, monkeypatch):
    """publish() flips build/current first, then makes site/, build/docs and build/index links to it: when one of
    those is refused, build/current must point at the previous generation again, so the search index (read
    through build/current) and the site a reader sees stay the last good build's, together."""
    import errno

    from generator import generations
    from generator.build import BuildError
    from generator.pipeline import build_portal

    project = make_project(tmp_path / "portal", {"content/playbooks/renewal-runway.yml": playbook(1)})
    build_portal(project)
    live = os.readlink(project / "build/current")
    (project / "content/playbooks/renewal-runway.yml").write_text(playbook(2), encoding="utf-8")
    real_link_in = generations._link_in

    def refuse_the_index_link(path, target):
        if path == project / "build/index":
            raise OSError(errno.EBUSY, "Device or resource busy", str(path))
        return real_link_in(path, target)

    monkeypatch.setattr(generations, "_link_in", refuse_the_index_link)
    with pytest.raises(BuildError):
        build_portal(project)
    assert os.readlink(project / "build/current") == live
    assert Searcher(project).search("zzversion1").total == 1 and Searcher(project).search("zzversion2").total == 0


def _kill_when_scratch_appears(command: list[str], project: Path, scratch: list[Path], env: dict) -> bool:
    """Start `command`, kill -9 it the moment a scratch folder of it is in one of `scratch`; True when it was."""
    before = {p for folder in scratch if folder.is_dir() for p in folder.iterdir()}
    process = subprocess.Popen([*CSOPS, *command, "--project", str(project)], cwd=REPO, env=env,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while process.poll() is None and time.monotonic() < deadline:
        if any(p not in before for folder in scratch if folder.is_dir() for p in folder.iterdir()):
            os.kill(process.pid, signal.SIGKILL)
            process.wait(timeout=10)
            return True
        time.sleep(0.002)
    process.wait(timeout=10)
    return False


def test_a_killed_command_leaves_no_scratch_copy_in_the_system_temp_folder_and_the_next_run_removes_it(tmp_path):
    """`csops mv` staged its copy of content/ in the system's temp folder, as the What's new of a build did each
    past revision: killed then (kill -9, the out-of-memory killer), the copy stayed there for ever, one per kill
    (18 csops-mv-* in /tmp after the crash tests; red team, 3 csops-history-* in 15 killed builds). They are made
    in build/scratch now, and the next command removes those of processes that are gone."""
    from tests.conftest import copy_bundled

    project = copy_bundled(tmp_path / "portal")
    for command in (["init", "-q"], ["add", "-A"], ["-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "a"]):
        subprocess.run(["git", *command], cwd=project, check=True)
    system_temp = tmp_path / "system-temp"
    system_temp.mkdir()
    env = {**os.environ, "TMPDIR": str(system_temp)}
    scratch = project / "build/scratch"
    killed = {}
    for name, command in (("mv", ["mv", "playbook", "qbr", "quarterly-review"]), ("build", ["build", "-q"])):
        killed[name] = any(_kill_when_scratch_appears(command, project, [system_temp, scratch], env) for _ in range(3))
        assert killed[name], f"csops {name} never made a scratch folder before it ended"
        assert not list(system_temp.iterdir()), f"a killed csops {name} left its scratch copy in the system temp folder"
        assert list(scratch.iterdir()), "the killed command's scratch folder"
        result = subprocess.run([*CSOPS, *command, "--project", str(project)], cwd=REPO, env=env, capture_output=True, text=True)
        assert result.returncode == 0 and "Traceback" not in result.stderr, result.stderr
        assert not list(scratch.iterdir()), "the next run removes what the killed one left"
    assert (project / "content/playbooks/quarterly-review.yml").is_file()


def test_on_a_read_only_checkout_validate_runs_and_the_commands_that_write_say_so_in_one_line(small_disk):
    """A careless operator's disk-full-like failure: the portal's file system mounted read-only after a build (a CI
    cache, a shared checkout). `csops validate` ended in a traceback when an edited file's old cache entry could not
    be pruned, and `csops urls --update` and `csops new` when they could not write (red team). Validate now runs
    (the cache is only a cache), and each command that must write says what refused in one line, exit 1."""
    # a built portal of one playbook, not the bundled one: the subject is the read-only file system
    project = make_project(small_disk / "portal", {"content/playbooks/qbr.yml": playbook(0)})
    assert subprocess.run([*CSOPS, "build", "-q", "--project", str(project)], cwd=REPO).returncode == 0
    qbr = project / "content/playbooks/qbr.yml"
    qbr.write_text(qbr.read_text(encoding="utf-8").replace("summary: ", "summary: Edited. ", 1), encoding="utf-8")
    (project / "content/playbooks/red-team.yml").write_text(playbook(1), encoding="utf-8")  # URLs to record
    before = _site_files(project)
    assert subprocess.run(["mount", "-o", "remount,ro", str(small_disk)]).returncode == 0

    def csops(*args):
        return subprocess.run([*CSOPS, *args, "--project", str(project)], cwd=REPO, capture_output=True, text=True)

    checked = csops("validate")
    assert checked.returncode == 0 and "Traceback" not in checked.stderr, checked.stderr
    for command, refused in ((["urls", "--update"], "content/.published-urls.txt."),
                             (["new", "playbook", "red-team-two"], "content/playbooks/red-team-two.yml"),
                             (["build", "-q"], "build/")):
        result = csops(*command)
        lines = result.stderr.strip().splitlines()
        assert result.returncode == 1 and "Traceback" not in result.stderr, result.stderr
        assert len(lines) == 1 and "Read-only file system" in lines[0] and refused in lines[0], lines
        assert "read-only" in lines[0].split("Read-only file system", 1)[1] or "writable" in lines[0], lines
    assert _site_files(project) == before


def test_schemas_a_file_size_limit_stops_are_left_whole_and_the_error_says_why(tmp_path):
    """`csops schema` wrote each schema in place: stopped by a full disk or a file-size limit (RLIMIT_FSIZE, as
    `ulimit -f 4` sets it: no root needed, unlike a small tmpfs), it left chart.schema.json cut at 4,095 bytes,
    mid-string, in a folder editors commit and their YAML extension reads, and said 'name a file in a folder you
    can write to', which would not help (red team). Now each file is replaced whole, and the error names the
    limit."""
    import json
    import resource

    project = make_project(tmp_path / "portal", {})
    assert subprocess.run([*CSOPS, "schema", "--project", str(project)], cwd=REPO, capture_output=True).returncode == 0
    written = {path.name: path.read_bytes() for path in (project / "schemas").iterdir()}
    for path in (project / "schemas").iterdir():
        path.write_text(json.dumps({"title": "an older schema"}))

    def limited():
        resource.setrlimit(resource.RLIMIT_FSIZE, (4096, 4096))

    result = subprocess.run([*CSOPS, "schema", "--project", str(project)], cwd=REPO, capture_output=True, text=True,
                            preexec_fn=limited)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "File too large (" in result.stderr and "ulimit -f" in result.stderr, result.stderr
    left = {path.name: path.read_bytes() for path in (project / "schemas").iterdir()}
    assert sorted(left) == sorted(written)  # no draft left beside them
    for name, data in left.items():  # each whole: the new schema, or the older one
        assert data in (written[name], json.dumps({"title": "an older schema"}).encode()), name
