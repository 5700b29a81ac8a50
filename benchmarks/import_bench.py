"""`partyday attend import` of a folder of sign-in files against python-calamine alone.

Builds, in a temporary folder and from a fixed seed, a 党委 workspace through the real
commands (`partyday init`, `partyday roster import` of a 花名册 with 3 branches × 150
members, `partyday plan`) and N sign-in files of about 150 rows each, spread over the
year's activity dates and branches, in every layout `tests/factories.py` writes: hand
sheets (one column with 党小组, two halves), 腾讯会议 xlsx and csv, 问卷星, 企业微信, 钉钉
and a GBK CSV saved by Windows Excel. Then, interleaved so machine noise hits both alike:

- the floor: a fresh Python that reads every file with python-calamine
  (`CalamineWorkbook.from_path`, `to_python()` of every sheet; CSVs with `open` and the
  csv module, since calamine reads no CSV) and does nothing else, start-up included;
- the product: `partyday attend import <folder>` on a fresh copy of the workspace,
  start-up included.

Prints the median of each, files per second, product / floor (target ≤ 2), the product's
peak RSS (target < 300 MB at 6,000 files) and the load average before and after. Also
prints a digest of the ledger's attendance, which must not change between versions of
the importer (compare it before and after an optimisation: `--source` times another
checkout, e.g. `git archive HEAD~3 | tar -x -C /tmp/old`, on the same files).

The floor is short (well under a second), so it moves with the machine's load more
than the product does; read the ratio with the runs printed beside it.

    python benchmarks/import_bench.py [--files 500] [--rows 150] [--runs 3] [--keep DIR] [--source DIR]
                                      [--baseline DIR]

`--baseline DIR` also times the partyday of another checkout (e.g. `git archive 1fb55b8 |
tar -x -C /tmp/old`) on the same files, interleaved with the other two, on a workspace
that checkout builds itself (an older ledger version opens nothing newer), and prints
product / baseline beside the two ratios to the floor.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests import factories  # noqa: E402

YEAR = 2017
BRANCHES = ("机关第一党支部", "机关第二党支部", "机关第三党支部")
SHORT = {"机关第一党支部": "机关一支部", "机关第二党支部": "机关二支部", "机关第三党支部": "机关三支部"}
GROUPS = ("第一党小组", "第二党小组", "第三党小组")
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蔡蒋余杜叶程苏魏吕丁任沈姚卢"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰红梅建国志海燕鹏飞辉云峰丹亮林宇浩文斌"
LAYOUTS = ("hand", "hand_halves", "tencent_xlsx", "tencent_csv", "wjx", "wecom", "dingtalk", "hand_csv_gbk")
LEAVE_WORDS = ("病假", "事假", "出差", "迟到", "早退")

FLOOR = r'''
import csv, json, sys
from python_calamine import CalamineWorkbook

cells = 0
for path, encoding in json.load(open(sys.argv[1], encoding="utf-8")):
    if encoding is None:
        book = CalamineWorkbook.from_path(path)
        for name in book.sheet_names:
            for row in book.get_sheet_by_name(name).to_python():
                cells += len(row)
    else:
        with open(path, encoding=encoding, newline="") as handle:
            for row in csv.reader(handle):
                cells += len(row)
print(cells)
'''


# --------------------------------------------------------------------------- the workspace


SOURCE: Path | None = None  # --source: run partyday from this checkout instead


def partyday() -> list[str]:
    if SOURCE is not None:
        return [sys.executable, "-P", "-m", "partyday_cli"]  # -P: not the current folder's partyday_cli
    exe = Path(sys.executable).parent / "partyday"
    if exe.exists():
        return [str(exe)]
    found = shutil.which("partyday")
    return [found] if found else [sys.executable, "-m", "partyday_cli"]


def env() -> dict[str, str]:
    out = dict(os.environ)
    if SOURCE is not None:
        out["PYTHONPATH"] = str(SOURCE)
    return out


def run(cmd: list[str], **kwargs) -> subprocess.CompletedProcess:  # type: ignore[no-untyped-def, type-arg]
    result = subprocess.run(cmd, capture_output=True, text=True, env=env(), **kwargs)
    if result.returncode != 0:
        sys.exit(f"failed ({result.returncode}): {' '.join(cmd)}\n{result.stdout}\n{result.stderr}")
    return result


def roster_people(rng: random.Random, per_branch: int) -> list[dict]:
    """Members with names unique across the 党委 (same-name members would make a file's
    branch a matter of luck, not of the importer)."""
    seen: set[str] = set()
    out = []
    for branch in BRANCHES:
        for k in range(per_branch):
            while True:
                name = rng.choice(SURNAMES) + "".join(rng.choices(GIVEN, k=rng.choice((1, 2, 2))))
                if name not in seen:
                    seen.add(name)
                    break
            n = len(out) + 1
            joined = date(rng.randint(1970, YEAR - 1), rng.randint(1, 12), rng.randint(1, 28))
            out.append({"name": name, "branch": branch, "group": GROUPS[k * 3 // per_branch],
                        "gender": rng.choice("男女"), "born": f"{rng.randint(1945, 1995)}.{rng.randint(1, 12):02d}",
                        "joined": joined, "category": rng.choice(("在职", "在职", "在职", "离退休", "农民")),
                        "phone": f"139{n:08d}", "income": rng.randint(1800, 12000)})
    return out


def write_roster(path: Path, people: list[dict]) -> None:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "花名册"
    ws.append(["机关党委党员花名册"])
    ws.merge_cells("A1:L1")
    ws.append(["序号", "姓名", "性别", "出生年月", "所在支部", "党小组", "党员类别", "入党时间", "人员类别",
               "联系电话", "月收入", "备注"])
    for i, m in enumerate(people, start=1):
        income = m["income"] if m["category"] == "在职" else ""
        ws.append([i, m["name"], m["gender"], m["born"], m["branch"], m["group"], "正式",
                   m["joined"].strftime("%Y.%m.%d"), m["category"], m["phone"], income, ""])
    wb.save(path)


def build_workspace(ws: Path, people: list[dict]) -> dict[str, list[date]]:
    cmd = partyday()
    run([*cmd, "init", str(ws), "--branch", BRANCHES[0], "--org", "中共××县××机关委员会"])
    config = ws / "partyday.toml"
    text = config.read_text(encoding="utf-8")
    first = f'[[branches]]\nname = "{BRANCHES[0]}"'
    assert first in text, "partyday init wrote an unexpected partyday.toml"
    more = "".join(f'\n\n[[branches]]\nname = "{b}"' for b in BRANCHES[1:])
    config.write_text(text.replace(first, first + more, 1), encoding="utf-8")
    write_roster(ws / "roster.xlsx", people)
    run([*cmd, "roster", "import", "roster.xlsx", "--as-of", f"{YEAR}-01-01", "-w", str(ws)], cwd=ws)
    run([*cmd, "plan", str(YEAR), "-w", str(ws)], cwd=ws)
    conn = sqlite3.connect(ws / "ledger.db")
    try:
        rows = conn.execute("SELECT branch, date FROM activities ORDER BY branch, date").fetchall()
    finally:
        conn.close()
    dates: dict[str, list[date]] = {}
    for branch, day in rows:
        dates.setdefault(branch, []).append(date.fromisoformat(day))
    return dates


# --------------------------------------------------------------------------- the sign-in files


def typo(rng: random.Random, name: str) -> str:
    """A name as someone mistyped it (one character changed), unknown to the roster."""
    k = rng.randrange(1, len(name))
    return name[:k] + rng.choice("晓小永德") + name[k + 1:]


def write_signin(folder: Path, i: int, layout: str, branch: str, day: date, members: list[dict],
                 rng: random.Random, rows: int) -> tuple[Path, str | None]:
    """One file; (path, text encoding for a CSV or None for a workbook)."""
    names = [m["name"] for m in members][:rows]
    groups = {m["name"]: m["group"] for m in members}
    absent = set(rng.sample(names, k=rng.randint(2, max(3, len(names) // 12))))
    came = [n for n in names if n not in absent]
    notes = {n: rng.choice(LEAVE_WORDS) for n in rng.sample(sorted(absent), k=len(absent) // 2)}
    if i % 4 == 0:  # somebody typed their name wrong
        came.append(typo(rng, came[rng.randrange(len(came))]))
    title = f"{branch}“党员活动日”签到表"
    start = datetime.combine(day, datetime.min.time()) + timedelta(hours=14, minutes=30)
    stem = f"{i:04d} {branch} {day:%m%d}"
    if layout in ("hand", "hand_halves"):
        path = folder / f"{stem} 签到表.xlsx"
        factories.handwritten_xlsx(path, title=title, date=day, names=names, statuses={**{n: "缺席" for n in absent},
                                   **notes}, two_halves=layout == "hand_halves",
                                   groups=groups if layout == "hand" else None)
        return path, None
    if layout == "hand_csv_gbk":
        path = folder / f"{stem} 签到表.csv"
        factories.handwritten_csv(path, title=title, date=day, names=names,
                                  statuses={**{n: "缺席" for n in absent}, **notes}, groups=groups)
        return path, "gbk"
    if layout in ("tencent_xlsx", "tencent_csv"):
        def nick(n: str, k: int) -> str:
            return f"{n}-{SHORT[branch]}" if k % 3 == 0 else n

        people = []
        for k, n in enumerate(came):
            a = start + timedelta(minutes=rng.randint(-10, 20))
            b = start + timedelta(minutes=rng.randint(70, 110))
            spans = [(a, b)] if k % 37 != 5 else [(a, a + timedelta(minutes=30)), (a + timedelta(minutes=35), b)]
            people.append((nick(n, k), spans))
        if layout == "tencent_xlsx":
            path = folder / f"{stem} 腾讯会议参会明细.xlsx"
            factories.tencent_meeting_xlsx(path, topic=f"{branch}{day.month}月党员活动日", start=start,
                                           participants=people, meeting_no=f"{800 + i} {315 + i % 7} 470")
            return path, None
        path = folder / f"{stem} 腾讯会议.csv"
        factories.tencent_meeting_csv(path, topic=f"{branch}{day.month}月党员活动日", start=start,
                                      participants=people, meeting_no=f"{800 + i} 315 470")
        return path, "utf-8-sig"
    if layout == "wjx":
        subs = [(start + timedelta(minutes=rng.randint(-20, 10), seconds=rng.randint(0, 59)), n,
                 {"所在党小组": groups.get(n, ""), "本月党费是否已交纳": rng.choice(("是", "是", "是", "否"))})
                for n in came]
        path = folder / f"{stem} 问卷星签到.xlsx"
        factories.wjx_xlsx(path, title=f"{day.month}月党员活动日签到", submissions=subs)
        return path, None
    records = [(n, groups.get(n, ""), start + timedelta(minutes=rng.randint(-25, 15)),
                notes.get(n, "") if notes.get(n) in ("迟到", "早退") else "") for n in came]
    if layout == "wecom":
        path = folder / f"{stem} 企业微信签到.xlsx"
        factories.wecom_checkin_xlsx(path, records=records)
        return path, None
    path = folder / f"{stem} 钉钉签到.xlsx"
    factories.dingtalk_checkin_xlsx(path, records=records)
    return path, None


def build_signins(folder: Path, count: int, rows: int, people: list[dict], dates: dict[str, list[date]],
                  rng: random.Random) -> list[tuple[str, str | None]]:
    folder.mkdir(parents=True)
    by_branch = {b: [m for m in people if m["branch"] == b] for b in BRANCHES}
    manifest = []
    seen: set[str] = set()
    for i in range(count):
        layout = LAYOUTS[i % len(LAYOUTS)]
        branch = BRANCHES[rng.randrange(len(BRANCHES))]
        day = dates[branch][i // len(LAYOUTS) % len(dates[branch])]
        while True:
            path, encoding = write_signin(folder, i, layout, branch, day, by_branch[branch], rng, rows)
            sha = hashlib.sha256(path.read_bytes()).hexdigest()
            if sha not in seen:  # every file is a different sign-in
                seen.add(sha)
                break
        manifest.append((str(path), encoding))
    return manifest


# --------------------------------------------------------------------------- measuring


def ledger_digest(ws: Path) -> str:
    """The attendance an import left, independent of ids' order of creation and clocks."""
    conn = sqlite3.connect(ws / "ledger.db")
    try:
        parts = [
            conn.execute("SELECT a.branch, a.date, m.name, t.status, t.reason, t.source FROM attendance t "
                         "JOIN activities a ON a.id = t.activity_id JOIN members m ON m.id = t.member_id "
                         "ORDER BY 1, 2, 3, 6").fetchall(),
            conn.execute("SELECT i.original_name, u.raw_name, u.normalised, u.sheet, u.row, u.suggestions, "
                         "u.status, u.reason FROM unmatched_names u JOIN imports i ON i.id = u.import_id "
                         "ORDER BY 1, 5, 2").fetchall(),
            conn.execute("SELECT i.original_name, m.name, k.status, k.reason, k.answers, k.sheet, k.row "
                         "FROM attendance_marks k JOIN attendance_files f ON f.id = k.file_id "
                         "JOIN imports i ON i.id = f.import_id JOIN members m ON m.id = k.member_id "
                         "ORDER BY 1, 7, 2").fetchall(),
            conn.execute("SELECT i.original_name, i.sha256, i.archived_path, i.effective_date, i.rows, "
                         "f.layout, f.present_only FROM imports i JOIN attendance_files f ON f.import_id = i.id "
                         "ORDER BY 1").fetchall(),
            conn.execute("SELECT name, note FROM visitors ORDER BY 1, 2").fetchall(),
        ]
    finally:
        conn.close()
    return hashlib.sha256(json.dumps(parts, ensure_ascii=False).encode()).hexdigest()[:16]


PEAK_RSS_MB: list[float] = []  # of each timed command, as resource.getrusage gives a waited child's


def timed(cmd: list[str], **kwargs) -> tuple[float, subprocess.CompletedProcess]:  # type: ignore[no-untyped-def, type-arg]
    """Run `cmd`; its wall time and result, its peak RSS appended to PEAK_RSS_MB (os.wait4
    gives the child's own `resource.struct_rusage`, as getrusage would)."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=out, stderr=err, env=env(), **kwargs)
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        result = subprocess.CompletedProcess(cmd, proc.returncode, out.read().decode(errors="replace"),
                                             err.read().decode(errors="replace"))
    scale = 1 if sys.platform == "darwin" else 1024  # ru_maxrss: bytes on macOS, KiB on Linux
    PEAK_RSS_MB.append(usage.ru_maxrss * scale / 2**20)
    return seconds, result


def loadavg() -> str:
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:  # not Linux
        return "n/a"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--files", type=int, default=500, help="how many sign-in files (default 500)")
    parser.add_argument("--rows", type=int, default=150, help="members per branch, so rows per file (default 150)")
    parser.add_argument("--runs", type=int, default=3, help="timed runs of each, interleaved (default 3)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--keep", type=Path, help="build here and keep it (default: a temporary folder, removed)")
    parser.add_argument("--source", type=Path, help="time the partyday of this checkout (e.g. an older one)")
    parser.add_argument("--baseline", type=Path, help="also time this checkout's partyday, interleaved")
    args = parser.parse_args()
    global SOURCE
    SOURCE = args.source.resolve() if args.source else None
    baseline = args.baseline.resolve() if args.baseline else None

    top = args.keep or Path(tempfile.mkdtemp(prefix="partyday-import-bench-"))
    if args.keep and top.exists():
        shutil.rmtree(top)
    top.mkdir(parents=True, exist_ok=True)
    try:
        rng = random.Random(args.seed)
        t0 = time.perf_counter()
        people = roster_people(rng, args.rows)
        base = top / "base"
        dates = build_workspace(base, people)
        if baseline is not None:  # the baseline's own workspace, from the same roster
            SOURCE, mine = baseline, SOURCE
            build_workspace(top / "base-baseline", people)
            SOURCE = mine
        manifest = build_signins(top / "签到", args.files, args.rows, people, dates, rng)
        (top / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False), encoding="utf-8")
        (top / "floor.py").write_text(FLOOR, encoding="utf-8")
        kinds = {layout: sum(1 for i in range(args.files) if LAYOUTS[i % len(LAYOUTS)] == layout) for layout in LAYOUTS}
        size = sum(Path(p).stat().st_size for p, _ in manifest)
        print(f"built {args.files} files ({size / 1e6:.1f} MB; {', '.join(f'{k} {v}' for k, v in kinds.items())}), "
              f"{len(people)} members in {len(BRANCHES)} branches, in {time.perf_counter() - t0:.1f} s", flush=True)

        print(f"load average before: {loadavg()}", flush=True)
        floor_cmd = [sys.executable, str(top / "floor.py"), str(top / "manifest.json")]
        timed(floor_cmd)  # warm the file cache
        floors: list[float] = []
        products: list[float] = []
        digests: set[str] = set()
        rss: list[float] = []
        baselines: list[float] = []
        for k in range(args.runs):
            seconds, result = timed(floor_cmd)
            if result.returncode != 0:
                sys.exit(f"floor failed:\n{result.stderr}")
            floors.append(seconds)
            ws = top / f"run{k}"
            if ws.exists():
                shutil.rmtree(ws)
            shutil.copytree(base, ws)
            seconds, result = timed([*partyday(), "attend", "import", str(top / "签到"), "-w", str(ws)], cwd=ws)
            total = [line for line in result.stderr.splitlines() if line.startswith("合计")]
            if result.returncode != 0 or f"导入 {args.files}，" not in "".join(total):
                tail = "\n".join(result.stderr.splitlines()[-15:])
                sys.exit(f"product run failed ({result.returncode}):\n{tail}")
            products.append(seconds)
            rss.append(PEAK_RSS_MB[-1])
            digests.add(ledger_digest(ws))
            shutil.rmtree(ws)
            also = ""
            if baseline is not None:
                shutil.copytree(top / "base-baseline", ws)
                SOURCE, mine = baseline, SOURCE
                seconds, result = timed([*partyday(), "attend", "import", str(top / "签到"), "-w", str(ws)], cwd=ws)
                SOURCE = mine
                if result.returncode != 0:
                    sys.exit(f"baseline run failed ({result.returncode}):\n{result.stderr[-2000:]}")
                baselines.append(seconds)
                digests.add(ledger_digest(ws))
                also = f", baseline {seconds:.2f} s"
                shutil.rmtree(ws)
            print(f"run {k + 1}: floor {floors[-1]:.2f} s, product {products[-1]:.2f} s{also}, peak RSS {rss[-1]:.0f} MB"
                  f"  ({total[0]})", flush=True)
        floor, product = statistics.median(floors), statistics.median(products)
        print(f"floor   (python-calamine + csv only): median {floor:6.2f} s  {args.files / floor:7.1f} files/s  "
              f"(runs {', '.join(f'{s:.2f}' for s in floors)})")
        print(f"product (partyday attend import):     median {product:6.2f} s  {args.files / product:7.1f} files/s  "
              f"(runs {', '.join(f'{s:.2f}' for s in products)})")
        print(f"ratio product / floor = {product / floor:.2f} (target <= 2.00)")
        if baselines:
            old = statistics.median(baselines)
            print(f"baseline ({baseline}): median {old:6.2f} s  {args.files / old:7.1f} files/s  "
                  f"(runs {', '.join(f'{s:.2f}' for s in baselines)}); baseline / floor = {old / floor:.2f}; "
                  f"product / baseline = {product / old:.2f}")
        print(f"product peak RSS {max(rss):.0f} MB (target < 300 MB); load average after: {loadavg()}")
        print(f"ledger digest {', '.join(sorted(digests))}" + ("" if len(digests) == 1 else "  (RUNS DISAGREE)"))
    finally:
        if not args.keep:
            shutil.rmtree(top, ignore_errors=True)


if __name__ == "__main__":
    main()
