"""Batching rules for sorting and cumulative primitives (``plax_core.prims.sorting`` and
``plax_core.prims.cumulative``).

- ``sort``: unbatched operands are broadcast along the batch axis of the first batched
  one, all operands are brought to that axis, and ``dimension`` shifts past it.
- ``top_k`` works on the last axis: a batch axis there moves to the front.
- cumulative ops shift ``axis`` past the batch axis, which stays where it is;
  ``reduce_precision`` is elementwise.
"""

from __future__ import annotations

from .batching import axis_size_of, bring, moveaxis, ndim_of


def _sort_rule(args, dims, *, dimension, is_stable, num_keys):
    from plax_core import lax
    size = axis_size_of(args, dims)
    at = next(d for d in dims if d is not None)
    ops = [bring(x, d, at, size) for x, d in zip(args, dims)]
    dim = dimension + (at <= dimension)
    outs = lax.sort_p.bind(*ops, dimension=dim, is_stable=is_stable, num_keys=num_keys)
    return outs, [at] * len(outs)


def _top_k_rule(args, dims, *, k):
    from plax_core import lax
    (x,), (d,) = args, dims
    if d == ndim_of(x) - 1:
        x, d = moveaxis(x, d, 0), 0
    outs = lax.top_k_p.bind(x, k=k)
    return outs, [d, d]


def _cumulative_rule(prim):
    def rule(args, dims, *, axis, reverse):
        (x,), (d,) = args, dims
        return prim.bind(x, axis=axis + (d <= axis), reverse=reverse), d
    return rule


def _elementwise_rule(prim):
    def rule(args, dims, **params):
        (x,), (d,) = args, dims
        return prim.bind(x, **params), d
    return rule


def register_sorting_rules(table, primitives: dict) -> None:
    """Fill ``table`` for the sorting/cumulative primitives present in ``primitives``."""
    makers = {"sort": lambda p: _sort_rule, "top_k": lambda p: _top_k_rule,
              "reduce_precision": _elementwise_rule, "population_count": _elementwise_rule,
              "clz": _elementwise_rule}
    for name in ("cumsum", "cumprod", "cummax", "cummin", "cumlogsumexp"):
        makers[name] = _cumulative_rule
    for name, make in makers.items():
        if name in primitives and primitives[name] not in table:
            table[primitives[name]] = make(primitives[name])


__all__ = ["register_sorting_rules"]
