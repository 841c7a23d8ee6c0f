"""Glossary spellings that would misfire: every term and synonym becomes a hover on every page and a search synonym.

A common word ("the") underlines prose and rewrites searches; one letter ("A") claims the RACI badges; a
spelling two terms share shows whichever definition comes last; a backslash or a closing bracket cannot
be written as a Markdown abbreviation, and a blank definition takes the next line as its text.
"""

from __future__ import annotations

import re

from ..loader import Document
from ..located_values import LocDict, LocList
from ..problems import Problem, shown
from ..reader_names import name_key
from ..stop_words import STOP_WORDS

CODES = ("glossary-spelling", "glossary-duplicate", "glossary-definition")

# Markdown a definition (plain text, on the glossary page and in every hover) would show as typed: a code span,
# a link, emphasis
_MARKUP = re.compile(r"`[^`\n]+`|\[[^\]\n]+\]\([^)\n]*\)|(?<![\w*])(\*\*?)(?=[^\s*])[^*\n]+?(?<=[^\s*])\1(?![\w*])")


def _spellings(term: LocDict):
    """(spelling, position, field) of a term's own spelling and each synonym."""
    if isinstance(term.get("term"), str):
        yield term["term"], term.where("term"), "term"
    synonyms = term.get("synonyms")
    if isinstance(synonyms, LocList):
        for index, synonym in enumerate(synonyms):
            if isinstance(synonym, str):
                yield synonym, synonyms.where(index), "synonym"


def _misfire(spelling: str) -> tuple[str, str] | None:
    """Why a spelling cannot be a hover and a search synonym, and the fix; None when it can."""
    text = spelling.strip()
    if not text:
        return "is blank", "remove it"
    if "\\" in text or "]" in text:
        return "holds a backslash or ']', which a hover definition cannot carry", "write it without them"
    if len(text) < 2:
        return ("is shorter than two characters: it would underline every such letter (the RACI badges' A)",
                "write the term in full")
    if text.isdigit():
        return "is a number: every page's figures would be underlined", "write the term it stands for"
    if text.lower() in STOP_WORDS and not text.isupper():  # IT, AM, US are acronyms: hovers match case
        return "is a common word: every page would underline it and searches would expand it", "remove it"
    return None


def check_file(doc: Document) -> list[Problem]:
    """The glossary file's spelling problems (a rule of the file alone: kept per file by the content cache)."""
    terms = doc.data.get("terms") if doc.kind == "glossary" and isinstance(doc.data, LocDict) else None
    if not isinstance(terms, LocList):
        return []
    problems: list[Problem] = []
    first_claim: dict[str, tuple[str, str]] = {}  # spelling key -> (term id, spelling as written)
    for term in terms:
        if not isinstance(term, LocDict):
            continue
        term_id = term.get("id") if isinstance(term.get("id"), str) else "?"
        definition = term.get("definition")
        if isinstance(definition, str) and not definition.strip():
            problems.append(Problem(doc.path, *term.where("definition"), "glossary-definition",
                                    f"term '{shown(term_id)}' has a blank definition", "write what the term means"))
        markup = _MARKUP.search(definition) if isinstance(definition, str) else None
        if markup is not None:
            problems.append(Problem(doc.path, *term.where_in_text("definition", markup.start()), "glossary-definition",
                                    f"the definition of '{shown(term_id)}' is plain text, shown on the glossary page "
                                    f"and on hover: '{shown(markup[0], 60)}' shows as typed",
                                    "write the words alone (in quotes if they name a field or a button)", severity="warning"))
        for spelling, (line, col), field_name in _spellings(term):
            why = _misfire(spelling)
            if why:
                problems.append(Problem(doc.path, line, col, "glossary-spelling",
                                        f"{field_name} '{shown(spelling.strip())}' of term '{shown(term_id)}' {why[0]}", why[1]))
                continue
            # case-blind: a synonym "churn" under another term took the hover of Churn's own word on every page; and
            # width- and composition-blind, as search reads a spelling (NFKC): ＣＳＭ, or ガイド pasted decomposed
            # (カ and a combining ゛), passed as a term of its own that looked the same
            text = spelling.strip()
            claimed, first = first_claim.setdefault(name_key(text).casefold(), (term_id, text))
            if claimed != term_id:
                alike = "" if first.casefold() == text.casefold() else (
                    f" (as '{shown(first)}', in other characters: another width, or a letter and its mark apart)")
                problems.append(Problem(doc.path, line, col, "glossary-duplicate",
                                        f"'{shown(text)}' is already a spelling of term '{shown(claimed)}'{alike}; "
                                        "one hover cannot show two definitions", "keep it under one of the two terms"))
    return problems
