"""R-TEXT-7: styling does not survive a text message; bold becomes ALL CAPS, other styling is dropped
and its text kept, and ordinary text that merely looks like markup is left alone."""

from __future__ import annotations

import pytest
from texting.domain.rendering import plain_text


@pytest.mark.parametrize(("written", "texted"), [
    ("**Rex** was great today", "REX was great today"),
    ("__Rex__ was great today", "REX was great today"),
    ("<b>Rex</b> and <strong>Bella</strong>", "REX and BELLA"),
    ("<B class='x'>Rex</B>", "REX"),
    ("***Both***", "BOTH"),
])
def test_r_text_7_bold_becomes_all_caps(written: str, texted: str):
    assert plain_text(written) == texted


@pytest.mark.parametrize(("written", "texted"), [
    ("a *good* boy", "a good boy"),
    ("a _good_ boy", "a good boy"),
    ("~~Tuesday~~ Wednesday", "Tuesday Wednesday"),
    ("run `npm test` now", "run npm test now"),
    ("<i>a</i> <em>b</em> <u>c</u> <s>d</s> <span style='color:red'>e</span>", "a b c d e"),
])
def test_r_text_7_other_styling_is_dropped_and_its_text_kept(written: str, texted: str):
    assert plain_text(written) == texted


def test_r_text_7_a_link_keeps_its_address_since_nobody_can_click_a_label():
    assert plain_text("See [the schedule](https://pets.example/s?a=1) now") \
        == "See the schedule (https://pets.example/s?a=1) now"
    assert plain_text('<a href="https://pets.example/pay">Pay here</a>') == "Pay here (https://pets.example/pay)"
    assert plain_text("[https://pets.example](https://pets.example)") == "https://pets.example"
    assert plain_text('<a href="mailto:desk@pets.example">email us</a>') == "email us (desk@pets.example)"


def test_r_text_7_bold_capitals_leave_addresses_alone_because_paths_are_case_sensitive():
    assert plain_text("**Pay [here](https://pets.example/Inv/AbC9)**") == "PAY HERE (https://pets.example/Inv/AbC9)"
    assert plain_text("**Photos at https://pets.example/Album/XyZ today**") \
        == "PHOTOS AT https://pets.example/Album/XyZ TODAY"


def test_r_text_7_code_is_kept_as_written_even_inside_bold():
    assert plain_text("**use code `Spring25` at checkout**") == "USE CODE Spring25 AT CHECKOUT"
    assert plain_text("`**not bold**`") == "**not bold**"


def test_r_text_7_html_breaks_paragraphs_and_entities():
    written = "<p>Hi&nbsp;Ann,</p><p>Rex &amp; Bella<br>ate &lt;all&gt; their food &#10003;</p>"
    assert plain_text(written) == "Hi Ann,\nRex & Bella\nate <all> their food \u2713"


def test_r_text_7_an_escaped_entity_is_text_not_markup():
    assert plain_text("&lt;b&gt;hi&lt;/b&gt; and &#42;&#42;no&#42;&#42;") == "<b>hi</b> and **no**"
    assert plain_text(r"\*not italic\* and \_not\_ either") == "*not italic* and _not_ either"


@pytest.mark.parametrize("ordinary", [
    "my_dog_name is rex_the_great",
    "5 * 3 * 2 = 30 and 5*3*2 too",
    "a lone * asterisk and a lone _ underscore",
    "** spaced ** is not bold",
    "if a < b and c > d",
    "~ about 3pm ~",
    "Price: $5 ~ $10",
])
def test_r_text_7_ordinary_text_that_looks_like_markup_is_left_alone(ordinary: str):
    assert plain_text(ordinary) == ordinary


def test_r_text_7_blank_lines_collapse_and_trailing_spaces_go():
    assert plain_text("\n\nHi   \n\n\n\n\nBye  \n\n\n") == "Hi\n\nBye"
    assert plain_text("one\r\n\r\ntwo") == "one\n\ntwo"
    assert plain_text("<b>  </b>") == ""


def test_r_text_7_bold_across_a_sentence_with_accents_and_punctuation():
    assert plain_text("**Café closes at 5!** Thanks.") == "CAFÉ CLOSES AT 5! Thanks."
    assert plain_text("<strong>caf&eacute; <em>time</em></strong>") == "CAFÉ TIME"
