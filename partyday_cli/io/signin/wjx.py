"""问卷星 exports (按选项文本导出, xlsx or CSV).

The header is the question list: 序号, 提交答卷时间, 所用时间, 来源, 来源详情, 来自IP, then
numbered questions (1、您的姓名：, 2、所在党小组：, 3、本月党费是否已交纳：…). One row per
submission; a person who submitted twice is one attendance (the last submission counts).
Answers beyond who and where (dues paid, a comment) are kept with the record.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from partyday_cli.core.attendance import SignInFile, SignInRow, status_from_text, visitor_word
from partyday_cli.errors import UserError
from partyday_cli.io.signin.common import (
    as_datetime,
    cell,
    common_date,
    head_labels,
    label,
    name_key,
    phone_tail,
    text,
    visible_sheets,
)
from partyday_cli.io.workbook import Sheet, cell_text

LAYOUT, LAYOUT_ZH = "wjx", "问卷星答卷"

_META = {label(k) for k in ("序号", "提交答卷时间", "所用时间", "来源", "来源详情", "来自IP", "总分",
                            "答卷编号", "答题时长", "IP", "IP属地", "填写设备", "作答时长")}
_SUBMITTED = label("提交答卷时间")
_NUMBER = re.compile(r"^\s*[Qq第]?\d+(?:题)?\s*[、.．:：)）]\s*")
_POLITE = re.compile(r"^(?:请问|请填写|请输入|请选择|请)?(?:您的|你的|您|你)?")
_ROLES = (("name", ("姓名", "名字")), ("group", ("党小组", "小组")), ("branch", ("支部",)),
          ("phone", ("手机", "电话")), ("identity", ("身份", "政治面貌", "人员类别", "类别")),
          ("reason", ("原因", "事由", "理由")),  # 请假原因, 未参加原因 (before status: 未参加原因 names 参加)
          ("status", ("是否参加", "是否参会", "是否出席", "能否参加", "能否参会", "参会情况", "出席情况", "出勤",
                      "签到情况", "参加情况", "参加方式", "参会方式", "参加形式", "出席方式", "到会情况")))
# an answer of the status question that says the person came, though no status word: 现场参加, 线上参加
_CAME = ("参加", "参会", "出席", "到会", "现场", "线上", "线下", "视频", "已到", "已签")
_CODE = re.compile(r"^\d{1,2}$")


def question(value: object) -> str:
    """'3、本月党费是否已交纳：' → '本月党费是否已交纳'."""
    t = unicodedata.normalize("NFKC", cell_text(value)).strip()
    return _NUMBER.sub("", t).rstrip(":?*　 ").strip()


@dataclass(frozen=True)
class _Columns:
    row: int  # 0-based header row
    submitted: int
    roles: dict[str, int]
    answers: list[tuple[int, str]]  # (column, question)


def _columns(sheet: Sheet) -> _Columns | None:
    for r, labels in enumerate(head_labels(sheet)):
        if _SUBMITTED not in labels:
            continue
        roles: dict[str, int] = {}
        answers = []
        for c, value in enumerate(sheet.rows[r]):
            if labels[c] in _META or not labels[c]:
                continue
            q = question(value)
            role = _role(q)
            if role and role not in roles:
                roles[role] = c
            else:
                answers.append((c, q))
        return _Columns(r, labels.index(_SUBMITTED), roles, answers)
    return None


def _role(q: str) -> str:
    core = _POLITE.sub("", label(q))
    for role, words in _ROLES:
        if any(w in core for w in words):
            return role
    return ""


def identify(sheets: Sequence[Sheet]) -> int:
    best = 0
    for sheet in visible_sheets(sheets):
        cols = _columns(sheet)
        if cols is not None:
            best = max(best, 50 + (10 if "name" in cols.roles else 0) + len(cols.roles))
    return best


def extract(sheets: Sequence[Sheet], name: str) -> SignInFile:
    found = [(s, c) for s in visible_sheets(sheets) if (c := _columns(s)) is not None]
    if not found:
        raise UserError(f"文件 {name} 不是问卷星的答卷数据")
    sheet, cols = found[0]
    if "name" not in cols.roles:
        raise UserError(f"文件 {name} 是问卷星答卷，但没有问“姓名”的题目（第{cols.row + 1}行）。"
                        "请在问卷中加一道“您的姓名”填空题，或在 partyday.toml 中配置列名映射")
    _refuse_codes(sheet, cols, name)
    kept: dict[tuple[str, ...], tuple[int, SignInRow, object]] = {}
    seen: dict[tuple[str, ...], list[int]] = {}
    stamps = []
    for r in range(cols.row + 1, len(sheet.rows)):
        row = sheet.rows[r]
        raw = text(row, cols.roles["name"])
        if not raw:
            continue
        stamp = as_datetime(cell(row, cols.submitted))
        stamps.append(stamp)
        record = _record(row, r, sheet.name, cols)
        key = (name_key(raw), record.group_hint, record.branch_hint, record.phone_tail)
        seen.setdefault(key, []).append(r + 1)
        before = kept.get(key)
        if before is None or stamp is None or before[2] is None or stamp >= before[2]:
            kept[key] = (r, record, stamp)
    if not kept:
        raise UserError(f"文件 {name} 是问卷星答卷，但其中没有任何人填写姓名")
    warnings = [f"“{kept[k][1].raw_name}”提交了{len(rows)}次（第{'、'.join(map(str, rows))}行），"
                f"按最后一次（第{kept[k][0] + 1}行）计" for k, rows in seen.items() if len(rows) > 1]
    asked = question(sheet.rows[cols.row][cols.roles["status"]]) if "status" in cols.roles else ""
    warnings += [f"第{r + 1}行“{record.raw_name}”对“{asked}”的回答“{text(sheet.rows[r], cols.roles['status'])}”"
                 "看不出是否出席，按出席计；不对请用 partyday attend set 更正"
                 for r, record, _ in kept.values() if _unclear(text(sheet.rows[r], cols.roles.get("status")))]
    rows = tuple(record for _, record, _ in sorted(kept.values(), key=lambda v: v[0]))
    return SignInFile(LAYOUT, LAYOUT_ZH, common_date(stamps), rows, present_only=True,
                      warnings=tuple(warnings))


def _refuse_codes(sheet: Sheet, cols: _Columns, name: str) -> None:
    """A 问卷星 download 按选项序号 writes 1, 2 for 是, 否: which number is 参加 the file
    cannot say, so it is not guessed."""
    if "status" not in cols.roles:
        return
    c = cols.roles["status"]
    said = [t for r in range(cols.row + 1, len(sheet.rows)) if (t := text(sheet.rows[r], c))]
    if said and all(_CODE.match(t) for t in said):
        raise UserError(f"文件 {name} 是按“选项序号”下载的问卷星答卷：“{question(sheet.rows[cols.row][c])}”一题的"
                        f"回答是 {'、'.join(sorted(set(said)))} 这样的数字，看不出哪个表示参加。请在问卷星“下载答卷数据”"
                        "时选择“按选项文本下载”，再导入下载的文件；未导入任何内容")


def _unclear(said: str) -> bool:
    """An answer to the status question that is neither a status nor a way of coming."""
    if not said:
        return False
    found, _ = status_from_text(said)
    return found is None and not said.startswith(("否", "不", "未", "没")) and not any(w in said for w in _CAME)


def _record(row: Sequence[object], r: int, sheet: str, cols: _Columns) -> SignInRow:
    roles = cols.roles
    status, reason = "出席", ""
    said = text(row, roles.get("status"))
    if said:
        found, why = status_from_text(said)
        if found is None and said.startswith(("否", "不", "未", "没")):
            found, why = "缺席", ""
        status, reason = (found, why) if found else ("出席", "")
    given = text(row, roles.get("reason"))  # 请假原因 / 未参加原因: the reason in its own question
    if given and given not in ("(空)", "(跳过)") and status in ("请假", "缺席"):
        reason = given if not reason or reason in given else f"{reason}，{given}"
        if status == "缺席" and status_from_text(given)[0] == "请假":
            status = "请假"  # 否 + 原因 病假 / 出差: the reason says it was leave
    identity = visitor_word(text(row, roles.get("identity")))
    answers = tuple((q, text(row, c)) for c, q in cols.answers if text(row, c) not in ("", "(空)", "(跳过)"))
    return SignInRow(
        raw_name=text(row, roles["name"]), status=status, reason=reason or identity, sheet=sheet, row=r + 1,
        branch_hint=text(row, roles.get("branch")), group_hint=text(row, roles.get("group")),
        phone_tail=phone_tail(text(row, roles.get("phone"))), visitor=bool(identity), answers=answers,
    )
