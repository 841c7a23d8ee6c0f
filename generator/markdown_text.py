"""Markdown source as the words a reader sees: what search indexes and shows in snippets, and the label of a
copied ticket link (the page's Copy for ticket and the search API's `markdown` name an item the same way)."""

from __future__ import annotations

import html
import re

from .escaping import CODE_SPAN

# Markdown and HTML markup: a link's target, emphasis marks, a list, quote or heading marker, a tag (a name right
# after '<', as HTML reads one) or a comment. '<' alone is text: read as a tag to the next '>', it took the words
# between out of the index ('ARR < $10k no approval is needed … <br>'), and a '>' inside a line is text too. So is a
# '#' inside a line: taken as markup anywhere, a Slack channel lost it in search snippets ("post to renewals").
MARKDOWN_NOISE = re.compile(r"\]\([^)]*\)|[*_`|\[\]]+|^\s*(?:[-+]|>+|#{1,6})\s+|</?[A-Za-z][^<>]*>|<!--[\s\S]*?-->",
                            re.MULTILINE)
# compiled once: re.sub looked the pattern up in re's cache on each of a build's 42,000 calls (1,000 playbooks)
_SPACES = re.compile(r"[ \t]+")


def plain_text(markdown: str) -> str:
    """Markdown source without markup, for indexing and snippets. A link's target goes without a trace: a space
    in its place showed in snippets as "(see the renewal and expansion chart )."; an entity is the character the
    page shows (&lt;img&gt; is searched and shown as <img>, escaped where it is output)."""
    text = MARKDOWN_NOISE.sub(_noise_gone, _open_comments_masked(markdown or ""))
    return html.unescape(_SPACES.sub(" ", text).strip()).replace(_OPEN_COMMENT, "<!--")


_OPEN_COMMENT = "<\x00--"  # a '<!--' no '-->' follows, as MARKDOWN_NOISE reads it: text (the page shows it so)


def _open_comments_masked(text: str) -> str:
    """`text` with each '<!--' that no '-->' follows masked: MARKDOWN_NOISE read on to the text's end for each before
    giving up, so a body of 4,750 '<!--' took indexing 1 s (a file of them a minute). Only the '!' is masked: the
    '--' may be part of a '-->' an earlier comment ends with, and no other markup reads a '!' after '<' or a NUL
    differently; YAML lets no NUL into a text."""
    last_close = text.rfind("-->")
    masked_from = last_close - 3 if last_close >= 0 else 0  # a '<!--' from here on has no '-->' after it
    if "<!--" not in text[masked_from:]:
        return text
    return text[:masked_from] + text[masked_from:].replace("<!--", _OPEN_COMMENT)


def code_text_words(text: str) -> str:
    """A plain-text field with `code` spans (an FAQ question, shown by escaping.escape_text_code) as the words its
    heading shows: only a code span's backticks go. Read as Markdown, the ticket label and search title lost what
    the heading shows as typed ('[Beta]' lost its brackets, 'renewal_status' its underscores, '<Account>' its
    words, and '&amp;' was '&')."""
    parts = CODE_SPAN.split(str(text or ""))
    return "".join(part[1:-1] if index % 2 else part for index, part in enumerate(parts)).strip()


_CLOSES = set(".,;:!?)]}»」』、。）")  # markup right before one of these leaves no space ("`sent`." is "sent.")
_OPENS = set("([{«「『（")  # nor right after one of these ("(`code`)" is "(code)")
_CJK = "\u2e80"  # from here on: CJK punctuation, kana, kanji, full-width forms


def _noise_gone(match: re.Match) -> str:
    """A space in place of markup (a|b, snake_case, "Done.<br>Next"), except before closing punctuation or after
    opening punctuation: a space everywhere showed in snippets as "set Renewal Status to Proposal sent ."."""
    if match.group().startswith("]("):
        return ""
    text, start, end = match.string, match.start(), match.end()
    if start == 0 or end == len(text) or text[end] in _CLOSES or text[start - 1] in _OPENS:
        return ""
    if text[start - 1] >= _CJK or text[end] >= _CJK:  # Japanese sets no spaces: "場合は[拡大シグナル](…)の手順"
        return ""
    return " "
