"""`csops build` end to end: real MkDocs builds, id-based URLs, safety, and failed builds that change nothing."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pytest
import yaml

from tests.conftest import REPO

PLAYBOOK = """\
title: Renewal runway
phase: renewal
owner: cs-ops
steps:
  - id: confirm-stakeholders
    title: Confirm the stakeholders
    owner: csm
    raci: {R: csm, A: cs-lead}
    body: |
      Read the [FAQ](faq:renewals#when-to-start) first.

      ## 更新の準備をする

      <img src="https://example.com/x.png" onerror="alert(1)"><a href="javascript:alert(2)">click</a> <b>kept</b>
  - id: kickoff
    title: "<script>alert(3)</script> kickoff"
    owner: csm
"""
FAQ = """\
title: Renewals
entries:
  - id: when-to-start
    q: When does renewal work start?
    a: At T-120d, see [the runway](playbook:renewal-runway#kickoff).
"""


def _tree_digest(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def _bundled_settings(folder: Path, source: Path = REPO) -> Path:
    """`source`'s mkdocs.yml over a few small files holding what the tests of its settings look at (a playbook once
    named renewal-prep, a QBR playbook, an FAQ, the roles): their subject is the settings, and the bundled
    content's full build cost each of them seconds."""
    from tests.conftest import make_project

    return make_project(folder, {"mkdocs.yml": (source / "mkdocs.yml").read_text(encoding="utf-8"),
                                 "content/playbooks/renewal-runway.yml": PLAYBOOK + "aliases: [renewal-prep]\n",
                                 "content/playbooks/qbr.yml": "title: QBR\nphase: renewal\nsteps:\n"
                                                              "  - {id: prep, title: Prepare, owner: csm}\n",
                                 "content/faq/renewals.yml": FAQ})


def _project(project_factory):
    return project_factory({"content/playbooks/renewal-runway.yml": PLAYBOOK, "content/faq/renewals.yml": FAQ})


def test_build_writes_pages_at_id_based_urls(project_factory, run):
    project = _project(project_factory)
    result = run("build", "--project", project)
    assert result.exit_code == 0, result.output
    page = (project / "site/playbooks/renewal-runway/index.html").read_text(encoding="utf-8")
    assert 'id="confirm-stakeholders"' in page and 'id="kickoff"' in page
    faq = (project / "site/faq/renewals/index.html").read_text(encoding="utf-8")
    assert 'id="when-to-start"' in faq
    assert 'href="../../playbooks/renewal-runway/#kickoff"' in faq
    for index in ("index.html", "playbooks/index.html", "phases/renewal/index.html", "roles/csm/index.html",
                  "charts/index.html", "onboarding/index.html", "glossary/index.html", "faq/index.html"):
        assert (project / "site" / index).is_file(), index


def test_japanese_body_headings_get_readable_stable_ids(project_factory, run):
    project = _project(project_factory)
    run("build", "--project", project)
    page = (project / "site/playbooks/renewal-runway/index.html").read_text(encoding="utf-8")
    assert 'id="更新の準備をする"' in page
    assert 'id="_1"' not in page


def test_the_sites_own_toc_slugify_and_permalink_title_are_the_ones_used(project_factory, run):
    """csops gives toc a slugify that keeps Japanese headings readable, and a permalink title in the portal's language,
    only where mkdocs.yml sets none: a site that chose its own (here Python-Markdown's ASCII slugify, and its own
    words for the heading links) gets those."""
    project = _project(project_factory)
    config = project / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8") + "markdown_extensions:\n  - toc:\n      permalink: true\n"
                      "      permalink_title: Link to this part\n"
                      "      slugify: !!python/name:markdown.extensions.toc.slugify\n", encoding="utf-8")
    result = run("build", "--project", project)
    assert result.exit_code == 0, result.output
    page = (project / "site/playbooks/renewal-runway/index.html").read_text(encoding="utf-8")
    assert 'id="更新の準備をする"' not in page and 'title="Link to this part"' in page


@pytest.mark.parametrize("written", [
    "markdown_extensions:\n  - toc:\n      permalink: true\n      permalink_title: Link to this part\n  - admonition\n  - toc\n",
    # the bare entry first: the later entry's settings are kept (a mutation pass found no test of this order)
    "markdown_extensions:\n  - toc\n  - admonition\n  - toc:\n      permalink: true\n      permalink_title: Link to this part\n",
], ids=["bare-entry-last", "bare-entry-first"])
def test_an_extension_written_twice_keeps_the_settings_mkdocs_keeps(project_factory, run, written):
    """A name listed twice in markdown_extensions is one extension with the settings of its last entry that has any,
    as in MkDocs: a later bare '- toc' (added for another page's sake, or left from a merge) keeps the heading links'
    own title; csops took the bare entry's none, and the portal's own title replaced the site's."""
    from mkdocs.config.config_options import MarkdownExtensions

    mkdocs_reads = MarkdownExtensions()
    assert mkdocs_reads.run_validation(yaml.safe_load(written)["markdown_extensions"]) == ["toc", "admonition"]
    assert mkdocs_reads.configdata == {"toc": {"permalink": True, "permalink_title": "Link to this part"}}
    project = _project(project_factory)
    config = project / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8") + written, encoding="utf-8")
    result = run("build", "--project", project)
    assert result.exit_code == 0, result.output
    page = (project / "site/playbooks/renewal-runway/index.html").read_text(encoding="utf-8")
    assert 'title="Link to this part"' in page


@pytest.mark.parametrize("level, warned", [  # warned: line below the def_list line, column, what
    ("validation:\n  anchors: info\n", (2, 12, "'validation.anchors: info'")),
    ("validation:\n  links:\n    anchors: ignore\n", (3, 14, "'validation.links.anchors: ignore'"))])
def test_the_sites_own_looser_anchors_check_is_kept_and_validate_says_csops_still_refuses(project_factory, run,
                                                                                          level, warned):
    """csops asks MkDocs to warn at a broken #link (its strict build then stops) only where mkdocs.yml sets no level:
    'validation: anchors: info' is passed on as written, in either of MkDocs' forms. It lets nothing through all
    the same, as csops checks each link of the built site, so validate says so at the line. The link here goes to a
    heading in a body of a site with def_list, whose ids validate leaves to the build."""
    playbook = ("title: Renewal runway\nsteps:\n  - id: confirm\n    title: Confirm\n    body: |\n"
                "      ### Prep terms\n\n      See [the terms](#prep-termz) first.\n")
    project = project_factory({"content/playbooks/renewal-runway.yml": playbook})
    config = project / "mkdocs.yml"
    base = config.read_text(encoding="utf-8") + "markdown_extensions:\n  - def_list\n"
    config.write_text(base, encoding="utf-8")
    result = run("build", "--project", project)
    assert result.exit_code == 1 and "contains a link '#prep-termz', but there is no such anchor" in result.output
    config.write_text(base + level, encoding="utf-8")
    checked = run("validate", "--project", project)
    below, col, what = warned
    assert checked.exit_code == 0 and (f"mkdocs.yml:{len(base.splitlines()) + below}:{col}: warning: {what} does not "
                                       "let a broken #link through") in checked.output, checked.output
    result = run("build", "--project", project)
    assert result.exit_code == 1 and "no such anchor" not in result.output, result.output
    assert "playbooks/renewal-runway/index.html: #prep-termz (no #prep-termz on" in result.output, result.output


def test_pull_request_content_cannot_run_script(project_factory, run):
    project = _project(project_factory)
    run("build", "--project", project)
    page = (project / "site/playbooks/renewal-runway/index.html").read_text(encoding="utf-8")
    assert "onerror" not in page
    assert "javascript:alert" not in page
    assert "<script>alert" not in page
    assert "&lt;script&gt;alert(3)&lt;/script&gt; kickoff" in page
    assert "<b>kept</b>" in page


def test_an_html_comment_in_a_body_is_not_published(project_factory, run):
    """An editor's note left as an HTML comment in a body ('<!-- ask legal before quoting 40% -->') shows on no
    page, and must not be in the page's source either: the sanitiser strips comments (and with them the
    conditional comments old browsers ran)."""
    playbook = ("title: Renewal runway\nsteps:\n  - id: confirm\n    title: Confirm\n    body: |\n"
                "      Offer the renewal terms.\n\n      <!-- ask legal before quoting 40% -->\n\n      Then confirm.\n")
    project = project_factory({"content/playbooks/renewal-runway.yml": playbook})
    assert run("build", "--project", project).exit_code == 0
    page = (project / "site/playbooks/renewal-runway/index.html").read_text(encoding="utf-8")
    assert "Offer the renewal terms." in page and "Then confirm." in page
    assert "ask legal" not in page


def test_failed_build_leaves_previous_site_untouched(project_factory, run):
    project = _project(project_factory)
    assert run("build", "--project", project).exit_code == 0
    before = _tree_digest(project / "site")
    docs_before = _tree_digest(project / "build/docs")
    (project / "content/playbooks/renewal-runway.yml").write_text(PLAYBOOK.replace("owner: cs-ops", "owner: csops"), encoding="utf-8")
    result = run("build", "--project", project)
    assert result.exit_code == 1
    assert "content/playbooks/renewal-runway.yml:3:8: error: unknown role 'csops'" in result.output
    assert _tree_digest(project / "site") == before
    assert _tree_digest(project / "build/docs") == docs_before


def test_mkdocs_strict_failure_also_leaves_site_untouched(project_factory, run):
    project = _project(project_factory)
    assert run("build", "--project", project).exit_code == 0
    before = _tree_digest(project / "site")
    # a link validate cannot see (content with one is refused before MkDocs runs): from a team's own template
    from generator.render import PACKAGE_TEMPLATES

    shutil.copytree(PACKAGE_TEMPLATES, project / "templates")
    with (project / "templates/playbook.md.j2").open("a", encoding="utf-8") as template:
        template.write("\nRead the [old page](../nowhere.md).\n")
    result = run("build", "--project", project)
    assert result.exit_code == 1
    assert "MkDocs refused the site" in result.output and "nowhere.md" in result.output
    assert _tree_digest(project / "site") == before
    assert not list((project / "build").glob(".staging-*"))


def test_generated_markdown_is_byte_identical_across_builds(project_factory, run):
    project = _project(project_factory)
    run("build", "--project", project)
    first = _tree_digest(project / "build/docs")
    run("build", "--project", project)
    assert _tree_digest(project / "build/docs") == first


def test_first_playbook_can_be_five_lines(project_factory, run):
    project = project_factory({"content/playbooks/first-call.yml": """\
        title: First call
        steps:
          - id: call
            title: Call the customer
        """})
    result = run("build", "--project", project)
    assert result.exit_code == 0, result.output
    assert (project / "site/playbooks/first-call/index.html").is_file()


def test_project_option_defaults_to_current_directory(project_factory, run, monkeypatch):
    project = _project(project_factory)
    monkeypatch.chdir(project)
    assert run("build").exit_code == 0
    assert (project / "site/index.html").is_file()


def test_japanese_labels_follow_theme_language(project_factory, run):
    project = project_factory({"content/playbooks/renewal-runway.yml": PLAYBOOK, "content/faq/renewals.yml": FAQ},
                              language="ja")
    run("build", "--project", project)
    page = (project / "site/playbooks/renewal-runway/index.html").read_text(encoding="utf-8")
    assert "手順" in page and "タイムライン" in page


def test_bundled_portal_builds(built_bundled):
    site = built_bundled / "site"
    assert (site / "playbooks/renewal-runway/index.html").is_file()
    assert (site / "charts/cs-duties/index.html").is_file()
    assert len(list((site / "playbooks").glob("*/index.html"))) >= 12


def test_edit_link_opens_the_yaml_source(built_bundled):
    page = (built_bundled / "site/playbooks/renewal-runway/index.html").read_text(encoding="utf-8")
    assert 'href="https://github.com/acme/csops-portal/edit/main/content/playbooks/renewal-runway.yml"' in page


def test_repo_does_not_track_generated_output():
    ignored = (REPO / ".gitignore").read_text(encoding="utf-8").split()
    assert "site/" in ignored and "build/" in ignored


def test_the_theme_files_listed_quickly_are_those_mkdocs_keeps():
    """The theme loader csops gives MkDocs skips dot folders (Material's 14,000 icons) while listing the theme's
    files; MkDocs drops every path with a dot-prefixed part anyway, so the files it copies are the same."""
    import fnmatch

    import jinja2
    from material import templates

    from generator.mkdocs_plugin import ThemeFilesLoader

    dirs = [str(Path(templates.__file__).parent)]
    every, quick = jinja2.FileSystemLoader(dirs).list_templates(), ThemeFilesLoader(dirs).list_templates()
    assert set(quick) <= set(every) and len(every) > 10_000 and 100 < len(quick) < 1_000
    assert all(fnmatch.fnmatch(path, ".*") or fnmatch.fnmatch(path, "*/.*") for path in set(every) - set(quick))
    assert any(p.startswith("assets/stylesheets/main.") for p in quick) and "partials/header.html" in quick


def test_a_built_site_has_the_theme_assets(built_bundled):
    assets = [p.relative_to(built_bundled / "site").as_posix() for p in (built_bundled / "site/assets").rglob("*") if p.is_file()]
    assert any(a.startswith("assets/stylesheets/main.") and a.endswith(".css") for a in assets)
    assert any(a.startswith("assets/javascripts/bundle.") and a.endswith(".js") for a in assets)
    assert not any("/." in a for a in assets) and "assets/images/favicon.png" in assets


def test_heading_links_are_titled_in_the_portals_language(built_bundled, built_ja):
    """The Japanese portal's 329 heading links said "Permanent link" (Python-Markdown's default tooltip)."""
    import re

    for project, title in ((built_ja, "この見出しへのリンク"), (built_bundled, "Permanent link")):
        page = (project / "site/playbooks/qbr/index.html").read_text(encoding="utf-8")
        titles = set(re.findall(r'class="headerlink" href="#[^"]*" title="([^"]*)"', page))
        assert titles == {title}, (project, titles)


def test_the_footer_credit_is_in_the_portals_language_and_escaped(tmp_path, built_bundled):
    """Every Japanese page ended in Material's English "Made with Material for MkDocs"."""
    import html
    import re

    import yaml as pyyaml

    from generator.pipeline import build_portal
    from generator.render import PACKAGE_TEMPLATES

    def credit(project):
        page = (project / "site/playbooks/qbr/index.html").read_text(encoding="utf-8")
        block = re.search(r'<div class="md-copyright">(.*?)</div>', page, re.S).group(1)
        return html.unescape(" ".join(re.sub(r"<[^>]+>", "", block).split())), block

    japanese = _bundled_settings(tmp_path / "ja", REPO / "examples/ja")
    labels = pyyaml.safe_load((PACKAGE_TEMPLATES / "labels.yml").read_text(encoding="utf-8"))
    labels["ja"]["made_with"] = "<script>x</script> {tool} で作成"
    (japanese / "templates").mkdir()
    (japanese / "templates/labels.yml").write_text(pyyaml.safe_dump(labels, allow_unicode=True), encoding="utf-8")
    build_portal(japanese)
    text, block = credit(japanese)
    assert text == "<script>x</script> Material for MkDocs で作成" and "<script>" not in block
    assert credit(built_bundled)[0] == "Made with Material for MkDocs"


def test_a_failed_copy_names_the_build_side_not_the_theme_file(tmp_path):
    """A full disk while copying theme assets named the source under site-packages, which the user cannot fix."""
    import errno

    from generator.build import describe_os_error
    from generator.mkdocs_config import read_site_config
    from tests.conftest import copy_bundled

    site = read_site_config(copy_bundled(tmp_path / "portal"))
    target = site.project / "build/.staging-1/site/assets/javascripts/wordcut.js"
    error = OSError(errno.ENOSPC, "No space left on device", "/usr/lib/python3/site-packages/material/wordcut.js",
                    None, str(target))
    message = describe_os_error(error, site)
    assert f"({target})" in message and "site-packages" not in message and "free disk space" in message
    outside = OSError(errno.ENOSPC, "No space left on device", "/usr/lib/python3/site-packages/material/wordcut.js")
    assert f"({site.project / 'build'})" in describe_os_error(outside, site)


def test_a_projects_older_copy_of_labels_gets_the_words_csops_added_since(project_factory):
    """A team that customised its templates keeps its own labels.yml; one copied before an upgrade lacked the
    words added since, and every build raised KeyError. Its own words still win; csops' own fill the gaps."""
    import yaml as pyyaml

    from generator.pipeline import build_portal
    from generator.render import PACKAGE_TEMPLATES

    project = project_factory({"content/playbooks/renewal-runway.yml": PLAYBOOK, "content/faq/renewals.yml": FAQ})
    labels = pyyaml.safe_load((PACKAGE_TEMPLATES / "labels.yml").read_text(encoding="utf-8"))
    for key in ("not_found_title", "serve_failed", "steps"):
        del labels["en"][key]
    labels["en"]["owner"] = "Driven by"
    (project / "templates").mkdir()
    (project / "templates/labels.yml").write_text(pyyaml.safe_dump(labels, allow_unicode=True), encoding="utf-8")
    build_portal(project)
    assert "Page not found" in (project / "site/404.html").read_text(encoding="utf-8")
    assert "Driven by" in (project / "site/playbooks/renewal-runway/index.html").read_text(encoding="utf-8")


def test_a_projects_templates_folder_with_one_edited_template_and_no_labels_is_used(project_factory):
    """A team that edited only playbook.md.j2 (and added a stylesheet) into its templates/ folder got csops' own
    pages without a word: the folder was read only when it held a labels.yml. Each file there now wins over csops'
    own, and the words come from csops' labels."""
    from generator.pipeline import build_portal
    from generator.render import PACKAGE_TEMPLATES

    project = project_factory({"content/playbooks/renewal-runway.yml": PLAYBOOK, "content/faq/renewals.yml": FAQ})
    (project / "templates/assets").mkdir(parents=True)
    template = (PACKAGE_TEMPLATES / "playbook.md.j2").read_text(encoding="utf-8")
    (project / "templates/playbook.md.j2").write_text(template + "\nReviewed by the Acme CS Ops team.\n", encoding="utf-8")
    (project / "templates/assets/acme.css").write_text(".md-header { background: #123456; }\n", encoding="utf-8")
    build_portal(project)
    page = (project / "site/playbooks/renewal-runway/index.html").read_text(encoding="utf-8")
    assert "Reviewed by the Acme CS Ops team." in page and "acme.css" in page
    assert "Page not found" in (project / "site/404.html").read_text(encoding="utf-8")  # csops' labels still there


@pytest.mark.parametrize("broken, message", [
    ("{% if %}\n", "template error: Expected an expression"),
    # a pulled template's conflict block was text to Jinja: every page it makes published the markers
    ("<<<<<<< HEAD\nMine\n=======\nTheirs\n>>>>>>> main\n", "template error: unresolved git merge conflict: lines "
     "{start}-{lines} still hold git's conflict markers (keep the version you want between the marker lines, then "
     "delete the '<<<<<<<', '=======' and '>>>>>>>' lines)"),
    ("{{ doc.nope.nope }}\n", "template error: 'generator.model.Playbook object' has no attribute 'nope'"),
])
def test_a_broken_template_is_one_line_naming_where(project_factory, run, broken, message):
    """A team's edited template ended `csops build` in a Jinja traceback."""
    from generator.render import PACKAGE_TEMPLATES

    project = project_factory({"content/playbooks/renewal-runway.yml": PLAYBOOK, "content/faq/renewals.yml": FAQ})
    shutil.copytree(PACKAGE_TEMPLATES, project / "templates")
    with (project / "templates/playbook.md.j2").open("a", encoding="utf-8") as template:
        template.write(broken)
    result = run("build", "--project", project)
    assert result.exit_code == 1 and not isinstance(result.exception, Exception), result.exception
    lines = (project / "templates/playbook.md.j2").read_text(encoding="utf-8").count("\n")
    start = lines - broken.count("\n") + 1
    assert f"Error: templates/playbook.md.j2:{start if '<<<' in broken else lines}: " \
           f"{message.format(start=start, lines=lines)}" in result.output, result.output


@pytest.mark.parametrize("template, marker", [
    ("_macros.md.j2", "{% macro review_state(doc) -%}\n"),  # a macro playbook.md.j2 calls
    ("_item_versions.md.j2", "{% set noun = item_noun(doc.kind) %}\n"),  # included by a template playbook.md.j2 includes
])
def test_a_template_error_in_a_macro_or_an_included_template_names_its_own_line(project_factory, run, template, marker):
    """The broken line is the one to name, not the line of playbook.md.j2 that calls the macro or includes the file:
    that line is sound, and a team fixing it found nothing to fix there (Jinja's traceback lists the caller first)."""
    from generator.render import PACKAGE_TEMPLATES

    project = project_factory({"content/playbooks/renewal-runway.yml": PLAYBOOK, "content/faq/renewals.yml": FAQ})
    shutil.copytree(PACKAGE_TEMPLATES, project / "templates")
    edited = project / "templates" / template
    text = edited.read_text(encoding="utf-8")
    edited.write_text(text.replace(marker, marker + "{{ doc.nope.nope }}\n", 1), encoding="utf-8")
    line = text[:text.index(marker) + len(marker)].count("\n") + 1
    result = run("build", "--project", project)
    assert result.exit_code == 1 and not isinstance(result.exception, Exception), result.exception
    assert f"Error: templates/{template}:{line}: template error: 'generator.model.Playbook object' has no attribute " \
           "'nope'" in result.output, result.output


def test_a_template_heading_underlined_with_seven_equals_signs_builds(project_factory, run):
    """'Welcome\\n=======' (a Markdown heading) in a team's home template was refused as an unresolved git merge
    conflict, and the build stopped."""
    from generator.render import PACKAGE_TEMPLATES

    project = project_factory({"content/playbooks/renewal-runway.yml": PLAYBOOK, "content/faq/renewals.yml": FAQ})
    shutil.copytree(PACKAGE_TEMPLATES, project / "templates")
    with (project / "templates/playbook.md.j2").open("a", encoding="utf-8") as template:
        template.write("\nFurther reading\n=======\n")
    result = run("build", "--project", project)
    assert result.exit_code == 0, result.output
    page = (project / "site/playbooks/renewal-runway/index.html").read_text(encoding="utf-8")
    assert '<h1 id="further-reading">Further reading' in page


def test_plugins_written_as_a_mapping_keep_their_settings(tmp_path, run):
    """MkDocs takes `plugins:` as a list or as a mapping of name -> settings, and `csops validate` reads both; the
    build kept a mapping's plugin names alone, so the portal's search settings (lang, separator: Japanese words
    unsearchable) and the site's own redirect_maps (old links answering 404) were dropped without a word."""
    import json

    project = _bundled_settings(tmp_path / "portal")
    config = project / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    start = text.index("plugins:\n")
    end = text.index("\n\n", start)
    config.write_text(text[:start] + "plugins:\n  search:\n    lang: [en, ja]\n    separator: '[\\s\\-、。]+'\n"
                      "  redirects:\n    redirect_maps:\n      old-faq.md: faq/index.md\n" + text[end:], encoding="utf-8")
    result = run("build", "--project", project)
    assert result.exit_code == 0, result.output
    search = json.loads((project / "site/search/search_index.json").read_text(encoding="utf-8"))["config"]
    assert (search["lang"], search["separator"]) == (["en", "ja"], "[\\s\\-、。]+")
    assert "faq/" in (project / "site/old-faq/index.html").read_text(encoding="utf-8")


def _bundled_with_site_redirects(tmp_path, *entries: str):
    """A copy of the bundled portal whose mkdocs.yml lists the site's own redirect_maps `entries` first among its
    plugins; and the line of the first entry."""
    project = _bundled_settings(tmp_path / "portal")
    config = project / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    config.write_text(text.replace("plugins:\n", "plugins:\n  - redirects:\n      redirect_maps:\n"
                                   + "".join(f"        {entry}\n" for entry in entries), 1), encoding="utf-8")
    return project, text[:text.index("plugins:\n")].count("\n") + 4


def test_a_site_redirect_from_a_renamed_pages_old_address_wins_and_validate_says_so(tmp_path, run):
    """The site's own redirect_maps and csops' alias of a renamed playbook (renewal-prep, now renewal-runway) both
    sent /playbooks/renewal-prep/ somewhere: the site's entry won in the build, without a word, and links to the
    renamed playbook in tickets led to another page. The author's entry still wins (it is written on purpose), and
    validate and the build warn at its line (--strict fails); an entry that agrees with the alias, or an address
    csops makes no redirect for, is not named."""
    project, line = _bundled_with_site_redirects(tmp_path, "old-faq.md: faq/index.md",
                                                 "playbooks/renewal-prep.md: faq/renewals.md")
    config, line = project / "mkdocs.yml", line + 1  # the second entry
    warning = (f"mkdocs.yml:{line}:9: warning: redirect_maps sends playbooks/renewal-prep.md to faq/renewals.md, and "
               "this entry wins; but it is the former address of playbooks/renewal-runway.md (an id in its aliases:)")
    validated = run("validate", "--project", project)
    assert validated.exit_code == 0 and warning in validated.output, validated.output
    assert validated.output.count("[redirect-over-alias]") == 1, validated.output
    assert run("validate", "--project", project, "--strict").exit_code == 1
    built = run("build", "--project", project)
    assert built.exit_code == 0 and warning in built.output, built.output
    assert "../../faq/renewals/" in (project / "site/playbooks/renewal-prep/index.html").read_text(encoding="utf-8")
    # the same redirect written as the page's folder, to where the alias leads: no clash
    config.write_text(config.read_text(encoding="utf-8").replace(
        "playbooks/renewal-prep.md: faq/renewals.md", "playbooks/renewal-prep/index.md: playbooks/renewal-runway/index.md"),
        encoding="utf-8")
    assert "redirect-over-alias" not in run("validate", "--project", project).output
    # written as the folder's index.md, to another page than the alias: the same clash (a mutation pass found that no
    # test failed when such an entry was not matched to the alias at all)
    config.write_text(config.read_text(encoding="utf-8").replace(
        "playbooks/renewal-prep/index.md: playbooks/renewal-runway/index.md", "playbooks/renewal-prep/index.md: faq/renewals.md"),
        encoding="utf-8")
    assert run("validate", "--project", project).output.count("[redirect-over-alias]") == 1


def test_a_site_redirect_from_an_address_the_portal_still_has_is_warned_at_its_line(tmp_path, run):
    """redirect_maps sending the address of a page the portal still has (a playbook, a role) elsewhere: mkdocs-redirects
    wrote its redirect over the built page without a word, so the QBR playbook's readers, and every step link to it
    in tickets, landed on the FAQ. Validate and the build now warn at the entry (--strict fails); the page's
    own address sent to itself says nothing."""
    project, line = _bundled_with_site_redirects(tmp_path, "playbooks/qbr.md: faq/renewals.md",
                                                 "roles/csm/index.md: roles/cs-lead.md")
    config = project / "mkdocs.yml"
    validated = run("validate", "--project", project)
    assert validated.exit_code == 0 and validated.output.count("[redirect-over-page]") == 2, validated.output
    assert (f"mkdocs.yml:{line}:9: warning: redirect_maps sends playbooks/qbr.md to faq/renewals.md, but "
            "playbooks/qbr.md is a page of the portal") in validated.output
    assert f"mkdocs.yml:{line + 1}:9: warning: redirect_maps sends roles/csm/index.md to roles/cs-lead.md" in validated.output
    assert run("validate", "--project", project, "--strict").exit_code == 1
    built = run("build", "--project", project)
    assert built.exit_code == 0 and built.output.count("[redirect-over-page]") == 2, built.output
    config.write_text(config.read_text(encoding="utf-8").replace("playbooks/qbr.md: faq/renewals.md",
                                                                 "playbooks/qbr.md: playbooks/qbr/index.md"), encoding="utf-8")
    assert run("validate", "--project", project).output.count("[redirect-over-page]") == 1


def test_a_site_redirect_over_an_alias_written_in_the_inherited_file_is_warned_there(tmp_path, run):
    """redirect_maps written in the file mkdocs.yml INHERITs (a team's shared settings) is warned at its line there:
    a mutation pass found that no test failed when the warning named mkdocs.yml at that line, which holds nothing."""
    from conftest import copy_bundled

    project = copy_bundled(tmp_path / "portal")
    config = project / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    (project / "base.yml").write_text(text.replace("plugins:\n", "plugins:\n  - redirects:\n      redirect_maps:\n"
                                                   "        playbooks/renewal-prep.md: faq/renewals.md\n", 1),
                                      encoding="utf-8")
    config.write_text("INHERIT: base.yml\n", encoding="utf-8")
    line = text[:text.index("plugins:\n")].count("\n") + 4
    validated = run("validate", "--project", project)
    assert validated.exit_code == 0 and f"\nbase.yml:{line}:9: warning: redirect_maps sends playbooks/renewal-prep.md " \
        "to faq/renewals.md" in "\n" + validated.output, validated.output


def test_an_empty_plugins_list_builds_without_search_as_mkdocs_does_and_validate_says_so(tmp_path, run):
    """`plugins: []` is MkDocs' way to turn every plugin off, search included; csops put search back (and a list
    naming other plugins only built without it, unannounced). Both now build as MkDocs does, and validate warns at
    the setting that the published site will have no search box."""
    from conftest import copy_bundled, make_project

    def portal(name: str) -> Path:  # the bundled portal's settings over one playbook: the settings are the case
        return make_project(tmp_path / name, {"mkdocs.yml": (REPO / "mkdocs.yml").read_text(encoding="utf-8"),
                                              "content/playbooks/renewal.yml": "title: Renewal\nsteps:\n"
                                              "  - {id: call, title: Call the sponsor, owner: csm}\n"})

    for written in ("[]", "\n  - redirects"):
        project = portal(f"portal{len(written)}")
        config = project / "mkdocs.yml"
        text = config.read_text(encoding="utf-8")
        start = text.index("plugins:\n")
        end = text.index("\n\n", start)
        config.write_text(text[:start] + f"plugins: {written}\n" + text[end:], encoding="utf-8")
        line = text[:start].count("\n") + 1
        checked = run("validate", "--project", project)
        assert f"mkdocs.yml:{line}:" in checked.output and "[no-search-plugin]" in checked.output, checked.output
        assert checked.exit_code == 0, checked.output  # a warning: a portal may leave search to the API on purpose
        built = run("build", "--project", project)
        assert built.exit_code == 0, built.output
        assert not (project / "site/search/search_index.json").exists()
    assert "[no-search-plugin]" not in run("validate", "--project", copy_bundled(tmp_path / "bundled")).output
    # no plugins: at all is MkDocs' search alone: no warning, and the site has its search index
    project = portal("no-plugins")
    config = project / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    start = text.index("plugins:\n")
    config.write_text(text[:start] + text[text.index("\n\n", start) + 2:], encoding="utf-8")
    checked = run("validate", "--project", project)
    assert checked.exit_code == 0 and "[no-search-plugin]" not in checked.output, checked.output
    built = run("build", "--project", project)
    assert built.exit_code == 0 and (project / "site/search/search_index.json").is_file(), built.output


def test_markdown_extensions_written_as_a_mapping_keep_their_settings(tmp_path, run):
    """MkDocs takes `markdown_extensions:` as a list or as a mapping of name -> settings too; the build read a
    mapping's names alone and dropped each extension's settings (here the heading links' symbol)."""
    project = _bundled_settings(tmp_path / "portal")
    config = project / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    start = text.index("markdown_extensions:\n")
    end = text.index("\n\n", start)
    config.write_text(text[:start] + "markdown_extensions:\n  abbr: {}\n  toc:\n    permalink: '#'\n" + text[end:],
                      encoding="utf-8")
    result = run("build", "--project", project)
    assert result.exit_code == 0, result.output
    page = (project / "site/playbooks/renewal-runway/index.html").read_text(encoding="utf-8")
    assert 'class="headerlink"' in page and "¶</a>" not in page and ">#</a>" in page


def test_a_portal_script_listed_with_its_settings_is_on_each_page_once(project_factory, run):
    """MkDocs takes an extra_javascript entry as a path or as a mapping ('- path: x.js' with 'defer: true' or 'type:
    module'); csops adds the portal's own scripts the site does not list, and compared them with the entries as
    text: a csops script listed as a mapping was added again, and ran twice on every page."""
    import re

    project = _project(project_factory)
    config = project / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8") + "extra_javascript:\n  - path: assets/csops/csops.js\n"
                      "    defer: true\n", encoding="utf-8")
    result = run("build", "--project", project)
    assert result.exit_code == 0, result.output
    page = (project / "site/index.html").read_text(encoding="utf-8")
    assert re.findall(r'<script src="assets/csops/csops\.js"[^>]*>', page) == ['<script src="assets/csops/csops.js" defer>']
    assert page.count('src="assets/csops/search.js"') == 1


def test_an_owner_who_answers_for_a_step_is_listed_as_accountable_and_checklists_for_everyone_come_last(project_factory):
    """A role page lists each duty once, under the strongest letter held: a step's owner counts as Responsible only
    when the RACI gives it no letter, so the lead who owns and answers for a sign-off finds it under Accountable. And
    the onboarding list shows the checklists for a role first, in role-catalog order, those for no role after them."""
    from generator.pipeline import load_portal

    project = project_factory({
        "content/playbooks/sign-off.yml": ("title: Sign off\nsteps:\n  - {id: approve, title: Approve, owner: cs-lead, "
                                           "raci: {R: csm, A: cs-lead}}\n"),
        "content/onboarding/a-everyone.yml": "title: Everyone\nsections:\n  - {id: s, title: S, items: [{id: i, text: I}]}\n",
        "content/onboarding/b-csm.yml": ("title: CSMs\naudience: [csm]\nsections:\n"
                                         "  - {id: s, title: S, items: [{id: i, text: I}]}\n")})
    portal = load_portal(project)
    groups = {letter: [duty.anchor for duty in duties] for letter, duties in portal.role_duties_by_letter("cs-lead")}
    assert groups["A"] == ["approve"] and groups["R"] == []
    assert [checklist.id for checklist in portal.reader_checklists] == ["b-csm", "a-everyone"]


def test_the_build_process_leaves_the_search_engine_to_its_workers(project_factory, session_template_cache):
    """Only the index worker writes the search index: the build process, which hands it the job and reads its
    counts, imported Whoosh in every build and rebuild (about 45 ms of its CPU, before its workers forked)."""
    import subprocess
    import sys

    project = _project(project_factory)
    probe = ("import sys; from pathlib import Path; from generator import template_cache; "
             "template_cache.template_cache = lambda project: template_cache.TemplateCache(sys.argv[2]); "
             "from generator.pipeline import build_portal; report = build_portal(Path(sys.argv[1])); "
             "print(report.index.added, sorted({m.split('.')[0] for m in sys.modules} & {'whoosh'}))")
    built = subprocess.run([sys.executable, "-c", probe, str(project), session_template_cache.directory],
                           capture_output=True, text=True, cwd=REPO, timeout=120)
    assert built.returncode == 0, built.stderr
    added, loaded = built.stdout.split(" ", 1)
    assert int(added) > 0 and loaded.strip() == "[]"
