"""A conversation message as a text message: styling does not survive SMS (R-TEXT-7).

Messages are written with light markup: Markdown (`**bold**`, `__bold__`, `*italic*`, `_italic_`,
`~~strike~~`, `` `code` ``, `[label](url)`) and simple HTML (`<b>`, `<strong>`, `<i>`, `<em>`,
`<u>`, `<s>`, `<a href>`, `<br>`, `<p>`...). On a phone, bold becomes ALL CAPS (the only emphasis
plain text has); everything else is dropped and its text kept. A link keeps its address, since the
reader can no longer click the label: `label (url)`.

The patterns are deliberately strict so that ordinary text survives untouched: `snake_case_names`,
`5 * 3 * 2`, `a < b` and an unmatched `**` are not markup.

Typographic characters that have a plain equivalent (curly quotes, dashes, ellipsis, odd spaces) are
sent as that equivalent (R-TEXT-5, `plain_equivalents`): one iPhone apostrophe would otherwise turn the
whole text into UCS-2 (70 characters a text instead of 160), so it would cost more texts or be cut.
"""

from __future__ import annotations

import html
import re

# Noncharacters (never in interchange, and html.unescape refuses to produce them) mark regions while
# the markup is taken apart: bold start/end, keep-case start/end, and a stash of literal text.
_BOLD, _END_BOLD, _KEEP, _END_KEEP, _STASH, _END_STASH = "\ufdd0\ufdd1\ufdd2\ufdd3\ufdd4\ufdd5"
_NONCHARACTERS = re.compile("[\ufdd0-\ufdd5]")

_TAGS = r"(?:b|strong|i|em|u|s|strike|del|ins|mark|small|big|sub|sup|span|font|code|pre|tt|kbd|p|div|a|br|" \
        r"blockquote|ul|ol|li|h[1-6]|img|hr)"
_HTML_BOLD_OPEN = re.compile(r"<(?:b|strong)(?:\s[^<>]*)?>", re.IGNORECASE)
_HTML_BOLD_CLOSE = re.compile(r"</(?:b|strong)\s*>", re.IGNORECASE)
_HTML_BREAK = re.compile(r"<br\s*/?>|</(?:p|div|li|h[1-6]|blockquote)\s*>", re.IGNORECASE)
_HTML_LINK = re.compile(r"<a\s[^<>]*?href\s*=\s*([\"'])(.*?)\1[^<>]*>(.*?)</a\s*>", re.IGNORECASE | re.DOTALL)
_HTML_TAG = re.compile(rf"</?{_TAGS}(?:\s[^<>]*)?/?>", re.IGNORECASE)

_ESCAPED = re.compile(r"\\([\\`*_~\[\]()<>#!])")
_CODE = re.compile(r"(`+)(.+?)\1", re.DOTALL)
_MD_LINK = re.compile(r"!?\[([^\]\n]+)\]\(\s*<?([^()\s<>]+)>?\s*\)")
_MD_BOLD = re.compile(r"\*\*(?=[^\s*])(.+?)(?<=[^\s])\*\*|(?<!\w)__(?=[^\s_])(.+?)(?<=[^\s])__(?!\w)")
_MD_STRIKE = re.compile(r"~~(?=\S)(.+?)(?<=\S)~~")
_MD_ITALIC = re.compile(r"(?<![*\w])\*(?=[^\s*])(.+?)(?<=[^\s*])\*(?![*\w])"
                        r"|(?<!\w)_(?=[^\s_])(.+?)(?<=[^\s_])_(?!\w)")
_BARE_URL = re.compile(r"(?:https?://|www\.)[^\s" + _BOLD + _END_BOLD + r"]+", re.IGNORECASE)


def plain_text(message: str) -> str:
    """The text of a conversation message as it goes out by SMS (R-TEXT-7): bold in capitals, other
    styling dropped, links as `label (url)`, entities decoded, no trailing spaces, at most one blank
    line in a row (every character is paid for), typographic characters as their plain equivalent
    (R-TEXT-5, `plain_equivalents`)."""
    stash: list[str] = []
    text = _NONCHARACTERS.sub("", message.replace("\r\n", "\n").replace("\r", "\n"))
    text = _CODE.sub(lambda m: _stashed(stash, m.group(2).strip(" ")), text)  # code first: \ is literal in it
    text = _ESCAPED.sub(lambda m: _stashed(stash, m.group(1)), text)
    text = _html(text)
    text = _MD_LINK.sub(lambda m: _link(m.group(1), m.group(2)), text)
    text = _MD_BOLD.sub(lambda m: _BOLD + (m.group(1) or m.group(2)) + _END_BOLD, text)
    text = _MD_STRIKE.sub(r"\1", text)
    text = _MD_ITALIC.sub(lambda m: m.group(1) or m.group(2), text)
    text = html.unescape(text)
    text = _shout_bold(text)
    text = re.sub(_STASH + r"(\d+)" + _END_STASH, lambda m: stash[int(m.group(1))], text)
    return _tidy(plain_equivalents(text))


def _equivalents() -> dict[int, str]:
    """The table behind `plain_equivalents`: character -> its plain GSM-7 equivalent ("" to drop it).

    Modelled on the list of characters Twilio's Smart Encoding replaces
    (https://www.twilio.com/docs/messaging/services/smart-encoding-char-list), kept to characters whose
    plain form says the same thing: quotes, dashes, ellipsis, spaces, invisible marks and fullwidth
    ASCII. Deliberately left out: letters with accents (GSM-7 carries é è à ü ñ..., and those it does
    not are still words, not typography), vulgar fractions ("1½" must not become "11/2"), characters
    that double as emoji (‼ ⁉ ©), and the joiners U+200C/U+200D that hold emoji sequences together."""
    table: dict[str, str] = {}
    table.update(dict.fromkeys("«»“”„‟″‶〝〞❝❞ʺˮ", '"'))
    table.update(dict.fromkeys("‘’‚‛′‵ʹʻʼʽˈˊˋ´`❛❜‹›", "'"))
    table.update(dict.fromkeys("‐‑‒–—―⁃−﹘﹣⸺⸻•‣◦", "-"))  # hyphens, dashes, minus; bullets start a line
    table.update({"…": "...", "‥": "..", "⁄": "/", "∕": "/"})
    table.update(dict.fromkeys("\t\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008"
                               "\u2009\u200a\u202f\u205f\u3000", " "))
    table.update(dict.fromkeys("\u2028\u2029", "\n"))  # line and paragraph separators
    table.update(dict.fromkeys("\u00ad\u200b\u2060\ufeff", ""))  # soft hyphen, zero-width space, joiner, BOM
    for code in range(0xFF01, 0xFF5F):  # fullwidth ASCII (！ to ～) as typed on CJK keyboards
        table[chr(code)] = chr(code - 0xFEE0)
    table["\uff40"] = "'"  # fullwidth grave: the plain ` is not GSM-7 either
    return {ord(ch): plain for ch, plain in table.items()}


PLAIN_EQUIVALENTS = _equivalents()
"""R-TEXT-5: code point -> its plain GSM-7 equivalent, for `str.translate`."""


def plain_equivalents(text: str) -> str:
    """`text` with every typographic character that has a plain GSM-7 equivalent replaced by it
    (R-TEXT-5): ’ -> ', “ ” -> ", – — -> -, … -> ..., a no-break or thin space -> a space, and so on
    (see `_equivalents`). Characters GSM-7 carries (é, ü, ñ, ¿...) and everything without a plain
    equivalent (emoji, other scripts) are left as they are, so such a text still goes as UCS-2."""
    return text.translate(PLAIN_EQUIVALENTS)


def _stashed(stash: list[str], literal: str) -> str:
    """Set literal text (code, escaped characters) aside so no later pattern sees it as markup."""
    stash.append(literal)
    return f"{_STASH}{len(stash) - 1}{_END_STASH}"


def _html(text: str) -> str:
    text = _HTML_LINK.sub(lambda m: _link(m.group(3), m.group(2)), text)
    text = _HTML_BOLD_OPEN.sub(_BOLD, text)
    text = _HTML_BOLD_CLOSE.sub(_END_BOLD, text)
    text = _HTML_BREAK.sub("\n", text)
    return _HTML_TAG.sub("", text)


def _link(label: str, url: str) -> str:
    """`label (url)`; just the address when the label is the address; mailto:/tel: shown bare."""
    shown = re.sub(r"^(?:mailto|tel):", "", url, flags=re.IGNORECASE)
    kept = _KEEP + shown + _END_KEEP
    return kept if _bare(label) == _bare(url) else f"{label} ({kept})"


def _bare(address: str) -> str:
    return re.sub(r"^(?:https?://|mailto:|tel:)", "", address.strip().rstrip("/").lower())


def _shout_bold(text: str) -> str:
    """Capitalise what lies between bold marks (nesting counted; an unclosed bold runs to the end, as
    a browser shows it), but never an address: URL paths are case-sensitive."""
    out: list[str] = []
    depth = 0
    for piece in re.split(f"([{_BOLD}{_END_BOLD}])", text):
        if piece == _BOLD:
            depth += 1
        elif piece == _END_BOLD:
            depth = max(depth - 1, 0)
        else:
            out.append(_upper_except_addresses(piece) if depth else piece)
    return re.sub(f"[{_KEEP}{_END_KEEP}]", "", "".join(out))


def _upper_except_addresses(text: str) -> str:
    kept = re.split(f"({_KEEP}.*?{_END_KEEP})", text, flags=re.DOTALL)
    return "".join(chunk if chunk.startswith(_KEEP) else _upper_outside_urls(chunk) for chunk in kept)


def _upper_outside_urls(text: str) -> str:
    pieces = _BARE_URL.split(text)
    urls = _BARE_URL.findall(text)
    return "".join(piece.upper() + (urls[i] if i < len(urls) else "") for i, piece in enumerate(pieces))


def _tidy(text: str) -> str:
    """No trailing spaces, at most one blank line in a row, no blank lines around the message."""
    text = "\n".join(line.rstrip() for line in text.split("\n"))
    return re.sub(r"\n{3,}", "\n\n", text).strip("\n")
