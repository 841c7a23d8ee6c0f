"""Content that dresses an element as one of the portal's own controls: a `csops-` class in a tag or an attribute list.

The pages' scripts find their hooks by class (`.csops-labels[data-labels]`, `.csops-versions`, `.csops-step-meta`)
and the sanitiser keeps `class` and `data-*`, which content needs for its own markup. A body or summary holding
`<span class="csops-labels" data-labels=…>` came before the theme's hook: it relabelled the page's buttons, set the
`?v=` of copied step links and showed a forged "this step changed" notice. The `csops-` prefix is the portal's, so
content that uses it is refused at its line, whatever the element and wherever the text is shown.
"""

from __future__ import annotations

import html
import re

from ..loader import Document
from ..problems import Problem
from ..urls import without_code
from . import located_strings

CODES = ("portal-class",)
PREFIX = "csops-"
# A class token starting with the prefix: in an HTML tag's class attribute (quoted or not), or in an attribute list,
# block or inline ({: .csops-x }, {.csops-x}, {: class="csops-x" }). A class value is read as the browser reads it, its
# character references decoded (class="&#99;sops-x" is csops-x). Each pattern reads the text once: no two repeats take
# the same characters.
_IN_TAG = re.compile(r"""<[A-Za-z][^<>]*?\sclass\s*=\s*(?:"(?P<dq>[^"]*)"|'(?P<sq>[^']*)'|(?P<bare>[^\s"'=<>`]+))""",
                     re.IGNORECASE)
_CLASS_IN_ATTRIBUTE_LIST = re.compile(
    r"""\{:?[^{}\n]*?(?<![\w-])class\s*=\s*(?:"(?P<dq>[^"\n]*)"|'(?P<sq>[^'\n]*)'|(?P<bare>[^\s"'{}]+))""", re.IGNORECASE)
_IN_ATTRIBUTE_LIST = re.compile(r"\{:?[^{}\n]*?(?<![\w-])\.(?P<name>" + PREFIX + r"[\w-]*)", re.IGNORECASE)


def check_file(doc: Document) -> list[Problem]:
    problems = []
    for text, where, _field in located_strings(doc.data):
        if PREFIX not in text.lower() and "&" not in text:  # nearly every text: nothing to read
            continue
        readable = without_code(text)  # a code span or fence showing the markup is text on the page
        for offset, name in _portal_classes(readable):
            problems.append(Problem(
                doc.path, *where(offset), "portal-class",
                f"class '{name}' is the portal's own: the page's scripts would take this element for one of its "
                "controls (a forged label, version or step link)",
                f"remove the class, or give your element a name without the '{PREFIX}' prefix"))
    return problems


def _portal_classes(text: str):
    """(offset, class) of each class token with the portal's prefix."""
    for pattern in (_IN_TAG, _CLASS_IN_ATTRIBUTE_LIST):
        for match in pattern.finditer(text):
            group = next(g for g in ("dq", "sq", "bare") if match[g] is not None)
            value = html.unescape(match[group])
            for token in re.finditer(r"\S+", value):
                if token.group().lower().startswith(PREFIX):  # encoded, at the value's start: offsets differ
                    yield match.start(group) + (token.start() if value == match[group] else 0), token.group()
    for match in _IN_ATTRIBUTE_LIST.finditer(text):
        yield match.start("name") - 1, match["name"]
