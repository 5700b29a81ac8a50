"""The ledger's schema as ordered migrations (plain data).

The schema version is `PRAGMA user_version`. Migration N is applied, in its own
transaction, to a ledger whose version is N-1. A released migration is never edited:
a change to the schema is a new migration appended at the end.

Conventions every table follows, so that later features fit without rewrites:
- dates are ISO TEXT ('2024-05-12'), months 'YYYY-MM', timestamps ISO with offset;
- money is TEXT holding a plain decimal string ('12.50'), never REAL (the code refuses
  floats; a CHECK refuses text that is not a decimal number);
- lists (kinds, suggestions) are JSON TEXT;
- every imported row points at its `imports` row, so an import can be explained later.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Migration:
    version: int
    statements: tuple[str, ...]


def _money(column: str, nullable: bool = True) -> str:
    # TEXT affinity already stores a number as text; the check refuses what is not a
    # plain decimal string ('12,50', '1E+3', '', 'NaN').
    check = f"{column} NOT GLOB '*[^0-9.-]*' AND {column} GLOB '*[0-9]*'"
    if nullable:
        check = f"{column} IS NULL OR {check}"
    return f"{column} TEXT{'' if nullable else ' NOT NULL'} CHECK ({check})"


def _day(column: str, nullable: bool = True) -> str:
    check = f"date({column}) IS {column}"
    if nullable:
        check = f"{column} IS NULL OR {check}"
    return f"{column} TEXT{'' if nullable else ' NOT NULL'} CHECK ({check})"


_V1 = Migration(
    1,
    (
        # The import log: one row per file taken in. The same bytes of the same kind are
        # taken in once (SPEC §10 idempotency).
        f"""CREATE TABLE imports (
            id INTEGER PRIMARY KEY,
            kind TEXT NOT NULL CHECK (kind IN ('roster', 'attendance', 'dues', 'holidays')),
            sha256 TEXT NOT NULL CHECK (length(sha256) = 64),
            original_name TEXT NOT NULL,
            archived_path TEXT NOT NULL DEFAULT '',
            imported_at TEXT NOT NULL,
            {_day("effective_date")},
            rows INTEGER NOT NULL DEFAULT 0,
            summary TEXT NOT NULL DEFAULT '',
            UNIQUE (kind, sha256)
        )""",
        "CREATE INDEX imports_kind_effective ON imports (kind, effective_date, id)",
        # A person across roster imports. `key` is Member.key of the newest version.
        """CREATE TABLE members (
            id INTEGER PRIMARY KEY,
            key TEXT NOT NULL UNIQUE,
            name TEXT NOT NULL,
            branch TEXT NOT NULL DEFAULT '',
            first_import_id INTEGER REFERENCES imports (id)
        )""",
        "CREATE INDEX members_name ON members (name)",
        "CREATE INDEX members_branch ON members (branch)",
        # What one roster import said about one member. Every import lists every member
        # it holds (a full snapshot), so the roster in force on any day is one import's
        # rows; present = 0 marks a member dropped by that import.
        f"""CREATE TABLE member_versions (
            id INTEGER PRIMARY KEY,
            member_id INTEGER NOT NULL REFERENCES members (id),
            import_id INTEGER NOT NULL REFERENCES imports (id),
            present INTEGER NOT NULL CHECK (present IN (0, 1)),
            name TEXT NOT NULL,
            branch TEXT NOT NULL DEFAULT '',
            group_name TEXT NOT NULL DEFAULT '',
            gender TEXT NOT NULL DEFAULT '',
            ethnicity TEXT NOT NULL DEFAULT '',
            {_day("birth_date")},
            party_status TEXT NOT NULL DEFAULT '正式',
            {_day("joined")},
            {_day("full_member_date")},
            category TEXT NOT NULL DEFAULT '在职',
            phone TEXT NOT NULL DEFAULT '',
            id_number TEXT NOT NULL DEFAULT '',
            {_money("income")},
            {_money("dues_override")},
            {_day("transferred_out")},
            {_day("transferred_in")},
            {_day("exempt_from")},
            {_day("exempt_until")},
            exempt_reason TEXT NOT NULL DEFAULT '',
            note TEXT NOT NULL DEFAULT '',
            source_row INTEGER,
            UNIQUE (import_id, member_id)
        )""",
        "CREATE INDEX member_versions_member ON member_versions (member_id, import_id)",
        "CREATE INDEX member_versions_branch ON member_versions (import_id, branch)",
    ),
)

_V2 = Migration(
    2,
    (
        # One organisational-life meeting of a branch; kinds is a JSON list of 三会一课
        # kinds, so a 主题党日 that is also the 支部党员大会 counts for both (SPEC §12).
        f"""CREATE TABLE activities (
            id INTEGER PRIMARY KEY,
            branch TEXT NOT NULL DEFAULT '',
            {_day("date", nullable=False)},
            {_day("planned")},
            theme TEXT NOT NULL DEFAULT '',
            kinds TEXT NOT NULL DEFAULT '[]',
            place TEXT NOT NULL DEFAULT '',
            host TEXT NOT NULL DEFAULT '',
            status TEXT NOT NULL DEFAULT '',
            provisional INTEGER NOT NULL DEFAULT 0 CHECK (provisional IN (0, 1)),
            moved_reason TEXT,
            UNIQUE (branch, date)
        )""",
        "CREATE INDEX activities_date ON activities (date)",
        """CREATE TABLE attendance (
            id INTEGER PRIMARY KEY,
            activity_id INTEGER NOT NULL REFERENCES activities (id) ON DELETE CASCADE,
            member_id INTEGER NOT NULL REFERENCES members (id),
            status TEXT NOT NULL
                CHECK (status IN ('出席', '迟到', '早退', '请假', '缺席', '免参加', '补学')),
            reason TEXT NOT NULL DEFAULT '',
            source_import_id INTEGER REFERENCES imports (id),
            UNIQUE (activity_id, member_id)
        )""",
        "CREATE INDEX attendance_member ON attendance (member_id)",
        # Names in an import that match no member: kept for review, never dropped.
        """CREATE TABLE unmatched_names (
            id INTEGER PRIMARY KEY,
            import_id INTEGER NOT NULL REFERENCES imports (id),
            activity_id INTEGER REFERENCES activities (id),
            raw_name TEXT NOT NULL,
            normalised TEXT NOT NULL,
            sheet TEXT NOT NULL DEFAULT '',
            row INTEGER,
            suggestions TEXT NOT NULL DEFAULT '[]',
            resolved_member_id INTEGER REFERENCES members (id)
        )""",
        "CREATE INDEX unmatched_names_import ON unmatched_names (import_id)",
        f"""CREATE TABLE dues_payments (
            id INTEGER PRIMARY KEY,
            member_id INTEGER NOT NULL REFERENCES members (id),
            month TEXT NOT NULL
                CHECK (length(month) = 7 AND date(month || '-01') IS month || '-01'),
            {_money("amount", nullable=False)},
            {_day("paid_on")},
            source_import_id INTEGER REFERENCES imports (id),
            UNIQUE (member_id, month, source_import_id)
        )""",
        "CREATE INDEX dues_payments_month ON dues_payments (month)",
        """CREATE TABLE run_log (
            id INTEGER PRIMARY KEY,
            ts TEXT NOT NULL,
            command TEXT NOT NULL,
            outcome TEXT NOT NULL
        )""",
    ),
)

# v3: what the year's plan says of each activity (content, form, the rule that set its
# date) and when its 记实表 was filed, so reports can flag late records.
_V3 = Migration(
    3,
    (
        "ALTER TABLE activities ADD COLUMN content TEXT NOT NULL DEFAULT ''",
        "ALTER TABLE activities ADD COLUMN form TEXT NOT NULL DEFAULT ''",
        "ALTER TABLE activities ADD COLUMN rule TEXT NOT NULL DEFAULT ''",
        f"ALTER TABLE activities ADD COLUMN {_day('record_filed_on')}",
        "ALTER TABLE activities ADD COLUMN planned_at TEXT NOT NULL DEFAULT ''",
    ),
)

# v4: attendance as evidence. Each sign-in file (or a manual `attend set`) leaves marks;
# the `attendance` row of a member is derived from the marks of the files in force for
# that activity (a later file merges with the earlier ones, or supersedes them with
# --replace), so re-deriving never loses what a file said.
_V4 = Migration(
    4,
    (
        """CREATE TABLE attendance_files (
            id INTEGER PRIMARY KEY,
            import_id INTEGER NOT NULL REFERENCES imports (id),
            activity_id INTEGER NOT NULL REFERENCES activities (id) ON DELETE CASCADE,
            layout TEXT NOT NULL DEFAULT '',
            present_only INTEGER NOT NULL DEFAULT 1 CHECK (present_only IN (0, 1)),
            superseded_by INTEGER REFERENCES attendance_files (id),
            summary TEXT NOT NULL DEFAULT ''
        )""",
        "CREATE INDEX attendance_files_activity ON attendance_files (activity_id)",
        """CREATE TABLE attendance_marks (
            id INTEGER PRIMARY KEY,
            activity_id INTEGER NOT NULL REFERENCES activities (id) ON DELETE CASCADE,
            member_id INTEGER NOT NULL REFERENCES members (id),
            file_id INTEGER REFERENCES attendance_files (id),
            status TEXT CHECK (status IS NULL OR
                status IN ('出席', '迟到', '早退', '请假', '缺席', '免参加', '补学')),
            reason TEXT NOT NULL DEFAULT '',
            answers TEXT NOT NULL DEFAULT '[]',
            sheet TEXT NOT NULL DEFAULT '',
            row INTEGER,
            set_at TEXT NOT NULL DEFAULT ''
        )""",
        "CREATE INDEX attendance_marks_activity ON attendance_marks (activity_id, member_id)",
        """CREATE TABLE visitors (
            id INTEGER PRIMARY KEY,
            activity_id INTEGER NOT NULL REFERENCES activities (id) ON DELETE CASCADE,
            file_id INTEGER REFERENCES attendance_files (id),
            name TEXT NOT NULL,
            note TEXT NOT NULL DEFAULT ''
        )""",
        "ALTER TABLE attendance ADD COLUMN source TEXT NOT NULL DEFAULT ''",
        "ALTER TABLE unmatched_names ADD COLUMN status TEXT",
        "ALTER TABLE unmatched_names ADD COLUMN reason TEXT NOT NULL DEFAULT ''",
        "ALTER TABLE unmatched_names ADD COLUMN file_id INTEGER REFERENCES attendance_files (id)",
    ),
)

# v5: reports at 党委 scale (500 branches, 30,000 members, years of history). Indexes
# that answer the report's counts from the index alone, one range per activity or member
# (a quarter costs its own rows, not the ledger's), and each member version's 党费标准 as
# the roster import decided it under the [dues] amounts named in `policy` (a report under
# other amounts, or a ledger from before v5, computes it again).
_V5 = Migration(
    5,
    (
        "CREATE INDEX attendance_activity_status ON attendance (activity_id, status, member_id)",
        "CREATE INDEX dues_payments_member ON dues_payments (member_id, month, amount, paid_on)",
        f"""CREATE TABLE dues_standards (
            version_id INTEGER PRIMARY KEY REFERENCES member_versions (id) ON DELETE CASCADE,
            policy TEXT NOT NULL,
            {_money("monthly", nullable=False)},
            note TEXT NOT NULL DEFAULT '',
            missing INTEGER NOT NULL DEFAULT 0 CHECK (missing IN (0, 1))
        )""",
    ),
)

# v6: meetings of organisational life recorded as held (SPEC §12, `partyday meeting add`).
# A meeting is an activity row (one per branch and day, so the reports count its kinds
# beside the plan's): `meeting_kinds` lists the kinds recorded as held that day (a
# non-empty list marks the row as a meeting, counted even before a sign-in file),
# `speaker`/`title` are a 党课's, `meeting_group` the 党小组 of a 党小组会.
_V6 = Migration(
    6,
    (
        "ALTER TABLE activities ADD COLUMN meeting_kinds TEXT NOT NULL DEFAULT '[]'",
        "ALTER TABLE activities ADD COLUMN speaker TEXT NOT NULL DEFAULT ''",
        "ALTER TABLE activities ADD COLUMN title TEXT NOT NULL DEFAULT ''",
        "ALTER TABLE activities ADD COLUMN meeting_group TEXT NOT NULL DEFAULT ''",
    ),
)

# v7: a transfer known to the month only ('2017年6月转出') keeps its precision.
_V7 = Migration(
    7,
    ("ALTER TABLE member_versions ADD COLUMN transferred_out_precision TEXT NOT NULL DEFAULT 'day'",),
)

# v8: a name left unmatched that the secretary dismisses (attend resolve --ignore: a
# member since transferred out, a guest): kept with the reason, no longer pending.
_V8 = Migration(
    8,
    ("ALTER TABLE unmatched_names ADD COLUMN dismissed TEXT NOT NULL DEFAULT ''",),
)

# v9: a leave over a period as the roster's 备注 records it (2026年3月至9月因公出国，已向支部
# 请假): the member stays expected, and is 请假 where no file shows them present.
_V9 = Migration(
    9,
    (
        f"ALTER TABLE member_versions ADD COLUMN {_day('leave_from')}",
        f"ALTER TABLE member_versions ADD COLUMN {_day('leave_until')}",
        "ALTER TABLE member_versions ADD COLUMN leave_reason TEXT NOT NULL DEFAULT ''",
    ),
)

MIGRATIONS: tuple[Migration, ...] = (_V1, _V2, _V3, _V4, _V5, _V6, _V7, _V8, _V9)
LATEST_VERSION: int = MIGRATIONS[-1].version
