"""``polyfit`` and ``roots``: least-squares polynomial fits and polynomial roots.

``polyfit`` solves NumPy's scaled Vandermonde least-squares problem (columns scaled to
unit norm, then ``lstsq``), so fits, residuals, ranks, singular values and covariances
match NumPy and JAX.  ``roots`` takes the eigenvalues of the companion matrix, as
JAX does; with ``strip_zeros=False`` it needs no concrete values (usable under
``jit``): leading zeros then give NaN roots at the end instead of being removed.
"""

from __future__ import annotations

import operator

import numpy as np

from plax_core.core import Tracer
from plax_core.errors import ConcretizationTypeError

from . import linalg
from ._creation import arange, asarray, zeros

__all__ = ["polyfit", "roots"]


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
