"""Shared pieces of the browser tests: Debian's Chromium via Playwright, built sites served on 127.0.0.1.

Imported by tests/test_browser_*.py (fixtures are picked up from the importing module).
Browsers cannot be downloaded here, so Playwright drives /usr/bin/chromium; the extra flags
stop it from reaching for the network, which hangs on a closed machine.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import os
import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request
import weakref
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import REPO, make_project
from generator.cli import main
from static_server import server_for

CHROMIUM = os.environ.get("CSOPS_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]
ARTIFACTS = REPO / "test-artifacts"
AXE_DIR = REPO / ".cache" / "axe"
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}

DEMO_MKDOCS = """\
site_name: Demo portal
site_url: https://portal.acme.test/
docs_dir: build/docs
theme:
  name: material
  language: en
  font: false  # no Google Fonts request: on a closed network it can stall the load event
  features: [navigation.instant, content.tooltips, content.tabs.link]
plugins:
  - search
"""

DEMO_FILES = {
    "content/settings.yml": """\
        segments:
          - {id: smb, name: SMB}
          - {id: enterprise, name: Enterprise}
        """,
    "content/glossary.yml": """\
        terms:
          - {id: qbr, term: QBR, definition: Quarterly business review with the customer's sponsor.}
        """,
    "content/playbooks/renewal.yml": """\
        title: Renewal runway
        summary: Renew on time.
        phase: renewal
        owner: cs-ops
        trigger: When a contract is 120 days from its end date.
        due_anchor: contract end date
        steps:
          - id: confirm-stakeholders
            title: Confirm the stakeholders
            owner: csm
            raci: {R: csm, A: cs-lead, C: sales-ae, I: cs-ops}
            due: T-90d
            body: Name the economic buyer before the QBR.
            variants:
              smb: Send the renewal email template.
              enterprise: Book a renewal workshop with procurement.
          - id: procurement
            title: Walk procurement through the order form
            owner: sales-ae
            due: T-60d
            segments: [enterprise]
            body: Large customers need security review time.
          - id: close
            title: Close the renewal
            owner: csm
            due: T+0d
            body: Record the outcome.
        """,
    "content/onboarding/new-csm.yml": """\
        title: "New CSM: first weeks"
        summary: What a new CSM does first.
        audience: [csm]
        due_anchor: start date
        sections:
          - id: week-one
            title: Week one
            items:
              - {id: meet-lead, text: Meet your CS lead, due: T+1d}
              - {id: read-duties, text: Read the duty chart, ref: "chart:duties", due: T+3d}
              - {id: shadow-qbr, text: Shadow a QBR, due: T+14d}
          - id: month-one
            title: Month one
            items:
              - {id: own-accounts, text: Take over your first accounts, due: T+4w}
              - {id: enterprise-intro, text: Meet the enterprise architects, due: T+30d, segments: [enterprise]}
        """,
    "content/charts/duties.yml": """\
        title: Division of duties
        activities:
          - id: onboarding
            name: Onboarding
            raci: {R: csm, A: cs-lead, C: sales-ae, I: cs-ops}
          - id: renewal
            name: Renewal
            raci: {R: [csm, sales-ae], A: cs-lead, I: cs-ops}
            playbooks: [renewal]
          - id: reporting
            name: Monthly reporting
            raci: {R: cs-ops, A: cs-lead}
        """,
}


# The elements under `selector` whose text breaks onto a new line inside a run of one script: between two katakana
# (プロダクトマネー / ジャー) or two kanji (更新提案の準 / 備). Japanese phrases end at a change of script (の / 準備,
# の / エスカレーション), so a break between phrases is never caught.
SAME_SCRIPT_SPLITS = """selector => {
  const scripts = [/[\\u30a1-\\u30fa\\u30fc]/, /[\\u4e00-\\u9fff]/];
  const found = [];
  for (const box of document.querySelectorAll(selector)) {
    const walker = document.createTreeWalker(box, NodeFilter.SHOW_TEXT);
    let lastTop = null, prev = '', seen = '';
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const text = node.textContent;
      for (let i = 0; i < text.length; i++) {
        const range = document.createRange();
        range.setStart(node, i); range.setEnd(node, i + 1);
        const rect = [...range.getClientRects()].find(r => r.width > 0);
        if (/\\s/.test(text[i])) {
          prev = ' ';  // a break at a space (カスタマーサクセス / プレイブック) is between words
        } else if (rect) {
          if (lastTop !== null && rect.top > lastTop + rect.height / 2
              && scripts.some(script => script.test(prev) && script.test(text[i]))) {
            found.push(seen + ' / ' + box.textContent.slice(seen.length));
          }
          lastTop = rect.top; prev = text[i];
        }
        seen += text[i];
      }
    }
  }
  return found;
}"""


# Each due offset ("T-100d", prose's "T-120") and hyphenated Slack channel ("#success-share") in the article's text
# (or in the elements `selector` finds), outside code, that the browser set on more than one line, with the words
# around it.
WORDS_SPLIT_ACROSS_LINES = """(selector) => {
  const word = /(?<![A-Za-z0-9_&#-])(?:T[+-][0-9]{1,4}[dw]?|#[A-Za-z0-9_]+(?:-[A-Za-z0-9_]+)+)(?![A-Za-z0-9_-])/g;
  const found = [];
  for (const root of document.querySelectorAll(selector || '.md-content article')) {
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    if (node.parentElement.closest('code, pre, .csops-offscreen')) continue;
    for (const match of node.textContent.matchAll(word)) {
      const range = document.createRange();
      range.setStart(node, match.index); range.setEnd(node, match.index + match[0].length);
      const tops = [...range.getClientRects()].filter(r => r.width > 0).map(r => r.top);
      if (tops.length && Math.max(...tops) - Math.min(...tops) > 4) {
        found.push(node.textContent.slice(Math.max(0, match.index - 20), match.index + match[0].length + 5));
      }
    }
  }
  }
  return found;
}"""


def build(project: Path) -> Path:
    result = CliRunner().invoke(main, ["build", "--project", str(project)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return project / "site"


@functools.cache
def _no_chromium() -> bool:
    return not Path(CHROMIUM).exists()


def serve(site: Path, requested: list[str] | None = None):
    """A real static HTTP server in this process on a free loopback port; yields the base URL. `requested` gets each
    request's path. For a test's own site: a thread left serving makes this process's later builds spawn workers."""
    server = server_for(str(site), requested)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


def serve_built_once(site: Path):
    """A site no test rebuilds, served for the session by a process of its own (static_server.py says why); the
    browser keeps its assets. Yields the base URL."""
    server = subprocess.Popen([sys.executable, str(Path(__file__).with_name("static_server.py")), str(site)],
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        port = server.stdout.readline().strip()
        assert port.isdigit(), f"the static server for {site} did not start"
        yield f"http://127.0.0.1:{port}/"
    finally:
        server.stdin.close()
        try:
            server.wait(timeout=5)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def _wait_for_children_without_a_thread() -> None:
    """Wait for Playwright's driver process as Python 3.12 does, through its pidfd: 3.11's asyncio waits from a
    thread of its own (ThreadedChildWatcher), and while that thread lives a build in this process spawns its
    workers instead of forking them (static_server.py says what that costs; 63 builds of a full run did)."""
    if sys.version_info >= (3, 12) or not hasattr(os, "pidfd_open"):
        return

    class RunningLoopPidfdWatcher(asyncio.PidfdChildWatcher):
        """Serves whichever loop starts a child: each module's Playwright runs a loop of its own, which nothing
        attaches to a watcher (3.12 looks the running loop up the same way)."""

        def is_active(self) -> bool:
            return True

        def add_child_handler(self, pid, callback, *args):
            self._loop = asyncio.get_running_loop()
            super().add_child_handler(pid, callback, *args)

    if type(asyncio.get_child_watcher()).__name__ != RunningLoopPidfdWatcher.__name__:
        asyncio.set_child_watcher(RunningLoopPidfdWatcher())


@pytest.fixture(scope="module")
def browser():
    # Module scope: one sync Playwright at a time, so other modules' browsers can start after ours ends.
    if _no_chromium():
        pytest.skip(f"{CHROMIUM} not installed (.ci/run installs Debian's chromium)")
    from playwright.sync_api import sync_playwright

    _wait_for_children_without_a_thread()
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser):
    """A tab as a new browser profile has it (empty localStorage; see lent_tab), allowed to use the clipboard."""
    handle, tab, errors = lent_tab(browser, DESKTOP, accept_downloads=True)
    handle.grant_permissions(["clipboard-read", "clipboard-write"])
    yield tab
    handle.close()
    # Material's XHR (sitemap, search index) failing as "Network error" when a test's own server stopped with the
    # page still open (a loaded machine, once in a full run); a file the server lacks is "Not Found" and still fails
    errors = [error for error in errors if error != "Network error"]
    assert not errors, f"JavaScript errors on the page: {errors}"


@pytest.fixture(scope="session")
def demo_site(tmp_path_factory):
    project = make_project(tmp_path_factory.mktemp("demo"), {"mkdocs.yml": DEMO_MKDOCS, **DEMO_FILES})
    yield from serve_built_once(build(project))


@pytest.fixture(scope="session")
def bundled_site(built_bundled):
    yield from serve_built_once(built_bundled / "site")


@pytest.fixture(scope="session")
def ja_site(built_ja):
    yield from serve_built_once(built_ja / "site")


@pytest.fixture(scope="session")
def axe_source() -> str:
    """axe-core's browser bundle, from npm (installed by .ci/run, or here on first use) into a git-ignored folder."""
    script = AXE_DIR / "node_modules" / "axe-core" / "axe.min.js"
    if not script.is_file():
        npm = shutil.which("npm")
        if npm is None:
            pytest.fail("axe-core is missing and npm is not installed: run .ci/run")
        AXE_DIR.mkdir(parents=True, exist_ok=True)
        subprocess.run([npm, "install", "--prefix", str(AXE_DIR), "--no-save", "--no-audit", "--no-fund",
                        "axe-core@4"], check=True, capture_output=True, timeout=300)
    return script.read_text(encoding="utf-8")


def to_dark_scheme(tab) -> None:
    """Switch the theme to its dark scheme with the header's toggle, as a reader does."""
    tab.locator("form[data-md-component=palette] label:visible").first.click()


def once_it_holds(tab, read: str, arg=None, timeout: float = 3000):
    """What `read` (a JS function of `arg` returning an object with `holds`) sees once it holds, read once per frame:
    the state judged is the state painted, not one met by a wait and then read again after the page moved on (an
    observer, a transition or an answer landing between the two). On a timeout, its last read, for the assertion."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    try:
        return tab.wait_for_function(f"arg => {{ const seen = ({read})(arg); return seen.holds && seen; }}",
                                     arg=arg, timeout=timeout).json_value()
    except PlaywrightTimeout:
        return tab.evaluate(read, arg)


def screenshot(page, name: str) -> Path:
    """Full-page screenshot into test-artifacts/ (git-ignored) for a person to look at."""
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def open_page(browser, base: str, path: str, viewport: dict, fresh: bool = False):
    """A tab at this viewport on `path` (see lent_tab), collecting page errors, and what to close when done."""
    handle, tab, errors = lent_tab(browser, viewport, fresh)
    tab.goto(base + path)
    tab.wait_for_load_state("load")
    return handle, tab, errors


def lent_tab(browser, viewport: dict, fresh: bool = False, timeout: float = 5000, **options):
    """A tab at this viewport (a phone one is touch and mobile), collecting page errors, and what to close when done.
    The tab is the last test's, wiped (see _LentTab), unless `fresh` or that tab is still open: a new tab and its
    first load cost about 0.75 s more than a load in a tab already open, and hundreds of tests open one. `fresh` is
    for a test that changes what a wipe cannot undo (init scripts, exposed functions, Playwright's clock).
    `options` are the context's (accept_downloads)."""
    mobile = viewport is PHONE
    kept = _kept_tabs.setdefault(browser, {})
    key = (mobile, timeout, tuple(sorted(options.items())))
    errors: list[str] = []
    on_error = lambda error: errors.append(str(error))  # noqa: E731 - one listener, removed by name when lent

    def new_context():
        context = browser.new_context(viewport=viewport, is_mobile=mobile, has_touch=mobile, **options)
        context.set_default_timeout(timeout)
        return context

    if fresh or (key in kept and kept[key].in_use):
        handle = new_context()
        tab = handle.new_page()
        tab.on("pageerror", on_error)
    else:
        if key not in kept:
            context = new_context()
            kept[key] = _LentTab(context, context.new_page(), timeout, lambda: kept.pop(key, None))
        handle = kept[key]
        tab = handle.lend(viewport, on_error)
    return handle, tab, errors


_kept_tabs: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()  # browser -> {(mobile, timeout, options): _LentTab}


class _LentTab:
    """One tab lent to test after test, and wiped when each gives it back, so the next starts as in a new context:
    no storage (local, session, IndexedDB, cookies), no permissions or routes, the default media and viewport.
    The HTTP cache stays: that is the point. A tab the wipe cannot clean (it crashed, hung, or the test left an
    origin whose session storage the wipe cannot reach) is closed with its context; the next test gets a new one.
    To a test it is the context it closes; the context calls it may make are the ones the wipe undoes."""

    def __init__(self, context, tab, timeout: float, forget):
        self._context, self._tab, self._timeout, self._forget = context, tab, timeout, forget
        self._origins: set[str] = set()
        self._on_error = None
        self.in_use = False
        tab.on("framenavigated", self._seen)

    def _seen(self, frame) -> None:
        if frame == self._tab.main_frame and frame.url.startswith("http"):
            self._origins.add(urllib.parse.urlsplit(frame.url)[:2])

    def lend(self, viewport: dict, on_error):
        self.in_use = True
        self._origins.clear()
        self._on_error = on_error
        self._tab.on("pageerror", on_error)
        self._tab.set_viewport_size(viewport)
        return self._tab

    def grant_permissions(self, permissions, **options) -> None:
        self._context.grant_permissions(permissions, **options)

    def route(self, url, handler, **options) -> None:
        self._context.route(url, handler, **options)

    def close(self) -> None:
        tab, context = self._tab, self._context
        try:
            tab.remove_listener("pageerror", self._on_error)
            here = urllib.parse.urlsplit(tab.url)[:2]
            if len(self._origins) > 1 or (self._origins and here not in self._origins):
                raise RuntimeError("session storage left where the wipe cannot reach it")
            if self._origins:
                tab.evaluate("sessionStorage.clear()")
            tab.goto("about:blank")
            context.unroute_all(behavior="ignoreErrors")
            tab.unroute_all(behavior="ignoreErrors")
            context.set_storage_state({"cookies": [], "origins": []})
            context.clear_permissions()
            tab.emulate_media(media="null", color_scheme="light", reduced_motion="no-preference",
                              forced_colors="none", contrast="no-preference")
            tab.set_default_timeout(self._timeout)
            for other in context.pages:  # one a test opened beside it (a pasted link in a new tab)
                if other != tab:
                    other.close()
            self.in_use = False
        except Exception:
            self._forget()
            with contextlib.suppress(Exception):
                context.close()


@contextlib.contextmanager
def running_csops_serve(project: Path):
    """`csops serve` (site + API) on a free 127.0.0.1 port, waited for until /api/health answers (at most 90 s)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    process = subprocess.Popen([str(Path(sys.executable).with_name("csops")), "serve", "--no-reload", "--project",
                                str(project), "--port", str(port)], stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}/"
    deadline = time.monotonic() + 90
    try:
        while True:
            try:
                with urllib.request.urlopen(url + "api/health", timeout=2) as response:
                    if response.status == 200:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline or process.poll() is not None:
                process.kill()
                pytest.fail("csops serve did not come up:\n" + process.stdout.read().decode(errors="replace"))
            time.sleep(0.3)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=10)


# WCAG 2 contrast, written once for every snippet that measures it (see measuring_contrast):
# rgba(css): any CSS colour as [r, g, b, alpha], channels 0-255 whole as the screen shows them, alpha 0-1; computed
#   rgb() and color(srgb …) read from the text (a canvas would round a faint tint's alpha to 1/255 and its channels
#   with it), anything else (a name, hex, oklch) through a 1x1 canvas;
# luminance(rgb); contrast(a, b): the ratio of two colours, CSS text or rgba's arrays, in either order;
# under(el): the opaque colour el's content is drawn on, its own and its ancestors' fills laid on the page (white).
CONTRAST = """
  const rgba = css => {
    const n = css.match(/-?[\\d.]+(?:e[-+]?\\d+)?/gi)?.map(Number) ?? [];
    const clamp = v => Math.round(Math.min(255, Math.max(0, v)));
    if (/^rgba?\\(/.test(css)) return [...n.slice(0, 3).map(clamp), n[3] ?? 1];
    if (/^color\\(srgb /.test(css)) return [...n.slice(0, 3).map(v => clamp(v * 255)), n[3] ?? 1];
    const x = document.createElement('canvas').getContext('2d');
    x.fillStyle = css; x.fillRect(0, 0, 1, 1);
    const [r, g, b, a] = x.getImageData(0, 0, 1, 1).data;
    return [r, g, b, a / 255];
  };
  const linear = v => (v /= 255) <= .03928 ? v / 12.92 : ((v + .055) / 1.055) ** 2.4;
  const luminance = ([r, g, b]) => .2126 * linear(r) + .7152 * linear(g) + .0722 * linear(b);
  const contrast = (a, b) => {
    const [hi, lo] = [a, b].map(c => luminance(typeof c === 'string' ? rgba(c) : c)).sort((x, y) => y - x);
    return (hi + .05) / (lo + .05);
  };
  const under = el => {
    const fills = [];
    for (let e = el; e; e = e.parentElement) {
      const fill = rgba(getComputedStyle(e).backgroundColor);
      if (fill[3] > 0) fills.unshift(fill);
      if (fill[3] === 1) break;
    }
    return fills.reduce((below, [r, g, b, a]) => [r, g, b].map((v, i) => v * a + below[i] * (1 - a)), [255, 255, 255]);
  };
"""


def measuring_contrast(snippet: str) -> str:
    """`snippet` (an arrow function's source) with CONTRAST's helpers at the top of its body, so it keeps only what it
    measures and every test computes the ratio the same way."""
    head, body = snippet.split("{", 1)
    return head + "{" + CONTRAST + body


# The focused element's outline (a checkbox's on the indicator drawn after it): style, width and its WCAG contrast
# ratio against the page, for the focus-ring tests of both browser test files.
FOCUSED_RING = measuring_contrast("""() => {
  const e = document.activeElement;
  const ring = e.matches('input[type=checkbox]') ? getComputedStyle(e.nextElementSibling, '::after') : getComputedStyle(e);
  return {what: e.className || e.tagName, style: ring.outlineStyle, width: parseFloat(ring.outlineWidth),
          ratio: Math.round(100 * contrast(ring.outlineColor, under(document.body))) / 100};
}""")
