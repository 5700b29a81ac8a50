"""How long `partyday roster import` of a roster full of mistakes takes to print them.

Builds a 花名册 in the sample's layout (tests/factories.plain_xlsx) with N rows, each
with two mistakes (a 出生年月 that is no date and a 月收入 that is no amount), so about
2·N problems, and times `partyday roster import` in a fresh process, start-up included.
Prints the seconds, the problems printed and problems per second. Target: 10,000
problems in under 2 s (issue 14: 7,000 bad rows took 51 s while printing was quadratic).

    python benchmarks/problems_bench.py [--rows 5000] [--runs 3]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from tests.factories import plain_xlsx  # noqa: E402

HEADER = ["序号", "姓名", "性别", "出生年月", "党小组", "党员身份", "入党时间", "人员类别", "月收入（元）"]


def build(folder: Path, rows: int) -> Path:
    body = [[i, f"党员{i}", "男", "某年某月", "第一党小组", "正式", "2001.07", "在职", "很多"]
            for i in range(1, rows + 1)]
    return plain_xlsx(folder / "花名册.xlsx", [HEADER, *body])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=5000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        shutil.copytree(REPO / "sample_data" / "workspace", folder / "ws")
        roster = build(folder, args.rows)
        env = {**os.environ, "PARTYDAY_DATA_DIR": str(folder / "data"), "NO_COLOR": "1"}
        times, printed = [], 0
        for _ in range(args.runs):
            start = time.perf_counter()
            done = subprocess.run([sys.executable, "-m", "partyday_cli", "roster", "import", str(roster),
                                   "-w", str(folder / "ws")], env=env, capture_output=True, text=True)
            times.append(time.perf_counter() - start)
            printed = sum(1 for line in done.stderr.splitlines() if line.startswith("  "))
            assert done.returncode == 1, done.stderr[-2000:]
        best = statistics.median(times)
        print(f"rows {args.rows}  problems printed {printed}  median {best:.2f} s  "
              f"({printed / best:,.0f} problems/s; runs: {', '.join(f'{t:.2f}' for t in times)})")


if __name__ == "__main__":
    main()
