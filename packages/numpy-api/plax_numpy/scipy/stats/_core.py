"""``plax.scipy.stats.mode``, ``rankdata`` and ``sem``: statistics of a sample along an axis.

Ties are found in sorted order: a run of equal values starts where a value differs from
its predecessor, and a running maximum of the start positions gives each element's run.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

import plax_numpy as jnp
from plax_core import lax


class ModeResult(NamedTuple):
    mode: object
    count: object


def _runs(s):
    """For ``s`` sorted on the last axis: (run start index, run end index) per position."""
    n = s.shape[-1]
    idx = jnp.broadcast_to(jnp.arange(n), s.shape)
    first = jnp.concatenate([jnp.ones(s.shape[:-1] + (1,), bool), s[..., 1:] != s[..., :-1]],
                            axis=-1)
    last = jnp.concatenate([s[..., 1:] != s[..., :-1], jnp.ones(s.shape[:-1] + (1,), bool)],
                           axis=-1)
    start = lax.cummax(jnp.where(first, idx, 0), axis=s.ndim - 1)
    end = lax.cummin(jnp.where(last, idx, n - 1), axis=s.ndim - 1, reverse=True)
    return start, end, first


def _check_nan_policy(name, nan_policy, allowed):
    if nan_policy not in ("propagate", "omit", "raise"):
        raise ValueError(f"{name}: nan_policy must be 'propagate', 'omit' or 'raise', "
                         f"got {nan_policy!r}.")
    if nan_policy not in allowed:
        raise (ValueError if nan_policy == "raise" else NotImplementedError)(
            f"{name}: nan_policy={nan_policy!r} is not supported (as in JAX); use "
            f"{' or '.join(repr(a) for a in allowed)}.")


def mode(a, axis=0, nan_policy="propagate", keepdims=False):
    """The most common value along ``axis`` (the smallest on ties) and its count."""
    _check_nan_policy("mode", nan_policy, ("propagate",))
    a = jnp.asarray(a)
    if axis is None:
        a, axis = jnp.ravel(a), 0
    if a.ndim == 0:
        a, axis = a.reshape(1), 0
    s = jnp.sort(jnp.moveaxis(a, axis, -1), axis=-1)
    start, _, _ = _runs(s)
    counts = jnp.arange(s.shape[-1]) - start + 1
    best = jnp.argmax(counts, axis=-1)[..., None]
    value = jnp.take_along_axis(s, best, axis=-1)[..., 0]
    count = jnp.take_along_axis(counts, best, axis=-1)[..., 0].astype(jnp.int32)
    if keepdims:
        value, count = jnp.expand_dims(value, axis), jnp.expand_dims(count, axis)
    return ModeResult(value, count)


_RANK_METHODS = ("average", "min", "max", "dense", "ordinal")


def rankdata(a, method="average", *, axis=None, nan_policy="propagate"):
    """Ranks from 1, ties resolved by ``method`` (JAX returns floats for every method)."""
    if method not in _RANK_METHODS:
        raise ValueError(f"rankdata: unknown method {method!r}; use one of {_RANK_METHODS}.")
    _check_nan_policy("rankdata", nan_policy, ("propagate",))
    a = jnp.asarray(a)
    if axis is None:
        a, axis = jnp.ravel(a), -1
    if a.size == 0:
        return jnp.zeros(a.shape, jnp.result_type(float))
    moved = jnp.moveaxis(a, axis, -1)
    order = jnp.argsort(moved, axis=-1, stable=True)
    s = jnp.take_along_axis(moved, order, axis=-1)
    start, end, first = _runs(s)
    by_method = {"min": start + 1, "max": end + 1, "ordinal": jnp.arange(s.shape[-1]) + 1,
                 "dense": jnp.cumsum(first, axis=-1),
                 "average": (start + end + 2) / 2.0}
    ranked_sorted = jnp.broadcast_to(by_method[method], s.shape).astype(jnp.result_type(float))
    inverse = jnp.argsort(order, axis=-1)
    ranks = jnp.take_along_axis(ranked_sorted, inverse, axis=-1)
    if jnp.issubdtype(a.dtype, jnp.inexact):
        has_nan = jnp.any(jnp.isnan(moved), axis=-1, keepdims=True)
        ranks = jnp.where(has_nan, np.nan, ranks)
    return jnp.moveaxis(ranks, -1, axis)


def sem(a, axis=0, ddof=1, nan_policy="propagate", *, keepdims=False):
    """Standard error of the mean: std(ddof) / sqrt(n) along ``axis``."""
    _check_nan_policy("sem", nan_policy, ("propagate", "omit"))
    a = jnp.asarray(a)
    if not jnp.issubdtype(a.dtype, jnp.inexact):
        a = a.astype(jnp.result_type(float))
    if axis is None:
        a, axis = jnp.ravel(a), 0
    if nan_policy == "omit":
        n = jnp.sum(~jnp.isnan(a), axis=axis, keepdims=keepdims)
        return jnp.nanstd(a, axis=axis, ddof=ddof, keepdims=keepdims) / jnp.sqrt(n)
    n = a.shape[axis]
    return jnp.std(a, axis=axis, ddof=ddof, keepdims=keepdims) / np.sqrt(n)
