"""More of jax.numpy's creation namespace: grids, index helpers, windows, dtype names,
and the NumPy passthroughs (printing options, save/load, buffers).

All built from existing primitives (iota, comparisons, select, pad, elementwise math).
"""

from __future__ import annotations

import operator

import ml_dtypes
import numpy as np

from plax_core import core, dtypes, lax, ops
from plax_core.core import get_aval

from ._creation import arange, array, asarray, linspace, ones
from ._dtypes import _scalar_type, complex64, complex128, float32, float64
from ._linear import diagonal
from ._shape import stack

__all__ = [
    "geomspace", "fromfunction", "fromiter", "frombuffer", "fromstring", "fromfile",
    "from_dlpack", "indices", "mgrid", "ogrid", "diag", "diagflat", "tril_indices",
    "triu_indices", "tril_indices_from", "triu_indices_from", "diag_indices",
    "diag_indices_from", "mask_indices", "vander", "bartlett", "blackman", "hamming",
    "hanning", "kaiser", "i0", "single", "double", "csingle", "cdouble", "object_",
    "character", "flexible", "ComplexWarning", "printoptions", "get_printoptions",
    "set_printoptions", "save", "savez", "load", "array_repr", "array_str", "iterable",
    "astype", "int1", "uint1", "int2", "uint2", "int4", "uint4", "float4_e2m1fn",
    "float6_e2m3fn", "float6_e3m2fn", "float8_e3m4", "float8_e4m3", "float8_e4m3b11fnuz",
    "float8_e4m3fn", "float8_e4m3fnuz", "float8_e5m2", "float8_e5m2fnuz", "float8_e8m0fnu",
]

# ------------------------------------------------------------------ dtype names

single, double, csingle, cdouble = float32, float64, complex64, complex128
object_, character, flexible = np.object_, np.character, np.flexible
ComplexWarning = np.exceptions.ComplexWarning

_ML_NAMES = ["int1", "uint1", "int2", "uint2", "int4", "uint4", "float4_e2m1fn",
             "float6_e2m3fn", "float6_e3m2fn", "float8_e3m4", "float8_e4m3",
             "float8_e4m3b11fnuz", "float8_e4m3fn", "float8_e4m3fnuz", "float8_e5m2",
             "float8_e5m2fnuz", "float8_e8m0fnu"]
(int1, uint1, int2, uint2, int4, uint4, float4_e2m1fn, float6_e2m3fn, float6_e3m2fn,
 float8_e3m4, float8_e4m3, float8_e4m3b11fnuz, float8_e4m3fn, float8_e4m3fnuz, float8_e5m2,
 float8_e5m2fnuz, float8_e8m0fnu) = (_scalar_type(getattr(ml_dtypes, n), n) for n in _ML_NAMES)

# ------------------------------------------------------------------ NumPy passthroughs

printoptions, get_printoptions = np.printoptions, np.get_printoptions
set_printoptions = np.set_printoptions


def _host(a, fname):
    return np.asarray(core.concrete_or_error(None, a, fname))


def save(file, arr, allow_pickle=True):
    """``np.save`` of a concrete array."""
    return np.save(file, _host(arr, "save"), allow_pickle=allow_pickle)


def savez(file, *args, **kwds):
    return np.savez(file, *(_host(a, "savez") for a in args),
                    **{k: _host(v, "savez") for k, v in kwds.items()})


def load(file, *args, **kwargs):
    """``np.load``, with arrays (not archives) returned as plax arrays."""
    out = np.load(file, *args, **kwargs)
    return asarray(out) if isinstance(out, np.ndarray) else out


def array_repr(arr, max_line_width=None, precision=None, suppress_small=None):
    return np.array_repr(_host(arr, "array_repr"), max_line_width, precision,
                         suppress_small)


def array_str(a, max_line_width=None, precision=None, suppress_small=None):
    return np.array_str(_host(a, "array_str"), max_line_width, precision, suppress_small)


def iterable(y) -> bool:
    try:
        iter(y)
    except TypeError:
        return False
    return True


def astype(x, dtype, /, *, copy=False, device=None):
    return ops.astype(ops.operand(x, "astype"), dtype)


def frombuffer(buffer, dtype=float, count=-1, offset=0):
    return asarray(np.frombuffer(buffer, dtype=dtype, count=count, offset=offset))


def fromstring(string, dtype=float, count=-1, *, sep):
    return asarray(np.fromstring(string, dtype=dtype, count=count, sep=sep))


def fromfile(*args, **kwargs):
    raise NotImplementedError("plax.numpy.fromfile is not implemented: reading a file is not "
                              "pure; use plax.numpy.asarray(np.fromfile(...)) instead")


def fromiter(*args, **kwargs):
    raise NotImplementedError("plax.numpy.fromiter is not implemented: consuming an iterator "
                              "is not pure; use plax.numpy.asarray(np.fromiter(...)) instead")


def from_dlpack(x, /, *, device=None, copy=None):
    return asarray(np.from_dlpack(x))


# ------------------------------------------------------------------ grids and indices

def _int(fname, what, x):
    return operator.index(core.concrete_or_error(None, x, f"{fname} argument '{what}'"))


def geomspace(start, stop, num=50, endpoint=True, dtype=None, axis=0):
    """Samples evenly spaced on a log scale; the end points are exact."""
    dt = dtypes.check_user_dtype(dtype, "geomspace")
    start, stop = ops.promote_args_inexact("geomspace", start, stop)
    if ops.dtype_kind(start) == "c":
        raise NotImplementedError("geomspace: complex end points are not supported")
    num = _int("geomspace", "num", num)
    sign = lax.sign(start)
    lo, hi = lax.log(lax.abs(start)), lax.log(lax.abs(stop))
    out = lax.exp(linspace(lo, hi, num, endpoint=endpoint, axis=axis))
    bshape = get_aval(lo).shape
    axis_c = ops.canonicalize_axis(axis, len(bshape) + 1, "geomspace")
    out = ops.multiply(ops.expand_dims(sign, axis_c), out)
    if num:
        s, e = ops.expand_dims(start, axis_c), ops.expand_dims(stop, axis_c)
        parts = [s]
        if num > 1:
            parts.append(lax.slice_in_dim(out, 1, num - 1 if endpoint else num, axis=axis_c))
            if endpoint:
                parts.append(e)
        out = lax.concatenate([ops.convert(p, get_aval(out).dtype) for p in parts], axis_c)
    return out if dt is None else ops.astype(out, dt)


def indices(dimensions, dtype=None, sparse=False):
    dims = tuple(_int("indices", "dimensions", d) for d in dimensions)
    dt = dtypes.check_user_dtype(dtype, "indices") or dtypes.default_int_dtype()
    out = []
    for i, d in enumerate(dims):
        if sparse:
            shape = tuple(d if j == i else 1 for j in range(len(dims)))
        else:
            shape = dims
        out.append(lax.broadcasted_iota(dt, shape, i))
    if sparse:
        return tuple(out)
    return stack(out) if out else lax.full((0,), 0, dt)


def fromfunction(function, shape, *, dtype=float, **kwargs):
    """``function(*indices(shape))`` (``function`` sees whole index arrays, as in NumPy)."""
    return function(*indices(shape, dtype=dtypes.check_user_dtype(dtype, "fromfunction")),
                    **kwargs)


def _grid_axis(s):
    if not isinstance(s, slice):
        raise TypeError(f"mgrid/ogrid: index with slices, got {s!r}")
    start = 0 if s.start is None else s.start
    step = 1 if s.step is None else s.step
    if isinstance(step, complex) or np.iscomplexobj(step):
        return linspace(start, s.stop, int(abs(step)), endpoint=True)
    return arange(start, s.stop, step)


class _Grid:
    def __init__(self, sparse, name):
        self.sparse, self.name = sparse, name

    def __getitem__(self, key):
        if isinstance(key, slice):
            return _grid_axis(key)
        axes = [_grid_axis(s) for s in key]
        if not axes:
            return array([], dtype=dtypes.default_int_dtype())
        axes = ops.promote_dtypes(*axes) if len(axes) > 1 else axes
        n = len(axes)
        shapes = [get_aval(a).shape[0] for a in axes]
        out = []
        for i, a in enumerate(axes):
            a = ops.reshape(a, tuple(shapes[i] if j == i else 1 for j in range(n)))
            out.append(a if self.sparse else ops.broadcast_to(a, tuple(shapes), self.name))
        return out if self.sparse else stack(out)

    def __repr__(self):
        return f"plax.numpy.{self.name}"


mgrid = _Grid(False, "mgrid")
ogrid = _Grid(True, "ogrid")


def diag(v, k=0):
    """The ``k``-th diagonal of a 2-d array, or a 2-d array with ``v`` on it (1-d ``v``)."""
    v = ops.operand(v, "diag")
    k = _int("diag", "k", k)
    shape = get_aval(v).shape
    if len(shape) == 2:
        return diagonal(v, k)
    if len(shape) != 1:
        raise ValueError(f"diag: input must be 1-d or 2-d, got shape {shape}")
    n = shape[0] + abs(k)
    padded = lax.pad(v, lax.full((), 0, get_aval(v).dtype), ((0, abs(k), 0),))
    along = ops.reshape(padded, (n, 1) if k >= 0 else (1, n))
    rows = lax.broadcasted_iota(np.int32, (n, n), 0)
    cols = lax.broadcasted_iota(np.int32, (n, n), 1)
    mask = lax.eq(lax.add(rows, ops.convert(k, np.int32)), cols)
    return lax.select(mask, ops.broadcast_to(along, (n, n), "diag"),
                      lax.full((n, n), 0, get_aval(v).dtype))


def diagflat(v, k=0):
    return diag(ops.ravel(ops.operand(v, "diagflat")), k)


def _index_tuple(idx):
    return tuple(array(i.astype(np.int64), dtype=dtypes.default_int_dtype()) for i in idx)


def tril_indices(n, k=0, m=None):
    return _index_tuple(np.tril_indices(_int("tril_indices", "n", n), _int(
        "tril_indices", "k", k), None if m is None else _int("tril_indices", "m", m)))


def triu_indices(n, k=0, m=None):
    return _index_tuple(np.triu_indices(_int("triu_indices", "n", n), _int(
        "triu_indices", "k", k), None if m is None else _int("triu_indices", "m", m)))


def _shape_2d(fname, arr):
    shape = ops.shape(arr)
    if len(shape) != 2:
        raise ValueError(f"{fname}: input array must be 2-d, got shape {shape}")
    return shape


def tril_indices_from(arr, k=0):
    n, m = _shape_2d("tril_indices_from", arr)
    return tril_indices(n, k, m)


def triu_indices_from(arr, k=0):
    n, m = _shape_2d("triu_indices_from", arr)
    return triu_indices(n, k, m)


def diag_indices(n, ndim=2):
    n, ndim = _int("diag_indices", "n", n), _int("diag_indices", "ndim", ndim)
    if n < 0 or ndim < 0:
        raise ValueError(f"diag_indices: n and ndim must be non-negative, got {n}, {ndim}")
    return (lax.iota(dtypes.default_int_dtype(), n),) * ndim


def diag_indices_from(arr):
    shape = ops.shape(arr)
    if len(shape) < 2 or len(set(shape)) != 1:
        raise ValueError(f"diag_indices_from: input must be at least 2-d with all "
                         f"dimensions equal, got shape {shape}")
    return diag_indices(shape[0], len(shape))


def mask_indices(n, mask_func, k=0, *, size=None):
    """Indices where ``mask_func(ones((n, n)), k)`` is nonzero (a concrete computation)."""
    from ._math import nonzero
    return nonzero(mask_func(ones((_int("mask_indices", "n", n),) * 2), k), size=size)


def vander(x, N=None, increasing=False):  # noqa: N803  (NumPy's name)
    x = ops.operand(x, "vander")
    shape = get_aval(x).shape
    if len(shape) != 1:
        raise ValueError(f"vander: x must be 1-d, got shape {shape}")
    n = shape[0] if N is None else _int("vander", "N", N)
    if n < 0:
        raise ValueError(f"vander: N must be non-negative, got {n}")
    powers = lax.iota(dtypes.default_int_dtype(), n)
    if not increasing:
        powers = lax.rev(powers, (0,))
    return ops.power(ops.reshape(x, (-1, 1)), ops.reshape(powers, (1, -1)))


# ------------------------------------------------------------------ window functions

def _window(fname, M, fn):  # noqa: N803
    m = _int(fname, "M", M)
    dt = dtypes.default_float_dtype()
    if m < 1:
        return lax.full((0,), 0, dt)
    if m == 1:
        return lax.full((1,), 1, dt)
    n = ops.convert(lax.iota(np.int32, m), dt)
    n = lax.sub(lax.mul(n, ops.convert(2, dt)), ops.convert(m - 1, dt))  # 1-M .. M-1 by 2
    return fn(lax.div(n, ops.convert(m - 1, dt)))


def bartlett(M):  # noqa: N803
    return _window("bartlett", M, lambda t: lax.sub(ops.scalar_like(t, 1), lax.abs(t)))


def _cosine_sum(a0, a1, a2=0.0):
    def fn(t):
        c = ops.scalar_like
        pt = lax.mul(t, c(t, np.pi))
        out = lax.add(c(t, a0), lax.mul(c(t, a1), lax.cos(pt)))
        if a2:
            out = lax.add(out, lax.mul(c(t, a2), lax.cos(lax.mul(pt, c(t, 2)))))
        return out
    return fn


def blackman(M):  # noqa: N803
    return _window("blackman", M, _cosine_sum(0.42, 0.5, 0.08))


def hamming(M):  # noqa: N803
    return _window("hamming", M, _cosine_sum(0.54, 0.46))


def hanning(M):  # noqa: N803
    return _window("hanning", M, _cosine_sum(0.5, 0.5))


def kaiser(M, beta):  # noqa: N803
    m = _int("kaiser", "M", M)
    dt = dtypes.default_float_dtype()
    if m < 1:
        return lax.full((0,), 0, dt)
    if m == 1:
        return lax.full((1,), 1, dt)

    def fn(t):
        b = ops.convert(beta, get_aval(t).dtype)
        arg = lax.mul(b, lax.sqrt(lax.max(lax.sub(ops.scalar_like(t, 1), lax.mul(t, t)),
                                          ops.scalar_like(t, 0))))
        return lax.div(i0(arg), i0(b))
    return _window("kaiser", m, fn)


# ------------------------------------------------------------------ Bessel I0 (and I1)

_SERIES_TERMS, _ASYMPTOTIC_TERMS, _SWITCH = 42, 24, 20.0


def bessel_i(nu, x, scaled):
    """I_nu(x) (nu = 0 or 1) for real ``x``, or exp(-|x|) I_nu(x) when ``scaled``.

    The power series for |x| <= 20 and the large-argument asymptotic series above; both
    are sums of elementwise primitives, so every transformation (and any order of
    derivative) goes through them. Both are evaluated in Horner form, 1 + r_1 (1 + r_2 (...)):
    as a running product of terms, XLA's simplifier regroups the constants into
    (x^2)^k * c_k, whose c_k underflows to 0 while (x^2)^k overflows in float32 (NaN under
    ``jit`` for |x| >= 3); in Horner form every intermediate stays below the sum.
    """
    c = ops.scalar_like
    ax = lax.abs(x)
    small = lax.le(ax, c(ax, _SWITCH))
    xs = lax.select(small, ax, lax.full_like(ax, 1))
    # series: sum_k (x/2)^(2k+nu) / (k! (k+nu)!), by the ratio of consecutive terms
    h = lax.mul(xs, c(xs, 0.5))
    q = lax.mul(h, h)
    total = lax.full_like(xs, 1)
    for k in range(_SERIES_TERMS - 1, 0, -1):
        total = lax.add(c(q, 1), lax.mul(total, lax.div(q, c(q, float(k * (k + nu))))))
    if nu:
        total = lax.mul(total, h)
    if scaled:
        total = lax.mul(total, lax.exp(lax.neg(xs)))
    # asymptotic: e^x / sqrt(2 pi x) sum_k (-1)^k a_k / x^k
    xb = lax.select(small, lax.full_like(ax, 2 * _SWITCH), ax)
    mu = 4.0 * nu * nu
    inv = lax.div(c(xb, 1), xb)
    big = lax.full_like(xb, 1)
    for k in range(_ASYMPTOTIC_TERMS - 1, 0, -1):
        ratio = lax.mul(inv, c(xb, -(mu - (2 * k - 1) ** 2) / (8.0 * k)))
        big = lax.add(c(xb, 1), lax.mul(big, ratio))
    big = lax.div(big, lax.sqrt(lax.mul(xb, c(xb, 2 * np.pi))))
    if not scaled:
        half = lax.exp(lax.mul(xb, c(xb, 0.5)))  # e^x as a product: no early overflow
        big = lax.mul(lax.mul(big, half), half)
    out = lax.select(small, total, big)
    if nu:  # I1 is odd
        out = lax.select(lax.lt(x, c(x, 0)), lax.neg(out), out)
    return out


def i0(x):
    """Modified Bessel function of the first kind, order 0."""
    (x,) = ops.promote_args_inexact("i0", x)
    if ops.dtype_kind(x) == "c":
        raise TypeError("i0 does not accept complex arguments")
    return bessel_i(0, x, False)
