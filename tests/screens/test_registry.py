"""A screen is a unit (issue 25, part 1): one registry entry (core.screens.registry) per screen, from which the
navigation, links, saved runs, scripts, presets, note links and the tests' page lists are derived, under one name.

A screen's key is its folder, its page file's stem, the prefix of its widgets' keys and link parameters and the
screen a saved run names; it appears nowhere else in the app's source. Its former keys still open it: an old link
(``?longseq_seed=3``) and an old saved run. And a screen added through the registry alone, a folder of its own
elsewhere, is in the menu, reads its link and saves and loads its runs.
"""

from __future__ import annotations

import ast
import functools
import io
import json
import re
import textwrap
import zipfile
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from core.saving.file import save_run
from core.screens import registry
from core.screens.long_sequences.settings import LongSequenceSettings
from core.screens.registry import find, screen, screen_of, screens, training_screens
from core.words.notes import SECTIONS
from tests.conftest import APP, APP_TIMEOUT, live_run
from tests.saving.helpers import build_sessions, load_run

ROOT = Path(__file__).resolve().parents[2]
# The app's source: where a screen's name may appear only in its own folder, its page and the registry.
SOURCES = [
    *ROOT.glob("core/**/*.py"),
    *ROOT.glob("ui/**/*.py"),
    *ROOT.glob("pages/*.py"),
    ROOT / "streamlit_app.py",
    *ROOT.glob("scripts/**/*.py"),
    *ROOT.glob("benchmarks/**/*.py"),
]
PAGE_FILE = re.compile(r"pages/\w+\.py")
OTHER_PAGES = {"pages/glossary.py"} | {"pages/lessons.py"}  # pages of the app that are no screens (one name a set)


def test_a_screen_is_one_name_its_folder_its_page_and_its_entry():
    keys = [entry.key for entry in screens()]
    assert keys == ["basics", "hihello", "long_sequences", "time_series", "rnn_vs_lstm_gru"]  # the home page's order
    for entry in screens():
        assert entry.page == f"pages/{entry.key}.py" and (ROOT / entry.page).is_file()
        assert (ROOT / "core" / "screens" / entry.key / "screen.py").is_file()
        assert find(entry.key) is screen(entry.key) is entry
        assert all(find(former) is entry for former in entry.former_keys)
        assert set(entry.notes) <= set(SECTIONS)
        assert entry.trains == (entry.build is not None) == (entry.script is not None)
        if entry.trains:
            assert screen_of(object.__new__(entry.settings)) is entry  # a run of its settings is its run
    pages = {path.relative_to(ROOT).as_posix() for path in ROOT.glob("pages/*.py")}
    assert pages == {entry.page for entry in screens()} | OTHER_PAGES
    assert [e.key for e in training_screens()] == keys[1:]  # Basics trains nothing


def test_a_name_names_one_screen():
    with pytest.raises(ValueError, match="already taken"):
        registry.register(registry.Screen("toy", "Toy", ":material/toys:", "", former_keys=("longseq",)))
    assert find("toy") is None and find("nothing") is None


def _docstrings(tree: ast.AST) -> set[int]:
    found = set()
    for node in ast.walk(tree):
        body = getattr(node, "body", None)
        first = body[0] if isinstance(body, list) and body else None
        if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
            found.add(id(first.value))
    return found


def uses_of(name: str, tree: ast.AST) -> list[tuple[int, str]]:
    """The string literals (f-strings' pieces too; docstrings, prose, left out) that name a screen ``name``: the
    name itself, or a widget key or link parameter of it (``name_seed``, ``?name_seed=``)."""
    skip = _docstrings(tree)
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in skip:
            text = node.value
            if text == name or text.startswith(f"{name}_") or f"?{name}_" in text or f"&{name}_" in text:
                found.append((node.lineno, text[:60]))
    return found


@functools.cache
def parsed(path: Path) -> ast.AST:
    """A source file's tree, parsed once for every name the test looks for."""
    return ast.parse(path.read_text(encoding="utf-8"))


@pytest.mark.parametrize("name", [name for entry in screens() for name in entry.names])
def test_a_screens_name_appears_only_in_its_folder_its_page_and_the_registry(name):
    entry = screen(name)
    allowed = (f"core/screens/{entry.key}/", entry.page, "core/screens/registry.py")
    offenders = []
    for path in SOURCES:
        relative = path.relative_to(ROOT).as_posix()
        if relative.startswith(allowed):
            continue
        offenders += [(relative, *use) for use in uses_of(name, parsed(path))]
    assert offenders == []


def test_the_rule_finds_a_key_where_code_writes_it():
    code = 'KEY = "hihello"\nx = f"hihello_seed{seed}"\nlink = "/x?long_sequences_seed=3"\nname = f"{KEY}_seed"'
    assert [line for line, _text in uses_of("hihello", ast.parse(code))] == [1, 2]
    assert [line for line, _text in uses_of("long_sequences", ast.parse(code))] == [3]


def test_the_tests_take_their_page_lists_from_the_registry():
    """No test lists two pages or more by hand: a list of pages is the registry's."""
    listed = []
    for path in ROOT.glob("tests/**/*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            items = node.elts if isinstance(node, ast.List | ast.Tuple | ast.Set) else getattr(node, "keys", None)
            if not isinstance(node, ast.List | ast.Tuple | ast.Set | ast.Dict):
                continue
            pages = {
                part.value
                for item in items
                if item is not None
                for part in ast.walk(item)
                if isinstance(part, ast.Constant) and isinstance(part.value, str) and PAGE_FILE.fullmatch(part.value)
            }
            if len(pages) > 1:
                listed.append((path.relative_to(ROOT).as_posix(), node.lineno))
    assert listed == []


# -- former names ---------------------------------------------------------------------------------------------------
OLD_LINKS = {  # a former key's link, and a setting it carries that the screen's run must take
    "longseq": ({"longseq_seed": "3", "longseq_epochs": "20"}, "seed", 3),
    "timeseries": ({"timeseries_seed": "3", "timeseries_window": "7"}, "window", 7),
    "compare": ({"compare_seed": "3", "compare_steps": "50", "compare_gap": "5", "compare_task": "hihello"}, "gap", 5),
}


@pytest.mark.parametrize("former", [name for entry in screens() for name in entry.former_keys])
def test_a_link_with_a_screens_former_name_opens_it(former):
    query, name, value = OLD_LINKS[former]
    entry = screen(former)
    at = AppTest.from_file(APP, default_timeout=APP_TIMEOUT)
    at.query_params.update(query)
    at.run()
    at.switch_page(entry.page).run()
    assert not at.exception, at.exception
    assert not [m.value for m in at.info if "Ignored from the link" in m.value]
    settings = live_run(at, entry.key).settings
    assert getattr(settings, name) == value and settings.seed == 3
    if former == "compare":
        assert settings.task == "hihello"  # the HiHello task keeps its name in a link
    assert at.query_params.get(f"{entry.key}_seed") == "3"  # under the name it has now
    assert not [param for param in at.query_params if param.startswith(f"{former}_")]  # the address says it now


def rezipped(data: bytes, change) -> bytes:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        members = {info.filename: archive.read(info) for info in archive.infolist()}
    run = json.loads(members["run.json"])
    change(run)
    members["run.json"] = json.dumps(run).encode()
    packed = io.BytesIO()
    with zipfile.ZipFile(packed, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return packed.getvalue()


def test_a_run_saved_under_a_screens_former_name_loads_as_its_run():
    settings = LongSequenceSettings(epochs=10, batch_size=8)
    sessions, logs = build_sessions(settings)
    sessions["model"].advance(epochs=2)
    data = save_run(settings, sessions, logs)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert json.loads(archive.read("run.json"))["screen"] == "long_sequences"  # written under its key
    old = rezipped(data, lambda run: run.update(screen="longseq"))
    for page in ("long_sequences", None):
        loaded = load_run(old, screen=page)
        assert loaded.screen == "long_sequences" and loaded.settings == settings
        assert [r.loss for r in loaded.sessions["model"].history.records] == [
            r.loss for r in sessions["model"].history.records
        ]


# -- a screen added through the registry alone ------------------------------------------------------------------------
TOY_PACKAGE = '''
"""A toy screen, in a folder of its own: its key, settings class, session builder and registry entry."""

from dataclasses import dataclass
from pathlib import Path

import torch

from core.engine.models import ModelConfig, SequenceModel
from core.engine.session import TrainingSession
from core.engine.settings import SequenceData, TrainConfig
from core.screens.screen import Screen
from core.words.errors import InputError

KEY = "toy"


@dataclass(frozen=True)
class ToySettings:
    size: int = 2
    epochs: int = 3
    learning_rate: float = 0.01
    seed: int = 0

    def __post_init__(self):
        if not 1 <= self.size <= 8:
            raise InputError("The size must be between 1 and 8.")


def build(settings):
    inputs = torch.eye(3).repeat(2, 1, 1)  # (batch, time, features)
    targets = torch.tensor([[1, 2, 0], [1, 2, 0]])  # (batch, time)
    config = ModelConfig(input_size=3, output_size=3, hidden_size=settings.size)
    train = TrainConfig(epochs=settings.epochs, learning_rate=settings.learning_rate, seed=settings.seed)
    session = TrainingSession(lambda: SequenceModel(config), SequenceData(inputs, targets, "classify_each_step"), train)
    return {"model": session}, {}


SCREEN = Screen(
    KEY, "Toy", ":material/toys:", "A screen the tests add.", settings=ToySettings, build=build,
    page=str(Path(__file__).parent / "page.py"),
)
'''
TOY_PAGE = """
import streamlit as st

from toy_screens.toy import KEY, ToySettings
from ui.common import start_page
from ui.links import linked_settings

start_page()
DEFAULTS = ToySettings()
with linked_settings(KEY, DEFAULTS, (DEFAULTS.learning_rate,)):
    size = st.sidebar.slider("Size", 1, 8, DEFAULTS.size, key=f"{KEY}_size", bind="query-params")
st.markdown(f"toy size {size}")
"""


@pytest.fixture
def toy(tmp_path, monkeypatch):
    folder = tmp_path / "toy_screens" / "toy"
    folder.mkdir(parents=True)
    (tmp_path / "toy_screens" / "__init__.py").write_text("")
    (folder / "__init__.py").write_text(textwrap.dedent(TOY_PACKAGE))
    (folder / "page.py").write_text(textwrap.dedent(TOY_PAGE))
    monkeypatch.syspath_prepend(str(tmp_path))
    from toy_screens.toy import SCREEN

    monkeypatch.setattr(registry, "SCREENS", list(registry.SCREENS))  # the five, and the toy for this test only
    registry.register(SCREEN)
    return SCREEN


def test_a_screen_added_through_the_registry_alone_is_in_the_menu_and_reads_its_link(toy):
    at = AppTest.from_file(APP, default_timeout=APP_TIMEOUT)
    at.query_params["toy_size"] = "5"
    at.run()
    assert not at.exception, at.exception
    labels = [link.label for link in at.get("page_link")]
    assert labels[len(screens())].startswith("**Toy**")  # after the lessons and the five, before the glossary
    at.switch_page(toy.page).run()
    assert not at.exception, at.exception
    assert at.session_state["toy_size"] == 5
    assert "toy size 5" in [m.value for m in at.markdown]


def test_a_screen_added_through_the_registry_alone_saves_and_loads_its_runs(toy):
    settings = toy.settings(size=4)
    sessions, logs = build_sessions(settings)
    sessions["model"].advance(epochs=2)
    data = save_run(settings, sessions, logs)
    loaded = load_run(data, screen="toy")
    assert loaded.screen == "toy" and loaded.settings == settings
    assert [r.loss for r in loaded.sessions["model"].history.records] == [
        r.loss for r in sessions["model"].history.records
    ]
