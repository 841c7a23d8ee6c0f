"""No script from content: a payload in every text field of every kind, every built page opened in Chromium.

Pull-request content is text. The per-field tests in test_build.py only looked at the Markdown
body; the navigation, page titles, meta tags, the edit link, the table of contents and the search
index are rendered by MkDocs and Material outside the sanitiser, and csops hands them text.
Here every field carries its own payload, every page of the real build is loaded, and the
reader's browser must neither run a payload nor show it other than as typed.
"""

from __future__ import annotations

import http.server
import json
import threading
from pathlib import Path

import pytest
import yaml

from browser_support import CHROMIUM_ARGS, DESKTOP, browser, build, running_csops_serve, serve  # noqa: F401 - shared fixtures
from conftest import make_project

pytestmark = pytest.mark.browser

def payload(field: str, external: bool = True) -> str:
    """Text that runs `window.__xss.push(field)` wherever it is inserted as HTML, in text or in an attribute.

    `external`: with an image from another host too, which a plain-text field must never load (a Markdown field
    may: there the content wrote the image).
    """
    call = f"window.__xss.push('{field}')"
    # with Slack channels against the tags: a plain-text field's escaped '#' and '_' reach whole_words from Markdown's
    # stash, and a channel is wrapped in an element built from that stash
    return (f'{field} #cs_x-y<img src=x onerror="{call}"> "><svg onload="{call}"> '
            f"'><img src=x onerror={call}>#cs-z_w </title></script><script>{call}</script> & done"
            + (f" <img src=http://evil.example/{field}.png>" if external else ""))


def markdown_payload(field: str, block: bool = False) -> str:
    """A payload for Markdown fields: the text vectors plus links and raw HTML only Markdown can carry.

    `block`: the field holds paragraphs, so a heading (the table of contents shows it) and a
    title attribute (Material's tooltips show it) come too.
    """
    call = f"window.__xss.push('{field}')"
    # A Markdown link to javascript: never reaches a page: validate refuses the scheme (unknown-link-scheme,
    # test_validate.py) and MkDocs' strict mode the entity-written one; the raw link is the sanitiser's.
    text = (payload(field, external=False) + f" <a href=\"javascript:{call}\">raw link</a>"
            f" <iframe srcdoc=\"<script>{call}</script>\"></iframe> <details open ontoggle=\"{call}\">d</details>"
            # written as entities: the page shows it as text, and search (which reads entities as the characters
            # the page shows) must output it as text too
            f" &lt;img src=x onerror=\"{call}\"&gt;")
    if block:
        text += (f"\n\n## {payload(field + '.heading', external=False)}\n\n"
                 f"<span title=\"<img src=x onerror=&quot;{call}&quot;>\">titled</span> "
                 "[titled link](https://example.com/ \"<img src=x onerror=window.__xss.push(document.title)>\")\n")
    return text


P, M = payload, markdown_payload
# A commit subject that carries script in its first 72 characters (What's new shows a message's first line, cut
# at a word within 72: history.headline)
SUBJECT = "<img src=x onerror=__xss.push('c')><script>__xss.push('d')</script>&"
LITERAL_TITLE = 'Q&A <Renewals> "quoted" &amp; done'
SHORT = '"><b>s</b>&'  # a role's short name holds at most 12 characters: too few for script, enough for markup
# Plain text that other renderers would turn into an image, a link or a ping if it reached them as Markdown
# (the ticket-ready link, the PR comment): a field shows it as typed, and no request leaves for its host.
EXTERNAL = ("ext ![i](http://evil.example/md.png) <img src=http://evil.example/raw.png> <https://evil.example/auto> "
            "www.evil.example @acme/team GH-12 #34 <!-- hidden")
# File stems: one with `"`, `<`, `>` or a space breaks the Markdown and raw-HTML links to its page,
# so the build refuses it before any edit link exists (and validation refuses non-slug stems);
# test_edit_url_is_encoded drives the plugin's edit-link function with such stems directly.
STEMS = ['x"><img src=x onerror=alert(1)>', 'My Playbook', "a'b&c#d?e%f"]

MKDOCS = """\
site_name: XSS sweep
site_url: https://portal.example.com/
repo_url: https://git.example.com/acme/portal
edit_uri: edit/main/build/docs/
docs_dir: build/docs
theme:
  name: material
  language: en
  font: false
  features: [content.action.edit, content.tooltips, navigation.tabs, navigation.sections, navigation.footer,
             navigation.indexes, search.highlight, search.suggest, toc.follow]
plugins:
  - search
"""


def _labels() -> dict:
    """Every UI label carries a payload; `{placeholders}` stay so the templates can fill them."""
    package = yaml.safe_load((Path(__file__).resolve().parent.parent / "templates/labels.yml").read_text("utf-8"))
    labels = {}
    for key, value in package["en"].items():
        placeholders = "".join(part[:part.index("}") + 1] for part in ("{" + p for p in value.split("{")[1:]))
        # the templates put labels on pages as Markdown, so an image in one loads as in a body (not a field's text)
        labels[key] = f"{placeholders} " + P(f"label.{key}", external=False)
    # the 404 page makes the word of not_found_search that is not_found_search_word a control opening the search box
    # (theme/404.html): each label is then cut in three and put together around a <label>, so the word is in it
    labels["not_found_search"] = P("label.not_found_search", external=False) + labels["not_found_search_word"]
    return {"en": labels}


def sweep_files() -> dict[str, str]:
    """A complete portal where every text field of every content kind is a distinct payload."""
    files = {
        "content/settings.yml": {
            "segments": [{"id": "smb", "name": P("segment.name")}, {"id": "ent", "name": P("segment.name2")}],
            "phases": [{"id": "renewal", "name": P("phase.name"), "description": M("phase.description", block=True)}],
        },
        "content/roles.yml": {"roles": [
            {"id": "csm", "name": P("role.name"), "short": SHORT, "description": M("role.description", block=True)},
            # among raw HTML in a paragraph (the chart's role codes, a checklist's audience), Markdown reads the text
            {"id": "lead", "name": "Lead " + EXTERNAL, "short": "{{ 7*7 }}"},
        ]},
        "content/glossary.yml": {"terms": [
            {"id": "qbr", "term": "QBR", "definition": P("glossary.definition"), "synonyms": [P("glossary.synonym")],
             "aliases": ["quarterly"]},
            {"id": "odd", "term": P("glossary.term"), "definition": P("glossary.definition2"),
             "reading": P("glossary.reading")},
        ]},
        "content/playbooks/renewal.yml": {
            "title": P("playbook.title"), "summary": "QBR " + M("playbook.summary"), "phase": "renewal",
            "owner": "csm", "tags": [P("playbook.tag")], "trigger": M("playbook.trigger"), "goal": M("playbook.goal"),
            "kpis": [P("playbook.kpi")], "due_anchor": P("playbook.due_anchor"), "related": ["literal"],
            "aliases": ["old-renewal"], "reviewed": "2026-01-01", "review_interval": "30d",
            "steps": [
                {"id": "first", "title": P("step.title"), "body": "QBR " + M("step.body", block=True), "owner": "csm",
                 "raci": {"R": "csm", "A": "lead"}, "due": "T-10d", "segments": ["smb"],
                 "checklist": [M("step.checklist")], "variants": {"smb": M("step.variant")},
                 "asked_as": [P("step.asked_as")], "aliases": ["begin"]},
                {"id": "second", "title": "Second " + EXTERNAL, "owner": "lead", "due": "T+0d"},
            ],
        },
        "content/playbooks/literal.yml": {
            "title": LITERAL_TITLE, "summary": "Shown as typed.", "phase": "renewal", "steps": [{"id": "one", "title": "One"}],
        },
        "content/onboarding/new.yml": {
            "title": P("checklist.title"), "summary": M("checklist.summary"), "audience": ["csm"],
            "due_anchor": P("checklist.due_anchor"),
            "sections": [{"id": "week", "title": P("section.title"), "summary": M("section.summary"),
                          "items": [{"id": "a", "text": M("item.text"), "due": "T+1d", "segments": ["smb"],
                                     "asked_as": [P("item.asked_as")]},
                                    {"id": "b", "text": "Read", "ref": "playbook:renewal#first"}]}],
        },
        "content/faq/topic.yml": {
            "title": P("faq.title"), "summary": M("faq.summary"),
            "entries": [{"id": "q", "q": P("faq.q"), "a": "QBR " + M("faq.a", block=True), "tags": [P("faq.tag")],
                         "asked_as": [P("faq.asked_as")]}],
        },
        "content/charts/duties.yml": {
            "title": P("chart.title"), "summary": M("chart.summary"),
            "activities": [{"id": "act", "name": P("activity.name"), "description": M("activity.description", block=True),
                            "raci": {"R": "csm", "A": "lead"}, "playbooks": ["renewal"],
                            "asked_as": [P("activity.asked_as")]}],
        },
    }
    files = {path: json.dumps(data, ensure_ascii=False, indent=1) for path, data in files.items()}
    files["mkdocs.yml"] = MKDOCS
    files["templates/labels.yml"] = json.dumps(_labels(), ensure_ascii=False, indent=1)
    return files


def _text_fields(schema: dict, path: tuple[str, ...] = ()):
    """Every free-text field of a kind's JSON Schema, as a path of names ('[]' a list item, '*' any key): text an
    id, date, offset or team pattern does not hold to a slug (role ids are a oneOf, never text)."""
    from generator.schema import NOT_BLANK

    if schema.get("type") == "object":
        for name, field in (schema.get("properties") or {}).items():
            yield from _text_fields(field, path + (name,))
        if isinstance(schema.get("additionalProperties"), dict):
            yield from _text_fields(schema["additionalProperties"], path + ("*",))
    elif schema.get("type") == "array":
        yield from _text_fields(schema["items"], path + ("[]",))
    elif schema.get("type") == "string" and schema.get("pattern", NOT_BLANK) == NOT_BLANK:
        yield path


def _values_at(data, path: tuple[str, ...]) -> list:
    if not path:
        return [data]
    head, rest = path[0], path[1:]
    if head == "[]":
        return [v for item in (data if isinstance(data, list) else []) for v in _values_at(item, rest)]
    if head == "*":
        return [v for item in (data.values() if isinstance(data, dict) else []) for v in _values_at(item, rest)]
    return _values_at(data[head], rest) if isinstance(data, dict) and head in data else []


def test_the_sweep_puts_a_payload_in_every_text_field_of_the_schema():
    """The field list is the schema's, not a hand-made one: a text field added to a kind later (a role's `short`
    and a term's `reading` were) fails here until the sweep gives it a payload."""
    from generator.kinds import kind_at
    from generator.schema import SCHEMAS

    files = {path: json.loads(text) for path, text in sweep_files().items() if path.startswith("content/")}
    missing = []
    for kind, schema in SCHEMAS.items():
        documents = [data for path, data in files.items() if kind_at(path) == kind]
        for path in _text_fields(schema):
            values = [v for data in documents for v in _values_at(data, path)]
            if not any("<" in v for v in values):  # a payload, or SHORT where 12 characters allow no more
                missing.append(f"{kind}: {'.'.join(path)}")
    assert not missing, "text fields the sweep does not probe: " + ", ".join(missing)


def _with_history(project: Path) -> None:
    """Two commits, so the What's-new page and the Atom feed carry payload titles and a payload commit subject."""
    from test_diff import commit_all, git

    git(project, "init", "-q", "-b", "main")
    renewal = project / "content/playbooks/renewal.yml"
    full = renewal.read_text("utf-8")
    earlier = json.loads(full)
    earlier["steps"] = earlier["steps"][1:]  # the payload-titled step comes with the second commit
    renewal.write_text(json.dumps(earlier), "utf-8")
    commit_all(project, "first")
    renewal.write_text(full, "utf-8")
    commit_all(project, SUBJECT)


@pytest.fixture(scope="module")
def sweep_site(tmp_path_factory):
    root = tmp_path_factory.mktemp("xss")
    project = make_project(root / "portal", sweep_files())
    _with_history(project)
    site = build(project)
    for url in serve(site):
        yield site, url


@pytest.fixture
def tab(browser):  # noqa: F811 - the shared fixture
    """One fresh context whose pages record every payload run and every dialog."""
    context = browser.new_context(viewport=DESKTOP)
    context.set_default_timeout(5000)
    context.add_init_script("window.__xss = [];")
    page = context.new_page()
    page.fired = []
    page.on("dialog", lambda dialog: (page.fired.append(f"dialog: {dialog.message}"), dialog.dismiss()))
    context.route("**/*", lambda route: route.continue_() if _local(route.request.url) else (
        page.fired.append(f"request to {route.request.url}"), route.abort()))
    yield page
    context.close()


def _local(url: str) -> bool:
    """Whether a request stays on this machine: a page of the portal sends none elsewhere (fonts are off)."""
    from urllib.parse import urlsplit

    return urlsplit(url).hostname == "127.0.0.1" or url.startswith(("data:", "blob:", "about:"))


# Every URL-bearing attribute in the DOM, with a script scheme.
_SCRIPT_URLS = """() => Array.from(document.querySelectorAll('[href],[src],[action],[formaction],[xlink\\\\:href],[data]'))
  .flatMap(n => ['href','src','action','formaction','xlink:href','data'].map(a => n.getAttribute(a)).filter(Boolean)
  .map(v => v.replace(/[\\u0000-\\u0020]/g, '').toLowerCase()))
  .filter(v => v.startsWith('javascript:') || v.startsWith('vbscript:') || v.startsWith('data:text/html'))"""


# Inline event handlers: neither Material nor csops writes any, so each one came from content.
_HANDLERS = """() => Array.from(document.querySelectorAll('*')).flatMap(n => Array.from(n.attributes)
  .filter(a => a.name.startsWith('on')).map(a => n.tagName + ' ' + a.name + '=' + a.value))"""


def _findings(page, where: str) -> list[str]:
    found = [f"{where}: ran {sorted(set(page.evaluate('window.__xss')))}"] if page.evaluate("window.__xss") else []
    found += [f"{where}: {d}" for d in page.fired]
    found += [f"{where}: script URL {u}" for u in sorted(set(page.evaluate(_SCRIPT_URLS)))]
    found += [f"{where}: handler {h}" for h in sorted(set(page.evaluate(_HANDLERS)))]
    return found


def _check(page, where: str) -> None:
    found = _findings(page, where)
    assert not found, "\n".join(found)


def test_no_payload_runs_on_any_built_page(tab, sweep_site):
    site, url = sweep_site
    pages = sorted(p.relative_to(site).as_posix() for p in site.rglob("*.html"))
    assert 15 <= len(pages) <= 60, pages  # every page of the sweep portal, bounded
    found = []
    for path in pages:
        tab.goto(url + path, wait_until="load")
        tab.wait_for_timeout(50)  # onerror of broken images fires after load on some pages
        found += _findings(tab, path)
    assert not found, "\n".join(found)


def test_titles_and_nav_show_the_text_as_typed(tab, sweep_site):
    site, url = sweep_site
    tab.goto(url + "playbooks/literal/", wait_until="load")
    assert tab.title() == f"{LITERAL_TITLE} - XSS sweep"
    assert tab.locator("article h1").first.inner_text().replace("¶", "").strip() == LITERAL_TITLE
    assert (tab.locator('meta[name="description"]').get_attribute("content")) == "Shown as typed."
    # The phase name in the navigation (and the page title of its page) is the payload, shown as text.
    nav_texts = [t.strip() for t in tab.locator(".md-nav__link").all_inner_texts()]
    assert P("phase.name") in nav_texts
    tab.goto(url + "phases/renewal/", wait_until="load")
    assert tab.title().startswith(P("label.phase", external=False))  # "Phase: <name>" from the label and the phase name
    assert P("phase.name") in tab.title()
    tab.goto(url + "playbooks/renewal/", wait_until="load")
    assert tab.locator('meta[name="description"]').get_attribute("content").startswith("QBR " + P("playbook.summary", external=False))
    # a role's short name (the timeline's Who column, chart headers) is text too, and so is Jinja syntax in it
    assert tab.locator("a.csops-role-code[data-role=csm]").first.inner_text() == SHORT
    assert tab.locator("a.csops-role-code[data-role=lead]").first.inner_text() == "{{ 7*7 }}"
    _check(tab, "titles")


def test_the_not_found_pages_search_word_shows_its_labels_as_typed(tab, sweep_site):
    """The 404 page cuts not_found_search at not_found_search_word and writes a <label> around the word (theme/404.html,
    rendered without autoescaping): the three pieces are escaped each on its own, and clicking the word runs nothing
    (red team: the sweep's labels held the word nowhere in the sentence, so this branch had no payload)."""
    site, url = sweep_site
    labels = _labels()["en"]
    tab.goto(url + "404.html", wait_until="load")  # the sweep's server answers a missing page with its own
    word = tab.locator(".csops-open-search")
    assert word.inner_text().strip() == labels["not_found_search_word"].strip()
    assert labels["not_found_search"].strip() in tab.locator("article").inner_text()
    word.click()
    _check(tab, "404 search word")


def test_whats_new_and_feed_show_payloads_as_text(tab, sweep_site):
    import xml.etree.ElementTree as ET

    site, url = sweep_site
    atom = "{http://www.w3.org/2005/Atom}"
    feed = ET.fromstring((site / "feed.xml").read_bytes())
    latest = feed.findall(f"{atom}entry")[0]
    assert latest.findtext(f"{atom}title") == SUBJECT
    content = latest.findtext(f"{atom}content")  # HTML, as feed readers show it: payloads only as escaped text
    assert "<img" not in content and "<script" not in content and "<svg" not in content
    assert "&lt;img src=x onerror=" in content
    tab.goto(url + "whats-new/", wait_until="load")
    article = tab.locator("article").inner_text()
    assert SUBJECT in article and P("step.title") in article and P("playbook.title") in article
    _check(tab, "whats-new")


def test_a_renamed_pages_redirect_shows_its_words_as_typed(sweep_site):
    """The page at a renamed playbook's old URL (mkdocs-redirects', worded by labels.yml) navigates away at once,
    so a payload it ran was gone before any browser check looked; read as it is served, without script, its
    title, text and link say the labels as typed, and its one script is the redirect's own."""
    from html.parser import HTMLParser

    class Redirect(HTMLParser):
        def __init__(self):
            super().__init__(convert_charrefs=True)
            self.open, self.texts, self.scripts, self.handlers = [], {}, 0, []

        def handle_starttag(self, tag, attrs):
            self.open.append(tag)
            self.scripts += tag == "script"
            self.handlers += [f"{tag} {name}" for name, _ in attrs if name.startswith("on")]

        def handle_endtag(self, tag):
            if tag in self.open:
                del self.open[self.open.index(tag):]

        def handle_data(self, data):
            if self.open and self.open[-1] in ("title", "p", "a"):
                self.texts[self.open[-1]] = self.texts.get(self.open[-1], "") + data

    site, _ = sweep_site
    words = _labels()["en"]
    page = Redirect()
    page.feed((site / "playbooks/old-renewal/index.html").read_text("utf-8"))
    assert page.scripts == 1 and page.handlers == []
    assert page.texts == {"title": words["redirect_title"], "p": words["redirect_text"], "a": words["redirect_link"]}


def test_edit_link_points_at_the_yaml_file(tab, sweep_site):
    site, url = sweep_site
    tab.goto(url + "playbooks/renewal/", wait_until="load")
    href = tab.locator('a.md-content__button[href*="edit"]').first.get_attribute("href")
    assert href == "https://git.example.com/acme/portal/edit/main/content/playbooks/renewal.yml"


@pytest.mark.parametrize("path", ["playbooks/renewal/", "faq/topic/", "charts/duties/", "roles/csm/", "glossary/"])
def test_tooltips_show_titles_as_text(tab, sweep_site, path):
    """Material's tooltips show an element's title as HTML: hover every titled element of the article."""
    site, url = sweep_site
    tab.goto(url + path, wait_until="load")
    tab.wait_for_timeout(100)  # csops.js adds its titled buttons
    titled = [h for h in tab.locator("article [title]").element_handles() if h.is_visible()]
    assert 0 < len(titled) <= 40
    shown = 0
    for handle in titled:  # the title attribute goes while its tooltip shows: hold handles, not indexes
        handle.hover(timeout=2000)
        tab.wait_for_timeout(60)
        shown += tab.locator(".md-tooltip2").count() > 0
    assert shown, "no tooltip opened"
    _check(tab, path)


def test_search_and_glossary_hover_run_nothing(tab, sweep_site):
    site, url = sweep_site
    tab.goto(url + "playbooks/renewal/", wait_until="load")
    abbr = tab.locator("article abbr").first
    abbr.hover()
    tab.wait_for_timeout(200)
    assert tab.locator(".md-tooltip2").first.inner_text().startswith(P("glossary.definition"))
    _check(tab, "glossary hover")
    tab.keyboard.press("s")  # Material's search shortcut
    for query in ("onerror", "playbook.title"):
        _search(tab, query)
        _check(tab, f"search results for {query}")


def _search(tab, query: str) -> None:
    """Type into Material's search until its worker has indexed the site and shows hits (bounded: 20 tries)."""
    search = tab.locator(".md-search__input")
    for _ in range(20):
        search.fill("")
        search.press_sequentially(query, delay=20)
        try:
            tab.locator(".md-search-result__item").first.wait_for(state="attached", timeout=500)
            tab.wait_for_timeout(200)
            return
        except Exception:  # noqa: BLE001 - playwright's TimeoutError: the index is still loading
            continue
    raise AssertionError(f"no search results for {query!r}")


def test_ticket_links_are_literal_markdown(tab, sweep_site):
    """A step title holding '<img src=…>', '<https://…>' or '@team' went into the ticket-ready link as it was: pasted
    into a ticket, it loaded an image from that host, made a second link or pinged a team. The API, `csops link`
    and the page's "Copy for ticket" button give one link text, literal."""
    import re

    from generator.search import Searcher

    site, url = sweep_site
    hits = Searcher(site.parent).search("evil.example hidden").hits
    hit = next(h for h in hits if h.path.endswith("#second"))
    label = hit.markdown[1:hit.markdown.rindex("](")]
    assert hit.markdown == f"[{label}]({hit.url})"
    assert not re.search(r"(?<!\\)[<>\[\]`*_]", label), label  # no HTML, link, image or emphasis
    assert not re.search(r"(?i)@\w|://|www\.|gh-\d|#\d", label), label  # no mention, autolink or reference
    assert label.replace("\u2060", "").replace("\\", "") == f"{P('playbook.title')} › Second {EXTERNAL}"
    tab.goto(url + "playbooks/renewal/", wait_until="load")
    copied = tab.locator(".csops-step-meta[data-step=second] .csops-copy-ticket").get_attribute("data-copy")
    assert copied.startswith(f"[{label}](https://portal.example.com/playbooks/renewal/"), copied
    _check(tab, "copy for ticket")


@pytest.mark.parametrize("edit", [{"edit_uri": "edit/main/build/docs/"},
                                  # MkDocs' {path} is the path as it is; csops' is quoted, as Material writes it raw
                                  {"edit_uri_template": "edit/main/{path}"}])
@pytest.mark.parametrize("stem", STEMS)
def test_edit_url_is_encoded(stem, edit):
    """Whatever a file is called, its edit link is one URL: no quote ends the href, no space splits it, whether it
    is made from edit_uri or from edit_uri_template."""
    from urllib.parse import unquote, urlsplit

    from generator.mkdocs_plugin import _edit_url

    from mkdocs.config.config_options import EditURITemplate

    if "edit_uri_template" in edit:  # as MkDocs hands it to plugins: its Template, {path} formatted as given
        edit = {"edit_uri_template": EditURITemplate("edit_uri").validate(edit["edit_uri_template"])}
    config = {"repo_url": "https://git.example.com/acme/portal/", **edit, "extra": {}}
    url = _edit_url(config, f"content/playbooks/{stem}.yml")
    assert not set(url) & set("\"'<> #?&")
    assert unquote(urlsplit(url).path) == f"/acme/portal/edit/main/content/playbooks/{stem}.yml"


# -- DOM clobbering -------------------------------------------------------------------------------

class _Evil(http.server.BaseHTTPRequestHandler):
    """Another origin that would gladly answer the portal's search, with a snippet that runs script."""

    requests: list[str] = []

    def do_GET(self):  # noqa: N802 - http.server's name
        _Evil.requests.append(self.path)
        body = {"ok": True} if self.path.startswith("/api/health") else {
            "total": 1, "hits": [{"kind": "step", "title": "INJECTED", "path": "/x/", "url": "/x/",
                                  "snippet": "<img src=x onerror=\"window.__xss.push('evil')\">INJECTED"}],
            "facets": {"kind": {}, "role": {}, "phase": {}}}
        data = json.dumps(body).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Access-Control-Allow-Origin", "*")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):
        pass


def _clobbering_body(evil: str) -> str:
    """Raw HTML and attribute lists that define the ids, names and hooks the page's scripts look up."""
    return (f'<span id="__config">{{"base": "{evil}", "features": [], "search": "{evil}worker.js"}}</span> '
            '<a id="__csopsSearch" name="__csopsSearch">flag</a> <input type="checkbox" id="__search" name="__search"> '
            '<div data-md-component="search"><input class="md-search__input" data-md-component="search-query">'
            '<div class="md-search__scrollwrap"></div></div> <span id="document$">d</span>\n\n'
            "## Clobber {: #__config }\n\nConfirm the renewal stakeholders.\n")


@pytest.fixture(scope="module")
def clobbered_portal(tmp_path_factory):
    """`csops serve` (site and API) for a portal whose page bodies clobber, plus the other origin."""
    evil_server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Evil)
    threading.Thread(target=evil_server.serve_forever, daemon=True).start()
    evil = f"http://127.0.0.1:{evil_server.server_address[1]}/"
    body = _clobbering_body(evil)
    project = make_project(tmp_path_factory.mktemp("clobber"), {
        "mkdocs.yml": MKDOCS,
        "content/playbooks/renewal.yml": json.dumps({
            "title": "Renewal runway", "summary": body,
            "steps": [{"id": "confirm", "title": "Confirm the stakeholders", "body": body}]}),
    })
    try:
        with running_csops_serve(project) as url:
            yield url, evil
    finally:
        evil_server.shutdown()
        evil_server.server_close()


def test_clobbering_ids_cannot_redirect_search(tab, clobbered_portal):
    url, evil = clobbered_portal
    _Evil.requests.clear()
    asked = []
    tab.on("request", lambda request: asked.append(request.url))
    tab.goto(url + "playbooks/renewal/", wait_until="load")
    # The body's ids were renamed, so the theme's own elements are the ones found.
    assert tab.locator("#__config").evaluate("n => n.tagName") == "SCRIPT"
    assert tab.locator("#user-__config").count() == 4  # span and heading, in the summary and the step
    assert tab.locator("article [data-md-component]").count() == 0
    search = tab.locator(".md-header .md-search__input")
    search.click()
    search.fill("renewal stakeholders")
    tab.locator(".csops-search .csops-hit").first.wait_for(timeout=10000)
    assert any(u.startswith(url + "api/search?") for u in asked), asked
    assert not _Evil.requests and not [u for u in asked if u.startswith(evil)]
    assert "INJECTED" not in tab.locator(".csops-search").inner_text()
    _check(tab, "clobbered page")


def test_mkdocs_yml_words_the_theme_writes_are_shown_as_typed(tab, tmp_path):
    """Material writes site_name, site_description, site_author and repo_name into every page as they are (in the
    header, the author meta tag, the repository widget) and copyright as HTML: `<script>` in any of them ran on every
    page, and `site_name: R&D "Support"` broke the header's aria-label. So it does settings further down: analytics'
    property ran as script, feedback's ratings, consent's words and a language switcher's names as HTML (red team).
    A site_name or palette toggle name with a tag is a validate error: Material's tooltips show them as HTML."""
    words = {name: P(f"mkdocs.{name}", external=False) for name in ("site_description", "site_author", "repo_name")}
    words["site_name"] = 'R&D "Support" & Success'  # no '<': validate refuses it (the logo's tooltip is HTML)
    toggle = 'Dark "mode" & more'  # no '<' either: the toggle's tooltip is HTML too
    config = MKDOCS.replace("site_name: XSS sweep\n", "".join(f"{name}: {json.dumps(text)}\n" for name, text in words.items())
                            + 'copyright: "Made by <em>CS Ops</em> <script>window.__xss.push(\'copyright\')</script>"\n')
    # the settings below the top level Material writes as they are (mkdocs_plugin.THEME_SETTINGS); with consent set,
    # analytics loads nothing before a reader agrees, and its property is written into the page's script all the same
    config = config.replace("  font: false\n", "  font: false\n  palette:\n    - scheme: default\n      toggle: "
                            + json.dumps({"icon": "material/brightness-7", "name": toggle}) + "\n") + "extra:\n" + "".join(
        f"  {name}: {json.dumps(value)}\n" for name, value in {
            "analytics": {"provider": "google", "property": P("mkdocs.analytics.property", external=False),
                          "feedback": {"title": P("mkdocs.feedback.title", external=False), "ratings": [
                              {"icon": "material/thumb-up-outline", "name": P("mkdocs.rating.name", external=False),
                               "data": P("mkdocs.rating.data", external=False),
                               "note": P("mkdocs.rating.note", external=False)}]}},
            "consent": {"title": P("mkdocs.consent.title", external=False),
                        "description": P("mkdocs.consent.description", external=False)},
            "alternate": [{"name": P("mkdocs.alternate.name", external=False), "link": "/",
                           "lang": P("mkdocs.alternate.lang", external=False)}]}.items())
    project = make_project(tmp_path / "portal", {"mkdocs.yml": config, "content/playbooks/renewal.yml": json.dumps(
        {"title": "Renewal runway", "steps": [{"id": "confirm", "title": "Confirm the stakeholders"}]})})
    site = build(project)
    for url in serve(site):
        for path in ("", "playbooks/renewal/", "404.html"):
            tab.goto(url + path, wait_until="load")
            tab.wait_for_timeout(50)
            _check(tab, path or "home")
        assert tab.locator(".md-header__topic .md-ellipsis").first.inner_text().strip() == words["site_name"]
        assert tab.locator("a.md-header__button.md-logo").get_attribute("aria-label") == words["site_name"]
        assert tab.locator('meta[name="author"]').get_attribute("content") == words["site_author"]
        assert tab.locator(".md-copyright__highlight em").inner_text() == "CS Ops"  # its HTML, less the script
        assert tab.locator('label[for="__palette_0"]').get_attribute("title") == toggle


MERMAID_FENCE = """\
markdown_extensions:
  - pymdownx.superfences:
      custom_fences:
        - name: mermaid
          class: mermaid
          format: !!python/name:pymdownx.superfences.fence_code_format
"""


def test_a_body_cannot_make_pages_load_a_diagram_script_from_another_host(tab, tmp_path):
    """Material draws each <pre class="mermaid"> with Mermaid, loaded from unpkg.com (its latest 11.x) when the site
    has none: a step body writing that class made every reader's browser run that third-party script on the
    portal's origin. The class is kept where the site set up Mermaid fences, as Material documents."""
    diagram = '<pre class="mermaid highlight">graph TD; A-->B</pre>'
    playbook = json.dumps({"title": "Renewal runway", "steps": [{"id": "confirm", "title": "Confirm", "body": diagram}]})
    project = make_project(tmp_path / "portal", {"mkdocs.yml": MKDOCS, "content/playbooks/renewal.yml": playbook})
    site = build(project)
    assert '<pre class="highlight">graph TD' in (site / "playbooks/renewal/index.html").read_text(encoding="utf-8")
    for url in serve(site):
        tab.goto(url + "playbooks/renewal/", wait_until="load")
        tab.wait_for_timeout(500)  # Material mounts the diagram and asks for its script once the page is up
        _check(tab, "a body with a diagram")
    drawn = make_project(tmp_path / "drawn", {"mkdocs.yml": MKDOCS + MERMAID_FENCE, "content/playbooks/renewal.yml": playbook})
    page = (build(drawn) / "playbooks/renewal/index.html").read_text(encoding="utf-8")
    assert '<pre class="mermaid highlight">graph TD' in page


def test_a_site_name_with_a_tag_is_refused_at_its_line(tmp_path, run):
    config = MKDOCS.replace("site_name: XSS sweep\n", 'site_name: "Portal <img src=x onerror=alert(1)>"\n')
    project = make_project(tmp_path / "portal", {"mkdocs.yml": config, "content/playbooks/renewal.yml": json.dumps(
        {"title": "Renewal runway", "steps": [{"id": "confirm", "title": "Confirm the stakeholders"}]})})
    result = run("validate", "--project", project)
    assert result.exit_code == 1
    assert "mkdocs.yml:1:12: error: site_name holds '<' or '>'" in result.output, result.output
