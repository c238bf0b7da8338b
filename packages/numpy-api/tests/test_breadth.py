"""The issue-9 breadth of plax.numpy / plax.nn (creation, manipulation, pad, NaN
reductions, polynomials, convolution, statistics, bits, windows, Bessel I0) against
NumPy/SciPy over generated shapes and dtypes: values and JAX's result dtypes.
Gradients are checked with check_grads where plax-autodiff is installed."""

import itertools
import warnings
import zlib

import numpy as np
import pytest
import scipy.special

import plax_core
import plax_numpy as jnp
from plax_core import testing
from plax_core.config import config

N = testing.num_generated_cases()
F32 = np.dtype(np.float32)


def rng_for(*key):
    return np.random.default_rng(zlib.crc32(repr(key).encode()))


def close(got, want, rtol=1e-5, atol=1e-5):
    got, want = np.asarray(got), np.asarray(want)
    assert got.shape == want.shape, (got.shape, want.shape)
    if got.dtype.kind in "biu":
        np.testing.assert_array_equal(got, want)
    else:
        np.testing.assert_allclose(got.astype(np.complex128 if got.dtype.kind == "c" else
                                              np.float64), want, rtol=rtol, atol=atol,
                                   equal_nan=True)


def shapes(key, n=N, min_rank=1, max_rank=3):
    r = rng_for(key)
    return [tuple(int(d) for d in r.integers(1, 5, size=r.integers(min_rank, max_rank + 1)))
            for _ in range(n)]


# (name, args builder from (rng, shape, dtype), NumPy oracle, JAX's result dtype or None)
def _x(r, s, dt):
    return testing.random_array(r, s, dt)


def _nanx(r, s, dt):
    x = testing.random_array(r, s, dt)
    x.ravel()[:: 3] = np.nan
    return x


UNARY_CASES = [
    ("nansum", _nanx, np.nansum), ("nanprod", _nanx, np.nanprod),
    ("nanmax", _nanx, np.nanmax), ("nanmin", _nanx, np.nanmin),
    ("nanmean", _nanx, np.nanmean), ("nanvar", _nanx, np.nanvar),
    ("nanstd", _nanx, np.nanstd), ("diff", _x, np.diff), ("ediff1d", _x, np.ediff1d),
    ("trapezoid", _x, np.trapezoid), ("rot90", _x, None), ("flatnonzero", _x, np.flatnonzero),
    ("spacing", _x, np.spacing), ("iscomplex", _x, np.iscomplex), ("isreal", _x, np.isreal),
]


@pytest.mark.parametrize("name,make,oracle", UNARY_CASES, ids=[c[0] for c in UNARY_CASES])
@pytest.mark.parametrize("dt", [np.float32, np.int32])
def test_unary_against_numpy(name, make, oracle, dt):
    if dt == np.int32 and make is _nanx:
        make = _x
    if name == "spacing" and dt == np.int32:
        pytest.skip("NumPy's spacing of ints uses float64")
    for s in shapes(name, min_rank=2 if name == "rot90" else 1):
        if name == "flatnonzero":
            pass
        x = make(rng_for(name, s), s, dt)
        oracle_fn = oracle or getattr(np, name)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            want = oracle_fn(x)
        got = getattr(jnp, name)(x)
        close(got, want, rtol=1e-4)
        if dt == np.float32 and name not in ("flatnonzero", "iscomplex", "isreal"):
            assert got.dtype == F32, (name, got.dtype)


@pytest.mark.parametrize("mode,kw", [
    ("constant", {}), ("constant", {"constant_values": ((1, 2), (3, 4))}), ("edge", {}),
    ("reflect", {}), ("symmetric", {}), ("reflect", {"reflect_type": "odd"}),
    ("symmetric", {"reflect_type": "odd"}), ("wrap", {}),
    ("linear_ramp", {"end_values": (5, -2)}), ("maximum", {}),
    ("minimum", {"stat_length": 2}), ("mean", {}), ("mean", {"stat_length": ((1, 2), (2, 1))}),
])
@pytest.mark.parametrize("dt", [np.float32, np.int32])
def test_pad_every_mode(mode, kw, dt):
    for s in shapes(("pad", mode), min_rank=2, max_rank=2):
        x = testing.random_array(rng_for(s), s, dt)
        for pw in [1, ((2, 3), (0, 5)), ((7, 9), (4, 11))]:
            got = jnp.pad(x, pw, mode, **kw)
            close(got, np.pad(x, pw, mode, **kw))
            assert got.dtype == np.dtype(dt)


@pytest.mark.parametrize("mode", ["full", "same", "valid"])
@pytest.mark.parametrize("fn", ["convolve", "correlate"])
def test_convolve_correlate(fn, mode):
    r = rng_for(fn, mode)
    for n, m in itertools.product(range(1, 7), repeat=2):  # every even/odd, longer/shorter
        a, v = r.normal(size=n).astype(np.float32), r.normal(size=m).astype(np.float32)
        got = getattr(jnp, fn)(a, v, mode)
        close(got, getattr(np, fn)(a, v, mode), rtol=1e-4)
        assert got.dtype == F32
    assert jnp.convolve(np.arange(3), np.arange(2)).dtype == F32  # JAX promotes to float


def test_polynomials():
    r = rng_for("poly")
    for _ in range(N):
        p = r.normal(size=int(r.integers(1, 5))).astype(np.float32)
        q = r.normal(size=int(r.integers(1, 4))).astype(np.float32)
        x = r.normal(size=3).astype(np.float32)
        close(jnp.polyval(p, x), np.polyval(p, x), rtol=1e-4)
        close(jnp.polyadd(p, q), np.polyadd(p, q))
        close(jnp.polysub(p, q), np.polysub(p, q))
        close(jnp.polymul(p, q), np.polymul(p, q), rtol=1e-4)
        close(jnp.polyder(p, 2), np.polyder(p, 2) if len(p) > 2 else np.zeros(0))
        close(jnp.polyint(p, 2, [1.0, 2.0]), np.polyint(p, 2, [1.0, 2.0]), rtol=1e-4)
        close(jnp.poly(q), np.poly(q), rtol=1e-4)
    quot, rem = jnp.polydiv(np.array([1.0, 3, 3, 1]), np.array([1.0, 1]))
    close(quot, [1, 2, 1]) and close(rem, [0, 0, 0, 0])
    assert jnp.polyder(np.array([1, 2, 3])).dtype == F32
    assert jnp.polyval(np.array([1, 2]), 3).dtype == np.int32


def test_statistics_and_products():
    r = rng_for("stats")
    for s in shapes("stats", min_rank=2, max_rank=2):
        x = r.normal(size=(s[0], s[1] + 1)).astype(np.float32)
        close(jnp.cov(x), np.cov(x), rtol=1e-4)
        close(jnp.cov(x, rowvar=False, ddof=0), np.cov(x, rowvar=False, ddof=0), rtol=1e-4)
        w = np.arange(1, x.shape[1] + 1)
        close(jnp.cov(x, fweights=w, aweights=w * 0.5), np.cov(x, fweights=w, aweights=w * 0.5),
              rtol=1e-4)
        if s[0] > 1:
            close(jnp.corrcoef(x), np.corrcoef(x), rtol=1e-4)
    a, b = r.normal(size=(4, 3)), r.normal(size=(4, 3))
    close(jnp.cross(a, b), np.cross(a, b), rtol=1e-4)
    close(jnp.cross(a[:, :2], b), np.cross(np.pad(a[:, :2], ((0, 0), (0, 1))), b), rtol=1e-4)
    close(jnp.cross(a[:, :2], b[:, :2]), a[:, 0] * b[:, 1] - a[:, 1] * b[:, 0], rtol=1e-4)
    m, v = r.normal(size=(2, 3, 4)), r.normal(size=4)
    close(jnp.matvec(m, v), m @ v, rtol=1e-4)
    u = r.normal(size=3)
    close(jnp.vecmat(u, m), np.einsum("i,...ij->...j", u, m), rtol=1e-4)


def test_creation_extras():
    for n in range(0, 6):
        for name in ("bartlett", "blackman", "hamming", "hanning"):
            close(getattr(jnp, name)(n), getattr(np, name)(n), atol=1e-6)
        close(jnp.kaiser(n, 2.5), np.kaiser(n, 2.5), rtol=1e-5)
    assert jnp.hanning(4).dtype == F32
    close(jnp.geomspace(1, 1000, 4), np.geomspace(1, 1000, 4), rtol=1e-5)
    close(jnp.geomspace(-2, -50, 5, endpoint=False), np.geomspace(-2, -50, 5, endpoint=False),
          rtol=1e-5)
    close(jnp.mgrid[0:3, 0:2.5:0.5], np.mgrid[0:3, 0:2.5:0.5])
    close(jnp.mgrid[0:1:5j], np.mgrid[0:1:5j])
    assert jnp.mgrid[0:3].dtype == np.int32
    for got, want in zip(jnp.ogrid[0:3, 1:4], np.ogrid[0:3, 1:4]):
        close(got, want)
    close(jnp.indices((2, 3)), np.indices((2, 3)))
    close(jnp.fromfunction(lambda i, j: i + 2 * j, (2, 3)),
          np.fromfunction(lambda i, j: i + 2 * j, (2, 3)))
    for k in (-2, 0, 1):
        close(jnp.diag(np.arange(1, 4), k), np.diag(np.arange(1, 4), k))
        close(jnp.diag(np.arange(12).reshape(3, 4), k), np.diag(np.arange(12).reshape(3, 4), k))
        sq = np.arange(4).reshape(2, 2)
        close(jnp.diagflat(sq, k), np.diagflat(sq, k))
        for a, b in zip(jnp.tril_indices(4, k, 5), np.tril_indices(4, k, 5)):
            close(a, b)
        for a, b in zip(jnp.triu_indices_from(np.ones((3, 4)), k), np.triu_indices_from(
                np.ones((3, 4)), k)):
            close(a, b)
    close(jnp.vander(np.arange(1.0, 4), 4), np.vander(np.arange(1.0, 4), 4))
    close(jnp.vander(np.arange(3), increasing=True), np.vander(np.arange(3), increasing=True))
    x = np.array([-30.0, -5, -0.5, 0, 1e-3, 3, 19.9, 20.1, 50, 80])
    close(jnp.i0(x.astype(np.float32)), scipy.special.i0(x), rtol=2e-5)
    with config.override(enable_x64=True):
        close(jnp.i0(x), scipy.special.i0(x), rtol=1e-13)
    assert jnp.single == np.float32 and jnp.cdouble == np.complex128
    assert np.dtype(jnp.float8_e4m3fn).itemsize == 1
    assert jnp.iterable([1]) and not jnp.iterable(1)
    assert jnp.astype(np.arange(3), jnp.float16).dtype == np.float16
    with pytest.raises(NotImplementedError, match="np.fromiter"):
        jnp.fromiter(iter([1]), float)


def test_manipulation_extras():
    x = np.arange(12.0).reshape(3, 4)
    for k in range(-3, 5):
        close(jnp.rot90(x, k), np.rot90(x, k))
    close(jnp.rollaxis(np.ones((2, 3, 4)), 2, 1), np.rollaxis(np.ones((2, 3, 4)), 2, 1))
    close(jnp.resize(np.arange(3), (2, 4)), np.resize(np.arange(3), (2, 4)))
    close(jnp.append(x, [[0, 0, 0, 0]], axis=0), np.append(x, [[0, 0, 0, 0]], axis=0))
    close(jnp.delete(x, [0, -1], axis=1), np.delete(x, [0, -1], axis=1))
    close(jnp.delete(x, slice(None, None, 2)), np.delete(x, slice(None, None, 2)))
    close(jnp.insert(np.arange(5), [1, 3], [9, 8]), np.insert(np.arange(5), [1, 3], [9, 8]))
    close(jnp.insert(x, 1, 0, axis=1), np.insert(x, 1, 0, axis=1))
    close(jnp.insert(x, [0, 0, 2], 7.0, axis=0), np.insert(x, [0, 0, 2], 7.0, axis=0))
    close(jnp.trim_zeros(np.array([0, 0, 1, 2, 0])), np.trim_zeros(np.array([0, 0, 1, 2, 0])))
    blocks = [[np.ones((2, 2)), np.zeros((2, 1))], [np.full((1, 3), 2.0)]]
    close(jnp.block(blocks), np.block(blocks))
    for fn in ("hsplit", "vsplit"):
        for got, want in zip(getattr(jnp, fn)(np.ones((4, 4)), 2), getattr(np, fn)(
                np.ones((4, 4)), 2)):
            close(got, want)
    for got, want in zip(jnp.dsplit(np.ones((2, 2, 4)), [1]), np.dsplit(np.ones((2, 2, 4)),
                                                                        [1])):
        close(got, want)
    close(jnp.unstack(x, axis=1)[2], x[:, 2])
    idx = (np.array([1, 2]), np.array([3, 0]))
    close(jnp.ravel_multi_index(idx, (3, 4)), np.ravel_multi_index(idx, (3, 4)))
    close(jnp.ravel_multi_index(idx, (3, 4), order="F"), np.ravel_multi_index(idx, (3, 4),
                                                                              order="F"))
    for a, b in zip(jnp.unravel_index(np.array([5, 11]), (3, 4)),
                    np.unravel_index(np.array([5, 11]), (3, 4))):
        close(a, b)
    close(jnp.apply_along_axis(lambda r: r[:2] * 2, 0, x),
          np.apply_along_axis(lambda r: r[:2] * 2, 0, x))
    close(jnp.apply_over_axes(jnp.sum, x, [0, 1]), np.apply_over_axes(np.sum, x, [0, 1]))
    for shape, wrap in (((3, 5), False), ((7, 3), True), ((7, 3), False), ((3, 3, 3), False)):
        want = np.zeros(shape)
        np.fill_diagonal(want, [1, 2], wrap=wrap)
        close(jnp.fill_diagonal(np.zeros(shape), np.array([1.0, 2.0]), wrap=wrap,
                                inplace=False), want)
    for a, b in zip(jnp.ix_(np.arange(2), np.arange(3)), np.ix_(np.arange(2), np.arange(3))):
        close(a, b)


def test_math_extras():
    a = np.array([12, -18, 0, 7, 0])
    b = np.array([8, 12, 5, 0, 0])
    close(jnp.gcd(a, b), np.gcd(a, b))
    close(jnp.lcm(a, b), np.lcm(a, b))
    assert jnp.gcd(a, b).dtype == np.int32
    close(jnp.isin(np.arange(6).reshape(2, 3), [1, 4]), np.isin(np.arange(6).reshape(2, 3),
                                                                [1, 4]))
    close(jnp.isin(np.arange(4), [1], invert=True), np.isin(np.arange(4), [1], invert=True))
    bits = rng_for("bits").integers(0, 2, size=(3, 11))
    for order in ("big", "little"):
        close(jnp.packbits(bits, axis=1, bitorder=order),
              np.packbits(bits, axis=1, bitorder=order))
        packed = np.packbits(bits, bitorder=order)
        close(jnp.unpackbits(packed, bitorder=order, count=20),
              np.unpackbits(packed, bitorder=order, count=20))
    cond = [np.arange(4) < 1, np.arange(4) < 3]
    close(jnp.select(cond, [np.arange(4), -np.arange(4)], 9),
          np.select(cond, [np.arange(4), -np.arange(4)], 9))
    xs = np.linspace(-2, 2, 9)
    close(jnp.piecewise(xs, [xs < 0, xs > 1], [lambda t: -t, lambda t: t * 2, 0.5]),
          np.piecewise(xs, [xs < 0, xs > 1], [lambda t: -t, lambda t: t * 2, 0.5]))
    assert bool(jnp.array_equiv(np.ones((2, 3)), np.ones(3)))
    assert not bool(jnp.array_equiv(np.ones((2, 3)), np.ones(2)))
    g = np.arange(20.0).reshape(4, 5) ** 2
    for got, want in zip(jnp.gradient(g, 2.0), np.gradient(g, 2.0)):
        close(got, want)
    close(jnp.diff(np.arange(10) ** 2, 2, prepend=0, append=[5, 6]),
          np.diff(np.arange(10) ** 2, 2, prepend=0, append=[5, 6]))
    close(jnp.nanargmax(np.array([[1.0, np.nan, 3], [np.nan] * 3]), axis=1), [2, -1])


def test_nn_extras():
    x = np.linspace(-3, 3, 13).astype(np.float32)
    sp = np.logaddexp(x, 0)
    close(jnp.nn.mish(x), x * np.tanh(sp))
    close(jnp.nn.squareplus(x), (x + np.sqrt(x * x + 4)) / 2)
    close(jnp.nn.sparse_plus(x), np.where(x <= -1, 0, np.where(x >= 1, x, (x + 1) ** 2 / 4)))
    close(jnp.nn.sparse_sigmoid(x), np.clip((x + 1) / 2, 0, 1))
    y = np.array([1e-3, 0.5, 1.0, 30.0], np.float32)
    close(jnp.nn.log1mexp(y), np.log(-np.expm1(-y.astype(np.float64))), rtol=1e-5)
    close(jnp.nn.logmeanexp(x), np.log(np.mean(np.exp(x.astype(np.float64)))))
    close(jnp.nn.identity(x), x)
    for fn in (jnp.nn.mish, jnp.nn.squareplus, jnp.nn.sparse_plus, jnp.nn.log1mexp):
        assert fn(x).dtype == F32 and fn(np.arange(3)).dtype == F32
    r = rng_for("attention")
    q = r.normal(size=(2, 5, 4, 8)).astype(np.float32)
    k = r.normal(size=(2, 6, 2, 8)).astype(np.float32)
    v = r.normal(size=(2, 6, 2, 3)).astype(np.float32)
    kk, vv = np.repeat(k, 2, axis=2), np.repeat(v, 2, axis=2)
    logits = np.einsum("btnh,bsnh->bnts", q, kk) / np.sqrt(8)
    mask = np.tril(np.ones((5, 6), bool))
    logits = np.where(mask, logits, -1e30)
    p = np.exp(logits - logits.max(-1, keepdims=True))
    p /= p.sum(-1, keepdims=True)
    close(jnp.nn.dot_product_attention(q, k, v, is_causal=True),
          np.einsum("bnts,bsnh->btnh", p, vv), rtol=1e-4)
    close(jnp.nn.dot_product_attention(q[0], k[0], v[0], is_causal=True),
          np.einsum("bnts,bsnh->btnh", p, vv)[0], rtol=1e-4)


# ------------------------------------------------------------------ gradients

def _check_grads():
    if "jvp" not in plax_core.get_registry().transformations:
        pytest.skip("plax-autodiff is not installed")
    from plax_autodiff.test_util import check_grads
    return check_grads


GRAD_CASES = [
    ("nansum", lambda x: jnp.nansum(x, axis=0)), ("nanmean", lambda x: jnp.nanmean(x, 0)),
    ("nanvar", lambda x: jnp.nanvar(x)), ("nanmax", lambda x: jnp.nanmax(x, axis=1)),
    ("diff", lambda x: jnp.diff(x, 2, axis=0)), ("gradient", lambda x: jnp.gradient(x)[0]),
    ("trapezoid", lambda x: jnp.trapezoid(x)), ("rot90", lambda x: jnp.rot90(x)),
    ("pad_reflect", lambda x: jnp.pad(x, 2, "reflect")),
    ("pad_ramp", lambda x: jnp.pad(x, 2, "linear_ramp", end_values=1.0)),
    ("pad_mean", lambda x: jnp.pad(x, 2, "mean")),
    ("pad_wrap", lambda x: jnp.pad(x, 3, "wrap")),
    ("convolve", lambda x: jnp.convolve(x[0], x[1], "same")),
    ("polyval", lambda x: jnp.polyval(x[0], x[1])),
    ("cov", lambda x: jnp.cov(x)), ("corrcoef", lambda x: jnp.corrcoef(x)),
    ("cross", lambda x: jnp.cross(x[:, :3], x[:, 1:4])),
    ("i0", lambda x: jnp.i0(x * 10)), ("kaiser_like", lambda x: jnp.i0(x) * jnp.sinc(x)),
    ("insert_delete", lambda x: jnp.delete(jnp.insert(x, 1, 2.0, axis=1), 0, axis=0)),
    ("mish", lambda x: jnp.nn.mish(x)), ("squareplus", lambda x: jnp.nn.squareplus(x)),
    ("log1mexp", lambda x: jnp.nn.log1mexp(jnp.abs(x) + 0.5)),
    ("logmeanexp", lambda x: jnp.nn.logmeanexp(x, axis=1)),
    ("attention", lambda x: jnp.nn.dot_product_attention(
        x.reshape(2, 1, 4), x.reshape(2, 1, 4), x.reshape(2, 1, 4))),
    ("piecewise", lambda x: jnp.piecewise(x, [x < 0], [lambda t: t * t, lambda t: 3 * t])),
]


@pytest.mark.parametrize("name,fn", GRAD_CASES, ids=[c[0] for c in GRAD_CASES])
def test_check_grads(name, fn):
    check_grads = _check_grads()
    x = rng_for(name).normal(size=(2, 4)).astype(np.float64)
    if name == "nanmax":
        x[0, 0] = np.nan
        x = x[:, 1:]
    if name == "piecewise":
        x = np.where(np.abs(x) < 0.1, 0.5, x)
    with config.override(enable_x64=True):
        check_grads(fn, (x,), order=2, modes=("fwd", "rev"), rtol=1e-4, atol=1e-4)
