"""The CLI reference in README.md, generated from the commands' own --help so the two never drift.

    python -m generator.clidoc          # rewrite the section in README.md
    python -m generator.clidoc --check  # exit 1 if README.md is out of date
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from .cli import main

START = "<!-- cli-reference:start -->"
END = "<!-- cli-reference:end -->"
README = Path(__file__).resolve().parent.parent / "README.md"


def iter_commands(group: click.Group = main, parent: click.Context | None = None):
    """(full name, command, context) for every command, depth first, in name order.

    Contexts are chained to their parent so settings such as `-h` for help are inherited
    exactly as when a user runs the command (and as Click caches it).
    """
    parent = parent or click.Context(group, info_name="csops", terminal_width=100, max_content_width=100,
                                     **main.context_settings)
    for name in sorted(group.list_commands(parent)):
        command = group.get_command(parent, name)
        context = click.Context(command, info_name=name, parent=parent, **command.context_settings)
        yield context.command_path, command, context
        if isinstance(command, click.Group):
            yield from iter_commands(command, context)


def reference() -> str:
    sections = [START, ""]
    for full, command, context in iter_commands():
        sections += [f"### `{full}`", "", "```text", command.get_help(context), "```", ""]
    sections.append(END)
    return "\n".join(sections)


def updated_readme(text: str) -> str:
    before, rest = text.split(START, 1)
    _, after = rest.split(END, 1)
    return before + reference() + after


def run(argv: list[str]) -> int:
    current = README.read_text(encoding="utf-8")
    fresh = updated_readme(current)
    if "--check" in argv:
        if fresh != current:
            print("README.md CLI reference is out of date: run python -m generator.clidoc", file=sys.stderr)
            return 1
        return 0
    README.write_text(fresh, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(run(sys.argv[1:]))
