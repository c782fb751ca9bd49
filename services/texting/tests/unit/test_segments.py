"""R-TEXT-5: what a text costs (checked against the 65 external vectors) and how a long message is cut
into texts that are each one segment, never splitting a character, at most max-messages of them; and
typographic characters with a plain equivalent never force UCS-2 or an extra text."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from texting.domain.rendering import plain_equivalents, plain_text
from texting.domain.segments import (
    GSM_BASIC,
    GSM_EXTENSION,
    MAX_BODY,
    encoding_of,
    graphemes,
    segment_count,
    split_for_sms,
)

VECTORS: list[dict[str, Any]] = json.loads(
    Path("/work/shared/testdata/twilio/segment_vectors.json").read_text(encoding="utf-8"))["vectors"]
ENCODING_ASSERTED = [v for v in VECTORS if "NOT asserted" not in v["encoding_basis"]]


def vector_id(vector: dict[str, Any]) -> str:
    return f"{VECTORS.index(vector):02d} {vector['description'][:70]}"


def test_r_text_5_all_65_vectors_are_loaded():
    assert len(VECTORS) == 65 and len(ENCODING_ASSERTED) == 63


@pytest.mark.parametrize("vector", VECTORS, ids=vector_id)
def test_r_text_5_segment_count_matches_the_vector(vector: dict[str, Any]):
    assert segment_count(vector["text"]) == vector["segments"]


@pytest.mark.parametrize("vector", ENCODING_ASSERTED, ids=vector_id)
def test_r_text_5_encoding_matches_the_vector(vector: dict[str, Any]):
    assert encoding_of(vector["text"]) == vector["encoding"]


def test_r_text_5_only_uppercase_c_cedilla_is_gsm_and_empty_text_costs_nothing():
    assert encoding_of("Ça va") == "GSM-7" and encoding_of("ça va") == "UCS-2"
    assert segment_count("") == 0 and MAX_BODY == 1600


def test_r_text_5_graphemes_keep_emoji_sequences_flags_and_accents_whole():
    family, rainbow = "👨\u200d👩\u200d👧\u200d👦", "🏳\ufe0f\u200d🌈"
    england = "🏴\U000e0067\U000e0062\U000e0065\U000e006e\U000e0067\U000e007f"
    text = f"{family}🇮🇹🇨🇦🇫{rainbow}👍🏽1\ufe0f\u20e3e\u0301\u0301{england}\r\n\u1100\u1161\u11a8각x"
    assert graphemes(text) == [family, "🇮🇹", "🇨🇦", "🇫", rainbow, "👍🏽", "1\ufe0f\u20e3", "e\u0301\u0301",
                               england, "\r\n", "\u1100\u1161\u11a8", "각", "x"]


def test_r_text_5_a_short_text_goes_as_it_is_and_empty_text_sends_nothing():
    assert split_for_sms("Rex had a great walk! 🐕", max_messages=3) == ["Rex had a great walk! 🐕"]
    assert split_for_sms("", max_messages=3) == []


def test_r_text_5_long_text_breaks_at_whitespace_into_160_character_texts():
    words = ("Rex walked well today and drank plenty of water before his nap. " * 4).strip()
    parts = split_for_sms(words, max_messages=5)
    last_space_within_reach = words.rindex(" ", 0, 161)
    assert parts == [words[:last_space_within_reach], words[last_space_within_reach + 1:]]
    assert all(not p.startswith(" ") and not p.endswith(" ") for p in parts)


def test_r_text_5_each_text_is_encoded_on_its_own():
    """The emoji makes its own part UCS-2 (70), but the part before it keeps GSM-7's 160."""
    text = "a" * 160 + " " + "Good boy 🐶" + " b" * 40
    parts = split_for_sms(text, max_messages=5)
    assert parts[0] == "a" * 160 and encoding_of(parts[0]) == "GSM-7"
    assert encoding_of(parts[1]) == "UCS-2" and len(parts[1].encode("utf-16-le")) <= 140
    assert all(segment_count(p) == 1 for p in parts)


def test_r_text_5_escape_characters_count_twice():
    parts = split_for_sms("€" * 81, max_messages=2)
    assert parts == ["€" * 80, "€"]


def test_r_text_5_an_emoji_family_is_never_split():
    family = "👨\u200d👩\u200d👧\u200d👦"  # 11 UTF-16 units
    parts = split_for_sms("x" * 65 + family + "y", max_messages=3)
    assert parts == ["x" * 65, family + "y"]


def test_r_text_5_what_does_not_fit_is_cut_with_a_visible_marker():
    text = "Please bring the spare key and the blue leash tomorrow morning. " * 10
    parts = split_for_sms(text, max_messages=2)
    assert len(parts) == 2 and parts[-1].endswith("…") and not parts[-1].endswith(" …")
    assert segment_count(parts[-1]) == 1 and text.startswith(parts[0])
    # "…" is not GSM-7, so the marked part is UCS-2: a GSM marker keeps 160 characters for the text.
    assert len(split_for_sms(text, max_messages=2, marker="...")[-1]) > 150 > 70 >= len(parts[-1])


def test_r_text_5_a_word_longer_than_half_a_text_is_cut_rather_than_wasting_a_text():
    parts = split_for_sms("Hi " + "x" * 400, max_messages=2, marker="...")
    assert parts[0] == "Hi " + "x" * 157 and parts[1] == "x" * 157 + "..."


def test_r_text_5_settings_that_cannot_work_are_refused():
    with pytest.raises(ValueError):
        split_for_sms("hello", max_messages=0)
    with pytest.raises(ValueError):
        split_for_sms("hello", max_messages=2, marker="✂" * 71)


# --- properties: texts built from known single graphemes, so every boundary is known beforehand ---
MARKER = "…"
GSM_GRAPHEMES = st.one_of(
    st.characters(min_codepoint=0x21, max_codepoint=0x7E),
    st.sampled_from([" ", " ", " ", "\n"]),
    st.sampled_from(list("^{}\\[]~|€\f")),
    st.sampled_from(["é", "Ç", "ñ", "ü", "Å", "ø", "ß"]),
)
GRAPHEMES = st.one_of(
    GSM_GRAPHEMES,
    st.sampled_from(["ç", "犬", "각", "\u1100\u1161\u11a8"]),
    st.sampled_from(["e\u0301", "a\u0308\u0301", "n\u0303", "o\u0323\u0302"]),
    st.sampled_from(["😀", "🐶", "🐕", "👍🏽", "👩🏿\u200d🦰", "👨\u200d👩\u200d👧\u200d👦",
                     "🏳\ufe0f\u200d🌈", "🇮🇹", "🇨🇦", "❤\ufe0f", "1\ufe0f\u20e3",
                     "🏴\U000e0067\U000e0062\U000e0073\U000e0063\U000e0074\U000e007f"]),
)
MOSTLY_GSM = st.lists(  # long GSM-7 runs with the odd emoji: parts of one text then differ in encoding
    st.one_of(st.lists(GSM_GRAPHEMES, min_size=60, max_size=250), st.lists(GRAPHEMES, max_size=4)),
    min_size=1, max_size=5).map(lambda runs: [cluster for run in runs for cluster in run])
TEXTS = st.one_of(st.lists(GRAPHEMES, max_size=40), st.lists(GRAPHEMES, min_size=100, max_size=500),
                  MOSTLY_GSM)


def boundaries(clusters: list[str]) -> set[int]:
    offsets, at = {0}, 0
    for cluster in clusters:
        at += len(cluster)
        offsets.add(at)
    return offsets


def located(parts: list[str], text: str, cut: bool) -> tuple[list[tuple[int, int]], int]:
    """Where each part (without the marker) sits in `text`, allowing only whitespace between parts."""
    spans, position = [], 0
    for index, part in enumerate(parts):
        body = part[: -len(MARKER)] if cut and index == len(parts) - 1 else part
        found = re.compile(r"\s*?" + re.escape(body)).match(text, position)
        assert found, f"part {index} is not the text that follows part {index - 1}"
        spans.append((found.end() - len(body), found.end()))
        position = found.end()
    assert spans[0][0] == 0
    return spans, position


@settings(max_examples=400, deadline=None)
@given(clusters=TEXTS)
def test_r_text_5_property_segment_count_and_graphemes_agree_with_construction(clusters: list[str]):
    text = "".join(clusters)
    assert graphemes(text) == clusters
    assert (segment_count(text) == 1) == (text != "" and split_for_sms(text, max_messages=1) == [text])


@settings(max_examples=400, deadline=None)
@given(clusters=TEXTS, max_messages=st.integers(min_value=1, max_value=6))
def test_r_text_5_property_every_part_is_one_segment_whole_and_in_order(clusters: list[str],
                                                                         max_messages: int):
    text = "".join(clusters)
    parts = split_for_sms(text, max_messages=max_messages)
    if not text:
        assert parts == []
        return
    assert 1 <= len(parts) <= max_messages
    assert all(segment_count(part) == 1 for part in parts)
    assert all(part.encode("utf-16-le", "strict") for part in parts)  # no lone surrogate half anywhere
    cut = parts[-1].endswith(MARKER)
    spans, end = located(parts, text, cut)
    allowed = boundaries(clusters)  # escape characters and surrogate pairs are inside single clusters
    assert all(start in allowed and stop in allowed for start, stop in spans)
    if segment_count(text) == 1:
        assert parts == [text]
    if cut:
        assert len(parts) == max_messages
    else:  # the parts, with the whitespace broken at restored, are the input
        between = zip(spans, spans[1:], strict=False)
        gaps = [text[stop:start] for (_, stop), (start, _) in between] + [text[end:]]
        assert all(gap == "" or gap.isspace() for gap in gaps)
        rebuilt = "".join(part + gap for part, gap in zip(parts, gaps, strict=True))
        assert rebuilt == text


# Issue 9 item 8: iPhones type ’ and —; one of them switched the whole text to UCS-2 (70 characters).
IPHONE_104 = ("Hi Anna \u2014 Rex\u2019s walk went great today. He\u2019s had water and a snack; we\u2019ll see you "
              "both on Friday at 10am!")
IPHONE_282 = ("Hi Ann \u2014 Rex\u2019s walk went great today: two loops of the park, lots of sniffing and one "
              "muddy puddle. He\u2019s had fresh water and his snack, and he\u2019s napping now. We\u2019ll be back on "
              "Friday at 9am \u2014 please leave the spare key under the mat. Text us if anything changes, "
              "we\u2019re happy to help!")


def test_r_text_5_a_104_character_message_with_an_iphone_apostrophe_and_dash_is_one_text():
    assert len(IPHONE_104) == 104 and len(split_for_sms(IPHONE_104, max_messages=3)) == 2  # as it was
    texted = plain_text(IPHONE_104)
    assert split_for_sms(texted, max_messages=3) == [texted] and encoding_of(texted) == "GSM-7"
    assert texted == IPHONE_104.replace("\u2019", "'").replace("\u2014", "-")


def test_r_text_5_a_282_character_message_with_them_fits_two_texts_and_is_not_cut():
    assert len(IPHONE_282) == 282 and split_for_sms(IPHONE_282, max_messages=3)[-1].endswith("\u2026")  # as it was
    parts = split_for_sms(plain_text(IPHONE_282), max_messages=3)
    assert len(parts) == 2 and all(segment_count(part) == 1 for part in parts)
    assert " ".join(parts) == IPHONE_282.replace("\u2019", "'").replace("\u2014", "-")
    assert parts[-1].endswith("happy to help!")


GSM_TEXT = st.text(alphabet=st.sampled_from(sorted(GSM_BASIC | GSM_EXTENSION) + list("\u2019\u2018\u201c\u201d\u2014"
                                                                                  "\u2013\u2026\u00a0\u2009\u202f")))


@settings(max_examples=200, deadline=None)
@given(GSM_TEXT)
def test_r_text_5_gsm_text_with_typographic_characters_is_sent_as_gsm_7(text: str):
    assert encoding_of(plain_equivalents(text)) == "GSM-7"
