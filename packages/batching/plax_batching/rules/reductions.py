"""Batching rules for core's reductions (family ``reductions``, ``dot_general`` included).

- ``reduce_*``/``argmax``/``argmin`` (``reducer_rule``): the reduced axes shift past the
  batch axis, and the batch axis shifts down past the reduced ones; nothing moves.
- ``dot_general``: two batched operands contribute a new batch dimension of the
  contraction; one batched operand contributes a free dimension.  Nothing moves.
"""

from __future__ import annotations

from plax_core.extend import BATCHING
from plax_core.lax import (
    argmax_p,
    argmin_p,
    dot_general_p,
    reduce_and_p,
    reduce_max_p,
    reduce_min_p,
    reduce_or_p,
    reduce_prod_p,
    reduce_sum_p,
    reduce_xor_p,
)

from ..batching import ndim_of, shift_axes
from ._helpers import reducer_rule

REDUCTIONS = (reduce_sum_p, reduce_prod_p, reduce_max_p, reduce_min_p, reduce_and_p,
              reduce_or_p, reduce_xor_p, argmax_p, argmin_p)


def _dot_general_rule(args, dims, *, dimension_numbers, precision, preferred_element_type):
    (lhs, rhs), (ld, rd) = args, dims
    (lc, rc), (lb, rb) = dimension_numbers
    if ld is not None and rd is not None:
        # Both batched: the vmapped axis is one more batch dimension (the first).
        lc, lb = shift_axes(lc, ld), (ld,) + shift_axes(lb, ld)
        rc, rb = shift_axes(rc, rd), (rd,) + shift_axes(rb, rd)
        out_dim = 0
    elif ld is not None:
        # Only lhs: the vmapped axis is a free lhs dimension, in its place among them.
        lc, lb = shift_axes(lc, ld), shift_axes(lb, ld)
        free = [i for i in range(ndim_of(lhs)) if i not in lc + lb]
        out_dim = len(lb) + free.index(ld)
    else:
        rc, rb = shift_axes(rc, rd), shift_axes(rb, rd)
        free = [i for i in range(ndim_of(rhs)) if i not in rc + rb]
        lhs_free = ndim_of(lhs) - len(lc) - len(lb)
        out_dim = len(lb) + lhs_free + free.index(rd)
    out = dot_general_p.bind(lhs, rhs, dimension_numbers=((lc, rc), (lb, rb)),
                             precision=precision,
                             preferred_element_type=preferred_element_type)
    return out, out_dim


def register(registry) -> None:
    """Fill the ``batching`` table for the reductions and ``dot_general``."""
    table = registry.rules(BATCHING)
    for prim in REDUCTIONS:
        table[prim] = reducer_rule(prim)
    table[dot_general_p] = _dot_general_rule


__all__ = ["REDUCTIONS", "register"]
