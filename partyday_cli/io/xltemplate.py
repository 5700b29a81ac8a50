"""Fill an .xlsx template (SPEC §9): Jinja2 in cells, one marked row repeated per item.

A template is an ordinary workbook, typically a 党委's own sign-in sheet or ledger.

Template syntax
---------------
* Any text cell may hold Jinja2: ``{{ branch.name }}``, ``{{ year }}年党员活动日签到表``,
  ``{% if m.phone %}…{% endif %}``. A cell whose whole text is one ``{{ expr }}`` keeps
  the value's type: a date stays a date (shown with the template cell's date format,
  else yyyy-mm-dd), a number stays a number, None leaves the cell empty. Mixed text
  becomes a string; None prints as nothing there too, a date as 2025-05-06.
* Row loop: a cell whose text *starts with*

      {%row for m in members %}

  makes its row the repeated row. The marker is removed; the rest of that cell and the
  other cells of the row are filled once per item, each copy on its own row, with the
  loop variable bound and ``loop.index``, ``loop.index0``, ``loop.revindex``,
  ``loop.first``, ``loop.last``, ``loop.length``, ``loop.previtem``, ``loop.nextitem``,
  ``loop.cycle('a', 'b')`` available. Anything Jinja accepts after ``for`` works:
  ``{%row for name, n in counts %}``, ``{%row for m in members if m.present %}``. One row
  is one loop: there is no ``endfor``. ``{% row for … %}`` (with a space) is accepted too.
  Several loop rows per sheet are fine; an empty list removes its row.
* Formula cells are left alone (no Jinja inside formulas).

What filling keeps
------------------
Cell styles, merged cells (a merge inside the loop row is repeated on every copy; merges
below move down), column widths, row heights (the loop row's height on every copy),
page setup (paper, orientation, fit-to-page, margins, header/footer), print titles and
the print area, auto-filter, row page breaks, data validations and conditional formats
(their ranges grow with the loop row or move with what is below), formulas that refer
to moved or grown rows (``=SUM(E5:E5)`` under a loop row becomes ``=SUM(E5:E64)``; a
formula in the loop row is copied like Excel's fill-down), and every other sheet.

What it does not keep: images, charts and shapes are not moved with the rows (openpyxl
keeps images and charts only partly); comments and hyperlinks in the loop row are not
copied; workbook-level defined names other than the print settings are not moved;
rich-text runs inside a *template* cell are flattened (static rich text is kept).

Rendering is sandboxed (``ImmutableSandboxedEnvironment``, ``StrictUndefined``). Every
mistake becomes one Chinese `TemplateError` naming the template, sheet and cell.
Rendered strings that start with = + - @ are written as text (with Excel's quote
prefix), never as formulas. The output is deterministic: the same template and context
give the same bytes.
"""

from __future__ import annotations

import contextlib
import io
import re
from collections.abc import Mapping
from copy import copy
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from partyday_cli.errors import UserError

ROW_MARKER = "{%row"

_FIXED_TIME = datetime(2000, 1, 1)
_OLE_MAGIC = bytes.fromhex("D0CF11E0A1B11AE1")
_MARKER_AT = re.compile(r"\{%-?\s*row")
_MARKER_TAG = re.compile(r"\s*\{%-?\s*row(\s.*?)?(-?)%\}", re.S)
_SINGLE_EXPR = re.compile(r"\{\{-?(.*?)-?\}\}", re.S)
_REF_PART = re.compile(r"(\$?[A-Za-z]{1,3})?(\$?)(\d+)")
_CAPTURE = "_partyday_row"
_JINJA_OPENERS = ("{{", "{%", "{#")
_STYLE_ATTRS = ("font", "border", "fill", "alignment", "protection", "number_format",
                "quotePrefix")


class TemplateError(UserError):
    """A mistake in an .xlsx template, as one Chinese line naming sheet and cell."""

    def __init__(self, message: str, *, sheet: str | None = None, cell: str | None = None):
        super().__init__(message)
        self.sheet = sheet
        self.cell = cell


@dataclass(frozen=True)
class _Where:
    template: str
    sheet: str
    cell: str

    def fail(self, what: str, item: int | None = None) -> TemplateError:
        name = f"模板 {self.template} " if self.template else "模板"
        nth = f"（第 {item} 项）" if item else ""
        return TemplateError(f"{name}工作表“{self.sheet}”{self.cell} 单元格{nth}：{what}",
                             sheet=self.sheet, cell=self.cell)


@dataclass(frozen=True)
class _Loop:
    """What ``loop`` means in a loop row: a snapshot of Jinja's loop for one item."""

    index0: int
    length: int
    previtem: object
    nextitem: object
    depth: int = 1
    depth0: int = 0

    @property
    def index(self) -> int:
        return self.index0 + 1

    @property
    def revindex(self) -> int:
        return self.length - self.index0

    @property
    def revindex0(self) -> int:
        return self.length - self.index0 - 1

    @property
    def first(self) -> bool:
        return self.index0 == 0

    @property
    def last(self) -> bool:
        return self.index0 == self.length - 1

    def cycle(self, *values: object) -> object:
        return values[self.index0 % len(values)] if values else ""


class _Compiled:
    """One template cell's text, compiled once and evaluated per context."""

    def __init__(self, env, source: str, where: _Where):
        from jinja2 import TemplateSyntaxError, nodes

        self.where, self.env = where, env
        try:
            self.ast = env.parse(source)
            body = self.ast.body
            single = (len(body) == 1 and isinstance(body[0], nodes.Output)
                      and len(body[0].nodes) == 1
                      and not isinstance(body[0].nodes[0], nodes.TemplateData))
            match = _SINGLE_EXPR.fullmatch(source) if single else None
            self.expr = env.compile_expression(match[1], undefined_to_none=False) if match else None
            self.template = None if match else env.from_string(self.ast)
        except TemplateSyntaxError as exc:
            raise _syntax_error(where, exc) from None

    def __call__(self, context: Mapping[str, object], item: int | None = None) -> object:
        from jinja2 import Undefined

        self.env.calls = 0
        try:
            if self.expr is None:
                return self._render(context)
            value = self.expr(context)
            if isinstance(value, Undefined):
                str(value)  # raises the UndefinedError / SecurityError it carries
            if isinstance(value, str) and len(value) > CELL_LIMIT:
                raise _too_big(f"生成的内容有 {len(value)} 个字符")
            return value
        except _Limit as exc:
            raise self.where.fail(str(exc), item) from None
        except RecursionError:
            raise self.where.fail("模板嵌套或递归太深（可能是宏调用了自身）。请简化该单元格", item) from None
        except Exception as exc:
            raise _runtime_error(self.where, exc, self.ast, item) from None

    def _render(self, context: Mapping[str, object]) -> str:
        """The rendered text, stopped as soon as it is longer than a cell can hold."""
        parts, size = [], 0
        for part in self.template.generate(context):
            size += len(part)
            if size > CELL_LIMIT:
                raise _too_big(f"生成的内容超过 {CELL_LIMIT} 个字符")
            parts.append(part)
        return "".join(parts)


@dataclass
class _LoopRow:
    row: int
    targets: list[str]
    items: _Compiled  # renders nothing; collects the bindings through _CAPTURE
    cells: dict[int, _Compiled]  # column -> the cell's text without the marker


# ----------------------------------------------------------------------------- API


def render_workbook(template: bytes, context: Mapping[str, object], *, template_name: str) -> bytes:
    """Fill `template` with `context` and return the new .xlsx bytes (see module doc).

    Raises `TemplateError` for any mistake in the template; nothing is returned then.
    """
    env = _environment()
    workbook = _load(template, template_name)
    base = dict(context)
    for sheet in workbook.worksheets:
        plain, loops = _scan(env, sheet, template_name)
        for cell, compiled in plain:
            _write(cell, compiled(base))
        for loop in sorted(loops, key=lambda lp: lp.row, reverse=True):
            _fill_loop(workbook, sheet, loop, base)
        _fit_wrapped_rows(sheet)
        _no_tail_page(sheet)
    return _save(workbook)


# A4 in points (portrait); the last page of a sheet fit to width only that holds less than
# this share of a page (a signature line, a repeated header) is brought onto the others
_A4 = (595.0, 842.0)
_TAIL = 0.5


def _no_tail_page(sheet) -> None:  # type: ignore[no-untyped-def]
    """A sheet set to fit its width (fitToHeight 0) whose filled rows run just over a page
    — a year's 12 activities, and the 支部书记（签字） line alone on page 2 — is fit to
    one page instead (shrunk to two thirds at most, as the 书记 would in the print dialog;
    row heights here are estimates, a little above what Excel, WPS and LibreOffice draw).
    A sheet needing more (24 activities) keeps its pages."""
    from openpyxl.utils import get_column_letter

    setup, props = sheet.page_setup, sheet.sheet_properties.pageSetUpPr
    if props is None or not props.fitToPage or setup.fitToHeight not in (0, "0") or setup.fitToWidth in (0, "0"):
        return
    if setup.paperSize not in (None, 9, "9"):  # A4 only: the size is known
        return
    wide, tall = _A4[::-1] if setup.orientation == "landscape" else _A4
    margins = sheet.page_margins
    room_w = wide - 72 * ((margins.left or 0.7) + (margins.right or 0.7))
    room_h = tall - 72 * ((margins.top or 0.75) + (margins.bottom or 0.75))
    default_w = sheet.sheet_format.defaultColWidth or 8.43
    columns = sheet.max_column
    width = sum(((sheet.column_dimensions[get_column_letter(c)].width or default_w) * 7 + 5) * 0.75
                for c in range(1, columns + 1))
    scale = min(1.0, room_w / width) if width else 1.0
    default_h = sheet.sheet_format.defaultRowHeight or 15
    height = sum(sheet.row_dimensions[r].height or default_h for r in range(1, sheet.max_row + 1))
    pages = height * scale / room_h
    if 1 < pages <= 1 + _TAIL:
        setup.fitToHeight = 1


def _text_width(line: str) -> float:
    """A line's width in column-width units, as spreadsheet programs lay it out in their
    default fonts: a CJK or full-width character about 1.7 (measured on LibreOffice's
    rendering of the shipped 签到表), any other 1."""
    import unicodedata

    return sum(1.7 if unicodedata.east_asian_width(c) in "WF" else 1 for c in line)


def _fit_wrapped_rows(sheet) -> None:
    """Rows whose wrapped text no longer fits (a long 表尾 sentence in a merged cell, a
    long 备注) grow to show every line, as Excel's auto-fit would; LibreOffice, WPS and
    Excel do not grow a merged cell's row, nor a row whose height the template fixes.
    Rows are never made lower."""
    from math import ceil

    from openpyxl.utils import get_column_letter

    default = sheet.sheet_format.defaultColWidth or 8.43
    widths: dict[int, float] = {}

    def width(col: int) -> float:
        if col not in widths:
            dim = sheet.column_dimensions.get(get_column_letter(col))
            widths[col] = dim.width if dim is not None and dim.width else default
        return widths[col]

    spans = {}
    for rng in sheet.merged_cells.ranges:
        if rng.min_row == rng.max_row:
            spans[(rng.min_row, rng.min_col)] = rng.max_col
        else:  # a cell over several rows has their heights together: left as designed
            spans[(rng.min_row, rng.min_col)] = None
    need: dict[int, float] = {}
    for row in sheet.iter_rows():
        for cell in row:
            value = cell.value
            if not isinstance(value, str) or not cell.alignment.wrap_text or len(value) < 4:
                continue
            last = spans.get((cell.row, cell.column), cell.column)
            if last is None:
                continue
            room = max(sum(width(c) for c in range(cell.column, last + 1)) - 1, 1)
            # a little less room than the width: a line may not begin with “，” or “、”
            # (CJK line breaking moves a character down with it)
            lines = sum(max(1, ceil(_text_width(part) / (room * 0.92))) for part in value.split("\n"))
            if lines < 2:
                continue  # one line: the template's row shows it
            size = float(cell.font.sz or 11) if cell.font is not None else 11.0
            # the CJK fonts LibreOffice and WPS fall back on (Noto Sans CJK, 等线) set
            # about 1.45 em a line; 1.3 cut the last line of a wrapped cell in print
            height = lines * size * 1.45 + 2
            need[cell.row] = max(need.get(cell.row, 0), height)
    for r, height in need.items():
        dim = sheet.row_dimensions[r]
        current = dim.height or (sheet.sheet_format.defaultRowHeight or 15)
        if height > current + 0.5:
            dim.height = round(height, 1)


def template_variables(template: bytes, *, template_name: str = "") -> list[str]:
    """The top-level variable names the template uses, sorted (for ``--list-vars``)."""
    from jinja2 import meta

    env = _environment()
    workbook = _load(template, template_name)
    names: set[str] = set()
    for sheet in workbook.worksheets:
        plain, loops = _scan(env, sheet, template_name)
        for _cell, compiled in plain:
            names |= meta.find_undeclared_variables(compiled.ast)
        for loop in loops:
            names |= meta.find_undeclared_variables(loop.items.ast) - {_CAPTURE}
            for compiled in loop.cells.values():
                used = meta.find_undeclared_variables(compiled.ast)
                names |= used - set(loop.targets) - {"loop"}
    return sorted(names)


# ------------------------------------------------------------------ reading the template


# Limits against a hostile or careless template ({{ 'x'|center(10**10) }}, {{ 'A' * 10**9 }},
# a macro that calls itself): a cell holds at most Excel's 32,767 characters, no value
# built while rendering may be much larger, no width or count argument may exceed it,
# and one cell may make only so many calls and loop steps.
CELL_LIMIT = 32767
_VALUE_LIMIT = 4 * CELL_LIMIT
_CALL_LIMIT = 200_000
_SIZED_FILTERS = {"center", "indent", "truncate", "wordwrap", "batch", "slice", "format", "replace",
                  "join", "filesizeformat", "round", "urlize", "truncatewords"}
_SIZED_METHODS = {"center", "ljust", "rjust", "zfill", "expandtabs", "format", "format_map",
                  "replace", "join", "split", "rsplit", "splitlines"}
_WIDTH = re.compile(r"(?:%[-+ #0]*|[<>^=][+\- ]?#?0?|\{[^{}]*:[^{}]*?)(\d{6,}|[1-9]\d{5})")


class _Limit(Exception):
    """The template asked for more than a workbook cell can hold (message: Chinese)."""


def _too_big(what: str) -> _Limit:
    return _Limit(f"{what}，超出单元格上限（Excel 每格最多 {CELL_LIMIT} 个字符）。请检查该单元格的写法")


def _check_size(value: object) -> object:
    if isinstance(value, str | list | tuple | dict) and len(value) > _VALUE_LIMIT:
        raise _too_big(f"计算出的内容有 {len(value)} 个字符或项")
    return value


def _check_args(args: tuple, kwargs: dict) -> None:
    for arg in (*args, *kwargs.values()):
        if isinstance(arg, int) and not isinstance(arg, bool) and abs(arg) > CELL_LIMIT:
            raise _too_big(f"宽度或次数 {arg if arg < 10**12 else '超过一万亿'} 太大")
        if isinstance(arg, str) and _WIDTH.search(arg):
            raise _too_big("格式中的宽度太大")


def _product_size(left: object, right: object) -> int:
    if isinstance(left, int) and isinstance(right, str | list | tuple):
        left, right = right, left
    if isinstance(left, str | list | tuple) and isinstance(right, int):
        return len(left) * right
    return 0


def _environment():
    import functools

    from jinja2 import StrictUndefined
    from jinja2.sandbox import ImmutableSandboxedEnvironment

    class Guarded(ImmutableSandboxedEnvironment):
        """Sizes checked on every operator, filter and call; calls counted per cell."""

        intercepted_binops = frozenset({"*", "**", "+", "%"})
        calls = 0

        def call_binop(self, context, operator, left, right):  # type: ignore[no-untyped-def]
            if operator == "*" and _product_size(left, right) > _VALUE_LIMIT:
                raise _too_big("重复次数太多")
            if operator == "**" and isinstance(left, int | float) and isinstance(right, int | float) \
                    and abs(right) > 64 and abs(left) > 1:
                raise _too_big(f"乘方 {right} 次太大")
            if operator == "%" and isinstance(left, str):
                _check_args((left,), {})
            return _check_size(super().call_binop(context, operator, left, right))

        def call(__self, __context, __obj, *args, **kwargs):  # type: ignore[no-untyped-def]  # noqa: N805
            __self.calls += 1
            if __self.calls > _CALL_LIMIT:
                raise _Limit("计算量太大（可能是宏调用了自身）。请简化该单元格")
            method = getattr(__obj, "__wrapped__", __obj)  # the sandbox wraps str.format
            if getattr(method, "__name__", "") in _SIZED_METHODS and isinstance(getattr(method, "__self__", None), str):
                if method.__name__.startswith("format"):  # its arguments are values, not sizes
                    _check_args((method.__self__,), {})
                else:
                    _check_args(args, kwargs)
                if method.__name__ == "replace" and len(args) >= 2 and isinstance(args[1], str):
                    text, old = method.__self__, args[0]
                    if isinstance(old, str) and (text.count(old) if old else len(text) + 1) * len(args[1]) > _VALUE_LIMIT:
                        raise _too_big("替换后的内容太长")
            return _check_size(super().call(__context, __obj, *args, **kwargs))

    env = Guarded(
        undefined=StrictUndefined, autoescape=False, keep_trailing_newline=True,
        finalize=lambda value: "" if value is None else value,
        optimized=False,  # no constant folding: {{ 'x'|center(10**10) }} is checked, not run, when parsed
    )
    for name in _SIZED_FILTERS & set(env.filters):
        original = env.filters[name]

        @functools.wraps(original)
        def guarded(*args, __original=original, __name=name, **kwargs):  # type: ignore[no-untyped-def]
            values = [a for a in args if not hasattr(a, "filters") and not hasattr(a, "environment")]
            if __name == "format":  # its arguments are values, not sizes
                _check_args(tuple(v for v in values[:1] if isinstance(v, str)), {})
            else:
                _check_args(tuple(values[1:]), kwargs)
            if __name == "replace" and len(values) >= 3 and all(isinstance(v, str) for v in values[:3]):
                text, old, new = values[:3]
                if (text.count(old) if old else len(text) + 1) * len(new) > _VALUE_LIMIT:
                    raise _too_big("替换后的内容太长")
            return _check_size(__original(*args, **kwargs))

        env.filters[name] = guarded
    env.globals.pop("lipsum", None)
    sandbox_range = env.globals["range"]

    def counted_range(*args: int) -> range:
        """range() whose items count as calls: nested loops over range() are bounded too."""
        steps = sandbox_range(*args)
        env.calls += len(steps)
        if env.calls > _CALL_LIMIT:
            raise _Limit("计算量太大（循环次数过多）。请简化该单元格")
        return steps

    env.globals["range"] = counted_range
    return env


def _load(template: bytes, name: str):
    import warnings

    from openpyxl import load_workbook

    label = f"模板 {name}" if name else "模板"
    if template.startswith(_OLE_MAGIC):
        raise TemplateError(f"{label} 是旧版 .xls 文件或设置了打开密码，无法作为模板。"
                            "请在 Excel/WPS 中另存为 .xlsx（不设密码）后再试")
    if not template.startswith(b"PK"):
        raise TemplateError(f"{label} 不是 .xlsx 文件。请在 Excel/WPS 中打开它并另存为 .xlsx")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            workbook = load_workbook(io.BytesIO(template), rich_text=True)
    except Exception:  # openpyxl fails in many ways on a broken or foreign zip
        raise TemplateError(f"{label} 无法打开：文件已损坏或不是 .xlsx（如 .ods、.docx）。"
                            "请在 Excel/WPS 中另存为 .xlsx") from None
    workbook.template = False  # an .xltx template still gives an ordinary workbook
    return workbook


def _template_text(cell) -> str | None:
    """The cell's text if it holds Jinja; formulas, numbers and plain text give None."""
    from openpyxl.cell.rich_text import CellRichText

    value = cell.value
    if not isinstance(value, str | CellRichText) or cell.data_type != "s":
        return None
    text = str(value)
    return text if any(opener in text for opener in _JINJA_OPENERS) else None


_BRACES = re.compile(r"[｛{][｛{%％]|[%％}｝][｝}]")


def _refuse_fullwidth(sheet, name: str) -> None:
    """｛｛ branch.name ｝｝ (what a Chinese input method types) would print as it is: said,
    naming the cell, instead of a title that reads ｛｛ branch.name ｝｝签到表."""
    for row in sheet.iter_rows():
        for cell in row:
            value = cell.value
            if not isinstance(value, str) or cell.data_type != "s":
                continue
            for m in _BRACES.finditer(value):
                if not m[0].isascii():
                    raise _Where(name, sheet.title, cell.coordinate).fail(
                        f"“{m[0]}”是全角符号，模板标记要用半角的 {{{{ }}}} 或 {{% %}}（切换到英文输入法再输入）")


def _scan(env, sheet, name: str) -> tuple[list, list[_LoopRow]]:
    """Compile every template cell: ([(cell, compiled)] outside loops, [loop rows])."""
    _refuse_fullwidth(sheet, name)
    texts = [(cell, text) for row in sheet.iter_rows() for cell in row
             if (text := _template_text(cell)) is not None]
    loops: dict[int, _LoopRow] = {}
    for cell, text in texts:
        found = _MARKER_AT.search(text)
        if found is None:
            continue
        where = _Where(name, sheet.title, cell.coordinate)
        if text[:found.start()].strip():
            raise where.fail(f"行循环标记 {ROW_MARKER} 必须写在单元格内容的最前面")
        if cell.row in loops:
            raise where.fail("同一行只能有一个行循环标记 {%row for … %}，请删去多余的一个")
        loops[cell.row] = _parse_marker(env, text, cell.row, where)
    plain = []
    for cell, text in texts:
        where = _Where(name, sheet.title, cell.coordinate)
        loop = loops.get(cell.row)
        if loop is None:
            plain.append((cell, _Compiled(env, text, where)))
        else:
            marker = _MARKER_TAG.match(text)
            if marker:  # "-%}" trims what follows, as it would in Jinja
                text = text[marker.end():].lstrip() if marker[2] else text[marker.end():]
            loop.cells[cell.column] = _Compiled(env, text, where)
    return plain, list(loops.values())


def _parse_marker(env, text: str, row: int, where: _Where) -> _LoopRow:
    from jinja2 import TemplateSyntaxError, nodes

    usage = "行循环标记写法有误，应写成 {%row for m in members %}（for 变量 in 列表）"
    tag = _MARKER_TAG.match(text)
    header = re.fullmatch(r"\s*for\s+(.+?)\s*", tag[1] or "", re.S) if tag else None
    if header is None:
        raise where.fail(usage)
    header = header[1]
    try:
        loop = env.parse(f"{{% for {header} %}}{{% endfor %}}").body[0]
    except TemplateSyntaxError:
        raise where.fail(usage) from None
    if not isinstance(loop, nodes.For) or loop.recursive:
        raise where.fail(usage)
    target = loop.target
    names = [target.name] if isinstance(target, nodes.Name) else [
        n.name for n in target.find_all(nodes.Name)]
    pairs = ", ".join(f"{n!r}: {n}" for n in names)
    items = _Compiled(env, f"{{% for {header} %}}{{{{ {_CAPTURE}(loop, {{{pairs}}}) }}}}"
                           "{% endfor %}", where)
    return _LoopRow(row, names, items, {})


# ---------------------------------------------------------------------- error messages


def _syntax_error(where: _Where, exc) -> TemplateError:
    return where.fail(f"模板语法有误{_syntax_why(exc.message or '')}。请检查 {{{{ }}}} 与 {{% %}} 是否成对、"
                      "引号和括号是否配齐，不要用中文引号、全角括号或全角空格")


def _syntax_why(message: str) -> str:
    """Jinja's English, in the words of the cell's writer: a user reads no English."""
    if m := re.search(r"looking for the following tags: '(end\w+)'", message):
        tag = m[1][3:]
        if tag == "for":
            return ("（{% for %} 缺少结束标记 {% endfor %}；要按名单逐行填表，请在该行第一个单元格写 "
                    "{%row for m in members %}，不需要结束标记）")
        return f"（{{% {tag} %}} 缺少结束标记 {{% {m[1]} %}}）"
    if m := re.search(r"No filter named '(.+?)'", message):
        return f"（没有名为“{m[1]}”的过滤器）"
    if m := re.search(r"No test named '(.+?)'", message):
        return f"（没有名为“{m[1]}”的判断）"
    if m := re.search(r"expected token '(.+?)', got '(.+?)'", message):
        return f"（“{m[2]}”处写法有误，{'{{ }} 里只能写一个变量或表达式，文字请写在 {{ }} 外面' if 'print' in m[1] else '缺少符号或关键字'}）"
    if m := re.search(r"unexpected char '(.+?)'", message):
        return f"（不认识的字符“{m[1]}”）"
    if m := re.search(r"Encountered unknown tag '(.+?)'", message):
        return f"（不认识的标记“{m[1]}”）"
    if "unexpected end of template" in message.lower():
        return "（标记没有写完整）"
    return ""


def _runtime_error(where: _Where, exc: Exception, ast, item: int | None) -> TemplateError:
    from jinja2 import TemplateSyntaxError, UndefinedError
    from jinja2.exceptions import SecurityError

    path = _undefined_path(exc.message or "", ast) if isinstance(exc, UndefinedError) else ""
    if isinstance(exc, SecurityError) or re.search(r"(^|[.\[])'?_", path):
        return where.fail("模板不允许访问内部属性或修改数据。请只使用 --list-vars 列出的变量", item)
    if isinstance(exc, UndefinedError):
        return where.fail(f"未定义的变量 “{path}”。可用的变量见 --list-vars", item)
    if isinstance(exc, TemplateSyntaxError):
        return _syntax_error(where, exc)
    if isinstance(exc, TypeError | ValueError | ArithmeticError | LookupError):
        why = ("值的类型不对，如把文字当作数字计算或格式化" if isinstance(exc, TypeError) else
               "除数为零或数字超出范围" if isinstance(exc, ArithmeticError) else
               "列表或表格里没有这一项" if isinstance(exc, LookupError) else "值无法换算")
        return where.fail(f"表达式无法计算（{why}）。请检查该单元格的写法；变量的含义见 --list-vars", item)
    raise exc  # anything else is a bug in our own code or context objects


def _undefined_path(message: str, ast) -> str:
    """'branch.nmae' for Jinja's "'dict object' has no attribute 'nmae'"."""
    from jinja2 import nodes

    name = re.search(r"'(.+?)' is undefined", message)
    if name:
        return name[1]
    missing = re.search(r"has no (?:attribute|element) '?(.+?)'?$", message)
    if not missing:
        return message
    for node in ast.find_all((nodes.Getattr, nodes.Getitem)):
        key = node.attr if isinstance(node, nodes.Getattr) else getattr(node.arg, "value", None)
        if str(key) == missing[1] and (path := _dotted(node)):
            return path
    return missing[1]


def _dotted(node) -> str | None:
    from jinja2 import nodes

    if isinstance(node, nodes.Name):
        return node.name
    if isinstance(node, nodes.Getattr):
        base = _dotted(node.node)
        return base and f"{base}.{node.attr}"
    if isinstance(node, nodes.Getitem) and isinstance(node.arg, nodes.Const):
        base = _dotted(node.node)
        return base and f"{base}[{node.arg.value!r}]"
    return None


# --------------------------------------------------------------------------- filling


def _fill_loop(workbook, sheet, loop: _LoopRow, base: dict) -> None:
    from openpyxl.cell.cell import MergedCell

    bindings: list[tuple[dict, _Loop]] = []

    def capture(jinja_loop, names):
        bindings.append((dict(names), _Loop(jinja_loop.index0, jinja_loop.length,
                                            jinja_loop.previtem, jinja_loop.nextitem)))
        return ""

    loop.items({**base, _CAPTURE: capture})
    rows = []  # evaluate every copy before touching the sheet
    for number, (names, snapshot) in enumerate(bindings, 1):
        context = {**base, **names, "loop": snapshot}
        rows.append({col: compiled(context, number) for col, compiled in loop.cells.items()})
    _resize(workbook, sheet, loop.row, len(rows) - 1)
    for offset, values in enumerate(rows):
        for col, value in values.items():
            cell = sheet.cell(loop.row + offset, col)
            if not isinstance(cell, MergedCell):
                _write(cell, value)
    _room_to_sign(sheet, loop.row, len(rows))


# A row someone signs in by hand: at least 8 mm (23 pt), at most 12 mm (34 pt) where the page has room
_SIGN_MIN, _SIGN_MAX = 23.0, 34.0
_SIGN_WORDS = ("签名", "签字", "签到")


def _room_to_sign(sheet, row: int, count: int) -> None:  # type: ignore[no-untyped-def]
    """The rows of a 签到表 (a loop whose header, the row above, has a 签名/签字 column) high
    enough to sign in: shrunk to fit one page, 60 members' rows were 5 mm; a few members'
    filled a third of the page. They share the page's room between 8 and 12 mm each, and a
    list too long for 8 mm rows runs on to more pages, the header repeated (where the
    template fits the sheet to one page tall, it then fits the width only)."""
    if count < 1 or row < 2 or not any(isinstance(c.value, str) and any(w in c.value for w in _SIGN_WORDS)
                                       for c in sheet[row - 1]):
        return
    dims = sheet.row_dimensions
    default_h = sheet.sheet_format.defaultRowHeight or 15
    landscape = sheet.page_setup.orientation == "landscape"
    page_h = (_A4[0] if landscape else _A4[1]) - 2 * 72  # the default top and bottom margins
    others = sum(dims[r].height or default_h for r in range(1, sheet.max_row + 1) if not row <= r < row + count)
    height = max(_SIGN_MIN, min(_SIGN_MAX, (page_h - others - 10) / count))
    for r in range(row, row + count):
        if (dims[r].height or default_h) < height:
            dims[r].height = round(height, 1)
    if others + height * count > page_h and sheet.page_setup.fitToHeight == 1:
        sheet.page_setup.fitToHeight = 0  # more pages, not rows too small to sign in


def _write(cell, value: object) -> None:
    """Write a rendered value; a string never becomes a formula."""
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    if isinstance(value, datetime) and value.tzinfo is not None:
        value = value.replace(tzinfo=None)  # Excel has no time zones
    if value is None or isinstance(value, int | float | Decimal | date | time | timedelta):
        cell.value = value
        if isinstance(value, Decimal) and value.as_tuple().exponent == -2 and cell.number_format == "General":
            cell.number_format = "0.00"  # money keeps its 分 in a template cell of no format: 139.50, not 139.5
        return
    text = ILLEGAL_CHARACTERS_RE.sub("", str(value))
    cell.value = text or None
    if text[:1] in ("=", "+", "-", "@"):
        cell.data_type = "s"
        cell.quotePrefix = True  # Excel/WPS keep it text even when the cell is edited


def _resize(workbook, sheet, row: int, added: int) -> None:
    """Give loop row `row` `added` more copies below it (-1: remove it), moving the rest."""
    if added == 0:
        return

    merges = []
    for merged in sorted(sheet.merged_cells.ranges, key=str):
        if merged.max_row < row:
            continue
        if merged.min_row == merged.max_row == row:
            merges += [_with_rows(merged, row + k, row + k) for k in range(added + 1)]
        elif (rows := _moved(merged.min_row, merged.max_row, row, added)) is not None:
            merges.append(_with_rows(merged, *rows))
        sheet.unmerge_cells(merged.coord)
    _shift_formulas(workbook, sheet, row, added)
    if added > 0:
        sheet.insert_rows(row + 1, added)
        _copy_row(sheet, row, added)
    else:
        sheet.delete_rows(row)
    for line in sheet.iter_rows(min_row=row + max(added, 0) + 1):
        for cell in line:
            if cell.hyperlink is not None:  # a link remembers its cell by address
                cell.hyperlink.ref = cell.coordinate
    _shift_row_heights(sheet, row, added)
    _shift_print_settings(sheet, row, added)
    _shift_validations_and_formats(sheet, row, added)
    for coord in merges:
        sheet.merge_cells(coord)


def _moved(low: int, high: int, row: int, added: int) -> tuple[int, int] | None:
    """Rows low..high after the loop row `row` gains `added` copies (None: all gone).

    Above the loop row nothing moves; below it everything moves; a range that contains
    the loop row grows (or shrinks) with it.
    """
    if high < row:
        return low, high
    if low > row:
        return low + added, high + added
    return (low, high + added) if high + added >= low else None


def _with_rows(cell_range, low: int, high: int) -> str:
    from openpyxl.utils.cell import get_column_letter as letter

    return f"{letter(cell_range.min_col)}{low}:{letter(cell_range.max_col)}{high}"


def _copy_row(sheet, row: int, added: int) -> None:
    """Copy the loop row's styles, static values and formulas (filled down) to its copies."""
    from openpyxl.cell.cell import MergedCell
    from openpyxl.formula.tokenizer import TokenizerError
    from openpyxl.formula.translate import Translator

    for col in range(1, sheet.max_column + 1):
        source = sheet.cell(row, col)
        if isinstance(source, MergedCell):
            continue  # merge_cells() rebuilds these
        # copied once per column: openpyxl's style copies are slow
        style = {a: copy(getattr(source, a)) for a in _STYLE_ATTRS} if source.has_style else {}
        for k in range(1, added + 1):
            target = sheet.cell(row + k, col)
            for attr, value in style.items():
                setattr(target, attr, value)
            value = source.value
            if source.data_type == "f" and isinstance(value, str):
                with contextlib.suppress(TokenizerError):  # keep what we cannot parse
                    value = Translator(value, origin=source.coordinate).translate_formula(
                        target.coordinate)
            target.value = value


def _shift_row_heights(sheet, row: int, added: int) -> None:
    dims = sheet.row_dimensions
    height = dims[row].height if row in dims else None
    below = {index: dims[index] for index in list(dims) if index > row}
    for index in below:
        del dims[index]
    if added < 0:
        dims.pop(row, None)
    for index, dim in below.items():
        dim.index = index + added
        dims[index + added] = dim
    if height is not None:
        for k in range(1, added + 1):
            dims[row + k].height = height


def _shift_print_settings(sheet, row: int, added: int) -> None:
    from openpyxl.worksheet.print_settings import PrintArea

    if sheet.print_area:
        ranges = []
        for area in PrintArea.from_string(sheet.print_area).ranges:
            if (rows := _moved(area.min_row, area.max_row, row, added)) is not None:
                ranges.append(_with_rows(area, *rows))
        sheet.print_area = ranges or None
    titles = re.fullmatch(r"\$?(\d+):\$?(\d+)", sheet.print_title_rows or "")
    if titles and (rows := _moved(int(titles[1]), int(titles[2]), row, added)):
        sheet.print_title_rows = f"{rows[0]}:{rows[1]}"
    if sheet.auto_filter.ref:
        area = _moved_ranges(sheet.auto_filter.ref, row, added)
        sheet.auto_filter.ref = area[0] if area else None
    for brk in sheet.row_breaks.brk:
        brk.id += added if brk.id >= row else 0
    sheet.row_breaks.brk = [brk for brk in sheet.row_breaks.brk if brk.id > 0]


def _moved_ranges(sqref, row: int, added: int) -> list[str]:
    from openpyxl.worksheet.cell_range import MultiCellRange

    out = []
    for part in sorted(MultiCellRange(str(sqref)).ranges, key=lambda r: (r.min_row, r.min_col)):
        if (rows := _moved(part.min_row, part.max_row, row, added)) is not None:
            out.append(_with_rows(part, *rows))
    return out


def _shift_validations_and_formats(sheet, row: int, added: int) -> None:
    from openpyxl.formatting.formatting import ConditionalFormattingList
    from openpyxl.worksheet.cell_range import MultiCellRange

    def bare(formula: str | None) -> str | None:  # rule formulas are stored without '='
        if not formula:
            return formula
        return _shift_refs("=" + formula, sheet.title, True, row, added, grow=False)[1:]

    kept = []
    for validation in sheet.data_validations.dataValidation:
        ranges = _moved_ranges(validation.sqref, row, added)
        if ranges:
            validation.sqref = MultiCellRange(" ".join(ranges))
            validation.formula1 = bare(validation.formula1)
            validation.formula2 = bare(validation.formula2)
            kept.append(validation)
    sheet.data_validations.dataValidation = kept
    formats = ConditionalFormattingList()
    for formatting in sheet.conditional_formatting:
        ranges = _moved_ranges(formatting.sqref, row, added)
        for rule in formatting.rules if ranges else ():
            rule.formula = [bare(f) for f in rule.formula]
            formats.add(" ".join(ranges), rule)
    sheet.conditional_formatting = formats


def _shift_formulas(workbook, sheet, row: int, added: int) -> None:
    """Make formulas in every sheet follow the rows of `sheet` as they move or grow."""
    for other in workbook.worksheets:
        for line in other.iter_rows():
            for cell in line:
                if cell.data_type == "f" and isinstance(cell.value, str):
                    in_loop_row = other is sheet and cell.row == row
                    cell.value = _shift_refs(cell.value, sheet.title, other is sheet, row,
                                             added, grow=not in_loop_row)


def _shift_refs(formula: str, title: str, same_sheet: bool, row: int, added: int, *,
                grow: bool) -> str:
    """Rewrite references to `title` in `formula`.

    `grow`: a range that spans the loop row grows with it (a total below the loop row);
    single cells never grow. Without `grow` (a formula in the loop row itself, which is
    filled down) only references below the loop row move.
    """
    from openpyxl.formula.tokenizer import Token, Tokenizer, TokenizerError

    try:
        tokens = Tokenizer(formula)
    except TokenizerError:
        return formula  # Excel will complain about it, not us
    for token in tokens.items:
        if token.type != Token.OPERAND or token.subtype != Token.RANGE:
            continue
        prefix, bang, address = token.value.rpartition("!")
        sheet_name = prefix[1:-1].replace("''", "'") if prefix.startswith("'") else prefix
        if (sheet_name.casefold() != title.casefold()) if bang else not same_sheet:
            continue
        parts = [_REF_PART.fullmatch(part) for part in address.split(":")]
        if len(parts) > 2 or not all(parts):
            continue  # a name, a whole column, a 3-D reference
        low, high = int(parts[0][3]), int(parts[-1][3])
        if low > row or added < 0 or (grow and len(parts) == 2):
            rows = _moved(low, high, row, added)
        else:
            rows = (low, high)
        if rows is None:
            token.value = "#REF!"
            continue
        new = ":".join(f"{p[1] or ''}{p[2]}{r}" for p, r in zip(parts, rows, strict=False))
        token.value = f"{prefix}{bang}{new}"
    return tokens.render()


# --------------------------------------------------------------------------- saving


def _save(workbook) -> bytes:
    from partyday_cli.render.xlsx import workbook_bytes

    return workbook_bytes(workbook, keep_formulas=True)
