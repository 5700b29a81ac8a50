"""`partyday roster import|list`: the 花名册."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import Annotated

import typer

from partyday_cli.cli.common import (
    WORKSPACE_HELP,
    ForceOpt,
    Format,
    TableFormat,
    branch_text,
    emit_json,
    emit_table,
    format_from_output,
    info,
    parse_day,
    require_workspace,
    warn,
)
from partyday_cli.errors import Problem, UserError

app = typer.Typer(help="花名册：生成空白模板（roster template），导入党员名单，查看某天的党员情况。", no_args_is_help=True)


@app.command("import")
def import_roster(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(help="花名册文件：.xlsx、.xls 或 .csv。", show_default=False)],
    as_of: Annotated[str | None, typer.Option(
        "--as-of", help="这份花名册自哪天起生效（默认今天）。补录历史名册时填当时的日期。")] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="只检查和预览，不写入账本。")] = False,
    workspace: Annotated[Path | None, typer.Option("--workspace", "-w", help=WORKSPACE_HELP)] = None,
) -> None:
    """导入花名册（标题行、合并表头、页脚都没关系），原文件不会被修改。

    有任何一处看不懂（日期、人员类别、缺“姓名”列……）都会逐条指出行和列，整份不导入。
    同一份文件重复导入不会重复记录；名单变动后再导入，过去某天的党员情况仍可查询。

    示例：

      partyday roster import 花名册.xlsx

      partyday roster import 2017年初花名册.xlsx --as-of 2017-01-01
    """
    from partyday_cli.core.members import assign_branches
    from partyday_cli.io.archive import archive_file, sha256_hex
    from partyday_cli.io.files import read_bytes
    from partyday_cli.io.roster import read_roster
    from partyday_cli.store.dues import save_standards
    from partyday_cli.store.ledger import open_ledger
    from partyday_cli.store.roster import save_roster

    ws = require_workspace(ctx, workspace)
    given = parse_day(as_of, "--as-of") if as_of else None
    data = read_bytes(file, "花名册文件")
    read = read_roster(file, as_of=given)
    effective = given or read.stated or date.today()
    members, branch_problems = assign_branches(read.members, [b.name for b in ws.branches], read.readings)
    problems = list(read.problems) + [
        Problem(msg, file=file.name, row=m.source_row) for m, msg in branch_problems]
    if problems:
        raise UserError(f"花名册 {file.name} 有 {len(problems)} 处问题，未导入任何内容，请改正后重新导入：",
                        problems=problems)
    if not members:
        raise UserError(f"花名册 {file.name} 里没有读到任何党员。请检查是否有“姓名”列和名单")
    if given is None and read.stated is not None:
        info(f"从表中读到：“{read.stated_text}” → 这份花名册从 {effective.isoformat()} 起适用（不对请加 --as-of 日期）")
    elif given is None:
        info(f"表中没有写填报日期，这份花名册从今天 {effective.isoformat()} 起适用（不对请加 --as-of 日期）")
    for line in read.readings:
        info(f"从表中读到：{line}")
    if read.ignored_columns:
        info(f"未识别的列：{'、'.join(read.ignored_columns)}，已忽略")
    for line in read.warnings:
        warn(line)
    if dry_run:
        from partyday_cli.store.roster import preview_roster

        if not ws.ledger_path.exists():  # no ledger yet: a preview does not make one
            info(f"预览：{file.name} 共 {len(members)} 人，检查无误（--dry-run，未写入账本）")
            return
        with open_ledger(ws.ledger_path) as ledger:
            preview = preview_roster(ledger, members, effective)
        info(f"预览：{file.name} 共 {len(members)} 人，检查无误；导入后{preview.summary()}（--dry-run，未写入账本）")
        _changes(preview)
        return
    policy = _dues_policy_or_none(ws)
    with open_ledger(ws.ledger_path) as ledger:  # a refused ledger stops before the archive
        archived = archive_file(data, file.name, ws.root / "archive")
        result = save_roster(ledger, members, sha256=sha256_hex(data), original_name=file.name,
                             archived_path=str(archived.relative_to(ws.root)),
                             effective_date=effective)
        if not result.already_imported and result.import_id is not None and policy is not None:
            save_standards(ledger, result.import_id, policy)  # what reports read (SPEC §8)
    if result.already_imported:
        info(f"{file.name} 已导入过（内容完全相同），账本未作改动")
        return
    info(f"已导入花名册 {file.name}：共 {len(members)} 人；{result.summary()}")
    _changes(result)
    if result.later is not None:
        day, name = result.later
        warn(f"已有 {day.isoformat()} 起适用的花名册 {name}：{day.isoformat()} 及以后仍按那份计，这份只用于 "
             f"{effective.isoformat()} 至 {(day - timedelta(days=1)).isoformat()}。如这份是对那份的更正，请改好那份"
             f"后以 --as-of {day.isoformat()} 导入")
    if result.rederived:
        moved = result.rederived_rows
        info(f"已有签到的 {result.rederived} 次活动按这份花名册重新核算了出勤（{effective.isoformat()} 起）："
             + (f"{len(moved)} 人次有变" if moved else "结果没有变化"))
        for line in moved[:30]:
            info(f"  {line}")
        if len(moved) > 30:
            info(f"  ……等共 {len(moved)} 处")
    info(f"原文件已存档：{archived.relative_to(ws.root)}")


def _changes(result) -> None:  # type: ignore[no-untyped-def]
    """新增 and 移出 by name, each 变更 with what changed (党小组 第二党小组→第一党小组)."""
    if result.added_names and (result.changed or result.removed):
        info(f"  新增：{'、'.join(result.added_names)}")
    for line in result.changes:
        info(f"  变更 {line}")
    if result.removed_names:
        info(f"  移出：{'、'.join(result.removed_names)}")


def _dues_policy_or_none(ws):  # type: ignore[no-untyped-def]
    """The [dues] amounts, or None when partyday.toml gets them wrong: the roster goes in
    all the same, and the dues commands say what is wrong."""
    from partyday_cli.cli.dues import dues_policy

    try:
        return dues_policy(ws)
    except UserError:
        return None


@app.command("list")
def list_roster(
    ctx: typer.Context,
    on: Annotated[str | None, typer.Option(
        "--date", "-d", help="查看哪一天的党员情况（默认今天），如 2017-03-01。")] = None,
    branch: Annotated[str | None, typer.Option("--branch", "-b", callback=branch_text, help="只看某个支部。")] = None,
    show_private: Annotated[bool, typer.Option(
        "--show-private", help="显示完整的电话和身份证号（默认打码）。")] = False,
    fmt: Annotated[TableFormat | None, typer.Option("--format", "-f", help="输出格式：table、json、csv、xlsx。",
                                               show_default=False)] = None,
    output: Annotated[Path | None, typer.Option("--output", "-o", help="写入文件而不是屏幕。")] = None,
    force: ForceOpt = False,
    workspace: Annotated[Path | None, typer.Option("--workspace", "-w", help=WORKSPACE_HELP)] = None,
) -> None:
    """列出某天的党员：所在支部、党小组、正式/预备、人员类别，以及免参加、转出等情况。

    示例：

      partyday roster list --date 2017-03-01

      partyday roster list --date 2017-07-01 --format xlsx -o 7月党员名单.xlsx
    """
    from partyday_cli.core.members import mask_id, mask_phone
    from partyday_cli.store.ledger import open_ledger
    from partyday_cli.store.roster import roster_as_of

    ws = require_workspace(ctx, workspace)
    day = parse_day(on, "--date") if on else date.today()
    if branch is not None:
        ws.branch(branch)  # an unknown branch name is a clear error
    with open_ledger(ws.ledger_path) as ledger:
        rows = [(m, s) for m, s in roster_as_of(ledger, day) if branch in (None, m.branch)]
    order = ws.branch_order()
    rows.sort(key=lambda r: order(r[0].branch))  # branches as partyday.toml lists them, members as the roster does
    if not rows:
        raise UserError(f"{day.isoformat()} 没有党员记录。请先运行 partyday roster import 花名册.xlsx，"
                        "或检查 --date 是否早于入党时间")

    def private(value: str, mask) -> str:  # type: ignore[no-untyped-def]
        return value if show_private or not value else mask(value)

    def state(m) -> str:  # type: ignore[no-untyped-def]
        if m.only_if_present_on(day):
            out = m.transferred_out
            return f"{out.year}年{out.month}月转出（只写了月份：本月签到了的仍计入应到）"
        if m.is_exempt_on(day):
            return f"免参加（{m.exempt_reason}）" if m.exempt_reason else "免参加"
        if m.leave_on(day) is not None:
            return f"请假（{m.leave_text()}）"
        return ""

    fmt = format_from_output(fmt, output, Format.table)
    if fmt is Format.json:
        emit_json([{
            "name": m.name, "branch": m.branch, "group": m.group, "status": status,
            "category": m.category, "joined": m.joined.isoformat() if m.joined else None,
            "full_member_date": m.full_member_date.isoformat() if m.full_member_date else None,
            "exempt": m.is_exempt_on(day), "on_leave": m.leave_on(day), "expected": m.is_expected_on(day),
            "leaving_this_month": m.only_if_present_on(day), "phone": private(m.phone, mask_phone),
            "id_number": private(m.id_number, mask_id), "note": m.note,
        } for m, status in rows], output)
        return
    from partyday_cli.render.table import Column, Table

    # a 支部's own list is titled by the 支部 (a 党委's, by the 党委)
    whose = branch or (ws.branches[0].name if len(ws.branches) == 1 else ws.org_name or "")
    table = Table(title=f"{whose}党员名单（{day.isoformat()}）", marked="免参加、请假或本月转出",
                  sheet_name="党员名单", columns=[
                      Column("序号", 6, "center"), Column("姓名", 12), Column("所在支部", 14),
                      Column("党小组", 10), Column("党员类别", 8, "center"),
                      Column("人员类别", 8, "center"), Column("入党时间", 12, "center"),
                      Column("联系电话", 14), Column("身份证号", 20), Column("情况", 30)])
    for i, (m, status) in enumerate(rows, start=1):
        table.add([i, m.name, m.branch, m.group, status, m.category,
                   m.joined.isoformat() if m.joined else "", private(m.phone, mask_phone),
                   private(m.id_number, mask_id), state(m)], highlight=bool(state(m)))
    leaving = sum(1 for m, _ in rows if m.only_if_present_on(day))
    table.notes.append(f"共 {len(rows)} 人；应参加组织生活 "
                       f"{sum(1 for m, _ in rows if m.is_expected_on(day))} 人"
                       + (f"（另有本月转出 {leaving} 人，签到了的计入）" if leaving else ""))
    emit_table(table, fmt, output)


@app.command("template")
def template(
    ctx: typer.Context,
    output: Annotated[Path | None, typer.Option(
        "--output", "-o", help="写到哪个文件（默认当前文件夹下的 花名册模板.xlsx）。")] = None,
    branch: Annotated[str | None, typer.Option(
        "--branch", "-b", callback=branch_text, help="表头上的党支部名称（默认取工作区第一个支部，没有工作区时为“第一党支部”）。")] = None,
    force: ForceOpt = False,
    workspace: Annotated[Path | None, typer.Option("--workspace", "-w", help=WORKSPACE_HELP)] = None,
) -> None:
    """生成空白花名册模板（与 partyday init 写入工作区的 roster.xlsx 相同），填好后用 roster import 导入。

    示例：

      partyday roster template

      partyday roster template -o 机关党支部花名册.xlsx --branch 机关党支部
    """
    from partyday_cli import workspace as wsmod
    from partyday_cli.cli.common import workspace_option, write_file
    from partyday_cli.io.roster_template import roster_template

    if branch is None:
        ws = wsmod.discover(workspace_option(ctx, workspace))
        branch = ws.branches[0].name if ws is not None and ws.branches else "第一党支部"
    path = output if output is not None else Path("花名册模板.xlsx")
    if path.suffix.lower() != ".xlsx":
        raise UserError(f"花名册模板是 Excel 文件，请把 -o 的扩展名写成 .xlsx（现在是 {path.name}）")
    write_file(path, roster_template(branch), force=force)
    info("填好党员名单后运行：partyday roster import " + str(path))
