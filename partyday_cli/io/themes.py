"""Loading theme catalogues: a shipped name (templates/themes/NAME.toml) or a user's file."""

from __future__ import annotations

import tomllib
from importlib import resources
from pathlib import Path

from partyday_cli.core.themes import Catalogue, catalogue_from_dict
from partyday_cli.errors import UserError


def _themes_dir() -> Path:
    return Path(str(resources.files("partyday_cli.templates"))) / "themes"


def catalogue_names() -> list[str]:
    """The shipped catalogues, by name."""
    return sorted(p.stem for p in _themes_dir().glob("*.toml"))


def _looks_like_path(text: str) -> bool:
    return text.lower().endswith(".toml") or "/" in text or "\\" in text


def _shipped(name: str) -> Path | None:
    for known in catalogue_names():
        if known.lower() == name.lower():
            return _themes_dir() / f"{known}.toml"
    return None


def _read(path: Path, label: str) -> Catalogue:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise UserError(f"无法读取主题目录文件 {path}：{exc.strerror or exc}") from exc
    except UnicodeDecodeError as exc:
        raise UserError(f"主题目录文件 {path} 不是 UTF-8 编码，请另存为 UTF-8") from exc
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        from partyday_cli.workspace import toml_error_zh

        raise UserError(f"主题目录文件 {path} 格式有误（{toml_error_zh(str(exc), text)}），"
                        "请对照 templates/themes/ 中的示例修改") from exc
    return catalogue_from_dict(data, label)


def load_catalogue(name_or_path: str, *, workspace_root: Path | None = None) -> Catalogue:
    """A shipped catalogue by name ("9+3"), or a .toml file (relative to the workspace)."""
    text = name_or_path.strip()
    if not text:
        raise UserError(f"没有指定主题目录。可选：{'、'.join(catalogue_names())}，或自己的 .toml 文件路径")
    if _looks_like_path(text):
        path = Path(text).expanduser()
        if not path.is_absolute() and workspace_root is not None:
            path = workspace_root / path
        if not path.is_file():
            raise UserError(f"找不到主题目录文件 {path}。可用的预设目录：{'、'.join(catalogue_names())}")
        return _read(path, text)
    shipped = _shipped(text)
    if shipped is None:
        raise UserError(f"没有名为“{text}”的主题目录。可选：{'、'.join(catalogue_names())}，"
                        "或写自己的 .toml 文件路径（可复制 templates/themes/ 中的文件修改）")
    return _read(shipped, shipped.stem)
