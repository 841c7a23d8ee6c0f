"""`csops mv`: a rename rewrites every reference as a minimal text edit, keeps the old URL alive, and refuses what it cannot do safely."""

from __future__ import annotations

import re
import textwrap
from pathlib import Path

import pytest

from conftest import REPO, copy_bundled, make_project
from generator.kinds import ITEMS_BY_CLI_WORD, KINDS_BY_CLI_WORD, MV_WORDS, RENAMED_ENTRIES
from generator.manifest import live_urls, resolve_url
from generator.pipeline import load_portal


def mv_stopped_after(files: int, run, monkeypatch, *args):
    """`csops mv *args` stopped by Ctrl+C once its journal and `files` content files are written (the rest never
    happens), as a killed rename leaves a portal; the result as Click reports it."""
    from generator import rename_journal

    real_replace, done = rename_journal.os.replace, []

    def replace_then_stop(source, target):
        if len(done) == 1 + files:
            raise KeyboardInterrupt
        done.append(target)
        real_replace(source, target)

    with monkeypatch.context() as patch:
        patch.setattr(rename_journal.os, "replace", replace_then_stop)
        return run("mv", *args)


def snapshot(project: Path) -> dict[str, bytes]:
    return {p.relative_to(project).as_posix(): p.read_bytes() for p in sorted(project.rglob("*")) if p.is_file()}


PLAYBOOK_EDITS = """\
content/playbooks/success-plan.yml -> content/playbooks/customer-success-plan.yml
content/charts/cs-duties.yml:16:80: success-plan -> customer-success-plan
content/charts/cs-duties.yml:26:38: success-plan -> customer-success-plan
content/onboarding/new-csm-30-60-90.yml:111:14: playbook:success-plan#draft-plan -> playbook:customer-success-plan#draft-plan
content/playbooks/churn-risk-response.yml:17:72: success-plan -> customer-success-plan
content/playbooks/customer-success-plan.yml:17:1: added alias 'success-plan'
content/playbooks/expansion-signals.yml:17:16: success-plan -> customer-success-plan
content/playbooks/onboarding-kickoff.yml:17:54: success-plan -> customer-success-plan
content/playbooks/onboarding-templates.yml:16:31: success-plan -> customer-success-plan
content/playbooks/qbr.yml:17:11: success-plan -> customer-success-plan
content/playbooks/qbr.yml:141:178: playbook:success-plan#refresh-after-qbr -> playbook:customer-success-plan#refresh-after-qbr
content/playbooks/renewal-runway.yml:17:56: success-plan -> customer-success-plan
content/playbooks/sales-to-cs-handoff.yml:16:31: success-plan -> customer-success-plan
content/playbooks/sales-to-cs-handoff.yml:119:157: playbook:success-plan#draft-plan -> playbook:customer-success-plan#draft-plan
+ playbooks/customer-success-plan/
+ playbooks/customer-success-plan/#agree-with-customer
+ playbooks/customer-success-plan/#draft-plan
+ playbooks/customer-success-plan/#gather-goals
+ playbooks/customer-success-plan/#record-in-crm
+ playbooks/customer-success-plan/#refresh-after-qbr
+ playbooks/customer-success-plan/#review-cadence
content/published-urls.txt: 7 added, 0 removed
"""


def test_mv_playbook_rewrites_references_records_alias_and_manifest_then_builds_with_a_redirect(tmp_path, run):
    project = copy_bundled(tmp_path / "portal")
    before = snapshot(project)
    result = run("mv", "playbook", "success-plan", "customer-success-plan", "--project", project)
    assert (result.exit_code, result.output) == (0, PLAYBOOK_EDITS + (
        "renamed playbook 'success-plan' to 'customer-success-plan': 12 references in 9 files rewritten; "
        "the old id is an alias, so old links keep working\n"))
    assert not (project / "content/playbooks/success-plan.yml").exists()
    moved = (project / "content/playbooks/customer-success-plan.yml").read_bytes()
    # The moved file differs from the old one by exactly the alias line, inserted above `steps:`.
    assert moved == before["content/playbooks/success-plan.yml"].replace(
        b"\nsteps:\n", b"\naliases: [success-plan]\nsteps:\n", 1)
    qbr = (project / "content/playbooks/qbr.yml").read_text()
    assert "related: [customer-success-plan, renewal-runway, expansion-signals, product-feedback-voc]\n" in qbr
    assert "[success plan](playbook:customer-success-plan#refresh-after-qbr)" in qbr
    manifest = (project / "content/published-urls.txt").read_text()
    assert "playbooks/success-plan/#draft-plan\n" in manifest and "playbooks/customer-success-plan/#draft-plan\n" in manifest
    assert run("urls", "--check", "--project", project).output == "content/published-urls.txt is up to date\n"

    portal = load_portal(project)
    assert resolve_url(portal, "playbooks/success-plan/#draft-plan") == "playbooks/customer-success-plan/#draft-plan"
    assert "playbooks/success-plan/" in live_urls(portal)
    built = run("build", "--project", project)
    assert built.exit_code == 0, built.output
    redirect = (project / "site/playbooks/success-plan/index.html").read_text()
    assert '<link rel="canonical" href="../customer-success-plan/">' in redirect
    assert (project / "site/playbooks/customer-success-plan/index.html").is_file()


def test_mv_step_rewrites_anchors_and_keeps_the_old_anchor_alive(tmp_path, run):
    project = copy_bundled(tmp_path / "portal")
    result = run("mv", "step", "success-plan", "draft-plan", "write-plan", "--project", project)
    assert (result.exit_code, result.output) == (0, """\
content/onboarding/new-csm-30-60-90.yml:111:14: playbook:success-plan#draft-plan -> playbook:success-plan#write-plan
content/playbooks/sales-to-cs-handoff.yml:119:157: playbook:success-plan#draft-plan -> playbook:success-plan#write-plan
content/playbooks/success-plan.yml:39:9: id: draft-plan -> write-plan
content/playbooks/success-plan.yml:40:1: added alias 'draft-plan'
+ playbooks/success-plan/#write-plan
content/published-urls.txt: 1 added, 0 removed
renamed step 'draft-plan' of playbook 'success-plan' to 'write-plan': 2 references in 2 files rewritten; \
the old id is an alias, so old links keep working
""")
    assert "  - id: write-plan\n    aliases: [draft-plan]\n    title: Draft the plan\n" in (
        project / "content/playbooks/success-plan.yml").read_text()
    portal = load_portal(project)
    assert resolve_url(portal, "playbooks/success-plan/#draft-plan") == "playbooks/success-plan/#write-plan"
    built = run("build", "--project", project)
    assert built.exit_code == 0, built.output
    page = (project / "site/playbooks/success-plan/index.html").read_text()
    assert 'id="write-plan"' in page and '<span id="draft-plan" class="csops-alias"></span>' in page


def test_dry_run_prints_the_plan_and_changes_nothing(tmp_path, run):
    project = copy_bundled(tmp_path / "portal")
    before = snapshot(project)
    result = run("mv", "playbook", "success-plan", "customer-success-plan", "--dry-run", "--project", project)
    assert (result.exit_code, result.output) == (0, PLAYBOOK_EDITS + (
        "dry run: would rename playbook 'success-plan' to 'customer-success-plan' (12 references in 9 files); "
        "nothing changed\n"))
    assert snapshot(project) == before


def test_mv_reads_the_parses_the_last_validate_kept_and_writes_none(tmp_path, run, monkeypatch):
    """`csops mv` checks the portal before and after the rename: each file it leaves as it is was parsed twice, and
    every file again though `csops validate` or a build had just parsed it (6.5 s at 1,000 playbooks). It takes
    the kept parses of unchanged files, parses only what it rewrites, and still writes nothing into build/cache:
    the plan is the one made without a cache, and a dry run changes nothing at all."""
    from generator import loader

    project = copy_bundled(tmp_path / "portal")
    args = ("mv", "playbook", "success-plan", "customer-success-plan", "--dry-run", "--project", project)
    parsed: list[str] = []
    real_parse = loader.parse_yaml
    monkeypatch.setattr(loader, "parse_yaml", lambda text, path: parsed.append(path) or real_parse(text, path))
    rewritten = {line.split(":")[0] for line in PLAYBOOK_EDITS.splitlines() if re.match(r"content/[^ ]+:\d", line)}
    cold = run(*args)
    files = len(list((project / "content").rglob("*.yml")))
    assert cold.exit_code == 0 and len(rewritten) == 10 and len(parsed) == files + 10  # every file, then those it rewrites
    assert run("validate", "--project", project).exit_code == 0
    before = snapshot(project)
    parsed.clear()
    warm = run(*args)
    assert (warm.exit_code, warm.output) == (0, cold.output) and snapshot(project) == before
    assert sorted(parsed) == sorted(rewritten)


SMALL = {
    "content/playbooks/renewal.yml": "title: Renewal\naliases: [renewal-prep]\nsteps: [{id: kickoff, title: Kick off}]\n",
    "content/playbooks/qbr.yml": "title: QBR\nrelated: [renewal]\nsteps: [{id: prep, title: Prep}, {id: meet, title: Meet}]\n",
    "content/onboarding/ramp.yml": ("title: Ramp\nsections:\n  - id: week-one\n    title: Week one\n"
                                    "    items: [{id: shadow, text: Shadow}]\n"),
}


@pytest.mark.parametrize("args, code, message", [
    (("playbook", "renewal", "qbr"), 1, "Error: playbook id 'qbr' is already used (as an id or alias); pick another id\n"),
    (("playbook", "qbr", "renewal-prep"), 1,
     "Error: playbook id 'renewal-prep' is already used (as an id or alias); pick another id\n"),
    (("playbook", "renewl", "renewal-runway"), 1, "Error: unknown playbook 'renewl'; did you mean 'renewal'?\n"),
    (("playbook", "renewal-prep", "renewal-runway"), 1,
     "Error: 'renewal-prep' is a former id of playbook 'renewal' (content/playbooks/renewal.yml); rename 'renewal' instead\n"),
    (("playbook", "qbr", "Business Review"), 1,
     "Error: 'Business Review' is not a valid id: use lowercase letters, digits and single hyphens, e.g. 'business-review'\n"),
    (("playbook", "qbr", "qbr"), 1, "Error: OLD and NEW are both 'qbr': nothing to rename\n"),
    (("step", "qbr", "prep", "meet"), 1, "Error: 'meet' is already an id or alias on playbook 'qbr'; pick another id\n"),
    (("step", "qbr", "prepp", "plan"), 1, "Error: unknown step 'prepp' in playbook 'qbr'; did you mean 'prep'?\n"),
    (("step", "qbr", "prep", "overview"), 1, "Error: 'overview' is reserved for the page's own sections; pick another id\n"),
    # playbooks/index.md is the playbooks list: a playbook renamed to 'index' replaced it without a word
    (("playbook", "qbr", "index"), 1, "Error: 'index' is the address of the section's own list page; pick another id\n"),
    (("section", "ramp", "shadow", "shadowing"), 1,
     "Error: unknown section 'shadow' in onboarding checklist 'ramp'; it is an item: use `csops mv item`\n"),
    (("step", "qbr", "prep"), 2, "Error: csops mv step takes PLAYBOOK OLD NEW, e.g. `csops mv step qbr prep internal-prep`\n"),
    (("playbook", "qbr", "a", "b"), 2, "Error: csops mv playbook takes OLD NEW, e.g. `csops mv playbook old-id new-id`\n"),
    (("tag", "qbr", "b"), 2, "Error: Invalid value for 'KIND': 'tag' is not one of 'playbook', 'checklist'"),
])
def test_refusals_are_one_line_and_change_nothing(project_factory, run, monkeypatch, args, code, message):
    project = project_factory(SMALL)
    before = snapshot(project)
    monkeypatch.chdir(project)  # where the portal is: a suggested command as written (no --project to add)
    result = run("mv", *args, "--project", project)
    assert result.exit_code == code
    if code == 1:
        assert result.output == message
    else:  # usage errors: Click's usage line, then the error
        assert message in result.output
    assert snapshot(project) == before


def test_kind_choices_come_from_the_kinds_table():
    from generator.workflow_cli import mv

    choices = tuple(next(p for p in mv.params if p.name == "kind").type.choices)
    assert choices == MV_WORDS == tuple(KINDS_BY_CLI_WORD) + tuple(ITEMS_BY_CLI_WORD) + tuple(RENAMED_ENTRIES)
    assert choices == ("playbook", "checklist", "faq", "chart", "step", "section", "item", "entry", "activity", "role",
                       "term")


def test_content_that_does_not_validate_is_refused_with_the_summary(project_factory, run):
    project = project_factory(SMALL | {"content/playbooks/broken.yml": "title: Broken\nowner: nobody\nsteps: [{id: a, title: A}]\n"})
    before = snapshot(project)
    result = run("mv", "playbook", "renewal", "renewals", "--project", project)
    assert (result.exit_code, result.output) == (1, (
        "Error: content/playbooks/broken.yml:2:8: error: unknown role 'nobody' in owner of 'broken' "
        "(known: cs-lead, cs-ops, csm, sales-ae; roles live in content/roles.yml) [unknown-role]\n"
        "1 error in 1 file; fix them, then run csops mv again (nothing was changed)\n"))
    assert snapshot(project) == before


# Comments, odd indentation, padded dashes, every quoting style, folded text, reference
# definitions, flow and block lists, CRLF line endings and a BOM: only the renamed tokens change.
ODD = {
    "content/playbooks/renewal.yml": """\
        # Renewal playbook: comments stay where they are
        title:   "Renewal"     # odd spacing
        related:
          - prep   # the prep playbook
          - 'prep-notes'
        steps:
            -   id: kickoff    # four-space indent, padded dash
                title: 'Kick off'
                body: >
                    Folded text linking [prep](playbook:prep#call "Prep call")
                    and [notes](playbook:prep-notes).

                    [def]: playbook:prep#call
            -   {id: close, title: Close, checklist: ["see [p](playbook:prep)"]}
        """,
    "content/playbooks/prep.yml": """\
        title: Prep
        aliases:
            - before   # an old id
        steps:
          - id: call
            title: Call
            body: "Self link: [here](playbook:prep#call), [close](playbook:renewal#close)"
        """,
    "content/playbooks/prep-notes.yml": "title: Prep notes\nsteps: [{id: notes, title: Notes}]\n",
    "content/charts/duties.yml": ("\ufefftitle: Duties\r\nactivities:\r\n  - id: prep   # same word, other kind: untouched\r\n"
                                  "    name: Prep\r\n    raci: {R: csm, A: cs-lead}\r\n    playbooks: ['prep', renewal]\r\n").encode(),
    "content/onboarding/ramp.yml": """\
        title: Ramp
        sections:
          - id: week-one
            title: Week one
            items:
              - {id: shadow, text: Shadow a prep call, ref: "playbook:prep#call"}
        """,
}


def test_comments_and_formatting_survive_byte_for_byte(project_factory, run):
    project = project_factory(ODD)
    assert run("urls", "--update", "--project", project).exit_code == 0
    before = snapshot(project)
    assert run("mv", "playbook", "prep", "preparation", "--project", project).exit_code == 0
    assert run("mv", "step", "renewal", "close", "closing", "--project", project).exit_code == 0
    after = snapshot(project)
    assert after["content/playbooks/renewal.yml"].decode() == """\
# Renewal playbook: comments stay where they are
title:   "Renewal"     # odd spacing
related:
  - preparation   # the prep playbook
  - 'prep-notes'
steps:
    -   id: kickoff    # four-space indent, padded dash
        title: 'Kick off'
        body: >
            Folded text linking [prep](playbook:preparation#call "Prep call")
            and [notes](playbook:prep-notes).

            [def]: playbook:preparation#call
    -   {aliases: [close], id: closing, title: Close, checklist: ["see [p](playbook:preparation)"]}
"""
    assert after["content/playbooks/preparation.yml"].decode() == """\
title: Prep
aliases:
    - before   # an old id
    - prep
steps:
  - id: call
    title: Call
    body: "Self link: [here](playbook:preparation#call), [close](playbook:renewal#closing)"
"""
    assert after["content/charts/duties.yml"] == before["content/charts/duties.yml"].replace(
        b"playbooks: ['prep', renewal]", b"playbooks: ['preparation', renewal]")
    assert after["content/onboarding/ramp.yml"] == before["content/onboarding/ramp.yml"].replace(
        b"playbook:prep#call", b"playbook:preparation#call")
    assert after["content/playbooks/prep-notes.yml"] == before["content/playbooks/prep-notes.yml"]
    assert "content/playbooks/prep.yml" not in after
    assert run("validate", "--project", project).output == "content is valid (no errors)\n"


def test_an_escaped_reference_is_refused_not_guessed(project_factory, run):
    project = make_project(project_factory({}).parent / "escaped", {
        "content/playbooks/prep.yml": "title: Prep\nsteps: [{id: call, title: Call}]\n",
        "content/playbooks/renewal.yml": 'title: Renewal\nsummary: "See [prep](\\x70laybook:prep)"\nsteps: [{id: a, title: A}]\n',
    })
    before = snapshot(project)
    result = run("mv", "playbook", "prep", "preparation", "--project", project)
    assert (result.exit_code, result.output) == (1, (
        "Error: content/playbooks/renewal.yml:2:10: cannot find 'playbook:prep' in the file as written "
        "(escaped characters?); change it by hand, then run csops mv again\n"))
    assert snapshot(project) == before


@pytest.mark.parametrize("files, args, path, expected", [
    # an item without aliases gains them just below its id, at its indentation
    ({"content/faq/money.yml": "title: Money\nentries:\n  - id: nrr   # net revenue retention\n    q: What is NRR?\n    a: Ratio.\n"},
     ("entry", "money", "nrr", "net-revenue-retention"), "content/faq/money.yml",
     "title: Money\nentries:\n  - id: net-revenue-retention   # net revenue retention\n    aliases: [nrr]\n    q: What is NRR?\n"
     "    a: Ratio.\n"),
    # an empty flow list, and a document with its own id: line (the file keeps its name)
    ({"content/charts/c.yml": "id: duties\naliases: []\ntitle: Duties\nactivities:\n  - {id: a, name: A, raci: {R: csm, A: cs-lead}}"},
     ("chart", "duties", "roles"), "content/charts/c.yml",
     "id: roles\naliases: [duties]\ntitle: Duties\nactivities:\n  - {id: a, name: A, raci: {R: csm, A: cs-lead}}"),
    # a nested item, with the comment above the items list kept above it
    ({"content/onboarding/r.yml": "title: R\nsections:\n  - id: s\n    title: S\n    items:\n      - id: i\n        text: I\n"},
     ("item", "r", "i", "j"), "content/onboarding/r.yml",
     "title: R\nsections:\n  - id: s\n    title: S\n    items:\n      - id: j\n        aliases: [i]\n        text: I\n"),
    ({"content/faq/f.yml": "title: F\n# the questions\nentries: [{id: q, q: Q?, a: A.}]\n"},
     ("faq", "f", "g"), "content/faq/g.yml", "title: F\naliases: [f]\n# the questions\nentries: [{id: q, q: Q?, a: A.}]\n"),
])
def test_aliases_are_recorded_in_the_style_of_the_file(project_factory, run, files, args, path, expected):
    project = project_factory(files)
    result = run("mv", *args, "--project", project)
    assert result.exit_code == 0, result.output
    assert (project / path).read_text() == expected
    assert run("validate", "--project", project).output == "content is valid (no errors)\n"


def test_mv_has_help(run):
    result = run("mv", "--help")
    assert result.exit_code == 0 and "--dry-run" in result.output


def _renamed_cleanly(tmp_path, run) -> dict[str, bytes]:
    """The content an uninterrupted rename of success-plan leaves."""
    clean = copy_bundled(tmp_path / "clean")
    assert run("mv", "playbook", "success-plan", "customer-success-plan", "--project", clean).exit_code == 0
    return {k: v for k, v in snapshot(clean).items() if k.startswith("content/")}


def test_a_rename_interrupted_half_way_is_named_by_validate_and_finished_by_mv(tmp_path, run, monkeypatch):
    """Written file after file, a rename stopped between two writes left references to an id no file had, and
    `csops mv` then refused the broken content ("nothing was changed"): only git could repair it."""
    project = copy_bundled(tmp_path / "portal")
    stopped = mv_stopped_after(3, run, monkeypatch, "playbook", "success-plan", "customer-success-plan",
                               "--project", project)
    assert stopped.exit_code == 1 and "Aborted" in stopped.output  # Ctrl+C, as Click reports it
    checked = run("validate", "--project", project)
    assert checked.exit_code == 1
    assert checked.output.startswith(  # first, before the references it explains
        "content:1:1: error: the rename of playbook 'success-plan' to 'customer-success-plan' was interrupted: "
        "some files have the new id, others not (run `csops mv --finish` to complete it) "
        "[interrupted-rename]\n")
    assert run("mv", "--dry-run", "playbook", "qbr", "business-review", "--project", project).exit_code == 2
    finished = run("mv", "--finish", "--project", project)
    assert (finished.exit_code, finished.output) == (
        0, "finished the interrupted rename of playbook 'success-plan' to 'customer-success-plan'\n")
    assert run("validate", "--project", project).exit_code == 0
    assert {k: v for k, v in snapshot(project).items() if k.startswith("content/")} == _renamed_cleanly(tmp_path, run)
    assert run("mv", "--finish", "--project", project).output == "no interrupted rename to finish\n"
    # typed outside the portal (validate was run with --project): not a 'no interrupted rename' that reads as all clear
    elsewhere = run("mv", "--finish", "--project", tmp_path)
    assert (elsewhere.exit_code, elsewhere.output) == (1, f"Error: no content/ folder in {tmp_path}, so no rename to "
                                                          "finish here (run this in a portal's folder, pass --project "
                                                          "DIR, or start one with `csops init`)\n")


def test_the_finish_validate_suggests_for_a_portal_given_with_project_works_typed_as_shown(tmp_path, run, monkeypatch):
    """Run as CI and editors at a repository's root run it, `csops validate --project 'my portal'` said 'run `csops mv
    --finish` to complete it': typed there as shown, it said 'no portal in .' (or finished nothing in the portal that
    folder holds). The suggestion now names the portal, shell-quoted; run in the portal, or as JSON, it is as written."""
    import shlex

    make_project(tmp_path / "my portal", {
        "content/playbooks/prep.yml": "title: Prep\nsteps: [{id: call, title: Call}]\n",
        "content/playbooks/renewal.yml": "title: Renewal\nrelated: [prep]\nsteps: [{id: a, title: A}]\n"})
    monkeypatch.chdir(tmp_path)
    assert mv_stopped_after(1, run, monkeypatch, "playbook", "prep", "preparation", "--project", "my portal").exit_code == 1
    checked = run("validate", "--project", "my portal")
    suggested = re.findall(r"`(csops [^`]*)`", checked.output)
    assert (checked.exit_code, suggested) == (1, ["csops mv --finish --project 'my portal'"]), checked.output
    as_json = run("validate", "--project", "my portal", "--format", "json").output  # for tools: as written
    assert "(run `csops mv --finish` to complete it)" not in as_json and "run `csops mv --finish` to complete it" in as_json
    typed = run(*shlex.split(suggested[0])[1:])  # as the shell hands it to csops, from where validate ran
    assert (typed.exit_code, typed.output) == (0, "finished the interrupted rename of playbook 'prep' to 'preparation'\n")
    assert run("validate", "--project", "my portal").output == "content is valid (no errors)\n"
    # an error the same way (no index yet); --project naming the folder it runs in adds nothing
    assert run("search", "prep", "--project", "my portal").output == (
        "Error: my portal/build/index: no search index; run `csops build --project 'my portal'` first\n")
    monkeypatch.chdir(tmp_path / "my portal")
    assert run("search", "prep", "--project", ".").output == "Error: build/index: no search index; run `csops build` first\n"


@pytest.mark.parametrize("folder", ["a$(touch run)b", "a`touch run`b", "a;touch run", "a|touch run", "-rf",
                                    "--project=-rf", "it's", "%0A::error::x", "ａ；touch run"])
def test_a_suggested_command_pasted_into_a_shell_names_the_folder_and_runs_nothing_else(tmp_path, run, monkeypatch,
                                                                                         folder):
    """Red team: a portal folder named with shell syntax ('a$(touch run)b', 'a;touch run', '--project=-rf') is one
    argument of the suggested command as bash reads it, and bash runs nothing else. (Held when written.)"""
    import subprocess

    make_project(tmp_path / folder, {})
    monkeypatch.chdir(tmp_path)
    output = run("search", "prep", "--project", folder).output
    suggested = output.split("run `", 1)[1].rsplit("` first", 1)[0]  # a folder's backticks are the command's
    pasted = subprocess.run(["bash", "-c", 'csops() { printf "%s\\0" "$@"; }; ' + suggested], cwd=tmp_path,
                            capture_output=True)
    assert pasted.stdout.split(b"\0")[:-1] == [b"build", b"--project", folder.encode()], (output, pasted)
    assert not (tmp_path / "run").exists()


def test_diff_of_a_working_tree_holding_an_interrupted_rename_says_to_finish_it(tmp_path, run, monkeypatch):
    """Killed after its journal, a rename left some files with the new id: `csops diff` summarised that half state
    (a reference moved to a step no file had yet, "Not compared: `content`") with exit 0, a review of a change
    nobody made."""
    import subprocess

    project = copy_bundled(tmp_path / "portal")
    env = {"GIT_AUTHOR_NAME": "a", "GIT_AUTHOR_EMAIL": "a@b", "GIT_COMMITTER_NAME": "a", "GIT_COMMITTER_EMAIL": "a@b"}
    subprocess.run("git init -q && git add -A && git commit -qm base", shell=True, cwd=project, check=True, env=env)
    assert mv_stopped_after(1, run, monkeypatch, "step", "qbr", "follow-up", "recap", "--project", project).exit_code == 1
    half = run("diff", "HEAD", "--project", project)
    assert (half.exit_code, half.output) == (1, "Error: the working tree holds the rename of step 'follow-up' of playbook "
                                             "'qbr' to 'recap' half done: run `csops mv --finish`, "
                                             "then `csops diff`\n")
    assert run("mv", "--finish", "--project", project).exit_code == 0
    whole = run("diff", "HEAD", "--project", project)
    assert whole.exit_code == 0 and "`qbr` steps: 🔀 `follow-up` → `recap`" in whole.output


def test_a_rename_interrupted_before_its_journal_changed_nothing(tmp_path, run, monkeypatch):
    from generator import rename_journal

    project = copy_bundled(tmp_path / "portal")
    before = snapshot(project)
    real_write, written = rename_journal._write_synced, []

    def write_then_stop(path, data):
        if len(written) == 3:
            raise KeyboardInterrupt
        written.append(path)
        real_write(path, data)

    monkeypatch.setattr(rename_journal, "_write_synced", write_then_stop)
    stopped = run("mv", "playbook", "success-plan", "customer-success-plan", "--project", project)
    assert stopped.exit_code == 1 and "Aborted" in stopped.output  # Ctrl+C, as Click reports it
    monkeypatch.setattr(rename_journal, "_write_synced", real_write)
    left = {k for k in snapshot(project)} - set(before)
    assert len(left) == 3 and all(k.endswith(".csops-mv") for k in left)
    assert {k: v for k, v in snapshot(project).items() if k in before} == before  # no content file changed
    checked = run("validate", "--project", project)
    assert checked.exit_code == 0 and "a new text an interrupted csops mv left" in checked.output
    assert run("mv", "playbook", "success-plan", "customer-success-plan", "--project", project).exit_code == 0
    assert not [k for k in snapshot(project) if k.endswith(".csops-mv")]


def test_a_journal_naming_files_outside_content_is_never_acted_on(tmp_path, run):
    """build/ is not committed, but a journal forced into a repository must not delete or replace other files."""
    project = copy_bundled(tmp_path / "portal")
    (project / "build").mkdir(exist_ok=True)
    keep = project / "mkdocs.yml"
    (project / "build/mv-journal.json").write_text(
        '{"subject": "x", "replace": [], "remove": ["mkdocs.yml", "content/../mkdocs.yml"]}', encoding="utf-8")
    assert run("validate", "--project", project).exit_code == 0
    assert run("mv", "--finish", "--project", project).output == "no interrupted rename to finish\n"
    assert keep.is_file()


def test_kill_9_at_random_moments_of_a_rename_leaves_it_undone_or_finishable(tmp_path, run):
    """A real kill: the rename's writes are slowed (20 ms each) so the kills land among them."""
    import os
    import random
    import signal
    import subprocess
    import sys
    import time

    wanted = _renamed_cleanly(tmp_path, run)
    slowed = ("import sys, time, os; from generator import rename_journal as j; real = j.os.replace\n"
              "j.os.replace = lambda a, b: (time.sleep(0.02), real(a, b))[1]\n"
              "from generator.cli import main; sys.argv = ['csops'] + sys.argv[1:]; main()")
    rng, outcomes = random.Random(4), set()
    for attempt in range(6):
        project = copy_bundled(tmp_path / f"kill-{attempt}")
        before = {k: v for k, v in snapshot(project).items() if k.startswith("content/")}
        process = subprocess.Popen([sys.executable, "-c", slowed, "mv", "playbook", "success-plan", "customer-success-plan",
                                    "--project", str(project)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                   env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parent.parent)})
        time.sleep(rng.uniform(0.3, 1.2))
        process.send_signal(signal.SIGKILL)
        process.wait(10)
        content = {k: v for k, v in snapshot(project).items() if k.startswith("content/") and not k.endswith(".csops-mv")}
        if content == before:
            outcomes.add("unchanged")
            continue
        outcomes.add("finished" if content == wanted else "interrupted")
        if content != wanted:
            assert run("validate", "--project", project).exit_code == 1
            assert run("mv", "--finish", "--project", project).exit_code == 0
        assert {k: v for k, v in snapshot(project).items() if k.startswith("content/")} == wanted
    assert outcomes  # which states the kills hit varies with the machine's speed


def test_two_renames_at_once_never_lose_content(tmp_path, run):
    """The second cleared the first's new texts as leftovers, and the first then deleted the renamed file."""
    from generator.rename_journal import one_rename_at_a_time

    project = copy_bundled(tmp_path / "portal")
    before = snapshot(project)
    with one_rename_at_a_time(project):  # a first `csops mv` at work
        second = run("mv", "playbook", "qbr", "quarterly-review", "--project", project)
    assert second.exit_code == 1 and "another csops mv is changing this portal's files" in second.output
    assert snapshot(project) == before
    assert run("mv", "playbook", "qbr", "quarterly-review", "--project", project).exit_code == 0


def test_a_build_started_while_a_rename_replaces_files_reads_the_content_once_it_is_done(tmp_path):
    """A build in another shell (or `csops serve`'s, on the rename's first file) read some files before their rename
    and content/published-urls.txt after it, and failed on "published URL 'playbooks/quarterly-review/' would
    disappear", telling the editor to add an alias or run `csops urls --update` (red team: 3 of 6 builds started
    beside a `csops mv`). It now waits while the rename replaces files, and builds what the rename made."""
    import os
    import subprocess
    import sys
    import time

    from generator.rename import plan_rename
    from generator.rename_journal import _replace, _replacing

    project = copy_bundled(tmp_path / "portal")
    plan = plan_rename(project, "playbook", ("qbr", "quarterly-review"))
    texts = {**plan.texts, plan.move[1]: plan.texts.get(plan.move[0], (project / plan.move[0]).read_text(encoding="utf-8")),
             plan.manifest[0]: plan.manifest[1]}
    texts.pop(plan.move[0], None)
    with _replacing(project):  # as `csops mv` holds it while it replaces the files
        manifest = project / plan.manifest[0]
        manifest.write_text(plan.manifest[1], encoding="utf-8")  # half way: the URLs recorded, qbr.yml not moved yet
        build = subprocess.Popen([sys.executable, "-m", "generator.cli", "build", "-q", "--project", str(project)],
                                 cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                 env={**os.environ, "PYTHONUNBUFFERED": "1"})
        said, deadline = "", time.monotonic() + 120
        while build.poll() is None and time.monotonic() < deadline and "waiting" not in said:
            said += build.stderr.readline()
        _replace(project, f"{plan.subject} to '{plan.new}'", {p: t.encode("utf-8") for p, t in texts.items()},
                 [plan.move[0]])
    out, err = build.communicate(timeout=300)
    assert said == "csops: waiting for a csops mv to finish replacing files…\n", said + err
    assert build.returncode == 0 and "error" not in err, err
    assert (project / "site/playbooks/quarterly-review/index.html").is_file()


@pytest.mark.parametrize("journal", [
    '{"subject": "x", "replace": ["content/ext/x.yml"], "remove": ["content/ext/victim.txt"]}',  # through a link
    '{"subject": "x", "replace": [], "remove": ["content/playbooks"]}',  # a folder
    "[" * 100_000,  # nested too deep to read
])
def test_a_journal_reaching_out_of_content_or_at_a_folder_is_never_acted_on(tmp_path, run, journal):
    project = copy_bundled(tmp_path / "portal")
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "victim.txt").write_text("keep me", encoding="utf-8")
    (outside / "x.yml.csops-mv").write_text("planted", encoding="utf-8")
    (project / "content/ext").symlink_to(outside, target_is_directory=True)
    (project / "build").mkdir(exist_ok=True)
    (project / "build/mv-journal.json").write_text(journal, encoding="utf-8")
    finished = run("mv", "--finish", "--project", project)
    assert (finished.exit_code, finished.output) == (0, "no interrupted rename to finish\n")
    assert (outside / "victim.txt").read_text(encoding="utf-8") == "keep me" and not (outside / "x.yml").exists()
    assert (project / "content/playbooks").is_dir()
    assert not isinstance(run("validate", "--project", project).exception, Exception)


def test_a_rename_touching_a_linked_file_is_refused_and_changes_nothing(project_factory, run):
    """With a playbook kept as a link to a shared file, `csops mv` said "renamed" and exited 0 with nothing
    changed, its new texts left beside the files as *.csops-mv and its journal in build/ (red team)."""
    project = project_factory(SMALL)
    shared = project / "shared"  # in the repository, outside content/ (a link out of the project is refused first)
    shared.mkdir()
    (project / "content/playbooks/qbr.yml").rename(shared / "qbr.yml")
    (project / "content/playbooks/qbr.yml").symlink_to(shared / "qbr.yml")
    before, shared_before = snapshot(project), (shared / "qbr.yml").read_bytes()
    result = run("mv", "playbook", "renewal", "renewal-runway", "--project", project)  # qbr.yml lists it in related
    assert result.exit_code == 1 and result.output == (
        "Error: content/playbooks/qbr.yml is a symbolic link (or leads out of content/); csops mv changes plain files "
        "only: put the file itself there, or make this rename by hand\n")
    assert snapshot(project) == before and (shared / "qbr.yml").read_bytes() == shared_before
    assert not list(project.rglob("*.csops-mv")) and not (project / "build/mv-journal.json").exists()


def test_a_redirect_page_speaks_the_portals_language(tmp_path, run):
    """mkdocs-redirects' page said lang="en", "Redirecting..." and "You're being redirected" on the Japanese portal:
    it shows without script, and a screen reader reads it by its lang (new-user walkthrough)."""
    project = copy_bundled(tmp_path / "ja", REPO / "examples/ja")
    assert run("mv", "playbook", "qbr", "business-review", "--project", project).exit_code == 0
    assert run("build", "--project", project).exit_code == 0
    page = (project / "site/playbooks/qbr/index.html").read_text(encoding="utf-8")
    assert '<html lang="ja">' in page and "<title>ページが移動しました</title>" in page
    assert '<a href="../business-review/">移動先のページを開く</a>' in page and "redirected" not in page


def test_mv_keeps_no_alias_for_an_id_that_was_never_published(tmp_path, run):
    """A playbook made with `csops new` under a misspelt id and renamed before `csops urls --update` kept
    `aliases: [exec-sponsr-check]` and a redirect page from it forever, and the message said old links keep working,
    though the manifest never listed it and no ticket could link to it. A published step still gets its alias."""
    project = copy_bundled(tmp_path / "portal")
    assert run("new", "playbook", "exec-sponsr-check", "--project", project).exit_code == 0
    result = run("mv", "playbook", "exec-sponsr-check", "exec-sponsor-check", "--project", project)
    assert result.exit_code == 0, result.output
    assert "added alias" not in result.output
    assert result.output.endswith("renamed playbook 'exec-sponsr-check' to 'exec-sponsor-check': no references rewritten; "
                                  "the old id was never published (content/published-urls.txt does not list it), so "
                                  "it is not kept as an alias\n"), result.output
    text = (project / "content/playbooks/exec-sponsor-check.yml").read_text()
    assert "aliases: [exec-sponsr-check]" not in text and "\naliases: []" in text
    assert run("validate", "--project", project).exit_code == 0
    assert run("urls", "--check", "--project", project).exit_code == 0  # mv recorded the new page's URLs
    # now published (recorded by mv): renaming its step keeps the old anchor
    result = run("mv", "step", "exec-sponsor-check", "first-step", "confirm-sponsor", "--project", project)
    assert "added alias 'first-step'" in result.output and "old links keep working" in result.output, result.output


ROLE_PROJECT = {
    "content/roles.yml": """\
        roles:
          - id: csm
            name: Customer Success Manager
            description: |
              Escalates to [the lead](role:cs-lead#accountable) and [the leadership][lead].

              [lead]: role:cs-leadership
          - id: cs-lead  # the team's lead
            name: CS Lead
          - {id: cs-leadership, name: Leadership}
          - {id: cs-ops, name: CS Ops}
        """,
    "content/settings.yml": """\
        codeowners:
          cs-lead: "@acme/leads"
          cs-ops: '@acme/ops'
        phases:
          - id: renewal
            name: Renewal
            description: Run by [the lead](role:cs-lead).
        """,
    "content/playbooks/renewal.yml": """\
        title: Renewal with cs-lead
        phase: renewal
        owner: 'cs-lead'
        steps:
          - id: prep
            title: Prep
            owner: cs-lead
            raci: &usual {R: [csm, cs-ops], A: "cs-lead", C: cs-leadership}
            body: |
              Ask [the lead][lead].

              [lead]: role:cs-lead
          - id: meet
            title: Meet
            raci: *usual
          - id: close
            title: Close
            raci:
              R:
                - csm
                - cs-lead
              A: cs-leadership
              I: [cs-ops]
        """,
    "content/onboarding/ramp.yml": """\
        title: Ramp
        audience: [csm, cs-lead]
        owner: cs-lead
        sections:
          - id: week-one
            title: Week one
            items:
              - {id: meet-lead, text: Meet the lead, ref: "role:cs-lead"}
        """,
    "content/charts/duties.yml": """\
        title: Duties
        activities:
          - id: renewal
            name: Renewal
            raci: {R: csm, A: cs-ops, I: [cs-leadership, cs-lead]}
        """,
}

ROLE_EDITS = """\
content/charts/duties.yml:5:50: cs-lead -> team-lead
content/onboarding/ramp.yml:2:17: cs-lead -> team-lead
content/onboarding/ramp.yml:3:8: cs-lead -> team-lead
content/onboarding/ramp.yml:8:52: role:cs-lead -> role:team-lead
content/playbooks/renewal.yml:3:9: cs-lead -> team-lead
content/playbooks/renewal.yml:7:12: cs-lead -> team-lead
content/playbooks/renewal.yml:8:41: cs-lead -> team-lead
content/playbooks/renewal.yml:12:15: role:cs-lead -> role:team-lead
content/playbooks/renewal.yml:21:11: cs-lead -> team-lead
content/roles.yml:5:31: role:cs-lead#accountable -> role:team-lead#accountable
content/roles.yml:8:9: id: cs-lead -> team-lead
content/roles.yml:9:1: added alias 'cs-lead'
content/settings.yml:2:3: cs-lead -> team-lead
content/settings.yml:7:36: role:cs-lead -> role:team-lead
+ roles/team-lead/
content/published-urls.txt: 1 added, 0 removed
"""


def test_mv_role_rewrites_every_reference_keeps_the_old_page_as_a_redirect_and_builds(project_factory, run):
    """A role had no `csops mv`: renamed by hand, its page roles/<id>/ vanished and every owner, RACI letter,
    audience, codeowners key and role: link had to be found and edited without a miss."""
    project = project_factory(ROLE_PROJECT)
    assert run("urls", "--update", "--project", project).exit_code == 0
    before = snapshot(project)
    dry = run("mv", "role", "cs-lead", "team-lead", "--dry-run", "--project", project)
    assert (dry.exit_code, dry.output) == (0, ROLE_EDITS + "dry run: would rename role 'cs-lead' to 'team-lead' "
                                           "(12 references in 5 files); nothing changed\n")
    assert snapshot(project) == before
    result = run("mv", "role", "cs-lead", "team-lead", "--project", project)
    assert (result.exit_code, result.output) == (0, ROLE_EDITS + (
        "renamed role 'cs-lead' to 'team-lead': 12 references in 5 files rewritten; "
        "the old id is an alias, so old links keep working\n"))
    texts = {path: (project / path).read_text() for path in ROLE_PROJECT}
    # only the references changed: the title's words, the other roles ('cs-leadership'), quotes, comments stay
    for path, text in texts.items():
        expected = textwrap.dedent(ROLE_PROJECT[path])
        expected = re.sub(r"(?<![\w-])cs-lead(?![\w-])", "team-lead", expected).replace("Renewal with team-lead", "Renewal with cs-lead")
        if path == "content/roles.yml":
            expected = expected.replace("  - id: team-lead  # the team's lead\n",
                                        "  - id: team-lead  # the team's lead\n    aliases: [cs-lead]\n")
        assert text == expected, path
    assert run("validate", "--project", project).output == "content is valid (no errors)\n"
    assert run("urls", "--check", "--project", project).output == "content/published-urls.txt is up to date\n"
    assert "roles/cs-lead/\n" in texts_of(project, "content/published-urls.txt")
    built = run("build", "--project", project)
    assert built.exit_code == 0, built.output
    redirect = (project / "site/roles/cs-lead/index.html").read_text()
    assert '<link rel="canonical" href="../team-lead/">' in redirect
    assert (project / "site/roles/team-lead/index.html").is_file()
    assert 'href="../team-lead/' in (project / "site/roles/csm/index.html").read_text()


def texts_of(project: Path, path: str) -> str:
    return (project / path).read_text(encoding="utf-8")


@pytest.mark.parametrize("args, message", [
    (("role", "cs-lead", "csm"), "Error: role id 'csm' is already used (as an id or alias); pick another id\n"),
    (("role", "cs-led", "team-lead"), "Error: unknown role 'cs-led'; did you mean 'cs-lead'?\n"),
    (("role", "cs-lead", "index"), "Error: 'index' is the address of the section's own list page; pick another id\n"),
    (("role", "cs-lead", "Team Lead"),
     "Error: 'Team Lead' is not a valid id: use lowercase letters, digits and single hyphens, e.g. 'team-lead'\n"),
])
def test_role_rename_refusals_are_one_line_and_change_nothing(project_factory, run, args, message):
    project = project_factory(SMALL)
    before = snapshot(project)
    result = run("mv", *args, "--project", project)
    assert (result.exit_code, result.output) == (1, message)
    assert snapshot(project) == before


def test_a_role_renamed_twice_keeps_both_former_ids_and_refuses_a_former_id_as_old(project_factory, run):
    project = project_factory(SMALL)
    assert run("urls", "--update", "--project", project).exit_code == 0
    assert run("mv", "role", "cs-lead", "team-lead", "--project", project).exit_code == 0
    refused = run("mv", "role", "cs-lead", "lead", "--project", project)
    assert refused.output == ("Error: 'cs-lead' is a former id of role 'team-lead' (content/roles.yml); "
                              "rename 'team-lead' instead\n")
    taken = run("mv", "role", "csm", "cs-lead", "--project", project)
    assert taken.output == "Error: role id 'cs-lead' is already used (as an id or alias); pick another id\n"
    assert run("mv", "role", "team-lead", "lead", "--project", project).exit_code == 0
    assert "  - {aliases: [cs-lead, team-lead], id: lead, name: CS Lead}\n" in texts_of(project, "content/roles.yml")
    assert run("urls", "--check", "--project", project).output == "content/published-urls.txt is up to date\n"


def test_a_role_rename_interrupted_half_way_is_finished_like_any_other(project_factory, run, monkeypatch):
    project = project_factory(ROLE_PROJECT)
    assert run("urls", "--update", "--project", project).exit_code == 0
    stopped = mv_stopped_after(2, run, monkeypatch, "role", "cs-lead", "team-lead", "--project", project)
    assert stopped.exit_code == 1 and "Aborted" in stopped.output
    checked = run("validate", "--project", project)
    assert checked.output.startswith("content:1:1: error: the rename of role 'cs-lead' to 'team-lead' was interrupted"), \
        checked.output
    finished = run("mv", "--finish", "--project", project)
    assert finished.output == "finished the interrupted rename of role 'cs-lead' to 'team-lead'\n"
    assert run("validate", "--project", project).output == "content is valid (no errors)\n"
    clean = project_factory(ROLE_PROJECT)
    assert run("urls", "--update", "--project", clean).exit_code == 0
    assert run("mv", "role", "cs-lead", "team-lead", "--project", clean).exit_code == 0
    content = lambda folder: {k: v for k, v in snapshot(folder).items() if k.startswith("content/")}  # noqa: E731
    assert content(project) == content(clean)


def test_a_role_never_published_is_renamed_without_an_alias(project_factory, run):
    project = project_factory(SMALL)  # no manifest yet: recorded, then a role added and renamed before --update
    assert run("urls", "--update", "--project", project).exit_code == 0
    roles = project / "content/roles.yml"
    roles.write_text(roles.read_text() + "  - {id: finance, name: Finance}\n")
    result = run("mv", "role", "finance", "revops", "--project", project)
    assert result.output.endswith("renamed role 'finance' to 'revops': no references rewritten; the old id was never "
                                  "published (content/published-urls.txt does not list it), so it is not kept as an alias\n")
    assert "  - {id: revops, name: Finance}\n" in roles.read_text()


TERM_PROJECT = {
    "content/glossary.yml": """\
        terms:
          - id: nrr
            term: NRR
            definition: Net revenue retention.
            aliases:
              - net-retention
          - {id: grr, term: GRR, definition: Gross revenue retention.}
        """,
    "content/playbooks/renewal.yml": """\
        title: Renewal
        steps:
          - id: close
            title: Close
            body: "Grow [NRR](glossary:nrr), keep [GRR](glossary:grr)."
        """,
    "content/onboarding/ramp.yml": """\
        title: Ramp
        sections:
          - id: week-one
            title: Week one
            items:
              - {id: learn-nrr, text: Learn NRR, ref: glossary:nrr}
        """,
}


def test_mv_term_rewrites_glossary_links_keeps_the_old_anchor_and_builds(project_factory, run):
    """A glossary term could not be renamed with `csops mv`: by hand, every glossary:<old> link became an error."""
    project = project_factory(TERM_PROJECT)
    assert run("urls", "--update", "--project", project).exit_code == 0
    result = run("mv", "term", "nrr", "net-revenue-retention", "--project", project)
    assert (result.exit_code, result.output) == (0, """\
content/glossary.yml:2:9: id: nrr -> net-revenue-retention
content/glossary.yml:7:1: added alias 'nrr'
content/onboarding/ramp.yml:6:47: glossary:nrr -> glossary:net-revenue-retention
content/playbooks/renewal.yml:5:23: glossary:nrr -> glossary:net-revenue-retention
+ glossary/#net-revenue-retention
content/published-urls.txt: 1 added, 0 removed
renamed glossary term 'nrr' to 'net-revenue-retention': 2 references in 2 files rewritten; the old id is an alias, \
so old links keep working
""")
    assert "    aliases:\n      - net-retention\n      - nrr\n" in texts_of(project, "content/glossary.yml")
    assert run("validate", "--project", project).output == "content is valid (no errors)\n"
    assert run("urls", "--check", "--project", project).output == "content/published-urls.txt is up to date\n"
    portal = load_portal(project)
    assert resolve_url(portal, "glossary/#nrr") == "glossary/#net-revenue-retention"
    built = run("build", "--project", project)
    assert built.exit_code == 0, built.output
    glossary = (project / "site/glossary/index.html").read_text()
    assert 'id="net-revenue-retention"' in glossary and 'id="nrr"' in glossary
    assert run("mv", "term", "nrr", "n", "--project", project).output == (
        "Error: 'nrr' is a former id of glossary term 'net-revenue-retention' (content/glossary.yml); "
        "rename 'net-revenue-retention' instead\n")
    assert run("mv", "term", "grr", "net-retention", "--project", project).output == (
        "Error: glossary term id 'net-retention' is already used (as an id or alias); pick another id\n")
    assert run("mv", "term", "grrr", "x", "--project", project).output == "Error: unknown glossary term 'grrr'; did you mean 'grr'?\n"


def test_mv_without_a_kind_or_with_finish_and_a_rename_is_a_usage_error_changing_nothing(tmp_path, run):
    """KIND is optional only for --finish: `csops mv` alone exited 0 having done nothing, and `csops mv --finish
    playbook qbr business-review` would say 'no interrupted rename to finish', exit 0 and skip the rename asked for.
    Both are usage errors (exit 2) that name the fix, and no file changes."""
    project = copy_bundled(tmp_path / "portal")
    before = snapshot(project)
    alone = run("mv", "--project", project)
    assert alone.exit_code == 2 and "Missing argument 'KIND'." in alone.output, alone.output
    both = run("mv", "--finish", "playbook", "qbr", "business-review", "--project", project)
    assert both.exit_code == 2 and "--finish takes no KIND or ids: run it alone, then the next rename" in both.output
    assert snapshot(project) == before
