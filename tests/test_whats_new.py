"""What's new and links that know they are old: real git repositories, real builds, Chromium.

A repository gets two commits; the site built from it must list what the latest commit
changed (page and Atom feed), link to where those items are today, and a link copied from
the site as it was before the commit must say that its step changed since.
"""

from __future__ import annotations

import html
import json
import re
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from browser_support import (DEMO_MKDOCS, WORDS_SPLIT_ACROSS_LINES, browser, build, measuring_contrast, page,  # noqa: F401 - shared fixtures
                             serve)
from conftest import make_project
from test_diff import commit_all, git

ATOM = "{http://www.w3.org/2005/Atom}"
FIRST = {
    "content/playbooks/renewal.yml": """\
        title: Renewal runway
        summary: Renew on time.
        owner: cs-ops
        steps:
          - id: kickoff
            title: Kick off
            owner: csm
          - id: confirm
            title: Confirm the stakeholders
            owner: csm
            body: Name the economic buyer.
        """,
    "content/faq/renewals.yml": """\
        title: Renewals
        entries:
          - {id: when, q: When do renewals start?, a: At T-120d.}
        """,
}
SECOND = {
    "content/playbooks/renewal.yml": """\
        title: Renewal runway
        summary: Renew on time.
        owner: cs-ops
        steps:
          - id: kickoff
            title: Kick off
            owner: csm
          - id: confirm-stakeholders
            aliases: [confirm]
            title: Confirm the stakeholders
            owner: csm
            body: Name the economic buyer and the procurement contact.
          - id: forecast
            title: Forecast the renewal
        """,
}
SECOND_DATE = "2027-01-12T09:30:00+00:00"


def _repo(root: Path, monkeypatch) -> Path:
    root.mkdir(parents=True)
    git(root, "init", "-q", "-b", "main")
    make_project(root, {**FIRST, "mkdocs.yml": DEMO_MKDOCS})  # no web fonts: pages load offline
    monkeypatch.setenv("GIT_AUTHOR_DATE", "2027-01-05T08:00:00+00:00")
    monkeypatch.setenv("GIT_COMMITTER_DATE", "2027-01-05T08:00:00+00:00")
    commit_all(root, "Renewal playbook and FAQ")
    return root


def _second_commit(root: Path, monkeypatch) -> None:
    make_project(root, SECOND, with_defaults=False)
    monkeypatch.setenv("GIT_AUTHOR_DATE", SECOND_DATE)
    monkeypatch.setenv("GIT_COMMITTER_DATE", SECOND_DATE)
    commit_all(root, "Renewal: name the procurement contact <early>, add a forecast step")


def _feed(site: Path) -> ET.Element:
    return ET.fromstring((site / "feed.xml").read_bytes())


def test_feed_and_page_list_the_latest_commit_with_links_to_where_items_are_today(tmp_path, monkeypatch):
    project = _repo(tmp_path / "repo", monkeypatch)
    _second_commit(project, monkeypatch)
    site = build(project)

    feed = _feed(site)
    assert feed.tag == f"{ATOM}feed"
    assert feed.findtext(f"{ATOM}updated") == "2027-01-12T09:30:00Z"
    entries = feed.findall(f"{ATOM}entry")
    assert [e.findtext(f"{ATOM}title") for e in entries] == [
        "Renewal: name the procurement contact <early>, add a forecast step", "Renewal playbook and FAQ"]
    latest = entries[0]
    sha = git(project, "rev-parse", "HEAD").strip()
    assert latest.find(f"{ATOM}link").get("href") == f"https://portal.acme.test/whats-new/#c-{sha[:12]}"
    content = latest.findtext(f"{ATOM}content")
    assert ('<a href="https://portal.acme.test/playbooks/renewal/#forecast">Forecast the renewal</a>' in content)
    assert ('Renamed</span> step <a href="https://portal.acme.test/playbooks/renewal/#confirm-stakeholders">'
            in content and "(formerly <code>confirm</code>) — text" in content)

    html = (site / "whats-new" / "index.html").read_text("utf-8")
    assert f'id="c-{sha[:12]}"' in html
    assert "2027-01-12 · Renewal: name the procurement contact &lt;early&gt;, add a forecast step" in html
    # the line under the heading gives the time and the commit, not the heading's date a second time
    entry = html.split(f'id="c-{sha[:12]}"', 1)[1].split("<ul>", 1)[0]
    assert re.sub(r"<[^>]+>", "", entry).count("2027-01-12") == 1 and '<time datetime="2027-01-12T09:30:00Z">09:30 UTC</time>' in entry
    assert '<a href="../playbooks/renewal/#forecast">Forecast the renewal</a>' in html
    # The older commit links its playbook where it is today.
    assert '<a href="../playbooks/renewal/">Renewal runway</a>' in html

    # Every page's head announces the feed, relative to that page.
    pages = [p for p in site.rglob("index.html") if 'http-equiv="refresh"' not in p.read_text("utf-8")]
    assert len(pages) >= 8
    for path in pages:
        depth = len(path.relative_to(site).parts) - 1
        link = f'<link rel="alternate" type="application/atom+xml" title="Demo portal" href="{"../" * depth}feed.xml">'
        assert link in path.read_text("utf-8").split("</head>")[0], path


def test_same_history_gives_byte_identical_page_and_feed(tmp_path, monkeypatch):
    project = _repo(tmp_path / "repo", monkeypatch)
    _second_commit(project, monkeypatch)
    first = build(project)
    page_bytes, feed_bytes = (first / "whats-new/index.html").read_bytes(), (first / "feed.xml").read_bytes()
    # The same history elsewhere, built later: no build clock, no path leaks into the output.
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", str(project), str(clone))
    second = build(clone)
    assert (second / "whats-new/index.html").read_bytes() == page_bytes
    assert (second / "feed.xml").read_bytes() == feed_bytes


def test_without_git_history_the_page_says_so_and_the_build_succeeds(project_factory):
    project = project_factory(FIRST)
    site = build(project)
    html = (site / "whats-new" / "index.html").read_text("utf-8")
    assert "This site was built without git history, so it cannot list what changed." in html
    feed = _feed(site)
    assert feed.findall(f"{ATOM}entry") == [] and feed.findtext(f"{ATOM}updated") == "1970-01-01T00:00:00Z"
    assert '<a href="../feed.xml">Atom feed</a>' in html


def test_a_repository_without_content_commits_says_so(tmp_path):
    project = make_project(tmp_path / "repo", FIRST)
    git(project, "init", "-q", "-b", "main")
    site = build(project)
    assert "No commit has changed the content yet." in (site / "whats-new/index.html").read_text("utf-8")


def test_the_number_of_commits_is_checked(project_factory, run):
    from conftest import MINIMAL_MKDOCS

    project = project_factory({**FIRST, "mkdocs.yml": MINIMAL_MKDOCS.format(language="en")
                               + "extra:\n  csops:\n    whats_new:\n      commits: many\n"})
    message = ("mkdocs.yml:12:16: error: extra.csops.whats_new.commits is 'many'; csops lists a whole number of content "
               "commits on What's new, from 0 to 200 (write a number such as 20, the default, or delete the line)")
    for command in ("validate", "build"):  # validate passed it, and the build stopped on no line
        result = run(command, "--project", project)
        assert result.exit_code == 1 and message in result.output, result.output


@pytest.mark.parametrize("commits, error", [("200", None), ("201", "201"), ("true", "True")])
def test_the_number_of_commits_is_taken_up_to_200_and_no_yes_for_one(project_factory, run, commits, error):
    """200, the most README promises, is taken; 201 is refused, and so is 'true', which YAML reads as a yes (Python
    counts it as 1) and no one writes for a number."""
    from conftest import MINIMAL_MKDOCS

    project = project_factory({**FIRST, "mkdocs.yml": MINIMAL_MKDOCS.format(language="en")
                               + f"extra:\n  csops:\n    whats_new:\n      commits: {commits}\n"})
    result = run("validate", "--project", project)
    if error is None:
        assert result.exit_code == 0, result.output
    else:
        assert result.exit_code == 1 and f"mkdocs.yml:12:16: error: extra.csops.whats_new.commits is {error};" \
            in result.output, result.output


def test_japanese_labels_on_the_page(tmp_path, monkeypatch):
    project = _repo(tmp_path / "repo", monkeypatch)
    (project / "mkdocs.yml").write_text((project / "mkdocs.yml").read_text().replace("language: en", "language: ja"))
    _second_commit(project, monkeypatch)
    html = (build(project) / "whats-new/index.html").read_text("utf-8")
    assert "<h1 id=\"overview\">更新情報" in html
    assert ('<span class="csops-change csops-change-added">追加</span> <a href="../playbooks/renewal/">Renewal runway</a>'
            'の手順「<a href="../playbooks/renewal/#forecast">Forecast the renewal</a>」') in html
    assert "（旧 ID：<code>confirm</code>）（本文）" in html


# Each field name in a line's closing note (（回答）, （質問、回答）) that is not on one line, with its line.
FIELD_NAMES_BROKEN = """(_) => [...document.querySelectorAll('.md-content li:has(> .csops-change)')].map(li => li.lastChild)
  .filter(node => node.nodeType === Node.TEXT_NODE && /（[^（]+）\\s*$/.test(node.textContent)).flatMap(node => {
    const text = node.textContent, note = text.lastIndexOf('（');
    return [...text.slice(note).matchAll(/[^（）、・\\s]+/g)].filter(name => {
      const range = document.createRange();
      range.setStart(node, note + name.index); range.setEnd(node, note + name.index + name[0].length);
      const tops = [...range.getClientRects()].filter(rect => rect.width > 0).map(rect => rect.top);
      return Math.max(...tops) - Math.min(...tops) > 4;
    }).map(name => name[0] + ' in ' + node.parentElement.textContent);
  })"""


def narrowed(read: str) -> str:
    """Page JS: what `read` (a function of one argument returning what is wrong) finds with the article at each width
    from 280 px to its own, as [width, found] pairs. Narrowing the article a pixel at a time in the page reads every
    place a line can fill up; resizing the window every sixth pixel took a round trip each, 175 a page."""
    return f"""arg => {{
  const read = {read}, article = document.querySelector('.md-content article'), found = [];
  const own = article.clientWidth;
  if (own < 600) throw new Error('the article is ' + own + ' px wide: no laptop column to narrow');
  for (let width = 280; width <= own; width++) {{
    article.style.width = width + 'px';
    const seen = read(arg);
    if (seen.length) found.push([width, seen]);
  }}
  return found;
}}"""


@pytest.mark.browser
def test_a_japanese_line_keeps_the_names_of_the_changed_fields_whole(tmp_path, monkeypatch, page):  # noqa: F811
    # the example portal's page ended a line 「…どう伝えればいいですか？」（回 with 答） on the next at 1366 px, and
    # （チェックリス / ト） at 768 and 1024 px: Japanese breaks between any two characters, and a field's name is one word
    project = _repo(tmp_path / "repo", monkeypatch)
    (project / "mkdocs.yml").write_text((project / "mkdocs.yml").read_text().replace("language: en", "language: ja")
                                        .replace("  - search\n", "  - search: {lang: en}\n"))  # no lunr.ja here
    make_project(project, {"content/faq/renewals.yml": """\
        title: Renewals
        entries:
          - {id: when, q: 更新の準備はいつから始めればいいですか？, a: 契約終了日の150日前からです。}
        """}, with_defaults=False)
    commit_all(project, "Renewals FAQ in Japanese")
    for base in serve(build(project)):
        page.goto(base + "whats-new/")
        assert page.evaluate("document.querySelector('.md-content li:has(> .csops-change)').textContent").endswith(
            "（質問、回答）")
        assert dict(page.evaluate(narrowed(FIELD_NAMES_BROKEN))) == {}  # wherever the line happens to fill up



@pytest.mark.browser
def test_a_slack_channel_in_a_title_stays_whole_on_whats_new_and_its_page(tmp_path, monkeypatch, page):  # noqa: F811
    # The Japanese example's What's new broke 「Slackの #cs- / renewal、」 and 「#cs-ops- / news」 in the line for the
    # new-CSM checklist's first item, which its own page kept whole: a title is escaped text (\#cs-renewal), and
    # the # was put aside before the pattern that keeps a channel on one line read it. Its step's heading too. (The
    # timeline's and role pages' links are raw HTML csops writes, which no Markdown pattern reads: not measured.)
    project = _repo(tmp_path / "repo", monkeypatch)
    (project / "mkdocs.yml").write_text((project / "mkdocs.yml").read_text().replace("language: en", "language: ja")
                                        .replace("  - search\n", "  - search: {lang: en}\n"))  # no lunr.ja here
    make_project(project, {"content/playbooks/renewal.yml": FIRST["content/playbooks/renewal.yml"].replace(
        "title: Confirm the stakeholders", 'title: "決裁者を確認し、#cs-renewal-escalations と #cs_ops-news に投稿する"')},
        with_defaults=False)
    commit_all(project, "Renewal: post the stakeholders in Slack")
    for base in serve(build(project)):
        broken = {}
        for path, lines in [("whats-new/", ".md-content article li"), ("playbooks/renewal/", ".md-content article h3")]:
            page.goto(base + path)
            assert any("#cs-renewal-escalations と #cs_ops-news" in line for line in page.locator(lines).all_inner_texts())
            # wherever the line happens to fill up: the article narrowed a pixel at a time, from a phone's column to
            # a laptop's, read in the page (a resized window took 350 round trips for every sixth pixel)
            found = page.evaluate(narrowed(WORDS_SPLIT_ACROSS_LINES), lines)
            broken.update({f"{width} px /{path}": split for width, split in found})
        assert broken == {}



@pytest.mark.parametrize("typed, kept_whole", [
    ("#cs_ops-news and #cs-renewal-escalations", ["#cs_ops-news", "#cs-renewal-escalations"]),
    ("_cs-renewal-escalations", []),  # no channel: an escaped _ stood where the # does
    ("#cs-a#b-c", []),  # an escaped # inside a name is no channel's
    ("_#cs-x-y and ##cs-a-b", ["#cs-x-y", "#cs-a-b"]),  # the channel after an escaped _ or #
])
def test_only_a_channel_is_kept_whole_in_escaped_text(typed, kept_whole):
    """A title is escaped text (escape_text: \\_ and \\#), whose # and _ whole_words reads from Markdown's stash. It
    took any stashed # or _ for either: '_cs-renewal-escalations' (no channel) was kept on one line as one, and
    '_#cs-x-y' with its _ (red team)."""
    import markdown

    from generator.escaping import escape_text
    from generator.whole_words import WholeWordsExtension

    written = markdown.markdown(escape_text(typed), extensions=[WholeWordsExtension()])
    assert re.findall(r'<span class="csops-nowrap">([^<]*)</span>', written) == kept_whole, written
    assert re.sub(r"<[^>]+>", "", written) == typed  # shown as typed


def test_a_channel_in_a_raw_html_step_list_is_kept_whole_as_in_markdown_text():
    """Role and phase pages list step titles in raw HTML (page_context), where escape_attr writes '_' as &#95;: a
    channel or due offset there is kept on one line as in Markdown text, #cs_ops-news included."""
    from generator.escaping import escape_attr
    from generator.whole_words import kept_whole

    typed = "Post in #cs_ops-news and #cs-renewal-escalations by T-30d"
    written = kept_whole(escape_attr(typed))
    assert [html.unescape(word) for word in re.findall(r'<span class="csops-nowrap">([^<]*)</span>', written)] == [
        "#cs_ops-news", "#cs-renewal-escalations", "T-30d"], written
    assert html.unescape(re.sub(r"<[^>]+>", "", written)) == typed  # shown as typed


@pytest.mark.browser
def test_an_old_copied_link_says_its_step_changed_and_a_current_one_does_not(tmp_path, monkeypatch, page):  # noqa: F811
    project = _repo(tmp_path / "repo", monkeypatch)
    for base in serve(build(project)):
        # A reader copies the step's link from the site as it is before the second commit.
        page.goto(base + "playbooks/renewal/")
        page.locator(".csops-step-meta[data-step=confirm]").get_by_role("button", name="Copy link").click()
        copied = page.evaluate("navigator.clipboard.readText()")
        assert re.fullmatch(r"https://portal\.acme\.test/playbooks/renewal/\?v=[0-9a-f]{12}#confirm", copied), copied
        ticket = page.locator(".csops-step-meta[data-step=confirm] .csops-copy-ticket").get_attribute("data-copy")
        assert ticket == f"[Renewal runway › Confirm the stakeholders]({copied})"
        kickoff = _version_of(page, "kickoff")

        _second_commit(project, monkeypatch)
        build(project)
        page.goto(copied.replace("https://portal.acme.test/", base))
        notice = page.locator(".csops-version-notice")
        assert notice.inner_text().strip() == ("This step changed on 2027-01-12, after this link was copied. "
                                               "See what changed")
        # Right under the step the old link (#confirm, now an alias) lands on.
        assert notice.evaluate("n => n.previousElementSibling.dataset.step") == "confirm-stakeholders"
        notice.get_by_role("link", name="See what changed").click()
        sha = git(project, "rev-parse", "HEAD").strip()
        page.wait_for_url(f"{base}whats-new/#c-{sha[:12]}")
        assert page.locator(f"h2#c-{sha[:12]}").is_visible()

        # A link copied now carries the current version: no notice.
        page.goto(base + "playbooks/renewal/")
        page.locator(".csops-step-meta[data-step=confirm-stakeholders]").get_by_role("button", name="Copy link").click()
        current = page.evaluate("navigator.clipboard.readText()")
        assert current != copied.replace("#confirm", "#confirm-stakeholders")
        page.goto(current.replace("https://portal.acme.test/", base))
        page.locator("h3#confirm-stakeholders").wait_for()
        assert page.locator(".csops-step-meta[data-step=confirm-stakeholders][data-csops-ready]").count() == 1
        assert page.locator(".csops-version-notice").count() == 0
        # An unchanged step's old link stays quiet too.
        page.goto(base + "playbooks/renewal/?v=" + kickoff + "#kickoff")
        page.locator(".csops-step-meta[data-step=kickoff][data-csops-ready]").wait_for()
        assert page.locator(".csops-version-notice").count() == 0

        # A ?v= the history does not know (mistyped, cut short, or not a version at all) claims no date: the step
        # "changed on 2027-01-12, after this link was copied" was said of deadbeef0000 too.
        for wrong in ("deadbeef0000", "deadbeef", "not-a-version"):
            page.goto(f"{base}playbooks/renewal/?v={wrong}#confirm-stakeholders")
            notice = page.locator(".csops-version-notice")
            assert notice.inner_text().strip() == ("This step may have changed since this link was copied. "
                                                   "See what changed"), wrong
            assert notice.is_visible()


DUTIES = """\
    title: Renewal duties
    activities:
      - id: discount-approval
        name: Approve a renewal discount
        raci: {R: csm, A: cs-lead}
    """


@pytest.mark.browser
def test_faq_answers_and_chart_duties_have_copy_links_that_say_when_they_changed(tmp_path, monkeypatch, page, run):  # noqa: F811
    """Support pastes FAQ answers and "who approves this" duties into tickets as often as steps: their links carry
    their version as a step's does, from the page and from csops link, and opened after the answer or the duty's
    roles changed, the page says so."""
    project = _repo(tmp_path / "repo", monkeypatch)
    make_project(project, {"content/charts/renewal-duties.yml": DUTIES}, with_defaults=False)
    commit_all(project, "Renewal duties chart")
    for base in serve(build(project)):
        copied = {}
        for path, item, text_above, label in (
                ("faq/renewals/", "when", "At T-120d.", "Renewals › When do renewals start?"),
                ("charts/renewal-duties/", "discount-approval", "A Accountable: CS Lead",
                 "Renewal duties › Approve a renewal discount")):
            page.goto(base + path)
            meta = page.locator(f".csops-item-links[data-item-id={item}]")
            # under the item's text, as a reader who has read it copies it
            assert meta.evaluate("m => m.previousElementSibling.innerText.trim().split('\\n').pop()") == text_above
            meta.get_by_role("button", name="Copy link").click()
            copied[item] = page.evaluate("navigator.clipboard.readText()")
            assert re.fullmatch(rf"https://portal\.acme\.test/{path}\?v=[0-9a-f]{{12}}#{item}", copied[item]), copied
            ticket = meta.locator(".csops-copy-ticket").get_attribute("data-copy")
            assert ticket == f"[{label}]({copied[item]})"
        linked = json.loads(run("link", "--project", project, "--format", "json", "when do renewals start").output)
        assert (linked["url"], linked["markdown"]) == (copied["when"], f"[Renewals › When do renewals start?]({copied['when']})")

        make_project(project, {"content/faq/renewals.yml": FIRST["content/faq/renewals.yml"].replace("At T-120d.", "At T-150d."),
                               "content/charts/renewal-duties.yml": DUTIES.replace("A: cs-lead", "A: cs-ops")},
                     with_defaults=False)
        monkeypatch.setenv("GIT_AUTHOR_DATE", SECOND_DATE)
        monkeypatch.setenv("GIT_COMMITTER_DATE", SECOND_DATE)
        commit_all(project, "Renewals: start at T-150d; CS Ops approves discounts")
        build(project)
        for item, notice_text in (("when", "This answer changed on 2027-01-12, after this link was copied."),
                                  ("discount-approval", "This duty changed on 2027-01-12, after this link was copied.")):
            page.goto(copied[item].replace("https://portal.acme.test/", base))
            notice = page.locator(".csops-version-notice")
            assert notice.inner_text().strip() == notice_text + " See what changed"
            # right under the heading the link opens, above the text it warns about
            assert notice.evaluate("n => n.previousElementSibling.id") == item
        assert notice.evaluate("n => n.nextElementSibling.innerText") == "R Responsible: Customer Success Manager\nA Accountable: CS Ops"
        # A link copied now is quiet.
        page.goto(base + "faq/renewals/")
        page.locator(".csops-item-links[data-item-id=when]").get_by_role("button", name="Copy link").click()
        current = page.evaluate("navigator.clipboard.readText()")
        assert current != copied["when"]
        page.goto(current.replace("https://portal.acme.test/", base))
        page.locator(".csops-item-links[data-item-id=when][data-csops-ready]").wait_for()
        assert page.locator(".csops-version-notice").count() == 0


def _version_of(page, step: str) -> str:  # noqa: F811
    return page.evaluate("s => JSON.parse(document.querySelector('.csops-versions').dataset.versions)[s].v", step)


def test_a_shallow_clone_lists_only_what_it_can_know(tmp_path, monkeypatch):
    project = _repo(tmp_path / "repo", monkeypatch)
    _second_commit(project, monkeypatch)
    one = tmp_path / "one"
    git(tmp_path, "clone", "-q", "--depth", "1", f"file://{project}", str(one))
    assert "built without git history" in (build(one) / "whats-new/index.html").read_text("utf-8")
    two = tmp_path / "two"
    git(tmp_path, "clone", "-q", "--depth", "2", f"file://{project}", str(two))
    entries = _feed(build(two)).findall(f"{ATOM}entry")
    # The oldest commit's parent is not in the clone: it is the base, not an entry claiming to add everything.
    assert [e.findtext(f"{ATOM}title") for e in entries] == [
        "Renewal: name the procurement contact <early>, add a forecast step"]


def test_a_heading_is_the_first_line_of_the_commit_message_cut_at_a_word(tmp_path, monkeypatch):
    """git's %s is the whole first paragraph: a message whose first lines ran on became a fifteen-line heading."""
    from generator.history import HEADLINE_CHARS, headline

    assert headline("Renewal runway: 60-day proposal step\nand a longer explanation\n\nBody.") == \
        "Renewal runway: 60-day proposal step"
    # U+2028, U+2029 and U+0085 (pasted from a web page or a word processor) read as a space, not as the line's end
    for pasted in ("\u2028", "\u2029", "\x85"):
        assert headline(f"Checklist: the first week{pasted}now says who to ask\n\nBody.") == \
            "Checklist: the first week now says who to ask"
    assert headline("Windows editor: a CRLF subject\r\nsecond line") == "Windows editor: a CRLF subject"
    assert headline("Old Mac editor: a CR subject\rsecond line") == "Old Mac editor: a CR subject"
    assert headline("\n   \n  An indented subject  \nBody.") == "An indented subject"  # blank lines are no headline
    long = "Content: an English FAQ for the customer who says they want to cancel, with asked_as phrases " * 2
    cut = headline(long)
    assert len(cut) <= HEADLINE_CHARS + 1 and cut.endswith("…") and long.startswith(cut[:-1]) and cut[-2] != " "
    project = _repo(tmp_path / "repo", monkeypatch)
    path = project / "content/playbooks/renewal.yml"
    path.write_text(path.read_text().replace("title: Renewal runway", "title: Renewal runway, revised"))
    git(project, "commit", "-qam", "Retitle the renewal runway\ncontinued on a second line of the same paragraph")
    html = (build(project) / "whats-new/index.html").read_text("utf-8")
    headings = [re.sub(r"<h2[^>]*>", "", h) for h in re.findall(r"<h2[^>]*>[^<]*", html)]
    assert headings[0] == "2027-01-05 · Retitle the renewal runway" and "continued on a second line" not in html, headings


def test_a_commit_message_holding_a_record_separator_is_one_entry(tmp_path, monkeypatch):
    """History read `git log` records split at \\x1e: a message holding that byte (git allows it) raised ValueError
    in every build until twenty more content commits pushed it out of the feed."""
    from generator.history import read_change_feed
    from generator.pipeline import load_portal

    project = _repo(tmp_path / "repo", monkeypatch)
    make_project(project, SECOND, with_defaults=False)
    git(project, "add", "-A")
    (tmp_path / "message").write_bytes(b"Forecast step \x1e and more\n\nBody \x1e\xff line\n")
    git(project, "commit", "-q", "-F", str(tmp_path / "message"))
    feed = read_change_feed(project, load_portal(project))
    # the subject whole, its control written out as on the page (cut at the \x1e while headline broke lines there)
    assert [entry.subject for entry in feed.entries] == ["Forecast step \\u001e and more", "Renewal playbook and FAQ"]


def test_a_commit_that_added_a_file_name_that_is_not_utf8_does_not_stop_the_build(tmp_path, monkeypatch):
    """git lists such a name as its bytes; history decoded them as UTF-8 and raised UnicodeDecodeError in every
    build while the commit was among the feed's last twenty, even after the file was renamed."""
    import os

    from generator.history import read_change_feed
    from generator.pipeline import load_portal

    project = _repo(tmp_path / "repo", monkeypatch)
    odd = os.fsencode(project / "content/playbooks") + b"/caf\xe9.yml"
    with open(odd, "wb") as file:
        file.write(b"id: cafe\ntitle: Cafe\nsteps: [{id: s, title: S}]\n")
    commit_all(project, "Add a playbook saved on an old share")
    os.rename(odd, project / "content/playbooks/cafe.yml")
    commit_all(project, "Rename it")
    feed = read_change_feed(project, load_portal(project))
    assert [entry.subject for entry in feed.entries] == ["Rename it", "Renewal playbook and FAQ"]
    assert [(c.action, c.new_id) for c in feed.entries[0].changes] == [("added", "cafe")]


def test_control_and_direction_characters_of_a_commit_subject_are_written_out(tmp_path, monkeypatch):
    """Commit subjects are checked by nothing: a U+202E in one showed 'gnp.exe' as 'exe.png' on What's new, and its
    ESC sequences (a cleared screen, a terminal title) went raw into the page, its search index and the feed.
    Both now show each such character as \\uXXXX, as typed; an emoji's joiner stays."""
    project = _repo(tmp_path / "repo", monkeypatch)
    make_project(project, SECOND, with_defaults=False)
    git(project, "add", "-A")
    (tmp_path / "message").write_text("\x1b[2J\x1b]0;pwned\x07 \u202egnp.exe \U0001F469\u200d\U0001F4BB done\n",
                                      encoding="utf-8")
    git(project, "commit", "-q", "-F", str(tmp_path / "message"))
    site = build(project)
    shown = "\\u001b[2J\\u001b]0;pwned\\u0007 \\u202egnp.exe \U0001F469\u200d\U0001F4BB done"
    html = (site / "whats-new/index.html").read_text("utf-8")
    heading = re.sub(r"<h2[^>]*>", "", re.findall(r"<h2[^>]*>[^<]*", html)[0])
    assert heading.endswith(shown), heading
    assert not re.search("[\x1b\x07\u202e]", html + (site / "search/search_index.json").read_text("utf-8"))
    assert _feed(site).findtext(f"{ATOM}entry/{ATOM}title") == shown



# Each What's new badge: [its class, its text on its fill, its fill against the page], as WCAG contrast ratios.
BADGE_CONTRASTS = measuring_contrast("""() => {
  const page = getComputedStyle(document.body).backgroundColor;
  return [...document.querySelectorAll('.csops-change')].map(badge => {
    const style = getComputedStyle(badge);
    return [badge.className, contrast(style.color, style.backgroundColor), contrast(style.backgroundColor, page)];
  });
}""")


@pytest.mark.browser
def test_change_badges_take_dark_fills_in_dark_mode_and_stay_readable(tmp_path, monkeypatch, page):  # noqa: F811
    # in dark mode "Added", "Changed", "Renamed" and "Removed" kept their light-mode pastel fills: bright patches
    # (13-15:1 against the page) down a dark page where every other chip and RACI badge takes a dark fill
    project = _repo(tmp_path / "repo", monkeypatch)
    _second_commit(project, monkeypatch)
    (project / "content" / "faq" / "renewals.yml").unlink()
    commit_all(project, "Drop the renewals FAQ")
    # the dark scheme's colours come with a palette (Material's palette.css), as in the bundled mkdocs.yml
    (project / "mkdocs.yml").write_text(DEMO_MKDOCS.replace(
        "  font: false", "  palette: [{scheme: default, toggle: {icon: material/brightness-7, name: Dark}},\n"
        "            {scheme: slate, toggle: {icon: material/brightness-4, name: Light}}]\n  font: false"))
    for base in serve(build(project)):
        page.goto(base + "whats-new/")
        light = page.evaluate(BADGE_CONTRASTS)
        page.locator("label[for=__palette_1]").click()  # the header's dark-mode toggle
        assert page.evaluate("document.body.dataset.mdColorScheme") == "slate"
        dark = page.evaluate(BADGE_CONTRASTS)
        kinds = {name.split()[-1] for name, *_ in light}
        assert {"csops-change-added", "csops-change-renamed", "csops-change-removed"} <= kinds, kinds
        assert [b for b in light + dark if b[1] < 4.5] == []  # the word on its fill, in both schemes
        assert [b for b in dark if b[2] > 3] == []  # a dark fill on the dark page, as the other chips have


def test_the_history_parses_each_file_once_for_the_commits_that_share_it(tmp_path, monkeypatch):
    """What's new models content/ at each of the last 20 content commits, and parsed and checked every file again at
    each: in a fresh clone of csops-portal (28 files, 21 revisions, 589 parses) that was 5.4-8.5 s of every `csops
    build`, 3.3 s of a 4.3 s build with nothing to do (first-hour walkthrough). A file with the same bytes as at the
    commit before is now parsed once: one parse per file, then one per file a commit changed. And a file with the bytes
    the working tree has is not parsed at all once the build has (its cache entry): at 1,000 playbooks the oldest
    commit's files were all parsed again, 4-8 s of a build in a fresh clone."""
    from generator import history, loader
    from generator.pipeline import load_portal

    project = _repo(tmp_path / "repo", monkeypatch)
    files = len(list((project / "content").rglob("*.yml")))
    faq = project / "content/faq/renewals.yml"
    for number in (1, 2):  # two commits, each changing one file
        faq.write_text(re.sub(r"a: [^}]*\}", f"a: Edit {number}.}}", faq.read_text()))
        commit_all(project, f"FAQ edit {number}")
    portal = load_portal(project)  # keeps each working-tree file's parse (build/cache/content)
    parsed: list[str] = []
    real_parse = loader.parse_yaml
    monkeypatch.setattr(loader, "parse_yaml", lambda text, path, *a, **k: parsed.append(path) or real_parse(text, path, *a, **k))

    def history_parses() -> list[str]:
        history._SIDES.clear()
        shutil.rmtree(project / "build/cache/history", ignore_errors=True)
        parsed.clear()
        feed = history.read_change_feed(project, portal)
        assert [entry.subject for entry in feed.entries][:2] == ["FAQ edit 2", "FAQ edit 1"]
        return sorted(parsed)

    assert history_parses() == ["content/faq/renewals.yml"] * 2  # the answer before each edit
    shutil.rmtree(project / "build/cache/content")
    assert len(history_parses()) == files + 2


def test_a_rebuild_takes_the_last_feed_until_a_commit_an_id_or_an_attribute_changes_it(tmp_path, monkeypatch):
    """Making the feed loads content/ at each of the last commits: in a git checkout of 1,000 playbooks 15 s of a
    19 s rebuild with nothing changed. The last feed is kept (history_cache.py) while nothing it is made from
    changed: an edit of a title reads no past file, a renamed id, a new commit or a changed .gitattributes reads
    them again, and what is read is what a build without the kept feed gives. A planted entry is never taken."""
    from generator import history, loader
    from generator.signed_files import MAC_BYTES
    from generator.pipeline import load_portal

    project = _repo(tmp_path / "repo", monkeypatch)
    _second_commit(project, monkeypatch)
    parsed: list[str] = []
    real_parse = loader.parse_yaml
    monkeypatch.setattr(loader, "parse_yaml", lambda text, path, *a, **k: parsed.append(path) or real_parse(text, path, *a, **k))

    def feed(fresh: bool = False):
        portal = load_portal(project)  # the working tree's files are parsed here, before counting
        history._SIDES.clear()  # what a new process starts with
        if fresh:
            shutil.rmtree(project / "build/cache/history", ignore_errors=True)
        parsed.clear()
        return history.read_change_feed(project, portal), len(parsed)

    first, reads = feed()
    assert reads > 0 and [e.subject for e in first.entries][0].startswith("Renewal: name the procurement contact")
    assert feed() == (first, 0)
    playbook = project / "content/playbooks/renewal.yml"
    playbook.write_text(playbook.read_text().replace("title: Forecast the renewal", "title: Forecast it"))
    assert feed() == (first, 0)  # a title edited since: nothing the feed reads
    playbook.write_text(playbook.read_text().replace("id: forecast", "id: forecast-it\n    aliases: [forecast]"))
    renamed, reads = feed()
    assert reads > 0 and renamed == feed(fresh=True)[0] and renamed != first  # its link goes to the new id
    (project / ".gitattributes").write_text("content/faq/renewals.yml ident\n", encoding="utf-8")
    assert feed()[1] > 0
    commit_all(project, "Forecast it")
    latest, reads = feed()
    assert reads > 0 and latest.entries[0].subject == "Forecast it" and latest == feed(fresh=True)[0]
    kept = project / "build/cache/history/feed"
    body = kept.read_bytes()[MAC_BYTES:]
    kept.write_bytes(bytes(MAC_BYTES) + body)  # the same entry, not signed with this machine's secret
    assert feed() == (latest, reads)


def test_a_page_the_feed_never_named_added_deleted_or_renamed_keeps_the_kept_feed(tmp_path, monkeypatch, run):
    """The kept feed was keyed on every page's ids and on every rename: adding, deleting or renaming any playbook made
    the whole feed again (2 s at 1,000 playbooks and 4 commits, in every build and `csops serve` save until the
    change was committed). It is kept with what it read of the portal instead, and asked again: a page it never
    named changes nothing it read, and is no past file read; a renamed page it names, or an alias given to what a
    step in it links to (the step's version reads that link by the target's first id), reads them again. Each
    feed is the one made without a kept feed."""
    from generator import history, loader
    from generator.pipeline import load_portal

    project = _repo(tmp_path / "repo", monkeypatch)
    make_project(project, {"content/playbooks/qbr.yml": "title: QBR\nsteps: [{id: prep, title: Prep}]\n",
                           "content/playbooks/forecast.yml": "title: Forecast\nsteps: [{id: call, title: Call}]\n"},
                 with_defaults=False)
    commit_all(project, "QBR and forecast playbooks")
    _second_commit(project, monkeypatch)
    parsed: list[str] = []
    real_parse = loader.parse_yaml
    monkeypatch.setattr(loader, "parse_yaml", lambda text, path, *a, **k: parsed.append(path) or real_parse(text, path, *a, **k))

    def feed(fresh: bool = False):
        portal = load_portal(project)
        history._SIDES.clear()
        if fresh:
            shutil.rmtree(project / "build/cache/history", ignore_errors=True)
        parsed.clear()
        return history.read_change_feed(project, portal), len(parsed)

    def unchanged_then_fresh():
        kept, reads = feed()
        assert reads == 0 and kept == feed(fresh=True)[0]
        return kept

    first, reads = feed()
    assert reads > 0 and [e.subject for e in first.entries][:2] == [
        "Renewal: name the procurement contact <early>, add a forecast step", "QBR and forecast playbooks"]
    make_project(project, {"content/playbooks/churn.yml": "title: Churn\nsteps: [{id: save, title: Save}]\n"},
                 with_defaults=False)
    assert unchanged_then_fresh() == first  # a playbook added
    (project / "content/playbooks/churn.yml").unlink()
    assert unchanged_then_fresh() == first  # and deleted
    # the QBR playbook is named by the feed (it was added): renamed, its entry links to the new id
    assert run("mv", "playbook", "qbr", "business-review", "--project", project).exit_code == 0
    renamed, reads = feed()
    assert reads > 0 and renamed == feed(fresh=True)[0] and renamed != first
    assert feed() == (renamed, 0)
    # the forecast playbook, renamed with its old id kept: the renewal step linking to it reads it by its first id
    playbook = project / "content/playbooks/renewal.yml"
    playbook.write_text(playbook.read_text().replace("body: Name the economic buyer and the procurement contact.",
                                                     "body: See [the forecast](playbook:forecast)."))
    commit_all(project, "Link the forecast")
    playbook.write_text(playbook.read_text().replace("title: Confirm the stakeholders", "title: Confirm who signs"))
    commit_all(project, "Say who signs")  # the step's version before this change holds the link
    linked, reads = feed()
    assert reads > 0 and feed() == (linked, 0)
    forecast = project / "content/playbooks/forecast.yml"
    forecast.write_text(forecast.read_text().replace("title: Forecast", "title: Forecast\naliases: [forecast-old]"))
    aliased, reads = feed()
    assert reads > 0 and aliased == feed(fresh=True)[0] and aliased != linked


def test_the_feed_drops_exactly_the_characters_xml_cannot_hold():
    """feed.xml's text is stripped of what XML 1.0 does not allow (a commit subject holding a control character made the
    feed unreadable), and of nothing else: every code point, against the standard's Char production."""
    from generator.feed import _NOT_XML

    def xml_char(code: int) -> bool:
        return code in (0x9, 0xA, 0xD) or 0x20 <= code <= 0xD7FF or 0xE000 <= code <= 0xFFFD or 0x10000 <= code <= 0x10FFFF

    assert [code for code in range(0x110000) if xml_char(code) == bool(_NOT_XML.match(chr(code)))] == []


def test_a_commit_is_read_as_committed_whatever_its_gitattributes_say(tmp_path, monkeypatch):
    """Red team: past commits were written by `git archive`, which applies the commit's own .gitattributes: a page
    added with `export-ignore` beside it was no news, and `export-subst` showed a title written '… $Format:%s$' as
    the commit's subject. Both are read as committed now."""
    from generator import history
    from generator.pipeline import load_portal

    project = _repo(tmp_path / "repo", monkeypatch)
    (project / ".gitattributes").write_text("content/faq/qbr.yml export-ignore\n"
                                            "content/faq/renewals.yml export-subst\n", encoding="utf-8")
    make_project(project, {"content/faq/qbr.yml": "title: QBR\nentries:\n  - {id: when, q: When?, a: Quarterly.}\n",
                           "content/faq/renewals.yml": FIRST["content/faq/renewals.yml"].replace(
                               "title: Renewals", "title: Renewals $Format:%s$")}, with_defaults=False)
    commit_all(project, "Tidy up")
    history._SIDES.clear()
    feed = history.read_change_feed(project, load_portal(project))
    assert feed.entries[0].subject == "Tidy up"
    changes = {(change.action, change.kind, change.title) for change in feed.entries[0].changes}
    assert ("added", "faq", "QBR") in changes and ("changed", "faq", "Renewals $Format:%s$") in changes, changes


@pytest.mark.parametrize("replaced_by", ["link", "file", "link to its file"])
def test_a_content_folder_replaced_by_a_link_or_a_file_is_news_not_a_stopped_build(tmp_path, monkeypatch, replaced_by):
    """A commit turning content/faq/ into a link (a shared folder) or into one file of that name stopped every build
    while it was in the feed (IsADirectoryError: the folder stood where the file or link went); its answers are
    removed, as the checkout has them, as they are when the FAQ's file alone becomes a link."""
    from generator import history
    from generator.pipeline import load_portal

    project = _repo(tmp_path / "repo", monkeypatch)
    portal = load_portal(project)  # as built before the commit: the checkout's link out of the project is refused
    if replaced_by == "link to its file":
        (project / "content/faq/renewals.yml").unlink()
        (project / "content/faq/renewals.yml").symlink_to("../../../shared-faq/renewals.yml")
    else:
        shutil.rmtree(project / "content/faq")
    if replaced_by == "link":
        (project / "content/faq").symlink_to("../../shared-faq")
    elif replaced_by == "file":
        (project / "content/faq").write_text("see the wiki\n", encoding="utf-8")
    commit_all(project, "FAQ moved out")
    history._SIDES.clear()
    feed = history.read_change_feed(project, portal)
    assert feed.entries[0].subject == "FAQ moved out"
    assert {(change.action, change.kind, change.title) for change in feed.entries[0].changes} == {
        ("removed", "faq", "Renewals")}


def test_links_csops_mv_rewrote_are_no_news(tmp_path, monkeypatch, run):
    """After `csops mv playbook renewal renewal-runway`, What's new listed each step and answer linking to it as
    'Changed … — text', though the link leads where it did and the step's copied ?v= link said it had not changed."""
    from generator import history
    from generator.pipeline import load_portal

    project = _repo(tmp_path / "repo", monkeypatch)
    faq = project / "content/faq/renewals.yml"
    faq.write_text(faq.read_text().replace("At T-120d.", "\"See [the runway](playbook:renewal#confirm).\""))
    commit_all(project, "FAQ links the runway")
    moved = run("mv", "playbook", "renewal", "renewal-runway", "--project", project)
    assert moved.exit_code == 0, moved.output
    assert run("mv", "step", "renewal-runway", "confirm", "confirm-stakeholders", "--project", project).exit_code == 0
    commit_all(project, "Rename the runway")
    feed = history.read_change_feed(project, load_portal(project))
    latest = feed.entries[0]
    assert latest.subject == "Rename the runway"
    assert [(c.action, c.noun, c.new_id, c.fields) for c in latest.changes] == [
        ("renamed", "page", "renewal-runway", ()), ("renamed", "step", "confirm-stakeholders", ())]


@pytest.mark.parametrize("zone", ["", "timezone: Asia/Tokyo\n"])  # the last day a page can show is in year 10000 there
@pytest.mark.parametrize("date", ["253402300800", "9223372036854775807", "unreadable"])
def test_a_commit_dated_past_year_9999_or_unreadably_does_not_stop_the_build(tmp_path, monkeypatch, date, zone):
    """`git commit` takes dates up to 2^63 - 1 seconds: a commit from a clock set to year 10000 raised ValueError
    (a traceback) in every build while it was among What's new's last twenty commits, and one whose committer line
    git cannot read (%ct empty) did too. They are dated as git shows them: the last day a page can show, or 1970."""
    project = _repo(tmp_path / "repo", monkeypatch)
    make_project(project, {**SECOND, "content/settings.yml": "review_interval: 180d\n" + zone}, with_defaults=False)
    git(project, "add", "-A")
    if date == "unreadable":  # a commit object written by a tool, as `git fsck` would flag it
        tree = git(project, "write-tree").strip()
        parent = git(project, "rev-parse", "HEAD").strip()
        (tmp_path / "commit").write_text(f"tree {tree}\nparent {parent}\nauthor a <a@example.com> 1800000000 +0000\n"
                                         f"committer a <a@example.com> -5 +0000\n\nForecast step\n")
        sha = git(project, "hash-object", "-t", "commit", "-w", "--literally", str(tmp_path / "commit")).strip()
        git(project, "update-ref", "HEAD", sha)
    else:
        monkeypatch.setenv("GIT_COMMITTER_DATE", f"@{date} +0000")
        commit_all(project, "Forecast step")
    site = build(project)
    html = (site / "whats-new/index.html").read_text("utf-8")
    shown = "1970-01-01" if date == "unreadable" else "9999-12-31"
    assert f"{shown} · Forecast step" in html
    assert _feed(site).findtext(f"{ATOM}entry/{ATOM}updated").startswith(shown)


@pytest.mark.parametrize("language, one, many", [
    ("en", "in the latest content commit.", "content commits"),
    ("ja", "最新のコンテンツ更新で", "件のコンテンツ更新"),
])
def test_one_content_commit_is_not_called_commits(tmp_path, monkeypatch, language, one, many):
    """'in the last 1 content commits' read as a slip; one commit is said in the singular, in each language."""
    project = _repo(tmp_path / "repo", monkeypatch)
    (project / "mkdocs.yml").write_text((project / "mkdocs.yml").read_text().replace("language: en", f"language: {language}"))
    html = (build(project) / "whats-new/index.html").read_text("utf-8")
    assert one in html and many not in html
    _second_commit(project, monkeypatch)
    html = (build(project) / "whats-new/index.html").read_text("utf-8")
    assert one not in html and many in html


@pytest.mark.parametrize("language, off, untrue", [
    ("en", "This portal does not list its recent changes here.", "No commit has changed the content yet."),
    ("ja", "このポータルでは更新情報を一覧にしていません。", "コンテンツを変更したコミットはまだありません。"),
])
def test_a_portal_that_lists_no_commits_does_not_say_there_were_none(tmp_path, monkeypatch, language, off, untrue):
    """`extra.csops.whats_new.commits: 0` (README: how many commits What's new lists) turns the list off; the page
    told readers of a portal with a long history 'No commit has changed the content yet.'"""
    project = _repo(tmp_path / "repo", monkeypatch)
    _second_commit(project, monkeypatch)
    config = (project / "mkdocs.yml").read_text().replace("language: en", f"language: {language}")
    (project / "mkdocs.yml").write_text(config + "extra:\n  csops:\n    whats_new:\n      commits: 0\n")
    html = (build(project) / "whats-new/index.html").read_text("utf-8")
    assert off in html and untrue not in html


def test_committing_an_edit_already_built_puts_the_change_on_the_steps_page(tmp_path, monkeypatch):
    """Edit, build, then commit and build again (csops serve does just this): the second build's Markdown of the
    playbook is unchanged, but its step now has a change in the history, which the page lists for csops.js's
    'this step changed' notice. The page must be rendered again, as a cold build of the same commit is."""
    from generator.pipeline import build_portal

    root = _repo(tmp_path / "repo", monkeypatch)
    build_portal(root)
    make_project(root, SECOND, with_defaults=False)
    build_portal(root)
    monkeypatch.setenv("GIT_AUTHOR_DATE", SECOND_DATE)
    monkeypatch.setenv("GIT_COMMITTER_DATE", SECOND_DATE)
    commit_all(root, "Renewal: name the procurement contact")
    build_portal(root)
    cold = tmp_path / "cold"
    shutil.copytree(root, cold, ignore=shutil.ignore_patterns("build", "site"))
    build_portal(cold)
    page = "build/docs/playbooks/renewal.md"
    assert (root / page).read_text(encoding="utf-8") == (cold / page).read_text(encoding="utf-8")
    assert "2027-01-12" in (root / page).read_text(encoding="utf-8")


def test_a_control_character_in_a_label_leaves_the_feed_readable_xml(tmp_path, monkeypatch):
    """XML 1.0 cannot carry most control characters: one in a label the feed quotes (labels.yml's whats_new,
    written "\\e" in YAML) made feed.xml a file no reader could parse. The feed drops them (feed._text). Validate
    refuses such a label now; the feed is checked past that check, as a second line."""
    from generator import pipeline

    root = _repo(tmp_path / "repo", monkeypatch)
    make_project(root, {"templates/labels.yml": 'en:\n  whats_new: "What\'s new\\e[31m"\n'}, with_defaults=False)
    monkeypatch.setattr(pipeline, "check_labels", lambda project: [])
    site = build(root)
    feed = _feed(site)  # parses, or the test fails here
    assert feed.findtext(f"{ATOM}title") == "Demo portal — What's new[31m"


def test_on_a_japanese_page_an_english_commit_subject_is_marked_english(tmp_path, monkeypatch):
    # the page is lang="ja": a Japanese screen reader voice read "Renewal: name the procurement contact" as Japanese
    project = _repo(tmp_path / "repo", monkeypatch)
    (project / "mkdocs.yml").write_text((project / "mkdocs.yml").read_text().replace("language: en", "language: ja"))
    _second_commit(project, monkeypatch)
    path = project / "content/playbooks/renewal.yml"
    path.write_text(path.read_text().replace("title: Renewal runway", "title: Renewal runway, revised"))
    git(project, "commit", "-qam", "更新ランウェイの名前を変更")
    html = (build(project) / "whats-new/index.html").read_text("utf-8")
    headings = re.findall(r"<h2[^>]*>(.*?)<a class=\"headerlink\"", html)
    assert headings[0] == "2027-01-12 · 更新ランウェイの名前を変更", headings  # Japanese: the page's own language
    assert headings[1] == ('2027-01-12 · <span lang="en">Renewal: name the procurement contact &lt;early&gt;, '
                           'add a forecast step</span>'), headings
    (project / "mkdocs.yml").write_text((project / "mkdocs.yml").read_text().replace("language: ja", "language: en"))
    html = (build(project) / "whats-new/index.html").read_text("utf-8")
    assert 'lang="en"' not in html.split("<article", 1)[1]


def _versions(site: Path, page: str) -> dict:
    """What a built page tells csops.js of each item: {id: {"v": its version, "changes": [[before, date, href]]}}."""
    found = re.search(r'class="csops-versions"[^>]*data-versions="([^"]*)"', (site / page / "index.html").read_text())
    return json.loads(html.unescape(found[1]))


def test_renaming_a_playbook_a_duty_lists_does_not_tell_the_duty_s_old_links_it_changed(tmp_path, monkeypatch, run):
    """`csops mv playbook` rewrites a chart duty's `playbooks:` list to the new id; the duty's roles and words are
    the same and its playbook link leads where it did, yet every ticket's link to the duty opened with 'This duty
    changed on …' (its version read the list by today's ids) and What's new listed no change to it."""
    project = _repo(tmp_path / "repo", monkeypatch)
    make_project(project, {"content/charts/renewal-duties.yml": DUTIES + "    playbooks: [renewal]\n"},
                 with_defaults=False)
    commit_all(project, "Renewal duties chart")
    before = _versions(build(project), "charts/renewal-duties")["discount-approval"]
    moved = run("mv", "playbook", "renewal", "renewal-runway", "--project", project)
    assert moved.exit_code == 0, moved.output
    assert "renewal-runway" in (project / "content/charts/renewal-duties.yml").read_text()
    commit_all(project, "Rename the runway")
    after = _versions(build(project), "charts/renewal-duties")["discount-approval"]
    assert after == {"v": before["v"], "changes": []}


def test_renaming_a_role_is_no_news_of_the_steps_and_duties_it_holds(tmp_path, monkeypatch, run):
    """`csops mv role` rewrites every owner and RACI letter naming the role; What's new listed each step, duty and
    page holding it as 'Changed … — owner, raci', though who does what is the same and their links stay quiet."""
    project = _repo(tmp_path / "repo", monkeypatch)
    make_project(project, {"content/charts/renewal-duties.yml": DUTIES}, with_defaults=False)
    commit_all(project, "Renewal duties chart")
    moved = run("mv", "role", "csm", "cs-manager", "--project", project)
    assert moved.exit_code == 0, moved.output
    commit_all(project, "Call CSMs cs-manager")
    page = (build(project) / "whats-new" / "index.html").read_text()
    assert "Renewal duties chart" in page
    assert "Call CSMs cs-manager" not in page


def test_an_answer_moved_to_another_faq_topic_says_where_it_went(tmp_path, monkeypatch):
    """Moving an answer from one FAQ topic to another left What's new silent (the commit's only change, it listed
    nothing): readers who knew the answer on its old page were not told where it is now. And an earlier change to
    it, made on its old page, was listed unlinked ('Changed question When do renewals start? in Renewals'), as if
    it were gone: its title links to it where it is now, 'in Renewals', the page it was changed on, to that page."""
    project = _repo(tmp_path / "repo", monkeypatch)
    make_project(project, {"content/faq/renewals.yml": FIRST["content/faq/renewals.yml"].replace("At T-120d.", "At T-150d."),
                           "content/faq/timing.yml": "title: Timing\nentries:\n  - {id: cadence, q: How often?, a: Monthly.}\n"},
                 with_defaults=False)
    commit_all(project, "Timing FAQ; renewals start at T-150d")
    (project / "content/faq/renewals.yml").write_text("title: Renewals\nentries:\n"
                                                       "  - {id: stub, q: Where did it go?, a: To timing.}\n")
    (project / "content/faq/timing.yml").write_text(
        "title: Timing\nentries:\n  - {id: cadence, q: How often?, a: Monthly.}\n"
        "  - {id: when, q: When do renewals start?, a: At T-150d.}\n")
    commit_all(project, "Move the start question to Timing")
    page = (build(project) / "whats-new" / "index.html").read_text()
    assert ('<li><span class="csops-change csops-change-moved">Moved</span> question <a href="../faq/timing/#when">'
            'When do renewals start?</a> in <a href="../faq/timing/">Timing</a> (from Renewals)</li>') in page, page
    assert ('<li><span class="csops-change csops-change-changed">Changed</span> question <a href="../faq/timing/#when">'
            'When do renewals start?</a> in <a href="../faq/renewals/">Renewals</a> — answer</li>') in page, page


@pytest.mark.parametrize("killed", ["ls-tree", "rev-parse"])
def test_a_git_killed_while_the_build_reads_the_history_is_one_line_saying_so(tmp_path, monkeypatch, killed):
    """A git the build runs killed (kill -9, the out-of-memory killer) was read as git's answer: a killed
    `rev-parse --git-dir` published What's new as if the project had no history, and a killed `ls-tree`, which says
    nothing on stderr, ended the build with 'Error: git ls-tree -r -z --name-only <sha> -- content:' and no reason.
    Now the build stops with one line saying git was killed and to run it again; the previous site stays."""
    import os
    import subprocess
    import sys

    root = _repo(tmp_path / "repo", monkeypatch)
    assert subprocess.run([sys.executable, "-m", "generator.cli", "build", "--project", str(root)],
                          capture_output=True).returncode == 0
    before = (root / "site/playbooks/renewal/index.html").read_bytes()
    wrapper = tmp_path / "bin" / "git"
    wrapper.parent.mkdir()
    wrapper.write_text(f'#!/bin/sh\n[ "$1" = {killed} ] && kill -9 $$\nexec {shutil.which("git")} "$@"\n')
    wrapper.chmod(0o755)
    make_project(root, {"content/playbooks/renewal.yml": FIRST["content/playbooks/renewal.yml"].replace("Kick off", "Start")},
                 with_defaults=False)
    commit_all(root, "Start the renewal")  # a new commit: the history is read again (the last one's feed is kept)
    result = subprocess.run([sys.executable, "-m", "generator.cli", "build", "--project", str(root)], capture_output=True,
                            text=True, env={**os.environ, "PATH": f"{wrapper.parent}{os.pathsep}{os.environ['PATH']}"},
                            cwd=Path(__file__).resolve().parent.parent)
    assert result.returncode == 1 and "Traceback" not in result.stderr, result.stderr
    last = result.stderr.strip().splitlines()[-1]
    assert f"git {killed}" in last and "SIGKILL" in last and "run the command again" in last, last
    assert (root / "site/playbooks/renewal/index.html").read_bytes() == before


LATE_UTC = "2027-01-12T23:30:00+00:00"  # 08:30 on the 13th in Tokyo, 00:30 on the 13th in Berlin


@pytest.mark.parametrize("zone, day, time", [
    (None, "2027-01-12", "23:30 UTC"),
    ("Asia/Tokyo", "2027-01-13", "08:30 JST"),
    ("Europe/Berlin", "2027-01-13", "00:30 CET"),
    ("America/Sao_Paulo", "2027-01-12", "20:30 UTC-03:00"),  # a zone whose abbreviation is its offset ('-03')
])
def test_a_commit_is_dated_by_the_portals_timezone_and_machines_get_the_instant(zone, day, time, tmp_path,
                                                                                 monkeypatch):
    """A Tokyo team's 08:30 commit is 23:30 UTC the day before: What's new listed it under that day, at '23:30 UTC',
    and its step's 'This step changed on' said the same day. settings.yml's timezone dates it as the team reads it;
    the Atom feed and <time datetime> keep the instant, in UTC."""
    project = _repo(tmp_path / "repo", monkeypatch)
    if zone:
        make_project(project, {"content/settings.yml": f"timezone: {zone}\n"}, with_defaults=False)
    make_project(project, SECOND, with_defaults=False)
    monkeypatch.setenv("GIT_AUTHOR_DATE", LATE_UTC)
    monkeypatch.setenv("GIT_COMMITTER_DATE", LATE_UTC)
    commit_all(project, "Renewal: name the procurement contact")
    site = build(project)

    sha = git(project, "rev-parse", "HEAD").strip()
    html = (site / "whats-new" / "index.html").read_text("utf-8")
    entry = html.split(f'id="c-{sha[:12]}"', 1)[0].rsplit("<h2", 1)[1] + html.split(f'id="c-{sha[:12]}"', 1)[1]
    assert f"{day} · Renewal: name the procurement contact" in entry
    assert f'<time datetime="2027-01-12T23:30:00Z">{time}</time>' in entry.split("<ul>", 1)[0]
    # the older commit, at 08:00 UTC, is the same day everywhere here
    assert "2027-01-05 · Renewal playbook and FAQ" in html

    changes = _versions(site, "playbooks/renewal")["confirm-stakeholders"]["changes"]
    assert [date for _, date, _ in changes] == [day]

    feed = _feed(site)
    assert feed.findtext(f"{ATOM}updated") == "2027-01-12T23:30:00Z"
    assert [e.findtext(f"{ATOM}updated") for e in feed.findall(f"{ATOM}entry")] == [
        "2027-01-12T23:30:00Z", "2027-01-05T08:00:00Z"]
