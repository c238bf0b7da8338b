"""The plugin contract: everything a plax plugin (first-party or third-party) may use.

A plugin is a package whose ``pyproject.toml`` names one module under
``[project.entry-points.plax]``; that module defines hook functions decorated with
``hookimpl`` (the hooks and their order are documented in ``plax_core.hookspecs``).
Through them it adds primitives, fills rule tables, offers transformations and backends.

What a plugin may import: the names below, and the public modules of plax-core
(``plax_core.lax``, ``plax_core.dtypes``, ``plax_core.tree_util``, ``plax_core.config``,
``plax_core.errors``, ``plax_core.numpy_semantics``). Nothing whose name starts with an
underscore, in core or in any other plax package: a package that needs such a helper
asks for it to become public here.

Defining a primitive
    ``p = Primitive("name")``, then ``p.def_abstract_eval(rule)`` (``ShapedArray``s in,
    ``ShapedArray``(s) out: shapes, dtypes, weak types) and ``p.def_impl(fun)`` (NumPy
    arrays in and out: the reference backend). Set ``p.family`` to the family its rules
    belong to (below), register it in ``plax_register_primitives`` with
    ``registry.add_primitive(p)``, and give users a function that calls ``p.bind``.

Rule tables (``registry.rules(NAME)[primitive] = rule``, keyed by the primitive object)
    ``JVP``           ``rule(primals, tangents, **params) -> (primals_out, tangents_out)``;
                      a tangent may be a symbolic zero (plax-autodiff's ``Zero``).
    ``TRANSPOSE``     ``rule(cotangent, *args, **params) -> cotangent per argument``, for
                      primitives linear in some arguments; a linear argument arrives as
                      ``UndefinedPrimal(aval)``, the others as values; ``None`` for a
                      non-linear argument.
    ``PARTIAL_EVAL``  ``rule(trace, tracers, **params) -> tracer(s)``, only for primitives
                      that must split their work between known and unknown inputs
                      (control flow, checkpoint); the default stages the whole equation.
    ``BATCHING``      ``rule(args, dims, **params) -> (out, out_dim)``: ``dims`` holds each
                      argument's batch axis or ``None`` (not batched).
    ``LOWERING``      ``rule(ctx, *operands, **params) -> result name(s)``: ``ctx`` is the
                      StableHLO function builder of plax-xla (``ctx.avals_in``,
                      ``ctx.avals_out``); operands and results are SSA value names.

Primitive families
    Core groups its primitives in families (``FAMILIES``: elementwise, structural,
    reductions, ...). Every package keeps a primitive's rules in the module named after
    its family (``plax_autodiff/rules/structural.py``, ``plax_batching/rules/
    structural.py``, ``plax_xla/lowering/structural.py``), so one search for the
    primitive's Python name (``dot_general_p``) finds all of them.

Higher-order primitives
    A primitive whose parameters hold jaxprs (``jit``'s call, control flow, custom
    derivative rules, checkpoint) is a ``HigherOrderPrimitive``: it says which
    parameter holds its callee, so transformations write their rules for "a call of a
    closed jaxpr" once and every such primitive gets them.

Backends
    A ``Backend`` subclass runs primitives on concrete arrays (``apply_primitive``),
    moves data (``device_put``, ``to_numpy``) and lists ``devices``; offer it in
    ``plax_register_backends`` with ``registry.add_backend(name, factory, priority)``;
    ``factory()`` raises ``BackendUnavailable`` with a reason when it cannot run here.
"""

from .backend import Backend, BackendUnavailable, get_backend
from .core import (
    MainTrace,
    Primitive,
    ShapedArray,
    Trace,
    Tracer,
    find_top_trace,
    full_lower,
    get_aval,
    new_base_main,
    new_main,
    trace_stack,
)
from .jaxpr import (
    ClosedJaxpr,
    DropVar,
    Jaxpr,
    JaxprEqn,
    Literal,
    Var,
    eval_jaxpr,
    make_literal,
    trace_to_jaxpr,
)
from .plugins import get_registry, hookimpl
from .prims import FAMILIES
from .registry import MissingRuleError, Registry, RuleTable

JVP = "jvp"
TRANSPOSE = "transpose"
PARTIAL_EVAL = "partial_eval"
BATCHING = "batching"
LOWERING = "lowering"
RULE_TABLES = (JVP, TRANSPOSE, PARTIAL_EVAL, BATCHING, LOWERING)

__all__ = [
    "BATCHING", "Backend", "BackendUnavailable", "ClosedJaxpr", "DropVar", "FAMILIES",
    "JVP", "Jaxpr", "JaxprEqn", "LOWERING", "Literal", "MainTrace", "MissingRuleError",
    "PARTIAL_EVAL", "Primitive", "RULE_TABLES", "Registry", "RuleTable", "ShapedArray",
    "TRANSPOSE", "Trace", "Tracer", "Var", "eval_jaxpr", "find_top_trace", "full_lower",
    "get_aval", "get_backend", "get_registry", "hookimpl", "make_literal", "new_base_main",
    "new_main", "trace_stack", "trace_to_jaxpr",
]

# Higher-order primitives (see the section above and plax_core.prims.higher_order).
from .prims.higher_order import HigherOrderPrimitive  # noqa: E402

__all__ += ["HigherOrderPrimitive"]
