"""plax-stax (stub): it imports, registers through its entry point, and says it is a stub."""

import importlib.metadata

import pytest

import plax_core
import plax_core.plugins
import plax_stax
import plax_stax.plugin

READY_MADE = ["Tanh", "Relu", "Exp", "LogSoftmax", "Softmax", "Softplus", "Sigmoid", "Elu",
              "LeakyRelu", "Selu", "Gelu", "Flatten", "Identity", "FanInSum"]

CONSTRUCTOR_CALLS = {
    "Dense": lambda: plax_stax.Dense(10),
    "GeneralConv": lambda: plax_stax.GeneralConv(("NHWC", "HWIO", "NHWC"), 8, (3, 3)),
    "Conv": lambda: plax_stax.Conv(8, (3, 3), padding="SAME"),
    "Conv1DTranspose": lambda: plax_stax.Conv1DTranspose(8, (3,)),
    "ConvTranspose": lambda: plax_stax.ConvTranspose(8, (3, 3)),
    "GeneralConvTranspose": lambda: plax_stax.GeneralConvTranspose(
        ("NHWC", "HWIO", "NHWC"), 8, (3, 3)),
    "BatchNorm": lambda: plax_stax.BatchNorm(),
    "elementwise": lambda: plax_stax.elementwise(abs),
    "MaxPool": lambda: plax_stax.MaxPool((2, 2)),
    "SumPool": lambda: plax_stax.SumPool((2, 2), strides=(2, 2)),
    "AvgPool": lambda: plax_stax.AvgPool((2, 2)),
    "FanOut": lambda: plax_stax.FanOut(2),
    "FanInConcat": lambda: plax_stax.FanInConcat(),
    "Dropout": lambda: plax_stax.Dropout(0.5),
    "serial": lambda: plax_stax.serial(plax_stax.Relu, plax_stax.Tanh),
    "parallel": lambda: plax_stax.parallel(plax_stax.Relu, plax_stax.Tanh),
    "shape_dependent": lambda: plax_stax.shape_dependent(lambda shape: plax_stax.Relu),
}


def test_imports():
    assert "stub" in plax_stax.__doc__
    assert sorted(plax_stax.__all__) == sorted([*READY_MADE, *CONSTRUCTOR_CALLS])


def test_entry_point_in_plax_group():
    eps = {ep.name: ep for ep in importlib.metadata.entry_points(group="plax")}
    assert eps["stax"].value == "plax_stax.plugin"
    assert eps["stax"].load() is plax_stax.plugin


def test_plugin_loaded_by_core():
    plax_core.get_registry()
    assert plax_core.plugins.plugin_manager().get_plugin("stax") is plax_stax.plugin


@pytest.mark.parametrize("name", sorted(CONSTRUCTOR_CALLS))
def test_constructor_stub_raises_naming_issue(name):
    with pytest.raises(NotImplementedError,
                       match=rf"plax\.stax\.{name} is not implemented yet.*issue #8"):
        CONSTRUCTOR_CALLS[name]()


@pytest.mark.parametrize("name", READY_MADE)
def test_ready_made_layer_stub_raises_naming_issue(name):
    init_fun, apply_fun = getattr(plax_stax, name)
    match = rf"plax\.stax\.{name} is not implemented yet.*issue #8"
    with pytest.raises(NotImplementedError, match=match):
        init_fun(None, (1, 3))
    with pytest.raises(NotImplementedError, match=match):
        apply_fun((), None)
