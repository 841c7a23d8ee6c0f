"""Control characters in text: YAML's escapes ("\x1b", "\b", "\v") let them into any string.

They reached the pages raw, and `csops search` printed them to the terminal, where a backspace or an escape
sequence can hide or forge text. Tab and line breaks are text; nothing else below a space is. Direction
overrides and isolates (U+202A-U+202E, U+2066-U+2069) are refused too: one in a glossary term reversed the
search snippet after it in the panel, and a review shows the text in an order the page does not. Zero-width
spaces, word joiners and a byte-order mark inside text are warnings: invisible, they split a word in two for
search (pasted from a chat or a PDF), and a phrase typed whole then finds nothing.
"""

from __future__ import annotations

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


# What json.dumps writes for a control character, or leaves as it is: a file without any is walked no further
# (the walk cost 0.3 s of a cold check at 1,000 playbooks; the dump, a few milliseconds)
_MAYBE = re.compile(r"\\u00[01]|\\[bf]|[\x7f-\x9f\ufffe\uffff\u202a-\u202e\u2066-\u2069\u200b\u2060-\u2064\ufeff]")


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
    found = _CONTROL.search(text)
    if found and "\u202a" <= found[0] <= "\u2069":
        problems.append(Problem(path, *where(found.start()), "control-character",
                                f"{name} holds the direction control U+{ord(found[0]):04X}, which "
                                "shows the text after it in another order than it is written",
                                "delete it; retype the text if it came from a paste"))
    elif found:
        problems.append(Problem(path, *where(found.start()), "control-character",
                                f"{name} holds the control character U+{ord(found[0]):04X}",
                                "delete it; in double quotes it is written as an escape such as \\x1b, \\b or \\v"))
    invisible = _INVISIBLE.search(text)
    if invisible:
        problems.append(Problem(path, *where(invisible.start()), "invisible-character",
                                f"{name} holds the invisible character U+{ord(invisible[0]):04X}, "
                                "which splits the word it is in for search", "delete it; retype the word if it came "
                                "from a paste", severity="warning"))
    return problems
