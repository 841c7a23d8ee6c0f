"""The interface words (templates/labels.yml) in the portal's language: what the pages, MkDocs' own pages (404,
redirects, the footer) and the preview's error page say around the content.

A project's own labels.yml is laid over csops' own, English filling any word a language lacks
(rules/labels.py checks the file).
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import yaml

from .paths import PACKAGE_TEMPLATES

# libyaml's parser where PyYAML has it: the same mappings of texts, parsed in 2 ms instead of 19 (csops' own
# labels.yml), which every build, validate and preview process paid before its first page
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def load_labels(templates_dir: Path, language: str) -> dict[str, str]:
    """The interface words in `language`, English where it has none; a copy, read once per version of the file
    (the renderer and MkDocs' config both need them: parsing labels.yml took 9 ms each time).

    A project's own labels.yml (a team that customised the templates) is laid over csops' own, so a word a
    newer csops added is there too: a copy made before it raised KeyError in every build after an upgrade."""
    language = language.split("-")[0]
    package = _labels_file(PACKAGE_TEMPLATES / "labels.yml", language)
    path = templates_dir / "labels.yml"
    if not path.is_file() or path.resolve() == (PACKAGE_TEMPLATES / "labels.yml").resolve():
        return {**package["en"], **package[language]}
    own = _labels_file(path, language)
    return {**package["en"], **own["en"], **package[language], **own[language]}


def _labels_file(path: Path, language: str) -> dict[str, dict[str, str]]:
    return _read_labels(path.read_bytes(), language)


@lru_cache(maxsize=8)
def _read_labels(text: bytes, language: str) -> dict[str, dict[str, str]]:
    """{"en": …, language: …} of one labels.yml, parsed once per version of its bytes (callers copy what they
    return). Keyed by size and time before, `csops serve` kept an edit saved within the same second at the
    same size."""
    labels = yaml.load(text, Loader=_LOADER)
    return {"en": dict(labels.get("en") or {}), language: dict(labels.get(language) or {})}  # (checked: rules/labels.py)
