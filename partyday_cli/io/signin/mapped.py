"""Layouts the user describes in the config, as plain data:

    [attendance.layouts.我们单位]
    name = ["参会人"]
    status = ["情况"]

Each key is a field, each value the header names that mean it in their files. The table
is then read like a hand-typed sheet (`handwritten.read_tables`), so title rows, dates,
footers and status words work the same.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from partyday_cli.core.attendance import SignInFile
from partyday_cli.errors import UserError
from partyday_cli.io.signin import handwritten
from partyday_cli.io.signin.common import find_header_row, label, lookup_of, visible_sheets
from partyday_cli.io.workbook import Sheet

FIELDS = {
    "name": "姓名", "status": "出勤状态", "note": "备注", "sign": "签名", "group": "党小组",
    "branch": "支部", "identity": "身份（入党积极分子等列席人员）", "phone": "手机号",
}
EXAMPLE = '[attendance.layouts.我们单位] name = ["参会人"], status = ["情况"]'


@dataclass(frozen=True)
class MappedLayout:
    """One user layout: its name and field → header names."""

    name: str
    labels: dict[str, tuple[str, ...]]

    @property
    def layout_zh(self) -> str:
        return f"自定义格式“{self.name}”"

    def identify(self, sheets: Sequence[Sheet]) -> int:
        """Above every built-in layout when the user's own header names are found."""
        lookup = lookup_of(self.labels)
        best = 0
        for sheet in visible_sheets(sheets):
            header = find_header_row(sheet, lookup, {"name"})
            if header is not None:
                best = max(best, 100 + len(header.columns))
        return best

    def extract(self, sheets: Sequence[Sheet], name: str) -> SignInFile:
        lookup = lookup_of(self.labels)
        for fld, names in handwritten.SYNONYMS.items():
            if fld not in self.labels:
                for n in names:
                    lookup.setdefault(label(n), fld)
        return handwritten.read_tables(sheets, name, lookup, "mapped", self.layout_zh)


def layouts_from_config(config: Mapping[str, Mapping[str, object]] | None) -> list[MappedLayout]:
    """The config's [attendance.layouts.*] tables, checked; a mistake is a UserError."""
    out = []
    for layout_name, mapping in (config or {}).items():
        where = f"partyday.toml 的 [attendance.layouts.{layout_name}]"
        if not isinstance(mapping, Mapping):
            raise UserError(f"{where} 应是列名映射表，例如 {EXAMPLE}")
        labels: dict[str, tuple[str, ...]] = {}
        for key, value in mapping.items():
            if key not in FIELDS:
                known = "、".join(f"{k}（{v}）" for k, v in FIELDS.items())
                raise UserError(f"{where} 中的“{key}”不是可用的字段。可用字段：{known}")
            names = [value] if isinstance(value, str) else value
            if not isinstance(names, list | tuple) or not names or not all(
                    isinstance(n, str) and n.strip() for n in names):
                raise UserError(f"{where} 中的 {key} 应是列名列表，例如 {key} = [\"{FIELDS[key]}\"]")
            labels[key] = tuple(names)
        if "name" not in labels:
            raise UserError(f"{where} 必须写明姓名所在的列，例如 name = [\"参会人\"]")
        out.append(MappedLayout(str(layout_name), labels))
    return out
