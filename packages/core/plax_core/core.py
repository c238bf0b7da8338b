"""Primitives, abstract values, tracers and traces.

The design is JAX's: a primitive is a named operation with an abstract-evaluation
rule (avals in, avals out) and a NumPy reference implementation.  ``Primitive.bind``
finds the innermost active transformation among its arguments (the trace with the
highest level), lifts the other arguments into it and hands it the primitive.  With
no tracer among the arguments, the bottom ``EvalTrace`` runs the primitive on the
active backend.  Transformations are a ``Trace`` subclass plus a rule table; they nest
to any depth because every trace keeps its level on one global stack, and tracers of
an outer level are just constants to an inner one (no perturbation confusion).

``dynamic_trace`` supports staging (``make_jaxpr``, ``jit``): while it is set, even
operations on constants are recorded into the jaxpr being built.
"""

from __future__ import annotations

import math
import operator
import threading
from collections.abc import Callable, Sequence
from contextlib import contextmanager
from typing import Any

import numpy as np

from . import dtypes
from .errors import (
    ConcretizationTypeError,
    TracerArrayConversionError,
    TracerBoolConversionError,
    TracerIntegerConversionError,
    UnexpectedTracerError,
)
from .plugins import get_backend
from .registry import MissingRuleError

# --------------------------------------------------------------------------- avals

class ShapedArray:
    """The abstract value of an array: shape, dtype and whether its type is weak."""

    __slots__ = ("shape", "dtype", "weak_type")
    array_abstraction_level = 1

    def __init__(self, shape, dtype, weak_type=False):
        self.shape = tuple(operator.index(d) for d in shape)
        self.dtype = np.dtype(dtype)
        self.weak_type = bool(weak_type)

    ndim = property(lambda self: len(self.shape), doc="The number of axes.")
    size = property(lambda self: math.prod(self.shape), doc="The number of elements.")

    def update(self, shape=None, dtype=None, weak_type=None):
        """A copy with the given fields replaced (None keeps a field)."""
        return ShapedArray(self.shape if shape is None else shape,
                           self.dtype if dtype is None else dtype,
                           self.weak_type if weak_type is None else weak_type)

    def strip_weak_type(self):
        """The same aval with ``weak_type=False`` (``self`` when it already is)."""
        return self.update(weak_type=False) if self.weak_type else self

    def __eq__(self, other):
        return (type(other) is ShapedArray and self.shape == other.shape
                and self.dtype == other.dtype and self.weak_type == other.weak_type)

    def __hash__(self):
        return hash((self.shape, self.dtype, self.weak_type))

    def str_short(self):
        """The short form jaxprs print: ``f32[3,4]``."""
        return f"{dtypes.short_dtype_name(self.dtype)}[{','.join(map(str, self.shape))}]"

    def __repr__(self):
        weak = ", weak_type=True" if self.weak_type else ""
        return f"ShapedArray({self.str_short()}{weak})"


class ShapeDtypeStruct:
    """A shape and dtype standing in for an array (``make_jaxpr``/``eval_shape`` in and out).

    JAX's constructor: ``ShapeDtypeStruct(shape, dtype, *, sharding=None, weak_type=False)``
    (``weak_type`` may also come third, positionally, as plax's own code passes it).
    """

    __slots__ = ("shape", "dtype", "weak_type", "sharding")

    def __init__(self, shape, dtype, weak_type=False, *, sharding=None):
        if dtype is None:
            raise ValueError("ShapeDtypeStruct: dtype must be specified.")
        self.shape = tuple(int(d) for d in shape)
        self.dtype = dtypes.canonicalize_dtype(dtype)
        self.weak_type = bool(weak_type)
        self.sharding = sharding

    ndim = property(lambda self: len(self.shape), doc="The number of axes.")
    size = property(lambda self: math.prod(self.shape), doc="The number of elements.")

    def __len__(self):
        if not self.shape:
            raise TypeError("len() of unsized object")
        return self.shape[0]

    def update(self, **changes):
        """A copy with some of shape, dtype, weak_type, sharding replaced."""
        fields = {k: getattr(self, k) for k in self.__slots__}
        fields.update(changes)
        return ShapeDtypeStruct(fields.pop("shape"), fields.pop("dtype"), **fields)

    def __repr__(self):
        weak = ", weak_type=True" if self.weak_type else ""
        sharding = "" if self.sharding is None else f", sharding={self.sharding!r}"
        return f"ShapeDtypeStruct(shape={self.shape}, dtype={self.dtype.name}{sharding}{weak})"

    def __eq__(self, other):
        return (isinstance(other, ShapeDtypeStruct) and self.shape == other.shape
                and self.dtype == other.dtype and self.weak_type == other.weak_type
                and self.sharding == other.sharding)

    def __hash__(self):
        return hash((self.shape, self.dtype, self.weak_type))


_PYTHON_SCALARS = (bool, int, float, complex)


def get_aval(x) -> ShapedArray:
    """The abstract value of any value plax accepts as an array argument."""
    if isinstance(x, Tracer):
        return x.aval
    aval = getattr(x, "aval", None)
    if isinstance(aval, ShapedArray):
        return aval
    if isinstance(x, _PYTHON_SCALARS) or isinstance(x, (np.ndarray, np.generic)):
        value, weak = dtypes.coerce_to_array(x)
        return ShapedArray(value.shape, value.dtype, weak)
    if isinstance(x, ShapeDtypeStruct):
        return ShapedArray(x.shape, x.dtype, x.weak_type)
    raise TypeError(f"Value {x!r} of type {type(x).__name__} is not a valid plax array "
                    f"argument; pass an array, a NumPy array or a Python scalar.")


def is_array_like(x) -> bool:
    return (isinstance(x, (Tracer, np.ndarray, np.generic) + _PYTHON_SCALARS)
            or isinstance(getattr(x, "aval", None), ShapedArray))


# ----------------------------------------------------------------------- primitives

class Primitive:
    """A named operation: abstract evaluation, NumPy implementation, ``bind``."""

    multiple_results = False

    def __init__(self, name: str, multiple_results: bool = False, family: str | None = None):
        self.name = name
        self.multiple_results = multiple_results
        self.family = family   # where its rules live in every package (plax_core.extend)
        self.impl: Callable | None = None
        self._abstract_eval: Callable | None = None

    def __repr__(self):
        return self.name

    def def_impl(self, impl):
        """Set the NumPy reference implementation (NumPy arrays in, NumPy arrays out)."""
        self.impl = impl
        return impl

    def def_abstract_eval(self, rule):
        """Set the abstract-evaluation rule (``ShapedArray`` values in, out)."""
        self._abstract_eval = rule
        return rule

    def abstract_eval(self, *avals, **params):
        """The output aval(s) for these input avals and parameters; a
        ``MissingRuleError`` when no rule was set."""
        if self._abstract_eval is None:
            raise MissingRuleError("abstract_eval", self)
        return self._abstract_eval(*avals, **params)

    def bind(self, *args, **params):
        """Apply the primitive: run it on the backend when no transformation is active,
        else hand it to the innermost trace among ``args`` (the others are raised to it)."""
        if len(_state.stack) == 1:      # eager, nothing transformed: straight to the backend
            for a in args:
                if isinstance(a, Tracer):
                    break                   # a leaked tracer: find_top_trace says so
            else:
                out = get_backend().apply_primitive(self, args, params)
                return list(out) if self.multiple_results else out
        trace = find_top_trace(args)
        tracers = [trace.full_raise(a) for a in args]
        out = trace.process_primitive(self, tracers, params)
        if self.multiple_results:
            return [full_lower(o) for o in out]
        return full_lower(out)


# --------------------------------------------------------------- traces and tracers

class MainTrace:
    """One active transformation: its level on the stack and its trace type."""

    __slots__ = ("level", "trace_type", "payload")

    def __init__(self, level: int, trace_type: type, payload: Any = None):
        self.level = level
        self.trace_type = trace_type
        self.payload = payload

    def with_cur_sublevel(self):
        """A fresh ``Trace`` of this transformation, to make tracers with."""
        return self.trace_type(self)

    def __repr__(self):
        return f"MainTrace({self.level}, {self.trace_type.__name__})"


class Trace:
    """How one transformation interprets primitives.  Subclasses define the methods."""

    __slots__ = ("main",)

    def __init__(self, main: MainTrace):
        self.main = main

    def pure(self, val) -> Tracer:
        """Wrap a value that is constant with respect to this transformation."""
        raise NotImplementedError

    def lift(self, tracer: Tracer) -> Tracer:
        """Wrap a tracer of an outer (lower-level) transformation."""
        return self.pure(tracer)

    def process_primitive(self, primitive: Primitive, tracers, params):
        """Apply ``primitive`` to this trace's tracers: the transformation's rule, looked
        up in its table. Every subclass defines it."""
        raise NotImplementedError

    def full_raise(self, val) -> Tracer:
        """``val`` as a tracer of this trace: constants through ``pure``, an outer
        transformation's tracers through ``lift``; an inner one's is an
        ``UnexpectedTracerError`` (it escaped its transformation)."""
        if not isinstance(val, Tracer):
            return self.pure(val)
        level = self.main.level
        if val._trace.main is self.main:
            return val
        if val._trace.main.level < level:
            return self.lift(val)
        raise UnexpectedTracerError(
            f"A tracer from an inner transformation ({val._trace.main}) reached an outer "
            f"one ({self.main}). This happens when a function stores a traced value in a "
            f"global or a closure and uses it after the transformation returned; return "
            f"it as an output instead.")

    def __repr__(self):
        return f"{type(self).__name__}(level={self.main.level})"


# JAX's classes (plax_core.errors); EscapedTracerError is plax's older name.
EscapedTracerError = UnexpectedTracerError


class Tracer:
    """A value being traced by one transformation.

    NumPy's operators and methods (``x + y``, ``x.sum()``, ``x[i]``, iteration) are
    attached by ``plax_core.array_methods``, as they are to ``Array``: they are NumPy
    semantics, which sit on the kernel rather than in it.
    """

    __slots__ = ("_trace",)
    __array_priority__ = 1000

    @property
    def aval(self) -> ShapedArray:
        """The abstract value (shape, dtype, weak type); every subclass defines it."""
        raise NotImplementedError

    shape = property(lambda self: self.aval.shape, doc="The shape, a tuple of ints.")
    dtype = property(lambda self: self.aval.dtype, doc="The NumPy dtype of the elements.")
    ndim = property(lambda self: self.aval.ndim, doc="The number of axes.")
    size = property(lambda self: self.aval.size, doc="The number of elements.")
    weak_type = property(lambda self: self.aval.weak_type,
                         doc="True for a weakly typed value (from a Python scalar).")

    def full_lower(self):
        """The simplest equivalent value: a subclass returns the value it wraps when the
        transformation adds nothing to it (a batch tracer without a batch axis)."""
        return self

    def __len__(self):
        if not self.shape:
            raise TypeError("len() of unsized object (a 0-d traced array)")
        return self.shape[0]

    def _concrete_error(self, what: str, cls: type = ConcretizationTypeError):
        raise cls(
            f"{what} was called on a traced array {self.aval.str_short()} "
            f"(traced by {type(self._trace).__name__}). Its value is not known while the "
            f"function is transformed, so Python control flow cannot depend on it. Use "
            f"plax.lax.cond / plax.lax.while_loop / plax.numpy.where for data-dependent "
            f"branches, or mark the argument static (static_argnums) under jit.")

    def __bool__(self):
        self._concrete_error("bool()", TracerBoolConversionError)

    def __int__(self):
        self._concrete_error("int()")

    def __float__(self):
        self._concrete_error("float()")

    def __complex__(self):
        self._concrete_error("complex()")

    def __index__(self):
        self._concrete_error("__index__ (use as an index or size)", TracerIntegerConversionError)

    def __array__(self, *args, **kwargs):
        self._concrete_error("numpy.asarray()", TracerArrayConversionError)

    def item(self):
        """Refused: a traced value has no concrete value (``ConcretizationTypeError``)."""
        self._concrete_error(".item()")

    def tolist(self):
        """Refused: a traced value has no concrete value (``ConcretizationTypeError``)."""
        self._concrete_error(".tolist()")

    def __hash__(self):
        raise TypeError("unhashable type: traced array (plax arrays are mutable-looking "
                        "values and cannot be dict keys or set members)")

    def __repr__(self):
        return f"Traced<{self.aval!r}>with<{type(self._trace).__name__}>"


def full_lower(x):
    """``val`` unwrapped from its tracer when that tracer carries nothing of its
    transformation.
    """
    return x.full_lower() if isinstance(x, Tracer) else x


# ------------------------------------------------------------------- trace stack

class EvalTrace(Trace):
    """The bottom of the stack: runs primitives on the active backend."""

    def pure(self, val):
        return val

    lift = pure

    def process_primitive(self, primitive, args, params):
        return get_backend().apply_primitive(primitive, args, params)


class _TraceState(threading.local):
    """Each thread's own transformation stack, with its own eager evaluator at the bottom.

    Tracing state is per thread (as in JAX): one thread tracing a ``jit`` function must
    never see another thread's tracers, or have its eager ops staged by them.
    """

    def __init__(self):
        base = MainTrace(0, EvalTrace)
        self.stack: list[MainTrace] = [base]
        self.dynamic: list[MainTrace] = [base]


_state = _TraceState()


def trace_stack() -> list[MainTrace]:
    """This thread's stack of active transformations (the bottom one evaluates eagerly)."""
    return _state.stack


def dynamic_main() -> MainTrace:
    return _state.dynamic[-1]


@contextmanager
def new_main(trace_type: type, payload: Any = None, dynamic: bool = False):
    """Push a transformation onto this thread's stack for the duration of the block.

    ``dynamic=True`` makes it the staging trace: every primitive bound inside is
    recorded by it even when no argument is one of its tracers.
    """
    state = _state
    stack = state.stack
    main = MainTrace(len(stack), trace_type, payload)
    stack.append(main)
    if dynamic:
        state.dynamic.append(main)
    try:
        yield main
    finally:
        if dynamic:
            state.dynamic.pop()
        stack.pop()


@contextmanager
def new_base_main(trace_type: type, payload: Any = None):
    """Stage without any outer transformation seeing the inner operations (used by jit)."""
    with new_main(trace_type, payload, dynamic=True) as main:
        yield main


def find_top_trace(args) -> Trace:
    """The trace of the innermost transformation among ``xs``' tracers (the eager trace when
    none).
    """
    top = _state.dynamic[-1]
    for x in args:
        if isinstance(x, Tracer):
            main = x._trace.main
            if main.level > top.level:
                top = main
    stack = _state.stack
    if top.level >= len(stack) or stack[top.level] is not top:
        raise UnexpectedTracerError(
            f"Encountered an unexpected tracer: a value traced by {top} was used after that "
            f"transformation finished (or in another thread). A transformed function "
            f"leaked it, e.g. by storing it in a global, a closure or an object attribute; "
            f"return it as an output instead.")
    return top.with_cur_sublevel()


def cur_level() -> int:
    return _state.stack[-1].level


# ------------------------------------------------------------------ helpers

def concrete_or_error(fun: Callable | None, x, context: str = ""):
    """The concrete value of ``x``, or a ConcretizationTypeError explaining why not."""
    if isinstance(x, Tracer):
        x._concrete_error(context or "A concrete value")
    return x if fun is None else fun(x)


def check_same_avals(name: str, expected: Sequence[ShapedArray], got: Sequence[ShapedArray]):
    for i, (a, b) in enumerate(zip(expected, got)):
        if a.shape != b.shape or a.dtype != b.dtype:
            raise TypeError(f"{name}: argument {i} expected {a.str_short()}, "
                            f"got {b.str_short()}")
