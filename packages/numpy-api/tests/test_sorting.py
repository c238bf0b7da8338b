"""plax.numpy sorting, searching, cumulative and quantile functions against NumPy.

Values and result dtypes over generated shapes, dtypes and axes (NaNs included where
NumPy's answer is defined), plus ``check_grads`` for the differentiable ones when
plax-autodiff is installed.
"""

from __future__ import annotations

import numpy as np
import pytest

import plax_core
import plax_numpy as jnp
from plax_core.config import config
from plax_core.testing import num_generated_cases

N = num_generated_cases(10)
DTYPES = [np.float32, np.int32, np.bool_, np.uint8, np.float16, np.int16]


def _x(rng, shape, dtype, nans=False):
    dtype = np.dtype(dtype)
    if dtype == np.bool_:
        return rng.integers(0, 2, size=shape).astype(bool)
    if dtype.kind in "iu":
        return rng.integers(0, 5, size=shape).astype(dtype)
    x = np.round(rng.normal(size=shape) * 4) / 2
    if nans and x.size:
        x.reshape(-1)[rng.integers(0, x.size, size=max(1, x.size // 4))] = np.nan
    return x.astype(dtype)


def _shape_axis(rng):
    rank = int(rng.integers(1, 4))
    shape = tuple(int(d) for d in rng.integers(1, 5, size=rank))
    axis = None if rng.integers(4) == 0 else int(rng.integers(-rank, rank))
    return shape, axis


def _grad_tools():
    if "grad" not in plax_core.get_registry().transformations:
        pytest.skip("plax-autodiff is not installed")
    from plax_autodiff.test_util import check_grads
    return check_grads


def _eq(got, want, dtype=None, **tol):
    got = np.asarray(got)
    assert got.shape == np.shape(want)
    if dtype is not None:
        assert got.dtype == np.dtype(dtype), (got.dtype, dtype)
    np.testing.assert_allclose(got.astype(np.float64), np.asarray(want, np.float64),
                               equal_nan=True, **(tol or dict(rtol=1e-6, atol=1e-6)))


@pytest.mark.parametrize("case", range(N))
def test_sort_argsort_lexsort(case):
    rng = np.random.default_rng(case)
    dtype = DTYPES[case % len(DTYPES)]
    shape, axis = _shape_axis(rng)
    x = _x(rng, shape, dtype, nans=True)
    _eq(jnp.sort(x, axis), np.sort(x, axis), dtype)
    _eq(jnp.argsort(x, axis), np.argsort(x, axis, kind="stable"), np.int32)
    if dtype not in (np.float32, np.float16):
        desc = np.asarray(jnp.argsort(x, axis, descending=True))
        want = np.flip(np.argsort(np.flip(x.reshape(-1) if axis is None else x,
                                          -1 if axis is None else axis),
                                  -1 if axis is None else axis, kind="stable"),
                       -1 if axis is None else axis)
        n = x.size if axis is None else x.shape[axis]
        _eq(desc, n - 1 - want)
        _eq(jnp.sort(x, axis, descending=True),
            np.flip(np.sort(x, axis), -1 if axis is None else axis))
    keys = [_x(rng, shape, np.int32) for _ in range(3)]
    ax = -1 if axis is None else axis
    _eq(jnp.lexsort(keys, axis=ax), np.lexsort(keys, axis=ax))


@pytest.mark.parametrize("case", range(N))
def test_cumulative(case):
    rng = np.random.default_rng(50 + case)
    dtype = DTYPES[case % len(DTYPES)]
    shape, axis = _shape_axis(rng)
    x = _x(rng, shape, dtype, nans=False)
    want_dtype = {np.dtype(np.bool_): np.int32, np.dtype(np.uint8): np.uint32,
                  np.dtype(np.int16): np.int32}.get(np.dtype(dtype), dtype)
    tol = dict(rtol=2e-3, atol=2e-3) if dtype == np.float16 else {}
    _eq(jnp.cumsum(x, axis), np.cumsum(x, axis, dtype=want_dtype), want_dtype, **tol)
    _eq(jnp.cumprod(x, axis), np.cumprod(x, axis, dtype=want_dtype), want_dtype, **tol)
    _eq(jnp.cumsum(x, axis, dtype=np.float32), np.cumsum(x, axis, dtype=np.float32),
        np.float32, **tol)
    xn = _x(rng, shape, np.float32, nans=True)
    _eq(jnp.nancumsum(xn, axis), np.nancumsum(xn, axis), np.float32)
    _eq(jnp.nancumprod(xn, axis), np.nancumprod(xn, axis), np.float32)
    if axis is not None:
        _eq(jnp.cumulative_sum(x, axis=axis, include_initial=True),
            np.cumulative_sum(x, axis=axis, include_initial=True, dtype=want_dtype),
            want_dtype, **tol)
        _eq(jnp.cumulative_prod(x, axis=axis),
            np.cumulative_prod(x, axis=axis, dtype=want_dtype), want_dtype, **tol)


@pytest.mark.parametrize("case", range(N))
def test_searchsorted(case):
    rng = np.random.default_rng(100 + case)
    dtype = [np.float32, np.int32][case % 2]
    a = np.sort(_x(rng, (int(rng.integers(0, 8)),), dtype, nans=True))
    v = _x(rng, tuple(int(d) for d in rng.integers(1, 4, size=int(rng.integers(0, 3)))),
           dtype, nans=True)
    for side in ("left", "right"):
        _eq(jnp.searchsorted(a, v, side=side), np.searchsorted(a, v, side=side), np.int32)
    perm = rng.permutation(a.size)
    shuffled = a[perm]
    sorter = np.argsort(shuffled, kind="stable")
    _eq(jnp.searchsorted(shuffled, v, sorter=sorter), np.searchsorted(shuffled, v,
                                                                        sorter=sorter))


@pytest.mark.parametrize("case", range(N))
def test_quantiles(case):
    rng = np.random.default_rng(150 + case)
    shape, axis = _shape_axis(rng)
    if axis is not None and rng.integers(2) and len(shape) > 1:
        axis = (axis, (axis + 1) % len(shape))
        if axis[0] % len(shape) == axis[1]:
            axis = axis[0]
    x = rng.normal(size=shape).astype(np.float32)
    q = rng.uniform(size=int(rng.integers(1, 4))).astype(np.float32)
    keepdims = bool(rng.integers(2))
    for method in ("linear", "lower", "higher", "midpoint", "nearest"):
        _eq(jnp.quantile(x, q, axis=axis, method=method, keepdims=keepdims),
            np.quantile(x, q, axis=axis, method=method, keepdims=keepdims), np.float32,
            rtol=1e-5, atol=1e-5)
    _eq(jnp.percentile(x, 100 * q[0], axis=axis), np.percentile(x, 100 * q[0], axis=axis),
        np.float32, rtol=1e-5, atol=1e-5)
    _eq(jnp.median(x, axis=axis, keepdims=keepdims),
        np.median(x, axis=axis, keepdims=keepdims), np.float32, rtol=1e-5, atol=1e-5)
    xn = _x(rng, shape, np.float32, nans=True)
    _eq(jnp.median(xn, axis=axis), np.median(xn, axis=axis), np.float32)
    with np.errstate(all="ignore"), _nowarn():
        _eq(jnp.nanmedian(xn, axis=axis), np.nanmedian(xn, axis=axis), np.float32)
        _eq(jnp.nanpercentile(xn, 40.0, axis=axis), np.nanpercentile(xn, 40.0, axis=axis),
            np.float32, rtol=1e-5, atol=1e-5)
    assert np.asarray(jnp.median(np.arange(5))).dtype == np.float32


class _nowarn:
    def __enter__(self):
        import warnings
        self._w = warnings.catch_warnings()
        self._w.__enter__()
        warnings.simplefilter("ignore")

    def __exit__(self, *exc):
        return self._w.__exit__(*exc)


def test_grads():
    check_grads = _grad_tools()
    rng = np.random.default_rng(0)
    with config.override(enable_x64=True):
        x = (rng.permutation(12) + rng.uniform(0.1, 0.4, 12)).reshape(3, 4)
        check_grads(lambda a: jnp.sort(a, axis=0) ** 2, (x,), order=2, modes=("fwd", "rev"))
        check_grads(lambda a: jnp.cumsum(a, 1) * jnp.cumprod(a, 0), (x,), order=2,
                    modes=("fwd", "rev"))
        check_grads(lambda a: jnp.quantile(a, np.array([0.3, 0.8]), axis=1), (x,), order=2,
                    modes=("fwd", "rev"))
        check_grads(lambda a: jnp.median(a, axis=0), (x,), order=1, modes=("fwd", "rev"))
        check_grads(lambda a: jnp.nancumsum(a, 1), (x,), order=1, modes=("fwd", "rev"))


def test_errors():
    with pytest.raises(ValueError, match="side must be"):
        jnp.searchsorted(np.arange(3), 1, side="middle")
    with pytest.raises(NotImplementedError, match="method 'hazen'"):
        jnp.quantile(np.arange(3.0), 0.5, method="hazen")
    with pytest.raises(NotImplementedError, match="'out' argument"):
        jnp.cumsum(np.arange(3), out=np.zeros(3))
