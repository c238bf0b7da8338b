"""Generic JVP, transpose and partial-evaluation rules for higher-order primitives.

Every registered ``HigherOrderPrimitive`` that calls a jaxpr (``callee``) and has no
rule of its own in a table gets these (``jit_p`` is one; a third-party call primitive
is another).  Each rule transforms the callee as a whole and binds the primitive
again around the result, so ``grad(jit(f))`` stays one ``jit`` call per pass, as in
JAX:

- JVP: the primitive around the JVP of the callee, ``(primals, nonzero tangents) ->
  (outs, nonzero tangent outs)``;
- partial evaluation (``linearize``/``grad``): the callee is split into what the
  known inputs determine and what they do not; the known part runs now (the
  primitive again), the unknown part is staged as the primitive again over the
  residuals and the unknown inputs;
- transpose: the primitive around the backward pass of the callee.

Values a new callee closes over that are tracers become leading operands (added to
the primitive's ``num_consts`` parameter where it has one); concrete ones stay in the
``ClosedJaxpr``.  Primitives with rules of their own (``checkpoint``,
``custom_jvp_call``...) keep them: ``register`` fills only empty slots, and only for
primitives without ``callables`` (a user's rule would not match a transformed callee).
"""

from __future__ import annotations

from plax_core.extend import (
    JVP,
    PARTIAL_EVAL,
    TRANSPOSE,
    ClosedJaxpr,
    HigherOrderPrimitive,
    Jaxpr,
    Tracer,
    get_aval,
    trace_to_jaxpr,
)

from ..jvp import jvp_jaxpr
from ..partial_eval import partial_eval_jaxpr
from ..tangents import (
    UndefinedPrimal,
    Zero,
    instantiate,
    is_differentiable_dtype,
    is_undefined,
    is_zero,
    tangent_aval,
)
from ..transpose import backward_pass


def close(jaxpr: Jaxpr, consts) -> tuple[ClosedJaxpr, list]:
    """``(closed jaxpr, leading operands)``: constants that are tracers become leading
    inputs (so the transformation that owns them sees them), the others stay."""
    lifted = [isinstance(c, Tracer) for c in consts]
    if not any(lifted):
        return ClosedJaxpr(jaxpr, list(consts)), []
    kept = [v for v, t in zip(jaxpr.constvars, lifted) if not t]
    moved = [v for v, t in zip(jaxpr.constvars, lifted) if t]
    new = Jaxpr(kept, moved + list(jaxpr.invars), jaxpr.outvars, jaxpr.eqns)
    return (ClosedJaxpr(new, [c for c, t in zip(consts, lifted) if not t]),
            [c for c, t in zip(consts, lifted) if t])


def rebind(prim, operands, params, closed: ClosedJaxpr, leading) -> list:
    """``prim`` bound again with ``closed`` as its callee and ``leading`` operands first."""
    new = {**params, prim.callee: closed}
    if prim.num_consts is not None:
        new[prim.num_consts] = params[prim.num_consts] + len(leading)
    return prim.bind(*leading, *operands, **new)


def _jvp_rule(prim):
    def rule(primals, tangents, **params):
        closed = params[prim.callee]
        nonzeros = [not is_zero(t) and is_differentiable_dtype(a.dtype)
                    for t, a in zip(tangents, closed.in_avals)]
        jvp_closed, out_nonzeros = jvp_jaxpr(closed, nonzeros, instantiate_out=False)
        new, leading = close(jvp_closed.jaxpr, jvp_closed.consts)
        nz_tangents = [instantiate(t) for t, nz in zip(tangents, nonzeros) if nz]
        outs = rebind(prim, [*primals, *nz_tangents], params, new, leading)
        n = len(closed.out_avals)
        rest = iter(outs[n:])
        return outs[:n], [next(rest) if nz else Zero(tangent_aval(a))
                          for a, nz in zip(closed.out_avals, out_nonzeros)]
    return rule


def _partial_eval_rule(prim):
    def rule(trace, tracers, **params):
        unknowns = [not t.is_known for t in tracers]
        if not any(unknowns):
            return prim.bind(*[t.const for t in tracers], **params)
        closed = params[prim.callee]
        known, unknown, out_unknowns, num_res = partial_eval_jaxpr(closed, unknowns)
        known_jaxpr, leading = close(known.jaxpr, known.consts)
        known_outs = rebind(prim, [t.const for t in tracers if t.is_known], params,
                            known_jaxpr, leading)
        n_known = len(known_outs) - num_res
        residuals = [trace.pure(r) for r in known_outs[n_known:]]
        unknown_in = [t for t in tracers if not t.is_known]
        staged = iter(trace.stage(prim, [*residuals, *unknown_in],
                                  {**params, prim.callee: unknown},
                                  [v.aval for v in unknown.jaxpr.outvars]))
        known_iter = iter(known_outs[:n_known])
        return [next(staged) if u else next(known_iter) for u in out_unknowns]
    return rule


def _transpose_rule(prim):
    def rule(cts, *args, **params):
        closed = params[prim.callee]
        linear = [is_undefined(a) for a in args]
        defined = [a for a, u in zip(args, linear) if not u]
        ct_in = [ct for ct in cts if not is_zero(ct)]
        ct_mask = [not is_zero(ct) for ct in cts]
        zero_out: list[bool] = []

        def transposed(*xs):
            vals, ct_vals = iter(xs[:len(defined)]), iter(xs[len(defined):])
            full = [UndefinedPrimal(a.aval) if u else next(vals)
                    for a, u in zip(args, linear)]
            full_cts = [next(ct_vals) if m else Zero(v.aval)
                        for v, m in zip(closed.jaxpr.outvars, ct_mask)]
            got = backward_pass(closed.jaxpr, closed.consts, full, full_cts)
            got = [g for g, u in zip(got, linear) if u]
            zero_out[:] = [is_zero(g) for g in got]
            return [g for g in got if not is_zero(g)]

        avals = [get_aval(x) for x in (*defined, *ct_in)]
        jaxpr, consts = trace_to_jaxpr(transposed, avals)
        new, leading = close(jaxpr, consts)
        outs = iter(rebind(prim, [*defined, *ct_in], params, new, leading)
                    if jaxpr.outvars else [])
        linear_cts = iter(Zero(a.aval) if z else next(outs)
                          for a, z in zip([a for a in args if is_undefined(a)], zero_out))
        return [next(linear_cts) if u else None for u in linear]
    return rule


RULE_MAKERS = {JVP: _jvp_rule, PARTIAL_EVAL: _partial_eval_rule, TRANSPOSE: _transpose_rule}


def register(registry) -> None:
    """Give every registered higher-order primitive with a callee the generic rules it
    lacks (call it after the specific rules are in the tables)."""
    for prim in list(registry.primitives.values()):
        if (not isinstance(prim, HigherOrderPrimitive) or prim.callee is None
                or prim.callables):     # (its Python rules would not match a new callee)
            continue
        for table, make in RULE_MAKERS.items():
            rules = registry.rules(table)
            if prim not in rules:
                rules[prim] = make(prim)
