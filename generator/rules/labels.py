"""A project's own templates/labels.yml as `csops validate` reads it: interface words, by language, as text.

A team that customises the templates keeps its own labels.yml, laid over csops' own (ui_labels.load_labels).
An empty file, a list, a language that is not a mapping or a number as a label ended every build in a
Python traceback; each is now a located error, and a key csops does not use is a warning (a typo would
otherwise leave csops' own word in place without a sign).
"""

from __future__ import annotations

import difflib
import re
from pathlib import Path

import yaml

from ..located_yaml import parse_yaml
from ..paths import PACKAGE_TEMPLATES
from ..problems import Problem, shown
from ..yaml_errors import mapping_written_as_text
from .control_chars import text_problems

LABELS_FILE = "templates/labels.yml"
# A label is a word or a sentence of the interface, and some are written once per step (the RACI letters' words, a
# due offset's, a heading's permalink title): labels of 4,000 characters made a 2,000-step playbook a 60 MB page
# built in 635 MB, so a 1 MB playbook under labels of 20,000 a page of gigabytes. With at most 300 steps a page
# (schema.MAX_STEPS), 1,000 characters keep a page to a few MB. csops' longest is 165.
MAX_LABEL_CHARS = 1000


def check_labels(project: Path) -> list[Problem]:
    package_labels = PACKAGE_TEMPLATES / "labels.yml"
    path = Path(project) / LABELS_FILE
    if not path.is_file() or path.resolve() == package_labels.resolve():
        return _misnamed(project)
    from ..loader import outside_project

    outside = outside_project(path, Path(project).resolve(), LABELS_FILE)
    return _misnamed(project) + ([outside] if outside else _check(path, package_labels))


def _misnamed(project: Path) -> list[Problem]:
    """templates/labels.yaml (or Labels.yml) is never read: the team's words were ignored without a sign."""
    folder = Path(project) / "templates"
    if not folder.is_dir():
        return []
    problems = []
    for file in sorted(folder.iterdir()):
        if file.name != "labels.yml" and file.name.lower() in ("labels.yml", "labels.yaml") and file.is_file():
            also = ("merge its words into labels.yml and delete it" if (folder / "labels.yml").is_file()
                    else "rename it to labels.yml: until then csops uses its own words, not these")
            problems.append(Problem(f"templates/{file.name}", 1, 1, "skipped-file",
                                    f"not read: csops reads {LABELS_FILE}", also, "warning"))
    return problems


def _check(path: Path, package_labels: Path) -> list[Problem]:
    from ..loader import read_text

    # as content is read: within the size limit, an encoding named at its first byte, conflict blocks found (Python's
    # "'utf-8' codec can't decode byte 0xff in position 0" was the message, and a 3 MB file was read whole)
    text, problems = read_text(path, LABELS_FILE)
    if text is None:
        return problems
    data, problems = parse_yaml(text, LABELS_FILE)
    if problems or data is None:
        return problems
    if not isinstance(data, dict):
        return [Problem(LABELS_FILE, 1, 1, "labels-shape", "must map each language (en, ja) to its words",
                        "start from templates/labels.yml of csops-portal and change the words you need")]
    with package_labels.open(encoding="utf-8") as handle:
        package = yaml.safe_load(handle)
    known = set(package["en"])
    for language, words in data.items():
        line, col = data.where(language)
        if not isinstance(words, dict):
            slip = mapping_written_as_text(words) if isinstance(words, str) else None
            problems.append(Problem(LABELS_FILE, line, col, "labels-shape", f"'{language}' must map label names to words"
                                    + (f", got text: {slip[0]}" if slip else ""),
                                    slip[1] if slip else f"write `{language}:` then one `name: word` per line, indented"))
            continue
        unknown = _unknown_language(language, set(package))
        if unknown is not None:
            problems.append(Problem(LABELS_FILE, *data.where_key(language), "unknown-language", *unknown, "warning"))
        for name, word in words.items():
            line, col = words.where(name)
            if not isinstance(word, str):
                problems.append(Problem(LABELS_FILE, line, col, "label-not-text", f"label '{name}' must be text, "
                                        f"not {_kind(word)}", _text_hint(name, word)))
                continue
            if len(word) > MAX_LABEL_CHARS:
                problems.append(Problem(LABELS_FILE, line, col, "label-too-long", f"label '{name}' is "
                                        f"{len(word):,} characters; at most {MAX_LABEL_CHARS:,}",
                                        "shorten it: labels are interface words, and some are written once per step "
                                        "of every page"))
                continue
            # an escape written in double quotes ("\\x1b") put the raw character in every page's navigation and title
            problems += text_problems(LABELS_FILE, word, lambda offset, name=name, words=words: words.where_in_text(name, offset),
                                      f"label '{name}'")
            if name not in known:
                meant = difflib.get_close_matches(str(name), known, n=1)
                hint = f"did you mean '{meant[0]}'?" if meant else "delete it, or see csops' labels.yml for the names"
                problems.append(Problem(LABELS_FILE, *words.where_key(name), "unknown-label",
                                        f"'{name}' is not a label csops uses", hint, "warning"))
    return problems


def _unknown_language(language, package_languages: set[str]) -> tuple[str, str] | None:
    """(message, fix) for a language key that is no language code (`english:`): its words were never used. A code
    csops has no words for (fr) is a team's own translation, read when mkdocs.yml's theme.language names it."""
    from .site_theme import LANGUAGE_NAMES

    name = str(language)
    if name in package_languages or re.fullmatch(r"[a-z]{2,3}(-[A-Za-z]{2,4})?", name) and name not in LANGUAGE_NAMES:
        return None
    meant = LANGUAGE_NAMES.get(name.strip().lower()) or next(iter(difflib.get_close_matches(
        name.lower(), sorted(package_languages), n=1)), None)
    return (f"'{shown(name)}' is not a language code, so these words are never used",
            f"write {meant}:" if meant else "write the language's code, such as en or ja, as mkdocs.yml's theme.language does")


def _kind(value) -> str:
    return ("a list" if isinstance(value, list) else "a mapping" if isinstance(value, dict)
            else "empty" if value is None else "true/false" if isinstance(value, bool)
            else "a number" if isinstance(value, (int, float)) else "a date" if hasattr(value, "isoformat")
            else type(value).__name__)


def _text_hint(name, value) -> str:
    """How to write a label that YAML read as something else: quoting a list gave Python's "['Runbooks']"."""
    if isinstance(value, list):
        words = [str(word) for word in value if word is not None]
        return f"write one word, not a list: {name}: {words[0]}" if len(words) == 1 else \
            "write the label as one text: remove the [ ] or the '- ' lines"
    if isinstance(value, dict):
        return "quote the whole word: YAML reads a ': ' or { } in it as a mapping"
    if value is None:
        return "write the word after the colon, or delete the line to keep csops' own"
    return f"quote it: {name}: \"{value}\""
