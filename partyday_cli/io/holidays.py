"""Where a year's holiday arrangement comes from, in order of trust (SPEC §5):

1. `holidays/YEAR.toml` in the workspace or the user data folder (an imported notice);
2. the chinese-calendar package (official arrangements, 2004 → its newest year);
3. with `--provisional`, an estimate: the statutory days from python-holidays, which
   computes the lunar festivals for any year, and no makeup days.

Anything else is a Chinese error naming the years covered and the three ways out.
chinese-calendar's NotImplementedError never escapes this module.
"""

from __future__ import annotations

import hashlib
import os
import re
import sys
import tomllib
from datetime import date
from functools import lru_cache
from pathlib import Path

from partyday_cli.core.holiday import (
    SOURCE_NOTICE,
    SOURCE_PACKAGE,
    SOURCE_PROVISIONAL,
    Arrangement,
    WorkCalendar,
)
from partyday_cli.errors import UserError

MIN_YEAR, MAX_YEAR = 1949, 2200

_EN_TO_ZH = {
    "New Year's Day": "元旦",
    "Spring Festival": "春节",
    "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节",
    "National Day": "国庆节",
    "Mid-autumn Festival": "中秋节",
    "Anti-Fascist 70th Day": "抗战胜利纪念日",
}


def user_data_dir() -> Path:
    """The per-user folder for holiday files shared by every workspace."""
    override = os.environ.get("PARTYDAY_DATA_DIR")
    if override:
        return Path(override)
    if sys.platform == "win32":
        base = os.environ.get("APPDATA") or str(Path.home() / "AppData" / "Roaming")
        return Path(base) / "partyday"
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "partyday"


def holiday_dirs(workspace_root: Path | None) -> list[Path]:
    """Folders searched for YEAR.toml, the workspace's first."""
    dirs = []
    if workspace_root is not None:
        dirs.append(workspace_root / "holidays")
    dirs.append(user_data_dir() / "holidays")
    return dirs


def check_year(year: int) -> None:
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise UserError(f"年份 {year} 超出范围，请输入 {MIN_YEAR}–{MAX_YEAR} 之间的年份，如 2017")


@lru_cache(maxsize=1)
def package_years() -> tuple[int, int]:
    """The first and last year chinese-calendar knows."""
    from chinese_calendar import constants

    years = {d.year for d in constants.holidays} | {d.year for d in constants.workdays}
    # a year only counts when its whole arrangement is there (not just a few late-December
    # days of the next year's 元旦)
    full = sorted(y for y in years if sum(1 for d in constants.holidays if d.year == y) >= 10)
    return full[0], full[-1]


def from_package(year: int) -> Arrangement | None:
    first, last = package_years()
    if not first <= year <= last:
        return None
    from chinese_calendar import constants

    def zh(name: object) -> str:
        text = getattr(name, "value", name)
        return _EN_TO_ZH.get(str(text), str(text))

    days_off = {d: zh(n) for d, n in constants.holidays.items() if d.year == year}
    makeup = {d: zh(n) for d, n in constants.workdays.items() if d.year == year}
    return Arrangement(year, SOURCE_PACKAGE, days_off, makeup,
                       note=f"内置的 {year} 年国务院办公厅放假安排（chinese-calendar 数据）")


def provisional(year: int) -> Arrangement:
    """Statutory days estimated from the lunar calendar; no makeup days are knowable."""
    import holidays as pyholidays

    days_off = {}
    for day, name in pyholidays.China(years=year, language="zh_CN").items():
        name = re.sub(r"（.*?）|\(.*?\)", "", name).replace("农历除夕", "春节").strip()
        days_off[day] = name
    return Arrangement(year, SOURCE_PROVISIONAL, days_off, {},
                       note=f"{year} 年放假安排尚未公布，按农历估算的法定节假日（暂定，不含调休上班日）")


# -- local files -------------------------------------------------------------------------


def local_file(year: int, dirs: list[Path]) -> Path | None:
    for folder in dirs:
        candidate = folder / f"{year}.toml"
        if candidate.is_file():
            return candidate
    return None


def load_local(path: Path) -> Arrangement:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        year = int(data["year"])
        days_off = {date.fromisoformat(k): str(v) for k, v in data.get("days_off", {}).items()}
        makeup = {date.fromisoformat(k): str(v)
                  for k, v in data.get("makeup_workdays", {}).items()}
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError, KeyError, ValueError,
            TypeError, AttributeError) as exc:
        raise UserError(
            f"节假日文件 {path} 无法读取（{exc}）。请删除它后重新运行 "
            "partyday holidays import 导入通知"
        ) from None
    return Arrangement(year, SOURCE_NOTICE, days_off, makeup, note=str(data.get("note", "")))


def dump_local(arrangement: Arrangement, imported_from: str, text_sha256: str) -> str:
    import tomli_w

    body = tomli_w.dumps({
        "year": arrangement.year,
        "source": SOURCE_NOTICE,
        "imported_from": imported_from,
        "sha256": text_sha256,
        "note": arrangement.note,
        "days_off": {d.isoformat(): n for d, n in sorted(arrangement.days_off.items())},
        "makeup_workdays": {d.isoformat(): n
                            for d, n in sorted(arrangement.makeup_workdays.items())},
    })
    header = (
        f"# {arrangement.year}年部分节假日安排\n"
        "# 由 partyday holidays import 从《国务院办公厅关于部分节假日安排的通知》导入。\n"
        "# days_off：放假日期；makeup_workdays：调休上班的周末。可手工核对，勿随意改动。\n\n"
    )
    return header + body


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


# -- resolution --------------------------------------------------------------------------


def missing_year_error(year: int) -> UserError:
    first, last = package_years()
    return UserError(
        f"没有 {year} 年的节假日安排数据（已内置 {first}–{last} 年）。可以：1) 升级节假日数据包"
        f"（pip install -U chinese-calendar）；2) 国务院办公厅发布通知后，把通知全文存为"
        f"文本文件并运行 partyday holidays import 通知.txt；3) 加上 --provisional 按农历估算"
        "法定节假日（结果标注“暂定”）"
    )


def arrangement_for(year: int, dirs: list[Path], allow_provisional: bool) -> Arrangement:
    check_year(year)
    path = local_file(year, dirs)
    if path is not None:
        return load_local(path)
    found = from_package(year)
    if found is not None:
        return found
    if allow_provisional:
        return provisional(year)
    raise missing_year_error(year)


def work_calendar(dirs: list[Path], allow_provisional: bool) -> WorkCalendar:
    return WorkCalendar(lambda year: arrangement_for(year, dirs, allow_provisional))
