"""Issue 25, part 5: an error is kept as a message and worded where it is shown, so a refusal kept in the session (a
link's value, a file that was not loaded) rewords after a language switch. No ``InputError`` in ``core`` is built
from words already in a language: ``_()``, ``ngettext()``, their ``.format()``, or text glued with ``+`` or an
f-string."""

from __future__ import annotations

import ast
from pathlib import Path

CORE = Path(__file__).resolve().parents[2] / "core"
WORDING = {"_", "ngettext", "pgettext"}


def _worded_now(node: ast.AST, message: bool) -> bool:
    """Whether an argument holds words already worded: a call of ``_``/``ngettext``, or, for the message itself,
    text glued together (an f-string, ``+``) before it is shown. A value may be an f-string (a number written
    ``f"{rows:,}"``)."""
    if message and isinstance(node, ast.IfExp):
        return _worded_now(node.body, message) or _worded_now(node.orelse, message)
    if message and isinstance(node, ast.JoinedStr | ast.BinOp):
        return True
    return any(
        isinstance(inner, ast.Call) and isinstance(inner.func, ast.Name) and inner.func.id in WORDING
        for inner in ast.walk(node)
    )


def worded_errors() -> list[str]:
    found = []
    for path in sorted(CORE.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id == "InputError"
                and (
                    any(_worded_now(argument, message=True) for argument in node.args)
                    or any(_worded_now(keyword.value, message=False) for keyword in node.keywords)
                )
            ):
                found.append(f"{path.relative_to(CORE.parent)}:{node.lineno}")
    return found


def test_no_error_in_core_is_worded_when_it_is_raised():
    assert worded_errors() == []
