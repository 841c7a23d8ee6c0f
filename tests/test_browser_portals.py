"""Both example portals in Chromium: every main page type at desktop and phone width, screenshots, axe-core.

Screenshots land in test-artifacts/ (git-ignored) for a person to look at; axe-core fails the
test on serious or critical accessibility violations.
"""

from __future__ import annotations

import json
import threading

import pytest

from browser_support import (DESKTOP, PHONE, axe_source, browser, bundled_site, ja_site, open_page,  # noqa: F401 - fixtures
                             screenshot, serve)

pytestmark = pytest.mark.browser

# page type -> path, per portal
PAGES = {
    "en": {"home": "", "playbook": "playbooks/renewal-runway/", "checklist": "onboarding/new-csm-30-60-90/",
           "chart": "charts/cs-duties/", "role": "roles/csm/", "glossary": "glossary/", "faq": "faq/renewals/",
           "tags": "tags/", "onboarding-index": "onboarding/"},
    "ja": {"home": "", "playbook": "playbooks/renewal-runway/", "checklist": "onboarding/new-csm-30-60-90/",
           "chart": "charts/cs-duties/", "role": "roles/csm/", "glossary": "glossary/", "faq": "faq/renewals/",
           "tags": "tags/", "onboarding-index": "onboarding/"},
}
SITES = {"en": "bundled_site", "ja": "ja_site"}


@pytest.mark.parametrize("language", ["en", "ja"])
@pytest.mark.parametrize("kind", ["home", "playbook", "checklist", "chart"])
def test_main_pages_render_at_desktop_and_phone_width(request, browser, language, kind):
    base = request.getfixturevalue(SITES[language])
    for width_name, viewport in (("desktop", DESKTOP), ("phone", PHONE)):
        context, tab, errors = open_page(browser, base, PAGES[language][kind], viewport)
        try:
            if kind == "checklist":
                tab.locator(".csops-checklist-progress [role=progressbar]").wait_for()
                tab.locator("li.task-list-item:has(.csops-item) input[type=checkbox]").first.click(force=True)
            if kind == "playbook":
                tab.locator(".csops-step-meta .csops-copy button").first.wait_for()
            if kind == "chart":
                tab.locator(".csops-raci-filter button").first.wait_for()
            # Nothing may stick out sideways on a phone: wide tables scroll inside their own box.
            overflow = tab.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
            assert overflow <= 1, f"{kind} page is {overflow}px wider than the {width_name} viewport"
            screenshot(tab, f"{language}-{kind}-{width_name}")
            assert not errors, errors
        finally:
            context.close()


def test_japanese_pages_show_japanese_controls(browser, ja_site):
    context, tab, errors = open_page(browser, ja_site, PAGES["ja"]["checklist"], DESKTOP)
    try:
        assert tab.get_by_role("button", name="進捗をリセット").is_visible()
        assert tab.get_by_role("button", name="カレンダーをダウンロード（.ics）").is_visible()
        assert tab.locator(".csops-segment-switch").get_by_role("button", name="すべてのセグメント").is_visible()
        tab.goto(ja_site + PAGES["ja"]["playbook"])
        assert tab.locator(".csops-step-meta").first.get_by_role("button", name="チケット用にコピー").is_visible()
        tab.goto(ja_site + PAGES["ja"]["chart"])
        assert tab.locator(".csops-raci-filter").get_by_role("button", name="すべてのロール").is_visible()
        # Glossary hover definitions inside Japanese sentences (no word boundary before を/で).
        tab.goto(ja_site + "playbooks/qbr/")
        qbr = tab.locator("article abbr", has_text="QBR").first
        assert qbr.get_attribute("title")
        assert not errors, errors
    finally:
        context.close()


@pytest.mark.parametrize("language", ["en", "ja"])
def test_a_role_filter_on_the_bundled_chart_leaves_only_that_roles_duties(request, browser, language):
    base = request.getfixturevalue(SITES[language])
    context, tab, errors = open_page(browser, base, PAGES[language]["chart"], DESKTOP)
    try:
        matrix = tab.locator(".csops-raci-matrix table")
        roles = tab.locator(".csops-raci-filter").get_attribute("data-roles").split()
        column = roles.index("cs-ops") + 2  # nth-child counts from 1 and skips the activity column
        expected = [name for name, letters in zip(
            matrix.locator("tbody th").all_inner_texts(),
            matrix.locator(f"tbody td:nth-child({column})").all_inner_texts()) if letters.strip()]
        tab.locator(".csops-raci-filter button[data-role=cs-ops]").click()
        assert matrix.locator("thead th:visible").count() == 2
        rows = matrix.locator("tbody tr:visible")
        assert rows.locator("th").all_inner_texts() == expected and expected
        for cell in rows.locator("td:visible").all():  # the letters a reader sees (a screen reader hears their words)
            letters = cell.locator(".csops-raci > [aria-hidden=true]").all_inner_texts()
            assert letters and set(letters) <= {"R", "A", "C", "I"}
        assert not errors, errors
    finally:
        context.close()


@pytest.mark.parametrize("language", ["en", "ja"])
@pytest.mark.parametrize("kind", ["home", "playbook", "checklist", "chart", "role", "glossary", "faq", "tags",
                                  "onboarding-index"])
def test_no_serious_accessibility_violations(request, browser, axe_source, language, kind):
    base = request.getfixturevalue(SITES[language])
    context, tab, errors = open_page(browser, base, PAGES[language][kind], DESKTOP)
    try:
        tab.add_script_tag(content=axe_source)
        results = tab.evaluate("async () => JSON.stringify(await axe.run(document, {resultTypes: ['violations']}))")
        violations = [v for v in json.loads(results)["violations"] if v["impact"] in ("serious", "critical")]
        report = [f"{v['id']} ({v['impact']}): {v['help']} -> {[n['target'] for n in v['nodes'][:5]]}" for v in violations]
        assert not report, "\n".join(report)
    finally:
        context.close()


def test_a_running_browser_and_a_closed_test_server_leave_no_thread_behind(browser, tmp_path):
    """A thread alive in a test process makes its builds spawn their workers (static_server.py says what that costs):
    Python 3.11 waited for Playwright's driver from one (asyncio-waitpid-N), and a test's own server left one per
    connection the browser kept open (process_request_thread), each waiting for a next request long after the test.
    (Playwright's own loop may keep executor threads, asyncio_N, for the module: not these.)"""
    (tmp_path / "index.html").write_text("<p>served</p>", encoding="utf-8")
    for base in serve(tmp_path):
        context, tab, errors = open_page(browser, base, "", DESKTOP)
        try:
            assert tab.inner_text("p") == "served"
        finally:
            context.close()  # the tab stays open for the next test, as do its connections
    left = [thread.name for thread in threading.enumerate()
            if thread.name.startswith("asyncio-waitpid") or "process_request_thread" in thread.name]
    assert left == []
