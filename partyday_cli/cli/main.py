"""The `partyday` command: joins the command groups and turns user errors into one line.

Start-up matters (`partyday --help` must be as fast as a bare Typer app), so this module
and the command modules import only typer and the standard library at the top; heavy
libraries are imported inside the commands that need them.
"""

from __future__ import annotations

import contextlib
import os
import re
import sys
from enum import Enum
from pathlib import Path
from typing import Annotated

import typer
from typer.core import TyperGroup

from partyday_cli import __version__
from partyday_cli.errors import UserError

_DIGITS = re.compile(r"-?(?:0|[1-9][0-9]*)")  # an int as pydantic reads it, no sign, space or _
BUG_EXIT_CODE = 70  # EX_SOFTWARE: exit 1 is a user problem, exit 2 usage, 70 a bug


def _debug(ctx) -> bool:  # type: ignore[no-untyped-def]
    return bool(ctx.find_root().params.get("debug") or os.environ.get("PARTYDAY_DEBUG"))


# Every command, loaded only when it runs: building all of them costs more than a bare
# Typer app's whole `--help`. name → (module, attribute, the line `partyday --help` shows).
COMMANDS: dict[str, tuple[str, str, str]] = {
    "demo": ("demo", "demo", "用自带的示例支部演示一年的主要工作（先试试这个）"),
    "init": ("init", "init", "新建工作区：配置、花名册模板和账本"),
    "calendar": ("calendar", "calendar", "排出某年的党员活动日，遇法定节假日和调休按规定顺延或提前"),
    "holidays": ("holidays", "app", "法定节假日和调休安排：查看来源，导入国务院办公厅的放假通知"),
    "roster": ("roster", "app", "花名册：导入党员名单，查看某天的党员情况"),
    "plan": ("plan", "plan", "排出全年活动并分配主题，生成《年度活动安排表》"),
    "signsheet": ("plan", "signsheet", "生成某次活动的签到表，预先填好应到党员"),
    "record": ("plan", "record", "生成某次活动的《记实表》，登记报送日期"),
    "meeting": ("meeting", "app", "三会一课：登记支部委员会、党小组会、党课等组织生活会议"),
    "attend": ("attend", "app", "签到与出勤：导入签到表、腾讯会议、问卷星、企业微信/钉钉导出"),
    "dues": ("dues", "app", "党费：交纳标准、导入党费台账、收缴情况"),
    "report": ("report", "app", "报表：季度、年度和个人的出勤、党费、主题与“三会一课”"),
    "export": ("unattended", "export_app", "定期导出：每月把上个月的材料打包给党委"),
    "remind": ("unattended", "remind", "生成活动通知和记实表、安排表到期提醒"),
    "doctor": ("unattended", "doctor", "检查工作区，逐项说明怎么处理"),
}


class _Listed(typer.core.TyperCommand):
    """A command as `partyday --help` lists it, before its module is loaded."""


class _PlainValues:
    """Coercion of the plain values a command line gives — a str, a bool, an int written
    in digits, a path (that is missing or readable), an Enum by its exact value — without
    pydantic: Typer ≥ 0.2x builds a pydantic TypeAdapter for every parameter it coerces,
    and importing pydantic costs more than a bare Typer app's whole `--help`. Any other
    value (one to refuse, with Typer's own message) goes to Typer's own coercion."""

    def __init__(self, param) -> None:  # type: ignore[no-untyped-def]
        self.param = param
        self.kind = param.type_descriptor.annotation
        self.typer_own = None

    def coerce(self, value, param, ctx):  # type: ignore[no-untyped-def]
        kind = self.kind
        if value is None or kind is str and isinstance(value, str) or kind is bool and isinstance(value, bool):
            return value
        if kind is int and (type(value) is int or isinstance(value, str) and _DIGITS.fullmatch(value)):
            return int(value)
        if kind is Path and isinstance(value, str | Path) and str(value) and (
                os.access(value, os.R_OK) or not os.path.exists(value)):
            return Path(value)
        if isinstance(kind, type) and issubclass(kind, Enum) and ctx.token_normalize_func is None:
            if isinstance(value, kind):
                return value
            for member in kind:
                if member.value == value:
                    return member
        if self.typer_own is None:
            from typer._coercion import build_runtime_param

            self.typer_own = build_runtime_param(self.param.type_descriptor)
        return self.typer_own.coerce(value, param=param, ctx=ctx)


def _plain_coercion(command) -> None:  # type: ignore[no-untyped-def]
    """`_PlainValues` for the single-valued str/int/Path/Enum parameters of `command`
    and its subcommands (with a Typer that coerces through pydantic)."""
    for param in command.params:
        _plain_param(param)
    own_help = getattr(command, "get_help_option", None)
    if own_help is not None:  # made per context, once: `--help` is a bool flag too
        def get_help_option(ctx):  # type: ignore[no-untyped-def]
            option = own_help(ctx)
            if option is not None:
                _plain_param(option)
            return option

        command.get_help_option = get_help_option
    for sub in getattr(command, "commands", {}).values():
        if not isinstance(sub, _Listed):
            _plain_coercion(sub)


def _plain_param(param) -> None:  # type: ignore[no-untyped-def]
    desc = getattr(param, "type_descriptor", None)
    if desc is None or getattr(param, "_runtime_param", 0) is not None or param.multiple or param.nargs != 1:
        return
    info, kind = desc.parameter_info, desc.annotation
    plain = kind in (str, int, bool) or isinstance(kind, type) and issubclass(kind, Enum) and info.case_sensitive
    plain = plain or kind is Path and not (info.exists or info.resolve_path or info.allow_dash or info.writable
                                           or info.path_type or not info.file_okay or not info.dir_okay)
    if plain and info.parser is None and getattr(info, "click_type", None) is None \
            and info.min is None and info.max is None:
        param._runtime_param = _PlainValues(param)


def build_command(name: str):  # type: ignore[no-untyped-def]
    """The real click command for `name`, built from its module."""
    import importlib

    from typer.main import get_command

    module, attribute, _ = COMMANDS[name]
    target = getattr(importlib.import_module(f"partyday_cli.cli.{module}"), attribute)
    wrapper = typer.Typer(rich_markup_mode="rich", add_completion=False)
    if isinstance(target, typer.Typer):
        wrapper.add_typer(target, name=name)
        command = get_command(wrapper).commands[name]  # type: ignore[attr-defined]
    else:
        wrapper.command(name)(target)
        command = get_command(wrapper)
        command.name = name
    _plain_coercion(command)
    return command


class PartydayGroup(TyperGroup):
    """Turns a `UserError` raised anywhere below into Chinese lines on stderr, exit 1,
    and builds each command only when it is the one being run."""

    _resolving = False

    def __init__(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        for name, (_, _, short) in COMMANDS.items():
            self.commands.setdefault(name, _Listed(name=name, help=short, short_help=short))
        _plain_coercion(self)

    def get_command(self, ctx, cmd_name):  # type: ignore[no-untyped-def]
        command = self.commands.get(cmd_name)
        if isinstance(command, _Listed) and self._resolving:
            command = self.commands[cmd_name] = build_command(cmd_name)
        return command

    def resolve_command(self, ctx, args):  # type: ignore[no-untyped-def]
        self._resolving = True
        try:
            return super().resolve_command(ctx, args)
        finally:
            self._resolving = False

    def real_command(self, name: str):  # type: ignore[no-untyped-def]
        """The built command (tests walk the whole tree with this)."""
        command = self.commands.get(name)
        if isinstance(command, _Listed):
            command = self.commands[name] = build_command(name)
        return command

    def main(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        from partyday_cli.cli import zh

        zh.install()
        return super().main(*args, **kwargs)

    def invoke(self, ctx):  # type: ignore[no-untyped-def]
        from partyday_cli.cli.common import remember_force

        remember_force(False)  # each run starts without --force (tests run many in one process)
        try:
            return super().invoke(ctx)
        except UserError as exc:
            if _debug(ctx):
                raise
            lines = exc.lines()  # once: 10,000 problems print in well under a second
            typer.echo("\n".join([f"错误：{lines[0]}"] + [f"  {line}" for line in lines[1:]]), err=True)
            raise typer.Exit(exc.exit_code) from None
        except (typer.Exit, typer.Abort, typer.TyperException, KeyboardInterrupt, BrokenPipeError):
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




def run() -> None:
    """Console-script entry point."""
    for stream in (sys.stdout, sys.stderr):
        # Windows redirects (Task Scheduler, `> 通知.txt`) use the GBK code page: a character
        # it lacks (✓, •) must not end the run with UnicodeEncodeError
        if (getattr(stream, "encoding", "") or "").lower().replace("-", "") not in ("utf8",):
            with contextlib.suppress(AttributeError, ValueError):
                stream.reconfigure(errors="replace")
    from partyday_cli.cli import common

    common._KEEPING[0] = True
    try:
        app()
    except BrokenPipeError:  # `partyday … | head`
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        sys.exit(0)
    except SystemExit as exc:
        if not common._KEPT:
            raise
        _exit_kept(exc.code)


def _exit_kept(code: object) -> None:
    """End a run whose command kept a large result alive (`common.keep_until_exit`): the
    output flushed, the process ends without freeing ~10⁶ objects one by one (the report
    commands start no processes and leave no file open: nothing else is owed at exit)."""
    if isinstance(code, str):
        print(code, file=sys.stderr)
        code = 1
    status = 0 if code is None else int(code)  # type: ignore[call-overload]
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except BrokenPipeError:  # `partyday report … | head`: what was read is what counts
            pass
        except (OSError, ValueError):
            status = status or 1
    os._exit(status)
