"""Scheme presets (one per seed 实施方案) and the commented partyday.toml written by init."""

from __future__ import annotations

import json
import re
import tomllib
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from partyday_cli.errors import UserError

DEFAULT_SCHEME = "wanyuan-xiang"

# Names a user may type for a preset, besides its own.
ALIASES = {
    "9+3": "fupinban-9plus3",
    "5+x": "zhangdian-5plusx",
    "5+X": "zhangdian-5plusx",
    "三会一课": "shendingshan-zhen",
    "规定动作+自选动作": "qfnu-xueyuan",
}


def templates_dir() -> Path:
    """The shipped templates folder (inside the installed package)."""
    return Path(str(resources.files("partyday_cli.templates")))


@dataclass(frozen=True)
class Scheme:
    name: str
    title: str
    source: str
    data: dict[str, Any]


def scheme_names() -> list[str]:
    return sorted(p.stem for p in (templates_dir() / "schemes").glob("*.toml"))


def load_scheme(name: str) -> Scheme:
    key = ALIASES.get(name.strip(), name.strip())
    path = templates_dir() / "schemes" / f"{key}.toml"
    if not path.is_file():
        choices = "、".join(scheme_names())
        raise UserError(f"没有名为“{name}”的方案预设。可选：{choices}（也可写 9+3、5+X、三会一课）")
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    return Scheme(key, str(data.get("title", key)), str(data.get("source", "")), data)


def _q(value: object) -> str:
    """A TOML value: strings quoted (JSON escapes are valid TOML), numbers as they are."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, list):
        return "[" + ", ".join(_q(v) for v in value) + "]"
    return json.dumps(str(value), ensure_ascii=False)


PENDING = "待确认"
PENDING_HINT = f"确认（或改好）后删去该行的“{PENDING}”字样，partyday doctor 就不再列出"

# (key, value used until confirmed, what the scheme would have to say) for every key a
# scheme states. A key its text does not state is written with this value and 待确认.
# None as the value: nothing is assumed (no invented deadline).
_PLACEHOLDERS: dict[str, tuple[object, str]] = {
    "schedule.holiday_policy": ("nearest", "方案未写明遇节假日怎么办，暂按就近顺延或提前"),
    "schedule.week_def": ("nth", "方案未写明“第N周”怎么算，暂按第N个星期X"),
    "schedule.place": ("党员活动室", "活动地点请按本支部实际填写"),
    "schedule.time": ("15:00", "开始时间请按本支部实际填写"),
    "deadlines.plan_due": ("", "方案未写明年度活动安排表的报送期限，请向上级党组织确认后填写（如 \"04-12\"）"),
    "deadlines.record_within_workdays": (5, "方案未写明记实表几个工作日内填报，暂按5个工作日"),
    "deadlines.record_copies": (1, "方案未写明记实表一式几份，暂按一份"),
    "deadlines.notify_days_before": (3, "方案未写明提前几天通知党员，暂按3天"),
    "thresholds.attendance_rate": (0.8, "方案未写明到会率要求，暂按80%"),
    "thresholds.absences_talk": (3, "方案未写明缺席几次谈话提醒，暂按3次"),
    "thresholds.absences_unqualified": (4, "方案未写明缺席几次作为不合格党员处置参考，暂按4次"),
    "thresholds.consecutive_absences": (2, "方案未写明连续缺席几次算连续缺勤，暂按2次"),
    "thresholds.absences_count": ("unexcused", "方案未写明请假是否计入缺席次数，暂只计无故缺席"),
}
# keys whose absence from the text means "the scheme asks nothing": written, never 待确认
_NOT_REQUIRED: dict[str, tuple[object, str]] = {
    "deadlines.change_report_days": (0, "方案未要求改期报批（0 = 不要求）"),
    "themes.one_per_day": (False, "方案未限定每次活动的主题个数"),
    "dues.on_activity_day": (False, "方案未要求在活动当天交纳党费"),
    "lectures.secretary_yearly": (0, "方案未要求支部书记讲党课（0 = 不要求）"),
}
_KIND_HINTS = {
    "支部委员会": "monthly", "支部党员大会": "quarterly", "党小组会": "monthly", "党课": "yearly:4",
    "组织生活会": "yearly:1", "民主评议党员": "yearly:1",
}


def _line(reading, key: str, help_text: str, override: object = None) -> str:  # type: ignore[no-untyped-def]
    """One key of partyday.toml: the sentence it comes from above it, or 待确认 beside it."""
    leaf = key.split(".")[-1]
    if override is not None:
        return f"# 本支部在 partyday init 时指定（{help_text}）\n{leaf} = {_q(override)}"
    cite = reading.values.get(key)
    if cite is not None:
        return f"# 方案原文：“{cite.quote}”（{help_text}）\n{leaf} = {_q(cite.value)}"
    if key in _NOT_REQUIRED:
        value, why = _NOT_REQUIRED[key]
        return f"# {why}（{help_text}）\n{leaf} = {_q(value)}"
    value, why = _PLACEHOLDERS[key]
    return f"# {help_text}\n{leaf} = {_q(value)}  # {PENDING}：{why}"


def _read_back(policy_line: str) -> str:
    """The holiday_policy line with its value read in Chinese beside it (as the scheme says
    it), unless a 待确认 note is there already."""
    import tomllib

    from partyday_cli.core.policy import parse_policy

    *above, last = policy_line.split("\n")
    if "  # " in last:
        return policy_line
    try:
        said = parse_policy(tomllib.loads(last)["holiday_policy"]).describe()
    except (UserError, tomllib.TOMLDecodeError, KeyError):
        return policy_line
    return "\n".join([*above, f"{last}  # 即：{said}"])


def _kinds(reading) -> str:  # type: ignore[no-untyped-def]
    out = []
    for kind, cite in reading.kinds.items():
        out.append(f"# 方案原文：“{cite.quote}”\n{_q(kind)} = {_q(cite.value)}")
    for kind, spec in _KIND_HINTS.items():
        if kind not in reading.kinds:
            out.append(f"# {_q(kind)} = {_q(spec)}  # {PENDING}：方案未写明{kind}的频次；"
                       "上级另有规定时去掉行首的 # 并改成规定的频次")
    return "\n".join(out)


def render_config(scheme: Scheme, *, org: str, branch: str, rule: str | None = None,
                  policy: str | None = None) -> str:
    """The partyday.toml of a preset: its seed sentences read like a pasted scheme."""
    from partyday_cli.core.scheme_text import read_scheme

    reading = read_scheme(str(scheme.data.get("text", "")))
    catalogue = str(scheme.data.get("themes", {}).get("catalogue", ""))
    return render_reading(reading, title=scheme.title, source=scheme.source, catalogue=catalogue,
                          org=org, branch=branch, rule=rule, policy=policy)


def render_reading(reading, *, title: str, source: str, catalogue: str, org: str, branch: str,  # type: ignore[no-untyped-def]
                   rule: str | None = None, policy: str | None = None,
                   catalogue_pending: str = "") -> str:
    from partyday_cli.core.rules import parse_rules

    rule_cite = reading.values.get("schedule.rule")
    rules = parse_rules(rule) if rule else (parse_rules(str(rule_cite.value)) if rule_cite else ())
    if rule:
        rule_line = _line(reading, "schedule.rule", "活动日规则", rule)
    elif rule_cite is not None:
        rule_line = _line(reading, "schedule.rule", "活动日规则")
    else:
        rule_line = (f"# 活动日规则\nrule = \"month.once\"  # {PENDING}：方案未写明活动日是哪一天，"
                     "暂按每月一次、日期逐月填在下面的 [schedule.dates]")
    if rules and "  # " not in rule_line.splitlines()[-1]:  # the dotted form, read back in Chinese
        said = "、".join(r.describe() for r in rules)
        rule_line += f"  # 即：{said}；这一项也可以直接写中文，如 rule = \"每月第二周星期三\""
    once = bool(rules) and all(r.kind == "once" for r in rules)
    weeks = any(r.kind == "week" for r in rules)
    week_line = (_line(reading, "schedule.week_def", "“第N周”的算法：nth 第N个星期X；calendar 含1日的那周为"
                                                      "第1周；full 第一个完整周为第1周")
                 if weeks else "# “第N周”的算法（本方案的规则不用“第N周”）\nweek_def = \"nth\"")
    dates_note = (f'# "YYYY-MM" = "YYYY-MM-DD"  # {PENDING}：方案只规定每月开展一次，由党支部确定日期，'
                  "请逐月填写，如 \"2017-05\" = \"2017-05-12\"") if once else '# "2017-05" = "2017-05-12"'
    org_line = (f"name = {_q(org)}" + ("" if org != DEFAULT_ORG else
                                       f"  # {PENDING}：请填写党委（党总支）全称，出现在报表标题里"))
    branch_line = (f"name = {_q(branch)}" + ("" if branch != DEFAULT_BRANCH else
                                             f"  # {PENDING}：请填写党支部名称"))
    cat_line = (f"catalogue = {_q(catalogue)}  # {PENDING}：{catalogue_pending}" if catalogue_pending
                else f"catalogue = {_q(catalogue)}")
    return f"""# partyday 工作区配置
# 由 partyday init 按“{title}”生成（{source}）。
# 每一项上方的“方案原文”是它所依据的句子；方案没有写明的项标有“{PENDING}”，
# partyday doctor 会逐项列出。{PENDING_HINT}。
# 以 # 开头的是说明，可以删改。改完后运行 partyday doctor 检查，或直接运行 partyday calendar 年份 查看效果。

[org]
# 党委（党总支）名称，出现在报表标题里
{org_line}

[[branches]]
{branch_line}
# 上一行是党支部名称；党委有多个支部时，复制本段 [[branches]] 逐个填写
# 某个支部的规则与全局不同时，可在本段加 rule = "…"、holiday_policy = "…"

[schedule]
{rule_line}
{_read_back(_line(reading, "schedule.holiday_policy", "遇法定节假日、周末或重大活动怎么办：after-holiday[:N] 收假后N个工作日内、"
       "next-week 顺延一周、nearest 可顺延或提前、next-workday 顺延、prev-workday 提前、keep 不调整", policy))}
{week_line}
skip_months = []                 # 不安排活动的月份，如 [2, 8]（寒暑假）
avoid_makeup_days = false        # true：调休上班的周末也不安排活动
place = "党员活动室"  # {PENDING}：活动地点请按本支部实际填写
time = "15:00"  # {PENDING}：开始时间请按本支部实际填写

# 每月确定一天的方案：逐月写明日期，优先于上面的规则（仍会避开节假日）
[schedule.dates]
{dates_note}

# 重大活动：当天不安排活动，按节假日处理方式挪开，说明里写明原因。可写多段。
# [[schedule.blackout]]
# date = "2017-05-10"
# reason = "县党代会"

[themes]
# 主题目录：templates/themes/ 下的文件名，或自己的 .toml 文件路径（目录文件里逐条注明依据）
{cat_line}
{_line(reading, "themes.one_per_day", "true：每个活动日只排一个主题")}
# [themes.pins]                  # 把某个主题固定在某月，如 "7" = "党内关爱"

[thresholds]
{_line(reading, "thresholds.attendance_rate", "每次活动到会率不得低于，0.8 即 80%")}
{_line(reading, "thresholds.absences_talk", "全年缺席累计达此次数：谈话提醒")}
{_line(reading, "thresholds.absences_unqualified", "达此次数及以上：作为不合格党员处置参考")}
{_line(reading, "thresholds.absences_count", "unexcused 只计无故缺席；all 请假也计入不参加次数")}
{_line(reading, "thresholds.consecutive_absences", "连续缺席达此次数：连续缺勤")}
lapse_warn_months = 3            # 连续3个月不参加组织生活或不交党费：提前提醒（本程序的提醒，可改）
# 党章第九条：“党员如果没有正当理由，连续六个月不参加党的组织生活，或不交纳党费，或不做党所分配的工作，就被认为是自行脱党。”
lapse_flag_months = 6

[deadlines]
{_line(reading, "deadlines.plan_due", "年度活动安排表报送截止，月-日；空 = 不提醒")}
{_line(reading, "deadlines.record_within_workdays", "记实表在活动后几个工作日内填报")}
{_line(reading, "deadlines.record_copies", "记实表一式几份")}
{_line(reading, "deadlines.notify_days_before", "提前几天通知党员")}
{_line(reading, "deadlines.change_report_days", "改期须提前几天报上级党组织批准")}

[meeting_kinds]
# 三会一课等组织生活的频次要求：monthly 每月、quarterly 每季度、halfyearly 每半年、yearly:N 每年至少N次
{_kinds(reading)}

[lectures]
{_line(reading, "lectures.secretary_yearly", "支部书记（负责人）每年至少讲几次党课，按 meeting add --speaker 核对")}

[dues]
# 依据《关于中国共产党党费收缴、使用和管理的规定》（中组发〔2008〕3号）
farmer_monthly = "0.20"          # 农民党员每月党费（0.20–1.00），花名册“党费标准”列可逐人指定
reduced_monthly = "0.20"         # 学生、下岗失业、低保等
cap = "1000.00"                  # 每月应交上限（本人自愿多交不限）
quarterly_payment = false        # true：经支部同意按季度交纳，季度内不算欠交
{_line(reading, "dues.on_activity_day", "true：通知里写“本月党费请于活动当天交纳”，签到表加党费栏")}
"""


DEFAULT_ORG = "中共××委员会"
DEFAULT_BRANCH = "第一党支部"


def pending_keys(text: str) -> list[tuple[str, str]]:
    """The placeholders (待确认) of a partyday.toml text: ('[deadlines] plan_due', why)."""
    out = []
    section = ""
    for line in text.splitlines():
        head = re.match(r"^\s*\[+\s*([^\]]+?)\s*\]+\s*(?:#.*)?$", line)
        if head:
            section = head.group(1)
            continue
        m = re.match(rf"^\s*#?\s*(\"[^\"]+\"|[\w.\-]+)\s*=.*?#\s*{PENDING}[:：]\s*(.*)$", line)
        if m:
            out.append((f"[{section}] {m.group(1).strip(chr(34))}", m.group(2).strip()))
    return out


def read_scheme_file(path: Path) -> str:
    """The text of a pasted 实施方案: .txt (UTF-8 or GB18030) or .docx (its paragraphs and
    table cells, one a line, read from word/document.xml)."""
    from partyday_cli.io.files import read_bytes

    raw = read_bytes(path, "方案文件")  # a missing file, a folder, no permission: said in Chinese
    if path.suffix.lower() == ".docx":
        return _docx_text(path, raw)
    if path.suffix.lower() == ".doc":
        raise UserError(f"{path} 是旧版 Word（.doc）文件。请在 Word/WPS 中另存为 .docx 或 .txt 后重试")
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise UserError(f"{path} 不是文本文件。请把方案另存为 .txt（UTF-8）或 .docx 后重试")


def _docx_text(path: Path, raw: bytes) -> str:
    import io
    import zipfile
    from xml.etree import ElementTree

    w = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
    try:
        with zipfile.ZipFile(io.BytesIO(raw)) as archive:
            root = ElementTree.fromstring(archive.read("word/document.xml"))
    except (zipfile.BadZipFile, KeyError, ElementTree.ParseError):
        raise UserError(f"{path} 不是有效的 .docx 文件。请在 Word/WPS 中另存为 .docx 或 .txt 后重试") from None
    lines = []
    for para in root.iter(f"{w}p"):  # table cells hold paragraphs too: one line each
        text = "".join(t.text or "" for t in para.iter(f"{w}t"))
        if text.strip():
            lines.append(text)
    return "\n".join(lines)


def guess_catalogue(text: str) -> tuple[str, str]:
    """The shipped theme catalogue a scheme's text names, and why (empty: it names one)."""
    for words, name in (("5+X", "5+X"), ("5+x", "5+X"), ("9项“规定主题”", "9+3"), ("9个活动主题", "9+3"),
                        ("规定动作和自选动作", "guiding-zixuan"), ("集中交纳党费", "wuxiang-neirong")):
        if words in text:
            return name, ""
    # a scheme that is itself the rules of 三会一课 (seed 003: 三会一课:“三会”指定期召开支部党员大会…),
    # not one that only mentions them (most do)
    if re.search(r"[“\"]三会[”\"]指|三会一课\s*[:：]\s*[“\"]?三会", text):
        return "sanhui-yike", ""
    return "dangyuan-huodongri", ("方案没有列出主题目录，暂用通用的“党员活动日”主题目录；"
                                  "可改成 templates/themes/ 下的其他目录或自己的 .toml")
