"""Each content kind's schema as data: exported as JSON Schema, checked with positions.

One JSON Schema per kind serves both editors (autocompletion through
yaml-language-server) and `csops validate`, so the two can never disagree.
"""

from __future__ import annotations

import difflib
import functools
import json
import re
import unicodedata
from pathlib import Path

import fastjsonschema

from .durations import DATE_PATTERN, DUE_PATTERN, INTERVAL_PATTERN
from .kinds import PLAYBOOK_FIELDS, RACI_LETTERS, REF_SCHEMES, ROLE_FIELDS
from .loader import Document
from .located_values import LocDict, LocList
from .problems import Problem, shown
from .typed_as_text import listed_in_text, rewritten
from .yaml_errors import list_written_with_typed_dashes, mapping_written_as_text

SLUG = r"^[a-z0-9]+(-[a-z0-9]+)*$"
SLUG_HINT = "use lowercase letters, digits and single hyphens, e.g. 'renewal-runway'"
# Ids become file and folder names (playbooks/<id>/index.html); 64 stays far below every file system's
# 255-byte name limit, so a long id is a validation error instead of a crash in the middle of a build.
MAX_ID_LENGTH = 64


def suggested_slug(text: str) -> str:
    """The id `text` was probably meant to be ('Bad_Id' -> 'bad-id'), or '' when nothing in it is a letter a-z or a digit."""
    return "-".join(re.findall(r"[a-z0-9]+", text.lower()))[:MAX_ID_LENGTH].strip("-")


def slug_hint(value) -> str:
    """SLUG_HINT, with the id a mistyped one was probably meant to be as its example."""
    slug = suggested_slug(value) if isinstance(value, str) else ""
    hint = f"use lowercase letters, digits and single hyphens, e.g. '{slug}'" if slug and slug != value else SLUG_HINT
    if isinstance(value, str) and not value.isascii():  # 'csops new playbook 解約対応': where does the Japanese go?
        hint += "; an id is part of the page's address, so it is written in ASCII, and the name readers see is the title"
    return hint
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

PLAYBOOK = _object(_DOC_COMMON | {
    "phase": _slug("Lifecycle phase: onboarding, adoption, renewal, expansion, risk, advocacy, …"),
    "tags": _TAGS,
    "trigger": _markdown("When to run this playbook"),
    "goal": _markdown("What success looks like"),
    "kpis": _list_of({"type": "string", "minLength": 1}, "Measures that tell whether the playbook works."),
    "due_anchor": _text("What T means in step due offsets, e.g. 'contract end date'."),
    "related": _list_of(_slug("A playbook id."), "Ids of related playbooks."),
    "steps": {"type": "array", "items": STEP, "minItems": 1, "description": "The procedure, in order."},
}, ["title", "steps"], "A playbook: a standard procedure with steps.")

ITEM = _object({
    "id": _ID, "text": _text("What to do (inline Markdown)."),
    "ref": {"type": "string", "pattern": REF,
            "description": "Cross-reference, e.g. playbook:renewal-runway#confirm-stakeholders."},
    "due": _DUE, "segments": _SEGMENTS, "asked_as": _ASKED_AS, "aliases": _ALIASES,
}, ["id", "text"], "One checklist item.")

SECTION = _object({
    "id": _ID, "title": _title("Section title."), "summary": _markdown("Section introduction"),
    "items": {"type": "array", "items": ITEM, "minItems": 1, "description": "The section's checklist items, in order."},
    "aliases": _ALIASES,
}, ["id", "title", "items"], "A section of an onboarding checklist.")

ONBOARDING = _object(_DOC_COMMON | {
    "audience": _list_of(_ROLE, "Role ids this checklist is for."),
    "due_anchor": _text("What T means in item due offsets, e.g. 'start date'."),
    "sections": {"type": "array", "items": SECTION, "minItems": 1, "description": "The checklist's sections, in order."},
}, ["title", "sections"], "An onboarding checklist for new team members.")

ENTRY = _object({
    "id": _ID, "q": _title("The question, as people ask it."), "a": _markdown("The answer"),
    "tags": _TAGS, "asked_as": _ASKED_AS, "aliases": _ALIASES,
}, ["id", "q", "a"], "One question and answer.")

FAQ = _object(_DOC_COMMON | {
    "entries": {"type": "array", "items": ENTRY, "minItems": 1, "description": "The topic's questions and answers, in order."},
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

ROLES = _object({"roles": {"type": "array", "items": ROLE, "minItems": 1,
                           "description": "Every role that owner, raci and audience may name."}}, ["roles"], "The role catalog.")

SETTINGS = _object({
    "review_interval": _INTERVAL | {"description": "How often all content is reviewed unless a file says otherwise, "
                                                   "such as 90d or 26w; 180d when absent."},
    "segments": {"type": "array", "description": "Customer segments that steps and items may target (segments:).",
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


def _names_a_role(path) -> bool:
    """Whether a value at `path` refers to a role (owner, a RACI letter, a checklist's audience, a key of settings'
    codeowners, whose error path is the mapping's)."""
    names = [p for p in path if isinstance(p, str)]
    return bool(names) and (names[-1] in ROLE_FIELDS + ("codeowners",)
                            or (names[-1] in RACI_LETTERS and names[-2:-1] == ["raci"]))


def _names_a_playbook(path) -> bool:
    """Whether a value at `path` is an entry of a list of playbook ids (a playbook's related, an activity's playbooks)."""
    names = [p for p in path if isinstance(p, str)]
    return bool(names) and isinstance(path[-1], int) and names[-1] in PLAYBOOK_FIELDS


@functools.cache
def _levels_holding(kind: str, name: str) -> tuple[str, ...]:
    """Where in a `kind` file a field may be written: "the file's top level", "each item of sections › items"."""
    found: list[str] = []

    def walk(schema: dict, path: tuple[str, ...]) -> None:
        properties = schema.get("properties") or {}
        if name in properties:
            found.append("each item of " + " › ".join(path) if path else "the file's top level")
        for key, value in properties.items():
            if isinstance(value, dict) and value.get("type") == "array" and isinstance(value.get("items"), dict):
                walk(value["items"], path + (key,))

    if kind in SCHEMAS:
        walk(SCHEMAS[kind], ())
    return tuple(found)


@functools.cache
def _fast_validator(kind: str):
    """Most files are valid: a compiled validator answers "valid" ~10x faster. Compiled when a file of the kind
    is first checked (an edit rebuild checks only the edited file: the others' checks are cached)."""
    return fastjsonschema.compile(SCHEMAS[kind])


@functools.cache
def _full_validator(kind: str):
    """jsonschema's full list of located errors, only for a file the fast validator refused: importing
    jsonschema costs every csops command ~0.1 s, which valid content never pays now."""
    from jsonschema import Draft202012Validator, ValidationError, validators

    def pattern(validator, pattern: str, instance, schema):
        if validator.is_type(instance, "string") and not _as_written(pattern).search(instance):
            yield ValidationError(f"{instance!r} does not match {pattern!r}")

    return validators.extend(Draft202012Validator, {"pattern": pattern})(SCHEMAS[kind])


# A pattern's `$` ends the text, as JSON Schema (ECMA 262), editors and fastjsonschema read it; Python's `$` also
# matches before one final line break, so jsonschema found nothing wrong in a file the fast validator refused,
# and an id, due or review_interval ending in a line break (a `|` block, a quoted "\n") reached the model.
_DOLLAR = re.compile(r"(?<!\\)\$")


@functools.cache
def _as_written(pattern: str) -> re.Pattern:
    """`pattern` as JSON Schema means it, for Python's re."""
    return re.compile(_DOLLAR.sub(r"\\Z", pattern))


def matches(pattern: str, value: str) -> bool:
    """Whether `value` is written as `pattern` asks, read as the schema reads it."""
    return _as_written(pattern).search(value) is not None


def _but_for_a_final_line_break(pattern: str, value) -> bool:
    """Whether `value` is refused only for the line break it ends with."""
    return isinstance(value, str) and value.endswith("\n") and matches(pattern, value[:-1])


def export_schemas(out_dir: Path) -> list[Path]:
    """Write one JSON Schema file per kind, for editors' yaml-language-server."""
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for kind, schema in sorted(SCHEMAS.items()):
        document = {"$schema": "https://json-schema.org/draft/2020-12/schema",
                    "$id": f"csops-{kind}.schema.json", "title": f"csops-portal {kind}"} | schema
        target = out_dir / f"{kind}.schema.json"
        target.write_text(json.dumps(document, indent=2, ensure_ascii=False, sort_keys=True) + "\n", encoding="utf-8")
        written.append(target)
    return written


def _locate(data, path) -> tuple[int, int]:
    """Find the line/col of a JSON path inside located data."""
    node, position = data, getattr(data, "pos", (1, 1))
    for part in path:
        if isinstance(node, LocDict) and part in node:
            position, node = node.where(part), node[part]
        elif isinstance(node, LocList) and isinstance(part, int) and part < len(node):
            position, node = node.where(part), node[part]
        else:
            break
    return position


def _subschema(schema: dict, path) -> dict:
    for part in path:
        if isinstance(part, int):
            schema = schema.get("items", {})
        else:
            schema = schema.get("properties", {}).get(part, {})
    return schema


def _type_name(value) -> str:
    return {dict: "a mapping", LocDict: "a mapping", list: "a list", LocList: "a list", str: "text",
            int: "a number", float: "a number", bool: "true/false", type(None): "empty"}.get(type(value), type(value).__name__)


def _problem_for(error, document: Document) -> list[Problem]:
    path = list(error.absolute_path)
    line, col = _locate(document.data, path)
    where = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in path).lstrip(".") or "file"
    field_name = str(path[-1]) if path and not isinstance(path[-1], int) else where
    kind = error.validator
    if kind == "additionalProperties" and field_name == "raci" and isinstance(error.instance, dict):
        meant = rewritten(error.instance)
        if meant is not None:  # one line with the RACI to write, not 'unknown field' per role or letter
            return [Problem(document.path, line, col, "raci-letters", f"raci is written {meant[1]}; csops reads one "
                            "capital letter per key, R, A, C or I, with its roles after it", f"write raci: {meant[0]}")]
    if kind == "additionalProperties":
        allowed = sorted(error.schema.get("properties", {}))
        extras = [k for k in error.instance if k not in error.schema.get("properties", {})]
        problems = []
        for extra in extras:
            k_line, k_col = error.instance.where_key(extra) if isinstance(error.instance, LocDict) else (line, col)
            typed = str(extra)
            plain = unicodedata.normalize("NFKC", typed).strip().lower()  # ｐｈａｓｅ, typed with a Japanese input method on
            close = ([plain] if plain != typed and plain in allowed else
                     [a for a in allowed if a.lower() == plain][:1]  # r for R: RACI letters are capitals
                     or difflib.get_close_matches(plain, allowed, n=1, cutoff=0.6))
            missing = [name for name in error.schema.get("required", []) if name not in error.instance]
            if not close and len(extras) == 1 and len(missing) == 1:  # title where an item wants text
                close = missing
            hint = f"did you mean '{close[0]}'?" if close else "known fields: " + ", ".join(allowed)
            if typed[:1] in ("\u3000", "\u00a0"):  # the key's indentation is a full-width or no-break space
                hint = "the line is indented with a full-width or no-break space, which YAML reads as part of the key: indent with ASCII spaces"
            elif close and plain != typed.lower():
                hint = f"did you mean '{close[0]}', in half-width letters?"
            levels = _levels_holding(document.kind, str(extra))
            if levels and not (close and close == missing):  # a real field one level off (asked_as on the page, owner on an entry): "unknown" misleads
                hint = f"'{shown(extra)}' belongs on " + " or ".join(levels) + ", not here"
            problems.append(Problem(document.path, k_line, k_col, "unknown-field", f"unknown field '{shown(extra)}'", hint))
        return problems
    if kind == "required":
        missing = error.message.split("'")[1] if "'" in error.message else error.message
        return [Problem(document.path, line, col, "missing-field", f"missing required field '{missing}'"
                        + (f" in {where}" if path else ""), f"add '{missing}:'")]
    if kind in ("pattern", "maxLength") and _names_a_role(path):
        return []  # a role id that is no slug is no known role: the unknown-role rule says so, with the id meant
    if kind in ("pattern", "maxLength") and _names_a_playbook(path):
        return []  # likewise a playbook id that is no slug (related: [Renewal-Runway]): the unknown-playbook rule says so
    if kind == "maxLength" and error.schema.get("pattern") == SLUG:
        return [Problem(document.path, line, col, "invalid-id", f"'{shown(error.instance)}' is too long for an id in {where}: "
                        f"{len(error.instance)} characters", f"shorten it to at most {MAX_ID_LENGTH} characters")]
    if kind == "pattern" and error.schema.get("pattern") == NOT_BLANK:
        required = field_name in _subschema(_full_validator(document.kind).schema, path[:-1]).get("required", [])
        return [Problem(document.path, line, col, "empty-value", f"{field_name} is blank",
                        "write the text" if required else "write the text, or remove it from the list"
                        if path and isinstance(path[-1], int) else "write the text, or remove the field")]
    if kind == "pattern" and error.schema.get("pattern") == REF and isinstance(error.instance, str):
        # rules/references.py names it: text it cannot read as scheme:id, with the form that works; an id or anchor
        # no page has (no id holds a capital: playbook:x#Kickoff), with the one meant. One error, not two.
        return []
    if kind == "pattern":
        pattern = error.schema.get("pattern", "")
        if _but_for_a_final_line_break(pattern, error.instance):
            noun = {SLUG: "id", DUE: "offset", INTERVAL: "interval", DATE: "date", CODEOWNER: "owners",
                    LANGUAGE_TAG: "language code", TIMEZONE_WRITING: "timezone"}.get(pattern, "value")
            return [Problem(document.path, line, col, "invalid-value",
                            f"'{shown(error.instance)}' is not valid for {field_name}: a line break follows the {noun}",
                            f"write the {noun} on the line of '{field_name}:', with no line break after it: "
                            "a '|' or '>' block ends in one")]
        if pattern == SLUG:
            return [Problem(document.path, line, col, "invalid-id", f"'{shown(error.instance)}' is not a valid id in {where}",
                            slug_hint(error.instance))]
        examples = {DUE: "write offsets like T-90d or T+2w, up to 4 digits", INTERVAL: "write intervals like 90d or 26w, up to 4 digits",
                    DATE: "write dates as YYYY-MM-DD",
                    REF: "write scheme:id or scheme:id#anchor, ids in lowercase, e.g. playbook:renewal-runway#kickoff",
                    CODEOWNER: "write a GitHub team or user as CODEOWNERS reads it, e.g. '@acme/cs-ops' (several: '@acme/cs-ops @jane')",
                    LANGUAGE_TAG: "write a language code as HTML's lang takes it, e.g. en, en-US or ja",
                    TIMEZONE_WRITING: "write an IANA timezone name, e.g. Asia/Tokyo, Europe/Berlin or UTC"}
        return [Problem(document.path, line, col, "invalid-value", f"'{shown(error.instance)}' is not valid for {field_name}",
                        examples.get(pattern, f"must match {pattern}"))]
    if kind == "oneOf":
        if error.instance == []:
            return []  # an empty role list is reported by the RACI rules
        if isinstance(error.instance, (str, list)) and all(isinstance(v, str) for v in (
                [error.instance] if isinstance(error.instance, str) else error.instance)):
            return []  # text that is no role id: the unknown-role rule names each, with the id meant
        return [Problem(document.path, line, col, "wrong-type", f"{field_name} must be a role id or a list of role ids, got {_type_name(error.instance)}",
                        "e.g. R: csm or C: [sales-ae, support]")]
    if kind == "type":
        expected = error.schema.get("type")
        noun = {"string": "text", "array": "a list", "object": "a mapping", "integer": "a number"}.get(expected, expected)
        if error.instance is None:
            hint = "write the value, or remove the empty line"
        elif expected == "string" and isinstance(error.instance, list) and field_name == "owner":
            hint = "owner is one role id: keep one, and name the others in a step's raci (R, C or I)"
        elif expected == "string" and isinstance(error.instance, list):
            hint = "write one value, not a list: remove the [ ] or the '- ' lines (quote it if the text starts with [ or -)"
        elif expected == "string" and isinstance(error.instance, dict):
            hint = "quote the whole value: YAML reads a ': ' or { } in it as a mapping"
        elif expected == "string":
            hint = "quote text that YAML reads as a number, date or true/false"
        elif expected == "array" and list_written_with_typed_dashes(error.instance):
            slip, hint = list_written_with_typed_dashes(error.instance)
            return [Problem(document.path, line, col, "wrong-type",
                            f"{field_name} must be a list, got {_type_name(error.instance)}: {slip}", hint)]
        elif expected == "array" and isinstance(error.instance, str) and error.instance.strip():
            entries = listed_in_text(error.instance)  # ids and tags: each a word, so commas cannot be inside one
            hint = (f"write a list: {field_name}: [{', '.join(entries)}]"
                    if len(error.instance) <= 80 and all(re.fullmatch(r"\S+", entry) for entry in entries)
                    else "write a list: one '- value' line each, or [a, b]")
        elif expected == "array" and isinstance(error.instance, dict) and error.instance \
                and all(isinstance(v, dict) for v in error.instance.values()):  # entries keyed by id (csm: {name: …})
            first = shown(next(iter(error.instance)))
            hint = (f"write a list of entries, each starting with its id: '- id: {first}' in place of '{first}:', "
                    "its fields indented under it")
        elif expected == "array":
            hint = "write a list: one '- value' line each, or [a, b]"
        elif expected == "object" and isinstance(error.instance, str) and mapping_written_as_text(error.instance):
            slip, hint = mapping_written_as_text(error.instance)
            return [Problem(document.path, line, col, "wrong-type", f"{field_name} must be a mapping, got text: {slip}", hint)]
        elif expected == "object" and field_name == "file":
            hint = "a content file is a mapping: its top-level lines start with a field name (title: …), not '- ' or text"
        elif expected == "object":
            hint = "write 'key: value' lines, indented under it"
        else:
            hint = ""
        return [Problem(document.path, line, col, "wrong-type", f"{field_name} must be {noun}, got {_type_name(error.instance)}", hint)]
    if kind == "maxLength":
        limit = error.schema["maxLength"]
        return [Problem(document.path, line, col, "too-long", f"{field_name} is {len(error.instance):,} characters; "
                        f"at most {limit}", "shorten it: it shows whole in navigation, headings and search results; "
                        "the details belong in the summary or body" if limit == MAX_TITLE_LENGTH else "shorten it")]
    if kind == "minLength" and error.schema.get("pattern") == NOT_BLANK:
        return []  # "" is blank too: the pattern's error says so, once
    if kind in ("minItems", "minLength"):
        return [Problem(document.path, line, col, "empty-value", f"{field_name} must not be empty")]
    return [Problem(document.path, line, col, "invalid-value", f"{where}: {shown(error.message, 120)}")]


def check_shape(document: Document) -> list[Problem]:
    """Check one document against its kind's schema; every violation becomes a Problem."""
    try:
        _fast_validator(document.kind)(document.data)
        return []
    except fastjsonschema.JsonSchemaException:
        pass
    validator = _full_validator(document.kind)
    problems: list[Problem] = []
    for error in validator.iter_errors(document.data):
        # oneOf errors for role lists are reported once, not per branch.
        problems.extend(_problem_for(error, document))
    return problems
