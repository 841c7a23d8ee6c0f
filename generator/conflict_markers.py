"""Merge-conflict blocks git left in a file, found before the file is parsed.

YAML read a block as a key with no ':' (a fix that made things worse), a block indented inside a Markdown body
was published as text, and the URL manifest asked to retire each marker line as a URL.
"""

from __future__ import annotations

import re

from .problems import Problem

# git writes its markers at the start of a line; '<<<<<<<' is also caught indented (a block pasted into a body),
# '>>>>>>>' indented only after one (alone it is a quote seven levels deep), '=======' only at the start, where in YAML
# it cannot be a Markdown heading underline
_OPENS = re.compile(r"[ \t]*<{7}(?: |$)")
_CLOSES = re.compile(r"[ \t]*>{7}(?: |$)")
_INSIDE = re.compile(r"(?:={7}|\|{7})(?: |$)")
_FENCE = re.compile(r"[ \t]*(`{3,}|~{3,})")


def conflict_problems(path: str, text: str, hint: str = "", markdown: bool = False) -> list[Problem]:
    """One Problem per conflict block (or stray marker line), at its first marker.

    Indented marker lines inside a fenced code block are shown as code (a playbook on resolving conflicts), and in a
    `markdown` text (a page template) a stray '=======' under a line of text underlines a heading."""
    hint = hint or ("keep the version you want between the marker lines, then delete the '<<<<<<<', '=======' "
                    "and '>>>>>>>' lines")
    if "<<<<<<<" not in text and ">>>>>>>" not in text and "=======" not in text and "|||||||" not in text:
        return []  # every file is read each build: 70 ms at 1,000 playbooks to walk their lines, 5 ms to look
    problems, start, fence, previous = [], None, None, ""
    for number, line in enumerate(text.removeprefix("\ufeff").splitlines(), start=1):  # a BOM is no column
        column = len(line) - len(line.lstrip(" \t")) + 1
        if column == 1 and line.strip() and not markdown:
            fence = None  # a YAML line at the start ends the block scalar that held the fence
        opened = _FENCE.match(line)
        if opened and (fence is None or (opened[1][0] == fence[0] and len(opened[1]) >= len(fence)
                                         and not line[opened.end():].strip())):
            fence = opened[1] if fence is None else None
        elif fence is not None and column > 1:
            pass  # code on the page, not a marker git wrote (git writes them at the start of a line)
        elif _OPENS.match(line):
            if start is not None:
                problems.append(_problem(path, *start, None, hint))
            start = (number, column)
        elif _CLOSES.match(line) and (start is not None or column == 1):
            if start is not None:
                problems.append(_problem(path, *start, number, hint))
                start = None
            else:
                problems.append(_problem(path, number, column, None, hint))
        elif _INSIDE.match(line) and start is None and not (markdown and previous.strip()):
            problems.append(_problem(path, number, 1, None, hint))
        previous = line
    if start is not None:
        problems.append(_problem(path, *start, None, hint))
    return problems


def _problem(path: str, line: int, col: int, end: int | None, hint: str) -> Problem:
    where = f"lines {line}-{end}" if end else "this line"
    return Problem(path, line, col, "merge-conflict",
                   f"unresolved git merge conflict: {where} still hold{'' if end else 's'} git's conflict markers",
                   hint)
