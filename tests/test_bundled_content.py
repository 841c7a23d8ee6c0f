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
