"""JVP and transpose rules for the primitives of core's ``cumulative`` family.

``cumsum`` is linear; its transpose is the cumulative sum in the other direction.
``cumprod``, ``cummax``, ``cummin`` and ``cumlogsumexp`` differentiate through
``lax.associative_scan`` of their combining function (as JAX does): ties in
``cummax``/``cummin`` split the tangent evenly, as ``max``/``min`` do.

Core's cumulative module also defines three bit-level primitives, so their rules are
here: ``population_count`` and ``clz`` have zero derivatives, and ``reduce_precision``
is linear (its transpose rounds the cotangent the same way), as in JAX.
"""

from __future__ import annotations

from plax_core import lax
from plax_core.extend import JVP, TRANSPOSE
from plax_core.lax import (
    clz_p,
    cumlogsumexp_p,
    cummax_p,
    cummin_p,
    cumprod_p,
    cumsum_p,
    population_count_p,
    reduce_precision_p,
)

from ..jvp import jvp_flat, linear_jvp, zero_jvp
from ..tangents import Zero, instantiate


def _cumsum_transpose(ct, operand, *, axis, reverse):
    if type(ct) is Zero:
        return [Zero(operand.aval)]
    return [cumsum_p.bind(ct, axis=axis, reverse=not reverse)]


def logaddexp(a, b):
    """``log(exp(a) + exp(b))`` from lax operations, exact in its derivative at ties
    (the shift is a constant to differentiation)."""
    mx = lax.max(a, b)
    m = lax.stop_gradient(lax.select(lax.is_finite(mx), mx, lax.full_like(mx, 0)))
    return lax.add(m, lax.log(lax.add(lax.exp(lax.sub(a, m)), lax.exp(lax.sub(b, m)))))


def _scan_jvp(prim, combine):
    def rule(primals, tangents, *, axis, reverse):
        (x,), (t,) = primals, tangents
        ans = prim.bind(x, axis=axis, reverse=reverse)
        if type(t) is Zero:
            return ans, Zero.from_value(ans)
        _, (tan,), _ = jvp_flat(
            lambda v: [lax.associative_scan(combine, v, reverse=reverse, axis=axis)],
            [x], [t])
        return ans, instantiate(tan)
    return rule


def _reduce_precision_transpose(ct, x, **params):
    return [reduce_precision_p.bind(ct, **params)]


# --------------------------------------------------------------------- tables

JVP_RULES = {
    cumsum_p: linear_jvp(cumsum_p),
    cumprod_p: _scan_jvp(cumprod_p, lax.mul),
    cummax_p: _scan_jvp(cummax_p, lax.max),
    cummin_p: _scan_jvp(cummin_p, lax.min),
    cumlogsumexp_p: _scan_jvp(cumlogsumexp_p, logaddexp),
    reduce_precision_p: linear_jvp(reduce_precision_p),
    population_count_p: zero_jvp(population_count_p),
    clz_p: zero_jvp(clz_p),
}

TRANSPOSE_RULES = {
    cumsum_p: _cumsum_transpose,
    reduce_precision_p: _reduce_precision_transpose,
}

# Not linear in any operand: no transpose rule.
NONLINEAR = (cumprod_p, cummax_p, cummin_p, cumlogsumexp_p, population_count_p, clz_p)


def register(registry) -> None:
    """Fill the ``"jvp"`` and ``"transpose"`` tables for the cumulative family."""
    registry.rules(JVP).update(JVP_RULES)
    registry.rules(TRANSPOSE).update(TRANSPOSE_RULES)
