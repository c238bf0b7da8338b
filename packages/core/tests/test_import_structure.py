"""Core's modules form layers with no import cycle, and the kernel imports no NumPy semantics.

The kernel (``core``, ``jaxpr``, ``registry``, ``plugins``: primitives, tracing, jaxprs,
the plugin system) sits at the bottom with the leaf modules it needs (``config``,
``dtypes``, ``errors``, ``tree_util``, ...).  The backend's ``Array``, core's primitives
(``prims``), ``lax`` and the NumPy-semantics front (``numpy_semantics``, ``ops``,
``array_methods``) sit on it.  The checks read the sources (AST), so they see every
import, including those a run would not reach.
"""

import ast
import pathlib
import subprocess
import sys

import plax_core

PACKAGE_DIR = pathlib.Path(plax_core.__file__).parent

KERNEL = ("plax_core.core", "plax_core.jaxpr", "plax_core.registry", "plax_core.plugins")
# What the kernel may import: itself and core's leaf modules (no NumPy semantics, no
# primitives, no array type, no backend implementation).
KERNEL_MAY_IMPORT = set(KERNEL) | {
    "plax_core", "plax_core.config", "plax_core.dtypes", "plax_core.errors",
    "plax_core.hookspecs", "plax_core.tree_util", "plax_core.util",
}
FRONT = ("plax_core.ops", "plax_core.array_methods", "plax_core.lax", "plax_core.lax_more",
         "plax_core.lax_linalg", "plax_core.numpy_semantics", "plax_core._ops_")

# Function-level imports of core modules that remain, each with its reason.  Nothing
# else in core imports inside a function.
ALLOWED_LOCAL_IMPORTS = {
    # structural's index clamping and weak-scalar conversion bind elementwise primitives,
    # and elementwise broadcasts with structural's broadcast_in_dim: two primitive
    # families that need each other's primitives (their definitions stay where they are).
    ("plax_core.prims.structural", "plax_core.prims.elementwise"),
}


def _modules() -> dict[str, pathlib.Path]:
    out = {}
    for path in sorted(PACKAGE_DIR.rglob("*.py")):
        parts = list(path.relative_to(PACKAGE_DIR.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        out[".".join(parts)] = path
    return out


MODULES = _modules()


def _imports(name: str, path: pathlib.Path):
    """(module imported, at module level?) for every import of a plax_core module."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]

    def targets(node):
        if isinstance(node, ast.Import):
            return [a.name for a in node.names]
        base = package.split(".")
        if node.level:
            base = base[:len(base) - node.level + 1]
        mod = ".".join(base + ([node.module] if node.module else [])) if node.level else (
            node.module or "")
        submodules = [f"{mod}.{a.name}" for a in node.names if f"{mod}.{a.name}" in MODULES]
        return submodules or [mod]   # ``from . import x`` imports x; else the module named

    def visit(node, local):
        for child in ast.iter_child_nodes(node):
            inner = local or isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef,
                                                ast.Lambda))
            if isinstance(child, (ast.Import, ast.ImportFrom)):
                for target in targets(child):
                    if target.split(".")[0] == "plax_core":
                        yield target, not inner
            yield from visit(child, inner)

    yield from visit(ast.parse(path.read_text()), False)


def _graph() -> dict[str, set[str]]:
    """Module-level imports between core's modules (a module's parent package is not an
    edge: Python imports it first whatever the module says)."""
    graph = {}
    for name, path in MODULES.items():
        graph[name] = {t for t, top in _imports(name, path)
                       if top and t in MODULES and t != name and not name.startswith(t + ".")}
    return graph


def test_module_level_imports_have_no_cycle():
    graph = _graph()
    state: dict[str, int] = {}
    stack: list[str] = []

    def walk(node):
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                cycle = stack[stack.index(nxt):] + [nxt]
                raise AssertionError("import cycle in plax_core: " + " -> ".join(cycle))
            if nxt not in state:
                walk(nxt)
        stack.pop()
        state[node] = 2

    for node in sorted(graph):
        if node not in state:
            walk(node)
    assert len(graph) > 40  # the walk saw core's modules


def test_kernel_imports_no_numpy_semantics_primitives_or_backend():
    graph = _graph()
    for kernel in KERNEL:
        seen, todo = set(), [kernel]
        while todo:
            mod = todo.pop()
            if mod not in seen:
                seen.add(mod)
                todo.extend(graph[mod])
        assert seen <= KERNEL_MAY_IMPORT, (
            f"{kernel} imports (directly or not) {sorted(seen - KERNEL_MAY_IMPORT)}")
        assert not any(m.startswith(FRONT) for m in seen)


def test_no_function_level_imports_inside_core():
    found = {(name, target) for name, path in MODULES.items()
             for target, top in _imports(name, path) if not top}
    unexpected = found - ALLOWED_LOCAL_IMPORTS
    assert not unexpected, f"function-level imports (import at module level): {unexpected}"
    stale = ALLOWED_LOCAL_IMPORTS - found
    assert not stale, f"no longer imported inside a function, drop from the list: {stale}"


# One interpreter that has loaded plax_core's dependencies (not plax_core) forks a child
# per module, which imports that module and nothing else: a fresh interpreter as far as
# plax is concerned, without paying for NumPy and SciPy each time.
_FORK_EACH = """
import os, sys, traceback
import numpy, scipy.linalg, scipy.special, ml_dtypes, pluggy, importlib.metadata
assert not [m for m in sys.modules if m.startswith("plax")]
names, failed, running = sys.argv[1:], [], {}

def reap():
    pid, status = os.wait()
    if status:
        failed.append(running[pid])
    del running[pid]

for name in names:
    if len(running) >= 4:
        reap()
    pid = os.fork()
    if pid == 0:
        try:
            __import__(name)
        except BaseException:
            sys.stderr.write(f"--- import {name} alone:\\n" + traceback.format_exc())
            os._exit(1)
        os._exit(0)
    running[pid] = name
while running:
    reap()
print("FAILED", " ".join(sorted(failed)))
"""


def test_each_core_module_imports_alone_in_a_fresh_interpreter():
    proc = subprocess.run([sys.executable, "-c", _FORK_EACH, *sorted(MODULES)],
                          capture_output=True, text=True, cwd=str(PACKAGE_DIR.parent.parent))
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "FAILED", proc.stdout + proc.stderr
