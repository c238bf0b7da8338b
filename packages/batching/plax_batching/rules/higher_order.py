"""The batching rule of every higher-order primitive (family ``higher_order``).

Higher-order primitives (``plax_core.extend.HigherOrderPrimitive``: ``jit_p``, and
plax-autodiff's ``checkpoint``, ``custom_jvp_call``, ``custom_vjp_call`` and
``custom_lin``, which plax-batching never imports) say what their parameters are;
one rule, built from that description, batches them all:

- the callee: batched as a whole and bound again (the primitive around the batched
  jaxpr); values its batching closes over become leading operands (counted in the
  primitive's ``num_consts`` parameter where it has one);
- each callable parameter, by its role: a ``jvp`` or ``fwd`` rule is wrapped to run
  batched (so a JVP or ``grad`` applied *outside* the ``vmap`` still uses the custom
  rule; one applied inside never reaches this rule); a ``bwd`` rule receives the
  residuals and cotangents batched as the batched ``fwd`` left them, and returns each
  argument's cotangent batched as that argument is (an unbatched argument gets the
  sum over the batch: every example shared it);
- a ``linear_call`` (``custom_lin``, the linear half of ``custom_vjp_call`` under
  ``linearize``/``vjp``): its tangent operands and outputs are batched at axis 0 and
  its ``bwd`` is wrapped the same way, so a batched linear jaxpr still transposes
  through the user's rule.

Where the outputs are batched: the batched jaxpr decides (an output that does not
depend on a batched operand stays unbatched).  If a wrapped custom rule, run during
the ``bind``, batches an output the jaxpr did not (a tangent depending on a batched
operand that the primal does not depend on, say), the output is batched after all;
the rule reports the widened axes.  A batched call that was staged (``make_jaxpr``,
``jit``) before its custom rule ran cannot widen any more: that case is an error.

A wrapped ``jvp`` or ``fwd`` runs during the ``bind``, on the batch level of the
``vmap`` whose rule wrapped it (found with ``rule_main``), so values of that ``vmap``
it closes over work, as in JAX.  A wrapped ``bwd`` runs in the backward pass, after
that ``vmap`` has returned, on a new batch level: a ``bwd`` that closes over a value
the ``vmap`` batched is an error (``fwd`` should return such values as residuals).
Rules running after a staged call (``make_jaxpr``, ``jit``) also get a new level.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from plax_core import core, dtypes, lax
from plax_core.core import EscapedTracerError, get_aval, new_main
from plax_core.extend import BATCHING, HigherOrderPrimitive
from plax_core.jaxpr import ClosedJaxpr, Jaxpr, eval_jaxpr, trace_to_jaxpr
from plax_core.lax import jit_p

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

# ------------------------------------------------------------------ helpers


def batch_subcall(fun: Callable, size: int, in_dims: Sequence[int | None],
                  args: Sequence, main=None) -> tuple[list, list]:
    """Run ``fun`` (flat arrays in, flat out) over a batch.

    It runs on the batch level ``main`` while that is still active and above every
    argument's level (so values of that level which ``fun`` closes over are batched
    values there, as in JAX), else on a new batch level.  Returns its outputs and
    their batch axes as they come out (nothing is moved).  ``float0`` inputs (zero
    tangents of integers) are given to ``fun`` unbatched.
    """
    args, in_dims = list(args), list(in_dims)
    for i, (x, d) in enumerate(zip(args, in_dims)):
        if d is not None and _is_float0(x):
            shape = _unbatched_shape(get_aval(x).shape, d)
            args[i], in_dims[i] = np.zeros(shape, dtypes.float0), None
    if main is not None and any(m is main for m in core.trace_stack()) and all(
            x._trace.main.level < main.level
            for x in args if isinstance(x, core.Tracer)):
        return _run_batched(BatchTrace(main), fun, args, in_dims)
    # A fresh level keeps the name of the vmap it stands for, so collectives over that
    # name inside the call (jit inside vmap(axis_name=...)) are batched here.
    owner = main if main is not None else rule_main()
    name = getattr(getattr(owner, "payload", None), "name", None)
    with new_main(BatchTrace, BatchInfo(size, name)) as fresh:
        return _run_batched(BatchTrace(fresh), fun, args, in_dims)


def _run_batched(trace, fun, args, in_dims):
    tracers = [x if d is None else BatchTracer(trace, x, d) for x, d in zip(args, in_dims)]
    outs = [trace.full_raise(o) for o in fun(*tracers)]
    return [t.val for t in outs], [t.batch_dim for t in outs]


def batch_closed_jaxpr(closed: ClosedJaxpr, size: int, in_dims: Sequence[int | None]):
    """``closed`` batched: ``(jaxpr, consts, out_dims)``, traced once.

    The new jaxpr takes ``consts`` (values its tracing closed over) as leading
    operands, then ``closed``'s inputs batched at ``in_dims``.  Outputs that depend
    on a batched input are batched at axis 0 (``out_dims`` 0), the others not (None).
    """
    in_avals = [batched_aval(a, size, d) for a, d in zip(closed.in_avals, in_dims)]
    out_dims: list[int | None] = []

    def run(*args):
        outs, dims = batch_subcall(lambda *xs: eval_jaxpr(closed.jaxpr, closed.consts, *xs),
                                   size, in_dims, args)
        out_dims[:] = [None if d is None else 0 for d in dims]
        return [x if d is None else moveaxis(x, d, 0) for x, d in zip(outs, dims)]

    jaxpr, consts = trace_to_jaxpr(run, in_avals)
    # Closed-over values become operands, so every transformation sees them.
    converted = Jaxpr([], list(jaxpr.constvars) + list(jaxpr.invars), jaxpr.outvars,
                      jaxpr.eqns)
    return ClosedJaxpr(converted, []), list(consts), out_dims


def _is_float0(x) -> bool:
    return get_aval(x).dtype == dtypes.float0


def _unbatched_shape(shape, d):
    return shape if d is None else shape[:d] + shape[d + 1:]


def match(x, src: int | None, dst: int | None, size: int, *, sum_unbatched=False):
    """``x`` (batched at ``src``) batched at ``dst``; float0 values are rebuilt.

    With ``sum_unbatched``, a batched value wanted unbatched is summed over the batch
    (a cotangent of a value every example shares).
    """
    if _is_float0(x):
        shape = _unbatched_shape(get_aval(x).shape, src)
        return np.zeros(shape if dst is None else shape[:dst] + (size,) + shape[dst:],
                        dtypes.float0)
    if dst is None:
        if src is None:
            return x
        if not sum_unbatched:
            raise ValueError("internal error: a batched value is wanted unbatched")
        return lax.reduce_sum_p.bind(x, axes=(src,))
    return bring(x, src, dst, size)


class OutDims:
    """The batch axes of a batched call's outputs: its jaxpr's, widened by its rule.

    The custom rule runs during the ``bind`` (when a JVP trace lies below the batch
    trace) and may batch an output the jaxpr left unbatched; it widens that output
    to axis 0, and the batching rule returns the widened axes.  Once the ``bind`` has
    returned (``seal``), the axes are fixed: a rule running later (the call was
    staged) cannot widen them.
    """

    def __init__(self, dims: Sequence[int | None], name: str):
        self.dims = list(dims)
        self.name = name
        self.sealed = False

    def target(self, i: int, batched: bool) -> int | None:
        if batched and self.dims[i] is None:
            if self.sealed:
                raise ValueError(
                    f"vmap of {self.name}: the custom rule batches output {i}, which the "
                    f"function itself leaves unbatched, and the batched call was staged "
                    f"(make_jaxpr/jit) before the rule ran, fixing its output types. Make "
                    f"the rule's outputs depend on the same inputs as the function's, or "
                    f"differentiate inside the vmap.")
            self.dims[i] = 0
        return self.dims[i]

    def seal(self) -> list[int | None]:
        self.sealed = True
        return list(self.dims)


def batched_bwd(bwd: Callable, size: int, res_dims: Callable[[], Sequence],
                ct_dims: Callable[[], Sequence], arg_dims: Sequence[int | None]) -> Callable:
    """``bwd(residuals, cotangents) -> one cotangent per argument``, run over a batch.

    Residuals and cotangents arrive batched at ``res_dims()`` and ``ct_dims()``; each
    argument's cotangent is returned batched at ``arg_dims`` (summed over the batch
    where the argument is unbatched).
    """
    def run(res, cts):
        res, cts = list(res), list(cts)
        nres = len(res)
        try:
            vals, got = batch_subcall(lambda *xs: bwd(list(xs[:nres]), list(xs[nres:])),
                                      size, list(res_dims()) + list(ct_dims()), res + cts)
        except EscapedTracerError as err:
            raise EscapedTracerError(
                f"{err}\n(Under vmap, the bwd rule of a custom_vjp function runs after the "
                f"vmap returned, so it cannot close over values that vmap batched: return "
                f"them from fwd as residuals instead.)") from err
        return [match(ct, d, dst, size, sum_unbatched=True)
                for ct, d, dst in zip(vals, got, arg_dims)]

    return run


# ------------------------------------------------------------------ callables by role

class _Call:
    """What the wrappers of one batched call share."""

    def __init__(self, size, arg_dims, state, main):
        self.size, self.arg_dims, self.state, self.main = size, arg_dims, state, main
        self.res_dims: list[int | None] = []


def _wrap_jvp(jvp: Callable, call: _Call) -> Callable:
    size, state = call.size, call.state
    n_out = len(state.dims)

    def batched_jvp(*primals_and_tangents):
        vals, got = batch_subcall(jvp, size, call.arg_dims * 2, primals_and_tangents,
                                  call.main)
        primals, tangents = [], []
        for i in range(n_out):
            (p, pd), (t, td) = (vals[i], got[i]), (vals[n_out + i], got[n_out + i])
            dst = state.target(i, pd is not None or (td is not None and not _is_float0(t)))
            primals.append(match(p, pd, dst, size))
            tangents.append(match(t, td, dst, size))
        return primals + tangents

    return batched_jvp


def _wrap_fwd(fwd: Callable, call: _Call) -> Callable:
    size, state = call.size, call.state
    n_out = len(state.dims)

    def batched_fwd(*primals):
        vals, got = batch_subcall(fwd, size, call.arg_dims, primals, call.main)
        outs = [match(p, d, state.target(i, d is not None), size)
                for i, (p, d) in enumerate(zip(vals[:n_out], got[:n_out]))]
        call.res_dims[:] = got[n_out:]           # residuals stay where fwd put them
        return outs + list(vals[n_out:])

    return batched_fwd


def _wrap_bwd(bwd: Callable, call: _Call) -> Callable:
    return batched_bwd(bwd, call.size, lambda: call.res_dims, lambda: call.state.dims,
                       call.arg_dims)


WRAPPERS: dict[str, Callable] = {"jvp": _wrap_jvp, "fwd": _wrap_fwd, "bwd": _wrap_bwd}


# ------------------------------------------------------------------ the rules

def call_rule(prim: HigherOrderPrimitive) -> Callable:
    """The batching rule of ``prim`` (a primitive calling the jaxpr ``prim.callee``)."""
    callee, num_consts, callables = prim.callee, prim.num_consts, prim.callables

    def rule(args, dims, **params):
        size = axis_size_of(args, dims)
        batched, consts, out_dims = batch_closed_jaxpr(params[callee], size, dims)
        lead = params[num_consts] if num_consts is not None else 0
        state = OutDims(out_dims, f"a {prim.name} call")
        call = _Call(size, list(dims[lead:]), state, rule_main())
        new = {**params, callee: batched}
        if num_consts is not None:
            new[num_consts] = len(consts) + lead
        for param, role in callables.items():
            new[param] = WRAPPERS[role](params[param], call)
        outs = prim.bind(*consts, *args, **new)
        return outs, state.seal()

    return rule


def linear_call_rule(prim: HigherOrderPrimitive) -> Callable:
    """The batching rule of a ``linear_call`` primitive (residuals, then tangents)."""
    def rule(args, dims, *, num_res, bwd, out_avals, diff_mask, all_out_avals, **params):
        size = axis_size_of(args, dims)
        res, res_dims = list(args[:num_res]), list(dims[:num_res])
        tangents = [bring(t, d, 0, size) for t, d in zip(args[num_res:], dims[num_res:])]
        all_out_avals = tuple(batched_aval(a, size, 0) for a in all_out_avals)
        # Every argument's cotangent at axis 0: where the tangents now are (the others
        # are dropped by the primitive's transpose).
        wrapped = batched_bwd(bwd, size, lambda: res_dims,
                              lambda: [0] * len(all_out_avals), [0] * len(diff_mask))
        outs = prim.bind(*res, *tangents, num_res=num_res, bwd=wrapped,
                         out_avals=tuple(batched_aval(a, size, 0) for a in out_avals),
                         diff_mask=diff_mask, all_out_avals=all_out_avals, **params)
        return outs, [0] * len(outs)

    return rule


def register(registry) -> None:
    """The rule for ``jit_p`` and every other registered higher-order primitive that
    has none of its own."""
    table = registry.rules(BATCHING)
    table[jit_p] = call_rule(jit_p)
    for prim in list(registry.primitives.values()):
        if isinstance(prim, HigherOrderPrimitive) and prim not in table:
            if prim.linear_call:
                table[prim] = linear_call_rule(prim)
            elif prim.callee is not None:
                table[prim] = call_rule(prim)
