"""The site's own redirects (mkdocs-redirects' redirect_maps in mkdocs.yml) over the ones csops makes for a page's
former ids (`aliases:`): an old address both send somewhere, to different pages; and over a page the portal still
has, which mkdocs-redirects replaces with its redirect. And an old page that lies outside the site, where
mkdocs-redirects would write its page all the same.

The site author's entry wins, as MkDocs gives it (mkdocs_config._plugins lays csops' redirects under the site's):
it is written on purpose, in the file the author owns. But it won without a word, and the alias csops keeps for a
renamed playbook, so that links pasted in tickets still reach it, led elsewhere: validate warns at the entry.
"""

from __future__ import annotations

import posixpath

from ..mkdocs_entries import plugin_entries
from ..mkdocs_yaml import CONFIG_FILE, ConfigRead, entry_position
from ..portal import Portal
from ..problems import Problem, shown
from ..urls import page_source, redirect_map

CODES = ("redirect-over-alias", "redirect-over-page", "redirect-outside-site")


def _address(page: str) -> str:
    """A docs-relative page as the address it is served at: 'playbooks/a.md' and 'playbooks/a/index.md' are one."""
    page = page.strip().lstrip("/").removesuffix(".md")
    return page.removesuffix("/index") if page != "index" else ""


def site_redirects(raw: dict) -> dict[str, str]:
    """redirect_maps of the site's own mkdocs-redirects entry (old page -> new page or URL), as written."""
    for entry in plugin_entries(raw.get("plugins")):
        if entry is not None and entry[0] == "redirects" and isinstance(entry[1], dict):
            maps = entry[1].get("redirect_maps")
            return {old: new for old, new in maps.items() if isinstance(old, str) and isinstance(new, str)} \
                if isinstance(maps, dict) else {}
    return {}


def check_settings(raw: dict, text) -> list[Problem]:
    """An error at each redirect_maps entry whose old page lies outside the site (a '..' above it, an absolute path).

    mkdocs-redirects joins the old page's path to the site folder as written and writes its page there: an entry
    '../../../x.md' passed validate, and the build wrote x/index.html three folders above the folder it builds in,
    outside the site and the project (red team), where no publish swaps it in and nothing cleans it up."""
    problems = []
    for old in site_redirects(raw):
        page = posixpath.normpath(old.strip())
        if page.startswith("/") or page == ".." or page.startswith("../"):
            problems.append(Problem(
                CONFIG_FILE, *entry_position(text, "plugins", old), "redirect-outside-site",
                f"redirect_maps names the old page {shown(old, 80)}, which lies outside the site: mkdocs-redirects would "
                "write its redirect page there, outside the site and the project",
                "write the old page as the docs folder names it, e.g. playbooks/old-name.md"))
    return problems


def check(portal: Portal, config: ConfigRead) -> list[Problem]:
    """A warning at each redirect_maps entry that sends a former page address csops redirects (an alias) to
    another page than the one csops sends it to, or the address of a page the portal still has elsewhere."""
    if not isinstance(config.raw, dict):
        return []
    ours = {_address(old): new for old, new in redirect_map(portal).items()}
    pages = {_address(page_source(doc.kind, doc.id)): page_source(doc.kind, doc.id) for doc in portal.documents}
    pages.update((_address(page_source("role", role.id)), page_source("role", role.id)) for role in portal.roles)
    text = config.settings_text
    problems = []
    for old, new in site_redirects(config.raw).items():
        live = pages.get(_address(old))
        if live is not None and _address(live) != _address(new):
            # mkdocs-redirects writes its redirect page over the built page, without a word
            problems.append(text.locate(Problem(
                CONFIG_FILE, *entry_position(text, "plugins", old), "redirect-over-page",
                f"redirect_maps sends {shown(old, 80)} to {shown(new, 80)}, but {live} is a page of the portal: "
                "mkdocs-redirects writes its redirect over the built page, so its readers, and the step links pasted "
                "in tickets, land elsewhere",
                "delete this entry; if the page has moved, give the page it moved to its old id in aliases: (csops "
                "then redirects the old address and its step links)", "warning")))
            continue
        made = ours.get(_address(old))
        if made is None or _address(made) == _address(new):
            continue
        problems.append(text.locate(Problem(
            CONFIG_FILE, *entry_position(text, "plugins", old), "redirect-over-alias",
            f"redirect_maps sends {shown(old, 80)} to {shown(new, 80)}, and this entry wins; but it is the former "
            f"address of {made} (an id in its aliases:), which csops redirects there, so links to the renamed page "
            "in tickets and bookmarks now lead elsewhere",
            "delete this entry to let the old address reach the renamed page; keep it only if its readers should land "
            "elsewhere", "warning")))
    return problems
