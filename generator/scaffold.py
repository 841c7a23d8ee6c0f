"""`csops new`: scaffold a content file that validates as written, with comments explaining each field.

An Ops editor starting a pull request gets a working file to fill in instead of
guessing the contract; role ids are taken from the project's own roles.yml.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import click

from .kinds import KINDS_BY_CLI_WORD
from .loader import load_content
from .schema import MAX_ID_LENGTH, SLUG, SLUG_HINT


_HEADER = """\
{modeline}# {what}. The contract for every field: docs/content-model.md
# The file name is the id, so this page lives at {url}. If you ever rename it,
# list the old id under `aliases:` so links pasted in tickets keep working.
"""

_COMMON = """\
title: {title}   # required: shown on the page, in navigation and in search
summary: >-   # one or two sentences shown in lists and search results (Markdown)
  {summary}
owner: {owner}   # role id (content/roles.yml) that maintains this page; shown on the page
reviewed: {today}   # date of the last content review, YYYY-MM-DD; `csops stale` warns when it gets old
# review_interval: 90d   # optional: overrides review_interval in content/settings.yml
aliases: []   # former ids of this page after a rename; each keeps a redirect alive
"""

BODIES = {
    "playbook": """\
phase: {phase}   # lifecycle phase id (onboarding, adoption, renewal, expansion, risk, …; the list in content/settings.yml)
tags: []   # free words that help search, e.g. [renewal, pricing]
trigger: >-   # when to start this playbook (Markdown)
  Describe the event or date that starts this playbook.
goal: >-   # what success looks like (Markdown)
  Describe the outcome this playbook exists for.
kpis: []   # measures that tell whether the playbook works, e.g. [Gross renewal rate]
due_anchor: start date   # what T means in the steps' `due:` offsets
related: []   # ids of related playbooks, shown at the end of the page
steps:   # required: the procedure, in order
  - id: first-step   # lowercase slug; makes the link #first-step, so keep it stable
    title: Describe the first step   # required
    owner: {r}   # role id doing the step
    raci: {{R: {r}, A: {a}}}   # Responsible (one or more), Accountable (exactly one), Consulted, Informed
    due: T+0d   # offset from due_anchor: T-90d, T+2w
    body: |   # what to do and how (Markdown); link with playbook:id#step, faq:topic#entry, role:id
      Explain what to do, and why.
    checklist:   # things to tick off (inline Markdown)
      - Replace with the first thing to check
    aliases: []   # former ids of this step; keeps old #anchors landing here
""",
    "onboarding": """\
audience: [{r}]   # role ids this checklist is for
due_anchor: start date   # what T means in the items' `due:` offsets
sections:   # required
  - id: first-week   # lowercase slug; makes the link #first-week
    title: First week   # required
    summary: What the first week is for.   # optional (Markdown)
    items:   # required
      - id: meet-the-team   # lowercase slug; makes the link #meet-the-team
        text: Meet the team   # required (inline Markdown)
        due: T+5d   # offset from due_anchor: T+5d, T+2w
        # ref: playbook:some-playbook#some-step   # optional cross-reference shown as a link
""",
    "faq": """\
entries:   # required: questions and answers
  - id: first-question   # lowercase slug; makes the link #first-question
    q: Write the question as people ask it?   # required
    a: |   # required: the answer (Markdown)
      Write the answer.
    tags: []   # free words that help search
""",
    "chart": """\
activities:   # required: one row per duty
  - id: first-activity   # lowercase slug; makes the link #first-activity
    name: Describe the duty   # required
    description: What the duty covers.   # optional (Markdown)
    raci: {{R: {r}, A: {a}}}   # Responsible (one or more), Accountable (exactly one), Consulted, Informed
    playbooks: []   # ids of playbooks that carry out this duty
""",
}

# The sample text above that only makes sense as a prompt: left in a published page, it is a warning.
PLACEHOLDERS = frozenset({
    "Say in one or two sentences what this page is for.", "Describe the event or date that starts this playbook.",
    "Describe the outcome this playbook exists for.", "Describe the first step", "Explain what to do, and why.",
    "Replace with the first thing to check", "What the first week is for.", "Write the question as people ask it?",
    "Write the answer.", "Describe the duty", "What the duty covers.",
})

_WHAT = {"playbook": "A playbook: a standard procedure with ordered steps",
         "onboarding": "An onboarding checklist for new team members",
         "faq": "A FAQ topic: questions and answers", "chart": "A role-division (RACI) chart"}


class ScaffoldError(click.ClickException):
    """The file cannot be created (bad id, taken id, no roles)."""


def _catalog_ids(project: Path, kind: str, field_name: str) -> list[str]:
    """Ids listed in a catalog file (roles.yml's roles, settings.yml's phases), in file order."""
    documents, _ = load_content(project)
    for doc in documents:
        if doc.kind == kind and isinstance(doc.data, dict):
            entries = doc.data.get(field_name) or []
            return [e["id"] for e in entries if isinstance(e, dict) and isinstance(e.get("id"), str)]
    return []


def _taken_ids(project: Path, kind: str) -> set[str]:
    documents, _ = load_content(project)
    taken = set()
    for doc in documents:
        if doc.kind == kind and isinstance(doc.data, dict):
            taken.add(doc.data.get("id") or doc.stem)
            taken.update(a for a in doc.data.get("aliases") or [] if isinstance(a, str))
    return taken


def _pick(roles: list[str], preferred: tuple[str, ...]) -> str:
    return next((r for r in preferred if r in roles), roles[0])


def scaffold_text(kind: str, doc_id: str, title: str, roles: list[str], today: dt.date, modeline: str = "",
                  phase: str = "operations") -> str:
    from .urls import page_source, page_url

    owner = _pick(roles, ("cs-ops", "enablement", "cs-lead"))
    values = {"title": json.dumps(title, ensure_ascii=False), "summary": "Say in one or two sentences what this page is for.",
              "owner": owner, "today": today.isoformat(), "r": _pick(roles, ("csm",)), "a": _pick(roles, ("cs-lead",)),
              "phase": phase}
    header = _HEADER.format(modeline=modeline, what=_WHAT[kind], url=page_url(page_source(kind, doc_id)))
    return header + _COMMON.format(**values) + BODIES[kind].format(**values)


def scaffold(project: Path, cli_kind: str, doc_id: str, title: str | None = None, today: dt.date | None = None) -> Path:
    """Write content/<folder>/<id>.yml; refuses bad or taken ids and never overwrites."""
    content_kind = KINDS_BY_CLI_WORD[cli_kind]
    kind = content_kind.name
    if not re.match(SLUG, doc_id):
        raise ScaffoldError(f"'{doc_id}' is not a valid id: {SLUG_HINT}")
    if len(doc_id) > MAX_ID_LENGTH:
        raise ScaffoldError(f"'{doc_id[:40]}…' is {len(doc_id)} characters; ids are at most {MAX_ID_LENGTH} (they become URLs)")
    target = project / "content" / content_kind.folder / f"{doc_id}.yml"
    if target.exists():
        raise ScaffoldError(f"{target.relative_to(project).as_posix()} already exists; pick another id")
    if doc_id in _taken_ids(project, kind):
        raise ScaffoldError(f"{cli_kind} id '{doc_id}' is already used (as an id or alias); pick another id")
    roles = _catalog_ids(project, "roles", "roles")
    # settings.yml's phases, when it lists any, are the only valid ones: start with the first.
    phase = next(iter(_catalog_ids(project, "settings", "phases")), "operations")
    if not roles:
        raise ScaffoldError("content/roles.yml defines no roles yet; add at least one role first")
    schema = project / "schemas" / f"{kind}.schema.json"
    modeline = "# yaml-language-server: $schema=../../schemas/%s.schema.json\n" % kind if schema.is_file() else ""
    title = title or doc_id.replace("-", " ").capitalize()
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(scaffold_text(kind, doc_id, title, roles, today or dt.date.today(), modeline, phase), encoding="utf-8")
    return target
