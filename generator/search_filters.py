"""Filter values and facets: what a filter's value names, which values the index holds, and how many matches each
would give.

A reader names a role or phase by its id, by the name the portal shows (契約更新, "CS Lead"), by a renamed
role's former id or in full-width letters; each resolves to the one id the index holds before anything is
searched, and a value no document holds is an UnknownFilter (a typo, not an empty result). The syntax that
carries a filter (role:csm) is search_query.py's; search.py applies the filters it is given here.
"""

from __future__ import annotations

import difflib
import unicodedata
from collections import Counter

from .index import KIND_ALIASES, SEARCH_KINDS
from .reader_names import add_names
from .search_analysis import FacetTable
from .search_query import QueryError, two_filters_error

FACET_FIELDS = ("kind", "role", "phase")


class UnknownFilter(QueryError):
    """A filter value no document holds (`--kind stepz`): a typo, not an empty result, so never logged as one."""

    def __init__(self, name: str, value: str, known: list[str], display: dict[str, str] | None = None,
                 other: dict[str, tuple[str, ...]] | None = None):
        """`other`: id -> the other names the filter takes for it (filter_id), close to a typo too:
        'itemz' is the word for a checklist's items, not 'term'."""
        self.name, self.value, self.known = name, value, known
        meant = {ident: ident for ident in known}
        for ident in known:
            meant.update((alias.lower(), ident) for alias in (other or {}).get(ident, ()) if alias.lower() not in meant)
        close = difflib.get_close_matches(value.lower(), meant, n=1, cutoff=0.6)
        self.did_you_mean = meant[close[0]] if close else ""
        hint = f"did you mean {self.did_you_mean!r}? " if self.did_you_mean else ""
        display = display or {}
        self.did_you_mean_name = display.get(self.did_you_mean, "")  # as the pages name it: the search box shows it
        # each id with the name the portal shows for it, when that differs: finance (経理・財務)
        listed = [f"{k} ({display[k]})" if display.get(k) and display[k].lower() != k else k for k in known[:20]]
        shown = ", ".join(listed) + (f", … ({len(known)} in all)" if len(known) > 20 else "")
        super().__init__(f"unknown {name} {value!r}: {hint}known {name}s: {shown or '(none)'}", "unknown-filter")

    def as_dict(self) -> dict:
        return {**super().as_dict(), "filter": self.name, "value": self.value, "known": self.known,
                "did_you_mean": self.did_you_mean, "did_you_mean_name": self.did_you_mean_name}


def resolve_filters(options: dict[str, str], typed: dict[str, str], negated: list[tuple[str, str]], known: dict,
                    meta: dict) -> tuple[dict[str, str], list[tuple[str, str]]]:
    """A search's filters as the ids the index holds: the options' (--role) and the query's own (role:csm) as one,
    and those it leaves out (-kind:faq). `known`: filter -> the values some document holds. A name and its id are
    one filter (phase:契約更新 --phase renewal); two values for one filter, or a value no document holds, are
    refused before anything is searched."""
    given = dict(options)
    names = meta.get("facet_names", {})
    former, other = meta.get("former_ids", {}), {**meta.get("other_names", {}), "kind": KIND_ALIASES}

    def as_id(name: str, value: str) -> str:
        return filter_id(name, value, names, former, other)

    for name, value in typed.items():
        if given[name] and as_id(name, given[name]) != as_id(name, value):
            raise two_filters_error(name, given[name], value)
        given[name] = value
    filters = {name: as_id(name, value) for name, value in given.items()}
    negated = [(name, as_id(name, value)) for name, value in negated]
    for name, value in [*filters.items(), *negated]:
        if value and value not in known[name]:
            raise UnknownFilter(name, value, known[name], names.get(name, {}), other.get(name, {}))
    return filters, negated


def filter_id(name: str, value: str, display: dict[str, dict[str, str]], former: dict | None = None,
               other: dict | None = None) -> str:
    """A filter value as the id it names: ids are lowercase, and a role or phase may also be given by the name the
    portal shows for it (--phase 契約更新, role:"Customer Success Manager"), as a Japanese reader knows them, a role
    by its other names (`other`: filter -> id -> names, Role.names: its short name "CS Lead"), and a
    renamed role by its former id (`former`: filter -> former id -> id), as saved searches and scripts still write it."""
    value = unicodedata.normalize("NFKC", value).lower()  # ＣＳＭ, typed with a Japanese input method on
    if value in (former or {}).get(name, {}):
        return former[name][value]
    if not value.strip() or name not in display or value in display[name]:
        return value
    by_name: dict[str, str | None] = {}
    for ident, shown in display[name].items():
        add_names(by_name, ident, [shown, *(other or {}).get(name, {}).get(ident, ())])
    return by_name.get(value.strip()) or value


def passes_filters(row: tuple[str, str, tuple[str, ...]], filters: dict[str, str]) -> bool:
    """Whether a document's facet row (kind, phase, roles) meets the filters, without a query (a tag is no facet:
    only a query checks it)."""
    kind, phase, roles = row
    return (filters.get("kind", kind) == kind and filters.get("phase", phase) == phase
            and (not filters.get("role") or filters["role"] in roles))


def known_filter_values(searcher, facets: FacetTable, meta: dict) -> dict[str, list[str]]:
    """What each filter may ask for: the fixed document kinds, and the roles, phases and tags the content has."""
    names = meta.get("facet_names", {})
    roles = {r for _, _, rs in facets.rows for r in rs} | set(names.get("role", {}))
    phases = {p for _, p, _ in facets.rows if p} | set(names.get("phase", {}))
    tags = {t.decode("utf-8") if isinstance(t, bytes) else t for t in searcher.lexicon("tag")}
    return {"kind": list(SEARCH_KINDS), "role": sorted(roles), "phase": sorted(phases), "tag": sorted(tags)}


def most_first(counts: dict[str, int]) -> dict[str, int]:
    """The values counted, most first and then by name, without empty ones: the order the facet lists show."""
    return dict(sorted(((k, v) for k, v in counts.items() if k and v), key=lambda kv: (-kv[1], kv[0])))


def facet_counts(rows: Counter) -> dict[str, dict[str, int]]:
    """Per facet (kind, role, phase), how many matching documents hold each value, most first."""
    counts = {name: Counter() for name in FACET_FIELDS}
    for (kind, phase, roles), n in rows.items():
        counts["kind"][kind] += n
        if phase:
            counts["phase"][phase] += n
        for role in roles:
            counts["role"][role] += n
    return {name: most_first(c) for name, c in counts.items()}


def facet_value_names(counts: dict[str, dict[str, int]], meta: dict) -> dict[str, dict[str, str]]:
    """The names the portal shows for the facet values counted (renewal: 契約更新), so a client lists them as the
    pages do without a lookup of its own."""
    return _of_counted(counts, meta.get("facet_names", {}))


def facet_value_langs(counts: dict[str, dict[str, int]], meta: dict) -> dict[str, dict[str, str]]:
    """The language of each counted facet value's name where it is not the portal's (a role roles.yml says is
    written in English, on a Japanese portal), so a client marks the filter and a screen reader reads it so."""
    return {n: langs for n, langs in _of_counted(counts, meta.get("facet_langs", {})).items() if langs}


def _of_counted(counts: dict[str, dict[str, int]], table: dict[str, dict[str, str]]) -> dict[str, dict[str, str]]:
    """`table`'s entry (facet -> value -> what the index keeps of it) for each facet value counted."""
    return {n: {value: table[n][value] for value in values if value in table[n]} for n, values in counts.items()
            if n in table}
