"""Each content file's parse and shape check is kept between runs, and never changes what a run reports."""

from __future__ import annotations

import pickle

from conftest import copy_bundled
from generator.paths import content_cache_dir
from generator.validate import check_project


def test_a_cached_run_reports_what_a_fresh_run_reports(tmp_path, monkeypatch):
    project = copy_bundled(tmp_path / "portal")
    playbook = project / "content/playbooks/renewal-runway.yml"
    playbook.write_text(playbook.read_text(encoding="utf-8").replace("owner: csm", "owner: csmm", 1), encoding="utf-8")
    fresh = check_project(project)
    first = check_project(project, cache=True)
    entries = sorted(content_cache_dir(project).iterdir())
    assert len(entries) == len(list((project / "content").rglob("*.yml")))
    with monkeypatch.context() as patch:  # unchanged files are not parsed again
        patch.setattr("generator.loader.parse_yaml", lambda text, path: (_ for _ in ()).throw(AssertionError(path)))
        again = check_project(project, cache=True)
    assert fresh[1] == first[1] == again[1] and any(p.code == "unknown-role" for p in again[1])
    assert [d.data for d in fresh[0]] == [d.data for d in again[0]]
    # positions survive the round trip: shape and rule problems land on the same line and column
    assert [(p.path, p.line, p.col) for p in again[1]] == [(p.path, p.line, p.col) for p in fresh[1]]

    # an edit is seen, and the edited file's old entry is pruned
    playbook.write_text(playbook.read_text(encoding="utf-8").replace("owner: csmm", "owner: csm", 1), encoding="utf-8")
    assert check_project(project, cache=True)[1] == check_project(project)[1]
    assert len(list(content_cache_dir(project).iterdir())) == len(entries)


def test_an_entry_without_this_machines_seal_is_never_unpickled(tmp_path):
    project = copy_bundled(tmp_path / "portal")
    check_project(project, cache=True)
    marker = tmp_path / "ran"

    class Payload:
        def __reduce__(self):
            return (marker.mkdir, ())

    for entry in content_cache_dir(project).iterdir():  # what a pull request could commit under build/cache
        entry.write_bytes(b"\0" * 32 + pickle.dumps(Payload()))
    documents, problems = check_project(project, cache=True)
    assert not marker.exists()
    assert problems == check_project(project)[1] and len(documents) > 10


def test_a_file_that_does_not_parse_is_reported_again_on_the_next_run(tmp_path):
    project = copy_bundled(tmp_path / "portal")
    (project / "content/faq/renewals.yml").write_text("questions: [unclosed\n", encoding="utf-8")
    first = check_project(project, cache=True)[1]
    assert first == check_project(project, cache=True)[1] and any(p.path == "content/faq/renewals.yml" for p in first)
