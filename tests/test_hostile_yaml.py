"""Hostile and odd content files: every one ends as a located Problem (or a warning), never a traceback or a hang.

The invalid corpus (tests/examples/invalid/alias-bomb, loader-limits, file-name, merge-key, reference-link) pins
the exact messages; these tests cover what a corpus folder cannot hold (links, huge files, permissions) and
the loader's contract for arbitrary text. Bounds on the work a text costs are in this process's CPU time
(time.process_time), which other processes' load does not stretch as it does the wall clock: at a load average
of 10 (CI beside two other runs) a one-pass glossary page read 1.5 s took over 5 s of wall time.
"""

from __future__ import annotations

import os
import re
import resource
import string
import subprocess
import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator.loader import Document
from generator.located_values import LocDict
from generator.located_yaml import MAX_ALIAS_NODES, MAX_FILE_BYTES, parse_yaml
from generator.render import render_pages
from generator.pipeline import load_portal
from generator.validate import check_documents

PLAYBOOK = """\
title: Renewal
steps:
  - id: kickoff
    title: Kickoff
"""


def _lines(result) -> list[str]:
    return result.output.splitlines()


def test_symlink_to_a_file_outside_the_project_is_refused(project_factory, tmp_path, run):
    outside = tmp_path / "elsewhere.yml"
    outside.write_text(PLAYBOOK.replace("Renewal", "Secret from outside"), encoding="utf-8")
    project = project_factory({})
    (project / "content/playbooks").mkdir(parents=True)
    (project / "content/playbooks/renewal.yml").symlink_to(outside)
    result = run("validate", "--project", project, "--format", "text")
    assert _lines(result) == [
        "content/playbooks/renewal.yml:1:1: error: links to a file outside the project "
        "(content must live in the repository: copy the file here instead of linking to it) [outside-project]",
        "1 error in 1 file"]
    assert result.exit_code == 1


@pytest.mark.parametrize("path", ["content/published-urls.txt", "templates/labels.yml"])
def test_a_project_file_linked_outside_is_neither_read_nor_written_through(project_factory, tmp_path, run, path):
    """content/published-urls.txt committed as a link to ~/.aws/credentials: validate, run by CI on the pull request,
    quoted its lines in public errors ("published URL 'aws_secret_access_key = …' would disappear"), and `csops urls
    --update` overwrote it; templates/labels.yml was read from outside too (found by the red-team pass)."""
    outside = tmp_path / "credentials"
    outside.write_text("[default]\naws_secret_access_key = s3cr3t\n", encoding="utf-8")
    project = project_factory({"content/playbooks/renewal.yml": PLAYBOOK})
    (project / path).parent.mkdir(parents=True, exist_ok=True)
    (project / path).symlink_to(outside)
    result = run("validate", "--project", project)
    assert result.exit_code == 1 and "s3cr3t" not in result.output
    error = (f"{path}:1:1: error: links to a file outside the project (content must live in the repository: copy the "
             "file here instead of linking to it) [outside-project]")
    assert result.output.count(error) == 1, result.output  # one file, one error (the templates/ walk leaves labels.yml)
    run("urls", "--update", "--project", project)
    assert outside.read_text(encoding="utf-8") == "[default]\naws_secret_access_key = s3cr3t\n"


@pytest.mark.parametrize("path", ["templates/assets/leak.css", "templates/playbook.md.j2", "templates/assets/theirs",
                                  "templates"])
def test_a_templates_file_or_folder_linked_outside_is_refused_before_it_is_published(project_factory, tmp_path, run, path):
    """templates/assets/leak.css committed as a link to ~/.aws/credentials was copied into the built site as
    assets/csops/leak.css and published; a template linked so rendered the file into every page (red-team pass).
    The whole templates/ folder linked elsewhere holds no link itself, so it is refused as the link it is."""
    outside = tmp_path / "credentials"
    outside.write_text("aws_secret_access_key = s3cr3t\n", encoding="utf-8")
    (tmp_path / "theirs/assets").mkdir(parents=True)
    (tmp_path / "theirs/assets/leak.css").write_text("/* aws_secret_access_key = s3cr3t */\n", encoding="utf-8")
    project = project_factory({"content/playbooks/renewal.yml": PLAYBOOK})
    (project / path).parent.mkdir(parents=True, exist_ok=True)
    if (project / path).is_dir():
        (project / path).rmdir()
    (project / path).symlink_to(outside if path.endswith((".css", ".j2")) else tmp_path / "theirs")
    error = (f"{path}:1:1: error: links to a file outside the project (content must live in the repository: copy the "
             "file here instead of linking to it) [outside-project]")
    result = run("validate", "--project", project)
    assert result.exit_code == 1 and error in result.output
    result = run("build", "--project", project)
    assert result.exit_code == 1 and error in result.output
    assert not any("s3cr3t" in p.read_text(errors="replace") for p in (project / "site").rglob("*") if p.is_file())


@pytest.mark.parametrize("target", [".git/config", ".env", "build/search-log/queries.jsonl", "gha-creds-1.json"])
def test_a_link_to_the_machines_files_in_the_project_is_refused_before_it_is_published(project_factory, run, target):
    """Red team: a link inside the project passed, wherever it led: templates/assets/leak.css committed as a link to
    ../../.git/config published the token a CI checkout keeps there (http.extraheader), one to .env its secrets,
    one to build/ the search log, and one to a file git ignores (gha-creds-….json, the credentials a CI step
    writes beside the checkout) those. A link to the project's own files (shared/brand.css) is still taken."""
    project = project_factory({"content/playbooks/renewal.yml": PLAYBOOK})
    if not target.startswith((".", "build/")):
        subprocess.run(["git", "init", "-q"], cwd=project, check=True)
        (project / ".gitignore").write_text("gha-creds-*.json\n", encoding="utf-8")
    (project / target).parent.mkdir(parents=True, exist_ok=True)
    (project / target).write_text("extraheader = AUTHORIZATION: basic s3cr3t\n", encoding="utf-8")
    (project / "shared").mkdir()
    (project / "shared/brand.css").write_text("/* brand */\n", encoding="utf-8")
    (project / "templates/assets").mkdir(parents=True)
    (project / "templates/assets/leak.css").symlink_to("../../" + target)
    (project / "templates/assets/brand.css").symlink_to("../../shared/brand.css")
    what = (f"{target}, which git ignores: this machine's file" if target == "gha-creds-1.json" else
            f"{target.split('/')[0]} in the project, which is this machine's")
    error = (f"templates/assets/leak.css:1:1: error: links to {what}, not the repository's (content must live in the "
             "repository: copy the file here instead of linking to it) [outside-project]")
    result = run("validate", "--project", project)
    assert result.exit_code == 1 and result.output.count("[outside-project]") == 1 and error in result.output, result.output
    result = run("build", "--project", project)
    assert result.exit_code == 1 and error in result.output
    assert not any("s3cr3t" in p.read_text(errors="replace") for p in (project / "site").rglob("*") if p.is_file())


def test_content_linked_to_a_dot_folder_in_the_project_is_refused(project_factory, run):
    """content/ committed as a link to .notes/, a folder of the machine's beside .env: the loader asks once per
    folder where its files lead (loader._inside), and that answer is resolves_inside's too."""
    project = project_factory({"content/playbooks/renewal.yml": PLAYBOOK})
    (project / "content").rename(project / ".notes")
    (project / "content").symlink_to(".notes")
    result = run("validate", "--project", project)
    assert result.exit_code == 1 and ("content/playbooks/renewal.yml:1:1: error: links to .notes in the project, which "
                                      "is this machine's, not the repository's") in result.output, result.output


def test_a_settings_file_mkdocs_yml_inherits_through_a_link_to_env_is_refused(project_factory, run):
    """INHERIT: base.yml, committed as a link to the project's .env, had its secrets read as the portal's settings;
    it is refused as a link to .env is in templates/."""
    project = project_factory({"content/playbooks/renewal.yml": PLAYBOOK})
    (project / ".env").write_text("site_description: s3cr3t\n", encoding="utf-8")
    (project / "base.yml").symlink_to(".env")
    config = project / "mkdocs.yml"
    config.write_text("INHERIT: base.yml\n" + config.read_text(encoding="utf-8"), encoding="utf-8")
    result = run("validate", "--project", project)
    assert result.exit_code == 1 and ("base.yml:1:1: error: links to .env in the project, which is this machine's, "
                                      "not the repository's") in result.output, result.output


# (what mkdocs.yml gains, the link committed in the project -> its target beside the project, the error's path or None)
NAMED_LINKS = {
    "custom_dir a link": ("  custom_dir: overrides\n", {"overrides": "theirs"}, "overrides"),
    "link in the custom_dir": ("  custom_dir: overrides\n", {"overrides/inner/leak.txt": "theirs/leak.txt"},
                               "overrides/inner/leak.txt"),
    "INHERIT file a link": ("INHERIT: base.yml\n", {"base.yml": "theirs/base.yml"}, "base.yml"),
    "hook a link": ("hooks: [hooks/stamp.py]\n", {"hooks": "theirs"}, "hooks"),
    # files portals share, named by their own path beside the project: written on purpose, as test_serve.py's are
    "a shared folder and file named": ("  custom_dir: ../theirs\nINHERIT: ../theirs/base.yml\n", {}, None),
}


@pytest.mark.parametrize("case", NAMED_LINKS)
def test_a_file_mkdocs_yml_names_through_a_link_out_of_the_project_is_refused(project_factory, tmp_path, run, case):
    """MkDocs copies each file of the theme's custom_dir that is no template into the site, takes an INHERIT file's
    settings (site_description goes into every page) and runs hooks: each of them committed as a link out of the
    project, or a link to ~/.aws/credentials inside the custom_dir, passed validate, and the build published the file
    (red team: a key file beside the project served at /leak.txt), where a link in templates/ was refused."""
    added, links, path = NAMED_LINKS[case]
    (tmp_path / "theirs").mkdir()
    (tmp_path / "theirs/leak.txt").write_text("aws_secret_access_key = s3cr3t\n", encoding="utf-8")
    (tmp_path / "theirs/base.yml").write_text("site_description: s3cr3t\n", encoding="utf-8")
    (tmp_path / "theirs/stamp.py").write_text("", encoding="utf-8")
    project = project_factory({"content/playbooks/renewal.yml": PLAYBOOK})
    for link, target in links.items():
        (project / link).parent.mkdir(parents=True, exist_ok=True)
        (project / link).symlink_to(tmp_path / target)
    config = project / "mkdocs.yml"
    text = config.read_text(encoding="utf-8").replace("  language: en\n", "  language: en\n" + "".join(
        line + "\n" for line in added.splitlines() if line.startswith(" ")))
    config.write_text("".join(line + "\n" for line in added.splitlines() if not line.startswith(" ")) + text,
                      encoding="utf-8")
    result = run("validate", "--project", project)
    if path is None:
        assert result.exit_code == 0, result.output
        return
    error = (f"{path}:1:1: error: links to a file outside the project (content must live in the repository: copy the "
             "file here instead of linking to it) [outside-project]")
    assert result.exit_code == 1 and result.output.count(error) == 1, result.output
    result = run("build", "--project", project)
    assert result.exit_code == 1 and error in result.output, result.output
    assert not any("s3cr3t" in p.read_text(errors="replace") for p in (project / "site").rglob("*") if p.is_file())


def test_the_content_walk_lists_and_sorts_what_pathlib_would_whatever_the_folder_holds(tmp_path):
    """load_content walks content/ once and asks the listing what each entry is (a stat for each question was
    54 ms of every build at 1,000 playbooks); what it finds, what it reads and what it warns of are what
    sorted(rglob) and Path's questions gave: links to folders listed but not entered, dangling links, a link loop,
    a FIFO, editor locks, names that sort differently as text and as paths."""
    from pathlib import Path

    from generator import loader

    content = tmp_path / "content"
    for folder in ("playbooks/a-b", "playbooks/a", "faq", "onboarding", "elsewhere", "charts/deep/er"):
        (content / folder).mkdir(parents=True, exist_ok=True)
    for name in ("playbooks/a-b/x.yml", "playbooks/a/b.yml", "playbooks/a.yml", "playbooks/notes.yml.bak",
                 "playbooks/draft.yaml", "faq/q.yml", "charts/deep/er/c.yml", "elsewhere/stray.yml", "roles.yml",
                 "playbooks/.hidden.yml", "playbooks/UPPER.YML", "playbooks/x.yml.csops-mv-pending"):
        (content / name).write_text("title: T\n", encoding="utf-8")
    (content / "playbooks/linked-dir").symlink_to(content / "elsewhere", target_is_directory=True)
    (content / "playbooks/dangling.yml").symlink_to(tmp_path / "missing.yml")
    (content / "playbooks/loop.yml").symlink_to(content / "playbooks/loop.yml")
    (content / "playbooks/.#lock.yml").symlink_to("user@host.123")
    (content / "playbooks/folder.yml").mkdir()
    os.mkfifo(content / "faq/pipe.yml")
    (content / "onboarding/link.yml").symlink_to(content / "faq/q.yml")

    def oracle_discover():  # the walk as it was: rglob and Path's questions
        found = []
        for kind, name in loader.CATALOG_FILES.items():
            for suffix in loader.YAML_SUFFIXES:
                candidate = content / Path(name).with_suffix(suffix)
                if candidate.is_file() or candidate.is_symlink():
                    found.append((kind, candidate))
        for kind in loader.DOCUMENT_KINDS:
            directory = content / kind.folder
            if directory.is_dir() and not directory.is_symlink():
                found.extend((kind.name, f) for f in sorted(directory.rglob("*"))
                             if f.suffix in loader.YAML_SUFFIXES and loader._is_file_or_link(f))
        known = {f for _, f in found}
        return found + [("unknown", f) for f in sorted(content.rglob("*"))
                        if f.suffix in loader.YAML_SUFFIXES and loader._is_file_or_link(f) and f not in known]

    walked = loader._walk(content)
    assert [entry.path for entry in walked] == sorted(content.rglob("*"))
    for entry in walked:
        assert (entry.is_symlink(), entry.is_dir(), entry.is_file()) == (
            entry.path.is_symlink(), entry.path.is_dir(), entry.path.is_file()), entry.path
    assert loader.discover_files(content, walked) == oracle_discover()
    warned = [(p.path, p.message) for p in loader._entry_problems(tmp_path, walked)]
    assert ("content/playbooks/linked-dir", "not read: csops does not follow links to folders") in warned
    assert ("content/playbooks/folder.yml", "not read: it is a folder or special file, not a YAML file") in warned
    assert ("content/faq/pipe.yml", "not read: it is a folder or special file, not a YAML file") in warned
    assert ("content/playbooks/notes.yml.bak", "not read: only files ending in .yml or .yaml are content") in warned
    assert ("content/playbooks/.#lock.yml", "not read: only files ending in .yml or .yaml are content") in warned


def test_symlinked_content_folder_outside_the_project_is_refused(project_factory, tmp_path, run):
    elsewhere = tmp_path / "shared"
    (elsewhere / "playbooks").mkdir(parents=True)
    (elsewhere / "playbooks/renewal.yml").write_text(PLAYBOOK, encoding="utf-8")
    project = project_factory({}, with_defaults=False)
    (project / "content").symlink_to(elsewhere, target_is_directory=True)
    result = run("validate", "--project", project, "--format", "text")
    assert "content/playbooks/renewal.yml:1:1: error: links to a file outside the project" in result.output
    assert result.exit_code == 1


def test_a_kind_folder_that_is_a_link_is_not_read_as_its_warning_says(project_factory, run):
    """content/playbooks linked to a folder elsewhere in the project: validate warned 'not read: csops does not
    follow links to folders' and then read and built its files, whose saves the preview never rebuilt."""
    project = project_factory({"shared/playbooks/renewal.yml": PLAYBOOK.replace("title:", "bogus: 1\ntitle:", 1)})
    (project / "content/playbooks").symlink_to(project / "shared/playbooks", target_is_directory=True)
    result = run("validate", "--project", project, "--format", "text")
    assert "content/playbooks:1:1: warning: not read: csops does not follow links to folders" in result.output
    assert "bogus" not in result.output and result.exit_code == 0, result.output


def test_links_inside_the_project_are_read(project_factory, run):
    project = project_factory({"shared/renewal.yml": PLAYBOOK})
    (project / "content/playbooks").mkdir(parents=True)
    (project / "content/playbooks/renewal.yml").symlink_to(project / "shared/renewal.yml")
    result = run("validate", "--project", project)
    assert result.output == "content is valid (no errors)\n"


def test_dangling_link_is_an_error_not_a_silent_skip(project_factory, run):
    project = project_factory({})
    (project / "content/playbooks").mkdir(parents=True)
    (project / "content/playbooks/renewal.yml").symlink_to(project / "content/playbooks/gone.yml")
    result = run("validate", "--project", project, "--format", "text")
    assert _lines(result)[0] == ("content/playbooks/renewal.yml:1:1: error: cannot read the file: No such file or directory "
                                 "(check that it is a file you can read (permissions, a dangling link)) [unreadable-file]")
    assert result.exit_code == 1


def test_fifos_are_never_opened(project_factory, run):
    """Opening a FIFO blocks until a writer comes: a FIFO named like content, or a link to one, is reported instead."""
    project = project_factory({"content/playbooks/renewal.yml": PLAYBOOK})
    os.mkfifo(project / "content/playbooks/pipe.yml")
    os.mkfifo(project / "pipe")
    (project / "content/playbooks/linked.yml").symlink_to(project / "pipe")
    result = run("validate", "--project", project, "--format", "text")
    assert _lines(result) == [
        "content/playbooks/linked.yml:1:1: error: cannot read the file: it links to something that is not a file "
        "(link only to regular files, or copy the file here) [unreadable-file]",
        "content/playbooks/pipe.yml:1:1: warning: not read: it is a folder or special file, not a YAML file "
        "(rename it so its name does not end in .yml or .yaml) [skipped-file]",
        "1 error in 1 file, 1 warning"]


def test_editor_lock_links_warn_and_do_not_fail(project_factory, run):
    project = project_factory({"content/playbooks/renewal.yml": PLAYBOOK})
    (project / "content/playbooks/.#renewal.yml").symlink_to("someone@laptop.4242")
    result = run("validate", "--project", project, "--format", "text")
    assert _lines(result)[-1] == "no errors, 1 warning" and "[skipped-file]" in _lines(result)[0]
    assert result.exit_code == 0


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads files whatever their mode")
def test_unreadable_file_is_a_located_error(project_factory, run):
    project = project_factory({"content/playbooks/renewal.yml": PLAYBOOK})
    (project / "content/playbooks/renewal.yml").chmod(0)
    result = run("validate", "--project", project, "--format", "text")
    assert _lines(result)[0].startswith("content/playbooks/renewal.yml:1:1: error: cannot read the file: Permission denied")
    assert result.exit_code == 1


def test_backup_files_warn_and_do_not_fail(project_factory, run):
    project = project_factory({"content/playbooks/renewal.yml": PLAYBOOK, "content/playbooks/renewal.yml~": PLAYBOOK,
                               "content/faq/pricing.YML": "title: Upper-case suffix\n"})
    result = run("validate", "--project", project, "--format", "text")
    assert _lines(result) == [
        "content/faq/pricing.YML:1:1: warning: not read: only files ending in .yml or .yaml are content "
        "(delete it if it is an editor backup, or rename it to end in .yml) [skipped-file]",
        "content/playbooks/renewal.yml~:1:1: warning: not read: only files ending in .yml or .yaml are content "
        "(delete it if it is an editor backup, or rename it to end in .yml) [skipped-file]",
        "no errors, 2 warnings"]
    assert result.exit_code == 0


def test_file_over_the_size_limit_is_refused_before_parsing(project_factory, run):
    body = "    body: |\n" + ("      " + "word " * 20 + "\n") * (MAX_FILE_BYTES // 100 + 1)
    project = project_factory({"content/playbooks/renewal.yml": PLAYBOOK + body})
    result = run("validate", "--project", project, "--format", "text")
    assert _lines(result) == [
        "content/playbooks/renewal.yml:1:1: error: file is larger than 1 MB "
        "(split it into several files: one playbook, checklist, FAQ topic or chart per file) [file-too-large]",
        "1 error in 1 file"]


def test_alias_bomb_is_refused_in_bounded_memory():
    """9 levels of 9 aliases: 387 million values if expanded. Refused after MAX_ALIAS_NODES of them."""
    lines = ["kpis:", "  - &a lol"]
    for previous, name in zip("abcdefgh", "bcdefghi"):
        lines.append(f"  - &{name} [" + ", ".join([f"*{previous}"] * 9) + "]")
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    data, problems = parse_yaml("\n".join(lines) + "\n", "content/playbooks/laughs.yml")
    grown_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before
    assert data is None
    assert [(p.line, p.col, p.code) for p in problems] == [(7, 5, "alias-limit")]
    assert grown_kb < 50_000


def test_merge_key_bomb_is_bounded_too():
    lines = ["a: &a {k: v}"]
    for previous, name in zip("abcdefgh", "bcdefghi"):
        lines.append(f"{name}: &{name} " + "{<<: [" + ", ".join([f"*{previous}"] * 9) + "], " + f"{name}{name}: [" + ", ".join([f"*{previous}"] * 9) + "]}")
    data, problems = parse_yaml("\n".join(lines) + "\n", "content/playbooks/laughs.yml")
    assert [p.code for p in problems] == ["alias-limit"]


def test_aliases_of_long_text_are_capped_by_size():
    text = "a: &big " + "x" * 19_000 + "\nb: [" + ", ".join(["*big"] * 100) + "]\n"
    data, problems = parse_yaml(text, "content/x.yml")
    assert [(p.line, p.col, p.code, p.message) for p in problems] == [(2, 4, "alias-limit", "aliases expand to more than 1 MB of text")]


def test_shared_small_values_stay_within_the_alias_limit():
    text = "owner: &o csm\n" + "".join(f"k{i}: *o\n" for i in range(MAX_ALIAS_NODES))
    data, problems = parse_yaml(text, "content/x.yml")
    assert problems == [] and data["k0"] == "csm"


def test_an_alias_copy_is_located_at_the_alias(project_factory, run):
    """'- *step' copies a step: its duplicate id was reported at the anchor's line ('already used at line 4', at
    line 4), since the composer hands an alias over as the node it names, positions and all."""
    data, problems = parse_yaml("owner: &o csm\nsteps:\n  - &step\n    id: pull-data\n    title: Pull\n"
                                "  # a copy\n  -   *step\n  - [x, *o]\n  - {id: t, owner: *o}\n", "content/x.yml")
    steps = data["steps"]
    assert problems == [] and steps[1] == steps[0]
    assert steps.where(0) == (3, 5) and steps.where(1) == (7, 7) and steps[1].where("id") == (7, 7)
    assert steps[1].where_in_text("title", 2) == (7, 7) and steps[2].where(1) == (8, 9)
    assert steps[3].where("owner") == (9, 20) and steps[0].where("id") == (4, 9)
    project = project_factory({"content/playbooks/p.yml": "title: P\nsteps:\n  - &step\n    id: pull-data\n"
                                                          "    title: Pull the data\n  - {id: other, title: O}\n  - *step\n"})
    result = run("validate", "--project", project)
    assert "content/playbooks/p.yml:7:5: error: duplicate id on this page 'pull-data', already used at line 4" in result.output


def test_merge_keys_explicit_keys_win_and_are_not_duplicates():
    data, problems = parse_yaml("""\
base: &base {owner: csm, title: Base, raci: {R: csm, A: cs-lead}}
more: &more {title: More, due: T-1d, owner: cs-ops}
step:
  <<: [*base, *more]
  title: Own title
""", "content/x.yml")
    assert problems == []
    step = data["step"]
    assert dict(step) == {"owner": "csm", "title": "Own title", "raci": {"R": "csm", "A": "cs-lead"}, "due": "T-1d"}
    assert list(step) == ["owner", "title", "raci", "due"]  # merged keys first, as PyYAML orders them
    assert step.where_key("title") == (5, 3) and step.where("owner") == (1, 21) and step.where("due") == (2, 32)


def test_merge_key_of_a_scalar_is_a_located_error():
    data, problems = parse_yaml("step:\n  <<: just text\n  title: x\n", "content/x.yml")
    assert [(p.line, p.col, p.code, p.message) for p in problems] == [
        (2, 7, "yaml-syntax", "YAML syntax error: '<<' merges a mapping or a list of mappings")]


def test_crlf_gives_the_same_data_and_positions_as_lf():
    lf, _ = parse_yaml(PLAYBOOK, "content/x.yml")
    crlf, _ = parse_yaml(PLAYBOOK.replace("\n", "\r\n"), "content/x.yml")
    assert crlf == lf and crlf["steps"].where(0) == lf["steps"].where(0) == (3, 5)


def test_reference_style_links_are_resolved_in_pages(project_factory):
    project = project_factory({"content/playbooks/renewal.yml": PLAYBOOK + """\
    body: |
      Run [the QBR][qbr] first.

      [qbr]: playbook:qbr#prepare "The QBR"
""", "content/playbooks/qbr.yml": "title: QBR\nsteps:\n  - id: prepare\n    title: Prepare\n"})
    pages = {p.source: p.text for p in render_pages(load_portal(project), language="en", site_url="https://portal.example.com/")}
    assert '[qbr]: qbr.md#prepare "The QBR"' in pages["playbooks/renewal.md"]


# Pieces that make YAML structure, so generated text reaches anchors, aliases, tags, merges and flows.
_YAMLISH = st.lists(st.sampled_from(list("ab1:-[]{}&*!<>|'\"#?,.%@`~= \n\t\r\x00\ufeffé")
                                    + ["<<: ", "&a ", "*a", "!!", "!!int ", "!!python/name:x ", "0x", "\n  ", "- ", ": ", "1e9"]),
                    max_size=60).map("".join)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=st.one_of(_YAMLISH, st.text(max_size=200), st.text(string.printable, max_size=200)))
def test_any_text_gives_data_or_located_problems_through_every_check(text):
    data, problems = parse_yaml(text, "content/playbooks/x.yml")
    lines = sum(text.count(brk) for brk in ("\n", "\r", "\x85", "\u2028", "\u2029")) + 2  # YAML's line breaks
    for problem in problems:
        assert 1 <= problem.line <= lines and problem.col >= 1 and problem.code and problem.message
    if data is not None:
        for kind in ("playbook", "onboarding", "faq", "chart", "roles", "settings", "glossary"):
            for problem in check_documents([Document(kind, "content/playbooks/x.yml", "x", data)]):
                assert problem.line >= 1 and problem.col >= 1


def test_located_data_is_the_plain_data_pyyaml_gives():
    import yaml

    text = "a: 1\nb: [x, 2.5, true, null, 2026-02-30]\nc: {d: e}\n"
    data, problems = parse_yaml(text, "content/x.yml")
    assert problems == [] and isinstance(data, LocDict)
    assert data == yaml.safe_load(text.replace("2026-02-30", "'2026-02-30'"))


@pytest.mark.parametrize("brk", ["\r", "\n"])
def test_a_line_break_inside_a_questions_code_span_starts_no_markdown_of_its_own(project_factory, run, brk):
    """An FAQ question keeps its `code spans` as code (escaping.escape_text_code), and a break inside backticks is no
    span: it is text, escaped and joined onto one line. Taken as a span (mutation pass mut45: the span pattern let a
    break through), the question's text after the break was Markdown of its own, here a heading on the topic page
    and the FAQ index."""
    import json

    question = f"Where is `Renewal{brk}{brk}## Injected heading {{: #injected }}{brk}` set?"
    project = project_factory({"content/faq/renewals.yml": json.dumps(
        {"title": "Renewals", "entries": [{"id": "where", "q": question, "a": "In the CRM."}]})})
    built = run("build", "--project", project)
    assert built.exit_code == 0, built.output
    for page in ("faq/renewals/index.html", "faq/index.html"):
        html = (project / "site" / page).read_text(encoding="utf-8")
        assert 'id="injected"' not in html and "Injected heading" in html, page


def test_a_carriage_return_in_any_text_field_starts_no_markdown_of_its_own(tmp_path):
    # "\r" in a quoted YAML string is a line break to MkDocs (universal newlines): in a glossary definition it
    # appended a link to every page using the term and redefined another term's hover; in a term it broke the
    # heading's id. Every text field of every kind now carries one, with a link and an abbreviation behind it.
    import json

    from click.testing import CliRunner

    from browser_support import build
    from conftest import make_project
    from generator.cli import main
    from test_security_xss import sweep_files

    injected = r"\r\r[cr link](https://evil.example/cr)\r*[QBR]: hijacked\r## Injected heading {: #injected }\r"
    # the one-line (plain-text) fields: their payload ends the string; a Markdown field may hold links by design
    # (in place of the image from evil.example a plain-text field's payload may end in: a title has 400 characters)
    end = re.compile(r'& done( <img src=http://evil\.example/[^>"]*>)?"')
    files = {path: end.sub(lambda m: '& done' + injected + '"', text)
             if path.startswith("content/") else text for path, text in sweep_files().items()}
    assert sum(text.count("evil.example") for text in files.values()) >= 20
    # a glossary spelling holding ']' is refused by validate (a hover cannot carry it), one line per problem
    refused = make_project(tmp_path / "refused", files)
    checked = CliRunner().invoke(main, ["validate", "--project", str(refused)])
    assert checked.exit_code == 1 and checked.output.count("[glossary-spelling]") == 2
    assert all(line.startswith((f"{refused}/content/", f"{refused}/mkdocs.yml", "2 errors"))
               for line in checked.output.splitlines()), checked.output
    # so the term and the synonym carry a break and a heading only
    glossary = json.loads(files["content/glossary.yml"])
    spellings = [glossary["terms"][0]["synonyms"], glossary["terms"][1]]
    spellings[0][:] = [s.split("\r")[0] + "\r\r## Injected heading {: #injected }\r" for s in spellings[0]]
    spellings[1]["term"] = spellings[1]["term"].split("\r")[0] + "\r\r## Injected heading {: #injected }\r"
    files["content/glossary.yml"] = json.dumps(glossary)
    site = build(make_project(tmp_path / "portal", files))
    pages = {page.relative_to(site).as_posix(): page.read_text(encoding="utf-8") for page in site.rglob("*.html")}
    assert len(pages) > 10
    for name, html in pages.items():
        assert 'href="https://evil.example/cr"' not in html, name
        assert 'title="hijacked"' not in html and 'id="injected"' not in html, name
    assert 'id="odd"' in pages["glossary/index.html"]  # the payload-named term keeps its anchor


@pytest.mark.parametrize("separator", ["\u2028", "\u2029", "\x85"])
def test_a_line_separator_is_refused_where_an_editor_sees_it(separator):
    """YAML counts U+2028, U+2029 and NEL as line breaks and editors and GitHub do not: every problem after one
    was reported lines below where it is (red team)."""
    text = f'title: Sep\nsummary: "one{separator}two"\nsteps:\n  - {{id: a, title: A, owner: csmm}}\n'
    data, problems = parse_yaml(text, "content/playbooks/sep.yml")
    assert data is None and [(p.line, p.col, p.code) for p in problems] == [(2, 14, "line-separator")]
    assert f"U+{ord(separator):04X}" in problems[0].message


def test_start_tags_no_bracket_closes_are_refused_past_a_hundred(project_factory, run):
    """'<a ' repeated with no '>': Python-Markdown's HTML reader rescans the rest of the text for each, 3.3 s for 6,666
    in one 20 kB body; ten such bodies (a valid 200 kB file) kept validate busy 37 s, and the build as long again
    (red team). A hundred stay text, as '<' in prose does."""
    import json
    import time

    body = "<a " * 6_666
    steps = "".join(f"  - id: s{i}\n    title: S{i}\n    body: {json.dumps(body)}\n" for i in range(10))
    fine = "".join(f"  - id: t{i}\n    title: T{i}\n    body: 'ARR<10k <b unclosed'\n" for i in range(50))
    project = project_factory({"content/playbooks/slow.yml": "title: Slow\nsteps:\n" + steps,
                               "content/playbooks/fine.yml": "title: Fine\nsteps:\n" + fine})
    start = time.process_time()
    result = run("validate", "--project", project)
    assert time.process_time() - start < 5
    assert result.exit_code == 1 and result.output.splitlines()[0] == (
        "content/playbooks/slow.yml:5:312: error: more than 100 '<' in this file start an HTML tag that no '>' closes; "
        "this is number 101 (close each tag with '>', or write &lt; where '<' is text, or put it in `code`; Markdown's "
        "HTML reader takes seconds over a few thousand) [unclosed-tags]")
    assert "fine.yml" not in result.output  # 100 such tags in one file are still text


def test_start_tags_written_as_escapes_count_toward_the_same_bound(project_factory, run):
    """'\\x3ca ' (YAML's escape for '<a ') written 6,000 times in a body passed the bound on unclosed tags, which
    counted the file's text before YAML read its escapes, and took validate 6 s for that one body: the texts are
    counted as read too, aliases' copies included, while '<' in prose and tags closed by '>' stay text."""
    body = '"' + "\\x3ca " * 6_000 + '"'
    step = "title: Slow\nsteps:\n  - id: s\n    title: S\n    body: "
    project = project_factory({"content/playbooks/slow.yml": f"{step}{body}\n"})
    result = run("validate", "--project", project)
    assert result.exit_code == 1 and result.output.splitlines()[0] == (
        "content/playbooks/slow.yml:5:11: error: more than 100 '<' in this file's texts start an HTML tag that no '>' "
        "closes (close each tag with '>', or write &lt; where '<' is text, or put it in `code`; Markdown's HTML reader "
        "takes seconds over a few thousand) [unclosed-tags]"), result.output
    copies = "".join(f"  - id: s{i}\n    title: S\n    body: *tags\n" for i in range(5))
    tags = "\\x3cb " * 30  # 30 a text, six texts
    aliased = project_factory({"content/playbooks/slow.yml": f'{step}&tags "{tags}"\n{copies}'})
    assert "[unclosed-tags]" in run("validate", "--project", aliased).output
    text = r'"ARR\x3c10k \x3cb>bold\x3c/b> \x3cb unclosed"'  # one unclosed tag in each of 100 texts: still text
    fine = "".join(f"  - id: t{i}\n    title: T{i}\n    body: {text}\n" for i in range(100))
    assert run("validate", "--project", project_factory({"content/playbooks/fine.yml": "title: Fine\nsteps:\n" + fine})
               ).exit_code == 0


def test_brackets_left_open_are_refused_past_a_bound(project_factory, run):
    """A body of 19,000 '[' passed validate in 0.5 s and took the build 56 s: Python-Markdown takes each '[' for a
    link's start and reads the rest of the paragraph for its ']' (red team). Past a million characters read so, the
    file is refused at the value; what stays below takes Python-Markdown a fraction of a second, and links and
    a stray '[' in prose are text as before."""
    import json
    import time

    import markdown

    from generator.markdown_cost import MAX_BRACKET_SCAN, bracket_scan

    fine = "".join(f"  - id: t{i}\n    title: T{i}\n    body: 'See [the guide](https://x.example/) [1 [draft'\n"
                   for i in range(50))
    project = project_factory({
        "content/playbooks/slow.yml": "title: Slow\nsteps:\n  - id: s\n    title: S\n    body: " + json.dumps("[" * 19_000) + "\n",
        "content/playbooks/fine.yml": "title: Fine\nsteps:\n" + fine})
    start = time.process_time()
    result = run("validate", "--project", project)
    assert time.process_time() - start < 5
    assert result.exit_code == 1 and result.output.splitlines() == [
        "content/playbooks/slow.yml:5:11: error: the '[' in this file make Markdown read more than 1,000,000 characters "
        "looking for their ']': it takes each '[' for a link's start and reads on to the ']' that closes it, or to the end "
        "of the paragraph (close each '[' with ']', or write \\[ where '[' is text; a few thousand left open take the "
        "build minutes) [open-brackets]", "1 error in 1 file"]
    assert bracket_scan("[" * 1_413) <= MAX_BRACKET_SCAN
    start = time.process_time()
    markdown.markdown("[" * 1_413)
    assert time.process_time() - start < 2
    assert bracket_scan(r"\[" * 5_000 + "[a](b) [c]") == 4  # escaped brackets start no link


def test_link_targets_left_open_are_refused_past_a_bound(project_factory, run):
    """'[a](https://x.example/' written 860 times in a body passed validate and took Python-Markdown 0.7 s, 3,800
    '[a](b' 3 s (after each '](' it reads on to the ')' that closes it, nested '(' counted, so one left open costs
    the rest of the paragraph): only brackets were counted. Past a million characters read so in a file it is
    refused at the value; at the bound a text renders in a fraction of a second, and links with parentheses in their
    targets stay valid."""
    import json
    import time

    import markdown

    from generator.markdown_extensions import REQUIRED_EXTENSIONS

    project = project_factory({"content/playbooks/open.yml": json.dumps({"title": "Open", "steps": [
        {"id": "s", "title": "S", "body": "[a](https://x.example/" * 860}]})})
    result = run("validate", "--project", project)
    assert result.exit_code == 1 and result.output.splitlines()[0] == (
        "content/playbooks/open.yml:1:63: error: the links in this file make Markdown read more than 1,000,000 "
        "characters looking for the ')' that ends their target: after each '](' it reads on to the ')' that closes "
        "it, or to the end of the paragraph (close each link's '(' with ')', or write \\]( where '](' is text; a few "
        "thousand left open take the build minutes) [open-link-targets]"), result.output
    links = " ".join(f"[see {i}](https://x.example/wiki/Renewal_(contract)) (and [{i}](https://x.example/{i}))"
                     for i in range(200))
    fine = project_factory({"content/playbooks/fine.yml": json.dumps({"title": "Fine", "steps": [
        {"id": f"s{i}", "title": "S", "body": links} for i in range(10)]})})
    assert run("validate", "--project", fine).exit_code == 0
    from generator.markdown_cost import MAX_BRACKET_SCAN, link_target_scan

    text = "[a](" * 2_000
    while link_target_scan(text) > MAX_BRACKET_SCAN:
        text = text[4:]
    extensions = {k: v for k, v in REQUIRED_EXTENSIONS.items() if k != "generator.glossary_abbr"}
    start = time.process_time()
    markdown.Markdown(extensions=list(extensions), extension_configs=extensions).convert(text)
    assert time.process_time() - start < 1.5
    assert link_target_scan("\\](" * 1_000 + "[a](b) (c") == 2  # an escaped ']' opens no target; a '(' of prose none


def test_lists_nested_past_a_bound_are_refused_before_markdown_recurses(project_factory, run):
    """'- ' written 600 times on one line (1,200 characters) passed validate, and the build ended in a RecursionError
    traceback (Python-Markdown parses each list level by recursion); after a raw-HTML paragraph, validate's own HTML
    check ended in it too (red team). Past 64 levels the text is refused at its value; 64, in every form a level
    takes (markers on one line, indents, both, under quotes, in a checklist item and an answer), builds."""
    import json

    from browser_support import build

    refused = project_factory({"content/playbooks/deep.yml": json.dumps({"title": "Deep", "steps": [
        {"id": "a", "title": "A", "body": "- " * 600 + "x"},
        {"id": "b", "title": "B", "body": "<b>Note</b>\n\n" + "1. " * 600 + "x"}]}, indent=1)})
    result = run("validate", "--project", refused)
    hint = ("lists and quotes are nested more than 64 levels deep in this text (each '- ', '* ', '1. ' or '>' that "
            "starts a line, or follows another, opens a level, and so do 4 columns of indent) (a list or quote needs a "
            "few levels: start each line with one marker, and indent it less) [too-deep]")
    assert result.exit_code == 1 and result.output.splitlines() == [
        f"content/playbooks/deep.yml:7:12: error: {hint}", "1 error in 1 file"], result.output
    at_most = ["- " * 64 + "x", "1. " * 64 + "x", "".join("    " * i + "- x\n" for i in range(64)),
               "".join("\t" * i + "* x\n" for i in range(64)),
               "".join("    " * i + "- x\n" for i in range(32)) + "    " * 32 + "- " * 32 + "x\n",
               "> " * 30 + "- " * 34 + "x", "<b>Note</b>\n\n" + "- " * 64 + "x", ">" * 64 + " x", "> - " * 32 + "x"]
    project = project_factory({
        "content/playbooks/deep.yml": json.dumps({"title": "Deep", "trigger": at_most[0], "steps": [
            {"id": f"s{i}", "title": "S", "body": text, "checklist": [text]} for i, text in enumerate(at_most)]}),
        "content/faq/deep.yml": json.dumps({"title": "Deep", "entries": [
            {"id": f"e{i}", "q": "Q?", "a": text} for i, text in enumerate(at_most)]})})
    assert run("validate", "--project", project).exit_code == 0
    build(project)


def test_the_markdown_bounds_hold_at_their_edges(project_factory, run):
    """Each bound refuses one past its limit in every form that reaches it, and leaves alone what Markdown never
    parses: 65 list or quote levels, however written (a short line of '>', '1. ' markers, indents alone), are
    refused; 65 '>' in a fenced block are code; and small fenced logs, each under the count past which a text is
    counted again without its fences, cost nothing toward the file's open-brackets budget however many there are
    (ten steps of an 80-line log with '[' in a fence were refused as open brackets)."""
    import json

    from generator.markdown_cost import bracket_scan, unclosed_tags

    too_deep = {"quotes": ">" * 65 + " x", "numbered": "1. " * 65 + "x",
                "indented": "".join("    " * i + "- x\n" for i in range(65))}
    project = project_factory({f"content/playbooks/{name}.yml": json.dumps({"title": "Deep", "steps": [
        {"id": "a", "title": "A", "body": body}]}) for name, body in too_deep.items()})
    result = run("validate", "--project", project)
    assert result.exit_code == 1 and result.output.count("[too-deep]") == 3, result.output
    assert result.output.endswith("3 errors in 3 files\n") and all(f"{name}.yml:" in result.output for name in too_deep)
    logs = "".join(f"[{i:05} WARN sync retried for account {i}\n" for i in range(80))
    fenced = {"title": "Runbook", "steps": [{"id": "quoted", "title": "Q", "body": "Diff:\n\n```\n" + ">" * 65 + " x\n```\n"}] + [
        {"id": f"s{n}", "title": "S", "body": "Read the log:\n\n```text\n" + logs + "```\n"} for n in range(10)]}
    assert 50_000 < bracket_scan(fenced["steps"][1]["body"]) < 500_000  # each text under ten times RECOUNT_FROM
    project = project_factory({"content/playbooks/runbook.yml": json.dumps(fenced)})
    assert run("validate", "--project", project).output == "content is valid (no errors)\n"
    # a line holding only spaces ends a paragraph as an empty one does; a start tag at the text's end is unclosed too
    assert bracket_scan("[x\n \n" * 1_500) == 3_000 and unclosed_tags("<a " * 101) == 101


def test_terms_and_definitions_in_a_row_are_refused_before_markdown_recurses(project_factory, run):
    """500 'term' / ': definition' line pairs in one paragraph (7 kB) passed validate, and on a site with definition
    lists on (def_list, common with Material) the build ended in a RecursionError traceback: Python-Markdown reads
    each pair's rest by recursion. Past 200 pairs in a paragraph the text is refused at its value; 200, in a body, a
    list item and an answer, build with def_list on."""
    import json

    from conftest import MINIMAL_MKDOCS

    def pairs(count: int, indent: str = "") -> str:
        return "".join(f"{indent}Term {i}\n{indent}: what term {i} means\n" for i in range(count))

    # and one term with 4,500 definitions under it (18 kB, in the term's paragraph or the next), three such bodies of
    # which took a build 57 s: Markdown reads the paragraph's rest again for each definition, after a term or not
    refused = {"terms": "Intro.\n\n" + pairs(201), "under-a-term": "Term\n" + ": x\n" * 4_500,
               "after-a-term": "Term\n\n" + ": x\n" * 201}
    project = project_factory({f"content/playbooks/{name}.yml": json.dumps({"title": "Terms", "steps": [
        {"id": "a", "title": "A", "body": body}]}, indent=1) for name, body in refused.items()})
    result = run("validate", "--project", project)
    message = ("error: more than 200 ': definition' lines in one paragraph of this text: Markdown's definition lists "
               "read the paragraph's rest again for each, a term's pair one level deeper (put a blank line between the "
               "definitions, or write them as a list ('- **term**: definition')) [too-deep]")
    assert result.exit_code == 1 and result.output.splitlines() == [
        f"content/playbooks/{name}.yml:7:12: {message}" for name in sorted(refused)] + ["3 errors in 3 files"], (
        result.output)
    at_most = [pairs(200), "- Glossary\n\n" + pairs(200, "    "), "\n\n".join(pairs(150) for _ in range(3)),
               "Term\n" + ": x\n" * 200, "Term\n\n" + ": x\n\n" * 1_000]
    project = project_factory({
        "mkdocs.yml": MINIMAL_MKDOCS.format(language="en") + "markdown_extensions:\n  - def_list\n",
        "content/playbooks/terms.yml": json.dumps({"title": "Terms", "steps": [
            {"id": f"s{i}", "title": "S", "body": text} for i, text in enumerate(at_most)]}),
        "content/faq/terms.yml": json.dumps({"title": "Terms", "entries": [{"id": "e", "q": "Q?", "a": at_most[0]}]})})
    assert run("validate", "--project", project).exit_code == 0
    built = run("build", "--project", project)
    assert built.exit_code == 0, built.output
    assert (project / "site/playbooks/terms/index.html").read_text(encoding="utf-8").count("<dd>") >= 200


def test_paragraphs_dense_with_headings_or_definitions_are_refused_past_a_bound(project_factory, run):
    """4,875 '# h' lines in one body took Python-Markdown 3.5 s, 1,300 abbreviation definitions 1 s: its block parser
    takes such a line off its paragraph and reads the rest again with every block processor. Twelve bodies of
    definitions (a 240 kB file) passed validate in 0.2 s and took the build 12 s (red team). Past five million
    characters re-read so, the file is refused at the value; below, each kind of such line renders in under a
    second, and with blank lines between them none is re-read."""
    import json
    import time

    import markdown

    from generator.markdown_extensions import REQUIRED_EXTENSIONS

    definitions = [{"id": f"s{s}", "title": "S", "body": " ".join(f"A{s}x{i}" for i in range(200)) + "\n\n"
                    + "".join(f"*[A{s}x{i}]: d\n" for i in range(1_300))} for s in range(12)]
    project = project_factory({"content/playbooks/dense.yml": json.dumps({"title": "Dense", "steps": definitions})})
    start = time.process_time()
    result = run("validate", "--project", project)
    assert time.process_time() - start < 5
    assert result.exit_code == 1 and result.output.splitlines() == [
        "content/playbooks/dense.yml:1:65: error: the headings, rules and definitions in this file's paragraphs make "
        "Markdown re-read more than 5,000,000 characters: after each such line it reads the rest of its paragraph again "
        "(put a blank line after each heading, rule ('---') or definition ('*[ABC]: …'); thousands of them in one "
        "paragraph take the build minutes) [dense-blocks]", "1 error in 1 file"], result.output
    from generator.markdown_cost import MAX_BLOCK_RESCAN, block_rescan

    extensions = {k: v for k, v in REQUIRED_EXTENSIONS.items() if k != "generator.glossary_abbr"}
    converter = markdown.Markdown(extensions=list(extensions), extension_configs=extensions)
    for line in ("# h\n", "***\n", "a\n---\n", "*[A]: d\n", "```\na\n```\n", '=== "a"\n', "!!! n\n", "> # a\n", ">#a\n",
                 "a\n-\n", "a\n[^1]: b\n", "a\n[x]: /y\n"):
        text = line * (2 * MAX_BLOCK_RESCAN // (len(line) * 3_000))  # about 3,000 characters re-read per line
        while block_rescan(text) > MAX_BLOCK_RESCAN:
            text = text[len(line):]
        converter.reset()
        start = time.process_time()
        converter.convert(text)
        assert time.process_time() - start < 1.5, line
    assert block_rescan("# h\n\n" * 5_000) == 5_000 * len("# h")  # each heading read once
    assert block_rescan("> " * 10_000) == 0  # and at once: a quote's markers are read without backtracking


def test_lines_broken_by_a_quoted_carriage_return_count_toward_the_markdown_bounds(project_factory, run):
    """A quoted "\\r" is a line break to Markdown (the loader turns it into one), but the Markdown bounds counted
    lines by "\\n" alone: a body of "\\r" and 496 '- ' passed validate and ended the build in a RecursionError
    traceback, and 4,000 '# h\\r' lines in a body passed as no dense block. Both are refused as their "\\n" twins are."""
    import json

    def project(newline: str):
        return project_factory({"content/playbooks/cr.yml": json.dumps({"title": "CR", "steps": [
            {"id": "deep", "title": "D", "body": newline + "- " * 496 + "x"}]}, indent=1)})

    with_returns = run("validate", "--project", project("\r"))
    assert with_returns.exit_code == 1 and "[too-deep]" in with_returns.output, with_returns.output
    with_newlines = run("validate", "--project", project("\n"))
    assert with_returns.output == with_newlines.output
    dense = project_factory({"content/playbooks/cr.yml": json.dumps({"title": "CR", "steps": [
        {"id": "dense", "title": "H", "body": "intro\r" + "# h\r" * 4_000}]})})
    assert "[dense-blocks]" in run("validate", "--project", dense).output


@pytest.mark.parametrize("line", ["a\n-\n", "a\n--\n", "a\n[^1]: b\n", "a\n[x]: /y\n"])
def test_dash_underlines_and_link_definitions_are_dense_blocks_too(project_factory, run, line):
    """A heading underlined with one or two '-' and a reference or footnote definition also split their paragraph
    (Python-Markdown reads the rest again after each), but counted as nothing re-read: 2,500 'a' / '-' pairs in one
    10 kB body took it 2 s, as many footnote definitions 3.7 s, and a file of such bodies passed validate."""
    import json

    project = project_factory({"content/playbooks/dense.yml": json.dumps({"title": "Dense", "steps": [
        {"id": "s", "title": "S", "body": line * 1_800}]})})
    result = run("validate", "--project", project)
    assert result.exit_code == 1 and "[dense-blocks]" in result.output, result.output


def test_quotes_nested_past_the_same_bound_are_refused(project_factory, run):
    """19,000 '>' in a body took Python-Markdown 0.45 s (it reads each quote level again), and a file of 48 such
    bodies passed validate and took the build 22 s (red team): quotes count as levels as lists do."""
    import json
    import time

    project = project_factory({"content/playbooks/quotes.yml": json.dumps({"title": "Quotes", "steps": [
        {"id": f"s{i}", "title": "S", "body": ">" * 19_000 + " x"} for i in range(48)]})})
    start = time.process_time()
    result = run("validate", "--project", project)
    assert time.process_time() - start < 5
    assert result.exit_code == 1 and result.output.splitlines()[0].startswith(
        "content/playbooks/quotes.yml:1:66: error: lists and quotes are nested more than 64 levels deep"), result.output


def test_fenced_code_counts_only_its_fences_toward_the_markdown_bounds(project_factory, run):
    """A runbook of five steps, each a 16 kB shell script with '# …' comments in a fence, was refused as dense
    blocks ('put a blank line after each heading'), and a fence of log lines with '[' as open brackets, though
    Markdown never reads inside a fence (12 ms a body). Its lines now count for nothing, its two fences as before;
    the same lines outside a fence, or in a fence Markdown does not take for one, are refused as they were."""
    import json

    script = "".join(f"# step {i}: check the account health\nrun_check --account \"$ID\" --step {i}\n" for i in range(180))
    logs = "".join(f"[{i:05} WARN sync retried for account {i}\n" for i in range(450))
    runbook = {"title": "Runbook", "steps": [
        {"id": f"s{n}", "title": "S", "body": "Run this first:\n\n```bash\n" + script + "```\n",
         "variants": {"smb": "Then read the log:\n```text\n" + logs + "```\n"}} for n in range(5)]}
    settings = "segments:\n  - {id: smb, name: SMB}\n"
    project = project_factory({"content/playbooks/runbook.yml": json.dumps(runbook), "content/settings.yml": settings})
    assert run("validate", "--project", project).output == "content is valid (no errors)\n"
    assert run("build", "--project", project, "--quiet").exit_code == 0
    html = (project / "site/playbooks/runbook/index.html").read_text(encoding="utf-8")
    assert html.count("# step 179: check the account health") == 5 and html.count("[00449 WARN") == 5
    for step in runbook["steps"]:  # the same lines with no fence around them
        step["body"] = step["body"].replace("```bash\n", "")
    (project / "content/playbooks/runbook.yml").write_text(json.dumps(runbook), encoding="utf-8")
    output = run("validate", "--project", project).output
    assert output.endswith("[dense-blocks]\n1 error in 1 file\n"), output
    for step in runbook["steps"]:  # or in a fence opened on the text's first line: on a checklist box's line, no fence
        step["body"] = "Run this first:\n\n```bash\n" + script + "```\n"
        step["variants"]["smb"] = "```text\n" + logs + "```\n"
    (project / "content/playbooks/runbook.yml").write_text(json.dumps(runbook), encoding="utf-8")
    output = run("validate", "--project", project).output
    assert output.endswith("[open-brackets]\n1 error in 1 file\n"), output


def test_an_alias_key_is_located_at_the_alias_and_aliases_are_read_once():
    """'*k : 2' beside 'name: 1' was a duplicate key 'first defined at line 1', at line 1 (the anchor's), and the
    value after an alias key was looked for from the anchor: 100 '{*k : *v}' after 300,000 blank lines took 9 s, and
    so did 300 copies of a mapping whose value sits after them."""
    data, problems = parse_yaml("a: &k name\nb: &v val\nm:\n  name: 1\n  *k : 2\n  ? *v\n  : *k\n", "content/x.yml")
    assert [(p.line, p.col, p.message) for p in problems] == [(5, 3, "duplicate key 'name', first defined at line 4")]
    assert data["m"].where_key("val") == (6, 5) and data["m"].where("val") == (7, 5)
    for text in ("v: &v val\nk: &k name\n" + "\n" * 300_000 + "m:\n" + "  - {*k : *v}\n" * 100,
                 "s: &s\n  a:\n" + "\n" * 300_000 + "    x\nl: [" + ", ".join(["*s"] * 100) + "]\n"):
        started = time.monotonic()
        data, problems = parse_yaml(text, "content/x.yml")
        assert time.monotonic() - started < 3
    assert problems == [] and data["l"].where(99) == (300_004, 5 + 4 * 99)


def test_glossary_terms_on_a_page_of_many_blocks_are_wrapped_in_linear_time():
    """The glossary's treeprocessor found each block, and each term it unwrapped, by scanning its siblings: every
    block of a page is a sibling, so a playbook of 4 steps of 6,000 short paragraphs took Markdown 14 s (a file of
    50 such steps hours), and 5,000 uses of one term in a paragraph a scan each. Both are one pass now."""
    import markdown

    from generator.glossary_abbr import GlossaryAbbrExtension

    text = "CSM is here.\n\n" * 30_000 + "CSM " * 5_000 + "\n\n*[CSM]: Customer Success Manager\n"
    started = time.process_time()
    html = markdown.markdown(text, extensions=[GlossaryAbbrExtension()])
    assert time.process_time() - started < 5  # 14 s before, 1.5 s after
    assert html.count("<abbr") == 1 and html.count("<p>CSM is here.</p>") == 29_999
    assert html.count("CSM") == 35_000


def test_terms_among_many_channels_are_checked_in_logarithmic_time():
    """Each term in a text was checked against every span no term may start in (a channel, a placeholder): a body
    of 2,700 "#channel CSM" took Markdown 3.8 s, a file of such bodies minutes. The spans are searched now."""
    import markdown

    from generator.glossary_abbr import GlossaryAbbrExtension

    text = "Post in " + "#a CSM #CSM " * 15_000 + "\n\n*[CSM]: Customer Success Manager\n"
    started = time.process_time()
    html = markdown.markdown(text, extensions=[GlossaryAbbrExtension()])
    assert time.process_time() - started < 5  # 37 s before, 1 s after
    assert html.count("<abbr") == 1 and html.count("#CSM") == 15_000 and html.count("CSM") == 30_000


def test_whole_words_reads_a_run_of_escapes_or_channels_in_braces_once(monkeypatch):
    """whole_words read on to the end of a run from each '#' in it, and Markdown's stash puts one before every escaped
    character: a body of 20,000 '\\#' took Markdown 18 s (1 MB of them hours). A channel is at most Slack's 80
    characters now, so a longer run is no channel and is not kept on one line. And each channel refused inside one
    '{' (an attribute list's, as far as it can tell) looked at every match after it, 3 s for 2,000: a refused match
    is looked into only (counted here, not timed)."""
    import markdown

    from generator import whole_words

    def nowrapped(text):
        return re.findall(r'<span class="csops-nowrap">([^<]*)</span>',
                          markdown.markdown(text, extensions=[whole_words.WholeWordsExtension()]))

    longest = "#" + "a" * 40 + "-" + "b" * 39  # 80 characters after the '#'
    assert nowrapped(f"Post in {longest} and {longest}c") == [longest]
    assert whole_words.kept_whole(f"{longest}c-d {longest}") == f'{longest}c-d <span class="csops-nowrap">{longest}</span>'
    checked = []
    kept_whole = whole_words._WholeWordProcessor._kept_whole
    monkeypatch.setattr(whole_words._WholeWordProcessor, "_kept_whole",
                        lambda self, m, data: checked.append(m) or kept_whole(self, m, data))
    assert nowrapped("{ " + "#cs-a-b " * 2_000 + "}") == [] and len(checked) == 2_000  # 2,001,000 before


@pytest.mark.parametrize("fence", ["```\na\n```\n\n", "~~~\na\n~~~\n\n", "> ```\n> a\n> ```\n\n", "- ```\n  a\n  ```\n\n"])
def test_fenced_code_blocks_past_a_bound_are_refused(project_factory, run, fence):
    """Superfences highlights each fenced block with a lexer and a formatter of its own (about 1 ms a block), and a
    blank line after each fence left them out of the dense-blocks count: 1,900 tiny fences in one 19 kB body passed
    validate and took Markdown 2.3 s, a 1 MB file of them minutes. A file holds at most MAX_FENCES now."""
    import markdown

    from generator.markdown_extensions import REQUIRED_EXTENSIONS

    body = fence * 101  # 202 in the file
    steps = "".join(f"  - id: s{n}\n    title: S\n    body: {body!r}\n".replace("'", '"') for n in range(2))
    project = project_factory({"content/playbooks/fences.yml": "title: Fences\nsteps:\n" + steps})
    result = run("validate", "--project", project)
    assert result.exit_code == 1 and _lines(result)[-2:] == [
        "content/playbooks/fences.yml:8:11: error: more than 200 fenced code blocks ('```' or '~~~' lines) "
        "in this file: Markdown highlights each on its own, about a millisecond apiece (put neighbouring code in one "
        "block, or short code in `backticks`; thousands of blocks take the build minutes) [many-fences]",
        "1 error in 1 file"], result.output
    from generator.markdown_cost import MAX_FENCES, fences

    assert fences(fence * MAX_FENCES + "Type ``` or ~~~ inside a line: it opens nothing\n" * 99) == MAX_FENCES
    extensions = {k: v for k, v in REQUIRED_EXTENSIONS.items() if k != "generator.glossary_abbr"}
    html = markdown.Markdown(extensions=list(extensions), extension_configs=extensions).convert(fence * MAX_FENCES)
    assert html.count("<code>") == MAX_FENCES  # each counted is a block Markdown highlights


def test_comments_left_open_are_indexed_in_linear_time():
    """Search indexing reads a text's markup off with one regex, which read on to the text's end for each '<!--' no
    '-->' follows: a body of 4,750 '<!--' (19 kB) passed validate and took indexing 1 s, a file of them a minute.
    Such a '<!--' stays text, as the page shows it; a closed comment still goes."""
    from generator.markdown_text import plain_text

    started = time.process_time()
    assert plain_text("<!--" * 30_000) == "<!--" * 30_000
    assert time.process_time() - started < 5  # 21 s before, 5 ms after
    assert plain_text("a <!-- b --> c <!-- d <!---> e <!-- f") == "a c e <!-- f"


def test_glossary_phrases_of_stop_words_are_looked_up_in_one_pass_over_the_content():
    """The index records which glossary phrases of stop words ('hand off') the content holds word for word: a regex
    search of all the content for each took a build 36 s for 8,000 such synonyms over 360 kB of content (a 300 kB
    glossary and a few files), the glossary's size times the content's. One pass through a trie of them finds the
    same phrases."""
    from generator.search_words import literal_phrases_in

    groups = [[f"Zeta{i}", f"zq{i} off"] for i in range(8_000)] + [["Handoff", "hand off", "hand-off to"]]
    texts = ["Hand it off to zq7 offer: zq8 off. Then hand\noff to CS, and zq9_off " * 2_000, "zq10 off-site"]
    started = time.process_time()
    assert literal_phrases_in(texts, groups) == ["hand off", "hand off to", "zq10 off", "zq8 off"]
    assert time.process_time() - started < 5  # 17 s before, 0.3 s after


def test_glossary_phrases_of_stop_words_nested_as_prefixes_are_looked_up_at_once():
    """Synonyms 'a a', 'a a a', … (each needs the literal check: its words are stop words) over a body of 9,000 a's:
    400 of them took the index 18 s of a build (600: 4 s CPU here), the pass reading each word's place to the end of
    the run. It reads the spellings' first 24 characters now, and asks for a longer one whose start it found whole."""
    from generator.search_words import literal_phrases_in

    nested = ["a" + " a" * n for n in range(1, 600)]
    started = time.process_time()
    assert literal_phrases_in([" ".join(["a"] * 9_000)], [["Alpha", *nested]]) == sorted(nested)
    assert time.process_time() - started < 2  # 4.0 s CPU before, 0.2 s after


def test_a_python_tag_in_labels_yml_runs_nothing_where_csops_reads_the_file_unchecked(tmp_path):
    """`csops serve` reads a project's labels.yml for its failure banner straight after a save broke it, before any
    check: a !!python tag there must be refused by the parser, not run (the one YAML read csops makes without its
    own located loader; its libyaml loader is the safe one)."""
    import yaml

    from generator.ui_labels import load_labels

    marker = tmp_path / "ran"
    (tmp_path / "labels.yml").write_text(f'en: !!python/object/apply:builtins.open ["{marker}", "w"]\n', encoding="utf-8")
    with pytest.raises(yaml.YAMLError):
        load_labels(tmp_path, "en")
    assert not marker.exists()


@pytest.mark.parametrize("playbook, code, hinted", [
    # 10,000 unknown keys: each asked whether it was the mapping's one unknown key counted them all
    ("title: T\nsteps: []\n" + "".join(f"tilte{i}: v\n" for i in range(10_000)), "unknown-field", "did you mean 'title'?"),
    # 2,000 links to a missing #anchor: each searched the page's 2,000 step anchors for the one meant (23 s before)
    ("title: T\nsteps:\n" + "".join(f"  - {{id: s{i}, title: S{i}, body: '[a](#s{i}x)'}}\n" for i in range(2_000)),
     "unknown-anchor", "did you mean 's0'?"),
])
def test_a_file_of_thousands_of_one_slip_is_checked_at_once(project_factory, playbook, code, hinted):
    """A small playbook repeating one slip thousands of times (a careless paste, or a build's denial of service in a
    pull request) kept validate busy for a time growing with the square of their number: each problem's hint
    searched candidates that grew with the file. The first MAX_SEARCHED_HINTS (as many as a terminal is shown) say
    what was meant; the rest, what to write."""
    from generator.validate import check_project

    project = project_factory({"content/playbooks/p.yml": playbook})
    started = time.process_time()
    problems = [p for p in check_project(project)[1] if p.code == code]
    assert time.process_time() - started < 8  # 1-3 s after
    assert len(problems) in (2_000, 10_000)
    from generator.problems import MAX_SEARCHED_HINTS

    assert sum(1 for p in problems if p.hint.startswith("did you mean")) == MAX_SEARCHED_HINTS
    assert sorted(problems)[0].hint == hinted


def test_a_chart_whose_table_passes_a_bound_is_refused_at_the_row_that_passes_it(project_factory, run):
    """A chart's page is a table of a row per activity and a column per role it names: an 884 kB chart of 1,000
    activities naming 1,000 roles passed validate and took its build 47 s of CPU and 1.6 GB for a 65 MB page. Past
    20,000 cells (rules/raci.MAX_CHART_CELLS) the chart is refused at the activity whose row passes the bound; at the
    bound it passes."""
    roles = 100
    catalog = "roles:\n" + "".join(f"  - {{id: r{n}, name: R{n}}}\n" for n in range(roles))

    def chart(rows: int) -> str:
        return "title: Duties\nactivities:\n" + "".join(
            f"  - {{id: a{n}, name: A{n}, raci: {{R: r{n % roles}, A: r{(n + 1) % roles}}}}}\n" for n in range(rows))

    rows = 20_000 // roles
    project = project_factory({"content/roles.yml": catalog, "content/charts/at-the-bound.yml": chart(rows),
                               "content/charts/past-it.yml": chart(rows + 1)})
    result = run("validate", "--project", project)
    assert result.exit_code == 1 and _lines(result) == [
        f"content/charts/past-it.yml:{rows + 3}:5: error: this chart's table passes 20,000 cells here: {rows + 1} "
        "activities by 100 roles, a row per activity and a column per role (split it into charts a reader can take "
        "in, each naming the roles it concerns; a table of a million cells takes the build minutes) [chart-too-large]",
        "1 error in 1 file"], result.output


def test_a_role_catalog_or_segment_list_past_a_bound_is_refused_at_the_first_entry_past_it(project_factory, run):
    """Each role gets a page of its own: 5,000 roles (a 148 kB roles.yml) passed validate and took a build 85 s, a
    1 MB catalog ten minutes. And every page whose steps target segments lists them all in its switch: 20,000
    segments (600 kB) made each such page 800 kB. Past 500 roles and 50 segments (schema.MAX_ROLES, MAX_SEGMENTS) the
    list is refused at its first entry past the bound, one error each (and no unknown-role or unknown-segment error
    where a page names one)."""
    def catalog(field: str, prefix: str, count: int) -> str:
        return f"{field}:\n" + "".join(f"  - {{id: {prefix}{n}, name: N{n}}}\n" for n in range(count))

    page = "title: P\nsteps:\n  - {id: s, title: S, owner: r500, segments: [g50]}\n"
    result = run("validate", "--project", project_factory({"content/roles.yml": catalog("roles", "r", 501),
                                                           "content/settings.yml": catalog("segments", "g", 51),
                                                           "content/playbooks/p.yml": page}))
    assert result.exit_code == 1 and _lines(result) == [
        "content/roles.yml:502:5: error: roles lists 501 entries; at most 500, and this is the first past them (each "
        "role gets a page of its own, and thousands of pages take the build minutes: keep the roles your procedures "
        "assign work to) [too-many]",
        "content/settings.yml:52:5: error: segments lists 51 entries; at most 50, and this is the first past them "
        "(every page whose steps target segments lists them all in its switch: keep the segments readers pick "
        "between) [too-many]", "2 errors in 2 files"], result.output


def test_a_page_with_more_items_than_a_page_can_take_is_refused_at_the_first_past_them(project_factory, run):
    """Each step, answer or checklist item is a section of its page with its own anchor, links and history: 37,000
    minimal steps in one playbook (974 kB) took the build past five minutes, 10,500 took it 15.5 s (red team). Past
    300 steps, 300 entries, 30 sections or 100 items in a section (schema.MAX_STEPS and the rest) the list is refused
    at its first entry past the bound, saying how to split it."""
    steps = "".join(f"  - {{id: s{n}, title: S{n}}}\n" for n in range(301))
    entries = "".join(f"  - {{id: e{n}, q: Q{n}?, a: A.}}\n" for n in range(301))
    items = "".join(f"      - {{id: i{n}, text: T{n}}}\n" for n in range(101))
    sections = "".join(f"  - id: x{n}\n    title: X{n}\n    items:\n      - {{id: y{n}, text: T}}\n" for n in range(31))
    result = run("validate", "--project", project_factory({
        "content/playbooks/long.yml": "title: Long\nsteps:\n" + steps,
        "content/faq/long.yml": "title: Long\nentries:\n" + entries,
        "content/onboarding/items.yml": "title: Items\nsections:\n  - id: s\n    title: S\n    items:\n" + items,
        "content/onboarding/sections.yml": "title: Sections\nsections:\n" + sections}))
    assert result.exit_code == 1 and _lines(result) == [
        "content/faq/long.yml:303:5: error: entries lists 301 entries; at most 300, and this is the first past them "
        "(split the topic into several FAQ files) [too-many]",
        "content/onboarding/items.yml:106:9: error: items lists 101 entries; at most 100, and this is the first past "
        "them (split the section into several) [too-many]",
        "content/onboarding/sections.yml:123:5: error: sections lists 31 entries; at most 30, and this is the first past "
        "them (split the checklist into several, one per week or per role) [too-many]",
        "content/playbooks/long.yml:303:5: error: steps lists 301 entries; at most 300, and this is the first past them "
        "(a playbook of more steps is a manual, and its page takes the build minutes: split it into playbooks that link "
        "to each other (related:)) [too-many]", "4 errors in 4 files"], result.output
