"""Sorting, cumulative and bit-count primitives against NumPy oracles.

Generated cases draw shapes, dtypes, axes and ``reverse``; values include repeated
entries, signed zeros, infinities and NaNs for floats, so the total order (``-0.0 ==
0.0``, NaNs last, stability) is exercised.  Abstract evaluation is checked against the
computed values (shape, dtype, weak type), and bad arguments raise clear errors.
"""

from __future__ import annotations

import numpy as np
import pytest

from plax_core import dtypes, lax
from plax_core.config import config
from plax_core.core import get_aval
from plax_core.testing import num_generated_cases, random_array, tolerance

N = num_generated_cases(10)
BF16 = np.dtype(dtypes.bfloat16)
FLOATS = [np.float16, BF16, np.float32, np.float64]
INTS = [np.int8, np.int16, np.int32, np.int64, np.uint8, np.uint32]
SORTABLE = [np.bool_, *INTS, *FLOATS, np.complex64]


def _special_floats(rng, x):
    x = np.array(x, copy=True)
    if x.size and x.dtype.kind in "fV":
        flat = x.reshape(-1)
        specials = np.array([0.0, -0.0, np.nan, -np.nan, np.inf, -np.inf, 1.0, 1.0],
                            np.float64).astype(x.dtype)
        pos = rng.integers(0, flat.size, size=min(flat.size, 6))
        flat[pos] = rng.choice(specials, size=pos.size)
    return x


def _values(rng, shape, dtype):
    dtype = np.dtype(dtype)
    if dtype == np.bool_:
        return rng.integers(0, 2, size=shape).astype(bool)
    if dtype.kind in "iu":
        return rng.integers(0, 4, size=shape).astype(dtype)   # many ties
    x = np.round(random_array(rng, shape, dtype)).astype(dtype)
    return _special_floats(rng, x)


def _total_order_argsort(x, axis):
    """An independent oracle: NumPy's stable argsort on a float64 (or structured) view."""
    x = np.asarray(x)
    if x.dtype.kind == "c":
        re, im = np.real(x).astype(np.float64), np.imag(x).astype(np.float64)
        re, im = re + 0.0, im + 0.0          # -0.0 -> 0.0
        return np.lexsort((np.where(np.isnan(im), np.inf, im),
                           np.isnan(im),
                           np.where(np.isnan(re), np.inf, re), np.isnan(re)), axis=axis)
    if x.dtype.kind in "fV":
        f = x.astype(np.float64) + 0.0
        return np.lexsort((np.where(np.isnan(f), np.inf, f), np.isnan(f)), axis=axis)
    return np.argsort(x, axis=axis, kind="stable")


def _same(got, want):
    got, want = np.asarray(got), np.asarray(want)
    assert got.dtype == want.dtype and got.shape == want.shape
    if got.dtype.kind in "fVc":
        np.testing.assert_array_equal(np.isnan(got), np.isnan(want))
        np.testing.assert_array_equal(got.astype(np.complex128 if got.dtype.kind == "c"
                                                 else np.float64)[~np.isnan(got)],
                                      want.astype(got.dtype).astype(
                                          np.complex128 if got.dtype.kind == "c"
                                          else np.float64)[~np.isnan(want)])
    else:
        np.testing.assert_array_equal(got, want)


@pytest.mark.parametrize("case", range(N))
def test_sort_single_operand(case):
    rng = np.random.default_rng(case)
    dtype = SORTABLE[case % len(SORTABLE)]
    rank = int(rng.integers(1, 4))
    shape = tuple(int(d) for d in rng.integers(1, 6, size=rank))
    axis = int(rng.integers(-rank, rank))
    with config.override(enable_x64=True):
        x = _values(rng, shape, dtype)
        out = lax.sort(x, dimension=axis)
        perm = _total_order_argsort(x, axis)
        _same(out, np.take_along_axis(x, perm, axis))
        assert get_aval(out).dtype == np.dtype(dtype)


@pytest.mark.parametrize("case", range(N))
def test_sort_multi_operand_is_stable_and_lexicographic(case):
    rng = np.random.default_rng(100 + case)
    shape = (int(rng.integers(1, 4)), int(rng.integers(2, 9)))
    axis = int(rng.integers(0, 2))
    with config.override(enable_x64=True):
        k1 = _values(rng, shape, np.int32)
        k2 = _values(rng, shape, np.float32)
        payload = rng.normal(size=shape)
        idx = np.broadcast_to(np.expand_dims(np.arange(shape[axis]), 1 - axis), shape)
        o1, o2, o3, o4 = lax.sort((k1, k2, payload, idx), dimension=axis, num_keys=2)
        f2 = k2.astype(np.float64) + 0.0
        perm = np.lexsort((np.where(np.isnan(f2), np.inf, f2), np.isnan(f2), k1), axis=axis)
        _same(o1, np.take_along_axis(k1, perm, axis))
        _same(o2, np.take_along_axis(k2, perm, axis))
        _same(o3, np.take_along_axis(payload, perm, axis))
        _same(o4, np.take_along_axis(idx, perm, axis))     # stability: original order
        k, v = lax.sort_key_val(k1, payload, dimension=axis)
        perm = np.argsort(k1, axis=axis, kind="stable")
        _same(v, np.take_along_axis(payload, perm, axis))


def test_sort_total_order_examples():
    x = np.array([3.0, -0.0, np.nan, 0.0, -np.inf, 1.0, -np.nan, 2.0], np.float32)
    out = np.asarray(lax.sort(x))
    assert np.array_equal(out[:6], [-np.inf, 0, 0, 1, 2, 3]) and np.isnan(out[6:]).all()
    assert np.signbit(out[1]) and not np.signbit(out[2])       # stable on -0.0 == 0.0
    _, idx = lax.sort((x, np.arange(8)), num_keys=1)
    assert list(np.asarray(idx)) == [4, 1, 3, 5, 7, 0, 2, 6]


@pytest.mark.parametrize("case", range(N))
def test_top_k(case):
    rng = np.random.default_rng(200 + case)
    dtype = [np.int32, np.uint8, np.float32, np.float16, np.float64, BF16][case % 6]
    rank = int(rng.integers(1, 3))
    shape = tuple(int(d) for d in rng.integers(1, 7, size=rank))
    k = int(rng.integers(0, shape[-1] + 1))
    with config.override(enable_x64=True):
        x = _values(rng, shape, dtype)
        values, indices = lax.top_k(x, k)
        f = x.astype(np.float64) + 0.0
        desc = np.lexsort((np.broadcast_to(np.arange(shape[-1]), shape),
                           -np.where(np.isnan(f), np.inf, f), ~np.isnan(f)), axis=-1)[..., :k]
        assert get_aval(indices).dtype == np.int32
        _same(indices, desc.astype(np.int32))
        _same(values, np.take_along_axis(x, desc, -1))


CUMULATIVE = {
    "cumsum": (np.cumsum, [np.int32, np.uint8, np.float32, np.float64, np.float16,
                           np.complex64]),
    "cumprod": (np.cumprod, [np.int32, np.float32, np.float64, np.complex64]),
    "cummax": (np.maximum.accumulate, [np.bool_, np.int8, np.float32, np.float64]),
    "cummin": (np.minimum.accumulate, [np.bool_, np.uint16, np.float32, np.float64]),
    "cumlogsumexp": (np.logaddexp.accumulate, [np.float32, np.float64, np.float16]),
}


@pytest.mark.parametrize("name", sorted(CUMULATIVE))
@pytest.mark.parametrize("case", range(max(N // 2, 2)))
def test_cumulative(name, case):
    oracle, dts = CUMULATIVE[name]
    rng = np.random.default_rng(300 + case)
    dtype = np.dtype(dts[case % len(dts)])
    rank = int(rng.integers(1, 4))
    shape = tuple(int(d) for d in rng.integers(0 if case else 1, 5, size=rank))
    axis = int(rng.integers(-rank, rank))
    reverse = bool(rng.integers(2))
    with config.override(enable_x64=True):
        if dtype == np.bool_:
            x = rng.integers(0, 2, size=shape).astype(bool)
        elif dtype.kind in "iu":
            x = rng.integers(0, 5, size=shape).astype(dtype)
        else:
            x = random_array(rng, shape, dtype, low=-1.5, high=1.5)
        out = getattr(lax, name)(x, axis=axis, reverse=reverse)
        xf = np.flip(x, axis) if reverse else x
        wide = np.float32 if dtype in (np.float16, BF16) else dtype
        with np.errstate(all="ignore"):
            want = oracle(xf.astype(wide), axis=axis).astype(dtype)
        want = np.flip(want, axis) if reverse else want
        assert get_aval(out).dtype == dtype and get_aval(out).shape == x.shape
        np.testing.assert_allclose(np.asarray(out).astype(np.complex128),
                                   want.astype(np.complex128), **tolerance(dtype))


def test_cumulative_weak_type_and_errors():
    out = lax.cumsum(lax.full((3,), 1.0))
    assert get_aval(out).weak_type == get_aval(lax.full((3,), 1.0)).weak_type
    with pytest.raises(TypeError, match="cumlogsumexp does not accept dtype int32"):
        lax.cumlogsumexp(np.arange(3, dtype=np.int32))
    with pytest.raises(ValueError, match="out of bounds"):
        lax.cumsum(np.ones(3), axis=1)
    with pytest.raises(ValueError, match="top_k: k=4"):
        lax.top_k(np.ones(3), 4)
    with pytest.raises(TypeError, match="same shape"):
        lax.sort((np.ones(3), np.ones(4)))
    with pytest.raises(ValueError, match="num_keys"):
        lax.sort((np.ones(3), np.ones(3)), num_keys=3)


@pytest.mark.parametrize("case", range(N))
def test_associative_scan(case):
    rng = np.random.default_rng(400 + case)
    n = int(rng.integers(0, 12))
    x = rng.normal(size=(2, n)).astype(np.float32)
    reverse = bool(case % 2)
    out = lax.associative_scan(lax.add, x, reverse=reverse, axis=1)
    want = np.flip(np.cumsum(np.flip(x, 1), 1), 1) if reverse else np.cumsum(x, 1)
    np.testing.assert_allclose(np.asarray(out), want, rtol=1e-5, atol=1e-5)
    pair = lax.associative_scan(lambda a, b: (a[0] + b[0], lax.max(a[1], b[1])), (x, x),
                                axis=1)
    np.testing.assert_allclose(np.asarray(pair[1]), np.maximum.accumulate(x, 1))


@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.float16, BF16])
@pytest.mark.parametrize("bits", [(8, 7), (5, 10), (8, 23), (11, 52), (4, 3)])
def test_reduce_precision(dtype, bits):
    rng = np.random.default_rng(7)
    e, m = bits
    with config.override(enable_x64=True):
        with np.errstate(over="ignore"):
            x = (rng.normal(size=40) * 10.0 ** rng.integers(-6, 6, 40)).astype(dtype)
        x = _special_floats(rng, x)
        out = np.asarray(lax.reduce_precision(x, e, m))
        assert out.dtype == np.dtype(dtype)
        target = {(8, 7): BF16, (5, 10): np.float16, (8, 23): np.float32,
                  (11, 52): np.float64}.get(bits)
        info = dtypes.finfo(dtype)
        if target is not None and e <= info.nexp and m <= info.nmant:
            tinfo = dtypes.finfo(target)
            with np.errstate(all="ignore"):
                want = x.astype(target).astype(dtype)
            # XLA flushes the narrower exponent range's subnormals to zero
            tiny = np.abs(x.astype(np.float64)) < float(tinfo.tiny)
            tiny &= e < info.nexp
            want[tiny] = np.copysign(0, x[tiny].astype(np.float64)).astype(dtype)
            _same(out, want)
        # rounding is idempotent and keeps NaN/inf
        _same(lax.reduce_precision(out, e, m), out)
        assert np.isnan(out[np.isnan(x)]).all()


@pytest.mark.parametrize("dtype", INTS + [np.uint16, np.uint64])
def test_population_count_and_clz(dtype):
    rng = np.random.default_rng(8)
    with config.override(enable_x64=True):
        info = np.iinfo(dtype)
        x = rng.integers(info.min, info.max, size=30, dtype=dtype, endpoint=True)
        x[:3] = [0, info.max, info.min]
        bits = 8 * np.dtype(dtype).itemsize
        as_text = [np.binary_repr(int(v), width=bits)[-bits:] for v in x]
        pop = np.asarray(lax.population_count(x))
        lz = np.asarray(lax.clz(x))
        assert pop.dtype == lz.dtype == np.dtype(dtype)
        assert list(pop) == [t.count("1") for t in as_text]
        assert list(lz) == [len(t) - len(t.lstrip("0")) for t in as_text]
    with pytest.raises(TypeError, match="population_count does not accept dtype float32"):
        lax.population_count(np.ones(2, np.float32))
