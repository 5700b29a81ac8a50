"""Holiday policies: where an activity goes when its day is not a working day."""

from __future__ import annotations

import re
from dataclasses import dataclass

from partyday_cli.errors import UserError

POLICIES = ("after-holiday", "next-week", "nearest", "next-workday", "prev-workday", "keep")

POLICY_ZH = {
    "after-holiday": "逢法定节假日顺延至收假后{n}个工作日内",
    "next-week": "顺延一周",
    "nearest": "遇节假日可顺延或提前（就近）",
    "next-workday": "顺延至下一个工作日",
    "prev-workday": "提前至上一个工作日",
    "keep": "不调整",
}

# Checked in order: the longer phrases first, so 顺延一周 is not read as 顺延.
_ZH_POLICIES: list[tuple[str, re.Pattern[str]]] = [
    ("keep", re.compile(r"不(?:作|做)?调整|不顺延|照常(?:进行|开展)")),
    ("after-holiday", re.compile(
        r"收假后(?:的)?(?P<n>\d{1,2}|[一二两三四五六七八九十])?个?工作日|节后(?P<n2>\d|[一二三四五])?个?工作日")),
    ("next-week", re.compile(r"(?:顺延|推迟|延后)\s*[一1]\s*(?:周|个?星期|个?礼拜)|顺延至下周")),
    ("nearest", re.compile(r"顺延或提前|提前或顺延|就近")),
    ("prev-workday", re.compile(r"提前")),
    ("next-workday", re.compile(r"顺延|推迟|延后")),
]


# 提前N天 of a notice or an approval is a deadline, not "move the day earlier" (issue 13):
# 提前2——3天通知党员 / 必须提前5天报上级党组织批准备案.
_N = r"(?:\d{1,2}|[一二两三四五六七八九十]{1,2})"
_AHEAD = rf"提前\s*(?P<a>{_N})(?:\s*[—–\-~～至到]+\s*(?P<b>{_N}))?\s*(?:个工作日|天|日)"
NOTICE_AHEAD = re.compile(_AHEAD + r"[^。；;，,]{0,12}?(?:通知|告知)")
APPROVAL_AHEAD = re.compile(_AHEAD + r"[^。；;，,]{0,16}?(?:批准|报批|备案|报告|请示|审批)")


def ahead_days(text: str) -> tuple[str, int, str] | None:
    """('notify_days_before' | 'change_report_days', days, the phrase) for a notice or
    approval deadline stated in `text`; None when it states neither. 提前2——3天 → 3."""
    from partyday_cli.core.rules import zh_number

    for key, pattern in (("change_report_days", APPROVAL_AHEAD), ("notify_days_before", NOTICE_AHEAD)):
        m = pattern.search(text)
        if m:
            days = max(zh_number(m["a"]), zh_number(m["b"]) if m["b"] else 0)
            return key, days, m.group(0)
    return None


def _not_a_policy(text: str, found: tuple[str, int, str]) -> UserError:
    key, days, _ = found
    phrase = " ".join(text.split())
    what = ("提前几天通知党员的期限" if key == "notify_days_before"
            else "改期须提前几天报上级党组织批准的期限")
    return UserError(
        f"“{phrase}”是{what}，不是节假日处理方式，不能用作 -p/--holiday-policy。"
        f"请写在 partyday.toml 的 [deadlines] {key} = {days}（partyday init --from-text 会自动读取）；"
        "节假日处理方式请写如 顺延一周、收假后三个工作日内、可顺延或提前"
    )


@dataclass(frozen=True)
class Policy:
    name: str
    window: int = 3  # after-holiday: the working-day window the reason quotes

    @property
    def spec(self) -> str:
        if self.name == "after-holiday" and self.window != 3:
            return f"after-holiday:{self.window}"
        return self.name

    def describe(self) -> str:
        return POLICY_ZH[self.name].format(n=self.window)


def _bad_policy(text: str) -> UserError:
    text = " ".join(str(text).split())  # pasted text may hold line breaks: one line
    return UserError(
        f"无法识别节假日处理方式“{text}”。可用：after-holiday[:N]（逢法定节假日顺延至收假后"
        "三个工作日内）、next-week（顺延一周）、nearest（遇节假日可顺延或提前）、"
        "next-workday（顺延）、prev-workday（提前）、keep（不调整）"
    )


def parse_policy(text: str) -> Policy:
    """Parse `--holiday-policy`: a dotted name or the scheme's Chinese phrase."""
    raw = (text or "").strip()
    low = raw.lower()
    m = re.fullmatch(r"after-holiday(?::(\d{1,2}))?", low)
    if m:
        window = int(m.group(1) or 3)
        if window < 1:
            raise _bad_policy(raw)
        return Policy("after-holiday", window)
    if low in POLICIES:
        return Policy(low)
    found = find_policy(raw)
    if found is None:
        ahead = ahead_days(raw)
        raise _not_a_policy(raw, ahead) if ahead else _bad_policy(raw)
    span = _SPAN.search(APPROVAL_AHEAD.sub("", NOTICE_AHEAD.sub("", raw)))
    if span and not (span["how"] in ("顺延", "推迟", "延后") and span["n"] in ("一", "1") and span["unit"] != "天"):
        raise UserError(  # 顺延两周 / 提前一周 / 顺延3天: read as 顺延 / 提前, the day would be off by the span
            f"不支持节假日处理方式“{' '.join(raw.split())}”"
            f"{'' if span.group(0) == raw else f'（其中“{span.group(0)}”）'}：能按固定间隔移动的只有顺延一周"
            "（next-week）。请改用 顺延一周、收假后三个工作日内、可顺延或提前、顺延（下一个工作日）、提前（上一个工作日）之一，"
            "个别日期可在 partyday.toml 的 [schedule.dates] 里直接指定")
    return found


# a move by a stated span: only 顺延一周 is a policy; 顺延两周, 提前一周, 顺延3天 are not
_SPAN = re.compile(r"(?P<how>顺延|推迟|延后|提前)\s*(?P<n>\d{1,2}|[一二两三四五六七八九十])\s*(?P<unit>周|个星期|星期|个?礼拜|天|日)")


def find_policy(text: str) -> Policy | None:
    """The policy a Chinese sentence states, or None when it states none."""
    from partyday_cli.core.rules import zh_number

    text = APPROVAL_AHEAD.sub("", NOTICE_AHEAD.sub("", text))  # deadlines, not moves
    for name, pattern in _ZH_POLICIES:
        m = pattern.search(text)
        if not m:
            continue
        if name == "after-holiday":
            n = m.groupdict().get("n") or m.groupdict().get("n2")
            return Policy(name, zh_number(n) if n else 3)
        return Policy(name)
    return None
