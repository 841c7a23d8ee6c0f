"""The portal's own search box in headless Chromium: served with the API it shows step-level hits, snippets and
facet filters from /api/search and clicks through to the anchor; on static hosting Material's search remains."""

from __future__ import annotations

import contextlib
import json
import re
import time
import urllib.parse
import urllib.request
from urllib.parse import parse_qs, urlsplit

import pytest

from browser_support import (DESKTOP, PHONE, SAME_SCRIPT_SPLITS, axe_source, browser, lent_tab,  # noqa: F401 - fixtures
                             once_it_holds, running_csops_serve, serve)
from conftest import REPO, copy_bundled, step_link
from generator.pipeline import build_portal

pytestmark = pytest.mark.browser

@pytest.fixture(scope="module", params=["en", "ja"])
def served(request, tmp_path_factory):
    """`csops serve` (site + API) on a free 127.0.0.1 port, for the English portal and the Japanese example."""
    source = REPO if request.param == "en" else REPO / "examples/ja"
    project = copy_bundled(tmp_path_factory.mktemp(f"serve-{request.param}"), source)
    with running_csops_serve(project) as url:
        yield request.param, url, project


@pytest.fixture
def page(browser):
    handle, tab, _ = lent_tab(browser, DESKTOP, timeout=30000)
    yield tab
    handle.close()


@pytest.fixture
def page_of_its_own(browser):
    """A tab in a context of its own, for a test that installs Playwright's clock: no wipe takes it out again."""
    handle, tab, _ = lent_tab(browser, DESKTOP, fresh=True, timeout=30000)
    yield tab
    handle.close()


@pytest.fixture
def phone(browser):
    """A tab on a phone (390 x 844, touch), as a reader opens the portal there."""
    handle, tab, _ = lent_tab(browser, PHONE, timeout=30000)
    yield tab
    handle.close()


CASES = {
    "en": ("confirm the stakeholders before renewal", "Confirm the stakeholders",
           "playbooks/renewal-runway/#confirm-stakeholders"),
    "ja": ("解約の予兆が出たら", "解約の予兆が出たらどうすればいいですか", "faq/health-and-risk/#churn-signs"),
}


def searches_sent(page, url: str) -> list[str]:
    """Open the portal at `url` once the API search is on; the returned list fills with each /api/search URL sent."""
    sent: list[str] = []
    page.on("request", lambda request: sent.append(request.url) if "/api/search?" in request.url else None)
    page.goto(url)
    page.wait_for_selector("body.csops-api-search", state="attached")
    return sent


def type_query(page, text: str):
    box = page.locator(".md-search__input")
    box.click()
    box.fill(text)
    # Material's search reads the box on keyup; fill() sends none, so a query filled after its
    # worker is ready would never run (it only passed when the worker came up after the fill).
    box.press("End")


def test_header_search_shows_step_hits_with_snippets_and_facets_then_opens_the_anchor(served, page):
    language, url, _ = served
    query, title, target = CASES[language]
    page.goto(url)
    page.wait_for_selector("body.csops-api-search", state="attached")
    type_query(page, query)
    first = page.locator(".csops-hit").first
    first.wait_for()
    assert title in first.locator(".csops-hit__title").inner_text()
    assert first.locator(".csops-hit__snippet mark").count() > 0
    assert page.locator(".md-search-result").is_hidden()  # Material's own list gives way
    for facet in ("kind", "role"):
        assert page.locator(f".csops-facet[data-facet={facet}]").count() > 0
    first.click()
    page.wait_for_url(re.compile(re.escape(target.split("#")[0]) + r"(\?v=\w+)?#" + target.split("#")[1] + "$"))
    assert page.evaluate("location.hash") == "#" + target.split("#")[1]
    assert page.locator(f"[id='{target.split('#')[1]}']").is_visible()


def test_facet_filter_narrows_hits_and_clears(served, page):
    language, url, _ = served
    page.goto(url)
    page.wait_for_selector("body.csops-api-search", state="attached")
    type_query(page, "renewal" if language == "en" else "更新")
    page.locator(".csops-hit").first.wait_for()
    faq = page.locator(".csops-facet[data-facet=kind][data-value=faq]")
    expected = int(faq.locator(".csops-facet__count").inner_text())
    faq.click()
    page.wait_for_selector(".csops-facet--active[data-value=faq]")
    kinds = set(page.locator(".csops-hit__kind").all_inner_texts())
    assert kinds == {{"en": "FAQ", "ja": "よくある質問"}[language]}  # the pages' word (labels.yml), not "FAQ" in Japanese
    assert faq.inner_text().startswith({"en": "FAQ ", "ja": "よくある質問 "}[language])
    assert page.locator(".csops-hit").count() == min(expected, 20)
    page.locator(".csops-facet--clear").click()
    page.wait_for_selector(".csops-facet--active", state="detached")
    assert len(set(page.locator(".csops-hit__kind").all_inner_texts())) > 1
    # filters name roles and phases as the pages do, not by their ids
    csm = page.locator(".csops-facet[data-facet=role][data-value=csm]")
    assert csm.inner_text().startswith("Customer Success Manager " if language == "en" else "カスタマーサクセスマネージャー(CSM) ")
    renewal = page.locator(".csops-facet[data-facet=phase][data-value=renewal]")
    assert renewal.inner_text().startswith("Renewal " if language == "en" else "契約更新 ")


@pytest.mark.parametrize("served", ["en"], indirect=True)  # did-you-mean corrects English words
def test_typo_offers_did_you_mean(served, page):
    _, url, _ = served
    page.goto(url)
    page.wait_for_selector("body.csops-api-search", state="attached")
    type_query(page, "renewal stakeholdrs")  # hits as typed: the fix is offered, not applied
    fix = page.locator(".csops-search__retry").first
    fix.wait_for()
    assert fix.inner_text() == "renewal stakeholders"
    fix.click()
    page.locator(".csops-hit").first.wait_for()
    assert page.locator(".md-search__input").input_value() == "renewal stakeholders"



def test_a_search_finding_nothing_offers_tries_punctuated_as_the_portals_language(served, page):
    # the Japanese panel read 「こちらもお試しください: tag:更新」, a half-width colon and space where every label of
    # the Japanese pages (チェックリスト：, 対象：) has the full-width colon
    language, url, _ = served
    page.goto(url)
    page.wait_for_selector("body.csops-api-search", state="attached")
    type_query(page, {"en": "xqzzyv", "ja": "ぬぬぬぬ"}[language])
    tries = page.locator(".csops-search__mean").first
    tries.locator(".csops-search__retry").first.wait_for()
    lead = tries.evaluate("p => p.firstChild.textContent")
    assert lead == {"en": "Try: ", "ja": "こちらもお試しください："}[language], lead
    assert language == "en" or ":" not in page.locator(".csops-search").inner_text(), page.locator(".csops-search").inner_text()
    # a suggested tag reads as its name ("Try: tag:更新" showed a newcomer query syntax) and still searches the tag
    tip = tries.locator(".csops-search__retry").first
    name = tip.inner_text()
    assert name and not name.startswith("tag:"), name
    tip.click()
    page.locator(".csops-hit").first.wait_for()
    assert page.locator(".md-search__input").input_value() in (f"tag:{name}", f'tag:"{name}"')

@pytest.mark.parametrize("language, query, target", [
    ("en", "stakeholders", "playbooks/renewal-runway/#confirm-stakeholders"),
    # Chromium compiles the Japanese separator (with lookbehind) and Material's TinySegmenter splits the query
    ("ja", "解約の予兆", "faq/health-and-risk/#churn-signs"),
])
def test_static_hosting_keeps_materials_search(tmp_path, page, language, query, target):
    project = copy_bundled(tmp_path / "static", REPO if language == "en" else REPO / "examples/ja")
    build_portal(project)
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    with contextlib.contextmanager(serve)(project / "site") as base:
        page.goto(base)
        type_query(page, query)
        page.locator(".md-search-result__item").first.wait_for()
        # Material adds ?h=<terms> for highlighting; compare path and anchor
        links = page.locator(".md-search-result__link").evaluate_all(
            "links => links.map(a => new URL(a.href).pathname + new URL(a.href).hash)")
        assert any(link.endswith(target) for link in links[:10]), links[:10]
        assert page.locator(".csops-search").count() == 0
        assert page.locator("body.csops-api-search").count() == 0
        assert errors == []


def test_static_hosting_is_asked_for_the_search_api_once_not_on_every_page(tmp_path, page):
    """Every page asked the static host for /api/health: a 404 in the host's log and the reader's console on each
    page view (reader walkthrough). The 404 is remembered in the tab; Material's search still works on each page."""
    project = copy_bundled(tmp_path / "static", REPO)
    build_portal(project)
    requested: list[str] = []
    with contextlib.contextmanager(serve)(project / "site", requested) as base:
        for path in ("", "playbooks/renewal-runway/", "faq/renewals/"):
            page.goto(base + path)  # the probe is sent before the page's load event: a second one would be here
            page.wait_for_timeout(300)
        assert [path for path in requested if path.startswith("/api/")] == ["/api/health"], requested
        type_query(page, "stakeholders")
        page.locator(".md-search-result__item").first.wait_for()
        assert page.locator("body.csops-api-search").count() == 0


def test_with_the_api_every_page_of_a_tab_gets_the_api_search(served, page):
    """The remembered 404 is only for static hosting: with the API, each page a reader opens activates it."""
    _, url, _ = served
    for path in ("", "faq/"):
        page.goto(url + path)
        page.wait_for_selector("body.csops-api-search", state="attached")


def test_on_a_phone_each_filter_is_one_swipeable_row_and_hits_start_near_the_top(served, phone):
    # wrapped, the role chips alone took five lines and the first hit started ~455 px down an 844 px screen
    language, url, _ = served
    phone.goto(url)
    phone.wait_for_selector("body.csops-api-search", state="attached")
    phone.locator("label.md-header__button[for=__search]").click()
    type_query(phone, {"en": "renewal", "ja": "解約"}[language])
    phone.locator(".csops-hit").first.wait_for()
    # a row that scrolls says so. The fades follow the rows' size (a ResizeObserver, called before the next paint),
    # and the rows can still change after the first hit shows: judge them and where the hits start as painted, in one
    # read per frame, not by a second read that can land between a change and its observer (CI, stop 37)
    seen = once_it_holds(phone, """() => {
        const rows = [...document.querySelectorAll('.csops-facets__group')].map(g => ({
            height: g.getBoundingClientRect().height, chip: g.querySelector('.csops-facet').getBoundingClientRect().height,
            more: g.scrollWidth - g.clientWidth, faded: g.classList.contains('csops-more-right')}));
        const hitTop = document.querySelector('.csops-hit').getBoundingClientRect().top;
        return {rows, hitTop, holds: rows.length >= 2 && rows.every(r => r.faded === (r.more > 1))};
    }""")
    rows = seen["rows"]
    assert seen["holds"], rows  # a row that scrolls is faded at its end, and only such a row
    assert len(rows) >= 2 and all(r["height"] <= r["chip"] * 1.5 for r in rows), rows  # one line each
    assert seen["hitTop"] < 260, seen
    # nothing wider than the phone once the panel's opening transition is over
    phone.wait_for_function("document.documentElement.scrollWidth - window.innerWidth <= 1", timeout=3000)



def test_on_a_phone_every_filter_is_a_thumb_sized_target(served, phone):
    # the filter chips and "Clear filters" were 23 px tall (0.6rem text, 0.1rem padding): under the 24 px minimum
    # target, in rows a thumb swipes and taps
    language, url, _ = served
    phone.goto(url)
    phone.wait_for_selector("body.csops-api-search", state="attached")
    phone.locator("label.md-header__button[for=__search]").click()
    type_query(phone, {"en": "renewal", "ja": "解約"}[language])
    phone.locator(".csops-hit").first.wait_for()
    phone.locator(".csops-facet").first.click()  # pressed: "Clear filters" shows too
    phone.locator(".csops-facet--clear").wait_for()
    sizes = phone.evaluate("""() => [...document.querySelectorAll('.csops-facet')].map(b => {
        const r = b.getBoundingClientRect(); return [b.textContent, Math.round(r.width), Math.round(r.height)]; })""")
    assert len(sizes) >= 5 and all(w >= 24 and h >= 24 for _, w, h in sizes), sizes
    assert phone.evaluate("document.querySelector('.csops-hit').getBoundingClientRect().top") < 300


def test_on_a_phone_each_search_to_try_instead_is_a_thumb_sized_target(served, phone):
    # a search finding nothing offered "Try: onboarding renewal crm …" (こちらもお試しください：更新 オンボーディング …) as
    # buttons 16 px (20 px) tall on two lines 20 px apart: under the 24 px minimum target, a thumb took the one below
    language, url, _ = served
    phone.goto(url)
    phone.wait_for_selector("body.csops-api-search", state="attached")
    phone.locator("label.md-header__button[for=__search]").click()
    type_query(phone, {"en": "xqzzyv", "ja": "ぬぬぬぬ"}[language])
    phone.locator(".csops-search__retry").first.wait_for()
    sizes = phone.evaluate("""() => [...document.querySelectorAll('.csops-search__retry')].map(b => {
        const r = b.getBoundingClientRect(); return [b.textContent, Math.round(r.width), Math.round(r.height)]; })""")
    assert len(sizes) >= 3 and all(w >= 24 and h >= 24 for _, w, h in sizes), sizes


# On a phone Material holds the page still 400 ms after the search opens (a fixed body): the scroll tests tap a hit
# only once it does, as a reader who looks over the hits does.
SCROLL_HELD = "() => ({holds: document.body.hasAttribute('data-md-scrolllock')})"


def test_on_a_phone_a_hit_on_the_page_being_read_scrolls_to_it_and_marks_it(served, phone):
    # the search closed, the address took the #step, and the phone stayed where it was (the page's top, 5,700 px
    # above the step): Material frees the page's scroll 100 ms after the search closes and puts it back where it was
    language, url, _ = served
    step = {"en": ("support escalation post-incident review", "playbooks/support-escalation/", "post-incident-review"),
            "ja": ("振り返り 再発防止", "playbooks/support-escalation/", "close-and-review")}[language]
    query, path, anchor = step
    phone.goto(url + path)
    phone.wait_for_selector("body.csops-api-search", state="attached")
    for scrolled in (0, 900):  # from the page's top, and from partway down
        phone.evaluate(f"window.scrollTo(0, {scrolled})")
        phone.locator("label.md-header__button[for=__search]").click()
        type_query(phone, query)
        hit = phone.locator(f".csops-hit[href$='#{anchor}']").first
        hit.wait_for()
        assert once_it_holds(phone, SCROLL_HELD)["holds"], "the open search never held the page (Material, at 400 ms)"
        hit.tap()
        phone.wait_for_function(f"location.hash === '#{anchor}'", timeout=3000)
        # judged in the frame it is painted, and only once Material has let go of the page and put it back where it was
        landed = once_it_holds(phone, """anchor => {
            const step = document.getElementById(anchor), held = document.body.hasAttribute('data-md-scrolllock');
            const top = Math.round(step.getBoundingClientRect().top), target = step.matches(':target');
            return {top, held, target, holds: !held && top >= 40 && top <= 120 && target}; }""", anchor)
        assert landed["holds"], (scrolled, landed)
        phone.goto(url + path)


def test_on_a_phone_japanese_hit_titles_break_between_phrases(served, phone):
    # the panel sits in the header, outside the page's phrase-breaking rules: a phone showed 引き継ぎシー / トの記入,
    # オンボーディ / ング and サポートからのエスカレーション対 / 応 in the hits' titles
    language, url, _ = served
    if language != "ja":
        pytest.skip("Japanese line breaking")
    phone.goto(url)
    phone.wait_for_selector("body.csops-api-search", state="attached")
    phone.locator("label.md-header__button[for=__search]").click()
    split, wrapped = {}, 0
    for query in ("引き継ぎ", "オンボーディング", "エスカレーション"):
        phone.evaluate("document.querySelectorAll('.csops-hit').forEach(hit => hit.remove())")  # so the wait below sees this query's hits
        type_query(phone, query)
        phone.locator(".csops-hit").first.wait_for()
        found = phone.evaluate(SAME_SCRIPT_SPLITS, ".csops-hit :is(.csops-hit__title, .csops-hit__parent)")
        if found:
            split[query] = found
        wrapped += phone.evaluate("[...document.querySelectorAll('.csops-hit__title')]"
                                 ".filter(title => title.getClientRects().length > 1).length")
    assert split == {}, split
    assert wrapped >= 5, wrapped  # the titles do wrap on a phone, between phrases
    assert re.fullmatch(r"\d+件", phone.locator(".csops-search__meta").inner_text())  # a count against its counter
    assert phone.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 1

FOCUS = """() => { const a = document.activeElement;
  return a.matches('.md-search__input') ? 'input' : a.matches('.csops-hit') ? [...document.querySelectorAll('.csops-hit')].indexOf(a) : a.tagName; }"""


def test_arrow_keys_walk_the_hits_and_enter_opens_the_focused_one(served, page):
    # ArrowDown drove Material's hidden result list: focus went nowhere a reader could see
    language, url, _ = served
    query, _, _ = CASES[language]
    page.goto(url)
    page.wait_for_selector("body.csops-api-search", state="attached")
    type_query(page, query)
    page.locator(".csops-hit").first.wait_for()
    count = page.locator(".csops-hit").count()
    assert count >= 2
    box = page.locator(".md-search__input")
    box.press("ArrowDown")
    assert page.evaluate(FOCUS) == 0
    page.keyboard.press("ArrowDown")
    assert page.evaluate(FOCUS) == 1
    # the focused hit is on screen, inside the search panel
    top, bottom = page.evaluate("(() => { const r = document.activeElement.getBoundingClientRect(); return [r.top, r.bottom]; })()")
    assert 0 <= top and bottom <= 900
    page.keyboard.press("ArrowUp")
    page.keyboard.press("ArrowUp")
    assert page.evaluate(FOCUS) == "input"
    page.keyboard.press("ArrowUp")  # wraps to the last hit, and on to the box
    assert page.evaluate(FOCUS) == count - 1
    page.keyboard.press("ArrowDown")
    assert page.evaluate(FOCUS) == "input"
    assert page.locator(".md-search__input").input_value() == query  # nothing typed into the box on the way
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    href = page.evaluate("document.activeElement.href")
    page.keyboard.press("Enter")
    page.wait_for_url(href)
    assert not page.evaluate("document.querySelector('input#__search').checked")  # the search overlay closed



def test_escape_from_a_filter_or_hit_closes_the_search_and_takes_the_focus_out(served, page):
    # Escape closed the search but left the focus on the filter or hit it was on, hidden: the next Space pressed the
    # invisible filter, and / no longer opened the search
    language, url, _ = served
    page.goto(url)
    page.wait_for_selector("body.csops-api-search", state="attached")
    type_query(page, CASES[language][0])
    page.locator(".csops-facet").first.wait_for()
    in_search = "!!document.activeElement.closest('[data-md-component=search]')"
    for reach in (["Tab", "Tab"], ["ArrowDown"]):  # a filter (past the result list), then a hit
        page.locator(".md-search__input").focus()
        for key in reach:
            page.keyboard.press(key)
        assert page.evaluate("document.activeElement.matches('.csops-facet, .csops-hit')"), reach
        pressed = page.evaluate("document.querySelectorAll('.csops-facet--active').length")
        page.keyboard.press("Escape")
        assert page.evaluate("document.getElementById('__search').checked") is False
        assert page.evaluate(in_search) is False, page.evaluate("document.activeElement.outerHTML.slice(0, 80)")
        page.keyboard.press("Space")
        assert page.evaluate("document.querySelectorAll('.csops-facet--active').length") == pressed
        # and the search opens again from the keyboard, after a reader's pause: Material's own search, pressed / at
        # once after an Escape in the box, sometimes focuses the box without opening the search (2 in 16 tries)
        page.wait_for_timeout(300)
        page.keyboard.press("/")
        page.wait_for_function("document.getElementById('__search').checked")
        assert page.evaluate("document.activeElement.matches('.md-search__input')")

def test_tab_from_the_box_reaches_the_filters_with_the_search_still_open(served, page):
    # Tab closed the search: the filters and hits were out of a keyboard's reach
    language, url, _ = served
    page.goto(url)
    page.wait_for_selector("body.csops-api-search", state="attached")
    type_query(page, CASES[language][0])
    page.locator(".csops-hit").first.wait_for()
    for _ in range(4):
        page.keyboard.press("Tab")
        if page.evaluate("!!document.activeElement.closest('.csops-search')"):
            break
    assert page.evaluate("document.activeElement.matches('.csops-search .csops-facet, .csops-search .csops-hit')")
    assert page.evaluate("document.querySelector('input#__search').checked")
    assert page.locator(".csops-hit").first.is_visible()


def test_a_pressed_filter_keeps_the_focus_and_the_count_says_it_is_filtered(served, page):
    # the panel is rebuilt on each answer: focus fell to <body>, and "40 hits" gave no sign a filter was on
    language, url, _ = served
    page.goto(url)
    page.wait_for_selector("body.csops-api-search", state="attached")
    type_query(page, "renewal" if language == "en" else "更新")
    page.locator(".csops-hit").first.wait_for()
    meta = page.locator(".csops-search__meta")
    unfiltered = meta.inner_text()
    assert "filtered" not in unfiltered and "絞り込み" not in unfiltered
    page.locator(".csops-facet[data-facet=kind][data-value=faq]").focus()
    page.keyboard.press("Enter")
    page.wait_for_selector(".csops-facet--active[data-value=faq]")
    focused = "[document.activeElement.dataset.facet, document.activeElement.dataset.value, document.activeElement.ariaPressed]"
    assert page.evaluate(focused) == ["kind", "faq", "true"]
    count = page.locator(".csops-facet[data-value=faq] .csops-facet__count").inner_text()
    assert meta.inner_text() == {"en": f"{count} hits · filtered", "ja": f"{count}件 · 絞り込み中"}[language]
    page.keyboard.press("Space")  # the same key press takes the filter off again
    page.wait_for_selector(".csops-facet--active", state="detached")
    assert page.evaluate(focused) == ["kind", "faq", "false"]
    assert meta.inner_text() == unfiltered
    page.locator(".csops-facet[data-facet=role]").first.click()
    page.wait_for_selector(".csops-facet--clear")
    page.locator(".csops-facet--clear").click()  # the button goes away with the filters: focus returns to the box
    page.wait_for_selector(".csops-facet--clear", state="detached")
    assert page.evaluate("document.activeElement.matches('.md-search__input')")


def test_the_search_log_gets_the_query_the_reader_settled_on_not_each_key(served, page):
    """Each key searched and was logged: `csops report searches` listed "r", "re", "ren" as queries that found
    nothing, and each press of a filter as one more search nobody clicked."""
    language, url, project = served
    word = {"en": "renwal", "ja": "ちゃーん対策"}[language]
    page.goto(url)
    page.wait_for_selector("body.csops-api-search", state="attached")
    box = page.locator(".md-search__input")
    box.click()
    box.press_sequentially(word, delay=200)  # a reader's pace: each key's search is answered before the next key
    page.locator(".csops-search__meta").wait_for()
    log = project / "build/search-log/queries.jsonl"

    def searched_once_logged(times):
        """The logged searches, once the word is in them `times` times (the reader has settled) or 15 s passed."""
        deadline = time.monotonic() + 15
        while True:
            lines = log.read_text(encoding="utf-8").splitlines() if log.is_file() else []
            searched = [r["q"] for r in map(json.loads, lines) if r["event"] == "search"]
            if searched.count(word) >= times or time.monotonic() > deadline:
                return searched
            time.sleep(0.1)

    searched_once_logged(1)  # the reader reads the answer: the search has settled
    faq = page.locator(".csops-facet[data-facet=kind]").first
    filtered = faq.count() > 0
    if filtered:
        faq.click()
        page.locator(".csops-facet--active[data-facet=kind]").wait_for()  # the filtered answer is the one shown
        page.locator(".csops-hit").first.click()  # opened at once: the filtered search is logged with its click
        page.wait_for_load_state()
    searched = searched_once_logged(2 if filtered else 1)
    assert [q for q in searched if word.startswith(q) and q != word] == []
    assert searched.count(word) == (2 if filtered else 1), searched  # as typed, then with the filter


def test_a_corrected_search_says_so_and_offers_the_words_as_typed(served, page):
    """The box showed hits for "renewal" under "Did you mean: renewal", as if "renwal" had matched them."""
    language, url, _ = served
    if language != "en":
        pytest.skip("did-you-mean corrects English words")
    page.goto(url)
    page.wait_for_selector("body.csops-api-search", state="attached")
    type_query(page, "renwal")
    corrected = page.locator(".csops-search__corrected")
    corrected.wait_for()
    assert corrected.inner_text() == "Showing results for renewal · Search instead for renwal"
    # the words as typed sit one space after "for", the lead-in's own: the button's margin made it two
    gap = corrected.evaluate("""p => { const b = p.querySelector('.csops-search__retry'), r = document.createRange();
        r.selectNodeContents(b.previousSibling); return b.getBoundingClientRect().left - r.getBoundingClientRect().right; }""")
    assert abs(gap) < 1, f"{gap:.1f} px between 'Search instead for ' and the words as typed"
    assert page.locator(".csops-hit").count() > 0
    corrected.locator(".csops-search__retry").click()
    page.wait_for_selector(".csops-search__corrected", state="detached")
    assert page.locator(".csops-search__meta").inner_text() == "No hits for \u201crenwal\u201d."
    assert page.locator(".csops-hit").count() == 0


def test_a_pressed_filter_stays_visible_when_a_new_query_finds_nothing_in_it(served, page):
    """A filter pressed for one query and finding nothing for the next vanished from the panel (its count was 0),
    and "No hits · filtered" gave no way to see which filter it was."""
    language, url, _ = served
    page.goto(url)
    page.wait_for_selector("body.csops-api-search", state="attached")
    type_query(page, "renewal" if language == "en" else "更新")
    page.locator(".csops-facet[data-facet=kind][data-value=checklist]").click()
    page.wait_for_selector(".csops-facet--active[data-value=checklist]")
    type_query(page, "engineering defect" if language == "en" else "障害")  # no checklist holds either
    active = page.locator(".csops-facet--active[data-value=checklist]")
    page.wait_for_function("document.querySelector('.csops-facet--active .csops-facet__count').textContent === '0'")
    assert active.get_attribute("aria-pressed") == "true"
    active.click()
    page.wait_for_selector(".csops-facet--active", state="detached")
    assert page.locator(".csops-hit").count() > 0


def test_a_query_over_the_limit_is_not_sent_and_the_reader_is_told_in_the_portals_language(served, page):
    # the API's English error ("query too long (501 characters; at most 500): … POST the whole text to
    # /api/suggest") was shown as it came, on the Japanese portal too
    from generator.query_log import MAX_QUERY_CHARS

    language, url, _ = served
    sent = searches_sent(page, url)
    word = "renewal " if language == "en" else "更新"
    text = (word * MAX_QUERY_CHARS)[:MAX_QUERY_CHARS + 1].strip()
    text += "x" * (MAX_QUERY_CHARS + 1 - len(text))
    type_query(page, text)
    error = page.locator(".csops-search__error")
    error.wait_for()
    page.wait_for_timeout(400)  # longer than the typing pause before a request
    message = error.inner_text()
    assert sent == [], sent
    assert "/api/" not in message and "POST" not in message
    expected = {"en": f"too long ({MAX_QUERY_CHARS + 1} characters; at most {MAX_QUERY_CHARS})",
                "ja": f"検索語が長すぎます（{MAX_QUERY_CHARS + 1}文字、最大{MAX_QUERY_CHARS}文字）"}[language]
    assert expected in message and ("key words" in message if language == "en" else "キーワード" in message)
    assert error.is_visible()
    page.locator(".md-search__input").press("Backspace")  # at the limit: searched as before
    page.locator(".csops-search__error").wait_for(state="detached")
    # the search shown (log=0), not its logged repeat 1.2 s later (SETTLE), which a loaded machine's read could see
    assert len([search for search in sent if "log=0" in search]) == 1, sent


def serious_violations(page, axe_source, selector: str) -> list[str]:
    if not page.evaluate("typeof axe !== 'undefined'"):
        page.add_script_tag(content=axe_source)
    results = json.loads(page.evaluate("async s => JSON.stringify(await axe.run({include: [s]}, {resultTypes: ['violations']}))",
                                       selector))
    return [f"{v['id']}: {[n['target'] for n in v['nodes'][:5]]} {v['nodes'][0]['any'][0]['message'] if v['nodes'][0]['any'] else ''}"
            for v in results["violations"] if v["impact"] in ("serious", "critical")]


def test_the_open_search_panel_passes_axe_with_a_filter_on_and_a_hit_focused(served, page, axe_source):
    # the hit count and the kind badges were grey on grey at 4.41:1 (#6d6d6d on #ededed)
    language, url, _ = served
    page.goto(url)
    page.wait_for_selector("body.csops-api-search", state="attached")
    type_query(page, "renewal" if language == "en" else "更新")
    page.locator(".csops-hit").first.wait_for()
    assert serious_violations(page, axe_source, ".csops-search") == []
    page.locator(".csops-facet[data-facet=kind][data-value=faq]").click()
    page.wait_for_selector(".csops-facet--active[data-value=faq]")
    page.locator(".md-search__input").focus()
    page.keyboard.press("ArrowDown")  # a focused hit is tinted
    page.locator(".csops-hit").nth(1).hover()  # and so is one under the mouse
    assert serious_violations(page, axe_source, ".csops-search") == []


@pytest.mark.parametrize("served", ["ja"], indirect=True)
def test_japanese_typed_through_an_input_method_is_searched_once_the_conversion_is_confirmed(served, page):
    """Each kana of a word still being composed was searched (か, かい, かいや, かいやく: a request each), a pause over
    the conversion logged the unconfirmed text, an arrow key meant for the candidates walked the hits, and the Enter
    that confirmed the conversion opened the first hit of the last kana's search."""
    _, url, project = served
    sent = searches_sent(page, url)
    box = page.locator(".md-search__input")
    box.click()
    ime = page.context.new_cdp_session(page)  # Chromium's own composition events, as an input method sends them

    def compose(text: str):
        ime.send("Input.imeSetComposition", {"text": text, "selectionStart": len(text), "selectionEnd": len(text)})
        page.wait_for_timeout(250)  # a typist's pace: longer than the box waits before it searches

    def confirm(text: str):
        """Enter confirms the conversion: the key goes to the input method (keyCode 229), which commits the text."""
        ime.send("Input.dispatchKeyEvent", {"type": "rawKeyDown", "key": "Enter", "code": "Enter",
                                            "windowsVirtualKeyCode": 229, "nativeVirtualKeyCode": 229})
        ime.send("Input.insertText", {"text": text})
        ime.send("Input.dispatchKeyEvent", {"type": "keyUp", "key": "Enter", "code": "Enter", "windowsVirtualKeyCode": 13})

    kana = ("か", "かい", "かいや", "かいやく", "こ", "こう", "こうし", "こうしん")
    for text in kana[:4] + ("解約",):
        compose(text)
    page.wait_for_timeout(1500)  # the reader looks over the conversion: longer than a search takes to be logged
    assert sent == [], sent
    confirm("解約")
    page.locator(".csops-hit").first.wait_for()
    assert page.url == url and page.evaluate("document.getElementById('__search').checked")  # no hit opened
    assert box.input_value() == "解約"
    for text in kana[4:]:  # the next word, whose candidates are walked with the arrow keys: the input method's keys
        compose(text)
    ime.send("Input.dispatchKeyEvent", {"type": "rawKeyDown", "key": "ArrowDown", "code": "ArrowDown",
                                        "windowsVirtualKeyCode": 229, "nativeVirtualKeyCode": 229})
    assert page.evaluate("document.activeElement.matches('.md-search__input')")
    confirm("更新")
    assert box.input_value() == "解約更新"

    log = project / "build/search-log/queries.jsonl"

    def logged():
        lines = log.read_text(encoding="utf-8").splitlines() if log.is_file() else []
        return [r["q"] for r in map(json.loads, lines) if r["event"] == "search"]

    deadline = time.monotonic() + 5
    while "解約更新" not in logged() and time.monotonic() < deadline:
        page.wait_for_timeout(100)  # the reader settles on the committed words: that search is logged
    assert "解約更新" in logged() and not set(logged()) & set(kana), logged()
    assert {parse_qs(urlsplit(u).query)["q"][0] for u in sent} == {"解約", "解約更新"}, sent


STEP_HITS = {  # a query whose hits hold a playbook step: (query, playbook, step)
    "en": ("confirm the stakeholders before renewal", "renewal-runway", "confirm-stakeholders"),
    "ja": ("振り返り 再発防止", "support-escalation", "close-and-review"),
}


def test_a_step_hits_link_is_the_steps_stable_link_and_opens_the_step_here_and_on_a_static_host(served, page, browser):
    """A Support agent copying a hit's link into a ticket got /playbooks/renewal-runway/#confirm-stakeholders: not the
    step's link as the page's Copy link, `csops link` and the API give it (?v=, the step's version), so the ticket's
    link could never say that the step had changed since it was copied."""
    language, url, project = served
    query, playbook, step = STEP_HITS[language]
    page.goto(url)
    page.wait_for_selector("body.csops-api-search", state="attached")
    type_query(page, query)
    hit = page.locator(f".csops-hit[data-url$='#{step}']").first
    hit.wait_for()
    href = hit.get_attribute("href")
    assert href == step_link(project, playbook, step, site_url=url), href
    copied = href[len(url):]
    with contextlib.contextmanager(serve)(project / "site") as static:
        for host in (url, static):  # pasted into a new tab, where the API serves the site and on a plain static host
            context = browser.new_context(viewport={"width": 1366, "height": 900})
            try:
                tab = context.new_page()
                assert tab.goto(host + copied).ok
                assert tab.evaluate(f"document.getElementById('{step}').matches(':target')"), host
                assert tab.locator(".csops-version-notice").count() == 0  # the step is as it was copied
                tab.goto(host + copied.replace("?v=", "?v=0"))  # once the step has changed, the link says so
                tab.locator(".csops-version-notice").wait_for()
            finally:
                context.close()
    hit.click()  # and the hit opened in the box's own tab leaves that link in the address bar
    page.wait_for_url(href)


# The reader's place: the first line of the article at or below the header's bottom edge, and where it sits on screen.
# Judged by what is on screen, not by scrollY: the controls csops.js adds to each step (a page's own enhancements)
# may land before or after the browser restores a scroll position, and Chrome's scroll anchoring then moves scrollY
# (2,568 instead of 2,500 under load) to keep the very same line in place. Under a full test run's load they once
# landed after a restore that anchoring did not follow: the same line came back on screen 68 px higher (top 64, not
# 132), under the header, where a reader still finds it. So the line counts as in place within 100 px of where it
# was read; the page brought back at its top, the failure this guards, leaves it 2,400 px below the screen.
READING_PLACE = """() => {
    const lines = document.querySelectorAll('article h2, article h3, article p, article li');
    const line = Array.prototype.find.call(lines, e => e.getBoundingClientRect().top >= 60 && e.innerText.trim());
    return {text: line.innerText.trim().slice(0, 80), top: Math.round(line.getBoundingClientRect().top)}; }"""
SAME_PLACE = """was => {
    const lines = document.querySelectorAll('article h2, article h3, article p, article li');
    const line = Array.prototype.find.call(lines, e => e.innerText.trim().slice(0, 80) === was.text);
    const top = line ? Math.round(line.getBoundingClientRect().top) : null;
    return {top, scrollY: Math.round(window.scrollY), holds: top !== null && top >= 0 && Math.abs(top - was.top) <= 100}; }"""


def test_on_a_phone_back_from_a_hit_on_another_page_returns_to_the_place_the_reader_was(served, phone):
    # read 2,500 px down a playbook, searched, opened a hit on another page, pressed Back: the playbook came back at
    # its top. The open search holds the page still (scrolled to 0 under a fixed body), and the page was left so held
    language, url, _ = served
    query, playbook, step = STEP_HITS[language]
    reading = "playbooks/qbr/"
    phone.goto(url + reading)
    phone.wait_for_selector("body.csops-api-search", state="attached")
    phone.evaluate("window.scrollTo(0, 2500)")
    phone.wait_for_function("Math.abs(window.scrollY - 2500) < 2")
    place = phone.evaluate(READING_PLACE)
    phone.locator("label.md-header__button[for=__search]").click()
    type_query(phone, query)
    hit = phone.locator(f".csops-hit[data-url*='/{playbook}/']").first
    hit.wait_for()
    assert once_it_holds(phone, SCROLL_HELD)["holds"], "the open search never held the page (Material, at 400 ms)"
    href = hit.get_attribute("href")
    hit.tap()
    phone.wait_for_url(href)
    phone.go_back()
    # back on the playbook, whatever heading Material's anchor tracking has since put in the address (#schedule-qbr)
    phone.wait_for_url(lambda address: address.split("#")[0] == url + reading)
    # the same line where it was on screen: judged in the frame it is painted, not waited for and read again
    back = once_it_holds(phone, SAME_PLACE, place)
    assert back["holds"], (place, back)


@pytest.mark.parametrize("failure", ["network", "proxy error page"])
def test_when_the_api_stops_answering_the_reader_gets_materials_hits_not_an_empty_panel(served, page, failure):
    # csops serve stopped, or a proxy's 502 page: typing showed an empty panel, Material's hits for the same words
    # hidden under it, and Enter did nothing
    language, url, _ = served
    words = {"en": ("renewal", "renewal discount"), "ja": ("解約", "解約 予兆")}[language]

    def fail(route):
        if failure == "network":
            route.abort()
        else:
            route.fulfill(status=502, content_type="text/html", body="<html><body>502 Bad Gateway</body></html>")

    page.goto(url)
    page.wait_for_selector("body.csops-api-search", state="attached")
    page.route("**/api/search?*", fail)
    type_query(page, words[0])
    page.locator(".md-search-result__item").first.wait_for()  # visible: Material's own hits
    assert page.locator(".csops-search").inner_text() == ""
    page.unroute("**/api/search?*")  # answering again: its hits are back
    type_query(page, words[1])
    page.locator(".csops-hit").first.wait_for()
    assert page.locator(".md-search-result").is_hidden()
    page.route("**/api/search?*", fail)
    type_query(page, words[0])
    page.locator(".md-search-result__item").first.wait_for()
    page.locator(".md-search__input").press("Enter")  # and Material's keys: Enter opens its first hit
    page.wait_for_url(lambda address: urlsplit(address).path != urlsplit(url).path)


@pytest.mark.parametrize("served", ["ja"], indirect=True)
def test_a_query_the_api_refuses_is_explained_in_japanese_on_the_japanese_portal(served, page):
    # the API's English message was shown as it came: a Japanese reader typing ？ alone read "empty query: type a few
    # words, e.g. 'renewal 60 days' or '解約の予兆'", and one opening a phrase with " read "unbalanced quotes: …"
    _, url, _ = served
    page.goto(url)
    page.wait_for_selector("body.csops-api-search", state="attached")
    said = {}
    for query in ("？", '"解約', "(解約", "*約", "role:csm role:cs-ops 解約", "role:xyz 解約"):
        page.evaluate("document.querySelector('.csops-search').replaceChildren()")  # so the wait sees this answer
        type_query(page, query)
        said[query] = page.locator(".csops-search__error").inner_text()
    english = {query: text for query, text in said.items()
               if re.search("[A-Za-z]", text.replace("xyz", "")) or not re.search("[ぁ-ん]", text)}
    assert english == {}, english
    assert said["role:xyz 解約"] == "「xyz」というロールはありません。", said


def test_an_unknown_filter_typed_in_the_box_offers_the_one_meant_by_its_name(served, page):
    # 'role:csmm' was refused with "did you mean 'csm'" (もしかして：csm on the Japanese portal): an id the pages
    # never show, and text the reader had to retype. The role is named as the pages name it and one click searches it.
    language, url, _ = served
    page.goto(url)
    page.wait_for_selector("body.csops-api-search", state="attached")
    words = {"en": "renewal", "ja": "解約"}[language]
    type_query(page, f"{words} role:csmm")
    meant = page.locator(".csops-search__mean .csops-search__retry")
    meant.wait_for()
    assert page.locator(".csops-search__error").inner_text() == {
        "en": "There is no role \u201ccsmm\u201d.", "ja": "「csmm」というロールはありません。"}[language]
    assert meant.inner_text() == {"en": "Customer Success Manager", "ja": "カスタマーサクセスマネージャー(CSM)"}[language]
    meant.click()
    page.locator(".csops-hit").first.wait_for()
    assert page.locator(".md-search__input").input_value() == f"{words} role:csm"
    assert page.locator(".csops-search__error").count() == 0


def test_a_tab_out_of_the_search_closes_it_rather_than_focusing_the_shaded_page(served, page):
    # Tab on from the last hit (or Shift+Tab back from the box) left the search open and moved the focus to the
    # page's links behind the shade: "Home" in the navigation was focused, unseen, and Enter followed it
    language, url, _ = served
    inside = "!!document.activeElement.closest('[data-md-component=search]')"
    is_open = "document.getElementById('__search').checked"
    page.goto(url)
    page.wait_for_selector("body.csops-api-search", state="attached")
    type_query(page, CASES[language][0])
    page.locator(".csops-hit").first.wait_for()
    stops = page.evaluate("document.querySelectorAll('.csops-search .csops-hit, .csops-search button').length")
    for _ in range(stops + 3):
        page.keyboard.press("Tab")
        if not page.evaluate(inside):
            break
    assert not page.evaluate(inside)
    assert page.evaluate(is_open) is False  # the focus left with the search: it is on the page, which is not shaded
    type_query(page, CASES[language][0])
    page.locator(".csops-hit").first.wait_for()
    page.keyboard.press("Shift+Tab")
    assert page.evaluate(is_open) is False, page.evaluate("document.activeElement.outerHTML.slice(0, 80)")


@pytest.mark.parametrize("served", ["en"], indirect=True)  # Material suggests the rest of a word it has indexed
def test_a_word_completed_with_materials_suggestion_is_what_the_hits_are_for(served, page):
    # → takes Material's suggested word ("stakeh" becomes "stakeholders"): Material sets the box's value without an
    # input event, so the panel kept the 2 hits for "stakeh" under a box reading "stakeholders", and the search log
    # got "stakeh"
    _, url, _ = served
    sent = searches_sent(page, url)
    page.keyboard.press("/")
    page.keyboard.type("stakeh", delay=60)
    page.locator(".csops-hit").first.wait_for()
    page.wait_for_function("document.querySelector('.md-search__suggest').textContent === 'stakeholders'")
    page.keyboard.press("ArrowRight")
    assert page.locator(".md-search__input").input_value() == "stakeholders"
    page.wait_for_function("document.querySelectorAll('.csops-hit').length > 2", timeout=3000)
    assert parse_qs(urlsplit(sent[-1]).query)["q"] == ["stakeholders"], sent


# Each answer `ms` late; window.__answered counts the answers whose body the page has read, so a check can wait for the
# page to have had its chance to show (or drop) them: what it does with a body runs before the next frame.
LATE_ANSWERS_COUNTED = """ms => { const f = window.fetch; window.__answered = 0;
  window.fetch = (...a) => f(...a).then(r => new Promise(done => setTimeout(() => {
    const json = r.json.bind(r); r.json = () => json().then(data => { window.__answered++; return data; }); done(r); }, ms))); }"""


def test_clearing_the_box_clears_the_hits(served, page):
    # Material's × empties the box by resetting its form, with no input event: "99 hits" for the last query stayed
    # under the empty box, and Enter opened the first of them; an answer arriving after the box was emptied showed too
    language, url, _ = served
    query = {"en": "renewal", "ja": "解約"}[language]
    page.goto(url)
    page.wait_for_selector("body.csops-api-search", state="attached")
    type_query(page, query)
    page.locator(".csops-hit").first.wait_for()
    page.locator("button.md-search__icon[type=reset]").click()
    page.wait_for_selector(".csops-search .csops-search__meta", state="detached", timeout=2000)
    assert page.locator(".csops-hit").count() == 0
    page.locator(".md-search__input").press("Enter")
    page.wait_for_timeout(300)
    assert page.url == url
    # an answer on its way when the box is emptied is for words no longer there
    page.evaluate(LATE_ANSWERS_COUNTED, 800)  # a slow network: each answer arrives 0.8 s late
    type_query(page, query)
    page.wait_for_function("document.querySelector('.csops-search').getAttribute('aria-busy') === 'true'")  # sent
    page.locator(".md-search__input").fill("")
    # judged once the late answer has been read, in the same frame: after a fixed wait, a loaded machine's answer
    # could still be on its way (nothing left to judge) or land between the wait and the read
    late = once_it_holds(page, """() => ({answered: window.__answered,
        shown: document.querySelector('.csops-search').innerText, holds: window.__answered > 0})""", timeout=4000)
    assert late["answered"] and late["shown"] == "", late


SLOW_ANSWERS = """ms => { const f = window.fetch;
  window.fetch = (...a) => f(...a).then(r => new Promise(done => setTimeout(() => done(r), ms))); }"""
NO_ANSWERS = """() => { window.fetch = (url, options) => new Promise((_, fail) => options && options.signal &&
  options.signal.addEventListener('abort', () => fail(new DOMException('given up', 'AbortError')))); }"""


def test_hits_for_the_words_before_look_it_and_an_answer_that_never_comes_is_given_up(served, page_of_its_own):
    # on a slow network the panel kept the last words' hits and count, looking current, under the new words; on a
    # stalled server it kept them for good, with Material's hits for the new words hidden
    language, url, _ = served
    page = page_of_its_own
    words = {"en": ("renewal", "escalation"), "ja": ("解約", "エスカレーション")}[language]
    page.clock.install()  # the page's timers run as ever, and the test can move its clock on past the give-up
    page.goto(url)
    page.wait_for_selector("body.csops-api-search", state="attached")
    type_query(page, words[0])
    page.locator(".csops-hit").first.wait_for()
    page.evaluate(SLOW_ANSWERS, 3000)
    type_query(page, words[1])
    # busy and dimmed, judged in one read as painted: after a fixed wait, a loaded machine's answer had landed between
    # a read of aria-busy and one of the opacity (the new hits' 1, or '' from hits replaced mid-read; CI-like load)
    waiting = once_it_holds(page, """() => { const hits = document.querySelector('.csops-hits');
        const busy = document.querySelector('.csops-search').getAttribute('aria-busy'), opacity = +getComputedStyle(hits).opacity;
        return {busy, opacity, holds: busy === 'true' && opacity < 0.6}; }""")
    assert waiting["holds"], waiting
    page.wait_for_selector(".csops-search:not([aria-busy])", timeout=5000)
    page.wait_for_function("getComputedStyle(document.querySelector('.csops-hits')).opacity === '1'", timeout=2000)
    page.evaluate(NO_ANSWERS)
    type_query(page, words[0])
    page.wait_for_selector(".csops-search[aria-busy=true]", timeout=5000)  # asked, and no answer coming
    page.clock.fast_forward(7000)
    assert page.locator(".csops-search").get_attribute("aria-busy") == "true", "given up before search.js's 8 s"
    page.clock.fast_forward(1500)
    page.locator(".md-search-result__item").first.wait_for(timeout=5000)  # given up: Material's hits instead
    assert page.locator(".csops-search").get_attribute("aria-busy") is None


def test_a_screen_reader_hears_each_answers_count_from_one_status_kept_across_answers(served, page):
    # the count was a new <p> in a panel rebuilt on each answer, with no live region: typing or pressing a filter,
    # a screen reader heard nothing of how many hits there were, or that there were none
    language, url, _ = served
    page.goto(url)
    page.wait_for_selector("body.csops-api-search", state="attached")
    type_query(page, "renewal" if language == "en" else "更新")
    page.locator(".csops-hit").first.wait_for()
    status = page.get_by_role("status").filter(has_text=page.locator(".csops-search__meta").inner_text())
    assert status.count() == 1
    status.evaluate("s => { s.dataset.first = 'yes'; }")
    page.locator(".csops-facet[data-facet=kind][data-value=faq]").click()
    page.wait_for_selector(".csops-facet--active[data-value=faq]")
    filtered = page.locator(".csops-search__meta").inner_text()
    assert page.get_by_role("status").filter(has_text=filtered).evaluate("s => s.dataset.first") == "yes"
    type_query(page, "zzqqxx")
    page.wait_for_selector(".csops-hit", state="detached")
    assert "zzqqxx" in page.locator("[data-first=yes]").inner_text()


def test_a_role_filter_named_in_english_on_a_japanese_portal_is_read_as_english(browser, tmp_path):
    # roles.yml's `lang: en` marked a role's name on every page but the search panel's filter, which search.js builds
    # from the API's answer: there 'Product Manager' was read by the page's Japanese voice
    project = copy_bundled(tmp_path / "ja", REPO / "examples" / "ja")
    roles = project / "content" / "roles.yml"
    japanese = "name: プロダクトマネージャー\n    short: PdM\n"
    text = roles.read_text(encoding="utf-8")
    assert japanese in text
    roles.write_text(text.replace(japanese, "name: Product Manager\n    short: PdM\n    lang: en\n"), encoding="utf-8")
    with running_csops_serve(project) as url:
        with urllib.request.urlopen(url + "api/search?q=" + urllib.parse.quote("要望")) as response:
            answer = json.load(response)
        assert answer["facet_langs"] == {"role": {"product": "en"}}, answer["facet_langs"]  # only the foreign name
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        try:
            page = context.new_page()
            page.goto(url)
            page.wait_for_selector("body.csops-api-search", state="attached")
            type_query(page, "要望")
            product = page.locator(".csops-facet[data-facet=role][data-value=product]")
            product.wait_for()
            spoken = page.evaluate("""() => [...document.querySelectorAll('.csops-facet[data-facet=role]')].map(b => {
                const text = [...b.childNodes].find(n => n.textContent.trim() && !(n.classList || {contains() {}}).contains('csops-facet__count'));
                const at = text.nodeType === 1 ? text : b;
                return [b.dataset.value, text.textContent, at.closest('[lang]').getAttribute('lang')]; })""")
            assert ["product", "Product Manager", "en"] in spoken, spoken
            assert all(lang == "ja" for value, _, lang in spoken if value != "product"), spoken
        finally:
            context.close()
