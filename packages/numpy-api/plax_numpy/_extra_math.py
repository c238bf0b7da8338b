"""More of jax.numpy's math: NaN-ignoring reductions, differences and integrals,
convolution, polynomials, statistics, vector products, bits and predicates.

All built from existing primitives (elementwise, reductions, slicing, conv, while_loop).
"""

from __future__ import annotations

import operator

import numpy as np

from plax_core import core, lax, ops
from plax_core.core import get_aval

from ._linear import einsum
from ._math import isnan, nextafter
from ._shape import concatenate

__all__ = [
    "nansum", "nanprod", "nanmax", "nanmin", "nanmean", "nanvar", "nanstd", "nanargmax",
    "nanargmin", "diff", "ediff1d", "gradient", "trapezoid", "convolve", "correlate",
    "polyval", "polyadd", "polysub", "polymul", "polyder", "polyint", "polydiv", "poly",
    "cov", "corrcoef", "cross", "matvec", "vecmat", "spacing", "gcd", "lcm", "iscomplex",
    "isreal", "array_equiv", "packbits", "unpackbits", "isin", "select", "piecewise",
]

_c = ops.scalar_like


def _int(fname, what, x):
    return operator.index(core.concrete_or_error(None, x, f"{fname} argument '{what}'"))


def _inexact2(fname, x, y):
    """Both operands in their common inexact dtype, shapes unchanged."""
    return ops.promote_dtypes_inexact(ops.operand(x, fname), ops.operand(y, fname, 1))


# ------------------------------------------------------------------ NaN-ignoring reductions

def _nan_replaced(fname, a, value):
    a = ops.operand(a, fname)
    if ops.dtype_kind(a) in "fc":
        return lax.select(isnan(a), lax.full_like(a, value), a), True
    return ops.as_array(a), False


def _all_nan(a, axis, keepdims):
    return ops.all(isnan(a), axis, keepdims=keepdims)


def nansum(a, axis=None, dtype=None, out=None, keepdims=False, initial=None, where=None):
    """``sum`` treating NaN as zero."""
    a, _ = _nan_replaced("nansum", a, 0)
    return ops.sum(a, axis, dtype, out, keepdims, initial, where)


def nanprod(a, axis=None, dtype=None, out=None, keepdims=False, initial=None, where=None):
    """``prod`` treating NaN as one."""
    a, _ = _nan_replaced("nanprod", a, 1)
    return ops.prod(a, axis, dtype, out, keepdims, initial, where)


def _nan_extremum(fname, reducer, fill, a, axis, out, keepdims, initial, where):
    orig = ops.operand(a, fname)
    a, floating = _nan_replaced(fname, orig, fill)
    res = reducer(a, axis, out, keepdims, initial, where)
    if floating:
        res = lax.select(_all_nan(orig, axis, keepdims), lax.full_like(res, np.nan), res)
    return res


def nanmax(a, axis=None, out=None, keepdims=False, initial=None, where=None):
    """``max`` ignoring NaN (NaN where a slice is all NaN)."""
    return _nan_extremum("nanmax", ops.max, -np.inf, a, axis, out, keepdims, initial, where)


def nanmin(a, axis=None, out=None, keepdims=False, initial=None, where=None):
    return _nan_extremum("nanmin", ops.min, np.inf, a, axis, out, keepdims, initial, where)


def _nan_count(orig, axis, keepdims, dt):
    return ops.sum(ops.convert(lax.bitwise_not(isnan(orig)), dt), axis, keepdims=keepdims)


def nanmean(a, axis=None, dtype=None, out=None, keepdims=False, where=None):
    """Mean of the non-NaN elements (NaN for an all-NaN slice)."""
    orig = ops.operand(a, "nanmean")
    if ops.dtype_kind(orig) not in "fc":
        return ops.mean(orig, axis, dtype, out, keepdims, where=where)
    if where is not None:
        raise NotImplementedError("nanmean: the 'where' argument is not supported")
    total = nansum(orig, axis, dtype, out, keepdims)
    count = _nan_count(orig, axis, keepdims, ops.dtype_of(total) if ops.dtype_kind(total) == "f"
                       else ops.dtype_of(ops.real(total)))
    return ops.true_divide(total, count)


def nanvar(a, axis=None, dtype=None, out=None, ddof=0, keepdims=False, where=None):
    orig = ops.operand(a, "nanvar")
    if ops.dtype_kind(orig) not in "fc":
        return ops.var(orig, axis, dtype, out, ddof, keepdims, where=where)
    if where is not None:
        raise NotImplementedError("nanvar: the 'where' argument is not supported")
    mean = nanmean(orig, axis, dtype, keepdims=True)
    dev = ops.subtract(orig, mean)
    sq = ops.real(ops.multiply(dev, ops.conj(dev)))
    total = nansum(sq, axis, keepdims=keepdims)
    count = _nan_count(orig, axis, keepdims, ops.dtype_of(total))
    dof = ops.subtract(count, ddof)
    return ops.true_divide(total, lax.max(dof, lax.full_like(dof, 0)))


def nanstd(a, axis=None, dtype=None, out=None, ddof=0, keepdims=False, where=None):
    return lax.sqrt(nanvar(a, axis, dtype, out, ddof, keepdims, where))


def _nan_arg(fname, argfn, fill, a, axis, keepdims):
    orig = ops.operand(a, fname)
    a, floating = _nan_replaced(fname, orig, fill)
    res = argfn(a, axis, keepdims=keepdims)
    if floating:
        res = lax.select(_all_nan(orig, axis, bool(keepdims)), lax.full_like(res, -1), res)
    return res


def nanargmax(a, axis=None, out=None, keepdims=None):
    """``argmax`` ignoring NaN; -1 for an all-NaN slice (as JAX)."""
    return _nan_arg("nanargmax", ops.argmax, -np.inf, a, axis, keepdims)


def nanargmin(a, axis=None, out=None, keepdims=None):
    return _nan_arg("nanargmin", ops.argmin, np.inf, a, axis, keepdims)


# ------------------------------------------------------------------ differences, integrals

def diff(a, n=1, axis=-1, prepend=None, append=None):
    """n-th discrete difference along ``axis`` (``!=`` for booleans)."""
    a = ops.operand(a, "diff")
    n = _int("diff", "n", n)
    if n < 0:
        raise ValueError(f"diff: order must be non-negative, got n={n}")
    nd = get_aval(a).ndim
    if nd == 0:
        raise ValueError("diff: requires an input that is at least 1-d")
    axis = ops.canonicalize_axis(axis, nd, "diff")
    parts = []
    for name, extra in (("prepend", prepend), ("append", append)):
        if extra is None:
            parts.append(None)
            continue
        extra = ops.operand(extra, "diff")
        if get_aval(extra).ndim == 0:
            shape = list(get_aval(a).shape)
            shape[axis] = 1
            extra = ops.broadcast_to(extra, tuple(shape), f"diff {name}")
        parts.append(extra)
    if parts[0] is not None or parts[1] is not None:
        a = concatenate([p for p in (parts[0], a, parts[1]) if p is not None], axis)
    for _ in range(n):
        m = get_aval(a).shape[axis]
        hi = lax.slice_in_dim(a, min(1, m), m, axis=axis)
        lo = lax.slice_in_dim(a, 0, max(m - 1, 0), axis=axis)
        a = ops.not_equal(hi, lo) if ops.dtype_kind(a) == "b" else ops.subtract(hi, lo)
    return ops.as_array(a)


def ediff1d(ary, to_end=None, to_begin=None):
    out = diff(ops.ravel(ops.operand(ary, "ediff1d")))
    pieces = [out]
    if to_begin is not None:
        pieces.insert(0, ops.ravel(ops.operand(to_begin, "ediff1d")))
    if to_end is not None:
        pieces.append(ops.ravel(ops.operand(to_end, "ediff1d")))
    return concatenate(pieces) if len(pieces) > 1 else out


def gradient(f, *varargs, axis=None, edge_order=None):
    """Central differences inside, one-sided at the edges (scalar spacings)."""
    if edge_order not in (None, 1):
        raise NotImplementedError("gradient: only edge_order=1 is supported")
    (f,) = ops.promote_args_inexact("gradient", f)
    nd = get_aval(f).ndim
    axes = ops.reduction_axes(axis, nd, "gradient") if axis is not None else tuple(range(nd))
    if len(varargs) == 0:
        spacing = [1.0] * len(axes)
    elif len(varargs) == 1:
        spacing = list(varargs) * len(axes)
    elif len(varargs) == len(axes):
        spacing = list(varargs)
    else:
        raise TypeError(f"gradient: expected 0, 1 or {len(axes)} spacings, got "
                        f"{len(varargs)}")
    out = []
    for ax, h in zip(axes, spacing):
        if get_aval(ops.operand(h)).ndim:
            raise NotImplementedError("gradient: only scalar spacings are supported")
        m = get_aval(f).shape[ax]
        if m < 2:
            raise ValueError("gradient: each dimension must have at least 2 points "
                             f"(axis {ax} has {m})")
        sl = lambda lo, hi, ax=ax: lax.slice_in_dim(f, lo, hi, axis=ax)  # noqa: E731
        first = ops.subtract(sl(1, 2), sl(0, 1))
        last = ops.subtract(sl(m - 1, m), sl(m - 2, m - 1))
        inner = ops.true_divide(ops.subtract(sl(2, m), sl(0, m - 2)), 2.0)
        g = concatenate([first, inner, last] if m > 2 else [first, last], ax)
        out.append(ops.true_divide(g, h))
    return out[0] if len(out) == 1 else out


def trapezoid(y, x=None, dx=1.0, axis=-1):
    """Integral of ``y`` by the trapezoidal rule (points ``x`` or spacing ``dx``)."""
    (y,) = ops.promote_args_inexact("trapezoid", y)
    nd = get_aval(y).ndim
    axis = ops.canonicalize_axis(axis, nd, "trapezoid")
    y = ops.moveaxis(y, axis, -1)
    m = get_aval(y).shape[-1]
    if x is None:
        d = dx
    else:
        x = ops.operand(x, "trapezoid", 1)
        x = ops.moveaxis(x, axis if get_aval(x).ndim == nd else -1, -1)
        d = diff(x, axis=-1)
    avg = ops.true_divide(ops.add(lax.slice_in_dim(y, 1, m, axis=nd - 1),
                                  lax.slice_in_dim(y, 0, max(m - 1, 0), axis=nd - 1)), 2.0)
    return ops.sum(ops.multiply(d, avg), axis=-1)


# ------------------------------------------------------------------ convolution

def _conv1d(fname, a, v, mode, flip, conj):
    a, v = _inexact2(fname, a, v)
    sa, sv = get_aval(a).shape, get_aval(v).shape
    if len(sa) != 1 or len(sv) != 1:
        raise ValueError(f"{fname}: both inputs must be 1-d, got shapes {sa} and {sv}")
    n, m = sa[0], sv[0]
    if n == 0 or m == 0:
        raise ValueError(f"{fname}: inputs cannot be empty, got shapes {sa} and {sv}")
    if flip:
        v = lax.rev(v, (0,))
    if conj and ops.dtype_kind(v) == "c":
        v = lax.conj(v)
    out = lax.conv_general_dilated(ops.reshape(a, (1, 1, n)), ops.reshape(v, (1, 1, m)),
                                   (1,), [(m - 1, m - 1)])
    out = ops.reshape(out, (n + m - 1,))
    small, big = min(n, m), max(n, m)
    if mode == "full":
        return out
    if mode == "same":
        # NumPy's correlate swaps and reverses its inputs when v is the longer one, which
        # moves the centre of an even-length a by one.
        start = small // 2 if not flip and n < m else (small - 1) // 2
        length = big
    elif mode == "valid":
        start, length = small - 1, big - small + 1
    else:
        raise ValueError(f"{fname}: mode must be 'full', 'same' or 'valid', got {mode!r}")
    return lax.slice_in_dim(out, start, start + length)


def convolve(a, v, mode="full", *, precision=None, preferred_element_type=None):
    """Discrete linear convolution of two 1-d arrays."""
    return _conv1d("convolve", a, v, mode, True, False)


def correlate(a, v, mode="valid", *, precision=None, preferred_element_type=None):
    """Cross-correlation of two 1-d arrays: ``c[k] = sum_n a[n+k] conj(v[n])``."""
    return _conv1d("correlate", a, v, mode, False, True)


# ------------------------------------------------------------------ polynomials

def _poly1d(fname, p, inexact=True):
    p = ops.promote_args_inexact(fname, p)[0] if inexact else ops.operand(p, fname)
    if get_aval(p).ndim != 1:
        raise ValueError(f"{fname}: coefficients must be 1-d, got shape {get_aval(p).shape}")
    return p


def polyval(p, x, *, unroll=16):
    """Horner's rule: ``p[0] * x**(n-1) + ... + p[n-1]``."""
    p = ops.operand(p, "polyval")
    x = ops.operand(x, "polyval", 1)
    p, x = ops.promote_dtypes(p, x)
    n = get_aval(p).shape[0] if get_aval(p).ndim else 1
    y = lax.full_like(x, 0)
    for i in range(n):
        y = ops.add(ops.multiply(y, x), p[i])
    return y


def _pad_front(p, n):
    k = get_aval(p).shape[0]
    return lax.pad(p, lax.full((), 0, get_aval(p).dtype), ((n - k, 0, 0),)) if n > k else p


def polyadd(a1, a2):
    a1, a2 = _inexact2("polyadd", a1, a2)
    n = max(get_aval(a1).shape[0], get_aval(a2).shape[0])
    return ops.add(_pad_front(a1, n), _pad_front(a2, n))


def polysub(a1, a2):
    a1, a2 = _inexact2("polysub", a1, a2)
    n = max(get_aval(a1).shape[0], get_aval(a2).shape[0])
    return ops.subtract(_pad_front(a1, n), _pad_front(a2, n))


def polymul(a1, a2, *, trim_leading_zeros=False):
    a1, a2 = _inexact2("polymul", a1, a2)
    return convolve(a1, a2, mode="full")


def polyder(p, m=1):
    p = _poly1d("polyder", p)
    m = _int("polyder", "m", m)
    if m < 0:
        raise ValueError(f"polyder: order of derivative must be non-negative, got {m}")
    for _ in range(m):
        n = get_aval(p).shape[0]
        powers = ops.convert(lax.rev(lax.iota(np.int32, n), (0,)), ops.dtype_of(p))
        p = lax.slice_in_dim(ops.multiply(p, powers), 0, max(n - 1, 0))
    return p


def polyint(p, m=1, k=None):
    p = _poly1d("polyint", p)
    m = _int("polyint", "m", m)
    if m < 0:
        raise ValueError(f"polyint: order of integral must be non-negative, got {m}")
    ks = ops.operand(0 if k is None else k, "polyint")
    ks = ops.broadcast_to(ops.ravel(ks) if get_aval(ks).ndim else ks, (m,), "polyint") \
        if m else ks
    for i in range(m):
        n = get_aval(p).shape[0]
        powers = ops.convert(lax.rev(lax.iota(np.int32, n), (0,)), ops.dtype_of(p))
        p = ops.true_divide(p, ops.add(powers, 1))
        p = concatenate([p, ops.reshape(ops.convert(ks[i], ops.dtype_of(p)), (1,))])
    return p


def polydiv(u, v, *, trim_leading_zeros=False):
    """Quotient and remainder of polynomial division (``v[0]`` must be nonzero)."""
    u, v = _inexact2("polydiv", u, v)
    n, m = get_aval(u).shape[0], get_aval(v).shape[0]
    q_len = max(n - m + 1, 1)
    q = []
    rem = u
    for i in range(max(n - m + 1, 0)):
        coef = ops.true_divide(rem[i], v[0])
        q.append(coef)
        shifted = lax.pad(ops.multiply(coef, v), lax.full((), 0, ops.dtype_of(u)),
                          ((i, n - m - i, 0),))
        rem = ops.subtract(rem, shifted)
    quot = concatenate([ops.reshape(c, (1,)) for c in q]) if q else \
        lax.full((q_len,), 0, ops.dtype_of(u))
    return quot, rem


def poly(seq_of_zeros):
    """Coefficients of the monic polynomial with the given roots (1-d input)."""
    z = ops.operand(seq_of_zeros, "poly")
    if get_aval(z).ndim != 1:
        raise NotImplementedError("poly: only 1-d sequences of roots are supported (the "
                                  "characteristic polynomial of a matrix needs eigvals)")
    (z,) = ops.promote_args_inexact("poly", z)
    out = lax.full((1,), 1, ops.dtype_of(z))
    for i in range(get_aval(z).shape[0]):
        out = convolve(out, concatenate([lax.full((1,), 1, ops.dtype_of(z)),
                                         ops.reshape(ops.negative(z[i]), (1,))]))
    return out


# ------------------------------------------------------------------ statistics

def cov(m, y=None, rowvar=True, bias=False, ddof=None, fweights=None, aweights=None):
    """Covariance matrix of the rows (variables) of ``m`` (NumPy's weights and ddof)."""
    (x,) = ops.promote_args_inexact("cov", m)
    if get_aval(x).ndim > 2:
        raise ValueError(f"cov: m has more than 2 dimensions (shape {get_aval(x).shape})")
    if get_aval(x).ndim < 2:
        x = ops.reshape(x, (1, -1))
    elif not rowvar:
        x = ops.transpose(x)
    if y is not None:
        (yy,) = ops.promote_args_inexact("cov", y)
        if get_aval(yy).ndim < 2:
            yy = ops.reshape(yy, (1, -1))
        elif not rowvar:
            yy = ops.transpose(yy)
        x, yy = ops.promote_dtypes(x, yy)
        x = concatenate([x, yy], 0)
    n = get_aval(x).shape[1]
    if ddof is None:
        ddof = 0 if bias else 1
    w = None
    if fweights is not None:
        w = ops.operand(fweights, "cov")
    if aweights is not None:
        aw = ops.operand(aweights, "cov")
        w = aw if w is None else ops.multiply(w, aw)
    if w is None:
        avg = ops.mean(x, axis=1, keepdims=True)
        fact = ops.convert(n - ddof, ops.dtype_of(ops.real(avg)))
        xw = ops.subtract(x, avg)
        xt = xw
    else:
        w = ops.convert(w, ops.dtype_of(ops.real(x)))
        w_sum = ops.sum(w)
        avg = ops.true_divide(ops.sum(ops.multiply(x, w), axis=1, keepdims=True), w_sum)
        if ddof == 0:
            fact = w_sum
        elif aweights is None:
            fact = ops.subtract(w_sum, ddof)
        else:
            aw = ops.convert(ops.operand(aweights, "cov"), ops.dtype_of(w))
            fact = ops.subtract(w_sum, ops.true_divide(
                ops.multiply(ddof, ops.sum(ops.multiply(w, aw))), w_sum))
        xt = ops.subtract(x, avg)
        xw = ops.multiply(xt, w)
    c = ops.matmul(xw, ops.conj(ops.transpose(xt)))
    c = ops.true_divide(c, fact)
    return ops.squeeze(c) if get_aval(c).shape == (1, 1) else c


def corrcoef(x, y=None, rowvar=True):
    c = cov(x, y, rowvar)
    if get_aval(c).ndim == 0:
        return ops.true_divide(c, c)
    d = ops.real(einsum("ii->i", c))
    s = lax.sqrt(d)
    c = ops.true_divide(ops.true_divide(c, ops.reshape(s, (-1, 1))), ops.reshape(s, (1, -1)))
    if ops.dtype_kind(c) == "c":
        return lax.complex(ops.clip(ops.real(c), -1, 1), ops.clip(ops.imag(c), -1, 1))
    return ops.clip(c, -1, 1)


# ------------------------------------------------------------------ vector products

def cross(a, b, axisa=-1, axisb=-1, axisc=-1, axis=None):
    """Cross product of 2- or 3-vectors along the given axes (broadcasting the rest)."""
    if axis is not None:
        axisa = axisb = axisc = axis
    a = ops.moveaxis(ops.operand(a, "cross"), axisa, -1)
    b = ops.moveaxis(ops.operand(b, "cross", 1), axisb, -1)
    a, b = ops.promote_dtypes(a, b)
    na, nb = get_aval(a).shape[-1], get_aval(b).shape[-1]
    if na not in (2, 3) or nb not in (2, 3):
        raise ValueError(f"cross: incompatible dimensions for cross product (dimension must "
                         f"be 2 or 3), got {na} and {nb}")

    def comp(x, i, n):
        return lax.index_in_dim(x, i, axis=get_aval(x).ndim - 1, keepdims=False) \
            if i < n else None

    a0, a1, a2 = (comp(a, i, na) for i in range(3))
    b0, b1, b2 = (comp(b, i, nb) for i in range(3))
    mul, sub = ops.multiply, ops.subtract
    z = sub(mul(a0, b1), mul(a1, b0))
    if na == 2 and nb == 2:
        return z
    x = sub(mul(a1, b2), mul(a2, b1)) if a2 is not None and b2 is not None else (
        mul(a1, b2) if a2 is None else ops.negative(mul(a2, b1)))
    y = sub(mul(a2, b0), mul(a0, b2)) if a2 is not None and b2 is not None else (
        ops.negative(mul(a0, b2)) if a2 is None else mul(a2, b0))
    x, y, z = ops.broadcast_arrays(x, y, z)
    out = concatenate([ops.expand_dims(t, -1) for t in (x, y, z)], -1)
    return ops.moveaxis(out, -1, axisc)


def matvec(x1, x2, /):
    """Matrix-vector product over the last two axes of ``x1`` (batch axes broadcast)."""
    return einsum("...ij,...j->...i", x1, x2)


def vecmat(x1, x2, /):
    """``conj(x1)`` (vectors) times the matrices ``x2``."""
    x1 = ops.operand(x1, "vecmat")
    return einsum("...i,...ij->...j", ops.conj(x1), x2)


# ------------------------------------------------------------------ elementwise extras

def spacing(x, /):
    """Distance from ``x`` to the next representable number away from zero."""
    (x,) = ops.promote_args_inexact("spacing", x)
    if ops.dtype_kind(x) == "c":
        raise TypeError("spacing does not accept complex arguments")
    toward = lax.select(lax.lt(x, _c(x, 0)), lax.full_like(x, -np.inf),
                        lax.full_like(x, np.inf))
    return lax.sub(nextafter(x, toward), x)


def gcd(x1, x2):
    """Greatest common divisor of integers (Euclid's algorithm in a while_loop)."""
    x1, x2 = ops.promote_args_numeric("gcd", x1, x2)
    if ops.dtype_kind(x1) not in "iub":
        raise TypeError(f"gcd: arguments must be integers, got {ops.dtype_of(x1)}")
    x1, x2 = ops.broadcast_arrays(ops.absolute(x1), ops.absolute(x2))

    def cond(c):
        return ops.any(ops.not_equal(c[1], 0))

    def body(c):
        a, b = c
        nz = ops.not_equal(b, 0)
        safe = lax.select(nz, b, lax.full_like(b, 1))
        return lax.select(nz, b, a), lax.select(nz, lax.rem(a, safe), lax.full_like(b, 0))

    return lax.while_loop(cond, body, (x1, x2))[0]


def lcm(x1, x2):
    x1, x2 = ops.promote_args_numeric("lcm", x1, x2)
    g = gcd(x1, x2)
    a1, a2 = ops.absolute(x1), ops.absolute(x2)
    zero = ops.equal(g, 0)
    safe = lax.select(zero, lax.full_like(g, 1), g)
    return lax.select(zero, lax.full_like(g, 0), ops.multiply(a1, ops.floor_divide(a2, safe)))


def iscomplex(x):
    x = ops.operand(x, "iscomplex")
    return ops.not_equal(ops.imag(x), 0)


def isreal(x):
    x = ops.operand(x, "isreal")
    return ops.equal(ops.imag(x), 0)


def array_equiv(a1, a2):
    """True if the arrays broadcast together and are equal everywhere."""
    a1, a2 = ops.operand(a1, "array_equiv"), ops.operand(a2, "array_equiv", 1)
    try:
        ops.broadcast_shapes(get_aval(a1).shape, get_aval(a2).shape)
    except ValueError:
        return ops.array(False)
    return ops.all(ops.equal(a1, a2))


def isin(element, test_elements, assume_unique=False, invert=False, *, method="auto"):
    """Whether each element is in ``test_elements`` (one comparison per pair)."""
    e = ops.operand(element, "isin")
    t = ops.ravel(ops.operand(test_elements, "isin", 1))
    hit = ops.any(ops.equal(ops.expand_dims(e, -1), t), axis=-1)
    return ops.logical_not(hit) if invert else hit


# ------------------------------------------------------------------ bits

def packbits(a, axis=None, bitorder="big"):
    """Pack the truth values of ``a`` into uint8 (8 per byte, zero-padded)."""
    a = ops.operand(a, "packbits")
    if ops.dtype_kind(a) not in "biu":
        raise TypeError(f"packbits: expected an integer or boolean array, got {ops.dtype_of(a)}")
    if bitorder not in ("big", "little"):
        raise ValueError(f"packbits: bitorder must be 'big' or 'little', got {bitorder!r}")
    if axis is None:
        a, axis = ops.ravel(a), 0
    axis = ops.canonicalize_axis(axis, get_aval(a).ndim, "packbits")
    a = ops.moveaxis(ops.to_bool(a), axis, -1)
    n = get_aval(a).shape[-1]
    pad = -n % 8
    a = ops.convert(a, np.uint8)
    nd = get_aval(a).ndim
    a = lax.pad(a, lax.full((), 0, np.uint8), ((0, 0, 0),) * (nd - 1) + ((0, pad, 0),))
    a = ops.reshape(a, get_aval(a).shape[:-1] + ((n + pad) // 8, 8))
    shifts = np.arange(8, dtype=np.uint8)
    if bitorder == "big":
        shifts = shifts[::-1].copy()
    out = lax.reduce_sum(ops.left_shift(a, ops.array(shifts)), (nd,))
    return ops.moveaxis(out, -1, axis)


def unpackbits(a, axis=None, count=None, bitorder="big"):
    a = ops.operand(a, "unpackbits")
    if ops.dtype_of(a) != np.uint8:
        raise TypeError(f"unpackbits: expected a uint8 array, got {ops.dtype_of(a)}")
    if bitorder not in ("big", "little"):
        raise ValueError(f"unpackbits: bitorder must be 'big' or 'little', got {bitorder!r}")
    if axis is None:
        a, axis = ops.ravel(a), 0
    axis = ops.canonicalize_axis(axis, get_aval(a).ndim, "unpackbits")
    shifts = np.arange(8, dtype=np.uint8)
    if bitorder == "big":
        shifts = shifts[::-1].copy()
    bits = ops.bitwise_and(ops.right_shift(ops.expand_dims(a, -1), ops.array(shifts)),
                           ops.array(np.uint8(1)))
    bits = ops.moveaxis(bits, -1, axis + 1)
    s = get_aval(bits).shape
    bits = ops.reshape(bits, s[:axis] + (s[axis] * 8,) + s[axis + 2:])
    if count is not None:
        total = get_aval(bits).shape[axis]
        count = _int("unpackbits", "count", count)
        count = count if count >= 0 else total + count
        if count > total:
            pad = [(0, 0, 0)] * len(get_aval(bits).shape)
            pad[axis] = (0, count - total, 0)
            bits = lax.pad(bits, lax.full((), 0, np.uint8), pad)
        else:
            bits = lax.slice_in_dim(bits, 0, max(count, 0), axis=axis)
    return bits


# ------------------------------------------------------------------ select / piecewise

def select(condlist, choicelist, default=0):
    """``choicelist[i]`` where ``condlist[i]`` is the first true condition, else default."""
    if len(condlist) != len(choicelist):
        raise ValueError(f"select: condlist has {len(condlist)} entries but choicelist has "
                         f"{len(choicelist)}")
    if not condlist:
        raise ValueError("select: condlist must be non-empty")
    choices = ops.promote_dtypes(*(ops.operand(c, "select") for c in choicelist),
                                 ops.operand(default, "select"))
    out = choices[-1]
    for cond, choice in zip(reversed(condlist), reversed(choices[:-1])):
        cond = ops.operand(cond, "select")
        if ops.dtype_kind(cond) != "b":
            raise TypeError(f"select: condlist entries must be boolean, got {ops.dtype_of(cond)}")
        shape = ops.broadcast_shapes(get_aval(cond).shape, get_aval(choice).shape,
                                     get_aval(out).shape, fname="select")
        out = lax.select(ops.broadcast_to(cond, shape, "select"),
                         ops.broadcast_to(choice, shape, "select"),
                         ops.broadcast_to(out, shape, "select"))
    return out


def piecewise(x, condlist, funclist, *args, **kw):
    """``funclist[i](x)`` where ``condlist[i]`` holds (the last true condition wins; an
    extra last function is the default).  Every function sees all of ``x``."""
    x = ops.operand(x, "piecewise")
    if isinstance(condlist, (bool, np.bool_)) or core.is_array_like(condlist) and \
            not isinstance(condlist, (list, tuple)):
        conds = ops.operand(condlist, "piecewise")
        condlist = [conds] if get_aval(conds).ndim <= get_aval(x).ndim else list(conds)
    n = len(condlist)
    if len(funclist) == n + 1:
        otherwise = funclist[-1]
    elif len(funclist) == n:
        otherwise = 0
    else:
        raise ValueError(f"piecewise: with {n} condition(s), either {n} or {n + 1} functions "
                         f"are needed, got {len(funclist)}")
    dt = ops.dtype_of(x)

    def value(f):
        v = f(x, *args, **kw) if callable(f) else f
        return ops.broadcast_to(ops.convert(ops.operand(v, "piecewise"), dt),
                                get_aval(x).shape, "piecewise")

    out = value(otherwise)
    for cond, f in zip(condlist, funclist[:n]):
        cond = ops.broadcast_to(ops.to_bool(ops.operand(cond, "piecewise")),
                                get_aval(x).shape, "piecewise")
        out = lax.select(cond, value(f), out)
    return out
