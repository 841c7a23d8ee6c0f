"""`asked_as`: the words readers type for an item lead search and ticket suggestions to it, and show nowhere."""

from __future__ import annotations

import dataclasses
import json

from conftest import make_project
from generator import diff, history
from generator.pipeline import build_portal, load_portal
from generator.versions import item_version
from generator.search import Searcher
from test_search import japanese  # noqa: F401  (the built Japanese example, a module fixture)

FAQ = """\
title: Renewals
entries:
  - id: customer-not-responding
    q: The customer is not responding and the renewal is 45 days out. What now?
{asked}    a: Go wider and higher. Contact the economic buyer directly and ask the AE for another relationship.
  - id: changed-goals
    q: The customer wants to change their goals mid-year
    a: Update the success plan with the client and note the new targets in an email.
  - id: email-templates
    q: Where are the email templates?
    a: In the CRM, under Templates. Every email to a client starts from one.
"""
ASKED = "    asked_as:\n      - client ghosting all my emails\n"


def _project(root, asked: bool):
    project = make_project(root, {"content/faq/renewals.yml": FAQ.format(asked=ASKED if asked else "")})
    build_portal(project)
    return project


def test_a_readers_words_find_the_item_whose_text_never_uses_them(tmp_path):
    query, ticket = "client ghosting me", "Client has been ghosting us for three weeks now, not a single reply. What do I do?"
    target = "/faq/renewals/#customer-not-responding"
    without = _project(tmp_path / "without", asked=False)
    # without the phrase, "client" and "emails" lead to the entries that say them
    assert Searcher(without).search(query).hits[0].path != target
    assert Searcher(without).suggest_for_ticket(ticket)[0].path != target
    with_phrase = _project(tmp_path / "with", asked=True)
    assert Searcher(with_phrase).search(query).hits[0].path == target
    # a ticket word found only in a phrase ("ghosting") is one of the ticket's distinctive words too
    assert Searcher(with_phrase).suggest_for_ticket(ticket)[0].path == target


def test_phrases_show_on_no_page_and_in_no_static_index(tmp_path):
    project = _project(tmp_path / "p", asked=True)
    site = project / "site"
    pages = [p for p in site.rglob("*.html")] + [site / "search/search_index.json"]
    assert pages and not [p for p in pages if "ghosting" in p.read_text(encoding="utf-8")]
    assert Searcher(project).search("ghosting").hits[0].title.startswith("The customer is not responding")


def test_editing_phrases_is_no_news_to_readers_but_shows_in_a_pr_summary(tmp_path):
    portal = load_portal(_project(tmp_path / "p", asked=True))
    entry = portal.faqs[0].entries[0]
    edited = dataclasses.replace(entry, asked_as=entry.asked_as + ("renewal customer gone silent",))
    assert item_version(edited, portal) == item_version(entry, portal)  # copied ?v= links do not say "changed"
    assert history._changed_fields(entry, edited, portal) == ()  # no What's-new line
    assert diff._changed_fields(entry, edited, portal) == ["asked_as"]  # the reviewer sees it
    assert history._changed_fields(entry, dataclasses.replace(edited, a="Go wider."), portal) == ("a",)


def test_retagging_an_answer_does_not_tell_old_links_it_changed(tmp_path):
    """Tags file an answer (the tags page, search facets); its words are the same, so a link copied into a ticket
    before the retag opens with no "this answer changed" notice. Its words changing still gives a new version."""
    portal = load_portal(_project(tmp_path / "p", asked=True))
    entry = portal.faqs[0].entries[0]
    retagged = dataclasses.replace(entry, tags=entry.tags + ("churn-risk",))
    assert item_version(retagged, portal) == item_version(entry, portal)
    assert item_version(dataclasses.replace(entry, a=entry.a + " Then call them."), portal) != item_version(entry, portal)


def test_bundled_phrases_lead_hurried_queries_to_the_answer(built_bundled, japanese):  # noqa: F811
    assert Searcher(built_bundled).search("customer ghosting me, renewal in six weeks").hits[0].path == \
        "/faq/renewals/#customer-not-responding"
    assert Searcher(japanese).search("キーマンが異動してしまった").hits[0].path == "/faq/renewals/#decision-maker-changed"


def test_a_word_only_in_phrases_is_the_contents_word_not_a_typo(built_bundled):
    searcher = Searcher(built_bundled)
    query = "customer ghosting me, renewal in six weeks"
    assert searcher.did_you_mean(query) == ""  # was "customer posting me, …"
    assert searcher.search(query).hits[0].path == "/faq/renewals/#customer-not-responding"


def test_editing_only_phrases_renders_no_page_again(tmp_path):
    """A page shows no phrase, so a phrase edit re-renders nothing (at 1,000 playbooks, six role pages of
    1 MB each), while search finds the new phrase at once."""
    from generator.mkdocs_config import read_site_config
    from generator.generations import trusted_generation
    from generator.history import read_change_feed, whats_new_commits
    from generator.incremental import PreviousPages
    from generator.render import Renderer

    project = make_project(tmp_path / "p", {"content/playbooks/runway.yml": """\
        title: Renewal runway
        steps:
          - id: confirm-stakeholders
            title: Confirm the stakeholders
            owner: csm
            asked_as: [who signs the renewal]
            body: Name the economic buyer.
        """})
    build_portal(project)
    path = project / "content/playbooks/runway.yml"
    path.write_text(path.read_text(encoding="utf-8").replace("who signs the renewal", "new VP joined, remap the account"),
                    encoding="utf-8")
    portal, site = load_portal(project), read_site_config(project)
    renderer = Renderer(portal, site.templates_dir, site.language, site.site_url,
                        read_change_feed(project, portal, whats_new_commits(site.raw)),
                        previous=PreviousPages(trusted_generation(site.project)))
    renderer.render_pages()
    assert renderer.reused == len(portal.playbooks) + len(portal.phases) + len(portal.roles)
    build_portal(project)
    assert Searcher(project).search("new VP remap").hits[0].path == "/playbooks/runway/#confirm-stakeholders"


def test_a_quoted_phrase_matches_within_one_phrase_not_across_two(tmp_path):
    project = make_project(tmp_path / "p", {"content/faq/renewals.yml": FAQ.format(
        asked=ASKED + "      - wombat silence before the renewal\n")})
    build_portal(project)
    searcher = Searcher(project)
    assert searcher.search('"ghosting all my emails"').hits[0].path == "/faq/renewals/#customer-not-responding"
    assert searcher.search('"emails wombat"').total == 0  # the end of one phrase and the start of the next


def test_a_word_only_in_phrases_ranks_its_items_by_score(tmp_path):
    """One matching field term in the whole index: Whoosh's coordination factor (n-1)/n scored every hit 0.0,
    in no particular order."""
    project = make_project(tmp_path / "p", {"content/faq/renewals.yml": FAQ.format(
        asked=ASKED).replace("    q: Where are the email templates?\n",
                             "    q: Where are the email templates?\n    asked_as: [ghosting templates, ghosting ghosting reply]\n")})
    build_portal(project)
    hits = Searcher(project).search("ghosting").hits
    assert len(hits) == 2 and all(hit.score > 0 for hit in hits)
    assert hits[0].score > hits[1].score


def test_a_copied_file_gets_one_warning_for_its_shared_phrases_not_one_each(tmp_path):
    """Copying a playbook to start a new one buried everything else under a warning per phrase (43 for the QBR)."""
    from generator.pipeline import validate_project

    steps = "".join(f"  - id: s{n}\n    title: Step {n}\n    asked_as: [how do I do thing {n}, thing {n} checklist]\n"
                    for n in range(4))
    project = make_project(tmp_path / "p", {"content/playbooks/original.yml": "title: Original\nsteps:\n" + steps,
                                            "content/playbooks/copy.yml": "title: Copy\nsteps:\n" + steps,
                                            "content/playbooks/two.yml": "title: Two\nsteps:\n" + steps.split("  - id: s2")[0]
                                            .replace("s0", "t0").replace("s1", "t1").replace("thing 0", "other 0")})
    shared = [p for p in validate_project(project) if p.code == "asked-as-duplicate"]
    copy = [p for p in shared if p.path.endswith("copy.yml")]
    assert [(p.line, p.col) for p in copy] == [(5, 16)]
    assert copy[0].message.startswith("8 asked_as phrases here are also phrases in content/playbooks/original.yml, "
                                      "the first 'how do I do thing 0' (of playbook original#s0, line 5)")
    assert "a copied file?" in copy[0].hint
    # a file sharing two phrases keeps a warning per phrase, each with the item it collides with
    two = sorted((p.line, p.message) for p in shared if p.path.endswith("two.yml"))
    assert [line for line, _ in two] == [8, 8]  # step t1 keeps both phrases of s1
    assert all("is also an asked_as phrase of playbook" in message for _, message in two)


def test_two_items_of_one_file_sharing_phrases_get_a_warning_per_phrase(tmp_path):
    """The copied-file summary counted both items' places (3 phrases read '6 ... also phrases in' the same file),
    called them 'a copied file?', and left the second item without a warning of its own."""
    from generator.pipeline import validate_project

    entry = "  - id: {id}\n    q: Question {id}?\n    asked_as: [phrase one, phrase two, phrase three]\n    a: Answer.\n"
    project = make_project(tmp_path / "p", {"content/faq/renewals.yml": "title: Renewals\nentries:\n"
                                            + entry.format(id="a") + entry.format(id="b")})
    shared = [p for p in validate_project(project) if p.code == "asked-as-duplicate"]
    assert sorted((p.line, p.col) for p in shared) == [(5, 16), (5, 28), (5, 40), (9, 16), (9, 28), (9, 40)]
    assert all("is also an asked_as phrase of faq renewals#" in p.message for p in shared)
