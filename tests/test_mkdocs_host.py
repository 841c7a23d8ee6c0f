"""A one-run build runs every MkDocs run in its MkDocs host (mkdocs_host.py), never in its own process: it publishes
the very site a process running the site-wide share itself (csops serve's) writes, reports mkdocs.yml's refused
settings as it did before it read any content, and ends in one line when the host dies."""

from __future__ import annotations

import multiprocessing
import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

from conftest import REPO, copy_bundled, make_project
from generator import build as build_module
from generator import mkdocs_host, run_memory, shards
from generator.build import BuildError
from generator.mkdocs_host import MkDocsHost
from generator.pipeline import build_portal
from generator.workers import BuildWorkers
from test_build import _tree_digest as _tree
from test_crash_safety import CSOPS, wait_until_gone

# What only a MkDocs run imports (workers._import_mkdocs, mkdocs_refusals' settings check)
_MKDOCS_RUN_MODULES = ("mkdocs.commands.build", "mkdocs.config.defaults", "material.plugins.search.plugin",
                       "pymdownx.superfences", "markdown.extensions.md_in_html")


def test_a_build_imports_no_mkdocs_run_in_its_own_process(tmp_path):
    """Importing MkDocs and checking mkdocs.yml with it took the build process ~80 ms before it loaded any
    content (a tenth of an edit rebuild at 300 playbooks); the host does it on the other core meanwhile."""
    project = copy_bundled(tmp_path / "portal", REPO)
    code = ("import sys; from pathlib import Path; from generator.pipeline import build_portal; "
            "build_portal(Path(sys.argv[1])); build_portal(Path(sys.argv[1])); "
            f"print(sorted(m for m in {_MKDOCS_RUN_MODULES!r} if m in sys.modules))")
    shown = subprocess.run([sys.executable, "-c", code, str(project)], cwd=REPO, capture_output=True, text=True,
                           timeout=600)
    assert shown.returncode == 0, shown.stderr
    assert shown.stdout.strip().splitlines()[-1] == "[]"
    assert (project / "site/search/search_index.json").is_file()


@pytest.mark.parametrize("shared", [False, True], ids=["one run", "three runs"])
def test_the_host_publishes_the_site_the_build_process_would_write_itself(tmp_path, monkeypatch, shared):
    """Byte for byte, the search index included: the host's site-wide run leaves the entries' place, which the build
    process fills from the index job, where its own run puts them in as it writes the index."""
    if shared:  # the host's run and two share workers it forked, each claiming pages
        monkeypatch.setattr(shards, "MIN_SHARD_BYTES", 1)
        monkeypatch.setattr(shards, "available_cores", lambda: 3)
    else:
        monkeypatch.setattr(shards, "MIN_SHARD_BYTES", 10**12)
    monkeypatch.setattr(run_memory, "_keeping", run_memory._keeping)  # a kept pool keeps parses: not past this test
    hosted = copy_bundled(tmp_path / "hosted", REPO)
    itself = copy_bundled(tmp_path / "itself", REPO)
    for edited in (False, True):  # cold, then a title edited
        if edited:
            for project in (hosted, itself):
                playbook = project / "content/playbooks/renewal-runway.yml"
                playbook.write_text(playbook.read_text(encoding="utf-8").replace("title: ", "title: Revised ", 1),
                                    encoding="utf-8")
        assert build_portal(hosted).processes == (3 if shared else 1)
        kept = BuildWorkers(itself)  # as csops serve keeps them: this process runs the site-wide share
        try:
            assert not kept.delegates
            build_portal(itself, workers=kept)
        finally:
            kept.close()
        ours, theirs = _tree(hosted / "site"), _tree(itself / "site")
        assert ours.keys() == theirs.keys()
        assert [name for name in ours if ours[name] != theirs[name]] == []
    index = (hosted / "site/search/search_index.json").read_text(encoding="utf-8")
    assert '"docs":[{' in index.replace(" ", "")
    assert not list((hosted / "build/current").glob("links-*")), "the runs' link files were published"


def _run_mkdocs_or_die(site, overrides, plan=None, *args, **kwargs):
    if (site.project / "die").exists() and (plan is None or plan.site_wide):
        os.kill(os.getpid(), signal.SIGKILL)  # the host, as it starts the site-wide run
    return _REAL_RUN_MKDOCS(site, overrides, plan, *args, **kwargs)


_REAL_RUN_MKDOCS = build_module.run_mkdocs


def test_a_host_killed_mid_build_is_one_line_and_the_previous_site_stays(tmp_path, monkeypatch):
    project = copy_bundled(tmp_path / "portal", REPO)
    build_portal(project)
    page = project / "site/playbooks/renewal-runway/index.html"
    before = page.read_bytes()
    monkeypatch.setattr(build_module, "run_mkdocs", _run_mkdocs_or_die)  # before the build forks its host
    playbook = project / "content/playbooks/renewal-runway.yml"
    playbook.write_text(playbook.read_text(encoding="utf-8").replace("title: ", "title: Revised ", 1), encoding="utf-8")
    (project / "die").touch()
    with pytest.raises(BuildError, match=r"^a build worker process died .*previous site is untouched"):
        build_portal(project)
    assert page.read_bytes() == before
    assert list((project / "build").glob(".staging-*")) == []
    (project / "die").unlink()
    build_portal(project)
    assert b"Revised " in page.read_bytes()


def test_a_refused_setting_is_reported_alone_when_the_content_is_broken_too(tmp_path, run):
    """As before the host checked the settings: the build stops on mkdocs.yml's refusal, in validate's words, and
    says nothing of the content until the settings are fixed."""
    project = make_project(tmp_path / "portal", {"content/playbooks/broken.yml": "title: [unclosed\n"})
    config = project / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8") + "not_a_setting: 1\n", encoding="utf-8")
    built = run("build", "--project", project, "--quiet")
    assert built.exit_code == 1
    assert "'not_a_setting' is not a MkDocs setting" in built.output
    assert "broken.yml" not in built.output
    config.write_text(config.read_text(encoding="utf-8").replace("not_a_setting: 1\n", ""), encoding="utf-8")
    built = run("build", "--project", project, "--quiet")
    assert built.exit_code == 1 and "broken.yml" in built.output


def _start_build(project: Path, tag: str) -> subprocess.Popen:
    """`csops build` in a group of its own, taking Ctrl-C as a terminal's foreground job does."""
    return subprocess.Popen([*CSOPS, "build", "--project", str(project)], cwd=REPO, start_new_session=True,
                            env={**os.environ, "CSOPS_TEST_TAG": tag}, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))


def test_ctrl_c_stops_the_build_and_every_process_it_started_without_a_traceback(tmp_path):
    """Ctrl-C reaches every process of the terminal's group: the host and the index worker leave it to the build
    process, which stops them (the host printed its own KeyboardInterrupt traceback under the build's "Aborted!").
    Pressed at a tenth, two fifths and seven tenths of a cold build: loading, rendering, MkDocs running."""
    started = time.monotonic()
    timed = _start_build(copy_bundled(tmp_path / "timed", REPO), uuid.uuid4().hex)
    assert timed.wait(timeout=300) == 0
    seconds = time.monotonic() - started
    stopped = 0
    for part in (0.1, 0.4, 0.7):
        project = copy_bundled(tmp_path / f"at-{part}", REPO)
        tag = uuid.uuid4().hex
        build = _start_build(project, tag)
        time.sleep(seconds * part)
        os.killpg(build.pid, signal.SIGINT)
        _, err = build.communicate(timeout=60)
        assert "Traceback" not in err, err
        assert wait_until_gone(tag, 5) == []
        if build.returncode == 0:  # it had finished: nothing to stop
            continue
        assert build.returncode == 1 and "Aborted!" in err, err
        # nothing, or (stopped between going live and ending) the whole site
        assert not (project / "site").exists() or (project / "site/index.html").is_file()
        stopped += 1
    assert stopped >= 2


def test_ctrl_c_as_the_workers_start_leaves_no_host_behind(tmp_path, monkeypatch):
    """Ctrl-C, held while the workers are forked, arrives as their start ends: the build process then stopped
    before its build began, and at its exit waited for ever for the host it had forked (multiprocessing joins
    every child), which waited for a request."""
    def interrupted(self):
        raise KeyboardInterrupt

    monkeypatch.setattr(BuildWorkers, "_new_pool", interrupted)  # after the host is forked
    with pytest.raises(KeyboardInterrupt):
        BuildWorkers(tmp_path, delegates=True)
    assert [p for p in multiprocessing.active_children() if p.name == "csops-mkdocs"] == []


def test_a_host_left_running_is_ended_as_the_build_process_exits():
    """Whatever bug leaves one running: the exit function ends it before multiprocessing's waits for it."""
    host = MkDocsHost()
    assert host.submit(int, "7").result() == 7
    mkdocs_host._end_running()
    assert not host.process.is_alive()
