"""Links that never break: the published-URL manifest, aliases that keep old URLs alive, and no broken internal link.

Renames happen in a copy of the bundled content, built for real with MkDocs;
the old URLs are then checked in the built site and in headless Chromium.
"""

from __future__ import annotations

import functools
import http.server
import html
import re
import textwrap
import threading
from pathlib import Path

import pytest

from conftest import copy_bundled, move_item
from generator.linkcheck import Locator, check_site_links
from generator.manifest import MANIFEST

CHROMIUM = Path("/usr/bin/chromium")


def _renamable(project: Path) -> tuple[str, str]:
    """A bundled playbook and one of its steps that nothing else references, so renaming them only affects URLs."""
    texts = {f: f.read_text(encoding="utf-8") for f in (project / "content").rglob("*.yml")}
    for file in sorted((project / "content" / "playbooks").glob("*.yml")):
        text, playbook = texts[file], file.stem
        if re.search(r"(?m)^aliases:", text) or re.search(r"(?m)^id:", text):
            continue
        for step in re.findall(r"(?m)^\s*- id: ([a-z0-9-]+)\s*$", text):
            if not any(f"#{step}" in t for t in texts.values()) and text.count(step) == 1:
                return playbook, step
    pytest.skip("no unreferenced playbook/step in the bundled content to rename")


def _rename(project: Path, playbook: str, step: str, *, aliases: bool) -> None:
    old = project / "content" / "playbooks" / f"{playbook}.yml"
    text = old.read_text(encoding="utf-8")

    def new_step(match: re.Match) -> str:
        line = f"{match[1]}- id: {step}-renamed"
        return line + (f"\n{match[1]}  aliases: [{step}]" if aliases else "")

    text = re.sub(rf"(?m)^(\s*)- id: {step}\s*$", new_step, text)
    if aliases:
        text += f"\naliases: [{playbook}]\n"
    (project / "content" / "playbooks" / f"{playbook}-renamed.yml").write_text(text, encoding="utf-8")
    old.unlink()
    # What an editor does after `csops validate` names them: point references at the new id.
    for file in (project / "content").rglob("*.yml"):
        before = file.read_text(encoding="utf-8")
        after = re.sub(rf"playbook:{playbook}\b(?!-)", f"playbook:{playbook}-renamed", before)
        after = re.sub(r"(?m)^(\s*(?:related|playbooks): \[.*)$",
                       lambda m: re.sub(rf"(?<![\w-]){playbook}(?![\w-])", f"{playbook}-renamed", m[1]), after)
        if after != before:
            file.write_text(after, encoding="utf-8")


@pytest.fixture(scope="module")
def renamed_bundled(tmp_path_factory):
    """A bundled copy with a manifest, then a playbook and a step renamed with aliases, built."""
    from click.testing import CliRunner

    from generator.cli import main

    project = copy_bundled(tmp_path_factory.mktemp("renamed"))
    runner = CliRunner()
    assert runner.invoke(main, ["urls", "--update", "--project", str(project)]).exit_code == 0
    playbook, step = _renamable(project)
    _rename(project, playbook, step, aliases=True)
    result = runner.invoke(main, ["build", "--project", str(project)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return project, playbook, step


def test_urls_update_writes_a_sorted_manifest_of_pages_and_anchors(project_factory, run):
    project = project_factory({"content/playbooks/renewal.yml": """\
        title: Renewal
        steps:
          - {id: kickoff, title: Kick off}
          - {id: close, title: Close}
        """})
    result = run("urls", "--update", "--project", project)
    assert result.exit_code == 0
    assert result.output.endswith(f"{MANIFEST}: 7 added, 0 removed\n")
    lines = [line for line in (project / MANIFEST).read_text().splitlines() if not line.startswith("#")]
    assert lines == sorted(lines)
    assert {"playbooks/renewal/", "playbooks/renewal/#close", "playbooks/renewal/#kickoff", "roles/csm/"} <= set(lines)
    assert run("urls", "--check", "--project", project).output == f"{MANIFEST} is up to date\n"


def test_build_fails_naming_the_vanished_url_and_the_alias_that_fixes_it(tmp_path, run):
    project = copy_bundled(tmp_path / "p")
    assert run("urls", "--update", "--project", project).exit_code == 0
    playbook, step = _renamable(project)
    _rename(project, playbook, step, aliases=False)

    result = run("build", "--project", project)
    assert result.exit_code == 1
    line = next(n for n, text in enumerate((project / MANIFEST).read_text().splitlines(), 1)
                if text == f"playbooks/{playbook}/")
    steps = len(re.findall(r"(?m)^\s*- id: ", (project / "content/playbooks" / f"{playbook}-renamed.yml").read_text()))
    anchors = f"{steps} anchor{'s' if steps != 1 else ''}"
    assert (f"{MANIFEST}:{line}:1: error: published URL 'playbooks/{playbook}/' would disappear (and {anchors} on it): "
            f"playbook '{playbook}' no longer exists (if it was renamed to '{playbook}-renamed', move "
            f"content/playbooks/{playbook}-renamed.yml back to content/playbooks/{playbook}.yml and run "
            f"`csops mv playbook {playbook} {playbook}-renamed`: it keeps the old URL as an alias and "
            f"rewrites every reference; if it was removed on purpose, run `csops urls --update`) "
            "[vanished-url]") in result.output
    assert not (project / "site").exists(), "nothing may be built when a published URL vanishes"
    assert "1 error in 1 file" in result.output

    # The playbook alias alone is not enough: the renamed step's old anchor is named next.
    file = project / "content/playbooks" / f"{playbook}-renamed.yml"
    file.write_text(file.read_text() + f"\naliases: [{playbook}]\n")
    result = run("validate", "--project", project)
    assert result.exit_code == 1
    assert (f"published URL 'playbooks/{playbook}/#{step}' would disappear: playbook '{playbook}' now redirects to "
            f"'{playbook}-renamed', which has no step '{step}' any more (if it was renamed to '{step}-renamed', set its "
            f"id back to '{step}' in content/playbooks/{playbook}-renamed.yml and run `csops mv step {playbook}-renamed "
            f"{step} {step}-renamed`: it keeps the old URL as an alias and rewrites every reference; "
            f"if it was removed on purpose, run `csops urls --update`) [vanished-url]") in result.output
    # and the command it names does the rest
    text = file.read_text()
    file.write_text(text.replace(f"id: {step}-renamed", f"id: {step}"))
    assert run("mv", "step", f"{playbook}-renamed", step, f"{step}-renamed", "--project", project).exit_code == 0
    assert run("validate", "--project", project).exit_code == 0


def test_old_urls_still_resolve_after_a_rename_with_aliases(renamed_bundled):
    project, playbook, step = renamed_bundled
    site = project / "site"
    redirect = (site / "playbooks" / playbook / "index.html").read_text()
    # mkdocs-redirects writes a page that carries the ?query and the #hash to the new URL (test_browser_reader.py)
    assert f'target="../{playbook}-renamed/"' in redirect and "+window.location.search+" in redirect
    page = (site / "playbooks" / f"{playbook}-renamed" / "index.html").read_text()
    assert f'id="{step}-renamed"' in page
    assert f'<span id="{step}" class="csops-alias"></span>' in page  # the old #anchor still lands on the step
    assert check_site_links(site)[0] == []


def test_renamed_manifest_update_keeps_old_urls_that_aliases_keep_alive(renamed_bundled, run):
    project, playbook, step = renamed_bundled
    result = run("urls", "--check", "--project", project)
    assert result.exit_code == 1
    assert f"not recorded: playbooks/{playbook}-renamed/#{step}-renamed" in result.output
    lines = set((project / MANIFEST).read_text().splitlines())
    assert f"playbooks/{playbook}/#{step}" in lines


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.mark.browser
@pytest.mark.skipif(not CHROMIUM.exists(), reason="needs /usr/bin/chromium")
def test_an_old_step_link_lands_on_the_renamed_step_in_a_browser(renamed_bundled):
    from playwright.sync_api import sync_playwright

    project, playbook, step = renamed_bundled
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0),
                                             functools.partial(_Quiet, directory=str(project / "site")))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    outcome: list = []

    def visit():
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=[
                    "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"])
                tab = browser.new_page()
                tab.goto(f"http://127.0.0.1:{server.server_address[1]}/playbooks/{playbook}/#{step}")
                tab.wait_for_url(f"**/playbooks/{playbook}-renamed/#{step}")
                outcome.append((tab.locator(f"#{step}").count(), tab.locator(f"#{step}-renamed").is_visible()))
                browser.close()
        except Exception as error:  # surfaced below, in the test's own thread
            outcome.append(error)

    # Its own thread: another test module's session browser may already hold this thread's event loop.
    worker = threading.Thread(target=visit)
    try:
        worker.start()
        worker.join(60)
    finally:
        server.shutdown()
        server.server_close()
    if outcome and isinstance(outcome[0], Exception):
        raise outcome[0]
    assert outcome == [(1, True)]


PLAYBOOK = """\
    title: Renewal
    owner: cs-ops
    steps:
      - id: kickoff
        title: Kick off
        body: {body}
    """


def test_broken_markdown_anchor_is_refused_at_its_line_before_mkdocs_runs(project_factory, run):
    """MkDocs' strict mode refused it, naming the generated playbooks/renewal.md: no line to fix in content/."""
    project = project_factory({"content/playbooks/renewal.yml": PLAYBOOK.format(body="'See [the close](#nowhere).'")})
    result = run("build", "--project", project)
    assert result.exit_code == 1 and "MkDocs refused" not in result.output
    assert "content/playbooks/renewal.yml:" in result.output and "link '#nowhere' names no item" in result.output


def test_raw_html_link_to_a_missing_page_fails_the_build_and_keeps_the_old_site(project_factory, run):
    """Raw HTML a template writes (content with such links is refused by validate, at their line)."""
    from conftest import BROKEN_HTML_LINK, with_a_strict_trap

    project = with_a_strict_trap(project_factory({"content/playbooks/renewal.yml": PLAYBOOK.format(body="'Fine.'")}))
    assert run("build", "--project", project).exit_code == 0
    before = (project / "site" / "playbooks" / "renewal" / "index.html").read_text()
    path = project / "content/playbooks/renewal.yml"
    path.write_text(path.read_text() + f"summary: {BROKEN_HTML_LINK}\n")
    result = run("build", "--project", project)
    assert result.exit_code == 1
    assert "2 broken internal links in the built site; the previous site is untouched:" in result.output
    assert "  - playbooks/renewal/index.html: ../nowhere-from-renewal/ (no such file)" in result.output
    assert "  - playbooks/renewal/index.html: #nope (no #nope on playbooks/renewal/index.html)" in result.output
    assert (project / "site" / "playbooks" / "renewal" / "index.html").read_text() == before


def test_edit_this_page_opens_the_yaml_source(project_factory, run):
    mkdocs = ("site_name: T\nsite_url: https://portal.acme.test/\nrepo_url: https://github.com/acme/portal\n"
              "edit_uri: edit/main/build/docs/\ndocs_dir: build/docs\ntheme:\n  name: material\n"
              "  features: [content.action.edit]\n")
    project = project_factory({"mkdocs.yml": mkdocs, "content/playbooks/renewal.yml": PLAYBOOK.format(body="Hi.")})
    assert run("build", "--project", project).exit_code == 0
    page = (project / "site/playbooks/renewal/index.html").read_text()
    edit_links = re.findall(r'<a href="([^"]+)"[^>]*class="md-content__button md-icon"', page)
    assert edit_links == ["https://github.com/acme/portal/edit/main/content/playbooks/renewal.yml"]
    index = (project / "site/playbooks/index.html").read_text()
    assert "md-content__button" not in index, "generated index pages have no single YAML source to edit"


@pytest.mark.parametrize("setting, link", [
    ("repo_url: https://github.com/acme/portal\nedit_uri_template: 'edit/main/{path}'\n",
     "https://github.com/acme/portal/edit/main/content/playbooks/renewal.yml"),
    ("edit_uri_template: 'https://gitlab.acme.test/cs/portal/-/edit/main/{path}?ref_type=heads'\n",
     "https://gitlab.acme.test/cs/portal/-/edit/main/content/playbooks/renewal.yml?ref_type=heads"),
    # {path_noext}: the file's path without its .yml, which the template writes itself
    ("repo_url: https://bitbucket.org/acme/portal\nedit_uri_template: 'src/main/{path_noext}.yml?mode=edit'\n",
     "https://bitbucket.org/acme/portal/src/main/content/playbooks/renewal.yml?mode=edit"),
    # an absolute edit_uri and no repo_url: the project root in the repository's edit view, its slash written once
    ("edit_uri: https://git.acme.test/cs/portal/edit/main/\n", "https://git.acme.test/cs/portal/edit/main/content/playbooks/renewal.yml"),
])
def test_edit_this_page_follows_edit_uri_template(project_factory, run, setting, link):
    """MkDocs' edit_uri_template (GitLab's edit view wants ?ref_type=, a Bitbucket one the path inside its query)
    passed validate and the edit button silently disappeared: csops made edit links from edit_uri and repo_url only.
    Its {path} is the YAML file the page came from, as edit_uri's links are."""
    mkdocs = ("site_name: T\nsite_url: https://portal.acme.test/\n" + setting + "docs_dir: build/docs\ntheme:\n"
              "  name: material\n  features: [content.action.edit]\n")
    project = project_factory({"mkdocs.yml": mkdocs, "content/playbooks/renewal.yml": PLAYBOOK.format(body="Hi.")})
    assert run("validate", "--project", project).exit_code == 0
    assert run("build", "--project", project).exit_code == 0
    page = (project / "site/playbooks/renewal/index.html").read_text()
    edit_links = re.findall(r'<a href="([^"]+)"[^>]*class="md-content__button md-icon"', page)
    assert [html.unescape(href) for href in edit_links] == [link]


def test_faq_entries_and_roles_are_guarded_too(project_factory, run):
    faq = """\
        title: Renewals
        entries:
          - id: {entry}
            q: When do renewals start?
            a: At T-120d.
        """
    project = project_factory({"content/faq/renewals.yml": faq.format(entry="when")})
    run("urls", "--update", "--project", project)
    (project / "content/faq/renewals.yml").write_text(textwrap.dedent(faq.format(entry="start")))
    result = run("validate", "--project", project)
    assert "published URL 'faq/renewals/#when' would disappear: FAQ topic 'renewals' has no entry 'when' any more" in result.output
    (project / "content/faq/renewals.yml").write_text(textwrap.dedent(faq.format(entry="start\n            aliases: [when]")))
    assert run("validate", "--project", project).output == "content is valid (no errors)\n"

    roles = (project / "content/roles.yml").read_text()
    (project / "content/roles.yml").write_text(roles.replace("  - {id: sales-ae, name: Account Executive}\n", ""))
    result = run("validate", "--project", project)
    assert ("published URL 'roles/sales-ae/' would disappear: role 'sales-ae' no longer exists (if it was renamed, add "
            "`aliases: [sales-ae]` to the renamed role in content/roles.yml (`csops mv role` does "
            "that and rewrites every reference); if it was removed on purpose, run `csops urls --update`)") in result.output


def test_a_renamed_role_keeps_its_published_page_as_a_redirect_through_aliases(project_factory, run):
    """Roles had no aliases: a role renamed by hand broke roles/<old>/, pasted in tickets, and validate could only
    say 'roles cannot redirect'. Now the old id in the role's aliases makes its page a redirect, as for a playbook."""
    project = project_factory({"content/playbooks/renewal.yml": PLAYBOOK.format(body="Ask [the AE](role:sales-ae).")})
    assert run("urls", "--update", "--project", project).exit_code == 0
    roles = project / "content/roles.yml"
    renamed = roles.read_text().replace("{id: sales-ae, name: Account Executive}", "{id: account-exec, name: Account Executive}")
    roles.write_text(renamed)
    playbook = project / "content/playbooks/renewal.yml"
    playbook.write_text(playbook.read_text().replace("role:sales-ae", "role:account-exec"))
    result = run("validate", "--project", project)
    assert ("role 'sales-ae' no longer exists (if it was renamed to 'account-exec', add `aliases: [sales-ae]` to role "
            "'account-exec' in content/roles.yml") in result.output, result.output
    roles.write_text(renamed.replace("name: Account Executive}", "name: Account Executive, aliases: [sales-ae]}"))
    assert run("validate", "--project", project).output == "content is valid (no errors)\n"
    built = run("build", "--project", project)
    assert built.exit_code == 0, built.output
    redirect = (project / "site/roles/sales-ae/index.html").read_text()
    assert '<link rel="canonical" href="../account-exec/">' in redirect
    assert (project / "site/roles/account-exec/index.html").is_file()
    # a reference to the former id names the role it became, as for pages
    playbook.write_text(playbook.read_text().replace("role:account-exec", "role:sales-ae"))
    result = run("validate", "--project", project)
    assert ("unknown role 'sales-ae' in 'role:sales-ae' ('sales-ae' is the former id of role 'account-exec' (listed in "
            "its aliases): refer to it as 'account-exec'") in result.output, result.output


@pytest.mark.parametrize("aliases, message", [
    ("[csm]", "duplicate role id 'csm'"),
    ("[index]", "alias 'index' is reserved"),
    ("[sales-ae]", "duplicate role id 'sales-ae'"),
])
def test_a_role_alias_clashing_with_a_role_id_or_alias_is_an_error(project_factory, run, aliases, message):
    project = project_factory({})
    roles = project / "content/roles.yml"
    text = roles.read_text().replace("{id: sales-ae, name: Account Executive}",
                                     "{id: sales-ae, name: Account Executive}\n  - {id: ae, name: AE, aliases: %s}" % aliases)
    roles.write_text(text)
    result = run("validate", "--project", project)
    assert result.exit_code == 1 and message in result.output, result.output
    assert "Traceback" not in result.output


def test_link_check_resolves_folders_anchors_and_site_paths(tmp_path):
    site = tmp_path / "site"
    (site / "roles/csm").mkdir(parents=True)
    # a page whose one broken link is to an #anchor of its own
    (site / "roles/csm/index.html").write_text('<h2 id="duties">Duties</h2> <a href="#dutie">typo</a>', encoding="utf-8")
    (site / "index.html").write_text(
        '<a href="roles/csm">ok</a> <a href="roles/csm/#duties">ok</a> <a href="/docs/roles/csm/">ok</a>'
        ' <a href="https://example.com/x">external</a> <a href="roles/csm/#gone">bad anchor</a>'
        ' <a href="/elsewhere/">outside</a> <a href="roles/cs-lead/">missing</a> <a href="#top">bad local</a>',
        encoding="utf-8")
    assert check_site_links(site, Locator("/docs/"))[0] == [
        "index.html: roles/csm/#gone (no #gone on roles/csm/index.html)",
        "index.html: /elsewhere/ (outside the site)",
        "index.html: roles/cs-lead/ (no such file)",
        "index.html: #top (no #top on index.html)",
        "roles/csm/index.html: #dutie (no #dutie on roles/csm/index.html)",
    ]


def test_a_vouched_page_is_followed_only_into_what_changed(tmp_path):
    """An incremental build's copied pages (bytes of a site that passed the check) are followed again only when a
    link of theirs leads to a page whose ids changed or to a file that is gone; the rest stand on that pass."""
    site = tmp_path / "site"
    pages = {"index.html": '<a href="b/#step">b</a>', "b/index.html": '<h2 id="step">Step</h2>',
             "c/index.html": '<a href="../b/#step">b</a> <a href="../d/">d</a>', "d/index.html": '<h2 id="d">D</h2>',
             "e/index.html": '<a href="../x/">x</a>', "x/index.html": "x", "f/index.html": '<a href="../d/#d">d</a>',
             "g/index.html": '<a href="../b/">b</a>'}
    for name, text in pages.items():
        (site / name).parent.mkdir(parents=True, exist_ok=True)
        (site / name).write_text(text, encoding="utf-8")
    broken, previous = check_site_links(site)
    assert broken == [] and previous["c/index.html"].targets == {"b/": ("step",), "d/": ()} and previous["b/index.html"].ids == ("step",)
    (site / "b/index.html").write_text('<h2 id="renamed">Step</h2>', encoding="utf-8")  # rendered again
    (site / "x/index.html").unlink()
    (site / "x").rmdir()
    vouched = {page: previous[page] for page in ("index.html", "c/index.html", "e/index.html", "f/index.html", "d/index.html",
                                                 "g/index.html")}
    broken, summaries = check_site_links(site, vouched=vouched, previous=previous)
    assert broken == ["c/index.html: ../b/#step (no #step on b/index.html)", "e/index.html: ../x/ (no such file)",
                      "index.html: b/#step (no #step on b/index.html)"]
    assert summaries["b/index.html"].ids == ("renamed",) and summaries["f/index.html"] is vouched["f/index.html"]
    # f links only to d, unchanged since the pass that vouched for it, and g to b without an #anchor (b's ids
    # changed, but the page is there): neither is read again
    (site / "f/index.html").write_text('<a href="../d/#gone">d</a>', encoding="utf-8")
    (site / "g/index.html").write_text('<a href="../b/#gone">b</a>', encoding="utf-8")
    assert not any(b.startswith(("f/", "g/")) for b in check_site_links(site, vouched=vouched, previous=previous)[0])
    assert "f/index.html: ../d/#gone (no #gone on d/index.html)" in check_site_links(site, previous=previous)[0]


def _reference_parse(text: str):
    """The link check's parse as one regex (what parse_html searches for in two faster passes)."""
    import html

    tag_or_id = re.compile(r"<(a|link|img|script)\b([^>]*)>|\sid=\"([^\"]*)\"", re.I)
    attribute = re.compile(r"\s(href|src|name)=\"([^\"]*)\"", re.I)
    ids, links = set(), []
    for match in tag_or_id.finditer(text):
        if match[3] is not None:
            ids.add(html.unescape(match[3]))
            continue
        tag = match[1].lower()
        attrs = {name.lower(): html.unescape(value) for name, value in attribute.findall(match[2])}
        if tag == "a" and attrs.get("name"):
            ids.add(attrs["name"])
        wanted = {"a": "href", "link": "href"}.get(tag)
        if wanted and attrs.get(wanted) is not None:
            links.append(attrs[wanted])
        inner = re.search(r"\sid=\"([^\"]*)\"", match[2])
        if inner:
            ids.add(html.unescape(inner[1]))
    return ids, links


def _reference_locate(base_path: str, relative: str, href: str):
    import posixpath
    from urllib.parse import unquote, urlsplit

    here = posixpath.dirname(relative)
    parts = urlsplit(href)
    if parts.scheme or parts.netloc or href.startswith(("mailto:", "javascript:", "data:")):
        return None
    path = unquote(parts.path)
    if not path:
        return "\0self", unquote(parts.fragment)
    if path.startswith("/"):
        if not path.startswith(base_path):
            return "\0outside", ""
        resolved = path[len(base_path):]
    else:
        resolved = posixpath.normpath(posixpath.join(here, path))
        if resolved.startswith(".."):
            return "\0outside", ""
        if path.endswith("/") and not resolved.endswith("/"):
            resolved += "/"
        resolved = "" if resolved in (".", "./") else resolved
    return resolved, unquote(parts.fragment)


def test_link_parsing_equals_the_plain_regex_on_odd_html():
    """parse_html searches link tags and ids separately, and resolves a path once for all its #anchors; random
    pages of odd pieces (upper case, İ/ı for i, a no-break space before id, quotes left open, > inside values,
    ids inside link tags, percent-encoded anchors, links leaving the site) give what the plain regex and
    urlsplit give."""
    import random

    from generator.linkcheck import SELF, OUTSIDE, parse_html

    assert (SELF, OUTSIDE) == ("\0self", "\0outside")
    hrefs = ['#top', '#', '', '?q=1#x', '../a/#b', '../a/#b%20c', '../a/', 'a', 'a#', '/docs/r/#x', '/docs/r/',
             '/other/#x', '//host/p#x', 'https://e.com/#x', 'mailto:x@y.z', 'javascript:x', 'data:,x#y',
             '../../../../up#x', 'p q#x', 'x id=', ' a#b', 'a\tb#c', 'a#b\tc', '#x\ny', 'a:b#c', '&amp;#x', 'a%2Fb#c', '.#x', './#y', 'x/..#z']
    pieces = ['<a href="{h}">', '<a href="{h}" title="t">', '<img href="{h}">', '<A HREF="{h}" id="in">', '<link rel="x" href="{h}">', '<a name="n1">',
              '<img src="{h}" id="pic">', '<script id="s">', ' id="plain"', ' ID="upper"', ' \u0130d="dotted"',
              ' \u0131D="dotless"', '\u00a0id="nbsp"', 'id="no-space"', ' data-id="data"', ' id="open',
              ' id="a>b"', '<div title=" id=&quot;q&quot;">', '<p id="x&amp;y">', 'd="', ' i', '"', '>', '<a ',
              '<ſcript id="long-s">', '<lin\u212a href="{h}">', 'text ', '\n']
    rng = random.Random(20261203)
    locator = Locator("/docs/")
    for _ in range(3000):
        page = "".join(rng.choice(pieces).format(h=rng.choice(hrefs)) for _ in range(rng.randint(1, 14)))
        relative = rng.choice(["index.html", "roles/csm/index.html", "a/b/c/index.html"])
        parsed = parse_html(page)
        assert (parsed.ids, parsed.links) == _reference_parse(page), page
        located = [(h, *_reference_locate("/docs/", relative, h)) for h in parsed.links
                   if _reference_locate("/docs/", relative, h) is not None]
        assert locator.locate(relative, parsed) == located, (relative, page)


def test_a_page_parsed_in_pieces_gives_what_the_whole_page_gives():
    """Locator.page_in_pieces: a role page's rows, whole elements, each parsed and located alone or taken by digest
    from the last build's, give the ids, links and located links (in the page's order) of the page parsed whole; a
    piece that is not in the page (moved by a later plugin) is said so."""
    from generator.linkcheck import parse_html

    def whole(page: str):
        parsed = Locator("/docs/").page("roles/csm/index.html", page)
        return parsed.ids, parsed.links, parsed.located

    def in_pieces(page: str, pieces, known, made):
        parsed = Locator("/docs/").page_in_pieces("roles/csm/index.html", page, pieces, known, made)
        return parsed and (parsed.ids, parsed.links, parsed.located)

    rows = [f'<li id="r{n}"><a href="../../playbooks/p{n}/">P{n}</a><span> id="text"</span><a href="#s{n}" '
            f'class="x">S</a><a name="n{n}"></a></li>' for n in range(40)]
    pieces = [(str(n).encode(), "\n".join(rows[n:n + 8])) for n in range(0, 40, 8)]
    page = ('<html><head><link href="../../assets/a.css"></head><body><h1 id="top">T</h1>\n<ul>\n'
            + "\n<li>between</li>\n".join(piece for _, piece in pieces) + '\n</ul><a href="/docs/x/">x</a></body></html>')
    made: dict = {}
    assert in_pieces(page, pieces, {}, made) == whole(page) and len(made) == 5 and len(whole(page)[2]) == 82
    known, made = made, {}
    changed = [pieces[0], (b"new", pieces[1][1].replace("P9<", "P9, renamed<")), *pieces[2:]]
    page = page.replace("P9<", "P9, renamed<")
    assert in_pieces(page, changed, known, made) == whole(page)
    assert in_pieces(page, [(b"gone", "<li>not on the page</li>")], known, {}) is None


def test_the_link_check_sees_the_files_rglob_sees(tmp_path):
    """Listed from directory entries (no stat per file): files, nested files and links to files count;
    folders, links to folders and broken links do not, and a linked folder is not walked into."""
    import os

    from generator.linkcheck import _site_files

    site = tmp_path / "site"
    (site / "a/b").mkdir(parents=True)
    (site / "index.html").write_text("x")
    (site / "a/b/index.html").write_text("x")
    (tmp_path / "outside").mkdir()
    (tmp_path / "outside/page.html").write_text("x")
    os.symlink(site / "index.html", site / "a/alias.html")
    os.symlink(tmp_path / "outside", site / "linked")
    os.symlink(site / "gone.html", site / "broken.html")
    expected = {f.relative_to(site).as_posix() for f in site.rglob("*") if f.is_file()}
    assert _site_files(site) == expected == {"index.html", "a/b/index.html", "a/alias.html"}


def test_glossary_terms_and_phase_pages_are_guarded_too(project_factory, run):
    """A support ticket links a definition (glossary/#nrr) as readily as a step: renaming the term broke it silently."""
    glossary = """\
        terms:
          - id: {term}
            term: NRR
            definition: Net revenue retention.
          - id: grr
            term: GRR
            definition: Gross revenue retention.
        """
    playbook = "title: Renewal\nphase: {phase}\nsteps:\n  - {{id: close, title: Close, body: 'Grow [NRR](glossary:nrr).'}}\n"
    project = project_factory({"content/glossary.yml": glossary.format(term="nrr"),
                               "content/playbooks/renewal.yml": playbook.format(phase="renewal")})
    run("urls", "--update", "--project", project)
    assert {"glossary/", "glossary/#nrr", "glossary/#grr", "phases/renewal/"} <= set((project / MANIFEST).read_text().splitlines())

    terms = project / "content/glossary.yml"
    terms.write_text(textwrap.dedent(glossary.format(term="net-retention")))
    result = run("validate", "--project", project)
    assert ("published URL 'glossary/#nrr' would disappear: the glossary has no term 'nrr' any more (if it was renamed "
            "to 'net-retention', set its id back to 'nrr' in content/glossary.yml and run `csops mv term nrr "
            "net-retention`: it keeps the old URL as an alias and rewrites every reference; if it "
            "was removed on purpose, run `csops urls --update`) [vanished-url]") in result.output
    # the alias keeps the link alive; a reference by the old id is told the id the term has now
    terms.write_text(textwrap.dedent(glossary.format(term="net-retention\n            aliases: [nrr]")))
    result = run("validate", "--project", project)
    assert result.exit_code == 1 and "vanished-url" not in result.output
    assert ("unknown glossary term 'nrr' in 'glossary:nrr' ('nrr' is the former id of glossary term 'net-retention' "
            "(listed in its aliases): refer to it as 'net-retention'; `csops mv` rewrites every "
            "reference when it renames) [unknown-reference]") in result.output
    steps = project / "content/playbooks/renewal.yml"
    steps.write_text(steps.read_text().replace("glossary:nrr", "glossary:net-retention"))
    assert run("build", "--project", project).exit_code == 0
    page = (project / "site/glossary/index.html").read_text(encoding="utf-8")
    assert '<h2 id="net-retention"><span id="nrr" class="csops-alias"></span>NRR' in page  # lands on the term

    # an alias may not be another term's id
    terms.write_text(terms.read_text().replace("aliases: [nrr]", "aliases: [grr]"))
    result = run("validate", "--project", project)
    assert "content/glossary.yml:3:15: error: duplicate glossary term id 'grr', already used at line 6 (aliases hold this term's former ids" in result.output

    terms.write_text(terms.read_text().replace("aliases: [grr]", "aliases: [nrr]"))
    steps.write_text(playbook.format(phase="renewals").replace("glossary:nrr", "glossary:net-retention"))
    result = run("validate", "--project", project)
    assert ("published URL 'phases/renewal/' would disappear: no playbook is in phase 'renewal' any more (a phase has "
            "a page while a playbook is in it and cannot redirect; keep one there (phase: renewal), or if it was "
            "removed on purpose, run `csops urls --update`) [vanished-url]") in result.output


def test_the_sections_validate_allows_a_link_to_are_the_sections_each_page_has(built_bundled):
    """validate lets '#raci' through on a chart and refuses it on a playbook from kinds.py's list of each kind's
    sections; a template that gained or lost a section without that list would pass links the build refuses."""
    from generator.kinds import DOCUMENT_KINDS
    from generator.located_yaml import parse_yaml
    from generator.rules import RESERVED_ANCHORS

    checked = 0
    for kind in DOCUMENT_KINDS:
        for source in sorted((built_bundled / "content" / kind.folder).glob("*.yml")):
            data, _ = parse_yaml(source.read_text(encoding="utf-8"), str(source))
            page = built_bundled / "site" / kind.folder / str(data.get("id", source.stem)) / "index.html"
            ids = set(re.findall(r'\bid="([^"]+)"', page.read_text(encoding="utf-8")))
            assert ids & RESERVED_ANCHORS == kind.section_anchors(data), page
            checked += 1
    assert checked >= 20


def test_a_step_moved_to_another_playbook_is_named_with_a_fix_that_keeps_its_link(tmp_path, run):
    """Moving 'pull-data' from qbr to success-plan said "if it was renamed, add `aliases: [pull-data]` to the renamed
    step in content/playbooks/qbr.yml": an alias there lands every ticket's link on the wrong step."""
    project = copy_bundled(tmp_path / "p")
    qbr, plan = project / "content/playbooks/qbr.yml", project / "content/playbooks/success-plan.yml"
    text = qbr.read_text(encoding="utf-8")
    start = text.index("  - id: pull-data\n")
    end = text.index("  - id: ", start + 1)
    move_item(qbr, plan, "pull-data")
    checklist = project / "content/onboarding/new-cs-ops-30-60-90.yml"
    checklist.write_text(checklist.read_text(encoding="utf-8").replace("playbook:qbr#pull-data",
                                                                        "playbook:success-plan#pull-data"), encoding="utf-8")
    result = run("validate", "--project", project)
    assert result.exit_code == 1
    line = next(n for n, url in enumerate((project / MANIFEST).read_text().splitlines(), 1)
                if url == "playbooks/qbr/#pull-data")
    assert (f"{MANIFEST}:{line}:1: error: published URL 'playbooks/qbr/#pull-data' would disappear: playbook 'qbr' "
            "has no step 'pull-data' any more; it moved to playbook 'success-plan' (content/playbooks/success-plan.yml) "
            "(a link cannot follow it to another page: keep a short step 'pull-data' in content/playbooks/qbr.yml "
            "that points to [its new place](playbook:success-plan#pull-data), or, to let old links open the top of "
            f"'qbr', run `csops urls --update`) [vanished-url]") in result.output

    # the fix the message gives validates
    qbr.write_text(text[:start] + "  - id: pull-data\n    title: Pull the data pack (moved)\n    body: Now part of "
                   "the [success plan](playbook:success-plan#pull-data).\n" + text[end:], encoding="utf-8")
    assert run("validate", "--project", project).exit_code == 0


_VERSIONED = """\
title: Renewal runway
phase: renewal
steps:
  - id: confirm
    title: Confirm the stakeholders
    body: Read the [QBR playbook](playbook:qbr) first.
    owner: csm
    raci: {R: csm, A: cs-lead}
    due: T-90d
    checklist: [Name the buyer]
    segments: [smb]
    variants: {smb: Call them.}
"""


def _step_version(project: Path, text: str) -> str:
    from generator.versions import item_version
    from generator.pipeline import load_portal

    (project / "content/playbooks/renewal-runway.yml").write_text(text, encoding="utf-8")
    portal = load_portal(project)
    return item_version(portal.playbooks_by_id["renewal-runway"].steps[0], portal)


@pytest.mark.parametrize("old, new", [
    ("title: Confirm the stakeholders", "title: Confirm every stakeholder"), ("first.", "before the call."),
    ("owner: csm", "owner: cs-lead"), ("A: cs-lead", "A: cs-ops"), ("T-90d", "T-60d"),
    ("[Name the buyer]", "[Name the buyer, Name the signer]"), ("segments: [smb]", "segments: [smb, ent]"),
    ("Call them.", "Email them.")])
def test_an_edit_to_anything_a_step_shows_gives_its_links_a_new_version(project_factory, old, new):
    """A link's ?v= tells a reader who opens it later that the step changed (csops.js): an edit to its title, body,
    owner, RACI, due date, checklist, segments or variants must give a new version, or the notice never shows."""
    settings = "segments:\n  - {id: smb, name: SMB}\n  - {id: ent, name: Enterprise}\n"
    qbr = "title: QBR\nsteps:\n  - {id: prep, title: Prepare}\n"
    project = project_factory({"content/settings.yml": settings, "content/playbooks/qbr.yml": qbr})
    assert _VERSIONED.count(old) == 1
    assert _step_version(project, _VERSIONED) != _step_version(project, _VERSIONED.replace(old, new))


def test_what_a_reader_never_sees_of_a_step_keeps_its_version(project_factory):
    """A step's place in its file is no part of what a reader sees: a comment or a step written above it moves it
    down the file, and must not tell every old link to it 'this step changed' (versions._UNVERSIONED)."""
    settings = "segments:\n  - {id: smb, name: SMB}\n"
    project = project_factory({"content/settings.yml": settings,
                               "content/playbooks/qbr.yml": "title: QBR\nsteps:\n  - {id: prep, title: Prepare}\n"})
    moved = _VERSIONED.replace("steps:\n", "# reviewed by CS Ops in March\n\nsteps:\n")
    assert _step_version(project, moved) == _step_version(project, _VERSIONED)


def test_renaming_what_a_step_links_to_keeps_the_steps_version(project_factory, run):
    """`csops mv playbook qbr quarterly-review` rewrites the step's link to playbook:quarterly-review; the step
    reads the same, so links to it taken before must not say 'this step changed' (FirstNames.as_first_named)."""
    qbr = "title: QBR\nsteps:\n  - {id: prep, title: Prepare}\n"
    project = project_factory({"content/playbooks/qbr.yml": qbr, "content/playbooks/renewal-runway.yml": _VERSIONED,
                               "content/settings.yml": "segments:\n  - {id: smb, name: SMB}\n"})
    before = _step_version(project, _VERSIONED)
    result = run("mv", "playbook", "qbr", "quarterly-review", "--project", project)
    assert result.exit_code == 0, result.output
    text = (project / "content/playbooks/renewal-runway.yml").read_text(encoding="utf-8")
    assert "(playbook:quarterly-review)" in text
    assert _step_version(project, text) == before


def test_renaming_the_step_a_step_links_to_keeps_the_linking_steps_version(project_factory, run):
    """`csops mv step qbr prep prepare` rewrites a link to playbook:qbr#prep in another playbook to #prepare; the
    QBR playbook itself keeps its id, yet the linking step reads the same and its old links must not say 'this step
    changed' (FirstNames maps the anchors of a document that holds a renamed item, renamed itself or not)."""
    qbr = "title: QBR\nsteps:\n  - {id: prep, title: Prepare}\n"
    linking = _VERSIONED.replace("(playbook:qbr)", "(playbook:qbr#prep)")
    project = project_factory({"content/playbooks/qbr.yml": qbr, "content/playbooks/renewal-runway.yml": linking,
                               "content/settings.yml": "segments:\n  - {id: smb, name: SMB}\n"})
    before = _step_version(project, linking)
    result = run("mv", "step", "qbr", "prep", "prepare", "--project", project)
    assert result.exit_code == 0, result.output
    text = (project / "content/playbooks/renewal-runway.yml").read_text(encoding="utf-8")
    assert "(playbook:qbr#prepare)" in text
    assert _step_version(project, text) == before


def test_a_step_or_role_renamed_twice_keeps_the_versions_of_what_names_it(project_factory, run):
    """Aliases are former ids oldest first: a link written before two renames (playbook:qbr#prep, then #draft, then
    #prepare) and a role renamed twice (csm, then am, then account-manager) are read by the first id, so the step that
    links to the one and is owned by the other keeps its version through both renames."""
    qbr = "title: QBR\nsteps:\n  - {id: prep, title: Prepare}\n"
    linking = _VERSIONED.replace("(playbook:qbr)", "(playbook:qbr#prep)")
    project = project_factory({"content/playbooks/qbr.yml": qbr, "content/playbooks/renewal-runway.yml": linking,
                               "content/settings.yml": "segments:\n  - {id: smb, name: SMB}\n"})
    before = _step_version(project, linking)
    for rename in (("step", "qbr", "prep", "draft"), ("step", "qbr", "draft", "prepare"), ("role", "csm", "am"),
                   ("role", "am", "account-manager")):
        result = run("mv", *rename, "--project", project)
        assert result.exit_code == 0, result.output
    text = (project / "content/playbooks/renewal-runway.yml").read_text(encoding="utf-8")
    assert "(playbook:qbr#prepare)" in text and "owner: account-manager" in text
    assert _step_version(project, text) == before


def test_an_faq_answer_moved_to_another_topic_is_named_in_plain_words(tmp_path, run):
    """The step's message, said of an answer, read 'a link cannot follow a entry to another page' (and 'a activity'
    for a duty): the noun took the step's article."""
    project = copy_bundled(tmp_path / "p")
    move_item(project / "content/faq/renewals.yml", project / "content/faq/expansion.yml", "auto-renewal")
    output = run("validate", "--project", project).output
    assert ("it moved to FAQ topic 'expansion' (content/faq/expansion.yml) (a link cannot follow it to another page: "
            "keep a short entry 'auto-renewal' in content/faq/renewals.yml that points to [its new "
            "place](faq:expansion#auto-renewal)") in output, output
