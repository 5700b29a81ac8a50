"""Sign-in records as read from a file, and the status vocabulary (SPEC §7).

A `SignInFile` is what one sign-in file says, before any name is matched to a member:
its layout, the activity date it names, and one `SignInRow` per person listed, with the
row it came from. Pure data and pure functions: no file I/O here.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from operator import attrgetter

STATUSES = ("出席", "迟到", "早退", "请假", "缺席", "免参加", "补学")
PRESENT = ("出席", "迟到", "早退")

# Words that stand for 请假 and are themselves the reason (病假 → 请假, reason 病假).
_LEAVE_REASONS = (
    "病假", "事假", "婚假", "产假", "丧假", "公假", "年假", "休假", "探亲", "陪产", "育儿假",
    "出差", "公出", "外出", "因公", "住院", "培训", "值班", "执勤", "开会", "外地",
)
# Searched as substrings, in this order: a stated status before a leave reason ('早退（下午
# 出差）' is 早退), a leave reason before 缺席 ('未到（病假）' is excused), negative forms
# before the words they contain ('未签到' before '签到').
_STATED: tuple[tuple[str, str], ...] = (
    ("免参加", "免参加"), ("免予参加", "免参加"), ("免于参加", "免参加"), ("经批准不参加", "免参加"),
    ("补学", "补学"), ("请假", "请假"), ("告假", "请假"),
    ("迟到", "迟到"), ("晚到", "迟到"), ("早退", "早退"), ("提前离", "早退"), ("提前走", "早退"),
)
_CONTAINED: tuple[tuple[str, str], ...] = (
    ("未签到", "缺席"), ("未到", "缺席"), ("没到", "缺席"), ("未参加", "缺席"), ("未参会", "缺席"),
    ("缺席", "缺席"), ("缺勤", "缺席"), ("旷会", "缺席"), ("无故", "缺席"), ("缺会", "缺席"),
    ("已签到", "出席"), ("已到", "出席"), ("已参加", "出席"), ("出席", "出席"), ("到会", "出席"),
    ("参会", "出席"), ("出勤", "出席"), ("签到", "出席"),
)
# Whole-cell marks only: '到' alone is 出席, but '到' inside another word is not.
_EXACT = {
    "√": "出席", "✓": "出席", "✔": "出席", "☑": "出席", "到": "出席", "在": "出席", "是": "出席",
    "参加": "出席", "正常": "出席", "有": "出席", "实到": "出席", "○": "出席", "〇": "出席", "◯": "出席", "o": "出席",
    "×": "缺席", "✗": "缺席", "✘": "缺席", "x": "缺席", "缺": "缺席", "无": "缺席",
    "假": "请假", "请": "请假", "迟": "迟到", "退": "早退", "免": "免参加",
}
_BRACKETS = re.compile(r"[()\[\]【】<>《》〔〕]")
_ANSWER = re.compile(r"^(?:否|是|不能|不|未到|未参加|没到)(?=[ :;,.!?、。，；：])")
_EDGE_NOISE = " :;,.!?-_/、。，；：\"'“”‘’"
VISITOR_WORDS = ("入党积极分子", "积极分子", "发展对象", "入党申请人", "群众", "列席")


def _fold(text: str) -> str:
    return "".join(unicodedata.normalize("NFKC", text).split()).lower()


def status_from_text(text: str, legend: Mapping[str, str] | None = None) -> tuple[str | None, str]:
    """The status a cell states and the reason it gives.

    '病假' → ('请假', '病假'); '请假（出差）' → ('请假', '出差'); '迟到' → ('迟到', '');
    '已签到', '√', '到' → ('出席', ''); no status word → (None, ''). `legend`: the
    sheet's own meaning of its marks (`legend_marks`), which wins over the usual one."""
    if legend and text:
        said = legend.get(_fold(str(text)))
        if said is not None:
            return said, ""
    return _status(str(text or ""))


# A sheet's own key to its marks, in a title or a line under the table: 说明：√出席 ○请假
# ×缺席; 注：出席打“√”，请假打“○”; （√表示出席，○表示请假）.
LEGEND_MARKS = "√✓✔☑○〇◯●◎△▲□■☆★×✗✘✕╳"
# a circle is 出席 on one sheet and 请假 on the next; typed as ○, 〇 or ◯, or a letter O in WPS
AMBIGUOUS_MARKS = ("○", "〇", "◯", "o", "O", "ｏ", "Ｏ")
_LEGEND_WORDS = {
    "免参加": "免参加", "出席": "出席", "到会": "出席", "参会": "出席", "参加": "出席", "已到": "出席", "实到": "出席",
    "签到": "出席", "请假": "请假", "病假": "请假", "事假": "请假", "公假": "请假", "缺席": "缺席", "未到": "缺席",
    "缺勤": "缺席", "迟到": "迟到", "早退": "早退", "补学": "补学",
}
_Q = "[“”\"'‘’「」『』]?"
_WORDS = "|".join(sorted(_LEGEND_WORDS, key=len, reverse=True))
_LEGEND_PAIR = re.compile(
    f"{_Q}([{LEGEND_MARKS}])\\s*{_Q}\\s*(?:表示|代表|即|为|是|[:：=＝—-])?\\s*({_WORDS})"
    f"|({_WORDS})\\s*(?:用|打|画|划|填|标|记|写|为|[:：=＝—-])?\\s*{_Q}\\s*([{LEGEND_MARKS}])")
_LEGEND_WORD = re.compile("说明|注|图例|表示|代表|标记|符号|打|画")


def legend_marks(lines: Iterable[str]) -> dict[str, str]:
    """What the marks of a sheet mean by its own key: {'○': '请假', '×': '缺席', …}.

    A line is a key when it pairs two marks with status words, or one under a word such
    as 说明/注/表示 (a name cell never does either)."""
    out: dict[str, str] = {}
    for line in lines:
        pairs = [(m[1] or m[4], m[2] or m[3]) for m in _LEGEND_PAIR.finditer(line)]
        if len(pairs) >= 2 or (pairs and _LEGEND_WORD.search(line)):
            for mark, word in pairs:
                out.setdefault(_fold(mark), _LEGEND_WORDS[word])
    circle = next((out[m] for m in AMBIGUOUS_MARKS if m in out), None)
    if circle is not None:  # the key's ○ is the cells' 〇 (look-alikes, typed by whichever input method)
        for m in AMBIGUOUS_MARKS:
            out.setdefault(m, circle)
    return out


def may_be_legend(cell: object) -> bool:
    """A cheap first look: a text cell holding a mark and more (a member row's mark
    cell holds the mark alone)."""
    return type(cell) is str and len(cell) >= 3 and any(ch in cell for ch in LEGEND_MARKS)


@lru_cache(maxsize=8192)
def _status(text: str) -> tuple[str | None, str]:
    folded = _fold(text)
    if not folded:
        return None, ""
    exact = _EXACT.get(folded)
    if exact is not None:
        return exact, ""
    for word, status in _STATED:
        if word in folded:
            return status, _reason(folded, word)
    for word in _LEAVE_REASONS:
        if word in folded:
            return "请假", _reason(folded, "") or word
    for word, status in _CONTAINED:
        if word in folded:
            return status, _reason(folded, word) if status != "出席" else ""
    return None, ""


_FULL_WIDTH = str.maketrans(",;:!?", "，；：！？")


def _reason(folded: str, word: str) -> str:
    """What a cell says beyond its status word: '请假（出差）' → '出差'."""
    rest = folded.replace(word, "", 1) if word else folded
    rest = _BRACKETS.sub(" ", rest).strip(_EDGE_NOISE)
    # '否，出差' → '出差'; the 全角 punctuation folding took from the user's words given back
    return _ANSWER.sub("", rest).strip(_EDGE_NOISE).replace(" ", "").translate(_FULL_WIDTH)


def visitor_word(text: str) -> str:
    """The visitor category a cell names ('入党积极分子', '发展对象', '群众', …) or ''."""
    return _visitor(str(text or "")) if text else ""


@lru_cache(maxsize=8192)
def _visitor(text: str) -> str:
    folded = _fold(text)
    for word in VISITOR_WORDS:
        if word in folded:
            return word
    return ""


@dataclass(frozen=True)
class SignInRow:
    """One person as a sign-in file lists them. `status` None: the file states none.

    `raw_name` is the cell as typed (a 腾讯会议 nickname, a 问卷星 answer); the hints are
    what the file says about who it is; `answers` keeps other answers (问卷星 questions,
    the 签到地点) as (question, answer) pairs."""

    raw_name: str
    status: str | None
    reason: str = ""
    sheet: str = ""
    row: int | None = None
    branch_hint: str = ""
    group_hint: str = ""
    phone_tail: str = ""
    visitor: bool = False
    minutes: float | None = None
    answers: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class SignInFile:
    """A whole sign-in file. `present_only`: it lists only who came (absent members are
    not in it); False: a full list with a status for everyone listed."""

    layout: str
    layout_zh: str
    date: date | None
    rows: tuple[SignInRow, ...]
    present_only: bool
    footer_expected: int | None = None
    footer_present: int | None = None
    warnings: tuple[str, ...] = ()

    def __reduce__(self) -> tuple:  # type: ignore[type-arg]
        """Pickled with its rows as plain tuples: a file read in the parsing worker comes
        back through a pipe, and rebuilding a dataclass per row from its pickled state is
        most of the cost of reading the answer."""
        return (_signin_file, (self.layout, self.layout_zh, self.date, [_row_values(r) for r in self.rows],
                               self.present_only, self.footer_expected, self.footer_present, self.warnings))


_ROW_FIELDS = ("raw_name", "status", "reason", "sheet", "row", "branch_hint", "group_hint", "phone_tail", "visitor",
               "minutes", "answers")
_row_values = attrgetter(*_ROW_FIELDS)


def _signin_file(layout: str, layout_zh: str, day: date | None, rows: list[tuple], present_only: bool,  # type: ignore[type-arg]
                 footer_expected: int | None, footer_present: int | None, warnings: tuple[str, ...]) -> SignInFile:
    """`SignInFile.__reduce__`'s other half: each row made as `SignInRow(*values)` would
    make it, without the frozen dataclass's per-field `object.__setattr__`."""
    new = object.__new__
    out = []
    for values in rows:
        row = new(SignInRow)
        d = row.__dict__
        (d["raw_name"], d["status"], d["reason"], d["sheet"], d["row"], d["branch_hint"], d["group_hint"],
         d["phone_tail"], d["visitor"], d["minutes"], d["answers"]) = values
        out.append(row)
    return SignInFile(layout, layout_zh, day, tuple(out), present_only, footer_expected, footer_present, warnings)


def signin_as_dict(signin: SignInFile) -> dict[str, object]:
    """The file as plain JSON-ready data (golden files, `--format json`)."""
    return {
        "layout": signin.layout,
        "layout_zh": signin.layout_zh,
        "date": signin.date.isoformat() if signin.date else None,
        "present_only": signin.present_only,
        "footer_expected": signin.footer_expected,
        "footer_present": signin.footer_present,
        "warnings": list(signin.warnings),
        "rows": [
            {
                "raw_name": r.raw_name, "status": r.status, "reason": r.reason, "sheet": r.sheet,
                "row": r.row, "branch_hint": r.branch_hint, "group_hint": r.group_hint,
                "phone_tail": r.phone_tail, "visitor": r.visitor, "minutes": r.minutes,
                "answers": [list(pair) for pair in r.answers],
            }
            for r in signin.rows
        ],
    }
