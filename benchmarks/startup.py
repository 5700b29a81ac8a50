"""Start-up of `partyday --help` against a bare one-command Typer app, side by side.

Runs both many times, interleaved so machine noise hits both alike, and prints the
median wall time of each and their ratios (aims: --help ≤ 1.1, calendar -f json ≤ 1.3),
with the load average before and after (the machine may be shared).

    python benchmarks/startup.py [--runs 30]
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

BARE_APP = '''
import typer

app = typer.Typer()


@app.command()
def hello(name: str = "world") -> None:
    """Say hello."""
    print(f"hello {name}")


if __name__ == "__main__":
    app()
'''


def _loadavg() -> str:
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:  # not Linux
        return "n/a"


def timed(cmd: list[str]) -> float:
    start = time.perf_counter()
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # the warm-up leaves .pyc files, as an installed partyday has
    subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True, env=env)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp())
    bare = folder / "bare_app.py"
    bare.write_text(BARE_APP)
    exe = shutil.which("partyday")
    product = [exe, "--help"] if exe else [sys.executable, "-m", "partyday_cli", "--help"]
    baseline = [sys.executable, str(bare), "--help"]
    cases = {
        "partyday --help": product,
        "bare typer --help": baseline,
        "partyday calendar -f json": [*product[:-1], "calendar", "2017", "-r", "month.week2.wed",
                                      "-f", "json"],
    }
    print(f"load average before: {_loadavg()}")
    for cmd in cases.values():  # warm the file cache and .pyc files
        timed(cmd)
    times: dict[str, list[float]] = {name: [] for name in cases}
    for _ in range(args.runs):
        for name, cmd in cases.items():
            times[name].append(timed(cmd))
    print(f"load average after:  {_loadavg()}")
    medians = {name: statistics.median(values) for name, values in times.items()}
    for name, value in medians.items():
        print(f"{name:28s} median {value * 1000:7.1f} ms over {args.runs} runs")
    ratio = medians["partyday --help"] / medians["bare typer --help"]
    print(f"ratio partyday --help / bare typer --help = {ratio:.2f} (aim <= 1.10)")
    ratio2 = medians["partyday calendar -f json"] / medians["bare typer --help"]
    print(f"ratio partyday calendar -f json / bare typer --help = {ratio2:.2f} (aim <= 1.30)")
    shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
