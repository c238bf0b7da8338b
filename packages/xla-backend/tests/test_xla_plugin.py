"""plax-xla (stub): it imports, registers through its entry point, and says it is a stub."""

import importlib.metadata
import subprocess
import sys

import pytest

import plax_core
import plax_xla
import plax_xla.plugin


def test_imports():
    assert "stub" in plax_xla.__doc__
    assert plax_xla.__all__ == ["jit"]


def test_entry_point_in_plax_group():
    eps = {ep.name: ep for ep in importlib.metadata.entry_points(group="plax")}
    assert eps["xla"].value == "plax_xla.plugin"
    assert eps["xla"].load() is plax_xla.plugin


def test_transformation_registered():
    registry = plax_core.get_registry()
    assert registry.transformations["jit"] is plax_xla.jit


def test_stub_raises_naming_issue():
    with pytest.raises(NotImplementedError, match=r"plax\.jit is not implemented yet.*issue #5"):
        plax_xla.jit(lambda x: x, static_argnums=0)


def test_no_jax_imported():
    code = ("import sys, plax_xla.plugin, plax_core; plax_core.get_registry(); "
            "print(sorted(m for m in sys.modules if m.split('.')[0] in ('jax', 'jaxlib')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout
    assert out.strip() == "[]"
