"""Control characters in text: YAML's escapes ("\x1b", "\b", "\v") let them into any string.

They reached the pages raw, and `csops search` printed them to the terminal, where a backspace or an escape
sequence can hide or forge text. Tab and line breaks are text; nothing else below a space is.
"""

from __future__ import annotations

import json
import re

from ..loader import Document
from ..problems import Problem
from . import located_strings

CODES = ("control-character",)
# C0 controls but tab, line feed and carriage return; DEL and the C1 controls; the two non-characters
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff]")


# What json.dumps writes for a control character, or leaves as it is: a file without any is walked no further
# (the walk cost 0.3 s of a cold check at 1,000 playbooks; the dump, a few milliseconds)
_MAYBE = re.compile(r"\\u00[01]|\\[bf]|[\x7f-\x9f\ufffe\uffff]")


def check_file(doc: Document) -> list[Problem]:
    if not _MAYBE.search(json.dumps(doc.data, ensure_ascii=False, default=str)):
        return []
    problems = []
    for text, where, field_name in located_strings(doc.data, keys=True):
        if field_name == "asked_as":  # asked_as.py reports these, with the invisible characters pasted text carries
            continue
        found = _CONTROL.search(text)
        if found:
            problems.append(Problem(doc.path, *where(found.start()), "control-character",
                                    f"{field_name or 'text'} holds the control character U+{ord(found[0]):04X}",
                                    "delete it; in double quotes it is written as an escape such as \\x1b, \\b or \\v"))
    return problems
