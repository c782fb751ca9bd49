"""A conversation message as a text message: styling does not survive SMS (R-TEXT-7).

Messages are written with light markup: Markdown (`**bold**`, `__bold__`, `*italic*`, `_italic_`,
`~~strike~~`, `` `code` ``, `[label](url)`) and simple HTML (`<b>`, `<strong>`, `<i>`, `<em>`,
`<u>`, `<s>`, `<a href>`, `<br>`, `<p>`...). On a phone, bold becomes ALL CAPS (the only emphasis
plain text has); everything else is dropped and its text kept. A link keeps its address, since the
reader can no longer click the label: `label (url)`.

The patterns are deliberately strict so that ordinary text survives untouched: `snake_case_names`,
`5 * 3 * 2`, `a < b` and an unmatched `**` are not markup.
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
    line in a row (every character is paid for)."""
    stash: list[str] = []
    text = _NONCHARACTERS.sub("", message.replace("\r\n", "\n").replace("\r", "\n"))
    text = _CODE.sub(lambda m: _stashed(stash, m.group(2).strip(" ")), text)  # code first: \ is literal in it
    text = _ESCAPED.sub(lambda m: _stashed(stash, m.group(1)), text)
    text = _html(text)
    text = _MD_LINK.sub(lambda m: _link(m.group(1), m.group(2)), text)
    text = _MD_BOLD.sub(lambda m: _BOLD + (m.group(1) or m.group(2)) + _END_BOLD, text)
    text = _MD_STRIKE.sub(r"\1", text)
    text = _MD_ITALIC.sub(lambda m: m.group(1) or m.group(2), text)
    text = html.unescape(text).replace("\u00a0", " ")  # a no-break space is not GSM-7: it would cost UCS-2
    text = _shout_bold(text)
    text = re.sub(_STASH + r"(\d+)" + _END_STASH, lambda m: stash[int(m.group(1))], text)
    return _tidy(text)


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
