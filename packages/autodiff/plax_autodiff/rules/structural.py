"""JVP and transpose rules for core's structural primitives (JAX's derivatives).

Structural primitives only move elements, so they are linear: the JVP applies the
primitive to the tangent and the transpose moves cotangents back (a broadcast sums,
a slice pads, a pad slices, a concatenation splits, a dynamic slice becomes a
dynamic update of zeros).  Integer index operands never get tangents; ``iota`` takes
no operands and has a zero derivative.
"""

from __future__ import annotations

import numpy as np

from plax_core import lax
from plax_core.extend import JVP, TRANSPOSE, get_aval
from plax_core.lax import (
    broadcast_in_dim_p,
    concatenate_p,
    dynamic_slice_p,
    dynamic_update_slice_p,
    expand_dims_p,
    iota_p,
    pad_p,
    reshape_p,
    rev_p,
    slice_p,
    squeeze_p,
    transpose_p,
)

from ..jvp import linear_jvp, zero_jvp
from ..tangents import Zero, instantiate, is_undefined, zeros_like_aval
from ._helpers import aval_of


def _broadcast_in_dim_transpose(ct, operand, *, shape, broadcast_dimensions, sharding):
    in_shape = operand.aval.shape
    unit_dims = [i for i, d in enumerate(in_shape) if d == 1]
    kept = [b for i, b in enumerate(broadcast_dimensions) if i not in unit_dims]
    axes = tuple(d for d in range(len(shape)) if d not in kept)
    summed = lax.reduce_sum(ct, axes) if axes else ct
    return [lax.expand_dims(summed, unit_dims) if unit_dims else summed]


def _reshape_transpose(ct, operand, *, new_sizes, dimensions, sharding):
    shape = operand.aval.shape
    if dimensions is None:
        return [lax.reshape(ct, shape)]
    permuted = lax.reshape(ct, [shape[d] for d in dimensions])
    return [lax.transpose(permuted, np.argsort(dimensions))]


def _reshape_to_operand(ct, operand, **params):
    return [lax.reshape(ct, operand.aval.shape)]


def _transpose_transpose(ct, operand, *, permutation):
    return [lax.transpose(ct, np.argsort(permutation))]


def _rev_transpose(ct, operand, *, dimensions):
    return [lax.rev(ct, dimensions)]


def _slice_transpose(ct, operand, *, start_indices, limit_indices, strides):
    shape = operand.aval.shape
    ct_shape = get_aval(ct).shape
    if strides is None or all(s == 1 for s in strides):
        config = [(lo, d - hi, 0) for lo, hi, d in zip(start_indices, limit_indices, shape)]
    else:
        real_limits = [lo + (n - 1) * s + 1 if n else lo
                       for lo, n, s in zip(start_indices, ct_shape, strides)]
        config = [(lo, d - hi, s - 1)
                  for lo, hi, d, s in zip(start_indices, real_limits, shape, strides)]
    return [lax.pad(ct, lax.full((), 0, get_aval(ct).dtype), config)]


def _dynamic_slice_jvp(primals, tangents, *, slice_sizes):
    operand, *indices = primals
    ans = dynamic_slice_p.bind(operand, *indices, slice_sizes=slice_sizes)
    g = tangents[0]
    if type(g) is Zero:
        return ans, Zero.from_value(ans)
    return ans, dynamic_slice_p.bind(g, *indices, slice_sizes=slice_sizes)


def _dynamic_slice_transpose(ct, operand, *indices, slice_sizes):
    if any(is_undefined(i) for i in indices):
        raise ValueError("dynamic_slice is not linear in its indices")
    zeros = zeros_like_aval(operand.aval)
    return [dynamic_update_slice_p.bind(zeros, ct, *indices)] + [None] * len(indices)


def _dynamic_update_slice_jvp(primals, tangents):
    operand, update, *indices = primals
    g_operand, g_update = tangents[:2]
    ans = dynamic_update_slice_p.bind(operand, update, *indices)
    if type(g_operand) is Zero and type(g_update) is Zero:
        return ans, Zero.from_value(ans)
    return ans, dynamic_update_slice_p.bind(instantiate(g_operand), instantiate(g_update),
                                            *indices)


def _dynamic_update_slice_transpose(ct, operand, update, *indices):
    update_aval = aval_of(update)
    ct_operand = ct_update = None
    if is_undefined(operand):
        ct_operand = dynamic_update_slice_p.bind(ct, zeros_like_aval(update_aval), *indices)
    if is_undefined(update):
        ct_update = dynamic_slice_p.bind(ct, *indices, slice_sizes=update_aval.shape)
    return [ct_operand, ct_update] + [None] * len(indices)


def _pad_jvp(primals, tangents, *, padding_config):
    ans = pad_p.bind(*primals, padding_config=padding_config)
    if all(type(t) is Zero for t in tangents):
        return ans, Zero.from_value(ans)
    return ans, pad_p.bind(*map(instantiate, tangents), padding_config=padding_config)


def _pad_transpose(ct, operand, padding_value, *, padding_config):
    lo, hi, interior = zip(*padding_config) if padding_config else ((), (), ())
    ndim = get_aval(ct).ndim
    zero = lax.full((), 0, get_aval(ct).dtype)
    unpadded = lax.pad(ct, zero, [(-a, -b, 0) for a, b in zip(lo, hi)])
    ct_operand = lax.slice(unpadded, [0] * ndim, get_aval(unpadded).shape,
                           [i + 1 for i in interior])
    ct_padding = None
    if is_undefined(padding_value):
        axes = tuple(range(ndim))
        ct_padding = lax.sub(lax.reduce_sum(ct, axes), lax.reduce_sum(ct_operand, axes))
    return [ct_operand if is_undefined(operand) else None, ct_padding]


def _concatenate_transpose(ct, *operands, dimension):
    out, start = [], 0
    ct_shape = get_aval(ct).shape
    for x in operands:
        size = aval_of(x).shape[dimension]
        if is_undefined(x):
            starts = [0] * len(ct_shape)
            limits = list(ct_shape)
            starts[dimension], limits[dimension] = start, start + size
            out.append(lax.slice(ct, starts, limits))
        else:
            out.append(None)
        start += size
    return out


# --------------------------------------------------------------------- tables

LINEAR = (broadcast_in_dim_p, reshape_p, squeeze_p, expand_dims_p, transpose_p, rev_p,
          slice_p, concatenate_p)

JVP_RULES = {
    dynamic_slice_p: _dynamic_slice_jvp,
    dynamic_update_slice_p: _dynamic_update_slice_jvp,
    pad_p: _pad_jvp,
}

TRANSPOSE_RULES = {
    broadcast_in_dim_p: _broadcast_in_dim_transpose,
    reshape_p: _reshape_transpose,
    squeeze_p: _reshape_to_operand,
    expand_dims_p: _reshape_to_operand,
    transpose_p: _transpose_transpose,
    rev_p: _rev_transpose,
    slice_p: _slice_transpose,
    dynamic_slice_p: _dynamic_slice_transpose,
    dynamic_update_slice_p: _dynamic_update_slice_transpose,
    pad_p: _pad_transpose,
    concatenate_p: _concatenate_transpose,
}

# Not linear in any operand: no transpose rule.
NONLINEAR = (iota_p,)


def register(registry) -> None:
    """Fill the ``"jvp"`` and ``"transpose"`` tables for the structural primitives."""
    jvp = registry.rules(JVP)
    for prim in LINEAR:
        jvp[prim] = linear_jvp(prim)
    jvp[iota_p] = zero_jvp(iota_p)
    jvp.update(JVP_RULES)
    registry.rules(TRANSPOSE).update(TRANSPOSE_RULES)
