"""`csops diff` for the files every page is made with: mkdocs.yml and the project's templates/ (labels.yml included).

A pull request that changed only them was summarised as 'No content changes … all old URLs still resolve', a
new site_url included, which moves every link already copied into a ticket. Settings and interface words are
compared as values, so a reviewer reads what changed (`en.trigger`: `Trigger` → `When to start`), not only
which file.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import yaml

from .located_yaml import MAX_ALIAS_NODES, MAX_FILE_BYTES  # a file bigger than the loader reads is named, not parsed
from .rules.labels import LABELS_FILE
from .rules.placeholders import is_example_url
from .mkdocs_yaml import CONFIG_FILE, MAX_INHERIT, inherited_file

TEMPLATES_DIR = "templates"
SITE_PATHS = (CONFIG_FILE, TEMPLATES_DIR)  # project-relative, as git ls-tree and ls-files take them
# Values as compared, aliases expanded, as validate bounds them: the two sides' values are compared (and tagged ones
# written out) in full, and a YAML alias repeats what it names without costing its size: 90 aliases, ten to a list
# nine lists deep, took `csops diff` 96 s (a hundred, two to a list, would take years). The bundled mkdocs.yml: 112.
MAX_EXPANDED_VALUES = MAX_ALIAS_NODES
_SHORT = 60  # a setting's value shown before → after up to this length; longer ones are only named


@dataclass(frozen=True)
class SiteChange:
    """One changed setting, interface word or template file; `warning` when published links move with it, or it
    runs code in the build."""

    file: str
    setting: str = ""  # `site_url`, `theme.language`, `en.trigger`; empty for the file as a whole
    before: str | None = None  # the values, when short enough to show
    after: str | None = None
    note: str = ""  # what it means for readers, or why it is not compared
    warning: bool = False


def site_files(root: Path, listed=None) -> dict[str, bytes]:
    """mkdocs.yml, templates/** and the files mkdocs.yml makes a build read (its INHERIT chain, its hooks and theme
    custom_dir) under `root`, by project-relative path. `listed(paths)` gives the files a side holds under those
    project-relative paths (default: those on disk; the working tree's: those git does not ignore)."""
    listed = listed or (lambda paths: files_under(root, paths))
    found: dict[str, bytes] = {}
    asked = list(SITE_PATHS)
    asked_before = set(asked)
    for _ in range(MAX_INHERIT + 2):  # each round can only add the next file of an INHERIT chain, and what it names
        for relative in listed(asked):
            if any(part.startswith((".", "#")) or part.endswith("~") for part in relative.split("/")):
                continue  # an editor's swap, lock or backup file (as `csops serve` ignores them)
            path = root / relative
            if path.is_symlink() or not path.is_file():
                continue  # as git gives the other side: its links are not written (git_revisions.FILE_MODES)
            size = path.stat().st_size
            data = path.read_bytes() if size <= MAX_FILE_BYTES else b"\0too large to compare: %d bytes" % size
            # a text file's line ends as git stores them: a checkout with core.autocrlf (or eol=crlf) writes CRLF, and
            # the side read from git (git_revisions.write_blobs, as committed) has LF, which is no change to MkDocs,
            # YAML or Jinja ('mkdocs.yml: changed in layout or comments only' for every untouched file)
            found[relative] = data if b"\0" in data else data.replace(b"\r\n", b"\n")
        asked = [name for name in _named_paths(found) if not _under(name, SITE_PATHS) and name not in asked_before]
        asked_before.update(asked)
        if not asked:
            break
    return found


def files_under(root: Path, paths) -> list[str]:
    """The files on disk at or under project-relative `paths`, project-relative."""
    return list(_files_under(root, paths))


def _files_under(root: Path, paths):
    for relative in paths:
        if (root / relative).is_file():
            yield relative
        for folder, _, files in os.walk(root / relative):
            for name in files:
                yield (Path(folder) / name).relative_to(root).as_posix()


def _under(path: str, folders) -> bool:
    return any(path == folder or path.startswith(folder + "/") for folder in folders)


def _config_chain(found: dict[str, bytes]) -> list[tuple[str, dict]]:
    """mkdocs.yml and each file its INHERIT chain leads to, with their settings ({} for one that does not read as a
    mapping: the chain ends there), as far as `found` holds them (MkDocs finds a parent from the folder of the file
    naming it)."""
    chain, path = [], CONFIG_FILE
    while path in found and len(chain) <= MAX_INHERIT and path not in dict(chain):
        settings = _settings(found[path])
        chain.append((path, settings or {}))
        if settings is None:
            break
        parent = settings.get("INHERIT")
        if not isinstance(parent, str):
            break
        path = inherited_file(path, parent).as_posix()
    return chain


def _named_paths(found: dict[str, bytes]) -> list[str]:
    """The project-relative paths the site's settings in `found` make a build read: the next file of the INHERIT
    chain, custom_dir and hooks (outside the project, or the project itself, they cannot be compared)."""
    chain = _config_chain(found)
    named = []
    if chain:
        parent = chain[-1][1].get("INHERIT")
        if isinstance(parent, str):
            named.append(inherited_file(chain[-1][0], parent).as_posix())
    named += _code_paths(chain)
    return [path for path in dict.fromkeys(named) if path not in (".", "..") and not path.startswith(("../", "/"))]


def _code_paths(chain: list[tuple[str, dict]]) -> list[str]:
    """The theme's custom_dir and the hooks the settings name, from mkdocs.yml's folder (as MkDocs finds them)."""
    named = []
    for _, settings in chain:
        theme = settings.get("theme")
        if isinstance(theme, dict) and isinstance(theme.get("custom_dir"), str):
            named.append(theme["custom_dir"])
        if isinstance(settings.get("hooks"), list):
            named += [hook for hook in settings["hooks"] if isinstance(hook, str)]
    return [os.path.normpath(name).replace(os.sep, "/") for name in named if name.strip()]


def _settings(text: bytes) -> dict | None:
    """A config file's settings as _value_changes reads them, or None where it cannot."""
    try:
        if _expanded_values(yaml.compose(text, Loader=yaml.SafeLoader)) > MAX_EXPANDED_VALUES:
            return None
        settings = yaml.load(text, Loader=_TagKeepingLoader)
    except (yaml.YAMLError, UnicodeDecodeError, RecursionError):
        return None
    return settings if isinstance(settings, dict) else None


def site_changes(old: dict[str, bytes], new: dict[str, bytes]) -> list[SiteChange]:
    """What changed between two sides' site files: settings (mkdocs.yml's and its INHERIT chain's) and words by
    name; other files by path, flagged where a build runs them (hooks, a custom_dir's templates)."""
    configs = {path for side in (old, new) for path, _ in _config_chain(side)}
    code = {path for side in (old, new) for path in _code_paths(_config_chain(side))}
    changes = []
    for path in sorted(old.keys() | new.keys(), key=lambda p: (p != CONFIG_FILE, p not in configs, p != LABELS_FILE, p)):
        before, after = old.get(path), new.get(path)
        if before == after:
            continue
        runs = _under(path, code)
        if path in configs and before is None and after is not None:  # its settings, hooks and custom_dir flagged
            changes += _value_changes(path, b"{}", after, _config_change)
        elif before is None or after is None:
            said = "added" if before is None else "removed"
            changes.append(SiteChange(path, note="; ".join((said, _RUNS_IN_BUILD)) if runs else said, warning=runs))
        elif path in configs:
            changes += _value_changes(path, before, after, _config_change)
        elif path == LABELS_FILE and not runs:
            changes += _value_changes(path, before, after, _labels_change)
        elif runs:
            changes.append(SiteChange(path, note=f"changed; {_RUNS_IN_BUILD}", warning=True))
        else:
            changes.append(SiteChange(path, note="changed: the pages made with it change"))
    return changes


# A file mkdocs.yml names as hooks or under its theme's custom_dir: once named, every later edit of it runs in the
# build (CI's included) as the setting's first review did
_RUNS_IN_BUILD = "a build runs it (mkdocs.yml names it as hooks or in the theme's custom_dir): review it as code"


def _value_changes(path: str, before: bytes, after: bytes, compare) -> list[SiteChange]:
    values = []
    for text in (before, after):
        try:
            if _expanded_values(yaml.compose(text, Loader=yaml.SafeLoader)) > MAX_EXPANDED_VALUES:
                return [SiteChange(path, note="changed; it repeats values through YAML aliases too often to compare")]
            values.append(yaml.load(text, Loader=_TagKeepingLoader))
        except (yaml.YAMLError, UnicodeDecodeError, RecursionError):
            return [SiteChange(path, note="changed; one side cannot be read (run `csops validate`)")]
    if not all(isinstance(value, dict) for value in values):
        return [SiteChange(path, note="changed; one side is not a mapping (run `csops validate`)")]
    found = compare(path, *values)
    return found or [SiteChange(path, note="changed in layout or comments only")]


def _expanded_values(root) -> int:
    """How many values a composed YAML document holds once its aliases are expanded, counted without expanding
    them: a node an alias repeats is counted once, and then its total added at every place it is used (one that
    holds itself counts as too many)."""
    totals: dict[int, int] = {}
    entered: set[int] = set()
    pending = [(root, False)] if root is not None else []
    while pending:  # depth-first, without recursion: a node's total once its children's are known
        node, children_known = pending.pop()
        if id(node) in totals:
            continue
        if not children_known and id(node) in entered:
            return MAX_EXPANDED_VALUES + 1  # `&a [*a]`: a value inside itself, endless once expanded
        entered.add(id(node))
        children = ([child for pair in node.value for child in pair] if isinstance(node, yaml.MappingNode)
                    else node.value if isinstance(node, yaml.SequenceNode) else [])
        if children_known or not children:
            totals[id(node)] = 1 + sum(totals.get(id(child), 0) for child in children)
            if totals[id(node)] > MAX_EXPANDED_VALUES:
                return totals[id(node)]
        else:
            pending.append((node, True))
            pending += [(child, False) for child in children if id(child) not in totals]
    return totals.get(id(root), 0)


# Settings whose change runs other code in every build, CI's included: a pull request's reviewer reads them as code
_RUNS_CODE = {"hooks": "runs these Python files in every build: review them as code",
              "plugins": "MkDocs plugins run Python in every build",
              "INHERIT": "takes settings from another file (its changes are listed by its name)"}
# Theme settings that do the same through the theme: a custom_dir's templates can replace any part of every page,
# a script included, and this summary compares only the project's templates/ folder
_THEME_RUNS_CODE = {"custom_dir": "its templates can replace any part of every page, scripts included: review the "
                                  "folder's files as code"}


# A setting's value read from the building machine's environment: in CI that holds its secrets, and a setting is
# published ('site_description: !ENV AWS_SECRET_ACCESS_KEY' is in every page's <meta>)
_READS_ENVIRONMENT = ("reads an environment variable of the machine that builds it (!ENV), CI's secrets included, "
                      "and the value may be published: check which variable")


def _reads_environment(value) -> bool:
    """Does a value as _TagKeepingLoader reads it hold an !ENV tag, however deep?"""
    if isinstance(value, tuple) and len(value) == 2 and value[0] == "!ENV":
        return True
    if isinstance(value, dict):
        return any(_reads_environment(item) for item in value.values())
    if isinstance(value, (list, tuple)):
        return any(_reads_environment(item) for item in value) or "'!ENV'" in repr(value)
    return False


def _config_change(path: str, old: dict, new: dict) -> list[SiteChange]:
    changes = []
    for key in _keys(old, new):
        before, after = old.get(key), new.get(key)
        if before == after:
            continue
        if key == "site_url" and is_example_url(before):  # the portal's first real address: no ticket has a link yet
            changes.append(_setting(path, key, before, after, "the portal's own address replaces the example one"))
        elif key == "site_url":
            changes.append(_setting(path, key, before, after, "links already copied into tickets keep the old address "
                                                              "(keep it redirecting to the new one)", warning=True))
        elif key in _RUNS_CODE:
            changes.append(_setting(path, str(key), before, after, _RUNS_CODE[key], warning=True))
        elif _reads_environment(after):
            changes.append(_setting(path, str(key), before, after, _READS_ENVIRONMENT, warning=True))
        elif key == "theme" and isinstance(before or {}, (dict, str)) and isinstance(after or {}, (dict, str)):
            before, after = _theme_settings(before), _theme_settings(after)  # `theme: material` is its name alone
            changes += [_setting(path, f"theme.{sub}", before.get(sub), after.get(sub),
                                 "the interface words of every page" if sub == "language" else _THEME_RUNS_CODE.get(sub, ""),
                                 warning=sub in _THEME_RUNS_CODE)
                        for sub in _keys(before, after) if before.get(sub) != after.get(sub)]
        else:
            changes.append(_setting(path, str(key), before, after))
    return changes


def _theme_settings(value) -> dict:
    """`theme:` as a mapping of its settings: MkDocs reads `theme: material` as `theme: {name: material}`."""
    return {"name": value} if isinstance(value, str) else value or {}


def _labels_change(path: str, old: dict, new: dict) -> list[SiteChange]:
    changes = []
    for language in _keys(old, new):
        before, after = old.get(language), new.get(language)
        if not (isinstance(before, dict) and isinstance(after, dict)):
            if before != after:
                changes.append(_setting(path, str(language), before, after))
            continue
        changes += [_setting(path, f"{language}.{key}", before.get(key), after.get(key))
                    for key in _keys(before, after) if before.get(key) != after.get(key)]
    return changes


def _keys(old: dict, new: dict) -> list:
    return list(dict.fromkeys([*old, *new]))


def _setting(path: str, name: str, before, after, note: str = "", warning: bool = False) -> SiteChange:
    said = "added" if before is None else "removed" if after is None else ""
    if not (_is_short(before) or before is None) or not (_is_short(after) or after is None):
        before = after = None
        said = said or "changed"
    return SiteChange(path, name, _shown(before), _shown(after), "; ".join(filter(None, (said, note))), warning)


def _is_short(value) -> bool:
    return isinstance(value, (str, int, float, bool)) and len(str(value)) <= _SHORT


def _shown(value) -> str | None:
    return None if value is None else " ".join(str(value).split())


class _TagKeepingLoader(yaml.SafeLoader):
    """Reads mkdocs.yml without running it: a `!!python/…` or `!ENV` value is kept as (tag, value), so two sides
    compare equal when their text does, and nothing from a pull request is imported to summarise it."""


def _tagged(loader: yaml.SafeLoader, suffix: str, node: yaml.Node):
    if isinstance(node, yaml.MappingNode):
        value = tuple(sorted((repr(k), repr(v)) for k, v in loader.construct_mapping(node, deep=True).items()))
    elif isinstance(node, yaml.SequenceNode):
        value = tuple(repr(v) for v in loader.construct_sequence(node, deep=True))
    else:
        value = loader.construct_scalar(node)
    return (node.tag, value)


_TagKeepingLoader.add_multi_constructor("tag:yaml.org,2002:python/", _tagged)
_TagKeepingLoader.add_multi_constructor("!", _tagged)
