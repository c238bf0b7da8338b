"""Batching rules for ``sort`` and ``top_k`` (family ``sorting``).

- ``sort``: unbatched operands are broadcast along the batch axis of the first batched
  one, all operands are brought to that axis, and ``dimension`` shifts past it.
- ``top_k`` works on the last axis: a batch axis there moves to the front.
"""

from __future__ import annotations

from plax_core.extend import BATCHING
from plax_core.lax import sort_p, top_k_p

from ..batching import axis_size_of, bring, moveaxis, ndim_of


def _sort_rule(args, dims, *, dimension, is_stable, num_keys):
    size = axis_size_of(args, dims)
    at = next(d for d in dims if d is not None)
    ops = [bring(x, d, at, size) for x, d in zip(args, dims)]
    dim = dimension + (at <= dimension)
    outs = sort_p.bind(*ops, dimension=dim, is_stable=is_stable, num_keys=num_keys)
    return outs, [at] * len(outs)


def _top_k_rule(args, dims, *, k):
    (x,), (d,) = args, dims
    if d == ndim_of(x) - 1:
        x, d = moveaxis(x, d, 0), 0
    outs = top_k_p.bind(x, k=k)
    return outs, [d, d]


RULES = {sort_p: _sort_rule, top_k_p: _top_k_rule}


def register(registry) -> None:
    """Fill the ``batching`` table for ``sort`` and ``top_k``."""
    registry.rules(BATCHING).update(RULES)


__all__ = ["RULES", "register"]
