"""Reference rules: every role, playbook, segment, listed phase and cross-reference link points at something real."""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections import Counter

from ..loader import Document
from ..located_values import LocDict, LocList
from ..kinds import DERIVED_PAGE_SECTIONS, DOCUMENT_KINDS, ITEM_NOUNS, KINDS, NOUNS, PAGE_FOLDERS, PLAYBOOK_FIELDS, RACI_LETTERS, REF_SCHEMES, Kind
from ..problems import MAX_SEARCHED_HINTS, Problem, shown
from ..schema import MAX_ID_LENGTH, SLUG, fields_of, slug_hint, suggested_slug
from ..urls import MARKDOWN_REF, MARKDOWN_SCHEME_LINK, WEB_SCHEMES, parse_ref, without_code
from ..typed_as_text import listed_in_text
from ..reader_names import name_key
from . import RESERVED_ANCHORS, Catalog, SUB_ITEMS, as_list, located_values, placed_sub_items, sub_items

# Fields whose text is Markdown and may hold scheme links, per kind of mapping.
MARKDOWN_FIELDS = ("summary", "trigger", "goal", "body", "description", "a", "text")
# Shown as typed (headings, navigation, questions): a Markdown link there is text, and its target never checked
PLAIN_TEXT_FIELDS = ("title", "q", "name", "term", "short", "due_anchor")
PLAIN_TEXT_LISTS = ("kpis", "tags")  # each entry shown as typed: a KPI line, a tag chip (a synonym holding ] is glossary.py's)
# Every link target: inline, in a reference definition, or an HTML tag's href or src. Those without a scheme are
# paths or #anchors.
_LINK_TARGET = re.compile(r"""(?:(?<=\]\()[ \t]*<?|^ {0,3}\[[^\]\n]+\]:[ \t]*<?|<[A-Za-z][^<>]*?[ \t\n](?:href|src)[ \t]*=[ \t]*["'])"""
                          r"""(?P<target>[^\s)>"']*)""", re.MULTILINE)
_HAS_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:")
# Ids a text gives its own elements, where attr_list reads them: a {: #id } line under a block's last line, one
# ending a heading, or {#id} right after an inline element (*a*{#id}); and id= or name= in an HTML tag. Braces
# elsewhere are text to attr_list (Mustache's {{#x}}, "a list {: #x }." mid-sentence). No two repeats may take
# the same characters: "[ \t]*" before "[^{}\n#]*[ \t]", and "[^{}\n]*" after the id, made each "{" cost the square
# of the spaces or letters after it (a "{" and 40,000 spaces kept validate busy 11 s, 100,000 over 30 s).
_ATTR = r"""\{:?(?:[^{}\n#]*[ \t])?#(?P<NAME>[^\s{}]+)(?:[^\S\n][^{}\n]*)?\}"""
_TEXT_ID = re.compile("|".join((
    r"(?<=[^\n]\n)[ \t]*" + _ATTR.replace("NAME", "block") + r"[ \t]*$",
    r"^ {0,3}#{1,6}[ \t][^\n]*?" + _ATTR.replace("NAME", "heading") + r"[ \t]*$",
    r"(?<=[*_`)\]])" + _ATTR.replace("NAME", "inline"),
    r"""<[A-Za-z][^<>]*?[ \t\n](?P<which>id|name)[ \t]*=[ \t]*["'](?P<html>[^"'\n]+)["']""")), re.MULTILINE)
# Anything that makes an anchor this check cannot compute exactly (MkDocs' slugify is the project's to choose,
# and duplicates get _1): a heading, ATX (## Notes) or underlined (Notes, then ---- or ====)
_HEADING = re.compile(r"^ {0,3}#{1,6}(?:[ \t]|$)|^[^\n]*\S[^\n]*\n {0,3}(?:=+|-+)[ \t]*$", re.MULTILINE)
# Markdown's indented code: a line of 4 spaces or a tab after a blank line (or another such line)
_INDENTED_CODE = re.compile(r"(?:(?<=\n\n)|(?<=\A))(?:(?: {4}|\t)[^\n]*(?:\n|\Z)|[ \t]*\n(?=(?: {4}|\t)))+")


def _is_id(value: str) -> bool:
    return re.fullmatch(SLUG, value) is not None


def _suggest(value: str, known, listed=None, offered=_is_id) -> str:
    """A fix for `value`: a close match among `known`, else the `listed` ones (default: all of `known`). Only ids
    `offered` accepts are proposed: 'id: pull data' is an error of its own, and "did you mean 'pull data'?" sent
    the reference to an id that cannot be written in it."""
    written = sorted(known)
    listed = sorted(v for v in (known if listed is None else listed) if offered is None or offered(v))
    known = [v for v in written if offered is None or offered(v)]
    plain = unicodedata.normalize("NFKC", value)
    if plain != value and plain.lower() in known:  # ｃｓｍ, typed with a Japanese input method on
        return f"did you mean '{plain.lower()}', in half-width letters?"
    same_but_case = [k for k in written if k.lower() == value.lower()]
    if same_but_case and value == value.lower():  # a file renamed QBR.yml: the reference is right, the id is not
        return f"'{same_but_case[0]}' differs only in case; ids are lowercase: rename it to '{value}'"
    close = [k for k in same_but_case if k in known] or difflib.get_close_matches(value, known, n=1, cutoff=0.6)
    if close:
        return f"did you mean '{close[0]}'?"
    shown = ", ".join(listed[:12]) + (", …" if len(listed) > 12 else "")
    if not listed and written:
        return "none has a valid id yet: fix the invalid ids first"
    return f"known: {shown}" if listed else "none are defined yet"


def _former_id(catalog: Catalog, kind: str, value: str) -> str | None:
    """The hint for a reference to a page's former id (one of its aliases): name the id it has now. The old id
    still lands readers on the page, but a reference names the page by its id, as `csops mv` writes it."""
    now = catalog.former_ids.get(kind, {}).get(value)
    if now is None:
        return None
    return (f"'{value}' is the former id of {NOUNS[kind]} '{now}' (listed in its aliases): refer to it as '{now}'; "
            "`csops mv` rewrites every reference when it renames")


# A portal page's path as a reader copies it from the address bar or a built page: (../)*folder/id/(#anchor)
_PAGE_PATH = re.compile(r"^(?:\.\./|\./|/)*(?P<folder>[a-z]+)/(?:(?P<id>[a-z0-9]+(?:-[a-z0-9]+)*)/?(?:index\.html)?)?"
                        r"(?:#(?P<anchor>[^\s#]+))?$")


def _as_reference(target: str) -> str | None:
    """The cross-reference a path to a portal page means ('../../faq/renewals/#when' -> 'faq:renewals#when'), if any."""
    match = _PAGE_PATH.match(target)
    if match is None:
        return None
    scheme = {folder: kind for kind, folder in PAGE_FOLDERS.items() if kind in REF_SCHEMES}.get(match["folder"])
    if match["folder"] == "glossary" and not match["id"] and match["anchor"]:
        return f"glossary:{match['anchor']}"
    if scheme is None or not match["id"] or (scheme == "role" and match["anchor"]):
        return None
    return f"{scheme}:{match['id']}" + (f"#{match['anchor']}" if match["anchor"] else "")


class _Checker:
    def __init__(self, catalog: Catalog):
        self.catalog = catalog
        self.problems: list[Problem] = []
        self.deferred: dict[str, set[tuple[str, int, int]]] = {}  # unreadable file -> references into it
        self.made: set[tuple[str, str, str]] = set()  # every (kind, id, anchor) looked up: see still_resolve
        self.renamed_refs: dict[tuple[str, str], list[str]] = {}  # (kind, file name) -> paths naming it: see _renamed
        self.page_anchors: dict[str, str] | None = None  # the item anchors of a page of items -> what each names
        self.sections: set[str] = set()  # the anchors the page's template gives its own sections
        self.kind: Kind | None = None
        self.derived: tuple[str, str] | None = None  # ("role" or "phase", its id) when the page is a role's or phase's
        self.text_ids: dict[str, tuple[int, int]] = {}  # ids the document's texts give their own elements
        self.page_texts: list[str] = []  # the page's Markdown texts
        self.has_headings: bool | None = None  # whether they hold a heading (its anchor is the project's slugify's)
        self.heading_ids: set[str] | None = None  # the ids their headings get, read when a link needs them
        self.anchors_missing: Counter[str] = Counter()  # unknown-anchor problems by file: see MAX_SEARCHED_HINTS

    def _deferred(self, path, pos, kind: str, value: str) -> bool:
        """True when `value` may be defined by a file that did not parse: count it instead of calling it unknown."""
        target = self.catalog.unread_catalogs.get(kind) or self.catalog.unread.get(kind, {}).get(value)
        if target is None:
            return False
        self.deferred.setdefault(target, set()).add((path, *pos))
        return True

    def pending_problems(self) -> list[Problem]:
        """One line per unreadable file that others refer to, instead of one 'unknown' per reference."""
        problems = []
        for target, references in sorted(self.deferred.items()):
            files = {path for path, _, _ in references if path != target}
            name = target.rsplit("/", 1)[-1]
            origin = f" from {len(files)} other file{'s' if len(files) != 1 else ''}" if files else ""
            plural = len(references) != 1
            problems.append(Problem(
                target, 1, 1, "references-not-checked",
                f"{len(references)} reference{'s' if plural else ''}{origin} to ids in {name} "
                f"{'are' if plural else 'is'} not checked until it is fixed",
                "fix the error above, then validate again", severity="notice", unreadable=True))
        return problems

    def _looked_up(self, kind: str, value: str, anchor: str = "") -> bool:
        """Whether a reference resolves, kept in `made` for still_resolve."""
        self.made.add((kind, value, anchor))
        return resolves(self.catalog, kind, value, anchor)

    def role(self, path, value, pos, where):
        if not self._looked_up("roles", value) and not self._deferred(path, pos, "roles", value):
            parts = [self._role_id(part) for part in listed_in_text(value)]
            if len(parts) > 1 and all(parts):  # R: csm, support
                hint = ("owner is one role id: keep one, and name the others in a step's raci (R, C or I)"
                        if where.startswith("owner") else f"several roles are a list: write [{', '.join(parts)}]")
                self.problems.append(Problem(path, *pos, "unknown-role", f"'{shown(value)}' in {where} is one text, "
                                             "not several roles", hint))
                return
            # an id in capitals or full-width letters ('CSM', also csm's short name) is told so by _suggest
            named = None if name_key(value) in self.catalog.roles else self.catalog.role_names.get(name_key(value))
            near = None if named else self._role_named_near(value)
            self.problems.append(Problem(path, *pos, "unknown-role", f"unknown role '{value}' in {where}",
                                         _former_id(self.catalog, "role", value)
                                         or (f"'{value}' is the name readers see for role '{named}': write its id: {named}"
                                             if named else None)
                                         or (f"did you mean '{near}' ({shown(self.catalog.role_titles.get(near, near))})? "
                                             f"write its id; roles live in content/roles.yml" if near else None)
                                         or _suggest(value, self.catalog.roles) + "; roles live in content/roles.yml"))

    def _role_named_near(self, text: str) -> str | None:
        """The role whose name or short name `text` is close to, when `text` is no id written in other letters:
        'CSリーダー' for CSチームリーダー, '営業担当' for 営業, which were told only the ids (cs-lead, sales-ae, …)."""
        key = name_key(text)
        if text.isascii() or key in self.catalog.roles:  # an id mistyped, or typed full-width: _suggest says which
            return None
        names = [name for name, ident in self.catalog.role_names.items() if ident is not None]
        close = difflib.get_close_matches(key, names, n=1, cutoff=0.6)
        return self.catalog.role_names[close[0]] if close else None

    def _role_id(self, text: str) -> str | None:
        """The role `text` names by its id or by a name readers see (roles.yml's name or short), if one."""
        return text if text in self.catalog.roles else self.catalog.role_names.get(name_key(text))

    def segment(self, path, value, pos):
        if not self._looked_up("segments", value) and not self._deferred(path, pos, "settings", value):
            self.problems.append(Problem(path, *pos, "unknown-segment", f"unknown segment '{value}'",
                                         self._named_in_settings("segments", value)
                                         or _suggest(value, self.catalog.segments) + "; segments live in content/settings.yml"))

    def _named_in_settings(self, field_name: str, value: str) -> str | None:
        """The hint for a segment or phase written as the name the portal shows for it, which is not its id."""
        key = name_key(value)
        known = self.catalog.segments if field_name == "segments" else self.catalog.phases
        named = None if key in known else self.catalog.setting_names.get(field_name, {}).get(key)
        noun = field_name.removesuffix("s")
        return f"'{value}' is the name readers see for {noun} '{named}': write its id: {named}" if named else None

    def phase(self, path, value, pos):
        found = self._looked_up("phases", value)
        if self._deferred(path, pos, "settings", value) and value not in self.catalog.phases:
            return
        if not found:
            self.problems.append(Problem(path, *pos, "unknown-phase", f"unknown phase '{value}'",
                                         self._named_in_settings("phases", value)
                                         or _suggest(value, self.catalog.phases) + "; phases are listed in content/settings.yml"))
        # no phases listed: any id, but an id (a final line break alone is the shape check's, which says so)
        elif not re.fullmatch(SLUG, value.removesuffix("\n")) or len(value) > MAX_ID_LENGTH:
            self.problems.append(Problem(path, *pos, "invalid-id", f"'{shown(value)}' is not a valid id in phase",
                                         slug_hint(value)))

    def _renamed(self, path, kind: str, value: str) -> str | None:
        """The hint for a reference to a page by its file name after an `id:` renamed the page in place."""
        renamed = self.catalog.renamed.get(kind, {}).get(value)
        if renamed is None:
            return None
        self.renamed_refs.setdefault((kind, value), []).append(path)
        return f"'{value}' is the file name of {renamed[1]}, whose id: renamed it '{renamed[0]}': see the error there"

    def playbook(self, path, value, pos, where):
        if not self._looked_up("playbook", value) and not self._deferred(path, pos, "playbook", value):
            known = self.catalog.anchors.get("playbook", {})
            self.problems.append(Problem(path, *pos, "unknown-playbook", f"unknown playbook '{value}' in {where}",
                                         _former_id(self.catalog, "playbook", value) or self._renamed(path, "playbook", value)
                                         or _suggest(value, known)))

    def ref(self, path, text, pos):
        ref = parse_ref(text)
        if ref is None:
            self.problems.append(Problem(path, *pos, "bad-reference", f"cannot read cross-reference '{text}'",
                                         "write scheme:id or scheme:id#anchor, e.g. playbook:renewal-runway#kickoff"))
            return
        if ref.scheme == "glossary":
            if not self._looked_up("glossary", ref.id) and not self._deferred(path, pos, "glossary", ref.id):
                self.problems.append(Problem(path, *pos, "unknown-reference", f"unknown glossary term '{ref.id}' in '{text}'",
                                             _former_id(self.catalog, "glossary", ref.id)
                                             or _suggest(ref.id, self.catalog.glossary)))
            return
        if self._looked_up(ref.scheme, ref.id, ref.anchor):
            return
        known = self.catalog.anchors.get(ref.scheme, {})
        if ref.id not in known and self._deferred(path, pos, "roles" if ref.scheme == "role" else ref.scheme, ref.id):
            return
        if ref.id not in known:
            self.problems.append(Problem(path, *pos, "unknown-reference", f"unknown {NOUNS[ref.scheme]} '{ref.id}' in '{text}'",
                                         _former_id(self.catalog, ref.scheme, ref.id)
                                         or self._renamed(path, ref.scheme, ref.id) or _suggest(ref.id, known)))
        else:  # the page exists, the #anchor on it does not
            what = ITEM_NOUNS.get(ref.scheme, "anchor")
            kind = KINDS.get(ref.scheme)
            page_sections = set(kind.sections + kind.optional_sections) if kind else set()
            items = known[ref.id] - page_sections
            # an answer or step moved to another page keeps its id there: name the link that reaches it
            elsewhere = sorted(doc for doc, anchors in known.items()
                               if ref.anchor in anchors and ref.anchor not in page_sections)
            self.problems.append(Problem(path, *pos, "unknown-anchor", f"unknown {what} '{ref.anchor}' in {NOUNS[ref.scheme]} '{ref.id}'",
                                         f"it is in {NOUNS[ref.scheme]} '{elsewhere[0]}': link "
                                         f"{ref.scheme}:{elsewhere[0]}#{ref.anchor}" if len(elsewhere) == 1
                                         else _suggest(ref.anchor, known[ref.id], items or known[ref.id])))

    def markdown(self, path, mapping: LocDict, key):
        value = mapping.get(key)
        if not isinstance(value, str):
            return
        for match in MARKDOWN_REF.finditer(without_code(value)):  # a code span documenting a link is no link
            self.ref(path, match["ref"], mapping.where_in_text(key, match.start("ref")))
        self.schemes(path, value, lambda offset: mapping.where_in_text(key, offset))
        self.paths(path, value, lambda offset: mapping.where_in_text(key, offset))

    def own_ids(self, path, text: str, where) -> None:
        """Ids a text gives its own elements: one that is an item's anchor took that item's links (the browser
        goes to the first element with the id, and the "this step changed" notice looked for it there)."""
        if "{" not in text and "<" not in text:  # most texts: no attribute list, no tag
            return
        for match in _TEXT_ID.finditer(_without_any_code(text)):
            group = next(name for name in ("block", "heading", "inline", "html") if match[name])
            value, at = match[group], where(match.start(group))
            if value in (self.page_anchors or ()):
                self.problems.append(Problem(
                    path, *at, "id-taken",
                    f"id '{value}' here is also the anchor of {self.page_anchors[value]}: links to #{value} would land here",
                    "remove it, or pick an id no item of this page has"))
            elif match["which"] != "name" and value in self.text_ids and self.text_ids[value] != at:
                # (a name is an anchor too, but names repeat: radio buttons, <a id="x" name="x">)
                line = self.text_ids[value][0]
                self.problems.append(Problem(path, *at, "id-taken", f"id '{value}' is already given at line {line}",
                                             "ids are unique on a page: links to it go to the first; pick another",
                                             severity="warning"))
            self.text_ids.setdefault(value, at)

    def paths(self, path, text: str, where) -> None:
        """Links with no scheme: a path ([x](guide), [x](/playbooks/qbr/)) cannot work, since csops makes the pages
        (the build then failed naming a generated file), and a #anchor must be one this page has."""
        if "](" not in text and "]:" not in text and "<" not in text:  # no link of any form
            return
        for match in _LINK_TARGET.finditer(_without_any_code(text)):
            target = match["target"]
            if _HAS_SCHEME.match(target) or target.startswith("//") or target in ("", "#"):  # "#": the page's top
                continue
            if target.startswith("#"):
                if self.page_anchors is not None and not self._on_this_page(target[1:]):
                    self.problems.append(self._missing_anchor(path, where(match.start("target")), target))
                continue
            footnote = match.group(0).lstrip().startswith("[^")
            reference = _as_reference(target)
            self.problems.append(Problem(
                path, *where(match.start() if footnote else match.start("target")), "link-path",
                f"footnotes are not supported: '{match.group(0).strip()}' is read as a link to '{target}', which leads nowhere"
                if footnote else f"link '{target}' is a path; csops makes the pages, so a path leads nowhere",
                "write the note in the text" if footnote else
                f"write it as '{reference}', a cross-reference the build resolves and checks" if reference else
                f"link with {', '.join(s + ':' for s in REF_SCHEMES)} (e.g. playbook:renewal-runway#kickoff) "
                "or a full https:// address"))

    def _on_this_page(self, anchor: str) -> bool:
        """Whether `anchor` may be on the page: an item's, a section's or an id a text gives; on a page whose
        texts hold a heading, any (its anchor comes from the project's slugify: MkDocs' strict check has it)."""
        if anchor in self.page_anchors or anchor in self.text_ids or anchor in self.sections:
            return True
        if self.derived is not None:  # its #checklist or a playbook's anchor comes from another file
            kind, value = self.derived
            if self._looked_up(f"{kind}-page", value, anchor):
                return True
            if self.catalog.unread.get("onboarding" if kind == "role" else "playbook"):
                return True  # the file that would give it did not parse: validate reports that one
        if self.has_headings is None:  # looked for once, and only for a link nothing else explains
            self.has_headings = any(_HEADING.search(_without_any_code(text)) for text in self.page_texts)
        if not self.has_headings or self.catalog.heading_ids is None or not self.catalog.heading_ids.known:
            return self.has_headings
        if self.heading_ids is None:  # '#raci' or '#nowhere' beside a heading passed, and the build failed
            self.heading_ids = self._page_heading_ids()
        return anchor in self.heading_ids

    def _page_heading_ids(self) -> set[str]:
        """The ids the page's headings get, as the toc extension gives them on the whole page: a name taken (by an
        id the page gives, or an earlier heading) gets _1, then _2 (a second 'Notes' is #notes_1)."""
        counts: Counter[str] = Counter()
        for text in self.page_texts:
            ids = self.catalog.heading_ids(text)
            for value in ids:
                repeated = re.fullmatch(r"(.+)_[0-9]+", value)
                counts[repeated[1] if repeated and repeated[1] in ids else value] += 1
        taken = set(self.page_anchors) | set(self.text_ids) | self.sections | self._derived_anchors()
        found = set()
        for name, count in counts.items():
            first = 1 if name in taken else 0
            found.update(f"{name}_{n}" if n else name for n in range(first, first + count))
        return found

    def _missing_anchor(self, path, at: tuple[int, int], target: str) -> Problem:
        """A #link this page cannot answer. A section another kind of page has (#raci on a playbook) passed
        validate and then failed the build naming a generated Markdown file."""
        anchor = target[1:]
        if anchor in RESERVED_ANCHORS and self.kind is not None:
            sections = ", ".join(f"#{name}" for name in self.kind.sections)
            optional = "".join(f", and #{name} when it has {name}:" for name in self.kind.optional_sections)
            article = "an" if self.kind.noun[0] in "aeiou" else "a"  # "an onboarding checklist page's"
            hint = f"{article} {self.kind.noun} page's sections are {sections}{optional}"
            for other in DOCUMENT_KINDS:
                if other is not self.kind and anchor in other.sections + other.optional_sections:
                    hint += f"; to link to a {other.noun} page's, write {other.name}:<id>{target}"
            return Problem(path, *at, "unknown-anchor", f"link '{target}' names a section this page does not have", hint)
        said = f"link '{target}' names no item, section or heading of this page"
        self.anchors_missing[path] += 1
        if self.anchors_missing[path] > MAX_SEARCHED_HINTS:
            return Problem(path, *at, "unknown-anchor", said, "link to an item's id, a section or a heading the page has")
        return Problem(path, *at, "unknown-anchor", said,
                       _suggest(anchor, set(filter(_is_id, self.page_anchors)) | set(self.text_ids) | self.sections
                                | self._derived_anchors() | (self.heading_ids or set()), offered=None))

    def _derived_anchors(self) -> set[str]:
        """The anchors a role's or phase's page takes from other documents (none on other pages)."""
        if self.derived is None:
            return set()
        return self.catalog.derived_anchors.get(self.derived[0], {}).get(self.derived[1], set())

    def schemes(self, path, text: str, where):
        """A link whose scheme is neither ours nor a web one: the page would show its text without a link.
        Code spans and fenced blocks hold no links (`[x](foo:bar)` documenting link syntax was refused)."""
        for match in MARKDOWN_SCHEME_LINK.finditer(without_code(text)):
            scheme = match["scheme"]
            if scheme in REF_SCHEMES or scheme.lower() in WEB_SCHEMES:
                continue
            close = [s for s in REF_SCHEMES + WEB_SCHEMES if s == scheme.lower()] or \
                difflib.get_close_matches(scheme.lower(), REF_SCHEMES + WEB_SCHEMES, n=1, cutoff=0.6)
            guess = f"did you mean '{close[0]}:'? " if close else ""
            self.problems.append(Problem(
                path, *where(match.start("ref")), "unknown-link-scheme",
                f"link '{match['ref']}' has an unknown scheme '{scheme}:'; the page would show its text without a link",
                f"{guess}link with {', '.join(s + ':' for s in REF_SCHEMES)} or {', '.join(s + ':' for s in WEB_SCHEMES)}"))


def _link_in(value):
    """The first scheme link ([text](faq:x), [text]: faq:x) in a plain-text value, or None."""
    return MARKDOWN_SCHEME_LINK.search(value) if isinstance(value, str) and "](" in value else None


def _link_in_plain_text(path: str, at, key: str, link) -> Problem:
    return Problem(path, *at, "link-in-plain-text",
                   f"{key} is plain text: the link to '{link['ref']}' shows as typed, brackets and all, and goes nowhere",
                   "put the link in the summary, body or answer, and the words alone here", severity="warning")


def check(documents: list[Document], catalog: Catalog) -> list[Problem]:
    checker = _Checker(catalog)
    for doc in documents:
        _check_document(checker, doc)
    return checker.problems + checker.pending_problems() + renamed_problems(catalog, checker.renamed_refs)


def renamed_problems(catalog: Catalog, references: dict[tuple[str, str], list[str]]) -> list[Problem]:
    """One error at the `id:` that renamed a page others still name by its file name, sorted before their 'unknown
    playbook' errors: `id: qbr-review` in qbr.yml gave 13 'unknown playbook 'qbr'' errors first, the cause last.
    A page's id is its file name unless id: says otherwise (docs/content-model.md), and a rename keeps the old id
    as an alias (`csops mv` does both)."""
    problems = []
    for (kind, stem), paths in sorted(references.items()):
        new_id, path, position = catalog.renamed[kind][stem]
        # the command names an id `csops mv` takes: `id: QBR Review` was told to run `csops mv playbook qbr QBR
        # Review`, which it refuses (its invalid-id error says what the id should be)
        meant = new_id if re.fullmatch(SLUG, new_id) else suggested_slug(new_id) or "NEW-ID"
        files = len(set(paths) - {path})
        elsewhere = f" in {files} other file{'s' if files != 1 else ''}" if files else ""
        problems.append(Problem(
            path, *position, "renamed-by-id",
            f"id '{new_id}' renames the {NOUNS[kind]} '{stem}' (its file name), and {len(paths)} "
            f"reference{'s' if len(paths) != 1 else ''}{elsewhere} still name{'s' if len(paths) == 1 else ''} '{stem}'",
            f"to keep '{stem}', delete this id: line; to rename it, delete the line and run `csops mv "
            f"{KINDS[kind].cli_word} {stem} {meant}`: it renames the file, keeps '{stem}' as an alias so published "
            "links keep landing, and rewrites every reference", root_cause=True))
    return problems


def check_each(documents: list[Document], catalog: Catalog) -> dict[str, tuple[list[Problem], set[tuple[str, str, str]], dict]]:
    """Each document's problems, the references it makes and those to a page's file name after its id: renamed it
    (for renamed_problems), by path, for a catalog without unread files.

    Then a document's problems depend on nothing but its own data and whether its references resolve, so
    a file found clean stays clean while its text is unchanged and `still_resolve` holds (content_cache.py):
    an edit rebuild checks only the edited file, even when the edit adds, renames or removes an id.
    """
    if catalog.unread or catalog.unread_catalogs:
        raise ValueError("references into unread files are counted across documents: use check()")
    found = {}
    for doc in documents:
        checker = _Checker(catalog)
        _check_document(checker, doc)
        found[doc.path] = (checker.problems, checker.made, checker.renamed_refs)
    return found


def resolves(catalog: Catalog, kind: str, value: str, anchor: str = "") -> bool:
    """Whether a reference names something in `catalog` (a listed phase only when settings list phases): the one
    rule the checks above and `still_resolve` share."""
    if kind == "roles":
        return value in catalog.roles
    if kind == "segments":
        return value in catalog.segments
    if kind == "phases":
        return not catalog.phases or value in catalog.phases
    if kind == "glossary":
        return value in catalog.glossary
    if kind in ("role-page", "phase-page"):  # an anchor a role's or phase's page takes from another document
        return anchor in catalog.derived_anchors.get(kind[:-len("-page")], {}).get(value, ())
    known = catalog.anchors.get(kind, {})
    return value in known and (not anchor or anchor in known[value])


def still_resolve(made, catalog: Catalog) -> bool:
    """Whether every (kind, id, anchor) a clean file looked up still names something in `catalog`."""
    return all(resolves(catalog, *reference) for reference in made)


def _without_any_code(text: str) -> str:
    """`text` with fenced, inline and indented code blanked, offsets kept. Only for the checks of links and ids that
    Markdown writes: urls.without_code keeps indented lines, which in a list item are its text, not code."""
    text = without_code(text)
    if "    " not in text and "\t" not in text:  # no line can be indented code
        return text
    return _INDENTED_CODE.sub(lambda m: re.sub(r"[^\n]", " ", m.group()), text)


def _markdown_texts(mapping: LocDict):
    """(key, text) of each Markdown field of `mapping`, segment variants included."""
    for key in MARKDOWN_FIELDS:
        if isinstance(mapping.get(key), str):
            yield mapping, key
    variants = mapping.get("variants")
    if isinstance(variants, LocDict):
        for segment in variants:
            if isinstance(variants.get(segment), str):
                yield variants, segment


def _read_page(checker: _Checker, doc: Document, mappings) -> None:
    """What one page holds before its links are checked: its items' anchors, the ids its texts give (each checked
    against those anchors) and its headings. Roles and phases share a file but not a page: their texts are not
    compared."""
    checker.page_anchors, checker.text_ids, checker.page_texts, checker.has_headings = None, {}, [], None
    checker.heading_ids = None
    checker.kind, checker.sections, checker.derived = None, set(), None
    if doc.kind not in SUB_ITEMS:  # roles, phases, glossary: their pages' anchors are not known here
        return
    checker.page_anchors = {}
    checker.kind = KINDS[doc.kind]
    checker.sections = checker.kind.section_anchors(doc.data)
    noun = ITEM_NOUNS.get(doc.kind, "item")
    for item in sub_items(doc):
        if isinstance(item.get("id"), str):
            for anchor in [item["id"]] + [a for a in as_list(item.get("aliases")) if isinstance(a, str)]:
                checker.page_anchors[anchor] = f"{noun} '{item['id']}'"
    for mapping in mappings:
        for container, key in _markdown_texts(mapping):
            text = container[key]
            checker.own_ids(doc.path, text, lambda offset, c=container, k=key: c.where_in_text(k, offset))
            checker.page_texts.append(text)


def _read_derived_page(checker: _Checker, doc: Document, kind: str, mapping: LocDict) -> None:
    """What a role's or a phase's page holds before the links of its description are checked: the sections its
    template gives, the anchors other documents give it, and the ids and headings of its own text. Their #links
    were not checked, and a role page's #bogus or any #link of a phase description passed validate and failed
    the build."""
    checker.page_anchors, checker.text_ids, checker.page_texts, checker.has_headings = {}, {}, [], None
    checker.heading_ids = None
    checker.kind, checker.sections = None, set(DERIVED_PAGE_SECTIONS[kind])
    checker.derived = (kind, mapping["id"])
    for container, key in _markdown_texts(mapping):
        text = container[key]
        checker.own_ids(doc.path, text, lambda offset, c=container, k=key: c.where_in_text(k, offset))
        checker.page_texts.append(text)


def _check_document(checker: _Checker, doc: Document) -> None:
    data = doc.data
    if not isinstance(data, LocDict):
        return
    path = doc.path
    placed = [(data, ())] + list(placed_sub_items(doc))
    if doc.kind == "roles":
        placed += [(r, ("roles",)) for r in as_list(data.get("roles")) if isinstance(r, LocDict)]
    if doc.kind == "settings":  # a phase's description is Markdown on its phase page, links and all
        placed += [(p, ("phases",)) for p in as_list(data.get("phases")) if isinstance(p, LocDict)]
    _read_page(checker, doc, [mapping for mapping, _ in placed])
    for mapping, lists in placed:
        item = f"'{mapping.get('id', doc.stem)}'"
        derived = {"roles": "role", "settings": "phase"}.get(doc.kind)
        if derived is not None and mapping is not data and isinstance(mapping.get("id"), str):
            _read_derived_page(checker, doc, derived, mapping)
        top = mapping is data
        known = fields_of(doc.kind, lists)
        if known is not None and not known.issuperset(mapping):
            # a field this level does not take (owner on a checklist item) is the shape check's unknown-field error,
            # naming the fields it takes: its value looked up as well gave the one slip a second error
            mapping = mapping.without(set(mapping) - known)
        for value, pos in located_values(mapping, "owner"):
            checker.role(path, value, pos, f"owner of {item}")
        raci = mapping.get("raci")
        if isinstance(raci, LocDict):
            for letter in RACI_LETTERS:
                for value, pos in located_values(raci, letter):
                    checker.role(path, value, pos, f"{letter} of {item}")
        for value, pos in located_values(mapping, "audience", lists_only=True):
            checker.role(path, value, pos, "audience")
        for value, pos in located_values(mapping, "segments", lists_only=True):
            checker.segment(path, value, pos)
        if top and doc.kind == "playbook":
            for value, pos in located_values(mapping, "phase"):
                checker.phase(path, value, pos)
        variants = mapping.get("variants")
        if isinstance(variants, LocDict):
            for segment in variants:
                checker.segment(path, segment, variants.where_key(segment))
                checker.markdown(path, variants, segment)
        for field_name in PLAYBOOK_FIELDS:
            for value, pos in located_values(mapping, field_name, lists_only=True):
                checker.playbook(path, value, pos, field_name)
                if field_name == "related" and top and doc.kind == "playbook" and value == doc.stem:
                    # its page then listed itself under "Related playbooks"
                    checker.problems.append(Problem(path, *pos, "related-to-itself",
                                                    f"playbook '{value}' lists itself in related",
                                                    "remove it: related names other playbooks a reader goes on to"))
        for value, pos in located_values(mapping, "ref"):
            checker.ref(path, value, pos)
        for key in MARKDOWN_FIELDS:
            checker.markdown(path, mapping, key)
        for key in PLAIN_TEXT_FIELDS:
            link = _link_in(mapping.get(key))
            if link is not None:
                checker.problems.append(_link_in_plain_text(path, mapping.where_in_text(key, link.start("ref")), key, link))
        for key in PLAIN_TEXT_LISTS:
            entries = mapping.get(key)
            for index, entry in enumerate(entries if isinstance(entries, LocList) else ()):
                link = _link_in(entry)
                if link is not None:
                    checker.problems.append(_link_in_plain_text(path, entries.where(index), key, link))
        owners = mapping.get("codeowners") if top and doc.kind == "settings" else None
        if isinstance(owners, LocDict):  # a role no content can name gave CODEOWNERS no line, and no word
            for role in owners:
                checker.role(path, role, owners.where_key(role), "codeowners")
        checklist = mapping.get("checklist")
        if doc.kind in SUB_ITEMS and isinstance(checklist, LocList):
            for index, entry in enumerate(checklist):
                if isinstance(entry, str):
                    for match in MARKDOWN_REF.finditer(without_code(entry)):
                        checker.ref(path, match["ref"], checklist.where(index))
                    checker.schemes(path, entry, lambda offset, index=index: checklist.where(index))
                    checker.paths(path, entry, lambda offset, index=index: checklist.where(index))
