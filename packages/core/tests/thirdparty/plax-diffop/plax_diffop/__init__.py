"""A third-party plax primitive: ``adjacent_diff(x, axis)``, ``x[1:] - x[:-1]`` along ``axis``.

The template for a plugin that adds a primitive: it is defined once here (abstract
evaluation, NumPy implementation) and brings a rule for every table of the contract
(``plax_core.extend``): JVP, transpose (it is linear), batching and lowering.  So
``jit(vmap(grad(f)))`` works on it with no change to plax; a package missing (no
plax-xla, say) only means its table is never read.  It imports ``plax_core.extend`` and
public modules only; the lowering rule reads plax-xla's public builder module
``plax_xla.mlir`` when it runs, so plax-xla stays optional.
"""

import numpy as np

from plax_core import lax
from plax_core.extend import (
    BATCHING,
    JVP,
    LOWERING,
    TRANSPOSE,
    Primitive,
    ShapedArray,
    get_aval,
    hookimpl,
)

adjacent_diff_p = Primitive("adjacent_diff", family="structural")


def adjacent_diff(x, axis=-1):
    """First differences along ``axis`` (``jnp.diff(x, axis=axis)`` with ``n=1``)."""
    ndim = len(get_aval(x).shape)
    if ndim == 0:
        raise ValueError("adjacent_diff: x must have at least one dimension, got a scalar")
    if not -ndim <= axis < ndim:
        raise ValueError(f"adjacent_diff: axis {axis} is out of bounds for an array of "
                         f"{ndim} dimension(s)")
    return adjacent_diff_p.bind(x, axis=axis % ndim)


# ------------------------------------------------------------------ the primitive

@adjacent_diff_p.def_abstract_eval
def _abstract_eval(x, *, axis):
    if x.dtype == np.bool_:
        raise TypeError("adjacent_diff: x must be numeric, got bool (compare with != "
                        "instead)")
    shape = list(x.shape)
    shape[axis] = max(shape[axis] - 1, 0)
    return ShapedArray(tuple(shape), x.dtype, x.weak_type)


def _slices(shape, axis):
    """The index tuples of ``x[1:]`` and ``x[:-1]`` along ``axis``."""
    head = (slice(None),) * axis
    return head + (slice(1, None),), head + (slice(None, max(shape[axis] - 1, 0)),)


@adjacent_diff_p.def_impl
def _impl(x, *, axis):
    upper, lower = _slices(x.shape, axis)
    return x[upper] - x[lower]


# ------------------------------------------------------------------ rules

def _jvp(primals, tangents, *, axis):
    # Linear: the tangent goes through the same operation.  With one argument the
    # tangent is never a symbolic zero here (autodiff skips the rule then).
    (x,), (t,) = primals, tangents
    return adjacent_diff_p.bind(x, axis=axis), adjacent_diff_p.bind(t, axis=axis)


def _transpose(ct, x, *, axis):
    # <diff(x), ct> = <x, ct shifted right - ct shifted left>: pad ct by one each side.
    ndim = len(x.aval.shape)
    zero = np.zeros((), get_aval(ct).dtype)
    right = [(0, 0, 0)] * ndim
    left = [(0, 0, 0)] * ndim
    right[axis], left[axis] = (1, 0, 0), (0, 1, 0)
    return [lax.sub(lax.pad(ct, zero, right), lax.pad(ct, zero, left))]


def _batch(args, dims, *, axis):
    # The batch axis sits at dims[0] of the batched value; the per-example axis moves
    # one place right when the batch axis is before (or at) it.
    (x,), (d,) = args, dims
    return adjacent_diff_p.bind(x, axis=axis + (d <= axis)), d


def _lower(ctx, x, *, axis):
    from plax_xla.mlir import aval_ty, i64_array  # plax-xla's public builder helpers

    t = ctx.ty_of(x)
    out = aval_ty(ctx.avals_out[0])
    starts_hi = [0] * t.ndim
    starts_hi[axis] = min(1, t.shape[axis])      # an empty axis stays empty
    limits_lo = list(t.shape)
    limits_lo[axis] = out.shape[axis]
    ones = i64_array([1] * t.ndim)
    upper = ctx.op("stablehlo.slice", [x], out, {"start_indices": i64_array(starts_hi),
                                                 "limit_indices": i64_array(t.shape),
                                                 "strides": ones})
    lower = ctx.op("stablehlo.slice", [x], out, {"start_indices": i64_array([0] * t.ndim),
                                                 "limit_indices": i64_array(limits_lo),
                                                 "strides": ones})
    return ctx.op("stablehlo.subtract", [upper, lower], out)


RULES = {JVP: _jvp, TRANSPOSE: _transpose, BATCHING: _batch, LOWERING: _lower}


# ------------------------------------------------------------------ hooks

@hookimpl
def plax_register_primitives(registry):
    registry.add_primitive(adjacent_diff_p)


@hookimpl
def plax_register_rules(registry):
    for table, rule in RULES.items():
        registry.rules(table)[adjacent_diff_p] = rule
