from pathlib import Path

import pytest

from certifications.orgfile.format import load

NFB_FILE = Path(__file__).with_name("nfb.yaml")


@pytest.fixture
def nfb_text() -> str:
    """A made-up body whose cycle, unit, caps and fees differ from ACE's and ACSM's (also the README's example)."""
    return NFB_FILE.read_text(encoding="utf-8")


@pytest.fixture
def nfb(nfb_text) -> dict:
    return load(nfb_text)
