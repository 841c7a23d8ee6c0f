"""The theme mkdocs.yml names and what it asks of Material: a theme MkDocs has, a language Material (and csops'
labels) has words in, icons Material has. Each passed validate, and the build stopped on no line."""

from __future__ import annotations

import difflib
import re
from pathlib import Path

from ..mkdocs_yaml import CONFIG_FILE, entry_position, is_there, setting_position
from ..paths import PACKAGE_TEMPLATES
from ..problems import Problem, shown

CODES = ("config-setting", "untranslated-language", "unknown-icon")


def check_settings(project: Path, raw: dict, text: str) -> list[Problem]:
    return (_language_problems(project, raw, text) + _icon_problems(project, raw, text) + _theme_problems(raw, text)
            + _static_template_problems(project, raw, text) + _image_problems(project, raw, text))


# Language names an editor types for a code (theme.language takes Material's code)
LANGUAGE_NAMES = {"jp": "ja", "jpn": "ja", "japanese": "ja", "日本語": "ja", "english": "en", "eng": "en",
                   "en-us": "en", "en-gb": "en", "ja-jp": "ja"}


def _language_problems(project: Path, raw: dict, text: str) -> list[Problem]:
    """theme.language must be a language Material has interface words for: any other passed validate, and the
    build stopped on a missing template ('partials/languages/jp.html' not found) called a file system problem.
    MkDocs' own themes (mkdocs, readthedocs) read no theme.language (their words follow theme.locale), so there it
    is csops' words alone that it chooses."""
    theme = raw.get("theme")
    language = theme.get("language") if isinstance(theme, dict) else None
    if not isinstance(language, str):
        return []
    if theme.get("name") != "material":
        return _untranslated(project, language, text, beside="")
    known = _material_languages(project, theme)
    if not known or language in known:
        return _untranslated(project, language, text)
    meant = LANGUAGE_NAMES.get(language.strip().lower()) or next((code for code in known if code.lower() == language.lower()), None)
    close = [meant] if meant in known else difflib.get_close_matches(language, sorted(known), n=1, cutoff=0.6)
    line, col = setting_position(text, ("theme", "language"))
    return [Problem(CONFIG_FILE, line, col, "config-setting", f"theme.language '{shown(language, 40)}' is not a "
                    "language code Material has its words in", f"write language: {close[0]}" if close else
                    "write a code such as en or ja (Material's list: partials/languages in its templates)")]


_TOP_LEVEL_KEYS = re.compile(r"^([A-Za-z][A-Za-z_-]*)[ \t]*:", re.MULTILINE)


def _untranslated(project: Path, language: str, text: str, beside: str = " beside Material's") -> list[Problem]:
    """A language Material speaks and csops' labels do not (fr): pages showed Material's French beside csops' English
    headings, chips and search panel, without a word (ui_labels.load_labels falls back to English). `beside`: the
    theme words the reader sees them next to."""
    code = language.split("-")[0]
    for labels in (PACKAGE_TEMPLATES / "labels.yml", Path(project) / "templates" / "labels.yml"):
        try:
            text_of_labels = labels.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            continue  # a project's unreadable labels.yml is rules/labels.py's error
        # the languages are the file's top-level keys: found without parsing it (9 ms of every build and validate)
        if code in _TOP_LEVEL_KEYS.findall(text_of_labels):
            return []
    return [Problem(CONFIG_FILE, *setting_position(text, ("theme", "language")), "untranslated-language",
                    f"csops has no words in '{shown(language, 40)}': its headings, labels and search panel will be in "
                    f"English{beside}", f"add a '{code}:' section to templates/labels.yml: copy the en: "
                    "section of csops' labels.yml and translate its words", severity="warning")]



def _theme_problems(raw: dict, text: str) -> list[Problem]:
    """The theme is one MkDocs has: 'theme: materail', or a theme mapping with no name (nor a custom_dir, which may
    stand alone), passed validate, and the build stopped after generating every page, on MkDocs' "Unrecognised theme
    name" or "No theme name set", on no line."""
    from ..installed import entry_points

    theme = raw.get("theme")
    if not isinstance(theme, (str, dict)):
        return []  # none: MkDocs' default theme; another type is site_config's error (a text or a mapping)
    name = theme if isinstance(theme, str) else theme.get("name")
    if isinstance(theme, dict) and name is None:
        if isinstance(theme.get("custom_dir"), str):
            return []
        return [Problem(CONFIG_FILE, *setting_position(text, ("theme",)), "config-setting", "'theme' names no theme",
                        "add 'name: material' under theme:")]
    where = setting_position(text, ("theme",) if isinstance(theme, str) else ("theme", "name"))
    if not isinstance(name, str):
        return [Problem(CONFIG_FILE, *where, "config-setting", f"'theme.name' must be a text, not {type(name).__name__}",
                        "write name: material")]
    installed = sorted(entry_points("mkdocs.themes"))
    if name in installed:
        return []
    close = difflib.get_close_matches(name, installed, n=1, cutoff=0.6)
    return [Problem(CONFIG_FILE, *where, "config-setting", f"theme '{shown(name, 40)}' is not installed",
                    f"did you mean '{close[0]}'?" if close else f"write one of the installed themes: {', '.join(installed)}")]



def _static_template_problems(project: Path, raw: dict, text: str) -> list[Problem]:
    """Each theme.static_templates entry is a template the build finds: one that is not ('offline.html' misspelt)
    passed validate, and the strict build stopped on MkDocs' "Template skipped: 'ofline.html' not found in theme
    directories", on no line. Looked for where MkDocs looks: the custom_dir, csops' own theme templates, Material's,
    MkDocs' own (sitemap.xml). A list that is no list of texts is site_config's error."""
    theme = raw.get("theme") if isinstance(raw.get("theme"), dict) else {}
    templates = theme.get("static_templates")
    material = _package_templates("material")
    if not isinstance(templates, list) or theme.get("name") != "material" or not material:
        return []  # another theme's folders are its own; without Material the build says so
    folders = [*material, *_package_templates("mkdocs"), *_custom_dir(project, theme),
               Path(__file__).resolve().parent.parent / "theme"]  # mkdocs_plugin.prepare_theme adds csops' own
    problems = []
    for n, name in enumerate(templates):
        if not isinstance(name, str) or any(is_there(folder / name, Path.is_file) for folder in folders):
            continue
        line, col = entry_position(text, "theme", name)
        if (line, col) == setting_position(text, ("theme",)) or col == 1:  # written in a [flow, list]: the setting's place
            line, col = setting_position(text, ("theme", "static_templates"))
        problems.append(Problem(CONFIG_FILE, line, col, "config-setting", f"entry {n + 1} of 'theme.static_templates' "
                                f"names no template: '{shown(name, 60)}' is in neither the custom_dir nor Material's "
                                "templates", "put the template in theme.custom_dir and give its path there, or "
                                "delete the line"))
    return problems


def _image_problems(project: Path, raw: dict, text: str) -> list[Problem]:
    """theme.favicon and theme.logo name a file of the site: neither MkDocs nor Material checks, so a misspelt logo
    passed validate and the build, and every page showed a broken image in its header; a misspelt favicon passed
    validate, and the build stopped on 19 broken links to it, one per page, on no line of mkdocs.yml. The site holds
    the files of templates/assets (at ASSETS_PREFIX/…, build.asset_files) and the static files of the custom_dir,
    csops' theme and Material's (its default favicon, assets/images/favicon.png). A web address is the site's to
    keep; a value that is no text is site_config's error."""
    from urllib.parse import urlsplit

    from ..paths import ASSETS_PREFIX

    theme = raw.get("theme") if isinstance(raw.get("theme"), dict) else {}
    material = _package_templates("material")
    if theme.get("name") != "material" or not material:
        return []  # another theme finds its images its own way; without Material the build says so
    folders = [*_custom_dir(project, theme), Path(__file__).resolve().parent.parent / "theme", *material]
    assets = [project / "templates" / "assets", PACKAGE_TEMPLATES / "assets"]
    problems = []
    for setting in ("favicon", "logo"):
        value = theme.get(setting)
        try:
            parts = urlsplit(value) if isinstance(value, str) and value.strip() else None
        except ValueError:
            parts = None
        if parts is None or parts.scheme or parts.netloc:
            continue
        path = parts.path.strip("/")
        inside = path.removeprefix(ASSETS_PREFIX + "/") if path.startswith(ASSETS_PREFIX + "/") else None
        if path and ".." not in path.split("/") and (any(is_there(folder / path, Path.is_file) for folder in folders) or (
                inside and any(is_there(folder / inside, Path.is_file) for folder in assets))):
            continue
        problems.append(Problem(CONFIG_FILE, *setting_position(text, ("theme", setting)), "config-setting",
                                f"'theme.{setting}' names no file of the site: '{shown(value, 80)}' is in neither "
                                "templates/assets/ nor the custom_dir nor Material's theme, so every page would show "
                                f"a broken {'icon' if setting == 'favicon' else 'image'}",
                                f"put the image in templates/assets/ and write {ASSETS_PREFIX}/<its name>, or put it "
                                "in theme.custom_dir and give its path there, or delete the line"))
    return problems


def _package_templates(package: str) -> list[Path]:
    """The templates folder of an installed theme package (material, mkdocs); none when it is not installed."""
    import importlib.util

    spec = importlib.util.find_spec(package)
    return [Path(location) / "templates" for location in (spec.submodule_search_locations or [])] if spec else []


def _custom_dir(project: Path, theme: dict) -> list[Path]:
    """The theme's custom_dir, where the build looks first for a template, a language's partial or an icon; none when
    it is no folder (mkdocs_refusals says so)."""
    folder = project / theme["custom_dir"] if isinstance(theme.get("custom_dir"), str) else None
    return [folder] if folder is not None and is_there(folder, Path.is_dir) else []


def _material_languages(project: Path, theme: dict) -> set[str]:
    """The codes Material has a partials/languages/<code>.html for, and a custom_dir's own; empty when Material
    cannot be found (the build then says so)."""
    folders = [*_package_templates("material"), *_custom_dir(project, theme)]
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
    theme = raw.get("theme") if isinstance(raw.get("theme"), dict) else {}
    material = _package_templates("material")
    if theme.get("name") != "material" or not material:
        return []  # another theme draws its own icons; without Material the build says so
    folders = [folder / ".icons" for folder in (*_custom_dir(project, theme), *material)]
    problems = []
    for icon, path in _named_icons(raw):
        if isinstance(icon, str) and _ICON_NAME.fullmatch(icon) and ".." not in icon.split("/") and any(
                is_there(folder / f"{icon}.svg", Path.is_file) for folder in folders):
            continue
        line, col = _icon_position(text, icon, path)
        close = []
        if isinstance(icon, str) and "/" in icon:
            family = icon.split("/", 1)[0]
            names = [f"{family}/{found.relative_to(folder / family).with_suffix('').as_posix()}" for folder in folders
                     if is_there(folder / family, Path.is_dir) for found in (folder / family).rglob("*.svg")]
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
    return setting_position(text, path[:2])

