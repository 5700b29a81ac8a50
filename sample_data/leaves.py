"""Leaves asked before the sample branch's 2017 meetings, recorded by the 组织委员 with
`partyday attend set DATE NAME 请假 --reason …` (the demo and the tests run these)."""

LEAVES = [
    ("2017-02-08", "王秀英", "请假", "病假"),
    ("2017-02-08", "唐勇", "请假", "在外务工"),
    ("2017-05-11", "马丽", "请假", "事假"),
    ("2017-05-11", "高峰", "请假", "出差"),
    ("2017-05-11", "冯刚", "请假", "出差"),
    ("2017-05-11", "许文", "请假", "病假"),
    ("2017-06-14", "曹丽华", "请假", "家中有事"),
]
