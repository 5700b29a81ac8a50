"""The `partyday` command: joins the command groups and turns user errors into one line.

Start-up matters (`partyday --help` must be as fast as a bare Typer app), so this module
and the command modules import only typer and the standard library at the top; heavy
libraries are imported inside the commands that need them.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Annotated

import typer
from typer.core import TyperGroup

from partyday_cli import __version__
from partyday_cli.errors import UserError

BUG_EXIT_CODE = 70  # EX_SOFTWARE: exit 1 is a user problem, exit 2 usage, 70 a bug


def _debug(ctx) -> bool:  # type: ignore[no-untyped-def]
    return bool(ctx.find_root().params.get("debug") or os.environ.get("PARTYDAY_DEBUG"))


class PartydayGroup(TyperGroup):
    """Turns a `UserError` raised anywhere below into Chinese lines on stderr, exit 1."""

    def main(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        from partyday_cli.cli import zh

        zh.install()
        return super().main(*args, **kwargs)

    def invoke(self, ctx):  # type: ignore[no-untyped-def]
        try:
            return super().invoke(ctx)
        except UserError as exc:
            if _debug(ctx):
                raise
            for line in exc.lines():
                typer.echo(f"错误：{line}" if line is exc.lines()[0] else f"  {line}", err=True)
            raise typer.Exit(exc.exit_code) from None
        except (typer.Exit, typer.Abort, typer.TyperException, KeyboardInterrupt):
            raise  # click's own exits and usage errors (exit 2) pass through
        except Exception as exc:  # a bug: a distinct exit code, so cron can tell it apart
            if _debug(ctx) or os.environ.get("PARTYDAY_RAISE"):
                raise
            typer.echo(f"内部错误（程序缺陷，不是您的操作问题）：{type(exc).__name__}: {exc}。"
                       "请加 --debug 重新运行，并把输出发给维护人员", err=True)
            raise typer.Exit(BUG_EXIT_CODE) from None


def _version(value: bool) -> None:
    if value:
        typer.echo(f"partyday {__version__}")
        raise typer.Exit()


app = typer.Typer(
    cls=PartydayGroup,
    name="partyday",
    help=(
        "partyday —— 党支部“党员活动日”工作助手：按规则排出全年活动日（自动避开法定节假日和调休），"
        "生成年度安排表、签到表、记实表，导入签到，核算党费，出季度报表。\n\n"
        "示例：partyday calendar 2017 --rule 每月第二周星期三"
    ),
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode="rich",
    context_settings={"help_option_names": ["-h", "--help"]},
)


@app.callback()
def main(
    ctx: typer.Context,
    version: Annotated[bool, typer.Option("--version", "-V", callback=_version, is_eager=True,
                                          help="显示版本号并退出。")] = False,
    debug: Annotated[bool, typer.Option("--debug", help="出错时显示完整的技术信息（供开发人员排查）。")] = False,
    workspace: Annotated[Path | None, typer.Option(
        "--workspace", "-w", help="工作区文件夹（含 partyday.toml）。默认取环境变量 "
        "PARTYDAY_WORKSPACE，或当前文件夹及其上级中最近的工作区。")] = None,
) -> None:
    """partyday 命令行。"""
    ctx.obj = {"workspace": workspace}


def _register() -> None:
    from partyday_cli.cli import (
        attend,
        calendar,
        demo,
        dues,
        holidays,
        init,
        plan,
        report,
        roster,
        unattended,
    )

    app.command("demo")(demo.demo)
    app.command("init")(init.init)
    calendar.register(app)
    plan.register(app)
    app.add_typer(holidays.app, name="holidays")
    app.add_typer(roster.app, name="roster")
    app.add_typer(attend.app, name="attend")
    app.add_typer(dues.app, name="dues")
    app.add_typer(report.app, name="report")
    unattended.register(app)


_register()


def run() -> None:
    """Console-script entry point."""
    try:
        app()
    except BrokenPipeError:  # `partyday … | head`
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        sys.exit(0)
