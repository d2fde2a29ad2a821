"""RNN Lab's pure side: torch, numpy, pandas and plotly, never streamlit. Packages by idea, each importing only those
below it (tests/test_architecture.py holds the order): words < engine < reading < charts < runs < screens
< lessons < saving."""

from pathlib import Path

# The checkout's root, where data/, locales/ and pyproject.toml live: one place, so a module can move between packages.
PROJECT_ROOT = Path(__file__).resolve().parents[1]
