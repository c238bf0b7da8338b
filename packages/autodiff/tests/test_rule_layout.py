"""Where the rules live: ``rules/<family>.py`` holds the rules of that family's primitives.

One search for a primitive's Python name (``dot_general_p``) finds its derivative rules,
because each family module registers rules only for primitives of its own family, names
each of them, and together the modules cover every core primitive.
"""

import re
from pathlib import Path

import pytest

from plax_autodiff import plugin
from plax_core.extend import FAMILIES, JVP, PARTIAL_EVAL, TRANSPOSE, Registry
from plax_core.prims import all_primitives, python_name

TABLES = (JVP, TRANSPOSE, PARTIAL_EVAL)
# higher_order registers generic rules for every HigherOrderPrimitive, found by type.
MODULES = [m for m in plugin.FAMILY_MODULES if not m.__name__.endswith(".higher_order")]


def _family(module) -> str:
    return module.__name__.rsplit(".", 1)[1]


def _names(module, prim) -> bool:
    text = Path(module.__file__).read_text()
    return re.search(rf"\b{re.escape(python_name(prim))}\b", text) is not None


@pytest.mark.parametrize("module", MODULES, ids=_family)
def test_family_module_registers_only_its_family(module):
    registry = Registry()
    module.register(registry)
    family = _family(module)
    listed = [p for t in TABLES for p in registry.rules(t)]
    listed += list(getattr(module, "NONLINEAR", ()))
    listed += [p for _, p in getattr(module, "UNSUPPORTED", {})]
    assert listed, f"{module.__name__} registers nothing"
    for prim in listed:
        assert prim.family == family, (
            f"{prim} (family {prim.family!r}) has a rule in {module.__name__}")
        assert _names(module, prim), f"{python_name(prim)} not named in {module.__file__}"


def test_every_core_primitive_has_its_rules_in_its_family_module():
    by_family = {_family(m): m for m in MODULES}
    for prim in all_primitives():
        if prim.family == "higher_order":
            continue
        assert prim.family in FAMILIES, prim
        module = by_family[prim.family]
        own = Registry()
        module.register(own)
        assert prim in own.rules(JVP) or (JVP, prim) in plugin.UNSUPPORTED, prim
        assert (prim in own.rules(TRANSPOSE) or prim in module.NONLINEAR
                or (TRANSPOSE, prim) in plugin.UNSUPPORTED), prim
