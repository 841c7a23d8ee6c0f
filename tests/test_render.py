"""Generated pages: byte-for-byte golden files, determinism, escaping, and id-based links."""

from __future__ import annotations

import re
import shutil
import unicodedata
from pathlib import Path

from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st

from generator.located_yaml import parse_yaml
from generator.escaping import escape_text
from generator.render import render_pages
from generator.pipeline import load_portal
from generator.urls import parse_ref

GOLDEN = Path(__file__).parent / "golden"
REPO = Path(__file__).resolve().parent.parent


def _pages(project: Path) -> dict[str, str]:
    return {p.source: p.text for p in render_pages(load_portal(project), language="en",
                                                    site_url="https://portal.example.com/")}


def test_generated_pages_match_golden_files(update_golden):
    pages = _pages(GOLDEN / "project")
    expected_dir = GOLDEN / "pages"
    if update_golden:
        shutil.rmtree(expected_dir, ignore_errors=True)
        for source, text in pages.items():
            (expected_dir / source).parent.mkdir(parents=True, exist_ok=True)
            (expected_dir / source).write_bytes(text.encode("utf-8"))
    expected = {p.relative_to(expected_dir).as_posix(): p.read_bytes().decode("utf-8")
                for p in expected_dir.rglob("*.md")}
    assert sorted(pages) == sorted(expected)
    for source, text in pages.items():
        assert text == expected[source], f"{source} differs from tests/golden/pages (run pytest --update-golden after checking the change)"


def test_rendering_twice_gives_identical_bytes():
    assert _pages(GOLDEN / "project") == _pages(GOLDEN / "project")


def test_a_role_page_says_what_the_raci_letters_stand_for_where_a_duty_holds_several():
    """A duty holding two letters is listed under the stronger, the other as a badge ("Escalate internally R"): that
    role's page explains the letters (PageContext.holds_several_letters); a role whose duties each hold one does not."""
    pages = _pages(REPO)
    assert "csops-raci-legend" in pages["roles/cs-lead.md"]
    assert "csops-raci-legend" not in pages["roles/csm.md"]


def test_step_urls_and_anchors_come_from_ids_not_titles():
    page = _pages(GOLDEN / "project")["playbooks/renewal-runway.md"]
    # the former id is an anchor inside the heading: a link to it lands where one to the new id does
    assert '### <span id="kickoff" class="csops-alias"></span>2. 更新キックオフ {: #renewal-kickoff }' in page
    assert "[FAQ](../faq/renewals.md#when-to-start)" in page


def test_cross_references_resolve_to_relative_links():
    pages = _pages(GOLDEN / "project")
    assert "[renewal runway](renewal-runway.md#confirm-stakeholders)" in pages["playbooks/qbr.md"]
    # a checklist item's link names where it leads (a bare "→" told neither readers nor screen readers)
    assert "[→&nbsp;更新キックオフ](../playbooks/renewal-runway.md#renewal-kickoff)" in pages["onboarding/new-csm.md"]


def test_every_checklist_link_names_its_target_in_both_bundled_portals():
    for project in (REPO, REPO / "examples/ja"):
        portal = load_portal(project)
        for checklist in portal.checklists:
            for section in checklist.sections:
                for item in section.items:
                    if item.ref:
                        ref = parse_ref(item.ref)
                        assert portal.title_of(ref.scheme, ref.id, ref.anchor).strip(), (checklist.id, item.id, item.ref)


@given(st.text(max_size=200))
def test_escaped_text_never_contains_markup(text):
    escaped = escape_text(text)
    assert "<" not in escaped and ">" not in escaped and "\n" not in escaped


@settings(max_examples=200, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=300))
def test_any_text_gives_data_or_a_located_problem(text):
    data, problems = parse_yaml(text, "content/faq/x.yml")
    for problem in problems:
        assert problem.path == "content/faq/x.yml" and problem.line >= 1 and problem.col >= 1


_PRINTABLE = st.characters(blacklist_categories=("Cs", "Cc"))


@settings(max_examples=25, deadline=None)
@given(title=st.text(_PRINTABLE, min_size=1, max_size=60).filter(lambda s: s.strip()),
       body=st.text(_PRINTABLE, max_size=200))
@example(title="0", body="<UL>")  # a body validate refuses (unclosed-html): no page to render, no failure either
def test_any_titles_and_bodies_render_deterministically(tmp_path_factory, title, body):
    import yaml

    from generator.problems import ContentError
    from tests.conftest import make_project

    document = {"title": title, "steps": [{"id": "s", "title": title, "body": body}]}
    project = make_project(tmp_path_factory.mktemp("prop"),
                           {"content/playbooks/p.yml": yaml.safe_dump(document, allow_unicode=True)})
    try:
        first = _pages(project)
    except ContentError:
        assume(False)  # the property is about content that passes validate: a refused body renders nothing
    assert first == _pages(project)
    heading = next(line for line in first["playbooks/p.md"].splitlines() if line.startswith("# "))
    assert "<" not in heading


def test_recursive_aliases_and_unsafe_tags_are_located_problems():
    for text, col, code in (("a: &x [*x]\n", 4, "yaml-syntax"), ("a: !!python/name:os.system x\n", 4, "unsupported-tag")):
        data, problems = parse_yaml(text, "content/faq/x.yml")
        assert data is None
        assert [(p.line, p.col, p.code) for p in problems] == [(1, col, code)]


def test_glossary_hovers_mark_acronyms_not_ordinary_words(tmp_path):
    from tests.conftest import make_project

    project = make_project(tmp_path / "g", {
        "content/glossary.yml": """\
            terms:
              - {id: qbr, term: QBR, definition: Quarterly business review.}
              - {id: renewal, term: Renewal, definition: Extending the contract.}
            """,
        "content/playbooks/p.yml": """\
            title: Renewal prep
            steps:
              - {id: s, title: Book the QBR}
            """})
    page = _pages(project)["playbooks/p.md"]
    assert "*[QBR]: Quarterly business review." in page
    assert "*[Renewal]" not in page
    assert "Extending the contract." in _pages(project)["glossary.md"]


def test_the_glossary_lists_as_also_called_only_names_a_reader_would_not_guess(tmp_path):
    """"Also called: Customer Success Manager, CSMs" under CSM: a plural or another case of a name shown is there
    for hovers and searches, not news to a reader."""
    from tests.conftest import make_project

    project = make_project(tmp_path / "g", {
        "content/glossary.yml": """\
            terms:
              - {id: csm, term: CSM, definition: Customer Success Manager., synonyms: [Customer Success Manager, CSMs]}
              - {id: buyer, term: Economic buyer, definition: Signs the renewal.,
                 synonyms: [economic buyers, budget holder, decision maker, decision makers, Budget Holders]}
              - {id: ae, term: AE, definition: Account Executive., synonyms: [AEs]}
            """})
    page = _pages(project)["glossary.md"]
    also = re.findall(r"^\*Also called: (.*)\*$", page, re.MULTILINE)
    assert also == ["Customer Success Manager", "budget holder, decision maker"], also


def test_phases_show_names_in_lifecycle_order(tmp_path):
    from tests.conftest import make_project

    playbook = "title: {title}\nphase: {phase}\nsteps:\n  - {{id: s, title: Do it}}\n"
    project = make_project(tmp_path / "p", {
        "content/playbooks/a.yml": playbook.format(title="Advocates", phase="advocacy"),
        "content/playbooks/b.yml": playbook.format(title="Kickoff", phase="onboarding"),
        "content/playbooks/c.yml": playbook.format(title="Events", phase="customer-marketing"),
    })
    pages = _pages(project)
    home = pages["index.md"]
    # common phases by the lifecycle, named from labels.yml; others after them, their slug made readable
    assert home.index('href="phases/onboarding/">Onboarding</a>') < home.index('href="phases/advocacy/">Advocacy</a>') \
        < home.index('href="phases/customer-marketing/">Customer marketing</a>')
    assert "# Phase: Customer marketing" in pages["phases/customer-marketing.md"]
    assert '<li><strong>Phase:</strong> <a href="../../phases/advocacy/">Advocacy</a></li>' in pages["playbooks/a.md"]

    (project / "content/settings.yml").write_text(
        "phases:\n  - {id: customer-marketing, name: Community & events, description: Where customers meet.}\n"
        "  - {id: advocacy, name: Advocacy}\n  - {id: onboarding, name: Getting started}\n", encoding="utf-8")
    pages = _pages(project)
    home = pages["index.md"]
    assert home.index(">Community &amp; events</a>") < home.index(">Advocacy</a>") < home.index(">Getting started</a>")
    assert "Where customers meet." in pages["phases/customer-marketing.md"]


def test_japanese_portal_names_its_phases_in_japanese():
    pages = {p.source: p.text for p in render_pages(load_portal(Path(__file__).parent.parent / "examples/ja"), language="ja")}
    assert 'href="phases/renewal/">契約更新</a>' in pages["index.md"]
    assert "# フェーズ：解約リスク対応" in pages["phases/risk.md"]
    # the glossary reads in あいうえお order, kanji terms by their reading: ordered by their English ids, アダプション,
    # 推進担当者, チャーン, 減額 came in no order a Japanese reader could look anything up by
    terms = re.findall(r"^## (.+?) \{: #", pages["glossary.md"], re.MULTILINE)
    kana = [t for t in terms if not t.isascii()]
    assert kana == ["アダプション", "エスカレーション", "オンボーディング", "キックオフ", "機能要望", "業務分掌", "決裁者", "減額",
                    "推進担当者", "チャーン", "テックタッチ", "ハイタッチ", "引き継ぎ", "ヘルススコア", "稟議", "ロータッチ"], kana
    # Japanese puts no space after a full-width colon or between sentences ("管理者： CS Ops" and a folded label's
    # "ポータルです。 すべての…" read as typos)
    # ("次回レビュー期限：</strong> 2027-05-08" too: read as the reader sees it, without markup)
    for source, text in pages.items():
        shown = re.sub(r"</?(?:strong|em|b)>|<span[^>]*>|\*\*", "", text)
        assert not re.search(r"[：。][ \u3000](?=[^\s|{])", shown), (source, re.search(r".{0,20}[：。][ \u3000].{0,20}", shown)[0])


def test_a_japanese_documents_owner_is_introduced_by_one_word_on_every_page():
    """A document's owner role showed as 「主管」 on playbook pages, in playbook tables and What's new, and as 「管理者」
    on FAQ, checklist and chart pages (the word the content uses for a customer's admin users): one owner, two words."""
    from generator.ui_labels import load_labels

    ja = Path(__file__).parent.parent / "examples/ja"
    labels = load_labels(Path(__file__).parent.parent / "templates", "ja")
    words = {labels[key] for key in ("owner", "maintained_by", "field_owner")}
    assert len(words) == 1, words
    word = words.pop()
    pages = {p.source: re.sub(r"<[^>]+>", "", p.text) for p in render_pages(load_portal(ja), language="ja")}
    for source in ("playbooks/renewal-runway.md", "faq/renewals.md", "charts/cs-duties.md", "onboarding/new-csm-30-60-90.md"):
        assert f"{word}：" in pages[source], source
    content = "".join(path.read_text(encoding="utf-8") for path in (ja / "content").rglob("*.yml"))
    assert word not in content  # never a word the pages already use for something else


def test_role_codes_are_short_escaped_and_derived_when_not_given(tmp_path):
    from generator.model import Role
    from tests.conftest import make_project

    assert [Role("x", n).code for n in ("Customer Success Manager", "CSオペレーション(CS Ops)", "Finance")] == \
        ["CSM", "CS Ops", "Finance"]
    project = make_project(tmp_path / "p", {
        "content/roles.yml": "roles:\n  - {id: csm, name: Customer Success Manager, short: '<i>C&M'}\n"
                             "  - {id: lead, name: CS Lead}\n",
        "content/charts/c.yml": "title: C\nactivities:\n  - {id: a, name: A, raci: {R: csm, A: lead}}\n",
        "content/playbooks/p.yml": "title: P\nsteps:\n  - {id: s, title: S, owner: csm, raci: {R: csm, A: lead}}\n",
    })
    pages = _pages(project)
    for page in ("charts/c.md", "playbooks/p.md"):
        assert "<i>" not in pages[page] and "&lt;i&gt;C&amp;M" in pages[page]
    # the chart's key of codes names a role whose code is its name once: the bundled one read "Finance Finance"
    key = re.search(r'<span class="csops-code-name"><b>CS Lead</b>[^<]*</span>', pages["charts/c.md"])
    assert key and key.group() == '<span class="csops-code-name"><b>CS Lead</b></span>', key


def test_a_playbooks_timeline_lists_steps_in_the_order_they_fall_due():
    """The timeline read 'T+14d' (step 4) before 'T+7d' (step 5): weekly check-ins start while setup runs. Rows keep
    their step numbers, so the list still points at the steps below."""
    portal = load_portal(Path(__file__).parent.parent)
    page = {p.source: p.text for p in render_pages(portal)}["playbooks/onboarding-kickoff.md"]
    table = page[page.index('<div class="csops-timeline">'):]
    table = table[:table.index("</table>")]
    numbers = [int(n) for n in re.findall(r"<td>(\d+)\. <a", table)]
    assert numbers == [1, 2, 3, 5, 4, 6, 7], numbers


def test_a_timeline_row_without_a_due_date_says_so():
    """Renewal runway's step 1 sat last in the timeline, numbered 1 after 7, under 'Due' with an empty cell: a new CSM
    could not tell a missing date from standing work. The cell now says there is no date, in the portal's language."""
    portal = load_portal(Path(__file__).parent.parent)
    page = {p.source: p.text for p in render_pages(portal)}["playbooks/renewal-runway.md"]
    table = page[page.index('<div class="csops-timeline">'):]
    rows = table[:table.index("</table>")].split("<tr>")[2:]
    last = rows[-1]
    assert '<a href="#build-dashboard">' in last and '<span class="csops-no-due">no date</span>' in last
    assert all("csops-no-due" not in row for row in rows[:-1])
    # a playbook with no due dates at all has no Due column, not seven "no date"s (nor an empty column)
    page = {p.source: p.text for p in render_pages(portal)}["playbooks/health-score-definition.md"]
    table = page[page.index('<div class="csops-timeline">'):]
    table = table[:table.index("</table>")]
    assert "csops-no-due" not in page and "<th>Due</th>" not in table and table.count("<th>") == 2
    assert all(row.count("<td>") == 2 for row in table.split("<tr>")[2:])


def test_a_pipe_in_a_role_name_or_description_stays_in_its_cell_of_the_roles_table(tmp_path):
    """The roles index is a Markdown table: a '|' in a role's name or description, as typed, must not start a cell
    of its own (the description moved under the wrong column, or the row lost its last words)."""
    import html as html_module

    import markdown

    from conftest import make_project
    from generator.markdown_extensions import REQUIRED_EXTENSIONS

    roles = ("roles:\n  - {id: csm, name: 'Renewals | Expansion', description: 'Owns the renewal | upsell call'}\n"
             "  - {id: cs-lead, name: CS Lead}\n")
    project = make_project(tmp_path / "p", {"content/roles.yml": roles,
                                            "content/playbooks/p.yml": "title: P\nsteps:\n  - {id: s, title: S}\n"})
    extensions = {k: v for k, v in REQUIRED_EXTENSIONS.items() if k != "generator.glossary_abbr"}
    page = markdown.markdown(_pages(project)["roles/index.md"], extensions=list(extensions), extension_configs=extensions)
    rows = [[html_module.unescape(re.sub(r"<[^>]+>", "", cell)).strip() for cell in re.findall(r"<td>(.*?)</td>", row)]
            for row in re.findall(r"<tr>(.*?)</tr>", page, re.S) if "<td>" in row]
    assert ["Renewals | Expansion", "Owns the renewal | upsell call"] in rows, rows


def test_a_question_with_a_code_span_shows_it_as_code_on_the_faq_index_as_on_its_page(built_bundled):
    """The FAQ index listed "What do the `Renewal Status` values mean?" with its backticks, while the question's own
    heading shows Renewal Status as code: a new CSM scanning the index read Markdown punctuation."""
    index = (built_bundled / "site/faq/index.html").read_text("utf-8")
    heading = (built_bundled / "site/faq/renewals/index.html").read_text("utf-8")
    assert "What do the <code>Renewal Status</code> values mean?" in heading
    assert "What do the <code>Renewal Status</code> values mean?</a>" in index
    assert "`" not in re.sub(r"<(pre|code)\b.*?</\1>", "", index, flags=re.S)
    tags = (built_bundled / "site/tags/index.html").read_text("utf-8")
    assert "What do the Renewal Status values mean?</a>" in tags


def test_a_body_line_opening_with_a_slack_channel_is_text_not_a_heading(built_bundled):
    """Python-Markdown took any line starting with '#' for a heading: the step "Post wins and verbatims in
    #success-share", whose body opens with the channel, showed its whole first paragraph as a heading larger than
    the page's title (and listed it in the table of contents). As on GitHub, a heading's marks need a space."""
    import markdown

    from generator.markdown_extensions import REQUIRED_EXTENSIONS

    page = (built_bundled / "site/playbooks/product-feedback-voc/index.html").read_text("utf-8")
    assert len(re.findall(r"<h1\b", page)) == 1, re.findall(r"<h1\b[^>]*>.{0,60}", page)  # the page's title
    assert '<p><span class="csops-nowrap">#success-share</span> is a free-format Slack channel' in page
    extensions = {k: v for k, v in REQUIRED_EXTENSIONS.items() if k != "generator.glossary_abbr"}
    # six marks and a lone '#' (before a line, at a block's end) are headings, as in CommonMark; closing marks need a
    # space before them too: "## Tips for C#" lost its '#' (red team)
    body = markdown.markdown("Post a win in\n#cs-team daily\n\n## Who to tell\n\n# Title #\n\n###### Six"
                             "\n\n#\nUnder an empty heading\n\n#\n\n## Tips for C#\n\n### Done ##  ",
                             extensions=list(extensions), extension_configs=extensions)
    assert re.sub(r"<[^>]+>", "", body.split("\n<h2")[0]) == "Post a win in\n#cs-team daily"
    assert re.findall(r"<(h\d)[^>]*>([^<]*)", body) == [("h2", "Who to tell"), ("h1", "Title"), ("h6", "Six"),
                                                      ("h1", ""), ("h1", ""), ("h2", "Tips for C#"), ("h3", "Done")]


def test_a_japanese_pages_lists_of_titles_are_joined_with_the_japanese_comma():
    # a chart duty's related playbooks read 「セールスからCSへの引き継ぎ, オンボーディング・キックオフ」 on the
    # Japanese portal: an ASCII comma and space between Japanese titles, where the glossary's lists use 、
    ja = Path(__file__).parent.parent / "examples/ja"
    chart = {p.source: p.text for p in render_pages(load_portal(ja), language="ja")}["charts/cs-duties.md"]
    carried = [line for line in chart.splitlines() if line.startswith("- **関連プレイブック")]
    assert len(carried) > 3 and all("](" in line for line in carried), carried
    assert not [line for line in carried if "), [" in line], carried
    assert [line for line in carried if ")、[" in line], carried


def test_spellings_of_one_tag_are_one_section_of_the_tags_page(tmp_path):
    """A playbook tagged 'Renewal' and an answer tagged 'renewal' (or 'a b' and 'a-b') gave the tags page two
    sections with one anchor, #tag-renewal: the answer's tag link landed on the playbook's section, which did not list
    it, and the page held a duplicate id (found by the content fuzzer). One section now, in the most used spelling."""
    from conftest import make_project

    project = make_project(tmp_path / "p", {
        "content/playbooks/p.yml": "title: P\ntags: [Renewal, a b]\nsteps:\n  - {id: s, title: S}\n",
        "content/faq/f.yml": "title: F\nentries:\n  - {id: e, q: Asked?, a: A., tags: [renewal, a-b]}\n"
                             "  - {id: g, q: Given?, a: A., tags: [renewal]}\n"})
    tags = _pages(project)["tags.md"]
    headings = re.findall(r"^## (.*) \{: #(tag-[\w-]+) \}$", tags, re.M)
    assert headings == [("a b", "tag-a-b"), ("renewal", "tag-renewal")], headings
    for section in tags.split("\n## ")[1:]:
        assert "playbooks/p/" in section and "faq/f/#e" in section, section


def test_a_tag_pasted_decomposed_or_typed_full_width_is_the_tag_it_looks_like(tmp_path):
    """Red team: ガイド pasted decomposed (カ and a combining ゛, as macOS file names hold it) had its marks made hyphens
    and was listed under another word, カ イト, beside a ガイド section that looked the same; ＣＲＭ, typed with a
    Japanese input method on, was a tag apart from crm; and Hindi tags differing in a vowel sign were one."""
    from conftest import make_project

    decomposed = unicodedata.normalize("NFD", "ガイド")
    project = make_project(tmp_path / "p", {
        "content/playbooks/p.yml": "title: P\ntags: [ガイド, crm, हिन्दी, follow_up]\nsteps:\n  - {id: s, title: S}\n",
        "content/playbooks/q.yml": f"title: Q\ntags: [{decomposed}, ＣＲＭ, _draft]\nsteps:\n  - {{id: s, title: S}}\n",
        "content/playbooks/r.yml": "title: R\ntags: [カ イト, ह न द, follow up, draft, '?!']\nsteps:\n  - {id: s, title: S}\n"})
    tags = _pages(project)["tags.md"]
    listed = {anchor: re.findall(r"playbooks/(\w)/", section) for anchor, section
              in re.findall(r"^## [^\n]* \{: #(tag-\S+) \}$(.*?)(?=^## |\Z)", tags, re.M | re.S)}
    # and as before: '_' is part of a word, but not at its ends; a tag of no letter at all is 'x'
    assert listed == {"tag-crm": ["p", "q"], "tag-ガイド": ["p", "q"], "tag-カ-イト": ["r"], "tag-हिन्दी": ["p"],
                      "tag-ह-न-द": ["r"], "tag-follow_up": ["p"], "tag-follow-up": ["r"], "tag-draft": ["q", "r"],
                      "tag-x": ["r"]}, listed
