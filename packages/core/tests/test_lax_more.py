"""The lax functions written over core's primitives (``lax_more``, ``lax.linalg``)
against JAX 0.10.2.

Each case of ``lax_more_cases.py`` is one expression over ``lax`` and ``np``; JAX's
results for the very same expressions were obtained by running JAX 0.10.2 outside the
repository and stored in ``lax_more_jax.py``.  Every case runs eagerly and, when
plax-xla is installed, under ``jit``; the exception classes of bad inputs are JAX's,
and the derivatives of the compositions are checked against finite differences.
"""

import importlib.util
import pathlib

import numpy as np
import pytest

import plax_core
from plax_core import lax
from plax_core.tree_util import tree_flatten


def _load(name):
    path = pathlib.Path(__file__).with_name(f"{name}.py")
    spec = importlib.util.spec_from_file_location(f"_plax_core_tests_{name}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


_cases = _load("lax_more_cases")
JAX_VALUES = _load("lax_more_jax").JAX_VALUES
CASES = _cases.CASES
G = {"np": np, "lax": lax}
exec(_cases.SETUP, G)

# Cases whose result is host data (dtypes, shapes), not arrays: no jit version.
HOST_RESULTS = {"dtype_float", "dtype_array", "dtype_int", "broadcast_shapes"}
LOOSE = ("linalg", "conv_local", "patches")  # LAPACK / conv rounding differs from XLA's


def _check(name, result):
    want = JAX_VALUES[name]
    if isinstance(want, str):
        assert str(result) == want, name
        return
    leaves = tree_flatten(result)[0]
    if isinstance(want, tuple):
        want = [want]
    assert len(leaves) == len(want), f"{name}: {len(leaves)} outputs, JAX has {len(want)}"
    tol = dict(rtol=2e-4, atol=2e-5) if name.startswith(LOOSE) else dict(rtol=1e-6, atol=0)
    for got, (dtype, shape, values) in zip(leaves, want):
        got = np.asarray(got)
        assert got.dtype == np.dtype(dtype), f"{name}: dtype {got.dtype}, JAX {dtype}"
        assert got.shape == tuple(shape), f"{name}: shape {got.shape}, JAX {shape}"
        np.testing.assert_allclose(got, np.asarray(values, dtype).reshape(shape), **tol,
                                   err_msg=name)


def test_every_case_has_a_jax_value():
    assert set(CASES) == set(JAX_VALUES)


@pytest.mark.parametrize("name", sorted(CASES))
def test_matches_jax(name):
    _check(name, eval(CASES[name], G))


def _jit():
    table = plax_core.get_registry().transformations
    if "jit" not in table:
        pytest.skip("jit needs plax-xla")
    return table["jit"]


@pytest.mark.parametrize("name", sorted(set(CASES) - HOST_RESULTS))
def test_matches_jax_under_jit(name):
    jit = _jit()
    _check(name, jit(lambda: eval(CASES[name], G))())


def test_jit_traces_the_inputs():
    """The compositions trace with abstract inputs too (not only constants)."""
    jit = _jit()
    x = G["X"]
    f = jit(lambda x: (lax.tile(x, (2, 1)), lax.split(x, [3, 1], 1),
                       lax.reduce(x, 1.0, lambda a, b: a * 0.5 + b, (0, 1)),
                       lax.scatter_apply(x, G["IDX"], lax.sin, G["SDN"], update_shape=(3, 4))))
    tiled, (a, b), folded, applied = f(x)
    np.testing.assert_array_equal(tiled, np.tile(x, (2, 1)))
    np.testing.assert_array_equal(b, x[:, 3:])
    _check("reduce_fold_order", folded)
    _check("scatter_apply_dup", applied)


# Bad inputs: JAX 0.10.2's exception class for each (obtained outside the repository).
ERRORS = [
    ("lax.split(X, [1, 2], axis=1)", ValueError),
    ("lax.stack([X, X.astype(np.int32)])", TypeError),
    ("lax.stack([X, X[:2]])", ValueError),
    ("lax.tile(X, (2,))", TypeError),
    ("lax.tile(X, (2, 1, 1))", TypeError),
    ("lax.broadcast_like(np.ones(3, np.float32), X)", ValueError),
    ("lax.broadcast_shapes((3, 2), (4,))", ValueError),
    ("lax.dtype([1, 2])", TypeError),
    ("lax.mulhi(X, X)", TypeError),
    ("lax.mulhi(I32, I8)", TypeError),
    ("lax.approx_max_k(I32, 2)", ValueError),
    ("lax.reduce(X, 0.0, lax.add, (2,))", ValueError),
    ("lax.linalg.svd(A, subset_by_index=(0, 2))", ValueError),
]


@pytest.mark.parametrize("expr,exc", ERRORS)
def test_bad_inputs_raise_jax_exception_class(expr, exc):
    with pytest.raises(exc):
        eval(expr, G)


def test_subsets_of_eigh_and_svd_against_numpy():
    # JAX 0.10.2 raises NotImplementedError for subset_by_index on CPU; plax slices.
    v, w = lax.linalg.eigh(G["SPD"], subset_by_index=(1, 3))
    np.testing.assert_allclose(w, np.linalg.eigvalsh(G["SPD"])[1:3], rtol=1e-4)
    np.testing.assert_allclose(G["SPD"] @ np.asarray(v), np.asarray(v) * np.asarray(w),
                               rtol=1e-3, atol=1e-4)
    s = lax.linalg.svd(G["A"], full_matrices=False, compute_uv=False, subset_by_index=(0, 2))
    np.testing.assert_allclose(s, np.linalg.svd(G["A"], compute_uv=False)[:2], rtol=1e-4)


def test_mulhi_against_python_integers():
    rng = np.random.default_rng(0)
    for dt in (np.int8, np.uint8, np.int16, np.uint16, np.int32, np.uint32):
        info = np.iinfo(dt)
        x = rng.integers(info.min, info.max, 64, dtype=np.int64, endpoint=True)
        y = rng.integers(info.min, info.max, 64, dtype=np.int64, endpoint=True)
        bits = info.bits
        want = [((int(a) * int(b)) >> bits) for a, b in zip(x, y)]
        got = lax.mulhi(x.astype(dt), y.astype(dt))
        np.testing.assert_array_equal(np.asarray(got, np.int64), want, err_msg=str(dt))


GRAD_CASES = {  # f(x) -> scalar, for x of the shape of X
    "tile": lambda x: lax.reduce_sum(lax.mul(lax.tile(x, (2, 3)), lax.tile(x, (2, 3))),
                                     (0, 1)),
    "split": lambda x: lax.reduce_sum(lax.mul(*lax.split(x, [2, 2], 1)), (0, 1)),
    "stack": lambda x: lax.reduce_sum(lax.sin(lax.stack([x, lax.mul(x, x)], 1)), (0, 1, 2)),
    "reduce_fold": lambda x: lax.reduce(x, 1.0, lambda a, b: a * 0.5 + b * b, (0, 1)),
    "reduce_max": lambda x: lax.reduce(x, -np.inf, lax.max, (0, 1)),
    "scatter_sub": lambda x: lax.reduce_sum(lax.sin(lax.scatter_sub(
        x, G["IDX"], lax.mul(x, x), G["SDN"])), (0, 1)),
    "scatter_apply": lambda x: lax.reduce_sum(lax.scatter_apply(
        x, G["IDX"], lax.sin, G["SDN"], update_shape=(3, 4), unique_indices=False), (0, 1)),
    "patches": lambda x: lax.reduce_sum(lax.sin(lax.conv_general_dilated_patches(
        lax.reshape(x, (1, 1, 3, 4)), (2, 2), (1, 1), "VALID")), (0, 1, 2, 3)),
}


@pytest.mark.parametrize("name", sorted(GRAD_CASES))
def test_derivatives_against_finite_differences(name):
    table = plax_core.get_registry().transformations
    if "grad" not in table:
        pytest.skip("derivatives need plax-autodiff")
    f = GRAD_CASES[name]
    x = (G["X"] / 7.0 + 0.05 * np.arange(12).reshape(3, 4)).astype(np.float32)
    g = np.asarray(table["grad"](f)(x), np.float64)
    eps = 1e-2
    fd = np.zeros_like(g)
    for i in np.ndindex(x.shape):
        up, dn = x.copy(), x.copy()
        up[i] += eps
        dn[i] -= eps
        fd[i] = (float(f(up)) - float(f(dn))) / (2 * eps)
    np.testing.assert_allclose(g, fd, rtol=2e-2, atol=2e-2, err_msg=name)

