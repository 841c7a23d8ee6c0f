"""Where a YAML syntax error was made, and its fix: the parser often notices a slip a line or more later (a key
without its colon, an unclosed bracket or quote), and its message names the symptom, not the mistake.
"""

from __future__ import annotations

import re

from .problems import Position, Problem, shown


def syntax_problem(path: str, text: str, error) -> Problem:
    """A PyYAML MarkedYAMLError as one Problem at the slip, with the fix."""
    mark = error.problem_mark or error.context_mark
    line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
    reason = " ".join(filter(None, [error.context, error.problem])) or "invalid YAML"
    dashed = _entry_with_a_typed_dash(text, line)
    if dashed is not None:  # the parser fails at the entry's next line, or at the next '- ' entry, with no word of it
        return _slip_problem(path, *dashed)
    opened = _unclosed_quote(text, line)
    if opened is not None:  # the parser read on to a later quote and failed there, lines after the mistake
        return _open_quote_problem(path, opened, line, col, reason)
    return _escape_problem(path, text, error, line, col) or _syntax_problem(path, text, error, line, col, reason)


# The parsers' words (libyaml's, then PyYAML's for mkdocs.yml) for a backslash in double quotes that starts no escape
# YAML has: a Windows path ("C:\Users\csm"), a regular expression ("\d+"), half of an emoji as JSON writes it
# ("\ud83d\ude00"). They stop inside the quoted value, and were told to close a quote that was closed.
_BAD_ESCAPE = ("found unknown escape character", "did not find expected hexdecimal number",
               "found invalid Unicode character escape code", "expected escape sequence of")
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F][0-9a-fA-F]{2}")


def _escape_problem(path: str, text: str, error, line: int, col: int) -> Problem | None:
    """A backslash in a double-quoted value that YAML reads as no escape, at the backslash, with the fix."""
    if not (error.problem or "").startswith(_BAD_ESCAPE):
        return None
    lines = text.split("\n")
    written = lines[line - 1] if 0 < line <= len(lines) else ""
    at = written.rfind("\\", 0, col)
    if at < 0:
        return None
    if _SURROGATE_ESCAPE.match(written, at):
        return _slip_problem(path, line, at + 1, f"'{written[at:at + 6]}' is half of a character (a surrogate, as JSON "
                             "writes an emoji in two halves), which YAML does not take",
                             "write the character itself, or in double quotes as \\U and 8 hex digits (\\U0001F600 for 😀)")
    return _slip_problem(path, line, at + 1, "a backslash in double quotes starts an escape (\\n, \\t, \\u00e9), and "
                         f"'{shown(written[at:at + 2])}' here starts none YAML can read",
                         "write each backslash twice (C:\\\\Users), or put the value in single quotes, where a backslash is text")


_QUOTE_OPENS = re.compile(r"""(?:^\s*(?:-\s+)?[^\s#'"][^:#]*:\s+|^\s*-\s+)(?P<quote>["'])""")


def _unclosed_quote(text: str, error_line: int) -> Position | None:
    """(line, column) of the last quoted value before `error_line` that does not close on its own line, if one
    does: a quote left open makes the parser fail lines later, where the next quote character happens to be."""
    lines = text.split("\n")[: error_line - 1]
    for number in range(len(lines), 0, -1):
        line = lines[number - 1]
        found = _QUOTE_OPENS.match(line)
        if found is None:
            continue
        quote, rest = found["quote"], line[found.end():]
        closed = rest.replace("''", "") if quote == "'" else re.sub(r'\\.', "", rest)
        if quote not in closed:
            return number, found.start("quote") + 1
        return None  # the nearest quoted value closes: the mistake is elsewhere
    return None


_CLOSERS = {"flow mapping": ("{", "}"), "flow sequence": ("[", "]")}


def _japanese_comma(text: str, start, line: int, col: int) -> tuple[int, int, str] | None:
    """Where a Japanese comma ('、' or a full-width '，') stands between a flow collection's opening bracket and
    where the parser gave up: (line, column, the comma), or None."""
    lines = text.split("\n")
    for number in range(start.line + 1, min(line, len(lines)) + 1):
        written = lines[number - 1]
        first = start.column if number == start.line + 1 else 0
        last = col - 1 if number == line else len(written)
        found = re.search("[、，]", written[first:last])
        if found:
            return number, first + found.start() + 1, found.group()
    return None


def _syntax_problem(path: str, text: str, error, line: int, col: int, reason: str) -> Problem:
    """A syntax error where the editor made it: the parser notices a missing ':' or an unclosed '{' a line
    later, but its context mark is where the key or the bracket started."""
    context, problem, start = error.context or "", error.problem or "", error.context_mark
    if start is not None and "quoted scalar" in context:  # e.g. ['a, b]: the stream ended inside the quote
        return _open_quote_problem(path, (start.line + 1, start.column + 1), line, col, reason)
    if start is not None and problem == "could not find expected ':'" and "simple key" in context:
        written = text.splitlines()[start.line].strip() if start.line < len(text.splitlines()) else ""
        full_width = _full_width_slip(written)
        if full_width is not None:
            message, fix, at = full_width
            return Problem(path, start.line + 1, start.column + 1 + at, "yaml-syntax", f"YAML syntax error: {message}",
                           fix)
        block = _block_text_above(text.splitlines(), start.line)
        fix = "write it as 'key: value', with a space after the colon"
        if block is not None:  # most often a line of the text above that lost its indentation
            fix = (f"if it continues the text of '{block[0]}' on line {block[1]}, indent it {block[2]} spaces "
                   f"{block[3]}; otherwise {fix}")
        return Problem(path, start.line + 1, start.column + 1, "yaml-syntax",
                       f"YAML syntax error: '{shown(written)}' has no ':' after its key", fix)
    if problem.startswith("mapping values are not allowed"):
        lines = text.splitlines()
        block = _block_text_above(lines, line - 1)
        if block is not None:  # a line right under a '|' text, indented like a key, with a second ': ' in it
            written = lines[line - 1]
            return _slip_problem(path, line, len(written) - len(written.lstrip(" ")) + 1,
                                 f"'{shown(written.strip())}' is not part of the text of '{block[0]}' above it",
                                 f"if it continues that text, indent it {block[2]} spaces {block[3]}; if it "
                                 "is a key, quote its value (a ': ' inside it reads as another key)")
        slip = (_key_without_colon(text, line) or _colon_in_value(text, line, col) or _indented_too_far(text, line)
                or _colon_in_wrapped_text(lines, line, col))
        if slip is not None:
            return _slip_problem(path, *slip)
    for name, (opener, closer) in _CLOSERS.items():
        # libyaml (content files) says "did not find expected ','", PyYAML (MkDocs' loader) "expected ','"
        if start is not None and name in context and problem.startswith(("did not find expected", "expected ','")):
            comma = _japanese_comma(text, start, line, col)
            if comma is not None:  # {R: csm、A: cs-lead}: the '}' is there, the ',' was typed with the input method on
                return Problem(path, *comma[:2], "yaml-syntax", f"YAML syntax error: '{comma[2]}' separates the "
                               f"entries of this '{opener}'", f"write ', ', an ASCII comma and a space, in place of '{comma[2]}'")
            return Problem(path, start.line + 1, start.column + 1, "yaml-syntax",
                           f"YAML syntax error: this '{opener}' is not closed (the parser reached line {line}, column "
                           f"{col} without a '{closer}')", f"close it with '{closer}', and separate its entries with ', '")
    lines = text.split("\n")
    at = lines[line - 1][col - 1:col] if 0 < line <= len(lines) else ""
    if "tab character" in problem or "'\\t'" in problem or at == "\t":
        indent = re.match(r" *\t", lines[line - 1]) if 0 < line <= len(lines) else None
        # the parser's words ('a plain scalar found a tab character that violates indentation') name no line's
        # indentation, where a full-width space's error does
        return Problem(path, line, indent.end() if indent else col, "yaml-syntax",
                       "YAML syntax error: this line is indented with a tab" if indent else f"YAML syntax error: {reason}",
                       "replace the tab with spaces: YAML indents with spaces only")
    indent = re.match(r"[ \t]*([\u3000\u00a0])", lines[line - 1]) if 0 < line <= len(lines) else None
    if indent is not None:  # the parser sees text where the indentation should be
        return Problem(path, line, indent.start(1) + 1, "yaml-syntax",
                       f"YAML syntax error: this line is indented with {_ODD_SPACES[indent[1]]}",
                       "indent with ASCII spaces")
    if "expected a single document" in context:  # a '---' from front matter, or two files pasted into one
        return Problem(path, line, col, "yaml-syntax", "YAML syntax error: a second document starts here: YAML reads "
                       "'---' as the end of one document and the start of another",
                       "delete this '---' line: a file holds one document (give a second page its own file)")
    slip = _value_read_as_syntax(lines, line, col, problem) or _text_after_block_indicator(lines, line, context, problem)
    if slip is not None:
        return _slip_problem(path, *slip)
    if ("block mapping" in context and "expected key" in problem) or ("block collection" in context and "'-'" in problem):
        slip = _indented_too_far(text, line) or _list_and_mapping_mixed(lines, line)
        if slip is not None:
            return _slip_problem(path, *slip)
    if "cannot start any token" in problem and at in ("@", "`", "%"):  # reserved: a value may not start with them
        before, value = lines[line - 1][:col - 1], lines[line - 1][col - 1:].rstrip()
        if before.count("[") > before.count("]") or before.count("{") > before.count("}"):
            value = re.split(r"[,\]}]", value, maxsplit=1)[0].rstrip()  # an entry of [a, @b]: up to its comma
        quoted = value.replace("\\", "\\\\").replace('"', '\\"')
        return Problem(path, line, col, "yaml-syntax", f"YAML syntax error: a value cannot start with '{at}'",
                       f"quote the value: \"{quoted}\"" if len(quoted) <= 60 else "put the value in quotes")
    return Problem(path, line, col, "yaml-syntax", f"YAML syntax error: {reason}",
                   "check indentation and quote values containing ': ' or '#'")


# A value on its own line, after its key or its list dash: its first character is YAML syntax when it is '*' (an
# alias: Markdown's *emphasis*), '[' or '{' (a list or mapping: a "[Draft]" prefix), or a quote that closes early
_LINE_VALUE = re.compile(r"(?P<lead>\s*(?:-\s+)*(?:[^\s#'\"\[{*&!|>-][^:#]*?:\s+)?)(?P<value>[*\[{'\"].*)")
_FLOW_WORDS = {"[": ("]", "list"), "{": ("}", "mapping")}


def _value_read_as_syntax(lines: list[str], line: int, col: int, problem: str) -> tuple[int, int, str, str] | None:
    """(line, col, message, fix) when the parser stopped inside a value that begins with YAML syntax but goes on
    as text ("title: *Urgent* renewals", "- [Draft] agenda", "title: 'QBR' prep"): PyYAML names an alias, a block
    mapping or a '-' indicator, and its fix is to quote the whole value."""
    if not 0 < line <= len(lines):
        return None
    found = _LINE_VALUE.fullmatch(lines[line - 1].rstrip())
    if found is None or col <= found.start("value"):
        return None
    value = re.split(r"\s#", found["value"], maxsplit=1)[0].rstrip()
    first, at = value[0], found.start("value") + 1
    if first == "*":
        alias = re.fullmatch(r"\*([\w-]+)", value)
        if alias is not None and "undefined alias" in problem:
            return (line, at, f"'{shown(value)}' reads as a YAML alias, a copy of a value marked '&{alias[1]}', and no "
                    "value above is marked so", f"if it is text, {_quote_fix(value)}; to repeat a value, mark it "
                    f"'&{alias[1]}' first")
        return (line, at, "a value cannot start with '*': YAML reads it as an alias (a copy of a value marked with "
                "'&'), not as Markdown emphasis", _quote_fix(value))
    if first in _FLOW_WORDS:
        closer, noun = _FLOW_WORDS[first]
        depth = 0
        for end, character in enumerate(value):
            depth += (character == first) - (character == closer)
            if depth == 0:
                break
        if depth != 0 or not value[end + 1:].strip():
            return None  # left open (said above), or a list or mapping indeed
        return (line, at, f"a value that starts with '{first}' is a {noun} to YAML, and the text after its '{closer}' "
                "cannot follow it", _quote_fix(value))
    end = value.find(first, 1) if first == '"' else value.replace("''", "  ").find(first, 1)
    if end == -1 or not value[end + 1:].strip() or first == '"' and re.search(r'\\.', value[:end]):
        return None
    return (line, at, f"the quotes end after {shown(value[:end + 1], 40)}, before the rest of the value",
            f"quote the whole value or none of it: {_quoted(value)}")


# A key's or dash's value that starts with '>' or '|' and goes on with text on the same line
_BLOCK_INDICATOR_THEN_TEXT = re.compile(r"(?P<lead>\s*(?:-\s+)*(?:[^\s#'\"][^:#]*?:\s+)?)(?P<value>[>|][-+0-9]*\s+[^\s#].*)")


def _text_after_block_indicator(lines: list[str], line: int, context: str, problem: str) -> tuple[int, int, str, str] | None:
    """(line, col, message, fix) for 'summary: > The customer said …' (a Markdown quote) or 'title: | pipe': YAML
    reads '>' and '|' as the start of a text block on the lines below, and said only 'while scanning a block scalar
    did not find expected comment or line break'."""
    if "block scalar" not in context or "expected comment or line break" not in problem or not 0 < line <= len(lines):
        return None
    found = _BLOCK_INDICATOR_THEN_TEXT.fullmatch(lines[line - 1].rstrip())
    if found is None:
        return None
    value, first = found["value"], found["value"][0]
    return (line, found.start("value") + 1, f"a value cannot start with '{first}' and go on with text on its line: YAML reads "
            f"'{first}' as the start of a block of text on the lines below" + (", not as a Markdown quote" if first == ">" else ""),
            f"{_quote_fix(value)}, or start the text on the next line, indented under its key")


_ENTRY_KEY = re.compile(r"(?P<key>[^\s#'\"-][^:#]*?):(?:\s|$)")


def _list_and_mapping_mixed(lines: list[str], line: int) -> tuple[int, int, str, str] | None:
    """(line, col, message, fix) when one level holds both list entries ('- id: csm') and 'key:' entries
    ('cs-lead: {name: …}'), as when an entry of roles.yml is written as a mapping: PyYAML says only 'did not find
    expected key' or 'expected '-' indicator'. Entries of content lists are '- id: …': the 'key:' one is the slip."""
    if not 0 < line <= len(lines):
        return None
    indent = len(lines[line - 1]) - len(lines[line - 1].lstrip(" "))
    siblings = []  # (line number, text) of the lines at this indentation in the same block, top down
    for number in range(line, 0, -1):
        text = lines[number - 1]
        if not text.strip() or text.lstrip().startswith("#"):
            continue
        own = len(text) - len(text.lstrip(" "))
        if own < indent:
            break
        if own == indent:
            siblings.insert(0, (number, text.strip()))
    dashed = [(n, t) for n, t in siblings if t.startswith("- ") or t == "-"]
    keyed = [(n, t, found["key"]) for n, t in siblings if (found := _ENTRY_KEY.match(t))]
    if not dashed or not keyed:
        return None
    number, written, key = keyed[0] if keyed[0][0] < dashed[0][0] else keyed[-1]
    first_dash = dashed[0][1]
    by_id = re.match(r"-\s+id\s*:", first_dash) is not None
    message = (f"'{shown(written)}' is a 'key:' entry, but other entries at this indentation are list entries "
               f"('{shown(first_dash)}' on line {dashed[0][0]}): one level holds one or the other")
    if by_id:
        fix = (f"write it as the others are: '- id: {shown(key)}' in place of '{shown(key)}:', and its fields "
               "('name: …') on their own lines indented under it, as in the other entries")
    else:
        fix = "write every entry at this level the same way: all as '- ' list entries, or all as 'key: value' lines"
    return number, indent + 1, message, fix


_DASH_KEY = re.compile(r"-\s+([A-Za-z_][\w-]*)\s*:(?:\s|$)")
_FIELD_LINE = re.compile(r"(?P<lead>\s*(?:-\s+)?)(?P<key>[A-Za-z_][\w-]*):(?:\s+(?P<value>.*))?$")
# a key that opens a block ('checklist:'), an anchor, a tag or a comment after it as YAML allows ('checklist:  # items')
_OPENS_A_BLOCK = re.compile(r"(?P<key>[^#]*:)(?:[ \t]+[&!][^\s#]+)*(?:[ \t]+#.*)?")


def _indented_too_far(text: str, line: int) -> tuple[int, int, str, str] | None:
    """(line, col, message, fix) when the line the parser stopped at is a field or a '- ' entry indented more or less
    than the ones it belongs with: PyYAML said 'mapping values are not allowed in this context' or 'did not find
    expected key', and took a '- id:' entry indented into the fields above for a mapping written among list entries."""
    lines = text.split("\n")
    if not 0 < line <= len(lines):
        return None
    written = lines[line - 1]
    indent, content = len(written) - len(written.lstrip(" ")), written.strip()
    above = [(number, lines[number - 1]) for number in range(line - 1, 0, -1)
             if lines[number - 1].strip() and not lines[number - 1].lstrip().startswith("#")]
    if not above:
        return None
    spaces = lambda n: f"{n} space" + ("" if n == 1 else "s")  # noqa: E731
    entry = _DASH_KEY.match(content)
    if entry is not None:
        for number, other in above:
            own = len(other) - len(other.lstrip(" "))
            sibling = _DASH_KEY.match(other.strip())
            if own < indent:  # the entry whose fields this one sits among, if it has this one's first field
                fields = {match["key"] for n, t in above if n > number
                          and (match := _FIELD_LINE.match(t)) is not None and match["lead"] == " " * indent}
                if sibling is None or entry[1] not in {sibling[1], *fields}:  # '- title:' first, then '- id:'
                    break
                return (line, indent + 1, f"'{shown(content, 40)}' is indented {spaces(indent)}, deeper than the entry "
                        f"above it ('{shown(other.strip(), 40)}' on line {number}, {spaces(own)}): YAML reads it as "
                        "part of that entry", f"indent it {spaces(own)}, as that entry is, and the lines under it "
                        "with it")
            if own > indent and sibling is not None and sibling[1] == entry[1] and all(
                    len(t) - len(t.lstrip(" ")) > indent for n, t in above if n > number):
                parent = next(((n, t) for n, t in above if n < number and len(t) - len(t.lstrip(" ")) < indent), None)
                opens = _OPENS_A_BLOCK.fullmatch(parent[1].rstrip()) if parent is not None else None
                if opens is None:
                    return None
                return (line, indent + 1, f"'{shown(content, 40)}' is indented {spaces(indent)}, less than the other "
                        f"entries of '{shown(opens['key'].strip(), 40)}' ('{shown(other.strip(), 40)}' on line {number}, "
                        f"{spaces(own)})", f"indent it {spaces(own)}, as they are, and the lines under it with it")
        return None
    field = _FIELD_LINE.match(written)
    number, other = above[0]
    before = _FIELD_LINE.match(other)
    if field is None or field["lead"] != " " * indent or before is None or not (before["value"] or "").strip():
        return None
    value = before["value"].strip()
    column = len(before["lead"])
    if value.startswith(("|", ">", "#", "&")) or column >= indent:
        return None
    as_text = "" if value.startswith(("'", '"', "[", "{", "*")) else ", so YAML reads it as more of that value's text"
    fix = (f"indent it {spaces(column)}, as '{before['key']}:' is" if column else
           f"start it at the beginning of the line, as '{before['key']}:' is")
    if as_text and " " in value:  # a slug (id: kickoff) is no text that runs over lines
        fix += f"; if it belongs to that text, put the whole value of '{before['key']}' in quotes"
    return (line, indent + 1, f"'{shown(content, 40)}' is indented {spaces(indent)}, deeper than '{before['key']}:' on "
            f"line {number} ({spaces(column)}), which already has a value{as_text}", fix)


def _colon_in_wrapped_text(lines: list[str], line: int, col: int) -> tuple[int, int, str, str] | None:
    """(line, col, message, fix) when the ': ' the parser stopped at is inside a plain value that runs over lines
    ("summary: Prepare the renewal" / "  with the champion" / "  Note: bring the deck"): YAML reads it as a key, and
    PyYAML said only 'mapping values are not allowed in this context'."""
    if not 1 < line <= len(lines) or not _continues_a_value(lines, line - 1):
        return None
    indent = len(lines[line - 1]) - len(lines[line - 1].lstrip(" "))
    number = next(n for n in range(line - 1, 0, -1)
                  if lines[n - 1].strip() and len(lines[n - 1]) - len(lines[n - 1].lstrip(" ")) < indent)
    key = lines[number - 1].split(": ", 1)[0].strip().removeprefix("- ").strip()
    return (line, col, f"this ': ' is inside the text of '{shown(key, 40)}', which starts on line {number} and runs on "
            "over the lines below it: YAML reads a ': ' in such a text as another key",
            f"put the whole value of '{shown(key, 40)}' in quotes, or write it as '{shown(key, 40)}: >' with its "
            "lines indented under it")


def _quote_fix(value: str) -> str:
    return f"quote the value: {_quoted(value)}" if len(value) <= 60 else "put the whole value in quotes"


def _quoted(value: str) -> str:
    """`value` as one YAML quoted scalar, in the quotes it does not hold where it can."""
    if '"' in value and "'" not in value:
        return f"'{value}'"
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


# an anchor or a tag may come before the value ('title: &t Prep: pull the facts'); the quotes go around the value alone
_KEY_AND_VALUE = re.compile(r"(?P<lead>\s*(?:-\s+)?)(?P<key>[\w-]+):[ \t]+(?P<properties>(?:[&!]\S*[ \t]+)*)"
                            r"(?P<value>[^'\"\s|>&*!\[{].*)")


def _colon_in_value(text: str, line: int, col: int) -> tuple[int, int, str, str] | None:
    """(line, col, message, fix) when the parser stopped at a ': ' inside an unquoted value on its own line
    ("title: Prep: pull the facts"): YAML reads that as a second key, and its message names neither."""
    lines = text.splitlines()
    if not 0 < line <= len(lines):
        return None
    found = _KEY_AND_VALUE.fullmatch(lines[line - 1].rstrip())
    if found is None or col <= found.start("value"):
        return None
    value = found["value"]
    curly = _CURLY_QUOTES.get(value[:1])
    if curly is not None and value.rstrip().endswith(curly):  # “Kickoff: agenda”, typed in Word, Slack or macOS
        return (line, found.start("value") + 1, f"the value of '{found['key']}' is in typographic quotes "
                f"{value[0]} {curly}, which YAML reads as text, so its ': ' reads as another key",
                f"use straight quotes: {found['key']}: {found['properties']}{_quoted(value.rstrip()[1:-1])}")
    return (line, found.start("value") + 1, f"the value of '{found['key']}' holds ': ', which YAML reads as another key",
            f"put the whole value in quotes: {found['key']}: {found['properties']}\"{value.replace(chr(34), chr(92) + chr(34))}\"")


# Opening typographic quotes and their closers: word processors and chat tools turn "…" into them
_CURLY_QUOTES = {"\u201c": "\u201d", "\u2018": "\u2019", "\u201e": "\u201d"}


_BLOCK_HEADER = re.compile(r"^(\s*(?:- )?)([^\s:#][^:#]*?):\s*[|>][-+0-9]*\s*(?:#.*)?$")


def _block_text_above(lines: list[str], index: int) -> tuple[str, int, int, str] | None:
    """('body: |', its line number, its text's indentation, how that is seen) when lines[index] sits right under a
    '|' or '>' text, indented less than that text but not less than its key: a line of the text that lost its
    indentation. Right under 'body: |' itself, the text's first line was written at its key's indentation."""
    if index >= len(lines):
        return None
    indent = len(lines[index]) - len(lines[index].lstrip(" "))
    above, text_indent = index - 1, None
    while above >= 0 and (not lines[above].strip() or len(lines[above]) - len(lines[above].lstrip(" ")) > indent):
        if lines[above].strip():
            text_indent = len(lines[above]) - len(lines[above].lstrip(" "))
        above -= 1
    header = _BLOCK_HEADER.match(lines[above]) if above >= 0 else None
    if header is None or len(header[1]) > indent:
        return None
    how = "like the lines above"
    if text_indent is None:
        text_indent, how = len(header[1]) + 2, f"(deeper than '{header[2].strip()}:')"
    return f"{header[2].strip()}: {lines[above].split(':', 1)[1].strip()}", above + 1, text_indent, how


def _key_without_colon(text: str, line: int) -> tuple[int, int, str, str] | None:
    """(line, col, message, fix) when the line before `line` is a key whose colon is missing or malformed: the
    parser read it on as text and stopped at the next line's colon ("title X" then "summary: …")."""
    lines = text.splitlines()
    before = line - 2
    while before >= 0 and not lines[before].strip():
        before -= 1
    if before < 0 or before >= len(lines):
        return None
    written = lines[before]
    if _continues_a_value(lines, before):
        return None  # a line of a plain value that runs over lines: the slip is the later ': ', not this line
    stripped = written.lstrip(" ")
    content = stripped[2:].lstrip(" ") if stripped.startswith("- ") else stripped
    if not content or content.startswith(("#", "'", '"', "|", ">")):
        return None
    col = len(written) - len(content) + 1
    full_width = _full_width_slip(content)
    if full_width is not None:
        message, fix, at = full_width
        return before + 1, col + at, message, fix
    if re.match(r"[\w-]+:\S", content):
        return before + 1, col, f"'{shown(content)}' has no space after its colon", "write it as 'key: value'"
    if ":" not in content and re.match(r"[\w-]+ \S", content):
        return before + 1, col, f"'{shown(content)}' has no ':' after its key", "write it as 'key: value', with a space after the colon"
    return None


# Spaces YAML does not indent with, pasted or typed with a Japanese input method on
_ODD_SPACES = {"\u3000": "a full-width space (U+3000)", "\u00a0": "a no-break space (U+00A0)"}


def _full_width_slip(content: str) -> tuple[str, str, int] | None:
    """(message, fix, where in `content` the slip is) for a key written with a Japanese input method on: a
    full-width colon, or a full-width space after the colon (both read as part of the key, so the line 'has no
    colon'). The column is the slip's: the line's start sent the editor to the key, which is right."""
    if content[:1] in _ODD_SPACES:  # YAML indents with ASCII spaces only: this reads as text
        return f"'{shown(content.strip())}' is indented with {_ODD_SPACES[content[0]]}", "indent with ASCII spaces", 0
    if "\uff1a" in content.split(" ", 1)[0]:
        return (f"'{shown(content)}' uses a full-width colon '：'", "write an ASCII ':' followed by a space",
                content.index("\uff1a"))
    spaced = re.match(r"[\w-]+:(?=\u3000)", content)
    if spaced:
        return (f"'{shown(content)}' has a full-width space after its colon",
                "write an ASCII space after the colon: YAML does not read U+3000 as a space", spaced.end())
    return None


# What a Japanese input method types for '-': the prolonged sound mark ー in kana mode, the full-width hyphen-minus －
# in full-width mode, and the dashes a conversion offers
_TYPED_DASHES = {"ー": "the katakana prolonged sound mark", "－": "a full-width hyphen", "‐": "a hyphen (U+2010)",
                 "−": "a minus sign", "―": "a horizontal bar (U+2015)"}
_DASHED_LINE = re.compile(f"(?P<indent> *)(?P<dash>[{''.join(_TYPED_DASHES)}])[ \u3000]+(?P<rest>.*)")


def _typed_dash(content: str) -> tuple[str, str] | None:
    """(message, fix) for a list entry whose '-' was typed with a Japanese input method on: YAML reads 'ー 解約' as
    text, and 'ー id: x' as a key named 'ー id'."""
    found = _DASHED_LINE.match(content)
    if found is None:
        return None
    dash = found["dash"]
    return (f"'{shown(content.strip(), 40)}' starts with '{dash}' ({_TYPED_DASHES[dash]}), where a list entry starts "
            "with '-'", f"write an ASCII '- ' in place of '{dash}': type it with the input method off")


def _entry_with_a_typed_dash(text: str, error_line: int) -> tuple[int, int, str, str] | None:
    """(line, col, message, fix) for the nearest line up to `error_line` written as a list entry with a typed dash
    and a field name after it ('  ー id: offer'): field names are ASCII, so a line of a '|' text ('ー 注意: 期限') above
    an unrelated slip is not taken for one."""
    lines = text.splitlines()[:error_line]
    for number in range(len(lines), 0, -1):
        found = _DASHED_LINE.fullmatch(lines[number - 1])
        if found is not None and re.match(r"[A-Za-z_][A-Za-z0-9_-]*:(?:\s|$)", found["rest"]):
            return (number, len(found["indent"]) + 1, *_typed_dash(lines[number - 1]))
    return None


def list_written_with_typed_dashes(value) -> tuple[str, str] | None:
    """(message, fix) when a value meant as a list was read as text ('ー 解約 ー リスク') or as a mapping (a key
    'ー id') because its dashes were typed with a Japanese input method on."""
    if isinstance(value, dict):
        value = next(iter(value), "")
    return _typed_dash(value) if isinstance(value, str) else None


def mapping_written_as_text(value: str) -> tuple[str, str] | None:
    """(message, fix) when a value meant as a mapping was read as text because its key was typed with a Japanese
    input method on (`R： csm`, `playbooks： ランブック` alone under its parent): YAML found no ': ', so it parsed,
    and only the shape check ('must be a mapping') saw it, without the reason."""
    slip = _full_width_slip(value.strip()) if value.strip() else None
    return slip[:2] if slip else None


def _continues_a_value(lines: list[str], index: int) -> bool:
    """Is line `index` the continuation of a plain value begun on a less indented line ('summary: Prepare the
    renewal' then '  with the champion')?"""
    indent = len(lines[index]) - len(lines[index].lstrip(" "))
    for above in range(index - 1, -1, -1):
        line = lines[above]
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        if len(line) - len(line.lstrip(" ")) >= indent:
            continue  # a sibling or another continuation line: look further up for the parent
        value = line.split(": ", 1)[1].strip() if ": " in line else ""
        return bool(value) and not value.startswith(("|", ">", "#", "&", "*", "!"))
    return False


def _open_quote_problem(path: str, opened: Position, line: int, col: int, reason: str) -> Problem:
    return Problem(path, *opened, "yaml-syntax",
                   f"YAML syntax error: this quoted value is not closed on its line (the parser stopped at line "
                   f"{line}, column {col}: {reason})", "close the quote at the end of the value, or remove the opening one")


def _slip_problem(path: str, line: int, col: int, message: str, fix: str) -> Problem:
    return Problem(path, line, col, "yaml-syntax", f"YAML syntax error: {message}", fix)
