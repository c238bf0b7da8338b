"""Tracing errors that teach: which function, which argument, and the fix.

Core raises ``ConcretizationTypeError`` when Python needs the value of a traced array
(``if x > 0:``).  ``jit`` adds what core cannot know: the function being traced and
where it is defined, and which of its arguments the offending value depends on (found
by walking the equations staged so far back to the inputs), with the two fixes.
"""

from __future__ import annotations

import functools
import inspect

from plax_core.core import ConcretizationTypeError, Tracer


def _offending_tracer(error: BaseException):
    """The tracer whose value was asked for (from the frame that raised the error)."""
    tb = error.__traceback__
    found = None
    while tb is not None:
        frame = tb.tb_frame
        candidate = frame.f_locals.get("self")
        if isinstance(candidate, Tracer) and frame.f_code.co_name == "_concrete_error":
            found = candidate
        tb = tb.tb_next
    return found


def _depends_on(builder, tracer, n_inputs: int) -> list[int]:
    """Indices of the staged inputs that ``tracer``'s value depends on."""
    var = builder.tracer_to_var.get(id(tracer))
    if var is None:
        return []
    inputs = {id(builder.tracer_to_var[id(t)]): i
              for i, t in enumerate(builder.tracers[:n_inputs])}
    producers = {}
    for eqn in builder.eqns:
        for v in eqn.outvars:
            producers[id(v)] = eqn
    seen, stack, found = set(), [var], set()
    while stack:
        v = stack.pop()
        if id(v) in seen:
            continue
        seen.add(id(v))
        if id(v) in inputs:
            found.add(inputs[id(v)])
        eqn = producers.get(id(v))
        if eqn is not None:
            stack.extend(u for u in eqn.invars if hasattr(u, "count"))
    return sorted(found)


def _where(fun) -> str:
    while isinstance(fun, functools.partial):
        fun = fun.func
    fun = inspect.unwrap(fun)
    code = getattr(fun, "__code__", None)
    if code is None:
        return ""
    return f" at {code.co_filename}:{code.co_firstlineno}"


def explain_concretization_error(error: ConcretizationTypeError, fun, transform: str,
                                 arg_names: list[str]) -> ConcretizationTypeError:
    """``error`` with the function, the arguments involved and the fixes appended."""
    name = getattr(fun, "__name__", type(fun).__name__)
    lines = [str(error), "",
             f"The error occurred while tracing the function {name}{_where(fun)} for "
             f"{transform}."]
    tracer = _offending_tracer(error)
    deps = []
    if tracer is not None:
        builder = getattr(tracer._trace.main, "payload", None)
        if builder is not None and hasattr(builder, "tracer_to_var"):
            deps = [arg_names[i] for i in _depends_on(builder, tracer, len(arg_names))
                    if i < len(arg_names)]
    if deps:
        quoted = ", ".join(f"'{d}'" for d in deps)
        lines.append(f"This value depends on the argument{'s' if len(deps) > 1 else ''} "
                     f"{quoted}, which {transform} traces as an abstract array.")
    top = sorted({d.split("[")[0].split(".")[0] for d in deps})
    static_hint = (f"static_argnames={tuple(top)!r}" if top else "static_argnums=...")
    lines.append(f"Fixes: express the branch with plax.lax.cond / plax.lax.select / "
                 f"plax.numpy.where (or a loop with plax.lax.while_loop / fori_loop), or, "
                 f"if the argument is a configuration value rather than data, mark it "
                 f"static: jit({name}, {static_hint}).")
    new = type(error)("\n".join(lines))  # keep JAX's subclass (TracerBoolConversionError, ...)
    return new
