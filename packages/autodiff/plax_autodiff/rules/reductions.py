"""JVP and transpose rules for core's reductions and ``dot_general`` (JAX's derivatives).

``reduce_sum`` is linear; ``reduce_max``/``reduce_min`` share the tangent evenly
among tied extrema; ``reduce_prod`` differentiates a pairwise product tree (exact
when some elements are zero); ``argmax``/``argmin`` and the boolean reductions have
no derivative.  ``dot_general`` is bilinear, with batch dimensions: its transpose
with respect to one operand is another ``dot_general`` of the cotangent with the
other operand, followed by a transpose that restores the operand's axis order.
"""

from __future__ import annotations

import math

import numpy as np

from plax_core import lax
from plax_core.extend import JVP, TRANSPOSE, get_aval
from plax_core.lax import (
    argmax_p,
    argmin_p,
    convert_element_type_p,
    dot_general_p,
    reduce_and_p,
    reduce_max_p,
    reduce_min_p,
    reduce_or_p,
    reduce_prod_p,
    reduce_sum_p,
    reduce_xor_p,
)

from ..jvp import bilinear_jvp, linear_jvp, zero_jvp
from ..tangents import Zero, is_undefined, zeros_like_aval

# ------------------------------------------------------------------ reductions


def _reduce_sum_transpose(ct, operand, *, axes):
    shape = operand.aval.shape
    kept = [d for d in range(len(shape)) if d not in axes]
    return [lax.broadcast_in_dim(ct, shape, kept)]


def _reduce_chooser_jvp(prim):
    def rule(primals, tangents, *, axes):
        (x,), (g,) = primals, tangents
        ans = prim.bind(x, axes=axes)
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
    ans = reduce_prod_p.bind(x, axes=axes)
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
                       preferred_element_type):
    (x_contract, y_contract), (x_batch, y_batch) = dimension_numbers
    y_ndim = get_aval(y).ndim
    x_kept = _remaining(x_aval.ndim, x_contract, x_batch)
    y_kept = _remaining(y_ndim, y_contract, y_batch)
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
        out = convert_element_type_p.bind(out, new_dtype=x_aval.dtype,
                                          weak_type=x_aval.weak_type, sharding=None)
    return out


def _dot_transpose_rhs(ct, x, y_aval, *, dimension_numbers, precision,
                       preferred_element_type):
    """The cotangent of ``y`` as ``dot_general(x, ct)``: its dimensions come out in
    ``y``'s order in the common cases (``x @ w``: ``(in, out)``; per example under
    vmap: ``(batch, in, out)``), where ``dot_general(ct, x)`` needed a transpose that
    XLA materialises as a copy of the whole (per-example: 84 MB) result."""
    (x_contract, y_contract), (x_batch, y_batch) = dimension_numbers
    x_kept = _remaining(get_aval(x).ndim, x_contract, x_batch)
    y_kept = _remaining(y_aval.ndim, y_contract, y_batch)
    ans_batch, ans_x, _ = _ranges_like(x_batch, x_kept, y_kept)
    dims = ((x_kept, ans_x), (list(x_batch), ans_batch))
    # result dims: batch, x's contracted dims in x's order, then y's kept dims
    y_dims = (list(y_batch) + [y_contract[list(x_contract).index(d)]
                               for d in sorted(x_contract)] + y_kept)
    out_axes = tuple(int(a) for a in np.argsort(y_dims))
    ct_dtype, x_dtype = get_aval(ct).dtype, get_aval(x).dtype
    pref = None if ct_dtype == x_dtype else preferred_element_type
    if pref is None and ct_dtype != x_dtype:
        x = lax.convert_element_type(x, ct_dtype)
    out = lax.dot_general(x, ct, dims, precision=precision, preferred_element_type=pref)
    if out_axes != tuple(range(len(out_axes))):
        out = lax.transpose(out, out_axes)
    if get_aval(out).dtype != y_aval.dtype:
        out = convert_element_type_p.bind(out, new_dtype=y_aval.dtype,
                                          weak_type=y_aval.weak_type, sharding=None)
    return out


def _dot_general_transpose(ct, x, y, *, dimension_numbers, precision, preferred_element_type):
    if is_undefined(x) and is_undefined(y):
        raise ValueError("dot_general is not linear in both of its arguments at once")
    params = dict(dimension_numbers=dimension_numbers, precision=precision,
                  preferred_element_type=preferred_element_type)
    if is_undefined(x):
        return [_dot_transpose_lhs(ct, x.aval, y, **params), None]
    return [None, _dot_transpose_rhs(ct, x, y.aval, **params)]


# --------------------------------------------------------------------- tables

ZERO_JVP = (argmax_p, argmin_p, reduce_and_p, reduce_or_p, reduce_xor_p)

JVP_RULES = {
    reduce_max_p: _reduce_chooser_jvp(reduce_max_p),
    reduce_min_p: _reduce_chooser_jvp(reduce_min_p),
    reduce_prod_p: _reduce_prod_jvp,
}

TRANSPOSE_RULES = {
    reduce_sum_p: _reduce_sum_transpose,
    dot_general_p: _dot_general_transpose,
}

# Not linear in any operand: no transpose rule.
NONLINEAR = (argmax_p, argmin_p, reduce_and_p, reduce_max_p, reduce_min_p, reduce_or_p,
             reduce_prod_p, reduce_xor_p)


def register(registry) -> None:
    """Fill the ``"jvp"`` and ``"transpose"`` tables for the reductions and dot_general."""
    jvp = registry.rules(JVP)
    for prim in ZERO_JVP:
        jvp[prim] = zero_jvp(prim)
    jvp[reduce_sum_p] = linear_jvp(reduce_sum_p)
    jvp[dot_general_p] = bilinear_jvp(dot_general_p)
    jvp.update(JVP_RULES)
    registry.rules(TRANSPOSE).update(TRANSPOSE_RULES)
