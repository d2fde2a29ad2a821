"""Time series data section: the source, the read (cached) and a preview; input, kept apart from the training page."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pandas as pd
import streamlit as st

from core.reading.csv_reading import MAX_CELLS, warnings_among
from core.reading.series import (
    MAX_BYTES,
    MAX_COLUMNS,
    MAX_ROWS,
    ROW_ORDERS,
    SeriesTable,
    in_row_order,
    read_series,
    row_order_sentence,
)
from core.runs.links import options_by_label
from core.words.errors import InputError
from core.words.i18n import N_, _, current_language, speaking
from ui.common import markdown_literal
from ui.controls import BIND
from ui.i18n import option_labels

DATA = Path(__file__).resolve().parents[1] / "data"
SOURCES = {
    "stock": N_("Built-in: stock-like daily prices (synthetic)"),
    "seasonal": N_("Built-in: seasonal series (synthetic)"),
    "upload": N_("Upload your own CSV file"),
}
SAMPLE_FILES = {"stock": "stock_like.csv", "seasonal": "seasonal.csv"}


# The last file refused in this session, its identity (name and digest) and the refusal: shown again on the next runs
# and after a language switch without reading the file again (the refusal is a message, worded where it is shown).
REFUSED_KEY = "_time_series_refused_file"


@st.cache_data(max_entries=4, show_spinner=False)
def _read_or_refused(raw: bytes, filename: str, language: str) -> SeriesTable | InputError:
    with speaking(language):
        try:
            return read_series(raw, filename)
        except InputError as refusal:  # kept as a value: st.cache_data stores results, never exceptions
            return refusal


def read_cached(raw: bytes, filename: str, language: str) -> SeriesTable:
    """The table read in ``language``: its notes are sentences, so each language is its own cache entry.

    A refused file raises ``InputError``, the refusal cached as well: its message is worded where it is shown, in
    the language of the run that shows it.
    """
    read = _read_or_refused(raw, filename, language)
    if isinstance(read, InputError):
        raise InputError(read.message)  # a fresh error: the cached one's traceback would grow with each raise
    return read


def _read(raw: bytes, filename: str, identity: str) -> SeriesTable:
    """``read_cached`` in the current language; a file this session saw refused (the same ``identity``: its name and
    the digest of its bytes) is refused again unread."""
    refused = st.session_state.get(REFUSED_KEY)
    if refused is not None and refused[0] == identity:
        raise InputError(refused[1])
    try:
        return read_cached(raw, filename, current_language())
    except InputError as refusal:
        st.session_state[REFUSED_KEY] = (identity, refusal.message)
        raise


def source_text(identity: str) -> str:
    """The data's description ("built-in sample stock_like.csv") from its identity, in the current language.

    The identity (``choose_data``'s third value) holds no words, so a run can keep it and say at draw time,
    in whatever language the learner reads then, what it was trained on.
    """
    kind, _colon, rest = identity.partition(":")
    if kind == "sample":
        return _("built-in sample {name}").format(name=rest)
    if kind == "upload":
        return _("uploaded file {name}").format(name=rest.rsplit(":", 1)[0])
    return identity


def choose_data(key: str) -> tuple[SeriesTable | None, str, str]:
    """The data source and its table (None when there is nothing usable), its label and identity.

    The label is in the current language; a run that outlives a language switch keeps the identity and
    calls ``source_text(identity)`` where it shows it.
    """
    st.subheader(_("1. The data"))
    source = st.radio(
        _("Data source"),
        list(SOURCES),
        format_func=option_labels(SOURCES),
        horizontal=True,
        key=f"{key}_source",
        bind="query-params",  # in the link (ui.links); an uploaded file cannot be
    )
    if source != "upload":
        st.caption(
            _("The built-in samples are **synthetic**, made by `data/make_samples.py`: no real market or measurement.")
        )
        name = SAMPLE_FILES[source]
        raw = (DATA / name).read_bytes()
        identity = f"sample:{name}"
        return _read(raw, name, identity), source_text(identity), identity
    uploaded = st.file_uploader(
        _(
            "CSV file (.csv, .txt or .tsv; at most {size} MB, {rows:,} rows, {columns} columns and {cells:,} cells, "
            "rows × columns)"
        ).format(size=MAX_BYTES // 2**20, rows=MAX_ROWS, columns=MAX_COLUMNS, cells=MAX_CELLS),
        type=["csv", "txt", "tsv"],
        key=f"{key}_upload",
        help=_(
            "One row per time step, one column per series, ideally a date column. Commas, semicolons, tabs or "
            "vertical bars; UTF-8, UTF-16 or Korean CP949; decimal commas are all understood."
        ),
    )
    if uploaded is None:
        st.info(_("Choose a file above. Until then the last run stays on screen."))
        return None, "", ""
    raw = uploaded.getvalue()
    identity = f"upload:{uploaded.name}:{hashlib.sha1(raw).hexdigest()[:16]}"
    return _read(raw, uploaded.name, identity), source_text(identity), identity


def table_tag(identity: str) -> str:
    """The tag that ties a control to one data table (its options or defaults depend on the table): a new table is
    a fresh control, and a link's value for another table waits for that table (core.runs.links.TABLE_TAG)."""
    return hashlib.sha1(identity.encode()).hexdigest()[:8]


def preview(table: SeriesTable, key: str, identity: str) -> str:
    """What was understood, as plain text (the notes quote the file's own column names), and the first rows as the
    network will read them; returns the row order (a ``ROW_ORDERS`` option: "oldest_first" for a file with dates).

    A file without dates gets the row-order choice right above its first rows, and the rows carry their number in
    the file, so the learner sees which end of the file is read as the oldest."""
    title = _("What was read: {rows:,} rows, {columns} numeric columns").format(
        rows=len(table.frame), columns=len(table.numeric_columns)
    )
    row_order = "oldest_first"
    warnings = warnings_among(table.notes)  # e.g. mixed encodings: said apart, where it cannot be missed
    for warning in warnings:
        st.warning(markdown_literal(warning))
    with st.expander(title, True):
        st.text("\n".join(f"• {note}" for note in table.notes if note not in warnings))
        if table.needs_row_order:
            name = f"{key}_row_order_{table_tag(identity)}"
            written, by_label = st.query_params.get(name), options_by_label(ROW_ORDERS)
            if written in by_label and name not in st.session_state:
                # A link names the choice by its option (newest_first, as a teacher writes it) or its label in any
                # language; ui.links hands those to a control drawn at the link's first run, and this one is drawn
                # only once the file is chosen.
                st.session_state[name] = by_label[written]
            row_order = st.radio(
                _("Row order of the file (it has no dates)"),
                list(ROW_ORDERS),
                format_func=option_labels(ROW_ORDERS),
                key=name,
                **BIND,
                help=_(
                    "Which end of the file is the oldest? The study note's lab reads Yahoo's daily GOOG prices "
                    "(data-02-stock_daily.csv), written newest first, and reverses them with xy[::-1]: for that file "
                    "choose newest first. The table below shows the rows the network reads first, with their row "
                    "numbers in the file."
                ),
            )
            st.caption(row_order_sentence(row_order))
        shown = in_row_order(table, row_order).frame.head(8).copy()
        dates = shown[table.date_column] if table.date_column else None
        if dates is not None and (dates == dates.dt.normalize()).all():
            shown[table.date_column] = dates.dt.date  # 2024-01-31, not 2024-01-31 00:00:00
        if table.needs_row_order:
            rows = len(table.frame)
            numbers = range(rows, rows - len(shown), -1) if row_order == "newest_first" else range(1, len(shown) + 1)
            shown.index = pd.Index(list(numbers), name=_("row in the file"))
        st.caption(_("The first rows, oldest first, as the network will read them:"))
        st.dataframe(shown, hide_index=not table.needs_row_order, key=f"{key}_preview")
        if table.missing_cells:
            st.caption(
                _("{count:,} missing cells: pick what to do with them in the sidebar.").format(
                    count=table.missing_cells
                )
            )
    return row_order
