"""Read 《国务院办公厅关于YEAR年部分节假日安排的通知》 as people paste or save it.

The text is read in two passes. The first pass cuts it into notices (an address or a
title line starts one: amendments follow the notice they amend), items ("二、春节：…"),
sentences and comma clauses, and reads each clause's dates and its verb (放假, 上班,
调至, 补休, …) without knowing the year, so that the year can be inferred from what was
read. The second pass resolves the dates in that year, checks them (weekday notes, 共N天,
makeup days on weekends) and builds the `Arrangement`. Every refusal is one Chinese line
naming the sentence; a sentence with a date the parser cannot account for is refused
rather than guessed at.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from html.parser import HTMLParser
from pathlib import Path

from partyday_cli.core.holiday import SOURCE_NOTICE, Arrangement, is_weekend, weekday_zh
from partyday_cli.errors import UserError
from partyday_cli.io.files import read_bytes

MIN_YEAR, MAX_YEAR = 1949, 2200
NO_YEAR = "无法从通知中确定年份，请加上 --year YEAR"

# Keywords in item titles and their short names; _ORDER is how merged items are named,
# so 2012's "中秋节、国庆节" and 2009's "国庆节、中秋节" both give "国庆节、中秋节".
_KEYWORDS = (
    ("元旦", "元旦"), ("新年", "元旦"), ("春节", "春节"), ("清明", "清明节"),
    ("五一", "劳动节"), ("劳动节", "劳动节"), ("端午", "端午节"), ("中秋", "中秋节"),
    ("国庆", "国庆节"), ("十一", "国庆节"), ("抗日战争", "抗战胜利纪念日"),
    ("抗战", "抗战胜利纪念日"),
)
_ORDER = ("元旦", "春节", "清明节", "劳动节", "端午节", "国庆节", "中秋节", "抗战胜利纪念日")

_CN_DIGITS = {c: i for i, c in enumerate("零一二三四五六七八九")} | {"两": 2, "〇": 0}
_WEEKDAY_CHARS = "一二三四五六日"

_DATE = r"(?<!\d)(?:(\d{4})年)?(?:(\d{1,2})月)?(\d{1,2})日"
_NOTE = r"(?:（([^（）]*)）)?"
_DASH = r"(?:[—–―‒\-－～〜]+|至|到)"
_SPAN = re.compile(_DATE + _NOTE + f"(?:{_DASH}" + _DATE + _NOTE + ")?")
# What still looks like a date once the spans are cut out: the sentence is refused.
_LOOSE_DATE = re.compile(
    r"(?<!\d)\d{1,2}月|(?<![\d〕\]】])\d{1,2}[日号]|\d{4}[-/.]\d{1,2}[-/.]\d{1,2}"
    r"|[〇零一二三四五六七八九十]+月[初〇零一二三四五六七八九十廿]+[日号]"
    r"|(?<![\d.])(?:1[0-2]|0?[1-9])[./](?:3[01]|[12]\d|0?[1-9])(?![\d.])"  # 10.1, 5/1
)
_WEEKDAY_NOTE = re.compile(r"(?:星期|礼拜|周)([一二三四五六日天])")
_DAYS = re.compile(r"(?:共|放假)([\d一二两三四五六七八九十]+)天")
_HEADER = re.compile(r"^((?:[一二三四五六七八九十]+|\d{1,2})[、.．])?([^：\d，。]{1,16}?)：(.*)$")
_ADDRESS = re.compile(r"^(?:https?://|www\.)", re.I)
_NOTE_LINE = re.compile(r"^(?:注意|参见|注：)")
_SECTION = re.compile(r"关于.*通知|通知如下")
_TITLE_YEAR = re.compile(r"(\d{4})年(?:部分节假日|元旦|春节|清明|“?五一|劳动节|端午|中秋|国庆|“?十一)")
_ADDRESS_YEAR = re.compile(r"/((?:19|20)\d{2})-?(\d{2})/")
# Publication data around a pasted web page ("发布日期：2023年10月25日", the signature
# date under 国务院办公厅) are dates that belong to no holiday.
_STAMP = r"(?:\d{4}年\d{1,2}月\d{1,2}日|\d{4}[-/.]\d{1,2}[-/.]\d{1,2})(?:\s*\d{1,2}[:：]\d{2}(?:[:：]\d{2})?)?"
_META_DATE = re.compile(r"(?:成文|发布|发文|印发|更新|公布)(?:日期|时间)：\s*" + _STAMP + r"(?![至到—－～\-])")
_SIGNATURE = re.compile(r"^[^\d，。]{0,12}" + _STAMP + "$")

_KINDS = (  # checked in this order: "放假调休" is 放假, "正常上班" is not a makeup day
    ("extend", re.compile("延长")),
    ("swap", re.compile("调至|调到")),
    ("resume", re.compile("正常上班|照常上班|起.{0,4}上班")),
    ("work", re.compile("上班|补班")),
    ("off", re.compile("放假|休假")),
    ("rest", re.compile("补休|调休|休息")),
    ("info", re.compile("公休|法定")),
)
_WIDE = str.maketrans("０１２３４５６７８９(),;:~", "0123456789（），；：～")


# ---------------------------------------------------------------- reading the file


def read_notice_file(path: Path, year: int | None = None) -> Arrangement:
    """Parse a notice saved as text (UTF-8, UTF-8 with BOM, GBK/GB18030) or a web page."""
    path = Path(path)
    text = _decode(read_bytes(path, "通知文件"), path.name)
    if path.suffix.lower() in (".html", ".htm") or re.search(r"<(?:html|body|p|div|br)\b", text, re.I):
        text = _page_text(text)
    return parse_notice(text, year, source_name=path.name)


def _decode(data: bytes, name: str) -> str:
    binary = UserError(f"{name} 不是文本文件（可能是二进制文件或编码无法识别），请把通知正文另存为 UTF-8 或 GBK 编码的 .txt 文件")
    if b"\x00" in data:
        raise binary
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise binary
    controls = sum(1 for ch in text if ch < " " and ch not in "\t\n\r\f\v")
    if controls > max(2, len(text) // 100):  # GB18030 decodes much binary "successfully"
        raise binary
    return text


class _PageText(HTMLParser):
    """The visible text of a saved page, one line per block element."""

    _BLOCKS = {"p", "div", "br", "li", "tr", "td", "th", "table", "title", "section",
               "article", "header", "footer", "ul", "ol", "dd", "dt", "pre", "blockquote",
               "hr", "h1", "h2", "h3", "h4", "h5", "h6"}
    _HIDDEN = {"script", "style", "noscript", "template"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag in self._HIDDEN:
            self._hidden += 1
        elif tag in self._BLOCKS:
            self.parts.append("\n\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in self._HIDDEN:
            self._hidden = max(0, self._hidden - 1)
        elif tag in self._BLOCKS:
            self.parts.append("\n\n")

    def handle_data(self, data: str) -> None:
        if not self._hidden:  # newlines in the source are spaces; blocks break lines
            self.parts.append(re.sub(r"\s+", " ", data))


def _page_text(html: str) -> str:
    page = _PageText()
    try:
        page.feed(html)
        page.close()
    except AssertionError:  # html.parser still asserts on some malformed markup
        return re.sub(r"<[^>]*>", "\n\n", html)
    return "".join(page.parts)


# ---------------------------------------------------------------- the notice inside a page

# A page pasted whole: the notice runs from the salutation (各省、自治区…) or its first
# item (一、元旦：) to the signature (国务院办公厅 and its date); around it are the site's
# chrome, a news dateline, WeChat and forum footers. Lines before the start that hold a
# date are dropped (a dateline "新华社北京11月4日电" is no holiday), and so is everything
# after the signature up to the next address, title or salutation (an amendment);
# chrome lines are dropped anywhere.
_SALUTATION = re.compile(r"^各省、自治区")
_FIRST_ITEM = re.compile(r"^[一1][、.．]\s*\S{1,16}?：")
_SIGNED = re.compile(r"^国务院办公厅$")
_CHROME = re.compile(
    r"^(?:来源|责编|责任编辑|编辑|作者|原标题|字号|打印|关闭|分享|收藏|点赞|在看|写留言|留言|举报|"
    r"阅读(?:原文|剩余全文|全文|\s*\d)|点击|长按|扫码|扫一扫|微信扫|预览时|继续滑动|轻触|喜欢此内容|"
    r"相关(?:新闻|阅读|链接)|推荐阅读|版权|免责|本帖最后由|回复|楼主|沙发|\d+楼|上一篇|下一篇|"
    r"【(?:纠错|打印|关闭|责任编辑)|\[(?:纠错|打印|关闭)|原创)"
)
_TIMESTAMP = re.compile(r"\d{4}\s*[-/.年]\s*\d{1,2}\s*[-/.月]\s*\d{1,2}\s*日?\s*\d{1,2}[:：]\d{2}")
_TITLE = re.compile(r"关于.*通知")
# Characters a notice reposted in Traditional Chinese holds and a Simplified one does not.
_TRADITIONAL = re.compile("[國務辦廳關節慶勞動調週號東僅個這說時間開]")
_BBCODE = re.compile(r"\[/?(?:b|i|u|s|color|size|font|url|quote|align|backcolor|hr)(?:=[^\]]*)?\]", re.I)
_INVISIBLE = re.compile("[\u200b-\u200f\u2060-\u2064\ufeff\u00ad]")


def _simplified(text: str) -> str:
    """Text reposted in Traditional characters, converted with OpenCC (t2s)."""
    if not _TRADITIONAL.search(text):
        return text
    import opencc

    return opencc.OpenCC("t2s").convert(text)


def _has_date(line: str) -> bool:
    wide = line.translate(_WIDE)
    return bool(_SPAN.search(wide) or _LOOSE_DATE.search(wide))


def _notice_text(text: str) -> str:
    """The notice inside a pasted page (see above); dropped lines become blank lines."""
    text = _simplified(_BBCODE.sub("", _INVISIBLE.sub("", text)))
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    bare = [re.sub(r"\s+", "", line) for line in lines]
    started = not any(_SALUTATION.match(b) or _FIRST_ITEM.match(b) for b in bare)
    signed = False
    out = []
    for line, b in zip(lines, bare, strict=True):
        if _ADDRESS.match(b) or (_TITLE.search(b) and not _has_date(b)):
            signed = False  # what follows a signature is chrome, up to the next notice
        if _SALUTATION.match(b) or _FIRST_ITEM.match(b):
            started, signed = True, False
        if _SIGNED.match(b):
            signed = True
        keep = (not signed and not _CHROME.match(b) and not _TIMESTAMP.search(b)
                and (started or _ADDRESS.match(b) or not _has_date(b)))
        out.append(line if keep else "")
    return "\n".join(out)


# ---------------------------------------------------------------- first pass: reading


@dataclass(frozen=True)
class _Mention:
    """A date as written: the year is known only when written out."""

    year: int | None
    month: int
    day: int
    weekday: int | None  # from a note such as （星期六） or （农历除夕、周二）
    new_year_eve: bool  # December in a 元旦 item: the year before the arrangement

    def resolve(self, year: int) -> date:
        if self.year is not None:
            return date(self.year, self.month, self.day)
        return date(year - self.new_year_eve, self.month, self.day)


_Span = tuple[_Mention, _Mention | None]


@dataclass
class _Clause:
    kind: str
    spans: list[_Span]
    targets: list[_Span]  # the right-hand side of 调至
    name: str | None  # a holiday named in the clause itself (延长…春节假期)


@dataclass
class _Sentence:
    number: int
    text: str
    body: str
    item: str = ""  # the item's heading ("二、春节"), to name a damaged item
    clauses: list[_Clause] = field(default_factory=list)
    days: int | None = None  # 共N天 / 放假N天
    with_weekend: bool = False  # 与周末连休


@dataclass
class _Item:
    name: str | None  # None: prose before any item; "": an item of no known holiday
    lines: list[tuple[str, str]]  # (shown text, text to read)
    sentences: list[_Sentence] = field(default_factory=list)


@dataclass
class _Section:
    """One notice: the first, or an amendment after its own address or title."""

    context: list[str]
    items: list[_Item] = field(default_factory=list)


class _Reader:
    def __init__(self, label: str):
        self.label = label
        self.count = 0
        self.address = ""
        self.title = ""

    def fail(self, s: _Sentence, message: str) -> UserError:
        item = f"“{s.item}”一条 " if s.item else ""
        return UserError(f"{self.label}{item}第{s.number}句“{_short(s.text)}”：{message}")

    # --- lines, notices and items

    def sections(self, text: str) -> list[_Section]:
        sections = [_Section([])]
        notes: list[str] = []
        for kind, line in self._lines(text):
            current = sections[-1]
            if kind == "address":
                self.address = self.address or line
                sections.append(_Section(notes))
                notes = []
            elif kind == "note":
                notes.append(line)
            else:
                if _SECTION.search(line) and current.items:  # a second notice's title
                    sections.append(_Section(notes))
                    notes = []
                self._add_line(sections[-1], line)
        for section in sections:
            for item in section.items:
                self._read_item(item, section.context)
        return sections

    def _lines(self, text: str) -> list[tuple[str, str]]:
        """Logical lines: a line not ending a sentence continues on the next ("2月2⏎日")."""
        out: list[tuple[str, str]] = []
        joinable = False
        for raw in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
            raw = raw.strip()
            if not raw:
                joinable = False  # a blank line (a web page's block) always ends a line
            elif _ADDRESS.match(raw):
                out.append(("address", raw))
                joinable = False
            elif _NOTE_LINE.match(raw):
                self._check_note(raw)
                out.append(("note", raw))
                joinable = False
            else:
                line = re.sub(r"(?<![0-9A-Za-z])\s+|\s+(?![0-9A-Za-z])", "", raw.translate(_WIDE))
                if joinable and not self._header(line):
                    out[-1] = ("line", out[-1][1] + line)
                else:
                    out.append(("line", line))
                # a title ends without a full stop but never runs on into the next line
                if re.search("关于.*通知$", line):
                    self.title = self.title or line
                    joinable = False
                else:
                    joinable = not line.endswith(("。", "；", "：", "！", "？"))
        return out

    def _check_note(self, line: str) -> None:
        # Editorial notes (注意：/参见) are skipped, so they must not hold a date.
        wide = line.translate(_WIDE)
        if _SPAN.search(wide) or _LOOSE_DATE.search(wide):
            raise UserError(
                f"{self.label}说明“{_short(line)}”：其中含有日期，无法判断它对放假安排的影响，请删去这一行"
            )

    @staticmethod
    def _header(line: str) -> tuple[str, str] | None:
        """(holiday, rest of line) for "二、春节：…"; a numbered item of no known holiday
        ("八、植树节：") starts an item too, so that its dates are refused, not misfiled."""
        match = _HEADER.match(line)
        if match and (_names(match[2]) or match[1]):
            return _names(match[2]) or "", match[3]
        return None

    def _add_line(self, section: _Section, line: str) -> None:
        header = self._header(line)
        if header:
            section.items.append(_Item(header[0], [(line, header[1])]))
        elif section.items:
            section.items[-1].lines.append((line, line))
        else:  # text before any item: a preamble, or an amendment written as prose
            section.items.append(_Item(None, [(line, line)]))

    # --- sentences and clauses

    def _read_item(self, item: _Item, context: list[str]) -> None:
        if item.name is None:  # prose names its holiday ("调整2019年劳动节"), or its note does
            prose = "".join(body for _, body in item.lines)
            item.name = _first_name(prose) or _first_name("".join(context))
        first: _Mention | None = None  # the item's first date gives day-only dates their month
        heading = item.lines[0][0].split("：", 1)[0] if self._header(item.lines[0][0]) else ""
        for shown, body in item.lines:
            shift = len(shown) - len(body)
            for start, end in _split(shown, "。；！？"):
                self.count += 1
                text = shown[start:end]
                sentence = _Sentence(self.count, text, shown[max(start, shift):end], heading)
                first = self._read_sentence(sentence, item, first)
                item.sentences.append(sentence)

    def _read_sentence(self, s: _Sentence, item: _Item, first: _Mention | None) -> _Mention | None:
        body = _META_DATE.sub("", s.body)
        if _SIGNATURE.match(body):
            body = ""
        previous = first
        for start, end in _split(body, "，"):
            clause = body[start:end]
            kind = next((k for k, rx in _KINDS if rx.search(clause)), None)
            head, tail = clause, ""
            if kind == "swap":
                at = re.search("调至|调到", clause)
                head, tail = clause[: at.start()], clause[at.end():]
            spans, previous = self._spans(s, head, item, previous)
            targets, previous = self._spans(s, tail, item, previous)
            first = first or (spans[0][0] if spans else targets[0][0] if targets else None)
            if "连休" in clause:
                s.with_weekend = True
            if not spans and not targets:
                continue
            if kind is None or (kind == "swap" and not targets):
                raise self.fail(s, "无法判断其中的日期是放假还是上班")
            if not item.name:
                raise self.fail(s, "找不到这句话属于哪个节日，请保留“一、元旦：”这样的条目标题")
            s.clauses.append(_Clause(kind, spans, targets, _first_name(clause)))
        loose = _LOOSE_DATE.search(_SPAN.sub("", body))
        if loose:
            raise self.fail(s, f"无法识别其中的日期“{loose[0]}”，请写成“5月1日”这样的格式")
        days = _DAYS.search(body)
        if days:
            s.days = _count(days[1])
            if s.days is None:
                raise self.fail(s, f"无法识别天数“{days[0]}”")
        return first

    def _spans(self, s: _Sentence, text: str, item: _Item, previous: _Mention | None):
        spans: list[_Span] = []
        for m in _SPAN.finditer(text):
            start = self._mention(s, m.groups()[0:4], item, previous)
            end = self._mention(s, m.groups()[4:8], item, start) if m[7] else None
            spans.append((start, end))
            previous = end or start
        return spans, previous

    def _mention(self, s: _Sentence, groups, item: _Item, previous: _Mention | None) -> _Mention:
        year, month, day, note = groups
        if month is None:  # "28日": the month (and year) of the date before it
            if previous is None:
                raise self.fail(s, f"日期“{day}日”没有写月份")
            year, month = previous.year, previous.month
        weekday = None
        if note and (found := _WEEKDAY_NOTE.search(note)):
            weekday = _WEEKDAY_CHARS.index(found[1].replace("天", "日"))
        month = int(month)
        if not 1 <= month <= 12:
            raise self.fail(s, f"月份写成了“{month}月”，没有这个月份（转载时可能被改坏），请对照通知原文改正")
        eve = month == 12 and "元旦" in (item.name or "")
        return _Mention(int(year) if year else None, month, int(day), weekday, eve)


def _split(text: str, marks: str) -> list[tuple[int, int]]:
    """(start, end) of the pieces between `marks` outside brackets, marks dropped."""
    pieces, depth, start = [], 0, 0
    for i, ch in enumerate(text):
        depth += (ch in "（《“") - (ch in "）》”")
        depth = max(depth, 0)
        if ch in marks and depth == 0:
            pieces.append((start, i))
            start = i + 1
    pieces.append((start, len(text)))
    return [(a, b) for a, b in pieces if text[a:b].strip()]


def _short(text: str) -> str:
    return text if len(text) <= 60 else text[:58] + "…"


def _names(text: str) -> str | None:
    found = {name for key, name in _KEYWORDS if key in text}
    return "、".join(n for n in _ORDER if n in found) or None


def _first_name(text: str) -> str | None:
    """The first holiday mentioned in prose ("十一" is left out: it is also a number)."""
    hits = [(text.find(key), name) for key, name in _KEYWORDS if key != "十一" and key in text]
    return min(hits)[1] if hits else None


def _count(text: str) -> int | None:
    """N of 共N天, in digits or in Chinese numerals (2007: 共三天)."""
    if text.isdigit():
        return int(text)
    if text in _CN_DIGITS:
        return _CN_DIGITS[text]
    match = re.fullmatch("([一二两三四五六七八九]?)十([一二三四五六七八九]?)", text)
    if not match:
        return None
    return _CN_DIGITS.get(match[1], 1) * 10 + _CN_DIGITS.get(match[2], 0)


# ---------------------------------------------------------------- the year


def _mentions(sections: list[_Section]):
    for section in sections:
        for item in section.items:
            for s in item.sentences:
                for clause in s.clauses:
                    for span in clause.spans + clause.targets:
                        yield from (m for m in span if m is not None)


def _title_year(text: str) -> re.Match[str] | None:
    """The year the notice's title line states (“2027年部分节假日”), if one does."""
    titles = "".join(line for line in re.sub(r"[ \t\u3000]+", "", text).split("\n") if _TITLE.search(line))
    return _TITLE_YEAR.search(titles)


def _find_year(text: str, sections: list[_Section], address: str) -> int:
    """The arrangement's year: the title, else written years, else the weekday notes.

    A 元旦 item's December belongs to the year before ("2007年12月30日—2008年1月1日" is
    in the 2008 notice), so a written December year there counts as the next year. The
    weekday notes fit several years (calendars repeat), so they decide only among recent
    years, with the address's publication month to break ties (notices come out in the
    autumn before their year); where that still leaves a choice, the user must say.
    """
    title = _title_year(text) or _TITLE_YEAR.search(re.sub(r"\s+", "", text))
    if title:
        return int(title[1])
    mentions = list(_mentions(sections))
    written = [m.year + m.new_year_eve for m in mentions if m.year is not None]
    if written:
        return max(written)
    noted = [m for m in mentions if m.weekday is not None]
    today = date.today().year
    score = {y: sum(_weekday_fits(m, y) for m in noted) for y in range(2004, today + 3)}
    best = [y for y, n in score.items() if n == max(score.values())]
    published = _ADDRESS_YEAR.search(address)
    if published:
        guess = int(published[1]) + (int(published[2]) >= 10)
        if guess in best:
            return guess
    if len(best) == 1 and noted:
        return best[0]
    raise UserError(NO_YEAR)


def _weekday_fits(m: _Mention, year: int) -> bool:
    try:
        return m.resolve(year).weekday() == m.weekday
    except ValueError:
        return False


# ---------------------------------------------------------------- second pass: dates


class _Builder:
    """Applies the sentences in a given year; later notices override earlier ones."""

    def __init__(self, reader: _Reader, year: int):
        self.reader, self.year = reader, year
        self.off: dict[date, str] = {}  # the arrangement so far
        self.work: dict[date, str] = {}
        self.sec_off: dict[date, str] = {}  # the notice being read: it must agree with itself
        self.sec_work: dict[date, str] = {}

    def section(self, section: _Section) -> None:
        self.sec_off, self.sec_work = {}, {}
        for item in section.items:
            self._item(item)
        for day, name in self.sec_off.items():
            self.off[day] = name
            self.work.pop(day, None)
        for day, name in self.sec_work.items():
            self.work[day] = name
            self.off.pop(day, None)

    def _item(self, item: _Item) -> None:
        own: set[date] = set()  # the item's days off: a weekend 调至 from inside stays off
        moved: list[tuple[_Sentence, list[date]]] = []
        for s in item.sentences:
            stated: list[date] = []
            for clause in s.clauses:
                days = [d for span in clause.spans for d in self._dates(s, span)]
                targets = [d for span in clause.targets for d in self._dates(s, span)]
                if clause.kind == "extend":
                    self._extend(s, clause, item.name, days)
                    continue
                if clause.kind == "work":
                    for day in days:
                        self._work(s, day, item.name)
                    continue
                elif clause.kind == "swap":
                    moved.append((s, days))
                    days = targets
                elif clause.kind == "resume":
                    continue
                if clause.kind == "off":
                    stated += days
                for day in days:
                    self._off(s, day, item.name)
                own.update(days)
            self._check_days(s, stated)
            if s.with_weekend and stated:
                for day in _weekend_around(stated):
                    self._off(s, day, item.name)
        for s, days in moved:  # 公休日调至…: the weekend day itself becomes a workday
            for day in days:
                if day not in own:
                    self._work(s, day, item.name)

    def _dates(self, s: _Sentence, span: _Span) -> list[date]:
        first, last = (self._date(s, m) for m in (span[0], span[1] or span[0]))
        if last < first:
            raise self.reader.fail(s, f"日期范围{self._md(first)}至{self._md(last)}前后颠倒")
        return [first + timedelta(n) for n in range((last - first).days + 1)]

    def _date(self, s: _Sentence, m: _Mention) -> date:
        try:
            day = m.resolve(self.year)
        except ValueError:
            raise self.reader.fail(s, f"日期{m.month}月{m.day}日不存在") from None
        if not (day.year == self.year or (day.year == self.year - 1 and day.month == 12)):
            raise self.reader.fail(s, f"{self._md(day)}不属于{self.year}年的节假日安排")
        if m.weekday is not None and m.weekday != day.weekday():
            raise self.reader.fail(
                s, f"{self._md(day)}是{weekday_zh(day)}，不是{'星期' + _WEEKDAY_CHARS[m.weekday]}，请核对年份和日期"
            )
        return day

    def _md(self, day: date) -> str:
        """'5月1日', with the year when it is not the arrangement's."""
        return f"{day.month}月{day.day}日" if day.year == self.year else f"{day.year}年{day.month}月{day.day}日"

    def _off(self, s: _Sentence, day: date, name: str) -> None:
        if day in self.sec_work:
            raise self.reader.fail(s, f"{self._md(day)}既写了放假又写了上班")
        self.sec_off[day] = name

    def _work(self, s: _Sentence, day: date, name: str) -> None:
        if not is_weekend(day):
            raise self.reader.fail(s, f"调休上班日{self._md(day)}是{weekday_zh(day)}，调休上班只能在星期六或星期日")
        if day in self.sec_off:
            raise self.reader.fail(s, f"{self._md(day)}既写了放假又写了上班")
        self.sec_work[day] = name

    def _check_days(self, s: _Sentence, stated: list[date]) -> None:
        if s.days is not None and stated and s.days != len(set(stated)):
            first, last = min(stated), max(stated)
            raise self.reader.fail(
                s, f"{self._md(first)}至{self._md(last)}是{len(set(stated))}天，与“共{s.days}天”不符"
            )

    def _extend(self, s: _Sentence, clause: _Clause, item_name: str, days: list[date]) -> None:
        """延长…假期至D: every day after the holiday's last day off, up to D."""
        wanted = clause.name or item_name
        known = {**self.off, **self.sec_off}
        ends = [d for d, name in known.items() if wanted in name]
        if not ends or not days:
            raise self.reader.fail(s, f"找不到要延长的{wanted}假期，请把原通知一起粘贴")
        last, name = max(ends), known[max(ends)]
        added = [last + timedelta(n) for n in range(1, (max(days) - last).days + 1)]
        for day in added:
            self.sec_work.pop(day, None)  # an extension cancels the makeup days it covers
            self.sec_off[day] = name


def _weekend_around(days: list[date]) -> list[date]:
    """与周末连休: the weekend days adjoining the stated days."""
    out = []
    for start, step in ((min(days), -1), (max(days), 1)):
        day = start + timedelta(step)
        while is_weekend(day):
            out.append(day)
            day += timedelta(step)
    return out


# ---------------------------------------------------------------- entry point


def parse_notice(text: str, year: int | None = None, source_name: str = "通知") -> Arrangement:
    """Parse the text of a holiday notice (amendments may follow it) into an Arrangement."""
    label = source_name if source_name == "通知" else f"{source_name} "
    what = "这段文字" if source_name == "通知" else source_name + " "
    not_notice = UserError(f"{what}不是节假日安排通知：没有找到“一、元旦：1月1日放假”这样的放假安排")
    reader = _Reader(label)
    text = _notice_text(text)
    sections = reader.sections(text)
    if next(_mentions(sections), None) is None:
        raise not_notice
    if year is None:
        year = _find_year(text, sections, reader.address)
    else:
        title = _title_year(text)
        if title and int(title[1]) != year:  # said before any weekday note disagrees
            raise UserError(f"{label}的标题写的是 {title[1]} 年（“{title.group(0)}”），与 --year {year} 不符。"
                            f"请去掉 --year，或改为 --year {title[1]}")
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise UserError(f"年份 {year} 不合理，请用 --year 指定通知所属的年份")
    builder = _Builder(reader, year)
    for section in sections:
        builder.section(section)
    if not builder.off:
        raise not_notice
    return Arrangement(
        year=year,
        source=SOURCE_NOTICE,
        days_off=dict(sorted(builder.off.items())),
        makeup_workdays=dict(sorted(builder.work.items())),
        note=reader.address or reader.title,
    )
