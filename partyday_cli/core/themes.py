"""Theme catalogues (规定主题/自选主题) and the year's theme plan (SPEC §11, §12).

A `Catalogue` lists requirements, each with a frequency. `plan_themes` puts one or
several themes on every activity date so that each frequency is met wherever the dates
allow it, and says in Chinese which requirement the dates cannot allow. `check_plan`
verifies a plan independently of how it was made. No file I/O here.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from partyday_cli.errors import UserError

KINDS = ("主题党日", "支部委员会", "支部党员大会", "党小组会", "党课", "组织生活会", "民主评议党员")
ACTIVITY_KIND = "主题党日"  # every activity day counts as one
FREQUENCIES = {
    "monthly": "每月一次", "quarterly": "每季度一次", "halfyearly": "每半年一次",
    "yearly": "每年一次", "year-start": "每年年初一次", "around": "节日前后",
    "atleast": "每年至少N次", "any": "随时",
}
AROUND = {"七一": (6, 7), "元旦春节": (1, 2), "国庆": (9, 10)}
ANCHORS = {"mid": "年中", "end": "年底"}
YEAR_START = (1, 2, 3)
_CN_NUM = "一二三四"
# (name, months): the periods of a quarterly or half-yearly requirement
QUARTERS = tuple((f"第{_CN_NUM[q]}季度", (3 * q + 1, 3 * q + 2, 3 * q + 3)) for q in range(4))
HALVES = (("上半年", (1, 2, 3, 4, 5, 6)), ("下半年", (7, 8, 9, 10, 11, 12)))
_REQ_KEYS = ("name", "type", "frequency", "count", "anchor", "around", "months",
             "prefer_months", "kinds", "content", "form", "assumed")
_TOP_KEYS = ("title", "source", "min_activities", "min_per_month", "min_chosen", "chosen",
             "filler", "requirement")
# the order requirements are placed in: the most constrained first
_ORDER = ("monthly", "year-start", "around", "halfyearly", "quarterly", "yearly",
          "atleast", "any")


@dataclass(frozen=True)
class Requirement:
    name: str
    type: str  # "required" | "chosen"
    frequency: str
    kinds: tuple[str, ...] = ()
    content: str = ""
    form: str = ""
    count: int = 1  # frequency "atleast"
    anchor: tuple[str, ...] = ()  # frequency "halfyearly": "mid" 年中, "end" 年底
    around: tuple[str, ...] = ()  # frequency "around": names from AROUND
    months: tuple[int, ...] = ()  # frequency "around": one more window of months
    prefer_months: tuple[int, ...] = ()  # soft preference (yearly, atleast, any)
    assumed: str = ""  # why the frequency is the catalogue's, not the scheme's (待确认 in doctor)

    @property
    def windows(self) -> tuple[tuple[int, ...], ...]:
        """The month windows of an "around" requirement, in order of preference."""
        out = tuple(AROUND[n] for n in self.around)
        return out + ((self.months,) if self.months else ())

    @property
    def label(self) -> str:
        """'党务公开（每季度一次）' — how sentences name this requirement."""
        f = self.frequency
        if f == "atleast":
            text = f"每年至少{self.count}次"
        elif f == "halfyearly" and self.anchor:
            text = "、".join(ANCHORS[a] for a in self.anchor) + "各一次"
        elif f == "around":
            text = "或".join(_window_zh(self, w) for w in self.windows) + "期间"
        else:
            text = FREQUENCIES[f]
        prefix = "自选主题，" if self.type == "chosen" else ""
        return f"{self.name}（{prefix}{text}）"


@dataclass(frozen=True)
class Catalogue:
    name: str
    title: str
    source: str
    requirements: tuple[Requirement, ...]
    chosen: tuple[str, ...] = ()
    min_activities: int = 0
    min_chosen: int = 0
    filler: str | None = None
    min_per_month: int = 0  # 每月至少两次: checked month by month, not over the year

    def theme_names(self) -> list[str]:
        names = [r.name for r in self.requirements]
        return names + [c for c in self.chosen if c not in names]

    def requirement(self, name: str) -> Requirement | None:
        for r in self.requirements:
            if r.name == name:
                return r
        if name in self.chosen:
            return Requirement(name, "chosen", "any", content=f"自选主题：{name}")
        return None

    def planned(self) -> list[Requirement]:
        """What a plan must hold: the required themes, then the chosen list."""
        out = [r for r in self.requirements if r.type == "required"]
        return out + [r for c in self.chosen if (r := self.requirement(c)) is not None]

    def is_chosen(self, name: str) -> bool:
        r = self.requirement(name)
        return r is not None and r.type == "chosen"


@dataclass(frozen=True)
class PlannedTheme:
    date: date
    themes: tuple[str, ...]
    kinds: tuple[str, ...]
    content: str
    form: str


@dataclass(frozen=True)
class PlanResult:
    items: list[PlannedTheme]
    unmet: list[str]


# ---------------------------------------------------------------- validation

class _Where:
    """Builds the Chinese error prefix: 主题目录“9+3”第3个主题“公开承诺”：."""

    def __init__(self, catalogue: str, index: int | None = None, name: str = ""):
        self.text = f"主题目录“{catalogue}”"
        if index is not None:
            self.text += f"第{index}个主题" + (f"“{name}”" if name else "")

    def fail(self, message: str) -> UserError:
        return UserError(f"{self.text}：{message}")


def _text(where: _Where, data: Mapping[str, Any], key: str, default: str | None = None) -> str:
    if key not in data and default is None:
        raise where.fail(f"缺少 {key}，请补上一行 {key} = \"…\"")
    value = data.get(key, default)
    if not isinstance(value, str) or (default is None and not value.strip()):
        raise where.fail(f"{key} 应为文字（用英文双引号括起），现在是 {_show(value)}")
    return value.strip()


def _show(value: Any) -> str:
    return f"“{value}”" if isinstance(value, str) else repr(value)


def _int(where: _Where, data: Mapping[str, Any], key: str, default: int, low: int = 0) -> int:
    value = data.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int) or value < low:
        raise where.fail(f"{key} 应为不小于{low}的整数，现在是 {_show(value)}")
    return value


def _list(where: _Where, data: Mapping[str, Any], key: str, allowed: tuple | None = None,
          item: type = str) -> tuple:
    value = data.get(key, [])
    if not isinstance(value, list):
        raise where.fail(f"{key} 应为列表，如 {key} = [...]，现在是 {_show(value)}")
    for v in value:
        ok = isinstance(v, item) and not isinstance(v, bool)
        if not ok or (allowed is not None and v not in allowed):
            choices = f"，可选：{'、'.join(map(str, allowed))}" if allowed else ""
            raise where.fail(f"{key} 中的 {_show(v)} 无法识别{choices}")
    if len(set(value)) != len(value):
        raise where.fail(f"{key} 中有重复的项")
    return tuple(value)


def _unknown_keys(where: _Where, data: Mapping[str, Any], known: tuple[str, ...]) -> None:
    for key in data:
        if key not in known:
            raise where.fail(f"不认识的键“{key}”，可用的键：{'、'.join(known)}")


def _requirement(data: Any, catalogue: str, index: int) -> Requirement:
    where = _Where(catalogue, index)
    if not isinstance(data, dict):
        raise where.fail("每个主题应写成一段 [[requirement]]")
    where = _Where(catalogue, index, str(data.get("name", "")))
    _unknown_keys(where, data, _REQ_KEYS)
    name = _text(where, data, "name")
    kind = _text(where, data, "type", "required")
    if kind not in ("required", "chosen"):
        raise where.fail(f"type = “{kind}” 无法识别，可选：required（规定主题）、chosen（自选主题）")
    freq = _text(where, data, "frequency", "any" if kind == "chosen" else None)
    if freq not in FREQUENCIES:
        choices = "、".join(f"{k}（{v}）" for k, v in FREQUENCIES.items())
        raise where.fail(f"frequency = “{freq}” 无法识别，可选：{choices}")
    months = tuple(range(1, 13))
    req = Requirement(
        name=name, type=kind, frequency=freq,
        kinds=_list(where, data, "kinds", KINDS),
        content=_text(where, data, "content", ""), form=_text(where, data, "form", ""),
        count=_int(where, data, "count", 1, low=1),
        anchor=_list(where, data, "anchor", tuple(ANCHORS)),
        around=_list(where, data, "around", tuple(AROUND)),
        months=_list(where, data, "months", months, int),
        prefer_months=_list(where, data, "prefer_months", months, int),
        assumed=_text(where, data, "assumed", ""),
    )
    _check_frequency_keys(where, data, req)
    return req


def _check_frequency_keys(where: _Where, data: Mapping[str, Any], req: Requirement) -> None:
    f = req.frequency
    only = {"count": "atleast", "anchor": "halfyearly", "around": "around", "months": "around"}
    for key, freq in only.items():
        if key in data and f != freq:
            raise where.fail(f"{key} 只能用于 frequency = “{freq}”，本主题是“{f}”")
    if f == "atleast" and "count" not in data:
        raise where.fail("frequency = “atleast” 时须写 count（每年至少几次），如 count = 4")
    if f == "around" and not req.windows:
        raise where.fail("frequency = “around” 时须写 around = [\"七一\", \"元旦春节\"] 或 months = [9, 10]")
    if "prefer_months" in data and f not in ("yearly", "atleast", "any"):
        raise where.fail(f"prefer_months 只能用于 yearly、atleast、any，本主题是“{f}”")


def catalogue_from_dict(data: dict, name: str) -> Catalogue:
    """A validated `Catalogue`; a Chinese `UserError` naming the theme and the bad key."""
    where = _Where(name)
    if not isinstance(data, dict):
        raise where.fail("内容应为 TOML 表")
    _unknown_keys(where, data, _TOP_KEYS)
    raw = data.get("requirement", [])
    if not isinstance(raw, list) or not raw:
        raise where.fail("没有任何主题，请用 [[requirement]] 逐个列出")
    reqs = tuple(_requirement(r, name, i) for i, r in enumerate(raw, start=1))
    names = [r.name for r in reqs]
    for i, n in enumerate(names, start=1):
        if names.index(n) != i - 1:
            raise _Where(name, i, n).fail("主题名称重复")
    default_chosen = [r.name for r in reqs if r.type == "chosen"]
    chosen = _list(where, {"chosen": data.get("chosen", default_chosen)}, "chosen")
    for c in chosen:
        if c in names and next(r for r in reqs if r.name == c).type == "required":
            raise where.fail(f"chosen 中的“{c}”是规定主题，不能再列为自选主题")
    min_chosen = _int(where, data, "min_chosen", 0)
    if len(chosen) < min_chosen:
        raise where.fail(f"chosen 只列了{len(chosen)}个自选主题，少于 min_chosen = {min_chosen}，"
                         "请在 chosen 中补足")
    filler = data.get("filler")
    if filler is not None and (not isinstance(filler, str) or filler not in names + list(chosen)):
        raise where.fail(f"filler = {_show(filler)} 不是本目录中的主题，可选：{'、'.join(names)}")
    if filler is None:
        filler = next((r.name for r in reqs if r.type == "required"), None)
    return Catalogue(
        name=name, title=_text(where, data, "title", name), source=_text(where, data, "source", ""),
        requirements=reqs, chosen=chosen, min_activities=_int(where, data, "min_activities", 0),
        min_chosen=min_chosen, filler=filler, min_per_month=_int(where, data, "min_per_month", 0),
    )


# ---------------------------------------------------------------- sentences

def _months_zh(months: tuple[int, ...] | list[int]) -> str:
    return "、".join(str(m) for m in months) + "月"


def _window_zh(req: Requirement, window: tuple[int, ...]) -> str:
    for name, months in AROUND.items():
        if months == window and name in req.around:
            return name
    return _months_zh(window)


def _periods(req: Requirement) -> tuple[tuple[str, tuple[int, ...]], ...]:
    return QUARTERS if req.frequency == "quarterly" else HALVES


def _impossible(req: Requirement, months: set[int], n_dates: int) -> str | None:
    """Why the dates (their months and number) cannot allow `req`; None when they can."""
    label, f = req.label, req.frequency
    if n_dates == 0:
        return f"{label}：全年没有活动日，无法安排"
    if f in ("quarterly", "halfyearly"):
        empty = [f"{p}（{_months_zh(ms)}）" for p, ms in _periods(req) if not months & set(ms)]
        return f"{label}：{'、'.join(empty)}没有活动日，无法安排" if empty else None
    if f == "year-start" and not months & set(YEAR_START):
        return f"{label}：1—3月没有活动日，无法在年初安排"
    if f == "around" and not any(months & set(w) for w in req.windows):
        wins = "和".join(_months_zh(w) for w in req.windows)
        return f"{label}：{wins}{'都' if len(req.windows) > 1 else ''}没有活动日，无法安排"
    if f == "atleast" and n_dates < req.count:
        return f"{label}：全年只有{n_dates}个活动日"
    return None


def _per_month_short(catalogue: Catalogue, dates: list[date]) -> list[str]:
    """每月至少两次: the months (with any activity planned in the year) holding fewer."""
    need = catalogue.min_per_month
    if not need or not dates:
        return []
    year = dates[0].year
    counts = {m: sum(1 for d in dates if d.month == m) for m in range(1, 13)}
    short = [f"{m}月只有{n}次" for m, n in counts.items() if n < need]
    return [f"每月至少{_cn_count(need)}次：{year}年" + "、".join(short)] if short else []


def _cn_count(n: int) -> str:
    return "一两三四五六七八九十"[n - 1] if 1 <= n <= 10 else str(n)


def _activities_short(catalogue: Catalogue, n_dates: int) -> str | None:
    if n_dates < catalogue.min_activities:
        return f"全年活动不少于{catalogue.min_activities}次：只有{n_dates}个活动日"
    return None


def _chosen_label(catalogue: Catalogue) -> str:
    return f"自选主题（不少于{catalogue.min_chosen}个）"


# ---------------------------------------------------------------- checking

def _missed(req: Requirement, months: set[int], hits: set[date], n_dates: int) -> list[str]:
    """Where a plan misses `req` although its dates allow it."""
    f, hit_months = req.frequency, {d.month for d in hits}
    if f == "monthly":
        gone = sorted(months - hit_months)
        return [_months_zh(gone) + "计划中未安排"] if gone else []
    if f in ("quarterly", "halfyearly"):
        gone = [p for p, ms in _periods(req) if months & set(ms) and not hit_months & set(ms)]
        return ["、".join(gone) + "计划中未安排"] if gone else []
    if f == "year-start":
        ok = hit_months & set(YEAR_START) or not months & set(YEAR_START)
        return [] if ok else ["年初（1—3月）计划中未安排"]
    if f == "around":
        ok = any(hit_months & set(w) for w in req.windows)
        return [] if ok or not any(months & set(w) for w in req.windows) else ["计划中未安排"]
    if f == "atleast":
        want = min(req.count, n_dates)
        return [f"计划中只安排了{len(hits)}次"] if len(hits) < want else []
    return [] if hits else ["计划中未安排"]


def check_plan(items: list[PlannedTheme], catalogue: Catalogue, *,
               one_per_day: bool = False) -> list[str]:
    """Every requirement of `catalogue` the plan does not meet, as Chinese sentences."""
    dates = {it.date for it in items}
    months = {d.month for d in dates}
    out = [s for s in [_activities_short(catalogue, len(dates))] if s]
    out += _per_month_short(catalogue, sorted(d for d in dates))
    if one_per_day:
        out += [f"每次一个主题：{it.date.month}月{it.date.day}日安排了{len(it.themes)}个主题"
                f"（{'、'.join(it.themes)}）" for it in items if len(it.themes) > 1]
    for req in catalogue.planned():
        hits = {it.date for it in items if req.name in it.themes}
        why = _impossible(req, months, len(dates))
        out += [why] if why else []
        if dates:
            out += [f"{req.label}：{m}" for m in _missed(req, months, hits, len(dates))]
    chosen = {t for it in items for t in it.themes if catalogue.is_chosen(t)}
    if len(chosen) < catalogue.min_chosen:
        out.append(f"{_chosen_label(catalogue)}：全年没有活动日，无法安排" if not dates
                   else f"{_chosen_label(catalogue)}：计划中只安排了{len(chosen)}个")
    return out


def kind_counts(items: list[PlannedTheme]) -> dict[str, int]:
    """How many activities count for each kind (三会一课 etc.), in vocabulary order."""
    return {k: sum(1 for it in items if k in it.kinds) for k in KINDS}


# ---------------------------------------------------------------- planning

class _Board:
    """The activity dates and the themes put on each so far."""

    def __init__(self, dates: list[date], one_per_day: bool = False):
        self.dates = dates
        self.themes: list[list[str]] = [[] for _ in dates]
        self.one_per_day = one_per_day  # 每次一主题 / 每月一主题: never a second theme on a day

    def load(self, i: int) -> int:
        return len(self.themes[i])

    def slots(self, months: tuple[int, ...] | set[int] | None = None) -> list[int]:
        return [i for i, d in enumerate(self.dates) if months is None or d.month in months]

    def open(self, slots: list[int]) -> list[int]:
        """The slots a new theme may still go on."""
        return [i for i in slots if not (self.one_per_day and self.themes[i])]

    def hits(self, name: str, slots: list[int] | None = None) -> list[int]:
        return [i for i in (self.slots() if slots is None else slots) if name in self.themes[i]]

    def put(self, name: str, i: int | None) -> None:
        if i is not None and name not in self.themes[i]:
            self.themes[i].append(name)

    def pick(self, slots: list[int], prefer: tuple[int, ...] = (),
             ideal: float | None = None) -> int | None:
        """The slot to use: nearest the preferred months, then least loaded, then nearest
        the ideal position (spreading one-off themes over the year), then earliest.
        None when one theme a day is asked and every slot already has one."""
        slots = self.open(slots)
        if not slots:
            return None

        def key(i: int) -> tuple:
            m = self.dates[i].month
            away = min((abs(m - p) for p in prefer), default=0)
            return away, self.load(i), abs(i - ideal) if ideal is not None else 0, i

        return min(slots, key=key)


def _place(req: Requirement, board: _Board, ideal: float) -> None:
    f, name = req.frequency, req.name
    if not board.dates:
        return
    if f == "monthly":
        for m in sorted({d.month for d in board.dates}):
            if not board.hits(name, board.slots({m})):
                board.put(name, board.pick(board.slots({m})))
    elif f in ("quarterly", "halfyearly"):
        for period, months in _periods(req):
            slots = board.slots(set(months))
            if slots and not board.hits(name, slots):
                board.put(name, board.pick(slots, _anchor_months(req, period)))
    elif f == "year-start":
        if not board.hits(name, board.slots(set(YEAR_START))):
            # the year's first activity, even when it is after March
            board.put(name, next(iter(board.open(board.slots())), None) if board.one_per_day else 0)
    elif f == "around":
        windows = [board.slots(set(w)) for w in req.windows]
        if not any(board.hits(name, w) for w in windows):
            slots = next((w for w in windows if w), [])
            if slots:
                board.put(name, board.pick(slots))
    elif f == "atleast":
        _place_atleast(req, board)
    elif not board.hits(name):  # yearly, any
        board.put(name, board.pick(board.slots(), req.prefer_months, ideal))


def _anchor_months(req: Requirement, period: str) -> tuple[int, ...]:
    if period == "上半年" and "mid" in req.anchor:
        return (6,)
    if period == "下半年" and "end" in req.anchor:
        return (11, 12)
    return ()


def _place_atleast(req: Requirement, board: _Board) -> None:
    """N different dates: the preferred months first, else spread evenly over the year."""
    name, n = req.name, len(board.dates)

    def used() -> set[date]:
        return {board.dates[i] for i in board.hits(name)}

    def free() -> list[int]:
        return board.open([i for i in board.slots() if board.dates[i] not in used()])

    if not req.prefer_months:
        half = n / (2 * req.count)
        for k in range(req.count):
            ideal = (k + 0.5) * n / req.count
            if any(abs(i - ideal) <= half for i in board.hits(name)) or len(used()) >= req.count:
                continue
            near = [i for i in free() if abs(i - ideal) <= half] or free()
            if near:
                board.put(name, board.pick(near, ideal=ideal))
    while len(used()) < req.count and free():
        board.put(name, board.pick(free(), req.prefer_months, ideal=n / 2))


def _pin(pins: Mapping[int, str] | None, catalogue: Catalogue, board: _Board) -> list[str]:
    notes = []
    for month, name in sorted(_clean_pins(pins, catalogue).items()):
        slots = board.slots({month})
        if slots:
            board.put(name, board.pick(slots))
        else:
            notes.append(f"固定在{month}月的“{name}”：{month}月没有活动日，无法按固定月份安排")
    return notes


def _clean_pins(pins: Mapping[Any, str] | None, catalogue: Catalogue) -> dict[int, str]:
    out: dict[int, str] = {}
    for key, name in (pins or {}).items():
        month = int(key) if isinstance(key, int | str) and str(key).strip().isdigit() else 0
        if not 1 <= month <= 12:
            raise UserError(f"主题固定月份（themes.pins）中的“{key}”不是1—12的月份")
        if catalogue.requirement(str(name)) is None:
            raise UserError(f"固定在{month}月的主题“{name}”不在主题目录“{catalogue.name}”中，"
                            f"可选：{'、'.join(catalogue.theme_names())}")
        out[month] = str(name)
    return out


def _item(day: date, names: list[str], catalogue: Catalogue) -> PlannedTheme:
    order = catalogue.theme_names()
    reqs = [r for n in sorted(names, key=order.index) if (r := catalogue.requirement(n))]
    kinds = {ACTIVITY_KIND, *(k for r in reqs for k in r.kinds)}
    forms = list(dict.fromkeys(r.form for r in reqs if r.form))
    return PlannedTheme(
        date=day, themes=tuple(r.name for r in reqs),
        kinds=tuple(k for k in KINDS if k in kinds),
        content="；".join(r.content or r.name for r in reqs), form="；".join(forms),
    )


def plan_themes(dates: list[date], catalogue: Catalogue,
                pins: Mapping[int, str] | None = None, *, one_per_day: bool = False) -> PlanResult:
    """Themes for the year's activity dates (one item per date, in date order).

    `one_per_day` (每次一主题 / 每月一主题): each date gets exactly one theme; a
    requirement with no date left is named in `unmet`."""
    dates = sorted(dates)
    if len({d.year for d in dates}) > 1:
        raise UserError("活动日期不在同一年，请按年份分别安排主题："
                        + "、".join(str(y) for y in sorted({d.year for d in dates})))
    board = _Board(dates, one_per_day)
    pin_notes = _pin(pins, catalogue, board)
    planned = catalogue.planned()
    oneoff = [r for r in planned if r.frequency in ("yearly", "any") and not r.prefer_months]
    for phase in ("required", "chosen"):
        for freq in _ORDER:
            for req in (r for r in planned if r.type == phase and r.frequency == freq):
                k = oneoff.index(req) if req in oneoff else 0
                _place(req, board, (k + 0.5) * len(dates) / max(len(oneoff), 1))
    for i in board.slots():
        if not board.themes[i] and catalogue.filler:
            board.put(catalogue.filler, i)
    items = [_item(d, board.themes[i], catalogue) for i, d in enumerate(dates)]
    unmet = _unmet(catalogue, dates)
    checked = check_plan(items, catalogue, one_per_day=one_per_day)
    unmet += [s for s in checked if s not in unmet]  # never hide a miss
    return PlanResult(items, unmet + pin_notes)


def _unmet(catalogue: Catalogue, dates: list[date]) -> list[str]:
    """What the dates themselves cannot allow, in catalogue order."""
    n, months = len(set(dates)), {d.month for d in dates}
    out = [s for s in [_activities_short(catalogue, n)] if s]
    out += _per_month_short(catalogue, sorted(set(dates)))
    out += [s for r in catalogue.planned() if (s := _impossible(r, months, n))]
    if not dates and catalogue.min_chosen:
        out.append(f"{_chosen_label(catalogue)}：全年没有活动日，无法安排")
    return out
