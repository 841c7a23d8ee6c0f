"""What of a pasted ticket is the ticket: not its writers' e-mail signatures, nor the earlier messages a reply quotes.

A signature below the "-- " delimiter (RFC 3676; mail clients and ticket tools keep it) names the sender's job and
department, and its words were weighed as the ticket's: a Japanese ticket about a customer about to cancel, signed
カスタマーサクセス部, was answered with the CS duties chart first.

A reply pasted whole carries the thread it answers: "> " lines, or below an attribution ("On Mon, … wrote:",
"2026年5月1日(金) 10:00 山田 <…>:"), an Outlook header ("From: … Sent: …", 差出人: … 送信日時: …) or "-----Original
Message-----", every earlier message. Their words were weighed as much as the new question at the top, so a reply
asking about a discount, quoting a week of outage mails, was answered with the escalation playbook.
"""

from __future__ import annotations

import re

# "-- " or "--" alone on its line; a signature runs from it to the next quoted line (an earlier message of the
# thread, which may hold the question) or the end
_DELIMITER = re.compile(r"^--[ \t]?$")
_QUOTED = re.compile(r"^[ \t]*(>|＞)")
# A line from which the rest is the earlier thread: Outlook's and Gmail's separators, in English and Japanese
_SEPARATOR = re.compile(r"^[ \t]*(-{3,}[ \t]*(Original Message|Forwarded message|元のメッセージ|転送メッセージ|"
                        r"転送されたメッセージ)[ \t]*-{3,}|_{20,})[ \t]*$", re.IGNORECASE)
# Who wrote the message quoted below, as mail clients word it: "On <date>, <name> wrote:" (it may wrap onto a second
# line, so it is read with the next), and a Japanese client's "2026年5月1日(金) 10:00 山田 太郎 <taro@…>:" or
# "2026/05/01 10:00、山田 <taro@…>のメール:". A date is required: "The customer wrote:" introduces the question.
_ATTRIBUTION = re.compile(r"^[ \t]*(On[ \t].*\d.*[ \t]wrote|\d{4}[年/.-][ \t]*\d{1,2}[月/.-][ \t]*\d{1,2}.*"
                          r"(<[^<>\s]+@[^<>\s]+>|wrote|書きました|のメール|のメッセージ)[^:：]*)[ \t]*[:：][ \t]*$",
                          re.IGNORECASE)
# An Outlook header block: "From:" with "Sent:" or "Date:" within the next lines (a "From:" alone is the ticket's)
_FROM = re.compile(r"^[ \t]*(From|差出人|送信者)[ \t]*[:：]", re.IGNORECASE)
_SENT = re.compile(r"^[ \t]*(Sent|Date|送信日時|日付|日時)[ \t]*[:：]", re.IGNORECASE)
_HEADER_LINES = 3
# An attribution is a short line: a longer one is not tried (the pattern's two open spans made a 50,000-character
# line starting "On " cost 6 s of a worker's CPU)
_ATTRIBUTION_CHARS = 300


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


def split_reply(text: str) -> tuple[str, str]:
    """(what the writer wrote, the earlier messages their reply quotes), signatures left out of both. A reply's
    quoted thread ends the text (top-posting); "> " lines between the writer's own (inline replies) are the thread."""
    lines = without_signatures(text).splitlines()
    own: list[str] = []
    thread: list[str] = []
    for at, line in enumerate(lines):
        if _thread_starts(lines, at):
            thread.extend(lines[at:])
            break
        (thread if _QUOTED.match(line) else own).append(line)
    return "\n".join(own), "\n".join(thread)


def _thread_starts(lines: list[str], at: int) -> bool:
    line = lines[at].rstrip("\r")
    if _SEPARATOR.match(line):
        return True
    if len(line) <= _ATTRIBUTION_CHARS and _ATTRIBUTION.match(line):
        return True
    if line.lstrip().startswith("On ") and at + 1 < len(lines):
        wrapped = f"{line} {lines[at + 1].strip()}"
        if len(wrapped) <= _ATTRIBUTION_CHARS and _ATTRIBUTION.match(wrapped):
            return True
    return bool(_FROM.match(line)) and any(_SENT.match(after) for after in lines[at + 1:at + 1 + _HEADER_LINES])
