"""Eager composites as one compiled call: ``staged(fun, *args, **static)``.

An eager function made of several primitives (a sampler, ``x[3]``, ``x.at[3].set(v)``)
costs one executable call per primitive, each a few microseconds on XLA's CPU client.
``staged`` traces ``fun`` once per argument types and static parameters into a jaxpr
and binds ``jit_p`` on it: the active backend runs it as one program (plax-xla
compiles it once and caches it; the NumPy backend evaluates the jaxpr).  Under a
transformation (any argument a tracer) or with ``disable_jit``, ``fun`` simply runs,
so jaxprs and traced programs are unchanged.  JAX jits its samplers and its indexing
helpers internally the same way.

Python scalars and None among ``args`` are static (part of the cache key, as
``minval=0.0`` is); arrays are operands.  Only bodies that never look at concrete
values may be staged: value checks belong in the caller, before the call.  An error
raised while tracing (a bad index) propagates and nothing is cached.
"""

from __future__ import annotations

from ._ops_rules import as_array
from .caches import LRUCache
from .config import config, disable_jit
from .core import Tracer, get_aval
from .jaxpr import ClosedJaxpr, trace_to_jaxpr
from .lax import jit_p

__all__ = ["cached_count", "staged"]

_PY_SCALARS = (bool, int, float, complex)
_JAXPRS = LRUCache(512)


def staged(fun, *args, **static):
    """``fun(*args, **static)``, staged as one ``jit_p`` call when nothing is traced."""
    if disable_jit.value or any(isinstance(a, Tracer) for a in args):
        return fun(*args, **static)
    operands, pattern = [], []
    for a in args:
        if a is None or type(a) in _PY_SCALARS:
            pattern.append((type(a), a))
        else:
            operands.append(as_array(a))
            pattern.append(None)
    avals = tuple(get_aval(a) for a in operands)
    key = (fun, tuple(pattern), tuple(static.items()), avals,
           config.trace_context())

    def trace():
        def flat(*xs):
            it = iter(xs)
            return [fun(*[next(it) if p is None else p[1] for p in pattern], **static)]
        jaxpr, consts = trace_to_jaxpr(flat, avals)
        return ClosedJaxpr(jaxpr, consts)

    closed = _JAXPRS.get_or_create(key, trace)
    return jit_p.bind(*operands, name=fun.__name__, jaxpr=closed)[0]


def cached_count() -> int:
    """How many staged jaxprs are cached (a loop over index or parameter values must
    not add to it: those are operands)."""
    return len(_JAXPRS)
