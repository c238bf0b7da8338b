"""plax.numpy indexing, set, counting and histogram functions against NumPy.

Values and JAX's result dtypes over generated shapes, dtypes and axes; ``size=`` forms
traced (through ``make_jaxpr``); ``check_grads`` for ``take``,
``take_along_axis`` and ``interp`` when plax-autodiff is installed.
"""

from __future__ import annotations

import numpy as np
import pytest

import plax_core
import plax_numpy as jnp
from plax_core.config import config
from plax_core.testing import num_generated_cases

N = num_generated_cases(10)
DTYPES = [np.float32, np.int32, np.int16, np.uint8, np.float16]
INT = np.int32


def _x(rng, shape, dtype):
    dtype = np.dtype(dtype)
    if dtype == np.bool_:
        return rng.integers(0, 2, size=shape).astype(bool)
    if dtype.kind in "iu":
        return rng.integers(0, 6, size=shape).astype(dtype)
    return (np.round(rng.normal(size=shape) * 4) / 2).astype(dtype)


def _shape(rng, lo=1):
    rank = int(rng.integers(lo, 4))
    return tuple(int(d) for d in rng.integers(1, 5, size=rank))


def _eq(got, want, dtype=None, **tol):
    got = np.asarray(got)
    assert got.shape == np.shape(want), (got.shape, np.shape(want))
    if dtype is not None:
        assert got.dtype == np.dtype(dtype), (got.dtype, dtype)
    np.testing.assert_allclose(got.astype(np.float64), np.asarray(want, np.float64),
                               equal_nan=True, **(tol or dict(rtol=1e-6, atol=1e-6)))


def _traced(f):
    """``f`` run from its jaxpr: every array argument is abstract while tracing."""
    def run(*args):
        closed = plax_core.make_jaxpr(f)(*args)
        out = plax_core.eval_jaxpr(closed.jaxpr, closed.consts, *args)
        return out[0] if len(out) == 1 else out
    return run


def _grad_tools():
    if "grad" not in plax_core.get_registry().transformations:
        pytest.skip("plax-autodiff is not installed")
    from plax_autodiff.test_util import check_grads
    return check_grads


@pytest.mark.parametrize("case", range(N))
def test_take_and_take_along_axis(case):
    rng = np.random.default_rng(case)
    dtype = DTYPES[case % len(DTYPES)]
    shape = _shape(rng)
    x = _x(rng, shape, dtype)
    axis = None if case % 4 == 0 else int(rng.integers(-len(shape), len(shape)))
    n = x.size if axis is None else shape[axis]
    idx = rng.integers(-n, n, size=_shape(rng, 0)).astype(INT)
    _eq(jnp.take(x, idx, axis=axis), np.take(x, idx, axis=axis), dtype)
    wrap = rng.integers(-3 * n, 3 * n, size=(5,)).astype(INT)
    _eq(jnp.take(x, wrap, axis=axis, mode="wrap"), np.take(x, wrap, axis=axis, mode="wrap"))
    _eq(jnp.take(x, wrap, axis=axis, mode="clip"),
        np.take(x, np.clip(wrap, 0, n - 1), axis=axis))
    oob = jnp.take(x, np.array([n, 0], INT), axis=axis, mode="fill", fill_value=7)
    _eq(np.take(np.asarray(oob), [0], axis=0 if axis is None else axis),
        np.full_like(np.take(x, [0], axis=axis), 7))
    # take_along_axis: indices with the same rank, broadcast in the other dims
    ax = 0 if axis is None else axis % len(shape)
    ishape = list(shape)
    ishape[ax] = int(rng.integers(1, 5))
    if len(shape) > 1:
        ishape[(ax + 1) % len(shape)] = 1
    ind = rng.integers(-shape[ax], shape[ax], size=ishape).astype(INT)
    _eq(jnp.take_along_axis(x, ind, ax), np.take_along_axis(x, ind, ax), dtype)
    flat = rng.integers(0, x.size, size=(4,)).astype(INT)
    _eq(jnp.take_along_axis(x, flat, None), np.take_along_axis(x, flat, None), dtype)


@pytest.mark.parametrize("case", range(N))
def test_put_choose_compress_place(case):
    rng = np.random.default_rng(100 + case)
    dtype = DTYPES[case % len(DTYPES)]
    shape = _shape(rng)
    x = _x(rng, shape, dtype)
    ax = int(rng.integers(len(shape)))
    ind = np.argsort(rng.uniform(size=shape), axis=ax)[(slice(None),) * ax + (slice(0, 1),)]
    vals = _x(rng, ind.shape, dtype)
    want = x.copy()
    np.put_along_axis(want, ind, vals, ax)
    _eq(jnp.put_along_axis(x, ind.astype(INT), vals, ax, inplace=False), want, dtype)
    with pytest.raises(ValueError, match="inplace=False"):
        jnp.put_along_axis(x, ind, vals, ax)
    pos = rng.permutation(x.size)[:3].astype(INT)
    v = _x(rng, (2,), dtype)
    want = x.copy()
    np.put(want, pos, v)
    _eq(jnp.put(x, pos, v, inplace=False), want, dtype)
    # choose
    choices = [_x(rng, shape, dtype) for _ in range(3)]
    a = rng.integers(0, 3, size=shape)
    _eq(jnp.choose(a, choices), np.choose(a, choices), dtype)
    _eq(jnp.choose(a + 3, choices, mode="wrap"), np.choose(a + 3, choices, mode="wrap"))
    # compress / extract / place
    cond = rng.integers(0, 2, size=shape[ax]).astype(bool)
    _eq(jnp.compress(cond, x, axis=ax), np.compress(cond, x, axis=ax), dtype)
    mask = rng.integers(0, 2, size=shape).astype(bool)
    _eq(jnp.extract(mask, x), np.extract(mask, x), dtype)
    k = int(mask.sum())
    got = jnp.extract(mask, x, size=x.size, fill_value=1)
    _eq(got, np.concatenate([np.extract(mask, x), np.ones(x.size - k, dtype)]), dtype)
    want = x.copy()
    if k:
        np.place(want, mask, v)
    _eq(jnp.place(x, mask, v, inplace=False), want, dtype)


@pytest.mark.parametrize("case", range(N))
def test_nonzero_sized(case):
    rng = np.random.default_rng(200 + case)
    x = rng.integers(0, 2, size=_shape(rng))
    k = int(np.count_nonzero(x))
    size = int(rng.integers(0, x.size + 3))
    got = jnp.nonzero(x, size=size, fill_value=-1)
    for g, w in zip(got, np.nonzero(x)):
        _eq(g, np.concatenate([w[:size], np.full(max(size - k, 0), -1)]), INT)
    got = _traced(lambda a: jnp.argwhere(a, size=size))(x)
    want = np.argwhere(x)[:size]
    _eq(got, np.concatenate([want, np.zeros((max(size - k, 0), x.ndim), int)]), INT)
    got = _traced(lambda a: jnp.extract(a > 0, a * 2, size=size, fill_value=-3))(x)
    w = np.extract(x > 0, x * 2)[:size]
    _eq(got, np.concatenate([w, np.full(max(size - k, 0), -3)]))


@pytest.mark.parametrize("case", range(N))
def test_unique_and_sets(case):
    rng = np.random.default_rng(300 + case)
    dtype = DTYPES[case % len(DTYPES)]
    x = _x(rng, _shape(rng), dtype)
    y = _x(rng, (int(rng.integers(1, 8)),), dtype)
    got = jnp.unique(x, return_index=True, return_inverse=True, return_counts=True)
    want = np.unique(x, return_index=True, return_inverse=True, return_counts=True)
    for g, w, d in zip(got, want, [dtype, INT, INT, INT]):
        _eq(g, w, d)
    if x.ndim == 2:
        _eq(jnp.unique(x, axis=1), np.unique(x, axis=1), dtype)
    u = np.unique(x)
    size = len(u) + 2
    _eq(jnp.unique(x, size=size, fill_value=0),
        np.concatenate([u, np.zeros(2, dtype)]), dtype)
    _eq(jnp.unique_values(x), u, dtype)
    _eq(jnp.unique_counts(x).counts, np.unique(x, return_counts=True)[1], INT)
    _eq(jnp.unique_inverse(x).inverse_indices,
        np.unique(x, return_inverse=True)[1].reshape(x.shape), INT)
    for name in ("union1d", "intersect1d", "setdiff1d", "setxor1d"):
        _eq(getattr(jnp, name)(x, y), getattr(np, name)(x, y), dtype)
    got = jnp.intersect1d(x, y, return_indices=True)
    for g, w in zip(got, np.intersect1d(x, y, return_indices=True)):
        _eq(g, w)


@pytest.mark.parametrize("case", range(N))
def test_bincount_digitize_histogram(case):
    rng = np.random.default_rng(400 + case)
    x = rng.integers(0, 7, size=int(rng.integers(1, 12)))
    w = rng.normal(size=x.shape).astype(np.float32)
    _eq(jnp.bincount(x), np.bincount(x), INT)
    _eq(jnp.bincount(x, w, minlength=9), np.bincount(x, w, minlength=9), np.float32,
        rtol=1e-5, atol=1e-5)
    _eq(jnp.bincount(x, length=4), np.bincount(x)[:4] if np.bincount(x).size >= 4
        else np.pad(np.bincount(x), (0, 4 - np.bincount(x).size)), INT)
    v = rng.normal(size=_shape(rng)).astype(np.float32) * 3
    bins = np.sort(rng.normal(size=int(rng.integers(1, 6))) * 2).astype(np.float32)
    for right in (False, True):
        _eq(jnp.digitize(v, bins, right), np.digitize(v, bins, right), INT)
        _eq(jnp.digitize(v, bins[::-1], right), np.digitize(v, bins[::-1], right), INT)
    nb = int(rng.integers(1, 7))
    wv = rng.uniform(size=v.shape).astype(np.float32)
    for kw in (dict(bins=nb), dict(bins=bins), dict(bins=nb, range=(-1.0, 2.0)),
               dict(bins=nb, weights=wv), dict(bins=nb, density=True)):
        gc, ge = jnp.histogram(v, **kw)
        wc, we = np.histogram(v, **kw)
        _eq(ge, we, np.float32, rtol=1e-5, atol=1e-5)
        _eq(gc, wc, np.float32, rtol=1e-4, atol=1e-4)
    _eq(jnp.histogram_bin_edges(v, nb), np.histogram_bin_edges(v, nb), np.float32,
        rtol=1e-5, atol=1e-5)
    gc, _ = _traced(lambda a: jnp.histogram(a, nb, range=(-2.0, 2.0)))(v)
    _eq(gc, np.histogram(v, nb, range=(-2.0, 2.0))[0], np.float32)
    # 2-d and d-d
    p = rng.normal(size=(int(rng.integers(1, 20)), 3)).astype(np.float32)
    pw = rng.uniform(size=p.shape[0]).astype(np.float32)
    edges = np.linspace(-2, 2, 4).astype(np.float32)
    for kw in (dict(bins=nb), dict(bins=[2, 3]), dict(bins=edges),
               dict(bins=3, range=[(-1, 1), (0, 2)]), dict(bins=4, weights=pw),
               dict(bins=4, density=True)):
        got = jnp.histogram2d(p[:, 0], p[:, 1], **kw)
        want = np.histogram2d(p[:, 0], p[:, 1], **kw)
        for g, w in zip(got, want):
            _eq(g, w, np.float32, rtol=1e-4, atol=1e-4)
    got = jnp.histogramdd(p, bins=(2, 3, nb))
    want = np.histogramdd(p, bins=(2, 3, nb))
    _eq(got[0], want[0], np.float32)
    for g, w in zip(got[1], want[1]):
        _eq(g, w, np.float32, rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("case", range(N))
def test_interp_partition(case):
    rng = np.random.default_rng(500 + case)
    xp = np.sort(rng.permutation(20)[:int(rng.integers(1, 8))] / 2).astype(np.float32)
    fp = rng.normal(size=xp.shape).astype(np.float32)
    x = rng.uniform(-2, 12, size=_shape(rng)).astype(np.float32)
    _eq(jnp.interp(x, xp, fp), np.interp(x, xp, fp), np.float32, rtol=1e-5, atol=1e-5)
    _eq(jnp.interp(x, xp, fp, left=-9.0, right=9.0), np.interp(x, xp, fp, -9.0, 9.0),
        np.float32, rtol=1e-5, atol=1e-5)
    _eq(jnp.interp(x, xp, fp, period=7.0), np.interp(x, xp, fp, period=7.0), np.float32,
        rtol=1e-4, atol=1e-4)
    a = _x(rng, _shape(rng), np.float32)
    ax = int(rng.integers(a.ndim))
    k = int(rng.integers(a.shape[ax]))
    got = np.asarray(jnp.partition(a, k, axis=ax))
    want = np.partition(a, k, axis=ax)
    kth = (slice(None),) * ax + (slice(k, k + 1),)
    _eq(got[kth], want[kth], np.float32)
    assert np.all(np.take(got, range(k), ax) <= got[kth])
    assert np.all(np.take(got, range(k + 1, a.shape[ax]), ax) >= got[kth])
    idx = np.asarray(jnp.argpartition(a, k, axis=ax))
    _eq(np.take_along_axis(a, idx, ax)[kth], want[kth])


@pytest.mark.parametrize("case", range(N))
def test_float_parts_unwrap_bits(case):
    rng = np.random.default_rng(600 + case)
    dtype = [np.float32, np.float16, np.float32][case % 3]
    x = (rng.normal(size=_shape(rng)) * 10.0 ** rng.integers(-5, 5)).astype(dtype)
    x.reshape(-1)[0] = 0
    m, e = jnp.frexp(x)
    wm, we = np.frexp(x)
    _eq(m, wm, dtype)
    _eq(e, we, np.int32)
    ex = rng.integers(-8, 8, size=x.shape).astype(np.int32)
    _eq(jnp.ldexp(x, ex), np.ldexp(x, ex), dtype, rtol=1e-3, atol=0)
    f, i = jnp.modf(x)
    wf, wi = np.modf(x)
    _eq(f, wf, dtype, rtol=1e-3, atol=1e-6)
    _eq(i, wi, dtype)
    p = np.cumsum(rng.normal(size=_shape(rng)) * 3, axis=-1).astype(np.float32)
    ax = int(rng.integers(p.ndim))
    _eq(jnp.unwrap(p, axis=ax), np.unwrap(p, axis=ax), np.float32, rtol=1e-4, atol=1e-4)
    _eq(jnp.unwrap(p, axis=ax, period=4), np.unwrap(p, axis=ax, period=4), np.float32,
        rtol=1e-4, atol=1e-4)
    for dt in (np.int8, np.uint16, np.int32, np.bool_):
        b = rng.integers(-100 if dt != np.uint16 else 0, 100, size=(5,)).astype(dt)
        _eq(jnp.bitwise_count(b), np.bitwise_count(b), np.uint8)


def test_index_helpers():
    assert jnp.s_[1:2, ::3] == np.s_[1:2, ::3]
    assert jnp.index_exp[1] == (1,)
    a, b = np.array([1, 2, 3]), np.array([4, 5, 6])
    m = np.ones((3, 2), np.float32)
    for name, key in [("r_", (a, b)), ("r_", (slice(1, 4), 0, a)),
                      ("r_", (slice(0, 1, 5j),)), ("c_", (a, b)), ("c_", (m, a)),
                      ("r_", ("0,2", a, b)), ("r_", ("1,2,0", a, b)),
                      ("r_", ("-1", m, np.zeros((3, 1), np.float32)))]:
        want = getattr(np, name)[key]
        _eq(getattr(jnp, name)[key], want, jnp.result_type(want))


def test_errors():
    with pytest.raises(ValueError, match="inplace=False"):
        jnp.put(np.arange(3), [0], [1])
    with pytest.raises(NotImplementedError, match="mode='raise'"):     # JAX's class
        jnp.take(np.arange(3), [0], mode="raise")
    with pytest.raises(ValueError, match="invalid mode"):
        jnp.take(np.arange(3), [0], mode="bogus")
    with pytest.raises(ValueError, match="invalid entry"):
        jnp.choose([3], [[1], [2]])
    with pytest.raises(ValueError, match="indices must be integers"):  # JAX's class
        jnp.take(np.arange(3), np.array([0.5]))
    with pytest.raises(TypeError, match="indices must be integers"):
        jnp.take_along_axis(np.arange(3), np.array([0.5]), 0)
    with pytest.raises(ValueError, match="same number of dimensions"):
        jnp.take_along_axis(np.ones((2, 2)), np.zeros(2, INT), 0)


def test_traced_errors():
    jit = _traced
    with pytest.raises(Exception, match="size"):
        jit(lambda a: jnp.unique(a))(np.arange(3))
    with pytest.raises(Exception, match="length"):
        jit(lambda a: jnp.bincount(a))(np.arange(3))
    out = jit(lambda a: jnp.bincount(a, length=5))(np.array([0, 1, 1, 7]))
    _eq(out, [1, 2, 0, 0, 0], INT)


def test_grads():
    check_grads = _grad_tools()
    rng = np.random.default_rng(0)
    with config.override(enable_x64=True):
        x = rng.normal(size=(3, 4))
        idx = np.array([[0, 2], [3, 1], [1, 1]])
        check_grads(lambda a: jnp.take(a, np.array([2, 0, 2]), axis=1) ** 2, (x,),
                    order=2, modes=("fwd", "rev"))
        check_grads(lambda a: jnp.take_along_axis(a, idx, 1) ** 2, (x,), order=2,
                    modes=("fwd", "rev"))
        xp = np.array([0.0, 1.0, 2.5, 4.0])
        q = np.array([0.3, 1.7, 3.1, 2.2])
        check_grads(lambda fp, xq: jnp.interp(xq, xp, fp), (rng.normal(size=4), q),
                    order=2, modes=("fwd", "rev"))


def test_ptp_method():
    x = np.arange(12.0, dtype=np.float32).reshape(3, 4) ** 2
    a = jnp.asarray(x)
    _eq(a.ptp(), np.ptp(x), np.float32)
    _eq(a.ptp(0), np.ptp(x, 0), np.float32)
    _eq(a.ptp(1, keepdims=True), np.ptp(x, 1, keepdims=True), np.float32)
