"""Twilio's reserved keywords in an inbound text (R-TEXT-12), in English and, for Canada, French.

Twilio itself acts on these for a number that is not under Advanced Opt-Out: after STOP it refuses
to send to that number (error 21610) until START. We keep our own record so that the delivery
decision drops texts to an opted-out number before Twilio has to refuse them (R-DELIV-5), and so
that HELP gets an answer. Only a message that IS the keyword counts: "please stop by at 5" or
"stop it" are ordinary messages for the conversation feed.

Sources of the lists:
- English opt-out (STOP, STOPALL, UNSUBSCRIBE, CANCEL, END, QUIT, REVOKE, OPTOUT): Twilio's default
  handling, https://www.twilio.com/docs/messaging/tutorials/advanced-opt-out and
  https://help.twilio.com/hc/en-us/articles/223134027-Twilio-support-for-opt-out-keywords-SMS-STOP-filtering-
- Opt-in (START, YES, UNSTOP) and help (HELP, INFO): the same Twilio support article.
- French opt-out (ARRET, ARRETE, ARRETT): the opt-out keywords Twilio lists beside the English ones,
  https://www.twilio.com/docs/proxy/opt-out-keywords
- French help (AIDE): Canada's bilingual rules pair AIDE with HELP as they pair ARRET with STOP,
  https://docs.aws.amazon.com/end-user-messaging/latest/userguide/nx-rcs-launch-ca-french.html
Accents are ignored when comparing, so a Quebec client's "Arrêt" or "ARRÊTE" is ARRET / ARRETE.
"""

from __future__ import annotations

import unicodedata
from typing import Literal

Keyword = Literal["opt_out", "opt_in", "help"]

OPT_OUT_KEYWORDS = frozenset({"STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT", "REVOKE", "OPTOUT",
                              "ARRET", "ARRETE", "ARRETT"})
"""R-TEXT-12: the number stops being texted until it opts in again. Written without accents."""
OPT_IN_KEYWORDS = frozenset({"START", "YES", "UNSTOP"})
"""R-TEXT-12: an opted-out number may be texted again."""
HELP_KEYWORDS = frozenset({"HELP", "INFO", "AIDE"})
"""R-TEXT-12: the sender asks how texting works and how to stop it."""

_MEANING: dict[str, Keyword] = {
    **dict.fromkeys(OPT_OUT_KEYWORDS, "opt_out"),
    **dict.fromkeys(OPT_IN_KEYWORDS, "opt_in"),
    **dict.fromkeys(HELP_KEYWORDS, "help"),
}


def classify(body: str) -> Keyword | None:
    """What a single-word inbound message asks for (R-TEXT-12), or None for an ordinary message.

    Compared as phones and people write it: case, accents ("ARRÊT" is ARRET), fullwidth letters,
    whitespace and invisible characters around the word, and punctuation before or after it
    ("Stop!", "«Arrêt»", "yes.") do not matter. Anything more than one word is an ordinary message."""
    word = _bare_word(body)
    return _MEANING.get(word) if word else None


def _bare_word(body: str) -> str | None:
    """`body` folded for comparison: compatibility forms (fullwidth) to plain letters, accents dropped,
    upper case, trimmed of whitespace, invisible characters and punctuation; None if several words."""
    decomposed = unicodedata.normalize("NFKD", body)
    letters = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    start, end = 0, len(letters)
    while start < end and _trimmed(letters[start]):
        start += 1
    while end > start and _trimmed(letters[end - 1]):
        end -= 1
    word = letters[start:end]
    if not word or any(ch.isspace() for ch in word):
        return None
    return word.upper()


def _trimmed(ch: str) -> bool:
    category = unicodedata.category(ch)
    return ch.isspace() or category.startswith("P") or category == "Cf"
