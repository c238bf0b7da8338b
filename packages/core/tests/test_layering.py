"""plax-core stands alone: it imports neither jaxlib, jax, nor any sibling package."""

import ast
import pathlib
import subprocess
import sys

import plax_core

FORBIDDEN = ("jax", "jaxlib", "plax", "plax_autodiff", "plax_batching", "plax_xla",
             "plax_numpy", "plax_random", "plax_stax", "plax_optimizers")


def _imported_top_levels(path: pathlib.Path) -> set[str]:
    tree = ast.parse(path.read_text())
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
    return names


def test_core_sources_import_no_sibling_and_no_jaxlib():
    package_dir = pathlib.Path(plax_core.__file__).parent
    for path in package_dir.rglob("*.py"):
        bad = _imported_top_levels(path) & set(FORBIDDEN)
        assert not bad, f"{path.name} imports {bad}"


def test_importing_and_using_core_loads_no_sibling_module():
    code = ("import sys, numpy as np, plax_core\n"
            "from plax_core import lax\n"
            "lax.add(np.float32(1), np.float32(2))\n"
            f"bad = [m for m in sys.modules if m.split('.')[0] in {FORBIDDEN!r}]\n"
            "assert not bad, bad\n")
    # entry points of installed siblings may load plugins; those import plax_core only
    # through the registry, so check the import of core itself in isolation first
    subprocess.run([sys.executable, "-c", code.replace(
        "lax.add(np.float32(1), np.float32(2))\n", "")], check=True)
