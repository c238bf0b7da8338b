"""JVP and transpose rules for core's sorting primitives ``sort`` and ``top_k``.

``sort`` permutes each operand's tangent the way the operand is permuted: the
tangent equation is another ``sort`` keyed by the (known) primal keys, with the
tangents as non-key operands, and that is linear in them.  Its transpose applies the
inverse permutation, which is again a sort: with ``perm`` the sorted iota, sorting
the cotangent by ``perm`` sends ``ct[i]`` to position ``perm[i]``.  No gather needed.

``top_k``'s tangent takes the full descending permutation (``top_k`` with ``k = n``),
applies it to the tangent with a keyed sort as above, and keeps the first ``k``.
"""

from __future__ import annotations

from plax_core import lax
from plax_core.extend import JVP, TRANSPOSE, get_aval
from plax_core.lax import sort_p, top_k_p

from ..tangents import Zero, instantiate, is_differentiable_dtype, is_undefined

# ------------------------------------------------------------------ sort

def _sort_jvp(primals, tangents, *, dimension, is_stable, num_keys):
    outs = sort_p.bind(*primals, dimension=dimension, is_stable=is_stable,
                       num_keys=num_keys)
    keys = primals[:num_keys]
    live = [i for i, (p, t) in enumerate(zip(primals, tangents))
            if type(t) is not Zero and is_differentiable_dtype(get_aval(p).dtype)]
    tans = [Zero.from_value(o) for o in outs]
    if live:
        moved = sort_p.bind(*keys, *(instantiate(tangents[i]) for i in live),
                            dimension=dimension, is_stable=True, num_keys=num_keys)
        for i, t in zip(live, moved[num_keys:]):
            tans[i] = t
    return outs, tans


def _sorted_iota(keys, dimension, num_keys):
    shape = get_aval(keys[0]).shape
    iota = lax.broadcasted_iota("int32", shape, dimension)
    return sort_p.bind(*keys, iota, dimension=dimension, is_stable=True,
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
            out.append(sort_p.bind(perm, ct, dimension=dimension, is_stable=True,
                                   num_keys=1)[1])
    return out


def permute_by(t, perm, dimension):
    """``t`` reordered so that position ``i`` holds ``t[perm[i]]`` along ``dimension``
    (``perm`` a permutation of int32 indices): linear in ``t``, made of sorts."""
    iota = lax.broadcasted_iota("int32", get_aval(perm).shape, dimension)
    inverse = sort_p.bind(perm, iota, dimension=dimension, is_stable=True,
                          num_keys=1)[1]
    return sort_p.bind(inverse, t, dimension=dimension, is_stable=True, num_keys=1)[1]


def _top_k_jvp(primals, tangents, *, k):
    (x,), (t,) = primals, tangents
    values, indices = top_k_p.bind(x, k=k)
    if type(t) is Zero:
        return [values, indices], [Zero.from_value(values), Zero.from_value(indices)]
    shape = get_aval(x).shape
    last = len(shape) - 1
    perm = top_k_p.bind(x, k=shape[-1])[1]
    moved = permute_by(t, perm, last)
    tan = lax.slice_in_dim(moved, 0, k, 1, last)
    return [values, indices], [tan, Zero.from_value(indices)]


# --------------------------------------------------------------------- tables

JVP_RULES = {sort_p: _sort_jvp, top_k_p: _top_k_jvp}
TRANSPOSE_RULES = {sort_p: _sort_transpose}

# Not linear in any operand: no transpose rule.
NONLINEAR = (top_k_p,)


def register(registry) -> None:
    """Fill the ``"jvp"`` and ``"transpose"`` tables for sort and top_k."""
    registry.rules(JVP).update(JVP_RULES)
    registry.rules(TRANSPOSE).update(TRANSPOSE_RULES)
