"""The combined import: every name and module of ``plax`` is the implementing package's."""

import importlib
import subprocess
import sys
import types

import pytest

import plax
import plax_autodiff
import plax_batching
import plax_core
import plax_core.lax
import plax_xla
from plax_core.config import config as core_config

TOP_LEVEL = {
    plax_autodiff: ["grad", "value_and_grad", "jvp", "vjp", "linearize", "jacfwd", "jacrev",
                    "hessian", "custom_jvp", "custom_vjp", "checkpoint", "remat"],
    plax_batching: ["vmap"],
    plax_xla: ["jit"],
    plax_core: ["make_jaxpr", "eval_jaxpr", "eval_shape", "device_put", "devices",
                "default_backend", "block_until_ready", "ShapedArray", "ShapeDtypeStruct",
                "Array", "clear_caches"],
}

MODULES = {
    "plax.numpy": "plax_numpy",
    "plax.numpy.linalg": "plax_numpy.linalg",
    "plax.lax": "plax_core.lax",
    "plax.random": "plax_random",
    "plax.scipy": "plax_numpy.scipy",
    "plax.scipy.special": "plax_numpy.scipy.special",
    "plax.nn": "plax_numpy.nn",
    "plax.tree_util": "plax_core.tree_util",
    "plax.tree": "plax_core.tree",
    "plax.errors": "plax_core.errors",
    "plax.nn.initializers": "plax_stax.initializers",
    "plax.dtypes": "plax_core.dtypes",
    "plax.stax": "plax_stax",
    "plax.optimizers": "plax_optimizers",
    "plax.example_libraries.stax": "plax_stax",
    "plax.example_libraries.optimizers": "plax_optimizers",
}


@pytest.mark.parametrize("impl,name", [(m, n) for m, names in TOP_LEVEL.items() for n in names])
def test_top_level_names(impl, name):
    assert getattr(plax, name) is getattr(impl, name)
    assert name in plax.__all__


def test_config_is_the_core_object():
    assert plax.config is core_config
    assert callable(plax.config.update)


def test_user_visible_imports():
    import plax.numpy as jnp
    from plax import grad, jit, random, vmap

    assert jnp is importlib.import_module("plax.numpy")
    assert grad is plax_autodiff.grad
    assert jit is plax_xla.jit
    assert vmap is plax_batching.vmap
    assert random is importlib.import_module("plax.random")
    assert plax.lax.add is plax_core.lax.add
    assert plax.tree_util.tree_map is plax_core.tree_util.tree_map


@pytest.mark.parametrize("module_name", sorted(MODULES))
def test_reexport_module_forwards_every_name(module_name):
    module = importlib.import_module(module_name)
    impl = importlib.import_module(MODULES[module_name])
    public = [n for n in dir(impl) if not n.startswith("_")]
    assert public, f"{impl.__name__} exports nothing"
    for name in public:
        got, want = getattr(module, name), getattr(impl, name)
        if isinstance(want, types.ModuleType) and isinstance(got, types.ModuleType):
            # a submodule: plax's own re-export module of it (plax.numpy.linalg), or it
            inner = getattr(got, "_impl", None)
            got = inner if isinstance(inner, types.ModuleType) else got
        assert got is want, (module_name, name)
    assert set(public) <= set(dir(module))


@pytest.mark.parametrize("module_name", sorted(MODULES))
def test_reexport_module_missing_name(module_name):
    module = importlib.import_module(module_name)
    with pytest.raises(AttributeError, match=f"module '{module_name}' has no attribute"):
        module.no_such_name_in_plax


def test_submodules_are_attributes():
    for name in ("numpy", "lax", "random", "scipy", "nn", "tree_util", "dtypes"):
        assert getattr(plax, name) is importlib.import_module(f"plax.{name}")
    assert plax.numpy.linalg is importlib.import_module("plax.numpy.linalg")


def test_make_jaxpr_through_plax():
    import plax.numpy as jnp

    text = str(plax.make_jaxpr(lambda x: jnp.tanh(x) * 2.0)(1.0))
    assert "tanh" in text and "mul" in text


def test_numpy_arithmetic_through_plax():
    import numpy as np

    import plax.numpy as jnp

    x = jnp.arange(6.0).reshape((2, 3))
    np.testing.assert_allclose(np.asarray(jnp.dot(x, x.T)), np.arange(6.0).reshape(2, 3)
                               @ np.arange(6.0).reshape(2, 3).T)


def test_no_jax_imported():
    code = ("import sys, plax, plax.numpy, plax.stax, plax.optimizers; "
            "print(sorted(m for m in sys.modules if m.split('.')[0] == 'jax'))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout
    assert out.strip() == "[]"


def test_test_util_check_grads_is_autodiffs():
    import numpy as np

    import plax.test_util
    import plax_autodiff.test_util
    assert plax.test_util.check_grads is plax_autodiff.test_util.check_grads
    plax.test_util.check_grads(lambda x: x * x, (np.float32(1.5),), order=2)
    with pytest.raises(AssertionError):
        plax.test_util.check_grads(_wrong_gradient(), (np.float32(2.0),), order=1,
                                   modes=("rev",))


def _wrong_gradient():
    import plax

    @plax.custom_jvp
    def f(x):
        return x * x

    f.defjvp(lambda primals, tangents: (f(primals[0]), 3.0 * tangents[0]))
    return f
