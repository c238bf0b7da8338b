"""plax-optimizers (stub): it imports, registers through its entry point, and says it is
a stub."""

import importlib.metadata

import pytest

import plax_core
import plax_core.plugins
import plax_optimizers
import plax_optimizers.plugin

STUB_CALLS = {
    "optimizer": lambda: plax_optimizers.optimizer(lambda step_size: None),
    "sgd": lambda: plax_optimizers.sgd(0.1),
    "momentum": lambda: plax_optimizers.momentum(0.1, mass=0.9),
    "nesterov": lambda: plax_optimizers.nesterov(0.1, 0.9),
    "adagrad": lambda: plax_optimizers.adagrad(0.1),
    "rmsprop": lambda: plax_optimizers.rmsprop(0.1),
    "rmsprop_momentum": lambda: plax_optimizers.rmsprop_momentum(0.1),
    "adam": lambda: plax_optimizers.adam(1e-3, b1=0.9),
    "adamax": lambda: plax_optimizers.adamax(1e-3),
    "sm3": lambda: plax_optimizers.sm3(0.1),
    "constant": lambda: plax_optimizers.constant(0.1),
    "exponential_decay": lambda: plax_optimizers.exponential_decay(0.1, 100, 0.5),
    "inverse_time_decay": lambda: plax_optimizers.inverse_time_decay(0.1, 100, 0.5),
    "polynomial_decay": lambda: plax_optimizers.polynomial_decay(0.1, 100, 0.01),
    "piecewise_constant": lambda: plax_optimizers.piecewise_constant([10], [0.1, 0.01]),
    "make_schedule": lambda: plax_optimizers.make_schedule(0.1),
    "l2_norm": lambda: plax_optimizers.l2_norm([]),
    "clip_grads": lambda: plax_optimizers.clip_grads([], 1.0),
    "pack_optimizer_state": lambda: plax_optimizers.pack_optimizer_state(None),
    "unpack_optimizer_state": lambda: plax_optimizers.unpack_optimizer_state(None),
}


def test_imports():
    assert "stub" in plax_optimizers.__doc__
    assert sorted(plax_optimizers.__all__) == sorted(STUB_CALLS)


def test_entry_point_in_plax_group():
    eps = {ep.name: ep for ep in importlib.metadata.entry_points(group="plax")}
    assert eps["optimizers"].value == "plax_optimizers.plugin"
    assert eps["optimizers"].load() is plax_optimizers.plugin


def test_plugin_loaded_by_core():
    plax_core.get_registry()
    assert (plax_core.plugins.plugin_manager().get_plugin("optimizers")
            is plax_optimizers.plugin)


@pytest.mark.parametrize("name", sorted(STUB_CALLS))
def test_stub_raises_naming_issue(name):
    with pytest.raises(NotImplementedError,
                       match=rf"plax\.optimizers\.{name} is not implemented yet.*issue #8"):
        STUB_CALLS[name]()
