"""Standing rules of the design that a test can hold."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module.split(".")[0])
    return names


def test_core_never_imports_streamlit():
    offenders = [p.name for p in (ROOT / "core").rglob("*.py") if "streamlit" in imported_modules(p)]
    assert offenders == []


def test_no_unsafe_html_anywhere():
    sources = [*ROOT.glob("pages/*.py"), *ROOT.glob("ui/*.py"), ROOT / "streamlit_app.py"]
    unsafe = "unsafe_allow_html" + "=True"  # spelled in two parts so this file does not match itself
    assert not [p.name for p in sources if unsafe in p.read_text(encoding="utf-8")]


# -- the import graph of the project's own modules ------------------------------------------------------------------
PROJECT_PACKAGES = ("core", "ui", "pages", "scripts", "benchmarks")


def _module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {
    **{_module_name(path): path for top in PROJECT_PACKAGES for path in sorted((ROOT / top).rglob("*.py"))},
    "streamlit_app": ROOT / "streamlit_app.py",
}


def _known(dotted: str) -> str | None:
    """The project's module that ``dotted`` names, or the package that holds it; None outside the project."""
    parts = dotted.split(".")
    for end in range(len(parts), 0, -1):
        if ".".join(parts[:end]) in MODULES:
            return ".".join(parts[:end])
    return None


def project_imports(module: str) -> set[str]:
    """The project's modules that ``module`` imports anywhere in its file: at the top, inside a function, and under
    ``if TYPE_CHECKING:`` too (a cycle of annotations is still a cycle of ideas). ``from core.x import y`` counts
    ``core.x`` and, when ``y`` is a module itself, ``core.x.y``."""
    path = MODULES[module]
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found: set[str | None] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(_known(alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:  # relative: from the package, one level up per dot after the first
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            found.add(_known(base))
            found.update(f"{base}.{alias.name}" for alias in node.names if f"{base}.{alias.name}" in MODULES)
    return {name for name in found if name is not None and name != module}


def import_cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected parts of ``graph`` with more than one module (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    cycles = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in sorted(graph[node]):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            part = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                part.append(member)
                if member == node:
                    break
            if len(part) > 1:
                cycles.append(sorted(part))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return sorted(cycles)


def test_the_graph_sees_every_kind_of_import():
    assert {"core.engine.records", "core.engine.settings"} <= project_imports("core.engine.session")
    assert "core.words.i18n" in project_imports("core.engine.records")
    assert "core.engine.records" in project_imports("core.charts.colour_ranges")  # under TYPE_CHECKING only
    assert import_cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_no_import_cycles():
    """The project's modules import each other in one direction: no module reaches itself through its imports."""
    graph = {module: project_imports(module) for module in MODULES}
    assert import_cycles(graph) == []


# Core's packages from the bottom up: a module imports its own package and those below it, never one above.
CORE_ORDER = ("words", "engine", "reading", "charts", "runs", "screens", "lessons", "saving")
ABOVE_CORE = ("ui", "pages", "scripts", "benchmarks", "streamlit_app")


def package_direction_violations() -> list[str]:
    """Every import inside core that runs against its packages' order (``CORE_ORDER``), or out of core into the app;
    within core.screens, an import of the registry, or of another screen's entry (its ``screen.py``), from anywhere
    but the registry (core/screens/__init__.py says why). core.saving sits above the screens: a saved run names its
    screen, whose registry entry checks and rebuilds it."""
    rank = {package: number for number, package in enumerate(CORE_ORDER)}
    found = []
    for module in MODULES:
        parts = module.split(".")
        if parts[0] != "core" or len(parts) < 2:
            continue
        for target in sorted(project_imports(module)):
            target_parts = target.split(".")
            if target_parts[0] in ABOVE_CORE:
                found.append(f"{module} -> {target} (core never imports the app)")
            elif target == "core":
                continue  # core's face: PROJECT_ROOT
            elif rank[target_parts[1]] > rank[parts[1]]:
                found.append(f"{module} -> {target} ({parts[1]} is below {target_parts[1]})")
            elif parts[1] == target_parts[1] == "screens" and module != "core.screens.registry":
                if target == "core.screens.registry":
                    found.append(f"{module} -> {target} (only the app reads the registry)")
                elif target.endswith(".screen") and target != "core.screens.screen" and parts[2] != target_parts[2]:
                    found.append(f"{module} -> {target} (another screen's entry is the registry's)")
    return found


def test_core_packages_import_only_downwards():
    assert package_direction_violations() == []


def test_the_engine_records_are_at_its_bottom():
    """What a run produces imports nothing of the engine that makes it: the session, its loop, the model are above."""
    assert sorted(m for m in project_imports("core.engine.records") if m.startswith("core.engine")) == []
