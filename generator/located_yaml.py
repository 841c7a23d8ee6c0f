"""YAML text -> plain data that remembers where each value sits, within limits a hostile file cannot escape.

PyYAML silently keeps the last of two duplicate keys, which loses an Ops
editor's data; this parser reports them instead, keeps every value's line and
column so later checks point at the exact place, and bounds alias expansion,
nesting and number length so a small file cannot hang CI. What Python-Markdown
would read again and again in a text is estimated in markdown_cost.py; the
file is refused here, at the value that passes one of its limits.
"""

from __future__ import annotations

import re
from functools import cached_property
from typing import NamedTuple

import yaml

from .markdown_cost import (MAX_DEFINITIONS_IN_A_ROW, MAX_LIST_DEPTH, MAX_UNCLOSED_TAGS, READ_BUDGETS,
                            UNCLOSED_TAGS_HINT, lists_too_deep, too_many_definitions_in_a_row, unclosed_tag_past)
from .located_values import LocDict, LocList
from .problems import Position, Problem, shown
from .yaml_errors import syntax_problem


def _mark(node) -> Position:
    return (node.start_mark.line + 1, node.start_mark.column + 1)


# The loader's limits. Each one turns a file that would hang CI or crash a later stage into one
# located Problem; real content stays far below them (the bundled files are under 10 kB, 6 levels deep).
MAX_FILE_BYTES = 1_000_000     # read nothing bigger: a content file is a page, not a data dump
MAX_ALIAS_NODES = 10_000       # values built through aliases, summed over a file: stops "billion laughs";
                               # text built through aliases is capped at MAX_FILE_BYTES too
MAX_DEPTH = 64                 # nesting of lists and mappings: deeper data would exhaust the stack later
MAX_NUMBER_CHARS = 100         # longer numbers are refused before int() turns them into a 5,000-digit value
MAX_TEXT_CHARS = 20_000        # one value of text (a body, an answer): the longest bundled one has 828 characters;
                               # Markdown's raw-HTML pass took 7 s on 150 kB of fences in one body, in validate and build
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

    def __init__(self, loader: _PositionLoader, text: str = ""):
        self.loader = loader
        self.text = text
        self.hashes = "#" in text  # only then can a comment cut a value (note_cut)
        self.cut_values: list[tuple[Position, str, str]] = []  # (where ' #' starts, value kept, comment dropped)
        self.run_on: list[tuple[Position, str]] = []  # (where a '- ' read as text starts, the value it joined)
        self.built: set[int] = set()   # nodes met once; meeting one again means an alias expands it
        self.active: set[int] = set()  # collections being built: an alias to one of them is a cycle
        self.aliased = 0
        self.aliased_chars = 0
        self.alias_site: Position | None = None  # where the alias being expanded is used
        self.depth = 0
        self.spent = {budget.code: 0 for budget in READ_BUDGETS}  # each budget's cost of every text built so far,
        # aliases' copies included
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
            if len(node.value) > MAX_TEXT_CHARS:
                raise _Refused(_mark(node), "text-too-long", f"a value of {len(node.value):,} characters; csops reads "
                               f"at most {MAX_TEXT_CHARS:,} in one value", "split it: a step, answer or section reads on "
                               "one screen; put the rest in more steps or entries, or link to a longer document")
            # YAML turns the file's line breaks into \n, but a quoted "\r" escape stays a carriage return, which
            # every later reader (MkDocs' universal newlines) takes as a line break too: one kind of break only, and
            # Markdown's costs counted on that text ("\r- - - …" passed them, and the build recursed to a traceback)
            text = node.value.replace("\r\n", "\n").replace("\r", "\n") if "\r" in node.value else node.value
            if lists_too_deep(text):
                raise _Refused(_mark(node), "too-deep", f"lists and quotes are nested more than {MAX_LIST_DEPTH} levels "
                               "deep in this text (each '- ', '* ', '1. ' or '>' that starts a line, or follows another, "
                               "opens a level, and so do 4 columns of indent)", "a list or quote needs a few levels: start "
                               "each line with one marker, and indent it less")
            if too_many_definitions_in_a_row(text):
                raise _Refused(_mark(node), "too-deep", f"more than {MAX_DEFINITIONS_IN_A_ROW} ': definition' lines in "
                               "one paragraph of this text: Markdown's definition lists read the paragraph's rest again "
                               "for each, a term's pair one level deeper", "put a blank line between the definitions, "
                               "or write them as a list ('- **term**: definition')")
            for budget in READ_BUDGETS:
                if budget.sign in text:
                    self.spent[budget.code] += budget.cost_of(text)
                    if self.spent[budget.code] > budget.limit:
                        raise _Refused(_mark(node), budget.code, budget.message, budget.hint)
            if not node.style and self.hashes:  # plain (libyaml says "", PyYAML None)
                self.note_cut(node)
            if not node.style and node.end_mark.line > node.start_mark.line:
                self.note_run_on(node)
            return text
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

    @cached_property
    def lines(self) -> list[str]:
        """The file's lines as YAML counts them, split when first needed (most files never need them)."""
        text = self.text
        plain = "\r" not in text and "\x85" not in text and "\u2028" not in text and "\u2029" not in text
        return text.split("\n") if plain else _BREAKS.split(text)

    def note_cut(self, node) -> None:
        """Text after ' #' on a plain value's line is a YAML comment, dropped without a word: 'Post in #renewals
        channel' became 'Post in'. A '#' followed by a word (a channel, a ticket number) is taken for a slip; a
        '# ' comment is left alone, as YAML means it."""
        line = self.lines[node.end_mark.line] if node.end_mark.line < len(self.lines) else ""
        rest = line[node.end_mark.column:]
        cut = _CUT_VALUE.match(rest)
        if cut:
            column = node.end_mark.column + cut.start(1)
            self.cut_values.append(((node.end_mark.line + 1, column + 1), node.value, rest[cut.start(1):].rstrip()))

    def note_run_on(self, node) -> None:
        """A '- ' line indented deeper than the entry above is more of that entry's plain text, joined without a
        word: a checklist's '     - 記録した' one space too deep made the item '理由を聞いた - 記録した'."""
        for index in range(node.start_mark.line + 1, min(node.end_mark.line + 1, len(self.lines))):
            line = self.lines[index]
            content = line.lstrip(" ")
            if content.startswith("- ") or content == "-":
                self.run_on.append(((index + 1, len(line) - len(content) + 1), node.value))
                return

    def sequence(self, node) -> LocList:
        data = LocList()
        data.pos = site = _mark(node)
        after = node.start_mark  # where the text before the next item ends ('- ', '[' or ', ' follow)
        for item in node.value:
            alias, after = self.alias_use(item, after)
            data.append(self.value(item, site) if alias is None else self.copied(item, alias, site))
            data.item_pos.append(_mark(item) if alias is None else alias)
        return data

    def alias_use(self, node, after) -> tuple[Position | None, _Mark]:
        """Where `node`, met again, is written as '*name' after `after` (None if it is not, or cannot be told), and
        the mark just past it: where the text before the next value ends.

        The composer hands an alias over as the very node it names, so its data carried the anchor's positions:
        '- *step' gave 'duplicate id … already used at line 4' at line 4, not at the alias. `after` only moves
        forward, so the text between two values is read once: read again from the anchor, a file of '*k : *v'
        pairs after 300,000 blank lines took 18 s for 200 of them."""
        if id(node) not in self.built:
            return None, node.end_mark
        if self.alias_site is not None:  # inside an alias's copy, which copied() places at that alias as a whole
            return None, after
        line, column = after.line, after.column
        while line < len(self.lines):
            text = self.lines[line]
            found = _BEFORE_ALIAS.match(text, column)
            if found.end() < len(text) and text[found.end()] == "*":
                token = _ALIAS_TOKEN.match(text, found.end())
                return (line + 1, found.end() + 1), _Mark(line, token.end())
            if found.end() < len(text) and text[found.end()] != "#":
                return None, _Mark(line, found.end())  # something else comes first: leave the anchor's positions
            line, column = line + 1, 0
        return None, _Mark(line, 0)

    def copied(self, node, alias: Position, site: Position):
        """The data of an alias's node, every position in it the alias's: that is where the copy is written."""
        data = self.value(node, site)
        _relocate(data, alias)
        return data

    def mapping(self, node) -> LocDict:
        """A mapping; merge keys (<<) supply defaults that its own keys override, as YAML 1.1 says.

        Every key in content is a name, so a plain key that YAML would read as null, a boolean, a number or a date
        (`null:`, `no:`, `12:`) is kept as written: messages then quote `null`, not Python's None."""
        data = LocDict()
        data.pos = _mark(node)
        explicit: dict = {}  # key -> line of its first explicit definition; only these can be duplicates
        sources, pairs = [], []
        after = node.start_mark  # where the text before the next key or value ends, as in sequence()
        for key_node, value_node in node.value:  # in the text's order: an alias is told from its anchor by that
            if key_node.tag == _MERGE:
                _, after = self.alias_use(value_node, key_node.end_mark)
                sources += self.merged(key_node, value_node)
                continue
            key_alias, after = self.alias_use(key_node, after)
            key_at = _mark(key_node) if key_alias is None else key_alias
            key = self.value(key_node, key_at)
            if not isinstance(key, str) and isinstance(key_node, yaml.ScalarNode) and not key_node.style:
                key = key_node.value
            try:
                hash(key)
            except TypeError:
                key = str(key)
            alias, after = self.alias_use(value_node, after)
            value = self.value(value_node, key_at) if alias is None else self.copied(value_node, alias, key_at)
            pairs.append((key_node, key, key_at, value_node, value, alias))
        for source in sources:
            for key, item in source.items():
                if key not in data:
                    data[key] = item
                    data.key_pos[key] = source.where_key(key)
                    data.value_pos[key] = source.where(key)
                    data.value_style[key] = source.value_style.get(key)
        for key_node, key, key_at, value_node, value, alias in pairs:
            if key in explicit:
                self.duplicate_keys.append((str(key), key_at, explicit[key]))
            else:
                explicit[key] = key_at
            data[key] = value
            data.key_pos[key] = key_at
            data.value_pos[key] = _mark(value_node) if alias is None else alias
            data.value_style[key] = getattr(value_node, "style", None)
            if (isinstance(value_node, yaml.ScalarNode) and value_node.style == ">"
                    and value_node.end_mark.line > value_node.start_mark.line):
                segments = self.line_starts(value_node)
                if segments:
                    data.value_lines[key] = segments
            elif (isinstance(value_node, yaml.ScalarNode) and value_node.style in (None, "", "'", '"')
                  and value_node.end_mark.line > value_node.start_mark.line):
                # folded from several lines: where_in_text names its start unless they are read. A plain value's
                # lines are read anyway (note_run_on); a quoted one's only when it holds a link, what an editor
                # fixes in a body: generated YAML is full of quoted bodies, where reading every file's lines cost
                # cold builds 0.1 s (e34fe6e)
                read = not value_node.style or _HAS_LINK(value_node.value)
                data.value_lines[key] = self.inline_line_starts(value_node) if read else ()
            if alias is not None:
                data.value_lines[key] = ()  # the text is the anchor's: a place in it is the alias's place
        return data

    def line_starts(self, node) -> tuple:
        """(offset in the value, line, col) where each source line of a folded scalar starts in its value: folding
        joined them with spaces, so a link on the third line of a '>-' description was reported on the first, at a
        column past its end."""
        found, cursor = [], 0
        # the text starts on the line after the '>-' indicator's
        for number in range(node.start_mark.line + 1, min(node.end_mark.line, len(self.lines) - 1) + 1):
            raw = self.lines[number]
            column = len(raw) - len(raw.lstrip(" \t"))
            piece = raw[column:].rstrip()[:24]
            at = node.value.find(piece, cursor) if piece else -1
            if at >= 0:
                found.append((at, number + 1, column + 1))
                cursor = at + len(piece)
        return tuple(found)

    def inline_line_starts(self, node) -> tuple:
        """(offset in the value, line, col) where each source line of a plain or quoted value over several lines
        starts in its value (line_starts' for these): a broken link on a body's third line was reported at the
        value's first. () when a line cannot be told for sure in the value (an escape, a quote doubled): the value's
        start, where it was, rather than a wrong line."""
        found, cursor = [], 0
        quoted = 1 if node.style in ("'", '"') else 0
        first, last = node.start_mark.line, min(node.end_mark.line, len(self.lines) - 1)
        for number in range(first, last + 1):
            raw = self.lines[number]
            column = node.start_mark.column + quoted if number == first else len(raw) - len(raw.lstrip(" \t"))
            end = node.end_mark.column - quoted if number == node.end_mark.line else len(raw)
            piece = raw[column:end].rstrip(" \t")
            if not piece:  # a blank line: a line break in the value
                continue
            if quoted and ("\\" in piece or "'" in piece and node.style == "'"):
                return ()
            at = node.value.find(piece, cursor)
            if at < 0:
                return ()
            found.append((at, number + 1, column + 1))
            cursor = at + len(piece)
        return tuple(found)

    def merged(self, key_node, value_node) -> list[LocDict]:
        """The mappings `<<: *base` (or `<<: [*a, *b]`, earlier ones win) merges: their keys the mapping lacks are
        copied into it, before its own."""
        sources = value_node.value if isinstance(value_node, yaml.SequenceNode) else [value_node]
        built = []
        for source_node in sources:
            if not isinstance(source_node, yaml.MappingNode):
                raise _Refused(_mark(source_node), "yaml-syntax", "YAML syntax error: '<<' merges a mapping or a list of mappings",
                               "write '<<: *name' where '&name' marks a mapping")
            built.append(self.value(source_node, _mark(key_node)))
        return built


_BREAKS = re.compile("\r\n|[\r\n\x85\u2028\u2029]")  # what YAML counts as a line break
_BEFORE_ALIAS = re.compile(r"[\s\-,\[{:?]*")  # what may stand between a value and the alias after it
_ALIAS_TOKEN = re.compile(r"\*[0-9A-Za-z_-]*")  # the characters YAML's readers take in a name


class _Mark(NamedTuple):
    """A 0-based place in the text, as the composer's marks give one."""

    line: int
    column: int


def _relocate(data, position: Position) -> None:
    """Give every value in `data` (an alias's copy) `position`, and its texts no inner places."""
    if isinstance(data, LocDict):
        data.pos = position
        for key, item in data.items():
            data.key_pos[key] = data.value_pos[key] = position
            if isinstance(item, str):
                data.value_lines[key] = ()
            _relocate(item, position)
    elif isinstance(data, LocList):
        data.pos = position
        data.item_pos = [position] * len(data.item_pos)
        for item in data:
            _relocate(item, position)


_HAS_LINK = re.compile(r"\]\(|\]:|<").search  # a link of any form ([x](y), [x]: y, <y>) or an HTML tag
_CUT_VALUE = re.compile(r"[ \t]+(#+[^\s#])")  # a comment right after a value, starting like a hashtag: #renewals, #123


_YAML_ONLY_BREAK = re.compile("[\x85\u2028\u2029]")  # NEL and the Unicode line and paragraph separators


def line_col(text: str, offset: int) -> Position:
    lines = _BREAKS.split(text[:offset])
    return len(lines), len(lines[-1]) + 1


def parse_yaml(text: str, path: str) -> tuple[object, list[Problem]]:
    """Parse YAML text into located data; syntax errors, limits and duplicate keys become Problems."""
    if not text.strip() or all(
        not line.strip() or line.lstrip().startswith("#") for line in text.splitlines()
    ):
        return None, [Problem(path, 1, 1, "empty-file", "file is empty", "add content or delete the file")]
    separator = _YAML_ONLY_BREAK.search(text)
    if separator:  # YAML counts it as a line, editors and GitHub do not: every later position would be off
        return None, [Problem(path, *line_col(text, separator.start()), "line-separator",
                              f"character U+{ord(separator[0]):04X} is a line break to YAML but not to editors or GitHub, "
                              "so every position after it would be off", "replace it with a line break, or with a space "
                              "inside a sentence; it comes with text pasted from web pages and chat tools")]
    unclosed = unclosed_tag_past(text, MAX_UNCLOSED_TAGS)
    if unclosed is not None:
        return None, [Problem(path, *line_col(text, unclosed), "unclosed-tags",
                              f"more than {MAX_UNCLOSED_TAGS} '<' in this file start an HTML tag that no '>' closes; "
                              f"this is number {MAX_UNCLOSED_TAGS + 1}", UNCLOSED_TAGS_HINT)]
    loader = _PositionLoader(text)
    builder = _Builder(loader, text)
    try:
        node = loader.get_single_node()
        data = None if node is None else builder.value(node, _mark(node))
    except _Refused as refused:
        return None, [Problem(path, *refused.position, refused.code, refused.message, refused.hint)]
    except yaml.MarkedYAMLError as error:
        return None, [syntax_problem(path, text, error)]
    except yaml.reader.ReaderError as error:
        # Control characters (NUL, BEL, …) are not YAML; libyaml reports a byte offset, not a line.
        before = text.encode("utf-8", "surrogatepass")[: error.position].decode("utf-8", "ignore")
        line, col = line_col(before, len(before))
        character = error.character if isinstance(error.character, int) else ord(str(error.character)[:1] or "?")
        if character == 0 and text.count("\0") * 4 > len(text):  # every other byte NUL: UTF-16 without a BOM
            return None, [Problem(path, 1, 1, "not-utf8", "file is UTF-16 (without a byte-order mark), not UTF-8",
                                  "re-save the file with UTF-8 encoding")]
        return None, [Problem(path, line, col, "yaml-syntax", f"YAML syntax error: character U+{character:04X} is not allowed",
                              "delete the control character; pasting from another tool often brings one in")]
    except yaml.YAMLError as error:
        return None, [Problem(path, 1, 1, "yaml-syntax", f"YAML error: {' '.join(str(error).split())}")]
    except RecursionError:  # only the pure-Python parser, which has no nesting limit of its own
        return None, [Problem(path, 1, 1, "too-deep", f"lists and mappings are nested more than {MAX_DEPTH} levels deep",
                              "flatten the structure: content needs only a few levels")]
    finally:
        loader.dispose()
    if data is None:  # '~', 'null' or a lone '---': a document, but of nothing, which was left out without a word
        written = node.value if node is not None else ""
        return None, [Problem(path, *(_mark(node) if written else (1, 1)), "empty-file",
                              "file holds no content: " + (f"{written[:40]!r} is YAML for nothing" if written
                                                            else "YAML reads it as nothing"),
                              "add content or delete the file")]
    problems = [
        Problem(path, line, col, "duplicate-key", f"duplicate key '{key}', first defined at line {first[0]}",
                "YAML keeps only the last one; merge the two or rename one")
        for key, (line, col), first in builder.duplicate_keys
    ]
    for (line, col), kept, dropped in builder.cut_values:
        whole = f"{kept} {dropped}".replace("\\", "\\\\").replace('"', '\\"')
        problems.append(Problem(path, line, col, "comment-in-value",
                                f"'{shown(dropped)}' is a YAML comment, so the value ends before it: '{kept}'",
                                f'quote the whole value to keep the text: "{whole}"' if len(whole) <= 80 else
                                "put the whole value in double quotes to keep the text after ' #'"))
    for (line, col), value in builder.run_on:
        problems.append(Problem(path, line, col, "entry-in-text",
                                f"this '- ' line is read as more text of the value above it, not as an entry of its own: "
                                f"the value is '{shown(value, 60)}'",
                                "to make it an entry, indent its '-' like the entry above; to keep a list in a text, "
                                "write the value as a '|' block", severity="warning"))
    return data, problems

