"""Walk `content/` by kind and load each YAML file keeping every value's position.

PyYAML silently keeps the last of two duplicate keys, which loses an Ops
editor's data; this loader reports them instead, and remembers where each value
sits so later checks can point at the exact line and column.
"""

from __future__ import annotations

import re
import stat
from dataclasses import dataclass
from pathlib import Path

import yaml

from .kinds import CATALOG_FILES, DOCUMENT_KINDS
from .problems import Problem

YAML_SUFFIXES = (".yml", ".yaml")

Position = tuple[int, int]


class LocDict(dict):
    """A mapping that remembers where it, its keys and its values start (1-based line, col)."""

    pos: Position = (1, 1)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.key_pos: dict = {}
        self.value_pos: dict = {}
        self.value_style: dict = {}

    def where(self, key) -> Position:
        return self.value_pos.get(key, self.pos)

    def where_key(self, key) -> Position:
        return self.key_pos.get(key, self.pos)

    def where_in_text(self, key, offset: int) -> Position:
        """Position of character `offset` inside the text value of `key`."""
        text = self[key]
        line, col = self.where(key)
        before = text[:offset]
        newlines = before.count("\n")
        in_line = offset - (before.rfind("\n") + 1)
        if self.value_style.get(key) in ("|", ">"):
            key_col = self.where_key(key)[1]
            return line + 1 + newlines, key_col + 2 + in_line
        quote = 1 if self.value_style.get(key) in ("'", '"') else 0
        return line + newlines, (col + quote + in_line) if not newlines else in_line + 1


class LocList(list):
    """A sequence that remembers where it and each item start."""

    pos: Position = (1, 1)

    def __init__(self, *args):
        super().__init__(*args)
        self.item_pos: list[Position] = []

    def where(self, index: int) -> Position:
        return self.item_pos[index] if index < len(self.item_pos) else self.pos


@dataclass(frozen=True)
class Document:
    """One content file: its kind, project-relative path, file stem and located data."""

    kind: str
    path: str
    stem: str
    data: object


def _mark(node) -> Position:
    return (node.start_mark.line + 1, node.start_mark.column + 1)


# The loader's limits. Each one turns a file that would hang CI or crash a later stage into one
# located Problem; real content stays far below them (the bundled files are under 10 kB, 6 levels deep).
MAX_FILE_BYTES = 1_000_000     # read nothing bigger: a content file is a page, not a data dump
MAX_ALIAS_NODES = 10_000       # values built through aliases, summed over a file: stops "billion laughs";
                               # text built through aliases is capped at MAX_FILE_BYTES too
MAX_DEPTH = 64                 # nesting of lists and mappings: deeper data would exhaust the stack later
MAX_NUMBER_CHARS = 100         # longer numbers are refused before int() turns them into a 5,000-digit value
ALIAS_HINT = "an alias repeats the whole value it names; write small values out instead of nesting aliases"
REFUSED_HINT = "content holds only text, numbers, true/false, lists and mappings"


class _PositionLoader(yaml.CSafeLoader if hasattr(yaml, "CSafeLoader") else yaml.SafeLoader):
    """Safe loader whose composed nodes _Builder turns into LocDict/LocList."""


_STR = "tag:yaml.org,2002:str"
_TEXT_TAGS = {_STR, "tag:yaml.org,2002:timestamp"}  # dates stay text: the schema checks one type, the model parses once
_NUMBER_TAGS = {"tag:yaml.org,2002:int", "tag:yaml.org,2002:float"}
# Scalars PyYAML's safe constructor turns into plain values; every other tag (!!binary, !!python/…,
# !custom) is refused so that content can only ever be the data the schema describes.
_SCALAR_TAGS = _NUMBER_TAGS | {"tag:yaml.org,2002:bool", "tag:yaml.org,2002:null", "tag:yaml.org,2002:value"}
_SEQ = "tag:yaml.org,2002:seq"
_MAP = "tag:yaml.org,2002:map"
_MERGE = "tag:yaml.org,2002:merge"


def _short_tag(tag: str) -> str:
    return "!!" + tag.removeprefix("tag:yaml.org,2002:") if tag.startswith("tag:yaml.org,2002:") else tag


class _Refused(Exception):
    """A located reason why a file's data cannot be built."""

    def __init__(self, position: Position, code: str, message: str, hint: str = ""):
        super().__init__(message)
        self.position, self.code, self.message, self.hint = position, code, message, hint


class _Builder:
    """Turns composed nodes into located data, within the loader's limits.

    Works on nodes directly: 2x faster than PyYAML's generator-based constructor, and the only place
    that sees an alias being reused (the same node object met twice), so expansion can be counted.
    """

    def __init__(self, loader: _PositionLoader):
        self.loader = loader
        self.built: set[int] = set()   # nodes met once; meeting one again means an alias expands it
        self.active: set[int] = set()  # collections being built: an alias to one of them is a cycle
        self.aliased = 0
        self.aliased_chars = 0
        self.alias_site: Position | None = None  # where the alias being expanded is used
        self.depth = 0
        self.duplicate_keys: list[tuple[str, Position, Position]] = []

    def value(self, node, site: Position):
        """Data of `node`; `site` is where its parent uses it, the best place to report an alias."""
        outermost = self.alias_site is None
        if id(node) in self.built:
            self.aliased += 1
            if outermost:
                self.alias_site = site  # report the alias a reader wrote, not one deep inside its expansion
            if self.aliased > MAX_ALIAS_NODES:
                raise _Refused(self.alias_site, "alias-limit", f"aliases expand to more than {MAX_ALIAS_NODES:,} values", ALIAS_HINT)
        else:
            self.built.add(id(node))
        try:
            return self.node_value(node)
        finally:
            if outermost:
                self.alias_site = None

    def node_value(self, node):
        if isinstance(node, yaml.ScalarNode):
            if self.alias_site is not None:
                # Shared strings cost nothing here, but every later stage copies them: 10,000 aliases of a
                # 900 kB text would render a 9 GB page. So text built through aliases is capped as well.
                self.aliased_chars += len(node.value)
                if self.aliased_chars > MAX_FILE_BYTES:
                    raise _Refused(self.alias_site, "alias-limit", f"aliases expand to more than {MAX_FILE_BYTES // 1_000_000} MB of text",
                                   ALIAS_HINT)
            return self.scalar(node)
        if id(node) in self.active:
            raise _Refused(_mark(node), "yaml-syntax", "YAML syntax error: an alias refers to the collection that contains it",
                           "remove the alias or point it at another value")
        if self.depth >= MAX_DEPTH:
            raise _Refused(_mark(node), "too-deep", f"lists and mappings are nested more than {MAX_DEPTH} levels deep",
                           "flatten the structure: content needs only a few levels")
        self.active.add(id(node))
        self.depth += 1
        try:
            if isinstance(node, yaml.SequenceNode) and node.tag == _SEQ:
                return self.sequence(node)
            if isinstance(node, yaml.MappingNode) and node.tag == _MAP:
                return self.mapping(node)
            raise _Refused(_mark(node), "unsupported-tag", f"tag '{_short_tag(node.tag)}' is not supported",
                           f"remove the tag: {REFUSED_HINT}")
        finally:
            self.active.discard(id(node))
            self.depth -= 1

    def scalar(self, node):
        tag = node.tag
        if tag in _TEXT_TAGS:
            return node.value
        if tag not in _SCALAR_TAGS:
            raise _Refused(_mark(node), "unsupported-tag", f"tag '{_short_tag(tag)}' is not supported",
                           f"remove the tag: {REFUSED_HINT}")
        if tag in _NUMBER_TAGS and len(node.value) > MAX_NUMBER_CHARS:
            raise _Refused(_mark(node), "number-too-long",
                           f"number has {len(node.value):,} characters; csops reads numbers of at most {MAX_NUMBER_CHARS}",
                           "quote it if it is text")
        try:
            return self.loader.construct_object(node, deep=True)  # numbers, booleans, null: PyYAML's own rules
        except (ValueError, LookupError, ArithmeticError, TypeError):  # e.g. "!!int soon", "!!int" alone
            shown = node.value if len(node.value) <= 40 else node.value[:40] + "…"
            raise _Refused(_mark(node), "wrong-type", f"'{shown}' cannot be read as {_short_tag(tag)}",
                           "remove the tag, or quote the value to keep it as text") from None

    def sequence(self, node) -> LocList:
        data = LocList()
        data.pos = site = _mark(node)
        for item in node.value:
            data.append(self.value(item, site))
            data.item_pos.append(_mark(item))
        return data

    def mapping(self, node) -> LocDict:
        """A mapping; merge keys (<<) supply defaults that its own keys override, as YAML 1.1 says."""
        data = LocDict()
        data.pos = _mark(node)
        explicit: dict = {}  # key -> line of its first explicit definition; only these can be duplicates
        pairs = []
        for key_node, value_node in node.value:
            if key_node.tag == _MERGE:
                self.merge(data, key_node, value_node)
            else:
                pairs.append((key_node, value_node))
        for key_node, value_node in pairs:
            key = self.value(key_node, _mark(key_node))
            try:
                hash(key)
            except TypeError:
                key = str(key)
            if key in explicit:
                self.duplicate_keys.append((str(key), _mark(key_node), explicit[key]))
            else:
                explicit[key] = _mark(key_node)
            data[key] = self.value(value_node, _mark(key_node))
            data.key_pos[key] = _mark(key_node)
            data.value_pos[key] = _mark(value_node)
            data.value_style[key] = getattr(value_node, "style", None)
        return data

    def merge(self, data: LocDict, key_node, value_node):
        """Copy keys of `<<: *base` (or `<<: [*a, *b]`, earlier ones win) that `data` lacks so far."""
        sources = value_node.value if isinstance(value_node, yaml.SequenceNode) else [value_node]
        for source_node in sources:
            if not isinstance(source_node, yaml.MappingNode):
                raise _Refused(_mark(source_node), "yaml-syntax", "YAML syntax error: '<<' merges a mapping or a list of mappings",
                               "write '<<: *name' where '&name' marks a mapping")
            source = self.value(source_node, _mark(key_node))
            for key, item in source.items():
                if key not in data:
                    data[key] = item
                    data.key_pos[key] = source.where_key(key)
                    data.value_pos[key] = source.where(key)
                    data.value_style[key] = source.value_style.get(key)


_BREAKS = re.compile("\r\n|[\r\n\x85\u2028\u2029]")  # what YAML counts as a line break


def _line_col(text: str, offset: int) -> Position:
    lines = _BREAKS.split(text[:offset])
    return len(lines), len(lines[-1]) + 1


def parse_yaml(text: str, path: str) -> tuple[object, list[Problem]]:
    """Parse YAML text into located data; syntax errors, limits and duplicate keys become Problems."""
    if not text.strip() or all(
        not line.strip() or line.lstrip().startswith("#") for line in text.splitlines()
    ):
        return None, [Problem(path, 1, 1, "empty-file", "file is empty", "add content or delete the file")]
    loader = _PositionLoader(text)
    builder = _Builder(loader)
    try:
        node = loader.get_single_node()
        data = None if node is None else builder.value(node, _mark(node))
    except _Refused as refused:
        return None, [Problem(path, *refused.position, refused.code, refused.message, refused.hint)]
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        reason = " ".join(filter(None, [error.context, error.problem])) or "invalid YAML"
        return None, [Problem(path, line, col, "yaml-syntax", f"YAML syntax error: {reason}",
                              "check indentation and quote values containing ': ' or '#'")]
    except yaml.reader.ReaderError as error:
        # Control characters (NUL, BEL, …) are not YAML; libyaml reports a byte offset, not a line.
        before = text.encode("utf-8", "surrogatepass")[: error.position].decode("utf-8", "ignore")
        line, col = _line_col(before, len(before))
        character = error.character if isinstance(error.character, int) else ord(str(error.character)[:1] or "?")
        return None, [Problem(path, line, col, "yaml-syntax", f"YAML syntax error: character U+{character:04X} is not allowed",
                              "delete the control character; pasting from another tool often brings one in")]
    except yaml.YAMLError as error:
        return None, [Problem(path, 1, 1, "yaml-syntax", f"YAML error: {' '.join(str(error).split())}")]
    except RecursionError:  # only the pure-Python parser, which has no nesting limit of its own
        return None, [Problem(path, 1, 1, "too-deep", f"lists and mappings are nested more than {MAX_DEPTH} levels deep",
                              "flatten the structure: content needs only a few levels")]
    finally:
        loader.dispose()
    problems = [
        Problem(path, line, col, "duplicate-key", f"duplicate key '{key}', first defined at line {first[0]}",
                "YAML keeps only the last one; merge the two or rename one")
        for key, (line, col), first in builder.duplicate_keys
    ]
    return data, problems


def read_text(file: Path, path: str) -> tuple[str | None, list[Problem]]:
    """Read a file as UTF-8 within MAX_FILE_BYTES, reporting the position of the first undecodable byte."""
    try:
        if not stat.S_ISREG(file.stat().st_mode):  # a link to a FIFO or device would block or never end
            return None, [Problem(path, 1, 1, "unreadable-file", "cannot read the file: it links to something that is not a file",
                                  "link only to regular files, or copy the file here")]
        with file.open("rb") as stream:
            raw = stream.read(MAX_FILE_BYTES + 1)  # bounded even if the file grows after a stat
    except OSError as error:
        return None, [Problem(path, 1, 1, "unreadable-file", f"cannot read the file: {error.strerror or error}",
                              "check that it is a file you can read (permissions, a dangling link)")]
    if len(raw) > MAX_FILE_BYTES:
        return None, [Problem(path, 1, 1, "file-too-large", f"file is larger than {MAX_FILE_BYTES // 1_000_000} MB",
                              "split it into several files: one playbook, checklist, FAQ topic or chart per file")]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        before = raw[: error.start]
        line = before.count(b"\n") + 1
        col = len(before) - (before.rfind(b"\n") + 1) + 1
        return None, [Problem(path, line, col, "not-utf8", f"file is not UTF-8 (byte 0x{raw[error.start]:02x})",
                              "re-save the file with UTF-8 encoding")]
    return text.removeprefix("\ufeff"), []


def _relative(file: Path, project: Path) -> str:
    try:
        return file.relative_to(project).as_posix()
    except ValueError:
        return file.as_posix()


def _inside(file: Path, root: Path) -> bool:
    """Whether a path, links followed, stays in the project: content must live in the repository."""
    try:
        return file.resolve().is_relative_to(root)
    except (OSError, RuntimeError):  # a link loop
        return False


def _looks_like_yaml(name: str) -> bool:
    lower = name.lower()
    return ".yml" in lower or ".yaml" in lower


def _is_editor_lock(path: Path) -> bool:
    # Emacs marks a file being edited with a dangling link '.#name.yml'; it is not content.
    return path.name.startswith(".#")


def _entry_problems(content_dir: Path, project: Path) -> list[Problem]:
    """Warnings for what the walk below passes over, so nothing is skipped without a word."""
    problems = []
    for entry in sorted(content_dir.rglob("*")):
        path = _relative(entry, project)
        if entry.is_symlink() and entry.is_dir():
            problems.append(Problem(path, 1, 1, "skipped-file", "not read: csops does not follow links to folders",
                                    "move the files into content/ itself", "warning"))
        elif entry.suffix in YAML_SUFFIXES and not entry.is_symlink() and not entry.is_file():  # links: read_text reports them
            problems.append(Problem(path, 1, 1, "skipped-file", "not read: it is a folder or special file, not a YAML file",
                                    "rename it so its name does not end in .yml or .yaml", "warning"))
        elif _is_editor_lock(entry) or (entry.is_file() and entry.suffix not in YAML_SUFFIXES and _looks_like_yaml(entry.name)):
            problems.append(Problem(path, 1, 1, "skipped-file", "not read: only files ending in .yml or .yaml are content",
                                    "delete it if it is an editor backup, or rename it to end in .yml", "warning"))
    return problems


def discover_files(content_dir: Path) -> list[tuple[str, Path]]:
    """List (kind, file) for every content file, sorted so runs are deterministic."""
    found: list[tuple[str, Path]] = []
    for kind, name in CATALOG_FILES.items():
        for suffix in YAML_SUFFIXES:
            candidate = content_dir / Path(name).with_suffix(suffix)
            if candidate.is_file() or candidate.is_symlink():
                found.append((kind, candidate))
    for kind in DOCUMENT_KINDS:
        directory = content_dir / kind.folder
        kind = kind.name
        if directory.is_dir():
            found.extend((kind, f) for f in sorted(directory.rglob("*")) if f.suffix in YAML_SUFFIXES and _is_file_or_link(f))
    known = {f for _, f in found}
    for stray in sorted(content_dir.rglob("*")):
        if stray.suffix in YAML_SUFFIXES and _is_file_or_link(stray) and stray not in known:
            found.append(("unknown", stray))
    return found


def _is_file_or_link(path: Path) -> bool:
    # A dangling link is listed too: reading it reports it instead of skipping it silently.
    return not _is_editor_lock(path) and (path.is_file() or (path.is_symlink() and not path.is_dir()))


def load_content(project: Path) -> tuple[list[Document], list[Problem]]:
    """Load every content file of a project; never raises on bad content."""
    content_dir = project / "content"
    if not content_dir.is_dir():
        return [], [Problem("content", 1, 1, "no-content", f"no content/ folder in {project}",
                            "run in a portal project or pass --project DIR")]
    root = project.resolve()
    documents: list[Document] = []
    problems: list[Problem] = _entry_problems(content_dir, project)
    folders = ", ".join(f"content/{k.folder}/" for k in DOCUMENT_KINDS)
    for kind, file in discover_files(content_dir):
        path = _relative(file, project)
        if not _inside(file, root):
            problems.append(Problem(path, 1, 1, "outside-project", "links to a file outside the project",
                                    "content must live in the repository: copy the file here instead of linking to it"))
            continue
        if kind == "unknown":
            problems.append(Problem(path, 1, 1, "unknown-file", "not a known content location",
                                    f"move it into one of {folders} or name it content/roles.yml, settings.yml, glossary.yml"))
            continue
        text, read_problems = read_text(file, path)
        problems.extend(read_problems)
        if text is None:
            continue
        data, parse_problems = parse_yaml(text, path)
        problems.extend(parse_problems)
        if data is not None and not parse_problems:
            documents.append(Document(kind, path, file.stem, data))
        elif data is not None and all(p.code == "duplicate-key" for p in parse_problems):
            documents.append(Document(kind, path, file.stem, data))
    return documents, problems
