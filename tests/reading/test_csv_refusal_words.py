"""The data side of the Time series screen speaks Korean: every refusal of a file or a setting, every note on how
a file was read, and the cached read, which must answer a Korean learner in Korean even when an English learner
read the same file first (``st.cache_data`` stores results, never exceptions, and the language is in its key).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd
import pytest

import core.reading.csv_reading as csv_reading
import core.reading.series as series
from core.reading.series import apply_missing_policy, read_series
from core.reading.series_gaps import duration_text, fill_gaps, spacing_jumps, spacing_warning
from core.reading.splits import MinMaxScaler, chronological_split, validate_target
from core.words.errors import InputError
from core.words.i18n import speaking
from tests.words import korean_text

# Latin words a Korean sentence of this screen keeps besides the shared names (tests/words/korean_text.py): the missing
# values' policy codes (a forged link's refusal lists them) and Python's own csv error text.
KEPT = ("drop", "fill_forward", "fill_zero", "field larger than field limit")


def hangul_share(text: str) -> float:
    return korean_text.hangul_share(text, kept=KEPT)


def csv(*lines: str) -> bytes:
    return ("\n".join(lines) + "\n").encode()


DAILY = csv("Date,v", *(f"2024-01-{day:02d},{day}" for day in range(1, 29)))
FRAME = pd.DataFrame({"v": np.arange(30.0), "flat": np.ones(30), "gap": [np.nan] + [1.0] * 29, "word": ["x"] * 30})


def _limit(name: str, value: int, raw: bytes) -> Callable[[pytest.MonkeyPatch], object]:
    def read(monkeypatch: pytest.MonkeyPatch) -> object:
        monkeypatch.setattr(csv_reading, name, value)
        return read_series(raw)

    return read


def _unexpected_failure(monkeypatch: pytest.MonkeyPatch) -> object:
    def broken(raw: bytes) -> None:
        raise RuntimeError("a bug")

    monkeypatch.setattr(series, "_read_series", broken)
    return read_series(b"a\n1\n", "mine.csv")


# Every InputError raised in core/csv_*.py, core/reading/series*.py and core/reading/splits.py, each by the input that
# causes it.
REFUSALS: dict[str, Callable[[pytest.MonkeyPatch], object]] = {
    "excel workbook": lambda mp: read_series(b"PK\x03\x04" + bytes(100)),
    "binary with NUL": lambda mp: read_series(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256))),
    "control characters": lambda mp: read_series(b"a,b\n" + b"\x01\x02\x03\x04" * 10),
    "unknown encoding": lambda mp: read_series(b"x\x8d"),
    "too many rows while splitting": _limit("MAX_ROWS", 5, b"1\n" * 8),
    "unsplittable line": lambda mp: read_series(b'a,b\n1,"' + b"x" * 200_000 + b"\n"),
    "too many bytes": _limit("MAX_BYTES", 10, b"a,b\n1,2\n3,4\n"),
    "empty": lambda mp: read_series(b"  \n"),
    "only comments": lambda mp: read_series(b"# one\n# two\n"),
    "only blank rows": lambda mp: read_series(b",,,\n,,\n"),
    "header only": lambda mp: read_series(b"Date,Open,Close\n"),
    "header only, quote": lambda mp: read_series(b'"Date,v\n2024-01-01,5\n'),
    "too many columns": _limit("MAX_COLUMNS", 2, b"1,2,3\n4,5,6\n"),
    "too many data rows": _limit("MAX_ROWS", 5, b"1\n" * 6),
    "too many cells before splitting": _limit("MAX_CELLS", 100, b"a,b\n" + b"1,2\n" * 300),
    "too many cells while splitting": _limit("MAX_CELLS", 100, b"a,b\n" + b"1,2\n" * 40 + (b"1," * 29 + b"1\n") * 10),
    "columns from the first lines": lambda mp: read_series(b"12," * 300_000 + b"12\n"),
    "a far wider line": lambda mp: read_series(b"a,b\n" + b"1,2\n" * 300 + b"1," * 3000 + b"1\n"),
    "unexpected failure": _unexpected_failure,
    "no numbers": lambda mp: read_series(b"name,city\nfoo,bar\nbaz,qux\n"),
    "no numbers, quote": lambda mp: read_series(b'name,value\nfoo,"bar\nbaz,qux\n'),
    "unknown policy": lambda mp: apply_missing_policy(FRAME, ["v"], "guess"),
    "unknown column": lambda mp: apply_missing_policy(FRAME, ["nope"], "drop"),
    "no column": lambda mp: apply_missing_policy(FRAME, [], "drop"),
    "nothing left": lambda mp: apply_missing_policy(pd.DataFrame({"v": [np.nan, np.nan]}), ["v"], "drop"),
    "training share": lambda mp: chronological_split(100, 0.01, 5, 1),
    "too few rows, shorten": lambda mp: chronological_split(12, 0.7, 10, 1),
    "too few rows, longer series": lambda mp: chronological_split(3, 0.7, 2, 1),
    "target not numeric": lambda mp: validate_target(FRAME, "word", 5, 1, 0.7),
    "feature not numeric": lambda mp: validate_target(FRAME, "v", 5, 1, 0.7, ["word"]),
    "missing values left": lambda mp: validate_target(FRAME, "v", 5, 1, 0.7, ["gap"]),
    "constant target": lambda mp: validate_target(FRAME, "flat", 5, 1, 0.7),
    "no training rows": lambda mp: MinMaxScaler.fit(np.zeros((0, 1))),
    "training gaps": lambda mp: MinMaxScaler.fit(np.array([1.0, np.nan])),
    "range too large, named": lambda mp: MinMaxScaler.fit(np.array([1.7e308, -1.7e308]), ["v"]),
    "range too large, unnamed": lambda mp: MinMaxScaler.fit(np.array([1.7e308, -1.7e308])),
    "beyond float32": lambda mp: MinMaxScaler.fit(np.array([0.0, 1.0])).transform_for_training(
        np.array([0.0, 1e300]), ["v"]
    ),
}


def refusal(kind: str, language: str, monkeypatch: pytest.MonkeyPatch) -> str:
    """The refusal raised and worded in ``language`` (an error words itself when shown)."""
    with speaking(language):
        with pytest.raises(InputError) as refused:
            REFUSALS[kind](monkeypatch)
        return str(refused.value)


@pytest.mark.parametrize("kind", list(REFUSALS))
def test_every_refusal_is_said_in_korean(kind, monkeypatch):
    english, korean = refusal(kind, "en", monkeypatch), refusal(kind, "ko", monkeypatch)
    assert korean != english
    # Raised in English, kept, and shown after a switch to Korean: it rewords, nothing is read again.
    with pytest.raises(InputError) as kept:
        REFUSALS[kind](monkeypatch)
    with speaking("ko"):
        assert str(kept.value) == korean
    assert hangul_share(korean) > 0.8, korean
    assert hangul_share(english) == 0


def test_the_likely_cause_follows_the_refusal_in_korean(monkeypatch):
    korean = refusal("no numbers, quote", "ko", monkeypatch)
    assert korean.index("숫자가 든 열이 없어") < korean.index("원인은") < korean.index("따옴표")


MESSY = (
    b"# exported\n"
    b"Date;Price;Price;Note;Empty;Flat\n"
    b"03.01.2024;1.234,5;2;a;;7\n"
    b"02.01.2024;1.235,5;;b;;7\n"
    b"\n"
    b"02.01.2024;1.236,5;inf;c;;7\n"
    b"01.01.2024;1.237,5;x;d;;7\n"
    b"bad;1;2;3\n"
)


def test_the_notes_on_a_messy_file_are_korean():
    with speaking("en"):
        english = read_series(MESSY).notes
    with speaking("ko"):
        korean = read_series(MESSY).notes
    assert len(korean) == len(english) >= 12
    for note_en, note_ko in zip(english, korean, strict=True):
        assert note_ko != note_en
        assert hangul_share(note_ko) > 0.8, note_ko


def test_the_gap_policy_and_the_spacing_warning_are_korean():
    dates = pd.Series(pd.date_range("2024-01-01", periods=10, freq="D"))
    frame = pd.DataFrame({"date": dates, "v": [1.0, np.nan, np.nan, 4, 5, 6, 7, np.nan, 9, 10]})
    for policy in ("drop", "fill_forward", "fill_zero"):
        with speaking("ko"):
            note = apply_missing_policy(frame, ["v"], policy)[1]
        assert hangul_share(note) > 0.8, note
    kept = dates.drop([1, 2, 7])
    with speaking("en"):
        english = spacing_warning(dates, kept)
    with speaking("ko"):
        korean, days = spacing_warning(dates, kept), duration_text(pd.Timedelta(days=3))
    assert english.startswith("Dropping 3 rows") and "3 days" in english
    assert korean != english and hangul_share(korean) > 0.8 and "3일" in korean and days == "3일"


def test_the_cached_read_answers_each_learner_in_their_language():
    """The same bytes read first for an English learner, then for a Korean one: each gets their own words, for a
    table (the language is part of the cache key) and for a refusal (cached as a message, worded when shown)."""
    from ui.series_data import read_cached, source_text

    english = read_cached(DAILY, "daily.csv", "en")
    korean = read_cached(DAILY, "daily.csv", "ko")
    assert english.notes != korean.notes and all(hangul_share(note) > 0.8 for note in korean.notes)
    assert read_cached(DAILY, "daily.csv", "en") is not korean
    refused = b"name,city\nfoo,bar\n"
    for language, words in (("en", "No column holds numbers"), ("ko", "숫자가 든 열이 없어"), ("en", "No column")):
        with speaking(language):
            with pytest.raises(InputError) as refusal:
                read_cached(refused, "bad.csv", language)
            assert words in str(refusal.value)
    with speaking("ko"):
        assert source_text("sample:stock_like.csv") == "내장 예제 stock_like.csv"
        assert source_text("upload:my:file.csv:0123456789abcdef") == "올린 파일 my:file.csv"
    assert source_text("sample:seasonal.csv") == "built-in sample seasonal.csv"


def test_what_a_policy_did_is_kept_as_numbers_and_worded_when_shown():
    """A run keeps ``GapFill`` and ``SpacingJumps`` (numbers), so a language switch rewords them without a re-read."""
    dates = pd.Series(pd.date_range("2024-01-01", periods=10, freq="D"))
    frame = pd.DataFrame({"date": dates, "v": [1.0, np.nan, np.nan, 4, 5, 6, 7, np.nan, 9, 10]})
    kept, done = fill_gaps(frame, ["v"], "drop")
    jumps = spacing_jumps(frame["date"], kept["date"])
    assert (done.rows_dropped, jumps.rows_removed, jumps.jumps) == (3, 3, 2)
    with speaking("en"):
        english = [done.sentence(), jumps.sentence()]
    with speaking("ko"):
        korean = [done.sentence(), jumps.sentence()]
    assert english == [apply_missing_policy(frame, ["v"], "drop")[1], spacing_warning(frame["date"], kept["date"])]
    assert english[0] == "Dropped 3 rows with a missing value in the chosen columns."
    assert all(hangul_share(text) > 0.8 for text in korean) and korean != english


def test_the_time_series_data_section_speaks_the_learners_language():
    """Under AppTest, with the upload source chosen (nothing trains): a refused file and a good file's notes are in
    Korean for ``?lang=ko``, and in English after the switch, for the very same upload (one cache, two languages)."""
    from streamlit.testing.v1 import AppTest

    from tests.conftest import APP, APP_TIMEOUT

    key = "time_series"
    at = AppTest.from_file(APP, default_timeout=APP_TIMEOUT)
    at.query_params["lang"] = "ko"
    at.run()
    at.session_state[f"{key}_source"] = "upload"
    at.switch_page("pages/time_series.py").run()
    assert not at.exception, at.exception
    uploader = at.file_uploader(key=f"{key}_upload")
    assert hangul_share(at.info[0].value) > 0.8  # "Choose a file above"
    uploader.set_value(("bad.csv", b"name,city\nfoo,bar\n", "text/csv")).run()
    korean = " ".join(e.value for e in at.error)
    assert "숫자가 든 열이 없어" in korean and hangul_share(korean.replace("\\", "")) > 0.8
    at.file_uploader(key=f"{key}_upload").set_value(("daily.csv", DAILY, "text/csv")).run()
    assert not at.exception and not at.error
    notes = at.text[0].value
    assert "날짜는 'Date' 열에 있으며" in notes and hangul_share(notes) > 0.8
    at.query_params["lang"] = "en"
    at.run()
    assert not at.exception and not at.error
    assert "Column 'Date' holds the dates" in at.text[0].value


MIXED = "날짜,종가\n".encode() + b"".join(f"2024-01-{d:02d},{100 + d}\n".encode() for d in range(1, 20))
MIXED += "2024-01-20,120,비고\n".encode("cp949")  # a row pasted from a Korean Excel file


def test_the_mixed_encodings_warning_is_korean():
    with speaking("en"):
        english = csv_reading.warnings_among(read_series(MIXED).notes)
    with speaking("ko"):
        korean = csv_reading.warnings_among(read_series(MIXED).notes)
    assert len(english) == len(korean) == 1 and english[0].startswith("Some column names or cells may be unreadable")
    assert korean != english and hangul_share(korean[0]) > 0.8, korean


def test_the_page_shows_the_mixed_encodings_warning_in_the_learners_language():
    """Under AppTest: the warning stands apart from the notes, as an st.warning, in Korean and after a switch in
    English; the notes do not repeat it."""
    from streamlit.testing.v1 import AppTest

    from tests.conftest import APP, APP_TIMEOUT

    key = "time_series"
    at = AppTest.from_file(APP, default_timeout=APP_TIMEOUT)
    at.query_params["lang"] = "ko"
    at.run()
    at.session_state[f"{key}_source"] = "upload"
    at.switch_page("pages/time_series.py").run()
    at.file_uploader(key=f"{key}_upload").set_value(("mixed.csv", MIXED, "text/csv")).run()
    assert not at.exception and not at.error
    korean = [w.value for w in at.warning if "CP949" in w.value]
    assert len(korean) == 1 and hangul_share(korean[0].replace("\\", "")) > 0.8, korean
    assert "CP949" not in at.text[0].value
    at.query_params["lang"] = "en"
    at.run()
    english = [w.value for w in at.warning if "CP949" in w.value]
    assert len(english) == 1 and "Some column names or cells may be unreadable" in english[0].replace("\\", "")
