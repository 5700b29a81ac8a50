"""`partyday init [DIR]`: a new workspace from the scheme the 党委 sent."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from partyday_cli.cli.common import info
from partyday_cli.errors import UserError

FOLDERS = ("holidays", "archive", "out")


def init(
    directory: Annotated[Path, typer.Argument(help="工作区文件夹，默认当前文件夹。")] = Path("."),
    scheme: Annotated[str, typer.Option(
        "--scheme", "-s", help="方案预设：wanyuan-xiang（每月第二周星期三）、fupinban-9plus3（9+3）、"
                               "zhangdian-5plusx（5+X）、qfnu-xueyuan、shendingshan-zhen（三会一课）、"
                               "zznu-xiaowei。")] = "wanyuan-xiang",
    branch: Annotated[list[str] | None, typer.Option(
        "--branch", "-b", help="党支部名称；党委有几个支部就写几次，如 -b 机关第一党支部 -b 机关第二党支部。",
        show_default=False)] = None,
    org: Annotated[str, typer.Option("--org", help="党委（党总支）名称。")] = "中共××委员会",
    rule: Annotated[str | None, typer.Option("--rule", "-r", help="活动日规则，覆盖预设。")] = None,
    holiday_policy: Annotated[str | None, typer.Option(
        "--holiday-policy", "-p", help="节假日处理方式，覆盖预设。")] = None,
    themes: Annotated[str | None, typer.Option("--themes", help="主题目录名称或文件，覆盖预设。")] = None,
    scheme_file: Annotated[Path | None, typer.Option(
        "--from-text", help="从本党委的实施方案（.txt 或 .docx）逐句读出设置，代替预设；"
                            "并列出用了哪些句子、哪些读不出。")] = None,
) -> None:
    """新建工作区：写入带中文说明的 partyday.toml、花名册模板 roster.xlsx 和所需文件夹。

    已有工作区的文件夹不会被覆盖。

    示例：

      partyday init 我的支部 --scheme fupinban-9plus3 --branch 扶贫办党支部

      partyday init . --rule 每月第二周星期三 --holiday-policy 顺延一周

      partyday init 我的支部 --from-text 实施方案.docx --branch 机关党支部
    """
    from dataclasses import replace

    from partyday_cli.core.policy import parse_policy
    from partyday_cli.core.rules import parse_rules
    from partyday_cli.io.files import write_atomic
    from partyday_cli.io.roster_template import roster_template
    from partyday_cli.io.schemes import load_scheme, render_config
    from partyday_cli.store.ledger import open_ledger
    from partyday_cli.workspace import CONFIG_NAME
    from partyday_cli.workspace import from_text as check_config

    branches = list(dict.fromkeys(b.strip() for b in branch or () if b.strip())) or ["第一党支部"]
    branch_name = branches[0]
    preset = load_scheme(scheme)
    if rule:
        parse_rules(rule)  # refuse a bad rule before anything is written
    if holiday_policy:
        parse_policy(holiday_policy)
    if themes:
        data = dict(preset.data)
        data["themes"] = {"catalogue": themes}
        preset = replace(preset, data=data)
    config_path = directory / CONFIG_NAME
    if config_path.exists():
        raise UserError(f"{directory} 已经是 partyday 工作区（{CONFIG_NAME} 已存在），未作任何改动。"
                        "如要重新开始，请换一个文件夹")
    if directory.exists() and not directory.is_dir():
        raise UserError(f"{directory} 是一个文件，不是文件夹")
    reading = None
    if scheme_file is not None:
        from partyday_cli.core.scheme_text import read_scheme
        from partyday_cli.io.schemes import guess_catalogue, read_scheme_file, render_reading

        scheme_text = read_scheme_file(scheme_file)
        reading = read_scheme(scheme_text)
        _refuse_two_schemes(reading, scheme_file.name, rule=rule, policy=holiday_policy)
        catalogue, why = (themes, "") if themes else guess_catalogue(scheme_text)
        text = render_reading(reading, title=scheme_file.name, source=f"--from-text {scheme_file.name}",
                              catalogue=catalogue, org=org, branch=branch_name, rule=rule,
                              policy=holiday_policy, catalogue_pending=why)
    else:
        text = render_config(preset, org=org, branch=branch_name, rule=rule, policy=holiday_policy)
    text = _more_branches(text, branches[1:])
    check_config(directory, text)  # what we write must read back, before anything is written
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UserError(f"无法创建文件夹 {directory}：{exc.strerror}") from None
    roster = directory / "roster.xlsx"
    roster_bytes = (roster_template(branch_name if len(branches) == 1 else "") if not roster.exists()
                    else None)
    for name in FOLDERS:
        (directory / name).mkdir(exist_ok=True)
    if roster_bytes is not None:
        write_atomic(roster, roster_bytes)
    write_atomic(config_path, text.encode("utf-8"))
    with open_ledger(directory / "ledger.db", create=True):
        pass
    if reading is not None:
        _report_reading(reading, scheme_file)
        info(f"已创建工作区 {directory.resolve()}（按 {scheme_file.name} 逐句读出）")
    else:
        info(f"已创建工作区 {directory.resolve()}（方案预设：{preset.title}）")
    info(f"  配置：{config_path}")
    info(f"  花名册模板：{roster}" + ("（已存在，未覆盖）" if roster_bytes is None else ""))
    info(f"  账本：{directory / 'ledger.db'}")
    from datetime import date

    from partyday_cli import workspace as workspaces
    from partyday_cli.doctor import pending

    today = date.today()
    unsure = len(pending(workspaces.load(directory), today.year, today=today))  # as doctor lists them
    if unsure:
        info(f"  有 {unsure} 项方案没有写明，已标为“待确认”：运行 partyday doctor 查看")
    info("下一步：在 roster.xlsx 中填好党员名单，然后运行 partyday roster import roster.xlsx；"
         "查看全年活动日：partyday calendar 年份")


def _more_branches(text: str, names: list[str]) -> str:
    """The config with a [[branches]] block for each further branch, after the first one."""
    if not names:
        return text
    from partyday_cli.io.schemes import _q

    anchor = "\n[schedule]\n"
    blocks = "".join(f"\n[[branches]]\nname = {_q(name)}\n" for name in names)
    head, sep, tail = text.partition(anchor)
    return head.rstrip("\n") + "\n" + blocks + "\n" + sep.lstrip("\n") + tail if sep else text + blocks


def _report_reading(reading, path: Path) -> None:  # type: ignore[no-untyped-def]
    from partyday_cli.io.schemes import _q

    """Which sentences gave which key, and which rule-like ones could not be placed."""
    by_quote: dict[str, list[str]] = {}
    for key, cite in reading.values.items():
        by_quote.setdefault(cite.quote, []).append(f"{key} = {_q(cite.value)}")
    for kind, cite in reading.kinds.items():
        by_quote.setdefault(cite.quote, []).append(f"meeting_kinds.{kind} = {_q(cite.value)}")
    info(f"从 {path.name} 读出 {len(reading.values) + len(reading.kinds)} 项设置，用了 {len(by_quote)} 句：")
    for quote, keys in by_quote.items():
        info(f"  “{quote}” → {'；'.join(keys)}")
    if reading.unplaced:
        info(f"以下 {len(reading.unplaced)} 句像是规定，但没有对应的设置项，请自行核对：")
        for sentence in reading.unplaced:
            info(f"  “{sentence}”")


def _refuse_two_schemes(reading, name: str, *, rule: str | None, policy: str | None) -> None:  # type: ignore[no-untyped-def]
    """A text stating two different activity-day rules (or holiday policies) is two schemes
    pasted as one (seed 000: 万源乡's 每月第二周星期三 and 扶贫办's 每月第一个星期五): the
    first read would set every date of the year, silently. Refused, naming both, unless
    --rule / --holiday-policy says which."""
    for key, what, given, option in (("schedule.rule", "活动日", rule, "--rule"),
                                     ("schedule.holiday_policy", "节假日调整办法", policy, "--holiday-policy")):
        others = reading.conflicts.get(key)
        if not others or given:
            continue
        quotes = "”和“".join(c.quote for c in [reading.values[key], *others])
        raise UserError(f"{name} 里有不止一种{what}规定：“{quotes}”，像是把两个方案贴在了一起。"
                        f"请只保留本支部方案的文字后重新运行，或加 {option} 指明用哪一种；未作任何改动")
