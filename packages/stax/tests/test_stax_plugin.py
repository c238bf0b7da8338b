"""plax-stax as a plugin: its entry point, core loading it, and its public names."""

import importlib.metadata

import plax_core
import plax_core.plugins
import plax_stax
import plax_stax.plugin


def test_entry_point_in_plax_group():
    eps = {ep.name: ep for ep in importlib.metadata.entry_points(group="plax")}
    assert eps["stax"].value == "plax_stax.plugin"
    assert eps["stax"].load() is plax_stax.plugin


def test_plugin_loaded_by_core():
    plax_core.get_registry()
    assert plax_core.plugins.plugin_manager().get_plugin("stax") is plax_stax.plugin


def test_public_names():
    for name in plax_stax.__all__:
        assert hasattr(plax_stax, name), name
    # as in JAX's stax module, the default initialisers are reachable from it
    for name in ("glorot_normal", "normal", "ones", "zeros"):
        assert callable(getattr(plax_stax, name))
