"""Batching rules for core's control-flow primitives ``cond``, ``while`` and ``scan``
(family ``control_flow``).

Each rule batches the primitive's jaxprs (``batch_body``: batched inputs and outputs
at axis 0) and binds the primitive again; values the batched jaxprs close over become
leading consts.  Which loop carries are batched is a fixpoint: a carry is batched when
its initial value is or when the body makes its update depend on a batched value.

- ``cond`` with an unbatched index: the same ``cond`` over batched branches (an output
  is batched when any branch batches it).  With a batched index (a predicate that
  differs between examples) every branch runs on the whole batch and each example
  picks its branch's results with ``select_n``, as JAX does.
- ``while`` with an unbatched predicate: the same loop over batched jaxprs.  With a
  batched predicate the loop runs while *any* example's predicate holds (a
  ``reduce_or``), and the body recomputes every example's predicate and keeps the
  carry of the examples that are done unchanged (a per-example mask and
  ``select_n``): each example gets exactly its own trip count.
- ``scan``: batched consts and carries at axis 0, batched ``xs`` and ``ys`` at axis 1
  (axis 0 is the scanned one), so a batched slice ``x`` is batched at 0 in the body.
"""

from __future__ import annotations

import numpy as np

from plax_core import lax
from plax_core.extend import BATCHING, eval_jaxpr, get_aval, new_main
from plax_core.lax import cond_p, scan_p, while_p
from plax_core.prims.control_flow import join_consts, trace_closed
from plax_core.util import split_list as _split

from ..batching import (
    BatchInfo,
    BatchTrace,
    BatchTracer,
    axis_size_of,
    batched_aval,
    bring,
    moveaxis,
    rule_main,
)


def _or(a, b):
    return [x or y for x, y in zip(a, b)]


def _axis_name():
    main = rule_main()
    return None if main is None else main.payload.name


def batch_body(closed, size: int, in_batched, force_out=None):
    """``closed`` over a batch of ``size``: inputs batched at axis 0 where
    ``in_batched``, outputs batched at 0 where they depend on a batched input or
    ``force_out`` says so.  Returns ``(jaxpr taking its consts first, consts,
    out_batched)``."""
    in_avals = [batched_aval(a, size, 0 if b else None)
                for a, b in zip(closed.in_avals, in_batched)]
    out_batched: list[bool] = []
    name = _axis_name()

    def run(*args):
        with new_main(BatchTrace, BatchInfo(size, name)) as main:
            trace = BatchTrace(main)
            tracers = [BatchTracer(trace, x, 0) if b else x for x, b in zip(args, in_batched)]
            outs = [trace.full_raise(o)
                    for o in eval_jaxpr(closed.jaxpr, closed.consts, *tracers)]
            vals, dims = [t.val for t in outs], [t.batch_dim for t in outs]
        force = force_out if force_out is not None else [False] * len(vals)
        out_batched[:] = [d is not None or f for d, f in zip(dims, force)]
        return [bring(v, d, 0, size) if b else v for v, d, b in zip(vals, dims, out_batched)]

    jaxpr, consts = trace_closed(run, in_avals)
    return jaxpr, consts, list(out_batched)


def _at_front(args, dims, axis=0):
    return [x if d is None else moveaxis(x, d, axis) for x, d in zip(args, dims)]


def _select(which, *cases):
    """``select_n`` with a batch of selectors (shape ``(B,)``) over batched cases."""
    shape = get_aval(cases[0]).shape
    if len(shape) > 1:
        which = lax.broadcast_in_dim_p.bind(which, shape=shape, broadcast_dimensions=(0,),
                                            sharding=None)
    return lax.select_n_p.bind(which, *cases)


# --------------------------------------------------------------------------- cond

def _cond_rule(args, dims, *, branches):
    size = axis_size_of(args, dims)
    (index, *ops), (index_dim, *op_dims) = args, dims
    ops = _at_front(ops, op_dims)
    op_bat = [d is not None for d in op_dims]
    n_out = len(branches[0].out_avals)
    if index_dim is not None:
        index = moveaxis(index, index_dim, 0)
        index = lax.clamp_p.bind(np.int32(0), index, np.int32(len(branches) - 1))
        results = []
        for br in branches:
            jaxpr, consts, _ = batch_body(br, size, op_bat, [True] * n_out)
            results.append(eval_jaxpr(jaxpr.jaxpr, jaxpr.consts, *consts, *ops))
        return [_select(index, *cases) for cases in zip(*results)], [0] * n_out
    out_bat = [False] * n_out
    for br in branches:
        out_bat = _or(out_bat, batch_body(br, size, op_bat)[2])
    batched = [batch_body(br, size, op_bat, out_bat) for br in branches]
    new_branches, consts = join_consts([b[0] for b in batched], [b[1] for b in batched])
    outs = cond_p.bind(index, *consts, *ops, branches=tuple(new_branches))
    return outs, [0 if b else None for b in out_bat]


# -------------------------------------------------------------------------- while

def _while_rule(args, dims, *, cond_jaxpr, body_jaxpr, cond_nconsts, body_nconsts):
    size = axis_size_of(args, dims)
    args = _at_front(args, dims)
    cc_bat, bc_bat, init_bat = _split([d is not None for d in dims], cond_nconsts,
                                      body_nconsts)
    cconsts, bconsts, init = _split(args, cond_nconsts, body_nconsts)
    carry_bat = init_bat
    for _ in range(len(carry_bat) + 1):
        out_bat = batch_body(body_jaxpr, size, bc_bat + carry_bat, carry_bat)[2]
        if out_bat == carry_bat:
            break
        carry_bat = _or(carry_bat, out_bat)
    pred_bat = batch_body(cond_jaxpr, size, cc_bat + carry_bat)[2][0]
    if pred_bat:
        carry_bat = [True] * len(carry_bat)
    init = [bring(x, 0 if b else None, 0, size) if want else x
            for x, b, want in zip(init, init_bat, carry_bat)]
    body, bconsts_b, _ = batch_body(body_jaxpr, size, bc_bat + carry_bat, carry_bat)
    cond, cconsts_b, _ = batch_body(cond_jaxpr, size, cc_bat + carry_bat)
    cops, bops = [*cconsts_b, *cconsts], [*bconsts_b, *bconsts]
    out_dims = [0 if b else None for b in carry_bat]
    if not pred_bat:
        outs = while_p.bind(*cops, *bops, *init, cond_jaxpr=cond, body_jaxpr=body,
                            cond_nconsts=len(cops), body_nconsts=len(bops))
        return outs, out_dims

    # A predicate per example: loop while any holds; the done examples keep their carry.
    carry_avals = [get_aval(x) for x in init]
    cop_avals, bop_avals = [get_aval(x) for x in cops], [get_aval(x) for x in bops]

    def any_pred(*a):
        pred = eval_jaxpr(cond.jaxpr, cond.consts, *a)[0]
        return [lax.reduce_or_p.bind(pred, axes=(0,))]

    def masked_body(*a):
        c, b, carry = _split(a, len(cops), len(bops))
        pred = eval_jaxpr(cond.jaxpr, cond.consts, *c, *carry)[0]
        new = eval_jaxpr(body.jaxpr, body.consts, *b, *carry)
        return [_select(pred, old, upd) for old, upd in zip(carry, new)]

    cond2, cconsts2 = trace_closed(any_pred, cop_avals + carry_avals)
    body2, bconsts2 = trace_closed(masked_body, cop_avals + bop_avals + carry_avals)
    outs = while_p.bind(*cconsts2, *cops, *bconsts2, *cops, *bops, *init, cond_jaxpr=cond2,
                        body_jaxpr=body2, cond_nconsts=len(cconsts2) + len(cops),
                        body_nconsts=len(bconsts2) + len(cops) + len(bops))
    return outs, out_dims


# --------------------------------------------------------------------------- scan

def _scan_rule(args, dims, *, jaxpr, length, reverse, num_consts, num_carry, linear,
               unroll):
    size = axis_size_of(args, dims)
    nc, nk = num_consts, num_carry
    ny = len(jaxpr.out_avals) - nk
    (consts, init, xs), (c_dims, i_dims, x_dims) = (_split(args, nc, nk),
                                                    _split(dims, nc, nk))
    consts, init, xs = _at_front(consts, c_dims), _at_front(init, i_dims), \
        _at_front(xs, x_dims, 1)
    const_bat = [d is not None for d in c_dims]
    init_bat = [d is not None for d in i_dims]
    xs_bat = [d is not None for d in x_dims]
    carry_bat = init_bat
    for _ in range(nk + 1):
        out_bat = batch_body(jaxpr, size, const_bat + carry_bat + xs_bat,
                             carry_bat + [False] * ny)[2]
        if out_bat[:nk] == carry_bat:
            break
        carry_bat = _or(carry_bat, out_bat[:nk])
    body, bconsts, out_bat = batch_body(jaxpr, size, const_bat + carry_bat + xs_bat,
                                        carry_bat + [False] * ny)
    init = [bring(x, None, 0, size) if want and not b else x
            for x, b, want in zip(init, init_bat, carry_bat)]
    outs = scan_p.bind(*bconsts, *consts, *init, *xs, jaxpr=body, length=length,
                       reverse=reverse, num_consts=len(bconsts) + nc, num_carry=nk,
                       linear=(False,) * len(bconsts) + tuple(linear), unroll=unroll)
    return outs, ([0 if b else None for b in carry_bat]
                  + [1 if b else None for b in out_bat[nk:]])


RULES = {cond_p: _cond_rule, while_p: _while_rule, scan_p: _scan_rule}


def register(registry) -> None:
    """Fill the ``batching`` table for ``cond``, ``while`` and ``scan``."""
    registry.rules(BATCHING).update(RULES)


__all__ = ["RULES", "batch_body", "register"]
