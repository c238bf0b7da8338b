"""Host callbacks: primitives that call a Python function on concrete values.

Three primitives, as in JAX, differing in their effect:

``pure_callback_p``   no side effect: the result may be cached or the call dropped
                      when unused; batched per its ``vmap_method``; no derivative.
``debug_callback_p``  side effect, no results (``debug.print``, ``debug.callback``):
                      never dropped; runs once per example under ``vmap`` and on the
                      primal values under ``grad``/``jvp``.
``io_callback_p``     side effect with results (``experimental.io_callback``); with
                      ``ordered=True`` it may not be batched.

Each primitive's ``callback`` parameter is a ``FlatCallback``: the user's function
over flat NumPy arrays, returning flat NumPy arrays checked against
``result_avals`` (JAX's error for a wrong shape; dtypes are cast, as JAX does).
``has_side_effects`` marks the primitives that dead-code elimination must keep.
Backends run the callback on the host: the NumPy backend directly (the
implementation below), XLA through a host-callback custom call (plax-xla).
"""

from __future__ import annotations

import numpy as np

from ..core import Primitive, ShapedArray

__all__: list[str] = []


class FlatCallback:
    """A user's callback over flat arrays: unflattens them with ``in_tree``, calls
    ``fun`` and flattens its result.  Hashed by identity (a jaxpr parameter)."""

    __slots__ = ("fun", "unflatten", "flatten", "name", "__weakref__")

    def __init__(self, fun, unflatten, flatten, name: str):
        self.fun = fun
        self.unflatten = unflatten      # flat args -> (args, kwargs)
        self.flatten = flatten          # result -> flat list
        self.name = name

    def __call__(self, *flat):
        args, kwargs = self.unflatten(flat)
        return self.flatten(self.fun(*args, **kwargs))

    def __repr__(self):
        return self.name


def check_results(results, result_avals) -> list[np.ndarray]:
    """``results`` as NumPy arrays of ``result_avals``' dtypes, or JAX's RuntimeError
    for a wrong number or shape of results."""
    results = list(results)
    if len(results) != len(result_avals):
        raise RuntimeError(f"Callback returned {len(results)} values, but its "
                           f"result_shape_dtypes describe {len(result_avals)}: return "
                           f"one array per ShapeDtypeStruct")
    out = []
    for i, (r, aval) in enumerate(zip(results, result_avals)):
        r = np.asarray(r)
        if r.shape != aval.shape:
            raise RuntimeError(f"Incorrect output shape for return value #{i}: Expected: "
                               f"{aval.shape}, Actual: {r.shape} (the callback's result "
                               f"must match its result_shape_dtypes)")
        out.append(np.asarray(r, dtype=aval.dtype))
    return out


def _abstract_eval(*avals, callback, result_avals, **params):
    return [ShapedArray(a.shape, a.dtype) for a in result_avals]


def _impl(*args, callback, result_avals, **params):
    return check_results(callback(*[np.asarray(a) for a in args]), result_avals)


def _callback_primitive(name: str, side_effects: bool) -> Primitive:
    p = Primitive(name, multiple_results=True)
    p.def_abstract_eval(_abstract_eval)
    p.def_impl(_impl)
    p.has_side_effects = side_effects
    p.runs_on_host = True        # eagerly, a backend calls the implementation directly
    return p


pure_callback_p = _callback_primitive("pure_callback", False)
debug_callback_p = _callback_primitive("debug_callback", True)
io_callback_p = _callback_primitive("io_callback", True)

CALLBACK_PRIMITIVES = (pure_callback_p, debug_callback_p, io_callback_p)
