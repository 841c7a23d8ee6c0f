"""Problems found in content, and the exception that ends a run because of them.

Every stage reports Problems and keeps going, so an Ops editor sees every
mistake of a pull request in one run instead of fixing them one at a time.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import click

from .escaping import visible
from .suggested_commands import path_from_here

Position = tuple[int, int]  # (line, column), both from 1: where a Problem, or a value it names, sits
MAX_TEXT = 600  # characters of a problem's message, and of its hint


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the content, at a precise place in a file.

    Problems sort by path, line and column, except that a file which could not be
    read at all comes first: it is the root cause an editor must fix before anything else.
    """

    path: str
    line: int
    col: int
    code: str = field(compare=True)
    message: str = field(compare=True)
    hint: str = field(default="", compare=False)
    severity: str = field(default="error", compare=False)  # error fails the run; warning and notice only show
    status: str = field(default="", compare=False)  # a finding's own word for its state (stale's expired, due-soon)
    unreadable: bool = field(default=False, compare=False)  # the file could not be read, so nothing in it was checked
    root_cause: bool = field(default=False, compare=False)  # what makes errors in other files: read it first

    def __post_init__(self):
        # A message or hint quotes the value it is about: a 40,000-character title quoted whole made a line no
        # terminal or CI log shows (red team), and one holding a line break split the file:line:col line (in JSON
        # too, where a reader prints the message). Written out and cut here, for every rule, check and format alike.
        for name in ("message", "hint"):
            text = written_out(getattr(self, name))
            object.__setattr__(self, name, text if len(text) <= MAX_TEXT else text[:MAX_TEXT - 1] + "…")

    def _key(self):
        # Within an unreadable file, its errors come before the notes about what could not be checked.
        return (not (self.unreadable or self.root_cause), self.path, self.unreadable and self.severity != "error", self.line, self.col,
                self.code, self.message)

    def __lt__(self, other: "Problem") -> bool:
        return self._key() < other._key()

    def text(self) -> str:
        hint = f" ({self.hint})" if self.hint else ""
        # one line whatever a path or message holds: a name with a line break printed a second line of its own
        # choosing, such as a GitHub Actions '::error' command. The path as opened where csops ran (--project)
        return visible(f"{path_from_here(self.path)}:{self.line}:{self.col}: {self.status or self.severity}: {self.message}{hint} [{self.code}]")


class ContentError(click.ClickException):
    """Raised when a run cannot go on because the content has errors."""

    exit_code = 1

    def __init__(self, problems: list[Problem], strict: bool = False):
        self.problems, self.strict = sorted(problems), strict
        super().__init__(summarize(self.problems, strict))

    def format_message(self) -> str:
        return "\n".join(problem_lines(self.problems) + [summarize(self.problems, self.strict)])


# Lines of one file's problems a terminal is shown: a 900 KB file of 60,000 broken steps printed 60,000 lines
# (7 MB), which scrolled its first problems, often the cause of the rest, out of any terminal's history
MAX_LINES_PER_FILE = 50
# Problems of one kind in one file (or one mapping) whose hint searches the names it could have meant ("did you mean
# …?", difflib over every candidate); the rest say what to write without the search. Searched for each, a 900 KB
# playbook of 15,000 links to a missing #anchor, or of 90,000 unknown keys, kept validate busy for hours: the
# candidates grow with the problems (its 15,000 step anchors).
MAX_SEARCHED_HINTS = MAX_LINES_PER_FILE


def problem_lines(problems: list[Problem]) -> list[str]:
    """Each problem's line, at most MAX_LINES_PER_FILE of a file, then a line saying how many more it has. For
    people: JSON and GitHub annotations keep every problem, and the summary and exit code count them all."""
    lines: list[str] = []
    shown: dict[str, int] = {}
    last_line: dict[str, int] = {}  # path -> index in `lines` of its last line shown
    more: dict[str, int] = {}
    for problem in problems:
        if shown.get(problem.path, 0) < MAX_LINES_PER_FILE:
            shown[problem.path] = shown.get(problem.path, 0) + 1
            last_line[problem.path] = len(lines)
            lines.append(problem.text())
        else:
            more[problem.path] = more.get(problem.path, 0) + 1
    for path in sorted(more, key=last_line.get, reverse=True):  # from the end: earlier indexes stay right
        lines.insert(last_line[path] + 1, visible(f"{path_from_here(path)}: … and {more[path]:,} more in this file "
                                                  "(--format json lists every one)"))
    return lines


def summarize(problems: list[Problem], strict: bool = False) -> str:
    """'2 errors in 1 file, 1 warning'; under --strict a run failed by warnings alone says so."""
    errors = [p for p in problems if p.severity == "error"]
    warnings = sum(1 for p in problems if p.severity == "warning")
    files = {p.path for p in errors}
    warned = f", {warnings} warning{'s' if warnings != 1 else ''}" if warnings else ""
    if not errors:
        return "no errors" + warned + (" (--strict: warnings fail the run)" if strict and warnings else "")
    noun = "error" if len(errors) == 1 else "errors"
    fnoun = "file" if len(files) == 1 else "files"
    return f"{len(errors)} {noun} in {len(files)} {fnoun}{warned}"


def failing(problems: list[Problem], strict: bool = False) -> list[Problem]:
    """The problems that fail a run: errors, and warnings too under --strict (CI)."""
    return [p for p in problems if p.severity == "error" or (strict and p.severity == "warning")]


def written_out(value) -> str:
    """Text as one line of a message: a value holding a line break must not make the message several lines (breaks
    show as \\n and \\r, as typed in a quoted YAML value), nor pass a terminal sequence, reversed text or an
    unprintable surrogate on (\\uXXXX)."""
    return visible(str(value).replace("\r", "\\r").replace("\n", "\\n"))


def shown(value, limit: int = 40) -> str:
    """A value as a message or a command's error quotes it: written out on one line, and cut, so a 5,000-character
    id does not become a 5,000-character line."""
    text = written_out(value)
    return text if len(text) <= limit else text[:limit] + "…"
