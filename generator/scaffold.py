"""`csops new`: scaffold a content file that validates as written, with comments explaining each field.

An Ops editor starting a pull request gets a working file to fill in instead of
guessing the contract; role ids are taken from the project's own roles.yml.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
from collections import Counter
from pathlib import Path

import click

from .mkdocs_config import read_site_config
from .kinds import KINDS_BY_CLI_WORD
from .loader import load_content
from .problems import shown
from .rules import RESERVED_PAGE_HINT, RESERVED_PAGE_IDS, as_list, doc_id
from .rules.placeholders import PROMPTS
from .schema import MAX_ID_LENGTH, SLUG, matches, slug_hint


_HEADER = """\
{modeline}# {what}. The contract for every field: csops-portal's docs/content-model.md (`csops schema` for your editor)
# The file name is the id, so this page lives at {url}. If you ever rename it,
# list the old id under `aliases:` so links pasted in tickets keep working.
"""

_COMMON = """\
title: {title}   # required: shown on the page, in navigation and in search
summary: >-   # one or two sentences shown in lists and search results (Markdown)
  {p[summary]}
owner: {owner}   # role id (content/roles.yml) that maintains this page; shown on the page
reviewed: {today}   # date of the last content review, YYYY-MM-DD; `csops stale` warns when it gets old
# review_interval: 90d   # optional: overrides review_interval in content/settings.yml
aliases: []   # former ids of this page after a rename; each keeps a redirect alive
"""

BODIES = {
    "playbook": """\
phase: {phase}   # lifecycle phase id, one of those in content/settings.yml: {phases}
tags: []   # free words that help search, e.g. [renewal, pricing]
trigger: >-   # when to start this playbook (Markdown)
  {p[trigger]}
goal: >-   # what success looks like (Markdown)
  {p[goal]}
kpis: []   # measures that tell whether the playbook works, e.g. [Gross renewal rate]
due_anchor: start date   # what T means in the steps' `due:` offsets
related: []   # ids of related playbooks, shown at the end of the page
steps:   # required: the procedure, in order
  - id: first-step   # lowercase slug; makes the link #first-step, so keep it stable
    title: {p[step]}   # required
    owner: {r}   # role id doing the step
    raci: {{R: {r}, A: {a}}}   # Responsible (one or more), Accountable (exactly one), Consulted, Informed
    due: T+0d   # offset from due_anchor: T-90d, T+2w
    body: |   # what to do and how (Markdown); link with playbook:id#step, faq:topic#entry, role:id
      {p[body]}
    checklist:   # things to tick off (inline Markdown)
      - {p[check]}
    aliases: []   # former ids of this step; keeps old #anchors landing here
""",
    "onboarding": """\
audience: [{r}]   # role ids this checklist is for
due_anchor: start date   # what T means in the items' `due:` offsets
sections:   # required
  - id: first-week   # lowercase slug; makes the link #first-week
    title: First week   # required
    summary: {p[section]}   # optional (Markdown)
    items:   # required
      - id: meet-the-team   # lowercase slug; makes the link #meet-the-team
        text: Meet the team   # required (inline Markdown)
        due: T+5d   # offset from due_anchor: T+5d, T+2w
        # ref: playbook:some-playbook#some-step   # optional cross-reference shown as a link
""",
    "faq": """\
entries:   # required: questions and answers
  - id: first-question   # lowercase slug; makes the link #first-question
    q: {p[question]}   # required
    a: |   # required: the answer (Markdown)
      {p[answer]}
    tags: []   # free words that help search
""",
    "chart": """\
activities:   # required: one row per duty
  - id: first-activity   # lowercase slug; makes the link #first-activity
    name: {p[duty]}   # required
    description: {p[duty_scope]}   # optional (Markdown)
    raci: {{R: {r}, A: {a}}}   # Responsible (one or more), Accountable (exactly one), Consulted, Informed
    playbooks: []   # ids of playbooks that carry out this duty
""",
}

# The same file for a Japanese portal (theme language ja): its editors read the comments and prompts in Japanese.
_HEADER_JA = """\
{modeline}# {what}。各フィールドの決まりは csops-portal の docs/content-model.md にあります(エディタ用には `csops schema`)。
# ファイル名が id で、このページは {url} に公開されます。名前を変えるときは、
# 古い id を `aliases:` に書いてください。チケットに貼られたリンクが切れません。
"""

_COMMON_JA = """\
title: {title}   # 必須: ページ、ナビゲーション、検索に表示する題名
summary: >-   # 一覧と検索結果に出る 1～2 文の説明(Markdown)
  {p[summary]}
owner: {owner}   # このページを保守するロールの id(content/roles.yml)。ページに表示されます
reviewed: {today}   # 最後に内容を見直した日(YYYY-MM-DD)。古くなると `csops stale` が知らせます
# review_interval: 90d   # 任意: content/settings.yml の review_interval をこのページだけ変える
aliases: []   # 名前を変える前の id。それぞれの古い URL から転送されます
"""

BODIES_JA = {
    "playbook": """\
phase: {phase}   # ライフサイクルのフェーズ id。content/settings.yml にあるもの: {phases}
tags: []   # 検索の助けになる語。例: [契約更新, 価格]
trigger: >-   # このプレイブックを始めるきっかけ(Markdown)
  {p[trigger]}
goal: >-   # 成功した状態(Markdown)
  {p[goal]}
kpis: []   # プレイブックが機能しているかを測る指標。例: [更新率]
due_anchor: 開始日   # 手順の `due:` にある T が何の日付か
related: []   # 関連するプレイブックの id。ページの最後に表示されます
steps:   # 必須: 手順を順番に
  - id: first-step   # 英小文字のスラッグ。リンクが #first-step になるので変えないでください
    title: {p[step]}   # 必須
    owner: {r}   # この手順を行うロールの id
    raci: {{R: {r}, A: {a}}}   # 実行責任 R(1 つ以上)、説明責任 A(ちょうど 1 つ)、協議 C、報告 I
    due: T+0d   # due_anchor からの日数: T-90d、T+2w
    body: |   # 何をどうするか(Markdown)。リンクは playbook:id#step、faq:topic#entry、role:id
      {p[body]}
    checklist:   # 確認して印を付ける項目(インラインの Markdown)
      - {p[check]}
    aliases: []   # この手順の以前の id。古い #アンカーがここに届きます
""",
    "onboarding": """\
audience: [{r}]   # このチェックリストの対象ロールの id
due_anchor: 入社日   # 項目の `due:` にある T が何の日付か
sections:   # 必須
  - id: first-week   # 英小文字のスラッグ。リンクが #first-week になります
    title: 最初の 1 週間   # 必須
    summary: {p[section]}   # 任意(Markdown)
    items:   # 必須
      - id: meet-the-team   # 英小文字のスラッグ。リンクが #meet-the-team になります
        text: チームのメンバーと話す   # 必須(インラインの Markdown)
        due: T+5d   # due_anchor からの日数: T+5d、T+2w
        # ref: playbook:some-playbook#some-step   # 任意: リンクとして表示する参照先
""",
    "faq": """\
entries:   # 必須: 質問と回答
  - id: first-question   # 英小文字のスラッグ。リンクが #first-question になります
    q: {p[question]}   # 必須
    a: |   # 必須: 回答(Markdown)
      {p[answer]}
    tags: []   # 検索の助けになる語
""",
    "chart": """\
activities:   # 必須: 業務ごとに 1 行
  - id: first-activity   # 英小文字のスラッグ。リンクが #first-activity になります
    name: {p[duty]}   # 必須
    description: {p[duty_scope]}   # 任意(Markdown)
    raci: {{R: {r}, A: {a}}}   # 実行責任 R(1 つ以上)、説明責任 A(ちょうど 1 つ)、協議 C、報告 I
    playbooks: []   # この業務を行うプレイブックの id
""",
}

_WHAT = {"en": {"playbook": "A playbook: a standard procedure with ordered steps",
                "onboarding": "An onboarding checklist for new team members",
                "faq": "A FAQ topic: questions and answers", "chart": "A role-division (RACI) chart"},
         "ja": {"playbook": "プレイブック: 順番に行う手順で書いた標準の進め方",
                "onboarding": "新しく入ったメンバーのオンボーディング・チェックリスト",
                "faq": "FAQ のトピック: 質問と回答", "chart": "業務分掌(RACI)の表"}}
_TEXTS = {"en": (_HEADER, _COMMON, BODIES), "ja": (_HEADER_JA, _COMMON_JA, BODIES_JA)}


class ScaffoldError(click.ClickException):
    """The file cannot be created (bad id, taken id, no roles)."""


def _catalog_ids(documents: list, kind: str, field_name: str) -> list[str]:
    """Ids listed in a catalog file (roles.yml's roles, settings.yml's phases), in file order."""
    for doc in documents:
        if doc.kind == kind and isinstance(doc.data, dict):
            entries = as_list(doc.data.get(field_name))
            return [e["id"] for e in entries if isinstance(e, dict) and isinstance(e.get("id"), str)]
    return []


def _taken_ids(documents: list, kind: str) -> set[str]:
    taken = set()
    for doc in documents:
        if doc.kind == kind and isinstance(doc.data, dict):
            taken.add(doc_id(doc))
            taken.update(a for a in as_list(doc.data.get("aliases")) if isinstance(a, str))
    return taken


def _title_from_id(documents: list, doc_id: str) -> str:
    """A first title from the id, with the project's own spelling of each acronym it knows: new-ae-onboarding is
    "New AE onboarding", not "New ae onboarding" (the glossary's terms and synonyms, the roles' short names)."""
    spellings: dict[str, str] = {}
    for doc in documents:
        data = doc.data if isinstance(doc.data, dict) else {}
        entries = data.get("terms") if doc.kind == "glossary" else data.get("roles") if doc.kind == "roles" else None
        for entry in entries if isinstance(entries, list) else []:
            if isinstance(entry, dict):
                synonyms = entry.get("synonyms") if isinstance(entry.get("synonyms"), list) else []
                for spelling in (entry.get("term"), entry.get("short"), *synonyms):
                    if isinstance(spelling, str) and re.fullmatch(r"[A-Za-z0-9]+", spelling) and sum(c.isupper() for c in spelling) > 1:
                        spellings.setdefault(spelling.lower(), spelling)
    words = [spellings.get(word, word) for word in doc_id.split("-") if word]
    if not words:
        return doc_id
    return " ".join([words[0][:1].upper() + words[0][1:], *words[1:]])


def _portal_today(documents) -> dt.date:
    """The day `reviewed:` is written as: the portal's (settings.yml `timezone:`), as `csops stale` and validate
    count it, not the editor's machine's, which is a day off for hours each day east or west of the portal."""
    from .portal_time import local_today
    from .validate import portal_zone

    return local_today(portal_zone(documents))


def _portal_language(project: Path) -> str:
    """The theme language of mkdocs.yml ("en" when it cannot be read: the file is then English, as before)."""
    try:
        return read_site_config(project).language
    except (click.ClickException, OSError):
        return "en"


def _usual_phase(documents: list) -> str | None:
    """The phase most playbooks are in (on a tie, the first met in file order), for a portal whose settings.yml
    lists none: a new playbook in `operations`, a phase no other playbook had, added a navigation section to every
    page, and the next build rendered every page again (8.3 s at 1,000 playbooks)."""
    phases = Counter(doc.data.get("phase") for doc in documents
                     if doc.kind == "playbook" and isinstance(doc.data, dict))
    usual = [phase for phase, _ in phases.most_common() if isinstance(phase, str) and phase]
    return usual[0] if usual else None


def _pick(roles: list[str], preferred: tuple[str, ...]) -> str:
    return next((r for r in preferred if r in roles), roles[0])


# The phase comment when settings.yml lists no phases (then any id is one).
_ANY_PHASE = {"en": "none listed yet, so any id (onboarding, adoption, renewal, …)",
              "ja": "まだ一覧がないため任意の id(onboarding、adoption、renewal など)"}


def scaffold_text(kind: str, doc_id: str, title: str, roles: list[str], today: dt.date, modeline: str = "",
                  phases: list[str] = (), language: str = "en", usual_phase: str | None = None) -> str:
    """The new file's text, its comments and prompts in the portal's language (English unless Japanese).

    The phase comment lists the portal's own phases: a list of usual ones named phases a new portal does not have.
    The file starts in the first of them, or in `usual_phase` when there are none (_usual_phase)."""
    from .urls import page_source, page_url

    language = "ja" if language.split("-")[0] == "ja" else "en"
    header, common, bodies = _TEXTS[language]
    owner = _pick(roles, ("cs-ops", "enablement", "cs-lead"))
    values = {"title": json.dumps(title, ensure_ascii=False), "p": PROMPTS[language],
              "owner": owner, "today": today.isoformat(), "r": _pick(roles, ("csm",)), "a": _pick(roles, ("cs-lead",)),
              "phase": next(iter(phases), usual_phase or "operations"),
              "phases": ("、" if language == "ja" else ", ").join(phases) or _ANY_PHASE[language]}
    header = header.format(modeline=modeline, what=_WHAT[language][kind], url=page_url(page_source(kind, doc_id)))
    return header + common.format(**values) + bodies[kind].format(**values)


def _refuse_invalid(kind: str, path: str, doc_id: str, text: str) -> None:
    """The file's own checks, as validate runs them, before it is written: a --title over the length limit, or
    blank, was written into a file whose first `csops validate` failed."""
    from .loader import Document
    from .located_yaml import parse_yaml
    from .validate import check_document_alone

    data, problems = parse_yaml(text, path)
    if data is not None:
        problems += check_document_alone(Document(kind, path, doc_id, data))[0]
    error = next((p for p in problems if p.severity == "error"), None)
    if error is not None:
        raise ScaffoldError(f"nothing written: {error.message} ({error.hint})" if error.hint else
                            f"nothing written: {error.message}")


def scaffold(project: Path, cli_kind: str, doc_id: str, title: str | None = None, today: dt.date | None = None) -> Path:
    """Write content/<folder>/<id>.yml; refuses bad or taken ids and never overwrites."""
    content_kind = KINDS_BY_CLI_WORD[cli_kind]
    kind = content_kind.name
    if not matches(SLUG, doc_id):
        # where the Japanese goes instead, as the command to type (the hint says only that a title holds it)
        retype = f' --title "{shown(doc_id, 80)}"' if title is None and not doc_id.isascii() else ""
        raise ScaffoldError(f"'{shown(doc_id, 80)}' is not a valid id: {slug_hint(doc_id)}"
                            + (f": csops new {cli_kind} <id>{retype}" if retype else ""))
    if len(doc_id) > MAX_ID_LENGTH:
        raise ScaffoldError(f"'{shown(doc_id)}' is {len(doc_id)} characters; ids are at most {MAX_ID_LENGTH} (they become URLs)")
    if doc_id in RESERVED_PAGE_IDS:
        raise ScaffoldError(RESERVED_PAGE_HINT)
    target = project / "content" / content_kind.folder / f"{doc_id}.yml"
    if target.exists() or target.is_symlink():  # a dangling link too: writing through it created its target
        raise ScaffoldError(f"{target.relative_to(project).as_posix()} already exists; pick another id")
    documents, _ = load_content(project)  # read once: the taken ids, the roles, the phases and the title's words
    if doc_id in _taken_ids(documents, kind):
        raise ScaffoldError(f"{cli_kind} id '{doc_id}' is already used (as an id or alias); pick another id")
    roles = _catalog_ids(documents, "roles", "roles")
    # settings.yml's phases, when it lists any, are the only valid ones: the file starts with the first; else with
    # the one most playbooks are in.
    phases = _catalog_ids(documents, "settings", "phases")
    if not roles:
        raise ScaffoldError("content/roles.yml defines no roles yet; add at least one role first")
    schema = project / "schemas" / f"{kind}.schema.json"
    modeline = "# yaml-language-server: $schema=../../schemas/%s.schema.json\n" % kind if schema.is_file() else ""
    title = title or _title_from_id(documents, doc_id)
    target.parent.mkdir(parents=True, exist_ok=True)
    text = scaffold_text(kind, doc_id, title, roles, today or _portal_today(documents), modeline, phases,
                         _portal_language(project), _usual_phase(documents))
    _refuse_invalid(kind, target.relative_to(project).as_posix(), doc_id, text)
    try:  # O_EXCL: never through a link, never over a file that appeared since the check above
        with os.fdopen(os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666), "w", encoding="utf-8") as handle:
            handle.write(text)
    except FileExistsError:
        raise ScaffoldError(f"{target.relative_to(project).as_posix()} already exists; pick another id") from None
    return target
