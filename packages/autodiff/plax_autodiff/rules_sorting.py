"""JVP and transpose rules for sorting and cumulative primitives.

``sort`` permutes each operand's tangent the way the operand is permuted: the
tangent equation is another ``sort`` keyed by the (known) primal keys, with the
tangents as non-key operands, and that is linear in them.  Its transpose applies the
inverse permutation, which is again a sort: with ``perm`` the sorted iota, sorting
the cotangent by ``perm`` sends ``ct[i]`` to position ``perm[i]``.  No gather needed.

``top_k``'s tangent takes the full descending permutation (``top_k`` with ``k = n``),
applies it to the tangent with a keyed sort as above, and keeps the first ``k``.

``cumsum`` is linear; its transpose is the cumulative sum in the other direction.
``cumprod``, ``cummax``, ``cummin`` and ``cumlogsumexp`` differentiate through
``lax.associative_scan`` of their combining function (as JAX does): ties in
``cummax``/``cummin`` split the tangent evenly, as ``max``/``min`` do.
"""

from __future__ import annotations

from plax_core import lax
from plax_core.core import get_aval

from .jvp import jvp_flat, linear_jvp
from .tangents import Zero, instantiate, is_differentiable_dtype, is_undefined

# ------------------------------------------------------------------ sort

def _sort_jvp(primals, tangents, *, dimension, is_stable, num_keys):
    outs = lax.sort_p.bind(*primals, dimension=dimension, is_stable=is_stable,
                           num_keys=num_keys)
    keys = primals[:num_keys]
    live = [i for i, (p, t) in enumerate(zip(primals, tangents))
            if type(t) is not Zero and is_differentiable_dtype(get_aval(p).dtype)]
    tans = [Zero.from_value(o) for o in outs]
    if live:
        moved = lax.sort_p.bind(*keys, *(instantiate(tangents[i]) for i in live),
                                dimension=dimension, is_stable=True, num_keys=num_keys)
        for i, t in zip(live, moved[num_keys:]):
            tans[i] = t
    return outs, tans


def _sorted_iota(keys, dimension, num_keys):
    shape = get_aval(keys[0]).shape
    iota = lax.broadcasted_iota("int32", shape, dimension)
    return lax.sort_p.bind(*keys, iota, dimension=dimension, is_stable=True,
                           num_keys=num_keys)[-1]


def _sort_transpose(cts, *operands, dimension, is_stable, num_keys):
    keys = operands[:num_keys]
    if any(is_undefined(k) for k in keys):
        raise ValueError("sort is not linear in its keys: cannot transpose it with respect "
                         "to a key operand")
    perm = None
    out = [None] * num_keys
    for op, ct in zip(operands[num_keys:], cts[num_keys:]):
        if not is_undefined(op):
            out.append(None)
        elif type(ct) is Zero:
            out.append(Zero(op.aval))
        else:
            if perm is None:
                perm = _sorted_iota(keys, dimension, num_keys)
            out.append(lax.sort_p.bind(perm, ct, dimension=dimension, is_stable=True,
                                       num_keys=1)[1])
    return out


def permute_by(t, perm, dimension):
    """``t`` reordered so that position ``i`` holds ``t[perm[i]]`` along ``dimension``
    (``perm`` a permutation of int32 indices): linear in ``t``, made of sorts."""
    iota = lax.broadcasted_iota("int32", get_aval(perm).shape, dimension)
    inverse = lax.sort_p.bind(perm, iota, dimension=dimension, is_stable=True,
                              num_keys=1)[1]
    return lax.sort_p.bind(inverse, t, dimension=dimension, is_stable=True, num_keys=1)[1]


def _top_k_jvp(primals, tangents, *, k):
    (x,), (t,) = primals, tangents
    values, indices = lax.top_k_p.bind(x, k=k)
    if type(t) is Zero:
        return [values, indices], [Zero.from_value(values), Zero.from_value(indices)]
    shape = get_aval(x).shape
    last = len(shape) - 1
    perm = lax.top_k_p.bind(x, k=shape[-1])[1]
    moved = permute_by(t, perm, last)
    tan = lax.slice_in_dim(moved, 0, k, 1, last)
    return [values, indices], [tan, Zero.from_value(indices)]


# ------------------------------------------------------------------ cumulative

def _cumsum_transpose(ct, operand, *, axis, reverse):
    if type(ct) is Zero:
        return [Zero(operand.aval)]
    return [lax.cumsum_p.bind(ct, axis=axis, reverse=not reverse)]


def logaddexp(a, b):
    """``log(exp(a) + exp(b))`` from lax operations, exact in its derivative at ties
    (the shift is a constant to differentiation)."""
    mx = lax.max(a, b)
    m = lax.stop_gradient(lax.select(lax.is_finite(mx), mx, lax.full_like(mx, 0)))
    return lax.add(m, lax.log(lax.add(lax.exp(lax.sub(a, m)), lax.exp(lax.sub(b, m)))))


def _scan_jvp(prim, combine):
    def rule(primals, tangents, *, axis, reverse):
        (x,), (t,) = primals, tangents
        ans = prim.bind(x, axis=axis, reverse=reverse)
        if type(t) is Zero:
            return ans, Zero.from_value(ans)
        _, (tan,), _ = jvp_flat(
            lambda v: [lax.associative_scan(combine, v, reverse=reverse, axis=axis)],
            [x], [t])
        return ans, instantiate(tan)
    return rule


# --------------------------------------------------------------------- tables

def jvp_rules() -> dict:
    return {
        "sort": _sort_jvp,
        "top_k": _top_k_jvp,
        "cumsum": linear_jvp(lax.cumsum_p),
        "cumprod": _scan_jvp(lax.cumprod_p, lax.mul),
        "cummax": _scan_jvp(lax.cummax_p, lax.max),
        "cummin": _scan_jvp(lax.cummin_p, lax.min),
        "cumlogsumexp": _scan_jvp(lax.cumlogsumexp_p, logaddexp),
    }


def transpose_rules() -> dict:
    return {"sort": _sort_transpose, "cumsum": _cumsum_transpose}


NONLINEAR = ("top_k", "cumprod", "cummax", "cummin", "cumlogsumexp")

__all__ = ["NONLINEAR", "jvp_rules", "logaddexp", "permute_by", "transpose_rules"]
