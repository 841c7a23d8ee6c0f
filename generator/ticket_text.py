"""What of a pasted ticket is the ticket: its writers' e-mail signatures are not.

A signature below the "-- " delimiter (RFC 3676; mail clients and ticket tools keep it) names the sender's job and
department, and its words were weighed as the ticket's: a Japanese ticket about a customer about to cancel, signed
カスタマーサクセス部, was answered with the CS duties chart first.
"""

from __future__ import annotations

import re

# "-- " or "--" alone on its line; a signature runs from it to the next quoted line (an earlier message of the
# thread, which may hold the question) or the end
_DELIMITER = re.compile(r"^--[ \t]?$")
_QUOTED = re.compile(r"^[ \t]*(>|＞)")


def without_signatures(text: str) -> str:
    """The ticket's text without its signature blocks; the text as given when nothing would be left."""
    kept, in_signature = [], False
    for line in text.splitlines():
        if _DELIMITER.match(line.rstrip("\r")):
            in_signature = True
        elif in_signature and _QUOTED.match(line):
            in_signature = False
        if not in_signature:
            kept.append(line)
    left = "\n".join(kept)
    return left if left.strip() else text
