"""Generated raw-HTML blocks that skip Python-Markdown come out exactly as Markdown would have written them."""

from __future__ import annotations

import markdown
import pytest

from conftest import REPO, copy_bundled
from generator import build, mkdocs_config
from generator.pipeline import build_portal
from generator.raw_blocks import lift, restore
from test_build import _tree_digest as _tree


def _convert(text: str) -> str:
    names, configs = [], {}
    for entry in mkdocs_config._merge_extensions([]):
        name, options = (next(iter(entry.items())) if isinstance(entry, dict) else (entry, {}))
        names.append(name)
        configs[name] = options
    return markdown.Markdown(extensions=names, extension_configs=configs).convert(text)


CASES = {
    "step line": 'Intro.\n\n<div class="csops-step-meta" data-step="a">\n<span class="csops-raci">R</span> x\n</div>\n\nBody *text*.\n',
    "nested, at the end": '# T\n\n<div class="csops-duties">\n<div class="csops-x"><p>a</p></div>\n<ul><li>b</li></ul>\n</div>',
    "details": '<details class="csops-duties-more" id="c">\n<summary>More</summary>\n<div class="csops-duties"><p>x</p></div>\n</details>\n\nAfter.\n',
    "two in a row": '<div class="csops-a"></div>\n\n<div class="csops-b">b</div>\n\ntext\n',
    # put back by the places found before any block was: its own words are not taken for the next block's place
    "a placeholder's words inside": '<div class="csops-a"><p>csopsrawblock1x</p></div>\n\n<div class="csops-b">b</div>\n',
}
UNSURE = {
    "blank line inside": '<div class="csops-a">\n\n*markdown* here\n</div>\n\nx\n',
    "markdown attribute": '<div class="csops-a" markdown>\n*md*\n</div>\n\nx\n',
    "not at a paragraph start": 'text\n<div class="csops-a">x</div>\n\ny\n',
    "text after the closing tag": '<div class="csops-a">x</div> tail\n\ny\n',
    "no csops class": '<div class="note">x</div>\n\ny\n',
    "comment inside": '<div class="csops-a"><!-- c --></div>\n\ny\n',
    "unbalanced": '<div class="csops-a">\n<div>x\n</div>\n\ny\n',
    # characters outside ASCII that IGNORECASE takes for k and s: HTML's parser lowercases the Kelvin sign to k
    "markdown attribute spelt with a Kelvin sign": '<div class="csops-a" mar\u212adown="1">\n*md*\n</div>\n\nx\n',
    "long s in a verbatim tag": '<div class="csops-a"><\u017fcript>x</\u017fcript></div>\n\ny\n',
    "upper-case comment and tag": '<div class="csops-a"><PRE>x</PRE></div>\n\ny\n',
}


@pytest.mark.parametrize("text", CASES.values(), ids=CASES.keys())
def test_lifted_blocks_give_the_html_markdown_gives(text):
    lifted, blocks = lift(text)
    assert blocks, "the block was not lifted"
    assert restore(_convert(lifted), blocks) == _convert(text)


@pytest.mark.parametrize("text", UNSURE.values(), ids=UNSURE.keys())
def test_blocks_whose_outcome_is_not_certain_stay_with_markdown(text):
    assert lift(text) == (text, [])


def test_a_moved_placeholder_is_refused():
    lifted, blocks = lift(CASES["step line"])
    assert restore(_convert(lifted).replace("<p>csopsrawblock0x</p>", "<p><em>csopsrawblock0x</em></p>"), blocks) is None


def test_bundled_portals_build_byte_identical_with_and_without_lifting(tmp_path, monkeypatch, built_bundled, built_ja):
    assert build.LIFT_RAW_BLOCKS  # the session's builds lifted
    for name, source, fast in (("en", REPO, built_bundled), ("ja", REPO / "examples/ja", built_ja)):
        slow = copy_bundled(tmp_path / f"{name}-markdown", source)
        with monkeypatch.context() as patch:
            patch.setattr(build, "LIFT_RAW_BLOCKS", False)
            build_portal(slow)
        ours, theirs = _tree(fast / "site"), _tree(slow / "site")
        assert ours.keys() == theirs.keys()
        assert [page for page in ours if ours[page] != theirs[page]] == [], name


def test_a_block_quoted_in_a_code_fence_is_refused_on_the_way_back():
    """Lifting cannot see fences; the placeholder then lands in code, and restore sends the page through Markdown."""
    text = 'Example:\n\n```html\nfirst line\n\n<div class="csops-a">x</div>\n\n```\n'
    lifted, blocks = lift(text)
    assert blocks and restore(_convert(lifted), blocks) is None


FENCED = """\
title: Fenced
phase: renewal
steps:
  - id: paste
    title: Paste
    body: |
      Paste this:

      ```html
      first

      <div class="csops-a">x</div>

      ```
"""


def test_a_page_whose_placeholder_moved_is_built_the_slow_way(project_factory, monkeypatch):
    sites = []
    for lifting in (True, False):
        project = project_factory({"content/playbooks/fenced.yml": FENCED})
        with monkeypatch.context() as patch:
            patch.setattr(build, "LIFT_RAW_BLOCKS", lifting)
            build_portal(project)
        sites.append((project / "site/playbooks/fenced/index.html").read_text(encoding="utf-8"))
    assert sites[0] == sites[1]
    assert "csopsrawblock" not in sites[0] and '<span class="s">"csops-a"</span>' in sites[0]  # shown as code



def test_a_large_block_is_sanitised_piece_by_piece_to_the_bytes_of_one_pass_and_nothing_unsafe_passes():
    """sanitised_pieces.py: a role page's duty list, its rows sanitised in pieces kept by their bytes, reads as the
    page sanitised in one pass; rows written to get past it (a script, a handler, tags left open or closed too
    early, a forged piece marker) come out as harmless as from one pass."""
    from generator.mkdocs_plugin import sanitize_html
    from generator.raw_blocks import placeholder
    from generator.sanitised_pieces import PieceCache, sanitize_lifted

    def duty_list(rows: list[str], after: str = "") -> str:
        return '<div class="csops-duties">\n<p class="csops-duty-phase">Renewal</p>\n<ul>\n' + "\n".join(rows) + f"\n</ul>{after}\n</div>"

    rows = [f'<li><a href="../../playbooks/p{n}/">Playbook {n} &amp; co</a><span class="csops-duty-steps">'
            f'<a href="../../playbooks/p{n}/#s">Step</a></span></li>' for n in range(300)]
    page = f'<h2 id="a">A</h2>\n{placeholder(0)}\n<p>After.</p>'
    cache = PieceCache()
    for block in (duty_list(rows), duty_list(rows[:150] + ["<li>csopspiece0x</li>"] + rows[150:])):  # a marker as a row
        assert sanitize_lifted(page, [block], sanitize_html, cache) == sanitize_html(restore(page, [block]))
        cache = PieceCache(cache.used)
    assert len(cache.kept) > 3  # pieces, of which the second list took all but those around the new row

    hostile = ['<li><script>alert(1)</script></li>', '<li><img src=x onerror=alert(1)></li>', '<li><a href="javascript:alert(1)">x</li>',
               '<li></ul></div><iframe src=//evil></li>', '<li><svg><style><img src=x onerror=alert(1)></style></svg></li>']
    for after in ('\n<p onclick="alert(1)">x</p>', '\n<p><li id="csopspiece0x"></li></p>'):  # and one out of place
        block = duty_list(rows[:100] + hostile * 20, after)
        for kept in ({}, cache.kept):
            out = sanitize_lifted(page, [block], sanitize_html, PieceCache(dict(kept)))
            assert _unsafe_markup(out) == [] and "Playbook 99 &amp; co" in out


@pytest.mark.parametrize("words", ['<p>csopsrawblock0x</p>', '<p id="csopsrawblock0x"></p>', "<li>csopspiece0x</li>",
                                   '<li id="csopspiece0x"></li>'])
def test_no_block_or_piece_is_set_inside_an_attribute_value_that_spells_its_place(words):
    """nh3 up to 0.3.6 (pyproject takes 0.2.22 on) writes `<` and `>` in an attribute value as they are: a role
    description's title holding a duty list's place in entities, then an <xmp> hiding the page's own place, had the
    list set inside the attribute and an <img onerror> the value held after it ran in Chromium (csops build, nh3
    0.3.6). A block or piece is set only where an element stood: the page reads as sanitised whole."""
    import html
    import re

    from generator.mkdocs_plugin import sanitize_html
    from generator.raw_blocks import placeholder
    from generator.sanitised_pieces import PieceCache, sanitize_lifted

    def clean(page: str) -> str:  # nh3 0.3.6's output: no other quoted words in these pages' text
        return re.sub(r'="[^"]*"', lambda m: m[0].replace("&lt;", "<").replace("&gt;", ">"), sanitize_html(page))

    hostile = f'<span title="{html.escape(words)}&lt;img src=x onerror=alert(1)&gt;">x</span><xmp>'
    rows = [f'<li><a href="../../playbooks/p{n}/">Playbook {n}</a></li>' for n in range(70)]
    block = '<div class="csops-duties">\n<ul>\n' + "\n".join(rows) + "\n</ul>\n</div>"
    in_block = block.replace("<ul>", hostile + "\n<ul>").replace("</ul>", "</ul>\n</xmp>")  # the same in a block
    for page, blocks in ((f"<p>{hostile}</p>\n{placeholder(0)}\n<p>After.</p>", [block]),
                         (f"<p>Intro.</p>\n{placeholder(0)}\n<p>After.</p>", [in_block])):
        out = sanitize_lifted(page, blocks, clean, PieceCache())
        assert out == clean(restore(page, blocks)) and _unsafe_markup(out) == []


@pytest.mark.parametrize("hider", ["xmp", "script"])
def test_a_place_that_content_writes_itself_is_not_taken_for_a_block_or_piece(hider):
    """Content could write the very element that marks a large block's place, or a piece's, and hide the page's own
    (an <xmp> shows the rest as text, the sanitiser drops a <script> with all it holds): the duty list was set where
    content wrote it, a page unlike the page sanitised whole (a role description passing csops validate did so). The
    marks' words are new in each process."""
    from generator import raw_blocks, sanitised_pieces
    from generator.mkdocs_plugin import sanitize_html
    from generator.raw_blocks import placeholder
    from generator.sanitised_pieces import PieceCache, sanitize_lifted

    # each mark as content would write it, were its word not new in each process but the product's name
    block_mark, piece_mark = (mark.replace(raw_blocks.MARK_WORD, "csops").format(0)
                              for mark in (raw_blocks._KEPT_PLACE, sanitised_pieces._MARKER))
    rows = [f'<li><a href="../../playbooks/p{n}/">Playbook {n}</a></li>' for n in range(70)]
    block = '<div class="csops-duties">\n<ul>\n' + "\n".join(rows) + "\n</ul>\n</div>"
    in_block = block.replace("<ul>", f'{piece_mark}\n<{hider}>\n<ul>').replace("</ul>", f"</ul>\n</{hider}>")
    for page, blocks in ((f'{block_mark}\n<{hider}>\n{placeholder(0)}\n<p>After.</p>', [block]),
                         (f"<p>Intro.</p>\n{placeholder(0)}\n<p>After.</p>", [in_block])):
        assert sanitize_lifted(page, blocks, sanitize_html, PieceCache()) == sanitize_html(restore(page, blocks))


@pytest.mark.parametrize("left_open", ['<a href="https://x.test/">open', '<i><a href="https://x.test/">open'])
def test_a_block_whose_place_the_page_leaves_inside_an_element_reads_as_in_the_page_whole(left_open):
    """A role description leaving a link open (csops validate passes it), on a site whose headings have no permalink
    <a> to close it: the page sanitised whole gave each duty row an empty link, the list sanitised alone none."""
    from generator.mkdocs_plugin import sanitize_html
    from generator.raw_blocks import placeholder
    from generator.sanitised_pieces import PieceCache, sanitize_lifted

    rows = [f'<li><a href="../../playbooks/p{n}/">Playbook {n}</a></li>' for n in range(70)]
    block = '<div class="csops-duties">\n<ul>\n' + "\n".join(rows) + "\n</ul>\n</div>"
    page = f'<p>Intro.</p>\n<p>{left_open}</p>\n<h2 id="r">Responsible for</h2>\n{placeholder(0)}\n<p>After.</p>'
    assert sanitize_lifted(page, [block], sanitize_html, PieceCache()) == sanitize_html(restore(page, [block]))


def test_rows_that_each_would_cut_still_go_to_the_sanitiser_a_few_at_a_time():
    """Content can choose its titles so that every duty row's CRC cuts a piece (one try in 32 a title): a piece and
    a sanitiser call per row took 4x the time of the block sanitised whole (10,000 rows). A piece holds a few rows,
    and the page reads as sanitised in one pass."""
    import zlib

    from generator.mkdocs_plugin import sanitize_html
    from generator.raw_blocks import placeholder
    from generator.sanitised_pieces import PieceCache, sanitize_lifted

    candidates = (f'<li><a href="../../playbooks/p{n}/">Playbook {n}</a></li>' for n in range(10**6))
    rows = [row for _, row in zip(range(400), (row for row in candidates if zlib.crc32(row.encode()) & 31 == 0))]
    page = f'<h2 id="a">A</h2>\n{placeholder(0)}\n<p>After.</p>'
    block = '<div class="csops-duties">\n<ul>\n' + "\n".join(rows) + "\n</ul>\n</div>"
    calls = []

    def clean(html: str) -> str:
        calls.append(html)
        return sanitize_html(html)

    assert sanitize_lifted(page, [block], clean, PieceCache()) == sanitize_html(restore(page, [block]))
    assert len(calls) <= 2 + len(rows) // 4  # the page, the block's skeleton, its pieces


def _unsafe_markup(page: str) -> list:
    """Tags that run or embed something, and attributes that do, as a browser's parser reads `page`."""
    from html.parser import HTMLParser

    found = []

    class Reader(HTMLParser):
        def handle_starttag(self, tag, attrs):
            found.extend([tag] if tag in ("script", "iframe", "svg", "style", "object", "embed") else [])
            found.extend((tag, name) for name, value in attrs
                         if name.startswith("on") or "javascript:" in (value or "").replace(" ", "").lower())

    Reader().feed(page)
    return found
