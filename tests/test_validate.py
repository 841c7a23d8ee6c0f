"""`csops validate` on a corpus of broken projects: exact path, line, column, message and code for every defect."""

from __future__ import annotations

import json
import os
import re
import shutil
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from generator.cli import main

EXAMPLES = Path(__file__).parent / "examples"
CASES = sorted(p.name for p in (EXAMPLES / "invalid").iterdir() if p.is_dir())


def _case_project(tmp_path: Path, case: str) -> Path:
    project = tmp_path / case
    shutil.copytree(EXAMPLES / "base", project)
    shutil.copytree(EXAMPLES / "invalid" / case, project, dirs_exist_ok=True)
    (project / "expected.txt").unlink()
    return project


@pytest.mark.parametrize("case", CASES)
def test_invalid_corpus_reports_exact_problems(case, tmp_path, run, monkeypatch):
    project = _case_project(tmp_path, case)
    monkeypatch.chdir(project)  # run in the portal, as expected.txt's suggested commands are typed (no --project added)
    result = run("validate", "--project", project, "--format", "text")
    expected = (EXAMPLES / "invalid" / case / "expected.txt").read_text(encoding="utf-8")
    assert result.output == expected
    assert result.exit_code == 1


def test_corpus_covers_every_defect_the_issue_names():
    codes = set()
    for case in CASES:
        for line in (EXAMPLES / "invalid" / case / "expected.txt").read_text(encoding="utf-8").splitlines()[:-1]:
            codes.add(line.rsplit("[", 1)[1].rstrip("]"))
    assert {"yaml-syntax", "duplicate-key", "unknown-field", "wrong-type", "missing-field", "invalid-id", "duplicate-id",
            "unknown-role", "unknown-playbook", "unknown-anchor", "unknown-reference", "raci-one-accountable",
            "raci-needs-responsible", "empty-file", "not-utf8", "unknown-segment", "reserved-id", "unknown-phase",
            "alias-limit", "number-too-long", "unsupported-tag", "too-deep", "skipped-file", "portal-class",
            "unknown-timezone"} <= codes


@pytest.mark.parametrize("written, hint", [
    ("JST", "did you mean 'Asia/Tokyo'? write timezone: Asia/Tokyo"),
    ("tokyo", "did you mean 'Asia/Tokyo'? write timezone: Asia/Tokyo"),
    ("asia/tokyo", "did you mean 'Asia/Tokyo'? write timezone: Asia/Tokyo"),
    ("New York", "did you mean 'America/New_York'? write timezone: America/New_York"),
    ("Europe/Berln", "did you mean 'Europe/Berlin'? write timezone: Europe/Berlin"),
    ("IST", "did you mean one of 'Asia/Kolkata', 'Asia/Jerusalem', 'Europe/Dublin'? write the one your team is in"),
    ("UTC+9", "write the zone's name, not an offset, which daylight saving makes wrong half the year: an IANA name, "
              "Region/City as in the tz database: Asia/Tokyo, Europe/Berlin, America/New_York, or UTC"),
    ("localtime", "write an IANA name, Region/City as in the tz database: Asia/Tokyo, Europe/Berlin, "
                  "America/New_York, or UTC"),
])
def test_a_timezone_that_is_no_iana_name_is_an_error_at_its_line_naming_the_fix(written, hint, project_factory, run):
    project = project_factory({"content/settings.yml": f"review_interval: 90d\ntimezone: {written}\n"})
    result = run("validate", "--project", project)
    assert result.output.splitlines()[0] == (f"content/settings.yml:2:11: error: unknown timezone '{written}' ({hint}) "
                                             "[unknown-timezone]")
    assert result.exit_code == 1


def test_a_timezone_holding_markup_is_one_shape_error(project_factory, run):
    # the schema holds a timezone to a name's letters, so the escaping sweep (test_security_xss) need not probe it
    project = project_factory({"content/settings.yml": 'review_interval: 90d\ntimezone: "<b>Asia/Tokyo</b>"\n'})
    result = run("validate", "--project", project)
    assert result.output.splitlines()[:2] == [
        "content/settings.yml:2:11: error: '<b>Asia/Tokyo</b>' is not valid for timezone (write an IANA timezone "
        "name, e.g. Asia/Tokyo, Europe/Berlin or UTC) [invalid-value]", "1 error in 1 file"], result.output
    assert result.exit_code == 1


@pytest.mark.parametrize("written", ["Asia/Tokyo", "Europe/Berlin", "UTC", "America/Sao_Paulo"])
def test_an_iana_timezone_is_valid(written, project_factory, run):
    project = project_factory({"content/settings.yml": f"timezone: {written}\n"})
    result = run("validate", "--project", project)
    assert "timezone" not in result.output and result.exit_code == 0, result.output


def test_github_format_prints_annotations(tmp_path, run):
    project = _case_project(tmp_path, "unknown-role")
    result = run("validate", "--project", project, "--format", "github")
    first = result.output.splitlines()[0]
    assert first == ("::error file=content/playbooks/renewal.yml,line=2,col=8,title=unknown-role::"
                     "unknown role 'csmm' in owner of 'renewal' (did you mean 'csm'?; roles live in content/roles.yml) [unknown-role]")
    assert result.exit_code == 1


def test_github_annotations_place_a_file_whose_name_holds_a_comma_or_colon(project_factory, run):
    """GitHub reads an annotation's properties up to each ',' and ':' (file=…,line=…): a file named q,a.yml was
    annotated as 'content/faq/q' with a stray 'a.yml' property, so the error showed on no file of the PR."""
    from urllib.parse import unquote

    faq = "title: Q\nentries:\n  - {id: one, q: One?, a: Yes.}\n"
    project = project_factory({"content/faq/q,a.yml": faq, "content/faq/at:time.yml": faq})
    result = run("validate", "--project", project, "--format", "github")
    annotated = []
    for line in result.output.splitlines()[:-1]:
        parts = line.split("::")[1].split(" ", 1)[1].split(",")
        assert all("=" in part for part in parts), line  # each property whole: no piece of a name left over
        properties = dict(part.split("=", 1) for part in parts)
        assert set(properties) == {"file", "line", "col", "title"}, line
        annotated.append(unquote(properties["file"]))
    assert {"content/faq/q,a.yml", "content/faq/at:time.yml"} <= set(annotated), result.output
    assert result.exit_code == 1


def test_github_annotations_name_files_from_the_repository_root(tmp_path, run):
    """GitHub places an annotation by its path from the repository's root: `--project examples/ja` annotated
    content/playbooks/qbr.yml, which in this repository is the English playbook."""
    import subprocess

    repo = tmp_path / "repo"
    project = repo / "examples" / "ja"
    shutil.copytree(EXAMPLES / "base", project)
    shutil.copytree(EXAMPLES / "invalid" / "unknown-role", project, dirs_exist_ok=True)
    subprocess.run(["git", "init", "-q", str(repo)], check=True)
    result = run("validate", "--project", project, "--format", "github")
    assert result.output.startswith("::error file=examples/ja/content/playbooks/renewal.yml,line=2,col=8,"), result.output
    assert run("validate", "--project", project).output.startswith("content/playbooks/renewal.yml:2:8: error:")


def test_github_annotations_write_out_terminal_sequences_from_content(project_factory, run):
    """A page id holding a terminal sequence reached the annotation raw, though the text format writes it out:
    the unknown-anchor hint naming the page an answer moved to set the CI log's window title (OSC), started a
    C1 escape (U+009B) and showed the link backwards (U+202E). The annotation says what the text line says."""
    project = project_factory({
        "content/faq/a.yml": "title: A\nentries:\n  - {id: two, q: Two?, a: 'See [one](faq:a#one).'}\n",
        "content/faq/b.yml": 'id: "b\\e]0;owned\\a\\x9b2J\\u202eevil"\ntitle: B\nentries:\n  - {id: one, q: One?, a: Yes.}\n'})
    text = run("validate", "--project", project, "--format", "text").output
    github = run("validate", "--project", project, "--format", "github").output
    assert "it is in FAQ topic 'b\\u001b]0;owned\\u0007\\u009b2J\\u202eevil'" in text
    assert "it is in FAQ topic 'b\\u001b]0;owned\\u0007\\u009b2J\\u202eevil'" in github
    assert not set(github) & {"\x1b", "\x07", "\x9b", "\u202e"}, ascii(github)


def test_github_format_is_picked_automatically_inside_actions(tmp_path, run, monkeypatch):
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    result = run("validate", "--project", _case_project(tmp_path, "duplicate-key"))
    assert result.output.startswith("::error file=content/playbooks/renewal.yml,line=6,col=1,")


def test_json_format_lists_problems(tmp_path, run):
    result = run("validate", "--project", _case_project(tmp_path, "empty-file"), "--format", "json")
    payload = json.loads(result.output)
    assert payload["problems"] == [{"path": "content/faq/renewals.yml", "line": 1, "col": 1, "severity": "error",
                                    "code": "empty-file", "message": "file is empty", "hint": "add content or delete the file"}]
    assert payload["summary"] == "1 error in 1 file"


def test_clean_content_exits_zero(project_factory, run):
    project = project_factory({"content/playbooks/first.yml": """\
        title: My first playbook
        steps:
          - id: call-the-customer
            title: Call the customer
        """})
    result = run("validate", "--project", project)
    assert result.exit_code == 0
    assert result.output == "content is valid (no errors)\n"


def test_a_file_with_thousands_of_problems_shows_its_first_ones_and_counts_the_rest(project_factory, run):
    """A 900 KB file of 60,000 steps without a title printed 60,000 lines (7 MB) to the terminal, its first problems,
    often the cause of the rest, scrolled out of reach. Text shows 50 of a file and counts the others; JSON and
    GitHub annotations keep every one; the summary and exit code count them all; build says the same."""
    steps = "".join(f"  - id: s{n}\n" for n in range(120))
    project = project_factory({"content/playbooks/first.yml": "title: T\nsteps:\n" + steps,
                               "content/playbooks/other.yml": "title: T\nsteps:\n  - id: a\n"})
    result = run("validate", "--project", project)
    lines = result.output.splitlines()
    assert result.exit_code == 1 and len(lines) == 50 + 1 + 1 + 1, result.output
    assert lines[49].startswith("content/playbooks/first.yml:52:5: error: missing required field 'title' in steps[49]")
    assert lines[50] == "content/playbooks/first.yml: … and 70 more in this file (--format json lists every one)"
    assert lines[51].startswith("content/playbooks/other.yml:3:5: error: missing required field 'title'")
    assert lines[52] == "121 errors in 2 files"
    assert len(json.loads(run("validate", "--project", project, "--format", "json").output)["problems"]) == 121
    assert run("validate", "--project", project, "--format", "github").output.count("::error ") == 121
    built = run("build", "--project", project, "--quiet")
    assert built.exit_code == 1 and "… and 70 more in this file" in built.output, built.output
    assert built.output.count("missing required field") == 51, built.output
    # two files over the limit: each one's count follows its own lines (mutation pass: only one file was long)
    project = project_factory({
        "content/playbooks/a.yml": "title: T\nsteps:\n" + "".join(f"  - id: s{n}\n" for n in range(52)),
        "content/playbooks/b.yml": "title: T\nsteps:\n" + "".join(f"  - id: s{n}\n" for n in range(53))})
    lines = run("validate", "--project", project).output.splitlines()
    assert [(n, line) for n, line in enumerate(lines) if "more in this file" in line] == [
        (50, "content/playbooks/a.yml: … and 2 more in this file (--format json lists every one)"),
        (101, "content/playbooks/b.yml: … and 3 more in this file (--format json lists every one)")], lines


def test_validate_json_writes_out_the_characters_a_terminal_acts_on(project_factory, run):
    """A message quotes the value it is about: an unknown role 'nobody' followed by U+202E or U+009B went raw into
    `validate --format json` (printed to a CI log or a terminal), where it reverses or starts an escape sequence;
    text output writes it out. JSON's message says what the text line says: written out, so an editor or bot showing
    the decoded message is not reversed or split either (a line break showed raw there, quoted values written out)."""
    project = project_factory({"content/playbooks/p.yml": (
        "title: T\nowner: csm\nsteps:\n  - {id: a, title: A, owner: csm, raci: {R: csm, A: \"nobody\\u202e\\x9b\"}}\n")})
    result = run("validate", "--project", project, "--format", "json")
    assert result.exit_code == 1 and not re.search("[\u202e\x9b]", result.output), result.output
    messages = [problem["message"] for problem in json.loads(result.output)["problems"]]
    assert "unknown role 'nobody\\u202e\\u009b' in A of 'a'" in messages, messages


def test_a_role_in_two_raci_letters_is_told_what_the_rule_is(project_factory, run):
    """A role listed twice under R was 'both R and R', and one both consulted and informed was told 'a role is
    either consulted/informed or doing the work, not both', which it is not. Each slip is now named as it is. A step's
    owner does the step: one only consulted in its RACI passed, and its role page listed it under C alone."""
    project = project_factory({"content/playbooks/first.yml": """\
        title: My first playbook
        steps:
          - {id: twice, title: T, raci: {R: [csm, csm], A: cs-lead}}
          - {id: doing-and-consulted, title: T, raci: {R: csm, A: cs-lead, C: csm}}
          - {id: consulted-and-informed, title: T, raci: {R: csm, A: cs-lead, C: cs-ops, I: cs-ops}}
          - {id: responsible-and-accountable, title: T, raci: {R: cs-lead, A: cs-lead}}
          - {id: owner-consulted, title: T, owner: csm, raci: {R: cs-ops, A: cs-lead, C: csm}}
          - {id: owner-accountable, title: T, owner: cs-lead, raci: {R: csm, A: cs-lead}}
          - {id: owner-outside, title: T, owner: cs-ops, raci: {R: csm, A: cs-lead}}
        """})
    result = run("validate", "--project", project)
    assert result.exit_code == 1
    assert result.output.splitlines() == [
        "content/playbooks/first.yml:3:43: error: role 'csm' is listed twice in R of 'twice' (remove one) [raci-conflict]",
        "content/playbooks/first.yml:4:71: error: role 'csm' is both R and C in 'doing-and-consulted' (a role is either "
        "consulted/informed or doing the work, not both) [raci-conflict]",
        "content/playbooks/first.yml:5:85: error: role 'cs-ops' is both C and I in 'consulted-and-informed' (a consulted "
        "role is kept informed too: keep it in C only) [raci-conflict]",
        # the step page said csm does the step, its role page listed it as consulted only
        "content/playbooks/first.yml:7:44: error: owner 'csm' of 'owner-consulted' is C in its raci, not doing the "
        "step (the owner does the step: move 'csm' to R in the raci, or make the role that does it the owner) "
        "[raci-conflict]",
        "4 errors in 1 file"]


def test_missing_content_folder_is_explained(tmp_path, run):
    result = run("validate", "--project", tmp_path)
    assert result.exit_code == 1
    assert "no content/ folder" in result.output and "--project DIR" in result.output


def test_bundled_content_is_valid(run):
    repo = Path(__file__).resolve().parent.parent
    for project in (repo, repo / "examples" / "ja"):
        result = run("validate", "--project", project)
        assert result.exit_code == 0, result.output


def test_a_file_that_does_not_parse_is_reported_first_and_references_to_it_are_summarised(project_factory, run):
    """One mis-indented line must not bury itself under 'unknown playbook' errors from every file that links to it."""
    project = project_factory({
        "content/playbooks/alpha.yml": "title: Alpha\nrelated: [zulu]\nsteps:\n  - {id: a, title: A, owner: csm}\n",
        "content/faq/basics.yml": ("title: Basics\nentries:\n  - id: q\n    q: Q?\n"
                                   "    a: See [z](playbook:zulu#kickoff) and [z2](playbook:zulu).\n"),
        "content/playbooks/zulu.yml": "title: Zulu\nsteps:\n  - id: kickoff\n      title: Kickoff\n",
        "content/playbooks/beta.yml": "title: Beta\nowner: csmm\nsteps:\n  - {id: b, title: B}\n",
    })
    result = run("validate", "--project", project)
    assert result.exit_code == 1
    assert result.output == (
        "content/playbooks/zulu.yml:4:7: error: YAML syntax error: 'title: Kickoff' is indented 6 spaces, deeper than "
        "'id:' on line 3 (4 spaces), which already has a value, so YAML reads it as more of that value's text (indent "
        "it 4 spaces, as 'id:' is) [yaml-syntax]\n"
        "content/playbooks/zulu.yml:1:1: notice: 3 references from 2 other files to ids in zulu.yml are not checked "
        "until it is fixed (fix the error above, then validate again) [references-not-checked]\n"
        "content/playbooks/beta.yml:2:8: error: unknown role 'csmm' in owner of 'beta' (did you mean 'csm'?; "
        "roles live in content/roles.yml) [unknown-role]\n"
        "2 errors in 2 files\n")


LINKS_PLAYBOOK = """\
title: Links
steps:
  - id: first
    title: First
    body: |
      Before <span id="second">x</span>.
      {: #third }

      See [the guide](guide), [nothing](#nope), [second](#second), [qbr](/playbooks/qbr/), <a href="old/">old</a>.

      Back to [steps](#steps), [mine](#mine) <a name="mine"></a>, `[code](guide)`, [top](#), data-id="second".

          [indented code](guide) and {{#second}}Mustache{{/second}}

      [^1]: a note
  - {id: second, title: Second, body: "An [aside](#aside) <b id='aside'>here</b> and [web](https://example.com)."}
  - {id: third, title: Third}
"""


def test_a_path_copied_from_the_portal_is_told_its_cross_reference(project_factory, run):
    """A link pasted from the address bar or a built page ('../../faq/renewals/#when') was told to 'link with
    playbook:, …' and an example step no page has; the hint now names the cross-reference the path means."""
    body = "See [when](../../faq/renewals/#when-to-start), [NRR](../glossary/#nrr) and [me](/roles/csm/)."
    project = project_factory({"content/playbooks/links.yml":
                               f"title: Links\nsteps:\n  - id: first\n    title: First\n    body: {body}\n"})
    lines = [line for line in run("validate", "--project", project).output.splitlines() if "links.yml" in line]
    assert lines == [
        f"content/playbooks/links.yml:5:{col}: error: link '{target}' is a path; csops makes the pages, so a path "
        f"leads nowhere (write it as '{reference}', a cross-reference the build resolves and checks) [link-path]"
        for col, target, reference in ((22, "../../faq/renewals/#when-to-start", "faq:renewals#when-to-start"),
                                       (64, "../glossary/#nrr", "glossary:nrr"), (91, "/roles/csm/", "role:csm"))]


def test_links_validate_passes_are_links_the_build_can_make(project_factory, run):
    """Paths, #anchors the page lacks and footnotes passed validate and then failed the build naming a generated
    file; an id in a text that is also a step's anchor took that step's links (red team). Code, prose that looks
    like an attribute, and links to the page's top are left alone (red team of the rule)."""
    project = project_factory({"content/playbooks/links.yml": LINKS_PLAYBOOK})
    lines = [line for line in run("validate", "--project", project).output.splitlines() if "links.yml" in line]
    hint = ("link with playbook:, onboarding:, faq:, chart:, role:, glossary: (e.g. playbook:renewal-runway#kickoff) "
            "or a full https:// address")
    assert lines == [
        "content/playbooks/links.yml:6:24: error: id 'second' here is also the anchor of step 'second': links to #second "
        "would land here (remove it, or pick an id no item of this page has) [id-taken]",
        "content/playbooks/links.yml:7:11: error: id 'third' here is also the anchor of step 'third': links to #third "
        "would land here (remove it, or pick an id no item of this page has) [id-taken]",
        f"content/playbooks/links.yml:9:23: error: link 'guide' is a path; csops makes the pages, so a path leads nowhere ({hint}) [link-path]",
        "content/playbooks/links.yml:9:41: error: link '#nope' names no item, section or heading of this page "
        "(known: aside, first, mine, overview, second, steps, third, timeline) [unknown-anchor]",
        "content/playbooks/links.yml:9:74: error: link '/playbooks/qbr/' is a path; csops makes the pages, so a path leads "
        "nowhere (write it as 'playbook:qbr', a cross-reference the build resolves and checks) [link-path]",
        f"content/playbooks/links.yml:9:101: error: link 'old/' is a path; csops makes the pages, so a path leads "
        f"nowhere ({hint}) [link-path]",
        "content/playbooks/links.yml:15:7: error: footnotes are not supported: '[^1]: a' is read as a link to 'a', which "
        "leads nowhere (write the note in the text) [link-path]",
    ]
    fixed = LINKS_PLAYBOOK.replace('<span id="second">x</span>.\n      {: #third }', "a list.").replace(
        "[the guide](guide), [nothing](#nope), [second](#second), [qbr](/playbooks/qbr/), <a href=\"old/\">old</a>",
        "[second](#second)").replace("[^1]: a note", "A note.")
    (project / "content/playbooks/links.yml").write_text(fixed, encoding="utf-8")
    assert run("build", "--project", project).exit_code == 0  # every link validate lets through, the build makes


def test_a_cross_reference_to_another_pages_section_builds_as_the_hint_says(project_factory, run):
    """'#raci' in a playbook was refused with the hint "to link to a chart page's, write chart:<id>#raci", and
    chart:duties#raci was then refused too ("unknown activity 'raci'"): a page's own sections are anchors a
    cross-reference may name, as the built page has them; one the page does not have is still refused."""
    project = project_factory({
        "content/playbooks/links.yml": "title: Links\nsteps:\n  - id: first\n    title: First\n"
                                       "    body: See [RACI](chart:duties#raci), [its steps](playbook:other#steps) and "
                                       "[the list](onboarding:start#overview), [what the CSM answers for](role:csm#accountable).\n",
        "content/playbooks/other.yml": "title: Other\nsteps:\n  - {id: one, title: One, body: Done.}\n",
        "content/onboarding/start.yml": "title: Start\nsections:\n  - id: week\n    title: Week\n"
                                        "    items:\n      - {id: meet, text: Meet}\n",
        "content/charts/duties.yml": "title: Duties\nactivities:\n  - id: work\n    name: Work\n    raci: {R: csm, A: csm}\n"})
    result = run("validate", "--project", project)
    assert result.exit_code == 0 and "error:" not in result.output, result.output
    assert run("build", "--project", project).exit_code == 0  # the build's link check finds every one of them
    html = (project / "site/playbooks/links/index.html").read_text(encoding="utf-8")
    assert 'href="../../charts/duties/#raci"' in html and 'href="../other/#steps"' in html
    assert 'href="../../roles/csm/#accountable"' in html
    links = project / "content/playbooks/links.yml"
    links.write_text(links.read_text(encoding="utf-8").replace("playbook:other#steps", "playbook:other#related"),
                     encoding="utf-8")
    lines = [line for line in run("validate", "--project", project).output.splitlines() if "error:" in line]
    assert len(lines) == 1 and "unknown step 'related' in playbook 'other'" in lines[0], lines  # it lists none


def test_a_section_another_kind_of_page_has_is_refused_at_its_line(project_factory, run):
    """'[the RACI](#raci)' in a playbook passed validate (#raci is a chart page's section) and the build then failed
    naming the generated Markdown file; so did #related on a playbook that lists no related playbooks."""
    project = project_factory({
        "content/playbooks/links.yml": "title: Links\nsteps:\n  - id: first\n    title: First\n"
                                       "    body: See [RACI](#raci), [related](#related) and [steps](#steps).\n",
        "content/charts/duties.yml": "title: Duties\nactivities:\n  - id: work\n    name: Work\n"
                                     "    description: See [RACI](#raci) and [all](#activities).\n    raci: {R: csm, A: csm}\n"})
    lines = [line for line in run("validate", "--project", project).output.splitlines() if "error:" in line]
    sections = "a playbook page's sections are #overview, #timeline, #steps, and #related when it has related:"
    assert lines == [
        f"content/playbooks/links.yml:5:22: error: link '#raci' names a section this page does not have ({sections}; "
        "to link to a chart page's, write chart:<id>#raci) [unknown-anchor]",
        f"content/playbooks/links.yml:5:40: error: link '#related' names a section this page does not have ({sections}) "
        "[unknown-anchor]"]
    links = project / "content/playbooks/links.yml"
    links.write_text(links.read_text(encoding="utf-8").replace("[RACI](#raci), ", "") + "related: [other]\n", encoding="utf-8")
    (project / "content/playbooks/other.yml").write_text(
        "title: Other\nsteps:\n  - {id: one, title: One, body: Done.}\n", encoding="utf-8")
    assert run("build", "--project", project).exit_code == 0  # what validate lets through, the build makes
    assert 'id="related"' not in (project / "site/playbooks/other/index.html").read_text(encoding="utf-8")


def test_the_sections_hint_on_an_onboarding_checklist_reads_as_english(project_factory, run):
    """It said "a onboarding checklist page's sections are #overview"."""
    project = project_factory({"content/onboarding/ramp.yml": "title: Ramp\nsections:\n  - id: first\n    title: First\n"
                                                             "    items:\n      - {id: read, text: 'Read [x](#raci)'}\n"})
    output = run("validate", "--project", project).output
    assert "(an onboarding checklist page's sections are #overview; to link to a chart page's" in output, output


@pytest.mark.parametrize("body", [
    "## 手順の詳細\n\n[詳細へ](#手順の詳細)", "## Café notes\n\n[x](#café-notes)", "Details\n-------\n\n[d](#details)",
    "## Notes\n\nOne.\n\n## Notes\n\n[x](#notes_1)",
])
def test_a_link_to_a_heading_is_left_to_the_build_which_knows_its_anchor(project_factory, run, body):
    """Headings' anchors come from the project's slugify (Unicode kept, duplicates _1): validate refused links to
    Japanese, accented, underlined and repeated headings that build fine (red team of the rule)."""
    text = "title: H\nsteps:\n  - id: a\n    title: A\n    body: |\n" + "".join(f"      {l}\n" for l in body.split("\n"))
    project = project_factory({"content/playbooks/h.yml": text,
                               "mkdocs.yml": "site_name: H\nsite_url: https://portal.acme.test/\ntheme:\n  name: material\n"
                                             "markdown_extensions:\n  - toc:\n      slugify: !!python/object/apply:"
                                             "pymdownx.slugs.slugify {kwds: {case: lower}}\n"})
    assert run("validate", "--project", project).exit_code == 0
    assert run("build", "--project", project).exit_code == 0


def test_a_link_beside_a_heading_must_name_a_heading_or_section_the_page_has(project_factory, run):
    """With a heading in a text, any #link passed validate (the heading's anchor is the slugify's), so '#raci' in an
    FAQ answer or a typo such as '#note' passed and the build failed naming the generated Markdown file. The
    headings' ids are now read with the site's toc slugify; a site with other Markdown extensions keeps the old rule."""
    answer = ("See [a](#raci), [b](#note), [c](#notes), [d](#notes_1), [e](#手順), [f](#overview), "
              "[g](#%E6%89%8B%E9%A0%86), [h](#notes_2), [i](#overview_1) and [j](#overview_2)."
              "\n\n## Notes\n\nOne.\n\n## Notes\n\n## 手順\n\n## Overview\n")  # #overview_1: the title is #overview
    faq = "title: F\nentries:\n  - id: one\n    q: One?\n    a: |\n" + "".join(f"      {l}\n" for l in answer.split("\n"))
    project = project_factory({"content/faq/f.yml": faq})
    lines = [line.split(" (")[0] for line in run("validate", "--project", project).output.splitlines() if "error:" in line]
    assert lines == ["content/faq/f.yml:6:15: error: link '#raci' names a section this page does not have",
                     "content/faq/f.yml:6:27: error: link '#note' names no item, section or heading of this page",
                     "content/faq/f.yml:6:93: error: link '#%E6%89%8B%E9%A0%86' names no item, section or heading of "
                     "this page",  # MkDocs does not decode it either
                     "content/faq/f.yml:6:119: error: link '#notes_2' names no item, section or heading of this page",
                     "content/faq/f.yml:6:155: error: link '#overview_2' names no item, section or heading of this page"]
    assert "(did you mean 'notes'?)" in run("validate", "--project", project).output
    (project / "content/faq/f.yml").write_text(faq.replace("[a](#raci), [b](#note), ", "").replace(
        ", [g](#%E6%89%8B%E9%A0%86), [h](#notes_2), [i](#overview_1) and [j](#overview_2)", " and [i](#overview_1)"),
        encoding="utf-8")
    result = run("build", "--project", project)  # what validate lets through, the build makes
    assert result.exit_code == 0, result.output
    with_emoji = (project / "mkdocs.yml").read_text(encoding="utf-8") + "markdown_extensions:\n  - toc\n  - pymdownx.emoji\n"
    (project / "mkdocs.yml").write_text(with_emoji, encoding="utf-8")
    (project / "content/faq/f.yml").write_text(faq, encoding="utf-8")  # a heading's text is not known: left to MkDocs
    assert [line for line in run("validate", "--project", project).output.splitlines() if "error:" in line] == []
    # the content cache kept the file as clean under those settings: without the extension it is judged again
    (project / "mkdocs.yml").write_text(with_emoji.replace("  - pymdownx.emoji\n", ""), encoding="utf-8")
    again = [line.split(" (")[0] for line in run("validate", "--project", project).output.splitlines() if "error:" in line]
    assert again == lines


def test_the_settings_a_links_heading_check_was_cached_under_include_the_file_mkdocs_yml_inherits(project_factory, run):
    """The content cache keeps a file's links as clean under the Markdown settings they were judged with, keyed by
    mkdocs.yml's own bytes: with the extensions listed in the file it INHERITs, removing one there (after which the
    headings' ids are known, and '#raci' names no section) changed no byte of mkdocs.yml, and validate kept passing
    a link the build then refused. The key is now the settings as read, INHERIT chain included."""
    faq = ("title: F\nentries:\n  - id: one\n    q: One?\n    a: |\n      See [a](#raci).\n\n"
           "      ## Notes\n")
    project = project_factory({"content/faq/f.yml": faq})
    config = project / "mkdocs.yml"
    config.write_text("INHERIT: base.yml\n" + config.read_text(encoding="utf-8"), encoding="utf-8")
    (project / "base.yml").write_text("markdown_extensions:\n  - toc\n  - pymdownx.emoji\n", encoding="utf-8")
    assert run("validate", "--project", project).exit_code == 0  # a heading's text is not known: left to MkDocs
    (project / "base.yml").write_text("markdown_extensions:\n  - toc\n", encoding="utf-8")
    validated = run("validate", "--project", project)
    assert validated.exit_code == 1 and validated.output.startswith(
        "content/faq/f.yml:6:15: error: link '#raci' names a section this page does not have"), validated.output


def test_validate_and_build_read_mkdocs_yml_once_and_hand_that_reading_on(project_factory, run, monkeypatch):
    """validate read and parsed mkdocs.yml three times (its settings' checks, the example site_url's, the headings'
    ids a #link is checked against) and the build four (the same, and its own settings first): each reading could
    see another file than the last when a save lands mid-run, and each paid for MkDocs' YAML loader again. Each
    command now reads it once (with the file it INHERITs) and hands that reading to every check."""
    from generator import mkdocs_yaml

    faq = "title: F\nentries:\n  - id: one\n    q: One?\n    a: |\n      See [a](#notes).\n\n      ## Notes\n"
    project = project_factory({"content/faq/f.yml": faq})
    config = project / "mkdocs.yml"
    config.write_text("INHERIT: base.yml\n" + config.read_text(encoding="utf-8"), encoding="utf-8")
    (project / "base.yml").write_text("copyright: ACME\n", encoding="utf-8")
    reads = []
    real = mkdocs_yaml._read
    monkeypatch.setattr(mkdocs_yaml, "_read", lambda path, *args: (reads.append(path.name), real(path, *args))[1])
    assert run("validate", "--project", project).exit_code == 0
    assert reads == ["mkdocs.yml", "base.yml"], reads
    reads.clear()
    assert run("build", "--project", project, "--quiet").exit_code == 0
    assert reads == ["mkdocs.yml", "base.yml"], reads


@pytest.mark.parametrize("text", ["x\n{" + " " * 40_000 + "x", "x\n{: #" + "a" * 40_000, "*a*{" + " \t" * 20_000,
                                  "# Notes {" + " " * 40_000])
def test_an_attribute_list_left_open_is_checked_in_linear_time(text):
    """A "{" followed by 40,000 spaces or letters and no "}" kept the id-taken check busy 11 s (100,000: over 30 s):
    the attribute-list pattern could split the same run of characters many ways (red team). The loader now reads no
    value over 20,000 characters, so the pattern is timed on its own, at the length that found it."""
    from generator.rules.references import _TEXT_ID

    start = time.perf_counter()
    assert list(_TEXT_ID.finditer(text)) == []
    assert time.perf_counter() - start < 3


@pytest.mark.parametrize("text", ["".join("`" * n + "a" for n in range(1, 400)),
                                  "<div>\n\n" + "```x\n" * 30_000])
def test_code_left_open_is_found_in_linear_time(text):
    """Backtick runs that close nothing, and fences left open, were each tried against all the text after them:
    400 runs of different lengths (80 KB) kept validate and the build busy 40 s, 30,000 open fences after an
    unclosed <div> minutes (red team). Timed on their own, as the loader now refuses such a body whole."""
    from generator.rules.markdown_html import _without_code as without_fences_and_spans
    from generator.urls import without_code

    start = time.perf_counter()
    assert len(without_code(text)) == len(without_fences_and_spans(text)) == len(text)
    assert time.perf_counter() - start < 3


def test_a_value_too_long_to_be_one_step_is_refused_in_a_moment(project_factory, run):
    """150 kB of fences after an unclosed <div> in one body took Python-Markdown 7 s in validate and again in the
    build (red team): no step, answer or section needs more than 20,000 characters."""
    body = "<div>\n\n" + "~~~~\n" * 30_000
    project = project_factory({"content/playbooks/open.yml": "title: Open\nsteps:\n  - id: a\n    title: A\n"
                                                              f"    body: {json.dumps(body)}\n"})
    start = time.perf_counter()
    result = run("validate", "--project", project)
    assert time.perf_counter() - start < 3
    assert result.exit_code == 1 and ("content/playbooks/open.yml:5:11: error: a value of 150,007 characters; csops "
                                      "reads at most 20,000 in one value") in result.output


def test_control_characters_in_text_are_located_errors(project_factory, run):
    """YAML escapes let a backspace or an escape sequence into titles and bodies: they reached the pages raw, and
    `csops search` printed them to the terminal, where they hide or forge text (red team)."""
    project = project_factory({"content/playbooks/ctl.yml": (
        'title: "Ctl \\v\\f\\x1b[31m"\nsteps:\n  - {id: a, title: "Step \\b", body: "tab\\tand\\nbreak are text"}\n'
        '  - id: b\n    title: B\n    checklist: ["ok", "bell \\x07"]\n')})
    result = run("validate", "--project", project)
    hint = "(delete it; in double quotes it is written as an escape such as \\x1b, \\b or \\v) [control-character]"
    assert [line for line in result.output.splitlines() if "ctl.yml" in line] == [
        f"content/playbooks/ctl.yml:1:13: error: title holds the control character U+000B {hint}",
        f"content/playbooks/ctl.yml:3:26: error: title holds the control character U+0008 {hint}",
        f"content/playbooks/ctl.yml:6:23: error: checklist holds the control character U+0007 {hint}",
    ]


@pytest.mark.parametrize("escape", ["\\u2028", "\\u2029"])
def test_a_line_separator_escaped_in_an_id_is_written_out_in_the_message(project_factory, run, escape):
    """An id written "\\u2028" (the escape YAML turns into a line separator) was quoted raw in its invalid-id error,
    so a CI step or editor reading the output by lines (Python's splitlines, JavaScript) got the message cut in
    two, the second half with no file:line:col (found by the content fuzzer)."""
    project = project_factory({"content/glossary.yml": f'terms:\n  - {{id: "a{escape}b", term: T, definition: D.}}\n'})
    result = run("validate", "--project", project, "--format", "text")
    assert result.exit_code == 1
    assert result.output.splitlines() == result.output.split("\n")[:-1], result.output
    assert f"content/glossary.yml:2:10: error: 'a{escape}b' is not a valid id in terms[0].id" in result.output


@pytest.mark.parametrize("fmt", ["text", "json", "github"])
def test_a_line_break_in_a_quoted_value_shows_as_backslash_n_in_every_message_and_format(project_factory, run, fmt):
    """An owner "cs-\\nops" was quoted raw by unknown-role (and every message that quoted a value without
    problems.shown): the text line showed \\u000a, the JSON message held a real line break that a reader printing it
    split from its file:line:col. Every message now writes line breaks out as typed, \\n, in every format."""
    project = project_factory({"content/playbooks/renewal.yml": (
        'title: Renewal\nowner: "cs-\\nops"\nrelated: ["q\\nbr"]\nsteps:\n'
        '  - id: |\n      build\n      dashboard\n    title: Build\n    owner: csm\n    raci: {R: csm, A: csm}\n')})
    result = run("validate", "--project", project, "--format", fmt)
    assert result.exit_code == 1
    if fmt == "json":
        messages = [p["message"] + p["hint"] for p in json.loads(result.output)["problems"]]
    else:
        messages = result.output.splitlines()[:-1]
        assert result.output.splitlines() == result.output.split("\n")[:-1], result.output
    assert not any("\n" in m or "\r" in m or "\\u000a" in m for m in messages), messages
    said = "\n".join(messages)
    for quoted in ("unknown role 'cs-\\nops'", "unknown playbook 'q\\nbr'", "'build\\ndashboard\\n' is not a valid id"):
        assert quoted in said, said


def test_direction_controls_are_errors_and_invisible_spaces_warnings(project_factory, run):
    """An RLO in a glossary term reversed the search snippet after it in the panel, and a review shows such text in
    another order than the page (Trojan Source); a zero-width space splits a word for search (red team)."""
    project = project_factory({
        "content/glossary.yml": 'terms:\n  - {id: nrr, term: "NRR \\u202Eevil", definition: "Net\\u2066 retention"}\n',
        "content/playbooks/zw.yml": ('title: "Re\\u200bnewal"\nsteps:\n  - {id: a, title: "A \\u200d joined", '
                                    'body: "emoji \\U0001F469\\u200d\\U0001F4BB and \\u200e marks are text"}\n')})
    result = run("validate", "--project", project)
    assert result.exit_code == 1
    direction = "which shows the text after it in another order than it is written (delete it; retype the text if it came from a paste) [control-character]"
    assert [line for line in result.output.splitlines() if line.startswith("content/")] == [
        f"content/glossary.yml:2:26: error: term holds the direction control U+202E, {direction}",
        f"content/glossary.yml:2:55: error: definition holds the direction control U+2066, {direction}",
        "content/playbooks/zw.yml:1:11: warning: title holds the invisible character U+200B, which splits the word it is "
        "in for search (delete it; retype the word if it came from a paste) [invisible-character]",
    ]


@pytest.mark.parametrize("written, expected", [
    ('"Export to C:\\Users\\csm"', "1:21: error: YAML syntax error: a backslash in double quotes starts an escape (\\n, "
     "\\t, \\u00e9), and '\\U' here starts none YAML can read (write each backslash twice (C:\\\\Users), or put the "
     "value in single quotes, where a backslash is text) [yaml-syntax]"),
    ('"Match \\d+ days"', "1:15: error: YAML syntax error: a backslash in double quotes starts an escape (\\n, \\t, "
     "\\u00e9), and '\\d' here starts none YAML can read"),
    ('"Launch \\ud83d\\ude80"', "1:16: error: YAML syntax error: '\\ud83d' is half of a character (a surrogate, as JSON "
     "writes an emoji in two halves), which YAML does not take (write the character itself, or in double quotes as "
     "\\U and 8 hex digits"),
])
def test_a_backslash_that_starts_no_escape_is_named_at_the_backslash_not_as_an_unclosed_quote(project_factory, run,
                                                                                                written, expected):
    """A Windows path or a regular expression in double quotes, or an emoji pasted as JSON writes it, was 'this quoted
    value is not closed on its line (… found unknown escape character) (close the quote …)': the quote was closed,
    and closing it again fixed nothing (found by the red-team pass)."""
    project = project_factory({"content/playbooks/esc.yml": (
        f"title: {written}\nowner: csm\nsteps:\n  - {{id: a, title: A, owner: csm, raci: {{R: csm, A: csm}}}}\n")})
    result = run("validate", "--project", project)
    assert result.exit_code == 1 and "not closed" not in result.output
    assert f"content/playbooks/esc.yml:{expected}" in result.output


@pytest.mark.parametrize("name, shown", [("q\x1b]0;owned\x07.yml", "q\\u001b]0;owned\\u0007.yml"),
                                         ("gnp\u202e.yml", "gnp\\u202e.yml"),
                                         (os.fsdecode(b"x\xff.yml"), "x\\xff.yml")])
def test_a_file_named_for_validate_whose_name_is_refused_gets_its_error_not_valid(project_factory, run, name, shown):
    """A pre-commit hook passing a commit's file names (README) was told 'the file named is valid (no errors)', exit 0,
    for content/playbooks/q<ESC>.yml: its file-name error carries the name written out, which matched no file named.
    A name that does not exist is quoted written out too, never with its escape sequence (found by the red-team pass)."""
    steps = "title: T\nowner: csm\nsteps:\n  - {id: a, title: A, owner: csm, raci: {R: csm, A: csm}}\n"
    project = project_factory({"content/playbooks/ok.yml": steps})
    (project / "content/playbooks" / name).write_text(steps, encoding="utf-8")
    result = run("validate", project / "content/playbooks" / name, "--project", project)
    assert result.exit_code == 1 and "valid (no errors)" not in result.output
    assert result.output.startswith(f"content/playbooks/{shown}:1:1: error: the file name ")
    missing = CliRunner().invoke(main, ["validate", str(project / "content/playbooks" / ("gone-" + name)), "--project",
                                        str(project)])
    assert missing.exit_code == 2 and f"content/playbooks/gone-{shown}: no such file" in missing.output
    assert not re.search("[\x1b\x07\u202e\udcff]", missing.output)


@pytest.mark.parametrize("line, col, expected", [
    ("summary: > **Note**: renewals start at T-120d", 10, "a value cannot start with '>' and go on with text on its line: "
     "YAML reads '>' as the start of a block of text on the lines below, not as a Markdown quote (quote the value: "
     "\"> **Note**: renewals start at T-120d\", or start the text on the next line, indented under its key)"),
    ("summary: | Renewals | Owner |", 10, "a value cannot start with '|' and go on with text on its line: YAML reads '|' "
     "as the start of a block of text on the lines below (quote the value: \"| Renewals | Owner |\", or start"),
])
def test_a_block_indicator_followed_by_text_is_named_with_its_fix(project_factory, run, line, col, expected):
    """A Markdown quote or table row typed after the key was 'while scanning a block scalar did not find expected
    comment or line break (check indentation and quote values containing ': ' or '#')' (found by the red-team pass)."""
    project = project_factory({"content/playbooks/q.yml": (
        f"title: T\n{line}\nowner: csm\nsteps:\n  - {{id: a, title: A, owner: csm, raci: {{R: csm, A: csm}}}}\n")})
    result = run("validate", "--project", project)
    assert result.exit_code == 1
    assert f"content/playbooks/q.yml:2:{col}: error: YAML syntax error: {expected}" in result.output


def test_a_character_reference_to_a_control_or_direction_character_is_refused_as_the_character_is(project_factory, run):
    """'&#x202e;gnp.exe' in a body passed validate, and the page showed 'exe.png' (the sanitiser writes the
    character itself out); '&#27;]0;…&#7;' put a raw ESC sequence into the page (red team). A reference is read as
    the character it names; references to ordinary characters (&amp;, &lt;, &#233;, &lrm;) stay text."""
    project = project_factory({"content/playbooks/ref.yml": (
        'title: "Refs &ZeroWidthSpace;here"\nsteps:\n  - id: a\n    title: A\n    body: |\n'
        '      Open &#x202E;gnp.exe&#x202c; today.\n  - id: b\n    title: B\n'
        '    checklist: ["bell &#27]0;x&#7;", "Q&amp;A &lt;b&gt; caf&#233; &lrm;ok &#10;"]\n')})
    result = run("validate", "--project", project)
    assert result.exit_code == 1
    assert [line for line in result.output.splitlines() if line.startswith("content/")] == [
        "content/playbooks/ref.yml:1:14: warning: title holds '&ZeroWidthSpace;', a reference to the invisible character "
        "U+200B, which splits the word it is in for search (delete the reference: the page shows the character it "
        "names) [invisible-character]",
        "content/playbooks/ref.yml:6:12: error: body holds '&#x202E;', a reference to the direction control U+202E, "
        "which shows the text after it in another order than it is written (delete the reference: the page shows the "
        "character it names) [control-character]",
        "content/playbooks/ref.yml:9:17: error: checklist holds '&#27', a reference to the control character U+001B "
        "(delete the reference: the page shows the character it names) [control-character]",
    ]


@pytest.mark.parametrize("title, expected", [
    ('"Bell \\x07"', "1:14: error: title holds the control character U+0007"),
    ('"Back \\b"', "1:14: error: title holds the control character U+0008"),
    ('"CSI \\x9b31m"', "1:13: error: title holds the control character U+009B"),
    ("Open &#27;]0;x", "1:13: error: title holds '&#27;', a reference to the control character U+001B"),
    ("Open &#x202e;gnp.exe", "1:13: error: title holds '&#x202e;', a reference to the direction control U+202E"),
    ("Re&ZeroWidthSpace;newal", "1:10: warning: title holds '&ZeroWidthSpace;', a reference to the invisible character U+200B"),
    ('"Re\\ufeffnewal"', "1:11: warning: title holds the invisible character U+FEFF"),
])
def test_a_file_whose_only_hidden_character_is_one_kind_is_still_walked(project_factory, run, title, expected):
    """The rule skips a file whose JSON dump shows no sign of one (a cold check at 1,000 playbooks): each kind of
    sign, alone in its file, must still send the file through the walk (mutation pass: the other tests put several
    in one file, so dropping the sign of a backspace, a C1 control or a reference went unnoticed)."""
    project = project_factory({"content/playbooks/one.yml": (
        f"title: {title}\nowner: csm\nsteps:\n  - {{id: a, title: A, owner: csm, raci: {{R: csm, A: csm}}}}\n")})
    result = run("validate", "--project", project)
    assert f"content/playbooks/one.yml:{expected}" in result.output, result.output
    assert result.exit_code == (0 if "warning" in expected else 1)


def test_index_is_no_page_id_since_it_is_the_sections_own_list_page(project_factory, run):
    """A playbook, FAQ topic or role with id 'index' replaced the section's list page (playbooks/index.html) and
    every check passed, since the URL playbooks/ still existed."""
    project = project_factory({
        "content/roles.yml": "roles:\n  - {id: csm, name: CSM}\n  - {id: index, name: Index}\n",
        "content/playbooks/index.yml": "title: Index\nowner: csm\nsteps:\n  - {id: a, title: A, owner: csm, raci: {R: csm, A: csm}}\n",
        "content/playbooks/alpha.yml": "title: Alpha\naliases: [index]\nowner: csm\nsteps:\n  - {id: a, title: A, owner: csm, raci: {R: csm, A: csm}}\n",
    })
    result = run("validate", "--project", project)
    assert result.exit_code == 1
    hint = "('index' is the address of the section's own list page; pick another id) [reserved-id]"
    assert f"content/roles.yml:3:10: error: role id 'index' is reserved {hint}" in result.output
    assert f"content/playbooks/index.yml:1:1: error: playbook id 'index' is reserved {hint}" in result.output
    assert f"content/playbooks/alpha.yml:2:11: error: alias 'index' is reserved {hint}" in result.output


def test_a_broken_roles_file_does_not_turn_every_owner_into_an_unknown_role(project_factory, run):
    project = project_factory({
        "content/roles.yml": "roles:\n\t- id: csm\n",
        "content/playbooks/alpha.yml": "title: Alpha\nowner: csm\nsteps:\n  - {id: a, title: A, owner: csm, raci: {R: csm, A: csm}}\n",
    })
    lines = run("validate", "--project", project).output.splitlines()
    assert [line.split(": ")[0] for line in lines[:2]] == ["content/roles.yml:2:1", "content/roles.yml:1:1"]
    assert "4 references from 1 other file to ids in roles.yml are not checked until it is fixed" in lines[1]
    assert lines[2:] == ["1 error in 1 file"]


def test_valid_content_is_checked_without_loading_the_full_error_reporter(tmp_path):
    """jsonschema lists every located error, and importing it costs each command ~0.1 s: a portal whose files
    are all valid never needs it (the compiled fast validator says so), an invalid file still gets it."""
    import subprocess
    import sys

    from conftest import REPO, copy_bundled

    project = copy_bundled(tmp_path / "portal", REPO)
    probe = ("import sys; from pathlib import Path; from generator.validate import check_project; "
             "documents, problems = check_project(Path(sys.argv[1])); "
             "print(len(problems), 'jsonschema' in sys.modules)")
    valid = subprocess.run([sys.executable, "-c", probe, str(project)], capture_output=True, text=True, cwd=REPO)
    assert valid.stdout.split() == ["0", "False"], valid.stderr
    faq = project / "content/faq/renewals.yml"
    faq.write_text(faq.read_text(encoding="utf-8").replace("title:", "title: 7\nsubtitle:", 1), encoding="utf-8")
    invalid = subprocess.run([sys.executable, "-c", probe, str(project)], capture_output=True, text=True, cwd=REPO)
    count, loaded = invalid.stdout.split()
    assert int(count) > 0 and loaded == "True", invalid.stderr


@pytest.mark.parametrize("edit, where, message", [
    (lambda text: text + "theme: [\n", "end", "mkdocs.yml is not valid YAML: while parsing a flow node expected the node content"),
    (lambda text: text.replace("\nsite_name:", "\n\tsite_name:", 1), "site_name", "this line is indented with a tab"),
    # explained where the slip is, as in a content file: a key without its colon, a quote or bracket left open
    (lambda text: text.replace("\nsite_name:", "\nsite_name", 1), "site_name", "has no ':' after its key"),
    (lambda text: text.replace("\nsite_name:", '\ncopyright: "(c) 2026 Example Inc.\nsite_name:', 1), "copyright",
     "this quoted value is not closed on its line"),
    (lambda text: text + "watch: [templates, docs\n", "watch", "this '[' is not closed"),
])
def test_a_broken_mkdocs_yml_is_found_by_validate_and_located_by_build(tmp_path, run, edit, where, message):
    """validate said "no errors" for a broken mkdocs.yml, and build then failed in MkDocs' words
    ('in "/tmp/…/mkdocs.yml", line 76, column 1'), not at file:line:col."""
    from conftest import REPO, copy_bundled

    project = copy_bundled(tmp_path / "portal", REPO)
    config = project / "mkdocs.yml"
    text = edit(config.read_text(encoding="utf-8"))
    config.write_text(text, encoding="utf-8")
    lines = text.split("\n")
    line = len(lines) if where == "end" else next(n for n, l in enumerate(lines, 1) if l.lstrip().startswith(where))
    col = 1 if where in ("end", "site_name") else next(l for l in lines if l.startswith(where)).index(":") + 3
    located = f"mkdocs.yml:{line}:{col}: error: "
    validated = run("validate", "--project", project)
    assert validated.exit_code == 1 and located in validated.output and message in validated.output
    built = run("build", "--project", project, "--quiet")
    assert built.exit_code == 1 and f"Error: {located}" in built.output and message in built.output
    assert "Traceback" not in built.output


def test_a_role_written_in_capitals_is_one_error_naming_the_role_meant(tmp_path, run):
    """'owner: CSM' was two errors at one place: an invalid id with an example that is no role ('renewal-runway'),
    and the unknown role that names 'csm'."""
    from conftest import REPO, copy_bundled

    project = copy_bundled(tmp_path / "portal", REPO)
    playbook = project / "content/playbooks/renewal-runway.yml"
    text = playbook.read_text(encoding="utf-8")
    playbook.write_text(text.replace("    owner: csm\n", "    owner: CSM\n", 1).replace("A: cs-lead", "A: [CS-Lead]", 1),
                        encoding="utf-8")
    result = run("validate", "--project", project)
    errors = [line for line in result.output.splitlines() if ": error: " in line]
    assert len(errors) == 2 and all("[unknown-role]" in line for line in errors), errors
    assert {"unknown role 'CSM'" in line and "did you mean 'csm'?" in line for line in errors} == {True, False}
    assert any("unknown role 'CS-Lead'" in line and "did you mean 'cs-lead'?" in line for line in errors)


_BOMB = "extra_b:\n  a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"  a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]\n" for i in range(1, 9))


def _without_edit_uri(text: str) -> str:
    """The bundled mkdocs.yml without its edit_uri line (which edit_uri_template would stand beside)."""
    return text.replace("edit_uri: https://github.com/acme/csops-portal/edit/main/\n", "")


@pytest.mark.parametrize("edit, message", [
    (lambda t: t.replace("site_url: https://cs-portal.example.com/", "site_url: 12"), ":5:11: error: 'site_url' must be a text, not int"),
    (lambda t: t.replace("  language: en", "  language: [en]"), ":16:13: error: 'theme.language' must be a text, not list"),
    (lambda t: t + "extra:\n  csops: [1, 2]\n", "error: 'extra.csops' must be a mapping of settings, not list"),
    (lambda t: t.replace("site_dir: site", "site_dir: !!python/name:pymdownx.slugs.slugify"), ":10:11: error: 'site_dir' must be a text"),
    (lambda t: t + "extra_deep: " + "[" * 5000 + "]" * 5000 + "\n", "nested more than 64 levels deep"),
    # past the limit but short of Python's recursion limit: refused by the count, not by a RecursionError
    (lambda t: t + "extra:\n  deep: " + "[" * 100 + "]" * 100 + "\n", "nested more than 64 levels deep"),
    (lambda t: t + _BOMB, "aliases expand to more than 10,000 values"),
    (lambda t: "# nothing yet\n", "mkdocs.yml has no site_name"),
    (lambda t: "INHERIT: parent.yml\n" + t, ":1:10: error: INHERIT names no file: 'parent.yml'"),
    (lambda t: t.replace("site_dir: site", "site_dir: content"), "site_dir 'content' is in content/"),
    (lambda t: t.replace("site_dir: site", "site_dir: .."), "site_dir '..' is the project folder or holds it"),
    (lambda t: t.replace("site_dir: site", "site_dir: .git/site"), "site_dir '.git/site' is in .git/"),
    (lambda t: t.replace("site_dir: site", "site_dir: mkdocs.yml"), "site_dir 'mkdocs.yml' is a file: the build would "
                                                                    "replace it"),
    (lambda t: t.replace("site_dir: site", "site_dir: mkdocs.yml/site"), ":10:11: error: site_dir 'mkdocs.yml/site' lies in "
                                                                         "mkdocs.yml, which is a file: no folder can be made there"),
    (lambda t: t.replace("site_dir: site", 'site_dir: "\\ud800"'), "site_dir '\\ud800' holds characters no file name can hold"),
    # validate passed both; the build refused them unlocated ("Config value 'theem': Unrecognised configuration name")
    (lambda t: t.replace("\ntheme:", "\ntheem:"), "error: 'theem' is not a MkDocs setting; the build would refuse it (did you "
                                                   "mean 'theme'?)"),
    (lambda t: t.replace("site_url: https://cs-portal.example.com/", "site_url: not a url"),
     ":5:11: error: site_url 'not a url' is not a web address"),
    (lambda t: t.replace("site_url: https://cs-portal.example.com/", "site_url: http://[::1/"),
     ":5:11: error: site_url 'http://[::1/' is not a web address"),  # a traceback from urlsplit in both commands
    (lambda t: t.replace("site_url: https://cs-portal.example.com/", 'site_url: "https://cs.acme.test/a b"'),
     "error: site_url 'https://cs.acme.test/a b' is not a web address"),  # links for tickets held the space
    (lambda t: t.replace("site_url: https://cs-portal.example.com/", "site_url: ftp://cs.acme.test/portal/"),
     ":5:11: error: site_url 'ftp://cs.acme.test/portal/' is not a web address"),  # no browser opens its pages
    # MkDocs takes any scheme with a host, and Material linked it on every page: the edit button and repository link
    # ran the script when clicked (red team)
    (lambda t: t.replace("edit_uri: https://github.com/acme/csops-portal/edit/main/",
                         'edit_uri: "javascript://x%0Aalert(document.domain)//"'),
     ":8:11: error: 'edit_uri' is a script link ('javascript://x%0Aalert(document.domain)//')"),
    (lambda t: t + 'repo_url: " JavaScript://x%0Aalert(1)"\n', "error: 'repo_url' is a script link"),
    # Material writes social links into href="…" as they are, and the browser reads the character references first
    (lambda t: t + 'extra:\n  social:\n    - icon: fontawesome/brands/github\n      link: "javascript&colon;alert(1)"\n',
     "error: 'extra.social.link' is a script link ('javascript&colon;alert(1)')"),
    (lambda t: t + 'extra:\n  homepage: "&#106;ava&Tab;script:alert(1)"\n', "error: 'extra.homepage' is a script link"),
    # Material wrote it into every page's repository link as it is: the '"' ended the href, onmouseover ran
    (lambda t: t + 'repo_url: \'https://github.com/acme/x" onmouseover="alert(1)\'\n',
     "error: 'repo_url' holds '\"', '<' or '>' in an address ('https://github.com/acme/x\" onmouseover=\"alert(1)')"),
    (lambda t: t + 'extra:\n  social:\n    - {icon: x, link: "//x.example/&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"}\n',
     "error: 'extra.social.link' holds '\"', '<' or '>' in an address"),
    # validate passed a misspelt plugin; the build refused it on no line ('The "serch" plugin is not installed')
    (lambda t: t.replace("  - search:", "  - serch:"), ":44:5: error: plugin 'serch' is not installed (did you mean "
                                                       "'search'?) [unknown-plugin]"),
    (lambda t: t.replace("\nmarkdown_extensions:", "  - redirect\n\nmarkdown_extensions:"), ":48:5: error: plugin 'redirect' is not installed (did you mean 'redirects'?)"),
    # an empty '-' (or a number) in plugins passed validate; the build ended in a TypeError traceback
    (lambda t: t.replace("plugins:\n  - search:", "plugins:\n  -\n  - search:"),
     ":44:3: error: plugins entry 1 names no plugin: it is empty"),
    (lambda t: t.replace("\nmarkdown_extensions:", "  - 12\n\nmarkdown_extensions:"), ":48:3: error: plugins entry 2 names no plugin: it is 12, not a name"),
    (lambda t: t.replace("\nmarkdown_extensions:", "  - {redirects: {}, tags: {}}\n\nmarkdown_extensions:"),
     ":48:3: error: plugins entry 2 names no plugin: 2 names on one entry"),
    # a theme MkDocs does not have passed validate; the build stopped after generating every page, on no line
    # ("Config value 'theme': Unrecognised theme name: 'materail'", "No theme name set")
    (lambda t: t.replace("  name: material\n", "  name: materail\n"),
     ":13:9: error: theme 'materail' is not installed (did you mean 'material'?) [config-setting]"),
    (lambda t: t[:t.index("theme:\n")] + "theme: materail\n" + t[t.index("\nplugins:"):],
     ":12:8: error: theme 'materail' is not installed (did you mean 'material'?)"),
    (lambda t: t.replace("  name: material\n", ""), ":12:7: error: 'theme' names no theme (add 'name: material' under theme:)"),
    (lambda t: t.replace("  name: material\n", "  name: [material]\n"), ":13:9: error: 'theme.name' must be a text, not list"),
    # a path MkDocs reads that is not there passed validate; the build stopped after generating every page, on no
    # line ("The path set in custom_dir ('/…/overides') does not exist", "The path '/…/hook.py' isn't an existing file")
    (lambda t: t.replace("  name: material\n", "  name: material\n  custom_dir: overides\n"),
     ":14:15: error: 'theme.custom_dir' names no folder: 'overides' is not there (give its path relative to "
     "mkdocs.yml's folder, or delete the line) [config-setting]"),
    (lambda t: t + "hooks:\n  - hook.py\n", ":76:5: error: 'hooks' names no Python file: 'hook.py' is not there"),
    (lambda t: t + "watch: [snippets]\n", ":75:9: error: 'watch' names no file or folder: 'snippets' is not there"),
    # watch: as one path, not a list: MkDocs refuses it ("Expected a list of items, but a <class 'str'> was given")
    (lambda t: t + "watch: snippets\n", ":75:8: error: 'watch' must be a list, not str"),
    # '>' alone is enough to end Material's tooltip attribute and start markup
    (lambda t: t.replace("site_name: Customer Success Playbook Portal", 'site_name: "CS > Sales handoffs"'),
     ":3:12: error: site_name holds '<' or '>' ('CS > Sales handoffs')"),
    # written as an entity, it is '<' in the attribute the tooltip reads: run all the same
    (lambda t: t.replace("site_name: Customer Success Playbook Portal", 'site_name: "CS &lt;b&gt; handoffs"'),
     ":3:12: error: site_name holds '<' or '>' ('CS &lt;b&gt; handoffs')"),
    (lambda t: t + "hooks: hook.py\n", ":75:8: error: 'hooks' must be a list, not str"),
    # a value MkDocs refuses in a setting csops neither reads nor sets passed validate; the build stopped after
    # generating every page, on no line ("Config value 'validation': Sub-option 'links': Sub-option 'anchor': …")
    (lambda t: t + "validation:\n  links:\n    anchor: warn\n",
     ":77:13: error: MkDocs refuses 'validation.links.anchor': Unrecognised configuration name: anchor (write it as "
     "MkDocs' documentation of the setting shows, or delete it) [config-setting]"),
    (lambda t: t + "validation:\n  omitted_files: warning\n", ":76:18: error: MkDocs refuses 'validation.nav.omitted_files': "
     "Expected one of ['warn', 'info', 'ignore'], got 'warning'"),
    (lambda t: t + "use_directory_urls: 'yes'\n", ":75:21: error: MkDocs refuses 'use_directory_urls': Expected type:"),
    (lambda t: t.replace("  - assets/csops/search.js\n", "  - path: assets/csops/search.js\n    typ: module\n"),
     ":75:10: error: MkDocs refuses 'extra_javascript.typ': Unrecognised configuration name: typ"),
    # settings csops reads as MkDocs does: validate passed these, and the build stopped on no line ("Config value
    # 'repo_name': Expected type: <class 'str'> but received: <class 'int'>"; any google_analytics is deprecated)
    (lambda t: t + "repo_name: 5\n", ":75:12: error: MkDocs refuses 'repo_name': Expected type: <class 'str'>"),
    (lambda t: t + "edit_uri: [edit/main/]\n", ":75:11: error: MkDocs refuses 'edit_uri': Expected type: <class 'str'>"),
    (lambda t: t + "nav:\n  - 5\n", ":75:5: error: MkDocs refuses 'nav': Expected nav item to be a string or dict"),
    (lambda t: t + "google_analytics: UA-1\n", ":75:19: error: MkDocs refuses 'google_analytics': Expected type: "
     "<class 'list'>"),
    # types neither MkDocs nor Material checks: the build stopped in a traceback out of Material's base.html or pathlib
    (lambda t: t[:t.index("  palette:")] + "  palette: 5\n" + t[t.index("\nplugins:") + 1:],
     ":29:12: error: 'theme.palette' must be a mapping of settings or a list, not int"),
    (lambda t: t.replace("  palette:\n", "  palette:\n    - 5\n"), ":29:11: error: entry 1 of 'theme.palette': it must be a "
     "mapping of settings, not 5"),
    (lambda t: t + "extra_templates:\n  - a.html\n  - 5\n", ":77:3: error: entry 2 of 'extra_templates': it must be a "
     "text, not 5"),
    # a plugin's settings its own check refuses, or a plugin listed twice: validate passed them, and the build stopped
    # on no line ("Config value 'plugins': Plugin 'material/search' option 'lang': Expected a list of language codes")
    (lambda t: t.replace("      lang: [en, ja]\n", "      lang: 5\n"),
     ":44:5: error: plugin 'search' setting 'lang' is refused: Expected a list of language codes."),
    (lambda t: t.replace("      lang: [en, ja]\n", "      lang: [en, ja]\n      sepator: x\n"),
     ":44:5: error: plugin 'search' setting 'sepator' is refused: Unrecognised configuration name: sepator"),
    (lambda t: t.replace("plugins:\n", "plugins:\n  - tags: true\n"),
     ":44:5: error: plugin 'tags' is refused: its settings are True, not a mapping"),
    (lambda t: t.replace("plugins:\n", "plugins:\n  - search\n"), ":45:3: error: plugin 'search' is listed twice"),
    # README's What's-new setting: validate passed any value, and the build stopped on no line ("Error: mkdocs.yml:
    # extra.csops.whats_new.commits must be a whole number from 0 to 200 (got 'lots')")
    (lambda t: t + "extra:\n  csops:\n    whats_new:\n      commits: lots\n",
     ":78:16: error: extra.csops.whats_new.commits is 'lots'; csops lists a whole number of content commits on What's "
     "new, from 0 to 200 (write a number such as 20, the default, or delete the line) [config-setting]"),
    (lambda t: t + "extra:\n  csops:\n    whats_new: {commits: 500}\n",
     ":77:16: error: extra.csops.whats_new.commits is 500; csops lists a whole number of content commits"),
    # left empty, or an !ENV of a variable not set where it runs (MkDocs reads nothing): validate passed them, and the
    # build stopped on no line (MkDocs' "TypeError: join() argument must be str…", Material's "'partials/languages/
    # None.html' not found … fix the file system problem") (red team)
    (lambda t: "INHERIT:\n" + t, ":1:9: error: 'INHERIT' is empty, and MkDocs cannot build without it"),
    (lambda t: "INHERIT: !ENV CSOPS_NEVER_SET\n" + t, ":1:10: error: 'INHERIT': !ENV CSOPS_NEVER_SET reads a variable "
     "that is not set here, and gives no default, so MkDocs reads nothing (set CSOPS_NEVER_SET where csops runs, or "
     "give a default: !ENV [CSOPS_NEVER_SET, the value]) [config-setting]"),
    (lambda t: t.replace("  language: en", "  language:"), ":16:12: error: 'theme.language' is empty"),
    (lambda t: t.replace("  language: en", "  language: !ENV CSOPS_NEVER_SET"),
     ":16:13: error: 'theme.language': !ENV CSOPS_NEVER_SET reads a variable that is not set here"),
    (lambda t: t.replace("  name: material\n", "  name: material\n  custom_dir: !ENV [CSOPS_NEVER_SET]\n"),
     ":14:15: error: 'theme.custom_dir': !ENV CSOPS_NEVER_SET reads a variable that is not set here"),
    (lambda t: t + "watch:\n  - !ENV CSOPS_NEVER_SET\n", ":76:3: error: entry 1 of 'watch': !ENV CSOPS_NEVER_SET reads"),
    # what Material writes into every page's link as it is, or MkDocs' theme loader iterates: validate passed them,
    # and the build stopped on 19 broken links "../['x'] (no such file)" naming pages, or on "TypeError: 'int' object
    # is not iterable", on no line of mkdocs.yml (red team)
    (lambda t: t.replace("  font: false\n", "  font: false\n  favicon: [x]\n"),
     ":16:12: error: 'theme.favicon' must be a text, not list"),
    (lambda t: t + "extra:\n  homepage: 5\n", ":76:13: error: 'extra.homepage' must be a text, not int"),
    # a file neither MkDocs nor Material looks for: a misspelt favicon stopped the build on 19 broken links, one per
    # page, on no line; a misspelt logo passed validate and the build, and every page showed a broken image
    (lambda t: t.replace("  font: false\n", "  font: false\n  favicon: images/favicon.png\n"),
     ":16:12: error: 'theme.favicon' names no file of the site: 'images/favicon.png'"),
    (lambda t: t.replace("  font: false\n", "  font: false\n  logo: assets/csops/logo.svg\n"),
     ":16:9: error: 'theme.logo' names no file of the site: 'assets/csops/logo.svg'"),
    # a name longer than the file system takes: a traceback (OSError: File name too long) where the check looked
    (lambda t: t.replace("  font: false\n", "  font: false\n  favicon: " + "x" * 5000 + "\n"),
     ":16:12: error: 'theme.favicon' names no file of the site: 'xxx"),
    (lambda t: t.replace("  font: false\n", "  font: false\n  static_templates: 5\n"),
     ":16:21: error: 'theme.static_templates' must be a list, not int"),
    (lambda t: t.replace("  font: false\n", "  font: false\n  static_templates: [ofline.html]\n"),
     ":16:21: error: entry 1 of 'theme.static_templates' names no template: 'ofline.html' is in neither the "
     "custom_dir nor Material's templates"),
    # with no repo_url, an edit link that is no web address: MkDocs warned on every page ("edit_uri: '5' is not a
    # valid URL, it should include the http:// (scheme)") and the strict build stopped, on no line; or MkDocs' own
    # check of the template refused it after every page was generated (red team)
    (lambda t: t.replace("edit_uri: https://github.com/acme/csops-portal/edit/main/", "edit_uri: ../../../"),
     ":8:11: error: 'edit_uri' makes page edit links such as '../../../index.md', which are no web address, and no "
     "repo_url is set for MkDocs to join them to: the strict build stops on every page (write the full address of "
     "the repository's edit view, e.g. https://github.com/acme/portal/edit/main/, or set repo_url) [config-setting]"),
    (lambda t: _without_edit_uri(t) + "edit_uri_template: 5\n",
     ":74:20: error: 'edit_uri_template' makes page edit links such as '5'"),
    (lambda t: _without_edit_uri(t) + "edit_uri_template: '{path!r}'\n",
     ":74:20: error: 'edit_uri_template' makes page edit links such as \"'index.md'\""),
    (lambda t: _without_edit_uri(t) + "edit_uri_template: '{path.__class__}'\n",
     ":74:20: error: 'edit_uri_template' makes page edit links such as \"<class 'str'>\""),
    (lambda t: t + "edit_uri_template: 'https://github.com/acme/x/edit/main/{path}'\n",
     ":8:11: error: 'edit_uri' has no effect when 'edit_uri_template' is set, and MkDocs' strict build stops"),
    (lambda t: _without_edit_uri(t) + "edit_uri_template: 'https://github.com/acme/x/edit/main/{nope}'\n",
     ":74:20: error: MkDocs refuses 'edit_uri_template': Unknown template substitute: 'nope'"),
    # MkDocs looks for it in the docs folder csops writes: "Template skipped: 'nope.html' not found in docs_dir"
    # Material's tooltips show a palette toggle's title, its name, as HTML: escaped, '<b>' still ran as a tag (red team)
    (lambda t: t.replace("name: Switch to dark mode", "name: Switch to <b>dark</b> mode"),
     ":29:11: error: a palette toggle's name holds '<' or '>' ('Switch to <b>dark</b> mode')"),
    # mkdocs-redirects joins an old page to the site folder as written: the build wrote escaped/index.html two folders
    # above the folder it builds in, outside the site and the project (red team)
    (lambda t: t.replace("plugins:\n", "plugins:\n  - redirects:\n      redirect_maps:\n        ../../escaped.md: index.md\n", 1),
     ":46:9: error: redirect_maps names the old page ../../escaped.md, which lies outside the site"),
    (lambda t: t.replace("plugins:\n", "plugins:\n  - redirects:\n      redirect_maps:\n        /tmp/escaped.md: index.md\n", 1),
     ":46:9: error: redirect_maps names the old page /tmp/escaped.md, which lies outside the site"),
    (lambda t: t + "extra_templates: [nope.html]\n", ":75:19: error: entry 1 of 'extra_templates' names no file of "
     "the docs folder csops writes: 'nope.html' (put the template in templates/assets/ and name it "
     "assets/csops/<its name> here, or delete the line)"),
])
def test_a_mkdocs_yml_setting_csops_cannot_use_is_one_located_error_in_validate_and_build(tmp_path, run, edit, message):
    """The build crashed with a traceback (or ran into gigabytes, or replaced content/ with a link) on settings
    that validate passed; both now read mkdocs.yml through one guard (mkdocs_yaml.read_config)."""
    from conftest import REPO, copy_bundled

    project = copy_bundled(tmp_path / "portal", REPO)
    config = project / "mkdocs.yml"
    config.write_text(edit(config.read_text(encoding="utf-8")), encoding="utf-8")
    validated = run("validate", "--project", project)
    assert validated.exit_code == 1 and message in validated.output, validated.output
    built = run("build", "--project", project, "--quiet")
    assert built.exit_code == 1 and message in built.output, built.output
    assert (project / "content/playbooks").is_dir() and not (project / "content").is_symlink()
    assert not (project / "site").exists()


_TOO_LONG = "x" * 300  # one part of a path longer than a file system takes (255 bytes)


@pytest.mark.parametrize("setting, message", [
    ("  custom_dir: " + _TOO_LONG, ":14:15: error: 'theme.custom_dir' names no folder: 'xxx"),
    ("  static_templates: [" + _TOO_LONG + "]", ":14:21: error: entry 1 of 'theme.static_templates' names no template"),
    ("  icon:\n    logo: material/" + _TOO_LONG, ":15:11: error: 'theme.icon.logo' names no icon Material has"),
    ("hooks: [" + _TOO_LONG + ".py]", "error: 'hooks' names no Python file: 'xxx"),
    ("watch: [" + _TOO_LONG + "]", "error: 'watch' names no file or folder: 'xxx"),
    ("extra_templates: [assets/csops/" + _TOO_LONG + "]", "error: entry 1 of 'extra_templates' names no file"),
])
def test_a_path_longer_than_the_file_system_takes_is_a_located_error(tmp_path, run, setting, message):
    """A custom_dir, hook, watch entry, extra or static template or icon with a part of 300 characters ended validate
    in a traceback (OSError: File name too long) where its check looked for it; now it names no file, at its line."""
    from conftest import REPO, copy_bundled

    project = copy_bundled(tmp_path / "portal", REPO)
    config = project / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    config.write_text(text.replace("  name: material\n", "  name: material\n" + setting + "\n") if setting.startswith(" ")
                      else text + setting + "\n", encoding="utf-8")
    validated = run("validate", "--project", project)
    assert validated.exit_code == 1 and message in validated.output, validated.output
    assert "Traceback" not in validated.output and isinstance(validated.exception, (SystemExit, type(None)))


def test_a_favicon_and_logo_the_site_holds_say_nothing(tmp_path, run):
    """Where the site's files come from: templates/assets/ (at assets/csops/), the custom_dir, Material's own
    favicon; a web address is the site's to keep."""
    from conftest import REPO, copy_bundled

    project = copy_bundled(tmp_path / "portal", REPO)
    (project / "templates/assets").mkdir(parents=True, exist_ok=True)
    (project / "templates/assets/logo.svg").write_text("<svg xmlns='http://www.w3.org/2000/svg'/>", encoding="utf-8")
    (project / "overrides/images").mkdir(parents=True)
    (project / "overrides/images/icon.png").write_bytes(b"\x89PNG")
    config = project / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    for images in ("  favicon: images/icon.png\n  logo: assets/csops/logo.svg\n  custom_dir: overrides\n",
                   "  favicon: assets/images/favicon.png\n  logo: https://cdn.acme.test/logo.svg\n"):
        config.write_text(text.replace("  font: false\n", "  font: false\n" + images), encoding="utf-8")
        validated = run("validate", "--project", project)
        assert validated.exit_code == 0 and "theme." not in validated.output, validated.output


@pytest.mark.parametrize("setting, line", [
    ("edit_uri: 'javascript:x'", "mkdocs.yml:74:11: error: 'edit_uri' is a script link ('javascript:x')"),
    ("edit_uri_template: 'javascript:alert(1)//{path}'",
     "mkdocs.yml:74:20: error: 'edit_uri_template' is a script link ('javascript:alert(1)//{path}')"),
])
def test_a_script_link_as_edit_uri_is_one_error(tmp_path, run, setting, line):
    """With no repo_url, 'edit_uri: javascript:x' was two errors at one place for one slip: a script link, and an
    edit link that is no web address (whose fix, 'or set repo_url', would have left the script link)."""
    from conftest import REPO, copy_bundled

    project = copy_bundled(tmp_path / "portal", REPO)
    config = project / "mkdocs.yml"
    config.write_text(_without_edit_uri(config.read_text(encoding="utf-8")) + setting + "\n", encoding="utf-8")
    validated = run("validate", "--project", project)
    errors = [found for found in validated.output.splitlines() if ": error: " in found]
    assert validated.exit_code == 1 and len(errors) == 1 and errors[0].startswith(line), validated.output


@pytest.mark.parametrize("hook, message", [
    ("def on_page_markdown(markdown, **kwargs)\n    return markdown\n",
     "hooks/page.py:1:41: error: the hook is not valid Python: expected ':'"),
    ("import pathlib\npathlib.Path('ran').touch()\n\x00\n", "hooks/page.py:3:1: error: the hook is not valid Python"),
    (None, ":76:5: error: 'hooks' names no Python file: 'hooks' is a folder"),
])
def test_a_hook_that_is_no_python_is_one_located_error_in_validate_and_build(tmp_path, run, hook, message):
    """A hook with a syntax error passed validate, and the build stopped on "MkDocs could not read mkdocs.yml
    (SyntaxError: invalid syntax (page.py, line 1))", without its folder or column; a hook naming a folder was
    'not there'. Validate compiles each hook and never runs it (red team)."""
    from conftest import REPO, copy_bundled

    project = copy_bundled(tmp_path / "portal", REPO)
    (project / "hooks").mkdir()
    if hook is not None:
        (project / "hooks/page.py").write_text(hook, encoding="utf-8")
    config = project / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8") + f"hooks:\n  - {'hooks/page.py' if hook else 'hooks'}\n",
                      encoding="utf-8")
    for command in (["validate"], ["build", "--quiet"]):
        result = run(*command, "--project", project)
        assert result.exit_code == 1 and message in result.output and "Traceback" not in result.output, result.output
    assert not (project / "ran").exists() and not (project / "site").exists()


@pytest.mark.parametrize("hook, message", [
    ("def on_page_markdown(markdown, **kwargs):\n    return markdown\n\n\nraise RuntimeError('set PORTAL_TOKEN first')\n",
     "hooks/page.py:5:1: error: the hook raised RuntimeError: set PORTAL_TOKEN first as MkDocs imported it"),
    ("import os\n\nBANNER = '名前: ' + portal_name\n",  # the column counts characters, not UTF-8 bytes
     "hooks/page.py:3:19: error: the hook raised NameError: name 'portal_name' is not defined as MkDocs imported it"),
    ("import sys\n\nsys.exit(3)\n", "hooks/page.py:3:1: error: the hook raised SystemExit: 3 as MkDocs imported it"),
])
def test_a_hook_that_raises_as_it_is_imported_is_one_located_error_in_the_build(tmp_path, run, hook, message):
    """A hook whose top-level code raised (a RuntimeError, a NameError) ended the build on "MkDocs could not read
    mkdocs.yml (NameError: name 'portal_name' is not defined)", naming neither the hook nor its line, and one that
    called sys.exit() ended csops build silently with its exit code. Validate compiles hooks and never runs them
    (a hook is code), so the build is where this is found: at the hook's line that raised, with the fix."""
    from conftest import REPO, copy_bundled

    project = copy_bundled(tmp_path / "portal", REPO)
    (project / "hooks").mkdir()
    (project / "hooks/page.py").write_text(hook, encoding="utf-8")
    config = project / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8") + "hooks:\n  - hooks/page.py\n", encoding="utf-8")
    assert run("validate", "--project", project).exit_code == 0  # valid Python, never run by validate
    built = run("build", "--project", project, "--quiet")
    assert built.exit_code == 1 and built.output.startswith(f"Error: {message}"), built.output
    assert "[hook-import]" in built.output and "Traceback" not in built.output and not (project / "site").exists()


@pytest.mark.parametrize("written, got", [("5", "a number"), ("true", "true/false"), ("[x]", "a list"),
                                          ("{a: 5}", "a mapping")])
def test_a_page_id_that_is_not_text_is_one_located_error_not_a_traceback(tmp_path, run, written, got):
    """`id: 5` in a playbook another file links to ended csops validate in a TypeError (the rename rule matched the
    number as a slug), and `id: [x]` in any playbook in one (an unhashable id in the catalog), as did `csops new`
    in the same folder (red team: every field of every kind set to a number, list, mapping, null, true, '' and
    30,000 characters: 897 files). The id is the file name's until it is text; the shape check says where."""
    from conftest import make_project

    project = make_project(tmp_path / "portal", {
        "content/playbooks/handoff.yml": f"id: {written}\ntitle: Handoff\nsteps:\n  - id: call\n    title: Call\n",
        "content/faq/sales.yml": "title: Sales\nentries:\n  - id: q\n    q: Who?\n    a: See [the call](playbook:handoff#call).\n",
    })
    validated = run("validate", "--project", project)
    assert validated.exit_code == 1 and "Traceback" not in validated.output, validated.output
    errors = [line for line in validated.output.splitlines() if ": error: " in line]
    assert len(errors) == 1 and errors[0].endswith("[wrong-type]"), errors
    assert errors[0].startswith(f"content/playbooks/handoff.yml:1:5: error: id must be text, got {got} "), errors
    created = run("new", "playbook", "renewal", "--project", project)
    assert created.exit_code == 0 and (project / "content/playbooks/renewal.yml").is_file(), created.output


# raising in a function the hook's on_config calls: named at the line that raised, not at the call
_ON_CONFIG_STOPS = "def on_config(config):\n    return _check(config)\n\n\ndef _check(config):\n    raise ValueError('stopped here')\n"


@pytest.mark.parametrize("setting, hook, message", [
    ("extra:\n  alternate: 5\n", _ON_CONFIG_STOPS, "MkDocs stopped building the site: TypeError: 'int' object is not "
     "iterable (in templates/partials/alternate.html:"),
    ("hooks:\n  - stop.py\n", _ON_CONFIG_STOPS, "stop.py:6:5: error: the hook raised ValueError: stopped here while "
     "MkDocs built the site, so nothing was published (the previous site is untouched) (fix that line: MkDocs calls "
     "the hook's on_* functions on every build) [hook-raised]"),
    # raising for one page of several, as it renders (hooks keep the build in one process: incremental.eligible)
    ("hooks:\n  - stop.py\n", "def on_page_markdown(markdown, page, **kwargs):\n    if page.file.src_uri == "
     "'playbooks/p.md':\n        raise KeyError('p')\n    return markdown\n",
     "stop.py:3:9: error: the hook raised KeyError: 'p' while MkDocs built the site, so nothing was published"),
    # raising once every page is written, before csops checks links and publishes
    ("hooks:\n  - stop.py\n", "def on_post_build(config, **kwargs):\n    raise RuntimeError('after the pages')\n",
     "stop.py:2:5: error: the hook raised RuntimeError: after the pages while MkDocs built the site, so nothing was "
     "published"),
])
def test_a_setting_mkdocs_or_its_theme_stops_on_is_one_line_from_build_never_a_traceback(tmp_path, run, setting, hook,
                                                                                          message):
    """A value of a type neither MkDocs nor Material checks ('alternate: 5' under extra:, as 'palette: 5' was), or a
    hook that raises, passed MkDocs' config check and ended `csops build` in a Python traceback out of Material's
    templates or the hook (red team: 222 careless mkdocs.yml edits through validate and build). Now one line naming
    where it stopped, exit 1, and the previous site served on."""
    from conftest import make_project

    project = make_project(tmp_path / "portal", {"content/playbooks/p.yml": "title: P\nsteps:\n  - id: s\n    title: S\n",
                                                 "stop.py": hook})
    assert run("build", "--project", project, "--quiet").exit_code == 0
    before = (project / "site/playbooks/p/index.html").read_bytes()
    config = project / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    config.write_text(text.replace("  name: material\n", "  name: material\n" + setting) if setting.startswith(" ")
                      else text + setting, encoding="utf-8")
    built = run("build", "--project", project, "--quiet")
    assert built.exit_code == 1 and message in built.output and "Traceback" not in built.output, built.output
    assert "previous site is untouched" in built.output
    assert (project / "site/playbooks/p/index.html").read_bytes() == before


@pytest.mark.parametrize("tagged", [
    '!!python/object/apply:os.system ["touch {marker}"]',
    '!!python/object/apply:subprocess.check_call [["touch", "{marker}"]]',
    "!!python/object/new:subprocess.Popen [[touch, {marker}]]",
    "!!python/name:os.system",  # as toc's slugify, it would run each heading
])
def test_python_in_mkdocs_yml_runs_only_the_formatting_helpers_material_documents(tmp_path, run, tagged):
    """A tag in mkdocs.yml is built as the file is read: '!!python/object/apply:os.system [...]' from a pull request
    ran its command in csops validate (the pre-commit hook, CI) and build. Material's own slugify still works: the
    bundled mkdocs.yml has one."""
    from conftest import REPO, copy_bundled

    project = copy_bundled(tmp_path / "portal", REPO)
    marker = tmp_path / "ran"
    config = project / "mkdocs.yml"
    slugify = "slugify: !!python/object/apply:pymdownx.slugs.slugify\n        kwds:\n          case: lower\n" \
              "          normalize: NFKC\n"
    text = config.read_text(encoding="utf-8")
    assert slugify in text
    config.write_text(text.replace(slugify, f"slugify: {tagged.format(marker=marker)}\n"), encoding="utf-8")
    validated = run("validate", "--project", project)
    assert validated.exit_code == 1 and "[config-python]" in validated.output, validated.output
    assert "mkdocs.yml:56:16: error: !!python/" in validated.output, validated.output
    built = run("build", "--project", project, "--quiet")
    assert built.exit_code == 1 and "[config-python]" in built.output, built.output
    assert not marker.exists() and not (project / "site").exists()


def test_a_python_tag_that_only_builds_a_value_is_taken_as_mkdocs_takes_it(tmp_path, run):
    """!!python/tuple (or /str, /bytes) builds a plain value and names no code: MkDocs' loader takes it, and so does
    validate; only the tags that name code are held to the helpers (a check of every !!python tag refused it, or
    failed with a traceback on a tag that names nothing)."""
    from conftest import REPO, copy_bundled

    project = copy_bundled(tmp_path / "portal", REPO)
    config = project / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8") + "extra:\n  pair: !!python/tuple [1, 2]\n", encoding="utf-8")
    result = run("validate", "--project", project)
    assert result.exit_code == 0 and "config-python" not in result.output, result.output


@pytest.mark.parametrize("tagged", [
    # Markdown, imported by material.extensions.emoji, loads any 'module:callable' as an extension and calls it
    "!!python/object/apply:material.extensions.emoji.Markdown\n    kwds:\n      extensions: ['os:system']\n"
    "      extension_configs: {{'os:system': {{command: 'touch {marker}'}}}}",
    # _load reads any file into a setting: site_description is in every page's <meta>
    "!!python/object/apply:material.extensions.emoji._load [{secret}]",
    "!!python/object/apply:pymdownx.arithmatex.partial [!!python/name:pymdownx.slugs.slugify ]",
    "!!python/module:pymdownx.emoji",
])
def test_python_in_mkdocs_yml_names_a_helper_itself_not_any_name_in_its_module(tmp_path, run, tagged):
    """The allow-list took whole modules (pymdownx.emoji.*, material.extensions.emoji.*), which hold more than their
    helpers: a pull request's tag ran a command in csops validate, or published a file of the machine's."""
    from conftest import REPO, copy_bundled

    project = copy_bundled(tmp_path / "portal", REPO)
    marker, secret = tmp_path / "ran", tmp_path / "credentials"
    secret.write_text("aws_secret_access_key = AKIASECRET\n", encoding="utf-8")
    config = project / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    config.write_text(re.sub(r"(?m)^site_description:.*$", lambda _: "site_description: "
                             + tagged.format(marker=marker, secret=secret), text, count=1), encoding="utf-8")
    validated = run("validate", "--project", project)
    assert validated.exit_code == 1 and "[config-python]" in validated.output, validated.output
    built = run("build", "--project", project, "--quiet")
    assert built.exit_code == 1 and "[config-python]" in built.output, built.output
    assert not marker.exists() and not (project / "site").exists()


@pytest.mark.parametrize("tagged, said", [
    ("!!python/object:pymdownx.slugs.slugify {case: lower}", "error: !!python/object:pymdownx.slugs.slugify would run"),
    ("!!python/object/new:pymdownx.slugs.slugify [lower]", "error: !!python/object/new:pymdownx.slugs.slugify would run"),
    ("!!python/object/apply:pymdownx.superfences.fence_code_format [mermaid]",
     "error: this !!python value could not be built: TypeError: fence_code_format() missing"),
])
def test_a_formatting_helper_built_wrongly_is_a_located_error_not_a_traceback(tmp_path, run, tagged, said):
    """A helper csops allows, written as an object to build ('invalid partial state') or given arguments it does
    not take, stopped csops validate and build with a Python traceback."""
    from conftest import REPO, copy_bundled

    project = copy_bundled(tmp_path / "portal", REPO)
    config = project / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8") + f"extra:\n  helper: {tagged}\n", encoding="utf-8")
    line = len(config.read_text(encoding="utf-8").splitlines())
    for command in ("validate", "build"):
        result = run(command, "--project", project)
        assert result.exit_code == 1 and f"mkdocs.yml:{line}:11: {said}" in result.output, result.output
        assert "Traceback" not in result.output and not isinstance(result.exception, TypeError), result.output


@pytest.mark.parametrize("entry", ["  - os:system:\n      command: touch {marker}\n",
                                   "  - subprocess:check_call:\n      args: [touch, {marker}]\n",
                                   # a class, but no extension class (mutation pass: any class was let through)
                                   "  - subprocess:Popen:\n      args: [touch, {marker}]\n"])
def test_a_markdown_extension_entry_names_an_extension_class_not_any_callable(tmp_path, run, entry):
    """Python-Markdown calls what a 'module:Name' entry names with its settings: '- os:system: {command: …}' in
    markdown_extensions ran a pull request's command in csops build, with no Python tag for validate to refuse."""
    from conftest import REPO, copy_bundled

    project = copy_bundled(tmp_path / "portal", REPO)
    marker = tmp_path / "ran"
    config = project / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    assert "\nmarkdown_extensions:\n" in text
    config.write_text(text.replace("\nmarkdown_extensions:\n", "\nmarkdown_extensions:\n" + entry.format(marker=marker), 1),
                      encoding="utf-8")
    for command in ("validate", "build"):
        result = run(command, "--project", project)
        assert result.exit_code == 1 and "names no Markdown extension class" in result.output, result.output
    assert not marker.exists() and not (project / "site").exists()
    config.write_text(text.replace("\nmarkdown_extensions:\n",
                                   "\nmarkdown_extensions:\n  - markdown.extensions.def_list:DefListExtension\n", 1),
                      encoding="utf-8")
    assert "names no Markdown extension class" not in run("validate", "--project", project).output


def test_markdown_extensions_written_as_a_mapping_are_checked_as_the_list_is(tmp_path, run):
    """MkDocs takes markdown_extensions as a mapping of name to settings too; an 'os:system' key there is called as
    a list entry would be (mutation pass: only the list form was tried)."""
    from conftest import REPO, copy_bundled

    project = copy_bundled(tmp_path / "portal", REPO)
    marker = tmp_path / "ran"
    config = project / "mkdocs.yml"
    text = re.sub(r"(?ms)^markdown_extensions:\n.*?(?=^\S)", "", config.read_text(encoding="utf-8"))
    config.write_text(text + f"markdown_extensions:\n  admonition: {{}}\n  os:system:\n    command: touch {marker}\n",
                      encoding="utf-8")
    for command in ("validate", "build"):
        result = run(command, "--project", project)
        assert result.exit_code == 1 and "entry 'os:system' names no Markdown extension class" in result.output, result.output
    assert not marker.exists() and not (project / "site").exists()


@pytest.mark.parametrize("name, hint", [("pymdownx.detials", "did you mean 'pymdownx.details'?"),
                                        ("admonitio", "did you mean 'admonition'?"),
                                        ("nosuchpackage.ext", "install it (pip install the package that provides it)")])
def test_a_markdown_extension_that_is_not_installed_is_a_located_error(tmp_path, run, name, hint):
    """A misspelt extension passed validate; the build stopped on 'Failed to load extension', on no line."""
    from conftest import REPO, copy_bundled

    project = copy_bundled(tmp_path / "portal", REPO)
    config = project / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    config.write_text(text.replace("\nmarkdown_extensions:\n", f"\nmarkdown_extensions:\n  - {name}\n", 1), encoding="utf-8")
    line = config.read_text(encoding="utf-8").splitlines().index(f"  - {name}") + 1
    result = run("validate", "--project", project)
    assert result.exit_code == 1, result.output
    assert (f"mkdocs.yml:{line}:5: error: Markdown extension '{name}' is not installed ({hint}"
            in result.output), result.output


def _portal_with_extensions(tmp_path, entries: str) -> tuple[Path, int]:
    """The bundled portal with `entries` as its markdown_extensions, written last in mkdocs.yml; and the number of
    mkdocs.yml's last line."""
    from conftest import REPO, copy_bundled

    project = copy_bundled(tmp_path / "portal", REPO)
    config = project / "mkdocs.yml"
    text = re.sub(r"(?ms)^markdown_extensions:\n.*?(?=^\S)", "", config.read_text(encoding="utf-8"))
    config.write_text(text + "markdown_extensions:\n" + entries, encoding="utf-8")
    return project, len(config.read_text(encoding="utf-8").splitlines())


@pytest.mark.parametrize("second, error", [
    ("pymdownx.detials: {}", "error: Markdown extension 'pymdownx.detials' is not installed (did you mean "
                             "'pymdownx.details'?"),
    ("toc: 5", "error: the settings of Markdown extension 'toc' must be a mapping (name: value), not int")])
def test_each_name_of_a_markdown_extensions_entry_holding_two_is_checked(tmp_path, run, second, error):
    """An extension written below another's entry without its '-' makes one entry of two names, and the build loads
    both (mkdocs_config._merge_extensions). validate read the first name alone, and the second's settings not at
    all: the build stopped on 'Failed to load extension' or a TypeError, on no line. Validate and the build now read
    the entries with one function (mkdocs_entries.extension_entries)."""
    project, line = _portal_with_extensions(tmp_path, f"  - admonition:\n    {second}\n")
    for command in ("validate", "build"):
        result = run(command, "--project", project)
        assert result.exit_code == 1 and f"mkdocs.yml:{line}:5: {error}" in result.output, (command, result.output)
    assert not (project / "site").exists()


@pytest.mark.parametrize("entry, error", [
    ("toc: 5", "the settings of Markdown extension 'toc' must be a mapping (name: value), not int"),
    ("toc: '|'", "the settings of Markdown extension 'toc' must be a mapping (name: value), not str"),
    ("toc: {slugify: []}", "Markdown extension 'toc' refuses its settings: TypeError: 'list' object is not callable"),
    ("toc: {toc_depth: x}", "Markdown extension 'toc' refuses its settings: ValueError: invalid literal for int()"),
    ("admonition: {x: 1}", "Markdown extension 'admonition' refuses its settings: KeyError: 'x'"),
    ("pymdownx.superfences: {custom_fences: 5}",
     "Markdown extension 'pymdownx.superfences' refuses its settings: TypeError: 'int' object is not iterable")])
def test_markdown_extension_settings_the_extension_refuses_are_a_located_error(tmp_path, run, entry, error):
    """'toc: 5', 'admonition: {x: 1}' or 'toc: {slugify: []}' under markdown_extensions passed validate, and csops
    build stopped with a TypeError, ValueError or KeyError traceback (found by the content fuzzer)."""
    project, line = _portal_with_extensions(tmp_path, f"  - attr_list\n  - {entry}\n")
    for command in ("validate", "build"):
        result = run(command, "--project", project)
        assert result.exit_code == 1, result.output
        assert f"mkdocs.yml:{line}:5: error: {error}" in result.output, result.output
    assert not (project / "site").exists()


def test_extension_settings_a_later_bare_entry_keeps_are_still_checked(tmp_path, run):
    """'- toc: {toc_depth: x}' followed by a bare '- toc' passed validate (the bare entry's none were tried), while
    MkDocs, and csops' build, keep the first entry's settings and stop on them."""
    project, line = _portal_with_extensions(tmp_path, "  - toc: {toc_depth: x}\n  - toc\n")
    for command in ("validate", "build"):
        result = run(command, "--project", project)
        assert result.exit_code == 1, result.output
        assert (f"mkdocs.yml:{line - 1}:5: error: Markdown extension 'toc' refuses its settings: ValueError: invalid "
                "literal for int()") in result.output, result.output


@pytest.mark.parametrize("icon, error", [
    ("material/brightnes-4", "'material/brightnes-4' (did you mean 'material/brightness-4'?)"),
    ("0", "0 (write an icon's path below Material's .icons folder, without .svg, e.g. material/brightness-7"),
    ("'../../../mkdocs/templates/base'", "'../../../mkdocs/templates/base' (write an icon's path")])
def test_an_icon_material_does_not_have_is_a_located_error(tmp_path, run, icon, error):
    """A palette toggle's icon mistyped ('material/brightnes-4', or 0) passed validate, and the build failed on
    "cannot write the build: '.icons/0.svg' not found in search paths …; fix the file system problem" (found by the
    content fuzzer)."""
    from conftest import REPO, copy_bundled

    project = copy_bundled(tmp_path / "portal", REPO)
    config = project / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    config.write_text(text.replace("icon: material/brightness-4", f"icon: {icon}", 1), encoding="utf-8")
    line = config.read_text(encoding="utf-8").splitlines().index(f"        icon: {icon}") + 1
    for command in ("validate", "build"):
        result = run(command, "--project", project)
        assert result.exit_code == 1, result.output
        assert f"mkdocs.yml:{line}:15: error: 'theme.palette.toggle.icon' names no icon Material has: {error}" \
            in result.output, result.output


@pytest.mark.parametrize("setting, line, col, error", [
    ("extra_css:\n  - [assets/x.css]\n", 2, 3, "entry 1 of 'extra_css': it must be a text, not ['assets/x.css']"),
    # the entry's own line, past the ones before it
    ("extra_css:\n  - assets/a.css\n  - [assets/x.css]\n", 3, 3, "entry 2 of 'extra_css': it must be a text"),
    ("extra:\n  social:\n    - {icon: fontawesome/brands/github, link: -1}\n", 2, 10,
     "entry 1 of 'extra.social': its link must be a text, not -1"),
    ("extra:\n  social: true\n", 2, 11, "'extra.social' must be a list, not bool")])
def test_a_list_setting_the_theme_reads_with_an_entry_of_another_type_is_a_located_error(project_factory, run, setting,
                                                                                          line, col, error):
    """extra_css listing a list, or an extra.social link written as a number (or social: true), passed validate, and
    csops build stopped with a TypeError traceback from MkDocs or Material's templates (found by the content
    fuzzer)."""
    project = project_factory({"content/playbooks/p.yml": "title: P\nsteps: [{id: s, title: S}]\n"})
    config = project / "mkdocs.yml"
    before = len(config.read_text(encoding="utf-8").splitlines())
    config.write_text(config.read_text(encoding="utf-8") + setting, encoding="utf-8")
    for command in ("validate", "build"):
        result = run(command, "--project", project)
        assert result.exit_code == 1, result.output
        assert f"mkdocs.yml:{before + line}:{col}: error: {error}" in result.output, result.output


def _inherit_deeper_than_csops_reads(project: Path, payload: str) -> None:
    """mkdocs.yml -> i1.yml -> ... -> i6.yml, the payload in the sixth."""
    config = project / "mkdocs.yml"
    config.write_text("INHERIT: i1.yml\n" + config.read_text(encoding="utf-8"), encoding="utf-8")
    for n in range(1, 6):
        (project / f"i{n}.yml").write_text(f"INHERIT: i{n + 1}.yml\nextra:\n  i{n}: 1\n", encoding="utf-8")
    (project / "i6.yml").write_text(f"extra:\n  evil: {payload}\n", encoding="utf-8")


def _inherit_through_a_link_and_dots(project: Path, payload: str) -> None:
    """INHERIT: link/../evil.yml, link -> deep/dir: pathlib read deep/evil.yml, MkDocs reads ./evil.yml."""
    (project / "deep" / "dir").mkdir(parents=True)
    (project / "link").symlink_to("deep/dir")
    (project / "deep" / "evil.yml").write_text("extra:\n  clean: 1\n", encoding="utf-8")
    (project / "evil.yml").write_text(f"extra:\n  evil: {payload}\n", encoding="utf-8")
    config = project / "mkdocs.yml"
    config.write_text("INHERIT: link/../evil.yml\n" + config.read_text(encoding="utf-8"), encoding="utf-8")


def _inherit_from_a_linked_mkdocs_yml(project: Path, payload: str) -> None:
    """mkdocs.yml -> conf/mkdocs.yml, INHERIT: base.yml: MkDocs, opening mkdocs.yml in the project as `mkdocs build`
    does, reads ./base.yml (from the folder of the path it opened), not conf/base.yml."""
    (project / "conf").mkdir()
    text = (project / "mkdocs.yml").read_text(encoding="utf-8")
    (project / "conf" / "mkdocs.yml").write_text("INHERIT: base.yml\n" + text, encoding="utf-8")
    (project / "mkdocs.yml").unlink()
    (project / "mkdocs.yml").symlink_to("conf/mkdocs.yml")
    (project / "base.yml").write_text(f"extra:\n  evil: {payload}\n", encoding="utf-8")
    (project / "conf" / "base.yml").write_text("extra:\n  clean: 1\n", encoding="utf-8")


@pytest.mark.parametrize("plant, reported", [
    (_inherit_deeper_than_csops_reads, "i5.yml:1:10: error: INHERIT goes more than 5 files deep"),
    (_inherit_through_a_link_and_dots, "evil.yml:2:9: error: !!python/object/apply:os.system"),
    (_inherit_from_a_linked_mkdocs_yml, "base.yml:2:9: error: !!python/object/apply:os.system"),
])
def test_an_inherited_file_mkdocs_builds_is_the_one_csops_checked(tmp_path, run, plant, reported):
    """csops checked the files mkdocs.yml INHERITs for !!python tags, but not always the ones MkDocs then built: a
    sixth file down the chain (csops stopped at five), or one found through a link ('..' after a linked folder, a
    linked mkdocs.yml) ran its tag in csops build while validate passed."""
    from conftest import REPO, copy_bundled

    project = copy_bundled(tmp_path / "portal", REPO)
    marker = tmp_path / "ran"
    plant(project, f'!!python/object/apply:os.system ["touch {marker}"]')
    validated = run("validate", "--project", project)
    # named from the project's folder, as every other file is (not by its absolute path)
    assert validated.exit_code == 1 and validated.output.startswith(reported), validated.output
    built = run("build", "--project", project, "--quiet")
    assert built.exit_code == 1 and reported in built.output, built.output
    assert not marker.exists() and not (project / "site").exists()


@pytest.mark.parametrize("plant, missing", [(_inherit_through_a_link_and_dots, "evil.yml"),
                                            (_inherit_from_a_linked_mkdocs_yml, "base.yml")])
def test_an_inherit_that_names_no_file_where_mkdocs_looks_is_an_error(tmp_path, run, plant, missing):
    """The file INHERIT names, there only where MkDocs does not look (below a linked folder's '..', or beside the file
    a linked mkdocs.yml leads to rather than beside the link): validate looked from the project's folder through the links
    and passed, and csops build stopped after generating every page on MkDocs' "Inherited config file … does not
    exist", on no line. Validate now looks where read_config follows INHERIT (mkdocs_yaml.inherited_file)."""
    from conftest import REPO, copy_bundled

    project = copy_bundled(tmp_path / "portal", REPO)
    plant(project, "1")
    (project / missing).unlink()
    validated = run("validate", "--project", project)
    assert validated.exit_code == 1 and "mkdocs.yml:1:10: error: INHERIT names no file" in validated.output, \
        validated.output
    assert "\n1 error in 1 file" in validated.output, validated.output  # INHERIT is MkDocs' key: no unknown setting


@pytest.mark.parametrize("theme, base, blamed", [
    # the key quoted, as a team writing JSON-like YAML does: base.yml's bare 'language: en' (a sound value) was blamed
    ('theme:\n  name: material\n  "language": xx\n', "theme:\n  name: material\n  language: en\n", "mkdocs.yml:9:15"),
    # merged in from an anchor, written under no theme: mkdocs.yml's theme (whose keys win), not base.yml's
    ("extra:\n  lang: &lang\n    language: xx\ntheme:\n  name: material\n  <<: *lang\n", "theme:\n  name: material\n",
     "mkdocs.yml:10:7")])
def test_a_setting_of_an_inherit_chain_is_blamed_on_the_file_whose_value_mkdocs_uses(project_factory, run, theme, base,
                                                                                      blamed):
    """theme.language 'xx' written in mkdocs.yml over base.yml's: validate must send the editor to the file and line
    MkDocs takes the value from (mkdocs.yml's keys win over what it INHERITs), never to base.yml, which holds another
    value or none."""
    from conftest import MINIMAL_MKDOCS

    settings = MINIMAL_MKDOCS.format(language="en").replace("theme:\n  name: material\n  language: en\n", "")
    project = project_factory({"mkdocs.yml": "INHERIT: base.yml\n" + settings + theme, "base.yml": base,
                               "content/playbooks/a.yml": "title: A\nsteps:\n  - id: s\n    title: S\n"})
    validated = run("validate", "--project", project)
    assert validated.exit_code == 1 and validated.output.splitlines()[0].startswith(
        f"{blamed}: error: theme.language 'xx' is not a language code"), validated.output


def test_a_linked_mkdocs_yml_names_files_from_the_project_as_mkdocs_build_finds_them(tmp_path, run):
    """mkdocs.yml linked to conf/mkdocs.yml (one config kept for several sites): `mkdocs build` opens the link in the
    project and finds its hooks from there (checked below with MkDocs' own load_config); csops followed the link,
    refused 'hooks/mark.py' as missing from conf/, and would have run conf/hooks/mark.py had it been there."""
    import os

    from conftest import REPO, copy_bundled
    from mkdocs.config import load_config

    project = copy_bundled(tmp_path / "portal", REPO)
    marker = tmp_path / "hook-ran"
    (project / "conf").mkdir()
    (project / "conf" / "mkdocs.yml").write_text((project / "mkdocs.yml").read_text(encoding="utf-8")
                                                 + "hooks:\n  - hooks/mark.py\n", encoding="utf-8")
    (project / "mkdocs.yml").unlink()
    (project / "mkdocs.yml").symlink_to("conf/mkdocs.yml")
    (project / "hooks").mkdir()
    (project / "hooks" / "mark.py").write_text(f"def on_post_build(config):\n    open({str(marker)!r}, 'w').close()\n",
                                               encoding="utf-8")
    cwd = os.getcwd()
    try:
        os.chdir(project)
        assert [hook.__file__ for hook in load_config(docs_dir="content").plugins.values() if hasattr(hook, "__file__")] == \
            [str(project.resolve() / "hooks" / "mark.py")]
    finally:
        os.chdir(cwd)
    validated = run("validate", "--project", project)
    assert validated.exit_code == 0 and "hooks" not in validated.output, validated.output
    built = run("build", "--project", project, "--quiet")
    assert built.exit_code == 0 and marker.exists(), built.output


def test_settings_a_parent_config_sets_through_inherit_are_read_as_mkdocs_reads_them(tmp_path, run):
    """csops read only mkdocs.yml's own settings: a site_url set in the file it INHERITs was missing from every
    link search and the build gave, while MkDocs used it."""
    from conftest import REPO, copy_bundled
    from generator.mkdocs_config import read_site_config

    project = copy_bundled(tmp_path / "portal", REPO)
    config = project / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    site_url = next(line for line in text.splitlines() if line.startswith("site_url:"))
    (project / "base.yml").write_text("site_url: https://portal.acme.test/\n", encoding="utf-8")
    config.write_text("INHERIT: base.yml\n" + text.replace(site_url + "\n", ""), encoding="utf-8")
    assert read_site_config(project).site_url == "https://portal.acme.test/"
    assert run("validate", "--project", project).exit_code == 0
    # mkdocs.yml's own settings win over the parent's, as in MkDocs (its site_name, not base.yml's)
    (project / "base.yml").write_text("site_url: https://portal.acme.test/\nsite_name: Parent portal\n", encoding="utf-8")
    assert read_site_config(project).raw["site_name"] == "Customer Success Playbook Portal"
    (project / "base.yml").write_text("extra: &a [*a]\n", encoding="utf-8")  # the parent is held to the same limits
    result = run("validate", "--project", project)
    assert result.exit_code == 1 and result.output.startswith(
        "base.yml:1:1: error: base.yml: an alias refers to the list or mapping that holds it"), result.output
    (project / "base.yml").write_text("extra:\n  x: [1\n", encoding="utf-8")  # a slip there is located there
    result = run("validate", "--project", project)
    assert result.exit_code == 1 and result.output.startswith(
        "base.yml:2:6: error: base.yml is not valid YAML: this '[' is not closed"), result.output


# A setting written in the file mkdocs.yml INHERITs, wrong in a way each check of mkdocs.yml's settings says, and
# where that check names it in base.yml (whose first line sets the site_url every case needs)
_INHERITED_SLIPS = [
    ("theme:\n  language: xx\n", "base.yml:3:13: error: theme.language 'xx' is not a language code"),
    ("theme:\n  language:\n", "base.yml:3:12: error: 'theme.language' is empty"),
    # inline, under a theme: mkdocs.yml writes too (it was named at mkdocs.yml's 'theme:', which holds no language)
    ("theme: {language: xx}\n", "base.yml:2:8: error: theme.language 'xx' is not a language code"),
    ("theme:\n  custom_dir: nodir\n", "base.yml:3:15: error: 'theme.custom_dir' names no folder"),
    ("theme:\n  icon:\n    logo: material/nosuchicon\n", "base.yml:4:11: error: 'theme.icon.logo' names no icon"),
    ("extra_css:\n  - site.css\n  - 3\n", "base.yml:4:3: error: entry 2 of 'extra_css'"),
    ("nonsense_setting: 1\n", "base.yml:2:1: error: 'nonsense_setting' is not a MkDocs setting"),
    ("use_directory_urls: false\n", "base.yml:2:21: error: use_directory_urls: false"),
    ("extra:\n  csops:\n    whats_new:\n      commits: -1\n", "base.yml:5:16: error: extra.csops.whats_new.commits is -1"),
    ("repo_url: javascript:alert(1)\n", "base.yml:2:11: error: 'repo_url' is a script link"),
    ("markdown_extensions:\n  - toc\n  - nosuchext\n", "base.yml:4:5: error: Markdown extension 'nosuchext' is not"),
    ("markdown_extensions:\n  - toc:\n      nosuch: 1\n", "base.yml:3:5: error: Markdown extension 'toc' refuses"),
    ("plugins:\n  - search\n  - nosuchplugin\n", "base.yml:4:5: error: plugin 'nosuchplugin' is not installed"),
    ("plugins:\n  - search\n  - {}\n", "base.yml:4:3: error: plugins entry 2 names no plugin"),
    ("hooks:\n  - nohook.py\n", "base.yml:3:5: error: 'hooks' names no Python file"),
    ("site_dir: content\n", "base.yml:2:11: error: site_dir 'content' is in content/"),
    ("site_url: https://x.acme.test/\n", "base.yml:2:1: error: duplicate key 'site_url', first defined at line 1"),
    ("strict: false\n", "base.yml:2:9: warning: 'strict': csops always builds strictly"),
    ("extra:\n  csops:\n    api:\n      cors_origins: [https://x.test/a]\n", "base.yml:5:21: warning: CORS origin"),
    # looked for from base.yml's folder, as MkDocs looks (it was looked for from mkdocs.yml's, and named there)
    ("INHERIT: missing.yml\n", "base.yml:2:10: error: INHERIT names no file: 'missing.yml'"),
    ("site_name: Base portal\n", None),  # mkdocs.yml's own site_name wins, as in MkDocs: nothing to say
]


@pytest.mark.parametrize("written, reported", _INHERITED_SLIPS)
def test_a_slip_in_an_inherited_setting_is_located_in_the_file_that_writes_it(tmp_path, run, written, reported):
    """A setting written in the file mkdocs.yml INHERITs (INHERIT: base.yml) that validate or the build refused was
    reported at mkdocs.yml:1:1 (or at mkdocs.yml's own 'theme:' line), where the editor finds nothing to fix. Each
    check of mkdocs.yml's settings now names base.yml and the line and column where the setting is written there,
    in validate and in the build, which stops on it before building."""
    from conftest import make_project

    project = make_project(tmp_path / "portal", {
        "mkdocs.yml": "INHERIT: base.yml\nsite_name: Test portal\ndocs_dir: build/docs\ntheme:\n  name: material\n",
        "base.yml": "site_url: https://portal.acme.test/\n" + written})
    validated = run("validate", "--project", project)
    if reported is None:
        assert validated.exit_code == 0 and "mkdocs.yml" not in validated.output, validated.output
        return
    assert validated.output.startswith(reported), validated.output
    if ": error: " in reported:
        built = run("build", "--project", project, "--quiet")
        assert built.exit_code == 1 and reported in built.output, built.output


def test_a_slip_in_an_inherited_setting_is_located_there_when_mkdocs_yml_ends_without_a_line_break(tmp_path, run):
    """mkdocs.yml saved without a final line break (as many editors leave it) is still a file of its own lines: the
    texts of the INHERIT chain are laid one after the other to locate a setting, and without the break mkdocs.yml's
    last line and base.yml's first were read as one, so every line of base.yml was named one line too high."""
    from conftest import make_project

    project = make_project(tmp_path / "portal", {
        "mkdocs.yml": "INHERIT: base.yml\nsite_name: Test portal\ndocs_dir: build/docs\ntheme:\n  name: material",
        "base.yml": "site_url: https://portal.acme.test/\nnonsense_setting: 1\n"})
    validated = run("validate", "--project", project)
    assert validated.output.startswith("base.yml:2:1: error: 'nonsense_setting' is not a MkDocs setting"), validated.output


def test_a_slip_in_a_setting_mkdocs_yml_writes_over_its_parent_is_located_in_mkdocs_yml(tmp_path, run):
    """A setting both files write is mkdocs.yml's, as MkDocs merges them: its slip is named there, not at the
    inherited line it replaced (a mutation pass found that no test failed with the files' order reversed)."""
    from conftest import make_project

    project = make_project(tmp_path / "portal", {
        "mkdocs.yml": "INHERIT: base.yml\nsite_name: Test portal\ndocs_dir: build/docs\ntheme:\n  name: material\n"
                      "  language: xx\n",
        "base.yml": "site_url: https://portal.acme.test/\ntheme:\n  name: material\n  language: en\n"})
    validated = run("validate", "--project", project)
    assert validated.output.startswith("mkdocs.yml:6:13: error: theme.language 'xx' is not a language code"), \
        validated.output


def test_an_inherit_in_an_inherited_file_is_looked_for_from_that_files_folder(tmp_path, run):
    """conf/base.yml's 'INHERIT: common.yml' is conf/common.yml, as MkDocs finds it (a mutation pass found that no
    test failed when it was looked for from mkdocs.yml's folder: every chain kept its files in one folder)."""
    from conftest import make_project

    project = make_project(tmp_path / "portal", {
        "mkdocs.yml": "INHERIT: conf/base.yml\nsite_name: Test portal\ndocs_dir: build/docs\ntheme:\n  name: material\n",
        "conf/base.yml": "INHERIT: common.yml\n", "conf/common.yml": "site_url: https://portal.acme.test/\n"})
    validated = run("validate", "--project", project)
    assert validated.exit_code == 0 and "INHERIT" not in validated.output, validated.output


def test_an_example_site_url_inherited_from_another_file_is_warned_there(tmp_path, run):
    """The example address as site_url, set in the file mkdocs.yml INHERITs, passed without a word: the warning read
    mkdocs.yml's own text only."""
    from conftest import make_project

    project = make_project(tmp_path / "portal", {
        "mkdocs.yml": "INHERIT: base.yml\nsite_name: Test portal\ndocs_dir: build/docs\ntheme:\n  name: material\n",
        "base.yml": "theme:\n  language: en\nsite_url: 'https://portal.example.com/'\n"})
    validated = run("validate", "--project", project)
    assert validated.output.startswith("base.yml:3:11: warning: site_url is the example address "
                                       "https://portal.example.com/"), validated.output


def _numbers(count: int) -> str:
    return "[" + ", ".join(["1"] * count) + "]"


@pytest.mark.parametrize("parent, error", [
    # 1 (the file) + 1 (extra) + 1 + 1 (a) + 100 + 1 (b) + 1 + 98 * 100 + 1 (c) + 1 + 92 = 10,000 values
    (f"extra:\n  a: &a {_numbers(99)}\n  b: [{', '.join(['*a'] * 98)}]\n  c: {_numbers(92)}\n", None),
    (f"extra:\n  a: &a {_numbers(99)}\n  b: [{', '.join(['*a'] * 98)}]\n  c: {_numbers(93)}\n",
     "aliases expand to more than 10,000 values"),
    ("extra:\n  x: " + "[" * 62 + "]" * 62 + "\n", None),  # the file, extra's value and 62 lists: 64 levels
    ("extra:\n  x: " + "[" * 63 + "]" * 63 + "\n", "lists and mappings are nested more than 64 levels deep"),
])
def test_mkdocs_yml_is_held_to_a_content_files_limits_at_their_edges(tmp_path, run, parent, error):
    """mkdocs.yml and the files it INHERITs get the limits a content file gets (10,000 values through aliases, 64
    levels): the limit itself passes, one more is refused, located in the file that holds it."""
    from conftest import REPO, copy_bundled

    project = copy_bundled(tmp_path / "portal", REPO)
    config = project / "mkdocs.yml"
    (project / "base.yml").write_text(parent, encoding="utf-8")
    config.write_text("INHERIT: base.yml\n" + config.read_text(encoding="utf-8"), encoding="utf-8")
    result = run("validate", "--project", project)
    if error is None:
        assert result.exit_code == 0, result.output
    else:
        assert result.exit_code == 1 and result.output.startswith(f"base.yml:1:1: error: base.yml: {error}"), \
            result.output


def test_a_site_dir_holding_other_files_is_refused_and_an_old_site_is_replaced(tmp_path, run):
    """A build replaces site_dir with a link to the built site: a folder of anything else was deleted."""
    from conftest import REPO, copy_bundled

    project = copy_bundled(tmp_path / "portal", REPO)
    config = project / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    precious = tmp_path / "www" / "notes" / "precious.txt"
    precious.parent.mkdir(parents=True)
    precious.write_text("keep me", encoding="utf-8")
    config.write_text(text.replace("site_dir: site", f"site_dir: {tmp_path / 'www'}"), encoding="utf-8")
    built = run("build", "--project", project, "--quiet")
    assert built.exit_code == 1 and "holds files but no built site" in built.output
    assert precious.read_text(encoding="utf-8") == "keep me"
    # an empty folder made for the site holds nothing to lose: taken
    (tmp_path / "empty").mkdir()
    config.write_text(text.replace("site_dir: site", f"site_dir: {tmp_path / 'empty'}"), encoding="utf-8")
    validated = run("validate", "--project", project)
    assert validated.exit_code == 0 and "unsafe-site-dir" not in validated.output, validated.output
    # a site MkDocs built there before (index.html) is what site_dir is for: replaced by the build's
    old_site = tmp_path / "old-site"
    (old_site / "assets").mkdir(parents=True)
    (old_site / "index.html").write_text("<html>old</html>", encoding="utf-8")
    config.write_text(text.replace("site_dir: site", f"site_dir: {old_site}"), encoding="utf-8")
    assert run("build", "--project", project, "--quiet").exit_code == 0
    assert old_site.is_symlink() and "Renewal runway" in (old_site / "playbooks/renewal-runway/index.html").read_text(encoding="utf-8")


def test_a_setting_written_twice_in_mkdocs_yml_is_an_error_and_the_last_one_is_checked(tmp_path, run):
    """MkDocs silently takes the last of two site_url lines; the example-address warning read the first, so a
    real address added at the end still failed --strict CI for the example one."""
    from conftest import REPO, copy_bundled

    project = copy_bundled(tmp_path / "portal", REPO)
    config = project / "mkdocs.yml"
    text = config.read_text(encoding="utf-8") + "site_url: https://portal.acme.io/\n"
    config.write_text(text, encoding="utf-8")
    first = next(n for n, l in enumerate(text.split("\n"), 1) if l.startswith("site_url:"))
    result = run("validate", "--project", project)
    assert result.exit_code == 1
    assert result.output.splitlines() == [
        f"mkdocs.yml:{text.count(chr(10))}:1: error: duplicate key 'site_url', first defined at line {first} (YAML "
        "keeps only the last one, and MkDocs uses it; delete the line you did not mean) [duplicate-key]", "1 error in 1 file"]
    # a wrong value written last is the one MkDocs uses, and is reported on its own line
    config.write_text(text + "site_url: cs-portal.example.com\n", encoding="utf-8")
    last = text.count(chr(10)) + 1
    result = run("validate", "--project", project)
    assert result.exit_code == 1 and f"mkdocs.yml:{last}:11: error: site_url 'cs-portal.example.com' is not a web " \
        "address" in result.output, result.output


def test_a_setting_written_three_times_names_its_first_line_each_time(tmp_path, run):
    """Each repeat points back at the first line, the one an editor adding a value at the end forgot: pointing at
    the second would send them to another copy to delete."""
    from conftest import REPO, copy_bundled

    project = copy_bundled(tmp_path / "portal", REPO)
    config = project / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    config.write_text(text + "site_description: Second\nsite_description: Third\n", encoding="utf-8")
    first = next(n for n, l in enumerate(text.split("\n"), 1) if l.startswith("site_description:"))
    end = text.count("\n")
    result = run("validate", "--project", project)
    assert result.exit_code == 1
    assert [line.split(" (YAML")[0] for line in result.output.splitlines() if ": error: " in line] == [
        f"mkdocs.yml:{end + 1}:1: error: duplicate key 'site_description', first defined at line {first}",
        f"mkdocs.yml:{end + 2}:1: error: duplicate key 'site_description', first defined at line {first}"], result.output
    assert result.output.splitlines()[-1].startswith("2 errors in 1 file"), result.output


def test_a_setting_written_twice_below_the_top_level_is_an_error_at_the_second(tmp_path, run):
    """`features:` written a second time under theme: (pasted from Material's documentation) dropped the first list
    without a word: validate and build passed, and the site lacked the features listed first. Only top-level keys
    were checked (red team: 'font:' twice under theme: passed). A merge key and an alias read twice are no repeats."""
    from conftest import REPO, copy_bundled

    project = copy_bundled(tmp_path / "portal", REPO)
    config = project / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    first = next(n for n, l in enumerate(text.split("\n"), 1) if l.startswith("  features:"))
    text = text.replace("  font: false\n", "  font: false\n  features: [navigation.top]\n")
    config.write_text(text + "extra:\n  base: &base {a: 1}\n  one: *base\n  two: {<<: *base, <<: *base}\n"
                      "  list:\n    - &dup {b: 1, b: 2}\n    - *dup\n", encoding="utf-8")  # one slip, said once
    second = next(n for n, l in enumerate(text.split("\n"), 1) if l == "  features: [navigation.top]")  # above it
    last = text.count("\n") + 6
    for command in (["validate"], ["build", "--quiet"]):
        result = run(*command, "--project", project)
        assert result.exit_code == 1, result.output
        assert f"mkdocs.yml:{first + 1}:3: error: duplicate key 'features', first defined at line {second} (YAML keeps " \
            "only the last one, and MkDocs uses it; delete the line you did not mean) [duplicate-key]" in result.output
        assert f"mkdocs.yml:{last}:19: error: duplicate key 'b', first defined at line {last}" in result.output
        assert result.output.count("duplicate key") == 2, result.output


def test_a_setting_is_located_under_its_own_top_level_key_only(tmp_path, run):
    """A nested setting written inline ('theme: {name: material, language: jp}') is reported on that line, not on a
    key of the same name in a later block (extra's 'language:')."""
    from conftest import REPO, copy_bundled

    project = copy_bundled(tmp_path / "portal", REPO)
    config = project / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    theme = text[text.index("\ntheme:\n") + 1:text.index("\nplugins:")]
    text = text.replace(theme, "theme: {name: material, language: jp}\n") + "extra:\n  language: ja\n"
    config.write_text(text, encoding="utf-8")
    line = text.split("\n").index("theme: {name: material, language: jp}") + 1
    result = run("validate", "--project", project)
    assert result.exit_code == 1 and f"mkdocs.yml:{line}:8: error: theme.language 'jp'" in result.output, result.output


def test_a_plugins_entry_is_counted_past_the_lists_inside_the_one_before(tmp_path, run):
    """An entry of plugins that names no plugin is located at its own '-', past a list in an earlier entry's settings
    (search's 'indexing:' list is not the next entry)."""
    from conftest import REPO, copy_bundled

    project = copy_bundled(tmp_path / "portal", REPO)
    config = project / "mkdocs.yml"
    text = config.read_text(encoding="utf-8").replace(
        "plugins:\n  - search:\n", "plugins:\n  - search:\n      lang:\n        - en\n  - 5\n  - search:\n")
    config.write_text(text, encoding="utf-8")
    line = text.split("\n").index("  - 5") + 1
    result = run("validate", "--project", project)
    assert result.exit_code == 1 and f"mkdocs.yml:{line}:3: error: plugins entry 2 names no plugin: it is 5" \
        in result.output, result.output


def test_an_unclosed_quote_is_reported_where_it_opens(tmp_path, run):
    """A quote left open was reported 11 lines later, where the parser met the next quote character."""
    from conftest import REPO, copy_bundled

    project = copy_bundled(tmp_path / "portal", REPO)
    path = project / "content/playbooks/qbr.yml"
    lines = path.read_text(encoding="utf-8").split("\n")
    number = next(n for n, l in enumerate(lines, 1) if l.strip() == "title: Schedule the QBR with the right people")
    lines[number - 1] = lines[number - 1].replace("title: Schedule", 'title: "Schedule')
    path.write_text("\n".join(lines), encoding="utf-8")
    result = run("validate", "--project", project)
    assert result.exit_code == 1
    column = lines[number - 1].index('"') + 1
    assert result.output.startswith(f"content/playbooks/qbr.yml:{number}:{column}: error: YAML syntax error: this quoted "
                                    "value is not closed on its line")


def test_a_quoted_value_that_closes_does_not_take_the_blame(project_factory, run):
    project = project_factory({"content/playbooks/p.yml": 'title: "P"\nsteps:\n  - id: s\n    title: S\n  bad: [\n'})
    result = run("validate", "--project", project)
    assert result.exit_code == 1 and "not closed on its line" not in result.output


def test_utf16_without_a_byte_order_mark_is_named(project_factory, run):
    """It was reported as 'character U+0000 is not allowed' with a fix about pasted control characters."""
    project = project_factory({"content/playbooks/p.yml": "title: P\nsteps: [{id: s, title: S}]\n"})
    path = project / "content/playbooks/p.yml"
    path.write_bytes(path.read_text(encoding="utf-8").encode("utf-16-le"))
    result = run("validate", "--project", project)
    assert result.exit_code == 1
    assert "content/playbooks/p.yml:1:1: error: file is UTF-16 (without a byte-order mark), not UTF-8 " \
           "(re-save the file with UTF-8 encoding) [not-utf8]" in result.output


@pytest.mark.parametrize("encoding, named", [("utf-16", "UTF-16"), ("utf-16-be", "UTF-16"), ("utf-32", "UTF-32")])
@pytest.mark.parametrize("path, text", [("content/playbooks/p.yml", "title: P\nsteps: [{id: s, title: S}]\n"),
                                        ("templates/labels.yml", "en:\n  steps: Steps\n")])
def test_utf16_or_utf32_with_a_byte_order_mark_is_named(project_factory, run, encoding, named, path, text):
    """Notepad's "Unicode" and PowerShell 5's Out-File save UTF-16 with a byte-order mark: a content file was 'file is
    not UTF-8 (byte 0xff)', and labels.yml "cannot read it: 'utf-8' codec can't decode byte 0xff in position 0:
    invalid start byte" (found by the red-team pass)."""
    project = project_factory({path: text})
    (project / path).write_bytes(("\ufeff" if encoding == "utf-16-be" else "").encode(encoding) + text.encode(encoding))
    result = run("validate", "--project", project)
    assert result.exit_code == 1
    assert (f"{path}:1:1: error: file is {named} (it starts with {named}'s byte-order mark), not UTF-8 (re-save the "
            "file with UTF-8 encoding) [not-utf8]") in result.output


@pytest.mark.parametrize("encoding", ["shift_jis", "cp932", "euc_jp"])
def test_a_file_saved_in_a_japanese_legacy_encoding_is_named(project_factory, run, encoding):
    """Japanese Windows editors (and Excel's "CSV"/"text" saves) write Shift_JIS (CP932), some Unix tools EUC-JP:
    validate said 'file is not UTF-8 (byte 0x83)', which left the editor to guess that encoding from a byte
    (first-hour walkthrough). A file in Latin-1, whose bytes Shift_JIS may also read (0xe9 'e' is a kanji),
    is not called Japanese: only text with kana is."""
    text = "title: 解約リスク対応\nsteps:\n  - id: s\n    title: 連絡する\n"
    project = project_factory({"content/playbooks/p.yml": text, "content/faq/f.yml": "title: F\nentries: []\n"})
    (project / "content/playbooks/p.yml").write_bytes(text.encode(encoding))
    (project / "content/faq/f.yml").write_bytes("title: Café étude\nentries: []\n".encode("latin-1"))
    result = run("validate", "--project", project)
    assert result.exit_code == 1 and "Traceback" not in result.output
    named = "EUC-JP" if encoding == "euc_jp" else "Shift_JIS"
    assert [line for line in result.output.splitlines() if "[not-utf8]" in line] == [
        "content/faq/f.yml:1:11: error: file is not UTF-8 (byte 0xe9) (re-save the file with UTF-8 encoding) [not-utf8]",
        f"content/playbooks/p.yml:1:8: error: file is {named}, not UTF-8 (re-save it as UTF-8: in VS Code, "
        f"\"Reopen with Encoding\" {named}, then \"Save with Encoding\" UTF-8) [not-utf8]",
    ], result.output


@pytest.mark.parametrize("command", [["validate"], ["build"], ["new", "chart", "x"], ["search", "renewal"], ["stale"]])
def test_a_mistyped_project_folder_is_a_usage_error(tmp_path, run, command):
    """`csops new chart x --project <typo>` answered 'content/roles.yml defines no roles yet'."""
    result = CliRunner().invoke(main, [*command, "--project", str(tmp_path / "no-such-portal")])
    assert result.exit_code == 2 and "Directory" in result.output and "does not exist" in result.output


def test_an_id_that_differs_only_in_case_says_to_rename_it(tmp_path, run):
    """A file renamed QBR.yml: every reference to 'qbr' listed 'known: QBR, …' without naming the cause."""
    from conftest import REPO, copy_bundled

    project = copy_bundled(tmp_path / "portal", REPO)
    (project / "content/playbooks/qbr.yml").rename(project / "content/playbooks/QBR.yml")
    result = run("validate", "--project", project)
    references = [line for line in result.output.splitlines() if "unknown playbook 'qbr'" in line]
    assert references and all("'QBR' differs only in case; ids are lowercase: rename it to 'qbr'" in line
                              for line in references)


def test_a_mkdocs_yml_that_is_not_a_mapping_is_one_located_error_from_validate_and_build(tmp_path, run):
    from conftest import REPO, copy_bundled

    project = copy_bundled(tmp_path / "portal", REPO)
    (project / "mkdocs.yml").write_text("- site_name\n- theme\n", encoding="utf-8")
    expected = ("mkdocs.yml:1:1: error: mkdocs.yml must be a mapping of settings (start from the mkdocs.yml of "
                "csops-portal's repository) [config-yaml]")
    validated = run("validate", "--project", project)
    assert validated.exit_code == 1 and expected in validated.output
    built = run("build", "--project", project, "--quiet")
    assert built.exit_code == 1 and built.output == f"Error: {expected}\n"


def test_a_strict_run_failed_by_warnings_alone_says_why(tmp_path, run):
    # "no errors, 1 warning" with exit 1 read like a pass that crashed
    from conftest import REPO, copy_bundled

    project = copy_bundled(tmp_path / "portal", REPO)  # its example site_url is a warning
    for command in (["validate"], ["build", "--quiet"]):
        relaxed, strict = (run(*command, "--project", project, *flag) for flag in ([], ["--strict"]))
        assert relaxed.exit_code == 0 and "--strict" not in relaxed.output
        assert strict.exit_code == 1
        assert strict.output.splitlines()[-1] == "no errors, 1 warning (--strict: warnings fail the run)"


def test_text_cut_by_a_hash_is_an_error_that_shows_the_quoted_fix_and_a_comment_is_not(project_factory, run):
    """`title: Post in #renewals channel` is YAML for 'Post in' and a comment: the page said "2. Post in", and
    validate --strict and build passed. A '# ' comment after a value stays a comment, and the rest is checked."""
    project = project_factory({"content/playbooks/p.yml": (
        "title: P\n"
        "summary: Ping #cs-leads first  # a real comment\n"
        "steps:\n"
        "  - id: s\n"
        "    title: Post in #renewals channel\n"
        "    owner: nobody\n"
        "    checklist:\n"
        "      - Ticket #123 linked\n"
        "      - Done  # a real comment\n"
        "      - \"Quoted #kept\"\n")})
    result = run("validate", "--project", project)
    assert result.exit_code == 1
    lines = [line for line in result.output.splitlines() if "comment-in-value" in line]
    assert lines == [
        "content/playbooks/p.yml:2:15: error: '#cs-leads first  # a real comment' is a YAML comment, so the value ends "
        "before it: 'Ping' (quote the whole value to keep the text: \"Ping #cs-leads first  # a real comment\") [comment-in-value]",
        "content/playbooks/p.yml:5:20: error: '#renewals channel' is a YAML comment, so the value ends before it: 'Post in' "
        "(quote the whole value to keep the text: \"Post in #renewals channel\") [comment-in-value]",
        "content/playbooks/p.yml:8:16: error: '#123 linked' is a YAML comment, so the value ends before it: 'Ticket' "
        "(quote the whole value to keep the text: \"Ticket #123 linked\") [comment-in-value]",
    ], result.output
    assert "unknown role 'nobody'" in result.output  # the file's data is whole: its other rules ran too
    assert run("build", "--project", project).exit_code == 1
    from generator.located_yaml import parse_yaml

    assert [p.code for p in parse_yaml("title: Schedule the QBR ##123 people\n", "x.yml")[1]] == ["comment-in-value"]
    assert parse_yaml("title: Schedule  ## a heading-like comment\n", "x.yml")[1] == []


def test_a_dash_line_indented_into_the_text_above_is_named(project_factory, run):
    """A checklist line one space too deep ('     - 記録した' under '    - 理由を聞いた') is YAML for more of the item
    above: the page showed one item '理由を聞いた - 記録した', and validate and build said nothing; a plain summary's
    '- ' lines were joined the same way. Now each is a warning at its dash, and the file's other rules still run."""
    project = project_factory({"content/playbooks/p.yml": (
        "title: P\n"
        "summary: 次のときに始める\n"
        "  - 解約の予告\n"
        "  - 値下げの要求\n"
        "steps:\n"
        "  - id: s\n"
        "    title: 理由を聞く\n"
        "    owner: nobody\n"
        "    checklist:\n"
        "    - 理由を聞いた\n"
        "     - 記録した\n"
        "    - \"引用 -\n"
        "      - も文字\"\n"
        "    - 二行に\n"
        "      わたる項目\n")})
    result = run("validate", "--project", project)
    fix = ("(to make it an entry, indent its '-' like the entry above; to keep a list in a text, write the value as "
           "a '|' block) [entry-in-text]")
    assert [line for line in result.output.splitlines() if "entry-in-text" in line] == [
        "content/playbooks/p.yml:3:3: warning: this '- ' line is read as more text of the value above it, not as an "
        f"entry of its own: the value is '次のときに始める - 解約の予告 - 値下げの要求' {fix}",  # one warning a value
        "content/playbooks/p.yml:11:6: warning: this '- ' line is read as more text of the value above it, not as an "
        f"entry of its own: the value is '理由を聞いた - 記録した' {fix}",
    ], result.output
    assert "unknown role 'nobody'" in result.output  # the file's data is whole: its other rules ran too


def test_a_bare_dash_line_indented_into_the_item_above_is_named(project_factory, run):
    """An empty entry started one space too deep ('     -' under '    - 理由を聞いた') is YAML for a ' -' at the end
    of the item above: the page showed '理由を聞いた -' (mutation pass: only '- ' followed by text was tried)."""
    project = project_factory({"content/playbooks/p.yml": (
        "title: P\nowner: csm\nsteps:\n  - id: s\n    title: S\n    owner: csm\n    checklist:\n"
        "    - 理由を聞いた\n     -\n    - 次\n")})
    result = run("validate", "--project", project)
    assert ("content/playbooks/p.yml:9:6: warning: this '- ' line is read as more text of the value above it, not as "
            "an entry of its own: the value is '理由を聞いた -'") in result.output, result.output


def test_a_link_with_a_mistyped_scheme_is_located_with_the_scheme_meant(project_factory, run):
    """[A](playbok:renewal-runway) passed validate and build and showed 'A' without a link: the page sanitiser drops a
    target whose scheme it does not know. Inline, angle-bracketed, reference-style and checklist links are checked."""
    project = project_factory({
        "content/playbooks/other.yml": "title: O\nsteps: [{id: s, title: S}]\n",
        "content/playbooks/p.yml": (
            "title: P\n"
            "summary: See [A](playbok:other) and [B](<Playbook:other>), [C](https://x.example/) [D](mailto:a@b.example)\n"
            "steps:\n"
            "  - id: s\n"
            "    title: S\n"
            "    body: |\n"
            "      Read [the FAQ][faq] or [run it](javascript:alert(1)).\n"
            "\n"
            "      [faq]: fq:renewals\n"
            "    checklist:\n"
            "      - Open [the other](playbook:other) and [this](plabook:other)\n")})
    result = run("validate", "--project", project)
    assert result.exit_code == 1
    found = [line.split(" (")[0] for line in result.output.splitlines() if "unknown-link-scheme" in line]
    assert found == [
        "content/playbooks/p.yml:2:18: error: link 'playbok:other' has an unknown scheme 'playbok:'; the page would show its text without a link",
        "content/playbooks/p.yml:2:42: error: link 'Playbook:other' has an unknown scheme 'Playbook:'; the page would show its text without a link",
        "content/playbooks/p.yml:7:39: error: link 'javascript:alert(1' has an unknown scheme 'javascript:'; the page would show its text without a link",
        "content/playbooks/p.yml:9:14: error: link 'fq:renewals' has an unknown scheme 'fq:'; the page would show its text without a link",
        "content/playbooks/p.yml:11:9: error: link 'plabook:other' has an unknown scheme 'plabook:'; the page would show its text without a link",
    ], result.output
    assert "did you mean 'playbook:'?" in result.output and "did you mean 'faq:'?" in result.output
    # code documenting link syntax holds no link: a code span, and fenced blocks of either kind
    code = project_factory({"content/playbooks/p.yml": (
        "title: P\n"
        "summary: Write `[text](foo:bar)` for a link.\n"
        "steps:\n"
        "  - id: s\n"
        "    title: S\n"
        "    body: |\n"
        "      ```\n"
        "      [code](ftp:thing)\n"
        "      ```\n"
        "      ~~~md\n"
        "      [more](x:y)\n"
        "      ~~~\n"
        "      Then [this](fq:renewals) is a link.\n")})
    found = [line for line in run("validate", "--project", code).output.splitlines() if "unknown-link-scheme" in line]
    assert len(found) == 1 and found[0].startswith("content/playbooks/p.yml:13:19: error: link 'fq:renewals'"), found


def test_an_alias_that_names_another_pages_id_is_blamed_on_the_alias(project_factory, run):
    """qbr.yml listing `aliases: [renewal-runway]` was reported at renewal-runway.yml:1:1, with advice to rename the
    playbook nobody had touched, because that file came later in the alphabet (FAQ topics were blamed right)."""
    project = project_factory({
        "content/playbooks/a-qbr.yml": "title: QBR\naliases: [renewal-runway]\nsteps: [{id: s, title: S}]\n",
        "content/playbooks/renewal-runway.yml": "title: Renewal runway\nsteps: [{id: s, title: S}]\n",
    })
    result = run("validate", "--project", project)
    assert result.exit_code == 1
    assert [line for line in result.output.splitlines() if "duplicate-id" in line] == [
        "content/playbooks/a-qbr.yml:2:11: error: duplicate playbook id 'renewal-runway', already used at "
        "content/playbooks/renewal-runway.yml:1 (aliases hold this page's former ids, whose links land here: if the "
        "other page is new, give it another id; if this alias was added by mistake, remove it here) [duplicate-id]"]


def test_a_new_page_named_like_an_alias_is_not_told_to_drop_the_alias(project_factory, run):
    """A new renewal-prep.yml, where renewal-runway lists `aliases: [renewal-prep]`, was told 'remove it here' at the
    alias: doing so sends every old renewal-prep link to the new page, and no vanished-URL check notices."""
    project = project_factory({
        "content/playbooks/renewal-runway.yml": "title: Runway\naliases: [renewal-prep]\nsteps: [{id: s, title: S}]\n",
        "content/playbooks/renewal-prep.yml": "title: Prep\nsteps: [{id: s, title: S}]\n",
    })
    lines = [line for line in run("validate", "--project", project).output.splitlines() if "duplicate-id" in line]
    assert len(lines) == 1 and "if the other page is new, give it another id" in lines[0], lines


@pytest.mark.parametrize("file, text, error", [
    ("content/settings.yml", "- review_interval: 180d\n", "content/settings.yml:1:1: error: file must be a mapping, got a list"),
    ("content/roles.yml", None, "content/roles.yml:12:9: error: 'CS Ops' is not a valid id in roles[2].id"),
])
def test_roles_or_settings_that_define_nothing_are_one_error_and_a_notice_not_a_flood(tmp_path, run, file, text, error):
    """A list settings.yml gave 66 'unknown segment' errors in 12 files, and one role id written 'CS Ops' 154 'unknown
    role' errors in 22, the real error printed last."""
    from conftest import REPO, copy_bundled

    project = copy_bundled(tmp_path / "portal", REPO)
    path = project / file
    path.write_text(text if text is not None else path.read_text(encoding="utf-8").replace("- id: cs-ops", "- id: CS Ops", 1),
                    encoding="utf-8")
    result = run("validate", "--project", project)
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert lines[0].startswith(error), result.output
    assert "references-not-checked" in lines[1] and lines[1].startswith(f"{file}:1:1: notice: ")
    assert lines[-1] == "1 error in 1 file, 1 warning"


@pytest.mark.parametrize("file, field, value", [
    ("content/roles.yml", "roles", "3"), ("content/settings.yml", "segments", "1.5"),
    ("content/settings.yml", "phases", "true"), ("content/glossary.yml", "terms", "true")])
def test_a_catalog_list_written_as_a_number_or_boolean_is_a_located_error(project_factory, run, file, field, value):
    """`terms: true` in glossary.yml or `segments: 1.5` in settings.yml stopped validate with a TypeError traceback
    (found by the content fuzzer): the catalog of ids read the field as a list before its shape error was reported."""
    project = project_factory({file: f"{field}: {value}\n"})
    result = run("validate", "--project", project)
    assert result.exit_code == 1, result.output
    assert result.output.startswith(f"{file}:1:"), result.output
    assert f"error: {field} must be a list" in result.output.splitlines()[0], result.output


@pytest.mark.parametrize("value, got", [("5", "a number"), ("true", "true/false"), ("1.5", "a number")])
def test_a_section_s_items_written_as_a_number_or_boolean_is_a_located_error(project_factory, run, value, got):
    """`items: 5` under an onboarding section stopped validate with "TypeError: 'int' object is not iterable"
    (found by the content fuzzer): the rules walking every item read the field as a list before its shape error
    was printed."""
    project = project_factory({"content/onboarding/o.yml": f"title: O\nsections:\n  - id: s\n    title: S\n    items: {value}\n"})
    result = run("validate", "--project", project)
    assert result.exit_code == 1, result.output
    assert result.output.startswith(f"content/onboarding/o.yml:5:12: error: items must be a list, got {got}"), result.output


def test_codeowners_settings_name_known_roles_and_owners_codeowners_reads(tmp_path, run):
    """'csm: acme/customer success' went into CODEOWNERS as an invalid line, and a role key typed 'cs-opz' left
    eight files without an owner: validate said nothing and `csops codeowners` exited 0."""
    from conftest import REPO, copy_bundled

    project = copy_bundled(tmp_path / "portal", REPO)
    path = project / "content/settings.yml"
    text = path.read_text(encoding="utf-8")
    lines = text.split("\n")
    csm = lines.index('  csm: "@acme/customer-success"') + 1
    ops = lines.index('  cs-ops: "@acme/cs-ops"') + 1
    path.write_text(text.replace('  csm: "@acme/customer-success"', "  csm: acme/customer success")
                    .replace('  cs-ops: "@acme/cs-ops"', '  cs-opz: "@acme/cs-ops jane.doe@acme.example"'), encoding="utf-8")
    result = run("validate", "--project", project)
    assert result.exit_code == 1
    assert f"content/settings.yml:{csm}:8: error: 'acme/customer success' is not valid for csm (write a GitHub team" in result.output
    assert f"content/settings.yml:{ops}:3: error: unknown role 'cs-opz' in codeowners (did you mean 'cs-ops'?" in result.output
    assert "2 errors in 1 file" in result.output  # several owners, a team and an email, are one valid value
    assert "references-not-checked" not in result.output
    # a codeowners key that is no id leaves the phases and segments settings.yml defines checked as usual
    path.write_text(text.replace('  csm: "@acme/customer-success"', '  ｃｓ-ops: "@acme/x"'), encoding="utf-8")
    result = run("validate", "--project", project)
    assert "references-not-checked" not in result.output and "ｃｓ-ops" in result.output
    assert run("codeowners", "--project", project).exit_code != 0


def test_the_mkdocs_settings_validate_knows_are_mkdocs_own():
    """validate names a top-level setting MkDocs does not know without importing MkDocs (0.13 s): the list it
    keeps must be MkDocs' own, or a new MkDocs setting would be called unknown."""
    from mkdocs.config.defaults import MkDocsConfig

    from generator.rules.site_config import MKDOCS_SETTINGS

    assert MKDOCS_SETTINGS == {name for name, _ in MkDocsConfig._schema}


@pytest.mark.parametrize("written, hint", [
    ("jp", "write language: ja"), ("Japanese", "write language: ja"), ("pt-br", "write language: pt-BR"),
    ("klingon", "write a code such as en or ja (Material's list: partials/languages in its templates)")])
def test_a_theme_language_material_lacks_is_refused_at_its_line(project_factory, run, written, hint):
    """language: jp passed validate; the build then stopped with "cannot write the build: 'partials/languages/jp.html'
    not found … fix the file system problem", naming neither mkdocs.yml nor the code meant."""
    from conftest import MINIMAL_MKDOCS

    project = project_factory({"mkdocs.yml": MINIMAL_MKDOCS.format(language=written),
                               "content/playbooks/p.yml": "title: P\nsteps: [{id: s, title: S}]\n"})
    expected = (f"mkdocs.yml:6:13: error: theme.language '{written}' is not a language code Material has its words in "
                f"({hint}) [config-setting]")
    for command in ("validate", "build"):
        result = run(command, "--project", project)
        assert result.exit_code == 1 and expected in result.output, result.output
        assert "Traceback" not in result.output and "file system" not in result.output
    assert run("validate", "--project", project_factory({"mkdocs.yml": MINIMAL_MKDOCS.format(language="ja"),
                                                           "content/playbooks/p.yml": "title: P\nsteps: [{id: s, title: S}]\n"},
                                                          )).exit_code == 0


def test_a_language_csops_has_no_words_in_is_a_warning_until_labels_yml_has_them(project_factory, run):
    """theme.language: fr built a portal with Material's French beside csops' English headings and search panel,
    and validate said nothing (docs pass): README promises English and Japanese."""
    from conftest import MINIMAL_MKDOCS

    files = {"mkdocs.yml": MINIMAL_MKDOCS.format(language="fr"), "content/playbooks/p.yml": "title: P\nsteps: [{id: s, title: S}]\n"}
    expected = ("mkdocs.yml:6:13: warning: csops has no words in 'fr': its headings, labels and search panel will be in "
                "English beside Material's (add a 'fr:' section to templates/labels.yml: copy the en: section of csops' "
                "labels.yml and translate its words) [untranslated-language]")
    result = run("validate", "--project", project_factory(files))
    assert result.exit_code == 0 and expected in result.output, result.output
    translated = project_factory({**files, "templates/labels.yml": "fr:\n  steps: Étapes\n"})
    assert "untranslated-language" not in run("validate", "--project", translated).output
    for language in ("en", "ja"):
        spoken = project_factory({**files, "mkdocs.yml": MINIMAL_MKDOCS.format(language=language)})
        assert "untranslated-language" not in run("validate", "--project", spoken).output
    # a regional code's words are its language's (ui_labels reads 'pt' for pt-BR): the section to add is pt:
    regional = {**files, "mkdocs.yml": MINIMAL_MKDOCS.format(language="pt-BR")}
    assert "add a 'pt:' section to templates/labels.yml" in run("validate", "--project", project_factory(regional)).output
    regional["templates/labels.yml"] = "pt:\n  steps: Etapas\n"
    assert "untranslated-language" not in run("validate", "--project", project_factory(regional)).output


@pytest.mark.parametrize("theme", ["mkdocs", "readthedocs"])
def test_a_theme_language_under_mkdocs_own_themes_chooses_csops_words_alone(project_factory, run, theme):
    """MkDocs' own themes read no theme.language, so Material's list is no test of it there ('jp' builds as it would
    with MkDocs, and a Material-only check would refuse a site MkDocs builds); it still chooses csops' words, and one
    csops has none in is the warning it is under Material, without Material's words to stand beside."""
    from conftest import MINIMAL_MKDOCS

    def validated(language):
        config = MINIMAL_MKDOCS.format(language=language).replace("name: material", f"name: {theme}")
        project = project_factory({"mkdocs.yml": config, "content/playbooks/p.yml": "title: P\nsteps: [{id: s, title: S}]\n"})
        result = run("validate", "--project", project)
        assert result.exit_code == 0 and "config-setting" not in result.output, result.output
        return result.output

    assert ("mkdocs.yml:6:13: warning: csops has no words in 'jp': its headings, labels and search panel will be in "
            "English (add a 'jp:' section") in validated("jp")
    assert "untranslated-language" not in validated("ja")


@pytest.mark.parametrize("theme, found", [
    # palette written as one mapping (MkDocs and Material take it), not a list of toggles: its icon is checked too
    ("  name: material\n  palette:\n    toggle:\n      icon: material/brightnes-4\n      name: Dark\n",
     "mkdocs.yml:8:13: error: 'theme.palette.toggle.icon' names no icon Material has: 'material/brightnes-4' (did you "
     "mean 'material/brightness-4'?)"),
    # a path climbing out of the custom_dir's .icons/ to its logo.svg: Jinja refuses '..', so the build would stop
    ("  name: material\n  custom_dir: overrides\n  icon:\n    logo: material/../../logo\n",
     "mkdocs.yml:8:11: error: 'theme.icon.logo' names no icon Material has: 'material/../../logo'"),
    # custom_dir alone is a theme MkDocs takes, with no name: not "'theme' names no theme"
    ("  custom_dir: overrides\n", None)])
def test_theme_settings_are_checked_in_every_form_mkdocs_takes(project_factory, run, theme, found):
    """Forms of theme: a mutation pass found untested: palette as a mapping (its toggle's icon went unchecked), an
    icon path with '..' (taken when the file was there), and custom_dir without a name (refused)."""
    from conftest import MINIMAL_MKDOCS

    config = MINIMAL_MKDOCS.format(language="en").replace("  name: material\n  language: en\n", theme + "  language: en\n")
    svg = "<svg xmlns='http://www.w3.org/2000/svg'/>"
    project = project_factory({"mkdocs.yml": config, "overrides/logo.svg": svg, "overrides/.icons/material/own.svg": svg,
                               "content/playbooks/p.yml": "title: P\nsteps: [{id: s, title: S}]\n"})
    result = run("validate", "--project", project)
    if found is None:
        assert "[config-setting]" not in result.output and "[unknown-icon]" not in result.output, result.output
    else:
        assert result.exit_code == 1 and found in result.output, result.output


def test_plugins_named_in_materials_own_namespace_are_taken_as_mkdocs_takes_them(project_factory, run):
    """Under theme material, MkDocs finds '- tags' as material/tags (installed under that name alone), and
    '- material/search' is the search plugin: a mutation pass found that no test failed when csops refused the first
    as not installed or warned the second gave the site no search box."""
    from conftest import MINIMAL_MKDOCS

    config = MINIMAL_MKDOCS.format(language="en").replace("  - search\n", "  - material/search\n  - tags\n")
    project = project_factory({"mkdocs.yml": config, "content/playbooks/p.yml": "title: P\nsteps: [{id: s, title: S}]\n"})
    result = run("validate", "--project", project)
    assert result.exit_code == 0, result.output
    assert "unknown-plugin" not in result.output and "no-search-plugin" not in result.output, result.output


def test_a_nav_that_is_no_list_is_one_error(project_factory, run):
    """'nav: 5' is site_config's error ("'nav' must be a list"); MkDocs' own check of nav, which validate runs for a
    list's entries, says the same in its words, and a mutation pass found that no test failed when both were said."""
    from conftest import MINIMAL_MKDOCS

    project = project_factory({"mkdocs.yml": MINIMAL_MKDOCS.format(language="en") + "nav: 5\n"})
    result = run("validate", "--project", project)
    errors = [line for line in result.output.splitlines() if ": error: " in line]
    assert result.exit_code == 1 and errors == [
        "mkdocs.yml:9:6: error: 'nav' must be a list, not int (list the entries under it, one '- entry' a line) "
        "[config-setting]"], result.output


def test_a_plugin_listed_twice_is_one_error_at_its_second_entry(project_factory, run):
    """A second '- search:' entry with settings of its own is named once, as listed twice: its settings were never
    the first entry's, and a mutation pass found that no test failed when they were also checked (and refused at
    the first entry's line, which holds none)."""
    from conftest import MINIMAL_MKDOCS

    config = MINIMAL_MKDOCS.format(language="en").replace("  - search\n", "  - search\n  - search:\n      lang: 5\n")
    result = run("validate", "--project", project_factory({"mkdocs.yml": config}))
    errors = [line for line in result.output.splitlines() if ": error: " in line]
    assert result.exit_code == 1 and errors == [
        "mkdocs.yml:9:3: error: plugin 'search' is listed twice, and it runs once a build (keep one entry, with all "
        "its settings) [config-setting]"], result.output


def test_a_plugin_that_runs_once_per_entry_may_be_listed_twice(project_factory, run):
    """Material's tags plugin may be listed more than once (supports_multiple_instances: an index per listing), and
    MkDocs builds such a list; only a plugin that runs once a build is 'listed twice'. A mutation pass found that no
    test failed when validate refused every second entry."""
    from mkdocs.config import load_config

    from conftest import MINIMAL_MKDOCS

    config = MINIMAL_MKDOCS.format(language="en").replace("  - search\n", "  - search\n  - tags\n  - tags\n")
    project = project_factory({"mkdocs.yml": config, "content/playbooks/p.yml": "title: P\nsteps: [{id: s, title: S}]\n"})
    (project / "build/docs").mkdir(parents=True)
    load_config(config_file=str(project / "mkdocs.yml"))  # MkDocs takes it: it refuses 'search' listed twice
    result = run("validate", "--project", project)
    assert result.exit_code == 0 and "listed twice" not in result.output, result.output


def test_a_link_in_a_phase_description_is_checked_where_it_is_written(project_factory, run):
    """A phase description is Markdown on its phase page: a mistyped link in it passed validate, and the build
    refused 'Doc file phases/onboarding.md contains a link …', naming a generated file instead of settings.yml."""
    project = project_factory({
        "content/settings.yml": "phases:\n  - id: onboarding\n    name: Onboarding\n    description: See [x](playbook:kikoff).\n",
        "content/playbooks/kickoff.yml": "title: K\nphase: onboarding\nsteps: [{id: s, title: S}]\n"})
    result = run("validate", "--project", project)
    assert result.exit_code == 1
    assert "content/settings.yml:4:26: error: unknown playbook 'kikoff' in 'playbook:kikoff' (did you mean 'kickoff'?)" in result.output


@pytest.mark.parametrize("line, written, expected", [
    ("phase: renewal", "ｐｈａｓｅ: renewal", ":2:1: error: unknown field 'ｐｈａｓｅ' (did you mean 'phase', in half-width letters?)"),
    ("owner: csm", "owner: ｃｓｍ", ":3:8: error: unknown role 'ｃｓｍ' in owner of 'p' (did you mean 'csm', in half-width letters?"),
    ("phase: renewal", "phase： renewal", ":2:6: error: YAML syntax error: 'phase： renewal' uses a full-width colon '：'"),
    ("owner: csm", "owner:\u3000csm", ":3:7: error: YAML syntax error: 'owner:\u3000csm' has a full-width space after its colon"),
])
def test_keys_and_ids_typed_with_a_japanese_input_method_are_named_so(project_factory, run, line, written, expected):
    """'ｐｈａｓｅ' and 'ｃｓｍ' got no did-you-mean (ASCII typos did), and 'phase：' or 'owner:　csm' were said to
    have no ':' after the key, never naming the full-width character."""
    text = "title: P\nphase: renewal\nowner: csm\nsteps: [{id: s, title: S}]\n"
    project = project_factory({"content/playbooks/p.yml": text.replace(line, written, 1)})
    result = run("validate", "--project", project)
    assert result.exit_code == 1 and f"content/playbooks/p.yml{expected}" in result.output, result.output


_DASHED = "'ー id: offer' starts with 'ー' (the katakana prolonged sound mark), where a list entry starts with '-' "
_DASH_FIX = "(write an ASCII '- ' in place of 'ー': type it with the input method off)"


@pytest.mark.parametrize("written, expected", [
    # a second step (the parser stopped at the '- ' entries' level and blamed 'ー id:' as a key among them)
    ("steps:\n  - id: hearing\n    title: 聞く\n  ー id: offer\n    title: 出す\n",
     f":5:3: error: YAML syntax error: {_DASHED}{_DASH_FIX} [yaml-syntax]"),
    # the first step, with a field under it ('mapping values are not allowed' at the next line)
    ("steps:\n  ー id: offer\n    title: 出す\n", f":3:3: error: YAML syntax error: {_DASHED}{_DASH_FIX} [yaml-syntax]"),
    # steps of one line each: a mapping with the key 'ー id'
    ("steps:\n  ー id: offer\n", ":3:3: error: steps must be a list, got a mapping: 'ー id' starts with 'ー' (the "
     f"katakana prolonged sound mark), where a list entry starts with '-' {_DASH_FIX} [wrong-type]"),
    # typed in full-width mode, the space after the dash too (mutation pass: only an ASCII space was tried)
    ("steps:\n  －\u3000id: offer\n    title: 出す\n", ":3:3: error: YAML syntax error: '－\u3000id: offer' starts with "
     "'－' (a full-width hyphen), where a list entry starts with '-' (write an ASCII '- ' in place of '－': type it "
     "with the input method off) [yaml-syntax]"),
    # a slip above a typed dash is reported where it is, not blamed on the dash below it (mutation pass)
    ("summary: a: b\nsteps:\n  - id: a\n    title: A\n  ー id: b\n    title: B\n", ":2:10: error: YAML syntax error: the "
     "value of 'summary' holds ': ', which YAML reads as another key"),
    # a list of words, typed in full-width mode: one text
    ("tags:\n  － 解約\n  － リスク\nsteps: [{id: s, title: S}]\n", ":3:3: error: tags must be a list, got text: "
     "'－ 解約 － リスク' starts with '－' (a full-width hyphen), where a list entry starts with '-' (write an ASCII "
     "'- ' in place of '－': type it with the input method off) [wrong-type]"),
])
def test_a_list_entry_whose_dash_was_typed_with_a_japanese_input_method_is_named_so(project_factory, run, written,
                                                                                    expected):
    """'-' typed with a Japanese input method on is ー (kana mode) or － (full-width): YAML reads 'ー id: offer' as a
    key, so validate said 'mapping values are not allowed in this context' a line later, "steps must be a list, got
    a mapping", or told the editor to write '- id: ー id'; 'ー 解約' lines were "tags must be a list, got text"."""
    project = project_factory({"content/playbooks/p.yml": "title: P\n" + written})
    result = run("validate", "--project", project)
    assert result.exit_code == 1 and f"content/playbooks/p.yml{expected}" in result.output, result.output
    body = "title: P\nsteps:\n  - id: s\n    title: S\n    body: |\n      ー 以上です。\n      － 注: 続く\n"
    assert run("validate", "--project", project_factory({"content/playbooks/p.yml": body})).exit_code == 0


@pytest.mark.parametrize("value", ["@acme/cs-ops owns this", "`Renewal Status` is set", "%ARR growth"])
def test_a_value_starting_with_a_reserved_character_says_to_quote_it(project_factory, run, value):
    """'found character that cannot start any token' came with the generic indentation hint."""
    project = project_factory({"content/playbooks/p.yml": f"title: P\nsummary: {value}\nsteps: [{{id: s, title: S}}]\n"})
    result = run("validate", "--project", project)
    assert result.exit_code == 1
    assert (f"content/playbooks/p.yml:2:10: error: YAML syntax error: a value cannot start with '{value[0]}' "
            f"(quote the value: \"{value}\") [yaml-syntax]") in result.output
    # in a list, the entry alone ("@renewal]" left the list open), and a backslash doubled inside double quotes
    listed = run("validate", "--project", project_factory({"content/playbooks/p.yml": (
        "title: P\ntags: [qbr, @renewal]\nsummary: S\nsteps: [{id: s, title: S}]\n")}))
    assert "(quote the value: \"@renewal\")" in listed.output


def test_a_second_document_in_a_file_is_told_to_remove_its_separator(project_factory, run):
    """A '---' left at the end (front-matter habit) or two pages in one file said 'expected a single document in the
    stream but found another document (check indentation and quote values containing ': ' or '#')'."""
    text = "title: P\nsteps: [{id: s, title: S}]\n---\n"
    for written, line in ((text, 3), ("---\n" + text + "title: Q\nsteps: [{id: t, title: T}]\n", 4)):
        result = run("validate", "--project", project_factory({"content/playbooks/p.yml": written}))
        assert result.exit_code == 1
        assert (f"content/playbooks/p.yml:{line}:1: error: YAML syntax error: a second document starts here: YAML "
                "reads '---' as the end of one document and the start of another (delete this '---' line: a file "
                "holds one document (give a second page its own file)) [yaml-syntax]") in result.output, result.output
    assert run("validate", "--project", project_factory({"content/playbooks/p.yml": "---\n" + text[:-4] + "...\n"})).exit_code == 0


@pytest.mark.parametrize("written, expected", [
    ("title: \u201cKickoff: agenda\u201d", "the value of 'title' is in typographic quotes \u201c \u201d, which YAML reads as "
     "text, so its ': ' reads as another key (use straight quotes: title: \"Kickoff: agenda\")"),
    ("title: \u2018Kickoff: \"the\" agenda\u2019", "(use straight quotes: title: 'Kickoff: \"the\" agenda')"),
    # Japanese brackets are part of the text: kept, and the whole value quoted
    ("title: \u300cQBR: \u6e96\u5099\u300d", "holds ': ', which YAML reads as another key (put the whole value in quotes: "
     "title: \"\u300cQBR: \u6e96\u5099\u300d\")"),
])
def test_a_value_in_typographic_quotes_is_told_to_use_straight_ones(project_factory, run, written, expected):
    """“Kickoff: agenda”, pasted from a document, was told to 'put the whole value in quotes' as
    \"“Kickoff: agenda”\", keeping the curly quotes in the title the editor thought were YAML's."""
    project = project_factory({"content/playbooks/p.yml": f"{written}\nsteps: [{{id: s, title: S}}]\n"})
    result = run("validate", "--project", project)
    assert result.exit_code == 1 and "content/playbooks/p.yml:1:8: error: YAML syntax error: " in result.output
    assert expected in result.output, result.output


def test_a_problem_quoting_a_huge_value_stays_a_readable_line(project_factory, run):
    """A 40,000-character title in typographic quotes was quoted whole in its hint, and 3,000 roles written as one
    text in the unknown role's message: lines no terminal or CI log shows (red team). Every message and hint is cut."""
    huge = "x" * 40_000
    project = project_factory({"content/playbooks/p.yml": f"title: \u201cKickoff: {huge}\u201d\nsteps: [{{id: s, title: S}}]\n",
                               "content/playbooks/q.yml": f"title: Q\nowner: {'csm ' * 3_000}\nsteps: [{{id: s, title: S}}]\n"})
    result = run("validate", "--project", project)
    lines = [line for line in result.output.splitlines() if line.startswith("content/")]
    assert result.exit_code == 1 and len(lines) >= 2, result.output[:2000]
    assert all(len(line) < 1_500 for line in lines), [len(line) for line in lines]
    assert any("typographic quotes" in line and "…" in line for line in lines), lines


@pytest.mark.parametrize("written, expected", [
    ("title: *Urgent* renewals", ":1:8: error: YAML syntax error: a value cannot start with '*': YAML reads it as an "
     "alias (a copy of a value marked with '&'), not as Markdown emphasis (quote the value: \"*Urgent* renewals\")"),
    ("title: **Urgent** renewals  # bold", ":1:8: error: YAML syntax error: a value cannot start with '*'"),
    ("title: [Draft] Renewal prep", ":1:8: error: YAML syntax error: a value that starts with '[' is a list to YAML, "
     "and the text after its ']' cannot follow it (quote the value: \"[Draft] Renewal prep\")"),
    ("title: {Draft} Renewal prep", ":1:8: error: YAML syntax error: a value that starts with '{' is a mapping"),
    ('title: "QBR" prep', ":1:8: error: YAML syntax error: the quotes end after \"QBR\", before the rest of the value "
     "(quote the whole value or none of it: '\"QBR\" prep')"),
    ("title: *renewal", ":1:8: error: YAML syntax error: '*renewal' reads as a YAML alias, a copy of a value marked "
     "'&renewal', and no value above is marked so (if it is text, quote the value: \"*renewal\"; to repeat a value, "
     "mark it '&renewal' first)"),
])
def test_markdown_or_a_quote_starting_a_value_is_told_to_quote_the_whole_value(project_factory, run, written, expected):
    """'*Urgent* renewals' (Markdown emphasis) and '[Draft] …' got PyYAML's words ('while scanning an alias did not
    find expected alphabetic or numeric character', 'did not find expected key') and the hint to check
    indentation; a title quoted only in part too."""
    project = project_factory({"content/playbooks/p.yml": f"{written}\nsteps: [{{id: s, title: S}}]\n"})
    result = run("validate", "--project", project)
    assert result.exit_code == 1 and f"content/playbooks/p.yml{expected}" in result.output, result.output
    # in a checklist, the item itself is named
    listed = run("validate", "--project", project_factory({"content/playbooks/p.yml": (
        "title: P\nsteps:\n  - id: s\n    title: S\n    checklist:\n      - *Economic buyer* named\n      - b\n")}))
    assert ("content/playbooks/p.yml:6:9: error: YAML syntax error: a value cannot start with '*'" in listed.output
            and '(quote the value: "*Economic buyer* named")' in listed.output), listed.output


def test_a_folder_holding_content_is_the_project_even_inside_another_portal(tmp_path, run, monkeypatch):
    """Content without mkdocs.yml (validate needs none) inside a folder that holds a portal: `csops validate` run
    there checked the portal above, said 'no errors' and exited 0 over a broken playbook, as --project did not."""
    from conftest import REPO, copy_bundled

    outer = copy_bundled(tmp_path / "outer", REPO)
    inner = outer / "drafts"
    shutil.copytree(REPO / "tests/examples/base", inner)
    (inner / "content/playbooks").mkdir()
    (inner / "content/playbooks/broken.yml").write_text("title: Broken\nowner: csmm\nsteps:\n  - {id: a, title: A}\n")
    monkeypatch.chdir(inner)
    monkeypatch.setenv("PWD", str(inner))
    result = run("validate")
    assert result.exit_code == 1 and "content/playbooks/broken.yml:2:8: error: unknown role 'csmm'" in result.output, result.output
    assert run("validate", "--project", ".").output == result.output


def test_commands_run_from_inside_a_portal_find_it_above(tmp_path, run, monkeypatch):
    """From content/playbooks, validate said 'no content/ folder in .', build 'mkdocs.yml: not found' and
    `csops new playbook` 'content/roles.yml defines no roles yet': the portal is now found above, as git finds
    its repository; a folder in no portal still gets the error."""
    from conftest import REPO, copy_bundled

    project = copy_bundled(tmp_path / "portal", REPO)
    monkeypatch.chdir(project / "content" / "playbooks")
    assert run("validate").exit_code == 0
    created = run("new", "playbook", "exec-sponsor-check")
    assert created.exit_code == 0, created.output
    assert (project / "content/playbooks/exec-sponsor-check.yml").is_file()
    # in a folder the shell reached through a link (content/extra -> a folder elsewhere), $PWD names the portal
    (tmp_path / "elsewhere").mkdir()
    (project / "content" / "extra").symlink_to(tmp_path / "elsewhere")
    monkeypatch.chdir(project / "content" / "extra")
    monkeypatch.setenv("PWD", str(project / "content" / "extra"))
    assert "no content/ folder" not in run("validate").output
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("PWD", str(tmp_path))
    result = run("validate")
    assert result.exit_code == 1 and "no content/ folder in ." in result.output
    # and says how to start one, as build and serve do (build said to copy a mkdocs.yml from csops-portal's repository)
    assert "or start one with `csops init`" in result.output
    for command in ("build", "serve"):
        refused = run(command)
        assert refused.exit_code == 1 and refused.output.startswith("Error: no portal in .: ") and "csops init" in refused.output


def test_a_renamed_step_names_the_vanishing_url_in_the_same_run_as_the_links_it_broke(tmp_path, run):
    """Only 'unknown step pull-data' showed (in the file linking to it), nudging the editor to edit that link;
    'published URL … would disappear' came a run later, after the link was fixed. It names the `csops mv` that
    renames the step and rewrites that link."""
    from conftest import REPO, copy_bundled

    project = copy_bundled(tmp_path / "portal", REPO)
    qbr = project / "content/playbooks/qbr.yml"
    qbr.write_text(qbr.read_text(encoding="utf-8").replace("  - id: pull-data\n", "  - id: pull-data-pack\n", 1), encoding="utf-8")
    result = run("validate", "--project", project)
    assert result.exit_code == 1
    assert "unknown step 'pull-data' in playbook 'qbr' (did you mean 'pull-data-pack'?)" in result.output
    assert "published URL 'playbooks/qbr/#pull-data' would disappear" in result.output
    assert ("set its id back to 'pull-data' in content/playbooks/qbr.yml and run `csops mv step qbr pull-data "
            "pull-data-pack`: it keeps the old URL as an alias and rewrites every reference") in result.output


@pytest.mark.parametrize("indent", ["\u3000\u3000", "  \u00a0 "])
def test_a_line_indented_with_a_full_width_or_no_break_space_is_named(project_factory, run, indent):
    """'mapping values are not allowed' was reported a line late (39:13 for line 38), never naming the space."""
    for text in ("title: P\nsteps:\n  - id: s\n    title: S\n  - id: t\n" + indent + "title: T\n    owner: csm\n",
                 "title: P\nsteps:\n  - id: s\n    title: S\n  - id: t\n" + indent + "title: T\n"):  # the key read as text
        result = run("validate", "--project", project_factory({"content/playbooks/p.yml": text}))
        assert result.exit_code == 1
        line = next((line for line in result.output.splitlines() if "indent with ASCII spaces" in line), result.output)
        assert line.startswith("content/playbooks/p.yml:6:") and ("full-width" in line or "no-break" in line), line


@pytest.mark.parametrize("written, at", [
    ("  - id: t\n\ttitle: T\n", "6:1"),          # a key under a list entry
    ("\t- id: t\n\t  title: T\n", "5:1"),        # the entry itself
    ("  - id: t\n  \t title: T\n", "6:3"),       # spaces, then a tab
    ("  - id: t\n    title: T\n    body: |\n      One\n\tTwo\n", "9:1"),  # a line of a '|' text
])
def test_a_line_indented_with_a_tab_is_named(project_factory, run, written, at):
    """A tab said 'while scanning a plain scalar found a tab character that violates indentation' (or 'for the next
    token found character that cannot start any token'), the parser's words, where a full-width space says 'this
    line is indented with a full-width space' (first-hour walkthrough)."""
    text = "title: P\nsteps:\n  - id: s\n    title: S\n" + written
    result = run("validate", "--project", project_factory({"content/playbooks/p.yml": text}))
    assert result.exit_code == 1 and [line for line in result.output.splitlines() if ": error" in line] == [
        f"content/playbooks/p.yml:{at}: error: YAML syntax error: this line is indented with a tab (replace the tab "
        "with spaces: YAML indents with spaces only) [yaml-syntax]"], result.output


@pytest.mark.parametrize("comma", ["、", "，"])
def test_entries_of_a_flow_mapping_separated_by_a_japanese_comma_are_named(project_factory, run, comma):
    """'raci: {R: csm、A: cs-lead}', typed with the input method on, said "this '{' is not closed ... (close it
    with '}', and separate its entries with ', ')": the '}' is there, and the '、' went unnamed (first-hour
    walkthrough). In a list ([csm、sales-ae]) it is one text, which the role check names."""
    text = f"title: P\nsteps:\n  - id: s\n    title: S\n    raci: {{R: csm{comma}A: cs-lead}}\n"
    result = run("validate", "--project", project_factory({"content/playbooks/p.yml": text}))
    assert result.exit_code == 1 and [line for line in result.output.splitlines() if ": error" in line] == [
        f"content/playbooks/p.yml:5:18: error: YAML syntax error: '{comma}' separates the entries of this '{{' "
        f"(write ', ', an ASCII comma and a space, in place of '{comma}') [yaml-syntax]"], result.output


@pytest.mark.parametrize("path, text, expected", [
    ("content/playbooks/p.yml", "tilte: P\nsteps:\n  - id: s\n    title: S\n",
     "1:1: error: unknown field 'tilte' (did you mean 'title'?)"),
    ("content/playbooks/p.yml", "title: P\nsteps:\n  - id: s\n    Title: S\n",
     "4:5: error: unknown field 'Title' (did you mean 'title'?)"),
    ("content/playbooks/p.yml", "title: P\nstep:\n  - id: s\n    title: S\n",
     "2:1: error: unknown field 'step' (did you mean 'steps'?)"),
    ("content/playbooks/p.yml", "title: P\nsteps:\n  - id: s\n    タイトル: S\n",
     "4:5: error: unknown field 'タイトル' (did you mean 'title'?)"),
])
def test_a_required_field_with_its_key_mistyped_is_one_error(project_factory, run, path, text, expected):
    """'tilte: …' gave two errors, "missing required field 'title'" at 1:1 and "unknown field 'tilte' (did you mean
    'title'?)": one slip, two errors, the first saying to add a field the editor had written (first-hour walkthrough).
    A required field missing beside a key that does not mean it is still both."""
    result = run("validate", "--project", project_factory({path: text}))
    assert result.exit_code == 1 and [line for line in result.output.splitlines() if ": error" in line] == [
        f"{path}:{expected} [unknown-field]"], result.output
    other = run("validate", "--project", project_factory({path: "summary: P\nowner_team: ops\nsteps:\n  - id: s\n    title: S\n"}))
    assert [line.split(": error: ")[1] for line in other.output.splitlines() if ": error" in line] == [
        "missing required field 'title' (add 'title:') [missing-field]",
        "unknown field 'owner_team' (did you mean 'owner'?) [unknown-field]"], other.output


def test_a_scheme_link_written_as_code_is_shown_as_written_and_not_checked(project_factory, run):
    """A sample `[x](playbook:nope)` in a code span was validated as a reference (unknown playbook) and, when it
    named a real page, rewritten on the page into `[x](../qbr.md)`."""
    from generator.pipeline import load_portal
    from generator.render import render_pages

    project = project_factory({"content/playbooks/p.yml": (
        "title: P\nsummary: Link a step with `[text](playbook:p#s)` or `[text](playbook:nope)`; see [it](playbook:p#s).\n"
        "steps: [{id: s, title: S}]\n")})
    result = run("validate", "--project", project)
    assert "nope" not in result.output, result.output
    page = {p.source: p.text for p in render_pages(load_portal(project))}["playbooks/p.md"]
    assert "`[text](playbook:p#s)`" in page and "`[text](playbook:nope)`" in page and "[it](p.md#s)" in page


def test_a_link_after_a_fence_the_page_never_closes_is_checked_and_linked(project_factory, run):
    """A body whose ``` was never closed, or closed by a longer ````, is no code block on the page (superfences
    closes a fence with the same fence alone): its lines show as text, and their links as links. validate took the
    rest of the body for code, so a link to a page that does not exist passed, and the page showed it as a link
    going nowhere (its playbook: address never rewritten)."""
    from generator.pipeline import load_portal
    from generator.render import render_pages

    body = "      Run this:\n\n      ```\n      csops validate\n      {close}\n\n      Then read [the playbook]({ref}).\n"
    for close in ("", "````"):
        project = project_factory({"content/playbooks/p.yml": (
            "title: P\nsteps:\n  - id: s\n    title: S\n    body: |\n" + body.format(close=close, ref="playbook:nope"))})
        errors = [line for line in run("validate", "--project", project).output.splitlines() if ": error:" in line]
        assert [line.split(": error")[0] for line in errors] == ["content/playbooks/p.yml:12:32"], errors
        project = project_factory({"content/playbooks/p.yml": (
            "title: P\nsteps:\n  - id: s\n    title: S\n    body: |\n" + body.format(close=close, ref="playbook:p#s"))})
        page = {p.source: p.text for p in render_pages(load_portal(project))}["playbooks/p.md"]
        assert "[the playbook](p.md#s)" in page, page


def test_a_link_in_a_folded_value_is_located_on_its_own_line(project_factory, run):
    """A '>-' value is joined with spaces, so a link on its second line was reported on the first, at a column past
    the line's end (12:136 for a link at 13:28); GitHub annotations pointed there too."""
    project = project_factory({"content/playbooks/p.yml": (
        "title: P\n"
        "summary: >-\n"
        "  First line of the summary,\n"
        "  then [a link](playbok:p) on the second,\n"
        "\n"
        "  and after a blank line [another](fq:x).\n"
        "steps: [{id: s, title: S}]\n")})
    found = [line.split(": error")[0] for line in run("validate", "--project", project).output.splitlines()
             if "unknown-link-scheme" in line]
    assert found == ["content/playbooks/p.yml:4:17", "content/playbooks/p.yml:6:36"], found


def test_a_link_in_a_plain_or_quoted_value_over_lines_is_located_on_its_own_line(project_factory, run):
    """Plain and quoted values over several lines are joined with spaces: counting lines in their text reported 5:52
    on a 23-character line, and 11:9 in a 9-line file; then every such value's problems were reported at its start,
    so an editor jumped to the first line of a body whose broken link was on its third. Each link is on its own line
    now; a value whose lines its text cannot tell apart (escapes) still points at its start, never past it."""
    project = project_factory({"content/playbooks/p.yml": (
        "title: P\n"
        "steps:\n"
        "  - id: one\n"
        "    title: One\n"
        "    body: Book the exec\n"
        "      for 30 minutes. See [prep](playbook:p#nope).\n"
        "  - id: two\n"
        "    title: Two\n"
        '    body: "Say \\"hi\\".\\tThen\\n\\nsee [x](faq:nope)"\n'
        "  - id: three\n"
        "    title: Three\n"
        "    body: 'Book the exec\n"
        "\n"
        "      it''s [prep](playbook:p#nope2).'\n"
        "  - id: four\n"
        "    title: Four\n"
        '    body: "Book the exec\n'
        "      for 30 minutes.\n"
        '        See [prep](playbook:p#nope3)."\n'
        "  - id: five\n"
        "    title: Five\n"
        "    body: Book the exec\n"
        "      for 30 minutes.\n"
        "      See [prep](playbook:p#nope4)\n"
        "      and [faq](faq:gone).\n")})
    found = [line.split(": error")[0] for line in run("validate", "--project", project).output.splitlines()
             if "content/playbooks/p.yml" in line and ": error" in line]
    assert found == ["content/playbooks/p.yml:6:34", "content/playbooks/p.yml:9:11", "content/playbooks/p.yml:12:11",
                     "content/playbooks/p.yml:19:20", "content/playbooks/p.yml:24:18",
                     "content/playbooks/p.yml:25:17"], found


def test_a_playbook_that_lists_itself_as_related_is_an_error(project_factory, run):
    """Its page listed itself under "Related playbooks" (new-user walkthrough)."""
    project = project_factory({"content/playbooks/p.yml": "title: P\nrelated: [q, p]\nsteps: [{id: s, title: S}]\n",
                               "content/playbooks/q.yml": "title: Q\nrelated: [p]\nsteps: [{id: s, title: S}]\n"})
    result = run("validate", "--project", project)
    assert result.exit_code == 1
    assert [line for line in result.output.splitlines() if ": error" in line] == [
        "content/playbooks/p.yml:2:14: error: playbook 'p' lists itself in related (remove it: related names other "
        "playbooks a reader goes on to) [related-to-itself]"], result.output


def test_slips_of_a_hurried_editor_get_the_fix_in_one_error_each(project_factory, run):
    """From a new-user walkthrough: lowercase RACI letters listed the known fields instead of the one meant, an item's
    'title' (items have 'text') said only where 'title' belongs, and a ref without its scheme gave two errors, one
    of them a raw regular expression."""
    project = project_factory({
        "content/playbooks/p.yml": "title: P\nsteps:\n  - id: s\n    title: S\n    raci: {r: csm, a: cs-lead}\n",
        "content/onboarding/c.yml": ("title: C\naudience: [csm]\nsections:\n  - id: s\n    title: S\n    items:\n"
                                     "      - id: i\n        title: Do the thing\n        ref: qbr\n"),
        # two unknown keys beside the missing text: neither is 'the one key meant for it', and text is still missing
        "content/onboarding/d.yml": ("title: D\naudience: [csm]\nsections:\n  - id: s\n    title: S\n    items:\n"
                                     "      - id: i\n        title: Do the thing\n        when: day one\n")})
    lines = [line for line in run("validate", "--project", project).output.splitlines() if ": error" in line]
    assert [line.split(": error: ")[1].split(" (")[0] for line in lines if "d.yml" in line] == [
        "missing required field 'text' in sections[0].items[0]", "unknown field 'title'", "unknown field 'when'"], lines
    assert not any("did you mean" in line for line in lines if "d.yml" in line), lines
    assert [line for line in lines if "p.yml" in line] == [
        "content/playbooks/p.yml:5:11: error: raci is written with 'r' for 'R'; csops reads one capital letter per "
        "key, R, A, C or I, with its roles after it (write raci: {R: csm, A: cs-lead}) [raci-letters]"], lines
    assert "content/onboarding/c.yml:8:9: error: unknown field 'title' (did you mean 'text'?) [unknown-field]" in lines
    refs = [line for line in lines if ":9:14:" in line]
    assert len(refs) == 1 and "[bad-reference]" in refs[0], lines
    assert not any("must match" in line for line in lines), lines
    # a capital in the anchor: the step meant, not also "is not valid for ref"
    (project / "content/onboarding/c.yml").write_text((project / "content/onboarding/c.yml").read_text().replace(
        "title: Do the thing\n        ref: qbr", "text: Do the thing\n        ref: playbook:p#S"))
    lines = [line for line in run("validate", "--project", project).output.splitlines() if "c.yml" in line]
    assert lines == ["content/onboarding/c.yml:9:14: error: unknown step 'S' in playbook 'p' (did you mean 's'?) [unknown-anchor]"]


@pytest.mark.parametrize("written, how, meant", [
    ("{csm: RA, cs-lead: A, sales-ae: I}", "by role ('csm: RA')", "{R: csm, A: [csm, cs-lead], I: sales-ae}"),
    ("\n      csm: [R]\n      cs-lead: a\n      sales-ae: Ｉ", "by role ('csm: R')", "{R: csm, A: cs-lead, I: sales-ae}"),
    ("{RA: csm, I: sales-ae}", "with letters joined ('RA')", "{R: csm, A: csm, I: sales-ae}"),
    ("{R/A: csm, C: [cs-ops, sales-ae]}", "with letters joined ('R/A')", "{R: csm, A: csm, C: [cs-ops, sales-ae]}"),
    ("{Ｒ: csm, A: cs-lead}", "with 'Ｒ' for 'R'", "{R: csm, A: cs-lead}"),
    ("{R: csm, A: cs-lead, Informed: sales-ae}", "with 'Informed' for 'I'", "{R: csm, A: cs-lead, I: sales-ae}"),
    ("{実行責任: csm, 説明責任: cs-lead, 協議先: support}", "with '実行責任' for 'R'", "{R: csm, A: cs-lead, C: support}"),
])
def test_a_raci_written_as_a_grid_row_is_one_error_with_the_raci_to_write(project_factory, run, written, how, meant):
    """A RACI copied from a spreadsheet (csm: RA) or with letters joined (RA: csm) gave an 'unknown field' per role
    or letter ('known fields: A, C, I, R') and 'has no Responsible role' and 'exactly one Accountable' besides:
    five errors, none saying how to write it."""
    project = project_factory({"content/playbooks/p.yml": f"title: P\nsteps:\n  - id: s\n    title: S\n    raci: {written}\n"})
    result = run("validate", "--project", project)
    errors = [line for line in result.output.splitlines() if ": error" in line]
    assert result.exit_code == 1 and len(errors) == 1, result.output
    assert errors[0].endswith(f"error: raci is written {how}; csops reads one capital letter per key, R, A, C or I, "
                              f"with its roles after it (write raci: {meant}) [raci-letters]"), errors
    # a key that names no letter is still an unknown field, and the rest of the RACI waits for it
    other = run("validate", "--project", project_factory({"content/playbooks/p.yml": (
        "title: P\nsteps:\n  - id: s\n    title: S\n    raci: {R: csm, lead: cs-lead}\n")}))
    assert [line.split(": error: ")[1] for line in other.output.splitlines() if ": error" in line] == [
        "unknown RACI letter 'lead' (raci takes four keys, each with its roles after it: R (Responsible: does the "
        "work), A (Accountable: owns the outcome, one role), C (Consulted before) and I (Informed after)) [unknown-field]"
    ], other.output


@pytest.mark.parametrize("language", ["en", "ja"])
def test_a_raci_keyed_by_the_words_the_portals_legend_shows_gets_the_raci_to_write(project_factory, run, language):
    """A RACI copied from the portal's own chart, its legend's words as keys ('Informed: sales-ae', '報告先（I）:
    sales-ae', as templates/labels.yml gives them), is read as the letters those words stand for. The Japanese
    legend's words carry their letter ('報告先（I）'): copied whole, they were an 'unknown RACI letter' each."""
    import yaml

    labels = yaml.safe_load((Path(__file__).parent.parent / "templates/labels.yml").read_text(encoding="utf-8"))[language]
    keys = [labels[word] for word in ("responsible", "accountable", "consulted", "informed")]
    raci = ", ".join(f"'{key}': {role}" for key, role in zip(keys, ("csm", "cs-lead", "cs-ops", "sales-ae")))
    project = project_factory({"content/playbooks/p.yml": f"title: P\nsteps:\n  - id: s\n    title: S\n    raci: {{{raci}}}\n"})
    result = run("validate", "--project", project)
    errors = [line for line in result.output.splitlines() if ": error" in line]
    assert result.exit_code == 1 and len(errors) == 1, result.output
    assert errors[0].endswith("(write raci: {R: csm, A: cs-lead, C: cs-ops, I: sales-ae}) [raci-letters]"), errors


def test_a_phase_or_segment_written_in_capitals_is_one_error_with_the_id_meant(project_factory, run):
    """'phase: Renewal' gave two errors at one place, "'Renewal' is not a valid id in phase" and "unknown phase
    'Renewal' (did you mean 'renewal'?)", and 'segments: [Mid Market]' likewise (first-hour walkthrough): one slip,
    one error. With no phases listed, any phase names its page, but it must still be an id."""
    settings = ("segments:\n  - {id: mid-market, name: Mid-market}\n"
                "phases:\n  - {id: renewal, name: Renewal, description: Renewals}\n")
    playbook = "title: P\nphase: Renewal\nsteps:\n  - id: s\n    title: S\n    raci: {R: csm, A: csm}\n    segments: [Mid Market]\n"
    result = run("validate", "--project", project_factory({"content/settings.yml": settings, "content/playbooks/p.yml": playbook}))
    errors = [line.split(": error: ")[1] for line in result.output.splitlines() if ": error" in line]
    assert result.exit_code == 1 and errors == [
        "unknown phase 'Renewal' (did you mean 'renewal'?; phases are listed in content/settings.yml) [unknown-phase]",
        "unknown segment 'Mid Market' (did you mean 'mid-market'?; segments live in content/settings.yml) [unknown-segment]",
    ], result.output
    unlisted = run("validate", "--project", project_factory({"content/playbooks/p.yml": playbook.replace("    segments: [Mid Market]\n", "")}))
    assert [line.split(": error: ")[1] for line in unlisted.output.splitlines() if ": error" in line] == [
        "'Renewal' is not a valid id in phase (use lowercase letters, digits and single hyphens, e.g. 'renewal') [invalid-id]"
    ], unlisted.output
    # ... and no longer than an id may be (the shape check leaves a phase to this rule)
    long = run("validate", "--project", project_factory({"content/playbooks/p.yml": playbook.replace(
        "    segments: [Mid Market]\n", "").replace("phase: Renewal", "phase: " + "renewal-" * 8 + "q")}))
    assert long.exit_code == 1 and "content/playbooks/p.yml:2:8: error: 'renewal-renewal-renewal-renewal-renewal-…' is " \
        "not a valid id in phase" in long.output, long.output


def test_a_phase_or_segment_typed_as_the_name_readers_see_gets_its_id(project_factory, run):
    """A Japanese portal shows its phases and segments by name (契約更新, ミッドマーケット), so an editor writes
    'phase: 契約更新': it was told only the list of ids, as if the word meant nothing, while a role's name
    ('owner: CSチームリーダー') is told its id (first-hour walkthrough)."""
    settings = ("segments:\n  - {id: mid-market, name: ミッドマーケット}\n"
                "phases:\n  - {id: renewal, name: 契約更新, description: 更新}\n  - {id: risk, name: 解約リスク対応, description: リスク}\n")
    playbook = "title: P\nphase: 契約更新\nsteps:\n  - id: s\n    title: S\n    raci: {R: csm, A: csm}\n    segments: [ミッドマーケット]\n"
    result = run("validate", "--project", project_factory({"content/settings.yml": settings, "content/playbooks/p.yml": playbook}))
    assert result.exit_code == 1 and [line for line in result.output.splitlines() if ": error" in line] == [
        "content/playbooks/p.yml:2:8: error: unknown phase '契約更新' ('契約更新' is the name readers see for phase "
        "'renewal': write its id: renewal) [unknown-phase]",
        "content/playbooks/p.yml:7:16: error: unknown segment 'ミッドマーケット' ('ミッドマーケット' is the name readers "
        "see for segment 'mid-market': write its id: mid-market) [unknown-segment]",
    ], result.output


def test_a_list_typed_as_text_with_commas_gets_the_list_to_write(project_factory, run):
    """'related: qbr, renewal' gave two errors, 'unknown playbook 'qbr, renewal' (did you mean 'renewal'?)' and
    'must be a list'; 'R: csm, cs-lead' said 'unknown role (did you mean 'cs-lead'?)', pointing at the wrong fix."""
    project = project_factory({
        "content/settings.yml": "segments:\n  - {id: smb, name: SMB}\n  - {id: enterprise, name: Enterprise}\n",
        "content/playbooks/renewal.yml": "title: R\nsteps: [{id: s, title: S}]\n",
        "content/playbooks/p.yml": ("title: P\nrelated: renewal, q\nkpis: Renewals closed, on time\nsteps:\n"
                                    "  - id: s\n    title: S\n    owner: csm, cs-ops\n    segments: smb、enterprise\n"
                                    "    raci:\n      R: csm, sales-ae\n      A: cs-lead\n"),
        "content/playbooks/q.yml": "title: Q\nsteps: [{id: s, title: S}]\n"})
    result = run("validate", "--project", project)
    assert [line for line in result.output.splitlines() if ": error" in line] == [
        "content/playbooks/p.yml:2:10: error: related must be a list, got text (write a list: related: [renewal, q]) [wrong-type]",
        "content/playbooks/p.yml:3:7: error: kpis must be a list, got text (write a list: one '- value' line each, or "
        "[a, b]) [wrong-type]",
        "content/playbooks/p.yml:7:12: error: 'csm, cs-ops' in owner of 's' is one text, not several roles (owner is "
        "one role id: keep one, and name the others in a step's raci (R, C or I)) [unknown-role]",
        "content/playbooks/p.yml:8:15: error: segments must be a list, got text (write a list: segments: [smb, "
        "enterprise]) [wrong-type]",
        "content/playbooks/p.yml:10:10: error: 'csm, sales-ae' in R of 's' is one text, not several roles (several "
        "roles are a list: write [csm, sales-ae]) [unknown-role]",
    ], result.output


def test_a_role_written_as_the_name_readers_see_is_told_its_id(project_factory, run):
    """'owner: CS Lead', 'R: [CS Lead]' or 'audience: [カスタマーサクセスマネージャー]' listed the known ids and never
    said which one the name was: the catalog held ids only. Every field naming a role now names the id meant."""
    roles = ("roles:\n  - {id: csm, name: カスタマーサクセスマネージャー(CSM), short: CSM}\n"
             "  - {id: cs-lead, name: Customer Success Lead, short: CS Lead}\n"
             "  - {id: cs-ops, name: CS Operations, short: CS Ops}\n  - {id: support, name: Support, short: Help}\n"
             "  - {id: success, name: Success Desk, short: Help}\n")
    project = project_factory({
        "content/roles.yml": roles,
        "content/settings.yml": "codeowners:\n  CS Ops: '@acme/cs-ops'\n",
        "content/playbooks/p.yml": ("title: P\nowner: Customer Success Lead\nsteps:\n  - id: s\n    title: S\n"
                                    "    raci: {R: [CS Lead], A: cs-lead, I: 'CS Ops, CS Lead'}\n"
                                    "  - id: t\n    title: T\n    owner: Help\n"),
        "content/charts/c.yml": "title: C\nactivities:\n  - id: a\n    name: A\n    raci: {R: csm, A: cs ops}\n",
        "content/onboarding/o.yml": ("title: O\naudience: [カスタマーサクセスマネージャー]\nsections:\n"
                                     "  - id: s\n    title: S\n    items: [{id: i, text: I}]\n")})
    result = run("validate", "--project", project)
    errors = [line.replace(": error:", ":").rsplit(" [", 1)[0] for line in result.output.splitlines() if ": error: " in line]
    assert errors == [
        "content/charts/c.yml:5:23: unknown role 'cs ops' in A of 'a' ('cs ops' is the name readers see for role "
        "'cs-ops': write its id: cs-ops)",
        "content/onboarding/o.yml:2:12: unknown role 'カスタマーサクセスマネージャー' in audience ('カスタマーサクセスマネージャー' is "
        "the name readers see for role 'csm': write its id: csm)",
        "content/playbooks/p.yml:2:8: unknown role 'Customer Success Lead' in owner of 'p' ('Customer Success Lead' is "
        "the name readers see for role 'cs-lead': write its id: cs-lead)",
        "content/playbooks/p.yml:6:16: unknown role 'CS Lead' in R of 's' ('CS Lead' is the name readers see for role "
        "'cs-lead': write its id: cs-lead)",
        "content/playbooks/p.yml:6:41: 'CS Ops, CS Lead' in I of 's' is one text, not several roles (several roles "
        "are a list: write [cs-ops, cs-lead])",
        # a short name two roles share names neither: the known ids are listed
        "content/playbooks/p.yml:9:12: unknown role 'Help' in owner of 't' (known: cs-lead, cs-ops, csm, success, "
        "support; roles live in content/roles.yml)",
        "content/settings.yml:2:3: unknown role 'CS Ops' in codeowners ('CS Ops' is the name readers see for role "
        "'cs-ops': write its id: cs-ops)",
    ], result.output
    assert result.exit_code == 1 and "Traceback" not in result.output


def test_a_role_name_in_full_width_brackets_or_letters_or_with_spaces_around_is_told_its_id(project_factory, run):
    """What a reader calls a role, as people type it: a Japanese name whose short form is in full-width brackets
    (カスタマーサクセスマネージャー（CSM）) is also the name without them, a name typed in full-width letters
    (ＣＳ Ｌｅａｄ) is the same name, and spaces around a name are no part of it (reader_names.name_key)."""
    roles = ("roles:\n  - {id: csm, name: カスタマーサクセスマネージャー（CSM）, short: CSM}\n"
             "  - {id: cs-lead, name: Customer Success Lead, short: CS Lead}\n")
    project = project_factory({
        "content/roles.yml": roles,
        "content/playbooks/p.yml": "title: P\nowner: ＣＳ Ｌｅａｄ\nsteps:\n  - {id: s, title: S, raci: {R: ' CS Lead ', A: csm}}\n",
        "content/onboarding/o.yml": ("title: O\naudience: [カスタマーサクセスマネージャー]\nsections:\n"
                                     "  - id: s\n    title: S\n    items: [{id: i, text: I}]\n")})
    result = run("validate", "--project", project)
    told = [line.split(" (", 1)[1].rsplit(" [", 1)[0] for line in result.output.splitlines() if ": error: " in line]
    assert told == ["'カスタマーサクセスマネージャー' is the name readers see for role 'csm': write its id: csm)",
                    "'ＣＳ Ｌｅａｄ' is the name readers see for role 'cs-lead': write its id: cs-lead)",
                    "' CS Lead ' is the name readers see for role 'cs-lead': write its id: cs-lead)"], result.output


def test_a_role_written_close_to_its_japanese_name_is_told_its_id(project_factory, run):
    """'owner: CSリーダー' (the role is CSチームリーダー) or 'R: 営業担当' (short name 営業) were told only the known
    ids, 'known: cs-lead, cs-ops, csm, sales-ae', which say nothing of which one a Japanese name is."""
    roles = ("roles:\n  - {id: csm, name: カスタマーサクセスマネージャー(CSM), short: CSM}\n"
             "  - {id: cs-lead, name: CSチームリーダー, short: リーダー}\n"
             "  - {id: cs-ops, name: CSオペレーション(CS Ops), short: CS Ops}\n"
             "  - {id: sales-ae, name: 営業(アカウントエグゼクティブ), short: 営業}\n")
    project = project_factory({
        "content/roles.yml": roles,
        "content/playbooks/p.yml": ("title: P\nowner: CSリーダー\nsteps:\n  - id: s\n    title: S\n"
                                    "    raci: {R: 営業担当, A: ＣＳリーダー, C: ほげ, I: csmm}\n"
                                    "  - {id: t, title: T, owner: オペレーター, raci: {R: ＣＳＭ, A: csm}}\n")})
    result = run("validate", "--project", project)
    errors = [line.split(": error: ")[1].rsplit(" [", 1)[0] for line in result.output.splitlines() if ": error: " in line]
    assert errors == [
        "unknown role 'CSリーダー' in owner of 'p' (did you mean 'cs-lead' (CSチームリーダー)? write its id; roles live "
        "in content/roles.yml)",
        "unknown role '営業担当' in R of 's' (did you mean 'sales-ae' (営業(アカウントエグゼクティブ))? write its id; roles "
        "live in content/roles.yml)",
        "unknown role 'ＣＳリーダー' in A of 's' (did you mean 'cs-lead' (CSチームリーダー)? write its id; roles live in "
        "content/roles.yml)",
        # nothing close: the ids are listed; an id mistyped is told the id, as before
        "unknown role 'ほげ' in C of 's' (known: cs-lead, cs-ops, csm, sales-ae; roles live in content/roles.yml)",
        "unknown role 'csmm' in I of 's' (did you mean 'csm'?; roles live in content/roles.yml)",
        # a word sharing a few letters with a name is not that role (オペレーター is 0.4 like リーダー)
        "unknown role 'オペレーター' in owner of 't' (known: cs-lead, cs-ops, csm, sales-ae; roles live in content/roles.yml)",
        # an id typed full-width is told the id in half-width letters, not a name close to it
        "unknown role 'ＣＳＭ' in R of 't' (did you mean 'csm', in half-width letters?; roles live in content/roles.yml)",
    ], result.output


def test_did_you_mean_proposes_only_valid_ids(project_factory, run):
    """'id: pull data' is an invalid-id error, and a link to 'pull-dat' was told "did you mean 'pull data'?", an
    id no reference can be written with; the same for a page's own #link."""
    project = project_factory({
        "content/playbooks/a.yml": "title: A\nsteps:\n  - {id: pull data, title: P}\n  - {id: Push-Data, title: Q}\n",
        "content/playbooks/b.yml": ("title: B\nrelated: [a]\nsteps:\n  - id: s\n    title: S\n"
                                    "    body: '[x](playbook:a#pull-dat) [y](#pull-dat) [z](playbook:a#push-dat)'\n"
                                    "  - {id: pull data, title: P}\n  - {id: push-data, title: Q}\n")})
    result = run("validate", "--project", project)
    problems = [line.split(": error: ")[1] for line in result.output.splitlines() if "b.yml" in line]
    assert problems == [
        "unknown step 'pull-dat' in playbook 'a' (none has a valid id yet: fix the invalid ids first) [unknown-anchor]",
        "link '#pull-dat' names no item, section or heading of this page (did you mean 'push-data'?) [unknown-anchor]",
        "unknown step 'push-dat' in playbook 'a' (none has a valid id yet: fix the invalid ids first) [unknown-anchor]",
        "'pull data' is not a valid id in steps[1].id (use lowercase letters, digits and single hyphens, e.g. "
        "'pull-data') [invalid-id]",
    ], result.output
    assert "'pull data'?" not in result.output and "'Push-Data'?" not in result.output


def test_a_text_line_that_lost_its_indentation_is_named_as_one(project_factory, run):
    """A body line indented like the key above it is read as a key without ':'; the hint said only to write
    'key: value', when the fix was to indent the line with the text it belongs to (new-user walkthrough)."""
    project = project_factory({"content/playbooks/p.yml": (
        "title: P\nsteps:\n  - id: s\n    title: S\n    body: |\n      First line of the body.\n"
        "    Extra line not indented enough\n")})
    lines = [line for line in run("validate", "--project", project).output.splitlines() if ": error" in line]
    assert lines == ["content/playbooks/p.yml:7:5: error: YAML syntax error: 'Extra line not indented enough' has no ':' "
                     "after its key (if it continues the text of 'body: |' on line 5, indent it 6 spaces like the lines "
                     "above; otherwise write it as 'key: value', with a space after the colon) [yaml-syntax]"], lines
    # with a ': ' in it, the line above (the text's own) was blamed for having no ':' (red-team pass)
    project = project_factory({"content/playbooks/p.yml": (
        "title: P\nsteps:\n  - id: s\n    title: S\n    body: |\n      line one\n    note: this has a colon: here\n")})
    lines = [line for line in run("validate", "--project", project).output.splitlines() if ": error" in line]
    assert lines == ["content/playbooks/p.yml:7:5: error: YAML syntax error: 'note: this has a colon: here' is not part of "
                     "the text of 'body: |' above it (if it continues that text, indent it 6 spaces like the lines above; "
                     "if it is a key, quote its value (a ': ' inside it reads as another key)) [yaml-syntax]"], lines


_STEP = "title: P\nsteps:\n  - id: call-partner\n    title: Call the partner\n"


@pytest.mark.parametrize("playbook, expected", [
    # a step's '- id:' indented like the fields of the step above: it was blamed on that step's 'title:' line, told
    # to write it as '- id: title' (a hurried CS Ops edit, first-hour walkthrough)
    (_STEP + "    - id: kickoff\n      title: Kickoff\n",
     "5:5: error: YAML syntax error: '- id: kickoff' is indented 4 spaces, deeper than the entry above it ('- id: "
     "call-partner' on line 3, 2 spaces): YAML reads it as part of that entry (indent it 2 spaces, as that entry is, "
     "and the lines under it with it)"),
    # ... the step above written with another field first ('- title:', then '- id:'): the step's 'id:' line was
    # blamed, told to write it as '- id: id'
    ("title: P\nsteps:\n  - title: Call\n    id: call\n    - id: kickoff\n      title: Kickoff\n",
     "5:5: error: YAML syntax error: '- id: kickoff' is indented 4 spaces, deeper than the entry above it ('- title: "
     "Call' on line 3, 2 spaces): YAML reads it as part of that entry (indent it 2 spaces, as that entry is, and the "
     "lines under it with it)"),
    # the same with one space too few: 'while parsing a block mapping did not find expected key'
    (_STEP + " - id: kickoff\n   title: Kickoff\n",
     "5:2: error: YAML syntax error: '- id: kickoff' is indented 1 space, less than the other entries of 'steps:' "
     "('- id: call-partner' on line 3, 2 spaces) (indent it 2 spaces, as they are, and the lines under it with it)"),
    # ... under a key with a comment (or an anchor, or a tag) after its colon: PyYAML's words alone
    ("title: P\nsteps:  # one entry a step\n  - id: call-partner\n    title: Call the partner\n - id: kickoff\n",
     "5:2: error: YAML syntax error: '- id: kickoff' is indented 1 space, less than the other entries of 'steps:' "
     "('- id: call-partner' on line 3, 2 spaces) (indent it 2 spaces, as they are, and the lines under it with it)"),
    # a ': ' in a value after an anchor or a tag: told to quote the value of the entry's first field, 'id'
    (_STEP + "    summary: &why Why: the renewal\n",
     "5:19: error: YAML syntax error: the value of 'summary' holds ': ', which YAML reads as another key (put the whole "
     "value in quotes: summary: &why \"Why: the renewal\")"),
    # a field one space deeper than the one above: 'mapping values are not allowed in this context', at its colon
    (_STEP + "     owner: csm\n",
     "5:6: error: YAML syntax error: 'owner: csm' is indented 5 spaces, deeper than 'title:' on line 4 (4 spaces), "
     "which already has a value, so YAML reads it as more of that value's text (indent it 4 spaces, as 'title:' is; "
     "if it belongs to that text, put the whole value of 'title' in quotes)"),
    # ... under a value YAML does not read on ('did not find expected key')
    (_STEP + "    raci: {R: csm, A: cs-lead}\n      due: T+3d\n",
     "6:7: error: YAML syntax error: 'due: T+3d' is indented 6 spaces, deeper than 'raci:' on line 5 (4 spaces), "
     "which already has a value (indent it 4 spaces, as 'raci:' is)"),
    # ... at the top of the file
    ("title: P\nreviewed: 2026-12-01\n phase: onboarding\nsteps: [{id: s, title: S}]\n",
     "3:2: error: YAML syntax error: 'phase: onboarding' is indented 1 space, deeper than 'reviewed:' on line 2 (0 "
     "spaces), which already has a value, so YAML reads it as more of that value's text (start it at the beginning "
     "of the line, as 'reviewed:' is)"),
    # the first line of a body written at its key's indentation: told only to write it as 'key: value'
    (_STEP + "    body: |\n    Ask the partner what they promised.\n",
     "6:5: error: YAML syntax error: 'Ask the partner what they promised.' has no ':' after its key (if it continues "
     "the text of 'body: |' on line 5, indent it 6 spaces (deeper than 'body:'); otherwise write it as 'key: value', "
     "with a space after the colon)"),
    # a ': ' in a text that runs over lines: 'mapping values are not allowed in this context'
    ("title: P\nsteps:\n  - id: a\n    title: A\n    body: Prepare the renewal\n      with the champion\n"
     "      Note: bring the deck\n",
     "7:11: error: YAML syntax error: this ': ' is inside the text of 'body', which starts on line 5 and runs on over "
     "the lines below it: YAML reads a ': ' in such a text as another key (put the whole value of 'body' in quotes, or "
     "write it as 'body: >' with its lines indented under it)"),
    # ... the same text as an entry's first field: the key is 'title', not '- title' (which no quotes would fix)
    ("title: P\nsteps:\n  - title: Prepare the renewal\n      with the champion\n      Note: bring the deck\n    id: a\n",
     "5:11: error: YAML syntax error: this ': ' is inside the text of 'title', which starts on line 3 and runs on over "
     "the lines below it: YAML reads a ': ' in such a text as another key (put the whole value of 'title' in quotes, "
     "or write it as 'title: >' with its lines indented under it)"),
], ids=["entry-too-deep", "entry-too-deep-another-field-first", "entry-too-shallow", "entry-too-shallow-under-a-comment", "colon-in-a-value-after-an-anchor", "field-too-deep", "field-under-a-mapping", "top-level-field",
        "text-at-its-keys-indentation", "colon-in-text-over-lines", "colon-in-text-over-lines-of-an-entry"])
def test_a_line_indented_apart_from_the_lines_it_belongs_with_is_named_with_its_indentation(
        project_factory, run, playbook, expected):
    """PyYAML names an indentation slip in its own words ('did not find expected key', 'mapping values are not
    allowed in this context') at a colon, or, for a step's '- id:' indented into the step above, csops blamed the
    line above it; each is now named at the line that moved, with the indentation to give it."""
    project = project_factory({"content/playbooks/p.yml": playbook})
    result = run("validate", "--project", project)
    errors = [line for line in result.output.splitlines() if ": error" in line]
    assert result.exit_code == 1 and errors == [f"content/playbooks/p.yml:{expected} [yaml-syntax]"], result.output


def test_a_title_longer_than_a_heading_can_show_is_an_error(project_factory, run):
    """A 450 KB title was taken silently, and shown whole in the navigation of every page (new-user walkthrough);
    the loader now refuses any value over 20,000 characters, and a title is held to 400."""
    project = project_factory({"content/playbooks/p.yml": "title: " + "Renewal " * 250 + "\nsteps: [{id: s, title: S}]\n"})
    result = run("validate", "--project", project)
    assert result.exit_code == 1
    assert ("content/playbooks/p.yml:1:8: error: title is 1,999 characters; at most 400 (shorten it: it shows whole "
            "in navigation, headings and search results; the details belong in the summary or body) [too-long]"
            in result.output.splitlines()), result.output[:500]


def test_a_link_written_in_a_plain_text_field_is_a_warning(project_factory, run):
    """An FAQ question is shown as typed: a Markdown link in it showed brackets and all, and its broken target was
    never checked (new-user walkthrough)."""
    project = project_factory({"content/faq/f.yml": (
        "title: F\nentries:\n  - id: e\n    q: \"How early? See [renewals](faq:renewals#nope)\"\n    a: At T-120d.\n")})
    result = run("validate", "--project", project)
    assert result.exit_code == 0
    assert ("content/faq/f.yml:4:35: warning: q is plain text: the link to 'faq:renewals#nope' shows as typed, brackets "
            "and all, and goes nowhere (put the link in the summary, body or answer, and the words alone here) "
            "[link-in-plain-text]") in result.output.splitlines(), result.output


def test_a_link_in_a_playbooks_kpis_or_due_anchor_is_a_warning_too(project_factory, run):
    """KPIs, due_anchor and tags show as typed too: '[Gross renewal rate](playbook:renewal)' listed its brackets on
    the page ('Dates count from the [k](playbook:…)') and validate said nothing, as it does for a title."""
    project = project_factory({"content/playbooks/p.yml": (
        "title: P\nkpis: [\"[Gross renewal rate](playbook:p)\"]\ndue_anchor: \"[end date](playbook:p)\"\n"
        "tags: [\"[x](faq:f)\"]\nsteps: [{id: s, title: S}]\n")})
    result = run("validate", "--project", project)
    assert result.exit_code == 0
    hint = "(put the link in the summary, body or answer, and the words alone here) [link-in-plain-text]"
    assert [line for line in result.output.splitlines() if "link-in-plain-text" in line] == [
        f"content/playbooks/p.yml:2:8: warning: kpis is plain text: the link to 'playbook:p' shows as typed, brackets "
        f"and all, and goes nowhere {hint}",
        f"content/playbooks/p.yml:3:25: warning: due_anchor is plain text: the link to 'playbook:p' shows as typed, "
        f"brackets and all, and goes nowhere {hint}",
        f"content/playbooks/p.yml:4:8: warning: tags is plain text: the link to 'faq:f' shows as typed, brackets "
        f"and all, and goes nowhere {hint}"], result.output


def test_a_name_of_spaces_only_is_blank(project_factory, run):
    """A role named " " was taken, and `--role " "` then filtered on it (red-team pass)."""
    project = project_factory({"content/roles.yml": "roles:\n  - id: csm\n    name: \" \"\n"})
    lines = [line for line in run("validate", "--project", project).output.splitlines() if ": error" in line]
    assert "content/roles.yml:3:11: error: name is blank (write the text) [empty-value]" in lines, lines


def test_a_tag_of_spaces_only_is_blank_not_a_build_failure(project_factory, run):
    """An FAQ entry tagged " " (or "\\t") passed validate, then the build failed on 'broken internal link ../../tags/#tag-x':
    the tags page's heading for it was empty, so it had no anchor (found by the content fuzzer)."""
    project = project_factory({
        "content/faq/f.yml": 'title: F\nentries:\n  - {id: e, q: Q?, a: A., tags: [renewal, " "]}\n',
        "content/playbooks/p.yml": 'title: P\ntags: ["\\t"]\nsteps: [{id: s, title: S}]\n'})
    result = run("validate", "--project", project)
    assert result.exit_code == 1
    assert [line for line in result.output.splitlines() if ": error" in line] == [
        "content/faq/f.yml:3:43: error: entries[0].tags[1] is blank (write the text, or remove it from the list) [empty-value]",
        "content/playbooks/p.yml:2:8: error: tags[0] is blank (write the text, or remove it from the list) [empty-value]"]


def test_an_empty_name_is_one_error_and_a_required_field_is_not_to_be_removed(project_factory, run):
    """name: "" was reported twice at one place ("name is blank" and "name must not be empty"), and the advice to
    remove the field led to "missing required field 'name'"; an optional field may still be removed."""
    project = project_factory({"content/roles.yml": "roles:\n  - id: csm\n    name: \"\"\n    short: ''\n"})
    lines = [line for line in run("validate", "--project", project).output.splitlines() if ": error" in line]
    assert lines == ["content/roles.yml:3:11: error: name is blank (write the text) [empty-value]",
                     "content/roles.yml:4:12: error: short is blank (write the text, or remove the field) [empty-value]"], lines


@pytest.mark.parametrize("labels, expected", [
    ("", "templates/labels.yml:1:1: error: file is empty"),
    ("- steps\n", "templates/labels.yml:1:1: error: must map each language (en, ja) to its words"),
    ("en: [1, 2]\n", "templates/labels.yml:1:5: error: 'en' must map label names to words"),
    ("en:\n  steps: 5\n", "templates/labels.yml:2:10: error: label 'steps' must be text, not a number (quote it: steps: \"5\")"),
    # silently ignored, a Python repr as the fix, and a full-width colon left unnamed
    ("english:\n  steps: Procedure\n", "templates/labels.yml:1:1: warning: 'english' is not a language code, so these words "
                                      "are never used (write en:) [unknown-language]"),
    ("en:\n  playbooks: [Runbooks]\n", "templates/labels.yml:2:14: error: label 'playbooks' must be text, not a list (write "
                                     "one word, not a list: playbooks: Runbooks) [label-not-text]"),
    ("ja:\n  playbooks： ランブック\n", "templates/labels.yml:2:3: error: 'ja' must map label names to words, got text: "
                                  "'playbooks： ランブック' uses a full-width colon '：' (write an ASCII ':' followed by a space)"),
    ("en:\n  stpes: Procedure\n", "templates/labels.yml:2:3: warning: 'stpes' is not a label csops uses (did you mean 'steps'?)"),
    # a control character, a direction override or an invisible space written as an escape reached every page's
    # navigation and title raw (mutation pass: only content was checked for them)
    ('en:\n  steps: "Proc\\x1b[31medure"\n', "templates/labels.yml:2:15: error: label 'steps' holds the control character "
                                           "U+001B (delete it; in double quotes it is written as an escape such as \\x1b, "
                                           "\\b or \\v) [control-character]"),
    ('en:\n  steps: "Proc\\u202eedure"\n', "templates/labels.yml:2:15: error: label 'steps' holds the direction control "
                                         "U+202E"),
    # some labels are written once per step: 4,000-character ones made a 2,000-step playbook a 60 MB page
    ("en:\n  responsible: " + "W" * 1001 + "\n", "templates/labels.yml:2:16: error: label 'responsible' is 1,001 "
     "characters; at most 1,000 (shorten it: labels are interface words, and some are written once per step of every "
     "page) [label-too-long]"),
    ('ja:\n  steps: "手\\u200b順"\n', "templates/labels.yml:2:12: warning: label 'steps' holds the invisible character "
                                    "U+200B, which splits the word it is in for search"),
])
def test_a_projects_own_labels_file_is_checked_where_it_goes_wrong(project_factory, run, labels, expected):
    """A team's own templates/labels.yml: each of these ended `csops build` in a Python traceback."""
    from test_build import PLAYBOOK, FAQ

    project = project_factory({"content/playbooks/renewal-runway.yml": PLAYBOOK, "content/faq/renewals.yml": FAQ,
                               "templates/labels.yml": labels})
    checked = run("validate", "--project", project)
    assert expected in checked.output and not isinstance(checked.exception, Exception)
    built = run("build", "--project", project)
    assert not isinstance(built.exception, Exception), built.exception  # a clean exit, not a crash
    assert built.exit_code == (0 if "warning" in expected else 1), built.output


def test_a_labels_file_with_only_japanese_words_builds_with_csops_english(project_factory, run):
    from test_build import PLAYBOOK, FAQ

    project = project_factory({"content/playbooks/renewal-runway.yml": PLAYBOOK, "content/faq/renewals.yml": FAQ,
                               "templates/labels.yml": "ja:\n  steps: 手順\n"})
    assert run("build", "--project", project).exit_code == 0
    assert ">Steps<" in (project / "site/playbooks/renewal-runway/index.html").read_text(encoding="utf-8")


def test_a_file_name_that_is_not_utf8_is_a_located_error_not_a_traceback(project_factory, run):
    """Bytes that are no UTF-8 in a content file's name (a file copied from an old Windows share) failed every
    command that hashed or printed the name."""
    import os

    from test_build import PLAYBOOK, FAQ

    project = project_factory({"content/playbooks/renewal-runway.yml": PLAYBOOK, "content/faq/renewals.yml": FAQ})
    with open(os.fsencode(project / "content/playbooks") + b"/bad\xff\xfename.yml", "wb") as odd:
        odd.write(b"title: Odd\n")
    for command in ("validate", "build"):
        result = run(command, "--project", project)
        assert result.exit_code == 1 and not isinstance(result.exception, Exception), result.exception
        assert "content/playbooks/bad\\xff\\xfename.yml:1:1: error: the file name is not valid UTF-8" in result.output


def test_a_file_name_with_a_line_break_is_refused_and_never_printed_raw(project_factory, run):
    """A content file named 'b\\n\\tevil@evil.com\\t.yml' with `id: bee` was valid: `csops codeowners` then wrote
    the line '\\tevil@evil.com\\t.yml @team', and text reports printed the name's second line as a line of its own
    (a '::error' workflow command in GitHub Actions logs)."""
    project = project_factory({"content/playbooks/b\n\tevil@evil.com\t.yml": "id: bee\ntitle: B\nsteps: [{id: s, title: S}]\n",
                               "content/playbooks/c\n::error::forged.yml.bak": "x"})
    result = run("validate", "--project", project)
    assert result.exit_code == 1
    assert result.output == (
        "content/playbooks/b\\u000a\\u0009evil@evil.com\\u0009.yml:1:1: error: the file name holds a line break, tab, "
        "control or invisible character (rename the file (letters, digits and hyphens, ending in .yml)) "
        "[file-name-characters]\n"
        "content/playbooks/c\\u000a::error::forged.yml.bak:1:1: warning: not read: only files ending in .yml or .yaml "
        "are content (delete it if it is an editor backup, or rename it to end in .yml) [skipped-file]\n"
        "1 error in 1 file, 1 warning\n")
    assert run("codeowners", "--project", project, "--output", project / "CODEOWNERS").exit_code == 1
    assert not (project / "CODEOWNERS").exists()


def test_a_real_date_followed_by_a_line_break_is_not_told_its_day_is_off_the_calendar(tmp_path):
    """The date pattern's $ lets one final line break through (a block scalar, or a quoted "\\n"): '2026-02-28'
    with it was told 'February 2026 has days 01-28', of a day that is on the calendar."""
    from conftest import make_project
    from generator.pipeline import validate_project

    for written in ('"2026-02-28\\n"', "|\n  2026-02-28"):
        project = make_project(tmp_path / str(len(written)), {"content/playbooks/renewal.yml":
                                                              f"title: Renewal\nreviewed: {written}\nsteps:\n"
                                                              "  - id: kickoff\n    title: Kickoff\n"})
        found = [p for p in validate_project(project) if p.code == "invalid-value"]
        assert len(found) == 1 and "has days" not in found[0].message, found
        assert found[0].message.endswith("a line break follows the date"), found[0].message


@pytest.mark.parametrize("field, written, expected", [
    ("review_interval", '"90d\\n"', "3:18: error: '90d\\n' is not valid for review_interval: a line break follows the "
     "interval (write the interval on the line of 'review_interval:', with no line break after it: a '|' or '>' block "
     "ends in one) [invalid-value]"),
    ("due", "|\n      T+2w", "8:10: error: 'T+2w\\n' is not valid for due: a line break follows the offset (write the "
     "offset on the line of 'due:', with no line break after it: a '|' or '>' block ends in one) [invalid-value]"),
    ("id", '"kickoff\\n"', "5:9: error: 'kickoff\\n' is not valid for id: a line break follows the id (write the id on "
     "the line of 'id:', with no line break after it: a '|' or '>' block ends in one) [invalid-value]"),
    ("phase", '"renewal\\n"', "2:8: error: 'renewal\\n' is not valid for phase: a line break follows the id (write the "
     "id on the line of 'phase:', with no line break after it: a '|' or '>' block ends in one) [invalid-value]"),
    # a value that is one character too many, but no line break, is told the form to write, not a line break
    ("due", "T+2wx", "8:10: error: 'T+2wx' is not valid for due (write offsets like T-90d or T+2w, up to 4 digits) "
     "[invalid-value]"),
])
def test_a_value_ending_in_a_line_break_is_one_error_at_its_line(project_factory, run, field, written, expected):
    """JSON Schema's `$` ends the text, Python's also matches before a final line break: the fast validator refused
    such a file, jsonschema then found nothing, and the file counted as sound. `review_interval: "90d\\n"` ended
    `csops validate` in a ValueError traceback, a due so written `csops build`, and an id or phase so written
    passed as valid."""
    values = {"phase": "renewal", "review_interval": "90d", "id": "kickoff", "due": "T+1w"} | {field: written}
    text = ("title: Renewal\nphase: {phase}\nreview_interval: {review_interval}\nsteps:\n  - id: {id}\n"
            "    title: Kickoff\n    owner: csm\n    due: {due}\n").format(**values)
    project = project_factory({"content/playbooks/renewal.yml": text})
    result = run("validate", "--project", project)
    assert result.exit_code == 1 and result.output == f"content/playbooks/renewal.yml:{expected}\n1 error in 1 file\n", \
        result.output


@pytest.mark.parametrize("field, written, meant", [
    ("reviewed", "2026年12月1日", "reviewed: 2026-12-01"),
    ("reviewed", "2026/12/01", "reviewed: 2026-12-01"),
    ("reviewed", "２０２６－１２－０１", "reviewed: 2026-12-01"),
    ("reviewed", "2026-12-1", "reviewed: 2026-12-01"),
    ("review_interval", "９０ｄ", "review_interval: 90d"),
    ("due", "Ｔ－９０ｄ", "due: T-90d"),
    ("due", "T−2w", "due: T-2w"),  # U+2212, the minus sign Japanese input methods offer for "-"
])
def test_a_date_or_offset_typed_the_japanese_way_gets_the_value_to_write(project_factory, run, field, written, meant):
    """'reviewed: 2026年12月1日', or digits typed full-width with the input method on, were told only 'write dates
    as YYYY-MM-DD' (or 'offsets like T-90d'): the editor had to work out which part was wrong (first-hour
    walkthrough). The value meant is written out when it is plain: the same date or offset in other characters."""
    values = {"reviewed": "2026-11-02", "review_interval": "90d", "due": "T+1w"} | {field: written}
    text = ("title: Renewal\nreviewed: {reviewed}\nreview_interval: {review_interval}\nsteps:\n  - id: kickoff\n"
            "    title: Kickoff\n    owner: csm\n    due: {due}\n").format(**values)
    result = run("validate", "--project", project_factory({"content/playbooks/renewal.yml": text}))
    errors = [line for line in result.output.splitlines() if ": error" in line]
    assert result.exit_code == 1 and len(errors) == 1 and errors[0].endswith(f": {meant}) [invalid-value]"), result.output
    # a value with no plain reading keeps the form to write alone
    unread = run("validate", "--project", project_factory({"content/playbooks/renewal.yml": text.replace(
        written, "2026-13-45" if field == "reviewed" else "soon")}))
    assert unread.exit_code == 1 and f": {field}: " not in unread.output.split("error: ", 1)[1], unread.output


def test_a_cross_reference_ending_in_a_line_break_is_not_read_as_one(project_factory, run):
    """`ref: "playbook:renewal\\n"` passed validate: parse_ref's `$` let the line break through."""
    project = project_factory({
        "content/playbooks/renewal.yml": "title: Renewal\nsteps:\n  - id: kickoff\n    title: Kickoff\n",
        "content/onboarding/new-csm.yml": ("title: New CSM\naudience: [csm]\nsections:\n  - id: week-1\n    title: Week 1\n"
                                           "    items:\n      - id: read\n        text: Read it\n"
                                           '        ref: "playbook:renewal\\n"\n'),
    })
    result = run("validate", "--project", project)
    assert result.exit_code == 1 and result.output == (
        "content/onboarding/new-csm.yml:9:14: error: cannot read cross-reference 'playbook:renewal\\n' (write "
        "scheme:id or scheme:id#anchor, e.g. playbook:renewal-runway#kickoff) [bad-reference]\n1 error in 1 file\n"), \
        result.output


def test_a_new_or_renamed_id_ending_in_a_line_break_is_told_it_is_no_id(project_factory, run):
    """`csops new playbook $'abc\\n'` said 'nothing written: YAML syntax error: did not find expected <document
    start>', and `csops mv` staged a file named 'abc\\n.yml' before refusing it: SLUG's `$` took the id as one."""
    project = project_factory({"content/playbooks/renewal.yml": "title: Renewal\nsteps:\n  - id: kickoff\n    title: Kickoff\n"})
    for command in (("new", "playbook", "abc\n"), ("mv", "playbook", "renewal", "abc\n")):
        result = run(*command, "--project", project)
        assert result.exit_code == 1 and result.output == (
            "Error: 'abc\\n' is not a valid id: use lowercase letters, digits and single hyphens, e.g. 'abc'\n"), \
            result.output
    assert [path.name for path in (project / "content/playbooks").iterdir()] == ["renewal.yml"]


def test_an_alias_that_is_its_own_pages_id_is_told_to_go(project_factory, run):
    """A page or glossary term listing its own id in aliases was told 'if the other page is new, give it another
    id': there is no other page, and 'already used at line 1' pointed at the same file."""
    project = project_factory({
        "content/playbooks/qbr.yml": "title: QBR\naliases: [qbr]\nsteps: [{id: s, title: S}]\n",
        "content/glossary.yml": "terms:\n  - id: nrr\n    aliases: [nrr]\n    term: NRR\n    definition: Net retention.\n",
    })
    lines = [line for line in run("validate", "--project", project).output.splitlines() if "duplicate-id" in line]
    assert lines == [
        "content/glossary.yml:3:15: error: duplicate glossary term id 'nrr', already used at line 2 (it is this term's "
        "own id, which needs no alias: remove it from aliases) [duplicate-id]",
        "content/playbooks/qbr.yml:2:11: error: duplicate playbook id 'qbr', already used at line 1 (it is this page's "
        "own id, which needs no alias: remove it from aliases) [duplicate-id]"]


def test_a_role_or_phase_description_links_only_to_anchors_its_page_has(project_factory, run):
    """A role description's '[x](#bogus)' or '#checklist' on a role no checklist is for, and any #link in a phase
    description (its page had no #overview), passed validate and then failed the build naming a generated file."""
    roles = ("roles:\n  - id: csm\n    name: CSM\n    description: See [duties](#accountable), [lists](#checklist)"
             " and [x](#bogus).\n  - id: ops\n    name: Ops\n    description: See [lists](#checklist).\n")
    settings = ("phases:\n  - id: start\n    name: Start\n    description: See [top](#overview), [kick](#kick),"
                " [other](#later) and [x](#related).\n  - id: end\n    name: End\n")
    project = project_factory({
        "content/roles.yml": roles, "content/settings.yml": settings,
        "content/playbooks/kick.yml": "title: Kick\nphase: start\nsteps:\n  - {id: one, title: One, body: Done.}\n",
        "content/playbooks/later.yml": "title: Later\nphase: end\nsteps:\n  - {id: one, title: One, body: Done.}\n",
        "content/onboarding/ramp.yml": "title: Ramp\naudience: [csm]\nsections:\n  - id: first\n    title: First\n"
                                       "    items:\n      - {id: read, text: Read}\n"})
    lines = [line.split(" (known")[0] for line in run("validate", "--project", project).output.splitlines()
             if "error:" in line]
    assert lines == [
        "content/roles.yml:4:74: error: link '#bogus' names no item, section or heading of this page",
        "content/roles.yml:7:30: error: link '#checklist' names no item, section or heading of this page",
        "content/settings.yml:4:63: error: link '#later' names no item, section or heading of this page",
        "content/settings.yml:4:79: error: link '#related' names no item, section or heading of this page"]
    (project / "content/roles.yml").write_text(
        roles.replace(" and [x](#bogus)", "").replace("See [lists](#checklist)", "See [top](#overview)"), encoding="utf-8")
    (project / "content/settings.yml").write_text(
        settings.replace(", [other](#later) and [x](#related)", ""), encoding="utf-8")
    assert run("validate", "--project", project).exit_code == 0
    result = run("build", "--project", project)  # what validate lets through, the build makes
    assert result.exit_code == 0, result.output
    assert 'id="overview"' in (project / "site/phases/start/index.html").read_text(encoding="utf-8")


def test_a_full_disk_while_the_named_files_are_compared_is_one_line_with_the_fix(tmp_path, run, monkeypatch):
    """`csops validate FILE` copies the project to compare with its last commit when other files have errors: a full
    disk ended it in a shutil.Error traceback listing every file. Now one line naming the fix, exit 1."""
    import errno
    import os
    import shutil
    import subprocess

    from conftest import copy_bundled

    project = copy_bundled(tmp_path / "portal")
    for command in (["init", "-q"], ["add", "-A"], ["-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "a"]):
        subprocess.run(["git", *command], cwd=project, check=True)
    runway = project / "content/playbooks/renewal-runway.yml"
    runway.write_text(runway.read_text(encoding="utf-8").replace("owner: csm\n", "owner: csmm\n", 1), encoding="utf-8")

    def no_space(source, target, *args, **kwargs):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(source), None, str(target))

    monkeypatch.setattr(shutil, "copy2", no_space)
    result = run("validate", "--project", project, "content/playbooks/qbr.yml")
    assert result.exit_code == 1 and "Traceback" not in result.output
    lines = result.output.splitlines()
    assert len(lines) == 1 and lines[0].startswith(
        "Error: cannot check what the files named changed in other files: No space left on device ("), lines
    assert lines[0].endswith(f"; free disk space on the device holding {project / 'build/scratch'}, then run it again")


def test_validate_given_file_names_reports_only_theirs_and_counts_the_rest(tmp_path, run, monkeypatch):
    """`csops validate content/playbooks/qbr.yml` (a pre-commit hook, a hurried editor) was Click's 'unexpected extra
    argument'. The whole project is still checked, only the named files' problems show and set the exit code."""
    from conftest import copy_bundled

    project = copy_bundled(tmp_path / "portal")
    qbr = project / "content/playbooks/qbr.yml"
    qbr.write_text(qbr.read_text(encoding="utf-8").replace("owner: csm\n", "owner: csmm\n", 1), encoding="utf-8")
    runway = project / "content/playbooks/renewal-runway.yml"
    runway.write_text(runway.read_text(encoding="utf-8").replace("owner: csm\n", "owner: csmm\n", 1), encoding="utf-8")

    result = run("validate", "--project", project, "content/playbooks/qbr.yml")
    lines = result.output.splitlines()
    assert result.exit_code == 1, result.output
    assert [line.split(":")[0] for line in lines[:-2]] == ["content/playbooks/qbr.yml"]
    assert lines[-2:] == ["1 error in 1 file",
                          "also 1 error and 1 warning in 2 files not named: csops validate without file names lists them"]

    monkeypatch.chdir(project / "content/faq")  # paths from the current folder; the portal found above it
    result = run("validate", "renewals.yml", "../onboarding")
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[0] == "the files named are valid (no errors)"
    result = run("validate", "../onboarding")  # one folder, two checklists: it was 'the file named is valid'
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[0] == "the files in content/onboarding/ are valid (no errors)"

    result = run("validate", "../playbooks/..")  # content/ itself, its '..' resolved: qbr.yml's error is in it
    assert result.exit_code == 1 and result.output.startswith("content/playbooks/qbr.yml:"), result.output

    for outside in ("/etc/hostname", "../../mkdocs-missing.yml", "../../.gitignore"):
        result = run("validate", outside)
        assert result.exit_code == 2 and "Error: Invalid value for FILE" in result.output, result.output


def test_a_problems_path_opens_from_where_csops_ran_with_project(tmp_path, run, monkeypatch):
    """CI and editors at a repository's root run `csops validate --project portal`: its problems read
    `content/playbooks/x.yml:2:8`, no file from there, so a terminal's click on one opened nothing (nor did build's,
    or the line counting a file's further problems). They now start with the portal as given; run in the portal,
    they are as before."""
    from conftest import make_project

    steps = "".join(f"  - {{id: s{n}, title: S, owner: nobody}}\n" for n in range(51))
    make_project(tmp_path / "portal", {"content/playbooks/x.yml": "title: X\nowner: nobody\nsteps:\n" + steps})
    monkeypatch.chdir(tmp_path)
    checked = run("validate", "--project", "portal")
    built = run("build", "--project", "portal")
    for result in (checked, built):
        lines = result.output.removeprefix("Error: ").splitlines()
        assert result.exit_code == 1 and len(lines) == 52, result.output
        assert lines[0].startswith("portal/content/playbooks/x.yml:2:8: error: unknown role 'nobody'"), lines[0]
        assert lines[50] == "portal/content/playbooks/x.yml: … and 2 more in this file (--format json lists every one)"
        assert all(Path(line.split(":")[0]).is_file() for line in lines[:-1]), lines
    as_json = json.loads(run("validate", "--project", "portal", "--format", "json").output)
    assert as_json["problems"][0]["path"] == "content/playbooks/x.yml"  # for tools, as before: the portal's own path
    monkeypatch.chdir(tmp_path / "portal")
    assert run("validate", "--project", ".").output.startswith("content/playbooks/x.yml:2:8: error: unknown role")


def test_an_id_that_renames_a_page_one_file_names_says_so_in_the_singular(project_factory, run):
    """'and 1 reference in 1 other file still name 'prep'': the count's verb now agrees with it."""
    project = project_factory({"content/playbooks/prep.yml": "id: preparation\ntitle: Prep\nsteps: [{id: s, title: S}]\n",
                               "content/playbooks/qbr.yml": "title: Q\nrelated: [prep]\nsteps: [{id: s, title: S}]\n"})
    first = run("validate", "--project", project).output.splitlines()[0]
    assert first.startswith("content/playbooks/prep.yml:1:5: error: id 'preparation' renames the playbook 'prep' (its "
                            "file name), and 1 reference in 1 other file still names 'prep' (to keep"), first


def test_project_given_as_a_folder_inside_a_portal_names_the_portal(tmp_path, run, monkeypatch):
    """`--project content` said 'no content/ folder in …/content' (and build 'mkdocs.yml: not found'): the
    portal around the folder is named, with the option to pass."""
    from conftest import copy_bundled

    project = copy_bundled(tmp_path / "portal")
    monkeypatch.chdir(project)
    for command in ("validate", "build"):
        result = run(command, "--project", "content")
        assert result.exit_code == 2, result.output
        assert ("'content' is a folder inside the portal '.', not a portal: a portal holds mkdocs.yml and content/ "
                "(pass --project ., or leave --project out)") in result.output
    monkeypatch.chdir(tmp_path)
    result = run("validate", "--project", "portal/content/faq")
    assert result.exit_code == 2 and "(pass --project portal)" in result.output, result.output
    assert run("validate", "--project", "portal").exit_code == 0


def test_mkdocs_settings_csops_decides_itself_are_warned_at_their_line(tmp_path, run):
    """An added nav:, a changed docs_dir:, strict: false, dev_addr: built fine and were ignored (or replaced csops'
    navigation) without a word; use_directory_urls: false failed the build with thousands of broken links."""
    from conftest import copy_bundled

    project = copy_bundled(tmp_path / "portal")
    config = project / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8").replace("docs_dir: build/docs", "docs_dir: docs")
                      + "nav:\n  - Home: index.md\nstrict: false\ndev_addr: 127.0.0.1:9000\n", encoding="utf-8")
    result = run("validate", "--project", project)
    assert result.exit_code == 0, result.output
    found = [line.split(" [")[0].split(": warning: ") for line in result.output.splitlines() if "[setting-csops-sets]" in line]
    assert [(where.removeprefix("mkdocs.yml:"), what.split(":")[0]) for where, what in found] == [
        ("9:11", "'docs_dir'"), ("75:5", "'nav'"), ("77:9", "'strict'"), ("78:11", "'dev_addr'")], result.output
    assert "csops builds the navigation itself" in result.output and "docs_dir is not read" in result.output
    built = run("build", "--project", project, "--quiet")
    assert built.exit_code == 0 and "mkdocs.yml:75:5: warning: 'nav': csops builds the navigation" in built.output
    # the values csops agrees with are no warning: strict: true, docs_dir: build/docs (as written, or ./build/docs)
    config.write_text(config.read_text(encoding="utf-8").replace("docs_dir: docs", "docs_dir: ./build/docs")
                      .replace("strict: false", "strict: true"), encoding="utf-8")
    result = run("validate", "--project", project)
    assert [line.split(": warning: ")[1].split(":")[0] for line in result.output.splitlines()
            if "[setting-csops-sets]" in line] == ["'nav'", "'dev_addr'"], result.output

    config.write_text(config.read_text(encoding="utf-8") + "use_directory_urls: false\n", encoding="utf-8")
    result = run("validate", "--project", project)
    assert result.exit_code == 1 and "mkdocs.yml:79:21: error: use_directory_urls: false" in result.output, result.output


def test_a_labels_file_with_the_yaml_extension_is_named_not_ignored(project_factory, run):
    """templates/labels.yaml was never read (nor, without labels.yml, the templates beside it), without a word."""
    from test_build import PLAYBOOK, FAQ

    project = project_factory({"content/playbooks/renewal-runway.yml": PLAYBOOK, "content/faq/renewals.yml": FAQ,
                               "templates/labels.yaml": "en:\n  steps: Procedure\n"})
    expected = ("templates/labels.yaml:1:1: warning: not read: csops reads templates/labels.yml (rename it to labels.yml: "
                "until then csops uses its own words, not these) [skipped-file]")
    checked = run("validate", "--project", project)
    assert checked.exit_code == 0 and expected in checked.output, checked.output
    assert run("validate", "--project", project, "--strict").exit_code == 1


def test_a_mapping_whose_key_has_a_full_width_colon_is_named_as_such(project_factory, run):
    """`R： csm` alone under raci: parses as text, and the shape check said only 'raci must be a mapping, got text'."""
    project = project_factory({"content/playbooks/call.yml": "title: Call\nsteps:\n  - id: call\n    title: Call\n"
                                                             "    raci:\n      R： csm\n"})
    result = run("validate", "--project", project)
    assert ("content/playbooks/call.yml:6:7: error: raci must be a mapping, got text: 'R： csm' uses a full-width colon '：' "
            "(write an ASCII ':' followed by a space) [wrong-type]") in result.output, result.output


def test_an_id_that_renames_a_page_in_place_is_the_first_problem_with_its_fix(tmp_path, run):
    """`id: qbr-review` in qbr.yml: 13 'unknown playbook 'qbr'' errors in other files came first and the cause
    (a published URL gone, in content/published-urls.txt) last. A page's id is its file name unless id: says
    otherwise, and a rename keeps the old id as an alias (docs/content-model.md)."""
    from conftest import copy_bundled

    project = copy_bundled(tmp_path / "portal")
    qbr = project / "content/playbooks/qbr.yml"
    qbr.write_text("id: qbr-review\n" + qbr.read_text(encoding="utf-8"), encoding="utf-8")
    for _ in range(2):  # the second run takes clean files from the content cache
        result = run("validate", "--project", project)
        lines = result.output.splitlines()
        assert result.exit_code == 1
        assert lines[0] == (
            "content/playbooks/qbr.yml:1:5: error: id 'qbr-review' renames the playbook 'qbr' (its file name), and 13 "
            "references in 10 other files still name 'qbr' (to keep 'qbr', delete this id: line; to rename it, delete "
            "the line and run `csops mv playbook qbr qbr-review`: it renames the file, keeps "
            "'qbr' as an alias so published links keep landing, and rewrites every reference) [renamed-by-id]"), lines[0]
        assert lines[1].startswith("content/charts/cs-duties.yml:26:33: error: unknown playbook 'qbr' in playbooks ('qbr' "
                                   "is the file name of content/playbooks/qbr.yml, whose id: renamed it 'qbr-review'")

    # an id typed as a title: the command offered is one `csops mv` takes, not `csops mv playbook qbr QBR Review`
    qbr.write_text("id: QBR Review\n" + qbr.read_text(encoding="utf-8").split("\n", 1)[1], encoding="utf-8")
    first = run("validate", "--project", project).output.splitlines()[0]
    assert "[renamed-by-id]" in first and "run `csops mv playbook qbr qbr-review`:" in first, first


@pytest.mark.parametrize("roles, expected", [
    # one entry keyed by its id among '- id:' entries: PyYAML said only 'did not find expected key' / ''-' indicator'
    ("roles:\n  csm: {name: CSM}\n  - id: cs-lead\n    name: CS Lead\n",
     "content/roles.yml:2:3: error: YAML syntax error: 'csm: {name: CSM}' is a 'key:' entry, but other entries at this "
     "indentation are list entries ('- id: cs-lead' on line 3): one level holds one or the other (write it as the "
     "others are: '- id: csm' in place of 'csm:', and its fields ('name: …') on their own lines indented under it, as "
     "in the other entries) [yaml-syntax]"),
    ("roles:\n  - id: csm\n    name: CSM\n  cs-lead:\n    name: CS Lead\n",
     "content/roles.yml:4:3: error: YAML syntax error: 'cs-lead:' is a 'key:' entry, but other entries at this "
     "indentation are list entries ('- id: csm' on line 2): one level holds one or the other (write it as the others "
     "are: '- id: cs-lead' in place of 'cs-lead:'"),
    ("roles:\n  csm:\n    name: CSM\n  cs-lead:\n    name: CS Lead\n",
     "content/roles.yml:2:3: error: roles must be a list, got a mapping (write a list of entries, each starting with its "
     "id: '- id: csm' in place of 'csm:', its fields indented under it) [wrong-type]"),
])
def test_roles_written_as_a_mapping_are_told_the_list_shape(project_factory, run, roles, expected):
    project = project_factory({"content/roles.yml": roles,
                               "content/playbooks/call.yml": "title: Call\nsteps:\n  - id: call\n    title: Call\n"})
    result = run("validate", "--project", project)
    assert result.exit_code == 1 and result.output.startswith(expected), result.output


def test_validate_given_a_file_fails_on_the_links_its_change_broke_in_other_files(tmp_path, run):
    """A pre-commit hook passing only the edited file (pass_filenames: true): a step renamed in qbr.yml broke the
    links to it in other files and its published URL, and `csops validate content/playbooks/qbr.yml` said the file
    was valid (exit 0), so the commit went in and the build failed. Errors other files had before are still only
    counted."""
    from conftest import copy_bundled
    from test_diff import commit_all, git

    project = copy_bundled(tmp_path / "portal")
    git(project, "init", "-q", "-b", "main")
    commit_all(project, "portal")
    kickoff = project / "content/playbooks/onboarding-kickoff.yml"
    kickoff.write_text(kickoff.read_text(encoding="utf-8").replace("  - id: run-kickoff\n", "  - id: run-the-kickoff\n"),
                       encoding="utf-8")
    runway = project / "content/playbooks/renewal-runway.yml"  # an error the named file did not make
    runway.write_text(runway.read_text(encoding="utf-8").replace("owner: csm\n", "owner: csmm\n", 1), encoding="utf-8")

    result = run("validate", "--project", project, "content/playbooks/onboarding-kickoff.yml")
    lines = result.output.splitlines()
    assert result.exit_code == 1, result.output
    assert {line.split(":")[0] for line in lines[:-2]} == {
        "content/onboarding/new-csm-30-60-90.yml", "content/playbooks/expansion-signals.yml",
        "content/playbooks/onboarding-templates.yml", "content/published-urls.txt"}, result.output
    assert all("run-kickoff" in line for line in lines[:-2]), result.output
    assert lines[-1] == "also 1 error and 1 warning in 2 files not named: csops validate without file names lists them"

    result = run("validate", "--project", project, "content/faq/renewals.yml")  # unchanged: nothing it broke
    assert result.exit_code == 0, result.output


@pytest.mark.parametrize("definition, shown", [
    ("Raised with the `Escalated` flag on the ticket.", "'`Escalated`' shows as typed"),
    ("See [the runbook](playbook:support-escalation) first.", "'[the runbook](playbook:support-escalation)' shows"),
    ("A **severe** customer issue.", "'**severe**' shows as typed"),
])
def test_markdown_in_a_glossary_definition_is_a_warning_at_its_place(project_factory, run, definition, shown):
    """A definition is plain text on the glossary page and in every hover: the bundled Escalation term showed its
    backticks to every reader (visual review)."""
    glossary = f"terms:\n  - id: escalation\n    term: Escalation\n    definition: {definition}\n"
    result = run("validate", "--project", project_factory({"content/glossary.yml": glossary}))
    column = 17 + definition.index(shown.split("'")[1][:2])
    assert f"content/glossary.yml:4:{column}: warning: the definition of 'escalation' is plain text" in result.output, result.output
    assert shown in result.output and result.exit_code == 0
    plain = run("validate", "--project", project_factory({"content/glossary.yml": glossary.replace(definition, "A severe issue (2*3 = 6 seats).")}))
    assert "[glossary-definition]" not in plain.output


def test_a_key_yaml_reads_as_null_boolean_or_number_is_quoted_as_written(project_factory, run):
    """`null:` was reported as unknown field 'None', `no:` as 'False': Python's words for what the editor never
    wrote. Keys are names, so each is kept as it is written."""
    project = project_factory({"content/playbooks/p.yml": (
        "title: P\nnull: a\nno: b\n1e3: c\nsteps:\n  - id: s\n    title: S\n")})
    lines = [line for line in run("validate", "--project", project).output.splitlines() if "unknown-field" in line]
    assert [line.split(" error: ")[1].split(" (")[0] for line in lines] == [
        "unknown field 'null'", "unknown field 'no'", "unknown field '1e3'"], lines
    assert [line.split(":")[1:3] for line in lines] == [["2", "1"], ["3", "1"], ["4", "1"]], lines


def test_a_site_described_in_words_starting_javascript_is_no_script_link(tmp_path, run):
    """'site_description: "JavaScript: onboarding our SDK customers"' was refused in validate and build as a script
    link, though Material shows the description, name, author and copyright as words, never as a link."""
    from conftest import REPO, copy_bundled

    project = copy_bundled(tmp_path / "portal", REPO)
    config = project / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8").replace(
        "site_description: Standard", 'site_description: "JavaScript: onboarding SDK customers. Standard')
        .replace("Customer Success team.\n", 'Customer Success team."\nsite_author: "JavaScript:Team"\n', 1),
        encoding="utf-8")
    validated = run("validate", "--project", project)
    assert validated.exit_code == 0, validated.output
    config.write_text(config.read_text(encoding="utf-8") + 'extra:\n  homepage: "JavaScript: home"\n', encoding="utf-8")
    assert "error: 'extra.homepage' is a script link" in run("validate", "--project", project).output


def test_merge_conflict_left_in_mkdocs_yml_or_the_url_manifest_is_named_with_its_fix(tmp_path, run):
    """A conflict block in mkdocs.yml was "'<<<<<<< HEAD' has no ':' after its key (write it as 'key: value')", and
    in content/published-urls.txt each marker line was a published URL to retire with `csops urls --update`."""
    from conftest import copy_bundled

    project = copy_bundled(tmp_path / "portal")
    config = project / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8").replace(
        "  language: en\n", "<<<<<<< HEAD\n  language: en\n=======\n  language: ja\n>>>>>>> ja-theme\n"), encoding="utf-8")
    result = run("validate", "--project", project, "--format", "text")
    assert "mkdocs.yml:16:1: error: unresolved git merge conflict: lines 16-20 " in result.output, result.output
    assert result.exit_code == 1
    shutil.copy(EXAMPLES.parent.parent / "mkdocs.yml", config)
    manifest = project / "content" / "published-urls.txt"
    lines = manifest.read_text(encoding="utf-8").splitlines(keepends=True)
    manifest.write_text("".join(lines[:2] + ["<<<<<<< HEAD\n", lines[2], "=======\n", "playbooks/qbr/#pull-pack\n",
                                             ">>>>>>> rename-step\n"] + lines[3:]), encoding="utf-8")
    result = run("validate", "--project", project, "--format", "text")
    first, = [line for line in result.output.splitlines() if ": error: " in line]
    assert first.startswith("content/published-urls.txt:3:1: error: unresolved git merge conflict: lines 3-7 "), first
    assert "keep the URLs of both sides" in first and "vanished-url" not in result.output
    assert result.exit_code == 1


def test_conflict_like_lines_that_are_content_are_not_merge_conflicts(project_factory, run):
    """A playbook showing a conflict block in a fenced code example, or a quote seven levels deep, was told it held
    'unresolved git merge conflict', and a labels.yml saved with a byte order mark had its block reported as two stray
    lines (3 and 5) instead of one at line 1."""
    example = ("title: Resolve a content conflict\nsteps:\n  - id: resolve\n    title: Resolve\n    body: |\n"
               "      git shows both versions:\n\n      ```text\n      <<<<<<< HEAD\n      title: Ours\n      =======\n"
               "      title: Theirs\n      >>>>>>> main\n      ```\n\n      >>>>>>> the customer's first mail\n")
    project = project_factory({"content/playbooks/resolve.yml": example})
    result = run("validate", "--project", project, "--format", "text")
    assert "merge-conflict" not in result.output and result.exit_code == 0, result.output
    (project / "templates").mkdir()
    (project / "templates/labels.yml").write_text("\ufeff<<<<<<< HEAD\nen: {}\n=======\nja: {}\n>>>>>>> main\n",
                                                  encoding="utf-8")
    lines = [line for line in run("validate", "--project", project, "--format", "text").output.splitlines()
             if "merge-conflict" in line]
    assert len(lines) == 1 and lines[0].startswith("templates/labels.yml:1:1: error: unresolved git merge conflict: "
                                                   "lines 1-5"), lines


def test_a_portal_class_set_by_attribute_list_key_or_character_reference_is_refused(project_factory, run):
    """'{: class="csops-labels" data-labels=… }' and '<span class="&#99;sops-labels" …>' passed validate and the page
    held <p class="csops-labels" data-labels=…> and <span class="csops-labels" …>: the forged hook, written another
    way (attribute lists take class= as well as .name, and the browser decodes character references)."""
    body = ("      Para.\n      {: class=\"csops-labels\" data-labels='{}' }\n\n"
            "      <span class=\"&#99;sops-versions\">x</span> and {: #top class='note csops-step-meta' }\n\n"
            "      Plain words: csops-portal, https://example.com/csops-x and Q&A stay fine.\n")
    project = project_factory({"content/playbooks/p.yml": "title: P\nowner: csm\nsteps:\n  - id: a\n    title: A\n"
                                                         "    raci: {R: [csm], A: [csm]}\n    body: |\n" + body})
    lines = [line.split(": error: ")[0] + " " + line.split("class ")[1].split(" ")[0]
             for line in run("validate", "--project", project, "--format", "text").output.splitlines()
             if "[portal-class]" in line]
    assert lines == ["content/playbooks/p.yml:9:17 'csops-labels'", "content/playbooks/p.yml:11:20 'csops-versions'",
                     "content/playbooks/p.yml:11:73 'csops-step-meta'"], lines


def test_onboarding_items_with_the_same_text_at_different_times_or_for_different_segments_are_fine(project_factory, run):
    """'Check in with your manager' due T+7d and again T+30d in one section, or 'Send the welcome pack' for SMB and
    for enterprise with their own playbooks, were 'already in the items of section', an error: they are two tasks."""
    items = [("check-in-1", "Check in with your manager", "due: T+7d"), ("check-in-2", "Check in with your manager",
             "due: T+30d"), ("welcome-smb", "Send the welcome pack", "segments: [smb]"),
             ("welcome-ent", "Send the welcome pack", "segments: [enterprise]"),
             ("crm", "Log into the CRM", "due: T+1d"), ("crm-again", "Log into  the CRM", "due: T+1d")]
    text = "title: New CSM\nsections:\n  - id: first\n    title: First\n    items:\n" + "".join(
        f"      - id: {id_}\n        text: {words}\n        {extra}\n" for id_, words, extra in items)
    project = project_factory({"content/onboarding/new-csm.yml": text})
    lines = [line for line in run("validate", "--project", project, "--format", "text").output.splitlines()
             if "[repeated-checklist-item]" in line]
    assert [line.split(": error: ")[0] for line in lines] == ["content/onboarding/new-csm.yml:22:15"], lines


def test_a_role_name_of_a_long_run_of_spaces_is_read_at_once():
    """Reading what readers call a role (a name's bracketed short form dropped) took 1.9 s for a name holding 19,000
    spaces, each role's name read on every validate and build: 10 such roles in roles.yml kept validate 16 s."""
    from generator.reader_names import role_names

    started = time.monotonic()
    for _ in range(5):
        assert role_names("x" + " " * 19_000 + "y", "H") == ["x" + " " * 19_000 + "y", "H"]
    assert time.monotonic() - started < 1
    assert role_names("Lead (APAC) (CSM) ", "CSM")[2] == "Lead (APAC)"


def test_a_playbook_id_in_capitals_in_a_list_of_playbooks_is_one_error(project_factory, run):
    """related: [Renewal] gave two errors at one place, invalid-id and unknown-playbook (did you mean 'renewal'?);
    roles and codeowners already gave one. Now the unknown-playbook error alone names the id meant."""
    project = project_factory({
        "content/playbooks/renewal.yml": "title: Renewal\nowner: csm\nsteps:\n  - {id: a, title: A}\n",
        "content/playbooks/qbr.yml": "title: QBR\nowner: csm\nrelated: [Renewal]\nsteps:\n  - {id: a, title: A}\n",
        "content/charts/c.yml": "title: C\nactivities:\n  - id: a\n    name: A\n    raci: {R: csm, A: csm}\n"
                                "    playbooks: [renewal, QBR]\n"})
    result = run("validate", "--project", project)
    lines = [line for line in result.output.splitlines() if ": error" in line]
    assert result.exit_code == 1
    assert lines == [
        "content/charts/c.yml:6:26: error: unknown playbook 'QBR' in playbooks (did you mean 'qbr'?) [unknown-playbook]",
        "content/playbooks/qbr.yml:3:11: error: unknown playbook 'Renewal' in related (did you mean 'renewal'?) [unknown-playbook]",
    ], lines


def test_a_document_in_another_kinds_folder_is_moved_to_a_free_name(project_factory, run):
    """The hint was 'git mv content/playbooks/pricing.yml content/faq/pricing.yml' while content/faq/pricing.yml
    existed, which git refuses. Now a taken target is said, with a free name; the file's own check (kept by the
    content cache) is completed per run, so removing the other file gives the plain move again."""
    faq = "title: Pricing\nentries:\n  - {id: q, q: Why?, a: Because.}\n"
    project = project_factory({"content/playbooks/pricing.yml": faq, "content/faq/pricing.yml": faq,
                               "content/faq/pricing-2.yml": faq})
    lines = [line for line in run("validate", "--project", project).output.splitlines() if "[wrong-folder]" in line]
    assert lines == ["content/playbooks/pricing.yml:2:1: error: 'entries:' makes this file an FAQ topic, but "
                     "content/playbooks/ holds playbooks (content/faq/pricing.yml exists, so git mv would refuse: "
                     "merge the file into it, or move it under another name: "
                     "git mv content/playbooks/pricing.yml content/faq/pricing-3.yml) [wrong-folder]"], lines
    (project / "content/faq/pricing.yml").unlink()
    lines = [line for line in run("validate", "--project", project).output.splitlines() if "[wrong-folder]" in line]
    assert lines == ["content/playbooks/pricing.yml:2:1: error: 'entries:' makes this file an FAQ topic, but "
                     "content/playbooks/ holds playbooks "
                     "(move it: git mv content/playbooks/pricing.yml content/faq/pricing.yml) [wrong-folder]"], lines


@pytest.mark.parametrize("quote", ["", "'", '"'])
def test_a_problem_in_a_quoted_text_is_placed_at_its_column(project_factory, run, quote):
    """A problem inside a text (an unknown cross-reference) is placed where it is written, past the opening quote of
    a single- as of a double-quoted value (LocDict.where_in_text): an editor's jump to file:line:col lands on it."""
    line = f"    body: {quote}Read the [QBR](playbook:nope) first.{quote}"
    project = project_factory({"content/playbooks/renewal.yml": f"title: Renewal\nsteps:\n  - id: kickoff\n"
                                                                 f"    title: Kickoff\n{line}\n"})
    output = run("validate", "--project", project).output
    assert output.startswith(f"content/playbooks/renewal.yml:5:{line.index('playbook:nope') + 1}: error: unknown "
                             "playbook 'nope'"), output


def test_a_byte_that_is_not_utf8_is_placed_at_its_character_column(project_factory, run):
    """It was placed by its byte count: after 'title: 解約' (13 bytes, 9 characters) at column 14, not 10."""
    project = project_factory({"content/playbooks/bytes.yml": "title: 解約".encode() + b"\xff\nsteps: [{id: s, title: S}]\n",
                               "content/playbooks/bom.yml": b"\xef\xbb\xbftitle: x\xff\nsteps: [{id: s, title: S}]\n"})
    result = run("validate", "--project", project)
    assert [line.split(": error:")[0] for line in result.output.splitlines()[:-1]] == [
        "content/playbooks/bom.yml:1:9", "content/playbooks/bytes.yml:1:10"], result.output


def test_a_text_line_starting_with_a_long_vowel_mark_is_not_blamed_for_a_later_slip(project_factory, run):
    """A '|' text may hold 'ー 注意: 期限を守る'; a syntax error lines below it is reported where it is."""
    project = project_factory({"content/playbooks/p.yml": """\
        title: 解約対応
        steps:
          - id: ask
            title: 理由を聞く
            body: |
              ー 注意: 期限を守る
          - id: offer
            title: [引き留め案
        """})
    result = run("validate", "--project", project)
    assert result.exit_code == 1 and "ー" not in result.output.split("error:")[0], result.output
    assert "content/playbooks/p.yml:6:" not in result.output, result.output


def test_a_value_joined_to_a_dash_line_and_one_cut_by_a_comment_are_both_reported(project_factory, run):
    project = project_factory({"content/playbooks/p.yml": (
        "title: Churn call\nsummary: Call them\n  - and log it\nowner: csm #lead\nsteps: [{id: s, title: S}]\n")})
    result = run("validate", "--project", project)
    assert "[entry-in-text]" in result.output and "[comment-in-value]" in result.output, result.output


def test_a_cors_origin_the_api_can_never_match_is_a_located_warning(tmp_path, run):
    """A ticket tool's sidebar at https://tickets.example.com/app, or origins written as https://*.zendesk.com or a
    bare host, were compared whole with the browser's Origin and never matched: every call from the widget failed
    with a CORS error in the browser's console, and validate said nothing."""
    from conftest import REPO, copy_bundled

    project = copy_bundled(tmp_path / "portal", REPO)
    config = project / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8") + "extra:\n  csops:\n    api:\n      cors_origins:\n"
                      "        [https://tickets.example.com/app, https://*.zendesk.com, tickets.example.com,\n"
                      "         https://ok.example.com, 'http://127.0.0.1:8080/']\n", encoding="utf-8")
    validated = run("validate", "--project", project)
    warnings = [line for line in validated.output.splitlines() if "[cors-origin]" in line]
    assert validated.exit_code == 0 and len(warnings) == 3, validated.output
    assert all(line.startswith("mkdocs.yml:78:") for line in warnings), warnings
    assert any("'https://tickets.example.com/app' is never matched" in line and "write https://tickets.example.com"
               in line for line in warnings), warnings
    assert any("'https://*.zendesk.com'" in line and "wildcard" in line for line in warnings), warnings
    assert run("validate", "--project", project, "--strict").exit_code == 1
    # neither a list nor one origin: said so, not a traceback (mutation pass: the shape was never tried)
    for value, shape in (("{https://tickets.example.com: yes}", "dict"), ("443", "int")):
        config.write_text(config.read_text(encoding="utf-8").split("extra:\n  csops:")[0]
                          + f"extra:\n  csops:\n    api:\n      cors_origins: {value}\n", encoding="utf-8")
        validated = run("validate", "--project", project)
        assert validated.exit_code == 0 and (f"mkdocs.yml:78:21: warning: extra.csops.api.cors_origins must be a list of "
                                             f"origins, not {shape} (write e.g. [https://tickets.example.com]) "
                                             "[cors-origin]") in validated.output, validated.output
    # one origin written as text, not a list, is that origin (not each of its letters)
    config.write_text(config.read_text(encoding="utf-8").split("extra:\n  csops:")[0]
                      + "extra:\n  csops:\n    api:\n      cors_origins: https://tickets.example.com\n", encoding="utf-8")
    validated = run("validate", "--project", project)
    assert validated.exit_code == 0 and "[cors-origin]" not in validated.output, validated.output


def test_a_portal_without_site_url_is_warned_that_ticket_links_would_have_no_host(tmp_path, run):
    """With no site_url, validate and build said nothing, and csops link printed /playbooks/qbr/?v=…#prep-call, which a
    Support agent pasted into tickets where it opens nothing (the API's url and markdown the same)."""
    from conftest import REPO, copy_bundled

    project = copy_bundled(tmp_path / "portal", REPO)
    config = project / "mkdocs.yml"
    config.write_text("\n".join(line for line in config.read_text(encoding="utf-8").splitlines()
                                if not line.startswith("site_url:")) + "\n", encoding="utf-8")
    validated = run("validate", "--project", project)
    assert validated.exit_code == 0 and "mkdocs.yml:1:1: warning: mkdocs.yml has no site_url" in validated.output
    assert "[no-site-url]" in validated.output and run("validate", "--project", project, "--strict").exit_code == 1
    (project / "parent.yml").write_text("site_url: https://cs.acme.test/\n", encoding="utf-8")
    config.write_text("INHERIT: parent.yml\n" + config.read_text(encoding="utf-8"), encoding="utf-8")
    assert "no-site-url" not in run("validate", "--project", project).output  # set where it is inherited from


def test_a_chart_rows_accountable_role_must_be_accountable_in_the_playbooks_it_links(project_factory, run):
    """The bundled chart made Finance Accountable for booking renewals while the renewal playbook it links made CS Ops
    A on its close-out step: a new CSM read two answers to who signs it off, and validate said nothing."""
    project = project_factory({
        "content/playbooks/renewal.yml": "title: Renewal\nsteps:\n  - {id: close, title: Close, raci: {R: csm, A: cs-ops}}\n",
        "content/playbooks/qbr.yml": "title: QBR\nsteps:\n  - {id: hold, title: Hold, raci: {R: csm, A: cs-lead}}\n",
        "content/charts/duties.yml": "title: Duties\nactivities:\n  - id: booking\n    name: Booking\n"
                                     "    raci: {R: csm, A: cs-lead}\n    playbooks: [qbr, renewal]\n"})
    result = run("validate", "--project", project)
    assert result.exit_code == 0, result.output  # a warning
    assert [line for line in result.output.splitlines() if "[chart-accountable]" in line] == [
        "content/charts/duties.yml:6:22: warning: 'booking' makes cs-lead Accountable, but the steps of playbook "
        "'renewal' make cs-ops A and never cs-lead: a reader of both pages gets two answers to who signs it off (make "
        "cs-lead A on the step of "
        "content/playbooks/renewal.yml that completes this duty, or change the row's A, or unlink the playbook if it "
        "does not carry out this duty) [chart-accountable]"], result.output
    renewal = project / "content/playbooks/renewal.yml"
    renewal.write_text(renewal.read_text(encoding="utf-8").replace("A: cs-ops", "A: cs-lead"), encoding="utf-8")
    assert "[chart-accountable]" not in run("validate", "--project", project).output  # read again, not kept
    # a playbook whose steps name no A (owners only) contradicts nothing
    renewal.write_text("title: Renewal\nsteps:\n  - {id: close, title: Close, owner: csm}\n", encoding="utf-8")
    assert "[chart-accountable]" not in run("validate", "--project", project).output
    # a renamed role: the playbook still written with its former id names the same role the chart does
    roles = project / "content/roles.yml"
    roles.write_text(roles.read_text(encoding="utf-8").replace("{id: cs-lead,", "{id: cs-lead, aliases: [team-lead],"),
                     encoding="utf-8")
    renewal.write_text("title: Renewal\nsteps:\n  - {id: close, title: Close, raci: {R: csm, A: team-lead}}\n", encoding="utf-8")
    result = run("validate", "--project", project)
    assert "aliases: [team-lead]," in roles.read_text(encoding="utf-8") and "[chart-accountable]" not in result.output, result.output
    renewal.write_text("title: Renewal\nsteps:\n  - {id: close, title: Close, raci: {R: csm, A: cs-lead}}\n", encoding="utf-8")
    chart = project / "content/charts/duties.yml"
    chart.write_text(chart.read_text(encoding="utf-8").replace("A: cs-lead", "A: team-lead"), encoding="utf-8")
    result = run("validate", "--project", project)
    assert "A: team-lead" in chart.read_text(encoding="utf-8") and "[chart-accountable]" not in result.output, result.output


def test_a_link_to_an_item_moved_to_another_page_names_the_link_that_reaches_it(tmp_path, run):
    """Moving an FAQ answer to another topic left the runway's link to it 'unknown entry … (known: six other
    answers)': nothing said where the answer went or what to write. It names the page it is on and the link."""
    from conftest import REPO, copy_bundled, move_item

    project = copy_bundled(tmp_path / "portal", REPO)
    move_item(project / "content/faq/renewals.yml", project / "content/faq/expansion.yml", "when-to-start")
    result = run("validate", "--project", project)
    assert result.exit_code == 1
    assert ("content/playbooks/renewal-runway.yml:7:161: error: unknown entry 'when-to-start' in FAQ topic 'renewals' "
            "(it is in FAQ topic 'expansion': link faq:expansion#when-to-start) [unknown-anchor]") in result.output


def test_heading_ids_are_read_with_the_sites_toc_settings_written_as_a_mapping():
    """markdown_extensions written as a mapping (which MkDocs takes) lost its toc settings here too: validate checked
    a #link against ids made with the default separator, not the site's."""
    from generator.markdown_extensions import heading_ids_reader

    reader = heading_ids_reader({"toc": {"separator": "_"}})
    assert reader is not None and reader("## Kick off\n") == {"kick_off"}


def test_heading_ids_are_read_with_the_toc_settings_mkdocs_keeps_for_a_name_written_twice():
    """A later bare '- toc' keeps the separator an earlier toc entry set, as in MkDocs (mkdocs_entries.
    extension_settings): validate checked a #link against ids made with the default separator."""
    from generator.markdown_extensions import heading_ids_reader

    reader = heading_ids_reader([{"toc": {"separator": "_"}}, "admonition", "toc"])
    assert reader is not None and reader("## Kick off\n") == {"kick_off"}
