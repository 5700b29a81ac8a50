"""Importing a branch's 党费台账 into the ledger: what `partyday dues import` does, as a library call.

`import_dues(ws, file, year=…, dry_run=…, branch=…)` reads the 台账, matches each row to
one member of the year's roster, checks it against the roster's standards and saves the
payments (all or nothing), and returns a `DuesImport` the CLI renders. A file the ledger
cannot take as it is (a cell it cannot read, one member on two rows) raises `UserError`
listing every problem and writes nothing.

Namesakes: a row is told apart from its namesakes by its 党小组/支部, else by its 月工资
being exactly one namesake's income, else by the amounts it pays being exactly one
namesake's standard, else by the other namesakes having rows of their own. Each row so
decided is said in `DuesImport.decided` (one Chinese line saying which row became whom
and why); rows still ambiguous are kept for checking, never guessed.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from partyday_cli.errors import Problem, UserError


@dataclass(frozen=True)
class DuesImport:
    file: str
    year: int
    summary: str  # 2017年：3 人 15 条交纳记录，未匹配姓名 0 个
    branch_from_title: str | None = None  # the branch the title named (党委 workspace, no --branch)
    readings: list[str] = field(default_factory=list)  # what was read from free text
    decided: list[str] = field(default_factory=list)  # how each namesake row was decided
    warnings: list[str] = field(default_factory=list)  # 台账 vs roster (比例, 月应交), cells
    unmatched: list[Any] = field(default_factory=list)  # store.dues.Unmatched
    dry_run: bool = False
    already_imported: bool = False
    archived: str | None = None  # workspace-relative path of the archived original
    # against the 台账 imported before for the year: 新增/金额变更 lines (blank cells are in warnings)
    changes: list[str] = field(default_factory=list)


def import_dues(ws: Any, file: Path, *, year: int | None = None, dry_run: bool = False,
                branch: str | None = None) -> DuesImport:
    from partyday_cli.core.members import branch_in_text
    from partyday_cli.io.archive import archive_file, sha256_hex
    from partyday_cli.io.dues_ledger import read_dues_ledger
    from partyday_cli.io.files import read_bytes
    from partyday_cli.reports import dues_members, dues_policy
    from partyday_cli.store.dues import save_dues_import
    from partyday_cli.store.ledger import open_ledger

    data = read_bytes(file, "党费台账文件")
    read = read_dues_ledger(file, year)
    if read.problems:
        raise UserError(f"党费台账 {file.name} 有 {len(read.problems)} 处问题，未导入任何内容，"
                        "请改正后重新导入：", problems=read.problems)
    if not read.rows:
        raise UserError(f"党费台账 {file.name} 里没有读到任何党员。请检查“姓名”列下是否有名单")
    from_title = None
    if branch is None and len(ws.branches) > 1:  # one branch's 台账 says whose it is in its title
        branch = from_title = branch_in_text(read.title, [b.name for b in ws.branches])
    # a member who moved between two of the 党委's branches in the year is one person to a 台账
    members = list({mid: m for mid, m in dues_members(ws, read.year, branch)}.items())
    payments, unmatched, decided, warnings, blanks = _resolve(read, members, file.name, dues_policy(ws))
    people = len({p.member_id for p in payments})
    summary = f"{read.year}年：{people} 人 {len(payments)} 条交纳记录，未匹配姓名 {len(unmatched)} 个"
    result = DuesImport(file.name, read.year, summary, from_title, list(read.readings), decided, warnings,
                        unmatched, dry_run=dry_run)
    before: dict[tuple[int, str], Decimal] = {}
    if ws.ledger_path.exists():  # what the year's payments are now, to say what this 台账 changes
        with open_ledger(ws.ledger_path) as ledger:
            before = _in_force(ledger, read.year, {p.member_id for p in payments} | {mid for mid, _, _ in blanks})
    if dry_run:
        paid = {(p.member_id, p.month) for p in payments}
        undone = [(mid, month, before[(mid, month)]) for mid, month, _ in blanks
                  if (mid, month) not in paid and (mid, month) in before]
        return replace(result, changes=_changes(before, payments, dict(members), undone))
    with open_ledger(ws.ledger_path) as ledger:
        archived = archive_file(data, file.name, ws.root / "archive")
        saved = save_dues_import(ledger, payments, unmatched, sha256=sha256_hex(data),
                                 original_name=file.name,
                                 archived_path=str(archived.relative_to(ws.root)), summary=summary,
                                 blanks=[(mid, month) for mid, month, _ in blanks])
    rows = {(mid, month): row for mid, month, row in blanks}
    cleared = [f"第{rows[(mid, month)].row}行 {rows[(mid, month)].name} {int(month[5:])}月：之前导入的台账记为已交 "
               f"{amount} 元，本次台账为空白（或未交），按未交记录" for mid, month, amount in saved.cleared]
    return replace(result, already_imported=saved.already_imported, warnings=[*result.warnings, *cleared],
                   archived=str(archived.relative_to(ws.root)),
                   changes=[] if saved.already_imported else _changes(before, payments, dict(members), saved.cleared,
                                                                      said_above=True))


def _in_force(ledger: Any, year: int, ids: set[int]) -> dict[tuple[int, str], Decimal]:
    """(member, month) → the amount the ledger has paid for it in `year` (no zero rows)."""
    from partyday_cli.store.report_queries import payments_of

    return {(p.member_id, p.month): p.amount for p in payments_of(ledger, ids, f"{year}-01", f"{year}-12")
            if p.amount}


def _changes(before: dict[tuple[int, str], Decimal], payments: Sequence[Any], members: dict[int, Any],
             cleared: Sequence[tuple[int, str, Decimal]], *, said_above: bool = False, most: int = 30) -> list[str]:
    """What the 台账 changes of the payments in force for the year (an updated 台账 imported
    every month, a corrected one), by member: each month now paid (新增), each amount
    changed, each paid month it takes back (`cleared`: member, month, amount before).
    Nothing where no earlier 台账 has any of these members' year (`before`). `said_above`:
    the taken-back months are said already, one warning each: counted here, not listed."""
    from partyday_cli.core.members import namesake_labels

    if not before:
        return []
    new: dict[tuple[int, str], Decimal] = {}
    for pay in payments:
        new[(pay.member_id, pay.month)] = new.get((pay.member_id, pay.month), Decimal("0")) + pay.amount
    labels = namesake_labels(members.items())

    def who(mid: int) -> str:
        return labels.get(mid) or (members[mid].name if mid in members else str(mid))

    def when(month: str) -> str:
        return f"{int(month[:4])}年{int(month[5:])}月"

    added, changed = [], []
    for (mid, month), amount in sorted(new.items(), key=lambda kv: (kv[0][1], kv[0][0])):
        had = before.get((mid, month))
        if had is None and amount:
            added.append(f"新增 {who(mid)} {when(month)} {amount:.2f} 元")
        elif had is not None and had != amount:
            changed.append(f"变更 {who(mid)} {when(month)} {had:.2f} → {amount:.2f} 元")
    undone = [f"改为未交 {who(mid)} {when(month)}（之前记为已交 {Decimal(amount):.2f} 元，本次为空白或未交）"
              for mid, month, amount in cleared]
    lines = added + changed + ([] if said_above else undone)
    if not lines and not undone:
        return ["与之前导入的台账相比，已有的交纳记录没有变化"]
    head = "与之前导入的台账相比：" + "，".join(
        x for x in (f"新增 {len(added)} 条" if added else "", f"金额变更 {len(changed)} 条" if changed else "",
                    (f"改为未交 {len(undone)} 条" + ("（见上）" if said_above else "")) if undone else "") if x)
    shown = lines[:most] + ([f"……等共 {len(lines)} 条"] if len(lines) > most else [])
    return [head, *(f"  {line}" for line in shown)]


def _resolve(read, members, file: str, policy):  # type: ignore[no-untyped-def]
    """Rows → payments of matched members, unmatched names, how namesakes were decided, warnings."""
    from partyday_cli.core.dues import Payment, monthly_standard, months_due
    from partyday_cli.core.members import namesake_labels
    from partyday_cli.io.dues_ledger import declared_mismatches, row_blanks, row_payments

    by_id = dict(members)
    standards = {mid: monthly_standard(m, policy) for mid, m in members}
    matched, unmatched, decided = match_rows(read.rows, members, standard_of=lambda mid: standards[mid].monthly)
    labels = namesake_labels(members)
    seen: dict[int, tuple[Any, str]] = {}
    payments, messages, problems, blanks = [], [], [], []
    for row, mid, how in matched:
        if mid in seen:
            first, first_how = seen[mid]
            who = labels.get(mid, by_id[mid].name)
            why = "；".join(f"第{r.row}行认作{who}是因为{h}" for r, h in ((first, first_how), (row, how)) if h)
            problems.append(f"{who}有两行（第{first.row}行“{first.raw_name}”和第{row.row}行“{row.raw_name}”）"
                            + (f"，{why}" if why else "") + "。请合并为一行或删去多余的一行后重新导入")
            continue
        seen[mid] = (row, how)
        s = standards[mid]
        found, notes = row_payments(row, mid, s.monthly)
        payments += [Payment(mid, month, amount, paid_on) for month, amount, paid_on in found]
        # only the months the member was the branch's own: a member who moved in from another
        # branch of the 党委 has a blank there for months the other 台账 holds
        owed = set(months_due(by_id[mid], read.year, date(read.year, 12, 31))) if read.year else set()
        blanks += [(mid, month, row) for month in row_blanks(row) if month in owed]
        messages += notes + declared_mismatches(row, s.base, s.rate, s.monthly, file)
    if problems:
        raise UserError(f"党费台账 {file} 有 {len(problems)} 处问题，未导入任何内容：", problems=[
            Problem(line, file=file) for line in problems])
    return payments, unmatched, decided, messages, blanks


def match_rows(rows: Sequence[Any], members: Sequence[tuple[int, Any]],
               standard_of: Callable[[int], Decimal] | None = None):  # type: ignore[no-untyped-def]
    """Each row to one member, by `core.matching` (names cleaned as typed; namesakes told
    apart by the row's 党小组 or 支部), else by its 月工资/基数 equal to exactly one
    namesake's income, else (`standard_of`: member id → 月应交) by the amounts the row
    pays being exactly one namesake's standard (两个张伟, 48.00 and 76.50 a month), else by
    elimination: the row's other namesakes each have a row of their own.
    Namesakes left are ambiguous and never guessed; no candidate is unknown, with the
    closest roster names. Returns ([(row, member_id, how)], [Unmatched], [decided]):
    `how` says in a few words how a namesake row was decided ('' when its name or
    党小组 did), `decided` a line per such row for the user."""
    from partyday_cli.core.attendance import SignInRow
    from partyday_cli.core.matching import match_rows as match_names
    from partyday_cli.core.members import namesake_labels
    from partyday_cli.store.dues import Unmatched

    by_id = dict(members)
    labels = namesake_labels(members)
    signin = [SignInRow(r.raw_name, None, sheet=r.sheet, row=r.row, branch_hint=r.branch,
                        group_hint=r.group) for r in rows]
    found_all = match_names(signin, members)
    chosen: list[tuple[int | None, str]] = [(f.member_id, "") for f in found_all]  # per row: member, how
    named = {mid: i for i, (mid, _) in enumerate(chosen) if mid is not None}  # decided by name or 党小组
    pending: dict[int, list[int]] = {}  # row index → namesakes still possible
    for i, (row, found) in enumerate(zip(rows, found_all, strict=True)):
        if found.member_id is not None or not found.candidates:
            continue
        candidates = [c for c in found.candidates if c not in named] or list(found.candidates)
        how = ""
        if len(candidates) == 1:  # the other namesakes are on rows that name them
            how = _elsewhere(found.candidates, named, rows, labels, by_id)
        if len(candidates) > 1 and "base" in row.declared:  # namesakes told apart by 月工资
            same = [mid for mid in candidates if by_id[mid].income == row.declared["base"]]
            if len(same) == 1:
                candidates, how = same, f"台账月工资 {row.declared['base']} 元与花名册一致"
        if len(candidates) > 1 and standard_of is not None:  # … or by what the row pays each month
            paid = {c.amount for c in row.months.values() if c.amount is not None and c.amount > 0}
            paid |= {row.declared["monthly"]} if "monthly" in row.declared else set()
            same = [mid for mid in candidates if standard_of(mid) in paid]
            if len(same) == 1:
                others = "、".join(f"{labels.get(c, by_id[c].name)}为 {standard_of(c)} 元"
                                  for c in candidates if c != same[0])
                candidates, how = same, f"每月交 {standard_of(same[0])} 元，是其月应交（{others}）"
        if len(candidates) == 1:
            chosen[i] = (candidates[0], how)
        else:
            pending[i] = list(found.candidates)
    _eliminate(rows, chosen, pending, labels, by_id)
    matched, unmatched, decided = [], [], []
    for i, (row, found) in enumerate(zip(rows, found_all, strict=True)):
        member_id, how = chosen[i]
        if member_id is not None:
            matched.append((row, member_id, how))
            if how:
                decided.append(f"第{row.row}行“{row.raw_name}”认定为{labels.get(member_id, by_id[member_id].name)}：{how}")
        elif i in pending:
            who = tuple(labels.get(mid, by_id[mid].name) for mid in pending[i])
            unmatched.append(Unmatched(row.raw_name, row.name, row.sheet, row.row, who,
                                       "花名册中有同名党员，无法区分；请在台账中加“党小组”列"))
        else:
            unmatched.append(Unmatched(row.raw_name, row.name, row.sheet, row.row,
                                       tuple(found.suggestions)))
    return matched, unmatched, decided


def _elsewhere(candidates, taken, rows, labels, by_id) -> str:  # type: ignore[no-untyped-def]
    where = "、".join(f"{labels.get(c, by_id[c].name)}在第{rows[taken[c]].row}行"
                     for c in candidates if c in taken)
    return f"其余同名党员已各有一行（{where}）"


def _eliminate(rows, chosen, pending, labels, by_id) -> None:  # type: ignore[no-untyped-def]
    """A namesake row whose other namesakes all have rows of their own is the one left
    (张伟（第一党小组） on one row, a plain 张伟 on another: the plain one is the second).
    Two rows left for one member, or one member left for two rows, stay pending."""
    changed = True
    while changed and pending:
        changed = False
        taken: dict[int, int] = {mid: i for i, (mid, _) in enumerate(chosen) if mid is not None}
        for i, candidates in list(pending.items()):
            left = [c for c in candidates if c not in taken]
            rivals = [j for j, cands in pending.items() if j != i and set(cands) & set(left)]
            if len(left) != 1 or rivals:
                continue
            chosen[i] = (left[0], _elsewhere(candidates, taken, rows, labels, by_id))
            del pending[i]
            changed = True
            break
