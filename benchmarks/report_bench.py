"""`partyday report quarterly` on a 党委 of 500 branches and 30,000 members, against the
pandas script an analyst would write over the same ledger rows.

Both run as subprocesses (start-up included), interleaved, several times each; the median
wall times and their ratio are printed (aim: ratio ≤ 1.0, the product no slower than the
script). The product computes the whole report (rates, every member's flags, dues by the
exact Decimal rules, themes, 三会一课, the roll-up); the script reads the same rows
(attendance of the year to the quarter's end, the roster, the dues payments) with
`pd.read_sql` and only groups them into per-activity and per-member counts.

    python benchmarks/report_bench.py [--runs 5] [--workspace DIR] [--branches 500] [--members 30000]

The workspace is generated once by benchmarks/generate.py and reused while its
parameters match.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent

PANDAS_SCRIPT = '''
import sqlite3, sys
import pandas as pd

conn = sqlite3.connect(sys.argv[1])
start, q_start, end = "2017-01-01", "2017-04-01", "2017-06-30"
rows = pd.read_sql(
    "SELECT t.activity_id, a.branch, a.date, t.member_id, t.status FROM attendance t"
    " JOIN activities a ON a.id = t.activity_id WHERE a.date BETWEEN ? AND ?", conn, params=(start, end))
members = pd.read_sql("SELECT member_id, name, branch, group_name, category, income FROM member_versions", conn)
dues = pd.read_sql("SELECT member_id, month, amount FROM dues_payments WHERE month BETWEEN '2017-01' AND '2017-06'",
                   conn)
quarter = rows[rows["date"] >= q_start]
per_activity = quarter.groupby(["branch", "date", "status"]).size().unstack(fill_value=0)
expected = per_activity.drop(columns=["免参加"], errors="ignore").sum(axis=1)
present = per_activity.reindex(columns=["出席", "迟到", "早退"], fill_value=0).sum(axis=1)
per_activity["rate"] = (present / expected).round(4)
per_member = rows.groupby(["member_id", "status"]).size().unstack(fill_value=0)
per_member = per_member.join(members.set_index("member_id")[["name", "branch", "group_name"]])
dues["amount"] = dues["amount"].astype(float)
paid = dues.groupby("member_id").agg(months=("month", "nunique"), paid=("amount", "sum"))
per_member = per_member.join(paid)
sys.stdout.write(per_activity.reset_index().to_json(orient="records", force_ascii=False))
sys.stdout.write(per_member.reset_index().to_json(orient="records", force_ascii=False))
'''


def _generator():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("bench_generate", HERE / "generate.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def workspace(root: Path, branches: int, members: int) -> Path:
    marker = root / "GENERATED.json"
    wanted = {"branches": branches, "members": members, "year": 2017, "seed": 1}
    if marker.is_file():
        known = json.loads(marker.read_text(encoding="utf-8"))
        if all(known.get(k) == v for k, v in wanted.items()):
            return root
    start = time.perf_counter()
    _generator().generate_workspace(root, branches=branches, members=members, year=2017, seed=1)
    print(f"generated {root} in {time.perf_counter() - start:.1f} s", file=sys.stderr)
    return root


def timed(cmd: list[str]) -> float:
    start = time.perf_counter()
    proc = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    elapsed = time.perf_counter() - start
    if proc.returncode != 0:
        raise SystemExit(f"failed ({proc.returncode}): {' '.join(cmd)}\n{proc.stderr}")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--branches", type=int, default=500)
    parser.add_argument("--members", type=int, default=30000)
    parser.add_argument("--workspace", type=Path,
                        default=Path(tempfile.gettempdir()) / "partyday-bench-500x30000")
    args = parser.parse_args()
    ws = workspace(args.workspace, args.branches, args.members)
    exe = shutil.which("partyday")
    base = [exe] if exe else [sys.executable, "-m", "partyday_cli"]
    product = [*base, "report", "quarterly", "--year", "2017", "--quarter", "2", "--format", "json", "-w", str(ws)]
    cases = {"partyday report quarterly -f json": product}
    has_pandas = importlib.util.find_spec("pandas") is not None
    if has_pandas:
        script = Path(tempfile.mkdtemp()) / "analyst.py"
        script.write_text(PANDAS_SCRIPT, encoding="utf-8")
        cases["pandas script (read_sql + groupby)"] = [sys.executable, str(script), str(ws / "ledger.db")]
    for cmd in cases.values():  # warm the file cache and .pyc files
        timed(cmd)
    times: dict[str, list[float]] = {name: [] for name in cases}
    for _ in range(args.runs):
        for name, cmd in cases.items():
            times[name].append(timed(cmd))
    medians = {name: statistics.median(values) for name, values in times.items()}
    print(f"workspace: {ws} ({args.branches} branches, {args.members} members)")
    for name, value in medians.items():
        print(f"{name:40s} median {value:6.2f} s over {args.runs} runs")
    if not has_pandas:
        print("pandas is not installed, so the analyst's script was not measured. To compare:\n"
              "    pip install pandas")
        return
    ratio = medians["partyday report quarterly -f json"] / medians["pandas script (read_sql + groupby)"]
    print(f"ratio partyday / pandas = {ratio:.2f} (aim <= 1.00)")


if __name__ == "__main__":
    main()
