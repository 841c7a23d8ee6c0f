"""What MkDocs (and the Markdown extensions and plugins it loads) would refuse in mkdocs.yml, found before a build:
an extension or plugin not installed, an extension's settings it refuses, a setting MkDocs checks alone, a path not
there. The build stopped on each after generating every page, in MkDocs' words, on no line.

MkDocs' config module, Markdown and pymdownx are imported only when a setting needs them (validate's time)."""

from __future__ import annotations

import difflib
import os
import re
from pathlib import Path

from ..mkdocs_entries import extension_entries, extension_settings, plugin_entries
from ..mkdocs_yaml import CONFIG_FILE, entry_position, is_there, named_path, nth_entry_position, setting_position
from ..problems import Problem, shown
from .site_addresses import is_script_link

CODES = ("config-setting", "config-python", "unknown-extension", "extension-settings", "unknown-plugin",
         "no-search-plugin", "hook-syntax", "hook-import", "hook-raised")


def check_settings(project: Path, raw: dict, text: str) -> list[Problem]:
    return (_missing_path_problems(project, raw, text) + _refused_by_mkdocs(raw, text) + _edit_link_problems(raw, text)
            + _plugin_problems(raw, text) + _extension_problems(raw, text))


def _extension_problems(raw: dict, text: str) -> list[Problem]:
    """Each markdown_extensions entry names an installed extension, and a 'module:Name' entry an extension class.

    Python-Markdown calls what 'module:Name' names with the entry's settings, so '- os:system: {command: …}' ran a
    pull request's command in csops build (CI's included) while validate passed it; the module is imported as the
    build would import it. A misspelt one ('- pymdownx.detials') passed validate, and the build stopped on no line."""
    import importlib
    import importlib.util

    from markdown.extensions import Extension

    from ..installed import entry_points

    entries = [entry for entry in extension_entries(raw.get("markdown_extensions")) if entry is not None]
    names = [name for name, _ in entries]
    registered = set(entry_points("markdown.extensions"))  # what Python-Markdown's get_installed_extensions lists
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
        line, col = entry_position(text, "markdown_extensions", name)
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
    return problems or _extension_settings_problems(raw.get("markdown_extensions"), text)


# A page's worth of what the generated pages hold (headings, a fence, a table, tabs, an admonition, a task, an
# abbreviation), so an extension that takes its settings and only fails on the text it formats fails here too.
# The fence is highlighted as plain text: Pygments' formatter and the highlight settings run as for any language,
# and no lexer's rules are compiled first (Python's took 22 ms of every build, validate and preview process).
_SAMPLE_PAGE = ("# Title\n\nText with *emphasis*, `code` and [a link](other.md).\n\n## Section {: #section }\n\n"
                "- [x] done\n\n!!! note \"Note\"\n    Inside.\n\n??? tip\n    Details.\n\n=== \"Tab\"\n    In a tab.\n\n"
                "| a | b |\n| --- | --- |\n| 1 | 2 |\n\n```text\nx = 1\n```\n\n*[CSM]: Customer Success Manager\n")


def _extension_settings_problems(configured, text: str) -> list[Problem]:
    """Each markdown_extensions entry's settings are a mapping its extension takes: 'toc: 5', 'admonition: {x: 1}',
    'toc: {slugify: []}' or 'pymdownx.superfences: {custom_fences: 5}' passed validate and stopped the build with a
    traceback (found by the content fuzzer). The entries are tried as the build runs them, beside the extensions
    every page is built with, on a sample page; together as MkDocs merges a name written twice
    (mkdocs_entries.extension_settings). `configured`: mkdocs.yml's markdown_extensions as read."""
    shapes = [(name, options) for name, options in filter(None, extension_entries(configured))
              if isinstance(name, str)]  # MkDocs names the others
    problems = [Problem(CONFIG_FILE, *entry_position(text, "markdown_extensions", name), "extension-settings",
                        f"the settings of Markdown extension '{shown(name, 60)}' must be a mapping (name: value), "
                        f"not {type(options).__name__}", f"write each setting indented under '{shown(name, 60)}:', "
                        f"or leave just '- {shown(name, 60)}' for its defaults")
                for name, options in shapes if options is not None and not isinstance(options, dict)]
    together = None if problems else _refusal(  # all at once first: a sound list costs one sample page
        {name: options for name, options in extension_settings(configured).items() if isinstance(name, str)})
    if together is None:
        return problems
    for name, options in shapes:
        refused = _refusal({name: options})
        if refused is not None:
            problems.append(Problem(CONFIG_FILE, *entry_position(text, "markdown_extensions", name),
                                    "extension-settings", f"Markdown extension '{shown(name, 60)}' refuses its "
                                    f"settings: {type(refused).__name__}: {shown(refused, 100)}",
                                    "check them against the extension's documentation, or delete them for its defaults"))
    return problems or [Problem(CONFIG_FILE, *setting_position(text, ("markdown_extensions",)), "extension-settings",
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
    names = [entry[0] if entry else None for entry in plugin_entries(plugins)]
    # an entry that names no plugin (an empty '-', a number, two names on one entry) passed, and the build ended in
    # a TypeError traceback
    problems = [Problem(CONFIG_FILE, *nth_entry_position(text, "plugins", n), "config-setting",
                        f"plugins entry {n + 1} names no plugin: {_entry_shape(plugins, n)}",
                        "write one plugin name a line ('- search'), or a name with its settings ('- search:' and "
                        "them indented below it); delete an empty '-'")
                for n, name in enumerate(names) if not isinstance(name, str)]
    names = [name for name in names if isinstance(name, str)]
    if plugins is not None and not any(name in ("search", "material/search") for name in names):
        # written on purpose or not, a portal without it has no search box: say so where it is decided
        problems.append(Problem(CONFIG_FILE, *setting_position(text, ("plugins",)), "no-search-plugin",
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
        line, col = entry_position(text, "plugins", name)
        close = difflib.get_close_matches(name, sorted(installed), n=1, cutoff=0.6)
        problems.append(Problem(CONFIG_FILE, line, col, "unknown-plugin", f"plugin '{shown(name, 40)}' is not installed",
                                f"did you mean '{close[0]}'?" if close else
                                f"install it (pip install the package that provides it) or delete the line; "
                                f"installed: {', '.join(sorted(installed))}"))
    return problems + _plugin_settings_problems(plugin_entries(plugins), installed, theme_name, text)


def _plugin_settings_problems(entries, installed: dict, theme_name, text: str) -> list[Problem]:
    """Each installed plugin's settings as the plugin's own config check reads them, and each plugin listed once
    unless it may be listed more: 'search: {lang: 5}', 'search: 5' or '- search' written twice passed validate, and
    the build stopped after generating every page on MkDocs' "Config value 'plugins': Plugin 'material/search'
    option 'lang': Expected a list of language codes", on no line (red team). A strict build stops on the
    plugin's warnings too (an unrecognised setting), so they are errors here."""
    problems, seen = [], set()
    for n, entry in enumerate(entries):
        if entry is None:
            continue
        name, settings = entry
        found = name if name in installed else f"{theme_name}/{name}"
        if found not in installed:
            continue  # not installed: said above
        line, col = entry_position(text, "plugins", name)
        try:
            plugin_class = installed[found].load()
        except Exception:  # a plugin that cannot be imported here is the build's to report, in its own words
            continue
        if found in seen and not getattr(plugin_class, "supports_multiple_instances", False):
            problems.append(Problem(CONFIG_FILE, *nth_entry_position(text, "plugins", n), "config-setting",
                                    f"plugin '{shown(name, 40)}' is listed "
                                    "twice, and it runs once a build", "keep one entry, with all its settings"))
            continue
        seen.add(found)
        if settings is not None and not isinstance(settings, dict):
            refused = [("", f"its settings are {shown(repr(settings), 40)}, not a mapping")]
        else:
            try:
                errors, warnings = plugin_class().load_config(dict(settings or {}))
            except Exception as error:
                errors, warnings = [("", f"{type(error).__name__}: {error}")], []
            refused = [(option, str(message)) for option, message in [*errors, *warnings]]
        for option, message in refused:
            what = f"'{shown(name, 40)}' setting '{option}'" if option else f"'{shown(name, 40)}'"
            problems.append(Problem(CONFIG_FILE, line, col, "config-setting",
                                    f"plugin {what} is refused: {shown(message, 160)}",
                                    "write it as the plugin's documentation shows, or delete it"))
    return problems



# Settings MkDocs checks each on its own (no other setting, file or code needed) and csops neither reads nor sets:
# checked here with MkDocs' own option. 'validation: {links: {anchor: warn}}' or 'omitted_files: warning' passed
# validate, and the build stopped after generating every page on MkDocs' "Config value 'validation': Sub-option
# 'links': Sub-option 'anchor': Unrecognised configuration name", on no line. Imported only when one is written
# (MkDocs' config module costs validate 0.05 s).
# Also those csops reads but takes as MkDocs does, each checked alone all the same: 'repo_name: 5', 'edit_uri: [a]',
# 'nav: [5]' or any 'google_analytics' (deprecated: a strict build stops on its warning) passed validate, and the
# build stopped on "Config value 'repo_name': Expected type: <class 'str'>", on no line (red team).
_CHECKED_ALONE_BY_MKDOCS = ("copyright", "dev_addr", "draft_docs", "edit_uri", "edit_uri_template", "exclude_docs",
                            "extra_templates", "google_analytics", "nav", "not_in_nav", "remote_branch", "remote_name", "repo_name",
                            "repo_url", "site_author", "site_description", "use_directory_urls", "validation")
_SUB_OPTION = re.compile(r"Sub-option '([^']*)': ")


def _refused_by_mkdocs(raw: dict, text: str) -> list[Problem]:
    """What MkDocs' own check of each of _CHECKED_ALONE_BY_MKDOCS refuses, or warns about (a strict build stops on
    a warning too), at the (sub-)setting it names."""
    import copy

    # a nav that is no list is site_config's error (_READ_SETTINGS), said once
    written = [name for name in _CHECKED_ALONE_BY_MKDOCS if raw.get(name) is not None
               and (name != "nav" or isinstance(raw[name], list))]
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
            problems.append(Problem(CONFIG_FILE, *setting_position(text, path), "config-setting",
                                    f"MkDocs refuses '{'.'.join(path)}': {shown(_SUB_OPTION.sub('', message), 160)}",
                                    "write it as MkDocs' documentation of the setting shows, or delete it"))
    return problems


def _edit_link_problems(raw: dict, text: str) -> list[Problem]:
    """With no repo_url, the edit link MkDocs makes for each page of edit_uri_template (or else edit_uri) is a web
    address: MkDocs joins it to nothing and warns on every page ("edit_uri: '5' is not a valid URL, it should
    include the http:// (scheme)"), so 'edit_uri: ../../../', 'edit_uri_template: 5' or '{path!r}' passed validate
    and the strict build stopped on 19 such lines, on no line of mkdocs.yml (red team). The link is made as MkDocs
    makes it (its own EditURITemplate) for index.md; a value MkDocs refuses is _refused_by_mkdocs' error. Both
    written stopped it too ("The option 'edit_uri' has no effect when 'edit_uri_template' is set.")."""
    from urllib.parse import urlsplit

    template, edit_uri = raw.get("edit_uri_template"), raw.get("edit_uri")
    problems = []
    if template and edit_uri:  # MkDocs' EditURITemplate.post_validation warns, and the strict build stops
        problems.append(Problem(CONFIG_FILE, *setting_position(text, ("edit_uri",)), "config-setting", "'edit_uri' has no "
                        "effect when 'edit_uri_template' is set, and MkDocs' strict build stops on saying so",
                        "keep one of them (csops' edit links to the YAML files follow edit_uri_template when it is set)"))
    if raw.get("repo_url") is not None or not (template or isinstance(edit_uri, str) and edit_uri):
        return problems
    name = "edit_uri_template" if template else "edit_uri"
    if is_script_link(str(raw[name])):  # site_addresses' error names it: one slip, one error
        return problems
    link = edit_uri.rstrip("/") + "/index.md" if not template else None
    if template:
        from mkdocs.config.config_options import EditURITemplate  # only then: MkDocs' config module costs 0.05 s

        try:
            link = str(EditURITemplate().run_validation(template).format("index.md", "index"))
        except Exception:  # MkDocs' own check refuses the template: _refused_by_mkdocs says so
            return problems
    try:
        parts = urlsplit(link)
        if parts.scheme and parts.netloc:
            return problems
    except ValueError:  # 'https://[x': MkDocs warns too
        pass
    return problems + [Problem(CONFIG_FILE, *setting_position(text, (name,)), "config-setting",
                    f"'{name}' makes page edit links such as {shown(repr(link), 60)}, which are no web address, and "
                    "no repo_url is set for MkDocs to join them to: the strict build stops on every page",
                    "write the full address of the repository's edit view, e.g. "
                    "https://github.com/acme/portal/edit/main/, or set repo_url")]


def _missing_path_problems(project: Path, raw: dict, text: str) -> list[Problem]:
    """Each folder or file mkdocs.yml names is there: a misspelt custom_dir, hook or watch entry passed validate, and
    the build stopped after generating every page on MkDocs' "The path set in custom_dir (…) does not exist", on no
    line. A type MkDocs refuses is site_config's error."""
    theme = raw.get("theme") if isinstance(raw.get("theme"), dict) else {}
    named = [(("theme", "custom_dir"), theme.get("custom_dir"), Path.is_dir, "folder")]
    for setting, kind, what in (("hooks", Path.is_file, "Python file"), ("watch", Path.exists, "file or folder")):
        entries = raw.get(setting)
        named += [((setting,), entry, kind, what) for entry in (entries if isinstance(entries, list) else [])]
    problems = []
    for path, entry, kind, what in named:
        if not isinstance(entry, str) or is_there(named_path(project, entry), kind):
            continue
        line, col = setting_position(text, path) if len(path) > 1 else entry_position(text, path[0], entry)
        found = named_path(project, entry)
        # 'hooks: [scripts]' read "'scripts' is not there" beside the folder the editor was looking at
        where = "is a folder" if is_there(found, Path.is_dir) else "is a file" if is_there(found) else "is not there"
        problems.append(Problem(CONFIG_FILE, line, col, "config-setting", f"'{'.'.join(path)}' names no {what}: "
                                f"'{shown(entry, 80)}' {where}", "give its path relative to mkdocs.yml's folder, "
                                "or delete the line"))
    return problems + _extra_template_problems(project, raw, text) + _hook_syntax_problems(project, raw)


def _extra_template_problems(project: Path, raw: dict, text: str) -> list[Problem]:
    """Each extra_templates entry is a file of the docs folder csops writes (build/docs), where MkDocs looks for it:
    'extra_templates: [nope.html]' passed validate, and the strict build stopped on MkDocs' "Template skipped:
    'nope.html' not found in docs_dir", on no line (red team). Of a project's own files, the docs folder holds
    those of templates/assets (build.asset_files), at ASSETS_PREFIX/…; an entry of another type is site_config's."""
    from ..paths import ASSETS_PREFIX, PACKAGE_TEMPLATES

    entries = raw.get("extra_templates")
    problems = []
    for n, entry in enumerate(entries if isinstance(entries, list) else []):
        if not isinstance(entry, str):
            continue
        inside = entry.strip("/").removeprefix(ASSETS_PREFIX + "/") if entry.startswith(ASSETS_PREFIX + "/") else None
        if inside and any(is_there(folder / "assets" / inside, Path.is_file)
                          for folder in (project / "templates", PACKAGE_TEMPLATES)):
            continue
        problems.append(Problem(CONFIG_FILE, *entry_position(text, "extra_templates", entry), "config-setting",
                                f"entry {n + 1} of 'extra_templates' names no file of the docs folder csops writes: "
                                f"'{shown(entry, 80)}'", f"put the template in templates/assets/ and name it "
                                f"{ASSETS_PREFIX}/<its name> here, or delete the line"))
    return problems


MAX_HOOK_BYTES = 1_000_000


def _hook_syntax_problems(project: Path, raw: dict) -> list[Problem]:
    """Each hook file is Python that compiles: one with a syntax error (or a NUL, or bytes that are not its encoding)
    passed validate, and the build stopped on MkDocs' "could not read mkdocs.yml (SyntaxError: invalid syntax
    (hook.py, line 1))", naming neither the column nor where hook.py is. Compiled, never run."""
    problems = []
    hooks = raw.get("hooks")
    for entry in hooks if isinstance(hooks, list) else []:
        path = named_path(project, entry) if isinstance(entry, str) and entry.strip() else None
        if path is None or not is_there(path, Path.is_file):
            continue  # _missing_path_problems says so
        inside = os.path.commonpath([project.resolve(), path]) == str(project.resolve())
        shown_as = os.path.relpath(path, project.resolve()) if inside else str(path)
        try:
            with path.open("rb") as file:
                source = file.read(MAX_HOOK_BYTES + 1)
        except OSError as error:
            problems.append(Problem(shown_as, 1, 1, "hook-syntax", f"the hook cannot be read: {error.strerror}",
                                    "make it a readable Python file"))
            continue
        if len(source) > MAX_HOOK_BYTES:
            continue  # a hook is code a reviewer reads: csops does not compile a megabyte of it
        try:
            compile(source, str(path), "exec", dont_inherit=True)
        except (SyntaxError, ValueError) as error:
            line, col = (getattr(error, "lineno", None) or 1), (getattr(error, "offset", None) or 1)
            if b"\0" in source:  # Python names no place for a NUL
                nul = source.index(b"\0")
                line, col = source.count(b"\n", 0, nul) + 1, nul - source.rfind(b"\n", 0, nul)
            message = getattr(error, "msg", None) or str(error)
            problems.append(Problem(shown_as, line, max(col, 1), "hook-syntax", f"the hook is not valid Python: {shown(message, 120)}",
                                    "fix the Python there (MkDocs imports this file as code on every build)"))
    return problems



def hook_problem(project: Path, raw: dict, error: BaseException, imported: bool = True) -> Problem | None:
    """Where a hook file raised `error`, as MkDocs imported it (its top-level code runs on every build) or, not
    `imported`, in one of its on_* functions while the site was built, from the traceback's last frame in that
    file; None when no hook's code raised it. A RuntimeError or NameError there ended the build on "MkDocs could
    not read mkdocs.yml (NameError: ...)", or in a traceback, naming neither the file nor the line. Validate
    compiles hooks and never runs them (_hook_syntax_problems), so the build is the first to meet this."""
    import linecache
    import traceback

    hooks = raw.get("hooks")
    paths = {os.path.realpath(named_path(project, entry)): entry for entry in (hooks if isinstance(hooks, list) else [])
             if isinstance(entry, str) and entry.strip()}
    frames = [frame for frame in traceback.extract_tb(error.__traceback__)
              if os.path.realpath(frame.filename) in paths and frame.lineno]
    if not frames:
        return None
    frame = frames[-1]
    path = Path(os.path.realpath(frame.filename))
    inside = path.is_relative_to(project.resolve())
    written = linecache.getline(frame.filename, frame.lineno)
    # the frame's column counts UTF-8 bytes; a column counts characters
    col = len(written.encode("utf-8")[:frame.colno or 0].decode("utf-8", "ignore")) + 1
    where = os.path.relpath(path, project.resolve()) if inside else str(path)
    raised = shown(f"{type(error).__name__}: {error}", 200)
    if not imported:
        return Problem(where, frame.lineno, col, "hook-raised", f"the hook raised {raised} while MkDocs built the "
                       "site, so nothing was published (the previous site is untouched)",
                       "fix that line: MkDocs calls the hook's on_* functions on every build")
    return Problem(where, frame.lineno, col, "hook-import", f"the hook raised {raised} as MkDocs imported it, so "
                   "nothing was built (the previous site is untouched)",
                   "fix that line: code outside the hook's functions runs each time MkDocs imports the file, on "
                   "every build; work that needs the settings belongs in an on_config(config) hook")


def _installed_plugins() -> dict:
    """The MkDocs plugins this environment has, by the names mkdocs.yml gives them: name -> its entry point."""
    from ..installed import entry_points

    return entry_points("mkdocs.plugins")


def _entry_shape(plugins, n: int) -> str:
    entry = list(plugins)[n] if isinstance(plugins, dict) else plugins[n]
    if isinstance(plugins, dict):
        return f"the name is {shown(repr(entry), 40)}, not text"
    if isinstance(entry, dict):
        return f"{len(entry)} names on one entry" if entry else "an empty mapping"
    return "it is empty" if entry is None else f"it is {shown(repr(entry), 40)}, not a name"

