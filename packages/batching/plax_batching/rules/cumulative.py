"""Batching rules for core's ``cumulative`` family: the cumulative reductions, and the
elementwise bit/precision ops core files there (``population_count``, ``clz``,
``reduce_precision``).

Cumulative ops shift ``axis`` past the batch axis, which stays where it is; the
elementwise ones are unary and keep the batch axis (``broadcasting_rule``).
"""

from __future__ import annotations

from plax_core.extend import BATCHING
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

from ._helpers import broadcasting_rule

CUMULATIVE = (cumsum_p, cumprod_p, cummax_p, cummin_p, cumlogsumexp_p)
ELEMENTWISE = (population_count_p, clz_p, reduce_precision_p)


def _cumulative_rule(prim):
    def rule(args, dims, *, axis, reverse):
        (x,), (d,) = args, dims
        return prim.bind(x, axis=axis + (d <= axis), reverse=reverse), d
    return rule


def register(registry) -> None:
    """Fill the ``batching`` table for the cumulative family."""
    table = registry.rules(BATCHING)
    for prim in CUMULATIVE:
        table[prim] = _cumulative_rule(prim)
    for prim in ELEMENTWISE:
        table[prim] = broadcasting_rule(prim)


__all__ = ["CUMULATIVE", "ELEMENTWISE", "register"]
