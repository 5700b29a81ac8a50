"""Shared fixtures: every test runs with its own empty user data folder and no workspace."""

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
NOTICES = REPO.parent / "shared" / "holiday-notices"


@pytest.fixture(autouse=True)
def _isolated(tmp_path_factory, monkeypatch):
    data = tmp_path_factory.mktemp("userdata")
    monkeypatch.setenv("PARTYDAY_DATA_DIR", str(data))
    monkeypatch.delenv("PARTYDAY_WORKSPACE", raising=False)
    monkeypatch.delenv("PARTYDAY_DEBUG", raising=False)
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setenv("PARTYDAY_RAISE", "1")  # a bug raises in tests instead of exit 70
    work = tmp_path_factory.mktemp("cwd")
    monkeypatch.chdir(work)
    return data
