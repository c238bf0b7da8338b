"""plax-batching (stub): it imports, registers through its entry point, and says it is a stub."""

import importlib.metadata

import pytest

import plax_batching
import plax_batching.plugin
import plax_core


def test_imports():
    assert "stub" in plax_batching.__doc__
    assert plax_batching.__all__ == ["vmap"]


def test_entry_point_in_plax_group():
    eps = {ep.name: ep for ep in importlib.metadata.entry_points(group="plax")}
    assert eps["batching"].value == "plax_batching.plugin"
    assert eps["batching"].load() is plax_batching.plugin


def test_transformation_registered():
    registry = plax_core.get_registry()
    assert registry.transformations["vmap"] is plax_batching.vmap


def test_stub_raises_naming_issue():
    with pytest.raises(NotImplementedError, match=r"plax\.vmap is not implemented yet.*issue #4"):
        plax_batching.vmap(lambda x: x, in_axes=(0,))
