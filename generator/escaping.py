"""Plain text made safe where the generated pages put it: Markdown text, and HTML attributes and raw blocks.

Every content field reaches a page through one of these, so script written into any field shows as text.
"""

from __future__ import annotations

import json
import re

# Characters Python-Markdown would otherwise read as markup in a plain-text field.
_MARKDOWN_SPECIALS = re.compile(r"([\\`*_{}\[\]#|!])")
# What ends a line once the page is read back (MkDocs reads with universal newlines: \r too): a one-line field
# that carried one would start a new Markdown block of its own (a link, an abbreviation, a heading's id lost).
_LINE_BREAKS = re.compile(r"[\r\n]")


def escape_text(value: str) -> str:
    """Make a plain-text field safe to drop into Markdown: it shows as typed, never as markup or HTML."""
    value = str(value).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _one_line(_MARKDOWN_SPECIALS.sub(r"\\\1", value))


CODE_SPAN = re.compile(r"(`[^`\n]+`)")  # a code span in a plain-text field (split() keeps it, as group 1)


def escape_text_code(value: str) -> str:
    """Like escape_text, but `code` spans stay code (FAQ questions quote field values such as `Renewal Status`).

    Markdown escapes HTML inside a code span itself, so only the text around it needs escaping.
    """
    parts = CODE_SPAN.split(str(value))
    return "".join(part if index % 2 else escape_text(part) for index, part in enumerate(parts))


# Characters that make Markdown in a line's text: raw HTML inside a paragraph (a role's link among the audience, the
# chart's role codes) is read as Markdown between its tags, so a role named '[x](https://…)' or '![i](https://…)' was
# a link, or an image loaded from that host, on the checklist and chart pages (red team). As character references
# they are the same characters to a browser, in an attribute as in text, and no markup to Markdown.
_INLINE_MARKUP = re.compile(r"[\\`*_\[\]|!]")


def escape_attr(value: str) -> str:
    """Make a one-line field safe inside raw HTML (an attribute, or a name in a raw-HTML list or paragraph): a blank
    line there would end the HTML block, and what followed it would be read as Markdown, as the text between a
    paragraph's tags is."""
    value = str(value).replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;").replace(">", "&gt;")
    return _one_line(_INLINE_MARKUP.sub(lambda m: f"&#{ord(m[0])};", value))


def _one_line(value: str) -> str:
    # checked first: role pages escape tens of thousands of names per build, and almost none has a break
    return _LINE_BREAKS.sub(" ", value) if "\n" in value or "\r" in value else value


# Control characters (a terminal runs ESC sequences: a title, a cleared screen, a forged line), the line and
# paragraph separators (a reader of the output by lines cuts a message there), the characters that reverse or hide
# text (U+202E shows a phrase backwards), and lone surrogates (no output can encode them).
_INVISIBLE = re.compile("[\x00-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2060-\u2064\u2066-\u2069\ufeff\ud800-\udfff]")


def visible(value: str) -> str:
    """Text from content or from a reader, as a terminal or a review shows it: every control, direction or
    invisible character written out as \\uXXXX, so what shows is what was typed."""
    return _INVISIBLE.sub(lambda m: f"\\u{ord(m[0]):04x}", str(value))


# What JSON leaves as it is and a terminal acts on: DEL and the C1 controls (U+009B is CSI, an escape sequence's
# start), the characters that reorder or hide text, and lone surrogates (no terminal can encode them). JSON
# escapes the C0 controls itself.
_RAW_IN_JSON = re.compile("[\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff\ud800-\udfff]")


def printable_json(value) -> str:
    """JSON as the CLI prints it: readable (Japanese as typed), but each character a terminal would act on written
    as its \\uXXXX escape, which any JSON reader turns back into the same text. `csops report searches --format
    json` printed readers' queries raw, and anyone reaching the API can log one holding U+202E or U+009B."""
    return _RAW_IN_JSON.sub(lambda m: f"\\u{ord(m[0]):04x}", json.dumps(value, ensure_ascii=False, indent=2))


# What `csops validate` refuses in content (rules/control_chars.py) and nothing checks elsewhere: control characters
# but tab, and the characters that reorder the text after them. Joiners stay: they are part of emoji and words.
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")


def controls_written_out(value: str) -> str:
    """Text no validator checked (a commit subject), as a page or feed shows it: each control or direction
    character written out as \\uXXXX. A subject's U+202E showed 'gnp.exe' as 'exe.png' on What's new, and its
    ESC sequences went raw into the page, the copied heading and the search index."""
    return _CONTROL.sub(lambda m: f"\\u{ord(m[0]):04x}", str(value))


# What makes markup in a line of GitHub Markdown (a PR comment, a ticket): emphasis, code, links, HTML, tables, entities.
_PR_MARKUP = re.compile(r"([\\`*_\[\]>|~$])")
# '&' and '<' are markup only where they start a character reference (&amp;, &#60;) or a tag, comment or autolink
# (<img, </b>, <!--, <https:). Escaped wherever they stood, 'Q&A' and '< 30 days' in a plain-text ticket read
# 'Q\&A' and '\< 30 days'
_PR_AMPERSAND_OR_TAG = re.compile(r"&(?=#|[A-Za-z0-9]+;)|<(?=[^\s=])")


def literal_markdown(value: str) -> str:
    """A content value as literal text in Markdown others render: the PR comment csops diff writes, and the link
    text of a ticket-ready link. No link, image, HTML comment, @mention, issue reference or table cell break is
    made from it (an asked_as phrase '<!--' hid the rest of the comment, '@team' pinged it, 'www.evil.example' in
    a title was a link, and '<img src=…>' in a title loaded an image in the ticket)."""
    text = _PR_MARKUP.sub(r"\\\1", visible(str(value).replace("\r", " ").replace("\n", " ")))
    text = _PR_AMPERSAND_OR_TAG.sub(lambda match: "\\" + match.group(), text)
    # a word joiner (invisible) after @, before an issue number, after ':' and inside '://': no mention, no
    # reference (acme/repo#12 posts a backlink in that repository), no :emoji: and no autolinked address
    text = text.replace("@", "@\u2060").replace("://", ":\u2060//")
    text = re.sub(r"#(?=\d)", "#\u2060", text)
    # GH-12 is an issue reference as #12 is; 'www.host' is autolinked as 'https://host' is
    text = re.sub(r"(?i)(gh-)(?=\d)", "\\1\u2060", text)
    text = re.sub(r"(?i)(www)\.", "\\1\u2060.", text)
    return re.sub(r":(?=[\w+-]+:)", ":\u2060", text)


def literal_code(text: str) -> str:
    """A code span showing `text` as it is, backticks included (CommonMark: a longer fence, padded), and line
    breaks and other control or direction characters written out (visible): a blank line in a span ends it
    and the paragraph, and what followed it was Markdown (a setting's key "k\\n\\n[click](…)" made a link)."""
    text = visible(text)
    longest = max((len(run) for run in re.findall("`+", text)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if text.startswith("`") or text.endswith("`") or not text.strip() else ""
    return f"{fence}{pad}{text}{pad}{fence}"
