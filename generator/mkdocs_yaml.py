"""mkdocs.yml read as MkDocs reads it (INHERIT merged, its !ENV and allowed !!python tags built), within the limits a
content file gets, and where each setting is written in it.

Both `csops validate` and `csops build` read it here, before anything checks or builds from it: the build used to
be the first to find a broken mkdocs.yml, and reported it in MkDocs' words (`in "mkdocs.yml", line 76, column 1`).
What the settings must be is the rules' (rules/site_config.py and the families it runs).
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, replace
from pathlib import Path

import yaml

from .located_yaml import MAX_ALIAS_NODES, MAX_DEPTH
from .problems import Problem, shown
from .yaml_errors import syntax_problem

CONFIG_FILE = "mkdocs.yml"


def yaml_problem(error: yaml.YAMLError, text: str, shown_as: str = CONFIG_FILE) -> Problem:
    """A YAML error of mkdocs.yml (or a file it INHERITs) where the editor made it, with the fix: explained as a
    content file's is (yaml_errors.py: a missing colon, a quote or bracket left open), said to be the config's."""
    if isinstance(error, yaml.MarkedYAMLError):
        found = syntax_problem(shown_as, text, error)
        what = found.message.removeprefix("YAML syntax error: ")
        return Problem(shown_as, found.line, found.col, "config-yaml", f"{shown_as} is not valid YAML: {what}", found.hint)
    return Problem(shown_as, 1, 1, "config-yaml", f"{shown_as} is not valid YAML: {str(error).splitlines()[0]}",
                   "fix the YAML there (indent with spaces, close every quote and bracket), then validate again")


def not_a_mapping(shown_as: str = CONFIG_FILE) -> Problem:
    return Problem(shown_as, 1, 1, "config-yaml", f"{shown_as} must be a mapping of settings",
                   "start from the mkdocs.yml of csops-portal's repository")


def yaml_error_in(error: BaseException) -> yaml.YAMLError | None:
    """The YAML error behind `error` (MkDocs' loader re-raises it as a ConfigurationError), or None."""
    while error is not None and not isinstance(error, yaml.YAMLError):
        error = error.__cause__ or error.__context__
    return error


@dataclass(frozen=True)
class ConfigRead:
    """mkdocs.yml as read: its text (None when unreadable), its settings (None when they could not be built), the
    problems that stopped the reading, and each file its INHERIT chain led to, in order: what the preview watches
    besides mkdocs.yml, found by this one reading rather than by following INHERIT a second way."""

    text: str | None
    raw: object
    problems: list[Problem]
    inherited: tuple[Path, ...] = ()
    written: tuple[tuple[str, str], ...] = ()  # (shown as, text) of each file whose settings were merged, mkdocs.yml first

    @property
    def settings_text(self) -> "ChainText":
        """Every file of the chain as one text, where the checks find the place a setting is written."""
        return ChainText.of(self.written or ((CONFIG_FILE, self.text or ""),))


class ChainText(str):
    """The texts of the files mkdocs.yml's INHERIT chain merged, mkdocs.yml's first, one after the other: the checks
    read a setting's place from it, and `locate` turns that place into the file and line where the setting is
    written. A site_url or theme.language set in an inherited base.yml was reported at mkdocs.yml:1:1."""

    files: tuple[tuple[str, int, int], ...]  # (shown as, first row, rows), in the order MkDocs lets them win

    @classmethod
    def of(cls, written) -> "ChainText":
        texts = [text if text.endswith("\n") or not text else text + "\n" for _, text in written]
        chain = cls("".join(texts))
        rows, files = 0, []
        for (shown_as, _), text in zip(written, texts):
            count = len(text.splitlines())
            files.append((shown_as, rows, count))
            rows += count
        chain.files = tuple(files)
        return chain

    def locate(self, problem: Problem) -> Problem:
        """`problem`, found at a row of this text, at that row of the file it belongs to."""
        if problem.path != CONFIG_FILE:
            return problem
        for shown_as, first, count in self.files:
            if first < problem.line <= first + count:
                return replace(problem, path=shown_as, line=problem.line - first)
        return problem


def _files_of(text: str, lines: list[str]) -> list[tuple[int, int]]:
    """(first row, end row) of each file of a ChainText, in the order MkDocs lets them win; a text is one file."""
    files = getattr(text, "files", None)
    return [(first, first + count) for _, first, count in files] if files else [(0, len(lines))]


def _tops(lines: list[str], setting: str, rows: tuple[int, int]) -> list[int]:
    return [n for n in range(*rows) if re.match(rf"{_key(setting)}\s*:", lines[n])]


def _key(name: str) -> str:
    """A pattern for a mapping key as YAML may write it: bare or quoted ('"language": xx' is the key language). A
    quoted one went unseen, and a file of the INHERIT chain that wrote the setting bare was blamed for its value."""
    return rf"""(['"]?){re.escape(name)}\1"""


def read_config(project: Path) -> ConfigRead:
    """mkdocs.yml's text and settings as MkDocs reads them (INHERIT merged as MkDocs merges it), within the limits
    a content file gets (UTF-8, at most 1 MB, aliases expanding to at most 10,000 values, 64 levels deep); else
    the problems, located.

    Both `csops validate` and `csops build` read it here: the build crashed or ran for minutes on files validate
    passed (an alias bomb under `extra:`, a non-UTF-8 byte)."""
    if not (project / CONFIG_FILE).is_file():
        return ConfigRead(None, None, [])  # the build says a portal needs one, with the fix
    return _read(config_file(project), CONFIG_FILE, project.resolve())


def config_file(project: Path) -> Path:
    """mkdocs.yml as the build hands it to MkDocs, and as `mkdocs build` run in the project opens it: in the project
    folder, a link not followed, so that the files it names (INHERIT, hooks, custom_dir, watch) are found from the
    project, as MkDocs finds them from the path it opened, and csops checks those same files. Followed, a linked
    mkdocs.yml (-> conf/mkdocs.yml) had csops build conf/base.yml and conf/hooks/ where `mkdocs build` read
    base.yml and hooks/."""
    return project.resolve() / CONFIG_FILE


MAX_INHERIT = 5  # parents of parents: a loop of INHERITs ends here


def inherited_file(path: Path, parent: str) -> Path:
    """The file an INHERIT names, found as MkDocs' yaml_load finds it: from the folder of the file naming it, '..'
    taken off the name's text (a link's '..' leads elsewhere in pathlib, so csops checked one file and MkDocs
    built another)."""
    return Path(os.path.normpath(os.path.join(os.path.dirname(path), parent)))


def files_it_names(project: Path, raw: dict, inherited: tuple[Path, ...]) -> list[Path]:
    """The files and folders mkdocs.yml makes a build read besides itself, as MkDocs finds them (from the folder of
    the file naming them): each file its INHERIT chain led to (`inherited`, as read_config read them), the theme's
    custom_dir, its hooks and what its `watch:` lists (which `mkdocs serve` watches)."""
    theme = raw.get("theme") if isinstance(raw.get("theme"), dict) else {}
    named = [theme.get("custom_dir")] + [entry for setting in ("hooks", "watch") if isinstance(raw.get(setting), list)
                                         for entry in raw[setting]]
    return [*inherited] + [named_path(project, entry) for entry in named if isinstance(entry, str) and entry.strip()]


def named_path(project: Path, entry: str) -> Path:
    """A path mkdocs.yml names (custom_dir, hooks, watch), as MkDocs finds it: from mkdocs.yml's folder."""
    return Path(os.path.normpath(config_file(project).parent / entry))


def is_there(path: Path, kind=Path.exists) -> bool:
    """kind(path) (Path.exists, is_file or is_dir), False for a name the file system refuses to look up: a part of a
    path mkdocs.yml names longer than it takes ('custom_dir: xxx…', 300 characters) ended validate in a traceback
    (OSError: File name too long) where a check looked for it."""
    try:
        return kind(path)
    except (OSError, ValueError):
        return False


def _read(path: Path, shown_as: str, root: Path, inherited: int = 0) -> ConfigRead:
    from .loader import read_text

    text, problems = read_text(path, shown_as)
    if text is None:
        return ConfigRead(None, None, problems)
    try:
        raw, problem = _parse(text, shown_as)
    except Exception as error:
        syntax = yaml_error_in(error)
        if syntax is None:
            raise  # a tag MkDocs cannot construct (a missing module): MkDocs' own words say which
        return ConfigRead(text, None, [yaml_problem(syntax, text, shown_as)])
    if problem is not None:
        return ConfigRead(text, None, [problem])
    if not isinstance(raw, dict):
        return ConfigRead(text, raw, [not_a_mapping(shown_as)])
    parent = raw.get("INHERIT")
    if "INHERIT" in raw and parent is None:  # MkDocs joins it to a folder: a TypeError from the build validate passed
        return ConfigRead(text, None, [empty_problem(text, ("INHERIT",), "INHERIT", shown_as)])
    if isinstance(parent, str) and inherited == MAX_INHERIT:
        # MkDocs reads on however deep it goes: a file csops left unread was built unchecked (its !!python tags ran)
        return ConfigRead(text, None, [Problem(shown_as, *setting_position(text, ("INHERIT",)), "config-limit",
                                               f"INHERIT goes more than {MAX_INHERIT} files deep, and csops checks no "
                                               "further", "merge the settings of the files it names into fewer files")])
    if "INHERIT" in raw and not (isinstance(parent, str) and is_a_file(inherited_file(path, parent))):
        # MkDocs stops here ("Inherited config file ... does not exist"), and so does the reading: the settings
        # checked without the parent's were not MkDocs' (a missing site_name), and an INHERIT in a parent was looked
        # for from mkdocs.yml's folder and reported at mkdocs.yml's own INHERIT line
        return ConfigRead(text, None, [Problem(shown_as, *setting_position(text, ("INHERIT",)), "config-setting",
                                               f"INHERIT names no file: '{shown(str(parent), 80)}'",
                                               "give the path of the parent mkdocs.yml, relative to this one")])
    if isinstance(parent, str):
        # as MkDocs' yaml_load: the parent's settings, this file's over them (csops read only this file's, so
        # a site_url set in the parent was missing from every link)
        import mergedeep

        found = inherited_file(path, parent)
        inside = os.path.commonpath([root, found]) == str(root)
        base = _read(found, os.path.relpath(found, root) if inside else str(found), root, inherited + 1)
        if base.problems:  # the files read so far still count: the fix will be saved in one of them
            return ConfigRead(text, None, base.problems, (found, *base.inherited))
        merged = mergedeep.merge(base.raw, {key: value for key, value in raw.items() if key != "INHERIT"})
        return ConfigRead(text, merged, [], (found, *base.inherited), ((shown_as, text), *base.written))
    return ConfigRead(text, raw, [], (), ((shown_as, text),))


def _parse(text: str, shown_as: str) -> tuple[object, Problem | None]:
    """The settings as MkDocs' loader builds them (its !ENV and !!python tags included), parsed once: the node
    graph is held to the limits before anything is built from it. An empty file is no settings ({})."""
    from mkdocs.utils.yaml import get_yaml_loader

    loader = get_yaml_loader()(text)
    try:
        try:
            root = loader.get_single_node()
        except RecursionError:
            return None, _limit_problem(f"lists and mappings are nested more than {MAX_DEPTH} levels deep", shown_as)
        problem = _expansion_problem(root, shown_as) or (_python_tag_problem(root, shown_as) if root else None)
        if problem is not None or root is None:
            return {}, problem
        try:
            return loader.construct_document(root), None
        except Exception as error:
            if isinstance(error, yaml.YAMLError):
                raise
            # a helper given arguments it does not take: a Python traceback from csops validate
            failed = _failing_call(root)
            where = (failed.start_mark.line + 1, failed.start_mark.column + 1) if failed else (1, 1)
            return None, Problem(shown_as, *where, "config-python",
                                 f"this !!python value could not be built: {shown(f'{type(error).__name__}: {error}', 200)}",
                                 "give it the arguments Material's documentation shows, e.g. "
                                 "'!!python/object/apply:pymdownx.slugs.slugify {kwds: {case: lower}}'")
    finally:
        loader.dispose()


def _expansion_problem(root, shown_as: str) -> Problem | None:
    """Aliases that expand past MAX_ALIAS_NODES values, or nesting past MAX_DEPTH, counted on the composed
    node graph (a shared node counts each time it is used)."""
    sizes: dict[int, int] = {}
    stack: list[tuple[yaml.Node, int, bool]] = [(root, 1, False)] if root is not None else []
    open_nodes: set[int] = set()
    while stack:
        node, depth, done = stack.pop()
        children = ([item for pair in node.value for item in pair] if isinstance(node, yaml.MappingNode)
                    else node.value if isinstance(node, yaml.SequenceNode) else [])
        if done:
            open_nodes.discard(id(node))
            sizes[id(node)] = 1 + sum(sizes[id(child)] for child in children)
            if sizes[id(node)] > MAX_ALIAS_NODES:
                return _limit_problem(f"aliases expand to more than {MAX_ALIAS_NODES:,} values", shown_as)
            continue
        if id(node) in sizes:
            continue
        if id(node) in open_nodes:
            return _limit_problem("an alias refers to the list or mapping that holds it", shown_as)
        if depth > MAX_DEPTH:
            return _limit_problem(f"lists and mappings are nested more than {MAX_DEPTH} levels deep", shown_as)
        open_nodes.add(id(node))
        stack.append((node, depth, True))
        stack.extend((child, depth + 1, False) for child in children if id(child) not in sizes)
    return None


# What a !!python tag in mkdocs.yml may name: the formatting helpers Material's and pymdownx's documentation put
# there (a slugify, a fence format, an emoji index or generator), each by its exact name. A tag is built as soon as
# the file is read, so any other is refused before that: `!!python/object/apply:os.system [...]` ran a pull
# request's command in `csops validate` (its pre-commit hook, CI), and `!!python/name:os.system` as toc's slugify
# would have run each heading. Whole modules are not allowed: each holds more than its helpers
# (material.extensions.emoji imports Markdown, which loads any 'module:callable' as an extension, and has _load,
# which reads any file into a setting).
PYTHON_TAG = "tag:yaml.org,2002:python/"
PYTHON_NAMING_TAGS = ("name:", "module:", "object:", "object/apply:", "object/new:")  # the rest are plain values
ALLOWED_PYTHON = {
    "markdown.extensions.toc": ("slugify", "slugify_unicode"),
    "pymdownx.slugs": ("slugify",),
    "pymdownx.superfences": ("fence_code_format", "fence_div_format"),
    "pymdownx.arithmatex": ("arithmatex_inline_format", "arithmatex_fenced_format"),
    "pymdownx.emoji": ("twemoji", "emojione", "gemoji", "to_svg", "to_png", "to_svg_sprite", "to_png_sprite", "to_alt"),
    "material.extensions.emoji": ("twemoji", "to_svg"),
}


def _allowed_python(named: str) -> bool:
    module, _, name = named.rpartition(".")
    return name in ALLOWED_PYTHON.get(module, ())


def _allowed_python_names() -> str:
    return ", ".join(f"{module}.{names[0]}" if len(names) == 1 else f"{module}.{{{', '.join(names)}}}"
                     for module, names in ALLOWED_PYTHON.items())


# How the documentation names a helper: by name, or called with its settings. object: and object/new: build an
# instance of what they name, which no helper is ('invalid partial state' as a traceback)
HELPER_TAGS = ("name:", "object/apply:")


def _python_nodes(root, kinds: tuple[str, ...]):
    """Each node of the graph once whose tag is !!python/ and one of `kinds`."""
    seen: set[int] = set()
    stack = [root]
    while stack:
        node = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        if node.tag.startswith(PYTHON_TAG) and node.tag.removeprefix(PYTHON_TAG).startswith(kinds):
            yield node
        if isinstance(node, yaml.MappingNode):
            stack.extend(item for pair in node.value for item in pair)
        elif isinstance(node, yaml.SequenceNode):
            stack.extend(node.value)


def _failing_call(root):
    """The first !!python/object/apply: node (in the file's order) that fails when built alone, or None."""
    from mkdocs.utils.yaml import get_yaml_loader

    for node in sorted(_python_nodes(root, ("object/apply:",)), key=lambda node: node.start_mark.index):
        loader = get_yaml_loader()("")
        try:
            loader.construct_document(node)
        except Exception:
            return node
        finally:
            loader.dispose()
    return None


def _python_tag_problem(root, shown_as: str) -> Problem | None:
    """The first !!python tag that names code other than a helper of ALLOWED_PYTHON as HELPER_TAGS name it, located."""
    for node in _python_nodes(root, PYTHON_NAMING_TAGS):
        kind = node.tag.removeprefix(PYTHON_TAG)
        named = next(kind[len(prefix):] for prefix in PYTHON_NAMING_TAGS if kind.startswith(prefix))
        if not (kind.startswith(HELPER_TAGS) and _allowed_python(named)):
            return Problem(shown_as, node.start_mark.line + 1, node.start_mark.column + 1, "config-python",
                           f"!!python/{shown(kind, 80)} would run Python named in the settings, which csops allows "
                           "only as !!python/name: or !!python/object/apply: of the formatting helpers Material's "
                           f"documentation puts there ({_allowed_python_names()})",
                           "use one of those; code of your own belongs in a MkDocs hook (hooks: [file.py]), which "
                           "reviewers see as code")
    return None


def _limit_problem(what: str, shown_as: str = CONFIG_FILE) -> Problem:
    return Problem(shown_as, 1, 1, "config-limit", f"{shown_as}: {what}",
                   "write the settings out plainly: a site's configuration needs no more than that")


def is_a_file(path: Path) -> bool:
    """Whether `path` is a file, False for a name no file system takes (an INHERIT of NUL bytes)."""
    try:
        return path.is_file()
    except (OSError, ValueError):  # a name no file system takes
        return False



# A setting MkDocs cannot do without, left empty or read by !ENV from a variable not set where the build runs,
# which MkDocs reads as nothing: said once, here, for the INHERIT of any file of the chain and for the settings
# rules/site_config requires.
_UNSET = "!ENV {0} reads a variable that is not set here, and gives no default, so MkDocs reads nothing"
_UNSET_HINT = "set {0} where csops runs, or give a default: !ENV [{0}, the value]"
_ENV_TAG = re.compile(r"(?:-\s+)?!ENV\s+(?:\[\s*)?['\"]?(?P<name>[^\s,\]'\"#]+)")


def unset_variable(text: str, line: int, col: int) -> str | None:
    """The variable an !ENV value at line:col reads, when the value MkDocs built from it is None; else None."""
    lines = text.splitlines()
    found = _ENV_TAG.match(lines[line - 1][col - 1:]) if 0 < line <= len(lines) else None
    return found["name"] if found else None


def unset_problem(shown_as: str, line: int, col: int, what: str, variable: str) -> Problem:
    """`what` (a setting or an entry of one) read by !ENV from `variable`, which is not set, at line:col."""
    return Problem(shown_as, line, col, "config-setting", f"{what}: {_UNSET.format(variable)}", _UNSET_HINT.format(variable))


def empty_problem(text: str, path: tuple[str, ...], setting: str, shown_as: str = CONFIG_FILE) -> Problem:
    """A setting that must name something, left empty or read from an unset variable, at its value."""
    line, col = setting_position(text, path)
    unset = unset_variable(text, line, col)
    if unset is not None:
        return unset_problem(shown_as, line, col, f"'{setting}'", unset)
    return Problem(shown_as, line, col, "config-setting", f"'{setting}' is empty, and MkDocs cannot build without it",
                   "write its value after the colon, or delete the line")


def setting_position(text: str, path: tuple[str, ...]) -> tuple[int, int]:
    """Line and column of a setting's value: its top-level key (the last one, which MkDocs uses), then each
    nested key below it (or inline on its line); the top-level key's own place where a nested one is not found. In a
    ChainText, the first file that writes the whole path (MkDocs merges mappings key by key), else the first that
    writes its top key."""
    lines = text.splitlines()
    fallback = None
    for rows in _files_of(text, lines):
        tops = _tops(lines, path[0], rows)
        if not tops:
            continue
        row, found, complete = tops[-1], lines[tops[-1]], True
        for name in path[1:]:
            if re.search(rf"""[{{,]\s*['"]?{re.escape(name)}['"]?\s*:""", found):
                continue  # written inline on the line found so far ('theme: {language: xx}'): this file writes it
            for n in range(row + 1, rows[1]):
                if lines[n] and not lines[n][0].isspace() and not lines[n].startswith("#"):
                    complete = False
                    break  # the next top-level setting
                if re.match(rf"\s+{_key(name)}\s*:", lines[n]):
                    row, found = n, lines[n]
                    break
            else:
                complete = False
        value = re.match(r"\s*[^:]*:\s*", found)
        position = row + 1, (value.end() + 1 if value else 1)
        if complete:
            return position
        fallback = fallback or position
    return fallback or (1, 1)


def nth_entry_position(text: str, setting: str, n: int) -> tuple[int, int]:
    """Line and column of the n-th '- ' entry (from 0) under a top-level setting; the setting's place if not found.
    In a ChainText, the first file that writes the setting: MkDocs takes a list from one file whole."""
    lines = text.splitlines()
    for rows in _files_of(text, lines):
        tops = _tops(lines, setting, rows)
        if not tops:
            continue
        dashes = []
        for i in range(tops[-1] + 1, rows[1]):
            if lines[i] and not lines[i][0].isspace() and not lines[i].startswith(("#", "-")):
                break
            found = re.match(r"(\s*)-(\s|$)", lines[i])
            if found and (not dashes or len(found[1]) == dashes[0][1]):
                dashes.append((i, len(found[1])))
        return (dashes[n][0] + 1, dashes[n][1] + 1) if n < len(dashes) else (tops[-1] + 1, 1)
    return 1, 1


def entry_position(text: str, setting: str, name: str) -> tuple[int, int]:
    """Line and column of `- name` (or `name:`) under a top-level setting; the setting's own place if not found.
    In a ChainText, the first file that writes the entry, else the first that writes the setting."""
    lines = text.splitlines()
    entry = re.compile(rf"""^(\s*-\s*|\s+)(?P<name>['"]?{re.escape(name)}['"]?)\s*(:|$|\s#)""")
    fallback = None
    for rows in _files_of(text, lines):
        tops = _tops(lines, setting, rows)
        if not tops:
            continue
        for n in range(tops[-1] + 1, rows[1]):
            if lines[n] and not lines[n][0].isspace() and not lines[n].startswith("#"):
                break
            found = entry.match(lines[n])
            if found:
                return n + 1, found.start("name") + 1
        inline = re.search(rf"""(?<![\w/-])['"]?{re.escape(name)}\b""", lines[tops[-1]][len(setting):])
        if inline:
            return tops[-1] + 1, len(setting) + inline.start() + 1
        fallback = fallback or (tops[-1] + 1, 1)
    return fallback or (1, 1)
