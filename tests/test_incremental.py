"""Incremental builds equal cold builds, byte for byte, after each kind of edit.

One project is built once and then edited step by step, rebuilt incrementally
after each edit; a fresh copy of the same content is built cold every time and
every file of the two sites (and the generated Markdown) is compared.
"""

from __future__ import annotations

import json
import shutil
import uuid
from pathlib import Path

import pytest

from generator.build import BuildError
from generator.index import read_meta
from generator.linkcheck import LINKS_FILE, load_summaries
from generator.pipeline import build_portal
from generator.render import PACKAGE_TEMPLATES
from conftest import BROKEN_LINK, with_a_strict_trap
from test_build import FAQ, _tree_digest as _tree


def _playbook(title: str, step: str, body: str = "Read the [FAQ](faq:renewals#when-to-start) first.") -> str:
    return f"""\
title: {title}
phase: renewal
owner: cs-ops
steps:
  - id: confirm-stakeholders
    title: {step}
    owner: csm
    raci: {{R: csm, A: cs-lead}}
    body: |
      {body}
  - id: kickoff
    title: Kick off
    owner: cs-lead
"""




def _cold(project: Path, target: Path):
    """Build a fresh copy of `project`'s sources (no previous generation) into `target`."""
    shutil.rmtree(target, ignore_errors=True)
    target.mkdir()
    for name in ("content", "templates"):
        if (project / name).is_dir():
            shutil.copytree(project / name, target / name)
    shutil.copy(project / "mkdocs.yml", target / "mkdocs.yml")
    return build_portal(target)


def _assert_same_as_cold(project: Path, tmp_path: Path) -> None:
    cold = tmp_path / "cold"
    _cold(project, cold)
    ours, theirs = _tree(project / "site"), _tree(cold / "site")
    assert ours.keys() == theirs.keys()
    assert [name for name in ours if ours[name] != theirs[name]] == []
    assert _tree(project / "build/docs") == _tree(cold / "build/docs")
    assert read_meta(project / "build/index")["digests"] == read_meta(cold / "build/index")["digests"]
    # the link check's saved summaries (copied pages' carried over, the rest parsed) are a cold build's
    ours, theirs = (load_summaries(p / "build/current" / LINKS_FILE) for p in (project, cold))
    assert ours == theirs and len(ours) > 5


@pytest.fixture
def project(project_factory):
    return project_factory({
        "content/playbooks/renewal-runway.yml": _playbook("Renewal runway", "Confirm the stakeholders"),
        "content/playbooks/qbr.yml": _playbook("Quarterly business review", "Book the room"),
        "content/playbooks/handoff.yml": _playbook("Sales handoff", "Meet the AE"),
        "content/faq/renewals.yml": FAQ,
    })


def _every_row_a_piece(monkeypatch) -> None:
    """Role pages' duty lists sanitised piece by piece (sanitised_pieces.py) with this fixture's few rows, a piece
    a row: at the real threshold only lists of 64 rows and more are."""
    from generator import sanitised_pieces

    monkeypatch.setattr(sanitised_pieces, "MIN_ROWS", 1)
    monkeypatch.setattr(sanitised_pieces, "_CUT_MASK", 0)


def test_incremental_builds_equal_cold_builds_after_each_kind_of_edit(project, tmp_path, run, monkeypatch):
    _every_row_a_piece(monkeypatch)  # and rows sanitised in the last build are taken from it
    first = build_portal(project)
    assert first.reused == 0
    playbook = project / "content/playbooks/renewal-runway.yml"

    # The title shows on its page, the playbooks index, the phase page, the role pages and the FAQ's link text.
    playbook.write_text(_playbook("Renewal runway, revised", "Confirm every stakeholder"), encoding="utf-8")
    report = build_portal(project)
    assert 0 < report.rendered < first.rendered and report.reused > 0
    _assert_same_as_cold(project, tmp_path)

    # A step's body only.
    playbook.write_text(_playbook("Renewal runway, revised", "Confirm every stakeholder", "Call the buyer."), encoding="utf-8")
    assert build_portal(project).reused > 0
    _assert_same_as_cold(project, tmp_path)

    # A role's name shows in chips on many pages.
    roles = project / "content/roles.yml"
    roles.write_text(roles.read_text(encoding="utf-8").replace("name: CS Lead", "name: Team lead"), encoding="utf-8")
    build_portal(project)
    _assert_same_as_cold(project, tmp_path)

    # A deleted playbook: its page, index rows and search entries go.
    (project / "content/playbooks/handoff.yml").unlink()
    assert build_portal(project).reused > 0
    _assert_same_as_cold(project, tmp_path)

    # A renamed playbook (alias recorded, references rewritten): a redirect page at the old URL.
    result = run("mv", "playbook", "qbr", "business-review", "--project", project)
    assert result.exit_code == 0, result.output
    assert build_portal(project).reused > 0
    assert (project / "site/playbooks/qbr/index.html").is_file()
    _assert_same_as_cold(project, tmp_path)


def test_a_mkdocs_yml_edit_shows_on_every_page_of_the_next_build(project, tmp_path):
    """Most of mkdocs.yml (copyright, site_name, the theme's palette) reaches pages only through MkDocs, never
    through their Markdown: an edit to it must not leave the pages whose Markdown did not change as they were."""
    build_portal(project)
    config = project / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8") + "copyright: Acme CS Ops 2026\n", encoding="utf-8")
    build_portal(project)
    assert "Acme CS Ops 2026" in (project / "site/playbooks/qbr/index.html").read_text(encoding="utf-8")
    _assert_same_as_cold(project, tmp_path)


def test_an_edit_to_a_file_mkdocs_yml_inherits_or_to_a_variable_it_reads_shows_on_every_page(project, monkeypatch):
    """What MkDocs reads besides mkdocs.yml's own bytes: the file its INHERIT names and the !ENV values it names.
    The build key hashed the bytes alone, so a copyright edited in base.yml, or a footer taken from the CI's
    environment, stayed as it was on every page whose Markdown did not change."""
    config = project / "mkdocs.yml"
    (project / "base.yml").write_text("copyright: Acme 2025\n", encoding="utf-8")
    config.write_text("INHERIT: base.yml\n" + config.read_text(encoding="utf-8")
                      + "site_author: !ENV [PORTAL_AUTHOR, CS Ops]\n", encoding="utf-8")
    build_portal(project)
    (project / "base.yml").write_text("copyright: Acme 2026\n", encoding="utf-8")
    assert build_portal(project).reused == 0
    assert "Acme 2026" in (project / "site/playbooks/qbr/index.html").read_text(encoding="utf-8")
    monkeypatch.setenv("PORTAL_AUTHOR", "Enablement team")
    assert build_portal(project).reused == 0
    assert 'content="Enablement team"' in (project / "site/playbooks/qbr/index.html").read_text(encoding="utf-8")


def test_a_yaml_set_in_mkdocs_yml_still_lets_the_next_build_reuse_every_page(project):
    """The build key dumped a !!set as Python lists it, in an order that changes from one process to the next (the
    hash seed): with one anywhere in mkdocs.yml, every `csops build` rendered every page again (red team)."""
    import os
    import re
    import subprocess
    import sys

    config = project / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8") + "extra:\n  teams: !!set {renewals, onboarding, support, "
                      "expansion, churn, advocacy}\n", encoding="utf-8")
    reused = []
    for seed in ("1", "2"):  # two processes, as two builds are: their sets' orders differ
        result = subprocess.run([sys.executable, "-m", "generator.cli", "build", "--project", str(project)],
                                capture_output=True, text=True, env={**os.environ, "PYTHONHASHSEED": seed})
        assert result.returncode == 0, result.stderr
        reused.append(re.search(r"MkDocs rendered (\d+) pages?(?:, reused (\d+) unchanged)?", result.stderr).groups())
    (rendered, _), second = reused
    assert int(rendered) > 10 and second == ("0", rendered), reused


def test_a_hook_runs_on_every_page_of_every_build_and_sees_each_page_as_plain_mkdocs_does(project):
    """`hooks:` are plugins of the site's own code, which MkDocs runs on every page, reading what it likes (here a
    banner file). They were in no build key, so after the banner's edit only pages whose Markdown changed ran the
    hook (the others kept the old banner); and the hook read each page's HTML with the generated blocks csops lifts
    out of Markdown's way still placeholders."""
    (project / "banner.txt").write_text("Banner A", encoding="utf-8")
    (project / "hooks.py").write_text(
        "from pathlib import Path\n\n\ndef on_page_content(html, page, config, **kwargs):\n"
        "    banner = (Path(config.config_file_path).parent / 'banner.txt').read_text()\n"
        "    return html + '<p>%s saw %d blocks</p>' % (banner, html.count('class=\"csops-'))\n", encoding="utf-8")
    config = project / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8") + "hooks:\n  - hooks.py\n", encoding="utf-8")
    build_portal(project)
    page = (project / "site/playbooks/qbr/index.html").read_text(encoding="utf-8")
    before, after = page.split("Banner A saw ")
    assert int(after.split(" ")[0]) == before.count('class="csops-') > 0
    (project / "banner.txt").write_text("Banner B", encoding="utf-8")
    build_portal(project)
    assert "Banner B saw" in (project / "site/playbooks/qbr/index.html").read_text(encoding="utf-8")


def test_a_nav_of_the_sites_own_titled_by_its_pages_shows_a_retitled_page_everywhere(project, tmp_path):
    """A mkdocs.yml `nav` entry without a title is named by its page's title on every page: retitling one playbook
    changes the navigation of pages whose Markdown did not change, which only a full build writes."""
    config = project / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8") + "nav:\n  - index.md\n  - playbooks/qbr.md\n"
                      "  - playbooks/renewal-runway.md\n  - playbooks/handoff.md\n", encoding="utf-8")
    build_portal(project)
    qbr = project / "content/playbooks/qbr.yml"
    qbr.write_text(qbr.read_text(encoding="utf-8").replace("Quarterly business review", "Business review"), encoding="utf-8")
    build_portal(project)
    assert "Business review" in (project / "site/playbooks/handoff/index.html").read_text(encoding="utf-8")
    _assert_same_as_cold(project, tmp_path)


@pytest.mark.parametrize("theme", ["mkdocs", "readthedocs"])
def test_a_site_in_mkdocs_own_theme_searches_what_a_cold_build_does_after_an_edit(project, tmp_path, theme):
    """Under MkDocs' own themes search is MkDocs' search plugin, which indexes each page as it renders it: a build
    that copied the unchanged pages left them out of search/search_index.json (a mutation pass found that only
    the theme's name kept such a site from reusing pages, and no test built one)."""
    config = project / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8").replace("name: material", f"name: {theme}"), encoding="utf-8")
    build_portal(project)
    qbr = project / "content/playbooks/qbr.yml"
    qbr.write_text(qbr.read_text(encoding="utf-8").replace("Book the room", "Book a room"), encoding="utf-8")
    build_portal(project)
    _cold(project, tmp_path / "cold")
    index = "site/search/search_index.json"
    assert json.loads((project / index).read_text(encoding="utf-8")) == \
        json.loads((tmp_path / "cold" / index).read_text(encoding="utf-8"))


def test_a_theme_override_edited_between_builds_shows_on_every_page(project, tmp_path):
    """A theme's custom_dir holds templates MkDocs wraps every page in, which no build key hashes: with one, every
    build is full, so an edited override shows on pages whose Markdown did not change."""
    config = project / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8").replace("  name: material\n", "  name: material\n  custom_dir: overrides\n"),
                      encoding="utf-8")
    override = project / "overrides/main.html"
    override.parent.mkdir()
    override.write_text('{% extends "base.html" %}{% block announce %}Office closed Friday{% endblock %}\n', encoding="utf-8")
    build_portal(project)
    override.write_text(override.read_text(encoding="utf-8").replace("Friday", "Monday"), encoding="utf-8")
    build_portal(project)
    assert "Office closed Monday" in (project / "site/playbooks/qbr/index.html").read_text(encoding="utf-8")


def test_template_change_is_a_full_build(project, tmp_path):
    build_portal(project)
    shutil.copytree(PACKAGE_TEMPLATES, project / "templates")
    labels = project / "templates/labels.yml"
    labels.write_text(labels.read_text(encoding="utf-8") + "\n", encoding="utf-8")  # same pages, another template
    assert build_portal(project).reused == 0
    _assert_same_as_cold(project, tmp_path)
    assert build_portal(project).reused > 0  # and the next build is incremental again


def test_other_csops_code_is_a_full_build(project, monkeypatch):
    """Reused HTML and link parses were made by csops' code: another version of any module renders every page."""
    from generator import incremental

    build_portal(project)
    assert build_portal(project).reused > 0
    monkeypatch.setattr(incremental, "code_digest", lambda: "another csops")
    assert build_portal(project).reused == 0


@pytest.mark.parametrize("package", ["mkdocs", "mkdocs-material", "pymdown-extensions", "markdown", "nh3"])
def test_another_version_of_what_renders_the_html_is_a_full_build(project, monkeypatch, package):
    """After `pip install -U mkdocs-material` (or MkDocs, a Markdown extension, the sanitiser) pages kept from the
    last build would mix the old theme's HTML with the new theme's assets: every page is rendered again."""
    from generator import incremental

    build_portal(project)
    assert build_portal(project).reused > 0
    installed = incremental.version  # installed.version: read again once an install changes sys.path's folders
    monkeypatch.setattr(incremental, "version", lambda name: "99.0" if name == package else installed(name))
    assert build_portal(project).reused == 0


def test_failed_incremental_build_leaves_the_previous_site_intact(project, tmp_path):
    with_a_strict_trap(project)
    build_portal(project)
    before = _tree(project / "site")
    playbook = project / "content/playbooks/renewal-runway.yml"
    playbook.write_text(_playbook("Renewal runway", "Confirm") + f"summary: {BROKEN_LINK}\n", encoding="utf-8")
    with pytest.raises(BuildError):
        build_portal(project)
    assert _tree(project / "site") == before
    playbook.write_text(_playbook("Renewal runway", "Confirm the stakeholders, again"), encoding="utf-8")
    assert build_portal(project).reused > 0
    _assert_same_as_cold(project, tmp_path)


def test_playbook_pages_reused_only_when_nothing_they_show_changed(tmp_path, project_factory):
    """A playbook page is taken from the last build unless it, a playbook it lists as related, the glossary,
    roles or settings changed: each of these edits must show on the unchanged playbook's page."""
    related = _playbook("Quarterly business review", "Book the room") + "related: [renewal-runway]\nsummary: Every quarter.\n"
    project = project_factory({
        "content/playbooks/renewal-runway.yml": _playbook("Renewal runway", "Confirm the stakeholders")
        + "summary: Four months out.\n",
        "content/playbooks/qbr.yml": related,
        "content/faq/renewals.yml": FAQ,
    })
    build_portal(project)
    page = project / "build/docs/playbooks/qbr.md"

    def rebuild(path: str, old: str, new: str) -> str:
        file = project / path
        file.write_text(file.read_text(encoding="utf-8").replace(old, new), encoding="utf-8")
        build_portal(project)
        _assert_same_as_cold(project, tmp_path)
        return page.read_text(encoding="utf-8")

    assert "Renewal runway, renamed" in rebuild("content/playbooks/renewal-runway.yml", "title: Renewal runway", "title: Renewal runway, renamed")
    assert "Five months out" in rebuild("content/playbooks/renewal-runway.yml", "Four months out", "Five months out")
    glossary = "terms:\n  - {id: faq, term: FAQ, definition: Frequently asked questions.}\n"
    (project / "content/glossary.yml").write_text(glossary, encoding="utf-8")
    assert "*[FAQ]: Frequently asked questions." in rebuild("content/playbooks/qbr.yml", "Meet", "Meet")
    assert "*[FAQ]: Questions we hear." in rebuild("content/glossary.yml", "Frequently asked questions.", "Questions we hear.")
    assert "Team lead" in rebuild("content/roles.yml", "name: CS Lead", "name: Team lead")


def test_search_documents_are_reused_only_in_the_language_and_csops_version_they_were_made_in(tmp_path, project_factory, monkeypatch):
    """A step's due is searched as readers ask it ('60 days before', '60日前'), and csops' code makes every document:
    a portal switched to Japanese, or built by a newer csops, gets the documents a cold build makes, not the last
    index's (document_reuse.shared_key); so does a FAQ whose title alone changed (each group keyed on its whole
    model object)."""
    from generator import document_reuse
    from generator.document_reuse import DocumentReuse, shared_key
    from generator.index import SCHEMA_VERSION, collect_documents
    from generator.pipeline import load_portal

    playbook = _playbook("Renewal runway", "Confirm the stakeholders").replace("    owner: csm\n", "    owner: csm\n    due: T-60d\n", 1)
    project = project_factory({"content/playbooks/renewal-runway.yml": playbook, "content/faq/renewals.yml": FAQ})
    portal = load_portal(project)

    this_csops = document_reuse.code_digest

    def reused_into(language: str, code=this_csops) -> DocumentReuse:
        monkeypatch.setattr(document_reuse, "code_digest", this_csops)
        english = DocumentReuse(None, shared_key("en", SCHEMA_VERSION), portal.first_names.read_by)
        collect_documents(portal, "en", english)
        english.save(tmp_path)
        monkeypatch.setattr(document_reuse, "code_digest", code)  # the next build's csops
        return DocumentReuse(tmp_path, shared_key(language, SCHEMA_VERSION), portal.first_names.read_by)

    same = reused_into("en")
    assert collect_documents(portal, "en", same) == collect_documents(portal, "en") and same.reused == 2  # it reuses
    japanese = collect_documents(portal, "ja", reused_into("ja"))
    assert japanese == collect_documents(portal, "ja") and any("60日前" in d.asked_as for d in japanese)
    newer = reused_into("en", code=lambda: "a newer csops")
    assert collect_documents(portal, "en", newer) and newer.reused == 0
    # and a FAQ retitled, its entries as they were: its page and entries are searched under the new title
    faq = project / "content/faq/renewals.yml"
    faq.write_text(faq.read_text(encoding="utf-8").replace("title: Renewals", "title: Renewal questions"), encoding="utf-8")
    retitled = load_portal(project)
    again = reused_into("en")
    assert collect_documents(retitled, "en", again) == collect_documents(retitled, "en") and again.reused == 1


@pytest.mark.parametrize("few_renamed", [16, 0])  # each id searched for, or the text split into runs of id characters
def test_a_rename_makes_again_only_the_search_documents_of_what_names_the_renamed_target(tmp_path, project_factory,
                                                                                         monkeypatch, few_renamed):
    """Item versions read references through the ids renamed targets had first, so an alias given to the FAQ changes
    the versions of a step linking to it, though that playbook's file is unchanged: its search documents are made
    again, and equal a cold collection. A playbook naming nothing renamed keeps its documents (keyed on the whole
    renames state, one `csops mv` made every document of the portal again: 0.3 s at 1,000 playbooks)."""
    from generator.document_reuse import DocumentReuse, shared_key
    from generator.index import SCHEMA_VERSION, collect_documents
    from generator.pipeline import load_portal

    monkeypatch.setattr("generator.first_names._FEW_RENAMED", few_renamed)
    project = project_factory({
        "content/playbooks/renewal-runway.yml": _playbook("Renewal runway", "Confirm the stakeholders"),
        "content/playbooks/qbr.yml": _playbook("QBR", "Plan the agenda", body="Send the deck a week ahead."),
        "content/playbooks/escalation.yml": _playbook("Escalation", "Open the case", body="As in [the QBR](playbook:qbr)."),
        "content/faq/renewals.yml": FAQ,
    })

    def reuse(portal, folder):
        return DocumentReuse(folder, shared_key("en", SCHEMA_VERSION), portal.first_names.read_by)

    first = load_portal(project)
    kept = reuse(first, None)
    collect_documents(first, "en", kept)
    kept.save(tmp_path)
    faq = project / "content/faq/renewals.yml"
    faq.write_text(faq.read_text(encoding="utf-8").replace("title: Renewals", "title: Renewals\naliases: [renewal-faq]"),
                   encoding="utf-8")
    renamed = load_portal(project)
    again = reuse(renamed, tmp_path)
    documents = collect_documents(renamed, "en", again)
    assert documents == collect_documents(renamed, "en")
    reused = {group for group, (_, docs) in again.kept.items() if docs is again.previous.get(group, (0, 0))[1]}
    assert reused == {"playbook:qbr", "playbook:escalation"} and again.reused == 2
    # the runway's step linking to the FAQ has a new version, though its file is as it was
    before = {d.key: d for d in collect_documents(first, "en")}
    assert any(d.version != before[d.key].version for d in documents if d.key.startswith("playbook:renewal-runway#"))


def test_phase_and_role_pages_are_reused_only_when_what_they_list_changed(tmp_path, project_factory, monkeypatch):
    """A phase or role page is taken from the last build unless what it shows of a playbook changed (or, for a
    role, one it owns, a chart duty or a checklist for it): the edited title shows wherever it is listed, and only
    there; a step's body shows on neither."""
    from generator.render import Renderer

    ae_only = (_playbook("AE kickoff", "Book the call").replace("phase: renewal", "phase: onboarding")
                    .replace("owner: cs-ops", "owner: sales-ae").replace("owner: csm", "owner: sales-ae")
                    .replace("R: csm, A: cs-lead", "R: sales-ae, A: sales-ae").replace("owner: cs-lead", "owner: sales-ae"))
    project = project_factory({
        "content/playbooks/renewal-runway.yml": _playbook("Renewal runway", "Confirm the stakeholders"),
        "content/playbooks/ae-kickoff.yml": ae_only,
        "content/faq/renewals.yml": FAQ,
    })
    taken: list[str] = []
    render_pages = Renderer.render_pages
    monkeypatch.setattr(Renderer, "render_pages", lambda self: [
        page for page in render_pages(self) if page.previous is None or not taken.append(page.source)])
    build_portal(project)
    assert taken == []

    def rebuild(path: str, old: str, new: str) -> set[str]:
        file = project / path
        file.write_text(file.read_text(encoding="utf-8").replace(old, new), encoding="utf-8")
        taken.clear()
        build_portal(project)
        _assert_same_as_cold(project, tmp_path)
        return set(taken)

    roles = {f"roles/{r}.md" for r in ("csm", "cs-lead", "cs-ops", "sales-ae")}
    found = rebuild("content/playbooks/renewal-runway.yml", "title: Renewal runway", "title: Renewal runway, renamed")
    assert {"playbooks/ae-kickoff.md", "phases/onboarding.md", "roles/sales-ae.md"} <= found
    assert not found & {"phases/renewal.md", "roles/csm.md", "roles/cs-lead.md", "roles/cs-ops.md"}
    for page in ("phases/renewal.md", "roles/csm.md", "roles/cs-lead.md", "roles/cs-ops.md"):
        assert "Renewal runway, renamed" in (project / "build/docs" / page).read_text(encoding="utf-8")
    # a step handed to sales-ae: its page lists it, its own playbook's pages are unchanged
    found = rebuild("content/playbooks/renewal-runway.yml", "R: csm, A: cs-lead", "R: sales-ae, A: cs-lead")
    assert "roles/sales-ae.md" not in found and {"playbooks/ae-kickoff.md", "phases/onboarding.md"} <= found
    # a checklist for sales-ae, a chart duty for sales-ae: its page and only its page of the four
    checklist = "title: AE onboarding\naudience: [sales-ae]\nsections:\n  - id: week-1\n    title: Week 1\n    items:\n      - id: read\n        text: Read the runbooks\n"
    (project / "content/onboarding").mkdir(exist_ok=True)
    (project / "content/onboarding/ae-week-1.yml").write_text(checklist, encoding="utf-8")
    assert rebuild("content/onboarding/ae-week-1.yml", "Week 1", "Week one") & roles == roles - {"roles/sales-ae.md"}
    assert "AE onboarding" in (project / "build/docs/roles/sales-ae.md").read_text(encoding="utf-8")
    # a step's body shows on no phase or role page: every one of them is taken from the last build
    found = rebuild("content/playbooks/renewal-runway.yml", "Read the [FAQ]", "First read the [FAQ]")
    assert roles | {"phases/renewal.md", "phases/onboarding.md"} <= found and "playbooks/renewal-runway.md" not in found


def test_an_unchanged_playbook_page_is_not_rendered_again(project, capsys):
    from generator.progress import LineProgress

    build_portal(project)
    playbook = project / "content/playbooks/renewal-runway.yml"
    playbook.write_text(_playbook("Renewal runway, revised", "Confirm every stakeholder"), encoding="utf-8")
    capsys.readouterr()
    build_portal(project, progress=LineProgress())
    # the other two playbooks' pages and the page of the role with no duty in it show nothing of the edited one
    err = capsys.readouterr().err
    assert "generated 18 pages, 3 taken unchanged from the last build" in err, err


def test_unchanged_markdown_is_linked_from_the_last_generation_not_written(project):
    build_portal(project)
    before = (project / "build/current").resolve()
    playbook = project / "content/playbooks/renewal-runway.yml"
    playbook.write_text(_playbook("Renewal runway", "Confirm the stakeholders", "Call the buyer."), encoding="utf-8")
    build_portal(project)
    after = (project / "build/current").resolve()
    assert after != before
    same = [(before / "docs" / p, after / "docs" / p) for p in ("playbooks/qbr.md", "faq/renewals.md")]
    assert all(old.stat().st_ino == new.stat().st_ino for old, new in same)
    changed = "playbooks/renewal-runway.md"
    assert (before / "docs" / changed).stat().st_ino != (after / "docs" / changed).stat().st_ino
    assert "Call the buyer." not in (before / "docs" / changed).read_text(encoding="utf-8")  # the old one untouched
    # so are the pages MkDocs did not render again; the changed one is a new file, the old one untouched
    html = [(before / "site" / p, after / "site" / p) for p in ("playbooks/qbr/index.html", "faq/renewals/index.html")]
    assert all(old.stat().st_ino == new.stat().st_ino for old, new in html)
    changed = "playbooks/renewal-runway/index.html"
    assert (before / "site" / changed).stat().st_ino != (after / "site" / changed).stat().st_ino
    assert "Call the buyer." not in (before / "site" / changed).read_text(encoding="utf-8")


def test_a_page_taken_from_the_last_build_is_rendered_again_if_its_file_went_away(project):
    """A reused page is read only when its text is needed; if another build replaced that generation
    meanwhile, the page is rendered again rather than lost."""
    from generator import generations
    from generator.mkdocs_config import read_site_config
    from generator.history import read_change_feed, whats_new_commits
    from generator.incremental import PreviousPages
    from generator.pipeline import load_portal
    from generator.render import Renderer

    build_portal(project)
    portal, site = load_portal(project), read_site_config(project)
    changes = read_change_feed(project, portal, whats_new_commits(site.raw))

    def render(previous=None):
        return Renderer(portal, site.templates_dir, site.language, site.site_url, changes, previous=previous).render_pages()

    fresh = {p.source: p.text for p in render()}
    reused = [p for p in render(PreviousPages(generations.trusted_generation(project))) if p.previous is not None]
    assert {p.source for p in reused} == {"playbooks/qbr.md", "playbooks/handoff.md", "playbooks/renewal-runway.md",
                                          "phases/renewal.md", "roles/csm.md", "roles/cs-lead.md", "roles/cs-ops.md", "roles/sales-ae.md"}
    reused[0].previous.unlink()
    assert [p.text for p in reused] == [fresh[p.source] for p in reused]


def test_a_rebuilding_process_models_only_the_edited_file_and_builds_what_a_cold_build_does(tmp_path, monkeypatch):
    """`csops serve` rebuilds in one process, which keeps each build's parses, models, page keys and role-page
    rows for the next (run_memory.py): after a save only the saved file is modelled again, and every site is
    byte for byte a cold build's (a kept value that outlived what it was made from would show here)."""
    from generator import model_builder, run_memory
    from test_shards import _assert_same_site
    from conftest import copy_bundled

    monkeypatch.setattr(run_memory, "_keeping", True)
    project = copy_bundled(tmp_path / "kept")
    build_portal(project)
    modelled: list[str] = []
    real = model_builder.BUILDERS["playbook"]
    monkeypatch.setitem(model_builder.BUILDERS, "playbook", lambda doc: modelled.append(doc.stem) or real(doc))

    def save(name: str, old: str, new: str) -> None:
        path = project / f"content/playbooks/{name}.yml"
        text = path.read_text(encoding="utf-8")
        assert old in text
        path.write_text(text.replace(old, new, 1), encoding="utf-8")

    def cold() -> Path:
        with monkeypatch.context() as one_run:
            one_run.setattr(run_memory, "_keeping", False)
            target = tmp_path / "cold"
            _cold(project, target)
        return target

    edits = [("renewal-runway", "title: ", "title: Revised "),  # on the role, phase and index pages
             ("qbr", "raci: {R: csm, A: cs-lead, I: sales-ae}", "raci: {R: support, A: cs-lead, I: sales-ae}"),
             ("qbr", "summary: ", "summary: Read this first. "),
             ("renewal-runway", "title: Revised ", "title: ")]  # back to what an earlier build kept
    for name, old, new in edits:
        modelled.clear()
        save(name, old, new)
        build_portal(project)
        assert modelled == [name]
        _assert_same_site(project, cold())
    modelled.clear()
    (project / "content/playbooks/reference-call.yml").write_text(
        _playbook("Reference call", "Brief the reference customer", "Share the prospect's questions a day before."),
        encoding="utf-8")
    build_portal(project)
    assert modelled == ["reference-call"]
    _assert_same_site(project, cold())


_SHOWN_ELSEWHERE = {
    # what a playbook page shows of settings.yml: a step's segment badges
    "segment name": ("content/settings.yml", "Small business", "SMB accounts", "playbooks/renewal-runway.md", "SMB accounts"),
    # the absolute step URL every playbook page gives Copy link and the .ics plan
    "site_url": ("mkdocs.yml", "site_url: https://portal.acme.test/", "site_url: https://cs.acme.test/",
                 "playbooks/renewal-runway.md", 'data-url="https://cs.acme.test/playbooks/renewal-runway/#confirm"'),
    # a phase page lists each playbook's steps with their owners
    "step owner": ("content/playbooks/qbr.yml", "owner: csm", "owner: cs-ops", "phases/renewal.md", 'data-role="cs-ops"'),
    # a former id given to a linked playbook: the linking step's version reads the link by its target's first id
    # (FirstNames.as_first_named), so the version on the linking page changes with no edit to that page's file
    "alias of a linked page": ("content/playbooks/qbr.yml", "title: QBR\n", "title: QBR\naliases: [quarterly]\n",
                               "playbooks/renewal-runway.md", ""),
}


@pytest.mark.parametrize("edit", _SHOWN_ELSEWHERE)
def test_an_edit_shown_on_other_pages_renders_them_again(tmp_path, project_factory, edit):
    """A page's Markdown is reused when its render key is unchanged (render.Renderer): an edit must reach every page
    that shows it, as in a cold build, not only the edited file's own page."""
    project = project_factory({
        "content/settings.yml": "segments:\n  - {id: smb, name: Small business}\n",
        "content/playbooks/renewal-runway.yml": "title: Renewal runway\nphase: renewal\nsteps:\n"
                                                "  - {id: confirm, title: Confirm, owner: csm, segments: [smb],"
                                                " body: 'Read the [QBR](playbook:qbr#prep) first.'}\n",
        "content/playbooks/qbr.yml": "title: QBR\nphase: renewal\nsteps:\n  - {id: prep, title: Prepare, owner: csm}\n",
    })
    build_portal(project)
    path, old, new, page, shown = _SHOWN_ELSEWHERE[edit]
    file = project / path
    assert file.read_text(encoding="utf-8").count(old) == 1
    file.write_text(file.read_text(encoding="utf-8").replace(old, new), encoding="utf-8")
    build_portal(project)
    assert shown in (project / "build/docs" / page).read_text(encoding="utf-8")
    _assert_same_as_cold(project, tmp_path)


def test_a_first_rename_reuses_the_unchanged_pages_of_a_portal_that_lists_redirects_by_name(project, run, capsys):
    """A first rename gives the redirects plugin its first redirect: the pages stay as they were, and the next build
    reuses those the rename did not touch, with mkdocs.yml's `- redirects` a bare name as with no entry at all."""
    import re

    from generator.progress import LineProgress

    config = project / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8").replace("  - search\n", "  - search\n  - redirects\n"),
                      encoding="utf-8")
    build_portal(project)
    assert run("mv", "playbook", "qbr", "quarterly-review", "--project", project).exit_code == 0
    capsys.readouterr()
    build_portal(project, progress=LineProgress())
    err = capsys.readouterr().err
    assert re.search(r"MkDocs rendered \d+ pages, reused [1-9]\d* unchanged", err), err
    assert (project / "site/playbooks/qbr/index.html").is_file()  # the old address, a redirect page now


def test_a_rebuild_makes_again_only_the_role_page_rows_of_what_changed_and_of_new_words(project, tmp_path, monkeypatch):
    """A role page lists a row per playbook under each letter (20,000 over six pages at 1,000 playbooks): a rebuild
    takes from the last build the rows of every playbook it did not edit (incremental.RoleRows), in one run as in
    csops serve's process. A row also speaks its badges' words: new words (labels.yml) make every row again, in
    csops serve's process too, where rows kept in memory by what they list alone showed the old word. A role page taken
    whole from the last build keeps its rows for the next; a chart's row is made again when an activity is renamed."""
    from generator import run_memory
    from generator.page_context import PageContext

    linked: list[tuple[str, str]] = []  # (page, playbook) of each link made to a playbook
    href = PageContext.href
    monkeypatch.setattr(PageContext, "href", lambda self, kind, doc_id, anchor="": (
        linked.append((self.source, doc_id)) or href(self, kind, doc_id, anchor)))
    # qbr's first step: cs-lead holds A and R, so its row on cs-lead's page carries an R badge
    qbr = project / "content/playbooks/qbr.yml"
    qbr.write_text(qbr.read_text(encoding="utf-8").replace("{R: csm,", "{R: [csm, cs-lead],"), encoding="utf-8")
    chart = project / "content/charts/duties.yml"  # a chart duty on csm's and cs-ops' pages, none on cs-lead's
    chart.parent.mkdir()
    chart.write_text("title: Duties\nactivities:\n  - {id: forecast, name: Forecast, raci: {R: csm, A: cs-ops}}\n",
                     encoding="utf-8")
    monkeypatch.setattr(run_memory, "_keeping", True)
    build_portal(project)
    (project / "templates").mkdir()
    (project / "templates/labels.yml").write_text("en:\n  responsible: Does the work\n", encoding="utf-8")
    build_portal(project)
    assert "Does the work</span></span>" in (project / "build/docs/roles/cs-lead.md").read_text(encoding="utf-8")
    _assert_same_as_cold(project, tmp_path)

    monkeypatch.setattr(run_memory, "_keeping", False)
    # the activity renamed: csm's and cs-ops' pages are made again, cs-lead's is taken whole with its rows
    chart.write_text(chart.read_text(encoding="utf-8").replace("name: Forecast", "name: Weekly forecast"), encoding="utf-8")
    build_portal(project)
    playbook = project / "content/playbooks/renewal-runway.yml"
    playbook.write_text(_playbook("Renewal runway, revised", "Confirm every stakeholder"), encoding="utf-8")
    linked.clear()
    build_portal(project)
    # csm's and cs-lead's pages list all three playbooks' steps (neither owns one: cs-ops' page also lists those)
    assert {doc for page, doc in linked if page in ("roles/csm.md", "roles/cs-lead.md")} == {"renewal-runway"}
    _assert_same_as_cold(project, tmp_path)


def test_an_edit_rebuild_sanitises_and_parses_again_only_the_role_page_rows_that_changed(project, tmp_path, monkeypatch):
    """A role page lists thousands of rows (5.5 MB over six pages at 1,000 playbooks), and an edit changes a few:
    every other row's sanitised HTML, and its ids and links for the link check, are taken from the last build, by
    its very bytes."""
    from generator import linkcheck, mkdocs_plugin

    _every_row_a_piece(monkeypatch)
    build_portal(project)
    build_portal(project)  # nothing changed: the pieces are carried to the new generation with the pages
    # what the sanitiser and the link check's parse are handed, one file each: MkDocs runs in the build's MkDocs
    # process and its share workers (mkdocs_host.py), forked with these stand-ins
    handed = tmp_path / "handed"
    handed.mkdir()

    def keep(text: str) -> None:
        (handed / uuid.uuid4().hex).write_text(text, encoding="utf-8")

    sanitize, parse = mkdocs_plugin.sanitize_html, linkcheck.parse_html
    monkeypatch.setattr(mkdocs_plugin, "sanitize_html", lambda text, **settings: (
        keep(text) or sanitize(text, **settings)))
    monkeypatch.setattr(linkcheck, "parse_html", lambda text: keep(text) or parse(text))
    playbook = project / "content/playbooks/renewal-runway.yml"
    playbook.write_text(_playbook("Renewal runway, revised", "Confirm every stakeholder"), encoding="utf-8")
    build_portal(project)
    sanitised = [path.read_text(encoding="utf-8") for path in handed.iterdir()]

    def role_rows(title: str) -> list[str]:
        return [text for text in sanitised if f">{title}</a><span class=\"csops-duty-steps\">" in text]

    assert role_rows("Renewal runway, revised")  # on csm's, cs-lead's and cs-ops' pages
    assert role_rows("Quarterly business review") == role_rows("Sales handoff") == []
    # the site equal to a cold build's: test_incremental_builds_equal_cold_builds_after_each_kind_of_edit


def test_a_rebuild_starts_its_site_from_the_generation_it_retires_and_still_equals_a_cold_build(project, tmp_path):
    """An edit rebuild lays out its unchanged pages by taking the site folder of the generation before the live one
    (deleted by that build anyway) instead of a folder and a link per page; a page that generation holds in an older
    version (changed by the live build, unchanged since) and everything site-wide are not kept from it, the live
    generation is never written, and a record naming a folder outside the generations is not followed."""
    import os

    build_portal(project)
    first = (project / "build/current").resolve()
    runway = project / "content/playbooks/renewal-runway.yml"
    runway.write_text(_playbook("Renewal runway, revised", "Confirm every stakeholder"), encoding="utf-8")
    build_portal(project)
    live = (project / "build/current").resolve()
    live_files = _tree(live / "site")
    kept = os.open(first / "site/playbooks/handoff", os.O_RDONLY)  # open: its inode is not reused if it is deleted
    try:
        (project / "content/playbooks/qbr.yml").write_text(_playbook("Quarterly business review", "Book a bigger room"),
                                                             encoding="utf-8")
        build_portal(project)
        newest = (project / "build/current").resolve()
        # the retired generation's folder of an unchanged page is the new site's, not deleted
        assert os.fstat(kept).st_nlink > 0
        assert os.fstat(kept).st_ino == (newest / "site/playbooks/handoff").stat().st_ino
    finally:
        os.close(kept)
    assert _tree(live / "site") == live_files  # the generation readers were on: untouched
    _assert_same_as_cold(project, tmp_path)

    # a record in the live generation naming a folder outside the generations: nothing of it is taken or removed
    outside = tmp_path / "outside"
    (outside / "site/playbooks/qbr").mkdir(parents=True)
    (outside / "site/playbooks/qbr/index.html").write_text("not csops'", encoding="utf-8")
    (newest.parent / "planted").symlink_to(outside)
    record = json.loads((newest / "copied.json").read_text(encoding="utf-8"))
    (newest / "copied.json").write_text(json.dumps({**record, "from": "planted"}), encoding="utf-8")
    runway.write_text(_playbook("Renewal runway, third", "Confirm every stakeholder"), encoding="utf-8")
    assert build_portal(project).reused > 0
    assert (outside / "site/playbooks/qbr/index.html").read_text(encoding="utf-8") == "not csops'"
    assert "Renewal runway, third" in (project / "site/playbooks/renewal-runway/index.html").read_text(encoding="utf-8")
    assert "Book a bigger room" in (project / "site/playbooks/qbr/index.html").read_text(encoding="utf-8")


def test_an_edit_rebuild_takes_the_theme_assets_and_404_page_from_the_live_generation(project, tmp_path):
    """Their bytes come from the build key alone, so an edit rebuild neither copies the theme's files again nor renders
    the 404 page (its whole navigation) again: it links the live generation's, and the build after finds them in
    place in the site folder it recycles. One missing from the live site is written as a cold build writes it."""
    build_portal(project)
    site = project / "site"
    asset = next(site.glob("assets/javascripts/bundle.*.min.js")).relative_to(site).as_posix()
    first = {path: (site / path).stat().st_ino for path in ("404.html", asset)}
    runway = project / "content/playbooks/renewal-runway.yml"
    for n in range(2):  # linked from the live generation, then in place in the recycled folder
        runway.write_text(_playbook(f"Renewal runway {n}", "Confirm every stakeholder"), encoding="utf-8")
        assert build_portal(project).reused > 0
        assert {path: (site / path).stat().st_ino for path in first} == first
    _assert_same_as_cold(project, tmp_path)

    # missing from the live generation and from the one it recycles (deleted by hand): the next build writes it
    # again, as a cold build does
    live = (project / "build/current").resolve()
    retired = live.parent / json.loads((live / "copied.json").read_text(encoding="utf-8"))["from"]
    for generation in (live, retired):
        (generation / "site" / asset).unlink()
    runway.write_text(_playbook("Renewal runway, last", "Confirm every stakeholder"), encoding="utf-8")
    build_portal(project)
    assert (site / asset).stat().st_ino != first[asset]
    _assert_same_as_cold(project, tmp_path)
