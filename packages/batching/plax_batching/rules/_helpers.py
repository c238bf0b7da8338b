"""Rule builders shared by several families (this package only; re-exported by
``plax_batching`` for plugins that want them).

- ``broadcasting_rule``: elementwise primitives (operands of one per-example shape).
  Operands already batched at the same axis are used as they are; others are moved to
  that axis.  An unbatched operand of full rank is broadcast along the batch axis, and
  an unbatched 0-d one where the primitive takes 0-d (``scalar_operands``) is left alone.
- ``reducer_rule``: the reduced axes shift past the batch axis, and the batch axis
  shifts down past the reduced ones; nothing moves.
- ``leading_batch_rule``: primitives whose leading dimensions are batch dimensions
  already (linear algebra, ``fft``): the batch axis moves to the front.
- ``per_example_rule``: runs the primitive once per example (a fallback).
- ``unbatched_rule``: primitives without array operands (``iota``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from plax_core import lax
from plax_core.extend import get_aval

from ..batching import axis_size_of, bdim_at_front, bring, shape_of, shift_axes


def per_example_shape(x, d):
    """The shape of one example of ``x`` batched at ``d`` (None: unbatched)."""
    shape = shape_of(x)
    return shape if d is None else shape[:d] + shape[d + 1:]


def broadcasting_rule(prim, scalar_operands: Sequence[int] = ()) -> Callable:
    """The rule of an elementwise primitive (operands of one per-example shape)."""

    def rule(args, dims, **params):
        size = axis_size_of(args, dims)
        shapes = [per_example_shape(x, d) for x, d in zip(args, dims)]
        rank = max(len(s) for s in shapes)
        full = next(s for s in shapes if len(s) == rank)
        if any(s != full and (s or i not in scalar_operands) for i, s in enumerate(shapes)):
            _per_example_error(prim, args, dims, params)
        # Keep the batch axis most full-rank batched operands have (0 if none is batched).
        at = [d for s, d in zip(shapes, dims) if d is not None and len(s) == rank]
        out_dim = max(at, key=at.count) if at else 0
        out_shape = full[:out_dim] + (size,) + full[out_dim:]
        new_args = []
        for i, (x, d, s) in enumerate(zip(args, dims, shapes)):
            if len(s) < rank or (not s and i in scalar_operands and d is None):
                # a 0-d operand where the primitive takes one
                if d is not None:
                    x = lax.broadcast_in_dim_p.bind(x, shape=out_shape,
                                                    broadcast_dimensions=(out_dim,),
                                                    sharding=None)
            else:
                x = bring(x, d, out_dim, size)
            new_args.append(x)
        return prim.bind(*new_args, **params), out_dim

    return rule


def _per_example_error(prim, args, dims, params):
    """Raise the primitive's own error for operands that do not fit per example."""
    avals = [get_aval(x) for x in args]
    avals = [a if d is None else a.update(shape=per_example_shape(x, d))
             for a, x, d in zip(avals, args, dims)]
    prim.abstract_eval(*avals, **params)
    raise TypeError(f"{prim.name} got operands of incompatible shapes "
                    f"{[a.shape for a in avals]}")


def reducer_rule(prim) -> Callable:
    """The rule of a primitive reducing ``axes`` (the rest of its params pass through)."""

    def rule(args, dims, *, axes, **params):
        (x,), (d,) = args, dims
        axes = shift_axes(axes, d)
        out_dim = d - sum(a < d for a in axes)
        return prim.bind(x, axes=axes, **params), out_dim

    return rule


def leading_batch_rule(prim) -> Callable:
    """Move every operand's batch axis to 0 (broadcasting unbatched ones), bind."""

    def rule(args, dims, **params):
        size = axis_size_of(args, dims)
        args = [bdim_at_front(x, d, size) for x, d in zip(args, dims)]
        out = prim.bind(*args, **params)
        if prim.multiple_results:
            return out, [0] * len(out)
        return out, 0

    return rule


def per_example_rule(prim) -> Callable:
    """Run ``prim`` on each example and concatenate: the fallback for batched indices."""

    def rule(args, dims, **params):
        size = axis_size_of(args, dims)
        outs = []
        for b in range(size):
            example = [x if d is None else lax.index_in_dim(x, b, d, keepdims=False)
                       for x, d in zip(args, dims)]
            out = prim.bind(*example, **params)
            outs.append(lax.expand_dims_p.bind(out, dimensions=(0,)))
        if not outs:
            avals = [get_aval(x) for x in args]
            avals = [a if d is None else a.update(shape=a.shape[:d] + a.shape[d + 1:])
                     for a, d in zip(avals, dims)]
            out_aval = prim.abstract_eval(*avals, **params)
            empty = lax.broadcast_in_dim_p.bind(np.zeros((), out_aval.dtype),
                                                shape=(0,) + out_aval.shape,
                                                broadcast_dimensions=(), sharding=None)
            return empty, 0
        if len(outs) == 1:
            return outs[0], 0
        return lax.concatenate_p.bind(*outs, dimension=0), 0

    return rule


def unbatched_rule(prim) -> Callable:
    """For primitives without array operands (``iota``): never batched; bind as is."""

    def rule(args, dims, **params):
        return prim.bind(*args, **params), None

    return rule


__all__ = ["broadcasting_rule", "leading_batch_rule", "per_example_rule",
           "per_example_shape", "reducer_rule", "unbatched_rule"]
