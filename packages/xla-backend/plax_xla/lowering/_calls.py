"""Lowering of primitives that call a jaxpr, found BY NAME (this package only).

plax-autodiff's ``custom_jvp_call``, ``custom_vjp_call`` and ``checkpoint`` are
lowered by inlining the jaxpr they carry.  plax-xla cannot import that package, so
they are listed here by name with the parameter holding the jaxpr; the generic rule
for ``HigherOrderPrimitive``s (``lowering/higher_order.py``) replaces this list.
"""

from __future__ import annotations

from ..mlir import lower_closed_call

#: Primitives (by name) that call the jaxpr in the named param on their operands.
CALL_PRIMITIVES = {"custom_jvp_call": "call_jaxpr", "custom_vjp_call": "call_jaxpr",
                   "checkpoint": "jaxpr", "remat": "jaxpr", "pjit": "jaxpr",
                   "closed_call": "call_jaxpr", "core_call": "call_jaxpr",
                   "xla_call": "call_jaxpr"}


def call_rule(param: str):
    """A rule that inlines ``params[param]`` (a ClosedJaxpr) applied to the operands."""
    def rule(ctx, *args, **params):
        return lower_closed_call(ctx, params[param], args)
    rule.call_param = param
    return rule


def register(registry) -> None:
    """Inline-call rules for the listed primitives that are registered and have none."""
    table = registry.rules("lowering")
    for name, param in CALL_PRIMITIVES.items():
        prim = registry.primitives.get(name)
        if prim is not None and prim not in table:
            table[prim] = call_rule(param)
