"""Problems found in content, and the exception that ends a run because of them.

Every stage reports Problems and keeps going, so an Ops editor sees every
mistake of a pull request in one run instead of fixing them one at a time.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import click


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with the content, at a precise place in a file."""

    path: str
    line: int
    col: int
    code: str = field(compare=True)
    message: str = field(compare=True)
    hint: str = field(default="", compare=False)
    severity: str = field(default="error", compare=False)

    def text(self) -> str:
        hint = f" ({self.hint})" if self.hint else ""
        return f"{self.path}:{self.line}:{self.col}: {self.severity}: {self.message}{hint} [{self.code}]"


class ContentError(click.ClickException):
    """Raised when a run cannot go on because the content has errors."""

    exit_code = 1

    def __init__(self, problems: list[Problem]):
        self.problems = sorted(problems)
        super().__init__(summarize(self.problems))

    def format_message(self) -> str:
        return "\n".join(p.text() for p in self.problems) + "\n" + summarize(self.problems)


def summarize(problems: list[Problem]) -> str:
    errors = [p for p in problems if p.severity == "error"]
    warnings = sum(1 for p in problems if p.severity == "warning")
    # Warnings do not fail a run, but the summary counts them so a reader knows to scroll up.
    also = f", {warnings} warning{'' if warnings == 1 else 's'}" if warnings else ""
    files = {p.path for p in errors}
    if not errors:
        return "no errors" + also
    noun = "error" if len(errors) == 1 else "errors"
    fnoun = "file" if len(files) == 1 else "files"
    return f"{len(errors)} {noun} in {len(files)} {fnoun}{also}"
