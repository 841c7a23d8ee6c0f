"""Presenting Problems: plain text, GitHub Actions annotations or JSON. Separate from finding them."""

from __future__ import annotations

import os

from .escaping import printable_json, visible
from .problems import Problem, problem_lines, summarize
from .suggested_commands import as_typed_here

FORMATS = ("auto", "text", "github", "json")


def resolve_format(name: str) -> str:
    """'auto' means GitHub annotations inside GitHub Actions, plain text elsewhere."""
    if name == "auto":
        return "github" if os.environ.get("GITHUB_ACTIONS") == "true" else "text"
    return name


def github_escape(value: str, is_property: bool = False) -> str:
    value = value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    if is_property:
        value = value.replace(":", "%3A").replace(",", "%2C")
    return value


def format_problems(problems: list[Problem], fmt: str, summary: str | None = None, keep_order: bool = False,
                    repo_prefix=lambda: "") -> str:
    """Problems as text, GitHub annotations or JSON, then a summary line (by default: errors in files).

    Problems come sorted by path, line and column unless `keep_order` (stale lists most overdue first).
    `repo_prefix()` gives the project's folder in its repository (codeowners.repo_prefix): GitHub places an
    annotation by its path from the repository's root, so one for examples/ja/content/x.yml landed on content/x.yml.
    """
    problems = list(problems) if keep_order else sorted(problems)
    summary = summarize(problems) if summary is None else summary
    fmt = resolve_format(fmt)
    if fmt == "json":
        payload = {"problems": [{"path": p.path, "line": p.line, "col": p.col, "severity": p.severity, "code": p.code,
                                 "message": p.message, "hint": p.hint} for p in problems],
                   "summary": summary}
        return printable_json(payload)
    if fmt == "github":
        lines, prefix = [], repo_prefix() if problems else ""
        for p in problems:
            # written out as the text line is: a page id's OSC sequence set the CI log's title, U+202E reversed a
            # hint's link. The file stays exact, or GitHub could not place the annotation
            message = as_typed_here(visible(p.message + (f" ({p.hint})" if p.hint else "") + f" [{p.code}]"))
            lines.append(f"::{p.severity} file={github_escape(prefix + p.path, True)},line={p.line},col={p.col},"
                         f"title={github_escape(p.code, True)}::{github_escape(message)}")
        lines.append(summary)
        return "\n".join(lines)
    return as_typed_here("\n".join(problem_lines(problems) + [summary]))
