"""How many SMS segments Twilio bills a body as (`num_segments` of a message).

GSM-7 when every character is in the GSM 03.38 alphabet: 160 septets in one segment, 153 per part
when split, extension characters take two septets and are never split. Otherwise UCS-2: 70 UTF-16
code units, 67 per part, a surrogate pair never split. Checked against the 65 vectors in
`/work/shared/testdata/twilio/segment_vectors.json`.
"""

from __future__ import annotations

GSM_BASIC = set(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM_EXTENSION = set("\f^{}\\[~]|€")


def count_segments(body: str) -> int:
    """Segments of an SMS body; an empty body (a picture message) is one."""
    if encoding_of(body) == "GSM-7":
        sizes = [2 if c in GSM_EXTENSION else 1 for c in body]
        single, part = 160, 153
    else:
        sizes = [2 if ord(c) > 0xFFFF else 1 for c in body]
        single, part = 70, 67
    if sum(sizes) <= single:
        return 1
    segments, used = 1, 0
    for size in sizes:
        if used + size > part:
            segments, used = segments + 1, 0
        used += size
    return segments


def encoding_of(body: str) -> str:
    """GSM-7 when the GSM alphabet can carry the whole body, else UCS-2."""
    return "GSM-7" if all(c in GSM_BASIC or c in GSM_EXTENSION for c in body) else "UCS-2"
