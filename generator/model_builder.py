"""Checked documents -> the model: one builder per content kind, the only code that reads raw located data.

Call only when validation found no errors, so every builder can rely on the schema.
"""

from __future__ import annotations

import datetime as dt

from .durations import parse_days
from .kinds import KINDS
from .loader import Document
from .model import (Activity, Chart, Checklist, ChecklistItem, FaqEntry, FaqTopic, GlossaryTerm, Phase, Playbook, Raci, Role, Section, Segment, Settings, Step)
from .portal import Portal
from .portal_time import DEFAULT_ZONE
from .run_memory import RunMemory


def _common(doc: Document) -> dict:
    data = doc.data
    reviewed = data.get("reviewed")
    return {
        "id": data.get("id") or doc.stem,
        "title": data["title"],
        "source": doc.path,
        "summary": data.get("summary", "") or "",
        "owner": data.get("owner", "") or "",
        "reviewed": dt.date.fromisoformat(reviewed) if reviewed else None,
        "review_interval_days": parse_days(data.get("review_interval")),
        "aliases": tuple(data.get("aliases") or ()),
    }


def _step(data) -> Step:
    return Step(
        id=data["id"], title=data["title"], body=data.get("body", "") or "", owner=data.get("owner", "") or "",
        raci=Raci.from_data(data.get("raci")), checklist=tuple(data.get("checklist") or ()),
        due=data.get("due", "") or "", segments=tuple(data.get("segments") or ()),
        variants=tuple((data.get("variants") or {}).items()), asked_as=tuple(data.get("asked_as") or ()),
        aliases=tuple(data.get("aliases") or ()),
        line=data.pos[0],
    )


def _playbook(doc: Document) -> Playbook:
    d = doc.data
    return Playbook(
        **_common(doc), phase=d.get("phase", "") or "", tags=tuple(d.get("tags") or ()),
        trigger=d.get("trigger", "") or "", goal=d.get("goal", "") or "", kpis=tuple(d.get("kpis") or ()),
        due_anchor=d.get("due_anchor", "") or "", related=tuple(d.get("related") or ()),
        steps=tuple(_step(s) for s in d["steps"]),
    )


def _checklist(doc: Document) -> Checklist:
    d = doc.data
    sections = tuple(
        Section(id=s["id"], title=s["title"], summary=s.get("summary", "") or "", aliases=tuple(s.get("aliases") or ()),
                items=tuple(ChecklistItem(id=i["id"], text=i["text"], ref=i.get("ref", "") or "", due=i.get("due", "") or "",
                                          segments=tuple(i.get("segments") or ()), asked_as=tuple(i.get("asked_as") or ()),
                                          aliases=tuple(i.get("aliases") or ()))
                            for i in s["items"]))
        for s in d["sections"])
    return Checklist(**_common(doc), audience=tuple(d.get("audience") or ()), due_anchor=d.get("due_anchor", "") or "",
                     sections=sections)


def _faq(doc: Document) -> FaqTopic:
    entries = tuple(FaqEntry(id=e["id"], q=e["q"], a=e["a"], tags=tuple(e.get("tags") or ()),
                             asked_as=tuple(e.get("asked_as") or ()), aliases=tuple(e.get("aliases") or ()))
                    for e in doc.data["entries"])
    return FaqTopic(**_common(doc), entries=entries)


def _chart(doc: Document) -> Chart:
    activities = tuple(Activity(id=a["id"], name=a["name"], raci=Raci.from_data(a.get("raci")),
                                description=a.get("description", "") or "", playbooks=tuple(a.get("playbooks") or ()),
                                asked_as=tuple(a.get("asked_as") or ()), aliases=tuple(a.get("aliases") or ())) for a in doc.data["activities"])
    return Chart(**_common(doc), activities=activities)


# A rebuilding process's model of each unchanged file, by its parse (the very object the last build had): the
# model objects are immutable, and a builder reads nothing but its document.
_built = RunMemory()

# kind -> model builder; kinds.py says where each kind lives and which Portal collection holds it.
BUILDERS = {"playbook": _playbook, "onboarding": _checklist, "faq": _faq, "chart": _chart}
assert set(BUILDERS) == set(KINDS), "every content kind in kinds.py needs a model builder"


def build_portal(documents: list[Document]) -> Portal:
    """Turn checked documents into the model; call only when validation found no errors."""
    collections: dict[str, list] = {kind: [] for kind in BUILDERS}
    roles: list[Role] = []
    glossary: list[GlossaryTerm] = []
    settings = Settings()
    for doc in documents:
        if doc.kind in BUILDERS:
            build = BUILDERS[doc.kind]
            collections[doc.kind].append(_built.get_by(doc.data, lambda: build(doc), doc.kind, doc.path, doc.stem))
        elif doc.kind == "roles":
            roles.extend(Role(r["id"], r["name"], r.get("description", "") or "", r.get("short", "") or "",
                              tuple(r.get("aliases") or ()), r.get("lang") or "")
                         for r in doc.data["roles"])
        elif doc.kind == "glossary":
            glossary.extend(GlossaryTerm(t["id"], t["term"], t["definition"], tuple(t.get("synonyms") or ()),
                                         t.get("reading") or "", tuple(t.get("aliases") or ()))
                            for t in doc.data["terms"])
        elif doc.kind == "settings":
            d = doc.data
            settings = Settings(
                review_interval_days=parse_days(d.get("review_interval")) or 180,
                segments=tuple(Segment(s["id"], s["name"]) for s in d.get("segments") or ()),
                phases=tuple(Phase(p["id"], p["name"], p.get("description", "") or "") for p in d.get("phases") or ()),
                codeowners=tuple(sorted((d.get("codeowners") or {}).items())),
                timezone=d.get("timezone") or DEFAULT_ZONE,
            )
    by_id = lambda items: tuple(sorted(items, key=lambda x: x.id))  # noqa: E731
    documents_by_collection = {KINDS[kind].portal_attr: by_id(docs) for kind, docs in collections.items()}
    return Portal(roles=tuple(roles), glossary=by_id(glossary), settings=settings, **documents_by_collection)
