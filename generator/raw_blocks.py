"""Generated raw-HTML blocks kept out of Python-Markdown's way, with the very bytes Markdown would have written.

Python-Markdown passes a raw HTML block through untouched, but only after its
HTML parser has read every tag in it: the step lines, the timeline and role
pages' duty lists csops generates are most of a large portal's Markdown time.
So the MkDocs plugin lifts such blocks out before conversion (a one-word
paragraph holds each place) and puts them back after: the same HTML as the
slow path, which the generated Markdown still takes in plain MkDocs or
Zensical. Only blocks whose outcome is certain are lifted: a `<div>` or
`<details>` with a `csops-` class starting a paragraph, balanced, ending at a
line end before a blank line, with no blank line, `markdown` attribute, comment
or verbatim element (`pre`, `script`, `style`, `textarea`) inside. Anything
else, content's own HTML included, goes through Markdown as before. The page is
sanitised after this, so a lifted block is no more trusted than any other HTML
(a large one is sanitised in pieces: sanitised_pieces.py).
"""

from __future__ import annotations

import re
import secrets

_START = re.compile(r'<(div|details)\b[^>]*\bclass="csops-[^"]*"[^>]*>')
_UNSURE = re.compile(r"\bmarkdown\s*=|\bmarkdown[\s>]|<!--|<(?:pre|script|style|textarea)\b", re.I)
# What every _UNSURE match contains once ASCII is lowercased, and the only other characters its
# IGNORECASE matches take (İ ı for i, ſ for s, the Kelvin sign for k): a page with none of them needs no
# line searched, and searching every line of a role page (a megabyte at 1,000 playbooks) was most of lifting.
_UNSURE_NEEDLES = (b"markdown", b"<!--", b"<pre", b"<script", b"<style", b"<textarea")
_UNSURE_FOLDED = "\u0130\u0131\u017f\u212a"
_TOKEN = "csopsrawblock{}x"


def lift(markdown: str) -> tuple[str, list[str]]:
    """(markdown with each liftable block replaced by a placeholder paragraph, the blocks in order)."""
    lines = markdown.split("\n")
    unsure = _UNSURE.search if _may_be_unsure(markdown) else None
    out: list[str] = []
    blocks: list[str] = []
    i = 0
    while i < len(lines):
        line = lines[i]
        match = _START.match(line)
        if match and (i == 0 or lines[i - 1].strip() == ""):
            end = _block_end(lines, i, match[1], unsure)
            if end is not None:
                blocks.append("\n".join(lines[i:end + 1]))
                out.append(_TOKEN.format(len(blocks) - 1))
                i = end + 1
                continue
        out.append(line)
        i += 1
    return "\n".join(out), blocks


def _may_be_unsure(markdown: str) -> bool:
    """False when no line of the page can match _UNSURE (a few fast scans of the whole page)."""
    if any(char in markdown for char in _UNSURE_FOLDED):
        return True
    folded = markdown.encode("utf-8").lower()
    return any(needle in folded for needle in _UNSURE_NEEDLES)


def _block_end(lines: list[str], start: int, tag: str, unsure) -> int | None:
    """Index of the block's last line when Markdown would take lines[start:] as one raw block ending there.

    `unsure`: _UNSURE.search, or None when the page holds nothing it could find."""
    opening, closing = re.compile(rf"<{tag}\b", re.I), re.compile(rf"</{tag}\s*>", re.I)
    depth = 0
    for j in range(start, len(lines)):
        line = lines[j]
        if line.strip() == "" or (unsure is not None and unsure(line)):
            return None
        depth += len(opening.findall(line)) - len(closing.findall(line))
        if depth <= 0:
            after_blank = j + 1 == len(lines) or lines[j + 1].strip() == ""
            return j if depth == 0 and after_blank and closing.search(line.rstrip()[-(len(tag) + 3):]) else None
    return None


def marks(template: str) -> re.Pattern:
    """The marks `template` ("…{}…") makes, their numbers a group."""
    return re.compile(re.escape(template).replace(re.escape("{}"), "([0-9]+)"))


_PLACEHOLDER = f"<p>{_TOKEN}</p>"  # the paragraph Markdown makes of a block's placeholder
# Every placeholder paragraph, numbered: the page is split at them once (a phase page's 166 blocks, each looked for
# in the whole page, took 20 ms a page to put back at 1,000 playbooks)
_PLACEHOLDERS = marks(_PLACEHOLDER)


def placeholder(n: int) -> str:
    """The paragraph Markdown makes of block `n`'s placeholder."""
    return _PLACEHOLDER.format(n)


# Where restore leaves a block numbered in its `keep`, for sanitised_pieces.py to find in the sanitised page (and
# its pieces' places in a block). Spelled with a quoted attribute: a sanitiser writes `"` in an attribute value as
# &quot; and `<` in text as &lt;, so a match is an element. A placeholder paragraph's words were not: nh3 up to 0.3.6
# writes `<` as it is in an attribute value, so a role description's title="&lt;p&gt;csopsrawblock0x&lt;/p&gt;…",
# its own place hidden in an <xmp>, had the duty list set inside the attribute, and what the value held after it (an
# <img onerror>) ran. Their words are new in each process, so an element content writes itself is never taken for
# one (the lists were set where it stood, its page's own place hidden in an <xmp> or a <script> the sanitiser drops).
MARK_WORD = "csops" + secrets.token_hex(8)
_KEPT_PLACE = f'<p id="{MARK_WORD}block{{}}x"></p>'


KEPT_PLACES = marks(_KEPT_PLACE)


def restore(html: str, blocks: list[str], keep: frozenset[int] = frozenset()) -> str | None:
    """The HTML with each placeholder paragraph replaced by its block, those numbered in `keep` by a KEPT_PLACES
    element (for sanitised_pieces.py); None if one is not exactly where expected (each once, in order). A block is
    set in by the place found before any was, so one holding a placeholder's words itself is still put back as it is."""
    parts = _PLACEHOLDERS.split(html)
    if parts[1::2] != [str(n) for n in range(len(blocks))]:
        return None
    out = [parts[0]]
    for n, block in enumerate(blocks):
        after = parts[2 * n + 2]
        # Markdown keeps the line end after a raw block, except at the end of the page
        out += (_KEPT_PLACE.format(n) if n in keep else block, "" if n == len(blocks) - 1 and after == "" else "\n", after)
    return "".join(out)
