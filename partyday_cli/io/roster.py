"""Reading a real 花名册 (member roster) as branches keep it in Excel/WPS.

Title rows above the header, merged header cells, blank rows, section titles
("二、预备党员") and a footer (制表人/审核人/合计) are read past; columns are found by
their usual names (`ROSTER_COLUMNS`, plain data a config may extend). Every problem in
the file is collected, with sheet, row and column, because the caller imports nothing
while any problem remains. What was read from free text (备注) is told back in
`readings` so the user can check it.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path

from partyday_cli.core.amounts import amount_problem
from partyday_cli.core.members import CATEGORIES, Member, normalise_name
from partyday_cli.errors import Problem
from partyday_cli.io.workbook import (
    HeaderMatch,
    Sheet,
    cell_text,
    find_header,
    normalise_header,
    parse_amount_cell,
    parse_date_cell,
    read_grid,
)

__all__ = ["EXEMPT_SINCE_UNKNOWN", "ROSTER_COLUMNS", "NoteReading", "RosterRead", "read_note", "read_roster"]

# A 免参加 note with no date: exempt for every day of the membership. The roster states
# what holds now and rarely since when; date.min makes `Member.is_exempt_on` true for any
# day, and readers of the note can tell it apart from a real date. To count the member
# as expected before the exemption, the user writes the date ("2017年3月起免参加").
EXEMPT_SINCE_UNKNOWN = date.min

ROSTER_COLUMNS: dict[str, tuple[str, ...]] = {
    "name": ("姓名", "党员姓名", "名字"),
    "gender": ("性别",),
    "ethnicity": ("民族",),
    "birth_date": ("出生日期", "出生年月", "出生年月日", "出生时间"),
    "branch": ("所在支部", "支部", "所属支部", "所在党支部", "党支部", "支部名称"),
    "group": ("党小组", "所在党小组", "所属党小组"),
    "party_status": ("党员类别", "党员身份", "类别", "政治面貌"),
    "joined": ("入党时间", "入党日期", "入党年月", "入党年月日"),
    "full_member_date": ("转正时间", "转正日期", "转正年月", "转为正式党员日期"),
    "category": ("人员类别", "人员身份", "身份", "工作状态", "人员状态"),
    "phone": ("联系电话", "手机", "手机号码", "手机号", "电话", "电话号码", "联系方式"),
    "id_number": ("身份证号", "身份证号码", "公民身份号码", "身份证"),
    "income": ("月收入", "工资收入", "月工资", "税后月收入", "月工资收入", "工资", "交纳基数", "党费基数"),
    "pension": ("离退休费", "退休金", "养老金", "离休费", "退休费", "基本离退休费", "月退休金"),
    "dues_override": ("党费标准", "月交党费", "每月党费", "月缴党费"),
    "note": ("备注",),
    # as the 全国党员管理信息系统 exports them: 工作岗位 says 离退休人员 / 学生 where there is no
    # 人员类别 of dues; 党籍状态 says 停止党籍
    "post": ("工作岗位", "岗位", "职业"),
    "standing": ("党籍状态",),
}

_LABELS = {"name": "姓名", "birth_date": "出生日期", "joined": "入党时间", "full_member_date": "转正时间",
           "income": "月收入", "pension": "离退休费", "dues_override": "党费标准", "party_status": "党员类别",
           "category": "人员类别", "id_number": "身份证号"}

_STATUS_WORDS = {"正式": "正式", "正式党员": "正式", "中共党员": "正式", "党员": "正式",
                 "预备": "预备", "预备党员": "预备", "中共预备党员": "预备"}

# Category as typed → one of CATEGORIES. 抚恤/救济 pay like 低保 (SPEC §8), so they map there.
_CATEGORY_WORDS = {
    "在职": ("在职", "在岗", "在职职工", "职工", "在职干部", "在编"),
    "离退休": ("离退休", "退休", "离休", "退休职工", "离休干部", "退休干部"),
    "农民": ("农民", "务农"),
    "学生": ("学生", "在校学生"),
    "下岗失业": ("下岗失业", "下岗", "失业", "待业", "下岗职工"),
    "低保": ("低保", "低保户", "享受低保", "抚恤", "救济", "领取救济", "依靠抚恤或救济生活"),
    "其他": ("其他", "其它"),
}
_CATEGORY_LOOKUP = {word: cat for cat, words in _CATEGORY_WORDS.items() for word in words}
assert set(_CATEGORY_WORDS) == set(CATEGORIES)
_ACCEPTED_CATEGORIES = "在职、离退休（退休/离休）、农民、学生、下岗失业（下岗/失业）、低保（抚恤/救济）、其他"

_FOOTER = re.compile(r"^(制表|填表|填报|审核|审批|负责人|联系人|合计|总计|共计|注[:\d]|说明:|日期:)|盖章")
_SUBTOTAL = re.compile(r"^小计")
_SECTION_WORDS = ("党员", "支部", "小组", "、", ":", "以下空白")
_DATE_HINT = "请写成 1990-07-08、1990.07.08 或 1990年7月8日（只知年月可写 1992.06）"


@dataclass
class RosterRead:
    """What a roster file held: members, every problem found, and what free text said.

    With any problem the file must not be imported; `members` is then a best-effort
    reading (fields that could not be read are None) kept for previews and counts.
    """

    members: list[Member] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    readings: list[str] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)  # header texts of columns not read
    warnings: list[str] = field(default_factory=list)  # what the import must say (dues cannot be set, …)
    # the day the file says it holds from (填报日期：2017年1月5日, above the table or in its footer),
    # and those words: `roster import` takes it when no --as-of is given
    stated: date | None = None
    stated_text: str = ""


def read_roster(path: Path, *, as_of: date | None = None) -> RosterRead:
    """Read the roster at `path`. A file that cannot be read at all raises `UserError`;
    anything wrong inside it is a `Problem` in the result (all of them, not the first).
    `as_of`: the day the roster holds from (`roster import --as-of`; default today): a
    备注 date without its year (长期病假（4月起）) is of that year."""
    path = Path(path)
    result = RosterRead()
    sheets = read_grid(path)
    found = _roster_sheets(sheets)
    if not found:
        result.problems.append(_no_name_column(path.name, sheets))
        return result
    result.stated, result.stated_text = _stated_date(found)
    as_of = as_of or result.stated or date.today()
    seen: dict[str, tuple[str, int, str]] = {}
    for sheet, rows, header in found:
        for text in _ignored_columns(rows, header):
            label = f"工作表“{sheet.name}”的“{text}”" if len(found) > 1 else f"“{text}”"
            if label not in result.ignored_columns:
                result.ignored_columns.append(label)
        branch = sheet.name if len(found) > 1 and "branch" not in header.columns else ""
        if branch:
            result.readings.append(f"工作表“{sheet.name}”没有“所在支部”列 → 按工作表名记为所在支部“{branch}”")
        _status_in_category(rows, header, result)
        reader = _SheetReader(path.name, sheet.name, header, result, prefix=len(found) > 1, as_of=as_of)
        for member in reader.read(rows, default_branch=branch):
            _check_duplicate(member, sheet.name, seen, reader)
            result.members.append(member)
    _check_income(result, [h for _, _, h in found])
    return result


def _status_in_category(rows: list[list[object]], header: HeaderMatch, result: RosterRead) -> None:
    """A “人员类别” column holding 正式党员 / 预备党员 (the 党员管理信息系统's own meaning of
    the word) is the 党员类别, when the sheet has no column of that name: the file decides."""
    c = header.columns.get("category")
    if c is None or "party_status" in header.columns:
        return
    said = {_folded(cell_text(r[c])) for r in rows[header.row:] if c < len(r) and cell_text(r[c])}
    if said and said <= set(_STATUS_WORDS):
        for table in (header.columns, header.letters, header.labels):
            table["party_status"] = table.pop("category")
        result.readings.append(f"“{header.labels['party_status']}”列写的是正式党员、预备党员 → 按党员类别读取")


def _ignored_columns(rows: list[list[object]], header: HeaderMatch) -> list[str]:
    """The header texts of the columns no field was read from."""
    used = set(header.columns.values())
    lower, upper = rows[header.row - 1], rows[header.top_row - 1]

    def text_of(c: int) -> str:
        text = cell_text(lower[c]) if c < len(lower) else ""
        if not text and header.top_row != header.row and c < len(upper):
            text = cell_text(upper[c])
        return text

    # a header cell merged across two columns (党员类别 over H:I) is read from the first;
    # the second holds the same text and is no column of its own
    read = {text_of(c) for c in used}
    out = []
    for c in range(max(len(lower), len(upper))):
        if c in used:
            continue
        text = text_of(c)
        if text and text not in read and normalise_header(text) not in _NOT_WORTH_A_WORD and text not in out:
            out.append(text)
    return out


def _check_income(result: RosterRead, headers: list[HeaderMatch]) -> None:
    """在职 members whose dues cannot be set: no income read for any of them."""
    working = [m for m in result.members if m.category == "在职"]
    if not working or any(m.income is not None or m.dues_override is not None for m in working):
        return
    labels = [h.labels[f] for h in headers for f in ("income", COMBINED_INCOME) if f in h.labels]
    if labels:
        where = f"“{labels[0]}”列是空的"
    else:
        where = (f"没有找到月收入列（找的是表头为“{'”“'.join(ROSTER_COLUMNS['income'][:5])}”"
                 f"或“{_COMBINED_LABEL}”的列）")
    result.warnings.append(f"{len(working)} 名在职党员都没有月收入：{where}，无法核定党费标准。"
                           "请在花名册中填写税后月收入后重新导入，或在“党费标准”列写明每月金额")


# A column whose header names two fields at once: the amount is income or pension by the
# member's 人员类别 ('月工资收入（税后）/离退休费（元）').
COMBINED_INCOME = "income_or_pension"
_COMBINED_LABEL = "月收入或离退休费"
_LOOKUP = {normalise_header(label): fld for fld, labels in ROSTER_COLUMNS.items() for label in labels}
_PART_SPLIT = re.compile(r"[/／|｜或及、]+")
# Columns every roster has and partyday has no use for: not worth a word at import.
_NOT_WORTH_A_WORD = {"序号", "编号", "序", "no", "no."}


def _field_of(text: str) -> str | None:
    """The field a header cell names, qualifiers allowed: '入党时间（年月）' → joined,
    '联系电话（手机）' → phone, '月工资收入（税后）/离退休费（元）' → income or pension."""
    key = normalise_header(text)
    if not key:
        return None
    if key in _LOOKUP:
        return _LOOKUP[key]
    parts = [p for p in _PART_SPLIT.split(key) if p]
    found = {_qualified(p) for p in parts}
    if None in found or not found:
        return None
    if found == {"income", "pension"}:
        return COMBINED_INCOME
    return found.pop() if len(found) == 1 else None


def _qualified(part: str) -> str | None:
    """A header part that is a known name with a qualifier before or after it
    ('税后月工资收入', '离退休费元', '所在党支部全称')."""
    part = part.strip("*:※()（）")
    if part in _LOOKUP:
        return _LOOKUP[part]
    for qualifier in _QUALIFIERS:
        for bare in (part.removeprefix(qualifier), part.removesuffix(qualifier)):
            if bare != part and bare in _LOOKUP:
                return _LOOKUP[bare]
    return None


# Words written beside a field's name that do not change what the column holds.
_QUALIFIERS = ("全称", "年月日", "年月", "手机号码", "手机", "号码", "税后", "实发", "每月", "本人", "元", "人民币")


def _with_qualified_headers(rows: list[list[object]]) -> list[list[object]]:
    """The rows, with header cells that name a known field with qualifiers replaced by a
    plain name `find_header` knows (labels are put back from the original afterwards)."""
    out = []
    for r, row in enumerate(rows):
        if r >= 15:
            out.extend(rows[r:])
            break
        new = list(row)
        for c, value in enumerate(row):
            if isinstance(value, str) and normalise_header(value) not in _LOOKUP:
                fld = _field_of(value)
                if fld is not None:
                    new[c] = _COMBINED_LABEL if fld == COMBINED_INCOME else ROSTER_COLUMNS[fld][0]
        out.append(new)
    return out


_SYNONYMS = {**ROSTER_COLUMNS, COMBINED_INCOME: (_COMBINED_LABEL,)}


_STATED = re.compile(r"(?:填报|填表|制表|统计|更新|截至|截止)(?:日期|时间)?[:：]?\s*(?:至|到)?\s*"
                     r"((\d{4})\s*[年./-]\s*(\d{1,2})\s*[月./-]\s*(\d{1,2})\s*日?)")


def _stated_date(found: list[tuple[Sheet, list[list[object]], HeaderMatch]]) -> tuple[date | None, str]:
    """The one date the roster's title or footer lines give it (填报日期：2017年1月5日,
    截至2026年6月1日), with its words; (None, '') where none, or two that differ."""
    seen: dict[date, str] = {}
    for _, rows, header in found:
        name = header.columns["name"]
        # the lines above the header, and a footer line below the members (no name in it:
        # a member's 备注 “病假，截至2017年6月30日” is not the roster's date)
        footer = [r for r in rows[header.row:][-3:] if name >= len(r) or not cell_text(r[name])]
        lines = rows[: header.top_row - 1] + footer
        for row in lines:
            for cell in row:
                typed = cell_text(cell)
                for m in _STATED.finditer(typed) if _STATED.search(typed) else _STATED.finditer(_folded(typed)):
                    try:
                        seen.setdefault(date(int(m[2]), int(m[3]), int(m[4])), m[0])
                    except ValueError:
                        continue
    return next(iter(seen.items())) if len(seen) == 1 else (None, "")


def _roster_sheets(sheets: list[Sheet]) -> list[tuple[Sheet, list[list[object]], HeaderMatch]]:
    visible = [s for s in sheets if s.visible] or sheets
    found = []
    for sheet in visible:
        rows = sheet.filled_rows()
        header = find_header(_with_qualified_headers(rows), _SYNONYMS, {"name"})
        if header is not None:
            for fld, c in header.columns.items():  # as the user typed it
                for r in (header.row - 1, header.top_row - 1):
                    if c < len(rows[r]) and cell_text(rows[r][c]):
                        header.labels[fld] = cell_text(rows[r][c])
                        break
            found.append((sheet, rows, header))
    if len(found) > 1:  # a 说明 sheet that happens to say 姓名 is not a roster
        found = [f for f in found if len(f[2].columns) > 1] or found[:1]
    return found


def _no_name_column(file: str, sheets: list[Sheet]) -> Problem:
    visible = [s for s in sheets if s.visible] or sheets
    for sheet in visible:
        partial = find_header(sheet.filled_rows(), ROSTER_COLUMNS, set())
        if partial is not None and len(partial.columns) > 1:
            named = "、".join(partial.labels.values())
            return Problem(f"找不到“姓名”列：这一行像是表头（有 {named}），但没有“姓名”。"
                           "请把姓名所在列的表头改为“姓名”", file, sheet.name or None, partial.row)
    sheet_name = visible[0].name if visible else ""
    return Problem("找不到“姓名”列：前15行中没有写着“姓名”的表头行。请确认这是花名册，"
                   "并在表头行写上“姓名”“性别”“入党时间”等列名", file, sheet_name or None)


def _check_duplicate(member: Member, sheet: str, seen: dict, reader: _SheetReader) -> None:
    earlier = seen.setdefault(member.key, (sheet, member.source_row, member.phone))
    if earlier[1] == member.source_row and earlier[0] == sheet:
        return
    where = f"第{earlier[1]}行" if earlier[0] == sheet else f"工作表“{earlier[0]}”第{earlier[1]}行"
    if earlier[2] == member.phone:
        message = (f"与{where}重复（姓名、所在支部、党小组、联系电话都相同）。同一人请删去一行；"
                   "同名的两个人请填写各自的联系电话或党小组以区分")
    else:
        message = (f"与{where}同名、同支部、同党小组，手机号后四位也相同，无法区分。"
                   "请在“党小组”列中区分这两人")
    reader.problem(member.source_row or 0, None, message)


class _SheetReader:
    """Reads the member rows of one sheet below its header."""

    def __init__(self, file: str, sheet: str, header: HeaderMatch, result: RosterRead, prefix: bool,
                 as_of: date | None = None):
        self.as_of = as_of or date.today()
        self.file, self.sheet, self.header, self.result = file, sheet, header, result
        self.prefix = f"工作表“{sheet}” " if prefix else ""
        self.row: list[object] = []
        self.texts: list[str] = []  # the row's cells as text
        self.folded: list[str] = []  # … NFKC-folded, spaces removed

    # -- plumbing
    def problem(self, rownum: int, fld: str | None, message: str) -> None:
        column = self.header.letters.get(fld) if fld else None
        self.result.problems.append(Problem(message, self.file, self.sheet or None, rownum, column))

    def raw(self, fld: str) -> object:
        index = self.header.columns.get(fld)
        return self.row[index] if index is not None and index < len(self.row) else ""

    def text(self, fld: str) -> str:
        index = self.header.columns.get(fld)
        return self.texts[index] if index is not None and index < len(self.texts) else ""

    def label(self, fld: str) -> str:
        return self.header.labels.get(fld) or _LABELS.get(fld, fld)

    # -- rows
    def read(self, rows: list[list[object]], default_branch: str) -> list[Member]:
        members = []
        footer_at = None
        for index in range(self.header.row, len(rows)):
            rownum, self.row = index + 1, rows[index]
            self.texts = [cell_text(v) for v in self.row]
            self.folded = [_folded(t) for t in self.texts]
            if footer_at is not None:
                if self.text("name") and sum(1 for f in self.header.columns if self.text(f)) > 2:
                    self.problem(rownum, None, f"这一行在表尾（第{footer_at}行）之下，未读取。"
                                 "如果是党员，请把它移到表尾之上")
                continue
            if self._is_footer():
                footer_at = rownum
            elif not self._skipped(rownum):
                member = self._member(rownum, default_branch)
                if member is not None:
                    members.append(member)
        return members

    def _is_footer(self) -> bool:
        note = self.header.columns.get("note")
        return any(_FOOTER.search(t) for c, t in enumerate(self.folded) if c != note and t)

    def _skipped(self, rownum: int) -> bool:
        """Blank rows, subtotals, a repeated header and section titles are not members."""
        if all(self.text(f) in ("", "0") for f in self.header.columns):  # formulas show 0 in blank rows
            return True
        texts = set(self.folded) - {""}
        if any(_SUBTOTAL.match(t) for t in texts):
            return True
        name = self.text("name")
        if normalise_header(name) in ROSTER_COLUMNS["name"]:
            return True
        if len({t for t in texts if not t.isdigit()}) == 1 and any(w in _folded(name) for w in _SECTION_WORDS):
            # One text across the row (often merged over it): "二、预备党员（3人）"
            if "以下空白" not in _folded(name):
                self.result.readings.append(f"{self.prefix}第{rownum}行“{name}”看作分节标题，未作为党员读取")
            return True
        return False

    def _member(self, rownum: int, default_branch: str) -> Member | None:
        name = normalise_name(self.text("name"))
        if not name:
            self.problem(rownum, "name", "这一行有内容，但“姓名”是空的。请填写姓名；若是上一行的续写，请并入上一行")
            return None
        fields: dict[str, object] = {
            "name": name,
            "branch": _folded(self.text("branch")) or default_branch,
            "group": _folded(self.text("group")),
            "gender": {"男性": "男", "女性": "女"}.get(self.text("gender"), self.text("gender")),
            "ethnicity": self.text("ethnicity"),
            "phone": re.sub(r"[\s\-]", "", unicodedata.normalize("NFKC", self.text("phone"))),
            "id_number": self._id_number(rownum),
            "note": self.text("note"),
            "source_row": rownum,
        }
        for fld in ("birth_date", "joined", "full_member_date"):
            fields[fld] = self._date(rownum, fld)
        fields["party_status"] = self._status(rownum)
        income, pension = self._amount(rownum, "income"), self._amount(rownum, "pension")
        combined = self._amount(rownum, COMBINED_INCOME)
        fields["dues_override"] = self._amount(rownum, "dues_override")
        fields["category"], fields["income"] = self._category(rownum, name, income, pension, combined)
        self._check_dates(rownum, fields)
        self._apply_note(rownum, name, fields)
        standing = _folded(self.text("standing"))
        if "停止党籍" in standing:
            self.result.warnings.append(
                f"{self.prefix}第{rownum}行 {name}：{self.label('standing')}为“{standing}”，仍按在册党员计入应到和党费；"
                "如不应计入，请在备注写明“免参加”或从花名册中删去后重新导入")
        return Member(**fields)

    # -- fields
    def _date(self, rownum: int, fld: str) -> date | None:
        value = self.raw(fld)
        if cell_text(value) == "":
            return None
        try:
            return parse_date_cell(value)
        except ValueError:
            self.problem(rownum, fld, f"{self.label(fld)}“{cell_text(value)}”不是有效日期。{_DATE_HINT}")
            return None

    def _amount(self, rownum: int, fld: str) -> Decimal | None:
        value = self.raw(fld)
        if cell_text(value) == "":
            return None
        try:
            amount = parse_amount_cell(value)
        except ValueError:
            amount = None
        if amount is None or amount < 0:
            self.problem(rownum, fld, f"{self.label(fld)}“{cell_text(value)}”不是有效金额。"
                         "请只填数字，如 6200 或 6200.50（可带“元”或千分位逗号）")
            return None
        if too_big := amount_problem(amount, self.label(fld), cell_text(value)):
            self.problem(rownum, fld, too_big)
            return None
        return amount

    def _status(self, rownum: int) -> str:
        text = _folded(self.text("party_status"))
        if not text:
            return "正式"
        if text in _STATUS_WORDS:
            return _STATUS_WORDS[text]
        self.problem(rownum, "party_status", f"{self.label('party_status')}“{text}”无法识别。可填：正式（正式党员）、预备（预备党员）")
        return "正式"

    def _category(self, rownum: int, name: str, income, pension, combined=None) -> tuple[str, Decimal | None]:  # type: ignore[no-untyped-def]
        text = _folded(self.text("category"))
        category = _CATEGORY_LOOKUP.get(re.sub(r"(党员|人员)$", "", text)) or _CATEGORY_LOOKUP.get(text)
        if not text and "category" not in self.header.columns:  # 工作岗位 离退休人员 / 学生 says it
            post = _folded(self.text("post"))
            category = _CATEGORY_LOOKUP.get(re.sub(r"(党员|人员)$", "", post)) or _CATEGORY_LOOKUP.get(post)
        if combined is not None:  # one column for both: the 人员类别 says which it is
            if category == "离退休":
                pension = pension if pension is not None else combined
            else:
                income = income if income is not None else combined
        if text and category is None:
            self.problem(rownum, "category", f"{self.label('category')}“{text}”无法识别。可填：{_ACCEPTED_CATEGORIES}")
            return "在职", income
        if category is None:
            category = "离退休" if pension is not None and income is None else "在职"
            if category == "离退休":
                self.result.readings.append(f"{self.prefix}第{rownum}行 {name}：人员类别未填，填了离退休费 → 按离退休处理")
        if category == "离退休":
            return category, pension if pension is not None else income
        if pension is not None and income is None:
            self.problem(rownum, "pension", f"人员类别是“{category}”，却只填了{self.label('pension')}。"
                         "退休党员请把人员类别改为“离退休”；在职党员请填写月收入")
        return category, income

    def _id_number(self, rownum: int) -> str:
        value = self.raw("id_number")
        text = unicodedata.normalize("NFKC", cell_text(value)).replace(" ", "").upper()
        as_number = isinstance(value, int | float) and not isinstance(value, bool) and abs(value) >= 1e15
        if as_number or re.fullmatch(r"\d(\.\d+)?E\+?\d+", text):  # 1.10101E+17 in a CSV
            self.problem(rownum, "id_number", "身份证号被 Excel 存成了数字，末几位已经丢失。"
                         "请把该列设为“文本”格式后重新输入身份证号")
        return text

    def _check_dates(self, rownum: int, fields: dict) -> None:
        joined, full = fields["joined"], fields["full_member_date"]
        if joined and full and full < joined:
            self.problem(rownum, "full_member_date", f"转正时间 {full} 早于入党时间 {joined}，请核对")
        elif joined and full and (full - joined).days < 360:  # 预备期一年（党章第七条）
            self.result.warnings.append(f"{self.prefix}第{rownum}行 {fields['name']}：转正时间 {full} 距入党时间 {joined} "
                                        "不满一年（预备期为一年），请核对")

    def _apply_note(self, rownum: int, name: str, fields: dict) -> None:
        note = fields["note"]
        if not note:
            return
        reading = read_note(note, joined=fields["joined"], full_member_date=fields["full_member_date"],
                            as_of=self.as_of)
        fields.update(reading.changes)
        if reading.said:
            self.result.readings.append(f"{self.prefix}第{rownum}行 {name}：备注“{note}” → {'；'.join(reading.said)}")
        elif not reading.changes and not reading.problems and _MAY_MATTER.search(_folded(note)) and not any(
                pattern.search(_folded(note)) for _, pattern in _KINDS):  # 2018年4月延期转正: read, nothing to do
            # a date, or words of time away: what the note means for 应到 is not read, and said so
            self.result.warnings.append(
                f"{self.prefix}第{rownum}行 {name}：备注“{note}”未能读出对应到、出勤的影响，已忽略；"
                + ("停止党籍期间如不应计入，请在备注写明“免参加”" if "停止党籍" in note else
                   "若是请假、外出、转出或免参加，请写明起止年月，如“2026年9月至2027年7月赴新疆支教，已请假”"))
        for message in reading.problems:
            self.problem(rownum, "note", message)


# a 备注 that may bear on 应到 when nothing in it was read (`_apply_note` says so): words of
# time away (a date alone is not: 2019年被评为优秀共产党员, 宣传委员（2020年起）)
_MAY_MATTER = re.compile(r"停止党籍|支教|挂职|借调|调离|援疆|援藏|出差|培训|进修|脱产|离开|外出")


def _folded(text: str) -> str:
    """NFKC (full-width → half-width) with every space removed."""
    return "".join(unicodedata.normalize("NFKC", text).split())


# --------------------------------------------------------------------------- 备注


@dataclass
class NoteReading:
    """What a 备注 says about membership: Member field changes, what was read (Chinese,
    for the user to check) and problems (Chinese messages)."""

    changes: dict[str, object] = field(default_factory=dict)
    said: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    month_only_leave: bool = False  # the leave's end is its month's, by default: a later 至… may say otherwise


@dataclass(frozen=True)
class _NoteDate:
    day: date
    month_only: bool
    until: bool  # written after 至/到/止


_NOTE_DATE = re.compile(r"(?<!\d)(\d{4})[年./\-](\d{1,2})(?:[月./\-](\d{1,2})(?!\d)[日号]?|月份?|(?!\d))")
_KINDS = (  # checked in this order; the first that matches a clause decides it
    ("gone", re.compile(r"去世|逝世|病故|死亡|亡故|除名|开除党籍|退党|出党")),
    ("out", re.compile(r"转出|调出|迁出|转走")),
    ("in", re.compile(r"转入|调入|迁入|转来")),
    ("exempt", re.compile(r"免[予于去]?参加|不参加(?:党的|党)?组织生活|不参加(?:有关|相关|党员|党的)?(?:活动|主题党日)")),
    ("leave", re.compile(r"请假|病假|事假|产假|休假|出国|出境|住院|养病|外派|流动党员|外出务工|外出经商|外出流动|流动在外")),
    ("probation", re.compile(r"(?:接收|吸收|转|发展|批准|成)为预备党员")),
    ("full", re.compile(r"转正|转为正式党员")),
)


def read_note(note: str, *, joined: date | None = None, full_member_date: date | None = None,
              as_of: date | None = None) -> NoteReading:
    """Read membership events from a 备注 as people write them: "2017年6月转出",
    "已转出（2017年6月）", "2017年3月转入", "年老体弱，经支部委员会研究同意免参加组织生活",
    "2017年4月18日接收为预备党员" (used when 入党时间 is empty), "2018年4月按期转正",
    "2026年3月至9月因公出国，已向支部请假", "长期病假（4月起）" (of `as_of`'s year)."""
    reading = NoteReading()
    text = _folded(note)
    carried: list[_NoteDate] = []  # dates of a clause with no event: "2017年6月，转出至…"
    before = ""  # that clause: 外出务工，已请假
    for clause in filter(None, re.split(r"[,;。、\n]", text)):
        dates = _note_dates(clause)
        kind = next((k for k, pattern in _KINDS if pattern.search(clause)), None)
        if kind == "leave" and not _note_leave(clause, text, reading, as_of or date.today(), before=before):
            kind = None  # 2017年3月至2018年2月出国，经支部同意免参加组织生活: its dates are the exemption's
        if kind is None and _leave_end(clause, reading, as_of or date.today()):
            continue  # 2026年4月起长期病假，至2026年6月: the leave's end, in a clause of its own
        if kind is None:
            carried = dates
            before = clause
            continue
        if kind != "leave":
            _note_event(kind, clause, dates or carried, text, note.strip(), reading,
                        joined=joined, full_member_date=full_member_date)
        carried = []
        before = ""  # 2017年6月转入，长期病假: the leave is not the transfer's clause
    return reading


def _note_dates(clause: str) -> list[_NoteDate]:
    found = []
    for m in _NOTE_DATE.finditer(clause):
        try:
            day = date(int(m[1]), int(m[2]), int(m[3] or 1))
        except ValueError:
            continue
        if 1900 <= day.year <= 2100:
            until = re.search(r"(至|到|止)$", clause[: m.start()]) is not None
            found.append(_NoteDate(day, m[3] is None, until))
    return found


def _note_event(kind: str, clause: str, dates: list[_NoteDate], text: str, note: str,
                reading: NoteReading, *, joined: date | None, full_member_date: date | None) -> None:
    changes, said = reading.changes, reading.said
    if kind in ("gone", "out"):
        if "transferred_out" in changes:
            return
        if not dates:
            reading.problems.append(f"备注写了“{clause}”，但没有写明年月，无法确定从哪天起不再计入应到人数。"
                                    "请写成“2017年6月转出”这样的格式")
            return
        when = dates[0]
        changes["transferred_out"] = when.day
        if when.month_only:
            changes["transferred_out_precision"] = "month"
            month = f"{when.day.year}年{when.day.month}月"
            said.append(f"{month}{'转出' if kind == 'out' else '起不再是本支部党员'}（只写了月份：{month}的活动，"
                        "签到了的仍计入应到，没有签到的不计）")
        else:
            said.append(f"{when.day} 起转出" if kind == "out" else f"{when.day} 起不再计入本支部党员")
    elif kind == "in" and "transferred_in" not in changes:
        if dates:
            changes["transferred_in"] = dates[0].day
            said.append(f"{dates[0].day} 起转入" + ("（只写了月份，按当月1日起计入应到；如需准确，请写明日期）"
                                                  if dates[0].month_only else ""))
        else:
            said.append("提到转入但未写日期，按一直在本支部处理（如需准确，请写明转入年月）")
    elif kind == "exempt" and "exempt_from" not in changes:
        if "不参加" in clause and (re.search(r"无故|无正当理由", text) or not re.search(r"经|批准|同意", text)):
            return  # "无故不参加组织生活" is the opposite of an exemption
        if "不参加" in clause and "组织生活" not in clause and not re.search(r"批准|同意", text):
            return  # "经教育仍不参加活动": the scheme's exemption is one a 支部 approved (seed 001's words)
        _note_exemption(dates, note, reading)
    elif kind == "probation" and joined is None and dates:
        changes["joined"] = dates[0].day
        said.append(f"入党时间 {dates[0].day}")
    elif kind == "full" and full_member_date is None and dates and not re.search(r"延期|延长|推迟|取消", clause):
        if re.search(r"预计|拟|计划|将于|待|应于|到期", clause):  # 预计2027年6月转正: not yet 正式
            said.append(f"“{clause}”是预计的转正时间，未记为转正时间；转正后请在“转正时间”列填写")
            return
        changes["full_member_date"] = dates[0].day
        said.append(f"转正时间 {dates[0].day}")


def _note_exemption(dates: list[_NoteDate], note: str, reading: NoteReading) -> None:
    starts = [d for d in dates if not d.until]
    ends = [d for d in dates if d.until] or starts[1:2]
    since = starts[0].day if starts else EXEMPT_SINCE_UNKNOWN
    until = _month_end(ends[0]) if ends else None
    reading.changes.update(exempt_from=since, exempt_until=until, exempt_reason=note)
    told = f"{since} 起免参加组织生活" if starts else "免参加组织生活（未写起始日期，按一直免参加处理）"
    reading.said.append(told + (f"，至 {until}" if until else ""))


# a date in a leave note, the year often left out after the first: 2026年3月, 9月, 4月15日, 2026.3.1
_LEAVE_DATE = re.compile(r"(?<!\d)(?:(?:(\d{4})年)?(\d{1,2})月份?(?:(\d{1,2})[日号])?|(\d{4})[./-](\d{1,2})(?:[./-](\d{1,2}))?(?!\d))")
_NOT_LEAVE = re.compile(r"无故|未请假|没有?请假|不请假|未经批准")


def _leave_end(clause: str, reading: NoteReading, as_of: date) -> bool:
    """A clause that ends the leave just read (…起长期病假，至2026年6月): its end, and True."""
    changes = reading.changes
    start = changes.get("leave_from")
    if not isinstance(start, date) or (changes.get("leave_until") is not None and not reading.month_only_leave) \
            or not re.match(r"[至到止]|截至|截止", clause):
        return False
    m = _LEAVE_DATE.search(_month_ranges(clause))
    if m is None:
        return False
    try:
        until = _leave_until(*_leave_parts(m), start, as_of)
    except ValueError:
        return False
    if until < start:
        return False
    changes["leave_until"] = until
    reading.month_only_leave = False
    reading.said[-1] = _leave_said(start, until, str(changes.get("leave_reason") or "请假"), as_of)
    return True


def _leave_said(start: date, until: date | None, reason: str, as_of: date) -> str:
    """What the import says of a leave it read."""
    if start == EXEMPT_SINCE_UNKNOWN:
        return (f"请假（{reason}）" + (f"至 {until}" if until else "") + "，未写开始日期：这份花名册适用的各次活动"
                + ("（到结束日期为止）" if until else "") + "，未签到的都记为请假，不计缺席；如不对，请写明，"
                f"如“{as_of.year}年4月至6月{reason}”")
    told = f"{start}" + (f" 至 {until} " if until else " 起") + f"请假（{reason}），其间的活动未签到记为请假，不计缺席"
    if until is None:
        told += "（未写结束日期，按一直请假处理；回来后请在备注写明结束月份，如“…至9月”）"
    return told


def _leave_parts(m: re.Match[str]) -> tuple[int | None, int, int | None]:
    """(year or None, month, day or None) of a `_LEAVE_DATE` match."""
    year, month, day = (m[1], m[2], m[3]) if m[2] else (m[4], m[5], m[6])
    return (int(year) if year else None), int(month), (int(day) if day else None)


def _leave_until(year: int | None, month: int, day: int | None, start: date, as_of: date) -> date:
    """A leave's last day from its end as written: a year left out is the start's (the next
    one for an earlier month: 12月至3月), or the roster's where the leave gives no start;
    a month alone ends on its last day. Raises ValueError for a date that does not exist."""
    if year is None:
        year = as_of.year if start == EXEMPT_SINCE_UNKNOWN else start.year + (1 if month < start.month else 0)
    return date(year, month, day) if day else _month_end(_NoteDate(date(year, month, 1), True, True))


def _month_ranges(clause: str) -> str:
    """3-9月 → 3月至9月, 2026年3—9月 → 2026年3月至9月: a range of months as `_LEAVE_DATE` reads it."""
    return re.sub(r"(?<![\d.])(\d{1,2})\s*[-~—]\s*(\d{1,2})月", r"\1月至\2月", clause)


def _note_leave(clause: str, text: str, reading: NoteReading, as_of: date, *, before: str = "") -> bool:
    """A leave over a period (2026年3月至9月因公出国, 长期病假（4月起）, 2026.5.10-2026.6.30住院):
    the member stays expected and is 请假 at its activities where no file shows them present.
    `before`: the clause before it that names no event (外出务工，已请假): its reason and dates.
    False where the clause is not a leave to record."""
    changes, said = reading.changes, reading.said
    if "exempt_from" in changes or _NOT_LEAVE.search(text):
        return False  # not a leave at all
    if "leave_from" in changes:
        return True  # a second clause of the same leave (…，已向支部请假)
    exempt = dict(_KINDS)["exempt"]
    if exempt.search(text) and re.search(r"经|批准|同意", text):
        return False  # 长期病假，经支部同意免参加组织生活: an exemption, read as one
    if before and re.fullmatch(r"[已经]?(?:向(?:党)?支部)?(?:批准)?请假", clause):
        clause = before + clause  # 外出务工，已请假: the leave is the clause before
    clause = _month_ranges(clause)
    if before and not _LEAVE_DATE.search(clause) and _LEAVE_DATE.search(before):
        clause = before + "," + clause  # 2026年3月，出国: the dates are the clause before's
    found = []
    for m in _LEAVE_DATE.finditer(clause):
        found.append((*_leave_parts(m), m.start(), m.end()))
    reason = _LEAVE_DATE.sub("", clause)
    reason = re.sub(r"[()\[\]~\-—,]|至|到|起|开始|以来", "", reason)
    reason = re.sub(r"[已经]?(?:向(?:党)?支部)?(?:批准)?请假$", "", reason) if reason != "请假" else reason
    reason = reason or "请假"
    starts = [f for f in found if not re.search(r"[至到~—-]$", clause[: f[3]])]
    ends = [f for f in found if re.search(r"[至到~—-]$", clause[: f[3]])]
    try:
        if starts:
            year, month, day = starts[0][:3]
            start = date(year or as_of.year, month, day or 1)
            if year is None and start > as_of and not ends and re.search(r"起|开始|以来", clause):
                start = date(as_of.year - 1, month, day or 1)  # 长期病假（4月起） on a roster of January: last April
        else:  # as for 免参加: while this roster holds (`EXEMPT_SINCE_UNKNOWN`)
            start = EXEMPT_SINCE_UNKNOWN
        until = None
        if not ends and starts and not starts[0][2] and not re.search(r"起|开始|以来", clause):
            # 2026年5月病假: that month (with 起, or a day, it runs on until the note says;
            # a clause of its own may, `_leave_end`)
            until = _month_end(_NoteDate(start, True, True))
            reading.month_only_leave = True
        if ends:
            until = _leave_until(*ends[0][:3], start, as_of)
    except ValueError:
        reading.problems.append(f"备注“{clause}”中的日期无法识别，请写成“2026年3月至9月因公出国”这样的格式")
        return True
    if until is not None and until < start:
        reading.problems.append(f"备注“{clause}”的结束日期 {until} 早于开始日期 {start}，请核对")
        return True
    if re.search(r"流动|外出务工|外出经商", clause):  # 外出务工（流动党员）: seeds 000/002's 外出流动党员
        reason = "流动党员"
        changes.update(leave_from=start, leave_until=until, leave_reason=reason)
        since = f"{start} 起" if starts else "（未写起始日期，按这份花名册适用的各次活动）"
        said.append(f"流动党员：{since}" + (f"至 {until} " if until else "") + "未签到的活动记为请假（流动党员），"
                    "不计无故缺席；请按方案落实专人定期联系（如每月一次）")
        return True
    changes.update(leave_from=start, leave_until=until, leave_reason=reason)
    said.append(_leave_said(start, until, reason, as_of))
    return True


def _month_end(when: _NoteDate) -> date:
    if not when.month_only:
        return when.day
    following = date(when.day.year + when.day.month // 12, when.day.month % 12 + 1, 1)
    return date.fromordinal(following.toordinal() - 1)
