"""The jaxpr IR: typed equations, printing, evaluation, and tracing Python into it.

A ``Jaxpr`` is a flat list of equations ``outvars = primitive[params] invars`` over
typed variables, with constants passed as leading ``constvars``.  Higher-order
primitives carry ``ClosedJaxpr``s in their params and print them nested.
``trace_to_jaxpr`` stages a flat function on abstract inputs; ``make_jaxpr`` is the
user-facing wrapper with pytrees.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence
from functools import wraps
from typing import Any

import numpy as np

from . import core, tree_util
from .core import ShapedArray, Trace, Tracer, get_aval


class Var:
    """A variable of a jaxpr, with its abstract value (shape and dtype)."""
    __slots__ = ("aval", "count")
    _counter = itertools.count()

    def __init__(self, aval: ShapedArray):
        self.aval = aval
        self.count = next(Var._counter)

    def __repr__(self):
        return f"Var({self.count}:{self.aval.str_short()})"


class Literal:
    """A scalar constant written inline in a jaxpr."""

    __slots__ = ("val", "aval")

    def __init__(self, val, aval: ShapedArray):
        self.val = val
        self.aval = aval

    def __repr__(self):
        return f"Literal({self.val})"


class DropVar(Var):
    """An output nobody reads (printed as ``_``)."""


class JaxprEqn:
    """One equation of a jaxpr: a primitive applied to in-variables with params, binding
    out-variables.
    """
    __slots__ = ("primitive", "invars", "params", "outvars")

    def __init__(self, primitive, invars, params, outvars):
        self.primitive = primitive
        self.invars = list(invars)
        self.params = dict(params)
        self.outvars = list(outvars)

    def __repr__(self):
        return pp_eqn(self, _Namer())


class Jaxpr:
    """A closed program of primitives: ``invars``, ``constvars``, equations and ``outvars``.

    What ``make_jaxpr`` returns and what lowering and the evaluators walk.
    """
    def __init__(self, constvars, invars, outvars, eqns):
        self.constvars = list(constvars)
        self.invars = list(invars)
        self.outvars = list(outvars)
        self.eqns = list(eqns)

    in_avals = property(lambda self: [v.aval for v in self.invars],
                        doc="The avals of the inputs, in order.")
    out_avals = property(lambda self: [v.aval for v in self.outvars],
                         doc="The avals of the outputs, in order.")

    def __str__(self):
        return pp_jaxpr(self, _Namer())

    __repr__ = __str__


class ClosedJaxpr:
    """A jaxpr together with the values of its constants."""

    def __init__(self, jaxpr: Jaxpr, consts: Sequence[Any]):
        assert len(jaxpr.constvars) == len(consts)
        self.jaxpr = jaxpr
        self.consts = list(consts)

    in_avals = property(lambda self: self.jaxpr.in_avals,
                        doc="The avals of the inputs, in order.")
    out_avals = property(lambda self: self.jaxpr.out_avals,
                         doc="The avals of the outputs, in order.")
    eqns = property(lambda self: self.jaxpr.eqns, doc="The equations of the jaxpr.")

    def __call__(self, *args):
        return eval_jaxpr(self.jaxpr, self.consts, *args)

    def __str__(self):
        return pp_jaxpr(self.jaxpr, _Namer())

    __repr__ = __str__


# ------------------------------------------------------------------- printing

class _Namer:
    """Names variables a, b, ..., z, ba, bb, ... in order of first appearance."""

    def __init__(self):
        self.names: dict[Var, str] = {}

    def __call__(self, v) -> str:
        if isinstance(v, Literal):
            return _pp_literal(v)
        if isinstance(v, DropVar):
            return "_"
        name = self.names.get(v)
        if name is None:
            name = self.names[v] = _letters(len(self.names))
        return name

    def binder(self, v) -> str:
        return f"{self(v)}:{v.aval.str_short()}"


def _letters(n: int) -> str:
    s = ""
    while True:
        s = chr(ord("a") + n % 26) + s
        n //= 26
        if n == 0:
            return s


def _pp_literal(lit: Literal) -> str:
    val = np.asarray(lit.val)
    if val.dtype == np.bool_:
        text = "True" if val else "False"
    elif np.issubdtype(val.dtype, np.floating) or val.dtype.name == "bfloat16":
        text = repr(float(val))
    else:
        text = str(val.item())
    return f"{text}:{lit.aval.str_short()}"


def _pp_param(value, namer: _Namer, indent: str) -> str:
    if isinstance(value, (Jaxpr, ClosedJaxpr)):
        jaxpr = value.jaxpr if isinstance(value, ClosedJaxpr) else value
        body = pp_jaxpr(jaxpr, namer, indent + "    ")
        return "\n" + indent + "    " + body.lstrip()
    if isinstance(value, tuple) and value and all(isinstance(v, (Jaxpr, ClosedJaxpr))
                                                   for v in value):
        return "(" + ", ".join(_pp_param(v, namer, indent) for v in value) + ")"
    if isinstance(value, np.dtype):
        return value.name
    if isinstance(value, type) and issubclass(value, np.generic):
        return np.dtype(value).name
    return repr(value) if isinstance(value, str) else str(value)


def pp_eqn(eqn: JaxprEqn, namer: _Namer, indent: str = "    ") -> str:
    ins = " ".join(namer(v) for v in eqn.invars)
    outs = " ".join(namer.binder(v) if not isinstance(v, DropVar) else "_"
                    for v in eqn.outvars)
    params = ""
    if eqn.params:
        first = getattr(eqn.primitive, "pp_first", ())    # (jit prints its name first)
        items = [f"{k}={v}" if k in first else f"{k}={_pp_param(v, namer, indent)}"
                 for k, v in sorted(eqn.params.items(),
                                    key=lambda kv: (kv[0] not in first, kv[0]))]
        if any("\n" in item for item in items):
            sep = "\n" + indent + "  "
            params = "[" + sep + sep.join(items) + "\n" + indent + "]"
        else:
            params = "[" + " ".join(items) + "]"
    return f"{outs} = {eqn.primitive.name}{params} {ins}".rstrip()


def pp_jaxpr(jaxpr: Jaxpr, namer: _Namer, indent: str = "") -> str:
    consts = " ".join(namer.binder(v) for v in jaxpr.constvars)
    args = " ".join(namer.binder(v) for v in jaxpr.invars)
    lines = [f"{indent}{{ lambda {consts}; {args}. let"]
    for eqn in jaxpr.eqns:
        lines.append(indent + "    " + pp_eqn(eqn, namer, indent + "    "))
    outs = ", ".join(namer(v) for v in jaxpr.outvars)
    if len(jaxpr.outvars) == 1:
        outs += ","
    lines.append(f"{indent}  in ({outs}) }}")
    return "\n".join(lines)


# ------------------------------------------------------------------ evaluation

def eval_jaxpr(jaxpr: Jaxpr, consts: Sequence[Any], *args) -> list:
    """Run a jaxpr by binding its primitives (so it works under any transformation)."""
    if len(args) != len(jaxpr.invars):
        raise TypeError(f"eval_jaxpr: the jaxpr takes {len(jaxpr.invars)} arguments, "
                        f"got {len(args)}")
    env: dict[Var, Any] = {}

    def read(v):
        return v.val if isinstance(v, Literal) else env[v]

    for v, x in zip(jaxpr.constvars, consts):
        env[v] = x
    for v, x in zip(jaxpr.invars, args):
        env[v] = x
    for eqn in jaxpr.eqns:
        outs = eqn.primitive.bind(*map(read, eqn.invars), **eqn.params)
        if not eqn.primitive.multiple_results:
            outs = [outs]
        for v, x in zip(eqn.outvars, outs):
            env[v] = x
    return [read(v) for v in jaxpr.outvars]


# ------------------------------------------------------------------ staging

class JaxprBuilder:
    """Collects equations and constants while a function is being staged."""

    def __init__(self):
        self.eqns: list[JaxprEqn] = []
        self.tracer_to_var: dict[int, Var] = {}
        self.const_vars: dict[int, tuple[Var, Any]] = {}
        self.tracers: list[JaxprTracer] = []

    def new_tracer(self, trace, aval) -> JaxprTracer:
        tracer = JaxprTracer(trace, aval)
        self.tracers.append(tracer)
        self.tracer_to_var[id(tracer)] = Var(aval)
        return tracer

    def getvar(self, tracer) -> Var | Literal:
        var = self.tracer_to_var.get(id(tracer))
        if var is None:
            raise core.EscapedTracerError(
                "A traced value from a different staging context was used here; a "
                "function probably stored a tracer from an earlier trace.")
        return var

    def add_const(self, tracer, val):
        var = self.tracer_to_var[id(tracer)]
        if _is_literal(val):
            self.tracer_to_var[id(tracer)] = make_literal(val, tracer.aval)
        else:
            self.const_vars[id(tracer)] = (var, val)

    def build(self, in_tracers, out_tracers) -> tuple[Jaxpr, list]:
        constvars, consts = [], []
        for var, val in self.const_vars.values():
            constvars.append(var)
            consts.append(val)
        invars = [self.getvar(t) for t in in_tracers]
        outvars = [self.getvar(t) for t in out_tracers]
        jaxpr = Jaxpr(constvars, invars, outvars, self.eqns)
        return _drop_unused(jaxpr, consts)


def make_literal(val, aval: ShapedArray) -> Literal:
    """An inline scalar constant of type ``aval`` that keeps its weak type when run.

    Python scalars and plax arrays stay as they are (binding them reproduces ``aval``,
    weak type included); NumPy scalars are fixed to ``aval``'s dtype.
    """
    if not isinstance(val, core._PYTHON_SCALARS) and not hasattr(val, "aval"):
        val = np.asarray(val, aval.dtype)
    return Literal(val, aval)


def is_literal(val) -> bool:
    """Whether a known value is inlined into a jaxpr as a ``Literal`` (a concrete scalar)."""
    return _is_literal(val)


def _is_literal(val) -> bool:
    if isinstance(val, Tracer):
        return False
    if isinstance(val, core._PYTHON_SCALARS):
        return True
    shape = getattr(val, "shape", None)
    return shape == () and isinstance(val, (np.ndarray, np.generic)) or (
        shape == () and hasattr(val, "aval") and hasattr(val, "__array__"))


def _drop_unused(jaxpr: Jaxpr, consts: list) -> tuple[Jaxpr, list]:
    """Remove constants no equation or output reads (staging lifts more than it needs)."""
    used = {id(v) for v in jaxpr.outvars}
    for eqn in jaxpr.eqns:
        used.update(id(v) for v in eqn.invars)
    keep = [(v, c) for v, c in zip(jaxpr.constvars, consts) if id(v) in used]
    jaxpr.constvars = [v for v, _ in keep]
    return jaxpr, [c for _, c in keep]


class JaxprTracer(Tracer):
    __slots__ = ("_aval",)

    def __init__(self, trace, aval):
        self._trace = trace
        self._aval = aval

    @property
    def aval(self):
        return self._aval


class JaxprTrace(Trace):
    """Stages every primitive into the builder held by its main trace."""

    @property
    def builder(self) -> JaxprBuilder:
        return self.main.payload

    def new_arg(self, aval) -> JaxprTracer:
        return self.builder.new_tracer(self, aval)

    def pure(self, val):
        aval = get_aval(val)
        tracer = self.builder.new_tracer(self, aval)
        self.builder.add_const(tracer, val)
        return tracer

    lift = pure

    def process_primitive(self, primitive, tracers, params):
        avals_in = [t.aval for t in tracers]
        avals_out = primitive.abstract_eval(*avals_in, **params)
        multiple = primitive.multiple_results
        out_tracers = [self.builder.new_tracer(self, a)
                       for a in (avals_out if multiple else [avals_out])]
        invars = [self.builder.getvar(t) for t in tracers]
        outvars = [self.builder.getvar(t) for t in out_tracers]
        self.builder.eqns.append(JaxprEqn(primitive, invars, params, outvars))
        return out_tracers if multiple else out_tracers[0]


def trace_to_jaxpr(flat_fun: Callable, in_avals: Sequence[ShapedArray]) -> tuple[Jaxpr, list]:
    """Stage ``flat_fun`` (flat list of arrays in, flat list out) into a jaxpr."""
    builder = JaxprBuilder()
    with core.new_main(JaxprTrace, builder, dynamic=True) as main:
        trace = JaxprTrace(main)
        in_tracers = [trace.new_arg(a) for a in in_avals]
        outs = flat_fun(*in_tracers)
        out_tracers = [trace.full_raise(o) for o in outs]
        jaxpr, consts = builder.build(in_tracers, out_tracers)
    return jaxpr, consts


def flatten_fun(fun: Callable, in_tree):
    """Wrap a pytree function as a flat one; the output tree lands in ``store``."""
    store: dict[str, Any] = {}

    def flat_fun(*flat_args):
        args, kwargs = tree_util.tree_unflatten(in_tree, flat_args)
        out = fun(*args, **kwargs)
        flat_out, out_tree = tree_util.tree_flatten(out)
        for o in flat_out:
            if not core.is_array_like(o):
                raise TypeError(f"{getattr(fun, '__name__', fun)} returned a value of type "
                                f"{type(o).__name__} inside its output; a transformed "
                                f"function must return arrays or pytrees of arrays.")
        store["out_tree"] = out_tree
        return flat_out

    return flat_fun, store


def make_jaxpr(fun: Callable, static_argnums: int | Sequence[int] = (),
               return_shape: bool = False) -> Callable:
    """Like ``jax.make_jaxpr``: a function that returns the ClosedJaxpr of ``fun``."""
    if isinstance(static_argnums, int):
        static_argnums = (static_argnums,)

    @wraps(fun)
    def make(*args, **kwargs):
        static = {i % len(args) for i in static_argnums} if args else set()
        dyn_args = [a for i, a in enumerate(args) if i not in static]

        def with_static(*dyn, **kw):
            it = iter(dyn)
            full = [args[i] if i in static else next(it) for i in range(len(args))]
            return fun(*full, **kw)

        flat_args, in_tree = tree_util.tree_flatten((tuple(dyn_args), kwargs))
        in_avals = [get_aval(x) for x in flat_args]
        flat_fun, store = flatten_fun(with_static, in_tree)
        jaxpr, consts = trace_to_jaxpr(flat_fun, in_avals)
        closed = ClosedJaxpr(jaxpr, consts)
        if return_shape:
            shapes = [core.ShapeDtypeStruct(a.shape, a.dtype, a.weak_type)
                      for a in jaxpr.out_avals]
            return closed, tree_util.tree_unflatten(store["out_tree"], shapes)
        return closed

    make.__name__ = f"make_jaxpr({getattr(fun, '__name__', 'fun')})"
    return make




def eval_shape(fun: Callable, *args, **kwargs):
    """Like ``jax.eval_shape``: ``fun``'s output as a pytree of ``ShapeDtypeStruct`` objects.

    Traces ``fun`` on abstract values and runs nothing, so it needs no backend (no
    jaxlib); arguments may be arrays, Python scalars or ``ShapeDtypeStruct`` objects.
    """
    in_tree = tree_util.tree_structure((args, kwargs))
    in_avals = []
    for path, x in tree_util.tree_leaves_with_path((args, kwargs)):
        if not core.is_array_like(x) and hasattr(x, "shape") and hasattr(x, "dtype"):
            x = core.ShapeDtypeStruct(x.shape, x.dtype)  # any shape-and-dtype object
        if not (core.is_array_like(x) or isinstance(x, core.ShapeDtypeStruct)):
            raise TypeError(
                f"eval_shape({getattr(fun, '__name__', fun)}): the argument at "
                f"{tree_util.keystr(path[1:])} is a {type(x).__name__}, not an array, a "
                f"scalar or a ShapeDtypeStruct; close over non-array values instead "
                f"(e.g. with functools.partial).")
        in_avals.append(get_aval(x))

    def unpacked(*dyn, **kw):
        return fun(*dyn, **kw)

    flat_fun, store = flatten_fun(unpacked, in_tree)
    jaxpr, _ = trace_to_jaxpr(flat_fun, in_avals)
    return tree_util.tree_unflatten(store["out_tree"], [
        core.ShapeDtypeStruct(a.shape, a.dtype, a.weak_type) for a in jaxpr.out_avals])
