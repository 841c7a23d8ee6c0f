"""Builds sharded over several MkDocs processes write exactly the site one process writes, and fail the same way.

The bundled portal is small enough for one process, so the share size is lowered
to force shards (three, whatever the machine's cores): the main run and two workers
render the pages each claims first, and the main run writes the site-wide files.
"""

from __future__ import annotations

import multiprocessing
import random
import shutil
import threading
import urllib.request
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import pytest
import yaml

from conftest import BROKEN_HTML_LINK, BROKEN_LINK, copy_bundled, with_a_strict_trap
from generator import shards, workers
from generator.build import BuildError
from generator.index import read_meta
from generator.pipeline import build_portal
from generator.workers import start_method
from test_build import _tree_digest as _tree


@pytest.fixture
def sharded(monkeypatch):
    monkeypatch.setattr(shards, "MIN_SHARD_BYTES", 1)
    monkeypatch.setattr(shards, "available_cores", lambda: 3)


def _one_process_build(project, target, monkeypatch):
    shutil.rmtree(target, ignore_errors=True)
    copy_bundled(target, project)
    with monkeypatch.context() as patch:
        patch.setattr(shards, "MIN_SHARD_BYTES", 10**12)
        report = build_portal(target)
    assert report.processes == 1
    return target


def _assert_same_site(project, reference):
    ours, theirs = _tree(project / "site"), _tree(reference / "site")
    assert ours.keys() == theirs.keys()
    assert [name for name in ours if ours[name] != theirs[name]] == []
    assert not list((project / "build/current").glob("site-share-*")), "a worker's folder was published"
    assert not (project / "build/current/claims").exists(), "the runs' claims were published"


def test_share_count_keeps_small_builds_in_one_process(monkeypatch):
    sizes = {"roles/csm.md": 900, "roles/cs-ops.md": 800, **{f"playbooks/p{i}.md": 100 for i in range(10)}}
    monkeypatch.setattr(shards, "MIN_SHARD_BYTES", 500)
    assert shards.share_count(sizes, cores=2) == 2
    assert shards.share_count(sizes, cores=1) == 1
    assert shards.share_count(sizes, cores=64) == shards.MAX_SHARDS
    assert shards.share_count({"index.md": 400}, cores=2) == 1  # less than one share's worth
    assert shards.share_count({"roles/csm.md": 9000}, cores=2) == 1  # one page is one run's


def _claim_all(claims: Path, pages: list[str]) -> list[str]:
    plan = shards.PagePlan(set(pages), site_wide=False, claims=claims)
    return [page for page in pages if plan.claim(page)]


def test_runs_claiming_the_same_pages_at_once_render_each_exactly_once(tmp_path):
    """Every page goes to one run and one only, however the runs race (four processes over 2,000 pages)."""
    pages = [f"playbooks/p{i}.md" for i in range(2000)]
    claims = tmp_path / "claims"
    claims.mkdir()
    with ProcessPoolExecutor(4, mp_context=multiprocessing.get_context("fork")) as pool:
        won = list(pool.map(_claim_all, [claims] * 4, [pages] * 4))
    assert sorted(page for run in won for page in run) == sorted(pages)
    assert shards.PagePlan(set(pages), claims=None).claim(pages[0])  # one run alone renders every page


def test_sharded_cold_build_equals_one_process_build(tmp_path, monkeypatch, sharded):
    project = copy_bundled(tmp_path / "sharded")
    report = build_portal(project)
    assert report.processes == 3 and report.rendered == report.pages - 1  # every Markdown page (not the feed)
    _assert_same_site(project, _one_process_build(project, tmp_path / "one", monkeypatch))


def test_random_edit_sequences_rebuilt_incrementally_and_sharded_equal_cold_builds(tmp_path, monkeypatch, sharded):
    """Seeded random edits (titles, summaries, steps' titles, bodies, RACI and the ways they are asked, new steps,
    new playbooks, role names), each rebuilt and compared: phase and role pages are taken from the last build by
    what they show, and the search documents of unchanged files from the last index (document_reuse.py); a role
    page's duty lists are sanitised and parsed in pieces of a few rows, taken from the last build when unchanged
    (sanitised_pieces.py: the real threshold and pieces are 64 and ~32 rows)."""
    from generator import sanitised_pieces

    monkeypatch.setattr(sanitised_pieces, "MIN_ROWS", 4)
    monkeypatch.setattr(sanitised_pieces, "_CUT_MASK", 3)
    project = copy_bundled(tmp_path / "edited")
    build_portal(project)
    rng = random.Random(12)
    kinds = ["title", "summary", "step", "body", "raci", "asked-as", "add-step", "role-name", "new-playbook"]
    for round_, edit in enumerate(rng.sample(kinds, len(kinds)) + [rng.choice(kinds)]):  # every kind, in a random order
        playbooks = sorted((project / "content/playbooks").glob("*.yml"))
        path = rng.choice(playbooks)
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        if edit == "title":
            data["title"] = f"{data['title']} (round {round_})"
        elif edit == "summary":
            data["summary"] = f"{data.get('summary', '')} Revised in round {round_}."
        elif edit == "step":
            step = rng.choice(data["steps"])
            step["title"] = f"{step['title']}, checked twice"
        elif edit == "body":
            step = rng.choice(data["steps"])
            step["body"] = f"{step.get('body', '')}\n\nConfirm it in the CRM (round {round_})."
        elif edit == "raci":
            step = rng.choice(data["steps"])
            step["raci"] = {"R": "support", "A": "cs-lead", "I": ["csm"]}
        elif edit == "asked-as":  # searched, never shown: no page changes, only a step's search document; written
            # in place, so no line moves and no field but asked_as tells of the edit
            text = path.read_text(encoding="utf-8")
            start = text.index("- ", text.rindex("asked_as:"))
            end = text.index("\n", start)
            path.write_text(f"{text[:end]} in round {round_}{text[end:]}", encoding="utf-8")
        elif edit == "add-step":
            data["steps"].insert(1, {"id": f"extra-{round_}", "title": f"Extra check {round_}", "owner": "csm",
                                     "raci": {"R": "csm", "A": "cs-lead"}, "body": "Ask the customer what changed."})
        elif edit == "role-name":
            roles_file = project / "content/roles.yml"
            roles = roles_file.read_text(encoding="utf-8")
            roles_file.write_text(roles.replace("name: Customer Success Manager", f"name: Customer Success Manager {round_}", 1),
                                  encoding="utf-8")
        elif edit == "new-playbook":
            data["title"] = f"Copy {round_} of {data['title']}"
            data.pop("id", None)
            data.pop("aliases", None)
            (project / f"content/playbooks/copy-{round_}.yml").write_text(
                yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
        if edit in ("title", "summary", "step", "body", "raci", "add-step"):
            path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
        report = build_portal(project)
        assert report.reused > 0 or edit == "role-name", edit
        cold = _one_process_build(project, tmp_path / "cold", monkeypatch)
        _assert_same_site(project, cold)
        assert read_meta(project / "build/index")["digests"] == read_meta(cold / "build/index")["digests"], edit


@pytest.mark.parametrize("summary, refusal", [
    (f"See {BROKEN_LINK} first.", "MkDocs refused"),  # MkDocs' strict mode, in the worker
    (f"See {BROKEN_HTML_LINK}.",  # csops' link check, from the links the worker located as it wrote the page
     "playbooks/qbr/index.html: ../nowhere-from-qbr/ \\(no such file\\)"),
])
def test_a_failing_share_fails_the_build_and_keeps_the_previous_site(tmp_path, monkeypatch, sharded, summary, refusal):
    project = with_a_strict_trap(copy_bundled(tmp_path / "failing"))
    build_portal(project)
    before = _tree(project / "site")
    path = project / "content/playbooks/qbr.yml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["summary"] = summary
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    real_claim = shards.PagePlan.claim

    def broken_page_left_to_a_worker(plan, source):
        return not (plan.site_wide and source == "playbooks/qbr.md") and real_claim(plan, source)

    monkeypatch.setattr(shards.PagePlan, "claim", broken_page_left_to_a_worker)
    with pytest.raises(BuildError, match=refusal) as refused:
        build_portal(project)
    assert "#nope" in str(refused.value) or BROKEN_HTML_LINK not in summary
    assert _tree(project / "site") == before


def _built_then_broken(target: Path, playbooks: tuple[str, ...]):
    """The bundled portal built at `target` (with MkDocs' strict trap), then each of `playbooks` given a link
    MkDocs refuses: (project, the built site's tree before)."""
    project = with_a_strict_trap(copy_bundled(target))
    build_portal(project)
    before = _tree(project / "site")
    for name in playbooks:
        path = project / f"content/playbooks/{name}.yml"
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        data["summary"] = f"See {BROKEN_LINK} first."
        path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return project, before


def test_refusals_of_every_run_are_listed_together(tmp_path, monkeypatch, sharded):
    """A page broken in the main run and one broken in a worker's are both reported, every time: the main run's
    refusal alone listed one or the other depending on which run took which page, and a hurried editor fixed one,
    rebuilt, and met the next."""
    project, before = _built_then_broken(tmp_path / "two-broken", ("qbr", "renewal-runway"))
    real_claim = shards.PagePlan.claim

    def qbr_to_a_worker_runway_to_the_main_run(plan, source):
        if source in ("playbooks/qbr.md", "playbooks/renewal-runway.md"):
            if plan.site_wide != (source == "playbooks/renewal-runway.md"):
                return False
        return real_claim(plan, source)

    monkeypatch.setattr(shards.PagePlan, "claim", qbr_to_a_worker_runway_to_the_main_run)
    # forked, the workers run the patched claim too; spawned (another test's thread still running) they claimed
    # pages in any order
    monkeypatch.setattr(workers, "start_method", lambda: "fork")
    with pytest.raises(BuildError, match="MkDocs refused") as refused:
        build_portal(project)
    assert "nowhere-from-qbr.md" in str(refused.value) and "nowhere-from-renewal-runway.md" in str(refused.value)
    assert _tree(project / "site") == before


def test_refusals_of_two_workers_are_listed_together_when_the_main_run_passes(tmp_path, monkeypatch, sharded):
    """Each of two workers renders one broken page and the main run neither: the first worker's refusal alone was
    raised (seen in a full test run, where workers are spawned and claim pages in any order)."""
    project, before = _built_then_broken(tmp_path / "two-workers", ("qbr", "renewal-runway"))
    broken = ("playbooks/qbr.md", "playbooks/renewal-runway.md")
    real_claim = shards.PagePlan.claim

    def one_broken_page_per_worker(plan, source):
        if source in broken and (plan.site_wide or getattr(plan, "took_broken", False)):
            return False
        claimed = real_claim(plan, source)
        if claimed and source in broken:
            plan.took_broken = True
        return claimed

    monkeypatch.setattr(shards.PagePlan, "claim", one_broken_page_per_worker)
    monkeypatch.setattr(workers, "start_method", lambda: "fork")  # the workers run the patched claim too
    with pytest.raises(BuildError, match="MkDocs refused") as refused:
        build_portal(project)
    assert "nowhere-from-qbr.md" in str(refused.value) and "nowhere-from-renewal-runway.md" in str(refused.value)
    assert _tree(project / "site") == before


def test_a_process_running_other_threads_spawns_its_workers():
    """fork copies no thread and may copy a lock another thread holds: only a single-threaded process forks."""
    release = threading.Event()
    other = threading.Thread(target=release.wait)
    other.start()
    try:
        assert start_method() == "spawn"
    finally:
        release.set()
        other.join()


def test_a_site_served_for_the_whole_session_leaves_this_processs_builds_forking(tmp_path):
    """The browser tests' sites built once are served for the rest of the session: from a thread here, every later
    build of this test process spawned its workers (about 0.5 s of CPU and a second of waiting more per build)."""
    from browser_support import serve_built_once

    (tmp_path / "index.html").write_text("<p>served</p>", encoding="utf-8")
    for base in serve_built_once(tmp_path):
        with urllib.request.urlopen(base, timeout=10) as response:
            assert response.read() == b"<p>served</p>"
        assert start_method() == "fork", [thread.name for thread in threading.enumerate()]
