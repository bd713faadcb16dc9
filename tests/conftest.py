"""Shared fixtures: paths of the project's own test data (nothing outside the repo)."""
from __future__ import annotations

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))


@pytest.fixture(scope="session")
def root() -> Path:
    return ROOT


@pytest.fixture(scope="session")
def seeds_dir() -> Path:
    return ROOT / "samples" / "seeds"


@pytest.fixture(scope="session")
def clean_texts() -> list[Path]:
    data = ROOT / "tests" / "data"
    return sorted((data / "neardup" / "articles").glob("*.txt")) + [data / "clean" / "seed001_canonical.md"]
