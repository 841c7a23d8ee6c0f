"""What a template knows about the page it renders: where the page is, and how to link and chip from there.

Links to other pages are written once here (Markdown links MkDocs checks, or raw HTML for pages with
thousands of rows); every text that goes into raw HTML is escaped on the way (escaping.py).
"""

from __future__ import annotations

import re

from . import urls
from .escaping import escape_attr
from .whole_words import kept_whole

# Between items of an inline list (steps, roles, review dates): a no-break space keeps the dot with the item before it,
# so a line ends with "·" and never starts with one ("· Record the plan in the CRM" on a phone).
SEPARATOR = "&nbsp;· "

# Each RACI letter's word in the UI labels (labels.yml), as the chart's legend spells it.
RACI_WORDS = {"R": "responsible", "A": "accountable", "C": "consulted", "I": "informed"}


class PageContext:
    """What a template knows about the page it is rendering: where it is, and how to link from there."""

    def __init__(self, renderer, source: str):
        """`renderer`: the render.Renderer rendering the page (its portal, labels, chip cache and name lookups)."""
        self.renderer = renderer
        self.source = source
        self.url = urls.page_url(source)

    def link(self, kind: str, doc_id: str = "", anchor: str = "") -> str:
        if kind == "home":
            target = urls.HOME_PAGE
        elif kind == "whats_new":
            target = urls.WHATS_NEW_PAGE
        elif kind == "glossary":
            target = urls.GLOSSARY_PAGE
        elif kind == "tags":
            target = urls.TAGS_PAGE
        elif not doc_id:
            target = urls.section_index(kind)
        else:
            target = urls.page_source(kind, doc_id)
        return urls.relative_link(self.source, target, anchor)

    def href(self, kind: str, doc_id: str, anchor: str = "") -> str:
        """Final URL of another page for raw-HTML links on pages with thousands of rows (role and phase pages)."""
        return urls.site_href(self.source, urls.page_source(kind, doc_id), anchor)

    def a(self, kind: str, doc_id: str, text: str, anchor: str = "") -> str:
        return _link(self.href(kind, doc_id, anchor), text)

    def md(self, markdown: str) -> str:
        """Markdown from content, with scheme cross-references resolved relative to this page."""
        return urls.resolve_refs(markdown or "", self.source).strip()

    def ref(self, ref_text: str) -> str:
        ref = urls.parse_ref(ref_text)
        page, anchor = urls.ref_target(ref)
        return urls.relative_link(self.source, page, anchor)

    def ref_title(self, ref_text: str) -> str:
        """The name of what a cross-reference points at (a checklist item's link says where it leads)."""
        ref = urls.parse_ref(ref_text)
        return self.renderer.portal.title_of(ref.scheme, ref.id, ref.anchor) if ref is not None else ""

    def role(self, role_id: str) -> str:
        """A role chip linking to the role's page (raw HTML, cached: a page repeats it dozens of times)."""
        return self._role_chip(role_id, compact=False)

    def roles(self, role_ids) -> str:
        return " ".join(self.role(r) for r in role_ids)

    def role_code(self, role_id: str) -> str:
        """A compact role chip (CSM, AE) for crowded places; the full name is its tooltip."""
        return self._role_chip(role_id, compact=True)

    def _role_chip(self, role_id: str, compact: bool) -> str:
        # Raw HTML, cached per page and role: role and phase pages repeat chips thousands of times.
        key = (self.url, role_id, compact)
        chip = self.renderer.chip_cache.get(key)
        if chip is None:
            name = escape_attr(self.renderer.role_name(role_id))
            href = urls.site_href(self.source, urls.page_source("role", role_id))
            lang = self.renderer.role_lang_attr(role_id)  # its name and code, and the tooltip, in their language
            if compact:
                code = escape_attr(self.renderer.portal.role_code(role_id))
                chip = f'<a class="csops-role csops-role-code" data-role="{role_id}" href="{href}"{lang} title="{name}">{code}</a>'
            else:
                chip = f'<a class="csops-role" data-role="{role_id}" href="{href}"{lang}>{name}</a>'
            self.renderer.chip_cache[key] = chip
        return chip

    def role_codes(self, role_ids) -> str:
        return " ".join(self.role_code(r) for r in role_ids)

    def tag(self, tag: str) -> str:
        """A tag as a link to its entry on the tags page (raw HTML: FAQ pages carry dozens)."""
        href = urls.site_href(self.source, urls.TAGS_PAGE, urls.tag_anchor(tag))
        return f'<a class="csops-tag" href="{href}">{escape_attr(tag)}</a>'


    def holds_several_letters(self, duty_groups) -> bool:
        """Whether a duty on a role page holds more than one letter (it shows the others as badges, and the page
        then says what the letters stand for). Asked here, not with Jinja's map and select filters: over the 5,000
        duties of a role at 1,000 playbooks those took 10-20 ms a role page, a third of its rendering."""
        return any(len(duty.letters) > 1 for _, duties in duty_groups for duty in duties)

    def duty_lists(self, duties, letter: str) -> str:
        """A role's duties under `letter` as raw HTML: playbook steps by phase, then chart activities.

        Written here rather than in role.md.j2: a role page lists every step of every playbook it
        has a letter in (5,000 rows at 1,000 playbooks), and Jinja's per-row filters and calls were
        most of an edit rebuild's rendering. Each row names the other letters the role holds there.
        """
        renderer = self.renderer
        kept, rows_now = renderer.role_rows.page(self.source)
        under = letter.encode()

        def rows(kind: str, items) -> list[str]:
            # a row is made from its document's duties of this role under `letter`: its key is the document as
            # shown and the letter (the role is the page's), so an edit makes only the edited document's rows again
            lines, by_doc = [], {}
            for duty in items:
                by_doc.setdefault(duty.doc_id, []).append(duty)
            for doc_id in sorted(by_doc):
                key = renderer.shown_digest(kind, doc_id) + under
                line = kept.get(key)
                rows_now[key] = line = line if isinstance(line, str) else row(kind, doc_id, by_doc[doc_id])
                lines.append(line)
            return lines

        def row(kind: str, doc_id: str, group) -> str:
            page = self.href(kind, doc_id)  # once per document: thousands of rows link into a few hundred pages
            # the badges stay on the line of the words they follow: a break before or between them began a line
            # with a letter ("A · CS Operations") that seemed the next duty's
            steps = SEPARATOR.join(_link(f"{page}#{d.anchor}", d.name)
                               + (f"&nbsp;{self.raci_badge(d.letters)}" if d.letters != letter else "") for d in group)
            return f'<li>{_link(page, group[0].doc_title)}<span class="csops-duty-steps">{steps}</span></li>'

        out = ['<div class="csops-duties">']
        for phase, group in renderer.by_phase([d for d in duties if d.kind == "playbook"]):
            out.append(f'<p class="csops-duty-phase">{escape_attr(renderer.phase_name(phase) if phase else "—")}</p>')
            out += ["<ul>", *rows("playbook", group), "</ul>"]
        charts = [d for d in duties if d.kind == "chart"]
        if charts:
            out.append(f'<p class="csops-duty-phase">{escape_attr(renderer.label("charts"))}</p>')
            out += ["<ul>", *rows("chart", charts), "</ul>"]
        out.append("</div>")
        return "\n".join(out)

    def raci_word_by_badge(self, letter: str) -> str:
        """A RACI letter's word written after its badge (the legend, a chart's duty list). A label may carry the letter
        in brackets for where the word stands alone, as Japanese does (実行責任（R）, which the spoken badge reads):
        beside the badge that said the letter twice, "R 実行責任（R）"."""
        word = self.renderer.label(RACI_WORDS[letter])
        return re.sub(rf"\s*[(（]{letter}[)）]$", "", word) or word

    def raci_badge(self, letters: str, spoken: bool = True) -> str:
        """RACI letters as badges. A screen reader given "R" alone hears a letter, not a duty: it hears the legend's
        word instead (the letter is for the eye). `spoken=False` where that word is written next to the badge."""
        def badge(letter: str) -> str:
            if not spoken:
                return f'<span class="csops-raci csops-raci-{letter.lower()}" aria-hidden="true">{letter}</span>'
            word = escape_attr(self.renderer.label(RACI_WORDS[letter]))
            return (f'<span class="csops-raci csops-raci-{letter.lower()}"><span aria-hidden="true">{letter}</span>'
                    f'<span class="csops-offscreen">{word}</span></span>')
        return "&nbsp;".join(badge(letter) for letter in letters)  # one item's letters, never split over two lines

    def whats_new_href(self) -> str:
        """The What's-new page's final URL from this page (raw HTML and data attributes)."""
        return urls.site_href(self.source, urls.WHATS_NEW_PAGE)

    def feed_href(self) -> str:
        """The What's-new Atom feed, relative to this page (it sits at the site root)."""
        return "../" * self.url.count("/") + urls.FEED_FILE

    def absolute(self, anchor: str = "") -> str:
        return urls.absolute_url(self.renderer.site_url, self.url) + (f"#{anchor}" if anchor else "")


def _link(href: str, text: str) -> str:
    """A raw-HTML link: its text escaped, with its due offsets and Slack channels kept whole as in Markdown text
    (Markdown leaves raw HTML alone), its href one this module made."""
    return f'<a href="{href}">{kept_whole(escape_attr(text))}</a>'
