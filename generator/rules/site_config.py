"""mkdocs.yml's settings as csops reads them: each of the type csops reads it as, each a MkDocs setting, each
top-level one once, and the ones csops decides itself or writes over (site_dir); then the families of the rest:
its addresses (site_addresses), its theme (site_theme), what MkDocs would refuse (mkdocs_refusals).

`csops build` used to be the first to find a wrong setting; a setting written twice silently took the last value
while the site_url check read the first. How the file is read is mkdocs_yaml.py's.
"""

from __future__ import annotations

import difflib
import html
import os
import re
from pathlib import Path

from ..mkdocs_yaml import (CONFIG_FILE, ConfigRead, empty_problem, nth_entry_position, setting_position, unset_problem,
                           unset_variable)
from ..problems import Problem, shown
from . import mkdocs_refusals, site_addresses, site_redirects, site_theme

CODES = ("config-setting", "duplicate-key", "setting-csops-sets", "unsafe-site-dir")
# a top-level key as written: one written twice is a duplicate (check_config)
_TOP_LEVEL_KEY = re.compile(r"^(?P<key>[A-Za-z_][\w-]*)\s*:(?=\s|$)", re.MULTILINE)


# The settings csops itself reads, and what each must be (MkDocs checks the others when it builds): a list
# where csops read a mapping crashed the build with a traceback that validate had passed.
_READ_SETTINGS: dict[tuple[str, ...], tuple[type, ...]] = {
    ("site_name",): (str,), ("site_url",): (str,), ("site_dir",): (str,),
    ("theme",): (str, dict), ("theme", "language"): (str,), ("theme", "custom_dir"): (str,), ("theme", "features"): (list,),
    ("theme", "palette"): (dict, list),
    ("extra",): (dict,), ("extra", "csops"): (dict,), ("extra", "csops", "whats_new"): (dict,), ("extra", "csops", "api"): (dict,),
    ("plugins",): (list, dict), ("markdown_extensions",): (list, dict), ("extra_css",): (list,),
    ("extra_javascript",): (list,), ("nav",): (list,), ("validation",): (dict,), ("extra", "social"): (list,),
    ("hooks",): (list,), ("watch",): (list,),
}
# Settings csops does not read and Material (or MkDocs' theme loader) takes without a check: 'favicon: [x]' or
# 'homepage: 5' under extra: passed validate, Material wrote "['x']" or "5" into every page's link, and the build
# stopped on 19 broken links naming pages, not mkdocs.yml; 'static_templates: 5' stopped it on MkDocs' "TypeError:
# 'int' object is not iterable", on no line (red team). Checked as _READ_SETTINGS are.
_READ_BY_THE_THEME: dict[tuple[str, ...], tuple[type, ...]] = {
    ("theme", "favicon"): (str,), ("theme", "logo"): (str,), ("extra", "homepage"): (str,),
    ("theme", "static_templates"): (list,),
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
    # neither MkDocs nor Material checks these: 'palette: 5' or 'extra_templates: [5]' passed validate, and the build
    # stopped in Material's base.html ('int' object is not iterable) or in pathlib (red team)
    ("theme", "palette"): (dict,), ("extra_templates",): (str,), ("theme", "static_templates"): (str,),
}
_ENTRY_FIELDS: dict[tuple[str, ...], tuple[str, ...]] = {("extra", "social"): ("icon", "link", "name")}
_TYPE_WORDS = {str: "a text", dict: "a mapping of settings", list: "a list"}
_TYPE_HINTS = {str: "write one value after the colon, quoted if it holds ': ' or ' #'",
               dict: "indent its settings under it, one 'name: value' a line",
               list: "list the entries under it, one '- entry' a line"}
# What's new lists this many content commits (`extra.csops.whats_new.commits`), at most MAX_WHATS_NEW_COMMITS
WHATS_NEW_COMMITS = 20
MAX_WHATS_NEW_COMMITS = 200
# Settings MkDocs or Material cannot do without once they are written: left empty (`language:`), or an !ENV of a
# variable not set where the build runs, each passed validate and ended the build in MkDocs' TypeError
# (custom_dir) or in "cannot write the build: 'partials/languages/None.html' not found ... fix the file system
# problem" (language). MkDocs takes nothing for the others (site_author: !ENV X); INHERIT is mkdocs_yaml's.
_NOT_EMPTY = (("theme", "language"), ("theme", "custom_dir"))

# Folders csops reads or writes: a site_dir there would replace them with a link to the built site
_PROJECT_FOLDERS = ("content", "templates", "build", ".git")


def settings_problems(project: Path, raw: dict, text: str) -> list[Problem]:
    """The settings csops reads, of the type it reads them as; site_name, which MkDocs requires; a safe site_dir.
    `text` is mkdocs.yml's, or its INHERIT chain's (ConfigRead.settings_text): each problem is located in the
    file that writes the setting."""
    locate = getattr(text, "locate", None)
    problems = _settings_problems(project, raw, text)
    return [locate(problem) for problem in problems] if locate else problems


def _settings_problems(project: Path, raw: dict, text: str) -> list[Problem]:
    problems = []
    if not raw.get("site_name"):
        problems.append(Problem(CONFIG_FILE, 1, 1, "config-setting", "mkdocs.yml has no site_name; MkDocs requires one",
                                "add 'site_name: Your portal's name' at the top"))
    for path, types in {**_READ_SETTINGS, **_READ_BY_THE_THEME}.items():
        value = raw
        for name in path:
            value = value.get(name) if isinstance(value, dict) else None
        if value is not None and not isinstance(value, types):
            line, col = setting_position(text, path)
            problems.append(Problem(CONFIG_FILE, line, col, "config-setting",
                                    f"'{'.'.join(path)}' must be {' or '.join(_TYPE_WORDS[t] for t in types)}, "
                                    f"not {type(value).__name__}", _TYPE_HINTS[types[0]]))
    for path in _NOT_EMPTY:
        settings = raw
        for name in path[:-1]:
            settings = settings.get(name) if isinstance(settings, dict) else None
        if isinstance(settings, dict) and path[-1] in settings and settings[path[-1]] is None:
            problems.append(empty_problem(text, path, ".".join(path)))
    problems += _list_entry_problems(raw, text)
    for name in raw:
        if name not in MKDOCS_SETTINGS and name != "INHERIT":
            close = difflib.get_close_matches(str(name), sorted(MKDOCS_SETTINGS), n=1, cutoff=0.7)
            line, col = setting_position(text, (str(name),))
            problems.append(Problem(CONFIG_FILE, line, 1, "config-setting", f"'{shown(str(name), 40)}' is not a MkDocs setting; "
                                    "the build would refuse it", f"did you mean '{close[0]}'?" if close else
                                    "put your own values under 'extra:', where themes and templates read them"))
    problems += _whats_new_problems(raw, text)
    problems += site_addresses.check_settings(raw, text)
    site_name = raw.get("site_name")
    if isinstance(site_name, str) and re.search(r"[<>]", html.unescape(site_name)):
        line, col = setting_position(text, ("site_name",))
        problems.append(Problem(CONFIG_FILE, line, col, "config-setting", f"site_name holds '<' or '>' "
                                f"('{shown(site_name, 60)}'): Material's tooltips show the logo's title, the "
                                "site_name, as HTML, so a tag in it is run, not shown",
                                "write the name without < and >"))
    theme = raw.get("theme") if isinstance(raw.get("theme"), dict) else {}
    palette = theme.get("palette") if isinstance(theme.get("palette"), list) else [theme.get("palette")]
    for option in palette:
        toggle = option.get("toggle") if isinstance(option, dict) and isinstance(option.get("toggle"), dict) else {}
        if isinstance(toggle.get("name"), str) and re.search(r"[<>]", html.unescape(toggle["name"])):
            line, col = setting_position(text, ("theme", "palette"))
            problems.append(Problem(CONFIG_FILE, line, col, "config-setting", f"a palette toggle's name holds '<' or "
                                    f"'>' ('{shown(toggle['name'], 60)}'): Material's tooltips show the toggle's "
                                    "title, its name, as HTML, so a tag in it is run, not shown",
                                    "write the name without < and >"))
    problems += site_theme.check_settings(project, raw, text)
    problems += mkdocs_refusals.check_settings(project, raw, text)
    problems += site_redirects.check_settings(raw, text)
    problems += _settings_csops_sets(raw, text)
    site_dir = raw.get("site_dir")
    refusal = site_dir_refusal(project, site_dir) if isinstance(site_dir, str) else None
    if refusal is not None:
        line, col = setting_position(text, ("site_dir",))
        problems.append(Problem(CONFIG_FILE, line, col, "unsafe-site-dir", f"site_dir '{shown(site_dir, 80)}' {refusal}",
                                "point site_dir at a new folder, or leave it out to build into site/ next to mkdocs.yml"))
    return problems



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
            line, col = nth_entry_position(text, path[0], n) if len(path) == 1 else setting_position(text, path)
            unset = unset_variable(text, line, col) if entry is None else None
            if unset is not None:
                problems.append(unset_problem(CONFIG_FILE, line, col, f"entry {n + 1} of '{'.'.join(path)}'", unset))
                continue
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
    return [Problem(CONFIG_FILE, *setting_position(text, path), "config-setting",
                    f"{'.'.join(path)} is {shown(repr(value), 40)}; csops lists a whole number of content commits on "
                    f"What's new, from 0 to {MAX_WHATS_NEW_COMMITS}",
                    f"write a number such as {WHATS_NEW_COMMITS}, the default, or delete the line")]



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
    """A warning at each setting csops decides itself, saying what it does instead (a looser MkDocs anchors check is
    passed to MkDocs as written, as csops' default 'warn' gives way to any the site sets); an error for
    use_directory_urls: false, which would break every address pasted in a ticket (they are folders)."""
    problems = []
    for name, (agreed, what, fix) in CSOPS_SETTINGS.items():
        value = raw.get(name)
        if name not in raw or value == agreed or (isinstance(value, str) and os.path.normpath(value) == agreed):
            continue
        line, col = setting_position(text, (name,))
        problems.append(Problem(CONFIG_FILE, line, col, "setting-csops-sets", f"'{name}': {what}", fix, "warning"))
    validation = raw.get("validation") if isinstance(raw.get("validation"), dict) else {}
    links = validation.get("links") if isinstance(validation.get("links"), dict) else {}
    for path, level in ((("validation", "anchors"), validation.get("anchors")),
                        (("validation", "links", "anchors"), links.get("anchors"))):
        if level in ("info", "ignore"):  # MkDocs then lets a broken #link pass; csops' link check of the built site
            line, col = setting_position(text, path)  # still refuses it, and a team reading the line thought it off
            problems.append(Problem(CONFIG_FILE, line, col, "setting-csops-sets",
                                    f"'{'.'.join(path)}: {level}' does not let a broken #link through: csops checks "
                                    "every link of the built site and refuses the build on one",
                                    "delete the line; fix the link where validate or the build names it", "warning"))
    if raw.get("use_directory_urls") is False:
        line, col = setting_position(text, ("use_directory_urls",))
        problems.append(Problem(CONFIG_FILE, line, col, "config-setting", "use_directory_urls: false would give pages "
                                "addresses ending in .html, and every link csops makes and every published URL "
                                "(playbooks/qbr/) would break", "delete the line"))
    return problems



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
    # the build ran MkDocs over every page, then said the site "must be replaceable by a link … cannot be a mount
    # point": mkdir found a file where the folder holding the site goes
    blocking = next((above for above in where.parents if os.path.lexists(above) and not above.is_dir()), None)
    if blocking is not None:
        return (f"lies in {os.path.relpath(blocking, project) if blocking.is_relative_to(project) else blocking}, "
                "which is a file: no folder can be made there")
    if where.is_symlink() or not where.exists():
        return None  # a link csops made (it is only ever re-pointed), or a new folder
    if not where.is_dir():
        return "is a file: the build would replace it"
    if any(where.iterdir()) and not any((where / name).is_file() for name in ("index.html", "sitemap.xml", "404.html")):
        return "is a folder that holds files but no built site (no index.html): the build would delete them"
    return None



def check_config(project: Path, config: ConfigRead, settings: list[Problem] | None = None) -> list[Problem]:
    """mkdocs.yml's syntax and limits, the settings csops reads, and settings written twice in one mapping of any
    file of its INHERIT chain (MkDocs takes the last one silently). `config`: as this run read it (read_config);
    `settings`: its settings_problems when the caller has them already."""
    if config.text is None or config.raw is None or config.problems:
        return config.problems
    problems = list(settings) if settings is not None else settings_problems(project, config.raw, config.settings_text)
    for shown_as, text in config.written:
        first: dict[str, int] = {}
        for match in _TOP_LEVEL_KEY.finditer(text):
            line = text.count("\n", 0, match.start()) + 1
            key = match["key"]
            if key in first:
                # worded as content files' duplicate keys are (located_yaml.parse_yaml)
                problems.append(Problem(shown_as, line, 1, "duplicate-key",
                                        f"duplicate key '{key}', first defined at line {first[key]}",
                                        "YAML keeps only the last one, and MkDocs uses it; delete the line you did not mean"))
            else:
                first[key] = line
        for key, (line, col), first_line in _nested_duplicate_keys(text):
            problems.append(Problem(shown_as, line, col, "duplicate-key",
                                    f"duplicate key '{shown(key, 40)}', first defined at line {first_line}",
                                    "YAML keeps only the last one, and MkDocs uses it; delete the line you did not mean"))
    return problems


def _nested_duplicate_keys(text: str):
    """(key, (line, col), first line) of each key written twice in one mapping below the top level: `features:`
    written twice under theme: dropped the first list without a word (top-level keys are found above, by line).
    Read from the composed nodes, each once, so an alias is not walked again."""
    import yaml

    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)  # composing builds no value: no tag is run
    except yaml.YAMLError:
        return
    seen: set[int] = set()
    stack = [(root, 0)] if root is not None else []
    while stack:
        node, depth = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        if isinstance(node, yaml.MappingNode):
            first: dict[str, int] = {}
            for key, value in node.value:
                if depth > 0 and isinstance(key, yaml.ScalarNode) and key.tag != "tag:yaml.org,2002:merge":
                    if key.value in first:
                        yield key.value, (key.start_mark.line + 1, key.start_mark.column + 1), first[key.value]
                    else:
                        first[key.value] = key.start_mark.line + 1
                stack.append((value, depth + 1))
        elif isinstance(node, yaml.SequenceNode):
            stack.extend((item, depth + 1) for item in node.value)
