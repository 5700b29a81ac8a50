"""The calendar workbook as LibreOffice prints it."""

from typer.testing import CliRunner

from partyday_cli.cli.main import app
from tests.realclient import is_a4, pdf_pages, pdf_text, to_pdf


def test_calendar_xlsx_prints_on_one_a4_page(tmp_path):
    out = tmp_path / "2024活动日.xlsx"
    result = CliRunner().invoke(app, ["calendar", "2024", "-r", "每月第二周、第四周的星期三",
                                      "-p", "nearest", "-o", str(out)])
    assert result.exit_code == 0, result.output
    pdf = to_pdf(out)
    pages = pdf_pages(pdf)
    assert len(pages) == 1 and is_a4(pages[0])
    text = pdf_text(pdf)
    assert "2024年党员活动日安排" in text and "春节" in text
