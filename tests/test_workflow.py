"""The pull-request workflow: `csops new`, `stale`, `codeowners`, and the shipped CI / pre-commit / editor files.

The GitHub Actions workflow and pre-commit hooks are tested by running the very
commands they contain, in a real git repository made in a temporary folder.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from conftest import REPO, make_project
from generator.cli import main
from test_diff import BASE_FILES, commit_all, git

BIN = Path(sys.executable).parent
KINDS = {"playbook": "playbooks", "checklist": "onboarding", "faq": "faq", "chart": "charts"}


# -- csops new ------------------------------------------------------------------

def test_new_scaffolds_files_that_validate_and_build(project_factory, run):
    project = project_factory({})
    for kind, folder in KINDS.items():
        result = run("new", kind, f"my-{kind}", "--project", project)
        # CI's and the pre-commit hook's `csops urls --check` refused the new page's URLs, said only at commit time
        assert result.output == (f"created content/{folder}/my-{kind}.yml; edit it, then run `csops validate`, "
                                 "and `csops urls --update` to record its URLs (commit "
                                 "content/published-urls.txt with it)\n")
    result = run("validate", "--project", project)
    # Scaffolded sample text validates, but is a warning until replaced; --strict (CI) fails on it.
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert lines[-1] == f"no errors, {len(lines) - 1} warnings" and len(lines) > 8
    assert all(line.endswith("[placeholder-text]") and ": warning: " in line for line in lines[:-1])
    assert ("content/playbooks/my-playbook.yml:5:10: warning: summary still holds the text csops new wrote: "
            "'Say in one or two sentences what this page is for.' (replace it with the real text, or delete the field) "
            "[placeholder-text]") in lines
    # a required field is not to be deleted, and a checklist line is a line (it said 'or delete the field if it is
    # optional' to each, leaving a newcomer to work out which)
    assert ("content/playbooks/my-playbook.yml:22:12: warning: title still holds the text csops new wrote: "
            "'Describe the first step' (replace it with the real text) [placeholder-text]") in lines
    assert ("content/playbooks/my-playbook.yml:29:9: warning: checklist still holds the text csops new wrote: "
            "'Replace with the first thing to check' (replace it with the real line, or delete the line) "
            "[placeholder-text]") in lines
    assert ("content/faq/my-faq.yml:14:8: warning: a still holds the text csops new wrote: 'Write the answer.' "
            "(replace it with the real text) [placeholder-text]") in lines
    assert run("validate", "--strict", "--project", project).exit_code == 1
    assert run("build", "--project", project).exit_code == 0
    assert (project / "site/playbooks/my-playbook/index.html").is_file()
    assert run("build", "--strict", "--project", project).exit_code == 1

@pytest.mark.parametrize("zone, written", [("Pacific/Kiritimati", "2031-03-02"), ("America/Los_Angeles", "2031-03-01"),
                                           (None, "2031-03-01")])
def test_new_dates_the_review_by_the_portals_day(zone, written, project_factory, run, monkeypatch):
    """`csops new` wrote the editor's machine's date into `reviewed:`, while `csops stale` and validate count the
    portal's day (settings.yml `timezone:`): the same file's review was a day off depending on whose laptop made it."""
    import datetime as dt

    from generator import portal_time

    monkeypatch.setattr(portal_time, "_now", lambda: dt.datetime(2031, 3, 1, 11, 0, tzinfo=dt.timezone.utc))
    project = project_factory({"content/settings.yml": f"timezone: {zone}\n" if zone else "review_interval: 180d\n"})
    assert run("new", "playbook", "billing", "--project", project).exit_code == 0
    assert f"\nreviewed: {written} " in (project / "content/playbooks/billing.yml").read_text(encoding="utf-8")



@pytest.mark.parametrize("kind", sorted(KINDS))
def test_new_explains_every_field_in_a_comment(project_factory, run, kind):
    project = project_factory({})
    run("new", kind, "sample", "--title", "Sample: a title", "--project", project)
    text = (project / "content" / KINDS[kind] / "sample.yml").read_text()
    assert 'title: "Sample: a title"' in text
    fields = [line for line in text.splitlines() if not line.lstrip().startswith("#") and ":" in line
              and not line.startswith("      ")]
    uncommented = [line for line in fields if "#" not in line]
    assert uncommented == []


def test_new_refuses_bad_taken_and_aliased_ids(project_factory, run):
    project = project_factory({"content/playbooks/renewal.yml": """\
        title: Renewal
        aliases: [renewal-prep]
        steps: [{id: one, title: One}]
        """})
    assert run("new", "playbook", "Renewal Prep", "--project", project).output == (
        "Error: 'Renewal Prep' is not a valid id: use lowercase letters, digits and single hyphens, e.g. 'renewal-prep'\n")
    # a Japanese id: where the Japanese goes instead, as the command to type (first-hour walkthrough: the editor
    # was told "the name readers see is the title", not how to give it one)
    assert run("new", "playbook", "解約対応", "--project", project).output == (
        "Error: '解約対応' is not a valid id: use lowercase letters, digits and single hyphens, e.g. 'renewal-runway'; "
        "an id is part of the page's address, so it is written in ASCII, and the name readers see is the title: "
        "csops new playbook <id> --title \"解約対応\"\n")
    # ... which a title already given needs no telling
    assert run("new", "faq", "解約", "--title", "解約について", "--project", project).output.endswith(
        "and the name readers see is the title\n")
    assert run("new", "playbook", "renewal", "--project", project).output == (
        "Error: content/playbooks/renewal.yml already exists; pick another id\n")
    result = run("new", "playbook", "renewal-prep", "--project", project)
    assert result.exit_code == 1
    assert result.output == "Error: playbook id 'renewal-prep' is already used (as an id or alias); pick another id\n"
    assert run("new", "faq", "index", "--project", project).output == (
        "Error: 'index' is the address of the section's own list page; pick another id\n")
    assert not (project / "content/faq/index.yml").exists()


@pytest.mark.parametrize("file, text", [
    ("content/roles.yml", "roles: 5\n"), ("content/settings.yml", "phases: true\n"),
    ("content/playbooks/renewal.yml", "title: Renewal\naliases: 5\nsteps: [{id: one, title: One}]\n")])
def test_new_beside_a_list_written_as_a_number_is_no_traceback(project_factory, run, file, text):
    """`csops new playbook x` in a portal whose roles.yml said 'roles: 5', settings.yml 'phases: true' or a playbook
    'aliases: 5' stopped with "TypeError: 'int' object is not iterable" (found by the CLI fuzzer): the ids it reads
    were read as lists whatever they were. A list that is none now lists nothing, as validate reads it."""
    project = project_factory({file: text})
    result = run("new", "playbook", "first-call", "--project", project)
    if file == "content/roles.yml":
        assert (result.exit_code, result.output) == (1, "Error: content/roles.yml defines no roles yet; add at least "
                                                        "one role first\n")
    else:
        assert result.exit_code == 0 and (project / "content/playbooks/first-call.yml").is_file(), result.output


def test_new_refuses_a_title_the_file_could_not_validate_with(project_factory, run):
    """`csops new playbook x --title` with 500 characters, or only spaces, wrote a file whose first
    `csops validate` failed ('title is 500 characters; at most 400'), while new promises a valid file."""
    project = project_factory({})
    result = run("new", "playbook", "long-title", "--title", "Renewal " * 60, "--project", project)
    assert result.exit_code == 1
    assert result.output == ("Error: nothing written: title is 480 characters; at most 400 (shorten it: it shows whole "
                             "in navigation, headings and search results; the details belong in the summary or body)\n")
    result = run("new", "faq", "blank-title", "--title", "   ", "--project", project)
    assert result.exit_code == 1 and result.output.startswith("Error: nothing written: title is blank")
    assert not (project / "content/playbooks/long-title.yml").exists()
    assert not (project / "content/faq/blank-title.yml").exists()


def test_new_never_writes_through_a_link(project_factory, run, tmp_path):
    """A dangling link at the new file's path was followed: `csops new` created its target outside the project."""
    project = project_factory({"content/playbooks/renewal.yml": "title: Renewal\nsteps: [{id: one, title: One}]\n"})
    outside = tmp_path / "outside.yml"
    (project / "content/playbooks/dangling.yml").symlink_to(outside)
    result = run("new", "playbook", "dangling", "--project", project)
    assert result.exit_code == 1 and result.output == "Error: content/playbooks/dangling.yml already exists; pick another id\n"
    assert not outside.exists()


# -- csops stale ----------------------------------------------------------------

STALE_FILES = {
    "content/settings.yml": "review_interval: 180d\ncodeowners:\n  cs-ops: \"@acme/cs-ops\"\n  csm: \"@acme/csm-team\"\n",
    "content/playbooks/renewal.yml": """\
        title: Renewal
        owner: cs-ops
        reviewed: 2026-01-01
        review_interval: 90d
        steps: [{id: one, title: One}]
        """,
    "content/faq/renewals.yml": """\
        title: Renewals
        owner: csm
        reviewed: 2026-06-01
        entries: [{id: when, q: When?, a: Early.}]
        """,
    "content/faq/pricing.yml": """\
        title: Pricing
        owner: cs-lead
        reviewed: 2025-12-20
        entries: [{id: how, q: How?, a: Carefully.}]
        """,
    "content/charts/duties.yml": """\
        title: Duties
        activities: [{id: renewal, name: Renewal, raci: {R: csm, A: cs-lead}}]
        """,
}


def test_stale_lists_expired_and_soon_due_content_at_the_reviewed_line(project_factory, run):
    project = project_factory(STALE_FILES)
    result = run("stale", "--today", "2026-06-10", "--format", "text", "--project", project)
    assert result.exit_code == 0
    assert result.output == textwrap.dedent("""\
        content/charts/duties.yml:1:1: expired: chart 'duties' was never reviewed (add reviewed: YYYY-MM-DD after reviewing it) [review-expired]
        content/playbooks/renewal.yml:3:11: expired: playbook 'renewal': review overdue by 70 days (reviewed 2026-01-01, every 90d, due 2026-04-01); owner cs-ops [review-expired]
        content/faq/pricing.yml:3:11: due-soon: FAQ topic 'pricing': review due in 8 days (reviewed 2025-12-20, every 180d, due 2026-06-18); owner cs-lead [review-due-soon]
        2 expired, 1 due soon, 1 up to date
        """)


def test_stale_github_annotations_and_merge_gate(project_factory, run):
    project = project_factory(STALE_FILES)
    result = run("stale", "--today", "2026-06-10", "--format", "github", "--fail-on-expired", "--project", project)
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert lines[1] == ("::error file=content/playbooks/renewal.yml,line=3,col=11,title=review-expired::playbook 'renewal': "
                        "review overdue by 70 days (reviewed 2026-01-01, every 90d, due 2026-04-01); owner cs-ops [review-expired]")
    assert lines[2].startswith("::notice file=content/faq/pricing.yml,line=3,col=11,title=review-due-soon::")
    assert run("stale", "--today", "2026-06-10", "--format", "github", "--project", project).output.startswith("::warning ")
    fresh = project_factory({"content/faq/renewals.yml": STALE_FILES["content/faq/renewals.yml"]})
    result = run("stale", "--today", "2026-06-10", "--fail-on-expired", "--project", fresh)
    assert (result.exit_code, result.output) == (0, "0 expired, 0 due soon, 1 up to date\n")


def test_stale_on_the_calendars_last_day_answers(project_factory, run):
    """`--today 9999-12-31` (the last date --today takes) ended in an OverflowError traceback: the day of grace for
    reviews dated ahead was added to today. A review dated that day is today's, not one ahead (its next review,
    past the calendar's end, is as close as the calendar can say)."""
    last_day = {**STALE_FILES, "content/faq/renewals.yml": STALE_FILES["content/faq/renewals.yml"].replace("2026-06-01",
                                                                                                          "9999-12-31")}
    result = run("stale", "--today", "9999-12-31", "--format", "text", "--project", project_factory(last_day))
    assert result.exit_code == 0, result.output
    assert "Traceback" not in result.output and result.output.endswith("3 expired, 1 due soon, 0 up to date\n")
    assert "after today" not in result.output


def test_urls_check_without_a_manifest_says_it_is_missing(project_factory, run):
    """A portal with no content/published-urls.txt was told the manifest 'is out of date (3 new, 0 dropped)'."""
    project = project_factory({"content/faq/renewals.yml": STALE_FILES["content/faq/renewals.yml"]})
    result = run("urls", "--check", "--project", project)
    assert result.exit_code == 1
    assert result.output.splitlines()[-1] == ("content/published-urls.txt does not exist yet (6 URLs published); run "
                                              "`csops urls --update` to create it, and commit it")
    run("urls", "--update", "--project", project)
    assert run("urls", "--check", "--project", project).output == "content/published-urls.txt is up to date\n"


def test_a_review_dated_after_today_is_refused_not_trusted(project_factory, run):
    # a mistyped year (2027 for 2026) would otherwise keep a page "up to date" and silence its reminders for years
    future = {**STALE_FILES, "content/faq/renewals.yml": STALE_FILES["content/faq/renewals.yml"].replace("2026-06-01", "2027-06-01")}
    project = project_factory(future)
    result = run("stale", "--today", "2026-06-10", "--fail-on-expired", "--project", project)
    assert result.exit_code == 1
    assert ("content/faq/renewals.yml:3:11: expired: FAQ topic 'renewals': reviewed 2027-06-01 is after today (2026-06-10); "
            "a review cannot be dated ahead (write the day the review happened); owner csm [review-expired]") in result.output
    assert result.output.endswith("3 expired, 1 due soon, 0 up to date\n")
    # no due date is made up from it
    listed = json.loads(run("stale", "--today", "2026-06-10", "--format", "json", "--project", project).output)
    faq = next(i for i in listed["items"] if i["id"] == "renewals")
    assert (faq["status"], faq["due"], faq["days_left"], faq["reviewed"]) == ("expired", None, None, "2027-06-01")
    # a review dated tomorrow is today east of UTC (Tokyo's editor, CI on UTC): no problem
    tomorrow = {**STALE_FILES, "content/faq/renewals.yml": STALE_FILES["content/faq/renewals.yml"].replace("2026-06-01", "2026-06-11")}
    assert "renewals" not in run("stale", "--today", "2026-06-10", "--project", project_factory(tomorrow)).output
    # validate says so too, at the line, without failing the run; the next day's cache does not hide it
    for _ in range(2):
        checked = run("validate", "--project", project)
        assert "content/faq/renewals.yml:3:11: warning: reviewed 2027-06-01 is after today" in checked.output
        assert checked.exit_code == 0


@pytest.mark.parametrize("zone, today, renewal", [
    ("", "2026-04-01", ("due-soon", 0)),
    ("timezone: UTC\n", "2026-04-01", ("due-soon", 0)),
    ("timezone: Asia/Tokyo\n", "2026-04-02", ("expired", -1)),
])
def test_today_is_the_portals_day_on_every_machine(zone, today, renewal, project_factory, run, monkeypatch):
    """At 08:30 in Tokyo (23:30 UTC the day before) a Tokyo portal's review due the day before is a day overdue:
    `csops stale` on a CI runner in UTC said 'due in 0 days', on the editor's laptop 'overdue by 1 day', and a
    review dated two days ahead of the UTC day, one of Tokyo's, was 'after today'. Today is the portal's day."""
    import datetime as dt

    from generator import portal_time

    monkeypatch.setattr(portal_time, "_now", lambda: dt.datetime(2026, 4, 1, 23, 30, tzinfo=dt.timezone.utc))
    files = {**STALE_FILES, "content/settings.yml": zone + STALE_FILES["content/settings.yml"],
             "content/faq/renewals.yml": STALE_FILES["content/faq/renewals.yml"].replace("2026-06-01", "2026-04-03")}
    project = project_factory(files)
    payload = json.loads(run("stale", "--format", "json", "--project", project).output)
    assert payload["today"] == today
    playbook = next(i for i in payload["items"] if i["id"] == "renewal")
    assert (playbook["status"], playbook["days_left"]) == renewal
    # 2026-04-03 is two days after the UTC day, the next day in Tokyo (within the day of grace)
    ahead = "content/faq/renewals.yml:3:11: warning: reviewed 2026-04-03 is after today (2026-04-01)"
    assert (ahead in run("validate", "--project", project).output) == (today == "2026-04-01")


def test_review_dates_at_the_end_of_the_calendar_are_problems_not_tracebacks(project_factory, run):
    # reviewed 9999-12-31 (+ 180 days) and a 999999-week interval both ran past year 9999: OverflowError
    files = {**STALE_FILES, "content/faq/renewals.yml": STALE_FILES["content/faq/renewals.yml"].replace("2026-06-01", "9999-12-31")}
    project = project_factory(files)
    for fmt in ("text", "json", "github"):
        result = run("stale", "--today", "2026-06-10", "--format", fmt, "--project", project)
        assert result.exit_code == 0 and "9999-12-31" in result.output, result.output
    assert run("build", "--project", project).exit_code == 0
    files["content/playbooks/renewal.yml"] = files["content/playbooks/renewal.yml"].replace("review_interval: 90d", "review_interval: 999999w")
    project = project_factory(files)
    result = run("validate", "--project", project)
    assert result.exit_code == 1 and "content/playbooks/renewal.yml:4:" in result.output and "write intervals like 90d or 26w" in result.output


def test_stale_json_lists_every_document(project_factory, run):
    project = project_factory(STALE_FILES)
    payload = json.loads(run("stale", "--today", "2026-06-10", "--format", "json", "--project", project).output)
    assert payload["summary"] == "2 expired, 1 due soon, 1 up to date"
    faq = next(i for i in payload["items"] if i["id"] == "renewals")
    assert faq == {"kind": "faq", "id": "renewals", "title": "Renewals", "path": "content/faq/renewals.yml", "line": 3,
                   "col": 11, "owner": "csm", "reviewed": "2026-06-01", "review_interval_days": 180,
                   "due": "2026-11-28", "days_left": 171, "status": "fresh"}


def test_pages_show_owner_last_review_and_review_due(project_factory, run):
    project = project_factory(STALE_FILES)
    assert run("build", "--project", project).exit_code == 0
    html = (project / "site/faq/renewals/index.html").read_text()
    assert 'Last reviewed:</strong> <span class="csops-nowrap">2026-06-01</span>' in html  # dates never break on phones
    assert '<span class="csops-review-due" data-review-due="2026-11-28">2026-11-28</span>' in html
    playbook = (project / "site/playbooks/renewal/index.html").read_text()
    assert 'data-review-due="2026-04-01"' in playbook


# -- csops codeowners -----------------------------------------------------------

def test_codeowners_maps_owner_roles_to_teams(project_factory, run):
    project = project_factory(STALE_FILES)
    result = run("codeowners", "--project", project, "--output", project / "CODEOWNERS")
    assert result.exit_code == 0
    assert (project / "CODEOWNERS").read_text() == textwrap.dedent("""\
        # Generated by `csops codeowners` from each document's `owner` and settings.yml `codeowners`.
        # Do not edit by hand: change owners in content/ and run `csops codeowners` again.

        /content/faq/renewals.yml @acme/csm-team
        /content/playbooks/renewal.yml @acme/cs-ops

        # /content/faq/pricing.yml: owner 'cs-lead' has no team in settings.yml codeowners
        """)
    check = run("codeowners", "--check", "--project", project, "--output", project / "CODEOWNERS")
    assert check.exit_code == 0
    (project / "content/faq/pricing.yml").write_text(STALE_FILES["content/faq/pricing.yml"].replace("cs-lead", "csm"))
    check = run("codeowners", "--check", "--project", project, "--output", project / "CODEOWNERS")
    assert check.exit_code == 1 and f"is out of date; run `csops codeowners --output {project / 'CODEOWNERS'}` and commit it" in check.output


def test_codeowners_writes_where_its_help_says_inside_and_outside_git(project_factory, run):
    """The help said "default: .github/CODEOWNERS at the git root, or in the project", which reads as
    .github/CODEOWNERS in the project; outside git it writes CODEOWNERS at the project's top."""
    import subprocess

    from generator.workflow_cli import codeowners

    said = next(p.help for p in codeowners.params if p.name == "output")
    project = project_factory(STALE_FILES)
    assert run("codeowners", "--project", project).exit_code == 0
    assert (project / "CODEOWNERS").is_file() and not (project / ".github/CODEOWNERS").exists()
    assert "outside a git repository, CODEOWNERS in the project folder" in said, said
    subprocess.run(["git", "init", "-q", str(project)], check=True)
    assert run("codeowners", "--project", project).exit_code == 0
    assert (project / ".github/CODEOWNERS").is_file() and ".github/CODEOWNERS at the git root" in said


def test_a_codeowners_file_committed_as_a_link_is_replaced_not_written_through(project_factory, run, tmp_path):
    """.github/CODEOWNERS committed as a link to ~/.bashrc: `csops codeowners` (a maintainer, or a CI job keeping
    it up to date) overwrote the file it named outside the repository."""
    import subprocess

    victim = tmp_path / "bashrc"
    victim.write_text("precious\n", encoding="utf-8")
    project = project_factory(STALE_FILES)
    subprocess.run(["git", "init", "-q", str(project)], check=True)
    (project / ".github").mkdir()
    (project / ".github/CODEOWNERS").symlink_to(victim)
    assert run("codeowners", "--project", project).exit_code == 0
    assert victim.read_text(encoding="utf-8") == "precious\n"
    written = project / ".github/CODEOWNERS"
    assert not written.is_symlink() and "csops codeowners" in written.read_text(encoding="utf-8")


def test_codeowners_patterns_match_their_own_file_whatever_its_name(project_factory, run):
    """'a b.yml' gave the line "/content/playbooks/a b.yml @acme/cs-ops", which GitHub reads as the pattern
    /content/playbooks/a owned by 'b.yml'; [ * ? made a name a glob (red team). Each pattern is checked with git's
    own matcher (CODEOWNERS patterns are gitignore patterns), and holds none of the syntax GitHub refuses or
    reads otherwise in CODEOWNERS: [ ] ranges and backslash escapes."""
    import subprocess

    files = {"content/settings.yml": STALE_FILES["content/settings.yml"]}
    names = ["a b.yml", "x[1].yml", "x1.yml", "q*?.yml", "qz.yml", "#h.yml", "bang!.yml"]
    for number, name in enumerate(names):
        files[f"content/playbooks/{name}"] = f"id: p{number}\ntitle: P{number}\nowner: cs-ops\nsteps: [{{id: s, title: S}}]\n"
    project = project_factory(files)
    assert run("codeowners", "--project", project, "--output", project / "CODEOWNERS").exit_code == 0
    lines = [line for line in (project / "CODEOWNERS").read_text().splitlines() if line.startswith("/")]
    assert len(lines) == len(names) and all(line.endswith(" @acme/cs-ops") for line in lines)
    subprocess.run(["git", "init", "-q", str(project)], check=True)
    files = [f"content/playbooks/{n}" for n in names]
    owned = []
    for line in lines:
        pattern = line[: -len(" @acme/cs-ops")]
        assert not set("[]\\ ") & set(pattern), pattern
        (project / ".gitignore").write_text(pattern + "\n")
        matched = subprocess.run(["git", "-C", str(project), "check-ignore", "--no-index", *files],
                                 capture_output=True, text=True).stdout.splitlines()
        assert len(matched) == 1, (pattern, matched)  # one file: its own
        owned += matched
    assert sorted(owned) == sorted(files)


def test_codeowners_in_a_git_subfolder_writes_github_codeowners_at_the_root(tmp_path, run):
    repo = tmp_path / "repo"
    repo.mkdir()
    git(repo, "init", "-q", "-b", "main")
    project = make_project(repo / "portal", STALE_FILES)
    assert run("codeowners", "--project", project).exit_code == 0
    text = (repo / ".github/CODEOWNERS").read_text()
    assert "/portal/content/playbooks/renewal.yml @acme/cs-ops\n" in text


# -- shipped integration files, run for real --------------------------------------

def _shell(command: str, cwd: Path, env: dict) -> subprocess.CompletedProcess:
    return subprocess.run(["bash", "-euo", "pipefail", "-c", command], cwd=cwd, env=env, capture_output=True, text=True)


def _workflow_steps(job: str) -> list[dict]:
    workflow = yaml.safe_load((REPO / ".github/workflows/portal.yml").read_text())
    return [s for s in workflow["jobs"][job]["steps"] if "csops" in s.get("run", "") and "pip install" not in s["run"]]


@pytest.fixture
def pr_repo(tmp_path):
    """origin with `main`, and a clone on a PR branch: the checkout GitHub Actions makes (fetch-depth: 0)."""
    seed = tmp_path / "seed"
    seed.mkdir()
    git(seed, "init", "-q", "-b", "main")
    make_project(seed, {**BASE_FILES, "content/faq/renewals.yml": BASE_FILES["content/faq/renewals.yml"]
                        .replace("owner: cs-ops", "owner: cs-ops\n        reviewed: 2026-11-01")})
    assert subprocess.run([BIN / "csops", "urls", "--update"], cwd=seed, capture_output=True).returncode == 0
    commit_all(seed, "content and manifest")
    git(tmp_path, "clone", "-q", "--bare", str(seed), "origin.git")
    git(tmp_path, "clone", "-q", "origin.git", "work")
    work = tmp_path / "work"
    git(work, "switch", "-q", "-c", "pr")
    return work


def _ci_env(tmp_path: Path) -> dict:
    summary = tmp_path / "step-summary.md"
    summary.touch()
    return {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}", "BASE_REF": "main",
            "GITHUB_ACTIONS": "true", "GITHUB_STEP_SUMMARY": str(summary), "HOME": str(tmp_path)}


def test_pull_request_workflow_commands_pass_on_a_good_pr(pr_repo, tmp_path):
    renewal = pr_repo / "content/playbooks/renewal.yml"
    renewal.write_text(renewal.read_text().replace("  - id: close\n    title: Close\n",
                                                   "  - id: close\n    title: Close the renewal\n    owner: csm\n"))
    commit_all(pr_repo, "clarify the close step")
    env = _ci_env(tmp_path)
    steps = _workflow_steps("check")
    assert [s["name"] for s in steps] == [
        "Validate content", "Published URLs still resolve and the manifest is current",
        "Review freshness (add --fail-on-expired to make it a merge gate)", "Build the site strictly",
        "Summarise the content change"]
    for step in steps:
        result = _shell(step["run"], pr_repo, env)
        assert result.returncode == 0, f"{step['name']}: {result.stdout}{result.stderr}"
    summary = Path(env["GITHUB_STEP_SUMMARY"]).read_text()
    assert summary.startswith("## Portal content changes: `origin/main` → `HEAD`\n")
    assert "| `renewal` › `close` owner | — → csm |" in summary
    assert (pr_repo / "site/playbooks/renewal/index.html").is_file()


def test_pull_request_workflow_fails_when_a_published_url_vanishes(pr_repo, tmp_path):
    git(pr_repo, "mv", "content/playbooks/renewal.yml", "content/playbooks/renewal-runway.yml")
    commit_all(pr_repo, "rename without alias")
    env = _ci_env(tmp_path)
    steps = {s["name"]: s["run"] for s in _workflow_steps("check")}
    validate = _shell(steps["Validate content"], pr_repo, env)
    assert validate.returncode == 1
    assert ("::error file=content/published-urls.txt,line=5,col=1,title=vanished-url::published URL "
            "'playbooks/renewal/' would disappear (and 3 anchors on it)") in validate.stdout
    assert _shell(steps["Published URLs still resolve and the manifest is current"], pr_repo, env).returncode == 1
    assert _shell(steps["Build the site strictly"], pr_repo, env).returncode == 1
    diff = _shell(steps["Summarise the content change"], pr_repo, env)
    assert diff.returncode == 0
    assert "⚠️ 4 old URLs not covered by aliases" in Path(env["GITHUB_STEP_SUMMARY"]).read_text()


def test_publish_job_builds_the_site(pr_repo, tmp_path):
    env = _ci_env(tmp_path)
    for step in _workflow_steps("publish"):
        assert _shell(step["run"], pr_repo, env).returncode == 0, step["name"]
    publish = yaml.safe_load((REPO / ".github/workflows/portal.yml").read_text())["jobs"]["publish"]
    upload = next(s for s in publish["steps"] if s.get("uses", "").startswith("actions/upload-pages-artifact"))
    assert upload["with"]["path"] == "site" and (pr_repo / "site/index.html").is_file()


@pytest.mark.parametrize("workflow", [".github/workflows/portal.yml", "generator/starter/common/github/workflows/portal.yml"])
def test_publish_job_checks_out_the_history_whats_new_lists(pr_repo, tmp_path, workflow):
    """The publish job checked out one commit (actions/checkout's default fetch-depth: 1), so every published
    site's What's new page said it was built without git history, and told the reader to use fetch-depth: 0."""
    publish = yaml.safe_load((REPO / workflow).read_text())["jobs"]["publish"]
    checkout = next(s for s in publish["steps"] if s.get("uses", "").startswith("actions/checkout"))
    depth = (checkout.get("with") or {}).get("fetch-depth", 1)
    renewal = pr_repo / "content/playbooks/renewal.yml"
    renewal.write_text(renewal.read_text().replace("title: Close\n", "title: Close the renewal\n"))
    commit_all(pr_repo, "clarify the close step")
    git(pr_repo, "push", "-q", "origin", "HEAD:main")
    clone = tmp_path / "actions-checkout"
    git(tmp_path, "clone", "-q", *(["--depth", str(depth)] if depth else []),
        (tmp_path / "origin.git").as_uri(), str(clone))
    env = _ci_env(tmp_path)
    for step in _workflow_steps("publish"):
        assert _shell(step["run"], clone, env).returncode == 0, step["name"]
    whats_new = (clone / "site/whats-new/index.html").read_text(encoding="utf-8")
    assert "without git history" not in whats_new and "clarify the close step" in whats_new


def test_pre_commit_hooks_run_csops_checks(pr_repo, tmp_path):
    hooks = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text())
    assert [h["id"] for h in hooks] == ["csops-validate", "csops-urls"]
    env = _ci_env(tmp_path) | {"GITHUB_ACTIONS": ""}
    for hook in hooks:
        assert hook["language"] == "python" and hook["pass_filenames"] is False
        command = [str(BIN / shlex.split(hook["entry"])[0])] + shlex.split(hook["entry"])[1:]
        assert subprocess.run(command, cwd=pr_repo, env=env, capture_output=True).returncode == 0, hook["id"]
    (pr_repo / "content/playbooks/renewal.yml").write_text("title: Renewal\nsteps: []\n")
    for hook in hooks:
        command = [str(BIN / shlex.split(hook["entry"])[0])] + shlex.split(hook["entry"])[1:]
        result = subprocess.run(command, cwd=pr_repo, env=env, capture_output=True, text=True)
        assert result.returncode == 1, hook["id"]
        assert "content/playbooks/renewal.yml:2:8: error: steps must not be empty [empty-value]" in result.stdout + result.stderr


@pytest.mark.parametrize("config", [".pre-commit-config.yaml of csops init", ".pre-commit-hooks.yaml"])
def test_pre_commit_checks_a_commit_that_only_deletes_a_published_page(pr_repo, tmp_path, config):
    """Real pre-commit hands hooks only added and changed files: with a `files:` filter, `git rm` of a published
    FAQ topic committed with both checks "Skipped", its URL and the links to it broken until CI."""
    if config == ".pre-commit-hooks.yaml":
        hooks = yaml.safe_load((REPO / config).read_text())
        for hook in hooks:
            hook["language"] = "system"  # the published hooks, run from this venv's csops instead of a clone of ours
        config_text = yaml.safe_dump({"repos": [{"repo": "local", "hooks": hooks}]})
    else:
        config_text = (REPO / "generator/starter/common/pre-commit-config.yaml").read_text()
    (pr_repo / ".pre-commit-config.yaml").write_text(config_text)
    git(pr_repo, "add", ".pre-commit-config.yaml")
    env = _ci_env(tmp_path) | {"GITHUB_ACTIONS": "", "PRE_COMMIT_HOME": str(tmp_path / "pre-commit-home")}
    git(pr_repo, "rm", "-q", "content/faq/renewals.yml")
    result = subprocess.run([BIN / "pre-commit", "run"], cwd=pr_repo, env=env, capture_output=True, text=True)
    assert "Skipped" not in result.stdout and result.returncode == 1, result.stdout + result.stderr
    assert "published URL 'faq/renewals/' would disappear" in result.stdout, result.stdout


def test_editor_schema_hints_are_current_and_cover_every_kind(tmp_path, run):
    run("schema", "--out", tmp_path)
    shipped = {p.name: p.read_text() for p in (REPO / "schemas").glob("*.json")}
    fresh = {p.name: p.read_text() for p in tmp_path.glob("*.json")}
    assert shipped == fresh, "schemas/ is out of date: run `csops schema` and commit it"
    mapping = json.loads((REPO / ".vscode/settings.json").read_text())["yaml.schemas"]
    assert sorted(mapping) == sorted(f"./schemas/{name}" for name in fresh)
    for schema in mapping:
        assert (REPO / schema).is_file()


def test_every_field_an_editor_shows_has_a_description(tmp_path, run):
    """An editor's hover over `entries:`, `sections:`, `items:`, `activities:`, `roles:`, `terms:` or a settings
    segment showed nothing (no description), and review_interval did not say what applies without it."""
    run("schema", "--out", tmp_path)
    missing = []

    def walk(node: dict, where: str) -> None:
        for name, field in (node.get("properties") or {}).items():
            if not field.get("description"):
                missing.append(f"{where}.{name}")
            walk(field, f"{where}.{name}")
            if isinstance(field.get("items"), dict) and field["items"].get("type") == "object":
                if not field["items"].get("description"):
                    missing.append(f"{where}.{name}[]")
                walk(field["items"], f"{where}.{name}[]")

    for path in sorted(tmp_path.glob("*.schema.json")):
        walk(json.loads(path.read_text()), path.name.split(".")[0])
    assert missing == []
    playbook = json.loads((tmp_path / "playbook.schema.json").read_text())
    assert "180d" in playbook["properties"]["review_interval"]["description"]


def test_new_files_point_editors_at_the_schema(project_factory, run):
    project = project_factory({})
    run("schema", "--out", project / "schemas")
    run("new", "faq", "pricing", "--project", project)
    first = (project / "content/faq/pricing.yml").read_text().splitlines()[0]
    assert first == "# yaml-language-server: $schema=../../schemas/faq.schema.json"


@pytest.mark.parametrize("command", ["urls", "new", "diff", "stale", "codeowners"])
def test_workflow_commands_have_help(run, command):
    result = run(command, "--help")
    assert result.exit_code == 0 and len(result.output.split("\n\n")[1].strip()) > 20


def test_usage_mistakes_are_usage_errors_with_the_valid_values(project_factory, run):
    project = project_factory({"content/playbooks/p.yml": "title: P\nsteps: [{id: s, title: S}]\n"})
    for within in ("5x", "3m", "d"):
        result = run("stale", "--within", within, "--project", project)
        assert result.exit_code == 2
        assert f"Invalid value for '--within': '{within}' is not an interval; write e.g. 30d or 4w" in result.output
    assert run("stale", "--within", "2w", "--project", project).exit_code == 0
    result = run("urls", "--check", "--update", "--project", project)
    assert result.exit_code == 2 and "use one of them" in result.output
    assert not (project / "content/published-urls.txt").exists()


def test_codeowners_check_says_a_missing_file_is_missing(project_factory, run):
    project = project_factory({"content/playbooks/p.yml": "title: P\nowner: cs-ops\nsteps: [{id: s, title: S}]\n"})
    target = project / ".github/CODEOWNERS"
    result = run("codeowners", "--check", "--output", target, "--project", project)
    assert (result.exit_code, result.output) == (
        1, f"{target} does not exist; run `csops codeowners --output {target}` to create it, then commit it\n")


def test_the_fix_codeowners_check_suggests_for_another_file_writes_that_file(tmp_path, run, monkeypatch):
    """`csops codeowners --check --output 'team owners'` said 'run `csops codeowners`': typed as shown, that wrote
    .github/CODEOWNERS (or the portal's CODEOWNERS) and the check still failed on the file it was asked about. The
    fix names the file, shell-quoted, and the portal when given from elsewhere."""
    import shlex

    make_project(tmp_path / "portal", {"content/playbooks/p.yml": "title: P\nowner: cs-ops\nsteps: [{id: s, title: S}]\n",
                                       "content/settings.yml": "codeowners: {cs-ops: '@acme/cs-ops'}\n"})
    monkeypatch.chdir(tmp_path)
    (tmp_path / "team owners").write_text("/content/old.yml @acme/cs-ops\n")
    check = ("codeowners", "--check", "--project", "portal", "--output", "team owners")
    result = run(*check)
    suggested = re.findall(r"`(csops [^`]*)`", result.output)
    assert (result.exit_code, suggested) == (1, ["csops codeowners --output 'team owners' --project portal"]), result.output
    assert run(*shlex.split(suggested[0])[1:]).exit_code == 0  # as the shell hands it over, from where the check ran
    assert run(*check).output == "team owners is up to date\n"


def test_every_command_with_machine_output_speaks_json(tmp_path, run):
    """One --format json wherever tools read the output (the old --json still works, hidden)."""
    from test_diff import make_repo

    repo = make_repo(tmp_path / "repo")
    assert run("build", "--project", repo).exit_code == 0
    outputs = {
        "validate": run("validate", "--format", "json", "--project", repo),
        "stale": run("stale", "--format", "json", "--project", repo),
        "search": run("search", "renewal", "--format", "json", "--project", repo),
        "search --json": run("search", "renewal", "--json", "--project", repo),
        "link": run("link", "renewal", "--format", "json", "--project", repo),
        "report": run("report", "searches", "--format", "json", "--project", repo),
        "urls": run("urls", "--format", "json", "--project", repo),
        "urls --check": run("urls", "--check", "--format", "json", "--project", repo),
        "diff": run("diff", "main", "--format", "json", "--project", repo),
    }
    parsed = {name: json.loads(result.output) for name, result in outputs.items()}
    assert parsed["search"] == parsed["search --json"] and parsed["search"]["hits"]
    assert parsed["link"]["url"].startswith("https://") and parsed["link"]["query"] == "renewal"
    assert "playbooks/renewal-runway/#kickoff" in parsed["urls"]["urls"]
    assert parsed["urls --check"]["up_to_date"] is (outputs["urls --check"].exit_code == 0)
    assert parsed["diff"]["head"] == "working tree" and set(parsed["diff"]["kinds"]) == {"playbook", "onboarding", "faq", "chart"}
    playbooks = parsed["diff"]["kinds"]["playbook"]
    assert (playbooks["added"], playbooks["renamed"]) == (["qbr"], [{"from": "renewal", "to": "renewal-runway"}])
    assert playbooks["changed"][0]["items"]["renamed"] == [{"from": "confirm", "to": "confirm-stakeholders"}]
    assert {"where": "renewal-runway owner", "change": "cs-ops → csm"} in playbooks["changed"][0]["ownership"]
    assert "--json" not in run("search", "--help").output


@pytest.mark.parametrize("value, message", [
    ("2027-02-30", "2027-02-30 is not a date on the calendar (day is out of range for month)"),
    ("2027/02/01", "'2027/02/01' is not a date written YYYY-MM-DD"),
    ("２０２７-０２-０１", "'２０２７-０２-０１' is not a date written YYYY-MM-DD"),  # full-width digits: not "not on the calendar"
])
def test_stale_today_that_is_no_date_says_why(run, value, message):
    """2027-02-30 was refused as 'does not match the format', though its format is right."""
    from click.testing import CliRunner

    from generator.cli import main

    result = CliRunner().invoke(main, ["stale", "--today", value])
    assert result.exit_code == 2 and message in result.output


@pytest.mark.parametrize("kind", ["playbook", "checklist", "faq", "chart"])
def test_new_in_a_japanese_portal_writes_japanese_comments_and_prompts(tmp_path, run, kind):
    """`csops new` wrote English comments and prompts into a portal `init --lang ja` had made Japanese."""
    project = tmp_path / "portal"
    assert run("init", "--lang", "ja", "--project", project).exit_code == 0
    assert run("new", kind, "test-page", "--project", project).exit_code == 0
    created = next((project / "content").rglob("test-page.yml")).read_text(encoding="utf-8")
    assert "各フィールドの決まりは" in created and "# required" not in created
    result = run("validate", "--project", project)
    assert result.exit_code == 0 and "このページの目的を 1～2 文で書いてください。" in result.output  # a prompt is a warning
    english = tmp_path / "english"
    assert run("init", "--project", english).exit_code == 0 and run("new", kind, "test-page", "--project", english).exit_code == 0
    prompts = [line for line in result.output.splitlines() if "test-page.yml" in line and "[placeholder-text]" in line]
    english_prompts = [line for line in run("validate", "--project", english).output.splitlines()
                       if "test-page.yml" in line and "[placeholder-text]" in line]
    assert len(prompts) == len(english_prompts) > 0  # every Japanese prompt is recognised, as every English one is
    # the comments and prompts call a step what the Japanese pages call it (手順), not ステップ
    assert "ステップ" not in created


def test_a_japanese_draft_scaffolded_with_an_earlier_prompt_still_warns(tmp_path, run):
    """The Japanese step prompt became 最初の手順を書いてください; a draft holding the former one is still unfinished."""
    project = tmp_path / "portal"
    assert run("init", "--lang", "ja", "--project", project).exit_code == 0
    assert run("new", "playbook", "test-page", "--project", project).exit_code == 0
    draft = project / "content/playbooks/test-page.yml"
    text = draft.read_text(encoding="utf-8")
    assert "最初の手順を書いてください" in text
    draft.write_text(text.replace("最初の手順を書いてください", "最初のステップを書いてください"), encoding="utf-8")
    output = run("validate", "--project", project).output
    assert "'最初のステップを書いてください'" in output and "[placeholder-text]" in output


def test_new_spells_the_acronyms_it_knows_in_the_first_title(tmp_path, run):
    """`csops new checklist new-ae-onboarding` wrote the title "New ae onboarding" (new-user walkthrough): the
    glossary and roles.yml know AE, QBR and CSM as they are written."""
    from conftest import REPO, copy_bundled

    project = copy_bundled(tmp_path / "portal", REPO)
    for kind, doc_id, title in (("checklist", "new-ae-onboarding", "New AE onboarding"),
                                ("playbook", "qbr-prep-for-csm", "QBR prep for CSM")):
        assert run("new", kind, doc_id, "--project", project).exit_code == 0
        folder = "onboarding" if kind == "checklist" else "playbooks"
        text = (project / f"content/{folder}/{doc_id}.yml").read_text(encoding="utf-8")
        assert f'title: "{title}"' in text, text[:400]


@pytest.mark.parametrize("language, listed", [("en", "one of those in content/settings.yml: onboarding, renewal, risk"),
                                              ("ja", "content/settings.yml にあるもの: onboarding、renewal、risk")])
def test_new_playbooks_phase_comment_names_the_portals_own_phases(tmp_path, run, language, listed):
    """The comment named 'onboarding, adoption, renewal, expansion, risk' whatever the portal had: in a portal
    started with csops init, following it to `phase: adoption` failed validate with unknown phase."""
    project = tmp_path / "portal"
    assert run("init", "--project", project, "--lang", language).exit_code == 0
    assert run("new", "playbook", "renewal-prep", "--project", project).exit_code == 0
    phase_line = next(line for line in (project / "content/playbooks/renewal-prep.yml").read_text(encoding="utf-8")
                      .splitlines() if line.startswith("phase:"))
    assert phase_line.startswith("phase: onboarding   # ") and phase_line.endswith(listed)
    assert "adoption" not in phase_line


def test_new_playbook_starts_in_the_phase_most_playbooks_are_in_when_settings_lists_none(project_factory, run):
    """Without phases in settings.yml any id is one, and a new playbook started in `operations`: a phase no other
    playbook had, a navigation section added to every page, and every page rendered again by the next build."""
    def playbook(phase: str) -> str:
        return f"title: T\nphase: {phase}\nowner: csm\nsteps:\n  - {{id: a, title: A, owner: csm, raci: {{R: csm, A: csm}}}}\n"

    project = project_factory({"content/playbooks/a.yml": playbook("adoption"),
                               "content/playbooks/b.yml": playbook("renewal"),
                               "content/playbooks/c.yml": playbook("renewal")})
    (project / "content/settings.yml").unlink(missing_ok=True)
    assert run("new", "playbook", "renewal-prep", "--project", project).exit_code == 0
    text = (project / "content/playbooks/renewal-prep.yml").read_text(encoding="utf-8")
    assert next(line for line in text.splitlines() if line.startswith("phase:")).startswith("phase: renewal   # ")
    assert run("validate", "--project", project).exit_code == 0


@pytest.mark.parametrize("args", [["diff", "HEAD", "--output", "{file}/summary.md"], ["schema", "--out", "{file}/schemas"],
                                  ["codeowners", "--output", "{file}/CODEOWNERS"],
                                  ["init", "--project", "{file}/portal"]])
def test_a_file_a_command_cannot_write_is_one_error_line(tmp_path, run, args):
    """`csops diff --output`, `csops schema --out`, `csops codeowners --output` and `csops init --project` into a
    place no file can be (here, under a file) ended in a FileNotFoundError or NotADirectoryError traceback."""
    from test_diff import make_repo

    project = make_repo(tmp_path / "repo")
    (tmp_path / "a-file").write_text("not a folder\n")
    given = [arg.format(file=tmp_path / "a-file") for arg in args]
    result = run(*given) if args[0] == "init" else run(*given, "--project", project)
    assert result.exit_code == 1, result.output
    assert result.output.splitlines()[-1].startswith(f"Error: cannot write {tmp_path / 'a-file'}/"), result.output
    assert result.output.splitlines()[-1].endswith("(name a file in a folder you can write to)"), result.output


@pytest.mark.parametrize("args, quoted", [
    (["new", "playbook", "renewal\nrunway"], "'renewal\\nrunway' is not a valid id"),
    (["mv", "playbook", "ok", "renewal\nrunway"], "'renewal\\nrunway' is not a valid id"),
    (["mv", "playbook", "o\nk", "x"], "unknown playbook 'o\\nk'"),
    (["mv", "step", "ok", "a\r\nb", "x"], "unknown step 'a\\r\\nb' in playbook 'ok'"),
    (["stale", "--within", "3\n0d"], "'3\\n0d' is not an interval")])
def test_a_line_break_in_a_name_given_on_the_command_line_shows_as_backslash_n_in_its_error(project_factory, args, quoted):
    """`csops new playbook $'renewal\\nrunway'` printed its error on two lines, the id cut in half: every command's
    error quotes what it was given as problems.shown writes it, one line, its line breaks \\n as typed."""
    project = project_factory({"content/playbooks/ok.yml": "title: T\nowner: csm\nsteps:\n  - {id: a, title: A, owner: csm, "
                                                           "raci: {R: csm, A: csm}}\n"})
    result = CliRunner().invoke(main, [*args, "--project", str(project)])
    error = [line for line in result.output.splitlines() if line.startswith("Error: ")]
    assert result.exit_code != 0 and error == result.output.split("\n\n")[-1].splitlines(), result.output
    assert quoted in error[0], result.output


@pytest.mark.parametrize("args", [["new", "playbook", "a\x1b]0;owned\x07"], ["mv", "playbook", "ok", "x\x1b]0;owned\x07"],
                                  ["mv", "playbook", "ok\u202e", "x"]])
def test_a_name_given_on_the_command_line_is_quoted_written_out_in_its_error(project_factory, args):
    """'x<ESC>]0;owned<BEL>' is not a valid id: the error quoted the name raw, and the terminal ran its escape sequence
    (set its title here; cleared the screen or forged a line with others). Every command's error writes them out
    (found by the red-team pass)."""
    project = project_factory({"content/playbooks/ok.yml": "title: T\nowner: csm\nsteps:\n  - {id: a, title: A, owner: csm, "
                                                           "raci: {R: csm, A: csm}}\n"})
    result = CliRunner().invoke(main, [*args, "--project", str(project)])
    assert result.exit_code != 0 and result.output.startswith(("Error: ", "Usage: "))
    assert not re.search("[\x1b\x07\u202e]", result.output), result.output
    assert "\\u001b]0;owned\\u0007" in result.output or "\\u202e" in result.output
