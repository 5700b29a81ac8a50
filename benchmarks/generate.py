"""One synthetic 党委 workspace for every benchmark: many branches, a year of records.

`generate_workspace(root)` writes `partyday.toml` (one [[branches]] per branch) and a
`ledger.db` filled directly with SQL through the real schema (`open_ledger` migrates
it): one roster import (members, member_versions), a monthly activity per branch with
the themes `plan_themes` gives the year's dates, attendance rows with a realistic mix of
statuses (a few chronic absentees, exempt and transferred members) and a 党费 import
(`dues_payments`, a few members who stop paying). Deterministic for a given seed.

    python benchmarks/generate.py OUT_DIR [--branches 500] [--members 30000] [--year 2017] [--years 5]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import sys
import time
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蔡蒋余杜叶程苏魏吕丁任沈姚卢"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰红梅建国志海燕鹏飞辉云峰霞丹亮林宇浩"
GROUPS = ("第一党小组", "第二党小组", "第三党小组")
CATEGORIES = (("在职", 70), ("离退休", 15), ("农民", 8), ("学生", 3), ("下岗失业", 2), ("低保", 2))
STATUS_MIX = (("出席", 86), ("迟到", 3), ("早退", 2), ("请假", 5), ("缺席", 3), ("补学", 1))
CATALOGUE = "9+3"

CONFIG_HEAD = """# 基准测试用的合成党委工作区（benchmarks/generate.py 生成）
[org]
name = "中共××县××党委（合成数据）"

[schedule]
rule = "每月第二周星期三"
holiday_policy = "after-holiday:3"

[themes]
catalogue = "{catalogue}"

[thresholds]
attendance_rate = 0.8
absences_talk = 3
absences_unqualified = 4
consecutive_absences = 2
lapse_warn_months = 3
lapse_flag_months = 6

[deadlines]
record_within_workdays = 5

[meeting_kinds]
"主题党日" = "monthly"
"支部委员会" = "monthly"
"支部党员大会" = "quarterly"
"党小组会" = "monthly"
"党课" = "yearly:4"
"组织生活会" = "yearly:1"
"民主评议党员" = "yearly:1"

[dues]
farmer_monthly = "0.20"
reduced_monthly = "0.20"
cap = "1000.00"
quarterly_payment = false
"""


def _weighted(rng: random.Random, table: tuple[tuple[str, int], ...]) -> str:
    return rng.choices([k for k, _ in table], weights=[w for _, w in table])[0]


def _second_wednesday(year: int, month: int) -> date:
    first = date(year, month, 1)
    return first + timedelta(days=(2 - first.weekday()) % 7 + 7)


def _config(branches: list[str]) -> str:
    parts = [CONFIG_HEAD.format(catalogue=CATALOGUE)]
    parts += [f'[[branches]]\nname = "{name}"\n' for name in branches]
    return "\n".join(parts)


def _member_rows(rng: random.Random, branches: list[str], members: int, year: int) -> list[dict]:
    """One dict per member with the member_versions columns."""
    sizes = [rng.randint(20, 100) for _ in branches]
    scale = members / sum(sizes)
    sizes = [max(3, int(s * scale)) for s in sizes]
    sizes[-1] += members - sum(sizes)
    out = []
    for branch, size in zip(branches, sizes, strict=True):
        for k in range(size):
            n = len(out) + 1
            category = _weighted(rng, CATEGORIES)
            income = override = None
            if category == "在职":  # a few high incomes: the 1000.00 monthly cap
                income = f"{rng.randint(55000, 80000) if rng.random() < 0.005 else rng.randint(1800, 16000)}.00"
            elif category == "离退休":
                income = f"{rng.randint(1500, 9000)}.00"
            elif category == "农民" and rng.random() < 0.3:
                override = "1.00"  # 党费标准 set by the branch (0.20–1.00)
            joined = date(rng.randint(1965, year - 1), rng.randint(1, 12), rng.randint(1, 28))
            roll = rng.random()
            transferred_out = exempt_from = None
            if roll < 0.01:
                joined = date(year, rng.randint(2, 11), rng.randint(1, 28))  # 预备党员 this year
            elif roll < 0.02:
                transferred_out = date(year, rng.randint(3, 11), 1)
            elif roll < 0.03:
                exempt_from = date(year - 1, 1, 1)
            out.append({
                "name": rng.choice(SURNAMES) + "".join(rng.choices(GIVEN, k=rng.randint(1, 2))),
                "branch": branch, "group_name": GROUPS[k % 3], "gender": rng.choice("男女"),
                "birth_date": date(rng.randint(1940, 1998), rng.randint(1, 12), rng.randint(1, 28)),
                "party_status": "预备" if joined.year == year else "正式", "joined": joined,
                "category": category, "phone": f"139{n:08d}", "id_number": f"51300119800101{n:04d}",
                "income": income, "dues_override": override, "transferred_out": transferred_out,
                "exempt_from": exempt_from,
                "exempt_reason": "年老体弱" if exempt_from else "", "source_row": k + 3,
                "chronic": rng.random() < 0.02, "stops_paying": rng.random() < 0.01,
            })
    return out


def _is_member_on(m: dict, day: date) -> bool:
    return m["joined"] <= day and (m["transferred_out"] is None or day < m["transferred_out"])


def _status(rng: random.Random, m: dict, day: date) -> str:
    if m["exempt_from"] is not None and day >= m["exempt_from"]:
        return "免参加"
    if m["chronic"]:
        return "缺席" if rng.random() < 0.55 else "出席"
    return _weighted(rng, STATUS_MIX)


def _day(value: date | None) -> str | None:
    return value.isoformat() if value else None


def _fill_ledger(path: Path, branches: list[str], people: list[dict], year: int, seed: int,
                 years: int = 1) -> dict:
    from partyday_cli.core.dues import DuesPolicy
    from partyday_cli.store.ledger import open_ledger

    rng = random.Random(seed * 7919 + 1)
    policy = DuesPolicy()
    counts = {"attendance": 0, "payments": 0}
    with open_ledger(path) as ledger:
        conn = ledger.conn
        conn.execute("PRAGMA synchronous = OFF")
        with ledger.transaction():
            for k, y in enumerate(range(year, year + years)):
                _fill_year(ledger, branches, people, y, seed, rng, policy, counts, first=k == 0)
        conn.execute("PRAGMA optimize")
    return counts


def _fill_year(ledger, branches: list[str], people: list[dict], year: int, seed: int,  # type: ignore[no-untyped-def]
               rng: random.Random, policy, counts: dict, *, first: bool) -> None:
    """One year: a roster import on 1 January (everyone listed again, as a 党委 does each
    year), the year's activities with their sign-in files and attendance, a 党费 import."""
    from partyday_cli.core.dues import monthly_standard, months_due
    from partyday_cli.core.members import Member
    from partyday_cli.core.themes import plan_themes
    from partyday_cli.io.themes import load_catalogue
    from partyday_cli.store.dues import save_standards

    conn = ledger.conn
    dates = [_second_wednesday(year, month) for month in range(1, 13)]
    items = plan_themes(dates, load_catalogue(CATALOGUE)).items
    stamp = f"{year}-01-05T09:00:00+08:00"
    ids = []
    for kind, effective in (("roster", f"{year}-01-01"), ("dues", None)):
        sha = hashlib.sha256(f"{kind}-{seed}".encode() if first else f"{kind}-{seed}-{year}".encode()).hexdigest()
        ids.append(conn.execute("INSERT INTO imports (kind, sha256, original_name, imported_at, effective_date,"
                                " rows) VALUES (?,?,?,?,?,?)",
                                (kind, sha, f"合成{kind}.xlsx", stamp, effective, len(people))).lastrowid)
    roster_id, dues_id = ids
    if first:
        conn.executemany(
            "INSERT INTO members (id, key, name, branch, first_import_id) VALUES (?,?,?,?,?)",
            ((i, f"{m['name']}|{m['branch']}|{m['group_name']}|{m['phone'][-4:]}", m["name"],
              m["branch"], roster_id) for i, m in enumerate(people, start=1)))
    conn.executemany(
        "INSERT INTO member_versions (member_id, import_id, present, name, branch, group_name,"
        " gender, birth_date, party_status, joined, category, phone, id_number, income,"
        " dues_override, transferred_out, exempt_from, exempt_reason, source_row)"
        " VALUES (?,?,1,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
        ((i, roster_id, m["name"], m["branch"], m["group_name"], m["gender"],
          _day(m["birth_date"]), m["party_status"] if first else "正式", _day(m["joined"]), m["category"],
          m["phone"], m["id_number"], m["income"], m["dues_override"], _day(m["transferred_out"]),
          _day(m["exempt_from"]), m["exempt_reason"], m["source_row"])
         for i, m in enumerate(people, start=1)))
    save_standards(ledger, roster_id, policy)  # as `partyday roster import` does
    activity_ids: dict[tuple[str, date], int] = {}
    for branch in branches:
        for item in items:
            activity_ids[(branch, item.date)] = conn.execute(
                "INSERT INTO activities (branch, date, planned, theme, kinds, content, form,"
                " rule, record_filed_on) VALUES (?,?,?,?,?,?,?,?,?)",
                (branch, item.date.isoformat(), item.date.isoformat(),
                 "、".join(item.themes), json.dumps(list(item.kinds), ensure_ascii=False),
                 item.content, item.form, "month.week2.wed",
                 (item.date + timedelta(days=rng.choice((2, 3, 6, 14)))).isoformat())).lastrowid
    files = []  # one sign-in file per activity, as `attend import` leaves them
    for (branch, day), activity_id in activity_ids.items():
        sha = hashlib.sha256(f"signin-{seed}-{activity_id}".encode()).hexdigest()
        import_id = conn.execute(
            "INSERT INTO imports (kind, sha256, original_name, imported_at, effective_date, rows)"
            " VALUES ('attendance',?,?,?,?,0)",
            (sha, f"{branch}{day:%m月}签到表.xlsx", stamp, day.isoformat())).lastrowid
        files.append((import_id, activity_id))
    conn.executemany("INSERT INTO attendance_files (import_id, activity_id, layout, present_only)"
                     " VALUES (?,?,'manual',1)", files)
    rows = []
    for mid, m in enumerate(people, start=1):
        for day in dates:
            if _is_member_on(m, day):
                rows.append((activity_ids[(m["branch"], day)], mid, _status(rng, m, day)))
    conn.executemany("INSERT INTO attendance (activity_id, member_id, status, source)"
                     " VALUES (?,?,?,'合成数据')", rows)
    counts["attendance"] += len(rows)
    payments = []
    for mid, m in enumerate(people, start=1):
        member = Member(m["name"], m["branch"], category=m["category"], joined=m["joined"],
                        income=Decimal(m["income"]) if m["income"] else None,
                        dues_override=Decimal(m["dues_override"]) if m["dues_override"] else None,
                        transferred_out=m["transferred_out"])
        monthly = str(monthly_standard(member, policy).monthly)
        stop = rng.randint(2, 9) if m["stops_paying"] else 13
        for key in months_due(member, year, date(year, 12, 31)):
            month = int(key[5:7])
            if month >= stop or rng.random() < 0.01:
                continue
            paid_on = dates[month - 1]
            if rng.random() < 0.003:  # 补交 months later
                paid_on = min(paid_on + timedelta(days=rng.choice((40, 100, 220))), date(year, 12, 31))
            amount = monthly if rng.random() > 0.002 else str((Decimal(monthly) / 2).quantize(Decimal("0.01")))
            payments.append((mid, key, amount, paid_on.isoformat(), dues_id))
    conn.executemany("INSERT INTO dues_payments (member_id, month, amount, paid_on,"
                     " source_import_id) VALUES (?,?,?,?,?)", payments)
    counts["payments"] += len(payments)


def generate_workspace(root: Path, branches: int = 500, members: int = 30000, year: int = 2017,
                       seed: int = 1, years: int = 1) -> Path:
    """A fresh synthetic workspace in `root` (its ledger replaced), of `years` years from
    `year` on (the same members, a roster import each 1 January); returns `root`."""
    root = Path(root)
    root.mkdir(parents=True, exist_ok=True)
    for name in ("ledger.db", "ledger.db-wal", "ledger.db-shm"):
        (root / name).unlink(missing_ok=True)
    rng = random.Random(seed)
    names = [f"第{i:03d}党支部" for i in range(1, branches + 1)]
    (root / "partyday.toml").write_text(_config(names), encoding="utf-8")
    people = _member_rows(rng, names, members, year)
    counts = _fill_ledger(root / "ledger.db", names, people, year, seed, years)
    (root / "GENERATED.json").write_text(json.dumps(
        {"branches": branches, "members": members, "year": year, "years": years, "seed": seed, **counts}),
        encoding="utf-8")
    return root


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("out", type=Path)
    parser.add_argument("--branches", type=int, default=500)
    parser.add_argument("--members", type=int, default=30000)
    parser.add_argument("--year", type=int, default=2017)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--years", type=int, default=1, help="years from --year on (5: 2017–2021, ~1.8 M rows)")
    args = parser.parse_args()
    start = time.perf_counter()
    generate_workspace(args.out, args.branches, args.members, args.year, args.seed, args.years)
    info = json.loads((args.out / "GENERATED.json").read_text(encoding="utf-8"))
    print(f"generated {args.out}: {info} in {time.perf_counter() - start:.1f} s", file=sys.stderr)


if __name__ == "__main__":
    main()
