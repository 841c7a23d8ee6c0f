"""Warnings for text left as scaffolded and for the example site_url: valid YAML that should not be published.

They are warnings, not errors: a draft may sit in a branch for days. `--strict`
(for CI) makes them fail.
"""

from __future__ import annotations

import re

from ..loader import Document
from ..mkdocs_yaml import ConfigRead
from ..problems import Problem
from ..schema import SCHEMAS
from . import located_strings

CODES = ("placeholder-text", "example-site-url", "no-site-url")

# The sample text `csops new` writes into a new file (scaffold.py), which only makes sense as a prompt: left in a
# published page, it is a warning. One list per language, written into the files and recognised from the same words.
PROMPTS = {
    "en": {"summary": "Say in one or two sentences what this page is for.",
           "trigger": "Describe the event or date that starts this playbook.",
           "goal": "Describe the outcome this playbook exists for.",
           "step": "Describe the first step", "body": "Explain what to do, and why.",
           "check": "Replace with the first thing to check", "section": "What the first week is for.",
           "question": "Write the question as people ask it?", "answer": "Write the answer.",
           "duty": "Describe the duty", "duty_scope": "What the duty covers."},
    "ja": {"summary": "このページの目的を 1～2 文で書いてください。",
           "trigger": "このプレイブックを始める出来事や日付を書いてください。",
           "goal": "このプレイブックで実現したい結果を書いてください。",
           "step": "最初の手順を書いてください", "body": "何を、なぜ行うのかを書いてください。",
           "check": "最初に確認することに置き換えてください", "section": "最初の 1 週間の目的を書いてください。",
           "question": "実際に聞かれる言い方で質問を書いてください", "answer": "回答を書いてください。",
           "duty": "業務を書いてください", "duty_scope": "この業務の範囲を書いてください。"},
}
# Prompts earlier versions wrote, still in drafts scaffolded then
FORMER_PROMPTS = frozenset({"最初のステップを書いてください"})
PLACEHOLDERS = frozenset(text for prompts in PROMPTS.values() for text in prompts.values()) | FORMER_PROMPTS

# Hosts reserved for documentation (RFC 2606) and the Japanese example's: ticket links there lead nowhere.
_EXAMPLE_HOST = re.compile(r"^https?://([^/]*\.)?example\.(com|net|org|jp)(:\d+)?(/|$)", re.IGNORECASE)


def is_example_url(url) -> bool:
    """Whether `url` is on a documentation host (example.com …), where no ticket link could ever have led."""
    return isinstance(url, str) and bool(_EXAMPLE_HOST.match(url))


def _required_text_fields(schema: dict) -> set[str]:
    """The text fields some level of a kind requires (a step's title, an entry's q and a): not to be deleted."""
    found = {name for name in schema.get("required", ()) if schema["properties"][name].get("type") == "string"}
    for value in (schema.get("properties") or {}).values():
        if isinstance(value, dict) and isinstance(value.get("items"), dict):
            found |= _required_text_fields(value["items"])
    return found


REQUIRED_TEXT = frozenset().union(*(_required_text_fields(schema) for schema in SCHEMAS.values()))


def _fix(field_name: str) -> str:
    """'or delete the field if it is optional' left a newcomer to work out which fields are (a step's title is not)."""
    if field_name == "checklist":  # a line of a step's checklist: an entry of a list
        return "replace it with the real line, or delete the line"
    return "replace it with the real text" if field_name in REQUIRED_TEXT else "replace it with the real text, or delete the field"


def check_file(doc: Document) -> list[Problem]:
    """Text `csops new` wrote and nobody replaced, in one file (a rule of the file alone: kept per file)."""
    problems = []
    for text, where, field_name in located_strings(doc.data):
        if text.strip() in PLACEHOLDERS:
            problems.append(Problem(doc.path, *where(), "placeholder-text",
                                    # named bare: in backticks it would be a command to type (suggested_commands.py)
                                    f"{field_name} still holds the text csops new wrote: '{text.strip()}'",
                                    _fix(field_name), severity="warning"))
    return problems


def check_site_url(config: ConfigRead) -> list[Problem]:
    """The example site_url makes every "Copy for ticket" link point at a host that does not exist; no site_url
    makes them paths. Read where MkDocs reads it: in mkdocs.yml or a file it INHERITs (an example address set in
    base.yml passed without a word). `config`: mkdocs.yml as this run read it (mkdocs_yaml.read_config)."""
    from ..mkdocs_yaml import CONFIG_FILE, setting_position

    if not isinstance(config.raw, dict):
        return []  # check_config reports a config that could not be read
    url = config.raw.get("site_url")
    if not str(url or "").strip():
        # csops link printed /playbooks/qbr/?v=…#prep and the API's url was the same path: no link in a ticket
        return [Problem(CONFIG_FILE, 1, 1, "no-site-url", "mkdocs.yml has no site_url; links copied for tickets "
                        "(csops link, the API's url and markdown) would be paths without a host, which open nothing "
                        "from a ticket", "add 'site_url: https://…/', where the portal is published", severity="warning")]
    if not isinstance(url, str) or not is_example_url(url.strip()):
        return []
    text = config.settings_text
    return [text.locate(Problem(CONFIG_FILE, *setting_position(text, ("site_url",)), "example-site-url",
                                f"site_url is the example address {url.strip()}; links copied for tickets would point there",
                                "set site_url to where the portal is published", severity="warning"))]
