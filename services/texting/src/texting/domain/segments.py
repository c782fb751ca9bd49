"""What a text costs in SMS segments, and how a long message is cut into texts (R-TEXT-5).

Twilio bills per segment: a GSM-7 message holds 160 septets alone or 153 per segment when
concatenated (a 6-octet header per part); one character outside GSM-7 makes the whole message
UCS-2, which holds 70 UTF-16 code units alone or 67 when concatenated. The extension characters
(``^ { } \\ [ ] ~ | €`` and form feed) cost an escape septet plus the character, and a grapheme
(an emoji with its modifiers, a flag, a letter with its accents) is never spread over two segments.
`segment_count` agrees with Twilio's own calculator on the vectors in shared/testdata/twilio.

We do not send concatenated messages: `split_for_sms` makes texts that are each ONE segment on their
own, so every phone shows them whole and in order even without concatenation support.
"""

from __future__ import annotations

import unicodedata
from typing import Literal

Encoding = Literal["GSM-7", "UCS-2"]

MAX_BODY = 1600
"""Twilio refuses a message body longer than this many characters."""

GSM_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
"""The GSM 03.38 default alphabet (without ESC itself). Only uppercase Ç is here: ç needs UCS-2."""
GSM_EXTENSION = frozenset("\f^{}\\[~]|€")
"""Reached through the escape septet, so each costs two septets."""

GSM_SINGLE, GSM_PER_PART = 160, 153
UCS2_SINGLE, UCS2_PER_PART = 70, 67

_ZWJ = "\u200d"
_REGIONAL_INDICATORS = "".join(map(chr, range(0x1F1E6, 0x1F200)))  # two of them make a flag


def encoding_of(text: str) -> Encoding:
    """GSM-7 when every character is in the GSM alphabet, else UCS-2 for the whole text (R-TEXT-5)."""
    return "GSM-7" if all(ch in GSM_BASIC or ch in GSM_EXTENSION for ch in text) else "UCS-2"


def segment_count(text: str) -> int:
    """How many segments Twilio bills for `text` sent as one message (R-TEXT-5, R-TEXT-13).

    Empty text costs no segment (a picture-only message is billed as an MMS, not by its body)."""
    if not text:
        return 0
    gsm = encoding_of(text) == "GSM-7"
    single, per_part = (GSM_SINGLE, GSM_PER_PART) if gsm else (UCS2_SINGLE, UCS2_PER_PART)
    atoms = _atoms(text, per_part)
    costs = [_septets(a) if gsm else _units(a) for a in atoms]
    if sum(costs) <= single:
        return 1
    segments, used = 1, 0
    for cost in costs:  # whole atoms only: an escape pair or a grapheme never straddles two segments
        if used + cost > per_part:
            segments, used = segments + 1, 0
        used += cost
    return segments


def split_for_sms(text: str, *, max_messages: int, marker: str = "…") -> list[str]:
    """Cut `text` into at most `max_messages` texts that are each one segment on their own (R-TEXT-5).

    Each part is encoded on its own, so a part without emoji stays GSM-7 (160) even if another part
    needs UCS-2 (70). Breaks fall on whitespace when that keeps at least half of what fits (the run
    of whitespace broken at is dropped), otherwise between graphemes: never inside an escape pair, a
    surrogate pair or a grapheme. What does not fit in the last text is cut and the text ends with
    `marker`. Note the default "…" is not GSM-7, so a cut last part is UCS-2 (70 units)."""
    if max_messages < 1:
        raise ValueError("max_messages must be at least 1")
    if segment_count(marker) > 1:
        raise ValueError("the marker must fit in one segment")
    if not text:
        return []
    atoms = _atoms(text, UCS2_SINGLE)
    parts: list[str] = []
    start = 0
    while start < len(atoms):
        if len(parts) == max_messages - 1 and _fitting(atoms, start) < len(atoms):
            parts.append(_cut_with_marker(atoms, start, marker))
            return parts
        end, resume = _break(atoms, start, _fitting(atoms, start))
        parts.append("".join(atoms[start:end]))
        start = resume
    return parts


def graphemes(text: str) -> list[str]:
    """User-perceived characters (a simplified UAX #29): a base with its combining marks, variation
    selectors and skin tones; ZWJ emoji sequences; regional-indicator flag pairs; CR LF; Hangul
    jamo syllables. The stdlib has no grapheme segmentation and the `regex` package is not a
    dependency; this covers what people type in messages."""
    clusters: list[str] = []
    for ch in text:
        if clusters and _joins(clusters[-1], ch):
            clusters[-1] += ch
        else:
            clusters.append(ch)
    return clusters


def _joins(cluster: str, ch: str) -> bool:
    prev = cluster[-1]
    if prev == "\r":
        return ch == "\n"
    if _is_control(prev) or _is_control(ch):
        return False
    if _is_extend(ch):
        return True
    if prev == _ZWJ:
        return _is_pictographic(ch) and _is_pictographic(cluster[0])
    if _is_regional(ch) and _is_regional(prev):
        return (len(cluster) - len(cluster.rstrip(_REGIONAL_INDICATORS))) % 2 == 1  # pairs, left to right
    return _hangul_joins(_hangul(prev), _hangul(ch))


def _is_control(ch: str) -> bool:
    category = unicodedata.category(ch)
    return ch in "\r\n" or category in ("Cc", "Zl", "Zp") or (category == "Cf" and not _is_extend(ch))


def _is_extend(ch: str) -> bool:
    cp = ord(ch)
    return (unicodedata.category(ch) in ("Mn", "Me", "Mc") or ch in "\u200c\u200d"
            or 0x1F3FB <= cp <= 0x1F3FF or 0xE0020 <= cp <= 0xE007F)  # skin tones, emoji tag sequences


def _is_pictographic(ch: str) -> bool:
    cp = ord(ch)
    return (0x1F000 <= cp <= 0x1FAFF or (0x2100 <= cp <= 0x2BFF and unicodedata.category(ch) == "So")
            or cp in (0xA9, 0xAE, 0x203C, 0x2049, 0x3030, 0x303D, 0x3297, 0x3299))


def _is_regional(ch: str) -> bool:
    return 0x1F1E6 <= ord(ch) <= 0x1F1FF


def _hangul(ch: str) -> str:
    cp = ord(ch)
    if 0x1100 <= cp <= 0x115F or 0xA960 <= cp <= 0xA97C:
        return "L"
    if 0x1160 <= cp <= 0x11A7 or 0xD7B0 <= cp <= 0xD7C6:
        return "V"
    if 0x11A8 <= cp <= 0x11FF or 0xD7CB <= cp <= 0xD7FB:
        return "T"
    if 0xAC00 <= cp <= 0xD7A3:
        return "LV" if (cp - 0xAC00) % 28 == 0 else "LVT"
    return ""


def _hangul_joins(prev: str, nxt: str) -> bool:
    return ((prev == "L" and nxt in ("L", "V", "LV", "LVT")) or (prev in ("LV", "V") and nxt in ("V", "T"))
            or (prev in ("LVT", "T") and nxt == "T"))


def _septets(atom: str) -> int:
    return sum(2 if ch in GSM_EXTENSION else 1 for ch in atom)


def _units(atom: str) -> int:
    return len(atom.encode("utf-16-le")) // 2


def _atoms(text: str, limit: int) -> list[str]:
    """Graphemes, except one too big for a segment on its own (say 80 stacked accents), which is
    split between code points: a code point is never split, so neither is a surrogate pair."""
    return [piece for g in graphemes(text) for piece in ([g] if _units(g) <= limit else list(g))]


def _cost(text: str) -> tuple[bool, int, int]:
    """(all GSM-7?, septets, UTF-16 units): enough to tell whether a run of atoms fits."""
    return encoding_of(text) == "GSM-7", _septets(text), _units(text)


def _fitting(atoms: list[str], start: int, reserve: str = "") -> int:
    """The end of the longest run of atoms from `start` that is one segment on its own (with `reserve`
    appended). Fitting is prefix-closed (dropping atoms never needs more room, even when it turns a
    UCS-2 run into GSM-7: 70 units are at most 140 septets), so a forward scan finds it."""
    gsm, septets, units = _cost(reserve)
    end = start
    while end < len(atoms):
        atom_gsm, atom_septets, atom_units = _cost(atoms[end])
        gsm, septets, units = gsm and atom_gsm, septets + atom_septets, units + atom_units
        if (septets > GSM_SINGLE) if gsm else (units > UCS2_SINGLE):
            break
        end += 1
    return end


def _break(atoms: list[str], start: int, end: int) -> tuple[int, int]:
    """(where this part ends, where the next starts). Everything fits: take it. Else break at the last
    whitespace within reach, unless that would waste more than half of the part."""
    if end >= len(atoms):
        return end, end
    for at in range(end, start, -1):
        if atoms[at].isspace() and at - start >= (end - start) / 2:
            first = at
            while first - 1 > start and atoms[first - 1].isspace():
                first -= 1
            resume = at
            while resume < len(atoms) and atoms[resume].isspace():
                resume += 1
            return first, resume
    return end, end


def _cut_with_marker(atoms: list[str], start: int, marker: str) -> str:
    fitting = _fitting(atoms, start, reserve=marker)
    end = _break(atoms, start, fitting)[0] if fitting > start else start
    return "".join(atoms[start:end]).rstrip() + marker
