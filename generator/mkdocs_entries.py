"""A `plugins:` or `markdown_extensions:` entry of mkdocs.yml as MkDocs and csops' build read it: its name and
settings. One reading for validate (rules/mkdocs_refusals), the build (mkdocs_config, incremental) and the #link
check (markdown_extensions.heading_ids_reader): each parsed the entries its own way, and a name one of them found
another missed."""

from __future__ import annotations


def plugin_entries(configured) -> list[tuple[str, object] | None]:
    """Each entry of `plugins:` as MkDocs reads it: (name, its settings or None), or None for an entry that names no
    plugin (an empty '-', a number, two names on one entry, a name that is no text), which MkDocs refuses."""
    found = []
    for entry in _written_entries(configured):
        pairs = [(entry, None)] if isinstance(entry, str) else list(entry.items()) if isinstance(entry, dict) else []
        found.append(pairs[0] if len(pairs) == 1 and isinstance(pairs[0][0], str) else None)
    return found


def extension_entries(configured) -> list[tuple[object, object] | None]:
    """Each (name, its settings or None) of `markdown_extensions:` as the build loads them: every name of a mapping
    entry (two names written under one '-' are both loaded), None for an entry that is neither a name nor a mapping
    (the build leaves it out). A name that is no text is MkDocs' to refuse."""
    found: list[tuple[object, object] | None] = []
    for entry in _written_entries(configured):
        if isinstance(entry, str):
            found.append((entry, None))
        elif isinstance(entry, dict):
            found.extend(entry.items())
        else:
            found.append(None)
    return found


def extension_settings(configured) -> dict[object, object]:
    """Each Markdown extension as MkDocs hands it to Python-Markdown (MarkdownExtensions.run_validation): a name
    written twice is loaded once, at its first place, with the settings of its last entry that has any; a later bare
    '- toc' keeps the settings written before it. csops took the last entry's settings even when it had none, so the
    site's toc settings vanished from the build and validate's #link check, while `mkdocs build` kept them."""
    found: dict[object, object] = {}
    for name, options in filter(None, extension_entries(configured)):
        if options or name not in found:
            found[name] = options
    return found


def _written_entries(configured) -> list:
    """A list setting's entries: MkDocs takes a list of names and one-entry mappings, or one mapping of name ->
    settings (iterated as a list, a mapping gave its names alone and every entry lost its settings)."""
    if isinstance(configured, dict):
        return [{name: settings} for name, settings in configured.items()]
    return list(configured) if isinstance(configured, list) else []
