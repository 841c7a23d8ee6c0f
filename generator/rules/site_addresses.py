"""The addresses mkdocs.yml holds, as a browser will read them: site_url a web address, no link that runs script or
ends its attribute (Material writes them into href="…" as they are), CORS origins the API can match."""

from __future__ import annotations

import html
import re
from urllib.parse import urlsplit

from ..mkdocs_yaml import CONFIG_FILE, setting_position
from ..problems import Problem, shown

CODES = ("config-setting", "cors-origin")

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


def is_script_link(value: str) -> bool:
    """Whether a browser runs `value` as script when it is a link's href (check_settings' error names it)."""
    return bool(_SCRIPT_SCHEME.match(_IGNORED_IN_URLS.sub("", html.unescape(value))))


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
        if is_script_link(value):
            yield path, value, True
        elif _ADDRESS.match(address) and _ENDS_ATTRIBUTE.search(address):
            yield path, value, False



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
    where = (CONFIG_FILE, *setting_position(text, path))
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



def check_settings(raw: dict, text: str) -> list[Problem]:
    """The CORS origins, site_url, and every text of the settings a link would run as script or end early."""
    problems = []
    problems += _cors_problems(raw, text)
    site_url = raw.get("site_url")
    if isinstance(site_url, str) and site_url.strip():
        try:
            parts = urlsplit(site_url.strip())
            address = parts.scheme in ("http", "https") and bool(parts.hostname) and not re.search(r"[\s\x00-\x1f\x7f]", site_url.strip())
        except ValueError:  # http://[::1/ : urlsplit refuses what it cannot take apart
            address = False
        if not address:
            line, col = setting_position(text, ("site_url",))
            problems.append(Problem(CONFIG_FILE, line, col, "config-setting", f"site_url '{shown(site_url, 80)}' is not a web address",
                                    "write where the portal is published, e.g. https://cs.example.com/"))
    for path, value, script in _script_urls(raw):
        line, col = setting_position(text, path)
        problems.append(Problem(CONFIG_FILE, line, col, "config-setting", f"'{'.'.join(path)}' is a script link "
                                f"('{shown(value, 60)}'): a theme that shows it as a link (Material's repository link "
                                "and edit button, social links) runs it in the reader's browser when clicked",
                                "write a web address, e.g. https://github.com/acme/portal") if script else
                        Problem(CONFIG_FILE, line, col, "config-setting", f"'{'.'.join(path)}' holds '\"', '<' or '>' "
                                f"in an address ('{shown(value, 60)}'): Material writes it into its link as it is, "
                                "where the '\"' ends the href and what follows becomes the link's own attributes "
                                "(onmouseover=… runs script)", "write %22, %3C and %3E for them, as addresses do"))
    return problems
