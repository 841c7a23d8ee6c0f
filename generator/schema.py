"""Each content kind's schema as data, exported as JSON Schema; the patterns its values are written in.

One JSON Schema per kind serves both editors (autocompletion through
yaml-language-server) and `csops validate` (shape_check.py), so the two can never disagree.
"""

from __future__ import annotations

import functools
import json
import re
import unicodedata
from pathlib import Path

from .durations import DATE_PATTERN, DUE_PATTERN, INTERVAL_PATTERN
from .file_writes import replace_file
from .kinds import REF_SCHEMES

SLUG = r"^[a-z0-9]+(-[a-z0-9]+)*$"
SLUG_HINT = "use lowercase letters, digits and single hyphens, e.g. 'renewal-runway'"
# Ids become file and folder names (playbooks/<id>/index.html); 64 stays far below every file system's
# 255-byte name limit, so a long id is a validation error instead of a crash in the middle of a build.
MAX_ID_LENGTH = 64


def suggested_slug(text: str) -> str:
    """The id `text` was probably meant to be ('Bad_Id' -> 'bad-id', 'Café' -> 'cafe'), or '' when nothing in it is a
    letter a-z or a digit."""
    plain = unicodedata.normalize("NFKD", text).lower()  # an accent apart from its letter: café was 'caf'
    return "-".join(re.findall(r"[a-z0-9]+", plain))[:MAX_ID_LENGTH].strip("-")


def slug_hint(value) -> str:
    """SLUG_HINT, with the id a mistyped one was probably meant to be as its example."""
    lookalike = _lookalike(value) if isinstance(value, str) else ""
    slug = suggested_slug(value) if isinstance(value, str) and not lookalike else ""
    hint = f"use lowercase letters, digits and single hyphens, e.g. '{slug}'" if slug and slug != value else SLUG_HINT
    if isinstance(value, str) and not value.isascii():  # 'csops new playbook 解約対応': where does the Japanese go?
        hint += "; an id is part of the page's address, so it is written in ASCII, and the name readers see is the title"
    if lookalike:
        hint += f"; '{lookalike}' is U+{ord(lookalike):04X} {unicodedata.name(lookalike, '')}, not an ASCII letter: retype it"
    return hint


def _lookalike(value: str) -> str:
    """The first letter of `value`, among ASCII ones, that no accent makes non-ASCII and that is no wider than them:
    one that may look like an ASCII letter (a Cyrillic а, a Greek ο), which an example would leave out (red team:
    'аssign-csm' was told to be 'ssign-csm', and the two looked alike). '' when there is none."""
    if not re.search(r"[A-Za-z]", value):
        return ""
    for char in value:
        if (not char.isascii() and char.isalpha() and unicodedata.east_asian_width(char) not in "WF"
                and not unicodedata.normalize("NFKD", char)[0].isascii()):
            return char
    return ""


DUE = DUE_PATTERN
INTERVAL = INTERVAL_PATTERN
DATE = DATE_PATTERN
REF = rf"^({'|'.join(REF_SCHEMES)}):[a-z0-9-]+(#[a-z0-9-]+)?$"  # a cross-reference: scheme:id#anchor
# What a CODEOWNERS line accepts as owners: @user, @org/team or an email, one or more separated by spaces
_OWNER = r"(?:@[A-Za-z0-9][A-Za-z0-9-]*(?:/[A-Za-z0-9._-]+)?|[^@\s]+@[^@\s]+\.[^@\s]+)"
CODEOWNER = rf"^{_OWNER}(?: +{_OWNER})*$"


NOT_BLANK = r"\S"  # text of spaces only: a role named " " was taken, and a search filter matched it


def _text(description: str) -> dict:
    return {"type": "string", "minLength": 1, "pattern": NOT_BLANK, "description": description}


# Titles and names show whole in navigation, headings and search results: a 450 KB title was taken silently
MAX_TITLE_LENGTH = 400


def _title(description: str) -> dict:
    return {**_text(description), "maxLength": MAX_TITLE_LENGTH}


def _markdown(description: str) -> dict:
    return {"type": "string", "description": description + " (Markdown)"}


def _list_of(item: dict, description: str) -> dict:
    return {"type": "array", "items": item, "description": description}


def _slug(description: str) -> dict:
    return {"type": "string", "pattern": SLUG, "maxLength": MAX_ID_LENGTH, "description": description}


_SLUG_NAME = {"pattern": SLUG, "maxLength": MAX_ID_LENGTH}
_ID = _slug("Stable id (lowercase slug); makes the URL or #anchor.")
_ROLE = _slug("A role id from content/roles.yml.")
_ROLES = {"oneOf": [_ROLE, {"type": "array", "items": _ROLE, "minItems": 1}],
          "description": "A role id or a list of role ids."}
_ALIASES = _list_of(_slug("A former id."), "Former ids, so links made before a rename keep working.")
_TAGS = _list_of({"type": "string", "minLength": 1, "pattern": NOT_BLANK}, "Free tags for search and filtering.")
_ASKED_AS = _list_of({"type": "string", "minLength": 1},
                     "How readers ask for this in their own words: searched, never shown; at most 10 phrases of at most "
                     "150 characters, each on one item only (docs/content-model.md).")
_SEGMENTS = _list_of(_slug("A segment id."), "Segment ids (content/settings.yml) this applies to; default: all.")
_DUE = {"type": "string", "pattern": DUE, "description": "Offset from due_anchor: T-90d, T+2w."}
# A BCP 47 language tag as HTML's lang takes it (en, en-US, zh-Hant): the language a text is written in
LANGUAGE_TAG = r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$"
# What a timezone can be written as before rules/timezone.py asks the tz database: the letters of IANA names
# (Asia/Tokyo, Etc/GMT+9) and of the near misses it suggests a name for ('New York', 'UTC+9:00'); never markup
TIMEZONE_WRITING = r"^[A-Za-z0-9_+/: -]+$"
_REVIEWED = {"type": "string", "pattern": DATE, "description": "Date of the last content review, YYYY-MM-DD."}
_INTERVAL = {"type": "string", "pattern": INTERVAL,
             "description": "How often to review, such as 90d or 26w; default: review_interval in settings.yml, else 180d."}
_RACI = {
    "type": "object",
    "description": "Who is Responsible, Accountable (exactly one), Consulted, Informed.",
    "properties": {"R": _ROLES, "A": _ROLES, "C": _ROLES, "I": _ROLES},
    # R and A presence is checked by rules/raci.py, which explains the RACI rule itself.
    "required": [],
    "additionalProperties": False,
}


def _object(properties: dict, required: list[str], description: str = "") -> dict:
    return {"type": "object", "description": description, "properties": properties,
            "required": required, "additionalProperties": False}


_DOC_COMMON = {
    "id": _ID,
    "title": _title("Title shown on the page and in navigation."),
    "summary": _markdown("One or two sentences shown in lists and search results"),
    "owner": _ROLE | {"description": "Role id that maintains this document."},
    "reviewed": _REVIEWED,
    "review_interval": _INTERVAL,
    "aliases": _ALIASES,
}

STEP = _object({
    "id": _ID, "title": _title("Step title."), "body": _markdown("What to do and how"),
    "owner": _ROLE | {"description": "Role id doing the step."}, "raci": _RACI,
    "checklist": _list_of({"type": "string", "minLength": 1}, "Things to tick off in this step."),
    "due": _DUE, "segments": _SEGMENTS,
    "variants": {"type": "object", "description": "Per-segment guidance shown as tabs: segment id -> Markdown.",
                 "propertyNames": _SLUG_NAME, "additionalProperties": {"type": "string"}},
    "asked_as": _ASKED_AS, "aliases": _ALIASES,
}, ["id", "title"], "One step of a playbook.")

# A page's items, each a section of its page with its anchor, copy link, owners and history: 10,500 minimal steps in
# one playbook (a 280 kB file) took a build 15.5 s and 37,000 (974 kB) more than five minutes in MkDocs alone, a page
# of 42 MB of Markdown (red team). A procedure of more steps than this is a manual: split it into playbooks. The
# bundled content's most: 8 steps, 7 entries, 3 sections of 8 items.
MAX_STEPS = 300
MAX_ENTRIES = 300
MAX_SECTIONS = 30
MAX_SECTION_ITEMS = 100  # 3,000 items at most in one checklist

PLAYBOOK = _object(_DOC_COMMON | {
    "phase": _slug("Lifecycle phase: onboarding, adoption, renewal, expansion, risk, advocacy, …"),
    "tags": _TAGS,
    "trigger": _markdown("When to run this playbook"),
    "goal": _markdown("What success looks like"),
    "kpis": _list_of({"type": "string", "minLength": 1}, "Measures that tell whether the playbook works."),
    "due_anchor": _text("What T means in step due offsets, e.g. 'contract end date'."),
    "related": _list_of(_slug("A playbook id."), "Ids of related playbooks."),
    "steps": {"type": "array", "items": STEP, "minItems": 1, "maxItems": MAX_STEPS, "description": "The procedure, in order."},
}, ["title", "steps"], "A playbook: a standard procedure with steps.")

ITEM = _object({
    "id": _ID, "text": _text("What to do (inline Markdown)."),
    "ref": {"type": "string", "pattern": REF,
            "description": "Cross-reference, e.g. playbook:renewal-runway#confirm-stakeholders."},
    "due": _DUE, "segments": _SEGMENTS, "asked_as": _ASKED_AS, "aliases": _ALIASES,
}, ["id", "text"], "One checklist item.")

SECTION = _object({
    "id": _ID, "title": _title("Section title."), "summary": _markdown("Section introduction"),
    "items": {"type": "array", "items": ITEM, "minItems": 1, "maxItems": MAX_SECTION_ITEMS,
              "description": "The section's checklist items, in order."},
    "aliases": _ALIASES,
}, ["id", "title", "items"], "A section of an onboarding checklist.")

ONBOARDING = _object(_DOC_COMMON | {
    "audience": _list_of(_ROLE, "Role ids this checklist is for."),
    "due_anchor": _text("What T means in item due offsets, e.g. 'start date'."),
    "sections": {"type": "array", "items": SECTION, "minItems": 1, "maxItems": MAX_SECTIONS,
                 "description": "The checklist's sections, in order."},
}, ["title", "sections"], "An onboarding checklist for new team members.")

ENTRY = _object({
    "id": _ID, "q": _title("The question, as people ask it."), "a": _markdown("The answer"),
    "tags": _TAGS, "asked_as": _ASKED_AS, "aliases": _ALIASES,
}, ["id", "q", "a"], "One question and answer.")

FAQ = _object(_DOC_COMMON | {
    "entries": {"type": "array", "items": ENTRY, "minItems": 1, "maxItems": MAX_ENTRIES,
                "description": "The topic's questions and answers, in order."},
}, ["title", "entries"], "A FAQ topic.")

ACTIVITY = _object({
    "id": _ID, "name": _title("The duty or activity."), "description": _markdown("What the activity covers"),
    "raci": _RACI, "playbooks": _list_of(_slug("A playbook id."), "Playbook ids that carry out this activity."),
    "asked_as": _ASKED_AS, "aliases": _ALIASES,
}, ["id", "name", "raci"], "One row of a role-division chart.")

CHART = _object(_DOC_COMMON | {
    "activities": {"type": "array", "items": ACTIVITY, "minItems": 1, "description": "The chart's rows: one duty each, with its RACI."},
}, ["title", "activities"], "A role-division (RACI) chart.")

ROLE = _object({
    "id": _ID, "name": _title("Role name."),
    "short": {**_text("Short name for table headers and compact lines (CSM, AE); the full name shows on hover."),
              "maxLength": 12},
    "description": _markdown("What this role does"),
    "aliases": _ALIASES,
    "lang": {"type": "string", "pattern": LANGUAGE_TAG,
             "description": "The language name and short are written in, when it is not the portal's (theme.language), "
                            "e.g. en for 'Solutions Engineer' on a Japanese portal: screen readers then read them in its voice."},
}, ["id", "name"], "A role.")

# Each role gets a page of its own: 5,000 roles (a 148 kB roles.yml) took a build 85 s, so a 1 MB file of them ten
# minutes; the bundled catalog has 10
MAX_ROLES = 500
# Every page whose steps or items target segments carries the whole list in its segment switch: 20,000 segments (a
# 600 kB settings.yml) made each such page 800 kB, so a portal of 1,000 playbooks nearly a gigabyte; the bundled have 2
MAX_SEGMENTS = 50
# Why a list may hold no more (shape_check's hint when one does), by the list's field
LIST_BOUND_HINTS = {
    "roles": "each role gets a page of its own, and thousands of pages take the build minutes: keep the roles your "
             "procedures assign work to",
    "segments": "every page whose steps target segments lists them all in its switch: keep the segments readers "
                "pick between",
    "steps": "a playbook of more steps is a manual, and its page takes the build minutes: split it into playbooks that "
             "link to each other (related:)",
    "entries": "split the topic into several FAQ files",
    "sections": "split the checklist into several, one per week or per role",
    "items": "split the section into several",
}
ROLES = _object({"roles": {"type": "array", "items": ROLE, "minItems": 1, "maxItems": MAX_ROLES,
                           "description": "Every role that owner, raci and audience may name."}}, ["roles"], "The role catalog.")

SETTINGS = _object({
    "review_interval": _INTERVAL | {"description": "How often all content is reviewed unless a file says otherwise, "
                                                   "such as 90d or 26w; 180d when absent."},
    "segments": {"type": "array", "maxItems": MAX_SEGMENTS,
                 "description": "Customer segments that steps and items may target (segments:).",
                 "items": _object({"id": _ID, "name": _title("Segment name.")}, ["id", "name"], "A customer segment.")},
    "phases": {"type": "array", "description": "The playbook phases in lifecycle order; once listed, a playbook's phase must be one of them.",
               "items": _object({"id": _ID, "name": _title("Phase name shown in navigation and pages."),
                                 "description": _markdown("What happens in this phase")}, ["id", "name"], "A lifecycle phase.")},
    "timezone": {"type": "string", "minLength": 1, "pattern": TIMEZONE_WRITING,
                 "description": "The IANA timezone the pages show dates and times in (What's new, 'changed on'), "
                                "such as Asia/Tokyo or Europe/Berlin; UTC when absent."},
    "codeowners": {"type": "object", "propertyNames": _SLUG_NAME, "additionalProperties": {"type": "string", "pattern": CODEOWNER},
                   "description": "Role id -> team handle for CODEOWNERS ('@org/team', '@user' or an email; several: separated by spaces)."},
}, [], "Portal-wide content settings.")

TERM = _object({
    "id": _ID, "term": _title("The term as written."),
    # not _text: a blank definition is rules/glossary.py's to report, naming the term
    "definition": {"type": "string", "minLength": 1, "description": "Plain-text definition shown on hover."},
    "synonyms": _list_of({"type": "string", "minLength": 1}, "Other spellings to highlight."),
    "reading": _text("How the term is read, for its place in the glossary page's order (a Japanese term's kana)."),
    "aliases": _ALIASES,
}, ["id", "term", "definition"], "A glossary term.")

GLOSSARY = _object({"terms": {"type": "array", "items": TERM, "minItems": 1, "description": "The terms, each with its definition."}},
                   ["terms"], "The glossary.")

SCHEMAS = {"playbook": PLAYBOOK, "onboarding": ONBOARDING, "faq": FAQ, "chart": CHART,
           "roles": ROLES, "settings": SETTINGS, "glossary": GLOSSARY}



def fields_of(kind: str, lists: tuple[str, ...] = ()) -> frozenset[str] | None:
    """The fields a mapping in a `kind` file may hold: the file's top level, or an entry of the lists `lists` names,
    outermost first (("sections", "items"): a checklist item). None where the schema takes any field."""
    schema = SCHEMAS.get(kind)
    for name in lists:
        schema = ((schema or {}).get("properties", {}).get(name) or {}).get("items")
    if not isinstance(schema, dict) or schema.get("additionalProperties") is not False:
        return None
    return frozenset(schema.get("properties", {}))

# A pattern's `$` ends the text, as JSON Schema (ECMA 262), editors and fastjsonschema read it; Python's `$` also
# matches before one final line break, so jsonschema found nothing wrong in a file the fast validator refused,
# and an id, due or review_interval ending in a line break (a `|` block, a quoted "\n") reached the model.
_DOLLAR = re.compile(r"(?<!\\)\$")


@functools.cache
def python_pattern(pattern: str) -> re.Pattern:
    """`pattern` as JSON Schema means it, for Python's re."""
    return re.compile(_DOLLAR.sub(r"\\Z", pattern))


def matches(pattern: str, value: str) -> bool:
    """Whether `value` is written as `pattern` asks, read as the schema reads it."""
    return python_pattern(pattern).search(value) is not None



def export_schemas(out_dir: Path) -> list[Path]:
    """Write one JSON Schema file per kind, for editors' yaml-language-server."""
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for kind, schema in sorted(SCHEMAS.items()):
        document = {"$schema": "https://json-schema.org/draft/2020-12/schema",
                    "$id": f"csops-{kind}.schema.json", "title": f"csops-portal {kind}"} | schema
        target = out_dir / f"{kind}.schema.json"
        # whole or not at all: a full disk left a committed schema cut mid-string, and editors' completion broken
        replace_file(target, (json.dumps(document, indent=2, ensure_ascii=False, sort_keys=True) + "\n").encode())
        written.append(target)
    return written
