"""Oracle tests for the plax.numpy / linalg / nn functions that test_audit.py found
without a test: NumPy values and JAX's result dtypes over generated shapes and dtypes,
with check_grads for the differentiable ones where plax-autodiff is installed."""

import warnings
import zlib

import numpy as np
import pytest

import plax_core
import plax_numpy as jnp
from plax_core import testing
from plax_core.config import config

N = testing.num_generated_cases()
F32 = np.dtype(np.float32)


def rng_for(*key):
    return np.random.default_rng(zlib.crc32(repr(key).encode()))


def shapes(key, n=N, min_rank=0, max_rank=3):
    r = rng_for("shapes", key)
    return [tuple(int(d) for d in r.integers(1, 5, size=r.integers(min_rank, max_rank + 1)))
            for _ in range(n)]


def close(got, want, dtype=None, rtol=1e-5, atol=1e-6):
    got_arr, want = np.asarray(got), np.asarray(want)
    if dtype is not None:
        assert got_arr.dtype == np.dtype(dtype), (got_arr.dtype, dtype)
    assert got_arr.shape == want.shape, (got_arr.shape, want.shape)
    if got_arr.dtype.kind in "biu" and want.dtype.kind in "biu":
        np.testing.assert_array_equal(got_arr, want)
    else:
        np.testing.assert_allclose(got_arr.astype(np.complex128 if got_arr.dtype.kind == "c"
                                                  else np.float64), want, rtol=rtol,
                                   atol=atol, equal_nan=True)


def _float_out(dt):  # JAX's inexact promotion with x64 off
    return F32 if np.dtype(dt).kind in "biu" else np.dtype(dt)


# ----------------------------------------------------------- aliases of NumPy ufuncs

UNARY_ALIASES = [  # (plax name, NumPy oracle, input range)
    ("acos", np.arccos, (-0.95, 0.95)), ("asin", np.arcsin, (-0.95, 0.95)),
    ("atan", np.arctan, (-3, 3)), ("acosh", np.arccosh, (1.05, 4)),
    ("asinh", np.arcsinh, (-3, 3)), ("atanh", np.arctanh, (-0.95, 0.95)),
    ("degrees", np.degrees, (-4, 4)), ("radians", np.radians, (-200, 200)),
]


@pytest.mark.parametrize("name,oracle,bounds", UNARY_ALIASES,
                         ids=[c[0] for c in UNARY_ALIASES])
@pytest.mark.parametrize("dt", [np.float32, np.float64, np.int32])
def test_unary_aliases(name, oracle, bounds, dt):
    lo, hi = bounds
    for s in shapes(name):
        r = rng_for(name, s, np.dtype(dt).name)
        if np.dtype(dt).kind == "i":
            lo_i, hi_i = int(np.ceil(lo)), int(np.floor(hi))
            if lo_i > hi_i:
                continue
            x = r.integers(lo_i, hi_i + 1, size=s).astype(dt)
        else:
            x = r.uniform(lo, hi, size=s).astype(dt)
        with config.override(enable_x64=np.dtype(dt) == np.float64):
            got = getattr(jnp, name)(x)
        with np.errstate(all="ignore"):
            want = oracle(x.astype(np.float64))
        close(got, want, _float_out(dt), rtol=2e-6 if dt == np.float64 else 2e-5)


@pytest.mark.parametrize("dt", [np.float32, np.int32])
def test_pow(dt):
    for s in shapes("pow"):
        r = rng_for("pow", s)
        if dt == np.int32:
            a, b = r.integers(-3, 4, s).astype(dt), r.integers(0, 4, s).astype(dt)
        else:
            a, b = r.uniform(0.1, 3, s).astype(dt), r.uniform(-2, 2, s).astype(dt)
        close(jnp.pow(a, b), np.power(a, b), dt, rtol=1e-5)


@pytest.mark.parametrize("dt", [np.int8, np.int32, np.uint16, np.bool_])
def test_bitwise_aliases(dt):
    for s in shapes("bitwise", min_rank=1):
        r = rng_for("bitwise", s, np.dtype(dt).name)
        if dt == np.bool_:
            a, b = r.integers(0, 2, s).astype(dt), r.integers(0, 2, s).astype(dt)
        else:
            a = r.integers(0, 100, s).astype(dt)
            b = r.integers(0, 5, s).astype(dt)
        close(jnp.bitwise_invert(a), np.invert(a), dt)
        if dt != np.bool_:
            close(jnp.bitwise_left_shift(a, b), np.left_shift(a, b), dt)
            close(jnp.bitwise_right_shift(a, b), np.right_shift(a, b), dt)


@pytest.mark.parametrize("dt", [np.float32, np.int32])
def test_divmod(dt):
    for s in shapes("divmod"):
        r = rng_for("divmod", s)
        if dt == np.int32:
            a = r.integers(-20, 20, s).astype(dt)
            b = r.choice(np.array([-3, -2, 1, 2, 5], dt), s)
        else:
            a, b = r.uniform(-5, 5, s).astype(dt), r.uniform(0.5, 2, s).astype(dt)
        q, m = jnp.divmod(a, b)
        wq, wm = np.divmod(a, b)
        close(q, wq, dt, rtol=1e-5)
        close(m, wm, dt, rtol=1e-5, atol=1e-5)


# ------------------------------------------------ deprecated NumPy-1 spellings

@pytest.mark.parametrize("dt", [np.float32, np.int32, np.bool_])
def test_numpy1_aliases(dt):
    for s in shapes("np1", min_rank=1):
        x = testing.random_array(rng_for("np1", s, np.dtype(dt).name), s, dt)
        for axis in (None, 0):
            close(jnp.alltrue(x, axis=axis), np.all(x, axis=axis), np.bool_)
            close(jnp.sometrue(x, axis=axis), np.any(x, axis=axis), np.bool_)
        if dt != np.bool_:
            close(jnp.product(x, axis=0), np.prod(x, axis=0), dt, rtol=1e-5)
            close(jnp.round_(x * 3.7 if dt == np.float32 else x, 1),
                  np.round(x * 3.7 if dt == np.float32 else x, 1), dt, rtol=1e-6)
        close(jnp.row_stack([x, x]), np.vstack([x, x]), dt)


# --------------------------------------------------------------------- creation

@pytest.mark.parametrize("dt", [None, np.float32, np.int32, np.bool_])
def test_empty_and_like(dt):
    for s in shapes("empty"):
        e = jnp.empty(s, dtype=dt)
        assert e.shape == s and e.dtype == (F32 if dt is None else np.dtype(dt))
        proto = testing.random_array(rng_for("empty", s), s, np.int16)
        el = jnp.empty_like(proto, dtype=dt)
        assert el.shape == s and el.dtype == (np.int16 if dt is None else np.dtype(dt))
        close(jnp.ones_like(proto, dtype=dt), np.ones_like(proto, dtype=dt),
              np.int16 if dt is None else dt)
    close(jnp.ones_like(np.zeros((2, 3), np.float32), shape=(4,)), np.ones(4), np.float32)


@pytest.mark.parametrize("endpoint", [True, False])
@pytest.mark.parametrize("base", [10.0, 2.0, np.e])
def test_logspace(endpoint, base):
    r = rng_for("logspace", endpoint, base)
    for _ in range(N):
        start, stop = r.uniform(-3, 3, 2)
        num = int(r.integers(0, 12))
        close(jnp.logspace(start, stop, num, endpoint=endpoint, base=base),
              np.logspace(start, stop, num, endpoint=endpoint, base=base), F32, rtol=2e-5)
    starts, stops = np.array([0.0, 1.0]), np.array([2.0, -1.0])
    close(jnp.logspace(starts, stops, 4, axis=1), np.logspace(starts, stops, 4, axis=1),
          F32, rtol=2e-5)
    close(jnp.logspace(0, 3, 4, dtype=np.int32), np.logspace(0, 3, 4).astype(np.int32),
          np.int32)


# --------------------------------------------------------------- index builders

def _eq_tuple(got, want):
    assert len(got) == len(want)
    for g, w in zip(got, want):
        close(g, w, np.int32)


@pytest.mark.parametrize("n", [1, 3, 5])
def test_index_builders(n):
    for ndim in (1, 2, 3):
        _eq_tuple(jnp.diag_indices(n, ndim), np.diag_indices(n, ndim))
    a = np.zeros((n, n, n))
    _eq_tuple(jnp.diag_indices_from(a), np.diag_indices_from(a))
    for k in (-1, 0, 2):
        _eq_tuple(jnp.triu_indices(n, k), np.triu_indices(n, k))
        _eq_tuple(jnp.triu_indices(n, k, n + 1), np.triu_indices(n, k, n + 1))
        rect = np.zeros((n, n + 2))
        _eq_tuple(jnp.tril_indices_from(rect, k), np.tril_indices_from(rect, k))
        _eq_tuple(jnp.mask_indices(n, np.triu, k), np.mask_indices(n, np.triu, k))
        _eq_tuple(jnp.mask_indices(n, np.tril, k), np.mask_indices(n, np.tril, k))


# ---------------------------------------------------------- reductions and sets

@pytest.mark.parametrize("dt", [np.float32, np.float64])
def test_nanargmin(dt):
    for s in shapes("nanargmin", min_rank=1):
        x = testing.random_array(rng_for("nanargmin", s), s, dt)
        x.ravel()[1::3] = np.nan
        with config.override(enable_x64=dt == np.float64):
            for axis in [None] + list(range(x.ndim)):
                if axis is None or np.isnan(x).all(axis=axis).any():
                    if axis is None and not np.isnan(x).all():
                        close(jnp.nanargmin(x), np.nanargmin(x), None)
                    continue
                got = jnp.nanargmin(x, axis=axis, keepdims=True)
                close(got, np.nanargmin(x, axis=axis, keepdims=True), None)
                assert got.dtype.kind == "i"


@pytest.mark.parametrize("method", ["linear", "lower", "higher", "midpoint", "nearest"])
def test_nanquantile(method):
    for s in shapes("nanquantile" + method, min_rank=1):
        x = testing.random_array(rng_for("nanquantile", s), s, np.float32)
        x.ravel()[::4] = np.nan
        for q in (0.3, np.array([0.0, 0.5, 1.0], np.float32)):
            for axis in (None, -1):
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    want = np.nanquantile(x.astype(np.float64), q, axis=axis, method=method)
                close(jnp.nanquantile(x, q, axis=axis, method=method), want, F32, rtol=1e-5)
    xi = np.arange(10, dtype=np.int32)
    close(jnp.nanquantile(xi, 0.25), np.nanquantile(xi, 0.25), F32)


@pytest.mark.parametrize("dt", [np.float32, np.int32, np.complex64])
def test_sort_complex(dt):
    for s in shapes("sort_complex", min_rank=1, max_rank=1):
        r = rng_for("sort_complex", s)
        x = r.integers(-3, 3, s).astype(dt)
        if dt == np.complex64:
            x = x + 1j * r.integers(-2, 2, s)
            x = x.astype(dt)
        got = jnp.sort_complex(x)
        want = np.sort_complex(x)
        close(got, want, np.complex64)


@pytest.mark.parametrize("dt", [np.float32, np.int32])
def test_unique_all(dt):
    for s in shapes("unique_all", min_rank=1):
        x = rng_for("unique_all", s).integers(-3, 3, s).astype(dt)
        got = jnp.unique_all(x)
        want = np.unique_all(x)
        close(got.values, want.values, dt)
        close(got.counts, want.counts, None)
        close(got.inverse_indices, want.inverse_indices, None)
        close(np.asarray(x).ravel()[np.asarray(got.indices)], want.values)
        sized = jnp.unique_all(x, size=x.size, fill_value=0)
        assert sized.values.shape == (x.size,)


# ------------------------------------------------------------ printing and I/O

def test_array_repr_and_str():
    x = np.array([[1.5, 2.0], [3.25, -4.0]], np.float32)
    assert "1.5" in jnp.array_str(jnp.asarray(x))
    assert jnp.array_str(jnp.asarray(x)) == np.array_str(x)
    r = jnp.array_repr(jnp.asarray(x))
    assert "3.25" in r and "float32" in r
    assert jnp.array_str(x, precision=1) == np.array_str(x, precision=1)


def test_printoptions_roundtrip():
    saved = jnp.get_printoptions()
    try:
        jnp.set_printoptions(precision=3)
        assert jnp.get_printoptions()["precision"] == 3
    finally:
        jnp.set_printoptions(**saved)
    assert jnp.get_printoptions() == saved
    with jnp.printoptions(precision=2):
        assert jnp.get_printoptions()["precision"] == 2
    assert jnp.get_printoptions() == saved


@pytest.mark.parametrize("dt", [np.float32, np.int32, np.uint8])
def test_frombuffer_fromstring_from_dlpack(dt):
    x = np.arange(12).astype(dt)
    close(jnp.frombuffer(x.tobytes(), dtype=dt), x, dt)
    close(jnp.frombuffer(x.tobytes(), dtype=dt, count=4, offset=x.itemsize),
          np.frombuffer(x.tobytes(), dtype=dt, count=4, offset=x.itemsize), dt)
    close(jnp.fromstring("1 2 3", dtype=dt, sep=" "), np.array([1, 2, 3], dt), dt)
    close(jnp.from_dlpack(x), x, dt)


def test_save_load_savez(tmp_path):
    x = testing.random_array(rng_for("save"), (3, 4), np.float32)
    jnp.save(tmp_path / "a.npy", jnp.asarray(x))
    close(jnp.load(tmp_path / "a.npy"), x, np.float32)
    close(np.load(tmp_path / "a.npy"), x, np.float32)
    jnp.savez(tmp_path / "b.npz", x=jnp.asarray(x), y=np.arange(3))
    with np.load(tmp_path / "b.npz") as f:
        close(f["x"], x, np.float32)
        close(f["y"], np.arange(3))


def test_fromfile_is_not_supported(tmp_path):
    path = tmp_path / "raw.bin"
    np.arange(3, dtype=np.float32).tofile(path)
    with pytest.raises((NotImplementedError, TypeError, ValueError)):
        jnp.fromfile(path, dtype=np.float32)


# ------------------------------------------------------------------- linalg

@pytest.mark.parametrize("dt", [np.float32, np.complex64])
def test_linalg_vector_and_matrix_norm(dt):
    for s in shapes("norms", min_rank=2):
        x = testing.random_array(rng_for("norms", s), s, dt)
        for ord_ in (2, 1, np.inf, -np.inf, 0, 3):
            close(jnp.linalg.vector_norm(x, ord=ord_), np.linalg.vector_norm(x, ord=ord_),
                  F32, rtol=1e-5)
            close(jnp.linalg.vector_norm(x, axis=-1, keepdims=True, ord=ord_),
                  np.linalg.vector_norm(x, axis=-1, keepdims=True, ord=ord_), F32, rtol=1e-5)
        for ord_ in ("fro", "nuc", 1, -1, 2, -2, np.inf, -np.inf):
            close(jnp.linalg.matrix_norm(x, ord=ord_),
                  np.linalg.matrix_norm(x, ord=ord_), F32, rtol=1e-4, atol=1e-5)
        close(jnp.linalg.matrix_norm(x, keepdims=True),
              np.linalg.matrix_norm(x, keepdims=True), F32, rtol=1e-5)


def test_linalg_tensorsolve():
    r = rng_for("tensorsolve")
    for shape_b, shape_x in [((6,), (2, 3)), ((2, 3), (6,)), ((4,), (4,))]:
        n = int(np.prod(shape_b))
        a = (r.normal(size=(n, n)) + 3 * np.eye(n)).reshape(shape_b + shape_x)
        b = r.normal(size=shape_b)
        with config.override(enable_x64=True):
            close(jnp.linalg.tensorsolve(a, b), np.linalg.tensorsolve(a, b), np.float64,
                  rtol=1e-10, atol=1e-10)
        close(jnp.linalg.tensorsolve(a.astype(np.float32), b.astype(np.float32)),
              np.linalg.tensorsolve(a, b), F32, rtol=1e-4, atol=1e-4)
    a = r.normal(size=(2, 3, 6)) + np.eye(6).reshape(6, 6)[:, :].reshape(2, 3, 6) * 3
    b = r.normal(size=(2, 3))
    close(jnp.linalg.tensorsolve(a.astype(np.float32), b.astype(np.float32)),
          np.linalg.tensorsolve(a, b), F32, rtol=1e-4, atol=1e-4)


# ------------------------------------------------------------------------ nn

def test_nn_hard_swish():
    for s in shapes("hard_swish"):
        x = rng_for("hard_swish", s).uniform(-5, 5, s).astype(np.float32)
        close(jnp.nn.hard_swish(x), x * np.clip(x + 3, 0, 6) / 6, F32, rtol=1e-6)


# ------------------------------------------------------------------ gradients

GRAD_CASES = [
    ("acos", lambda x: jnp.acos(jnp.tanh(x) * 0.9)), ("asin", lambda x: jnp.asin(x * 0.3)),
    ("atan", jnp.atan), ("acosh", lambda x: jnp.acosh(x * x + 1.5)),
    ("asinh", jnp.asinh), ("atanh", lambda x: jnp.atanh(jnp.tanh(x) * 0.9)),
    ("degrees", jnp.degrees), ("radians", jnp.radians),
    ("pow", lambda x: jnp.pow(jnp.abs(x) + 0.5, x)),
    ("product", lambda x: jnp.product(x, axis=0)),
    ("nanquantile", lambda x: jnp.nanquantile(x, 0.3, axis=1)),
    ("vector_norm", lambda x: jnp.linalg.vector_norm(x + 3.0, axis=1)),
    ("matrix_norm", lambda x: jnp.linalg.matrix_norm(x)),
    ("hard_swish", lambda x: jnp.nn.hard_swish(x)),
]


@pytest.mark.parametrize("name,fn", GRAD_CASES, ids=[c[0] for c in GRAD_CASES])
def test_check_grads(name, fn):
    if "jvp" not in plax_core.get_registry().transformations:
        pytest.skip("plax-autodiff is not installed")
    from plax_autodiff.test_util import check_grads
    x = rng_for("grad", name).normal(size=(2, 4)).astype(np.float64)
    if name == "hard_swish":
        x = np.where(np.abs(np.abs(x) - 3) < 0.2, 1.0, x)
    with config.override(enable_x64=True):
        check_grads(fn, (x,), order=2, modes=("fwd", "rev"), rtol=1e-4, atol=1e-4)
