"""`csops build` shows stage progress on stderr (plain lines when not a terminal), none with --quiet; stdout is unchanged."""

from __future__ import annotations

import re

from click.testing import CliRunner

from generator.cli import main

PLAYBOOK = """\
title: Renewal runway
phase: renewal
owner: cs-ops
steps:
  - id: confirm-stakeholders
    title: Confirm the stakeholders
    owner: csm
"""


def _build(project, *options):
    result = CliRunner().invoke(main, ["build", "--project", str(project), *options], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result


def test_build_reports_each_stage_with_counts_on_stderr(project_factory):
    project = project_factory({"content/playbooks/renewal-runway.yml": PLAYBOOK})
    result = _build(project)
    stages = [re.sub(r"\(\d+\.\d+s\)$", "(…)", line) for line in result.stderr.splitlines()]
    assert stages == [
        "csops: content checked: 1 playbook, 0 onboarding checklists, 0 FAQ topics, 0 charts (…)",
        "csops: generated 15 pages (…)",
        "csops: MkDocs rendered 14 pages (…)",
        "csops: internal links checked (…)",
        "csops: search index: 6 added, 0 updated, 0 deleted, 0 unchanged (…)",
    ]
    assert re.fullmatch(r"built 15 pages into \S+/site/ in \d+\.\ds\n", result.stdout)

    (project / "content/playbooks/renewal-runway.yml").write_text(PLAYBOOK.replace("Confirm the", "Confirm all"), encoding="utf-8")
    again = _build(project)
    assert re.search(r"^csops: MkDocs rendered \d+ pages, reused \d+ unchanged \(", again.stderr, re.M)


def test_quiet_build_prints_only_the_result(project_factory):
    project = project_factory({"content/playbooks/renewal-runway.yml": PLAYBOOK})
    result = _build(project, "--quiet")
    assert result.stderr == ""
    assert result.stdout.startswith("built 15 pages into ")
