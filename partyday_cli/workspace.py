"""Finding and reading `partyday.toml` (SPEC §2).

The workspace is found like git finds `.git`: `--workspace/-w`, else the environment
variable PARTYDAY_WORKSPACE, else the nearest parent of the current folder holding
`partyday.toml`.
"""

from __future__ import annotations

import os
import re
import tomllib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from partyday_cli.errors import UserError

CONFIG_NAME = "partyday.toml"
ENV_VAR = "PARTYDAY_WORKSPACE"


@dataclass(frozen=True)
class ScheduleConfig:
    """The [schedule] table: the activity-day rule and how holidays move it."""

    rule: str | None = None
    holiday_policy: str | None = None
    week_def: str | None = None
    skip_months: tuple[int, ...] = ()
    avoid_makeup_days: bool = False
    fixed_dates: dict[int, dict[int, date]] = field(default_factory=dict)  # year → month → date
    blackouts: dict[date, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Branch:
    """One [[branches]] entry; its own rule or policy override the [schedule] ones."""

    name: str
    rule: str | None = None
    holiday_policy: str | None = None
    secretary: str = ""  # 支部书记, the default host of activities
    themes: str | None = None  # the branch's own theme catalogue


@dataclass(frozen=True)
class Workspace:
    root: Path
    config: dict[str, Any]
    schedule: ScheduleConfig
    branches: tuple[Branch, ...] = ()

    @property
    def config_path(self) -> Path:
        return self.root / CONFIG_NAME

    @property
    def ledger_path(self) -> Path:
        return self.root / "ledger.db"

    @property
    def org_name(self) -> str:
        return str(self.config.get("org", {}).get("name", ""))

    def section(self, name: str) -> dict[str, Any]:
        value = self.config.get(name, {})
        return value if isinstance(value, dict) else {}

    def branch(self, name: str | None) -> Branch | None:
        """The named branch; with no name, the only branch of a one-branch workspace."""
        if name is None:
            return self.branches[0] if len(self.branches) == 1 else None
        typed = "".join(name.split())  # "文学院党支部 ": a space typed or pasted along
        for branch in self.branches:
            if branch.name == typed:
                return branch
        known = "、".join(b.name for b in self.branches) or "（未配置）"

        def core(text: str) -> str:
            return "".join(text.split()).replace("党", "").replace("支部", "").replace("总支", "")

        near = [b.name for b in self.branches if core(typed) and (core(typed) in core(b.name) or core(b.name) in core(typed))]
        hint = f"是不是“{near[0]}”？" if len(near) == 1 else ""
        raise UserError(f"工作区里没有名为“{name}”的支部。{hint}已配置的支部：{known}")

    def branch_order(self) -> Callable[[str], tuple[int, str]]:
        """A sort key putting branch names in the order partyday.toml lists them (一支部、
        二支部、三支部, not the text order 一、三、二); a name not configured comes after, by name."""
        place = {b.name: n for n, b in enumerate(self.branches)}
        return lambda name: (place.get(name, len(place)), name)

    def schedule_for(self, branch: str | None) -> ScheduleConfig:
        """The [schedule] config with the branch's own rule and policy applied."""
        found = self.branch(branch)
        if found is None:
            return self.schedule
        from dataclasses import replace

        # a branch with a rule of its own keeps its own days: [schedule.dates], the days fixed
        # for the 党委's rule (每月确定一天), are not its (helper-33: the printed 安排表 said
        # 每月第一个星期五 and listed a Wednesday)
        own = bool(found.rule) and found.rule != self.schedule.rule
        return replace(self.schedule, rule=found.rule or self.schedule.rule,
                       holiday_policy=found.holiday_policy or self.schedule.holiday_policy,
                       fixed_dates={} if own else self.schedule.fixed_dates)


def find_root(explicit: Path | None = None, cwd: Path | None = None) -> Path | None:
    """The workspace folder, or None when there is none (calendar needs none)."""
    if explicit is not None:
        root = Path(explicit)
        if root.name == CONFIG_NAME and root.is_file():  # -w …/partyday.toml
            root = root.parent
        elif root.is_dir() and not (root / CONFIG_NAME).is_file():
            # -w …/工作区/out: the nearest parent holding partyday.toml, as for the current folder
            root = next((p for p in root.resolve().parents if (p / CONFIG_NAME).is_file()), root)
        if not (root / CONFIG_NAME).is_file():
            raise UserError(f"{root} 不是 partyday 工作区（找不到 {CONFIG_NAME}）。"
                            "请检查 --workspace 路径，或先运行 partyday init 创建工作区")
        return root
    env = os.environ.get(ENV_VAR)
    if env:
        root = Path(env)
        if not (root / CONFIG_NAME).is_file():
            raise UserError(f"环境变量 {ENV_VAR}={env} 指向的文件夹里没有 {CONFIG_NAME}。"
                            "请改正该变量，或先运行 partyday init 创建工作区")
        return root
    here = (cwd or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / CONFIG_NAME).is_file():
            return folder
    return None


def _config_error(path: Path, text: str, key: str, message: str) -> UserError:
    line = _line_of(text, key)
    where = f"{path} 第{line}行" if line else str(path)
    return UserError(f"{where}：配置项 {key} {message}")


def _line_of(text: str, key: str) -> int | None:
    leaf = key.split(".")[-1]
    pattern = re.compile(rf"^\s*\"?{re.escape(leaf)}\"?\s*=", re.MULTILINE)
    m = pattern.search(text)
    return text.count("\n", 0, m.start()) + 1 if m else None


def load(root: Path) -> Workspace:
    path = root / CONFIG_NAME
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise UserError(f"{path} 不是 UTF-8 编码。请用记事本“另存为 UTF-8”后重试") from None
    except OSError as exc:
        raise UserError(f"无法读取 {path}：{exc.strerror}") from None
    return from_text(root, text)


_TOML_PROBLEMS = (  # tomllib's English, in the words a user who edits the file in 记事本 reads
    ("Unterminated string", "引号没有配对（少了一个英文双引号）"),
    ("Invalid value", "等号后的值写法不对（文字要用英文双引号括起来，如 name = \"机关第一党支部\"；true/false、数字不加引号）"),
    ("Cannot overwrite a value", "同一项写了两次"),
    ("Cannot declare", "同一节（[…]）写了两次"),
    ("Expected ']'", "方括号没有配对"),
    ("Expected '=' after a key", "缺少等号（每行写成 项目 = 值）"),
    ("Expected newline or end of document after a statement", "一行里写了两项，或值后面多了文字（说明要写在 # 后面）"),
    ("Invalid statement", "这一行看不懂（说明要写在 # 后面）"),
    ("Illegal character", "有不能出现的字符（可能是中文引号、全角空格或制表符）"),
    ("Invalid initial character for a key", "项目名写法不对（可能是中文引号、全角符号）"),
)


def toml_error_zh(message: str, text: str) -> str:
    """'Invalid value (at line 103, column 8)' → '第103行第8列：等号后的值写法不对（…）'."""
    where = re.search(r"\(at line (\d+), column (\d+)\)", message)
    what = next((zh for en, zh in _TOML_PROBLEMS if message.startswith(en)), "格式有误")
    if where:
        line = text.splitlines()[int(where[1]) - 1].strip() if int(where[1]) <= len(text.splitlines()) else ""
        shown = f"（这一行是：{line[:60]}）" if line else ""
        return f"第{where[1]}行第{where[2]}列：{what}{shown}"
    return f"文件末尾：{what}" if "end of document" in message else what


def from_text(root: Path, text: str) -> Workspace:
    """The workspace a config text describes (also used to check a config before writing it)."""
    path = root / CONFIG_NAME
    try:
        config = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise UserError(f"{path} {toml_error_zh(str(exc), text)}。请对照 partyday init 生成的示例修改") from None
    _check_types(path, text, config)
    return Workspace(root, config, _schedule(path, text, config.get("schedule", {})),
                     _branches(path, text, config.get("branches", [])))


# Settings read as whole numbers (with their least value) or as true/false: a value of the
# wrong kind ("三天", "false" in quotes) is one Chinese line naming it, never a crash or a
# quoted "false" read as true.
_WHOLE = {("deadlines", "record_within_workdays"): 0, ("deadlines", "record_copies"): 1,
          ("deadlines", "notify_days_before"): 0, ("deadlines", "change_report_days"): 0,
          ("lectures", "secretary_yearly"): 0}
_TRUE_FALSE = (("dues", "on_activity_day"), ("dues", "quarterly_payment"), ("themes", "one_per_day"))


def _check_types(path: Path, text: str, config: dict[str, Any]) -> None:
    for (section, key), least in _WHOLE.items():
        value = config.get(section, {}).get(key) if isinstance(config.get(section), dict) else None
        if value is not None and (isinstance(value, bool) or not isinstance(value, int) or value < least):
            raise _config_error(path, text, f"{section}.{key}",
                                f"= {value!r} 应为不小于 {least} 的整数（不加引号），如 {key} = {max(least, 3)}")
    for section, key in _TRUE_FALSE:
        value = config.get(section, {}).get(key) if isinstance(config.get(section), dict) else None
        if value is not None and not isinstance(value, bool):
            raise _config_error(path, text, f"{section}.{key}", f"= {value!r} 应为 true 或 false（不加引号）")


def _branches(path: Path, text: str, raw: Any) -> tuple[Branch, ...]:
    if isinstance(raw, dict):  # a single [branches] table instead of [[branches]]
        raw = [raw]
    if not isinstance(raw, list):
        raise _config_error(path, text, "branches", "应写成 [[branches]] 段落，每段一个支部")
    out = []
    for item in raw:
        name = item.get("name") if isinstance(item, dict) else None
        if not isinstance(name, str) or not name.strip():
            raise _config_error(path, text, "branches.name", "每个 [[branches]] 段都要写 name = \"支部名称\"")
        out.append(Branch(name.strip(), item.get("rule"), item.get("holiday_policy"),
                          str(item.get("secretary", "")), item.get("themes")))
    return tuple(out)


def _schedule(path: Path, text: str, raw: Any) -> ScheduleConfig:
    if not isinstance(raw, dict):
        raise _config_error(path, text, "schedule", "应为一个表（[schedule]）")

    def opt_str(key: str) -> str | None:
        value = raw.get(key)
        if value is not None and not isinstance(value, str):
            raise _config_error(path, text, f"schedule.{key}", "应为文字，如 \"month.week2.wed\"")
        return value

    skip = raw.get("skip_months", [])
    if not isinstance(skip, list) or not all(isinstance(m, int) and 1 <= m <= 12 for m in skip):
        raise _config_error(path, text, "schedule.skip_months", "应为 1–12 的月份列表，如 [2, 8]")
    avoid = raw.get("avoid_makeup_days", False)
    if not isinstance(avoid, bool):
        raise _config_error(path, text, "schedule.avoid_makeup_days", "应为 true 或 false")

    fixed: dict[int, dict[int, date]] = {}
    dates = raw.get("dates", {})
    if not isinstance(dates, dict):
        raise _config_error(path, text, "schedule.dates", "应为表，如 \"2017-05\" = \"2017-05-12\"")
    for month_key, value in dates.items():
        m = re.fullmatch(r"(\d{4})-(\d{1,2})", str(month_key))
        try:
            day = value if isinstance(value, date) else date.fromisoformat(str(value))
        except ValueError:
            day = None
        if not m or day is None or (day.year, day.month) != (int(m[1]), int(m[2])):
            raise _config_error(path, text, f"schedule.dates.{month_key}",
                                "应写成 \"2017-05\" = \"2017-05-12\"，日期须在该月内")
        fixed.setdefault(day.year, {})[day.month] = day

    blackouts: dict[date, str] = {}
    for item in raw.get("blackout", []):
        try:
            value = item["date"]
            day = value if isinstance(value, date) else date.fromisoformat(str(value))
            blackouts[day] = str(item.get("reason", "重大活动"))
        except (KeyError, TypeError, ValueError):
            raise _config_error(path, text, "schedule.blackout",
                                "每项应写成 date = \"2017-05-10\"、reason = \"县党代会\"") from None
    return ScheduleConfig(
        rule=opt_str("rule"),
        holiday_policy=opt_str("holiday_policy"),
        week_def=opt_str("week_def"),
        skip_months=tuple(skip),
        avoid_makeup_days=avoid,
        fixed_dates=fixed,
        blackouts=blackouts,
    )


def discover(explicit: Path | None = None) -> Workspace | None:
    root = find_root(explicit)
    return load(root) if root is not None else None
