"""The XLA backend: registration, device arrays, transfers, DLPack, eager execution."""

import importlib.metadata
import pickle
import subprocess
import sys

import numpy as np
import pytest

import plax_core
import plax_xla
import plax_xla.plugin
from plax_core import lax
from plax_core.array import Array
from plax_core.config import config
from plax_core.core import Primitive, ShapedArray
from plax_core.registry import MissingRuleError

BF16 = np.dtype(plax_core.dtypes.bfloat16)


def test_entry_point_and_registration():
    eps = {ep.name: ep for ep in importlib.metadata.entry_points(group="plax")}
    assert eps["xla"].value == "plax_xla.plugin"
    registry = plax_core.get_registry()
    assert registry.transformations["jit"] is plax_xla.jit
    assert registry.backends["xla"].priority > registry.backends["numpy"].priority
    backend = plax_core.get_backend()
    assert isinstance(backend, plax_xla.XlaBackend)
    assert plax_core.default_backend() == "cpu"
    assert plax_core.devices() and plax_core.devices()[0].platform == "cpu"


def test_jaxlib_is_pinned_and_checked():
    import jaxlib
    assert plax_xla.JAXLIB_VERSION == jaxlib.version.__version__ == "0.10.2"
    requires = importlib.metadata.requires("plax-xla")
    assert any(r.replace(" ", "") == "jaxlib==0.10.2" for r in requires)


def test_no_jax_imported():
    code = ("import sys, numpy, plax_core; plax_core.get_registry(); "
            "plax_core.lax.add(plax_core.device_put(numpy.ones(2)), 1.0); "
            "import plax_xla; plax_xla.jit(lambda x: x * 2)(1.0); "
            "print(sorted(m for m in sys.modules if m.split('.')[0] == 'jax'))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout
    assert out.strip().splitlines()[-1] == "[]"


def test_platforms_numpy_selects_the_reference_backend():
    with config.override(platforms="numpy"):
        assert plax_core.get_backend().name == "numpy"
    with config.override(platforms="cpu"):
        assert plax_core.get_backend().name == "xla"


def test_device_put_copies_and_reads_lazily():
    host = np.arange(6.0, dtype=np.float32).reshape(2, 3)
    x = plax_core.device_put(host)
    host[0, 0] = 100.0
    assert isinstance(x, Array) and x.aval == ShapedArray((2, 3), np.float32)
    y = lax.mul(x, x)
    assert y._value._npy_value is None            # nothing came back to the host yet
    assert np.asarray(y)[0, 1] == 1.0 and y._value._npy_value is not None
    assert not np.asarray(y).flags.writeable
    assert float(lax.reduce_sum(y, (0, 1))) == 55.0
    assert y.block_until_ready() is y and plax_core.block_until_ready({"a": y})["a"] is y
    assert x.device == plax_core.devices()[0]


def test_block_until_ready_of_a_pytree_waits_for_all_and_names_a_deleted_array():
    xs = {"a": [lax.mul(plax_core.device_put(np.ones(3, np.float32)), 2.0) for _ in range(4)],
          "b": None, "c": 1.5, "d": np.ones(2)}
    assert plax_core.block_until_ready(xs) is xs                # one batched wait
    assert all(float(np.asarray(x)[0]) == 2.0 for x in xs["a"])
    xs["a"][2].delete()
    from plax_xla import DeletedArrayError
    with pytest.raises(DeletedArrayError, match="deleted"):
        plax_core.block_until_ready(xs)


def test_python_scalars_keep_weak_types():
    x = plax_core.device_put(2.5)
    assert x.weak_type and x.dtype == np.float32
    assert plax_core.device_put(True).dtype == np.bool_
    with config.override(enable_x64=True):
        assert plax_core.device_put(2).dtype == np.int64


@pytest.mark.parametrize("dtype", [BF16, np.dtype(np.float16)], ids=str)
def test_half_precision_round_trip(dtype):
    host = np.array([0.5, -1.25, 3.0, 65504.0 if dtype == np.float16 else 1e30], dtype)
    x = plax_core.device_put(host)
    back = np.asarray(x)
    assert back.dtype == dtype and np.array_equal(back.view(np.uint16), host.view(np.uint16))
    doubled = np.asarray(lax.add(x, x))
    assert doubled.dtype == dtype
    np.testing.assert_allclose(doubled[:3].astype(np.float32), 2 * host[:3].astype(np.float32))
    assert "bfloat16" in repr(x) if dtype == BF16 else "float16" in repr(x)


def test_dlpack_both_ways():
    x = plax_core.device_put(np.arange(4, dtype=np.int32))
    out = np.from_dlpack(x)
    assert out.tolist() == [0, 1, 2, 3]
    host = np.arange(3.0, dtype=np.float32)
    y = plax_xla.from_dlpack(host)
    host[0] = 42.0                                     # a copy: the array is immutable
    assert np.asarray(y).tolist() == [0.0, 1.0, 2.0]
    torch = pytest.importorskip("torch")
    t = torch.arange(3, dtype=torch.float32)
    assert np.asarray(plax_xla.from_dlpack(t)).tolist() == [0.0, 1.0, 2.0]
    assert torch.from_dlpack(x).tolist() == [0, 1, 2, 3]


def test_host_conversions_and_pickle():
    x = plax_core.device_put(np.array([[1.5, 2.0]], np.float32))
    assert x.tolist() == [[1.5, 2.0]] and float(x[0, 0] if False else x.reshape(2)[0]) == 1.5
    assert x.reshape(2)[1].item() == 2.0 and int(plax_core.device_put(7)) == 7
    assert "Array([[1.5, 2. ]], dtype=float32)" == repr(x)
    y = pickle.loads(pickle.dumps(x))
    assert isinstance(y, Array) and y.tolist() == x.tolist()


def test_eager_cache_is_hit(xla):
    x = xla.device_put(np.ones((3, 7), np.float32))
    lax.tanh(x)
    n = len(xla._cache)
    lax.tanh(lax.tanh(x))
    assert len(xla._cache) == n


def test_readme_tour_runs_eagerly():
    x = plax_core.device_put(np.random.default_rng(0).normal(size=(50, 40)).astype(np.float32))
    y = lax.div(lax.dot_general(x, lax.transpose(x, (1, 0)), (((1,), (0,)), ((), ()))), 2.0)
    np.testing.assert_allclose(np.asarray(y), np.asarray(x) @ np.asarray(x).T / 2, rtol=1e-4,
                               atol=1e-4)


def test_primitive_without_lowering_runs_on_host_and_fails_clearly_under_jit():
    twice_p = Primitive("test_twice")
    twice_p.def_abstract_eval(lambda x: x)
    twice_p.def_impl(lambda x: 2 * x)
    x = plax_core.device_put(np.ones(2, np.float32))
    out = twice_p.bind(x)
    assert isinstance(out._backend, plax_xla.XlaBackend) and out.tolist() == [2.0, 2.0]
    with pytest.raises(MissingRuleError, match="'lowering' rule for primitive 'test_twice'"):
        plax_xla.jit(lambda x: twice_p.bind(x))(x)


def test_debug_nans():
    x = plax_core.device_put(np.array([-1.0], np.float32))
    with config.override(debug_nans=True):
        with pytest.raises(FloatingPointError, match="nan"):
            lax.sqrt(x)
    assert np.isnan(np.asarray(lax.sqrt(x))[0])
    f = plax_xla.jit(lambda a: lax.log(a))
    with config.override(debug_nans=True):
        with pytest.raises(FloatingPointError, match="encountered in log at "):
            f(x)             # the program re-run op by op names the primitive


def test_lower_primitive_text():
    text = plax_xla.lower_primitive(lax.add_p, [ShapedArray((2,), np.float32)] * 2,
                                    [ShapedArray((2,), np.float32)], {})
    assert '"stablehlo.add"' in text and "func.func public @main" in text


def test_persistent_compilation_cache(tmp_path):
    code = ("import numpy, plax_core; from plax_core import lax; "
            "print(float(lax.reduce_sum(lax.cosh(plax_core.device_put(numpy.ones(3, "
            "numpy.float32))), (0,))))")
    env = dict(__import__("os").environ, PLAX_COMPILATION_CACHE_DIR=str(tmp_path))
    first = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                           env=env, check=True)
    files = sorted(p.name for p in tmp_path.iterdir())
    assert files and all(f.endswith(".xla") for f in files)
    second = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            env=env, check=True)
    assert first.stdout == second.stdout and abs(float(first.stdout) - 3 * np.cosh(1)) < 1e-5
    assert sorted(p.name for p in tmp_path.iterdir()) == files
