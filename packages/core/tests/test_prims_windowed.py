"""conv_general_dilated and reduce_window_{sum,max,min}: values against explicit loops
and scipy.signal, abstract eval against the implementation, padding helpers, the lax
wrappers (conv, conv_with_general_padding, conv_transpose, reduce_window) and errors.

The loop oracles share no code with the implementation: they walk every output
position and every window offset, map it back through stride, padding and dilation
to an input position, and skip holes and padding.
"""

from __future__ import annotations

import itertools

import numpy as np
import pytest
import scipy.signal

import plax_core
from plax_core import lax
from plax_core.config import config
from plax_core.prims.windowed import ConvDimensionNumbers
from plax_core.testing import num_generated_cases

F32, F64, I32, C64 = (np.dtype(t) for t in (np.float32, np.float64, np.int32, np.complex64))


def rand(rng, shape, dtype):
    dtype = np.dtype(dtype)
    if dtype.kind in "iu":
        return rng.integers(-3, 4, shape).astype(dtype)
    if dtype.kind == "b":
        return rng.random(shape) < 0.5
    if dtype.kind == "c":
        return (rng.normal(size=shape) + 1j * rng.normal(size=shape)).astype(dtype)
    return rng.normal(size=shape).astype(dtype)


def tol(dtype):
    return dict(rtol=1e-4, atol=1e-4) if np.dtype(dtype) in (F32, C64) else dict(rtol=0, atol=0)


# ------------------------------------------------------------------ oracles

def _source(pos, k, stride, rhs_dil, lo, lhs_dil, n):
    """The input index that output ``pos`` with window offset ``k`` reads, or None."""
    p = pos * stride + k * rhs_dil - lo
    if p < 0 or p % lhs_dil:
        return None
    p //= lhs_dil
    return p if p < n else None


def conv_loop(lhs, rhs, strides, padding, lhs_dil, rhs_dil, dnums, G=1, B=1, out_dtype=None):
    lhs_spec, rhs_spec, out_spec = dnums
    x = np.transpose(lhs, lhs_spec)
    w = np.transpose(rhs, rhs_spec)
    N, C = x.shape[:2]
    O, I = w.shape[:2]
    spatial, window = x.shape[2:], w.shape[2:]
    out_sp = []
    for n, k, s, (lo, hi), ld, rd in zip(spatial, window, strides, padding, lhs_dil, rhs_dil):
        padded = (0 if n == 0 else (n - 1) * ld + 1) + lo + hi
        kk = 0 if k == 0 else (k - 1) * rd + 1
        out_sp.append(0 if padded < kk else (padded - kk) // s + 1)
    acc = np.complex128 if x.dtype.kind == "c" else (np.int64 if x.dtype.kind in "iub"
                                                     else np.float64)
    out = np.zeros((N // B, O) + tuple(out_sp), acc)
    og = O // (G * B)
    for nb, o in itertools.product(range(N // B), range(O)):
        group = o // og
        g, b = (group, 0) if G > 1 else (0, group)
        n_in = b * (N // B) + nb
        for pos in itertools.product(*map(range, out_sp)):
            total = 0
            for ci in range(I):
                c = g * I + ci
                for k in itertools.product(*map(range, window)):
                    src = [_source(p, kk, s, rd, lo, ld, n) for p, kk, s, rd, (lo, _), ld, n
                           in zip(pos, k, strides, rhs_dil, padding, lhs_dil, spatial)]
                    if any(v is None for v in src):
                        continue
                    total += acc(x[(n_in, c) + tuple(src)]) * acc(w[(o, ci) + k])
            out[(nb, o) + pos] = total
    out = out.astype(out_dtype or lhs.dtype)
    return np.transpose(out, np.argsort(out_spec))


IDENTITY = {"sum": lambda d: 0, "max": lambda d: -np.inf if d.kind in "fc" else (
    False if d.kind == "b" else np.iinfo(d).min), "min": lambda d: np.inf if d.kind in "fc"
    else (True if d.kind == "b" else np.iinfo(d).max)}
REDUCE = {"sum": lambda a, b: a + b, "max": max, "min": min}


def reduce_window_loop(kind, x, window, strides, padding, base_dil, win_dil):
    out_sp = []
    for n, k, s, (lo, hi), bd, wd in zip(x.shape, window, strides, padding, base_dil, win_dil):
        padded = (0 if n == 0 else (n - 1) * bd + 1) + lo + hi
        kk = 0 if k == 0 else (k - 1) * wd + 1
        out_sp.append(0 if padded < kk else (padded - kk) // s + 1)
    init = IDENTITY[kind](x.dtype)
    out = np.zeros(out_sp, x.dtype)
    for pos in itertools.product(*map(range, out_sp)):
        acc = init
        for k in itertools.product(*map(range, window)):
            src = [_source(p, kk, s, wd, lo, bd, n) for p, kk, s, wd, (lo, _), bd, n
                   in zip(pos, k, strides, win_dil, padding, base_dil, x.shape)]
            if any(v is None for v in src):
                continue
            v = x[tuple(src)]
            acc = v if acc is init and kind != "sum" else REDUCE[kind](acc, v)
            if kind != "sum" and isinstance(v, np.floating) and np.isnan(v):
                acc = v
        out[pos] = acc
    return out


# ------------------------------------------------------------------ generated convs

def random_conv_case(rng):
    nsp = int(rng.choice([1, 2, 2, 3]))
    G = B = 1
    kind = rng.integers(3)
    if kind == 1:
        G = int(rng.integers(2, 4))
    elif kind == 2:
        B = int(rng.integers(2, 4))
    n = B * int(rng.integers(1, 3))
    i = int(rng.integers(1, 3))
    o = G * B * int(rng.integers(1, 3))
    spatial = [int(rng.integers(1, 6 if nsp < 3 else 4)) for _ in range(nsp)]
    window = [int(rng.integers(1, 4)) for _ in range(nsp)]
    strides = tuple(int(rng.integers(1, 3)) for _ in range(nsp))
    lhs_dil = tuple(int(rng.integers(1, 3)) for _ in range(nsp))
    rhs_dil = tuple(int(rng.integers(1, 3)) for _ in range(nsp))
    padding = tuple((int(rng.integers(-1, 3)), int(rng.integers(-1, 3))) for _ in range(nsp))
    padding = tuple((max(lo, -s + 1) if s > 1 else max(lo, 0), hi)
                    for (lo, hi), s in zip(padding, spatial))
    perms = [tuple(int(v) for v in rng.permutation(nsp + 2)) for _ in range(3)]
    dnums = ConvDimensionNumbers(*perms)
    lhs_c = (n, i * G) + tuple(spatial)
    rhs_c = (o, i) + tuple(window)
    lhs_shape = [0] * (nsp + 2)
    rhs_shape = [0] * (nsp + 2)
    for j, d in enumerate(dnums.lhs_spec):
        lhs_shape[d] = lhs_c[j]
    for j, d in enumerate(dnums.rhs_spec):
        rhs_shape[d] = rhs_c[j]
    return dict(lhs_shape=tuple(lhs_shape), rhs_shape=tuple(rhs_shape), strides=strides,
                padding=padding, lhs_dil=lhs_dil, rhs_dil=rhs_dil, dnums=dnums, G=G, B=B)


@pytest.mark.parametrize("dtype", [F32, I32, C64])
def test_conv_general_dilated_matches_loop(dtype):
    rng = np.random.default_rng(7 + dtype.num)
    for _ in range(max(4, 2 * num_generated_cases())):
        c = random_conv_case(rng)
        lhs, rhs = rand(rng, c["lhs_shape"], dtype), rand(rng, c["rhs_shape"], dtype)
        got = lax.conv_general_dilated(lhs, rhs, c["strides"], c["padding"], c["lhs_dil"],
                                       c["rhs_dil"], c["dnums"], feature_group_count=c["G"],
                                       batch_group_count=c["B"])
        want = conv_loop(lhs, rhs, c["strides"], c["padding"], c["lhs_dil"], c["rhs_dil"],
                         c["dnums"], c["G"], c["B"])
        assert got.dtype == dtype and got.shape == want.shape, c
        np.testing.assert_allclose(np.asarray(got), want, err_msg=str(c), **tol(dtype))
        # abstract evaluation agrees with the implementation
        jaxpr = plax_core.make_jaxpr(lambda a, b, c=c: lax.conv_general_dilated(
            a, b, c["strides"], c["padding"], c["lhs_dil"], c["rhs_dil"], c["dnums"],
            feature_group_count=c["G"], batch_group_count=c["B"]))(lhs, rhs)
        assert jaxpr.jaxpr.outvars[0].aval.shape == want.shape


def test_conv_matches_scipy_correlate():
    rng = np.random.default_rng(0)
    x = rand(rng, (2, 3, 7, 6), F32)
    w = rand(rng, (4, 3, 3, 2), F32)
    for mode in ("VALID", "SAME"):
        got = np.asarray(lax.conv(x, w, (1, 1), mode))
        # SAME with an even kernel: JAX puts the odd padding unit at the end, scipy's
        # 'same' centres differently, so compare against 'full' cropped JAX's way.
        full = np.stack([np.stack([sum(scipy.signal.correlate2d(x[n, c], w[o, c], "full")
                                       for c in range(3)) for o in range(4)])
                         for n in range(2)])
        if mode == "VALID":
            want = full[:, :, 2:-2, 1:-1]
        else:
            pads = lax.padtype_to_pads((7, 6), (3, 2), (1, 1), "SAME")
            (lo0, _), (lo1, _) = pads
            want = full[:, :, 2 - lo0:2 - lo0 + 7, 1 - lo1:1 - lo1 + 6]
        np.testing.assert_allclose(got, want, rtol=1e-4, atol=1e-4)


def test_conv_nhwc_strings_match_nchw():
    rng = np.random.default_rng(1)
    x = rand(rng, (2, 9, 8, 3), F32)       # NHWC
    w = rand(rng, (3, 3, 3, 5), F32)       # HWIO
    got = lax.conv_general_dilated(x, w, (2, 1), "SAME", None, (1, 2),
                                   ("NHWC", "HWIO", "NHWC"))
    want = lax.conv_general_dilated(np.transpose(x, (0, 3, 1, 2)), np.transpose(w, (3, 2, 0, 1)),
                                    (2, 1), "SAME", None, (1, 2))
    assert got.shape == (2, 5, 8, 5)
    np.testing.assert_allclose(np.asarray(got), np.transpose(np.asarray(want), (0, 2, 3, 1)),
                               rtol=1e-5, atol=1e-5)


def test_conv_with_general_padding_and_preferred_type():
    rng = np.random.default_rng(2)
    x = rand(rng, (1, 2, 5, 4), I32).astype(np.int8)
    w = rand(rng, (3, 2, 2, 2), I32).astype(np.int8)
    got = lax.conv_with_general_padding(x, w, (1, 2), ((1, 0), (0, 1)), (2, 1), (1, 1),
                                        preferred_element_type=np.int32)
    assert got.dtype == np.int32
    want = conv_loop(x, w, (1, 2), ((1, 0), (0, 1)), (2, 1), (1, 1),
                     ConvDimensionNumbers((0, 1, 2, 3), (0, 1, 2, 3), (0, 1, 2, 3)),
                     out_dtype=np.int32)
    np.testing.assert_array_equal(np.asarray(got), want)


def test_conv_transpose_is_scatter_of_kernel():
    """With transpose_kernel, conv_transpose is the gradient of a strided VALID conv:
    each input position scatters the kernel at ``i * stride``."""
    rng = np.random.default_rng(3)
    n, length, o, c, k, s = 2, 4, 3, 2, 3, 2
    x = rand(rng, (n, length, o), F32)           # NHC, H channels = forward conv's outputs
    w = rand(rng, (k, c, o), F32)                # HIO of the forward conv (I = c, O = o)
    got = np.asarray(lax.conv_transpose(x, w, (s,), "VALID", dimension_numbers=(
        "NHC", "HIO", "NHC"), transpose_kernel=True))
    want = np.zeros((n, (length - 1) * s + k, c), np.float64)
    for b, i, kk in itertools.product(range(n), range(length), range(k)):
        want[b, i * s + kk] += w[kk] @ x[b, i]
    np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("padding,k,s", [("SAME", 3, 2), ("SAME", 2, 3), ("VALID", 3, 2),
                                         ("VALID", 2, 3), ("SAME", 4, 1), ("VALID", 1, 1)])
def test_conv_transpose_shapes(padding, k, s):
    x = np.ones((1, 5, 6, 2), np.float32)
    w = np.ones((k, k, 2, 3), np.float32)
    out = lax.conv_transpose(x, w, (s, s), padding)
    expect = [d * s if padding == "SAME" else (d - 1) * s + max(k, s) for d in (5, 6)]
    assert out.shape == (1, *expect, 3)


def test_padtype_to_pads():
    assert lax.padtype_to_pads((7, 6), (3, 2), (1, 1), "SAME") == [(1, 1), (0, 1)]
    assert lax.padtype_to_pads((7, 6), (3, 2), (1, 1), "SAME_LOWER") == [(1, 1), (1, 0)]
    assert lax.padtype_to_pads((5,), (3,), (2,), "SAME") == [(1, 1)]
    assert lax.padtype_to_pads((6,), (3,), (2,), "SAME") == [(0, 1)]
    assert lax.padtype_to_pads((4, 4), (3, 3), (1, 1), "VALID") == [(0, 0), (0, 0)]
    with pytest.raises(RuntimeError, match="Unrecognized padding"):
        lax.padtype_to_pads((4,), (3,), (1,), "FULL")


def test_conv_dimension_numbers():
    dn = lax.conv_dimension_numbers((1, 5, 5, 3), (3, 3, 3, 8), ("NHWC", "HWIO", "NHWC"))
    assert dn == ConvDimensionNumbers((0, 3, 1, 2), (3, 2, 0, 1), (0, 3, 1, 2))
    assert lax.conv_dimension_numbers((1, 2, 3), (1, 2, 3), None) == ConvDimensionNumbers(
        (0, 1, 2), (0, 1, 2), (0, 1, 2))
    with pytest.raises(TypeError, match="exactly once"):
        lax.conv_dimension_numbers((1, 5, 5, 3), (3, 3, 3, 8), ("NHWW", "HWIO", "NHWC"))
    with pytest.raises(TypeError, match="same set of spatial"):
        lax.conv_dimension_numbers((1, 5, 5, 3), (3, 3, 3, 8), ("NHWC", "HDIO", "NHWC"))


def test_conv_errors():
    x = np.ones((2, 4, 5, 5), np.float32)
    w = np.ones((6, 3, 3, 3), np.float32)
    with pytest.raises(ValueError, match="rhs input feature dimension"):
        lax.conv(x, w, (1, 1), "VALID")
    with pytest.raises(ValueError, match="feature_group_count must divide"):
        lax.conv_general_dilated(x, np.ones((6, 1, 3, 3), np.float32), (1, 1), "VALID",
                                 feature_group_count=3)
    with pytest.raises(ValueError, match="batch_group_count must divide"):
        lax.conv_general_dilated(np.ones((3, 3, 5, 5), np.float32), w, (1, 1), "VALID",
                                 batch_group_count=2)
    with pytest.raises(ValueError, match="At most one"):
        lax.conv_general_dilated(np.ones((4, 6, 5, 5), np.float32), w, (1, 1), "VALID",
                                 feature_group_count=2, batch_group_count=2)
    with pytest.raises(ValueError, match="same number of dimensions"):
        lax.conv_general_dilated_p.bind(
            x, np.ones((6, 4, 3), np.float32), window_strides=(1, 1), padding=((0, 0),) * 2,
            lhs_dilation=(1, 1), rhs_dilation=(1, 1),
            dimension_numbers=ConvDimensionNumbers((0, 1, 2, 3), (0, 1, 2), (0, 1, 2, 3)),
            feature_group_count=1, batch_group_count=1, precision=None,
            preferred_element_type=None)
    with pytest.raises(TypeError, match="same dtypes"):
        lax.conv(x, np.ones((6, 4, 3, 3), np.int32), (1, 1), "VALID")
    with pytest.raises(ValueError, match="window_strides must have 2"):
        lax.conv(x, np.ones((6, 4, 3, 3), np.float32), (1,), "VALID")
    with pytest.raises(ValueError, match="must be positive"):
        lax.conv(x, np.ones((6, 4, 3, 3), np.float32), (0, 1), "VALID")
    with pytest.raises(ValueError, match="negative padding"):
        lax.conv(x, np.ones((6, 4, 3, 3), np.float32), (1, 1), ((-6, 0), (0, 0)))


def test_conv_empty_and_oversized_windows():
    x = np.ones((2, 3, 2, 2), np.float32)
    w = np.ones((4, 3, 3, 3), np.float32)
    assert lax.conv(x, w, (1, 1), "VALID").shape == (2, 4, 0, 0)
    assert lax.conv(np.ones((0, 3, 5, 5), np.float32), w, (1, 1), "SAME").shape == (0, 4, 5, 5)


# ------------------------------------------------------------------ reduce_window

def random_window_case(rng, ndim):
    shape = tuple(int(rng.integers(1, 6)) for _ in range(ndim))
    window = tuple(int(rng.integers(1, 4)) for _ in range(ndim))
    strides = tuple(int(rng.integers(1, 3)) for _ in range(ndim))
    base = tuple(int(rng.integers(1, 3)) for _ in range(ndim))
    wdil = tuple(int(rng.integers(1, 3)) for _ in range(ndim))
    padding = tuple((int(rng.integers(0, 3)), int(rng.integers(0, 3))) for _ in range(ndim))
    return shape, window, strides, padding, base, wdil


@pytest.mark.parametrize("kind", ["sum", "max", "min"])
@pytest.mark.parametrize("dtype", [F32, I32, np.dtype(np.float16)])
def test_reduce_window_matches_loop(kind, dtype):
    rng = np.random.default_rng(11 + dtype.num + len(kind))
    fn = getattr(lax, f"reduce_window_{kind}")
    for i in range(max(4, 2 * num_generated_cases())):
        shape, window, strides, padding, base, wdil = random_window_case(rng, 1 + i % 3)
        x = rand(rng, shape, dtype)
        got = fn(x, window, strides, padding, base, wdil)
        want = reduce_window_loop(kind, x, window, strides, padding, base, wdil)
        assert got.dtype == dtype and got.shape == want.shape
        t = dict(rtol=1e-2, atol=1e-2) if dtype == np.float16 else tol(dtype)
        np.testing.assert_allclose(np.asarray(got), want, **t)
        params = (window, strides, padding, base, wdil)
        jaxpr = plax_core.make_jaxpr(lambda a, params=params: fn(a, *params))(x)
        assert jaxpr.jaxpr.outvars[0].aval.shape == want.shape


def test_reduce_window_bool_max():
    x = np.array([[True, False, False], [False, False, True]])
    got = lax.reduce_window_max(x, (1, 2), (1, 1), "VALID")
    np.testing.assert_array_equal(np.asarray(got), [[True, False], [False, True]])
    with pytest.raises(TypeError, match="reduce_window_sum does not accept dtype bool"):
        lax.reduce_window_sum(x, (1, 2), (1, 1), "VALID")


def test_reduce_window_pooling_against_loops():
    rng = np.random.default_rng(5)
    x = rand(rng, (2, 6, 7, 3), F32)
    got = np.asarray(lax.reduce_window_max(x, (1, 2, 2, 1), (1, 2, 2, 1), "VALID"))
    want = np.zeros((2, 3, 3, 3), np.float32)
    for b, i, j, c in itertools.product(range(2), range(3), range(3), range(3)):
        want[b, i, j, c] = x[b, 2 * i:2 * i + 2, 2 * j:2 * j + 2, c].max()
    np.testing.assert_array_equal(got, want)
    got = np.asarray(lax.reduce_window(x, 0.0, lax.add, (1, 3, 3, 1), (1, 1, 1, 1), "SAME"))
    xp = np.pad(x, ((0, 0), (1, 1), (1, 1), (0, 0)))
    want = sum(xp[:, i:i + 6, j:j + 7] for i in range(3) for j in range(3))
    np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-5)


def test_reduce_window_general_function():
    x = np.arange(12.0, dtype=np.float32).reshape(3, 4)
    got = lax.reduce_window(x, 100.0, lax.add, (2, 2), (1, 2), "VALID")
    want = 100 + np.asarray(lax.reduce_window_sum(x, (2, 2), (1, 2), "VALID"))
    np.testing.assert_array_equal(np.asarray(got), want)
    got = lax.reduce_window(x, 5.0, lax.max, (1, 2), (1, 2), "VALID")
    np.testing.assert_array_equal(np.asarray(got), [[5, 5], [5, 7], [9, 11]])
    got = lax.reduce_window(x, np.inf, lax.min, (3, 1), (1, 1), "VALID")
    np.testing.assert_array_equal(np.asarray(got), [[0, 1, 2, 3]])
    jaxpr = plax_core.make_jaxpr(lambda a: lax.reduce_window(a, -np.inf, lax.max, (2, 2),
                                                             (1, 1), "VALID"))(x)
    assert [e.primitive.name for e in jaxpr.jaxpr.eqns] == ["reduce_window_max"]
    with pytest.raises(NotImplementedError, match="not supported"):
        lax.reduce_window(x, 1.0, lax.mul, (2, 2), (1, 1), "VALID")


def test_reduce_window_errors():
    x = np.ones((3, 4), np.float32)
    with pytest.raises(ValueError, match="window_dimensions must have 2"):
        lax.reduce_window_sum(x, (2,), (1, 1), "VALID")
    with pytest.raises(ValueError, match="window_strides must be positive"):
        lax.reduce_window_sum(x, (2, 2), (0, 1), "VALID")
    with pytest.raises(TypeError, match="padding must be"):
        lax.reduce_window_sum(x, (2, 2), (1, 1), "VALID!" and 3)


def test_reduce_window_x64_and_nan():
    with config.override(enable_x64=True):
        x = np.array([1.0, np.nan, 3.0, 4.0])
        got = np.asarray(lax.reduce_window_max(x, (2,), (1,), "VALID"))
        assert got.dtype == F64
        np.testing.assert_array_equal(np.isnan(got), [True, True, False])


def test_primitives_registered_and_exported():
    names = set(plax_core.get_registry().primitives)
    assert {"conv_general_dilated", "reduce_window_sum", "reduce_window_max",
            "reduce_window_min"} <= names
    for name in ("conv_general_dilated_p", "reduce_window_sum_p", "reduce_window_max_p",
                 "reduce_window_min_p"):
        assert hasattr(lax, name)
    for name in ("conv", "conv_transpose", "conv_general_dilated", "reduce_window",
                 "padtype_to_pads", "conv_with_general_padding", "ConvDimensionNumbers"):
        assert name in lax.__all__
