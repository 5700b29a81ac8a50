"""Line breaking for Chinese in rich's output (help, tables on the screen).

rich breaks lines only at spaces: a Chinese sentence is one "word" to it, moved whole to
the next line or, when longer than the column, cut with "…". Chinese may break between
any two characters, except that closing punctuation (，。、；：）” …) never starts a line
and opening punctuation (（“《 …) never ends one (标点禁则). `install` gives rich's wrapping
those break points; text without Chinese wraps exactly as before.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

_CJK = "\u2e80-\u2fdf\u3040-\u30ff\u3100-\u312f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_FULL_CLOSING = "，。、；：？！）》」』】〕〉’”…—·"
_CLOSING = _FULL_CLOSING + "%‰,.;:?!)\\]}"
_OPENING = "（《「『【〔〈‘“(\\[{"
# a word: an ideograph with the punctuation bound to it, or a run of anything else but
# spaces and ideographs, ended by Chinese punctuation too (table、json、csv); each with the
# spaces after it (as rich's own words)
_WORD = re.compile(
    rf"\s*(?:[{_OPENING}]*[{_CJK}][{_CLOSING}]*"
    rf"|[^\s{_CJK}]+?(?:[{_FULL_CLOSING}]+|(?=[{_OPENING}]*[{_CJK}]|\s|$))[{_CLOSING}]*)\s*")
_HAS_CJK = re.compile(rf"[{_CJK}]")


def _words(text: str) -> Iterable[tuple[int, int, str]]:
    position, size = 0, len(text)
    while position < size:
        match = _WORD.match(text, position)
        if match is None or match.end() == position:  # what the pattern does not take: one character
            end = position + 1
            while end < size and text[end].isspace():
                end += 1
            yield position, end, text[position:end]
            position = end
            continue
        yield match.start(), match.end(), match.group(0)
        position = match.end()


def install() -> None:
    """Make rich wrap Chinese between characters (idempotent; rich is imported here)."""
    import rich._wrap as wrap
    import rich.text as text

    if getattr(text.divide_line, "_partyday", False):
        return
    original = wrap.divide_line

    def divide_line(line: str, width: int, fold: bool = True) -> list[int]:
        if not _HAS_CJK.search(line):
            return original(line, width, fold)
        saved = wrap.words
        wrap.words = _words  # rich's own algorithm, over words that end between ideographs
        try:
            return original(line, width, fold)
        finally:
            wrap.words = saved

    divide_line._partyday = True  # type: ignore[attr-defined]
    text.divide_line = divide_line  # type: ignore[assignment]
