"""Reading a 实施方案's sentences into partyday.toml keys, each with the words it came from.

The presets (templates/schemes/*.toml) quote their seed's sentences; `partyday init
--from-text` passes a whole pasted scheme. Both go through `read_scheme`, so a preset is
derived from its text exactly as a user's own scheme would be. A key no sentence states
is not guessed here: the renderer writes it as a placeholder (待确认).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from partyday_cli.core.policy import ahead_days, find_policy
from partyday_cli.core.rules import Rule, parse_rules, rules_spec, zh_number
from partyday_cli.errors import UserError


@dataclass(frozen=True)
class Cite:
    value: object
    quote: str


@dataclass
class Reading:
    values: dict[str, Cite] = field(default_factory=dict)  # "deadlines.plan_due" → Cite
    kinds: dict[str, Cite] = field(default_factory=dict)  # [meeting_kinds]: kind → Cite
    used: list[str] = field(default_factory=list)  # the sentences something was read from
    unplaced: list[str] = field(default_factory=list)  # rule-like sentences nothing read
    # a key stated twice with different values (two schemes pasted as one): the later ones
    conflicts: dict[str, list[Cite]] = field(default_factory=dict)

    def put(self, key: str, value: object, quote: str) -> None:
        first = self.values.setdefault(key, Cite(value, quote))
        if first.value != value and all(c.value != value for c in self.conflicts.get(key, ())):
            self.conflicts.setdefault(key, []).append(Cite(value, quote))

    def kind(self, kind: str, spec: str, quote: str) -> None:
        self.kinds.setdefault(kind, Cite(spec, quote))


_SENTENCE_END = re.compile(r"[。；;！!？?\n]+")
_CLAUSE_END = "，,。；;：:\n"
_N = r"(?:\d{1,3}|[一二两三四五六七八九十]{1,3})"
# a sentence that states a rule of some kind: reported when nothing could be read from it
_RULE_LIKE = re.compile(rf"每月|每年|每季度|每半年|每周|提前|不得低于|不低于|工作日内|顺延|累计|{_N}\s*次")
KINDS_IN_TABLE = ("支部委员会", "支部党员大会", "党小组会", "党课", "组织生活会", "主题党日", "民主评议党员")


def sentences(text: str) -> list[str]:
    """The text cut into sentences (full stops, semicolons, line breaks), blanks dropped."""
    text = text.translate(str.maketrans("０１２３４５６７８９　", "0123456789 "))
    return [s.strip() for s in _SENTENCE_END.split(text) if s.strip()]


def _clause(sentence: str, start: int, end: int) -> str:
    """The clause(s) of `sentence` holding [start, end): what a comment quotes."""
    left = max((sentence.rfind(c, 0, start) for c in _CLAUSE_END), default=-1) + 1
    rights = [i for c in _CLAUSE_END if (i := sentence.find(c, end)) != -1]
    return sentence[left:min(rights) if rights else len(sentence)].strip()


def _ratio(text: str) -> float:
    return int(text) / 100


# --------------------------------------------------------------------------- readers

_ATTENDANCE = re.compile(r"(?:出勤率|到会率|参会率|参学率)[^。；]{0,20}?不(?:得)?低于[^。；\d]{0,12}?(\d{2})\s*[%％]")
_RECORD = re.compile(rf"(?:活动|会议)(?:开展|结束)?后\s*({_N})\s*个工作日内[^。；]{{0,6}}?(?:填写|填报|报送)"
                     r"[^。；]{0,30}?(?:记实表|纪实表|记录)(?:[^。；]{0,4}一式(两|二|三|四|\d)份)?")
_PLAN_DUE = re.compile(r"(?:在|于)?\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日(?:前|之前)[^。；]{0,40}?"
                       r"(?:安排表|计划|活动安排)[^。；]{0,10}?报")
_ABSENCE = re.compile(rf"(不参加活动|无故缺席|缺席|不参加)[^。；]{{0,4}}?累计\s*({_N})\s*次[^。；]{{0,30}}?谈话"
                      rf"(?:[^。]{{0,40}}?({_N})\s*次及以上)?")
_UNQUALIFIED = re.compile(rf"({_N})\s*次及以上的?[，,]?[^。；]{{0,10}}?作为[^。；]{{0,20}}?不合格党员")
_UNEXCUSED = re.compile(r"无故(?:迟到、早退，?或)?不参加活动|无故缺席")
_ONE_THEME = re.compile(r"以?每(次|月)一(?:个)?主题的形式")
_SEVERAL_THEMES = re.compile(r"每次可确定一个或几个主题")
_DUES_ON_DAY = re.compile(r"(?:在活动日当天|活动当天)[^。；]{0,80}?(?:交纳|缴纳|交齐)党费"
                          r"|主题党日[:：][^。；]{0,30}?交纳党费")
_HALF_YEAR_LIFE = re.compile(r"年中、年底召开专题组织生活会|组织生活类活动[^。；]{0,6}?每半年开展一次")
_YEARLY_LESSON = re.compile(r"每年[^。；]{0,12}?至少讲一次党课")
_YEARLY_REVIEW = re.compile(r"民主评议类活动[^。；]{0,20}?每年进行一次")
_TABLE_FREQ = re.compile(r"^(?:1|一)\s*(月|季度|年)\s*(?:/\s*次|不少于\s*(\d+)\s*次)$")


def _read_rule(reading: Reading, s: str) -> bool:
    if "每月" not in s:
        return False
    try:
        rules = parse_rules(s)
    except UserError:
        return False
    quote = s
    for clause in re.split(r"[，,]", s):
        try:
            if "每月" in clause and parse_rules(clause) == rules:
                quote = clause.strip()
                break
        except UserError:
            continue
    if rules[0].kind == "once":
        reading.values.setdefault("schedule.rule.once", Cite(rules_spec(rules), quote))
    else:
        reading.put("schedule.rule", rules_spec(rules), quote)
    return True


def _read_policy(reading: Reading, s: str) -> bool:
    if not re.search(r"节假日|重大活动|特殊情况", s):
        return False
    found = find_policy(s)
    if found is None:
        return False
    m = re.search(r"(?:逢|遇|如遇)[^。；]*?(?:顺延|提前|推迟|延后)[^，,。；]*", s)
    reading.put("schedule.holiday_policy", found.spec, _clause(s, m.start(), m.end()) if m else s)
    return True


def _read_match(reading: Reading, s: str, pattern: re.Pattern[str], fill) -> bool:  # type: ignore[no-untyped-def]
    m = pattern.search(s)
    if not m:
        return False
    fill(m, _clause(s, m.start(), m.end()))
    return True


def read_sentence(reading: Reading, s: str) -> bool:
    """Every key `s` states goes into `reading`; True when it stated any."""
    hit = _read_rule(reading, s)
    hit = _read_policy(reading, s) or hit
    ahead = ahead_days(s)
    if ahead:
        key, days, phrase = ahead
        at = s.find(phrase)
        reading.put(f"deadlines.{key}", days, _clause(s, at, at + len(phrase)))
        hit = True

    def record(m: re.Match[str], q: str) -> None:
        reading.put("deadlines.record_within_workdays", zh_number(m[1]), q)
        if m[2]:
            reading.put("deadlines.record_copies", zh_number(m[2]), q)

    def absences(m: re.Match[str], q: str) -> None:
        reading.put("thresholds.absences_talk", zh_number(m[2]), q)
        if m[3]:
            reading.put("thresholds.absences_unqualified", zh_number(m[3]), q)
        reading.put("thresholds.absences_count", "unexcused" if "无故" in m[1] else "all", q)

    def once_kind(kind: str, spec: str):  # type: ignore[no-untyped-def]
        return lambda m, q: reading.kind(kind, spec, q)

    hit = _read_match(reading, s, _ATTENDANCE,
                      lambda m, q: reading.put("thresholds.attendance_rate", _ratio(m[1]), q)) or hit
    hit = _read_match(reading, s, _RECORD, record) or hit
    hit = _read_match(reading, s, _PLAN_DUE, lambda m, q: reading.put(
        "deadlines.plan_due", f"{int(m[1]):02d}-{int(m[2]):02d}", q)) or hit
    hit = _read_match(reading, s, _ABSENCE, absences) or hit
    hit = _read_match(reading, s, _UNQUALIFIED, lambda m, q: reading.put(
        "thresholds.absences_unqualified", zh_number(m[1]), q)) or hit
    hit = _read_match(reading, s, _UNEXCUSED,
                      lambda m, q: reading.put("thresholds.absences_count", "unexcused", q)) or hit
    hit = _read_match(reading, s, _ONE_THEME,
                      lambda m, q: reading.put("themes.one_per_day", True, q)) or hit
    hit = _read_match(reading, s, _SEVERAL_THEMES,
                      lambda m, q: reading.put("themes.one_per_day", False, q)) or hit
    hit = _read_match(reading, s, _DUES_ON_DAY,
                      lambda m, q: reading.put("dues.on_activity_day", True, q)) or hit
    hit = _read_match(reading, s, _HALF_YEAR_LIFE, once_kind("组织生活会", "halfyearly")) or hit
    hit = _read_match(reading, s, _YEARLY_LESSON, once_kind("党课", "yearly:1")) or hit
    hit = _read_match(reading, s, _YEARLY_LESSON,
                      lambda m, q: reading.put("lectures.secretary_yearly", 1, q)) or hit
    hit = _read_match(reading, s, _YEARLY_REVIEW, once_kind("民主评议党员", "yearly:1")) or hit
    return hit


def _read_table(reading: Reading, lines: list[str]) -> set[int]:
    """A 实施细则 table pasted as one cell a line (seed 003): a kind's name, then within a
    few lines its 频率 (1月/次, 1季度/次, 1年不少于4次, 一年/次). The lines used."""
    used: set[int] = set()
    for i, line in enumerate(lines):
        if line not in KINDS_IN_TABLE:
            if _read_table_row(reading, line):
                used.add(i)
            continue
        for j in range(i + 1, min(i + 5, len(lines))):
            m = _TABLE_FREQ.match(lines[j].replace(" ", ""))
            if m:
                unit, n = m[1], m[2]
                spec = {"月": "monthly", "季度": "quarterly"}.get(unit) or f"yearly:{n or 1}"
                reading.kind(line, spec, f"{line}……{lines[j]}")
                used.update({i, j})
                break
            if lines[j] in KINDS_IN_TABLE:
                break
    return used


def _read_table_row(reading: Reading, line: str) -> bool:
    """The same table tidied to one row a line: 支部委员会：……，1月/次，会议记录。"""
    name, sep, rest = line.replace(":", "：").partition("：")
    if not sep or name.strip() not in KINDS_IN_TABLE:
        return False
    for clause in re.split(r"[，,。；;]", rest):
        m = _TABLE_FREQ.match(clause.replace(" ", ""))
        if m:
            unit, n = m[1], m[2]
            spec = {"月": "monthly", "季度": "quarterly"}.get(unit) or f"yearly:{n or 1}"
            reading.kind(name.strip(), spec, f"{name.strip()}……{clause.strip()}")
            return True
    return False


def read_scheme(text: str) -> Reading:
    """What a scheme's text states, key by key, and which rule-like sentences it could not place."""
    reading = Reading()
    lines = [ln.strip() for ln in text.translate(str.maketrans("　", " ")).splitlines() if ln.strip()]
    table_lines = _read_table(reading, lines)
    table_text = {lines[i] for i in table_lines}
    for s in sentences(text):
        if s in table_text or any(s in t for t in table_text):  # a row read as the table's
            continue
        if read_sentence(reading, s):
            reading.used.append(s)
        elif _RULE_LIKE.search(s) and len(s) <= 200:
            reading.unplaced.append(s)
    reading.used += [lines[i] for i in sorted(table_lines)]
    once = reading.values.pop("schedule.rule.once", None)
    if "schedule.rule" not in reading.values:
        table = reading.kinds.get("主题党日")
        if once is not None:
            reading.values["schedule.rule"] = once
        elif table is not None and table.value == "monthly":
            reading.values["schedule.rule"] = Cite("month.once", table.quote)
    rule = reading.values.get("schedule.rule")
    if rule is not None:
        reading.kind("主题党日", "monthly", rule.quote)
    return reading


def rules_of(reading: Reading) -> tuple[Rule, ...]:
    rule = reading.values.get("schedule.rule")
    return parse_rules(str(rule.value)) if rule else ()
