"""The holiday notice parser against the real notices 2004–2026 and altered copies."""

from __future__ import annotations

import contextlib
import random
import re
import tempfile
from datetime import date, timedelta
from pathlib import Path

import chinese_calendar
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from partyday_cli.core.holiday import Arrangement, WorkCalendar
from partyday_cli.errors import UserError
from partyday_cli.io.notice import parse_notice, read_notice_file

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "holiday-notices"
YEARS = range(2004, 2027)

# chinese-calendar marks 2005-12-31 (a Saturday) as a day off of New Year 2006, but the
# 2006 notice says "12月31日(星期六)上班": the package is wrong there, the notice right.
PACKAGE_ERRORS = {date(2005, 12, 31)}

needs_corpus = pytest.mark.skipif(not CORPUS.is_dir(), reason="shared/holiday-notices is missing")


def corpus_text(year: int) -> str:
    return (CORPUS / f"{year}.txt").read_text(encoding="utf-8")


def refused(text: str, **kwargs) -> str:
    """The message of the UserError parse_notice raises: one Chinese line."""
    with pytest.raises(UserError) as caught:
        parse_notice(text, **kwargs)
    message = str(caught.value)
    assert "\n" not in message
    assert re.search(r"[\u4e00-\u9fff]", message)
    return message


def same_days(a: Arrangement, b: Arrangement) -> bool:
    return (a.year, dict(a.days_off), dict(a.makeup_workdays)) == (
        b.year, dict(b.days_off), dict(b.makeup_workdays)
    )


# ---------------------------------------------------------------- the whole corpus


@needs_corpus
def test_every_notice_agrees_with_chinese_calendar_day_by_day():
    parsed = {year: read_notice_file(CORPUS / f"{year}.txt") for year in YEARS}
    assert {year: arr.year for year, arr in parsed.items()} == {y: y for y in YEARS}

    def arrangement_for(year: int) -> Arrangement:
        if year not in parsed:
            raise UserError(f"没有 {year} 年的通知")
        return parsed[year]

    # WorkCalendar decides a date by (weekday and not a day off) or a makeup day, and
    # asks next year's notice first about December: the notice for Y moves days of
    # December Y-1 (2011-12-31 is a makeup day of the 2012 notice, 2007-12-31 a day
    # off of the 2008 one).
    calendar = WorkCalendar(arrangement_for)
    wrong = []
    for year in YEARS:
        day = date(year, 1, 1)
        while day.year == year:
            if day not in PACKAGE_ERRORS and calendar.is_workday(day) != chinese_calendar.is_workday(day):
                wrong.append(day)
            day += timedelta(1)
    assert wrong == []
    # the one exception really is one: the notice says 上班
    assert calendar.is_workday(date(2005, 12, 31)) and not chinese_calendar.is_workday(date(2005, 12, 31))


@needs_corpus
def test_corpus_details():
    eighteen = read_notice_file(CORPUS / "2008.txt")
    assert eighteen.note == "http://www.gov.cn/zwgk/2007-12/18/content_837184.htm"
    assert eighteen.days_off[date(2007, 12, 31)] == "元旦"
    assert date(2008, 9, 27) in eighteen.makeup_workdays  # 调至, no 上班 sentence
    assert read_notice_file(CORPUS / "2004.txt").days_off[date(2004, 1, 24)] == "春节"
    fifteen = read_notice_file(CORPUS / "2015.txt")
    assert fifteen.days_off[date(2015, 9, 3)] == "抗战胜利纪念日"
    assert fifteen.makeup_workdays[date(2015, 9, 6)] == "抗战胜利纪念日"
    twenty = read_notice_file(CORPUS / "2020.txt")
    assert twenty.days_off[date(2020, 2, 1)] == "春节"  # the extension cancels a makeup day
    assert date(2020, 2, 1) not in twenty.makeup_workdays
    assert twenty.days_off[date(2020, 10, 1)] == "国庆节、中秋节"
    assert read_notice_file(CORPUS / "2012.txt").days_off[date(2012, 10, 1)] == "国庆节、中秋节"
    assert read_notice_file(CORPUS / "2023.txt").days_off[date(2022, 12, 31)] == "元旦"
    assert read_notice_file(CORPUS / "2019.txt").days_off[date(2019, 5, 4)] == "劳动节"


# ---------------------------------------------------------------- altered notices


@pytest.fixture
def notice_2024() -> str:
    if not CORPUS.is_dir():
        pytest.skip("shared/holiday-notices is missing")
    return corpus_text(2024)


def test_wrong_weekday_is_refused(notice_2024):
    text = notice_2024.replace("2月4日（星期日）", "2月4日（星期一）")
    message = refused(text)
    assert "第3句“2月4日（星期一）、2月18日（星期日）上班”" in message
    assert "星期日" in message


def test_missing_day_count_is_fine_a_wrong_one_is_refused(notice_2024):
    whole = parse_notice(notice_2024)
    assert same_days(parse_notice(notice_2024.replace("，共8天", "")), whole)
    message = refused(notice_2024.replace("共8天", "共7天"))
    assert "第2句“二、春节：2月10日至17日放假调休，共7天”" in message
    assert "8天" in message


def test_makeup_day_on_a_weekday_is_refused(notice_2024):
    for made_up in ("4月8日（星期一）上班", "4月8日上班"):
        message = refused(notice_2024.replace("4月7日（星期日）上班", made_up))
        assert f"第5句“{made_up}”" in message
        assert "星期一" in message


def test_a_sentence_with_a_date_the_parser_cannot_account_for_is_refused(notice_2024):
    for extra in ("另请注意5月6日单位开会。", "另外，三月十二日照常上班。", "此外，3月32日照常上班。",
                  "八、植树节：3月12日放假。", "10.1放假。"):
        message = refused(notice_2024.rstrip() + "\n" + extra)
        assert f"第13句“{extra.rstrip('。')}”" in message


def test_a_note_line_holding_a_date_is_refused(notice_2024):
    message = refused(notice_2024 + "注意：5月6日也放假。\n")
    assert "注意：5月6日也放假" in message


def test_not_a_notice_is_refused(tmp_path):
    assert "不是节假日安排通知" in refused("党支部本月组织生活会安排如下。请大家准时参加！")
    assert "不是节假日安排通知" in refused("")
    junk = tmp_path / "notice.txt"
    rng = random.Random(7)
    junk.write_bytes(bytes(rng.randrange(256) for _ in range(4000)))
    with pytest.raises(UserError) as caught:
        read_notice_file(junk)
    assert "notice.txt" in str(caught.value) and "不是文本文件" in str(caught.value)


def test_a_year_the_text_does_not_settle_must_be_given():
    text = "一、元旦：1月1日放假。\n二、春节：2月10日至17日放假调休，共8天。"
    assert refused(text) == "无法从通知中确定年份，请加上 --year YEAR"
    assert parse_notice(text, year=2024).days_off[date(2024, 2, 17)] == "春节"


def test_traps_in_small_texts():
    # a date broken across lines, ASCII brackets and 星期天, 共三天, a lunar note with a comma
    text = ("一、元旦：1月1日－3日放假，共三天。\n二、春节：2月10日至17日放假调休，共8天。2月4日(星期天)、2月1\n"
            "8日（农历正月初九，星期日）上班。\n")
    arr = parse_notice(text, year=2024)
    assert set(arr.makeup_workdays) == {date(2024, 2, 4), date(2024, 2, 18)}
    assert arr.days_off[date(2024, 1, 3)] == "元旦"
    # 补休 and 与周末连休
    arr = parse_notice("三、清明节：4月5日放假，4月7日（星期一）补休。\n五、端午节：6月2日放假，与周末连休。",
                       year=2014)
    assert {date(2014, 4, 7), date(2014, 5, 31), date(2014, 6, 1)} <= set(arr.days_off)


# ---------------------------------------------------------------- a 2027 notice, 2025 style

NOTICE_2027 = """国务院办公厅关于2027年部分节假日安排的通知
各省、自治区、直辖市人民政府，国务院各部委、各直属机构：
经国务院批准，现将2027年元旦、春节、清明节、劳动节、端午节、中秋节和国庆节放假调休日期的具体安排通知如下。
一、元旦：1月1日（周五）至3日（周日）放假，共3天。
二、春节：2月5日（农历除夕、周五）至13日（农历正月初八、周六）放假调休，共9天。1月30日（周六）、2月20日（周六）上班。
三、清明节：4月3日（周六）至5日（周一）放假，共3天。
四、劳动节：5月1日（周六）至5日（周三）放假调休，共5天。4月25日（周日）、5月8日（周六）上班。
五、端午节：6月9日（农历五月初五、周三）放假1天，不调休。
六、中秋节：9月15日（农历八月十五、周三）放假1天，不调休。
七、国庆节：10月1日（周五）至7日（周四）放假调休，共7天。9月26日（周日）、10月9日（周六）上班。
节假日期间，各地区、各部门要妥善安排好值班和安全、保卫等工作。
国务院办公厅
2026年11月12日
"""


def spans(*pairs: tuple[str, str]) -> set[date]:
    out = set()
    for first, last in pairs:
        day, end = date.fromisoformat(first), date.fromisoformat(last)
        while day <= end:
            out.add(day)
            day += timedelta(1)
    return out


def test_a_2027_notice_in_the_new_style():
    arr = parse_notice(NOTICE_2027)
    assert arr.year == 2027 and arr.source == "notice-file"
    assert arr.note == "国务院办公厅关于2027年部分节假日安排的通知"
    assert set(arr.days_off) == spans(
        ("2027-01-01", "2027-01-03"), ("2027-02-05", "2027-02-13"), ("2027-04-03", "2027-04-05"),
        ("2027-05-01", "2027-05-05"), ("2027-06-09", "2027-06-09"), ("2027-09-15", "2027-09-15"),
        ("2027-10-01", "2027-10-07"),
    )
    assert arr.makeup_workdays == {
        date(2027, 1, 30): "春节", date(2027, 2, 20): "春节", date(2027, 4, 25): "劳动节",
        date(2027, 5, 8): "劳动节", date(2027, 9, 26): "国庆节", date(2027, 10, 9): "国庆节",
    }
    assert arr.days_off[date(2027, 2, 5)] == "春节"
    body = NOTICE_2027.split("\n", 1)[1].replace("2027年元旦", "元旦")
    assert same_days(parse_notice(body, year=2027), arr)


# ---------------------------------------------------------------- web pages and encodings

PAGE = """<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8">
<title>国务院办公厅关于2024年部分节假日安排的通知_其他_中国政府网</title>
<style>.pages_content p { text-indent: 2em; }</style>
<script>var _hmt = _hmt || []; window.pubDate = "2023年10月25日"; if (a < b && c) {}</script>
</head><body>
<div class="header"><a href="/">首页</a> | <a href="/zhengce/">政策</a></div>
<table class="bd1"><tr><td>标&nbsp;&nbsp;题：</td><td>国务院办公厅关于2024年部分节假日安排的通知</td></tr>
<tr><td>发文字号：</td><td>国办发明电〔2023〕7号</td><td>成文日期：</td><td>2023年10月20日</td></tr>
<tr><td>发布日期：</td><td>2023年10月25日</td></tr></table>
<div class="pages_content" id="UCAP-CONTENT">
<p>各省、自治区、直辖市人民政府，国务院各部委、各直属机构：</p>
<p>&nbsp;&nbsp;&nbsp;&nbsp;经国务院批准，现将2024年元旦、春节、清明节、劳动节、端午节、中秋节和国庆节放假调休日期的具体安排通知如下。</p>
{items}
<p>&nbsp;&nbsp;&nbsp;&nbsp;节假日期间，各地区、各部门要妥善安排好值班和安全、保卫、疫情防控等工作，遇有重大突发事件，要按规定及时报告并妥善处置，确保人民群众祥和平安度过节日假期。</p>
<p style="text-align: right;">国务院办公厅&nbsp;&nbsp;&nbsp;&nbsp;<br>2023年10月20日</p>
</div>
<div class="footer">版权所有：中国政府网&nbsp;|&nbsp;京ICP备05070218号&nbsp;|&nbsp;发布时间：2023-10-25 15:59</div>
<script type="text/javascript">document.write("<p>1月1日上班</p>");</script>
</body></html>
"""


def test_a_saved_web_page_reads_like_the_text(notice_2024, tmp_path):
    items = "\n".join(
        f"<p>&nbsp;&nbsp;&nbsp;&nbsp;{line.replace('（', '&#65288;')}</p>"
        for line in notice_2024.splitlines()[1:]
    )
    page = tmp_path / "content_6911527.htm"
    page.write_text(PAGE.replace("{items}", items), encoding="utf-8")
    text = tmp_path / "2024.txt"
    text.write_text(notice_2024, encoding="utf-8")
    from_page = read_notice_file(page)
    assert same_days(from_page, read_notice_file(text))
    assert "2024年部分节假日安排" in from_page.note


def test_gbk_and_bom_files_read_like_utf8(notice_2024, tmp_path):
    utf8, gbk, bom = (tmp_path / name for name in ("utf8.txt", "gbk.txt", "bom.txt"))
    utf8.write_bytes(notice_2024.encode("utf-8"))
    gbk.write_bytes(notice_2024.encode("gbk"))
    bom.write_bytes(notice_2024.encode("utf-8-sig"))
    expected = read_notice_file(utf8)
    assert same_days(read_notice_file(gbk), expected)
    assert same_days(read_notice_file(bom), expected)


# ---------------------------------------------------------------- never a crash

ALPHABET = "0123456789年月日至—－～-（）()、，。；：\n 星期周一二三四五六日天共放假调休上班补连元旦春节国庆延长"


def _mutate(text: str, edits: list[tuple[int, int, str]]) -> str:
    for position, action, char in edits:
        at = position % (len(text) + 1)
        if action == 0:
            text = text[:at] + char + text[at:]
        elif action == 1:
            text = text[:at] + text[at + 1:]
        else:
            text = text[:at] + char + text[at + 1:]
    return text


def _parses_or_refuses(text: str, year: int | None = None) -> None:
    try:
        result = parse_notice(text, year=year)
    except UserError as exc:
        assert str(exc) and "\n" not in str(exc)
    else:
        assert isinstance(result, Arrangement)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(alphabet=st.one_of(st.characters(), st.sampled_from(ALPHABET)), max_size=300),
       st.one_of(st.none(), st.integers(1900, 2100)))
def test_random_text_parses_or_refuses(text, year):
    _parses_or_refuses(text, year)


@needs_corpus
@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(list(YEARS)),
       st.lists(st.tuples(st.integers(0, 10_000), st.integers(0, 2), st.sampled_from(ALPHABET)),
                min_size=1, max_size=8))
def test_mutated_notices_parse_or_refuse(year, edits):
    _parses_or_refuses(_mutate(corpus_text(year), edits))


@settings(max_examples=100, deadline=None)
@given(st.binary(max_size=400))
def test_random_bytes_parse_or_refuse(data):
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "x.txt"
        path.write_bytes(data)
        with contextlib.suppress(UserError):
            assert isinstance(read_notice_file(path), Arrangement)


# ---------------------------------------------------------------- reposts (issue 14)
# Layouts as users paste them, built around the corpus's items: a news site's article
# page (chrome, 来源 line, 新华社 dateline ending 全文如下, 责编, 阅读剩余全文, related
# links with dates), a WeChat official-account article (account line with time, footer
# of 阅读原文/在看/写留言…), the same in Traditional characters (港台 reposts), and a
# forum post (BBCode, 本帖最后由…编辑, zero-width characters, floor lines with times).

SALUTATION = "各省、自治区、直辖市人民政府，国务院各部委、各直属机构："
CLOSING = ("节假日期间，各地区、各部门要妥善安排好值班和安全、保卫等工作，遇有重大突发事件，"
           "要按规定及时报告并妥善处置，确保人民群众祥和平安度过节日假期。")
REPOST_YEARS = (2019, 2023, 2024, 2025)


def _items(year: int) -> list[str]:
    return [line for line in corpus_text(year).splitlines()[1:] if line.strip()]


def _signed(year: int) -> list[str]:
    title = f"国务院办公厅关于{year}年部分节假日安排的通知"
    return [title, SALUTATION, f"经国务院批准，现将{year}年元旦、春节、清明节、劳动节、端午节、中秋节和国庆节"
            "放假调休日期的具体安排通知如下。", *_items(year), CLOSING, "国务院办公厅",
            f"{year - 1}年11月12日", "（此件公开发布）"]


def news_page(year: int) -> str:
    return "\n".join([
        "首页 > 时政 > 正文", f"国务院办公厅关于{year}年部分节假日安排的通知",
        f"{year - 1}-11-12 16:21:08 来源：新华网", "字号：大 中 小", "",
        f"新华社北京11月12日电 经国务院批准，国务院办公厅近日印发《关于{year}年部分节假日安排的通知》。"
        "通知全文如下：", "", *_signed(year), "", "【纠错】 责编：王某某", "阅读剩余全文",
        "相关新闻：", f"{year}年春节假期出行指南 {year - 1}-11-13 09:30", "分享到：微信 微博",
    ])


def wechat_article(year: int) -> str:
    return "\n".join([
        "原创 中国政府网 中国政府网", f"{year - 1}年11月12日 17:01 北京", *_signed(year), "",
        "来源：中国政府网", "编辑：李某", "阅读原文", "阅读 10万+", "在看", "分享", "写留言",
        "喜欢此内容的人还喜欢", "微信扫一扫关注该公众号", "继续滑动看下一个", "轻触阅读原文",
    ])


def traditional(text: str) -> str:
    import opencc

    converted = opencc.OpenCC("s2t").convert(text)
    assert "國務院辦公廳" in converted
    return converted


def forum_post(year: int) -> str:
    junk = "\u200b"
    body = [f"[b]{line.replace('：', '：' + junk, 1)}[/b]" if line[:2] in ("一、", "二、") else line
            for line in _signed(year)]
    return "\n".join([
        f"【转帖】{year}年放假安排出来了！！！", f"本帖最后由 老张 于 {year - 1}-11-13 08:05 编辑", "",
        "[color=red]转自中国政府网[/color]", *body, "", f"2楼 {year - 1}-11-13 08:30",
        "回复 1楼 的帖子：谢谢楼主", "沙发！",
    ])


def expected_calendar(year: int, arrangement: Arrangement) -> list[date]:
    """The days of `year` where the arrangement (with the corpus for the next year's
    December) disagrees with chinese-calendar."""
    def arrangement_for(y: int) -> Arrangement:
        return arrangement if y == year else read_notice_file(CORPUS / f"{y}.txt")

    calendar = WorkCalendar(arrangement_for)
    day, wrong = date(year, 1, 1), []
    while day.year == year:
        if calendar.is_workday(day) != chinese_calendar.is_workday(day):
            wrong.append(day)
        day += timedelta(1)
    return wrong


@needs_corpus
@pytest.mark.parametrize("year", REPOST_YEARS)
@pytest.mark.parametrize("layout", [news_page, wechat_article, forum_post,
                                    lambda y: traditional(news_page(y)), lambda y: traditional(wechat_article(y))],
                         ids=["news", "wechat", "forum", "news-traditional", "wechat-traditional"])
def test_a_repost_imports_exactly(year, layout):
    arrangement = parse_notice(layout(year))
    assert arrangement.year == year
    assert same_days(arrangement, read_notice_file(CORPUS / f"{year}.txt"))
    assert expected_calendar(year, arrangement) == []


@needs_corpus
def test_a_news_page_saved_as_html_imports_exactly(tmp_path):
    page = "".join(f"<p>{line}</p>\n" for line in news_page(2024).splitlines())
    path = tmp_path / "通知.html"
    path.write_text(f"<html><head><title>通知</title><script>var d='11月4日';</script></head>"
                    f"<body><div class='nav'>首页</div>{page}</body></html>", encoding="utf-8")
    assert same_days(read_notice_file(path), read_notice_file(CORPUS / "2024.txt"))


@needs_corpus
@pytest.mark.parametrize(("year", "damage", "item", "says"), [
    (2024, ("2月10日至17日", "0月10日至17日"), "二、春节", "0月"),
    (2023, ("4月29日至5月3日放假调休，共5天", "4月29日至5月3日放假调休，共6天"), "四、劳动节", "共6天"),
    (2019, ("2月2日（星期六）", "2月2日（星期五）"), "二、春节", "不是星期五"),
    (2025, ("10月1日（周三）至8日（周三）", "10月1日（周三）至8日（周四）"), "六、国庆节、中秋节", "不是星期四"),
])
@pytest.mark.parametrize("layout", [forum_post, news_page, lambda y: traditional(wechat_article(y))],
                         ids=["forum", "news", "wechat-traditional"])
def test_a_damaged_repost_is_refused_naming_the_item(year, damage, item, says, layout):
    assert damage[0] in corpus_text(year), damage
    text = layout(year)
    if layout is not forum_post and layout is not news_page:
        text = traditional(wechat_article(year).replace(*damage))
    else:
        text = text.replace(*damage)
    message = refused(text)
    assert f"“{item}" in message, message
    assert says in message, message


def test_a_provisional_plan_the_notice_overtakes_is_said_until_planned_again(tmp_path):
    """Planned before the notice (每月第一个星期五, 顺延一周): the estimate keeps 2月12日, which
    the notice makes 春节. The import, remind (before a notice goes out) and doctor say
    so and how to mend it; after `plan 2027` they are silent."""
    from typer.testing import CliRunner

    from partyday_cli.cli.main import app

    runner = CliRunner()

    def invoke(*args: str):  # type: ignore[no-untyped-def]
        return runner.invoke(app, list(args), catch_exceptions=False)

    ws = tmp_path / "ws"
    assert invoke("init", str(ws), "--scheme", "fupinban-9plus3", "--branch", "扶贫办党支部").exit_code == 0
    assert invoke("plan", "2027", "--provisional", "-w", str(ws)).exit_code == 0
    notice = tmp_path / "2027年节假日通知.txt"
    notice.write_text(NOTICE_2027, encoding="utf-8")
    result = invoke("holidays", "import", str(notice), "-w", str(ws))
    assert result.exit_code == 0
    assert "2月12日（春节）" in result.stderr and "partyday plan 2027" in result.stderr
    remind = invoke("remind", "--today", "2027-02-09", "--days", "3", "-w", str(ws))
    assert remind.exit_code == 0 and "2月12日（春节）" in remind.stderr
    # and no notice sends the members to a 春节 day (helper-33 #2): a line for the 书记 instead
    assert "定于2027年2月12日" not in remind.stdout
    assert "按已导入的正式安排这天是春节，不是工作日，未生成活动通知。请运行 partyday plan 2027" in remind.stdout
    if date.today().year in (2026, 2027):  # doctor looks at this year's and next year's plans
        assert "！ 2027 年的活动计划" in invoke("doctor", "-w", str(ws)).stdout
    assert invoke("plan", "2027", "-w", str(ws)).exit_code == 0
    remind = invoke("remind", "--today", "2027-02-09", "--days", "3", "-w", str(ws))
    assert "暂定" not in remind.stderr and "2027年2月12日" not in remind.stdout


def test_a_notice_for_a_provisional_day_says_to_check_it(tmp_path):
    """Planned before the 2027 notice: the members' notice for 3月5日 goes out with a line for
    the 书记 saying the day is provisional and how to make it final; none once planned again."""
    from typer.testing import CliRunner

    from partyday_cli.cli.main import app

    runner = CliRunner()
    ws = tmp_path / "ws"
    assert runner.invoke(app, ["init", str(ws), "--scheme", "fupinban-9plus3", "--branch", "扶贫办党支部"]).exit_code == 0
    assert runner.invoke(app, ["plan", "2027", "--provisional", "-w", str(ws)]).exit_code == 0
    remind = runner.invoke(app, ["remind", "--today", "2027-03-02", "--days", "3", "-w", str(ws)])
    assert remind.exit_code == 0, remind.output
    assert "定于2027年3月5日（星期五）" in remind.stdout
    assert "【注意】扶贫办党支部2027年3月5日（星期五）的活动日是在2027年放假安排公布前按暂定安排排出的" in remind.stdout
    notice = tmp_path / "2027年节假日通知.txt"
    notice.write_text(NOTICE_2027, encoding="utf-8")
    assert runner.invoke(app, ["holidays", "import", str(notice), "-w", str(ws)]).exit_code == 0
    assert runner.invoke(app, ["plan", "2027", "-w", str(ws)]).exit_code == 0
    again = runner.invoke(app, ["remind", "--today", "2027-03-02", "--days", "3", "-w", str(ws)])
    assert "定于2027年3月5日（星期五）" in again.stdout and "【注意】" not in again.stdout


def test_a_year_given_against_the_title_says_what_the_title_reads():
    """--year 2028 with a 2027 notice: the title's year is named, not a weekday mismatch."""
    with pytest.raises(UserError) as err:
        parse_notice(NOTICE_2027, year=2028)
    assert "标题写的是 2027 年" in str(err.value) and "--year 2028" in str(err.value)
    assert parse_notice(NOTICE_2027, year=2027).year == 2027
