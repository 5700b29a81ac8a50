"""`partyday init --from-text`: a pasted 实施方案 (.txt or .docx) read sentence by sentence."""

import tomllib
import zipfile
from pathlib import Path

from typer.testing import CliRunner

from partyday_cli.cli.main import app
from partyday_cli.io.schemes import load_scheme, pending_keys

# seed 000 方案二 (扶贫办党支部), the sentences of 时间安排 and 严格纪律约束 as a secretary would paste them
PASTED = """二、参加对象及时间安排
2、时间安排。原则上每月固定一天为“党员固定活动日”,确定为每月第一个星期五。“党员固定活动日”当天如遇法定节假日或重大活动等特殊情况,时间顺延一周。
严格时间规定,不得无故调整,确有困难无法开展的,必须提前5天报上级党组织批准备案;进一步明确和强化党员参加活动的具体要求,原则上每次活动党员出勤率不得低于80%;党员每年不参加活动累计3次的,党支部将及时谈话提醒、提出限期整改意见;4次及以上的,要作为党员民主评议中确定不合格党员的重要依据。
公开承诺活动一般每年年初进行一次。
"""


def invoke(*args: str):
    return CliRunner().invoke(app, list(args), catch_exceptions=False)


def _docx(path: Path, paragraphs: list[str]) -> Path:
    w = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
    body = "".join(f"<w:p><w:r><w:t>{p}</w:t></w:r></w:p>" for p in paragraphs)
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/'
                   'package/2006/content-types"/>')
        z.writestr("word/document.xml", f'<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="{w}">'
                   f"<w:body>{body}</w:body></w:document>")
    return path


def _config(ws: Path) -> dict:
    return tomllib.loads((ws / "partyday.toml").read_text(encoding="utf-8"))


def test_pasted_text_gives_the_keys_it_states_and_says_what_it_used(tmp_path):
    src = tmp_path / "实施方案.txt"
    src.write_text(PASTED, encoding="gb18030")  # a Windows 记事本 file
    result = invoke("init", str(tmp_path / "ws"), "--from-text", str(src))
    assert result.exit_code == 0, result.output
    conf = _config(tmp_path / "ws")
    assert conf["schedule"]["rule"] == "month.first.fri"
    assert conf["schedule"]["holiday_policy"] == "next-week"
    assert conf["deadlines"]["change_report_days"] == 5  # not read as 提前 = move earlier
    assert conf["thresholds"]["attendance_rate"] == 0.8
    assert (conf["thresholds"]["absences_talk"], conf["thresholds"]["absences_unqualified"]) == (3, 4)
    assert conf["thresholds"]["absences_count"] == "all"
    assert "“必须提前5天报上级党组织批准备案” → deadlines.change_report_days = 5" in result.output
    assert "公开承诺活动一般每年年初进行一次" in result.output.split("没有对应的设置项")[1]
    pending = {k for k, _ in pending_keys((tmp_path / "ws" / "partyday.toml").read_text(encoding="utf-8"))}
    assert "[deadlines] plan_due" in pending and "[schedule] rule" not in pending


def test_the_same_sentences_give_the_same_keys_as_the_preset(tmp_path):
    src = tmp_path / "方案.txt"
    src.write_text(str(load_scheme("fupinban-9plus3").data["text"]), encoding="utf-8")
    invoke("init", str(tmp_path / "a"), "--from-text", str(src), "--themes", "9+3")
    invoke("init", str(tmp_path / "b"), "--scheme", "fupinban-9plus3")
    a, b = _config(tmp_path / "a"), _config(tmp_path / "b")
    for section in ("schedule", "themes", "thresholds", "deadlines", "meeting_kinds", "dues"):
        assert a[section] == b[section], section


def test_docx_is_read_paragraph_by_paragraph(tmp_path):
    src = _docx(tmp_path / "实施方案.docx", PASTED.splitlines())
    result = invoke("init", str(tmp_path / "ws"), "--from-text", str(src))
    assert result.exit_code == 0, result.output
    assert _config(tmp_path / "ws")["schedule"]["rule"] == "month.first.fri"


def test_a_bad_file_is_one_chinese_line(tmp_path):
    bad = tmp_path / "方案.docx"
    bad.write_bytes(b"not a zip")
    result = invoke("init", str(tmp_path / "ws"), "--from-text", str(bad))
    assert result.exit_code == 1 and "不是有效的 .docx 文件" in result.output
    assert not (tmp_path / "ws").exists()  # nothing written


# seed 003 (神鼎山镇) 党内组织生活实施细则, its table tidied by the secretary to one row a line
TIDIED = """党内组织生活实施细则
支部委员会：研究贯彻执行上级党组织和支部大会决定的意见,安排支部工作计划，1月/次，会议记录。
支部党员大会：传达贯彻执行上级党组织的决议、指示,讨论接收新党员和预备党员的转正等重大问题，1季度/次，会议记录。
党小组会：每月至少一次学习党的路线、方针、政策，1月/次，会议记录。
党课：由党组织书记或党建指导员上党课，1年不少于4次，党课稿、签到表、党课记录。
组织生活会：1年不少于1次。
民主评议党员：党支部召开党员大会，按照个人自评、党员互评、民主测评的程序，对党员进行评议，一年/次。
"""


def test_the_rules_table_tidied_to_one_row_a_line_is_read_as_the_table(tmp_path):
    """Pasted one row a line, the 实施细则 gave no [meeting_kinds] at all, and said three of
    its rows had 没有对应的设置项 (found by a new-user trial)."""
    src = tmp_path / "细则.txt"
    src.write_text(TIDIED, encoding="utf-8")
    result = invoke("init", str(tmp_path / "ws"), "--from-text", str(src))
    assert result.exit_code == 0, result.output
    assert _config(tmp_path / "ws")["meeting_kinds"] == {
        "支部委员会": "monthly", "支部党员大会": "quarterly", "党小组会": "monthly", "党课": "yearly:4",
        "组织生活会": "yearly:1", "民主评议党员": "yearly:1"}
    assert "没有对应的设置项" not in result.output


# seed 000 方案一 (万源乡), its time sentence as the page has it, above 方案二's
WANYUAN = """万源乡“党员活动日”实施方案
每月第二周星期三确定为全乡“党员活动日”，逢国家法定节假日顺延至收假后三个工作日内进行(具体时间见附表)。
"""


def test_two_schemes_pasted_as_one_are_refused_naming_both_rules(tmp_path):
    """The whole of seed 000 (万源乡's 方案 above 扶贫办's): the first rule read set every date
    of 扶贫办's year (第二周星期三 for 第一个星期五), and nothing said so. Refused, naming both
    sentences; --rule and --holiday-policy say which, and then it is read."""
    src = tmp_path / "方案.txt"
    src.write_text(WANYUAN + PASTED, encoding="utf-8")
    result = invoke("init", str(tmp_path / "ws"), "--from-text", str(src))
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert "不止一种活动日规定" in result.output and "每月第二周星期三" in result.output
    assert "确定为每月第一个星期五" in result.output and not (tmp_path / "ws").exists()
    chosen = invoke("init", str(tmp_path / "ws"), "--from-text", str(src), "--rule", "每月第一个星期五",
                    "--holiday-policy", "顺延一周")
    assert chosen.exit_code == 0, chosen.output
    assert _config(tmp_path / "ws")["schedule"]["rule"] == "每月第一个星期五"
    one = tmp_path / "扶贫办.txt"
    one.write_text(PASTED, encoding="utf-8")  # 方案二 alone: read as before
    assert invoke("init", str(tmp_path / "ws2"), "--from-text", str(one)).exit_code == 0


def test_a_scheme_file_that_is_not_there_is_said_in_chinese(tmp_path):
    """It said “无法读取方案文件 …：No such file or directory”."""
    result = invoke("init", str(tmp_path / "ws"), "--from-text", str(tmp_path / "方案.docx"))
    assert result.exit_code == 1 and "找不到方案文件" in result.output and "No such" not in result.output


SEEDS = Path(__file__).resolve().parents[2] / "shared" / "seeds"


def test_each_seed_gets_the_theme_catalogue_built_from_it():
    """Seed 003 is itself the rules of 三会一课 (三会一课:“三会”指定期召开支部党员大会…): its
    catalogue is sanhui-yike, built from it (it got the generic one, and the 安排表 printed
    themes the seed never names); a scheme that only mentions 三会一课 keeps its own."""
    import pytest

    from partyday_cli.io.schemes import guess_catalogue

    if not SEEDS.is_dir():
        pytest.skip("needs ../shared/seeds beside the clone")
    got = {p.name[:3]: guess_catalogue(p.read_text(encoding="utf-8"))[0] for p in sorted(SEEDS.glob("*.txt"))}
    assert got == {"000": "9+3", "001": "5+X", "002": "guiding-zixuan", "003": "sanhui-yike",
                   "004": "wuxiang-neirong"}
    assert guess_catalogue("每月开展一次，结合“三会一课”学习。")[0] == "dangyuan-huodongri"
