"""``plax.numpy.pad``: every mode built from pad, slices, reversal and concatenation."""

from __future__ import annotations

import numpy as np

from plax_core import core, lax, ops
from plax_core.core import get_aval

from ._shape import _sl

__all__ = ["pad"]


# ------------------------------------------------------------------ pad

def _pairs(fname, what, value, nd, cast=int):
    v = np.asarray(core.concrete_or_error(None, value, f"{fname} {what}"))
    try:
        v = np.broadcast_to(v, (nd, 2))
    except ValueError:
        raise ValueError(f"{fname}: {what} of shape {v.shape} cannot be read as (before, "
                         f"after) pairs for {nd} axes") from None
    return [(cast(a), cast(b)) for a, b in v.tolist()]


def _edge_rep(x, axis, idx, count):
    e = _sl(x, idx, idx + 1, axis)
    shape = list(get_aval(e).shape)
    shape[axis] = count
    return ops.broadcast_to(e, tuple(shape), "pad")


def _pad_axis_periodic(x, axis, before, after, mode, odd):
    n = get_aval(x).shape[axis]
    if n == 0 and (before or after):
        raise ValueError(f"pad: can't extend the empty axis {axis} with mode {mode!r}")
    period = n - 1 if mode == "reflect" else n
    if period == 0:
        return _pad_axis_edge(x, axis, before, after)
    while before or after:
        m = get_aval(x).shape[axis]
        b, a = min(before, period), min(after, period)
        parts = []
        if b:
            lo = 1 if mode == "reflect" else 0
            chunk = lax.rev(_sl(x, lo, lo + b, axis), (axis,))
            if odd:
                chunk = ops.subtract(ops.multiply(2, _edge_rep(x, axis, 0, b)), chunk)
            parts.append(chunk)
        parts.append(x)
        if a:
            hi = m - 1 if mode == "reflect" else m
            chunk = lax.rev(_sl(x, hi - a, hi, axis), (axis,))
            if odd:
                chunk = ops.subtract(ops.multiply(2, _edge_rep(x, axis, m - 1, a)), chunk)
            parts.append(chunk)
        x = lax.concatenate([ops.convert(p, get_aval(x).dtype) for p in parts], axis)
        before, after = before - b, after - a
    return x


def _pad_axis_edge(x, axis, before, after):
    n = get_aval(x).shape[axis]
    if n == 0 and (before or after):
        raise ValueError(f"pad: can't extend the empty axis {axis} with mode 'edge'")
    parts = ([_edge_rep(x, axis, 0, before)] if before else []) + [x] + \
        ([_edge_rep(x, axis, n - 1, after)] if after else [])
    return lax.concatenate(parts, axis) if len(parts) > 1 else x


def _pad_wrap(x, axis, before, after):
    n = get_aval(x).shape[axis]
    if n == 0 and (before or after):
        raise ValueError(f"pad: can't extend the empty axis {axis} with mode 'wrap'")
    if not (before or after):
        return x
    reps = -(-before // n) + -(-after // n) + 1
    big = lax.concatenate([x] * reps, axis) if reps > 1 else x
    start = -(-before // n) * n - before
    return _sl(big, start, start + before + n + after, axis)


def _pad_stat(x, axis, before, after, stat_len, reducer):
    n = get_aval(x).shape[axis]
    parts = []
    for side, count, length in (("before", before, stat_len[0]), ("after", after,
                                                                   stat_len[1])):
        if not count:
            parts.append(None)
            continue
        length = n if length is None else max(min(length, n), 1)
        if n == 0:
            raise ValueError(f"pad: can't extend the empty axis {axis} with a statistic")
        region = _sl(x, 0, length, axis) if side == "before" else _sl(x, n - length, n, axis)
        v = reducer(region, axis)
        shape = list(get_aval(x).shape)
        shape[axis] = count
        parts.append(ops.broadcast_to(ops.convert(v, get_aval(x).dtype), tuple(shape), "pad"))
    out = [p for p in (parts[0], x, parts[1]) if p is not None]
    return lax.concatenate(out, axis) if len(out) > 1 else x


def _mean_keep(x, axis):
    m = ops.mean(x, axis=axis, keepdims=True)
    return ops.round(m) if ops.dtype_kind(x) in "iu" else m


def _pad_ramp(x, axis, before, after, ends):
    n = get_aval(x).shape[axis]
    if n == 0 and (before or after):
        raise ValueError(f"pad: can't extend the empty axis {axis} with mode 'linear_ramp'")
    dt = get_aval(x).dtype
    compute = ops.to_inexact_dtype(dt)
    parts = []
    for count, idx, end, rev in ((before, 0, ends[0], False), (after, n - 1, ends[1], True)):
        if not count:
            parts.append(None)
            continue
        edge = ops.convert(_edge_rep(x, axis, idx, count), compute)
        shape = get_aval(edge).shape
        t = lax.div(lax.broadcasted_iota(compute, shape, axis), ops.convert(count, compute))
        if rev:
            t = lax.rev(t, (axis,))
        endv = ops.convert(end, compute)
        ramp = ops.add(endv, ops.multiply(t, ops.subtract(edge, endv)))
        if ops.dtype_kind(x) in "iu":
            ramp = lax.floor(ramp)
        parts.append(ops.convert(ramp, dt))
    out = [p for p in (parts[0], x, parts[1]) if p is not None]
    return lax.concatenate(out, axis) if len(out) > 1 else x


_PAD_MODES = ("constant", "edge", "reflect", "symmetric", "wrap", "linear_ramp", "maximum",
              "minimum", "mean", "empty")


def pad(array, pad_width, mode="constant", **kwargs):
    """NumPy's ``pad``: modes constant, empty, edge, reflect and symmetric (with
    ``reflect_type``), wrap, linear_ramp, maximum, minimum and mean (with ``stat_length``)."""
    x = ops.operand(array, "pad")
    nd = get_aval(x).ndim
    if callable(mode):
        raise NotImplementedError("pad: a callable mode is not supported")
    if mode not in _PAD_MODES:  # JAX's class: NotImplementedError
        raise NotImplementedError(
            f"pad: mode must be one of {', '.join(_PAD_MODES)}, got {mode!r}"
            + ("; median needs sorting (plax.numpy.median)" if mode == "median" else ""))
    widths = _pairs("pad", "pad_width", pad_width, nd)
    if any(b < 0 or a < 0 for b, a in widths):
        raise ValueError(f"pad: pad_width must be non-negative, got {widths}")
    allowed = {"constant": {"constant_values"}, "linear_ramp": {"end_values"},
               "reflect": {"reflect_type"}, "symmetric": {"reflect_type"},
               "maximum": {"stat_length"}, "minimum": {"stat_length"},
               "mean": {"stat_length"}}.get(mode, set())
    unknown = set(kwargs) - allowed
    if unknown:
        raise ValueError(f"pad: unsupported keyword arguments for mode {mode!r}: "
                         f"{sorted(unknown)}")
    dt = get_aval(x).dtype
    if mode in ("constant", "empty"):
        values = kwargs.get("constant_values", 0)
        vals = ops.operand(values, "pad")
        if get_aval(vals).ndim == 0:
            zero = ops.convert(vals, dt)
            return lax.pad(x, zero, [(b, a, 0) for b, a in widths])
        pairs = _pairs("pad", "constant_values", values, nd, cast=lambda v: v)
        for axis, ((b, a), (vb, va)) in enumerate(zip(widths, pairs)):
            cfg = [(0, 0, 0)] * nd
            cfg[axis] = (b, 0, 0)
            x = lax.pad(x, ops.convert(vb, dt), cfg)
            cfg[axis] = (0, a, 0)
            x = lax.pad(x, ops.convert(va, dt), cfg)
        return x
    if mode in ("maximum", "minimum", "mean"):
        stat = kwargs.get("stat_length")
        stats = [(None, None)] * nd if stat is None else _pairs("pad", "stat_length", stat, nd)
        reducer = {"maximum": lambda r, ax: ops.max(r, axis=ax, keepdims=True),
                   "minimum": lambda r, ax: ops.min(r, axis=ax, keepdims=True),
                   "mean": _mean_keep}[mode]
        for axis, ((b, a), s) in enumerate(zip(widths, stats)):
            x = _pad_stat(x, axis, b, a, s, reducer)
        return x
    if mode == "linear_ramp":
        ends = _pairs("pad", "end_values", kwargs.get("end_values", 0), nd,
                      cast=lambda v: v)
        for axis, ((b, a), e) in enumerate(zip(widths, ends)):
            x = _pad_ramp(x, axis, b, a, e)
        return x
    for axis, (b, a) in enumerate(widths):
        if mode == "edge":
            x = _pad_axis_edge(x, axis, b, a)
        elif mode == "wrap":
            x = _pad_wrap(x, axis, b, a)
        else:
            rtype = kwargs.get("reflect_type", "even")
            if rtype not in ("even", "odd"):
                raise ValueError(f"pad: reflect_type must be 'even' or 'odd', got {rtype!r}")
            if b or a:
                x = _pad_axis_periodic(x, axis, b, a, mode, rtype == "odd")
    return ops.as_array(x)
