"""Documentation coverage: every public name has a docstring and a place in the reference.

The reference (``docs/_ext/plax_api.py``) is generated from each module's public names
at build time; this test asks the same generator, without Sphinx, so it is cheap. It
fails when a public name, or a public method or property of a documented class, has no
docstring (or, for a constant, no entry in the generator's ``DATA_DOCS``), or when a
public module of the ``plax`` package is missing from the reference.
"""

import importlib
import importlib.util
import pkgutil
from pathlib import Path

import pytest

import plax

GENERATOR = Path(__file__).resolve().parents[3] / "docs" / "_ext" / "plax_api.py"
if not GENERATOR.exists():  # an installed plax without its repository
    pytest.skip("docs/_ext/plax_api.py is not here", allow_module_level=True)

_spec = importlib.util.spec_from_file_location("plax_api", GENERATOR)
api = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(api)

MODULES = [name for name, _ in api.available_modules()]


def _public_modules():
    for info in pkgutil.walk_packages(plax.__path__, "plax."):
        if not any(part.startswith("_") for part in info.name.split(".")):
            yield info.name


def test_every_public_module_is_in_the_reference():
    # A submodule of a listed module documented as a section of its page counts too.
    sections = {f"{m}.{n}" for m in MODULES for n in api._submodules(m, set(MODULES))}
    missing = sorted(set(_public_modules()) - set(MODULES) - sections - set(api.ALIASES))
    assert not missing, (f"public modules missing from the API reference: {missing}; add "
                         "them to MODULES (or ALIASES) in docs/_ext/plax_api.py")


def test_aliases_point_at_the_same_objects():
    for alias, target in api.ALIASES.items():
        if target in MODULES:
            a, t = importlib.import_module(alias), importlib.import_module(target)
            assert all(getattr(a, n) is getattr(t, n) for n in t.__all__), alias


@pytest.mark.parametrize("module_name", MODULES)
def test_every_public_name_has_a_docstring(module_name):
    module = importlib.import_module(module_name)
    assert hasattr(module, "__all__"), f"{module_name} has no __all__: the reference " \
                                       "lists a module's __all__"
    sections = api._submodules(module_name, set(MODULES))
    undocumented = [f"{module_name}.{n}" for n in api.public_names(module_name)
                    if n not in sections and not api.docstring(module_name, n).strip()]
    for sub in sections:
        full = f"{module_name}.{sub}"
        undocumented += [f"{full}.{n}" for n in api.public_names(full)
                         if not api.docstring(full, n).strip()]
    assert not undocumented, (
        f"{len(undocumented)} public names of {module_name} have no docstring (a function "
        f"or class) or no DATA_DOCS entry in docs/_ext/plax_api.py (a constant): "
        f"{undocumented}")


def test_every_listed_name_is_in_the_reference():
    names = api.reference_names()
    for module_name in MODULES:
        for n in api.public_names(module_name):
            assert f"{module_name}.{n}" in names


def test_data_docs_name_real_attributes():
    # A stale entry (a constant renamed or removed) would document nothing.
    for full in api.DATA_DOCS:
        module_name, _, name = full.rpartition(".")
        assert hasattr(importlib.import_module(module_name), name), full


def test_every_public_method_and_property_has_a_docstring():
    # A class's reference entry lists its public methods and properties (api.members):
    # each needs its own docstring, or the page shows a bare signature.
    undocumented = [f"{name}.{attr}" for name, cls in api.reference_classes().items()
                    for attr in api.members(cls) if not api.member_docstring(cls, attr)]
    assert not undocumented, (
        f"{len(undocumented)} public methods/properties of classes in the reference have "
        f"no docstring: {undocumented}")


def test_class_members_are_found():
    # The member walk sees the methods Array gets from ArrayMethods and its own properties.
    members = api.members(plax.Array)
    for attr in ("shape", "dtype", "sum", "reshape", "at", "block_until_ready", "T"):
        assert attr in members, attr
    assert "mro" not in members and "__add__" not in members
