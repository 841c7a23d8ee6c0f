"""The MkDocs configuration of a build: what csops reads from the project's mkdocs.yml (`SiteConfig`), and what it
lays over it for every build: the Markdown extensions generated pages need, redirects, navigation, assets, the
theme's words in the portal's language.

A setting `csops validate` refuses stops here, in its words, before anything is written; a snippets base_path
that links out of the project raises SettingsRefused, which the build reports as its refusal.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import click

from .escaping import escape_attr
from .markdown_extensions import REQUIRED_EXTENSIONS
from .mkdocs_entries import extension_settings, plugin_entries
from .paths import GENERATED_DIR, PACKAGE_TEMPLATES, no_portal
from .mkdocs_yaml import ConfigRead, config_file as opened_config_file, read_config
from .rules.site_config import settings_problems
from .ui_labels import load_labels


class SettingsRefused(ValueError):
    """A setting the build refuses to run with. Its own class here, so the build can catch it without importing
    pymdownx.snippets on every run (35 ms) for the sites that use no snippets."""


@dataclass
class SiteConfig:
    """What csops needs from the user's mkdocs.yml, plus the overrides it applies to every build."""

    project: Path
    raw: dict
    config_file: Path
    inherited: tuple[Path, ...] = ()  # the files mkdocs.yml's INHERIT chain led to (mkdocs_yaml.ConfigRead)
    as_read: ConfigRead | None = None  # the reading itself, handed to the checks the build runs after: read once

    @property
    def language(self) -> str:
        theme = self.raw.get("theme") or {}
        return (theme.get("language") if isinstance(theme, dict) else None) or "en"

    @property
    def site_url(self) -> str:
        return self.raw.get("site_url") or ""

    # normpath, not resolve(): site/ and build/docs are links into the current generation, and callers
    # (the preview server, static hosting) must follow the link, not the generation it pointed to once.
    @property
    def site_dir(self) -> Path:
        return Path(os.path.normpath(self.project / (self.raw.get("site_dir") or "site")))

    @property
    def docs_dir(self) -> Path:
        return Path(os.path.normpath(self.project / GENERATED_DIR / "docs"))

    @property
    def templates_dir(self) -> Path:
        """The project's own templates/ when it has one: each template, asset and label it holds is laid over csops'
        own (a folder holding one edited template and no labels.yml was ignored without a word)."""
        local = self.project / "templates"
        return local if local.is_dir() else PACKAGE_TEMPLATES


def read_site_config(project: Path, check: bool = True) -> SiteConfig:
    """`check`: refuse the settings MkDocs would refuse here; a build that checks them in a worker
    (`checked_settings`, as `csops build` does) passes False and this process need not import MkDocs."""
    config_file = project / "mkdocs.yml"
    if not config_file.is_file() and not (project / "content").is_dir():
        raise click.ClickException(no_portal(project))
    if not config_file.is_file():
        raise click.ClickException(f"{config_file}: not found; a portal project needs mkdocs.yml next to content/ "
                                   "(copy the one from csops-portal's repository)")
    config = read_config(project)
    raw = config.raw
    if config.problems or check:
        _refuse(config.problems or settings_problems(project, raw or {}, config.settings_text))
    return SiteConfig(project.resolve(), raw or {}, opened_config_file(project), config.inherited, config)


def _refuse(problems) -> None:
    errors = [p for p in problems if p.severity == "error"]
    if errors:  # what `csops validate` reports, in its words: a wrong setting crashed the build mid-way
        raise click.ClickException("\n".join(p.text() for p in errors))


def checked_settings(project: Path, config: ConfigRead) -> tuple[list, list]:
    """mkdocs.yml as `config` read it, checked in the MkDocs host (mkdocs_host.py), which imports MkDocs anyway, for a
    build whose own process runs no MkDocs: (the settings problems read_site_config refuses on, check_config's)."""
    from .rules.site_config import check_config

    settings = settings_problems(project, config.raw or {}, config.settings_text)
    return settings, check_config(project, config, settings)


def settings_verdict(checked: tuple[list, list]) -> list:
    """check_config's problems of a `checked_settings` result; first raises ClickException as read_site_config
    would have on the settings MkDocs refuses."""
    _refuse(checked[0])
    return checked[1]


def still_as_read(site: SiteConfig) -> bool:
    """Whether mkdocs.yml and each file of its INHERIT chain still hold the texts `site` was read from: a caller that
    read it before starting to watch them (`csops serve`) hands it to its first build, which then need not read and
    check it again, and reads it afresh when a save came in between."""
    from .loader import read_text

    written = site.as_read.written if site.as_read is not None else ()
    files = (site.config_file, *site.inherited)
    return bool(written) and len(written) == len(files) and all(
        read_text(path, shown_as)[0] == text for path, (shown_as, text) in zip(files, written))


def _merge_extensions(configured, permalink_title: str = "", project: Path | None = None) -> list:
    """The user's markdown_extensions plus the ones generated pages need, user settings winning.

    `permalink_title`: the heading links' tooltip in the portal's language (Python-Markdown's is English).
    `project`: where pymdownx.snippets' relative base_path starts (its own default is the working directory: `csops
    build --project portal` run from the home folder let a body include `--8<-- ".ssh/id_rsa"`)."""
    merged: dict[str, dict] = {}
    for name, options in extension_settings(configured).items():
        merged[name] = options or {}
    for name, options in REQUIRED_EXTENSIONS.items():
        merged.setdefault(name, options)
    if "pymdownx.snippets" in merged:  # the same, reading no file a link leads out of its base folders to
        from . import project_snippets

        try:
            options = project_snippets.site_options(merged["pymdownx.snippets"], project or Path("."))
        except project_snippets.LinkedOutBase as refused:
            raise SettingsRefused(str(refused)) from None
        merged = {(project_snippets.__name__ if name == "pymdownx.snippets" else name): (
                  options if name == "pymdownx.snippets" else value) for name, value in merged.items()}
    # Python-Markdown's default slugify turns Japanese headings into positional _1, _2 ids that
    # shift when a heading is inserted; keep them readable unless the user chose a slugify.
    toc = dict(merged["toc"])
    if "slugify" not in toc:
        from pymdownx.slugs import slugify

        toc["slugify"] = slugify(case="lower", normalize="NFKC")
    if permalink_title:
        toc.setdefault("permalink_title", permalink_title)
    merged["toc"] = toc
    return [{name: options} if options else name for name, options in merged.items()]


def _plugins(configured, redirects: dict[str, str]) -> list:
    """The user's plugins, each with its settings, and mkdocs-redirects with csops' redirects added to its own.

    MkDocs takes `plugins:` as a list or as a mapping of name -> settings; list() of a mapping kept its names and
    dropped every plugin's settings (search's lang and separator, the site's own redirect_maps). As in MkDocs, no
    `plugins:` (or an empty one) means search alone, and `plugins: []` none: csops put search back into an empty list
    that MkDocs leaves without it."""
    if isinstance(configured, dict):
        plugins = [{name: options} for name, options in configured.items()]
    else:
        plugins = list(configured) if configured is not None else ["search"]
    names = [entry[0] if entry else None for entry in plugin_entries(plugins)]
    if redirects:
        if "redirects" in names:
            index = names.index("redirects")
            entry = plugins[index] if isinstance(plugins[index], dict) else {"redirects": {}}
            options = dict(entry["redirects"] or {})
            options["redirect_maps"] = {**redirects, **(options.get("redirect_maps") or {})}
            plugins[index] = {"redirects": options}
        else:
            plugins.append({"redirects": {"redirect_maps": redirects}})
    return plugins


def _with_assets(configured, assets: list[str], suffix: str) -> list:
    """The site's own entries, then each of the portal's `assets` ending in `suffix` that they do not list. MkDocs
    takes a script as its path or as a mapping ('- path: x.js' with 'type: module', 'defer: true'): read as text
    alone, a csops script listed that way was added again, and ran twice on every page."""
    entries = list(configured or [])
    listed = {path for path in (entry.get("path") if isinstance(entry, dict) else entry for entry in entries)
              if isinstance(path, str)}  # MkDocs names a path of another type
    return entries + [asset for asset in assets if asset.endswith(suffix) and asset not in listed]


def navigation(labels: dict, phases: list[tuple[str, str]]) -> list:
    """Section and phase index pages only: every page's nav stays small however many playbooks there are.

    `phases` is (id, display name) in the portal's phase order. Material writes nav titles into
    the HTML as they are, so every title (phase names from settings.yml, labels from labels.yml)
    is escaped here: it shows as typed and never becomes markup.
    """
    label = {key: escape_attr(labels[key]) for key in
             ("all_playbooks", "home", "onboarding", "playbooks", "faq", "charts", "roles", "glossary", "whats_new")}
    playbooks = [{label["all_playbooks"]: "playbooks/index.md"}] + [{escape_attr(name): f"phases/{p}.md"} for p, name in phases]
    return [
        {label["home"]: "index.md"},
        {label["onboarding"]: "onboarding/index.md"},
        {label["playbooks"]: playbooks},
        {label["faq"]: "faq/index.md"},
        {label["charts"]: "charts/index.md"},
        {label["roles"]: "roles/index.md"},
        {label["glossary"]: "glossary.md"},
        {label["whats_new"]: "whats-new.md"},
    ]


def mkdocs_overrides(site: SiteConfig, docs_dir: Path, site_dir: Path, nav: list | None,
                     redirects: dict[str, str], assets: list[str]) -> dict:
    raw = site.raw
    validation = dict(raw.get("validation") or {})
    validation.setdefault("anchors", "warn")
    validation.setdefault("unrecognized_links", "warn")
    validation.setdefault("omitted_files", "info")
    labels = load_labels(site.templates_dir, site.language)
    overrides = {
        "docs_dir": str(docs_dir),
        "site_dir": str(site_dir),
        "strict": True,
        "markdown_extensions": _merge_extensions(raw.get("markdown_extensions"), labels.get("permalink_title", ""),
                                                 site.project),
        "plugins": _plugins(raw.get("plugins"), redirects),
        "extra_css": _with_assets(raw.get("extra_css"), assets, ".css"),
        "extra_javascript": _with_assets(raw.get("extra_javascript"), assets, ".js"),
        "validation": validation,
        # the theme's 404 page in the portal's language (generator/theme/404.html)
        "extra": {**(raw.get("extra") or {}), "csops_not_found": {
            key: labels[f"not_found_{key}"] for key in ("title", "text", "home", "search", "search_word", "search_key") if f"not_found_{key}" in labels},
            # mkdocs-redirects' pages for renamed pages, in the same language (mkdocs_plugin.keep_query_in_redirects)
            "csops_redirect": {key: labels[f"redirect_{key}"] for key in ("title", "text", "link") if f"redirect_{key}" in labels},
            # the footer's credit to Material, in the same language (generator/theme/partials/copyright.html)
            "csops_made_with": dict(zip(("before", "after"), labels.get("made_with", "Made with {tool}").split("{tool}", 1)))},
    }
    if nav is not None and not raw.get("nav"):
        overrides["nav"] = nav
    return overrides
