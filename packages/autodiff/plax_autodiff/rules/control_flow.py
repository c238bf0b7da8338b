"""Autodiff rules for core's control-flow primitives ``cond``, ``while`` and ``scan``.

Forward mode (``"jvp"`` table): the primitive again, around the JVP of its jaxprs.
Which tangents a loop carries is a fixpoint: a carry gets a tangent when its initial
value has one or when the body gives its update one.  Symbolic zeros stay symbolic:
only nonzero tangents become operands.

Reverse mode is JVP + partial evaluation + transposition, as everywhere in plax:

- ``"partial_eval"``: the known part (the primal computation) runs now as a ``cond``
  or ``scan`` of its own; the unknown part (the tangent computation) is staged as a
  second one that reads the known part's residuals.  A ``scan`` saves its residuals
  stacked along the loop (memory O(length)), except those that do not change across
  iterations, which are computed once and passed as consts, and scanned-over inputs,
  which are passed as they are.  A ``cond`` saves the residuals of every branch
  (zeros for the branches not taken).
- ``"transpose"``: a ``cond`` whose branches are the transposed branches; a ``scan``
  running the other way whose body is the transposed body, accumulating the
  cotangents of the consts in its carry.  Both are made of primitives again, so
  their derivatives (``grad(grad(f))``) work the same way.
- ``while``: its partial evaluation computes the known carries with a known-only
  loop and stages the whole loop for the rest (so ``linearize`` works), and its
  transpose refuses with JAX's explanation: the trip count is not known in advance,
  so no residuals can be stored for it.

``checkpoint`` inside a loop body keeps its rule: its partial evaluation saves only
its inputs, so the stacked residuals are the inputs and the backward body recomputes.
"""

from __future__ import annotations

from plax_core.extend import (
    JVP,
    PARTIAL_EVAL,
    TRANSPOSE,
    ClosedJaxpr,
    Jaxpr,
    Var,
    eval_jaxpr,
)
from plax_core.lax import cond_p, scan_p, while_p
from plax_core.prims.control_flow import (
    add_unused_inputs,
    join_consts,
    lift_consts,
    move_binders,
    trace_closed,
)
from plax_core.util import split_list as _split

from ..jvp import jvp_jaxpr
from ..partial_eval import dce_jaxpr, partial_eval_jaxpr
from ..tangents import (
    UndefinedPrimal,
    Zero,
    add_tangents,
    instantiate,
    is_differentiable_dtype,
    is_undefined,
    is_zero,
    tangent_aval,
    zeros_like_aval,
)
from ..transpose import backward_pass
from ._helpers import aval_of


def _nonzeros(tangents, avals) -> list[bool]:
    return [not is_zero(t) and is_differentiable_dtype(a.dtype) for t, a in zip(tangents, avals)]


def _or(a, b):
    return [x or y for x, y in zip(a, b)]


def _unstacked(aval):
    return aval.update(shape=aval.shape[1:])


def _interleave_order(groups):
    """Input positions for binders grouped as ``groups`` (lists of old positions)."""
    return [i for g in groups for i in g]


# --------------------------------------------------------------------------- cond

def _cond_jvp(primals, tangents, *, branches):
    index, *ops = primals
    nz = _nonzeros(tangents[1:], branches[0].in_avals)
    out_nz = [False] * len(branches[0].out_avals)
    for br in branches:
        out_nz = _or(out_nz, jvp_jaxpr(br, nz, False)[1])
    lifted = [lift_consts(jvp_jaxpr(br, nz, out_nz)[0]) for br in branches]
    new_branches, consts = join_consts([j for j, _ in lifted], [c for _, c in lifted])
    op_tangents = [instantiate(t) for t, n in zip(tangents[1:], nz) if n]
    outs = cond_p.bind(index, *consts, *ops, *op_tangents, branches=tuple(new_branches))
    n = len(out_nz)
    primals_out, rest = outs[:n], iter(outs[n:])
    return primals_out, [next(rest) if z else Zero.from_value(p)
                         for p, z in zip(primals_out, out_nz)]


def _zeros_for(avals):
    return [zeros_like_aval(a) for a in avals]


def _cond_partial_eval(trace, tracers, *, branches):
    index_t, *op_ts = tracers
    unknowns = [not t.is_known for t in op_ts]
    if not index_t.is_known:
        return trace.default_process_primitive(cond_p, tracers, dict(branches=branches))
    if not any(unknowns):
        return cond_p.bind(index_t.const, *[t.const for t in op_ts], branches=branches)
    out_uk = [False] * len(branches[0].out_avals)
    for br in branches:
        out_uk = _or(out_uk, partial_eval_jaxpr(br, unknowns)[2])
    splits = [partial_eval_jaxpr(br, unknowns, instantiate=out_uk) for br in branches]
    n_known = len(out_uk) - sum(out_uk)
    res_avals = [known.out_avals[n_known:] for known, *_ in splits]

    # Known cond: known operands -> known outputs + every branch's residuals.
    known_in = [t.aval for t, u in zip(op_ts, unknowns) if not u]
    lifted = []
    for b, (known, *_) in enumerate(splits):
        def known_fun(*args, known=known, b=b):
            outs = eval_jaxpr(known.jaxpr, known.consts, *args)
            filled = []
            for c, avals in enumerate(res_avals):
                filled += outs[n_known:] if c == b else _zeros_for(avals)
            return outs[:n_known] + filled
        lifted.append(trace_closed(known_fun, known_in))
    known_branches, kconsts = join_consts([j for j, _ in lifted], [c for _, c in lifted])
    known_outs = cond_p.bind(index_t.const, *kconsts,
                             *[t.const for t, u in zip(op_ts, unknowns) if not u],
                             branches=tuple(known_branches))
    known_vals, res_vals = known_outs[:n_known], known_outs[n_known:]
    if not any(out_uk):
        return known_vals

    # Unknown cond: every residual + unknown operands -> unknown outputs.
    all_res = [a for avals in res_avals for a in avals]
    offsets = [sum(len(r) for r in res_avals[:b]) for b in range(len(branches))]
    uk_in = all_res + [t.aval for t, u in zip(op_ts, unknowns) if u]
    lifted = []
    for b, (_, unknown, _, num_res) in enumerate(splits):
        def unknown_fun(*args, unknown=unknown, lo=offsets[b], n=num_res):
            res, ops = args[lo:lo + n], args[len(all_res):]
            return eval_jaxpr(unknown.jaxpr, unknown.consts, *res, *ops)
        lifted.append(trace_closed(unknown_fun, uk_in))
    uk_branches, uconsts = join_consts([j for j, _ in lifted], [c for _, c in lifted])
    staged_in = [index_t, *[trace.pure(c) for c in uconsts], *[trace.pure(r) for r in res_vals],
                 *[t for t, u in zip(op_ts, unknowns) if u]]
    params = dict(branches=tuple(uk_branches))
    avals_out = cond_p.abstract_eval(*[t.aval for t in staged_in], **params)
    staged = iter(trace.stage(cond_p, staged_in, params, avals_out))
    known_it = iter(known_vals)
    return [next(staged) if u else next(known_it) for u in out_uk]


def _cond_transpose(cts, index, *ops, branches):
    lin = [is_undefined(o) for o in ops]
    res = [o for o, linear in zip(ops, lin) if not linear]
    ct_nz = [not is_zero(ct) for ct in cts]
    ct_vals = [ct for ct, nz in zip(cts, ct_nz) if nz]
    out_avals = branches[0].out_avals
    in_avals = [aval_of(r) for r in res] + [aval_of(c) for c in ct_vals]

    def transposed(br):
        def fun(*args):
            res_it, ct_it = iter(args[:len(res)]), iter(args[len(res):])
            primals = [UndefinedPrimal(v.aval) if linear else next(res_it)
                       for v, linear in zip(br.jaxpr.invars, lin)]
            cts_out = [next(ct_it) if nz else Zero(tangent_aval(a))
                       for a, nz in zip(out_avals, ct_nz)]
            cts_in = backward_pass_closed(br, primals, cts_out)
            return [instantiate(ct) for ct, linear in zip(cts_in, lin) if linear]
        return trace_closed(fun, in_avals)

    lifted = [transposed(br) for br in branches]
    new_branches, consts = join_consts([j for j, _ in lifted], [c for _, c in lifted])
    outs = iter(cond_p.bind(index, *consts, *res, *ct_vals, branches=tuple(new_branches)))
    return [None] + [next(outs) if linear else None for linear in lin]


def backward_pass_closed(closed: ClosedJaxpr, args, cts):
    return backward_pass(closed.jaxpr, closed.consts, args, cts)


# --------------------------------------------------------------------------- scan

def _scan_jvp(primals, tangents, *, jaxpr, length, reverse, num_consts, num_carry, linear,
              unroll):
    nc, nk = num_consts, num_carry
    nx = len(primals) - nc - nk
    ny = len(jaxpr.out_avals) - nk
    const_nz, init_nz, xs_nz = _split(_nonzeros(tangents, jaxpr.in_avals), nc, nk)
    carry_nz = init_nz
    for _ in range(nk + 1):
        closed, out_nz = jvp_jaxpr(jaxpr, const_nz + carry_nz + xs_nz, carry_nz + [False] * ny)
        if out_nz[:nk] == carry_nz:
            break
        carry_nz = _or(carry_nz, out_nz[:nk])
    closed, jconsts = lift_consts(closed)
    J, n_in = len(jconsts), nc + nk + nx
    ntc, ntk, ntx = sum(const_nz), sum(carry_nz), sum(xs_nz)
    nty = sum(out_nz[nk:])
    in_order = _interleave_order([
        range(J), range(J, J + nc), range(J + n_in, J + n_in + ntc),
        range(J + nc, J + nc + nk), range(J + n_in + ntc, J + n_in + ntc + ntk),
        range(J + nc + nk, J + n_in), range(J + n_in + ntc + ntk, J + n_in + ntc + ntk + ntx)])
    out_order = _interleave_order([range(nk), range(nk + ny, nk + ny + ntk),
                                   range(nk, nk + ny), range(nk + ny + ntk, nk + ny + ntk + nty)])
    closed = move_binders(closed, in_order, out_order)
    consts, init, xs = _split(primals, nc, nk)
    t_consts, t_init, t_xs = _split(tangents, nc, nk)
    t_consts = [t for t, n in zip(t_consts, const_nz) if n]
    t_init = [instantiate(t) for t, n in zip(t_init, carry_nz) if n]
    t_xs = [t for t, n in zip(t_xs, xs_nz) if n]
    lin_c, lin_k, lin_x = _split(linear, nc, nk)
    new_linear = ((False,) * J + tuple(lin_c) + (True,) * ntc + tuple(lin_k) + (True,) * ntk
                  + tuple(lin_x) + (True,) * ntx)
    outs = scan_p.bind(*jconsts, *consts, *t_consts, *init, *t_init, *xs, *t_xs, jaxpr=closed,
                       length=length, reverse=reverse, num_consts=J + nc + ntc,
                       num_carry=nk + ntk, linear=new_linear, unroll=unroll)
    carry, t_carry, ys, t_ys = _split(outs, nk, ntk, ny)
    primals_out = carry + ys
    t_it = iter(t_carry + t_ys)
    return primals_out, [next(t_it) if n else Zero.from_value(p)
                         for p, n in zip(primals_out, carry_nz + out_nz[nk:])]


def _forward_deps(jaxpr: Jaxpr, seeds) -> set:
    """Variables of ``jaxpr`` that depend on the variables ``seeds``."""
    dep = set(seeds)
    for eqn in jaxpr.eqns:
        if any(isinstance(v, Var) and v in dep for v in eqn.invars):
            dep.update(eqn.outvars)
    return dep


def _scan_partial_eval(trace, tracers, *, jaxpr, length, reverse, num_consts, num_carry,
                       linear, unroll):
    params = dict(jaxpr=jaxpr, length=length, reverse=reverse, num_consts=num_consts,
                  num_carry=num_carry, linear=linear, unroll=unroll)
    unknowns = [not t.is_known for t in tracers]
    if not any(unknowns):
        return scan_p.bind(*[t.const for t in tracers], **params)
    nc, nk = num_consts, num_carry
    ny = len(jaxpr.out_avals) - nk
    const_uk, init_uk, xs_uk = _split(unknowns, nc, nk)
    carry_uk = init_uk
    for _ in range(nk + 1):
        known, unknown, out_uk, num_res = partial_eval_jaxpr(
            jaxpr, const_uk + carry_uk + xs_uk, instantiate=carry_uk + [False] * ny)
        if out_uk[:nk] == carry_uk:
            break
        carry_uk = _or(carry_uk, out_uk[:nk])
    ys_uk = out_uk[nk:]
    const_t, init_t, xs_t = _split(tracers, nc, nk)

    # The known body: [jconsts, known consts, known carry, known xs] -> [known carry,
    # known ys, residuals].  Residuals that depend on neither the carry nor the xs
    # are loop-invariant: computed once, outside.  Residuals that are an x are that x.
    known, jconsts = lift_consts(known)
    K = known.jaxpr
    J, n_ck, n_kk = len(jconsts), nc - sum(const_uk), nk - sum(carry_uk)
    n_kout = n_kk + ny - sum(ys_uk)
    res_vars = K.outvars[n_kout:]
    loop_vars = K.invars[J + n_ck:]
    varying = _forward_deps(K, loop_vars)
    xs_k_vars = K.invars[J + n_ck + n_kk:]
    xs_k_vals = [t.const for t, u in zip(xs_t, xs_uk) if not u]
    consts_k_vals = [t.const for t, u in zip(const_t, const_uk) if not u]
    hoisted = [i for i, v in enumerate(res_vars) if not (isinstance(v, Var) and v in varying)]
    forwarded = {i: xs_k_vars.index(v) for i, v in enumerate(res_vars)
                 if isinstance(v, Var) and v in xs_k_vars}
    stacked = [i for i in range(num_res) if i not in forwarded and i not in hoisted]
    res_val = {}
    if hoisted:
        H = Jaxpr(K.constvars, K.invars[:J + n_ck], [res_vars[i] for i in hoisted], K.eqns)
        H, _ = dce_jaxpr(H)
        res_val.update(zip(hoisted, eval_jaxpr(H, known.consts, *jconsts, *consts_k_vals)))
    for i, j in forwarded.items():
        res_val[i] = xs_k_vals[j]
    K2, _ = dce_jaxpr(Jaxpr(K.constvars, K.invars, K.outvars[:n_kout]
                            + [res_vars[i] for i in stacked], K.eqns))
    known_ops = [*jconsts, *consts_k_vals,
                 *[t.const for t, u in zip(init_t, carry_uk) if not u], *xs_k_vals]
    outs = scan_p.bind(*known_ops, jaxpr=ClosedJaxpr(K2, known.consts), length=length,
                       reverse=reverse, num_consts=J + n_ck, num_carry=n_kk,
                       linear=(False,) * len(known_ops), unroll=unroll)
    known_carry, known_ys, stacked_vals = _split(outs, n_kk, n_kout - n_kk)
    if not any(out_uk):
        return known_carry + known_ys
    res_val.update(zip(stacked, stacked_vals))

    # The unknown body: [invariant res, unknown consts, unknown carry, varying res,
    # unknown xs] -> [unknown carry, unknown ys].
    n_cu, n_ku = sum(const_uk), sum(carry_uk)
    varying_res = [i for i in range(num_res) if i not in hoisted]
    R = num_res
    in_order = _interleave_order([
        hoisted, range(R, R + n_cu), range(R + n_cu, R + n_cu + n_ku), varying_res,
        range(R + n_cu + n_ku, len(unknown.jaxpr.invars))])
    body = move_binders(unknown, in_order)
    staged_in = ([trace.pure(res_val[i]) for i in hoisted]
                 + [t for t, u in zip(const_t, const_uk) if u]
                 + [t for t, u in zip(init_t, carry_uk) if u]
                 + [trace.pure(res_val[i]) for i in varying_res]
                 + [t for t, u in zip(xs_t, xs_uk) if u])
    n_consts_u = len(hoisted) + n_cu
    params_u = dict(jaxpr=body, length=length, reverse=reverse, num_consts=n_consts_u,
                    num_carry=n_ku, unroll=unroll,
                    linear=((False,) * len(hoisted) + (True,) * (n_cu + n_ku)
                            + (False,) * len(varying_res) + (True,) * sum(xs_uk)))
    avals_out = scan_p.abstract_eval(*[t.aval for t in staged_in], **params_u)
    staged = trace.stage(scan_p, staged_in, params_u, avals_out)
    st_carry, st_ys = iter(staged[:n_ku]), iter(staged[n_ku:])
    kc, ky = iter(known_carry), iter(known_ys)
    return ([next(st_carry) if u else next(kc) for u in carry_uk]
            + [next(st_ys) if u else next(ky) for u in ys_uk])


def _scan_transpose(cts, *args, jaxpr, length, reverse, num_consts, num_carry, linear,
                    unroll):
    nc, nk = num_consts, num_carry
    consts, init, xs = _split(args, nc, nk)
    const_avals, carry_avals, x_avals = _split(jaxpr.in_avals, nc, nk)
    y_avals = jaxpr.out_avals[nk:]
    c_lin = [is_undefined(c) for c in consts]
    x_lin = [is_undefined(x) for x in xs]
    res_c = [c for c, lin in zip(consts, c_lin) if not lin]
    res_x = [x for x, lin in zip(xs, x_lin) if not lin]
    ct_carry = [instantiate(ct) for ct in cts[:nk]]
    y_nz = [not is_zero(ct) for ct in cts[nk:]]
    ct_ys = [ct for ct, nz in zip(cts[nk:], y_nz) if nz]
    lin_c_avals = [a for a, lin in zip(const_avals, c_lin) if lin]
    ct_c0 = _zeros_for(lin_c_avals)
    body_avals = ([aval_of(c) for c in res_c] + [aval_of(c) for c in ct_c0]
                  + [aval_of(c) for c in ct_carry] + [_unstacked(aval_of(c)) for c in ct_ys]
                  + [_unstacked(aval_of(x)) for x in res_x])
    n_rc, n_lc, n_y = len(res_c), len(ct_c0), len(ct_ys)

    # The body runs backwards: (res consts; ct acc, ct carry; ct y, res x) ->
    # (ct acc + ct of the consts, ct of the carry; ct of the linear x).  Every carry
    # is treated as linear (a known initial carry is a zero tangent: its ct is dropped).
    def body(*a):
        rc, acc, ctk, cty, rx = _split(a, n_rc, n_lc, nk, n_y)
        rc, rx, cty = iter(rc), iter(rx), iter(cty)
        primals = ([UndefinedPrimal(v) if lin else next(rc) for v, lin in zip(const_avals, c_lin)]
                   + [UndefinedPrimal(v) for v in carry_avals]
                   + [UndefinedPrimal(v) if lin else next(rx) for v, lin in zip(x_avals, x_lin)])
        cts_out = ctk + [next(cty) if nz else Zero(tangent_aval(v)) for v, nz in zip(y_avals, y_nz)]
        ct_c, ct_k, ct_x = _split(backward_pass_closed(jaxpr, primals, cts_out), nc, nk)
        ct_c = [ct for ct, lin in zip(ct_c, c_lin) if lin]
        new_acc = [instantiate(add_tangents(s, ct)) for s, ct in zip(acc, ct_c)]
        return (new_acc + [instantiate(ct) for ct in ct_k]
                + [instantiate(ct) for ct, lin in zip(ct_x, x_lin) if lin])

    bjaxpr, bconsts = trace_closed(body, body_avals)
    operands = [*bconsts, *res_c, *ct_c0, *ct_carry, *ct_ys, *res_x]
    outs = scan_p.bind(*operands, jaxpr=bjaxpr, length=length, reverse=not reverse,
                       num_consts=len(bconsts) + n_rc, num_carry=n_lc + nk,
                       linear=(False,) * len(operands), unroll=unroll)
    ct_consts, ct_init, ct_xs = _split(outs, n_lc, nk)
    ct_consts, ct_xs = iter(ct_consts), iter(ct_xs)
    return ([next(ct_consts) if lin else None for lin in c_lin]
            + [ct if is_undefined(x) else None for ct, x in zip(ct_init, init)]
            + [next(ct_xs) if lin else None for lin in x_lin])


# -------------------------------------------------------------------------- while

def _while_jvp(primals, tangents, *, cond_jaxpr, body_jaxpr, cond_nconsts, body_nconsts):
    cc, bc = cond_nconsts, body_nconsts
    avals = cond_jaxpr.in_avals[:cc] + body_jaxpr.in_avals
    _, bconst_nz, init_nz = _split(_nonzeros(tangents, avals), cc, bc)
    nk = len(init_nz)
    carry_nz = init_nz
    for _ in range(nk + 1):
        closed, out_nz = jvp_jaxpr(body_jaxpr, bconst_nz + carry_nz, carry_nz)
        if out_nz == carry_nz:
            break
        carry_nz = _or(carry_nz, out_nz)
    closed, jconsts = lift_consts(closed)
    J, ntb, ntk = len(jconsts), sum(bconst_nz), sum(carry_nz)
    n_in = bc + nk
    body = move_binders(closed, _interleave_order([
        range(J + bc), range(J + n_in, J + n_in + ntb), range(J + bc, J + n_in),
        range(J + n_in + ntb, J + n_in + ntb + ntk)]))
    carry_avals = body_jaxpr.in_avals[bc:]
    cond = add_unused_inputs(cond_jaxpr, [tangent_aval(a) for a, n in zip(carry_avals, carry_nz)
                                          if n])
    cconsts, bconsts, init = _split(primals, cc, bc)
    _, t_b, t_init = _split(tangents, cc, bc)
    t_b = [t for t, n in zip(t_b, bconst_nz) if n]
    t_init = [instantiate(t) for t, n in zip(t_init, carry_nz) if n]
    outs = while_p.bind(*cconsts, *jconsts, *bconsts, *t_b, *init, *t_init, cond_jaxpr=cond,
                        body_jaxpr=body, cond_nconsts=cc, body_nconsts=J + bc + ntb)
    carry, t_carry = outs[:nk], iter(outs[nk:])
    return carry, [next(t_carry) if n else Zero.from_value(p) for p, n in zip(carry, carry_nz)]


def _known_only(closed: ClosedJaxpr, unknowns, n_out: int):
    """The part of ``closed`` that computes its first ``n_out`` (known) outputs from its
    known inputs, without residuals: ``(jaxpr taking its consts first, consts)``."""
    known, _, out_uk, _ = partial_eval_jaxpr(closed, unknowns)
    body, _ = dce_jaxpr(known.jaxpr, [True] * n_out + [False] * (len(known.jaxpr.outvars)
                                                                  - n_out))
    return lift_consts(ClosedJaxpr(body, known.consts)), out_uk


def _while_partial_eval(trace, tracers, *, cond_jaxpr, body_jaxpr, cond_nconsts,
                        body_nconsts):
    params = dict(cond_jaxpr=cond_jaxpr, body_jaxpr=body_jaxpr, cond_nconsts=cond_nconsts,
                  body_nconsts=body_nconsts)
    unknowns = [not t.is_known for t in tracers]
    if not any(unknowns):
        return while_p.bind(*[t.const for t in tracers], **params)
    cc_uk, bc_uk, init_uk = _split(unknowns, cond_nconsts, body_nconsts)
    carry_uk = init_uk
    for _ in range(len(carry_uk) + 1):
        _, _, out_uk, _ = partial_eval_jaxpr(body_jaxpr, bc_uk + carry_uk, instantiate=carry_uk)
        if out_uk == carry_uk:
            break
        carry_uk = _or(carry_uk, out_uk)
    n_known = len(carry_uk) - sum(carry_uk)
    (kcond, kc_consts), pred_uk = _known_only(cond_jaxpr, cc_uk + carry_uk, 1)
    if pred_uk[0] or not n_known:
        return trace.default_process_primitive(while_p, tracers, params)
    (kbody, kb_consts), _ = _known_only(body_jaxpr, bc_uk + carry_uk, n_known)
    cconst_t, bconst_t, init_t = _split(tracers, cond_nconsts, body_nconsts)

    def known(ts, uks):
        return [t.const for t, u in zip(ts, uks) if not u]

    cck, bck = known(cconst_t, cc_uk), known(bconst_t, bc_uk)
    known_outs = iter(while_p.bind(
        *kc_consts, *cck, *kb_consts, *bck, *known(init_t, carry_uk), cond_jaxpr=kcond,
        body_jaxpr=kbody, cond_nconsts=len(kc_consts) + len(cck),
        body_nconsts=len(kb_consts) + len(bck)))
    # The unknown carries: the whole loop again, staged (it recomputes the known part).
    staged = trace.default_process_primitive(while_p, tracers, params)
    return [s if u else next(known_outs) for s, u in zip(staged, carry_uk)]


WHILE_REVERSE_MODE_ERROR = (
    "Reverse-mode differentiation does not work for lax.while_loop or lax.fori_loop with "
    "dynamic start/stop values. Try using lax.scan, or using fori_loop with static "
    "start/stop. (A while_loop's trip count is only known when it has run, so the values "
    "its iterations would have to save for the backward pass cannot be allocated in "
    "advance. lax.fori_loop(lower, upper, ...) with Python or NumPy integer bounds is a "
    "scan and supports grad; so does lax.scan with a fixed length. Forward mode (jvp, "
    "jacfwd) works for while_loop.)")


def _while_transpose(cts, *args, **params):
    raise ValueError(WHILE_REVERSE_MODE_ERROR)


# --------------------------------------------------------------------------- tables

JVP_RULES = {cond_p: _cond_jvp, scan_p: _scan_jvp, while_p: _while_jvp}
PARTIAL_EVAL_RULES = {cond_p: _cond_partial_eval, scan_p: _scan_partial_eval,
                      while_p: _while_partial_eval}
TRANSPOSE_RULES = {cond_p: _cond_transpose, scan_p: _scan_transpose,
                   while_p: _while_transpose}

# The rule exists and raises JAX's ValueError (``_while_transpose``) with this reason.
UNSUPPORTED = {
    (TRANSPOSE, while_p): "reverse mode of a while_loop (or fori_loop with traced bounds) "
                          "needs its trip count in advance; use fori_loop with static "
                          "bounds or scan",
}


def register(registry) -> None:
    """Fill the ``"jvp"``, ``"transpose"`` and ``"partial_eval"`` tables for cond, scan
    and while."""
    registry.rules(JVP).update(JVP_RULES)
    registry.rules(TRANSPOSE).update(TRANSPOSE_RULES)
    registry.rules(PARTIAL_EVAL).update(PARTIAL_EVAL_RULES)
