"""Random and mutated input for the notice parser, the rule and policy parsers and the
sign-in readers: every case ends in a result or one Chinese error line, never a traceback
(SPEC §10). tests/conftest.py sets PARTYDAY_RAISE=1, so a bug raises here and fails loudly.

Complements tests/test_notice.py (character edits of notices) with line- and
number-level edits and generated notices, and adds the rest.
"""

from __future__ import annotations

import io
import json
import re
import shutil
import tempfile
import zipfile
from datetime import date, datetime, timedelta
from pathlib import Path

import openpyxl
import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from partyday_cli.cli.main import app
from partyday_cli.core.attendance import SignInFile
from partyday_cli.core.holiday import Arrangement
from partyday_cli.core.policy import Policy, parse_policy
from partyday_cli.core.rules import WEEK_DEFS, parse_rules
from partyday_cli.core.schedule import ScheduleRequest, build_schedule
from partyday_cli.errors import UserError
from partyday_cli.io.holidays import work_calendar
from partyday_cli.io.notice import parse_notice
from partyday_cli.io.signin import read_sheets, read_signin
from partyday_cli.io.workbook import Sheet, read_grid

REPO = Path(__file__).resolve().parents[1]
NOTICES = REPO.parent / "shared" / "holiday-notices"
NOTICE_TEXTS = ([p.read_text(encoding="utf-8") for p in sorted(NOTICES.glob("*.txt"))]
                if NOTICES.is_dir() else [])
SAMPLE = REPO / "sample_data" / "workspace"
GOLDEN = Path(__file__).parent / "golden" / "signin"
CHINESE = re.compile(r"[\u4e00-\u9fff]")

needs_notices = pytest.mark.skipif(not NOTICE_TEXTS, reason="shared/holiday-notices is missing")


def fuzz(examples: int) -> settings:
    return settings(max_examples=examples, deadline=timedelta(seconds=10),  # issue 14: < 10 s an input
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


runner = CliRunner()


def one_line(exc: UserError) -> str:
    """A user error is one Chinese line (problems, if any, each one line too)."""
    for line in exc.lines():
        assert line and "\n" not in line, exc.lines()
    assert CHINESE.search(exc.message), exc.message
    assert "Traceback" not in exc.message
    event("refused: " + re.sub(r"[\w.-]*\.(?:xlsx|xls|csv|txt)\S*|\d+", "…", exc.message)[:24])
    return exc.message


def _signin_sources() -> list[tuple[str, bytes, dict]]:
    """(name, bytes, read options) of every real-shaped sign-in file the repository holds."""
    out = []
    for path in sorted(GOLDEN.iterdir()):
        if path.suffix in {".xlsx", ".xls", ".csv"}:
            expected = json.loads(path.with_name(path.name.rsplit(".", 1)[0] + ".expected.json")
                                  .read_text("utf-8"))
            out.append((path.name, path.read_bytes(), expected.get("read_with", {})))
    out += [(p.name, p.read_bytes(), {}) for p in sorted((SAMPLE / "签到").iterdir())]
    return out


SIGNINS = _signin_sources()


# --------------------------------------------------------------------------- the notice parser


def _parses_or_refuses(text: str, year: int | None = None) -> None:
    try:
        result = parse_notice(text, year=year)
    except UserError as exc:
        one_line(exc)
    else:
        assert isinstance(result, Arrangement)
        assert result.days_off
        event("parsed")


_SWAPS = [("至", "—"), ("—", "至"), ("（", "("), ("）", ")"), ("星期", "周"), ("放假", "上班"), ("上班", "放假"),
          ("调休", "补休"), ("共", "计"), ("、", "，"), ("。", ""), ("\n", ""), ("日", "号"), ("月", "-")]
_NUMBER = re.compile(r"\d+|[一二三四五六七八九十]+")


def _edit_notice(text: str, other: str, op: str, a: int, b: int) -> str:
    lines = text.split("\n")
    i, j = a % len(lines), b % len(lines)
    if op == "delete-line":
        del lines[i]
    elif op == "duplicate-line":
        lines.insert(j, lines[i])
    elif op == "swap-lines":
        lines[i], lines[j] = lines[j], lines[i]
    elif op == "splice":  # a line of another year's notice
        theirs = other.split("\n")
        lines.insert(i, theirs[b % len(theirs)])
    elif op == "number":  # one number changed: a day, a month, 共N天, a year
        found = list(_NUMBER.finditer(text))
        if found:
            m = found[a % len(found)]
            replacement = str(b % 40) if m.group().isdigit() else "一二三四五六七八九十"[b % 10]
            return text[: m.start()] + replacement + text[m.end():]
    elif op == "swap-word":
        old, new = _SWAPS[a % len(_SWAPS)]
        hits = [m.start() for m in re.finditer(re.escape(old), text)]
        if hits:
            at = hits[b % len(hits)]
            return text[:at] + new + text[at + len(old):]
    elif op == "truncate":
        return text[: a % (len(text) + 1)]
    elif op == "amend":  # an amendment notice after it
        return text + "\n" + other
    return "\n".join(lines)


NOTICE_OPS = st.sampled_from(["delete-line", "duplicate-line", "swap-lines", "splice", "number", "swap-word",
                              "truncate", "amend"])


@needs_notices
@fuzz(150)
@given(st.integers(0, len(NOTICE_TEXTS) - 1 if NOTICE_TEXTS else 0), st.integers(0, 100),
       st.lists(st.tuples(NOTICE_OPS, st.integers(0, 10**6), st.integers(0, 10**6)), min_size=1, max_size=5),
       st.one_of(st.none(), st.integers(2000, 2035)))
def test_mutated_notices_give_an_arrangement_or_one_line(which, other, edits, year):
    text = NOTICE_TEXTS[which]
    for op, a, b in edits:
        text = _edit_notice(text, NOTICE_TEXTS[other % len(NOTICE_TEXTS)], op, a, b)
    _parses_or_refuses(text, year)


_HOLIDAYS = ["元旦", "春节", "清明节", "劳动节", "端午节", "中秋节", "国庆节", "中秋节、国庆节", "植树节"]


@st.composite
def generated_notices(draw) -> str:
    """Notices that look right: items of the usual shape with dates, weekdays and counts
    that may or may not agree."""
    year = draw(st.integers(2000, 2040))
    wd = st.sampled_from("一二三四五六日天")
    brackets = draw(st.sampled_from([("（", "）"), ("(", ")")]))

    def day_text() -> str:
        month, day = draw(st.integers(0, 13)), draw(st.integers(0, 33))
        note = draw(st.sampled_from(["", "星期", "周", "农历除夕、星期"]))
        tail = f"{brackets[0]}{note}{draw(wd)}{brackets[1]}" if note else ""
        prefix = draw(st.sampled_from(["", f"{year}年", f"{year + 1}年"]))
        return f"{prefix}{month}月{day}日{tail}"

    items = []
    for k in range(draw(st.integers(1, 7))):
        name = draw(st.sampled_from(_HOLIDAYS))
        first = day_text()
        span = draw(st.sampled_from(["", f"至{day_text()}", f"—{day_text()}"]))
        extra = draw(st.sampled_from(["放假调休", "放假", "放假，与周末连休", "放假，不调休"]))
        count = draw(st.sampled_from(["", f"，共{draw(st.integers(0, 9))}天"]))
        makeup = draw(st.sampled_from(["", f"。{day_text()}上班", f"。{day_text()}、{day_text()}上班",
                                       f"。{day_text()}补休"]))
        items.append(f"{'一二三四五六七八'[k]}、{name}：{first}{span}{extra}{count}{makeup}。")
    header = draw(st.sampled_from(["", f"国务院办公厅关于{year}年部分节假日安排的通知\n"]))
    return header + "\n".join(items)


@fuzz(150)
@given(generated_notices(), st.one_of(st.none(), st.integers(1990, 2100)))
def test_generated_notices_give_an_arrangement_or_one_line(text, year):
    _parses_or_refuses(text, year)


# --------------------------------------------------------------------------- rules and policies

RULE_SEEDS = [
    "每月第二周星期三", "每月第二周、第四周的星期五", "每月农历十五", "农历每月初一", "每月第一个星期五",
    "每月最后一个星期五", "每月15日", "每月第一个工作日", "每月最后一个工作日", "每月第2周周三", "每月第３周礼拜天",
    "month.week2.wed", "month.week2.fri,month.week4.fri", "month.first.fri", "month.last.fri", "month.day15",
    "month.workday1", "month.lastworkday", "lunar.day15", "lunar.day30", "month.day31", "month.week5.sun",
    "每月第二周星期三确定为全乡“党员活动日”,逢国家法定节假日顺延至收假后三个工作日内进行",
]
RULE_ALPHABET = ("每月第一二三四五六七八九十廿卅两零〇初周星期礼拜天个的、，,和及与最后工作日号农历"
                 "0123456789０１２３４５.monthweekdayfirstlastworkdaylunar montuewedthufrisatsun:-")
DOTTED_PARTS = ["month", "lunar", "week0", "week1", "week5", "week6", "day0", "day1", "day29", "day31", "day32",
                "workday0", "workday23", "workday24", "first", "last", "lastworkday", "wed", "WED", "sun", "xyz", ""]
POLICY_SEEDS = [
    "after-holiday", "after-holiday:5", "after-holiday:0", "after-holiday:99", "next-week", "nearest",
    "next-workday", "prev-workday", "keep", "逢法定节假日顺延至收假后三个工作日内", "顺延一周", "遇节假日可顺延或提前",
    "顺延", "提前", "不调整", "节后3个工作日", "收假后十个工作日内",
]
POLICY_ALPHABET = "逢法定节假日顺延至收假后三个工作日内一周可或提前就近不调整照常进行节0123456789:-afterholidaynextweek "

_CAL = work_calendar([], allow_provisional=False)


@st.composite
def mutated(draw, seeds: list[str], alphabet: str) -> str:
    """A seed phrase with characters inserted, deleted or replaced, or two seeds joined."""
    text = draw(st.sampled_from(seeds))
    if draw(st.booleans()):
        text += draw(st.sampled_from([",", "、", "，", "和", " "])) + draw(st.sampled_from(seeds))
    for _ in range(draw(st.integers(0, 4))):
        at = draw(st.integers(0, len(text)))
        char = draw(st.sampled_from(alphabet))
        text = draw(st.sampled_from([text[:at] + char + text[at:], text[:at] + text[at + 1:],
                                     text[:at] + char + text[at + 1:]]))
    return text


RULE_TEXT = st.one_of(
    mutated(RULE_SEEDS, RULE_ALPHABET),
    st.lists(st.sampled_from(DOTTED_PARTS), min_size=1, max_size=4).map(".".join),
    st.lists(st.lists(st.sampled_from(DOTTED_PARTS), min_size=2, max_size=3).map(".".join),
             min_size=1, max_size=3).map(",".join),
    st.text(alphabet=RULE_ALPHABET, max_size=30),
    st.text(max_size=20),
)
POLICY_TEXT = st.one_of(mutated(POLICY_SEEDS, POLICY_ALPHABET), st.text(alphabet=POLICY_ALPHABET, max_size=20),
                        st.text(max_size=15))


def _schedule_or_refuse(rules, policy: Policy) -> None:  # type: ignore[no-untyped-def]
    """Every week reading for week rules (the others do not depend on it)."""
    for week_def in WEEK_DEFS if any(r.kind == "week" for r in rules) else ("nth",):
        try:
            days = build_schedule(ScheduleRequest(year=2017, rules=rules, policy=policy, week_def=week_def), _CAL)
        except UserError as exc:
            one_line(exc)
        else:
            assert all(d.date.year in (2016, 2017, 2018) for d in days)
            event("scheduled")


@fuzz(200)
@given(RULE_TEXT)
def test_rule_phrases_give_rules_or_one_line_and_the_rules_give_a_2017_schedule(text):
    try:
        rules = parse_rules(text)
    except UserError as exc:
        one_line(exc)
        return
    assert rules
    _schedule_or_refuse(rules, Policy("after-holiday"))


@fuzz(150)
@given(POLICY_TEXT, st.sampled_from(["month.week2.wed", "month.first.fri", "month.day1", "month.lastworkday"]))
def test_policy_phrases_give_a_policy_or_one_line_and_it_moves_2017(text, rule):
    try:
        policy = parse_policy(text)
    except UserError as exc:
        one_line(exc)
        return
    assert isinstance(policy, Policy) and policy.describe()
    _schedule_or_refuse(parse_rules(rule), policy)


# --------------------------------------------------------------------------- the sign-in readers


def _read(data: bytes, name: str, options: dict) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / name
        path.write_bytes(data)
        try:
            result = read_signin(path, **options)
        except UserError as exc:
            one_line(exc)
        else:
            assert isinstance(result, SignInFile)
            event(f"read: {result.layout}")
        assert path.read_bytes() == data  # the input is never modified


def _mutate_bytes(data: bytes, other: bytes, op: str, a: int, b: int, value: int) -> bytes:
    n = len(data)
    at = a % (n + 1)
    if op == "flip":
        return data[:at] + bytes([(data[at] ^ (value or 1)) if at < n else value]) + data[at + 1:]
    if op == "truncate":
        return data[:at]
    if op == "splice":  # the head of one file and the tail of another
        return data[:at] + other[b % (len(other) + 1):]
    if op == "insert":
        return data[:at] + bytes([value]) * (1 + b % 8) + data[at:]
    if op == "delete":
        return data[:at] + data[at + 1 + b % 64:]
    if op == "duplicate":
        return data[:at] + data[at:at + 1 + b % 256] + data[at:]
    return data


BYTE_OPS = st.sampled_from(["flip", "truncate", "splice", "insert", "delete", "duplicate"])
SUFFIXES = st.sampled_from(["", "", "", ".csv", ".xlsx", ".xls", ".txt"])


@fuzz(200)
@given(st.integers(0, len(SIGNINS) - 1), st.integers(0, len(SIGNINS) - 1),
       st.lists(st.tuples(BYTE_OPS, st.integers(0, 10**6), st.integers(0, 10**6), st.integers(0, 255)),
                min_size=1, max_size=4), SUFFIXES)
def test_mutated_signin_bytes_read_or_refuse(which, other, edits, suffix):
    name, data, options = SIGNINS[which]
    for op, a, b, value in edits:
        data = _mutate_bytes(data, SIGNINS[other][1], op, a, b, value)
    _read(data, name + suffix if suffix else name, options)


CSV_TEXT = st.lists(st.lists(st.one_of(st.text(max_size=10), st.sampled_from(
    ["姓名", "签名", "备注", "序号", "√", "病假", "迟到", "时间：2017年4月12日", "张伟", "用户昵称（入会昵称）",
     "入会时间", "提交答卷时间", "签到时间", "2017-04-12 15:00:00"])), max_size=8), max_size=12)


@fuzz(100)
@given(st.one_of(st.binary(max_size=3000),
                 st.tuples(CSV_TEXT, st.sampled_from([",", "\t", ";"]), st.sampled_from(["utf-8", "utf-8-sig", "gbk"]))
                 .map(lambda t: "\r\n".join(t[1].join(row) for row in t[0]).encode(t[2], errors="replace"))),
       st.sampled_from(["签到.csv", "签到.xlsx", "签到.xls", "签到.txt", "签到"]))
def test_random_files_read_or_refuse(data, name):
    _read(data, name, {})


XLSX = [(name, data, options) for name, data, options in SIGNINS if data.startswith(b"PK")]
XML_SWAPS = [(b'"', b"'"), (b"<c ", b"<c t=\"s\" "), (b't="s"', b't="n"'), (b't="s"', b't="e"'),
             (b"<v>", b"<v>9999"), (b"<v>", b"<v>-"), (b"<v>", b"<v>1E+300"), (b"</row>", b""),
             (b'r="A', b'r="XFD1048576'), (b'r="', b'r="Z'), (b"ref=\"", b"ref=\"A1:"), (b"<mergeCell ", b""),
             (b"<si><t>", b"<si><t>\xe7\xbc\xba\xe5\xb8\xad"), (b"</t>", b"\xe8\xaf\xb7\xe5\x81\x87</t>"),
             (b"<t>", b"<t xml:space=\"preserve\"> "), (b"count=\"", b"count=\"9")]


@fuzz(80)
@given(st.integers(0, max(len(XLSX) - 1, 0)),
       st.lists(st.tuples(st.integers(0, 10**6), st.integers(0, len(XML_SWAPS) - 1), st.integers(0, 10**6)),
                min_size=1, max_size=4))
def test_xlsx_with_mutated_xml_reads_or_refuses(which, edits):
    """The zip stays whole and the edits land inside the sheet XML, where calamine and the
    readers see them (a byte flip in a zip mostly stops at its checksum)."""
    name, data, options = XLSX[which]
    with zipfile.ZipFile(io.BytesIO(data)) as source:
        members = {info.filename: source.read(info) for info in source.infolist()}
    xml = sorted(n for n in members if n.startswith("xl/") and n.endswith(".xml"))
    for pick, swap, at in edits:
        target = xml[pick % len(xml)]
        old, new = XML_SWAPS[swap]
        content = members[target]
        hits = [m.start() for m in re.finditer(re.escape(old), content)]
        if hits:
            start = hits[at % len(hits)]
            members[target] = content[:start] + new + content[start + len(old):]
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dest:
        for member, content in members.items():
            dest.writestr(member, content)
    _read(out.getvalue(), name, options)


def _grid(name: str, data: bytes) -> list[Sheet]:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / name
        path.write_bytes(data)
        return read_grid(path)


GRIDS = [(name, _grid(name, data), options) for name, data, options in SIGNINS]

CELL = st.one_of(
    st.just(""), st.text(max_size=12),
    st.sampled_from(["姓名", "签名", "备注", "序号", "党小组", "状态", "√", "×", "病假", "迟到", "早退", "缺席", "免参加",
                     "入党积极分子", "列席", "应到30人，实到3人", "时间：2017年2月30日", "时间：2017年4月12日（星期三）",
                     "用户昵称（入会昵称）", "首次入会时间", "累计参会时长", "提交答卷时间", "1、您的姓名：", "签到时间",
                     "2017/04/12 星期三", "25:61", "1小时", "-5分钟", "张伟", "张伟（一组）", "王芳#第二党小组"]),
    st.integers(-10**6, 10**7), st.floats(allow_nan=True, allow_infinity=True),
    st.just("9999999999999999999999999999"), st.just(10**28), st.just("-15.00"), st.just("1e400"),
    st.dates(date(1899, 12, 30), date(2100, 1, 1)), st.datetimes(datetime(1900, 1, 1), datetime(2100, 1, 1)),
    st.times(), st.booleans(), st.just(timedelta(minutes=95)),
)


@st.composite
def mutated_grid(draw) -> tuple[str, list[Sheet], dict]:
    name, sheets, options = draw(st.sampled_from(GRIDS))
    return name, _mutate_sheets(draw, sheets), options


def _mutate_sheets(draw, sheets: list[Sheet]) -> list[Sheet]:  # type: ignore[no-untyped-def]
    """A copy of `sheets` with cells changed, rows moved, dropped, duplicated or widened."""
    sheets = [Sheet(s.name, [list(r) for r in s.rows], s.merged, s.visible) for s in sheets]
    for _ in range(draw(st.integers(1, 6))):
        sheet = sheets[draw(st.integers(0, len(sheets) - 1))]
        rows = sheet.rows
        op = draw(st.sampled_from(["cell", "cell", "cell", "delete-row", "duplicate-row", "swap-rows",
                                   "insert-row", "truncate", "widen"]))
        if not rows:
            rows.append([draw(CELL)])
            continue
        r = draw(st.integers(0, len(rows) - 1))
        if op == "cell":
            row = rows[r]
            c = draw(st.integers(0, len(row)))
            if c < len(row):
                row[c] = draw(CELL)
            else:
                row.append(draw(CELL))
        elif op == "delete-row":
            del rows[r]
        elif op == "duplicate-row":
            rows.insert(draw(st.integers(0, len(rows))), list(rows[r]))
        elif op == "swap-rows":
            s = draw(st.integers(0, len(rows) - 1))
            rows[r], rows[s] = rows[s], rows[r]
        elif op == "insert-row":
            rows.insert(r, draw(st.lists(CELL, max_size=8)))
        elif op == "truncate":
            del rows[r:]
        elif op == "widen":
            rows[r] = rows[r] + [""] * draw(st.integers(0, 30)) + [draw(CELL)]
    return sheets


@fuzz(200)
@given(mutated_grid())
def test_mutated_grids_read_or_refuse(case):
    """The readers on sheets with cells changed, rows moved or dropped: what calamine would
    hand them from a file someone edited by hand."""
    name, sheets, options = case
    try:
        result = read_sheets(sheets, name, **options)
    except UserError as exc:
        one_line(exc)
    else:
        assert isinstance(result, SignInFile)
        event(f"read: {result.layout}")


# --------------------------------------------------------------------------- end to end


def run_cli(*args: str):  # type: ignore[no-untyped-def]
    result = runner.invoke(app, list(args), catch_exceptions=False)
    assert result.exit_code in (0, 1, 2), (args, result.exit_code, result.output)
    text = result.stdout + result.stderr
    assert "Traceback" not in text
    if result.exit_code == 1:
        errors = [line for line in result.stderr.splitlines() if line.startswith(("错误", "["))
                  and "错误" in line]
        assert len(errors) == 1, result.stderr
        assert CHINESE.search(errors[0])
        # besides warnings about the data (注意：…), at most the error and a summary line
        assert len([line for line in result.stderr.splitlines() if not line.startswith("注意")]) <= 2, result.stderr
    return result


@needs_notices
@fuzz(40)
@given(st.integers(0, len(NOTICE_TEXTS) - 1 if NOTICE_TEXTS else 0), st.integers(0, 100),
       st.lists(st.tuples(NOTICE_OPS, st.integers(0, 10**6), st.integers(0, 10**6)), max_size=3),
       st.sampled_from([[], ["--year", "2017"], ["--year", "1800"]]))
def test_cli_holidays_import(which, other, edits, year):
    text = NOTICE_TEXTS[which]
    for op, a, b in edits:
        text = _edit_notice(text, NOTICE_TEXTS[other % len(NOTICE_TEXTS)], op, a, b)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "节假日通知.txt"
        path.write_text(text, encoding="utf-8")
        run_cli("holidays", "import", str(path), *year)


@fuzz(40)
@given(RULE_TEXT, st.sampled_from([[], ["-p", "next-week"], ["--week-def", "full"], ["--week-def", "calendar"],
                                   ["-f", "json"]]))
def test_cli_calendar_with_a_fuzzed_rule(rule, extra):
    run_cli("calendar", "2017", f"--rule={rule}", *extra)


@pytest.fixture(scope="module")
def workspace(tmp_path_factory) -> Path:
    """The sample branch with its roster imported and 2017 planned."""
    base = tmp_path_factory.mktemp("fuzzws")
    ws = base / "ws"
    with pytest.MonkeyPatch.context() as mp:  # the per-test isolation is not up yet at module scope
        mp.setenv("PARTYDAY_DATA_DIR", str(base / "userdata"))
        mp.setenv("PARTYDAY_RAISE", "1")
        mp.setenv("NO_COLOR", "1")
        shutil.copytree(SAMPLE, ws)
        assert runner.invoke(app, ["roster", "import", str(ws / "roster.xlsx"), "--as-of", "2017-01-05",
                                   "-w", str(ws)]).exit_code == 0
        assert runner.invoke(app, ["plan", "2017", "-w", str(ws)]).exit_code == 0
    return ws


@fuzz(40)
@given(st.integers(0, len(SIGNINS) - 1),
       st.lists(st.tuples(BYTE_OPS, st.integers(0, 10**6), st.integers(0, 10**6), st.integers(0, 255)),
                max_size=3), st.sampled_from([[], ["--date", "2017-04-12"], ["--dry-run"]]))
def test_cli_attend_import_of_a_mutated_file(workspace, which, edits, extra):
    name, data, _ = SIGNINS[which]
    for op, a, b, value in edits:
        data = _mutate_bytes(data, data, op, a, b, value)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / name
        path.write_bytes(data)
        run_cli("attend", "import", str(path), *extra, "-w", str(workspace))
        assert path.read_bytes() == data
    from partyday_cli.store.ledger import open_ledger

    with open_ledger(workspace / "ledger.db") as ledger:
        assert ledger.integrity_ok()



# ------------------------------------------------- the roster, the 党费台账 and templates

ROSTER_SHEETS = _grid("roster.xlsx", (SAMPLE / "roster.xlsx").read_bytes())
DUES_SHEETS = _grid("台账.xlsx", (SAMPLE / "2017党费台账.xlsx").read_bytes())


@fuzz(120)
@given(st.data())
def test_mutated_rosters_read_into_members_or_problems(data):
    """The sample 花名册 edited by hand (cells, rows, 28-digit incomes): members with sane
    amounts and dates, or problems, each one Chinese line."""
    from partyday_cli.core.amounts import AMOUNT_LIMIT
    from partyday_cli.io import roster

    sheets = _mutate_sheets(data.draw, ROSTER_SHEETS)
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(roster, "read_grid", lambda path: sheets)
        try:
            result = roster.read_roster(Path("花名册.xlsx"))
        except UserError as exc:
            one_line(exc)
            return
    for problem in result.problems:
        assert "\n" not in str(problem) and CHINESE.search(str(problem))
    for member in result.members:
        for amount in (member.income, member.dues_override):
            assert amount is None or abs(amount) < AMOUNT_LIMIT


@fuzz(120)
@given(st.data(), st.sampled_from([None, 2017, 2016]))
def test_mutated_dues_ledgers_read_or_refuse(data, year):
    from partyday_cli.io import dues_ledger

    sheets = _mutate_sheets(data.draw, DUES_SHEETS)
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(dues_ledger, "read_grid", lambda path: sheets)
        try:
            result = dues_ledger.read_dues_ledger(Path("台账.xlsx"), year)
        except UserError as exc:
            one_line(exc)
            return
    for problem in result.problems:
        assert "\n" not in str(problem) and CHINESE.search(str(problem))


JINJA_PARTS = st.sampled_from([
    "{{ org }}", "{{ members|length }}", "{{ 'x' * n }}", "{{ 'x'|center(n) }}", "{{ n ** n }}",
    "{% for m in members %}{{ m }}{% endfor %}", "{% for i in range(n) %}{{ i }}{% endfor %}",
    "{% macro f(k) %}{{ f(k) }}{% endmacro %}{{ f(1) }}", "{{ '{:>%d}'.format(1) }}", "{{ '%%%ds'|format(1) }}",
    "{{ (org * n)|replace('中', org * n) }}", "{{ org.ljust(n) }}", "{{ n|filesizeformat }}",
    "{{ members|join(org * n) }}", "{{ lipsum(n) }}", "{{ org[n:] }}", "{{ undefined_name }}", "{{ org.__class__ }}",
    "{% if %}", "文字", "{{ ", "}}",
])


@fuzz(60)
@given(st.lists(JINJA_PARTS, min_size=1, max_size=4), st.sampled_from([1, 40, 32768, 10**6, 10**10, -5]))
def test_fuzzed_template_cells_render_or_refuse_naming_the_cell(parts, n):
    """Hostile and careless template cells: a workbook or one line naming sheet and cell,
    each within seconds (the deadline) and without building huge values."""
    from partyday_cli.io.xltemplate import CELL_LIMIT, TemplateError, render_workbook

    text = "".join(parts).replace("%d", str(n))
    book = openpyxl.Workbook()
    book.active.title = "表"
    book.active["B3"] = text
    buffer = io.BytesIO()
    book.save(buffer)
    try:
        out = render_workbook(buffer.getvalue(), {"org": "中共某委员会", "members": ["甲", "乙"], "n": n},
                              template_name="t.xlsx")
    except TemplateError as exc:
        one_line(exc)
        assert "工作表“表”B3 单元格" in exc.message, exc.message
        return
    value = openpyxl.load_workbook(io.BytesIO(out)).active["B3"].value
    assert value is None or len(str(value)) <= CELL_LIMIT


# ------------------------------------------------------------ every year and date option

YEAR_TEXT = st.one_of(st.integers(-10**25, 10**25).map(str), st.integers(1900, 2300).map(str),
                      st.sampled_from(["0", "2017", "99999", "12345678901234567890", "-1", "1921", "2200"]))
DAY_TEXT = st.one_of(
    st.tuples(st.integers(0, 10**5), st.integers(0, 13), st.integers(0, 32)).map(lambda t: f"{t[0]:04d}-{t[1]:02d}-{t[2]:02d}"),
    st.sampled_from(["9999-12-31", "0001-01-01", "2017-02-29", "2017-04-12", "2017年4月12日", "2200-12-31"]),
    st.text(max_size=12),
)
YEAR_COMMANDS = [
    ["report", "annual", "--year"], ["report", "quarterly", "--quarter", "2", "--year"],
    ["report", "member", "高峰", "--year"], ["dues", "standard", "--year"], ["dues", "report", "--year"],
    ["attend", "list", "--year"], ["plan"], ["calendar"], ["holidays", "show"],
]
DAY_COMMANDS = [
    ["record"], ["attend", "list", "--date"], ["dues", "report", "--year", "2017", "--as-of"],
    ["roster", "list", "--date"], ["signsheet"], ["remind", "--today"], ["export", "monthly", "--month"],
    ["export", "monthly", "--month", "2017-04", "--today"],
]


@fuzz(60)
@given(st.sampled_from(YEAR_COMMANDS), YEAR_TEXT)
def test_every_year_option_gives_a_result_or_one_line(workspace, command, year):
    run_cli(*command, year, "-w", str(workspace))


@fuzz(60)
@given(st.sampled_from(DAY_COMMANDS), DAY_TEXT)
def test_every_date_option_gives_a_result_or_one_line(workspace, command, day):
    if command[-1] == "--month":
        day = day[:7]
    with tempfile.TemporaryDirectory() as folder:
        extra = ["-o", str(Path(folder) / "out.xlsx")] if command[0] in ("record", "signsheet") else []
        run_cli(*command, day, *extra, "-w", str(workspace))
