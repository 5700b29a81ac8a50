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
from dataclasses import dataclass, replace

from partyday_cli.core.attendance import SignInRow
from partyday_cli.core.members import Member, normalise_name

# The steps a match can come from: short stable ids (an `--explain` line and the JSON
# output carry them; never rename one, add new ones).
STEPS = ("exact", "alias", "group", "phone", "count", "split", "not-a-person", "visitor",
         "suggestion", "unmatched", "ambiguous", "resolved")  # resolved: an earlier attend resolve answer


@dataclass(frozen=True)
class Match:
    """`member_id` set: matched. Else `candidates` (same-name members, ambiguous) or
    `suggestions` (closest roster names, unknown).

    `step` is the matching step that decided (one of `STEPS`), `note` says how in a few
    Chinese words (for `attend import --explain`). A row shared by several people
    ('马丽&何志强') has one Match per person in `parts` (each with `part` the text it was
    read from; the shared row's own `member_id` is its first member's, for callers that
    do not `settle`); `warning` is a Chinese sentence the import should print about the row
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

    def with_row(self, row: SignInRow) -> Match:
        """This match for another row with the same name and hints (`dataclasses.replace`
        without its per-call field walk: an import makes one for most rows it reads)."""
        new = object.__new__(Match)
        new.__dict__.update(self.__dict__)
        new.__dict__["row"] = row
        return new


_BRACKETS = re.compile(r"[（(【\[〔<《{]([^）)】\]〕>》}]*)[）)】\]〕>》}]")
_OPEN_TAIL = re.compile(r"[（(【\[〔<《{].*$")  # an unclosed '张三（财务' → '张三'
_SEPARATORS = re.compile(r"[-－—–_/|｜\\,，、;；:：@+~～#＃]+")
_DIGITS = re.compile(r"[0-9*＊xX]{4,}")
_CJK_RUN = re.compile(r"[\u3400-\u9fff·]{2,}")
_LATIN = re.compile(r"[A-Za-z]")
# Tags people add to their names. Strong: never a name. Weak: a one-character suffix that
# also ends real names (李科, 王彬), so a short word with it is only a tag when beside a name.
_STRONG_TAG = re.compile(r"(支部|党委|总支|党小组|小组|中心|公司|街道|社区|学院|学校|医院|书记|委员|主任|"
                         r"老师|党员|群众|积极分子|发展对象|部门|科室|办公室)$|^第?[一二三四五六七八九十\d]+组?$")
_WEAK_TAG = re.compile(r"[组科股处部室办局院队所站班委厂村镇乡]$")
# A 腾讯会议 default nickname names the device after the person: '张伟的iPhone',
# '张伟的华为手机', '张伟的MacBook Pro'.
_DEVICE = re.compile(r"的\s*(?:[A-Za-z].*|.*(?:手机|电脑|平板|笔记本|设备|华为|小米|红米|荣耀|苹果|三星|联想|魅族|一加"
                     r"|努比亚|真我))$")


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
    text = _DEVICE.sub("", text) if "的" in text else text
    inside = [m for m in _BRACKETS.findall(text) if m.strip()]
    outside = _OPEN_TAIL.sub("", _BRACKETS.sub(" ", text))
    branches = {normalise_name(b) for b in branch_names if b}
    out: list[str] = []
    for chunk in [outside, *inside]:
        name = _person_part(chunk, branches)
        if name and name not in out:
            out.append(name)
    for chunk in [outside, *inside]:  # 'Jing Chen 陈静': the Chinese name inside a mixed nickname
        if _LATIN.search(chunk):
            for run in _CJK_RUN.findall(chunk):
                name = normalise_name(run)
                if name not in out and _tag_level(name) == 2:
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
    """One `Match` per row, in order, each row on its own (no counting of same names
    across the file: see `match_file`). `members`: (ledger id, Member) active on the day."""
    index = _Index(members, aliases or {})
    return [index.match(row) for row in rows]


def match_file(rows: Sequence[SignInRow], members: Sequence[tuple[int, Member]], *,
               aliases: Mapping[str, str] | None = None) -> list[Match]:
    """All rows of one file against the members expected that day: `Matcher.settle` of
    the row matches. A shared row gives one Match per person in it, so the result is in
    row order but may be longer than `rows`."""
    index = _Index(members, aliases or {})
    return index.settle([index.match(row) for row in rows])


def name_key(name: str) -> str:
    """A normalised name as the matcher compares it: the middle dot of a minority name
    dropped ('迪丽努尔·艾买提' and '迪丽努尔艾买提' are one name)."""
    return name.replace("·", "")


# A row shared by several people: '马丽&何志强', '张三、李四', '张三/李四', '张三+李四'.
_SHARED = re.compile(r"\s*[&+/、,;]\s*")
# Also '张三和李四', '张三 李四': only when every part is a member's name exactly.
_SHARED_STRICT = re.compile(r"\s*(?:和|与|及)\s*|\s+")
# Rows that are not a person: rooms, devices, anonymous or test accounts, the host.
_NOT_A_PERSON = re.compile(
    r"会议室|会议平板|会议终端|会议大屏|投屏|大屏|电脑|手机|终端|设备|录屏|录制|机器人|"
    r"微信用户|腾讯会议用户|飞书用户|钉钉用户|匿名|^用户\d*$|^访客\d*$|^游客\d*$|测试|^test|"
    r"主持人|联席主持|管理员|^host$|^admin|^(?:iphone|ipad|android|huawei|honor|oppo|vivo|xiaomi|"
    r"redmi|mac|macbook|pc|windows|华为|荣耀|小米|红米)|^\d+f$|^\d+楼$", re.IGNORECASE)


class _Index:
    """The members expected on a day, indexed once for many rows (`Matcher`). The steps,
    in order: normalise (`_readings`) → exact → by group/phone (`_pick`) → split shared
    rows (`_shared`) → not-a-person → suggestion; then, for the whole file, by count
    (`settle`)."""

    def __init__(self, members: Sequence[tuple[int, Member]], aliases: Mapping[str, str]):
        self.members = sorted(members, key=lambda im: im[0])
        self.by_name: dict[str, list[tuple[int, Member]]] = {}
        self.by_tail: dict[str, list[tuple[int, Member]]] = {}
        self.key_of: dict[int, str] = {}
        for member_id, member in self.members:
            key = name_key(normalise_name(member.name))
            self.by_name.setdefault(key, []).append((member_id, member))
            self.key_of[member_id] = key
            digits = "".join(ch for ch in member.phone if ch.isdigit())
            if len(digits) >= 4:
                self.by_tail.setdefault(digits[-4:], []).append((member_id, member))
        self.names = sorted(self.by_name)
        self.aliases = {name_key(normalise_name(k)): name_key(normalise_name(v)) for k, v in aliases.items()}
        self.branches = sorted({m.branch for _, m in members if m.branch})

    # ------------------------------------------------------------------ one row

    def match(self, row: SignInRow) -> Match:
        if row.visitor:
            why = f"（{row.reason}）" if row.reason else ""
            return Match(row, None, step="visitor", note=f"列席{why}，不计入应到")
        cleaned = name_readings(row.raw_name, branch_names=self.branches)
        readings = self._readings(row.raw_name, cleaned)
        for n, (key, via_alias) in enumerate(readings):  # exact, after normalising
            if n == 1:  # the whole text is no member's name: is it two people's?
                shared = self._shared(row)
                if shared is not None:
                    return shared
            found = self.by_name.get(key)
            if found:
                return self._pick(row, found, "alias" if via_alias else "exact")
        shared = self._shared(row) if len(readings) < 2 else None
        if shared is not None:
            return shared
        for key, _ in readings:  # '财务科张三': a roster name plus a department tag
            found = self._tagged(key)
            if found:
                return self._pick(row, found, "exact", note="姓名一致（去掉了部门或支部）")
        nobody = self._not_a_person(row.raw_name, cleaned)
        owners = self.by_tail.get(row.phone_tail, []) if row.phone_tail else []
        warning = ""
        if len(owners) == 1:
            if not cleaned or nobody:  # '138****6621', '微信用户' with a phone: the phone says who
                return Match(row, owners[0][0], step="phone", note="没有姓名，按手机尾号")
            warning = (f"“{row.raw_name}”不在名单中，填写的手机尾号 {row.phone_tail} 却是党员"
                       f"{owners[0][1].name}的；未按手机号记为{owners[0][1].name}，请核对")
        if nobody:
            return Match(row, None, step="not-a-person", note=nobody, warning=warning)
        hint = self._suggest(name_key(cleaned[0]) if cleaned else "")
        if hint:
            return Match(row, None, suggestions=hint, step="suggestion", note="相近的姓名，待确认", warning=warning)
        return Match(row, None, step="unmatched", note="不在当天的党员名单中", warning=warning)

    def _readings(self, raw: str, cleaned: Sequence[str]) -> list[tuple[str, bool]]:
        """The name as typed, then its cleaned readings, as keys; an alias stands for its
        roster name (True: read through an alias)."""
        out: list[tuple[str, bool]] = []
        seen: set[str] = set()
        for name in [normalise_name(raw), *cleaned]:
            key = name_key(name)
            alias = self.aliases.get(key)
            key = alias or key
            if key and key not in seen:
                seen.add(key)
                out.append((key, alias is not None))
        return out

    def _shared(self, row: SignInRow) -> Match | None:
        """A row for several people ('马丽&何志强', '马超&朱红(马超)'): one Match per part
        when a part is exactly a member's name; None when the row is not shared."""
        text = unicodedata.normalize("NFKC", str(row.raw_name or ""))
        outside = _OPEN_TAIL.sub("", _BRACKETS.sub(" ", text)).strip()
        parts = [p for p in _SHARED.split(outside) if p.strip()]
        strict = len(parts) < 2
        if strict:
            parts = [p for p in _SHARED_STRICT.split(outside) if p.strip()]
            if len(parts) < 2:
                return None
        keys = [self.aliases.get(k, k) for k in (name_key(normalise_name(p)) for p in parts)]
        known = [k in self.by_name for k in keys]
        if not any(known) or (strict and not all(known)):
            return None
        if not all(k in self.by_name or _tag_level(k) == 2 for k in keys):
            return None  # '张三/第一支部': a name and a tag, not two people
        together = "、".join(keys)
        out = []
        for part, key in zip(parts, keys, strict=True):
            one = SignInRow(part.strip(), row.status, row.reason, row.sheet, row.row, row.branch_hint,
                            row.group_hint, "", row.visitor, row.minutes, row.answers)
            found = self.by_name.get(key)
            if found:
                m = self._pick(one, found, "split")
                note = f"一台设备多人（{together}）" if m.step == "split" else m.note
            else:
                m = self.match(one)
                note = f"一台设备多人（{together}），{m.note}"
            out.append(Match(row, m.member_id, m.candidates, m.suggestions, step=m.step, note=note,
                             part=part.strip(), warning=m.warning))
        first = next((m.member_id for m in out if m.member_id is not None), None)  # for callers that do not settle
        return Match(row, first, step="split", note=f"一台设备多人（{together}）", parts=tuple(out))

    def _not_a_person(self, raw: str, cleaned: Sequence[str]) -> str:
        """Why a row is not a person ('会议室-3F', '微信用户', 'iPhone', '主持人', a branch's
        own account), or ''."""
        folded = normalise_name(raw)
        if _NOT_A_PERSON.search(folded) or any(_NOT_A_PERSON.search(c) for c in cleaned):
            return "不是人名（会议室、设备、匿名或测试账号、主持人账号）"
        words = [normalise_name(w) for w in _SEPARATORS.split(_BRACKETS.sub(" ", unicodedata.normalize(
            "NFKC", raw))) if w.strip()]
        if words and all(_tag_level(w) == 0 for w in words):
            return "不是人名（单位或支部的账号）"
        return ""

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

    def _pick(self, row: SignInRow, found: list[tuple[int, Member]], step: str, note: str = "") -> Match:
        """A name that is on the roster: its member, or the same-name members the row's
        group, branch or phone tail tell apart; still several: ambiguous (`settle` may
        decide by count)."""
        if len(found) == 1:
            return Match(row, found[0][0], step=step, note=note or _NOTES[step],
                         warning=self._phone_conflict(row, found))
        narrowed = found
        for hint, attr in ((row.phone_tail, "phone"), (row.group_hint, "group"), (row.branch_hint, "branch")):
            if not hint:
                continue
            kept = [im for im in narrowed if _agrees(hint, getattr(im[1], attr), attr)]
            if kept:
                narrowed = kept
            if len(narrowed) == 1:
                by = "phone" if attr == "phone" else "group"
                return Match(row, narrowed[0][0], step=by,
                             note="同名，按手机尾号区分" if by == "phone" else "同名，按党小组/支部区分")
        tag = _leftover(row.raw_name, found[0][1].name)
        if tag:  # '张伟（第二党小组）', '张伟-二组': the name carries its own group or branch
            kept = [im for im in narrowed
                    if _agrees(tag, im[1].group, "group") or _agrees(tag, im[1].branch, "branch")
                    or _same_numbered_group(tag, im[1].group)]
            if len(kept) == 1:
                return Match(row, kept[0][0], step="group", note="同名，按姓名后的党小组/支部区分")
        return Match(row, None, candidates=tuple(im[0] for im in narrowed), step="ambiguous",
                     note=f"同名党员{len(narrowed)}人，无法区分，待处理", warning=self._phone_conflict(row, found))

    def _phone_conflict(self, row: SignInRow, found: list[tuple[int, Member]]) -> str:
        """A phone tail that belongs to someone other than the members of the name."""
        if not row.phone_tail:
            return ""
        owners = self.by_tail.get(row.phone_tail, [])
        mine = {im[0] for im in found}
        others = [m for i, m in owners if i not in mine]
        if not others or any(i in mine for i, _ in owners):
            return ""
        return (f"“{row.raw_name}”填写的手机尾号 {row.phone_tail} 是党员{others[0].name}的，"
                f"与姓名不符；按姓名处理，请核对")

    def _suggest(self, name: str) -> tuple[str, ...]:
        if not name:
            return ()
        scored = []
        mine = {ch: name.count(ch) for ch in set(name)}
        size = len(name)
        for known in self.names:
            # `_likeness` is at most 2 × the characters both share (with repeats) / both
            # lengths (difflib's ratio, and its 0.9 and 0.85 for one wrong or two swapped);
            # a name that cannot reach 0.5 is not scored at all
            shared = 0
            for ch, n in mine.items():
                if ch in known:
                    shared += min(n, known.count(ch))
            if 4 * shared < size + len(known):
                continue
            score = _likeness(name, known)
            if score >= 0.5:
                scored.append((-score, known))
        return tuple(self.by_name[known][0][1].name for _, known in sorted(scored)[:3])

    # ------------------------------------------------------------------ the whole file

    def settle(self, matches: Sequence[Match]) -> list[Match]:
        """The row matches of one whole file, decided together. A shared row becomes one
        Match per person. Same-name rows left ambiguous are matched by count: when the
        rows of a name that no hint decided are as many as that name's members not
        matched otherwise, and all say the same status, every one of them came (step
        "count"). Fewer rows than members stay ambiguous for `attend resolve`. One pass."""
        flat: list[Match] = []
        for m in matches:
            flat.extend(m.parts or (m,))
        pending: dict[str, list[int]] = {}
        for i, m in enumerate(flat):
            if m.step == "ambiguous" and m.candidates:
                pending.setdefault(self.key_of[m.candidates[0]], []).append(i)
        if not pending:
            return flat
        taken = {m.member_id for m in flat if m.member_id is not None}
        for key, rows in pending.items():
            free = [i for i, _ in self.by_name[key] if i not in taken]
            said = {(flat[r].row.status, flat[r].row.reason) for r in rows}
            if len(rows) != len(free) or len(said) != 1 or not all(
                    set(free) <= set(flat[r].candidates) for r in rows):
                continue
            for r, member_id in zip(rows, free, strict=True):
                flat[r] = replace(flat[r], member_id=member_id, candidates=(), step="count",
                                  note=f"同名{len(free)}人，文件中也有{len(rows)}行，人数一致，都已计入")
        return flat


Matcher = _Index
_NOTES = {"exact": "姓名一致", "alias": "按配置中的别名", "split": "一台设备多人"}


_NUMERALS = re.compile(r"[一二三四五六七八九十\d]+")


def _leftover(raw: str, name: str) -> str:
    """What the written name holds besides the person's name, brackets and dashes removed."""
    text = normalise_name(raw).replace(name, "", 1)
    return _PUNCTUATION.sub("", text)


_PUNCTUATION = re.compile(r"[()（）\[\]【】<>《》\-—_·,，、:：/\\\s]")


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
