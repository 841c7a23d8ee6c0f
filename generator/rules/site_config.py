"""mkdocs.yml as `csops validate` reads it: YAML that MkDocs can load, each top-level setting once.

`csops build` used to be the first to find a broken mkdocs.yml, and reported it in MkDocs' words
(`in "mkdocs.yml", line 76, column 1`); a setting written twice silently took the last value while
the site_url check read the first.
"""

from __future__ import annotations

import difflib
import html
import os
import re
from pathlib import Path
from urllib.parse import urlsplit

import yaml

from ..located_yaml import MAX_ALIAS_NODES, MAX_DEPTH
from ..paths import PACKAGE_TEMPLATES
from ..problems import Problem, shown
from ..yaml_errors import syntax_problem

CONFIG_FILE = "mkdocs.yml"
_TOP_LEVEL_KEY = re.compile(r"^(?P<key>[A-Za-z_][\w-]*)\s*:(?=\s|$)", re.MULTILINE)


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


def read_config(project: Path) -> tuple[str | None, object, list[Problem]]:
    """mkdocs.yml's text and settings as MkDocs reads them (INHERIT merged as MkDocs merges it), within the limits
    a content file gets (UTF-8, at most 1 MB, aliases expanding to at most 10,000 values, 64 levels deep); else
    the problems, located.

    Both `csops validate` and `csops build` read it here: the build crashed or ran for minutes on files validate
    passed (an alias bomb under `extra:`, a non-UTF-8 byte)."""
    if not (project / CONFIG_FILE).is_file():
        return None, None, []  # the build says a portal needs one, with the fix
    return _read(config_file(project), CONFIG_FILE, project.resolve())


def config_file(project: Path) -> Path:
    """mkdocs.yml as the build hands it to MkDocs: resolved, so that MkDocs finds the files it INHERITs from the
    folder of the file a link leads to, and csops checks those same files."""
    return (project / CONFIG_FILE).resolve()


MAX_INHERIT = 5  # parents of parents: a loop of INHERITs ends here


def inherited_file(path: Path, parent: str) -> Path:
    """The file an INHERIT names, found as MkDocs' yaml_load finds it: from the folder of the file naming it, '..'
    taken off the name's text (a link's '..' leads elsewhere in pathlib, so csops checked one file and MkDocs
    built another)."""
    return Path(os.path.normpath(os.path.join(os.path.dirname(path), parent)))


def files_it_names(project: Path, raw: dict) -> list[Path]:
    """The files and folders mkdocs.yml makes a build read besides itself, as MkDocs finds them (from the folder of
    the file naming them): each file its INHERIT chain names, the theme's custom_dir, its hooks and what its
    `watch:` lists (which `mkdocs serve` watches). Read as YAML nodes, never built: no tag in them runs."""
    from mkdocs.utils.yaml import get_yaml_loader

    found, path = [], config_file(project)
    for _ in range(MAX_INHERIT):
        try:
            loader = get_yaml_loader()(path.read_text(encoding="utf-8"))
            try:
                root = loader.get_single_node()
            finally:
                loader.dispose()
        except (OSError, UnicodeError, yaml.YAMLError, RecursionError):
            break  # validate says why
        parent = next((value.value for key, value in (root.value if isinstance(root, yaml.MappingNode) else [])
                       if key.value == "INHERIT" and isinstance(value, yaml.ScalarNode)), None)
        if not isinstance(parent, str) or not _is_file(inherited_file(path, parent)):
            break
        path = inherited_file(path, parent)
        found.append(path)
    theme = raw.get("theme") if isinstance(raw.get("theme"), dict) else {}
    named = [theme.get("custom_dir")] + [entry for setting in ("hooks", "watch") if isinstance(raw.get(setting), list)
                                         for entry in raw[setting]]
    return found + [named_path(project, entry) for entry in named if isinstance(entry, str) and entry.strip()]


def named_path(project: Path, entry: str) -> Path:
    """A path mkdocs.yml names (custom_dir, hooks, watch), as MkDocs finds it: from mkdocs.yml's folder."""
    return Path(os.path.normpath(config_file(project).parent / entry))


def _read(path: Path, shown_as: str, root: Path, inherited: int = 0) -> tuple[str | None, object, list[Problem]]:
    from ..loader import read_text

    text, problems = read_text(path, shown_as)
    if text is None:
        return None, None, problems
    try:
        raw, problem = _parse(text, shown_as)
    except Exception as error:
        syntax = yaml_error_in(error)
        if syntax is None:
            raise  # a tag MkDocs cannot construct (a missing module): MkDocs' own words say which
        return text, None, [yaml_problem(syntax, text, shown_as)]
    if problem is not None:
        return text, None, [problem]
    if not isinstance(raw, dict):
        return text, raw, [not_a_mapping(shown_as)]
    parent = raw.get("INHERIT")
    if isinstance(parent, str) and inherited == MAX_INHERIT:
        # MkDocs reads on however deep it goes: a file csops left unread was built unchecked (its !!python tags ran)
        return text, None, [Problem(shown_as, *_position(text, ("INHERIT",)), "config-limit",
                                    f"INHERIT goes more than {MAX_INHERIT} files deep, and csops checks no further",
                                    "merge the settings of the files it names into fewer files")]
    if isinstance(parent, str) and _is_file(inherited_file(path, parent)):
        # as MkDocs' yaml_load: the parent's settings, this file's over them (csops read only this file's, so
        # a site_url set in the parent was missing from every link)
        import mergedeep

        found = inherited_file(path, parent)
        inside = os.path.commonpath([root, found]) == str(root)
        _, base, problems = _read(found, os.path.relpath(found, root) if inside else str(found), root, inherited + 1)
        if problems:
            return text, None, problems
        raw = mergedeep.merge(base, {key: value for key, value in raw.items() if key != "INHERIT"})
    return text, raw, []


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


# The settings csops itself reads, and what each must be (MkDocs checks the others when it builds): a list
# where csops read a mapping crashed the build with a traceback that validate had passed.
_READ_SETTINGS: dict[tuple[str, ...], tuple[type, ...]] = {
    ("site_name",): (str,), ("site_url",): (str,), ("site_dir",): (str,),
    ("theme",): (str, dict), ("theme", "language"): (str,), ("theme", "custom_dir"): (str,), ("theme", "features"): (list,),
    ("extra",): (dict,), ("extra", "csops"): (dict,), ("extra", "csops", "whats_new"): (dict,), ("extra", "csops", "api"): (dict,),
    ("plugins",): (list, dict), ("markdown_extensions",): (list, dict), ("extra_css",): (list,),
    ("extra_javascript",): (list,), ("nav",): (list,), ("validation",): (dict,), ("extra", "social"): (list,),
    ("hooks",): (list,), ("watch",): (list,),
}
# MkDocs' top-level settings (mkdocs.config.defaults.MkDocsConfig; a test holds this list to it, since importing
# MkDocs to ask costs validate 0.13 s): any other name makes a strict build fail, 'Unrecognised configuration name'.
MKDOCS_SETTINGS = frozenset({
    "config_file_path", "copyright", "dev_addr", "docs_dir", "draft_docs", "edit_uri", "edit_uri_template", "exclude_docs",
    "extra", "extra_css", "extra_javascript", "extra_templates", "google_analytics", "hooks", "markdown_extensions",
    "mdx_configs", "nav", "not_in_nav", "pages", "plugins", "remote_branch", "remote_name", "repo_name", "repo_url",
    "site_author", "site_description", "site_dir", "site_name", "site_url", "strict", "theme", "use_directory_urls",
    "validation", "watch"})
# What each entry of a list setting the theme reads must be: Material hashed an extra_css entry that was a list,
# and looped over an extra.social entry's link that was a number, each a traceback from the build validate had
# passed (found by the content fuzzer). MkDocs checks neither.
_LIST_ENTRIES: dict[tuple[str, ...], tuple[type, ...]] = {
    ("extra_css",): (str,), ("extra_javascript",): (str, dict), ("theme", "features"): (str,),
    ("extra", "social"): (dict,), ("hooks",): (str,), ("watch",): (str,),
}
_ENTRY_FIELDS: dict[tuple[str, ...], tuple[str, ...]] = {("extra", "social"): ("icon", "link", "name")}
_TYPE_WORDS = {str: "a text", dict: "a mapping of settings", list: "a list"}
_TYPE_HINTS = {str: "write one value after the colon, quoted if it holds ': ' or ' #'",
               dict: "indent its settings under it, one 'name: value' a line",
               list: "list the entries under it, one '- entry' a line"}
# What's new lists this many content commits (`extra.csops.whats_new.commits`), at most MAX_WHATS_NEW_COMMITS
WHATS_NEW_COMMITS = 20
MAX_WHATS_NEW_COMMITS = 200
# Folders csops reads or writes: a site_dir there would replace them with a link to the built site
_PROJECT_FOLDERS = ("content", "templates", "build", ".git")


def settings_problems(project: Path, raw: dict, text: str) -> list[Problem]:
    """The settings csops reads, of the type it reads them as; site_name, which MkDocs requires; a safe site_dir."""
    problems = []
    if not raw.get("site_name"):
        problems.append(Problem(CONFIG_FILE, 1, 1, "config-setting", "mkdocs.yml has no site_name; MkDocs requires one",
                                "add 'site_name: Your portal's name' at the top"))
    for path, types in _READ_SETTINGS.items():
        value = raw
        for name in path:
            value = value.get(name) if isinstance(value, dict) else None
        if value is not None and not isinstance(value, types):
            line, col = _position(text, path)
            problems.append(Problem(CONFIG_FILE, line, col, "config-setting",
                                    f"'{'.'.join(path)}' must be {' or '.join(_TYPE_WORDS[t] for t in types)}, "
                                    f"not {type(value).__name__}", _TYPE_HINTS[types[0]]))
    problems += _list_entry_problems(raw, text)
    for name in raw:
        if name not in MKDOCS_SETTINGS and name != "INHERIT":
            close = difflib.get_close_matches(str(name), sorted(MKDOCS_SETTINGS), n=1, cutoff=0.7)
            line, col = _position(text, (str(name),))
            problems.append(Problem(CONFIG_FILE, line, 1, "config-setting", f"'{shown(str(name), 40)}' is not a MkDocs setting; "
                                    "the build would refuse it", f"did you mean '{close[0]}'?" if close else
                                    "put your own values under 'extra:', where themes and templates read them"))
    problems += _whats_new_problems(raw, text)
    problems += _cors_problems(raw, text)
    site_url = raw.get("site_url")
    if isinstance(site_url, str) and site_url.strip():
        try:
            parts = urlsplit(site_url.strip())
            address = parts.scheme in ("http", "https") and bool(parts.hostname) and not re.search(r"[\s\x00-\x1f\x7f]", site_url.strip())
        except ValueError:  # http://[::1/ : urlsplit refuses what it cannot take apart
            address = False
        if not address:
            line, col = _position(text, ("site_url",))
            problems.append(Problem(CONFIG_FILE, line, col, "config-setting", f"site_url '{shown(site_url, 80)}' is not a web address",
                                    "write where the portal is published, e.g. https://cs.example.com/"))
    for path, value, script in _script_urls(raw):
        line, col = _position(text, path)
        problems.append(Problem(CONFIG_FILE, line, col, "config-setting", f"'{'.'.join(path)}' is a script link "
                                f"('{shown(value, 60)}'): a theme that shows it as a link (Material's repository link "
                                "and edit button, social links) runs it in the reader's browser when clicked",
                                "write a web address, e.g. https://github.com/acme/portal") if script else
                        Problem(CONFIG_FILE, line, col, "config-setting", f"'{'.'.join(path)}' holds '\"', '<' or '>' "
                                f"in an address ('{shown(value, 60)}'): Material writes it into its link as it is, "
                                "where the '\"' ends the href and what follows becomes the link's own attributes "
                                "(onmouseover=… runs script)", "write %22, %3C and %3E for them, as addresses do"))
    site_name = raw.get("site_name")
    if isinstance(site_name, str) and re.search(r"[<>]", html.unescape(site_name)):
        line, col = _position(text, ("site_name",))
        problems.append(Problem(CONFIG_FILE, line, col, "config-setting", f"site_name holds '<' or '>' "
                                f"('{shown(site_name, 60)}'): Material's tooltips show the logo's title, the "
                                "site_name, as HTML, so a tag in it is run, not shown",
                                "write the name without < and >"))
    problems += _language_problems(project, raw, text)
    problems += _icon_problems(project, raw, text)
    problems += _theme_problems(raw, text)
    problems += _missing_path_problems(project, raw, text)
    problems += _refused_by_mkdocs(raw, text)
    problems += _plugin_problems(raw, text)
    problems += _extension_problems(raw, text)
    problems += _settings_csops_sets(raw, text)
    inherit = raw.get("INHERIT")
    if inherit is not None and not (isinstance(inherit, str) and _is_file(project / inherit)):
        line, col = _position(text, ("INHERIT",))
        problems.append(Problem(CONFIG_FILE, line, col, "config-setting", f"INHERIT names no file: '{shown(inherit, 80)}'",
                                "give the path of the parent mkdocs.yml, relative to this one"))
    site_dir = raw.get("site_dir")
    refusal = site_dir_refusal(project, site_dir) if isinstance(site_dir, str) else None
    if refusal is not None:
        line, col = _position(text, ("site_dir",))
        problems.append(Problem(CONFIG_FILE, line, col, "unsafe-site-dir", f"site_dir '{shown(site_dir, 80)}' {refusal}",
                                "point site_dir at a new folder, or leave it out to build into site/ next to mkdocs.yml"))
    return problems


# A URL scheme that runs script, as a browser reads it (spaces and control characters in and around it ignored).
# MkDocs takes any scheme with a host for repo_url (javascript://x%0Aalert(1)), which Material links on every page.
# Material writes the values into href="…" as they are, so a browser reads their character references first: a social
# link "javascript&colon;alert(1)" or "&#106;avascript:…" passed as no scheme and ran when clicked.
_SCRIPT_SCHEME = re.compile(r"(?:javascript|vbscript):", re.IGNORECASE)
_IGNORED_IN_URLS = re.compile(r"[\s\x00-\x1f\x7f]")
# An address (a scheme, or // for one's host) holding what ends an HTML attribute or starts a tag: Material wrote
# repo_url 'https://github.com/acme/x" onmouseover="alert(1)' into every page's repository link as it is
_ADDRESS = re.compile(r"[a-z][a-z0-9+.-]*:|//", re.IGNORECASE)
_ENDS_ATTRIBUTE = re.compile(r'["<>]')


# Settings a theme shows as words, never as a link: "JavaScript: onboarding SDK customers" is a site description
_SHOWN_AS_WORDS = frozenset({"site_name", "site_description", "site_author", "copyright"})


def _list_entry_problems(raw: dict, text: str) -> list[Problem]:
    """Each entry of the list settings in _LIST_ENTRIES of the type it must be, and a social link's icon, link and
    name text; a list that is no list is _READ_SETTINGS' error."""
    problems = []
    for path, types in _LIST_ENTRIES.items():
        entries = raw
        for name in path:
            entries = entries.get(name) if isinstance(entries, dict) else None
        for n, entry in enumerate(entries if isinstance(entries, list) else []):
            fields = _ENTRY_FIELDS.get(path, ())
            wrong = [f for f in fields if isinstance(entry, dict) and f in entry and not isinstance(entry[f], str)]
            if isinstance(entry, types) and not wrong:
                continue
            line, col = _nth_entry_position(text, path[0], n) if len(path) == 1 else _position(text, path)
            what = (f"its {wrong[0]} must be a text, not {shown(repr(entry[wrong[0]]), 40)}" if wrong else
                    f"it must be {' or '.join(_TYPE_WORDS[t] for t in types)}, not {shown(repr(entry), 40)}")
            problems.append(Problem(CONFIG_FILE, line, col, "config-setting", f"entry {n + 1} of '{'.'.join(path)}': {what}",
                                    _TYPE_HINTS[str] if wrong else _TYPE_HINTS[types[0]]))
    return problems


def whats_new_commits(raw: dict) -> int | None:
    """How many content commits What's new lists (extra.csops.whats_new.commits), or None when the value is not
    a whole number from 0 to MAX_WHATS_NEW_COMMITS."""
    settings = raw
    for name in ("extra", "csops", "whats_new"):  # a level of another type is _READ_SETTINGS' error: the default
        settings = settings.get(name) if isinstance(settings, dict) else None
    value = settings.get("commits", WHATS_NEW_COMMITS) if isinstance(settings, dict) else WHATS_NEW_COMMITS
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_WHATS_NEW_COMMITS:
        return None
    return value


def _whats_new_problems(raw: dict, text: str) -> list[Problem]:
    """A commit count that is no whole number in range: validate passed it, and the build stopped on no line."""
    if whats_new_commits(raw) is not None:
        return []
    path = ("extra", "csops", "whats_new", "commits")
    value = raw["extra"]["csops"]["whats_new"]["commits"]
    return [Problem(CONFIG_FILE, *_position(text, path), "config-setting",
                    f"{'.'.join(path)} is {shown(repr(value), 40)}; csops lists a whole number of content commits on "
                    f"What's new, from 0 to {MAX_WHATS_NEW_COMMITS}",
                    f"write a number such as {WHATS_NEW_COMMITS}, the default, or delete the line")]


def _script_urls(value, path: tuple[str, ...] = ()):
    """(setting path, value, True) of each text in mkdocs.yml that a link would run as script, (…, False) of each
    address that would end its link's attribute."""
    if isinstance(value, dict):
        for key, item in value.items():
            if not (path == () and key in _SHOWN_AS_WORDS):
                yield from _script_urls(item, path + (str(key),))
    elif isinstance(value, list):
        for item in value:
            yield from _script_urls(item, path)
    elif isinstance(value, str):
        address = _IGNORED_IN_URLS.sub("", html.unescape(value))
        if _SCRIPT_SCHEME.match(address):
            yield path, value, True
        elif _ADDRESS.match(address) and _ENDS_ATTRIBUTE.search(address):
            yield path, value, False


# Language names an editor types for a code (theme.language takes Material's code)
LANGUAGE_NAMES = {"jp": "ja", "jpn": "ja", "japanese": "ja", "日本語": "ja", "english": "en", "eng": "en",
                   "en-us": "en", "en-gb": "en", "ja-jp": "ja"}


def _language_problems(project: Path, raw: dict, text: str) -> list[Problem]:
    """theme.language must be a language Material has interface words for: any other passed validate, and the
    build stopped on a missing template ('partials/languages/jp.html' not found) called a file system problem."""
    theme = raw.get("theme")
    language = theme.get("language") if isinstance(theme, dict) else None
    if not isinstance(language, str) or theme.get("name") != "material":
        return []
    known = _material_languages(project, theme)
    if not known or language in known:
        return _untranslated(project, language, text)
    meant = LANGUAGE_NAMES.get(language.strip().lower()) or next((code for code in known if code.lower() == language.lower()), None)
    close = [meant] if meant in known else difflib.get_close_matches(language, sorted(known), n=1, cutoff=0.6)
    line, col = _position(text, ("theme", "language"))
    return [Problem(CONFIG_FILE, line, col, "config-setting", f"theme.language '{shown(language, 40)}' is not a "
                    "language code Material has its words in", f"write language: {close[0]}" if close else
                    "write a code such as en or ja (Material's list: partials/languages in its templates)")]


_TOP_LEVEL_KEYS = re.compile(r"^([A-Za-z][A-Za-z_-]*)[ \t]*:", re.MULTILINE)


def _untranslated(project: Path, language: str, text: str) -> list[Problem]:
    """A language Material speaks and csops' labels do not (fr): pages showed Material's French beside csops' English
    headings, chips and search panel, without a word (ui_labels.load_labels falls back to English)."""
    code = language.split("-")[0]
    for labels in (PACKAGE_TEMPLATES / "labels.yml", Path(project) / "templates" / "labels.yml"):
        try:
            text_of_labels = labels.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            continue  # a project's unreadable labels.yml is rules/labels.py's error
        # the languages are the file's top-level keys: found without parsing it (9 ms of every build and validate)
        if code in _TOP_LEVEL_KEYS.findall(text_of_labels):
            return []
    return [Problem(CONFIG_FILE, *_position(text, ("theme", "language")), "untranslated-language",
                    f"csops has no words in '{shown(language, 40)}': its headings, labels and search panel will be in "
                    "English beside Material's", f"add a '{code}:' section to templates/labels.yml: copy the en: "
                    "section of csops' labels.yml and translate its words", severity="warning")]


# Settings csops decides itself when it builds (mkdocs_config.mkdocs_overrides) or serves (csops serve --host/--port):
# one written otherwise built fine and was ignored without a word. name -> (the value csops agrees with, what
# happens, the fix).
CSOPS_SETTINGS = {
    "docs_dir": ("build/docs", "csops generates the pages from content/ and writes them to build/docs itself; this "
                 "docs_dir is not read", "write playbooks, FAQs and charts as YAML in content/; delete the line or "
                 "write docs_dir: build/docs"),
    "strict": (True, "csops always builds strictly, so a broken link never goes live; strict: false is not applied",
               "delete the line"),
    "nav": (None, "csops builds the navigation itself (home, sections, phases); this nav replaces it, and the pages "
            "it leaves out are in no menu", "delete it: section names come from templates/labels.yml, phases and "
            "their order from content/settings.yml"),
    "dev_addr": (None, "csops serve listens where --host and --port say; dev_addr is not read",
                 "delete the line, and run csops serve --port PORT"),
}


def _settings_csops_sets(raw: dict, text: str) -> list[Problem]:
    """A warning at each setting csops decides itself, saying what it does instead; an error for
    use_directory_urls: false, which would break every address pasted in a ticket (they are folders)."""
    problems = []
    for name, (agreed, what, fix) in CSOPS_SETTINGS.items():
        value = raw.get(name)
        if name not in raw or value == agreed or (isinstance(value, str) and os.path.normpath(value) == agreed):
            continue
        line, col = _position(text, (name,))
        problems.append(Problem(CONFIG_FILE, line, col, "setting-csops-sets", f"'{name}': {what}", fix, "warning"))
    if raw.get("use_directory_urls") is False:
        line, col = _position(text, ("use_directory_urls",))
        problems.append(Problem(CONFIG_FILE, line, col, "config-setting", "use_directory_urls: false would give pages "
                                "addresses ending in .html, and every link csops makes and every published URL "
                                "(playbooks/qbr/) would break", "delete the line"))
    return problems


def _extension_problems(raw: dict, text: str) -> list[Problem]:
    """Each markdown_extensions entry names an installed extension, and a 'module:Name' entry an extension class.

    Python-Markdown calls what 'module:Name' names with the entry's settings, so '- os:system: {command: …}' ran a
    pull request's command in csops build (CI's included) while validate passed it; the module is imported as the
    build would import it. A misspelt one ('- pymdownx.detials') passed validate, and the build stopped on no line."""
    import importlib
    import importlib.util

    from markdown.extensions import Extension
    from markdown.util import get_installed_extensions

    extensions = raw.get("markdown_extensions")
    names = list(extensions) if isinstance(extensions, dict) else [
        entry if isinstance(entry, str) else next(iter(entry), None) if isinstance(entry, dict) else None
        for entry in extensions] if isinstance(extensions, list) else []
    registered = {point.name for point in get_installed_extensions()}
    problems = []
    for name in names:
        if not isinstance(name, str) or name in registered:
            continue
        module, _, attribute = name.partition(":")
        try:
            found = importlib.util.find_spec(module) is not None
            named = getattr(importlib.import_module(module), attribute, None) if found and attribute else None
        except Exception:  # a parent package missing, or a module failing as it is imported: the build says how
            found, named = False, None
        line, col = _list_entry_position(text, "markdown_extensions", name)
        if not found:
            close = difflib.get_close_matches(module, _extension_names(module, registered), n=1, cutoff=0.8)
            problems.append(Problem(CONFIG_FILE, line, col, "unknown-extension",
                                    f"Markdown extension '{shown(name, 60)}' is not installed",
                                    f"did you mean '{close[0]}'?" if close else
                                    "install it (pip install the package that provides it) or delete the line"))
        elif attribute and not (isinstance(named, type) and issubclass(named, Extension)):
            problems.append(Problem(CONFIG_FILE, line, col, "config-python",
                                    f"markdown_extensions entry '{shown(name, 60)}' names no Markdown extension "
                                    f"class, and the build would call it with the entry's settings",
                                    "name an extension by its module ('- pymdownx.details') or 'module:ExtensionClass'; "
                                    "code of your own belongs in a MkDocs hook (hooks: [file.py]), which reviewers "
                                    "see as code"))
    return problems or _extension_settings_problems(extensions, text)


# A page's worth of what the generated pages hold (headings, a fence, a table, tabs, an admonition, a task, an
# abbreviation), so an extension that takes its settings and only fails on the text it formats fails here too.
_SAMPLE_PAGE = ("# Title\n\nText with *emphasis*, `code` and [a link](other.md).\n\n## Section {: #section }\n\n"
                "- [x] done\n\n!!! note \"Note\"\n    Inside.\n\n??? tip\n    Details.\n\n=== \"Tab\"\n    In a tab.\n\n"
                "| a | b |\n| --- | --- |\n| 1 | 2 |\n\n```python\nx = 1\n```\n\n*[CSM]: Customer Success Manager\n")


def _extension_settings_problems(extensions, text: str) -> list[Problem]:
    """Each markdown_extensions entry's settings are a mapping its extension takes: 'toc: 5', 'admonition: {x: 1}',
    'toc: {slugify: []}' or 'pymdownx.superfences: {custom_fences: 5}' passed validate and stopped the build with a
    traceback (found by the content fuzzer). The entries are tried as the build runs them, beside the extensions
    every page is built with, on a sample page."""
    entries = list(extensions.items()) if isinstance(extensions, dict) else [
        next(iter(entry.items())) if isinstance(entry, dict) and len(entry) == 1 else (entry, None)
        for entry in extensions] if isinstance(extensions, list) else []
    shapes = [(name, options) for name, options in entries if isinstance(name, str)]  # MkDocs names the others
    problems = [Problem(CONFIG_FILE, *_list_entry_position(text, "markdown_extensions", name), "extension-settings",
                        f"the settings of Markdown extension '{shown(name, 60)}' must be a mapping (name: value), "
                        f"not {type(options).__name__}", f"write each setting indented under '{shown(name, 60)}:', "
                        f"or leave just '- {shown(name, 60)}' for its defaults")
                for name, options in shapes if options is not None and not isinstance(options, dict)]
    together = None if problems else _refusal(dict(shapes))  # all at once first: a sound list costs one sample page
    if together is None:
        return problems
    for name, options in shapes:
        refused = _refusal({name: options})
        if refused is not None:
            problems.append(Problem(CONFIG_FILE, *_list_entry_position(text, "markdown_extensions", name),
                                    "extension-settings", f"Markdown extension '{shown(name, 60)}' refuses its "
                                    f"settings: {type(refused).__name__}: {shown(refused, 100)}",
                                    "check them against the extension's documentation, or delete them for its defaults"))
    return problems or [Problem(CONFIG_FILE, *_position(text, ("markdown_extensions",)), "extension-settings",
                                f"the Markdown extensions refuse their settings together: {type(together).__name__}: "
                                f"{shown(together, 100)}", "check each extension's settings against its documentation")]


def _refusal(configured: dict) -> Exception | None:
    """What the sample page fails with, built with `configured` ({name: settings or None}) over the extensions every
    page is built with, toc's slugify defaulted as the build does; None if it converts."""
    import markdown
    from pymdownx.slugs import slugify

    from ..markdown_extensions import REQUIRED_EXTENSIONS

    configs = {name: dict(value) for name, value in REQUIRED_EXTENSIONS.items() if name != "generator.glossary_abbr"}
    configs.update((name, dict(options or {})) for name, options in configured.items())
    configs["toc"].setdefault("slugify", slugify(case="lower", normalize="NFKC"))  # build.py's default
    try:
        markdown.Markdown(extensions=list(configs), extension_configs=configs).convert(_SAMPLE_PAGE)
    except Exception as refused:  # each extension's own check: KeyError, TypeError, ValueError, …
        return refused
    return None


def _extension_names(module: str, registered: set[str]) -> list[str]:
    """Names an extension could have been meant by: the registered ones, and the modules beside `module` in its
    package (pymdownx.details for pymdownx.detials)."""
    import importlib
    import pkgutil

    names = sorted(registered)
    parent = module.rpartition(".")[0]
    try:
        folders = getattr(importlib.import_module(parent), "__path__", []) if parent else []
        names += [f"{parent}.{found.name}" for found in pkgutil.iter_modules(folders)]
    except Exception:
        pass
    return names


def _plugin_problems(raw: dict, text: str) -> list[Problem]:
    """Each plugin listed must be installed: a misspelt one (`- serch`) passed validate, and the build stopped with
    MkDocs' 'The "serch" plugin is not installed', on no line."""
    plugins = raw.get("plugins")
    names = list(plugins) if isinstance(plugins, dict) else [
        entry if isinstance(entry, str) else next(iter(entry), None) if isinstance(entry, dict) and len(entry) == 1 else None
        for entry in plugins] if isinstance(plugins, list) else []
    # an entry that names no plugin (an empty '-', a number, two names on one entry) passed, and the build ended in
    # a TypeError traceback
    problems = [Problem(CONFIG_FILE, *_nth_entry_position(text, "plugins", n), "config-setting",
                        f"plugins entry {n + 1} names no plugin: {_entry_shape(plugins, n)}",
                        "write one plugin name a line ('- search'), or a name with its settings ('- search:' and "
                        "them indented below it); delete an empty '-'")
                for n, name in enumerate(names) if not isinstance(name, str)]
    names = [name for name in names if isinstance(name, str)]
    if plugins is not None and not any(name in ("search", "material/search") for name in names):
        # written on purpose or not, a portal without it has no search box: say so where it is decided
        problems.append(Problem(CONFIG_FILE, *_position(text, ("plugins",)), "no-search-plugin",
                                "plugins lists no search plugin: the published site will have no search box (the "
                                "search API of csops serve and gunicorn still answers)",
                                "add '- search' to plugins, with the lang and separator settings of the bundled "
                                "mkdocs.yml for Japanese pages", "warning"))
    if not names:
        return problems
    installed = _installed_plugins()
    theme = raw.get("theme")
    theme_name = theme.get("name") if isinstance(theme, dict) else theme if isinstance(theme, str) else None
    for name in names:
        # as MkDocs' Plugins option: a plugin of the theme's own namespace may be named without it (material/search)
        if name in installed or f"{theme_name}/{name}" in installed:
            continue
        line, col = _list_entry_position(text, "plugins", name)
        close = difflib.get_close_matches(name, sorted(installed), n=1, cutoff=0.6)
        problems.append(Problem(CONFIG_FILE, line, col, "unknown-plugin", f"plugin '{shown(name, 40)}' is not installed",
                                f"did you mean '{close[0]}'?" if close else
                                f"install it (pip install the package that provides it) or delete the line; "
                                f"installed: {', '.join(sorted(installed))}"))
    return problems


# Settings MkDocs checks each on its own (no other setting, file or code needed) and csops neither reads nor sets:
# checked here with MkDocs' own option. 'validation: {links: {anchor: warn}}' or 'omitted_files: warning' passed
# validate, and the build stopped after generating every page on MkDocs' "Config value 'validation': Sub-option
# 'links': Sub-option 'anchor': Unrecognised configuration name", on no line. Imported only when one is written
# (MkDocs' config module costs validate 0.05 s).
_CHECKED_ALONE_BY_MKDOCS = ("copyright", "dev_addr", "draft_docs", "exclude_docs", "extra_templates", "not_in_nav",
                            "remote_branch", "remote_name", "repo_url", "site_author", "site_description",
                            "use_directory_urls", "validation")
_SUB_OPTION = re.compile(r"Sub-option '([^']*)': ")


def _refused_by_mkdocs(raw: dict, text: str) -> list[Problem]:
    """What MkDocs' own check of each of _CHECKED_ALONE_BY_MKDOCS refuses, or warns about (a strict build stops on
    a warning too), at the (sub-)setting it names."""
    import copy

    written = [name for name in _CHECKED_ALONE_BY_MKDOCS if raw.get(name) is not None]
    scripts = raw.get("extra_javascript")
    if isinstance(scripts, list) and any(isinstance(entry, dict) for entry in scripts):
        written.append("extra_javascript")  # a script with its settings ('- path: x.js' and 'type: module' below)
    if not written:
        return []
    from mkdocs.config.base import ValidationError
    from mkdocs.config.defaults import MkDocsConfig

    options = dict(MkDocsConfig._schema)
    problems = []
    for name in written:
        option = options[name]
        option.reset_warnings()
        try:
            option.validate(copy.deepcopy(raw[name]))  # a copy: MkDocs moves validation's shorthands in place
            messages = list(option.warnings)
        except ValidationError as refused:
            messages = [str(refused)]
        finally:
            option.reset_warnings()
        for message in messages:
            path = (name, *_SUB_OPTION.findall(message))
            problems.append(Problem(CONFIG_FILE, *_position(text, path), "config-setting",
                                    f"MkDocs refuses '{'.'.join(path)}': {shown(_SUB_OPTION.sub('', message), 160)}",
                                    "write it as MkDocs' documentation of the setting shows, or delete it"))
    return problems


def _missing_path_problems(project: Path, raw: dict, text: str) -> list[Problem]:
    """Each folder or file mkdocs.yml names is there: a misspelt custom_dir, hook or watch entry passed validate, and
    the build stopped after generating every page on MkDocs' "The path set in custom_dir (…) does not exist", on no
    line. A type MkDocs refuses is _READ_SETTINGS' and _LIST_ENTRIES' error."""
    theme = raw.get("theme") if isinstance(raw.get("theme"), dict) else {}
    named = [(("theme", "custom_dir"), theme.get("custom_dir"), Path.is_dir, "folder")]
    for setting, kind, what in (("hooks", Path.is_file, "Python file"), ("watch", Path.exists, "file or folder")):
        entries = raw.get(setting)
        named += [((setting,), entry, kind, what) for entry in (entries if isinstance(entries, list) else [])]
    problems = []
    for path, entry, kind, what in named:
        if not isinstance(entry, str) or kind(named_path(project, entry)):
            continue
        line, col = _position(text, path) if len(path) > 1 else _list_entry_position(text, path[0], entry)
        problems.append(Problem(CONFIG_FILE, line, col, "config-setting", f"'{'.'.join(path)}' names no {what}: "
                                f"'{shown(entry, 80)}' is not there", "give its path relative to mkdocs.yml's folder, "
                                "or delete the line"))
    return problems


def _theme_problems(raw: dict, text: str) -> list[Problem]:
    """The theme is one MkDocs has: 'theme: materail', or a theme mapping with no name (nor a custom_dir, which may
    stand alone), passed validate, and the build stopped after generating every page, on MkDocs' "Unrecognised theme
    name" or "No theme name set", on no line."""
    from importlib.metadata import entry_points

    theme = raw.get("theme")
    if not isinstance(theme, (str, dict)):
        return []  # none: MkDocs' default theme; another type is _READ_SETTINGS' error
    name = theme if isinstance(theme, str) else theme.get("name")
    if isinstance(theme, dict) and name is None:
        if isinstance(theme.get("custom_dir"), str):
            return []
        return [Problem(CONFIG_FILE, *_position(text, ("theme",)), "config-setting", "'theme' names no theme",
                        "add 'name: material' under theme:")]
    where = _position(text, ("theme",) if isinstance(theme, str) else ("theme", "name"))
    if not isinstance(name, str):
        return [Problem(CONFIG_FILE, *where, "config-setting", f"'theme.name' must be a text, not {type(name).__name__}",
                        "write name: material")]
    installed = sorted(entry.name for entry in entry_points(group="mkdocs.themes"))
    if name in installed:
        return []
    close = difflib.get_close_matches(name, installed, n=1, cutoff=0.6)
    return [Problem(CONFIG_FILE, *where, "config-setting", f"theme '{shown(name, 40)}' is not installed",
                    f"did you mean '{close[0]}'?" if close else f"write one of the installed themes: {', '.join(installed)}")]


def _installed_plugins() -> set[str]:
    """The MkDocs plugins this environment has, by the names mkdocs.yml gives them (their entry points)."""
    from importlib.metadata import entry_points

    return {entry.name for entry in entry_points(group="mkdocs.plugins")}


def _entry_shape(plugins, n: int) -> str:
    entry = list(plugins)[n] if isinstance(plugins, dict) else plugins[n]
    if isinstance(plugins, dict):
        return f"the name is {shown(repr(entry), 40)}, not text"
    if isinstance(entry, dict):
        return f"{len(entry)} names on one entry" if entry else "an empty mapping"
    return "it is empty" if entry is None else f"it is {shown(repr(entry), 40)}, not a name"


def _nth_entry_position(text: str, setting: str, n: int) -> tuple[int, int]:
    """Line and column of the n-th '- ' entry (from 0) under a top-level setting; the setting's place if not found."""
    lines = text.splitlines()
    tops = [i for i, line in enumerate(lines) if re.match(rf"{re.escape(setting)}\s*:", line)]
    if not tops:
        return 1, 1
    dashes = []
    for i in range(tops[-1] + 1, len(lines)):
        if lines[i] and not lines[i][0].isspace() and not lines[i].startswith(("#", "-")):
            break
        found = re.match(r"(\s*)-(\s|$)", lines[i])
        if found and (not dashes or len(found[1]) == dashes[0][1]):
            dashes.append((i, len(found[1])))
    return (dashes[n][0] + 1, dashes[n][1] + 1) if n < len(dashes) else (tops[-1] + 1, 1)


def _list_entry_position(text: str, setting: str, name: str) -> tuple[int, int]:
    """Line and column of `- name` (or `name:`) under a top-level setting; the setting's own place if not found."""
    lines = text.splitlines()
    tops = [n for n, line in enumerate(lines) if re.match(rf"{re.escape(setting)}\s*:", line)]
    if not tops:
        return 1, 1
    entry = re.compile(rf"""^(\s*-\s*|\s+)(?P<name>['"]?{re.escape(name)}['"]?)\s*(:|$|\s#)""")
    for n in range(tops[-1] + 1, len(lines)):
        if lines[n] and not lines[n][0].isspace() and not lines[n].startswith("#"):
            break
        found = entry.match(lines[n])
        if found:
            return n + 1, found.start("name") + 1
    inline = re.search(rf"""(?<![\w/-])['"]?{re.escape(name)}\b""", lines[tops[-1]][len(setting):])
    return tops[-1] + 1, (len(setting) + inline.start() + 1) if inline else 1


def _material_languages(project: Path, theme: dict) -> set[str]:
    """The codes Material has a partials/languages/<code>.html for, and a custom_dir's own; empty when Material
    cannot be found (the build then says so)."""
    import importlib.util

    spec = importlib.util.find_spec("material")
    folders = [Path(location) / "templates" for location in (spec.submodule_search_locations or [])] if spec else []
    if isinstance(theme.get("custom_dir"), str):
        folders.append(project / theme["custom_dir"])
    return {found.stem for folder in folders for found in (folder / "partials" / "languages").glob("*.html")}


_ICON_NAME = re.compile(r"[\w-]+(?:/[\w.-]+)+")


def _named_icons(raw: dict):
    """(icon, where) for each icon Material draws from mkdocs.yml: theme.icon's, each palette toggle's, each
    extra.social link's; `where` is the setting's path, as _position reads it."""
    theme = raw.get("theme") if isinstance(raw.get("theme"), dict) else {}
    stack = [(theme.get("icon"), ("theme", "icon"))]
    while stack:
        value, path = stack.pop()
        if isinstance(value, dict):
            stack.extend((v, path + (str(k),)) for k, v in value.items())
        elif value is not None:
            yield value, path
    palette = theme.get("palette")
    for option in palette if isinstance(palette, list) else [palette]:
        toggle = option.get("toggle") if isinstance(option, dict) else None
        if isinstance(toggle, dict) and "icon" in toggle:
            yield toggle["icon"], ("theme", "palette", "toggle", "icon")
    extra = raw.get("extra") if isinstance(raw.get("extra"), dict) else {}
    for link in extra.get("social") if isinstance(extra.get("social"), list) else []:
        if isinstance(link, dict) and "icon" in link:
            yield link["icon"], ("extra", "social", "icon")


def _icon_problems(project: Path, raw: dict, text: str) -> list[Problem]:
    """Each icon mkdocs.yml names is one Material has (or the custom_dir's .icons/): a palette toggle's icon
    mistyped ('material/brightnes-7', or 0) passed validate, and the build failed on "cannot write the build:
    '.icons/0.svg' not found …; fix the file system problem" (found by the content fuzzer)."""
    import importlib.util

    theme = raw.get("theme") if isinstance(raw.get("theme"), dict) else {}
    spec = importlib.util.find_spec("material")
    if theme.get("name") != "material" or spec is None:
        return []  # another theme draws its own icons; without Material the build says so
    folders = [Path(location) / "templates" / ".icons" for location in (spec.submodule_search_locations or [])]
    if isinstance(theme.get("custom_dir"), str):
        folders.insert(0, project / theme["custom_dir"] / ".icons")
    problems = []
    for icon, path in _named_icons(raw):
        if isinstance(icon, str) and _ICON_NAME.fullmatch(icon) and ".." not in icon.split("/") and any(
                (folder / f"{icon}.svg").is_file() for folder in folders):
            continue
        line, col = _icon_position(text, icon, path)
        close = []
        if isinstance(icon, str) and "/" in icon:
            family = icon.split("/", 1)[0]
            names = [f"{family}/{found.relative_to(folder / family).with_suffix('').as_posix()}" for folder in folders
                     if (folder / family).is_dir() for found in (folder / family).rglob("*.svg")]
            close = difflib.get_close_matches(icon, names, n=1, cutoff=0.8)
        problems.append(Problem(CONFIG_FILE, line, col, "unknown-icon",
                                f"'{'.'.join(path)}' names no icon Material has: {shown(repr(icon), 60)}",
                                f"did you mean '{close[0]}'?" if close else "write an icon's path below Material's "
                                ".icons folder, without .svg, e.g. material/brightness-7 (see Material's icon search)"))
    return problems


def _icon_position(text: str, icon, path: tuple[str, ...]) -> tuple[int, int]:
    """Where `icon` is written as a setting's value ('icon: material/x', or 'logo: …' under theme.icon); else the
    setting's own place."""
    if isinstance(icon, (str, int, float)):
        written = re.compile(rf"""(\s*(?:-\s*)?[\w-]+\s*:\s*)['"]?{re.escape(str(icon))}['"]?\s*(?:#.*)?$""")
        for n, line in enumerate(text.splitlines()):
            found = written.match(line)
            if found:
                return n + 1, found.end(1) + 1
    return _position(text, path[:2])


def site_dir_refusal(project: Path, site_dir: str) -> str | None:
    """Why csops must not put its site at `site_dir`, or None. A build replaces that path with a link to the
    built site and deletes what stood there, as MkDocs empties its site_dir: a folder that is not a built site
    would be lost (site_dir: content deleted every YAML file)."""
    try:
        os.fsencode(site_dir)
    except UnicodeError:
        return "holds characters no file name can hold"
    project = Path(os.path.realpath(project))
    where = Path(os.path.normpath(project / site_dir))  # not followed: a link there is only ever re-pointed
    if where == project or project.is_relative_to(where):
        return "is the project folder or holds it"
    for name in _PROJECT_FOLDERS:
        if where.is_relative_to(project / name):
            return f"is in {name}/, which csops reads or writes"
    if where.is_symlink() or not where.exists():
        return None  # a link csops made (it is only ever re-pointed), or a new folder
    if not where.is_dir():
        return "is a file: the build would replace it"
    if any(where.iterdir()) and not any((where / name).is_file() for name in ("index.html", "sitemap.xml", "404.html")):
        return "is a folder that holds files but no built site (no index.html): the build would delete them"
    return None


def _is_file(path: Path) -> bool:
    try:
        return path.is_file()
    except (OSError, ValueError):  # a name no file system takes
        return False


# An origin as a browser sends it in its Origin header: a scheme and a host, and a port when not the default
_ORIGIN = re.compile(r"https?://[^/\s*?#@]+/?", re.IGNORECASE)


def browser_origin(origin: str) -> str | None:
    """`origin` as a browser's Origin header writes it, or None when it is none: scheme and host lowercased, the
    host in its ASCII form, no default port, no trailing slash ('*' stays). https://tickets.example.com:443 never
    matched the browser's https://tickets.example.com, nor https://bücher.example its https://xn--bcher-kva.example."""
    text = origin.strip()
    if text == "*":
        return text
    if not _ORIGIN.fullmatch(text):
        return None
    parts = urlsplit(text)
    try:
        host, port = parts.hostname, parts.port
        host = host.encode("idna").decode("ascii") if host and not host.isascii() else host
    except (ValueError, UnicodeError):  # a port out of range, a host no DNS name can be
        return None
    if not host:
        return None
    scheme = parts.scheme.lower()
    default = {"http": 80, "https": 443}[scheme]
    return f"{scheme}://{f'[{host}]' if ':' in host else host}{f':{port}' if port not in (None, default) else ''}"


def _cors_problems(raw: dict, text: str) -> list[Problem]:
    """Origins the API could never match (server.cors_origins_for compares them whole with the browser's Origin): a
    ticket tool's page at https://tickets.example.com/app, or https://*.zendesk.com, was refused its CORS answer
    with nothing said anywhere but the browser's console."""
    path = ("extra", "csops", "api", "cors_origins")
    value = raw
    for name in path:
        value = value.get(name) if isinstance(value, dict) else None
    if value is None:
        return []
    where = (CONFIG_FILE, *_position(text, path))
    if not isinstance(value, (list, str)):
        return [Problem(*where, "cors-origin", f"{'.'.join(path)} must be a list of origins, not {type(value).__name__}",
                        "write e.g. [https://tickets.example.com]", "warning")]
    problems = []
    for origin in [value] if isinstance(value, str) else value:
        origin_text = origin.strip() if isinstance(origin, str) else ""
        if browser_origin(origin_text) is not None:
            continue
        parts = urlsplit(origin_text) if "://" in origin_text else None
        if "*" in origin_text:
            why, fix = "a wildcard matches no origin: only whole origins, or '*' for any site", \
                       "list each origin, e.g. https://acme.zendesk.com"
        elif parts and "@" in parts.netloc and parts.scheme in ("http", "https"):
            why, fix = "an origin has no user name: a browser sends only the scheme and host", \
                       f"write {parts.scheme}://{parts.netloc.rpartition('@')[2]}"
        elif parts and parts.netloc and parts.scheme in ("http", "https"):
            why, fix = "an origin has no path: a browser sends only the scheme and host", \
                       f"write {parts.scheme}://{parts.netloc}"
        else:
            why, fix = "an origin is a scheme and a host, as a browser sends it", "write e.g. https://tickets.example.com"
        problems.append(Problem(*where, "cors-origin", f"CORS origin {shown(repr(origin), 60)} is never matched: {why}",
                                fix, "warning"))
    return problems


def _position(text: str, path: tuple[str, ...]) -> tuple[int, int]:
    """Line and column of a setting's value: its top-level key (the last one, which MkDocs uses), then each
    nested key below it; the top-level key's own place where a nested one is not found."""
    lines = text.splitlines()
    tops = [n for n, line in enumerate(lines) if re.match(rf"{re.escape(path[0])}\s*:", line)]
    if not tops:
        return 1, 1
    row, found = tops[-1], lines[tops[-1]]
    for name in path[1:]:
        for n in range(row + 1, len(lines)):
            if lines[n] and not lines[n][0].isspace() and not lines[n].startswith("#"):
                break  # the next top-level setting
            if re.match(rf"\s+{re.escape(name)}\s*:", lines[n]):
                row, found = n, lines[n]
                break
    value = re.match(r"\s*[^:]*:\s*", found)
    return row + 1, (value.end() + 1 if value else 1)


def check_config(project: Path) -> list[Problem]:
    """mkdocs.yml's syntax and limits, the settings csops reads, and top-level settings written twice (MkDocs
    takes the last one silently)."""
    text, raw, problems = read_config(project)
    if text is None or raw is None or problems:
        return problems
    problems = settings_problems(project, raw, text)
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
