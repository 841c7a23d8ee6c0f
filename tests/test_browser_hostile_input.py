"""What the portal's scripts read that content, a crafted link or a reader's own storage can make odd: ids that are
names every JavaScript object has, stored values no page wrote. The page must keep working and say nothing false.
"""

from __future__ import annotations

import pytest

from browser_support import DESKTOP, browser, build, running_csops_serve, serve  # noqa: F401 - fixtures
from conftest import MINIMAL_ROLES, make_project

pytestmark = pytest.mark.browser

FILES = {
    "content/roles.yml": MINIMAL_ROLES + "  - {id: constructor, name: Site builder}\n",
    "content/playbooks/kickoff.yml": """\
        title: Kickoff
        summary: The first call.
        steps:
          - {id: call, title: Hold the kickoff call, owner: constructor}
        """,
    # a page where a hook the scripts cannot read is planted (content may not carry one: validate's portal-class)
    "content/playbooks/forged.yml": """\
        title: Forged hooks
        summary: A page a hook of the page's scripts is planted in.
        steps:
          - {id: one, title: Step one, owner: csm, body: Read this.}
          - {id: two, title: Step two, owner: csm}
        """,
    "content/onboarding/constructor.yml": """\
        title: Proto list
        summary: Ids that every JavaScript object inherits a property for.
        audience: [csm]
        due_anchor: start date
        sections:
          - id: week
            title: Week one
            items:
              - {id: constructor, text: Meet the team, due: T+1d}
              - {id: plain, text: Read the handbook, due: T+2d}
        """,
}


@pytest.fixture(scope="module")
def site_url(tmp_path_factory):
    project = make_project(tmp_path_factory.mktemp("hostile") / "portal", FILES)
    for url in serve(build(project)):
        yield url


def _open(browser, url: str, storage: dict[str, str] | None = None):
    """A fresh profile (with `storage` in its localStorage before any script runs); the tab and its script errors."""
    context = browser.new_context(viewport=DESKTOP)
    context.set_default_timeout(5000)
    context.set_default_navigation_timeout(20000)  # the first page of a cold browser on a busy machine
    if storage:
        context.add_init_script("""(seed => { if (sessionStorage.getItem('seeded')) return;
            sessionStorage.setItem('seeded', '1'); for (const k in seed) localStorage.setItem(k, seed[k]); })(%s)"""
                                % __import__("json").dumps(storage))
    tab = context.new_page()
    tab.errors = []
    tab.on("pageerror", lambda error: tab.errors.append(str(error)))
    tab.goto(url, wait_until="load")
    tab.locator(".csops-checklist-progress [role=progressbar]").wait_for()
    return context, tab


def test_an_item_named_constructor_is_not_changed_before_it_was_ever_ticked(browser, site_url):
    """Every JavaScript object inherits `constructor`: an item with that id found Object's in a fresh browser's
    ticks and said "changed since you ticked it", unticked, on a page the reader had never opened."""
    context, tab = _open(browser, site_url + "onboarding/constructor/")
    try:
        assert tab.locator(".csops-changed").count() == 0
        row = tab.locator("li:has(.csops-item[data-item=constructor])")
        box = row.locator("input[type=checkbox]")
        row.get_by_text("Meet the team").click()  # a click on the words ticks the row
        tab.reload(wait_until="load")
        assert box.is_checked() and tab.locator(".csops-bar-count").first.inner_text() == "1 / 2"
        row.get_by_text("Meet the team").click()  # a click on the words ticks the row
        tab.reload(wait_until="load")
        assert not box.is_checked() and tab.locator(".csops-changed").count() == 0
        assert not tab.errors, tab.errors
    finally:
        context.close()


@pytest.mark.parametrize("start, dates", [
    ("275760-09-13", []),  # the date box's last day: a day later is past JavaScript's last date
    ("10000-01-01", []),  # no calendar file or ISO date has five-digit years
    ("0024-01-01", ["0024-01-02", "0024-01-03"]),  # a year typed as 24
    ("2026-02-27", ["2026-02-28", "2026-03-01"]),
])
def test_a_start_date_beyond_what_calendars_hold_gives_no_dates_and_breaks_nothing(browser, site_url, start, dates):
    """A start date in year 275760 (the largest the date box takes) threw when its dates were worked out: every
    control after it on the page was missing, on every visit, as the date is remembered. Five-digit years showed as
    '+010000-01', and a year typed as 24 as 1924."""
    context, tab = _open(browser, site_url + "onboarding/constructor/", {"csops:plan:onboarding:constructor": f'"{start}"'})
    try:
        assert tab.locator("input.csops-start").input_value() == start
        assert tab.locator(".csops-date").all_inner_texts() == dates
        assert not tab.errors, tab.errors
    finally:
        context.close()


def test_a_stored_start_date_that_is_no_text_leaves_the_box_empty_and_the_plan_whole(browser, site_url):
    """Red team: a start date stored as an object whose toString is no function (no page of the portal writes one;
    another script on the origin may) threw as the date box was filled, and the box and the calendar download were
    missing from the checklist on every visit."""
    context, tab = _open(browser, site_url + "onboarding/constructor/",
                         {"csops:plan:onboarding:constructor": '{"toString": 1}'})
    try:
        assert tab.locator("input.csops-start").input_value() == ""
        assert tab.locator("button.csops-ics").is_disabled()
        assert not tab.errors, tab.errors
    finally:
        context.close()


def test_a_pressed_role_filter_named_constructor_stays_when_a_query_finds_nothing_in_it(browser, tmp_path):
    """The search panel keeps a pressed filter that a new query finds nothing in, at 0; `"constructor" in counts`
    is true of every object, so a role with that id vanished from the panel instead, and "No hits · filtered"
    gave no way to see which filter it was."""
    project = make_project(tmp_path / "portal", FILES)
    with running_csops_serve(project) as url:
        context = browser.new_context(viewport=DESKTOP)
        context.set_default_timeout(5000)
        context.set_default_navigation_timeout(20000)  # the first page of a server just up, two test runs beside it
        tab = context.new_page()
        try:
            tab.goto(url)
            tab.wait_for_selector("body.csops-api-search", state="attached")
            box = tab.locator(".md-search__input")
            box.click()
            box.fill("kickoff")
            tab.locator(".csops-facet[data-facet=role][data-value=constructor]").click()
            tab.wait_for_selector(".csops-facet--active[data-value=constructor]")
            box.fill("handbook")  # no step of the role's
            tab.wait_for_selector(".csops-hits:not(:has(.csops-hit))", state="attached")
            chip = tab.locator(".csops-facet--active[data-value=constructor]")
            assert chip.inner_text().split() == ["Site", "builder", "0"]
        finally:
            context.close()


def test_a_hook_forged_in_a_body_breaks_none_of_the_pages_controls(browser, site_url):
    """A step body holding `<span class="csops-step-meta" data-url=…>` without a title threw in the copy-link setup,
    and every control set up after it was missing: the next steps' copy buttons, the contents mark, the role
    filter. Content can no longer carry one (validate refuses a csops- class), but a project's own template or a
    page part the scripts misread may: the hook gets its buttons or none; the real steps all get theirs."""
    context = browser.new_context(viewport=DESKTOP)
    context.set_default_navigation_timeout(20000)
    # planted before the page's scripts set up (this listener is registered before theirs)
    context.add_init_script("""document.addEventListener("DOMContentLoaded", () => {
        const body = document.querySelector("#one ~ p") || document.querySelector("article p");
        body.insertAdjacentHTML("beforeend", '<span class="csops-step-meta" data-url="/x/" data-step="one"></span>');
    });""")
    tab = context.new_page()
    errors = []
    tab.on("pageerror", lambda error: errors.append(str(error)))
    try:
        tab.goto(site_url + "playbooks/forged/", wait_until="load")
        tab.locator(".csops-step-meta[data-step=two] .csops-copy-link").wait_for(timeout=5000)
        assert not errors, errors
    finally:
        context.close()
