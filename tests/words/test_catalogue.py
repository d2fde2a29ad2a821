"""The catalogues: every word a learner reads goes through ``_()``, has its form in each language, and keeps its
placeholders.

The rule for "a user-visible string bypasses the catalogue" is a scan of the syntax trees of the app's code
(``pages/``, ``ui/``, ``core/``, ``streamlit_app.py``): a string literal that reads as English words (a space
between words, or one capitalised word: "Epochs") is a violation unless it is the argument of ``_``/``N_``/
``ngettext``/``pgettext``, a docstring, a key or other argument that is never shown (``KEPT_ARGUMENTS``), a
subscript, part of a comparison, a logging call, or the message of an exception a learner never sees (only
``InputError`` messages are shown). Strings that are code or formulas (``$…$``) or names (RNN, LSTM, GRU) are not
words. Files that write Python code for the learner to run (the run's PyTorch script) are code, not words.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from core.words.glossary import TERMS
from core.words.i18n import LANGUAGES, SOURCE_LANGUAGE, catalogue_path

ROOT = Path(__file__).resolve().parents[2]
SOURCES = sorted(
    [ROOT / "streamlit_app.py"] + [path for top in ("pages", "ui", "core") for path in (ROOT / top).rglob("*.py")]
)
# Code, never shown as text: the learner's runnable PyTorch script (its comments stay in English like the code they
# explain) and the JavaScript of the live clock.
CODE_WRITERS = {
    "core/runs/code.py",
    "core/screens/hihello/run_code.py",
    "core/screens/long_sequences/run_code.py",
    "core/screens/time_series/run_code.py",
    "core/screens/rnn_vs_lstm_gru/run_code.py",
    "ui/ticker.py",
}
BILINGUAL = {
    "core/words/glossary.py",
    "core/words/i18n.py",
}  # data in every language by design: the glossary, language names
TRANSLATORS = {"_", "N_", "ngettext", "said_plural", "pgettext"}
# Keyword arguments that are never shown: widget keys, formats, plotly's and Streamlit's own settings.
KEPT_ARGUMENTS = {
    "key",
    "format",
    "bind",
    "icon",
    "type",
    "language",
    "width",
    "height",
    "mode",
    "fill",
    "line_shape",
    "hovermode",
    "barmode",
    "layout",
    "orientation",
    "xanchor",
    "yanchor",
    "anchor",
    "side",
    "tickformat",
    "hoverformat",
    "exponentformat",
    "textposition",
    "colorscale",
    "align",
    "label_visibility",
    "dtick",
    "encoding",
    "errors",
    "sep",
    "mime",
    "file_name",
    "page",
    "url",
    "dash",
    "symbol",
    "selection_mode",
    "on_select",
    "scaleanchor",
    "categoryorder",
    "visible",
    "matches",
    "overlaying",
    "textinfo",
    "tickmode",
    "showscale",
    "column_order",
    "help_url",
    "template",
    "axis",
    "xref",
    "yref",
    "ticks",
    "x",
    "y",
    "annotation_position",
    "gate",
    "family",
}
# Exact strings that read as words but are data, never shown: codes in an exported file that programs read.
DATA_STRINGS = {
    "forecast beyond the data"
}  # core/screens/time_series/export.py: the CSV's "part" of the rows past the end
NOT_WORDS = {"RNN", "LSTM", "GRU", "PyTorch", "CSV", "CP949", "EUC-KR", "UTF-8", "tanh", "ReLU", "Adam", "SGD", "ID"}
NOT_WORDS |= {
    "still",
    "falling",
}  # core.screens.hihello.readings' diagnosis code "still falling": compared, never shown
PLACEHOLDER = re.compile(
    r"%\{[^}]*\}|\{[A-Za-z_][A-Za-z0-9_]*(?:[!:][^{}]*)?\}|%\([a-z_]+\)[sdfr]|%[-+ 0#]*\d*(?:\.\d+)?[sdfrgex]"
)


def _relative(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


def reads_as_words(text: str) -> bool:
    """English words a learner would read, once formulas, code, placeholders and model names are taken out."""
    if re.fullmatch(r"(?:%[A-Za-z]|[^A-Za-z])+", text):  # a date format, every letter a directive: "%b %d, %Y"
        return False
    text = re.sub(r"\$[^$]*\$|`[^`]*`|:material/[a-z_]+:|%\{[^}]*\}|\{[^{}]*\}", " ", text)
    words = [w for w in re.findall(r"[A-Za-z][A-Za-z'-]*", text) if w not in NOT_WORDS]
    if not words:
        return False
    if len(words) >= 2 and re.search(r"[A-Za-z]\s+[A-Za-z(]|[A-Za-z][.,:;!?]\s", text):
        return True
    return len(words) == 1 and bool(re.fullmatch(r"[A-Z][a-z]+(?: [a-z]+)*[.:]?", text.strip()))


def _called_name(call: ast.Call) -> str:
    func = call.func
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return ""


def _is_exception_not_shown(node: ast.AST) -> bool:
    return (
        isinstance(node, ast.Call)
        and _called_name(node).endswith(("Error", "Exception"))
        and _called_name(node) != "InputError"
    )


class Scan(ast.NodeVisitor):
    """Every string literal outside the catalogue that reads as words, with its line."""

    def __init__(self) -> None:
        self.found: list[tuple[int, str]] = []
        self.exempt: set[int] = set()  # ids of nodes whose literals are not shown

    def _exempt(self, node: ast.AST) -> None:
        for child in ast.walk(node):
            self.exempt.add(id(child))

    def visit_Module(self, node: ast.Module) -> None:
        self._docstring(node)
        self.generic_visit(node)

    def _docstring(self, node: ast.AST) -> None:
        body = getattr(node, "body", [])
        if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
            self._exempt(body[0])

    def visit_FunctionDef(self, node: ast.FunctionDef) -> None:
        self._docstring(node)
        self.generic_visit(node)

    visit_AsyncFunctionDef = visit_FunctionDef  # type: ignore[assignment]

    def visit_ClassDef(self, node: ast.ClassDef) -> None:
        self._docstring(node)
        self.generic_visit(node)

    def visit_Call(self, node: ast.Call) -> None:
        name = _called_name(node)
        func = node.func
        on_logger = (
            isinstance(func, ast.Attribute)
            and isinstance(func.value, ast.Name)
            and func.value.id
            in {
                "log",
                "logging",
                "logger",
                "_LOGGER",
                "warnings",
            }
        )
        if name in TRANSLATORS:
            for arg in node.args:
                if isinstance(arg, ast.JoinedStr):
                    self.found.append((node.lineno, "an f-string inside _(): the catalogue cannot hold it"))
            self._exempt(node)
        elif (
            on_logger
            or _is_exception_not_shown(node)
            or name in {"latex", "code", "getLogger", "startswith", "TypeVar"}
        ):
            self._exempt(node)
        else:
            for keyword in node.keywords:
                if keyword.arg in KEPT_ARGUMENTS:
                    self._exempt(keyword.value)
        self.generic_visit(node)

    def visit_Subscript(self, node: ast.Subscript) -> None:
        self._exempt(node.slice)
        self.generic_visit(node)

    def visit_Compare(self, node: ast.Compare) -> None:
        self._exempt(node)
        self.generic_visit(node)

    def visit_Constant(self, node: ast.Constant) -> None:
        if (
            isinstance(node.value, str)
            and id(node) not in self.exempt
            and node.value not in DATA_STRINGS
            and reads_as_words(node.value)
        ):
            self.found.append((node.lineno, node.value[:70]))


def literals_outside_catalogue(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    scan = Scan()
    scan.visit(tree)
    module_level_translations = []
    if _relative(path).startswith(("core/", "ui/")):
        for statement in tree.body:  # translated at import, in whatever language the first importer spoke
            if not isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                for node in ast.walk(statement):
                    if isinstance(node, ast.Call) and _called_name(node) in {"_", "ngettext", "pgettext"}:
                        module_level_translations.append((node.lineno, "_() at import time: use N_() here"))
    return [f"{_relative(path)}:{line}: {text!r}" for line, text in sorted(scan.found + module_level_translations)]


@pytest.mark.parametrize("path", [p for p in SOURCES if _relative(p) not in CODE_WRITERS | BILINGUAL], ids=_relative)
def test_every_shown_string_goes_through_the_catalogue(path: Path) -> None:
    assert literals_outside_catalogue(path) == []


def _catalogue(language: str):
    with catalogue_path(language).open("rb") as po:
        return read_po(po, locale=language)


def _key(message: str | tuple, context: str | None) -> tuple[str | None, str]:
    return context, message[0] if isinstance(message, (tuple, list)) else message


def _extracted() -> set[tuple[str | None, str]]:
    """The messages the code holds now, as ``make i18n`` extracts them: (context, English)."""
    found = set()
    for top in ("core", "pages", "ui"):
        for _file, _line, message, _comments, context in extract_from_dir(
            str(ROOT / top),
            method_map=[("**.py", "python")],
            keywords={"_": None, "N_": None, "ngettext": (1, 2), "said_plural": (1, 2), "pgettext": ((1, "c"), 2)},
        ):
            found.add(_key(message, context))
    with (ROOT / "streamlit_app.py").open("rb") as entry:
        from babel.messages.extract import extract

        for _line, message, _comments, context in extract("python", entry, keywords={"_": None, "N_": None}):
            found.add(_key(message, context))
    # The lessons' words, as babel.cfg maps them (core/lessons/extract.py).
    for _file, _line, message, _comments, context in extract_from_dir(
        str(ROOT / "data" / "lessons"), method_map=[("**.toml", "core.lessons.extract:extract_lessons")]
    ):
        found.add(_key(message, context))
    return found


OTHER_LANGUAGES = [language for language in LANGUAGES if language != SOURCE_LANGUAGE]


@pytest.mark.parametrize("language", OTHER_LANGUAGES)
def test_the_catalogue_holds_every_message_of_the_code(language: str) -> None:
    in_catalogue = {_key(m.id, m.context) for m in _catalogue(language) if m.id}
    missing = sorted(str(m) for m in _extracted() - in_catalogue)
    assert missing == [], f"run `make i18n` and translate: {missing[:20]}"


@pytest.mark.parametrize("language", OTHER_LANGUAGES)
def test_every_message_has_a_checked_translation(language: str) -> None:
    untranslated = [
        str(m.id)
        for m in _catalogue(language)
        if m.id and (m.fuzzy or not (all(m.string) if isinstance(m.string, tuple) else m.string))
    ]
    assert untranslated == [], f"{len(untranslated)} messages have no (checked) translation: {untranslated[:20]}"


def _forms(message) -> list[str]:
    return list(message) if isinstance(message, (tuple, list)) else [message]


@pytest.mark.parametrize("language", OTHER_LANGUAGES)
def test_translations_keep_the_placeholders(language: str) -> None:
    wrong = []
    for message in _catalogue(language):
        if not message.id:
            continue
        wanted = sorted(PLACEHOLDER.findall(_forms(message.id)[-1]))
        for translation in _forms(message.string):
            if translation and sorted(PLACEHOLDER.findall(translation)) != wanted:
                wrong.append(f"{_forms(message.id)[0]!r}: {wanted} vs {sorted(PLACEHOLDER.findall(translation))}")
    assert wrong == []


@pytest.mark.parametrize("language", OTHER_LANGUAGES)
def test_the_glossary_terms_are_used_for_their_english(language: str) -> None:
    """A message that says "learning rate" says 학습률 in Korean: one word per idea, as the glossary shows (a term
    the glossary gives no word in this language is not checked)."""
    strays = []
    for message in _catalogue(language):
        source, translation = _forms(message.id)[0], _forms(message.string)[0]
        if not message.id or not translation:
            continue
        for term in TERMS:
            word = term.word(language)
            mentioned = term.strict and re.search(rf"\b{re.escape(term.english)}s?\b", source, re.IGNORECASE)
            if word and mentioned and word.split(" (")[0] not in translation:
                strays.append(f"{term.english} → {word}: {source[:60]!r} → {translation[:60]!r}")
    assert strays == []


def test_the_scan_finds_what_it_should() -> None:
    assert reads_as_words("Hidden size")
    assert reads_as_words("Epochs")
    assert reads_as_words("The loss falls.")
    assert not reads_as_words("hidden_size")
    assert not reads_as_words("lines+markers")
    assert not reads_as_words("$h_t = \\tanh(W x)$")
    assert not reads_as_words("RNN")
    assert not reads_as_words("{epoch} / {epochs}")
    assert not reads_as_words("%Y. %m. %d")
    assert reads_as_words("%d epochs, %d steps")


def input_errors() -> list[tuple[str, ast.Call]]:
    """Every ``InputError(...)`` the code raises, with where it is."""
    found = []
    for path in SOURCES:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and _called_name(node) == "InputError":
                found.append((f"{_relative(path)}:{node.lineno}", node))
    return found


def _translated_ids(node: ast.AST) -> list[str]:
    ids = []
    for call in ast.walk(node):
        if isinstance(call, ast.Call) and _called_name(call) in TRANSLATORS:
            strings = [a.value for a in call.args if isinstance(a, ast.Constant) and isinstance(a.value, str)]
            if strings:
                ids.append(strings[-1] if _called_name(call) == "pgettext" else strings[0])
    return ids


@pytest.mark.parametrize("language", OTHER_LANGUAGES)
def test_every_input_error_message_has_both_forms(language: str) -> None:
    """A learner's error message is a catalogue message with a translation: written with ``_()`` where it is raised
    (or built by a function of the same module from ``_()`` messages, passed on as a variable)."""
    translations = {_forms(m.id)[0]: _forms(m.string)[0] for m in _catalogue(language) if m.id and not m.fuzzy}
    missing = []
    for where, call in input_errors():
        if not call.args:
            continue
        message = call.args[0]
        built_earlier = any(isinstance(n, (ast.Name, ast.Attribute, ast.Subscript)) for n in ast.walk(message))
        if built_earlier and not _translated_ids(message):
            continue  # put together from messages translated earlier (the literal scan checks those)
        ids = _translated_ids(message)
        if not ids:
            missing.append(f"{where}: not through the catalogue")
        missing += [f"{where}: {i[:60]!r} has no translation" for i in ids if not translations.get(i)]
    assert input_errors(), "the scan found the InputErrors"
    assert missing == []


@pytest.mark.parametrize("language", OTHER_LANGUAGES)
def test_bold_closes_where_markdown_can_see_it(language: str) -> None:
    """``**'h'**입니다`` shows its asterisks: CommonMark closes a ``**`` after punctuation only before a space or
    punctuation, and a Korean particle follows a word without a space. Such a translation needs another word order."""
    unclosed = re.compile(r"[^\w\s*]\*\*(?!\*)[\uac00-\ud7a3]")
    wrong = [
        translation[:80]
        for message in _catalogue(language)
        if message.id
        for translation in _forms(message.string)
        if translation and unclosed.search(translation)
    ]
    assert wrong == []
