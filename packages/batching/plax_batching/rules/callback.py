"""Batching rules of the host-callback primitives (family ``callback``), as JAX's.

``debug_callback_p`` runs once per example (``debug.print`` prints one line per
element).  ``pure_callback_p`` follows its ``vmap_method``: ``sequential`` (and
``sequential_unrolled``) call it per example and stack the results; ``expand_dims``
calls it once, batched operands with the batch axis first and unbatched ones with a
new axis of size 1; ``broadcast_all`` once with every operand broadcast to the batch;
``legacy_vectorized`` once, unbatched operands left as they are; ``None`` is JAX's
NotImplementedError.  ``io_callback_p`` runs per example, unless ``ordered``.
"""

from __future__ import annotations

from plax_core import lax
from plax_core.core import ShapedArray
from plax_core.extend import BATCHING
from plax_core.prims.callback import debug_callback_p, io_callback_p, pure_callback_p

from ..batching import axis_size_of, bdim_at_front


def _examples(args, dims, size):
    for b in range(size):
        yield [x if d is None else lax.index_in_dim(x, b, d, keepdims=False)
               for x, d in zip(args, dims)]


def _sequential(prim, args, dims, params):
    size = axis_size_of(args, dims)
    per = [prim.bind(*example, **params) for example in _examples(args, dims, size)]
    n = len(params["result_avals"])
    outs = [lax.concatenate([lax.expand_dims(p[i], (0,)) for p in per], 0)
            for i in range(n)]
    return outs, [0] * n


def _debug_callback_batch(args, dims, **params):
    size = axis_size_of(args, dims)
    for example in _examples(args, dims, size):
        debug_callback_p.bind(*example, **params)
    return [], []


def _io_callback_batch(args, dims, **params):
    if params["ordered"]:
        raise ValueError("Cannot `vmap` ordered IO callback.")
    return _sequential(io_callback_p, args, dims, params)


def _batched_avals(result_avals, size):
    return tuple(ShapedArray((size, *a.shape), a.dtype) for a in result_avals)


def _vectorized(args, dims, params, unbatched):
    size = axis_size_of(args, dims)
    args = [bdim_at_front(x, d, size) if d is not None else unbatched(x, size)
            for x, d in zip(args, dims)]
    outs = pure_callback_p.bind(*args, **{**params, "result_avals": _batched_avals(
        params["result_avals"], size)})
    return outs, [0] * len(outs)


_VMAP_METHODS = {
    "sequential": lambda a, d, p: _sequential(pure_callback_p, a, d, p),
    "sequential_unrolled": lambda a, d, p: _sequential(pure_callback_p, a, d, p),
    "expand_dims": lambda a, d, p: _vectorized(a, d, p, lambda x, n: lax.expand_dims(
        x, (0,))),
    "broadcast_all": lambda a, d, p: _vectorized(a, d, p, lambda x, n: bdim_at_front(
        x, None, n)),
    "legacy_vectorized": lambda a, d, p: _vectorized(a, d, p, lambda x, n: x),
}


def _pure_callback_batch(args, dims, **params):
    method = params["vmap_method"]
    if method not in _VMAP_METHODS:
        raise NotImplementedError(
            "vmap is only supported for the pure_callback primitive when vmap_method is "
            "one of 'sequential', 'sequential_unrolled', 'expand_dims', 'broadcast_all', "
            f"or 'legacy_vectorized'. Got vmap_method={method!r}.")
    return _VMAP_METHODS[method](args, dims, params)


def register(registry) -> None:
    """Fill the ``batching`` table for the callback primitives."""
    registry.rules(BATCHING).update({debug_callback_p: _debug_callback_batch,
                                     io_callback_p: _io_callback_batch,
                                     pure_callback_p: _pure_callback_batch})


__all__ = ["register"]
