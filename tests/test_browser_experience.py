"""A new CSM using the portal in headless Chromium: checklists, due dates, step links, RACI filter, segments.

Each test opens a real built site over a real HTTP server with a fresh browser profile.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from browser_support import (DEMO_FILES, DEMO_MKDOCS, browser, build, demo_site, page,  # noqa: F401 - fixtures
                             serve)
from conftest import make_project

pytestmark = pytest.mark.browser


def progress(page, selector: str) -> str:
    return page.locator(f"{selector} [role=progressbar]").get_attribute("aria-valuetext")


def tick(page, item_id: str):
    """Click the checkbox as a reader does: Material draws its own box over the real input."""
    # The visible box is the indicator's ::before, drawn over the real input: click where it is.
    item_box(page, item_id).click(force=True)


def item_box(page, item_id: str):
    return page.locator(f"li.task-list-item:has(#{item_id}) input[type=checkbox]")


def test_ticked_items_survive_a_reload_and_move_the_progress_bars(page, demo_site):
    page.goto(demo_site + "onboarding/new-csm/")
    assert progress(page, ".csops-checklist-progress") == "0 / 5"
    tick(page, "meet-lead")
    tick(page, "read-duties")
    assert progress(page, ".csops-section-progress[data-section=week-one]") == "2 / 3"

    page.reload()

    assert item_box(page, "meet-lead").is_checked()
    assert item_box(page, "read-duties").is_checked()
    assert not item_box(page, "shadow-qbr").is_checked()
    assert progress(page, ".csops-checklist-progress") == "2 / 5"
    assert progress(page, ".csops-section-progress[data-section=week-one]") == "2 / 3"
    assert progress(page, ".csops-section-progress[data-section=month-one]") == "0 / 2"
    assert page.locator(".csops-checklist-progress [role=progressbar]").get_attribute("aria-valuenow") == "40"

    page.get_by_role("button", name="Reset progress").click()
    page.get_by_role("button", name="Yes, clear them").click()  # reset asks first
    page.reload()
    assert not item_box(page, "meet-lead").is_checked()
    assert progress(page, ".csops-checklist-progress") == "0 / 5"


def test_an_item_changed_after_ticking_says_so_instead_of_staying_done(browser, tmp_path):
    project = make_project(tmp_path / "p", {"mkdocs.yml": DEMO_MKDOCS, **DEMO_FILES})
    server = serve(build(project))
    base = next(server)
    context = browser.new_context()
    try:
        tab = context.new_page()
        tab.goto(base + "onboarding/new-csm/")
        tick(tab, "meet-lead")
        tick(tab, "shadow-qbr")

        # A pull request rewrites one item the reader already ticked; the site is rebuilt in place.
        checklist = project / "content/onboarding/new-csm.yml"
        checklist.write_text(checklist.read_text().replace("Shadow a QBR", "Shadow two QBRs and take notes"))
        build(project)
        tab.reload()

        assert item_box(tab, "meet-lead").is_checked()
        assert not item_box(tab, "shadow-qbr").is_checked()
        changed = tab.locator("li.task-list-item:has(#shadow-qbr) .csops-changed")
        assert changed.inner_text() == "changed since you ticked it"
        assert tab.locator(".csops-changed").count() == 1
        assert progress(tab, ".csops-checklist-progress") == "1 / 5"

        tick(tab, "shadow-qbr")  # ticking again accepts the new wording
        tab.reload()
        assert item_box(tab, "shadow-qbr").is_checked()
        assert tab.locator(".csops-changed").count() == 0
    finally:
        context.close()
        server.close()


def test_a_start_date_turns_due_offsets_into_dates_and_an_ics_plan(page, demo_site):
    page.goto(demo_site + "onboarding/new-csm/")
    assert page.locator(".csops-date").count() == 0
    page.get_by_label("start date").fill("2026-01-05")
    page.get_by_label("start date").dispatch_event("change")

    dates = {m: page.locator(f"li:has(#{m}) .csops-date").inner_text() for m in ("meet-lead", "shadow-qbr", "own-accounts")}
    assert dates == {"meet-lead": "2026-01-06", "shadow-qbr": "2026-01-19", "own-accounts": "2026-02-02"}

    page.reload()  # the start date is remembered
    assert page.locator("li:has(#shadow-qbr) .csops-date").inner_text() == "2026-01-19"

    with page.expect_download() as download_info:
        page.get_by_role("button", name="Download calendar (.ics)").click()
    download = download_info.value
    assert download.suggested_filename == "new-csm.ics"
    ics = Path(download.path()).read_bytes().decode("utf-8")
    assert ics.startswith("BEGIN:VCALENDAR\r\n") and ics.endswith("END:VCALENDAR\r\n")
    assert ics.count("BEGIN:VEVENT") == 5
    unfolded = ics.replace("\r\n ", "")
    assert "DTSTART;VALUE=DATE:20260119\r\nDTEND;VALUE=DATE:20260120\r\nSUMMARY:Shadow a QBR\r\n" in unfolded
    assert f"URL:{demo_site}onboarding/new-csm/#shadow-qbr\r\n" in unfolded


def test_playbook_dates_count_back_from_the_contract_end(page, demo_site):
    page.goto(demo_site + "playbooks/renewal/")
    page.get_by_label("contract end date").fill("2026-12-31")
    page.get_by_label("contract end date").dispatch_event("change")
    step = page.locator(".csops-step-meta[data-step=confirm-stakeholders] .csops-date")
    assert step.inner_text() == "2026-10-02"
    with page.expect_download() as download_info:
        page.get_by_role("button", name="Download calendar (.ics)").click()
    ics = Path(download_info.value.path()).read_bytes().decode("utf-8").replace("\r\n ", "")
    assert "SUMMARY:Renewal runway › Confirm the stakeholders\r\n" in ics
    assert "URL:https://portal.acme.test/playbooks/renewal/#confirm-stakeholders\r\n" in ics


def test_copy_for_ticket_gives_a_markdown_link_that_lands_on_the_step(page, demo_site):
    page.goto(demo_site + "playbooks/renewal/")
    meta = page.locator(".csops-step-meta[data-step=procurement]")
    meta.get_by_role("button", name="Copy for ticket").click()
    pasted = page.evaluate("navigator.clipboard.readText()")
    # ?v= is the step's content version (test_whats_new.py: a link that knows it is old).
    version = page.evaluate("JSON.parse(document.querySelector('.csops-versions').dataset.versions).procurement.v")
    assert pasted == ("[Renewal runway › Walk procurement through the order form]"
                      f"(https://portal.acme.test/playbooks/renewal/?v={version}#procurement)")
    meta.get_by_role("button", name="Copy link").click()
    link = page.evaluate("navigator.clipboard.readText()")
    assert link == f"https://portal.acme.test/playbooks/renewal/?v={version}#procurement"

    # The pasted link, opened in a new tab against this server, scrolls the step into view.
    page = page.context.new_page()
    page.goto(link.replace("https://portal.acme.test/", demo_site))
    heading = page.locator("h3#procurement")
    assert heading.evaluate("h => h.matches(':target')")
    assert heading.is_visible() and _in_viewport(heading)


def test_timeline_links_and_role_chips_lead_to_the_step_and_the_role(page, demo_site):
    page.goto(demo_site + "playbooks/renewal/")
    timeline = page.locator("table:has-text('Close the renewal')")
    assert timeline.locator("tr:has-text('Close the renewal') .csops-due").inner_text() == "T+0d"
    timeline.get_by_role("link", name="Close the renewal").click()
    assert page.url.endswith("/playbooks/renewal/#close")
    assert _in_viewport(page.locator("h3#close"))

    page.locator(".csops-facts a.csops-role[data-role=cs-ops]").first.click()
    page.wait_for_url("**/roles/cs-ops/")
    assert page.locator("h1").inner_text().startswith("CS Ops")


def test_raci_matrix_filters_to_one_role(page, demo_site):
    page.goto(demo_site + "charts/duties/")
    matrix = page.locator(".csops-raci-matrix table")
    assert matrix.locator("tbody tr:visible").count() == 3
    assert matrix.locator("thead th:visible").count() == 5  # activity + 4 roles

    page.locator(".csops-raci-filter").get_by_role("button", name="Account Executive").click()
    # Headers carry the short code (derived: "AE"), the full name is the header's tooltip.
    assert matrix.locator("thead th:visible").all_inner_texts() == ["Activity", "AE"]
    assert matrix.locator("thead th:visible a").get_attribute("title") == "Account Executive"
    rows = matrix.locator("tbody tr:visible")
    assert [re.sub(r"\s+", " ", t).strip() for t in rows.all_inner_texts()] == ["Onboarding C Consulted", "Renewal R Responsible"]
    assert page.locator(".csops-raci-filter [aria-pressed=true]").inner_text() == "Account Executive"

    page.get_by_role("button", name="All roles").click()
    assert matrix.locator("tbody tr:visible").count() == 3
    assert matrix.locator("thead th:visible").count() == 5


def test_segment_switch_filters_steps_and_picks_the_segment_tab(page, demo_site):
    page.goto(demo_site + "playbooks/renewal/")
    step = page.locator("h3#procurement")
    assert step.is_visible()
    variants = page.locator(".tabbed-set")
    assert variants.locator(".tabbed-block:visible").inner_text() == "Send the renewal email template."

    variants.get_by_text("Enterprise", exact=True).click()  # the reader switches the tab by hand
    assert variants.locator(".tabbed-block:visible").inner_text() == "Book a renewal workshop with procurement."

    switch = page.locator(".csops-segment-switch")
    switch.get_by_role("button", name="SMB").click()
    assert not step.is_visible()  # enterprise-only step
    assert variants.locator(".tabbed-block:visible").inner_text() == "Send the renewal email template."

    page.reload()  # the segment is remembered across pages and visits
    assert not page.locator("h3#procurement").is_visible()
    switch.get_by_role("button", name="All segments").click()
    assert page.locator("h3#procurement").is_visible()


def test_segment_switch_on_a_checklist_counts_only_that_segment(page, demo_site):
    page.goto(demo_site + "onboarding/new-csm/")
    page.locator(".csops-segment-switch").get_by_role("button", name="SMB").click()
    assert not page.locator("li:has(#enterprise-intro)").is_visible()
    assert progress(page, ".csops-checklist-progress") == "0 / 4"


def test_controls_appear_after_instant_navigation(page, demo_site):
    page.goto(demo_site)
    page.get_by_role("link", name="New CSM: first weeks").first.click()
    page.wait_for_url("**/onboarding/new-csm/")
    page.locator(".csops-checklist-progress [role=progressbar]").wait_for()
    tick(page, "meet-lead")
    assert progress(page, ".csops-checklist-progress") == "1 / 5"
    assert page.locator(".csops-checklist-progress .csops-reset").count() == 1


def _in_viewport(locator) -> bool:
    return locator.evaluate("e => { const r = e.getBoundingClientRect(); return r.top >= 0 && r.top < innerHeight; }")


def test_a_calendar_event_reads_back_as_the_item_was_typed(browser, tmp_path):
    """RFC 5545 text: a calendar reads ',' and ';' in SUMMARY as list separators and '\\n' as a line break, so each
    is written escaped, and no line is longer than 75 octets (readers cut or refuse longer ones). An item naming a
    folder, C:\\notes\\new, must not show in the calendar as 'C:' over 'otes' over 'ew'."""
    typed = r"Shadow a QBR, take notes; file them under C:\notes\new with the renewal plan, 更新計画"
    checklist = DEMO_FILES["content/onboarding/new-csm.yml"].replace("text: Shadow a QBR,", f"text: '{typed}',")
    project = make_project(tmp_path / "p", {"mkdocs.yml": DEMO_MKDOCS, **DEMO_FILES, "content/onboarding/new-csm.yml": checklist})
    server = serve(build(project))
    base = next(server)
    context = browser.new_context()
    try:
        tab = context.new_page()
        tab.goto(base + "onboarding/new-csm/")
        tab.get_by_label("start date").fill("2026-01-05")
        tab.get_by_label("start date").dispatch_event("change")
        with tab.expect_download() as download_info:
            tab.get_by_role("button", name="Download calendar (.ics)").click()
        ics = Path(download_info.value.path()).read_bytes().decode("utf-8")
        assert [line for line in ics.split("\r\n") if len(line.encode("utf-8")) > 75] == []
        unfolded = ics.replace("\r\n ", "")
        summary = next(line for line in unfolded.split("\r\n") if line.startswith("SUMMARY:Shadow"))
        assert re.search(r"(?<!\\)[,;]", summary) is None, summary  # every ',' and ';' escaped
        shown = re.sub(r"\\([\\,;nN])", lambda m: "\n" if m[1] in "nN" else m[1], summary[len("SUMMARY:"):])
        assert shown == typed
    finally:
        context.close()
        server.close()
