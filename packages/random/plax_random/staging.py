"""Eager samplers as one compiled call (JAX jits its samplers internally the same way).

Run op by op, an eager ``normal(key, (16,))`` dispatched ~20 primitives (~165 before
Threefry became one primitive), each a separate executable call.  ``staged(fun,
*args, **static)`` instead traces ``fun`` once per argument types and static
parameters into a jaxpr and binds core's ``jit_p`` on it: the active backend runs it
as one program (plax-xla compiles it once and caches it), the NumPy backend
evaluates the jaxpr.  Under a transformation (any argument a tracer) or with
``disable_jit``, ``fun`` simply runs, so jaxprs and traced programs are unchanged.

Python scalars among ``args`` are static (part of the cache key, as ``minval=0.0``
is); arrays are operands.  Only bodies that never look at concrete values may be
staged: value checks belong in the public function, before the call.
"""

from __future__ import annotations

from plax_core import config, ops
from plax_core.caches import register_cache_clearer
from plax_core.core import Tracer, get_aval
from plax_core.jaxpr import ClosedJaxpr, trace_to_jaxpr
from plax_core.lax import jit_p

__all__ = ["staged"]

_PY_SCALARS = (bool, int, float, complex)
_CACHE: dict = {}
_CACHE_MAX = 512

register_cache_clearer(_CACHE.clear)


def staged(fun, *args, **static):
    """``fun(*args, **static)``, staged as one ``jit_p`` call when nothing is traced."""
    if config.disable_jit or any(isinstance(a, Tracer) for a in args):
        return fun(*args, **static)
    operands, pattern = [], []
    for a in args:
        if a is None or type(a) in _PY_SCALARS:
            pattern.append((type(a), a))
        else:
            operands.append(ops.as_array(a))
            pattern.append(None)
    avals = tuple(get_aval(a) for a in operands)
    key = (fun, tuple(pattern), tuple(sorted(static.items())), avals,
           config.trace_context())
    closed = _CACHE.get(key)
    if closed is None:
        def flat(*xs):
            it = iter(xs)
            return [fun(*[next(it) if p is None else p[1] for p in pattern], **static)]
        jaxpr, consts = trace_to_jaxpr(flat, avals)
        closed = ClosedJaxpr(jaxpr, consts)
        if len(_CACHE) >= _CACHE_MAX:
            _CACHE.pop(next(iter(_CACHE)))
        _CACHE[key] = closed
    return jit_p.bind(*operands, name=fun.__name__, jaxpr=closed)[0]
