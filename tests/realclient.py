"""Open generated workbooks in a real spreadsheet program (LibreOffice headless).

`.ci/run` installs libreoffice-calc-nogui and poppler-utils; on a developer machine
without them the tests that need them are skipped, except under CI, where they fail.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest


def _need(tool: str) -> str:
    found = shutil.which(tool)
    if found is None:
        if os.environ.get("CI"):
            pytest.fail(f"{tool} is missing; .ci/run must install it")
        pytest.skip(f"{tool} not installed (apt-get install libreoffice-calc-nogui poppler-utils)")
    return found


def to_pdf(workbook: Path) -> Path:
    """Convert with LibreOffice; fails the test if LibreOffice cannot open the file."""
    soffice = _need("soffice")
    outdir = Path(tempfile.mkdtemp(prefix="pdf-"))
    profile = Path(tempfile.mkdtemp(prefix="lo-profile-"))
    proc = subprocess.run(
        [soffice, f"-env:UserInstallation=file://{profile}", "--headless", "--norestore",
         "--convert-to", "pdf", "--outdir", str(outdir), str(workbook)],
        capture_output=True, text=True, timeout=180,
    )
    shutil.rmtree(profile, ignore_errors=True)
    made = outdir / (workbook.stem + ".pdf")
    assert proc.returncode == 0 and made.is_file(), (proc.stdout, proc.stderr)
    pdf = workbook.with_name(workbook.stem + ".pdf")  # beside the workbook, in the test's tmp_path
    shutil.move(made, pdf)
    shutil.rmtree(outdir, ignore_errors=True)
    return pdf


def pdf_pages(pdf: Path) -> list[tuple[float, float]]:
    """Each page's size in points, from pdfinfo."""
    pdfinfo = _need("pdfinfo")
    out = subprocess.run([pdfinfo, "-f", "1", "-l", "999", str(pdf)], capture_output=True,
                         text=True, check=True).stdout
    sizes = re.findall(r"Page\s+\d+ size:\s+([\d.]+) x ([\d.]+) pts", out)
    return [(float(w), float(h)) for w, h in sizes]


def is_a4(size: tuple[float, float]) -> bool:
    w, h = sorted(size)
    return abs(w - 595) < 3 and abs(h - 842) < 3


def pdf_text(pdf: Path) -> str:
    pdftotext = _need("pdftotext")
    return subprocess.run([pdftotext, "-layout", str(pdf), "-"], capture_output=True,
                          text=True, check=True).stdout
