"""A content file's shape checked against its kind's schema (schema.py): each violation a Problem at the value's
line, in words that say what to write (a typo's field meant, a list typed as text, a value one level off).

Most files are valid: a compiled validator answers that; jsonschema's located errors are read only for a file
it refuses.
"""

from __future__ import annotations

import datetime
import difflib
import functools
import itertools
import re
import unicodedata

import fastjsonschema

from .compiled_validators import compiled_validator
from .kinds import PLAYBOOK_FIELDS, RACI_LETTERS, ROLE_FIELDS
from .loader import Document
from .located_values import LocDict, LocList
from .problems import MAX_SEARCHED_HINTS, Problem, shown
from .schema import (CODEOWNER, DATE, DUE, INTERVAL, LANGUAGE_TAG, MAX_ID_LENGTH, MAX_TITLE_LENGTH, NOT_BLANK, REF,
                     LIST_BOUND_HINTS, SCHEMAS, SLUG, TIMEZONE_WRITING, matches, python_pattern, slug_hint)
from .typed_as_text import listed_in_text, rewritten
from .yaml_errors import list_written_with_typed_dashes, mapping_written_as_text

# What a value written in each pattern is called ("a line break follows the offset")
_PATTERN_NOUNS = {SLUG: "id", DUE: "offset", INTERVAL: "interval", DATE: "date", CODEOWNER: "owners",
                  LANGUAGE_TAG: "language code", TIMEZONE_WRITING: "timezone"}
# How to write a value that a pattern refuses
_PATTERN_EXAMPLES = {
    DUE: "write offsets like T-90d or T+2w, up to 4 digits", INTERVAL: "write intervals like 90d or 26w, up to 4 digits",
    DATE: "write dates as YYYY-MM-DD",
    REF: "write scheme:id or scheme:id#anchor, ids in lowercase, e.g. playbook:renewal-runway#kickoff",
    CODEOWNER: "write a GitHub team or user as CODEOWNERS reads it, e.g. '@acme/cs-ops' (several: '@acme/cs-ops @jane')",
    LANGUAGE_TAG: "write a language code as HTML's lang takes it, e.g. en, en-US or ja",
    TIMEZONE_WRITING: "write an IANA timezone name, e.g. Asia/Tokyo, Europe/Berlin or UTC"}

# A date as Japanese editors write it: 2026年12月1日, 2026/12/01, 2026.12.1 (digits read half-width first)
_DATE_WRITTEN = re.compile(r"(\d{4})\s*[年/.\-]\s*(\d{1,2})\s*[月/.\-]\s*(\d{1,2})\s*日?")


def _value_meant(pattern: str, text: str) -> str | None:
    """The value a refused date, offset or interval plainly means, written as its pattern asks: 2026年12月1日 is
    2026-12-01, Ｔ－９０ｄ (typed with a Japanese input method on) T-90d. None when it means nothing plain."""
    plain = unicodedata.normalize("NFKC", text).strip().replace("\u2212", "-")  # −: an input method's minus sign
    if pattern == DATE:
        written = _DATE_WRITTEN.fullmatch(plain)
        if written is None:
            return None
        meant = f"{written[1]}-{int(written[2]):02d}-{int(written[3]):02d}"
        try:
            datetime.date.fromisoformat(meant)
        except ValueError:  # not a real date: the form to write is all there is to say
            return None
        return meant
    return plain if pattern in (DUE, INTERVAL) and plain != text and matches(pattern, plain) else None


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


def _names_a_phase_or_segment(path, kind: str) -> bool:
    """Whether a value at `path` names a phase (a playbook's phase) or a segment (an entry of a segments list), which
    the reference rules look up in settings.yml."""
    names = [p for p in path if isinstance(p, str)]
    return ((kind == "playbook" and list(path) == ["phase"])
            or (bool(names) and isinstance(path[-1], int) and names[-1] == "segments" and kind != "settings"))


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
    """Most files are valid: a compiled validator answers "valid" ~10x faster. Made when a file of the kind is
    first checked (an edit rebuild checks only the edited file: the others' checks are cached), from the code kept
    by compiled_validators.py (generating and compiling it took 30 ms of every edit rebuild)."""
    return compiled_validator(SCHEMAS[kind])


@functools.cache
def _full_validator(kind: str):
    """jsonschema's full list of located errors, only for a file the fast validator refused: importing
    jsonschema costs every csops command ~0.1 s, which valid content never pays now."""
    from jsonschema import Draft202012Validator, ValidationError, validators

    def pattern(validator, pattern: str, instance, schema):
        if validator.is_type(instance, "string") and not python_pattern(pattern).search(instance):
            yield ValidationError(f"{instance!r} does not match {pattern!r}")

    return validators.extend(Draft202012Validator, {"pattern": pattern})(SCHEMAS[kind])


def _but_for_a_final_line_break(pattern: str, value) -> bool:
    """Whether `value` is refused only for the line break it ends with."""
    return isinstance(value, str) and value.endswith("\n") and matches(pattern, value[:-1])



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


RACI_KEYS = ("raci takes four keys, each with its roles after it: R (Responsible: does the work), A (Accountable: "
             "owns the outcome, one role), C (Consulted before) and I (Informed after)")


def _field_meant(schema: dict, mapping: dict, key) -> list[str]:
    """The field a key no schema property names was meant to be ([] when none is close): 'ｐｈａｓｅ' typed with a
    Japanese input method on, 'r' for R, a typo, or the one required field missing beside the one unknown key."""
    allowed = sorted(schema.get("properties", {}))
    if key in allowed:
        return []
    typed = str(key)
    plain = unicodedata.normalize("NFKC", typed).strip().lower()
    close = ([plain] if plain != typed and plain in allowed else
             [a for a in allowed if a.lower() == plain][:1]  # r for R: RACI letters are capitals
             or difflib.get_close_matches(plain, allowed, n=1, cutoff=0.6))
    # whether this key is the mapping's one unknown one, counting no further than a second (a key asked about each
    # of a mapping's 90,000 unknown keys counted them all: validate's time grew with their square)
    alone = sum(1 for _ in itertools.islice((k for k in mapping if k not in allowed), 2)) == 1
    missing = [name for name in schema.get("required", []) if name not in mapping]
    return close or (missing if alone and len(missing) == 1 else [])  # title where an item wants text


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
        for searched, extra in enumerate(extras):
            k_line, k_col = error.instance.where_key(extra) if isinstance(error.instance, LocDict) else (line, col)
            typed = str(extra)
            plain = unicodedata.normalize("NFKC", typed).strip().lower()  # ｐｈａｓｅ, typed with a Japanese input method on
            close = _field_meant(error.schema, error.instance, extra) if searched < MAX_SEARCHED_HINTS else []
            missing = [name for name in error.schema.get("required", []) if name not in error.instance]
            hint = f"did you mean '{close[0]}'?" if close else "known fields: " + ", ".join(allowed)
            if typed[:1] in ("\u3000", "\u00a0"):  # the key's indentation is a full-width or no-break space
                hint = "the line is indented with a full-width or no-break space, which YAML reads as part of the key: indent with ASCII spaces"
            elif close and plain != typed.lower():
                hint = f"did you mean '{close[0]}', in half-width letters?"
            levels = _levels_holding(document.kind, str(extra))
            if levels and not (close and close == missing):  # a real field one level off (asked_as on the page, owner on an entry): "unknown" misleads
                hint = (f"'{shown(extra)}' belongs on " + " or ".join(levels) + ", not here; known fields here: "
                        + ", ".join(allowed))
            what = "field"
            if field_name == "raci" and not close:  # 'X: sales-ae': the four letters are the whole of the vocabulary
                what, hint = "RACI letter", RACI_KEYS
            problems.append(Problem(document.path, k_line, k_col, "unknown-field", f"unknown {what} '{shown(extra)}'", hint))
        return problems
    if kind == "required":
        missing = error.message.split("'")[1] if "'" in error.message else error.message
        unknown = (key for key in error.instance if key not in error.schema.get("properties", {}))
        if isinstance(error.instance, dict) and any(_field_meant(error.schema, error.instance, key) == [missing]
                                                    for key in itertools.islice(unknown, MAX_SEARCHED_HINTS)):
            return []  # 'tilte:': its unknown-field error says 'did you mean 'title'?', one slip, one error
        return [Problem(document.path, line, col, "missing-field", f"missing required field '{missing}'"
                        + (f" in {where}" if path else ""), f"add '{missing}:'")]
    if kind in ("pattern", "maxLength") and _names_a_role(path):
        return []  # a role id that is no slug is no known role: the unknown-role rule says so, with the id meant
    if kind in ("pattern", "maxLength") and _names_a_playbook(path):
        return []  # likewise a playbook id that is no slug (related: [Renewal-Runway]): the unknown-playbook rule says so
    if (kind in ("pattern", "maxLength") and _names_a_phase_or_segment(path, document.kind)
            and not _but_for_a_final_line_break(error.schema.get("pattern", ""), error.instance)):
        return []  # and a phase or segment (phase: Renewal): unknown-phase says it, with the id meant, not a second error
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
            noun = _PATTERN_NOUNS.get(pattern, "value")
            return [Problem(document.path, line, col, "invalid-value",
                            f"'{shown(error.instance)}' is not valid for {field_name}: a line break follows the {noun}",
                            f"write the {noun} on the line of '{field_name}:', with no line break after it: "
                            "a '|' or '>' block ends in one")]
        if pattern == SLUG:
            return [Problem(document.path, line, col, "invalid-id", f"'{shown(error.instance)}' is not a valid id in {where}",
                            slug_hint(error.instance))]
        meant = _value_meant(pattern, error.instance) if isinstance(error.instance, str) else None
        return [Problem(document.path, line, col, "invalid-value", f"'{shown(error.instance)}' is not valid for {field_name}",
                        _PATTERN_EXAMPLES.get(pattern, f"must match {pattern}")
                        + (f": {field_name}: {meant}" if meant else ""))]
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
    if kind == "maxItems":
        limit = error.schema["maxItems"]
        return [Problem(document.path, *_locate(document.data, [*path, limit]), "too-many",
                        f"{field_name} lists {len(error.instance):,} entries; at most {limit:,}, and this is the first "
                        "past them", LIST_BOUND_HINTS.get(field_name, ""))]
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
