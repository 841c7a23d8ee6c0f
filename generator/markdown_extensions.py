"""The Markdown extensions every generated page is built with: the build adds them to MkDocs' config, and
validation converts content with the same set when it asks how a page would read a field.
"""

from __future__ import annotations

# Extensions every generated page relies on (explicit anchors, tabs, task lists, admonitions, tooltips).
# Not md_in_html: generated blocks are plain raw HTML (raw_blocks.py), and its HTML pass costs ~20% of
# Markdown time on real pages; list it in mkdocs.yml if content uses `markdown` attributes.
REQUIRED_EXTENSIONS: dict[str, dict] = {
    "abbr": {},
    # Loaded after `abbr` and replacing it: hover definitions that also match inside Japanese text.
    "generator.glossary_abbr": {},
    "admonition": {},
    "attr_list": {},
    "tables": {},
    "toc": {"permalink": True},
    "pymdownx.details": {},
    "pymdownx.superfences": {},
    "pymdownx.tabbed": {"alternate_style": True},
    "pymdownx.tasklist": {"custom_checkbox": True},
}
