"""One table model, rendered to a terminal (rich), CSV or an xlsx sheet.

Commands build a `Table` once; the renderers here are the only place that knows how a
table looks in each format. JSON is not rendered from a table: each command emits its
domain records in the SPEC §6 shape.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field

FORMULA_PREFIXES = ("=", "+", "-", "@")


@dataclass(frozen=True)
class Column:
    title: str
    width: int = 12  # characters, for xlsx; CJK characters count as two
    align: str = "left"  # left | center | right


@dataclass
class Table:
    title: str
    columns: list[Column]
    rows: list[list[object]] = field(default_factory=list)
    highlight: set[int] = field(default_factory=set)  # row indexes that stand out
    notes: list[str] = field(default_factory=list)  # lines printed under the table
    subtitle: str = ""  # a second title line (rule, policy, branch)
    sheet_name: str = "Sheet1"
    marked: str = ""  # what a highlighted row means (缺席或请假), said under the table when any is

    def legend(self, how: str) -> str:
        """'带 * 的行：缺席或请假' (`how` names the marking), or '' with no row marked or no meaning given."""
        return f"{how}的行：{self.marked}" if self.marked and self.highlight else ""

    def add(self, row: list[object], *, highlight: bool = False) -> None:
        if highlight:
            self.highlight.add(len(self.rows))
        self.rows.append(row)


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    return str(value)


def neutralise(value: str) -> str:
    """Keep a spreadsheet from reading a cell as a formula (CSV/formula injection)."""
    if value and value.startswith(FORMULA_PREFIXES):
        # a plain negative number is data, not a formula
        try:
            float(value)
            return value
        except ValueError:
            return "'" + value
    return value


def to_csv(table: Table) -> bytes:
    """UTF-8 with BOM, so Excel and WPS on Windows open the Chinese correctly."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow([c.title for c in table.columns])
    for row in table.rows:
        writer.writerow([neutralise(_text(v)) for v in row])
    return ("\ufeff" + buf.getvalue()).encode("utf-8")


def to_rich(table: Table, *, plain: bool) -> object:
    """A rich renderable; `plain` drops colour and box-drawing for pipes and NO_COLOR."""
    from rich import box
    from rich.table import Table as RichTable

    rich_table = RichTable(
        title=table.title + (f"\n{table.subtitle}" if table.subtitle else ""),
        box=box.ASCII if plain else box.SIMPLE_HEAVY,
        show_lines=False,
        title_justify="left",
        caption=table.legend("带 * " if plain else "黄色") or None,
        caption_justify="left",
    )
    first = next((j for j, col in enumerate(table.columns) if col.align == "left"), None)
    for j, col in enumerate(table.columns):
        # the first text column is who the row is about (姓名): squeezed by many number
        # columns rich gives it no width at all, so it keeps its longest value's (up to 20)
        fixed = None
        if j == first:
            from rich.cells import cell_len

            longest = max((cell_len(_text(row[j])) for row in table.rows if j < len(row)), default=0)
            fixed = max(cell_len(col.title), min(longest, 20)) or None
        rich_table.add_column(col.title, justify=col.align, no_wrap=col.align != "left", width=fixed)
    for i, row in enumerate(table.rows):
        style = None if plain or i not in table.highlight else "bold yellow"
        cells = [_text(v) for v in row]
        if plain and i in table.highlight:
            cells[0] = "*" + cells[0]
        rich_table.add_row(*cells, style=style)
    return rich_table
