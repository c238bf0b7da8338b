"""JVP, transpose and batching rules of the collectives (``collectives.py``).

Derivatives follow JAX: every collective but ``pmax``/``pmin`` is linear; ``psum``
transposes to ``psum`` of the cotangent, ``all_gather`` and ``psum_scatter`` to each
other, ``all_to_all`` to itself with the axes swapped, ``ppermute`` to the inverse
permutation.  A batching rule receives the vmap level's ``axis_data`` (``.name``,
``.size``): over that level's own name the collective becomes an array operation over
the batch axis; over another name it is bound again on the batched value.
"""

from __future__ import annotations

import numpy as np

from plax_core import lax
from plax_core.extend import BATCHING, JVP, TRANSPOSE, get_aval

from .collectives import (
    all_gather_p,
    all_to_all_p,
    axis_index_p,
    pmax_p,
    pmin_p,
    ppermute_p,
    psum_p,
    psum_scatter_p,
)

# ------------------------------------------------------------------ array helpers


def _shape(x):
    return get_aval(x).shape


def _moveaxis(x, src, dst):
    if src == dst:
        return x
    perm = list(range(len(_shape(x))))
    perm.insert(dst, perm.pop(src))
    return lax.transpose(x, tuple(perm))


def _at_front(x, d, size):
    """``x`` batched at axis 0 (broadcast there when unbatched)."""
    if d is None:
        shape = _shape(x)
        return lax.broadcast_in_dim(x, (size,) + shape, tuple(range(1, len(shape) + 1)))
    return _moveaxis(x, d, 0)


def _merge(x, axis):
    """``x`` with axes ``axis`` and ``axis + 1`` merged (row-major)."""
    shape = _shape(x)
    return lax.reshape(x, shape[:axis] + (shape[axis] * shape[axis + 1],) + shape[axis + 2:])


def _split(x, axis, n):
    """``x`` with axis ``axis`` split into ``(n, size // n)``."""
    shape = _shape(x)
    return lax.reshape(x, shape[:axis] + (n, shape[axis] // n) + shape[axis + 1:])


def _mine(axis_data, axes) -> bool:
    return axis_data.name is not None and axis_data.name in axes


# ------------------------------------------------------------------ JVP and transpose


def _linear_jvp(prim):
    def jvp(primals, tangents, **params):
        (x,), (t,) = primals, tangents
        return prim.bind(x, **params), prim.bind(t, **params)
    return jvp


def _psum_transpose(ct, x, *, axes):
    return [psum_p.bind(ct, axes=axes)]


def _all_gather_transpose(ct, x, *, axes, axis, tiled, axis_size):
    return [psum_scatter_p.bind(ct, axes=axes, scatter_dimension=axis, tiled=tiled,
                                axis_size=axis_size)]


def _psum_scatter_transpose(ct, x, *, axes, scatter_dimension, tiled, axis_size):
    return [all_gather_p.bind(ct, axes=axes, axis=scatter_dimension, tiled=tiled,
                              axis_size=axis_size)]


def _all_to_all_transpose(ct, x, *, axes, split_axis, concat_axis, tiled, axis_size):
    return [all_to_all_p.bind(ct, axes=axes, split_axis=concat_axis,
                              concat_axis=split_axis, tiled=tiled, axis_size=axis_size)]


def _ppermute_transpose(ct, x, *, axes, perm):
    return [ppermute_p.bind(ct, axes=axes, perm=tuple((d, s) for s, d in perm))]


# ------------------------------------------------------------------ batching


def _reducer_batch(prim, reduce, scale):
    def rule(args, dims, *, axes, axis_data):
        (x,), (d,) = args, dims
        if not _mine(axis_data, axes):
            return prim.bind(x, axes=axes), d
        if d is None:
            y = lax.mul(x, np.asarray(axis_data.size, get_aval(x).dtype)) if scale else x
        else:
            y = reduce(x, (d,))
        rest = tuple(a for a in axes if a != axis_data.name)
        return (prim.bind(y, axes=rest) if rest else y), None
    return rule


def _all_gather_batch(args, dims, *, axes, axis, tiled, axis_size, axis_data):
    (x,), (d,) = args, dims
    if not _mine(axis_data, axes):
        return all_gather_p.bind(_moveaxis(x, d, 0), axes=axes, axis=axis + 1, tiled=tiled,
                                 axis_size=axis_size), 0
    y = _moveaxis(_at_front(x, d, axis_data.size), 0, axis)   # every index sees all
    return (_merge(y, axis) if tiled else y), None


def _psum_scatter_batch(args, dims, *, axes, scatter_dimension, tiled, axis_size,
                        axis_data):
    (x,), (d,) = args, dims
    sd = scatter_dimension
    if not _mine(axis_data, axes):
        return psum_scatter_p.bind(_moveaxis(x, d, 0), axes=axes, scatter_dimension=sd + 1,
                                   tiled=tiled, axis_size=axis_size), 0
    total = lax.reduce_sum(_at_front(x, d, axis_data.size), (0,))
    return (_split(total, sd, axis_data.size) if tiled else total), sd


def _all_to_all_batch(args, dims, *, axes, split_axis, concat_axis, tiled, axis_size,
                      axis_data):
    (x,), (d,) = args, dims
    if not _mine(axis_data, axes):
        return all_to_all_p.bind(_moveaxis(x, d, 0), axes=axes, split_axis=split_axis + 1,
                                 concat_axis=concat_axis + 1, tiled=tiled,
                                 axis_size=axis_size), 0
    n = axis_data.size
    xs = _at_front(x, d, n)                  # xs[j, ...]: index j's operand
    if tiled:
        xs = _split(xs, 1 + split_axis, n)   # xs[j, ..., i, t, ...]
    z = _moveaxis(xs, 1 + split_axis, 0)     # z[i, j, ...]: what index i receives from j
    y = _moveaxis(z, 1, 1 + concat_axis)
    return (_merge(y, 1 + concat_axis) if tiled else y), 0


def _ppermute_batch(args, dims, *, axes, perm, axis_data):
    (x,), (d,) = args, dims
    if not _mine(axis_data, axes):
        return ppermute_p.bind(x, axes=axes, perm=perm), d
    n = axis_data.size
    xs = _at_front(x, d, n)
    source = {dst: src for src, dst in perm}
    blocks = []
    for dst in range(n):
        block = lax.slice_in_dim(xs, source.get(dst, 0), source.get(dst, 0) + 1, axis=0)
        blocks.append(block if dst in source else lax.zeros_like_array(block))
    return lax.concatenate(blocks, 0), 0


def _axis_index_batch(args, dims, *, axis_name, axis_data):
    if axis_data.name != axis_name:
        return axis_index_p.bind(axis_name=axis_name), None
    return lax.iota(np.int32, axis_data.size), 0


def _not_differentiable(prim):
    def rule(*args, **params):
        raise NotImplementedError(f"Differentiation rule for '{prim.name}' not implemented "
                                  f"(as in JAX): {prim.name} over a named axis has no "
                                  f"derivative in plax; use psum of a one-hot mask, or "
                                  f"stop_gradient around it")
    return rule


def _axis_index_jvp(primals, tangents, *, axis_name):
    raise AssertionError("axis_index has no operands: its JVP rule is never called")


RULES = {
    JVP: {psum_p: _linear_jvp(psum_p), all_gather_p: _linear_jvp(all_gather_p),
          psum_scatter_p: _linear_jvp(psum_scatter_p),
          all_to_all_p: _linear_jvp(all_to_all_p), ppermute_p: _linear_jvp(ppermute_p),
          pmax_p: _not_differentiable(pmax_p), pmin_p: _not_differentiable(pmin_p),
          axis_index_p: _axis_index_jvp},
    TRANSPOSE: {psum_p: _psum_transpose, all_gather_p: _all_gather_transpose,
                psum_scatter_p: _psum_scatter_transpose,
                all_to_all_p: _all_to_all_transpose, ppermute_p: _ppermute_transpose,
                # not linear: refusals, so autodiff's coverage check knows they are meant
                pmax_p: _not_differentiable(pmax_p), pmin_p: _not_differentiable(pmin_p),
                axis_index_p: _not_differentiable(axis_index_p)},
    BATCHING: {psum_p: _reducer_batch(psum_p, lax.reduce_sum, True),
               pmax_p: _reducer_batch(pmax_p, lax.reduce_max, False),
               pmin_p: _reducer_batch(pmin_p, lax.reduce_min, False),
               all_gather_p: _all_gather_batch, psum_scatter_p: _psum_scatter_batch,
               all_to_all_p: _all_to_all_batch, ppermute_p: _ppermute_batch,
               axis_index_p: _axis_index_batch},
}
