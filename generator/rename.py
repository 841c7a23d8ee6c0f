"""`csops mv`: rename a document or one of its sub-items, rewriting every reference to it.

A rename is planned as a value (RenamePlan: the tokens that change and where, the file
that moves, the URLs the manifest gains), tried on a staged copy of content/ that must
validate, and only then written. Edits are minimal text edits at the positions the YAML
parser reports, not a re-dump of the data: comments, quoting, flow/block style and line
endings stay byte for byte, and a diff shows only the renamed tokens. (ruamel.yaml's
round trip keeps comments but re-indents sequences, re-wraps long lines and drops
redundant quotes, which would turn a one-word rename into a noisy pull request.)
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, replace
from pathlib import Path

import yaml

from .kinds import (CATALOG_FILES, CATALOG_LISTS, ITEMS_BY_CLI_WORD, KINDS_BY_CLI_WORD, PLAYBOOK_FIELDS, RACI_LETTERS,
                    RENAMED_ENTRIES, ROLE_FIELDS, CatalogEntry, Kind)
from .loader import Document
from .manifest import was_published
from .located_yaml import line_col  # YAML's own line counting (CR, NEL, U+2028 break lines)
from .rename_journal import plain_content_file
from .rename_staging import (LINE_BREAK, Edit, RenameError, RenamePlan, RenameRefused, apply_edits, file_newline,
                             linked_file, read_exact, staged_manifest)
from .rules import RESERVED_ANCHORS, RESERVED_PAGE_HINT, RESERVED_PAGE_IDS, SUB_ITEMS, as_list, doc_id, sub_items
from .rules.references import MARKDOWN_FIELDS
from .problems import shown
from .schema import MAX_ID_LENGTH, SLUG, matches, slug_hint
from .urls import MARKDOWN_REF, parse_ref

_MERGE = "tag:yaml.org,2002:merge"


@dataclass(frozen=True)
class _Target:
    kind: Kind | None  # None: a catalog entry (`entry`)
    doc: Document  # the renamed document, or the catalog file holding the renamed entry
    old: str
    new: str
    level: int | None = None  # None: the document itself; 0 or 1: a sub-item at that depth
    keep_alias: bool = True  # False when OLD was never published: no link to it can exist, so no alias is needed
    entry: CatalogEntry | None = None  # a role or glossary term of the catalog file `doc`

    @property
    def scheme(self) -> str:
        """What a cross-reference to the renamed thing (or to its page, for a sub-item) starts with."""
        return self.entry.scheme if self.entry else self.kind.name

    @property
    def doc_ids(self) -> set[str]:
        return {doc_id(self.doc)} | {a for a in as_list(self.doc.data.get("aliases")) if isinstance(a, str)}


def _suggest(value: str, known) -> str:
    close = difflib.get_close_matches(value, sorted(known), n=1, cutoff=0.6)
    return f"; did you mean '{close[0]}'?" if close else ""


def _check_new_id(new: str) -> None:
    if not matches(SLUG, new):
        raise RenameError(f"'{shown(new, 80)}' is not a valid id: {slug_hint(new)}")
    if len(new) > MAX_ID_LENGTH:
        raise RenameError(f"'{shown(new)}' is longer than {MAX_ID_LENGTH} characters; pick a shorter id")


def _find_document(documents: list[Document], kind: Kind, wanted: str) -> Document:
    docs = [d for d in documents if d.kind == kind.name]
    for doc in docs:
        if doc_id(doc) == wanted:
            return doc
    for doc in docs:
        if wanted in as_list(doc.data.get("aliases")):
            raise RenameError(f"'{shown(wanted, 80)}' is a former id of {kind.noun} '{doc_id(doc)}' ({doc.path}); "
                              f"rename '{doc_id(doc)}' instead")
    raise RenameError(f"unknown {kind.noun} '{shown(wanted, 80)}'{_suggest(wanted, [doc_id(d) for d in docs])}")


def _find_entry(documents: list[Document], word: str, ids: tuple[str, ...]) -> _Target:
    """A role or glossary term: one mapping of a catalog file's list, with its own aliases."""
    entry = RENAMED_ENTRIES[word]
    old, new = ids
    doc = next((d for d in documents if d.kind == entry.catalog), None)
    entries = [e for e in as_list(doc.data.get(entry.field)) if isinstance(e, dict)] if doc else []
    known = [e.get("id") for e in entries]
    if old not in known:
        holder = next((e.get("id") for e in entries if old in as_list(e.get("aliases"))), None)
        if holder:
            raise RenameError(f"'{shown(old, 80)}' is a former id of {entry.noun} '{holder}' ({doc.path}); rename '{holder}' instead")
        where = "" if doc else f" (content/{CATALOG_FILES[entry.catalog]} defines none)"
        raise RenameError(f"unknown {entry.noun} '{shown(old, 80)}'{where}{_suggest(old, known)}")
    if new in set(known) | {a for e in entries for a in as_list(e.get("aliases"))}:
        raise RenameError(f"{entry.noun} id '{new}' is already used (as an id or alias); pick another id")
    if not entry.anchored and new in RESERVED_PAGE_IDS:
        raise RenameError(RESERVED_PAGE_HINT)
    return _Target(None, doc, old, new, entry=entry)


def _find_target(documents: list[Document], project: Path, word: str, ids: tuple[str, ...]) -> _Target:
    if word in RENAMED_ENTRIES:
        return _find_entry(documents, word, ids)
    if word in KINDS_BY_CLI_WORD:
        kind = KINDS_BY_CLI_WORD[word]
        old, new = ids
        doc = _find_document(documents, kind, old)
        taken = {doc_id(d) for d in documents if d.kind == kind.name}
        taken |= {a for d in documents if d.kind == kind.name for a in as_list(d.data.get("aliases"))}
        if new in taken:
            raise RenameError(f"{word} id '{new}' is already used (as an id or alias); pick another id")
        if new in RESERVED_PAGE_IDS:
            raise RenameError(RESERVED_PAGE_HINT)
        if doc.stem == old:
            moved = Path(doc.path).with_name(new + Path(doc.path).suffix)
            for suffix in (".yml", ".yaml"):
                if (project / moved.with_suffix(suffix)).exists():
                    raise RenameError(f"{moved.with_suffix(suffix).as_posix()} already exists; pick another id")
        return _Target(kind, doc, old, new)
    kind, level = ITEMS_BY_CLI_WORD[word]
    document, old, new = ids
    doc = _find_document(documents, kind, document)
    found = {lvl: [m.get("id") for m in _items_at(doc, lvl)] for lvl in range(len(kind.item_fields))}
    if old not in found[level]:
        other = next((kind.item_cli_words[lvl] for lvl, ids_ in found.items() if old in ids_), None)
        hint = f"; it is {'an' if other[0] in 'aeiou' else 'a'} {other}: use `csops mv {other}`" if other else \
            _suggest(old, found[level])
        raise RenameError(f"unknown {word} '{shown(old, 80)}' in {kind.noun} '{document}'{hint}")
    anchors = {a for item in sub_items(doc) for a in [item.get("id")] + as_list(item.get("aliases"))}
    if new in anchors:
        raise RenameError(f"'{new}' is already an id or alias on {kind.noun} '{document}'; pick another id")
    if new in RESERVED_ANCHORS:
        raise RenameError(f"'{new}' is reserved for the page's own sections; pick another id")
    return _Target(kind, doc, old, new, level)


def _items_at(doc: Document, level: int) -> list:
    outer, inner = SUB_ITEMS[doc.kind]
    items = [i for i in doc.data.get(outer) or [] if isinstance(i, dict)]
    if level == 0:
        return items
    return [n for i in items for n in i.get(inner) or [] if isinstance(n, dict)]


# -- the YAML node tree, which knows where each value starts and ends --------------------

def _pairs(node) -> dict:
    """key -> (key node, value node, merged?) of a mapping node; explicit keys win over merged ones (<<)."""
    if not isinstance(node, yaml.MappingNode):
        return {}
    pairs = {k.value: (k, v, False) for k, v in node.value if k.tag != _MERGE and isinstance(k, yaml.ScalarNode)}
    for key_node, value_node in node.value:
        if key_node.tag == _MERGE:
            for source in value_node.value if isinstance(value_node, yaml.SequenceNode) else [value_node]:
                for key, (k, v, _) in _pairs(source).items():
                    pairs.setdefault(key, (k, v, True))
    return pairs


def _value(node, key):
    pair = _pairs(node).get(key)
    return pair[1] if pair else None


def _scalars(node) -> list:
    """The string nodes of a field holding one string or a list of them."""
    if isinstance(node, yaml.ScalarNode):
        return [node]
    if isinstance(node, yaml.SequenceNode):
        return [n for n in node.value if isinstance(n, yaml.ScalarNode)]
    return []


def _item_nodes(kind_name: str, root, level: int | None = None) -> list:
    """Sub-item mapping nodes of a document, at one level or (None) at every level."""
    outer, inner = SUB_ITEMS.get(kind_name, (None, None))
    if outer is None:
        return []
    found = []
    items = _value(root, outer)
    for item in items.value if isinstance(items, yaml.SequenceNode) else []:
        if not isinstance(item, yaml.MappingNode):
            continue
        if level in (None, 0):
            found.append(item)
        nested = _value(item, inner) if inner else None
        if level in (None, 1) and isinstance(nested, yaml.SequenceNode):
            found.extend(n for n in nested.value if isinstance(n, yaml.MappingNode))
    return found


def _entry_nodes(root, field_name: str) -> list:
    """The mapping nodes of a catalog file's list (roles, terms, phases)."""
    entries = _value(root, field_name)
    return [e for e in (entries.value if isinstance(entries, yaml.SequenceNode) else []) if isinstance(e, yaml.MappingNode)]


class _Planner:
    """Collects the edits of one rename, file by file."""

    def __init__(self, target: _Target):
        self.target = target
        self.edits: dict[tuple[str, int], Edit] = {}  # keyed by place: an alias (*x) must not be edited twice

    def file(self, doc: Document, text: str):
        self.path, self.text = doc.path, text
        root = yaml.compose(text, Loader=yaml.CSafeLoader if hasattr(yaml, "CSafeLoader") else yaml.SafeLoader)
        mappings = [root] + _item_nodes(doc.kind, root)
        for field_name, _ in CATALOG_LISTS.get(doc.kind, ()):  # roles, terms, and phases (whose description is Markdown)
            mappings += _entry_nodes(root, field_name)
        for mapping in mappings:
            self.mapping(doc, mapping)
        if doc.path == self.target.doc.path:
            self.own_ids(doc, root)

    def mapping(self, doc: Document, mapping):
        for key in MARKDOWN_FIELDS:
            node = _value(mapping, key)
            if isinstance(node, yaml.ScalarNode):
                self.markdown(node)
        variants = _value(mapping, "variants")
        for _, node, _ in _pairs(variants).values():
            if isinstance(node, yaml.ScalarNode):
                self.markdown(node)
        for node in _scalars(_value(mapping, "ref")):
            ref = parse_ref(node.value)
            if ref and self.renamed(ref):
                old, new = self.token_of(ref)
                self.token(node, 0, (old, new), shown=(node.value, new + node.value[len(old):]))
        if doc.kind in SUB_ITEMS:
            checklist = _value(mapping, "checklist")
            for node in checklist.value if isinstance(checklist, yaml.SequenceNode) else []:
                if isinstance(node, yaml.ScalarNode):
                    self.markdown(node)
        if self.target.level is None and self.target.scheme == "playbook":
            for key in PLAYBOOK_FIELDS:
                for node in _scalars(_value(mapping, key)):
                    if node.value == self.target.old:
                        self.token(node, 0, (self.target.old, self.target.new))
        if self.target.entry is not None and self.target.scheme == "role":
            self.roles(doc, mapping)

    def roles(self, doc: Document, mapping):
        """Every field naming a role by its bare id: owner, audience, each RACI letter (one id or a list, flow or
        block), and a key of settings' codeowners."""
        raci = _value(mapping, "raci")
        nodes = [n for key in ROLE_FIELDS for n in _scalars(_value(mapping, key))]
        nodes += [n for letter in RACI_LETTERS for n in _scalars(_value(raci, letter))]
        if doc.kind == "settings":
            nodes += [key for key, _, _ in _pairs(_value(mapping, "codeowners")).values()]
        for node in nodes:
            if node.value == self.target.old:
                self.token(node, 0, (self.target.old, self.target.new))

    def renamed(self, ref) -> bool:
        t = self.target
        if ref.scheme != t.scheme:
            return False
        if t.level is None:
            return ref.id == t.old
        return ref.id in t.doc_ids and ref.anchor == t.old

    def token_of(self, ref) -> tuple[str, str]:
        """(old, new) text of the part of a reference that changes."""
        t = self.target
        if t.level is None:
            return f"{ref.scheme}:{t.old}", f"{ref.scheme}:{t.new}"
        return f"{ref.scheme}:{ref.id}#{t.old}", f"{ref.scheme}:{ref.id}#{t.new}"

    def markdown(self, node):
        for match in MARKDOWN_REF.finditer(node.value):
            ref = parse_ref(match["ref"])
            if ref and self.renamed(ref):
                old, new = self.token_of(ref)
                self.token(node, match.start("ref"), (old, new), shown=(match["ref"], new + match["ref"][len(old):]))

    def token(self, node, offset: int, change: tuple[str, str], is_reference: bool = True, shown=None, label=""):
        """Edit the source of `change[0]` found at `offset` of the node's parsed value.

        The parsed value and its source differ (quotes, escapes, folded lines, indentation),
        but neither reorders text: the k-th occurrence of a token in the value is the k-th
        in the source. When escapes make the counts differ, we say so instead of guessing.
        """
        old, new = change
        value_hits = [m.start() for m in re.finditer(re.escape(old), node.value)]
        start, end = node.start_mark.index, node.end_mark.index
        source_hits = [start + m.start() for m in re.finditer(re.escape(old), self.text[start:end])]
        line, col = node.start_mark.line + 1, node.start_mark.column + 1
        if len(value_hits) != len(source_hits):
            raise RenameError(f"{self.path}:{line}:{col}: cannot find '{old}' in the file as written "
                              "(escaped characters?); change it by hand, then run csops mv again")
        at = source_hits[value_hits.index(offset)]
        line, col = line_col(self.text, at)
        before, after = shown or change
        self.edits[(self.path, at)] = Edit(self.path, at, at + len(old), new, line, col, f"{label}{before} -> {after}",
                                           is_reference)

    def own_ids(self, doc: Document, root):
        """The renamed thing's own `id:` (if written) and its `aliases:`, which gains the old id."""
        t = self.target
        if t.entry is not None:
            mapping = next(m for m in _entry_nodes(root, t.entry.field) if getattr(_value(m, "id"), "value", None) == t.old)
        elif t.level is None:
            mapping = root
        else:
            mapping = next(m for m in _item_nodes(doc.kind, root, t.level) if getattr(_value(m, "id"), "value", None) == t.old)
        id_node = _value(mapping, "id")
        if isinstance(id_node, yaml.ScalarNode):
            self.token(id_node, 0, (t.old, t.new), is_reference=False, label="id: ")
        if t.keep_alias:
            self.add_alias(mapping, id_node)

    def add_alias(self, mapping, id_node):
        old, text = self.target.old, self.text
        newline = file_newline(text)
        pair = _pairs(mapping).get("aliases")
        if pair and pair[2]:
            raise RenameError(f"{self.path}:{pair[0].start_mark.line + 1}:{pair[0].start_mark.column + 1}: aliases come "
                              f"from a merge key (<<); add '{old}' to them by hand")
        if pair:
            value = pair[1]
            if isinstance(value, yaml.SequenceNode) and value.flow_style:
                at, insert = (value.value[-1].end_mark.index, f", {old}") if value.value else (value.start_mark.index + 1, old)
            elif isinstance(value, yaml.SequenceNode):
                at = self.next_line(value.value[-1].end_mark.index)
                insert = " " * value.start_mark.column + f"- {old}"
                insert = newline + insert if at == len(text) and not LINE_BREAK.search(text[-1:]) else insert + newline
            else:  # validation refuses anything but a list (`aliases:` alone, `~`): a guard only
                raise RenameError(f"{self.path}: aliases is not a list; add '{old}' by hand")
            self.insert(at, insert)
            return
        if mapping.flow_style:
            self.insert(mapping.start_mark.index + 1, f"aliases: [{old}], ")
            return
        line = f"aliases: [{old}]"
        if id_node is not None:  # just below the id it replaces
            at = self.next_line(id_node.end_mark.index)
            indent = _pairs(mapping)["id"][0].start_mark.column
        else:  # a document without id: above its list of sub-items (and the comments that introduce it)
            items_key = _pairs(mapping)[self.target.kind.items][0]
            at, indent = items_key.start_mark.index - items_key.start_mark.column, items_key.start_mark.column
            while at > 0:
                previous = text.rfind("\n", 0, at - 1) + 1
                if not text[previous:at].strip().startswith("#"):
                    break
                at = previous
        if at == len(text) and not LINE_BREAK.search(text[-1:]):
            self.insert(len(text), newline + " " * indent + line)
        else:
            self.insert(at, " " * indent + line + newline)

    def next_line(self, index: int) -> int:
        """Where the line after the one holding `index` starts (or the end of the text)."""
        found = LINE_BREAK.search(self.text, index)
        return found.end() if found else len(self.text)

    def insert(self, at: int, text: str):
        line, col = line_col(self.text, at)
        self.edits[(self.path, at)] = Edit(self.path, at, at, text, line, col, f"added alias '{self.target.old}'",
                                           is_reference=False)


def plan_rename(project: Path, word: str, ids: tuple[str, ...]) -> RenamePlan:
    """Plan `csops mv WORD [DOC] OLD NEW`; raises RenameError / RenameRefused and changes nothing."""
    from .content_cache import RevisionParses
    from .pipeline import check_content_and_urls
    from .validate import kept_parses

    _check_new_id(ids[-1])
    if len(set(ids[-2:])) == 1:
        raise RenameError(f"OLD and NEW are both '{ids[-1]}': nothing to rename")
    # What `csops validate` checks, minus its warnings: loaded once, then planned on. Each file's parse is the one
    # the last build or validate kept, when its bytes are unchanged; the staged copy's unchanged files are the
    # same parses again (6.5 s of parsing and checking every file twice at 1,000 playbooks)
    parses = RevisionParses(kept_parses(project))
    documents, problems, _ = check_content_and_urls(project, parses)
    errors = [p for p in problems if p.severity == "error"]
    if errors:
        raise RenameRefused(errors)
    target = _find_target(documents, project, word, ids)
    # a page made with `csops new` and renamed before `csops urls --update` kept a redirect from its first, never
    # published, id forever, and the message said old links keep working when there were none
    if target.entry is not None and target.entry.anchored:
        published = was_published(project, target.scheme, {""}, target.old)
    elif target.level is None:
        published = was_published(project, target.scheme, {target.old})
    else:
        published = was_published(project, target.kind.name, target.doc_ids, target.old)
    target = replace(target, keep_alias=published)
    planner = _Planner(target)
    boms = {}
    texts = {}
    for doc in documents:
        boms[doc.path], texts[doc.path] = read_exact(project, doc.path)
        if target.old in texts[doc.path] or doc.path == target.doc.path:  # elsewhere every edit rewrites the old id
            planner.file(doc, texts[doc.path])
    edits = tuple(planner.edits.values())
    changed = {path: boms[path] + apply_edits(texts[path], [e for e in edits if e.path == path])
               for path in sorted({e.path for e in edits})}
    move = None
    if target.level is None and target.entry is None and target.doc.stem == target.old:
        source = Path(target.doc.path)
        move = (target.doc.path, source.with_name(target.new + source.suffix).as_posix())
    subject = (f"{target.entry.noun} '{target.old}'" if target.entry is not None
               else f"{word} '{target.old}'" if target.level is None
               else f"{word} '{target.old}' of {target.kind.noun} '{doc_id(target.doc)}'")
    added, manifest = staged_manifest(project, changed, move, parses)
    for path in [*changed, *(move or ()), *(manifest[:1] if manifest else ())]:
        if not plain_content_file(project, path):
            raise linked_file(path)
    return RenamePlan(subject, target.new, edits, changed, move, tuple(added), manifest, target.keep_alias)


