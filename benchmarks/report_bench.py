"""`partyday report quarterly` on a 党委 of 500 branches and 30,000 members, against the
pandas script an analyst would write over the same ledger rows.

Both run as subprocesses (start-up included), interleaved, several times each; the median
wall times and their ratio are printed (aim: ratio ≤ 0.8). The product computes the whole
report (rates, every member's flags, dues by the exact Decimal rules, themes, 三会一课,
the roll-up); the script reads the same rows (attendance of the year to the quarter's
end, the roster, the dues payments) with `pd.read_sql` and only groups them into
per-activity and per-member counts.

`--against DIR` also times another checkout (e.g. `git archive main | tar -x -C /tmp/old`)
in the same interleaved runs, on a ledger its own generate.py writes from the same seed,
and requires its report to be the same as this one's (the digest of the report's JSON,
parsed, so only a change of layout would not count): before/after in one run.

`--years 5` writes 2017–2021 (five years of the same 党委, ~1.8 M attendance rows) and
reports 2021 Q2, timed beside the same report on a one-year ledger of 2021 alone (aim:
≤ 1.2×: a quarter costs the quarter's rows, not the ledger's).

    python benchmarks/report_bench.py [--runs 5] [--workspace DIR] [--branches 500] [--members 30000]
                                      [--against DIR] [--years 5]

Workspaces are generated once by benchmarks/generate.py and reused while their
parameters match. Prints the load average before and after (the machine is shared).
"""

from __future__ import annotations

import argparse
import hashlib
import importlib.util
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
LAYOUT = 2  # bump when generate.py writes a different ledger for the same parameters

PANDAS_SCRIPT = '''
import sqlite3, sys
import pandas as pd

conn = sqlite3.connect(sys.argv[1])
year = sys.argv[2]
start, q_start, end = f"{year}-01-01", f"{year}-04-01", f"{year}-06-30"
rows = pd.read_sql(
    "SELECT t.activity_id, a.branch, a.date, t.member_id, t.status FROM attendance t"
    " JOIN activities a ON a.id = t.activity_id WHERE a.date BETWEEN ? AND ?", conn, params=(start, end))
members = pd.read_sql("SELECT member_id, name, branch, group_name, category, income FROM member_versions", conn)
dues = pd.read_sql("SELECT member_id, month, amount FROM dues_payments WHERE month BETWEEN ? AND ?",
                   conn, params=(f"{year}-01", f"{year}-06"))
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


def loadavg() -> str:
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:  # not Linux
        return "n/a"


def workspace(root: Path, branches: int, members: int, year: int, years: int, source: Path | None) -> Path:
    """A generated workspace in `root` (by `source`'s generate.py when given), reused when
    its parameters match."""
    marker = root / "GENERATED.json"
    wanted = {"branches": branches, "members": members, "year": year, "years": years, "seed": 1}
    if marker.is_file():
        known = json.loads(marker.read_text(encoding="utf-8"))
        if all(known.get(k, 1 if k == "years" else None) == v for k, v in wanted.items()) \
                and known.get("bench_layout") == LAYOUT:
            return root
    start = time.perf_counter()
    gen = (source or HERE.parent) / "benchmarks" / "generate.py"
    cmd = [sys.executable, str(gen), str(root), "--branches", str(branches), "--members", str(members),
           "--year", str(year)]
    if years != 1:
        cmd += ["--years", str(years)]
    subprocess.run(cmd, check=True, env=_env(source))
    known = json.loads(marker.read_text(encoding="utf-8"))
    marker.write_text(json.dumps({**known, "years": years, "bench_layout": LAYOUT}), encoding="utf-8")
    print(f"generated {root} in {time.perf_counter() - start:.1f} s", file=sys.stderr)
    return root


def _env(source: Path | None) -> dict[str, str]:
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # the warm-up run leaves .pyc files, as an installed partyday has
    if source is not None:
        env["PYTHONPATH"] = str(source)
    return env


def run(cmd: list[str], source: Path | None = None) -> tuple[float, bytes]:
    start = time.perf_counter()
    # in `source`, whose partyday_cli comes first on sys.path (before PYTHONPATH: the folder run from)
    proc = subprocess.run(cmd, capture_output=True, env=_env(source), cwd=source)
    elapsed = time.perf_counter() - start
    if proc.returncode != 0:
        raise SystemExit(f"failed ({proc.returncode}): {' '.join(cmd)}\n{proc.stderr.decode(errors='replace')}")
    return elapsed, proc.stdout


def digest(out: bytes, keys: set[str] | None = None) -> str:
    """Of the report's content: the JSON parsed and written back in one canonical form
    (`keys`: only these top-level keys)."""
    value = json.loads(out)
    if keys is not None:
        value = {k: v for k, v in value.items() if k in keys}
    return hashlib.sha256(json.dumps(value, ensure_ascii=False, sort_keys=True).encode()).hexdigest()[:16]


def product_cmd(ws: Path, year: int, source: Path | None) -> list[str]:
    return [sys.executable, "-m", "partyday_cli", "report", "quarterly", "--year", str(year), "--quarter", "2",
            "--format", "json", "-w", str(ws)] if source is not None else \
        [str(Path(sys.executable).parent / "partyday"), "report", "quarterly", "--year", str(year), "--quarter",
         "2", "--format", "json", "-w", str(ws)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--branches", type=int, default=500)
    parser.add_argument("--members", type=int, default=30000)
    parser.add_argument("--workspace", type=Path, default=Path(tempfile.gettempdir()) / "partyday-bench",
                        help="folder for the generated workspaces (one sub-folder each)")
    parser.add_argument("--against", type=Path, help="another checkout to time beside this one, same report")
    parser.add_argument("--years", type=int, default=1, help="5: the growth benchmark (2017–2021, report 2021 Q2)")
    args = parser.parse_args()
    against = args.against.resolve() if args.against else None
    size = f"{args.branches}x{args.members}"
    cases: dict[str, tuple[list[str], Path | None]] = {}
    if args.years == 1:
        ws = workspace(args.workspace / f"{size}-2017", args.branches, args.members, 2017, 1, None)
        cases["partyday report quarterly -f json"] = (product_cmd(ws, 2017, None), None)
        if against is not None:
            old = workspace(args.workspace / f"{size}-2017-against", args.branches, args.members, 2017, 1, against)
            cases[f"the same, {against}"] = (product_cmd(old, 2017, against), against)
        if importlib.util.find_spec("pandas") is None:
            raise SystemExit("pandas is not installed, so the analyst's script cannot be measured:\n"
                             "    pip install pandas")
        script = Path(tempfile.mkdtemp()) / "analyst.py"
        script.write_text(PANDAS_SCRIPT, encoding="utf-8")
        cases["pandas script (read_sql + groupby)"] = ([sys.executable, str(script), str(ws / "ledger.db"),
                                                        "2017"], None)
        baseline = "pandas script (read_sql + groupby)"
        aim = 0.8
    else:
        last = 2017 + args.years - 1
        five = workspace(args.workspace / f"{size}-2017x{args.years}", args.branches, args.members, 2017,
                         args.years, None)
        one = workspace(args.workspace / f"{size}-{last}", args.branches, args.members, last, 1, None)
        cases[f"{last} Q2 on {args.years} years (2017–{last})"] = (product_cmd(five, last, None), None)
        cases[f"{last} Q2 on one year ({last})"] = (product_cmd(one, last, None), None)
        baseline = f"{last} Q2 on one year ({last})"
        aim = 1.2
    print(f"load average before: {loadavg()}")
    outputs: dict[str, bytes] = {}
    for name, (cmd, source) in cases.items():  # warm the file cache and .pyc files; the report's digest
        _, out = run(cmd, source)
        if not name.startswith("pandas"):
            outputs[name] = out
    digests = {name: digest(out) for name, out in outputs.items()}
    keys = [set(json.loads(out)) for out in outputs.values()]
    common = set.intersection(*keys) if keys else set()
    if any(k != common for k in keys):  # a key one checkout writes and the other does not: the rest compared
        added = sorted(set.union(*keys) - common)
        print(f"report keys only one side writes (left out of the digest): {', '.join(added)}")
        digests = {name: digest(out, common) for name, out in outputs.items()}
    times: dict[str, list[float]] = {name: [] for name in cases}
    for _ in range(args.runs):
        for name, (cmd, source) in cases.items():
            times[name].append(run(cmd, source)[0])
    print(f"load average after:  {loadavg()}")
    medians = {name: statistics.median(values) for name, values in times.items()}
    for name, value in medians.items():
        runs = ", ".join(f"{t:.2f}" for t in times[name])
        print(f"{name:44s} median {value:6.2f} s  (runs {runs})")
    first = next(iter(cases))
    for name, value in medians.items():
        if name != first:
            print(f"ratio {first} / {name} = {medians[first] / value:.2f}"
                  + (f" (aim <= {aim:.2f})" if name == baseline else ""))
    for name, value in digests.items():
        print(f"report digest {value}  {name}")
    if args.years == 1 and len(set(digests.values())) > 1:
        raise SystemExit("the reports differ: the optimisation changed a figure")


if __name__ == "__main__":
    main()
