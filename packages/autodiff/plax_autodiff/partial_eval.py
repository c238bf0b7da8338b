"""Partial evaluation: run what is known now, stage what is not into a jaxpr.

The partial-evaluation trace sits *below* a JVP trace during ``linearize``: the primal
inputs are known values and the tangent inputs are unknown tracers of this trace.
Primal computations never touch an unknown tracer, so they run right away (on
whatever trace is underneath); tangent computations do, so each one is recorded as
an equation.  The recorded equations form the *linear* jaxpr of the function at the
primal point; the known values they read (``cos(x)`` for ``sin``, say) become its
constants, the residuals.  That jaxpr is what ``linearize`` evaluates and what
``vjp`` transposes, so reverse mode is forward mode + partial evaluation +
transposition, with no tape.

Only unknown values are tracers of this trace: a known value is lowered back to the
value itself, and is wrapped (``pure``) only for the moment a primitive mixes it
with unknown ones.  Primitives that need more than "stage the whole equation when
any input is unknown" (``checkpoint``; control flow) register a rule in the
``"partial_eval"`` table: ``rule(trace, tracers, **params) -> tracer(s)``.

``partial_eval_jaxpr`` splits a whole jaxpr the same way (known part, unknown part,
residuals in between), for the rules of higher-order primitives, and ``dce_jaxpr``
removes equations whose results nobody reads.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from plax_core import get_registry
from plax_core.core import Trace, Tracer, full_lower, get_aval, new_main
from plax_core.jaxpr import (
    ClosedJaxpr,
    DropVar,
    Jaxpr,
    JaxprEqn,
    Var,
    eval_jaxpr,
    make_literal,
    trace_to_jaxpr,
)

from .jvp import jvp_flat
from .tangents import Zero, is_zero, tangent_aval

_UNKNOWN = object()
_PY_SCALARS = (bool, int, float, complex)


def partial_eval_rules():
    """The ``"partial_eval"`` rule table (custom rules only; the default stages)."""
    return get_registry().rules("partial_eval")


class PETracer(Tracer):
    """A value of the partial-evaluation trace: unknown (staged) or a known constant."""

    __slots__ = ("_aval", "const", "var")

    def __init__(self, trace, aval, const=_UNKNOWN, var=None):
        self._trace = trace
        self._aval = aval
        self.const = const
        self.var = var

    @property
    def aval(self):
        return self._aval

    @property
    def is_known(self) -> bool:
        return self.const is not _UNKNOWN

    def full_lower(self):
        return full_lower(self.const) if self.const is not _UNKNOWN else self


class JaxprRecorder:
    """The equations and residuals staged by one partial-evaluation trace."""

    def __init__(self):
        self.eqns: list[JaxprEqn] = []
        self.residuals: dict[int, tuple[Var, object]] = {}

    def getvar(self, tracer: PETracer):
        if tracer.const is _UNKNOWN:
            return tracer.var
        val = tracer.const
        if _is_literal(val):
            return make_literal(val, tracer.aval)
        entry = self.residuals.get(id(val))
        if entry is None:
            entry = self.residuals[id(val)] = (Var(tracer.aval), val)
        return entry[0]

    def build(self, trace, in_tracers: Sequence[PETracer], outs: Sequence):
        """The jaxpr from ``in_tracers`` (unknown) to ``outs`` (tracers or known values),
        with the residuals it reads as constants.  Returns ``(jaxpr, residual values)``."""
        outvars = [self.getvar(trace.full_raise_known(o)) for o in outs]
        invars = [t.var for t in in_tracers]
        constvars = [var for var, _ in self.residuals.values()]
        jaxpr = Jaxpr(constvars, invars, outvars, self.eqns)
        jaxpr, used_consts = dce_jaxpr(jaxpr, prune_constvars=True)
        consts = [val for (_, val), used in zip(self.residuals.values(), used_consts) if used]
        return jaxpr, consts


def _is_literal(val) -> bool:
    if type(val) in _PY_SCALARS:
        return True
    return isinstance(val, (np.ndarray, np.generic)) and np.ndim(val) == 0


class PETrace(Trace):
    """Stages every primitive that reads an unknown value; see the module docstring."""

    @property
    def recorder(self) -> JaxprRecorder:
        return self.main.payload

    def new_arg(self, aval) -> PETracer:
        return PETracer(self, aval, _UNKNOWN, Var(aval))

    def pure(self, val):
        return PETracer(self, get_aval(val), val)

    lift = pure

    def full_raise_known(self, val) -> PETracer:
        """Like ``full_raise``, but a tracer of an outer trace stays a known constant."""
        if isinstance(val, PETracer) and val._trace.main is self.main:
            return val
        return self.pure(val)

    def new_unknown(self, aval) -> PETracer:
        return PETracer(self, aval, _UNKNOWN, Var(aval))

    def process_primitive(self, primitive, tracers, params):
        rule = partial_eval_rules().get(primitive)
        if rule is not None:
            return rule(self, tracers, **params)
        return self.default_process_primitive(primitive, tracers, params)

    def default_process_primitive(self, primitive, tracers, params):
        if all(t.is_known for t in tracers):
            return primitive.bind(*[t.const for t in tracers], **params)
        avals_out = primitive.abstract_eval(*[t.aval for t in tracers], **params)
        return self.stage(primitive, tracers, params, avals_out)

    def stage(self, primitive, tracers, params, avals_out):
        """Record ``primitive`` applied to ``tracers``; its outputs are unknown."""
        multiple = primitive.multiple_results
        outs = [self.new_unknown(a) for a in (avals_out if multiple else [avals_out])]
        invars = [self.recorder.getvar(t) for t in tracers]
        self.recorder.eqns.append(JaxprEqn(primitive, invars, params, [o.var for o in outs]))
        return outs if multiple else outs[0]


# ---------------------------------------------------------------------- linearize

def linearize_flat(fun: Callable, primals: Sequence, diff_mask: Sequence[bool],
                   has_aux: bool = False):
    """Forward mode + partial evaluation of flat ``fun`` at ``primals``.

    ``diff_mask`` says which inputs are differentiated (others get zero tangents).
    Returns ``(primals_out, jaxpr, residuals, out_zero, aux)``: the linear jaxpr maps
    the tangents of the differentiated inputs to the tangents of the outputs that are
    not symbolically zero (``out_zero`` marks the others).
    """
    recorder = JaxprRecorder()
    with new_main(PETrace, recorder) as main:
        trace = PETrace(main)
        tangent_in = [trace.new_arg(tangent_aval(get_aval(p)))
                      for p, d in zip(primals, diff_mask) if d]
        it = iter(tangent_in)
        tangents = [next(it) if d else Zero.from_value(p) for p, d in zip(primals, diff_mask)]
        primals_out, tangents_out, aux = jvp_flat(fun, primals, tangents, has_aux)
        for p in primals_out:
            if isinstance(p, PETracer) and p._trace.main is main:
                raise TypeError("internal error: a primal output depends on a tangent "
                                "(a JVP rule mixed up primal and tangent values)")
        out_zero = [is_zero(t) for t in tangents_out]
        jaxpr, residuals = recorder.build(trace, tangent_in,
                                          [t for t in tangents_out if not is_zero(t)])
    return primals_out, jaxpr, residuals, out_zero, aux


# ------------------------------------------------------------ whole-jaxpr helpers

def dce_jaxpr(jaxpr: Jaxpr, used_outputs: Sequence[bool] | None = None,
              prune_constvars: bool = False):
    """Drop equations (and, optionally, constants) that no used output depends on,
    keeping those of primitives with side effects (``has_side_effects``: callbacks).

    Returns ``(new_jaxpr, used_constvars)`` where ``used_constvars`` says which
    constvars the new jaxpr still reads (all of them unless ``prune_constvars``).
    """
    outvars = jaxpr.outvars if used_outputs is None else \
        [v for v, u in zip(jaxpr.outvars, used_outputs) if u]
    live = {v for v in outvars if isinstance(v, Var)}
    kept = []
    for eqn in reversed(jaxpr.eqns):
        if getattr(eqn.primitive, "has_side_effects", False) or any(
                v in live for v in eqn.outvars if not isinstance(v, DropVar)):
            kept.append(eqn)
            live.update(v for v in eqn.invars if isinstance(v, Var))
    kept.reverse()
    used_consts = [v in live for v in jaxpr.constvars]
    constvars = [v for v, u in zip(jaxpr.constvars, used_consts) if u] \
        if prune_constvars else list(jaxpr.constvars)
    if not prune_constvars:
        used_consts = [True] * len(jaxpr.constvars)
    return Jaxpr(constvars, jaxpr.invars, outvars, kept), used_consts


def partial_eval_jaxpr(closed: ClosedJaxpr, unknowns: Sequence[bool],
                       instantiate: bool | Sequence[bool] = False):
    """Split ``closed`` into what known inputs determine and what they do not.

    Returns ``(jaxpr_known, jaxpr_unknown, out_unknowns, num_res)``:

    - ``jaxpr_known``: known inputs -> known outputs + residuals;
    - ``jaxpr_unknown``: residuals + unknown inputs -> unknown outputs;
    - ``out_unknowns``: which outputs are unknown (``instantiate`` forces them).
    """
    in_avals = closed.in_avals
    n_out = len(closed.out_avals)
    if isinstance(instantiate, bool):
        instantiate = [instantiate] * n_out
    known_avals = [a for a, u in zip(in_avals, unknowns) if not u]
    box: dict = {}

    def fun_known(*known_in):
        recorder = JaxprRecorder()
        with new_main(PETrace, recorder) as main:
            trace = PETrace(main)
            unknown_in = [trace.new_arg(a) for a, u in zip(in_avals, unknowns) if u]
            kit, uit = iter(known_in), iter(unknown_in)
            args = [next(uit) if u else next(kit) for u in unknowns]
            outs = eval_jaxpr(closed.jaxpr, closed.consts, *args)
            out_unknown = [(isinstance(o, PETracer) and o._trace.main is main) or inst
                           for o, inst in zip(outs, instantiate)]
            jaxpr_unknown, residuals = recorder.build(
                trace, unknown_in, [o for o, u in zip(outs, out_unknown) if u])
        box["jaxpr_unknown"] = jaxpr_unknown
        box["out_unknowns"] = out_unknown
        box["res_avals"] = [v.aval for v in jaxpr_unknown.constvars]
        return [o for o, u in zip(outs, out_unknown) if not u] + list(residuals)

    jaxpr_known, consts_known = trace_to_jaxpr(fun_known, known_avals)
    unknown = box["jaxpr_unknown"]
    num_res = len(unknown.constvars)
    jaxpr_unknown = Jaxpr([], list(unknown.constvars) + list(unknown.invars),
                          unknown.outvars, unknown.eqns)
    return (ClosedJaxpr(jaxpr_known, consts_known), ClosedJaxpr(jaxpr_unknown, []),
            box["out_unknowns"], num_res)


def closure_convert_jaxpr(jaxpr: Jaxpr, consts: Sequence) -> tuple[ClosedJaxpr, list]:
    """Turn a jaxpr's constants into leading arguments: ``(closed jaxpr, consts)``.

    Higher-order primitives pass constants as explicit operands so that tracers a
    function closes over are visible to every transformation.
    """
    converted = Jaxpr([], list(jaxpr.constvars) + list(jaxpr.invars), jaxpr.outvars,
                      jaxpr.eqns)
    return ClosedJaxpr(converted, []), list(consts)
