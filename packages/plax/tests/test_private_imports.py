"""No package uses a private name of plax-core or of a sibling package.

A plugin, first-party or not, may use ``plax_core.extend``, the public modules and the
public API of the packages it depends on; a leading underscore means "this package
only".  The check reads the sources of every package but core (and of the third-party
test plugins under core's tests): ``from plax_core._ops_index import ...``,
``from plax_core.ops import _dtype``, ``import plax_core._x``, and attribute uses such
as ``ops._kind(x)`` or ``getattr(ops, "_kind")`` on a name imported from another package
all count.  A package's own private modules and names are its business.
"""

import ast
import pathlib

PACKAGES_DIR = pathlib.Path(__file__).resolve().parents[2]


def _is_private(part: str) -> bool:
    return part.startswith("_") and not (part.startswith("__") and part.endswith("__"))


def _distributions() -> dict[pathlib.Path, set[str]]:
    """Each distribution's directory -> the top-level Python packages it provides."""
    dists = {}
    for pyproject in PACKAGES_DIR.rglob("pyproject.toml"):
        root = pyproject.parent
        dists[root] = {p.parent.name for p in root.glob("*/__init__.py")}
    return dists


DISTRIBUTIONS = _distributions()
ALL_PACKAGES = set().union(*DISTRIBUTIONS.values())
CORE_DIR = PACKAGES_DIR / "core"


def _owner(path: pathlib.Path) -> pathlib.Path:
    """The innermost distribution directory holding ``path``."""
    return max((d for d in DISTRIBUTIONS if d in path.parents), key=lambda d: len(d.parts))


def _violations(path: pathlib.Path, own: set[str]) -> list[str]:
    tree = ast.parse(path.read_text(), str(path))
    found, foreign = [], {}   # foreign: local name -> dotted name it stands for

    def foreign_package(dotted: str) -> bool:
        return dotted.split(".")[0] in ALL_PACKAGES - own

    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            if not foreign_package(node.module):
                continue
            for alias in node.names:
                dotted = f"{node.module}.{alias.name}"
                if any(_is_private(p) for p in dotted.split(".")[1:]):
                    found.append(f"line {node.lineno}: from {node.module} import {alias.name}")
                else:
                    foreign[alias.asname or alias.name] = dotted
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if not foreign_package(alias.name):
                    continue
                if any(_is_private(p) for p in alias.name.split(".")[1:]):
                    found.append(f"line {node.lineno}: import {alias.name}")
                elif alias.asname:
                    foreign[alias.asname] = alias.name
                else:
                    foreign[alias.name.split(".")[0]] = alias.name.split(".")[0]
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute):
            chain, base = [node.attr], node.value
            while isinstance(base, ast.Attribute):
                chain.append(base.attr)
                base = base.value
            if isinstance(base, ast.Name) and base.id in foreign and _is_private(node.attr):
                dotted = ".".join([foreign[base.id], *reversed(chain)])
                found.append(f"line {node.lineno}: {dotted}")
        elif (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
              and node.func.id in ("getattr", "hasattr") and len(node.args) >= 2
              and isinstance(node.args[0], ast.Name) and node.args[0].id in foreign
              and isinstance(node.args[1], ast.Constant)
              and isinstance(node.args[1].value, str) and _is_private(node.args[1].value)):
            found.append(f"line {node.lineno}: {node.func.id}({foreign[node.args[0].id]}, "
                         f"{node.args[1].value!r})")
    return found


def _sources():
    for path in sorted(PACKAGES_DIR.rglob("*.py")):
        if any(part in {".nox", "build", ".venv", "__pycache__"} for part in path.parts):
            continue
        owner = _owner(path)
        if owner == CORE_DIR:
            continue   # core's own modules may use core's private names
        yield path, DISTRIBUTIONS[owner]


def test_the_check_sees_every_package_and_catches_each_form(tmp_path):
    assert {"plax_core", "plax_numpy", "plax_autodiff", "plax_batching", "plax_xla",
            "plax"} <= ALL_PACKAGES
    sample = tmp_path / "sample.py"
    sample.write_text("from plax_core._ops_index import gather_index\n"
                      "from plax_core.ops import _dtype, operand\n"
                      "import plax_core._ops_reduce\n"
                      "from plax_core import ops\n"
                      "import plax_autodiff as ad\n"
                      "ops._kind(1); ad.rules._helper; getattr(ops, '_to_bool')\n"
                      "ops.operand(1); from plax_numpy import _private_to_numpy\n")
    found = _violations(sample, {"plax_numpy"})
    assert sorted(f.split(": ", 1)[1] for f in found) == sorted([
        "from plax_core._ops_index import gather_index", "from plax_core.ops import _dtype",
        "import plax_core._ops_reduce", "plax_core.ops._kind",
        "plax_autodiff.rules._helper", "getattr(plax_core.ops, '_to_bool')"])


def test_no_package_imports_a_private_name_of_core_or_of_a_sibling():
    problems, checked = [], 0
    for path, own in _sources():
        checked += 1
        problems += [f"{path.relative_to(PACKAGES_DIR)} {v}" for v in _violations(path, own)]
    assert checked > 100
    assert not problems, ("private names of another package used (make them public, e.g. "
                          "in plax_core.extend or plax_core.numpy_semantics):\n"
                          + "\n".join(problems))
