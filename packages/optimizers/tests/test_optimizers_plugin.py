"""plax-optimizers as a plugin: its entry point, and core loading it."""

import importlib.metadata

import plax_core
import plax_core.plugins
import plax_optimizers
import plax_optimizers.plugin


def test_entry_point_in_plax_group():
    eps = {ep.name: ep for ep in importlib.metadata.entry_points(group="plax")}
    assert eps["optimizers"].value == "plax_optimizers.plugin"
    assert eps["optimizers"].load() is plax_optimizers.plugin


def test_plugin_loaded_by_core():
    plax_core.get_registry()
    assert (plax_core.plugins.plugin_manager().get_plugin("optimizers")
            is plax_optimizers.plugin)


def test_public_names():
    for name in plax_optimizers.__all__:
        assert hasattr(plax_optimizers, name), name
