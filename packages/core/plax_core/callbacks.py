"""Calling Python from traced code: ``debug.print``, ``debug.callback``,
``pure_callback``, ``io_callback`` and ``effects_barrier`` (JAX's API).

Each binds one of the callback primitives of ``prims/callback.py`` on the array
leaves of its arguments; other leaves (strings, None, Python objects) are kept as
static values of the callback.  Under ``jit`` the call is staged and the backend
calls back into Python while the program runs (plax-xla: a host-callback custom
call); eagerly the callback simply runs.  ``debug.print`` formats with
``str.format`` on NumPy arrays, as JAX does: a 0-d array formats as its Python
scalar (``{:.3f}`` works), others as ``str(array)``.
"""

from __future__ import annotations

import sys
from collections.abc import Callable

import numpy as np

from . import tree_util
from .core import ShapedArray, Tracer
from .prims.callback import FlatCallback, debug_callback_p, io_callback_p, pure_callback_p

__all__ = ["debug_print", "debug_callback", "pure_callback", "io_callback",
           "effects_barrier", "register_effects_barrier", "VMAP_METHODS"]

VMAP_METHODS = ("sequential", "sequential_unrolled", "expand_dims", "broadcast_all",
                "legacy_vectorized")
_barriers: list[Callable[[], None]] = []


def _is_dynamic(x) -> bool:
    return isinstance(x, (Tracer, np.ndarray, np.generic, int, float, complex, bool)) or (
        hasattr(x, "__array__") and not isinstance(x, (str, bytes)))


def _flat_callback(fun, args, kwargs, flatten, name):
    """``(FlatCallback, dynamic operands)`` for ``fun(*args, **kwargs)``."""
    leaves, tree = tree_util.tree_flatten((args, kwargs))
    dynamic = [_is_dynamic(x) for x in leaves]
    operands = [x for x, d in zip(leaves, dynamic) if d]

    def unflatten(flat):
        it = iter(flat)
        full = [next(it) if d else x for x, d in zip(leaves, dynamic)]
        return tree_util.tree_unflatten(tree, full)

    return FlatCallback(fun, unflatten, flatten, name), operands


def _result_avals(result_shape_dtypes):
    leaves, tree = tree_util.tree_flatten(result_shape_dtypes)
    avals = tuple(ShapedArray(tuple(x.shape), np.dtype(x.dtype)) for x in leaves)
    return avals, tree


def debug_callback(callback: Callable, *args, ordered: bool = False, **kwargs) -> None:
    """Call ``callback(*args, **kwargs)`` with concrete values, for its side effect
    (works under jit, vmap — once per example — and grad, on primal values)."""
    if not callable(callback):
        raise TypeError(f"debug.callback: callback must be callable, got {callback!r}")
    name = getattr(callback, "__name__", type(callback).__name__)
    flat, operands = _flat_callback(callback, args, kwargs, lambda r: [], name)
    debug_callback_p.bind(*operands, callback=flat, result_avals=(), ordered=ordered)


def debug_print(fmt: str, *args, ordered: bool = False, **kwargs) -> None:
    """Print ``fmt.format(*args, **kwargs)`` with the values the arrays have when
    the program runs (``jax.debug.print``)."""
    if not isinstance(fmt, str):
        raise TypeError(f"debug.print: fmt must be a format string, got {fmt!r} of type "
                        f"{type(fmt).__name__}")

    def _print(*a, **kw):
        sys.stdout.write(fmt.format(*a, **kw) + "\n")

    _print.__name__ = "debug_print"
    debug_callback(_print, *args, ordered=ordered, **kwargs)


def pure_callback(callback: Callable, result_shape_dtypes, *args,
                  vmap_method: str | None = None, **kwargs):
    """``callback(*args, **kwargs)`` computed on the host as a pure function whose
    result has ``result_shape_dtypes`` (a pytree of ``ShapeDtypeStruct``s).  Under
    ``vmap`` it is batched per ``vmap_method``: ``"sequential"`` calls it per example,
    ``"expand_dims"`` once with a leading batch axis (size 1 on unbatched
    arguments), ``"broadcast_all"`` once with every argument broadcast."""
    if not callable(callback):
        raise TypeError(f"pure_callback: callback must be callable, got {callback!r}")
    if vmap_method is not None and vmap_method not in VMAP_METHODS:
        raise ValueError(f"pure_callback: vmap_method must be None or one of "
                         f"{', '.join(repr(m) for m in VMAP_METHODS)}; got {vmap_method!r}")
    avals, out_tree = _result_avals(result_shape_dtypes)
    name = getattr(callback, "__name__", type(callback).__name__)
    flat, operands = _flat_callback(callback, args, kwargs, tree_util.tree_leaves, name)
    outs = pure_callback_p.bind(*operands, callback=flat, result_avals=avals,
                                vmap_method=vmap_method)
    return tree_util.tree_unflatten(out_tree, outs)


def io_callback(callback: Callable, result_shape_dtypes, *args, sharding=None,
                ordered: bool = False, **kwargs):
    """``callback(*args, **kwargs)`` on the host, for its side effects and its result
    of ``result_shape_dtypes``; never dropped, and ``ordered=True`` ones cannot be
    batched (``jax.experimental.io_callback``)."""
    if not callable(callback):
        raise TypeError(f"io_callback: callback must be callable, got {callback!r}")
    avals, out_tree = _result_avals(result_shape_dtypes)
    name = getattr(callback, "__name__", type(callback).__name__)
    flat, operands = _flat_callback(callback, args, kwargs, tree_util.tree_leaves, name)
    outs = io_callback_p.bind(*operands, callback=flat, result_avals=avals,
                              ordered=bool(ordered))
    return tree_util.tree_unflatten(out_tree, outs)


def register_effects_barrier(fn: Callable[[], None]) -> None:
    """A backend's way to wait for its pending callbacks (called by effects_barrier)."""
    _barriers.append(fn)


def effects_barrier() -> None:
    """Wait until every callback of the computations dispatched so far has run.

    JAX dispatches asynchronously and needs this before reading a callback's output.
    In plax the NumPy backend runs callbacks directly and plax-xla waits for a
    program's callbacks (its runtime token) before the call returns, so there is
    nothing left to wait for: the call exists for JAX code, and for a backend that
    runs callbacks asynchronously (it registers its wait with
    ``register_effects_barrier``)."""
    for fn in list(_barriers):
        fn()
