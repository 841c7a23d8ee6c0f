"""mkdocs.yml as `csops validate` reads it: YAML that MkDocs can load, each top-level setting once.

`csops build` used to be the first to find a broken mkdocs.yml, and reported it in MkDocs' words
(`in "mkdocs.yml", line 76, column 1`); a setting written twice silently took the last value while
the site_url check read the first.
"""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from ..problems import Problem
from ..yaml_errors import syntax_problem

CONFIG_FILE = "mkdocs.yml"
_TOP_LEVEL_KEY = re.compile(r"^(?P<key>[A-Za-z_][\w-]*)\s*:(?=\s|$)", re.MULTILINE)


def yaml_problem(error: yaml.YAMLError, text: str) -> Problem:
    """A YAML error of mkdocs.yml where the editor made it, with the fix: explained as a content file's is
    (yaml_errors.py: a missing colon, a quote or bracket left open), said to be mkdocs.yml's."""
    if isinstance(error, yaml.MarkedYAMLError):
        found = syntax_problem(CONFIG_FILE, text, error)
        what = found.message.removeprefix("YAML syntax error: ")
        return Problem(CONFIG_FILE, found.line, found.col, "config-yaml", f"mkdocs.yml is not valid YAML: {what}", found.hint)
    return Problem(CONFIG_FILE, 1, 1, "config-yaml", f"mkdocs.yml is not valid YAML: {str(error).splitlines()[0]}",
                   "fix the YAML there (indent with spaces, close every quote and bracket), then validate again")


def not_a_mapping() -> Problem:
    return Problem(CONFIG_FILE, 1, 1, "config-yaml", "mkdocs.yml must be a mapping of settings",
                   "start from the mkdocs.yml of csops-portal's repository")


def yaml_error_in(error: BaseException) -> yaml.YAMLError | None:
    """The YAML error behind `error` (MkDocs' loader re-raises it as a ConfigurationError), or None."""
    while error is not None and not isinstance(error, yaml.YAMLError):
        error = error.__cause__ or error.__context__
    return error


def load_config_text(text: str):
    """mkdocs.yml's settings as MkDocs reads them (its !ENV and !!python tags included)."""
    from mkdocs.utils import yaml_load

    return yaml_load(text)


def check_config(project: Path) -> list[Problem]:
    """mkdocs.yml's syntax, and top-level settings written twice (MkDocs takes the last one silently)."""
    try:
        text = (project / CONFIG_FILE).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return []  # the build reports a missing or unreadable config with its fix
    try:
        raw = load_config_text(text)
    except Exception as error:
        syntax = yaml_error_in(error)
        # anything else is a tag MkDocs cannot construct (a missing module): the build says which
        return [yaml_problem(syntax, text)] if syntax is not None else []
    problems = []
    if raw is not None and not isinstance(raw, dict):
        problems.append(not_a_mapping())
    first: dict[str, int] = {}
    for match in _TOP_LEVEL_KEY.finditer(text):
        line = text.count("\n", 0, match.start()) + 1
        key = match["key"]
        if key in first:
            # worded as content files' duplicate keys are (located_yaml.parse_yaml)
            problems.append(Problem(CONFIG_FILE, line, 1, "duplicate-key",
                                    f"duplicate key '{key}', first defined at line {first[key]}",
                                    "YAML keeps only the last one, and MkDocs uses it; delete the line you did not mean"))
        else:
            first[key] = line
    return problems
