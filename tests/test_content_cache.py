"""Each content file's parse and shape check is kept between runs, and never changes what a run reports."""

from __future__ import annotations

import pickle

import pytest

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
    assert len(entries) == len(list((project / "content").rglob("*.yml"))) + 1  # and the reference rules' results
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


def test_an_edit_checks_the_references_of_the_edited_file_and_of_files_whose_references_broke(tmp_path, monkeypatch):
    from generator.rules import references

    project = copy_bundled(tmp_path / "portal")
    check_project(project, cache=True)
    checked = []
    real = references._check_document
    monkeypatch.setattr(references, "_check_document", lambda checker, doc: (checked.append(doc.path), real(checker, doc)))
    playbook = project / "content/playbooks/renewal-runway.yml"
    text = playbook.read_text(encoding="utf-8")
    playbook.write_text(text.replace("owner: csm", "owner: csmm", 1), encoding="utf-8")
    problems = check_project(project, cache=True)[1]
    assert checked == ["content/playbooks/renewal-runway.yml"]
    assert [p.code for p in problems if p.severity == "error"] == ["unknown-role"]

    # a step id another file links to is renamed: that file is checked again, and the broken link is found
    checked.clear()
    playbook.write_text(text.replace("id: assess-risk", "id: assess-the-risk", 1), encoding="utf-8")
    problems = check_project(project, cache=True)[1]
    assert sorted(checked) == ["content/onboarding/new-csm-30-60-90.yml", "content/playbooks/renewal-runway.yml"]
    assert [(p.path, p.code) for p in problems if p.severity == "error"] == [
        ("content/onboarding/new-csm-30-60-90.yml", "unknown-anchor")]
    assert problems == check_project(project)[1]
    # a file with a problem is checked on every run; the rest are not, even after ids were added
    checked.clear()
    playbook.write_text(text.replace("id: assess-risk", "id: assess-risk\n    aliases: [assess-the-risk]", 1), encoding="utf-8")
    problems = check_project(project, cache=True)[1]
    assert sorted(checked) == ["content/onboarding/new-csm-30-60-90.yml", "content/playbooks/renewal-runway.yml"]
    assert problems == check_project(project)[1] and not [p for p in problems if p.severity == "error"]


def test_a_planted_reference_result_hides_nothing(tmp_path):
    import json

    from generator.content_cache import ContentCache

    project = copy_bundled(tmp_path / "portal")
    playbook = project / "content/playbooks/renewal-runway.yml"
    playbook.write_text(playbook.read_text(encoding="utf-8").replace("owner: csm", "owner: csmm", 1), encoding="utf-8")
    check_project(project, cache=True)
    kept = content_cache_dir(project) / ".references.json"
    clean = json.loads(kept.read_bytes()[32:])
    clean[ContentCache(project)._name("content/playbooks/renewal-runway.yml", playbook.read_text(encoding="utf-8"))] = []
    kept.write_bytes(b"\0" * 32 + json.dumps(clean).encode("utf-8"))  # "clean", but not sealed by this machine
    assert [p.code for p in check_project(project, cache=True)[1] if p.severity == "error"] == ["unknown-role"]


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


def _same_located(a, b):
    from generator.located_values import LocDict, LocList

    assert type(a) is type(b) and a == b
    if isinstance(a, LocDict):
        assert a.pos == b.pos
        for key in a:
            assert (a.where(key), a.where_key(key)) == (b.where(key), b.where_key(key)), key
            if isinstance(a[key], str) and a[key]:
                assert a.where_in_text(key, len(a[key]) - 1) == b.where_in_text(key, len(a[key]) - 1), key
            _same_located(a[key], b[key])
        assert a.value_style == b.value_style and a.key_pos == b.key_pos and a.value_pos == b.value_pos
    elif isinstance(a, LocList):
        assert a.pos == b.pos and a.item_pos == b.item_pos and [a.where(i) for i in range(len(a) + 1)] == [b.where(i) for i in range(len(b) + 1)]
        for x, y in zip(a, b):
            _same_located(x, y)


def test_every_position_survives_the_caches_pickling():
    """Cached parses keep their positions packed (unpacked when asked for): every key, value, item and
    character position of every bundled file, and of YAML with merges, quotes and block text, is unchanged."""
    import copy

    from conftest import REPO
    from generator.located_yaml import parse_yaml

    texts = [p.read_text(encoding="utf-8") for p in sorted((REPO / "content").rglob("*.yml"))]
    texts.append('base: &b {owner: csm, "quoted": \'x\'}\nitem:\n  <<: *b\n  body: |\n    two\n    lines\n  list: [a, "b", c]\n')
    for text in texts:
        data, _ = parse_yaml(text, "x.yml")
        _same_located(data, pickle.loads(pickle.dumps(data, protocol=pickle.HIGHEST_PROTOCOL)))
        _same_located(data, copy.deepcopy(data))
        packed = pickle.loads(pickle.dumps(data, protocol=pickle.HIGHEST_PROTOCOL))
        assert "_packed" in vars(packed)  # positions wait packed until asked for


def test_a_second_run_in_the_same_process_takes_unchanged_parses_from_memory(tmp_path, monkeypatch):
    """`csops serve` rebuilds in one process: unchanged files' entries are neither read nor unpickled again,
    an edited file is parsed again, and what the run reports is a fresh run's. A one-run process keeps nothing."""
    from generator import run_memory
    from generator.content_cache import ContentCache

    monkeypatch.setattr(run_memory, "_keeping", True)  # as build_portal does for csops serve
    project = copy_bundled(tmp_path / "portal")
    first = check_project(project, cache=True)
    playbook = project / "content/playbooks/renewal-runway.yml"
    playbook.write_text(playbook.read_text(encoding="utf-8").replace("owner: csm", "owner: csmm", 1), encoding="utf-8")
    read, parsed = [], []
    real_read = ContentCache._read
    monkeypatch.setattr(ContentCache, "_read", lambda self, name: read.append(name) or real_read(self, name))
    real_parse = __import__("generator.loader", fromlist=["parse_yaml"]).parse_yaml
    monkeypatch.setattr("generator.loader.parse_yaml", lambda text, path: parsed.append(path) or real_parse(text, path))
    again = check_project(project, cache=True)
    assert parsed == ["content/playbooks/renewal-runway.yml"]
    assert [name for name in read if not name.startswith(".")] == [ContentCache(project)._name(
        "content/playbooks/renewal-runway.yml", playbook.read_text(encoding="utf-8"))]
    assert again[1] == check_project(project)[1] != first[1] and [d.data for d in again[0]] == [d.data for d in check_project(project)[0]]


def test_a_one_run_process_keeps_no_parse_in_memory(tmp_path, monkeypatch):
    """`csops build` and `validate` run once: holding every parse until exit would only cost memory."""
    from generator import run_memory
    from generator.pipeline import build_portal

    build_portal(copy_bundled(tmp_path / "portal"))
    assert [(memory.last, memory.now) for memory in run_memory._memories] == [({}, {})] * len(run_memory._memories)
    assert len(run_memory._memories) >= 3  # parses, models, page keys


def test_a_schema_validator_is_compiled_once_and_a_planted_one_never_runs(tmp_path, monkeypatch):
    """fastjsonschema's validator was generated and compiled in every process that checked a changed file (30 ms of
    each edit rebuild): its code is kept in the user's cache folder, signed, so a file put there by anyone else is
    never run; the validator made from it answers as a freshly compiled one."""
    import marshal

    import fastjsonschema

    from generator import compiled_validators
    from generator.signed_files import MAC_BYTES

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    made = []
    real = fastjsonschema.compile_to_code
    monkeypatch.setattr(fastjsonschema, "compile_to_code", lambda schema: made.append(schema) or real(schema))
    schema = {"type": "object", "properties": {"id": {"type": "string", "pattern": "^[a-z]+$"}}, "required": ["id"]}
    for _ in range(2):
        validate = compiled_validators.compiled_validator(schema)
        assert validate({"id": "abc"}) == {"id": "abc"}
        with pytest.raises(fastjsonschema.JsonSchemaValueException):
            validate({"id": "ABC"})
    assert len(made) == 1
    [kept] = (tmp_path / "cache/csops-portal/validators").iterdir()
    ran = tmp_path / "ran"
    planted = compile(f"open({str(ran)!r}, 'w').write('ran')\nvalidate = None", "<planted>", "exec")
    kept.write_bytes(bytes(MAC_BYTES) + marshal.dumps(planted))
    assert compiled_validators.compiled_validator(schema)({"id": "abc"}) == {"id": "abc"}
    assert not ran.exists() and len(made) == 2


def test_a_build_leaves_the_content_it_loaded_out_of_the_cyclic_collector(tmp_path, monkeypatch):
    """Every parse and the model live to the build's end and hold no cycles: Python's collector walking them cost an
    edit rebuild at 1,000 playbooks 0.13 s CPU. They are frozen once loaded; content that fails is not, nor what
    csops serve loads (a freeze would keep its last build's garbage for good), and the collector runs on after."""
    import gc

    from generator import run_memory
    from generator.pipeline import load_checked_portal, validate_project
    from generator.problems import ContentError

    project = copy_bundled(tmp_path / "portal")
    playbook = project / "content/playbooks/renewal-runway.yml"
    sound = playbook.read_text(encoding="utf-8")
    gc.unfreeze()  # what an earlier test's build froze in this process
    try:
        playbook.write_text(sound.replace("owner: csm", "owner: csmm", 1), encoding="utf-8")
        try:
            load_checked_portal(project)
            raise AssertionError("unknown-role was not reported")
        except ContentError:
            pass
        assert gc.isenabled() and gc.get_freeze_count() == 0
        playbook.write_text(sound, encoding="utf-8")
        portal, _ = load_checked_portal(project)
        walked = {id(o) for o in gc.get_objects()}
        assert gc.isenabled()
        assert not {id(portal), id(portal.playbooks[0]), id(portal.playbooks[0].steps)} & walked
        gc.unfreeze()
        validate_project(project)
        assert gc.isenabled() and gc.get_freeze_count() > 0  # csops validate loads as a build does
        gc.unfreeze()
        monkeypatch.setattr(run_memory, "_keeping", True)  # as build_portal does for csops serve
        load_checked_portal(project)
        assert gc.isenabled() and gc.get_freeze_count() == 0
    finally:
        gc.unfreeze()
