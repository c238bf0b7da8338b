"""The implicit reparameterisation gradient of gamma samples: ``d sample / d alpha``.

A gamma sample ``x`` of shape ``a`` solves ``P(a, x) = u`` for a uniform ``u`` that does
not depend on ``a`` (``P`` is the regularised lower incomplete gamma function, the
CDF).  Differentiating that relation at fixed ``u`` gives

    dx/da = -(dP/da)(a, x) / (dP/dx)(a, x),   dP/dx = x**(a-1) e**(-x) / Gamma(a)

(Figurnov et al., "Implicit Reparameterization Gradients", 2018).  JAX computes this
quotient with the derivative-in-``a`` versions of Cephes' two expansions of ``P``,
and so does ``random_gamma_grad`` here, so that gradients agree with JAX's:

- the power series ``P = x**a e**-x / Gamma(a+1) * sum_k x**k / ((a+1)...(a+k))``
  where ``x <= 1`` or ``x <= a``, differentiated term by term;
- Legendre's continued fraction for ``Q = 1 - P`` elsewhere, differentiated through
  its three-term recurrence (at most 2000 steps, with JAX's rescaling).

Both loops are ``lax.while_loop``s over the whole array that freeze converged elements,
which gives each element the value of JAX's per-element loop.  float16 and bfloat16
are computed in float32, as in JAX.
"""

from __future__ import annotations

import numpy as np

from plax_core import dtypes, lax, ops

from . import _lax_util as u

__all__ = ["random_gamma_grad"]


def _c(x, value):
    return lax.full_like(x, value)


def _series(x, a, enabled, eps):
    """``d x / d a`` from the power series (JAX's SAMPLE_DERIVATIVE mode)."""
    def cond(vals):
        return ops.any(vals[0])

    def body(vals):
        on, r, c, ans, dc_da, dans_da = vals
        r2 = ops.add(r, _c(r, 1.0))
        dc_da2 = ops.subtract(ops.multiply(dc_da, ops.true_divide(x, r2)),
                              ops.true_divide(ops.multiply(c, x), ops.multiply(r2, r2)))
        dans_da2 = ops.add(dans_da, dc_da2)
        c2 = ops.multiply(c, ops.true_divide(x, r2))
        ans2 = ops.add(ans, c2)
        more = ops.logical_and(on, ops.greater(ops.abs(ops.true_divide(dc_da2, dans_da2)),
                                               eps))
        return (more, lax.select(on, r2, r), lax.select(on, c2, c),
                lax.select(on, ans2, ans), lax.select(on, dc_da2, dc_da),
                lax.select(on, dans_da2, dans_da))

    init = (enabled, a, _c(a, 1.0), _c(a, 1.0), _c(a, 0.0), _c(a, 0.0))
    _, _, _, ans, _, dans_da = lax.while_loop(cond, body, init)
    dlogax_da = ops.subtract(lax.log(x), lax.digamma(ops.add(a, _c(a, 1.0))))
    return ops.true_divide(ops.multiply(ops.negative(ops.add(dans_da,
                                                             ops.multiply(ans, dlogax_da))),
                                        x), a)


def _continued_fraction(x, a, enabled, eps):
    """``-d x / d a`` from the continued fraction of ``Q`` (JAX's recurrence)."""
    def cond(vals):
        return ops.logical_and(ops.less(vals[5], 2000), ops.any(vals[0]))

    def body(vals):
        (on, ans, t, y, z, c, pkm1, qkm1, pkm2, qkm2,
         dpkm2, dqkm2, dpkm1, dqkm1, dans) = vals
        c = ops.add(c, np.array(1, u.dtype(c)))
        y2 = ops.add(y, _c(y, 1))
        z2 = ops.add(z, _c(z, 2))
        yc = ops.multiply(y2, c)
        pk = ops.subtract(ops.multiply(pkm1, z2), ops.multiply(pkm2, yc))
        qk = ops.subtract(ops.multiply(qkm1, z2), ops.multiply(qkm2, yc))
        nz = ops.not_equal(qk, _c(qk, 0))
        r = ops.true_divide(pk, qk)
        t2 = lax.select(nz, ops.abs(ops.true_divide(ops.subtract(ans, r), r)), _c(r, 1))
        ans2 = lax.select(nz, r, ans)
        dpk = ops.add(ops.subtract(ops.subtract(ops.multiply(dpkm1, z2), pkm1),
                                   ops.multiply(dpkm2, yc)), ops.multiply(pkm2, c))
        dqk = ops.add(ops.subtract(ops.subtract(ops.multiply(dqkm1, z2), qkm1),
                                   ops.multiply(dqkm2, yc)), ops.multiply(qkm2, c))
        dans2 = lax.select(nz, ops.true_divide(ops.subtract(dpk, ops.multiply(ans2, dqk)), qk),
                           dans)
        change = lax.select(nz, ops.abs(ops.subtract(dans2, dans)), _c(dans, 1))
        rescale = ops.greater(ops.abs(pk), _c(pk, 1.0 / eps))
        shifted = [pkm1, pk, qkm1, qk, dpkm1, dqkm1, dpk, dqk]   # the new k-2 and k-1 terms
        shifted = [lax.select(rescale, ops.multiply(v, _c(v, eps)), v) for v in shifted]
        n_pkm2, n_pkm1, n_qkm2, n_qkm1, n_dpkm2, n_dqkm2, n_dpkm1, n_dqkm1 = shifted
        more = ops.logical_and(on, ops.greater(change, _c(change, eps)))

        def keep(new, old):
            return lax.select(on, new, old)

        return (more, keep(ans2, ans), keep(t2, t), keep(y2, y), keep(z2, z), c,
                keep(n_pkm1, pkm1), keep(n_qkm1, qkm1), keep(n_pkm2, pkm2),
                keep(n_qkm2, qkm2), keep(n_dpkm2, dpkm2), keep(n_dqkm2, dqkm2),
                keep(n_dpkm1, dpkm1), keep(n_dqkm1, dqkm1), keep(dans2, dans))

    y = ops.subtract(_c(a, 1), a)
    z = ops.add(ops.add(x, y), _c(x, 1))
    pkm1 = ops.add(x, _c(x, 1))
    qkm1 = ops.multiply(z, x)
    ans = ops.true_divide(pkm1, qkm1)
    zero = _c(x, 0)
    dqkm1 = ops.negative(x)
    dans = ops.true_divide(ops.subtract(zero, ops.multiply(ans, dqkm1)), qkm1)
    count = np.array(0, u.dtype(x))                 # one step counter, as in JAX
    init = (enabled, ans, _c(x, 1), y, z, count, pkm1, qkm1, _c(x, 1), x,
            zero, zero, zero, dqkm1, dans)
    vals = lax.while_loop(cond, body, init)
    ans, dans = vals[1], vals[14]
    dlogax_da = ops.subtract(lax.log(x), lax.digamma(a))
    return ops.negative(ops.multiply(ops.add(dans, ops.multiply(ans, dlogax_da)), x))


def _random_gamma_grad(a, x):
    dt = u.dtype(a)
    eps = float(dtypes.finfo(dt).eps)
    is_nan = ops.logical_or(ops.not_equal(a, a), ops.not_equal(x, x))
    x_is_zero = ops.equal(x, _c(x, 0))
    domain_error = ops.logical_or(ops.less(x, _c(x, 0)), ops.less_equal(a, _c(a, 0)))
    use_cf = ops.logical_and(ops.greater(x, _c(x, 1)), ops.greater(x, a))
    log_ax = ops.subtract(ops.subtract(ops.multiply(a, lax.log(x)), x), lax.lgamma(a))
    underflow = ops.less(log_ax, _c(log_ax, -np.log(dtypes.finfo(dt).max)))
    enabled = ops.logical_not(ops.logical_or(ops.logical_or(ops.logical_or(
        x_is_zero, domain_error), underflow), is_nan))
    out = lax.select(use_cf,
                     ops.negative(_continued_fraction(x, a, ops.logical_and(enabled, use_cf),
                                                      eps)),
                     _series(x, a, ops.logical_and(enabled, ops.logical_not(use_cf)), eps))
    out = lax.select(x_is_zero, _c(out, 0), out)
    return lax.select(ops.logical_or(domain_error, is_nan), _c(a, np.nan), out)


_UPCAST = {np.dtype(np.float16), np.dtype(dtypes.bfloat16)}


def random_gamma_grad(a, x):
    """``d x / d a`` for gamma samples ``x`` of shape ``a`` (JAX's
    ``lax.random_gamma_grad``): NaN where ``a <= 0``, ``x < 0`` or either is NaN, and 0
    at ``x == 0``."""
    a, x = ops.promote_args_inexact("random_gamma_grad", a, x)
    shape = ops.broadcast_shapes(u.shape(a), u.shape(x), fname="random_gamma_grad")
    a, x = ops.broadcast_to(a, shape), ops.broadcast_to(x, shape)
    dt = u.dtype(a)
    if dt in _UPCAST:
        f32 = np.dtype(np.float32)
        out = _random_gamma_grad(lax.convert_element_type(a, f32),
                                 lax.convert_element_type(x, f32))
        return lax.convert_element_type(out, dt)
    return _random_gamma_grad(a, x)
