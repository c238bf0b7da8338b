"""JVP and transpose rules for structural primitives, reductions and ``dot_general``.

Structural primitives only move elements, so they are linear: the JVP applies the
primitive to the tangent and the transpose moves cotangents back (a broadcast sums,
a slice pads, a pad slices, a concatenation splits, a dynamic slice becomes a
dynamic update of zeros).  Integer index operands never get tangents.  Among the
reductions, ``reduce_sum`` is linear, ``reduce_max``/``reduce_min`` share the
tangent evenly among tied maxima, ``reduce_prod`` differentiates a pairwise product
tree (exact when some elements are zero), and ``argmax``/``argmin`` have no
derivative.  ``dot_general`` is bilinear, with batch dimensions.
"""

from __future__ import annotations

import math

import numpy as np

from plax_core import lax
from plax_core.core import get_aval

from .jvp import bilinear_jvp, linear_jvp, zero_jvp
from .rules_elementwise import P
from .tangents import Zero, instantiate, is_undefined, zeros_like_aval


def _aval(x):
    return x.aval if is_undefined(x) else get_aval(x)


# ------------------------------------------------------------ shape primitives

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
    ans = P["dynamic_slice"].bind(operand, *indices, slice_sizes=slice_sizes)
    g = tangents[0]
    if type(g) is Zero:
        return ans, Zero.from_value(ans)
    return ans, P["dynamic_slice"].bind(g, *indices, slice_sizes=slice_sizes)


def _dynamic_slice_transpose(ct, operand, *indices, slice_sizes):
    if any(is_undefined(i) for i in indices):
        raise ValueError("dynamic_slice is not linear in its indices")
    zeros = zeros_like_aval(operand.aval)
    return ([P["dynamic_update_slice"].bind(zeros, ct, *indices)]
            + [None] * len(indices))


def _dynamic_update_slice_jvp(primals, tangents):
    operand, update, *indices = primals
    g_operand, g_update = tangents[:2]
    ans = P["dynamic_update_slice"].bind(operand, update, *indices)
    if type(g_operand) is Zero and type(g_update) is Zero:
        return ans, Zero.from_value(ans)
    return ans, P["dynamic_update_slice"].bind(instantiate(g_operand), instantiate(g_update),
                                               *indices)


def _dynamic_update_slice_transpose(ct, operand, update, *indices):
    update_aval = _aval(update)
    ct_operand = ct_update = None
    if is_undefined(operand):
        ct_operand = P["dynamic_update_slice"].bind(ct, zeros_like_aval(update_aval),
                                                    *indices)
    if is_undefined(update):
        ct_update = P["dynamic_slice"].bind(ct, *indices, slice_sizes=update_aval.shape)
    return [ct_operand, ct_update] + [None] * len(indices)


def _pad_jvp(primals, tangents, *, padding_config):
    ans = P["pad"].bind(*primals, padding_config=padding_config)
    if all(type(t) is Zero for t in tangents):
        return ans, Zero.from_value(ans)
    return ans, P["pad"].bind(*map(instantiate, tangents), padding_config=padding_config)


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
        size = _aval(x).shape[dimension]
        if is_undefined(x):
            starts = [0] * len(ct_shape)
            limits = list(ct_shape)
            starts[dimension], limits[dimension] = start, start + size
            out.append(lax.slice(ct, starts, limits))
        else:
            out.append(None)
        start += size
    return out


# ------------------------------------------------------------------ reductions

def _reduce_sum_transpose(ct, operand, *, axes):
    shape = operand.aval.shape
    kept = [d for d in range(len(shape)) if d not in axes]
    return [lax.broadcast_in_dim(ct, shape, kept)]


def _reduce_chooser_jvp(name):
    def rule(primals, tangents, *, axes):
        (x,), (g,) = primals, tangents
        ans = P[name].bind(x, axes=axes)
        shape = get_aval(x).shape
        kept = [d for d in range(len(shape)) if d not in axes]
        chosen = lax.eq(x, lax.broadcast_in_dim(ans, shape, kept))
        location = lax.convert_element_type(chosen, get_aval(g).dtype)
        counts = lax.reduce_sum(location, axes)
        return ans, lax.div(lax.reduce_sum(lax.mul(g, location), axes), counts)
    return rule


def _reduce_prod_jvp(primals, tangents, *, axes):
    """Differentiate a balanced tree of pairwise products (no division by x)."""
    (x,), (g,) = primals, tangents
    ans = P["reduce_prod"].bind(x, axes=axes)
    if not axes:
        return ans, g
    shape = get_aval(x).shape
    kept = [d for d in range(len(shape)) if d not in axes]
    rest = [shape[d] for d in kept]
    n = math.prod(shape[a] for a in axes)
    perm = list(axes) + kept
    xs = lax.reshape(lax.transpose(x, perm), [n] + rest)
    gs = lax.reshape(lax.transpose(g, perm), [n] + rest)
    if n == 0:
        return ans, zeros_like_aval(Zero.from_value(ans).aval)
    while n > 1:
        if n % 2:
            xs = lax.concatenate([xs, lax.full([1] + rest, 1, get_aval(xs).dtype)], 0)
            gs = lax.concatenate([gs, lax.full([1] + rest, 0, get_aval(gs).dtype)], 0)
            n += 1
        starts_even, starts_odd = [0] * (1 + len(rest)), [1] + [0] * len(rest)
        limits, strides = [n] + rest, [2] + [1] * len(rest)
        a, b = lax.slice(xs, starts_even, limits, strides), lax.slice(xs, starts_odd, limits,
                                                                      strides)
        ga, gb = lax.slice(gs, starts_even, limits, strides), lax.slice(gs, starts_odd, limits,
                                                                        strides)
        xs, gs = lax.mul(a, b), lax.add(lax.mul(ga, b), lax.mul(a, gb))
        n //= 2
    return ans, lax.reshape(gs, rest)


# ------------------------------------------------------------------ dot_general

def _ranges_like(*xs):
    start = 0
    for x in xs:
        yield list(range(start, start + len(x)))
        start += len(x)


def _remaining(ndim, *used):
    taken = set().union(*map(set, used))
    return [d for d in range(ndim) if d not in taken]


def _dot_transpose_lhs(ct, x_aval, y, *, dimension_numbers, precision,
                       preferred_element_type, swap_ans=False):
    (x_contract, y_contract), (x_batch, y_batch) = dimension_numbers
    y_ndim = get_aval(y).ndim
    x_kept = _remaining(x_aval.ndim, x_contract, x_batch)
    y_kept = _remaining(y_ndim, y_contract, y_batch)
    if swap_ans:
        ans_batch, ans_y, _ = _ranges_like(x_batch, y_kept, x_kept)
    else:
        ans_batch, _, ans_y = _ranges_like(x_batch, x_kept, y_kept)
    dims = ((ans_y, y_kept), (ans_batch, list(y_batch)))
    x_contract_sorted_by_y = [x_contract[i] for i in np.argsort(y_contract)]
    out_axes = np.argsort(list(x_batch) + x_kept + x_contract_sorted_by_y)
    ct_dtype, y_dtype = get_aval(ct).dtype, get_aval(y).dtype
    pref = None if ct_dtype == y_dtype else preferred_element_type
    if pref is None and ct_dtype != y_dtype:
        y = lax.convert_element_type(y, ct_dtype)
    out = lax.dot_general(ct, y, dims, precision=precision, preferred_element_type=pref)
    out = lax.transpose(out, tuple(int(a) for a in out_axes))
    if get_aval(out).dtype != x_aval.dtype:
        out = P["convert_element_type"].bind(out, new_dtype=x_aval.dtype,
                                             weak_type=x_aval.weak_type, sharding=None)
    return out


def _dot_general_transpose(ct, x, y, *, dimension_numbers, precision, preferred_element_type):
    if is_undefined(x) and is_undefined(y):
        raise ValueError("dot_general is not linear in both of its arguments at once")
    params = dict(precision=precision, preferred_element_type=preferred_element_type)
    if is_undefined(x):
        return [_dot_transpose_lhs(ct, x.aval, y, dimension_numbers=dimension_numbers,
                                   **params), None]
    (x_contract, y_contract), (x_batch, y_batch) = dimension_numbers
    swapped = ((y_contract, x_contract), (y_batch, x_batch))
    return [None, _dot_transpose_lhs(ct, y.aval, x, dimension_numbers=swapped,
                                     swap_ans=True, **params)]


# --------------------------------------------------------------------- tables

LINEAR = ["broadcast_in_dim", "reshape", "squeeze", "expand_dims", "transpose", "rev",
          "slice", "concatenate", "reduce_sum"]
ZERO_JVP = ["iota", "argmax", "argmin", "reduce_and", "reduce_or", "reduce_xor"]


def jvp_rules() -> dict:
    rules = {name: linear_jvp(P[name]) for name in LINEAR if name in P}
    rules.update({name: zero_jvp(P[name]) for name in ZERO_JVP if name in P})
    rules.update({
        "dynamic_slice": _dynamic_slice_jvp,
        "dynamic_update_slice": _dynamic_update_slice_jvp,
        "pad": _pad_jvp,
        "reduce_max": _reduce_chooser_jvp("reduce_max"),
        "reduce_min": _reduce_chooser_jvp("reduce_min"),
        "reduce_prod": _reduce_prod_jvp,
        "dot_general": bilinear_jvp(P["dot_general"]),
    })
    return {name: rule for name, rule in rules.items() if name in P}


TRANSPOSE_RULES = {
    "broadcast_in_dim": _broadcast_in_dim_transpose,
    "reshape": _reshape_transpose,
    "squeeze": _reshape_to_operand,
    "expand_dims": _reshape_to_operand,
    "transpose": _transpose_transpose,
    "rev": _rev_transpose,
    "slice": _slice_transpose,
    "dynamic_slice": _dynamic_slice_transpose,
    "dynamic_update_slice": _dynamic_update_slice_transpose,
    "pad": _pad_transpose,
    "concatenate": _concatenate_transpose,
    "reduce_sum": _reduce_sum_transpose,
    "dot_general": _dot_general_transpose,
}


def transpose_rules() -> dict:
    return {name: rule for name, rule in TRANSPOSE_RULES.items() if name in P}
