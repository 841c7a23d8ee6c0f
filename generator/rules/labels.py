"""A project's own templates/labels.yml as `csops validate` reads it: interface words, by language, as text.

A team that customises the templates keeps its own labels.yml, laid over csops' own (render.load_labels).
An empty file, a list, a language that is not a mapping or a number as a label ended every build in a
Python traceback; each is now a located error, and a key csops does not use is a warning (a typo would
otherwise leave csops' own word in place without a sign).
"""

from __future__ import annotations

import difflib
from pathlib import Path

import yaml

from ..located_yaml import parse_yaml
from ..paths import PACKAGE_TEMPLATES
from ..problems import Problem

LABELS_FILE = "templates/labels.yml"


def check_labels(project: Path) -> list[Problem]:
    package_labels = PACKAGE_TEMPLATES / "labels.yml"
    path = Path(project) / LABELS_FILE
    if not path.is_file() or path.resolve() == package_labels.resolve():
        return []
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        return [Problem(LABELS_FILE, 1, 1, "labels-unreadable", f"cannot read it: {error}",
                        "save it as UTF-8 text")]
    data, problems = parse_yaml(text, LABELS_FILE)
    if problems or data is None:
        return problems
    if not isinstance(data, dict):
        return [Problem(LABELS_FILE, 1, 1, "labels-shape", "must map each language (en, ja) to its words",
                        "start from templates/labels.yml of csops-portal and change the words you need")]
    with package_labels.open(encoding="utf-8") as handle:
        known = set(yaml.safe_load(handle)["en"])
    for language, words in data.items():
        line, col = data.where(language)
        if not isinstance(words, dict):
            problems.append(Problem(LABELS_FILE, line, col, "labels-shape", f"'{language}' must map label names to words",
                                    f"write `{language}:` then one `name: word` per line, indented"))
            continue
        for name, word in words.items():
            line, col = words.where(name)
            if not isinstance(word, str):
                problems.append(Problem(LABELS_FILE, line, col, "label-not-text", f"label '{name}' must be text",
                                        f"quote it: {name}: \"{word}\""))
            elif name not in known:
                meant = difflib.get_close_matches(str(name), known, n=1)
                hint = f"did you mean '{meant[0]}'?" if meant else "delete it, or see csops' labels.yml for the names"
                problems.append(Problem(LABELS_FILE, *words.where_key(name), "unknown-label",
                                        f"'{name}' is not a label csops uses", hint, "warning"))
    return problems
