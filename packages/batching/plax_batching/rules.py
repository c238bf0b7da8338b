"""Batching rules for core's primitives, built by a few family helpers.

A rule is ``rule(args, dims, **params) -> (out, out_dim)``: ``args`` are batched
values, ``dims`` their batch axes (an int, or None for an unbatched operand; at least
one is an int).  Rules move batch axes as little as possible:

- elementwise (``broadcasting_rule``): operands already batched at the same axis are
  used as they are; others are moved to that axis.  Core's elementwise primitives
  take operands of one shape (a 0-d operand only where the primitive allows it: the
  bounds of ``clamp`` and the selector of ``select_n``), so an unbatched operand of
  full rank is broadcast along the batch axis, and an unbatched 0-d one where 0-d is
  allowed is left alone.
- reductions (``reducer_rule``): the reduced axes shift past the batch axis, and the
  batch axis shifts down past the reduced ones; nothing moves.
- ``dot_general``: two batched operands contribute a new batch dimension of the
  contraction; one batched operand contributes a free dimension.  Nothing moves.
- structural ops shift their parameters (axes, permutations, slices, padding) and
  keep the batch axis in place where the op allows it.
- ``dynamic_slice``/``dynamic_update_slice`` with unbatched start indices get a zero
  start and a full-size slice for the batch axis; with batched start indices they
  become one clamping gather/scatter (``rules_indexing``), as in JAX.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from plax_core import lax
from plax_core.core import get_aval

from .batching import (
    axis_size_of,
    bring,
    broadcast,
    moveaxis,
    ndim_of,
    shape_of,
    shift_axes,
)
from .rules_indexing import dynamic_slice_as_gather, dynamic_update_slice_as_scatter

# ------------------------------------------------------------------ elementwise

ELEMENTWISE = """
    neg sign floor ceil round is_finite abs square integer_pow exp exp2 log log1p expm1
    tanh logistic sin cos tan asin acos atan sinh cosh asinh acosh atanh sqrt rsqrt cbrt
    erf erfc erf_inv lgamma digamma real imag conj not copy convert_element_type
    add sub mul div rem pow max min nextafter atan2 and or xor shift_left
    shift_right_logical shift_right_arithmetic eq ne lt le gt ge complex
    stop_gradient population_count clz
""".split()

# Operand positions where a primitive accepts a 0-d operand next to full-rank ones.
SCALAR_OPERANDS = {"clamp": (0, 2), "select_n": (0,)}


def _per_example_shape(x, d):
    shape = shape_of(x)
    return shape if d is None else shape[:d] + shape[d + 1:]


def broadcasting_rule(prim, scalar_operands: Sequence[int] = ()) -> Callable:
    """The rule of an elementwise primitive (operands of one per-example shape)."""

    def rule(args, dims, **params):
        size = axis_size_of(args, dims)
        shapes = [_per_example_shape(x, d) for x, d in zip(args, dims)]
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
    avals = [a if d is None else a.update(shape=_per_example_shape(x, d))
             for a, x, d in zip(avals, args, dims)]
    prim.abstract_eval(*avals, **params)
    raise TypeError(f"{prim.name} got operands of incompatible shapes "
                    f"{[a.shape for a in avals]}")


def _bitcast_convert_type_rule(args, dims, *, new_dtype):
    (x,), (d,) = args, dims
    old = get_aval(x).dtype
    if np.dtype(new_dtype).itemsize > old.itemsize and d == ndim_of(x) - 1:
        x, d = moveaxis(x, d, 0), 0   # the last axis is consumed: keep the batch off it
    return lax.bitcast_convert_type_p.bind(x, new_dtype=new_dtype), d


# ------------------------------------------------------------------ reductions

REDUCTIONS = """
    reduce_sum reduce_prod reduce_max reduce_min reduce_and reduce_or reduce_xor
    argmax argmin
""".split()


def reducer_rule(prim) -> Callable:
    """The rule of a primitive reducing ``axes`` (the rest of its params pass through)."""

    def rule(args, dims, *, axes, **params):
        (x,), (d,) = args, dims
        axes = shift_axes(axes, d)
        out_dim = d - sum(a < d for a in axes)
        return prim.bind(x, axes=axes, **params), out_dim

    return rule


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
    out = lax.dot_general_p.bind(lhs, rhs, dimension_numbers=((lc, rc), (lb, rb)),
                                 precision=precision,
                                 preferred_element_type=preferred_element_type)
    return out, out_dim


# ------------------------------------------------------------------ structural

def _broadcast_in_dim_rule(args, dims, *, shape, broadcast_dimensions, sharding):
    (x,), (d,) = args, dims
    bd = tuple(broadcast_dimensions)
    # The batch axis goes right after the output axis of the operand axis before it,
    # which keeps broadcast_dimensions increasing: no transpose.
    out_dim = bd[d - 1] + 1 if d > 0 else 0
    new_bd = bd[:d] + (out_dim,) + tuple(b + 1 for b in bd[d:])
    new_shape = tuple(shape[:out_dim]) + (shape_of(x)[d],) + tuple(shape[out_dim:])
    out = lax.broadcast_in_dim_p.bind(x, shape=new_shape, broadcast_dimensions=new_bd,
                                      sharding=sharding)
    return out, out_dim


def _reshape_rule(args, dims, *, new_sizes, dimensions, sharding):
    (x,), (d,) = args, dims
    size, ndim = shape_of(x)[d], ndim_of(x)
    new_sizes = tuple(new_sizes)
    if dimensions is None and d == 0:
        return lax.reshape_p.bind(x, new_sizes=(size,) + new_sizes, dimensions=None,
                                  sharding=sharding), 0
    if dimensions is None and d == ndim - 1:
        return lax.reshape_p.bind(x, new_sizes=new_sizes + (size,), dimensions=None,
                                  sharding=sharding), len(new_sizes)
    # Otherwise the batch axis leads, moved there by the reshape's own permutation.
    order = range(ndim - 1) if dimensions is None else dimensions
    perm = (d,) + shift_axes(order, d)
    return lax.reshape_p.bind(x, new_sizes=(size,) + new_sizes, dimensions=perm,
                              sharding=sharding), 0


def _squeeze_rule(args, dims, *, dimensions):
    (x,), (d,) = args, dims
    dimensions = shift_axes(dimensions, d)
    out_dim = d - sum(a < d for a in dimensions)
    return lax.squeeze_p.bind(x, dimensions=dimensions), out_dim


def _expand_dims_rule(args, dims, *, dimensions):
    (x,), (d,) = args, dims
    out_ndim = ndim_of(x) - 1 + len(dimensions)
    kept = [i for i in range(out_ndim) if i not in dimensions]   # where operand axes go
    out_dim = kept[d - 1] + 1 if d > 0 else 0
    new_dims = tuple(a + (a >= out_dim) for a in dimensions)
    return lax.expand_dims_p.bind(x, dimensions=new_dims), out_dim


def _transpose_rule(args, dims, *, permutation):
    (x,), (d,) = args, dims
    perm = list(shift_axes(permutation, d))
    perm.insert(d, d)
    return lax.transpose_p.bind(x, permutation=tuple(perm)), d


def _rev_rule(args, dims, *, dimensions):
    (x,), (d,) = args, dims
    return lax.rev_p.bind(x, dimensions=shift_axes(dimensions, d)), d


def _insert(seq, pos, value):
    seq = tuple(seq)
    return seq[:pos] + (value,) + seq[pos:]


def _slice_rule(args, dims, *, start_indices, limit_indices, strides):
    (x,), (d,) = args, dims
    size = shape_of(x)[d]
    out = lax.slice_p.bind(x, start_indices=_insert(start_indices, d, 0),
                           limit_indices=_insert(limit_indices, d, size),
                           strides=None if strides is None else _insert(strides, d, 1))
    return out, d


def _concatenate_rule(args, dims, *, dimension):
    size = axis_size_of(args, dims)
    out_dim = next(d for d in dims if d is not None)
    operands = [bring(x, d, out_dim, size) for x, d in zip(args, dims)]
    dimension = dimension + (dimension >= out_dim)
    return lax.concatenate_p.bind(*operands, dimension=dimension), out_dim


def _pad_rule(args, dims, *, padding_config):
    (x, value), (xd, vd) = args, dims
    if vd is None:
        config = _insert(padding_config, xd, (0, 0, 0))
        return lax.pad_p.bind(x, value, padding_config=config), xd
    # A batched padding value: pad with one of the values, then select the padding
    # positions (a per-example mask, the same for every example) from all of them.
    size = axis_size_of(args, dims)
    out_dim = 0 if xd is None else xd
    x = bring(x, xd, out_dim, size)
    config = _insert(padding_config, out_dim, (0, 0, 0))
    first = (lax.index_in_dim(value, 0, vd, keepdims=False) if size
             else np.zeros((), get_aval(value).dtype))
    padded = lax.pad_p.bind(x, first, padding_config=config)
    example_shape = _per_example_shape(x, out_dim)
    mask = lax.pad_p.bind(np.ones(example_shape, np.bool_), np.asarray(False),
                          padding_config=tuple(padding_config))
    mask = broadcast(mask, size, out_dim)
    fill = lax.broadcast_in_dim_p.bind(value, shape=shape_of(padded),
                                       broadcast_dimensions=(out_dim,), sharding=None)
    return lax.select_n_p.bind(mask, fill, padded), out_dim


# ------------------------------------------------------------------ dynamic slicing

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


def _zero_index(indices) -> np.ndarray:
    dtype = get_aval(indices[0]).dtype if indices else np.dtype(np.int32)
    return np.zeros((), dtype)


def _dynamic_slice_rule(args, dims, *, slice_sizes):
    (x, *indices), (xd, *index_dims) = args, dims
    if any(d is not None for d in index_dims):
        return dynamic_slice_as_gather(args, dims, slice_sizes=slice_sizes)
    indices = _insert(indices, xd, _zero_index(indices))
    sizes = _insert(slice_sizes, xd, shape_of(x)[xd])
    return lax.dynamic_slice_p.bind(x, *indices, slice_sizes=sizes), xd


def _dynamic_update_slice_rule(args, dims):
    (x, update, *indices), (xd, ud, *index_dims) = args, dims
    if any(d is not None for d in index_dims):
        return dynamic_update_slice_as_scatter(args, dims)
    size = axis_size_of(args, dims)
    out_dim = xd if xd is not None else ud
    x, update = bring(x, xd, out_dim, size), bring(update, ud, out_dim, size)
    indices = _insert(indices, out_dim, _zero_index(indices))
    return lax.dynamic_update_slice_p.bind(x, update, *indices), out_dim


# ------------------------------------------------------------------ no operands

def unbatched_rule(prim) -> Callable:
    """For primitives without array operands (``iota``): never batched; bind as is."""

    def rule(args, dims, **params):
        return prim.bind(*args, **params), None

    return rule


# ------------------------------------------------------------------ the table

STRUCTURAL = {
    "broadcast_in_dim": _broadcast_in_dim_rule,
    "reshape": _reshape_rule,
    "squeeze": _squeeze_rule,
    "expand_dims": _expand_dims_rule,
    "transpose": _transpose_rule,
    "rev": _rev_rule,
    "slice": _slice_rule,
    "concatenate": _concatenate_rule,
    "pad": _pad_rule,
    "dynamic_slice": _dynamic_slice_rule,
    "dynamic_update_slice": _dynamic_update_slice_rule,
    "dot_general": _dot_general_rule,
    "bitcast_convert_type": _bitcast_convert_type_rule,
}

FAMILIES: dict[str, Callable] = {
    **{name: broadcasting_rule for name in ELEMENTWISE},
    **{name: (lambda n: lambda p: broadcasting_rule(p, SCALAR_OPERANDS[n]))(name)
       for name in SCALAR_OPERANDS},
    **{name: reducer_rule for name in REDUCTIONS},
    "iota": unbatched_rule,
}


def register_core_rules(table, primitives: dict) -> None:
    """Fill ``table`` for every core primitive present in ``primitives`` (by name)."""
    for name, make in FAMILIES.items():
        if name in primitives:
            table[primitives[name]] = make(primitives[name])
    for name, rule in STRUCTURAL.items():
        if name in primitives:
            table[primitives[name]] = rule
