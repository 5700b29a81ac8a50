"""`partyday demo [DIR]`: the main job, run on a copy of the bundled sample branch.

It runs the same commands a 组织委员 would type, printing each one first, so the
output doubles as a walk-through of a year's work.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated

import typer

from partyday_cli.cli.common import info
from partyday_cli.errors import UserError

MARKER = ".partyday-sample"
YEAR = "2017"
NEXT_ACTIVITY = "2017-04-12"  # the sample's "today" is early April 2017


def sample_source() -> Path:
    from importlib import resources

    return Path(str(resources.files("partyday_cli.sample_data"))) / "workspace"


def steps(out: str) -> list[list[str]]:
    """The main job, in order: each a partyday command line."""
    from partyday_cli.sample_data.leaves import LEAVES

    return [
        ["roster", "import", "roster.xlsx", "--as-of", "2017-01-05"],
        ["roster", "list", "--date", "2017-04-12"],
        ["calendar", YEAR],
        ["calendar", YEAR, "-o", f"{out}/{YEAR}年党员活动日.xlsx"],
        ["calendar", YEAR, "-o", f"{out}/{YEAR}年党员活动日.ics"],
        ["plan", YEAR],
        ["signsheet", NEXT_ACTIVITY],
        *[["attend", "set", day, name, status, "--reason", reason]
          for day, name, status, reason in LEAVES],
        ["meeting", "import", f"{YEAR}年会议登记表.xlsx"],
        ["attend", "import", "签到"],
        ["record", NEXT_ACTIVITY],
        ["dues", "import", "2017党费台账.xlsx"],
        ["report", "quarterly", "--year", YEAR, "--quarter", "2"],
        ["report", "quarterly", "--year", YEAR, "--quarter", "2", "-o", f"{out}/{YEAR}年第二季度报告.xlsx"],
        ["export", "monthly", "--month", "2017-06"],
    ]


def demo(
    directory: Annotated[Path, typer.Argument(help="示例工作区放在哪里。")] = Path("partyday-示例支部"),
) -> None:
    """用自带的示例支部（2017年，30名党员）演示一年的主要工作：导入花名册、排出全年活动日、
    生成年度活动安排表和签到表，导入一年的签到记录（手工表、腾讯会议、问卷星、企业微信、钉钉、
    CSV）、三会一课会议登记表和党费台账，生成记实表、季度报告和月度导出包。

    示例：

      partyday demo

      partyday demo D:\\党建\\示例
    """
    from partyday_cli.cli.main import app

    _prepare(directory)
    root = directory.resolve()
    info(f"示例工作区：{root}（从自带的示例支部复制，原样本不会被改动）")
    info(f"以下命令都在该文件夹里运行（cd {root}）")
    out = "out"
    here = Path.cwd()
    os.chdir(root)  # the commands are typed inside the workspace, as a user would
    try:
        for args in steps(out):
            info("\n$ partyday " + " ".join(args))
            code = app(args, standalone_mode=False)
            if code not in (0, None):
                raise UserError(f"演示在“partyday {' '.join(args)}”这一步出错，已停止")
    finally:
        os.chdir(here)
    info("\n完成。生成的文件：")
    for path in sorted((root / out).rglob("*")):
        if path.is_file():
            info(f"  {path}")
    info(f"账本：{root / 'ledger.db'}；花名册原件存档：{root / 'archive'}")


def _prepare(directory: Path) -> None:
    import shutil

    if directory.exists():
        if not (directory / MARKER).exists():
            raise UserError(f"{directory} 已存在且不是示例工作区，未作改动。请换一个文件夹，"
                            "如 partyday demo 示例2")
        shutil.rmtree(directory)
    shutil.copytree(sample_source(), directory,
                    ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    (directory / MARKER).write_text("partyday demo\n", encoding="utf-8")
    for name in ("holidays", "archive", "out"):
        (directory / name).mkdir(exist_ok=True)
