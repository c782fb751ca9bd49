"""R-TEXT-12: STOP/START/HELP keywords (Twilio's lists) from a recipient are recognised, and only when
the whole message is the keyword."""

from __future__ import annotations

import pytest
from texting.domain.keywords import HELP_KEYWORDS, OPT_IN_KEYWORDS, OPT_OUT_KEYWORDS, classify


def test_r_text_12_twilios_keyword_lists():
    assert OPT_OUT_KEYWORDS == {"STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT", "REVOKE", "OPTOUT"}
    assert OPT_IN_KEYWORDS == {"START", "YES", "UNSTOP"}
    assert HELP_KEYWORDS == {"HELP", "INFO"}


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


@pytest.mark.parametrize("body", ["stop it", "please stop", "Stop by at 5?", "yes please", "help me with Rex",
                                  "", "   ", "!!!", "STOP 🛑", "stopping", "Rex ate well"])
def test_r_text_12_anything_but_a_lone_keyword_is_an_ordinary_message(body: str):
    assert classify(body) is None
