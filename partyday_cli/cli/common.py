"""What every command shares: the output format, where data goes, how messages look."""

from __future__ import annotations

import os
import sys
import unicodedata
from collections.abc import Callable
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer

from partyday_cli.errors import UserError


class Format(StrEnum):
    table = "table"
    json = "json"
    csv = "csv"
    xlsx = "xlsx"
    ics = "ics"


class TableFormat(StrEnum):
    """The formats of a command that has no calendar to give (--help lists only these)."""

    table = "table"
    json = "json"
    csv = "csv"
    xlsx = "xlsx"


FORMAT_HELP = "输出格式：table（表格，默认）、json、csv、xlsx"


def plain_output(stream: object = None) -> bool:
    """No colour and no box drawing when not a terminal or NO_COLOR is set."""
    stream = stream or sys.stdout
    if os.environ.get("NO_COLOR") is not None or os.environ.get("TERM") == "dumb":
        return True
    isatty = getattr(stream, "isatty", None)
    return not (isatty and isatty())


def info(message: str) -> None:
    """A message for the user, on stderr (data goes to stdout)."""
    typer.echo(message, err=True)


def warn(message: str) -> None:
    typer.echo(f"注意：{message}", err=True)


def format_from_output(fmt: Format | TableFormat | None, output: Path | None, default: Format) -> Format:
    """An explicit --format wins; else the -o file's extension; else the default."""
    if fmt is not None:
        return Format(fmt.value)
    if output is not None:
        suffix = output.suffix.lower().lstrip(".")
        if suffix in {f.value for f in Format}:
            return Format(suffix)
        if suffix not in ("", "txt"):
            raise UserError(f"不能写成 .{suffix} 文件。请把 -o 的扩展名写成 .xlsx、.csv、.json 或 .txt，"
                            "或用 --format 指定格式")
    return default


def emit(data: bytes | str, output: Path | None, *, binary_name: str = "", force: bool = False,
         reads: tuple[Path, ...] = ()) -> None:
    """Send data to `-o FILE` or to stdout. A file goes through the output guard (never
    the ledger, the config, an input, a device; an existing file only when partyday wrote
    it, or with --force) and is written atomically."""
    if isinstance(data, str):
        data = data.encode("utf-8")
    if output is not None:
        write_file(output, data, force=force, reads=reads)
        return
    if binary_name and sys.stdout.isatty():
        raise UserError(f"{binary_name} 是二进制文件，不能直接显示在终端上。请加上 -o 文件名.{binary_name}")
    sys.stdout.buffer.write(data)
    sys.stdout.flush()


def write_file(path: Path, data: bytes, *, force: bool = False, reads: tuple[Path, ...] = (),
               make_folder: bool = False) -> None:
    """A guarded, atomic write of one output file, and the line saying so."""
    from partyday_cli.io.outputs import write_output

    force = force or _FORCE[0]
    if make_folder:
        check_output(path, force=force, reads=reads)
        path.parent.mkdir(parents=True, exist_ok=True)
    replaced = write_output(path, data, force=force, reads=reads)
    info(f"已覆盖 {path}（原文件由 partyday 生成）" if replaced and not force
         else f"已覆盖 {path}" if replaced else f"已写入 {path}")


def check_output(path: Path | None, *, force: bool = False, reads: tuple[Path, ...] = ()) -> None:
    """Refuse a bad output path before the command changes anything else."""
    if path is None:
        return
    from partyday_cli.io.outputs import OutputGuard

    if path.parent.is_dir():
        OutputGuard(force=force or _FORCE[0], reads=reads).check(path)


def out_file(ws, stem: str, branch: str, suffix: str = ".xlsx") -> Path:  # type: ignore[no-untyped-def]
    """`out/STEM-BRANCH.xlsx` in the workspace, the branch name made safe for a path."""
    from partyday_cli.io.outputs import inside, safe_name

    folder = ws.root / "out"
    return inside(folder, folder / f"{safe_name(stem)}-{safe_name(branch)}{suffix}")


def emit_json(records: object, output: Path | None, *, force: bool = False) -> None:
    import json

    emit(json.dumps(records, ensure_ascii=False, indent=2) + "\n", output, force=force)


def print_rich(renderable: object, output: Path | None = None,
               extra: Callable[[object], None] | None = None, *, force: bool = False) -> None:
    """Render a rich table to stdout (or to a text file with -o)."""
    from rich.console import Console

    from partyday_cli.render.cjkwrap import install

    install()  # Chinese wraps between characters, never with a comma first on a line

    if output is not None:
        import io

        console = Console(record=True, width=120, file=io.StringIO(), color_system=None)
        console.print(renderable)
        if extra:
            extra(console)
        emit(console.export_text(), output, force=force)
        return
    plain = plain_output()
    console = Console(
        no_color=plain, highlight=False, color_system=None if plain else "auto",
        width=None if not plain else 200, soft_wrap=plain,
    )
    console.print(renderable)
    if extra:
        extra(console)


FORCE_HELP = "输出文件（-o）已存在、又不是本程序生成的（或生成后被改动过）时，也覆盖它。"
_KEPT: list[object] = []  # what `keep_until_exit` holds; `main.run` ends the process without freeing it
_KEEPING: list[bool] = [False]  # set by `main.run`: only the console script ends that way


def keep_until_exit(value: object) -> None:
    """Let `value` (a report's ~10⁶ small objects) live until the process ends instead of
    being freed one by one when the command returns: under `partyday` (`main.run`) the
    process then exits without tearing the interpreter down, which saves a tenth of a
    30,000-member report. Elsewhere (tests running commands in one process) nothing is kept."""
    if _KEEPING[0]:
        _KEPT.append(value)


_FORCE: list[bool] = [False]  # set by --force's callback, read by every output write


def remember_force(value: bool) -> bool:
    """Callback of every --force option: outputs this run may replace existing files."""
    _FORCE[0] = bool(value)
    return value


ForceOpt = Annotated[bool, typer.Option("--force", help=FORCE_HELP, callback=remember_force)]

WORKSPACE_HELP = ("工作区文件夹（含 partyday.toml）。默认取环境变量 PARTYDAY_WORKSPACE，"
                  "或当前文件夹及其上级中最近的工作区。")


def workspace_option(ctx: typer.Context, local: Path | None) -> Path | None:
    """The -w given to this command, else the one given before the command name."""
    if local is not None:
        return local
    root = ctx.find_root()
    return (root.obj or {}).get("workspace") if isinstance(root.obj, dict) else None


def require_workspace(ctx: typer.Context, local: Path | None):  # type: ignore[no-untyped-def]
    """The workspace, or one Chinese line saying how to get one."""
    from partyday_cli import workspace as wsmod

    ws = wsmod.discover(workspace_option(ctx, local))
    if ws is None:
        raise UserError("这里不是 partyday 工作区（当前文件夹及其上级都没有 partyday.toml）。"
                        "请先运行 partyday init 新建，或用 -w 指定工作区文件夹")
    return ws


# Every year or date read from the command line lies in these bounds, so that no
# deadline, quarter end or "next year" computed from it overflows `datetime.date`.
YEAR_MIN, YEAR_MAX = 1921, 2200


def check_year(value: int | None, what: str = "年份") -> int | None:
    """A --year / YEAR within YEAR_MIN..YEAR_MAX, else one Chinese line (exit 1)."""
    if value is not None and not YEAR_MIN <= value <= YEAR_MAX:
        shown = str(value) if len(str(value)) <= 12 else str(value)[:10] + "…"
        raise UserError(f"{what} {shown} 不合理，请写 {YEAR_MIN}–{YEAR_MAX} 之间的四位年份，如 2017")
    return value


def required(ctx: typer.Context, name: str, value: Any) -> Any:
    """An argument optional only for --list-vars (which needs no year or day): without it
    otherwise, the usual 缺少参数 line."""
    if value is None:
        from typer._click.exceptions import MissingParameter

        raise MissingParameter(ctx=ctx, param=next(p for p in ctx.command.params if p.name == name))
    return value


def shown(text: str, limit: int = 40) -> str:
    """A user's value as quoted back in a message: one line, printable, not too long."""
    text = "".join(ch if ch.isprintable() else "?" for ch in str(text))
    return text if len(text) <= limit else text[: limit - 1] + "…"


def year_callback(param: typer.CallbackParam, value: int | None) -> int | None:
    """typer callback of every year option and argument ("--year 0" names the option)."""
    flag = next((o for o in param.opts if o.startswith("--")), None)
    return check_year(value, flag or "年份")


def parse_day(text: str, what: str = "日期"):  # type: ignore[no-untyped-def]
    """'2017-04-12' / '2017.4.12' / '2017年4月12日' / '20170412' → date; '4月12日' / '4-12'
    is of this year; else one Chinese line (its example of this year)."""
    import re
    from datetime import date

    text = unicodedata.normalize("NFKC", text or "")
    m = re.fullmatch(r"\s*(\d{4})\s*[-./年]\s*(\d{1,2})\s*[-./月]\s*(\d{1,2})\s*日?\s*", text) or \
        re.fullmatch(r"\s*(\d{4})(\d{2})(\d{2})\s*", text)
    short = re.fullmatch(r"\s*(\d{1,2})\s*[-./月]\s*(\d{1,2})\s*[日号]?\s*", text)
    if m is None and short is not None:  # 1月4日: this year's
        try:
            return date(date.today().year, int(short[1]), int(short[2]))
        except ValueError:
            pass
    example = f"{date.today().year}-04-12"
    try:
        if m and YEAR_MIN <= int(m[1]) <= YEAR_MAX:
            return date(int(m[1]), int(m[2]), int(m[3]))
    except ValueError:
        pass
    if m and not YEAR_MIN <= int(m[1]) <= YEAR_MAX:
        raise UserError(f"{what}“{shown(text)}”的年份不合理，请写 {YEAR_MIN}–{YEAR_MAX} 年之间的日期，如 {example}")
    raise UserError(f"{what}“{shown(text)}”不是有效日期，请写成 {example}")


def emit_table(table, fmt: Format, output: Path | None, *,  # type: ignore[no-untyped-def]
               force: bool = False) -> None:
    """A `render.table.Table` as CSV, xlsx, or a rich table with its notes under it."""
    if fmt is Format.ics:
        raise UserError("这个命令不能输出 ics（日历文件只用于 partyday calendar），请用 table、json、csv 或 xlsx")
    if fmt is Format.csv:
        from partyday_cli.render.table import to_csv

        emit(to_csv(table), output, force=force)
    elif fmt is Format.xlsx:
        from partyday_cli.render.xlsx import to_xlsx

        emit(to_xlsx(table), output, binary_name="xlsx", force=force)
    else:
        from partyday_cli.render.table import to_rich

        def notes(console) -> None:  # type: ignore[no-untyped-def]
            for line in table.notes:
                console.print(line, highlight=False)

        print_rich(to_rich(table, plain=plain_output()), output, extra=notes, force=force)


def branch_text(value: str | None) -> str | None:
    """--branch as meant: "文学院党支部 " (a space typed or pasted along) is 文学院党支部."""
    return None if value is None else "".join(value.split())
