"""Polynomials: ``polyfit`` and ``roots`` (least-squares fits and roots), and the
coefficient arithmetic (polyval, polyadd, polysub, polymul, polydiv, polyder, polyint, poly).

``polyfit`` solves NumPy's scaled Vandermonde least-squares problem (columns scaled to
unit norm, then ``lstsq``), so fits, residuals, ranks, singular values and covariances
match NumPy and JAX.  ``roots`` takes the eigenvalues of the companion matrix, as
JAX does; with ``strip_zeros=False`` it needs no concrete values (usable under
``jit``): leading zeros then give NaN roots at the end instead of being removed.
"""

from __future__ import annotations

import operator

import numpy as np

from plax_core import core, lax, ops
from plax_core.core import Tracer, get_aval
from plax_core.errors import ConcretizationTypeError

from . import linalg
from ._creation import arange, asarray, zeros
from ._linear import convolve
from ._shape import concatenate

__all__ = ["polyfit", "roots", "polyval", "polyadd", "polysub", "polymul", "polyder", "polyint",
           "polydiv", "poly"]


def _jnp():
    import plax_numpy
    return plax_numpy


def polyfit(x, y, deg: int, rcond=None, full: bool = False, w=None, cov=False):
    """Least-squares fit of a degree-``deg`` polynomial to points ``(x, y)``; ``y`` may
    hold several data sets as columns.  Returns the coefficients (highest power first),
    or with ``full`` also ``(residuals, rank, singular_values, rcond)``, or with ``cov``
    the coefficients' covariance (``cov='unscaled'``: not scaled by the residuals)."""
    jnp = _jnp()
    x, y = asarray(x), asarray(y)
    try:
        deg = operator.index(deg)
    except TypeError:
        raise TypeError(f"polyfit: deg must be a concrete integer, got {deg!r}") from None
    order = deg + 1
    if deg < 0:
        raise ValueError(f"polyfit: expected deg >= 0, got {deg}")
    if x.ndim != 1:
        raise TypeError(f"polyfit: expected a 1-d vector for x, got shape {x.shape}")
    if x.size == 0:
        raise TypeError("polyfit: expected a non-empty vector for x")
    if y.ndim not in (1, 2):
        raise TypeError(f"polyfit: expected a 1-d or 2-d array for y, got shape {y.shape}")
    if x.shape[0] != y.shape[0]:
        raise TypeError(f"polyfit: expected x and y to have the same length, got "
                        f"{x.shape[0]} and {y.shape[0]}")
    dt = jnp.result_type(x.dtype, y.dtype, jnp.float32)
    x, y = x.astype(dt), y.astype(dt)
    if rcond is None:
        rcond = len(x) * float(jnp.finfo(dt).eps)
    if isinstance(rcond, Tracer):
        raise TypeError("polyfit: rcond must be a concrete float")
    rcond = float(rcond)
    lhs, rhs = jnp.vander(x, order), y
    if w is not None:
        w = asarray(w)
        if w.ndim != 1:
            raise TypeError(f"polyfit: expected a 1-d array for weights, got shape {w.shape}")
        if w.shape[0] != y.shape[0]:
            raise TypeError(f"polyfit: expected w and y to have the same length, got "
                            f"{w.shape[0]} and {y.shape[0]}")
        lhs = lhs * w[:, None]
        rhs = rhs * (w[:, None] if rhs.ndim == 2 else w)
    scale = jnp.sqrt(jnp.sum(lhs * lhs, axis=0))
    lhs = lhs / scale[None, :]
    c, resids, rank, s = linalg.lstsq(lhs, rhs, rcond)
    c = (c.T / scale).T
    if full:
        return c, resids, rank, s, asarray(rcond)
    if not cov:
        return c
    vbase = linalg.inv(jnp.dot(lhs.T, lhs)) / jnp.outer(scale, scale)
    if isinstance(cov, str) and cov == "unscaled":
        fac = 1
    else:
        if len(x) <= order:
            raise ValueError(f"polyfit: the number of data points ({len(x)}) must exceed "
                             f"order ({order}) to scale the covariance matrix; pass "
                             f"cov='unscaled'")
        fac = resids / (len(x) - order)
        fac = fac[0] if y.ndim == 1 else fac
    return (c, vbase * fac) if y.ndim == 1 else (c, vbase[:, :, None] * fac)


def _roots_no_zeros(p):
    """Eigenvalues of the companion matrix of ``p`` (``p[0] != 0``)."""
    jnp = _jnp()
    n = p.shape[0]
    if n < 2:
        return zeros(0, jnp.result_type(p.dtype, jnp.complex64))
    a = jnp.diag(jnp.ones(n - 2, p.dtype), -1)
    a = a.at[0, :].set(-p[1:] / p[0])
    return linalg.eigvals(a)


def roots(p, *, strip_zeros: bool = True):
    """The roots of the polynomial with coefficients ``p`` (highest power first), as
    complex numbers.  ``strip_zeros`` drops leading zero coefficients (needs concrete
    ``p``); otherwise each leading zero gives a NaN root at the end."""
    jnp = _jnp()
    p = jnp.atleast_1d(asarray(p))
    if not jnp.issubdtype(p.dtype, jnp.inexact):
        p = p.astype(jnp.result_type(p.dtype, jnp.float32))
    if p.ndim != 1:
        raise ValueError(f"roots: input must be a rank-1 array, got shape {p.shape}")
    ctype = jnp.result_type(p.dtype, jnp.complex64)
    if p.size < 2:
        return zeros(0, ctype)
    is_zero = p == 0
    leading = jnp.where(jnp.all(is_zero), p.size, jnp.argmin(is_zero))
    if strip_zeros:
        if isinstance(leading, Tracer) or isinstance(p, Tracer):
            raise ConcretizationTypeError(
                "roots: strip_zeros=True needs a concrete p (the number of leading zeros "
                "sets the output's size); pass strip_zeros=False under jit")
        return _roots_no_zeros(p[int(leading):]).astype(ctype)
    p = jnp.where(leading == p.size, jnp.ones_like(p), p)
    rolled = p[(arange(p.size) + leading) % p.size]  # leading zeros moved to the end
    out = _roots_no_zeros(rolled).astype(ctype)
    out = out[jnp.argsort(out == 0, stable=True)]  # zero roots (from the roll) last
    keep = arange(out.size) < out.size - leading
    return jnp.where(keep, out, jnp.array(complex(np.nan, np.nan), ctype))


def _int(fname, what, x):
    return operator.index(core.concrete_or_error(None, x, f"{fname} argument '{what}'"))


def _inexact2(fname, x, y):
    """Both operands in their common inexact dtype, shapes unchanged."""
    return ops.promote_dtypes_inexact(ops.operand(x, fname), ops.operand(y, fname, 1))


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
    """The sum of two polynomials given by their coefficients (highest power first)."""
    a1, a2 = _inexact2("polyadd", a1, a2)
    n = max(get_aval(a1).shape[0], get_aval(a2).shape[0])
    return ops.add(_pad_front(a1, n), _pad_front(a2, n))


def polysub(a1, a2):
    """The difference of two polynomials given by their coefficients."""
    a1, a2 = _inexact2("polysub", a1, a2)
    n = max(get_aval(a1).shape[0], get_aval(a2).shape[0])
    return ops.subtract(_pad_front(a1, n), _pad_front(a2, n))


def polymul(a1, a2, *, trim_leading_zeros=False):
    """The product of two polynomials given by their coefficients."""
    a1, a2 = _inexact2("polymul", a1, a2)
    return convolve(a1, a2, mode="full")


def polyder(p, m=1):
    """The ``m``-th derivative of polynomial ``p``."""
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
    """The ``m``-th antiderivative of polynomial ``p``, with integration constants ``k``."""
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
