"""Names on sign-in records → members of the roster.

Names arrive as people type them: '张三-第一支部', '李四（财务科）', '第一支部-王五',
'阿依古丽 • 买买提', full-width letters, a 腾讯会议 '微信昵称(张三)'. Each is cleaned, then
matched against the members active on the activity date. Same-name members are told apart
by the branch, group or phone tail the record gives; when they cannot be, the match is
ambiguous and says who the candidates are — never a guess. A name matching nobody gets
the closest roster names as suggestions. Pure functions, deterministic.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from partyday_cli.core.attendance import SignInRow
from partyday_cli.core.members import Member, normalise_name

# The steps a match can come from: short stable ids (an `--explain` line and the JSON
# output carry them; never rename one, add new ones).
STEPS = ("exact", "alias", "group", "phone", "count", "split", "not-a-person", "visitor",
         "suggestion", "unmatched", "ambiguous")


@dataclass(frozen=True)
class Match:
    """`member_id` set: matched. Else `candidates` (same-name members, ambiguous) or
    `suggestions` (closest roster names, unknown).

    `step` is the matching step that decided (one of `STEPS`), `note` says how in a few
    Chinese words (for `attend import --explain`). A row shared by several people
    ('马丽&何志强') has one Match per person in `parts` (each with `part` the text it was
    read from); `warning` is a Chinese sentence the import should print about the row
    ('' when none). Fields are only ever added, never renamed."""

    row: SignInRow
    member_id: int | None
    candidates: tuple[int, ...] = ()
    suggestions: tuple[str, ...] = ()
    step: str = ""
    note: str = ""
    part: str = ""
    parts: tuple[Match, ...] = ()
    warning: str = ""


_BRACKETS = re.compile(r"[（(【\[〔<《{]([^）)】\]〕>》}]*)[）)】\]〕>》}]")
_OPEN_TAIL = re.compile(r"[（(【\[〔<《{].*$")  # an unclosed '张三（财务' → '张三'
_SEPARATORS = re.compile(r"[-－—–_/|｜\\,，、;；:：@+~～#＃]+")
_DIGITS = re.compile(r"[0-9*＊xX]{4,}")
# Tags people add to their names. Strong: never a name. Weak: a one-character suffix that
# also ends real names (李科, 王彬), so a short word with it is only a tag when beside a name.
_STRONG_TAG = re.compile(r"(支部|党委|总支|党小组|小组|中心|公司|街道|社区|学院|学校|医院|书记|委员|主任|"
                         r"老师|党员|群众|积极分子|发展对象|部门|科室|办公室)$|^第?[一二三四五六七八九十\d]+组?$")
_WEAK_TAG = re.compile(r"[组科处部室办局院队所站班委厂村镇乡]$")


def _tag_level(word: str) -> int:
    """2: a person's name; 1: maybe a department ('财务科', or the name 李科); 0: a tag."""
    if len(word) >= 2 and _STRONG_TAG.search(word):
        return 0
    if len(word) >= 2 and _WEAK_TAG.search(word):
        return 1 if len(word) <= 3 else 0
    return 2


def _is_tag(word: str) -> bool:
    return _tag_level(word) < 2


def clean_name(raw: str, *, branch_names: Sequence[str] = ()) -> str:
    """The person's name from a name cell as typed: notes in brackets, branch or
    department tags and phone numbers dropped, spaces, dots and full-width folded.
    '张三-第一支部' → '张三'; '第一支部-王五' → '王五'; '李四（财务科）' → '李四'."""
    readings = name_readings(raw, branch_names=branch_names)
    return readings[0] if readings else ""


def name_readings(raw: str, *, branch_names: Sequence[str] = ()) -> list[str]:
    """Every plausible person name in a cell, best first: the text outside brackets, then
    inside them ('微信昵称(张三)' → ['微信昵称', '张三'])."""
    text = unicodedata.normalize("NFKC", str(raw or ""))
    inside = [m for m in _BRACKETS.findall(text) if m.strip()]
    outside = _OPEN_TAIL.sub("", _BRACKETS.sub(" ", text))
    branches = {normalise_name(b) for b in branch_names if b}
    out: list[str] = []
    for chunk in [outside, *inside]:
        name = _person_part(chunk, branches)
        if name and name not in out:
            out.append(name)
    return out


def _person_part(chunk: str, branches: set[str]) -> str:
    chunk = _DIGITS.sub(" ", chunk)
    parts = [normalise_name(_drop_tags(p)) for p in _SEPARATORS.split(chunk)]
    parts = [p for p in parts if p and p not in branches]
    if not parts:
        return ""
    best = max(_tag_level(p) for p in parts)
    return next(p for p in parts if _tag_level(p) == best)


def _drop_tags(part: str) -> str:
    """'第一党小组 赵六' → '赵六', but '张 三' stays whole (spaces pad names to align)."""
    words = part.split()
    if len(words) < 2:
        return part
    kept = [w for w in words if _tag_level(normalise_name(w)) == 2]
    return "".join(kept) if kept else part


def match_rows(rows: Sequence[SignInRow], members: Sequence[tuple[int, Member]], *,
               aliases: Mapping[str, str] | None = None) -> list[Match]:
    """One `Match` per row, in order. `members`: (ledger id, Member) active on the day."""
    index = _Index(members, aliases or {})
    return [index.match(row) for row in rows]


def match_file(rows: Sequence[SignInRow], members: Sequence[tuple[int, Member]], *,
               aliases: Mapping[str, str] | None = None) -> list[Match]:
    """All rows of one file against the members expected that day: `Matcher.settle` of
    the row matches. A shared row gives one Match per person in it, so the result is in
    row order but may be longer than `rows`."""
    index = _Index(members, aliases or {})
    return index.settle([index.match(row) for row in rows])


class _Index:
    def __init__(self, members: Sequence[tuple[int, Member]], aliases: Mapping[str, str]):
        self.by_name: dict[str, list[tuple[int, Member]]] = {}
        for member_id, member in sorted(members, key=lambda im: im[0]):
            self.by_name.setdefault(normalise_name(member.name), []).append((member_id, member))
        self.names = sorted(self.by_name)
        self.aliases = {normalise_name(k): normalise_name(v) for k, v in aliases.items()}
        self.members = sorted(members, key=lambda im: im[0])
        self.branches = sorted({m.branch for _, m in members if m.branch})

    def settle(self, matches: Sequence[Match]) -> list[Match]:
        """The row matches of one whole file, decided together: a shared row becomes
        one Match per person. Cheap (one pass); `match` of each row may be memoised."""
        out: list[Match] = []
        for m in matches:
            if m.parts:
                out.extend(m.parts)
            else:
                out.append(m)
        return out

    def match(self, row: SignInRow) -> Match:
        if row.visitor:
            return Match(row, None, step="visitor", note="列席，不计入应到")
        readings = self._readings(row.raw_name)
        for name in readings:
            found = self.by_name.get(name)
            if found:
                return self._pick(row, found)
        for name in readings:  # '财务科张三': a roster name plus a department tag
            found = self._tagged(name)
            if found:
                return self._pick(row, found)
        if row.phone_tail:
            found = [im for im in self.members if im[1].phone.endswith(row.phone_tail)]
            if len(found) == 1:
                return Match(row, found[0][0], step="phone", note="按手机尾号")
        cleaned = name_readings(row.raw_name, branch_names=self.branches)
        hint = self._suggest(cleaned[0] if cleaned else "")
        if hint:
            return Match(row, None, suggestions=hint, step="suggestion", note="相近的姓名，待确认")
        return Match(row, None, step="unmatched", note="不在当天的党员名单中")

    def _readings(self, raw: str) -> list[str]:
        """The name as typed, then its cleaned readings; an alias stands for its roster name."""
        out = []
        for name in [normalise_name(raw), *name_readings(raw, branch_names=self.branches)]:
            name = self.aliases.get(name, name)
            if name and name not in out:
                out.append(name)
        return out

    def _tagged(self, name: str) -> list[tuple[int, Member]]:
        hits = []
        for known in self.names:
            if len(known) < 2 or len(known) >= len(name):
                continue
            if name.startswith(known):
                rest = name[len(known):]
            elif name.endswith(known):
                rest = name[: -len(known)]
            else:
                continue
            if _is_tag(rest) or rest.isdigit() or rest in self.branches:
                hits.append(known)
        return self.by_name[hits[0]] if len(hits) == 1 else []

    def _pick(self, row: SignInRow, found: list[tuple[int, Member]]) -> Match:
        if len(found) == 1:
            return Match(row, found[0][0], step="exact", note="姓名一致")
        narrowed = found
        for hint, attr in ((row.phone_tail, "phone"), (row.group_hint, "group"), (row.branch_hint, "branch")):
            if not hint:
                continue
            kept = [im for im in narrowed if _agrees(hint, getattr(im[1], attr), attr)]
            if kept:
                narrowed = kept
            if len(narrowed) == 1:
                step = "phone" if attr == "phone" else "group"
                return Match(row, narrowed[0][0], step=step,
                             note="同名，按手机尾号区分" if step == "phone" else "同名，按党小组/支部区分")
        tag = _leftover(row.raw_name, normalise_name(found[0][1].name))
        if tag:  # '张伟（第二党小组）', '张伟-二组': the name carries its own group or branch
            kept = [im for im in narrowed
                    if _agrees(tag, im[1].group, "group") or _agrees(tag, im[1].branch, "branch")
                    or _same_numbered_group(tag, im[1].group)]
            if len(kept) == 1:
                return Match(row, kept[0][0], step="group", note="同名，按姓名后的党小组/支部区分")
        return Match(row, None, candidates=tuple(im[0] for im in narrowed), step="ambiguous",
                     note="同名党员无法区分，待处理")

    def _suggest(self, name: str) -> tuple[str, ...]:
        if not name:
            return ()
        scored = []
        for known in self.names:
            score = _likeness(name, known)
            if score >= 0.5:
                scored.append((-score, known))
        return tuple(known for _, known in sorted(scored)[:3])


_NUMERALS = re.compile(r"[一二三四五六七八九十\d]+")


def _leftover(raw: str, name: str) -> str:
    """What the written name holds besides the person's name, brackets and dashes removed."""
    text = normalise_name(raw).replace(name, "", 1)
    return re.sub(r"[()（）\[\]【】<>《》\-—_·,，、:：/\\\s]", "", text)


def _same_numbered_group(tag: str, group: str) -> bool:
    """'二组' and '第二党小组' name the same group."""
    a, b = _NUMERALS.findall(tag), _NUMERALS.findall(group)
    return bool(a) and a == b and "组" in tag and "组" in group


def _agrees(hint: str, value: str, attr: str) -> bool:
    if not value:
        return False
    if attr == "phone":
        return value.endswith(hint)
    a, b = normalise_name(hint), normalise_name(value)
    return a == b or (len(a) >= 2 and len(b) >= 2 and (a in b or b in a))


def _likeness(a: str, b: str) -> float:
    """How alike two names are: one character wrong or two swapped count as close."""
    if len(a) == len(b):
        diff = [i for i in range(len(a)) if a[i] != b[i]]
        if len(diff) == 1 and len(a) >= 2:
            return 0.9
        if len(diff) == 2 and diff[1] == diff[0] + 1 and a[diff[0]] == b[diff[1]] and a[diff[1]] == b[diff[0]]:
            return 0.85
    if not set(a) & set(b):
        return 0.0
    return difflib.SequenceMatcher(None, a, b).ratio()
