"""Glossary terms become hover definitions in English and Japanese text, and the glossary page lists them."""

from __future__ import annotations

import re

from hypothesis import given, settings, strategies as st

from generator.term_matching import AFTER_WORD_TERM, BEFORE_OTHER_TERM, BEFORE_WORD_TERM, spellings_in, terms_regex

GLOSSARY = """\
terms:
  - {id: qbr, term: QBR, definition: 四半期ビジネスレビュー。, synonyms: [定例レビュー, QBR会議]}
  - {id: health-score, term: ヘルススコア, definition: 顧客の健全度を表す指標。}
  - {id: score, term: スコア, definition: 点数。}
"""
PLAYBOOK = """\
title: QBRの進め方
steps:
  - id: prepare
    title: 準備
    body: 来月QBRを実施する前に、ヘルススコアを確認する。QBRs are not QBR-like.
"""


def test_terms_match_inside_japanese_but_not_inside_english_words():
    regex = terms_regex(["QBR", "ヘルススコア", "スコア"])
    assert regex.findall("来月QBRを実施、ヘルススコアとスコア") == ["QBR", "ヘルススコア", "スコア"]
    assert regex.findall("QBRs and xQBR") == []


_LETTERS = "abAB_1 #-スコアヘル。"  # ASCII word characters, others, and the channel mark


@settings(max_examples=400, deadline=None)
@given(terms=st.sets(st.text(alphabet=_LETTERS, min_size=1, max_size=4).filter(str.strip), min_size=1, max_size=8),
       text=st.text(alphabet=_LETTERS, max_size=60))
def test_the_trie_finds_what_the_terms_one_by_one_longest_first_find(terms, text):
    """terms_regex is one trie-shaped regex (a 1,000-term glossary took 0.9 s a page as an alternation of its
    terms); it must find exactly the terms, at exactly the places, that the plain alternation finds."""
    def alone(term: str) -> str:
        return ((BEFORE_WORD_TERM if re.match("[A-Za-z0-9_]", term) else BEFORE_OTHER_TERM) + re.escape(term)
                + (AFTER_WORD_TERM if re.search("[A-Za-z0-9_]$", term) else ""))

    plain = re.compile("|".join(alone(t) for t in sorted(terms, key=len, reverse=True)))
    assert [(m.start(), m.group(0)) for m in terms_regex(terms).finditer(text)] == \
        [(m.start(), m.group(0)) for m in plain.finditer(text)]


def test_japanese_page_gets_hover_definitions_and_a_glossary_page(project_factory, run):
    project = project_factory({"content/glossary.yml": GLOSSARY, "content/playbooks/qbr.yml": PLAYBOOK}, language="ja")
    result = run("build", "--project", project)
    assert result.exit_code == 0, result.output
    html = (project / "site/playbooks/qbr/index.html").read_text(encoding="utf-8")
    body = html[html.index('<h3 id="prepare"'):]
    assert '来月<abbr title="四半期ビジネスレビュー。">QBR</abbr>を実施' in body
    assert '<abbr title="顧客の健全度を表す指標。">ヘルススコア</abbr>を確認' in body
    assert "QBRs are not" in body  # an English plural is not a term
    glossary = (project / "site/glossary/index.html").read_text(encoding="utf-8")
    assert re.search(r'<h1[^>]*>用語集', glossary)
    assert "<em>別名：定例レビュー、QBR会議</em>" in glossary  # labelled, joined as Japanese lists are (no space after "：")
    for anchor, term in (("qbr", "QBR"), ("health-score", "ヘルススコア")):
        assert re.search(fr'<h2 id="{anchor}">(<abbr[^>]*>)?{term}', glossary)


def test_a_term_is_underlined_once_per_section_and_never_in_code_headings_or_channels():
    import markdown

    from generator.glossary_abbr import GlossaryAbbrExtension

    text = ("## QBR prep\n\nBook the QBR. Then run the QBR. Post in #QBR and `QBR`.\n\n"
            "## After\n\nSend the QBR notes, then the QBR survey.\n\n*[QBR]: Quarterly business review\n")
    html = markdown.markdown(text, extensions=[GlossaryAbbrExtension()])
    assert html.count("<abbr") == 2, html  # one per section, none in the headings
    assert "<h2>QBR prep</h2>" in html and "#QBR" in html and "<code>QBR</code>" in html
    assert "Book the <abbr" in html and "Send the <abbr" in html


def test_a_pages_hovers_hold_a_bounded_amount_of_definition_text():
    """Red team: each hover writes its term's whole definition into the page, so 3,000 steps of 'QQ' under a
    19,000-character definition (142 kB of content) made a 59 MB page built in 583 MB, a 1 MB file gigabytes. Once a
    page's hovers hold 100,000 characters of definitions, a term reads as text; the first sections keep theirs."""
    import markdown

    from generator.glossary_abbr import GlossaryAbbrExtension

    definition = "D" * 19_000
    text = "".join(f"## S{n}\n\nRead the QQ.\n\n" for n in range(50)) + f"*[QQ]: {definition}\n"
    html = markdown.markdown(text, extensions=[GlossaryAbbrExtension()])
    assert len(html) < 150_000, len(html)  # 950,000 characters of hovers, one a section, before
    assert html.count(f'Read the <abbr title="{definition}">QQ</abbr>.') == 6 and html.count("Read the QQ.") == 44


def test_a_term_or_text_written_decomposed_gets_its_hover():
    """Red team: ガイド pasted decomposed (カ and a combining ゛, as macOS file names and some PDFs hold it) got no
    hover beside the term typed composed, and a term written so underlined nothing: both are compared composed."""
    import unicodedata

    import markdown

    from generator.glossary_abbr import GlossaryAbbrExtension

    decomposed = unicodedata.normalize("NFD", "ガイド")
    for term, text in (("ガイド", decomposed), (decomposed, "ガイド")):
        html = markdown.markdown(f"## A\n\n{text}を読む。\n\n*[{term}]: A guide\n", extensions=[GlossaryAbbrExtension()])
        assert '<abbr title="A guide">ガイド</abbr>を読む' in html, html


def test_each_page_gets_the_hovers_of_its_own_terms():
    """MkDocs converts every page with one Markdown, and each page carries the terms it holds (render._abbreviations):
    a page's hovers are its own, not the terms of the page converted before it."""
    import markdown

    from generator.glossary_abbr import GlossaryAbbrExtension

    md = markdown.Markdown(extensions=[GlossaryAbbrExtension()])
    first = md.convert("## A\n\nBook the QBR.\n\n*[QBR]: Quarterly business review\n")
    second = md.reset().convert("## A\n\nCheck the NRR.\n\n*[NRR]: Net revenue retention\n")
    assert '<abbr title="Quarterly business review">QBR</abbr>' in first, first
    assert '<abbr title="Net revenue retention">NRR</abbr>' in second, second


def test_the_glossary_entry_of_a_term_does_not_underline_its_own_spellings(built_bundled):
    # hovering "main contact" under Champion would only repeat the definition the reader has just read;
    # other terms in the definition (CSM) keep theirs
    html = (built_bundled / "site/glossary/index.html").read_text(encoding="utf-8")
    champion = html[html.index('<h2 id="champion"'):html.index("<h2", html.index('<h2 id="champion"') + 1)]
    assert "<em>Also called: main contact, primary contact" in champion and ">CSM</abbr>" in champion
    assert all("The person at the customer" not in title for title in re.findall(r'<abbr title="([^"]*)"', champion))
    # elsewhere the synonym still explains itself
    faq = (built_bundled / "site/faq/health-and-risk/index.html").read_text(encoding="utf-8")
    assert re.search(r'<abbr title="The person at the customer[^"]*">champions</abbr>', faq)


def test_no_term_is_underlined_in_raw_html_links_channels_or_escapes():
    import markdown

    from generator.glossary_abbr import GlossaryAbbrExtension

    text = ('Post in #cs-escalations or #cs-引き継ぎ; see <a href="x">CS Ops monthly report</a> on escalations. '
            "Tag it \\#renewals and \\*.\n\n*[escalations]: E\n\n*[引き継ぎ]: H\n\n*[CS Ops]: Ops\n\n*[35]: N\n\n*[42]: M\n")
    html = markdown.markdown(text, extensions=[GlossaryAbbrExtension()])
    # the link's text and the channels stay plain; the prose use after the link is the section's first use
    assert '<a href="x">CS Ops monthly report</a>' in html and "#cs-escalations or #cs-引き継ぎ" in html
    assert 'on <abbr title="E">escalations</abbr>' in html
    # numeric terms do not match the character codes of escapes: '#' and '*' come through
    assert "Tag it #renewals and *." in html and "\x02" not in html and "\x03" not in html


def test_built_pages_underline_no_link_text(built_bundled):
    # role links and What's-new entries are raw HTML <a>: 86 of them carried a hover inside before
    for page in (built_bundled / "site").rglob("*.html"):
        html = page.read_text(encoding="utf-8")
        assert not re.search(r"<a [^>]*>[^<]*<abbr", html), page
        assert not re.search(r"#[\w-]*<abbr", html), page


def test_hover_definitions_come_before_the_body_one_block_each(project_factory, run):
    import markdown

    from generator.glossary_abbr import GlossaryAbbrExtension

    glossary = GLOSSARY + "  - {id: voc, term: VOC, definition: Voice of the customer.}\n"
    playbook = PLAYBOOK + "  - id: last\n    title: Last\n    body: Log the VOC here.\n"
    project = project_factory({"content/glossary.yml": glossary, "content/playbooks/qbr.yml": playbook}, language="ja")
    assert run("build", "--project", project).exit_code == 0
    page = (project / "build/docs/playbooks/qbr.md").read_text(encoding="utf-8")
    # one block each: Python-Markdown re-reads a block's rest after every definition line (quadratic in spellings)
    assert "\n\n*[QBR]: " in page and "\n\n*[VOC]: " in page and "*[QBR]:" in page.split("\n# ")[0]
    # before the body: raw HTML left open at the page's end (validate refuses it in content; a template could
    # still end in one) used to take the definitions in and show them as text
    body = page.split("\n---\n", 1)[1] + "\n<div>\n"
    html = markdown.markdown(body, extensions=["attr_list", GlossaryAbbrExtension()])
    assert "*[" not in html and '<abbr title="Voice of the customer.">VOC</abbr>' in html


@settings(max_examples=300, deadline=None)
@given(spellings=st.sets(st.text(alphabet=_LETTERS, min_size=1, max_size=4), min_size=1, max_size=300),
       text=st.text(alphabet=_LETTERS, max_size=80), depth=st.sampled_from([1, 2, 3, 24]))
def test_a_page_gets_the_definition_of_every_spelling_it_holds_whatever_the_glossary_size(spellings, text, depth):
    """Past a few hundred spellings, spellings_in reads the page once through a trie instead of asking it for each
    spelling (15 ms a page at 3,000): it must still find every spelling that occurs, prefixes of others included,
    and those longer than the pass reads (its depth made small here)."""
    from generator import term_matching

    original, term_matching._PASS_DEPTH = term_matching._PASS_DEPTH, depth
    term_matching._pass_over.cache_clear()
    try:
        many = spellings | {f"zz{n}" for n in range(300)}  # enough for the one-pass way
        assert spellings_in(text, many) == {s for s in many if s in text}
        assert spellings_in(text, spellings) == {s for s in spellings if s in text}
    finally:
        term_matching._PASS_DEPTH = original
        term_matching._pass_over.cache_clear()


def test_a_glossary_of_spellings_nested_as_prefixes_is_found_in_its_own_page_at_once():
    """A glossary of spellings each a character longer than the last (a, aa, …, 1,000 of them: a 506 kB
    glossary.yml that validates) took `csops build` 365 s to render, its own page holding them all: the pass read
    every place of each run to the run's end (400 of them: 6.7 s here). It reads 24 characters at each place now."""
    import time

    nested = ["a" * n for n in range(1, 401)]
    page = " ".join(nested)
    started = time.perf_counter()
    assert spellings_in(page, nested) == set(nested)
    assert time.perf_counter() - started < 2


@settings(max_examples=200, deadline=None)
@given(spellings=st.sets(st.text(alphabet="ab _é-", min_size=1, max_size=6), min_size=1, max_size=8),
       text=st.text(alphabet="ab _é-", max_size=40), depth=st.sampled_from([1, 2, 3, 24]))
def test_spellings_as_words_are_those_a_word_bounded_search_finds(spellings, text, depth):
    """The one pass finds what a search for each spelling with no word character beside it finds, those longer
    than it reads (its depth made small here) included."""
    from generator import term_matching

    original, term_matching._PASS_DEPTH = term_matching._PASS_DEPTH, depth
    term_matching._pass_over.cache_clear()
    try:
        assert term_matching.spellings_as_words_in(text, spellings) == {
            s for s in spellings if re.search(r"(?<!\w)" + re.escape(s) + r"(?!\w)", text)}
    finally:
        term_matching._PASS_DEPTH = original
        term_matching._pass_over.cache_clear()


def _plain_alternation(terms) -> re.Pattern:
    def alone(term: str) -> str:
        return ((BEFORE_WORD_TERM if re.match("[A-Za-z0-9_]", term) else BEFORE_OTHER_TERM) + re.escape(term)
                + (AFTER_WORD_TERM if re.search("[A-Za-z0-9_]$", term) else ""))

    return re.compile("|".join(alone(t) for t in sorted(terms, key=len, reverse=True)))


def test_long_spellings_and_spellings_nested_as_prefixes_make_no_deep_regex():
    """Python builds a regex by recursion: the trie of a 500-character synonym, or of 600 spellings each a prefix
    of the next, ended the build in a RecursionError (the plain alternation had built them)."""
    long = ["Customer health review " * 30, "x" * 5_000]
    nested = ["a" * n for n in range(1, 600)] + ["ア" * n for n in range(1, 600)] + ["a" * 300 + "b"]
    for terms in (long, nested, long + nested):
        text = " ".join(terms[::-29]) + " 「" + "ア" * 650 + "」 " + "a" * 299 + "b a" + "a" * 700
        assert [(m.start(), m[0]) for m in terms_regex(terms).finditer(text)] == \
            [(m.start(), m[0]) for m in _plain_alternation(terms).finditer(text)]
        assert spellings_in(text, terms + [f"zz{n}" for n in range(300)]) == {t for t in terms if t in text}


@settings(max_examples=200, deadline=None)
@given(terms=st.sets(st.text(alphabet=_LETTERS, min_size=1, max_size=6).filter(str.strip), min_size=1, max_size=12),
       text=st.text(alphabet=_LETTERS, max_size=60), nesting=st.integers(0, 3))
def test_a_trie_cut_short_into_whole_suffixes_finds_what_the_alternation_finds(terms, text, nesting):
    from generator import term_matching

    original = term_matching._MAX_NESTING
    term_matching._MAX_NESTING = nesting  # the cut that keeps deep tries' regexes shallow, made early
    term_matching._trie_regex.cache_clear()
    try:
        assert [(m.start(), m[0]) for m in terms_regex(terms).finditer(text)] == \
            [(m.start(), m[0]) for m in _plain_alternation(terms).finditer(text)]
    finally:
        term_matching._MAX_NESTING = original
        term_matching._trie_regex.cache_clear()


def test_a_glossary_with_a_long_synonym_builds_with_its_hover_definitions(project_factory, run):
    long = ("Customer health review " * 30).strip()  # 689 characters: its trie was 689 levels deep
    glossary = f"terms:\n  - {{id: qbr, term: QBR, definition: Quarterly review., synonyms: [\"{long}\"]}}\n"
    playbook = f"title: QBR\nsteps:\n  - id: a\n    title: A\n    body: Run the QBR. {long}\n"
    project = project_factory({"content/glossary.yml": glossary, "content/playbooks/qbr.yml": playbook})
    result = run("build", "--project", project)
    assert result.exit_code == 0, result.output
    html = (project / "site/playbooks/qbr/index.html").read_text(encoding="utf-8")
    assert f'<abbr title="Quarterly review.">{long}</abbr>' in html and '<abbr title="Quarterly review.">QBR</abbr>' in html


def test_a_terms_other_names_are_sorted_out_in_one_pass_over_its_synonyms():
    """Red team: the glossary page's "Also called" compared each synonym with every name kept before it, so a term of
    10,000 synonyms took its build 23 s and one of 80,000 (841 kB) over five minutes. Each is now looked up once;
    the term itself, case variants and plurals of a name shown are still left out."""
    from generator.model import GlossaryTerm

    folded = []

    class Name(str):
        def casefold(self):
            folded.append(self)
            return str.casefold(self)

    synonyms = [Name(f"name{n}") for n in range(2_000)]
    term = GlossaryTerm(id="csm", term=Name("CSM"), definition="d", synonyms=(
        Name("csm"), Name("CSMs"), Name("Success Manager"), Name("success managers"), *synonyms))
    assert term.other_names == ("Success Manager", *synonyms)
    assert len(folded) < 3 * 2_005, len(folded)  # about 2 million before
