"""plax-autodiff (stub): it imports, registers through its entry point, and says it is a stub."""

import importlib.metadata

import pytest

import plax_autodiff
import plax_autodiff.plugin
import plax_core

TRANSFORMATIONS = ["grad", "value_and_grad", "jvp", "vjp", "jacfwd", "jacrev", "hessian",
                   "linearize"]


def f(x):
    return x


def test_imports():
    assert "stub" in plax_autodiff.__doc__
    for name in plax_autodiff.__all__:
        assert callable(getattr(plax_autodiff, name))


def test_entry_point_in_plax_group():
    eps = {ep.name: ep for ep in importlib.metadata.entry_points(group="plax")}
    assert eps["autodiff"].value == "plax_autodiff.plugin"
    assert eps["autodiff"].load() is plax_autodiff.plugin


@pytest.mark.parametrize("name", TRANSFORMATIONS)
def test_transformation_registered(name):
    registry = plax_core.get_registry()
    assert registry.transformations[name] is getattr(plax_autodiff, name)


STUB_CALLS = {
    "grad": lambda: plax_autodiff.grad(f),
    "value_and_grad": lambda: plax_autodiff.value_and_grad(f, argnums=0, has_aux=False),
    "jvp": lambda: plax_autodiff.jvp(f, (1.0,), (1.0,)),
    "vjp": lambda: plax_autodiff.vjp(f, 1.0),
    "linearize": lambda: plax_autodiff.linearize(f, 1.0),
    "jacfwd": lambda: plax_autodiff.jacfwd(f),
    "jacrev": lambda: plax_autodiff.jacrev(f),
    "hessian": lambda: plax_autodiff.hessian(f),
    "custom_jvp": lambda: plax_autodiff.custom_jvp(f),
    "custom_vjp": lambda: plax_autodiff.custom_vjp(f, nondiff_argnums=()),
    "checkpoint": lambda: plax_autodiff.checkpoint(f),
    "remat": lambda: plax_autodiff.remat(f),
}


@pytest.mark.parametrize("name", sorted(STUB_CALLS))
def test_stub_raises_naming_issue(name):
    with pytest.raises(NotImplementedError, match=r"is not implemented yet.*issue #3"):
        STUB_CALLS[name]()


def test_stubs_cover_all():
    assert sorted(STUB_CALLS) == sorted(plax_autodiff.__all__)
