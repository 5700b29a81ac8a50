"""Line breaking for Chinese in rich's output (help, tables on the screen).

rich breaks lines only at spaces: a Chinese sentence is one "word" to it, moved whole to
the next line or, when longer than the column, cut with "…". Chinese may break between
any two characters, except that closing punctuation (，。、；：）” …) never starts a line
and opening punctuation (（“《 …) never ends one (标点禁则). `install` gives rich's wrapping
those break points; text without Chinese wraps exactly as before.
"""

from __future__ import annotations

from collections.abc import Iterable

_CJK_RANGES = ((0x2E80, 0x2FDF), (0x3040, 0x30FF), (0x3100, 0x312F), (0x3400, 0x4DBF), (0x4E00, 0x9FFF),
               (0xF900, 0xFAFF))
_FULL_CLOSING = frozenset("，。、；：？！）》」』】〕〉’”…—·")
_CLOSING = _FULL_CLOSING | frozenset("%‰,.;:?!)]}")
_OPENING = frozenset("（《「『【〔〈‘“([{")
# (a loop, not a regular expression: compiling one of these classes costs more than all
# of `--help`'s wrapping)


def _is_cjk(ch: str) -> bool:
    code = ord(ch)
    return code >= 0x2E80 and any(low <= code <= high for low, high in _CJK_RANGES)


def _has_cjk(text: str) -> bool:
    return any(_is_cjk(ch) for ch in text)


def _words(text: str) -> Iterable[tuple[int, int, str]]:
    """rich's words (each with the spaces after it), but ending between ideographs: an
    ideograph with the punctuation bound to it, or a run of anything else, which also
    ends after Chinese punctuation (table、json、csv)."""
    size = len(text)
    i = 0
    while i < size:
        start = i
        while i < size and text[i].isspace():  # leading spaces: only at the very start
            i += 1
        j = i
        while j < size and text[j] in _OPENING:
            j += 1
        if j < size and _is_cjk(text[j]):
            i = j + 1
        else:
            while i < size and not text[i].isspace():
                k = i
                while k < size and text[k] in _OPENING:
                    k += 1
                if i > start and k < size and _is_cjk(text[k]):
                    break  # an ideograph (with its opening marks) starts the next word
                i += 1
                if text[i - 1] in _FULL_CLOSING:
                    break
        while i < size and text[i] in _CLOSING:
            i += 1
        while i < size and text[i].isspace():
            i += 1
        if i == start:  # cannot happen, but never loop forever
            i += 1
        yield start, i, text[start:i]


def install() -> None:
    """Make rich wrap Chinese between characters (idempotent; rich is imported here)."""
    import rich._wrap as wrap
    import rich.text as text

    if getattr(text.divide_line, "_partyday", False):
        return
    original = wrap.divide_line

    def divide_line(line: str, width: int, fold: bool = True) -> list[int]:
        if not _has_cjk(line):
            return original(line, width, fold)
        saved = wrap.words
        wrap.words = _words  # rich's own algorithm, over words that end between ideographs
        try:
            return original(line, width, fold)
        finally:
            wrap.words = saved

    divide_line._partyday = True  # type: ignore[attr-defined]
    text.divide_line = divide_line  # type: ignore[assignment]
