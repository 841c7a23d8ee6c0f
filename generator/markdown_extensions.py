"""The Markdown extensions every generated page is built with: the build adds them to MkDocs' config, and
validation converts content with the same set when it asks how a page would read a field; the loader leaves a
text's fenced code out as they do before estimating what Markdown re-reads.
"""

from __future__ import annotations

import functools
import html
import re

from .mkdocs_entries import extension_entries, extension_settings

_HEADING_ID = re.compile(r'<h[1-6]\b[^>]*?\sid="([^"]*)"')

# Extensions every generated page relies on (explicit anchors, tabs, task lists, admonitions, tooltips).
# Not md_in_html: generated blocks are plain raw HTML (raw_blocks.py), and its HTML pass costs ~20% of
# Markdown time on real pages; list it in mkdocs.yml if content uses `markdown` attributes.
REQUIRED_EXTENSIONS: dict[str, dict] = {
    "abbr": {},
    # Loaded after `abbr` and replacing it: hover definitions that also match inside Japanese text.
    "generator.glossary_abbr": {},
    # Due offsets (T-100d) and Slack channels (#success-share) never broken at their hyphen.
    "generator.whole_words": {},
    # A heading's '#' needs a space after it: a body line opening with a Slack channel (#success-share) is text.
    "generator.heading_marks": {},
    "admonition": {},
    "attr_list": {},
    "tables": {},
    "toc": {"permalink": True},
    "pymdownx.details": {},
    "pymdownx.superfences": {},
    "pymdownx.tabbed": {"alternate_style": True},
    "pymdownx.tasklist": {"custom_checkbox": True},
}


def heading_ids_reader(configured):
    """What the headings of a content text are called on its page (their ids, from the site's toc slugify), for
    validate to check a #link against; None when the site lists a Markdown extension beyond REQUIRED_EXTENSIONS,
    which may change a heading's text (then any #link to a page with headings passes, as MkDocs still checks it).
    `configured`: mkdocs.yml's markdown_extensions as read."""
    if None in extension_entries(configured):
        return None
    options = {name: value if isinstance(value, dict) else {} for name, value in extension_settings(configured).items()}
    if not set(options) <= set(REQUIRED_EXTENSIONS):
        return None
    converters = []  # made when a link first needs it: most validate runs never do

    def heading_ids(text: str) -> set[str]:
        if not converters:
            import markdown
            from pymdownx.slugs import slugify

            extensions = {name: config for name, config in REQUIRED_EXTENSIONS.items() if name != "generator.glossary_abbr"}
            toc = {**extensions["toc"], **options.get("toc", {})}  # the site's separator, slugify, ...
            toc["slugify"] = toc.get("slugify") or slugify(case="lower", normalize="NFKC")  # mkdocs_config.py's default
            extensions["toc"] = toc
            converters.append(markdown.Markdown(extensions=list(extensions), extension_configs=extensions))
        converter = converters[0]
        converter.reset()
        # every heading's id, not toc_tokens: those leave out headings below toc_depth, which have ids all the same
        return {html.unescape(value) for value in _HEADING_ID.findall(converter.convert(text))}

    return heading_ids


@functools.lru_cache(maxsize=32)
def fenced_code_emptied(text: str) -> str:
    """`text` with each fenced code block's lines left out, its two fence lines kept, as superfences (run by every
    build before any block is read) finds them: markdown_cost's estimates of what Markdown re-reads then count what it
    parses, not a script's '# comments' or a log's '[' inside a fence, while each fence still costs what a fence
    does (2,000 tiny ones took 0.4 s a body)."""
    import markdown  # here: most texts never need it, and `csops validate` often not at all

    reader = markdown.Markdown(extensions=["pymdownx.superfences"])  # one per text: a few are ever asked
    # The first line is never taken for a fence: a checklist item's text follows its box on the page's line, where
    # '```' opens nothing and what follows it is read as Markdown; a fence on a later line starts its own line.
    lines = ("." + text).split("\n")
    for name in ("normalize_whitespace", "fenced_code_block"):  # in the order the build runs them, first of all
        lines = reader.preprocessors[name].run(lines)
    return _STASHED.sub("```\n```", "\n".join(lines))[1:]


_STASHED = re.compile("\x02wzxhzdk:[0-9]+\x03")  # markdown.util.HTML_PLACEHOLDER: where a fence was set aside
