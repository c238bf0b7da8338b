"""JVP and transpose rules for ``gather`` and the ``scatter`` family.

- ``gather`` is linear in its operand; its transpose is a ``scatter-add`` of the
  cotangent into zeros (the same dimension numbers, read as scatter's).  The tangent
  of an out-of-bounds slice in ``fill`` mode is 0, not the fill value.
- ``scatter-add`` is linear in operand and updates together; the updates' cotangent
  is a gather of the output cotangent (in ``fill`` mode with 0, so dropped updates
  get no gradient).
- ``scatter-mul`` is linear in its operand (transpose: ``scatter-mul`` of the
  cotangent by the same updates).  Its updates' tangent is the operand times a
  ``scatter-add`` of each update's tangent times the product of the OTHER updates that
  land where it does; that product is computed without dividing by zero (the product
  of the nonzero updates and a count of zeros per location), so repeated indices work,
  where JAX 0.10.2 raises NotImplementedError unless ``unique_indices=True``.
- ``scatter`` (replace) follows JAX: each update element gets an id, the ids are
  scattered to find which update won each location, and the result is rewritten as a
  ``scatter-add`` of the masked operand and masked updates, for primal and tangent
  alike; so only ``gather``, ``scatter-add`` and ``select`` carry tangents.
- ``scatter-min``/``scatter-max`` share the tangent evenly among the operand element
  and the updates that equal the result (as ``reduce_max`` does).

Indices never get tangents.
"""

from __future__ import annotations

import math

import numpy as np

from plax_core import lax
from plax_core.extend import JVP, TRANSPOSE, get_aval
from plax_core.lax import (
    gather_p,
    scatter_add_p,
    scatter_max_p,
    scatter_min_p,
    scatter_mul_p,
    scatter_p,
)
from plax_core.prims.indexing import (
    GatherScatterMode,
    gather_to_scatter_dnums,
    scatter_to_gather_dnums,
    scatter_window_sizes,
)

from ..tangents import Zero, instantiate, is_undefined, zeros_like_aval
from ._helpers import aval_of

_CLIP = GatherScatterMode.CLIP
_FILL = GatherScatterMode.FILL_OR_DROP


def _read_windows(x, indices, dn, updates_shape, *, indices_are_sorted, unique_indices,
                  mode):
    """Gather, from an operand-shaped ``x``, the values each update window lands on."""
    return gather_p.bind(
        x, indices, dimension_numbers=scatter_to_gather_dnums(dn),
        slice_sizes=scatter_window_sizes(get_aval(x).shape, updates_shape, dn),
        indices_are_sorted=indices_are_sorted, unique_indices=unique_indices,
        mode=_CLIP if mode == _CLIP else _FILL, fill_value=0)


# ------------------------------------------------------------------ gather

def _gather_jvp(primals, tangents, **params):
    operand, indices = primals
    ans = gather_p.bind(operand, indices, **params)
    g = tangents[0]
    if type(g) is Zero:
        return ans, Zero.from_value(ans)
    tparams = dict(params, fill_value=0 if params["mode"] == _FILL else None)
    return ans, gather_p.bind(g, indices, **tparams)


def _gather_transpose(ct, operand, indices, *, dimension_numbers, slice_sizes,
                      indices_are_sorted, unique_indices, mode, fill_value):
    if is_undefined(indices):
        raise ValueError("gather is not linear in its indices")
    zeros = zeros_like_aval(aval_of(operand))
    out = scatter_add_p.bind(
        zeros, indices, ct, dimension_numbers=gather_to_scatter_dnums(dimension_numbers),
        indices_are_sorted=indices_are_sorted, unique_indices=unique_indices, mode=mode)
    return [out, None]


# ------------------------------------------------------------------ scatter-add

def _scatter_add_jvp(primals, tangents, **params):
    operand, indices, updates = primals
    ans = scatter_add_p.bind(operand, indices, updates, **params)
    g_op, _, g_up = tangents
    if type(g_op) is Zero and type(g_up) is Zero:
        return ans, Zero.from_value(ans)
    return ans, scatter_add_p.bind(instantiate(g_op), indices, instantiate(g_up),
                                   **params)


def _scatter_add_transpose(ct, operand, indices, updates, *, dimension_numbers, **params):
    if is_undefined(indices):
        raise ValueError("scatter-add is not linear in its indices")
    ct_op = ct if is_undefined(operand) else None
    ct_up = None
    if is_undefined(updates):
        ct_up = _read_windows(ct, indices, dimension_numbers, aval_of(updates).shape,
                              **params)
    return [ct_op, None, ct_up]


# ------------------------------------------------------------------ scatter-mul

def _product_of_others(operand, indices, updates, dimension_numbers, **params):
    """For each update element, the product of the other updates landing on its location
    (1 for an update alone there); no division by a zero update."""
    dn = dimension_numbers
    up_shape = get_aval(updates).shape
    zero, one = lax.full_like(updates, 0), lax.full_like(updates, 1)
    is_zero = lax.eq(updates, zero)
    nonzero = lax.select(is_zero, one, updates)
    ones_op = lax.full_like(operand, 1)
    prod = scatter_mul_p.bind(ones_op, indices, nonzero, dimension_numbers=dn, **params)
    zeros = scatter_add_p.bind(lax.full_like(operand, 0), indices,
                               lax.select(is_zero, one, zero), dimension_numbers=dn,
                               **params)
    prod_at = _read_windows(prod, indices, dn, up_shape, **params)
    zeros_at = _read_windows(zeros, indices, dn, up_shape, **params)
    # a nonzero update: the others' product is prod / u when no zero lands there;
    # a zero update: the others' product is prod when it is the only zero there
    others = lax.select(is_zero, lax.select(lax.eq(zeros_at, one), prod_at, zero),
                        lax.select(lax.eq(zeros_at, zero), lax.div(prod_at, nonzero), zero))
    return others


def _scatter_mul_jvp(primals, tangents, **params):
    operand, indices, updates = primals
    ans = scatter_mul_p.bind(operand, indices, updates, **params)
    g_op, _, g_up = tangents
    out = Zero.from_value(ans)
    if type(g_op) is not Zero:
        out = scatter_mul_p.bind(g_op, indices, updates, **params)
    if type(g_up) is not Zero:
        scaled = g_up if params["unique_indices"] else \
            lax.mul(g_up, _product_of_others(operand, indices, updates, **params))
        spread = scatter_add_p.bind(lax.full_like(operand, 0), indices, scaled,
                                    **params)
        term = lax.mul(operand, spread)
        out = term if type(out) is Zero else lax.add(out, term)
    return ans, out


def _scatter_mul_transpose(ct, operand, indices, updates, **params):
    if is_undefined(updates) or is_undefined(indices):
        raise NotImplementedError("scatter_mul is linear in its operand only; its "
                                  "transpose with respect to the updates is not defined")
    return [scatter_mul_p.bind(ct, indices, updates, **params), None, None]


# ------------------------------------------------------------------ scatter

def _scatter_jvp(primals, tangents, *, dimension_numbers, **params):
    operand, indices, updates = primals
    g_op, _, g_up = tangents
    all_params = dict(params, dimension_numbers=dimension_numbers)
    if type(g_op) is Zero and type(g_up) is Zero:
        ans = scatter_p.bind(operand, indices, updates, **all_params)
        return ans, Zero.from_value(ans)
    up_shape = get_aval(updates).shape
    ids = lax.add(lax.reshape(lax.iota(np.int32, math.prod(up_shape)), up_shape),
                  np.int32(1))
    no_ids = lax.full(get_aval(operand).shape, 0, np.int32)
    winners = scatter_p.bind(no_ids, indices, ids, **all_params)
    won = lax.eq(ids, _read_windows(winners, indices, dimension_numbers, up_shape,
                                    **params))
    kept = lax.eq(winners, np.int32(0))

    def combine(x, y):
        x = lax.select(kept, x, lax.full_like(x, 0))
        y = lax.select(won, y, lax.full_like(y, 0))
        return scatter_add_p.bind(x, indices, y, **all_params)

    return combine(operand, updates), combine(instantiate(g_op), instantiate(g_up))


# ------------------------------------------------------------------ scatter-min/max

def _scatter_extremal_jvp(prim):
    def rule(primals, tangents, *, dimension_numbers, **params):
        operand, indices, updates = primals
        g_op, _, g_up = tangents
        all_params = dict(params, dimension_numbers=dimension_numbers)
        ans = prim.bind(operand, indices, updates, **all_params)
        if type(g_op) is Zero and type(g_up) is Zero:
            return ans, Zero.from_value(ans)
        dtype = get_aval(ans).dtype
        op_mask = lax.eq(operand, ans)
        up_mask = lax.eq(updates, _read_windows(ans, indices, dimension_numbers,
                                                get_aval(updates).shape, **params))
        zeros = lax.full_like(ans, 0)
        count = lax.add(lax.convert_element_type(op_mask, dtype),
                        scatter_add_p.bind(zeros, indices,
                                           lax.convert_element_type(up_mask, dtype),
                                           **all_params))
        g_op, g_up = instantiate(g_op), instantiate(g_up)
        total = lax.add(lax.select(op_mask, g_op, lax.full_like(g_op, 0)),
                        scatter_add_p.bind(zeros, indices,
                                           lax.select(up_mask, g_up,
                                                      lax.full_like(g_up, 0)),
                                           **all_params))
        return ans, lax.div(total, count)
    return rule


# --------------------------------------------------------------------- tables

JVP_RULES = {
    gather_p: _gather_jvp,
    scatter_add_p: _scatter_add_jvp,
    scatter_mul_p: _scatter_mul_jvp,
    scatter_p: _scatter_jvp,
    scatter_min_p: _scatter_extremal_jvp(scatter_min_p),
    scatter_max_p: _scatter_extremal_jvp(scatter_max_p),
}

TRANSPOSE_RULES = {
    gather_p: _gather_transpose,
    scatter_add_p: _scatter_add_transpose,
    scatter_mul_p: _scatter_mul_transpose,
}

# Never emitted with tangent operands by these rules, so they need no transpose.
NONLINEAR = (scatter_p, scatter_min_p, scatter_max_p)


def register(registry) -> None:
    """Fill the ``"jvp"`` and ``"transpose"`` tables for gather and the scatters."""
    registry.rules(JVP).update(JVP_RULES)
    registry.rules(TRANSPOSE).update(TRANSPOSE_RULES)
