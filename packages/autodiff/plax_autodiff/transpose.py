"""Transposition: run a linear jaxpr backwards, from output cotangents to input ones.

``backward_pass`` is given a jaxpr whose inputs are partly *undefined* (the linear
ones, ``UndefinedPrimal``) and partly known values.  Equations that read only known
values are evaluated forward first (a ``checkpoint`` body recomputes its primal
values this way); the others are linear in their undefined inputs and are
transposed in reverse order with the ``"transpose"`` rule table:

    rule(ct, *args, **params) -> one cotangent (or None / Zero) per argument

where ``args`` holds ``UndefinedPrimal(aval)`` for the linear arguments and the
values of the others.  Cotangents reaching the same variable are added.  Every rule
is written with primitives, so the backward pass is itself differentiable and
transposable: that is how ``grad(grad(f))`` works.
"""

from __future__ import annotations

from collections.abc import Sequence

from plax_core import get_registry
from plax_core.jaxpr import ClosedJaxpr, DropVar, Jaxpr, Literal, Var

from .tangents import UndefinedPrimal, Zero, add_tangents, is_undefined


def transpose_rules():
    """The ``"transpose"`` rule table (a dict from primitive to rule)."""
    return get_registry().rules("transpose")


def backward_pass(jaxpr: Jaxpr, consts: Sequence, args: Sequence, cts_out: Sequence) -> list:
    """Cotangents of ``jaxpr``'s inputs given cotangents of its outputs.

    ``args`` are the input values, with ``UndefinedPrimal`` for the linear inputs;
    ``cts_out`` may hold ``Zero``s.  Returns one cotangent per input: ``Zero`` where
    nothing flows, ``None`` for inputs that are not linear.
    """
    primal_env: dict[Var, object] = {}
    linear: set[Var] = set()

    def read_primal(v):
        return v.val if isinstance(v, Literal) else primal_env[v]

    for v, c in zip(jaxpr.constvars, consts):
        primal_env[v] = c
    for v, a in zip(jaxpr.invars, args):
        if is_undefined(a):
            linear.add(v)
        else:
            primal_env[v] = a

    linear_eqns = []
    for eqn in jaxpr.eqns:
        if any(type(v) is not Literal and v in linear for v in eqn.invars):
            linear_eqns.append(eqn)
            linear.update(eqn.outvars)
        else:
            outs = eqn.primitive.bind(*map(read_primal, eqn.invars), **eqn.params)
            if not eqn.primitive.multiple_results:
                outs = [outs]
            for v, x in zip(eqn.outvars, outs):
                primal_env[v] = x

    ct_env: dict[Var, object] = {}

    def write_ct(v, ct):
        if ct is None or type(ct) is Zero or type(v) is Literal or type(v) is DropVar:
            return
        if v in linear:
            ct_env[v] = add_tangents(ct_env[v], ct) if v in ct_env else ct

    for v, ct in zip(jaxpr.outvars, cts_out):
        write_ct(v, ct)

    rules = transpose_rules()
    for eqn in reversed(linear_eqns):
        cts = [ct_env.pop(v, None) for v in eqn.outvars]
        if all(ct is None for ct in cts):
            continue
        cts = [Zero(v.aval) if ct is None else ct for v, ct in zip(eqn.outvars, cts)]
        invals = [UndefinedPrimal(v.aval) if type(v) is not Literal and v in linear
                  else read_primal(v) for v in eqn.invars]
        ct_arg = cts if eqn.primitive.multiple_results else cts[0]
        cts_in = rules[eqn.primitive](ct_arg, *invals, **eqn.params)
        for v, ct in zip(eqn.invars, cts_in):
            write_ct(v, ct)

    return [(ct_env.get(v, Zero(v.aval)) if v in linear else None) for v in jaxpr.invars]


def transpose_jaxpr_call(closed: ClosedJaxpr, args: Sequence, cts_out: Sequence) -> list:
    """``backward_pass`` over a closed jaxpr (for higher-order primitives' rules)."""
    return backward_pass(closed.jaxpr, closed.consts, args, cts_out)


__all__ = ["UndefinedPrimal", "backward_pass", "transpose_jaxpr_call", "transpose_rules"]
