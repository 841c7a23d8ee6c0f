"""Large lifted blocks sanitised piece by piece, each piece's result kept by its exact bytes for the next build.

A role page's duty lists are most of a large portal's HTML (5.5 MB on the six
role pages at 1,000 playbooks), and an edit to one playbook changes a few of
their rows; sanitising every row again cost ~40 ms per MB in each edit rebuild.
So a lifted block (raw_blocks.py) of many rows, lines that are one `<li>…</li>`
each, is cut into pieces of rows at rows chosen by their own bytes (an added or
removed row moves no other cut); the block with one marker row in place of each
piece, and each piece, go through the sanitiser on their own, and the results
are put together. Every byte that reaches the page has been through the
sanitiser: a piece's result taken from the live generation is what the
sanitiser gave for those very bytes under the same build key (its settings,
nh3's and csops' code), and is read only from a trusted generation (marshal, as
linkcheck.LINKS_FILE). The sanitiser writes complete elements, escaped text and
quoted attributes, so results set side by side read as each does alone. Each
piece's ids and links, parsed for the link check as the page is written, are
kept with it (linkcheck.Locator.page_in_pieces).
"""

from __future__ import annotations

import hashlib
import marshal
import os
import re
import zlib
from pathlib import Path
from typing import Callable

from .raw_blocks import KEPT_PLACES, MARK_WORD, marks, restore
from .rules.markdown_html import VOID_ELEMENTS

# A block with fewer rows is sanitised with its page, in one call: a call costs ~25 us, and a playbook's few
# step lines gain nothing from being kept.
MIN_ROWS = 64
_CUT_MASK = 31  # a piece ends after a row whose CRC-32 has these bits clear: about 32 rows a piece
_MAX_PIECE_ROWS = 256
_MARKER = f'<li id="{MARK_WORD}piece{{}}x"></li>'  # an element, with words content cannot know: raw_blocks.KEPT_PLACES
_MARKERS = marks(_MARKER)
FOLDER = "sanitised-pieces"  # in a generation, beside its site: one file per page that has pieces


def _is_row(line: str) -> bool:
    return line.startswith("<li>") and line.endswith("</li>")


def is_large(block: str) -> bool:
    """Whether `block` is sanitised piece by piece (else with its page)."""
    return block.count("\n<li>") >= MIN_ROWS


def _pieces(lines: list[str]) -> tuple[list[str], list[str]]:
    """(the block's lines with a marker line for each piece, the pieces): a piece is consecutive rows."""
    skeleton: list[str] = []
    pieces: list[str] = []
    run: list[str] = []

    def end_piece():
        if run:
            skeleton.append(_MARKER.format(len(pieces)))
            pieces.append("\n".join(run))
            run.clear()

    for line in lines:
        if not _is_row(line):
            end_piece()
            skeleton.append(line)
            continue
        run.append(line)
        # a piece is at least an eighth of the usual rows: content whose every row cuts (titles chosen so, one try
        # in 32 each) made a piece, a sanitiser call, of each row: 10,000 rows took 4x their time sanitised whole
        if ((zlib.crc32(line.encode("utf-8")) & _CUT_MASK == 0 and len(run) > _CUT_MASK // 8)
                or len(run) >= _MAX_PIECE_ROWS):
            end_piece()
    end_piece()
    return skeleton, pieces


def sanitize_lifted(html: str, blocks: list[str], clean: Callable[[str], str], cache: "PieceCache") -> str | None:
    """`clean` of the page `html` with its lifted `blocks` put back (raw_blocks.restore), each large block cleaned
    on its own, piece by piece, and set where its placeholder paragraph is in the cleaned page; None when a
    placeholder is not exactly where expected."""
    large = [n for n, block in enumerate(blocks) if is_large(block)]
    if not large:
        restored = restore(html, blocks)
        return None if restored is None else clean(restored)
    restored = restore(html, blocks, keep=frozenset(large))
    cleaned = KEPT_PLACES.split(clean(restored)) if restored is not None else None
    if cleaned is None or cleaned[1::2] != [str(n) for n in large] or not _at_top_level(cleaned[0:-1:2]):
        restored = restore(html, blocks)  # a place the page's own HTML moved, wrote or left inside: the page whole
        return None if restored is None else clean(restored)
    out = [cleaned[0]]
    for n, between in zip(large, cleaned[2::2]):
        out += (cache.sanitize_block(blocks[n], clean), between)
    return "".join(out)


# A tag as the sanitiser writes it: every attribute value in double quotes, `<` nowhere else (comments stripped)
_TAGS = re.compile(r'<(/?)([a-zA-Z][^\s/>]*)(?:[^">]|"[^"]*")*>')


def _at_top_level(befores: list[str]) -> bool:
    """Whether each place, after the sanitised HTML before it (`befores`, in order), is inside no element. A block
    cleaned alone reads as in its page only there: one the page leaves inside an <a> (a role description's unclosed
    link, on a site whose headings have no permalink <a> to close it) had the page whole give the list's rows an
    empty <a> each, and the pieces not."""
    depth = 0
    for before in befores:
        for end, name in _TAGS.findall(before):
            if end:
                depth -= 1
            elif name.lower() not in VOID_ELEMENTS:
                depth += 1
        if depth:
            return False
    return True


class PieceCache:
    """A page's sanitised pieces: those of the live generation's page (`kept`), and those this build used (`used`),
    in the page's order (`order`: digest and sanitised HTML); and each piece's link parse (linkcheck.Locator.page_in_pieces:
    `kept_links`, `links`), made as the page is written."""

    def __init__(self, kept: dict[bytes, str] | None = None, kept_links: dict | None = None):
        self.kept = kept or {}
        self.used: dict[bytes, str] = {}
        self.order: list[tuple[bytes, str]] = []
        self.kept_links = kept_links or {}
        self.links: dict = {}

    def sanitize_block(self, block: str, clean: Callable[[str], str]) -> str:
        """`clean(block)`, made from the cleaned skeleton and pieces (each piece cleaned only when not kept)."""
        skeleton, pieces = _pieces(block.split("\n"))
        cleaned_skeleton = _MARKERS.split(clean("\n".join(skeleton)))
        if cleaned_skeleton[1::2] != [str(n) for n in range(len(pieces))]:
            return clean(block)  # a marker the sanitiser moved or one the block wrote itself: the block whole
        out = [cleaned_skeleton[0]]
        for piece, between in zip(pieces, cleaned_skeleton[2::2]):
            digest = hashlib.blake2b(piece.encode("utf-8"), digest_size=16).digest()
            cleaned = self.used.get(digest)
            if cleaned is None:
                cleaned = self.kept.get(digest)
                if not isinstance(cleaned, str):
                    cleaned = clean(piece)
                self.used[digest] = cleaned
            self.order.append((digest, cleaned))
            out += (cleaned, between)
        return "".join(out)


def file_name(dest_uri: str) -> str:
    return hashlib.sha1(dest_uri.encode("utf-8")).hexdigest() + ".marshal"


def load(folder: Path | None, dest_uri: str) -> PieceCache:
    """A page's kept pieces in the live generation's `folder` (none when there are none or they do not read)."""
    if folder is None:
        return PieceCache()
    try:
        kept = marshal.loads((folder / file_name(dest_uri)).read_bytes())
    except (OSError, ValueError, EOFError, TypeError):
        return PieceCache()
    if not (isinstance(kept, dict) and isinstance(kept.get("html"), dict) and isinstance(kept.get("links"), dict)):
        return PieceCache()
    return PieceCache(kept["html"], kept["links"])


def save(folder: Path, dest_uri: str, cache: PieceCache) -> None:
    if cache.used:
        folder.mkdir(exist_ok=True)
        (folder / file_name(dest_uri)).write_bytes(marshal.dumps({"html": cache.used, "links": cache.links}))


def carry(previous: Path | None, folder: Path, copied: list[str]) -> None:
    """Hard-link the kept pieces of each page taken whole from the live generation (`copied`, site paths)."""
    if previous is None:
        return
    try:
        names = set(os.listdir(previous))
    except OSError:
        return
    for dest_uri in copied:
        name = file_name(dest_uri)
        if name in names:
            folder.mkdir(exist_ok=True)
            try:
                os.link(previous / name, folder / name)
            except OSError:
                pass  # that page's pieces are sanitised again when it next changes
