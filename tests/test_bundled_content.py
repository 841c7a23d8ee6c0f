"""The bundled portals say each fact once: a chart and the playbooks it links must not contradict each other.

A new CSM who reads in a chart that a role is Accountable for a duty, then opens the playbook the chart links
for it and finds that role accountable for none of its steps, cannot tell which page to believe.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.pipeline import load_portal

REPO = Path(__file__).resolve().parent.parent
BUNDLED = {"en": REPO, "ja": REPO / "examples" / "ja"}


@pytest.mark.parametrize("language", sorted(BUNDLED))
def test_a_charts_accountable_role_is_accountable_on_a_step_of_every_playbook_it_links(language):
    portal = load_portal(BUNDLED[language])
    playbooks = {playbook.id: playbook for playbook in portal.playbooks}
    contradictions = [
        f"{chart.id}#{activity.id}: A={','.join(activity.raci.A)}, but no step of playbook '{playbook_id}' has it as A"
        for chart in portal.charts for activity in chart.activities for playbook_id in activity.playbooks
        if not any(set(activity.raci.A) & set(step.raci.A) for step in playbooks[playbook_id].steps)]
    assert contradictions == []
