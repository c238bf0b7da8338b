"""Forward mode: the JVP trace, its tracers, and the helpers that build JVP rules.

A ``JVPTracer`` carries a primal value and its tangent.  When a primitive meets one,
``JVPTrace.process_primitive`` looks the primitive up in the ``"jvp"`` rule table
(one dict lookup) and calls ``rule(primals, tangents, **params)``, which returns the
primal output and its tangent.  Tangents may be symbolic ``Zero``s; when every input
tangent is zero the rule is skipped and the primitive simply runs on the primals.

Each call of ``jvp`` pushes a new main trace, so nested differentiation never mixes
up the perturbations of different levels: an outer tracer inside an inner ``jvp`` is
a constant there (its tangent at the inner level is zero).

Rules are built with the helpers at the bottom, as in JAX's ``ad`` module:
``defjvp`` (one function per argument, summed), ``defjvp2`` (the same, also given
the primal output), ``linear_jvp``, ``bilinear_jvp`` and ``zero_jvp``.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Sequence

from plax_core import get_registry
from plax_core.core import Trace, Tracer, full_lower, get_aval, new_main
from plax_core.jaxpr import ClosedJaxpr, eval_jaxpr, trace_to_jaxpr

from .tangents import (
    Zero,
    add_tangents,
    instantiate,
    is_differentiable_dtype,
    is_zero,
    tangent_aval,
)


def jvp_rules():
    """The ``"jvp"`` rule table (a dict from primitive to rule)."""
    return get_registry().rules("jvp")


class JVPTracer(Tracer):
    __slots__ = ("primal", "tangent")

    def __init__(self, trace, primal, tangent):
        self._trace = trace
        self.primal = primal
        self.tangent = tangent

    @property
    def aval(self):
        return get_aval(self.primal)

    def full_lower(self):
        if type(self.tangent) is Zero:
            return full_lower(self.primal)
        return self

    # A tracer of forward mode has a value: Python control flow may read it (the
    # primal raises in turn when it is itself abstract, e.g. under jit).
    def __bool__(self):
        return bool(self.primal)

    def __int__(self):
        return int(self.primal)

    def __float__(self):
        return float(self.primal)

    def __complex__(self):
        return complex(self.primal)

    def __index__(self):
        return operator.index(self.primal)

    def item(self, *args):
        if args:
            return self.primal.item(*args)
        return self.primal.item() if hasattr(self.primal, "item") else self.primal


def _new_tracer(trace, primal, tangent) -> JVPTracer:
    if type(tangent) is not Zero and not is_differentiable_dtype(get_aval(primal).dtype):
        tangent = Zero.from_value(primal)       # ints and bools: always a zero tangent
    return JVPTracer(trace, primal, tangent)


class JVPTrace(Trace):
    """Interprets primitives on (primal, tangent) pairs with the ``"jvp"`` rules."""

    def pure(self, val):
        return JVPTracer(self, val, Zero.from_value(val))

    lift = pure

    def process_primitive(self, primitive, tracers, params):
        primals = [t.primal for t in tracers]
        tangents = [t.tangent for t in tracers]
        if all(type(t) is Zero for t in tangents):
            out = primitive.bind(*primals, **params)
            if primitive.multiple_results:
                return [JVPTracer(self, o, Zero.from_value(o)) for o in out]
            return JVPTracer(self, out, Zero.from_value(out))
        rule = jvp_rules()[primitive]
        primal_out, tangent_out = rule(primals, tangents, **params)
        if primitive.multiple_results:
            return [_new_tracer(self, p, t) for p, t in zip(primal_out, tangent_out)]
        return _new_tracer(self, primal_out, tangent_out)


def _strip(main, x):
    """``x`` without this level's tangent (auxiliary outputs are not differentiated)."""
    while isinstance(x, JVPTracer) and x._trace.main is main:
        x = x.primal
    return x


def jvp_flat(fun: Callable, primals: Sequence, tangents: Sequence, has_aux: bool = False):
    """Push ``tangents`` (arrays or ``Zero``s) forward through flat ``fun``.

    ``fun`` takes and returns flat lists of arrays (with ``has_aux``: a pair of the
    outputs and a flat list of auxiliary values).  Returns ``(primals_out,
    tangents_out, aux)``; tangents out may be ``Zero``.
    """
    with new_main(JVPTrace) as main:
        trace = JVPTrace(main)
        in_tracers = [_new_tracer(trace, p, t) for p, t in zip(primals, tangents)]
        result = fun(*in_tracers)
        outs, aux = result if has_aux else (result, None)
        out_tracers = [trace.full_raise(o) for o in outs]
        primals_out = [t.primal for t in out_tracers]
        tangents_out = [t.tangent for t in out_tracers]
        if aux is not None:
            aux = [_strip(main, a) for a in aux]
    return primals_out, tangents_out, aux


def jvp_jaxpr(closed: ClosedJaxpr, nonzeros: Sequence[bool], instantiate_out):
    """The JVP of a jaxpr, as a jaxpr: ``(primals, nonzero tangents) -> (primal outs,
    nonzero tangent outs)``.  Returns it and which tangent outputs are nonzero.

    ``nonzeros`` says which inputs get a tangent argument (only differentiable ones
    may); ``instantiate_out`` (a bool or one per output) forces tangent outputs to be
    materialised even when they are symbolically zero.  Used by the rules of
    higher-order primitives (checkpoint here; cond, scan and while elsewhere).
    """
    in_avals = closed.in_avals
    n_out = len(closed.out_avals)
    if isinstance(instantiate_out, bool):
        instantiate_out = [instantiate_out] * n_out
    nonzeros = [bool(nz) and is_differentiable_dtype(a.dtype) for nz, a in zip(nonzeros, in_avals)]
    tangent_avals = [tangent_aval(a) for a, nz in zip(in_avals, nonzeros) if nz]
    out_nonzeros: list[bool] = []

    def fun(*args):
        primals, rest = args[:len(in_avals)], iter(args[len(in_avals):])
        tangents = [next(rest) if nz else Zero(tangent_aval(a))
                    for a, nz in zip(in_avals, nonzeros)]
        outs, touts, _ = jvp_flat(lambda *xs: eval_jaxpr(closed.jaxpr, closed.consts, *xs),
                                  primals, tangents)
        out_nonzeros[:] = [(not is_zero(t) or inst) and
                           is_differentiable_dtype(get_aval(o).dtype)
                           for o, t, inst in zip(outs, touts, instantiate_out)]
        touts = [instantiate(t) for t, nz in zip(touts, out_nonzeros) if nz]
        return list(outs) + touts

    jaxpr, consts = trace_to_jaxpr(fun, list(in_avals) + tangent_avals)
    return ClosedJaxpr(jaxpr, consts), list(out_nonzeros)


# ------------------------------------------------------------------ rule helpers

def defjvp(primitive, *jvp_fns):
    """A rule from one function per argument: ``fn(g, *primals, **params)`` gives the
    output tangent contributed by that argument's tangent ``g`` (None: no derivative)."""
    def rule(primals, tangents, **params):
        ans = primitive.bind(*primals, **params)
        out = Zero.from_value(ans)
        for fn, t in zip(jvp_fns, tangents):
            if fn is not None and type(t) is not Zero:
                out = add_tangents(out, fn(t, *primals, **params))
        return ans, out
    return rule


def defjvp2(primitive, *jvp_fns):
    """Like ``defjvp`` but each function also gets the primal output:
    ``fn(g, ans, *primals, **params)``."""
    def rule(primals, tangents, **params):
        ans = primitive.bind(*primals, **params)
        out = Zero.from_value(ans)
        for fn, t in zip(jvp_fns, tangents):
            if fn is not None and type(t) is not Zero:
                out = add_tangents(out, fn(t, ans, *primals, **params))
        return ans, out
    return rule


def linear_jvp(primitive):
    """The rule of a primitive linear in all its arguments: apply it to the tangents."""
    def rule(primals, tangents, **params):
        ans = primitive.bind(*primals, **params)
        return ans, primitive.bind(*map(instantiate, tangents), **params)
    return rule


def bilinear_jvp(primitive):
    """The rule of a primitive linear in each of its two arguments (mul, dot_general)."""
    def rule(primals, tangents, **params):
        (x, y), (tx, ty) = primals, tangents
        ans = primitive.bind(x, y, **params)
        out = Zero.from_value(ans)
        if type(tx) is not Zero:
            out = add_tangents(out, primitive.bind(tx, y, **params))
        if type(ty) is not Zero:
            out = add_tangents(out, primitive.bind(x, ty, **params))
        return ans, out
    return rule


def zero_jvp(primitive):
    """The rule of a primitive whose output does not depend differentiably on inputs."""
    def rule(primals, tangents, **params):
        ans = primitive.bind(*primals, **params)
        if primitive.multiple_results:
            return ans, [Zero.from_value(a) for a in ans]
        return ans, Zero.from_value(ans)
    return rule
