"""R-TEXT-12: STOP/START/HELP keywords (Twilio's lists, English and Canadian French) from a recipient are
recognised however they are typed (case, accents, punctuation, spaces), and only when the whole message is
the keyword."""

from __future__ import annotations

import pytest
from texting.domain.keywords import HELP_KEYWORDS, OPT_IN_KEYWORDS, OPT_OUT_KEYWORDS, classify


def test_r_text_12_twilios_keyword_lists():
    assert OPT_OUT_KEYWORDS == {"STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT", "REVOKE", "OPTOUT",
                                "ARRET", "ARRETE", "ARRETT"}
    assert OPT_IN_KEYWORDS == {"START", "YES", "UNSTOP"}
    assert HELP_KEYWORDS == {"HELP", "INFO", "AIDE"}


@pytest.mark.parametrize("word", sorted(OPT_OUT_KEYWORDS))
def test_r_text_12_every_opt_out_keyword_opts_out(word: str):
    assert classify(word) == "opt_out" and classify(word.lower()) == "opt_out"


@pytest.mark.parametrize(("body", "meaning"), [
    ("START", "opt_in"), ("yes", "opt_in"), ("Unstop", "opt_in"),
    ("HELP", "help"), ("info", "help"),
])
def test_r_text_12_opt_in_and_help(body: str, meaning: str):
    assert classify(body) == meaning


@pytest.mark.parametrize("body", ["Stop", " stop ", "STOP!", "stop.", "Stop!!!", "\tQuit?\n", "yes!",
                                  "Help?"], ids=repr)
def test_r_text_12_case_surrounding_whitespace_and_trailing_punctuation_do_not_matter(body: str):
    assert classify(body) is not None


@pytest.mark.parametrize("body", ["ARR\u00caT", "Arr\u00eat", "arr\u00eat", "ARRET", "arret", " Arr\u00eat. ",
                                  "ARRE\u0302T", "Arr\u00eate !", "ARR\u00c8TE", "\u00abArr\u00eat\u00bb", "Arrett"],
                         ids=repr)
def test_r_text_12_a_quebec_clients_arret_opts_out_with_or_without_its_accent(body: str):
    """Issue 9 item 9: a Quebec client's ARR\u00caT was treated as an ordinary message."""
    assert classify(body) == "opt_out"


@pytest.mark.parametrize(("body", "meaning"), [
    ("\uff33\uff34\uff2f\uff30", "opt_out"),  # fullwidth letters
    ("\u201cStop\u201d", "opt_out"), ("\u00a1Stop!", "opt_out"), ("\u200bSTOP\ufeff", "opt_out"),
    ("\u00a0START\u2009", "opt_in"), ("Y\u00c9S", "opt_in"), ("Aide", "help"), ("AIDE?", "help"),
], ids=repr)
def test_r_text_12_punctuation_invisible_characters_and_odd_forms_around_a_keyword_do_not_matter(
        body: str, meaning: str):
    assert classify(body) == meaning


@pytest.mark.parametrize("body", ["arr\u00eat \u00e0 5h", "arr\u00eate de japper", "Arr\u00eat, merci",
                                  "stop it", "please stop", "Stop by at 5?", "yes please", "help me with Rex",
                                  "", "   ", "!!!", "STOP 🛑", "stopping", "Rex ate well"])
def test_r_text_12_anything_but_a_lone_keyword_is_an_ordinary_message(body: str):
    assert classify(body) is None
