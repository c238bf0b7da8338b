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
``ClosedJaxpr``.

This package's own higher-order primitives have rules of their own, kept here after the
generic ones: ``custom_jvp_call`` calls the user's JVP rule; ``custom_vjp_call`` runs the
user's ``fwd`` and emits ``custom_lin``, a linear primitive whose transpose calls the
user's ``bwd``; ``checkpoint`` stages its tangent part over its inputs only, so that
nothing computed inside is saved.  ``register`` puts them in first; the generic rules
fill only empty slots, and only for primitives without ``callables`` (a user's rule
would not match a transformed callee).
"""

from __future__ import annotations

from plax_core.caches import LRUCache
from plax_core.config import config, executable_cache_size
from plax_core.extend import (
    JVP,
    PARTIAL_EVAL,
    TRANSPOSE,
    ClosedJaxpr,
    HigherOrderPrimitive,
    Jaxpr,
    Tracer,
    eval_jaxpr,
    get_aval,
    trace_to_jaxpr,
)

from ..checkpointing import checkpoint_p, checkpoint_policies
from ..custom import custom_jvp_call_p, custom_lin_p, custom_vjp_call_p
from ..jvp import jvp_jaxpr
from ..partial_eval import closure_convert_jaxpr, dce_jaxpr, partial_eval_jaxpr
from ..tangents import (
    UndefinedPrimal,
    Zero,
    float0,
    instantiate,
    is_differentiable_dtype,
    is_undefined,
    is_zero,
    tangent_aval,
    zeros_like_aval,
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


# (table, callee, masks...) -> the transformed callee: eager ``grad(jit(f))`` transforms
# the call once per signature, and the rebound call hits its compiled executable.
_TRANSFORMED = LRUCache(executable_cache_size)


def memo(key, build):
    """``build()`` (a tuple whose second item is the leading operands ``close`` gave)
    once per ``key`` and trace context; results that close over tracers belong to one
    trace and are rebuilt each time."""
    key = (*key, config.trace_context())
    found = _TRANSFORMED.get(key)
    if found is not None:
        return found
    value = build()
    if not value[1] and not any(_has_tracer_consts(v) for v in value):
        _TRANSFORMED.put(key, value)
    return value


def _has_tracer_consts(value) -> bool:
    return isinstance(value, ClosedJaxpr) and any(isinstance(c, Tracer) for c in value.consts)


def rebind(prim, operands, params, closed: ClosedJaxpr, leading) -> list:
    """``prim`` bound again with ``closed`` as its callee and ``leading`` operands first."""
    new = {**params, prim.callee: closed}
    if prim.num_consts is not None:
        new[prim.num_consts] = params[prim.num_consts] + len(leading)
    return prim.bind(*leading, *operands, **new)


def _jvp_rule(prim):
    def rule(primals, tangents, **params):
        closed = params[prim.callee]
        nonzeros = tuple(not is_zero(t) and is_differentiable_dtype(a.dtype)
                         for t, a in zip(tangents, closed.in_avals))

        def build():
            jvp_closed, out_nonzeros = jvp_jaxpr(closed, nonzeros, instantiate_out=False)
            return (*close(jvp_closed.jaxpr, jvp_closed.consts), out_nonzeros)

        new, leading, out_nonzeros = memo((JVP, closed, nonzeros), build)
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

        def build():
            known, unknown, out_unknowns, num_res = partial_eval_jaxpr(closed, unknowns)
            return (*close(known.jaxpr, known.consts), unknown, out_unknowns, num_res)

        known_jaxpr, leading, unknown, out_unknowns, num_res = memo(
            (PARTIAL_EVAL, closed, tuple(unknowns)), build)
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

        avals = tuple(get_aval(x) for x in (*defined, *ct_in))

        def build():
            jaxpr, consts = trace_to_jaxpr(transposed, list(avals))
            return (*close(jaxpr, consts), tuple(zero_out))

        new, leading, zero_out[:] = memo(
            (TRANSPOSE, closed, tuple(linear), tuple(ct_mask), avals), build)
        outs = iter(rebind(prim, [*defined, *ct_in], params, new, leading)
                    if new.jaxpr.outvars else [])
        linear_cts = iter(Zero(a.aval) if z else next(outs)
                          for a, z in zip([a for a in args if is_undefined(a)], zero_out))
        return [next(linear_cts) if u else None for u in linear]
    return rule


# ------------------------------------------------- custom_jvp_call, custom_vjp_call

def _call_transpose(cts, *args, call_jaxpr, num_consts, **params):
    """A call whose body is linear in some operands transposes through its body."""
    return backward_pass(call_jaxpr.jaxpr, call_jaxpr.consts, args, cts)


def _closed_over_error(kind, rule):
    return TypeError(
        f"Detected differentiation of a {kind} function with respect to a closed-over "
        f"value. That isn't supported because the custom {rule} rule only specifies how to "
        f"differentiate the {kind} function with respect to explicit input parameters. Try "
        f"passing the closed-over value into the {kind} function as an argument, and "
        f"adapting the {kind} rule (plax.closure_convert can hoist the values out).")


def _custom_jvp_call_jvp(primals, tangents, *, call_jaxpr, jvp, num_consts, symbolic_zeros):
    if any(not is_zero(t) for t in tangents[:num_consts]):
        raise _closed_over_error("custom_jvp", "JVP")
    args, arg_tangents = primals[num_consts:], tangents[num_consts:]
    n_out = len(call_jaxpr.out_avals)
    outs = jvp(*args, *[instantiate(t) for t in arg_tangents])
    return outs[:n_out], list(outs[n_out:])


def _custom_vjp_call_jvp(primals, tangents, *, call_jaxpr, fwd, bwd, num_consts,
                         symbolic_zeros):
    if any(not is_zero(t) for t in tangents[:num_consts]):
        raise _closed_over_error("custom_vjp", "VJP")
    args, arg_tangents = primals[num_consts:], tangents[num_consts:]
    n_out = len(call_jaxpr.out_avals)
    outs = fwd(*args)
    primals_out, residuals = outs[:n_out], outs[n_out:]
    diff_mask = tuple(type(t) is not Zero for t in arg_tangents)
    out_avals = tuple(tangent_aval(get_aval(p)) for p in primals_out)
    lin_avals = tuple(a for a in out_avals if a.dtype != float0)
    lin_tangents = [t for t in arg_tangents if type(t) is not Zero]
    lin_outs = iter(custom_lin_p.bind(*residuals, *lin_tangents, num_res=len(residuals),
                                      bwd=bwd, out_avals=lin_avals, diff_mask=diff_mask,
                                      all_out_avals=out_avals))
    tangents_out = [Zero(a) if a.dtype == float0 else next(lin_outs) for a in out_avals]
    return primals_out, tangents_out


def _custom_lin_jvp(primals, tangents, **params):
    raise TypeError("can't apply forward-mode autodiff (jvp) to a custom_vjp function.")


def _custom_lin_transpose(cts, *args, num_res, bwd, out_avals, diff_mask, all_out_avals):
    residuals = args[:num_res]
    lin_cts = iter(cts)
    ct_leaves = [zeros_like_aval(a) if a.dtype == float0 else instantiate(next(lin_cts))
                 for a in all_out_avals]
    cts_in = bwd(list(residuals), ct_leaves)
    return [None] * num_res + [ct for ct, d in zip(cts_in, diff_mask) if d]


# ------------------------------------------------------------------ checkpoint

def _checkpoint_jvp(primals, tangents, *, jaxpr, prevent_cse, differentiated, policy):
    nonzeros = [not is_zero(t) for t in tangents]
    jvp_closed, out_nonzeros = jvp_jaxpr(jaxpr, nonzeros, instantiate_out=False)
    converted, consts = closure_convert_jaxpr(jvp_closed.jaxpr, jvp_closed.consts)
    nz_tangents = [t for t, nz in zip(tangents, _effective(jaxpr, nonzeros)) if nz]
    outs = checkpoint_p.bind(*consts, *primals, *nz_tangents, jaxpr=converted,
                             prevent_cse=prevent_cse, differentiated=True, policy=policy)
    n = len(jaxpr.out_avals)
    primals_out, rest = outs[:n], iter(outs[n:])
    tangents_out = [next(rest) if nz else Zero(tangent_aval(a))
                    for a, nz in zip(jaxpr.out_avals, out_nonzeros)]
    return primals_out, tangents_out


def _effective(jaxpr, nonzeros):
    """The inputs ``jvp_jaxpr`` gave a tangent argument (differentiable ones only)."""
    return [nz and is_differentiable_dtype(a.dtype) for nz, a in zip(nonzeros, jaxpr.in_avals)]


def _checkpoint_partial_eval(trace, tracers, *, jaxpr, prevent_cse, differentiated, policy):
    unknowns = [not t.is_known for t in tracers]
    if policy is checkpoint_policies.everything_saveable or not any(unknowns):
        # Save everything: partially evaluate the body inline, like any other code.
        args = [t.const if t.is_known else t for t in tracers]
        return eval_jaxpr(jaxpr.jaxpr, jaxpr.consts, *args)
    known, unknown, out_unknowns, num_res = partial_eval_jaxpr(jaxpr, unknowns)
    n_known_out = len(out_unknowns) - sum(out_unknowns)

    # Known outputs now; the residuals the known part would hand over are not kept.
    known_body, _ = dce_jaxpr(known.jaxpr, [True] * n_known_out + [False] * num_res)
    known_outs = iter(eval_jaxpr(known_body, known.consts,
                                 *[t.const for t in tracers if t.is_known]))

    # Unknown outputs: one equation over all the inputs that recomputes the residuals.
    def recompute(*args):
        known_in = [a for a, u in zip(args, unknowns) if not u]
        unknown_in = [a for a, u in zip(args, unknowns) if u]
        res = eval_jaxpr(known.jaxpr, known.consts, *known_in)[n_known_out:]
        return eval_jaxpr(unknown.jaxpr, unknown.consts, *res, *unknown_in)

    body, consts = trace_to_jaxpr(recompute, [t.aval for t in tracers])
    body, _ = dce_jaxpr(body)
    staged = iter(trace.stage(
        checkpoint_p, tracers,
        dict(jaxpr=ClosedJaxpr(body, consts), prevent_cse=prevent_cse, differentiated=True,
             policy=policy),
        [v.aval for v in body.outvars]))
    return [next(staged) if u else next(known_outs) for u in out_unknowns]


def _checkpoint_transpose(cts, *args, jaxpr, prevent_cse, differentiated, policy):
    return backward_pass(jaxpr.jaxpr, jaxpr.consts, args, cts)


# --------------------------------------------------------------------- tables

JVP_RULES = {
    custom_jvp_call_p: _custom_jvp_call_jvp,
    custom_vjp_call_p: _custom_vjp_call_jvp,
    custom_lin_p: _custom_lin_jvp,
    checkpoint_p: _checkpoint_jvp,
}
TRANSPOSE_RULES = {
    custom_jvp_call_p: _call_transpose,
    custom_vjp_call_p: _call_transpose,
    custom_lin_p: _custom_lin_transpose,
    checkpoint_p: _checkpoint_transpose,
}
PARTIAL_EVAL_RULES = {checkpoint_p: _checkpoint_partial_eval}

RULE_MAKERS = {JVP: _jvp_rule, PARTIAL_EVAL: _partial_eval_rule, TRANSPOSE: _transpose_rule}


def register(registry) -> None:
    """The rules of this package's higher-order primitives, then the generic rules for
    every other registered higher-order primitive with a callee (only in empty slots:
    call it after the other packages' specific rules are in the tables)."""
    registry.rules(JVP).update(JVP_RULES)
    registry.rules(TRANSPOSE).update(TRANSPOSE_RULES)
    registry.rules(PARTIAL_EVAL).update(PARTIAL_EVAL_RULES)
    for prim in list(registry.primitives.values()):
        if (not isinstance(prim, HigherOrderPrimitive) or prim.callee is None
                or prim.callables):     # (its Python rules would not match a new callee)
            continue
        for table, make in RULE_MAKERS.items():
            rules = registry.rules(table)
            if prim not in rules:
                rules[prim] = make(prim)
