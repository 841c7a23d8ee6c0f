"""Query text: what a reader typed, taken apart into words, filters (role:csm) and what to leave out (-churn), and
the slips refused before anything is searched (QueryError).

Syntax only, so it needs no index: which filter values exist and what they name is search_filters.py's, searching
is search.py's. The typo corrector (search_words.py) reads FILTER_SYNTAX from here to leave filters as typed.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from .query_log import MAX_QUERY_CHARS  # one limit for what is searched and what is logged

FILTER_FIELDS = ("kind", "role", "phase", "tag")  # what `kind:faq` style words filter on
# the names a reader who knows the YAML or another tool types for them: `owner:csm` was searched as the words
# "owner csm" (a playbook's owner is one of its roles, so role: finds what owner: meant, and more)
FILTER_NAME_ALIASES = {"owner": "role", "roles": "role", "type": "kind", "kinds": "kind", "phases": "phase",
                       "tags": "tag"}
_FILTER_NAMES = "|".join(sorted((*FILTER_FIELDS, *FILTER_NAME_ALIASES), key=len, reverse=True))
FILTER_SYNTAX = re.compile(rf"(?<![\w:])({_FILTER_NAMES}):(\"[^\"]*\"|\S+)", re.IGNORECASE)
# - or NOT (capitals, as Whoosh reads operators) before a filter; the filter's own name in any case
_NEGATED_FILTER = re.compile(rf"(?:^|(?<=\s))(?:-|NOT\s+)(?<![\w:])((?i:{_FILTER_NAMES})):(\"[^\"]*\"|\S+)")
# a field Whoosh's parser reads, named in any case: Whoosh itself knows field names in lowercase only
_FIELD_SYNTAX = re.compile(rf"\b({_FILTER_NAMES}|title|body):", re.IGNORECASE)
_QUESTION_MARKS = re.compile(r"[?？]")
# `-churn` or `NOT churn`: what the reader wants no hit to hold (a hyphen inside a word, T-90d, is no minus)
_LEAVE_OUT = re.compile(r"(?:^|(?<=\s))(?:-|NOT\s+)(?=[^\s\-])")
_SURROGATE = re.compile("[\ud800-\udfff]")
MAX_WILDCARDS = 3  # words with '*' in one query: each expands over the whole vocabulary


class QueryError(ValueError):
    """The query cannot be searched as typed; the message says how to fix it, and `code` which slip it is, so the
    portal's search box can say it in the portal's language (templates/assets/search.js)."""

    def __init__(self, message: str, code: str = "bad-query"):
        super().__init__(message)
        self.code = code

    def as_dict(self) -> dict:
        return {"error": str(self), "code": self.code}


def empty_query_error() -> QueryError:
    """Nothing to search: the same words whether the box was empty or held only punctuation."""
    return QueryError("empty query: type a few words, e.g. 'renewal 60 days' or '解約の予兆'", "empty-query")


def two_filters_error(name: str, first: str, second: str) -> QueryError:
    """One filter given two values: the first was kept and the second silently dropped."""
    return QueryError(f"two {name} filters ({first} and {second}): keep one, or leave one out with -{name}:",
                      "two-filters")


def check_query(text: str, limit: int = MAX_QUERY_CHARS) -> str:
    """Reject what the parser would misread or choke on, with a message a reader can act on."""
    text = (text or "").strip()
    if not text:
        raise empty_query_error()
    if len(text) > limit:
        raise QueryError(f"query too long ({len(text)} characters; at most {limit}): use a few key words, or send "
                         "the whole text as a ticket (csops suggest, POST /api/suggest)", "query-too-long")
    if "\x00" in text:
        raise QueryError("query contains a NUL character")
    if _SURROGATE.search(text):  # bytes that were not UTF-8 (a shell argument): the API refuses them the same way
        raise QueryError("query is not UTF-8 text: retype it")
    if text.count('"') % 2:
        raise QueryError('unbalanced quotes: close the phrase with a second " or remove it', "unbalanced-quotes")
    wildcards = [word for word in re.findall(r"[^\s\"()]+", re.sub(r'"[^"]*"', " ", text)) if "*" in word]
    if any(word.lstrip("-").split(":")[-1].startswith("*") for word in wildcards if word.strip("*-") or len(word) > 1):
        # Whoosh walks the whole vocabulary for each: 250 such words took 3 s of a worker per request
        raise QueryError("a word cannot start with '*': type its first letters, e.g. renew*", "leading-wildcard")
    if len(wildcards) > MAX_WILDCARDS:
        raise QueryError(f"at most {MAX_WILDCARDS} words with '*' in one query", "too-many-wildcards")
    depth = 0
    for char in text:
        depth += {"(": 1, ")": -1}.get(char, 0)
        if depth < 0:
            break
    if depth:
        raise QueryError("unbalanced parentheses: every ( needs a matching )", "unbalanced-parentheses")
    return text


@dataclass
class QueryParts:
    """A query taken apart: Whoosh searches `words`; the filters and what is left out are applied beside them."""

    words: str
    filters: dict[str, str]  # role:csm -> {"role": "csm"}, the values as typed
    negated_filters: list[tuple[str, str]]  # -kind:faq -> [("kind", "faq")]
    left_out: list[str]  # -churn, NOT "account executive", -(risk OR alert)


def split_query(text: str) -> QueryParts:
    """`text` as words, filters and what to leave out: the whole of the query syntax search.Searcher reads."""
    # full-width field syntax (ｒｏｌｅ：csm, typed with a Japanese input method) is the filter, not two words;
    # the analyzer reads words as NFKC anyway
    words, filters, negated = split_filters(unicodedata.normalize("NFKC", text))
    words, left_out = split_exclusions(words)
    words = _QUESTION_MARKS.sub(" ", words).strip()  # punctuation, not Whoosh's one-letter wildcard
    return QueryParts(words, filters, negated, left_out)


def lower_field_names(text: str) -> str:
    """`Kind:FAQ` as `kind:FAQ`: a field named in capitals was searched as two words."""
    return _FIELD_SYNTAX.sub(lambda m: m.group(1).lower() + ":", text)


def split_exclusions(text: str) -> tuple[str, list[str]]:
    """`renewal -churn NOT "account executive" -(risk OR alert)` -> ('renewal', ['churn', '"account executive"',
    '(risk OR alert)']): what follows a - or NOT is left out, a word, a quoted phrase or a bracketed group. Whoosh
    read NOT inside its OR group as "or anything without it" (209 hits against 98 for renewal) and a minus as
    nothing at all; a phrase or group after either widened the search too (233 hits)."""
    pieces: list[str] = []
    kept, cursor = [], 0
    for match in _LEAVE_OUT.finditer(text):
        if match.start() < cursor:
            continue  # inside a piece already taken
        start = match.end()
        if text[start] == '"':
            end = text.find('"', start + 1)
            end = len(text) if end < 0 else end + 1
        elif text[start] == "(":
            depth, end = 0, start
            while end < len(text):
                depth += {"(": 1, ")": -1}.get(text[end], 0)
                end += 1
                if depth == 0:
                    break
        else:
            end = start
            while end < len(text) and not text[end].isspace() and text[end] not in '"()':
                end += 1
        kept.append(text[cursor:match.start()])
        pieces.append(text[start:end])
        cursor = end
    kept.append(text[cursor:])
    return re.sub(r"\s+", " ", " ".join(kept)).strip(), pieces


def tag_filter(tag: str) -> str:
    """The filter a suggestion offers for `tag`, as split_filters reads it back: quoted when it holds a space ('tag:health
    score' searched tag:health and the word score, an unknown tag); "" for one no filter can write (a quote, or a
    '?' or ')' at its end, which split_filters leaves to the query)."""
    if '"' in tag or tag.rstrip("?？)") != tag:
        return ""
    return f'tag:"{tag}"' if any(c.isspace() for c in tag) else f"tag:{tag}"


def _filter_value(written: str) -> tuple[str, str]:
    """A filter's value, and what ends it but is the query's ('role:csm?' is csm and a question mark, '(role:csm)'
    csm and a bracket): 'unknown role csm?' answered a question typed with its filter last."""
    value = written.strip('"')
    end = len(value)
    while end and (value[end - 1] in "?？" or (value[end - 1] == ")" and "(" not in value[:end - 1])):
        end -= 1
    return value[:end], value[end:].replace("?", "").replace("？", "")


def _filter_name(typed: str) -> str:
    """The filter a name typed before a colon stands for: Role and ROLE are role, owner is role."""
    return FILTER_NAME_ALIASES.get(typed.lower(), typed.lower())


def split_filters(text: str) -> tuple[str, dict[str, str], list[tuple[str, str]]]:
    """`role:csm renewal -kind:faq` -> ('renewal', {'role': 'csm'}, [('kind', 'faq')]): field syntax filters, it
    does not just rank; with - or NOT before it, it leaves out what it names (it was read as the filter itself).
    The same filter twice with two values is a QueryError: one of them was silently dropped."""
    found: dict[str, str] = {}
    negated: list[tuple[str, str]] = []

    def leave_out(match: re.Match) -> str:
        value, after = _filter_value(match.group(2))
        negated.append((_filter_name(match.group(1)), value.lower()))
        return " " + after

    def take(match: re.Match) -> str:
        name, value, after = _filter_name(match.group(1)), *_filter_value(match.group(2))
        if name in found and found[name].lower() != value.lower():
            raise two_filters_error(name, found[name], value)
        found[name] = value
        return " " + after

    text = FILTER_SYNTAX.sub(take, _NEGATED_FILTER.sub(leave_out, text))
    return re.sub(r"\s+", " ", text).strip(), found, negated
