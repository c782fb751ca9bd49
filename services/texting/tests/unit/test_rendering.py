"""R-TEXT-7: styling does not survive a text message; bold becomes ALL CAPS, other styling is dropped
and its text kept, and ordinary text that merely looks like markup is left alone. R-TEXT-5: typographic
characters go as their plain GSM-7 equivalent."""

from __future__ import annotations

import pytest
from texting.domain.rendering import PLAIN_EQUIVALENTS, plain_equivalents, plain_text
from texting.domain.segments import encoding_of


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


@pytest.mark.parametrize(("written", "texted"), [
    ("Rex\u2019s \u2018walk\u2019", "Rex's 'walk'"),
    ("\u201cGood boy\u201d \u00abbrave\u00bb \u201equiet\u201c", '"Good boy" "brave" "quiet"'),
    ("9\u201311am \u2014 then home\u2012ish \u2212 ok", "9-11am - then home-ish - ok"),
    ("See you soon\u2026", "See you soon..."),
    ("at\u00a09am,\u2009\u202fthin\u2003spaces", "at 9am,  thin spaces"),
    ("zero\u200bwidth\u00adsoft\ufeff", "zerowidthsoft"),
    ("\u2022 water\n\u2022 walk", "- water\n- walk"),
    ("\uff32\uff45\uff58\uff01\uff1f", "Rex!?"),
    ("line\u2028next", "line\nnext"),
])
def test_r_text_5_typographic_characters_are_sent_as_their_plain_equivalent(written: str, texted: str):
    assert plain_text(written) == texted


def test_r_text_5_a_curly_quote_inside_bold_code_or_a_link_label_is_plain_too():
    assert plain_text("**Rex\u2019s day** and `it\u2019s` and [Anna\u2019s page](https://pets.example/a)") \
        == "REX'S DAY and it's and Anna's page (https://pets.example/a)"


@pytest.mark.parametrize("kept", [
    "Caf\u00e9 \u00e0 Montr\u00e9al, \u00fcber, Espa\u00f1a, \u00bfqu\u00e9?, \u00c7a, \u00e6\u00f8\u00e5",  # GSM-7
    "gar\u00e7on, \u00ea\u00ee\u00f4\u00fb, Zo\u00eb",  # not GSM-7, but letters, not typography
    "\U0001f468\u200d\U0001f469\u200d\U0001f467 \u203c\ufe0f \u00a9 1\u00bd cups",  # emoji, joiners, fractions
    "\u4f60\u597d\u3002",
])
def test_r_text_5_letters_emoji_and_what_has_no_plain_equivalent_are_kept(kept: str):
    assert plain_equivalents(kept) == kept


def test_r_text_5_every_replacement_is_gsm_7_and_replaces_only_what_gsm_7_lacks():
    for code, plain in PLAIN_EQUIVALENTS.items():
        assert encoding_of(chr(code)) == "UCS-2" and encoding_of(plain) == "GSM-7", hex(code)
