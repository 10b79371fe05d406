"""The layers of docs/architecture.md, enforced: imports point down only.

adapters -> app -> capabilities -> retrieval / llm / language / formats / catalog -> domain.
Nothing but an adapter (and the ``python -m assistant`` entry point) imports an adapter; one
capability never imports another (they share the modules directly in ``capabilities/``:
the fallback contract and the stage roles); the domain imports
no framework, index or model client.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "assistant"
LOW = {"domain", "language", "base"}
MIDDLE = LOW | {"catalog", "formats", "llm", "retrieval"}
ALLOWED: dict[str, set[str]] = {
    "domain": {"domain"},
    "base": {"domain", "base"},  # settings.py, resources.py, the package's own __init__
    "language": LOW,
    "catalog": LOW | {"catalog"},
    "formats": LOW | {"formats"},
    "llm": LOW | {"llm"},
    "retrieval": LOW | {"retrieval"},
    "capabilities": MIDDLE | {"capabilities"},
    "app": MIDDLE | {"capabilities", "app"},
    "evaluation": MIDDLE | {"capabilities", "app", "evaluation"},
    "adapters": MIDDLE | {"capabilities", "app", "evaluation", "adapters"},
}
FRAMEWORKS = ("chromadb", "gradio", "langchain", "langchain_core", "bm25s", "fastapi", "openai")


def _layer(parts: tuple[str, ...]) -> str:
    """The layer of ``assistant.<parts>``: its first folder, or 'base' for top-level files."""
    return parts[0] if parts and (PACKAGE / parts[0]).is_dir() else "base"


def _imports(path: Path) -> list[str]:
    """Every module the file imports, at the top or inside a function."""
    found: list[str] = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append(node.module)
            found += [f"{node.module}.{alias.name}" for alias in node.names]
    return found


def _shared(parts: tuple[str, ...]) -> bool:
    """A module directly in capabilities/ (fallback, stage_roles) serves every capability."""
    return (
        len(parts) >= 2
        and (PACKAGE / parts[0] / f"{parts[1]}.py").is_file()
        and parts[0] == ("capabilities")
    )


def _modules() -> list[tuple[Path, tuple[str, ...]]]:
    return [
        (path, path.relative_to(PACKAGE).with_suffix("").parts)
        for path in sorted(PACKAGE.rglob("*.py"))
    ]


def _internal(imported: str) -> tuple[str, ...] | None:
    parts = tuple(imported.split("."))
    if parts[0] != "assistant" or len(parts) == 1:
        return None
    return parts[1:]


MODULES = _modules()


@pytest.mark.parametrize("path, parts", MODULES, ids=[".".join(p) for _, p in MODULES])
def test_imports_point_down(path: Path, parts: tuple[str, ...]) -> None:
    layer = _layer(parts)
    wrong = []
    for imported in _imports(path):
        target = _internal(imported)
        if target is None:
            continue
        target_layer = _layer(target)
        entry_point = parts == ("__main__",) and target[:2] == ("adapters", "cli")
        if target_layer not in ALLOWED[layer] and not entry_point:
            wrong.append(f"{layer} -> {target_layer} ({imported})")
        shared = _shared(parts) or _shared(target)
        if layer == target_layer == "capabilities" and parts[1] != target[1] and not shared:
            wrong.append(f"capability {parts[1]} -> capability {target[1]} ({imported})")
    assert not wrong, wrong


def test_the_domain_imports_no_framework() -> None:
    for path, parts in MODULES:
        if _layer(parts) != "domain":
            continue
        outside = [i for i in _imports(path) if i.split(".")[0] in FRAMEWORKS]
        assert not outside, (path, outside)


def test_the_contract_and_structured_output_load_without_the_index() -> None:
    """Importing the domain, its events or the structured-output helper must not pull in the
    vector store, BM25, the web UI or LangChain (they once did, through the token budget)."""
    code = (
        "import sys, assistant.domain, assistant.domain.events, assistant.llm.structured;"
        f"print([m for m in {FRAMEWORKS!r} if m in sys.modules])"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_every_layer_named_in_the_rules_exists() -> None:
    folders = {p.name for p in PACKAGE.iterdir() if p.is_dir() and (p / "__init__.py").exists()}
    assert set(ALLOWED) - {"base"} == folders


def _declared(extra: str | None = None) -> set[str]:
    import re
    import tomllib

    project = tomllib.loads((PACKAGE.parent / "pyproject.toml").read_text())["project"]
    specs = project["dependencies"] if extra is None else project["optional-dependencies"][extra]
    return {_normal(re.split(r"[<>=!~\[ ;]", spec, maxsplit=1)[0]) for spec in specs}


def _normal(name: str) -> str:
    return name.lower().replace("_", "-").replace(".", "-")


def test_runtime_dependencies_are_what_runtime_code_imports() -> None:
    """Every package the code imports is declared, and every declared runtime dependency is
    imported by the code (one used only by bench/ or tests belongs in an extra)."""
    from importlib.metadata import packages_distributions

    owners = packages_distributions()
    imported: set[str] = set()
    for path, _ in MODULES:
        for name in _imports(path):
            top = name.split(".")[0]
            if top != "assistant" and top not in sys.stdlib_module_names:
                imported |= {_normal(d) for d in owners.get(top, [top])}
    declared, optional = _declared(), _declared("local")
    assert imported - declared - optional == set()
    assert declared - imported == set()


def test_the_mutation_check_still_finds_every_protection() -> None:
    """tools/mutation_check names files and lines; a move must not leave it pointing at
    nothing (it would then 'mutate' nothing and report a test that no longer guards)."""
    from tools.mutation_check import MUTATIONS

    root = PACKAGE.parent
    for mutation in MUTATIONS:
        assert mutation.code in (root / mutation.path).read_text(encoding="utf-8"), mutation.name
        assert (root / mutation.tests.split()[0]).is_file(), mutation.name
