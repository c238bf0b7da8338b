"""plax-autodiff's plugin module (entry point ``autodiff`` in the ``plax`` group).

It registers the higher-order primitives this package defines, fills the ``"jvp"``,
``"transpose"`` and ``"partial_eval"`` rule tables for every core primitive, and
offers the user-facing transformations.  ``UNSUPPORTED`` and ``NONLINEAR`` document
(and the coverage test checks) every primitive that has no rule, and why.
"""

import plax_autodiff
from plax_core.plugins import hookimpl
from plax_core.registry import MissingRuleError

from . import (
    checkpointing,
    custom,
    rules_control_flow,
    rules_elementwise,
    rules_indexing,
    rules_linalg,
    rules_sorting,
    rules_structural,
    rules_windowed,
)

TRANSFORMATIONS = ("grad", "value_and_grad", "jvp", "vjp", "jacfwd", "jacrev", "hessian",
                   "linearize", "custom_jvp", "custom_vjp", "checkpoint", "remat",
                   "stop_gradient", "closure_convert")

# (table, primitive name) -> why there is no rule.
UNSUPPORTED: dict[tuple[str, str], str] = {
    ("jvp", "nextafter"): "a bit-level step to the neighbouring float; JAX defines no "
                          "derivative for it either",
    # The rule exists and raises JAX's ValueError (rules_control_flow) with this reason.
    ("transpose", "while"): "reverse mode of a while_loop (or fori_loop with traced bounds) "
                            "needs its trip count in advance; use fori_loop with static "
                            "bounds or scan",
}

# Primitives that are not linear in any operand, so they need no transpose rule.
NONLINEAR = frozenset({
    "abs", "acos", "acosh", "and", "argmax", "argmin", "asin", "asinh", "atan", "atan2",
    "atanh", "bitcast_convert_type", "cbrt", "ceil", "clamp", "cos", "cosh", "digamma",
    "eq", "erf", "erf_inv", "erfc", "exp", "exp2", "expm1", "floor", "ge", "gt",
    "integer_pow", "iota", "is_finite", "le", "lgamma", "log", "log1p", "logistic", "lt",
    "max", "min", "ne", "nextafter", "not", "or", "pow", "reduce_and", "reduce_max",
    "reduce_min", "reduce_or", "reduce_prod", "reduce_xor", "rem", "round", "rsqrt",
    "shift_left", "shift_right_arithmetic", "shift_right_logical", "sign", "sin", "sinh",
    "sqrt", "square", "tan", "tanh", "xor", "population_count", "clz",
    *rules_windowed.NONLINEAR, *rules_indexing.NONLINEAR,
    *rules_sorting.NONLINEAR, *rules_linalg.NONLINEAR,
})

_MISSING_HINT = ("it has no derivative rule. A package that adds a primitive registers its "
                 "rules with registry.rules('jvp') / registry.rules('transpose')")


def missing_rules(registry) -> dict[str, list[str]]:
    """Primitives of ``registry`` with neither a rule nor a documented reason, per table.

    ``"jvp"``: every primitive needs a JVP rule.  ``"transpose"``: every primitive that
    is linear in some operand needs a transpose rule; the others are in ``NONLINEAR``.
    """
    jvp, transpose = registry.rules("jvp"), registry.rules("transpose")
    out = {"jvp": [], "transpose": []}
    for name, prim in sorted(registry.primitives.items()):
        if prim not in jvp and ("jvp", name) not in UNSUPPORTED:
            out["jvp"].append(name)
        if (prim not in transpose and name not in NONLINEAR
                and ("transpose", name) not in UNSUPPORTED):
            out["transpose"].append(name)
    return out


@hookimpl
def plax_register_primitives(registry):
    for prim in custom.PRIMITIVES + checkpointing.PRIMITIVES:
        registry.add_primitive(prim)


@hookimpl
def plax_register_rules(registry):
    jvp, transpose = registry.rules("jvp"), registry.rules("transpose")
    partial_eval = registry.rules("partial_eval")
    jvp.hint = transpose.hint = _MISSING_HINT
    by_name = registry.primitives
    for module in (rules_elementwise, rules_structural, rules_windowed, rules_indexing,
                   rules_sorting, rules_linalg):
        for name, rule in module.jvp_rules().items():
            if name in by_name:
                jvp[by_name[name]] = rule
        for name, rule in module.transpose_rules().items():
            if name in by_name:
                transpose[by_name[name]] = rule
    for module in (custom, checkpointing, rules_control_flow):
        jvp.update(module.JVP_RULES)
        transpose.update(module.TRANSPOSE_RULES)
    partial_eval.update(checkpointing.PARTIAL_EVAL_RULES)
    partial_eval.update(rules_control_flow.PARTIAL_EVAL_RULES)
    from .rules import higher_order  # generic rules of higher-order primitives (jit_p)
    higher_order.register(registry)
    for (table, name), reason in UNSUPPORTED.items():
        prim = by_name.get(name)
        if prim is not None and prim not in registry.rules(table):
            registry.rules(table)[prim] = _refuse(table, prim, reason)


def _refuse(table, prim, reason):
    def rule(*args, **params):
        raise MissingRuleError(table, prim, reason)
    return rule


@hookimpl
def plax_register_transformations(registry):
    for name in TRANSFORMATIONS:
        registry.add_transformation(name, getattr(plax_autodiff, name))
