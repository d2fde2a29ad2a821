"""Time series data section: the source, the read (cached) and a preview; input, kept apart from the training page."""

from __future__ import annotations

import hashlib
from pathlib import Path

import streamlit as st

from core.series import MAX_BYTES, MAX_COLUMNS, MAX_ROWS, SeriesTable, read_series

DATA = Path(__file__).resolve().parents[1] / "data"
SOURCES = {
    "stock": "Built-in: stock-like daily prices (synthetic)",
    "seasonal": "Built-in: seasonal series (synthetic)",
    "upload": "Upload your own CSV file",
}
SAMPLE_FILES = {"stock": "stock_like.csv", "seasonal": "seasonal.csv"}


@st.cache_data(max_entries=4, show_spinner=False)
def read_cached(raw: bytes, filename: str) -> SeriesTable:
    return read_series(raw, filename)


def choose_data(key: str) -> tuple[SeriesTable | None, str, str]:
    """The data source and its table (None when there is nothing usable), its label and identity."""
    st.subheader("1. The data")
    source = st.radio(
        "Data source",
        list(SOURCES),
        format_func=SOURCES.get,
        horizontal=True,
        key=f"{key}_source",
        bind="query-params",  # in the link (ui.links); an uploaded file cannot be
    )
    if source != "upload":
        st.caption(
            "The built-in samples are **synthetic**, made by `data/make_samples.py`: no real market or measurement."
        )
        name = SAMPLE_FILES[source]
        raw = (DATA / name).read_bytes()
        return read_cached(raw, name), f"built-in sample {name}", f"sample:{name}"
    uploaded = st.file_uploader(
        f"CSV file (.csv, .txt or .tsv; at most {MAX_BYTES // 2**20} MB, {MAX_ROWS:,} rows, {MAX_COLUMNS} columns)",
        type=["csv", "txt", "tsv"],
        key=f"{key}_upload",
        help="One row per time step, one column per series, ideally a date column. Commas, semicolons, tabs or "
        "vertical bars; UTF-8, UTF-16 or Korean CP949; decimal commas are all understood.",
    )
    if uploaded is None:
        st.info("Choose a file above. Until then the last run stays on screen.")
        return None, "", ""
    raw = uploaded.getvalue()
    identity = f"upload:{uploaded.name}:{hashlib.sha1(raw).hexdigest()[:16]}"
    return read_cached(raw, uploaded.name), f"uploaded file {uploaded.name}", identity


def preview(table: SeriesTable, key: str) -> None:
    """What was understood, as plain text: the notes quote the file's own column names."""
    frame = table.frame
    with st.expander(f"What was read: {len(frame):,} rows, {len(table.numeric_columns)} numeric columns", True):
        st.text("\n".join(f"• {note}" for note in table.notes))
        shown = frame.head(8).copy()
        dates = shown[table.date_column] if table.date_column else None
        if dates is not None and (dates == dates.dt.normalize()).all():
            shown[table.date_column] = dates.dt.date  # 2024-01-31, not 2024-01-31 00:00:00
        st.caption("The first rows, oldest first, as the network will read them:")
        st.dataframe(shown, hide_index=True, key=f"{key}_preview")
        if table.missing_cells:
            st.caption(f"{table.missing_cells:,} missing cells: pick what to do with them in the sidebar.")
