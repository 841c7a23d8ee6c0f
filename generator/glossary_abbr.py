"""Glossary hover definitions that also work in Japanese text (a Python-Markdown extension).

Python-Markdown's `abbr` wraps a term only between `\\b` word boundaries. In
「QBRを実施」 the letters R and を are both word characters, so no boundary
exists and Japanese pages never got their tooltips. This extension keeps
`abbr`'s syntax and output but only refuses a match when the neighbouring
character is an ASCII letter or digit: "CSM" still does not match inside
"CSMs", while 「CSMが」 and 「ヘルススコアを」 do.
"""

from __future__ import annotations

import re

from markdown.extensions.abbr import AbbrBlockprocessor, AbbrExtension, AbbrTreeprocessor

_ASCII_WORD = "A-Za-z0-9_"


def term_pattern(term: str) -> str:
    """One term as a regex: guarded by ASCII-word lookarounds only on the sides that are ASCII words."""
    pattern = re.escape(term)
    if re.match(f"[{_ASCII_WORD}]", term):
        pattern = f"(?<![{_ASCII_WORD}])" + pattern
    if re.search(f"[{_ASCII_WORD}]$", term):
        pattern += f"(?![{_ASCII_WORD}])"
    return pattern


def terms_regex(terms) -> re.Pattern:
    """Longest terms first, so 「ヘルススコア」 wins over 「スコア」."""
    return re.compile("|".join(term_pattern(t) for t in sorted(terms, key=len, reverse=True)))


class GlossaryTreeprocessor(AbbrTreeprocessor):
    def run(self, root):
        if not self.abbrs:
            return
        self.RE = terms_regex(self.abbrs)
        self.iter_element(root)


class GlossaryAbbrExtension(AbbrExtension):
    """Replaces `abbr`'s processors under the same names, so the two never both wrap a term."""

    def extendMarkdown(self, md):
        if self.config["glossary"][0]:
            self.load_glossary(self.config["glossary"][0])
        self.abbrs.update(self.glossary)
        md.registerExtension(self)
        md.treeprocessors.register(GlossaryTreeprocessor(md, self.abbrs), "abbr", 7)
        md.parser.blockprocessors.register(AbbrBlockprocessor(md.parser, self.abbrs), "abbr", 16)


def makeExtension(**kwargs):  # noqa: N802 - Python-Markdown's entry point name
    return GlossaryAbbrExtension(**kwargs)
