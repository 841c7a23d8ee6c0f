"""Control characters in text: YAML's escapes ("\x1b", "\b", "\v") let them into any string.

They reached the pages raw, and `csops search` printed them to the terminal, where a backspace or an escape
sequence can hide or forge text. Tab and line breaks are text; nothing else below a space is. Direction
overrides and isolates (U+202A-U+202E, U+2066-U+2069) are refused too: one in a glossary term reversed the
search snippet after it in the panel, and a review shows the text in an order the page does not. Zero-width
spaces, word joiners and a byte-order mark inside text are warnings: invisible, they split a word in two for
search (pasted from a chat or a PDF), and a phrase typed whole then finds nothing. A character reference naming
one (&#x202e;, &#27;, &ZeroWidthSpace;) is the character itself once a Markdown field is on the page (the sanitiser
writes it out), so it is refused, or warned about, as the character is.
"""

from __future__ import annotations

import html
import json
import re

from ..loader import Document
from ..problems import Problem
from . import located_strings

CODES = ("control-character", "invisible-character")
# C0 controls but tab, line feed and carriage return; DEL and the C1 controls; the two non-characters; the
# direction embeddings, overrides and isolates
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff\u202a-\u202e\u2066-\u2069]")
# Zero-width space, word joiner and invisible operators, a byte-order mark past the file's start. Not U+200C/U+200D,
# which join letters and emoji (👩‍💻), nor the left-to-right and right-to-left marks, which only nudge punctuation.
_INVISIBLE = re.compile("[\u200b\u2060-\u2064\ufeff]")


# A numeric character reference (browsers and the sanitiser read one without its ';' too) or a named one
_REFERENCE = re.compile(r"&#[xX][0-9a-fA-F]+;?|&#[0-9]+;?|&[A-Za-z][A-Za-z0-9]{1,31};")

# What json.dumps writes for a control character, or leaves as it is, and a reference (a named one only with its
# ';', as _REFERENCE reads it: "Q&A" and "R&D" are no reason to walk a file): a file without any is walked no
# further (the walk cost 0.3 s of a cold check at 1,000 playbooks; the dump, a few milliseconds)
_MAYBE = re.compile(r"\\u00[01]|\\[bf]|[\x7f-\x9f\ufffe\uffff\u202a-\u202e\u2066-\u2069\u200b\u2060-\u2064\ufeff]|&#|&[A-Za-z][A-Za-z0-9]{1,31};")


def check_file(doc: Document) -> list[Problem]:
    if not _MAYBE.search(json.dumps(doc.data, ensure_ascii=False, default=str)):
        return []
    problems = []
    for text, where, field_name in located_strings(doc.data, keys=True):
        if field_name == "asked_as":  # asked_as.py reports these, with the invisible characters pasted text carries
            continue
        problems += text_problems(doc.path, text, where, field_name or "text")
    return problems


def text_problems(path: str, text: str, where, name: str) -> list[Problem]:
    """The control and invisible characters of one text; `where(offset)` places a character of it in the file."""
    problems = []
    found = _first(text, _CONTROL)
    if found and "\u202a" <= found[1] <= "\u2069":
        problems.append(Problem(path, *where(found[0]), "control-character",
                                f"{name} holds {_named(found)}the direction control U+{ord(found[1]):04X}, which "
                                "shows the text after it in another order than it is written",
                                _hint(found, "delete it; retype the text if it came from a paste")))
    elif found:
        problems.append(Problem(path, *where(found[0]), "control-character",
                                f"{name} holds {_named(found)}the control character U+{ord(found[1]):04X}",
                                _hint(found, "delete it; in double quotes it is written as an escape such as \\x1b, \\b or \\v")))
    invisible = _first(text, _INVISIBLE)
    if invisible:
        problems.append(Problem(path, *where(invisible[0]), "invisible-character",
                                f"{name} holds {_named(invisible)}the invisible character U+{ord(invisible[1]):04X}, "
                                "which splits the word it is in for search",
                                _hint(invisible, "delete it; retype the word if it came from a paste"), severity="warning"))
    return problems


def _first(text: str, characters: re.Pattern) -> tuple[int, str, str] | None:
    """(offset, character, reference or "") of the first of `characters` in the text, typed or written as a reference."""
    typed = characters.search(text)
    found = (typed.start(), typed[0], "") if typed else None
    if "&" in text:
        for reference in _REFERENCE.finditer(text, 0, typed.start() if typed else len(text)):
            character = _named_character(reference[0])
            if len(character) == 1 and characters.fullmatch(character):
                return reference.start(), character, reference[0]
    return found


def _named_character(reference: str) -> str:
    """The character a reference names on the page. html.unescape gives '' for &#27; and the other control
    characters, where browsers and the sanitiser give the character itself."""
    if reference[1] != "#":
        return html.unescape(reference)
    digits = reference[2:].rstrip(";")
    number = (int(digits[1:], 16) if digits[0] in "xX" else int(digits)) if len(digits.lstrip("xX0")) <= 8 else -1
    if 0 < number < 0x80 or 0xA0 <= number < 0xD800 or 0xE000 <= number <= 0x10FFFF:
        return chr(number)
    return html.unescape(reference)  # U+FFFD for NUL, surrogates and past Unicode; Windows-1252's for 0x80-0x9F


def _named(found: tuple[int, str, str]) -> str:
    return f"'{found[2]}', a reference to " if found[2] else ""


def _hint(found: tuple[int, str, str], typed: str) -> str:
    return "delete the reference: the page shows the character it names" if found[2] else typed
