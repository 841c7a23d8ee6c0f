"""Glossary entries a query names: "ARR", "what is ARR", "what does NRR stand for", "稟議とは".

A new CSM's first searches are the acronyms, and the glossary had no hit for them ("what is arr" gave a RACI
row). The entries are not documents of the Whoosh index: forty short definitions there moved every word's
statistics, and with them the ranking of unrelated queries (EN MRR@10 0.919 -> 0.900). A query that names a
term gets its entry as a hit of kind "term"; a question that merely uses the word ("where do I log a feature
request") does not. Asked what it means ("what is ARR", "稟議とは"), the entry comes first, after any page the
query names itself; typed alone ("hand off", "チャーン"), it comes second: the reader may want the handoff
playbook or the churn FAQ as much as the word's meaning, and the best hit keeps its place.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .search_analysis import exact_key, word_bag

# What a reader wraps around a term to ask what it means; left out before the term is looked up.
_ASKING = re.compile(
    r"^\s*(?:what(?:'s| is| are| does)?|define|definition of|meaning of|explain)\s+|"
    r"\s+(?:mean|means|meaning|stand for|stands for|definition)\s*$|[?？]+\s*$|"
    r"(?:(?:とは|って)(?:何|なに|なん)?(?:ですか|でしょうか|のこと)?|とはどういう意味(?:ですか)?|"
    r"の(?:意味|定義)(?:は|を教えて(?:ください)?)?)\s*$",
    re.IGNORECASE)


@dataclass(frozen=True)
class GlossaryEntry:
    id: str
    term: str
    definition: str
    url: str  # site-relative, glossary/#id


class GlossaryNames:
    """The entries by every name a reader may type for them: the term, its id, its synonyms and its reading, each as
    an exact key and as a bag of words."""

    def __init__(self, entries: list[dict]):
        self.entries = [GlossaryEntry(e["id"], e["term"], e["definition"], e["url"]) for e in entries]
        self.by_name: dict[str, list[int]] = {}
        for number, entry in enumerate(entries):
            for name in [entry["term"], entry["id"], *entry.get("synonyms", ())]:
                key = exact_key(name)
                for form in dict.fromkeys((key, word_bag(key))):
                    if form and number not in self.by_name.setdefault(form, []):
                        self.by_name[form].append(number)

    def named(self, text: str) -> tuple[list[GlossaryEntry], bool]:
        """The entries `text` names ([] when it only uses their words), and whether it asks what they mean."""
        stripped = _strip_asking(text)
        for candidate in dict.fromkeys((text, stripped)):
            key = exact_key(candidate)
            found = self.by_name.get(key) or self.by_name.get(word_bag(key))
            if found:
                return [self.entries[number] for number in found], stripped != text
        return [], False


def _strip_asking(text: str) -> str:
    previous = None
    while previous != text:  # "what does NRR stand for?" loses "?", then "stand for", then "what does"
        previous, text = text, _ASKING.sub("", text, count=1)
    return text
