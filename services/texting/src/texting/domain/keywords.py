"""Twilio's reserved keywords in an inbound text (R-TEXT-12).

Twilio itself acts on these for a number that is not under Advanced Opt-Out: after STOP it refuses
to send to that number (error 21610) until START. We keep our own record so that the delivery
decision drops texts to an opted-out number before Twilio has to refuse them (R-DELIV-5), and so
that HELP gets an answer. Only a message that IS the keyword counts: "please stop by at 5" or
"stop it" are ordinary messages for the conversation feed.
"""

from __future__ import annotations

import unicodedata
from typing import Literal

Keyword = Literal["opt_out", "opt_in", "help"]

OPT_OUT_KEYWORDS = frozenset({"STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT", "REVOKE", "OPTOUT"})
OPT_IN_KEYWORDS = frozenset({"START", "YES", "UNSTOP"})
HELP_KEYWORDS = frozenset({"HELP", "INFO"})

_MEANING: dict[str, Keyword] = {
    **dict.fromkeys(OPT_OUT_KEYWORDS, "opt_out"),
    **dict.fromkeys(OPT_IN_KEYWORDS, "opt_in"),
    **dict.fromkeys(HELP_KEYWORDS, "help"),
}


def classify(body: str) -> Keyword | None:
    """What a single-word inbound message asks for (R-TEXT-12), or None for an ordinary message.

    Case does not matter, nor whitespace around the word or punctuation after it ("Stop!", "yes.")."""
    word = body.strip()
    while word and unicodedata.category(word[-1]).startswith("P"):
        word = word[:-1]
    word = word.rstrip()
    if not word or any(ch.isspace() for ch in word):
        return None
    return _MEANING.get(word.upper())
