"""The bundled portals say each fact once: validate finds nothing in them to warn about but the example site_url.

A new CSM who reads in a chart that a role is Accountable for a duty, then opens the playbook the chart links
for it and finds that role accountable for none of its steps, cannot tell which page to believe (validate's
chart-accountable warning; the bundled chart made Finance A for booking renewals while the renewal playbook's
close-out step made CS Ops A).
"""

from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
BUNDLED = {"en": REPO, "ja": REPO / "examples" / "ja"}


@pytest.mark.parametrize("language", sorted(BUNDLED))
def test_the_bundled_portal_has_no_warning_but_its_example_site_url(run, language):
    result = run("validate", "--project", BUNDLED[language])
    warnings = [line for line in result.output.splitlines() if ": warning:" in line]
    assert result.exit_code == 0 and [w for w in warnings if "[example-site-url]" not in w] == [], result.output


@pytest.mark.parametrize("language, zone", [("en", "UTC"), ("ja", "Asia/Tokyo")])
def test_the_japanese_example_dates_its_changes_in_tokyo(language, zone):
    """The Japanese example is a Tokyo team's portal: its What's new dates a morning commit by the Tokyo day, not
    the UTC one before it. The English one keeps the default (its golden pages are unchanged)."""
    from generator.pipeline import load_portal

    assert load_portal(BUNDLED[language]).settings.timezone == zone


def test_the_links_readme_and_the_content_model_show_land_in_the_bundled_portal(tmp_path, run):
    """README's first link example, `playbook:onboarding-kickoff#kickoff-meeting`, named a step the bundled playbook
    does not have: a CS Ops editor who copied it met an unknown-anchor error on their first playbook (first-hour
    walkthrough). Every `[text](scheme:id#anchor)` the two documents show is written into a bundled playbook here,
    and validate must find each one."""
    import re

    from conftest import copy_bundled

    shown = set()
    for document in (REPO / "README.md", REPO / "docs/content-model.md"):
        text = document.read_text(encoding="utf-8")
        shown |= {m[1] for m in re.finditer(r"\]\(((?:playbook|onboarding|faq|chart|role|glossary):[^)\s]+)\)", text)}
    shown.discard("playbook:id#anchor")  # the pattern itself, as the mv section spells it
    assert len(shown) >= 8, shown  # the regular expression still finds the examples
    project = copy_bundled(tmp_path / "portal")
    links = " ".join(f"[{n}]({target})" for n, target in enumerate(sorted(shown)))
    (project / "content/playbooks/doc-links.yml").write_text(
        f"title: Links the docs show\nsteps:\n  - id: links\n    title: Links\n    body: \"{links}\"\n", encoding="utf-8")
    result = run("validate", "--project", project)
    assert result.exit_code == 0 and ": error:" not in result.output, result.output
