"""Merge-conflict blocks git left in a file, found before the file is parsed.

YAML read a block as a key with no ':' (a fix that made things worse), a block indented inside a Markdown body
was published as text, and the URL manifest asked to retire each marker line as a URL.
"""

from __future__ import annotations

import re

from .problems import Problem

# git writes its markers at the start of a line; '<<<<<<<' and '>>>>>>>' are also caught indented (a block
# pasted into a body), '=======' only at the start, where it cannot be a Markdown heading underline
_OPENS = re.compile(r"[ \t]*<{7}(?: |$)")
_CLOSES = re.compile(r"[ \t]*>{7}(?: |$)")
_INSIDE = re.compile(r"(?:={7}|\|{7})(?: |$)")


def conflict_problems(path: str, text: str, hint: str = "") -> list[Problem]:
    """One Problem per conflict block (or stray marker line), at its first marker."""
    hint = hint or ("keep the version you want between the marker lines, then delete the '<<<<<<<', '=======' "
                    "and '>>>>>>>' lines")
    if "<<<<<<<" not in text and ">>>>>>>" not in text and "=======" not in text and "|||||||" not in text:
        return []  # every file is read each build: 70 ms at 1,000 playbooks to walk their lines, 5 ms to look
    problems, start = [], None
    for number, line in enumerate(text.splitlines(), start=1):
        if _OPENS.match(line):
            if start is not None:
                problems.append(_problem(path, *start, None, hint))
            start = (number, len(line) - len(line.lstrip(" \t")) + 1)
        elif _CLOSES.match(line):
            if start is not None:
                problems.append(_problem(path, *start, number, hint))
                start = None
            else:
                problems.append(_problem(path, number, len(line) - len(line.lstrip(" \t")) + 1, None, hint))
        elif _INSIDE.match(line) and start is None:
            problems.append(_problem(path, number, 1, None, hint))
    if start is not None:
        problems.append(_problem(path, *start, None, hint))
    return problems


def _problem(path: str, line: int, col: int, end: int | None, hint: str) -> Problem:
    where = f"lines {line}-{end}" if end else "this line"
    return Problem(path, line, col, "merge-conflict",
                   f"unresolved git merge conflict: {where} still hold{'' if end else 's'} git's conflict markers",
                   hint)
