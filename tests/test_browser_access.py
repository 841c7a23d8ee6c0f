"""What a reader without a mouse, with a screen reader or at 400% zoom gets, read from Chromium in both portals:
the accessibility tree, keyboard focus, geometry at 320 CSS px (1280 px at 400%), forced colours and reduced motion.
"""

from __future__ import annotations

import pytest

from browser_support import (FOCUSED_RING, browser, bundled_site, ja_site, measuring_contrast, open_page,  # noqa: F401 - fixtures
                             to_dark_scheme)

pytestmark = pytest.mark.browser

LAPTOP = {"width": 1366, "height": 900}
SITES = {"en": "bundled_site", "ja": "ja_site"}
WORDS = {"en": {"R": "Responsible", "A": "Accountable", "C": "Consulted", "I": "Informed"},
         "ja": {"R": "実行責任（R）", "A": "説明責任（A）", "C": "協議先（C）", "I": "報告先（I）"}}


@pytest.mark.parametrize("language", ["en", "ja"])
def test_a_matrix_cell_reads_as_its_activity_its_role_and_the_duty_in_words(request, browser, language):
    # the activity was a plain cell and the badge a bare letter: a screen reader read a cell as "CS Ops, R",
    # with no activity named and nothing saying what R means
    base = request.getfixturevalue(SITES[language])
    context, tab, errors = open_page(browser, base, "charts/cs-duties/", LAPTOP)
    try:
        tab.locator(".csops-raci-filter button").first.wait_for()
        first_row = tab.locator(".csops-raci-matrix tbody tr").first
        header = first_row.get_by_role("rowheader")
        assert header.count() == 1 and header.inner_text().strip() == first_row.locator(":scope > *").first.inner_text().strip()
        assert tab.locator(".csops-raci-matrix thead th:not([scope=col])").count() == 0
        snapshot = first_row.aria_snapshot()
        spoken = [line.split('"')[1] for line in snapshot.splitlines() if line.strip().startswith('- cell "')]
        letters = first_row.evaluate("tr => [...tr.querySelectorAll('td')].map(td => [...td.querySelectorAll('.csops-raci')]"
                                     ".map(badge => badge.textContent.trim()[0])).filter(cell => cell.length)")
        assert spoken == [" ".join(WORDS[language][letter] for letter in cell) for cell in letters], snapshot
        # a playbook step's duties are words too; the legend, which writes the word beside the letter, says it once
        tab.goto(base + "playbooks/renewal-runway/")
        assert WORDS[language]["A"] in tab.locator(".csops-step-meta").first.aria_snapshot()
        tab.goto(base + "charts/cs-duties/")
        legend = tab.locator(".csops-raci-legend").aria_snapshot()
        assert legend.count(WORDS[language]["R"].split("（")[0]) == 1, legend
        assert not errors, errors
    finally:
        context.close()


FORCED_STATE = """() => {
  const page = getComputedStyle(document.body).backgroundColor;
  const fill = (el, pseudo) => getComputedStyle(el, pseudo).backgroundColor;
  const items = [...document.querySelectorAll('li.csops-tickable')];
  const ticked = items.find(li => li.querySelector('input').checked), open = items.find(li => !li.querySelector('input').checked);
  const chip = state => document.querySelector(`.csops-segment-switch .csops-chip[aria-pressed="${state}"]`);
  return {page, ring: fill(open.querySelector('.task-list-indicator'), '::before'),
          tick: fill(ticked.querySelector('.task-list-indicator'), '::before'),
          bar: fill(document.querySelector('.csops-checklist-progress .csops-bar-fill')),
          pressed: fill(chip('true')), unpressed: fill(chip('false'))};
}"""


@pytest.mark.parametrize("language", ["en", "ja"])
def test_in_forced_colours_ticks_progress_and_the_chosen_chip_still_show(request, browser, language):
    # Windows high contrast drops background colours, which drew all three: no circle, no tick, an empty bar,
    # and the pressed segment chip looked like the others
    base = request.getfixturevalue(SITES[language])
    context = browser.new_context(viewport=LAPTOP, forced_colors="active")
    try:
        tab = context.new_page()
        tab.goto(base + "onboarding/new-csm-30-60-90/")
        tab.locator("li.csops-tickable").first.click(position={"x": 8, "y": 12})
        tab.locator(".csops-segment-switch .csops-chip").nth(1).click()
        tab.wait_for_timeout(300)  # the bar's width transition
        found = tab.evaluate(FORCED_STATE)
        page = found.pop("page")
        assert page not in (found["ring"], found["tick"], found["bar"], found["pressed"]), found
        assert found["ring"] != found["tick"] and found["pressed"] != found["unpressed"], found
    finally:
        context.close()


ZOOM_400 = {"width": 320, "height": 640}  # 1280 CSS px at 400%: WCAG 1.4.10's reflow width
TEXT_SPACING = ("* { line-height: 1.5 !important; letter-spacing: .12em !important; word-spacing: .16em !important; }"
                " p { margin-bottom: 2em !important; }")  # WCAG 1.4.12's text spacing, as a reader's stylesheet sets it
REFLOW_PAGES = ["", "playbooks/", "playbooks/renewal-runway/", "onboarding/new-csm-30-60-90/", "faq/renewals/",
                "charts/cs-duties/", "roles/csm/", "roles/cs-ops/", "glossary/", "whats-new/", "tags/", "no-such-page/"]


@pytest.mark.parametrize("language", ["en", "ja"])
def test_at_400_percent_zoom_with_text_spacing_no_page_scrolls_sideways(request, browser, language):
    # a role chip never wrapped: the Japanese chart's "マーケティング(カスタマーマーケティング)" ran 11 px past a
    # 320 px screen, 45 px with text spacing, and with spacing the playbook's CSM chip 26 px
    base = request.getfixturevalue(SITES[language])
    context, tab, errors = open_page(browser, base, "", ZOOM_400)
    try:
        wide = {}
        for path in REFLOW_PAGES:
            tab.goto(base + path)
            tab.wait_for_load_state("load")
            for spacing in (False, True):
                if spacing:
                    tab.add_style_tag(content=TEXT_SPACING)
                over = tab.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
                if over > 1:
                    wide[f"{path} {'spaced' if spacing else ''}"] = over
        assert wide == {}
        assert not errors, errors
    finally:
        context.close()


@pytest.mark.parametrize("language", ["en", "ja"])
def test_at_400_percent_zoom_a_scrolling_table_is_a_named_tab_stop_the_arrow_keys_scroll(request, browser, language):
    # the matrix scrolled inside its box, but Tab reached only its links: the letters of the roles to the right of
    # the screen could not be brought into view from the keyboard, and nothing told a screen reader the box scrolled
    base = request.getfixturevalue(SITES[language])
    context, tab, errors = open_page(browser, base, "charts/cs-duties/", ZOOM_400)
    try:
        tab.locator(".csops-raci-filter .csops-chip").last.focus()
        tab.keyboard.press("Tab")
        region = tab.get_by_role("region", name="RACI")
        assert region.evaluate("r => r === document.activeElement && r.contains(document.querySelector('.csops-raci-matrix table'))"), \
            "Tab from the role filter skipped the matrix"
        ring = region.evaluate("r => [getComputedStyle(r).outlineStyle, parseFloat(getComputedStyle(r).outlineWidth)]")
        assert ring[0] != "none" and ring[1] >= 2, ring
        tab.keyboard.press("ArrowRight")
        tab.wait_for_function("() => document.querySelector('.csops-raci-matrix table').scrollLeft > 0")
        assert tab.locator(".csops-raci-matrix table").get_attribute("class") is None  # the theme's table styles kept
        # once the window is wide enough for every column, the matrix is no tab stop
        tab.locator(".csops-raci-filter .csops-chip").last.focus()
        tab.set_viewport_size(LAPTOP)
        tab.wait_for_function("() => !document.querySelector('.csops-raci-matrix [tabindex]')")
        # the playbooks list's tables scroll in the theme's box, which becomes a named region
        tab.set_viewport_size(ZOOM_400)
        tab.goto(base + "playbooks/")
        tab.add_style_tag(content=TEXT_SPACING)
        tab.wait_for_timeout(300)  # the spacing's new layout observed
        wide = [box for box in tab.locator(".md-typeset__scrollwrap").all()
                if box.evaluate("b => b.scrollWidth > b.clientWidth + 1")]
        assert wide or language == "en"  # the Japanese titles' phrases do not fit 320 px with text spacing
        for box in wide:
            assert box.get_attribute("tabindex") == "0" and box.get_attribute("role") == "region"
            assert box.get_attribute("aria-label"), "a scrolling box without a name"
        assert not errors, errors
    finally:
        context.close()


@pytest.mark.parametrize("language", ["en", "ja"])
def test_escape_answers_no_to_clearing_the_ticks_and_gives_the_focus_back_to_reset(request, browser, language):
    # Escape did nothing: the question stayed open with the focus on Cancel
    base = request.getfixturevalue(SITES[language])
    context, tab, errors = open_page(browser, base, "onboarding/new-csm-30-60-90/", LAPTOP)
    try:
        box = tab.locator("li.csops-tickable input[type=checkbox]").first
        box.focus()
        tab.keyboard.press("Space")
        assert box.is_checked() and box.evaluate("b => b === document.activeElement")  # the focus stays on the tick
        reset = tab.locator(".csops-checklist-progress .csops-reset").first
        reset.focus()
        tab.keyboard.press("Enter")
        assert tab.locator(".csops-reset-cancel").evaluate("b => b === document.activeElement")
        tab.keyboard.press("Escape")
        assert tab.locator(".csops-reset-confirm").count() == 0
        assert reset.evaluate("b => b === document.activeElement") and box.is_checked()
        assert not errors, errors
    finally:
        context.close()


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_a_link_the_keyboard_is_on_has_a_ring_that_stands_out(browser, bundled_site, scheme):
    # links kept the theme's ring: the browser's thin one in the teal accent, 2.2:1 on white, where the portal's own
    # controls (chips, copy buttons, ticks) have a 2 px ring of 3:1 or more
    context, tab, errors = open_page(browser, bundled_site, "playbooks/renewal-runway/", LAPTOP)
    try:
        if scheme == "dark":
            to_dark_scheme(tab)
        faint = []
        for selector in (".csops-facts a.csops-tag", ".csops-facts a.csops-role", ".md-content p > a:not(.csops-role)",
                         ".csops-timeline td a:not(.csops-role)", ".md-typeset h2 .headerlink"):
            tab.locator(selector).first.focus()
            tab.keyboard.press("Shift+Tab")
            tab.keyboard.press("Tab")  # by keyboard: :focus-visible
            ring = tab.evaluate(FOCUSED_RING)
            if ring["style"] in ("none", "auto") or ring["width"] < 2 or ring["ratio"] < 3:
                faint.append((selector, ring))
        assert faint == []
        assert not errors, errors
    finally:
        context.close()


IN_SIGHT = """() => {
  const e = document.activeElement;
  if (!e || e === document.body || !e.closest('article')) return null;
  if (e.closest('.csops-checklist-progress')) return {top: 0, covered: 0};  // in the bar itself
  const shown = e.matches('input[type=checkbox]') ? e.closest('li') || e : e;
  let covered = 0;
  for (const bar of document.querySelectorAll('.md-header, .csops-checklist-progress')) {
    const style = getComputedStyle(bar), box = bar.getBoundingClientRect();
    if (/fixed|sticky/.test(style.position) && box.height && Math.abs(box.top - (parseFloat(style.top) || 0)) <= 1)
      covered = Math.max(covered, box.bottom);
  }
  return {what: (e.getAttribute('aria-label') || e.textContent).trim().slice(0, 40),
          top: Math.round(shown.getBoundingClientRect().top), covered: Math.round(covered)};
}"""


@pytest.mark.parametrize("language", ["en", "ja"])
def test_tabbing_back_up_a_checklist_keeps_the_focus_out_from_under_the_header(request, browser, language):
    # Shift+Tab scrolled each link or tick just to the window's top edge: under the fixed header and the sticky
    # progress bar, where the focus was hidden (at 400% zoom, and on phones)
    base = request.getfixturevalue(SITES[language])
    context, tab, errors = open_page(browser, base, "onboarding/new-csm-30-60-90/", ZOOM_400)
    try:
        tab.locator("li.csops-tickable input").last.focus()
        hidden = []
        for _ in range(40):
            tab.keyboard.press("Shift+Tab")
            tab.evaluate("() => new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)))")
            focus = tab.evaluate(IN_SIGHT)
            if focus is None:
                break
            if focus["top"] < focus["covered"] - 1:
                hidden.append(focus)
        assert hidden == []
        assert not errors, errors
    finally:
        context.close()


@pytest.mark.parametrize("language", ["en", "ja"])
def test_each_copy_button_is_named_with_its_item(request, browser, language):
    # every step's and answer's buttons were named "Copy link" / "Copy for ticket": a screen reader's list of the
    # page's buttons read the same two names fifteen times, with nothing saying which step each copies
    base = request.getfixturevalue(SITES[language])
    copy = {"en": "Copy link", "ja": "リンクをコピー"}[language]
    context, tab, errors = open_page(browser, base, "playbooks/renewal-runway/", LAPTOP)
    try:
        for path, hook in (("playbooks/renewal-runway/", ".csops-step-meta"), ("faq/renewals/", ".csops-item-links")):
            tab.goto(base + path)
            tab.locator(f"{hook} .csops-copy button").first.wait_for()
            names = tab.locator(f"{hook} .csops-copy-link").evaluate_all("bs => bs.map(b => b.getAttribute('aria-label'))")
            titles = tab.locator(hook).evaluate_all("ms => ms.map(m => m.dataset.title)")
            assert len(names) == len(titles) > 3 and len(set(names)) == len(names), names
            # the visible words first (WCAG 2.5.3: what a voice-control user says is in the name), then the item
            assert all(name.startswith(copy) and name.endswith(title) for name, title in zip(names, titles)), names
            first = tab.locator(f"{hook} .csops-copy-link").first
            assert tab.get_by_role("button", name=names[0], exact=True).count() == 1
            assert first.inner_text().strip() == copy
        assert not errors, errors
    finally:
        context.close()


# Every element on the page whose own text is one of `names`, with the language a screen reader reads it in (the
# nearest lang, as the browser resolves it); text in buttons made by csops.js counts too.
SPOKEN_LANGUAGES = """names => {
  const found = [];
  for (const e of document.querySelectorAll('.md-content *')) {
    const own = [...e.childNodes].filter(n => n.nodeType === 3).map(n => n.textContent).join('').replace(/ →$/, '').trim();
    if (names.includes(own) && e.getClientRects().length) found.push([own, e.tagName, e.closest('[lang]').getAttribute('lang')]);
  }
  return found;
}"""


def test_a_role_name_the_content_says_is_english_is_read_as_english_on_a_japanese_portal(browser, tmp_path):
    # a Japanese portal's role written in English ('Product Manager') was read by the page's Japanese voice: nothing
    # said its language. roles.yml's `lang: en` says it; no other name is marked (their language is the page's)
    from browser_support import build, serve
    from conftest import REPO, copy_bundled

    project = copy_bundled(tmp_path / "ja", REPO / "examples" / "ja")
    roles = project / "content" / "roles.yml"
    text = roles.read_text(encoding="utf-8")
    japanese = "name: プロダクトマネージャー\n    short: PdM\n"
    assert japanese in text
    roles.write_text(text.replace(japanese, "name: Product Manager\n    short: PdM\n    lang: en\n"), encoding="utf-8")
    names = ["Product Manager", "PdM", "CSチームリーダー", "リーダー"]
    pages = ["", "charts/cs-duties/", "roles/", "roles/product/", "playbooks/product-feedback-voc/"]
    for base in serve(build(project)):
        context, tab, errors = open_page(browser, base, "", LAPTOP)
        try:
            seen = {}
            for path in pages:
                tab.goto(base + path)
                if path == "":
                    tab.locator(".csops-reader-role button").first.wait_for()
                    tab.locator(".csops-reader-role button[data-role=product]").click()  # 'your role' names it too
                if path == "charts/cs-duties/":
                    tab.locator(".csops-raci-filter button").first.wait_for()
                seen[path] = tab.evaluate(SPOKEN_LANGUAGES, names)
            english = {path: [f for f in found if f[0] in names[:2]] for path, found in seen.items()}
            assert all(english.values()), english  # every page shows the role
            assert {f[2] for found in english.values() for f in found} == {"en"}, english
            japanese = [f for found in seen.values() for f in found if f[0] in names[2:]]
            assert japanese and {f[2] for f in japanese} == {"ja"}, japanese
            assert not errors, errors
        finally:
            context.close()


# The ring round the tab a segment's tabs have chosen, when the keyboard is on them: the strip's ::after, drawn where
# the theme draws the bar under the chosen tab. Its box, style, width and contrast against the page.
TAB_RING = measuring_contrast("""() => {
  const input = document.activeElement, set = input.closest('.tabbed-set');
  const at = [...set.querySelectorAll(':scope > input')].indexOf(input);
  const strip = set.querySelector(':scope > .tabbed-labels'), label = strip.children[at];
  const ring = getComputedStyle(strip, '::after');
  const shift = ring.transform === 'none' ? 0 : new DOMMatrix(ring.transform).m41;
  const box = strip.getBoundingClientRect(), chosen = label.getBoundingClientRect();
  return {tab: label.textContent.trim(), style: ring.outlineStyle, width: parseFloat(ring.outlineWidth),
          ratio: Math.round(100 * contrast(ring.outlineColor, under(document.body))) / 100,
          left: Math.round(box.left - strip.scrollLeft + parseFloat(ring.left || 0) + shift - chosen.left),
          wide: Math.round((parseFloat(ring.width) || 0) - chosen.width)};
}""")


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_segment_tab_the_keyboard_is_on_has_a_ring_round_it(browser, bundled_site, scheme):
    # Tab onto a step's segment tabs (SMB | Mid-market | Enterprise) and the chosen tab showed nothing but its label and
    # the bar under it turning from near-black to the darkened teal: a keyboard reader could not see where the focus was
    context, tab, errors = open_page(browser, bundled_site, "playbooks/renewal-runway/", LAPTOP)
    try:
        if scheme == "dark":
            to_dark_scheme(tab)
        tab.locator(".tabbed-set > input").first.focus()
        tab.keyboard.press("Shift+Tab")
        tab.keyboard.press("Tab")  # by keyboard: :focus-visible
        tab.wait_for_timeout(300)  # the theme's bar slides to the chosen tab
        first = tab.evaluate(TAB_RING)
        tab.keyboard.press("ArrowRight")
        tab.wait_for_timeout(300)
        second = tab.evaluate(TAB_RING)
        for ring in (first, second):
            assert ring["style"] == "solid" and ring["width"] >= 2 and ring["ratio"] >= 3, ring
            assert abs(ring["left"]) <= 1 and abs(ring["wide"]) <= 1, ring  # round the chosen tab, not beside it
        assert first["tab"] != second["tab"]
        tab.mouse.click(5, 5)  # focus leaves the tabs: no ring
        assert tab.evaluate("getComputedStyle(document.querySelector('.tabbed-labels'), '::after').content") == "none"
        assert not errors, errors
    finally:
        context.close()


@pytest.mark.parametrize("language", ["en", "ja"])
def test_tabbing_onto_a_steps_segment_tabs_brings_the_whole_tab_into_sight(request, browser, language):
    # the tabs' inputs are 0x0 at the strip's top edge: with the strip at the window's foot, Tab found the input in
    # sight and scrolled nothing, so the chosen tab (and the ring round it) stayed 4/5 below the window's edge
    base = request.getfixturevalue(SITES[language])
    context, tab, errors = open_page(browser, base, "playbooks/renewal-runway/", LAPTOP)
    try:
        tab.locator(".tabbed-set > input").first.wait_for(state="attached")
        tab.evaluate("""() => {
          const input = document.querySelector('.tabbed-set > input'), strip = input.parentElement.querySelector('.tabbed-labels');
          window.scrollBy(0, strip.getBoundingClientRect().top - (innerHeight - 10));
          const stops = [...document.querySelectorAll('.md-content a[href], .md-content button, .md-content input')];
          stops[stops.indexOf(input) - 1].focus({preventScroll: true});
        }""")
        tab.keyboard.press("Tab")
        seen = tab.evaluate("""() => {
          const input = document.activeElement, set = input.closest('.tabbed-set');
          const at = [...set.querySelectorAll(':scope > input')].indexOf(input);
          const label = set.querySelector(':scope > .tabbed-labels').children[at].getBoundingClientRect();
          return {focused: input.matches('.tabbed-set > input'), top: Math.round(label.top), bottom: Math.round(label.bottom),
                  header: Math.round(document.querySelector('.md-header').getBoundingClientRect().bottom), window: innerHeight};
        }""")
        assert seen["focused"], seen
        assert seen["header"] <= seen["top"] and seen["bottom"] <= seen["window"], seen
        assert not errors, errors
    finally:
        context.close()


# The ring of the element the keyboard is on (a palette toggle's on its label) against the first opaque background
# behind it: the header's indigo for its buttons, the page for the navigation.
RING_ON_ITS_BACKGROUND = measuring_contrast("""() => {
  let e = document.activeElement;
  if (e.matches('input.md-option')) e = e.nextElementSibling;
  const ring = getComputedStyle(e), ratio = contrast(ring.outlineColor, under(e.parentElement));
  return {what: ((e.getAttribute('aria-label') || e.title || e.textContent).trim() || e.className).slice(0, 30),
          style: ring.outlineStyle, width: parseFloat(ring.outlineWidth), ratio: Math.round(100 * ratio) / 100,
          skip: e.matches('.md-skip, .md-search__input'), done: !!e.closest('.md-content')};
}""")


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_keyboards_ring_on_the_header_and_the_navigation_stands_out(browser, bundled_site, scheme):
    # the first 30 Tab stops of every page (the logo, the palette toggle, the navigation and the contents) had the
    # theme's thin teal ring: 2.4:1 on the white page, 2.9:1 on the indigo header, under the 3:1 a focus ring needs
    # and unlike the 2 px ring the page's own links and controls have
    context, tab, errors = open_page(browser, bundled_site, "playbooks/renewal-runway/", LAPTOP)
    try:
        if scheme == "dark":
            to_dark_scheme(tab)
            tab.reload()
        tab.locator(".md-content .csops-copy-link").first.wait_for()
        faint, stops = [], 0
        for _ in range(40):
            tab.keyboard.press("Tab")
            ring = tab.evaluate(RING_ON_ITS_BACKGROUND)
            if ring["done"]:
                break
            stops += 1
            if not ring["skip"] and (ring["style"] != "solid" or ring["width"] < 2 or ring["ratio"] < 3):
                faint.append(ring)
        assert stops >= 20 and faint == [], faint
        assert not errors, errors
    finally:
        context.close()


def test_the_contrast_helper_reads_every_colour_form_and_lays_fills_on_the_page(browser):
    # every contrast test reads its ratio through browser_support.CONTRAST: a colour it misread would be NaN, and
    # `NaN < 3` is false, so each test would pass whatever the page's colours were
    context = browser.new_context()
    try:
        tab = context.new_page()
        tab.set_content('<body style="background: rgb(0, 0, 255)"><div style="background: rgba(255, 255, 255, .5)">'
                        '<p style="background: color(srgb 1 0 0 / 0.25)"><span>text</span></p></div></body>')
        seen = tab.evaluate(measuring_contrast("""() => {
          const round = v => v.map(x => Math.round(100 * x) / 100);
          return {named: rgba('rebeccapurple'), hex: rgba('#00bda4'), oklch: rgba('oklch(1 0 0)'),
                  srgb: round(rgba('color(srgb 1 0.5 0 / 0.25)')), legacy: rgba('rgba(0, 189, 164, 0.1)'),
                  black: Math.round(100 * contrast('white', 'rgb(0, 0, 0)')) / 100,
                  grey: Math.round(100 * contrast([255, 255, 255], '#767676')) / 100,
                  page: under(null), span: round(under(document.querySelector('span'))),
                  div: round(under(document.querySelector('div')))};
        }"""))
        assert seen == {"named": [102, 51, 153, 1], "hex": [0, 189, 164, 1], "oklch": [255, 255, 255, 1],
                        "srgb": [255, 128, 0, 0.25], "legacy": [0, 189, 164, 0.1], "black": 21, "grey": 4.54,
                        "page": [255, 255, 255], "span": [159.38, 95.63, 191.25], "div": [127.5, 127.5, 255]}, seen
    finally:
        context.close()
