"""Links, presets and saved runs across languages (core.runs.links, core.runs.presets, core.saving.file).

A bound choice control is carried in the URL by its label, in the language of the page that wrote it: a link made
on a Korean page holds Korean labels, and must open the same setup on an English page, and back. Presets keep
their ids and speak the learner's language. A saved run holds no translated text, and loads in either language.
"""

from __future__ import annotations

import gettext
import io
import json
import zipfile

import pytest

import core.words.i18n
from core.engine.records import FAILED, FAILED_MESSAGE
from core.runs.links import holds, ignored_sentence, link_text, options_by_label, read_link
from core.saving.file import FORMAT_VERSION, save_run
from core.screens.hihello.settings import HiHelloSettings
from core.screens.registry import presets_for, training_screens
from core.words.errors import InputError
from core.words.i18n import _, speaking
from tests.saving.helpers import build_sessions, load_run
from tests.words.korean_text import has_hangul

READOUTS = {"logits": "RNN output used directly as the scores (the lab)", "linear": "a linear layer on top"}
KOREAN_READOUTS = {"logits": "RNN 출력을 그대로 점수로 (실습)", "linear": "위에 선형 층 하나"}


class Korean(gettext.NullTranslations):
    """A Korean catalogue that knows the readout labels (whatever the real catalogue holds for them today)."""

    def gettext(self, message: str) -> str:
        return dict(zip(READOUTS.values(), KOREAN_READOUTS.values(), strict=True)).get(message, message)


@pytest.fixture
def korean_labels(monkeypatch):
    english = gettext.NullTranslations()
    monkeypatch.setattr(core.words.i18n, "translations", lambda language: Korean() if language == "ko" else english)


@pytest.mark.parametrize("made_in, opened_in", [("ko", "en"), ("en", "ko"), ("ko", "ko"), ("en", "en")])
def test_a_choice_written_by_its_label_in_one_language_is_read_in_the_other(korean_labels, made_in, opened_in):
    with speaking(made_in):
        written = link_text("linear", READOUTS)
    assert written == (KOREAN_READOUTS if made_in == "ko" else READOUTS)["linear"]
    with speaking(opened_in):
        taken, refused = read_link(HiHelloSettings(), {"hihello_readout": [written]}, "hihello", {"readout": READOUTS})
        assert taken == {"hihello_readout": "linear"} and not refused
        assert link_text("linear", READOUTS) == (KOREAN_READOUTS if opened_in == "ko" else READOUTS)["linear"]
        assert holds("linear", written, READOUTS) and not holds("logits", written, READOUTS)


def test_a_choice_is_read_by_its_option_too_and_an_unknown_label_is_refused(korean_labels):
    with speaking("ko"):
        taken, _refused = read_link(
            HiHelloSettings(), {"hihello_readout": ["linear"]}, "hihello", {"readout": READOUTS}
        )
        assert taken == {"hihello_readout": "linear"}
        _taken, refused = read_link(
            HiHelloSettings(), {"hihello_readout": ["없는 값"]}, "hihello", {"readout": READOUTS}
        )
        assert [r.name for r in refused] == ["hihello_readout"]
    names = options_by_label(READOUTS)
    assert {names[label] for label in (*READOUTS.values(), *KOREAN_READOUTS.values())} == {"logits", "linear"}


def test_a_table_already_translated_by_its_page_still_reads_every_language():
    """A page may translate its label table at its top (in the run's language): the English label of a link made
    in English is still found, through the catalogue."""
    with speaking("ko"):
        table = {"lab": _("The lab's setting"), "stuck": _("Seed 0 gets stuck")}
        assert has_hangul(table["lab"])
        names = options_by_label(table)
    assert names["The lab's setting"] == "lab" and names["Seed 0 gets stuck"] == "stuck"
    assert names[table["stuck"]] == "stuck"


def test_a_refusal_noted_in_korean_reads_in_english_after_a_switch():
    with speaking("ko"):
        _taken, refused = read_link(
            HiHelloSettings(), {"hihello_seed": ["abc"], "hihello_epochs": ["1", "2"]}, "hihello"
        )
        korean = ignored_sentence(refused)
    english = ignored_sentence(refused)  # the same kept refusals, drawn again after the switch
    assert "숫자가 아님" in korean and "두 번 이상" in korean and has_hangul(korean)
    assert english.startswith("Ignored from the link: ") and "not a number" in english
    assert "given more than once" in english and not has_hangul(english)


@pytest.mark.parametrize("screen", [entry.key for entry in training_screens()])
def test_presets_speak_korean_and_keep_their_ids(screen):
    english = [(p.name, p.title, p.look_for) for p in presets_for(screen)]
    with speaking("ko"):
        for preset in presets_for(screen):
            title, look_for = _(preset.title), _(preset.look_for)
            assert has_hangul(title) and title != preset.title
            assert has_hangul(look_for) and look_for != preset.look_for
            if "predicted" in preset.promise:  # the word a run shows stays as it is, quoted
                assert f"'{preset.promise['predicted']}'" in look_for
            assert preset.query(screen) == {f"{screen}_{k}": link_text(v) for k, v in preset.settings.items()}
    assert [(p.name, p.title, p.look_for) for p in presets_for(screen)] == english  # nothing stored was translated


def _strings(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield key
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def test_a_run_saved_in_korean_holds_no_korean_and_loads_the_same_in_english():
    settings = HiHelloSettings(epochs=20)
    sessions, logs = build_sessions(settings)
    sessions["model"].advance(epochs=6)
    with speaking("ko"):
        data = save_run(settings, sessions, logs)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        run = json.loads(archive.read("run.json"))
    assert not [text for text in _strings(run) if has_hangul(text)]
    with speaking("ko"):
        assert save_run(settings, sessions, logs) == data  # the same bytes whatever the language
    loaded = load_run(data, screen="hihello")
    assert loaded.settings == settings and loaded.sessions["model"].epoch == 6
    assert loaded.sessions["model"].history.losses == sessions["model"].history.losses
    with speaking("ko"):
        again = load_run(data, screen="hihello")
    assert again.sessions["model"].history.losses == sessions["model"].history.losses


def _stop_edited(data: bytes, stopped, version: int | None = None) -> bytes:
    """The same file with its ``stopped`` entry replaced (an older file's form, or a forged one), and its format
    version when ``version`` is given."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    run = json.loads(parts["run.json"])
    run["sessions"]["model"]["stopped"] = stopped
    if version is not None:
        run["format_version"] = version
    parts["run.json"] = json.dumps(run).encode()
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, value in parts.items():
            archive.writestr(name, value)
    return out.getvalue()


def test_a_diverged_run_saved_in_korean_keeps_its_cause_not_its_sentence():
    settings = HiHelloSettings(epochs=20, learning_rate=10.0, nonlinearity="relu", readout="linear")  # explodes
    sessions, logs = build_sessions(settings)
    sessions["model"].advance(epochs=20)
    stopped = sessions["model"].history.stopped
    assert stopped is not None and stopped.diverged
    with speaking("ko"):
        assert has_hangul(stopped.reason)  # what the learner read when saving
        data = save_run(settings, sessions, logs)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        run = json.loads(archive.read("run.json"))
    assert not [text for text in _strings(run) if has_hangul(text)]
    assert run["sessions"]["model"]["stopped"] == [stopped.epoch, "diverged", 10.0]
    loaded = load_run(data, screen="hihello").sessions["model"].history.stopped
    assert loaded == stopped and loaded.diverged
    assert loaded.reason.startswith(f"Training stopped at epoch {stopped.epoch}: the loss exploded")
    assert "(10) is too high" in loaded.reason and not has_hangul(loaded.reason)
    with speaking("ko"):
        assert loaded.reason == stopped.reason  # and in Korean once the page speaks Korean


def test_a_format_1_file_with_the_english_sentence_still_loads_and_speaks_korean():
    """Format 1 files were written with ``[epoch, cause, rate]`` and, earlier, ``[epoch, English sentence]``: both are
    read, by the file's version; format 2 (FORMAT_VERSION) holds only the first."""
    settings = HiHelloSettings(epochs=20, learning_rate=10.0, nonlinearity="relu", readout="linear")
    sessions, logs = build_sessions(settings)
    sessions["model"].advance(epochs=20)
    stopped = sessions["model"].history.stopped
    data = save_run(settings, sessions, logs)
    assert FORMAT_VERSION == 2
    # what a format-1 file saved before the cause was kept holds
    older = _stop_edited(data, [stopped.epoch, stopped.reason], version=1)
    loaded = load_run(older, screen="hihello").sessions["model"].history.stopped
    assert loaded == stopped and loaded.diverged and loaded.learning_rate == 10.0
    with speaking("ko"):
        assert has_hangul(loaded.reason)
    later = load_run(_stop_edited(data, [stopped.epoch, "diverged", 10.0], version=1), screen="hihello")
    assert later.sessions["model"].history.stopped == stopped
    mine = "Stopped for a reason of its own."
    unknown = load_run(_stop_edited(data, [stopped.epoch, mine], version=1), screen="hihello")
    assert unknown.sessions["model"].history.stopped.reason == mine
    assert not unknown.sessions["model"].history.stopped.diverged
    failed = load_run(_stop_edited(data, [stopped.epoch, FAILED_MESSAGE], version=1), screen="hihello")
    assert failed.sessions["model"].history.stopped.cause == FAILED
    unreadable = ([stopped.epoch, "exploded", 10.0], [stopped.epoch, "diverged", None], [stopped.epoch, "diverged"])
    for forged in (*unreadable, [stopped.epoch], [stopped.epoch, "failed", 0.1], ["7", "diverged", 10.0]):
        for version in (1, 2):
            with pytest.raises(InputError):
                load_run(_stop_edited(data, forged, version), screen="hihello")
    for sentence in (stopped.reason, FAILED_MESSAGE, mine):  # a sentence is no format-2 entry
        with pytest.raises(InputError, match="the reason the run stopped is unreadable"):
            load_run(_stop_edited(data, [stopped.epoch, sentence]), screen="hihello")


@pytest.mark.parametrize(
    "data, screen, english, korean",
    [
        (b"PK\x03\x04 not a zip", "hihello", "not an RNN Lab run", "RNN Lab 실행이 아닙니다"),
        (None, "long_sequences", "made for the HiHello screen, not Long sequences", "긴 시퀀스 화면이 아니라 HiHello"),
    ],
)
def test_a_refused_file_is_explained_in_the_learners_language(data, screen, english, korean):
    if data is None:
        sessions, logs = build_sessions(HiHelloSettings(epochs=5))
        data = save_run(HiHelloSettings(epochs=5), sessions, logs)
    with pytest.raises(InputError, match=english):
        load_run(data, screen=screen)
    with speaking("ko"), pytest.raises(InputError, match=korean) as refused:
        load_run(data, screen=screen)
    with speaking("ko"):
        assert has_hangul(str(refused.value))
    assert english in str(refused.value)  # raised on a Korean page, worded in English where English is shown


def test_the_reasons_added_for_issue_24_speak_korean(monkeypatch):
    """A number in another form, a list beyond the cap, a device this machine lacks, names that are no settings, an
    unknown language, and the count of the values the note leaves out: each reason reads in Korean too."""
    import torch

    from core.runs.links import MOST_NOTED, MOST_VALUES, Refusal, parse_value, too_many
    from core.screens.time_series.forecasting import ForecastSettings
    from ui.i18n import not_a_language
    from ui.lessons import NOT_SETTINGS

    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    defaults = ForecastSettings(target="Close", features=("Close",))
    _taken, (device,) = read_link(defaults, {"time_series_device": ["cuda"]}, "time_series")
    many = [Refusal(f"x{i}", "1", NOT_SETTINGS[0]) for i in range(MOST_NOTED + 3)]
    with speaking("ko"):
        with pytest.raises(InputError) as plain:
            parse_value("1_0", 0)
        reasons = [
            str(plain.value),
            str(too_many(MOST_VALUES + 1)),
            device.reason,
            _(NOT_SETTINGS[1]),
            str(not_a_language()),
        ]
        note = ignored_sentence(many)
    for reason in reasons:
        assert has_hangul(reason), reason
    assert "0.001" in reasons[0] and f"{MOST_VALUES}" in reasons[1] and "CPU" in reasons[2]
    assert "en, ko" in reasons[4]
    assert has_hangul(note.rsplit(";", 1)[1]) and "3" in note.rsplit(";", 1)[1]
